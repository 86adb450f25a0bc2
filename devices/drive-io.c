/* drive-io.h: the pass-through ioctls, and in a test build the seam where
 * a scripted drive stands in for them. */
#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "drive-io.h"

#if ASSETCTL_TEST_HOOKS
static const struct drive_io_ops *ops;

void drive_io_set_ops(const struct drive_io_ops *o) {
        ops = o;
}

int drive_io_claims(const char *path, int *ret_nvme) {
        return ops && ops->claims ? ops->claims(path, ret_nvme) : 0;
}

int drive_nvme_admin(int fd, struct nvme_admin_cmd *cmd) {
        return ops && ops->nvme_admin ? ops->nvme_admin(fd, cmd) : drive_nvme_admin_real(fd, cmd);
}

int drive_sg_io(int fd, sg_io_hdr_t *io) {
        return ops && ops->sg_io ? ops->sg_io(fd, io) : drive_sg_io_real(fd, io);
}
#else
#define drive_nvme_admin_real drive_nvme_admin
#define drive_sg_io_real drive_sg_io
#endif

int drive_nvme_admin_real(int fd, struct nvme_admin_cmd *cmd) {
        int r = ioctl(fd, NVME_IOCTL_ADMIN_CMD, cmd);
        return r < 0 ? -errno : r;
}

int drive_sg_io_real(int fd, sg_io_hdr_t *io) {
        return ioctl(fd, SG_IO, io) < 0 ? -errno : 0;
}
