/* Reports and printable papers. See reports.h. */
#include "core-internal.h"
#include "reports.h"
#include "store-loans.h"
#include "store-paperwork.h"
#include "paper-internal.h"
#include "json.h"

int report_overdue(struct db *db, json_t **ret) {
        char t[11];
        today(t);
        int r = db_loans_overdue(db, t, ret);
        if (r < 0) return r;
        json_t *l;
        size_t i;
        json_array_foreach(*ret, i, l)
                json_object_set_new(l, "days_overdue", json_integer(date_diff_days(json_str(l, "due"), t)));
        return 0;
}

int report_leavers(struct db *db, int64_t days, json_t **ret) {
        if (days < 0) return err_set(EINVAL, "--within %lld: give a number of days, 0 or more", (long long) days);
        char t[11], until[11];
        today(t);
        date_add_days(t, days, until);
        int r = db_loans_of_leavers(db, until, ret);
        if (r < 0) return r;
        json_t *l;
        size_t i;
        json_array_foreach(*ret, i, l)
                json_object_set_new(l, "gone", json_boolean(strcmp(json_str(l, "leaving_date"), t) <= 0));
        return 0;
}

/* Append a section; each item gets a summary made by `fmt` from its keys
 * (a tiny template: {key} is replaced by the item's value). */
static void section(json_t *out, const char *key, const char *title, json_t *items, const char *tmpl, int64_t *problems) {
        json_t *it;
        size_t i;
        json_array_foreach(items, i, it) {
                struct strbuf sb = {0};
                for (const char *c = tmpl; *c;) {
                        const char *open = strchr(c, '{');
                        if (!open) {
                                sb_puts(&sb, c);
                                break;
                        }
                        sb_add(&sb, c, (size_t) (open - c));
                        const char *close = strchr(open, '}');
                        _cleanup_free_ char *k = xstrndup(open + 1, (size_t) (close - open - 1));
                        json_t *v = json_object_get(it, k);
                        if (json_is_string(v)) sb_puts(&sb, json_string_value(v));
                        else if (json_is_integer(v)) sb_printf(&sb, "%lld", (long long) json_integer_value(v));
                        else sb_puts(&sb, "-");
                        c = close + 1;
                }
                json_object_set_new(it, "summary", json_string(sb.buf ? sb.buf : ""));
                sb_free(&sb);
        }
        *problems += (int64_t) json_array_size(items);
        json_array_append_new(out, json_pack("{ss,ss,so}", "key", key, "title", title, "items", items));
}

/* The earliest audit date that is not overdue on day t: an audit falls due
 * on the same day a year later (29 February: on 28 February, as a PAT check
 * does), so it is the same day a year before t, or 1 March when t is 29
 * February. (Not t minus 365 days: across a 29 February that is a day off,
 * and kit audited exactly a year ago would be reported.) */
static void year_before(const char *t, char ret[static 11]) {
        int y = 0, m = 0, d = 0;
        sscanf(t, "%d-%d-%d", &y, &m, &d);
        if (m == 2 && d == 29) m = 3, d = 1;
        snprintf(ret, 11, "%04d-%02d-%02d", (y - 1) % 10000, m % 100, d % 100);
}

/* The paperwork of every consignment: those without a receipt or waste
 * notes (ret_paper), and those whose firm has no data-processing contract
 * on file, or one that had expired when the consignment was made or has
 * expired (by day t) while the firm still holds it (ret_contracts). */
static int consignment_paper_problems(struct db *db, const char *t, json_t **ret_paper, json_t **ret_contracts) {
        _cleanup_json_ json_t *rows = NULL;
        int r = db_consignment_paperwork(db, &rows);
        if (r < 0) return r;
        json_t *paper = json_array(), *contracts = json_array(), *c;
        size_t i;
        json_array_foreach(rows, i, c) {
                const char *id = json_str(c, "consignment_id"), *firm = json_str(c, "firm"), *exp = json_str(c, "contract_expires");
                bool receipt = json_str(c, "receipt_number") != NULL, notes = json_integer_value(json_object_get(c, "has_notes")) != 0;
                char made[11];
                snprintf(made, sizeof made, "%.10s", strempty(json_str(c, "created_at")));
                if (!receipt || !notes) {
                        _cleanup_free_ char *p = xasprintf("%s%s%s", receipt ? "" : "no receipt from the firm",
                                                           !receipt && !notes ? "; " : "",
                                                           notes ? "" : "no waste notes (made before assetctl wrote them)");
                        json_array_append_new(paper, json_pack("{ss ss ss ss}", "consignment_id", id, "firm", firm, "made", made,
                                                               "problem", p));
                }
                _cleanup_free_ char *why = NULL;
                if (!json_str(c, "contract_ref") || !exp)
                        why = xasprintf("%s has no data-processing contract on file ('assetctl firm set')", firm);
                else if (strcmp(exp, made) < 0 || (!receipt && strcmp(exp, t) < 0))
                        why = xasprintf("%s's contract %s expired %s", firm, json_str(c, "contract_ref"), exp);
                if (why) json_array_append_new(contracts, json_pack("{ss ss ss}", "consignment_id", id, "firm", firm, "problem", why));
        }
        *ret_paper = paper;
        *ret_contracts = contracts;
        return 0;
}
/* How long an audit event may go unsigned (report compliance). */
#define CHECKPOINT_DAYS 30

int report_compliance(struct db *db, json_t **ret, int64_t *ret_problems) {
        char t[11], year_ago[11], month_ago[11];
        today(t);
        year_before(t, year_ago);
        date_add_days(t, -CHECKPOINT_DAYS, month_ago);
        json_t *out = json_array(), *items;
        int64_t problems = 0;
        int r;
#define SECTION(call, key, title, tmpl) \
        do { \
                if ((r = (call)) < 0) goto fail; \
                section(out, key, title, items, tmpl, &problems); \
        } while (0)
        SECTION(db_loans_without_aup(db, &items), "no_aup", "people holding kit without a signed acceptable-use agreement",
                "{ref} {name} holds {tag} ({make} {model}) since {issued_at}");
        SECTION(db_assets_personal_unencrypted(db, &items), "unencrypted", "devices that may hold personal data but are not encrypted",
                "{tag} {make} {model} ({status}, {location})");
        SECTION(db_assets_without_serial(db, &items), "no_serial", "assets without a serial number",
                "{tag} {make} {model} ({status}, {location})");
        SECTION(db_checks_overdue(db, t, &items), "checks", "PAT tests failed or overdue",
                "{tag} {make} {model}: {kind} {result} on {checked_on}, next due {next_due}");
        SECTION(db_assets_not_audited_since(db, year_ago, &items), "not_audited", "assets not audited in the last 12 months",
                "{tag} {make} {model} ({location}), last audited {last_audited}");
        SECTION(db_loans_overdue(db, t, &items), "overdue", "loans past their due date",
                "{tag} {make} {model} with {name} ({ref}), due {due}");
        SECTION(db_loans_of_leavers(db, t, &items), "leavers", "leavers still holding kit",
                "{name} ({ref}) left {leaving_date}, still holds {tag} ({make} {model})");
        SECTION(db_lostprop_list(db, t, &items), "lostprop", "unclaimed lost property past its hold date",
                "item {id}: {description}, held until {hold_until}");
        json_t *paper = NULL, *contracts = NULL;
        if ((r = consignment_paper_problems(db, t, &paper, &contracts)) < 0) goto fail;
        section(out, "consignment_paper", "consignments without the firm's receipt or their waste notes", paper,
                "{consignment_id} to {firm}, made {made}: {problem}", &problems);
        section(out, "firm_contract", "consignments to a firm with no data-processing contract, or an expired one", contracts,
                "{consignment_id}: {problem}", &problems);
        /* without a signed checkpoint, deleting the log's tail or rewriting
         * the whole chain consistently cannot be detected: no event stays
         * unsigned for longer than CHECKPOINT_DAYS */
        SECTION(db_audit_unsigned_before(db, month_ago, &items), "checkpoint",
                "audit log events older than 30 days that no signed checkpoint covers",
                "events {first}-{last} since {since} (last checkpoint {last_checkpoint}): run 'assetctl audit checkpoint --key NAME'");
#undef SECTION
        *ret = out;
        *ret_problems = problems;
        return 0;
fail:
        json_decref(out);
        return r;
}

static char *school_name(struct db *db) {
        char *s = NULL;
        if (db_setting_get(db, "school", &s) < 0) s = xstrdup("the school");
        return s;
}

int receipt_pdf(struct db *db, const char *tag_in, const char *path) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in)), *school = school_name(db), *title = NULL, *when = NULL,
                            *reminder = NULL, *what = NULL;
        _cleanup_json_ json_t *a = NULL, *l = NULL;
        int r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", tag);
        if (r < 0) return r;
        r = db_loan_latest_by_asset(db, json_integer_value(json_object_get(a, "id")), &l);
        if (r == -ENOENT) return err_set(ENOENT, "cannot print a receipt for '%s': it has never been issued", tag);
        if (r < 0) return r;
        struct paper p;
        title = xasprintf("Loan receipt %s", tag);
        r = paper_open(&p, path, title);
        if (r < 0) return r;
        paper_heading(&p, school, 16);
        paper_heading(&p, "Receipt for school ICT equipment on loan", 13);
        paper_gap(&p, 6);
        _cleanup_free_ char *person = xasprintf("%s (%s)%s%s", json_str(l, "name"), json_str(l, "ref"),
                                                json_str(l, "email") ? ", " : "", strempty(json_str(l, "email")));
        paper_field(&p, "Issued to", person);
        paper_field(&p, "Asset tag", tag);
        what = xasprintf("%s %s", json_str(a, "make"), json_str(a, "model"));
        paper_field(&p, "Item", what);
        paper_field(&p, "Serial number", json_str(a, "serial"));
        paper_field(&p, "Issued on", json_str(l, "issued_at"));
        paper_field(&p, "Due back", json_str(l, "due") ? json_str(l, "due") : "when asked, and on leaving");
        paper_field(&p, "Condition", json_str(l, "condition_out") ? json_str(l, "condition_out") : "as seen and agreed at issue");
        if (json_str(l, "returned_at")) {
                when = xasprintf("%s, condition: %s%s%s", json_str(l, "returned_at"),
                                 json_str(l, "condition_in") ? json_str(l, "condition_in") : "not noted",
                                 json_str(l, "damage") ? "; damage: " : "", strempty(json_str(l, "damage")));
                paper_field(&p, "Returned", when);
        }
        paper_gap(&p, 10);
        paper_heading(&p, "Acceptable use", 12);
        reminder = xasprintf("This equipment belongs to %s and is lent to you under the acceptable-use agreement you "
                             "signed%s%s. Use it for school work, keep it safe, keep personal data on it only while it is "
                             "encrypted, report loss, theft or damage to the ICT technician at once, and return it, with "
                             "its charger and accessories, when asked and before you leave the school.",
                             school, json_str(l, "aup_signed") ? " on " : "", strempty(json_str(l, "aup_signed")));
        paper_para(&p, reminder);
        paper_gap(&p, 10);
        paper_signature(&p, "Received by");
        paper_signature(&p, "Issued by");
        return paper_close(&p, path);
}

static const char *const st_sections[][2] = {
        {"found", "Found in the room"},
        {"missing", "Missing: expected in the room, not scanned"},
        {"wrong_room", "Found here, but the register puts them elsewhere"},
        {"unknown", "Unknown tags (not on the register)"},
        {"duplicates", "Scanned more than once"},
};

/* The cells of one report item for a section. */
static void item_cells(const char *sec, json_t *it, const char *cells[4]) {
        cells[0] = cells[1] = cells[2] = cells[3] = NULL;
        if (json_is_string(it)) {
                cells[0] = json_string_value(it);
                return;
        }
        cells[0] = json_str(it, "tag");
        if (streq(sec, "duplicates")) return;
        cells[1] = json_str(it, "make");
        cells[2] = json_str(it, "model");
        cells[3] = streq(sec, "wrong_room") ? json_str(it, "location") : streq(sec, "missing") ? json_str(it, "serial") : NULL;
        if (streq(sec, "wrong_room") && !cells[3]) cells[3] = "(no room)";
}

int stocktake_pdf(struct db *db, json_t *rep, const char *path) {
        _cleanup_free_ char *school = school_name(db), *title = NULL, *intro = NULL;
        struct paper p;
        title = xasprintf("Stock-take %lld: %s", (long long) json_integer_value(json_object_get(rep, "id")), json_str(rep, "room"));
        int r = paper_open(&p, path, title);
        if (r < 0) return r;
        paper_heading(&p, school, 16);
        paper_heading(&p, title, 13);
        intro = xasprintf("Started %s, finished %s. The register expected %lld items in %s; %lld scans were made.",
                          json_str(rep, "started_at"), json_str(rep, "finished_at"),
                          (long long) json_integer_value(json_object_get(rep, "expected")), json_str(rep, "room"),
                          (long long) json_integer_value(json_object_get(rep, "scans")));
        paper_para(&p, intro);
        static const double x[] = {0, 35, 70, 120};
        for (size_t s = 0; s < ELEMENTSOF(st_sections); s++) {
                json_t *items = json_object_get(rep, st_sections[s][0]);
                _cleanup_free_ char *h = xasprintf("%s: %zu", st_sections[s][1], json_array_size(items));
                paper_gap(&p, 6);
                paper_heading(&p, h, 11);
                json_t *it;
                size_t i;
                json_array_foreach(items, i, it) {
                        const char *cells[4];
                        item_cells(st_sections[s][0], it, cells);
                        _cleanup_free_ char *count = NULL;
                        if (streq(st_sections[s][0], "duplicates")) {
                                count = xasprintf("%lld times", (long long) json_integer_value(json_object_get(it, "count")));
                                cells[1] = count;
                        }
                        paper_row(&p, cells, x, 4, false);
                }
        }
        paper_gap(&p, 14);
        paper_para(&p, "We confirm that this stock-take was carried out as recorded above.");
        paper_signature(&p, "ICT technician");
        paper_signature(&p, "Governor");
        return paper_close(&p, path);
}

static void html_esc(struct strbuf *sb, const char *s) {
        for (; s && *s; s++) switch (*s) {
                case '<': sb_puts(sb, "&lt;"); break;
                case '>': sb_puts(sb, "&gt;"); break;
                case '&': sb_puts(sb, "&amp;"); break;
                case '"': sb_puts(sb, "&quot;"); break;
                default: sb_add(sb, s, 1);
                }
}

int stocktake_html(struct db *db, json_t *rep, const char *path) {
        _cleanup_free_ char *school = school_name(db);
        struct strbuf sb = {0};
        char title[512];
        snprintf(title, sizeof title, "Stock-take %lld: %s", (long long) json_integer_value(json_object_get(rep, "id")),
                 json_str(rep, "room"));
        sb_puts(&sb, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>");
        html_esc(&sb, title);
        sb_puts(&sb, "</title>\n<style>body{font-family:sans-serif;max-width:50em;margin:2em auto}table{border-collapse:collapse}"
                     "td,th{border:1px solid #999;padding:.2em .6em;text-align:left}.sig{margin-top:3em}</style></head><body>\n<h1>");
        html_esc(&sb, school);
        sb_puts(&sb, "</h1>\n<h2>");
        html_esc(&sb, title);
        sb_printf(&sb, "</h2>\n<p>Started %s, finished %s. The register expected %lld items; %lld scans were made.</p>\n",
                  json_str(rep, "started_at"), json_str(rep, "finished_at"),
                  (long long) json_integer_value(json_object_get(rep, "expected")),
                  (long long) json_integer_value(json_object_get(rep, "scans")));
        for (size_t s = 0; s < ELEMENTSOF(st_sections); s++) {
                json_t *items = json_object_get(rep, st_sections[s][0]);
                sb_puts(&sb, "<h3>");
                html_esc(&sb, st_sections[s][1]);
                sb_printf(&sb, ": %zu</h3>\n", json_array_size(items));
                if (!json_array_size(items)) continue;
                sb_puts(&sb, "<table>\n");
                json_t *it;
                size_t i;
                json_array_foreach(items, i, it) {
                        const char *cells[4];
                        item_cells(st_sections[s][0], it, cells);
                        sb_puts(&sb, "<tr>");
                        for (int c = 0; c < 4; c++) {
                                if (!cells[c] && c > 0) continue;
                                sb_puts(&sb, "<td>");
                                html_esc(&sb, cells[c]);
                                sb_puts(&sb, "</td>");
                        }
                        if (streq(st_sections[s][0], "duplicates"))
                                sb_printf(&sb, "<td>%lld times</td>", (long long) json_integer_value(json_object_get(it, "count")));
                        sb_puts(&sb, "</tr>\n");
                }
                sb_puts(&sb, "</table>\n");
        }
        sb_puts(&sb, "<p class=\"sig\">ICT technician: ______________________ Date: __________</p>\n"
                     "<p class=\"sig\">Governor: ______________________ Date: __________</p>\n</body></html>\n");
        int r = write_file_atomic(path, sb.buf, sb.len, 0644);
        sb_free(&sb);
        if (r < 0) return err_set(-r, "cannot write '%s': %s", path, strerror(-r));
        return 0;
}
