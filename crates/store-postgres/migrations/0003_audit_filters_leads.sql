-- Audit log filters (by actor, by action) and lead candidates from scanned QR codes.
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

CREATE TABLE lead_candidates (
    domain      TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    score       INTEGER NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    sightings   BIGINT NOT NULL
);
CREATE INDEX lead_candidates_last_seen ON lead_candidates (last_seen);
