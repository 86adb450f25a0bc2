/* Schema part for compact audit rows (migration 5).
 *
 * An event that writes many consecutive rows of one table (an import writes
 * 100,000) records them in ONE audit_rows entry: row_id is the first row,
 * n_rows how many follow it (row_id .. row_id + n_rows - 1) and row_hash the
 * rows' hashes in that order, 64 hex digits each. Every row keeps its own
 * hash, so `audit verify` still names the first event whose row was edited,
 * inserted or deleted; the entry costs one insert instead of n. The event's
 * rows_digest is the same as if each row had its own entry. The partial
 * index finds the runs that cover a row (`audit log TAG`). */
#include "db-internal.h"

const char db_schema_audit_runs[] =
        "ALTER TABLE audit_rows ADD COLUMN n_rows INTEGER NOT NULL DEFAULT 1 CHECK (n_rows >= 1);\n"
        "CREATE INDEX audit_rows_runs ON audit_rows(tbl, row_id) WHERE n_rows > 1;\n";
