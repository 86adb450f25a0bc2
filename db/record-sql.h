/* SQL column lists generated, at compile time, from the record lists of
 * store-records.h (db/ only). Each macro takes one list entry; a list
 * expanded with it is a string literal:
 *
 *   "SELECT " ASSET_FIELDS(SQL_SELECT) " FROM assets"
 *     -> "SELECT id, tag, serial, ... FROM assets"
 *   "INSERT INTO assets(" ASSET_FIELDS(SQL_INSERT) ") VALUES (" ASSET_FIELDS(SQL_VALUE) ")"
 *     -> every written column; the rowid as NULL (a new one), "?" for the rest
 *   "UPDATE assets SET " ASSET_FIELDS(SQL_UPDATE) " WHERE id = ?"
 *     -> "id = id, serial = ?, ...": the col, req and touch fields
 *
 * The key (id) comes first in every list, so it carries no comma. The
 * statements' "?" are bound in field order by db_bind_record(). SQL_SELECT_M
 * and SQL_EXPORT_M are the media forms: columns of "media m", the asset's
 * tag (the joined field) from "assets a". */
#pragma once

#include "store-records.h"

#define SQL_SELECT(name, type, role, ...) SQL_SEL_##role(name)
#define SQL_SEL_key(n) #n
#define SQL_SEL_col(n) ", " #n
#define SQL_SEL_req(n) ", " #n
#define SQL_SEL_once(n) ", " #n
#define SQL_SEL_reqonce(n) ", " #n
#define SQL_SEL_touch(n) ", " #n

#define SQL_SELECT_M(name, type, role, ...) SQL_SELM_##role(name)
#define SQL_SELM_key(n) "m." #n
#define SQL_SELM_joined(n) ", a.tag AS " #n
#define SQL_SELM_col(n) ", m." #n
#define SQL_SELM_req(n) ", m." #n
#define SQL_SELM_once(n) ", m." #n

/* the media columns without the rowid, after "a.tag AS asset_tag" */
#define SQL_EXPORT_M(name, type, role, ...) SQL_EXPM_##role(name)
#define SQL_EXPM_key(n)
#define SQL_EXPM_joined(n)
#define SQL_EXPM_col(n) ", m." #n
#define SQL_EXPM_req(n) ", m." #n
#define SQL_EXPM_once(n) ", m." #n

#define SQL_INSERT(name, type, role, ...) SQL_INS_##role(name)
#define SQL_INS_key(n) #n
#define SQL_INS_joined(n)
#define SQL_INS_col(n) ", " #n
#define SQL_INS_req(n) ", " #n
#define SQL_INS_once(n) ", " #n
#define SQL_INS_reqonce(n) ", " #n
#define SQL_INS_touch(n) ", " #n

#define SQL_VALUE(name, type, role, ...) SQL_VAL_##role
#define SQL_VAL_key "NULL"
#define SQL_VAL_joined
#define SQL_VAL_col ", ?"
#define SQL_VAL_req ", ?"
#define SQL_VAL_once ", ?"
#define SQL_VAL_reqonce ", ?"
#define SQL_VAL_touch ", ?"

#define SQL_UPDATE(name, type, role, ...) SQL_UPD_##role(name)
#define SQL_UPD_key(n) #n " = " #n
#define SQL_UPD_joined(n)
#define SQL_UPD_col(n) ", " #n " = ?"
#define SQL_UPD_req(n) ", " #n " = ?"
#define SQL_UPD_once(n)
#define SQL_UPD_reqonce(n)
#define SQL_UPD_touch(n) ", " #n " = ?"

/* The NULL-ended names of a list's BOOL fields (for db_collect). */
#define SQL_BOOLS(name, type, ...) SQL_BOOL_##type(name)
#define SQL_BOOL_BOOL(n) #n,
#define SQL_BOOL_ID(n)
#define SQL_BOOL_TEXT(n)
#define SQL_BOOL_DATE(n)
#define SQL_BOOL_TIME(n)
#define SQL_BOOL_INT(n)
#define SQL_BOOL_PENCE(n)
#define SQL_BOOL_STATUS(n)

/* Bind rec's fields whose role has a flag of `mask` (FR_INSERT or
 * FR_UPDATE) to the statement's parameters from 1, in field order: absent
 * values bind the field's default or NULL; an insert's absent times (the
 * once and touch roles) the first time it bound, else now; an update's
 * touch fields now. The texts are not copied: bind, step, reset at once.
 * Returns the next parameter number. */
int db_bind_record(struct db_stmt *st, const struct record_type *t, const void *rec, unsigned mask, const char *now);
/* Read the current row of st, whose columns are t's fields in order, into
 * rec (zeroed first; the texts owned). */
void db_row_record(struct db_stmt *st, const struct record_type *t, void *rec);
/* The first row of st into rec, or -ENOENT (no message). */
int db_one_record(struct db *db, struct db_stmt *st, const struct record_type *t, void *rec);
