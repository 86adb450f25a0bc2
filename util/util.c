#include "config.h"
#include "util.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

static _Thread_local char err_buf[1024];

int err_set(int code, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err_buf, sizeof err_buf, fmt, ap);
        va_end(ap);
        return code > 0 ? -code : code;
}

int err_prefix(int r, const char *fmt, ...) {
        char pre[256], old[sizeof err_buf - 300];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(pre, sizeof pre, fmt, ap);
        va_end(ap);
        snprintf(old, sizeof old, "%s", err_buf);
        if (old[0])
                snprintf(err_buf, sizeof err_buf, "%s: %s", pre, old);
        else
                snprintf(err_buf, sizeof err_buf, "%s: %s", pre, strerror(r < 0 ? -r : r));
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
        size_t i = 0;
        while (i < n) {
                unsigned c = s[i];
                if (c < 0x80) {
                        i++;
                        continue;
                }
                int len;
                unsigned cp;
                if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f;
                else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f;
                else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07;
                else return false;
                if (i + (size_t) len > n) return false;
                for (int k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80) return false;
                        cp = cp << 6 | (s[i + k] & 0x3f);
                }
                if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += (size_t) len;
        }
        return true;
}

bool utf8_valid(const char *str, size_t n) {
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) str[i];
                if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
        }
        return utf8_valid_bytes(str, n);
}

void csv_write_field(FILE *f, const char *s) {
        size_t n = strlen(s);
        bool quote = strpbrk(s, ",\"\r\n") || (n && (isspace((unsigned char) s[0]) || isspace((unsigned char) s[n - 1])));
        if (!quote) {
                fputs(s, f);
                return;
        }
        fputc('"', f);
        for (const char *p = s; *p; p++) {
                if (*p == '"') fputc('"', f);
                fputc(*p, f);
        }
        fputc('"', f);
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
