-- migration 7: paperwork: disposal firms, waste codes, disposal accounts, waste notes
-- PostgreSQL's step 7 (SQLite's: db/schema-paperwork.c).

CREATE TABLE firms (
  id               bigint NOT NULL,
  name             text COLLATE nocase NOT NULL,
  contract_ref     text,
  contract_expires text,
  updated_at       text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, name)
);
CREATE TABLE asset_waste_codes (
  id          bigint NOT NULL,
  asset_id    bigint NOT NULL,
  ewc_code    text NOT NULL,
  recorded_at text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX asset_waste_codes_asset ON asset_waste_codes (school_id, asset_id);
CREATE TABLE disposal_accounts (
  id             bigint NOT NULL,
  asset_id       bigint NOT NULL,
  funding_source text,
  proceeds_pence bigint CHECK (proceeds_pence >= 0),
  recorded_at    text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX disposal_accounts_asset ON disposal_accounts (school_id, asset_id);
CREATE TABLE consignment_notes (
  id             bigint NOT NULL,
  consignment_id bigint NOT NULL,
  notes          bytea NOT NULL,
  created_at     text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, consignment_id),
  FOREIGN KEY (school_id, consignment_id) REFERENCES consignments (school_id, id)
);

CALL assetctl_protect('firms', 'id', true);
CALL assetctl_protect('asset_waste_codes', 'id', true);
CALL assetctl_protect('disposal_accounts', 'id', true);
CALL assetctl_protect('consignment_notes', 'id', true);
