/* Schema part for keys, disposal authorisations, certificates, consignments,
 * receipts and signed audit checkpoints (issue 7): the SQL of its migration
 * and the tables the audit log covers.
 *
 * Certificates and manifests keep the exact signed bytes (the canonical JSON)
 * and the raw 64-byte Ed25519 signature, so an export hands the disposal firm
 * byte for byte what was signed. */
#include "db-internal.h"

const char db_schema_disposal[] =
        "CREATE TABLE keys (\n"
        "  id          INTEGER PRIMARY KEY,\n"
        "  name        TEXT NOT NULL UNIQUE,\n"
        "  fingerprint TEXT NOT NULL UNIQUE CHECK (length(fingerprint) = 64),\n"
        "  algorithm   TEXT NOT NULL DEFAULT 'ed25519',\n"
        "  public_pem  TEXT NOT NULL,\n"
        "  person_id   INTEGER REFERENCES people(id),\n"
        "  created_at  TEXT NOT NULL\n"
        ");\n"
        "CREATE TABLE disposal_requests (\n"
        "  id           INTEGER PRIMARY KEY,\n"
        "  asset_id     INTEGER NOT NULL REFERENCES assets(id),\n"
        "  reason       TEXT NOT NULL,\n"
        "  requested_by TEXT NOT NULL,\n"
        "  requested_at TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX disposal_requests_asset ON disposal_requests(asset_id);\n"
        "CREATE TABLE authorisations (\n"
        "  id            INTEGER PRIMARY KEY,\n"
        "  asset_id      INTEGER NOT NULL REFERENCES assets(id),\n"
        "  request_id    INTEGER REFERENCES disposal_requests(id),\n"
        "  person_id     INTEGER NOT NULL REFERENCES people(id),\n"
        "  name          TEXT NOT NULL,\n"
        "  role          TEXT NOT NULL,\n"
        "  authorised_at TEXT NOT NULL,\n"
        "  statement     TEXT,\n"           /* canonical JSON that was signed, if signed */
        "  signature     BLOB,\n"           /* raw Ed25519 signature over statement */
        "  key_fingerprint TEXT\n"
        ");\n"
        "CREATE INDEX authorisations_asset ON authorisations(asset_id);\n"
        "CREATE TABLE destructions (\n"
        "  id               INTEGER PRIMARY KEY,\n"
        "  asset_id         INTEGER NOT NULL REFERENCES assets(id),\n"
        "  media_id         INTEGER REFERENCES media(id),\n"
        "  method           TEXT NOT NULL CHECK (method IN ('shred', 'crush', 'degauss', 'other')),\n"
        "  performed_by     TEXT NOT NULL,\n"
        "  firm_certificate TEXT,\n"
        "  destroyed_at     TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX destructions_asset ON destructions(asset_id);\n"
        "CREATE TABLE certificates (\n"
        "  id              INTEGER PRIMARY KEY,\n"
        "  cert_id         TEXT NOT NULL UNIQUE,\n"
        "  asset_id        INTEGER NOT NULL REFERENCES assets(id),\n"
        "  media_id        INTEGER REFERENCES media(id),\n"
        "  wipe_id         INTEGER,\n"
        "  method          TEXT NOT NULL,\n"  /* the wipe method */
        "  outcome         TEXT NOT NULL,\n"
        "  json            BLOB NOT NULL,\n"  /* the exact signed bytes */
        "  json_sha256     TEXT NOT NULL,\n"
        "  signature       BLOB NOT NULL CHECK (length(signature) = 64),\n"
        "  key_fingerprint TEXT NOT NULL,\n"
        "  pdf             BLOB,\n"
        "  issued_at       TEXT NOT NULL\n"
        ");\n"
        "CREATE INDEX certificates_asset ON certificates(asset_id);\n"
        "CREATE TABLE consignments (\n"
        "  id                   INTEGER PRIMARY KEY,\n"
        "  consignment_id       TEXT NOT NULL UNIQUE,\n"
        "  firm                 TEXT NOT NULL,\n"
        "  carrier_registration TEXT NOT NULL,\n"
        "  licence              TEXT,\n"
        "  manifest             BLOB NOT NULL,\n"
        "  manifest_sha256      TEXT NOT NULL,\n"
        "  signature            BLOB NOT NULL CHECK (length(signature) = 64),\n"
        "  key_fingerprint      TEXT NOT NULL,\n"
        "  pdf                  BLOB,\n"
        "  created_by           TEXT NOT NULL,\n"
        "  created_at           TEXT NOT NULL\n"
        ");\n"
        "CREATE TABLE consignment_items (\n"
        "  id             INTEGER PRIMARY KEY,\n"
        "  consignment_id INTEGER NOT NULL REFERENCES consignments(id),\n"
        "  asset_id       INTEGER NOT NULL UNIQUE REFERENCES assets(id)\n"
        ");\n"
        "CREATE INDEX consignment_items_consignment ON consignment_items(consignment_id);\n"
        "CREATE TABLE receipts (\n"
        "  id             INTEGER PRIMARY KEY,\n"
        "  consignment_id INTEGER NOT NULL UNIQUE REFERENCES consignments(id),\n"
        "  number         TEXT NOT NULL,\n"
        "  received_date  TEXT NOT NULL,\n"
        "  received_by    TEXT NOT NULL,\n"
        "  recorded_at    TEXT NOT NULL\n"
        ");\n"
        "CREATE TABLE audit_checkpoints (\n"
        "  id              INTEGER PRIMARY KEY,\n"
        "  events          INTEGER NOT NULL,\n"
        "  head            TEXT NOT NULL,\n"
        "  statement       BLOB NOT NULL,\n"  /* canonical JSON that was signed */
        "  signature       BLOB NOT NULL CHECK (length(signature) = 64),\n"
        "  key_fingerprint TEXT NOT NULL,\n"
        "  created_at      TEXT NOT NULL\n"
        ");\n";

const struct covered_table db_cover_disposal[] = {
        COVER("keys", "signing_key", "id"),
        COVER("disposal_requests", "disposal_request", "id"),
        COVER("authorisations", "authorisation", "id"),
        COVER("destructions", "destruction", "id"),
        COVER("certificates", "certificate", "id"),
        COVER("consignments", "consignment", "id"),
        COVER("consignment_items", "consignment_item", "id"),
        COVER("receipts", "receipt", "id"),
        COVER("audit_checkpoints", "audit_checkpoint", "id"),
        {NULL},
};
