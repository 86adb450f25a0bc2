/* label-check: the tests' independent look at rendered labels.
 *
 *   label-check IMAGE.png DPI --sheet FILE [--offset X Y] [--first N] [--count C] [--pad MM]
 *   label-check IMAGE.png DPI --single W H [--pad MM]
 *
 * Cuts each label out of a page rendered at DPI (by pdftoppm or
 * rsvg-convert) using the sheet template's geometry, reads every cut-out
 * with zbarimg, and measures where the QR symbol is: its bounding box (the
 * outer edges of the three finder patterns) found from the pixels. Prints
 * one line per label, "POSITION TEXT" (TEXT empty if zbarimg read nothing),
 * and exits 1 if a symbol is not where the template puts it: its left edge
 * PAD + 4 modules from the label's left edge, centred vertically (beside
 * text) within 0.2 mm, with its whole quiet zone inside the label. */
#include <cairo.h>
#include <math.h>
#include <sys/wait.h>
#include <spawn.h>
#include <fcntl.h>

#include "sheet.h"
#include "util.h"

extern char **environ;

struct img {
        int w, h, stride;
        const uint8_t *data; /* RGB24 / ARGB32 */
};

static bool dark(const struct img *im, int x, int y) {
        uint32_t p = *(const uint32_t *) (im->data + (size_t) y * im->stride + (size_t) x * 4);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        return (r * 299 + g * 587 + b * 114) / 1000 < 128;
}

/* The symbol's bounding box inside rect [x0,x1) x [y0,y1) (pixels). The
 * first dark column is the finder patterns' left edge; the top-left finder's
 * top edge, a run of 7 dark modules, gives the module size; the symbol then
 * runs right until a white gap of 3 modules (the quiet zone is 4, and no
 * symbol has 3 white columns side by side), and down over the rows it spans. */
static bool find_symbol(const struct img *im, int x0, int y0, int x1, int y1, int box[4]) {
        int first = -1, top = -1;
        for (int x = x0; x < x1 && first < 0; x++)
                for (int y = y0; y < y1; y++)
                        if (dark(im, x, y)) {
                                first = x, top = y;
                                break;
                        }
        if (first < 0) return false;
        int run = 0;
        while (first + run < x1 && dark(im, first + run, top + 1)) run++;
        int gap = (int) (3 * run / 7.0), last = first, white = 0;
        if (gap < 2) gap = 2;
        for (int x = first; x < x1; x++) {
                bool any = false;
                for (int y = y0; y < y1 && !any; y++) any = dark(im, x, y);
                if (any) {
                        last = x;
                        white = 0;
                } else if (++white >= gap)
                        break;
        }
        int bottom = top;
        white = 0;
        for (int y = top; y < y1; y++) {
                bool any = false;
                for (int x = first; x <= last && !any; x++) any = dark(im, x, y);
                if (any) {
                        bottom = y;
                        white = 0;
                } else if (++white >= gap)
                        break;
        }
        box[0] = first, box[1] = top, box[2] = last + 1, box[3] = bottom + 1;
        return true;
}

/* Write the rect as a PNG for zbarimg. */
static void crop(cairo_surface_t *page, int x, int y, int w, int h, const char *path) {
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_surface(cr, page, -x, -y);
        cairo_paint(cr);
        cairo_destroy(cr);
        cairo_surface_write_to_png(s, path);
        cairo_surface_destroy(s);
}

/* zbarimg --xml over the files; texts[i] gets what file i held. */
static int decode_all(char **files, int n, char **texts) {
        char **argv = xcalloc((size_t) n + 4, sizeof *argv);
        int a = 0;
        argv[a++] = "zbarimg";
        argv[a++] = "--xml";
        argv[a++] = "-q";
        for (int i = 0; i < n; i++) argv[a++] = files[i];
        int fds[2];
        if (pipe(fds) < 0) return -1;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        int r = posix_spawnp(&pid, "zbarimg", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        free(argv);
        close(fds[1]);
        if (r != 0) return -1;
        struct strbuf sb = {0};
        char buf[8192];
        ssize_t k;
        while ((k = read(fds[0], buf, sizeof buf)) > 0) sb_add(&sb, buf, (size_t) k);
        close(fds[0]);
        int st;
        waitpid(pid, &st, 0);
        /* <source href='FILE'> ... <data><![CDATA[TEXT]]></data> ... */
        int cur = -1;
        for (char *p = sb.buf; p && *p;) {
                char *src = strstr(p, "<source href='"), *dat = strstr(p, "<![CDATA[");
                if (!src && !dat) break;
                if (src && (!dat || src < dat)) {
                        src += 14;
                        char *end = strchr(src, '\'');
                        if (!end) break;
                        cur = -1;
                        for (int i = 0; i < n; i++)
                                if ((size_t) (end - src) == strlen(files[i]) && strncmp(src, files[i], (size_t) (end - src)) == 0) cur = i;
                        p = end;
                } else {
                        dat += 9;
                        char *end = strstr(dat, "]]>");
                        if (!end) break;
                        if (cur >= 0) {
                                char *t = xstrndup(dat, (size_t) (end - dat));
                                if (texts[cur]) { /* two symbols in one label: keep both, visibly */
                                        char *both = xasprintf("%s+%s", texts[cur], t);
                                        free(texts[cur]);
                                        free(t);
                                        t = both;
                                }
                                texts[cur] = t;
                        }
                        p = end;
                }
        }
        sb_free(&sb);
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 4) {
                fprintf(stderr, "usage: label-check IMAGE DPI (--sheet FILE [--offset X Y] [--first N] [--count C] | --single W H) [--pad MM]\n");
                return 2;
        }
        const char *image = argv[1];
        double dpi = strtod(argv[2], NULL), offx = 0, offy = 0, pad = -1, sw = 0, sh = 0;
        struct sheet *s = NULL;
        int first = 0, count = -1;
        for (int i = 3; i < argc; i++) {
                if (streq(argv[i], "--sheet") && i + 1 < argc) {
                        if (sheet_load_file(argv[++i], &s) < 0) {
                                fprintf(stderr, "label-check: %s\n", err_msg());
                                return 2;
                        }
                } else if (streq(argv[i], "--offset") && i + 2 < argc) {
                        offx = strtod(argv[++i], NULL);
                        offy = strtod(argv[++i], NULL);
                } else if (streq(argv[i], "--first") && i + 1 < argc)
                        first = (int) strtol(argv[++i], NULL, 10);
                else if (streq(argv[i], "--count") && i + 1 < argc)
                        count = (int) strtol(argv[++i], NULL, 10);
                else if (streq(argv[i], "--pad") && i + 1 < argc)
                        pad = strtod(argv[++i], NULL);
                else if (streq(argv[i], "--single") && i + 2 < argc) {
                        sw = strtod(argv[++i], NULL);
                        sh = strtod(argv[++i], NULL);
                } else {
                        fprintf(stderr, "label-check: bad argument '%s'\n", argv[i]);
                        return 2;
                }
        }
        if (!s && sw <= 0) return 2;
        if (pad < 0) pad = s ? 1.5 : 1.0;
        cairo_surface_t *page = cairo_image_surface_create_from_png(image);
        if (cairo_surface_status(page) != CAIRO_STATUS_SUCCESS) {
                fprintf(stderr, "label-check: cannot read '%s'\n", image);
                return 2;
        }
        struct img im = {cairo_image_surface_get_width(page), cairo_image_surface_get_height(page),
                         cairo_image_surface_get_stride(page), cairo_image_surface_get_data(page)};
        double px = dpi / 25.4; /* pixels per mm */
        int n = s ? (count >= 0 ? count : sheet_count(s) - first) : 1;
        double lw = s ? s->label_width : sw, lh = s ? s->label_height : sh;
        char dir[] = "/tmp/label-check.XXXXXX";
        if (!mkdtemp(dir)) return 2;
        char **files = xcalloc((size_t) n, sizeof *files), **texts = xcalloc((size_t) n, sizeof *texts);
        int bad = 0;
        for (int i = 0; i < n; i++) {
                double lx = 0, ly = 0;
                if (s) {
                        sheet_position(s, first + i, &lx, &ly);
                        lx += offx, ly += offy;
                }
                int x0 = (int) lround(lx * px), y0 = (int) lround(ly * px);
                int x1 = (int) lround((lx + lw) * px), y1 = (int) lround((ly + lh) * px);
                if (x0 < 0) x0 = 0;
                if (y0 < 0) y0 = 0;
                if (x1 > im.w) x1 = im.w;
                if (y1 > im.h) y1 = im.h;
                files[i] = xasprintf("%s/%03d.png", dir, first + i + 1);
                crop(page, x0, y0, x1 - x0, y1 - y0, files[i]);
                int box[4];
                /* on a tall label the code sits on top, within a square of the label's width */
                int sy1 = lw >= lh * 1.25 ? y1 : (int) fmin(y1, y0 + lw * px);
                if (!find_symbol(&im, x0, y0, x1, sy1, box)) continue; /* empty position */
                /* a symbol is square with 17+4v modules; finder patterns at its corners */
                double bx0 = box[0] / px, by0 = box[1] / px, bx1 = box[2] / px, by1 = box[3] / px;
                double side = bx1 - bx0;
                bool wide = lw >= lh * 1.25;
                double want_x = lx + pad, want_cy = ly + lh / 2;
                /* the module from the top-left finder pattern: its top edge is a
                 * run of 7 dark modules, read half a module down */
                int run = 0, yy = box[1] + 1;
                while (box[0] + run < box[2] && dark(&im, box[0] + run, yy)) run++;
                double module = run / px / 7;
                if (!wide) want_x = lx + (lw - side) / 2; /* centred above the text */
                if (wide && fabs((bx0 - 4 * module) - want_x) > 0.2) {
                        fprintf(stderr, "label %d: symbol at x %.2f mm (module %.3f mm): its quiet zone starts at %.2f mm, not %.2f mm into the label at %.2f mm\n",
                                first + i + 1, bx0, module, bx0 - 4 * module, pad, lx);
                        bad = 1;
                }
                double cy = (by0 + by1) / 2;
                if (wide && fabs(cy - want_cy) > 0.2) {
                        fprintf(stderr, "label %d: symbol centred at y %.2f mm, the label's centre is %.2f mm\n", first + i + 1, cy, want_cy);
                        bad = 1;
                }
                if (!wide && fabs((bx0 + bx1) / 2 - (lx + lw / 2)) > 0.2) {
                        fprintf(stderr, "label %d: symbol centred at x %.2f mm, the label's centre is %.2f mm\n", first + i + 1, (bx0 + bx1) / 2, lx + lw / 2);
                        bad = 1;
                }
                if (fabs((by1 - by0) - side) > 0.2) {
                        fprintf(stderr, "label %d: symbol is %.2f x %.2f mm, not square\n", first + i + 1, side, by1 - by0);
                        bad = 1;
                }
                double q = 4 * module - 0.1;
                if (bx0 - q < lx || by0 - q < ly || bx1 + q > lx + lw || by1 + q > ly + lh) {
                        fprintf(stderr, "label %d: the quiet zone around the symbol (%.2f,%.2f)-(%.2f,%.2f) leaves the label\n", first + i + 1, bx0, by0, bx1, by1);
                        bad = 1;
                }
                if (getenv("LABEL_CHECK_VERBOSE"))
                        fprintf(stderr, "label %d: symbol (%.3f,%.3f)-(%.3f,%.3f) mm, module %.3f mm\n", first + i + 1, bx0, by0, bx1, by1, module);
        }
        if (decode_all(files, n, texts) < 0) {
                fprintf(stderr, "label-check: cannot run zbarimg\n");
                return 2;
        }
        for (int i = 0; i < n; i++) {
                printf("%d %s\n", first + i + 1, texts[i] ? texts[i] : "");
                unlink(files[i]);
                free(files[i]);
                free(texts[i]);
        }
        rmdir(dir);
        free(files);
        free(texts);
        sheet_free(s);
        cairo_surface_destroy(page);
        return bad;
}
