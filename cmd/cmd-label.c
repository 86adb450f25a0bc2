/* assetctl label: QR labels as PDF sheets, single PNG/SVG images, or
 * straight to a Brother QL printer. */
#include <math.h>

#include "commands.h"
#include "core.h"
#include "labels.h"

/* A length option in millimetres: a plain decimal, within [min, max]. */
static int parse_mm_opt(struct ctx *ctx, const char *name, const char *s, double min, double max, double *ret) {
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
                return cmd_usage_error(ctx, "--%s '%s' is not a length in mm from %g to %g", name, s, min, max);
        *ret = v;
        return -1;
}

static int list_sheets(void) {
        _cleanup_json_ json_t *sheets = label_sheets();
        size_t i;
        json_t *x;
        json_array_foreach(sheets, i, x) {
                if (json_str(x, "error"))
                        out_printf("%-8s (invalid: %s)\n", json_str(x, "name"), json_str(x, "error"));
                else
                        out_printf("%-8s %s\n", json_str(x, "name"), json_str(x, "description"));
        }
        return 0;
}

/* Say what a label job did. */
static void print_done(const struct label_job *job, const struct label_done *d) {
        const char *s = d->labels == 1 ? "" : "s";
        switch (job->output) {
        case LABEL_TO_SHEET:
                out_printf("wrote %zu label%s on %d %s sheet%s to %s\n", d->labels, s, d->sheets, d->what, d->sheets == 1 ? "" : "s", job->path);
                break;
        case LABEL_TO_PNG:
        case LABEL_TO_SVG:
                out_printf("wrote the label for %s (%g x %g mm) to %s\n", d->first_tag, job->width, job->height, job->path);
                break;
        case LABEL_TO_RASTER:
                out_printf("wrote a %s raster job for %zu label%s on %s (%zu bytes) to %s\n", d->what, d->labels, s, d->media, d->bytes, job->path);
                break;
        case LABEL_TO_PRINTER:
                out_printf("printed %zu label%s on the %s (%s)\n", d->labels, s, d->what, d->media);
                break;
        }
}

#define LA struct label_args
static const char *const printer_words[] = {"usb", "usb:", NULL};
const struct opt label_opts[] = {
        OPT_FLAG("all", 0, "every asset in the register", LA, all),
        OPT_STRING("status", 0, "S", "the assets with this status", LA, status),
        OPT_STRING("location", 0, "L", "the assets at this location", LA, location),
        OPT_STRING("sheet", 0, "NAME", "write a PDF for this label stock (L7160, L7163, L7651, ...)", LA, sheet),
        OPT_STRING("output", 'o', "FILE", "the PDF's file, with --sheet", LA, output),
        OPT_STRING("skip", 0, "N", "start at label N+1 of the first sheet (a part-used sheet)", LA, skip),
        OPT_STRING_JOINED("offset-x", 0, "MM", "shift everything for a printer that feeds off true", LA, offset_x),
        OPT_STRING("offset-y", 0, "MM", "", LA, offset_y),
        OPT_STRING_JOINED("png", 0, "FILE", "one label as an image", LA, png),
        OPT_STRING("svg", 0, "FILE", "", LA, svg),
        OPT_STRING_JOINED("width", 0, "MM", "its size (default 62 x 29)", LA, width),
        OPT_STRING("height", 0, "MM", "", LA, height),
        OPT_STRING("dpi", 0, "N", "its resolution (default 300)", LA, dpi),
        OPT_OPTARG("printer", 0, "usb|usb:SERIAL", printer_words, "print on a Brother QL label printer over USB", LA, printer),
        OPT_STRING("media", 0, "SIZE", "refuse unless this media is loaded (29, 62, 62x29, 29x90, ...);\n"
                   "with --raster: the media to write the job for", LA, media),
        OPT_STRING("raster", 0, "FILE", "write the printer's raster job to a file, with --model and --media\n"
                   "(for a printer on /dev/usb/lp0 or port 9100)", LA, raster),
        OPT_STRING("model", 0, "QL-NNN", "the printer model, with --raster", LA, model),
        OPT_STRING("ecc", 0, "L|M|Q|H", "QR error correction (default M)", LA, ecc),
        OPT_STRING("url-template", 0, "T", "put a URL in the code, {tag} filled in (https://assets.example/{tag})", LA, url_template),
        OPT_FLAG("list-sheets", 0, "list the label stocks known", LA, list_sheets),
        OPT_END,
};
#undef LA

/* The numbers in label's options into job; -1, or the usage exit status. */
static int label_numbers(struct ctx *ctx, const struct label_args *a, struct label_job *job) {
        int64_t skip = 0, d = 300;
        if (a->skip && (parse_int64(a->skip, &skip) < 0 || skip < 0 || skip > 10000))
                return cmd_usage_error(ctx, "--skip '%s' is not a number of labels", a->skip);
        job->skip = (int) skip;
        int u = -1;
        if (u < 0 && a->offset_x) u = parse_mm_opt(ctx, "offset-x", a->offset_x, -20, 20, &job->offset_x);
        if (u < 0 && a->offset_y) u = parse_mm_opt(ctx, "offset-y", a->offset_y, -20, 20, &job->offset_y);
        if (u < 0 && a->width) u = parse_mm_opt(ctx, "width", a->width, 5, 1000, &job->width);
        if (u < 0 && a->height) u = parse_mm_opt(ctx, "height", a->height, 5, 1000, &job->height);
        if (u >= 0) return u;
        if (a->dpi && (parse_int64(a->dpi, &d) < 0 || d < 72 || d > 2400))
                return cmd_usage_error(ctx, "--dpi '%s' is not a resolution from 72 to 2400", a->dpi);
        job->dpi = (double) d;
        if (a->ecc && label_ecc_parse(a->ecc, &job->ecc) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        return -1;
}

int cmd_label(struct ctx *ctx, int argc, char **argv) {
        const struct label_args *a = ctx->args;
        if (a->list_sheets) return list_sheets();
        struct label_job num = {.width = 62, .height = 29, .ecc = LABEL_ECC_M};
        int u = label_numbers(ctx, a, &num);
        if (u >= 0) return u;
        bool all = a->all, printer = a->printer.given;
        const char *status = a->status, *location = a->location, *sheet_name = a->sheet, *output = a->output, *tmpl = a->url_template;
        const char *png = a->png, *svg = a->svg, *printer_dev = a->printer.arg, *media = a->media, *raster = a->raster, *model = a->model;
        int64_t skip = num.skip;
        double off_x = num.offset_x, off_y = num.offset_y, width = num.width, height = num.height, dpi = num.dpi;
        enum label_ecc ecc = num.ecc;
        char **tags = argv + 1;
        size_t n_tags = (size_t) (argc - 1);
        int outputs = !!sheet_name + !!png + !!svg + printer + !!raster;
        if (outputs != 1) return cmd_usage_error(ctx, "give one of --sheet NAME -o FILE, --png FILE, --svg FILE, --printer or --raster FILE");
        if (raster && (!model || !media)) return cmd_usage_error(ctx, "--raster needs --model (QL-700, ...) and --media (62, 29x90, ...)");
        if (model && !raster) return cmd_usage_error(ctx, "--model goes with --raster (a printer says what it is)");
        if (sheet_name && !output) return cmd_usage_error(ctx, "--sheet needs -o FILE for the PDF");
        if (!sheet_name && output) return cmd_usage_error(ctx, "-o goes with --sheet (use --png FILE or --svg FILE for one label)");
        if (n_tags && (all || status || location)) return cmd_usage_error(ctx, "give tags, or --all/--status/--location, not both");
        if (!n_tags && !all && !status && !location) return cmd_usage_error(ctx, "give the tags to label, or --all, --status or --location");
        if ((png || svg) && n_tags != 1) return cmd_usage_error(ctx, "--png and --svg make one label: give one tag");
        if (!sheet_name && (skip || off_x || off_y)) return cmd_usage_error(ctx, "--skip and --offset-x/-y go with --sheet");
        if (printer_dev && !streq(printer_dev, "usb") && strncmp(printer_dev, "usb:", 4) != 0)
                return cmd_usage_error(ctx, "--printer takes usb or usb:SERIAL, not '%s'", printer_dev);
        if (media && !printer && !raster) return cmd_usage_error(ctx, "--media goes with --printer or --raster");
        _cleanup_free_ char *st = status ? xstrdup(status) : NULL;
        if (st) {
                for (char *p = st; *p; p++)
                        if (*p == ' ' || *p == '-') *p = '_';
                if (!asset_status_valid(st)) return cmd_usage_error(ctx, "--status '%s' is not a status", status);
        }

        if (printer_dev && strncmp(printer_dev, "usb:", 4) == 0 && !printer_dev[4])
                return cmd_usage_error(ctx, "--printer usb:SERIAL needs the serial number");
        struct label_job job = {
                .output = sheet_name ? LABEL_TO_SHEET : png ? LABEL_TO_PNG : svg ? LABEL_TO_SVG : raster ? LABEL_TO_RASTER : LABEL_TO_PRINTER,
                .tags = tags, .n_tags = n_tags, .status = st, .location = location, .url_template = tmpl, .ecc = ecc,
                .path = sheet_name ? output : png ? png : svg ? svg : raster, .sheet = sheet_name,
                .offset_x = off_x, .offset_y = off_y, .skip = (int) skip, .width = width, .height = height, .dpi = dpi,
                .model = model, .media = media,
                .serial = printer_dev && strncmp(printer_dev, "usb:", 4) == 0 ? printer_dev + 4 : NULL,
        };
        int r = label_job_check(&job);
        if (r == -EINVAL) return cmd_usage_error(ctx, "%s", err_msg());
        if (r < 0) return cmd_fail_err(r);
        r = cmd_open_db(ctx, 0);
        if (r < 0) return cmd_fail_err(r);
        struct label_done done;
        r = label_job_run(ctx->db, &job, &done);
        if (r < 0) return cmd_fail_err(r);
        print_done(&job, &done);
        return 0;
}
