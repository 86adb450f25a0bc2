/* Typed register records: the asset, its storage media, the person, the
 * loan. Each record's fields are listed ONCE, in the X-macro below; from
 * that one list come the C struct, the field table (struct record_field) that
 * core/ reads to convert JSON and CSV and to validate, and the SQL column
 * lists db/ prepares (generated at compile time as string literals, so no
 * SQL is ever formatted at run time).
 *
 * Why here, in db/: the arrows point cmd -> core -> db. db/ must bind and
 * read these structs, so their definition has to be somewhere db/ can see;
 * core/ sees db/ anyway. The table also carries the import aliases and the
 * validation limits, which db/ ignores: they are plain data, and splitting
 * them into a second table in core/ would name every field twice. What the
 * limits mean (trimming, dates, yes/no, pence) is core's code
 * (core/records.c); db/ only stores.
 *
 * Each entry is X(name, TYPE, role, max, check, default, aliases):
 *   name     the struct member, the column, the JSON key, the CSV header
 *   TYPE     ID, TEXT, DATE (YYYY-MM-DD), TIME (YYYY-MM-DDTHH:MM:SSZ),
 *            INT, PENCE, BOOL, STATUS (text from a fixed list, not trimmed)
 *   role     how the store treats it: key (the rowid: read, never written),
 *            col (read, inserted, updated), once (inserted, never changed:
 *            a tag, a reference, created_at), touch (updated_at: now on
 *            every update), joined (read from another table, never
 *            written), req/reqonce (a col/once the record must have)
 *   max      text: longest value in bytes (0: not normalised as text
 *            at all: no trimming, no limit; its check, if any, applies)
 *   check    what core checks beyond the type: none, tag, ref, email,
 *            role, multiline, medium_kind, asset_status
 *   default  what an insert stores when the record has none (text or NULL)
 *   aliases  other CSV headers import accepts, '|' between them, a ';'
 *            starting a lower-priority group ("; employee number; username"
 *            reads ref from "ref" first, else "employee number", else
 *            "username"); compared case-insensitively, '_' as ' '
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASSET_FIELDS(X) \
        X(id, ID, key, 0, none, NULL, "") \
        X(tag, TEXT, once, 32, tag, NULL, "asset tag") \
        X(serial, TEXT, req, 128, none, NULL, "serial number|serial no") \
        X(make, TEXT, req, 128, none, NULL, "manufacturer") \
        X(model, TEXT, req, 128, none, NULL, "model name") \
        X(name, TEXT, col, 256, none, NULL, "asset name|item name") \
        X(category, TEXT, col, 256, none, NULL, "") \
        X(location, TEXT, col, 256, none, NULL, "") \
        X(status, STATUS, col, 0, asset_status, "in_stock", "") \
        X(personal_data, BOOL, col, 0, none, NULL, "") \
        X(encrypted, BOOL, col, 0, none, NULL, "") \
        X(purchased, DATE, col, 0, none, NULL, "purchase date") \
        X(cost_pence, PENCE, col, 0, none, NULL, "") \
        X(supplier, TEXT, col, 256, none, NULL, "") \
        X(order_number, TEXT, col, 256, none, NULL, "") \
        X(warranty_until, DATE, col, 0, none, NULL, "warranty expires") \
        X(notes, TEXT, col, 4096, multiline, NULL, "asset notes") \
        X(last_audited, DATE, col, 0, none, NULL, "last audit|last audit date") \
        X(created_at, TIME, once, 0, none, NULL, "") \
        X(updated_at, TIME, touch, 0, none, NULL, "")

#define MEDIUM_FIELDS(X) \
        X(id, ID, key, 0, none, NULL, "") \
        X(asset_tag, TEXT, joined, 0, none, NULL, "") \
        X(model, TEXT, req, 128, none, NULL, "") \
        X(serial, TEXT, req, 128, none, NULL, "") \
        X(size_bytes, INT, col, 0, none, NULL, "") \
        X(kind, TEXT, col, 0, medium_kind, NULL, "") \
        X(wwn, TEXT, col, 256, none, NULL, "") \
        X(status, TEXT, col, 0, none, "fitted", "") \
        X(created_at, TIME, once, 0, none, NULL, "")

#define PERSON_FIELDS(X) \
        X(id, ID, key, 0, none, NULL, "") \
        X(ref, TEXT, reqonce, 64, ref, NULL, "; employee number|employee num|employee no; username|user name") \
        X(name, TEXT, req, 256, none, NULL, "full name|fullname") \
        X(email, TEXT, col, 256, email, NULL, "e-mail|email address") \
        X(role, TEXT, col, 32, role, "staff", "") \
        X(job_title, TEXT, col, 256, none, NULL, "title|job title|job title for user|jobtitle") \
        X(authoriser, BOOL, col, 0, none, NULL, "") \
        X(aup_signed, DATE, col, 0, none, NULL, "") \
        X(aup_version, TEXT, col, 64, none, NULL, "") \
        X(leaving_date, DATE, col, 0, none, NULL, "end date") \
        X(created_at, TIME, once, 0, none, NULL, "") \
        X(updated_at, TIME, touch, 0, none, NULL, "")

/* A loan as the loans table holds it (asset and person by rowid). */
#define LOAN_FIELDS(X) \
        X(id, ID, key, 0, none, NULL, "") \
        X(asset_id, INT, once, 0, none, NULL, "") \
        X(person_id, INT, once, 0, none, NULL, "") \
        X(issued_at, TIME, once, 0, none, NULL, "") \
        X(due, DATE, col, 0, none, NULL, "") \
        X(condition_out, TEXT, col, 0, none, NULL, "") \
        X(override_reason, TEXT, col, 0, none, NULL, "") \
        X(source, TEXT, col, 0, none, "issue", "") \
        X(returned_at, TIME, col, 0, none, NULL, "") \
        X(condition_in, TEXT, col, 0, none, NULL, "") \
        X(damage, TEXT, col, 0, none, NULL, "") \
        X(outcome, TEXT, col, 0, none, NULL, "")

enum field_type {
        FT_ID,     /* the rowid */
        FT_TEXT,
        FT_DATE,   /* YYYY-MM-DD */
        FT_TIME,   /* YYYY-MM-DDTHH:MM:SSZ */
        FT_INT,
        FT_PENCE,  /* money, whole pence */
        FT_BOOL,
        FT_STATUS, /* text from a fixed list, checked as it is */
};

enum field_role {
        FR_KEY = 1 << 0,    /* the rowid */
        FR_INSERT = 1 << 1, /* written by an insert */
        FR_UPDATE = 1 << 2, /* written by an update */
        FR_TOUCH = 1 << 3,  /* an update writes now */
        FR_REQUIRED = 1 << 4,
};

enum field_check {
        FC_none,
        FC_tag,          /* upper-cased, asset_tag_valid() */
        FC_ref,          /* one word */
        FC_email,
        FC_role,         /* lower-cased, person_role_valid() */
        FC_multiline,    /* line breaks allowed (CRLF read as LF) */
        FC_medium_kind,  /* hdd, ssd, nvme, flash */
        FC_asset_status, /* asset_status_valid() */
};

/* One field of a record. */
struct record_field {
        const char *name;       /* member, column, JSON key, CSV header */
        enum field_type type;
        unsigned role;          /* enum field_role */
        unsigned max;           /* text: most bytes (0: not normalised as text) */
        enum field_check check;
        const char *dflt;       /* stored by an insert when absent, or NULL */
        const char *aliases;    /* import headers, see the top of the file */
        size_t offset;          /* of the member in the struct */
};

/* A record type: its table and the struct's size. */
struct record_type {
        const char *name;          /* "asset", "medium", "person", "loan" */
        const struct record_field *fields;
        size_t n_fields;
        size_t size;
};

/* The struct members: ID, INT, PENCE as int64_t, BOOL as bool, the rest as
 * text (NULL when absent). */
#define RECORD_CTYPE_ID int64_t
#define RECORD_CTYPE_INT int64_t
#define RECORD_CTYPE_PENCE int64_t
#define RECORD_CTYPE_BOOL bool
#define RECORD_CTYPE_TEXT char *
#define RECORD_CTYPE_DATE char *
#define RECORD_CTYPE_TIME char *
#define RECORD_CTYPE_STATUS char *
#define RECORD_MEMBER(name, type, ...) RECORD_CTYPE_##type name;
#define RECORD_INDEX(prefix, name) prefix##_##name

/* Every struct starts with its bookkeeping: `set` has bit i when field i
 * has a value (texts: also when non-NULL; integers and booleans: only so);
 * `owned`: the texts are malloc'd and record_clear() frees them (a record
 * read from JSON borrows the JSON's strings instead). */
#define RECORD_STRUCT(tag, LIST) \
        struct tag { \
                uint64_t set; \
                bool owned; \
                LIST(RECORD_MEMBER) \
        }

RECORD_STRUCT(asset, ASSET_FIELDS);
RECORD_STRUCT(medium, MEDIUM_FIELDS);
RECORD_STRUCT(person, PERSON_FIELDS);
RECORD_STRUCT(loan, LOAN_FIELDS);

/* Field numbers: ASSET_F_serial is the serial's index in asset_type.fields. */
#define RECORD_ENUM_ASSET(name, ...) ASSET_F_##name,
#define RECORD_ENUM_MEDIUM(name, ...) MEDIUM_F_##name,
#define RECORD_ENUM_PERSON(name, ...) PERSON_F_##name,
#define RECORD_ENUM_LOAN(name, ...) LOAN_F_##name,
enum { ASSET_FIELDS(RECORD_ENUM_ASSET) ASSET_N_FIELDS };
enum { MEDIUM_FIELDS(RECORD_ENUM_MEDIUM) MEDIUM_N_FIELDS };
enum { PERSON_FIELDS(RECORD_ENUM_PERSON) PERSON_N_FIELDS };
enum { LOAN_FIELDS(RECORD_ENUM_LOAN) LOAN_N_FIELDS };

/* The tables (db/asset.c, db/loans.c). */
extern const struct record_type asset_type, medium_type, person_type, loan_type;

/* Whether field i of rec has a value; mark it so. */
static inline bool record_has(const void *rec, size_t i) { return (*(const uint64_t *) rec >> i) & 1; }
static inline void record_mark(void *rec, size_t i) { *(uint64_t *) rec |= (uint64_t) 1 << i; }
/* The address of field f's member in rec. */
static inline void *record_member(void *rec, const struct record_field *f) { return (char *) rec + f->offset; }
static inline const void *record_member_const(const void *rec, const struct record_field *f) {
        return (const char *) rec + f->offset;
}
/* Free an owned record's texts and zero it (borrowed: only zero). */
void record_clear(const struct record_type *t, void *rec);

/* The role tokens of the lists as enum field_role flags. */
#define RECORD_ROLE_key FR_KEY
#define RECORD_ROLE_col (FR_INSERT | FR_UPDATE)
#define RECORD_ROLE_req (FR_INSERT | FR_UPDATE | FR_REQUIRED)
#define RECORD_ROLE_once FR_INSERT
#define RECORD_ROLE_reqonce (FR_INSERT | FR_REQUIRED)
#define RECORD_ROLE_touch (FR_INSERT | FR_UPDATE | FR_TOUCH)
#define RECORD_ROLE_joined 0
/* One struct record_field entry of struct `stype` from a list entry. */
#define RECORD_FIELD(stype, name, type, role, max, check, dflt, aliases) \
        {#name, FT_##type, RECORD_ROLE_##role, max, FC_##check, dflt, aliases, offsetof(struct stype, name)},

/* Cleanup helpers for _cleanup_(asset_clear) and the like. */
static inline void asset_clear(struct asset *a) { record_clear(&asset_type, a); }
static inline void medium_clear(struct medium *m) { record_clear(&medium_type, m); }
static inline void person_clear(struct person *p) { record_clear(&person_type, p); }
static inline void loan_clear(struct loan *l) { record_clear(&loan_type, l); }
