/* assetctl report ...: what needs the technician's attention. Other areas
 * add their reports to report_commands (disposals: issue 7). */
#include "commands.h"
#include "incident.h"
#include "reports.h"

static int parse_fmt(struct ctx *ctx, int argc, char **argv, const struct option *extra, int (*on)(int c, const char *arg, void *u),
                     void *u, enum out_format *fmt) {
        struct option opts[8];
        size_t n = 0;
        for (; extra && extra[n].name; n++) opts[n] = extra[n];
        opts[n++] = (struct option) {"json", no_argument, NULL, OPT_JSON};
        opts[n++] = (struct option) {"csv", no_argument, NULL, OPT_CSV};
        opts[n++] = (struct option) OPTS_HELP;
        opts[n] = (struct option) {0};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                if (c == OPT_JSON) *fmt = OUT_JSON;
                else if (c == OPT_CSV) *fmt = OUT_CSV;
                else if (!on || c == '?' || c == OPT_HELP) return cmd_bad_option(ctx);
                else if (on(c, optarg, u) < 0) return cmd_usage_error(ctx, "'%s' is not a valid value for that option", optarg);
        }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        return -1;
}

static int overdue_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"tag", "TAG"}, {"make", "MAKE"}, {"model", "MODEL"}, {"ref", "REF"}, {"name", "NAME"},
                                             {"issued_at", "ISSUED"}, {"due", "DUE"}, {"days_overdue", "DAYS OVER"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        int u = parse_fmt(ctx, argc, argv, NULL, NULL, NULL, &fmt);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = report_overdue(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

static int within_opt(int c, const char *arg, void *u) {
        if (c != 'w') return -1;
        return parse_int64(arg, u) < 0 || *(int64_t *) u < 0 ? -1 : 0;
}

static int leavers_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option extra[] = {{"within", required_argument, NULL, 'w'}, {}};
        static const struct column cols[] = {{"ref", "REF"}, {"name", "NAME"}, {"leaving_date", "LEAVING"}, {"tag", "TAG"},
                                             {"make", "MAKE"}, {"model", "MODEL"}, {"issued_at", "ISSUED"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        int64_t days = 30;
        int u = parse_fmt(ctx, argc, argv, extra, within_opt, &days, &fmt);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = report_leavers(ctx->db, days, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

static int compliance_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = parse_fmt(ctx, argc, argv, NULL, NULL, NULL, &fmt);
        if (u >= 0) return u;
        _cleanup_json_ json_t *secs = NULL;
        int64_t problems;
        int r = report_compliance(ctx->db, &secs, &problems);
        if (r < 0) return cmd_fail_err(r);
        char t[11];
        today(t);
        json_t *s;
        size_t i;
        if (fmt == OUT_JSON) {
                _cleanup_json_ json_t *o = json_pack("{ss,sI,sO}", "date", t, "problems", (json_int_t) problems, "sections", secs);
                _cleanup_free_ char *txt = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                puts(txt);
        } else if (fmt == OUT_CSV) {
                puts("section,item");
                json_array_foreach(secs, i, s) {
                        json_t *it;
                        size_t j;
                        json_array_foreach(json_object_get(s, "items"), j, it) {
                                csv_write_field(stdout, json_str(s, "key"));
                                putchar(',');
                                csv_write_field(stdout, json_str(it, "summary"));
                                putchar('\n');
                        }
                }
        } else {
                printf("compliance report, %s\n", t);
                json_array_foreach(secs, i, s) {
                        json_t *items = json_object_get(s, "items"), *it;
                        size_t j;
                        if (json_array_size(items) == 0) {
                                printf("ok    %s: none\n", json_str(s, "title"));
                                continue;
                        }
                        printf("FIX   %s: %zu\n", json_str(s, "title"), json_array_size(items));
                        json_array_foreach(items, j, it) printf("        %s\n", json_str(it, "summary"));
                }
                if (problems) printf("%lld item%s need%s action\n", (long long) problems, problems == 1 ? "" : "s", problems == 1 ? "s" : "");
                else printf("all clear\n");
        }
        return problems ? 1 : 0;
}

static int lostprop_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"id", "ID"}, {"description", "DESCRIPTION"}, {"serial", "SERIAL"},
                                             {"found_where", "WHERE"}, {"found_on", "FOUND"}, {"hold_until", "HOLD UNTIL"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        int u = parse_fmt(ctx, argc, argv, NULL, NULL, NULL, &fmt);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = lostprop_list(ctx->db, true, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command report_commands[] = {
        {"overdue", overdue_cmd, CMD_DB, "[--json|--csv]", "loans past their due date", "  --json, --csv        machine-readable output\n"},
        {"leavers", leavers_cmd, CMD_DB, "[--within DAYS] [--json|--csv]", "people leaving or gone who still hold kit, with the items",
         "  --within DAYS        leaving within DAYS days from today (default 30), or gone\n"
         "  --json, --csv        machine-readable output\n"},
        {"compliance", compliance_cmd, CMD_DB, "[--json|--csv]",
         "policy check: agreements, encryption, PAT, audits, overdue, leavers (exit 1 if action needed)",
         "  --json, --csv        machine-readable output\n"},
        {"lostprop", lostprop_cmd, CMD_DB, "[--json|--csv]", "unclaimed lost property due for disposal",
         "  --json, --csv        machine-readable output\n"},
        /* issue 7: the handler is in cmd-disposal.c */
        {"disposals", cmd_report_disposals, CMD_DB, "[--from D] [--to D] [--json|--csv|--pdf FILE]",
         "the disposal register: asset, serial, date, who authorised it, method, certificates, firm, receipt",
         "  --from D, --to D     disposals in this period (YYYY-MM-DD, inclusive)\n"
         "  --pdf FILE           write the register as a PDF\n"
         "  --json, --csv        machine-readable output\n"},
        {NULL},
};
