/* Numbered schema migrations. Each step runs once, in one transaction, and
 * sets PRAGMA user_version to its number. Never edit a step that has
 * shipped: add a new one. These are SQLite's (db_engine_sqlite.migrations);
 * every engine has the same numbers and names. */
#include "db-internal.h"

static const char m1_foundation[] =
        "CREATE TABLE settings (\n"
        "  key   TEXT PRIMARY KEY,\n"
        "  value TEXT NOT NULL\n"
        ");\n"
        "CREATE TABLE assets (\n"
        "  id            INTEGER PRIMARY KEY,\n"
        "  tag           TEXT NOT NULL UNIQUE CHECK (tag GLOB '[A-Z0-9]*' AND tag NOT GLOB '*[^A-Z0-9-]*'),\n"
        "  serial        TEXT NOT NULL,\n"
        "  make          TEXT NOT NULL,\n"
        "  model         TEXT NOT NULL,\n"
        "  name          TEXT,\n"
        "  category      TEXT,\n"
        "  location      TEXT,\n"
        "  status        TEXT NOT NULL DEFAULT 'in_stock',\n"
        "  personal_data INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1)),\n"
        "  encrypted     INTEGER NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1)),\n"
        "  purchased     TEXT,\n"
        "  cost_pence    INTEGER CHECK (cost_pence >= 0),\n"
        "  supplier      TEXT,\n"
        "  order_number  TEXT,\n"
        "  warranty_until TEXT,\n"
        "  notes         TEXT,\n"
        "  last_audited  TEXT,\n"
        "  created_at    TEXT NOT NULL,\n"
        "  updated_at    TEXT NOT NULL\n"
        ");\n"
        /* serial first: one index serves look-ups by serial and the unique
         * make + serial rule (one index fewer to maintain per insert) */
        "CREATE UNIQUE INDEX assets_serial_make ON assets(serial COLLATE NOCASE, make COLLATE NOCASE);\n"
        "CREATE INDEX assets_location ON assets(location COLLATE NOCASE);\n"
        "CREATE TABLE media (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  asset_id    INTEGER NOT NULL REFERENCES assets(id),\n"
        "  model       TEXT NOT NULL,\n"
        "  serial      TEXT NOT NULL,\n"
        "  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),\n"
        "  kind        TEXT NOT NULL CHECK (kind IN ('hdd', 'ssd', 'nvme', 'flash')),\n"
        "  wwn         TEXT,\n"
        "  status      TEXT NOT NULL DEFAULT 'fitted',\n"
        "  created_at  TEXT NOT NULL\n"
        ");\n"
        "CREATE UNIQUE INDEX media_serial ON media(serial, model);\n"
        "CREATE INDEX media_asset ON media(asset_id);\n"
        "CREATE TABLE people (\n"
        "  id           INTEGER PRIMARY KEY,\n"
        "  ref          TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
        "  name         TEXT NOT NULL,\n"
        "  email        TEXT,\n"
        "  role         TEXT NOT NULL DEFAULT 'staff' CHECK (role IN ('staff', 'pupil', 'governor', 'volunteer', 'contractor')),\n"
        "  job_title    TEXT,\n"
        "  authoriser   INTEGER NOT NULL DEFAULT 0 CHECK (authoriser IN (0, 1)),\n"
        "  aup_signed   TEXT,\n"
        "  aup_version  TEXT,\n"
        "  leaving_date TEXT,\n"
        "  created_at   TEXT NOT NULL,\n"
        "  updated_at   TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX people_email ON people(email COLLATE NOCASE);\n"
        "CREATE TABLE audit_events (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  time        TEXT NOT NULL,\n"
        "  actor       TEXT NOT NULL,\n"
        "  action      TEXT NOT NULL,\n"
        "  subject     TEXT,\n"
        "  details     TEXT,\n"
        "  rows_digest TEXT NOT NULL,\n"
        "  prev_hash   TEXT NOT NULL,\n"
        "  hash        TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX audit_events_subject ON audit_events(subject);\n"
        "CREATE TABLE audit_rows (\n"
        "  event_id INTEGER NOT NULL,\n"
        "  tbl      TEXT NOT NULL,\n"
        "  row_id   INTEGER NOT NULL,\n"
        "  row_hash TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX audit_rows_event ON audit_rows(event_id);\n"
        "CREATE INDEX audit_rows_row ON audit_rows(tbl, row_id, event_id);\n"
        /* the same text as before APPEND_ONLY_TRIGGER() existed */
        APPEND_ONLY_TRIGGER("audit_events_no_update", "UPDATE", "audit_events") ";\n"
        APPEND_ONLY_TRIGGER("audit_events_no_delete", "DELETE", "audit_events") ";\n"
        APPEND_ONLY_TRIGGER("audit_rows_no_update", "UPDATE", "audit_rows") ";\n"
        APPEND_ONLY_TRIGGER("audit_rows_no_delete", "DELETE", "audit_rows") ";\n";

/* An asset imported without a serial (asset import --allow-missing-serial)
 * stores '' until one is recorded: serial stays NOT NULL, and the unique
 * make + serial rule leaves blank serials out. The look-ups by serial say
 * "serial <> ''" so that they can still use this index (a partial index
 * serves a query whose WHERE repeats its condition). */
static const char m8_blank_serials[] =
        "DROP INDEX assets_serial_make;\n"
        "CREATE UNIQUE INDEX assets_serial_make ON assets(serial COLLATE NOCASE, make COLLATE NOCASE) WHERE serial <> '';\n";

const struct migration db_migrations[] = {
        {1, "foundation: settings, assets, media, people, audit log", m1_foundation},
        {2, "loans, stock-takes, incidents, lost property, checks", db_schema_loans},
        {3, "wipes and their passes", db_schema_wipe},
        {4, "keys, disposal, certificates, consignments", db_schema_disposal},
        {5, "audit: one audit_rows entry for a run of consecutive rows", db_schema_audit_runs},
        {6, "audit: each event records the encoding of its hashes", db_schema_audit_encoding},
        {7, "paperwork: disposal firms, waste codes, disposal accounts, waste notes", db_schema_paperwork},
        {8, "assets may be imported without a serial: blank serials are not unique", m8_blank_serials},
        {9, "firmware wipes: the command, its status, markers and validation", db_schema_wipe_firmware},
};
_Static_assert(sizeof db_migrations / sizeof db_migrations[0] == DB_SQLITE_MIGRATIONS, "DB_SQLITE_MIGRATIONS is not the number of migrations");
