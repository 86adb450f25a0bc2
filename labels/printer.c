/* Brother QL job flow and USB transport; see printer.h. */
#include <libusb.h>
#include <math.h>
#include <time.h>

#include "printer.h"

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one status reply, waiting up to timeout_ms. */
static int read_status(struct ql_transport *t, struct ql_status *ret, int timeout_ms) {
        uint8_t buf[QL_STATUS_SIZE];
        int64_t end = now_ms() + timeout_ms;
        for (;;) {
                int64_t left = end - now_ms();
                if (left <= 0) return err_set(ETIMEDOUT, "the printer did not answer within %.1f seconds", timeout_ms / 1000.0);
                int n = t->read(t->userdata, buf, sizeof buf, (int) (left < 500 ? left : 500));
                if (n < 0) return err_set(-n, "cannot read the printer's status: %s", strerror(-n));
                if (n == 0) continue;
                return ql_status_parse(buf, (size_t) n, ret);
        }
}

int ql_get_status(struct ql_transport *t, const struct ql_model *m, struct ql_status *ret) {
        struct strbuf sb = {0};
        uint8_t zeros[400] = {0};
        sb_add(&sb, (const char *) zeros, m->invalidate);
        sb_add(&sb, "\x1b@", 2);
        ql_status_request(&sb);
        int r = t->write(t->userdata, (const uint8_t *) sb.buf, sb.len);
        sb_free(&sb);
        if (r < 0) return err_set(-r, "cannot send to the printer: %s", strerror(-r));
        return read_status(t, ret, t->timeout_ms ? t->timeout_ms : QL_STATUS_TIMEOUT_MS);
}

void ql_geometry_for(const struct ql_media *media, struct ql_geometry *g) {
        g->across = media->dots_across;
        double across_mm = media->dots_across * 25.4 / QL_DPI;
        if (media->dots_along)
                g->along = media->dots_along;
        else if (across_mm <= 40) /* narrow tape: a label 2.4 times as long as wide */
                g->along = (int) lround(across_mm * 2.4 / 25.4 * QL_DPI);
        else /* wide tape: 29 mm long, like DK-11209 */
                g->along = (int) lround(29 / 25.4 * QL_DPI);
        g->rotated = g->across < g->along;
        int w = g->rotated ? g->along : g->across, h = g->rotated ? g->across : g->along;
        g->width_mm = w * 25.4 / QL_DPI;
        g->height_mm = h * 25.4 / QL_DPI;
}

int ql_encode_job(const struct ql_model *m, const struct ql_media *media, const struct label_text *items, size_t n,
                  enum qr_ecc ecc, struct strbuf *out) {
        struct ql_geometry g;
        ql_geometry_for(media, &g);
        struct label_spec spec = {.width = g.width_mm, .height = g.height_mm, .dpi = QL_DPI, .pad = 0.5, .ecc = ecc};
        int w = g.rotated ? g.along : g.across, h = g.rotated ? g.across : g.along;
        ql_job_begin(out, m);
        _cleanup_free_ uint8_t *lines = xcalloc((size_t) g.along, m->line_bytes);
        _cleanup_free_ uint8_t *line = xcalloc((size_t) (g.across + 7) / 8, 1);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ uint8_t *bits = NULL;
                int stride;
                int r = label_render_bitmap(&spec, &items[i], w, h, &bits, &stride);
                if (r < 0) return r;
                for (int j = 0; j < g.along; j++) {
                        memset(line, 0, (size_t) (g.across + 7) / 8);
                        for (int p = 0; p < g.across; p++) {
                                /* not rotated: line j is row j. Rotated: line j is column j and
                                 * pixel p is row (across - 1 - p), a quarter turn; row p would
                                 * be a transpose, which prints mirrored */
                                int x = g.rotated ? j : p, y = g.rotated ? g.across - 1 - p : j;
                                if (bits[(size_t) y * stride + x / 8] & (0x80 >> (x % 8))) line[p / 8] |= (uint8_t) (0x80 >> (p % 8));
                        }
                        ql_place_line(m, media, line, lines + (size_t) j * m->line_bytes);
                }
                ql_job_page(out, m, media, lines, (uint32_t) g.along, i == 0, i + 1 == n, m->cutter);
        }
        return 0;
}

int ql_print(struct ql_transport *t, const struct ql_model *m, const struct ql_media *want, const struct label_text *items,
             size_t n, enum qr_ecc ecc, const struct ql_media **ret_media) {
        struct ql_status st;
        char d1[48], d2[48];
        int r = ql_get_status(t, m, &st);
        if (r < 0) return err_prefix(r, "cannot print on the %s", m->name);
        r = ql_status_check(&st);
        if (r < 0) return err_prefix(r, "cannot print on the %s", m->name);
        const struct ql_media *media = ql_media_from_status(&st);
        if (!media) {
                if (st.media_type == 0 || st.media_width == 0)
                        return err_set(ENOMEDIUM, "cannot print on the %s: no labels are loaded: load a DK roll", m->name);
                return err_set(EMEDIUMTYPE, "cannot print on the %s: it has media it does not describe (%u mm wide, %u mm long, type 0x%02x)",
                               m->name, st.media_width, st.media_length, st.media_type);
        }
        if (want && want != media)
                return err_set(EMEDIUMTYPE, "cannot print on the %s: wrong media: it has %s loaded, the job asks for %s",
                               m->name, ql_media_describe(media, d1), ql_media_describe(want, d2));
        if (media->wide_only && m->line_bytes < 162)
                return err_set(EMEDIUMTYPE, "cannot print on the %s: it has %s loaded, which only a QL-1050/1060N can print on",
                               m->name, ql_media_describe(media, d1));
        struct strbuf job = {0};
        r = ql_encode_job(m, media, items, n, ecc, &job);
        if (r < 0) {
                sb_free(&job);
                return err_prefix(r, "cannot print on %s", ql_media_describe(media, d1));
        }
        r = t->write(t->userdata, (const uint8_t *) job.buf, job.len);
        sb_free(&job);
        if (r < 0) return err_set(-r, "cannot send the job to the %s: %s", m->name, strerror(-r));
        /* the printer reports phase changes, then "printing completed" per label */
        for (size_t done = 0; done < n;) {
                r = read_status(t, &st, t->timeout_ms ? t->timeout_ms : QL_PRINT_TIMEOUT_MS);
                if (r < 0) return err_prefix(r, "the %s printed %zu of %zu labels", m->name, done, n);
                if (st.status_type == QL_ST_PRINTED) {
                        done++;
                        continue;
                }
                /* "printer in use" is no error while our own job prints */
                if (st.status_type == QL_ST_ERROR || (st.error1 & ~QL_E1_IN_USE) || st.error2) {
                        r = ql_status_check(&st);
                        return err_prefix(r < 0 ? r : -EIO, "the %s stopped after %zu of %zu labels", m->name, done, n);
                }
                if (st.status_type == QL_ST_OFF) return err_set(EIO, "the %s was turned off after %zu of %zu labels", m->name, done, n);
                if (st.status_type == QL_ST_NOTIFY && st.notification == 1)
                        return err_set(EIO, "the %s stopped after %zu of %zu labels: the cover is open: close it and try again", m->name, done, n);
                /* phase changes and other notifications: keep waiting */
        }
        *ret_media = media;
        return 0;
}

/* --- USB through libusb --- */

struct usb_printer {
        struct ql_transport t;
        libusb_context *ctx;
        libusb_device_handle *h;
        int iface;
        bool detached; /* we took the interface from the kernel's usblp driver */
        uint8_t ep_out, ep_in;
};

static int usb_errno(int r) {
        switch (r) {
        case LIBUSB_ERROR_TIMEOUT: return ETIMEDOUT;
        case LIBUSB_ERROR_NO_DEVICE: return ENODEV;
        case LIBUSB_ERROR_ACCESS: return EACCES;
        case LIBUSB_ERROR_BUSY: return EBUSY;
        case LIBUSB_ERROR_NO_MEM: return ENOMEM;
        case LIBUSB_ERROR_PIPE: return EPIPE;
        default: return EIO;
        }
}

/* Bulk writes in pieces of at most 16 KiB (one URB each). */
static int usb_write(void *userdata, const uint8_t *buf, size_t n) {
        struct usb_printer *p = userdata;
        while (n > 0) {
                int chunk = n > 16384 ? 16384 : (int) n, done = 0;
                int r = libusb_bulk_transfer(p->h, p->ep_out, (unsigned char *) buf, chunk, &done, 10000);
                if (r < 0) return -usb_errno(r);
                if (done <= 0) return -EIO;
                buf += done;
                n -= (size_t) done;
        }
        return 0;
}

static int usb_read(void *userdata, uint8_t *buf, size_t n, int timeout_ms) {
        struct usb_printer *p = userdata;
        int done = 0;
        int r = libusb_bulk_transfer(p->h, p->ep_in, buf, (int) n, &done, (unsigned) timeout_ms);
        if (r == LIBUSB_ERROR_TIMEOUT) return done;
        if (r < 0) return -usb_errno(r);
        return done;
}

/* The interface class a Brother device presents: 7 printer, 8 mass storage
 * (Editor Lite); for a printer, its interface and bulk endpoints go
 * in ret_iface, ret_out and ret_in. */
static int device_kind(libusb_device *dev, int *ret_iface, uint8_t *ret_out, uint8_t *ret_in) {
        struct libusb_config_descriptor *cfg = NULL;
        if (libusb_get_active_config_descriptor(dev, &cfg) < 0 && libusb_get_config_descriptor(dev, 0, &cfg) < 0) return 0;
        int kind = 0;
        for (int i = 0; i < cfg->bNumInterfaces && !kind; i++) {
                for (int a = 0; a < cfg->interface[i].num_altsetting && !kind; a++) {
                        const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[a];
                        if (d->bInterfaceClass == LIBUSB_CLASS_MASS_STORAGE) {
                                kind = 8;
                        } else if (d->bInterfaceClass == LIBUSB_CLASS_PRINTER) {
                                uint8_t out = 0, in = 0;
                                for (int e = 0; e < d->bNumEndpoints; e++) {
                                        const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];
                                        if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK) continue;
                                        if (ep->bEndpointAddress & 0x80) in = ep->bEndpointAddress;
                                        else out = ep->bEndpointAddress;
                                }
                                if (out && in) {
                                        kind = 7;
                                        if (ret_iface) *ret_iface = d->bInterfaceNumber;
                                        if (ret_out) *ret_out = out;
                                        if (ret_in) *ret_in = in;
                                }
                        }
                }
        }
        libusb_free_config_descriptor(cfg);
        return kind;
}

/* The serial number: from the kernel's copy in sysfs (no I/O to the
 * device, and readable without permission on the device node), else by
 * asking the device for its string descriptor. */
static void read_serial(libusb_device *dev, const struct libusb_device_descriptor *dd, char *buf, size_t size) {
        buf[0] = 0;
        uint8_t ports[8];
        int np = libusb_get_port_numbers(dev, ports, (int) sizeof ports);
        if (np > 0) {
                struct strbuf path = {0};
                sb_printf(&path, "/sys/bus/usb/devices/%u-", libusb_get_bus_number(dev));
                for (int i = 0; i < np; i++) sb_printf(&path, "%s%u", i ? "." : "", ports[i]);
                sb_puts(&path, "/serial");
                FILE *f = fopen(path.buf, "re");
                sb_free(&path);
                if (f) {
                        if (fgets(buf, (int) size, f)) strstrip(buf);
                        else buf[0] = 0;
                        fclose(f);
                        if (buf[0]) return;
                }
        }
        libusb_device_handle *h = NULL;
        if (!dd->iSerialNumber || libusb_open(dev, &h) < 0) return;
        int n = libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, (unsigned char *) buf, (int) size - 1);
        buf[n > 0 ? n : 0] = 0;
        libusb_close(h);
}

/* By bus and address, so listings do not depend on enumeration order. */
static int device_cmp(const void *a, const void *b) {
        const struct ql_device *x = a, *y = b;
        return (x->bus << 8 | x->address) - (y->bus << 8 | y->address);
}

int ql_usb_list(struct ql_device **ret) {
        libusb_context *ctx = NULL;
        int r = libusb_init(&ctx);
        if (r < 0) return err_set(usb_errno(r), "cannot use USB: %s", libusb_strerror(r));
        libusb_device **list = NULL;
        ssize_t n = libusb_get_device_list(ctx, &list);
        if (n < 0) {
                libusb_exit(ctx);
                return err_set(usb_errno((int) n), "cannot list USB devices: %s", libusb_strerror((int) n));
        }
        struct ql_device *v = NULL;
        int count = 0;
        for (ssize_t i = 0; i < n; i++) {
                struct libusb_device_descriptor dd;
                if (libusb_get_device_descriptor(list[i], &dd) < 0 || dd.idVendor != QL_VENDOR) continue;
                int kind = device_kind(list[i], NULL, NULL, NULL);
                if (kind != 7 && kind != 8) continue; /* a Brother scanner or the like */
                v = xrealloc(v, sizeof *v * (size_t) (count + 1));
                struct ql_device *d = &v[count++];
                memset(d, 0, sizeof *d);
                d->bus = libusb_get_bus_number(list[i]);
                d->address = libusb_get_device_address(list[i]);
                d->product_id = dd.idProduct;
                d->model = ql_model_by_product(dd.idProduct);
                d->editor_lite = kind == 8;
                read_serial(list[i], &dd, d->serial, sizeof d->serial);
        }
        libusb_free_device_list(list, 1);
        libusb_exit(ctx);
        if (count > 1) qsort(v, (size_t) count, sizeof *v, device_cmp);
        *ret = v;
        return count;
}

void ql_usb_close(struct ql_transport *t) {
        if (!t) return;
        struct usb_printer *p = t->userdata;
        if (p->h) {
                libusb_release_interface(p->h, p->iface);
                if (p->detached) libusb_attach_kernel_driver(p->h, p->iface); /* give /dev/usb/lpN back */
                libusb_close(p->h);
        }
        libusb_exit(p->ctx);
        free(p);
}

int ql_usb_open(const char *serial, struct ql_transport **ret, const struct ql_model **ret_model) {
        struct usb_printer *p = xcalloc(1, sizeof *p);
        int r = libusb_init(&p->ctx);
        if (r < 0) {
                free(p);
                return err_set(usb_errno(r), "cannot use USB: %s", libusb_strerror(r));
        }
        libusb_device **list = NULL;
        ssize_t n = libusb_get_device_list(p->ctx, &list);
        libusb_device *found = NULL;
        const struct ql_model *model = NULL;
        int printers = 0, editor_lite = 0;
        for (ssize_t i = 0; i < n; i++) {
                struct libusb_device_descriptor dd;
                if (libusb_get_device_descriptor(list[i], &dd) < 0 || dd.idVendor != QL_VENDOR) continue;
                int iface = 0;
                uint8_t out = 0, in = 0;
                int kind = device_kind(list[i], &iface, &out, &in);
                char sn[64] = "";
                if (kind == 8) {
                        editor_lite++;
                        continue;
                }
                if (kind != 7) continue;
                if (serial) {
                        read_serial(list[i], &dd, sn, sizeof sn);
                        if (!streq(sn, serial)) continue;
                }
                printers++;
                if (found) continue;
                found = list[i];
                model = ql_model_by_product(dd.idProduct);
                p->iface = iface, p->ep_out = out, p->ep_in = in;
                if (!model) {
                        found = NULL;
                        printers--;
                }
        }
        if (!found) {
                libusb_free_device_list(list, 1);
                p->t.userdata = p;
                ql_usb_close(&p->t);
                if (editor_lite)
                        return err_set(ENODEV, "the Brother printer is in Editor Lite mode (it shows up as a USB disk): "
                                       "hold the Editor Lite button until its light goes off, then try again");
                if (serial) return err_set(ENODEV, "no Brother QL printer with serial '%s' on USB", serial);
                return err_set(ENODEV, "no Brother QL printer found on USB: check it is connected and switched on");
        }
        if (!serial && printers > 1) {
                libusb_free_device_list(list, 1);
                p->t.userdata = p;
                ql_usb_close(&p->t);
                return err_set(EEXIST, "%d Brother QL printers are connected: choose one with --printer usb:SERIAL (see 'assetctl printers')", printers);
        }
        r = libusb_open(found, &p->h);
        libusb_free_device_list(list, 1);
        p->t.userdata = p;
        if (r < 0) {
                ql_usb_close(&p->t);
                return err_set(usb_errno(r), "cannot open the %s: %s%s", model->name, libusb_strerror(r),
                               r == LIBUSB_ERROR_ACCESS ? " (run as root or add a udev rule for the printer)" : "");
        }
        /* the kernel's usblp driver may hold the interface */
        if (libusb_kernel_driver_active(p->h, p->iface) == 1 && libusb_detach_kernel_driver(p->h, p->iface) == 0) p->detached = true;
        r = libusb_claim_interface(p->h, p->iface);
        if (r < 0) {
                ql_usb_close(&p->t); /* also hands the interface back to usblp */
                return err_set(usb_errno(r), "cannot claim the %s: %s%s", model->name, libusb_strerror(r),
                               r == LIBUSB_ERROR_BUSY ? " (is another program printing?)" : "");
        }
        p->t.write = usb_write;
        p->t.read = usb_read;
        *ret = &p->t;
        *ret_model = model;
        return 0;
}
