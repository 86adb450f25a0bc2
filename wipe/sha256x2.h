/* SHA-256 of two messages of the same length at once, interleaved on the
 * x86 SHA extensions (SHA-NI).
 *
 * Why: a single SHA-256 stream is bound by the latency of the round
 * instruction (each round needs the previous one), so one stream leaves
 * most of the SHA unit idle; two independent streams in the same loop run
 * nearly twice as fast per core. The wipe hashes every 4 MiB audit chunk of
 * a random pass independently, so its chunks pair up naturally. OpenSSL
 * (3.0, Debian's) has no multi-buffer SHA-256 interface and Debian ships no
 * multi-buffer hashing library, hence this small one. The results are
 * plain SHA-256: the unit tests check them against OpenSSL, and the wipe
 * tests check every root against the stock tools (sha256sum).
 *
 * Use sha256x2_available() first: without SHA-NI the callers hash with
 * OpenSSL instead. Internal to wipe/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Two running SHA-256 computations over messages of equal length. */
struct sha256x2 {
        uint32_t s[2][8]; /* the two chaining states (a..h) */
        uint64_t n;       /* bytes hashed so far by each */
};

/* True when the CPU has SHA-NI (and SSE4.1), so the functions below may be
 * called (the CPU check is cached). ASSETCTL_NO_SHANI set and not empty in
 * the environment makes it false: tests use it to run the OpenSSL path. */
bool sha256x2_available(void);
void sha256x2_init(struct sha256x2 *c);
/* Hash the next n bytes of each message; n a multiple of 64. */
void sha256x2_update(struct sha256x2 *c, const uint8_t *a, const uint8_t *b, size_t n);
/* Hash the last n bytes of each (any n), pad, and write both digests. */
void sha256x2_final(struct sha256x2 *c, const uint8_t *a, const uint8_t *b, size_t n, uint8_t out_a[32],
                    uint8_t out_b[32]);
