/* Import and export of assets and people: see import.h.
 *
 * CSV is parsed by Debian's libcsv in strict mode (a quote inside an unquoted
 * field, text after a closing quote and an unterminated quote are errors).
 * libcsv does not count lines, so the file is fed to it one physical line
 * (up to and including '\n') at a time: the line number of the bytes being
 * fed is then always known, and a record starts on the line being fed when
 * the parser had no row begun before it. */
#include "core-internal.h"
#include "import.h"
#include "json.h"
#include "records-internal.h"

#include <csv.h>
#include <ctype.h>
#include <fcntl.h>
#include <iconv.h>
#include <stddef.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- tables */

static void *big_alloc(size_t n);
static void big_free(void *p, size_t n);

struct import_block {
        struct import_block *next;
        size_t used, cap;             /* bytes of data */
        max_align_t data[];
};

void import_table_free(struct import_table *t) {
        if (!t) return;
        for (size_t i = 0; i < t->n_cols; i++) free(t->cols[i].header);
        free(t->cols);
        for (size_t i = 0; i < t->n_rec; i++) {
                struct import_record *r = &t->recs[i];
                if (r->rec) json_decref(r->rec);
        }
        while (t->blocks) {
                struct import_block *b = t->blocks;
                t->blocks = b->next;
                big_free(b, sizeof *b + b->cap);
        }
        free(t->recs);
        for (size_t i = 0; i < t->n_prob; i++) {
                free(t->probs[i].column);
                free(t->probs[i].reason);
        }
        free(t->probs);
        free(t->file);
        if (t->status_map) json_decref(t->status_map);
        free(t);
}

int import_problem(struct import_table *t, int64_t line, const char *column, const char *fmt, ...) {
        if (t->n_prob == t->cap_prob) {
                t->cap_prob = t->cap_prob ? 2 * t->cap_prob : 16;
                t->probs = xrealloc(t->probs, t->cap_prob * sizeof *t->probs);
        }
        va_list ap;
        va_start(ap, fmt);
        char *reason;
        if (vasprintf(&reason, fmt, ap) < 0) abort();
        va_end(ap);
        t->probs[t->n_prob++] = (struct import_problem) {line, xstrdup(column), reason};
        return -EINVAL;
}

void import_sort_problems(struct import_table *t) {
        /* insertion sort: stable, and linear on the nearly sorted lists the
         * passes produce */
        struct import_problem *p = t->probs;
        size_t n = t->n_prob;
        for (size_t i = 1; i < n; i++) {
                struct import_problem x = p[i];
                size_t j = i;
                while (j > 0 && p[j - 1].line > x.line) {
                        p[j] = p[j - 1];
                        j--;
                }
                p[j] = x;
        }
}

static struct import_table *table_new(const char *file) {
        struct import_table *t = xcalloc(1, sizeof *t);
        t->file = xstrdup(file);
        return t;
}

static struct import_record *add_record(struct import_table *t, int64_t line) {
        if (t->n_rec == t->cap_rec) {
                t->cap_rec = t->cap_rec ? 2 * t->cap_rec : 64;
                t->recs = xrealloc(t->recs, t->cap_rec * sizeof *t->recs);
        }
        struct import_record *r = &t->recs[t->n_rec++];
        *r = (struct import_record) {.line = line};
        return r;
}

/* Name of column i for messages: its header, or "column N". */
static const char *col_name(const struct import_table *t, size_t i, char buf[32]) {
        if (i < t->n_cols && t->cols[i].header[0]) return t->cols[i].header;
        snprintf(buf, 32, "column %zu", i + 1);
        return buf;
}

/* ------------------------------------------------------------------- CSV */

/* The parser's state between callbacks. The fields of the record being
 * read are appended to one buffer (each NUL-terminated) and packed into one
 * allocation when the record ends: a 100,000-row file costs 100,000
 * allocations, not one per field. */
struct csv_state {
        struct import_table *t;
        int64_t line;        /* physical line being fed */
        int64_t rec_line;    /* line the current record started on, 0 if none */
        struct strbuf data;  /* the current record's field bytes, NUL after each */
        size_t *offs;        /* where each stored field starts in data */
        size_t n;            /* fields seen (stored: up to IMPORT_MAX_COLUMNS) */
        size_t cap;          /* allocated slots in offs */
        char *bad_col;       /* first problem in the current record, if any */
        char *bad_reason;
        size_t cr_ends;      /* records ended by '\r' in the chunk being fed */
        bool header_done;
        iconv_t cd;          /* to UTF-8 from the table's encoding, or (iconv_t) -1 */
        bool utf8_known;     /* the whole file is valid UTF-8: so is every field */
        char *conv;          /* the field being read, converted */
        size_t conv_cap;
};

/* n pointers followed by the strings they point to, in the table's blocks
 * (freed with the table). */
static char **pack_fields(struct import_table *t, const char *data, size_t len, const size_t *offs, size_t n) {
        size_t need = (n * sizeof(char *) + len + 1 + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
        struct import_block *b = t->blocks;
        if (!b || b->cap - b->used < need) {
                size_t cap = need > (4u << 20) ? need : (4u << 20);
                b = big_alloc(sizeof *b + cap);
                *b = (struct import_block) {.next = t->blocks, .cap = cap};
                t->blocks = b;
        }
        char **f = (char **) ((char *) b->data + b->used);
        b->used += need;
        char *d = (char *) (f + n);
        memcpy(d, data, len);
        d[len] = 0;
        for (size_t i = 0; i < n; i++) f[i] = d + offs[i];
        return f;
}

static void rec_problem(struct csv_state *s, const char *col, char *reason) {
        if (s->bad_reason) {
                free(reason);
                return;
        }
        s->bad_col = xstrdup(col);
        s->bad_reason = reason;
}

/* Convert the field d[0..len) to UTF-8 into s->conv; its length, or -1
 * with *ret_bad the first byte the encoding leaves undefined. */
static ssize_t field_convert(struct csv_state *s, const char *d, size_t len, unsigned char *ret_bad) {
        /* each byte of a single-byte encoding is at most 3 bytes of UTF-8 */
        if (3 * len + 1 > s->conv_cap) {
                s->conv_cap = 3 * len + 1;
                s->conv = xrealloc(s->conv, s->conv_cap);
        }
        char *in = (char *) d, *out = s->conv;
        size_t inleft = len, outleft = s->conv_cap;
        size_t r = iconv(s->cd, &in, &inleft, &out, &outleft);
        iconv(s->cd, NULL, NULL, NULL, NULL);
        if (r == (size_t) -1) {
                *ret_bad = inleft ? (unsigned char) *in : 0;
                return -1;
        }
        return (ssize_t) (out - s->conv);
}

static void on_field(void *data, size_t len, void *priv) {
        struct csv_state *s = priv;
        const char *d = data ? data : "";
        size_t i = s->n++;
        char nb[32];
        if (i >= IMPORT_MAX_COLUMNS) return; /* counted, not stored */
        if (i >= s->cap) {
                size_t want = s->cap ? 2 * s->cap : (s->t->n_cols ? s->t->n_cols : 16);
                if (want > IMPORT_MAX_COLUMNS) want = IMPORT_MAX_COLUMNS;
                if (want <= i) want = i + 1;
                s->offs = xrealloc(s->offs, want * sizeof *s->offs);
                s->cap = want;
        }
        s->offs[i] = s->data.len;
        char *reason = NULL;
        unsigned char bad = 0;
        if (len > IMPORT_MAX_FIELD)
                reason = xasprintf("field of %zu bytes is longer than the limit of %u", len, IMPORT_MAX_FIELD);
        else if (memchr(d, 0, len))
                reason = xstrdup("contains a NUL byte (is this a text file?)");
        else if (s->cd != (iconv_t) -1) {
                ssize_t n = field_convert(s, d, len, &bad);
                if (n < 0 && s->t->encoding_guessed)
                        reason = xasprintf("byte 0x%02X is neither UTF-8 nor a Windows-1252 character (save the file as CSV UTF-8)", bad);
                else if (n < 0)
                        reason = xasprintf("byte 0x%02X is not a character in %s (is --encoding right?)", bad, s->t->encoding);
                else
                        d = s->conv, len = (size_t) n;
        } else if (!s->utf8_known && !utf8_valid_bytes((const char *) d, len))
                reason = xstrdup("not valid UTF-8 (save the file as UTF-8, or give its --encoding)");
        if (reason) {
                const char *name = s->header_done ? col_name(s->t, i, nb) : (snprintf(nb, sizeof nb, "column %zu", i + 1), nb);
                rec_problem(s, name, reason);
                sb_add(&s->data, "", 1);
                return;
        }
        /* the formula escape csv_write_field() writes: '=SUM(A1) was =SUM(A1) */
        size_t esc = csv_escape_len(d, len);
        d += esc, len -= esc;
        /* CRLF inside a quoted field is a line break like LF */
        const char *cr = memchr(d, '\r', len);
        if (!cr)
                sb_add(&s->data, d, len);
        else
                for (size_t k = 0; k < len; k++)
                        if (!(d[k] == '\r' && k + 1 < len && d[k + 1] == '\n')) sb_add(&s->data, d + k, 1);
        sb_add(&s->data, "", 1);
}

/* Forget the record being read. */
static void drop_record(struct csv_state *s) {
        s->data.len = 0;
        free(s->bad_col);
        free(s->bad_reason);
        s->bad_col = s->bad_reason = NULL;
        s->n = 0;
        s->rec_line = 0;
}

/* True when every field of the record being read is empty or spaces. */
static bool blank_record(const struct csv_state *s) {
        size_t stored = s->n < IMPORT_MAX_COLUMNS ? s->n : IMPORT_MAX_COLUMNS;
        for (size_t i = 0; i < stored; i++) {
                const char *f = s->data.buf + s->offs[i];
                if (f[strspn(f, " \t\r\n")]) return false;
        }
        return stored > 0;
}

/* Hand the record collected so far to the table. */
static void finish_record(struct csv_state *s) {
        struct import_table *t = s->t;
        int64_t line = s->rec_line ? s->rec_line : s->line;
        size_t stored = s->n < IMPORT_MAX_COLUMNS ? s->n : IMPORT_MAX_COLUMNS;
        char nb[32];
        if (!s->header_done) {
                s->header_done = true;
                t->header_line = line;
                t->n_cols = stored;
                t->cols = xcalloc(stored ? stored : 1, sizeof *t->cols);
                for (size_t i = 0; i < stored; i++) t->cols[i].header = strstrip(xstrdup(s->data.buf + s->offs[i]));
                if (s->bad_reason)
                        import_problem(t, line, "header", "%s: %s", s->bad_col, s->bad_reason);
                else if (s->n > IMPORT_MAX_COLUMNS)
                        import_problem(t, line, "header", "%zu columns, more than the limit of %d", s->n, IMPORT_MAX_COLUMNS);
        } else {
                if (!s->bad_reason && blank_record(s)) {
                        /* a spreadsheet's empty row (",,,,"): no data, not a record */
                        drop_record(s);
                        return;
                }
                struct import_record *r = add_record(t, line);
                r->n = s->n;
                r->fields = pack_fields(t, s->data.buf ? s->data.buf : "", s->data.len, s->offs, stored);
                if (s->bad_reason) {
                        import_problem(t, line, s->bad_col, "%s", s->bad_reason);
                        r->bad = true;
                } else if (s->n != t->n_cols) {
                        if (s->n > t->n_cols)
                                import_problem(t, line, col_name(t, t->n_cols, nb), "extra field (the row has %zu fields, the header %zu)",
                                               s->n, t->n_cols);
                        else
                                import_problem(t, line, col_name(t, s->n, nb), "missing (the row has %zu fields, the header %zu)",
                                               s->n, t->n_cols);
                        r->bad = true;
                }
        }
        drop_record(s);
}

static void on_record(int c, void *priv) {
        struct csv_state *s = priv;
        if (c == '\r') s->cr_ends++;
        finish_record(s);
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t'; }
static int is_blank(unsigned char c) { return c == ' '; }

static void parser_init(struct csv_parser *p, char delim) {
        if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) abort();
        csv_set_delim(p, (unsigned char) delim);
        csv_set_space_func(p, delim == '\t' ? is_blank : is_space);
}

/* The encodings a CSV may be read in: iconv's name, ours, and aliases.
 * Only single-byte ASCII-compatible ones (and UTF-8): the parser finds
 * quotes, separators and line ends in the raw bytes. */
static const struct encoding {
        const char *iconv;    /* NULL: UTF-8, read as it is */
        const char *display;
        const char *names[4];
} encodings[] = {
        {NULL, "UTF-8", {"utf-8", "utf8"}},
        {"WINDOWS-1252", "Windows-1252", {"windows-1252", "cp1252", "win-1252"}},
        {"ISO-8859-1", "ISO-8859-1", {"iso-8859-1", "latin1", "latin-1", "iso8859-1"}},
        {"ISO-8859-15", "ISO-8859-15", {"iso-8859-15", "latin9", "latin-9", "iso8859-15"}},
        {"MACINTOSH", "Mac Roman", {"macintosh", "mac-roman", "macroman"}},
};

static const struct encoding *encoding_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(encodings); i++)
                for (size_t k = 0; k < ELEMENTSOF(encodings[i].names) && encodings[i].names[k]; k++)
                        if (strcasecmp(name, encodings[i].names[k]) == 0) return &encodings[i];
        return NULL;
}

int import_encoding(const char *name, const char **ret_name) {
        const struct encoding *e = encoding_find(name);
        if (!e) return err_set(EINVAL, "--encoding '%s': not an encoding the import reads (utf-8, windows-1252, iso-8859-1, "
                               "iso-8859-15, macintosh)", name);
        *ret_name = e->display;
        return 0;
}

struct import_table *import_parse_csv(const char *file, const char *data, size_t len) {
        return import_parse_csv_as(file, data, len, NULL);
}

static struct import_table *parse_csv(struct import_table *t, const char *data, size_t len, const struct encoding *enc,
                                      bool utf8_known);

struct import_table *import_parse_csv_as(const char *file, const char *data, size_t len, const char *encoding) {
        struct import_table *t = table_new(file);
        const struct encoding *enc = encoding ? encoding_find(encoding) : NULL;
        bool bom = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0;
        if (bom) data += 3, len -= 3;
        if (encoding && !enc) {
                import_problem(t, 1, "header", "'%s' is not an encoding the import reads", encoding);
                return t;
        }
        if (len >= 2 && (memcmp(data, "\xff\xfe", 2) == 0 || memcmp(data, "\xfe\xff", 2) == 0)) {
                import_problem(t, 1, "header", "the file is UTF-16: save it as UTF-8 CSV");
                return t;
        }
        if ((len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) || (len >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0)) {
                import_problem(t, 1, "header", "this is a spreadsheet workbook (.xlsx, .xls or .ods), not CSV: save it as "
                               "\"CSV UTF-8 (comma delimited)\"");
                return t;
        }
        if (len > IMPORT_MAX_BYTES) {
                import_problem(t, 1, "header", "the file is larger than the limit of %u bytes", IMPORT_MAX_BYTES);
                return t;
        }
        /* not UTF-8 and no mark saying it is: Excel's "CSV (Comma delimited)" on Windows */
        bool utf8 = (!enc || !enc->iconv) && utf8_valid_bytes(data, len);
        if (!enc && !bom && !utf8) {
                enc = &encodings[1];
                t->encoding_guessed = true;
        }
        if (!enc) enc = &encodings[0];
        t->encoding = enc->display;
        /* old Excel for Mac ends lines with a bare CR: read them as LF */
        if (len && !memchr(data, '\n', len) && memchr(data, '\r', len)) {
                char *copy = xmalloc(len);
                for (size_t i = 0; i < len; i++) copy[i] = data[i] == '\r' ? '\n' : data[i];
                t->cr_line_ends = true;
                parse_csv(t, copy, len, enc, utf8);
                free(copy);
                return t;
        }
        return parse_csv(t, data, len, enc, utf8);
}

/* Parse data as CSV in enc (utf8_known: it was checked to be valid UTF-8
 * as a whole, so its fields need no check) into t. */
static struct import_table *parse_csv(struct import_table *t, const char *data, size_t len, const struct encoding *enc,
                                      bool utf8_known) {
        struct csv_parser p;
        /* a "sep=;" line counts as line 1: the header is then line 2 */
        size_t off = import_csv_dialect(data, len, &t->delim);
        int64_t line = off ? 1 : 0;
        parser_init(&p, t->delim);
        struct csv_state s = {.t = t, .cd = (iconv_t) -1, .utf8_known = utf8_known && !enc->iconv};
        if (enc->iconv) {
                s.cd = iconv_open("UTF-8", enc->iconv);
                if (s.cd == (iconv_t) -1) {
                        import_problem(t, 1, "header", "cannot read %s text: %s", enc->display, strerror(errno));
                        return t;
                }
        }
        while (off < len) {
                const char *nl = memchr(data + off, '\n', len - off);
                size_t chunk = nl ? (size_t) (nl - (data + off)) + 1 : len - off;
                const char *c = data + off;
                line++;
                s.line = line;
                /* a record starts here unless one is in progress or the line is blank */
                bool blank = true;
                for (size_t k = 0; k < chunk && blank; k++)
                        if (!(c[k] == '\n' || c[k] == '\r' || c[k] == ' ' || c[k] == '\t')) blank = false;
                /* pstate 0 is libcsv's ROW_NOT_BEGUN: no field of a record read yet */
                if (!s.rec_line && p.pstate == 0 && !blank) s.rec_line = line;
                s.cr_ends = 0;
                size_t done = csv_parse(&p, c, chunk, on_field, on_record, &s);
                if (done < chunk || csv_error(&p) != CSV_SUCCESS) {
                        char nb[32];
                        const char *name = s.header_done ? col_name(t, s.n, nb) : "header";
                        int64_t at = s.rec_line ? s.rec_line : line;
                        if (!s.header_done) import_problem(t, at, "header", "bad quoting: a quote inside an unquoted field or text after a closing quote");
                        else {
                                struct import_record *r = add_record(t, at);
                                r->bad = true;
                                if (at == line)
                                        import_problem(t, at, name, "bad quoting: a quote inside an unquoted field or text after a closing quote");
                                else
                                        import_problem(t, at, name, "bad quoting: a quote inside an unquoted field or text after a closing quote (on line %lld)",
                                                       (long long) line);
                        }
                        /* start again on the next line */
                        drop_record(&s);
                        csv_free(&p);
                        parser_init(&p, t->delim);
                        if (!s.header_done) break;
                } else if (s.cr_ends > (chunk >= 2 && c[chunk - 2] == '\r' && c[chunk - 1] == '\n')) {
                        import_problem(t, line, "row", "a bare carriage return (CR) ends a record inside the line: save the file with LF or CRLF line ends");
                        if (t->n_rec) t->recs[t->n_rec - 1].bad = true;
                }
                off += chunk;
        }
        if (!s.header_done || p.pstate != 0 || s.n) {
                int64_t at = s.rec_line ? s.rec_line : line;
                bool had_header = s.header_done;
                if (csv_fini(&p, on_field, on_record, &s) != 0) {
                        if (had_header) {
                                struct import_record *r = add_record(t, at);
                                r->bad = true;
                                import_problem(t, at, col_name(t, s.n, (char[32]) {0}), "unterminated quoted field (the quote opened here is never closed)");
                        } else
                                import_problem(t, at ? at : 1, "header", "unterminated quoted field (the quote opened here is never closed)");
                        drop_record(&s);
                }
        }
        csv_free(&p);
        drop_record(&s);
        sb_free(&s.data);
        free(s.offs);
        free(s.conv);
        if (s.cd != (iconv_t) -1) iconv_close(s.cd);
        if (!s.header_done && t->n_prob == 0) import_problem(t, 1, "header", "the file is empty");
        else if (t->n_rec == 0 && t->n_prob == 0)
                import_problem(t, t->header_line, "header", "no records after the header");
        return t;
}

/* ------------------------------------------------------------------ JSON */

/* A JSON value as the text a CSV field would hold. */
static char *json_field_text(json_t *v, bool *ok) {
        *ok = true;
        if (!v || json_is_null(v)) return xstrdup("");
        if (json_is_string(v)) return xstrdup(json_string_value(v));
        if (json_is_true(v)) return xstrdup("yes");
        if (json_is_false(v)) return xstrdup("no");
        if (json_is_integer(v)) return xasprintf("%lld", (long long) json_integer_value(v));
        *ok = false;
        return xstrdup("");
}

/* json_field_text(), and for the columns that hold lists (an asset's media,
 * a person's badges): a list of words as the words separated by spaces,
 * any other array as compact JSON text. */
static char *json_list_text(json_t *v, bool *ok) {
        if (!json_is_array(v)) return json_field_text(v, ok);
        *ok = true;
        size_t i;
        json_t *x;
        bool words = true;
        json_array_foreach(v, i, x) words = words && json_is_string(x) && *json_string_value(x) &&
                                            !strpbrk(json_string_value(x), " \t\n");
        if (!words) {
                char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
                if (!s) abort();
                return s;
        }
        struct strbuf sb = {0};
        json_array_foreach(v, i, x) sb_printf(&sb, "%s%s", i ? " " : "", json_string_value(x));
        return sb.buf ? sb_take(&sb) : xstrdup("");
}

static bool list_column(const char *key) { return streq(key, "media") || streq(key, "badges"); }

struct import_table *import_parse_json(const char *file, const char *data, size_t len) {
        struct import_table *t = table_new(file);
        t->json = true;
        t->header_line = 1;
        json_error_t e;
        _cleanup_json_ json_t *arr = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
        if (!arr) {
                import_problem(t, e.line > 0 ? e.line : 1, "json", "%s", e.text);
                return t;
        }
        if (!json_is_array(arr)) {
                import_problem(t, 1, "json", "not an array of records");
                return t;
        }
        /* the header: every key, in first-seen order */
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) {
                if (!json_is_object(o)) continue;
                const char *k;
                json_t *v;
                json_object_foreach(o, k, v) {
                        bool seen = false;
                        for (size_t c = 0; c < t->n_cols && !seen; c++) seen = streq(t->cols[c].header, k);
                        if (seen) continue;
                        if (t->n_cols >= IMPORT_MAX_COLUMNS) {
                                import_problem(t, 1, "json", "more than %d keys", IMPORT_MAX_COLUMNS);
                                return t;
                        }
                        t->cols = xrealloc(t->cols, (t->n_cols + 1) * sizeof *t->cols);
                        t->cols[t->n_cols++] = (struct import_column) {.header = xstrdup(k)};
                }
        }
        _cleanup_free_ size_t *offs = xcalloc(t->n_cols ? t->n_cols : 1, sizeof *offs);
        json_array_foreach(arr, i, o) {
                struct import_record *r = add_record(t, (int64_t) i + 1);
                r->n = t->n_cols;
                struct strbuf sb = {0};
                for (size_t c = 0; c < t->n_cols; c++) {
                        bool ok = true;
                        json_t *jv = json_is_object(o) ? json_object_get(o, t->cols[c].header) : NULL;
                        _cleanup_free_ char *v = list_column(t->cols[c].header) ? json_list_text(jv, &ok) : json_field_text(jv, &ok);
                        offs[c] = sb.len;
                        sb_puts(&sb, v);
                        sb_add(&sb, "", 1);
                        const char *why = !ok ? "must be text, a number, true, false or null"
                                        : json_is_string(jv) && json_string_length(jv) != strlen(v) ? "contains a NUL byte"
                                        : !utf8_valid_bytes((const char *) v, strlen(v)) ? "not valid UTF-8" : NULL;
                        if (why && !r->bad) {
                                import_problem(t, r->line, t->cols[c].header, "%s", why);
                                r->bad = true;
                        }
                }
                r->fields = pack_fields(t, sb.buf ? sb.buf : "", sb.len, offs, t->n_cols);
                sb_free(&sb);
                if (!json_is_object(o)) {
                        import_problem(t, r->line, "record", "not an object");
                        r->bad = true;
                }
        }
        if (t->n_rec == 0 && t->n_prob == 0) import_problem(t, 1, "json", "no records");
        return t;
}

/* Big buffers (the file, the records' fields) are mapped with every page in
 * place (MAP_POPULATE): one system call instead of a page fault per 4 KiB,
 * which on a virtual machine costs more than filling the page. Aborts when
 * out of memory, like xmalloc(). Freed with big_free(p, n). */
static void *big_alloc(size_t n) {
        void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED) abort();
        return p;
}

static void big_free(void *p, size_t n) {
        if (p) munmap(p, n);
}

/* Read a regular file whole into a big_alloc() buffer of *ret_cap bytes
 * sized from fstat (read_file() grows its buffer as it goes: twice the
 * copying and the memory). 0 and *ret NULL when the file is not a regular
 * file or grew while being read: the caller falls back to read_file().
 * Same messages as read_file(). */
static int slurp(const char *file, char **ret, size_t *ret_len, size_t *ret_cap) {
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", file, strerror(errno));
        struct stat st;
        *ret = NULL;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) return 0;
        if ((uint64_t) st.st_size > IMPORT_MAX_BYTES)
                return err_set(EFBIG, "cannot read '%s': larger than %u bytes", file, IMPORT_MAX_BYTES);
        size_t cap = (size_t) st.st_size + 1, len = 0;
        char *buf = big_alloc(cap);
        for (;;) {
                ssize_t n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) {
                        int e = errno;
                        big_free(buf, cap);
                        return err_set(e, "cannot read '%s': %s", file, strerror(e));
                }
                if (n == 0) break;
                len += (size_t) n;
                if (len == cap) { /* it grew */
                        big_free(buf, cap);
                        return 0;
                }
        }
        buf[len] = 0;
        *ret = buf;
        *ret_len = len;
        *ret_cap = cap;
        return 0;
}

int import_read(const char *file, const char *encoding, struct import_table **ret) {
        char *data = NULL;
        size_t len = 0, cap = 0;
        int r = slurp(file, &data, &len, &cap);
        if (r < 0) return r;
        if (!data) {
                r = read_file(file, IMPORT_MAX_BYTES, &data, &len);
                if (r < 0) return r;
        }
        size_t k = 0;
        if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) k = 3;
        while (k < len && isspace((unsigned char) data[k])) k++;
        if (k < len && data[k] == '[')
                *ret = import_parse_json(file, data, len);
        else
                *ret = import_parse_csv_as(file, data, len, encoding);
        if (cap)
                big_free(data, cap);
        else
                free(data);
        return 0;
}

/* --------------------------------------------------------------- mapping */

/* Which header feeds which field: the record's field table (its names and
 * aliases, see db/store-records.h), and these columns that feed no one
 * field but are turned into one in build_*(): "cost" (pounds, to
 * cost_pence), "warranty_months" (months from the purchase date, to
 * warranty_until), "first_name"/"last_name" (joined into name). Lower
 * priority wins when several columns feed one field and both have a value.
 * Headers are compared case-insensitively after trimming, with '_' equal
 * to ' '. */
struct alias {
        const char *header;
        const char *key;
        int priority;
};

static const struct alias asset_derived[] = {
        {"cost", "cost", 0}, {"purchase cost", "cost", 0},
        {"warranty", "warranty_months", 0}, {"warranty months", "warranty_months", 0},
        {NULL},
};

static const struct alias person_derived[] = {
        {"first name", "first_name", 0},
        {"last name", "last_name", 0}, {"lastname", "last_name", 0}, {"surname", "last_name", 0},
        {NULL},
};

static const struct record_type *kind_type(enum import_kind kind) {
        return kind == IMPORT_ASSETS ? &asset_type : &person_type;
}

/* The key (a field's name, or a derived column's) header h feeds, or NULL. */
static const char *find_key(enum import_kind kind, const char *h, int *ret_priority) {
        const struct record_field *f = record_header_field(kind_type(kind), h, ret_priority);
        if (f) return f->name;
        for (const struct alias *a = kind == IMPORT_ASSETS ? asset_derived : person_derived; a->header; a++)
                if (record_header_is(h, a->header, strlen(a->header))) {
                        *ret_priority = a->priority;
                        return a->key;
                }
        return NULL;
}

/* The value of the best column feeding `key` in rec ("" if none); ret_col
 * gets the column index used (or the first column feeding key), -1 if the
 * header has none. */
static const char *field(const struct import_table *t, const struct import_record *rec, const char *key, ssize_t *ret_col) {
        ssize_t best = -1, any = -1;
        for (size_t i = 0; i < t->n_cols; i++) {
                const char *k = t->cols[i].key;
                /* hot: called for every field of every row */
                if (!k || (k != key && (k[0] != key[0] || !streq(k, key)))) continue;
                if (any < 0) any = (ssize_t) i;
                if (i < rec->n && rec->fields[i][0] && (best < 0 || t->cols[i].priority < t->cols[best].priority)) best = (ssize_t) i;
        }
        if (ret_col) *ret_col = best >= 0 ? best : any;
        return best >= 0 ? rec->fields[best] : "";
}

const char *import_value(const struct import_table *t, const struct import_record *rec, const char *header) {
        for (size_t i = 0; i < t->n_cols && i < rec->n && i < IMPORT_MAX_COLUMNS; i++)
                if (strcasecmp(t->cols[i].header, header) == 0) return rec->fields[i];
        return NULL;
}

char *import_ignored(const struct import_table *t) {
        struct strbuf sb = {0};
        for (size_t i = 0; i < t->n_cols; i++)
                if (!t->cols[i].key && !t->cols[i].claimed) sb_printf(&sb, "%s%s", sb.len ? ", " : "", t->cols[i].header[0] ? t->cols[i].header : "(blank)");
        return sb_take(&sb);
}

/* Report a normalise error "key: reason" against the column that fed key. */
static void norm_problem(struct import_table *t, struct import_record *rec, int r) {
        const char *msg = err_msg();
        const char *colon = strstr(msg, ": ");
        char nb[32];
        if (!colon) {
                import_problem(t, rec->line, "row", "%s", *msg ? msg : strerror(-r));
                return;
        }
        _cleanup_free_ char *key = xstrndup(msg, (size_t) (colon - msg));
        ssize_t col = -1;
        /* cost_pence errors may come from a pounds column */
        field(t, rec, key, &col);
        if (col < 0 && streq(key, "cost_pence")) field(t, rec, "cost", &col);
        if (col < 0 && streq(key, "name")) field(t, rec, "first_name", &col);
        if (col < 0 && streq(key, "warranty_until")) field(t, rec, "warranty_months", &col);
        const char *name = col >= 0 ? col_name(t, (size_t) col, nb) : key;
        import_problem(t, rec->line, name, "%s", colon + 2);
}

/* Report a hook's "COLUMN: reason": headers may themselves hold ": "
 * (Snipe-IT's "Checked Out To: Username"), so try them first. */
static void hook_problem(struct import_table *t, struct import_record *rec, int r) {
        const char *msg = err_msg();
        size_t best = 0;
        const char *col = NULL;
        for (size_t i = 0; i < t->n_cols; i++) {
                size_t n = strlen(t->cols[i].header);
                if (n > best && strncasecmp(msg, t->cols[i].header, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ') {
                        best = n;
                        col = t->cols[i].header;
                }
        }
        if (col)
                import_problem(t, rec->line, col, "%s", msg + best + 2);
        else
                norm_problem(t, rec, r);
}

/* Set key to v unless v is empty. Keys are our own ASCII names and every
 * field was checked to be UTF-8 when it was read (a record that is not is
 * bad and never built), so jansson's checks of both are skipped: an import
 * sets 1.7 million of them. */
static void set_if(json_t *o, const char *key, const char *v) {
        if (v && *v) json_object_set_new_nocheck(o, key, json_stringn_nocheck(v, strlen(v)));
}

/* Set each field the file gives as it is (all but the rowid, the times and
 * the status, which need reading) from the row. */
static void set_plain(const struct import_table *t, const struct import_record *rec, const struct record_type *rt, json_t *o) {
        for (size_t i = 0; i < rt->n_fields; i++) {
                const struct record_field *f = &rt->fields[i];
                if ((f->role & FR_INSERT) && f->type != FT_TIME && f->type != FT_STATUS) set_if(o, f->name, field(t, rec, f->name, NULL));
        }
}

/* The record's times (created_at, updated_at), ours or Snipe-IT's, as
 * ours; -EINVAL with the problem recorded. */
static int set_times(struct import_table *t, const struct import_record *rec, const struct record_type *rt, json_t *o) {
        ssize_t col;
        char nb[32], ts[21];
        for (size_t i = 0; i < rt->n_fields; i++) {
                const struct record_field *f = &rt->fields[i];
                if (f->type != FT_TIME) continue;
                const char *v = field(t, rec, f->name, &col);
                if (!*v) continue;
                if (import_timestamp(v, ts) < 0)
                        return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "'%s' is not a time (YYYY-MM-DDTHH:MM:SSZ)", v);
                json_object_set_new(o, f->name, json_string(ts));
        }
        return 0;
}

/* The record's dates (see import_date()) as YYYY-MM-DD, read as the
 * table's --date-format says; -EINVAL with the problem recorded. */
static int set_dates(struct import_table *t, const struct import_record *rec, const struct record_type *rt, json_t *o) {
        ssize_t col;
        char nb[32], d[11];
        for (size_t i = 0; i < rt->n_fields; i++) {
                const struct record_field *f = &rt->fields[i];
                if (f->type != FT_DATE || !(f->role & FR_INSERT)) continue;
                const char *v = json_str(o, f->name);
                if (!v) continue;
                _cleanup_free_ char *s = strstrip(xstrdup(v));
                if (!*s) continue;
                if (import_date(s, t->date_format, d) < 0) {
                        field(t, rec, f->name, &col);
                        return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "%s", err_msg());
                }
                json_object_set_new(o, f->name, json_string(d));
        }
        return 0;
}

/* Build the normalised asset record of one row; 0 or -EINVAL (problem recorded). */
static int build_asset(struct import_table *t, struct import_record *rec) {
        _cleanup_json_ json_t *a = json_object();
        set_plain(t, rec, &asset_type, a);
        set_if(a, "cost", field(t, rec, "cost", NULL));
        ssize_t col;
        char nb[32];
        if (set_dates(t, rec, &asset_type, a) < 0) return -EINVAL;
        const char *st = field(t, rec, asset_type.fields[ASSET_F_status].name, &col);
        if (*st) {
                const char *s;
                if (import_asset_status(t, rec, st, col_name(t, (size_t) col, nb), &s) < 0) return -EINVAL;
                json_object_set_new(a, asset_type.fields[ASSET_F_status].name, json_string(s));
        }
        if (set_times(t, rec, &asset_type, a) < 0) return -EINVAL;
        /* Excel writes semicolons where the decimal point is a comma: "1.049,99" */
        const char *cost = json_str(a, "cost");
        if (!t->json && t->delim == ';' && cost && strchr(cost, ',')) {
                _cleanup_free_ char *c = xstrdup(cost);
                for (char *q = c; *q; q++) *q = *q == ',' ? '.' : *q == '.' ? ',' : *q;
                json_object_set_new(a, "cost", json_string(c));
        }
        const char *serial = json_str(a, "serial");
        if (!t->allow_missing_serial && (!serial || !serial[strspn(serial, " \t")])) {
                field(t, rec, "serial", &col);
                return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "blank: every asset needs its serial "
                                      "(--allow-missing-serial imports it without one, to record later)");
        }
        int r = asset_normalise_serial(a, t->allow_missing_serial);
        if (r < 0) {
                norm_problem(t, rec, r);
                return -EINVAL;
        }
        if (import_record_extras(t, rec, IMPORT_ASSETS, a) < 0) return -EINVAL;
        /* Snipe-IT's warranty is in months from the purchase date */
        const char *wm = field(t, rec, "warranty_months", &col);
        if (*wm && !json_object_get(a, "warranty_until")) {
                char d[11];
                uint64_t months;
                const char *bought = json_str(a, "purchased");
                if (strchr(wm, '-') || strchr(wm, '/')) {
                        if (import_date(wm, t->date_format, d) < 0)
                                return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "%s", err_msg());
                        json_object_set_new(a, "warranty_until", json_string(d));
                }
                else if (parse_uint64(wm, &months) < 0 || months > 1200)
                        return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "'%s' is not a number of months or a date", wm);
                else if (!bought)
                        return import_problem(t, rec->line, col_name(t, (size_t) col, nb), "%s months from when? the row has no purchase date", wm);
                else {
                        int y, m, dd;
                        sscanf(bought, "%d-%d-%d", &y, &m, &dd);
                        int64_t mm = (int64_t) y * 12 + (m - 1) + (int64_t) months;
                        y = (int) (mm / 12), m = (int) (mm % 12) + 1;
                        static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
                        int last = md[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
                        snprintf(d, sizeof d, "%04d-%02d-%02d", y % 10000, m, dd > last ? last : dd);
                        json_object_set_new(a, "warranty_until", json_string(d));
                }
        }
        rec->rec = TAKE_PTR(a);
        return 0;
}

static int build_person(struct import_table *t, struct import_record *rec) {
        _cleanup_json_ json_t *p = json_object();
        set_plain(t, rec, &person_type, p);
        if (!json_str(p, "name")) {
                _cleanup_free_ char *first = xstrdup(field(t, rec, "first_name", NULL)), *last = xstrdup(field(t, rec, "last_name", NULL));
                strstrip(first);
                strstrip(last);
                if (*first || *last) {
                        _cleanup_free_ char *n = xasprintf("%s%s%s", first, *first && *last ? " " : "", last);
                        json_object_set_new(p, "name", json_string(n));
                }
        }
        if (set_dates(t, rec, &person_type, p) < 0 || set_times(t, rec, &person_type, p) < 0) return -EINVAL;
        int r = person_normalise(p);
        if (r < 0) {
                norm_problem(t, rec, r);
                return -EINVAL;
        }
        if (import_record_extras(t, rec, IMPORT_PEOPLE, p) < 0) return -EINVAL;
        rec->rec = TAKE_PTR(p);
        return 0;
}

/* Match the header to fields; -EBADMSG when it cannot be used. */
static int map_header(struct import_table *t, enum import_kind kind, const struct import_hook *hook) {
        if (t->n_cols == 0 || t->n_rec == 0) return -EBADMSG; /* nothing to map */
        bool header_bad = false;
        for (size_t i = 0; i < t->n_cols; i++) {
                struct import_column *c = &t->cols[i];
                int prio = 0;
                c->key = find_key(kind, c->header, &prio);
                c->priority = prio;
                if (!c->key && hook && hook->columns)
                        for (const char *const *h = hook->columns; *h; h++)
                                if (strcasecmp(*h, c->header) == 0) c->claimed = true;
                for (size_t j = 0; j < i && c->key; j++)
                        if (t->cols[j].key && streq(t->cols[j].key, c->key) && t->cols[j].priority == c->priority) {
                                import_problem(t, t->header_line, c->header, "duplicate column: '%s' (column %zu) already gives the %s",
                                               t->cols[j].header, j + 1, c->key);
                                header_bad = true;
                                break;
                        }
        }
        const struct record_type *rt = kind_type(kind);
        for (size_t f = 0; f < rt->n_fields; f++) {
                const char *k = rt->fields[f].name;
                if (!(rt->fields[f].role & FR_REQUIRED)) continue;
                bool have = false;
                for (size_t i = 0; i < t->n_cols && !have; i++)
                        have = t->cols[i].key && (streq(t->cols[i].key, k) || (streq(k, "name") && kind == IMPORT_PEOPLE &&
                                                                                (streq(t->cols[i].key, "first_name") || streq(t->cols[i].key, "last_name"))));
                if (!have && kind == IMPORT_ASSETS && streq(k, "serial") && t->allow_missing_serial) continue;
                if (!have && kind == IMPORT_ASSETS && streq(k, "serial")) {
                        import_problem(t, t->header_line, k, "required column missing (the header has no serial column; "
                                       "--allow-missing-serial imports the assets without one, to record later)");
                        header_bad = true;
                } else if (!have) {
                        import_problem(t, t->header_line, k, "required column missing (the header has no %s column)", k);
                        header_bad = true;
                }
        }
        return header_bad ? -EBADMSG : 0;
}

/* Build rec's normalised record unless it is already bad; false when bad. */
static bool build_record(struct import_table *t, struct import_record *rec, enum import_kind kind) {
        if (!rec->bad && (kind == IMPORT_ASSETS ? build_asset(t, rec) : build_person(t, rec)) < 0) rec->bad = true;
        return !rec->bad;
}

int import_map(struct import_table *t, enum import_kind kind, const struct import_hook *hook) {
        int r = map_header(t, kind, hook);
        if (r < 0) return r;
        for (size_t i = 0; i < t->n_rec; i++) build_record(t, &t->recs[i], kind);
        return t->n_prob ? -EINVAL : 0;
}

/* --------------------------------------------------- duplicates, writing */

/* An open-addressing set of keys (ASCII case-folded) to the line that
 * first gave them. A key is one string or two joined by a tab (make and
 * serial); the keys' text is kept in one buffer (slots hold offsets), so an
 * import of 100,000 rows does not allocate 200,000 keys. Each slot keeps the
 * key's hash: probing compares text only when the hashes agree. A slot is
 * free while its line is 0 (lines start at 1). */
struct seen_slot {
        uint64_t hash;
        int64_t line;            /* 0: free */
        size_t off;              /* where the key starts in text */
};

struct seen {
        size_t cap, n;
        struct seen_slot *slots; /* one cache line per probe, not three */
        struct strbuf text;      /* the keys, NUL-terminated */
};

/* Size s for n keys at most half full, so that it never grows (an import
 * knows how many records it has). */
static void seen_init(struct seen *s, size_t n) {
        size_t cap = 1024;
        while (cap < 2 * n) cap *= 2;
        *s = (struct seen) {.cap = cap, .slots = big_alloc(cap * sizeof *s->slots)}; /* zero-filled */
}

static uint64_t fold_add(uint64_t h, const char *s) {
        for (; *s; s++) {
                unsigned char c = (unsigned char) *s;
                if (c >= 'A' && c <= 'Z') c = (unsigned char) (c + 32);
                h = (h ^ c) * 1099511628211ull;
        }
        return h;
}

static uint64_t fold_hash(const char *k1, const char *k2) {
        uint64_t h = fold_add(1469598103934665603ull, k1);
        if (k2) h = fold_add((h ^ '\t') * 1099511628211ull, k2);
        return h ^ (h >> 29);
}

/* Is the stored key `stored` equal to k1 (TAB k2), ignoring ASCII case? */
static bool key_is(const char *stored, const char *k1, const char *k2) {
        if (!k2) return strcasecmp(stored, k1) == 0;
        size_t l1 = strlen(k1);
        return strncasecmp(stored, k1, l1) == 0 && stored[l1] == '\t' && strcasecmp(stored + l1 + 1, k2) == 0;
}

/* Insert the key k1 (TAB k2 when k2 is not NULL); returns the earlier line
 * if it was there, else 0. */
static int64_t seen_add(struct seen *s, const char *k1, const char *k2, int64_t line) {
        if (2 * (s->n + 1) > s->cap) {
                struct seen big = {.cap = s->cap ? 2 * s->cap : 1024, .n = s->n, .text = s->text};
                big.slots = big_alloc(big.cap * sizeof *big.slots);
                for (size_t i = 0; i < s->cap; i++)
                        if (s->slots[i].line) {
                                size_t j = s->slots[i].hash & (big.cap - 1);
                                while (big.slots[j].line) j = (j + 1) & (big.cap - 1);
                                big.slots[j] = s->slots[i];
                        }
                big_free(s->slots, s->cap * sizeof *s->slots);
                *s = big;
        }
        uint64_t h = fold_hash(k1, k2);
        size_t j = h & (s->cap - 1);
        for (; s->slots[j].line; j = (j + 1) & (s->cap - 1))
                if (s->slots[j].hash == h && key_is(s->text.buf + s->slots[j].off, k1, k2)) return s->slots[j].line;
        s->slots[j] = (struct seen_slot) {h, line, s->text.len};
        sb_puts(&s->text, k1);
        if (k2) {
                sb_add(&s->text, "\t", 1);
                sb_puts(&s->text, k2);
        }
        sb_add(&s->text, "", 1);
        s->n++;
        return 0;
}

/* The line (value) stored with key k1, or 0 when it is not there. */
static int64_t seen_find(const struct seen *s, const char *k1) {
        if (!s->cap) return 0;
        uint64_t h = fold_hash(k1, NULL);
        for (size_t j = h & (s->cap - 1); s->slots[j].line; j = (j + 1) & (s->cap - 1))
                if (s->slots[j].hash == h && key_is(s->text.buf + s->slots[j].off, k1, NULL)) return s->slots[j].line;
        return 0;
}

static void seen_free(struct seen *s) {
        big_free(s->slots, s->cap * sizeof *s->slots);
        sb_free(&s->text);
        *s = (struct seen) {0};
}

static const char *line_word(const struct import_table *t) { return t->json ? "record" : "line"; }

/* The register's assets an import of assets is checked against, read once
 * into the import's own sets (tags, make and serial) rather than asked of
 * the database for every row (two queries a row: on a server, two round
 * trips). The sets fold ASCII case, as NOCASE does; if any serial or make
 * is not ASCII the database's own comparison is used for serials row by
 * row. Tags are ASCII by the register's check. */
struct known_assets {
        json_t *rows;          /* db_asset_keys() */
        bool serials_per_row;
};

static bool is_ascii(const char *s) {
        for (; s && *s; s++)
                if ((unsigned char) *s >= 0x80) return false;
        return true;
}

static int known_assets_load(struct db *db, struct seen *tags, struct seen *serials, struct known_assets *ret) {
        struct known_assets k = {0};
        int r = db_asset_keys(db, &k.rows);
        if (r < 0) return r;
        size_t i;
        json_t *row;
        json_array_foreach(k.rows, i, row)
                if (!is_ascii(json_str(row, "serial")) || !is_ascii(json_str(row, "make"))) k.serials_per_row = true;
        json_array_foreach(k.rows, i, row) {
                const char *serial = json_str(row, "serial");
                (void) seen_add(tags, json_str(row, "tag"), NULL, -(int64_t) i - 1);
                if (!k.serials_per_row && serial && *serial)
                        (void) seen_add(serials, json_str(row, "make"), serial, -(int64_t) i - 1);
        }
        *ret = k;
        return 0;
}


/* Check one record for duplicates within the file (seen so far) and
 * against the register; false (problem recorded) when it is one. */
static bool check_duplicate(struct db *db, struct import_table *t, struct import_record *rec, enum import_kind kind,
                            struct seen *tags, struct seen *serials, const struct known_assets *known) {
        /* db is NULL when the register held none of these before the import:
         * then only the file itself can hold duplicates. A line below 0 in
         * the sets is the register's row -line - 1 of known->rows */
        char nb[32];
        ssize_t col;
        _cleanup_json_ json_t *dup = NULL;
        if (kind == IMPORT_PEOPLE) {
                const char *ref = json_str(rec->rec, "ref");
                field(t, rec, "ref", &col);
                const char *cn = col_name(t, (size_t) col, nb);
                int64_t prev = seen_add(tags, ref, NULL, rec->line);
                if (prev)
                        import_problem(t, rec->line, cn, "duplicate reference '%s' (also on %s %lld)", ref, line_word(t), (long long) prev);
                else if (db && db_person_by_ref(db, ref, &dup) == 0)
                        import_problem(t, rec->line, cn, "reference '%s' is already in the register (%s)", ref, json_str(dup, "name"));
                else
                        return true;
                return false;
        }
        const char *tag = json_str(rec->rec, "tag");
        if (tag) {
                field(t, rec, "tag", &col);
                const char *cn = col_name(t, (size_t) col, nb);
                int64_t prev = seen_add(tags, tag, NULL, rec->line);
                if (prev > 0) {
                        import_problem(t, rec->line, cn, "duplicate tag '%s' (also on %s %lld)", tag, line_word(t), (long long) prev);
                        return false;
                }
                if (prev < 0) {
                        import_problem(t, rec->line, cn, "tag '%s' is already in the register", tag);
                        return false;
                }
        }
        const char *make = json_str(rec->rec, "make"), *serial = json_str(rec->rec, "serial");
        if (!serial || !*serial) return true; /* imported without one (--allow-missing-serial) */
        field(t, rec, "serial", &col);
        const char *cn = col_name(t, (size_t) col, nb);
        int64_t prev = seen_add(serials, make, serial, rec->line);
        if (prev > 0)
                import_problem(t, rec->line, cn, "duplicate serial '%s' (%s) (also on %s %lld)", serial, make, line_word(t), (long long) prev);
        else if (prev < 0)
                import_problem(t, rec->line, cn, "serial '%s' (%s) is already registered as '%s'", serial, make,
                               json_str(json_array_get(known->rows, (size_t) (-prev - 1)), "tag"));
        else if (db && known->serials_per_row && db_asset_by_make_serial(db, make, serial, &dup) == 0)
                import_problem(t, rec->line, cn, "serial '%s' (%s) is already registered as '%s'", serial, make, json_str(dup, "tag"));
        else
                return true;
        return false;
}

/* Highest N among tags PREFIX-N given in the file (raw values). */
static int64_t file_max_tag(const struct import_table *t, const char *prefix) {
        int64_t max = 0;
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < t->n_rec; i++) {
                _cleanup_free_ char *tag = strupper(strstrip(xstrdup(field(t, &t->recs[i], "tag", NULL))));
                uint64_t n;
                if (strncmp(tag, prefix, pl) == 0 && tag[pl] == '-' && parse_uint64(tag + pl + 1, &n) == 0 &&
                    n < INT64_MAX && (int64_t) n > max)
                        max = (int64_t) n;
        }
        return max;
}

/* The rows an import has written and not yet added to its audit event:
 * rowids first..last, consecutive (as they are unless the table reached the
 * largest rowid). They are hashed in one scan (db_audit_rows()) when the run
 * breaks and at the end, after any hook changed them: each row's entry is
 * then its state as the import leaves it. */
struct written {
        const char *table;
        int64_t first, last;
        bool any;
};

static int written_flush(struct db *db, struct written *w) {
        if (!w->any) return 0;
        w->any = false;
        return db_audit_rows(db, w->table, w->first, w->last);
}

static int written_add(struct db *db, struct written *w, int64_t id) {
        if (w->any && id == w->last + 1) {
                w->last = id;
                return 0;
        }
        int r = written_flush(db, w);
        w->first = w->last = id;
        w->any = true;
        return r;
}

/* The people's references and badges, which no imported tag may equal (a
 * scan could not tell them apart), read once for an import of assets
 * rather than asked of the database for every row (two queries a row: on
 * a server, two round trips). Keys fold ASCII case, as NOCASE does; if any
 * key is not ASCII the database's own comparison is used row by row. */
struct scan_names {
        bool per_row;        /* ask the database for each tag */
        json_t *rows;        /* db_person_scan_names() */
        struct seen keys;    /* key -> its index in rows + 1 */
};

static int scan_names_load(struct db *db, struct scan_names *ret) {
        struct scan_names n = {0};
        int r = db_person_scan_names(db, &n.rows);
        if (r < 0) return r;
        seen_init(&n.keys, json_array_size(n.rows));
        size_t i;
        json_t *row;
        json_array_foreach(n.rows, i, row) {
                const char *k = json_str(row, "scan_key");
                for (const char *p = k ? k : ""; *p && !n.per_row; p++)
                        if ((unsigned char) *p >= 0x80) n.per_row = true;
                if (k && !n.per_row) seen_add(&n.keys, k, NULL, (int64_t) i + 1);
        }
        *ret = n;
        return 0;
}

static void scan_names_free(struct scan_names *n) {
        json_decref(n->rows);
        seen_free(&n->keys);
        *n = (struct scan_names) {0};
}

/* scan_name_check() of an imported tag, in memory when it can be. */
static int scan_names_check(struct db *db, const struct scan_names *n, const char *tag) {
        if (n->per_row) return scan_name_check(db, tag, "tag", true);
        int64_t i = seen_find(&n->keys, tag);
        if (!i) return 0;
        json_t *row = json_array_get(n->rows, (size_t) i - 1);
        return scan_name_clash("tag", tag, json_str(row, "name"), json_str(row, "ref"));
}

/* Insert one good record (its audit entry: see struct written) and run the
 * hook: 1, or 0 with the row's problem recorded. With a batch (no hook
 * column in the file) the record joins it instead, written with the batch:
 * a failed batch write is no row's, and ends the import (-errno). */
static int write_record(struct db *db, struct import_table *t, struct import_record *rec, enum import_kind kind,
                         const struct import_hook *hook, struct db_batch *batch, const char *prefix, int64_t *next,
                         struct written *w, const struct scan_names *names) {
        int64_t id;
        int r;
        const char *subject;
        if (kind == IMPORT_ASSETS) {
                if (!json_str(rec->rec, "tag")) {
                        char tag[64];
                        snprintf(tag, sizeof tag, "%s-%06lld", prefix, (long long) ++*next);
                        json_object_set_new(rec->rec, "tag", json_string(tag));
                }
                struct asset a;
                record_from_json(&asset_type, rec->rec, &a);
                subject = a.tag;
                r = scan_names_check(db, names, subject);
                if (r >= 0 && batch && (r = db_batch_add(batch, &a, &id)) < 0) return r;
                if (r >= 0 && !batch) r = db_asset_insert(db, &a, &id);
        } else {
                struct person p;
                record_from_json(&person_type, rec->rec, &p);
                subject = p.ref;
                r = scan_name_check(db, subject, "reference", false);
                if (r >= 0 && batch && (r = db_batch_add(batch, &p, &id)) < 0) return r;
                if (r >= 0 && !batch) r = db_person_insert(db, &p, &id);
        }
        if (r >= 0) r = written_add(db, w, id);
        if (r < 0) {
                import_problem(t, rec->line, "row", "%s", err_msg());
                return 0;
        }
        if (hook && hook->row && !batch) {
                err_clear();
                r = hook->row(db, t, rec, subject, hook->userdata);
                if (r < 0) {
                        hook_problem(t, rec, r);
                        return 0;
                }
        }
        return 1;
}

bool import_hook_claims(const struct import_table *t) {
        for (size_t i = 0; i < t->n_cols; i++)
                if (t->cols[i].claimed) return true;
        return false;
}

/* One pass: each row is built, checked and written at once, so memory
 * holds the parsed text and not a JSON record per row. After the first
 * problem the rest is still checked and its good rows written (so the
 * hook's checks run on them), to list every bad row; then the transaction
 * is rolled back. */
int import_run(struct db *db, struct import_table *t, enum import_kind kind, const struct import_hook *hook,
               unsigned flags, size_t *ret_added) {
        _cleanup_free_ char *prefix = NULL;
        _cleanup_json_ json_t *details = NULL;
        struct seen tags = {0}, serials = {0};
        struct scan_names names = {0};
        struct known_assets known = {0};
        struct db_batch *batch = NULL;
        if (map_header(t, kind, hook) < 0) {
                import_sort_problems(t);
                return -EINVAL;
        }
        seen_init(&tags, t->n_rec);
        seen_init(&serials, kind == IMPORT_ASSETS ? t->n_rec : 0);
        int r = db_begin(db);
        if (r < 0) goto fail;
        int64_t next = 0, existing = 0;
        r = kind == IMPORT_ASSETS ? db_asset_count(db, &existing) : db_person_count(db, &existing);
        if (r >= 0) r = db_tune_bulk(db);
        if (r < 0) goto fail;
        if (kind == IMPORT_ASSETS) {
                r = school_get(db, NULL, &prefix);
                if (r >= 0) r = db_asset_max_tag_number(db, prefix, &next);
                if (r < 0) goto fail;
                int64_t fm = file_max_tag(t, prefix);
                if (fm > next) next = fm;
                r = scan_names_load(db, &names);
                if (r >= 0 && existing) r = known_assets_load(db, &tags, &serials, &known);
                if (r < 0) goto fail;
        }
        /* rows that nothing is written after (no hook column in the file)
         * go many to a statement; each still gets the id and entry a single
         * insert would have given it */
        if (!import_hook_claims(t)) {
                r = kind == IMPORT_ASSETS ? db_batch_new(db, "assets", &asset_type, "cannot add the assets", &batch)
                                          : db_batch_new(db, "people", &person_type, "cannot add the people", &batch);
                if (r < 0) goto fail;
        }
        const char *base = strrchr(t->file, '/') ? strrchr(t->file, '/') + 1 : t->file;
        details = json_pack("{ss,si}", "file", base, "records", (json_int_t) t->n_rec);
        r = db_audit_begin(db, kind == IMPORT_ASSETS ? "asset.import" : "person.import", base, details);
        if (r < 0) goto fail;
        size_t added = 0;
        struct written w = {.table = kind == IMPORT_ASSETS ? "assets" : "people"};
        for (size_t i = 0; i < t->n_rec; i++) {
                struct import_record *rec = &t->recs[i];
                /* good rows are written even after a problem (all is rolled
                 * back then): the hook's checks, which need the rows before,
                 * then report every bad row too */
                int k = 0;
                if (build_record(t, rec, kind) && check_duplicate(existing ? db : NULL, t, rec, kind, &tags, &serials, &known))
                        k = write_record(db, t, rec, kind, hook, batch, prefix, &next, &w, &names);
                if (rec->rec) {
                        json_decref(rec->rec);
                        rec->rec = NULL;
                }
                if (k < 0) {
                        r = k;
                        goto fail;
                }
                added += k;
        }
        seen_free(&tags);
        seen_free(&serials);
        scan_names_free(&names);
        json_decref(TAKE_PTR(known.rows));
        if (t->n_prob) {
                r = -EINVAL;
                goto fail;
        }
        r = batch ? db_batch_flush(batch) : 0;
        db_batch_free(TAKE_PTR(batch));
        if (r >= 0) r = written_flush(db, &w);
        if (r >= 0) r = db_audit_end(db);
        if (r < 0) goto fail;
        if (flags & IMPORT_DRY_RUN)
                db_rollback(db);
        else {
                r = db_commit(db);
                if (r < 0) return r;
        }
        *ret_added = added;
        return 0;
fail:
        seen_free(&tags);
        seen_free(&serials);
        scan_names_free(&names);
        json_decref(known.rows);
        db_batch_free(batch);
        db_rollback(db);
        import_sort_problems(t);
        return r;
}

/* ---------------------------------------------------------------- export */

/* The export's columns: every field but the rowid in table order (an
 * asset's open loan after its status), then the lists that travel with the
 * record. NULL-ended, in cols. */
static void export_cols(enum import_kind kind, const char *cols[static 64]) {
        const struct record_type *rt = kind_type(kind);
        size_t n = 0;
        for (size_t i = 0; i < rt->n_fields; i++) {
                if (rt->fields[i].role & FR_KEY) continue;
                cols[n++] = rt->fields[i].name;
                if (kind == IMPORT_ASSETS && i == ASSET_F_status)
                        for (const char *const *k = export_loan_keys; *k; k++) cols[n++] = *k;
        }
        cols[n++] = kind == IMPORT_ASSETS ? "media" : "badges";
        cols[n] = NULL;
}

static int export_rows(struct db *db, enum import_kind kind, json_t **ret) {
        _cleanup_json_ json_t *rows = NULL;
        /* the rows and their media, loans and badges from one snapshot,
         * without the write lock: writers go on meanwhile */
        int r = db_begin_read(db);
        if (r < 0) return r;
        r = kind == IMPORT_ASSETS ? db_asset_list(db, NULL, NULL, NULL, &rows) : db_person_list(db, NULL, &rows);
        if (r >= 0) r = export_extras(db, kind, rows);
        db_end_read(db);
        if (r < 0) return r;
        *ret = TAKE_PTR(rows);
        return 0;
}

int export_csv(struct db *db, enum import_kind kind, FILE *f) {
        _cleanup_json_ json_t *rows = NULL;
        int r = export_rows(db, kind, &rows);
        if (r < 0) return r;
        const char *cols[64];
        export_cols(kind, cols);
        for (size_t c = 0; cols[c]; c++) {
                if (c) fputc(',', f);
                csv_write_field(f, cols[c]);
        }
        fputc('\n', f);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
                for (size_t c = 0; cols[c]; c++) {
                        if (c) fputc(',', f);
                        bool ok;
                        _cleanup_free_ char *s = json_list_text(json_object_get(row, cols[c]), &ok);
                        csv_write_field(f, s);
                }
                fputc('\n', f);
        }
        return ferror(f) ? err_set(EIO, "cannot write the export: %s", strerror(errno)) : 0;
}

int export_json(struct db *db, enum import_kind kind, FILE *f) {
        _cleanup_json_ json_t *rows = NULL;
        int r = export_rows(db, kind, &rows);
        if (r < 0) return r;
        const char *cols[64];
        export_cols(kind, cols);
        _cleanup_json_ json_t *out = json_array();
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row) {
                json_t *o = json_object();
                for (size_t c = 0; cols[c]; c++) {
                        json_t *v = json_object_get(row, cols[c]);
                        json_object_set(o, cols[c], v ? v : json_null());
                }
                json_array_append_new(out, o);
        }
        if (json_dumpf(out, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0) return err_set(EIO, "cannot write the export");
        fputc('\n', f);
        return ferror(f) ? err_set(EIO, "cannot write the export: %s", strerror(errno)) : 0;
}
