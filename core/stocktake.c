/* Stock-takes. See stocktake.h. */
#include "stocktake.h"
#include "store-loans.h"
#include "json.h"

static int64_t jid(json_t *o) { return json_integer_value(json_object_get(o, "id")); }

int stocktake_start(struct db *db, const char *room, int64_t *ret_id, int64_t *ret_expected) {
        if (isempty(room) || !utf8_valid(room, strlen(room)) || strlen(room) > 256)
                return err_set(EINVAL, "give the room to stock-take (as the register's location names it)");
        _cleanup_json_ json_t *exp = NULL, *d = NULL;
        _cleanup_free_ char *subject = NULL;
        char now[21];
        now_utc(now);
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_assets_expected_in(db, room, &exp);
        if (r < 0) goto fail;
        int64_t id;
        r = db_stocktake_insert(db, room, now, &id);
        if (r < 0) goto fail;
        d = json_pack("{ss,sI,sI}", "room", room, "id", (json_int_t) id, "expected", (json_int_t) json_array_size(exp));
        subject = xasprintf("stocktake-%lld", (long long) id);
        r = db_audit(db, "stocktake.start", subject, d, "stocktakes", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        *ret_id = id;
        if (ret_expected) *ret_expected = (int64_t) json_array_size(exp);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int stocktake_resolve(struct db *db, int64_t id, json_t **ret) {
        json_t *s = NULL;
        if (id) {
                int r = db_stocktake_get(db, id, &s);
                if (r == -ENOENT) return err_set(ENOENT, "no stock-take %lld (see 'assetctl stocktake list')", (long long) id);
                if (r < 0) return r;
                if (json_str(s, "finished_at")) {
                        r = err_set(EPERM, "stock-take %lld of %s was finished at %s", (long long) id, json_str(s, "room"),
                                    json_str(s, "finished_at"));
                        json_decref(s);
                        return r;
                }
                *ret = s;
                return 0;
        }
        _cleanup_json_ json_t *open = NULL;
        int r = db_stocktake_list(db, true, &open);
        if (r < 0) return r;
        if (r == 0) return err_set(ENOENT, "no stock-take is open: start one with 'assetctl stocktake start ROOM'");
        if (r > 1) {
                struct strbuf sb = {0};
                for (size_t i = 0; i < json_array_size(open); i++) {
                        json_t *o = json_array_get(open, i);
                        sb_printf(&sb, "%s%lld (%s)", i ? ", " : "", (long long) jid(o), json_str(o, "room"));
                }
                r = err_set(EEXIST, "several stock-takes are open (%s): give --stocktake ID", sb.buf);
                sb_free(&sb);
                return r;
        }
        *ret = json_incref(json_array_get(open, 0));
        return 0;
}

int stocktake_scan(struct db *db, int64_t id, const char *tag_in, json_t **ret_info) {
        _cleanup_free_ char *tag = strupper(xstrdup(tag_in));
        if (!asset_tag_valid(tag)) return err_set(EINVAL, "'%s' is not an asset tag", tag_in);
        _cleanup_json_ json_t *s = NULL, *a = NULL, *info = NULL, *d = NULL, *scans = NULL;
        char now[21];
        now_utc(now);
        int r = db_begin(db);
        if (r < 0) return r;
        r = stocktake_resolve(db, id, &s);
        if (r < 0) goto fail;
        id = jid(s);
        r = db_asset_by_tag(db, tag, &a);
        if (r < 0 && r != -ENOENT) goto fail;
        bool known = r == 0;
        /* a duplicate: this tag was scanned before in this stock-take */
        bool dup = false;
        r = db_stocktake_scans(db, id, &scans);
        if (r < 0) goto fail;
        for (size_t i = 0; i < json_array_size(scans); i++)
                if (streq(json_str(json_array_get(scans, i), "tag"), tag)) dup = true;
        int64_t sid;
        r = db_stocktake_scan_insert(db, id, tag, known ? jid(a) : 0, now, &sid);
        if (r < 0) goto fail;
        d = json_pack("{sI}", "stocktake", (json_int_t) id);
        r = db_audit(db, "stocktake.scan", tag, d, "stocktake_scans", sid);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        const char *loc = known ? json_str(a, "location") : NULL;
        info = json_pack("{ss,sb,sb,sb,sI,ss}", "tag", tag, "known", known, "duplicate", dup, "wrong_room",
                         known && (!loc || strcasecmp(loc, json_str(s, "room")) != 0), "stocktake", (json_int_t) id,
                         "room", json_str(s, "room"));
        json_set_str(info, "location", loc);
        json_set_str(info, "status", known ? json_str(a, "status") : NULL);
        *ret_info = TAKE_PTR(info);
        return 0;
fail:
        db_rollback(db);
        return r;
}

static json_t *brief(json_t *o, const char *const *keys) {
        json_t *b = json_object();
        for (; *keys; keys++) json_object_set(b, *keys, json_object_get(o, *keys) ? json_object_get(o, *keys) : json_null());
        return b;
}

int stocktake_finish(struct db *db, int64_t id, json_t **ret_report) {
        static const char *const found_keys[] = {"tag", "make", "model", "status", NULL};
        static const char *const missing_keys[] = {"tag", "make", "model", "serial", "status", NULL};
        static const char *const wrong_keys[] = {"tag", "make", "model", "location", NULL};
        _cleanup_json_ json_t *s = NULL, *exp = NULL, *scans = NULL, *rep = NULL, *d = NULL, *seen = NULL;
        _cleanup_free_ char *text = NULL, *subject = NULL;
        char t[11], now[21];
        today(t);
        now_utc(now);
        int r = db_begin(db);
        if (r < 0) return r;
        r = stocktake_resolve(db, id, &s);
        if (r < 0) goto fail;
        id = jid(s);
        const char *room = json_str(s, "room");
        r = db_assets_expected_in(db, room, &exp);
        if (r >= 0) r = db_stocktake_scans(db, id, &scans);
        if (r < 0) goto fail;
        json_t *found = json_array(), *missing = json_array(), *wrong = json_array(), *unknown = json_array(),
               *dups = json_array();
        rep = json_pack("{sI,ss,ss,ss,sI,sI,so,so,so,so,so}", "id", (json_int_t) id, "room", room, "started_at",
                        json_str(s, "started_at"), "finished_at", now, "expected", (json_int_t) json_array_size(exp), "scans",
                        (json_int_t) json_array_size(scans), "found", found, "missing", missing, "wrong_room", wrong,
                        "unknown", unknown, "duplicates", dups);
        /* first scan of each tag decides; later ones count as duplicates */
        seen = json_object();
        int64_t audited = 0;
        for (size_t i = 0; i < json_array_size(scans); i++) {
                json_t *sc = json_array_get(scans, i);
                const char *tag = json_str(sc, "tag");
                json_t *n = json_object_get(seen, tag);
                if (n) {
                        json_integer_set(n, json_integer_value(n) + 1);
                        continue;
                }
                json_object_set_new(seen, tag, json_integer(1));
                if (!json_is_integer(json_object_get(sc, "asset_id"))) {
                        json_array_append_new(unknown, json_string(tag));
                        continue;
                }
                const char *loc = json_str(sc, "location");
                if (loc && strcasecmp(loc, room) == 0) json_array_append_new(found, brief(sc, found_keys));
                else json_array_append_new(wrong, brief(sc, wrong_keys));
        }
        for (size_t i = 0; i < json_array_size(exp); i++) {
                json_t *e = json_array_get(exp, i);
                if (!json_object_get(seen, json_str(e, "tag"))) json_array_append_new(missing, brief(e, missing_keys));
        }
        const char *k;
        json_t *v;
        json_object_foreach(seen, k, v) if (json_integer_value(v) > 1) {
                json_t *dup = json_pack("{ss,sI}", "tag", k, "count", (json_int_t) json_integer_value(v));
                for (size_t i = 0; i < json_array_size(scans); i++) {
                        json_t *sc = json_array_get(scans, i);
                        if (!streq(json_str(sc, "tag"), k)) continue;
                        json_set_str(dup, "make", json_str(sc, "make"));
                        json_set_str(dup, "model", json_str(sc, "model"));
                        break;
                }
                json_array_append_new(dups, dup);
        }
        text = json_canonical(rep);
        subject = xasprintf("stocktake-%lld", (long long) id);
        r = db_stocktake_finish(db, id, now, text);
        if (r < 0) goto fail;
        d = json_pack("{ss,sI,sI,sI,sI,sI}", "room", room, "found", (json_int_t) json_array_size(found), "missing",
                      (json_int_t) json_array_size(missing), "wrong_room", (json_int_t) json_array_size(wrong), "unknown",
                      (json_int_t) json_array_size(unknown), "duplicates", (json_int_t) json_array_size(dups));
        r = db_audit_begin(db, "stocktake.finish", subject, d);
        if (r >= 0) r = db_audit_row(db, "stocktakes", id);
        /* every asset seen (in this room or another) has been audited today */
        for (size_t i = 0; r >= 0 && i < json_array_size(scans); i++) {
                json_t *sc = json_array_get(scans, i);
                json_t *aid = json_object_get(sc, "asset_id");
                if (!json_is_integer(aid) || json_integer_value(json_object_get(seen, json_str(sc, "tag"))) < 0) continue;
                json_object_set_new(seen, json_str(sc, "tag"), json_integer(-1));
                r = db_asset_set_audited(db, json_integer_value(aid), t);
                if (r >= 0) r = db_audit_row(db, "assets", json_integer_value(aid));
                audited++;
        }
        if (r >= 0) r = db_audit_end(db);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        *ret_report = TAKE_PTR(rep);
        return 0;
fail:
        db_rollback(db);
        return r;
}

int stocktake_get_report(struct db *db, int64_t id, json_t **ret_report) {
        _cleanup_json_ json_t *s = NULL;
        int r = db_stocktake_get(db, id, &s);
        if (r == -ENOENT) return err_set(ENOENT, "no stock-take %lld (see 'assetctl stocktake list')", (long long) id);
        if (r < 0) return r;
        const char *text = json_str(s, "report");
        if (!text) return err_set(EPERM, "stock-take %lld of %s is still open: finish it with 'assetctl stocktake finish'",
                                  (long long) id, json_str(s, "room"));
        json_t *rep = json_loads(text, 0, NULL);
        if (!rep) return err_set(EBADMSG, "stock-take %lld: the kept report is not valid JSON", (long long) id);
        *ret_report = rep;
        return 0;
}

int stocktake_list(struct db *db, json_t **ret) {
        int r = db_stocktake_list(db, false, ret);
        return r < 0 ? r : 0;
}
