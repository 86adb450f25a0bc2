-- migration 1: foundation: settings, assets, media, people, audit log
-- PostgreSQL's step 1 (SQLite's: db/migrations.c). Every table: the SQLite
-- columns in their order, then rowid, then school_id; keys, unique rules
-- and foreign keys are per school.

CREATE TABLE settings (
  key       text NOT NULL,
  value     text NOT NULL,
  rowid     bigint NOT NULL,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, key),
  UNIQUE (school_id, rowid)
);
CREATE TABLE assets (
  id             bigint NOT NULL,
  tag            text NOT NULL CHECK (tag ~ '^[A-Z0-9][A-Z0-9-]*$'),
  serial         text NOT NULL,
  make           text NOT NULL,
  model          text NOT NULL,
  name           text,
  category       text,
  location       text,
  status         text NOT NULL DEFAULT 'in_stock',
  personal_data  bigint NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1)),
  encrypted      bigint NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1)),
  purchased      text,
  cost_pence     bigint CHECK (cost_pence >= 0),
  supplier       text,
  order_number   text,
  warranty_until text,
  notes          text,
  last_audited   text,
  created_at     text NOT NULL,
  updated_at     text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, tag)
);
CREATE UNIQUE INDEX assets_serial_make ON assets (school_id, serial COLLATE nocase, make COLLATE nocase);
CREATE INDEX assets_location ON assets (school_id, location COLLATE nocase);
CREATE TABLE media (
  id          bigint NOT NULL,
  asset_id    bigint NOT NULL,
  model       text NOT NULL,
  serial      text NOT NULL,
  size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
  kind        text NOT NULL CHECK (kind IN ('hdd', 'ssd', 'nvme', 'flash')),
  wwn         text,
  status      text NOT NULL DEFAULT 'fitted',
  created_at  text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE UNIQUE INDEX media_serial ON media (school_id, serial, model);
CREATE INDEX media_asset ON media (school_id, asset_id);
-- a person's reference is unique within a school, whatever its case; the
-- same reference may be used at another school
CREATE TABLE people (
  id           bigint NOT NULL,
  ref          text COLLATE nocase NOT NULL,
  name         text NOT NULL,
  email        text,
  role         text NOT NULL DEFAULT 'staff' CHECK (role IN ('staff', 'pupil', 'governor', 'volunteer', 'contractor')),
  job_title    text,
  authoriser   bigint NOT NULL DEFAULT 0 CHECK (authoriser IN (0, 1)),
  aup_signed   text,
  aup_version  text,
  leaving_date text,
  created_at   text NOT NULL,
  updated_at   text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, ref)
);
CREATE INDEX people_email ON people (school_id, email COLLATE nocase);
-- each school's chain is its own (school 0: the trust's); the primary key
-- (school_id, id) is the index that finds the latest event of a school
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
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  CONSTRAINT audit_events_key PRIMARY KEY (school_id, id)
);
CREATE INDEX audit_events_subject ON audit_events (school_id, subject);
CREATE TABLE audit_rows (
  event_id bigint NOT NULL,
  tbl      text NOT NULL,
  row_id   bigint NOT NULL,
  row_hash text NOT NULL,
  rowid    bigint NOT NULL,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  CONSTRAINT audit_rows_key UNIQUE (school_id, rowid)
);
CREATE INDEX audit_rows_event ON audit_rows (school_id, event_id);
CREATE INDEX audit_rows_row ON audit_rows (school_id, tbl, row_id, event_id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_rows_no_update BEFORE UPDATE ON audit_rows FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_rows_no_delete BEFORE DELETE ON audit_rows FOR EACH ROW EXECUTE FUNCTION assetctl_append_only();
CREATE TRIGGER audit_rows_no_truncate BEFORE TRUNCATE ON audit_rows FOR EACH STATEMENT EXECUTE FUNCTION assetctl_append_only();

CALL assetctl_protect('settings', 'rowid', true);
CALL assetctl_protect('assets', 'id', true);
CALL assetctl_protect('media', 'id', true);
CALL assetctl_protect('people', 'id', true);
CALL assetctl_protect('audit_events', 'id', false);
CALL assetctl_protect('audit_rows', 'rowid', false);
