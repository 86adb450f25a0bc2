/* Firms, waste codes, disposal accounts and waste notes: the SQL. See
 * store-paperwork.h. */
#include "store-paperwork.h"
#include "db-internal.h"
#include "json.h"

static int insert_done(struct db *db, struct db_stmt *st, const char *what, int64_t *ret_id) {
        int r = db_step_done(db, st, what);
        if (r < 0) return r;
        if (ret_id) *ret_id = db_last_id(db);
        return 0;
}

int db_firm_set(struct db *db, const char *name, const char *contract_ref, const char *contract_expires, int64_t *ret_id) {
        struct db_stmt *st;
        char now[21];
        now_utc(now);
        int r = db_prepare(db, "INSERT INTO firms(name, contract_ref, contract_expires, updated_at) VALUES (?1, ?2, ?3, ?4) "
                               "ON CONFLICT(name) DO UPDATE SET contract_ref = coalesce(?2, firms.contract_ref), "
                               "contract_expires = coalesce(?3, firms.contract_expires), updated_at = ?4",
                           &st);
        if (r < 0) return r;
        db_bind_text(st, 1, name);
        db_bind_text(st, 2, contract_ref);
        db_bind_text(st, 3, contract_expires);
        db_bind_text(st, 4, now);
        r = db_step_done(db, st, "cannot record the firm");
        if (r < 0) return r;
        if (db_prepare(db, "SELECT id FROM firms WHERE name = ?1", &st) < 0) return -EIO;
        db_bind_text(st, 1, name);
        r = db_step(db, st, "cannot read the register");
        if (r > 0) *ret_id = db_column_int(st, 0);
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? err_set(EIO, "cannot read the register: no row") : r;
}

#define FIRM_COLS "id, name, contract_ref, contract_expires, updated_at"

int db_firm_get(struct db *db, const char *name, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " FIRM_COLS " FROM firms WHERE name = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, name);
        return db_one(db, st, NULL, ret);
}

int db_firm_list(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " FIRM_COLS " FROM firms ORDER BY name", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}

int db_asset_waste_code_insert(struct db *db, int64_t asset_id, const char *code, int64_t *ret_id) {
        struct db_stmt *st;
        char now[21];
        now_utc(now);
        int r = db_prepare(db, "INSERT INTO asset_waste_codes(asset_id, ewc_code, recorded_at) VALUES (?1, ?2, ?3)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        db_bind_text(st, 2, code);
        db_bind_text(st, 3, now);
        return insert_done(db, st, "cannot record the waste code", ret_id);
}

int db_asset_waste_code(struct db *db, int64_t asset_id, char **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT ewc_code FROM asset_waste_codes WHERE asset_id = ?1 ORDER BY id DESC LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        r = db_step(db, st, "cannot read the register");
        if (r > 0) *ret = xstrdup(db_column_text(st, 0));
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

int db_disposal_accounts_insert(struct db *db, int64_t asset_id, const char *funding_source, int64_t proceeds_pence,
                                int64_t *ret_id) {
        struct db_stmt *st;
        char now[21];
        now_utc(now);
        int r = db_prepare(db, "INSERT INTO disposal_accounts(asset_id, funding_source, proceeds_pence, recorded_at) "
                               "VALUES (?1, ?2, ?3, ?4)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        db_bind_text(st, 2, funding_source);
        if (proceeds_pence >= 0) db_bind_int(st, 3, proceeds_pence);
        db_bind_text(st, 4, now);
        return insert_done(db, st, "cannot record the disposal's accounts", ret_id);
}

int db_disposal_accounts_get(struct db *db, int64_t asset_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT funding_source, proceeds_pence, recorded_at FROM disposal_accounts WHERE asset_id = ?1 "
                               "ORDER BY id DESC LIMIT 1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, asset_id);
        return db_one(db, st, NULL, ret);
}

int db_consignment_notes_insert(struct db *db, int64_t consignment_row, const char *notes, int64_t *ret_id) {
        struct db_stmt *st;
        char now[21];
        now_utc(now);
        int r = db_prepare(db, "INSERT INTO consignment_notes(consignment_id, notes, created_at) VALUES (?1, ?2, ?3)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, consignment_row);
        db_bind_blob(st, 2, notes, strlen(notes));
        db_bind_text(st, 3, now);
        return insert_done(db, st, "cannot record the waste notes", ret_id);
}

int db_consignment_notes_get(struct db *db, const char *consignment_id, char **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT n.notes FROM consignment_notes n JOIN consignments c ON c.id = n.consignment_id "
                               "WHERE c.consignment_id = ?1", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, consignment_id);
        r = db_step(db, st, "cannot read the register");
        if (r > 0) {
                /* the canonical JSON, kept as the exact bytes (a blob) */
                size_t n = 0;
                const char *p = db_column_blob(st, 0, &n);
                *ret = xstrndup(p ? p : "", n);
        }
        db_reset(st);
        return r > 0 ? 0 : r == 0 ? -ENOENT : r;
}

int db_consignment_paperwork(struct db *db, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT c.consignment_id, c.firm, c.created_at, r.number AS receipt_number, "
                               "EXISTS (SELECT 1 FROM consignment_notes n WHERE n.consignment_id = c.id) AS has_notes, "
                               "f.contract_ref, f.contract_expires FROM consignments c "
                               "LEFT JOIN receipts r ON r.consignment_id = c.id LEFT JOIN firms f ON f.name = c.firm "
                               "ORDER BY c.id", &st);
        if (r < 0) return r;
        return db_collect(db, st, NULL, ret);
}
