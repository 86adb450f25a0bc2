/* Two SHA-256 streams interleaved on SHA-NI; see sha256x2.h.
 *
 * The round structure is the usual one for the SHA extensions: the state is
 * kept as the two vectors ABEF and CDGH, each sha256rnds2 does two rounds,
 * the message schedule runs four words ahead with sha256msg1/msg2. Both
 * streams go through the same steps one after the other, so the CPU works
 * on one while the other waits for its previous round. */
#include "config.h"
#include "sha256x2.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

static const uint32_t K[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* a..h -> the ABEF and CDGH vectors the round instruction works on */
TARGET static inline void load_state(const uint32_t s[8], __m128i *abef, __m128i *cdgh) {
        __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &s[0]), 0xB1); /* CDAB */
        __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *) &s[4]), 0x1B); /* HGFE */
        *abef = _mm_alignr_epi8(tmp, efgh, 8);
        *cdgh = _mm_blend_epi16(efgh, tmp, 0xF0);
}

TARGET static inline void store_state(uint32_t s[8], __m128i abef, __m128i cdgh) {
        __m128i tmp = _mm_shuffle_epi32(abef, 0x1B);    /* FEBA */
        cdgh = _mm_shuffle_epi32(cdgh, 0xB1);          /* DCHG */
        _mm_storeu_si128((__m128i *) &s[0], _mm_blend_epi16(tmp, cdgh, 0xF0)); /* DCBA */
        _mm_storeu_si128((__m128i *) &s[4], _mm_alignr_epi8(cdgh, tmp, 8));    /* HGFE */
}

/* Compress nblocks 64-byte blocks of a into sa and of b into sb. */
TARGET static void blocks_x2(uint32_t sa[8], uint32_t sb[8], const uint8_t *a, const uint8_t *b, size_t nblocks) {
        const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
        __m128i a0, a1, b0, b1;
        load_state(sa, &a0, &a1);
        load_state(sb, &b0, &b1);
        for (; nblocks; nblocks--, a += 64, b += 64) {
                __m128i sa0 = a0, sa1 = a1, sb0 = b0, sb1 = b1;
                __m128i ma[4], mb[4];
#pragma GCC unroll 16
                for (int g = 0; g < 16; g++) {
                        /* rounds 4g .. 4g+3 */
                        if (g < 4) {
                                ma[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (a + 16 * g)), bswap);
                                mb[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *) (b + 16 * g)), bswap);
                        }
                        __m128i k = _mm_loadu_si128((const __m128i *) &K[4 * g]);
                        __m128i wa = _mm_add_epi32(ma[g & 3], k), wb = _mm_add_epi32(mb[g & 3], k);
                        a1 = _mm_sha256rnds2_epu32(a1, a0, wa);
                        b1 = _mm_sha256rnds2_epu32(b1, b0, wb);
                        if (g >= 3 && g <= 14) {
                                /* the schedule for rounds 4(g+1) .. */
                                int n = (g + 1) & 3, c = g & 3, p = (g + 3) & 3;
                                ma[n] = _mm_sha256msg2_epu32(_mm_add_epi32(ma[n], _mm_alignr_epi8(ma[c], ma[p], 4)), ma[c]);
                                mb[n] = _mm_sha256msg2_epu32(_mm_add_epi32(mb[n], _mm_alignr_epi8(mb[c], mb[p], 4)), mb[c]);
                        }
                        a0 = _mm_sha256rnds2_epu32(a0, a1, _mm_shuffle_epi32(wa, 0x0E));
                        b0 = _mm_sha256rnds2_epu32(b0, b1, _mm_shuffle_epi32(wb, 0x0E));
                        if (g >= 1 && g <= 12) {
                                int p = (g + 3) & 3, c = g & 3;
                                ma[p] = _mm_sha256msg1_epu32(ma[p], ma[c]);
                                mb[p] = _mm_sha256msg1_epu32(mb[p], mb[c]);
                        }
                }
                a0 = _mm_add_epi32(a0, sa0);
                a1 = _mm_add_epi32(a1, sa1);
                b0 = _mm_add_epi32(b0, sb0);
                b1 = _mm_add_epi32(b1, sb1);
        }
        store_state(sa, a0, a1);
        store_state(sb, b0, b1);
}

bool sha256x2_available(void) {
        static int avail = -1;
        int v = __atomic_load_n(&avail, __ATOMIC_RELAXED);
        if (v < 0) {
                unsigned a, b, c, d;
                bool ok = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1) && (c & bit_SSSE3);
                ok = ok && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)); /* SHA */
                v = ok;
                __atomic_store_n(&avail, v, __ATOMIC_RELAXED);
        }
#if ASSETCTL_TEST_HOOKS
        const char *no = getenv("ASSETCTL_NO_SHANI"); /* tests only, read each time: tests switch it */
        if (no && *no) return false;
#endif
        return v;
}
#else
static void blocks_x2(uint32_t sa[8], uint32_t sb[8], const uint8_t *a, const uint8_t *b, size_t nblocks) {
        abort(); /* never called: sha256x2_available() is false */
}
bool sha256x2_available(void) {
        return false;
}
#endif

void sha256x2_init(struct sha256x2 *c) {
        static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
        memcpy(c->s[0], iv, sizeof iv);
        memcpy(c->s[1], iv, sizeof iv);
        c->n = 0;
}

void sha256x2_update(struct sha256x2 *c, const uint8_t *a, const uint8_t *b, size_t n) {
        if (n % 64) abort(); /* misuse */
        blocks_x2(c->s[0], c->s[1], a, b, n / 64);
        c->n += n;
}

static void put_be32(uint8_t *p, uint32_t v) {
        p[0] = (uint8_t) (v >> 24);
        p[1] = (uint8_t) (v >> 16);
        p[2] = (uint8_t) (v >> 8);
        p[3] = (uint8_t) v;
}

void sha256x2_final(struct sha256x2 *c, const uint8_t *a, const uint8_t *b, size_t n, uint8_t out_a[32],
                    uint8_t out_b[32]) {
        size_t full = n - n % 64, rem = n % 64;
        if (full) sha256x2_update(c, a, b, full);
        uint8_t pa[128] = {0}, pb[128] = {0};
        memcpy(pa, a + full, rem);
        memcpy(pb, b + full, rem);
        pa[rem] = pb[rem] = 0x80;
        size_t nb = rem < 56 ? 1 : 2;
        uint64_t bits = (c->n + rem) * 8;
        for (int i = 0; i < 8; i++) pa[64 * nb - 1 - i] = pb[64 * nb - 1 - i] = (uint8_t) (bits >> (8 * i));
        blocks_x2(c->s[0], c->s[1], pa, pb, nb);
        for (int i = 0; i < 8; i++) {
                put_be32(out_a + 4 * i, c->s[0][i]);
                put_be32(out_b + 4 * i, c->s[1][i]);
        }
}
