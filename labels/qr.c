/* QR encoding over libqrencode; see qr.h. */
#include <errno.h>
#include <qrencode.h>

#include "qr.h"

static inline void qrcode_freep(QRcode **c) { if (*c) QRcode_free(*c); }
static inline void qrinput_freep(QRinput **i) { if (*i) QRinput_free(*i); }

/* The longest text QR can hold at all (version 40-L, 8-bit mode). */
#define QR_MAX_BYTES 2953

bool qr_text_is_alnum(const char *text) {
        for (const char *p = text; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
                      strchr(" $%*+-./:", *p)))
                        return false;
        return true;
}

int qr_ecc_from_string(const char *s, enum qr_ecc *ret) {
        static const char levels[] = "LMQH";
        if (!s || strlen(s) != 1)
                return err_set(EINVAL, "invalid error-correction level '%s': expected L, M, Q or H", strempty(s));
        const char *p = strchr(levels, s[0] & ~0x20);
        if (!p || !*p)
                return err_set(EINVAL, "invalid error-correction level '%s': expected L, M, Q or H", s);
        *ret = (enum qr_ecc) (p - levels);
        return 0;
}

const char *qr_ecc_to_string(enum qr_ecc ecc) {
        static const char *const names[] = { "L", "M", "Q", "H" };
        return (unsigned) ecc < ELEMENTSOF(names) ? names[ecc] : "?";
}

int qr_encode(const char *text, enum qr_ecc ecc, struct qr **ret) {
        static const QRecLevel levels[] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
        _cleanup_(qrinput_freep) QRinput *input = NULL;
        _cleanup_(qrcode_freep) QRcode *code = NULL;

        if ((unsigned) ecc >= ELEMENTSOF(levels))
                return err_set(EINVAL, "invalid error-correction level %d", (int) ecc);
        size_t n = text ? strlen(text) : 0;
        if (n == 0)
                return err_set(EINVAL, "cannot encode an empty QR code");
        if (n > QR_MAX_BYTES)
                return err_set(E2BIG, "cannot encode %zu bytes in a QR code: the limit is %d", n, QR_MAX_BYTES);

        input = QRinput_new2(0, levels[ecc]);
        if (!input)
                return err_set(errno ? errno : ENOMEM, "cannot encode QR code: %s", strerror(errno ? errno : ENOMEM));
        QRencodeMode mode = qr_text_is_alnum(text) ? QR_MODE_AN : QR_MODE_8;
        if (QRinput_append(input, mode, (int) n, (const unsigned char *) text) < 0)
                return err_set(errno == ERANGE ? E2BIG : (errno ? errno : EINVAL),
                               "cannot encode '%.40s%s' as a QR code: %s", text, n > 40 ? "..." : "",
                               errno == ERANGE ? "too long" : strerror(errno ? errno : EINVAL));
        errno = 0;
        code = QRcode_encodeInput(input);
        if (!code) {
                int e = errno ? errno : EINVAL;
                if (e == ERANGE)
                        return err_set(E2BIG, "cannot encode %zu bytes as a QR code at error-correction level %s: too long",
                                       n, qr_ecc_to_string(ecc));
                return err_set(e, "cannot encode QR code: %s", strerror(e));
        }

        struct qr *q = xmalloc(sizeof *q);
        q->width = code->width;
        q->version = code->version;
        q->modules = xmalloc((size_t) code->width * (size_t) code->width);
        /* libqrencode packs flags into each byte; bit 0 is the module colour. */
        for (size_t i = 0; i < (size_t) code->width * (size_t) code->width; i++)
                q->modules[i] = code->data[i] & 1;
        *ret = q;
        return 0;
}

void qr_free(struct qr *q) {
        if (!q)
                return;
        free(q->modules);
        free(q);
}

void qr_draw_cairo(cairo_t *cr, const struct qr *q, double x, double y, double module) {
        cairo_new_path(cr);
        for (int r = 0; r < q->width; r++) {
                const uint8_t *row = q->modules + (size_t) r * (size_t) q->width;
                for (int c = 0; c < q->width;) {
                        if (!row[c]) {
                                c++;
                                continue;
                        }
                        int start = c;
                        while (c < q->width && row[c])
                                c++;
                        /* one rectangle per horizontal run keeps PDFs small */
                        cairo_rectangle(cr, x + start * module, y + r * module, (c - start) * module, module);
                }
        }
        cairo_save(cr);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        cairo_fill(cr);
        cairo_restore(cr);
}
