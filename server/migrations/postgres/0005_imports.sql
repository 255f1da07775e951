-- Which comment each imported one became, keyed by the file's format and its
-- own id: importing the same file again finds them instead of adding copies.
CREATE TABLE imported (
    site_id BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    format TEXT NOT NULL,
    source_id TEXT NOT NULL,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, format, source_id)
);
