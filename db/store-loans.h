/* The store for the technician's daily work: loans, badges, stock-takes and
 * their scans, incidents, lost property and checks (PAT tests), and the
 * read-only queries the reports need. Records travel as JSON objects keyed by
 * column name. Functions return 0 (or a count) or -errno with err_msg() set;
 * "one row" lookups return -ENOENT (no message) when there is none. Writers
 * audit nothing: core/ audits in the same transaction. */
#pragma once

#include "store.h"
#include "store-records.h"

/* --- loans --- */

/* Columns of a loan as the lookups below return it: the loan row, plus the
 * person (ref, name, email, leaving_date, aup_signed) and the asset (tag,
 * make, model, serial, location, status). */

/* The open loan of an asset; -ENOENT when it is not out. */
int db_loan_open_by_asset(struct db *db, int64_t asset_id, json_t **ret);
/* The newest loan (open or not) of an asset; -ENOENT when it never went out. */
int db_loan_latest_by_asset(struct db *db, int64_t asset_id, json_t **ret);
/* Insert a loan: asset_id, person_id, issued_at, due, condition_out,
 * override_reason, source (absent keys bind NULL or the default). */
int db_loan_insert(struct db *db, json_t *loan, int64_t *ret_id);
/* The same from a typed loan: every field of l (absent ones NULL, source
 * 'issue', issued_at now). */
int db_loan_record_insert(struct db *db, const struct loan *l, int64_t *ret_id);
/* Close a loan: returned_at, condition_in, damage, outcome. */
int db_loan_close(struct db *db, int64_t loan_id, const char *returned_at, const char *condition_in,
                  const char *damage, const char *outcome);
/* Open loans of a person, by tag (an array). */
int db_loans_open_by_person(struct db *db, int64_t person_id, json_t **ret);
/* Every open loan with its person and asset, by tag. */
int db_loans_open(struct db *db, json_t **ret);
/* Open loans whose due date is before `date`, by due date then tag. */
int db_loans_overdue(struct db *db, const char *date, json_t **ret);
/* Open loans of people whose leaving date is on or before `date`, by person then tag. */
int db_loans_of_leavers(struct db *db, const char *date, json_t **ret);
/* Open loans of people with no signed acceptable-use agreement. */
int db_loans_without_aup(struct db *db, json_t **ret);

/* --- badges --- */
int db_badge_insert(struct db *db, const char *badge, int64_t person_id, int64_t *ret_id);
/* The person (as db_person_by_ref returns) whose badge is `badge` (any case); -ENOENT if none. */
int db_person_by_badge(struct db *db, const char *badge, json_t **ret);
/* Every name a scan reads as a person: each reference and each badge, as
 * rows {scan_key, name, ref} (the reference or the badge; name and ref: its
 * person's), so that an import checks its tags against them in memory. */
int db_person_scan_names(struct db *db, json_t **ret);

/* --- stock-takes --- */
int db_stocktake_insert(struct db *db, const char *room, const char *started_at, int64_t *ret_id);
/* One stock-take (id, room, started_at, finished_at, report); -ENOENT if none. */
int db_stocktake_get(struct db *db, int64_t id, json_t **ret);
/* Stock-takes, newest first; open_only: only those not finished. */
int db_stocktake_list(struct db *db, bool open_only, json_t **ret);
int db_stocktake_scan_insert(struct db *db, int64_t stocktake_id, const char *tag, int64_t asset_id,
                             const char *scanned_at, int64_t *ret_id);
/* The scans of a stock-take, in order: tag, asset_id, scanned_at and, for a
 * registered asset, its location and status. */
int db_stocktake_scans(struct db *db, int64_t stocktake_id, json_t **ret);
int db_stocktake_finish(struct db *db, int64_t id, const char *finished_at, const char *report);
/* Assets the register places in `room` (any case) that should be on the
 * shelf: not issued, lost, stolen or gone. By tag. */
int db_assets_expected_in(struct db *db, const char *room, json_t **ret);
int db_asset_set_audited(struct db *db, int64_t asset_id, const char *date);

/* --- incidents --- */
/* Insert an incident: asset_id, kind, person_id, room, details, action, happened_on. */
int db_incident_insert(struct db *db, json_t *inc, int64_t *ret_id);
/* Incidents, newest first, optionally of one asset and/or one kind; with tag and person ref. */
int db_incident_list(struct db *db, int64_t asset_id, const char *kind, json_t **ret);

/* --- lost property --- */
/* Insert: description, serial, found_where, found_on, hold_until. */
int db_lostprop_insert(struct db *db, json_t *item, int64_t *ret_id);
int db_lostprop_get(struct db *db, int64_t id, json_t **ret);
/* Set claimed_on/claimed_by or disposed_on (NULL leaves a field as it is). */
int db_lostprop_update(struct db *db, int64_t id, const char *claimed_on, const char *claimed_by, const char *disposed_on);
/* Items, oldest first; due_on: only unclaimed, undisposed items whose
 * hold_until is before due_on (NULL: every item). */
int db_lostprop_list(struct db *db, const char *due_on, json_t **ret);

/* --- checks (PAT) --- */
/* Insert: asset_id, kind, result, checked_on, next_due, notes. */
int db_check_insert(struct db *db, json_t *check, int64_t *ret_id);
/* Checks, newest first, optionally of one asset; with the asset tag. */
int db_check_list(struct db *db, int64_t asset_id, json_t **ret);
/* Assets whose latest check of each kind failed, or is due before `date`
 * (and which are still on the register, not gone). */
int db_checks_overdue(struct db *db, const char *date, json_t **ret);

/* --- compliance --- */
/* Assets flagged as holding personal data but not encrypted, still in use. */
int db_assets_personal_unencrypted(struct db *db, json_t **ret);
/* Assets in use last audited (or, never audited, registered) before `date`. */
int db_assets_not_audited_since(struct db *db, const char *date, json_t **ret);
/* Assets not disposed of whose serial is not recorded (imported with
 * --allow-missing-serial). */
int db_assets_without_serial(struct db *db, json_t **ret);

/* --- WAL housekeeping for long scan sessions --- */
/* Stop automatic checkpoints on this connection (they would stall whichever
 * scan happened to cross the threshold); after each commit *ret_wal_pages
 * is set to the pages now in the write-ahead log. The pointer must stay
 * valid while the db is open. */
void db_checkpoint_manual(struct db *db, int *ret_wal_pages);
/* Back to SQLite's automatic checkpoints (every 1000 pages). */
void db_checkpoint_auto(struct db *db);
/* A passive checkpoint: copy what it can of the WAL into the database
 * without waiting for readers. */
int db_checkpoint(struct db *db);
