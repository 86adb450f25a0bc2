/* Copying one school's register between two stores (trust import, trust
 * export): every table's rows as they are, keys and row numbers kept, the
 * audit log with them, so the school's chain verifies to the same head on
 * either side. */
#include "db-internal.h"
#include "store-trust.h"

/* Every table of the register, parents before the tables that reference
 * them (the order the migrations create them in). `own_key`: the row's
 * number is a column of its own (id, wipe_id); else the SQLite rowid is
 * copied as the column rowid (PostgreSQL: a column of its own). */
static const struct copy_table {
        const char *name;
        bool own_key;
} copy_tables[] = {
        {"settings", false},         {"assets", true},          {"media", true},
        {"people", true},            {"audit_events", true},    {"audit_rows", false},
        {"loans", true},             {"badges", true},          {"stocktakes", true},
        {"stocktake_scans", true},   {"incidents", true},       {"lost_property", true},
        {"checks", true},            {"wipes", true},           {"wipe_passes", true},
        {"wipe_digests", true},      {"keys", true},            {"disposal_requests", true},
        {"authorisations", true},    {"destructions", true},    {"certificates", true},
        {"consignments", true},      {"consignment_items", true}, {"receipts", true},
        {"audit_checkpoints", true}, {"firms", true},           {"asset_waste_codes", true},
        {"disposal_accounts", true}, {"consignment_notes", true}, {"wipe_firmware", true},
};

const char *db_copy_table_name(size_t i) { return i < ELEMENTSOF(copy_tables) ? copy_tables[i].name : NULL; }

/* Is column i of src one the copy carries? Not the school (the destination
 * has its own, or none), and the row number only where it is no column of
 * its own, once. */
static bool carried(struct db_stmt *src, int i, const struct copy_table *t, bool *rowid_seen) {
        const char *n = db_column_name(src, i);
        if (streq(n, "school_id")) return false;
        if (!streq(n, "rowid")) return true;
        if (t->own_key || *rowid_seen) return false;
        *rowid_seen = true;
        return true;
}

static void bind_column(struct db_stmt *dst, int j, struct db_stmt *src, int i) {
        size_t n = 0;
        switch (db_column_type(src, i)) {
        case DB_NULL: db_bind_null(dst, j); break;
        case DB_INTEGER: db_bind_int(dst, j, db_column_int(src, i)); break;
        case DB_REAL: db_bind_real(dst, j, db_column_real(src, i)); break;
        case DB_TEXT: {
                const char *s = db_column_text_n(src, i, &n);
                db_bind_text_n(dst, j, s, n);
                break;
        }
        case DB_BLOB: {
                const void *p = db_column_blob(src, i, &n);
                db_bind_blob(dst, j, p ? p : "", n);
                break;
        }
        }
}

/* The INSERT for the columns src carries. */
static char *insert_sql(struct db_stmt *src, const struct copy_table *t, int *ret_n) {
        struct strbuf cols = {0}, vals = {0};
        bool seen = false;
        int n = 0;
        for (int i = 0; i < db_column_count(src); i++) {
                if (!carried(src, i, t, &seen)) continue;
                n++;
                sb_printf(&cols, "%s%s", n > 1 ? ", " : "", db_column_name(src, i));
                sb_printf(&vals, "%s?%d", n > 1 ? ", " : "", n);
        }
        char *sql = xasprintf("INSERT INTO %s (%s) VALUES (%s)", t->name, cols.buf, vals.buf);
        sb_free(&cols);
        sb_free(&vals);
        *ret_n = n;
        return sql;
}

static int copy_table(struct db *from, struct db *to, const struct copy_table *t, int64_t *ret_rows) {
        _cleanup_free_ char *sel = xasprintf("SELECT %s* FROM %s%s ORDER BY rowid", t->own_key ? "" : "rowid, ", t->name,
                                             from->engine->extra_columns ? " WHERE school_id = ?1" : "");
        struct db_stmt *src = NULL, *dst = NULL;
        int r = db_prepare_once(from, sel, &src);
        if (r < 0) return r;
        if (from->engine->extra_columns) db_bind_int(src, 1, db_school(from));
        _cleanup_free_ char *ins = NULL, *what = xasprintf("cannot copy the table '%s'", t->name);
        int n = 0;
        int64_t rows = 0;
        while ((r = db_step(from, src, what)) > 0) {
                if (!dst) {
                        ins = insert_sql(src, t, &n);
                        r = db_prepare_once(to, ins, &dst);
                        if (r < 0) break;
                }
                bool seen = false;
                for (int i = 0, j = 0; i < db_column_count(src); i++)
                        if (carried(src, i, t, &seen)) bind_column(dst, ++j, src, i);
                r = db_step_done(to, dst, what);
                if (r < 0) break;
                rows++;
        }
        db_finalize(src);
        db_finalize(dst);
        if (r < 0) return r;
        *ret_rows += rows;
        return 0;
}

int db_copy_school(struct db *from, struct db *to, int64_t *ret_rows) {
        int64_t rows = 0;
        for (size_t i = 0; i < ELEMENTSOF(copy_tables); i++) {
                int r = copy_table(from, to, &copy_tables[i], &rows);
                if (r < 0) return r;
        }
        if (ret_rows) *ret_rows = rows;
        return 0;
}
