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
 *
 * The register (SQLite's unix VFS writes with pwrite64 and syncs with
 * fdatasync, both caught here):
 *   ASSETCTL_FAULT_DB=FILE        the database file; FILE-wal and
 *                                 FILE-journal are targets too (matched by
 *                                 the path an fd was opened with)
 *   ASSETCTL_FAULT_DB_AT=KIND@N   the Nth write to them (counting from 1):
 *                                 eio     fails with EIO, and so does every
 *                                         later write (a dying disk)
 *                                 enospc  fails with ENOSPC, and every later
 *                                         write (a full disk)
 *                                 short   writes half and says so, then
 *                                         every later write is ENOSPC (the
 *                                         disk filled during the write)
 *                                 once    fails with EIO once (a transient
 *                                         error)
 *                                 kill    SIGKILL before the write
 *                                 fsync   the Nth fdatasync/fsync fails EIO
 *   ASSETCTL_FAULT_DB_COUNT=FILE  at exit, append "WRITES SYNCS\n" to FILE:
 *                                 how many a run made, for choosing N
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

ssize_t readlink(const char *path, char *buf, size_t n);
/* <signal.h> would bring <unistd.h> in (see above) */
int raise(int sig);
#define FAULTIO_SIGKILL 9

/* The register's files and the fault planned for them. */
static char db_files[3][4096];
static int db_n = -1;
static char db_kind[8];
static long db_at, db_writes, db_syncs;
static bool db_full; /* every write from now on fails */
static int db_errno;
static const char *db_count;

static void db_count_write(void) {
        if (!db_count) return;
        FILE *f = fopen(db_count, "ae");
        if (f) {
                fprintf(f, "%ld %ld\n", db_writes, db_syncs);
                fclose(f);
        }
}

static void db_load(void) {
        if (db_n >= 0) return;
        db_n = 0;
        const char *p = getenv("ASSETCTL_FAULT_DB");
        if (!p || !*p) return;
        char *rp = realpath(p, NULL);
        const char *base = rp ? rp : p;
        snprintf(db_files[0], sizeof db_files[0], "%s", base);
        snprintf(db_files[1], sizeof db_files[1], "%s-wal", base);
        snprintf(db_files[2], sizeof db_files[2], "%s-journal", base);
        free(rp);
        db_n = 3;
        const char *at = getenv("ASSETCTL_FAULT_DB_AT");
        const char *sep = at ? strchr(at, '@') : NULL;
        if (sep && (size_t) (sep - at) < sizeof db_kind) {
                memcpy(db_kind, at, (size_t) (sep - at));
                db_at = strtol(sep + 1, NULL, 10);
        }
        db_count = getenv("ASSETCTL_FAULT_DB_COUNT");
        if (db_count) atexit(db_count_write);
}

static bool is_db(int fd) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n <= 0) return false;
        path[n] = 0;
        for (int i = 0; i < db_n; i++)
                if (strcmp(path, db_files[i]) == 0) return true;
        return false;
}

/* For a write of n bytes to fd: -1 to go ahead, 0 .. n-1 to write only
 * that much and say so, or -2 to fail with errno set. */
static long db_fault(int fd, size_t n) {
        pthread_mutex_lock(&mu);
        db_load();
        long r = -1;
        if (db_n > 0 && is_db(fd)) {
                db_writes++;
                if (db_full) {
                        errno = db_errno, r = -2;
                } else if (db_at && db_writes == db_at) {
                        if (strcmp(db_kind, "kill") == 0) {
                                raise(FAULTIO_SIGKILL);
                        } else if (strcmp(db_kind, "eio") == 0 || strcmp(db_kind, "enospc") == 0) {
                                db_errno = db_kind[0] == 'e' && db_kind[1] == 'i' ? EIO : ENOSPC;
                                db_full = true;
                                errno = db_errno, r = -2;
                        } else if (strcmp(db_kind, "once") == 0) {
                                errno = EIO, r = -2;
                        } else if (strcmp(db_kind, "short") == 0) {
                                db_errno = ENOSPC;
                                db_full = true;
                                r = (long) (n / 2);
                        }
                }
        }
        pthread_mutex_unlock(&mu);
        return r;
}

/* For a sync of fd: true if it must fail with EIO. */
static bool db_sync_fault(int fd) {
        pthread_mutex_lock(&mu);
        db_load();
        bool hit = false;
        if (db_n > 0 && is_db(fd)) {
                db_syncs++;
                hit = strcmp(db_kind, "fsync") == 0 && db_syncs == db_at;
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
        long d = db_fault(fd, n);
        if (d == -2) return -1;
        if (d >= 0) n = (size_t) d;
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


typedef int (*sync_fn)(int);

int fdatasync(int fd);
int fsync(int fd);

int fdatasync(int fd) {
        if (db_sync_fault(fd)) return errno = EIO, -1;
        return ((sync_fn) dlsym(RTLD_NEXT, "fdatasync"))(fd);
}

int fsync(int fd) {
        if (db_sync_fault(fd)) return errno = EIO, -1;
        return ((sync_fn) dlsym(RTLD_NEXT, "fsync"))(fd);
}
