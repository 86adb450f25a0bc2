/* A multi-academy trust: schools sharing one PostgreSQL database, kept
 * apart by the database's row-level security (db/pg/). Each call checks
 * its input and writes the change with its audit event in the trust's own
 * chain, in one transaction. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

struct db;

/* The roles a database login may hold in a school (or trust-wide). */
bool trust_role_valid(const char *role);

/* Name the trust (after `trust init` created its schema; again to rename). */
int trust_init(struct db *db, const char *name);
/* The trust's name, or -ENOENT. */
int trust_name(struct db *db, char **ret);
/* Add a school: code (2 to 10 of A-Z, 0-9), name, tag prefix (as `init`'s).
 * The school's own chain starts with its name and prefix. */
int trust_school_add(struct db *db, const char *code, const char *name, const char *tag_prefix, int64_t *ret_id);
int trust_school_list(struct db *db, json_t **ret);
/* Grant db_role `role` in school `code`, or trust-wide (code NULL): admin
 * and auditor may be trust-wide, technician and head belong to a school. */
int trust_grant(struct db *db, const char *db_role, const char *code, const char *role);
int trust_revoke(struct db *db, const char *db_role, const char *code);
int trust_grant_list(struct db *db, json_t **ret);

/* What a school's move in or out of the trust carried. */
struct trust_moved {
        int64_t rows;     /* rows copied, every table */
        int64_t events;   /* the school's audit events */
        char head[65];    /* its chain's head, the same on both sides */
};
/* Move a school's SQLite register (every table and its audit log) into the
 * trust as the new school `code`: one transaction, its chain unchanged
 * (nothing appended before its old head) and verified to the same head;
 * the move is an event of the trust's own chain. */
int trust_import(struct db *db, const char *code, const char *file, struct trust_moved *ret);
/* Write school `code` of the trust into a new SQLite register `file`
 * (a school leaving the trust): its chain verified to the same head there;
 * an event of the trust's own chain. The school's rows stay in the trust. */
int trust_export(struct db *db, const char *code, const char *file, struct trust_moved *ret);

/* What an asset's transfer wrote. */
struct trust_transferred {
        char new_tag[40];   /* its tag in the destination school */
        char out_hash[65];  /* asset.transfer.out, in the source's chain */
        char in_hash[65];   /* asset.transfer.in, in the destination's */
};
/* Move asset `tag` of the connection's school to school `to_code` (trust
 * administrators only), in one transaction holding the trust's lock and
 * then both schools' in ascending order: in the source it ends
 * `transferred` (event asset.transfer.out, its notes name the new tag); the
 * destination gets a new row under its own tag prefix with the media
 * (asset.transfer.in: the source school, tag, event hash and the asset's
 * history there); the trust's chain records trust.transfer naming both.
 * Refused: an asset on loan, in a disposal, lost or stolen, transferred
 * already, or whose serial the destination holds; the same school. */
int trust_transfer(struct db *db, const char *tag, const char *to_code, struct trust_transferred *ret);

/* A report run in every school the login may see (--all-schools): fn is
 * run with the connection in each school in turn; every row gains
 * "school", the school's code. A SQLite register refuses (one school). */
typedef int (*school_report_fn)(struct db *db, const void *arg, json_t **ret);
int report_all_schools(struct db *db, school_report_fn fn, const void *arg, json_t **ret);
/* The compliance check of every school: its sections (as
 * report_compliance()'s) with each item's "school" and summary prefixed
 * "CODE: "; *ret_problems: the items of every school. */
int report_compliance_all_schools(struct db *db, json_t **ret, int64_t *ret_problems);
