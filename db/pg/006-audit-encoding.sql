-- migration 6: audit: each event records the encoding of its hashes
-- PostgreSQL's step 6 (SQLite's: db/schema-audit-encoding.c). As step 5:
-- the table is made again so that encoding comes before rowid and
-- school_id; the events written before it keep encoding 1.

ALTER TABLE audit_events RENAME TO audit_events_old;
ALTER TABLE audit_events_old DROP CONSTRAINT audit_events_key;
DROP INDEX audit_events_subject;
CREATE TABLE audit_events (
  id          bigint NOT NULL,
  time        text NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  subject     text,
  details     text,
  rows_digest text NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  encoding    bigint NOT NULL DEFAULT 1 CHECK (encoding >= 1),
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  CONSTRAINT audit_events_key PRIMARY KEY (school_id, id)
);
INSERT INTO audit_events (id, time, actor, action, subject, details, rows_digest, prev_hash, hash, encoding, school_id)
  SELECT id, time, actor, action, subject, details, rows_digest, prev_hash, hash, 1, school_id FROM audit_events_old;
DROP TABLE audit_events_old;
CREATE INDEX audit_events_subject ON audit_events (school_id, subject);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION assetctl_append_only();

CALL assetctl_protect('audit_events', 'id', false);
