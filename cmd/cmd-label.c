/* assetctl label: QR labels as PDF sheets, single PNG/SVG images, or
 * straight to a Brother QL printer. */
#include <math.h>

#include "commands.h"
#include "core.h"
#include "label.h"
#include "sheet.h"

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

/* The label texts for a list of asset records, with their owned strings. */
struct label_items {
        struct label_text *items;
        char **owned; /* payloads and make/model strings */
        size_t n, n_owned;
};

static void label_items_free(struct label_items *li) {
        for (size_t i = 0; i < li->n_owned; i++) free(li->owned[i]);
        free(li->owned);
        free(li->items);
}

static char *own(struct label_items *li, char *s) {
        li->owned = xrealloc(li->owned, sizeof *li->owned * (li->n_owned + 1));
        li->owned[li->n_owned++] = s;
        return s;
}

/* Build the texts; school and the records in assets stay borrowed. */
static void label_items_build(struct label_items *li, json_t *assets, const char *school, const char *tmpl) {
        li->n = json_array_size(assets);
        li->items = xcalloc(li->n ? li->n : 1, sizeof *li->items);
        for (size_t i = 0; i < li->n; i++) {
                json_t *a = json_array_get(assets, i);
                const char *tag = json_str(a, "tag"), *make = json_str(a, "make"), *model = json_str(a, "model");
                li->items[i].tag = tag;
                li->items[i].payload = own(li, label_payload(tmpl, tag));
                li->items[i].school = school;
                if (!isempty(make) || !isempty(model))
                        li->items[i].make_model = own(li, xasprintf("%s%s%s", strempty(make), !isempty(make) && !isempty(model) ? " " : "", strempty(model)));
        }
}

enum { OPT_ALL = 0x3000, OPT_STATUS, OPT_LOCATION, OPT_SHEET, OPT_SKIP, OPT_OFFX, OPT_OFFY, OPT_ECC, OPT_URL,
       OPT_PNG, OPT_SVG, OPT_WIDTH, OPT_HEIGHT, OPT_DPI, OPT_PRINTER, OPT_MEDIA, OPT_SHEETS, OPT_RASTER, OPT_MODEL };

static int list_sheets(void) {
        char **names = NULL;
        int n = sheet_list(&names);
        for (int i = 0; i < n; i++) {
                struct sheet *s = NULL;
                if (sheet_find(names[i], &s) >= 0) {
                        printf("%-8s %s\n", s->name, s->description);
                        sheet_free(s);
                } else
                        printf("%-8s (invalid: %s)\n", names[i], err_msg());
                free(names[i]);
        }
        free(names);
        return 0;
}

static int label_run(struct ctx *ctx, int argc, char **argv) {
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
        enum qr_ecc ecc = QR_ECC_M;
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
                        if (qr_ecc_from_string(optarg, &ecc) < 0) return cmd_usage_error(ctx, "%s", err_msg());
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
        if (tmpl && label_url_template_check(tmpl) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        _cleanup_free_ char *st = status ? xstrdup(status) : NULL;
        if (st) {
                for (char *p = st; *p; p++)
                        if (*p == ' ' || *p == '-') *p = '_';
                if (!asset_status_valid(st)) return cmd_usage_error(ctx, "--status '%s' is not a status", status);
        }

        int r = cmd_open_db(ctx, 0);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *school = NULL;
        r = school_get(ctx->db, &school, NULL);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_json_ json_t *assets = NULL;
        r = label_assets(ctx->db, tags, n_tags, st, location, &assets);
        if (r < 0) return cmd_fail("cannot make labels: %s", err_msg());
        _cleanup_(label_items_free) struct label_items li = {0};
        label_items_build(&li, assets, school, tmpl);

        if (sheet_name) {
                _cleanup_sheet_ struct sheet *s = NULL;
                r = sheet_find(sheet_name, &s);
                if (r < 0) return cmd_fail_err(r);
                if (skip >= sheet_count(s))
                        return cmd_usage_error(ctx, "--skip %lld: a %s sheet has %d labels", (long long) skip, s->name, sheet_count(s));
                r = label_write_pdf(output, s, off_x, off_y, (int) skip, li.items, li.n, ecc);
                if (r < 0) return cmd_fail_err(r);
                printf("wrote %zu label%s on %d %s sheet%s to %s\n", li.n, li.n == 1 ? "" : "s", r, s->name, r == 1 ? "" : "s", output);
                return 0;
        }
        if (png || svg) {
                struct label_spec spec = {.width = width, .height = height, .dpi = dpi, .pad = 1.0, .ecc = ecc};
                r = png ? label_write_png(png, &spec, &li.items[0]) : label_write_svg(svg, &spec, &li.items[0]);
                if (r < 0) return cmd_fail_err(r);
                printf("wrote the label for %s (%g x %g mm) to %s\n", li.items[0].tag, width, height, png ? png : svg);
                return 0;
        }
        if (raster) return label_raster_cmd(ctx, raster, model, media, li.items, li.n, ecc);
        return label_print_cmd(ctx, printer_dev, media, li.items, li.n, ecc);
}

int cmd_label(struct ctx *ctx, int argc, char **argv) {
        int status = label_run(ctx, argc, argv);
        label_release_caches();
        return status;
}
