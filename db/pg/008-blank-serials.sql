-- migration 8: assets may be imported without a serial: blank serials are not unique
-- PostgreSQL's step 8 (SQLite's: m8_blank_serials in db/migrations.c).

DROP INDEX assets_serial_make;
CREATE UNIQUE INDEX assets_serial_make ON assets (school_id, serial COLLATE nocase, make COLLATE nocase) WHERE serial <> '';
