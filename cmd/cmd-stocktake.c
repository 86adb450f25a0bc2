/* assetctl stocktake ...: count a room against the register. */
#include "commands.h"
#include "reports.h"
#include "stocktake.h"

static int parse_id(const char *s, int64_t *ret) {
        int64_t v;
        if (parse_int64(s, &v) < 0 || v <= 0) return -EINVAL;
        *ret = v;
        return 0;
}

static int st_start(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) return cmd_bad_option(ctx);
        if (argc - optind != 1) return cmd_usage_error(ctx, "give the room");
        int64_t id, expected;
        int r = stocktake_start(ctx->db, argv[optind], &id, &expected);
        if (r < 0) return cmd_fail("cannot start a stock-take: %s", err_msg());
        printf("stock-take %lld of %s started: %lld item%s expected; scan them with 'assetctl scan --mode stocktake' "
               "or 'assetctl stocktake scan TAG...'\n",
               (long long) id, argv[optind], (long long) expected, expected == 1 ? "" : "s");
        return 0;
}

static int st_scan(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"stocktake", required_argument, NULL, 's'}, OPTS_HELP, {}};
        int64_t id = 0;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 's':
                        if (parse_id(optarg, &id) < 0) return cmd_usage_error(ctx, "--stocktake '%s' is not a stock-take number", optarg);
                        break;
                default: return cmd_bad_option(ctx);
                }
        if (optind == argc) return cmd_usage_error(ctx, "give the tags scanned");
        int status = 0;
        for (int i = optind; i < argc; i++) {
                _cleanup_json_ json_t *info = NULL;
                int r = stocktake_scan(ctx->db, id, argv[i], &info);
                if (r < 0) {
                        status = cmd_fail_err(r);
                        if (r != -EINVAL) return status;
                        continue;
                }
                const char *tag = json_str(info, "tag");
                if (json_is_true(json_object_get(info, "duplicate"))) printf("%s scanned again (duplicate)\n", tag);
                else if (!json_is_true(json_object_get(info, "known"))) printf("%s is not on the register (recorded as unknown)\n", tag);
                else if (json_is_true(json_object_get(info, "wrong_room")))
                        printf("%s seen in %s, but the register puts it in %s\n", tag, json_str(info, "room"),
                               json_str(info, "location") ? json_str(info, "location") : "no room");
                else printf("%s found in %s\n", tag, json_str(info, "room"));
        }
        return status;
}

static const char *const sections[][2] = {
        {"found", "found"}, {"missing", "missing"}, {"wrong_room", "in the wrong room"}, {"unknown", "unknown"}, {"duplicates", "duplicates"},
};

/* One item as text columns: tag, what, detail. */
static void item_text(const char *sec, json_t *it, char **tag, char **what, char **detail) {
        if (json_is_string(it)) {
                *tag = xstrdup(json_string_value(it));
                *what = xstrdup("");
                *detail = xstrdup("not on the register");
                return;
        }
        *tag = xstrdup(json_str(it, "tag"));
        *what = json_str(it, "make") && json_str(it, "model") ? xasprintf("%s %s", json_str(it, "make"), json_str(it, "model")) : xstrdup("");
        if (streq(sec, "wrong_room"))
                *detail = xasprintf("the register puts it in %s", json_str(it, "location") ? json_str(it, "location") : "no room");
        else if (streq(sec, "missing")) *detail = xasprintf("serial %s", json_str(it, "serial"));
        else if (streq(sec, "duplicates"))
                *detail = xasprintf("scanned %lld times", (long long) json_integer_value(json_object_get(it, "count")));
        else *detail = xstrdup("");
}

static void print_report(enum out_format fmt, json_t *rep) {
        if (fmt == OUT_JSON) {
                _cleanup_free_ char *s = json_dumps(rep, JSON_INDENT(2) | JSON_SORT_KEYS);
                puts(s);
                return;
        }
        if (fmt == OUT_CSV) puts("section,tag,item,detail");
        else
                printf("stock-take %lld of %s: %zu found, %zu missing, %zu in the wrong room, %zu unknown, %zu duplicate%s "
                       "(%lld expected, %lld scans)\n",
                       (long long) json_integer_value(json_object_get(rep, "id")), json_str(rep, "room"),
                       json_array_size(json_object_get(rep, "found")), json_array_size(json_object_get(rep, "missing")),
                       json_array_size(json_object_get(rep, "wrong_room")), json_array_size(json_object_get(rep, "unknown")),
                       json_array_size(json_object_get(rep, "duplicates")),
                       json_array_size(json_object_get(rep, "duplicates")) == 1 ? "" : "s",
                       (long long) json_integer_value(json_object_get(rep, "expected")),
                       (long long) json_integer_value(json_object_get(rep, "scans")));
        for (size_t s = 0; s < ELEMENTSOF(sections); s++) {
                json_t *items = json_object_get(rep, sections[s][0]);
                if (!json_array_size(items)) continue;
                if (fmt == OUT_TABLE) printf("%s:\n", sections[s][1]);
                json_t *it;
                size_t i;
                json_array_foreach(items, i, it) {
                        _cleanup_free_ char *tag = NULL, *what = NULL, *detail = NULL;
                        item_text(sections[s][0], it, &tag, &what, &detail);
                        if (fmt == OUT_CSV) {
                                const char *f[] = {sections[s][0], tag, what, detail};
                                for (int k = 0; k < 4; k++) {
                                        if (k) putchar(',');
                                        csv_write_field(stdout, f[k]);
                                }
                                putchar('\n');
                        } else {
                                _cleanup_free_ char *l = xasprintf("  %-12s %-30s %s", tag, what, detail);
                                size_t n = strlen(l);
                                while (n && l[n - 1] == ' ') l[--n] = 0;
                                puts(l);
                        }
                }
        }
}

/* finish and report share: --json/--csv, --pdf FILE, --html FILE. */
static int report_like(struct ctx *ctx, int argc, char **argv, bool finish) {
        static const struct option opts[] = {
                {"pdf", required_argument, NULL, 'p'}, {"html", required_argument, NULL, 'H'}, OPTS_FORMAT, OPTS_HELP, {},
        };
        enum out_format fmt = OUT_TABLE;
        const char *pdf = NULL, *html = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'p': pdf = optarg; break;
                case 'H': html = optarg; break;
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        int64_t id = 0;
        if (argc - optind > 1 || (!finish && argc - optind != 1)) return cmd_usage_error(ctx, "give one stock-take number");
        if (argc - optind == 1 && parse_id(argv[optind], &id) < 0) return cmd_usage_error(ctx, "'%s' is not a stock-take number", argv[optind]);
        _cleanup_json_ json_t *rep = NULL;
        int r = finish ? stocktake_finish(ctx->db, id, &rep) : stocktake_get_report(ctx->db, id, &rep);
        if (r < 0) return cmd_fail("cannot %s the stock-take: %s", finish ? "finish" : "show", err_msg());
        print_report(fmt, rep);
        if (pdf && (r = stocktake_pdf(ctx->db, rep, pdf)) < 0) return cmd_fail_err(r);
        if (html && (r = stocktake_html(ctx->db, rep, html)) < 0) return cmd_fail_err(r);
        if (fmt == OUT_TABLE) {
                if (pdf) printf("report for signing: %s\n", pdf);
                if (html) printf("report page: %s\n", html);
        }
        return 0;
}

static int st_finish(struct ctx *ctx, int argc, char **argv) { return report_like(ctx, argc, argv, true); }
static int st_report(struct ctx *ctx, int argc, char **argv) { return report_like(ctx, argc, argv, false); }

static int st_list(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_FORMAT, OPTS_HELP, {}};
        static const struct column cols[] = {{"id", "ID"}, {"room", "ROOM"}, {"started_at", "STARTED"}, {"finished_at", "FINISHED"},
                                             {"scans", "SCANS"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_json_ json_t *rows = NULL;
        int r = stocktake_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

#define REPORT_OPTS_HELP \
        "  --json, --csv        machine-readable output\n" \
        "  --pdf FILE           also write the report as a PDF to sign\n" \
        "  --html FILE          also write the report as an HTML page\n"

const struct command stocktake_commands[] = {
        {"start", st_start, CMD_DB | CMD_WRITE, "ROOM", "start a stock-take of a room", NULL},
        {"scan", st_scan, CMD_DB | CMD_WRITE, "[--stocktake ID] TAG...", "record tags seen (or use 'assetctl scan --mode stocktake')",
         "  --stocktake ID       which stock-take (default: the only open one)\n"},
        {"finish", st_finish, CMD_DB | CMD_WRITE, "[ID] [--json|--csv] [--pdf FILE] [--html FILE]",
         "finish: found, missing, wrong room, unknown, duplicates; marks found kit audited", REPORT_OPTS_HELP},
        {"report", st_report, CMD_DB, "ID [--json|--csv] [--pdf FILE] [--html FILE]", "show a finished stock-take's report",
         REPORT_OPTS_HELP},
        {"list", st_list, CMD_DB, "[--json|--csv]", "list stock-takes", "  --json, --csv        machine-readable output\n"},
        {NULL},
};
