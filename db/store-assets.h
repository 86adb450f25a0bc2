/* Register records: assets, their storage media, people. Writers take the
 * typed records of store-records.h; readers return them typed
 * (db_*_record_*) or as JSON objects keyed by column name (snake_case), the
 * same keys the command line prints with --json and the CSV export uses. */
#pragma once

#include "store.h"
#include "store-records.h"

/* Assets. Insert writes every insertable field of a (absent ones bind NULL
 * or the field's default; created_at/updated_at are kept when given, as an
 * import of an export does, else stamped now). Update writes a's updatable
 * fields to the row a->id and stamps updated_at. */
int db_asset_insert(struct db *db, const struct asset *a, int64_t *ret_id);
/* New records of one table (assets with asset_type, people with
 * person_type) written many rows to a statement: an import's bulk path,
 * for records that need nothing written after them (media, loans, badges
 * take the row-at-a-time inserts). db_batch_new() reads the table's next
 * free id, so it belongs inside the write transaction, which keeps other
 * writers out: each record added gets the next id, as a single insert
 * would have given it. A record is copied when added (as the inserts: its
 * absent fields bind NULL or their defaults); rows are written when a
 * statement's worth has gathered and at db_batch_flush(), which comes
 * before anything reads them. A failed write fails the batch: later adds
 * and flushes return its error and write nothing (the caller rolls back);
 * `what` begins its message. */
struct db_batch;
int db_batch_new(struct db *db, const char *table, const struct record_type *t, const char *what, struct db_batch **ret);
int db_batch_add(struct db_batch *b, const void *rec, int64_t *ret_id);
int db_batch_flush(struct db_batch *b);
void db_batch_free(struct db_batch *b);
int db_asset_update(struct db *db, const struct asset *a);
/* One asset by tag (exact); -ENOENT if none. */
int db_asset_by_tag(struct db *db, const char *tag, json_t **ret);
/* The same into a typed record (owned: record_clear() it). */
int db_asset_record_by_tag(struct db *db, const char *tag, struct asset *ret);
/* Assets whose serial is `serial` (case-insensitive); an array. */
int db_asset_by_serial(struct db *db, const char *serial, json_t **ret);
/* The asset with this make and serial (case-insensitive); -ENOENT if none. */
int db_asset_by_make_serial(struct db *db, const char *make, const char *serial, json_t **ret);
/* Every asset's tag, serial and make (objects of those keys, in no set
 * order): what an import checks its rows against, read once. */
int db_asset_keys(struct db *db, json_t **ret);
/* All assets matching the optional filters, by tag. */
int db_asset_list(struct db *db, const char *status, const char *location, const char *category, json_t **ret);
/* Highest N of tags PREFIX-N (0 when none). */
int db_asset_max_tag_number(struct db *db, const char *prefix, int64_t *ret);
/* Set an asset's status (and updated_at) and audit nothing: callers audit. */
int db_asset_set_status(struct db *db, int64_t id, const char *status);

/* Number of assets, of people (an import into an empty table needs no
 * look-ups against the register). */
int db_asset_count(struct db *db, int64_t *ret);
int db_person_count(struct db *db, int64_t *ret);

/* Storage media inside an asset. db_media_insert stores m's model, serial,
 * size_bytes, kind, wwn, and status and created_at when m has them (an
 * import of an export), else 'fitted' and now; m->asset_tag is not read. */
int db_media_insert(struct db *db, int64_t asset_id, const struct medium *m, int64_t *ret_id);
int db_media_by_asset(struct db *db, int64_t asset_id, json_t **ret);
/* The medium with this serial; -ENOENT if none. */
int db_media_by_serial(struct db *db, const char *serial, json_t **ret);
/* The medium with this world-wide name (case-insensitive); -ENOENT if none. */
int db_media_by_wwn(struct db *db, const char *wwn, json_t **ret);
int db_media_set_status(struct db *db, int64_t id, const char *status);

/* People. */
int db_person_insert(struct db *db, const struct person *p, int64_t *ret_id);
int db_person_update(struct db *db, const struct person *p);
/* One person by reference (case-insensitive); -ENOENT if none. */
int db_person_by_ref(struct db *db, const char *ref, json_t **ret);
int db_person_record_by_ref(struct db *db, const char *ref, struct person *ret);
/* One person by email (case-insensitive); -ENOENT if none. */
int db_person_by_email(struct db *db, const char *email, json_t **ret);
int db_person_list(struct db *db, const char *role, json_t **ret);
