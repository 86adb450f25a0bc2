/* assetctl incident, found, lostprop, check: loss, theft and damage,
 * kit that turns up again, lost property, PAT tests. */
#include "commands.h"
#include "incident.h"

static int format_opt(int c, enum out_format *fmt) {
        if (c == OPT_JSON) *fmt = OUT_JSON;
        else if (c == OPT_CSV) *fmt = OUT_CSV;
        else return -1;
        return 0;
}

static int incident_report_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"kind", required_argument, NULL, 'k'}, {"details", required_argument, NULL, 'd'},
                {"person", required_argument, NULL, 'p'}, {"action", required_argument, NULL, 'a'},
                {"room", required_argument, NULL, 'r'}, {"date", required_argument, NULL, 'D'}, OPTS_HELP, {},
        };
        struct incident_opts o = {0};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'k': o.kind = optarg; break;
                case 'd': o.details = optarg; break;
                case 'p': o.person = optarg; break;
                case 'a': o.action = optarg; break;
                case 'r': o.room = optarg; break;
                case 'D': o.date = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        if (!o.kind) return cmd_usage_error(ctx, "--kind lost|stolen|damaged is required");
        if (!o.details) return cmd_usage_error(ctx, "--details is required: say what happened");
        int64_t id;
        int r = incident_report(ctx->db, argv[optind], &o, &id);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        printf("incident %lld: %s %s%s\n", (long long) id, tag, o.kind,
               streq(o.kind, "damaged") ? "" : " (out of stock until found: 'assetctl found TAG')");
        return 0;
}

static int incident_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"kind", required_argument, NULL, 'k'}, OPTS_FORMAT, OPTS_HELP, {}};
        static const struct column cols[] = {{"id", "ID"}, {"happened_on", "DATE"}, {"tag", "TAG"}, {"kind", "KIND"},
                                             {"person", "PERSON"}, {"room", "ROOM"}, {"details", "DETAILS"}, {"action", "ACTION"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        const char *kind = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                if (c == 'k') kind = optarg;
                else if (format_opt(c, &fmt) < 0) return cmd_bad_option(ctx);
        }
        if (argc - optind > 1) return cmd_usage_error(ctx, "give at most one tag");
        _cleanup_json_ json_t *rows = NULL;
        int r = incident_list(ctx->db, optind < argc ? argv[optind] : NULL, kind, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command incident_commands[] = {
        {"report", incident_report_cmd, CMD_DB | CMD_WRITE, "TAG --kind lost|stolen|damaged --details TEXT [OPTIONS]",
         "log loss, theft or damage (lost and stolen kit leaves stock)",
         "  --kind K             lost, stolen or damaged\n"
         "  --details TEXT       what happened\n"
         "  --person REF         who reported it or had it (default: who holds it)\n"
         "  --room ROOM          where (default: the asset's location)\n"
         "  --action TEXT        action taken\n"
         "  --date DATE          when it happened (default today)\n"},
        {"list", incident_list_cmd, CMD_DB, "[TAG] [--kind K] [--json|--csv]", "list incidents, newest first",
         "  --kind K             only lost, stolen or damaged\n  --json, --csv        machine-readable output\n"},
        {NULL},
};

int cmd_found(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"notes", required_argument, NULL, 'n'}, OPTS_HELP, {}};
        const char *notes = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'n': notes = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        int r = asset_found(ctx->db, argv[optind], notes);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        printf("%s found and back in stock\n", tag);
        return 0;
}

static int lp_add(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"description", required_argument, NULL, 'd'}, {"serial", required_argument, NULL, 's'},
                {"where", required_argument, NULL, 'w'}, {"found", required_argument, NULL, 'f'},
                {"hold-until", required_argument, NULL, 'u'}, OPTS_HELP, {},
        };
        struct lostprop_opts o = {0};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': o.description = optarg; break;
                case 's': o.serial = optarg; break;
                case 'w': o.where = optarg; break;
                case 'f': o.found_on = optarg; break;
                case 'u': o.hold_until = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if (!o.description) return cmd_usage_error(ctx, "--description is required");
        int64_t id;
        char hold[11];
        int r = lostprop_add(ctx->db, &o, &id, hold);
        if (r < 0) return cmd_fail("cannot record lost property: %s", err_msg());
        printf("lost property %lld held until %s\n", (long long) id, hold);
        return 0;
}

static int lp_id(struct ctx *ctx, int argc, char **argv, int64_t *id) {
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one item number");
        if (parse_int64(argv[optind], id) < 0 || *id <= 0) return cmd_usage_error(ctx, "'%s' is not an item number", argv[optind]);
        return -1;
}

static int lp_claim(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"by", required_argument, NULL, 'b'}, {"date", required_argument, NULL, 'd'}, OPTS_HELP, {}};
        const char *by = NULL, *date = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'b': by = optarg; break;
                case 'd': date = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        int64_t id;
        int u = lp_id(ctx, argc, argv, &id);
        if (u >= 0) return u;
        if (!by) return cmd_usage_error(ctx, "--by is required: who claimed it");
        int r = lostprop_claim(ctx->db, id, by, date);
        if (r < 0) return cmd_fail_err(r);
        printf("lost property %lld handed back to %s\n", (long long) id, by);
        return 0;
}

static int lp_dispose(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"date", required_argument, NULL, 'd'}, OPTS_HELP, {}};
        const char *date = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': date = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        int64_t id;
        int u = lp_id(ctx, argc, argv, &id);
        if (u >= 0) return u;
        int r = lostprop_dispose(ctx->db, id, date);
        if (r < 0) return cmd_fail_err(r);
        printf("lost property %lld disposed of\n", (long long) id);
        return 0;
}

static const struct column lp_cols[] = {
        {"id", "ID"}, {"description", "DESCRIPTION"}, {"serial", "SERIAL"}, {"found_where", "WHERE"}, {"found_on", "FOUND"},
        {"hold_until", "HOLD UNTIL"}, {"claimed_by", "CLAIMED BY"}, {"disposed_on", "DISPOSED"}, {NULL},
};

static int lostprop_list_cmd(struct ctx *ctx, int argc, char **argv, bool due) {
        static const struct option opts[] = {{"due", no_argument, NULL, 'd'}, OPTS_FORMAT, OPTS_HELP, {}};
        enum out_format fmt = OUT_TABLE;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                if (c == 'd') due = true;
                else if (format_opt(c, &fmt) < 0) return cmd_bad_option(ctx);
        }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_json_ json_t *rows = NULL;
        int r = lostprop_list(ctx->db, due, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, lp_cols, rows);
        return 0;
}

static int lp_list(struct ctx *ctx, int argc, char **argv) { return lostprop_list_cmd(ctx, argc, argv, false); }

static int lp_terms(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) return cmd_bad_option(ctx);
        if (argc - optind > 1) return cmd_usage_error(ctx, "give the term ends as one argument: MM-DD,MM-DD,...");
        int r;
        if (argc - optind == 1) {
                r = lostprop_set_term_ends(ctx->db, argv[optind]);
                if (r < 0) return cmd_fail_err(r);
        }
        _cleanup_free_ char *ends = NULL;
        r = lostprop_term_ends(ctx->db, &ends);
        if (r < 0) return cmd_fail_err(r);
        printf("terms end on %s\n", ends);
        return 0;
}

const struct command lostprop_commands[] = {
        {"add", lp_add, CMD_DB | CMD_WRITE, "--description TEXT [--serial S] [--where W] [--found DATE] [--hold-until DATE]",
         "record an unclaimed item; it is held until the end of the next term",
         "  --description TEXT   what it is\n"
         "  --serial S           its serial number, if it has one\n"
         "  --where W            where it was found\n"
         "  --found DATE         when it was found (default today)\n"
         "  --hold-until DATE    instead of the end of the term after the current one\n"
         "                       (term ends: setting lostprop_term_ends, default 03-31,07-20,12-20)\n"},
        {"claim", lp_claim, CMD_DB | CMD_WRITE, "ID --by WHO [--date DATE]", "hand an item back to its owner", NULL},
        {"dispose", lp_dispose, CMD_DB | CMD_WRITE, "ID [--date DATE]", "record that an unclaimed item past its hold date was disposed of", NULL},
        {"terms", lp_terms, CMD_DB | CMD_WRITE, "[MM-DD,MM-DD,...]", "show or set the term end dates used for the hold",
         "  MM-DD,...            the days terms end (default 03-31,07-20,12-20: English terms, roughly)\n"},
        {"list", lp_list, CMD_DB, "[--due] [--json|--csv]", "list lost property",
         "  --due                only unclaimed items whose hold has ended\n  --json, --csv        machine-readable output\n"},
        {NULL},
};

static int check_add_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"kind", required_argument, NULL, 'k'}, {"result", required_argument, NULL, 'r'},
                {"next", required_argument, NULL, 'n'}, {"date", required_argument, NULL, 'd'},
                {"notes", required_argument, NULL, 'N'}, OPTS_HELP, {},
        };
        struct check_opts o = {0};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'k': o.kind = optarg; break;
                case 'r': o.result = optarg; break;
                case 'n': o.next = optarg; break;
                case 'd': o.date = optarg; break;
                case 'N': o.notes = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        if (!o.kind || !o.result) return cmd_usage_error(ctx, "--kind and --result are required");
        int64_t id;
        char next[11];
        int r = check_add(ctx->db, argv[optind], &o, &id, next);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        if (*next) printf("%s: %s %s, next due %s\n", tag, o.kind, o.result, next);
        else printf("%s: %s %s (take it out of use until it is repaired and passes)\n", tag, o.kind, o.result);
        return 0;
}

static int check_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_FORMAT, OPTS_HELP, {}};
        static const struct column cols[] = {{"tag", "TAG"}, {"kind", "KIND"}, {"result", "RESULT"}, {"checked_on", "CHECKED"},
                                             {"next_due", "NEXT DUE"}, {"notes", "NOTES"}, {NULL}};
        enum out_format fmt = OUT_TABLE;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
                if (format_opt(c, &fmt) < 0) return cmd_bad_option(ctx);
        if (argc - optind > 1) return cmd_usage_error(ctx, "give at most one tag");
        _cleanup_json_ json_t *rows = NULL;
        int r = check_list(ctx->db, optind < argc ? argv[optind] : NULL, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cols, rows);
        return 0;
}

const struct command check_commands[] = {
        {"add", check_add_cmd, CMD_DB | CMD_WRITE, "TAG --kind pat --result pass|fail [--next DATE] [--date DATE] [--notes T]",
         "record a maintenance check (PAT test)",
         "  --kind pat           the kind of check\n"
         "  --result R           pass or fail\n"
         "  --next DATE          when the next is due (default: a year after a pass)\n"
         "  --date DATE          when it was done (default today)\n"},
        {"list", check_list_cmd, CMD_DB, "[TAG] [--json|--csv]", "list checks, newest first", NULL},
        {NULL},
};
