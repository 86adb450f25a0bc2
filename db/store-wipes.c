/* Wipes and their passes in the store (see store-wipes.h). */
#include "store-wipes.h"
#include "db-internal.h"
#include "json.h"

/* Bind obj[key]: strings, integers, booleans as 0/1, absent or null as NULL. */
static void bind_key(struct db_stmt *st, int i, json_t *obj, const char *key) {
        json_t *v = json_object_get(obj, key);
        if (json_is_string(v)) db_bind_text(st, i, json_string_value(v));
        else if (json_is_integer(v)) db_bind_int(st, i, json_integer_value(v));
        else if (json_is_boolean(v)) db_bind_int(st, i, json_is_true(v));
        else db_bind_null(st, i);
}

/* Replace a text member holding JSON with the parsed value. */
static void parse_member(json_t *o, const char *key) {
        const char *s = json_str(o, key);
        if (!s) return;
        json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
        if (v) json_object_set_new(o, key, v);
}

int db_wipe_insert(struct db *db, json_t *w, int64_t *ret_id) {
        static const char *const keys[] = {"target", "target_kind", "medium_id", "asset_tag", "device", "method",
                                           "pass_list", "verify", "size_bytes", "sector_size", "started_at",
                                           "operator", "host", "tool_version", "certify"};
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO wipes(target, target_kind, medium_id, asset_tag, device, method, pass_list, "
                               "verify, size_bytes, sector_size, started_at, operator, host, tool_version, certify, outcome) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, coalesce(?15, 1), 'started')", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) bind_key(st, (int) i + 1, w, keys[i]);
        r = db_step_done(db, st, "cannot record the wipe");
        if (r < 0) return r;
        *ret_id = db_last_id(db);
        return 0;
}

int db_wipe_finish(struct db *db, int64_t id, const char *outcome, const char *ended_at, const char *error, int direct_io) {
        struct db_stmt *st;
        int r = db_prepare(db, "UPDATE wipes SET outcome = ?1, ended_at = ?2, error = ?3, direct_io = ?4 WHERE id = ?5", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, outcome);
        db_bind_text(st, 2, ended_at);
        db_bind_text(st, 3, error);
        if (direct_io < 0) db_bind_null(st, 4);
        else db_bind_int(st, 4, direct_io);
        db_bind_int(st, 5, id);
        return db_step_done(db, st, "cannot record the wipe's outcome");
}

int db_wipe_pass_insert(struct db *db, int64_t wipe_id, json_t *p, int64_t *ret_id) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO wipe_passes(wipe_id, idx, pattern, seed_sha256, verify, started_at) "
                               "VALUES (?1, ?2, ?3, ?4, coalesce(?5, 'off'), ?6)", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        bind_key(st, 2, p, "index");
        bind_key(st, 3, p, "pattern");
        bind_key(st, 4, p, "seed_sha256");
        bind_key(st, 5, p, "verify");
        bind_key(st, 6, p, "started_at");
        r = db_step_done(db, st, "cannot record the pass");
        if (r < 0) return r;
        *ret_id = db_last_id(db);
        return 0;
}

int db_wipe_pass_update(struct db *db, int64_t id, json_t *p) {
        static const char *const keys[] = {"status", "seed", "bytes_written", "root_written", "verify", "bytes_verified",
                                           "root_read", "write_error_bytes", "read_error_bytes", "mismatch_bytes",
                                           "errors", "ended_at", "error"};
        struct db_stmt *st;
        int r = db_prepare(db, "UPDATE wipe_passes SET status = ?1, seed = ?2, bytes_written = ?3, root_written = ?4, "
                               "verify = ?5, bytes_verified = ?6, root_read = ?7, write_error_bytes = coalesce(?8, 0), "
                               "read_error_bytes = coalesce(?9, 0), mismatch_bytes = coalesce(?10, 0), errors = ?11, "
                               "ended_at = ?12, error = ?13 WHERE id = ?14", &st);
        if (r < 0) return r;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) bind_key(st, (int) i + 1, p, keys[i]);
        db_bind_int(st, 14, id);
        return db_step_done(db, st, "cannot record the pass");
}

int db_wipe_digests_insert(struct db *db, int64_t wipe_id, int64_t pass_idx, const uint8_t *d, uint64_t n) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO wipe_digests(wipe_id, pass_idx, chunk_size, digests) VALUES (?1, ?2, 4194304, ?3)", &st);
        if (r < 0) return r;
        if (n * 32 > INT32_MAX) return err_set(EFBIG, "too many chunk digests to store (%llu)", (unsigned long long) n);
        db_bind_int(st, 1, wipe_id);
        db_bind_int(st, 2, pass_idx);
        db_bind_blob(st, 3, d, (n * 32));
        return db_step_done(db, st, "cannot record the chunk digests");
}

int db_wipe_digests_get(struct db *db, int64_t wipe_id, int64_t *ret_pass_idx, uint8_t **ret, uint64_t *ret_n) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT pass_idx, digests FROM wipe_digests WHERE wipe_id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        r = db_step(db, st, "cannot read the chunk digests");
        if (r <= 0) {
                db_reset(st);
                return r == 0 ? -ENOENT : r;
        }
        size_t nb = 0;
        const void *p = db_column_blob(st, 1, &nb);
        int n = (int) nb;
        if (n % 32) {
                db_reset(st);
                return err_set(EBADMSG, "the chunk digests of wipe %lld are damaged (%d bytes)", (long long) wipe_id, n);
        }
        uint8_t *d = xmalloc(n ? (size_t) n : 1);
        if (n) memcpy(d, p, (size_t) n);
        if (ret_pass_idx) *ret_pass_idx = db_column_int(st, 0);
        db_reset(st);
        *ret = d;
        *ret_n = (uint64_t) n / 32;
        return 0;
}

#define WIPE_COLS "id, target, target_kind, medium_id, asset_tag, device, method, pass_list, verify, size_bytes, " \
                  "sector_size, direct_io, started_at, ended_at, outcome, error, operator, host, tool_version, certify"

static void fix_wipe(json_t *w) {
        parse_member(w, "device");
        parse_member(w, "pass_list");
        parse_member(w, "host");
        json_t *v = json_object_get(w, "direct_io");
        if (json_is_integer(v)) json_object_set_new(w, "direct_io", json_boolean(json_integer_value(v)));
        v = json_object_get(w, "certify");
        if (json_is_integer(v)) json_object_set_new(w, "certify", json_boolean(json_integer_value(v)));
}

int db_wipe_get(struct db *db, int64_t id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " WIPE_COLS " FROM wipes WHERE id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, id);
        _cleanup_json_ json_t *arr = NULL;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        if (json_array_size(arr) == 0) return -ENOENT;
        json_t *w = json_incref(json_array_get(arr, 0));
        fix_wipe(w);
        *ret = w;
        return 0;
}

int db_wipe_passes(struct db *db, int64_t wipe_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT idx AS \"index\", pattern, status, seed_sha256, seed, bytes_written, root_written, verify, "
                               "bytes_verified, root_read, write_error_bytes, read_error_bytes, mismatch_bytes, errors, "
                               "started_at, ended_at, error FROM wipe_passes WHERE wipe_id = ?1 ORDER BY idx", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        json_t *arr;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        size_t i;
        json_t *p;
        json_array_foreach(arr, i, p) parse_member(p, "errors");
        *ret = arr;
        return 0;
}

int db_wipe_list(struct db *db, const char *asset_tag, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT " WIPE_COLS " FROM wipes WHERE CAST(?1 AS TEXT) IS NULL OR asset_tag = ?1 ORDER BY id DESC", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, asset_tag);
        json_t *arr;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        size_t i;
        json_t *w;
        json_array_foreach(arr, i, w) fix_wipe(w);
        *ret = arr;
        return 0;
}

int db_wipe_firmware_set(struct db *db, int64_t wipe_id, const char *method, const char *state, const char *record) {
        struct db_stmt *st;
        int r = db_prepare(db, "INSERT INTO wipe_firmware(wipe_id, method, state, record) VALUES (?1, ?2, ?3, ?4) "
                               "ON CONFLICT(wipe_id) DO UPDATE SET method = ?2, state = ?3, record = ?4", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        db_bind_text(st, 2, method);
        db_bind_text(st, 3, state);
        db_bind_text(st, 4, record);
        return db_step_done(db, st, "cannot record the firmware command");
}

int db_wipe_firmware_get(struct db *db, int64_t wipe_id, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT record FROM wipe_firmware WHERE wipe_id = ?1", &st);
        if (r < 0) return r;
        db_bind_int(st, 1, wipe_id);
        _cleanup_json_ json_t *arr = NULL;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        if (json_array_size(arr) == 0) return -ENOENT;
        const char *text = json_str(json_array_get(arr, 0), "record");
        json_t *v = text ? json_loads(text, 0, NULL) : NULL;
        if (!v) return err_set(EBADMSG, "the firmware record of wipe %lld is damaged", (long long) wipe_id);
        *ret = v;
        return 0;
}

int db_wipe_firmware_open(struct db *db, const char *state, json_t **ret) {
        struct db_stmt *st;
        int r = db_prepare(db, "SELECT w.id AS id, w.target AS target, w.device AS device, f.method AS method, f.state AS state "
                               "FROM wipes w JOIN wipe_firmware f ON f.wipe_id = w.id "
                               "WHERE w.outcome = 'started' AND f.state = ?1 ORDER BY w.id DESC", &st);
        if (r < 0) return r;
        db_bind_text(st, 1, state);
        _cleanup_json_ json_t *arr = NULL;
        r = db_collect(db, st, NULL, &arr);
        if (r < 0) return r;
        size_t i;
        json_t *w;
        json_array_foreach(arr, i, w) parse_member(w, "device");
        *ret = TAKE_PTR(arr);
        return 0;
}
