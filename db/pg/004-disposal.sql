-- migration 4: keys, disposal, certificates, consignments
-- PostgreSQL's step 4 (SQLite's: db/schema-disposal.c). Authorisations of
-- a disposal are written by a school's head (or a trust admin) only.

CREATE TABLE keys (
  id          bigint NOT NULL,
  name        text NOT NULL,
  fingerprint text NOT NULL CHECK (length(fingerprint) = 64),
  algorithm   text NOT NULL DEFAULT 'ed25519',
  public_pem  text NOT NULL,
  person_id   bigint,
  created_at  text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, name),
  UNIQUE (school_id, fingerprint),
  FOREIGN KEY (school_id, person_id) REFERENCES people (school_id, id)
);
CREATE TABLE disposal_requests (
  id           bigint NOT NULL,
  asset_id     bigint NOT NULL,
  reason       text NOT NULL,
  requested_by text NOT NULL,
  requested_at text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX disposal_requests_asset ON disposal_requests (school_id, asset_id);
CREATE TABLE authorisations (
  id              bigint NOT NULL,
  asset_id        bigint NOT NULL,
  request_id      bigint,
  person_id       bigint NOT NULL,
  name            text NOT NULL,
  role            text NOT NULL,
  authorised_at   text NOT NULL,
  statement       text,
  signature       bytea,
  key_fingerprint text,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id),
  FOREIGN KEY (school_id, request_id) REFERENCES disposal_requests (school_id, id),
  FOREIGN KEY (school_id, person_id) REFERENCES people (school_id, id)
);
CREATE INDEX authorisations_asset ON authorisations (school_id, asset_id);
CREATE TABLE destructions (
  id               bigint NOT NULL,
  asset_id         bigint NOT NULL,
  media_id         bigint,
  method           text NOT NULL CHECK (method IN ('shred', 'crush', 'degauss', 'other')),
  performed_by     text NOT NULL,
  firm_certificate text,
  destroyed_at     text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id),
  FOREIGN KEY (school_id, media_id) REFERENCES media (school_id, id)
);
CREATE INDEX destructions_asset ON destructions (school_id, asset_id);
CREATE TABLE certificates (
  id              bigint NOT NULL,
  cert_id         text NOT NULL,
  asset_id        bigint NOT NULL,
  media_id        bigint,
  wipe_id         bigint,
  method          text NOT NULL,
  outcome         text NOT NULL,
  json            bytea NOT NULL,
  json_sha256     text NOT NULL,
  signature       bytea NOT NULL CHECK (length(signature) = 64),
  key_fingerprint text NOT NULL,
  pdf             bytea,
  issued_at       text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, cert_id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id),
  FOREIGN KEY (school_id, media_id) REFERENCES media (school_id, id)
);
CREATE INDEX certificates_asset ON certificates (school_id, asset_id);
CREATE TABLE consignments (
  id                   bigint NOT NULL,
  consignment_id       text NOT NULL,
  firm                 text NOT NULL,
  carrier_registration text NOT NULL,
  licence              text,
  manifest             bytea NOT NULL,
  manifest_sha256      text NOT NULL,
  signature            bytea NOT NULL CHECK (length(signature) = 64),
  key_fingerprint      text NOT NULL,
  pdf                  bytea,
  created_by           text NOT NULL,
  created_at           text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, consignment_id)
);
CREATE TABLE consignment_items (
  id             bigint NOT NULL,
  consignment_id bigint NOT NULL,
  asset_id       bigint NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, asset_id),
  FOREIGN KEY (school_id, consignment_id) REFERENCES consignments (school_id, id),
  FOREIGN KEY (school_id, asset_id) REFERENCES assets (school_id, id)
);
CREATE INDEX consignment_items_consignment ON consignment_items (school_id, consignment_id);
CREATE TABLE receipts (
  id             bigint NOT NULL,
  consignment_id bigint NOT NULL,
  number         text NOT NULL,
  received_date  text NOT NULL,
  received_by    text NOT NULL,
  recorded_at    text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, consignment_id),
  FOREIGN KEY (school_id, consignment_id) REFERENCES consignments (school_id, id)
);
CREATE TABLE audit_checkpoints (
  id              bigint NOT NULL,
  events          bigint NOT NULL,
  head            text NOT NULL,
  statement       bytea NOT NULL,
  signature       bytea NOT NULL CHECK (length(signature) = 64),
  key_fingerprint text NOT NULL,
  created_at      text NOT NULL,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id)
);

CALL assetctl_protect('keys', 'id', true);
CALL assetctl_protect('disposal_requests', 'id', true);
CALL assetctl_protect('authorisations', 'id', true);
CALL assetctl_protect('destructions', 'id', true);
CALL assetctl_protect('certificates', 'id', true);
CALL assetctl_protect('consignments', 'id', true);
CALL assetctl_protect('consignment_items', 'id', true);
CALL assetctl_protect('receipts', 'id', true);
CALL assetctl_protect('audit_checkpoints', 'id', true);
