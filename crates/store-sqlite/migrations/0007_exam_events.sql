-- Exam-room events as received, the line as sent; idempotent by (centre, session, event id): one index, whose
-- insertion points are the sessions in progress (each appends in time order), so it stays in cache while a
-- thousand terminals send at once. Events outside a session (an exam's shape) have session ''. Nothing is
-- kept twice: the kind and time are in the line (every byte here is written twice through the WAL).
CREATE TABLE exam_events (
    seq          INTEGER PRIMARY KEY,
    centre       TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    session      TEXT NOT NULL,
    line         TEXT NOT NULL,
    UNIQUE (centre, session, event_id)
);
