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
        bool system;         /* backs the running system (/, /boot, /usr, /var, swap in use) */
        char **mounts;       /* "PARTITION on MOUNTPOINT" strings for it and its partitions, NULL-ended */
        char **holders;      /* holders (dm, md, LVM) of it or its partitions, NULL-ended */
};

void blockdev_free(struct blockdev *b);
static inline void blockdev_freep(struct blockdev **b) { if (*b) blockdev_free(*b); }
#define _cleanup_blockdev_ __attribute__((cleanup(blockdev_freep)))

/* Facts about one block device, by /dev path (symlinks such as by-id are
 * followed). -ENOTBLK if path is not a block device, -ENOENT if missing. */
int blockdev_get(const char *path, struct blockdev **ret);

/* All whole disks (with partitions too if `partitions`), skipping loop
 * devices with no backing file and devices that vanish mid-scan. */
int blockdev_list(bool partitions, struct blockdev ***ret, size_t *ret_n);
void blockdev_list_free(struct blockdev **list, size_t n);

/* 0 if it is safe to overwrite b, else -EBUSY/-EROFS/-EPERM with the reason
 * in err_msg(): mounted (names where), holds mounted partitions, active swap,
 * has holders, backs the running system, read-only. */
int blockdev_check_writable(const struct blockdev *b);
