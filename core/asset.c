#include "core-internal.h"
#include "core.h"
#include "json.h"
#include "store-loans.h"
#include "records-internal.h"

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
        /* to another school of the trust, from a state the school holds it in */
        {ST_IN_STOCK, ST_TRANSFERRED},
        {ST_IN_REPAIR, ST_TRANSFERRED},
        {ST_FOUND, ST_TRANSFERRED},
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
        {ST_TRANSFERRED, "transferred"},
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
        bool final = streq(from, ST_DISPOSED) || streq(from, ST_CONSIGNED) || streq(from, ST_DESTROYED) || streq(from, ST_TRANSFERRED);
        for (size_t i = 0; i < ELEMENTSOF(moves); i++) {
                if (!streq(moves[i].to, to)) continue;
                if (streq(moves[i].from, from) || (streq(moves[i].from, "*") && !final)) return 0;
        }
        return err_set(EPERM, "'%s' is %s and cannot become %s", tag, asset_status_label(from), asset_status_label(to));
}

int asset_move(struct db *db, const char *tag, const char *to, const char *action, json_t *details) {
        _cleanup_(asset_clear) struct asset a = {0};
        _cleanup_json_ json_t *d = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_record_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) goto fail;
        const char *from = a.status;
        r = asset_check_move(tag, from, to);
        if (r < 0) goto fail;
        int64_t id = a.id;
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
        _cleanup_(asset_clear) struct asset a = {0};
        _cleanup_json_ json_t *d = json_object();
        int r = db_asset_record_by_tag(db, tag, &a);
        if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) return r;
        const char *st = a.status;
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

int asset_normalise(json_t *a) {
        int r = record_normalise(&asset_type, a, asset_phases);
        if (r < 0) return r;
        /* "cost" is not a field: the pounds a person types, stored as pence */
        const char *c = json_str(a, "cost");
        if (c) {
                int64_t p;
                if (*c && parse_money_pence(c, &p) < 0) return err_set(EINVAL, "cost: '%s' is not an amount in pounds (1049.99 or 1,049.99)", c);
                if (*c) json_object_set_new(a, "cost_pence", json_integer(p));
                json_object_del(a, "cost");
        }
        return record_normalise(&asset_type, a, asset_status_phases);
}

int asset_normalise_serial(json_t *a, bool blank_serial_ok) {
        const char *s = json_str(a, "serial");
        bool blank = blank_serial_ok && (!s || !s[strspn(s, " \t")]);
        /* the field table requires a serial: stand one in for the checks,
         * then store the blank that means "not recorded yet" */
        if (blank) json_object_set_new(a, "serial", json_string("-"));
        int r = asset_normalise(a);
        if (blank && r >= 0) json_object_set_new(a, "serial", json_string(""));
        return r;
}

/* Refuse a make and serial registered as another asset than `tag`. */
static int check_serial_free(struct db *db, const struct asset *a, const char *tag) {
        _cleanup_json_ json_t *dup = NULL;
        if (db_asset_by_make_serial(db, a->make, a->serial, &dup) == 0 && (!tag || !streq(json_str(dup, "tag"), tag)))
                return err_set(EEXIST, "serial '%s' (%s) is already registered as '%s'", a->serial, a->make, json_str(dup, "tag"));
        return 0;
}

int scan_name_clash(const char *what, const char *name, const char *person, const char *ref) {
        return err_set(EEXIST, "%s '%s' is also the reference or a badge of %s (%s): a scan could not tell them apart", what,
                       name, person, ref);
}

int scan_name_check(struct db *db, const char *name, const char *what, bool is_tag) {
        _cleanup_json_ json_t *o = NULL;
        if (is_tag) {
                if (db_person_by_ref(db, name, &o) == 0 || db_person_by_badge(db, name, &o) == 0)
                        return scan_name_clash(what, name, json_str(o, "name"), json_str(o, "ref"));
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
        struct asset rec;
        record_from_json(&asset_type, a, &rec);
        if (db_asset_by_tag(db, tag, &dup) == 0) {
                r = err_set(EEXIST, "tag '%s' is already in the register", tag);
                goto fail;
        }
        r = scan_name_check(db, tag, "tag", true);
        if (r < 0) goto fail;
        r = check_serial_free(db, &rec, NULL);
        if (r < 0) goto fail;
        int64_t id;
        r = db_asset_insert(db, &rec, &id);
        if (r < 0) goto fail;
        d = json_pack("{ss,ss,ss}", "serial", rec.serial, "make", rec.make, "model", rec.model);
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
        /* an asset imported without a serial can be edited before one is
         * recorded; setting the serial to blank is still refused */
        bool blank = !*strempty(json_str(a, "serial")) && !json_object_get(changes, "serial");
        json_object_update(a, changes);
        r = asset_normalise_serial(a, blank);
        if (r < 0) goto fail;
        struct asset rec;
        record_from_json(&asset_type, a, &rec);
        if (json_object_get(changes, "serial") || json_object_get(changes, "make")) {
                r = check_serial_free(db, &rec, tag);
                if (r < 0) goto fail;
        }
        r = db_asset_update(db, &rec);
        if (r < 0) goto fail;
        r = db_audit(db, "asset.edit", tag, changes, "assets", rec.id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int asset_add_media(struct db *db, const char *tag, json_t *m, int64_t *ret_id) {
        int r = record_normalise(&medium_type, m, medium_phases);
        if (r < 0) return r;
        json_t *size = json_object_get(m, "size_bytes");
        if (!json_is_integer(size) || json_integer_value(size) < 0) return err_set(EINVAL, "size: give the size in bytes");
        _cleanup_json_ json_t *dup = NULL;
        _cleanup_(asset_clear) struct asset a = {0};
        struct medium rec;
        record_from_json(&medium_type, m, &rec);
        r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_record_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) goto fail;
        if (db_media_by_serial(db, rec.serial, &dup) == 0) {
                r = err_set(EEXIST, "medium with serial '%s' is already registered in '%s'", rec.serial, json_str(dup, "asset_tag"));
                goto fail;
        }
        int64_t id;
        r = db_media_insert(db, a.id, &rec, &id);
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

int person_normalise(json_t *p) { return record_normalise(&person_type, p, person_phases); }

int person_add(struct db *db, json_t *p) {
        int r = person_normalise(p);
        if (r < 0) return r;
        struct person rec;
        record_from_json(&person_type, p, &rec);
        r = db_begin(db);
        if (r < 0) return r;
        _cleanup_json_ json_t *dup = NULL;
        if (db_person_by_ref(db, rec.ref, &dup) == 0) {
                r = err_set(EEXIST, "reference '%s' is already in the register (%s)", rec.ref, json_str(dup, "name"));
                goto fail;
        }
        r = scan_name_check(db, json_str(p, "ref"), "reference", false);
        if (r < 0) goto fail;
        int64_t id;
        r = db_person_insert(db, &rec, &id);
        if (r < 0) goto fail;
        dup = json_pack("{ss}", "name", rec.name);
        r = db_audit(db, "person.add", rec.ref, dup, "people", id);
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
        struct person rec;
        record_from_json(&person_type, p, &rec);
        r = db_person_update(db, &rec);
        if (r < 0) goto fail;
        r = db_audit(db, "person.edit", rec.ref, changes, "people", rec.id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}
