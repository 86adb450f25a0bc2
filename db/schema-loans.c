/* Schema part for loans, stock-takes, incidents, lost property, checks (issue 3): the SQL of its
 * migration and the tables the audit log covers. */
#include "db-internal.h"

const char db_schema_loans[] =
        /* One row per time an asset went out; returned_at NULL while it is out.
         * At most one open loan per asset (the partial unique index), so two
         * technicians cannot issue the same laptop twice. */
        "CREATE TABLE loans (\n"
        "  id              INTEGER PRIMARY KEY,\n"
        "  asset_id        INTEGER NOT NULL REFERENCES assets(id),\n"
        "  person_id       INTEGER NOT NULL REFERENCES people(id),\n"
        "  issued_at       TEXT NOT NULL,\n"
        "  due             TEXT,\n"
        "  condition_out   TEXT,\n"
        "  override_reason TEXT,\n"
        "  returned_at     TEXT,\n"
        "  condition_in    TEXT,\n"
        "  damage          TEXT,\n"
        "  outcome         TEXT CHECK (outcome IN ('returned', 'lost', 'stolen')),\n"
        "  source          TEXT NOT NULL DEFAULT 'issue' CHECK (source IN ('issue', 'import'))\n"
        ");\n"
        "CREATE UNIQUE INDEX loans_open ON loans(asset_id) WHERE returned_at IS NULL;\n"
        "CREATE INDEX loans_asset ON loans(asset_id, id);\n"
        "CREATE INDEX loans_person ON loans(person_id, returned_at);\n"
        /* Badge numbers a hand scanner may read instead of a person's reference. */
        "CREATE TABLE badges (\n"
        "  id        INTEGER PRIMARY KEY,\n"
        "  badge     TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
        "  person_id INTEGER NOT NULL REFERENCES people(id)\n"
        ");\n"
        "CREATE TABLE stocktakes (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  room        TEXT NOT NULL,\n"
        "  started_at  TEXT NOT NULL,\n"
        "  finished_at TEXT,\n"
        "  report      TEXT\n"
        ");\n"
        "CREATE TABLE stocktake_scans (\n"
        "  id           INTEGER PRIMARY KEY,\n"
        "  stocktake_id INTEGER NOT NULL REFERENCES stocktakes(id),\n"
        "  tag          TEXT NOT NULL,\n"
        "  asset_id     INTEGER REFERENCES assets(id),\n"
        "  scanned_at   TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX stocktake_scans_st ON stocktake_scans(stocktake_id, tag);\n"
        "CREATE TABLE incidents (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  asset_id    INTEGER NOT NULL REFERENCES assets(id),\n"
        "  kind        TEXT NOT NULL CHECK (kind IN ('lost', 'stolen', 'damaged')),\n"
        "  person_id   INTEGER REFERENCES people(id),\n"
        "  room        TEXT,\n"
        "  details     TEXT NOT NULL,\n"
        "  action      TEXT,\n"
        "  happened_on TEXT NOT NULL,\n"
        "  reported_at TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX incidents_asset ON incidents(asset_id);\n"
        "CREATE TABLE lost_property (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  description TEXT NOT NULL,\n"
        "  serial      TEXT,\n"
        "  found_where TEXT,\n"
        "  found_on    TEXT NOT NULL,\n"
        "  hold_until  TEXT NOT NULL,\n"
        "  claimed_on  TEXT,\n"
        "  claimed_by  TEXT,\n"
        "  disposed_on TEXT\n"
        ");\n"
        "CREATE TABLE checks (\n"
        "  id         INTEGER PRIMARY KEY,\n"
        "  asset_id   INTEGER NOT NULL REFERENCES assets(id),\n"
        "  kind       TEXT NOT NULL CHECK (kind IN ('pat')),\n"
        "  result     TEXT NOT NULL CHECK (result IN ('pass', 'fail')),\n"
        "  checked_on TEXT NOT NULL,\n"
        "  next_due   TEXT,\n"
        "  notes      TEXT\n"
        ");\n"
        "CREATE INDEX checks_asset ON checks(asset_id, kind, checked_on);\n";

const struct covered_table db_cover_loans[] = {
        COVER("loans", "loan", "id"),
        COVER("badges", "badge", "id"),
        COVER("stocktakes", "stocktake", "id"),
        COVER("stocktake_scans", "stocktake_scan", "id"),
        COVER("incidents", "incident", "id"),
        COVER("lost_property", "lost_item", "id"),
        COVER("checks", "check", "id"),
        {NULL},
};
