/* The paperwork of a disposal (issue 14): List of Waste codes, the waste
 * transfer note and the hazardous waste consignment note of a consignment,
 * the firm's data-processing contract, the accounts of a disposal and the
 * school's settings they read. See disposal.h. */
#include "core-internal.h"
#include "datadir.h"
#include "disposal.h"
#include "json.h"
#include "paper-internal.h"
#include "store-paperwork.h"

#include <ctype.h>
#include <strings.h>

#define NOTES_SCHEMA "assetctl-waste-notes/1"
#define WTN "waste_transfer_note"
#define HWCN "hazardous_waste_consignment_note"

static int64_t id_of(json_t *o) { return json_integer_value(json_object_get(o, "id")); }

static int check_text(const char *what, const char *s, size_t max) {
        if (isempty(s)) return err_set(EINVAL, "%s: required", what);
        if (!utf8_valid(s, strlen(s))) return err_set(EINVAL, "%s: not valid UTF-8 text (or has control characters)", what);
        if (strlen(s) > max) return err_set(EINVAL, "%s: longer than %zu bytes", what, max);
        return 0;
}

int waste_code_normalise(const char *what, const char *in, char ret[static 12]) {
        char d[6];
        size_t nd = 0;
        bool star = false;
        const char *p = in ? in : "";
        for (; *p; p++) {
                if (isdigit((unsigned char) *p)) {
                        if (nd == 6 || star) goto bad;
                        d[nd++] = *p;
                } else if (*p == '*' && nd == 6 && !star)
                        star = true;
                else if ((*p == ' ' || *p == '-' || *p == '.') && nd > 0 && nd < 6 && nd % 2 == 0 && p[1] != ' ')
                        continue;
                else
                        goto bad;
        }
        if (nd != 6) goto bad;
        int chapter = (d[0] - '0') * 10 + (d[1] - '0');
        if (chapter < 1 || chapter > 20)
                return err_set(EINVAL, "%s '%s': no List of Waste chapter %c%c (they run from 01 to 20)", what, in, d[0], d[1]);
        snprintf(ret, 12, "%c%c %c%c %c%c%s", d[0], d[1], d[2], d[3], d[4], d[5], star ? "*" : "");
        return 0;
bad:
        return err_set(EINVAL, "%s '%s': not a List of Waste code (six digits, 'NN NN NN', with '*' when hazardous: "
                               "'20 01 36', '20 01 35*')", what, strempty(in));
}

int carrier_registration_normalise(const char *in, char ret[static 24]) {
        char b[24];
        size_t n = 0;
        for (const char *p = in ? in : ""; *p; p++) {
                if (*p == ' ') continue;
                if (n + 1 >= sizeof b) goto bad;
                b[n++] = (char) toupper((unsigned char) *p);
        }
        b[n] = 0;
        if (n < 5 || n > 12 || strncmp(b, "CBD", 3) != 0 || (b[3] != 'U' && b[3] != 'L')) goto bad;
        for (size_t i = 4; i < n; i++)
                if (!isdigit((unsigned char) b[i])) goto bad;
        memcpy(ret, b, n + 1);
        return 0;
bad:
        return err_set(EINVAL, "--carrier-registration '%s': not a waste carrier registration in England or Wales (CBDU, upper "
                               "tier, or CBDL, lower tier, then its number: 'CBDU123456')", strempty(in));
}

/* --- the code list --- */

static int codes_path(char **ret) {
        const char *env = getenv("ASSETCTL_WASTE_CODES");
        if (!isempty(env)) {
                *ret = xstrdup(env);
                return 0;
        }
        char *dirs[DATADIR_MAX];
        int nd = datadir_dirs("data", "data", dirs);
        char *found = NULL;
        for (int i = 0; i < nd && !found; i++) {
                char *p = xasprintf("%s/waste-codes.tsv", dirs[i]);
                if (access(p, R_OK) == 0) found = p;
                else free(p);
        }
        datadir_free(dirs, nd);
        if (!found) return err_set(ENOENT, "no waste-codes.tsv in the data directories: is assetctl installed completely?");
        *ret = found;
        return 0;
}

int waste_codes_load(json_t **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t len;
        int r = codes_path(&path);
        if (r < 0) return r;
        r = read_file(path, 1 << 20, &text, &len);
        if (r < 0) return err_set(-r, "cannot read '%s': %s", path, strerror(-r));
        _cleanup_json_ json_t *codes = json_object(), *cats = json_object(), *out = NULL;
        char def[12] = "";
        int line = 0;
        for (char *s = text, *next; s && *s; s = next) {
                next = strchr(s, '\n');
                if (next) *next++ = 0;
                line++;
                if (*s == '#' || !*s) continue;
                char *f[4] = {0};
                int nf = 0;
                for (char *c = s; nf < 4;) {
                        f[nf++] = c;
                        c = strchr(c, '\t');
                        if (!c) break;
                        *c++ = 0;
                }
                char code[12];
                if (streq(f[0], "code") && nf >= 3 && *f[2]) {
                        if ((r = waste_code_normalise("code", f[1], code)) < 0) goto bad;
                        json_object_set_new(codes, code, json_pack("{ss ss}", "description", f[2], "hazard_codes", nf > 3 ? f[3] : ""));
                } else if (streq(f[0], "category") && nf == 3 && *f[1]) {
                        if ((r = waste_code_normalise("code", f[2], code)) < 0) goto bad;
                        char *k = xstrdup(f[1]);
                        for (char *c = k; *c; c++) *c = (char) tolower((unsigned char) *c);
                        json_object_set_new(cats, k, json_string(code));
                        free(k);
                } else if (streq(f[0], "default") && nf == 2) {
                        if ((r = waste_code_normalise("code", f[1], def)) < 0) goto bad;
                } else {
                        r = err_set(EINVAL, "'code CODE DESCRIPTION', 'category NAME CODE' or 'default CODE', TAB-separated");
                        goto bad;
                }
        }
        /* every code a category or the default names must be described */
        const char *k;
        json_t *v;
        json_object_foreach(cats, k, v) if (!json_object_get(codes, json_string_value(v)))
                return err_set(EINVAL, "'%s': category '%s' names code %s, which has no 'code' line", path, k, json_string_value(v));
        if (*def && !json_object_get(codes, def)) return err_set(EINVAL, "'%s': the default code %s has no 'code' line", path, def);
        out = json_pack("{ss sO sO}", "path", path, "codes", codes, "categories", cats);
        if (*def) json_set_str(out, "default", def);
        *ret = TAKE_PTR(out);
        return 0;
bad:
        return err_prefix(r, "'%s' line %d", path, line);
}

/* --- settings --- */

static const char *const paper_settings[] = {"school_address", "school_postcode", "school_sic_code", "school_phone",
                                             "school_email", NULL};

int school_setting_set(struct db *db, const char *key, const char *value) {
        bool known = false;
        for (const char *const *k = paper_settings; *k; k++) known |= streq(*k, key);
        if (!known)
                return err_set(EINVAL, "unknown setting '%s': use school_address, school_postcode, school_sic_code, school_phone "
                                       "or school_email", key);
        int r = check_text(key, value, 512);
        if (r < 0) return r;
        if (streq(key, "school_sic_code")) {
                bool ok = strlen(value) == 5;
                for (const char *c = value; *c; c++) ok &= isdigit((unsigned char) *c) != 0;
                if (!ok) return err_set(EINVAL, "school_sic_code '%s': a SIC 2007 code is five digits (a state primary school "
                                                "is 85200, a secondary school 85310)", value);
        }
        if ((r = db_begin(db)) < 0) return r;
        if ((r = db_setting_set(db, key, value)) < 0) {
                db_rollback(db);
                return r;
        }
        return db_commit(db);
}

int school_settings(struct db *db, json_t **ret) {
        json_t *o = json_object();
        for (const char *const *k = paper_settings; *k; k++) {
                char *v = NULL;
                int r = db_setting_get(db, *k, &v);
                if (r < 0 && r != -ENOENT) {
                        json_decref(o);
                        return r;
                }
                json_object_set_new(o, *k, v ? json_string(v) : json_null());
                free(v);
        }
        *ret = o;
        return 0;
}

/* --- classification, accounts, firms --- */

static int each_asset(struct db *db, char **tags, size_t n, json_t **ret) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
                json_t *a = NULL;
                int r = db_asset_by_tag(db, tags[i], &a);
                if (r == -ENOENT) r = err_set(ENOENT, "no asset '%s' in the register", tags[i]);
                if (r < 0) {
                        json_decref(arr);
                        return r;
                }
                json_array_append_new(arr, a);
        }
        *ret = arr;
        return 0;
}

int disposal_classify(struct db *db, char **tags, size_t n, const char *code_in) {
        char code[12];
        int r = waste_code_normalise("--ewc", code_in, code);
        if (r < 0) return r;
        _cleanup_json_ json_t *assets = NULL;
        if ((r = db_begin(db)) < 0) return r;
        if ((r = each_asset(db, tags, n, &assets)) < 0) goto fail;
        size_t i;
        json_t *a;
        json_array_foreach(assets, i, a) {
                int64_t id;
                _cleanup_json_ json_t *d = json_pack("{ss}", "ewc_code", code);
                if ((r = db_asset_waste_code_insert(db, id_of(a), code, &id)) < 0 ||
                    (r = db_audit(db, "disposal.classify", json_str(a, "tag"), d, "asset_waste_codes", id)) < 0)
                        goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int disposal_accounts(struct db *db, char **tags, size_t n, const char *funding, const char *proceeds) {
        int64_t pence = -1;
        int r;
        if (!funding && !proceeds) return err_set(EINVAL, "give --funding-source or --proceeds (or both)");
        if (funding && (r = check_text("--funding-source", funding, 256)) < 0) return r;
        if (proceeds && parse_money_pence(proceeds, &pence) < 0)
                return err_set(EINVAL, "--proceeds '%s': not an amount of money (pounds: '45', '45.50')", proceeds);
        _cleanup_json_ json_t *assets = NULL;
        if ((r = db_begin(db)) < 0) return r;
        if ((r = each_asset(db, tags, n, &assets)) < 0) goto fail;
        size_t i;
        json_t *a;
        json_array_foreach(assets, i, a) {
                _cleanup_json_ json_t *old = NULL, *d = json_object();
                r = db_disposal_accounts_get(db, id_of(a), &old);
                if (r < 0 && r != -ENOENT) goto fail;
                const char *f = funding ? funding : json_str(old, "funding_source");
                json_t *op = json_object_get(old, "proceeds_pence");
                int64_t p = pence >= 0 ? pence : json_is_integer(op) ? json_integer_value(op) : -1;
                json_set_str(d, "funding_source", f);
                if (p >= 0) json_object_set_new(d, "proceeds_pence", json_integer(p));
                int64_t id;
                if ((r = db_disposal_accounts_insert(db, id_of(a), f, p, &id)) < 0 ||
                    (r = db_audit(db, "disposal.accounts", json_str(a, "tag"), d, "disposal_accounts", id)) < 0)
                        goto fail;
        }
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int firm_set(struct db *db, const char *name, const char *contract_ref, const char *expires) {
        char e10[11];
        int r = check_text("firm", name, 256);
        if (r < 0) return r;
        if (contract_ref && (r = check_text("--contract", contract_ref, 128)) < 0) return r;
        if (expires && parse_date(expires, e10) < 0)
                return err_set(EINVAL, "--contract-expires '%s' is not a date (use YYYY-MM-DD)", expires);
        _cleanup_json_ json_t *old = NULL, *d = json_object();
        if ((r = db_begin(db)) < 0) return r;
        r = db_firm_get(db, name, &old);
        if (r == -ENOENT && (!contract_ref || !expires)) {
                r = err_set(EINVAL, "firm '%s' is not on file: give both --contract and --contract-expires", name);
                goto fail;
        }
        if (r < 0 && r != -ENOENT) goto fail;
        json_set_str(d, "contract_ref", contract_ref);
        if (expires) json_set_str(d, "contract_expires", e10);
        int64_t id;
        if ((r = db_firm_set(db, old ? json_str(old, "name") : name, contract_ref, expires ? e10 : NULL, &id)) < 0 ||
            (r = db_audit(db, "firm.set", name, d, "firms", id)) < 0)
                goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int firm_list(struct db *db, json_t **ret) { return db_firm_list(db, ret); }

/* --- the notes --- */

/* The code for one asset and where it came from: the consignment's
 * override (by tag, then category), the asset's own, its category's, the
 * default. */
static int item_code(struct db *db, json_t *a, json_t *codes, const struct consignment_paper *paper, char code[static 12],
                     const char **ret_source, json_t *warnings) {
        const char *tag = json_str(a, "tag"), *cat = json_str(a, "category");
        int r;
        for (int pass = 0; pass < 2 && paper; pass++)
                for (size_t i = 0; i < paper->n_ewc; i++) {
                        const char *eq = strchr(paper->ewc[i], '=');
                        size_t kl = (size_t) (eq - paper->ewc[i]);
                        const char *want = pass == 0 ? tag : cat;
                        if (!want || strlen(want) != kl || strncasecmp(paper->ewc[i], want, kl) != 0) continue;
                        if ((r = waste_code_normalise("--ewc", eq + 1, code)) < 0) return r;
                        *ret_source = "consignment";
                        return 0;
                }
        _cleanup_free_ char *own = NULL;
        r = db_asset_waste_code(db, id_of(a), &own);
        if (r == 0) {
                snprintf(code, 12, "%s", own);
                *ret_source = "asset";
                return 0;
        }
        if (r != -ENOENT) return r;
        if (!isempty(cat)) {
                _cleanup_free_ char *k = xstrdup(cat);
                for (char *c = k; *c; c++) *c = (char) tolower((unsigned char) *c);
                const char *c = json_str(json_object_get(codes, "categories"), k);
                if (!c)
                        return err_set(EINVAL, "cannot describe the waste of '%s': category '%s' has no List of Waste code in '%s'; "
                                               "give one with --ewc %s=CODE (or --ewc '%s=CODE'), or 'assetctl disposal classify %s --ewc CODE'",
                                       tag, cat, json_str(codes, "path"), tag, cat, tag);
                snprintf(code, 12, "%s", c);
                *ret_source = "category";
                return 0;
        }
        const char *def = json_str(codes, "default");
        if (!def)
                return err_set(EINVAL, "cannot describe the waste of '%s': it has no category and '%s' has no default code; "
                                       "give one with --ewc %s=CODE", tag, json_str(codes, "path"), tag);
        snprintf(code, 12, "%s", def);
        *ret_source = "default";
        json_array_append_new(warnings, json_sprintf("'%s' has no category: its waste is described with the default code %s; "
                                                     "check it, or give one with --ewc %s=CODE", tag, def, tag));
        return 0;
}

static json_t *note_new(const char *kind, int retain_years) {
        return json_pack("{ss sI s[] s[]}", "kind", kind, "retain_years", (json_int_t) retain_years, "items", "totals");
}

/* Add one item to a note and to its per-code totals. */
static void note_add(json_t *note, json_t *item) {
        json_array_append(json_object_get(note, "items"), item);
        json_t *totals = json_object_get(note, "totals"), *t;
        size_t i;
        json_array_foreach(totals, i, t) if (streq(json_str(t, "ewc_code"), json_str(item, "ewc_code"))) {
                json_object_set_new(t, "quantity", json_integer(json_integer_value(json_object_get(t, "quantity")) + 1));
                return;
        }
        json_array_append_new(totals, json_pack("{ss ss ss sI ss}", "ewc_code", json_str(item, "ewc_code"), "description",
                                                json_str(item, "code_description"), "hazard_codes", json_str(item, "hazard_codes"),
                                                "quantity", (json_int_t) 1, "containment", json_str(item, "containment")));
}

/* Consignment note code (England and Wales): the first six letters or
 * digits of the producer's name, '/', five letters or digits. */
static char *hwcn_code(const char *school, int64_t num) {
        char six[7] = "";
        size_t n = 0;
        for (const char *c = school; *c && n < 6; c++)
                if (isalnum((unsigned char) *c)) six[n++] = (char) toupper((unsigned char) *c);
        six[n] = 0;
        return xasprintf("%s/C%04lld", six, (long long) (num % 10000));
}

json_t *waste_notes_warnings(json_t *notes) {
        json_t *w = json_array(), *t = json_object_get(notes, "transferor");
        if (!json_is_true(json_object_get(notes, "waste_hierarchy_applied")))
                json_array_append_new(w, json_string("the waste hierarchy declaration is not ticked on the waste notes: tick it by hand "
                                                     "once you have considered reuse and recycling (or pass --waste-hierarchy-applied)"));
        if (isempty(json_str(t, "address")))
                json_array_append_new(w, json_string("the school's address is not set, so it is blank on the waste notes: set it with "
                                                     "'assetctl setting set school_address \"1 School Lane, Town\"' (and school_postcode)"));
        if (isempty(json_str(t, "sic_code")))
                json_array_append_new(w, json_string("the school's SIC code is not set, so it is blank on the waste notes: set it with "
                                                     "'assetctl setting set school_sic_code 85200' (85200 primary, 85310 secondary)"));
        return w;
}

/* Build the notes of a consignment being created (inside its transaction). */
static int notes_build(struct db *db, const char *cid, int64_t num, const char *created, const char *firm, const char *carrier,
                       const char *licence, const struct consignment_paper *paper, json_t *assets, json_t **ret,
                       json_t *warnings) {
        _cleanup_json_ json_t *codes = NULL, *set = NULL, *wtn = note_new(WTN, 2), *hw = note_new(HWCN, 3), *doc = NULL;
        _cleanup_free_ char *school = NULL;
        int r;
        if ((r = waste_codes_load(&codes)) < 0 || (r = school_settings(db, &set)) < 0 || (r = school_get(db, &school, NULL)) < 0)
                return r;
        for (size_t i = 0; paper && i < paper->n_ewc; i++) {
                const char *eq = strchr(paper->ewc[i], '=');
                char code[12];
                if (!eq || eq == paper->ewc[i])
                        return err_set(EINVAL, "--ewc '%s': give TAG=CODE or CATEGORY=CODE ('--ewc YA-000004=20 01 35*')", paper->ewc[i]);
                if ((r = waste_code_normalise("--ewc", eq + 1, code)) < 0) return r;
        }
        const char *containment = paper && paper->containment ? paper->containment : "loose, on pallets";
        if ((r = check_text("--containment", containment, 256)) < 0) return r;
        if (paper && paper->place && (r = check_text("--place", paper->place, 512)) < 0) return r;
        size_t i;
        json_t *a;
        json_array_foreach(assets, i, a) {
                char code[12];
                const char *source = NULL;
                if ((r = item_code(db, a, codes, paper, code, &source, warnings)) < 0) return r;
                json_t *c = json_object_get(json_object_get(codes, "codes"), code);
                const char *cdesc = c ? json_str(c, "description") : "(not in the code list: describe it)";
                _cleanup_free_ char *desc = xasprintf("%s: %s %s%s%s%s", cdesc, json_str(a, "make"), json_str(a, "model"),
                                                      json_str(a, "category") ? " (" : "", strempty(json_str(a, "category")),
                                                      json_str(a, "category") ? ")" : "");
                _cleanup_json_ json_t *item = json_pack("{ss ss ss ss ss ss sb sI ss}", "tag", json_str(a, "tag"), "serial",
                                                        json_str(a, "serial"), "description", desc, "code_description", cdesc,
                                                        "ewc_code", code, "code_source", source, "hazardous", strchr(code, '*') != NULL,
                                                        "quantity", (json_int_t) 1, "containment", containment);
                json_set_str(item, "hazard_codes", c ? json_str(c, "hazard_codes") : "");
                note_add(strchr(code, '*') ? hw : wtn, item);
        }
        const char *address = json_str(set, "school_address"), *postcode = json_str(set, "school_postcode");
        _cleanup_free_ char *place = paper && paper->place ? xstrdup(paper->place)
                                                           : xasprintf("%s%s%s", strempty(address), address && postcode ? ", " : "",
                                                                       strempty(postcode));
        json_t *notes = json_array();
        if (json_array_size(json_object_get(wtn, "items"))) json_array_append(notes, wtn);
        if (json_array_size(json_object_get(hw, "items"))) {
                _cleanup_free_ char *hc = hwcn_code(school, num);
                json_set_str(hw, "consignment_note_code", hc);
                json_array_append(notes, hw);
        }
        char date[11], time[6];
        snprintf(date, sizeof date, "%.10s", created);
        snprintf(time, sizeof time, "%.5s", created + 11);
        doc = json_pack("{ss ss s{ss ss ss} s{ss ss ss ss ss ss ss} s{ss ss ss} s{ss ss} sb so}", "schema", NOTES_SCHEMA,
                        "consignment_id", cid, "transfer", "date", date, "time", time, "place", place,
                        "transferor", "name", school, "address", strempty(address), "postcode", strempty(postcode), "sic_code",
                        strempty(json_str(set, "school_sic_code")), "phone", strempty(json_str(set, "school_phone")), "email",
                        strempty(json_str(set, "school_email")), "role", "producer and holder of the waste",
                        "carrier", "name", firm, "registration", carrier, "tier", carrier[3] == 'U' ? "upper tier" : "lower tier",
                        "receiver", "name", firm, "permit", strempty(licence), "waste_hierarchy_applied", paper && paper->hierarchy_applied,
                        "notes", notes);
        json_t *w = waste_notes_warnings(doc);
        json_array_extend(warnings, w);
        json_decref(w);
        *ret = TAKE_PTR(doc);
        return 0;
}

/* Make and store (with its audit row, in the open audit event) the notes
 * of a consignment being created: called by consignment_create. */
int consignment_notes_make(struct db *db, const char *cid, int64_t num, int64_t crow, const char *created, const char *firm,
                           const char *carrier, const char *licence, const struct consignment_paper *paper, json_t *assets,
                           json_t *warnings) {
        _cleanup_json_ json_t *doc = NULL;
        int r = notes_build(db, cid, num, created, firm, carrier, licence, paper, assets, &doc, warnings);
        if (r < 0) return r;
        _cleanup_free_ char *text = json_canonical(doc);
        int64_t id;
        if ((r = db_consignment_notes_insert(db, crow, text, &id)) < 0) return r;
        return db_audit_row(db, "consignment_notes", id);
}

int consignment_notes(struct db *db, const char *consignment_id, json_t **ret) {
        _cleanup_free_ char *text = NULL;
        int r = db_consignment_notes_get(db, consignment_id, &text);
        if (r < 0) return r;
        json_t *j = json_loads(text, 0, NULL);
        if (!j) return err_set(EBADMSG, "the waste notes of '%s' are not valid JSON", consignment_id);
        *ret = j;
        return 0;
}

/* --- the PDFs --- */

static const char *blank(const char *s) { return isempty(s) ? "________________________________" : s; }

static void items_table(struct paper *p, json_t *note, bool hazardous) {
        static const double x[] = {0, 25, 50};
        const char *head[] = {"EWC code", "Quantity", hazardous ? "Hazard codes" : "Containment"};
        paper_row(p, head, x, 3, true);
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(note, "totals"), i, t) {
                char q[32];
                snprintf(q, sizeof q, "%lld item%s", (long long) json_integer_value(json_object_get(t, "quantity")),
                         json_integer_value(json_object_get(t, "quantity")) == 1 ? "" : "s");
                const char *cells[] = {json_str(t, "ewc_code"), q, hazardous ? blank(json_str(t, "hazard_codes")) : json_str(t, "containment")};
                paper_row(p, cells, x, 3, false);
                _cleanup_free_ char *d = xasprintf("Description: %s", json_str(t, "description"));
                paper_para(p, d);
        }
        paper_gap(p, 4);
        paper_para(p, "Items in this load (asset tag, serial number, description, code):");
        json_array_foreach(json_object_get(note, "items"), i, t) {
                _cleanup_free_ char *line = xasprintf("%s  serial %s  %s  [%s]", json_str(t, "tag"), json_str(t, "serial"),
                                                      json_str(t, "description"), json_str(t, "ewc_code"));
                paper_para(p, line);
        }
}

static void transferor_fields(struct paper *p, json_t *n) {
        json_t *t = json_object_get(n, "transferor");
        paper_field(p, "Name", json_str(t, "name"));
        paper_field(p, "Address", blank(json_str(t, "address")));
        paper_field(p, "Postcode", blank(json_str(t, "postcode")));
        paper_field(p, "SIC code (2007)", blank(json_str(t, "sic_code")));
}

static void wtn_pdf(struct paper *p, json_t *n, json_t *note) {
        json_t *c = json_object_get(n, "carrier"), *rv = json_object_get(n, "receiver"), *tr = json_object_get(n, "transfer");
        paper_heading(p, "Waste transfer note", 16);
        paper_field(p, "Consignment", json_str(n, "consignment_id"));
        paper_para(p, "Duty of care: Environmental Protection Act 1990 s.34. Both parties keep a copy for at least 2 years.");
        paper_gap(p, 6);
        paper_heading(p, "Section A - Description of the waste", 12);
        items_table(p, note, false);
        paper_para(p, "The waste is not hazardous; it is discarded electrical and electronic equipment whose storage has "
                      "been wiped or destroyed (signed certificates and the manifest go with it).");
        paper_gap(p, 6);
        paper_heading(p, "Section B - Current holder of the waste (transferor)", 12);
        transferor_fields(p, n);
        paper_field(p, "The transferor is", json_str(json_object_get(n, "transferor"), "role"));
        paper_field(p, "Waste hierarchy", json_is_true(json_object_get(n, "waste_hierarchy_applied"))
                                                  ? "[X] I confirm that I have fulfilled my duty to apply the waste hierarchy"
                                                  : "[ ] I confirm that I have fulfilled my duty to apply the waste hierarchy");
        paper_gap(p, 6);
        paper_heading(p, "Section C - Person collecting the waste (transferee)", 12);
        paper_field(p, "Name", json_str(c, "name"));
        paper_field(p, "Registered waste carrier", json_str(c, "registration"));
        paper_field(p, "Carrier tier", json_str(c, "tier"));
        paper_field(p, "Receiving site permit", blank(json_str(rv, "permit")));
        paper_gap(p, 6);
        paper_heading(p, "Section D - The transfer", 12);
        paper_field(p, "Place of transfer", blank(json_str(tr, "place")));
        paper_field(p, "Date of transfer", json_str(tr, "date"));
        paper_field(p, "Time of transfer (UTC)", json_str(tr, "time"));
        paper_gap(p, 10);
        paper_signature(p, "Transferor's signature");
        paper_signature(p, "Transferor's name (capitals)");
        paper_signature(p, "Carrier's signature");
        paper_signature(p, "Carrier's name (capitals)");
}

static void hwcn_pdf(struct paper *p, json_t *n, json_t *note) {
        json_t *c = json_object_get(n, "carrier"), *rv = json_object_get(n, "receiver"), *tr = json_object_get(n, "transfer"),
               *t = json_object_get(n, "transferor");
        paper_heading(p, "Hazardous waste consignment note", 16);
        paper_field(p, "Consignment", json_str(n, "consignment_id"));
        paper_para(p, "Hazardous Waste (England and Wales) Regulations 2005. The consignor keeps its copy for at least 3 years.");
        paper_gap(p, 6);
        paper_heading(p, "Part A - Notification details", 12);
        paper_field(p, "A1 Consignment note code", json_str(note, "consignment_note_code"));
        paper_field(p, "A2 Waste will be removed from", json_str(t, "name"));
        paper_field(p, "   Address", blank(json_str(t, "address")));
        paper_field(p, "   Postcode", blank(json_str(t, "postcode")));
        paper_field(p, "   Telephone / email", blank(json_str(t, "phone")));
        paper_field(p, "A3 Waste will be taken to", json_str(rv, "name"));
        paper_field(p, "   Permit", blank(json_str(rv, "permit")));
        paper_field(p, "A4 Producer (if different)", "the same as A2");
        paper_field(p, "A5 SIC code (2007)", blank(json_str(t, "sic_code")));
        paper_gap(p, 6);
        paper_heading(p, "Part B - Description of the waste", 12);
        paper_field(p, "B1 Process giving rise to the waste", "disposal of redundant school ICT equipment");
        paper_field(p, "B2 Physical form", "solid (whole equipment)");
        items_table(p, note, true);
        paper_field(p, "Containers (type, number, size)", json_str(json_array_get(json_object_get(note, "items"), 0), "containment"));
        paper_field(p, "UN number, shipping name, class, packing group", "________________________________");
        paper_field(p, "Weight (kg)", "________________________________");
        paper_gap(p, 6);
        paper_heading(p, "Part C - Carrier's certificate", 12);
        paper_para(p, "I certify that I today collected the consignment and that the details in A2, A3 and B are correct; "
                      "the quantity collected is as stated in B.");
        paper_field(p, "Carrier name", json_str(c, "name"));
        paper_field(p, "Carrier registration", json_str(c, "registration"));
        paper_field(p, "Vehicle registration", "________________________________");
        paper_signature(p, "Carrier's signature");
        paper_gap(p, 6);
        paper_heading(p, "Part D - Consignor's certificate", 12);
        paper_para(p, "I certify that the information in A, B and C has been completed and is correct, that the carrier is "
                      "registered or exempt and was advised of the appropriate precautionary measures.");
        paper_field(p, "Waste hierarchy", json_is_true(json_object_get(n, "waste_hierarchy_applied"))
                                                  ? "[X] I confirm that I have fulfilled my duty to apply the waste hierarchy"
                                                  : "[ ] I confirm that I have fulfilled my duty to apply the waste hierarchy");
        _cleanup_free_ char *when = xasprintf("%s %s UTC", json_str(tr, "date"), json_str(tr, "time"));
        paper_field(p, "Collected (date, time)", when);
        paper_field(p, "Place", blank(json_str(tr, "place")));
        paper_signature(p, "Consignor's signature");
        paper_gap(p, 6);
        paper_heading(p, "Part E - Consignee's certificate", 12);
        paper_para(p, "Quantity received, EWC code, accepted or rejected, waste management operation (R or D code):");
        paper_field(p, "Received", "________________________________");
        paper_signature(p, "Consignee's signature");
}

int waste_note_pdf(json_t *notes, const char *kind, const char *path) {
        json_t *note = NULL, *x;
        size_t i;
        json_array_foreach(json_object_get(notes, "notes"), i, x) if (streq_ptr(json_str(x, "kind"), kind)) note = x;
        if (!note) return err_set(ENOENT, "consignment '%s' has no %s", json_str(notes, "consignment_id"), kind);
        struct paper p;
        _cleanup_free_ char *title = xasprintf("%s %s", streq(kind, WTN) ? "Waste transfer note" : "Hazardous waste consignment note",
                                               json_str(notes, "consignment_id"));
        int r = paper_open(&p, path, title);
        if (r < 0) return r;
        if (streq(kind, WTN)) wtn_pdf(&p, notes, note);
        else hwcn_pdf(&p, notes, note);
        return paper_close(&p, path);
}
