/* Snipe-IT's checkout columns on an asset import become open loans, so a
 * school moving from Snipe-IT keeps who holds what. The importer (import.c)
 * calls this hook for each asset row inside its one transaction and its one
 * audit event, just after inserting the asset. */
#include "import.h"
#include "loans.h"
#include "loans-store.h"
#include "json.h"

#include <ctype.h>

static const char *const checkout_columns[] = {
        "Checkout Type", "Checked Out To: Username", "Checked Out To: Email", NULL,
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

static int checkout_row(struct db *db, const struct import_table *t, const struct import_record *rec, const char *tag,
                        void *userdata) {
        _cleanup_free_ char *type = value(t, rec, "Checkout Type"), *user = value(t, rec, "Checked Out To: Username"),
                            *email = value(t, rec, "Checked Out To: Email");
        _cleanup_json_ json_t *p = NULL, *a = NULL, *l = NULL;
        if (!type && !user && !email) return 0;
        /* Snipe-IT can check kit out to a location or another asset: no loan */
        if (type && strcasecmp(type, "user") != 0) {
                if (strcasecmp(type, "location") == 0 || strcasecmp(type, "asset") == 0) return 0;
                return err_set(EINVAL, "Checkout Type: '%s' is not user, location or asset", type);
        }
        if (!user && !email)
                return err_set(EINVAL, "Checkout Type: checked out to a user, but 'Checked Out To: Username' and "
                               "'Checked Out To: Email' are empty");
        int r = -ENOENT;
        if (user) r = db_person_by_ref(db, user, &p);
        if (r == -ENOENT && email) r = db_person_by_email(db, email, &p);
        if (r == -ENOENT && user && strchr(user, '@')) r = db_person_by_email(db, user, &p);
        if (r == -ENOENT)
                return err_set(ENOENT, "%s: no person '%s' on the register (by reference or email): add them first "
                               "('assetctl person add' or 'assetctl person import')",
                               user ? "Checked Out To: Username" : "Checked Out To: Email", user ? user : email);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r < 0) return r;
        const char *st = json_str(a, "status");
        if (!streq(st, ST_IN_STOCK))
                return err_set(EPERM, "Checkout Type: '%s' is %s, so it cannot be on loan to %s", tag, asset_status_label(st),
                               json_str(p, "ref"));
        char issued[11];
        today(issued);
        int64_t aid = json_integer_value(json_object_get(a, "id")), lid;
        l = json_pack("{sI,sI,ss,ss}", "asset_id", (json_int_t) aid, "person_id",
                      (json_int_t) json_integer_value(json_object_get(p, "id")), "issued_at", issued, "source", "import");
        r = db_loan_insert(db, l, &lid);
        if (r >= 0) r = db_asset_set_status(db, aid, ST_ISSUED);
        /* the import's event covers the loan, and the asset as it is now */
        if (r >= 0) r = db_audit_row(db, "loans", lid);
        if (r >= 0) r = db_audit_row(db, "assets", aid);
        return r;
}

static const struct import_hook hook = {checkout_columns, checkout_row, NULL};

const struct import_hook *loan_import_hook(void) { return &hook; }
