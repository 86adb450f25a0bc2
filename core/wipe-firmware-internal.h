/* The firmware path of the wipe session (issue 11): a drive's own
 * sanitize, format or security erase, run by core's wipe session with the
 * same identity, confirmation and safety checks as an overwrite, and
 * proved afterwards by markers planted before the command.
 *
 *   fw_session_new()    the method (one of the 13 names, or "purge") and
 *                       the firmware options
 *   fw_job_prepare()    per target, before confirmation: what the drive
 *                       offers, frozen, other namespaces, HPA/DCO, and a
 *                       wipe of this drive left with its command sent
 *                       (resumed: polled, never started anew)
 *   fw_job_record()     record the wipe as started (or take up the old one)
 *   fw_thread()         HPA/DCO, markers, the command, polling, validation,
 *                       the outcome
 *
 * Core-internal. */
#pragma once

#include "wipe-session-internal.h"

/* What a method does, as the certificate says it: "cryptographic erase",
 * "block erase" or "firmware overwrite". NULL for no method. */
const char *fw_technique(unsigned method);
/* Its NIST SP 800-88 category for the medium kind ("hdd", "ssd", "nvme",
 * "flash"): "purge" or "not classified" (see the README's standards
 * table for each source). */
const char *fw_nist_category(unsigned method, const char *kind);
/* The same by method name; NULL when the name is not a firmware method. */
const char *fw_technique_by_name(const char *name);
const char *fw_nist_category_by_name(const char *name, const char *kind);

int fw_session_new(struct wipe_session *s, const struct wipe_session_params *p);
int fw_job_prepare(struct wipe_session *s, struct job *j);
int fw_job_record(struct wipe_session *s, struct job *j);
void *fw_thread(void *arg);
void fw_job_free(struct fw_job *f);

/* ---- markers and validation (also unit-tested on image files) ---- */

/* Sector-sized records with a per-wipe nonce at sampled positions: first
 * and last sectors, an even spread and random positions; at least 1000 on
 * a medium over 1 GiB, else one per MiB (at least 2). */
struct fw_markers {
        uint8_t nonce[16];
        unsigned sector;
        size_t n;
        uint64_t *pos;           /* sector numbers, ascending */
        uint8_t (*hash)[32];     /* SHA-256 of each marker sector as written */
};
void fw_markers_done(struct fw_markers *m);
/* Choose the positions for a medium of `size` bytes. */
int fw_markers_plan(uint64_t size, unsigned sector, struct fw_markers *ret);
/* Write every marker (and fsync): wipe_id goes into each record. */
int fw_markers_write(int fd, unsigned align, int64_t wipe_id, struct fw_markers *m);
json_t *fw_markers_json(const struct fw_markers *m);
int fw_markers_from_json(json_t *j, struct fw_markers *ret);

/* What the medium must read as afterwards. */
enum fw_expect {
        FW_EXPECT_CONSTANT,            /* zeros, or one byte value throughout (block erase, user-data format) */
        FW_EXPECT_PATTERN,             /* the overwrite pattern (either byte order, or inverted) */
        FW_EXPECT_RANDOM_OR_CONSTANT,  /* crypto erase: indistinguishable from random, or deallocated (constant) */
        FW_EXPECT_ANY_UNIFORM,         /* enhanced security erase: a vendor pattern, constant or random */
};
enum fw_expect fw_expect_of(unsigned method);

/* Read the markers back (every sector with all) from `path` and judge it:
 * *ret is the validation record {"passed", "markers", "markers_survived",
 * "sectors_read", "unreadable_sectors", "reads_as", "chi_square",
 * "chi_square_pairs", "test", "why"}. Returns 0 when the read ran. */
int fw_validate(const char *path, const struct fw_markers *m, enum fw_expect e, uint32_t pattern, bool invert, bool all,
                json_t **ret);
