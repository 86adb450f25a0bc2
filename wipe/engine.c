/* The overwrite and verification engine.
 *
 * A phase (writing a pass, or reading it back) runs on a few threads that
 * meet in a ring of NSLOTS aligned 4 MiB buffers (one audit chunk each;
 * chunk number seq goes in slot seq % NSLOTS):
 *  - I/O threads (io_depth of them, 4 by default) take the chunks in order
 *    and pwrite/pread them with direct I/O, so several requests are in
 *    flight and the device never waits for the next one;
 *  - workers (one per core, at most 4) generate the random stream and hash
 *    it, or compare what was read back;
 *  - the caller's thread coordinates: it reports progress and notices a
 *    stop request.
 *
 * Audit costs: a constant pattern is hashed once per distinct (phase,
 * length) of chunk; a random chunk is hashed once, as it is generated, two
 * chunks at a time on SHA-NI (sha256x2.h); a chunk read back equal to the
 * expected bytes takes the expected digest, and only a chunk that differs
 * is hashed again. A constant chunk read back is checked with a word loop
 * against the byte, a random one against the regenerated stream. */
#include "wipe.h"
#include "util.h"
#include "json.h"
#include "sha256x2.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <math.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define NSLOTS 12
#define MAX_THREADS 4
#define MAX_IO 8
#define DEFAULT_IO 4
#define ALIGN 4096
/* Give a pass up as failed when this many bytes could not be written or read. */
#define MAX_ERROR_BYTES (64ull << 20)

static int64_t now_ns(clockid_t c) {
        struct timespec ts;
        clock_gettime(c, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* An aligned buffer (free() it). Large ones are aligned to 2 MiB and
 * asked to be backed by huge pages: fewer pages to pin per direct I/O
 * request and fewer TLB misses while hashing. */
static uint8_t *xalloc_aligned(size_t n) {
        void *p = NULL;
        size_t huge = 2u << 20;
        if (posix_memalign(&p, n >= huge ? huge : ALIGN, n) != 0) abort();
        if (n >= huge) madvise(p, n - n % huge, MADV_HUGEPAGE);
        return p;
}

/* ---------- ranges ---------- */

static void ranges_add(struct wipe_ranges *rg, uint64_t off, uint64_t len, int err) {
        rg->total_bytes += len;
        if (rg->n && rg->v[rg->n - 1].err == err && rg->v[rg->n - 1].offset + rg->v[rg->n - 1].length == off) {
                rg->v[rg->n - 1].length += len;
                return;
        }
        if (rg->n >= WIPE_MAX_RANGES) {
                rg->dropped++;
                return;
        }
        if (rg->n == rg->cap) {
                rg->cap = rg->cap ? 2 * rg->cap : 16;
                rg->v = xrealloc(rg->v, rg->cap * sizeof *rg->v);
        }
        rg->v[rg->n++] = (struct wipe_range) {off, len, err};
}

static int range_cmp(const void *a, const void *b) {
        const struct wipe_range *x = a, *y = b;
        return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sort by offset and merge neighbours (workers add ranges out of order). */
static void ranges_finish(struct wipe_ranges *rg) {
        if (rg->n < 2) return;
        qsort(rg->v, rg->n, sizeof *rg->v, range_cmp);
        size_t o = 0;
        for (size_t i = 1; i < rg->n; i++) {
                struct wipe_range *last = &rg->v[o];
                if (rg->v[i].err == last->err && last->offset + last->length == rg->v[i].offset)
                        last->length += rg->v[i].length;
                else
                        rg->v[++o] = rg->v[i];
        }
        rg->n = o + 1;
}

static void ranges_free(struct wipe_ranges *rg) {
        free(rg->v);
        *rg = (struct wipe_ranges) {0};
}

void wipe_pass_result_done(struct wipe_pass_result *p) {
        ranges_free(&p->write_errors);
        ranges_free(&p->read_errors);
        ranges_free(&p->mismatches);
        free(p->error);
        p->error = NULL;
        OPENSSL_cleanse(p->seed, sizeof p->seed);
}

void wipe_result_done(struct wipe_result *r) {
        for (size_t i = 0; i < r->n_passes; i++) wipe_pass_result_done(&r->passes[i]);
        free(r->last_digests);
        free(r->error);
        r->last_digests = NULL;
        r->error = NULL;
        r->n_passes = 0;
}

/* ---------- the target ---------- */

int wipe_target_open(const char *path, unsigned flags, struct wipe_target *ret) {
        struct stat st;
        if (stat(path, &st) < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        bool blk = S_ISBLK(st.st_mode);
        if (!blk && !S_ISREG(st.st_mode))
                return err_set(ENOTBLK, "cannot wipe '%s': not a block device or an image file", path);
        int of = ((flags & WIPE_OPEN_READONLY) ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY;
        if (blk && (flags & WIPE_OPEN_EXCL)) of |= O_EXCL;
        bool direct = !(flags & WIPE_OPEN_BUFFERED);
        int fd = direct ? open(path, of | O_DIRECT) : -1;
        if (fd < 0 && (!direct || errno == EINVAL)) {
                direct = false;
                fd = open(path, of);
        }
        if (fd < 0) {
                int e = errno;
                if (e == EBUSY) return err_set(e, "cannot open '%s': the device is in use (opened exclusively by something else)", path);
                if (e == EROFS || e == EACCES)
                        return err_set(e, "cannot open '%s' for writing: %s", path, strerror(e));
                return err_set(e, "cannot open '%s': %s", path, strerror(e));
        }
        struct wipe_target t = {.fd = fd, .blockdev = blk, .direct = direct};
        if (fstat(fd, &st) < 0) goto fail_errno;
        if (blk) {
                uint64_t size;
                int ss = 512;
                if (ioctl(fd, BLKGETSIZE64, &size) < 0) goto fail_errno;
                if (ioctl(fd, BLKSSZGET, &ss) < 0) goto fail_errno;
                t.size = size;
                t.sector = (unsigned) ss;
                t.align = t.sector;
        } else {
                t.size = (uint64_t) st.st_size;
                t.sector = 512;
                t.align = st.st_blksize >= 512 && st.st_blksize <= ALIGN ? (unsigned) st.st_blksize : ALIGN;
        }
        if (t.size == 0) {
                close(fd);
                return err_set(EINVAL, "cannot wipe '%s': it is empty (0 bytes)", path);
        }
        t.path = xstrdup(path);
        *ret = t;
        return 0;
fail_errno: {
        int e = errno;
        close(fd);
        return err_set(e, "cannot read the size of '%s': %s", path, strerror(e));
}
}

void wipe_target_close(struct wipe_target *t) {
        if (t->fd >= 0) close(t->fd);
        t->fd = -1;
        free(t->path);
        t->path = NULL;
}

/* Flush a written pass to stable storage, then drop cached copies so that
 * verification reads the medium. */
static int flush_target(struct wipe_target *t) {
        if (fdatasync(t->fd) < 0) return err_set(errno, "cannot flush '%s' to stable storage: %s", t->path, strerror(errno));
        if (t->blockdev) {
                if (ioctl(t->fd, BLKFLSBUF, 0) < 0 && errno != ENOTTY && errno != EINVAL && errno != EACCES && errno != EPERM)
                        return err_set(errno, "cannot flush the buffers of '%s': %s", t->path, strerror(errno));
        } else
                posix_fadvise(t->fd, 0, 0, POSIX_FADV_DONTNEED);
        return 0;
}

/* ---------- streams ---------- */

static void pattern_fill(const struct wipe_pass_spec *s, uint64_t offset, uint8_t *buf, size_t n) {
        if (s->len == 1) {
                memset(buf, s->pat[0], n);
                return;
        }
        unsigned ph = (unsigned) (offset % s->len);
        for (size_t i = 0; i < n; i++) {
                buf[i] = s->pat[ph];
                if (++ph == s->len) ph = 0;
        }
}

/* Streams are made and checked in pieces small enough to stay in the
 * CPU's cache between generating, hashing and comparing. */
#define PIECE (256u << 10)
static const uint8_t zeros[PIECE];

/* Start the AES-256-CTR keystream at offset (a multiple of 16): key = seed,
 * the counter block = offset / 16 as a 128-bit big-endian number. */
static int aes_start(EVP_CIPHER_CTX *ctx, const uint8_t seed[32], uint64_t offset) {
        uint8_t iv[16] = {0};
        uint64_t block = offset / 16;
        for (int i = 0; i < 8; i++) iv[15 - i] = (uint8_t) (block >> (8 * i));
        return EVP_EncryptInit_ex(ctx, EVP_aes_256_ctr(), NULL, seed, iv) ? 0 : -EIO;
}

/* The next n bytes of the keystream (n <= PIECE): zero bytes encrypted. */
static int aes_next(EVP_CIPHER_CTX *ctx, uint8_t *out, size_t n) {
        int outl = 0;
        return EVP_EncryptUpdate(ctx, out, &outl, zeros, (int) n) ? 0 : -EIO;
}

static int aes_fill(EVP_CIPHER_CTX *ctx, const uint8_t seed[32], uint64_t offset, uint8_t *buf, size_t n) {
        int r = aes_start(ctx, seed, offset);
        for (size_t done = 0; r == 0 && done < n; done += PIECE)
                r = aes_next(ctx, buf + done, n - done < PIECE ? n - done : PIECE);
        return r;
}

/* Generate the random chunk at offset into buf and hash it as it goes. */
static int aes_fill_hash(EVP_CIPHER_CTX *ctx, EVP_MD_CTX *md, const uint8_t seed[32], uint64_t offset, uint8_t *buf,
                         size_t n, uint8_t out[32]) {
        int r = aes_start(ctx, seed, offset);
        if (r < 0 || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) return -EIO;
        for (size_t done = 0; done < n; done += PIECE) {
                size_t k = n - done < PIECE ? n - done : PIECE;
                if (aes_next(ctx, buf + done, k) < 0 || !EVP_DigestUpdate(md, buf + done, k)) return -EIO;
        }
        return EVP_DigestFinal_ex(md, out, NULL) ? 0 : -EIO;
}

/* Does buf hold the random chunk at offset? Compared piece by piece
 * through a PIECE-sized scratch buffer. */
static int aes_compare(EVP_CIPHER_CTX *ctx, const uint8_t seed[32], uint64_t offset, const uint8_t *buf, size_t n,
                       uint8_t *piece, bool *ret_same) {
        int r = aes_start(ctx, seed, offset);
        bool same = true;
        for (size_t done = 0; r == 0 && same && done < n; done += PIECE) {
                size_t k = n - done < PIECE ? n - done : PIECE;
                r = aes_next(ctx, piece, k);
                if (r == 0 && memcmp(piece, buf + done, k) != 0) same = false;
        }
        *ret_same = same;
        return r;
}

int wipe_stream_fill(const struct wipe_pass_spec *spec, const uint8_t seed[32], uint64_t offset, uint8_t *buf, size_t n) {
        if (spec->kind == WIPE_CONST) {
                pattern_fill(spec, offset, buf, n);
                return 0;
        }
        if (offset % 16) return err_set(EINVAL, "stream offset %llu is not a multiple of 16", (unsigned long long) offset);
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        if (!ctx) abort();
        int r = aes_fill(ctx, seed, offset, buf, n);
        EVP_CIPHER_CTX_free(ctx);
        return r < 0 ? err_set(EIO, "cannot generate the random stream") : 0;
}

static void digest(const uint8_t *buf, size_t n, uint8_t out[32]) {
        sha256_buf(buf, n, out);
}

static uint64_t n_chunks_of(uint64_t size) { return (size + WIPE_CHUNK - 1) / WIPE_CHUNK; }
static size_t chunk_len(uint64_t size, uint64_t c) {
        uint64_t off = c * WIPE_CHUNK;
        return (size_t) (size - off < WIPE_CHUNK ? size - off : WIPE_CHUNK);
}

/* Constant patterns: one buffer per phase (a 3-byte pattern starts chunk k
 * at phase k*4MiB mod 3) and their digests, full and tail length. */
struct patterns {
        unsigned n;              /* phases: the pattern's length */
        uint8_t *buf[3];
        uint8_t full[3][32];
        uint8_t tail[3][32];
        size_t tail_len;
};

static void patterns_init(struct patterns *p, const struct wipe_pass_spec *s, uint64_t size) {
        *p = (struct patterns) {.n = s->len ? s->len : 1};
        uint64_t nc = n_chunks_of(size);
        p->tail_len = chunk_len(size, nc - 1);
        for (unsigned ph = 0; ph < p->n; ph++) {
                p->buf[ph] = xalloc_aligned(WIPE_CHUNK);
                pattern_fill(s, ph, p->buf[ph], WIPE_CHUNK);
                digest(p->buf[ph], WIPE_CHUNK, p->full[ph]);
                if (p->tail_len != WIPE_CHUNK) digest(p->buf[ph], p->tail_len, p->tail[ph]);
                else memcpy(p->tail[ph], p->full[ph], 32);
        }
}

static void patterns_free(struct patterns *p) {
        for (unsigned ph = 0; ph < p->n; ph++) free(p->buf[ph]);
}

static unsigned phase_of(const struct patterns *p, uint64_t c) {
        return (unsigned) ((c * (uint64_t) WIPE_CHUNK) % p->n);
}

static const uint8_t *pattern_digest(const struct patterns *p, uint64_t c, size_t len) {
        return len == WIPE_CHUNK ? p->full[phase_of(p, c)] : p->tail[phase_of(p, c)];
}

int wipe_stream_root(const struct wipe_pass_spec *spec, const uint8_t seed[32], uint64_t size,
                     uint8_t ret_root[32], uint8_t **ret_digests) {
        uint64_t nc = n_chunks_of(size);
        uint8_t *d = xmalloc(nc * 32);
        if (spec->kind == WIPE_CONST) {
                struct patterns p;
                patterns_init(&p, spec, size);
                for (uint64_t c = 0; c < nc; c++) memcpy(d + 32 * c, pattern_digest(&p, c, chunk_len(size, c)), 32);
                patterns_free(&p);
        } else {
                uint8_t *buf = xalloc_aligned(WIPE_CHUNK);
                EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
                for (uint64_t c = 0; c < nc; c++) {
                        size_t len = chunk_len(size, c);
                        if (aes_fill(ctx, seed, c * WIPE_CHUNK, buf, len) < 0) abort();
                        digest(buf, len, d + 32 * c);
                }
                EVP_CIPHER_CTX_free(ctx);
                free(buf);
        }
        sha256_buf(d, nc * 32, ret_root);
        if (ret_digests) *ret_digests = d;
        else free(d);
        return 0;
}

/* ---------- the pipeline ---------- */

/* A slot holds one chunk on its way through a phase. Job seq uses slot
 * seq % NSLOTS. Write phase of a random pass: FREE -> a worker generates
 * and hashes -> READY -> an I/O thread writes -> FREE (for seq + NSLOTS).
 * Verify phase: FREE -> an I/O thread reads -> READY -> a worker compares
 * -> FREE. A constant pattern is written straight from the pattern buffer,
 * without slots. */
enum slot_state { SLOT_FREE, SLOT_READY };

struct slot {
        uint8_t *buf;
        uint64_t seq;            /* the job this slot holds or waits for */
        enum slot_state state;
        uint8_t digest[32];      /* write: digest of the generated chunk */
        struct wipe_ranges bad;  /* verify: sectors that could not be read */
};

struct engine {
        struct wipe_target *t;
        const struct wipe_options *o;
        const struct wipe_callbacks *cb;
        unsigned threads;           /* workers: generate, hash, compare */
        unsigned io_threads;        /* requests in flight */
        int retries;
        bool sha2x;                 /* hash random chunks two at a time (SHA-NI) */
        pthread_mutex_t mu;         /* guards the slots, the counters and the pass record */
        pthread_cond_t cv;
        pthread_rwlock_t fdlock;    /* I/O holds it shared; switching the fd's O_DIRECT flag, exclusive */
        uint8_t *slab;              /* the slot buffers, one allocation */
        struct slot slots[NSLOTS];
        /* the phase being run */
        bool verifying;
        const struct wipe_pass_spec *spec;
        const uint8_t *seed;
        struct patterns pat;
        uint64_t n_jobs;            /* chunks in this phase */
        const uint64_t *job_chunk;  /* job -> chunk (sampling), NULL: job = chunk */
        uint64_t next_claim;        /* next job a worker takes */
        uint64_t io_next;           /* next job an I/O thread takes */
        uint64_t io_done;           /* jobs the I/O threads finished */
        uint64_t jobs_done;         /* verify: jobs the workers finished */
        uint64_t bytes_io;          /* bytes written or read in this phase */
        bool abort;                 /* stop the phase: an error, or the operator */
        bool stopped;               /* the operator asked to stop */
        uint8_t *digests;           /* write: digest of each chunk written; verify: of each chunk read */
        const uint8_t *expect;      /* verify: expected digests (NULL: work them out) */
        struct wipe_pass_result *pr;
        /* progress over the whole run */
        uint64_t work_total, work_done;
        int64_t phase_t0;
        int64_t last_progress;
        int fatal;                  /* -errno that ended the phase */
};

static uint64_t job_chunk(const struct engine *e, uint64_t seq) { return e->job_chunk ? e->job_chunk[seq] : seq; }

static bool stopping(const struct engine *e) { return e->o->stop && *e->o->stop; }

static int set_direct(struct wipe_target *t, bool on) {
        int fl = fcntl(t->fd, F_GETFL);
        if (fl < 0) return -errno;
        fl = on ? (fl | O_DIRECT) : (fl & ~O_DIRECT);
        return fcntl(t->fd, F_SETFL, fl) < 0 ? -errno : 0;
}

/* Read or write exactly len bytes at off. Direct I/O is used for the aligned
 * part; an unaligned tail goes through the page cache; a target that
 * refuses direct I/O (EINVAL) is switched to buffered I/O for good. Several
 * I/O threads share the fd: a request that needs the page cache takes
 * fdlock exclusively while the flag is off, so no other request runs
 * meanwhile with the wrong flag. */
static int io_range(struct engine *e, bool wr, uint8_t *buf, uint64_t off, size_t len) {
        struct wipe_target *t = e->t;
        size_t done = 0;
        while (done < len) {
                size_t n = len - done;
                uint64_t o = off + done;
                bool buffered_once = false, excl = false;
                pthread_rwlock_rdlock(&e->fdlock);
                if (t->direct && (o % t->align || n % t->align || (uintptr_t) (buf + done) % t->align)) {
                        if (o % t->align == 0 && n > t->align && (uintptr_t) (buf + done) % t->align == 0)
                                n -= n % t->align; /* the aligned head first */
                        else {
                                pthread_rwlock_unlock(&e->fdlock);
                                pthread_rwlock_wrlock(&e->fdlock);
                                excl = true;
                                buffered_once = t->direct; /* it may have been switched off meanwhile */
                        }
                }
                if (buffered_once && set_direct(t, false) < 0) {
                        int q = -errno;
                        pthread_rwlock_unlock(&e->fdlock);
                        return q;
                }
                ssize_t r = wr ? pwrite(t->fd, buf + done, n, (off_t) o) : pread(t->fd, buf + done, n, (off_t) o);
                int err = errno;
                if (buffered_once) set_direct(t, true);
                pthread_rwlock_unlock(&e->fdlock);
                if (r < 0) {
                        if (err == EINTR) continue;
                        if (err == EINVAL && !excl) {
                                /* the target does not take direct I/O after all (tmpfs, some FUSE) */
                                pthread_rwlock_wrlock(&e->fdlock);
                                int q = 0;
                                bool was = t->direct;
                                if (was && (q = set_direct(t, false)) == 0) t->direct = false;
                                pthread_rwlock_unlock(&e->fdlock);
                                if (q < 0) return q;
                                if (was) continue;
                        }
                        return -err;
                }
                if (r == 0) return wr ? -ENOSPC : -EIO;
                done += (size_t) r;
        }
        return 0;
}

/* Progress, from the coordinating thread only. */
static void report(struct engine *e, uint64_t done, uint64_t total, bool force) {
        if (!e->cb || !e->cb->progress) return;
        int64_t now = now_ns(CLOCK_MONOTONIC);
        if (!force && now - e->last_progress < 200000000) return;
        e->last_progress = now;
        double secs = (double) (now - e->phase_t0) / 1e9;
        struct wipe_progress p = {
                .pass = e->pr->index,
                .verifying = e->verifying,
                .done = done,
                .total = total,
                .rate = secs > 0 ? (double) done / secs : 0,
        };
        uint64_t left = e->work_total > e->work_done + done ? e->work_total - e->work_done - done : 0;
        p.eta = p.rate > 0 ? (double) left / p.rate : -1;
        e->cb->progress(e->cb->userdata, &p);
}

/* A failed chunk: retry it whole, then sector by sector, recording the
 * sectors that still fail. Verify: unreadable sectors are zeroed in buf and
 * listed in bad. Returns 0, or -errno when the pass cannot go on. Called by
 * the I/O threads without e->mu; takes it to update the pass record. */
static int chunk_io(struct engine *e, bool wr, uint8_t *buf, uint64_t off, size_t len, struct wipe_ranges *bad) {
        int r = io_range(e, wr, buf, off, len);
        if (r == 0) return 0;
        if (r == -ENODEV || r == -ENXIO) return r; /* the device went away */
        for (int i = 0; i < e->retries && r < 0; i++) {
                pthread_mutex_lock(&e->mu);
                if (wr) e->pr->write_retries++;
                else e->pr->read_retries++;
                pthread_mutex_unlock(&e->mu);
                r = io_range(e, wr, buf, off, len);
        }
        if (r == 0) return 0;
        struct wipe_ranges *rg = wr ? &e->pr->write_errors : &e->pr->read_errors;
        pthread_rwlock_rdlock(&e->fdlock);
        unsigned step = e->t->sector > e->t->align ? e->t->sector : e->t->align;
        if (!e->t->direct) step = e->t->sector;
        pthread_rwlock_unlock(&e->fdlock);
        for (uint64_t o = off; o < off + len; o += step) {
                size_t n = (size_t) (off + len - o < step ? off + len - o : step);
                r = io_range(e, wr, buf + (o - off), o, n);
                if (r == -ENODEV || r == -ENXIO) return r;
                if (r < 0) {
                        pthread_mutex_lock(&e->mu);
                        ranges_add(rg, o, n, -r);
                        pthread_mutex_unlock(&e->mu);
                        if (!wr) {
                                memset(buf + (o - off), 0, n);
                                ranges_add(bad, o, n, -r);
                        }
                }
        }
        pthread_mutex_lock(&e->mu);
        bool too_many = rg->total_bytes > MAX_ERROR_BYTES;
        pthread_mutex_unlock(&e->mu);
        return too_many ? -EIO : 0;
}

/* Record the sectors of a chunk that differ from the expected bytes. */
static void find_mismatches(struct engine *e, const uint8_t *got, const uint8_t *want, uint64_t off, size_t len,
                            const struct wipe_ranges *bad, struct wipe_ranges *out, uint64_t *ret_sectors) {
        unsigned sec = e->t->sector;
        for (size_t i = 0; i < len; i += sec) {
                size_t n = len - i < sec ? len - i : sec;
                if (memcmp(got + i, want + i, n) == 0) continue;
                /* sectors that could not be read, or not be written in this pass, are
                 * already recorded as errors: not counted again as differing */
                bool known = false;
                for (size_t b = 0; b < bad->n && !known; b++)
                        if (off + i >= bad->v[b].offset && off + i < bad->v[b].offset + bad->v[b].length) known = true;
                const struct wipe_ranges *we = &e->pr->write_errors;
                for (size_t b = 0; b < we->n && !known; b++)
                        if (off + i >= we->v[b].offset && off + i < we->v[b].offset + we->v[b].length) known = true;
                if (known) continue;
                ranges_add(out, off + i, n, 0);
                (*ret_sectors)++;
        }
}

/* Stop the phase (under e->mu): fatal error r, or the operator (r == -EINTR). */
static void phase_abort(struct engine *e, int r) {
        if (r == -EINTR) e->stopped = true;
        else if (!e->fatal) e->fatal = r;
        e->abort = true;
        pthread_cond_broadcast(&e->cv);
}

/* Wait (under e->mu) until slot s holds job seq in state want, or the
 * phase is aborted. Returns false on abort. */
static bool slot_wait(struct engine *e, struct slot *s, uint64_t seq, enum slot_state want) {
        while (!e->abort && !(s->seq == seq && s->state == want)) pthread_cond_wait(&e->cv, &e->mu);
        return !e->abort;
}

/* Random write jobs: generate the chunk (AES-256-CTR) and hash it as it
 * goes, piece by piece so the bytes are still in the cache when hashed.
 * Two chunks of the same length are hashed together on SHA-NI. */
static int gen_chunks(struct engine *e, EVP_CIPHER_CTX *ctx[2], EVP_MD_CTX *md, struct slot *s[2], uint64_t off[2],
                      size_t len, unsigned n) {
        if (n == 1 || !e->sha2x) {
                for (unsigned i = 0; i < n; i++)
                        if (aes_fill_hash(ctx[0], md, e->seed, off[i], s[i]->buf, len, s[i]->digest) < 0) return -EIO;
                return 0;
        }
        if (aes_start(ctx[0], e->seed, off[0]) < 0 || aes_start(ctx[1], e->seed, off[1]) < 0) return -EIO;
        struct sha256x2 h;
        sha256x2_init(&h);
        for (size_t done = 0; done < len; done += PIECE) {
                size_t k = len - done < PIECE ? len - done : PIECE;
                if (aes_next(ctx[0], s[0]->buf + done, k) < 0 || aes_next(ctx[1], s[1]->buf + done, k) < 0) return -EIO;
                if (done + k < len)
                        sha256x2_update(&h, s[0]->buf + done, s[1]->buf + done, k);
                else
                        sha256x2_final(&h, s[0]->buf + done, s[1]->buf + done, k, s[0]->digest, s[1]->digest);
        }
        return 0;
}

/* Is buf n bytes of the one byte b? A word loop over one buffer (no
 * second buffer to stream through the cache). */
static bool all_byte(const uint8_t *buf, size_t n, uint8_t b) {
        uint64_t w = 0x0101010101010101ull * b, acc = 0;
        size_t i = 0;
        for (; i + 64 <= n; i += 64) {
                uint64_t x[8];
                memcpy(x, buf + i, 64);
                for (int j = 0; j < 8; j++) acc |= x[j] ^ w;
                if (acc) return false;
        }
        for (; i < n; i++) acc |= buf[i] ^ b;
        return acc == 0;
}

/* Compare a chunk read back (job seq, in slot s) with what was written;
 * record its digest and any sectors that differ. Called without e->mu. */
static int check_chunk(struct engine *e, EVP_CIPHER_CTX *ctx, uint8_t **scratch, uint8_t **piece, struct slot *s,
                       uint64_t c, struct wipe_ranges *mism, uint64_t *msec, uint8_t d[32]) {
        uint64_t off = c * WIPE_CHUNK;
        size_t len = chunk_len(e->t->size, c);
        const uint8_t *want_buf = NULL, *want_digest = e->expect ? e->expect + 32 * c : NULL;
        bool same;
        int r = 0;
        if (e->spec->kind == WIPE_CONST) {
                want_buf = e->pat.buf[phase_of(&e->pat, c)];
                want_digest = pattern_digest(&e->pat, c, len);
                same = e->spec->len == 1 ? all_byte(s->buf, len, e->spec->pat[0]) : memcmp(s->buf, want_buf, len) == 0;
        } else {
                if (!*piece) *piece = xalloc_aligned(PIECE);
                r = aes_compare(ctx, e->seed, off, s->buf, len, *piece, &same);
                if (r == 0 && !same) {
                        /* the whole expected chunk, to find the sectors that differ */
                        if (!*scratch) *scratch = xalloc_aligned(WIPE_CHUNK);
                        r = aes_fill(ctx, e->seed, off, *scratch, len);
                }
                want_buf = *scratch;
        }
        same = same && r == 0;
        if (same && want_digest)
                memcpy(d, want_digest, 32);
        else
                digest(s->buf, len, d);
        if (!same && r == 0) find_mismatches(e, s->buf, want_buf, off, len, &s->bad, mism, msec);
        return r;
}

/* A worker: random write jobs (generate and hash) or verify jobs (compare). */
static void *worker(void *arg) {
        struct engine *e = arg;
        EVP_CIPHER_CTX *ctx[2] = {EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_new()};
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        uint8_t *scratch = NULL, *piece = NULL;
        struct wipe_ranges mism = {0};
        if (!ctx[0] || !ctx[1] || !md) abort();
        pthread_mutex_lock(&e->mu);
        for (;;) {
                if (e->abort || e->next_claim >= e->n_jobs) break;
                uint64_t seq = e->next_claim++;
                if (!e->verifying) {
                        /* take the next job too when it can be hashed alongside */
                        uint64_t off[2] = {seq * WIPE_CHUNK, (seq + 1) * WIPE_CHUNK};
                        size_t len = chunk_len(e->t->size, seq);
                        unsigned n = 1;
                        if (e->sha2x && seq + 1 < e->n_jobs && chunk_len(e->t->size, seq + 1) == len) {
                                e->next_claim++;
                                n = 2;
                        }
                        struct slot *s[2] = {&e->slots[seq % NSLOTS], &e->slots[(seq + 1) % NSLOTS]};
                        bool ok = true;
                        for (unsigned i = 0; i < n && ok; i++) ok = slot_wait(e, s[i], seq + i, SLOT_FREE);
                        if (!ok) break;
                        pthread_mutex_unlock(&e->mu);
                        int r = gen_chunks(e, ctx, md, s, off, len, n);
                        pthread_mutex_lock(&e->mu);
                        if (r < 0) {
                                phase_abort(e, r);
                                break;
                        }
                        for (unsigned i = 0; i < n; i++) s[i]->state = SLOT_READY;
                        pthread_cond_broadcast(&e->cv);
                        continue;
                }
                struct slot *s = &e->slots[seq % NSLOTS];
                if (!slot_wait(e, s, seq, SLOT_READY)) break;
                pthread_mutex_unlock(&e->mu);
                uint64_t c = job_chunk(e, seq), msec = 0;
                uint8_t d[32];
                int r = check_chunk(e, ctx[0], &scratch, &piece, s, c, &mism, &msec, d);
                pthread_mutex_lock(&e->mu);
                if (r < 0) phase_abort(e, r);
                memcpy(e->digests + 32 * c, d, 32);
                for (size_t i = 0; i < mism.n; i++) ranges_add(&e->pr->mismatches, mism.v[i].offset, mism.v[i].length, 0);
                e->pr->mismatch_sectors += msec;
                mism.n = 0;
                e->jobs_done++;
                s->bad.n = 0;
                s->bad.total_bytes = 0;
                s->seq += NSLOTS;
                s->state = SLOT_FREE;
                pthread_cond_broadcast(&e->cv);
        }
        pthread_mutex_unlock(&e->mu);
        ranges_free(&mism);
        free(scratch);
        free(piece);
        EVP_MD_CTX_free(md);
        EVP_CIPHER_CTX_free(ctx[0]);
        EVP_CIPHER_CTX_free(ctx[1]);
        return NULL;
}

/* An I/O thread: takes the next job in order, writes or reads its chunk.
 * Several run at once, so several requests are in flight; each checks the
 * stop flag before it starts a new request, and a request once started is
 * finished (and counted) before the thread stops. */
static void *io_worker(void *arg) {
        struct engine *e = arg;
        bool random_write = !e->verifying && e->spec->kind == WIPE_RANDOM;
        pthread_mutex_lock(&e->mu);
        for (;;) {
                if (e->abort || e->io_next >= e->n_jobs) break;
                if (stopping(e)) {
                        phase_abort(e, -EINTR);
                        break;
                }
                uint64_t seq = e->io_next++;
                struct slot *s = &e->slots[seq % NSLOTS];
                uint64_t c = job_chunk(e, seq), off = c * WIPE_CHUNK;
                size_t len = chunk_len(e->t->size, c);
                uint8_t *buf;
                if (e->verifying) {
                        if (!slot_wait(e, s, seq, SLOT_FREE)) break;
                        buf = s->buf;
                } else if (random_write) {
                        if (!slot_wait(e, s, seq, SLOT_READY)) break;
                        buf = s->buf;
                } else
                        buf = e->pat.buf[phase_of(&e->pat, c)];
                pthread_mutex_unlock(&e->mu);
                int r = chunk_io(e, !e->verifying, buf, off, len, e->verifying ? &s->bad : NULL);
                pthread_mutex_lock(&e->mu);
                if (r < 0) {
                        phase_abort(e, r);
                        break;
                }
                e->bytes_io += len;
                e->io_done++;
                if (e->verifying)
                        s->state = SLOT_READY;
                else {
                        e->pr->bytes_written += len;
                        memcpy(e->digests + 32 * c, random_write ? s->digest : pattern_digest(&e->pat, c, len), 32);
                        if (random_write) {
                                s->seq += NSLOTS;
                                s->state = SLOT_FREE;
                        }
                }
                pthread_cond_broadcast(&e->cv);
        }
        pthread_mutex_unlock(&e->mu);
        return NULL;
}

static void phase_reset(struct engine *e, bool verifying, uint64_t n_jobs, const uint64_t *jobs, uint8_t *digests) {
        e->verifying = verifying;
        e->n_jobs = n_jobs;
        e->job_chunk = jobs;
        e->digests = digests;
        e->next_claim = e->io_next = e->io_done = e->jobs_done = e->bytes_io = 0;
        e->abort = e->stopped = false;
        e->fatal = 0;
        for (unsigned i = 0; i < NSLOTS; i++) {
                e->slots[i].seq = i;
                e->slots[i].state = SLOT_FREE;
                e->slots[i].bad.n = 0;
                e->slots[i].bad.total_bytes = 0;
        }
        e->phase_t0 = now_ns(CLOCK_MONOTONIC);
        e->last_progress = 0;
}

/* Run the phase set up by phase_reset: start the I/O threads and (for
 * random writes and verification) the workers, report progress from this
 * thread until every job is done or the phase stops, join them. total:
 * bytes in the phase, for progress. Returns 0, -EINTR when stopped, or
 * -errno. */
static int run_phase(struct engine *e, bool workers, uint64_t total) {
        pthread_t th[MAX_THREADS + MAX_IO];
        unsigned n = 0, nw = workers ? e->threads : 0;
        for (unsigned i = 0; i < nw; i++)
                if (pthread_create(&th[n++], NULL, worker, e) != 0) abort();
        for (unsigned i = 0; i < e->io_threads; i++)
                if (pthread_create(&th[n++], NULL, io_worker, e) != 0) abort();
        pthread_mutex_lock(&e->mu);
        for (;;) {
                bool done = e->verifying ? e->jobs_done >= e->n_jobs : e->io_done >= e->n_jobs;
                if (done || e->abort) break;
                if (stopping(e)) {
                        phase_abort(e, -EINTR);
                        break;
                }
                uint64_t bytes = e->bytes_io;
                pthread_mutex_unlock(&e->mu);
                report(e, bytes, total, false);
                pthread_mutex_lock(&e->mu);
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += 100000000;
                if (ts.tv_nsec >= 1000000000) {
                        ts.tv_sec++;
                        ts.tv_nsec -= 1000000000;
                }
                bool now_done = e->verifying ? e->jobs_done >= e->n_jobs : e->io_done >= e->n_jobs;
                if (!now_done && !e->abort) pthread_cond_timedwait(&e->cv, &e->mu, &ts);
        }
        pthread_mutex_unlock(&e->mu);
        for (unsigned i = 0; i < n; i++) pthread_join(th[i], NULL);
        /* every thread has stopped: the counters are final */
        if (e->fatal) return e->fatal;
        if (e->stopped) return -EINTR;
        return 0;
}

/* Write one pass. Fills pr (bytes, root, errors); digests gets every chunk's
 * digest. Returns 0, -EINTR when stopped, or -errno. */
static int write_pass(struct engine *e, uint8_t *digests) {
        struct wipe_target *t = e->t;
        uint64_t nc = n_chunks_of(t->size);
        phase_reset(e, false, nc, NULL, digests);
        int r = run_phase(e, e->spec->kind == WIPE_RANDOM, t->size);
        ranges_finish(&e->pr->write_errors);
        if (r == 0) {
                report(e, e->pr->bytes_written, t->size, true);
                e->pr->written_complete = true;
                sha256_buf(digests, nc * 32, e->pr->root_written);
        }
        return r;
}

/* Read back the chunks of jobs (NULL: all) and compare. Returns 0, -EINTR
 * when stopped, or -errno. */
static int verify_pass(struct engine *e, const uint64_t *jobs, uint64_t n_jobs, uint8_t *read_digests) {
        struct wipe_target *t = e->t;
        phase_reset(e, true, n_jobs, jobs, read_digests);
        uint64_t total = 0;
        for (uint64_t i = 0; i < n_jobs; i++) total += chunk_len(t->size, job_chunk(e, i));
        int r = run_phase(e, true, total);
        e->pr->bytes_verified = e->bytes_io;
        e->pr->chunks_verified = r == 0 ? n_jobs : 0;
        if (r == 0) report(e, e->bytes_io, total, true);
        ranges_finish(&e->pr->mismatches);
        ranges_finish(&e->pr->read_errors);
        return r;
}

static int u64_cmp(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
        return x < y ? -1 : x > y;
}

/* The chunks a sample reads: percent of them, chosen at random, always
 * the first and the last. Sorted, so the reads move one way. */
static uint64_t *sample_jobs(uint64_t nc, double percent, uint64_t *ret_n) {
        uint64_t want = (uint64_t) ceil((double) nc * percent / 100.0);
        if (want < 1) want = 1;
        if (want > nc) want = nc;
        uint64_t *idx = xmalloc(nc * sizeof *idx);
        for (uint64_t i = 0; i < nc; i++) idx[i] = i;
        /* first and last always in */
        uint64_t fixed = nc > 1 ? 2 : 1;
        if (want < fixed) want = fixed;
        if (nc > 1) {
                idx[1] = nc - 1;
                idx[nc - 1] = 1;
        }
        for (uint64_t i = fixed; i < want; i++) {
                uint64_t rnd;
                if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd) rnd = (uint64_t) now_ns(CLOCK_MONOTONIC) * 2654435761u;
                uint64_t j = i + rnd % (nc - i);
                uint64_t tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
        }
        qsort(idx, want, sizeof *idx, u64_cmp);
        *ret_n = want;
        return idx;
}

static void engine_init(struct engine *e, struct wipe_target *t, const struct wipe_options *o, const struct wipe_callbacks *cb) {
        *e = (struct engine) {.t = t, .o = o, .cb = cb};
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        e->threads = o->threads ? o->threads : (unsigned) (cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : cores);
        if (e->threads > MAX_THREADS) e->threads = MAX_THREADS;
        e->io_threads = o->io_depth ? o->io_depth : DEFAULT_IO;
        if (e->io_threads > MAX_IO) e->io_threads = MAX_IO;
        e->retries = o->io_retries > 0 ? o->io_retries : 3;
        e->sha2x = sha256x2_available();
        pthread_mutex_init(&e->mu, NULL);
        pthread_cond_init(&e->cv, NULL);
        pthread_rwlock_init(&e->fdlock, NULL);
        e->slab = xalloc_aligned((size_t) NSLOTS * WIPE_CHUNK);
        for (unsigned i = 0; i < NSLOTS; i++) e->slots[i].buf = e->slab + (size_t) i * WIPE_CHUNK;
}

static void engine_done(struct engine *e) {
        for (unsigned i = 0; i < NSLOTS; i++) ranges_free(&e->slots[i].bad);
        free(e->slab);
        pthread_mutex_destroy(&e->mu);
        pthread_cond_destroy(&e->cv);
        pthread_rwlock_destroy(&e->fdlock);
}

/* How pass i (0-based) of m is verified under the options. */
static enum wipe_verify pass_verify(const struct wipe_method *m, const struct wipe_options *o, size_t i) {
        bool last = i + 1 == m->n_passes;
        if (m->verify_random && m->passes[i].kind == WIPE_RANDOM) return o->verify == WIPE_VERIFY_SAMPLE || o->verify == WIPE_VERIFY_OFF ? WIPE_VERIFY_LAST : o->verify;
        switch (o->verify) {
        case WIPE_VERIFY_OFF: return WIPE_VERIFY_OFF;
        case WIPE_VERIFY_ALL: return WIPE_VERIFY_ALL;
        case WIPE_VERIFY_LAST: return last ? WIPE_VERIFY_LAST : WIPE_VERIFY_OFF;
        case WIPE_VERIFY_SAMPLE: return last ? WIPE_VERIFY_SAMPLE : WIPE_VERIFY_OFF;
        }
        return WIPE_VERIFY_OFF;
}

static void pass_error(struct wipe_pass_result *pr, int r, const char *what) {
        free(pr->error);
        if (r == -EINTR) pr->error = xstrdup("interrupted");
        else pr->error = xasprintf("%s: %s", what, *err_msg() ? err_msg() : strerror(-r));
}

/* Verify the pass just written (or a stored stream): full or sampled. */
static int verify_phase(struct engine *e, enum wipe_verify v, double pct, const uint8_t *expect, uint8_t *rdig) {
        uint64_t nc = n_chunks_of(e->t->size);
        e->pr->verify = v;
        e->pr->sample_percent = v == WIPE_VERIFY_SAMPLE ? pct : 0;
        e->expect = expect;
        int r;
        if (v == WIPE_VERIFY_SAMPLE) {
                uint64_t n;
                _cleanup_free_ uint64_t *jobs = sample_jobs(nc, pct, &n);
                r = verify_pass(e, jobs, n, rdig);
        } else {
                r = verify_pass(e, NULL, nc, rdig);
                if (r == 0) {
                        e->pr->read_complete = true;
                        sha256_buf(rdig, nc * 32, e->pr->root_read);
                }
        }
        return r;
}

/* A pass that began: write it, flush, and read it back as v says (the
 * identity checked again first). *failed: the target changed. */
static int write_and_verify(struct engine *e, struct wipe_target *t, const struct wipe_options *o, const struct wipe_callbacks *cb,
                            struct wipe_pass_result *pr, enum wipe_verify v, uint8_t *digests, uint8_t *rdig, bool *failed) {
        if (pr->spec.kind == WIPE_CONST) patterns_init(&e->pat, &pr->spec, t->size);
        int r = write_pass(e, digests);
        if (r < 0) pass_error(pr, r, "cannot write");
        if (r == 0 && (r = flush_target(t)) < 0) pass_error(pr, r, "cannot flush");
        e->work_done += t->size;
        if (r == 0 && v != WIPE_VERIFY_OFF) {
                if (cb->check_identity && (r = cb->check_identity(cb->userdata, pr->index)) < 0) {
                        pass_error(pr, r, "the target changed");
                        *failed = true;
                } else {
                        r = verify_phase(e, v, o->sample_percent, digests, rdig);
                        if (r < 0) pass_error(pr, r, "cannot read back");
                }
        }
        if (v == WIPE_VERIFY_SAMPLE) e->work_done += (uint64_t) ((double) t->size * o->sample_percent / 100);
        else if (v != WIPE_VERIFY_OFF) e->work_done += t->size;
        if (pr->spec.kind == WIPE_CONST) patterns_free(&e->pat);
        return r;
}

/* Before a pass writes: the identity re-check, the seed of a random pass,
 * and the pass recorded as begun. *failed: one of them refused. */
static int pass_prepare(const struct wipe_callbacks *cb, struct wipe_result *res, struct wipe_pass_result *pr, bool *failed) {
        int r = 0;
        if (cb->check_identity && (r = cb->check_identity(cb->userdata, pr->index)) < 0) {
                pass_error(pr, r, "the target changed");
                *failed = true;
                return r;
        }
        if (pr->spec.kind == WIPE_RANDOM) {
                if (getrandom(pr->seed, 32, 0) != 32) {
                        r = -errno;
                        pass_error(pr, r, "cannot draw a random seed");
                        *failed = true;
                        return r;
                }
                sha256_buf(pr->seed, 32, pr->seed_hash);
        }
        if (cb->pass_begin && (r = cb->pass_begin(cb->userdata, res, pr)) < 0) {
                pass_error(pr, r, "cannot record the pass");
                *failed = true;
        }
        return r;
}

/* Pass i of the wipe, from its checks to its record. Returns 0 to go on,
 * else -errno (the pass's error set). */
static int run_pass(struct engine *e, struct wipe_target *t, const struct wipe_method *m, const struct wipe_options *o,
                    const struct wipe_callbacks *cb, struct wipe_result *res, size_t i, uint8_t *digests, uint8_t *rdig,
                    bool *failed) {
        struct wipe_pass_result *pr = &res->passes[i];
        *pr = (struct wipe_pass_result) {.index = (unsigned) i + 1, .spec = m->passes[i]};
        res->n_passes = i + 1;
        pr->started_ns = now_ns(CLOCK_REALTIME);
        e->pr = pr;
        e->spec = &pr->spec;
        e->seed = pr->seed;
        err_clear();
        int r = pass_prepare(cb, res, pr, failed);
        bool begun = r == 0;
        if (r == 0) r = write_and_verify(e, t, o, cb, pr, pass_verify(m, o, i), digests, rdig, failed);
        pr->ended_ns = now_ns(CLOCK_REALTIME);
        if (pr->spec.kind == WIPE_RANDOM && pr->started_ns) pr->seed_revealed = true;
        if (i + 1 == m->n_passes && pr->written_complete) {
                res->last_digests = xmalloc(res->n_chunks * 32);
                memcpy(res->last_digests, digests, res->n_chunks * 32);
        }
        if (cb->pass_end && begun) {
                int q = cb->pass_end(cb->userdata, res, pr);
                if (q < 0) {
                        if (!pr->error) pass_error(pr, q, "cannot record the pass");
                        *failed = true;
                        if (r == 0) r = q;
                }
        }
        return r;
}

/* How the wipe ended, from the last error and what the passes found. */
static void set_outcome(struct wipe_result *res, int r, bool failed) {
        uint64_t mism = 0, errs = 0;
        for (size_t i = 0; i < res->n_passes; i++) {
                mism += res->passes[i].mismatches.total_bytes;
                errs += res->passes[i].write_errors.total_bytes + res->passes[i].read_errors.total_bytes;
        }
        if (r == -EINTR) {
                res->outcome = WIPE_INTERRUPTED;
                res->error = xstrdup("interrupted by the operator");
        } else if (r < 0 || failed) {
                res->outcome = WIPE_FAILED;
                struct wipe_pass_result *last = &res->passes[res->n_passes - 1];
                res->error = xasprintf("pass %u: %s", last->index, last->error ? last->error : strerror(-r));
        } else if (mism) {
                res->outcome = WIPE_FAILED;
                res->error = xasprintf("%llu bytes read back differently from what was written",
                                       (unsigned long long) mism);
        } else if (errs) {
                res->outcome = WIPE_ERASED_EXCEPTIONS;
                res->error = xasprintf("%llu bytes could not be written or read back", (unsigned long long) errs);
        } else
                res->outcome = WIPE_ERASED;
}

int wipe_run(struct wipe_target *t, const struct wipe_method *m, const struct wipe_options *o,
             const struct wipe_callbacks *cb, struct wipe_result *ret) {
        if (!t || t->fd < 0 || !m || !o || !ret || m->n_passes == 0 || m->n_passes > WIPE_MAX_PASSES || t->size == 0)
                return err_set(EINVAL, "wipe: bad arguments");
        static const struct wipe_callbacks none;
        if (!cb) cb = &none;
        struct wipe_result *res = ret;
        *res = (struct wipe_result) {.outcome = WIPE_STARTED, .method = *m, .size = t->size, .sector = t->sector};
        res->started_ns = now_ns(CLOCK_REALTIME);
        uint64_t nc = n_chunks_of(t->size);
        res->n_chunks = nc;
        struct engine e;
        engine_init(&e, t, o, cb);
        e.work_total = 0;
        for (size_t i = 0; i < m->n_passes; i++) {
                enum wipe_verify v = pass_verify(m, o, i);
                e.work_total += t->size;
                if (v == WIPE_VERIFY_SAMPLE) e.work_total += (uint64_t) ((double) t->size * o->sample_percent / 100);
                else if (v != WIPE_VERIFY_OFF) e.work_total += t->size;
        }
        _cleanup_free_ uint8_t *digests = xmalloc(nc * 32), *rdig = xmalloc(nc * 32);
        bool direct_throughout = t->direct, failed = false;
        int r = 0;
        for (size_t i = 0; i < m->n_passes && r >= 0; i++) {
                r = run_pass(&e, t, m, o, cb, res, i, digests, rdig, &failed);
                if (!t->direct) direct_throughout = false;
        }
        engine_done(&e);
        res->direct = direct_throughout;
        res->ended_ns = now_ns(CLOCK_REALTIME);
        set_outcome(res, r, failed);
        return 0;
}

int wipe_verify_stream(struct wipe_target *t, const struct wipe_pass_spec *spec, const uint8_t seed[32],
                       const uint8_t *digests, uint64_t n_digests, double sample_percent,
                       const struct wipe_options *o, const struct wipe_callbacks *cb, struct wipe_pass_result *ret) {
        static const struct wipe_callbacks none;
        uint64_t nc = n_chunks_of(t->size);
        if (digests && n_digests != nc)
                return err_set(EINVAL, "'%s' has %llu chunks of 4 MiB, the record %llu", t->path,
                               (unsigned long long) nc, (unsigned long long) n_digests);
        if (!(sample_percent > 0 && sample_percent <= 100)) return err_set(EINVAL, "sample must be above 0 and at most 100 percent");
        struct engine e;
        engine_init(&e, t, o, cb ? cb : &none);
        struct wipe_pass_result *pr = ret;
        *pr = (struct wipe_pass_result) {.index = 1, .spec = *spec};
        if (spec->kind == WIPE_RANDOM) {
                memcpy(pr->seed, seed, 32);
                sha256_buf(seed, 32, pr->seed_hash);
                pr->seed_revealed = true;
        }
        pr->started_ns = now_ns(CLOCK_REALTIME);
        e.pr = pr;
        e.spec = &pr->spec;
        e.seed = pr->seed;
        e.work_total = (uint64_t) ((double) t->size * sample_percent / 100);
        if (spec->kind == WIPE_CONST) patterns_init(&e.pat, spec, t->size);
        _cleanup_free_ uint8_t *rdig = xmalloc(nc * 32);
        err_clear();
        int r = verify_phase(&e, sample_percent >= 100 ? WIPE_VERIFY_ALL : WIPE_VERIFY_SAMPLE, sample_percent, digests, rdig);
        if (r < 0) pass_error(pr, r, "cannot read");
        if (spec->kind == WIPE_CONST) patterns_free(&e.pat);
        engine_done(&e);
        pr->ended_ns = now_ns(CLOCK_REALTIME);
        return 0;
}
