-- One vote per comment per address, as well as per voter: the day's IP hash
-- of where each vote was cast from. Older votes keep NULL, which a unique
-- index never counts as a clash.
ALTER TABLE votes ADD COLUMN ip_hash TEXT;
CREATE UNIQUE INDEX votes_one_per_address ON votes (comment_id, ip_hash);
