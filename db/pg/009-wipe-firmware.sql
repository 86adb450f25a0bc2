-- migration 9: firmware wipes: the command, its status, markers and validation
-- PostgreSQL's step 9 (SQLite's: db/schema-wipe-firmware.c).

CREATE TABLE wipe_firmware (
  wipe_id bigint NOT NULL,
  method  text NOT NULL,
  state   text NOT NULL,
  record  text NOT NULL,
  rowid   bigint GENERATED ALWAYS AS (wipe_id) STORED,
  school_id bigint NOT NULL DEFAULT current_setting('assetctl.school')::bigint,
  PRIMARY KEY (school_id, wipe_id),
  FOREIGN KEY (school_id, wipe_id) REFERENCES wipes (school_id, id)
);

CALL assetctl_protect('wipe_firmware', NULL, true);
