/* Small helpers shared by every folder: cleanup attributes, the error message
 * a library function leaves for its caller, strings, hex, time and number
 * parsing. Nothing here prints or exits. */
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hand ownership out of a cleanup-attributed variable. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline bool streq(const char *a, const char *b) { return strcmp(a, b) == 0; }
static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b) return a == b;
        return strcmp(a, b) == 0;
}
static inline const char *strempty(const char *s) { return s ? s : ""; }
static inline bool isempty(const char *s) { return !s || !*s; }

/* The error message a failing library function leaves behind (per thread).
 * err_set() formats it and returns -code (code is a positive errno), so a
 * failing function can `return err_set(EINVAL, "...")`. Its %s arguments are
 * outside text: they are escaped as sb_add_safe() says, so a message that
 * quotes a cell, a scanned line or a device's model cannot drive a terminal.
 * err_msg() reads it; the caller in cmd/ prints it once. */
int err_set(int code, const char *fmt, ...) _printf_(2, 3);
/* Prefix the current message: "context: old message". Returns r unchanged. */
int err_prefix(int r, const char *fmt, ...) _printf_(2, 3);
const char *err_msg(void);
void err_clear(void);

/* Allocation that aborts on failure: running out of memory in a CLI is fatal. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* A growable string. */
struct strbuf {
        char *buf;   /* always NUL terminated once anything was added */
        size_t len;  /* bytes used, not counting the NUL */
        size_t cap;  /* bytes allocated */
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void sb_free(struct strbuf *sb);
/* Hand the buffer out (never NULL) and reset sb. */
char *sb_take(struct strbuf *sb);

/* Outside text (a file's cells, a scanned line, a device's properties, a
 * certificate's fields, argv) made safe to show on a terminal: C0 controls and
 * DEL as \t, \n, \r or \x1b; bytes that are not UTF-8 as \xff; C1 controls
 * (U+0080-U+009F), bidirectional overrides, embeddings, isolates and marks
 * (U+061C, U+200E-200F, U+202A-202E, U+2066-2069) and the line and paragraph
 * separators (U+2028-2029) as \u{9b}. Everything else, backslashes included,
 * is kept, so escaping twice changes nothing: the rendering is for people, not
 * for reading back. */
void sb_add_safe(struct strbuf *sb, const char *s, size_t n);
/* The same into a new string. */
char *safe_text(const char *s);
/* The same for text that should be ASCII (a scanned line): every other
 * character is escaped too (\u{a0}). */
char *safe_ascii(const char *s, size_t n);
/* True when s would be shown as it is (sb_add_safe() changes nothing). */
bool text_is_safe(const char *s, size_t n);
/* printf whose %s arguments are outside text, rendered with sb_add_safe();
 * the format itself is trusted and copied as it is. Supports the conversions
 * this code base uses (d i u o x X c s p e f g a, %%, flags, width, precision,
 * '*', and the length modifiers hh h l ll z j t L); %n aborts. A precision
 * cuts a %s argument before it is escaped, at a UTF-8 character boundary. */
void sb_vprintf_safe(struct strbuf *sb, const char *fmt, va_list ap);
void sb_printf_safe(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
char *xasprintf_safe(const char *fmt, ...) _printf_(1, 2);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const uint8_t *in, size_t n, char *out);
/* Parse exactly 2n hex digits into out; -EINVAL otherwise. */
int hex_decode(const char *in, uint8_t *out, size_t n);

/* Strict number parsing: the whole string, no sign surprises, range checked. */
int parse_int64(const char *s, int64_t *ret);
int parse_uint64(const char *s, uint64_t *ret);
/* Money in pounds ("1234", "1234.5", "1,234.56", "£12") to pence. */
int parse_money_pence(const char *s, int64_t *ret_pence);
/* A calendar date: YYYY-MM-DD, or DD/MM/YYYY (UK, as Snipe-IT exports).
 * Writes the canonical YYYY-MM-DD into ret (11 bytes). */
int parse_date(const char *s, char ret[static 11]);
/* Today's date in UTC as YYYY-MM-DD; $ASSETCTL_TODAY overrides it in a test build
 * (meson -Dtests=true) only. */
void today(char ret[static 11]);
/* Current UTC time as YYYY-MM-DDTHH:MM:SSZ; $ASSETCTL_NOW overrides it in a
 * test build only. */
void now_utc(char ret[static 21]);
/* Days from a to b (both YYYY-MM-DD); b - a. */
int64_t date_diff_days(const char *a, const char *b);
/* Date d plus n days into ret. */
void date_add_days(const char *d, int64_t n, char ret[static 11]);

/* True if s is valid UTF-8 with no control characters (C0, DEL, C1) except tab. */
bool utf8_valid(const char *s, size_t n);
/* True if s is valid UTF-8 (no overlongs or surrogates); any bytes below 0x80 allowed. */
bool utf8_valid_bytes(const char *s, size_t n);
/* Write one CSV field to f, quoted (RFC 4180) when it needs to be. Every CSV
 * the tool writes goes through here. A cell that a spreadsheet would run as a
 * formula (it starts with =, +, -, @, TAB or CR; a plain negative number such
 * as -5 excepted) is written with a leading single quote ('=HYPERLINK(...)),
 * as OWASP advises, and so is a cell that starts with a quote before one of
 * those characters or another quote (''=x for '=x), so that import undoes it
 * exactly (csv_escape_len()); any other leading quote is text ('quoted). */
void csv_write_field(FILE *f, const char *s);
/* How many bytes of a CSV cell read from a file are csv_write_field()'s
 * escape: 1 when it starts with ' followed by =, +, -, @, TAB, CR or ',
 * else 0. */
size_t csv_escape_len(const char *s, size_t n);
/* Trim ASCII white space at both ends, in place; returns s. */
char *strstrip(char *s);
/* Upper-case ASCII letters in place; returns s. */
char *strupper(char *s);

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* Write a file atomically (temp + rename) with the given mode. */
int write_file_atomic(const char *path, const void *data, size_t n, int mode);
/* mkdir -p with mode for the created directories. */
int mkdir_p(const char *path, int mode);
