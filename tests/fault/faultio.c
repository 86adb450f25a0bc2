/* An LD_PRELOAD interposer for the wipe tests: fails pread/pwrite on one
 * target at chosen byte ranges, so retries, recorded ranges and outcomes
 * can be checked without a failing disk.
 *
 *   ASSETCTL_FAULT_PATH=FILE|DEV  the target (matched by device and inode,
 *                                 or device number; other files untouched)
 *   ASSETCTL_FAULT=RULE,...       RULE: w@OFFSET+LENGTH or r@OFFSET+LENGTH,
 *                                 optionally *N: fail only the first N calls
 *                                 that touch the range (then succeed)
 *   ASSETCTL_FAULT_DELAY_US=N     sleep N µs before each write to the target;
 *                                 the delayed writes run one at a time (a slow
 *                                 medium that takes one request at a time), so
 *                                 a pass takes as long however many are in
 *                                 flight
 *   ASSETCTL_FAULT_HOLD=N:FILE    hold the Nth write to the target, and every
 *                                 later one, until a SIGINT or SIGTERM handler
 *                                 of the program has run: FILE is created when
 *                                 the first is held, so a test knows the wipe
 *                                 is mid-pass and kills or interrupts it there,
 *                                 whatever the machine's speed. Holding every
 *                                 later write too keeps a pipelined engine's
 *                                 other requests from finishing the pass
 *                                 meanwhile. Each hold ends by itself after
 *                                 120 s (a program that takes signals another
 *                                 way is slowed, not hung for ever).
 *
 * A call that overlaps a rule's range fails with EIO and writes nothing.
 * (Declared without <unistd.h>: the build uses _FILE_OFFSET_BITS=64, under
 * which the header renames pwrite to pwrite64.) */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

typedef ssize_t (*io_fn)(int, void *, size_t, long);

struct rule {
        char op;           /* 'r' or 'w' */
        uint64_t off, len;
        long left;         /* failures left; -1 for ever */
};

static struct rule rules[32];
static int n_rules = -1;
static struct stat target;
static bool have_target;
static long delay_us;
static long hold_at, writes;
static const char *hold_file;
static bool hold_marked;
/* Set once a SIGINT/SIGTERM handler the program installed has returned
 * (faultio-signal.c). */
extern volatile int faultio_stop_handled;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t slow_mu = PTHREAD_MUTEX_INITIALIZER;
static __thread bool slow_held; /* this thread holds slow_mu for its write */

/* After a write: let the next delayed write go. */
static void slow_end(void) {
        if (!slow_held) return;
        slow_held = false;
        pthread_mutex_unlock(&slow_mu);
}

static void load(void) {
        if (n_rules >= 0) return;
        n_rules = 0;
        const char *p = getenv("ASSETCTL_FAULT_PATH");
        if (p && stat(p, &target) == 0) have_target = true;
        const char *d = getenv("ASSETCTL_FAULT_DELAY_US");
        if (d) delay_us = strtol(d, NULL, 10);
        const char *h = getenv("ASSETCTL_FAULT_HOLD");
        if (h) {
                char *e;
                hold_at = strtol(h, &e, 10);
                if (*e == ':' && e[1]) hold_file = e + 1;
                else hold_at = 0;
        }
        const char *s = getenv("ASSETCTL_FAULT");
        while (s && *s && n_rules < 32) {
                struct rule r = {.op = *s, .left = -1};
                char *e;
                if ((r.op != 'r' && r.op != 'w') || s[1] != '@') break;
                r.off = strtoull(s + 2, &e, 0);
                if (*e != '+') break;
                r.len = strtoull(e + 1, &e, 0);
                if (*e == '*') r.left = strtol(e + 1, &e, 10);
                rules[n_rules++] = r;
                if (*e != ',') break;
                s = e + 1;
        }
}

static bool is_target(int fd) {
        struct stat st;
        if (!have_target || fstat(fd, &st) < 0) return false;
        if (S_ISBLK(target.st_mode)) return S_ISBLK(st.st_mode) && st.st_rdev == target.st_rdev;
        return st.st_dev == target.st_dev && st.st_ino == target.st_ino;
}

/* True if this call must fail. */
static bool fault(char op, int fd, size_t n, long off) {
        pthread_mutex_lock(&mu);
        load();
        bool hit = false;
        if (n_rules > 0 || delay_us || hold_at) {
                if (is_target(fd)) {
                        if (op == 'w' && hold_at && ++writes >= hold_at) {
                                if (!hold_marked) {
                                        FILE *m = fopen(hold_file, "we");
                                        if (m) fclose(m);
                                        hold_marked = true;
                                }
                                pthread_mutex_unlock(&mu);
                                struct timespec ts = {0, 10 * 1000 * 1000};
                                for (int i = 0; i < 12000 && !faultio_stop_handled; i++) nanosleep(&ts, NULL);
                                pthread_mutex_lock(&mu);
                        }
                        if (op == 'w' && delay_us) {
                                /* slow_mu is held through the sleep and the write
                                 * (released by slow_end): one delayed write at a time */
                                struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
                                pthread_mutex_unlock(&mu);
                                pthread_mutex_lock(&slow_mu);
                                slow_held = true;
                                nanosleep(&ts, NULL);
                                pthread_mutex_lock(&mu);
                        }
                        for (int i = 0; i < n_rules; i++) {
                                struct rule *r = &rules[i];
                                if (r->op != op || r->left == 0) continue;
                                if ((uint64_t) off < r->off + r->len && r->off < (uint64_t) off + n) {
                                        hit = true;
                                        if (r->left > 0) r->left--;
                                        break;
                                }
                        }
                }
        }
        pthread_mutex_unlock(&mu);
        return hit;
}

static io_fn real(const char *name) {
        return (io_fn) dlsym(RTLD_NEXT, name);
}

ssize_t pwrite(int fd, const void *buf, size_t n, long off);
ssize_t pwrite64(int fd, const void *buf, size_t n, long off);
ssize_t pread(int fd, void *buf, size_t n, long off);
ssize_t pread64(int fd, void *buf, size_t n, long off);

/* A write through the real function `name`, or EIO where a rule says so. */
static ssize_t faulty_write(const char *name, int fd, const void *buf, size_t n, long off) {
        ssize_t r;
        int e;
        if (fault('w', fd, n, off)) r = -1, e = EIO;
        else r = real(name)(fd, (void *) buf, n, off), e = errno;
        slow_end();
        errno = e;
        return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, long off) { return faulty_write("pwrite", fd, buf, n, off); }
ssize_t pwrite64(int fd, const void *buf, size_t n, long off) { return faulty_write("pwrite64", fd, buf, n, off); }

ssize_t pread(int fd, void *buf, size_t n, long off) {
        if (fault('r', fd, n, off)) return errno = EIO, -1;
        return real("pread")(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, long off) {
        if (fault('r', fd, n, off)) return errno = EIO, -1;
        return real("pread64")(fd, buf, n, off);
}

