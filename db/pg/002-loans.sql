-- migration 2: loans, stock-takes, incidents, lost property, checks
-- PostgreSQL's step 2 (SQLite's: db/schema-loans.c).

-- at most one open loan per asset
CREATE TABLE loans (
  id              bigint NOT NULL,
  asset_id        bigint NOT NULL,
  person_id       bigint NOT NULL,
  issued_at       text NOT NULL,
  due             text,
  condition_out   text,
  override_reason text,
  returned_at     text,
  condition_in    text,
  damage          text,
  outcome         text CHECK (outcome IN ('returned', 'lost', 'stolen')),
  source          text NOT NULL DEFAULT 'issue' CHECK (source IN ('issue', 'import')),
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id),
  FOREIGN KEY (school_id, person_id) REFERENCES people (school_id, id)
);
CREATE UNIQUE INDEX loans_open ON loans (school_id, asset_id) WHERE returned_at IS NULL;
CREATE INDEX loans_asset ON loans (school_id, asset_id, id);
CREATE INDEX loans_person ON loans (school_id, person_id, returned_at);
-- a badge number is unique within a school, whatever its case
CREATE TABLE badges (
  id        bigint NOT NULL,
  badge     text COLLATE nocase NOT NULL,
  person_id bigint NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, badge),
  FOREIGN KEY (school_id, person_id) REFERENCES people (school_id, id)
);
CREATE TABLE stocktakes (
  id          bigint NOT NULL,
  room        text NOT NULL,
  started_at  text NOT NULL,
  finished_at text,
  report      text,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id)
);
CREATE TABLE stocktake_scans (
  id           bigint NOT NULL,
  stocktake_id bigint NOT NULL,
  tag          text NOT NULL,
  asset_id     bigint,
  scanned_at   text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, stocktake_id) REFERENCES stocktakes (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX stocktake_scans_st ON stocktake_scans (school_id, stocktake_id, tag);
CREATE TABLE incidents (
  id          bigint NOT NULL,
  asset_id    bigint NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('lost', 'stolen', 'damaged')),
  person_id   bigint,
  room        text,
  details     text NOT NULL,
  action      text,
  happened_on text NOT NULL,
  reported_at text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id),
  FOREIGN KEY (school_id, person_id) REFERENCES people (school_id, id)
);
CREATE INDEX incidents_asset ON incidents (school_id, asset_id);
CREATE TABLE lost_property (
  id          bigint NOT NULL,
  description text NOT NULL,
  serial      text,
  found_where text,
  found_on    text NOT NULL,
  hold_until  text NOT NULL,
  claimed_on  text,
  claimed_by  text,
  disposed_on text,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id)
);
CREATE TABLE checks (
  id         bigint NOT NULL,
  asset_id   bigint NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('pat')),
  result     text NOT NULL CHECK (result IN ('pass', 'fail')),
  checked_on text NOT NULL,
  next_due   text,
  notes      text,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX checks_asset ON checks (school_id, asset_id, kind, checked_on);

CALL assetctl_protect('loans', 'id', true);
CALL assetctl_protect('badges', 'id', true);
CALL assetctl_protect('stocktakes', 'id', true);
CALL assetctl_protect('stocktake_scans', 'id', true);
CALL assetctl_protect('incidents', 'id', true);
CALL assetctl_protect('lost_property', 'id', true);
CALL assetctl_protect('checks', 'id', true);
