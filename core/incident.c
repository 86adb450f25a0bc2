/* Incidents, found kit, lost property and checks. See incident.h. */
#include "incident.h"
#include "store-loans.h"
#include "json.h"

static int64_t jid(json_t *o) { return json_integer_value(json_object_get(o, "id")); }

static int get_asset(struct db *db, const char *tag, const char *verb, json_t **ret) {
        int r = db_asset_by_tag(db, tag, ret);
        if (r == -ENOENT) return err_set(ENOENT, "cannot %s '%s': no asset '%s' in the register", verb, tag, tag);
        return r;
}

int incident_report(struct db *db, const char *tag_in, const struct incident_opts *o, int64_t *ret_id) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        if (!o->kind || !(streq(o->kind, "lost") || streq(o->kind, "stolen") || streq(o->kind, "damaged")))
                return err_set(EINVAL, "--kind '%s' is not lost, stolen or damaged", strempty(o->kind));
        if (isempty(o->details)) return err_set(EINVAL, "--details: say what happened");
        char day[11];
        if (o->date) {
                if (parse_date(o->date, day) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", o->date);
        } else
                today(day);
        _cleanup_json_ json_t *a = NULL, *p = NULL, *l = NULL, *inc = NULL, *d = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = get_asset(db, tag, "report an incident for", &a);
        if (r < 0) goto fail;
        int64_t aid = jid(a), pid = 0, lid = 0, iid;
        if (o->person) {
                r = db_person_by_ref(db, o->person, &p);
                if (r == -ENOENT) r = err_set(ENOENT, "cannot report an incident for '%s': no person '%s' in the register", tag, o->person);
                if (r < 0) goto fail;
                pid = jid(p);
        }
        const char *from = json_str(a, "status");
        bool leaves = !streq(o->kind, "damaged");
        if (leaves) {
                r = asset_check_move(tag, from, o->kind);
                if (r < 0) {
                        r = err_set(EPERM, "cannot report '%s' %s: it is %s", tag, o->kind, asset_status_label(from));
                        goto fail;
                }
        }
        if (db_loan_open_by_asset(db, aid, &l) == 0) {
                if (!pid) pid = json_integer_value(json_object_get(l, "person_id"));
                if (leaves) {
                        lid = jid(l);
                        r = db_loan_close(db, lid, day, NULL, NULL, o->kind);
                        if (r < 0) goto fail;
                }
        }
        inc = json_pack("{sI,ss,ss,ss}", "asset_id", (json_int_t) aid, "kind", o->kind, "details", o->details, "happened_on", day);
        if (pid) json_object_set_new(inc, "person_id", json_integer(pid));
        json_set_str(inc, "room", o->room ? o->room : json_str(a, "location"));
        if (o->action) json_set_str(inc, "action", o->action);
        r = db_incident_insert(db, inc, &iid);
        if (r >= 0 && leaves) r = db_asset_set_status(db, aid, o->kind);
        if (r < 0) goto fail;
        d = json_pack("{ss,ss,ss}", "kind", o->kind, "details", o->details, "date", day);
        if (leaves) {
                json_object_set_new(d, "from", json_string(from));
                json_object_set_new(d, "to", json_string(o->kind));
        }
        if (l) json_object_set_new(d, "holder", json_string(json_str(l, "ref")));
        if (o->action) json_object_set_new(d, "action", json_string(o->action));
        r = db_audit_begin(db, "incident.report", tag, d);
        if (r >= 0) r = db_audit_row(db, "incidents", iid);
        if (r >= 0 && leaves) r = db_audit_row(db, "assets", aid);
        if (r >= 0 && lid) r = db_audit_row(db, "loans", lid);
        if (r >= 0) r = db_audit_end(db);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r >= 0 && ret_id) *ret_id = iid;
        return r;
fail:
        db_rollback(db);
        return r;
}

int incident_list(struct db *db, const char *tag, const char *kind, json_t **ret) {
        int64_t aid = 0;
        if (tag) {
                _cleanup_free_ char *up = strupper(xstrdup(tag));
                _cleanup_json_ json_t *a = NULL;
                int r = db_asset_by_tag(db, up, &a);
                if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", up);
                if (r < 0) return r;
                aid = jid(a);
        }
        if (kind && !(streq(kind, "lost") || streq(kind, "stolen") || streq(kind, "damaged")))
                return err_set(EINVAL, "--kind '%s' is not lost, stolen or damaged", kind);
        int r = db_incident_list(db, aid, kind, ret);
        return r < 0 ? r : 0;
}

int asset_found(struct db *db, const char *tag_in, const char *notes) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        _cleanup_json_ json_t *a = NULL, *d = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = get_asset(db, tag, "bring back", &a);
        if (r < 0) goto fail;
        const char *st = json_str(a, "status");
        if (!streq(st, ST_LOST) && !streq(st, ST_STOLEN) && !streq(st, ST_FOUND)) {
                r = err_set(EPERM, "cannot bring back '%s': it is %s, not lost or stolen", tag, asset_status_label(st));
                goto fail;
        }
        d = json_object();
        if (notes) json_object_set_new(d, "notes", json_string(notes));
        if (!streq(st, ST_FOUND)) r = asset_move(db, tag, ST_FOUND, "asset.found", d);
        if (r >= 0) r = asset_move(db, tag, ST_IN_STOCK, "asset.restock", NULL);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

/* Parse "MM-DD,MM-DD,..." into month*100+day values, sorted; returns the count. */
static int parse_term_ends(const char *s, int out[static 12]) {
        int n = 0;
        _cleanup_free_ char *copy = xstrdup(s);
        char *save = NULL;
        for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
                unsigned m, d;
                char extra;
                if (n == 12 || sscanf(tok, "%2u-%2u%c", &m, &d, &extra) != 2 || m < 1 || m > 12 || d < 1 || d > 31)
                        return err_set(EINVAL, "lostprop_term_ends '%s': give term end dates as MM-DD,MM-DD,...", s);
                out[n++] = (int) (m * 100 + d);
        }
        if (n == 0) return err_set(EINVAL, "lostprop_term_ends is empty: give term end dates as MM-DD,MM-DD,...");
        for (int i = 1; i < n; i++)
                for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
                        int t = out[j];
                        out[j] = out[j - 1];
                        out[j - 1] = t;
                }
        return n;
}

int lostprop_hold_until(const char *found, const char *ends, char ret[static 11]) {
        int e[12];
        int n = parse_term_ends(ends, e);
        if (n < 0) return n;
        unsigned y, m, d;
        if (sscanf(found, "%4u-%2u-%2u", &y, &m, &d) != 3) return err_set(EINVAL, "'%s' is not a date", found);
        int md = (int) (m * 100 + d);
        /* the end of the current term: the first term end on or after the day found */
        int i = 0;
        while (i < n && e[i] < md) i++;
        if (i == n) {
                i = 0;
                y++;
        }
        /* then one more term */
        if (++i == n) {
                i = 0;
                y++;
        }
        snprintf(ret, 11, "%04u-%02d-%02d", y, e[i] / 100, e[i] % 100);
        return 0;
}

int lostprop_term_ends(struct db *db, char **ret) {
        int r = db_setting_get(db, "lostprop_term_ends", ret);
        if (r == -ENOENT) {
                *ret = xstrdup(LOSTPROP_TERM_ENDS_DEFAULT);
                return 0;
        }
        return r;
}

int lostprop_set_term_ends(struct db *db, const char *ends) {
        int e[12];
        int n = parse_term_ends(ends, e);
        if (n < 0) return n;
        struct strbuf sb = {0};
        for (int i = 0; i < n; i++) sb_printf(&sb, "%s%02d-%02d", i ? "," : "", e[i] / 100, e[i] % 100);
        _cleanup_free_ char *canon = sb_take(&sb);
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_setting_set(db, "lostprop_term_ends", canon);
        if (r < 0) {
                db_rollback(db);
                return r;
        }
        return db_commit(db);
}

int lostprop_add(struct db *db, const struct lostprop_opts *o, int64_t *ret_id, char ret_hold_until[static 11]) {
        if (isempty(o->description)) return err_set(EINVAL, "--description: say what the item is");
        char found[11], hold[11];
        if (o->found_on) {
                if (parse_date(o->found_on, found) < 0) return err_set(EINVAL, "--found '%s' is not a date (use YYYY-MM-DD)", o->found_on);
        } else
                today(found);
        _cleanup_free_ char *ends = NULL, *subject = NULL;
        _cleanup_json_ json_t *it = NULL;
        int r;
        if (o->hold_until) {
                if (parse_date(o->hold_until, hold) < 0) return err_set(EINVAL, "--hold-until '%s' is not a date (use YYYY-MM-DD)", o->hold_until);
                if (strcmp(hold, found) < 0) return err_set(EINVAL, "--hold-until %s is before the day it was found (%s)", hold, found);
        } else {
                r = lostprop_term_ends(db, &ends);
                if (r < 0) return r;
                r = lostprop_hold_until(found, ends, hold);
                if (r < 0) return r;
        }
        it = json_pack("{ss,ss,ss}", "description", o->description, "found_on", found, "hold_until", hold);
        if (o->serial) json_object_set_new(it, "serial", json_string(o->serial));
        if (o->where) json_object_set_new(it, "found_where", json_string(o->where));
        r = db_begin(db);
        if (r < 0) return r;
        int64_t id;
        r = db_lostprop_insert(db, it, &id);
        if (r < 0) goto fail;
        subject = xasprintf("lostprop-%lld", (long long) id);
        r = db_audit(db, "lostprop.add", subject, it, "lost_property", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_id) *ret_id = id;
        memcpy(ret_hold_until, hold, 11);
        return 0;
fail:
        db_rollback(db);
        return r;
}

/* Claim or dispose: the item must exist and be neither claimed nor disposed. */
static int lostprop_close(struct db *db, int64_t id, const char *who, const char *date, bool dispose) {
        char day[11];
        if (date) {
                if (parse_date(date, day) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", date);
        } else
                today(day);
        const char *verb = dispose ? "dispose of" : "hand back";
        if (!dispose && isempty(who)) return err_set(EINVAL, "--by: say who claimed it");
        _cleanup_json_ json_t *it = NULL, *d = NULL;
        _cleanup_free_ char *subject = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_lostprop_get(db, id, &it);
        if (r == -ENOENT) r = err_set(ENOENT, "cannot %s lost property item %lld: no such item", verb, (long long) id);
        if (r < 0) goto fail;
        if (json_str(it, "claimed_on")) {
                r = err_set(EPERM, "cannot %s lost property item %lld: it was claimed by %s on %s", verb, (long long) id,
                            json_str(it, "claimed_by"), json_str(it, "claimed_on"));
                goto fail;
        }
        if (json_str(it, "disposed_on")) {
                r = err_set(EPERM, "cannot %s lost property item %lld: it was disposed of on %s", verb, (long long) id,
                            json_str(it, "disposed_on"));
                goto fail;
        }
        if (dispose && strcmp(day, json_str(it, "hold_until")) <= 0) {
                r = err_set(EPERM, "cannot dispose of lost property item %lld: it is held until %s (policy: one term)",
                            (long long) id, json_str(it, "hold_until"));
                goto fail;
        }
        r = db_lostprop_update(db, id, dispose ? NULL : day, dispose ? NULL : who, dispose ? day : NULL);
        if (r < 0) goto fail;
        d = json_pack("{ss}", "date", day);
        if (!dispose) json_object_set_new(d, "by", json_string(who));
        subject = xasprintf("lostprop-%lld", (long long) id);
        r = db_audit(db, dispose ? "lostprop.dispose" : "lostprop.claim", subject, d, "lost_property", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

int lostprop_claim(struct db *db, int64_t id, const char *who, const char *date) { return lostprop_close(db, id, who, date, false); }
int lostprop_dispose(struct db *db, int64_t id, const char *date) { return lostprop_close(db, id, NULL, date, true); }

int lostprop_list(struct db *db, bool due_only, json_t **ret) {
        char t[11];
        today(t);
        int r = db_lostprop_list(db, due_only ? t : NULL, ret);
        return r < 0 ? r : 0;
}

int check_add(struct db *db, const char *tag_in, const struct check_opts *o, int64_t *ret_id, char ret_next[static 11]) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        if (!o->kind || !streq(o->kind, "pat")) return err_set(EINVAL, "--kind '%s' is not a check kind (pat)", strempty(o->kind));
        if (!o->result || !(streq(o->result, "pass") || streq(o->result, "fail")))
                return err_set(EINVAL, "--result '%s' is not pass or fail", strempty(o->result));
        char day[11], next[11] = "";
        if (o->date) {
                if (parse_date(o->date, day) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", o->date);
        } else
                today(day);
        if (o->next) {
                if (parse_date(o->next, next) < 0) return err_set(EINVAL, "--next '%s' is not a date (use YYYY-MM-DD)", o->next);
                if (strcmp(next, day) <= 0) return err_set(EINVAL, "--next %s is not after the check (%s)", next, day);
        } else if (streq(o->result, "pass")) {
                /* the same day next year (29 Feb -> 28 Feb) */
                unsigned y, m, d;
                sscanf(day, "%4u-%2u-%2u", &y, &m, &d);
                if (m == 2 && d == 29) d = 28;
                snprintf(next, sizeof next, "%04u-%02u-%02u", y + 1, m, d);
        }
        _cleanup_json_ json_t *a = NULL, *c = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = get_asset(db, tag, "record a check for", &a);
        if (r < 0) goto fail;
        c = json_pack("{sI,ss,ss,ss}", "asset_id", (json_int_t) jid(a), "kind", o->kind, "result", o->result, "checked_on", day);
        if (*next) json_object_set_new(c, "next_due", json_string(next));
        if (o->notes) json_object_set_new(c, "notes", json_string(o->notes));
        int64_t id;
        r = db_check_insert(db, c, &id);
        if (r < 0) goto fail;
        json_object_del(c, "asset_id");
        r = db_audit(db, "check.add", tag, c, "checks", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        if (ret_id) *ret_id = id;
        memcpy(ret_next, next, 11);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int check_list(struct db *db, const char *tag, json_t **ret) {
        int64_t aid = 0;
        if (tag) {
                _cleanup_free_ char *up = strupper(xstrdup(tag));
                _cleanup_json_ json_t *a = NULL;
                int r = db_asset_by_tag(db, up, &a);
                if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", up);
                if (r < 0) return r;
                aid = jid(a);
        }
        int r = db_check_list(db, aid, ret);
        return r < 0 ? r : 0;
}
