#include "config.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

static _Thread_local char err_buf[1024];

/* Copy a message into err_buf, cut at a UTF-8 character boundary. */
static void err_store(const char *m, size_t n) {
        if (n >= sizeof err_buf) {
                n = sizeof err_buf - 1;
                while (n && ((unsigned char) m[n] & 0xc0) == 0x80) n--;
        }
        memcpy(err_buf, m, n);
        err_buf[n] = 0;
}

int err_set(int code, const char *fmt, ...) {
        struct strbuf sb = {0};
        va_list ap;
        va_start(ap, fmt);
        sb_vprintf_safe(&sb, fmt, ap);
        va_end(ap);
        err_store(strempty(sb.buf), sb.len);
        sb_free(&sb);
        return code > 0 ? -code : code;
}

int err_prefix(int r, const char *fmt, ...) {
        struct strbuf sb = {0};
        va_list ap;
        va_start(ap, fmt);
        sb_vprintf_safe(&sb, fmt, ap);
        va_end(ap);
        sb_printf(&sb, ": %s", err_buf[0] ? err_buf : strerror(r < 0 ? -r : r));
        err_store(sb.buf, sb.len);
        sb_free(&sb);
        return r;
}

const char *err_msg(void) { return err_buf; }
void err_clear(void) { err_buf[0] = 0; }

void *xmalloc(size_t n) {
        void *p = malloc(n ? n : 1);
        if (!p) abort();
        return p;
}
void *xcalloc(size_t n, size_t m) {
        void *p = calloc(n ? n : 1, m ? m : 1);
        if (!p) abort();
        return p;
}
void *xrealloc(void *p, size_t n) {
        p = realloc(p, n ? n : 1);
        if (!p) abort();
        return p;
}
char *xstrdup(const char *s) {
        char *p = strdup(s ? s : "");
        if (!p) abort();
        return p;
}
char *xstrndup(const char *s, size_t n) {
        char *p = strndup(s, n);
        if (!p) abort();
        return p;
}
char *xasprintf(const char *fmt, ...) {
        char *p;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0) abort();
        va_end(ap);
        return p;
}

static void sb_grow(struct strbuf *sb, size_t extra) {
        if (sb->len + extra + 1 <= sb->cap) return;
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + extra + 1) cap *= 2;
        sb->buf = xrealloc(sb->buf, cap);
        sb->cap = cap;
}
void sb_add(struct strbuf *sb, const char *s, size_t n) {
        sb_grow(sb, n);
        memcpy(sb->buf + sb->len, s, n);
        sb->len += n;
        sb->buf[sb->len] = 0;
}
void sb_puts(struct strbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }
void sb_printf(struct strbuf *sb, const char *fmt, ...) {
        va_list ap, ap2;
        va_start(ap, fmt);
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0) abort();
        sb_grow(sb, (size_t) n);
        vsnprintf(sb->buf + sb->len, (size_t) n + 1, fmt, ap2);
        va_end(ap2);
        sb->len += (size_t) n;
}
void sb_free(struct strbuf *sb) {
        free(sb->buf);
        *sb = (struct strbuf) {0};
}
char *sb_take(struct strbuf *sb) {
        char *p = sb->buf ? sb->buf : xstrdup("");
        *sb = (struct strbuf) {0};
        return p;
}

/* The length of the UTF-8 character at s (at most n bytes) and its code
 * point, or 0 when s does not start a valid one (overlong, surrogate, beyond
 * U+10FFFF, cut short). */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *ret_cp) {
        unsigned c = s[0];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
                *ret_cp = c;
                return 1;
        }
        if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07;
        else return 0;
        if (len > n) return 0;
        for (size_t k = 1; k < len; k++) {
                if ((s[k] & 0xc0) != 0x80) return 0;
                cp = cp << 6 | (s[k] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        *ret_cp = cp;
        return len;
}

/* Code points that are shown escaped though valid: C1 controls, and the ones
 * that reorder or break a line without showing themselves. */
static bool cp_hidden(uint32_t cp) {
        return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
               (cp >= 0x2066 && cp <= 0x2069);
}

static void sb_add_escaped(struct strbuf *sb, const char *str, size_t n, bool ascii) {
        const unsigned char *s = (const unsigned char *) str;
        size_t i = 0, run = 0; /* run: bytes from i kept as they are */
        while (i + run < n) {
                const unsigned char *p = s + i + run;
                uint32_t cp;
                size_t len = utf8_char(p, n - i - run, &cp);
                if (len && cp >= 0x20 && cp != 0x7f && !cp_hidden(cp) && !(ascii && cp >= 0x80)) {
                        run += len;
                        continue;
                }
                sb_add(sb, (const char *) s + i, run);
                if (!len)
                        sb_printf(sb, "\\x%02x", *p), len = 1;
                else if (cp == '\t')
                        sb_puts(sb, "\\t");
                else if (cp == '\n')
                        sb_puts(sb, "\\n");
                else if (cp == '\r')
                        sb_puts(sb, "\\r");
                else if (cp < 0x80)
                        sb_printf(sb, "\\x%02x", (unsigned) cp);
                else
                        sb_printf(sb, "\\u{%x}", (unsigned) cp);
                i += run + len;
                run = 0;
        }
        sb_add(sb, (const char *) s + i, run);
}

void sb_add_safe(struct strbuf *sb, const char *s, size_t n) { sb_add_escaped(sb, s, n, false); }

char *safe_ascii(const char *s, size_t n) {
        struct strbuf sb = {0};
        sb_add(&sb, "", 0);
        sb_add_escaped(&sb, s, n, true);
        return sb_take(&sb);
}

char *safe_text(const char *s) {
        struct strbuf sb = {0};
        sb_add_safe(&sb, strempty(s), strlen(strempty(s)));
        return sb_take(&sb);
}

bool text_is_safe(const char *str, size_t n) {
        const unsigned char *s = (const unsigned char *) str;
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t len = utf8_char(s + i, n - i, &cp);
                if (!len || cp < 0x20 || cp == 0x7f || cp_hidden(cp)) return false;
                i += len;
        }
        return true;
}

/* One conversion of sb_vprintf_safe(): spec is "%...X" with its '*'s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void sb_conversion(struct strbuf *sb, const char *spec, char conv, const char *len, va_list *ap) {
        int star[2], nstar = 0;
        for (const char *p = spec; *p; p++)
                if (*p == '*') star[nstar++] = va_arg(*ap, int);
#define SB_ONE(T)                                                                                             \
        do {                                                                                                  \
                T v_ = va_arg(*ap, T);                                                                        \
                if (nstar == 2) sb_printf(sb, spec, star[0], star[1], v_);                                    \
                else if (nstar == 1) sb_printf(sb, spec, star[0], v_);                                        \
                else sb_printf(sb, spec, v_);                                                                 \
        } while (0)
        bool l = streq(len, "l"), ll = streq(len, "ll") || streq(len, "q"), z = streq(len, "z"), j = streq(len, "j"),
             t = streq(len, "t"), L = streq(len, "L");
        switch (conv) {
        case 'd': case 'i':
                if (l) SB_ONE(long);
                else if (ll) SB_ONE(long long);
                else if (z) SB_ONE(ssize_t);
                else if (j) SB_ONE(intmax_t);
                else if (t) SB_ONE(ptrdiff_t);
                else SB_ONE(int); /* hh and h are promoted to int */
                break;
        case 'u': case 'o': case 'x': case 'X':
                if (l) SB_ONE(unsigned long);
                else if (ll) SB_ONE(unsigned long long);
                else if (z) SB_ONE(size_t);
                else if (j) SB_ONE(uintmax_t);
                else if (t) SB_ONE(ptrdiff_t);
                else SB_ONE(unsigned);
                break;
        case 'c': SB_ONE(int); break;
        case 'p': SB_ONE(void *); break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
                if (L) SB_ONE(long double);
                else SB_ONE(double);
                break;
        default: abort(); /* %n, %m and wide strings have no use here */
        }
#undef SB_ONE
}

void sb_vprintf_safe(struct strbuf *sb, const char *fmt, va_list ap_in) {
        va_list ap;
        va_copy(ap, ap_in);
        sb_add(sb, "", 0); /* the buffer exists even when fmt is "" */
        const char *p = fmt;
        while (*p) {
                const char *pc = strchr(p, '%');
                if (!pc) {
                        sb_puts(sb, p);
                        break;
                }
                sb_add(sb, p, (size_t) (pc - p));
                if (pc[1] == '%') {
                        sb_add(sb, "%", 1);
                        p = pc + 2;
                        continue;
                }
                /* %[flags][width][.precision][length]conversion */
                const char *q = pc + 1;
                q += strspn(q, "-+ #0'");
                bool width_star = *q == '*';
                int width = -1, prec = -1;
                if (width_star) q++;
                else if (*q >= '0' && *q <= '9') width = (int) strtol(q, (char **) &q, 10);
                bool prec_star = false, has_prec = *q == '.';
                if (has_prec) {
                        q++;
                        prec_star = *q == '*';
                        if (prec_star) q++;
                        else prec = (int) strtol(q, (char **) &q, 10);
                }
                const char *lm = q;
                q += strspn(q, "hlzjtLq");
                char len[4] = "";
                if (q - lm < (ptrdiff_t) sizeof len) memcpy(len, lm, (size_t) (q - lm)), len[q - lm] = 0;
                char conv = *q;
                if (!conv) abort();
                if (conv != 's') {
                        _cleanup_free_ char *spec = xstrndup(pc, (size_t) (q + 1 - pc));
                        sb_conversion(sb, spec, conv, len, &ap);
                        p = q + 1;
                        continue;
                }
                /* outside text: cut to the precision, escape, then pad to the width */
                if (width_star) width = va_arg(ap, int);
                if (prec_star) prec = va_arg(ap, int);
                const char *s = va_arg(ap, const char *);
                if (!s) s = "(null)";
                size_t n = prec >= 0 ? strnlen(s, (size_t) prec) : strlen(s);
                if (prec >= 0 && s[n])
                        while (n && ((unsigned char) s[n] & 0xc0) == 0x80) n--;
                bool left = memchr(pc + 1, '-', (size_t) (lm - pc - 1)) != NULL;
                if (width < 0 && width_star) left = true, width = -width;
                size_t start = sb->len;
                struct strbuf e = {0};
                sb_add_safe(&e, s, n);
                if (!left)
                        for (size_t k = e.len; width > 0 && k < (size_t) width; k++) sb_add(sb, " ", 1);
                sb_add(sb, strempty(e.buf), e.len);
                if (left)
                        for (size_t k = sb->len - start; width > 0 && k < (size_t) width; k++) sb_add(sb, " ", 1);
                sb_free(&e);
                p = q + 1;
        }
        va_end(ap);
}
#pragma GCC diagnostic pop

void sb_printf_safe(struct strbuf *sb, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        sb_vprintf_safe(sb, fmt, ap);
        va_end(ap);
}

char *xasprintf_safe(const char *fmt, ...) {
        struct strbuf sb = {0};
        va_list ap;
        va_start(ap, fmt);
        sb_vprintf_safe(&sb, fmt, ap);
        va_end(ap);
        return sb_take(&sb);
}

void hex_encode(const uint8_t *in, size_t n, char *out) {
        static const char d[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
                out[2 * i] = d[in[i] >> 4];
                out[2 * i + 1] = d[in[i] & 15];
        }
        out[2 * n] = 0;
}

static int hexval(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
}
int hex_decode(const char *in, uint8_t *out, size_t n) {
        if (strlen(in) != 2 * n) return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                int h = hexval(in[2 * i]), l = hexval(in[2 * i + 1]);
                if (h < 0 || l < 0) return -EINVAL;
                out[i] = (uint8_t) (h << 4 | l);
        }
        return 0;
}

int parse_int64(const char *s, int64_t *ret) {
        if (isempty(s) || isspace((unsigned char) *s)) return -EINVAL;
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno || *end) return -EINVAL;
        *ret = v;
        return 0;
}
int parse_uint64(const char *s, uint64_t *ret) {
        if (isempty(s) || !isdigit((unsigned char) *s)) return -EINVAL;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end) return -EINVAL;
        *ret = v;
        return 0;
}

int parse_money_pence(const char *s, int64_t *ret_pence) {
        const char *p = s;
        if (strncmp(p, "\xc2\xa3", 2) == 0) p += 2; /* £ */
        int64_t pounds = 0;
        int digits = 0, group = -1; /* digits since the last ',' (-1: none yet) */
        for (; *p && *p != '.'; p++) {
                if (*p == ',') {
                        /* a thousands separator: "1,049", never "649,99" (a decimal comma) */
                        if (!digits || (group >= 0 && group != 3) || (group < 0 && digits > 3)) return -EINVAL;
                        group = 0;
                        continue;
                }
                if (!isdigit((unsigned char) *p)) return -EINVAL;
                if (pounds > INT64_MAX / 1000) return -ERANGE;
                pounds = pounds * 10 + (*p - '0');
                digits++;
                if (group >= 0) group++;
        }
        if (!digits || (group >= 0 && group != 3)) return -EINVAL;
        int64_t pence = 0;
        if (*p == '.') {
                p++;
                int n = 0;
                for (; *p; p++, n++) {
                        if (!isdigit((unsigned char) *p) || n >= 2) return -EINVAL;
                        pence = pence * 10 + (*p - '0');
                }
                if (n == 0) return -EINVAL;
                if (n == 1) pence *= 10;
        }
        *ret_pence = pounds * 100 + pence;
        return 0;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
static int mdays(int y, int m) {
        static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        return m == 2 && leap(y) ? 29 : d[m - 1];
}

int parse_date(const char *s, char ret[static 11]) {
        int y, m, d, n = 0;
        if (isempty(s)) return -EINVAL;
        if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && s[n] == 0 && n == 10) {
        } else if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 && s[n] == 0 && n == 10) {
        } else
                return -EINVAL;
        if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays(y, m)) return -EINVAL;
        snprintf(ret, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
        return 0;
}

void today(char ret[static 11]) {
#if ASSETCTL_TEST_HOOKS
        const char *e = getenv("ASSETCTL_TODAY"); /* tests only: a fixed date */
        if (e && parse_date(e, ret) == 0) return;
#endif
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ret, 11, "%Y-%m-%d", &tm);
}

void now_utc(char ret[static 21]) {
#if ASSETCTL_TEST_HOOKS
        const char *e = getenv("ASSETCTL_NOW"); /* tests only: a fixed time */
        if (e && strlen(e) == 20) {
                memcpy(ret, e, 21);
                return;
        }
#endif
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ret, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t days_from_civil(int y, int m, int d) {
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        int64_t yoe = y - era * 400;
        int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

int64_t date_diff_days(const char *a, const char *b) {
        int ya, ma, da, yb, mb, db;
        if (sscanf(a, "%d-%d-%d", &ya, &ma, &da) != 3 || sscanf(b, "%d-%d-%d", &yb, &mb, &db) != 3) return 0;
        return days_from_civil(yb, mb, db) - days_from_civil(ya, ma, da);
}

void date_add_days(const char *d, int64_t n, char ret[static 11]) {
        int y, m, dd;
        if (sscanf(d, "%d-%d-%d", &y, &m, &dd) != 3) {
                snprintf(ret, 11, "%s", "1970-01-01");
                return;
        }
        int64_t z = days_from_civil(y, m, dd) + n + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t yy = yoe + era * 400;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int64_t day = doy - (153 * mp + 2) / 5 + 1;
        int64_t mon = mp < 10 ? mp + 3 : mp - 9;
        snprintf(ret, 11, "%04d-%02d-%02d", (int) ((yy + (mon <= 2)) % 10000), (int) (mon % 100), (int) (day % 100));
}

bool utf8_valid_bytes(const char *str, size_t n) {
        const unsigned char *s = (const unsigned char *) str;
        for (size_t i = 0; i < n;) {
                uint32_t cp;
                size_t len = utf8_char(s + i, n - i, &cp);
                if (!len) return false;
                i += len;
        }
        return true;
}

bool utf8_valid(const char *str, size_t n) {
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) str[i];
                if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
                /* C1 controls, U+0080..U+009F, are C2 80..C2 9F */
                if (c == 0xc2 && i + 1 < n && (unsigned char) str[i + 1] >= 0x80 && (unsigned char) str[i + 1] <= 0x9f) return false;
        }
        return utf8_valid_bytes(str, n);
}

/* A cell a spreadsheet would take for a formula (OWASP's CSV injection):
 * it starts with =, +, -, @, TAB or CR; a plain negative number ("-5",
 * "-12.50") is a number, not a formula, and stays as it is. */
static bool csv_formula_like(const char *s) {
        if (!*s || !strchr("=+-@\t\r", *s)) return false;
        if (*s != '-') return true;
        const char *p = s + 1;
        size_t digits = strspn(p, "0123456789");
        if (!digits) return true;
        p += digits;
        if (*p == '.' && p[1] >= '0' && p[1] <= '9') p += 1 + strspn(p + 1, "0123456789");
        return *p != 0;
}

void csv_write_field(FILE *f, const char *s) {
        s = strempty(s);
        /* a formula-like cell, and one that import would take for escaped,
         * gets a leading ' (csv_escape_len() says how import drops it) */
        size_t n = strlen(s);
        bool esc = csv_formula_like(s) || csv_escape_len(s, n);
        bool quote = strpbrk(s, ",\"\r\n") || (n && (isspace((unsigned char) s[0]) || isspace((unsigned char) s[n - 1])));
        if (quote) fputc('"', f);
        if (esc) fputc('\'', f);
        for (const char *p = s; *p; p++) {
                if (quote && *p == '"') fputc('"', f);
                fputc(*p, f);
        }
        if (quote) fputc('"', f);
}

size_t csv_escape_len(const char *s, size_t n) {
        return n >= 2 && s[0] == '\'' && strchr("=+-@\t\r'", s[1]) ? 1 : 0;
}

char *strstrip(char *s) {
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1])) *--e = 0;
        char *b = s;
        while (isspace((unsigned char) *b)) b++;
        if (b != s) memmove(s, b, strlen(b) + 1);
        return s;
}

char *strupper(char *s) {
        for (char *p = s; *p; p++) *p = (char) toupper((unsigned char) *p);
        return s;
}

int read_file(const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_fclose_ FILE *f = fopen(path, "rb");
        if (!f) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        struct strbuf sb = {0};
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
                if (sb.len + n > max) {
                        sb_free(&sb);
                        return err_set(EFBIG, "cannot read '%s': larger than %zu bytes", path, max);
                }
                sb_add(&sb, buf, n);
        }
        if (ferror(f)) {
                sb_free(&sb);
                return err_set(EIO, "cannot read '%s': %s", path, strerror(errno));
        }
        if (ret_len) *ret_len = sb.len;
        *ret = sb_take(&sb);
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t n, int mode) {
        _cleanup_free_ char *tmp = xasprintf("%s.tmpXXXXXX", path);
        _cleanup_close_ int fd = mkstemp(tmp);
        if (fd < 0) return err_set(errno, "cannot create '%s': %s", path, strerror(errno));
        if (fchmod(fd, (mode_t) mode) < 0 || write(fd, data, n) != (ssize_t) n || fsync(fd) < 0) {
                int e = errno ? errno : EIO;
                unlink(tmp);
                return err_set(e, "cannot write '%s': %s", path, strerror(e));
        }
        if (rename(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return err_set(e, "cannot write '%s': %s", path, strerror(e));
        }
        return 0;
}

int mkdir_p(const char *path, int mode) {
        _cleanup_free_ char *p = xstrdup(path);
        for (char *s = p + 1; *s; s++) {
                if (*s != '/') continue;
                *s = 0;
                if (mkdir(p, (mode_t) mode) < 0 && errno != EEXIST)
                        return err_set(errno, "cannot create directory '%s': %s", p, strerror(errno));
                *s = '/';
        }
        if (mkdir(p, (mode_t) mode) < 0 && errno != EEXIST)
                return err_set(errno, "cannot create directory '%s': %s", p, strerror(errno));
        return 0;
}
