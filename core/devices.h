/* The drives and USB devices this machine sees, matched to the register
 * (core/devices.c, core/device-watch.c). cmd/ reaches devices/ only through
 * here: drives are named by path and come back as JSON objects keyed like
 * `assetctl devices --json`. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

struct db;
struct blockdev; /* devices/: only core's own code holds one */

/* A size for people, in decimal units as drive labels use: "500 GB",
 * "67.1 MB", "512 B". Caller frees. */
char *size_human(uint64_t bytes);
/* The serial and model the register records for b (caller frees both;
 * either may be NULL when the drive does not say): the drive's own serial,
 * "VENDOR MODEL"; a loop device stands for its image file: serial
 * "file:PATH", model "disk image". */
void device_register_identity(const struct blockdev *b, char **ret_serial, char **ret_model);
/* b as a JSON object keyed like `assetctl devices --json` (no match). */
json_t *blockdev_json(const struct blockdev *b);
/* The registered medium (by serial, then WWN) or asset (by serial) that b
 * is: {asset_tag, medium_id, medium_serial, medium_model, medium_kind, matched_by}, or
 * *ret = NULL when none. */
int device_match(struct db *db, const struct blockdev *b, json_t **ret);
/* blockdev_json() plus "asset_tag" and "match" (null when none, or db NULL). */
int device_json(struct db *db, const struct blockdev *b, json_t **ret);
/* The drive at path (a device node, a /dev/disk/by-* link or a loop
 * device) as device_json() gives it. */
int device_json_path(struct db *db, const char *path, json_t **ret);
/* Every drive (and partition, if partitions) as device_json() objects. */
int devices_list(struct db *db, bool partitions, json_t **ret);
/* Fill the medium keys (model, serial, size_bytes, kind, wwn) that m lacks
 * from the drive at path; refuses partitions, empty readers, and drives that
 * do not report a serial or model unless m gives one. */
int media_from_device(const char *path, json_t *m);
/* media_from_device() then asset_add_media(); refuses a WWN already registered. */
int asset_add_media_from(struct db *db, const char *tag, const char *path, json_t *m, int64_t *ret_id);
/* The drive just plugged in: the one unregistered removable or USB whole
 * disk, or the newest of several when udev's arrival times set it clearly
 * (30 s) apart. Else -ENODEV/-EEXIST naming the candidates. *ret_why says
 * why it was chosen. Caller frees both. */
int device_pick_new(struct db *db, char **ret_path, char **ret_why);
/* USB devices as JSON objects (path, ids, names, serial, class) with the
 * registered asset or medium whose serial matches (asset_tag, matched_by);
 * unregistered_only: only those that match nothing, root hubs left out. */
int usb_list(struct db *db, bool unregistered_only, json_t **ret);

/* --- watching drives arrive and leave (core/device-watch.c) --- */

/* Where the events come from: udev's monitor (after udevd has named and
 * probed the drive) or the kernel's uevents (no udevd, as in a container);
 * auto picks udev when udevd runs. */
enum device_watch_source { DEVICE_WATCH_AUTO, DEVICE_WATCH_UDEV, DEVICE_WATCH_KERNEL };

/* A watch: until stop_fd is readable, `count` events (0: no limit) or
 * `timeout_s` seconds (0: none). */
struct device_watch {
        enum device_watch_source source;
        bool partitions; /* report partitions too */
        int64_t count;
        int64_t timeout_s;
        int stop_fd;     /* readable when the caller wants to stop (a signalfd), or -1 */
        /* Called once the watch is set up, with the source in use and its
         * name ("udev", "kernel"). */
        void (*started)(void *userdata, enum device_watch_source used, const char *name);
        /* Called for each drive arriving or leaving, as device_json(). */
        void (*event)(void *userdata, bool arrived, json_t *device);
        void *userdata;
};
/* Run a watch. Returns 0 when stopped, the count reached or the timeout
 * passed without a count; -ETIME (message saying how many of how many) when
 * the timeout passed first with a count; -errno on failure. */
int device_watch_run(struct db *db, const struct device_watch *w);
