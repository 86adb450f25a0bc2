#include "core-internal.h"
#include "core.h"
#include "json.h"
#include "store-loans.h"

#include <ctype.h>

/* Allowed moves, from DESIGN.md's state diagram. "*" means any state. */
static const struct {
        const char *from, *to;
} moves[] = {
        {ST_IN_STOCK, ST_ISSUED},
        {ST_ISSUED, ST_IN_STOCK},
        {ST_IN_STOCK, ST_IN_REPAIR},
        {ST_IN_REPAIR, ST_IN_STOCK},
        {"*", ST_LOST},
        {"*", ST_STOLEN},
        {ST_LOST, ST_FOUND},
        {ST_STOLEN, ST_FOUND},
        {ST_FOUND, ST_IN_STOCK},
        {ST_IN_STOCK, ST_DISPOSAL_REQUESTED},
        {ST_DISPOSAL_REQUESTED, ST_IN_STOCK},
        {ST_DISPOSAL_REQUESTED, ST_AUTHORISED},
        {ST_AUTHORISED, ST_SANITISED},
        {ST_AUTHORISED, ST_DESTROY_REQUIRED},
        {ST_DESTROY_REQUIRED, ST_DESTROYED},
        {ST_SANITISED, ST_CONSIGNED},
        {ST_DESTROYED, ST_CONSIGNED},
        {ST_CONSIGNED, ST_DISPOSED},
};

static const char *const statuses[][2] = {
        {ST_IN_STOCK, "in stock"},
        {ST_ISSUED, "issued"},
        {ST_IN_REPAIR, "in repair"},
        {ST_LOST, "lost"},
        {ST_STOLEN, "stolen"},
        {ST_FOUND, "found"},
        {ST_DISPOSAL_REQUESTED, "disposal requested"},
        {ST_AUTHORISED, "authorised"},
        {ST_SANITISED, "sanitised"},
        {ST_DESTROY_REQUIRED, "destroy required"},
        {ST_DESTROYED, "destroyed"},
        {ST_CONSIGNED, "consigned"},
        {ST_DISPOSED, "disposed"},
};

bool asset_status_valid(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(statuses); i++)
                if (streq(statuses[i][0], s)) return true;
        return false;
}

const char *asset_status_label(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(statuses); i++)
                if (streq(statuses[i][0], s)) return statuses[i][1];
        return s;
}

int asset_check_move(const char *tag, const char *from, const char *to) {
        if (streq(from, to)) return err_set(EPERM, "'%s' is already %s", tag, asset_status_label(to));
        /* the end of the line: nothing leaves disposed, lost/stolen only from live states */
        bool final = streq(from, ST_DISPOSED) || streq(from, ST_CONSIGNED) || streq(from, ST_DESTROYED);
        for (size_t i = 0; i < ELEMENTSOF(moves); i++) {
                if (!streq(moves[i].to, to)) continue;
                if (streq(moves[i].from, from) || (streq(moves[i].from, "*") && !final)) return 0;
        }
        return err_set(EPERM, "'%s' is %s and cannot become %s", tag, asset_status_label(from), asset_status_label(to));
}

int asset_move(struct db *db, const char *tag, const char *to, const char *action, json_t *details) {
        _cleanup_json_ json_t *a = NULL, *d = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) goto fail;
        const char *from = json_str(a, "status");
        r = asset_check_move(tag, from, to);
        if (r < 0) goto fail;
        int64_t id = json_integer_value(json_object_get(a, "id"));
        r = db_asset_set_status(db, id, to);
        if (r < 0) goto fail;
        d = details ? json_deep_copy(details) : json_object();
        json_object_set_new(d, "from", json_string(from));
        json_object_set_new(d, "to", json_string(to));
        r = db_audit(db, action, tag, d, "assets", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int asset_repair(struct db *db, const char *tag_in, bool done, const char *notes) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        _cleanup_json_ json_t *a = NULL, *d = json_object();
        int r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) return r;
        const char *st = json_str(a, "status");
        if (!done && streq(st, ST_ISSUED))
                return err_set(EPERM, "'%s' is issued: return it first ('assetctl return %s')", tag, tag);
        if (done && !streq(st, ST_IN_REPAIR))
                return err_set(EPERM, "'%s' is %s, not in repair", tag, asset_status_label(st));
        if (notes) json_object_set_new(d, "notes", json_string(notes));
        return asset_move(db, tag, done ? ST_IN_STOCK : ST_IN_REPAIR, done ? "asset.repaired" : "asset.repair", d);
}

int school_init(struct db *db, const char *school, const char *tag_prefix) {
        if (isempty(school) || !utf8_valid(school, strlen(school)))
                return err_set(EINVAL, "--school: give the school's name");
        _cleanup_free_ char *prefix = xstrdup(tag_prefix);
        strupper(prefix);
        if (!asset_tag_valid(prefix) || strlen(prefix) > 12)
                return err_set(EINVAL, "--tag-prefix '%s': use 1 to 12 letters, digits or '-'", tag_prefix);
        _cleanup_free_ char *old = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        if (db_setting_get(db, "tag_prefix", &old) == 0 && !streq(old, prefix)) {
                int64_t n = 0;
                r = db_asset_max_tag_number(db, old, &n);
                if (r >= 0 && n > 0)
                        r = err_set(EPERM, "cannot change the tag prefix from '%s' to '%s': %lld assets already carry it",
                                    old, prefix, (long long) n);
                if (r < 0) goto fail;
        }
        r = db_setting_set(db, "school", school);
        if (r >= 0) r = db_setting_set(db, "tag_prefix", prefix);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int school_get(struct db *db, char **ret_name, char **ret_prefix) {
        _cleanup_free_ char *name = NULL, *prefix = NULL;
        int r = db_setting_get(db, "school", &name);
        if (r == 0) r = db_setting_get(db, "tag_prefix", &prefix);
        if (r == -ENOENT) return err_set(ENOENT, "the register at '%s' has no school yet: run 'assetctl init --school NAME --tag-prefix PREFIX'", db_path(db));
        if (r < 0) return r;
        if (ret_name) *ret_name = TAKE_PTR(name);
        if (ret_prefix) *ret_prefix = TAKE_PTR(prefix);
        return 0;
}

bool asset_tag_valid(const char *tag) {
        size_t n = strlen(tag);
        if (n == 0 || n > 32 || tag[0] == '-') return false;
        for (const char *p = tag; *p; p++)
                if (!(isupper((unsigned char) *p) || isdigit((unsigned char) *p) || *p == '-') || !isascii((unsigned char) *p))
                        return false;
        return true;
}

/* Text fields: valid UTF-8, no control characters (line breaks only where
 * multiline), bounded; "" -> absent. */
static int norm_text_ml(json_t *o, const char *key, size_t max, bool required, bool multiline) {
        json_t *v = json_object_get(o, key);
        if (v && json_is_null(v)) {
                json_object_del(o, key);
                v = NULL;
        }
        if (v && !json_is_string(v)) return err_set(EINVAL, "%s: must be text", key);
        if (v) {
                _cleanup_free_ char *s = xstrdup(json_string_value(v));
                strstrip(s);
                bool ok;
                if (multiline) {
                        /* line breaks are fine in notes; CRLF counts as LF */
                        char *w = s;
                        for (char *p = s; *p; p++)
                                if (!(p[0] == '\r' && p[1] == '\n')) *w++ = *p;
                        *w = 0;
                        _cleanup_free_ char *flat = xstrdup(s);
                        for (char *p = flat; *p; p++)
                                if (*p == '\n') *p = ' ';
                        ok = utf8_valid(flat, strlen(flat));
                } else
                        ok = utf8_valid(s, strlen(s));
                if (!ok) return err_set(EINVAL, "%s: not valid UTF-8 text (or has control characters)", key);
                if (strlen(s) > max) return err_set(EINVAL, "%s: longer than %zu bytes", key, max);
                /* replace only what changed: an import normalises 100,000 rows */
                if (*s) {
                        if (!streq(s, json_string_value(v))) json_object_set_new(o, key, json_string(s));
                } else {
                        json_object_del(o, key);
                        v = NULL;
                }
        }
        if (!v && required) return err_set(EINVAL, "%s: required", key);
        return 0;
}

static int norm_text(json_t *o, const char *key, size_t max, bool required) {
        return norm_text_ml(o, key, max, required, false);
}

static int norm_date(json_t *o, const char *key) {
        const char *s = json_str(o, key);
        if (!s) return 0;
        char d[11];
        if (parse_date(s, d) < 0) return err_set(EINVAL, "%s: '%s' is not a date (use YYYY-MM-DD)", key, s);
        if (!streq(d, s)) json_object_set_new(o, key, json_string(d));
        return 0;
}

static int norm_bool(json_t *o, const char *key) {
        json_t *v = json_object_get(o, key);
        if (!v || json_is_boolean(v)) return 0;
        if (json_is_null(v)) {
                json_object_del(o, key);
                return 0;
        }
        if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
                json_object_set_new(o, key, json_boolean(json_integer_value(v)));
                return 0;
        }
        if (json_is_string(v)) {
                const char *s = json_string_value(v);
                static const char *const yes[] = {"1", "yes", "y", "true", "t"}, *const no[] = {"0", "no", "n", "false", "f", ""};
                for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                        if (strcasecmp(s, yes[i]) == 0) {
                                json_object_set_new(o, key, json_true());
                                return 0;
                        }
                for (size_t i = 0; i < ELEMENTSOF(no); i++)
                        if (strcasecmp(s, no[i]) == 0) {
                                json_object_set_new(o, key, json_false());
                                return 0;
                        }
                return err_set(EINVAL, "%s: '%s' is not yes or no", key, s);
        }
        return err_set(EINVAL, "%s: must be yes or no", key);
}

int asset_normalise(json_t *a) {
        static const char *const texts[] = {"name", "category", "location", "supplier", "order_number", "notes"};
        int r;
        if ((r = norm_text(a, "tag", 32, false)) < 0) return r;
        if ((r = norm_text(a, "serial", 128, true)) < 0) return r;
        if ((r = norm_text(a, "make", 128, true)) < 0) return r;
        if ((r = norm_text(a, "model", 128, true)) < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(texts); i++)
                if ((r = norm_text_ml(a, texts[i], streq(texts[i], "notes") ? 4096 : 256, false, streq(texts[i], "notes"))) < 0)
                        return r;
        const char *tag = json_str(a, "tag");
        if (tag) {
                _cleanup_free_ char *t = strupper(xstrdup(tag));
                if (!asset_tag_valid(t))
                        return err_set(EINVAL, "tag: '%s' is not a valid tag (upper-case letters, digits and '-', at most 32)", tag);
                json_object_set_new(a, "tag", json_string(t));
        }
        if ((r = norm_date(a, "purchased")) < 0 || (r = norm_date(a, "warranty_until")) < 0 ||
            (r = norm_date(a, "last_audited")) < 0)
                return r;
        if ((r = norm_bool(a, "personal_data")) < 0 || (r = norm_bool(a, "encrypted")) < 0) return r;
        json_t *cost = json_object_get(a, "cost_pence");
        if (json_is_string(cost)) {
                int64_t p;
                if (parse_int64(json_string_value(cost), &p) < 0 || p < 0)
                        return err_set(EINVAL, "cost_pence: '%s' is not a whole number of pence", json_string_value(cost));
                json_object_set_new(a, "cost_pence", json_integer(p));
        }
        const char *c = json_str(a, "cost");
        if (c) {
                int64_t p;
                if (*c && parse_money_pence(c, &p) < 0) return err_set(EINVAL, "cost: '%s' is not an amount in pounds (1049.99 or 1,049.99)", c);
                if (*c) json_object_set_new(a, "cost_pence", json_integer(p));
                json_object_del(a, "cost");
        }
        const char *st = json_str(a, "status");
        if (st && !asset_status_valid(st)) return err_set(EINVAL, "status: '%s' is not a status", st);
        return 0;
}

int scan_name_check(struct db *db, const char *name, const char *what, bool is_tag) {
        _cleanup_json_ json_t *o = NULL;
        if (is_tag) {
                if (db_person_by_ref(db, name, &o) == 0 || db_person_by_badge(db, name, &o) == 0)
                        return err_set(EEXIST, "%s '%s' is also the reference or a badge of %s (%s): a scan could not tell them apart",
                                       what, name, json_str(o, "name"), json_str(o, "ref"));
                return 0;
        }
        /* scan upper-cases what it reads before it looks for a tag */
        _cleanup_free_ char *up = strupper(xstrdup(name));
        if (asset_tag_valid(up) && db_asset_by_tag(db, up, &o) == 0)
                return err_set(EEXIST, "%s '%s' is also the tag of an asset (%s %s): a scan could not tell them apart", what, name,
                               json_str(o, "make"), json_str(o, "model"));
        return 0;
}

int asset_add(struct db *db, json_t *a, char **ret_tag) {
        int r = asset_normalise(a);
        if (r < 0) return r;
        r = db_begin(db);
        if (r < 0) return r;
        _cleanup_free_ char *tag = NULL;
        _cleanup_json_ json_t *dup = NULL, *d = NULL;
        if (json_str(a, "tag"))
                tag = xstrdup(json_str(a, "tag"));
        else {
                _cleanup_free_ char *prefix = NULL;
                int64_t n;
                r = school_get(db, NULL, &prefix);
                if (r >= 0) r = db_asset_max_tag_number(db, prefix, &n);
                if (r < 0) goto fail;
                tag = xasprintf("%s-%06lld", prefix, (long long) n + 1);
                json_object_set_new(a, "tag", json_string(tag));
        }
        if (db_asset_by_tag(db, tag, &dup) == 0) {
                r = err_set(EEXIST, "tag '%s' is already in the register", tag);
                goto fail;
        }
        r = scan_name_check(db, tag, "tag", true);
        if (r < 0) goto fail;
        if (db_asset_by_make_serial(db, json_str(a, "make"), json_str(a, "serial"), &dup) == 0) {
                r = err_set(EEXIST, "serial '%s' (%s) is already registered as '%s'", json_str(a, "serial"),
                            json_str(a, "make"), json_str(dup, "tag"));
                goto fail;
        }
        int64_t id;
        r = db_asset_insert(db, a, &id);
        if (r < 0) goto fail;
        d = json_pack("{ss,ss,ss}", "serial", json_str(a, "serial"), "make", json_str(a, "make"),
                                             "model", json_str(a, "model"));
        r = db_audit(db, "asset.add", tag, d, "assets", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_tag) *ret_tag = TAKE_PTR(tag);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int asset_get(struct db *db, const char *tag_or_serial, json_t **ret) {
        _cleanup_free_ char *up = strupper(xstrdup(tag_or_serial));
        json_t *a = NULL;
        int r = db_asset_by_tag(db, up, &a);
        if (r == -ENOENT) {
                _cleanup_json_ json_t *arr = NULL;
                r = db_asset_by_serial(db, tag_or_serial, &arr);
                if (r < 0) return r;
                if (json_array_size(arr) == 0) return err_set(ENOENT, "no asset '%s' in the register (by tag or serial)", tag_or_serial);
                if (json_array_size(arr) > 1) {
                        struct strbuf sb = {0};
                        for (size_t i = 0; i < json_array_size(arr); i++)
                                sb_printf(&sb, "%s%s", i ? ", " : "", json_str(json_array_get(arr, i), "tag"));
                        r = err_set(EEXIST, "serial '%s' matches several assets (%s): give the tag", tag_or_serial, sb.buf);
                        sb_free(&sb);
                        return r;
                }
                a = json_incref(json_array_get(arr, 0));
        } else if (r < 0)
                return r;
        json_t *media;
        r = db_media_by_asset(db, json_integer_value(json_object_get(a, "id")), &media);
        if (r < 0) {
                json_decref(a);
                return r;
        }
        json_object_set_new(a, "media", media);
        *ret = a;
        return 0;
}

int asset_edit(struct db *db, const char *tag, json_t *changes) {
        if (json_object_get(changes, "tag")) return err_set(EINVAL, "tag: a tag cannot be changed (it is on the label)");
        if (json_object_get(changes, "status"))
                return err_set(EINVAL, "status: use the command for the change (issue, return, incident, disposal)");
        _cleanup_json_ json_t *a = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) goto fail;
        json_object_update(a, changes);
        r = asset_normalise(a);
        if (r < 0) goto fail;
        if (json_object_get(changes, "serial") || json_object_get(changes, "make")) {
                _cleanup_json_ json_t *dup = NULL;
                if (db_asset_by_make_serial(db, json_str(a, "make"), json_str(a, "serial"), &dup) == 0 &&
                    !streq(json_str(dup, "tag"), tag)) {
                        r = err_set(EEXIST, "serial '%s' (%s) is already registered as '%s'", json_str(a, "serial"),
                                    json_str(a, "make"), json_str(dup, "tag"));
                        goto fail;
                }
        }
        int64_t id = json_integer_value(json_object_get(a, "id"));
        r = db_asset_update(db, id, a);
        if (r < 0) goto fail;
        r = db_audit(db, "asset.edit", tag, changes, "assets", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int asset_add_media(struct db *db, const char *tag, json_t *m, int64_t *ret_id) {
        int r;
        if ((r = norm_text(m, "model", 128, true)) < 0 || (r = norm_text(m, "serial", 128, true)) < 0 ||
            (r = norm_text(m, "wwn", 256, false)) < 0)
                return r;
        const char *kind = json_str(m, "kind");
        if (!kind || !(streq(kind, "hdd") || streq(kind, "ssd") || streq(kind, "nvme") || streq(kind, "flash")))
                return err_set(EINVAL, "kind: '%s' is not hdd, ssd, nvme or flash", strempty(kind));
        json_t *size = json_object_get(m, "size_bytes");
        if (!json_is_integer(size) || json_integer_value(size) < 0) return err_set(EINVAL, "size: give the size in bytes");
        _cleanup_json_ json_t *a = NULL, *dup = NULL;
        r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) goto fail;
        if (db_media_by_serial(db, json_str(m, "serial"), &dup) == 0) {
                r = err_set(EEXIST, "medium with serial '%s' is already registered in '%s'", json_str(m, "serial"),
                            json_str(dup, "asset_tag"));
                goto fail;
        }
        int64_t id;
        r = db_media_insert(db, json_integer_value(json_object_get(a, "id")), m, &id);
        if (r < 0) goto fail;
        r = db_audit(db, "asset.add-media", tag, m, "media", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r >= 0 && ret_id) *ret_id = id;
        return r;
fail:
        db_rollback(db);
        return r;
}

bool person_role_valid(const char *role) {
        static const char *const roles[] = {"staff", "pupil", "governor", "volunteer", "contractor"};
        for (size_t i = 0; i < ELEMENTSOF(roles); i++)
                if (streq(roles[i], role)) return true;
        return false;
}

int person_normalise(json_t *p) {
        int r;
        if ((r = norm_text(p, "ref", 64, true)) < 0 || (r = norm_text(p, "name", 256, true)) < 0 ||
            (r = norm_text(p, "email", 256, false)) < 0 || (r = norm_text(p, "job_title", 256, false)) < 0 ||
            (r = norm_text(p, "role", 32, false)) < 0 || (r = norm_text(p, "aup_version", 64, false)) < 0)
                return r;
        const char *email = json_str(p, "email");
        if (email && (!strchr(email, '@') || strchr(email, ' ') || strchr(email, '@') == email || !strchr(strchr(email, '@'), '.')))
                return err_set(EINVAL, "email: '%s' is not an email address", email);
        const char *role = json_str(p, "role");
        if (role) {
                _cleanup_free_ char *l = xstrdup(role);
                for (char *c = l; *c; c++) *c = (char) tolower((unsigned char) *c);
                if (!person_role_valid(l))
                        return err_set(EINVAL, "role: '%s' is not staff, pupil, governor, volunteer or contractor", role);
                json_object_set_new(p, "role", json_string(l));
        }
        if ((r = norm_bool(p, "authoriser")) < 0 || (r = norm_date(p, "aup_signed")) < 0 || (r = norm_date(p, "leaving_date")) < 0)
                return r;
        const char *ref = json_str(p, "ref");
        for (const char *c = ref; *c; c++)
                if (isspace((unsigned char) *c)) return err_set(EINVAL, "ref: '%s' has spaces (a reference is one word)", ref);
        return 0;
}

int person_add(struct db *db, json_t *p) {
        int r = person_normalise(p);
        if (r < 0) return r;
        r = db_begin(db);
        if (r < 0) return r;
        _cleanup_json_ json_t *dup = NULL;
        if (db_person_by_ref(db, json_str(p, "ref"), &dup) == 0) {
                r = err_set(EEXIST, "reference '%s' is already in the register (%s)", json_str(p, "ref"), json_str(dup, "name"));
                goto fail;
        }
        r = scan_name_check(db, json_str(p, "ref"), "reference", false);
        if (r < 0) goto fail;
        int64_t id;
        r = db_person_insert(db, p, &id);
        if (r < 0) goto fail;
        dup = json_pack("{ss}", "name", json_str(p, "name"));
        r = db_audit(db, "person.add", json_str(p, "ref"), dup, "people", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int person_get(struct db *db, const char *ref, json_t **ret) {
        int r = db_person_by_ref(db, ref, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no person '%s' in the register", ref);
        return r;
}

int person_edit(struct db *db, const char *ref, json_t *changes) {
        if (json_object_get(changes, "ref")) return err_set(EINVAL, "ref: a reference cannot be changed");
        _cleanup_json_ json_t *p = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = person_get(db, ref, &p);
        if (r < 0) goto fail;
        json_object_update(p, changes);
        r = person_normalise(p);
        if (r < 0) goto fail;
        int64_t id = json_integer_value(json_object_get(p, "id"));
        r = db_person_update(db, id, p);
        if (r < 0) goto fail;
        r = db_audit(db, "person.edit", json_str(p, "ref"), changes, "people", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}
