/* Block-device facts from libudev, sysfs and /proc: identity and safety.
 * Used by `assetctl devices`, by the wipe command to identify and
 * safety-check a target, and by disposal. Nothing here shells out.
 * (API agreed before implementation: issue 5 implements it, issue 6 uses it.) */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct blockdev {
        char *name;          /* kernel name: "sda", "nvme0n1", "loop3" */
        char *devnode;       /* "/dev/sda" */
        char *by_id;         /* a /dev/disk/by-id path, or NULL */
        char *vendor;        /* may be NULL */
        char *model;         /* may be NULL */
        char *serial;        /* the drive's own serial where udev knows it, else NULL */
        char *bridge_serial; /* a USB bridge's serial when it differs from the drive's, else NULL */
        char *wwn;           /* may be NULL */
        char *bus;           /* "ata", "nvme", "usb", "scsi", "virtio", "mmc", "loop", ... */
        char *kind;          /* "hdd", "ssd", "nvme", "flash" (best guess) */
        char *backing_file;  /* loop devices: the backing file, else NULL */
        dev_t devnum;
        uint64_t size_bytes;
        unsigned logical_sector, physical_sector;
        bool rotational, removable, read_only, partition;
        bool is_swap;        /* the device or one of its partitions is active swap */
        /* backs the running system (/, /boot, /usr, /var, swap in use). Agreed
         * as `system`, but util/banned.h poisons that identifier (system(3)),
         * so no file could include this header: renamed by issue 5. */
        bool backs_system;
        char **mounts;       /* "PARTITION on MOUNTPOINT" strings for it and its partitions, NULL-ended */
        char **holders;      /* holders (dm, md, LVM) of it or its partitions, NULL-ended */
        /* Added by issue 5 (after the agreed fields): */
        char *parent;        /* partitions: the whole disk's kernel name ("sda"), else NULL */
        char *system_use;    /* when backs_system: why, e.g. "/ is on /dev/sda2", "active swap on /dev/sda3" */
        uint64_t diskseq;    /* the kernel's disk sequence number (Linux 5.15+): higher was added later; 0 unknown */
        uint64_t usec_initialized; /* when udev set it up (CLOCK_MONOTONIC, µs); 0 when udevd is not running */
        /* Added by issue 12: the storage under it (through device-mapper and
         * md slaves down to loop devices) in use through another device,
         * e.g. "/dev/loop5 covers bytes 0 to 1048575 of /tmp/img, as
         * /dev/loop3 does, and '/dev/loop3' is mounted at /mnt", else NULL. */
        char *stack_use;
};

void blockdev_free(struct blockdev *b);
static inline void blockdev_freep(struct blockdev **b) { if (*b) blockdev_free(*b); }
#define _cleanup_blockdev_ __attribute__((cleanup(blockdev_freep)))

/* Facts about one block device, by /dev path (symlinks such as by-id are
 * followed). -ENOTBLK if path is not a block device, -ENOENT if missing. */
int blockdev_get(const char *path, struct blockdev **ret);

/* All whole disks (with partitions too if `partitions`), sorted by name,
 * skipping loop devices with no backing file, virtual devices that are not
 * drives (dm, md, zram), optical drives, empty card readers (size 0) and
 * devices that vanish mid-scan. *ret is NULL when
 * none; free with blockdev_list_free(). */
int blockdev_list(bool partitions, struct blockdev ***ret, size_t *ret_n);
void blockdev_list_free(struct blockdev **list, size_t n);
/* The device with this number if blockdev_list(partitions) would list it;
 * -ENODEV (no message) when it is gone or is not a drive. */
int blockdev_get_listed(dev_t devnum, bool partitions, struct blockdev **ret);

/* Tests only: read these files instead of /proc/self/mountinfo and
 * /proc/swaps (NULL restores the default; the strings are not copied).
 * Under umockdev, which cannot fake /proc, $ASSETCTL_MOUNTINFO and
 * $ASSETCTL_SWAPS do the same for the command-line tests; they are ignored
 * unless $UMOCKDEV_DIR is set, so that a stray variable can never hide a
 * mount from the wipe's safety check. */
void blockdev_set_proc_paths(const char *mountinfo, const char *swaps);

/* 0 if it is safe to overwrite b, else -EBUSY/-EROFS/-EPERM with the reason
 * in err_msg(): mounted (names where), holds mounted partitions, active swap,
 * has holders, backs the running system, read-only. The messages name the
 * device and the reason, e.g. "'/dev/loop3' is mounted at /mnt/x",
 * "'/dev/sda' backs the running system (/ is on /dev/sda2)". The facts are
 * those of when b was read: re-read (blockdev_get) just before writing. */
int blockdev_check_writable(const struct blockdev *b);

/* 0 if the regular file at path may be overwritten as an image, else -EBUSY
 * with the reason: it backs a loop device (in use or not), is an active
 * swap file, or another process has it open for writing (read from
 * /proc/PID/fdinfo; processes this user cannot see are not seen). Read live,
 * so call it again just before each write. */
int blockdev_check_file_writable(const char *path);
