/* The wipe session's own structures, shared by wipe-session.c (the
 * overwrite path) and wipe-firmware.c (the firmware path, issue 11). Not
 * for anything outside core/. */
#pragma once

#include "core-internal.h"
#include "wipe-session.h"
#include "wipe-record-internal.h"
#include "sanitize.h"

#include <pthread.h>
#include <sys/stat.h>

/* A firmware wipe of one target (wipe-firmware.c). */
struct fw_job {
        struct sanitize_caps *caps;     /* read when the target was added */
        unsigned method;                /* the one method bit it runs */
        int64_t resume_id;              /* a wipe left 'started' with its command sent: poll it, do not start anew */
        json_t *record;                 /* the firmware record as it grows (stored in wipe_firmware) */
        bool hpa_exception;             /* --allow-hpa with an HPA present: the outcome has exceptions */
};

/* One target. */
struct job {
        size_t index;
        char *path;                 /* what is opened: the /dev node, or the image file */
        bool block;
        struct blockdev *dev;       /* block devices: the identity confirmed */
        struct stat st;             /* image files: the identity confirmed */
        char *confirm;              /* what the operator types: the serial, else the path */
        char *warning;              /* said before the wipe, or NULL */
        json_t *identity;           /* recorded with the wipe */
        json_t *match;              /* {"medium": ..., "asset": ...} */
        struct wipe_target t;
        struct wipe_record rec;
        struct wipe_result res;
        bool recorded, ran;
        char *record_err;           /* the outcome could not be stored: why */
        pthread_t thread;
        struct wipe_session *s;
        struct fw_job fw;           /* firmware methods only */
};

struct wipe_session {
        struct db *db;
        struct wipe_method method;
        struct wipe_options opts;
        char *pass_list;            /* "00,ff,random" */
        char *verify_name;          /* "last", "sample:10" */
        const char *asset;
        bool certify;
        struct signer *signer;      /* owned, may be NULL */
        const struct wipe_session_callbacks *cb;
        struct job *jobs;
        size_t n_jobs;
        /* firmware methods (issue 11): the method asked (0 with purge) */
        bool firmware;
        bool purge;
        unsigned fw_method;
        struct wipe_session_params fw;  /* the firmware options as given (strings borrowed) */
        bool fw_verify_all;
        char *fw_plan_name;
};


/* err_set() "WHAT 'PATH': the reason already set" (or r's text). */
int fw_err_about(int r, const char *what, const char *path);
/* The session's pass callbacks (the overwrite pass of --then-overwrite). */
int wipe_session_pass_begin(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p);
int wipe_session_pass_end(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p);
int wipe_session_check_identity(void *ud, unsigned pass);
void wipe_session_on_progress(void *ud, const struct wipe_progress *p);
