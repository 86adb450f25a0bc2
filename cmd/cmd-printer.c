/* assetctl printers, and label --printer: Brother QL printers over USB. */
#include "commands.h"
#include "core.h"
#include "printer.h"

static inline void transport_closep(struct ql_transport **t) { ql_usb_close(*t); }

int label_print_cmd(struct ctx *ctx, const char *dev, const char *media, const struct label_text *items, size_t n, int ecc) {
        const struct ql_media *want = NULL;
        if (media && !(want = ql_media_by_name(media)))
                return cmd_usage_error(ctx, "--media '%s' is not a DK size (29, 62, 62x29, 29x90, 17x54, ...)", media);
        const char *serial = dev && strncmp(dev, "usb:", 4) == 0 ? dev + 4 : NULL;
        if (serial && !*serial) return cmd_usage_error(ctx, "--printer usb:SERIAL needs the serial number");
        _cleanup_(transport_closep) struct ql_transport *t = NULL;
        const struct ql_model *model = NULL;
        int r = ql_usb_open(serial, &t, &model);
        if (r < 0) return cmd_fail_err(r);
        const struct ql_media *used = NULL;
        r = ql_print(t, model, want, items, n, (enum qr_ecc) ecc, &used);
        if (r < 0) return cmd_fail_err(r);
        char d[48];
        printf("printed %zu label%s on the %s (%s)\n", n, n == 1 ? "" : "s", model->name, ql_media_describe(used, d));
        return 0;
}

int label_raster_cmd(struct ctx *ctx, const char *path, const char *model, const char *media, const struct label_text *items, size_t n, int ecc) {
        const struct ql_model *m = ql_model_by_name(model);
        if (!m) {
                struct strbuf sb = {0};
                for (const struct ql_model *q = ql_models; q->name; q++) sb_printf(&sb, "%s%s", q == ql_models ? "" : ", ", q->name);
                int u = cmd_usage_error(ctx, "--model '%s' is not a Brother QL model: %s", model, sb.buf);
                sb_free(&sb);
                return u;
        }
        const struct ql_media *md = ql_media_by_name(media);
        if (!md) return cmd_usage_error(ctx, "--media '%s' is not a DK size (29, 62, 62x29, 29x90, 17x54, ...)", media);
        char d[48];
        if (md->wide_only && m->line_bytes < 162) return cmd_fail("the %s cannot print on %s", m->name, ql_media_describe(md, d));
        struct strbuf job = {0};
        int r = ql_encode_job(m, md, items, n, (enum qr_ecc) ecc, &job);
        if (r >= 0) r = write_file_atomic(path, job.buf ? job.buf : "", job.len, 0644);
        size_t len = job.len;
        sb_free(&job);
        if (r < 0) return cmd_fail_err(r);
        printf("wrote a %s raster job for %zu label%s on %s (%zu bytes) to %s\n", m->name, n, n == 1 ? "" : "s", ql_media_describe(md, d), len, path);
        return 0;
}

static const struct column printer_cols[] = {
        {"model", "MODEL"}, {"serial", "SERIAL"}, {"usb", "USB"}, {"mode", "MODE"}, {NULL},
};

int cmd_printers(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_free_ struct ql_device *devs = NULL;
        int n = ql_usb_list(&devs);
        if (n < 0) return cmd_fail_err(n);
        _cleanup_json_ json_t *rows = json_array();
        for (int i = 0; i < n; i++) {
                const struct ql_device *d = &devs[i];
                _cleanup_free_ char *usb = xasprintf("%03u:%03u", d->bus, d->address);
                _cleanup_free_ char *unknown = xasprintf("Brother 04f9:%04x", d->product_id);
                json_t *row = json_pack("{s:s, s:s, s:s, s:s}", "model", d->model ? d->model->name : unknown,
                                        "serial", d->serial, "usb", usb,
                                        "mode", d->editor_lite ? "editor-lite" : d->model ? "printer" : "unsupported");
                json_object_set_new(row, "product_id", json_integer(d->product_id));
                json_array_append_new(rows, row);
        }
        if (fmt == OUT_TABLE && n == 0) {
                puts("no Brother QL printers found on USB");
                return 0;
        }
        out_list(fmt, printer_cols, rows);
        for (int i = 0; fmt == OUT_TABLE && i < n; i++)
                if (devs[i].editor_lite)
                        printf("\n%03u:%03u is in Editor Lite mode (a USB disk): hold the Editor Lite button until its light goes off to print from assetctl\n",
                               devs[i].bus, devs[i].address);
        return 0;
}
