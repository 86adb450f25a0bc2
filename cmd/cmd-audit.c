/* assetctl audit ...: the audit log. */
#include "commands.h"

static const struct column audit_cols[] = {
        {"id", "ID"}, {"time", "TIME"}, {"actor", "ACTOR"}, {"action", "ACTION"}, {"subject", "SUBJECT"}, {"details", "DETAILS"}, {NULL},
};

static int audit_log_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_FORMAT, OPTS_HELP, {}};
        enum out_format fmt = OUT_TABLE;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_usage_error(ctx, "unknown option");
                }
        if (argc - optind > 1) return cmd_usage_error(ctx, "give at most one tag or reference");
        _cleanup_json_ json_t *rows = NULL;
        int r = db_audit_list(ctx->db, optind < argc ? argv[optind] : NULL, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (optind < argc && json_array_size(rows) == 0) {
                /* tags are upper case; let people type them in any case */
                _cleanup_free_ char *up = strupper(xstrdup(argv[optind]));
                json_decref(rows);
                rows = NULL;
                r = db_audit_list(ctx->db, up, &rows);
                if (r < 0) return cmd_fail_err(r);
        }
        out_list(fmt, audit_cols, rows);
        return 0;
}

static int audit_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) return cmd_usage_error(ctx, "unknown option");
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        struct audit_report rep;
        int r = db_audit_verify(ctx->db, &rep);
        if (r < 0) return cmd_fail_err(r);
        if (rep.problem) {
                int s = cmd_fail("audit log broken: %s", rep.problem);
                audit_report_done(&rep);
                return s;
        }
        printf("audit log intact: %lld events, head %s\n", (long long) rep.events, rep.events ? rep.head : "(empty)");
        audit_report_done(&rep);
        return 0;
}

const struct command audit_commands[] = {
        {"log", audit_log_cmd, CMD_DB, "[TAG|REF] [--json|--csv]", "show the audit trail, all or for one subject",
         "  --json, --csv        machine-readable output\n"},
        {"verify", audit_verify_cmd, CMD_DB, "", "recompute the hash chain and check every covered row against it", NULL},
        {NULL},
};
