/* Schema part for versioned audit encodings (migration 6).
 *
 * Each event records the encoding its hashes were computed with: 1 for
 * every event written before this migration (SQLite type codes,
 * native-endian lengths, table names and rowids: see audit.c), 2 for every
 * event written since (canonical and backend-neutral). `audit verify`
 * checks each event under its own encoding, so a register's old events keep
 * verifying; the encoding is itself covered by the event's hash from 2 on. */
#include "db-internal.h"

const char db_schema_audit_encoding[] =
        "ALTER TABLE audit_events ADD COLUMN encoding INTEGER NOT NULL DEFAULT 1 CHECK (encoding >= 1);\n";
