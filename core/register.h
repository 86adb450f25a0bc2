/* The register as cmd/ sees it (core/register.c): opening it, and the
 * listings and stored documents a command prints. The store (db/) stays
 * behind core: these are the only doors, so a second backend changes
 * nothing here. Functions return 0 or -errno with the reason in err_msg(). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "json.h"

struct db;

enum register_open_flags {
        REGISTER_CREATE = 1 << 0, /* create the register if it is missing */
        REGISTER_QUERY = 1 << 1,  /* the command only reads it */
};
/* Open the register at explicit_path, else $ASSETCTL_DB, else the default
 * under $XDG_DATA_HOME (migrating it as needed). school (--school CODE,
 * may be NULL) picks the school of a trust's database to work in; else
 * $ASSETCTL_SCHOOL, else the one school the login belongs to. */
int register_open(const char *explicit_path, const char *school, unsigned flags, struct db **ret);
void register_close(struct db *db);
/* Where the open register lives, for messages. */
const char *register_path(struct db *db);

/* Listings as JSON arrays of records (filters NULL for all). */
int asset_list(struct db *db, const char *status, const char *location, const char *category, json_t **ret);
int person_list(struct db *db, const char *role, json_t **ret);
int disposal_list(struct db *db, const char *status, json_t **ret);
/* The disposal register between two dates (either may be NULL). */
int disposal_register(struct db *db, const char *from, const char *to, json_t **ret);
int key_list(struct db *db, json_t **ret);
int key_get(struct db *db, const char *name_or_fingerprint, json_t **ret);
int cert_list(struct db *db, const char *asset_tag, json_t **ret);
int cert_get(struct db *db, const char *cert_id, json_t **ret);
int consignment_list(struct db *db, json_t **ret);
int consignment_get(struct db *db, const char *consignment_id, json_t **ret);
/* The PDF stored with a certificate or a consignment's manifest (caller
 * frees *ret). */
int cert_stored_pdf(struct db *db, const char *cert_id, void **ret, size_t *ret_len);
int consignment_stored_pdf(struct db *db, const char *consignment_id, void **ret, size_t *ret_len);

/* The audit log: its events, oldest first, optionally only those about
 * subject; and the check of its chain. */
int audit_log(struct db *db, const char *subject, json_t **ret);
struct audit_check {
        int64_t events;    /* events in the log */
        char head[65];     /* hash of the last event ("" when empty) */
        int64_t bad_event; /* first bad event id, 0 if none could be named */
        char *problem;     /* NULL when intact; else what is wrong (owned) */
};
int audit_check(struct db *db, struct audit_check *ret);
/* `audit accept`: record, as an event naming who decided and why, that a
 * row changed, inserted or deleted behind the tool's back stands as found
 * (writes to it are refused until then). *ret_row is the row's name
 * (owned), *ret_previous its latest event before (0: none). */
int audit_accept(struct db *db, const char *table, const char *key, const char *by, const char *reason, int64_t *ret_event,
                 int64_t *ret_previous, char **ret_row, const char **ret_found);
void audit_check_done(struct audit_check *c);
