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
        {"list", wipe_list_cmd, CMD_DB, "[--asset TAG] [--json|--csv]", "the wipes in the register",
         "  --asset TAG          only this asset's wipes\n"
         "  --json, --csv        machine-readable output\n"},
        {"show", wipe_show_cmd, CMD_DB, "ID [--json]", "one wipe with its passes, roots and seeds",
         "  --json               machine-readable output\n"},
        {"verify", wipe_verify_cmd, CMD_DB, "DEVICE (--pattern zero|one|HEX | --record ID) [--sample P] [--json]",
         "read-only check of a drive against a pattern, or against a stored wipe's last pass",
         "  --pattern P          zero, one or a hex byte pattern\n"
         "  --record ID          the stored wipe whose last pass to check against (a random stream\n"
         "                       is regenerated from its recorded seed)\n"
         "  --sample P           check a P percent sample of the chunks\n"
         "  --json               machine-readable output\n"},
        {NULL},
};

const struct command commands[] = {
        {"init", cmd_init, CMD_DB | CMD_WRITE | CMD_CREATE, "", "create the register (or change the school's name)", NULL,
         OPTIONS(init_opts, struct init_args)},
        {"asset", NULL, 0, NULL, "the asset register", NULL, asset_commands},
        {"person", NULL, 0, NULL, "people: staff, pupils, governors, volunteers", NULL, person_commands},
        {"audit", NULL, 0, NULL, "the tamper-evident audit log", NULL, audit_commands},
        {"issue", cmd_issue, CMD_DB | CMD_WRITE, "TAG REF [--due DATE] [--condition TEXT] [--override REASON] [--receipt FILE.pdf]",
         "lend an asset to a person (signed agreement, not a leaver, personal data encrypted)",
         "  --due DATE           when it is due back (default: the person's leaving date, if set)\n"
         "  --condition TEXT     its condition as it goes out\n"
         "  --override REASON    issue a personal-data device that is not encrypted (the reason is logged)\n"
         "  --receipt FILE.pdf   also print a loan receipt to sign\n"},
        {"return", cmd_return, CMD_DB | CMD_WRITE, "TAG [--condition TEXT] [--damaged TEXT] | --all REF [--expect] [TAG...]",
         "take an asset back, or everything a person holds",
         "  --condition TEXT     its condition as it comes back\n"
         "  --damaged TEXT       it came back damaged: what is wrong (logged as an incident)\n"
         "  --all REF            everything REF holds (the leaver at the door); with TAGs or\n"
         "  --expect             (tags read from standard input, one per line) only what is\n"
         "                       presented is returned, and what is still out is listed (exit 1)\n"},
        {"receipt", cmd_receipt, CMD_DB, "TAG [--output FILE.pdf]", "print the loan receipt of an asset's current (or last) loan",
         "  --output FILE.pdf    where to write it (default receipt-TAG.pdf)\n"},
        {"scan", cmd_scan, CMD_DB | CMD_WRITE, "[--mode issue|return|stocktake|lookup] [--stocktake ID] [--due DATE]",
         "read a hand scanner: a person, then kit to issue; kit alone to return",
         "  --mode M             fix the mode: issue, return, stocktake or lookup (default: by what is scanned)\n"
         "  --stocktake ID       the stock-take to count into (default: the only open one)\n"
         "  --due DATE           due date for kit issued in this session\n"
         "  --bell WHEN          ring the bell on a refusal: auto (on a terminal), always, never\n"
         "  --timing             print scans per second and time per scan (p50, p99) to stderr\n"},
        {"stocktake", NULL, 0, NULL, "stock-takes: count a room against the register", NULL, stocktake_commands},
        {"incident", NULL, 0, NULL, "loss, theft and damage", NULL, incident_commands},
        {"found", cmd_found, CMD_DB | CMD_WRITE, "TAG", "a lost or stolen asset is back: return it to stock", NULL,
         OPTIONS(found_opts, struct found_args), POS(1, 1, "give one tag")},
        {"lostprop", NULL, 0, NULL, "lost property held for its owner", NULL, lostprop_commands},
        {"check", NULL, 0, NULL, "maintenance checks (PAT tests)", NULL, check_commands},
        {"report", NULL, 0, NULL, "reports: overdue loans, leavers, compliance, disposals", NULL, report_commands},
        {"label", cmd_label, CMD_DB,
         "[TAG...] [--all] [--status S] [--location L] (--sheet NAME -o FILE.pdf | --png FILE | --svg FILE | --printer [usb|usb:SERIAL] | --raster FILE)",
         "print QR labels: A4 sheets as PDF, one label as PNG/SVG, or on a Brother QL printer",
         "  TAG...               the assets to label; or:\n"
         "  --all                every asset in the register\n"
         "  --status S           the assets with this status\n"
         "  --location L         the assets at this location\n"
         "  --sheet NAME -o FILE write a PDF for this label stock (L7160, L7163, L7651, ...)\n"
         "  --skip N             start at label N+1 of the first sheet (a part-used sheet)\n"
         "  --offset-x MM, --offset-y MM  shift everything for a printer that feeds off true\n"
         "  --png FILE, --svg FILE  one label as an image\n"
         "  --width MM, --height MM  its size (default 62 x 29)\n"
         "  --dpi N              its resolution (default 300)\n"
         "  --printer [usb|usb:SERIAL]  print on a Brother QL label printer over USB\n"
         "  --media SIZE         refuse unless this media is loaded (29, 62, 62x29, 29x90, ...)\n"
         "  --raster FILE --model QL-NNN --media SIZE  write the printer's raster job to a file\n"
         "                       (for a printer on /dev/usb/lp0 or port 9100)\n"
         "  --ecc L|M|Q|H        QR error correction (default M)\n"
         "  --url-template T     put a URL in the code, {tag} filled in (https://assets.example/{tag})\n"
         "  --list-sheets        list the label stocks known\n"},
        {"printers", cmd_printers, 0, "[--json]", "list the Brother QL label printers connected over USB",
         "  --json               machine-readable output\n"},
        {"wipe", cmd_wipe, CMD_DB | CMD_WRITE | CMD_DESTRUCTIVE,
         "DEVICE... --method M [--verify V] [--asset TAG] [--yes --serial S]... | list | show ID | verify DEVICE ...",
         "overwrite drives with a verified multi-pass method; list, show and re-check wipes",
         "  DEVICE...             block devices (/dev/sdb, /dev/disk/by-id/...) or image files, wiped at once\n"
         "  --method M            zero, one, random, nist-clear, is5-baseline, is5-enhanced, dod-short,\n"
         "                        dod-7, gutmann\n"
         "  --passes LIST         a custom pass list instead: 00,ff,random,924924,...\n"
         "  --verify V            last, all, sample:PERCENT (default: the method's; off only with\n"
         "                        --no-certificate and without --asset)\n"
         "  --asset TAG           the asset the drive belongs to (else matched by the drive's serial)\n"
         "  --yes --serial S      confirm without asking: one --serial per device, the drive's serial\n"
         "                        (or its path when it has none, as loop devices and image files)\n"
         "  --progress MODE       auto (a line per device on a terminal), json (JSON lines), none\n"
         "  --no-certificate      record the wipe as not for certification\n"
         "  --threads N           generator/hasher threads per device (default: one per core, at most 4)\n"
         "  --key NAME            sign the certificate of an authorised asset's erased drive with this key\n"
         "  --passphrase-file F   its passphrase from the first line of F (else asked on the terminal)\n"
         "  --key-dir D           where key files live (default: keys/ beside the register)\n"
         "\n"
         "  wipe list, wipe show ID, wipe verify DEVICE: see 'assetctl help wipe'.\n"
         "  list, show and verify are sub-commands only right after 'wipe'; a file of that name\n"
         "  is wiped as ./list (the bare word is refused anywhere else)\n",
         wipe_commands},
        {"devices", cmd_devices, CMD_DB, "[DEVICE] [--all] [--json|--csv] | --watch [--json] | --register TAG",
         "the drives this machine sees, matched to the register",
         "  DEVICE               show one drive with every field\n"
         "  --all                list partitions too\n"
         "  --json, --csv        machine-readable output (every field)\n"
         "  --watch              print each drive arriving or leaving until stopped (Ctrl-C)\n"
         "  --count N            with --watch: stop after N events\n"
         "  --timeout SECS       with --watch: stop after SECS seconds (an error if --count was not reached)\n"
         "  --source S           with --watch: udev, kernel or auto (default: udev when udevd runs)\n"
         "  --register TAG       record the drive just plugged in (removable or USB) as TAG's storage\n"},
        {"usb", cmd_usb, CMD_DB, "[--unregistered] [--json|--csv]", "USB devices plugged in, and whether each is registered",
         "  --unregistered       only the devices whose serial is not on the register (exit 1 if any)\n"
         "  --json, --csv        machine-readable output\n"},
        {"key", NULL, 0, NULL, "signing keys for certificates, manifests and checkpoints", NULL, key_commands},
        {"disposal", NULL, 0, NULL, "disposal requests, authorisations and destruction records", NULL, disposal_commands},
        {"cert", NULL, 0, NULL, "signed wipe certificates; verify one offline", NULL, cert_commands},
        {"consignment", NULL, 0, NULL, "consignments to the disposal firm and its receipts", NULL, consignment_commands},
        {"demo", cmd_demo, 0, "", "a guided walk through the whole job on a throwaway register", NULL,
         OPTIONS(demo_opts, struct demo_args)},
        {"help", cmd_help_all, 0, "[COMMAND [SUBCOMMAND]]", "list the commands, or show one command's help", NULL,
         OPTIONS(help_opts, struct help_args), POS(0, 2, NULL)},
        {"version", cmd_version, 0, "", "print the version", NULL, OPTIONS(opts_none, char)},
        {"completion", cmd_completion, 0, "bash", "print a bash completion script", NULL, OPTIONS(opts_none, char),
         POS(1, 1, "only 'bash' is supported")},
        {NULL},
};

static const char *prog = "assetctl";

static void print_usage_line(FILE *f, const char *path, const struct command *c) {
        _cleanup_free_ char *syn = c->opts ? opt_synopsis(c) : xstrdup(strempty(c->synopsis));
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
        if (c->opts && c->options) printf("\n%s", c->options);
        if (!c->opts && c->options) printf("\noptions:\n%s", c->options);
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

int cmd_usage_error(const struct ctx *ctx, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fputs("error: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
        return cmd_bad_option(ctx);
}

int cmd_fail(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fputs("error: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
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
        fputs("warning: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);
}

void cmd_getopt_reset(void) {
        optind = 0; /* glibc: 0 re-initialises, including argument permutation */
        opterr = 1;
}

int cmd_open_db(struct ctx *ctx, unsigned flags) {
        if (ctx->db) return 0;
        _cleanup_free_ char *path = db_default_path(ctx->db_opt);
        unsigned of = 0;
        if (flags & CMD_CREATE) of |= DB_CREATE;
        if (!(flags & (CMD_WRITE | CMD_CREATE))) of |= DB_QUERY;
        return db_open(path, of, &ctx->db);
}

static const struct command *find(const struct command *table, const char *name) {
        for (const struct command *c = table; c->name; c++)
                if (streq(c->name, name)) return c;
        return NULL;
}

/* One command's scdoc entry: its usage, summary and options. */
static void print_man_entry(const char *path, const struct command *c) {
        _cleanup_free_ char *syn = c->opts ? opt_synopsis(c) : xstrdup(strempty(c->synopsis));
        printf("*%s*%s", path, *syn ? " " : "");
        /* scdoc: a leading or lone underscore or asterisk would start emphasis */
        for (const char *p = syn; *p; p++) printf("%s%c", *p == '*' || *p == '_' ? "\\" : "", *p);
        printf("\n\t%s.\n\n", c->summary);
        if (c->opts) opt_print_man(c->opts);
        else if (c->options) {
                printf("\t```\n");
                for (const char *p = c->options; *p; ) {
                        const char *nl = strchrnul(p, '\n');
                        printf("\t%.*s\n", (int) (nl - p), p);
                        p = *nl ? nl + 1 : nl;
                }
                printf("\t```\n\n");
        }
}

/* The man page's COMMANDS section, from the table. */
static int print_man(void) {
        printf("# COMMANDS\n\n"
               "Every command takes *--help*; the options of each, as *--help* prints them:\n\n");
        for (const struct command *c = commands; c->name; c++) {
                if (c->run) print_man_entry(c->name, c);
                for (const struct command *s = c->sub; s && s->name; s++) {
                        _cleanup_free_ char *path = xasprintf("%s %s", c->name, s->name);
                        print_man_entry(path, s);
                }
        }
        return 0;
}

static int cmd_help_all(struct ctx *ctx, int argc, char **argv) {
        const struct help_args *a = ctx->args;
        if (a && a->man) return print_man();
        if (argc < 2) {
                print_group(stdout, NULL, commands);
                return 0;
        }
        const struct command *c = find(commands, argv[1]);
        if (!c) {
                fprintf(stderr, "error: '%s' is not an assetctl command: see 'assetctl help'\n", argv[1]);
                return 2;
        }
        if (c->sub && argc >= 3) {
                const struct command *s = find(c->sub, argv[2]);
                if (!s) {
                        fprintf(stderr, "error: '%s %s' is not an assetctl command: see 'assetctl help %s'\n", argv[1], argv[2], argv[1]);
                        return 2;
                }
                _cleanup_free_ char *path = xasprintf("%s %s", c->name, s->name);
                struct ctx sub = {.cmd = s, .path = path};
                return cmd_help(&sub);
        }
        if (c->sub && !c->run) {
                print_group(stdout, c->name, c->sub);
                return 0;
        }
        struct ctx sub = {.cmd = c, .path = c->name};
        return cmd_help(&sub);
}

static int cmd_version(struct ctx *ctx, int argc, char **argv) {
        printf("assetctl %s\n", ASSETCTL_VERSION);
        return 0;
}

/* Print the long options in text[0..n) not printed yet (seen/lens/n_seen
 * remember them). */
static void print_new_options(const char *text, size_t n, const char **seen, size_t *lens, size_t *n_seen, size_t max) {
        for (const char *p = text, *end = text + n; p < end && (p = memmem(p, (size_t) (end - p), "--", 2)); ) {
                size_t l = 2;
                while (p + l < end && (isalnum((unsigned char) p[l]) || (p[l] == '-' && p + l + 1 < end && isalnum((unsigned char) p[l + 1])))) l++;
                bool dup = l == 2;
                for (size_t k = 0; k < *n_seen && !dup; k++) dup = lens[k] == l && strncmp(seen[k], p, l) == 0;
                if (!dup && *n_seen < max) {
                        seen[*n_seen] = p;
                        lens[(*n_seen)++] = l;
                        printf(" %.*s", (int) l, p);
                }
                p += l;
        }
}

/* Print the long options a command takes, each once, space-separated (for
 * the completion script): from its option table; for a legacy row, those in
 * its synopsis and those an option help line (indented by two spaces) starts
 * with, up to the two spaces before its description; not ones its prose
 * mentions. */
static void print_options(const struct command *c) {
        printf("--help");
        if (c->opts) {
                opt_print_names(c->opts);
                return;
        }
        const char *seen[128] = {"--help"};
        size_t lens[128] = {6}, n_seen = 1;
        if (c->synopsis) print_new_options(c->synopsis, strlen(c->synopsis), seen, lens, &n_seen, ELEMENTSOF(seen));
        for (const char *line = c->options; line && *line; ) {
                const char *nl = strchrnul(line, '\n'), *term = line;
                while (*term == ' ') term++;
                if (term - line > 2) term = nl; /* a continuation line: prose */
                const char *gap = strstr(term, "  ");
                if (!gap || gap > nl) gap = nl;
                print_new_options(term, (size_t) (gap - term), seen, lens, &n_seen, ELEMENTSOF(seen));
                line = *nl ? nl + 1 : nl;
        }
}

/* Print the names of a command table, space-separated. */
static void print_names(const struct command *list) {
        for (const struct command *c = list; c->name; c++) printf("%s%s", c == list ? "" : " ", c->name);
}

/* The bash completion script's functions: each group's sub-commands, and
 * each leaf's options ("wipe" and "wipe list" both, for a group with a leaf
 * of its own). */
static void print_completion_tables(void) {
        printf("_assetctl_subs() {\n"
               "    case $1 in\n");
        for (const struct command *c = commands; c->name; c++) {
                if (!c->sub) continue;
                printf("    %s) echo \"", c->name);
                print_names(c->sub);
                printf("\" ;;\n");
        }
        printf("    help) echo \"");
        print_names(commands);
        printf("\" ;;\n    esac\n}\n"
               "_assetctl_opts() {\n"
               "    case $1 in\n");
        for (const struct command *c = commands; c->name; c++) {
                for (const struct command *s = c->sub; s && s->name; s++) {
                        printf("    \"%s %s\") echo \"", c->name, s->name);
                        print_options(s);
                        printf("\" ;;\n");
                }
                if (!c->run) continue;
                printf("    \"%s\") echo \"", c->name);
                print_options(c);
                printf("\" ;;\n");
        }
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
               "    elif [ \"${cur#-}\" != \"$cur\" ]; then\n"
               "        key=\"$cmd ${COMP_WORDS[2]}\"\n"
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
static const char *take_db_option(int *argc, char **argv, int *bad) {
        const char *db = NULL;
        int o = 1;
        for (int i = 1; i < *argc; i++) {
                if (streq(argv[i], "--")) {
                        while (i < *argc) argv[o++] = argv[i++];
                        break;
                }
                if (streq(argv[i], "--db")) {
                        if (i + 1 >= *argc) {
                                *bad = 1;
                                break;
                        }
                        db = argv[++i];
                        continue;
                }
                if (strncmp(argv[i], "--db=", 5) == 0) {
                        db = argv[i] + 5;
                        continue;
                }
                argv[o++] = argv[i];
        }
        *argc = o;
        argv[o] = NULL;
        return db;
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
                if (!help && *argc < 2) fprintf(stderr, "error: '%s' needs a command: one of those below\n\n", c->name);
                else if (!help) fprintf(stderr, "error: '%s' comes after the command: '%s COMMAND %s'\n\n", v[1], c->name, v[1]);
                print_group(help ? stdout : stderr, c->name, c->sub);
                *ret_status = help ? 0 : 2;
                return NULL;
        }
        const struct command *s = find(c->sub, v[1]);
        if (!s) {
                fprintf(stderr, "error: '%s %s' is not an assetctl command: see 'assetctl %s --help'\n", c->name, v[1], c->name);
                *ret_status = 2;
                return NULL;
        }
        free(*path);
        *path = xasprintf("%s %s", c->name, s->name);
        (*argc)--, (*argv)++;
        return s;
}

/* Is the option that confirms a destructive command given (parsed into
 * args, or for a legacy row on its command line)? */
static bool confirmed(const struct command *c, const void *args, int argc, char **argv) {
        if (!c->opts) {
                for (int i = 1; i < argc && !streq(argv[i], "--"); i++)
                        if (streq(argv[i], "--yes")) return true;
                return false;
        }
        for (const struct opt *o = c->opts; o->name; o++)
                if ((o->flags & OPT_CONFIRMS) && *(const bool *) ((const char *) args + o->offset)) return true;
        return false;
}

/* Run leaf c: parse its options into ctx->args (unless a legacy row), check
 * what it needs, open the register, call it with the positionals. */
static int run_leaf(struct ctx *ctx, int argc, char **argv) {
        const struct command *c = ctx->cmd;
        int first = 1;
        _cleanup_free_ void *args = c->opts ? xcalloc(1, c->args_size ? c->args_size : 1) : NULL;
        /* getopt names the command in its messages: "assetctl asset add: ..." */
        _cleanup_free_ char *argv0 = xasprintf("%s %s", prog, ctx->path);
        argv[0] = argv0;
        if (c->opts) {
                int u = opt_parse(ctx, c, argc, argv, args, &first);
                if (u >= 0) {
                        opt_free(c->opts, args);
                        return u;
                }
                argv[first - 1] = argv0;
                ctx->args = args;
        } else
                cmd_getopt_reset();
        int status = 0;
        /* a destructive command asks on a terminal; in a script it must be told */
        if ((c->flags & CMD_DESTRUCTIVE) && c->opts && !isatty(STDIN_FILENO) && !confirmed(c, args, argc, argv))
                status = cmd_usage_error(ctx, "'%s %s' destroys data: confirm on a terminal, or give its confirming option", prog, ctx->path);
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
        ctx.db_opt = take_db_option(&argc, argv, &bad);
        if (bad) {
                fprintf(stderr, "error: --db needs a path\n");
                return 2;
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
                fprintf(stderr, "error: '%s' is not an assetctl command: see 'assetctl help'\n", argv[1]);
                return 2;
        }
        _cleanup_free_ char *path = xstrdup(c->name);
        argc--, argv++;
        if (c->sub) {
                int status = 0;
                c = find_leaf(c, &path, &argc, &argv, &status);
                if (!c) return status;
        }
        ctx.cmd = c;
        ctx.path = path;
        if (wants_help(argc, argv)) return cmd_help(&ctx);
        int status = run_leaf(&ctx, argc, argv);
        db_close(ctx.db);
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
                fprintf(stderr, "error: cannot write output: %s\n", strerror(errno));
                return 1;
        }
        return status;
}
