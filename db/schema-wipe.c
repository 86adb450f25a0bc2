/* Schema part for wipes and their passes (issue 6): the SQL of its
 * migration and the tables the audit log covers.
 *
 * A wipe row is written (outcome 'started') in its own transaction before
 * the first pass; each pass row when the pass begins (with the hash of its
 * seed) and again when it ends; the outcome at the end. A crash therefore
 * leaves 'started', never 'erased', and a trigger keeps a final outcome
 * from being changed afterwards. */
#include "db-internal.h"

const char db_schema_wipe[] =
        "CREATE TABLE wipes (\n"
        "  id           INTEGER PRIMARY KEY,\n"
        "  target       TEXT NOT NULL,\n"                 /* /dev path or image file */
        "  target_kind  TEXT NOT NULL CHECK (target_kind IN ('block', 'image')),\n"
        "  medium_id    INTEGER REFERENCES media(id),\n"  /* the registered medium, when matched */
        "  asset_tag    TEXT,\n"                          /* the asset, when known */
        "  device       TEXT NOT NULL,\n"                 /* identity at the start, JSON */
        "  method       TEXT NOT NULL,\n"
        "  pass_list    TEXT NOT NULL,\n"                 /* JSON array: \"00\", \"ff\", \"random\" */
        "  verify       TEXT NOT NULL,\n"                 /* last, all, sample:P, off */
        "  size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0),\n"
        "  sector_size  INTEGER NOT NULL,\n"
        "  direct_io    INTEGER CHECK (direct_io IN (0, 1)),\n"
        "  started_at   TEXT NOT NULL,\n"
        "  ended_at     TEXT,\n"
        "  outcome      TEXT NOT NULL DEFAULT 'started' CHECK (outcome IN\n"
        "                 ('started', 'erased', 'erased_with_exceptions', 'failed', 'interrupted')),\n"
        "  error        TEXT,\n"
        "  operator     TEXT NOT NULL,\n"
        "  host         TEXT NOT NULL,\n"                 /* JSON: hostname, machine_id */
        "  tool_version TEXT NOT NULL,\n"
        "  certify      INTEGER NOT NULL DEFAULT 1 CHECK (certify IN (0, 1))\n"
        ");\n"
        "CREATE INDEX wipes_medium ON wipes(medium_id);\n"
        "CREATE INDEX wipes_asset ON wipes(asset_tag);\n"
        "CREATE TRIGGER wipes_outcome_final BEFORE UPDATE OF outcome ON wipes\n"
        "  WHEN OLD.outcome <> 'started'\n"
        "  BEGIN SELECT RAISE(ABORT, 'a wipe''s outcome is final once recorded'); END;\n"
        "CREATE TABLE wipe_passes (\n"
        "  id             INTEGER PRIMARY KEY,\n"
        "  wipe_id        INTEGER NOT NULL REFERENCES wipes(id),\n"
        "  idx            INTEGER NOT NULL CHECK (idx >= 1),\n"
        "  pattern        TEXT NOT NULL,\n"               /* \"00\", \"924924\", \"random\" */
        "  seed_sha256    TEXT,\n"                        /* random: recorded before the pass */
        "  seed           TEXT,\n"                        /* random: revealed when the pass ends */
        "  status         TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'interrupted')),\n"
        "  bytes_written  INTEGER NOT NULL DEFAULT 0,\n"
        "  root_written   TEXT,\n"
        "  verify         TEXT NOT NULL DEFAULT 'off',\n"
        "  bytes_verified INTEGER,\n"
        "  root_read      TEXT,\n"
        "  write_error_bytes INTEGER NOT NULL DEFAULT 0,\n"
        "  read_error_bytes  INTEGER NOT NULL DEFAULT 0,\n"
        "  mismatch_bytes    INTEGER NOT NULL DEFAULT 0,\n"
        "  errors         TEXT,\n"                        /* JSON: retries and ranges */
        "  started_at     TEXT NOT NULL,\n"
        "  ended_at       TEXT,\n"
        "  error          TEXT,\n"
        "  UNIQUE (wipe_id, idx)\n"
        ");\n"
        "CREATE TABLE wipe_digests (\n"
        "  wipe_id  INTEGER PRIMARY KEY REFERENCES wipes(id),\n"
        "  pass_idx INTEGER NOT NULL,\n"                  /* the last pass */
        "  chunk_size INTEGER NOT NULL,\n"                /* 4194304 */
        "  digests  BLOB NOT NULL\n"                      /* 32 bytes per chunk, in order */
        ");\n";

const struct covered_table db_cover_wipe[] = {
        COVER("wipes", "wipe", "id"),
        COVER("wipe_passes", "wipe_pass", "id"),
        COVER("wipe_digests", "wipe_digests", "wipe_id"),
        {NULL},
};
