/* Label sheet templates: the geometry of a stock of A4 (or other) label
 * sheets, read from small key = value text files so that adding a stock is
 * adding a file (labels/sheets/NAME.sheet). All lengths in millimetres. */
#pragma once

#include "util.h"

struct sheet {
        char *name;           /* "L7160": the file's base name, upper case */
        char *description;    /* free text for listings */
        double page_width;    /* the page, mm */
        double page_height;
        int columns;          /* labels across */
        int rows;             /* labels down */
        double label_width;   /* one label, mm */
        double label_height;
        double left;          /* page edge to the first label's left edge */
        double top;           /* page edge to the first label's top edge */
        double column_pitch;  /* left edge to the next column's left edge */
        double row_pitch;     /* top edge to the next row's top edge */
        double corner_radius; /* rounded corners (informational), 0 if square */
};

/* Parse a template from text; `origin` names it in errors ("'L7160.sheet'
 * line 4: ..."). Strict: every required key once, no unknown keys, numbers
 * in range, the grid inside the page with labels not overlapping.
 * Returns 0 and a new sheet in *ret, or -EINVAL with the reason. */
int sheet_parse(const char *text, const char *origin, const char *name, struct sheet **ret);
/* Read a template file (at most 64 KiB). */
int sheet_load_file(const char *path, struct sheet **ret);
/* Find the template called name (case-insensitive) in the search path:
 * $ASSETCTL_SHEETS_DIR if set, else datadir_dirs("sheets") (util/datadir.h:
 * the source tree's labels/sheets in a test build, then the installed
 * datadir/sheets). -ENOENT
 * naming the stocks available when there is none. */
int sheet_find(const char *name, struct sheet **ret);
/* Names of all templates found (sorted, de-duplicated); caller frees each
 * and the array. Returns the count. */
int sheet_list(char ***ret);

/* Labels per sheet. */
static inline int sheet_count(const struct sheet *s) { return s->columns * s->rows; }
/* Top-left corner of label position i (0-based, row by row) in mm. */
void sheet_position(const struct sheet *s, int i, double *ret_x, double *ret_y);

void sheet_free(struct sheet *s);
static inline void sheet_freep(struct sheet **s) { sheet_free(*s); }
#define _cleanup_sheet_ _cleanup_(sheet_freep)
