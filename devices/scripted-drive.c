/* The scripted drive: see scripted-drive.h. Compiled only into test
 * builds (meson -Dtests=true); a release build has no trace of it. */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "scripted-drive.h"
#include "util.h"

#define SECTOR 512u
#define MAX_NAMESPACES 16

enum fill { FILL_ZEROS, FILL_ONES, FILL_RANDOM, FILL_PATTERN };

/* What the description says; fixed for the life of the drive. */
struct desc {
        char *path, *state_path;
        char *target, *image;
        bool nvme;
        char model[41], serial[21], firmware[9];
        unsigned polls, fail, reset_at_poll, kill_at_poll;
        bool lie;
        enum fill erase_fill;
        unsigned sanitize; /* bit 0 crypto, 1 block, 2 overwrite */
        /* NVMe */
        bool format_user, format_crypto, format_all;
        unsigned namespaces, nn;
        uint32_t est_crypto, est_block, est_overwrite;
        /* ATA */
        bool security, enhanced, frozen, locked, security_erase_fail, hpa, dco;
        unsigned erase_minutes, enhanced_minutes;
        enum fill enhanced_fill;
        char password[33];
        uint64_t visible_sectors, native_sectors;
};

/* What changes, kept in DESC.state between processes. */
struct state {
        /* sanitize (both buses) */
        unsigned san_state;   /* NVMe SSTAT 2:0: 0 never, 1 done, 2 in progress, 3 failed */
        unsigned san_action;  /* 1 crypto, 2 block, 3 overwrite */
        uint32_t san_cdw10;   /* NVMe: the command's CDW10; ATA: its COUNT */
        uint32_t san_pattern;
        unsigned san_passes;  /* overwrite passes asked for (1..16) */
        bool san_invert;
        unsigned san_polls;   /* status reads since it started */
        unsigned failure_mode; /* 0 none, 1 restricted, 2 unrestricted (AUSE / FAILURE MODE) */
        unsigned fails_done;
        unsigned san_starts;  /* sanitize commands accepted, ever: a resumed wipe sends none */
        bool reset_done, killed, global_erased, san_frozen;
        /* ATA security */
        bool sec_enabled, sec_locked, sec_frozen;
        unsigned sec_attempts;
        char sec_password[65]; /* hex of the 32 bytes */
        unsigned prev_cmd;    /* the previous ATA command (ERASE PREPARE, READ NATIVE MAX) */
        /* ATA sizes, sectors */
        uint64_t current_max, native_max;
};

static struct desc *D;
static char *desc_path;

static void desc_free(struct desc *d) {
        if (!d) return;
        free(d->path);
        free(d->state_path);
        free(d->target);
        free(d->image);
        free(d);
}

/* ---- the description ---- */

static int parse_yes(const char *v, bool *ret) {
        if (streq(v, "yes") || streq(v, "true") || streq(v, "1")) *ret = true;
        else if (streq(v, "no") || streq(v, "false") || streq(v, "0")) *ret = false;
        else return -EINVAL;
        return 0;
}

static int parse_num(const char *v, uint64_t max, uint64_t *ret) {
        uint64_t n;
        if (parse_uint64(v, &n) < 0 || n > max) return -EINVAL;
        *ret = n;
        return 0;
}

static int parse_fill(const char *v, bool random_ok, enum fill *ret) {
        if (streq(v, "zeros")) *ret = FILL_ZEROS;
        else if (streq(v, "ones")) *ret = FILL_ONES;
        else if (random_ok && streq(v, "random")) *ret = FILL_RANDOM;
        else return -EINVAL;
        return 0;
}

/* "crypto,block,overwrite" or "none" -> bits. */
static int parse_actions(const char *v, unsigned *ret) {
        unsigned m = 0;
        if (streq(v, "none")) {
                *ret = 0;
                return 0;
        }
        _cleanup_free_ char *s = xstrdup(v);
        char *save = NULL;
        for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                t = strstrip(t);
                if (streq(t, "crypto")) m |= 1;
                else if (streq(t, "block")) m |= 2;
                else if (streq(t, "overwrite")) m |= 4;
                else return -EINVAL;
        }
        *ret = m;
        return 0;
}

static void copy_id(char *dst, size_t size, const char *v) {
        snprintf(dst, size, "%s", v);
}

/* One `key = value`; -EINVAL for a bad value, -ENOENT for an unknown key. */
static int desc_set(struct desc *d, const char *k, const char *v) {
        uint64_t n = 0;
        int r = 0;
        if (streq(k, "target")) { free(d->target); d->target = xstrdup(v); }
        else if (streq(k, "image")) { free(d->image); d->image = xstrdup(v); }
        else if (streq(k, "bus")) {
                if (streq(v, "nvme")) d->nvme = true;
                else if (streq(v, "ata")) d->nvme = false;
                else r = -EINVAL;
        }
        else if (streq(k, "model")) copy_id(d->model, sizeof d->model, v);
        else if (streq(k, "serial")) copy_id(d->serial, sizeof d->serial, v);
        else if (streq(k, "firmware")) copy_id(d->firmware, sizeof d->firmware, v);
        else if (streq(k, "polls")) { r = parse_num(v, 1000, &n); d->polls = (unsigned) n; if (!r && !n) r = -EINVAL; }
        else if (streq(k, "fail")) { r = parse_num(v, 1000, &n); d->fail = (unsigned) n; }
        else if (streq(k, "reset_at_poll")) { r = parse_num(v, 1000, &n); d->reset_at_poll = (unsigned) n; }
        else if (streq(k, "kill_at_poll")) { r = parse_num(v, 1000, &n); d->kill_at_poll = (unsigned) n; }
        else if (streq(k, "lie")) r = parse_yes(v, &d->lie);
        else if (streq(k, "erase_fill")) r = parse_fill(v, false, &d->erase_fill);
        else if (streq(k, "sanitize")) r = parse_actions(v, &d->sanitize);
        else if (streq(k, "format")) {
                d->format_user = d->format_crypto = false;
                if (streq(v, "user")) d->format_user = true;
                else if (streq(v, "crypto")) d->format_user = d->format_crypto = true;
                else if (!streq(v, "none")) r = -EINVAL;
        }
        else if (streq(k, "format_all")) r = parse_yes(v, &d->format_all);
        else if (streq(k, "namespaces")) { r = parse_num(v, MAX_NAMESPACES, &n); d->namespaces = (unsigned) n; if (!r && !n) r = -EINVAL; }
        else if (streq(k, "nn")) { r = parse_num(v, 1024, &n); d->nn = (unsigned) n; }
        else if (streq(k, "estimate_crypto")) { r = parse_num(v, UINT32_MAX - 1, &n); d->est_crypto = (uint32_t) n; }
        else if (streq(k, "estimate_block")) { r = parse_num(v, UINT32_MAX - 1, &n); d->est_block = (uint32_t) n; }
        else if (streq(k, "estimate_overwrite")) { r = parse_num(v, UINT32_MAX - 1, &n); d->est_overwrite = (uint32_t) n; }
        else if (streq(k, "security")) r = parse_yes(v, &d->security);
        else if (streq(k, "enhanced")) r = parse_yes(v, &d->enhanced);
        else if (streq(k, "frozen")) r = parse_yes(v, &d->frozen);
        else if (streq(k, "locked")) r = parse_yes(v, &d->locked);
        else if (streq(k, "security_erase_fail")) r = parse_yes(v, &d->security_erase_fail);
        else if (streq(k, "erase_minutes")) { r = parse_num(v, 65534, &n); d->erase_minutes = (unsigned) n; }
        else if (streq(k, "enhanced_minutes")) { r = parse_num(v, 65534, &n); d->enhanced_minutes = (unsigned) n; }
        else if (streq(k, "enhanced_fill")) r = parse_fill(v, true, &d->enhanced_fill);
        else if (streq(k, "password")) {
                if (strlen(v) > 32) r = -EINVAL;
                else copy_id(d->password, sizeof d->password, v);
        }
        else if (streq(k, "hpa")) r = parse_yes(v, &d->hpa);
        else if (streq(k, "dco")) r = parse_yes(v, &d->dco);
        else if (streq(k, "visible_sectors")) { r = parse_num(v, (1ull << 48) - 1, &n); d->visible_sectors = n; }
        else if (streq(k, "native_sectors")) { r = parse_num(v, (1ull << 48) - 1, &n); d->native_sectors = n; }
        else r = -ENOENT;
        return r;
}

static uint64_t image_sectors(const struct desc *d) {
        struct stat st;
        return stat(d->image, &st) == 0 ? (uint64_t) st.st_size / SECTOR : 0;
}

static int desc_load(const char *path, struct desc **ret) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = read_file(path, 65536, &text, &len);
        if (r < 0) return err_prefix(r, "scripted drive");
        struct desc *d = xcalloc(1, sizeof *d);
        *d = (struct desc) {
                .path = xstrdup(path), .state_path = xasprintf("%s.state", path),
                .polls = 3, .sanitize = 0, .namespaces = 1,
                .est_crypto = UINT32_MAX, .est_block = UINT32_MAX, .est_overwrite = UINT32_MAX,
                .hpa = true, .enhanced_fill = FILL_RANDOM,
        };
        copy_id(d->model, sizeof d->model, "SCRIPTED DRIVE");
        copy_id(d->serial, sizeof d->serial, "SCRIPTED0001");
        copy_id(d->firmware, sizeof d->firmware, "1.0");
        unsigned line = 0;
        r = 0;
        for (char *s = text, *nl; s && *s && r >= 0; s = nl) {
                nl = strchr(s, '\n');
                if (nl) *nl++ = 0;
                line++;
                char *hash = strchr(s, '#');
                if (hash) *hash = 0;
                char *t = strstrip(s);
                if (!*t) continue;
                char *eq = strchr(t, '=');
                if (!eq) {
                        r = err_set(EINVAL, "scripted drive '%s' line %u: expected 'key = value'", path, line);
                        break;
                }
                *eq = 0;
                char *k = strstrip(t), *v = strstrip(eq + 1);
                int q = desc_set(d, k, v);
                if (q == -ENOENT) r = err_set(EINVAL, "scripted drive '%s' line %u: unknown key '%s'", path, line, k);
                else if (q < 0) r = err_set(EINVAL, "scripted drive '%s' line %u: bad value '%s' for '%s'", path, line, v, k);
        }
        if (r >= 0 && d->locked && !d->password[0])
                r = err_set(EINVAL, "scripted drive '%s': locked = yes needs a password", path);
        if (r >= 0 && (!d->target || !d->image))
                r = err_set(EINVAL, "scripted drive '%s': '%s' is missing", path, d->target ? "image" : "target");
        struct stat st;
        if (r >= 0 && (stat(d->image, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t) SECTOR))
                r = err_set(EINVAL, "scripted drive '%s': image '%s' is not a regular file of a sector or more", path, d->image);
        if (r >= 0) {
                uint64_t n = image_sectors(d);
                if (d->native_sectors && (d->native_sectors > n || !d->dco))
                        r = err_set(EINVAL, "scripted drive '%s': native_sectors %" PRIu64 " needs dco = yes and at most the image's %" PRIu64,
                                    path, d->native_sectors, n);
                uint64_t native = d->native_sectors ? d->native_sectors : n;
                if (r >= 0 && d->visible_sectors && (d->visible_sectors > native || !d->hpa))
                        r = err_set(EINVAL, "scripted drive '%s': visible_sectors %" PRIu64 " needs hpa = yes and at most %" PRIu64,
                                    path, d->visible_sectors, native);
        }
        if (r < 0) {
                desc_free(d);
                return r;
        }
        if (!d->nn) d->nn = d->namespaces;
        *ret = d;
        return 0;
}

int scripted_drive_check(const char *path) {
        struct desc *d = NULL;
        int r = desc_load(path, &d);
        desc_free(d);
        return r;
}

/* ---- the state file ---- */

static void state_init(const struct desc *d, struct state *s) {
        *s = (struct state) {0};
        uint64_t n = image_sectors(d);
        s->native_max = d->native_sectors ? d->native_sectors : n;
        s->current_max = d->visible_sectors ? d->visible_sectors : s->native_max;
        s->sec_frozen = d->frozen;
        if (d->password[0]) {
                uint8_t pw[32] = {0};
                memcpy(pw, d->password, strlen(d->password));
                hex_encode(pw, sizeof pw, s->sec_password);
                s->sec_enabled = true;
                s->sec_locked = d->locked; /* as after a power-up with a password set */
        }
}

#define STATE_FIELDS(X) \
        X(san_state) X(san_action) X(san_cdw10) X(san_pattern) X(san_passes) X(san_invert) X(san_polls) \
        X(failure_mode) X(fails_done) X(san_starts) X(reset_done) X(killed) X(global_erased) X(san_frozen) \
        X(sec_enabled) X(sec_locked) X(sec_frozen) X(sec_attempts) X(prev_cmd) X(current_max) X(native_max)

static int state_save(const struct desc *d, const struct state *s) {
        struct strbuf sb = {0};
        sb_puts(&sb, "# the scripted drive's state (tests): written by assetctl, read back by the next call\n");
#define X(f) sb_printf(&sb, #f " %" PRIu64 "\n", (uint64_t) s->f);
        STATE_FIELDS(X)
#undef X
        sb_printf(&sb, "sec_password %s\n", s->sec_password[0] ? s->sec_password : "-");
        int r = write_file_atomic(d->state_path, sb.buf, sb.len, 0644);
        sb_free(&sb);
        return r;
}

static int state_load(const struct desc *d, struct state *s) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        state_init(d, s);
        if (access(d->state_path, F_OK) < 0) return 0;
        int r = read_file(d->state_path, 65536, &text, &len);
        if (r < 0) return r;
        unsigned line = 0;
        for (char *p = text, *nl; p && *p; p = nl) {
                nl = strchr(p, '\n');
                if (nl) *nl++ = 0;
                line++;
                if (*p == '#' || !*p) continue;
                char *sp = strchr(p, ' ');
                if (!sp) return err_set(EBADMSG, "scripted drive state '%s' line %u: no value", d->state_path, line);
                *sp = 0;
                const char *k = p, *v = sp + 1;
                uint64_t n = 0;
                if (streq(k, "sec_password")) {
                        if (streq(v, "-")) s->sec_password[0] = 0;
                        else if (strlen(v) == 64) memcpy(s->sec_password, v, 65);
                        else return err_set(EBADMSG, "scripted drive state '%s' line %u: bad password", d->state_path, line);
                        continue;
                }
                if (parse_uint64(v, &n) < 0)
                        return err_set(EBADMSG, "scripted drive state '%s' line %u: bad number '%s'", d->state_path, line, v);
#define X(f) if (streq(k, #f)) { s->f = (__typeof__(s->f)) n; continue; }
                STATE_FIELDS(X)
#undef X
                return err_set(EBADMSG, "scripted drive state '%s' line %u: unknown key '%s'", d->state_path, line, k);
        }
        return 0;
}

/* ---- the target and the image ---- */

static bool same_file(const struct stat *a, const struct stat *b) {
        if (S_ISBLK(a->st_mode) || S_ISCHR(a->st_mode))
                return (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT) && a->st_rdev == b->st_rdev;
        return S_ISREG(a->st_mode) && S_ISREG(b->st_mode) && a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int ensure_loaded(void) {
        if (D) return 0;
        if (!desc_path) return 0;
        return desc_load(desc_path, &D);
}

/* Whether `fd` is the target: the descriptors opened through its path. */
static bool fd_is_ours(int fd) {
        if (ensure_loaded() < 0 || !D) return false;
        struct stat a, b;
        return fstat(fd, &a) == 0 && stat(D->target, &b) == 0 && same_file(&a, &b);
}

/* Keeps a loop device target's size at the drive's current max: what the
 * kernel would read from IDENTIFY. */
static int loop_resize(const struct desc *d, uint64_t sectors) {
        struct stat st;
        if (stat(d->target, &st) < 0 || !S_ISBLK(st.st_mode) || major(st.st_rdev) != 7) return 0;
        _cleanup_close_ int fd = open(d->target, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "scripted drive: cannot open '%s': %s", d->target, strerror(errno));
        struct loop_info64 info;
        if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0)
                return err_set(errno, "scripted drive: '%s' is not a loop device: %s", d->target, strerror(errno));
        uint64_t want = sectors == image_sectors(d) ? 0 : sectors * SECTOR;
        if (info.lo_sizelimit == want) return 0;
        info.lo_sizelimit = want;
        if (ioctl(fd, LOOP_SET_STATUS64, &info) < 0)
                return err_set(errno, "scripted drive: cannot resize '%s': %s", d->target, strerror(errno));
        return 0;
}

/* Drops what the kernel caches of a block device target: before the image
 * changes (its dirty pages reach the file first) and after (no stale page
 * is read back). */
static void target_flush(const struct desc *d) {
        struct stat st;
        if (stat(d->target, &st) < 0 || !S_ISBLK(st.st_mode)) return;
        _cleanup_close_ int fd = open(d->target, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) (void) ioctl(fd, BLKFLSBUF, 0);
}

/* Writes the whole image as a command would leave it. Only ever the
 * regular file the description names. */
static int image_fill(const struct desc *d, enum fill how, uint32_t pattern) {
        target_flush(d);
        _cleanup_close_ int fd = open(d->image, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return err_set(errno ? errno : EINVAL, "scripted drive: cannot write image '%s'", d->image);
        const size_t chunk = 1u << 20;
        _cleanup_free_ uint8_t *buf = xmalloc(chunk);
        if (how == FILL_ZEROS || how == FILL_ONES) memset(buf, how == FILL_ONES ? 0xff : 0, chunk);
        if (how == FILL_PATTERN)
                for (size_t i = 0; i < chunk; i += 4) {
                        buf[i] = (uint8_t) pattern;
                        buf[i + 1] = (uint8_t) (pattern >> 8);
                        buf[i + 2] = (uint8_t) (pattern >> 16);
                        buf[i + 3] = (uint8_t) (pattern >> 24);
                }
        for (off_t off = 0; off < st.st_size;) {
                size_t n = (size_t) (st.st_size - off) < chunk ? (size_t) (st.st_size - off) : chunk;
                if (how == FILL_RANDOM)
                        for (size_t got = 0; got < n;) {
                                ssize_t g = getrandom(buf + got, n - got, 0);
                                if (g < 0 && errno != EINTR) return err_set(errno, "scripted drive: getrandom: %s", strerror(errno));
                                if (g > 0) got += (size_t) g;
                        }
                ssize_t w = pwrite(fd, buf, n, off);
                if (w <= 0) return err_set(w < 0 ? errno : EIO, "scripted drive: cannot write image '%s'", d->image);
                off += w;
        }
        if (fsync(fd) < 0) return err_set(errno, "scripted drive: cannot sync image '%s'", d->image);
        target_flush(d);
        return 0;
}

/* What a finished sanitize leaves: action 1 crypto, 2 block, 3 overwrite. */
static int sanitize_apply(const struct desc *d, const struct state *s) {
        if (d->lie) return 0;
        switch (s->san_action) {
        case 1: return image_fill(d, FILL_RANDOM, 0);
        case 2: return image_fill(d, d->erase_fill, 0);
        default: {
                /* inverted between passes: an even count ends inverted */
                uint32_t p = s->san_invert && s->san_passes % 2 == 0 ? ~s->san_pattern : s->san_pattern;
                return image_fill(d, FILL_PATTERN, p);
        }
        }
}

/* Starts a sanitize (state only: the image changes when it completes). */
static void sanitize_start(struct state *s, unsigned action, uint32_t cdw10, uint32_t pattern, unsigned passes, bool invert,
                           bool failure_mode_allowed) {
        s->san_state = 2;
        s->san_starts++;
        s->san_action = action;
        s->san_cdw10 = cdw10;
        s->san_pattern = pattern;
        s->san_passes = passes;
        s->san_invert = invert;
        s->san_polls = 0;
        s->failure_mode = failure_mode_allowed ? 2 : 1; /* used only if it fails */
        s->reset_done = false;
        s->killed = false;
}

enum poll_result { POLL_OK, POLL_RESET, POLL_ERROR };

/* One status read while a sanitize runs: progress, completion, and the
 * scripted events (a reset, the process killed). */
static enum poll_result sanitize_poll(const struct desc *d, struct state *s) {
        if (s->san_state != 2) return POLL_OK;
        if (d->reset_at_poll && !s->reset_done && s->san_polls + 1 == d->reset_at_poll) {
                s->reset_done = true; /* the sanitize resumes after the reset */
                return POLL_RESET;
        }
        s->san_polls++;
        if (d->kill_at_poll && !s->killed && s->san_polls == d->kill_at_poll) {
                s->killed = true;
                if (state_save(d, s) == 0) raise(SIGKILL);
        }
        if (s->san_polls < d->polls) return POLL_OK;
        if (s->fails_done < d->fail) {
                s->fails_done++;
                s->san_state = 3;
                return POLL_OK;
        }
        s->san_state = 1;
        s->failure_mode = 0;
        s->global_erased = true;
        return sanitize_apply(d, s) < 0 ? POLL_ERROR : POLL_OK;
}

static unsigned sanitize_progress(const struct desc *d, const struct state *s) {
        if (s->san_state != 2) return 0xffff;
        uint64_t p = (uint64_t) s->san_polls * 65536 / d->polls;
        return p > 0xffff ? 0xffff : (unsigned) p;
}

/* ---- NVMe ---- */

/* Status field values as the kernel's ioctl returns them (SCT << 8 | SC). */
#define NVME_SC_INVALID_OPCODE 0x001
#define NVME_SC_INVALID_FIELD 0x002
#define NVME_SC_INVALID_NS 0x00b
#define NVME_SC_SANITIZE_FAILED 0x01c
#define NVME_SC_SANITIZE_IN_PROGRESS 0x01d
#define NVME_SC_HOST_ABORTED 0x371
#define NVME_DNR 0x4000

static void put16(uint8_t *b, size_t off, uint16_t v) { b[off] = (uint8_t) v; b[off + 1] = (uint8_t) (v >> 8); }
static void put32(uint8_t *b, size_t off, uint32_t v) { put16(b, off, (uint16_t) v); put16(b, off + 2, (uint16_t) (v >> 16)); }
static void put64(uint8_t *b, size_t off, uint64_t v) { put32(b, off, (uint32_t) v); put32(b, off + 4, (uint32_t) (v >> 32)); }

/* An ASCII field padded with spaces (NVMe SN/MN/FR). */
static void put_ascii(uint8_t *b, size_t off, size_t len, const char *s) {
        memset(b + off, ' ', len);
        memcpy(b + off, s, strnlen(s, len));
}

static void nvme_id_ctrl(const struct desc *d, uint8_t *b) {
        put16(b, 0, 0x5344); /* VID: not a real vendor's */
        put16(b, 2, 0x5344);
        put_ascii(b, 4, 20, d->serial);
        put_ascii(b, 24, 40, d->model);
        put_ascii(b, 64, 8, d->firmware);
        put16(b, 256, d->format_user ? 1u << 1 : 0); /* OACS: Format NVM */
        uint32_t sanicap = (d->sanitize & 1 ? 1u : 0) | (d->sanitize & 2 ? 2u : 0) | (d->sanitize & 4 ? 4u : 0);
        put32(b, 328, sanicap);
        put32(b, 516, d->nn);
        b[524] = (uint8_t) ((d->format_all ? 3u : 0) | (d->format_crypto ? 4u : 0)); /* FNA */
}

static void nvme_id_ns(const struct desc *d, uint8_t *b) {
        uint64_t n = image_sectors(d);
        put64(b, 0, n);  /* NSZE */
        put64(b, 8, n);  /* NCAP */
        put64(b, 16, n); /* NUSE */
        b[25] = 0;       /* NLBAF: one format */
        b[26] = 0;       /* FLBAS: format 0 */
        put32(b, 128, 9u << 16); /* LBAF0: 2^9 bytes, no metadata */
}

static int nvme_copy(struct nvme_admin_cmd *cmd, const uint8_t *b, size_t n) {
        if (!cmd->addr || !cmd->data_len) return NVME_SC_INVALID_FIELD | NVME_DNR;
        size_t len = cmd->data_len < n ? cmd->data_len : n;
        memset((void *) (uintptr_t) cmd->addr, 0, cmd->data_len);
        memcpy((void *) (uintptr_t) cmd->addr, b, len);
        return 0;
}

static int nvme_identify(const struct desc *d, struct nvme_admin_cmd *cmd) {
        uint8_t b[4096] = {0};
        switch (cmd->cdw10 & 0xff) {
        case 0x00:
                if (cmd->nsid == 0 || cmd->nsid > d->namespaces) return NVME_SC_INVALID_NS | NVME_DNR;
                nvme_id_ns(d, b);
                break;
        case 0x01: nvme_id_ctrl(d, b); break;
        case 0x02: {
                size_t k = 0;
                for (uint32_t id = cmd->nsid + 1; id <= d->namespaces && cmd->nsid < 0xfffffffe; id++) put32(b, 4 * k++, id);
                break;
        }
        default: return NVME_SC_INVALID_FIELD | NVME_DNR;
        }
        return nvme_copy(cmd, b, sizeof b);
}

static int nvme_get_log(const struct desc *d, struct state *s, struct nvme_admin_cmd *cmd, bool *dirty) {
        if ((cmd->cdw10 & 0xff) != 0x81 || !d->sanitize) return NVME_SC_INVALID_FIELD | NVME_DNR;
        enum poll_result pr = sanitize_poll(d, s);
        *dirty = true;
        if (pr == POLL_RESET) return NVME_SC_HOST_ABORTED;
        if (pr == POLL_ERROR) return -EIO;
        uint8_t b[512] = {0};
        put16(b, 0, (uint16_t) sanitize_progress(d, s));
        unsigned passes = s->san_action == 3 && s->san_state == 1 ? s->san_passes : 0;
        put16(b, 2, (uint16_t) (s->san_state | passes << 3 | (s->global_erased ? 1u << 8 : 0)));
        put32(b, 4, s->san_cdw10);
        put32(b, 8, d->est_overwrite);
        put32(b, 12, d->est_block);
        put32(b, 16, d->est_crypto);
        put32(b, 20, UINT32_MAX);
        put32(b, 24, UINT32_MAX);
        put32(b, 28, UINT32_MAX);
        return nvme_copy(cmd, b, sizeof b);
}

static int nvme_format(const struct desc *d, struct state *s, struct nvme_admin_cmd *cmd) {
        if (!d->format_user) return NVME_SC_INVALID_OPCODE | NVME_DNR;
        if (s->san_state == 2) return NVME_SC_SANITIZE_IN_PROGRESS;
        if (s->failure_mode) return NVME_SC_SANITIZE_FAILED | NVME_DNR;
        if (cmd->nsid != 0xffffffff && (cmd->nsid == 0 || cmd->nsid > d->namespaces)) return NVME_SC_INVALID_NS | NVME_DNR;
        unsigned lbaf = cmd->cdw10 & 0xf, ses = (cmd->cdw10 >> 9) & 7;
        if (lbaf != 0 || ses > 2 || (ses == 2 && !d->format_crypto)) return NVME_SC_INVALID_FIELD | NVME_DNR;
        /* only namespace 1 has an image; the others are facts in identify */
        if (cmd->nsid != 1 && cmd->nsid != 0xffffffff && !d->format_all) return 0;
        if (d->lie) return 0;
        int r = image_fill(d, ses == 2 ? FILL_RANDOM : d->erase_fill, 0);
        return r < 0 ? r : 0;
}

static int nvme_sanitize(const struct desc *d, struct state *s, struct nvme_admin_cmd *cmd) {
        unsigned sanact = cmd->cdw10 & 7;
        bool ause = cmd->cdw10 & 1u << 3;
        if (!d->sanitize) return NVME_SC_INVALID_OPCODE | NVME_DNR;
        if (s->san_state == 2) return NVME_SC_SANITIZE_IN_PROGRESS;
        if (sanact == 1) { /* Exit Failure Mode */
                if (s->failure_mode == 1) return NVME_SC_SANITIZE_FAILED | NVME_DNR;
                s->failure_mode = 0;
                return 0;
        }
        static const unsigned bit[] = { [2] = 2, [3] = 4, [4] = 1 };
        if (sanact < 2 || sanact > 4 || !(d->sanitize & bit[sanact])) return NVME_SC_INVALID_FIELD | NVME_DNR;
        unsigned owpass = (cmd->cdw10 >> 4) & 0xf;
        sanitize_start(s, sanact == 4 ? 1 : sanact == 2 ? 2 : 3, cmd->cdw10, cmd->cdw11, owpass ? owpass : 16,
                       cmd->cdw10 & 1u << 8, ause);
        return 0;
}

static int scripted_nvme_admin(int fd, struct nvme_admin_cmd *cmd) {
        if (!fd_is_ours(fd)) return drive_nvme_admin_real(fd, cmd);
        if (!D->nvme) return -ENOTTY; /* what the block layer says of an NVMe ioctl on a SCSI disk */
        struct state s;
        int r = state_load(D, &s);
        if (r < 0) return r;
        bool dirty = false;
        switch (cmd->opcode) {
        case 0x06: r = nvme_identify(D, cmd); break;
        case 0x02: r = nvme_get_log(D, &s, cmd, &dirty); break;
        case 0x80: r = nvme_format(D, &s, cmd); dirty = true; break;
        case 0x84: r = nvme_sanitize(D, &s, cmd); dirty = true; break;
        default: r = NVME_SC_INVALID_OPCODE | NVME_DNR; break;
        }
        if (dirty) {
                int q = state_save(D, &s);
                if (q < 0) return q;
        }
        cmd->result = 0;
        return r;
}

/* ---- ATA behind SAT ---- */

/* The ATA registers of one command, both ways. */
struct ata_regs {
        uint16_t feature, count;
        uint64_t lba;
        uint8_t device, command;
        /* outputs */
        uint8_t status, error;
};

#define ATA_DRDY 0x40
#define ATA_ERR 0x01
#define ATA_ABRT 0x04
#define ATA_IDNF 0x10

static void ata_abort(struct ata_regs *a) {
        a->status = ATA_DRDY | ATA_ERR;
        a->error = ATA_ABRT;
}

/* An ATA string: two characters a word, the first in the high byte. */
static void ata_string(uint8_t *b, int word, size_t words, const char *s) {
        size_t n = strlen(s);
        for (size_t i = 0; i < 2 * words; i++) {
                char c = i < n ? s[i] : ' ';
                b[2 * (size_t) word + (i ^ 1)] = (uint8_t) c;
        }
}

static void ata_word(uint8_t *b, int w, uint16_t v) { put16(b, 2 * (size_t) w, v); }

static void ata_seal(uint8_t *b) {
        b[510] = 0xa5;
        uint8_t sum = 0;
        for (size_t i = 0; i < 511; i++) sum = (uint8_t) (sum + b[i]);
        b[511] = (uint8_t) (0x100 - sum);
}

static void ata_identify(const struct desc *d, const struct state *s, uint8_t *b) {
        memset(b, 0, 512);
        ata_word(b, 0, 0x0040); /* fixed device, ATA */
        ata_string(b, 10, 10, d->serial);
        ata_string(b, 23, 4, d->firmware);
        ata_string(b, 27, 20, d->model);
        ata_word(b, 49, 1u << 9 | 1u << 8); /* LBA, DMA */
        ata_word(b, 53, 0x0006);
        uint16_t w59 = 0;
        if (d->sanitize) {
                w59 = 1u << 12;
                if (d->sanitize & 1) w59 |= 1u << 13;
                if (d->sanitize & 4) w59 |= 1u << 14;
                if (d->sanitize & 2) w59 |= 1u << 15;
        }
        ata_word(b, 59, w59);
        uint64_t cur = s->current_max;
        uint32_t cur28 = cur > 0x0fffffff ? 0x0fffffff : (uint32_t) cur;
        ata_word(b, 60, (uint16_t) cur28);
        ata_word(b, 61, (uint16_t) (cur28 >> 16));
        ata_word(b, 80, 0x07f0); /* ATA8-ACS .. ACS-4 */
        ata_word(b, 82, (uint16_t) ((d->security ? 1u << 1 : 0) | (d->hpa ? 1u << 10 : 0) | 1u << 5));
        ata_word(b, 83, (uint16_t) (0x4000 | 1u << 10 | (d->dco ? 1u << 11 : 0)));
        ata_word(b, 84, 0x4000);
        ata_word(b, 85, (uint16_t) ((s->sec_enabled ? 1u << 1 : 0) | (d->hpa ? 1u << 10 : 0) | 1u << 5));
        ata_word(b, 86, (uint16_t) (1u << 10 | (d->dco ? 1u << 11 : 0)));
        ata_word(b, 87, 0x4000);
        if (d->security) {
                ata_word(b, 89, (uint16_t) (d->erase_minutes ? 0x8000 | ((d->erase_minutes + 1) / 2 & 0x7fff) : 0));
                ata_word(b, 90, (uint16_t) (d->enhanced && d->enhanced_minutes ? 0x8000 | ((d->enhanced_minutes + 1) / 2 & 0x7fff) : 0));
                ata_word(b, 92, 0xfffe); /* master password identifier */
        }
        for (int i = 0; i < 4; i++) ata_word(b, 100 + i, (uint16_t) (cur >> (16 * i)));
        ata_word(b, 106, 0x4000); /* one logical sector per physical, 512 bytes */
        if (d->security) {
                bool expired = s->sec_attempts >= 5;
                ata_word(b, 128, (uint16_t) (1u << 0 | (s->sec_enabled ? 1u << 1 : 0) | (s->sec_locked ? 1u << 2 : 0) |
                                             (s->sec_frozen ? 1u << 3 : 0) | (expired ? 1u << 4 : 0) |
                                             (d->enhanced ? 1u << 5 : 0)));
        }
        ata_word(b, 169, 1); /* TRIM */
        ata_word(b, 217, 1); /* non-rotating */
        ata_seal(b);
}

static void ata_dco_identify(const struct desc *d, uint8_t *b) {
        memset(b, 0, 512);
        ata_word(b, 0, 0x0002);
        uint64_t max = image_sectors(d) - 1;
        for (int i = 0; i < 4; i++) ata_word(b, 3 + i, (uint16_t) (max >> (16 * i)));
        ata_seal(b);
}

static bool password_matches(const struct state *s, const uint8_t *data) {
        char hex[65];
        hex_encode(data + 2, 32, hex);
        return s->sec_password[0] && streq(hex, s->sec_password);
}

/* A wrong password: the attempt counter runs out after five. */
static void password_wrong(struct state *s, struct ata_regs *a) {
        if (s->sec_attempts < 5) s->sec_attempts++;
        ata_abort(a);
}

/* SECURITY commands (ACS-3 7.37-7.42) on the security state machine. */
static int ata_security(const struct desc *d, struct state *s, struct ata_regs *a, const uint8_t *data) {
        if (!d->security) {
                ata_abort(a);
                return 0;
        }
        bool expired = s->sec_attempts >= 5;
        bool erase_prepared = s->prev_cmd == 0xf3;
        switch (a->command) {
        case 0xf1: /* SET PASSWORD */
                if (s->sec_frozen || s->sec_locked || !data) return ata_abort(a), 0;
                if (data[0] & 1) return 0; /* the master password: kept, not modelled */
                hex_encode(data + 2, 32, s->sec_password);
                s->sec_enabled = true;
                return 0;
        case 0xf2: /* SECURITY UNLOCK */
                if (s->sec_frozen || expired || !data) return ata_abort(a), 0;
                if (!s->sec_enabled) return 0;
                if (!password_matches(s, data)) return password_wrong(s, a), 0;
                s->sec_locked = false;
                s->sec_attempts = 0;
                return 0;
        case 0xf3: /* SECURITY ERASE PREPARE */
                if (s->sec_frozen) ata_abort(a);
                return 0;
        case 0xf4: { /* SECURITY ERASE UNIT */
                if (s->sec_frozen || !erase_prepared || expired || !data || !s->sec_enabled) return ata_abort(a), 0;
                if (!password_matches(s, data)) return password_wrong(s, a), 0;
                bool enhanced = data[0] & 2;
                if (enhanced && !d->enhanced) return ata_abort(a), 0;
                if (d->security_erase_fail) return ata_abort(a), 0; /* the password stays set */
                if (!d->lie) {
                        int r = image_fill(d, enhanced ? d->enhanced_fill : d->erase_fill, 0);
                        if (r < 0) return r;
                }
                /* a completed erase leaves the security feature set disabled */
                s->sec_enabled = s->sec_locked = false;
                s->sec_password[0] = 0;
                s->sec_attempts = 0;
                return 0;
        }
        case 0xf5: /* SECURITY FREEZE LOCK */
                if (s->sec_locked) return ata_abort(a), 0;
                s->sec_frozen = true;
                return 0;
        case 0xf6: /* SECURITY DISABLE PASSWORD */
                if (s->sec_frozen || s->sec_locked || !data) return ata_abort(a), 0;
                if (!s->sec_enabled) return 0;
                if (!password_matches(s, data)) return password_wrong(s, a), 0;
                s->sec_enabled = false;
                s->sec_password[0] = 0;
                s->sec_attempts = 0;
                return 0;
        }
        ata_abort(a);
        return 0;
}

/* SANITIZE DEVICE (B4h, ACS-3 7.36): the subcommand in FEATURE, the key
 * in LBA, the options in COUNT; status in COUNT and LBA 15:0. */
static int ata_sanitize(const struct desc *d, struct state *s, struct ata_regs *a, bool *reset) {
        static const struct { uint16_t feature; uint64_t key; unsigned bit, action; } subs[] = {
                { 0x0011, 0x43727970, 1, 1 },          /* CRYPTO SCRAMBLE EXT, "Cryp" */
                { 0x0012, 0x426b4572, 2, 2 },          /* BLOCK ERASE EXT, "BkEr" */
                { 0x0014, 0x4f57ull << 32, 4, 3 },     /* OVERWRITE EXT, "OW" in 47:32 */
        };
        if (!d->sanitize) return ata_abort(a), 0;
        if (a->feature == 0x0000) { /* SANITIZE STATUS EXT */
                if (s->san_state == 3 && a->count & 1) { /* CLEAR SANITIZE OPERATION FAILED */
                        if (s->failure_mode == 1) return ata_abort(a), 0;
                        s->san_state = 0;
                        s->failure_mode = 0;
                }
                enum poll_result pr = sanitize_poll(d, s);
                if (pr == POLL_RESET) {
                        *reset = true;
                        return 0;
                }
                if (pr == POLL_ERROR) return -EIO;
                a->count = (uint16_t) ((s->san_state == 1 ? 1u << 15 : 0) | (s->san_state == 2 ? 1u << 14 : 0) |
                                       (s->san_frozen ? 1u << 13 : 0));
                a->lba = s->san_state == 2 ? sanitize_progress(d, s) : 0xffff;
                if (s->san_state == 3) {
                        ata_abort(a);
                        a->lba = 0x01; /* sanitize device error reason: command unsuccessful */
                }
                return 0;
        }
        if (a->feature == 0x0020) { /* SANITIZE FREEZE LOCK EXT, "FrLk" */
                if (a->lba != 0x46724c6b || s->san_state == 2) return ata_abort(a), 0;
                s->san_frozen = true;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(subs); i++) {
                if (a->feature != subs[i].feature) continue;
                bool ow = subs[i].action == 3;
                uint64_t key = ow ? a->lba & 0xffff00000000ull : a->lba;
                /* a failed sanitize does not stop a new one: in either
                 * failure mode a sanitize that completes is the way out */
                if (!(d->sanitize & subs[i].bit) || key != subs[i].key || s->san_frozen || s->san_state == 2)
                        return ata_abort(a), 0;
                unsigned passes = a->count & 0xf;
                sanitize_start(s, subs[i].action, a->count, (uint32_t) a->lba, passes ? passes : 16, a->count & 0x80,
                               a->count & 0x10);
                return 0;
        }
        ata_abort(a);
        return 0;
}

/* READ NATIVE MAX ADDRESS (EXT), SET MAX ADDRESS (EXT), DEVICE
 * CONFIGURATION: the HPA and the DCO. */
static int ata_max(const struct desc *d, struct state *s, struct ata_regs *a, bool ext) {
        if (a->command == 0x27 || a->command == 0xf8) {
                if (!d->hpa) return ata_abort(a), 0;
                a->lba = s->native_max - 1;
                if (!ext) a->lba &= 0x0fffffff;
                return 0;
        }
        /* SET MAX ADDRESS: right after READ NATIVE MAX, within the native max */
        if (!d->hpa || (s->prev_cmd != 0x27 && s->prev_cmd != 0xf8) || a->lba >= s->native_max) {
                ata_abort(a);
                if (a->lba >= s->native_max) a->error = ATA_IDNF | ATA_ABRT;
                return 0;
        }
        s->current_max = a->lba + 1;
        return loop_resize(d, s->current_max);
}

static int ata_dco(const struct desc *d, struct state *s, struct ata_regs *a, uint8_t *data_in) {
        if (!d->dco) return ata_abort(a), 0;
        switch (a->feature & 0xff) {
        case 0xc2: /* IDENTIFY */
                if (!data_in) return ata_abort(a), 0;
                ata_dco_identify(d, data_in);
                return 0;
        case 0xc0: /* RESTORE: refused while an HPA is set */
                if (s->current_max < s->native_max) return ata_abort(a), 0;
                s->native_max = s->current_max = image_sectors(d);
                return loop_resize(d, s->current_max);
        default:
                ata_abort(a);
                return 0;
        }
}

/* Fixed-length fields of the ATA PASS-THROUGH CDBs (SAT-4 12.2.2). */
struct ata_pt {
        unsigned protocol;
        bool ext, ck_cond, t_dir_in;
        struct ata_regs regs;
};

static int ata_pt_decode(const uint8_t *c, size_t len, struct ata_pt *pt) {
        *pt = (struct ata_pt) {0};
        if (len >= 16 && c[0] == 0x85) {
                pt->ext = c[1] & 1;
                pt->regs.feature = (uint16_t) (c[4] | (pt->ext ? c[3] << 8 : 0));
                pt->regs.count = (uint16_t) (c[6] | (pt->ext ? c[5] << 8 : 0));
                pt->regs.lba = (uint64_t) c[8] | (uint64_t) c[10] << 8 | (uint64_t) c[12] << 16;
                if (pt->ext) pt->regs.lba |= (uint64_t) c[7] << 24 | (uint64_t) c[9] << 32 | (uint64_t) c[11] << 40;
                pt->regs.device = c[13];
                pt->regs.command = c[14];
        } else if (len >= 12 && c[0] == 0xa1) {
                pt->regs.feature = c[3];
                pt->regs.count = c[4];
                pt->regs.lba = (uint64_t) c[5] | (uint64_t) c[6] << 8 | (uint64_t) c[7] << 16;
                pt->regs.device = c[8];
                pt->regs.command = c[9];
        } else {
                return -EINVAL;
        }
        if (!pt->ext) pt->regs.lba |= (uint64_t) (pt->regs.device & 0x0f) << 24;
        pt->protocol = (c[1] >> 1) & 0xf;
        pt->ck_cond = c[2] & 0x20;
        pt->t_dir_in = c[2] & 0x08;
        return 0;
}

/* Sense data as libata builds it for a pass-through command: descriptor
 * format, the ATA Status Return descriptor (09h) with the registers. */
static void ata_sense(sg_io_hdr_t *io, const struct ata_pt *pt) {
        uint8_t s[22] = {0};
        const struct ata_regs *a = &pt->regs;
        bool err = a->status & ATA_ERR;
        s[0] = 0x72;
        s[1] = err ? 0x0b : 0x01;     /* ABORTED COMMAND / RECOVERED ERROR */
        s[2] = 0x00;
        s[3] = err ? 0x00 : 0x1d;     /* 00/1D: ATA PASS-THROUGH INFORMATION AVAILABLE */
        s[7] = 14;
        uint8_t *d = s + 8;
        d[0] = 0x09;
        d[1] = 0x0c;
        d[2] = pt->ext ? 1 : 0;
        d[3] = a->error;
        d[4] = (uint8_t) (a->count >> 8);
        d[5] = (uint8_t) a->count;
        d[6] = (uint8_t) (a->lba >> 24);
        d[7] = (uint8_t) a->lba;
        d[8] = (uint8_t) (a->lba >> 32);
        d[9] = (uint8_t) (a->lba >> 8);
        d[10] = (uint8_t) (a->lba >> 40);
        d[11] = (uint8_t) (a->lba >> 16);
        d[12] = (uint8_t) (a->device | (pt->ext ? 0 : (a->lba >> 24) & 0x0f));
        d[13] = a->status;
        size_t n = io->mx_sb_len < sizeof s ? io->mx_sb_len : sizeof s;
        if (io->sbp && n) memcpy(io->sbp, s, n);
        io->sb_len_wr = (unsigned char) n;
        io->status = 0x02; /* CHECK CONDITION */
        io->masked_status = 0x01;
        io->driver_status = 0x08; /* DRIVER_SENSE */
}

static int ata_command(const struct desc *d, struct state *s, struct ata_pt *pt, sg_io_hdr_t *io, bool *reset) {
        struct ata_regs *a = &pt->regs;
        bool pio_in = pt->protocol == 4, pio_out = pt->protocol == 5;
        uint8_t *in = pio_in && io->dxfer_len >= 512 && io->dxferp ? io->dxferp : NULL;
        const uint8_t *out = pio_out && io->dxfer_len >= 512 && io->dxferp ? io->dxferp : NULL;
        a->status = ATA_DRDY;
        a->error = 0;
        /* while a sanitize runs only IDENTIFY and SANITIZE (its status) are
         * processed (ACS-3 7.36.1) */
        if (s->san_state == 2 && a->command != 0xec && a->command != 0xb4) {
                ata_abort(a);
                return 0;
        }
        switch (a->command) {
        case 0xec: /* IDENTIFY DEVICE */
                if (!in) return ata_abort(a), 0;
                ata_identify(d, s, in);
                return 0;
        case 0x27: case 0x37: case 0xf8: case 0xf9:
                return ata_max(d, s, a, a->command == 0x27 || a->command == 0x37);
        case 0xb1: return ata_dco(d, s, a, in);
        case 0xb4: return ata_sanitize(d, s, a, reset);
        case 0xf1: case 0xf2: case 0xf3: case 0xf4: case 0xf5: case 0xf6:
                return ata_security(d, s, a, out);
        default:
                ata_abort(a);
                return 0;
        }
}

static int scripted_sg_io(int fd, sg_io_hdr_t *io) {
        if (!fd_is_ours(fd)) return drive_sg_io_real(fd, io);
        io->status = io->masked_status = io->host_status = io->driver_status = 0;
        io->sb_len_wr = 0;
        io->resid = 0;
        struct ata_pt pt;
        if (D->nvme || !io->cmdp || ata_pt_decode(io->cmdp, io->cmd_len, &pt) < 0) {
                /* an NVMe namespace (the kernel's SCSI translation is not
                 * modelled) or a command that is not ATA PASS-THROUGH:
                 * ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE */
                uint8_t s[8] = { 0x72, 0x05, 0x20, 0x00, 0, 0, 0, 0 };
                size_t n = io->mx_sb_len < sizeof s ? io->mx_sb_len : sizeof s;
                if (io->sbp && n) memcpy(io->sbp, s, n);
                io->sb_len_wr = (unsigned char) n;
                io->status = 0x02;
                io->masked_status = 0x01;
                io->driver_status = 0x08;
                return 0;
        }
        struct state s;
        int r = state_load(D, &s);
        if (r < 0) return r;
        bool reset = false;
        r = ata_command(D, &s, &pt, io, &reset);
        if (r < 0) return r;
        s.prev_cmd = pt.regs.command;
        r = state_save(D, &s);
        if (r < 0) return r;
        if (reset) {
                io->host_status = 0x08; /* DID_RESET: the command was lost to a reset */
                return 0;
        }
        if (pt.ck_cond || (pt.regs.status & ATA_ERR)) ata_sense(io, &pt);
        return 0;
}

static int scripted_claims(const char *path, int *ret_nvme) {
        int r = ensure_loaded();
        if (r < 0) return r;
        if (!D) return 0;
        struct stat a, b;
        if (stat(path, &a) < 0 || stat(D->target, &b) < 0 || !same_file(&a, &b)) return 0;
        /* the first time: the loop device shows the drive's current max */
        if (access(D->state_path, F_OK) < 0) {
                struct state s;
                state_init(D, &s);
                r = state_save(D, &s);
                if (r >= 0) r = loop_resize(D, s.current_max);
                if (r < 0) return r;
        }
        *ret_nvme = D->nvme;
        return 1;
}

static const struct drive_io_ops scripted_ops = {
        .claims = scripted_claims,
        .nvme_admin = scripted_nvme_admin,
        .sg_io = scripted_sg_io,
};

const struct drive_io_ops *scripted_drive_ops(const char *path) {
        desc_free(D);
        D = NULL;
        free(desc_path);
        desc_path = path ? xstrdup(path) : NULL;
        return path ? &scripted_ops : NULL;
}
