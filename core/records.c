/* Records at core's edges, driven by their field tables: see records.h. */
#include "core-internal.h"
#include "records-internal.h"
#include "core.h"
#include "json.h"

#include <ctype.h>

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

const enum record_phase asset_phases[] = {RP_TEXT, RP_TAG, RP_DATE, RP_BOOL, RP_PENCE, RP_END};
const enum record_phase asset_status_phases[] = {RP_STATUS, RP_END};
const enum record_phase person_phases[] = {RP_TEXT, RP_EMAIL, RP_ROLE, RP_BOOL, RP_DATE, RP_REF, RP_END};
const enum record_phase medium_phases[] = {RP_TEXT, RP_KIND, RP_END};

const struct record_field *record_field(const struct record_type *t, const char *name) {
        for (size_t i = 0; i < t->n_fields; i++)
                if (streq(t->fields[i].name, name)) return &t->fields[i];
        return NULL;
}

static bool is_text(const struct record_field *f) {
        return f->type != FT_ID && f->type != FT_INT && f->type != FT_PENCE && f->type != FT_BOOL;
}

static int check_tag(json_t *o, const struct record_field *f) {
        const char *tag = json_str(o, f->name);
        if (!tag) return 0;
        _cleanup_free_ char *t = strupper(xstrdup(tag));
        if (!asset_tag_valid(t))
                return err_set(EINVAL, "%s: '%s' is not a valid tag (upper-case letters, digits and '-', at most 32)", f->name, tag);
        json_object_set_new(o, f->name, json_string(t));
        return 0;
}

static int check_pence(json_t *o, const struct record_field *f) {
        json_t *v = json_object_get(o, f->name);
        if (!json_is_string(v)) return 0;
        int64_t p;
        if (parse_int64(json_string_value(v), &p) < 0 || p < 0)
                return err_set(EINVAL, "%s: '%s' is not a whole number of pence", f->name, json_string_value(v));
        json_object_set_new(o, f->name, json_integer(p));
        return 0;
}

static int check_email(json_t *o, const struct record_field *f) {
        const char *e = json_str(o, f->name);
        if (e && (!strchr(e, '@') || strchr(e, ' ') || strchr(e, '@') == e || !strchr(strchr(e, '@'), '.')))
                return err_set(EINVAL, "%s: '%s' is not an email address", f->name, e);
        return 0;
}

static int check_role(json_t *o, const struct record_field *f) {
        const char *role = json_str(o, f->name);
        if (!role) return 0;
        _cleanup_free_ char *l = xstrdup(role);
        for (char *c = l; *c; c++) *c = (char) tolower((unsigned char) *c);
        if (!person_role_valid(l))
                return err_set(EINVAL, "%s: '%s' is not staff, pupil, governor, volunteer or contractor", f->name, role);
        json_object_set_new(o, f->name, json_string(l));
        return 0;
}

static int check_ref(json_t *o, const struct record_field *f) {
        const char *ref = json_str(o, f->name);
        for (const char *c = ref; c && *c; c++)
                if (isspace((unsigned char) *c)) return err_set(EINVAL, "%s: '%s' has spaces (a reference is one word)", f->name, ref);
        return 0;
}

static int check_kind(json_t *o, const struct record_field *f) {
        const char *k = json_str(o, f->name);
        if (!k || !(streq(k, "hdd") || streq(k, "ssd") || streq(k, "nvme") || streq(k, "flash")))
                return err_set(EINVAL, "%s: '%s' is not hdd, ssd, nvme or flash", f->name, strempty(k));
        return 0;
}

static int check_status(json_t *o, const struct record_field *f) {
        const char *st = json_str(o, f->name);
        if (st && !asset_status_valid(st)) return err_set(EINVAL, "%s: '%s' is not a status", f->name, st);
        return 0;
}

/* Run phase p on field f of o (a no-op when the phase is not f's). */
static int normalise_field(json_t *o, const struct record_field *f, enum record_phase p) {
        if (!(f->role & (FR_INSERT | FR_UPDATE))) return 0; /* the key and joined fields are the store's */
        switch (p) {
        case RP_TEXT:
                /* max 0: not normalised as text (a kind or a status is checked as it is) */
                return f->type == FT_TEXT && f->max
                               ? norm_text_ml(o, f->name, f->max, f->role & FR_REQUIRED, f->check == FC_multiline)
                               : 0;
        case RP_TAG: return f->check == FC_tag ? check_tag(o, f) : 0;
        case RP_DATE: return f->type == FT_DATE ? norm_date(o, f->name) : 0;
        case RP_BOOL: return f->type == FT_BOOL ? norm_bool(o, f->name) : 0;
        case RP_PENCE: return f->type == FT_PENCE ? check_pence(o, f) : 0;
        case RP_STATUS: return f->check == FC_asset_status ? check_status(o, f) : 0;
        case RP_EMAIL: return f->check == FC_email ? check_email(o, f) : 0;
        case RP_ROLE: return f->check == FC_role ? check_role(o, f) : 0;
        case RP_REF: return f->check == FC_ref ? check_ref(o, f) : 0;
        case RP_KIND: return f->check == FC_medium_kind ? check_kind(o, f) : 0;
        case RP_END: break;
        }
        return 0;
}

int record_normalise(const struct record_type *t, json_t *o, const enum record_phase *phases) {
        for (; *phases != RP_END; phases++)
                for (size_t i = 0; i < t->n_fields; i++) {
                        int r = normalise_field(o, &t->fields[i], *phases);
                        if (r < 0) return r;
                }
        return 0;
}

void record_from_json(const struct record_type *t, json_t *o, void *rec) {
        memset(rec, 0, t->size);
        for (size_t i = 0; i < t->n_fields; i++) {
                const struct record_field *f = &t->fields[i];
                json_t *v = json_object_get(o, f->name);
                void *m = record_member(rec, f);
                if (!v || json_is_null(v)) continue;
                if (is_text(f)) {
                        if (!json_is_string(v)) continue;
                        *(const char **) m = json_string_value(v);
                } else if (f->type == FT_BOOL) {
                        if (!json_is_boolean(v) && !json_is_integer(v)) continue;
                        *(bool *) m = json_is_boolean(v) ? json_is_true(v) : json_integer_value(v) != 0;
                } else {
                        if (!json_is_integer(v)) continue;
                        *(int64_t *) m = json_integer_value(v);
                }
                record_mark(rec, i);
        }
}

json_t *record_to_json(const struct record_type *t, const void *rec) {
        json_t *o = json_object();
        for (size_t i = 0; i < t->n_fields; i++) {
                const struct record_field *f = &t->fields[i];
                const void *m = record_member_const(rec, f);
                json_t *v;
                if (is_text(f)) {
                        const char *s = *(char *const *) m;
                        v = s ? json_string(s) : json_null();
                } else if (!record_has(rec, i))
                        v = json_null();
                else if (f->type == FT_BOOL)
                        v = json_boolean(*(const bool *) m);
                else
                        v = json_integer(*(const int64_t *) m);
                json_object_set_new(o, f->name, v);
        }
        return o;
}

bool record_header_is(const char *h, const char *name, size_t n) {
        /* a spreadsheet's "Warranty (months)" or "Serial No.": brackets and
         * full stops in the header do not count */
        for (;; h++) {
                while (*h == '(' || *h == ')' || *h == '.') h++;
                if (!*h || !n) break;
                char a = *h == '_' ? ' ' : (char) tolower((unsigned char) *h);
                if (a != (*name == '_' ? ' ' : *name)) return false;
                name++, n--;
        }
        return !*h && !n;
}

const struct record_field *record_header_field(const struct record_type *t, const char *h, int *ret_priority) {
        for (size_t i = 0; i < t->n_fields; i++) {
                const struct record_field *f = &t->fields[i];
                if (!(f->role & FR_INSERT)) continue; /* the rowid and joined fields are not imported */
                if (record_header_is(h, f->name, strlen(f->name))) {
                        *ret_priority = 0;
                        return f;
                }
                int prio = 0;
                for (const char *a = f->aliases; *a;) {
                        if (*a == ';') prio++;
                        a += strspn(a, "|; ");
                        size_t n = strcspn(a, "|;");
                        while (n && a[n - 1] == ' ') n--;
                        if (n && record_header_is(h, a, n)) {
                                *ret_priority = prio;
                                return f;
                        }
                        a += strcspn(a, "|;");
                }
        }
        return NULL;
}
