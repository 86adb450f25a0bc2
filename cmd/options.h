/* Options declared once, in the spirit of git's parse-options.
 *
 * A command's options are one table of struct opt, ended by OPT_END. From it
 * the dispatcher (main.c) builds getopt_long's table, parses argv once into
 * the command's own args struct (calloc'd, sizeof given by the row), checks
 * the required options and the number of positional arguments, and calls the
 * handler with the positionals only (argv[0] is "assetctl PATH", argv[1..]
 * the positionals, ctx->args the parsed struct). The same table prints
 * --help, `assetctl help CMD`, the bash completion and the man page's
 * option lists (`assetctl help --man`). An option is named nowhere else.
 *
 * Converting a command (mechanical):
 *   1. struct foo_args { const char *due; bool all; long threads;
 *                        struct opt_list serial; enum out_format fmt; };
 *   2. static const struct opt foo_opts[] = {
 *              OPT_STRING("due", 0, "DATE", "when it is due back", struct foo_args, due),
 *              OPT_FLAG("all", 0, "everything", struct foo_args, all),
 *              OPT_INT("threads", 0, "N", 1, 64, 4, "threads per device", struct foo_args, threads),
 *              OPT_LIST("serial", 0, "S", "one per device", struct foo_args, serial),
 *              OPT_FORMAT(struct foo_args, fmt),
 *              OPT_END,
 *      };
 *   3. the row: {"foo", foo_cmd, CMD_DB, "TAG...", "summary", NULL,
 *               OPTIONS(foo_opts, struct foo_args), POS(1, POS_ANY, "give tags")},
 *      (the 6th field, notes, is prose printed after the options, or NULL);
 *   4. the handler: delete the getopt loop, the default: line and the count
 *      check; read `const struct foo_args *a = ctx->args;` and the
 *      positionals as argv[1] .. argv[argc - 1].
 * Every leaf has a table; a row with no options at all uses opts_none.
 *
 * Macros: OPT_FLAG (bool = true), OPT_SET (int = VALUE, for --no-x pairs),
 * OPT_STRING (const char *, last one wins), OPT_STRING_REQUIRED, OPT_INT
 * (long in [MIN, MAX], DEF when not given), OPT_LIST (struct opt_list, repeatable, in order),
 * OPT_ENUM (const char *, one of a NULL-ended word list), OPT_OPTARG
 * (struct opt_optarg: an argument that may be left out, or be the next word
 * when that is one of a word list; help shows "--name [ARG]"), OPT_FORMAT
 * (--json, --csv into an enum out_format), OPT_JSON_FORMAT (--json only),
 * OPT_STRING_SECRET (an OPT_STRING that names a secret, as --passphrase-file:
 * an abbreviation of it is refused, its argument never echoed),
 * OPT_CONFIRM (a bool flag that confirms a CMD_DESTRUCTIVE command in a
 * script). The flag OPT_JOINED (OPT_STRING_JOINED for a string) prints an
 * option on one help line with the next one ("--make M, --model M"). Each macro checks the field's type at compile
 * time (a wrong type is a "distinct pointer types" error). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ctx;
struct command;

enum opt_kind {
        OPTK_FLAG,   /* bool: true */
        OPTK_SET,    /* int: value */
        OPTK_STRING, /* const char *: the argument */
        OPTK_INT,    /* long: the argument, in [min, max] */
        OPTK_LIST,   /* struct opt_list: every argument, in order */
        OPTK_ENUM,   /* const char *: the word of words[] the argument is */
        OPTK_FORMAT, /* enum out_format: value */
        OPTK_OPTARG, /* struct opt_optarg: given, and the argument or NULL */
};

enum opt_flags {
        OPT_REQUIRED = 1 << 0,  /* the command refuses to run without it */
        OPT_JOINED = 1 << 1,    /* help: on one line with the next option */
        OPT_CONFIRMS = 1 << 2,  /* confirms a CMD_DESTRUCTIVE command */
        OPT_SECRET = 1 << 3,    /* names or carries a secret: must be spelt in full
                                 * (getopt_long would take "--passphrase SECRET"
                                 * as --passphrase-file), and its argument is
                                 * never echoed in a message */
};

/* A repeatable option's arguments (pointing into argv); freed by the
 * dispatcher. */
struct opt_list {
        const char **v;
        size_t n;
};

/* An option whose argument may be left out (--printer, --printer=usb): or
 * given as the next word, when that word is one of the option's words (a
 * word ending in ':' matches as a prefix: "usb:" takes "usb:SERIAL"). */
struct opt_optarg {
        bool given;
        const char *arg;
};

struct opt {
        const char *name;         /* long name without "--"; NULL ends a table */
        int short_name;           /* 'o' for -o, or 0 */
        const char *arg;          /* the argument's placeholder ("DATE"), NULL for none */
        enum opt_kind kind;
        size_t offset;            /* offsetof the field in the command's args struct */
        long value, min, max;     /* OPTK_SET/OPTK_FORMAT: value; OPTK_INT: default, range */
        const char *const *words; /* OPTK_ENUM, OPTK_OPTARG: NULL-ended */
        const char *help;         /* help text; '\n' starts another line */
        unsigned flags;           /* enum opt_flags */
};

/* Compile-time check that T's field F has type TYPE (0, or a diagnostic). */
#define OPT_TYPE_CHECK_(T, F, TYPE) (0 * sizeof(&((T *) 0)->F == (TYPE *) 0))
#define OPT_AT_(T, F, TYPE) (offsetof(T, F) + OPT_TYPE_CHECK_(T, F, TYPE))

#define OPT_FLAG(N, S, H, T, F) {N, S, NULL, OPTK_FLAG, OPT_AT_(T, F, bool), 0, 0, 0, NULL, H, 0}
#define OPT_CONFIRM(N, S, H, T, F) {N, S, NULL, OPTK_FLAG, OPT_AT_(T, F, bool), 0, 0, 0, NULL, H, OPT_CONFIRMS}
#define OPT_SET(N, S, V, H, T, F) {N, S, NULL, OPTK_SET, OPT_AT_(T, F, int), V, 0, 0, NULL, H, 0}
#define OPT_STRING(N, S, A, H, T, F) {N, S, A, OPTK_STRING, OPT_AT_(T, F, const char *), 0, 0, 0, NULL, H, 0}
#define OPT_STRING_JOINED(N, S, A, H, T, F) {N, S, A, OPTK_STRING, OPT_AT_(T, F, const char *), 0, 0, 0, NULL, H, OPT_JOINED}
#define OPT_STRING_SECRET(N, S, A, H, T, F) {N, S, A, OPTK_STRING, OPT_AT_(T, F, const char *), 0, 0, 0, NULL, H, OPT_SECRET}
#define OPT_STRING_REQUIRED(N, S, A, H, T, F) {N, S, A, OPTK_STRING, OPT_AT_(T, F, const char *), 0, 0, 0, NULL, H, OPT_REQUIRED}
#define OPT_INT(N, S, A, MIN, MAX, DEF, H, T, F) {N, S, A, OPTK_INT, OPT_AT_(T, F, long), DEF, MIN, MAX, NULL, H, 0}
#define OPT_LIST(N, S, A, H, T, F) {N, S, A, OPTK_LIST, OPT_AT_(T, F, struct opt_list), 0, 0, 0, NULL, H, 0}
#define OPT_ENUM(N, S, A, W, H, T, F) {N, S, A, OPTK_ENUM, OPT_AT_(T, F, const char *), 0, 0, 0, W, H, 0}
#define OPT_OPTARG(N, S, A, W, H, T, F) {N, S, A, OPTK_OPTARG, OPT_AT_(T, F, struct opt_optarg), 0, 0, 0, W, H, 0}
#define OPT_FORMAT(T, F) \
        {"json", 0, NULL, OPTK_FORMAT, OPT_AT_(T, F, enum out_format), OUT_JSON, 0, 0, NULL, "machine-readable output", OPT_JOINED}, \
        {"csv", 0, NULL, OPTK_FORMAT, OPT_AT_(T, F, enum out_format), OUT_CSV, 0, 0, NULL, "machine-readable output", 0}
#define OPT_JSON_FORMAT(T, F) {"json", 0, NULL, OPTK_FORMAT, OPT_AT_(T, F, enum out_format), OUT_JSON, 0, 0, NULL, "machine-readable output", 0}
#define OPT_END {NULL}

/* The row's part: its option table and the size of its args struct; and how
 * many positional arguments it takes, with MSG the message when their count
 * is wrong (NULL: "unexpected argument 'X'" for too many, "give SYNOPSIS"
 * for too few; a MSG in parentheses is added to the first one). */
#define OPTIONS(TABLE, T) .opts = TABLE, .args_size = sizeof(T)
#define POS(MIN, MAX, MSG) .min_args = MIN, .max_args = MAX, .args_error = MSG
#define POS_ANY 1000000

/* The table of a command that takes no options. */
extern const struct opt opts_none[];

/* Parse argv (argv[0] the command's name for getopt's messages) by c's
 * table into args; check the required options and the positional count.
 * Returns -1 to go on, with *ret_first the index in argv of the first
 * positional (argv permuted so that they are last), else the exit status
 * (2 usage; 0 after --help past a "--"). */
int opt_parse(const struct ctx *ctx, const struct command *c, int argc, char **argv, void *args, int *ret_first);
/* Free what opt_parse allocated in args (lists); not args itself. */
void opt_free(const struct opt *opts, void *args);

/* The usage line's tail: positionals and options ("TAG [--due DATE]"). */
char *opt_synopsis(const struct command *c);
/* Print c's options, aligned, two-space indent (for --help). */
void opt_print_help(const struct opt *opts);
/* Print each long option, space-separated, " --name" (for completion). */
void opt_print_names(const struct opt *opts);
/* Print c's options as an scdoc list, indented by one tab. */
void opt_print_man(const struct opt *opts);
