-- The transparency log (issue 9). Kept in lockstep with crates/store-postgres/migrations/0004_transparency_log.sql.
-- Registry events wait in log_pending (written in the transaction of their change) until the sequencer gives
-- them an index; the sequenced tree is kept as C2SP tiles (level -1 = entry bundles) at their latest width,
-- with one index row per entry for lookups, and the latest signed checkpoint in log_state.
CREATE TABLE log_pending (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    serial             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    authority          TEXT NOT NULL,
    at                 TEXT NOT NULL,
    credential_sha256  BLOB
);

CREATE TABLE log_leaves (
    idx                INTEGER PRIMARY KEY,
    serial             TEXT NOT NULL,
    kind               TEXT NOT NULL,
    credential_sha256  BLOB
);
CREATE INDEX log_leaves_serial ON log_leaves (serial, idx);
-- The trust list's key events, read at start-up to log keys added to or removed from the trust list.
CREATE INDEX log_leaves_keys ON log_leaves (idx) WHERE kind IN ('key_added', 'key_removed');

CREATE TABLE log_tiles (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

CREATE TABLE log_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        INTEGER NOT NULL,
    checkpoint  TEXT NOT NULL
);
-- Size 0 and no checkpoint until the first sequencing step.
INSERT INTO log_state (id, size, checkpoint) VALUES (1, 0, '');
