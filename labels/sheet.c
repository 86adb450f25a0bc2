/* Sheet templates; see sheet.h. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>

#include "config.h"
#include "sheet.h"
#include "datadir.h"

void sheet_free(struct sheet *s) {
        if (!s)
                return;
        free(s->name);
        free(s->description);
        free(s);
}

void sheet_position(const struct sheet *s, int i, double *ret_x, double *ret_y) {
        int c = i % s->columns, r = i / s->columns;
        *ret_x = s->left + c * s->column_pitch;
        *ret_y = s->top + r * s->row_pitch;
}

/* The keys a template has, where they go, and their ranges. */
enum key_kind { K_MM, K_COUNT, K_TEXT };
static const struct sheet_key {
        const char *key;
        enum key_kind kind;
        size_t offset;
        bool required;
        double min, max; /* inclusive range for numbers */
} sheet_keys[] = {
        {"description", K_TEXT, offsetof(struct sheet, description), false, 0, 0},
        {"page-width", K_MM, offsetof(struct sheet, page_width), true, 10, 2000},
        {"page-height", K_MM, offsetof(struct sheet, page_height), true, 10, 2000},
        {"columns", K_COUNT, offsetof(struct sheet, columns), true, 1, 100},
        {"rows", K_COUNT, offsetof(struct sheet, rows), true, 1, 100},
        {"label-width", K_MM, offsetof(struct sheet, label_width), true, 5, 2000},
        {"label-height", K_MM, offsetof(struct sheet, label_height), true, 5, 2000},
        {"left", K_MM, offsetof(struct sheet, left), true, 0, 2000},
        {"top", K_MM, offsetof(struct sheet, top), true, 0, 2000},
        {"column-pitch", K_MM, offsetof(struct sheet, column_pitch), true, 0, 2000},
        {"row-pitch", K_MM, offsetof(struct sheet, row_pitch), true, 0, 2000},
        {"corner-radius", K_MM, offsetof(struct sheet, corner_radius), false, 0, 50},
};

/* A decimal number, plain: digits with an optional fraction, no sign,
 * exponent, hex or locale surprises. */
static int parse_mm(const char *s, double *ret) {
        const char *p = s;
        double v = 0, scale = 1;
        int digits = 0;
        for (; isdigit((unsigned char) *p); p++, digits++) {
                if (digits > 6) return -EINVAL;
                v = v * 10 + (*p - '0');
        }
        if (*p == '.') {
                p++;
                int frac = 0;
                for (; isdigit((unsigned char) *p); p++, frac++) {
                        if (frac > 4) return -EINVAL;
                        scale /= 10;
                        v += (*p - '0') * scale;
                }
                if (frac == 0) return -EINVAL;
        }
        if (digits == 0 || *p) return -EINVAL;
        *ret = v;
        return 0;
}

int sheet_parse(const char *text, const char *origin, const char *name, struct sheet **ret) {
        _cleanup_sheet_ struct sheet *s = xcalloc(1, sizeof *s);
        bool seen[ELEMENTSOF(sheet_keys)] = {false};
        int lineno = 0;

        for (const char *line = text; *line;) {
                const char *nl = strchr(line, '\n');
                size_t len = nl ? (size_t) (nl - line) : strlen(line);
                _cleanup_free_ char *l = xstrndup(line, len);
                line += len + (nl ? 1 : 0);
                lineno++;
                if (len && l[len - 1] == '\r') l[len - 1] = 0; /* CRLF files from Windows editors */
                if (len > 512) return err_set(EINVAL, "%s line %d: line too long", origin, lineno);
                if (!utf8_valid(l, strlen(l))) return err_set(EINVAL, "%s line %d: not valid UTF-8 text", origin, lineno);
                char *t = strstrip(l);
                if (!*t || *t == '#') continue;
                char *eq = strchr(t, '=');
                if (!eq) return err_set(EINVAL, "%s line %d: expected 'key = value', got '%s'", origin, lineno, t);
                *eq = 0;
                char *key = strstrip(t), *value = strstrip(eq + 1);
                size_t k;
                for (k = 0; k < ELEMENTSOF(sheet_keys); k++)
                        if (streq(sheet_keys[k].key, key)) break;
                if (k == ELEMENTSOF(sheet_keys)) return err_set(EINVAL, "%s line %d: unknown key '%s'", origin, lineno, key);
                if (seen[k]) return err_set(EINVAL, "%s line %d: '%s' given twice", origin, lineno, key);
                seen[k] = true;
                const struct sheet_key *sk = &sheet_keys[k];
                if (sk->kind == K_TEXT) {
                        *(char **) ((char *) s + sk->offset) = xstrdup(value);
                        continue;
                }
                double v;
                if (parse_mm(value, &v) < 0)
                        return err_set(EINVAL, "%s line %d: %s '%s' is not a number%s", origin, lineno, key, value,
                                       sk->kind == K_MM ? " of millimetres (like 12.5)" : "");
                if (v < sk->min || v > sk->max)
                        return err_set(EINVAL, "%s line %d: %s %s is out of range (%g to %g)", origin, lineno, key, value, sk->min, sk->max);
                if (sk->kind == K_COUNT) {
                        if (v != floor(v)) return err_set(EINVAL, "%s line %d: %s '%s' is not a whole number", origin, lineno, key, value);
                        *(int *) ((char *) s + sk->offset) = (int) v;
                } else
                        *(double *) ((char *) s + sk->offset) = v;
        }
        for (size_t k = 0; k < ELEMENTSOF(sheet_keys); k++)
                if (sheet_keys[k].required && !seen[k])
                        return err_set(EINVAL, "%s: '%s' is missing", origin, sheet_keys[k].key);

        /* the grid must lie on the page without labels overlapping */
        const double eps = 0.005;
        if (s->columns > 1 && s->column_pitch + eps < s->label_width)
                return err_set(EINVAL, "%s: column-pitch %.2f is less than label-width %.2f: labels would overlap", origin, s->column_pitch, s->label_width);
        if (s->rows > 1 && s->row_pitch + eps < s->label_height)
                return err_set(EINVAL, "%s: row-pitch %.2f is less than label-height %.2f: labels would overlap", origin, s->row_pitch, s->label_height);
        double right = s->left + (s->columns - 1) * s->column_pitch + s->label_width;
        double bottom = s->top + (s->rows - 1) * s->row_pitch + s->label_height;
        if (right > s->page_width + eps)
                return err_set(EINVAL, "%s: the labels reach %.2f mm across, past the page width %.2f mm", origin, right, s->page_width);
        if (bottom > s->page_height + eps)
                return err_set(EINVAL, "%s: the labels reach %.2f mm down, past the page height %.2f mm", origin, bottom, s->page_height);
        if (s->corner_radius * 2 > s->label_width || s->corner_radius * 2 > s->label_height)
                return err_set(EINVAL, "%s: corner-radius %.2f is too large for the label", origin, s->corner_radius);
        s->name = strupper(xstrdup(name));
        if (!s->description) s->description = xstrdup("");
        *ret = TAKE_PTR(s);
        return 0;
}

int sheet_load_file(const char *path, struct sheet **ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_file(path, 65536, &text, NULL);
        if (r < 0) return r;
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        _cleanup_free_ char *name = xstrdup(base);
        char *dot = strrchr(name, '.');
        if (dot) *dot = 0;
        _cleanup_free_ char *origin = xasprintf("'%s'", path);
        return sheet_parse(text, origin, name, ret);
}

/* The directories searched, in order: $ASSETCTL_SHEETS_DIR alone if set,
 * else datadir_dirs()'s list. Returns the count; free with datadir_free(). */
static int sheet_dirs(char *dirs[static DATADIR_MAX]) {
        const char *env = getenv("ASSETCTL_SHEETS_DIR");
        if (!isempty(env)) {
                dirs[0] = xstrdup(env);
                return 1;
        }
        return datadir_dirs("sheets", "labels/sheets", dirs);
}

/* Template names are short words: letters, digits, '-', '_'. */
static bool sheet_name_valid(const char *n) {
        if (!*n || strlen(n) > 64) return false;
        for (const char *p = n; *p; p++)
                if (!isalnum((unsigned char) *p) && *p != '-' && *p != '_') return false;
        return true;
}

static int cmpstr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int sheet_list(char ***ret) {
        char *dirs[DATADIR_MAX];
        int nd = sheet_dirs(dirs);
        char **v = NULL;
        int n = 0;
        for (int d = 0; d < nd; d++) {
                DIR *dir = opendir(dirs[d]);
                if (!dir) continue;
                struct dirent *de;
                while ((de = readdir(dir))) {
                        size_t l = strlen(de->d_name);
                        if (l <= 6 || !streq(de->d_name + l - 6, ".sheet")) continue;
                        char *nm = strupper(xstrndup(de->d_name, l - 6));
                        bool dup = false;
                        for (int i = 0; i < n; i++)
                                if (streq(v[i], nm)) dup = true;
                        if (dup || !sheet_name_valid(nm)) {
                                free(nm);
                                continue;
                        }
                        v = xrealloc(v, sizeof *v * (size_t) (n + 1));
                        v[n++] = nm;
                }
                closedir(dir);
        }
        datadir_free(dirs, nd);
        if (n > 1) qsort(v, (size_t) n, sizeof *v, cmpstr);
        *ret = v;
        return n;
}

int sheet_find(const char *name, struct sheet **ret) {
        if (!sheet_name_valid(name)) return err_set(EINVAL, "'%s' is not a sheet name", name);
        char *dirs[DATADIR_MAX];
        int nd = sheet_dirs(dirs);
        _cleanup_free_ char *found = NULL;
        for (int d = 0; d < nd && !found; d++) {
                DIR *dir = opendir(dirs[d]);
                if (!dir) continue;
                struct dirent *de;
                while ((de = readdir(dir))) {
                        size_t l = strlen(de->d_name);
                        if (l == strlen(name) + 6 && streq(de->d_name + l - 6, ".sheet") && strncasecmp(de->d_name, name, l - 6) == 0) {
                                found = xasprintf("%s/%s", dirs[d], de->d_name);
                                break;
                        }
                }
                closedir(dir);
        }
        datadir_free(dirs, nd);
        if (found) return sheet_load_file(found, ret);
        char **names = NULL;
        int n = sheet_list(&names);
        struct strbuf sb = {0};
        for (int i = 0; i < n; i++) {
                sb_printf(&sb, "%s%s", i ? ", " : "", names[i]);
                free(names[i]);
        }
        free(names);
        int r = err_set(ENOENT, "no label sheet '%s': known sheets are %s", name, n ? sb.buf : "(none installed)");
        sb_free(&sb);
        return r;
}
