/* assetctl wipe ...: overwrite drives (or image files) with a verified
 * multi-pass method, record every pass in the register, and check a device
 * later against a pattern or a stored wipe.
 *
 *   assetctl wipe DEVICE... --method M ...   wipe (a thread per device)
 *   assetctl wipe list | show ID | verify DEVICE ...
 *
 * `wipe` is one leaf of the command table: its handler dispatches on
 * list/show/verify, so that `assetctl wipe /dev/sdb` works as the issue
 * asks and the record commands sit beside it.
 *
 * The workflow (identify, confirm, open, record, wipe, certify; and the
 * check of `wipe verify`) is core's wipe session (core/wipe-session.h):
 * this file parses, prompts, prints the progress and the results, and
 * picks the exit status. */
#include "commands.h"
#include "wipe-session.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>

/* Set by SIGINT/SIGTERM: every wipe thread stops cleanly at the next chunk. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig) {
        (void) sig;
        stop_requested = 1;
}

/* "1.5 GiB" style sizes for people. */
static char *human_bytes(uint64_t n) {
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = (double) n;
        size_t u = 0;
        while (v >= 1024 && u + 1 < ELEMENTSOF(units)) v /= 1024, u++;
        return u ? xasprintf("%.1f %s", v, units[u]) : xasprintf("%llu B", (unsigned long long) n);
}

static char *human_secs(double s) {
        if (s < 0 || isnan(s)) return xstrdup("--:--");
        long t = lround(s);
        if (t >= 3600) return xasprintf("%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
        return xasprintf("%02ld:%02ld", t / 60, t % 60);
}

/* ---------- the wipe: what the operator sees ---------- */

enum progress_mode { PROGRESS_AUTO, PROGRESS_JSON, PROGRESS_NONE };

/* One target as the printer sees it (under view.mu). */
struct line {
        struct wipe_session_progress prog;
        bool has_prog;
        char status[160];
        bool told_stop;             /* firmware: the operator was told a sanitize cannot be stopped */
        const char *phase;          /* firmware: the phase last printed (static strings) */
};

struct view {
        struct wipe_session *session;
        enum progress_mode progress;
        bool tty;
        bool yes;
        const char **serials;       /* --serial, one per target, with --yes */
        pthread_mutex_t mu;
        struct line *lines;
        size_t n;
        size_t lines_drawn;
        int64_t last_draw;
};

static void json_line(json_t *o) {
        _cleanup_free_ char *s = json_dumps_safe(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s) {
                puts(s);
                fflush(stdout);
        }
}

static const char *target_path(struct view *v, size_t i) {
        struct wipe_session_target t;
        wipe_session_target(v->session, i, &t);
        return t.path;
}

/* One line per device on a terminal, redrawn in place. */
static void progress_draw(struct view *v, bool force) {
        pthread_mutex_lock(&v->mu);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t now = (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        if (!force && now - v->last_draw < 250) {
                pthread_mutex_unlock(&v->mu);
                return;
        }
        v->last_draw = now;
        if (v->lines_drawn) out_fprintf(stderr, "\033[%zuA", v->lines_drawn);
        for (size_t i = 0; i < v->n; i++) {
                const struct line *l = &v->lines[i];
                const struct wipe_session_progress *p = &l->prog;
                const char *path = target_path(v, i);
                if (l->status[0])
                        out_fprintf(stderr, "\r\033[K%s: %s\n", path, l->status);
                else if (l->has_prog && p->firmware) {
                        _cleanup_free_ char *eta = human_secs(p->eta);
                        out_fprintf(stderr, "\r\033[K%s: %s %5.1f%%  %s left\n", path, p->phase ? p->phase : "firmware",
                                100.0 * (double) p->done / 65536.0, eta);
                } else if (l->has_prog) {
                        _cleanup_free_ char *eta = human_secs(p->eta);
                        out_fprintf(stderr, "\r\033[K%s: pass %u/%u %-6s %5.1f%%  %7.1f MB/s  %s left\n", path, p->pass, p->n_passes,
                                    p->verifying ? "verify" : "write", p->total ? 100.0 * (double) p->done / (double) p->total : 100.0,
                                    p->rate / 1e6, eta);
                } else
                        out_fprintf(stderr, "\r\033[K%s: starting\n", path);
        }
        v->lines_drawn = v->n;
        fflush(stderr);
        pthread_mutex_unlock(&v->mu);
}

static void on_pass(void *ud, size_t i, int64_t wipe_id, const struct wipe_session_pass *p) {
        struct view *v = ud;
        const char *path = target_path(v, i);
        pthread_mutex_lock(&v->mu);
        if (v->progress == PROGRESS_JSON) {
                _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,sI,ss,sI,ss*,sb,sI}", "event", "pass", "device", path,
                                                     "wipe", (json_int_t) wipe_id, "pass", (json_int_t) p->index, "pattern", p->pattern,
                                                     "bytes_written", (json_int_t) p->bytes_written, "root_written", p->root_written,
                                                     "verified", p->verified, "mismatch_bytes", (json_int_t) p->mismatch_bytes);
                json_set_str(o, "error", p->error);
                json_line(o);
        } else if (!v->tty && v->progress == PROGRESS_AUTO) {
                _cleanup_free_ char *w = human_bytes(p->bytes_written);
                out_fprintf(stderr, "%s: pass %u/%u (%s) %s: %s written%s in %.1f s%s%s\n", path, p->index, p->n_passes, p->pattern,
                            p->error ? "stopped" : "done", w, p->verified ? " and verified" : "", p->seconds, p->error ? ": " : "",
                            p->error ? p->error : "");
        }
        pthread_mutex_unlock(&v->mu);
}

/* A firmware step's progress: a line per phase when not on a terminal, a
 * JSON line with --progress json; the notice that a sanitize cannot be
 * stopped once, however the progress is shown. */
static void firmware_progress(struct view *v, size_t i, int64_t wipe_id, const struct wipe_session_progress *p) {
        struct line *l = &v->lines[i];
        const char *path = target_path(v, i);
        if (p->stop_ignored && !l->told_stop) {
                l->told_stop = true;
                cmd_warn("'%s': a firmware sanitize cannot be stopped once the drive has it: waiting for the drive to finish "
                         "(if assetctl is killed, the drive goes on; run the same wipe again to resume watching it)", path);
        }
        if (v->progress == PROGRESS_JSON) {
                double pct = round(1000.0 * (double) p->done / 65536.0) / 10;
                _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,ss,sf,sf}", "event", "progress", "device", path, "wipe",
                                                     (json_int_t) wipe_id, "phase", p->phase ? p->phase : "firmware", "percent", pct,
                                                     "eta_s", p->eta >= 0 ? round(p->eta) : -1.0);
                json_line(o);
        } else if (v->progress == PROGRESS_AUTO && !v->tty && (!l->phase || !streq(l->phase, strempty(p->phase)))) {
                out_fprintf(stderr, "%s: %s\n", path, strempty(p->phase));
        }
        l->phase = p->phase;
}

static void on_progress(void *ud, size_t i, int64_t wipe_id, const struct wipe_session_progress *p) {
        struct view *v = ud;
        pthread_mutex_lock(&v->mu);
        v->lines[i].prog = *p;
        v->lines[i].has_prog = true;
        if (p->firmware) {
                firmware_progress(v, i, wipe_id, p);
        } else if (v->progress == PROGRESS_JSON) {
                _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,sI,sI,ss,sI,sI,sf,sf,sf}", "event", "progress", "device", target_path(v, i),
                                                     "wipe", (json_int_t) wipe_id, "pass", (json_int_t) p->pass, "passes",
                                                     (json_int_t) p->n_passes, "phase", p->verifying ? "verify" : "write",
                                                     "done", (json_int_t) p->done, "total", (json_int_t) p->total,
                                                     "percent", p->total ? round(1000.0 * (double) p->done / (double) p->total) / 10 : 100.0,
                                                     "mb_per_s", round(p->rate / 1e5) / 10, "eta_s", p->eta >= 0 ? round(p->eta) : -1.0);
                json_line(o);
        }
        pthread_mutex_unlock(&v->mu);
        if (v->progress == PROGRESS_AUTO && v->tty) progress_draw(v, false);
}

static void on_ended(void *ud, size_t i) {
        struct view *v = ud;
        struct wipe_session_result res;
        wipe_session_result(v->session, i, &res);
        pthread_mutex_lock(&v->mu);
        snprintf(v->lines[i].status, sizeof v->lines[i].status, "%s", res.outcome);
        pthread_mutex_unlock(&v->mu);
        if (v->progress == PROGRESS_AUTO && v->tty) progress_draw(v, true);
}

/* The operator's confirmation: --yes --serial, else typed on the terminal. */
static int on_confirm(void *ud, size_t i, const struct wipe_session_target *t, char **ret_typed, bool *ret_preset) {
        struct view *v = ud;
        if (v->yes) {
                *ret_typed = xstrdup(v->serials[i]);
                *ret_preset = true;
                return 0;
        }
        if (!isatty(STDIN_FILENO))
                return err_set(EPERM, "cannot wipe '%s': confirm on a terminal by typing its %s, or pass --yes --serial %s", t->path,
                               t->confirm_serial ? "serial" : "path", t->confirm);
        out_fprintf(stderr, "Everything on '%s' will be destroyed. Type %s to confirm: ", t->path,
                    t->confirm_serial ? "its serial number" : "its path");
        fflush(stderr);
        char line[512];
        if (!fgets(line, sizeof line, stdin)) {
                if (stop_requested) return err_set(EINTR, "cannot wipe '%s': interrupted; nothing was written", t->path);
                line[0] = 0;
        }
        *ret_typed = xstrdup(strstrip(line));
        *ret_preset = false;
        return 0;
}

/* What was found: the drive or file, its asset, a warning for flash. */
static void describe_target(const struct wipe_session_target *t) {
        if (t->block) {
                _cleanup_free_ char *size = human_bytes(t->size_bytes);
                out_printf("%s: %s%s%s, %s (%llu bytes), %s, %u-byte sectors, serial %s%s%s\n", t->path, strempty(t->vendor),
                           t->vendor && t->model ? " " : "", t->model ? t->model : (t->vendor ? "" : "unknown model"), size,
                           (unsigned long long) t->size_bytes, strempty(t->kind), t->logical_sector, t->serial ? t->serial : "none",
                           t->backing_file ? ", backed by " : "", strempty(t->backing_file));
        } else {
                _cleanup_free_ char *size = human_bytes(t->size_bytes);
                out_printf("%s: image file, %s (%llu bytes)\n", t->path, size, (unsigned long long) t->size_bytes);
        }
        if (t->asset)
                out_printf("  asset %s: %s %s (serial %s)%s%s\n", json_str(t->asset, "tag"), strempty(json_str(t->asset, "make")),
                           strempty(json_str(t->asset, "model")), strempty(json_str(t->asset, "serial")),
                           t->medium ? ", registered medium " : "", t->medium ? strempty(json_str(t->medium, "serial")) : "");
        else
                out_printf("  not in the register\n");
        if (t->fw_method) out_printf("  firmware method %s%s\n", t->fw_method, t->fw_resume ? " (resumed)" : "");
        if (t->warning) cmd_warn("%s", t->warning);
}

static void describe_all(struct wipe_session *s) {
        struct wipe_session_plan plan;
        wipe_session_plan(s, &plan);
        if (plan.firmware)
                out_printf("method %s: the drive's own firmware command%s, validated by %s\n", plan.method,
                       plan.n_passes ? " with an overwrite pass and the command again" : "",
                       streq(plan.verify, "all") ? "reading all of it back" : "markers read back");
        else
                out_printf("method %s: %zu pass%s (%s), verify %s\n", plan.method, plan.n_passes, plan.n_passes == 1 ? "" : "es",
                       plan.pass_list, plan.verify);
        for (size_t i = 0; i < wipe_session_count(s); i++) {
                struct wipe_session_target t;
                wipe_session_target(s, i, &t);
                describe_target(&t);
        }
        fflush(stdout);
}

/* How each wipe ended; returns the exit status. */
static int report_results(struct view *v) {
        int status = 0;
        for (size_t i = 0; i < v->n; i++) {
                struct wipe_session_result r;
                wipe_session_result(v->session, i, &r);
                const char *tag = r.asset_tag;
                out_printf("wipe %lld: '%s'%s%s%s %s\n", (long long) r.wipe_id, r.path, tag ? " (" : "", tag ? tag : "", tag ? ")" : "",
                           streq(r.outcome, "erased_with_exceptions") ? "erased with exceptions" : r.outcome);
                if (v->progress == PROGRESS_JSON) {
                        _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,ss}", "event", "end", "device", r.path, "wipe",
                                                             (json_int_t) r.wipe_id, "outcome", r.outcome);
                        json_set_str(o, "error", r.error);
                        json_line(o);
                }
                if (!r.erased) {
                        status = 1;
                        if (r.error) cmd_warn("wipe %lld of '%s': %s", (long long) r.wipe_id, r.path, r.error);
                        if (r.to_destruction) cmd_warn("the medium of '%s' is marked for physical destruction", r.path);
                }
                if (r.record_error) status = cmd_fail("cannot record the outcome of wipe %lld: %s", (long long) r.wipe_id, r.record_error);
                if (r.note && r.note_warning) cmd_warn("%s", r.note);
                else if (r.note) out_printf("%s\n", r.note);
        }
        return status;
}

/* Confirm, then wipe every target with the signals caught; returns the exit
 * status. */
static int run_session(struct view *v) {
        static const struct wipe_session_callbacks cb = {
                .confirm = on_confirm, .progress = on_progress, .pass = on_pass, .ended = on_ended,
        };
        struct wipe_session_callbacks c = cb;
        c.userdata = v;
        struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        int r = wipe_session_run(v->session, &c);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        if (r < 0) {
                int status = cmd_fail("%s", err_msg());
                /* those recorded stay 'started' with nothing written: say so */
                for (size_t i = 0; i < v->n; i++) {
                        struct wipe_session_result res;
                        wipe_session_result(v->session, i, &res);
                        if (res.recorded && !res.ran)
                                cmd_warn("wipe %lld of '%s' was recorded as started but not run", (long long) res.wipe_id, res.path);
                }
                return status;
        }
        if (v->progress == PROGRESS_AUTO && v->tty) progress_draw(v, true);
        return report_results(v);
}

/* The key that signs the certificates (--key, --key-dir, --passphrase-file). */
struct key_args {
        const char *name, *key_dir, *pass_file;
};

/* The wipe itself once the options are checked: the session with its
 * policy and key, the targets identified and described, then the run.
 * Returns the exit status. */
static int wipe_targets(struct ctx *ctx, const struct wipe_session_params *p, const struct key_args *k, struct view *v,
                        char **targets) {
        _cleanup_wipe_session_ struct wipe_session *session = NULL;
        int r = wipe_session_new(ctx->db, p, &session);
        if (r == -EINVAL) return cmd_usage_error(ctx, "%s", err_msg());
        if (r < 0) return cmd_fail_err(r);
        if (k->name && !p->certify) return cmd_usage_error(ctx, "--key signs certificates: it does not go with --no-certificate");
        /* issue 7: unlock the certificate key before anything is written */
        struct signer *signer = NULL;
        if (k->name && (r = cmd_open_signer(ctx, k->name, k->key_dir, k->pass_file, &signer)) < 0) return cmd_fail_err(r);
        wipe_session_set_signer(session, signer);
        /* identify and check every target before anything is written */
        for (size_t i = 0; i < v->n; i++) {
                r = wipe_session_add(session, targets[i]);
                if (r == -EEXIST) return cmd_usage_error(ctx, "%s", err_msg());
                if (r < 0) return cmd_fail_err(r);
        }
        describe_all(session);
        v->session = session;
        v->lines = xcalloc(v->n, sizeof *v->lines);
        pthread_mutex_init(&v->mu, NULL);
        int status = run_session(v);
        pthread_mutex_destroy(&v->mu);
        free(v->lines);
        return status;
}

/* A bare sub-command word is never taken as a file to wipe: a wipe must
 * not start on what the user meant as 'wipe list' (or its options). */
static int refuse_subverbs(struct ctx *ctx, int argc, char **argv) {
        for (int i = 0; i < argc; i++)
                for (size_t k = 0; wipe_subverbs[k]; k++)
                        if (streq(argv[i], wipe_subverbs[k]))
                                return cmd_usage_error(ctx, "'%s' is not taken as a device: it is the sub-command 'wipe %s' when it comes "
                                                            "right after 'wipe'; to wipe a file named '%s', write ./%s", argv[i], argv[i], argv[i], argv[i]);
        return 0;
}

static enum progress_mode progress_mode(const char *s) {
        return streq(s, "auto") ? PROGRESS_AUTO : streq(s, "json") ? PROGRESS_JSON : streq(s, "none") ? PROGRESS_NONE : (enum progress_mode) -1;
}

#define WA struct wipe_args
const struct opt wipe_run_opts[] = {
        OPT_STRING("method", 0, "M", "zero, one, random, nist-clear, is5-baseline, is5-enhanced, dod-short,\ndod-7, gutmann; "
                   "or the drive's own firmware: purge (the strongest it offers),\nnvme-sanitize-crypto, nvme-sanitize-block, "
                   "nvme-sanitize-overwrite,\nnvme-format-crypto, nvme-format-user, ata-sanitize-crypto, ata-sanitize-block,\n"
                   "ata-sanitize-overwrite, ata-secure-erase, ata-secure-erase-enhanced,\nscsi-sanitize-crypto, scsi-sanitize-block, "
                   "scsi-sanitize-overwrite", WA, method),
        OPT_STRING("passes", 0, "LIST", "a custom pass list instead: 00,ff,random,924924,...", WA, passes),
        OPT_STRING("verify", 0, "V", "last, all, sample:PERCENT (default: the method's; off only with\n--no-certificate and without --asset)", WA, verify),
        OPT_STRING("asset", 0, "TAG", "the asset the drive belongs to (else matched by the drive's serial)", WA, asset),
        {"yes", 0, NULL, OPTK_FLAG, OPT_AT_(WA, yes, bool), 0, 0, 0, NULL,
         "confirm without asking: one --serial per device, the drive's serial\n"
         "(or its path when it has none, as loop devices and image files)", OPT_CONFIRMS | OPT_JOINED},
        OPT_LIST("serial", 0, "S", "", WA, serial),
        OPT_STRING("progress", 0, "MODE", "auto (a line per device on a terminal), json (JSON lines), none", WA, progress),
        OPT_FLAG("no-certificate", 0, "record the wipe as not for certification", WA, no_certificate),
        OPT_STRING("threads", 0, "N", "generator/hasher threads per device (default: one per core, at most 4)", WA, threads),
        OPT_STRING("key", 0, "NAME", "sign the certificate of an authorised asset's erased drive with this key", WA, key),
        OPT_STRING_SECRET("passphrase-file", 0, "F", "its passphrase from the first line of F (else asked on the terminal)", WA, pass_file),
        OPT_STRING("key-dir", 0, "D", "where key files live (default: keys/ beside the register)", WA, key_dir),
        OPT_FLAG("remove-hpa", 0, "restore a drive's native size (host protected area) first, recorded", WA, remove_hpa),
        OPT_FLAG("allow-hpa", 0, "wipe only the visible part of a drive with an HPA (erased with exceptions)", WA, allow_hpa),
        OPT_FLAG("restore-dco", 0, "firmware: restore a device configuration overlay first (permanent)", WA, restore_dco),
        OPT_FLAG("then-overwrite", 0, "firmware: then an overwrite pass (00) and the firmware command again", WA, then_overwrite),
        OPT_LIST("also-namespace", 0, "NS", "nvme: another namespace the format or sanitize erases too (2 or\n/dev/nvme0n2), "
                 "each named", WA, also_namespace),
        OPT_STRING("timeout", 0, "SECONDS", "firmware: stop waiting for the drive after this (default: from its\nestimate, else 24 hours)", WA, timeout),
        OPT_STRING("overwrite-pattern", 0, "HEX", "firmware overwrite: the 32-bit pattern (8 hex digits, default 00000000)", WA, overwrite_pattern),
        OPT_STRING("overwrite-passes", 0, "N", "firmware overwrite: passes, 1 to 16 (default 1)", WA, overwrite_passes),
        OPT_END,
};
#undef WA

static int wipe_run_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct wipe_args *a = ctx->args;
        const char *method_name = a->method, *verify = a->verify, *passes = a->passes, *asset = a->asset;
        const char *progress = a->progress ? a->progress : "auto";
        bool yes = a->yes, nocert = a->no_certificate;
        const char *key = a->key, *pass_file = a->pass_file, *key_dir = a->key_dir; /* issue 7: signs certificates */
        const char **serials = a->serial.v;
        size_t n_serials = a->serial.n;
        unsigned threads = 0;
        if (n_serials > 64) return cmd_usage_error(ctx, "too many --serial");
        if (a->threads) {
                uint64_t v;
                if (parse_uint64(a->threads, &v) < 0 || v < 1 || v > 4) return cmd_usage_error(ctx, "--threads: 1 to 4");
                threads = (unsigned) v;
        }
        size_t n = (size_t) (argc - 1); /* the devices: argv[1..] */
        if (n == 0) return cmd_usage_error(ctx, "give the device(s) or image file(s) to wipe");
        int u = refuse_subverbs(ctx, argc - 1, argv + 1);
        if (u) return u;
        if (n > 64) return cmd_usage_error(ctx, "at most 64 devices at once");
        if (!method_name && !passes) return cmd_usage_error(ctx, "--method is required (or --passes LIST)");
        if (method_name && passes) return cmd_usage_error(ctx, "give --method or --passes, not both");
        enum progress_mode pm = progress_mode(progress);
        if ((int) pm < 0) return cmd_usage_error(ctx, "--progress '%s': use auto, json or none", progress);
        if (n_serials && !yes) return cmd_usage_error(ctx, "--serial confirms with --yes: give both, or neither and type the serial");
        if (yes && n_serials != n)
                return cmd_usage_error(ctx, "--yes needs one --serial per device (the drive's serial, or the path of a device or image file that has none)");
        if (asset && n > 1) return cmd_usage_error(ctx, "--asset names one device's asset: wipe one device with it");
        struct wipe_session_params p = {
                .method = method_name, .passes = passes, .verify = verify, .asset = asset, .certify = !nocert,
                .threads = threads, .stop = &stop_requested,
                .remove_hpa = a->remove_hpa, .allow_hpa = a->allow_hpa, .restore_dco = a->restore_dco,
                .then_overwrite = a->then_overwrite, .also_namespaces = (const char *const *) a->also_namespace.v,
                .n_also_namespaces = a->also_namespace.n, .ow_pattern = a->overwrite_pattern,
        };
        uint64_t v64;
        if (a->timeout) {
                if (parse_uint64(a->timeout, &v64) < 0 || v64 < 1 || v64 > 30 * 86400)
                        return cmd_usage_error(ctx, "--timeout '%s': seconds, 1 to 2592000", a->timeout);
                p.timeout_s = (unsigned) v64;
        }
        if (a->overwrite_passes) {
                if (parse_uint64(a->overwrite_passes, &v64) < 0 || v64 < 1 || v64 > 16)
                        return cmd_usage_error(ctx, "--overwrite-passes '%s': 1 to 16", a->overwrite_passes);
                p.ow_passes = (unsigned) v64;
        }
        struct key_args k = {.name = key, .key_dir = key_dir, .pass_file = pass_file};
        struct view v = {.progress = pm, .tty = isatty(STDERR_FILENO), .yes = yes, .serials = serials, .n = n};
        return wipe_targets(ctx, &p, &k, &v, argv + 1);
}

/* ---------- list, show ---------- */

static const struct column wipe_list_cols[] = {
        {"id", "ID"}, {"started_at", "STARTED"}, {"target", "TARGET"}, {"asset_tag", "ASSET"}, {"serial", "SERIAL"},
        {"method", "METHOD"}, {"verify", "VERIFY"}, {"outcome", "OUTCOME"}, {NULL},
};

static void decorate_wipe(json_t *w) {
        json_t *dev = json_object_get(w, "device");
        json_set_str(w, "serial", json_str(dev, "serial"));
}

const struct opt wipe_list_opts[] = {
        OPT_STRING("asset", 0, "TAG", "only this asset's wipes", struct wipe_list_args, asset),
        OPT_FORMAT(struct wipe_list_args, fmt),
        OPT_END,
};

int wipe_list_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct wipe_list_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        const char *asset = a->asset;
        _cleanup_json_ json_t *rows = NULL;
        _cleanup_free_ char *tag = asset ? strupper(xstrdup(asset)) : NULL;
        int r = wipe_list(ctx->db, tag, &rows);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *w;
        json_array_foreach(rows, i, w) decorate_wipe(w);
        out_list(fmt, wipe_list_cols, rows);
        return 0;
}

static int parse_wipe_id(const char *s, int64_t *ret) {
        int64_t id;
        if (parse_int64(s, &id) < 0 || id < 1) return err_set(EINVAL, "'%s' is not a wipe number", s);
        *ret = id;
        return 0;
}

static const struct column wipe_show_cols[] = {
        {"id", "wipe"}, {"target", "target"}, {"asset_tag", "asset"}, {"medium_id", "medium"}, {"serial", "serial"}, {"model", "model"},
        {"size_bytes", "size"}, {"method", "method"}, {"passes_text", "passes"}, {"verify", "verify"},
        {"outcome", "outcome"}, {"error", "error"}, {"started_at", "started"}, {"ended_at", "ended"},
        {"operator", "operator"}, {"hostname", "host"}, {"tool_version", "tool version"}, {NULL},
};

static const struct column pass_cols[] = {
        {"index", "PASS"}, {"pattern", "PATTERN"}, {"status", "STATUS"}, {"bytes_written", "WRITTEN"},
        {"root_written", "ROOT WRITTEN"}, {"verify", "VERIFY"}, {"root_read", "ROOT READ"}, {"problems", "ERRORS"}, {NULL},
};

/* The firmware part of a wipe (issue 11): the command, what the drive
 * reported, the validation; and a wipe whose command is still with the
 * drive, said as such. */
static void show_firmware(json_t *w) {
        json_t *fw = json_object_get(w, "firmware");
        if (!fw) return;
        json_t *cmd = json_object_get(fw, "command"), *v = json_object_get(fw, "validation");
        const char *state = json_str(fw, "state");
        out_printf("\nfirmware: %s (%s, NIST SP 800-88 %s)\n", strempty(json_str(fw, "method")), strempty(json_str(fw, "technique")),
               strempty(json_str(fw, "nist_category")));
        if (cmd) {
                _cleanup_free_ char *c = json_dumps(cmd, JSON_COMPACT | JSON_SORT_KEYS);
                out_printf("command: %s\n", c);
        }
        if (json_object_get(fw, "reported")) {
                _cleanup_free_ char *rp = json_dumps(json_object_get(fw, "reported"), JSON_COMPACT | JSON_SORT_KEYS);
                out_printf("drive reported: %s\n", rp);
        }
        out_printf("state: %s\n", strempty(state));
        if (v)
                out_printf("validation: %s: %lld markers, %lld survived, %lld sectors read, reads as %s%s%s\n",
                       json_is_true(json_object_get(v, "passed")) ? "passed" : "FAILED",
                       (long long) json_integer_value(json_object_get(v, "markers")),
                       (long long) json_integer_value(json_object_get(v, "markers_survived")),
                       (long long) json_integer_value(json_object_get(v, "sectors_read")), strempty(json_str(v, "reads_as")),
                       json_str(v, "why") ? ": " : "", strempty(json_str(v, "why")));
        if (streq_ptr(json_str(w, "outcome"), "started") && (streq_ptr(state, "sent") || streq_ptr(state, "sending")))
                out_printf("in progress: the drive was sent %s and assetctl stopped watching before it ended; run the same wipe "
                       "again on this drive to resume watching it (it is not started anew)\n",
                       strempty(json_str(fw, "method")));
}

int wipe_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        int64_t id = 0;
        if (parse_wipe_id(argv[1], &id) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        _cleanup_json_ json_t *w = NULL;
        int r = wipe_get(ctx->db, id, &w);
        if (r < 0) return cmd_fail_err(r);
        if (fmt != OUT_TABLE) {
                out_object(OUT_JSON, NULL, w);
                return 0;
        }
        json_t *dev = json_object_get(w, "device");
        json_set_str(w, "serial", json_str(dev, "serial"));
        json_set_str(w, "model", json_str(dev, "model"));
        json_set_str(w, "hostname", json_str(json_object_get(w, "host"), "hostname"));
        _cleanup_free_ char *pt = json_dumps(json_object_get(w, "pass_list"), JSON_COMPACT);
        json_set_str(w, "passes_text", pt);
        out_object(OUT_TABLE, wipe_show_cols, w);
        json_t *passes = json_object_get(w, "passes");
        size_t i;
        json_t *p;
        json_array_foreach(passes, i, p) {
                json_t *e = json_object_get(p, "errors");
                int64_t we = json_integer_value(json_object_get(p, "write_error_bytes")),
                        re = json_integer_value(json_object_get(p, "read_error_bytes")),
                        mm = json_integer_value(json_object_get(p, "mismatch_bytes"));
                _cleanup_free_ char *txt = we || re || mm ? xasprintf("write %lld, read %lld, differ %lld bytes", (long long) we,
                                                                      (long long) re, (long long) mm)
                                                          : xstrdup(json_integer_value(json_object_get(e, "write_retries")) ||
                                                                                    json_integer_value(json_object_get(e, "read_retries"))
                                                                            ? "none (after retries)"
                                                                            : "none");
                json_set_str(p, "problems", txt);
        }
        if (json_array_size(passes)) {
                puts("\npasses:");
                out_list(OUT_TABLE, pass_cols, passes);
        }
        json_array_foreach(passes, i, p) if (json_str(p, "seed")) out_printf("pass %lld seed: %s\n",
                                                                          (long long) json_integer_value(json_object_get(p, "index")),
                                                                          json_str(p, "seed"));
        show_firmware(w);
        return 0;
}

/* ---------- verify ---------- */

/* Print a check's outcome; returns the exit status. */
static int report_check(const struct wipe_session_check *c, const struct wipe_session_check_result *r, enum out_format fmt) {
        if (fmt != OUT_TABLE) out_object(OUT_JSON, NULL, r->json);
        if (r->error) return cmd_fail("cannot check '%s': %s", c->path, r->error);
        if (!r->matches)
                return cmd_fail("'%s' does not match %s: %llu bytes differ, %llu unreadable%s%llu", c->path, r->what,
                                (unsigned long long) r->mismatch_bytes, (unsigned long long) r->unreadable_bytes,
                                r->has_first ? ", first at byte " : "", r->has_first ? (unsigned long long) r->first_offset : 0ull);
        if (fmt != OUT_TABLE) return 0;
        _cleanup_free_ char *bytes = human_bytes(r->bytes_verified);
        if (r->read_complete)
                out_printf("'%s' matches %s: %s read, root %s\n", c->path, r->what, bytes, r->root);
        else
                out_printf("'%s' matches %s in a %g%% sample: %llu chunks, %s read\n", c->path, r->what, c->sample_percent,
                           (unsigned long long) r->chunks_verified, bytes);
        return 0;
}

const struct opt wipe_verify_opts[] = {
        OPT_STRING("pattern", 0, "P", "zero, one or a hex byte pattern", struct wipe_verify_args, pattern),
        OPT_STRING("record", 0, "ID", "the stored wipe whose last pass to check against (a random stream\n"
                   "is regenerated from its recorded seed)", struct wipe_verify_args, record),
        OPT_STRING("sample", 0, "P", "check a P percent sample of the chunks", struct wipe_verify_args, sample),
        OPT_FORMAT(struct wipe_verify_args, fmt),
        OPT_END,
};

int wipe_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct wipe_verify_args *a = ctx->args;
        const char *pattern = a->pattern, *record = a->record;
        double pct = 100;
        enum out_format fmt = a->fmt;
        if (a->sample) {
                char *end;
                errno = 0;
                pct = strtod(a->sample, &end);
                if (errno || end == a->sample || (*end && !streq(end, "%")) || !(pct > 0 && pct <= 100))
                        return cmd_usage_error(ctx, "--sample '%s': a percentage above 0 and at most 100", a->sample);
        }
        if (!pattern == !record) return cmd_usage_error(ctx, "give --pattern zero|one|HEX or --record ID");
        struct wipe_session_check chk = {.path = argv[1], .pattern = pattern, .sample_percent = pct, .stop = &stop_requested};
        if (pattern && !wipe_session_pattern_valid(pattern))
                return cmd_usage_error(ctx, "--pattern '%s': use zero, one or hex bytes (00, ff, 924924)", pattern);
        if (record && parse_wipe_id(record, &chk.wipe_id) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        struct sigaction sa = {.sa_handler = on_stop_signal}, old_int;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        struct wipe_session_check_result res;
        int r = wipe_session_verify(ctx->db, &chk, &res);
        sigaction(SIGINT, &old_int, NULL);
        if (r < 0) return cmd_fail_err(r);
        int status = report_check(&chk, &res, fmt);
        wipe_session_check_result_done(&res);
        return status;
}

const char *const wipe_subverbs[] = {"list", "show", "verify", NULL};

/* `assetctl wipe DEVICE...`: wipe the devices named. list/show/verify are
 * the wipe group's rows (main.c): the dispatcher takes the word right after
 * `wipe`, exactly, as one; anywhere else the bare word is refused
 * (wipe_run_cmd), so a file of that name is always written with a '/'
 * (./list). The sub-commands only read. */
int cmd_wipe(struct ctx *ctx, int argc, char **argv) { return wipe_run_cmd(ctx, argc, argv); }
