/* assetctl incident, found, lostprop, check: loss, theft and damage,
 * kit that turns up again, lost property, PAT tests. */
#include "commands.h"
#include "incident.h"

#define IO struct incident_opts
static const struct opt report_opts[] = {
        OPT_STRING("kind", 0, "K", "lost, stolen or damaged", IO, kind),
        OPT_STRING("details", 0, "TEXT", "what happened", IO, details),
        OPT_STRING("person", 0, "REF", "who reported it or had it (default: who holds it)", IO, person),
        OPT_STRING("room", 0, "ROOM", "where (default: the asset's location)", IO, room),
        OPT_STRING("action", 0, "TEXT", "action taken", IO, action),
        OPT_STRING("date", 0, "DATE", "when it happened (default today)", IO, date),
        OPT_END,
};
#undef IO

static int incident_report_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct incident_opts o = *(const struct incident_opts *) ctx->args;
        if (!o.kind) return cmd_usage_error(ctx, "--kind lost|stolen|damaged is required");
        if (!o.details) return cmd_usage_error(ctx, "--details is required: say what happened");
        int64_t id;
        int r = incident_report(ctx->db, argv[1], &o, &id);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        out_printf("incident %lld: %s %s%s\n", (long long) id, tag, o.kind,
                   streq(o.kind, "damaged") ? "" : " (out of stock until found: 'assetctl found TAG')");
        return 0;
}

struct incident_list_args {
        const char *kind;
        enum out_format fmt;
};
static const struct opt incident_list_opts[] = {
        OPT_STRING("kind", 0, "K", "only lost, stolen or damaged", struct incident_list_args, kind),
        OPT_FORMAT(struct incident_list_args, fmt),
        OPT_END,
};

static int incident_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"id", "ID"}, {"happened_on", "DATE"}, {"tag", "TAG"}, {"kind", "KIND"},
                                             {"person", "PERSON"}, {"room", "ROOM"}, {"details", "DETAILS"}, {"action", "ACTION"}, {NULL}};
        const struct incident_list_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        const char *kind = a->kind;
        _cleanup_json_ json_t *rows = NULL;
        int r = incident_list(ctx->db, argc > 1 ? argv[1] : NULL, kind, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command incident_commands[] = {
        {"report", incident_report_cmd, CMD_DB | CMD_WRITE, "TAG", "log loss, theft or damage (lost and stolen kit leaves stock)", NULL,
         OPTIONS(report_opts, struct incident_opts), POS(1, 1, "give one tag")},
        {"list", incident_list_cmd, CMD_DB, "[TAG]", "list incidents, newest first", NULL,
         OPTIONS(incident_list_opts, struct incident_list_args), POS(0, 1, "give at most one tag")},
        {NULL},
};

const struct opt found_opts[] = {
        OPT_STRING("notes", 0, "TEXT", "where it turned up, in what state (kept in the audit log)", struct found_args, notes),
        OPT_END,
};

int cmd_found(struct ctx *ctx, int argc, char **argv) {
        const char *notes = ((const struct found_args *) ctx->args)->notes;
        int r = asset_found(ctx->db, argv[1], notes);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        out_printf("%s found and back in stock\n", tag);
        return 0;
}

#define LO struct lostprop_opts
static const struct opt lp_add_opts[] = {
        OPT_STRING_REQUIRED("description", 0, "TEXT", "what it is", LO, description),
        OPT_STRING("serial", 0, "S", "its serial number, if it has one", LO, serial),
        OPT_STRING("where", 0, "W", "where it was found", LO, where),
        OPT_STRING("found", 0, "DATE", "when it was found (default today)", LO, found_on),
        OPT_STRING("hold-until", 0, "DATE", "instead of the end of the term after the current one\n"
                   "(term ends: setting lostprop_term_ends, default 03-31,07-20,12-20)", LO, hold_until),
        OPT_END,
};
#undef LO

static int lp_add(struct ctx *ctx, int argc, char **argv) {
        const struct lostprop_opts o = *(const struct lostprop_opts *) ctx->args;
        int64_t id;
        char hold[11];
        int r = lostprop_add(ctx->db, &o, &id, hold);
        if (r < 0) return cmd_fail("cannot record lost property: %s", err_msg());
        out_printf("lost property %lld held until %s\n", (long long) id, hold);
        return 0;
}

/* The item number in argv[1]; returns -1 to go on, else the usage status. */
static int lp_id(struct ctx *ctx, char **argv, int64_t *id) {
        if (parse_int64(argv[1], id) < 0 || *id <= 0) return cmd_usage_error(ctx, "'%s' is not an item number", argv[1]);
        return -1;
}

struct lp_args {
        const char *by, *date;
};
static const struct opt lp_claim_opts[] = {
        OPT_STRING("by", 0, "WHO", "who claimed it", struct lp_args, by),
        OPT_STRING("date", 0, "DATE", "when (default today)", struct lp_args, date),
        OPT_END,
};
static const struct opt lp_dispose_opts[] = {OPT_STRING("date", 0, "DATE", "when (default today)", struct lp_args, date), OPT_END};

static int lp_claim(struct ctx *ctx, int argc, char **argv) {
        const struct lp_args *a = ctx->args;
        const char *by = a->by, *date = a->date;
        int64_t id;
        int u = lp_id(ctx, argv, &id);
        if (u >= 0) return u;
        if (!by) return cmd_usage_error(ctx, "--by is required: who claimed it");
        int r = lostprop_claim(ctx->db, id, by, date);
        if (r < 0) return cmd_fail_err(r);
        out_printf("lost property %lld handed back to %s\n", (long long) id, by);
        return 0;
}

static int lp_dispose(struct ctx *ctx, int argc, char **argv) {
        const char *date = ((const struct lp_args *) ctx->args)->date;
        int64_t id;
        int u = lp_id(ctx, argv, &id);
        if (u >= 0) return u;
        int r = lostprop_dispose(ctx->db, id, date);
        if (r < 0) return cmd_fail_err(r);
        out_printf("lost property %lld disposed of\n", (long long) id);
        return 0;
}

static const struct column lp_cols[] = {
        {"id", "ID"}, {"description", "DESCRIPTION"}, {"serial", "SERIAL"}, {"found_where", "WHERE"}, {"found_on", "FOUND"},
        {"hold_until", "HOLD UNTIL"}, {"claimed_by", "CLAIMED BY"}, {"disposed_on", "DISPOSED"}, {NULL},
};

struct lp_list_args {
        bool due;
        enum out_format fmt;
};
static const struct opt lp_list_opts[] = {
        OPT_FLAG("due", 0, "only unclaimed items whose hold has ended", struct lp_list_args, due),
        OPT_FORMAT(struct lp_list_args, fmt),
        OPT_END,
};

static int lp_list(struct ctx *ctx, int argc, char **argv) {
        const struct lp_list_args *a = ctx->args;
        bool due = a->due;
        enum out_format fmt = a->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = lostprop_list(ctx->db, due, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, lp_cols, rows);
        return 0;
}

static int lp_terms(struct ctx *ctx, int argc, char **argv) {
        int r;
        if (argc == 2) {
                r = lostprop_set_term_ends(ctx->db, argv[1]);
                if (r < 0) return cmd_fail_err(r);
        }
        _cleanup_free_ char *ends = NULL;
        r = lostprop_term_ends(ctx->db, &ends);
        if (r < 0) return cmd_fail_err(r);
        out_printf("terms end on %s\n", ends);
        return 0;
}

const struct command lostprop_commands[] = {
        {"add", lp_add, CMD_DB | CMD_WRITE, "", "record an unclaimed item; it is held until the end of the next term", NULL,
         OPTIONS(lp_add_opts, struct lostprop_opts)},
        {"claim", lp_claim, CMD_DB | CMD_WRITE, "ID", "hand an item back to its owner", NULL, OPTIONS(lp_claim_opts, struct lp_args),
         POS(1, 1, "give one item number")},
        {"dispose", lp_dispose, CMD_DB | CMD_WRITE, "ID", "record that an unclaimed item past its hold date was disposed of", NULL,
         OPTIONS(lp_dispose_opts, struct lp_args), POS(1, 1, "give one item number")},
        {"terms", lp_terms, CMD_DB | CMD_WRITE, "[MM-DD,MM-DD,...]", "show or set the term end dates used for the hold",
         "  MM-DD,...            the days terms end (default 03-31,07-20,12-20: English terms, roughly)\n",
         OPTIONS(opts_none, char), POS(0, 1, "give the term ends as one argument: MM-DD,MM-DD,...")},
        {"list", lp_list, CMD_DB, "", "list lost property", NULL, OPTIONS(lp_list_opts, struct lp_list_args)},
        {NULL},
};

#define CO struct check_opts
static const struct opt check_add_opts[] = {
        OPT_STRING("kind", 0, "K", "the kind of check: pat", CO, kind),
        OPT_STRING("result", 0, "R", "pass or fail", CO, result),
        OPT_STRING("next", 0, "DATE", "when the next is due (default: a year after a pass)", CO, next),
        OPT_STRING("date", 0, "DATE", "when it was done (default today)", CO, date),
        OPT_STRING("notes", 0, "T", "notes", CO, notes),
        OPT_END,
};
#undef CO

static int check_add_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct check_opts o = *(const struct check_opts *) ctx->args;
        if (!o.kind || !o.result) return cmd_usage_error(ctx, "--kind and --result are required");
        int64_t id;
        char next[11];
        int r = check_add(ctx->db, argv[1], &o, &id, next);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        if (*next) out_printf("%s: %s %s, next due %s\n", tag, o.kind, o.result, next);
        else out_printf("%s: %s %s (take it out of use until it is repaired and passes)\n", tag, o.kind, o.result);
        return 0;
}

static int check_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct column cols[] = {{"tag", "TAG"}, {"kind", "KIND"}, {"result", "RESULT"}, {"checked_on", "CHECKED"},
                                             {"next_due", "NEXT DUE"}, {"notes", "NOTES"}, {NULL}};
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = check_list(ctx->db, argc > 1 ? argv[1] : NULL, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command check_commands[] = {
        {"add", check_add_cmd, CMD_DB | CMD_WRITE, "TAG", "record a maintenance check (PAT test)", NULL,
         OPTIONS(check_add_opts, struct check_opts), POS(1, 1, "give one tag")},
        {"list", check_list_cmd, CMD_DB, "[TAG]", "list checks, newest first", NULL, OPTIONS(format_opts, struct format_args),
         POS(0, 1, "give at most one tag")},
        {NULL},
};
