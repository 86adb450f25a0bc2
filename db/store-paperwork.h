/* Store for the paperwork of a disposal (migration 7, schema-paperwork.c):
 * disposal firms with their contract, per-asset List of Waste codes, the
 * accounts of a disposal and the waste notes of a consignment. Records
 * travel as JSON objects keyed by column name; every insert or update is
 * the caller's to audit, inside the caller's transaction. */
#pragma once

#include "store.h"

/* Insert or update a firm by name (case-insensitive); the row id in ret_id.
 * contract_ref and contract_expires may be NULL (kept as they were when
 * the firm exists). */
int db_firm_set(struct db *db, const char *name, const char *contract_ref, const char *contract_expires, int64_t *ret_id);
/* One firm by name; -ENOENT if none. */
int db_firm_get(struct db *db, const char *name, json_t **ret);
/* Every firm, by name. */
int db_firm_list(struct db *db, json_t **ret);

/* A List of Waste code for one asset; the latest wins. */
int db_asset_waste_code_insert(struct db *db, int64_t asset_id, const char *code, int64_t *ret_id);
/* The latest code of an asset (malloc'd); -ENOENT if none. */
int db_asset_waste_code(struct db *db, int64_t asset_id, char **ret);

/* The accounts of an asset's disposal; the latest row holds both values
 * (the caller carries the older ones forward). proceeds_pence < 0: none. */
int db_disposal_accounts_insert(struct db *db, int64_t asset_id, const char *funding_source, int64_t proceeds_pence,
                                int64_t *ret_id);
/* The latest accounts row of an asset; -ENOENT if none. */
int db_disposal_accounts_get(struct db *db, int64_t asset_id, json_t **ret);

/* The waste notes (canonical JSON) of a consignment (its row id). */
int db_consignment_notes_insert(struct db *db, int64_t consignment_row, const char *notes, int64_t *ret_id);
/* The notes of a consignment by its id (malloc'd text); -ENOENT if none. */
int db_consignment_notes_get(struct db *db, const char *consignment_id, char **ret);
/* Every consignment with its firm's contract, whether it has notes and
 * a receipt: consignment_id, firm, created_at, receipt_number,
 * has_notes (0/1), contract_ref, contract_expires. */
int db_consignment_paperwork(struct db *db, json_t **ret);
