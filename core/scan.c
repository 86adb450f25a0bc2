/* Scan mode. See scan.h. */
#include "core-internal.h"
#include "scan.h"
#include "loans.h"
#include "store-loans.h"
#include "stocktake.h"
#include "json.h"

#include <ctype.h>
#include <time.h>

int scan_mode_parse(const char *s, enum scan_mode *ret) {
        static const char *const names[] = {"auto", "issue", "return", "stocktake", "lookup"};
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(s, names[i])) {
                        *ret = (enum scan_mode) i;
                        return 0;
                }
        return err_set(EINVAL, "'%s' is not a scan mode (issue, return, stocktake, lookup)", s);
}

const char *scan_line_fault(const char *line, size_t n) {
        if (n == SCAN_LINE_TOO_LONG) return "a line too long to be a scan (discarded whole)";
        if (n && line[n - 1] == '\n') n--;
        if (n && line[n - 1] == '\r') n--;
        const unsigned char *u = (const unsigned char *) line;
        if (memchr(line, 0, n)) return "a line with a NUL byte";
        for (size_t i = 0; i < n; i++) {
                if (u[i] < 0x20 || u[i] == 0x7f) return "a line with a control character";
                /* U+0080..U+009F encode as C2 80..C2 9F */
                if (u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f) return "a line with a C1 control character";
        }
        if (!utf8_valid_bytes(line, n)) return "a line that is not valid UTF-8";
        return NULL;
}

int scan_normalise(const char *line, char *out, size_t n) {
        size_t len = strlen(line);
        if (scan_line_fault(line, len)) return -EINVAL;
        while (len && isspace((unsigned char) line[len - 1])) len--;
        while (len && isspace((unsigned char) *line)) line++, len--;
        if (len == 0) return 1;
        if (len > 512) return -EINVAL;
        char buf[513];
        memcpy(buf, line, len);
        buf[len] = 0;
        char *tok = buf;
        /* a URL (or any path): keep the last segment, without query or fragment */
        if (strchr(tok, '/')) {
                tok[strcspn(tok, "?#")] = 0;
                /* a bare "https://host/" has no path: nothing was scanned */
                char *scheme = strstr(tok, "://");
                if (scheme && !strchr(scheme + 3, '/')) return -EINVAL;
                if (scheme && strspn(strchr(scheme + 3, '/'), "/") == strlen(strchr(scheme + 3, '/'))) return -EINVAL;
                size_t l = strlen(tok);
                while (l && tok[l - 1] == '/') tok[--l] = 0;
                char *slash = strrchr(tok, '/');
                if (slash) tok = slash + 1;
        }
        size_t tl = strlen(tok);
        if (tl == 0 || tl >= n || tl > 64) return -EINVAL;
        for (const char *c = tok; *c; c++)
                if ((unsigned char) *c <= ' ' || (unsigned char) *c >= 0x7f) return -EINVAL;
        memcpy(out, tok, tl + 1);
        strupper(out);
        return 0;
}

static const char *st_label(json_t *a) { return asset_status_label(json_str(a, "status")); }

/* "Jo Bloggs (JB)" */
static char *who(json_t *p) { return xasprintf("%s (%s)", json_str(p, "name"), json_str(p, "ref")); }

/* Holdings of a person as "holds 2: TS-1, TS-2" or "holds nothing". */
static char *holdings(struct db *db, json_t *p) {
        _cleanup_json_ json_t *loans = NULL;
        if (db_loans_open_by_person(db, json_integer_value(json_object_get(p, "id")), &loans) < 0) return xstrdup("holdings unknown");
        if (json_array_size(loans) == 0) return xstrdup("holds nothing");
        struct strbuf sb = {0};
        sb_printf(&sb, "holds %zu: ", json_array_size(loans));
        for (size_t i = 0; i < json_array_size(loans); i++)
                sb_printf(&sb, "%s%s", i ? ", " : "", json_str(json_array_get(loans, i), "tag"));
        return sb_take(&sb);
}

static enum scan_result refused(struct scan_session *s, char **ret_text, const char *fmt, ...) _printf_(3, 4);
static enum scan_result refused(struct scan_session *s, char **ret_text, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        char *m;
        if (vasprintf(&m, fmt, ap) < 0) abort();
        va_end(ap);
        *ret_text = xasprintf("refused: %s", m);
        free(m);
        s->refused++;
        return SCAN_REFUSED;
}

static enum scan_result person_scan(struct scan_session *s, json_t *p, char **ret_text) {
        _cleanup_free_ char *w = who(p), *h = NULL;
        switch (s->mode) {
        case SCAN_STOCKTAKE:
                s->ignored++;
                *ret_text = xasprintf("ignored: %s is a person, not an asset (stock-take mode)", w);
                return SCAN_IGNORED;
        case SCAN_RETURN:
        case SCAN_LOOKUP:
                h = holdings(s->db, p);
                s->looked_up++;
                *ret_text = xasprintf("%s %s", w, h);
                return SCAN_INFO;
        default:
                break;
        }
        json_decref(s->borrower);
        s->borrower = NULL;
        if (loan_check_person(p, NULL) < 0) return refused(s, ret_text, "%s", err_msg());
        s->borrower = json_incref(p);
        h = holdings(s->db, p);
        *ret_text = xasprintf("borrower: %s, %s", w, h);
        return SCAN_INFO;
}

static enum scan_result do_return(struct scan_session *s, const char *tag, char **ret_text) {
        _cleanup_json_ json_t *l = NULL;
        if (loan_return(s->db, tag, NULL, NULL, &l) < 0) return refused(s, ret_text, "%s", err_msg());
        s->returned++;
        *ret_text = xasprintf("%s returned by %s (%s)", tag, json_str(l, "name"), json_str(l, "ref"));
        return SCAN_DONE;
}

static enum scan_result lookup(struct scan_session *s, json_t *a, char **ret_text) {
        const char *tag = json_str(a, "tag");
        _cleanup_json_ json_t *l = NULL;
        _cleanup_free_ char *where = NULL;
        if (streq(json_str(a, "status"), ST_ISSUED) && db_loan_open_by_asset(s->db, json_integer_value(json_object_get(a, "id")), &l) == 0)
                where = xasprintf("issued to %s (%s) since %s%s%s", json_str(l, "name"), json_str(l, "ref"), json_str(l, "issued_at"),
                                  json_str(l, "due") ? ", due " : "", strempty(json_str(l, "due")));
        else
                where = xasprintf("%s%s%s", st_label(a), json_str(a, "location") ? ", " : "", strempty(json_str(a, "location")));
        s->looked_up++;
        *ret_text = xasprintf("%s %s %s (%s): %s", tag, json_str(a, "make"), json_str(a, "model"), json_str(a, "serial"), where);
        return SCAN_INFO;
}

static enum scan_result stocktake_one(struct scan_session *s, const char *tag, char **ret_text) {
        _cleanup_json_ json_t *info = NULL;
        if (stocktake_scan(s->db, s->stocktake_id, tag, &info) < 0) return refused(s, ret_text, "%s", err_msg());
        s->counted++;
        if (!s->stocktake_id) s->stocktake_id = json_integer_value(json_object_get(info, "stocktake"));
        if (json_is_true(json_object_get(info, "duplicate")))
                *ret_text = xasprintf("%s scanned again (duplicate)", tag);
        else if (!json_is_true(json_object_get(info, "known"))) {
                *ret_text = xasprintf("%s is not on the register (recorded as unknown)", tag);
                return SCAN_REFUSED;
        } else if (json_is_true(json_object_get(info, "wrong_room")))
                *ret_text = xasprintf("%s seen in %s, but the register puts it in %s", tag, json_str(info, "room"),
                                      json_str(info, "location") ? json_str(info, "location") : "no room");
        else
                *ret_text = xasprintf("%s found in %s", tag, json_str(info, "room"));
        return SCAN_DONE;
}

enum scan_result scan_one(struct scan_session *s, const char *line, char **ret_text) {
        char tok[65];
        s->scans++;
        int n = scan_normalise(line, tok, sizeof tok);
        if (n < 0) {
                s->ignored++;
                size_t len = strlen(line);
                const char *fault = scan_line_fault(line, len);
                if (len && line[len - 1] == '\n') len--;
                if (len && line[len - 1] == '\r') len--;
                /* the first 40 bytes, cut at a character, escaped (\x1b, \u{9b}) */
                size_t cut = len < 40 ? len : 40;
                while (cut < len && cut && ((unsigned char) line[cut] & 0xc0) == 0x80) cut--;
                _cleanup_free_ char *shown = safe_ascii(line, cut);
                *ret_text = xasprintf("ignored: '%s' is %s%snot a tag, person reference or badge", shown, fault ? fault : "",
                                      fault ? ", " : "");
                return SCAN_IGNORED;
        }
        if (n == 1 || streq(tok, "DONE")) {
                if (s->borrower) {
                        _cleanup_free_ char *w = who(s->borrower);
                        json_decref(s->borrower);
                        s->borrower = NULL;
                        *ret_text = xasprintf("done with %s: no borrower selected", w);
                } else
                        *ret_text = xstrdup("no borrower selected");
                return SCAN_INFO;
        }
        /* stock-take counts every well-formed tag, known or not */
        if (s->mode == SCAN_STOCKTAKE && asset_tag_valid(tok)) {
                _cleanup_json_ json_t *p = NULL;
                if (db_person_by_ref(s->db, tok, &p) == 0 || db_person_by_badge(s->db, tok, &p) == 0) return person_scan(s, p, ret_text);
                return stocktake_one(s, tok, ret_text);
        }
        _cleanup_json_ json_t *a = NULL, *p = NULL;
        int r = asset_tag_valid(tok) ? db_asset_by_tag(s->db, tok, &a) : -ENOENT;
        if (r < 0 && r != -ENOENT) return refused(s, ret_text, "%s", err_msg());
        if (r == -ENOENT) {
                r = db_person_by_ref(s->db, tok, &p);
                if (r == -ENOENT) r = db_person_by_badge(s->db, tok, &p);
                if (r == 0) return person_scan(s, p, ret_text);
                if (r != -ENOENT) return refused(s, ret_text, "%s", err_msg());
                if (s->mode == SCAN_STOCKTAKE) {
                        s->ignored++;
                        *ret_text = xasprintf("ignored: '%s' is not an asset tag", tok);
                        return SCAN_IGNORED;
                }
                return refused(s, ret_text, "'%s' is not an asset tag, person or badge on the register", tok);
        }
        switch (s->mode) {
        case SCAN_LOOKUP:
                return lookup(s, a, ret_text);
        case SCAN_RETURN:
                return do_return(s, tok, ret_text);
        case SCAN_ISSUE:
        case SCAN_AUTO:
                if (!s->borrower) {
                        if (s->mode == SCAN_ISSUE)
                                return refused(s, ret_text, "cannot issue '%s': no borrower selected (scan a person's badge or reference first)", tok);
                        if (!streq(json_str(a, "status"), ST_ISSUED))
                                return refused(s, ret_text, "cannot return '%s': it is not on loan (it is %s; scan a person first to issue it)",
                                               tok, st_label(a));
                        return do_return(s, tok, ret_text);
                }
                {
                        _cleanup_json_ json_t *l = NULL;
                        struct issue_opts o = {.due = s->due};
                        if (loan_issue_to(s->db, tok, s->borrower, &o, &l) < 0) return refused(s, ret_text, "%s", err_msg());
                        s->issued++;
                        *ret_text = xasprintf("%s issued to %s (%s)%s%s", tok, json_str(l, "name"), json_str(l, "ref"),
                                              json_str(l, "due") ? ", due " : "", strempty(json_str(l, "due")));
                        return SCAN_DONE;
                }
        case SCAN_STOCKTAKE:
                break;
        }
        return stocktake_one(s, tok, ret_text);
}

enum scan_result scan_one_line(struct scan_session *s, const char *line, size_t n, char **ret_text) {
        /* scan_one() refuses the other faults itself, showing the line */
        if (n != SCAN_LINE_TOO_LONG && !memchr(line, 0, n)) return scan_one(s, line, ret_text);
        const char *fault = scan_line_fault(line, n);
        s->scans++;
        s->ignored++;
        *ret_text = xasprintf("ignored: %s, not a tag, person reference or badge", fault);
        return SCAN_IGNORED;
}

char *scan_summary(const struct scan_session *s) {
        struct strbuf sb = {0};
        sb_printf(&sb, "%u scan%s: %u issued, %u returned", s->scans, s->scans == 1 ? "" : "s", s->issued, s->returned);
        if (s->mode == SCAN_STOCKTAKE || s->counted) sb_printf(&sb, ", %u counted", s->counted);
        if (s->looked_up) sb_printf(&sb, ", %u looked up", s->looked_up);
        sb_printf(&sb, ", %u refused, %u ignored", s->refused, s->ignored);
        return sb_take(&sb);
}

void scan_session_start(struct scan_session *s) { db_checkpoint_manual(s->db, &s->wal_pages); }

bool scan_housekeeping(struct scan_session *s, bool idle) {
        if (s->wal_pages == 0 || (!idle && s->wal_pages < SCAN_WAL_LIMIT)) return false;
        db_checkpoint(s->db); /* a failure only leaves the WAL longer */
        s->wal_pages = 0;
        s->checkpoints++;
        return true;
}

void scan_session_done(struct scan_session *s) {
        json_decref(s->borrower);
        s->borrower = NULL;
        if (s->wal_pages) db_checkpoint(s->db);
        s->wal_pages = 0;
        db_checkpoint_auto(s->db);
}

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void scan_run(struct scan_session *s, const struct scan_callbacks *cb) {
        scan_session_start(s);
        for (;;) {
                /* WAL housekeeping between scans: at once when nobody is
                 * waiting; with a scan already waiting only when the log is
                 * long, and then its time counts against that scan */
                double t0 = now_s();
                bool idle = !cb->waiting(cb->userdata);
                if (scan_housekeeping(s, idle) && idle) t0 = now_s();
                size_t len;
                const char *line = cb->next(cb->userdata, &len);
                if (!line) break;
                _cleanup_free_ char *text = NULL;
                enum scan_result res = scan_one_line(s, line, len, &text);
                cb->result(cb->userdata, res, text, now_s() - t0);
                /* a disk that failed or filled fails every later scan too */
                if ((s->store_failed = db_store_failed(s->db))) break;
        }
}
