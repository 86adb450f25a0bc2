/* The store for loans, badges, stock-takes, incidents, lost property and
 * checks. See store-loans.h. */
#include "store-loans.h"
#include "db-internal.h"
#include "json.h"
#include "record-sql.h"

#include <stddef.h>

#define LOAN_FIELD(...) RECORD_FIELD(loan, __VA_ARGS__)
const struct record_type loan_type = {"loan", (const struct record_field[]) {LOAN_FIELDS(LOAN_FIELD)}, LOAN_N_FIELDS,
                                      sizeof(struct loan)};

/* Bind the variadic arguments by a tiny format: 's' text (NULL binds NULL),
 * 'i' int64, 'I' int64 where 0 binds NULL. */
static void bindv(struct db_stmt *st, const char *fmt, va_list ap) {
        for (int i = 1; *fmt; fmt++, i++) {
                if (*fmt == 's') db_bind_text(st, i, va_arg(ap, const char *));
                else {
                        int64_t v = va_arg(ap, int64_t);
                        if (*fmt == 'I' && v == 0) db_bind_null(st, i);
                        else db_bind_int(st, i, v);
                }
        }
}

/* Run a cached query with bound arguments and collect its rows into an
 * array of objects (caller owns *ret). */
static int rows(struct db *db, const char *sql, json_t **ret, const char *fmt, ...) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        va_list ap;
        va_start(ap, fmt);
        bindv(st, fmt, ap);
        va_end(ap);
        r = db_collect(db, st, NULL, ret);
        return r < 0 ? r : (int) json_array_size(*ret);
}

/* The first row of a query, or -ENOENT (no message). */
static int one(struct db *db, const char *sql, json_t **ret, const char *fmt, ...) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        va_list ap;
        va_start(ap, fmt);
        bindv(st, fmt, ap);
        va_end(ap);
        return db_one(db, st, NULL, ret);
}

/* Run a write with bound arguments; the new rowid in *ret_id when asked. */
static int exec_write(struct db *db, const char *sql, const char *what, int64_t *ret_id, const char *fmt, ...) {
        struct db_stmt *st;
        int r = db_prepare(db, sql, &st);
        if (r < 0) return r;
        va_list ap;
        va_start(ap, fmt);
        bindv(st, fmt, ap);
        va_end(ap);
        r = db_step_done(db, st, what);
        if (r < 0) return r;
        if (ret_id) *ret_id = db_last_id(db);
        return 0;
}

static const char *jstr(json_t *o, const char *k) { return json_str(o, k); }
static int64_t jint(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }

/* States in which an asset has left the school's hands (transferred: to
 * another school of the trust, which holds it under its own tag). */
#define GONE "('lost', 'stolen', 'destroyed', 'consigned', 'disposed', 'transferred')"

#define LOAN_SELECT \
        "SELECT l.id, a.tag, a.make, a.model, a.serial, a.location, a.status, p.ref, p.name, p.email, " \
        "p.leaving_date, p.aup_signed, l.issued_at, l.due, l.condition_out, l.override_reason, l.returned_at, " \
        "l.condition_in, l.damage, l.outcome, l.source, l.asset_id, l.person_id " \
        "FROM loans l JOIN assets a ON a.id = l.asset_id JOIN people p ON p.id = l.person_id "

int db_loan_open_by_asset(struct db *db, int64_t asset_id, json_t **ret) {
        return one(db, LOAN_SELECT "WHERE l.asset_id = ?1 AND l.returned_at IS NULL", ret, "i", asset_id);
}

int db_loan_latest_by_asset(struct db *db, int64_t asset_id, json_t **ret) {
        return one(db, LOAN_SELECT "WHERE l.asset_id = ?1 ORDER BY l.id DESC LIMIT 1", ret, "i", asset_id);
}

int db_loan_insert(struct db *db, json_t *l, int64_t *ret_id) {
        return exec_write(db, "INSERT INTO loans(asset_id, person_id, issued_at, due, condition_out, override_reason, source) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, 'issue'))",
                          "cannot record the loan", ret_id, "iisssss", jint(l, "asset_id"), jint(l, "person_id"),
                          jstr(l, "issued_at"), jstr(l, "due"), jstr(l, "condition_out"), jstr(l, "override_reason"),
                          jstr(l, "source"));
}

int db_loan_record_insert(struct db *db, const struct loan *l, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO loans(" LOAN_FIELDS(SQL_INSERT) ") VALUES (" LOAN_FIELDS(SQL_VALUE) ")", &st);
        if (r < 0) return r;
        char now[21];
        now_utc(now);
        db_bind_record(st, &loan_type, l, FR_INSERT, now);
        r = db_step_done(db, st, "cannot record the loan");
        if (r < 0) return r;
        *ret_id = db_last_id(db);
        return 0;
}

int db_loan_close(struct db *db, int64_t loan_id, const char *returned_at, const char *condition_in, const char *damage,
                  const char *outcome) {
        return exec_write(db, "UPDATE loans SET returned_at = ?1, condition_in = ?2, damage = ?3, outcome = ?4 WHERE id = ?5",
                          "cannot close the loan", NULL, "ssssi", returned_at, condition_in, damage, outcome, loan_id);
}

int db_loans_open_by_person(struct db *db, int64_t person_id, json_t **ret) {
        return rows(db, LOAN_SELECT "WHERE l.person_id = ?1 AND l.returned_at IS NULL ORDER BY a.tag", ret, "i", person_id);
}

int db_loans_open(struct db *db, json_t **ret) {
        return rows(db, LOAN_SELECT "WHERE l.returned_at IS NULL ORDER BY a.tag", ret, "");
}

int db_loans_overdue(struct db *db, const char *date, json_t **ret) {
        return rows(db, LOAN_SELECT "WHERE l.returned_at IS NULL AND l.due < ?1 ORDER BY l.due, a.tag", ret, "s", date);
}

int db_loans_of_leavers(struct db *db, const char *date, json_t **ret) {
        return rows(db, LOAN_SELECT "WHERE l.returned_at IS NULL AND p.leaving_date <= ?1 ORDER BY p.leaving_date, p.ref, a.tag",
                    ret, "s", date);
}

int db_loans_without_aup(struct db *db, json_t **ret) {
        return rows(db, LOAN_SELECT "WHERE l.returned_at IS NULL AND p.aup_signed IS NULL ORDER BY p.ref, a.tag", ret, "");
}

int db_badge_insert(struct db *db, const char *badge, int64_t person_id, int64_t *ret_id) {
        return exec_write(db, "INSERT INTO badges(badge, person_id) VALUES (?1, ?2)", "cannot record the badge", ret_id, "si",
                          badge, person_id);
}

int db_person_by_badge(struct db *db, const char *badge, json_t **ret) {
        return one(db, "SELECT p.id, p.ref, p.name, p.email, p.role, p.aup_signed, p.aup_version, p.leaving_date "
                       "FROM badges b JOIN people p ON p.id = b.person_id WHERE b.badge = ?1",
                   ret, "s", badge);
}

int db_person_scan_names(struct db *db, json_t **ret) {
        int r = rows(db, "SELECT ref AS scan_key, name, ref FROM people UNION ALL "
                         "SELECT b.badge, p.name, p.ref FROM badges b JOIN people p ON p.id = b.person_id",
                     ret, "");
        return r < 0 ? r : 0;
}

int db_stocktake_insert(struct db *db, const char *room, const char *started_at, int64_t *ret_id) {
        return exec_write(db, "INSERT INTO stocktakes(room, started_at) VALUES (?1, ?2)", "cannot start the stock-take", ret_id,
                          "ss", room, started_at);
}

int db_stocktake_get(struct db *db, int64_t id, json_t **ret) {
        return one(db, "SELECT id, room, started_at, finished_at, report FROM stocktakes WHERE id = ?1", ret, "i", id);
}

int db_stocktake_list(struct db *db, bool open_only, json_t **ret) {
        return rows(db, "SELECT s.id, s.room, s.started_at, s.finished_at, "
                        "(SELECT count(*) FROM stocktake_scans c WHERE c.stocktake_id = s.id) AS scans "
                        "FROM stocktakes s WHERE ?1 = 0 OR s.finished_at IS NULL ORDER BY s.id DESC",
                    ret, "i", (int64_t) open_only);
}

int db_stocktake_scan_insert(struct db *db, int64_t stocktake_id, const char *tag, int64_t asset_id, const char *scanned_at,
                             int64_t *ret_id) {
        return exec_write(db, "INSERT INTO stocktake_scans(stocktake_id, tag, asset_id, scanned_at) VALUES (?1, ?2, ?3, ?4)",
                          "cannot record the scan", ret_id, "isIs", stocktake_id, tag, asset_id, scanned_at);
}

int db_stocktake_scans(struct db *db, int64_t stocktake_id, json_t **ret) {
        return rows(db, "SELECT s.tag, s.asset_id, s.scanned_at, a.location, a.status, a.make, a.model "
                        "FROM stocktake_scans s LEFT JOIN assets a ON a.id = s.asset_id "
                        "WHERE s.stocktake_id = ?1 ORDER BY s.id",
                    ret, "i", stocktake_id);
}

int db_stocktake_finish(struct db *db, int64_t id, const char *finished_at, const char *report) {
        return exec_write(db, "UPDATE stocktakes SET finished_at = ?1, report = ?2 WHERE id = ?3", "cannot finish the stock-take",
                          NULL, "ssi", finished_at, report, id);
}

int db_assets_expected_in(struct db *db, const char *room, json_t **ret) {
        return rows(db, "SELECT id, tag, make, model, serial, location, status FROM assets "
                        "WHERE location = ?1 COLLATE NOCASE AND status NOT IN ('issued', " "'lost', 'stolen', 'destroyed', 'consigned', 'disposed', 'transferred') "
                        "ORDER BY tag",
                    ret, "s", room);
}

int db_asset_set_audited(struct db *db, int64_t asset_id, const char *date) {
        char now[21];
        now_utc(now);
        return exec_write(db, "UPDATE assets SET last_audited = ?1, updated_at = ?2 WHERE id = ?3", "cannot update the asset", NULL,
                          "ssi", date, now, asset_id);
}

int db_incident_insert(struct db *db, json_t *inc, int64_t *ret_id) {
        char now[21];
        now_utc(now);
        return exec_write(db, "INSERT INTO incidents(asset_id, kind, person_id, room, details, action, happened_on, reported_at) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                          "cannot record the incident", ret_id, "isIsssss", jint(inc, "asset_id"), jstr(inc, "kind"),
                          jint(inc, "person_id"), jstr(inc, "room"), jstr(inc, "details"), jstr(inc, "action"),
                          jstr(inc, "happened_on"), now);
}

int db_incident_list(struct db *db, int64_t asset_id, const char *kind, json_t **ret) {
        return rows(db, "SELECT i.id, i.happened_on, a.tag, i.kind, p.ref AS person, p.name AS person_name, i.room, i.details, "
                        "i.action, i.reported_at FROM incidents i JOIN assets a ON a.id = i.asset_id "
                        "LEFT JOIN people p ON p.id = i.person_id "
                        "WHERE (CAST(?1 AS INTEGER) IS NULL OR i.asset_id = ?1) AND (CAST(?2 AS TEXT) IS NULL OR i.kind = ?2) ORDER BY i.id DESC",
                    ret, "Is", asset_id, kind);
}

int db_lostprop_insert(struct db *db, json_t *it, int64_t *ret_id) {
        return exec_write(db, "INSERT INTO lost_property(description, serial, found_where, found_on, hold_until) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)",
                          "cannot record the item", ret_id, "sssss", jstr(it, "description"), jstr(it, "serial"),
                          jstr(it, "found_where"), jstr(it, "found_on"), jstr(it, "hold_until"));
}

#define LOSTPROP_COLS "id, description, serial, found_where, found_on, hold_until, claimed_on, claimed_by, disposed_on "

int db_lostprop_get(struct db *db, int64_t id, json_t **ret) {
        return one(db, "SELECT " LOSTPROP_COLS "FROM lost_property WHERE id = ?1", ret, "i", id);
}

int db_lostprop_update(struct db *db, int64_t id, const char *claimed_on, const char *claimed_by, const char *disposed_on) {
        return exec_write(db, "UPDATE lost_property SET claimed_on = coalesce(?1, claimed_on), claimed_by = coalesce(?2, claimed_by), "
                              "disposed_on = coalesce(?3, disposed_on) WHERE id = ?4",
                          "cannot update the item", NULL, "sssi", claimed_on, claimed_by, disposed_on, id);
}

int db_lostprop_list(struct db *db, const char *due_on, json_t **ret) {
        return rows(db, "SELECT " LOSTPROP_COLS "FROM lost_property WHERE CAST(?1 AS TEXT) IS NULL OR "
                        "(claimed_on IS NULL AND disposed_on IS NULL AND hold_until < ?1) ORDER BY id",
                    ret, "s", due_on);
}

int db_check_insert(struct db *db, json_t *c, int64_t *ret_id) {
        return exec_write(db, "INSERT INTO checks(asset_id, kind, result, checked_on, next_due, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          "cannot record the check", ret_id, "isssss", jint(c, "asset_id"), jstr(c, "kind"), jstr(c, "result"),
                          jstr(c, "checked_on"), jstr(c, "next_due"), jstr(c, "notes"));
}

int db_check_list(struct db *db, int64_t asset_id, json_t **ret) {
        return rows(db, "SELECT c.id, a.tag, c.kind, c.result, c.checked_on, c.next_due, c.notes FROM checks c "
                        "JOIN assets a ON a.id = c.asset_id WHERE CAST(?1 AS INTEGER) IS NULL OR c.asset_id = ?1 "
                        "ORDER BY c.checked_on DESC, c.id DESC",
                    ret, "I", asset_id);
}

int db_checks_overdue(struct db *db, const char *date, json_t **ret) {
        return rows(db, "SELECT a.tag, a.make, a.model, a.location, c.kind, c.result, c.checked_on, c.next_due FROM checks c "
                        "JOIN assets a ON a.id = c.asset_id "
                        "WHERE c.id = (SELECT c2.id FROM checks c2 WHERE c2.asset_id = c.asset_id AND c2.kind = c.kind "
                        "              ORDER BY c2.checked_on DESC, c2.id DESC LIMIT 1) "
                        "AND (c.result = 'fail' OR c.next_due < ?1) AND a.status NOT IN " GONE " ORDER BY a.tag",
                    ret, "s", date);
}

int db_assets_personal_unencrypted(struct db *db, json_t **ret) {
        return rows(db, "SELECT tag, make, model, serial, location, status FROM assets "
                        "WHERE personal_data = 1 AND encrypted = 0 AND status NOT IN " GONE " ORDER BY tag",
                    ret, "");
}

int db_assets_without_serial(struct db *db, json_t **ret) {
        return rows(db, "SELECT tag, make, model, location, status FROM assets WHERE serial = '' AND status NOT IN ('disposed', 'transferred') ORDER BY tag",
                    ret, "");
}

int db_assets_not_audited_since(struct db *db, const char *date, json_t **ret) {
        return rows(db, "SELECT tag, make, model, location, status, last_audited FROM assets "
                        "WHERE coalesce(last_audited, substr(created_at, 1, 10)) < ?1 AND status NOT IN " GONE " ORDER BY tag",
                    ret, "s", date);
}
