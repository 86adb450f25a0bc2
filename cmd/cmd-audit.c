/* assetctl audit ...: the audit log. */
#include "commands.h"

static const struct column audit_cols[] = {
        {"id", "ID"}, {"time", "TIME"}, {"actor", "ACTOR"}, {"action", "ACTION"}, {"subject", "SUBJECT"}, {"details", "DETAILS"}, {NULL},
};

static int audit_log_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
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
        static const struct option opts[] = {{"key", required_argument, NULL, 'k'}, {"checkpoint", required_argument, NULL, 'c'}, OPTS_HELP, {}};
        const char *key = NULL, *checkpoint = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'k': key = optarg; break;
                case 'c': checkpoint = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        struct audit_report rep;
        int r = db_audit_verify(ctx->db, &rep);
        if (r < 0) return cmd_fail_err(r);
        if (rep.problem) {
                int s = cmd_fail("audit log broken: %s", rep.problem);
                audit_report_done(&rep);
                cmd_audit_checkpoints(ctx, key, checkpoint); /* a cut tail says so too */
                return s;
        }
        audit_report_done(&rep);
        /* signed checkpoints (issue 7): the log must still reach each one */
        int s = cmd_audit_checkpoints(ctx, key, checkpoint);
        if (s) return s;
        printf("audit log intact: %lld events, head %s\n", (long long) rep.events, rep.events ? rep.head : "(empty)");
        return 0;
}

const struct command audit_commands[] = {
        {"log", audit_log_cmd, CMD_DB, "[TAG|REF] [--json|--csv]", "show the audit trail, all or for one subject",
         "  --json, --csv        machine-readable output\n"},
        {"verify", audit_verify_cmd, CMD_DB, "[--key PUB.pem] [--checkpoint FILE.json]",
         "recompute the hash chain and check every covered row against it",
         "  --key PUB.pem          check the signed checkpoints with this public key (default: the\n"
         "                         registered key each names); the log must still reach every one\n"
         "  --checkpoint FILE.json also a checkpoint kept elsewhere (FILE.sig beside it)\n"},
        {"checkpoint", cmd_audit_checkpoint, CMD_DB | CMD_WRITE, "--key NAME [--passphrase-file F] [-o FILE.json]",
         "sign the head hash and event count, so deleting the tail of the log is detected",
         "  --key NAME             the registered signing key\n"
         "  --passphrase-file F    its passphrase from the first line of F (else asked on the terminal)\n"
         "  --key-dir D            where key files live (default: keys/ beside the register)\n"
         "  -o FILE.json           also write the signed checkpoint (and FILE.sig) to keep elsewhere\n"},
        {NULL},
};
