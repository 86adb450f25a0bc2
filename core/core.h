/* The domain: the register's rules. Functions validate, write the change and
 * its audit event in one transaction, and return 0 or -errno with the reason
 * in err_msg() (naming the thing and the rule). Nothing here prints. */
#pragma once

#include "db.h"
#include "register.h"

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
/* Check and normalise an asset record for insertion (dates to YYYY-MM-DD,
 * tag to upper case, cost to pence, empty strings to absent). On failure
 * returns -EINVAL naming the field. `a` is modified in place. */
int asset_normalise(json_t *a);
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

/* --- labels (core/labels.c) --- */

/* The assets to label: the given tags (each must exist; upper-cased, in the
 * order given, duplicates kept), or every asset matching status/location
 * (status as stored, either may be NULL) when n_tags is 0. Returns a JSON
 * array of asset records; -ENOENT naming the first unknown tag, or when
 * nothing matches. */
int label_assets(struct db *db, char *const *tags, size_t n_tags, const char *status, const char *location, json_t **ret);
/* Check a URL template: it must contain "{tag}" (any number of times) and
 * no other braces, printable ASCII only. Returns 0 or -EINVAL. */
int label_url_template_check(const char *tmpl);
/* What a label's QR code holds: the tag, or the template with {tag} filled
 * in (NULL template: the tag). New string. */
char *label_payload(const char *tmpl, const char *tag);
/* --- drives seen by this machine (core/devices.c) --- */
struct blockdev;

/* A size for people, in decimal units as drive labels use: "500 GB",
 * "67.1 MB", "512 B". Caller frees. */
char *size_human(uint64_t bytes);
/* The serial and model the register records for b (caller frees both;
 * either may be NULL when the drive does not say): the drive's own serial,
 * "VENDOR MODEL"; a loop device stands for its image file: serial
 * "file:PATH", model "disk image". */
void device_register_identity(const struct blockdev *b, char **ret_serial, char **ret_model);
/* b as a JSON object keyed like `assetctl devices --json` (no match). */
json_t *blockdev_json(const struct blockdev *b);
/* The registered medium (by serial, then WWN) or asset (by serial) that b
 * is: {asset_tag, medium_id, medium_serial, medium_model, matched_by}, or
 * *ret = NULL when none. */
int device_match(struct db *db, const struct blockdev *b, json_t **ret);
/* blockdev_json() plus "asset_tag" and "match" (null when none, or db NULL). */
int device_json(struct db *db, const struct blockdev *b, json_t **ret);
/* Every drive (and partition, if partitions) as device_json() objects. */
int devices_list(struct db *db, bool partitions, json_t **ret);
/* Fill the medium keys (model, serial, size_bytes, kind, wwn) that m lacks
 * from the drive at path; refuses partitions, empty readers, and drives that
 * do not report a serial or model unless m gives one. */
int media_from_device(const char *path, json_t *m);
/* media_from_device() then asset_add_media(); refuses a WWN already registered. */
int asset_add_media_from(struct db *db, const char *tag, const char *path, json_t *m, int64_t *ret_id);
/* The drive just plugged in: the one unregistered removable or USB whole
 * disk, or the newest of several when udev's arrival times set it clearly
 * (30 s) apart. Else -ENODEV/-EEXIST naming the candidates. *ret_why says
 * why it was chosen. Caller frees both. */
int device_pick_new(struct db *db, char **ret_path, char **ret_why);
/* USB devices as JSON objects (path, ids, names, serial, class) with the
 * registered asset or medium whose serial matches (asset_tag, matched_by);
 * unregistered_only: only those that match nothing, root hubs left out. */
int usb_list(struct db *db, bool unregistered_only, json_t **ret);
