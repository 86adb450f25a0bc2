/* Importing assets and people from CSV (ours, or Snipe-IT's export/import
 * columns) or from the JSON that `assetctl asset|person export` writes.
 *
 * Three steps, each usable alone (the fuzz target and the unit tests use the
 * first two without a register):
 *
 *   1. import_parse_csv() / import_parse_json(): bytes to an import_table, a
 *      header and records, each record with the physical line it starts on.
 *      Problems found here (bad quoting, bad encoding, wrong column count,
 *      bare CR line ends, NUL bytes, limits) are kept in the table.
 *   2. import_map(): match the header to the register's fields (case
 *      insensitive, trimmed), note the columns it ignores, and build one
 *      normalised JSON record per good row (import_record.rec).
 *   3. import_run(): check duplicates (within the file and against the
 *      register), then insert every record in ONE transaction with one audit
 *      event covering every row written; any problem anywhere and nothing is
 *      written. With IMPORT_DRY_RUN everything is done and rolled back.
 *
 * Problems are "FILE:LINE: column: reason" lines (import_problem), at most one
 * per record, sorted by line; the caller prints them all.
 *
 * Extending an import (issue 3 turns Snipe-IT's "Checked Out To: ..."
 * columns into loans): pass an import_hook to import_run(). Its `columns`
 * claim headers (they are then used, not reported as ignored); its `row`
 * function runs for each row inside the import transaction, just after the
 * row's asset or person was inserted, and reads any column's raw value with
 * import_value(). A hook that returns a negative errno with err_set("COLUMN:
 * reason") rejects that row: the problem is listed with the others and the
 * whole import is rolled back. */
#pragma once

#include "core.h"

/* Hard limits: a strict format has bounds (STYLE.md 8). */
#define IMPORT_MAX_BYTES (256u << 20)   /* whole file */
#define IMPORT_MAX_COLUMNS 512          /* fields per record */
#define IMPORT_MAX_FIELD (64u << 10)    /* bytes per field */

enum import_kind {
        IMPORT_ASSETS,
        IMPORT_PEOPLE,
};

enum import_flags {
        IMPORT_DRY_RUN = 1 << 0, /* do everything, then roll back */
};

/* One problem: printed as "FILE:LINE: column: reason". */
struct import_problem {
        int64_t line;  /* physical line the record starts on (JSON: record number) */
        char *column;  /* the column as named in the file, or "header", "row", ... */
        char *reason;
};

/* One record of the file. */
struct import_record {
        int64_t line;    /* physical line where the record starts (JSON: 1-based index) */
        size_t n;        /* number of fields (may exceed what is stored: see fields) */
        char **fields;   /* min(n, IMPORT_MAX_COLUMNS) NUL-terminated values, owned */
        bool bad;        /* a problem is already recorded for this record */
        json_t *rec;     /* after import_map(): the normalised record, or NULL */
};

/* One column of the header. */
struct import_column {
        char *header;       /* as in the file, trimmed */
        const char *key;    /* register field it feeds, or NULL when ignored */
        int priority;       /* among columns feeding the same key, lower wins */
        bool claimed;       /* used by a hook */
};

/* How the file writes its dates (--date-format): ISO (YYYY-MM-DD, with or
 * without a time) is always read; a slashed date only with one of these. */
enum import_date_format {
        IMPORT_DATES_ISO,   /* slashed dates are refused, naming the option */
        IMPORT_DATES_DMY,   /* 23/1/23, 23/01/2023 */
        IMPORT_DATES_MDY,   /* 1/23/23, 01/23/2023 */
};

/* A block of the table's field storage (see import_table.blocks). */
struct import_block;

struct import_table {
        char *file;                   /* name for messages */
        bool json;                    /* parsed from JSON (lines are record numbers) */
        int64_t header_line;          /* line of the header (1 unless blank lines lead) */
        size_t n_cols;
        struct import_column *cols;
        size_t n_rec, cap_rec;
        struct import_record *recs;
        size_t n_prob, cap_prob;
        struct import_problem *probs;
        json_t *status_map;           /* --status-map: folded label -> state, or NULL */
        char delim;                   /* CSV: the column separator read (',', ';' or tab) */
        struct import_block *blocks;  /* where the records' fields live: a few big
                                         blocks, not one allocation per record */
        const char *encoding;         /* CSV: the encoding read (static display
                                         name, "UTF-8" unless converted) */
        bool encoding_guessed;        /* not UTF-8, so read as Windows-1252 */
        bool cr_line_ends;            /* CSV: lines ended by bare CRs (old Excel for Mac) */
        enum import_date_format date_format; /* --date-format; set before mapping */
        bool allow_missing_serial;    /* --allow-missing-serial; set before mapping */
};

/* Parse CSV bytes (optional BOM, LF, CRLF or bare CR line ends, RFC 4180
 * quoting, strict) into a new table; never fails: problems are recorded in
 * the table. `file` names it in messages. The caller frees with
 * import_table_free(). The text is UTF-8, or when it is not (and has no
 * UTF-8 byte-order mark) Windows-1252 (t->encoding_guessed); a byte the
 * encoding leaves undefined is a problem on its line and column. */
struct import_table *import_parse_csv(const char *file, const char *data, size_t len);
/* The same, read in `encoding` (a name import_encoding() knows; NULL:
 * UTF-8, else Windows-1252 as above). */
struct import_table *import_parse_csv_as(const char *file, const char *data, size_t len, const char *encoding);
/* The encodings --encoding takes (case-insensitive, with aliases: utf-8,
 * windows-1252/cp1252, iso-8859-1/latin1, iso-8859-15/latin9,
 * macintosh/mac-roman); *ret_name gets the display name. 0, or -EINVAL
 * with a message listing them. All are ASCII-compatible, so the CSV's
 * quotes and separators are found before the text is converted. */
int import_encoding(const char *name, const char **ret_name);
/* Parse the JSON array of objects written by export into a table (keys
 * become the header, in first-seen order). Problems are recorded. */
struct import_table *import_parse_json(const char *file, const char *data, size_t len);
/* Read FILE (CSV, or JSON when it starts with '[') and parse it, CSV in
 * `encoding` (see import_parse_csv_as()). -errno if it cannot be read. */
int import_read(const char *file, const char *encoding, struct import_table **ret);
void import_table_free(struct import_table *t);
static inline void import_table_freep(struct import_table **t) { if (*t) import_table_free(*t); }
#define _cleanup_import_table_ __attribute__((cleanup(import_table_freep)))

/* Record a problem (reason formatted). Returns -EINVAL. */
int import_problem(struct import_table *t, int64_t line, const char *column, const char *fmt, ...) _printf_(4, 5);
/* Sort problems by line (stable). */
void import_sort_problems(struct import_table *t);

struct import_hook {
        /* Headers (case-insensitive, NULL-terminated) the hook reads: they are
         * not reported as ignored. May be NULL. */
        const char *const *columns;
        /* Called per row, inside the import transaction, after the row's
         * record was inserted; `subject` is the asset tag or person ref.
         * Return 0, or -errno with err_set("COLUMN: reason"). */
        int (*row)(struct db *db, const struct import_table *t, const struct import_record *rec,
                   const char *subject, void *userdata);
        void *userdata;
};

/* Map the header for `kind` and build every row's normalised record (no
 * register needed). Returns 0 when there is no problem, -EBADMSG when the
 * header is unusable (no records, a required column missing, a duplicate
 * column), else -EINVAL for bad rows (the problems are in t). */
int import_map(struct import_table *t, enum import_kind kind, const struct import_hook *hook);
/* The raw value of column `header` (case-insensitive) in rec, or NULL when the
 * file has no such column. Ignored columns are kept too. */
const char *import_value(const struct import_table *t, const struct import_record *rec, const char *header);
/* Headers that no field and no hook uses, comma separated ("" if none);
 * malloc'd. */
char *import_ignored(const struct import_table *t);
/* Whether some column of t (mapped) is one the hook reads: its rows then
 * need the hook, and are written one at a time. */
bool import_hook_claims(const struct import_table *t);

/* Map, check and write. ret_added: records written (or that would be with
 * IMPORT_DRY_RUN). -EINVAL when the file has problems (in t; nothing
 * written), other -errno for store failures (message in err_msg()). */
int import_run(struct db *db, struct import_table *t, enum import_kind kind, const struct import_hook *hook,
               unsigned flags, size_t *ret_added);

/* Export every record of `kind` as CSV or JSON to f, in a form import reads
 * back to the same records: assets with their storage media and open loan,
 * people with their badges (import-register.c). */
int export_csv(struct db *db, enum import_kind kind, FILE *f);
int export_json(struct db *db, enum import_kind kind, FILE *f);

/* --- beyond one row (import-register.c) --- */

/* Add one --status-map 'LABEL=STATE' to t (labels compare case-insensitively,
 * '-', '_' and runs of spaces as one space). -EINVAL naming the problem. */
int import_status_map_add(struct import_table *t, const char *spec);
/* The state a row's status text stands for: the --status-map, our states,
 * Snipe-IT's default labels, or the status type its custom report appends
 * ("Ready to Deploy (deployable)"). Refuses, with a problem recorded against
 * `column`, a label with no clear meaning (saying how to map it), a state
 * part-way through disposal (its records are not in the file), and issued
 * without who holds it. 0 with *ret_state (static), or -EINVAL. */
int import_asset_status(struct import_table *t, struct import_record *rec, const char *text, const char *column,
                        const char **ret_state);
/* True when the row names who holds the asset (issued_to, or Snipe-IT's
 * checkout columns). */
bool import_row_has_holder(const struct import_table *t, const struct import_record *rec);
/* Parse the row's "media" (assets) or "badges" (people) column, when the
 * file has one, into obj (a JSON array). 0, or -EINVAL with the problem
 * recorded. */
int import_record_extras(struct import_table *t, struct import_record *rec, enum import_kind kind, json_t *obj);
/* A media field: "" or a JSON array of {model, serial, size_bytes, kind[,
 * wwn, status, created_at]}; checked and normalised into *ret (caller owns).
 * -EINVAL with err_msg() "media: reason". */
int import_media_parse(const char *text, json_t **ret);
/* A badges field: badge numbers separated by spaces, or a JSON array. */
int import_badges_parse(const char *text, json_t **ret);
/* How a CSV file separates columns: Excel's "sep=X" first line, else what
 * the header line uses outside quotes (commas; else semicolons, as Excel
 * saves "CSV" where the decimal point is a comma; else tabs). *ret_delim
 * gets it; returns the length of a "sep=" line to skip, else 0. */
size_t import_csv_dialect(const char *data, size_t len, char *ret_delim);
/* A time as we write it (YYYY-MM-DDTHH:MM:SSZ) or as Snipe-IT does
 * (YYYY-MM-DD HH:MM:SS, taken as UTC), normalised to ours. 0 or -EINVAL. */
int import_timestamp(const char *s, char ret[static 21]);
/* A date cell as the register keeps it (YYYY-MM-DD): ISO with or without a
 * time ("2023-01-23", "2023-01-23 00:00:00", "2023-01-23T00:00:00Z"), or,
 * as `fmt` says, D/M/Y or M/D/Y (one or two digits for the day and month,
 * two or four for the year, 20YY for two) with an optional time. -EINVAL
 * with err_msg() the reason (the value quoted; a slashed date without a
 * format names --date-format). */
int import_date(const char *s, enum import_date_format fmt, char ret[static 11]);
/* Headers the register reads but keeps nothing of, for `kind`, each with
 * why ("Start Date (the register keeps no start date)"), comma separated
 * ("" if none); malloc'd. They are not in import_ignored(). */
char *import_noted(const struct import_table *t, enum import_kind kind);
/* The import row hooks: assets (media, then the open loan from our issued_to
 * columns or Snipe-IT's checkout columns), people (badges). */
const struct import_hook *asset_import_hook(void);
const struct import_hook *person_import_hook(void);
/* Add to each exported row (as db_asset_list / db_person_list return them)
 * what travels with it: assets get "media" (array) and the open loan's
 * issued_to, issued_at, due, condition_out, override_reason (null when not
 * out); people get "badges" (array). */
int export_extras(struct db *db, enum import_kind kind, json_t *rows);
/* The open loan's keys export_extras() adds, in export order (NULL-ended):
 * who holds the asset (the person's ref) and the loan's own fields. */
extern const char *const export_loan_keys[];
