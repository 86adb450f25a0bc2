/* What an export of the register carries beyond the asset and person rows
 * (db/asset.c): each asset's storage media, its open loan, each person's
 * badges; and the insert that brings a medium back as it was exported. */
#pragma once

#include "store.h"

/* Every storage medium, by asset tag then medium id: asset_tag, model,
 * serial, size_bytes, kind, wwn, status, created_at. */
int db_export_media(struct db *db, json_t **ret);
/* Every open loan, by tag: tag, issued_to (the person's reference),
 * issued_at, due, condition_out, override_reason. */
int db_export_loans(struct db *db, json_t **ret);
/* Every badge, by person reference then badge id: ref, badge. */
int db_export_badges(struct db *db, json_t **ret);
