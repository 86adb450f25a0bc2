/* Loans: issuing kit to people and taking it back, with the school's rules
 * (signed acceptable-use agreement, leavers, personal data only on encrypted
 * devices). Also the person facts those rules read: the agreement, the
 * leaving date and badge numbers. Every change is one transaction with its
 * audit event; refusals name the rule and how to put it right. */
#pragma once

#include "core.h"

struct issue_opts {
        const char *due;       /* YYYY-MM-DD or NULL (then the leaving date, if any) */
        const char *condition; /* condition as it goes out, or NULL */
        const char *override;  /* reason to issue an unencrypted personal-data device */
        const char *source;    /* "issue" (NULL) or "import" */
        const char *issued_on; /* date of issue; NULL: today */
};

/* Issue asset `tag` to person `ref`. On success *ret_loan (if non-NULL)
 * is the loan as db_loan_open_by_asset returns it (caller owns). -ENOENT for
 * an unknown tag or person, -EPERM for a refusal; err_msg() says why. */
int loan_issue(struct db *db, const char *tag, const char *ref, const struct issue_opts *o, json_t **ret_loan);
/* The same, for a person record already looked up (scan mode). */
int loan_issue_to(struct db *db, const char *tag, json_t *person, const struct issue_opts *o, json_t **ret_loan);
/* Take asset `tag` back. condition/damage may be NULL; damage also logs a
 * 'damaged' incident. *ret_loan: the closed loan (caller owns). */
int loan_return(struct db *db, const char *tag, const char *condition, const char *damage, json_t **ret_loan);
/* What person `ref` holds: *ret_person and *ret_loans (array by tag). */
int loan_holdings(struct db *db, const char *ref, json_t **ret_person, json_t **ret_loans);

/* A leaver's return: take back what person `ref` holds. Without next,
 * everything held; with it, only the tags it hands out in turn (NULL at
 * the end: the command line's tags, then lines on stdin). Each item
 * presented is reported once through `item`. */
enum loan_take_back {
        LOAN_TAKEN_BACK,   /* returned (text: the tag) */
        LOAN_NOT_A_TAG,    /* ignored (text: what was presented) */
        LOAN_NOT_HELD,     /* refused: not on loan to this person (text: the tag) */
        LOAN_ALREADY_BACK, /* presented twice (text: the tag) */
        LOAN_REFUSED,      /* the return failed (text: the tag; reason: why) */
};
struct loan_return_all_callbacks {
        void *userdata;
        const char *(*next)(void *userdata);
        void (*item)(void *userdata, json_t *person, enum loan_take_back what, const char *text, const char *reason);
};
struct loan_return_all_result {
        json_t *person;            /* the person (owned) */
        json_t *missing;           /* the loans still out, as loan_holdings() lists them (owned) */
        size_t held, returned;     /* loans held at the start, and returned */
        bool refused;              /* something presented was refused */
};
int loan_return_all(struct db *db, const char *ref, const struct loan_return_all_callbacks *cb, struct loan_return_all_result *ret);
void loan_return_all_result_done(struct loan_return_all_result *r);

/* Check (without writing) whether `person` may be given kit today: 0, or
 * -EPERM with the reason, for the asset `tag` (may be NULL). */
int loan_check_person(json_t *person, const char *tag);

/* Record the signed acceptable-use agreement (date NULL: today). */
int person_sign_aup(struct db *db, const char *ref, const char *date, const char *version);
/* Take the agreement off file (withdrawn, or recorded in error). */
int person_clear_aup(struct db *db, const char *ref);
/* Set (or with date NULL, clear) a person's leaving date. */
int person_set_leaving(struct db *db, const char *ref, const char *date);
/* Give a person a badge number that scan mode accepts for them. */
int person_add_badge(struct db *db, const char *ref, const char *badge);
/* A person by reference, else by badge number; -ENOENT with a message. */
int person_find(struct db *db, const char *ref_or_badge, json_t **ret);

/* The asset import's hook (import.h) that turns Snipe-IT's "Checkout Type" /
 * "Checked Out To: Username" / "Checked Out To: Email" columns into open
 * loans: the person must already be on the register (matched by reference,
 * else by email), else the row is rejected and nothing is imported. The loan
 * is recorded as imported (no agreement or leaver check: it records who
 * holds what already; 'report compliance' names what needs action). */
struct import_hook;
const struct import_hook *loan_import_hook(void);
