/* The two pass-through ioctls every firmware command goes through: NVMe
 * admin commands and SCSI generic (SG_IO, which carries ATA PASS-THROUGH
 * and SCSI commands). Detection and the firmware commands call these, never
 * ioctl(2) directly, so that a test build can put a scripted drive in their
 * place (tests/, issue 11): a drive that plays an NVMe controller or an ATA
 * drive over an image file, for what no emulator offers. A release build
 * (-Dtests=false) has no such seam: the calls are the ioctls. */
#pragma once

#include <linux/nvme_ioctl.h>
#include <scsi/sg.h>

#include "config.h"

/* NVME_IOCTL_ADMIN_CMD on `fd`: 0 done, > 0 the controller's status field
 * (SCT/SC, as the kernel returns it), -errno when the ioctl failed. */
int drive_nvme_admin(int fd, struct nvme_admin_cmd *cmd);

/* SG_IO on `fd`: 0 when the command reached the device (io's status,
 * host_status, sense data say how it ended), -errno when the ioctl failed. */
int drive_sg_io(int fd, sg_io_hdr_t *io);

#if ASSETCTL_TEST_HOOKS
/* A stand-in for the ioctls, test builds only. `claims` says whether the
 * stand-in plays the drive at `path` (a loop device or an image file the
 * test made) and as which bus: 1 and *ret_nvme set, or 0 to leave the path
 * to the kernel. The other two are called for every descriptor; each
 * answers for the descriptors it opened through `path`, and passes the rest
 * on to the real ioctl (drive_nvme_admin_real, drive_sg_io_real). */
struct drive_io_ops {
        int (*claims)(const char *path, int *ret_nvme);
        int (*nvme_admin)(int fd, struct nvme_admin_cmd *cmd);
        int (*sg_io)(int fd, sg_io_hdr_t *io);
};
/* Installs `ops` (NULL: the kernel again). Not thread-safe: call before
 * any device is asked. */
void drive_io_set_ops(const struct drive_io_ops *ops);
int drive_nvme_admin_real(int fd, struct nvme_admin_cmd *cmd);
int drive_sg_io_real(int fd, sg_io_hdr_t *io);
/* What the installed stand-in says of `path` (0 when none is installed). */
int drive_io_claims(const char *path, int *ret_nvme);
#endif
