/* The register's side of a wipe (see wipe-record-internal.h). */
#include "core-internal.h"
#include "config.h"
#include "wipe-record-internal.h"
#include "store-wipes.h"
#include "json.h"
#include "disposal.h"

#include <pthread.h>

/* One lock for every record function: the wipe threads share the db. */
static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

static void unlockp(pthread_mutex_t **m) { if (*m) pthread_mutex_unlock(*m); }
#define LOCKED _cleanup_(unlockp) pthread_mutex_t *_lk = (pthread_mutex_lock(&record_lock), &record_lock)

void wipe_record_done(struct wipe_record *rec) {
        free(rec->asset_tag);
        free(rec->subject);
        free(rec->note);
        rec->asset_tag = rec->subject = rec->note = NULL;
}

int wipe_match(struct db *db, const struct blockdev *b, const char *asset_tag, json_t **ret) {
        _cleanup_json_ json_t *dm = NULL, *medium = NULL, *asset = NULL;
        _cleanup_free_ char *tag = asset_tag ? strupper(xstrdup(asset_tag)) : NULL;
        LOCKED;
        if (b) {
                /* the devices module's rule: medium by serial, then WWN; a loop device by its image file */
                int r = device_match(db, b, &dm);
                if (r < 0) return r;
        }
        const char *found = dm ? json_str(dm, "asset_tag") : NULL;
        if (tag && found && !streq(found, tag))
                return err_set(EPERM, "the drive (%s %s) is registered in '%s', not '%s'",
                               json_str(dm, "medium_serial") ? "medium" : "serial",
                               json_str(dm, "medium_serial") ? json_str(dm, "medium_serial") : strempty(b ? b->serial : NULL), found, tag);
        if (tag || found) {
                int r = db_asset_by_tag(db, tag ? tag : found, &asset);
                if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", tag ? tag : found);
                if (r < 0) return r;
        }
        if (dm && json_is_integer(json_object_get(dm, "medium_id")))
                medium = json_pack("{sO,ss?,ss?,ss?,ss?}", "id", json_object_get(dm, "medium_id"), "serial", json_str(dm, "medium_serial"),
                                   "model", json_str(dm, "medium_model"), "kind", json_str(dm, "medium_kind"), "matched_by",
                                   json_str(dm, "matched_by"));
        json_t *o = json_object();
        json_object_set(o, "medium", medium ? medium : json_null());
        json_object_set(o, "asset", asset ? asset : json_null());
        *ret = o;
        return 0;
}

/* This machine: hostname and machine id, as JSON text. */
static char *host_identity(void) {
        char name[256] = "";
        gethostname(name, sizeof name - 1);
        _cleanup_free_ char *mid = NULL;
        size_t n;
        _cleanup_json_ json_t *o = json_object();
        json_set_str(o, "hostname", name);
        if (read_file("/etc/machine-id", 256, &mid, &n) == 0) json_set_str(o, "machine_id", strstrip(mid));
        err_clear();
        return json_canonical(o);
}

int wipe_record_begin(struct db *db, json_t *w, struct wipe_record *rec) {
        LOCKED;
        _cleanup_json_ json_t *row = json_deep_copy(w), *d = NULL;
        _cleanup_free_ char *dev = json_canonical(json_object_get(w, "device"));
        _cleanup_free_ char *passes = json_canonical(json_object_get(w, "pass_list"));
        _cleanup_free_ char *host = host_identity();
        const char *tag = json_str(w, "asset_tag");
        _cleanup_free_ char *subject = xstrdup(tag ? tag : json_str(w, "target"));
        char now[21];
        now_utc(now);
        json_object_set_new(row, "device", json_string(dev));
        json_object_set_new(row, "pass_list", json_string(passes));
        json_object_set_new(row, "host", json_string(host));
        json_object_set_new(row, "operator", json_string(db_actor(db)));
        json_object_set_new(row, "tool_version", json_string(ASSETCTL_VERSION));
        json_object_set_new(row, "started_at", json_string(now));
        int r = db_begin(db);
        if (r < 0) return r;
        int64_t id;
        r = db_wipe_insert(db, row, &id);
        if (r < 0) goto fail;
        d = json_pack("{sI,ss,ss,sO,ss}", "wipe", (json_int_t) id, "target", json_str(w, "target"), "method",
                      json_str(w, "method"), "passes", json_object_get(w, "pass_list"), "verify", json_str(w, "verify"));
        json_t *dv = json_object_get(w, "device");
        if (json_str(dv, "serial")) json_object_set_new(d, "serial", json_string(json_str(dv, "serial")));
        r = db_audit(db, "wipe.start", subject, d, "wipes", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) return r;
        *rec = (struct wipe_record) {.id = id, .medium_id = json_integer_value(json_object_get(w, "medium_id"))};
        rec->asset_tag = tag ? xstrdup(tag) : NULL;
        rec->subject = TAKE_PTR(subject);
        return 0;
fail:
        db_rollback(db);
        return r;
}

static const char *hex32(const uint8_t d[32], char out[65]) {
        hex_encode(d, 32, out);
        return out;
}

int wipe_record_pass_begin(struct db *db, struct wipe_record *rec, const struct wipe_pass_result *p) {
        LOCKED;
        char name[8], h[65], t[32];
        wipe_pass_name(&p->spec, name);
        wipe_time_iso(p->started_ns, t);
        _cleanup_json_ json_t *row = json_pack("{sI,ss,ss}", "index", (json_int_t) p->index, "pattern", name, "started_at", t);
        if (p->spec.kind == WIPE_RANDOM) json_object_set_new(row, "seed_sha256", json_string(hex32(p->seed_hash, h)));
        int r = db_begin(db);
        if (r < 0) return r;
        int64_t id;
        r = db_wipe_pass_insert(db, rec->id, row, &id);
        if (r < 0) goto fail;
        json_object_set_new(row, "wipe", json_integer(rec->id));
        json_object_del(row, "started_at");
        r = db_audit(db, "wipe.pass-start", rec->subject, row, "wipe_passes", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r >= 0 && p->index >= 1 && p->index <= WIPE_MAX_PASSES) rec->pass_rows[p->index - 1] = id;
        return r;
fail:
        db_rollback(db);
        return r;
}

int wipe_record_pass_end(struct db *db, struct wipe_record *rec, const struct wipe_pass_result *p) {
        LOCKED;
        if (p->index < 1 || p->index > WIPE_MAX_PASSES || !rec->pass_rows[p->index - 1])
                return err_set(EINVAL, "pass %u of wipe %lld was never recorded as begun", p->index, (long long) rec->id);
        _cleanup_json_ json_t *j = wipe_pass_json(p), *row = json_object(), *errs = json_object(), *d = NULL;
        const char *status = !p->error ? "done" : streq(p->error, "interrupted") ? "interrupted" : "failed";
        json_set_str(row, "status", status);
        static const char *const same[] = {"seed", "bytes_written", "root_written", "verify", "bytes_verified", "root_read",
                                           "write_error_bytes", "read_error_bytes", "mismatch_bytes", "ended_at", "error"};
        for (size_t i = 0; i < ELEMENTSOF(same); i++) {
                json_t *v = json_object_get(j, same[i]);
                if (v) json_object_set(row, same[i], v);
        }
        static const char *const err_keys[] = {"write_retries", "write_errors", "read_retries", "read_errors", "mismatches",
                                               "chunks_verified"};
        for (size_t i = 0; i < ELEMENTSOF(err_keys); i++) {
                json_t *v = json_object_get(j, err_keys[i]);
                if (v) json_object_set(errs, err_keys[i], v);
        }
        if (p->write_errors.dropped || p->read_errors.dropped || p->mismatches.dropped)
                json_object_set_new(errs, "ranges_not_kept", json_integer((json_int_t) (p->write_errors.dropped + p->read_errors.dropped + p->mismatches.dropped)));
        _cleanup_free_ char *errs_text = json_canonical(errs);
        json_object_set_new(row, "errors", json_string(errs_text));
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_wipe_pass_update(db, rec->pass_rows[p->index - 1], row);
        if (r < 0) goto fail;
        d = json_pack("{sI,sI,ss,ss}", "wipe", (json_int_t) rec->id, "index", (json_int_t) p->index, "pattern",
                      json_str(j, "pattern"), "status", status);
        json_object_set(d, "root_written", json_object_get(j, "root_written"));
        if (json_object_get(j, "root_read")) json_object_set(d, "root_read", json_object_get(j, "root_read"));
        if (p->error) json_set_str(d, "error", p->error);
        r = db_audit(db, "wipe.pass", rec->subject, d, "wipe_passes", rec->pass_rows[p->index - 1]);
        if (r < 0) goto fail;
        return db_commit(db);
fail:
        db_rollback(db);
        return r;
}

/* THE place where a wipe has ended and its outcome is committed: every
 * wipe, whatever its outcome, passes here exactly once, after
 * wipe_record_end() has committed. Issue 7 (certificates) hooks in here: an
 * outcome of "erased" on a wipe with certify true gets a signed certificate.
 * Returns 0 or -errno (the wipe's record stays as committed). */
static int wipe_ended(struct db *db, struct wipe_record *rec, struct signer *signer) {
        /* issue 7: certificate for an authorised asset's erased medium, or destruction */
        _cleanup_json_ json_t *w = NULL;
        int e = wipe_get(db, rec->id, &w);
        if (e < 0) return e;
        LOCKED;
        free(rec->note);
        rec->note = NULL;
        return disposal_on_wipe_ended(db, w, signer, &rec->note, &rec->note_warning);
}

int wipe_record_end(struct db *db, struct wipe_record *rec, const struct wipe_result *res, struct signer *signer) {
        {
                LOCKED;
                char t[32];
                wipe_time_iso(res->ended_ns, t);
                const char *outcome = wipe_outcome_name(res->outcome);
                _cleanup_json_ json_t *d = json_pack("{sI,ss}", "wipe", (json_int_t) rec->id, "outcome", outcome);
                if (res->error) json_set_str(d, "error", res->error);
                int r = db_begin(db);
                if (r < 0) return r;
                r = db_wipe_finish(db, rec->id, outcome, t, res->error, res->direct);
                if (r >= 0 && res->last_digests && res->n_passes)
                        r = db_wipe_digests_insert(db, rec->id, (int64_t) res->passes[res->n_passes - 1].index,
                                                   res->last_digests, res->n_chunks);
                if (r < 0) goto fail;
                r = db_audit_begin(db, "wipe.end", rec->subject, d);
                if (r >= 0) r = db_audit_row(db, "wipes", rec->id);
                if (r >= 0 && res->last_digests && res->n_passes) r = db_audit_row(db, "wipe_digests", rec->id);
                if (r >= 0) r = db_audit_end(db);
                if (r < 0) goto fail;
                if (rec->medium_id && (res->outcome == WIPE_FAILED || res->outcome == WIPE_ERASED_EXCEPTIONS)) {
                        /* the medium goes to physical destruction; the asset's state is issue 7's */
                        r = db_media_set_status(db, rec->medium_id, ST_DESTROY_REQUIRED);
                        _cleanup_json_ json_t *md = json_pack("{sI,sI,ss,ss}", "medium", (json_int_t) rec->medium_id, "wipe",
                                                              (json_int_t) rec->id, "outcome", outcome, "status", ST_DESTROY_REQUIRED);
                        if (r >= 0) r = db_audit(db, "media.destroy-required", rec->subject, md, "media", rec->medium_id);
                        if (r < 0) goto fail;
                }
                r = db_commit(db);
                if (r < 0) return r;
                goto ended;
fail:
                db_rollback(db);
                return r;
        }
ended:
        return wipe_ended(db, rec, signer);
}

int wipe_get(struct db *db, int64_t id, json_t **ret) {
        LOCKED;
        _cleanup_json_ json_t *w = NULL, *passes = NULL;
        int r = db_wipe_get(db, id, &w);
        if (r == -ENOENT) return err_set(ENOENT, "no wipe %lld in the register", (long long) id);
        if (r < 0) return r;
        r = db_wipe_passes(db, id, &passes);
        if (r < 0) return r;
        json_object_set(w, "passes", passes);
        json_t *fw = NULL;
        r = db_wipe_firmware_get(db, id, &fw);
        if (r < 0 && r != -ENOENT) return r;
        if (fw) json_object_set_new(w, "firmware", fw);
        *ret = TAKE_PTR(w);
        return 0;
}

int wipe_list(struct db *db, const char *asset_tag, json_t **ret) {
        LOCKED;
        return db_wipe_list(db, asset_tag, ret);
}

int wipe_last_digests(struct db *db, int64_t id, uint8_t **ret, uint64_t *ret_n) {
        LOCKED;
        int r = db_wipe_digests_get(db, id, NULL, ret, ret_n);
        if (r == -ENOENT) return err_set(ENOENT, "wipe %lld has no chunk digests (its last pass did not complete)", (long long) id);
        return r;
}

int wipe_record_firmware(struct db *db, struct wipe_record *rec, const char *method, const char *state, json_t *record) {
        LOCKED;
        json_object_set_new(record, "state", json_string(state));
        _cleanup_free_ char *text = json_canonical(record);
        int r = db_begin(db);
        if (r < 0) return r;
        r = db_wipe_firmware_set(db, rec->id, method, state, text);
        _cleanup_json_ json_t *d = json_pack("{sI,ss,ss}", "wipe", (json_int_t) rec->id, "method", method, "state", state);
        if (r >= 0) r = db_audit(db, "wipe.firmware", rec->subject, d, "wipe_firmware", rec->id);
        if (r < 0) {
                db_rollback(db);
                return r;
        }
        return db_commit(db);
}

int wipe_firmware_open(struct db *db, const char *state, json_t **ret) {
        LOCKED;
        return db_wipe_firmware_open(db, state, ret);
}

int wipe_record_resume(struct db *db, int64_t id, struct wipe_record *rec) {
        LOCKED;
        _cleanup_json_ json_t *w = NULL;
        int r = db_wipe_get(db, id, &w);
        if (r < 0) return r;
        const char *tag = json_str(w, "asset_tag");
        *rec = (struct wipe_record) {.id = id, .medium_id = json_integer_value(json_object_get(w, "medium_id"))};
        rec->asset_tag = tag ? xstrdup(tag) : NULL;
        rec->subject = xstrdup(tag ? tag : strempty(json_str(w, "target")));
        return 0;
}
