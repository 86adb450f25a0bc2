/* TO BE REPLACED AT MERGE: a stand-in for the PostgreSQL schema's
 * migrations (db_pg_migrations, written with the schema), so that pg.c
 * links and its unit test has what it touches: schema_migrations and the
 * before-image capture (audit_before and its trigger function) as the
 * PostgreSQL conventions describe them. The lead deletes this file when the
 * real schema is merged. */
#include "db-internal.h"

const struct migration db_pg_migrations[] = {
        {1, "stub: schema_migrations and the before-image capture",
         "CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL);\n"
         "CREATE UNLOGGED TABLE audit_before (pid int NOT NULL DEFAULT pg_backend_pid(), tbl text NOT NULL,\n"
         "  rowid bigint NOT NULL, row jsonb NOT NULL);\n"
         "CREATE FUNCTION audit_capture() RETURNS trigger LANGUAGE plpgsql AS $$\n"
         "BEGIN\n"
         "  IF current_setting('assetctl.capture', true) = 'on' THEN\n"
         "    INSERT INTO audit_before (tbl, rowid, row) VALUES (TG_TABLE_NAME, OLD.rowid, to_jsonb(OLD));\n"
         "  END IF;\n"
         "  RETURN OLD;\n"
         "END $$;\n"},
};
const size_t db_pg_n_migrations = ELEMENTSOF(db_pg_migrations);
