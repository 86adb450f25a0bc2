/* The wipe engine: overwrite a block device or an image file with a list of
 * passes, verify, and return a record of exactly what was done.
 *
 * It knows nothing of assets or the register: the caller opens the target
 * (wipe_target_open), chooses a method, passes callbacks (identity re-check
 * before each pass, pass begin/end to store the record as it grows,
 * progress) and gets back a struct wipe_result. Functions return 0 or
 * -errno with the reason in err_msg().
 *
 * The audit root of a pass: the stream is cut into 4 MiB chunks (the last
 * may be shorter); root = SHA-256 over the concatenated 32-byte SHA-256
 * digests of the chunks, in order. Recompute it with stock tools:
 *   split -b 4194304 --filter 'sha256sum | cut -c1-64' DEV | xxd -r -p | sha256sum
 *
 * A random pass is AES-256-CTR: key = the pass's 32-byte seed, IV = 16 zero
 * bytes (a 128-bit big-endian block counter starting at 0), encrypting zero
 * bytes; byte k of the stream is byte k of
 *   openssl enc -aes-256-ctr -K SEEDHEX -iv 00000000000000000000000000000000 < /dev/zero */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#define WIPE_CHUNK (4u << 20)       /* audit chunk: 4 MiB */
#define WIPE_MAX_PASSES 64          /* longest pass list (gutmann is 35) */
#define WIPE_MAX_RANGES 1024        /* ranges kept per list; more are counted */

enum wipe_kind { WIPE_CONST, WIPE_RANDOM };

/* One pass of a method. */
struct wipe_pass_spec {
        enum wipe_kind kind;
        uint8_t pat[3]; /* WIPE_CONST: the pattern repeated from offset 0 (Gutmann has 3-byte ones) */
        uint8_t len;    /* its length, 1 to 3 */
};

enum wipe_verify {
        WIPE_VERIFY_OFF,    /* nothing read back (never for a certified wipe) */
        WIPE_VERIFY_LAST,   /* the last pass read back in full */
        WIPE_VERIFY_ALL,    /* every pass read back in full */
        WIPE_VERIFY_SAMPLE, /* the last pass: a share of its chunks read back */
};

/* A method with its pass list and default verification. */
struct wipe_method {
        char name[32];                 /* "gutmann", "custom" */
        size_t n_passes;
        struct wipe_pass_spec passes[WIPE_MAX_PASSES];
        enum wipe_verify verify;       /* default verification */
        double sample_percent;         /* WIPE_VERIFY_SAMPLE: share of chunks (0 < p <= 100) */
        bool verify_random;            /* also verify every random pass in full (is5-enhanced) */
};

/* The method by name (zero, one, random, nist-clear, is5-baseline,
 * is5-enhanced, dod-short, dod-7, gutmann); -EINVAL naming the choices. */
int wipe_method_get(const char *name, struct wipe_method *ret);
/* A custom method from "00,ff,random,..." (hex bytes or "random"). */
int wipe_method_parse_passes(const char *list, struct wipe_method *ret);
/* Parse --verify: off, last, all, sample:PERCENT. */
int wipe_verify_parse(const char *s, enum wipe_verify *ret_mode, double *ret_percent);
/* "last", "all", "sample:10", "off". Returns a static or thread-local string. */
const char *wipe_verify_name(enum wipe_verify v, double percent);
/* Names of the built-in methods, NULL-ended. */
extern const char *const wipe_method_names[];
/* "00", "ff", "924924", "random" for a pass. out: 8 bytes. */
void wipe_pass_name(const struct wipe_pass_spec *p, char out[static 8]);
/* Parse one pass name as above. */
int wipe_pass_parse(const char *s, struct wipe_pass_spec *ret);

/* An open target. */
struct wipe_target {
        int fd;            /* read-write */
        char *path;
        uint64_t size;     /* bytes */
        unsigned sector;   /* logical sector size (512 for image files) */
        unsigned align;    /* direct I/O alignment (sector, or the file system block) */
        bool blockdev;
        bool direct;       /* O_DIRECT in use (cleared if the target refuses it) */
};

enum wipe_open_flags {
        WIPE_OPEN_EXCL = 1 << 0,     /* O_EXCL: fail if the block device is in use */
        WIPE_OPEN_READONLY = 1 << 1, /* for verification */
        WIPE_OPEN_BUFFERED = 1 << 2, /* never try O_DIRECT */
};
/* Open path (a block device or a regular file; anything else -ENOTBLK),
 * trying O_DIRECT first. The caller owns *ret and ends it with
 * wipe_target_close(). */
int wipe_target_open(const char *path, unsigned flags, struct wipe_target *ret);
void wipe_target_close(struct wipe_target *t);

/* A byte range with the errno that hit it (0 for a mismatch). */
struct wipe_range {
        uint64_t offset, length;
        int err;
};
struct wipe_ranges {
        struct wipe_range *v;
        size_t n, cap;
        uint64_t total_bytes; /* every byte in every range, even those not kept */
        size_t dropped;       /* ranges counted but not kept (over WIPE_MAX_RANGES) */
};

enum wipe_outcome {
        WIPE_STARTED,               /* not finished (what a crash leaves) */
        WIPE_ERASED,                /* every pass written, every verification matched */
        WIPE_ERASED_EXCEPTIONS,     /* done, but some ranges could not be written or read */
        WIPE_FAILED,                /* verification mismatch, or the wipe could not go on */
        WIPE_INTERRUPTED,           /* stopped by the operator */
};
const char *wipe_outcome_name(enum wipe_outcome o); /* "erased_with_exceptions", ... */

/* What one pass did. */
struct wipe_pass_result {
        unsigned index;               /* 1-based */
        struct wipe_pass_spec spec;
        uint8_t seed[32];             /* random passes; valid once seed_revealed */
        uint8_t seed_hash[32];        /* SHA-256(seed), known before the pass */
        bool seed_revealed;
        uint64_t bytes_written;
        uint8_t root_written[32];     /* root of the stream written (valid when complete) */
        bool written_complete;        /* every chunk was submitted */
        int write_retries;            /* write retries made */
        struct wipe_ranges write_errors;
        /* verification */
        enum wipe_verify verify;      /* OFF when this pass was not read back */
        double sample_percent;
        uint64_t bytes_verified;
        uint64_t chunks_verified;
        uint8_t root_read[32];        /* root of what was read back (full verification only) */
        bool read_complete;
        int read_retries;
        struct wipe_ranges read_errors;
        struct wipe_ranges mismatches; /* sector-granular ranges that read back differently */
        uint64_t mismatch_sectors;
        int64_t started_ns, ended_ns;  /* CLOCK_REALTIME */
        char *error;                   /* why the pass stopped, or NULL */
};

/* The whole record. */
struct wipe_result {
        enum wipe_outcome outcome;
        struct wipe_method method;
        size_t n_passes;                    /* passes begun */
        struct wipe_pass_result passes[WIPE_MAX_PASSES];
        uint64_t size;
        unsigned sector;
        bool direct;                        /* direct I/O was used throughout */
        uint8_t *last_digests;              /* 32 * n_chunks: the last pass's chunk digests */
        uint64_t n_chunks;
        int64_t started_ns, ended_ns;
        char *error;                        /* why it failed, or NULL */
};
void wipe_result_done(struct wipe_result *r);

/* Progress report (called from the wiping thread, about every chunk). */
struct wipe_progress {
        unsigned pass, n_passes;
        bool verifying;
        uint64_t done, total;   /* bytes in this phase */
        double rate;            /* bytes per second in this phase */
        double eta;             /* seconds left for the whole wipe, estimate */
};

struct wipe_callbacks {
        void *userdata;
        /* Before each pass and verification: 0 if the target is still the
         * device the operator confirmed, else -errno with err_set(). */
        int (*check_identity)(void *userdata, unsigned pass);
        /* A pass begins (seed hash known, seed not yet revealed) / ended
         * (complete record of the pass). A negative return stops the wipe
         * with outcome failed (the record could not be stored). */
        int (*pass_begin)(void *userdata, const struct wipe_result *r, const struct wipe_pass_result *p);
        int (*pass_end)(void *userdata, const struct wipe_result *r, const struct wipe_pass_result *p);
        void (*progress)(void *userdata, const struct wipe_progress *p);
};

struct wipe_options {
        enum wipe_verify verify;
        double sample_percent;
        const volatile sig_atomic_t *stop; /* set (by a signal handler) to stop cleanly */
        unsigned threads;                  /* generator/hasher threads (0: one per core, at most 4) */
        int io_retries;                    /* whole-buffer retries before going sector by sector (0: 3) */
        unsigned io_depth;                 /* I/O requests in flight, each a 4 MiB chunk (0: 4, at most 8) */
};

/* Run every pass of method m on t and fill *ret (always, even on failure:
 * the outcome says how it ended). Returns 0 when the wipe ran to an
 * outcome (erased or not), -errno only for misuse (bad arguments). */
int wipe_run(struct wipe_target *t, const struct wipe_method *m, const struct wipe_options *o,
             const struct wipe_callbacks *cb, struct wipe_result *ret);

/* Read-only check of t against an expected stream: a constant byte, or a
 * random stream from seed. digests (32 * n, may be NULL) are the expected
 * chunk digests (else computed). sample_percent 100 reads everything.
 * Fills a pass record (verify fields only). */
int wipe_verify_stream(struct wipe_target *t, const struct wipe_pass_spec *spec, const uint8_t seed[32],
                       const uint8_t *digests, uint64_t n_digests, double sample_percent,
                       const struct wipe_options *o, const struct wipe_callbacks *cb, struct wipe_pass_result *ret);
void wipe_pass_result_done(struct wipe_pass_result *p);

/* The expected root of a pass over size bytes (the stock-tool recomputation
 * of the stream): computes every chunk. digests (32 * chunks) optional. */
int wipe_stream_root(const struct wipe_pass_spec *spec, const uint8_t seed[32], uint64_t size,
                     uint8_t ret_root[32], uint8_t **ret_digests);
/* Fill buf with the stream's bytes [offset, offset + n); offset % 16 == 0. */
int wipe_stream_fill(const struct wipe_pass_spec *spec, const uint8_t seed[32], uint64_t offset, uint8_t *buf, size_t n);

/* The record as JSON (hex roots and seeds, ranges, times in UTC). */
json_t *wipe_pass_json(const struct wipe_pass_result *p);
json_t *wipe_result_json(const struct wipe_result *r);
/* Time as YYYY-MM-DDTHH:MM:SS.mmmZ into out (25 bytes). */
void wipe_time_iso(int64_t ns, char out[static 32]);
