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
        int64_t id, expected;
        int r = stocktake_start(ctx->db, argv[1], &id, &expected);
        if (r < 0) return cmd_fail("cannot start a stock-take: %s", err_msg());
        out_printf("stock-take %lld of %s started: %lld item%s expected; scan them with 'assetctl scan --mode stocktake' "
                   "or 'assetctl stocktake scan TAG...'\n",
                   (long long) id, argv[1], (long long) expected, expected == 1 ? "" : "s");
        return 0;
}

struct st_scan_args {
        const char *stocktake;
};
static const struct opt st_scan_opts[] = {
        OPT_STRING("stocktake", 0, "ID", "which stock-take (default: the only open one)", struct st_scan_args, stocktake),
        OPT_END,
};

static int st_scan(struct ctx *ctx, int argc, char **argv) {
        const char *sid = ((const struct st_scan_args *) ctx->args)->stocktake;
        int64_t id = 0;
        if (sid && parse_id(sid, &id) < 0) return cmd_usage_error(ctx, "--stocktake '%s' is not a stock-take number", sid);
        int status = 0;
        for (int i = 1; i < argc; i++) {
                _cleanup_json_ json_t *info = NULL;
                int r = stocktake_scan(ctx->db, id, argv[i], &info);
                if (r < 0) {
                        status = cmd_fail_err(r);
                        if (r != -EINVAL) return status;
                        continue;
                }
                const char *tag = json_str(info, "tag");
                if (json_is_true(json_object_get(info, "duplicate"))) out_printf("%s scanned again (duplicate)\n", tag);
                else if (!json_is_true(json_object_get(info, "known"))) out_printf("%s is not on the register (recorded as unknown)\n", tag);
                else if (json_is_true(json_object_get(info, "wrong_room")))
                        out_printf("%s seen in %s, but the register puts it in %s\n", tag, json_str(info, "room"),
                                   json_str(info, "location") ? json_str(info, "location") : "no room");
                else out_printf("%s found in %s\n", tag, json_str(info, "room"));
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
                _cleanup_free_ char *s = json_dumps_safe(rep, JSON_INDENT(2) | JSON_SORT_KEYS);
                puts(s);
                return;
        }
        if (fmt == OUT_CSV) puts("section,tag,item,detail");
        else
                out_printf("stock-take %lld of %s: %zu found, %zu missing, %zu in the wrong room, %zu unknown, %zu duplicate%s "
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
                if (fmt == OUT_TABLE) out_printf("%s:\n", sections[s][1]);
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
                                out_printf("%s\n", l);
                        }
                }
        }
}

/* finish and report share: --json/--csv, --pdf FILE, --html FILE. */
struct st_report_args {
        enum out_format fmt;
        const char *pdf, *html;
};
static const struct opt st_report_opts[] = {
        OPT_FORMAT(struct st_report_args, fmt),
        OPT_STRING("pdf", 0, "FILE", "also write the report as a PDF to sign", struct st_report_args, pdf),
        OPT_STRING("html", 0, "FILE", "also write the report as an HTML page", struct st_report_args, html),
        OPT_END,
};

static int report_like(struct ctx *ctx, int argc, char **argv, bool finish) {
        const struct st_report_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        const char *pdf = a->pdf, *html = a->html;
        int64_t id = 0;
        if (argc == 2 && parse_id(argv[1], &id) < 0) return cmd_usage_error(ctx, "'%s' is not a stock-take number", argv[1]);
        _cleanup_json_ json_t *rep = NULL;
        int r = finish ? stocktake_finish(ctx->db, id, &rep) : stocktake_get_report(ctx->db, id, &rep);
        if (r < 0) return cmd_fail("cannot %s the stock-take: %s", finish ? "finish" : "show", err_msg());
        print_report(fmt, rep);
        if (pdf && (r = stocktake_pdf(ctx->db, rep, pdf)) < 0) return cmd_fail_err(r);
        if (html && (r = stocktake_html(ctx->db, rep, html)) < 0) return cmd_fail_err(r);
        if (fmt == OUT_TABLE) {
                if (pdf) out_printf("report for signing: %s\n", pdf);
                if (html) out_printf("report page: %s\n", html);
        }
        return 0;
}

static int st_finish(struct ctx *ctx, int argc, char **argv) { return report_like(ctx, argc, argv, true); }
static int st_report(struct ctx *ctx, int argc, char **argv) { return report_like(ctx, argc, argv, false); }

struct st_list_args {
        enum out_format fmt;
};
static const struct opt st_list_opts[] = {
        OPT_FORMAT(struct st_list_args, fmt),
        OPT_END,
};

static int st_list(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"id", "ID"}, {"room", "ROOM"}, {"started_at", "STARTED"}, {"finished_at", "FINISHED"},
                                             {"scans", "SCANS"}, {NULL}};
        enum out_format fmt = ((const struct st_list_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = stocktake_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command stocktake_commands[] = {
        {"start", st_start, CMD_DB | CMD_WRITE, "ROOM", "start a stock-take of a room", NULL, OPTIONS(opts_none, char),
         POS(1, 1, "give the room")},
        {"scan", st_scan, CMD_DB | CMD_WRITE, "TAG...", "record tags seen (or use 'assetctl scan --mode stocktake')", NULL,
         OPTIONS(st_scan_opts, struct st_scan_args), POS(1, POS_ANY, "give the tags scanned")},
        {"finish", st_finish, CMD_DB | CMD_WRITE, "[ID]",
         "finish: found, missing, wrong room, unknown, duplicates; marks found kit audited", NULL,
         OPTIONS(st_report_opts, struct st_report_args), POS(0, 1, "give one stock-take number")},
        {"report", st_report, CMD_DB, "ID", "show a finished stock-take's report", NULL,
         OPTIONS(st_report_opts, struct st_report_args), POS(1, 1, "give one stock-take number")},
        {"list", st_list, CMD_DB, "", "list stock-takes", NULL, OPTIONS(st_list_opts, struct st_list_args), POS(0, 0, NULL)},
        {NULL},
};
