-- Employer accounts and their unit (统一社会信用代码); each unit's current roster, replaced whenever the unit
-- verifies a new one. The roster holds what the employer gave (its own workers' numbers), never shown unmasked.
CREATE TABLE employer_units (
    username TEXT PRIMARY KEY,
    uscc     TEXT NOT NULL
);
CREATE TABLE roster_entries (
    uscc   TEXT NOT NULL,
    row    INTEGER NOT NULL,
    number TEXT NOT NULL,
    name   TEXT NOT NULL,
    item   TEXT,
    PRIMARY KEY (uscc, row)
);
-- Reminders already delivered by webhook (key: serial, due date and stage), so each is sent once.
CREATE TABLE reminders_sent (
    uscc TEXT NOT NULL,
    key  TEXT NOT NULL,
    at   TEXT NOT NULL,
    PRIMARY KEY (uscc, key)
);
