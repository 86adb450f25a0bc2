/* Loans and the person facts their rules need. See loans.h. */
#include "core-internal.h"
#include "loans.h"
#include "store-loans.h"
#include "json.h"
#include "scan.h"

static int64_t jid(json_t *o) { return json_integer_value(json_object_get(o, "id")); }

int person_find(struct db *db, const char *ref_or_badge, json_t **ret) {
        int r = db_person_by_ref(db, ref_or_badge, ret);
        if (r == -ENOENT) r = db_person_by_badge(db, ref_or_badge, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no person '%s' in the register (by reference or badge)", ref_or_badge);
        return r;
}

int loan_check_person(json_t *person, const char *tag) {
        char t[11];
        today(t);
        const char *ref = json_str(person, "ref"), *name = json_str(person, "name");
        const char *leaving = json_str(person, "leaving_date");
        _cleanup_free_ char *what = tag ? xasprintf("cannot issue '%s' to '%s'", tag, ref) : xasprintf("cannot issue kit to '%s'", ref);
        if (leaving && strcmp(leaving, t) <= 0)
                return err_set(EPERM, "%s: %s left on %s (a leaver cannot be given kit; if the date is wrong, clear it with "
                               "'assetctl person leaving %s --clear')", what, name, leaving, ref);
        if (!json_str(person, "aup_signed"))
                return err_set(EPERM, "%s: %s has not signed the acceptable-use agreement (record it with 'assetctl person sign-aup %s')",
                               what, name, ref);
        return 0;
}

/* Why an asset that is not in stock cannot go out, and what to do. */
static int refuse_status(struct db *db, const char *tag, json_t *asset) {
        const char *st = json_str(asset, "status");
        if (streq(st, ST_ISSUED)) {
                _cleanup_json_ json_t *l = NULL;
                if (db_loan_open_by_asset(db, jid(asset), &l) == 0)
                        return err_set(EPERM, "cannot issue '%s': it is issued to %s (%s) since %s (return it first)", tag,
                                       json_str(l, "name"), json_str(l, "ref"), json_str(l, "issued_at"));
        }
        _cleanup_free_ char *fix = NULL;
        if (streq(st, ST_LOST) || streq(st, ST_STOLEN) || streq(st, ST_FOUND))
                fix = xasprintf(" (bring it back with 'assetctl found %s' first)", tag);
        else if (streq(st, ST_IN_REPAIR))
                fix = xstrdup(" (it must come back from repair first)");
        return err_set(EPERM, "cannot issue '%s': it is %s, not in stock%s", tag, asset_status_label(st), strempty(fix));
}

int loan_issue_to(struct db *db, const char *tag_in, json_t *person, const struct issue_opts *o, json_t **ret_loan) {
        static const struct issue_opts none = {0};
        if (!o) o = &none;
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        _cleanup_json_ json_t *a = NULL, *l = NULL, *d = NULL, *pp = NULL;
        char t[11], due[11] = "", issued[11];
        if (o->issued_on) {
                if (parse_date(o->issued_on, issued) < 0) return err_set(EINVAL, "'%s' is not a date (use YYYY-MM-DD)", o->issued_on);
        } else
                today(issued);
        today(t);
        if (o->due && parse_date(o->due, due) < 0) return err_set(EINVAL, "due date '%s' is not a date (use YYYY-MM-DD)", o->due);
        if (o->override && isempty(o->override)) return err_set(EINVAL, "--override needs a reason");
        if (o->condition && !utf8_valid(o->condition, strlen(o->condition)))
                return err_set(EINVAL, "condition: not valid UTF-8 text (or has control characters)");
        const char *ref = json_str(person, "ref"), *name = json_str(person, "name");
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "cannot issue '%s': no asset '%s' in the register", tag, tag);
        if (r < 0) goto fail;
        if (!streq(json_str(a, "status"), ST_IN_STOCK)) {
                r = refuse_status(db, tag, a);
                goto fail;
        }
        /* the person as it is now, under the write lock */
        r = db_person_by_ref(db, ref, &pp);
        if (r == -ENOENT) r = err_set(ENOENT, "cannot issue '%s': no person '%s' in the register", tag, ref);
        if (r < 0) goto fail;
        r = loan_check_person(pp, tag);
        if (r < 0) goto fail;
        if (json_is_true(json_object_get(a, "personal_data")) && !json_is_true(json_object_get(a, "encrypted")) && !o->override) {
                r = err_set(EPERM, "cannot issue '%s': it may hold personal data but is not encrypted (encrypt it and record "
                            "that with 'assetctl asset edit %s --encrypted', or give --override REASON)", tag, tag);
                goto fail;
        }
        const char *leaving = json_str(pp, "leaving_date");
        if (!*due && leaving) snprintf(due, sizeof due, "%s", leaving);
        if (*due && strcmp(due, issued) < 0) {
                r = err_set(EINVAL, "cannot issue '%s': due date %s is before the date of issue %s", tag, due, issued);
                goto fail;
        }
        if (*due && leaving && strcmp(due, leaving) > 0) {
                r = err_set(EPERM, "cannot issue '%s' to '%s': due date %s is after %s's leaving date %s (give --due %s or earlier)",
                            tag, ref, due, name, leaving, leaving);
                goto fail;
        }
        int64_t aid = jid(a), lid;
        l = json_pack("{sI,sI,ss}", "asset_id", (json_int_t) aid, "person_id", (json_int_t) jid(pp), "issued_at", issued);
        if (*due) json_object_set_new(l, "due", json_string(due));
        if (o->condition) json_object_set_new(l, "condition_out", json_string(o->condition));
        if (o->override) json_object_set_new(l, "override_reason", json_string(o->override));
        if (o->source) json_object_set_new(l, "source", json_string(o->source));
        r = db_loan_insert(db, l, &lid);
        if (r >= 0) r = db_asset_set_status(db, aid, ST_ISSUED);
        if (r < 0) goto fail;
        d = json_pack("{ss,ss}", "person", ref, "name", name);
        if (*due) json_object_set_new(d, "due", json_string(due));
        if (o->condition) json_object_set_new(d, "condition", json_string(o->condition));
        if (o->override) json_object_set_new(d, "override", json_string(o->override));
        if (o->source) json_object_set_new(d, "source", json_string(o->source));
        r = db_audit_begin(db, "loan.issue", tag, d);
        if (r >= 0) r = db_audit_row(db, "assets", aid);
        if (r >= 0) r = db_audit_row(db, "loans", lid);
        if (r >= 0) r = db_audit_end(db);
        if (r < 0) goto fail;
        json_decref(l);
        l = NULL;
        if (ret_loan) {
                r = db_loan_open_by_asset(db, aid, &l);
                if (r < 0) goto fail;
        }
        r = db_commit(db);
        if (r < 0) return err_prefix(r, "cannot issue '%s'", tag);
        if (ret_loan) *ret_loan = TAKE_PTR(l);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int loan_issue(struct db *db, const char *tag, const char *ref, const struct issue_opts *o, json_t **ret_loan) {
        _cleanup_json_ json_t *p = NULL;
        int r = db_person_by_ref(db, ref, &p);
        if (r == -ENOENT) {
                _cleanup_free_ char *up = strupper(xstrdup(tag));
                return err_set(ENOENT, "cannot issue '%s': no person '%s' in the register (add them with 'assetctl person add')", up, ref);
        }
        if (r < 0) return r;
        return loan_issue_to(db, tag, p, o, ret_loan);
}

int loan_return(struct db *db, const char *tag_in, const char *condition, const char *damage, json_t **ret_loan) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        _cleanup_json_ json_t *a = NULL, *l = NULL, *d = NULL, *inc = NULL;
        if (damage && isempty(damage)) return err_set(EINVAL, "--damaged needs a description of the damage");
        char t[11];
        today(t);
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_asset_by_tag(db, tag, &a);
        if (r == -ENOENT) r = err_set(ENOENT, "cannot return '%s': no asset '%s' in the register", tag, tag);
        if (r < 0) goto fail;
        int64_t aid = jid(a), iid = 0;
        r = db_loan_open_by_asset(db, aid, &l);
        if (r == -ENOENT || (r >= 0 && !streq(json_str(a, "status"), ST_ISSUED)))
                r = err_set(EPERM, "cannot return '%s': it is not on loan (it is %s)", tag, asset_status_label(json_str(a, "status")));
        if (r < 0) goto fail;
        int64_t lid = jid(l);
        r = db_loan_close(db, lid, t, condition, damage, "returned");
        if (r >= 0) r = db_asset_set_status(db, aid, ST_IN_STOCK);
        if (r >= 0 && damage) {
                inc = json_pack("{sI,ss,sI,ss,ss,ss}", "asset_id", (json_int_t) aid, "kind", "damaged", "person_id",
                                (json_int_t) json_integer_value(json_object_get(l, "person_id")), "details", damage, "action",
                                "returned damaged", "happened_on", t);
                r = db_incident_insert(db, inc, &iid);
        }
        if (r < 0) goto fail;
        d = json_pack("{ss,ss}", "person", json_str(l, "ref"), "name", json_str(l, "name"));
        if (condition) json_object_set_new(d, "condition", json_string(condition));
        if (damage) json_object_set_new(d, "damage", json_string(damage));
        r = db_audit_begin(db, "loan.return", tag, d);
        if (r >= 0) r = db_audit_row(db, "assets", aid);
        if (r >= 0) r = db_audit_row(db, "loans", lid);
        if (r >= 0 && iid) r = db_audit_row(db, "incidents", iid);
        if (r >= 0) r = db_audit_end(db);
        if (r < 0) goto fail;
        if (ret_loan) {
                json_decref(l);
                l = NULL;
                r = db_loan_latest_by_asset(db, aid, &l);
                if (r < 0) goto fail;
        }
        r = db_commit(db);
        if (r < 0) return err_prefix(r, "cannot return '%s'", tag);
        if (ret_loan) *ret_loan = TAKE_PTR(l);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int loan_holdings(struct db *db, const char *ref, json_t **ret_person, json_t **ret_loans) {
        _cleanup_json_ json_t *p = NULL;
        int r = person_find(db, ref, &p);
        if (r < 0) return r;
        json_t *loans;
        r = db_loans_open_by_person(db, jid(p), &loans);
        if (r < 0) return r;
        *ret_loans = loans;
        if (ret_person) *ret_person = TAKE_PTR(p);
        return 0;
}

/* Take back one presented item of the held loans (back[] marks those
 * returned). */
static void take_back(struct db *db, json_t *person, json_t *held, bool *back, const char *raw, const struct loan_return_all_callbacks *cb,
                      struct loan_return_all_result *res) {
        char tok[65];
        int k = scan_normalise(raw, tok, sizeof tok);
        if (k == 1) return;
        if (k < 0) {
                cb->item(cb->userdata, person, LOAN_NOT_A_TAG, raw, NULL);
                return;
        }
        size_t j, n = json_array_size(held);
        for (j = 0; j < n; j++)
                if (streq(json_str(json_array_get(held, j), "tag"), tok)) break;
        if (j == n) {
                res->refused = true;
                cb->item(cb->userdata, person, LOAN_NOT_HELD, tok, NULL);
                return;
        }
        if (back[j]) {
                cb->item(cb->userdata, person, LOAN_ALREADY_BACK, tok, NULL);
                return;
        }
        int r = loan_return(db, tok, NULL, NULL, NULL);
        if (r < 0) {
                res->refused = true;
                cb->item(cb->userdata, person, LOAN_REFUSED, tok, err_msg());
                return;
        }
        back[j] = true;
        res->returned++;
        cb->item(cb->userdata, person, LOAN_TAKEN_BACK, tok, NULL);
}

int loan_return_all(struct db *db, const char *ref, const struct loan_return_all_callbacks *cb, struct loan_return_all_result *ret) {
        _cleanup_json_ json_t *p = NULL, *held = NULL;
        int r = loan_holdings(db, ref, &p, &held);
        if (r < 0) return r;
        size_t n = json_array_size(held);
        struct loan_return_all_result res = {.held = n};
        _cleanup_free_ bool *back = xcalloc(n ? n : 1, sizeof *back);
        for (size_t i = 0; n > 0; i++) {
                const char *raw = cb->next ? cb->next(cb->userdata) : i < n ? json_str(json_array_get(held, i), "tag") : NULL;
                if (!raw) break;
                take_back(db, p, held, back, raw, cb, &res);
        }
        res.missing = json_array();
        for (size_t j = 0; j < n; j++)
                if (!back[j]) json_array_append(res.missing, json_array_get(held, j));
        res.person = TAKE_PTR(p);
        *ret = res;
        return 0;
}

void loan_return_all_result_done(struct loan_return_all_result *r) {
        json_decref(r->person);
        json_decref(r->missing);
        *r = (struct loan_return_all_result) {0};
}

int person_sign_aup(struct db *db, const char *ref, const char *date, const char *version) {
        char d[11];
        if (date) {
                if (parse_date(date, d) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", date);
        } else
                today(d);
        _cleanup_json_ json_t *c = json_pack("{ss}", "aup_signed", d);
        if (version) json_object_set_new(c, "aup_version", json_string(version));
        return person_edit(db, ref, c);
}

int person_clear_aup(struct db *db, const char *ref) {
        _cleanup_json_ json_t *c = json_pack("{snsn}", "aup_signed", "aup_version");
        return person_edit(db, ref, c);
}

int person_set_leaving(struct db *db, const char *ref, const char *date) {
        char d[11];
        if (date && parse_date(date, d) < 0) return err_set(EINVAL, "--date '%s' is not a date (use YYYY-MM-DD)", date);
        _cleanup_json_ json_t *c = json_object();
        json_object_set_new(c, "leaving_date", date ? json_string(d) : json_null());
        return person_edit(db, ref, c);
}

int person_add_badge(struct db *db, const char *ref, const char *badge) {
        if (isempty(badge) || strpbrk(badge, " \t/") || strlen(badge) > 64 || !utf8_valid(badge, strlen(badge)))
                return err_set(EINVAL, "badge '%s': one word of at most 64 characters, no '/'", badge);
        _cleanup_json_ json_t *p = NULL, *other = NULL, *d = NULL;
        int r = db_begin(db);
        if (r < 0) return r;
        r = person_get(db, ref, &p);
        if (r < 0) goto fail;
        if (db_person_by_badge(db, badge, &other) == 0) {
                r = err_set(EEXIST, "badge '%s' already belongs to %s (%s)", badge, json_str(other, "name"), json_str(other, "ref"));
                goto fail;
        }
        if (db_person_by_ref(db, badge, &other) == 0) {
                r = err_set(EEXIST, "badge '%s' is also the reference of %s: a scan could not tell them apart", badge, json_str(other, "name"));
                goto fail;
        }
        r = scan_name_check(db, badge, "badge", false);
        if (r < 0) goto fail;
        int64_t id;
        r = db_badge_insert(db, badge, jid(p), &id);
        if (r < 0) goto fail;
        d = json_pack("{ss}", "badge", badge);
        r = db_audit(db, "person.badge", json_str(p, "ref"), d, "badges", id);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}
