-- Moderation: moderators and their sessions, bans, the audit log, the spam
-- model's counts and the secrets every instance shares. Sessions and secrets
-- live here, not in memory, so several instances can serve one database.

-- Why a comment was held, for the moderator reading the queue.
ALTER TABLE comments ADD COLUMN held_reason TEXT;
-- What the spam model learned from this comment ('spam' or 'ham'), so that a
-- reversed decision is unlearned exactly once.
ALTER TABLE comments ADD COLUMN trained TEXT;
CREATE INDEX comments_by_status ON comments (status, id);
CREATE INDEX comments_by_ip ON comments (ip_hash);

CREATE TABLE moderators (
    -- AUTOINCREMENT: an id is never reused, so an e-mailed link signed for a
    -- removed moderator cannot come to life for a later one.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    -- NULL until the moderator sets one through a setup link.
    password_hash TEXT,
    created INTEGER NOT NULL
);

CREATE TABLE moderator_sites (
    moderator_id INTEGER NOT NULL REFERENCES moderators (id) ON DELETE CASCADE,
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    PRIMARY KEY (moderator_id, site_id)
);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id) ON DELETE CASCADE,
    expires INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    moderator_id INTEGER NOT NULL REFERENCES moderators (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);

CREATE TABLE bans (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'ip', 'author')),
    value TEXT NOT NULL,
    reason TEXT,
    expires INTEGER,
    created INTEGER NOT NULL
);
CREATE INDEX bans_by_value ON bans (site_id, kind, value);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    moderator_id INTEGER REFERENCES moderators (id) ON DELETE SET NULL,
    -- The e-mail at the time: the log outlives the moderator.
    moderator TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    created INTEGER NOT NULL
);
CREATE INDEX audit_by_site ON audit_log (site_id, id);

CREATE TABLE spam_docs (
    site_id INTEGER PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
    spam INTEGER NOT NULL DEFAULT 0,
    ham INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE spam_tokens (
    site_id INTEGER NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    spam INTEGER NOT NULL DEFAULT 0,
    ham INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, token)
);

-- Server-wide secrets, such as the key that signs e-mailed links.
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
