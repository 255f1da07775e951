-- Times are unix milliseconds (INTEGER) so both backends share their SQL.

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    moderation TEXT NOT NULL DEFAULT 'open' CHECK (moderation IN ('open', 'all', 'first-time')),
    settings TEXT NOT NULL DEFAULT '{}',
    created INTEGER NOT NULL
);

CREATE TABLE site_origins (
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    PRIMARY KEY (site_id, origin)
);
CREATE INDEX site_origins_by_origin ON site_origins (origin);

CREATE TABLE pages (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    title TEXT,
    url TEXT,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    created INTEGER NOT NULL,
    UNIQUE (site_id, key)
);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments (id),
    depth INTEGER NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    email TEXT,
    website TEXT,
    avatar TEXT NOT NULL,
    source TEXT NOT NULL,
    html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'deleted')),
    created INTEGER NOT NULL,
    edited INTEGER,
    score INTEGER NOT NULL DEFAULT 0,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    notify BOOLEAN NOT NULL DEFAULT FALSE,
    edit_token_hash TEXT NOT NULL,
    ip_hash TEXT NOT NULL,
    voter_hash TEXT NOT NULL
);
CREATE INDEX comments_by_page ON comments (page_id, status);
CREATE INDEX comments_by_voter ON comments (voter_hash, status);

CREATE TABLE votes (
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    voter_hash TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    PRIMARY KEY (comment_id, voter_hash)
);

-- One salt per day for IP hashes; old ones are deleted, see Store::daily_salt.
CREATE TABLE ip_salts (
    day INTEGER PRIMARY KEY,
    salt TEXT NOT NULL
);
