-- The duplicate check looks a text up by its digest instead of reading every
-- comment on the page. Older rows keep NULL and are compared by text.
ALTER TABLE comments ADD COLUMN source_hash INTEGER;
CREATE INDEX comments_by_source ON comments (page_id, source_hash, created);
