/* The loan columns of an asset import become open loans: our export's
 * issued_to, issued_at, due, condition_out, override_reason, and Snipe-IT's
 * checkout columns (its import's "Checkout Type" / "Checked Out To: ...",
 * its custom report's "Type" / "Username" / "Employee No." / "Checkout
 * Date" / "Expected Checkin Date"), so a school moving registers keeps who
 * holds what. The importer (import.c) calls this hook for each asset row
 * (through asset_import_hook(), after the row's media) inside its one
 * transaction and its one audit event, just after inserting the asset. */
#include "core-internal.h"
#include "import.h"
#include "loans.h"
#include "store-loans.h"
#include "json.h"

#include <ctype.h>

static const char *const checkout_columns[] = {
        "issued_to", "issued_at", "due", "condition_out", "override_reason",
        "Checkout Type", "Checked Out To: Username", "Checked Out To: Email",
        "Type", "Username", "Employee No.", "Checkout Date", "Last Checkout Date", "Last Checkout",
        "Expected Checkin Date", NULL,
};

/* A trimmed copy of a column's value, or NULL when absent or blank. */
static char *value(const struct import_table *t, const struct import_record *rec, const char *col) {
        const char *v = import_value(t, rec, col);
        if (!v) return NULL;
        char *s = strstrip(xstrdup(v));
        if (!*s) {
                free(s);
                return NULL;
        }
        return s;
}

/* The first of two columns with a value (caller frees), and which one. */
static char *value2(const struct import_table *t, const struct import_record *rec, const char *a, const char *b,
                    const char **ret_col) {
        char *v = value(t, rec, a);
        *ret_col = a;
        if (!v) {
                v = value(t, rec, b);
                *ret_col = b;
        }
        return v;
}

/* A date column of the loan (see import_date(); of a time the day is kept)
 * into ret; 0, or -EINVAL with "COLUMN: reason". */
static int loan_date(const struct import_table *t, const char *col, const char *v, char ret[static 11]) {
        if (import_date(v, t->date_format, ret) == 0) return 0;
        _cleanup_free_ char *why = xstrdup(err_msg());
        return err_set(EINVAL, "%s: %s", col, why);
}

/* The person a row's loan columns name: our issued_to (a reference), else
 * Snipe-IT's employee number or username (as a reference), then email. */
static int find_holder(struct db *db, const char *ours, const char *empno, const char *user, const char *email,
                       json_t **ret) {
        int r = -ENOENT;
        if (ours) {
                r = db_person_by_ref(db, ours, ret);
                if (r == -ENOENT)
                        return err_set(ENOENT, "issued_to: no person '%s' on the register: import the people first "
                                       "('assetctl person import')", ours);
                return r;
        }
        if (empno) r = db_person_by_ref(db, empno, ret);
        if (r == -ENOENT && user) r = db_person_by_ref(db, user, ret);
        if (r == -ENOENT && email) r = db_person_by_email(db, email, ret);
        if (r == -ENOENT && user && strchr(user, '@')) r = db_person_by_email(db, user, ret);
        if (r == -ENOENT) {
                const char *col = empno ? "Employee No." : user ? "Checked Out To: Username" : "Checked Out To: Email";
                return err_set(ENOENT, "%s: no person '%s' on the register (by reference or email): add them first "
                               "('assetctl person add' or 'assetctl person import')", col, empno ? empno : user ? user : email);
        }
        return r;
}

static int checkout_row(struct db *db, const struct import_table *t, const struct import_record *rec, const char *tag,
                        void *userdata) {
        (void) userdata;
        const char *user_col, *type_col = "Checkout Type", *at_col, *due_col;
        _cleanup_free_ char *ours = value(t, rec, "issued_to"), *user = value2(t, rec, "Checked Out To: Username", "Username", &user_col),
                            *email = value(t, rec, "Checked Out To: Email"), *empno = value(t, rec, "Employee No."),
                            *type = value(t, rec, "Checkout Type"),
                            *at = value2(t, rec, "issued_at", "Checkout Date", &at_col), *due = value2(t, rec, "due", "Expected Checkin Date", &due_col),
                            *cond = value(t, rec, "condition_out"), *override = value(t, rec, "override_reason");
        _cleanup_json_ json_t *p = NULL;
        _cleanup_(asset_clear) struct asset a = {0};
        /* the custom report's "Type" is the checkout type when it sits beside
         * its "Username" / "Employee No." columns */
        if (!type && !import_value(t, rec, "Checkout Type") && (import_value(t, rec, "Username") || import_value(t, rec, "Employee No."))) {
                type = value(t, rec, "Type");
                type_col = "Type";
        }
        if (!ours && !type && !user && !email && !empno) {
                if (at || cond || override || (due && streq(due_col, "due")))
                        return err_set(EINVAL, "issued_to: empty, but the row has details of a loan (issued_at, due, condition_out, "
                                       "override_reason): give who holds it");
                return 0;
        }
        /* Snipe-IT can check kit out to a location or another asset: no loan */
        if (!ours && type && strcasecmp(type, "user") != 0) {
                if (strcasecmp(type, "location") == 0 || strcasecmp(type, "asset") == 0) return 0;
                return err_set(EINVAL, "%s: '%s' is not user, location or asset", type_col, type);
        }
        if (!ours && !user && !email && !empno)
                return err_set(EINVAL, "%s: checked out to a user, but 'Checked Out To: Username' and "
                               "'Checked Out To: Email' are empty", type_col);
        /* Snipe-IT's importer also takes the checkout date as "Last Checkout
         * (Date)"; only a row that names its holder has a loan to date */
        if (!at) at = value2(t, rec, "Last Checkout Date", "Last Checkout", &at_col);
        int r = find_holder(db, ours, empno, user, email, &p);
        if (r < 0) return r;
        r = db_asset_record_by_tag(db, tag, &a);
        if (r < 0) return r;
        const char *st = a.status;
        if (!streq(st, ST_IN_STOCK) && !streq(st, ST_ISSUED))
                return err_set(EPERM, "%s: '%s' is %s, so it cannot be on loan to %s", ours ? "issued_to" : type_col, tag,
                               asset_status_label(st), json_str(p, "ref"));
        char issued[11], due_day[11];
        if (at) {
                if ((r = loan_date(t, at_col, at, issued)) < 0) return r;
        } else
                today(issued);
        if (due && (r = loan_date(t, due_col, due, due_day)) < 0) return r;
        if (cond && !utf8_valid(cond, strlen(cond)))
                return err_set(EINVAL, "condition_out: not valid UTF-8 text (or has control characters)");
        if (override && !utf8_valid(override, strlen(override)))
                return err_set(EINVAL, "override_reason: not valid UTF-8 text (or has control characters)");
        int64_t aid = a.id, lid;
        struct loan l = {
                .asset_id = aid,
                .person_id = json_integer_value(json_object_get(p, "id")),
                .issued_at = issued,
                .due = due ? due_day : NULL,
                .condition_out = cond,
                .override_reason = override,
                .source = (char *) "import",
        };
        record_mark(&l, LOAN_F_asset_id);
        record_mark(&l, LOAN_F_person_id);
        r = db_loan_record_insert(db, &l, &lid);
        /* an export's issued asset arrives issued; Snipe-IT's "Deployed" in stock */
        if (r >= 0 && streq(st, ST_IN_STOCK)) r = db_asset_set_status(db, aid, ST_ISSUED);
        /* the import's event covers the loan, and the asset as it is now */
        if (r >= 0) r = db_audit_row(db, "loans", lid);
        if (r >= 0 && streq(st, ST_IN_STOCK)) r = db_audit_row(db, "assets", aid);
        return r;
}

static const struct import_hook hook = {checkout_columns, checkout_row, NULL};

const struct import_hook *loan_import_hook(void) { return &hook; }
