/* assetctl audit ...: the audit log. */
#include "commands.h"

static const struct column audit_cols[] = {
        {"id", "ID"}, {"time", "TIME"}, {"actor", "ACTOR"}, {"action", "ACTION"}, {"subject", "SUBJECT"}, {"details", "DETAILS"}, {NULL},
};

static int audit_log_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct format_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = audit_log(ctx->db, argc > 1 ? argv[1] : NULL, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (argc > 1 && json_array_size(rows) == 0) {
                /* tags are upper case; let people type them in any case */
                _cleanup_free_ char *up = strupper(xstrdup(argv[1]));
                json_decref(rows);
                rows = NULL;
                r = audit_log(ctx->db, up, &rows);
                if (r < 0) return cmd_fail_err(r);
        }
        out_list(fmt, audit_cols, rows);
        return 0;
}

struct verify_args {
        const char *key, *checkpoint;
};
static const struct opt verify_opts[] = {
        OPT_STRING("key", 0, "PUB.pem", "check the signed checkpoints with this public key (default: the\n"
                   "registered key each names); the log must still reach every one", struct verify_args, key),
        OPT_STRING("checkpoint", 0, "FILE.json", "also a checkpoint kept elsewhere (FILE.sig beside it)", struct verify_args, checkpoint),
        OPT_END,
};

static int audit_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct verify_args *a = ctx->args;
        const char *key = a->key, *checkpoint = a->checkpoint;
        struct audit_check rep;
        int r = audit_check(ctx->db, &rep);
        if (r < 0) return cmd_fail_err(r);
        if (rep.problem) {
                int s = cmd_fail("audit log broken: %s", rep.problem);
                audit_check_done(&rep);
                cmd_audit_checkpoints(ctx, key, checkpoint); /* a cut tail says so too */
                return s;
        }
        audit_check_done(&rep);
        /* signed checkpoints (issue 7): the log must still reach each one */
        int s = cmd_audit_checkpoints(ctx, key, checkpoint);
        if (s) return s;
        out_printf("audit log intact: %lld events, head %s\n", (long long) rep.events, rep.events ? rep.head : "(empty)");
        return 0;
}

struct accept_args {
        const char *by, *reason;
};
static const struct opt accept_opts[] = {
        OPT_STRING_REQUIRED("by", 0, "NAME", "who decided that the row stands as found (recorded in the event)", struct accept_args, by),
        OPT_STRING_REQUIRED("reason", 0, "TEXT", "why (recorded in the event)", struct accept_args, reason),
        OPT_END,
};

static int audit_accept_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct accept_args *a = ctx->args;
        int64_t event, previous;
        _cleanup_free_ char *row = NULL;
        const char *found;
        int r = audit_accept(ctx->db, argv[1], argv[2], a->by, a->reason, &event, &previous, &row, &found);
        if (r < 0) return cmd_fail_err(r);
        if (previous)
                out_printf("%s accepted as found (%s since audit event %lld): audit event %lld, decided by %s\n", row, found,
                           (long long) previous, (long long) event, a->by);
        else
                out_printf("%s accepted as found (%s): audit event %lld, decided by %s\n", row, found, (long long) event, a->by);
        return 0;
}

const struct command audit_commands[] = {
        {"log", audit_log_cmd, CMD_DB, "[TAG|REF]", "show the audit trail, all or for one subject", NULL,
         OPTIONS(format_opts, struct format_args), POS(0, 1, "give at most one tag or reference")},
        {"verify", audit_verify_cmd, CMD_DB, "", "recompute the hash chain and check every covered row against it", NULL,
         OPTIONS(verify_opts, struct verify_args)},
        {"checkpoint", cmd_audit_checkpoint, CMD_DB | CMD_WRITE, "",
         "sign the head hash and event count, so deleting the tail of the log is detected", NULL,
         OPTIONS(checkpoint_opts, struct checkpoint_args)},
        {"accept", audit_accept_cmd, CMD_DB | CMD_WRITE, "TABLE KEY",
         "record that a row changed outside assetctl stands as found, so writes to it work again",
         "  TABLE is the table audit verify names (assets, people, settings, loans, ...);\n"
         "  KEY the row's tag, reference or setting key, or its row number. On a trust,\n"
         "  grants and schools (KEY: the grant's number, the school's code) are the\n"
         "  trust's own chain's. The event names who decided and why; nothing is\n"
         "  accepted silently.\n",
         OPTIONS(accept_opts, struct accept_args), POS(2, 2, "give the table and the row's key")},
        {NULL},
};
