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

enum { OPT_ALL = 0x3000, OPT_STATUS, OPT_LOCATION, OPT_SHEET, OPT_SKIP, OPT_OFFX, OPT_OFFY, OPT_ECC, OPT_URL,
       OPT_PNG, OPT_SVG, OPT_WIDTH, OPT_HEIGHT, OPT_DPI, OPT_PRINTER, OPT_MEDIA, OPT_SHEETS, OPT_RASTER, OPT_MODEL };

static int list_sheets(void) {
        _cleanup_json_ json_t *sheets = label_sheets();
        size_t i;
        json_t *x;
        json_array_foreach(sheets, i, x) {
                if (json_str(x, "error"))
                        printf("%-8s (invalid: %s)\n", json_str(x, "name"), json_str(x, "error"));
                else
                        printf("%-8s %s\n", json_str(x, "name"), json_str(x, "description"));
        }
        return 0;
}

/* Say what a label job did. */
static void print_done(const struct label_job *job, const struct label_done *d) {
        const char *s = d->labels == 1 ? "" : "s";
        switch (job->output) {
        case LABEL_TO_SHEET:
                printf("wrote %zu label%s on %d %s sheet%s to %s\n", d->labels, s, d->sheets, d->what, d->sheets == 1 ? "" : "s", job->path);
                break;
        case LABEL_TO_PNG:
        case LABEL_TO_SVG:
                printf("wrote the label for %s (%g x %g mm) to %s\n", d->first_tag, job->width, job->height, job->path);
                break;
        case LABEL_TO_RASTER:
                printf("wrote a %s raster job for %zu label%s on %s (%zu bytes) to %s\n", d->what, d->labels, s, d->media, d->bytes, job->path);
                break;
        case LABEL_TO_PRINTER:
                printf("printed %zu label%s on the %s (%s)\n", d->labels, s, d->what, d->media);
                break;
        }
}

int cmd_label(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"all", no_argument, NULL, OPT_ALL},
                {"status", required_argument, NULL, OPT_STATUS},
                {"location", required_argument, NULL, OPT_LOCATION},
                {"sheet", required_argument, NULL, OPT_SHEET},
                {"output", required_argument, NULL, 'o'},
                {"skip", required_argument, NULL, OPT_SKIP},
                {"offset-x", required_argument, NULL, OPT_OFFX},
                {"offset-y", required_argument, NULL, OPT_OFFY},
                {"ecc", required_argument, NULL, OPT_ECC},
                {"url-template", required_argument, NULL, OPT_URL},
                {"png", required_argument, NULL, OPT_PNG},
                {"svg", required_argument, NULL, OPT_SVG},
                {"width", required_argument, NULL, OPT_WIDTH},
                {"height", required_argument, NULL, OPT_HEIGHT},
                {"dpi", required_argument, NULL, OPT_DPI},
                {"printer", optional_argument, NULL, OPT_PRINTER},
                {"media", required_argument, NULL, OPT_MEDIA},
                {"list-sheets", no_argument, NULL, OPT_SHEETS},
                {"raster", required_argument, NULL, OPT_RASTER},
                {"model", required_argument, NULL, OPT_MODEL},
                OPTS_HELP, {},
        };
        bool all = false, printer = false;
        const char *status = NULL, *location = NULL, *sheet_name = NULL, *output = NULL, *tmpl = NULL;
        const char *png = NULL, *svg = NULL, *printer_dev = NULL, *media = NULL, *raster = NULL, *model = NULL;
        int64_t skip = 0;
        double off_x = 0, off_y = 0, width = 62, height = 29, dpi = 300;
        enum label_ecc ecc = LABEL_ECC_M;
        int c, u = -1;
        while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
                switch (c) {
                case OPT_ALL: all = true; break;
                case OPT_STATUS: status = optarg; break;
                case OPT_LOCATION: location = optarg; break;
                case OPT_SHEET: sheet_name = optarg; break;
                case 'o': output = optarg; break;
                case OPT_SKIP:
                        if (parse_int64(optarg, &skip) < 0 || skip < 0 || skip > 10000)
                                return cmd_usage_error(ctx, "--skip '%s' is not a number of labels", optarg);
                        break;
                case OPT_OFFX: u = parse_mm_opt(ctx, "offset-x", optarg, -20, 20, &off_x); break;
                case OPT_OFFY: u = parse_mm_opt(ctx, "offset-y", optarg, -20, 20, &off_y); break;
                case OPT_WIDTH: u = parse_mm_opt(ctx, "width", optarg, 5, 1000, &width); break;
                case OPT_HEIGHT: u = parse_mm_opt(ctx, "height", optarg, 5, 1000, &height); break;
                case OPT_DPI: {
                        int64_t d;
                        if (parse_int64(optarg, &d) < 0 || d < 72 || d > 2400)
                                return cmd_usage_error(ctx, "--dpi '%s' is not a resolution from 72 to 2400", optarg);
                        dpi = (double) d;
                        break;
                }
                case OPT_ECC:
                        if (label_ecc_parse(optarg, &ecc) < 0) return cmd_usage_error(ctx, "%s", err_msg());
                        break;
                case OPT_URL: tmpl = optarg; break;
                case OPT_PNG: png = optarg; break;
                case OPT_SVG: svg = optarg; break;
                case OPT_PRINTER:
                        printer = true;
                        printer_dev = optarg;
                        /* "--printer usb:SERIAL" as two words */
                        if (!printer_dev && optind < argc && (streq(argv[optind], "usb") || strncmp(argv[optind], "usb:", 4) == 0))
                                printer_dev = argv[optind++];
                        break;
                case OPT_MEDIA: media = optarg; break;
                case OPT_RASTER: raster = optarg; break;
                case OPT_MODEL: model = optarg; break;
                case OPT_SHEETS: return list_sheets();
                default: return cmd_bad_option(ctx);
                }
                if (u >= 0) return u;
        }
        char **tags = argv + optind;
        size_t n_tags = (size_t) (argc - optind);
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
