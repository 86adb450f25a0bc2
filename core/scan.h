/* Scan mode: one scan (a line a hand scanner typed) at a time. A person scan
 * selects the borrower, an asset scan issues to the borrower or, with none
 * selected, takes the asset back; DONE or an empty line clears the borrower.
 * The mode can be fixed (issue, return, stock-take, lookup). Each scan is
 * its own transaction, so an interrupted session keeps every scan made. */
#pragma once

#include "core.h"

enum scan_mode { SCAN_AUTO, SCAN_ISSUE, SCAN_RETURN, SCAN_STOCKTAKE, SCAN_LOOKUP };

/* What became of a scan: the caller rings the bell for REFUSED and IGNORED. */
enum scan_result {
        SCAN_DONE,    /* the register changed (issue, return, stock-take scan) */
        SCAN_INFO,    /* nothing changed: a borrower selected, a lookup */
        SCAN_REFUSED, /* a rule refused it, or the tag/person is unknown */
        SCAN_IGNORED, /* not a scan at all (junk) */
};

struct scan_session {
        struct db *db;
        enum scan_mode mode;
        int64_t stocktake_id;  /* SCAN_STOCKTAKE: the stock-take (0: the open one) */
        const char *due;       /* due date for issues, or NULL */
        json_t *borrower;      /* the person selected, or NULL (owned) */
        unsigned scans, issued, returned, counted, looked_up, refused, ignored;
        int wal_pages;         /* pages in the write-ahead log (see scan_housekeeping) */
        unsigned checkpoints;  /* housekeeping runs done */
        int store_failed;      /* scan_run() stopped: the register could not be
                                * written (a positive errno), else 0 */
};

/* Before the first scan: take over WAL checkpoints from SQLite, so that they
 * run between scans rather than inside one. */
void scan_session_start(struct scan_session *s);
/* Between scans. idle: no scan is waiting (the technician is reaching for
 * the next item): tidy the WAL if it holds anything. Not idle: only when it
 * has grown past SCAN_WAL_LIMIT pages. Returns true if it ran. */
#define SCAN_WAL_LIMIT 16384
bool scan_housekeeping(struct scan_session *s, bool idle);

/* Parse a mode name; -EINVAL if unknown. */
int scan_mode_parse(const char *s, enum scan_mode *ret);
/* Turn what a scanner typed into a token: white space and CR/LF trimmed, a
 * URL reduced to its last path segment, upper-cased. Returns 0 and the
 * token, 1 for an empty line, -EINVAL for junk (control characters, spaces
 * inside, too long). */
int scan_normalise(const char *line, char *out, size_t n);
/* Why a line as read (n bytes, its LF and a CR before it included or not)
 * is no scan at all, or NULL if it may be one: a NUL byte, another C0
 * control (tab included) or DEL, invalid UTF-8, a C1 control (U+0080 to
 * U+009F). n == SCAN_LINE_TOO_LONG: the reader discarded an over-long line
 * whole. Such a line is refused whole, never cut into another scan. */
#define SCAN_LINE_TOO_LONG SIZE_MAX
const char *scan_line_fault(const char *line, size_t n);
/* Handle one scan; *ret_text is the line to show (caller frees). */
enum scan_result scan_one(struct scan_session *s, const char *line, char **ret_text);
/* The same for a line of n bytes as read (it may hold NUL bytes, n may be
 * SCAN_LINE_TOO_LONG): a line scan_line_fault() finds fault with is ignored. */
enum scan_result scan_one_line(struct scan_session *s, const char *line, size_t n, char **ret_text);
/* The front end's side of scan_run(). */
struct scan_callbacks {
        void *userdata;
        /* Is another scan already waiting (typed ahead)? */
        bool (*waiting)(void *userdata);
        /* The next line and its length in bytes (it may hold NUL bytes;
         * SCAN_LINE_TOO_LONG for one discarded whole), or NULL at the end
         * (or on an interrupt). */
        const char *(*next)(void *userdata, size_t *ret_len);
        /* A scan was handled: the line to show, and how long it took
         * (the housekeeping it waited for included). */
        void (*result)(void *userdata, enum scan_result res, const char *text, double seconds);
};
/* The whole session: start, then for each line housekeeping between scans
 * (at once when nobody waits; see scan_housekeeping()) and scan_one(), until
 * next() returns NULL, or the store fails (an I/O error, a full disk:
 * s->store_failed), which would fail every later scan the same way. The
 * summary is scan_summary() after. */
void scan_run(struct scan_session *s, const struct scan_callbacks *cb);
/* The closing summary line (caller frees). */
char *scan_summary(const struct scan_session *s);
void scan_session_done(struct scan_session *s);
