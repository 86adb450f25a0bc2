/* Brother QL raster protocol; see brother.h. */
#include <ctype.h>

#include "brother.h"

/* Model facts from Brother's raster command references (which commands each
 * firmware documents) and the USB ids the printers enumerate with. */
const struct ql_model ql_models[] = {
        /* name       pid    bytes inval extra compr  mode   cutter expanded */
        {"QL-500", 0x2015, 90, 200, 0, false, false, false, false},
        {"QL-550", 0x2016, 90, 200, 0, false, false, true, false},
        {"QL-560", 0x2027, 90, 200, 0, false, false, true, false},
        {"QL-570", 0x2028, 90, 200, 0, false, false, true, true},
        {"QL-580N", 0x2029, 90, 200, 0, true, true, true, true},
        {"QL-700", 0x2042, 90, 200, 0, false, false, true, true},
        {"QL-710W", 0x2043, 90, 200, 0, true, true, true, true},
        {"QL-720NW", 0x2044, 90, 200, 0, true, true, true, true},
        {"QL-800", 0x209b, 90, 400, 0, false, true, true, true},
        {"QL-810W", 0x209c, 90, 400, 0, true, true, true, true},
        {"QL-820NWB", 0x209d, 90, 400, 0, true, true, true, true},
        {"QL-1050", 0x2020, 162, 200, 44, true, true, true, true},
        {"QL-1060N", 0x202a, 162, 200, 44, true, true, true, true},
        {NULL},
};

/* DK media: printable area in dots at 300 dpi and the blank pins to its
 * right on a 720-pin head, from the media tables of the references. */
const struct ql_media ql_media_table[] = {
        /* name     w    l    across along off wide */
        {"12", 12, 0, 106, 0, 29, false},
        {"29", 29, 0, 306, 0, 6, false},
        {"38", 38, 0, 413, 0, 12, false},
        {"50", 50, 0, 554, 0, 12, false},
        {"54", 54, 0, 590, 0, 0, false},
        {"62", 62, 0, 696, 0, 12, false},
        {"102", 102, 0, 1164, 0, 12, true},
        {"17x54", 17, 54, 165, 566, 0, false},
        {"17x87", 17, 87, 165, 956, 0, false},
        {"23x23", 23, 23, 202, 202, 42, false},
        {"29x42", 29, 42, 306, 425, 6, false},
        {"29x90", 29, 90, 306, 991, 6, false},
        {"38x90", 38, 90, 413, 991, 12, false},
        {"39x48", 39, 48, 425, 495, 6, false},
        {"52x29", 52, 29, 578, 271, 0, false},
        {"62x29", 62, 29, 696, 271, 12, false},
        {"62x100", 62, 100, 696, 1109, 12, false},
        {"102x51", 102, 51, 1164, 526, 12, true},
        {"102x152", 102, 152, 1164, 1660, 12, true},
        {NULL},
};

const struct ql_model *ql_model_by_product(uint16_t product_id) {
        for (const struct ql_model *m = ql_models; m->name; m++)
                if (m->product_id == product_id) return m;
        return NULL;
}

const struct ql_model *ql_model_by_name(const char *name) {
        for (const struct ql_model *m = ql_models; m->name; m++)
                if (strcasecmp(m->name, name) == 0) return m;
        return NULL;
}

const struct ql_media *ql_media_from_status(const struct ql_status *s) {
        if (s->media_type != QL_MEDIA_CONTINUOUS && s->media_type != QL_MEDIA_DIE_CUT) return NULL;
        uint8_t len = s->media_type == QL_MEDIA_DIE_CUT ? s->media_length : 0;
        if (s->media_type == QL_MEDIA_DIE_CUT && len == 0) return NULL;
        for (const struct ql_media *m = ql_media_table; m->name; m++)
                if (m->width_mm == s->media_width && m->length_mm == len) return m;
        return NULL;
}

const struct ql_media *ql_media_by_name(const char *name) {
        char buf[16];
        size_t n = 0;
        for (const char *p = name; *p && n < sizeof buf - 1; p++)
                if (!isspace((unsigned char) *p)) buf[n++] = (char) tolower((unsigned char) *p);
        buf[n] = 0;
        if (n > 2 && streq(buf + n - 2, "mm")) buf[n - 2] = 0;
        for (const struct ql_media *m = ql_media_table; m->name; m++)
                if (streq(m->name, buf)) return m;
        return NULL;
}

const char *ql_media_describe(const struct ql_media *m, char buf[static 48]) {
        if (m->length_mm)
                snprintf(buf, 48, "%u x %u mm die-cut labels", m->width_mm, m->length_mm);
        else
                snprintf(buf, 48, "%u mm continuous tape", m->width_mm);
        return buf;
}

int ql_status_parse(const uint8_t *buf, size_t n, struct ql_status *ret) {
        if (n != QL_STATUS_SIZE || buf[0] != 0x80 || buf[1] != 0x20 || buf[2] != 'B')
                return err_set(EBADMSG, "the printer sent %zu bytes that are not a status reply", n);
        struct ql_status s = {0};
        memcpy(s.raw, buf, QL_STATUS_SIZE);
        s.model_code = buf[4];
        s.error1 = buf[8];
        s.error2 = buf[9];
        s.media_width = buf[10];
        s.media_type = buf[11];
        s.media_length = buf[17];
        s.status_type = buf[18];
        s.phase_type = buf[19];
        s.phase = (uint16_t) (buf[20] << 8 | buf[21]);
        s.notification = buf[22];
        *ret = s;
        return 0;
}

int ql_status_check(const struct ql_status *s) {
        static const struct {
                int byte; /* 1 or 2 */
                uint8_t bit;
                int err;
                const char *text;
        } errors[] = {
                {2, QL_E2_COVER_OPEN, EIO, "the cover is open: close it and try again"},
                {1, QL_E1_NO_MEDIA, ENOMEDIUM, "no labels are loaded: load a DK roll"},
                {1, QL_E1_END_OF_MEDIA, ENOMEDIUM, "the labels have run out: load a new DK roll"},
                {2, QL_E2_WRONG_MEDIA, EMEDIUMTYPE, "wrong media: the loaded roll does not suit the job (the printer asks to replace the media)"},
                {1, QL_E1_CUTTER_JAM, EIO, "the cutter is jammed"},
                {2, QL_E2_FEED, EIO, "the labels cannot be fed: check the roll is seated"},
                {1, QL_E1_FAN, EIO, "fan motor error"},
                {1, QL_E1_OFF, EIO, "the printer is turned off"},
                {1, QL_E1_IN_USE, EBUSY, "the printer is busy with another job"},
                {2, QL_E2_BUFFER_FULL, EIO, "the printer's buffer overflowed"},
                {2, QL_E2_COMMUNICATION, EIO, "communication error"},
                {2, QL_E2_IMAGE, EIO, "image error"},
                {2, QL_E2_SYSTEM, EIO, "printer system error"},
        };
        struct strbuf sb = {0};
        int first = 0;
        for (size_t i = 0; i < ELEMENTSOF(errors); i++) {
                uint8_t v = errors[i].byte == 1 ? s->error1 : s->error2;
                if (!(v & errors[i].bit)) continue;
                sb_printf(&sb, "%s%s", sb.len ? "; " : "", errors[i].text);
                if (!first) first = errors[i].err;
        }
        if (!first && s->status_type == QL_ST_ERROR) {
                first = EIO;
                sb_puts(&sb, "the printer reports an error it does not name");
        }
        if (!first) return 0;
        int r = err_set(first, "%s", sb.buf);
        sb_free(&sb);
        return r;
}

size_t ql_packbits(const uint8_t *in, size_t n, uint8_t *out) {
        size_t i = 0, o = 0;
        while (i < n) {
                /* a run of 2 or more equal bytes: (1 - count) then the byte */
                size_t run = 1;
                while (i + run < n && run < 128 && in[i + run] == in[i]) run++;
                if (run >= 2) {
                        out[o++] = (uint8_t) (257 - run);
                        out[o++] = in[i];
                        i += run;
                        continue;
                }
                /* literals up to the next run of 3 (a run of 2 inside literals
                 * costs no more as literals), or 128 bytes: (count - 1) then them */
                size_t lit = 1;
                while (i + lit < n && lit < 128 &&
                       !(i + lit + 2 < n && in[i + lit] == in[i + lit + 1] && in[i + lit] == in[i + lit + 2]) &&
                       !(i + lit + 2 == n && in[i + lit] == in[i + lit + 1]))
                        lit++;
                out[o++] = (uint8_t) (lit - 1);
                memcpy(out + o, in + i, lit);
                o += lit;
                i += lit;
        }
        return o;
}

ssize_t ql_unpackbits(const uint8_t *in, size_t n, uint8_t *out, size_t out_size) {
        size_t i = 0, o = 0;
        while (i < n) {
                int8_t c = (int8_t) in[i++];
                if (c >= 0) {
                        size_t lit = (size_t) c + 1;
                        if (i + lit > n || o + lit > out_size) return -EBADMSG;
                        memcpy(out + o, in + i, lit);
                        i += lit, o += lit;
                } else if (c != -128) {
                        size_t run = (size_t) (1 - c);
                        if (i >= n || o + run > out_size) return -EBADMSG;
                        memset(out + o, in[i++], run);
                        o += run;
                }
        }
        return (ssize_t) o;
}

void ql_place_line(const struct ql_model *m, const struct ql_media *media, const uint8_t *bits, uint8_t *out) {
        int pins = m->line_bytes * 8;
        int right = media->offset_right + m->extra_offset;
        memset(out, 0, m->line_bytes);
        for (int p = 0; p < media->dots_across; p++) {
                if (!(bits[p / 8] & (0x80 >> (p % 8)))) continue;
                int pin = pins - right - 1 - p;
                if (pin >= 0 && pin < pins) out[pin / 8] |= (uint8_t) (0x80 >> (pin % 8));
        }
}

static void put(struct strbuf *out, const void *p, size_t n) { sb_add(out, p, n); }

void ql_job_begin(struct strbuf *out, const struct ql_model *m) {
        uint8_t zeros[400] = {0};
        put(out, zeros, m->invalidate);
        put(out, "\x1b@", 2);
        if (m->mode_switch) put(out, "\x1bia\x01", 4);
}

void ql_status_request(struct strbuf *out) {
        put(out, "\x1biS", 3);
}

void ql_job_page(struct strbuf *out, const struct ql_model *m, const struct ql_media *media, const uint8_t *lines,
                 uint32_t n_lines, bool first, bool last, bool cut) {
        bool die_cut = media->length_mm != 0;
        /* ESC i z: valid flags (kind, width, length when die-cut; recovery
         * on), kind, width, length, raster line count (LE32), page, 0 */
        uint8_t z[13] = {0x1b, 'i', 'z', (uint8_t) (0x80 | 0x02 | 0x04 | (die_cut ? 0x08 : 0)),
                         die_cut ? QL_MEDIA_DIE_CUT : QL_MEDIA_CONTINUOUS, media->width_mm, media->length_mm,
                         (uint8_t) n_lines, (uint8_t) (n_lines >> 8), (uint8_t) (n_lines >> 16), (uint8_t) (n_lines >> 24),
                         first ? 0 : 1, 0};
        put(out, z, sizeof z);
        if (m->cutter) {
                uint8_t mode[4] = {0x1b, 'i', 'M', cut ? 0x40 : 0x00}; /* bit 6: auto cut */
                put(out, mode, 4);
                if (cut) put(out, "\x1bi" "A\x01", 4); /* cut after every label */
        }
        if (m->expanded) {
                uint8_t k[4] = {0x1b, 'i', 'K', cut ? 0x08 : 0x00}; /* bit 3: cut at end */
                put(out, k, 4);
        }
        /* ESC i d: feed margin in dots, LE16: 35 (3 mm) on continuous tape, none on die-cut labels */
        uint8_t d[5] = {0x1b, 'i', 'd', die_cut ? 0 : 35, 0};
        put(out, d, 5);
        if (m->compression) put(out, "M\x02", 2);
        uint8_t packed[256 + 3];
        for (uint32_t i = 0; i < n_lines; i++) {
                const uint8_t *line = lines + (size_t) i * m->line_bytes;
                bool blank = true;
                for (int b = 0; b < m->line_bytes && blank; b++) blank = line[b] == 0;
                if (m->compression && blank) {
                        put(out, "Z", 1);
                } else if (m->compression) {
                        size_t n = ql_packbits(line, m->line_bytes, packed + 3);
                        packed[0] = 'g', packed[1] = 0, packed[2] = (uint8_t) n;
                        put(out, packed, n + 3);
                } else {
                        uint8_t g[3] = {'g', 0, m->line_bytes};
                        put(out, g, 3);
                        put(out, line, m->line_bytes);
                }
        }
        put(out, last ? "\x1a" : "\x0c", 1);
}
