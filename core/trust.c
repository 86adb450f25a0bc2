/* A multi-academy trust's schools and grants (trust.h). */
#include "core-internal.h"
#include "store-trust.h"
#include "trust.h"

#include <ctype.h>

static const char *const roles[] = {"technician", "head", "auditor", "admin", NULL};

bool trust_role_valid(const char *role) {
        for (size_t i = 0; roles[i]; i++)
                if (streq(roles[i], role)) return true;
        return false;
}

static bool school_code_valid(const char *code) {
        size_t n = strlen(code);
        if (n < 2 || n > 10) return false;
        for (const char *p = code; *p; p++)
                if (!isupper((unsigned char) *p) && !isdigit((unsigned char) *p)) return false;
        return true;
}

/* A database role as PostgreSQL names one: 1 to 63 bytes of letters,
 * digits, '_' and '$', not starting with a digit or '$', nor with "pg_". */
static bool db_role_valid(const char *r) {
        size_t n = strlen(r);
        if (n == 0 || n > 63 || isdigit((unsigned char) r[0]) || r[0] == '$' || strncmp(r, "pg_", 3) == 0) return false;
        for (const char *p = r; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '_' && *p != '$') return false;
        return true;
}

/* Run fn inside a transaction of the trust's own chain, then go back to
 * the school the connection was working in. */
static int in_trust_chain(struct db *db, int (*fn)(struct db *db, void *arg), void *arg) {
        int64_t was = db_school(db);
        int r = db_use_school(db, DB_SCHOOL_TRUST);
        if (r < 0) return r;
        r = db_begin(db);
        if (r >= 0) {
                r = fn(db, arg);
                if (r >= 0) r = db_commit(db);
                else db_rollback(db);
        }
        int r2 = db_use_school(db, was);
        return r < 0 ? r : r2;
}

static int set_name(struct db *db, void *arg) { return db_setting_set(db, "trust", arg); }

int trust_init(struct db *db, const char *name) {
        int r = db_require_trust(db, "trust init");
        if (r < 0) return r;
        if (isempty(name) || !utf8_valid(name, strlen(name)) || !text_is_safe(name, strlen(name)))
                return err_set(EINVAL, "--name: give the trust's name");
        return in_trust_chain(db, set_name, (void *) name);
}

int trust_name(struct db *db, char **ret) {
        int r = db_require_trust(db, "trust");
        if (r < 0) return r;
        int64_t was = db_school(db);
        r = db_use_school(db, DB_SCHOOL_TRUST);
        if (r >= 0) r = db_setting_get(db, "trust", ret);
        int r2 = db_use_school(db, was);
        return r < 0 ? r : r2;
}

struct school_new {
        const char *code, *name, *prefix;
        int64_t id;
};

/* The school's row and event in the trust chain; then its own chain's
 * first events: its name and tag prefix, as `init` writes them. */
static int school_add(struct db *db, void *arg) {
        struct school_new *s = arg;
        int r = db_trust_school_add(db, s->code, s->name, s->prefix, &s->id);
        if (r < 0) return r;
        r = db_use_school(db, s->id);
        if (r >= 0) r = db_setting_set(db, "school", s->name);
        if (r >= 0) r = db_setting_set(db, "tag_prefix", s->prefix);
        int r2 = db_use_school(db, DB_SCHOOL_TRUST);
        return r < 0 ? r : r2;
}

int trust_school_add(struct db *db, const char *code, const char *name, const char *tag_prefix, int64_t *ret_id) {
        int r = db_require_trust(db, "trust school add");
        if (r < 0) return r;
        if (!school_code_valid(code)) return err_set(EINVAL, "--code '%s': use 2 to 10 capital letters or digits", code);
        if (isempty(name) || !utf8_valid(name, strlen(name)) || !text_is_safe(name, strlen(name)))
                return err_set(EINVAL, "--name: give the school's name");
        _cleanup_free_ char *prefix = xstrdup(tag_prefix);
        strupper(prefix);
        if (!asset_tag_valid(prefix) || strlen(prefix) > 12)
                return err_set(EINVAL, "--tag-prefix '%s': use 1 to 12 letters, digits or '-'", tag_prefix);
        struct school_new s = {code, name, prefix, 0};
        r = in_trust_chain(db, school_add, &s);
        if (r < 0) return r;
        if (ret_id) *ret_id = s.id;
        return 0;
}

int trust_school_list(struct db *db, json_t **ret) {
        int r = db_require_trust(db, "trust school list");
        return r < 0 ? r : db_trust_school_list(db, ret);
}

struct grant {
        const char *db_role, *code, *role;
};

static int grant_one(struct db *db, void *arg) {
        struct grant *g = arg;
        return db_trust_grant(db, g->db_role, g->code, g->role);
}

static int revoke_one(struct db *db, void *arg) {
        struct grant *g = arg;
        return db_trust_revoke(db, g->db_role, g->code);
}

static int grant_check(const char *db_role, const char *code) {
        if (!db_role_valid(db_role))
                return err_set(EINVAL, "--db-role '%s': give a database login's name (letters, digits, '_')", db_role);
        if (code && !school_code_valid(code)) return err_set(EINVAL, "--school '%s': use 2 to 10 capital letters or digits", code);
        return 0;
}

int trust_grant(struct db *db, const char *db_role, const char *code, const char *role) {
        int r = db_require_trust(db, "trust grant");
        if (r < 0 || (r = grant_check(db_role, code)) < 0) return r;
        if (!trust_role_valid(role)) return err_set(EINVAL, "--role '%s': use technician, head, auditor or admin", role);
        if (!code && (streq(role, "technician") || streq(role, "head")))
                return err_set(EINVAL, "a %s belongs to a school: give --school CODE (only admin and auditor may be trust-wide)", role);
        if (code && streq(role, "admin")) return err_set(EINVAL, "an admin is trust-wide: give --trust-wide, not --school");
        struct grant g = {db_role, code, role};
        return in_trust_chain(db, grant_one, &g);
}

int trust_revoke(struct db *db, const char *db_role, const char *code) {
        int r = db_require_trust(db, "trust revoke");
        if (r < 0 || (r = grant_check(db_role, code)) < 0) return r;
        struct grant g = {db_role, code, NULL};
        return in_trust_chain(db, revoke_one, &g);
}

int trust_grant_list(struct db *db, json_t **ret) {
        int r = db_require_trust(db, "trust grant list");
        return r < 0 ? r : db_trust_grant_list(db, ret);
}
