/* The command layer: argument parsing and output. The only code that prints
 * to the user or decides the exit status (0 done, 1 refused or failed,
 * 2 usage). */
#pragma once

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>

#include "json.h"
#include "register.h"
#include "util.h"
#include "options.h"

enum cmd_flags {
        CMD_DB = 1 << 0,          /* opens the register before running */
        CMD_WRITE = 1 << 1,       /* writes to the register */
        CMD_CREATE = 1 << 2,      /* may create the register file */
        CMD_DESTRUCTIVE = 1 << 4, /* can destroy data on a device: on a terminal it asks, in
                                   * a script its OPT_CONFIRM option must be given */
};

struct ctx;

/* One row of a command table: a group (with sub), a leaf (with run), or a
 * group with a leaf of its own (both: the leaf runs when the next word is not
 * a sub-command's name). A leaf's options are parsed by the dispatcher from
 * its table (options.h). */
struct command {
        const char *name;
        int (*run)(struct ctx *ctx, int argc, char **argv); /* returns the exit status */
        unsigned flags;                                      /* enum cmd_flags */
        const char *synopsis;  /* the positional arguments ("TAG REF") */
        const char *summary;   /* one line for `assetctl help` */
        const char *options;   /* prose printed after the options (notes), or NULL */
        const struct command *sub; /* sub-commands, ended by a {NULL} row */
        const struct opt *opts;    /* a leaf's option table (OPTIONS(); opts_none for none) */
        size_t args_size;          /* sizeof the args struct opts fill */
        int min_args, max_args;    /* positional arguments (POS()) */
        const char *args_error;    /* the message when their count is wrong, or NULL */
};

/* What the dispatcher set up for a command. */
struct ctx {
        const char *db_opt;          /* --db as given, or NULL */
        const char *school_opt;      /* --school CODE (a trust's school), or NULL */
        struct db *db;               /* open register when CMD_DB */
        const struct command *cmd;   /* the leaf being run */
        const char *path;            /* "asset add": the words that named it */
        void *args;                  /* the parsed options (struct of the row's opts) */
};

/* The table of every command (main.c). */
extern const struct command commands[];

/* Print the leaf's usage and options to stdout; returns 0. */
int cmd_help(const struct ctx *ctx);
/* Every message and every line of human output goes through the functions
 * below (cmd_fail, cmd_warn, cmd_usage_error, out_printf, out_fprintf,
 * out_list, out_object): their formats are trusted, their %s arguments and
 * table cells are outside text, escaped by sb_add_safe() so that no control
 * character, invalid UTF-8 or bidirectional override reaches the terminal.
 * Only JSON (escaped by jansson), CSV (the file format) and documents
 * (PEM, the signed JSON) are written as they are. */

/* Print "error: <fmt>" and the usage line to stderr; returns 2. */
int cmd_usage_error(const struct ctx *ctx, const char *fmt, ...) _printf_(2, 3);
/* After getopt has printed what is wrong with an option ("assetctl init:
 * option '--school' requires an argument"): print the usage line; returns 2. */
int cmd_bad_option(const struct ctx *ctx);
/* Print "error: <fmt>" to stderr; returns 1. */
int cmd_fail(const char *fmt, ...) _printf_(1, 2);
/* Print err_msg() (or strerror) as an error; returns 1. */
int cmd_fail_err(int r);
/* Print "warning: <fmt>" to stderr. */
void cmd_warn(const char *fmt, ...) _printf_(1, 2);

/* Open the register named by --db/$ASSETCTL_DB/XDG (used by the dispatcher
 * and by commands that open it late). */
int cmd_open_db(struct ctx *ctx, unsigned flags);

/* Output formats for listings and show. */
enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV };

/* A column: the JSON key and the table header. */
struct column {
        const char *key;
        const char *header;
};

/* Print rows (a JSON array of objects) as an aligned table, JSON array or
 * CSV with the given columns (JSON prints every key of every object). */
void out_list(enum out_format f, const struct column *cols, json_t *rows);
/* Print one object: "key: value" lines, a JSON object, or a CSV header+row. */
void out_object(enum out_format f, const struct column *cols, json_t *obj);
/* printf to stdout or f for people: %s arguments escaped (sb_add_safe()). */
void out_printf(const char *fmt, ...) _printf_(1, 2);
void out_fprintf(FILE *f, const char *fmt, ...) _printf_(2, 3);
/* A JSON value as display text ("" for null, "yes"/"no" for booleans). */
char *out_text(json_t *v);

/* Legacy rows' getopt loops (until converted to options.h): --json, --csv
 * and --help in a struct option array. */
#define OPT_JSON 0x1001
#define OPT_CSV 0x1002
#define OPT_HELP 'h'
#define OPTS_FORMAT {"json", no_argument, NULL, OPT_JSON}, {"csv", no_argument, NULL, OPT_CSV}
#define OPTS_HELP {"help", no_argument, NULL, OPT_HELP}

/* The table of a leaf whose only options are --json and --csv. */
struct format_args {
        enum out_format fmt;
};
extern const struct opt format_opts[];

/* --status S as a state ("in stock", "in-stock" -> in_stock) into *ret
 * (NULL when status is); returns -1 to go on, else the usage exit status. */
int cmd_status_opt(const struct ctx *ctx, const char *status, char **ret);

/* Reset getopt for a leaf's own parse (the dispatcher used it first). */
void cmd_getopt_reset(void);
