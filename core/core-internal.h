/* What core's own files see besides core's public headers: the store's
 * interface (db/). Never included by a public header, so cmd/ cannot reach
 * the store but through core. */
#pragma once

#include "core.h"
#include "store.h"
#include "store-assets.h"
#include "store-disposal.h"
#include "store-loans.h"
#include "store-wipes.h"
#include "store-export.h"

/* core/paperwork.c for core/disposal.c: make and store the waste notes of
 * a consignment being created (num: its number, crow: its row), with the
 * audit row in the open audit event; warnings are appended to. */
struct consignment_paper;
int consignment_notes_make(struct db *db, const char *cid, int64_t num, int64_t crow, const char *created, const char *firm,
                           const char *carrier, const char *licence, const struct consignment_paper *paper, json_t *assets,
                           json_t *warnings);
