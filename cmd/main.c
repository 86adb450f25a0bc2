/* assetctl: the dispatcher. One table names every command with its handler,
 * what it needs before it runs and its help; `assetctl help`, `--help` and
 * the shell completion are printed from it. */
#include "config.h"
#include "cmd.h"
#include "commands.h"

#include <ctype.h>
#include <locale.h>

static int cmd_help_all(struct ctx *ctx, int argc, char **argv);
static int cmd_version(struct ctx *ctx, int argc, char **argv);
static int cmd_completion(struct ctx *ctx, int argc, char **argv);

struct help_args {
        bool man;
};
static const struct opt help_opts[] = {
        OPT_FLAG("man", 0, "print every command and its options as the man page's scdoc COMMANDS section", struct help_args, man),
        OPT_END,
};

/* wipe list, show, verify: sub-commands of wipe, whose own leaf (wipe
 * DEVICE...) runs when the next word is none of them. */
static const struct command wipe_commands[] = {
        {"list", wipe_list_cmd, CMD_DB, "", "the wipes in the register", NULL, OPTIONS(wipe_list_opts, struct wipe_list_args)},
        {"show", wipe_show_cmd, CMD_DB, "ID", "one wipe with its passes, roots and seeds", NULL, OPTIONS(format_opts, struct format_args),
         POS(1, 1, "give one wipe number")},
        {"verify", wipe_verify_cmd, CMD_DB, "DEVICE",
         "read-only check of a drive against a pattern, or against a stored wipe's last pass", NULL,
         OPTIONS(wipe_verify_opts, struct wipe_verify_args), POS(1, 1, "give one device or image file")},
        {NULL},
};

const struct command commands[] = {
        {"init", cmd_init, CMD_DB | CMD_WRITE | CMD_CREATE, "", "create the register (or change the school's name)", NULL,
         OPTIONS(init_opts, struct init_args)},
        {"asset", NULL, 0, NULL, "the asset register", NULL, asset_commands},
        {"person", NULL, 0, NULL, "people: staff, pupils, governors, volunteers", NULL, person_commands},
        {"audit", NULL, 0, NULL, "the tamper-evident audit log", NULL, audit_commands},
        {"issue", cmd_issue, CMD_DB | CMD_WRITE, "TAG REF",
         "lend an asset to a person (signed agreement, not a leaver, personal data encrypted)", NULL,
         OPTIONS(loan_issue_opts, struct loan_issue_args), POS(2, 2, "give a tag and a person's reference")},
        {"return", cmd_return, CMD_DB | CMD_WRITE, "[TAG...]",
         "take an asset back, or everything a person holds", NULL,
         OPTIONS(loan_return_opts, struct loan_return_args), POS(0, POS_ANY, NULL)},
        {"receipt", cmd_receipt, CMD_DB, "TAG", "print the loan receipt of an asset's current (or last) loan", NULL,
         OPTIONS(loan_receipt_opts, struct loan_receipt_args), POS(1, 1, "give one tag")},
        {"scan", cmd_scan, CMD_DB | CMD_WRITE, "", "read a hand scanner: a person, then kit to issue; kit alone to return", NULL,
         OPTIONS(scan_opts, struct scan_args), POS(0, 0, "(scans come on standard input)")},
        {"stocktake", NULL, 0, NULL, "stock-takes: count a room against the register", NULL, stocktake_commands},
        {"incident", NULL, 0, NULL, "loss, theft and damage", NULL, incident_commands},
        {"found", cmd_found, CMD_DB | CMD_WRITE, "TAG", "a lost or stolen asset is back: return it to stock", NULL,
         OPTIONS(found_opts, struct found_args), POS(1, 1, "give one tag")},
        {"lostprop", NULL, 0, NULL, "lost property held for its owner", NULL, lostprop_commands},
        {"check", NULL, 0, NULL, "maintenance checks (PAT tests)", NULL, check_commands},
        {"report", NULL, 0, NULL, "reports: overdue loans, leavers, compliance, disposals", NULL, report_commands},
        {"label", cmd_label, CMD_DB, "[TAG...]",
         "print QR labels: A4 sheets as PDF, one label as PNG/SVG, or on a Brother QL printer",
         "Give the assets as TAGs, or by --all, --status or --location; and one output:\n"
         "--sheet with -o, --png, --svg, --printer or --raster.\n",
         OPTIONS(label_opts, struct label_args), POS(0, POS_ANY, NULL)},
        {"printers", cmd_printers, 0, "", "list the Brother QL label printers connected over USB", NULL,
         OPTIONS(format_opts, struct format_args)},
        {"wipe", cmd_wipe, CMD_DB | CMD_WRITE | CMD_DESTRUCTIVE, "DEVICE...",
         "wipe drives (a verified overwrite, or the drive's own sanitize, proved by markers); list, show and re-check wipes",
         "DEVICE...: block devices (/dev/sdb, /dev/disk/by-id/...) or image files, wiped at once.\n"
         "list, show and verify are sub-commands only right after 'wipe'; a file of that name\n"
         "is wiped as ./list (the bare word is refused anywhere else).\n",
         wipe_commands, OPTIONS(wipe_run_opts, struct wipe_args), POS(0, POS_ANY, NULL)},
        {"devices", cmd_devices, CMD_DB, "[DEVICE]", "the drives this machine sees, matched to the register",
         "DEVICE shows one drive with every field; --json and --csv print every field.\n", OPTIONS(devices_opts, struct devices_args),
         POS(0, POS_ANY, NULL)},
        {"usb", cmd_usb, CMD_DB, "", "USB devices plugged in, and whether each is registered", NULL,
         OPTIONS(usb_opts, struct usb_args), POS(0, 0, NULL)},
        {"key", NULL, 0, NULL, "signing keys for certificates, manifests and checkpoints", NULL, key_commands},
        {"disposal", NULL, 0, NULL, "disposal requests, authorisations and destruction records", NULL, disposal_commands},
        {"cert", NULL, 0, NULL, "signed wipe certificates; verify one offline", NULL, cert_commands},
        {"consignment", NULL, 0, NULL, "consignments to the disposal firm and its receipts", NULL, consignment_commands},
        {"firm", NULL, 0, NULL, "disposal firms as data processors: their contracts", NULL, firm_commands},
        {"setting", NULL, 0, NULL, "the school's address, SIC code and contacts for the waste notes", NULL, setting_commands},
        {"trust", NULL, 0, NULL, "a multi-academy trust on PostgreSQL: its schools and who may work in them", NULL, trust_commands},
        {"demo", cmd_demo, 0, "", "a guided walk through the whole job on a throwaway register", NULL,
         OPTIONS(demo_opts, struct demo_args)},
        {"help", cmd_help_all, 0, "[COMMAND [SUBCOMMAND...]]", "list the commands, or show one command's help", NULL,
         OPTIONS(help_opts, struct help_args), POS(0, 3, NULL)},
        {"version", cmd_version, 0, "", "print the version", NULL, OPTIONS(opts_none, char)},
        {"completion", cmd_completion, 0, "bash", "print a bash completion script", NULL, OPTIONS(opts_none, char),
         POS(1, 1, "only 'bash' is supported")},
        {NULL},
};

static const char *prog = "assetctl";

static void print_usage_line(FILE *f, const char *path, const struct command *c) {
        _cleanup_free_ char *syn = opt_synopsis(c);
        fprintf(f, "usage: %s %s%s%s\n", prog, path, *syn ? " " : "", syn);
}

static void print_group(FILE *f, const char *path, const struct command *table) {
        size_t w = 0;
        for (const struct command *c = table; c->name; c++)
                if (strlen(c->name) > w) w = strlen(c->name);
        if (path)
                fprintf(f, "usage: %s %s COMMAND [OPTIONS]\n\ncommands:\n", prog, path);
        else
                fprintf(f, "usage: %s [--db PATH] COMMAND [SUBCOMMAND] [OPTIONS]\n\ncommands:\n", prog);
        for (const struct command *c = table; c->name; c++)
                fprintf(f, "  %-*s  %s\n", (int) w, c->name, c->summary);
        fprintf(f, "\nRun '%s %s%sCOMMAND --help' for a command's options.\n", prog, path ? path : "", path ? " " : "");
}

int cmd_help(const struct ctx *ctx) {
        const struct command *c = ctx->cmd;
        print_usage_line(stdout, ctx->path, c);
        printf("\n%s\n", c->summary);
        if (c->opts && c->opts[0].name) {
                printf("\noptions:\n");
                opt_print_help(c->opts);
        }
        if (c->options) printf("\n%s", c->options);
        if (c->sub && c->run) {
                printf("\nsub-commands:\n");
                for (const struct command *s = c->sub; s->name; s++) printf("  %s %-8s  %s\n", c->name, s->name, s->summary);
        }
        return 0;
}

int cmd_bad_option(const struct ctx *ctx) {
        print_usage_line(stderr, ctx->path, ctx->cmd);
        fprintf(stderr, "Run '%s %s --help' for the options.\n", prog, ctx->path);
        return 2;
}

/* "PREFIX: <fmt>\n" to stderr, the arguments escaped. */
static void print_message(const char *prefix, const char *fmt, va_list ap) {
        struct strbuf sb = {0};
        sb_puts(&sb, prefix);
        sb_vprintf_safe(&sb, fmt, ap);
        sb_add(&sb, "\n", 1);
        fputs(sb.buf, stderr);
        sb_free(&sb);
}

int cmd_usage_error(const struct ctx *ctx, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        print_message("error: ", fmt, ap);
        va_end(ap);
        return cmd_bad_option(ctx);
}

int cmd_fail(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        print_message("error: ", fmt, ap);
        va_end(ap);
        return 1;
}

int cmd_fail_err(int r) {
        const char *m = err_msg();
        return cmd_fail("%s", *m ? m : strerror(r < 0 ? -r : r));
}

void cmd_warn(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        print_message("warning: ", fmt, ap);
        va_end(ap);
}

void cmd_getopt_reset(void) {
        optind = 0; /* glibc: 0 re-initialises, including argument permutation */
        opterr = 1;
}

int cmd_open_db(struct ctx *ctx, unsigned flags) {
        if (ctx->db) return 0;
        unsigned of = 0;
        if (flags & CMD_CREATE) of |= REGISTER_CREATE;
        if (!(flags & (CMD_WRITE | CMD_CREATE))) of |= REGISTER_QUERY;
        return register_open(ctx->db_opt, ctx->school_opt, of, &ctx->db);
}

static const struct command *find(const struct command *table, const char *name) {
        for (const struct command *c = table; c->name; c++)
                if (streq(c->name, name)) return c;
        return NULL;
}

/* One command's scdoc entry: its usage, summary and options. */
static void print_man_entry(const char *path, const struct command *c) {
        _cleanup_free_ char *syn = opt_synopsis(c);
        printf("*%s*%s", path, *syn ? " " : "");
        /* scdoc: a leading or lone underscore or asterisk would start emphasis */
        for (const char *p = syn; *p; p++) printf("%s%c", *p == '*' || *p == '_' ? "\\" : "", *p);
        printf("\n\t%s.\n\n", c->summary);
        opt_print_man(c->opts);
}

/* The entries of a command table and of the groups nested in it. */
static void print_man_table(const char *prefix, const struct command *table) {
        for (const struct command *c = table; c->name; c++) {
                _cleanup_free_ char *path = prefix ? xasprintf("%s %s", prefix, c->name) : xstrdup(c->name);
                if (c->run) print_man_entry(path, c);
                if (c->sub) print_man_table(path, c->sub);
        }
}

/* The man page's COMMANDS section, from the table. */
static int print_man(void) {
        printf("# COMMANDS\n\n"
               "Every command takes *--help*; the options of each, as *--help* prints them:\n\n");
        print_man_table(NULL, commands);
        return 0;
}

static int cmd_help_all(struct ctx *ctx, int argc, char **argv) {
        const struct help_args *a = ctx->args;
        if (a && a->man) return print_man();
        if (argc < 2) {
                print_group(stdout, NULL, commands);
                return 0;
        }
        /* walk the words down the nested groups: help trust school add */
        const struct command *table = commands, *c = NULL;
        _cleanup_free_ char *path = NULL;
        for (int i = 1; i < argc; i++) {
                const struct command *s = table ? find(table, argv[i]) : NULL;
                if (!s) {
                        if (path)
                                out_fprintf(stderr, "error: '%s %s' is not an assetctl command: see 'assetctl help %s'\n", path, argv[i], path);
                        else
                                out_fprintf(stderr, "error: '%s' is not an assetctl command: see 'assetctl help'\n", argv[i]);
                        return 2;
                }
                char *p = path ? xasprintf("%s %s", path, s->name) : xstrdup(s->name);
                free(path);
                path = p;
                c = s;
                table = s->sub;
        }
        if (c->sub && !c->run) {
                print_group(stdout, path, c->sub);
                return 0;
        }
        struct ctx sub = {.cmd = c, .path = path};
        return cmd_help(&sub);
}

static int cmd_version(struct ctx *ctx, int argc, char **argv) {
        printf("assetctl %s\n", ASSETCTL_VERSION);
        return 0;
}

/* A leaf's options, space-separated, "--help" first (a line of the
 * completion script), from its option table. */
static void print_options(const struct command *c) {
        printf("--help");
        opt_print_names(c->opts);
}

/* Print the names of a command table, space-separated. */
static void print_names(const struct command *list) {
        for (const struct command *c = list; c->name; c++) printf("%s%s", c == list ? "" : " ", c->name);
}

/* The bash completion script's functions: each group's sub-commands, and
 * each leaf's options ("wipe" and "wipe list" both, for a group with a leaf
 * of its own). */
static void print_completion_subs(const char *prefix, const struct command *table) {
        for (const struct command *c = table; c->name; c++) {
                if (!c->sub) continue;
                _cleanup_free_ char *path = prefix ? xasprintf("%s %s", prefix, c->name) : xstrdup(c->name);
                printf("    \"%s\") echo \"", path);
                print_names(c->sub);
                printf("\" ;;\n");
                print_completion_subs(path, c->sub);
        }
}

static void print_completion_opts(const char *prefix, const struct command *table) {
        for (const struct command *c = table; c->name; c++) {
                _cleanup_free_ char *path = prefix ? xasprintf("%s %s", prefix, c->name) : xstrdup(c->name);
                if (c->sub) print_completion_opts(path, c->sub);
                if (!c->run) continue;
                printf("    \"%s\") echo \"", path);
                print_options(c);
                printf("\" ;;\n");
        }
}

static void print_completion_tables(void) {
        printf("_assetctl_subs() {\n"
               "    case $1 in\n");
        print_completion_subs(NULL, commands);
        printf("    help) echo \"");
        print_names(commands);
        printf("\" ;;\n    esac\n}\n"
               "_assetctl_opts() {\n"
               "    case $1 in\n");
        print_completion_opts(NULL, commands);
        printf("    esac\n}\n");
        /* groups whose own leaf takes files (wipe DEVICE...) */
        printf("_assetctl_leaf_groups=\"");
        for (const struct command *c = commands, *first = NULL; c->name; c++)
                if (c->sub && c->run) printf("%s%s", first ? " " : "", c->name), first = c;
        printf("\"\n");
}

/* The bash completion script: commands, sub-commands, `help COMMAND
 * [SUBCOMMAND]`, and each command's options, all from the command table. */
static int cmd_completion(struct ctx *ctx, int argc, char **argv) {
        if (!streq(argv[1], "bash")) return cmd_usage_error(ctx, "only 'bash' is supported");
        printf("# bash completion for assetctl, generated from its command table\n");
        print_completion_tables();
        printf("_assetctl() {\n"
               "    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} words= files=1 key\n"
               "    if [ $COMP_CWORD -eq 1 ]; then\n"
               "        words=\"");
        print_names(commands);
        printf(" --db --help --version\"; files=\n"
               "    elif [ \"$cmd\" = help ]; then\n"
               "        files=\n"
               "        [ $COMP_CWORD -eq 2 ] && words=$(_assetctl_subs help)\n"
               "        [ $COMP_CWORD -eq 3 ] && words=$(_assetctl_subs \"${COMP_WORDS[2]}\")\n"
               "        [ \"${cur#-}\" != \"$cur\" ] && words=$(_assetctl_opts help)\n"
               "    elif [ \"$cmd\" = completion ]; then\n"
               "        words=bash; files=\n"
               "    elif [ $COMP_CWORD -eq 2 ] && [ \"${cur#-}\" = \"$cur\" ] && [ -n \"$(_assetctl_subs \"$cmd\")\" ]; then\n"
               "        words=$(_assetctl_subs \"$cmd\")\n"
               "        [[ \" $_assetctl_leaf_groups \" == *\" $cmd \"* ]] || files=\n"
               "    elif [ $COMP_CWORD -eq 3 ] && [ \"${cur#-}\" = \"$cur\" ] && [ -n \"$(_assetctl_subs \"$cmd ${COMP_WORDS[2]}\")\" ]; then\n"
               "        words=$(_assetctl_subs \"$cmd ${COMP_WORDS[2]}\"); files=\n"
               "    elif [ \"${cur#-}\" != \"$cur\" ]; then\n"
               "        key=\"$cmd ${COMP_WORDS[2]} ${COMP_WORDS[3]}\"\n"
               "        [ -n \"$(_assetctl_opts \"$key\")\" ] || key=\"$cmd ${COMP_WORDS[2]}\"\n"
               "        [ -n \"$(_assetctl_opts \"$key\")\" ] || key=$cmd\n"
               "        words=$(_assetctl_opts \"$key\"); files=\n"
               "    fi\n"
               "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
               "    [ -n \"$files\" ] && COMPREPLY+=($(compgen -f -- \"$cur\"))\n"
               "    return 0\n"
               "}\n"
               "complete -F _assetctl assetctl\n");
        return 0;
}

/* Take --db PATH / --db=PATH out of argv wherever it stands before "--". */
/* Take `--NAME VALUE` or `--NAME=VALUE` out of argv (anywhere before a
 * "--"): the last one's value, or NULL; *bad when it has no value. */
static const char *take_option(const char *name, int *argc, char **argv, int *bad) {
        const char *value = NULL;
        size_t n = strlen(name);
        int o = 1;
        for (int i = 1; i < *argc; i++) {
                if (streq(argv[i], "--")) {
                        while (i < *argc) argv[o++] = argv[i++];
                        break;
                }
                if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0) {
                        const char *rest = argv[i] + 2 + n;
                        if (!*rest) {
                                if (i + 1 >= *argc) {
                                        *bad = 1;
                                        break;
                                }
                                value = argv[++i];
                                continue;
                        }
                        if (*rest == '=') {
                                value = rest + 1;
                                continue;
                        }
                }
                argv[o++] = argv[i];
        }
        *argc = o;
        argv[o] = NULL;
        return value;
}

static bool has_option(const struct command *c, const char *name) {
        for (const struct opt *o = c->opts; o && o->name; o++)
                if (streq(o->name, name)) return true;
        return false;
}

static bool wants_help(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--")) return false;
                if (streq(argv[i], "--help") || streq(argv[i], "-h")) return true;
        }
        return false;
}

/* Find the leaf argv[0..] names in group c (argv[0] is c's name): its row,
 * with *path and argc/argv moved past the words; NULL after printing why
 * not (*ret_status). */
static const struct command *find_leaf(const struct command *c, char **path, int *argc, char ***argv, int *ret_status) {
        char **v = *argv;
        if (c->run && (*argc < 2 || !find(c->sub, v[1]))) return c; /* the group's own leaf */
        if (*argc < 2 || v[1][0] == '-') {
                bool help = *argc >= 2 && (streq(v[1], "--help") || streq(v[1], "-h"));
                if (!help && *argc < 2) out_fprintf(stderr, "error: '%s' needs a command: one of those below\n\n", *path);
                else if (!help) out_fprintf(stderr, "error: '%s' comes after the command: '%s COMMAND %s'\n\n", v[1], *path, v[1]);
                print_group(help ? stdout : stderr, *path, c->sub);
                *ret_status = help ? 0 : 2;
                return NULL;
        }
        const struct command *s = find(c->sub, v[1]);
        if (!s) {
                out_fprintf(stderr, "error: '%s %s' is not an assetctl command: see 'assetctl %s --help'\n", *path, v[1], *path);
                *ret_status = 2;
                return NULL;
        }
        char *p = xasprintf("%s %s", *path, s->name);
        free(*path);
        *path = p;
        (*argc)--, (*argv)++;
        return s;
}

/* Is the option that confirms a destructive command given? */
static bool confirmed(const struct command *c, const void *args) {
        for (const struct opt *o = c->opts; o->name; o++)
                if ((o->flags & OPT_CONFIRMS) && *(const bool *) ((const char *) args + o->offset)) return true;
        return false;
}

/* The confirming option as the refusal names it: "--yes", with the option
 * it is joined to ("--yes with --serial S"), a repeatable one for each of
 * the positionals ("... for each device", from the synopsis "DEVICE..."). */
static char *confirm_hint(const struct command *c) {
        const struct opt *o = c->opts;
        while (o->name && !(o->flags & OPT_CONFIRMS)) o++;
        if (!o->name) return xstrdup("its confirming option");
        if (!(o->flags & OPT_JOINED)) return xasprintf("--%s", o->name);
        const struct opt *w = o + 1;
        _cleanup_free_ char *noun = xstrndup(strempty(c->synopsis), strcspn(strempty(c->synopsis), ". []|"));
        for (char *p = noun; *p; p++) *p = (char) tolower((unsigned char) *p);
        if (w->kind == OPTK_LIST && *noun)
                return xasprintf("--%s with --%s %s for each %s", o->name, w->name, strempty(w->arg), noun);
        return xasprintf("--%s with --%s%s%s", o->name, w->name, w->arg ? " " : "", strempty(w->arg));
}

/* Run leaf c: parse its options into ctx->args, check what it needs, open
 * the register, call it with the positionals. */
static int run_leaf(struct ctx *ctx, int argc, char **argv) {
        const struct command *c = ctx->cmd;
        int first = 1;
        _cleanup_free_ void *args = xcalloc(1, c->args_size ? c->args_size : 1);
        /* getopt names the command in its messages: "assetctl asset add: ..." */
        _cleanup_free_ char *argv0 = xasprintf("%s %s", prog, ctx->path);
        argv[0] = argv0;
        int u = opt_parse(ctx, c, argc, argv, args, &first);
        if (u >= 0) {
                opt_free(c->opts, args);
                return u;
        }
        argv[first - 1] = argv0;
        ctx->args = args;
        int status = 0;
        /* a destructive command asks on a terminal; in a script it must be told */
        if ((c->flags & CMD_DESTRUCTIVE) && !isatty(STDIN_FILENO) && !confirmed(c, args)) {
                _cleanup_free_ char *hint = confirm_hint(c);
                status = cmd_usage_error(ctx, "'%s %s' destroys data: confirm on a terminal, or give %s", prog, ctx->path, hint);
        }
        if (!status && (c->flags & CMD_DB)) {
                int r = cmd_open_db(ctx, c->flags);
                if (r < 0) status = cmd_fail_err(r);
        }
        if (!status) status = c->run(ctx, argc - first + 1, argv + first - 1);
        opt_free(c->opts, args);
        ctx->args = NULL;
        return status;
}

static int run(int argc, char **argv) {
        int bad = 0;
        struct ctx ctx = {0};
        ctx.db_opt = take_option("db", &argc, argv, &bad);
        if (bad) {
                out_fprintf(stderr, "error: --db needs a path\n");
                return 2;
        }
        /* --school before the command word is the global one */
        if (argc >= 2 && (streq(argv[1], "--school") || strncmp(argv[1], "--school=", 9) == 0)) {
                bool joined = argv[1][8] == '=';
                if (!joined && argc < 3) {
                        out_fprintf(stderr, "error: --school needs a school's code\n");
                        return 2;
                }
                ctx.school_opt = joined ? argv[1] + 9 : argv[2];
                int n = joined ? 1 : 2;
                memmove(argv + 1, argv + 1 + n, (size_t) (argc - n) * sizeof *argv);
                argc -= n;
        }
        if (argc < 2) {
                print_group(stderr, NULL, commands);
                return 2;
        }
        if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
                print_group(stdout, NULL, commands);
                return 0;
        }
        if (streq(argv[1], "--version")) return cmd_version(&ctx, argc, argv);

        const struct command *c = find(commands, argv[1]);
        if (!c) {
                out_fprintf(stderr, "error: '%s' is not an assetctl command: see 'assetctl help'\n", argv[1]);
                return 2;
        }
        _cleanup_free_ char *path = xstrdup(c->name);
        argc--, argv++;
        /* groups nest (trust school add); a group with a leaf of its own
         * (wipe DEVICE...) ends the walk at itself */
        for (const struct command *s; c->sub; c = s) {
                int status = 0;
                s = find_leaf(c, &path, &argc, &argv, &status);
                if (!s) return status;
                if (s == c) break;
        }
        ctx.cmd = c;
        ctx.path = path;
        if (wants_help(argc, argv)) return cmd_help(&ctx);
        /* --school CODE: the school of a trust to work in, for any command
         * whose own options have no --school of their own (init's is the
         * school's name) */
        if (!has_option(c, "school")) {
                const char *school = take_option("school", &argc, argv, &bad);
                if (school) ctx.school_opt = school;
                if (bad) {
                        out_fprintf(stderr, "error: --school needs a school's code\n");
                        return 2;
                }
        }
        int status = run_leaf(&ctx, argc, argv);
        register_close(ctx.db);
        return status;
}

int main(int argc, char **argv) {
        setlocale(LC_ALL, "");
        /* argv is rewritten in place; give it room for the NULL at the end */
        char **args = xcalloc((size_t) argc + 1, sizeof *args);
        for (int i = 0; i < argc; i++) args[i] = argv[i];
        int status = run(argc, args);
        free(args);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                out_fprintf(stderr, "error: cannot write output: %s\n", strerror(errno));
                return 1;
        }
        return status;
}
