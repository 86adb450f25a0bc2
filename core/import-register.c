/* What an export carries beyond one asset or person row, and how an import
 * brings it back (see import.h):
 *
 *   - each asset's storage media: a JSON array in JSON, and the same array as
 *     compact JSON text in the CSV column "media" (one file holds the whole
 *     register; a spreadsheet shows and saves the cell as text);
 *   - each issued asset's open loan: the columns issued_to (the person's
 *     reference), issued_at, due, condition_out, override_reason;
 *   - each person's badges: a JSON array, in CSV the badges separated by
 *     spaces (a badge is one word);
 *   - the status: our states, Snipe-IT's default labels and status types,
 *     and the labels the user maps with --status-map; which states an import
 *     accepts (see import_asset_status()).
 *
 * Loan and medium rows are written by the import's row hook inside the
 * import's one transaction and audit event; the loan part lives in
 * import-loans.c. */
#include "core-internal.h"
#include "import.h"
#include "records-internal.h"
#include "loans.h"
#include "store-export.h"
#include "store-loans.h"
#include "json.h"

#include <ctype.h>
#include <strings.h>

/* ------------------------------------------------------------- statuses */

/* A label as compared: lower case, trimmed, '_' and '-' as spaces, runs of
 * spaces as one. Caller frees. */
static char *label_fold(const char *s) {
        char *out = xmalloc(strlen(s) + 1), *w = out;
        for (const char *p = s; *p; p++) {
                char c = (*p == '_' || *p == '-' || *p == '\t') ? ' ' : (char) tolower((unsigned char) *p);
                if (c == ' ' && (w == out || w[-1] == ' ')) continue;
                *w++ = c;
        }
        while (w > out && w[-1] == ' ') w--;
        *w = 0;
        return out;
}

/* Our state for a folded word ("in stock" -> in_stock), or NULL. Every
 * state an export writes: transferred (gone to another school of a trust,
 * its notes say where) is a final state like disposed and comes in as it
 * is. */
static const char *state_from_words(const char *folded) {
        _cleanup_free_ char *snake = xstrdup(folded);
        for (char *p = snake; *p; p++)
                if (*p == ' ') *p = '_';
        static const char *const all[] = {ST_IN_STOCK, ST_ISSUED, ST_IN_REPAIR, ST_LOST, ST_STOLEN, ST_FOUND,
                                          ST_DISPOSAL_REQUESTED, ST_AUTHORISED, ST_SANITISED, ST_DESTROY_REQUIRED,
                                          ST_DESTROYED, ST_CONSIGNED, ST_DISPOSED, ST_TRANSFERRED};
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                if (streq(all[i], snake)) return all[i];
        return NULL;
}

int import_status_map_add(struct import_table *t, const char *spec) {
        const char *eq = strrchr(spec, '=');
        if (!eq || eq == spec || !eq[1]) return err_set(EINVAL, "--status-map '%s': give LABEL=STATE", spec);
        _cleanup_free_ char *label = xstrndup(spec, (size_t) (eq - spec)), *folded = label_fold(label), *st = label_fold(eq + 1);
        const char *state = state_from_words(st);
        if (!*folded) return err_set(EINVAL, "--status-map '%s': the label is empty", spec);
        if (!state)
                return err_set(EINVAL, "--status-map '%s': '%s' is not a state (in_stock, issued, in_repair, lost, stolen, found, "
                               "disposed, ...)", spec, eq + 1);
        if (!t->status_map) t->status_map = json_object();
        json_object_set_new(t->status_map, folded, json_string(state));
        return 0;
}

/* Snipe-IT's status types, as its custom report appends them to the label
 * ("Ready to Deploy (deployable)"; "deployed" when checked out). */
static const char *const snipe_types[] = {"deployable", "deployed", "pending", "archived", "undeployable"};

/* Split "Label (type)" when type is one of Snipe-IT's; *ret_type is the
 * type (static) or NULL; returns the label, folded (caller frees). */
static char *split_type(const char *text, const char **ret_type) {
        char *f = label_fold(text);
        *ret_type = NULL;
        size_t n = strlen(f);
        if (n < 3 || f[n - 1] != ')') return f;
        char *open = strrchr(f, '(');
        if (!open) return f;
        for (size_t i = 0; i < ELEMENTSOF(snipe_types); i++) {
                size_t k = strlen(snipe_types[i]);
                if ((size_t) (f + n - 1 - (open + 1)) == k && strncmp(open + 1, snipe_types[i], k) == 0) {
                        *ret_type = snipe_types[i];
                        while (open > f && open[-1] == ' ') open--;
                        *open = 0;
                        break;
                }
        }
        return f;
}

/* The state `text` stands for, or NULL; *ret_type: the Snipe-IT type it
 * carried, if any. Order: the user's map (label with or without its type),
 * our own states, Snipe-IT's default labels, then the Snipe-IT type. */
static const char *status_lookup(const struct import_table *t, const char *text, const char **ret_type) {
        static const char *const labels[][2] = {
                /* Snipe-IT's default labels whose meaning is clear here. Pending
                 * kit is on the shelf and with nobody; a "Deployed" asset's
                 * loan, if any, comes from the checkout columns. */
                {"ready to deploy", ST_IN_STOCK}, {"deployable", ST_IN_STOCK}, {"deployed", ST_IN_STOCK},
                {"pending", ST_IN_STOCK}, {"out for repair", ST_IN_REPAIR}, {"out for diagnostics", ST_IN_REPAIR},
                {"lost/stolen", ST_LOST}, {"lost / stolen", ST_LOST},
        };
        const char *type;
        /* the fast path: our own states as export writes them (every row of a
         * 100,000-row import) */
        if (!t->status_map && asset_status_valid(text)) {
                *ret_type = NULL;
                return state_from_words(text);
        }
        _cleanup_free_ char *whole = label_fold(text), *label = split_type(text, &type);
        *ret_type = type;
        if (t->status_map) {
                const char *s = json_str(t->status_map, whole);
                if (!s) s = json_str(t->status_map, label);
                if (s) return s;
        }
        const char *s = state_from_words(label);
        if (s) return s;
        for (size_t i = 0; i < ELEMENTSOF(labels); i++)
                if (streq(labels[i][0], label)) return labels[i][1];
        if (type && (streq(type, "deployable") || streq(type, "deployed") || streq(type, "pending"))) return ST_IN_STOCK;
        return NULL;
}

/* States whose records (a disposal request, an authorisation, certificates,
 * destruction records, a consignment) do not travel in an export. */
static bool mid_disposal(const char *st) {
        return streq(st, ST_DISPOSAL_REQUESTED) || streq(st, ST_AUTHORISED) || streq(st, ST_SANITISED) ||
               streq(st, ST_DESTROY_REQUIRED) || streq(st, ST_DESTROYED) || streq(st, ST_CONSIGNED);
}

/* A value of column `header` with text in it (trimmed), else NULL. */
static bool has_value(const struct import_table *t, const struct import_record *rec, const char *header) {
        const char *v = import_value(t, rec, header);
        if (!v) return false;
        while (*v && isspace((unsigned char) *v)) v++;
        return *v != 0;
}

bool import_row_has_holder(const struct import_table *t, const struct import_record *rec) {
        return has_value(t, rec, "issued_to") || has_value(t, rec, "Checked Out To: Username") ||
               has_value(t, rec, "Checked Out To: Email") || has_value(t, rec, "Username") || has_value(t, rec, "Employee No.");
}

int import_asset_status(struct import_table *t, struct import_record *rec, const char *text, const char *column,
                        const char **ret_state) {
        const char *type;
        const char *st = status_lookup(t, text, &type);
        _cleanup_free_ char *bare = NULL;
        if (!st) {
                const char *open = type ? strrchr(text, '(') : NULL;
                bare = open ? xstrndup(text, (size_t) (open - text)) : xstrdup(text);
                strstrip(bare);
                if (type)
                        return import_problem(t, rec->line, column,
                                              "'%s' is a Snipe-IT label of type %s, which has no one meaning here: say what it "
                                              "means with --status-map '%s=STATE' (in_stock, in_repair, lost, stolen, found or disposed)",
                                              text, type, bare);
                return import_problem(t, rec->line, column,
                                      "'%s' is not a status here: say what it means with --status-map '%s=STATE' (in_stock, "
                                      "in_repair, lost, stolen, found or disposed)", text, bare);
        }
        if (mid_disposal(st))
                return import_problem(t, rec->line, column,
                                      "'%s' is part-way through disposal (%s): its disposal records (request, authorisation, "
                                      "certificates, consignment) are not in the file, so it cannot arrive in that state; finish "
                                      "the disposal in the register it came from, or import it with --status-map '%s=in_stock'",
                                      text, asset_status_label(st), text);
        if (streq(st, ST_ISSUED) && !import_row_has_holder(t, rec))
                return import_problem(t, rec->line, column,
                                      "'%s' needs who holds it: give the person's reference in an issued_to column (or "
                                      "Snipe-IT's Checked Out To: Username)", text);
        *ret_state = st;
        return 0;
}

/* ---------------------------------------------------------------- media */


/* Check a text member of a medium: string, valid UTF-8 without control
 * characters, trimmed, 1..max bytes; absent only when optional. */
static int medium_text(json_t *m, const char *key, size_t max, bool required, size_t i) {
        json_t *v = json_object_get(m, key);
        if (!v || json_is_null(v)) {
                json_object_del(m, key);
                return required ? err_set(EINVAL, "media: medium %zu has no %s", i, key) : 0;
        }
        if (!json_is_string(v)) return err_set(EINVAL, "media: medium %zu: %s must be text", i, key);
        _cleanup_free_ char *s = strstrip(xstrdup(json_string_value(v)));
        if (!*s || strlen(s) > max || !utf8_valid(s, strlen(s)) || strlen(json_string_value(v)) != json_string_length(v))
                return err_set(EINVAL, "media: medium %zu: %s '%s' is not 1 to %zu bytes of text", i, key, json_string_value(v), max);
        json_object_set_new(m, key, json_string(s));
        return 0;
}

int import_media_parse(const char *text, json_t **ret) {
        json_error_t e;
        _cleanup_json_ json_t *arr = NULL;
        if (!text || !*text) {
                *ret = json_array();
                return 0;
        }
        arr = json_loads(text, JSON_REJECT_DUPLICATES, &e);
        if (!arr || !json_is_array(arr))
                return err_set(EINVAL, "media: not a JSON array of media ([{\"model\": ..., \"serial\": ..., \"size_bytes\": ..., "
                               "\"kind\": ...}])%s%s", arr ? "" : ": ", arr ? "" : e.text);
        size_t i;
        json_t *m;
        json_array_foreach(arr, i, m) {
                if (!json_is_object(m)) return err_set(EINVAL, "media: medium %zu is not an object", i + 1);
                const char *k;
                json_t *v;
                json_object_foreach(m, k, v) {
                        bool known = false;
                        const struct record_field *f = record_field(&medium_type, k);
                        known = f && (f->role & FR_INSERT);
                        if (!known) return err_set(EINVAL, "media: medium %zu: unknown key '%s'", i + 1, k);
                }
                int r;
                if ((r = medium_text(m, "model", 128, true, i + 1)) < 0 || (r = medium_text(m, "serial", 128, true, i + 1)) < 0 ||
                    (r = medium_text(m, "wwn", 256, false, i + 1)) < 0)
                        return r;
                json_t *size = json_object_get(m, "size_bytes");
                if (!json_is_integer(size) || json_integer_value(size) < 0)
                        return err_set(EINVAL, "media: medium %zu: size_bytes must be a whole number of bytes", i + 1);
                const char *kind = json_str(m, "kind");
                if (!kind || !(streq(kind, "hdd") || streq(kind, "ssd") || streq(kind, "nvme") || streq(kind, "flash")))
                        return err_set(EINVAL, "media: medium %zu: kind '%s' is not hdd, ssd, nvme or flash", i + 1, strempty(kind));
                json_t *st = json_object_get(m, "status");
                if (st && !json_is_null(st)) {
                        const char *s = json_string_value(st);
                        if (!s || !(streq(s, "fitted") || streq(s, "erased") || streq(s, ST_DESTROY_REQUIRED) || streq(s, ST_DESTROYED)))
                                return err_set(EINVAL, "media: medium %zu: status '%s' is not fitted, erased, destroy_required or destroyed",
                                               i + 1, strempty(s));
                } else
                        json_object_del(m, "status");
                json_t *c = json_object_get(m, "created_at");
                if (c && !json_is_null(c)) {
                        char norm[21];
                        if (!json_is_string(c) || import_timestamp(json_string_value(c), norm) < 0)
                                return err_set(EINVAL, "media: medium %zu: created_at is not a time (YYYY-MM-DDTHH:MM:SSZ)", i + 1);
                        json_object_set_new(m, "created_at", json_string(norm));
                } else
                        json_object_del(m, "created_at");
        }
        *ret = TAKE_PTR(arr);
        return 0;
}

/* --------------------------------------------------------------- badges */

int import_badges_parse(const char *text, json_t **ret) {
        _cleanup_json_ json_t *out = json_array();
        if (text && text[strspn(text, " \t\n")] == '[') {
                json_error_t e;
                _cleanup_json_ json_t *arr = json_loads(text, JSON_REJECT_DUPLICATES, &e);
                size_t i;
                json_t *b;
                if (!json_is_array(arr)) return err_set(EINVAL, "badges: not a JSON array of badge numbers");
                json_array_foreach(arr, i, b) {
                        if (!json_is_string(b)) return err_set(EINVAL, "badges: badge %zu is not text", i + 1);
                        json_array_append(out, b);
                }
        } else if (text) {
                const char *p = text;
                while (*p) {
                        p += strspn(p, " \t\n");
                        size_t n = strcspn(p, " \t\n");
                        if (n) json_array_append_new(out, json_stringn(p, n));
                        p += n;
                }
        }
        size_t i;
        json_t *b;
        json_array_foreach(out, i, b) {
                const char *s = json_string_value(b);
                if (!*s || strpbrk(s, " \t\n/") || strlen(s) > 64 || !utf8_valid(s, strlen(s)))
                        return err_set(EINVAL, "badges: '%s' is not a badge (one word of at most 64 characters, no '/')", s);
                for (size_t j = 0; j < i; j++)
                        if (strcasecmp(s, json_string_value(json_array_get(out, j))) == 0)
                                return err_set(EINVAL, "badges: '%s' is listed twice", s);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* ------------------------------------------------------- record extras */

int import_record_extras(struct import_table *t, struct import_record *rec, enum import_kind kind, json_t *obj) {
        const char *col = kind == IMPORT_ASSETS ? "media" : "badges";
        const char *v = import_value(t, rec, col);
        if (!v) return 0;
        _cleanup_json_ json_t *arr = NULL;
        int r = kind == IMPORT_ASSETS ? import_media_parse(v, &arr) : import_badges_parse(v, &arr);
        if (r < 0) {
                const char *msg = err_msg();
                const char *colon = strstr(msg, ": ");
                return import_problem(t, rec->line, col, "%s", colon ? colon + 2 : msg);
        }
        json_object_set(obj, col, arr);
        return 0;
}

/* The row hook's media part: insert the record's "media" (parsed by
 * import_record_extras) for the asset just inserted. */
static int media_row(struct db *db, const struct import_record *rec, const char *tag) {
        json_t *media = json_object_get(rec->rec, "media");
        if (json_array_size(media) == 0) return 0;
        _cleanup_(asset_clear) struct asset a = {0};
        int r = db_asset_record_by_tag(db, tag, &a);
        if (r < 0) return r;
        size_t i;
        json_t *m;
        json_array_foreach(media, i, m) {
                _cleanup_json_ json_t *dup = NULL;
                struct medium med;
                record_from_json(&medium_type, m, &med);
                if (db_media_by_serial(db, med.serial, &dup) == 0)
                        return err_set(EEXIST, "media: medium with serial '%s' is already registered in '%s'", med.serial,
                                       json_str(dup, "asset_tag"));
                if (med.wwn && db_media_by_wwn(db, med.wwn, &dup) == 0)
                        return err_set(EEXIST, "media: medium with WWN '%s' is already registered in '%s'", med.wwn,
                                       json_str(dup, "asset_tag"));
                int64_t id;
                r = db_media_insert(db, a.id, &med, &id);
                if (r >= 0) r = db_audit_row(db, "media", id);
                if (r < 0) return r;
        }
        return 0;
}

static const char *const asset_hook_columns[] = {
        "media", "issued_to", "issued_at", "due", "condition_out", "override_reason",
        "Checkout Type", "Checked Out To: Username", "Checked Out To: Email",
        "Type", "Username", "Employee No.", "Checkout Date", "Last Checkout Date", "Last Checkout",
        "Expected Checkin Date", NULL,
};

static int asset_row(struct db *db, const struct import_table *t, const struct import_record *rec, const char *tag, void *userdata) {
        /* most files have none of the hook's columns: nothing to look up */
        if (!import_hook_claims(t)) return 0;
        int r = media_row(db, rec, tag);
        if (r < 0) return r;
        const struct import_hook *loans = loan_import_hook();
        return loans->row(db, t, rec, tag, userdata);
}

static const struct import_hook asset_hook = {asset_hook_columns, asset_row, NULL};

const struct import_hook *asset_import_hook(void) { return &asset_hook; }

static int person_row(struct db *db, const struct import_table *t, const struct import_record *rec, const char *ref, void *userdata) {
        (void) t;
        (void) userdata;
        json_t *badges = json_object_get(rec->rec, "badges");
        if (json_array_size(badges) == 0) return 0;
        _cleanup_json_ json_t *p = NULL;
        int r = db_person_by_ref(db, ref, &p);
        if (r < 0) return r;
        size_t i;
        json_t *b;
        json_array_foreach(badges, i, b) {
                _cleanup_json_ json_t *other = NULL;
                const char *badge = json_string_value(b);
                if (db_person_by_badge(db, badge, &other) == 0)
                        return err_set(EEXIST, "badges: badge '%s' already belongs to %s (%s)", badge, json_str(other, "name"),
                                       json_str(other, "ref"));
                if (db_person_by_ref(db, badge, &other) == 0)
                        return err_set(EEXIST, "badges: badge '%s' is also the reference of %s: a scan could not tell them apart",
                                       badge, json_str(other, "name"));
                r = scan_name_check(db, badge, "badges: badge", false);
                if (r < 0) return r;
                int64_t id;
                r = db_badge_insert(db, badge, json_integer_value(json_object_get(p, "id")), &id);
                if (r >= 0) r = db_audit_row(db, "badges", id);
                if (r < 0) return r;
        }
        return 0;
}

/* badges, and the user export's columns the register keeps nothing of (import_noted()) */
static const char *const person_hook_columns[] = {"badges", "Start Date", "Activated", "Active", NULL};
static const struct import_hook person_hook = {person_hook_columns, person_row, NULL};

const struct import_hook *person_import_hook(void) { return &person_hook; }

/* --------------------------------------------------------------- export */

const char *const export_loan_keys[] = {"issued_to", "issued_at", "due", "condition_out", "override_reason", NULL};

int export_extras(struct db *db, enum import_kind kind, json_t *rows) {
        _cleanup_json_ json_t *extra = NULL, *by = json_object();
        size_t i;
        json_t *row, *x;
        if (kind == IMPORT_PEOPLE) {
                int r = db_export_badges(db, &extra);
                if (r < 0) return r;
                json_array_foreach(extra, i, x) {
                        json_t *list = json_object_get(by, json_str(x, "ref"));
                        if (!list) json_object_set_new(by, json_str(x, "ref"), list = json_array());
                        json_array_append(list, json_object_get(x, "badge"));
                }
                json_array_foreach(rows, i, row) {
                        json_t *list = json_object_get(by, json_str(row, "ref"));
                        json_object_set_new(row, "badges", list ? json_incref(list) : json_array());
                }
                return 0;
        }
        _cleanup_json_ json_t *loans = NULL, *loan_by = json_object();
        int r = db_export_media(db, &extra);
        if (r >= 0) r = db_export_loans(db, &loans);
        if (r < 0) return r;
        json_array_foreach(extra, i, x) {
                const char *tag = json_str(x, "asset_tag");
                json_t *list = json_object_get(by, tag);
                if (!list) json_object_set_new(by, tag, list = json_array());
                json_t *m = json_object();
                /* the medium's stored fields in table order; an absent WWN is left out */
                for (size_t k = 0; k < medium_type.n_fields; k++) {
                        const struct record_field *f = &medium_type.fields[k];
                        json_t *v = (f->role & FR_INSERT) ? json_object_get(x, f->name) : NULL;
                        if (v && !json_is_null(v)) json_object_set(m, f->name, v);
                }
                json_array_append_new(list, m);
        }
        json_array_foreach(loans, i, x) json_object_set(loan_by, json_str(x, "tag"), x);
        json_array_foreach(rows, i, row) {
                const char *tag = json_str(row, "tag");
                json_t *list = json_object_get(by, tag), *l = json_object_get(loan_by, tag);
                for (const char *const *k = export_loan_keys; *k; k++) {
                        json_t *v = l ? json_object_get(l, *k) : NULL;
                        json_object_set(row, *k, v ? v : json_null());
                }
                json_object_set_new(row, "media", list ? json_incref(list) : json_array());
        }
        return 0;
}

/* ----------------------------------------------------------- timestamps */

int import_timestamp(const char *s, char ret[static 21]) {
        /* ours: YYYY-MM-DDTHH:MM:SSZ; Snipe-IT's: YYYY-MM-DD HH:MM:SS (taken as UTC) */
        size_t n = strlen(s);
        if (!((n == 20 && s[10] == 'T' && s[19] == 'Z') || (n == 19 && s[10] == ' '))) return -EINVAL;
        char d[11], day[11];
        memcpy(day, s, 10);
        day[10] = 0;
        if (parse_date(day, d) < 0 || !streq(d, day)) return -EINVAL;
        int h, m, sec, k = 0;
        if (sscanf(s + 11, "%2d:%2d:%2d%n", &h, &m, &sec, &k) != 3 || k != 8 || h > 23 || m > 59 || sec > 60 || h < 0 || m < 0 || sec < 0)
                return -EINVAL;
        for (size_t i = 11; i < 19; i++)
                if (i != 13 && i != 16 && !isdigit((unsigned char) s[i])) return -EINVAL;
        snprintf(ret, 21, "%sT%.8sZ", d, s + 11);
        return 0;
}

/* ------------------------------------------------------------ CSV dialect */

size_t import_csv_dialect(const char *data, size_t len, char *ret_delim) {
        *ret_delim = ',';
        /* Excel's hint line: "sep=;" (any one character), alone on line 1 */
        if (len >= 5 && strncasecmp(data, "sep=", 4) == 0 && data[4] != '\n' && data[4] != '\r') {
                size_t n = 5;
                if (n < len && data[n] == '\r') n++;
                if (n == len || data[n] == '\n') {
                        *ret_delim = data[4];
                        return n < len ? n + 1 : n;
                }
        }
        /* the header: the first line with text, counted outside quotes */
        size_t commas = 0, semis = 0, tabs = 0;
        bool quoted = false, text = false;
        for (size_t i = 0; i < len; i++) {
                char c = data[i];
                if (c == '"') quoted = !quoted;
                else if (quoted) continue;
                else if (c == '\n') {
                        if (text) break;
                } else if (c == ',') commas++;
                else if (c == ';') semis++;
                else if (c == '\t') tabs++;
                if (c != '\n' && c != '\r' && c != ' ') text = true;
        }
        if (!commas && semis) *ret_delim = ';';
        else if (!commas && tabs) *ret_delim = '\t';
        return 0;
}

/* ----------------------------------------------------------------- dates */

/* n digits at s (exactly): their value, or -1. */
static int digits(const char *s, size_t n) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
                if (!isdigit((unsigned char) s[i])) return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* A time after a date: "" or a space or 'T', then H:MM or HH:MM[:SS[.fff]],
 * then an optional 'Z'. Only checked: the register keeps the day. */
static bool time_tail(const char *s) {
        if (!*s) return true;
        if (*s != ' ' && *s != 'T') return false;
        s++;
        size_t h = strspn(s, "0123456789");
        if (h < 1 || h > 2 || digits(s, h) > 23 || s[h] != ':') return false;
        s += h + 1;
        if (digits(s, 2) < 0 || digits(s, 2) > 59) return false;
        s += 2;
        if (*s == ':') {
                if (digits(s + 1, 2) < 0 || digits(s + 1, 2) > 60) return false;
                s += 3;
                if (*s == '.' && isdigit((unsigned char) s[1])) s += 1 + strspn(s + 1, "0123456789");
        }
        if (*s == 'Z') s++;
        return !*s;
}

int import_date(const char *s, enum import_date_format fmt, char ret[static 11]) {
        char iso[16];
        int y, m, d;
        size_t a = strspn(s, "0123456789");
        if (a == 4 && s[4] == '-') {
                /* ISO, with or without a time */
                if (strlen(s) >= 10 && s[7] == '-' && digits(s, 4) >= 0 && digits(s + 5, 2) >= 0 && digits(s + 8, 2) >= 0 && time_tail(s + 10)) {
                        memcpy(iso, s, 10);
                        iso[10] = 0;
                        if (parse_date(iso, ret) == 0) return 0;
                }
                return err_set(EINVAL, "'%s' is not a date (use YYYY-MM-DD)", s);
        }
        /* D/M/Y or M/D/Y: 1-2, 1-2 and 2 or 4 digits */
        size_t b = a && s[a] == '/' ? strspn(s + a + 1, "0123456789") : 0;
        size_t c = b && s[a + 1 + b] == '/' ? strspn(s + a + b + 2, "0123456789") : 0;
        if (a > 2 || b < 1 || b > 2 || (c != 2 && c != 4) || !time_tail(s + a + b + c + 2))
                return err_set(EINVAL, "'%s' is not a date (use YYYY-MM-DD%s)", s,
                               fmt == IMPORT_DATES_DMY ? " or D/M/Y" : fmt == IMPORT_DATES_MDY ? " or M/D/Y" : "");
        if (fmt == IMPORT_DATES_ISO)
                return err_set(EINVAL, "'%s' is a day-first or month-first date: say which with --date-format d/m/y or "
                               "--date-format m/d/y", s);
        int first = digits(s, a), second = digits(s + a + 1, b);
        y = digits(s + a + b + 2, c);
        if (c == 2) y += 2000;
        d = fmt == IMPORT_DATES_DMY ? first : second;
        m = fmt == IMPORT_DATES_DMY ? second : first;
        const char *how = fmt == IMPORT_DATES_DMY ? "d/m/y" : "m/d/y";
        if (m < 1 || m > 12) return err_set(EINVAL, "'%s' is not a date: read as %s, it has no month %d", s, how, m);
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y % 10000, m, d % 100);
        if (parse_date(iso, ret) < 0)
                return err_set(EINVAL, "'%s' is not a date: read as %s, month %d has no day %d", s, how, m, d);
        return 0;
}

/* ------------------------------------------------- columns read, not kept */

/* Snipe-IT user export columns with a meaning the register has no field
 * for: read (so not "ignored"), kept nowhere, and said so. */
static const struct {
        const char *header;
        const char *why;
} person_noted[] = {
        {"start date", "the register keeps no start date"},
        {"activated", "Snipe-IT's log-in switch; a leaving date is End Date"},
        {"active", "Snipe-IT's log-in switch; a leaving date is End Date"},
};

char *import_noted(const struct import_table *t, enum import_kind kind) {
        struct strbuf sb = {0};
        if (kind == IMPORT_PEOPLE)
                for (size_t i = 0; i < t->n_cols; i++)
                        for (size_t k = 0; k < ELEMENTSOF(person_noted); k++)
                                if (!t->cols[i].key && t->cols[i].claimed && record_header_is(t->cols[i].header, person_noted[k].header, strlen(person_noted[k].header)))
                                        sb_printf(&sb, "%s%s (%s)", sb.len ? ", " : "", t->cols[i].header, person_noted[k].why);
        return sb.buf ? sb_take(&sb) : xstrdup("");
}
