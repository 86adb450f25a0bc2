/* The typed records (db/store-records.h) at core's edges: JSON in and out,
 * the import's CSV headers, and the rules every field's type and check
 * stand for. Everything here is driven by the record's one field table. */
#pragma once

#include <jansson.h>

#include "store-records.h"

/* What record_normalise() does, in the order a record lists them: the
 * first failing field's message is the one the caller reports, so the order
 * is part of each record's contract (the import's messages rest on it). */
enum record_phase {
        RP_END,
        RP_TEXT,   /* TEXT fields with a max: trimmed, UTF-8, no control characters, at most max, "" -> absent; required */
        RP_TAG,    /* check tag: upper-cased, asset_tag_valid() */
        RP_DATE,   /* DATE fields to YYYY-MM-DD */
        RP_BOOL,   /* BOOL fields from yes/no, 1/0, true/false */
        RP_PENCE,  /* PENCE fields given as text to a number */
        RP_STATUS, /* check asset_status */
        RP_EMAIL,  /* check email */
        RP_ROLE,   /* check role: lower-cased, person_role_valid() */
        RP_REF,    /* check ref: one word */
        RP_KIND,   /* check medium_kind */
};

/* The field called name, or NULL. */
const struct record_field *record_field(const struct record_type *t, const char *name);
/* Check and normalise the JSON record o in place, field by field, phase by
 * phase (RP_END-terminated). On failure -EINVAL with "FIELD: reason". */
int record_normalise(const struct record_type *t, json_t *o, const enum record_phase *phases);
/* Fill rec (zeroed first) from the normalised JSON record o: texts are
 * borrowed from o, which must outlive rec; unknown keys are ignored. */
void record_from_json(const struct record_type *t, json_t *o, void *rec);
/* rec as a JSON object: every field in table order, absent ones null,
 * booleans true/false (what a row read as JSON looks like). */
json_t *record_to_json(const struct record_type *t, const void *rec);
/* The field a CSV header names (its name with '_' as ' ', or an alias;
 * case-insensitive) and the alias's priority (0 best); NULL if none. */
const struct record_field *record_header_field(const struct record_type *t, const char *header, int *ret_priority);
/* Compare a header with a lower-case name: case-insensitive, '_' as ' ',
 * brackets and full stops in the header skipped ("Warranty (months)"). */
bool record_header_is(const char *header, const char *name, size_t name_len);

/* The phases of asset_normalise() and person_normalise(). */
extern const enum record_phase asset_phases[], asset_status_phases[], person_phases[], medium_phases[];
