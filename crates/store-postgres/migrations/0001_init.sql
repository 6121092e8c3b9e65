-- certguard schema v1 (PostgreSQL). Kept in lockstep with crates/store-sqlite/migrations/0001_init.sql.
-- Dates are DATE and timestamps TIMESTAMPTZ.
CREATE TABLE authorities (
    code     TEXT PRIMARY KEY,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    region   TEXT NOT NULL
);

CREATE TABLE certificates (
    id           BIGSERIAL PRIMARY KEY,
    serial       TEXT NOT NULL UNIQUE,
    number       TEXT NOT NULL,
    holder_name  TEXT NOT NULL,
    code1        TEXT NOT NULL,          -- category, or personnel type
    code2        TEXT NOT NULL,          -- item, or industry
    kind         TEXT NOT NULL,
    authority    TEXT NOT NULL,
    lifecycle    TEXT NOT NULL,
    valid_from   DATE NOT NULL,
    valid_until  DATE NOT NULL,
    review_due   DATE,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    body         TEXT NOT NULL           -- the whole certificate as JSON; the columns above are derived from it
);
-- The public lookup: O(log n) by (number, name).
CREATE INDEX certificates_lookup ON certificates (number, holder_name);
-- Idempotent imports and the duplicate rule.
CREATE UNIQUE INDEX certificates_period ON certificates (number, code1, code2, valid_from);
CREATE INDEX certificates_authority ON certificates (authority, id);
CREATE INDEX certificates_holder_name ON certificates (holder_name);

CREATE TABLE certificate_events (
    seq             BIGSERIAL PRIMARY KEY,
    certificate_id  BIGINT NOT NULL REFERENCES certificates (id),
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX certificate_events_certificate ON certificate_events (certificate_id, seq);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    authority      TEXT REFERENCES authorities (code),
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    client  TEXT
);
