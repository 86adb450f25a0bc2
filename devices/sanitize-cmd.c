/* The firmware commands of sanitize.h: NVMe Format NVM and Sanitize with
 * the Sanitize Status log; ATA SANITIZE, SECURITY ERASE, SET MAX ADDRESS
 * and DEVICE CONFIGURATION RESTORE through ATA PASS-THROUGH(16); SCSI
 * SANITIZE with REQUEST SENSE. Byte layouts: NVMe Base 2.0 (Format NVM
 * figure "Command Dword 10", Sanitize, log page 81h), ACS-3/ACS-4 (7.x
 * SANITIZE, SECURITY, SET MAX), SAT-4 12.2.2 (ATA PASS-THROUGH(16)) and
 * 12.2.2.6 (ATA status return descriptor), SBC-4 5.30 (SANITIZE).
 * Every command goes through drive-io.h. */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "drive-io.h"
#include "json.h"
#include "sanitize.h"
#include "util.h"

#define SHORT_TIMEOUT_MS 30000u
#define LONG_TIMEOUT_S (4u * 3600u)

/* ---- builders ---- */

uint32_t sanitize_nvme_format_cdw10(unsigned ses, uint8_t flbas, uint8_t dps) {
        uint32_t v = flbas & 0x0fu;               /* LBAF bits 3:0 */
        v |= (uint32_t) ((flbas >> 4) & 1u) << 4; /* MSET */
        v |= (uint32_t) (dps & 7u) << 5;          /* PI */
        v |= (uint32_t) ((dps >> 3) & 1u) << 8;   /* PIL */
        v |= (uint32_t) (ses & 7u) << 9;          /* SES */
        v |= (uint32_t) ((flbas >> 5) & 3u) << 12; /* LBAF bits 5:4 */
        return v;
}

uint32_t sanitize_nvme_sanitize_cdw10(unsigned sanact, bool ause, unsigned owpass, bool oipbp, bool ndas) {
        return (sanact & 7u) | (ause ? 1u << 3 : 0) | (uint32_t) ((owpass >= 16 ? 0 : owpass) & 0xfu) << 4 |
               (oipbp ? 1u << 8 : 0) | (ndas ? 1u << 9 : 0);
}

void sanitize_ata_cdb(uint8_t cdb[16], unsigned protocol, bool ext, uint8_t command, uint16_t feature, uint16_t count,
                      uint64_t lba) {
        memset(cdb, 0, 16);
        cdb[0] = 0x85;
        cdb[1] = (uint8_t) (protocol << 1 | (ext ? 1 : 0));
        /* non-data: CK_COND so the registers come back; data: BYTE_BLOCK,
         * T_LENGTH in COUNT, T_DIR from the device for data-in */
        cdb[2] = protocol == 3 ? 0x20 : protocol == 4 ? 0x0e : 0x06;
        cdb[3] = (uint8_t) (feature >> 8);
        cdb[4] = (uint8_t) feature;
        cdb[5] = (uint8_t) (count >> 8);
        cdb[6] = (uint8_t) count;
        cdb[7] = (uint8_t) (lba >> 24);
        cdb[8] = (uint8_t) lba;
        cdb[9] = (uint8_t) (lba >> 32);
        cdb[10] = (uint8_t) (lba >> 8);
        cdb[11] = (uint8_t) (lba >> 40);
        cdb[12] = (uint8_t) (lba >> 16);
        cdb[13] = ext ? 0x40 : (uint8_t) (0x40 | ((lba >> 24) & 0x0f));
        cdb[14] = command;
}

int sanitize_ata_sanitize_cdb(const struct sanitize_settings *s, uint8_t cdb[16]) {
        uint16_t count = s->ause ? 1u << 4 : 0; /* FAILURE MODE */
        uint16_t feature;
        uint64_t lba;
        switch (s->method) {
        case SANITIZE_ATA_SANITIZE_CRYPTO:
                feature = 0x0011, lba = 0x43727970; /* "Cryp" */
                break;
        case SANITIZE_ATA_SANITIZE_BLOCK:
                feature = 0x0012, lba = 0x426b4572; /* "BkEr" */
                break;
        case SANITIZE_ATA_SANITIZE_OVERWRITE:
                feature = 0x0014, lba = (uint64_t) 0x4f57 << 32 | s->pattern; /* "OW", the pattern */
                count |= (uint16_t) ((s->owpass == 0 ? 1 : s->owpass >= 16 ? 0 : s->owpass) & 0xf);
                if (s->invert) count |= 1u << 7;
                break;
        default:
                return err_set(EINVAL, "'%s' is not an ata sanitize method", strempty(sanitize_method_name(s->method)));
        }
        sanitize_ata_cdb(cdb, 3, true, 0xb4, feature, count, lba);
        return 0;
}

int sanitize_scsi_sanitize_cdb(const struct sanitize_settings *s, uint8_t cdb[10], uint8_t params[8], size_t *ret_plen) {
        uint8_t sa;
        size_t plen = 0;
        switch (s->method) {
        case SANITIZE_SCSI_SANITIZE_OVERWRITE:
                sa = 0x01;
                plen = 8;
                memset(params, 0, 8);
                params[0] = (uint8_t) ((s->invert ? 0x80 : 0) | ((s->owpass == 0 ? 1 : s->owpass > 31 ? 31 : s->owpass) & 0x1f));
                params[3] = 4; /* initialization pattern length */
                params[4] = (uint8_t) (s->pattern >> 24), params[5] = (uint8_t) (s->pattern >> 16);
                params[6] = (uint8_t) (s->pattern >> 8), params[7] = (uint8_t) s->pattern;
                break;
        case SANITIZE_SCSI_SANITIZE_BLOCK: sa = 0x02; break;
        case SANITIZE_SCSI_SANITIZE_CRYPTO: sa = 0x03; break;
        default:
                return err_set(EINVAL, "'%s' is not a scsi sanitize method", strempty(sanitize_method_name(s->method)));
        }
        memset(cdb, 0, 10);
        cdb[0] = 0x48;
        cdb[1] = (uint8_t) (0x80 | (s->ause ? 0x20 : 0) | sa); /* IMMED, AUSE, service action */
        cdb[7] = (uint8_t) (plen >> 8);
        cdb[8] = (uint8_t) plen;
        *ret_plen = plen;
        return 0;
}

void sanitize_ata_security_data(uint8_t buf[512], bool enhanced, const char password[32]) {
        memset(buf, 0, 512);
        /* word 0: bit 0 identifier (0 user), bit 1 enhanced erase (ERASE
         * UNIT), bit 8 security level (SET PASSWORD: 0 high) */
        buf[0] = enhanced ? 0x02 : 0x00;
        memcpy(buf + 2, password, 32);
}

/* ---- reply parsers ---- */

int sanitize_parse_ata_regs(const uint8_t *sense, size_t n, struct sanitize_ata_regs *ret) {
        if (n < 8) return err_set(EBADMSG, "ata return: %zu bytes of sense data", n);
        uint8_t code = sense[0] & 0x7f;
        if (code == 0x72 || code == 0x73) {
                size_t len = 8 + (size_t) sense[7];
                if (len > n) len = n;
                for (size_t p = 8; p + 2 <= len;) {
                        size_t dlen = 2 + (size_t) sense[p + 1];
                        if (p + dlen > len) break;
                        if (sense[p] == 0x09 && dlen >= 14) {
                                const uint8_t *d = sense + p;
                                struct sanitize_ata_regs r = {.error = d[3], .device = d[12], .status = d[13]};
                                r.count = d[5];
                                r.lba = (uint64_t) d[7] | (uint64_t) d[9] << 8 | (uint64_t) d[11] << 16;
                                r.extended = d[2] & 1;
                                if (r.extended) {
                                        r.count |= (uint16_t) (d[4] << 8);
                                        r.lba |= (uint64_t) d[6] << 24 | (uint64_t) d[8] << 32 | (uint64_t) d[10] << 40;
                                }
                                *ret = r;
                                return 0;
                        }
                        p += dlen;
                }
                return err_set(EBADMSG, "ata return: no ata status descriptor in the sense data");
        }
        if (code == 0x70 || code == 0x71) {
                if (n < 18) return err_set(EBADMSG, "ata return: %zu bytes of fixed sense data", n);
                /* SAT-4 12.2.2.8: error, status, device, count in the
                 * information field; LBA 23:0 in the command-specific one */
                struct sanitize_ata_regs r = {.error = sense[3], .status = sense[4], .device = sense[5], .count = sense[6],
                                              .extended = sense[8] & 0x20};
                r.lba = (uint64_t) sense[9] | (uint64_t) sense[10] << 8 | (uint64_t) sense[11] << 16;
                *ret = r;
                return 0;
        }
        return err_set(EBADMSG, "ata return: sense response code %02x", sense[0]);
}

void sanitize_poll_done(struct sanitize_poll *p) {
        json_decref(p->reported);
        p->reported = NULL;
}

/* ACS-3 7.36.9: SANITIZE STATUS EXT returns COUNT bit 15 completed
 * without error, bit 14 in progress, bit 13 frozen, bit 12 antifreeze
 * (bits 7:4 of COUNT 15:8, the "HOB" byte; bits 11:0 are reserved); LBA
 * 15:0 the progress in 65536ths; an error with ABRT and LBA 7:0 the
 * reason when the last sanitize failed. */
int sanitize_parse_ata_sanitize_status(const struct sanitize_ata_regs *r, struct sanitize_poll *ret) {
        struct sanitize_poll p = {.fraction = -1};
        unsigned flags = (r->count >> 8) & 0xff;
        p.frozen = flags & 0x20;
        if (r->status & 0x01) {
                p.state = SANITIZE_STATE_FAILED;
        } else if (flags & 0x40) {
                p.state = SANITIZE_STATE_RUNNING;
                p.fraction = (double) (r->lba & 0xffff) / 65536.0;
        } else if (flags & 0x80) {
                p.state = SANITIZE_STATE_DONE;
                p.fraction = 1;
        } else {
                p.state = SANITIZE_STATE_IDLE;
        }
        p.reported = json_pack("{sI,sI,sI,sI}", "status", (json_int_t) r->status, "error", (json_int_t) r->error, "count",
                               (json_int_t) r->count, "progress", (json_int_t) (r->lba & 0xffff));
        if (p.state == SANITIZE_STATE_FAILED) json_object_set_new(p.reported, "reason", json_integer((json_int_t) (r->lba & 0xff)));
        *ret = p;
        return 0;
}

/* SPC-4 sense data: NOT READY / 04h 1Bh "sanitize in progress" with the
 * progress indication in the sense-key specific bytes; 31h 03h "sanitize
 * command failed"; anything else without an error: done. */
int sanitize_parse_scsi_sanitize_sense(const uint8_t *sense, size_t n, struct sanitize_poll *ret) {
        if (n < 8) return err_set(EBADMSG, "request sense: %zu bytes", n);
        uint8_t code = sense[0] & 0x7f, key, asc, ascq;
        int progress = -1;
        if (code == 0x72 || code == 0x73) {
                key = sense[1] & 0x0f, asc = sense[2], ascq = sense[3];
                size_t len = 8 + (size_t) sense[7];
                if (len > n) len = n;
                for (size_t p = 8; p + 2 <= len;) {
                        size_t dlen = 2 + (size_t) sense[p + 1];
                        if (p + dlen > len) break;
                        if (sense[p] == 0x02 && dlen >= 8 && (sense[p + 4] & 0x80))
                                progress = sense[p + 5] << 8 | sense[p + 6];
                        p += dlen;
                }
        } else if (code == 0x70 || code == 0x71) {
                if (n < 18) return err_set(EBADMSG, "request sense: %zu bytes of fixed sense data", n);
                key = sense[2] & 0x0f, asc = sense[12], ascq = sense[13];
                if (sense[15] & 0x80) progress = sense[16] << 8 | sense[17];
        } else {
                return err_set(EBADMSG, "request sense: response code %02x", sense[0]);
        }
        struct sanitize_poll p = {.fraction = -1};
        if (key == 0x02 && asc == 0x04 && ascq == 0x1b) {
                p.state = SANITIZE_STATE_RUNNING;
                if (progress >= 0) p.fraction = progress / 65536.0;
        } else if (asc == 0x31 && ascq == 0x03) {
                p.state = SANITIZE_STATE_FAILED;
        } else if (key == 0x00 || key == 0x01 || key == 0x06) {
                p.state = SANITIZE_STATE_DONE;
                p.fraction = 1;
        } else {
                return err_set(EIO, "request sense: sense %x/%02x/%02x", key, asc, ascq);
        }
        p.reported = json_pack("{sI,sI,sI}", "sense_key", (json_int_t) key, "asc", (json_int_t) asc, "ascq", (json_int_t) ascq);
        if (progress >= 0) json_object_set_new(p.reported, "progress", json_integer(progress));
        *ret = p;
        return 0;
}

int sanitize_parse_nvme_sanitize_poll(const uint8_t *buf, size_t n, struct sanitize_poll *ret) {
        struct sanitize_caps c = {0};
        int r = sanitize_parse_nvme_sanitize_log(buf, n, &c);
        if (r < 0) return r;
        static const char *const names[] = {"never", "done", "in progress", "failed", "done (no deallocate)"};
        const struct sanitize_status *st = &c.status;
        struct sanitize_poll p = {.fraction = -1};
        switch (st->state) {
        case 0: p.state = SANITIZE_STATE_IDLE; break;
        case 1: case 4: p.state = SANITIZE_STATE_DONE, p.fraction = 1; break;
        case 2: p.state = SANITIZE_STATE_RUNNING, p.fraction = st->progress / 65536.0; break;
        case 3: p.state = SANITIZE_STATE_FAILED; break;
        default: return err_set(EBADMSG, "sanitize status log: reserved status %u", st->state);
        }
        uint16_t sstat = (uint16_t) (buf[2] | buf[3] << 8);
        p.reported = json_pack("{sI,sI,sI,ss,sI,sb}", "sstat", (json_int_t) sstat, "sprog", (json_int_t) st->progress, "scdw10",
                               (json_int_t) st->last_cdw10, "state", names[st->state], "passes", (json_int_t) st->passes,
                               "global_erased", st->global_erased);
        *ret = p;
        return 0;
}

/* ---- transport ---- */

/* NVMe admin command: 0, or -EPROTO with the status in the message. */
static int nvme_cmd(int fd, struct nvme_admin_cmd *cmd, const char *what) {
        int r = drive_nvme_admin(fd, cmd);
        if (r < 0) return err_set(-r, "%s: %s", what, strerror(-r));
        if (r > 0) return err_set(EPROTO, "%s: the controller refused it (status %#x)", what, (unsigned) r);
        return 0;
}

struct sg_rep {
        uint8_t sense[64];
        size_t sense_len;
        unsigned status;
};

static int sg_run(int fd, const uint8_t *cdb, size_t cdb_len, int dir, void *buf, size_t len, unsigned timeout_ms,
                  struct sg_rep *rep) {
        sg_io_hdr_t io = {
                .interface_id = 'S', .dxfer_direction = len ? dir : SG_DXFER_NONE, .cmd_len = (unsigned char) cdb_len,
                .mx_sb_len = sizeof rep->sense, .dxfer_len = (unsigned) len, .dxferp = buf, .cmdp = (unsigned char *) cdb,
                .sbp = rep->sense, .timeout = timeout_ms,
        };
        memset(rep, 0, sizeof *rep);
        int r = drive_sg_io(fd, &io);
        if (r < 0) return r;
        rep->sense_len = io.sb_len_wr;
        rep->status = io.status;
        if (io.host_status != 0) return -EIO;
        return 0;
}

/* An ATA command over PASS-THROUGH(16). Non-data commands return their
 * registers (CK_COND); the drive's ERR bit or a CHECK CONDITION without
 * registers is -EPROTO with the error register in the message. */
static int ata_cmd(int fd, const uint8_t cdb[16], void *buf, unsigned timeout_ms, const char *what,
                   struct sanitize_ata_regs *ret) {
        struct sg_rep rep;
        unsigned protocol = (cdb[1] >> 1) & 0xf;
        int dir = protocol == 4 ? SG_DXFER_FROM_DEV : SG_DXFER_TO_DEV;
        int r = sg_run(fd, cdb, 16, dir, buf, protocol == 3 ? 0 : 512, timeout_ms, &rep);
        if (r < 0) return err_set(-r, "%s: %s", what, strerror(-r));
        struct sanitize_ata_regs regs = {0};
        bool have = rep.sense_len && sanitize_parse_ata_regs(rep.sense, rep.sense_len, &regs) == 0;
        err_clear();
        if (have && (regs.status & 0x01))
                return err_set(EPROTO, "%s: the drive aborted it (error %#x, status %#x)", what, regs.error, regs.status);
        if (!have && rep.status != 0)
                return err_set(EPROTO, "%s: the drive refused it (scsi status %#x)", what, rep.status);
        if (protocol == 3 && !have) return err_set(EBADMSG, "%s: no ata registers came back", what);
        if (ret) *ret = regs;
        return 0;
}

static int open_dev(const char *path, int *ret) {
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        *ret = fd;
        return 0;
}

/* The device a method's commands go to. */
static const char *target_of(const char *path, const struct sanitize_caps *caps, unsigned method) {
        bool nvme = method & (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_SANITIZE_OVERWRITE |
                              SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_FORMAT_USER);
        return nvme && caps->controller ? caps->controller : path;
}

static unsigned long_timeout_ms(const struct sanitize_caps *caps, const struct sanitize_settings *s) {
        uint64_t t = s->timeout_s;
        if (!t) {
                int i = sanitize_method_index(s->method);
                uint32_t est = i >= 0 ? caps->estimate_seconds[i] : 0;
                t = est ? (uint64_t) est * 2 + 600 : LONG_TIMEOUT_S;
        }
        if (t > UINT32_MAX / 1000) t = UINT32_MAX / 1000;
        return (unsigned) t * 1000u;
}

static char *hex32(uint32_t v) { return xasprintf("%08" PRIx32, v); }

static int nvme_format(int fd, const struct sanitize_caps *caps, const struct sanitize_settings *s, json_t *cmd) {
        uint32_t nsid = caps->nsid ? caps->nsid : 0xffffffff;
        unsigned ses = s->method == SANITIZE_NVME_FORMAT_CRYPTO ? 2 : 1;
        /* keep the namespace's format: FLBAS and DPS from Identify Namespace */
        _cleanup_free_ uint8_t *id = xcalloc(1, SANITIZE_NVME_ID_LEN);
        struct nvme_admin_cmd idc = {.opcode = 0x06, .nsid = nsid == 0xffffffff ? 1 : nsid, .addr = (uint64_t) (uintptr_t) id,
                                     .data_len = SANITIZE_NVME_ID_LEN, .cdw10 = 0x00, .timeout_ms = SHORT_TIMEOUT_MS};
        int r = nvme_cmd(fd, &idc, "identify namespace");
        if (r < 0) return r;
        uint32_t cdw10 = sanitize_nvme_format_cdw10(ses, id[26], id[29]);
        json_object_set_new(cmd, "command", json_string("Format NVM"));
        json_object_set_new(cmd, "opcode", json_integer(0x80));
        json_object_set_new(cmd, "nsid", json_integer(nsid));
        json_object_set_new(cmd, "cdw10", json_integer(cdw10));
        json_object_set_new(cmd, "ses", json_integer(ses));
        json_object_set_new(cmd, "lbaf", json_integer((id[26] & 0x0f) | ((id[26] >> 5) & 3) << 4));
        struct nvme_admin_cmd c = {.opcode = 0x80, .nsid = nsid, .cdw10 = cdw10, .timeout_ms = long_timeout_ms(caps, s)};
        return nvme_cmd(fd, &c, "format nvm");
}

static int nvme_sanitize(int fd, const struct sanitize_settings *s, json_t *cmd) {
        unsigned sanact = s->method == SANITIZE_NVME_SANITIZE_BLOCK ? 2 : s->method == SANITIZE_NVME_SANITIZE_OVERWRITE ? 3 : 4;
        unsigned owpass = sanact == 3 ? (s->owpass ? s->owpass : 1) : 0;
        uint32_t cdw10 = sanitize_nvme_sanitize_cdw10(sanact, s->ause, owpass, sanact == 3 && s->invert, s->ndas);
        uint32_t cdw11 = sanact == 3 ? s->pattern : 0;
        json_object_set_new(cmd, "command", json_string("Sanitize"));
        json_object_set_new(cmd, "opcode", json_integer(0x84));
        json_object_set_new(cmd, "nsid", json_integer(0));
        json_object_set_new(cmd, "cdw10", json_integer(cdw10));
        json_object_set_new(cmd, "cdw11", json_integer(cdw11));
        json_object_set_new(cmd, "sanact", json_integer(sanact));
        json_object_set_new(cmd, "ause", json_boolean(s->ause));
        json_object_set_new(cmd, "ndas", json_boolean(s->ndas));
        if (sanact == 3) {
                _cleanup_free_ char *pat = hex32(s->pattern);
                json_object_set_new(cmd, "owpass", json_integer(owpass));
                json_object_set_new(cmd, "oipbp", json_boolean(s->invert));
                json_set_str(cmd, "pattern", pat);
        }
        struct nvme_admin_cmd c = {.opcode = 0x84, .nsid = 0, .cdw10 = cdw10, .cdw11 = cdw11, .timeout_ms = SHORT_TIMEOUT_MS};
        return nvme_cmd(fd, &c, "sanitize");
}

static int ata_sanitize(int fd, const struct sanitize_settings *s, json_t *cmd) {
        uint8_t cdb[16];
        int r = sanitize_ata_sanitize_cdb(s, cdb);
        if (r < 0) return r;
        static const char *const names[] = {"SANITIZE CRYPTO SCRAMBLE EXT", "SANITIZE BLOCK ERASE EXT", "SANITIZE OVERWRITE EXT"};
        unsigned i = s->method == SANITIZE_ATA_SANITIZE_CRYPTO ? 0 : s->method == SANITIZE_ATA_SANITIZE_BLOCK ? 1 : 2;
        uint16_t count = (uint16_t) (cdb[5] << 8 | cdb[6]);
        json_object_set_new(cmd, "command", json_string(names[i]));
        json_object_set_new(cmd, "opcode", json_integer(0xb4));
        json_object_set_new(cmd, "feature", json_integer(cdb[3] << 8 | cdb[4]));
        json_object_set_new(cmd, "count", json_integer(count));
        json_object_set_new(cmd, "failure_mode", json_boolean(s->ause));
        if (i == 2) {
                _cleanup_free_ char *pat = hex32(s->pattern);
                json_object_set_new(cmd, "owpass", json_integer(count & 0xf ? count & 0xf : 16));
                json_object_set_new(cmd, "invert", json_boolean(s->invert));
                json_set_str(cmd, "pattern", pat);
        }
        return ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, names[i], NULL);
}

static int scsi_sanitize(int fd, const struct sanitize_settings *s, json_t *cmd) {
        uint8_t cdb[10], params[8];
        size_t plen;
        int r = sanitize_scsi_sanitize_cdb(s, cdb, params, &plen);
        if (r < 0) return r;
        char hex[2 * 10 + 1], phex[2 * 8 + 1];
        hex_encode(cdb, 10, hex);
        json_object_set_new(cmd, "command", json_string("SANITIZE"));
        json_object_set_new(cmd, "opcode", json_integer(0x48));
        json_object_set_new(cmd, "service_action", json_integer(cdb[1] & 0x1f));
        json_object_set_new(cmd, "ause", json_boolean(s->ause));
        json_set_str(cmd, "cdb", hex);
        if (plen) {
                hex_encode(params, plen, phex);
                json_set_str(cmd, "parameters", phex);
        }
        struct sg_rep rep;
        r = sg_run(fd, cdb, 10, SG_DXFER_TO_DEV, plen ? params : NULL, plen, SHORT_TIMEOUT_MS, &rep);
        if (r < 0) return err_set(-r, "sanitize: %s", strerror(-r));
        if (rep.status != 0) {
                unsigned key = rep.sense_len > 2 ? ((rep.sense[0] & 0x7f) >= 0x72 ? rep.sense[1] : rep.sense[2]) & 0xf : 0;
                return err_set(EPROTO, "sanitize: the device refused it (scsi status %#x, sense key %#x)", rep.status, key);
        }
        return 0;
}

int sanitize_security_erase(int fd, bool enhanced, const char password[32], unsigned timeout_s, json_t *steps) {
        uint8_t buf[512], cdb[16];
        int r;
        /* the step's record, added as it ends */
#define STEP(name, rr) json_array_append_new(steps, json_pack("{ss,sb,ss?}", "command", name, "ok", (rr) >= 0, "error", \
                                                               (rr) < 0 ? err_msg() : NULL))
        sanitize_ata_security_data(buf, false, password);
        sanitize_ata_cdb(cdb, 5, false, 0xf1, 0, 1, 0);
        r = ata_cmd(fd, cdb, buf, SHORT_TIMEOUT_MS, "security set password", NULL);
        STEP("SECURITY SET PASSWORD", r);
        if (r < 0) {
                explicit_bzero(buf, sizeof buf);
                return r; /* no password was set: nothing to undo */
        }
        sanitize_ata_cdb(cdb, 3, false, 0xf3, 0, 0, 0);
        r = ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, "security erase prepare", NULL);
        STEP("SECURITY ERASE PREPARE", r);
        if (r >= 0) {
                sanitize_ata_security_data(buf, enhanced, password);
                sanitize_ata_cdb(cdb, 5, false, 0xf4, 0, 1, 0);
                r = ata_cmd(fd, cdb, buf, timeout_s * 1000u, enhanced ? "security erase unit (enhanced)" : "security erase unit", NULL);
                STEP(enhanced ? "SECURITY ERASE UNIT (enhanced)" : "SECURITY ERASE UNIT", r);
        }
        if (r >= 0) {
                explicit_bzero(buf, sizeof buf);
                return 0; /* a successful erase leaves security disabled */
        }
        /* the erase did not happen: take the temporary password off again,
         * unlocking first (a drive with a password set locks on reset) */
        _cleanup_free_ char *why = xstrdup(err_msg());
        int failed = r;
        sanitize_ata_security_data(buf, false, password);
        sanitize_ata_cdb(cdb, 5, false, 0xf2, 0, 1, 0);
        int u = ata_cmd(fd, cdb, buf, SHORT_TIMEOUT_MS, "security unlock", NULL);
        STEP("SECURITY UNLOCK", u);
        sanitize_ata_security_data(buf, false, password);
        sanitize_ata_cdb(cdb, 5, false, 0xf6, 0, 1, 0);
        int d = ata_cmd(fd, cdb, buf, SHORT_TIMEOUT_MS, "security disable password", NULL);
        STEP("SECURITY DISABLE PASSWORD", d);
        explicit_bzero(buf, sizeof buf);
#undef STEP
        if (d < 0) {
                _cleanup_free_ char *dwhy = xstrdup(err_msg());
                return err_set(-failed, "%s; the temporary password could NOT be disabled (%s): the drive may lock at its next "
                                        "power-up; its password is in the wipe record",
                               why, dwhy);
        }
        return err_set(-failed, "%s; the temporary password was disabled again, the drive is as it was", why);
}

int sanitize_start(const char *path, const struct sanitize_caps *caps, const struct sanitize_settings *s, json_t **ret_cmd) {
        const char *name = sanitize_method_name(s->method);
        if (!name) return err_set(EINVAL, "no firmware method given");
        if (!(caps->methods & s->method)) return err_set(ENOTSUP, "'%s' does not offer %s", path, name);
        if (caps->frozen && (s->method & (SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH)))
                return err_set(EBUSY, "'%s' is frozen", path);
        const char *dev = target_of(path, caps, s->method);
        _cleanup_close_ int fd = -1;
        int r = open_dev(dev, &fd);
        if (r < 0) return r;
        _cleanup_json_ json_t *cmd = json_pack("{ss,ss}", "method", name, "device", dev);
        switch (s->method) {
        case SANITIZE_NVME_FORMAT_USER:
        case SANITIZE_NVME_FORMAT_CRYPTO:
                r = nvme_format(fd, caps, s, cmd);
                break;
        case SANITIZE_NVME_SANITIZE_CRYPTO:
        case SANITIZE_NVME_SANITIZE_BLOCK:
        case SANITIZE_NVME_SANITIZE_OVERWRITE:
                r = nvme_sanitize(fd, s, cmd);
                break;
        case SANITIZE_ATA_SANITIZE_CRYPTO:
        case SANITIZE_ATA_SANITIZE_BLOCK:
        case SANITIZE_ATA_SANITIZE_OVERWRITE:
                r = ata_sanitize(fd, s, cmd);
                break;
        case SANITIZE_ATA_SECURE_ERASE:
        case SANITIZE_ATA_SECURE_ERASE_ENH: {
                bool enh = s->method == SANITIZE_ATA_SECURE_ERASE_ENH;
                char pw[32];
                uint8_t rnd[8];
                if (getrandom(rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd) return err_set(EIO, "cannot make a password: %s", strerror(errno));
                memset(pw, 0, sizeof pw);
                char hx[17];
                hex_encode(rnd, sizeof rnd, hx);
                memcpy(pw, "assetctl-", 9);
                memcpy(pw + 9, hx, 16);
                json_t *steps = json_array();
                json_object_set_new(cmd, "command", json_string(enh ? "SECURITY ERASE UNIT (enhanced)" : "SECURITY ERASE UNIT"));
                json_object_set_new(cmd, "opcode", json_integer(0xf4));
                json_object_set_new(cmd, "enhanced", json_boolean(enh));
                /* recorded so that an operator can unlock a drive a failure left locked */
                json_object_set_new(cmd, "temporary_password", json_stringn(pw, 25));
                json_object_set_new(cmd, "steps", steps);
                r = sanitize_security_erase(fd, enh, pw, long_timeout_ms(caps, s) / 1000u, steps);
                explicit_bzero(pw, sizeof pw);
                break;
        }
        default:
                r = scsi_sanitize(fd, s, cmd);
                break;
        }
        if (r < 0) {
                json_set_str(cmd, "error", err_msg());
                *ret_cmd = TAKE_PTR(cmd);
                return r;
        }
        *ret_cmd = TAKE_PTR(cmd);
        return 0;
}

int sanitize_poll_get(const char *path, const struct sanitize_caps *caps, unsigned method, struct sanitize_poll *ret) {
        const char *dev = target_of(path, caps, method);
        if (method & (SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_FORMAT_USER | SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH)) {
                /* these block until done: the drive's word is the command's own completion (status 0) */
                *ret = (struct sanitize_poll) {.state = SANITIZE_STATE_DONE, .fraction = 1,
                                               .reported = json_pack("{ss,si}", "completion", "the command completed", "status", 0)};
                return 0;
        }
        _cleanup_close_ int fd = -1;
        int r = open_dev(dev, &fd);
        if (r < 0) return r;
        if (method & (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_SANITIZE_OVERWRITE)) {
                uint8_t buf[SANITIZE_NVME_LOG81_LEN] = {0};
                struct nvme_admin_cmd c = {.opcode = 0x02, .nsid = 0xffffffff, .addr = (uint64_t) (uintptr_t) buf, .data_len = sizeof buf,
                                           .cdw10 = 0x81 | (uint32_t) (sizeof buf / 4 - 1) << 16, .timeout_ms = SHORT_TIMEOUT_MS};
                r = nvme_cmd(fd, &c, "get log page 81h (sanitize status)");
                if (r < 0) return r;
                return sanitize_parse_nvme_sanitize_poll(buf, sizeof buf, ret);
        }
        if (method & (SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_ATA_SANITIZE_OVERWRITE)) {
                uint8_t cdb[16];
                struct sanitize_ata_regs regs;
                sanitize_ata_cdb(cdb, 3, true, 0xb4, 0x0000, 0, 0);
                struct sg_rep rep;
                r = sg_run(fd, cdb, 16, SG_DXFER_NONE, NULL, 0, SHORT_TIMEOUT_MS, &rep);
                if (r < 0) return err_set(-r, "sanitize status ext: %s", strerror(-r));
                r = sanitize_parse_ata_regs(rep.sense, rep.sense_len, &regs);
                if (r < 0) return r;
                return sanitize_parse_ata_sanitize_status(&regs, ret);
        }
        uint8_t cdb[6] = {0x03, 0, 0, 0, 64, 0}, sense[64] = {0};
        struct sg_rep rep;
        r = sg_run(fd, cdb, 6, SG_DXFER_FROM_DEV, sense, sizeof sense, SHORT_TIMEOUT_MS, &rep);
        if (r < 0) return err_set(-r, "request sense: %s", strerror(-r));
        return sanitize_parse_scsi_sanitize_sense(sense, sizeof sense, ret);
}

int sanitize_exit_failure(const char *path, const struct sanitize_caps *caps, unsigned method) {
        const char *dev = target_of(path, caps, method);
        _cleanup_close_ int fd = -1;
        int r = open_dev(dev, &fd);
        if (r < 0) return r;
        if (method & (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_SANITIZE_OVERWRITE)) {
                struct nvme_admin_cmd c = {.opcode = 0x84, .cdw10 = sanitize_nvme_sanitize_cdw10(1, false, 0, false, false),
                                           .timeout_ms = SHORT_TIMEOUT_MS};
                return nvme_cmd(fd, &c, "sanitize (exit failure mode)");
        }
        if (method & (SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_ATA_SANITIZE_OVERWRITE)) {
                uint8_t cdb[16];
                sanitize_ata_cdb(cdb, 3, true, 0xb4, 0x0000, 1, 0); /* CLEAR SANITIZE OPERATION FAILED */
                return ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, "sanitize status ext (clear failure)", NULL);
        }
        if (method & (SANITIZE_SCSI_SANITIZE_CRYPTO | SANITIZE_SCSI_SANITIZE_BLOCK | SANITIZE_SCSI_SANITIZE_OVERWRITE)) {
                uint8_t cdb[10] = {0x48, 0x1f};
                struct sg_rep rep;
                r = sg_run(fd, cdb, 10, SG_DXFER_NONE, NULL, 0, SHORT_TIMEOUT_MS, &rep);
                if (r < 0) return err_set(-r, "sanitize (exit failure mode): %s", strerror(-r));
                return rep.status ? err_set(EPROTO, "sanitize (exit failure mode): the device refused it") : 0;
        }
        return err_set(EINVAL, "'%s' has no failure mode", strempty(sanitize_method_name(method)));
}

/* READ NATIVE MAX ADDRESS (EXT): the highest LBA. */
static int read_native_max(int fd, bool ext, uint64_t *ret) {
        uint8_t cdb[16];
        struct sanitize_ata_regs regs;
        sanitize_ata_cdb(cdb, 3, ext, ext ? 0x27 : 0xf8, 0, 0, 0);
        int r = ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, ext ? "read native max address ext" : "read native max address", &regs);
        if (r < 0) return r;
        *ret = ext ? regs.lba : (regs.lba & 0xffffff) | (uint64_t) (regs.device & 0x0f) << 24;
        return 0;
}

int sanitize_hpa_remove(const char *path, const struct sanitize_caps *caps, bool keep, json_t **ret) {
        _cleanup_close_ int fd = -1;
        int r = open_dev(path, &fd);
        if (r < 0) return r;
        /* 48-bit first; a drive without the 48-bit feature set aborts it */
        bool ext = true;
        uint64_t max;
        /* SET MAX must directly follow READ NATIVE MAX (ACS-3 7.51) */
        r = read_native_max(fd, ext, &max);
        if (r == -EPROTO) {
                ext = false;
                r = read_native_max(fd, ext, &max);
        }
        if (r < 0) return r;
        uint8_t cdb[16];
        sanitize_ata_cdb(cdb, 3, ext, ext ? 0x37 : 0xf9, 0, keep ? 1 : 0, max);
        r = ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, ext ? "set max address ext" : "set max address", NULL);
        if (r < 0) return r;
        *ret = json_pack("{ss,sI,sI,sb}", "command", ext ? "SET MAX ADDRESS EXT" : "SET MAX ADDRESS", "native_max_sectors",
                         (json_int_t) (max + 1), "previous_max_sectors", (json_int_t) caps->hpa.current_max_sectors, "volatile", !keep);
        return 0;
}

int sanitize_dco_restore(const char *path, json_t **ret) {
        _cleanup_close_ int fd = -1;
        int r = open_dev(path, &fd);
        if (r < 0) return r;
        uint8_t cdb[16];
        sanitize_ata_cdb(cdb, 3, false, 0xb1, 0xc0, 0, 0);
        r = ata_cmd(fd, cdb, NULL, SHORT_TIMEOUT_MS, "device configuration restore", NULL);
        if (r < 0) return r;
        *ret = json_pack("{ss,sI,sI}", "command", "DEVICE CONFIGURATION RESTORE", "opcode", (json_int_t) 0xb1, "feature",
                         (json_int_t) 0xc0);
        return 0;
}

int sanitize_nvme_namespace_ids(const struct sanitize_caps *caps, uint32_t *ids, size_t max, size_t *ret_n) {
        if (!caps->controller) return err_set(ENODEV, "not an nvme controller");
        _cleanup_close_ int fd = open(caps->controller, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", caps->controller, strerror(errno));
        _cleanup_free_ uint8_t *buf = xcalloc(1, SANITIZE_NVME_ID_LEN);
        struct nvme_admin_cmd c = {.opcode = 0x06, .addr = (uint64_t) (uintptr_t) buf, .data_len = SANITIZE_NVME_ID_LEN,
                                   .cdw10 = 0x02, .timeout_ms = SHORT_TIMEOUT_MS};
        int r = nvme_cmd(fd, &c, "identify active namespace list");
        if (r < 0) return r;
        struct sanitize_caps tmp = {0};
        r = sanitize_parse_nvme_ns_list(buf, SANITIZE_NVME_ID_LEN, &tmp);
        if (r < 0) return r;
        size_t n = 0;
        for (size_t i = 0; i < tmp.namespaces && n < max; i++)
                ids[n++] = (uint32_t) buf[4 * i] | (uint32_t) buf[4 * i + 1] << 8 | (uint32_t) buf[4 * i + 2] << 16 |
                           (uint32_t) buf[4 * i + 3] << 24;
        *ret_n = n;
        return 0;
}

int sanitize_visible_size(const char *path, uint64_t *ret_bytes) {
        struct stat st;
        if (stat(path, &st) < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        if (S_ISREG(st.st_mode)) { /* an image file (tests): its length */
                *ret_bytes = (uint64_t) st.st_size;
                return 0;
        }
        if (S_ISBLK(st.st_mode)) {
                /* best effort: only a SCSI disk (sd, libata's too) has it */
                _cleanup_free_ char *rescan = xasprintf("/sys/dev/block/%u:%u/device/rescan", major(st.st_rdev), minor(st.st_rdev));
                int fd = open(rescan, O_WRONLY | O_CLOEXEC);
                if (fd >= 0) {
                        (void) !write(fd, "1", 1);
                        close(fd);
                }
        }
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        uint64_t size;
        if (ioctl(fd, BLKGETSIZE64, &size) < 0) return err_set(errno, "cannot read the size of '%s': %s", path, strerror(errno));
        *ret_bytes = size;
        return 0;
}
