/* assetctl report ...: what needs the technician's attention. Other areas
 * add their reports to report_commands (disposals: issue 7). */
#include "commands.h"
#include "incident.h"
#include "reports.h"
#include "trust.h"

/* The reports a trust runs across its schools (--all-schools). */
struct report_args {
        bool all_schools;
        enum out_format fmt;
};
static const struct opt report_opts[] = {
        OPT_FLAG("all-schools", 0, "every school of a trust the login may see, with the school as a column", struct report_args, all_schools),
        OPT_FORMAT(struct report_args, fmt),
        OPT_END,
};

static int overdue_fn(struct db *db, const void *arg, json_t **ret) { return report_overdue(db, ret); }

static int overdue_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"tag", "TAG"}, {"make", "MAKE"}, {"model", "MODEL"}, {"ref", "REF"}, {"name", "NAME"},
                                             {"issued_at", "ISSUED"}, {"due", "DUE"}, {"days_overdue", "DAYS OVER"}, {NULL}};
        const struct report_args *a = ctx->args;
        _cleanup_json_ json_t *rows = NULL;
        int r = a->all_schools ? report_all_schools(ctx->db, overdue_fn, NULL, &rows) : report_overdue(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ struct column *sc = a->all_schools ? school_columns(cols) : NULL;
        out_list(a->fmt, sc ? sc : cols, rows);
        return 0;
}

struct leavers_args {
        long within;
        bool all_schools;
        enum out_format fmt;
};
static const struct opt leavers_opts[] = {
        OPT_INT("within", 0, "DAYS", 0, 36500, 30, "leaving within DAYS days from today (default 30), or gone", struct leavers_args, within),
        OPT_FLAG("all-schools", 0, "every school of a trust the login may see, with the school as a column", struct leavers_args, all_schools),
        OPT_FORMAT(struct leavers_args, fmt),
        OPT_END,
};

static int leavers_fn(struct db *db, const void *arg, json_t **ret) { return report_leavers(db, *(const int64_t *) arg, ret); }

static int leavers_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"ref", "REF"}, {"name", "NAME"}, {"leaving_date", "LEAVING"}, {"tag", "TAG"},
                                             {"make", "MAKE"}, {"model", "MODEL"}, {"issued_at", "ISSUED"}, {NULL}};
        const struct leavers_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        int64_t days = a->within;
        _cleanup_json_ json_t *rows = NULL;
        int r = a->all_schools ? report_all_schools(ctx->db, leavers_fn, &days, &rows) : report_leavers(ctx->db, days, &rows);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ struct column *sc = a->all_schools ? school_columns(cols) : NULL;
        out_list(fmt, sc ? sc : cols, rows);
        return 0;
}

static int compliance_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct report_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        _cleanup_json_ json_t *secs = NULL;
        int64_t problems;
        int r = a->all_schools ? report_compliance_all_schools(ctx->db, &secs, &problems) : report_compliance(ctx->db, &secs, &problems);
        if (r < 0) return cmd_fail_err(r);
        char t[11];
        today(t);
        json_t *s;
        size_t i;
        if (fmt == OUT_JSON) {
                _cleanup_json_ json_t *o = json_pack("{ss,sI,sO}", "date", t, "problems", (json_int_t) problems, "sections", secs);
                _cleanup_free_ char *txt = json_dumps_safe(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
                out_printf("compliance report, %s%s\n", t, a->all_schools ? ", every school" : "");
                json_array_foreach(secs, i, s) {
                        json_t *items = json_object_get(s, "items"), *it;
                        size_t j;
                        if (json_array_size(items) == 0) {
                                out_printf("ok    %s: none\n", json_str(s, "title"));
                                continue;
                        }
                        out_printf("FIX   %s: %zu\n", json_str(s, "title"), json_array_size(items));
                        json_array_foreach(items, j, it) out_printf("        %s\n", json_str(it, "summary"));
                }
                if (problems) out_printf("%lld item%s need%s action\n", (long long) problems, problems == 1 ? "" : "s", problems == 1 ? "s" : "");
                else out_printf("all clear\n");
        }
        return problems ? 1 : 0;
}

static int lostprop_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"id", "ID"}, {"description", "DESCRIPTION"}, {"serial", "SERIAL"},
                                             {"found_where", "WHERE"}, {"found_on", "FOUND"}, {"hold_until", "HOLD UNTIL"}, {NULL}};
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = lostprop_list(ctx->db, true, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command report_commands[] = {
        {"overdue", overdue_cmd, CMD_DB, "", "loans past their due date", NULL, OPTIONS(report_opts, struct report_args)},
        {"leavers", leavers_cmd, CMD_DB, "", "people leaving or gone who still hold kit, with the items", NULL,
         OPTIONS(leavers_opts, struct leavers_args)},
        {"compliance", compliance_cmd, CMD_DB, "",
         "policy check: agreements, encryption, PAT, audits, overdue, leavers, consignments' paperwork (exit 1 if action needed)", NULL,
         OPTIONS(report_opts, struct report_args)},
        {"lostprop", lostprop_cmd, CMD_DB, "", "unclaimed lost property due for disposal", NULL, OPTIONS(format_opts, struct format_args)},
        /* issue 7: the handler and its options are in cmd-disposal.c */
        {"disposals", cmd_report_disposals, CMD_DB, "",
         "the disposal register: asset, serial, date, who authorised it, method, certificates, firm, receipt, funding, proceeds", NULL,
         OPTIONS(report_disposals_opts, struct report_disposals_args)},
        {NULL},
};
