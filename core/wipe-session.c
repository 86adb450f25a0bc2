/* The wipe session (see wipe-session.h): identify, confirm, open, record,
 * wipe in parallel, certify. The front end only prompts and prints. */
#include "core-internal.h"
#include "config.h"
#include "wipe-session.h"
#include "wipe-record-internal.h"
#include "wipe-session-internal.h"
#include "wipe-firmware-internal.h"
#include "disposal.h"
#include "json.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* err_set() "WHAT 'PATH': the reason already set" (or r's text). */
static int err_about(int r, const char *what, const char *path) {
        _cleanup_free_ char *why = xstrdup(*err_msg() ? err_msg() : strerror(-r));
        return err_set(-r, "%s '%s': %s", what, path, why);
}

int fw_err_about(int r, const char *what, const char *path) { return err_about(r, what, path); }

static void job_free(struct job *j) {
        free(j->path);
        free(j->confirm);
        free(j->warning);
        if (j->dev) blockdev_free(j->dev);
        json_decref(j->identity);
        json_decref(j->match);
        wipe_target_close(&j->t);
        wipe_record_done(&j->rec);
        wipe_result_done(&j->res);
        free(j->record_err);
        fw_job_free(&j->fw);
}

void wipe_session_free(struct wipe_session *s) {
        for (size_t i = 0; i < s->n_jobs; i++) job_free(&s->jobs[i]);
        free(s->jobs);
        free(s->pass_list);
        free(s->verify_name);
        free(s->fw_plan_name);
        signer_free(s->signer);
        free(s);
}

/* --- the method and its policy --- */

static char *pass_names(const struct wipe_method *m) {
        char list[WIPE_MAX_PASSES * 8] = "";
        for (size_t i = 0; i < m->n_passes; i++) {
                char nm[8];
                wipe_pass_name(&m->passes[i], nm);
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s", i ? "," : "", nm);
        }
        return xstrdup(list);
}

int wipe_session_new(struct db *db, const struct wipe_session_params *p, struct wipe_session **ret) {
        if (!p->method == !p->passes) return err_set(EINVAL, "give a method or a pass list, not both or neither");
        unsigned fwm;
        if (p->method && (streq(p->method, "purge") || sanitize_method_from_name(p->method, &fwm) == 0)) {
                struct wipe_session *s = xcalloc(1, sizeof *s);
                *s = (struct wipe_session) {.db = db, .asset = p->asset, .certify = p->certify};
                s->opts = (struct wipe_options) {.threads = p->threads, .stop = p->stop};
                int r = fw_session_new(s, p);
                if (r < 0) {
                        wipe_session_free(s);
                        return r;
                }
                s->pass_list = xstrdup(p->then_overwrite ? "firmware,00,firmware" : "firmware");
                s->verify_name = xstrdup(s->fw_verify_all ? "all" : "markers");
                *ret = s;
                return 0;
        }
        err_clear();
        if (p->remove_hpa) return err_set(EINVAL, "--remove-hpa goes with a firmware method (--method purge, nvme-format-user, ...)");
        if (p->restore_dco) return err_set(EINVAL, "--restore-dco goes with a firmware method (--method purge, nvme-format-user, ...)");
        if (p->then_overwrite) return err_set(EINVAL, "--then-overwrite goes with a firmware method (--method purge, nvme-format-user, ...)");
        if (p->n_also_namespaces) return err_set(EINVAL, "--also-namespace goes with an nvme firmware method");
        struct wipe_method m;
        int r = p->passes ? wipe_method_parse_passes(p->passes, &m) : wipe_method_get(p->method, &m);
        if (r < 0 && p->method) {
                _cleanup_free_ char *why = xstrdup(err_msg());
                return err_set(EINVAL, "%s; or the drive's own firmware: purge, nvme-sanitize-crypto, nvme-sanitize-block, "
                                       "nvme-sanitize-overwrite, nvme-format-crypto, nvme-format-user, ata-sanitize-crypto, "
                                       "ata-sanitize-block, ata-sanitize-overwrite, ata-secure-erase, ata-secure-erase-enhanced, "
                                       "scsi-sanitize-crypto, scsi-sanitize-block, scsi-sanitize-overwrite",
                               why);
        }
        if (r < 0) return -EINVAL;
        struct wipe_options o = {.verify = m.verify, .sample_percent = m.sample_percent, .threads = p->threads, .stop = p->stop};
        if (p->verify) {
                r = wipe_verify_parse(p->verify, &o.verify, &o.sample_percent);
                if (r < 0) return -EINVAL;
                /* a method that needs full verification keeps it */
                if ((streq(m.name, "nist-clear") || streq(m.name, "is5-baseline")) && o.verify != WIPE_VERIFY_ALL)
                        return err_set(EINVAL, "--verify %s: %s verifies in full by definition", p->verify, m.name);
        }
        if (o.verify == WIPE_VERIFY_OFF && p->asset)
                return err_set(EPERM, "cannot wipe without verification: a wipe recorded against an asset is certified, "
                                      "and a certificate needs a verified wipe");
        if (o.verify == WIPE_VERIFY_OFF && p->certify)
                return err_set(EPERM, "cannot wipe without verification: a certified wipe must be verified "
                                      "(use --no-certificate to wipe unverified, with no certificate)");
        struct wipe_session *s = xcalloc(1, sizeof *s);
        *s = (struct wipe_session) {.db = db, .method = m, .opts = o, .asset = p->asset, .certify = p->certify};
        s->fw.allow_hpa = p->allow_hpa;
        s->pass_list = pass_names(&m);
        s->verify_name = xstrdup(wipe_verify_name(o.verify, o.sample_percent));
        *ret = s;
        return 0;
}

void wipe_session_set_signer(struct wipe_session *s, struct signer *signer) {
        signer_free(s->signer);
        s->signer = signer;
}

void wipe_session_plan(const struct wipe_session *s, struct wipe_session_plan *ret) {
        *ret = (struct wipe_session_plan) {
                .method = s->method.name, .n_passes = s->firmware ? (s->fw.then_overwrite ? 1 : 0) : s->method.n_passes,
                .pass_list = s->pass_list, .verify = s->verify_name, .firmware = s->firmware,
        };
}

/* --- targets --- */

/* What the wipe records of a drive: blockdev_json()'s identifying keys. */
static json_t *blockdev_identity(const struct blockdev *b) {
        static const char *const keys[] = {"devnode", "by_id", "vendor", "model", "serial", "bridge_serial", "wwn", "bus", "kind",
                                           "size_bytes", "logical_sector", "physical_sector", "rotational", "removable", "backing_file"};
        _cleanup_json_ json_t *all = blockdev_json(b);
        json_t *o = json_object();
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                json_t *v = json_object_get(all, keys[i]);
                /* these two only when the drive has them */
                if ((streq(keys[i], "bridge_serial") || streq(keys[i], "backing_file")) && json_is_null(v)) continue;
                json_object_set(o, keys[i], v ? v : json_null());
        }
        return o;
}

/* Overwriting does not reach the spare blocks of flash storage: say so. */
static char *flash_warning(const struct job *j) {
        const char *k = j->dev->kind;
        if (!streq_ptr(k, "ssd") && !streq_ptr(k, "nvme") && !streq_ptr(k, "flash")) return NULL;
        return xasprintf("'%s' is %s: overwriting does not reach its spare (over-provisioned and remapped) blocks; "
                         "also run the drive's own sanitize or secure erase (nvme sanitize, hdparm --security-erase)",
                         j->path, streq(k, "nvme") ? "an NVMe drive" : streq(k, "ssd") ? "an SSD" : "flash storage");
}

static int job_identify(struct job *j, const char *arg) {
        struct stat st;
        if (stat(arg, &st) < 0) return err_set(errno, "cannot wipe '%s': %s", arg, strerror(errno));
        if (S_ISBLK(st.st_mode)) {
                if (geteuid() != 0) return err_set(EPERM, "cannot wipe '%s': block devices need root: run it with sudo", arg);
                int r = blockdev_get(arg, &j->dev);
                if (r < 0) return err_about(r, "cannot wipe", arg);
                r = blockdev_check_writable(j->dev);
                if (r < 0) return err_about(r, "cannot wipe", arg);
                j->block = true;
                j->path = xstrdup(j->dev->devnode);
                j->confirm = xstrdup(!isempty(j->dev->serial) ? j->dev->serial : j->dev->devnode);
                j->identity = blockdev_identity(j->dev);
                j->warning = flash_warning(j);
        } else if (S_ISREG(st.st_mode)) {
                /* not a file behind a loop device, an active swap file or one
                 * another process writes to */
                int r = blockdev_check_file_writable(arg);
                if (r < 0) return err_about(r, "cannot wipe", arg);
                j->path = xstrdup(arg);
                j->st = st;
                j->confirm = xstrdup(arg);
                j->identity = json_pack("{ss,sI,sI,sI}", "image", arg, "size_bytes", (json_int_t) st.st_size,
                                        "inode", (json_int_t) st.st_ino, "device", (json_int_t) st.st_dev);
        } else
                return err_set(ENOTBLK, "cannot wipe '%s': not a block device or an image file", arg);
        return 0;
}

/* Before an overwrite too: a drive whose visible size is smaller than its
 * native size (an HPA) is refused unless --allow-hpa (the outcome then has
 * exceptions). A drive that answers no ATA query has no HPA to find. */
static int overwrite_hpa_check(struct wipe_session *s, struct job *j) {
        _cleanup_sanitize_caps_ struct sanitize_caps *c = NULL;
        if (sanitize_caps_get(j->path, &c) < 0) {
                err_clear();
                return 0;
        }
        if (!c->hpa.present) return 0;
        if (!s->fw.allow_hpa)
                return err_set(EPERM, "cannot wipe '%s': a host protected area hides part of it (visible %llu sectors, native %llu); "
                                      "wipe it with a firmware method and --remove-hpa, or use --allow-hpa to overwrite the visible "
                                      "part only (outcome erased_with_exceptions)",
                               j->path, (unsigned long long) c->hpa.current_max_sectors, (unsigned long long) c->hpa.native_max_sectors);
        j->fw.hpa_exception = true;
        return 0;
}

int wipe_session_add(struct wipe_session *s, const char *arg) {
        s->jobs = xrealloc(s->jobs, (s->n_jobs + 1) * sizeof *s->jobs);
        struct job *j = &s->jobs[s->n_jobs];
        *j = (struct job) {.index = s->n_jobs, .t.fd = -1, .s = s};
        s->n_jobs++;
        int r = job_identify(j, arg);
        if (r >= 0) {
                r = wipe_match(s->db, j->block ? j->dev : NULL, s->asset, &j->match);
                if (r < 0) r = err_about(r, "cannot wipe", arg);
        }
        if (r >= 0 && s->firmware) r = fw_job_prepare(s, j);
        else if (r >= 0 && j->block) r = overwrite_hpa_check(s, j);
        for (size_t k = 0; r >= 0 && k + 1 < s->n_jobs; k++)
                if (streq(s->jobs[k].path, j->path)) r = err_set(EEXIST, "'%s' is named twice", j->path);
        if (r < 0) {
                job_free(j);
                s->n_jobs--;
                return r;
        }
        return (int) j->index;
}

size_t wipe_session_count(const struct wipe_session *s) { return s->n_jobs; }

static bool confirm_by_serial(const struct job *j) { return j->block && !isempty(j->dev->serial); }

void wipe_session_target(const struct wipe_session *s, size_t i, struct wipe_session_target *ret) {
        const struct job *j = &s->jobs[i];
        const struct blockdev *b = j->dev;
        json_t *asset = json_object_get(j->match, "asset"), *medium = json_object_get(j->match, "medium");
        *ret = (struct wipe_session_target) {
                .path = j->path, .block = j->block, .asset = json_is_object(asset) ? asset : NULL,
                .medium = json_is_object(medium) ? medium : NULL, .confirm = j->confirm,
                .confirm_serial = confirm_by_serial(j), .warning = j->warning,
                .fw_method = j->fw.method ? sanitize_method_name(j->fw.method) : NULL, .fw_resume = j->fw.resume_id != 0,
        };
        if (b) {
                ret->vendor = b->vendor, ret->model = b->model, ret->kind = b->kind, ret->serial = b->serial;
                ret->backing_file = b->backing_file, ret->size_bytes = b->size_bytes, ret->logical_sector = b->logical_sector;
        } else
                ret->size_bytes = (uint64_t) j->st.st_size;
}

/* --- the run --- */

/* The same drive as the one confirmed? Compares what identifies it. */
static int same_blockdev(const struct blockdev *a, const struct blockdev *b, const char *path) {
        if (a->devnum != b->devnum || a->size_bytes != b->size_bytes || !streq_ptr(a->serial, b->serial) ||
            !streq_ptr(a->model, b->model) || !streq_ptr(a->wwn, b->wwn) || !streq_ptr(a->backing_file, b->backing_file))
                return err_set(ENODEV, "'%s' is no longer the drive that was confirmed (%s %s, %s)", path,
                               strempty(a->model), a->serial ? a->serial : "no serial", strempty(b->model));
        return 0;
}

/* Before each pass: re-read the device and check it is the same one and
 * still safe to write (nothing mounted it meanwhile). */
int wipe_session_check_identity(void *ud, unsigned pass) {
        struct job *j = ud;
        if (!j->block) {
                struct stat st;
                if (fstat(j->t.fd, &st) < 0) return err_set(errno, "cannot check '%s': %s", j->path, strerror(errno));
                if (stat(j->path, &st) < 0 || st.st_ino != j->st.st_ino || st.st_dev != j->st.st_dev)
                        return err_set(ENODEV, "'%s' is no longer the image file that was confirmed", j->path);
                return blockdev_check_file_writable(j->path);
        }
        _cleanup_blockdev_ struct blockdev *now = NULL;
        int r = blockdev_get(j->path, &now);
        if (r < 0) return err_about(r, "cannot re-read", j->path);
        r = same_blockdev(j->dev, now, j->path);
        if (r < 0) return r;
        /* we hold it open exclusively, so this only catches what slipped in before */
        if ((now->mounts && now->mounts[0]) || now->stack_use) return blockdev_check_writable(now);
        return 0;
}

int wipe_session_pass_begin(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct job *j = ud;
        return wipe_record_pass_begin(j->s->db, &j->rec, p);
}

#if ASSETCTL_TEST_HOOKS
/* Test builds only: $ASSETCTL_TEST_PASS_HOOK is run as `HOOK TARGET PASS`
 * after each pass is flushed and recorded, so a test can read the target
 * back after every pass (the target stays open; the hook only reads it). */
static void run_pass_hook(const char *target, unsigned pass) {
        const char *hook = getenv("ASSETCTL_TEST_PASS_HOOK");
        if (isempty(hook)) return;
        char num[16];
        snprintf(num, sizeof num, "%u", pass);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
                execl(hook, hook, target, num, (char *) NULL);
                _exit(127);
        }
        if (pid > 0) waitpid(pid, NULL, 0);
}
#else
static void run_pass_hook(const char *target, unsigned pass) {}
#endif

int wipe_session_pass_end(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct job *j = ud;
        struct wipe_session *s = j->s;
        int q = wipe_record_pass_end(s->db, &j->rec, p);
        run_pass_hook(j->path, p->index);
        if (!s->cb->pass) return q;
        char name[8], root[65] = "";
        wipe_pass_name(&p->spec, name);
        if (p->written_complete) hex_encode(p->root_written, 32, root);
        struct wipe_session_pass e = {
                .index = p->index, .n_passes = (unsigned) s->method.n_passes, .pattern = name,
                .bytes_written = p->bytes_written, .root_written = p->written_complete ? root : NULL,
                .verified = p->verify != WIPE_VERIFY_OFF && p->chunks_verified > 0,
                .mismatch_bytes = p->mismatches.total_bytes, .error = p->error,
                .seconds = (double) (p->ended_ns - p->started_ns) / 1e9,
        };
        s->cb->pass(s->cb->userdata, j->index, j->rec.id, &e);
        return q;
}

void wipe_session_on_progress(void *ud, const struct wipe_progress *p) {
        struct job *j = ud;
        struct wipe_session *s = j->s;
        if (!s->cb->progress) return;
        struct wipe_session_progress e = {
                .pass = p->pass, .n_passes = (unsigned) s->method.n_passes, .verifying = p->verifying,
                .done = p->done, .total = p->total, .rate = p->rate, .eta = p->eta,
        };
        s->cb->progress(s->cb->userdata, j->index, j->rec.id, &e);
}

static void *wipe_thread(void *arg) {
        struct job *j = arg;
        struct wipe_session *s = j->s;
        struct wipe_callbacks cb = {
                .userdata = j, .check_identity = wipe_session_check_identity, .pass_begin = wipe_session_pass_begin,
                .pass_end = wipe_session_pass_end, .progress = wipe_session_on_progress,
        };
        wipe_run(&j->t, &s->method, &s->opts, &cb, &j->res);
        j->ran = true;
        if (j->fw.hpa_exception && j->res.outcome == WIPE_ERASED) {
                /* --allow-hpa: the hidden part was not written */
                j->res.outcome = WIPE_ERASED_EXCEPTIONS;
                free(j->res.error);
                j->res.error = xstrdup("a host protected area was left in place (--allow-hpa): only the visible part was overwritten");
        }
        int r = wipe_record_end(s->db, &j->rec, &j->res, s->signer);
        if (r < 0) j->record_err = xstrdup(*err_msg() ? err_msg() : strerror(-r));
        if (s->cb->ended) s->cb->ended(s->cb->userdata, j->index);
        return NULL;
}

/* Ask for each target's confirmation and match it. */
static int confirm_all(struct wipe_session *s) {
        for (size_t i = 0; i < s->n_jobs; i++) {
                struct job *j = &s->jobs[i];
                struct wipe_session_target t;
                wipe_session_target(s, i, &t);
                _cleanup_free_ char *typed = NULL;
                bool preset = false;
                int r = s->cb->confirm(s->cb->userdata, i, &t, &typed, &preset);
                if (r < 0) return r;
                bool ok = typed && (t.confirm_serial ? strcasecmp(typed, j->confirm) == 0 : streq(typed, j->confirm));
                if (ok) continue;
                if (preset)
                        return err_set(EPERM, "cannot wipe '%s': --serial '%s' does not match %s '%s'", j->path, strempty(typed),
                                       t.confirm_serial ? "its serial" : "its path (it has no serial)", j->confirm);
                return err_set(EPERM, "cannot wipe '%s': the confirmation did not match; nothing was written", j->path);
        }
        return 0;
}

/* Open every target exclusively before the first write. */
static int open_all(struct wipe_session *s) {
        for (size_t i = 0; i < s->n_jobs; i++) {
                struct job *j = &s->jobs[i];
                int r = wipe_target_open(j->path, WIPE_OPEN_EXCL, &j->t);
                if (r < 0) return err_about(r, "cannot wipe", j->path);
                if (j->block && j->t.size != j->dev->size_bytes)
                        return err_set(ENODEV, "cannot wipe '%s': its size changed (%llu bytes, was %llu)", j->path,
                                       (unsigned long long) j->t.size, (unsigned long long) j->dev->size_bytes);
        }
        return 0;
}

/* Record every wipe as started before its first pass. */
static int record_all(struct wipe_session *s) {
        const struct wipe_method *m = &s->method;
        for (size_t i = 0; i < s->n_jobs; i++) {
                struct job *j = &s->jobs[i];
                if (s->firmware) {
                        int r = fw_job_record(s, j);
                        if (r < 0) return r;
                        continue;
                }
                json_t *medium = json_object_get(j->match, "medium"), *a = json_object_get(j->match, "asset");
                _cleanup_json_ json_t *pl = json_array();
                for (size_t k = 0; k < m->n_passes; k++) {
                        char nm[8];
                        wipe_pass_name(&m->passes[k], nm);
                        json_array_append_new(pl, json_string(nm));
                }
                _cleanup_json_ json_t *w = json_pack("{ss,ss,sO,ss,sO,ss,sI,sI,sb}", "target", j->path, "target_kind",
                                                     j->block ? "block" : "image", "device", j->identity, "method", m->name,
                                                     "pass_list", pl, "verify", s->verify_name, "size_bytes", (json_int_t) j->t.size,
                                                     "sector_size", (json_int_t) j->t.sector, "certify", s->certify);
                if (json_is_object(medium)) json_object_set(w, "medium_id", json_object_get(medium, "id"));
                if (json_is_object(a)) json_set_str(w, "asset_tag", json_str(a, "tag"));
                int r = wipe_record_begin(s->db, w, &j->rec);
                if (r < 0) return err_about(r, "cannot record the wipe of", j->path);
                j->recorded = true;
        }
        return 0;
}

int wipe_session_run(struct wipe_session *s, const struct wipe_session_callbacks *cb) {
        s->cb = cb;
        int r = confirm_all(s);
        if (r >= 0) r = open_all(s);
        if (r >= 0) r = record_all(s);
        if (r < 0) return r;
        for (size_t i = 0; i < s->n_jobs; i++)
                if (pthread_create(&s->jobs[i].thread, NULL, s->firmware ? fw_thread : wipe_thread, &s->jobs[i]) != 0) abort();
        for (size_t i = 0; i < s->n_jobs; i++) pthread_join(s->jobs[i].thread, NULL);
        return 0;
}

void wipe_session_result(const struct wipe_session *s, size_t i, struct wipe_session_result *ret) {
        const struct job *j = &s->jobs[i];
        enum wipe_outcome o = j->res.outcome;
        *ret = (struct wipe_session_result) {
                .wipe_id = j->rec.id, .path = j->path, .asset_tag = j->rec.asset_tag, .recorded = j->recorded, .ran = j->ran,
                .erased = o == WIPE_ERASED, .outcome = wipe_outcome_name(o), .error = j->res.error,
                .to_destruction = j->rec.medium_id && (o == WIPE_FAILED || o == WIPE_ERASED_EXCEPTIONS),
                .record_error = j->record_err, .note = j->rec.note, .note_warning = j->rec.note_warning,
        };
}

/* --- wipe verify --- */

static int parse_pattern(const char *pattern, struct wipe_pass_spec *ret) {
        struct wipe_pass_spec spec;
        int r = wipe_pass_parse(streq(pattern, "zero") ? "00" : streq(pattern, "one") ? "ff" : pattern, &spec);
        if (r < 0 || spec.kind != WIPE_CONST)
                return err_set(EINVAL, "--pattern '%s': use zero, one or hex bytes (00, ff, 924924)", pattern);
        *ret = spec;
        return 0;
}

bool wipe_session_pattern_valid(const char *pattern) {
        struct wipe_pass_spec spec;
        bool ok = parse_pattern(pattern, &spec) == 0;
        err_clear();
        return ok;
}

/* What a stored wipe's last pass wrote: its pattern or seed, its chunk
 * digests and its size. */
struct expected {
        struct wipe_pass_spec spec;
        uint8_t seed[32];
        uint8_t *digests;
        uint64_t n_digests;
        int64_t size;               /* the wipe's target size, -1 for a pattern */
};

static int expected_of_wipe(struct db *db, int64_t id, struct expected *e) {
        _cleanup_json_ json_t *w = NULL;
        int r = wipe_get(db, id, &w);
        if (r < 0) return r;
        json_t *passes = json_object_get(w, "passes");
        json_t *last = json_array_get(passes, json_array_size(passes) - 1);
        if (!last || !streq_ptr(json_str(last, "status"), "done"))
                return err_set(EPERM, "cannot check against wipe %lld: its last pass did not complete", (long long) id);
        if (wipe_pass_parse(json_str(last, "pattern"), &e->spec) < 0) return -EINVAL;
        if (e->spec.kind == WIPE_RANDOM) {
                const char *s = json_str(last, "seed");
                if (!s || hex_decode(s, e->seed, 32) < 0)
                        return err_set(ENOENT, "cannot check against wipe %lld: its seed is not recorded", (long long) id);
        }
        e->size = json_integer_value(json_object_get(w, "size_bytes"));
        return wipe_last_digests(db, id, &e->digests, &e->n_digests);
}

/* The check's JSON: the pass record's verify fields, the target, the wipe. */
static json_t *check_json(const struct wipe_session_check *c, const struct wipe_pass_result *pr, bool ok) {
        static const char *const write_keys[] = {"index", "bytes_written", "written_complete", "root_written",
                                                 "write_retries", "write_errors", "write_error_bytes"};
        json_t *j = wipe_pass_json(pr);
        for (size_t i = 0; i < ELEMENTSOF(write_keys); i++) json_object_del(j, write_keys[i]);
        json_object_set_new(j, "target", json_string(c->path));
        if (c->wipe_id) json_object_set_new(j, "wipe", json_integer(c->wipe_id));
        json_object_set_new(j, "matches", json_boolean(ok));
        return j;
}

static void check_result(const struct wipe_session_check *c, const struct expected *e, const struct wipe_pass_result *pr,
                         struct wipe_session_check_result *ret) {
        char name[8];
        wipe_pass_name(&e->spec, name);
        bool ok = !pr->error && pr->mismatches.total_bytes == 0 && pr->read_errors.total_bytes == 0;
        const struct wipe_range *first = pr->mismatches.n ? &pr->mismatches.v[0] : pr->read_errors.n ? &pr->read_errors.v[0] : NULL;
        *ret = (struct wipe_session_check_result) {
                .json = check_json(c, pr, ok), .matches = ok,
                .what = c->wipe_id ? xasprintf("wipe %lld's last pass (%s)", (long long) c->wipe_id, name)
                                   : xasprintf("the pattern %s", name),
                .error = pr->error ? xstrdup(pr->error) : NULL, .mismatch_bytes = pr->mismatches.total_bytes,
                .unreadable_bytes = pr->read_errors.total_bytes, .has_first = first != NULL, .first_offset = first ? first->offset : 0,
                .read_complete = pr->read_complete, .chunks_verified = pr->chunks_verified, .bytes_verified = pr->bytes_verified,
        };
        hex_encode(pr->root_read, 32, ret->root);
}

int wipe_session_verify(struct db *db, const struct wipe_session_check *c, struct wipe_session_check_result *ret) {
        struct expected e = {.size = -1};
        int r = c->pattern ? parse_pattern(c->pattern, &e.spec) : expected_of_wipe(db, c->wipe_id, &e);
        _cleanup_free_ uint8_t *digests = e.digests;
        if (r < 0) return r;
        struct stat st;
        if (stat(c->path, &st) == 0 && S_ISBLK(st.st_mode) && geteuid() != 0)
                return err_set(EPERM, "cannot read '%s': block devices need root: run it with sudo", c->path);
        struct wipe_target t = {.fd = -1};
        r = wipe_target_open(c->path, WIPE_OPEN_READONLY, &t);
        if (r < 0) return r;
        if (e.size >= 0 && (int64_t) t.size != e.size) {
                wipe_target_close(&t);
                return err_set(EMEDIUMTYPE, "cannot check '%s' against wipe %lld: it has %llu bytes, the wipe %lld", c->path,
                               (long long) c->wipe_id, (unsigned long long) t.size, (long long) e.size);
        }
        struct wipe_options o = {.stop = c->stop};
        struct wipe_pass_result pr;
        r = wipe_verify_stream(&t, &e.spec, e.seed, e.digests, e.n_digests, c->sample_percent, &o, NULL, &pr);
        OPENSSL_cleanse(e.seed, sizeof e.seed);
        wipe_target_close(&t);
        if (r < 0) return r;
        check_result(c, &e, &pr, ret);
        wipe_pass_result_done(&pr);
        return 0;
}

void wipe_session_check_result_done(struct wipe_session_check_result *r) {
        json_decref(r->json);
        free(r->what);
        free(r->error);
        *r = (struct wipe_session_check_result) {0};
}
