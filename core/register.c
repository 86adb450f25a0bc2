/* The register as cmd/ sees it: see register.h. Thin on purpose: the rules
 * live in the other core files; this is the door to the store. */
#include "core-internal.h"
#include "store-trust.h"
#include "register.h"

int register_open(const char *explicit_path, const char *school, unsigned flags, struct db **ret) {
        _cleanup_free_ char *path = db_default_path(explicit_path);
        if (school) {
                if (!db_where_is_server(path))
                        return err_set(EINVAL, "--school '%s' names a school of a trust: '%s' is one school's register", school, path);
                /* the engine reads the school to work in from here */
                if (setenv("ASSETCTL_SCHOOL", school, 1) < 0) return err_set(errno, "cannot set the school: %s", strerror(errno));
        }
        unsigned of = 0;
        if (flags & REGISTER_CREATE) of |= DB_CREATE;
        if (flags & REGISTER_QUERY) of |= DB_QUERY;
        return db_open(path, of, ret);
}

void register_close(struct db *db) { db_close(db); }
const char *register_path(struct db *db) { return db_path(db); }

int asset_list(struct db *db, const char *status, const char *location, const char *category, json_t **ret) {
        return db_asset_list(db, status, location, category, ret);
}
int person_list(struct db *db, const char *role, json_t **ret) { return db_person_list(db, role, ret); }
int disposal_list(struct db *db, const char *status, json_t **ret) { return db_disposal_list(db, status, ret); }
/* The register with the proceeds in pounds ("55.50") as "proceeds". */
int disposal_register(struct db *db, const char *from, const char *to, json_t **ret) {
        int r = db_disposal_register(db, from, to, ret);
        if (r < 0) return r;
        size_t i;
        json_t *row;
        json_array_foreach(*ret, i, row) {
                json_t *p = json_object_get(row, "proceeds_pence");
                if (!json_is_integer(p)) continue;
                long long v = json_integer_value(p);
                json_object_set_new(row, "proceeds", json_sprintf("%lld.%02lld", v / 100, v % 100));
        }
        return 0;
}
int key_list(struct db *db, json_t **ret) { return db_key_list(db, ret); }
int key_get(struct db *db, const char *name_or_fingerprint, json_t **ret) { return db_key_get(db, name_or_fingerprint, ret); }
int cert_list(struct db *db, const char *asset_tag, json_t **ret) { return db_cert_list(db, asset_tag, ret); }
int cert_get(struct db *db, const char *cert_id, json_t **ret) { return db_cert_get(db, cert_id, ret); }
int consignment_list(struct db *db, json_t **ret) { return db_consignment_list(db, ret); }
int consignment_get(struct db *db, const char *consignment_id, json_t **ret) { return db_consignment_get(db, consignment_id, ret); }
int cert_stored_pdf(struct db *db, const char *cert_id, void **ret, size_t *ret_len) { return db_cert_pdf(db, cert_id, ret, ret_len); }
int consignment_stored_pdf(struct db *db, const char *consignment_id, void **ret, size_t *ret_len) {
        return db_consignment_pdf(db, consignment_id, ret, ret_len);
}
int audit_log(struct db *db, const char *subject, json_t **ret) { return db_audit_list(db, subject, ret); }

int audit_check(struct db *db, struct audit_check *ret) {
        struct audit_report rep;
        int r = db_audit_verify(db, &rep);
        if (r < 0) return r;
        *ret = (struct audit_check) {.events = rep.events, .bad_event = rep.bad_event, .problem = TAKE_PTR(rep.problem)};
        memcpy(ret->head, rep.head, sizeof ret->head);
        audit_report_done(&rep);
        return 0;
}

int audit_accept(struct db *db, const char *table, const char *key, const char *by, const char *reason, int64_t *ret_event,
                 int64_t *ret_previous, char **ret_row, const char **ret_found) {
        struct audit_accepted a;
        int r = db_audit_accept(db, table, key, by, reason, &a);
        if (r < 0) return r;
        *ret_event = a.event;
        *ret_previous = a.previous;
        *ret_row = a.row;
        *ret_found = a.found;
        return 0;
}

void audit_check_done(struct audit_check *c) { free(c->problem); c->problem = NULL; }
