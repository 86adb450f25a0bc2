/* Incidents (loss, theft, damage), bringing found kit back, lost property
 * held for the school and maintenance checks (PAT tests). */
#pragma once

#include "core.h"

struct incident_opts {
        const char *kind;    /* lost, stolen or damaged */
        const char *details; /* what happened (required) */
        const char *person;  /* person reference, or NULL */
        const char *room;    /* where, or NULL (the asset's location) */
        const char *action;  /* action taken, or NULL */
        const char *date;    /* when it happened; NULL: today */
};
/* Log an incident against an asset. lost/stolen take the asset out of stock
 * (closing its loan, if any, with that outcome). *ret_id: the incident id. */
int incident_report(struct db *db, const char *tag, const struct incident_opts *o, int64_t *ret_id);
/* Incidents, newest first; tag and kind may be NULL. */
int incident_list(struct db *db, const char *tag, const char *kind, json_t **ret);
/* A lost or stolen asset is back: lost|stolen -> found -> in stock. */
int asset_found(struct db *db, const char *tag, const char *notes);

/* Lost property. The hold-until date is the end of the term after the one
 * in which the item was found (one full term): term ends are the setting
 * lostprop_term_ends ("MM-DD,MM-DD,..."), default 03-31,07-20,12-20. */
#define LOSTPROP_TERM_ENDS_DEFAULT "03-31,07-20,12-20"
struct lostprop_opts {
        const char *description; /* required */
        const char *serial, *where;
        const char *found_on;   /* NULL: today */
        const char *hold_until; /* NULL: computed */
};
/* Compute the hold-until date for an item found on `found` (YYYY-MM-DD)
 * with term ends `ends` (as the setting); -EINVAL for a bad setting. */
int lostprop_hold_until(const char *found, const char *ends, char ret[static 11]);
/* The term ends in use (caller frees), and setting them (checked). */
int lostprop_term_ends(struct db *db, char **ret);
int lostprop_set_term_ends(struct db *db, const char *ends);
int lostprop_add(struct db *db, const struct lostprop_opts *o, int64_t *ret_id, char ret_hold_until[static 11]);
/* Hand an item back to its owner (who: a name or reference). */
int lostprop_claim(struct db *db, int64_t id, const char *who, const char *date);
/* Record that an unclaimed item past its hold date was disposed of. */
int lostprop_dispose(struct db *db, int64_t id, const char *date);
/* Items; due_only: unclaimed items whose hold has ended (today). */
int lostprop_list(struct db *db, bool due_only, json_t **ret);

/* Checks. kind: pat; result: pass|fail; next: due date of the next check
 * (NULL: a pass is due again after 12 months, a fail has none). */
struct check_opts {
        const char *kind, *result, *next, *date, *notes;
};
int check_add(struct db *db, const char *tag, const struct check_opts *o, int64_t *ret_id, char ret_next[static 11]);
int check_list(struct db *db, const char *tag, json_t **ret);
