/* Schema part for firmware wipes (issue 11, migration 9): what a drive's
 * own sanitize did, one row per wipe that ran one. A separate table, not a
 * column of wipes, so that the audit hashes of the wipes recorded before
 * stay what they were.
 *
 * `record` is canonical JSON (see core/wipe-firmware-internal.h): the method, the
 * command and its settings as sent, the state ("planned", "sent", "done",
 * "failed", ...), what the drive reported (SSTAT/SPROG, ATA status, sense),
 * the markers planted (positions and hashes) and the validation. It is
 * rewritten as the wipe goes; each change is an audit event. */
#include "db-internal.h"

const char db_schema_wipe_firmware[] =
        "CREATE TABLE wipe_firmware (\n"
        "  wipe_id INTEGER PRIMARY KEY REFERENCES wipes(id),\n"
        "  method  TEXT NOT NULL,\n"
        "  state   TEXT NOT NULL,\n"
        "  record  TEXT NOT NULL\n"
        ");\n";

const struct covered_table db_cover_wipe_firmware[] = {
        COVER("wipe_firmware", "wipe_firmware", "wipe_id"),
        {NULL},
};
