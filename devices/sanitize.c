/* The transports of sanitize.h: NVMe admin commands on the controller's
 * character device, ATA PASS-THROUGH(16) and REPORT SUPPORTED OPERATION
 * CODES over SG_IO. Only identify/report commands are sent, on an O_RDONLY
 * descriptor; the bytes go to the parsers in sanitize-parse.c. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "drive-io.h"
#include "sanitize.h"
#include "util.h"

#define SG_TIMEOUT_MS 15000
#define NVME_TIMEOUT_MS 15000

/* ---- NVMe ---- */

static int nvme_admin(int fd, uint8_t opcode, uint32_t nsid, uint32_t cdw10, void *buf, uint32_t len) {
        struct nvme_admin_cmd cmd = {
                .opcode = opcode,
                .nsid = nsid,
                .addr = (uint64_t) (uintptr_t) buf,
                .data_len = len,
                .cdw10 = cdw10,
                .timeout_ms = NVME_TIMEOUT_MS,
        };
        memset(buf, 0, len);
        int r = drive_nvme_admin(fd, &cmd);
        if (r < 0) return r;
        /* > 0: the controller's status field (SCT/SC) */
        return r > 0 ? -EPROTO : 0;
}

/* Finds the controller of a namespace block device ("nvme0n1") through
 * sysfs: its device link names the controller ("nvme0") or, under native
 * multipath, the subsystem, whose first controller is taken. */
static int nvme_controller_of(const char *blk, char **ret) {
        _cleanup_free_ char *link = xasprintf("/sys/class/block/%s/device", blk);
        char target[PATH_MAX];
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) return err_set(errno, "cannot find the controller of '%s': %s", blk, strerror(errno));
        target[n] = 0;
        const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
        if (strncmp(base, "nvme-subsys", 11) == 0) {
                /* the subsystem directory holds one entry per controller: nvme0, nvme1 */
                for (int i = 0; i < 256; i++) {
                        _cleanup_free_ char *p = xasprintf("/sys/class/nvme-subsystem/%s/nvme%d", base, i);
                        if (access(p, F_OK) == 0) {
                                *ret = xasprintf("/dev/nvme%d", i);
                                return 0;
                        }
                }
                return err_set(ENODEV, "cannot find the controller of '%s': no controller in %s", blk, base);
        }
        if (strncmp(base, "nvme", 4) != 0)
                return err_set(ENODEV, "cannot find the controller of '%s': device is '%s'", blk, base);
        *ret = xasprintf("/dev/%s", base);
        return 0;
}

static int nvme_probe(const char *ctrl, uint32_t nsid, struct sanitize_caps *c) {
        _cleanup_close_ int fd = open(ctrl, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", ctrl, strerror(errno));
        _cleanup_free_ uint8_t *buf = xmalloc(SANITIZE_NVME_ID_LEN);
        int r = nvme_admin(fd, 0x06, 0, 0x01, buf, SANITIZE_NVME_ID_LEN);
        if (r < 0) return err_set(-r, "identify controller on '%s': %s", ctrl, r == -EPROTO ? "command failed" : strerror(-r));
        r = sanitize_parse_nvme_id_ctrl(buf, SANITIZE_NVME_ID_LEN, c);
        if (r < 0) return err_prefix(r, "'%s'", ctrl);
        c->controller = xstrdup(ctrl);
        c->nsid = nsid;
        /* optional pages: a controller without them leaves the facts unknown */
        if (nvme_admin(fd, 0x06, 0, 0x02, buf, SANITIZE_NVME_ID_LEN) == 0)
                (void) sanitize_parse_nvme_ns_list(buf, SANITIZE_NVME_ID_LEN, c);
        /* Get Log Page 81h, NUMDL = dwords - 1 */
        uint32_t cdw10 = 0x81 | (uint32_t) (SANITIZE_NVME_LOG81_LEN / 4 - 1) << 16;
        if (c->sanicap & 7 && nvme_admin(fd, 0x02, 0xffffffff, cdw10, buf, SANITIZE_NVME_LOG81_LEN) == 0)
                (void) sanitize_parse_nvme_sanitize_log(buf, SANITIZE_NVME_LOG81_LEN, c);
        err_clear();
        return 0;
}

/* ---- SCSI generic (ATA PASS-THROUGH, REPORT SUPPORTED OPERATION CODES) ---- */

struct sg_reply {
        uint8_t sense[64];
        size_t sense_len;
        unsigned status, host, driver;
};

static int sg_cmd(int fd, const uint8_t *cdb, size_t cdb_len, void *buf, size_t len, struct sg_reply *rep) {
        sg_io_hdr_t io = {
                .interface_id = 'S',
                .dxfer_direction = len ? SG_DXFER_FROM_DEV : SG_DXFER_NONE,
                .cmd_len = (unsigned char) cdb_len,
                .mx_sb_len = sizeof rep->sense,
                .dxfer_len = (unsigned) len,
                .dxferp = buf,
                .cmdp = (unsigned char *) cdb,
                .sbp = rep->sense,
                .timeout = SG_TIMEOUT_MS,
        };
        memset(rep, 0, sizeof *rep);
        if (len) memset(buf, 0, len);
        int r = drive_sg_io(fd, &io);
        if (r < 0) return r;
        rep->sense_len = io.sb_len_wr;
        rep->status = io.status;
        rep->host = io.host_status;
        rep->driver = io.driver_status;
        if (io.host_status != 0) return -EIO;
        return 0;
}

/* ATA PASS-THROUGH(16), SAT-4 12.2.2: PIO data-in of one 512-byte block, or
 * non-data with CK_COND so the registers come back in the sense data. */
static int ata_pio_in(int fd, uint8_t command, uint8_t feature, uint8_t *buf) {
        uint8_t cdb[16] = { 0x85, 4 << 1, 0x0e, 0, feature, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, command, 0 };
        struct sg_reply rep;
        int r = sg_cmd(fd, cdb, sizeof cdb, buf, SANITIZE_ATA_ID_LEN, &rep);
        if (r < 0) return r;
        /* CHECK CONDITION: not a SAT device, or the drive aborted it */
        return rep.status == 0 ? 0 : -EIO;
}

static int ata_nondata_lba(int fd, uint8_t command, bool ext, uint64_t *ret_lba) {
        uint8_t cdb[16] = { 0x85, (3 << 1) | (ext ? 1 : 0), 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, command, 0 };
        struct sg_reply rep;
        int r = sg_cmd(fd, cdb, sizeof cdb, NULL, 0, &rep);
        if (r < 0) return r;
        return sanitize_parse_ata_return(rep.sense, rep.sense_len, ret_lba);
}

static int ata_probe(int fd, struct sanitize_caps *c) {
        _cleanup_free_ uint8_t *buf = xmalloc(SANITIZE_ATA_ID_LEN);
        int r = ata_pio_in(fd, 0xec, 0, buf); /* IDENTIFY DEVICE */
        if (r < 0) return r;
        r = sanitize_parse_ata_identify(buf, SANITIZE_ATA_ID_LEN, c);
        if (r < 0) return r;
        /* Asked even when word 82 does not claim HPA support: a drive that
         * answers it tells its native size anyway, one that does not aborts. */
        uint16_t w83 = (uint16_t) (buf[2 * 83] | buf[2 * 83 + 1] << 8);
        bool ext = (w83 & 0xc000) == 0x4000 && (w83 & 1u << 10);
        uint64_t lba;
        /* READ NATIVE MAX ADDRESS EXT (27h) or, without 48-bit addressing, F8h */
        if (ata_nondata_lba(fd, ext ? 0x27 : 0xf8, ext, &lba) == 0) {
                c->hpa.native_max_sectors = lba + 1;
                c->hpa.present = c->hpa.current_max_sectors &&
                                 c->hpa.native_max_sectors > c->hpa.current_max_sectors;
        }
        if (c->dco.supported && ata_pio_in(fd, 0xb1, 0xc2, buf) == 0) /* DEVICE CONFIGURATION IDENTIFY */
                (void) sanitize_parse_ata_dco(buf, SANITIZE_ATA_ID_LEN, c);
        err_clear();
        return 0;
}

/* REPORT SUPPORTED OPERATION CODES, reporting options 010b: SANITIZE (48h)
 * with each service action. A device that does not know the command
 * (CHECK CONDITION) offers none. */
static void scsi_probe(int fd, struct sanitize_caps *c) {
        static const struct { uint8_t sa; unsigned method; } sas[] = {
                { 0x01, SANITIZE_SCSI_SANITIZE_OVERWRITE },
                { 0x02, SANITIZE_SCSI_SANITIZE_BLOCK },
                { 0x03, SANITIZE_SCSI_SANITIZE_CRYPTO },
        };
        uint8_t buf[64];
        for (size_t i = 0; i < ELEMENTSOF(sas); i++) {
                uint8_t cdb[12] = { 0xa3, 0x0c, 0x02, 0x48, 0, sas[i].sa, 0, 0, 0, sizeof buf, 0, 0 };
                struct sg_reply rep;
                bool yes;
                if (sg_cmd(fd, cdb, sizeof cdb, buf, sizeof buf, &rep) < 0 || rep.status != 0) return;
                c->bus = SANITIZE_BUS_SCSI;
                if (sanitize_parse_scsi_rsoc(buf, sizeof buf, &yes) == 0 && yes) c->methods |= sas[i].method;
        }
        err_clear();
}

/* "nvme0n1" -> its namespace id, from sysfs; 0 if unknown. */
static uint32_t nvme_nsid(const char *blk) {
        _cleanup_free_ char *p = xasprintf("/sys/class/block/%s/nsid", blk);
        _cleanup_free_ char *s = NULL;
        size_t len;
        uint64_t v;
        if (read_file(p, 64, &s, &len) < 0) {
                err_clear();
                return 0;
        }
        s[strcspn(s, "\n")] = 0;
        return parse_uint64(s, &v) == 0 && v <= UINT32_MAX ? (uint32_t) v : 0;
}

static int probe_block(const char *path, const struct stat *st, struct sanitize_caps *c) {
        _cleanup_free_ char *link = xasprintf("/sys/dev/block/%u:%u", major(st->st_rdev), minor(st->st_rdev));
        char target[PATH_MAX];
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) return err_set(errno, "cannot find '%s' in sysfs: %s", path, strerror(errno));
        target[n] = 0;
        const char *name = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
        if (strncmp(name, "nvme", 4) == 0) {
                _cleanup_free_ char *ctrl = NULL;
                int r = nvme_controller_of(name, &ctrl);
                if (r < 0) return r;
                return nvme_probe(ctrl, nvme_nsid(name), c);
        }
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        int r = ata_probe(fd, c);
        if (r == -EPERM || r == -EACCES) return err_set(-r, "cannot ask '%s': %s (needs root)", path, strerror(-r));
        if (r < 0) scsi_probe(fd, c);
        err_clear();
        return 0;
}

int sanitize_caps_get(const char *path, struct sanitize_caps **ret) {
        struct stat st;
        if (stat(path, &st) < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        _cleanup_sanitize_caps_ struct sanitize_caps *c = xcalloc(1, sizeof *c);
        int r;
#if ASSETCTL_TEST_HOOKS
        int nvme = 0;
        r = drive_io_claims(path, &nvme);
        if (r < 0) return r; /* a scripted drive whose description is wrong */
        if (r > 0) {
                /* a scripted drive (tests): the path is its controller and
                 * its namespace 1, or an ATA drive */
                if (nvme) {
                        r = nvme_probe(path, 1, c);
                } else {
                        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
                        r = ata_probe(fd, c);
                }
                if (r < 0) return r;
                err_clear();
                *ret = TAKE_PTR(c);
                return 0;
        }
#endif
        if (S_ISCHR(st.st_mode)) {
                const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
                if (strncmp(base, "nvme", 4) == 0) {
                        r = nvme_probe(path, 0, c);
                } else {
                        /* an sg node */
                        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
                        r = ata_probe(fd, c);
                        if (r < 0) scsi_probe(fd, c);
                        r = 0;
                }
        } else if (S_ISBLK(st.st_mode)) {
                r = probe_block(path, &st, c);
        } else {
                return err_set(ENOTBLK, "cannot ask '%s': not a device", path);
        }
        if (r < 0) return r;
        err_clear();
        *ret = TAKE_PTR(c);
        return 0;
}
