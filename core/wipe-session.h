/* A wipe session: the whole workflow of `assetctl wipe DEVICE...` and of
 * `assetctl wipe verify`, for a front end that only parses, prompts and
 * prints.
 *
 *   wipe_session_new()          method, passes and verification, the policy
 *   wipe_session_set_signer()   the key that signs the certificates (optional)
 *   wipe_session_add()          identify one target and check it may be written
 *   wipe_session_target()       what was found (to describe, to confirm)
 *   wipe_session_run()          confirm (callback), open O_EXCL, record, wipe
 *                               (a thread per target), certify or route to
 *                               destruction
 *   wipe_session_result()       how each target ended
 *   wipe_session_free()
 *
 * Everything the register needs is done here: the identity re-check before
 * each pass, matching the typed serial, each pass recorded as it begins and
 * ends, the disposal hand-off and the certificate. Nothing here prints.
 * Functions return 0 or -errno with the reason in err_msg(); -EINVAL is a
 * usage error (a bad option value), anything else a refusal or failure.
 *
 * This header includes nothing from db/, wipe/, devices/ or labels/. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util.h"

struct db;
struct signer;
struct wipe_session;

struct wipe_session_params {
        const char *method;    /* a method name (zero, nist-clear, gutmann, ...), or NULL with passes */
        const char *passes;    /* a custom pass list "00,ff,random", or NULL with method */
        const char *verify;    /* off|last|all|sample:P; NULL: the method's own */
        const char *asset;     /* the asset the (single) target belongs to, or NULL */
        bool certify;          /* false: --no-certificate */
        unsigned threads;      /* engine threads per target (0: automatic) */
        const volatile sig_atomic_t *stop; /* set (by a signal handler) to stop every wipe cleanly */
        /* Firmware methods (issue 11): method is one of the 13 names
         * (nvme-format-user, ata-sanitize-block, ...) or "purge". */
        bool remove_hpa;       /* restore the native max first (volatile where the drive allows), recorded */
        bool allow_hpa;        /* wipe the visible part only: outcome erased_with_exceptions */
        bool restore_dco;      /* DEVICE CONFIGURATION RESTORE first (permanent) */
        bool then_overwrite;   /* firmware, an overwrite pass (00), the firmware command again, then validation */
        const char *const *also_namespaces; /* NVMe: the other namespaces a format/sanitize erases, each named ("2", "/dev/nvme0n2") */
        size_t n_also_namespaces;
        unsigned timeout_s;    /* firmware: give up waiting for the drive after this (0: from its estimate, else 24 h) */
        const char *ow_pattern; /* firmware overwrite: the 32-bit pattern in hex (default 00000000) */
        unsigned ow_passes;    /* firmware overwrite: passes 1..16 (0: 1) */
};

/* Check the method, its verification and the policy (a method that
 * verifies in full by definition keeps it, -EINVAL; an unverified wipe is
 * never certified, -EPERM). db must outlive the session. */
int wipe_session_new(struct db *db, const struct wipe_session_params *p, struct wipe_session **ret);
void wipe_session_free(struct wipe_session *s);
static inline void wipe_session_freep(struct wipe_session **s) {
        if (*s) wipe_session_free(*s);
}
#define _cleanup_wipe_session_ _cleanup_(wipe_session_freep)

/* The key that signs the certificates of the wipes that end erased; the
 * session takes it over (and frees it). Without one, an erased wipe of an
 * authorised asset gets a note saying how to issue its certificate later. */
void wipe_session_set_signer(struct wipe_session *s, struct signer *signer);

/* The method as it will run: its name, the number of passes, the pass
 * names ("00,ff,random") and the verification ("last", "sample:10"). The
 * strings live as long as the session. */
struct wipe_session_plan {
        const char *method;
        size_t n_passes;
        const char *pass_list;
        const char *verify;
        bool firmware;             /* a drive's own sanitize (issue 11): pass_list "firmware", verify "markers" or "all" */
};
void wipe_session_plan(const struct wipe_session *s, struct wipe_session_plan *ret);

/* Add a target (a block device, which needs root, or an image file):
 * identify it, check it may be overwritten (nothing mounted, no system
 * use), and match it to the register (its medium and asset). -EEXIST when
 * the same target is named twice. Returns the target's index. */
int wipe_session_add(struct wipe_session *s, const char *arg);
size_t wipe_session_count(const struct wipe_session *s);

/* One target as identified. Strings live as long as the session; NULL
 * when the drive does not say. */
struct wipe_session_target {
        const char *path;          /* the /dev node, or the image file */
        bool block;                /* a block device (else an image file) */
        const char *vendor, *model, *kind, *serial, *backing_file;
        uint64_t size_bytes;
        unsigned logical_sector;
        json_t *asset;             /* the register's asset, or NULL (borrowed) */
        json_t *medium;            /* the registered medium: {id, serial, model, matched_by}, or NULL */
        const char *confirm;       /* what the operator types: the serial, else the path */
        bool confirm_serial;       /* confirm is the serial (compared without case) */
        const char *warning;       /* a warning for the operator before the wipe (flash storage), or NULL */
        const char *fw_method;     /* firmware: the method that will run (purge resolved), else NULL */
        bool fw_resume;            /* firmware: a wipe of this drive left with its command sent is resumed */
};
void wipe_session_target(const struct wipe_session *s, size_t i, struct wipe_session_target *ret);

/* A running pass, about every chunk. */
struct wipe_session_progress {
        unsigned pass, n_passes;
        bool verifying;
        uint64_t done, total;      /* bytes in this phase */
        double rate;               /* bytes per second */
        double eta;                /* seconds left for the whole wipe, < 0 unknown */
        /* A firmware command (issue 11): done/total are 65536ths of the
         * drive's progress; phase says which step ("planting markers",
         * "sanitizing", "validating"); stop_ignored is set once the
         * operator asked to stop during a command that cannot be stopped. */
        bool firmware;
        const char *phase;
        bool stop_ignored;
};
/* A pass that ended (recorded). */
struct wipe_session_pass {
        unsigned index, n_passes;
        const char *pattern;       /* "00", "random" */
        uint64_t bytes_written;
        const char *root_written;  /* hex, NULL when the pass did not write everything */
        bool verified;             /* read back (all of it or a sample) */
        uint64_t mismatch_bytes;
        const char *error;         /* why it stopped, or NULL */
        double seconds;
};

/* The front end's side of a run. Every callback but confirm is called from
 * the target's wipe thread (several at once); i is the target's index. */
struct wipe_session_callbacks {
        void *userdata;
        /* Before anything is opened, for each target in turn: the text the
         * operator typed (or gave with --serial, preset true) in *ret_typed
         * (freed by the session), or -errno with err_set() to stop. */
        int (*confirm)(void *userdata, size_t i, const struct wipe_session_target *t, char **ret_typed, bool *ret_preset);
        void (*progress)(void *userdata, size_t i, int64_t wipe_id, const struct wipe_session_progress *p);
        void (*pass)(void *userdata, size_t i, int64_t wipe_id, const struct wipe_session_pass *p);
        /* The target's wipe has ended and its outcome is recorded. */
        void (*ended)(void *userdata, size_t i);
};

/* Confirm every target, open them all exclusively (their size unchanged),
 * record each wipe as started, then wipe them in parallel and record how
 * each ended (certificate, destruction). Returns 0 when the wipes ran
 * (whatever their outcome: see wipe_session_result()), else -errno before
 * anything was written (a wipe recorded as started but not run then has
 * recorded true, ran false). */
int wipe_session_run(struct wipe_session *s, const struct wipe_session_callbacks *cb);

/* How one target ended. Strings live as long as the session. */
struct wipe_session_result {
        int64_t wipe_id;           /* 0 when not recorded */
        const char *path;
        const char *asset_tag;     /* NULL when not known */
        bool recorded, ran;
        bool erased;               /* the outcome is "erased" */
        const char *outcome;       /* "erased", "erased_with_exceptions", "failed", "interrupted" */
        const char *error;         /* why the wipe failed, or NULL */
        bool to_destruction;       /* its registered medium is marked for physical destruction */
        const char *record_error;  /* the outcome could not be stored: why, else NULL */
        const char *note;          /* the disposal's note: certificate issued, or why none, or NULL */
        bool note_warning;         /* the note is a warning */
};
void wipe_session_result(const struct wipe_session *s, size_t i, struct wipe_session_result *ret);

/* --- reading a device back: `assetctl wipe verify` --- */

/* True if pattern is one `wipe verify --pattern` takes: zero, one, or
 * constant hex bytes (00, ff, 924924). */
bool wipe_session_pattern_valid(const char *pattern);

struct wipe_session_check {
        const char *path;          /* the device or image file */
        const char *pattern;       /* zero|one|HEX, or NULL with wipe_id */
        int64_t wipe_id;           /* check against this wipe's last pass, or 0 */
        double sample_percent;     /* 100: read everything */
        const volatile sig_atomic_t *stop;
};
struct wipe_session_check_result {
        json_t *json;              /* the check as `wipe verify --json` prints it (owned) */
        bool matches;
        char *what;                /* "the pattern 00", "wipe 3's last pass (random)" (owned) */
        char *error;               /* the read could not go on, or NULL (owned) */
        uint64_t mismatch_bytes, unreadable_bytes;
        bool has_first;            /* first_offset is the first bad byte */
        uint64_t first_offset;
        bool read_complete;        /* everything was read: root is its root */
        char root[65];
        uint64_t chunks_verified, bytes_verified;
};
/* Read a device or image file back and compare it with a pattern or with
 * a stored wipe's last pass (its size, pattern or seed, chunk digests).
 * Block devices need root. Fills *ret when the read ran (check matches). */
int wipe_session_verify(struct db *db, const struct wipe_session_check *c, struct wipe_session_check_result *ret);
void wipe_session_check_result_done(struct wipe_session_check_result *r);

/* --- the records --- */

/* One wipe record with its passes ("passes": [...]) as JSON; -ENOENT. */
int wipe_get(struct db *db, int64_t id, json_t **ret);
/* Wipes, newest first (one asset's only when asset_tag is given). */
int wipe_list(struct db *db, const char *asset_tag, json_t **ret);
