/* Queries for `asset export` / `person export` and the import of what they
 * write: see export-store.h. */
#include "export-store.h"
#include "json.h"

int db_export_media(struct db *db, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT a.tag AS asset_tag, m.model, m.serial, m.size_bytes, m.kind, m.wwn, m.status, m.created_at "
                               "FROM media m JOIN assets a ON a.id = m.asset_id ORDER BY a.tag, m.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_export_loans(struct db *db, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT a.tag, p.ref AS issued_to, l.issued_at, l.due, l.condition_out, l.override_reason "
                               "FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id "
                               "WHERE l.returned_at IS NULL ORDER BY a.tag", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_export_badges(struct db *db, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT p.ref, b.badge FROM badges b JOIN people p ON p.id = b.person_id ORDER BY p.ref, b.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_media_insert_as(struct db *db, int64_t asset_id, json_t *m, int64_t *ret_id) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "INSERT INTO media(asset_id, model, serial, size_bytes, kind, wwn, status, created_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, 'fitted'), coalesce(?8, ?9))", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        db_bind_json(st, 2, m, "model");
        db_bind_json(st, 3, m, "serial");
        db_bind_json(st, 4, m, "size_bytes");
        db_bind_json(st, 5, m, "kind");
        db_bind_json(st, 6, m, "wwn");
        db_bind_json(st, 7, m, "status");
        db_bind_json(st, 8, m, "created_at");
        char now[21];
        now_utc(now);
        db_bind_text(st, 9, now);
        r = db_step_done(db, st, "cannot add the medium");
        if (r < 0) return r;
        *ret_id = sqlite3_last_insert_rowid(db_handle(db));
        return 0;
}
