/* Reports: overdue loans, leavers holding kit, the compliance check, and
 * the printable papers (loan receipt, stock-take report) a person signs. */
#pragma once

#include "core.h"

/* Open loans past their due date (today), by due date. */
int report_overdue(struct db *db, json_t **ret);
/* Open loans of people leaving within `days` days (or already gone), by
 * leaving date, person, tag. */
int report_leavers(struct db *db, int64_t days, json_t **ret);
/* The compliance check: an array of sections {key, title, items}, each item
 * an object with a "summary" line and its fields; *ret_problems: how many
 * items in all (0: clean). */
int report_compliance(struct db *db, json_t **ret, int64_t *ret_problems);

/* A PDF loan receipt for the asset's open loan (or, if none, its latest). */
int receipt_pdf(struct db *db, const char *tag, const char *path);
/* The stock-take report as a signable PDF, or as one HTML page. */
int stocktake_pdf(struct db *db, json_t *report, const char *path);
int stocktake_html(struct db *db, json_t *report, const char *path);
