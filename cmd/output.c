/* Output for listings and records: aligned tables, JSON and CSV. */
#include "cmd.h"
#include "core.h"

#include <wchar.h>

char *out_text(json_t *v) {
        if (!v || json_is_null(v)) return xstrdup("");
        if (json_is_string(v)) return xstrdup(json_string_value(v));
        if (json_is_true(v)) return xstrdup("yes");
        if (json_is_false(v)) return xstrdup("no");
        if (json_is_integer(v)) return xasprintf("%lld", (long long) json_integer_value(v));
        if (json_is_real(v)) return xasprintf("%g", json_real_value(v));
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        return s ? s : xstrdup("");
}

static void out_vfprintf(FILE *f, const char *fmt, va_list ap) {
        struct strbuf sb = {0};
        sb_vprintf_safe(&sb, fmt, ap);
        fputs(sb.buf, f);
        sb_free(&sb);
}

void out_printf(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        out_vfprintf(stdout, fmt, ap);
        va_end(ap);
}

void out_fprintf(FILE *f, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        out_vfprintf(f, fmt, ap);
        va_end(ap);
}

/* Display width of a UTF-8 string (columns on a terminal). */
static size_t text_width(const char *s) {
        mbstate_t st = {0};
        size_t w = 0;
        const char *p = s;
        size_t left = strlen(s);
        while (left) {
                wchar_t wc;
                size_t n = mbrtowc(&wc, p, left, &st);
                if (n == (size_t) -1 || n == (size_t) -2) {
                        w++;
                        p++;
                        left--;
                        memset(&st, 0, sizeof st);
                        continue;
                }
                if (n == 0) break;
                int cw = wcwidth(wc);
                w += cw > 0 ? (size_t) cw : 0;
                p += n;
                left -= n;
        }
        return w;
}

static size_t ncols(const struct column *cols) {
        size_t n = 0;
        while (cols[n].key) n++;
        return n;
}

static void print_json(json_t *v) {
        char *s = json_dumps_safe(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (s) puts(s);
        free(s);
}

void out_list(enum out_format f, const struct column *cols, json_t *rows) {
        size_t n = ncols(cols), nrows = json_array_size(rows);
        if (f == OUT_JSON) {
                print_json(rows);
                return;
        }
        if (f == OUT_CSV) {
                for (size_t c = 0; c < n; c++) {
                        if (c) putchar(',');
                        csv_write_field(stdout, cols[c].key);
                }
                putchar('\n');
                for (size_t r = 0; r < nrows; r++) {
                        json_t *row = json_array_get(rows, r);
                        for (size_t c = 0; c < n; c++) {
                                if (c) putchar(',');
                                _cleanup_free_ char *t = out_text(json_object_get(row, cols[c].key));
                                csv_write_field(stdout, t);
                        }
                        putchar('\n');
                }
                return;
        }
        size_t *w = xcalloc(n, sizeof *w);
        for (size_t c = 0; c < n; c++) w[c] = text_width(cols[c].header);
        char **cells = xcalloc(n * (nrows ? nrows : 1), sizeof *cells);
        for (size_t r = 0; r < nrows; r++)
                for (size_t c = 0; c < n; c++) {
                        _cleanup_free_ char *raw = out_text(json_object_get(json_array_get(rows, r), cols[c].key));
                        for (char *p = raw; *p; p++)
                                if (*p == '\n' || *p == '\t' || *p == '\r') *p = ' ';
                        char *t = safe_text(raw);
                        cells[r * n + c] = t;
                        size_t tw = text_width(t);
                        if (tw > w[c]) w[c] = tw;
                }
        for (size_t c = 0; c < n; c++) {
                fputs(cols[c].header, stdout);
                if (c + 1 < n) printf("%*s", (int) (w[c] - text_width(cols[c].header) + 2), "");
        }
        putchar('\n');
        for (size_t r = 0; r < nrows; r++) {
                for (size_t c = 0; c < n; c++) {
                        const char *t = cells[r * n + c];
                        fputs(t, stdout);
                        if (c + 1 < n) printf("%*s", (int) (w[c] - text_width(t) + 2), "");
                        free(cells[r * n + c]);
                }
                putchar('\n');
        }
        free(cells);
        free(w);
}

void out_object(enum out_format f, const struct column *cols, json_t *obj) {
        if (f == OUT_JSON) {
                print_json(obj);
                return;
        }
        if (f == OUT_CSV) {
                _cleanup_json_ json_t *arr = json_array();
                json_array_append(arr, obj);
                out_list(OUT_CSV, cols, arr);
                return;
        }
        size_t n = ncols(cols), w = 0;
        for (size_t c = 0; c < n; c++)
                if (text_width(cols[c].header) > w) w = text_width(cols[c].header);
        for (size_t c = 0; c < n; c++) {
                _cleanup_free_ char *t = out_text(json_object_get(obj, cols[c].key));
                printf("%s:%*s", cols[c].header, (int) (w - text_width(cols[c].header) + 1), "");
                /* a value over several lines (notes) keeps to its column */
                for (const char *p = t;;) {
                        size_t len = strcspn(p, "\n");
                        if (len && p[len - 1] == '\r') len--;
                        out_printf("%.*s", (int) len, p);
                        p = strchr(p, '\n');
                        if (!p++) break;
                        printf("\n%*s", (int) w + 2, "");
                }
                putchar('\n');
        }
}

const struct opt format_opts[] = {OPT_FORMAT(struct format_args, fmt), OPT_END};

int cmd_status_opt(const struct ctx *ctx, const char *status, char **ret) {
        if (!status) return -1;
        _cleanup_free_ char *st = xstrdup(status);
        for (char *p = st; *p; p++)
                if (*p == ' ' || *p == '-') *p = '_';
        if (!asset_status_valid(st)) return cmd_usage_error(ctx, "--status '%s' is not a status", status);
        *ret = TAKE_PTR(st);
        return -1;
}
