/* The register's side of a wipe: link it to the medium and asset it is
 * for, store the wipe and its passes as they happen (each change in its own
 * transaction with its audit event), route a medium whose wipe failed to
 * physical destruction, and read records back.
 *
 * The functions serialise on one lock, so the threads of a multi-device
 * wipe may share one struct db (nothing else may use it meanwhile). */
#pragma once

#include "core.h"
#include "wipe-session.h"
#include "wipe.h"
#include "blockdev.h"

/* The register's handle on one wipe in progress. */
struct wipe_record {
        int64_t id;                            /* wipes.id */
        int64_t medium_id;                     /* 0 when no registered medium matched */
        char *asset_tag;                       /* NULL when not known */
        char *subject;                         /* audit subject: the asset tag, else the target */
        int64_t pass_rows[WIPE_MAX_PASSES];    /* wipe_passes.id of each pass begun */
        char *note;                            /* the disposal's note for the operator, or NULL */
        bool note_warning;
};
void wipe_record_done(struct wipe_record *rec);

/* Match a target to the register: the registered medium that block device
 * b is (device_match(): serial, then WWN; a loop device by its image file),
 * and its asset, or the asset `asset_tag` when given. b is NULL for image
 * files. *ret: {"medium": {id, serial, model, kind, matched_by}|null,
 * "asset": {...}|null}. Refuses (-ENOENT/-EPERM) an unknown --asset or a
 * drive registered in another asset than the one given. */
int wipe_match(struct db *db, const struct blockdev *b, const char *asset_tag, json_t **ret);

/* Record a wipe as started, before the first pass. w: target, target_kind
 * ("block"|"image"), device (object), method, pass_list (array), verify,
 * size_bytes, sector_size, certify (bool), and from wipe_match medium_id and
 * asset_tag when known. Operator, host, tool version and start time are
 * added here. Fills rec. */
int wipe_record_begin(struct db *db, json_t *w, struct wipe_record *rec);
/* A pass begins (its seed's hash, not the seed) / ended (everything). */
int wipe_record_pass_begin(struct db *db, struct wipe_record *rec, const struct wipe_pass_result *p);
int wipe_record_pass_end(struct db *db, struct wipe_record *rec, const struct wipe_pass_result *p);
/* The wipe ended: store the outcome and the last pass's chunk digests; a
 * matched medium whose wipe failed or ended with exceptions becomes
 * 'destroy_required'. Then the single "wipe ended" hook runs: the
 * disposal's certificate (signed with signer, may be NULL) or destruction,
 * its note for the operator left in rec->note. */
int wipe_record_end(struct db *db, struct wipe_record *rec, const struct wipe_result *r, struct signer *signer);
/* The chunk digests stored for a wipe's last pass (32 * n bytes, caller frees). */
int wipe_last_digests(struct db *db, int64_t id, uint8_t **ret, uint64_t *ret_n);

/* Firmware wipes (issue 11): store the firmware record of rec's wipe (its
 * state: "planned", "sending", "sent", "done", "failed", ...) with an
 * audit event "wipe.firmware" naming the state. */
int wipe_record_firmware(struct db *db, struct wipe_record *rec, const char *method, const char *state, json_t *record);
/* Wipes left 'started' whose firmware state is `state` (see
 * db_wipe_firmware_open). */
int wipe_firmware_open(struct db *db, const char *state, json_t **ret);
/* Fill rec for wipe `id` recorded earlier (to resume it). */
int wipe_record_resume(struct db *db, int64_t id, struct wipe_record *rec);
