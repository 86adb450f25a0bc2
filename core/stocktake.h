/* Stock-takes: walk a room with the scanner, then compare what was scanned
 * with what the register places there. */
#pragma once

#include "core.h"

/* Start a stock-take of `room`; *ret_expected: how many assets the register
 * expects to be there. */
int stocktake_start(struct db *db, const char *room, int64_t *ret_id, int64_t *ret_expected);
/* The stock-take to use: id if non-zero (it must be open), else the only
 * open one (an error names them when there are several or none). */
int stocktake_resolve(struct db *db, int64_t id, json_t **ret);
/* Record one scan (tag as scanned; upper-cased). *ret_info (caller owns):
 * tag, known (bool), duplicate (bool), wrong_room (bool), location, status. */
int stocktake_scan(struct db *db, int64_t id, const char *tag, json_t **ret_info);
/* Finish: build the report (found, missing, wrong_room, unknown, duplicates),
 * mark every found asset audited today, keep the report. *ret_report
 * (caller owns). */
int stocktake_finish(struct db *db, int64_t id, json_t **ret_report);
/* A finished stock-take's kept report. */
int stocktake_get_report(struct db *db, int64_t id, json_t **ret_report);
int stocktake_list(struct db *db, json_t **ret);
