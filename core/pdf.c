/* PDF renderings for people (cairo): a certificate, a consignment manifest
 * and the disposal register. The JSON stays the evidence; these repeat it
 * in words, with a QR code holding the document id and the SHA-256 of the
 * exact signed bytes so a printout can be matched to its JSON. */
#include "core-internal.h"
#include "cert.h"
#include "disposal.h"
#include "label.h"
#include "qr.h"

#include <cairo-pdf.h>
#include <cairo.h>

#define A4_W 595.28
#define A4_H 841.89
#define MARGIN 50.0

struct page {
        cairo_surface_t *surface;
        cairo_t *cr;
        double w, h, y;
        struct strbuf out;
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length) {
        sb_add(&((struct page *) closure)->out, (const char *) data, length);
        return CAIRO_STATUS_SUCCESS;
}

static void page_begin(struct page *p, double w, double h) {
        static bool registered;
        if (!registered) {
                registered = true;
                /* cairo's toy font API loads fontconfig, whose caches live
                 * until exit: labels/ frees them then, for the leak checker */
                atexit(label_release_caches);
        }
        memset(p, 0, sizeof *p);
        p->w = w;
        p->h = h;
        p->surface = cairo_pdf_surface_create_for_stream(write_cb, p, w, h);
        p->cr = cairo_create(p->surface);
        p->y = MARGIN;
}

/* Finish the document; hands the PDF bytes out. */
static int page_end(struct page *p, void **ret, size_t *ret_len) {
        cairo_destroy(p->cr);
        cairo_surface_finish(p->surface);
        cairo_status_t st = cairo_surface_status(p->surface);
        cairo_surface_destroy(p->surface);
        if (st != CAIRO_STATUS_SUCCESS) {
                sb_free(&p->out);
                return err_set(EIO, "cannot render the PDF: %s", cairo_status_to_string(st));
        }
        *ret_len = p->out.len;
        *ret = sb_take(&p->out);
        return 0;
}

static void need(struct page *p, double h) {
        if (p->y + h <= p->h - MARGIN) return;
        cairo_show_page(p->cr);
        p->y = MARGIN;
}

static void font(struct page *p, double size, bool bold) {
        cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(p->cr, size);
}

/* Draw text at x, wrapped to width at spaces (or anywhere in long words);
 * advances p->y by the lines used. */
static void text_wrapped(struct page *p, double x, double width, double size, bool bold, const char *text) {
        font(p, size, bold);
        double lh = size * 1.3;
        const char *s = text;
        while (*s) {
                size_t n = strlen(s), fit = n, last_space = 0;
                for (size_t k = 1; k <= n; k++) {
                        if (k < n && (s[k] & 0xC0) == 0x80) continue; /* whole UTF-8 characters only */
                        _cleanup_free_ char *part = xstrndup(s, k);
                        cairo_text_extents_t e;
                        cairo_text_extents(p->cr, part, &e);
                        if (e.x_advance > width) {
                                fit = last_space ? last_space : (k > 1 ? k - 1 : 1);
                                while (fit > 1 && fit < n && (s[fit] & 0xC0) == 0x80) fit--;
                                break;
                        }
                        if (k < n && s[k] == ' ') last_space = k;
                }
                need(p, lh);
                _cleanup_free_ char *line = xstrndup(s, fit);
                cairo_move_to(p->cr, x, p->y + size);
                cairo_show_text(p->cr, line);
                p->y += lh;
                s += fit;
                while (*s == ' ') s++;
        }
}

static void heading(struct page *p, const char *text) {
        p->y += 6;
        need(p, 30);
        text_wrapped(p, MARGIN, p->w - 2 * MARGIN, 12, true, text);
        cairo_set_line_width(p->cr, 0.5);
        cairo_move_to(p->cr, MARGIN, p->y + 1);
        cairo_line_to(p->cr, p->w - MARGIN, p->y + 1);
        cairo_stroke(p->cr);
        p->y += 4;
}

/* A "label: value" row; value NULL prints "-". */
static void row(struct page *p, const char *label, const char *value) {
        double lw = 150, y0 = p->y;
        text_wrapped(p, MARGIN, lw - 8, 9, true, label);
        double y1 = p->y;
        p->y = y0;
        text_wrapped(p, MARGIN + lw, p->w - 2 * MARGIN - lw, 9, false, value && *value ? value : "-");
        if (y1 > p->y) p->y = y1;
}

static void rowf(struct page *p, const char *label, const char *fmt, ...) _printf_(3, 4);
static void rowf(struct page *p, const char *label, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        char *s = NULL;
        if (vasprintf(&s, fmt, ap) < 0) abort();
        va_end(ap);
        row(p, label, s);
        free(s);
}

/* A QR code of text, `size` points square, its top-left at x, y. */
static int draw_qr(struct page *p, const char *text, double x, double y, double size) {
        _cleanup_qr_ struct qr *q = NULL;
        int r = qr_encode(text, QR_ECC_M, &q);
        if (r < 0) return r;
        double module = size / (q->width + 8);
        cairo_save(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        qr_draw_cairo(p->cr, q, x + 4 * module, y + 4 * module, module);
        cairo_restore(p->cr);
        return 0;
}

static const char *js(json_t *o, const char *path) {
        /* "a.b": one level of nesting is all the documents need */
        const char *dot = strchr(path, '.');
        if (!dot) return json_str(o, path);
        _cleanup_free_ char *head = xstrndup(path, (size_t) (dot - path));
        return json_str(json_object_get(o, head), dot + 1);
}

static char *size_text(int64_t b) {
        return xasprintf("%lld bytes (%.1f GB)", (long long) b, (double) b / 1e9);
}

/* Start the page of a signed document: parse it (into *ret_doc), hash it
 * (the hex SHA-256 into h), and draw the QR code of its id and hash, the
 * title and the school's name. On failure nothing is left to free. */
static int signed_page_begin(struct page *p, const char *doc, size_t doc_len, const char *what, const char *id_key,
                             const char *title, json_t **ret_doc, char h[static 65]) {
        json_t *d = json_loadb(doc, doc_len, 0, NULL);
        if (!d) return err_set(EINVAL, "cannot render a %s that is not JSON", what);
        sha256_hex(doc, doc_len, h);
        page_begin(p, A4_W, A4_H);
        _cleanup_free_ char *qrtext = xasprintf("%s SHA256:%s", strempty(json_str(d, id_key)), h);
        int r = draw_qr(p, qrtext, A4_W - MARGIN - 110, MARGIN - 10, 110);
        if (r < 0) {
                void *junk;
                size_t jl;
                page_end(p, &junk, &jl);
                free(junk);
                json_decref(d);
                return r;
        }
        double tw = A4_W - 2 * MARGIN - 120;
        text_wrapped(p, MARGIN, tw, 18, true, title);
        text_wrapped(p, MARGIN, tw, 11, false, strempty(js(d, "organisation.name")));
        *ret_doc = d;
        return 0;
}

int cert_pdf(const char *doc, size_t doc_len, void **ret, size_t *ret_len) {
        _cleanup_json_ json_t *d = NULL;
        char h[65];
        struct page p;
        int r = signed_page_begin(&p, doc, doc_len, "certificate", "certificate_id", "Certificate of Sanitisation", &d, h);
        if (r < 0) return r;
        double tw = A4_W - 2 * MARGIN - 120;
        _cleanup_free_ char *idline = xasprintf("Certificate %s, issued %s", strempty(json_str(d, "certificate_id")),
                                                strempty(json_str(d, "issued")));
        text_wrapped(&p, MARGIN, tw, 10, false, idline);
        text_wrapped(&p, MARGIN, tw, 8, false, "NIST SP 800-88 Rev.1 Appendix G fields; the signed JSON is the evidence, this page repeats it.");
        if (p.y < MARGIN + 110) p.y = MARGIN + 110;

        json_t *m = json_object_get(d, "medium"), *s = json_object_get(d, "sanitisation"), *a = json_object_get(d, "authorisation");
        heading(&p, "Media information");
        rowf(&p, "Asset", "%s: %s %s, serial %s", strempty(js(d, "asset.tag")), strempty(js(d, "asset.make")),
             strempty(js(d, "asset.model")), strempty(js(d, "asset.serial")));
        rowf(&p, "Medium", "%s%s%s", json_str(m, "make") ? json_str(m, "make") : "", json_str(m, "make") ? " " : "",
             strempty(json_str(m, "model")));
        row(&p, "Medium serial", json_str(m, "serial"));
        row(&p, "Media type", json_str(m, "kind"));
        _cleanup_free_ char *sz = size_text(json_integer_value(json_object_get(m, "size_bytes")));
        row(&p, "Capacity", sz);
        heading(&p, "Sanitisation");
        rowf(&p, "Method type", "%s (%s)", strempty(json_str(s, "nist_category")), strempty(json_str(s, "technique")));
        rowf(&p, "Method", "%s: %s", strempty(json_str(s, "method")), strempty(json_str(s, "method_description")));
        rowf(&p, "Verification", "%s%s%s", strempty(json_str(s, "verification")), json_str(s, "verification_detail") ? ": " : "",
             json_str(s, "verification_detail") ? json_str(s, "verification_detail") : "");
        row(&p, "Tool", json_str(s, "tool"));
        rowf(&p, "Started / ended", "%s / %s (UTC)", strempty(json_str(d, "started")), strempty(json_str(d, "ended")));
        size_t i;
        json_t *ps;
        json_array_foreach(json_object_get(d, "passes"), i, ps) {
                _cleanup_free_ char *label = xasprintf("Pass %zu: %s", i + 1, strempty(json_str(ps, "pattern")));
                bool v = json_is_true(json_object_get(ps, "verified"));
                rowf(&p, label, "%lld bytes written, root %s%s%s%s; %zu errors", (long long) json_integer_value(json_object_get(ps, "bytes_written")),
                     strempty(json_str(ps, "written_root")), v ? "; verified, read back root " : "; not verified",
                     v ? strempty(json_str(ps, "verified_root")) : "", json_str(ps, "seed") ? "; seed recorded" : "",
                     json_array_size(json_object_get(ps, "errors")));
        }
        rowf(&p, "Outcome", "%s%s", strempty(json_str(d, "outcome")),
             streq_ptr(json_str(d, "outcome"), "erased") ? ": every pass covered the whole medium, verification matched" : "");
        if (json_str(d, "notes")) row(&p, "Notes", json_str(d, "notes"));
        heading(&p, "Post-sanitisation");
        row(&p, "Confidentiality", js(d, "post_sanitisation.confidentiality"));
        row(&p, "Destination", js(d, "post_sanitisation.destination"));
        heading(&p, "People");
        rowf(&p, "Performed by", "%s, %s, on %s", strempty(js(d, "operator.name")), strempty(js(d, "organisation.name")),
             strempty(js(d, "host.hostname")));
        rowf(&p, "Disposal authorised by", "%s (%s), %s%s", strempty(json_str(a, "name")), strempty(json_str(a, "role")),
             strempty(json_str(a, "authorised_at")), json_is_true(json_object_get(a, "signed")) ? ", signed with their own key" : "");
        heading(&p, "Signature");
        rowf(&p, "Signing key", "Ed25519, fingerprint (SHA-256 of the raw public key) %s", strempty(js(d, "signing_key.fingerprint")));
        row(&p, "SHA-256 of the JSON", h);
        _cleanup_free_ char *how = xasprintf("openssl pkeyutl -verify -pubin -inkey school.pub.pem -rawin -in %s.json -sigfile %s.sig",
                                             strempty(json_str(d, "certificate_id")), strempty(json_str(d, "certificate_id")));
        row(&p, "Check it", how);
        return page_end(&p, ret, ret_len);
}

int manifest_pdf(const char *doc, size_t doc_len, void **ret, size_t *ret_len) {
        _cleanup_json_ json_t *d = NULL;
        char h[65];
        struct page p;
        int r = signed_page_begin(&p, doc, doc_len, "manifest", "consignment_id", "Consignment manifest", &d, h);
        if (r < 0) return r;
        double tw = A4_W - 2 * MARGIN - 120;
        _cleanup_free_ char *idline = xasprintf("Consignment %s, %s, prepared by %s", strempty(json_str(d, "consignment_id")),
                                                strempty(json_str(d, "created")), strempty(json_str(d, "created_by")));
        text_wrapped(&p, MARGIN, tw, 10, false, idline);
        if (p.y < MARGIN + 110) p.y = MARGIN + 110;
        heading(&p, "Disposal firm");
        row(&p, "Firm", js(d, "firm.name"));
        row(&p, "Waste carrier registration", js(d, "firm.carrier_registration"));
        row(&p, "Licence / permit", js(d, "firm.licence"));
        size_t i, j;
        json_t *a, *m;
        json_t *assets = json_object_get(d, "assets");
        _cleanup_free_ char *count = xasprintf("Assets (%zu)", json_array_size(assets));
        heading(&p, count);
        json_array_foreach(assets, i, a) {
                _cleanup_free_ char *label = xasprintf("%s", strempty(json_str(a, "tag")));
                json_t *au = json_object_get(a, "authorisation");
                rowf(&p, label, "%s %s, serial %s; disposal authorised by %s (%s), %s", strempty(json_str(a, "make")),
                     strempty(json_str(a, "model")), strempty(json_str(a, "serial")), strempty(json_str(au, "name")),
                     strempty(json_str(au, "role")), strempty(json_str(au, "authorised_at")));
                json_array_foreach(json_object_get(a, "media"), j, m) {
                        json_t *dd = json_object_get(m, "destruction");
                        _cleanup_free_ char *what = json_is_object(dd)
                                ? xasprintf("destroyed (%s) by %s, %s%s%s", strempty(json_str(dd, "method")),
                                            strempty(json_str(dd, "performed_by")), strempty(json_str(dd, "destroyed_at")),
                                            json_str(dd, "firm_certificate") ? ", certificate " : "",
                                            json_str(dd, "firm_certificate") ? json_str(dd, "firm_certificate") : "")
                                : xasprintf("wiped: certificate %s (SHA-256 %s)", strempty(json_str(m, "certificate_id")),
                                            strempty(json_str(m, "certificate_sha256")));
                        rowf(&p, "   medium", "%s %s, serial %s: %s", strempty(json_str(m, "kind")), strempty(json_str(m, "model")),
                             strempty(json_str(m, "serial")), what);
                }
                if (json_array_size(json_object_get(a, "media")) == 0) row(&p, "   medium", "no storage");
        }
        heading(&p, "Signature");
        rowf(&p, "Signing key", "Ed25519, fingerprint %s", strempty(js(d, "signing_key.fingerprint")));
        row(&p, "SHA-256 of the JSON", h);
        heading(&p, "Receipt (the firm)");
        text_wrapped(&p, MARGIN, A4_W - 2 * MARGIN, 9, false,
                     "We received the assets listed above and accept responsibility for destroying the data they hold.");
        p.y += 14;
        text_wrapped(&p, MARGIN, A4_W - 2 * MARGIN, 9, false, "Receipt number: ____________    Date: ____________");
        p.y += 10;
        text_wrapped(&p, MARGIN, A4_W - 2 * MARGIN, 9, false, "Name: ______________________    Signature: ______________________");
        return page_end(&p, ret, ret_len);
}

int register_pdf(const char *school, json_t *rows, const char *from, const char *to, void **ret, size_t *ret_len) {
        struct page p;
        page_begin(&p, A4_H, A4_W); /* landscape */
        text_wrapped(&p, MARGIN, p.w - 2 * MARGIN, 16, true, "Disposal register");
        _cleanup_free_ char *sub = xasprintf("%s%s%s%s%s", strempty(school), from || to ? ", " : "", from ? from : "",
                                             from || to ? " to " : "", to ? to : "");
        text_wrapped(&p, MARGIN, p.w - 2 * MARGIN, 10, false, sub);
        p.y += 8;
        static const struct {
                const char *key, *title;
                double w;
        } cols[] = {
                {"tag", "Asset", 70}, {"serial", "Serial", 60}, {"disposal_date", "Disposed", 60},
                {"authorised", "Authorised by", 115}, {"method", "Method", 95}, {"certificates", "Certificates", 95},
                {"firm", "Firm", 80}, {"receipt_number", "Receipt", 57}, {"funding_source", "Funding", 60},
                {"proceeds", "Proceeds", 50},
        };
        double x = MARGIN;
        double y0 = p.y;
        for (size_t c = 0; c < ELEMENTSOF(cols); c++) {
                p.y = y0;
                text_wrapped(&p, x, cols[c].w - 4, 8.5, true, cols[c].title);
                x += cols[c].w;
        }
        size_t i;
        json_t *r;
        json_array_foreach(rows, i, r) {
                need(&p, 24);
                double top = p.y + 2, bottom = top;
                x = MARGIN;
                for (size_t c = 0; c < ELEMENTSOF(cols); c++) {
                        p.y = top;
                        _cleanup_free_ char *v = NULL;
                        if (streq(cols[c].key, "authorised"))
                                v = xasprintf("%s (%s), %s", strempty(json_str(r, "authorised_by")), strempty(json_str(r, "authoriser_role")),
                                              strempty(json_str(r, "authorised_at")));
                        else
                                v = xstrdup(json_str(r, cols[c].key) ? json_str(r, cols[c].key) : "-");
                        text_wrapped(&p, x, cols[c].w - 4, 8, false, v);
                        if (p.y > bottom) bottom = p.y;
                        x += cols[c].w;
                }
                p.y = bottom;
        }
        if (json_array_size(rows) == 0) text_wrapped(&p, MARGIN, p.w - 2 * MARGIN, 9, false, "No disposals in this period.");
        return page_end(&p, ret, ret_len);
}
