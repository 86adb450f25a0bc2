/* Brother QL label printers: the raster protocol as pure functions (model
 * and media tables, status parsing, PackBits, job encoding), testable
 * without a device. Sources: Brother's "Software Developer's Manual, Raster
 * Command Reference" for the QL-500/550/560/570/580N/700/710W/720NW/800/
 * 810W/820NWB/1050/1060N (status layout, commands, media print areas). */
#pragma once

#include <stdint.h>

#include "util.h"

#define QL_VENDOR 0x04f9
#define QL_DPI 300
#define QL_STATUS_SIZE 32

/* A printer model and what its firmware supports. */
struct ql_model {
        const char *name;     /* "QL-700" */
        uint16_t product_id;  /* USB product id (printer mode) */
        uint8_t line_bytes;   /* 90 (720 pins) or 162 (1296 pins, QL-1050/1060N) */
        uint16_t invalidate;  /* NULs that flush a half-sent job: 200, or 400 on the QL-800 series */
        uint8_t extra_offset; /* extra right offset in dots (44 on the wide QL-1050/1060N) */
        bool compression;     /* 'M' TIFF (PackBits) raster compression and 'Z' */
        bool mode_switch;     /* ESC i a 01: switch to raster mode (multi-mode firmware) */
        bool cutter;          /* automatic cutter: ESC i M auto-cut, ESC i A */
        bool expanded;        /* ESC i K expanded mode (cut at end) */
};

/* A label medium (DK roll). */
struct ql_media {
        const char *name;     /* "62" (continuous) or "62x29" (die-cut), in mm */
        uint8_t width_mm;     /* tape width as the status reports it */
        uint8_t length_mm;    /* die-cut label length; 0 = continuous */
        uint16_t dots_across; /* printable dots across the tape */
        uint16_t dots_along;  /* printable dots along a die-cut label; 0 = continuous */
        uint8_t offset_right; /* blank pins to the right of the printable area (720-pin head) */
        bool wide_only;       /* needs a 1296-pin printer (102 mm) */
};

#define QL_MEDIA_CONTINUOUS 0x0a
#define QL_MEDIA_DIE_CUT 0x0b

/* The status reply (32 bytes), decoded. */
struct ql_status {
        uint8_t raw[QL_STATUS_SIZE];
        uint8_t model_code;   /* byte 4 */
        uint8_t error1;       /* byte 8: no media, end of media, cutter jam, ... */
        uint8_t error2;       /* byte 9: replace media, cover open, ... */
        uint8_t media_width;  /* byte 10, mm; 0 with no media */
        uint8_t media_type;   /* byte 11: 0 none, 0x0a continuous, 0x0b die-cut */
        uint8_t media_length; /* byte 17, mm (die-cut) */
        uint8_t status_type;  /* byte 18: see enum ql_status_type */
        uint8_t phase_type;   /* byte 19: 0 receiving, 1 printing */
        uint16_t phase;       /* bytes 20-21 */
        uint8_t notification; /* byte 22: 1 cover open, 2 cover closed */
};

enum ql_status_type {
        QL_ST_REPLY = 0x00,
        QL_ST_PRINTED = 0x01,
        QL_ST_ERROR = 0x02,
        QL_ST_OFF = 0x04,
        QL_ST_NOTIFY = 0x05,
        QL_ST_PHASE = 0x06,
};

/* Error bits. */
enum {
        QL_E1_NO_MEDIA = 0x01,
        QL_E1_END_OF_MEDIA = 0x02,
        QL_E1_CUTTER_JAM = 0x04,
        QL_E1_IN_USE = 0x10,
        QL_E1_OFF = 0x20,
        QL_E1_FAN = 0x80,
        QL_E2_WRONG_MEDIA = 0x01, /* "replace media" */
        QL_E2_BUFFER_FULL = 0x02,
        QL_E2_COMMUNICATION = 0x04,
        QL_E2_IMAGE = 0x08,
        QL_E2_COVER_OPEN = 0x10,
        QL_E2_FEED = 0x40,
        QL_E2_SYSTEM = 0x80,
};

const struct ql_model *ql_model_by_product(uint16_t product_id);
const struct ql_model *ql_model_by_name(const char *name);
/* All models, ended by a NULL name. */
extern const struct ql_model ql_models[];
extern const struct ql_media ql_media_table[];

/* The medium a status reports (NULL when none is loaded or it is unknown). */
const struct ql_media *ql_media_from_status(const struct ql_status *s);
/* A medium by name: "62", "29", "62x29", "29x90" (a trailing "mm" allowed). */
const struct ql_media *ql_media_by_name(const char *name);
/* "62 mm continuous" / "62 x 29 mm die-cut" into buf. */
const char *ql_media_describe(const struct ql_media *m, char buf[static 48]);

/* Decode a 32-byte status reply; -EBADMSG if it is not one. */
int ql_status_parse(const uint8_t *buf, size_t n, struct ql_status *ret);
/* 0 if the status shows no error, else -errno with every error named
 * ("the cover is open: close it and try again"). */
int ql_status_check(const struct ql_status *s);

/* PackBits (TIFF) run-length encoding of n bytes into out, which must hold
 * n + (n + 127) / 128 bytes. Returns the encoded length. */
size_t ql_packbits(const uint8_t *in, size_t n, uint8_t *out);
/* Decode (for tests); returns the decoded length or -EBADMSG. */
ssize_t ql_unpackbits(const uint8_t *in, size_t n, uint8_t *out, size_t out_size);

/* Place one line of printable pixels (bits MSB first, pixel 0 first, dots
 * = media dots across) onto the print head's pins for this model and
 * medium: mirrored (the head's pin 0 is the right edge of the label as it
 * comes out) and shifted by the medium's right offset. out holds
 * model->line_bytes bytes. */
void ql_place_line(const struct ql_model *m, const struct ql_media *media, const uint8_t *bits, uint8_t *out);

/* Job encoding, appended to out:
 *   ql_job_begin: invalidate (NULs), ESC @ initialise, ESC i a 01 raster mode
 *   ql_job_page:  ESC i z print information, ESC i M (auto cut), ESC i A 01
 *                 (cut every label), ESC i K (cut at end), ESC i d margin,
 *                 M 02 compression, the raster lines ('g' or 'Z'), then FF
 *                 (0x0C) or, on the last page, print with feed (0x1A).
 * lines holds n_lines lines of model->line_bytes bytes, already placed. */
void ql_job_begin(struct strbuf *out, const struct ql_model *m);
void ql_job_page(struct strbuf *out, const struct ql_model *m, const struct ql_media *media, const uint8_t *lines,
                 uint32_t n_lines, bool first, bool last, bool cut);
/* The status request: ESC i S. */
void ql_status_request(struct strbuf *out);
