/* The domain: the register's rules. Functions validate, write the change and
 * its audit event in one transaction, and return 0 or -errno with the reason
 * in err_msg() (naming the thing and the rule). Nothing here prints. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "util.h"

struct db; /* the register: db/store.h, reached through core only */

/* --- asset states (DESIGN.md) --- */

/* Status values as stored (snake_case). */
#define ST_IN_STOCK "in_stock"
#define ST_ISSUED "issued"
#define ST_IN_REPAIR "in_repair"
#define ST_LOST "lost"
#define ST_STOLEN "stolen"
#define ST_FOUND "found"
#define ST_DISPOSAL_REQUESTED "disposal_requested"
#define ST_AUTHORISED "authorised"
#define ST_SANITISED "sanitised"
#define ST_DESTROY_REQUIRED "destroy_required"
#define ST_DESTROYED "destroyed"
#define ST_CONSIGNED "consigned"
#define ST_DISPOSED "disposed"
/* Moved to another school of the trust (asset transfer): a final state in
 * the school it left; the other school holds it under a new tag. */
#define ST_TRANSFERRED "transferred"

/* True if s names a status. */
bool asset_status_valid(const char *s);
/* "in stock" for "in_stock". */
const char *asset_status_label(const char *s);
/* 0 if an asset may move from `from` to `to`, else -EPERM with the reason. */
int asset_check_move(const char *tag, const char *from, const char *to);
/* Move an asset to a new status (checked), auditing `action` with details,
 * inside the caller's transaction or its own. */
int asset_move(struct db *db, const char *tag, const char *to, const char *action, json_t *details);
/* Send an in-stock asset for repair, or (done) bring it back to stock from
 * repair; notes go in the audit event. Refuses, saying why, from any other
 * state (an issued asset must be returned first). */
int asset_repair(struct db *db, const char *tag, bool done, const char *notes);

/* --- school settings --- */
int school_init(struct db *db, const char *school, const char *tag_prefix);
/* The school's name and tag prefix (caller frees); -ENOENT before init. */
int school_get(struct db *db, char **ret_name, char **ret_prefix);

/* --- assets --- */

/* True if tag is a valid tag: A-Z, 0-9 and '-', starting with a letter or
 * digit, at most 32 characters. */
bool asset_tag_valid(const char *tag);
/* A scan must select one thing: -EEXIST (naming both) when name, about to
 * be recorded as what ("reference", "badge"), is an asset's tag (as scan
 * reads it, upper-cased), or, is_tag, when name, a tag, is a person's
 * reference or badge. */
int scan_name_check(struct db *db, const char *name, const char *what, bool is_tag);
/* scan_name_check's refusal of tag `name` (as what), which is the reference
 * or a badge of person (ref): for a caller that found it itself. */
int scan_name_clash(const char *what, const char *name, const char *person, const char *ref);
/* Check and normalise an asset record for insertion (dates to YYYY-MM-DD,
 * tag to upper case, cost to pence, empty strings to absent). On failure
 * returns -EINVAL naming the field. `a` is modified in place. */
int asset_normalise(json_t *a);
/* asset_normalise(), except that a blank or absent serial is kept as ""
 * when blank_serial_ok (an asset imported with --allow-missing-serial, or
 * edited before its serial is known): 'report compliance' lists it. */
int asset_normalise_serial(json_t *a, bool blank_serial_ok);
/* Add an asset (generating its tag when absent) with its audit event; the
 * caller's transaction is used when one is open. */
int asset_add(struct db *db, json_t *a, char **ret_tag);
/* An asset by tag or serial, with its media as "media": [...]. */
int asset_get(struct db *db, const char *tag_or_serial, json_t **ret);
/* Apply changes (keys as in the record) to an asset. */
int asset_edit(struct db *db, const char *tag, json_t *changes);
/* Add a storage medium to an asset. m: model, serial, size_bytes, kind, wwn. */
int asset_add_media(struct db *db, const char *tag, json_t *m, int64_t *ret_id);

/* --- people --- */
bool person_role_valid(const char *role);
int person_normalise(json_t *p);
int person_add(struct db *db, json_t *p);
int person_get(struct db *db, const char *ref, json_t **ret);
int person_edit(struct db *db, const char *ref, json_t *changes);

/* Labels and the drives this machine sees: core/labels.h and core/devices.h. */
#include "devices.h"
#include "labels.h"
