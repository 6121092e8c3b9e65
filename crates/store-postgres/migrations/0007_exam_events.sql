-- Exam-room events as received, idempotent by (centre, event id); the line as sent.
CREATE TABLE exam_events (
    seq          BIGSERIAL PRIMARY KEY,
    centre       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    session      TEXT,
    kind         TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    line         TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (centre, event_id)
);
CREATE INDEX exam_events_session ON exam_events (session, at);
