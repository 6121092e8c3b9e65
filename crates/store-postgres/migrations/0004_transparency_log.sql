-- The transparency log (issue 9). Kept in lockstep with crates/store-sqlite/migrations/0004_transparency_log.sql.
CREATE TABLE log_pending (
    id                 BIGSERIAL PRIMARY KEY,
    serial             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    authority          TEXT NOT NULL,
    at                 TIMESTAMPTZ NOT NULL,
    credential_sha256  BYTEA
);

CREATE TABLE log_leaves (
    idx                BIGINT PRIMARY KEY,
    serial             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    credential_sha256  BYTEA
);
CREATE INDEX log_leaves_serial ON log_leaves (serial, idx);
-- The trust list's key events, read at start-up to log keys added to or removed from the trust list.
CREATE INDEX log_leaves_keys ON log_leaves (idx) WHERE kind IN ('key_added', 'key_removed');

CREATE TABLE log_tiles (
    level  SMALLINT NOT NULL,
    idx    BIGINT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE log_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        BIGINT NOT NULL,
    checkpoint  TEXT NOT NULL
);
-- Size 0 and no checkpoint until the first sequencing step.
INSERT INTO log_state (id, size, checkpoint) VALUES (1, 0, '');
