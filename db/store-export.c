/* Queries for `asset export` / `person export` and the import of what they
 * write: see store-export.h. */
#include "store-export.h"
#include "db-internal.h"
#include "json.h"

int db_export_media(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT a.tag AS asset_tag, m.model, m.serial, m.size_bytes, m.kind, m.wwn, m.status, m.created_at "
                               "FROM media m JOIN assets a ON a.id = m.asset_id ORDER BY a.tag, m.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_export_loans(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT a.tag, p.ref AS issued_to, l.issued_at, l.due, l.condition_out, l.override_reason "
                               "FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id "
                               "WHERE l.returned_at IS NULL ORDER BY a.tag", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_export_badges(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT p.ref, b.badge FROM badges b JOIN people p ON p.id = b.person_id ORDER BY p.ref, b.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}
