/* A minimal A4 page writer over cairo's PDF surface, for the papers people
 * sign: headings, wrapped paragraphs, label/value lines, tables of short
 * columns and signature lines, flowing onto new pages. */
#pragma once

#include <stdbool.h>

#include <cairo.h>
#include <cairo-pdf.h>

struct paper {
        cairo_surface_t *surface;
        cairo_t *cr;
        double y;     /* baseline of the next line, in points from the top */
        int pages;
};

/* Start a PDF at path; -EIO with a message if cairo cannot. */
int paper_open(struct paper *p, const char *path, const char *title);
void paper_heading(struct paper *p, const char *text, double size);
/* A paragraph wrapped to the page width. */
void paper_para(struct paper *p, const char *text);
/* "label: value" with the label in bold. */
void paper_field(struct paper *p, const char *label, const char *value);
/* One table row: cells at the given x offsets (mm from the left margin). */
void paper_row(struct paper *p, const char *const *cells, const double *x_mm, int n, bool bold);
void paper_gap(struct paper *p, double pt);
/* "label ______________________  Date ________" */
void paper_signature(struct paper *p, const char *label);
/* Finish and write the file; returns 0 or -EIO with a message. Always frees. */
int paper_close(struct paper *p, const char *path);
