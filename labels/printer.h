/* Printing labels on a Brother QL printer: the job flow over a pluggable
 * byte transport (libusb for real printers, a fake in unit tests), and USB
 * discovery. Nothing here prints to the terminal. */
#pragma once

#include "brother.h"
#include "label.h"

/* Moves bytes to and from a printer. write() sends all n bytes or fails
 * (-errno); read() returns the bytes read (0 when nothing came within
 * timeout_ms) or -errno. */
struct ql_transport {
        int (*write)(void *userdata, const uint8_t *buf, size_t n);
        int (*read)(void *userdata, uint8_t *buf, size_t n, int timeout_ms);
        void *userdata;
        int timeout_ms; /* how long to wait for any one status reply; 0: the defaults below */
};

/* How long to wait for a status reply, and for each label to be printed. */
#define QL_STATUS_TIMEOUT_MS 5000
#define QL_PRINT_TIMEOUT_MS 20000

/* Ask for the status (invalidate, initialise, ESC i S) and read the reply. */
int ql_get_status(struct ql_transport *t, const struct ql_model *m, struct ql_status *ret);

/* The label geometry for a medium: dots across the tape, dots along it,
 * and whether the label is turned 90 degrees (narrow tape: text runs
 * along the tape). */
struct ql_geometry {
        int across, along;  /* printable dots */
        bool rotated;       /* the label's reading width runs along the tape */
        double width_mm, height_mm; /* the label as read */
};
void ql_geometry_for(const struct ql_media *media, struct ql_geometry *ret);

/* Encode a whole job for n labels on this model and medium (one page per
 * label, cut after each where the model has a cutter) into out. Returns 0,
 * or the layout's error (the code or the text does not fit the medium). */
int ql_encode_job(const struct ql_model *m, const struct ql_media *media, const struct label_text *items, size_t n,
                  enum qr_ecc ecc, struct strbuf *out);

/* Print n labels: read the status and refuse on any error, or when no
 * medium or a medium other than want (NULL: any) is loaded, or the medium
 * needs a wider printer; send the job; then wait for the printer to report
 * each label printed. Returns 0 and the medium used in *ret_media, or
 * -errno with the reason. */
int ql_print(struct ql_transport *t, const struct ql_model *m, const struct ql_media *want, const struct label_text *items,
             size_t n, enum qr_ecc ecc, const struct ql_media **ret_media);

/* A Brother device found on USB. */
struct ql_device {
        uint8_t bus, address;
        uint16_t product_id;
        const struct ql_model *model; /* NULL if not a known QL printer */
        char serial[64];              /* "" if it could not be read */
        bool editor_lite;             /* showing up as a USB disk ("Editor Lite" mode) */
};

/* List the Brother printers (and Editor Lite disks) on USB. Returns the count
 * and a new array in *ret (free()). */
int ql_usb_list(struct ql_device **ret);

/* Open a printer for printing: the only QL printer when serial is NULL,
 * else the one with that serial. Refuses an Editor Lite device with the
 * way out. Returns 0 and a transport (close with ql_usb_close) and the
 * model. */
int ql_usb_open(const char *serial, struct ql_transport **ret, const struct ql_model **ret_model);
void ql_usb_close(struct ql_transport *t);
