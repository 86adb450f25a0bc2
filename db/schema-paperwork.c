/* Schema part for the paperwork of a disposal (issue 14): the disposal
 * firms and their data-processing contracts, per-asset List of Waste codes,
 * the accounts of a disposal (funding source, proceeds) and the waste notes
 * made with a consignment. New tables only: a column added to a covered
 * table would change the audit hash of every row already in it. */
#include "db-internal.h"

const char db_schema_paperwork[] =
        "CREATE TABLE firms (\n"
        "  id               INTEGER PRIMARY KEY,\n"
        "  name             TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
        "  contract_ref     TEXT,\n"
        "  contract_expires TEXT,\n"
        "  updated_at       TEXT NOT NULL\n"
        ");\n"
        "CREATE TABLE asset_waste_codes (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  asset_id    INTEGER NOT NULL REFERENCES assets(id),\n"
        "  ewc_code    TEXT NOT NULL,\n"
        "  recorded_at TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX asset_waste_codes_asset ON asset_waste_codes(asset_id);\n"
        "CREATE TABLE disposal_accounts (\n"
        "  id             INTEGER PRIMARY KEY,\n"
        "  asset_id       INTEGER NOT NULL REFERENCES assets(id),\n"
        "  funding_source TEXT,\n"
        "  proceeds_pence INTEGER CHECK (proceeds_pence >= 0),\n"
        "  recorded_at    TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX disposal_accounts_asset ON disposal_accounts(asset_id);\n"
        "CREATE TABLE consignment_notes (\n"
        "  id             INTEGER PRIMARY KEY,\n"
        "  consignment_id INTEGER NOT NULL UNIQUE REFERENCES consignments(id),\n"
        "  notes          BLOB NOT NULL,\n" /* canonical JSON */
        "  created_at     TEXT NOT NULL\n"
        ");\n";

const struct covered_table db_cover_paperwork[] = {
        COVER("firms", "firm", "id"),
        COVER("asset_waste_codes", "asset_waste_code", "id"),
        COVER("disposal_accounts", "disposal_account", "id"),
        COVER("consignment_notes", "consignment_notes", "id"),
        {NULL},
};
