/* A trust: many schools in one PostgreSQL database (issue 13). The schools,
 * the grants of database roles to them, and which school a connection works
 * in. A SQLite register is one school and refuses these (-EOPNOTSUPP). */
#pragma once

#include "store.h"

/* The trust's own audit chain (grants, schools, transfers, imports). */
#define DB_SCHOOL_TRUST 0

/* -EOPNOTSUPP, with a message naming the register and what to use, unless
 * db is a trust's database. `what` names the command ("trust school add"). */
int db_require_trust(struct db *db, const char *what);


/* Add a school (code, name, tag prefix already checked): its id. -EEXIST
 * when the code is taken. The caller audits it. */
int db_trust_school_add(struct db *db, const char *code, const char *name, const char *tag_prefix, int64_t *ret_id);
/* The schools the login may see: id, code, name, tag_prefix, created_at. */
int db_trust_school_list(struct db *db, json_t **ret);
/* The id of the school with `code`, or -ENOENT with a message. */
int db_trust_school_id(struct db *db, const char *code, int64_t *ret_id);
/* Whether the login is an administrator of the whole trust (a trust-wide
 * admin grant; the owner, who works as <db>_admin, is one). */
int db_trust_is_admin(struct db *db, bool *ret);
/* Grant the database role (a login) `role` (technician, head, auditor,
 * admin) in a school (code), or trust-wide when school is NULL. */
int db_trust_grant(struct db *db, const char *db_role, const char *school, const char *role);
/* Take every grant of db_role in the school (or its trust-wide ones);
 * -ENOENT when it holds none there. */
int db_trust_revoke(struct db *db, const char *db_role, const char *school);
/* The trust chain's first event, "trust.init" (subject: the trust's
 * name), recording the grants the schema made (the admin group role's
 * trust-wide one), so that the chain covers every grant from the start;
 * nothing when the chain has events (a trust renamed). In school 0's
 * transaction. */
int db_trust_audit_init(struct db *db, const char *name);
/* The grants: db_role, school (code, null for trust-wide), role,
 * granted_at, granted_by. */
int db_trust_grant_list(struct db *db, json_t **ret);

/* Copy every row of the school `from` works in into the school `to` works
 * in (inside to's transaction), keys, row numbers and the audit log as they
 * are, table by table, parents first: `trust import` (a SQLite register into
 * a trust) and `trust export` (a trust's school into a SQLite file). *ret_rows:
 * the rows copied. */
int db_copy_school(struct db *from, struct db *to, int64_t *ret_rows);
/* The i-th table db_copy_school() copies, or NULL past the last (a test
 * holds the list in step with the schema). */
const char *db_copy_table_name(size_t i);
