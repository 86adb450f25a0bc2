-- migration 5: audit: one audit_rows entry for a run of consecutive rows
-- PostgreSQL's step 5 (SQLite's: db/schema-audit-runs.c). SQLite adds the
-- column n_rows at the end; here the table is made again so that n_rows
-- comes before rowid and school_id, as in every table, and its rows are
-- copied over (the append-only triggers stop UPDATE and DELETE, not this).

ALTER TABLE audit_rows RENAME TO audit_rows_old;
ALTER TABLE audit_rows_old DROP CONSTRAINT audit_rows_key;
DROP INDEX audit_rows_event;
DROP INDEX audit_rows_row;
CREATE TABLE audit_rows (
  event_id bigint NOT NULL,
  tbl      text NOT NULL,
  row_id   bigint NOT NULL,
  row_hash text NOT NULL,
  n_rows   bigint NOT NULL DEFAULT 1 CHECK (n_rows >= 1),
  rowid    bigint NOT NULL,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  CONSTRAINT audit_rows_key UNIQUE (school_id, rowid)
);
INSERT INTO audit_rows (event_id, tbl, row_id, row_hash, n_rows, rowid, school_id)
  SELECT event_id, tbl, row_id, row_hash, 1, rowid, school_id FROM audit_rows_old;
DROP TABLE audit_rows_old;
CREATE INDEX audit_rows_event ON audit_rows (school_id, event_id);
CREATE INDEX audit_rows_row ON audit_rows (school_id, tbl, row_id, event_id);
CREATE INDEX audit_rows_runs ON audit_rows (school_id, tbl, row_id) WHERE n_rows > 1;
CREATE TRIGGER audit_rows_no_update BEFORE UPDATE ON audit_rows FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_rows_no_delete BEFORE DELETE ON audit_rows FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_rows_no_truncate BEFORE TRUNCATE ON audit_rows FOR EACH STATEMENT EXECUTE FUNCTION assetctl_append_only();

CALL assetctl_protect('audit_rows', 'rowid', false);
