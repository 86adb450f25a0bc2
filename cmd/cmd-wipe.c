/* assetctl wipe ...: overwrite drives (or image files) with a verified
 * multi-pass method, record every pass in the register, and check a device
 * later against a pattern or a stored wipe.
 *
 *   assetctl wipe DEVICE... --method M ...   wipe (a thread per device)
 *   assetctl wipe list | show ID | verify DEVICE ...
 *
 * `wipe` is one leaf of the command table: its handler dispatches on
 * list/show/verify, so that `assetctl wipe /dev/sdb` works as the issue
 * asks and the record commands sit beside it. */
#include "commands.h"
#include "core/wipe.h"
#include "disposal.h"
#include "blockdev.h"

#include <math.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

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

/* ---------- one target ---------- */

enum progress_mode { PROGRESS_AUTO, PROGRESS_JSON, PROGRESS_NONE };

struct shared;

struct job {
        const char *arg;            /* as typed */
        char *path;                 /* what is opened: the /dev node, or the image file */
        bool block;
        struct blockdev *dev;       /* block devices: the identity confirmed */
        struct stat st;             /* image files: the identity confirmed */
        char *confirm;              /* what the operator types: the serial, else the path */
        json_t *identity;           /* recorded with the wipe */
        json_t *match;              /* {"medium": ..., "asset": ...} */
        struct wipe_target t;
        struct wipe_record rec;
        struct wipe_result res;
        bool recorded, ran;
        int record_err;             /* the outcome could not be stored */
        char *record_err_msg;
        pthread_t thread;
        struct shared *sh;
        /* progress, read by the printer under sh->mu */
        struct wipe_progress prog;
        bool has_prog;
        char status[160];
};

struct shared {
        struct ctx *ctx;
        const struct wipe_method *method;
        struct wipe_options opts;
        enum progress_mode progress;
        bool tty;
        pthread_mutex_t mu;
        struct job *jobs;
        size_t n_jobs;
        size_t lines_drawn;
        int64_t last_draw;
};

static void job_free(struct job *j) {
        free(j->path);
        free(j->confirm);
        if (j->dev) blockdev_free(j->dev);
        json_decref(j->identity);
        json_decref(j->match);
        wipe_target_close(&j->t);
        wipe_record_done(&j->rec);
        wipe_result_done(&j->res);
        free(j->record_err_msg);
}

static json_t *blockdev_identity(const struct blockdev *b) {
        json_t *o = json_object();
        json_set_str(o, "devnode", b->devnode);
        json_set_str(o, "by_id", b->by_id);
        json_set_str(o, "vendor", b->vendor);
        json_set_str(o, "model", b->model);
        json_set_str(o, "serial", b->serial);
        if (b->bridge_serial) json_set_str(o, "bridge_serial", b->bridge_serial);
        json_set_str(o, "wwn", b->wwn);
        json_set_str(o, "bus", b->bus);
        json_set_str(o, "kind", b->kind);
        json_object_set_new(o, "size_bytes", json_integer((json_int_t) b->size_bytes));
        json_object_set_new(o, "logical_sector", json_integer(b->logical_sector));
        json_object_set_new(o, "physical_sector", json_integer(b->physical_sector));
        json_object_set_new(o, "rotational", json_boolean(b->rotational));
        json_object_set_new(o, "removable", json_boolean(b->removable));
        if (b->backing_file) json_set_str(o, "backing_file", b->backing_file);
        return o;
}

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
static int check_identity(void *ud, unsigned pass) {
        struct job *j = ud;
        if (!j->block) {
                struct stat st;
                if (fstat(j->t.fd, &st) < 0) return err_set(errno, "cannot check '%s': %s", j->path, strerror(errno));
                if (stat(j->path, &st) < 0 || st.st_ino != j->st.st_ino || st.st_dev != j->st.st_dev)
                        return err_set(ENODEV, "'%s' is no longer the image file that was confirmed", j->path);
                return 0;
        }
        _cleanup_blockdev_ struct blockdev *now = NULL;
        int r = blockdev_get(j->path, &now);
        if (r < 0) return err_set(-r, "cannot re-read '%s': %s", j->path, *err_msg() ? err_msg() : strerror(-r));
        r = same_blockdev(j->dev, now, j->path);
        if (r < 0) return r;
        /* we hold it open exclusively, so this only catches what slipped in before */
        if (now->mounts && now->mounts[0]) return blockdev_check_writable(now);
        return 0;
}

static void progress_draw(struct shared *sh, bool force);

static int on_pass_begin(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct job *j = ud;
        return wipe_record_pass_begin(j->sh->ctx->db, &j->rec, p);
}

static void json_line(json_t *o) {
        _cleanup_free_ char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (s) {
                puts(s);
                fflush(stdout);
        }
}

/* Tests only: $ASSETCTL_TEST_PASS_HOOK is run as `HOOK TARGET PASS` after
 * each pass is flushed and recorded, so a test can read the target back
 * after every pass (the target stays open; the hook only reads it). */
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

static int on_pass_end(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct job *j = ud;
        struct shared *sh = j->sh;
        int q = wipe_record_pass_end(sh->ctx->db, &j->rec, p);
        run_pass_hook(j->path, p->index);
        char name[8];
        wipe_pass_name(&p->spec, name);
        pthread_mutex_lock(&sh->mu);
        if (sh->progress == PROGRESS_JSON) {
                char root[65] = "";
                if (p->written_complete) hex_encode(p->root_written, 32, root);
                _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,sI,ss,sI,ss*,sb,sI}", "event", "pass", "device", j->path,
                                                     "wipe", (json_int_t) j->rec.id, "pass", (json_int_t) p->index, "pattern", name,
                                                     "bytes_written", (json_int_t) p->bytes_written, "root_written",
                                                     p->written_complete ? root : NULL, "verified",
                                                     p->verify != WIPE_VERIFY_OFF && p->chunks_verified > 0,
                                                     "mismatch_bytes", (json_int_t) p->mismatches.total_bytes);
                json_set_str(o, "error", p->error);
                json_line(o);
        } else if (!sh->tty && sh->progress == PROGRESS_AUTO) {
                _cleanup_free_ char *w = human_bytes(p->bytes_written);
                double secs = (double) (p->ended_ns - p->started_ns) / 1e9;
                fprintf(stderr, "%s: pass %u/%zu (%s) %s: %s written%s in %.1f s%s%s\n", j->path, p->index,
                        sh->method->n_passes, name, p->error ? "stopped" : "done", w,
                        p->verify != WIPE_VERIFY_OFF && p->chunks_verified ? " and verified" : "", secs,
                        p->error ? ": " : "", p->error ? p->error : "");
        }
        pthread_mutex_unlock(&sh->mu);
        return q;
}

static void on_progress(void *ud, const struct wipe_progress *p) {
        struct job *j = ud;
        struct shared *sh = j->sh;
        pthread_mutex_lock(&sh->mu);
        j->prog = *p;
        j->has_prog = true;
        if (sh->progress == PROGRESS_JSON) {
                _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,sI,sI,ss,sI,sI,sf,sf,sf}", "event", "progress", "device", j->path,
                                                     "wipe", (json_int_t) j->rec.id, "pass", (json_int_t) p->pass, "passes",
                                                     (json_int_t) sh->method->n_passes, "phase", p->verifying ? "verify" : "write",
                                                     "done", (json_int_t) p->done, "total", (json_int_t) p->total,
                                                     "percent", p->total ? round(1000.0 * (double) p->done / (double) p->total) / 10 : 100.0,
                                                     "mb_per_s", round(p->rate / 1e5) / 10, "eta_s", p->eta >= 0 ? round(p->eta) : -1.0);
                json_line(o);
        }
        pthread_mutex_unlock(&sh->mu);
        if (sh->progress == PROGRESS_AUTO && sh->tty) progress_draw(sh, false);
}

/* One line per device on a terminal, redrawn in place. */
static void progress_draw(struct shared *sh, bool force) {
        pthread_mutex_lock(&sh->mu);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t now = (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        if (!force && now - sh->last_draw < 250) {
                pthread_mutex_unlock(&sh->mu);
                return;
        }
        sh->last_draw = now;
        if (sh->lines_drawn) fprintf(stderr, "\033[%zuA", sh->lines_drawn);
        for (size_t i = 0; i < sh->n_jobs; i++) {
                struct job *j = &sh->jobs[i];
                if (!j->recorded) continue;
                const struct wipe_progress *p = &j->prog;
                if (j->status[0])
                        fprintf(stderr, "\r\033[K%s: %s\n", j->path, j->status);
                else if (j->has_prog) {
                        _cleanup_free_ char *eta = human_secs(p->eta);
                        fprintf(stderr, "\r\033[K%s: pass %u/%zu %-6s %5.1f%%  %7.1f MB/s  %s left\n", j->path, p->pass,
                                sh->method->n_passes, p->verifying ? "verify" : "write",
                                p->total ? 100.0 * (double) p->done / (double) p->total : 100.0, p->rate / 1e6, eta);
                } else
                        fprintf(stderr, "\r\033[K%s: starting\n", j->path);
        }
        sh->lines_drawn = 0;
        for (size_t i = 0; i < sh->n_jobs; i++) sh->lines_drawn += sh->jobs[i].recorded;
        fflush(stderr);
        pthread_mutex_unlock(&sh->mu);
}

static void *wipe_thread(void *arg) {
        struct job *j = arg;
        struct shared *sh = j->sh;
        struct wipe_callbacks cb = {
                .userdata = j, .check_identity = check_identity, .pass_begin = on_pass_begin,
                .pass_end = on_pass_end, .progress = on_progress,
        };
        wipe_run(&j->t, sh->method, &sh->opts, &cb, &j->res);
        j->ran = true;
        int r = wipe_record_end(sh->ctx->db, &j->rec, &j->res);
        if (r < 0) {
                j->record_err = r;
                j->record_err_msg = xstrdup(*err_msg() ? err_msg() : strerror(-r));
        }
        pthread_mutex_lock(&sh->mu);
        snprintf(j->status, sizeof j->status, "%s", wipe_outcome_name(j->res.outcome));
        pthread_mutex_unlock(&sh->mu);
        if (sh->progress == PROGRESS_AUTO && sh->tty) progress_draw(sh, true);
        return NULL;
}

/* Identify one target and check it may be overwritten. Returns 0 or the
 * exit status of a refusal (printed). */
static int job_prepare(struct shared *sh, struct job *j, const char *asset) {
        struct stat st;
        if (stat(j->arg, &st) < 0) return cmd_fail("cannot wipe '%s': %s", j->arg, strerror(errno));
        if (S_ISBLK(st.st_mode)) {
                if (geteuid() != 0) return cmd_fail("cannot wipe '%s': block devices need root: run it with sudo", j->arg);
                int r = blockdev_get(j->arg, &j->dev);
                if (r < 0) return cmd_fail("cannot wipe '%s': %s", j->arg, *err_msg() ? err_msg() : strerror(-r));
                r = blockdev_check_writable(j->dev);
                if (r < 0) return cmd_fail("cannot wipe '%s': %s", j->arg, err_msg());
                j->block = true;
                j->path = xstrdup(j->dev->devnode);
                j->confirm = xstrdup(!isempty(j->dev->serial) ? j->dev->serial : j->dev->devnode);
                j->identity = blockdev_identity(j->dev);
        } else if (S_ISREG(st.st_mode)) {
                j->path = xstrdup(j->arg);
                j->st = st;
                j->confirm = xstrdup(j->arg);
                j->identity = json_pack("{ss,sI,sI,sI}", "image", j->arg, "size_bytes", (json_int_t) st.st_size,
                                        "inode", (json_int_t) st.st_ino, "device", (json_int_t) st.st_dev);
        } else
                return cmd_fail("cannot wipe '%s': not a block device or an image file", j->arg);
        int r = wipe_match(sh->ctx->db, j->block ? j->dev : NULL, asset, &j->match);
        if (r < 0) return cmd_fail("cannot wipe '%s': %s", j->arg, err_msg());
        return 0;
}

static void job_describe(struct shared *sh, struct job *j) {
        json_t *asset = json_object_get(j->match, "asset"), *medium = json_object_get(j->match, "medium");
        if (j->block) {
                const struct blockdev *b = j->dev;
                _cleanup_free_ char *size = human_bytes(b->size_bytes);
                printf("%s: %s%s%s, %s (%llu bytes), %s, %u-byte sectors, serial %s%s%s\n", b->devnode,
                       strempty(b->vendor), b->vendor && b->model ? " " : "", b->model ? b->model : (b->vendor ? "" : "unknown model"),
                       size, (unsigned long long) b->size_bytes, strempty(b->kind), b->logical_sector,
                       b->serial ? b->serial : "none", b->backing_file ? ", backed by " : "", strempty(b->backing_file));
        } else {
                _cleanup_free_ char *size = human_bytes((uint64_t) j->st.st_size);
                printf("%s: image file, %s (%llu bytes)\n", j->path, size, (unsigned long long) j->st.st_size);
        }
        if (json_is_object(asset))
                printf("  asset %s: %s %s (serial %s)%s%s\n", json_str(asset, "tag"), strempty(json_str(asset, "make")),
                       strempty(json_str(asset, "model")), strempty(json_str(asset, "serial")),
                       json_is_object(medium) ? ", registered medium " : "",
                       json_is_object(medium) ? strempty(json_str(medium, "serial")) : "");
        else
                printf("  not in the register\n");
        if (j->block && (streq_ptr(j->dev->kind, "ssd") || streq_ptr(j->dev->kind, "nvme") || streq_ptr(j->dev->kind, "flash")))
                cmd_warn("'%s' is %s: overwriting does not reach its spare (over-provisioned and remapped) blocks; "
                         "also run the drive's own sanitize or secure erase (nvme sanitize, hdparm --security-erase)",
                         j->path, streq(j->dev->kind, "nvme") ? "an NVMe drive" : streq(j->dev->kind, "ssd") ? "an SSD" : "flash storage");
}

/* Ask the operator to type the serial (or the path). */
static bool confirm_interactive(struct job *j) {
        fprintf(stderr, "Everything on '%s' will be destroyed. Type %s to confirm: ",
                j->path, j->block && !isempty(j->dev->serial) ? "its serial number" : "its path");
        fflush(stderr);
        char line[512];
        if (!fgets(line, sizeof line, stdin)) return false;
        strstrip(line);
        return j->block && !isempty(j->dev->serial) ? strcasecmp(line, j->confirm) == 0 : streq(line, j->confirm);
}

static int wipe_run_cmd(struct ctx *ctx, int argc, char **argv) {
        enum { OPT_METHOD = 0x3000, OPT_VERIFY, OPT_PASSES, OPT_ASSET, OPT_YES, OPT_SERIAL, OPT_PROGRESS, OPT_NOCERT, OPT_THREADS,
               OPT_KEY, OPT_PASSFILE, OPT_KEYDIR };
        static const struct option opts[] = {
                {"method", required_argument, NULL, OPT_METHOD},
                {"verify", required_argument, NULL, OPT_VERIFY},
                {"passes", required_argument, NULL, OPT_PASSES},
                {"asset", required_argument, NULL, OPT_ASSET},
                {"yes", no_argument, NULL, OPT_YES},
                {"serial", required_argument, NULL, OPT_SERIAL},
                {"progress", required_argument, NULL, OPT_PROGRESS},
                {"no-certificate", no_argument, NULL, OPT_NOCERT},
                {"threads", required_argument, NULL, OPT_THREADS},
                {"key", required_argument, NULL, OPT_KEY},
                {"passphrase-file", required_argument, NULL, OPT_PASSFILE},
                {"key-dir", required_argument, NULL, OPT_KEYDIR},
                OPTS_HELP, {},
        };
        const char *method_name = NULL, *verify = NULL, *passes = NULL, *asset = NULL, *progress = "auto";
        bool yes = false, nocert = false;
        const char *key = NULL, *pass_file = NULL, *key_dir = NULL; /* issue 7: signs certificates */
        const char *serials[64];
        size_t n_serials = 0;
        unsigned threads = 0;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case OPT_METHOD: method_name = optarg; break;
                case OPT_VERIFY: verify = optarg; break;
                case OPT_PASSES: passes = optarg; break;
                case OPT_ASSET: asset = optarg; break;
                case OPT_YES: yes = true; break;
                case OPT_SERIAL:
                        if (n_serials == ELEMENTSOF(serials)) return cmd_usage_error(ctx, "too many --serial");
                        serials[n_serials++] = optarg;
                        break;
                case OPT_PROGRESS: progress = optarg; break;
                case OPT_NOCERT: nocert = true; break;
                case OPT_KEY: key = optarg; break;
                case OPT_PASSFILE: pass_file = optarg; break;
                case OPT_KEYDIR: key_dir = optarg; break;
                case OPT_THREADS: {
                        uint64_t v;
                        if (parse_uint64(optarg, &v) < 0 || v < 1 || v > 4) return cmd_usage_error(ctx, "--threads: 1 to 4");
                        threads = (unsigned) v;
                        break;
                }
                default: return cmd_bad_option(ctx);
                }
        size_t n = (size_t) (argc - optind);
        if (n == 0) return cmd_usage_error(ctx, "give the device(s) or image file(s) to wipe");
        /* a bare sub-command word is never taken as a file to wipe: a wipe must
         * not start on what the user meant as 'wipe list' (or its options) */
        for (int i = optind; i < argc; i++)
                for (size_t k = 0; wipe_subverbs[k]; k++)
                        if (streq(argv[i], wipe_subverbs[k]))
                                return cmd_usage_error(ctx, "'%s' is not taken as a device: it is the sub-command 'wipe %s' when it comes "
                                                            "right after 'wipe'; to wipe a file named '%s', write ./%s", argv[i], argv[i], argv[i], argv[i]);
        if (n > 64) return cmd_usage_error(ctx, "at most 64 devices at once");
        if (!method_name && !passes) return cmd_usage_error(ctx, "--method is required (or --passes LIST)");
        if (method_name && passes) return cmd_usage_error(ctx, "give --method or --passes, not both");
        enum progress_mode pm;
        if (streq(progress, "auto")) pm = PROGRESS_AUTO;
        else if (streq(progress, "json")) pm = PROGRESS_JSON;
        else if (streq(progress, "none")) pm = PROGRESS_NONE;
        else return cmd_usage_error(ctx, "--progress '%s': use auto, json or none", progress);
        if (n_serials && !yes) return cmd_usage_error(ctx, "--serial confirms with --yes: give both, or neither and type the serial");
        if (yes && n_serials != n)
                return cmd_usage_error(ctx, "--yes needs one --serial per device (the drive's serial, or the path of a device or image file that has none)");
        if (asset && n > 1) return cmd_usage_error(ctx, "--asset names one device's asset: wipe one device with it");
        struct wipe_method m;
        int r = passes ? wipe_method_parse_passes(passes, &m) : wipe_method_get(method_name, &m);
        if (r < 0) return cmd_usage_error(ctx, "%s", err_msg());
        struct shared sh = {.ctx = ctx, .method = &m, .progress = pm, .tty = isatty(STDERR_FILENO)};
        sh.opts.verify = m.verify;
        sh.opts.sample_percent = m.sample_percent;
        sh.opts.threads = threads;
        if (verify) {
                r = wipe_verify_parse(verify, &sh.opts.verify, &sh.opts.sample_percent);
                if (r < 0) return cmd_usage_error(ctx, "%s", err_msg());
                /* a method that needs full verification keeps it */
                if ((streq(m.name, "nist-clear") || streq(m.name, "is5-baseline")) && sh.opts.verify != WIPE_VERIFY_ALL)
                        return cmd_usage_error(ctx, "--verify %s: %s verifies in full by definition", verify, m.name);
        }
        if (sh.opts.verify == WIPE_VERIFY_OFF && asset)
                return cmd_fail("cannot wipe without verification: a wipe recorded against an asset is certified, and a certificate needs a verified wipe");
        if (sh.opts.verify == WIPE_VERIFY_OFF && !nocert)
                return cmd_fail("cannot wipe without verification: a certified wipe must be verified (use --no-certificate to wipe unverified, with no certificate)");

        /* issue 7: unlock the certificate key before anything is written */
        _cleanup_signer_ struct signer *signer = NULL;
        if (key && nocert) return cmd_usage_error(ctx, "--key signs certificates: it does not go with --no-certificate");
        if (key && (r = cmd_open_signer(ctx, key, key_dir, pass_file, &signer)) < 0) return cmd_fail_err(r);
        disposal_set_wipe_signer(signer);

        struct job *jobs = xcalloc(n, sizeof *jobs);
        sh.jobs = jobs;
        sh.n_jobs = n;
        pthread_mutex_init(&sh.mu, NULL);
        int status = 0;
        for (size_t i = 0; i < n; i++) {
                jobs[i].arg = argv[optind + i];
                jobs[i].sh = &sh;
                jobs[i].t.fd = -1;
        }
        /* identify and check every target before anything is written */
        for (size_t i = 0; i < n && !status; i++) {
                status = job_prepare(&sh, &jobs[i], asset);
                for (size_t k = 0; k < i && !status; k++)
                        if (streq(jobs[k].path, jobs[i].path)) status = cmd_usage_error(ctx, "'%s' is named twice", jobs[i].path);
        }
        if (status) goto out;
        char name_list[64 * 8] = "";
        for (size_t i = 0; i < m.n_passes; i++) {
                char nm[8];
                wipe_pass_name(&m.passes[i], nm);
                size_t l = strlen(name_list);
                snprintf(name_list + l, sizeof name_list - l, "%s%s", i ? "," : "", nm);
        }
        printf("method %s: %zu pass%s (%s), verify %s\n", m.name, m.n_passes, m.n_passes == 1 ? "" : "es", name_list,
               wipe_verify_name(sh.opts.verify, sh.opts.sample_percent));
        for (size_t i = 0; i < n; i++) job_describe(&sh, &jobs[i]);
        fflush(stdout);
        for (size_t i = 0; i < n && !status; i++) {
                struct job *j = &jobs[i];
                if (yes) {
                        bool ok = j->block && !isempty(j->dev->serial) ? strcasecmp(serials[i], j->confirm) == 0 : streq(serials[i], j->confirm);
                        if (!ok)
                                status = cmd_fail("cannot wipe '%s': --serial '%s' does not match %s '%s'", j->path, serials[i],
                                                  j->block && !isempty(j->dev->serial) ? "its serial" : "its path (it has no serial)", j->confirm);
                } else if (!isatty(STDIN_FILENO))
                        status = cmd_fail("cannot wipe '%s': confirm on a terminal by typing its %s, or pass --yes --serial %s",
                                          j->path, j->block && !isempty(j->dev->serial) ? "serial" : "path", j->confirm);
                else if (!confirm_interactive(j))
                        status = cmd_fail("cannot wipe '%s': the confirmation did not match; nothing was written", j->path);
        }
        if (status) goto out;
        /* open them all (exclusively) before the first write */
        for (size_t i = 0; i < n && !status; i++) {
                struct job *j = &jobs[i];
                r = wipe_target_open(j->path, WIPE_OPEN_EXCL, &j->t);
                if (r < 0) {
                        status = cmd_fail("cannot wipe '%s': %s", j->path, err_msg());
                        break;
                }
                if (j->block && j->t.size != j->dev->size_bytes)
                        status = cmd_fail("cannot wipe '%s': its size changed (%llu bytes, was %llu)", j->path,
                                          (unsigned long long) j->t.size, (unsigned long long) j->dev->size_bytes);
        }
        if (status) goto out;
        /* record every wipe as started before its first pass */
        for (size_t i = 0; i < n && !status; i++) {
                struct job *j = &jobs[i];
                json_t *medium = json_object_get(j->match, "medium"), *a = json_object_get(j->match, "asset");
                _cleanup_json_ json_t *pl = json_array();
                for (size_t k = 0; k < m.n_passes; k++) {
                        char nm[8];
                        wipe_pass_name(&m.passes[k], nm);
                        json_array_append_new(pl, json_string(nm));
                }
                _cleanup_json_ json_t *w = json_pack("{ss,ss,sO,ss,sO,ss,sI,sI,sb}", "target", j->path, "target_kind",
                                                     j->block ? "block" : "image", "device", j->identity, "method", m.name,
                                                     "pass_list", pl, "verify", wipe_verify_name(sh.opts.verify, sh.opts.sample_percent),
                                                     "size_bytes", (json_int_t) j->t.size, "sector_size", (json_int_t) j->t.sector,
                                                     "certify", !nocert);
                if (json_is_object(medium)) json_object_set(w, "medium_id", json_object_get(medium, "id"));
                if (json_is_object(a)) json_set_str(w, "asset_tag", json_str(a, "tag"));
                r = wipe_record_begin(ctx->db, w, &j->rec);
                if (r < 0) {
                        status = cmd_fail("cannot record the wipe of '%s': %s", j->path, err_msg());
                        break;
                }
                j->recorded = true;
        }
        if (status) {
                /* those recorded stay 'started' with nothing written: say so */
                for (size_t i = 0; i < n; i++)
                        if (jobs[i].recorded) cmd_warn("wipe %lld of '%s' was recorded as started but not run", (long long) jobs[i].rec.id, jobs[i].path);
                goto out;
        }
        struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        sh.opts.stop = &stop_requested;
        for (size_t i = 0; i < n; i++)
                if (pthread_create(&jobs[i].thread, NULL, wipe_thread, &jobs[i]) != 0) abort();
        for (size_t i = 0; i < n; i++) pthread_join(jobs[i].thread, NULL);
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        if (pm == PROGRESS_AUTO && sh.tty) progress_draw(&sh, true);
        for (size_t i = 0; i < n; i++) {
                struct job *j = &jobs[i];
                const char *tag = j->rec.asset_tag;
                printf("wipe %lld: '%s'%s%s%s %s\n", (long long) j->rec.id, j->path, tag ? " (" : "", tag ? tag : "", tag ? ")" : "",
                       streq(wipe_outcome_name(j->res.outcome), "erased_with_exceptions") ? "erased with exceptions"
                                                                                           : wipe_outcome_name(j->res.outcome));
                if (pm == PROGRESS_JSON) {
                        _cleanup_json_ json_t *o = json_pack("{ss,ss,sI,ss}", "event", "end", "device", j->path, "wipe",
                                                             (json_int_t) j->rec.id, "outcome", wipe_outcome_name(j->res.outcome));
                        json_set_str(o, "error", j->res.error);
                        json_line(o);
                }
                if (j->res.outcome != WIPE_ERASED) {
                        status = 1;
                        if (j->res.error) cmd_warn("wipe %lld of '%s': %s", (long long) j->rec.id, j->path, j->res.error);
                        if (j->rec.medium_id && (j->res.outcome == WIPE_FAILED || j->res.outcome == WIPE_ERASED_EXCEPTIONS))
                                cmd_warn("the medium of '%s' is marked for physical destruction", j->path);
                }
                if (j->record_err) status = cmd_fail("cannot record the outcome of wipe %lld: %s", (long long) j->rec.id, j->record_err_msg);
                bool warning = false;
                const char *note = j->recorded ? disposal_wipe_note(j->rec.id, &warning) : NULL;
                if (note && warning) cmd_warn("%s", note);
                else if (note) printf("%s\n", note);
        }
out:
        disposal_set_wipe_signer(NULL);
        disposal_wipe_notes_free();
        for (size_t i = 0; i < n; i++) job_free(&jobs[i]);
        free(jobs);
        pthread_mutex_destroy(&sh.mu);
        return status;
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

static int parse_fmt(struct ctx *ctx, int argc, char **argv, enum out_format *fmt, const char **asset) {
        static const struct option opts[] = {OPTS_FORMAT, {"asset", required_argument, NULL, 'a'}, OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case OPT_JSON: *fmt = OUT_JSON; break;
                case OPT_CSV: *fmt = OUT_CSV; break;
                case 'a':
                        if (!asset) return cmd_bad_option(ctx);
                        *asset = optarg;
                        break;
                default: return cmd_bad_option(ctx);
                }
        return -1;
}

int wipe_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        const char *asset = NULL;
        int u = parse_fmt(ctx, argc, argv, &fmt, &asset);
        if (u >= 0) return u;
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
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

int wipe_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = parse_fmt(ctx, argc, argv, &fmt, NULL);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one wipe number");
        int64_t id = 0;
        if (parse_wipe_id(argv[optind], &id) < 0) return cmd_usage_error(ctx, "%s", err_msg());
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
        json_array_foreach(passes, i, p) if (json_str(p, "seed")) printf("pass %lld seed: %s\n",
                                                                          (long long) json_integer_value(json_object_get(p, "index")),
                                                                          json_str(p, "seed"));
        return 0;
}

/* ---------- verify ---------- */

int wipe_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"pattern", required_argument, NULL, 'p'},
                {"record", required_argument, NULL, 'r'},
                {"sample", required_argument, NULL, 's'},
                OPTS_FORMAT, OPTS_HELP, {},
        };
        const char *pattern = NULL, *record = NULL;
        double pct = 100;
        enum out_format fmt = OUT_TABLE;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'p': pattern = optarg; break;
                case 'r': record = optarg; break;
                case 's': {
                        char *end;
                        errno = 0;
                        pct = strtod(optarg, &end);
                        if (errno || end == optarg || (*end && !streq(end, "%")) || !(pct > 0 && pct <= 100))
                                return cmd_usage_error(ctx, "--sample '%s': a percentage above 0 and at most 100", optarg);
                        break;
                }
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one device or image file");
        if (!pattern == !record) return cmd_usage_error(ctx, "give --pattern zero|one|HEX or --record ID");
        const char *path = argv[optind];
        struct wipe_pass_spec spec;
        uint8_t seed[32] = {0};
        _cleanup_free_ uint8_t *digests = NULL;
        uint64_t n_digests = 0;
        int64_t id = 0;
        _cleanup_json_ json_t *w = NULL;
        int r;
        if (pattern) {
                r = wipe_pass_parse(streq(pattern, "zero") ? "00" : streq(pattern, "one") ? "ff" : pattern, &spec);
                if (r < 0 || spec.kind != WIPE_CONST) return cmd_usage_error(ctx, "--pattern '%s': use zero, one or hex bytes (00, ff, 924924)", pattern);
        } else {
                if (parse_wipe_id(record, &id) < 0) return cmd_usage_error(ctx, "%s", err_msg());
                r = wipe_get(ctx->db, id, &w);
                if (r < 0) return cmd_fail_err(r);
                json_t *passes = json_object_get(w, "passes");
                json_t *last = json_array_get(passes, json_array_size(passes) - 1);
                if (!last || !streq_ptr(json_str(last, "status"), "done"))
                        return cmd_fail("cannot check against wipe %lld: its last pass did not complete", (long long) id);
                if (wipe_pass_parse(json_str(last, "pattern"), &spec) < 0) return cmd_fail_err(-EINVAL);
                if (spec.kind == WIPE_RANDOM) {
                        const char *s = json_str(last, "seed");
                        if (!s || hex_decode(s, seed, 32) < 0) return cmd_fail("cannot check against wipe %lld: its seed is not recorded", (long long) id);
                }
                r = wipe_last_digests(ctx->db, id, &digests, &n_digests);
                if (r < 0) return cmd_fail_err(r);
        }
        struct stat st;
        if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) && geteuid() != 0)
                return cmd_fail("cannot read '%s': block devices need root: run it with sudo", path);
        struct wipe_target t = {.fd = -1};
        r = wipe_target_open(path, WIPE_OPEN_READONLY, &t);
        if (r < 0) return cmd_fail_err(r);
        if (w && (int64_t) t.size != json_integer_value(json_object_get(w, "size_bytes"))) {
                int s = cmd_fail("cannot check '%s' against wipe %lld: it has %llu bytes, the wipe %lld", path, (long long) id,
                                 (unsigned long long) t.size, (long long) json_integer_value(json_object_get(w, "size_bytes")));
                wipe_target_close(&t);
                return s;
        }
        struct sigaction sa = {.sa_handler = on_stop_signal}, old_int;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        struct wipe_options o = {.stop = &stop_requested};
        struct wipe_pass_result pr;
        r = wipe_verify_stream(&t, &spec, seed, digests, n_digests, pct, &o, NULL, &pr);
        sigaction(SIGINT, &old_int, NULL);
        OPENSSL_cleanse(seed, sizeof seed);
        wipe_target_close(&t);
        if (r < 0) return cmd_fail_err(r);
        char name[8];
        wipe_pass_name(&spec, name);
        _cleanup_json_ json_t *j = wipe_pass_json(&pr);
        json_object_del(j, "index");
        json_object_del(j, "bytes_written");
        json_object_del(j, "written_complete");
        json_object_del(j, "root_written");
        json_object_del(j, "write_retries");
        json_object_del(j, "write_errors");
        json_object_del(j, "write_error_bytes");
        json_object_set_new(j, "target", json_string(path));
        if (id) json_object_set_new(j, "wipe", json_integer(id));
        bool ok = !pr.error && pr.mismatches.total_bytes == 0 && pr.read_errors.total_bytes == 0;
        json_object_set_new(j, "matches", json_boolean(ok));
        if (fmt != OUT_TABLE)
                out_object(OUT_JSON, NULL, j);
        _cleanup_free_ char *what = id ? xasprintf("wipe %lld's last pass (%s)", (long long) id, name)
                                       : xasprintf("the pattern %s", name);
        _cleanup_free_ char *bytes = human_bytes(pr.bytes_verified);
        int status = 0;
        if (pr.error)
                status = cmd_fail("cannot check '%s': %s", path, pr.error);
        else if (!ok) {
                const struct wipe_range *first = pr.mismatches.n ? &pr.mismatches.v[0] : pr.read_errors.n ? &pr.read_errors.v[0] : NULL;
                status = cmd_fail("'%s' does not match %s: %llu bytes differ, %llu unreadable%s%llu", path, what,
                                  (unsigned long long) pr.mismatches.total_bytes, (unsigned long long) pr.read_errors.total_bytes,
                                  first ? ", first at byte " : "", first ? (unsigned long long) first->offset : 0ull);
        } else if (fmt == OUT_TABLE) {
                char root[65];
                hex_encode(pr.root_read, 32, root);
                if (pr.read_complete)
                        printf("'%s' matches %s: %s read, root %s\n", path, what, bytes, root);
                else
                        printf("'%s' matches %s in a %g%% sample: %llu chunks, %s read\n", path, what, pct,
                               (unsigned long long) pr.chunks_verified, bytes);
        }
        wipe_pass_result_done(&pr);
        return status;
}

const char *const wipe_subverbs[] = {"list", "show", "verify", NULL};

/* `assetctl wipe ...`: list/show/verify, or wipe the devices named. The
 * rule that keeps the two apart: a sub-command is the word right after
 * `wipe`, exactly; anywhere else the bare word is refused (wipe_run_cmd), so
 * a file of that name is always written with a '/' (./list). The sub-commands
 * only read. */
int cmd_wipe(struct ctx *ctx, int argc, char **argv) {
        if (argc >= 2) {
                static const struct {
                        const char *name;
                        int (*fn)(struct ctx *, int, char **);
                        const char *synopsis; /* for usage errors */
                } subs[] = {
                        {"list", wipe_list_cmd, "[--asset TAG] [--json|--csv]"},
                        {"show", wipe_show_cmd, "ID [--json]"},
                        {"verify", wipe_verify_cmd, "DEVICE (--pattern zero|one|HEX | --record ID) [--sample P] [--json]"},
                };
                for (size_t i = 0; i < ELEMENTSOF(subs); i++)
                        if (streq(argv[1], subs[i].name)) {
                                _cleanup_free_ char *path = xasprintf("wipe %s", subs[i].name);
                                const char *old = ctx->path;
                                const struct command *old_cmd = ctx->cmd;
                                struct command sub = *ctx->cmd;
                                sub.synopsis = subs[i].synopsis;
                                _cleanup_free_ char *argv0 = xasprintf("assetctl %s", path);
                                ctx->path = path;
                                ctx->cmd = &sub;
                                argv[1] = argv0; /* for getopt's messages */
                                int s = subs[i].fn(ctx, argc - 1, argv + 1);
                                ctx->path = old;
                                ctx->cmd = old_cmd;
                                return s;
                        }
        }
        return wipe_run_cmd(ctx, argc, argv);
}
