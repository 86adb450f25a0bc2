-- migration 3: wipes and their passes
-- PostgreSQL's step 3 (SQLite's: db/schema-wipe.c).

CREATE TABLE wipes (
  id           bigint NOT NULL,
  target       text NOT NULL,
  target_kind  text NOT NULL CHECK (target_kind IN ('block', 'image')),
  medium_id    bigint,
  asset_tag    text,
  device       text NOT NULL,
  method       text NOT NULL,
  pass_list    text NOT NULL,
  verify       text NOT NULL,
  size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
  sector_size  bigint NOT NULL,
  direct_io    bigint CHECK (direct_io IN (0, 1)),
  started_at   text NOT NULL,
  ended_at     text,
  outcome      text NOT NULL DEFAULT 'started' CHECK (outcome IN
                 ('started', 'erased', 'erased_with_exceptions', 'failed', 'interrupted')),
  error        text,
  operator     text NOT NULL,
  host         text NOT NULL,
  tool_version text NOT NULL,
  certify      bigint NOT NULL DEFAULT 1 CHECK (certify IN (0, 1)),
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  FOREIGN KEY (school_id, medium_id) REFERENCES media (school_id, id)
);
CREATE INDEX wipes_medium ON wipes (school_id, medium_id);
CREATE INDEX wipes_asset ON wipes (school_id, asset_tag);
-- a wipe's outcome is final once recorded
CREATE FUNCTION assetctl_wipe_outcome_final() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog
  AS $$
BEGIN
  RAISE EXCEPTION 'a wipe''s outcome is final once recorded';
END
$$;
CREATE TRIGGER wipes_outcome_final BEFORE UPDATE OF outcome ON wipes
  FOR EACH ROW WHEN (OLD.outcome <> 'started') EXECUTE FUNCTION assetctl_wipe_outcome_final();
CREATE TABLE wipe_passes (
  id                bigint NOT NULL,
  wipe_id           bigint NOT NULL,
  idx               bigint NOT NULL CHECK (idx >= 1),
  pattern           text NOT NULL,
  seed_sha256       text,
  seed              text,
  status            text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
  bytes_written     bigint NOT NULL DEFAULT 0,
  root_written      text,
  verify            text NOT NULL DEFAULT 'off',
  bytes_verified    bigint,
  root_read         text,
  write_error_bytes bigint NOT NULL DEFAULT 0,
  read_error_bytes  bigint NOT NULL DEFAULT 0,
  mismatch_bytes    bigint NOT NULL DEFAULT 0,
  errors            text,
  started_at        text NOT NULL,
  ended_at          text,
  error             text,
  rowid     bigint GENERATED ALWAYS AS (id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, id),
  UNIQUE (school_id, wipe_id, idx),
  FOREIGN KEY (school_id, wipe_id) REFERENCES wipes (school_id, id)
);
CREATE TABLE wipe_digests (
  wipe_id    bigint NOT NULL,
  pass_idx   bigint NOT NULL,
  chunk_size bigint NOT NULL,
  digests    bytea NOT NULL,
  rowid      bigint GENERATED ALWAYS AS (wipe_id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, wipe_id),
  FOREIGN KEY (school_id, wipe_id) REFERENCES wipes (school_id, id)
);

CALL assetctl_protect('wipes', 'id', true);
CALL assetctl_protect('wipe_passes', 'id', true);
CALL assetctl_protect('wipe_digests', NULL, true);
