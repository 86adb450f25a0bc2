/* QR codes: a thin wrapper over libqrencode (in the manner of systemd's
 * src/shared/qrcode-util.c) that hands back a plain module matrix, and a
 * cairo painter for it. Nothing here prints; errors go through err_set(). */
#pragma once

#include <stdint.h>
#include <cairo.h>

#include "util.h"

/* Error-correction level, in the order of the QR specification. */
enum qr_ecc {
        QR_ECC_L, /* ~7% of codewords recoverable */
        QR_ECC_M, /* ~15%: the default for asset labels */
        QR_ECC_Q, /* ~25% */
        QR_ECC_H, /* ~30% */
};

/* An encoded symbol, without quiet zone. */
struct qr {
        int width;        /* modules per side (21 for version 1, +4 per version) */
        uint8_t *modules; /* width*width bytes, row-major, 1 = dark, 0 = light */
        int version;      /* QR version chosen (1..40) */
};

/* Encode text (NUL-terminated, 1..2953 bytes) at the given error-correction
 * level, in the smallest version that holds it. Uses alphanumeric mode when
 * every byte is in the QR alphanumeric set (0-9 A-Z space $%*+-./:), else
 * 8-bit byte mode. Returns 0 and a new struct qr in *ret (free with
 * qr_free()), -EINVAL for empty text or a bad level, -E2BIG when the text
 * does not fit in version 40 at that level. */
int qr_encode(const char *text, enum qr_ecc ecc, struct qr **ret);

/* Free a symbol; NULL is fine. */
void qr_free(struct qr *q);
static inline void qr_freep(struct qr **q) { qr_free(*q); }
#define _cleanup_qr_ _cleanup_(qr_freep)

/* True if every byte of text is in the QR alphanumeric character set. */
bool qr_text_is_alnum(const char *text);

/* Parse "L", "M", "Q" or "H" (either case). Returns 0 or -EINVAL. */
int qr_ecc_from_string(const char *s, enum qr_ecc *ret);
const char *qr_ecc_to_string(enum qr_ecc ecc);

/* Paint the dark modules of q with the current source of cr, the symbol's
 * top-left corner at (x, y) in user units, each module `module` units square.
 * The caller leaves the 4-module quiet zone around it clear. All modules go
 * into one path filled once, so anti-aliased renderers draw no seams between
 * adjacent modules. The current path is replaced; the source is untouched. */
void qr_draw_cairo(cairo_t *cr, const struct qr *q, double x, double y, double module);
