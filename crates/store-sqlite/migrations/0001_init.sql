-- certguard schema v1 (SQLite). Kept in lockstep with crates/store-postgres/migrations/0001_init.sql.
-- Dates are ISO text (YYYY-MM-DD) and timestamps RFC 3339 UTC text: both sort correctly as text.
CREATE TABLE authorities (
    code     TEXT PRIMARY KEY,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    region   TEXT NOT NULL
);

CREATE TABLE certificates (
    id           INTEGER PRIMARY KEY,
    serial       TEXT NOT NULL UNIQUE,
    number       TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    code1        TEXT NOT NULL,          -- category, or personnel type
    code2        TEXT NOT NULL,          -- item, or industry
    kind         TEXT NOT NULL,
    authority    TEXT NOT NULL,
    lifecycle    TEXT NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_until  TEXT NOT NULL,
    review_due   TEXT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    body         TEXT NOT NULL           -- the whole certificate as JSON; the columns above are derived from it
);
-- The public lookup: O(log n) by (number, name).
CREATE INDEX certificates_lookup ON certificates (number, holder_name);
-- Idempotent imports and the duplicate rule.
CREATE UNIQUE INDEX certificates_period ON certificates (number, code1, code2, valid_from);
CREATE INDEX certificates_authority ON certificates (authority, id);
CREATE INDEX certificates_holder_name ON certificates (holder_name);

CREATE TABLE certificate_events (
    seq             INTEGER PRIMARY KEY,
    certificate_id  INTEGER NOT NULL REFERENCES certificates (id),
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE INDEX certificate_events_certificate ON certificate_events (certificate_id, seq);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    authority      TEXT REFERENCES authorities (code),
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    client  TEXT
);
