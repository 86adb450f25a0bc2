/* QR labels for the register's assets (core/labels.c): which assets, what
 * their codes hold, and the whole job of rendering them as an A4 sheet, one
 * PNG/SVG label, a Brother QL raster file or a print on a USB printer.
 * cmd/ reaches labels/ only through here. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct db;

/* The assets to label: the given tags (each must exist; upper-cased, in the
 * order given, duplicates kept), or every asset matching status/location
 * (status as stored, either may be NULL) when n_tags is 0. Returns a JSON
 * array of asset records; -ENOENT naming the first unknown tag, or when
 * nothing matches. */
int label_assets(struct db *db, char *const *tags, size_t n_tags, const char *status, const char *location, json_t **ret);
/* Check a URL template: it must contain "{tag}" (any number of times) and
 * no other braces, printable ASCII only. Returns 0 or -EINVAL. */
int label_url_template_check(const char *tmpl);
/* What a label's QR code holds: the tag, or the template with {tag} filled
 * in (NULL template: the tag). New string. */
char *label_payload(const char *tmpl, const char *tag);

/* QR error correction, as the labels' --ecc option names it. */
enum label_ecc { LABEL_ECC_L, LABEL_ECC_M, LABEL_ECC_Q, LABEL_ECC_H };
/* "L", "M", "Q" or "H" (any case); -EINVAL naming the choices. */
int label_ecc_parse(const char *s, enum label_ecc *ret);

/* Where a label job goes. */
enum label_output { LABEL_TO_SHEET, LABEL_TO_PNG, LABEL_TO_SVG, LABEL_TO_RASTER, LABEL_TO_PRINTER };

/* A label job, as the command line describes it. Strings are borrowed. */
struct label_job {
        enum label_output output;
        char *const *tags;        /* the assets, or n_tags 0 and a filter */
        size_t n_tags;
        const char *status;       /* filter: status as stored, or NULL */
        const char *location;     /* filter: location, or NULL */
        const char *url_template; /* NULL: the code holds the tag */
        enum label_ecc ecc;
        const char *path;         /* the PDF, PNG, SVG or raster file */
        const char *sheet;        /* LABEL_TO_SHEET: the stock (L7160, ...) */
        double offset_x, offset_y; /* mm, the printer's feed error */
        int skip;                 /* labels already used on the first sheet */
        double width, height, dpi; /* LABEL_TO_PNG/SVG: the label, mm, and resolution */
        const char *model;        /* LABEL_TO_RASTER: the QL model */
        const char *media;        /* LABEL_TO_RASTER, or to refuse other media on a printer */
        const char *serial;       /* LABEL_TO_PRINTER: the printer's serial, or NULL for the only one */
};

/* What a job did, for the command to report. */
struct label_done {
        size_t labels;        /* labels made */
        int sheets;           /* LABEL_TO_SHEET: sheets in the PDF */
        char what[64];        /* the sheet stock or the printer model ("L7160", "QL-820NWB") */
        char media[48];       /* the media printed on, described ("62 mm endless") */
        char first_tag[40];   /* the first label's tag */
        size_t bytes;         /* LABEL_TO_RASTER: the job's size */
};

/* Check a job before any work: the sheet, media and model exist, the skip
 * fits the sheet, the template is well formed. -EINVAL with the reason for
 * a job the command line got wrong; -ENOENT, -EBADMSG (a malformed sheet
 * file, the message naming its line) or another -errno otherwise. */
int label_job_check(const struct label_job *job);
/* Select the assets, lay out their labels and write or print them. */
int label_job_run(struct db *db, const struct label_job *job, struct label_done *ret);

/* The label stocks known: an array of {name, description} or {name, error}. */
json_t *label_sheets(void);
/* The Brother QL printers on USB: an array of {model, serial, usb, mode,
 * product_id}, mode "printer", "editor-lite" or "unsupported". */
int label_printers(json_t **ret);
