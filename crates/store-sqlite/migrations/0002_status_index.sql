-- Status-list index of each signed certificate, unique within its authority's list (NULL until signed).
ALTER TABLE certificates ADD COLUMN status_idx INTEGER;
CREATE UNIQUE INDEX certificates_status_idx ON certificates (authority, status_idx);
