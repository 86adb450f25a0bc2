/* ql-decode: read a Brother QL raster job back, strictly, as the printer
 * would, written from the command reference independently of
 * labels/brother.c (it shares none of its code).
 *
 *   ql-decode JOB.bin [PREFIX]
 *
 * Prints what the job asks for, one line per command group, and writes each
 * page's image as PREFIX-N.png (mirrored back so that a decoder can read
 * the QR code; one raster line per image row). Exits 1 on anything a
 * printer would not accept: a bad invalidate run, an unknown command, a
 * raster line of the wrong length, a line count that differs from ESC i z. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *p, *end;

static int fail(const char *what) {
        fprintf(stderr, "ql-decode: %s at byte %ld\n", what, (long) (p - (end - 0)));
        exit(1);
}

static int need(size_t n) {
        if ((size_t) (end - p) < n) fail("truncated job");
        return 0;
}

static int unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap) {
        size_t i = 0, o = 0;
        while (i < n) {
                int8_t c = (int8_t) in[i++];
                if (c >= 0) {
                        size_t k = (size_t) c + 1;
                        if (i + k > n || o + k > cap) return -1;
                        memcpy(out + o, in + i, k);
                        i += k, o += k;
                } else {
                        size_t k = (size_t) (1 - c);
                        if (i >= n || o + k > cap) return -1;
                        memset(out + o, in[i++], k);
                        o += k;
                }
        }
        return (int) o;
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: ql-decode JOB.bin [PREFIX]\n");
                return 2;
        }
        FILE *f = fopen(argv[1], "rb");
        if (!f) return 2;
        static uint8_t buf[8 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        p = buf, end = buf + len;
        const uint8_t *start = buf;
        size_t zeros = 0;
        while (p < end && *p == 0) p++, zeros++;
        printf("invalidate %zu\n", zeros);
        need(2);
        if (p[0] != 0x1b || p[1] != '@') fail("expected ESC @ (initialise)");
        p += 2;
        printf("initialise\n");
        int page = 0, compression = 0, line_bytes = 0;
        for (;;) {
                need(1);
                if (p[0] == 0x1b && end - p >= 4 && p[1] == 'i' && p[2] == 'a') {
                        printf("raster mode %u\n", p[3]);
                        p += 4;
                        continue;
                }
                if (!(p[0] == 0x1b && end - p >= 13 && p[1] == 'i' && p[2] == 'z')) fail("expected ESC i z (print information)");
                uint32_t lines = (uint32_t) p[7] | (uint32_t) p[8] << 8 | (uint32_t) p[9] << 16 | (uint32_t) p[10] << 24;
                printf("page %d: print information flags 0x%02x media 0x%02x width %u length %u lines %u %s\n", page + 1, p[3], p[4],
                       p[5], p[6], lines, p[11] == 0 ? "first" : "next");
                if ((p[11] == 0) != (page == 0)) fail("ESC i z page flag out of order");
                p += 13;
                while (p < end && p[0] == 0x1b) {
                        need(4);
                        if (p[1] != 'i') fail("unknown ESC command");
                        if (p[2] == 'M') printf("  various mode 0x%02x%s\n", p[3], p[3] & 0x40 ? " (auto cut)" : "");
                        else if (p[2] == 'A') printf("  cut every %u\n", p[3]);
                        else if (p[2] == 'K') printf("  expanded mode 0x%02x%s\n", p[3], p[3] & 0x08 ? " (cut at end)" : "");
                        else if (p[2] == 'd') {
                                need(5);
                                printf("  margin %u dots\n", p[3] | p[4] << 8);
                                p++;
                        } else fail("unknown ESC i command");
                        p += 4;
                }
                if (p < end && p[0] == 'M') {
                        need(2);
                        compression = p[1] == 0x02;
                        printf("  compression %s\n", compression ? "tiff" : "none");
                        p += 2;
                }
                uint8_t *raw = NULL; /* the lines as sent, line_bytes each; 'Z' lines are zero */
                size_t rows = 0;
                int width = 0;
                for (;;) {
                        need(1);
                        if (*p == 0x0c || *p == 0x1a) break;
                        uint8_t line[256] = {0};
                        int n = -1; /* -1: a 'Z' line, its length that of the others */
                        if (*p == 'Z') {
                                if (!compression) fail("'Z' without compression");
                                p++;
                        } else if (*p == 'g') {
                                need(3);
                                size_t k = p[2];
                                p += 3;
                                need(k);
                                if (compression) {
                                        n = unpack(p, k, line, sizeof line);
                                        if (n < 0) fail("bad PackBits data");
                                } else {
                                        memcpy(line, p, k);
                                        n = (int) k;
                                }
                                p += k;
                                if (n != 90 && n != 162) fail("raster line is not 90 or 162 bytes");
                                if (line_bytes && n != line_bytes) fail("raster lines of different lengths");
                                line_bytes = n;
                        } else {
                                fail("unknown command in raster data");
                                return 1;
                        }
                        raw = realloc(raw, (rows + 1) * 256);
                        memcpy(raw + rows * 256, line, 256);
                        rows++;
                }
                if (!line_bytes) line_bytes = 90;
                width = line_bytes * 8;
                uint8_t *img = calloc(rows ? rows : 1, (size_t) width);
                for (size_t r = 0; r < rows; r++)
                        for (int pin = 0; pin < width; pin++) /* mirror back: pin 0 is the label's right edge */
                                img[r * (size_t) width + (size_t) (width - 1 - pin)] = (raw[r * 256 + (size_t) pin / 8] >> (7 - pin % 8)) & 1;
                free(raw);
                printf("  %zu raster lines of %d bytes, then %s\n", rows, line_bytes, *p == 0x1a ? "print with feed (end)" : "print (more pages)");
                if (rows != lines) fail("raster line count differs from ESC i z");
                if (argc > 2 && rows) {
                        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width + 40, (int) rows + 40);
                        uint8_t *d = cairo_image_surface_get_data(s);
                        int stride = cairo_image_surface_get_stride(s);
                        for (int y = 0; y < (int) rows + 40; y++)
                                for (int x = 0; x < width + 40; x++) {
                                        int in = x >= 20 && x < width + 20 && y >= 20 && y < (int) rows + 20;
                                        uint32_t v = in && img[(size_t) (y - 20) * (size_t) width + (size_t) (x - 20)] ? 0 : 0xffffff;
                                        memcpy(d + (size_t) y * stride + (size_t) x * 4, &v, 4);
                                }
                        cairo_surface_mark_dirty(s);
                        char name[4096];
                        snprintf(name, sizeof name, "%s-%d.png", argv[2], page + 1);
                        cairo_surface_write_to_png(s, name);
                        cairo_surface_destroy(s);
                }
                free(img);
                page++;
                if (*p++ == 0x1a) break;
        }
        if (p != end) fail("bytes after the final print command");
        printf("pages %d, %ld bytes\n", page, (long) (end - start));
        return 0;
}
