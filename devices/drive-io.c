/* drive-io.h: the pass-through ioctls, and in a test build the seam where
 * a scripted drive stands in for them. */
#include <errno.h>
#include <stddef.h>
#include <sys/ioctl.h>

#include "drive-io.h"

#if ASSETCTL_TEST_HOOKS
#include <stdbool.h>
#include <stdlib.h>

#include "scripted-drive.h"

static const struct drive_io_ops *ops;
static bool ops_set;

void drive_io_set_ops(const struct drive_io_ops *o) {
        ops = o;
        ops_set = true;
}

/* The installed stand-in; unless a test installed one itself, the
 * scripted drive when the environment names its description. */
static const struct drive_io_ops *current(void) {
        if (!ops_set) {
                const char *e = getenv(SCRIPTED_DRIVE_ENV);
                ops = e && *e ? scripted_drive_ops(e) : NULL;
                ops_set = true;
        }
        return ops;
}

int drive_io_claims(const char *path, int *ret_nvme) {
        const struct drive_io_ops *o = current();
        return o && o->claims ? o->claims(path, ret_nvme) : 0;
}

int drive_nvme_admin(int fd, struct nvme_admin_cmd *cmd) {
        const struct drive_io_ops *o = current();
        return o && o->nvme_admin ? o->nvme_admin(fd, cmd) : drive_nvme_admin_real(fd, cmd);
}

int drive_sg_io(int fd, sg_io_hdr_t *io) {
        const struct drive_io_ops *o = current();
        return o && o->sg_io ? o->sg_io(fd, io) : drive_sg_io_real(fd, io);
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
