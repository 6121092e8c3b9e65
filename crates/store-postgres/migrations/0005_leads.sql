-- Leads: domains, addresses, ads and contacts, deduplicated by (kind, key), linked, with the analyst's
-- workflow and its history. The QR-scan lead candidates of 0003 move in as address leads.
CREATE TABLE leads (
    id                 BIGSERIAL PRIMARY KEY,
    kind               TEXT NOT NULL,
    key                TEXT NOT NULL,
    value              TEXT NOT NULL,
    source             TEXT NOT NULL,
    status             TEXT NOT NULL,
    score              INTEGER NOT NULL,
    reasons            TEXT NOT NULL,
    evidence           TEXT NOT NULL,
    region             TEXT,
    first_seen         TIMESTAMPTZ NOT NULL,
    last_seen          TIMESTAMPTZ NOT NULL,
    sightings          BIGINT NOT NULL,
    status_changed_at  TIMESTAMPTZ,
    version            BIGINT NOT NULL DEFAULT 1,
    UNIQUE (kind, key)
);
CREATE INDEX leads_last_seen ON leads (last_seen, id);
CREATE INDEX leads_status ON leads (status, last_seen);

CREATE TABLE lead_links (
    from_id   BIGINT NOT NULL REFERENCES leads (id),
    to_id     BIGINT NOT NULL REFERENCES leads (id),
    relation  TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, relation)
);
CREATE INDEX lead_links_to ON lead_links (to_id);

CREATE TABLE lead_history (
    id           BIGSERIAL PRIMARY KEY,
    lead_id      BIGINT NOT NULL REFERENCES leads (id),
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL
);
CREATE INDEX lead_history_lead ON lead_history (lead_id, id);

-- Each source's resumable state (a CT log follower's frontier and checkpoint), written with its leads.
CREATE TABLE source_state (
    name        TEXT PRIMARY KEY,
    state       TEXT NOT NULL
);

INSERT INTO leads (kind, key, value, source, status, score, reasons, evidence, first_seen, last_seen, sightings)
SELECT 'url', url, url, 'qr_scan', 'new', score, '[]', '{}', first_seen, last_seen, sightings FROM lead_candidates WHERE true
ON CONFLICT (kind, key) DO NOTHING;
DROP TABLE lead_candidates;
