/* Wipes, their passes and the chunk digests of their last pass. Records
 * travel as JSON objects keyed by column name. Callers (core/wipe.c) wrap
 * each change in a transaction with its audit event. */
#pragma once

#include "store.h"

/* Insert a wipe (outcome 'started'). Keys: target, target_kind, medium_id,
 * asset_tag, device (JSON text), method, pass_list (JSON text), verify,
 * size_bytes, sector_size, started_at, operator, host, tool_version, certify. */
int db_wipe_insert(struct db *db, json_t *w, int64_t *ret_id);
/* Set the final outcome, end time, error and direct_io of a wipe. */
int db_wipe_finish(struct db *db, int64_t id, const char *outcome, const char *ended_at, const char *error, int direct_io);
/* A pass begins: wipe_id, idx, pattern, seed_sha256, verify, started_at. */
int db_wipe_pass_insert(struct db *db, int64_t wipe_id, json_t *p, int64_t *ret_id);
/* A pass ended: status, seed, bytes_written, root_written, verify,
 * bytes_verified, root_read, *_bytes, errors (JSON text), ended_at, error. */
int db_wipe_pass_update(struct db *db, int64_t id, json_t *p);
/* The chunk digests (32 * n bytes) of a wipe's last pass. */
int db_wipe_digests_insert(struct db *db, int64_t wipe_id, int64_t pass_idx, const uint8_t *d, uint64_t n);
/* -ENOENT when none were stored. *ret is malloc'd. */
int db_wipe_digests_get(struct db *db, int64_t wipe_id, int64_t *ret_pass_idx, uint8_t **ret, uint64_t *ret_n);
/* One wipe (device, pass_list, host parsed back into JSON), -ENOENT if none. */
int db_wipe_get(struct db *db, int64_t id, json_t **ret);
/* Its passes, in order (errors parsed into JSON). */
int db_wipe_passes(struct db *db, int64_t wipe_id, json_t **ret);
/* Wipes, newest first; optionally only those of one asset tag. */
int db_wipe_list(struct db *db, const char *asset_tag, json_t **ret);
/* A firmware wipe's record (issue 11): insert or replace the row of
 * wipe_id with its method, state and record (canonical JSON text). */
int db_wipe_firmware_set(struct db *db, int64_t wipe_id, const char *method, const char *state, const char *record);
/* The record parsed; -ENOENT when the wipe ran no firmware command. */
int db_wipe_firmware_get(struct db *db, int64_t wipe_id, json_t **ret);
/* Wipes still 'started' whose firmware state is `state`, newest first:
 * [{"id", "target", "device", "method", "state"}]. */
int db_wipe_firmware_open(struct db *db, const char *state, json_t **ret);
