-- Background work the leads ask for: a page to fetch and judge, a notification to send. Queued in the
-- transaction that stores the lead (so none is lost), at most one of each kind per lead; a worker claims due
-- jobs with a lease (next_at moves past it), so a worker that dies leaves its jobs to be claimed again.
CREATE TABLE lead_jobs (
    id          BIGSERIAL PRIMARY KEY,
    lead_id     BIGINT NOT NULL REFERENCES leads (id),
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,
    last_error  TEXT,
    result      TEXT,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (lead_id, kind)
);
CREATE INDEX lead_jobs_due ON lead_jobs (kind, state, next_at);
CREATE INDEX lead_jobs_result ON lead_jobs (kind, result);
