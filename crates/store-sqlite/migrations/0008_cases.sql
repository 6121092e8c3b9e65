-- Casework: site inspections and cases as JSON documents, with the columns queries filter on. A case's
-- version makes every change a compare-and-swap.
CREATE TABLE inspections (
    id         INTEGER PRIMARY KEY,
    region     TEXT NOT NULL,
    at         TEXT NOT NULL,
    created_by TEXT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX inspections_region ON inspections (region);
CREATE TABLE cases (
    id         INTEGER PRIMARY KEY,
    region     TEXT NOT NULL,
    state      TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version    BIGINT NOT NULL,
    body       TEXT NOT NULL
);
CREATE INDEX cases_region ON cases (region);
-- Certificate photos an inspector attached, by worker (their place in the inspection's list).
CREATE TABLE inspection_photos (
    inspection_id INTEGER NOT NULL,
    worker        INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    bytes         BLOB NOT NULL,
    PRIMARY KEY (inspection_id, worker)
);
