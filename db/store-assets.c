#include "store-assets.h"
#include "db-internal.h"
#include "json.h"

static const char *const asset_bools[] = {"personal_data", "encrypted", NULL};
static const char *const person_bools[] = {"authoriser", NULL};

#define ASSET_COLS "id, tag, serial, make, model, name, category, location, status, personal_data, encrypted, " \
                   "purchased, cost_pence, supplier, order_number, warranty_until, notes, last_audited, created_at, updated_at"

int db_asset_insert(struct db *db, json_t *a, int64_t *ret_id) {
        static const char *const keys[] = {"tag", "serial", "make", "model", "name", "category", "location",
                                           "personal_data", "encrypted", "purchased", "cost_pence", "supplier",
                                           "order_number", "warranty_until", "notes", "last_audited"};
        sqlite3_stmt *st;
        int r = db_prepare(db, "INSERT INTO assets(tag, serial, make, model, name, category, location, personal_data, "
                               "encrypted, purchased, cost_pence, supplier, order_number, warranty_until, notes, last_audited, "
                               "status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, coalesce(?8, 0), "
                               "coalesce(?9, 0), ?10, ?11, ?12, ?13, ?14, ?15, ?16, coalesce(?17, 'in_stock'), coalesce(?19, ?18), "
                               "coalesce(?20, ?19, ?18))", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, a, keys[i]);
        db_bind_json(st, 17, a, "status");
        /* an import of our own export keeps the record's history */
        db_bind_json(st, 19, a, "created_at");
        db_bind_json(st, 20, a, "updated_at");
        char now[21];
        now_utc(now);
        db_bind_text(st, 18, now);
        r = db_step_done(db, st, "cannot add the asset");
        if (r < 0) return r;
        *ret_id = sqlite3_last_insert_rowid(db_handle(db));
        return 0;
}

int db_asset_update(struct db *db, int64_t id, json_t *a) {
        static const char *const keys[] = {"serial", "make", "model", "name", "category", "location", "personal_data",
                                           "encrypted", "purchased", "cost_pence", "supplier", "order_number",
                                           "warranty_until", "notes", "last_audited", "status"};
        sqlite3_stmt *st;
        int r = db_prepare(db, "UPDATE assets SET serial = ?1, make = ?2, model = ?3, name = ?4, category = ?5, "
                               "location = ?6, personal_data = ?7, encrypted = ?8, purchased = ?9, cost_pence = ?10, "
                               "supplier = ?11, order_number = ?12, warranty_until = ?13, notes = ?14, last_audited = ?15, "
                               "status = ?16, updated_at = ?17 WHERE id = ?18", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, a, keys[i]);
        char now[21];
        now_utc(now);
        db_bind_text(st, 17, now);
        db_bind_int(st, 18, id);
        return db_step_done(db, st, "cannot update the asset");
}

int db_asset_set_status(struct db *db, int64_t id, const char *status) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "UPDATE assets SET status = ?1, updated_at = ?2 WHERE id = ?3", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_text(st, 1, status);
        db_bind_text(st, 2, now);
        db_bind_int(st, 3, id);
        return db_step_done(db, st, "cannot update the asset");
}

int db_asset_by_tag(struct db *db, const char *tag, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE tag = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, tag);
        return db_one(db, st, asset_bools, ret);
}

int db_asset_by_serial(struct db *db, const char *serial, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE serial = ?1 COLLATE NOCASE ORDER BY tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, serial);
        return db_collect(db, st, asset_bools, ret);
}

int db_asset_by_make_serial(struct db *db, const char *make, const char *serial, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE make = ?1 COLLATE NOCASE AND serial = ?2 COLLATE NOCASE", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, make);
        db_bind_text(st, 2, serial);
        return db_one(db, st, asset_bools, ret);
}

int db_asset_list(struct db *db, const char *status, const char *location, const char *category, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " ASSET_COLS " FROM assets WHERE (?1 IS NULL OR status = ?1) "
                               "AND (?2 IS NULL OR location = ?2 COLLATE NOCASE) AND (?3 IS NULL OR category = ?3 COLLATE NOCASE) "
                               "ORDER BY tag", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, status);
        db_bind_text(st, 2, location);
        db_bind_text(st, 3, category);
        return db_collect(db, st, asset_bools, ret);
}

int db_asset_max_tag_number(struct db *db, const char *prefix, int64_t *ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT coalesce(max(CAST(substr(tag, length(?1) + 2) AS INTEGER)), 0) FROM assets "
                               "WHERE substr(tag, 1, length(?1) + 1) = ?1 || '-' "
                               "AND substr(tag, length(?1) + 2) NOT GLOB '*[^0-9]*'", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, prefix);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *ret = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return rc == SQLITE_ROW ? 0 : db_error(db, rc, "cannot read the register");
}

#define MEDIA_COLS "m.id, a.tag AS asset_tag, m.model, m.serial, m.size_bytes, m.kind, m.wwn, m.status, m.created_at"

int db_media_insert(struct db *db, int64_t asset_id, json_t *m, int64_t *ret_id) {
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

int db_media_by_asset(struct db *db, int64_t asset_id, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.asset_id = ?1 ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_collect(db, st, NULL, ret);
}

int db_media_by_serial(struct db *db, const char *serial, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.serial = ?1 COLLATE NOCASE ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, serial);
        return db_one(db, st, NULL, ret);
}

int db_media_by_wwn(struct db *db, const char *wwn, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " MEDIA_COLS " FROM media m JOIN assets a ON a.id = m.asset_id "
                               "WHERE m.wwn = ?1 COLLATE NOCASE ORDER BY m.id", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, wwn);
        return db_one(db, st, NULL, ret);
}

int db_media_set_status(struct db *db, int64_t id, const char *status) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "UPDATE media SET status = ?1 WHERE id = ?2", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, status);
        db_bind_int(st, 2, id);
        return db_step_done(db, st, "cannot update the medium");
}

#define PERSON_COLS "id, ref, name, email, role, job_title, authoriser, aup_signed, aup_version, leaving_date, created_at, updated_at"

int db_person_insert(struct db *db, json_t *p, int64_t *ret_id) {
        static const char *const keys[] = {"ref", "name", "email", "role", "job_title", "authoriser", "aup_signed",
                                           "aup_version", "leaving_date"};
        sqlite3_stmt *st;
        int r = db_prepare(db, "INSERT INTO people(ref, name, email, role, job_title, authoriser, aup_signed, aup_version, "
                               "leaving_date, created_at, updated_at) VALUES (?1, ?2, ?3, coalesce(?4, 'staff'), ?5, "
                               "coalesce(?6, 0), ?7, ?8, ?9, coalesce(?11, ?10), coalesce(?12, ?11, ?10))", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, p, keys[i]);
        db_bind_json(st, 11, p, "created_at");
        db_bind_json(st, 12, p, "updated_at");
        char now[21];
        now_utc(now);
        db_bind_text(st, 10, now);
        r = db_step_done(db, st, "cannot add the person");
        if (r < 0) return r;
        *ret_id = sqlite3_last_insert_rowid(db_handle(db));
        return 0;
}

int db_person_update(struct db *db, int64_t id, json_t *p) {
        static const char *const keys[] = {"name", "email", "role", "job_title", "authoriser", "aup_signed",
                                           "aup_version", "leaving_date"};
        sqlite3_stmt *st;
        int r = db_prepare(db, "UPDATE people SET name = ?1, email = ?2, role = ?3, job_title = ?4, authoriser = ?5, "
                               "aup_signed = ?6, aup_version = ?7, leaving_date = ?8, updated_at = ?9 WHERE id = ?10", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) db_bind_json(st, (int) i + 1, p, keys[i]);
        char now[21];
        now_utc(now);
        db_bind_text(st, 9, now);
        db_bind_int(st, 10, id);
        return db_step_done(db, st, "cannot update the person");
}

int db_person_by_ref(struct db *db, const char *ref, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE ref = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, ref);
        return db_one(db, st, person_bools, ret);
}

int db_person_by_email(struct db *db, const char *email, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, email);
        return db_one(db, st, person_bools, ret);
}

int db_person_list(struct db *db, const char *role, json_t **ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, "SELECT " PERSON_COLS " FROM people WHERE ?1 IS NULL OR role = ?1 ORDER BY ref", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, role);
        return db_collect(db, st, person_bools, ret);
}

static int count(struct db *db, const char *sql, int64_t *ret) {
        sqlite3_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *ret = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return rc == SQLITE_ROW ? 0 : db_error(db, rc, "cannot read the register");
}

int db_asset_count(struct db *db, int64_t *ret) { return count(db, "SELECT count(*) FROM assets", ret); }
int db_person_count(struct db *db, int64_t *ret) { return count(db, "SELECT count(*) FROM people", ret); }
