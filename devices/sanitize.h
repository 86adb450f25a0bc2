/* What a drive's own firmware offers to purge it (issue 11, detection):
 * NVMe Sanitize and Format NVM, ATA SANITIZE and SECURITY ERASE UNIT, SCSI
 * SANITIZE; and whether an HPA or a DCO hides part of an ATA drive.
 * Facts only, from the drive itself (NVMe admin commands, ATA
 * PASS-THROUGH(16) over SG_IO, SCSI REPORT SUPPORTED OPERATION CODES):
 * nothing here writes to a drive, changes its state or runs a program.
 *
 * Each transport is split from a pure parser of the bytes the drive
 * returned; the parsers are public so the unit tests and the fuzz target
 * feed them byte buffers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The firmware methods, one bit each; names as `sanitize_method_name()`
 * gives them (frozen: the wipe command and the certificate use them). */
enum sanitize_method {
        SANITIZE_NVME_SANITIZE_CRYPTO    = 1u << 0,  /* "nvme-sanitize-crypto" */
        SANITIZE_NVME_SANITIZE_BLOCK     = 1u << 1,  /* "nvme-sanitize-block" */
        SANITIZE_NVME_SANITIZE_OVERWRITE = 1u << 2,  /* "nvme-sanitize-overwrite" */
        SANITIZE_NVME_FORMAT_CRYPTO      = 1u << 3,  /* "nvme-format-crypto" (Format NVM, SES=2) */
        SANITIZE_NVME_FORMAT_USER        = 1u << 4,  /* "nvme-format-user" (Format NVM, SES=1) */
        SANITIZE_ATA_SANITIZE_CRYPTO     = 1u << 5,  /* "ata-sanitize-crypto" (CRYPTO SCRAMBLE EXT) */
        SANITIZE_ATA_SANITIZE_BLOCK      = 1u << 6,  /* "ata-sanitize-block" (BLOCK ERASE EXT) */
        SANITIZE_ATA_SANITIZE_OVERWRITE  = 1u << 7,  /* "ata-sanitize-overwrite" (OVERWRITE EXT) */
        SANITIZE_ATA_SECURE_ERASE        = 1u << 8,  /* "ata-secure-erase" (SECURITY ERASE UNIT, normal) */
        SANITIZE_ATA_SECURE_ERASE_ENH    = 1u << 9,  /* "ata-secure-erase-enhanced" */
        SANITIZE_SCSI_SANITIZE_CRYPTO    = 1u << 10, /* "scsi-sanitize-crypto" (SANITIZE SA 03h) */
        SANITIZE_SCSI_SANITIZE_BLOCK     = 1u << 11, /* "scsi-sanitize-block" (SA 02h) */
        SANITIZE_SCSI_SANITIZE_OVERWRITE = 1u << 12, /* "scsi-sanitize-overwrite" (SA 01h) */
};
#define SANITIZE_METHOD_COUNT 13

/* "nvme-sanitize-crypto" for SANITIZE_NVME_SANITIZE_CRYPTO, ...; NULL for
 * anything that is not exactly one method bit. */
const char *sanitize_method_name(unsigned method);
/* The bit for a name; -EINVAL (message names it) for an unknown name. */
int sanitize_method_from_name(const char *name, unsigned *ret);
/* The index 0..SANITIZE_METHOD_COUNT-1 of a single method bit, else -1. */
int sanitize_method_index(unsigned method);

enum sanitize_bus {
        SANITIZE_BUS_NONE = 0, /* not asked yet, or nothing answered */
        SANITIZE_BUS_NVME,
        SANITIZE_BUS_ATA,      /* answered ATA PASS-THROUGH (libata, or a SAT bridge) */
        SANITIZE_BUS_SCSI,
};

/* NVMe Sanitize Status log (page 81h) as last read. */
struct sanitize_status {
        bool known;            /* the log page was read */
        unsigned state;        /* SSTAT bits 2:0: 0 never, 1 done, 2 in progress, 3 failed, 4 done (no-deallocate) */
        unsigned passes;       /* SSTAT bits 7:3: overwrite passes completed */
        bool global_erased;    /* SSTAT bit 8: nothing written since the last sanitize or since manufacture */
        unsigned progress;     /* SPROG: fraction done of the current sanitize, in 65536ths */
        uint32_t last_cdw10;   /* SCDW10 of the last sanitize command */
};

struct sanitize_caps {
        enum sanitize_bus bus;
        unsigned methods;      /* enum sanitize_method bits the drive says it supports */
        /* The drive refuses its purge commands until it is power-cycled:
         * ATA security frozen (SECURITY ERASE UNIT is refused). The methods
         * stay listed: they exist, the drive just will not run them now. */
        bool frozen;
        /* The drive's own time estimate per method (index by
         * sanitize_method_index()), seconds; 0 where it gives none. */
        uint32_t estimate_seconds[SANITIZE_METHOD_COUNT];

        /* NVMe only */
        char *controller;      /* "/dev/nvme0", the character device asked */
        uint32_t nsid;         /* the namespace the path named; 0 for a controller */
        uint32_t namespaces;   /* active namespaces on the controller; 0 unknown */
        uint32_t max_namespaces; /* NN: namespaces the controller can have */
        uint32_t sanicap;      /* Identify Controller SANICAP, raw */
        uint8_t fna;           /* Identify Controller FNA, raw */
        uint16_t oacs;         /* Identify Controller OACS, raw */
        bool format_all_namespaces; /* FNA bit 0: a format erases every namespace */
        bool erase_all_namespaces;  /* FNA bit 1: a secure-erase format erases every namespace */
        bool no_deallocate_inhibited; /* SANICAP NDI: No-Deallocate After Sanitize is refused */
        struct sanitize_status status;

        /* ATA only: the security feature set (IDENTIFY word 128) */
        struct {
                bool supported, enabled, locked, frozen, count_expired, enhanced;
        } security;
        bool ata_sanitize;     /* IDENTIFY word 59 bit 12: the sanitize feature set */

        /* Host protected area (ATA): native max from READ NATIVE MAX ADDRESS
         * (EXT), current from IDENTIFY; 0 where unknown. */
        struct {
                bool supported, present;
                uint64_t native_max_sectors, current_max_sectors;
        } hpa;
        /* Device configuration overlay (ATA): factory max from DEVICE
         * CONFIGURATION IDENTIFY; present when it is above the native max. */
        struct {
                bool supported, present;
                uint64_t factory_max_sectors;
        } dco;
};

void sanitize_caps_free(struct sanitize_caps *c);
static inline void sanitize_caps_freep(struct sanitize_caps **c) { if (*c) sanitize_caps_free(*c); }
#define _cleanup_sanitize_caps_ __attribute__((cleanup(sanitize_caps_freep)))

/* Asks the drive at `path` (/dev/nvme0, /dev/nvme0n1, /dev/sda, /dev/sg1;
 * symlinks followed) what it offers. Read-only: opens the device O_RDONLY
 * and sends only identify/report commands. A drive that answers none of
 * the three command sets is not an error: bus is SANITIZE_BUS_NONE and
 * methods 0. Needs root (CAP_SYS_ADMIN / CAP_SYS_RAWIO): -EPERM/-EACCES
 * with the reason otherwise; -ENOENT, -ENODEV as open(2) says. */
int sanitize_caps_get(const char *path, struct sanitize_caps **ret);

/* Sets obj["sanitize"], obj["hpa"] and obj["dco"] as `devices --json`
 * shows them:
 *   "sanitize": {"methods": ["nvme-format-user", ...], "frozen": false,
 *                "estimates": {"NAME": SECONDS, ...}, "namespaces": N|null,
 *                "bus": "nvme"|"ata"|"scsi"|null, ...bus-specific facts}
 *   "hpa": {"supported": B, "present": B, "native_max_sectors": N|null, "current_max_sectors": N|null}
 *   "dco": {"supported": B, "present": B, "factory_max_sectors": N|null} */
void sanitize_caps_to_json(const struct sanitize_caps *c, json_t *obj);
/* The method `wipe --method purge` runs: the first of the purge order
 * (sanitize-parse.c says why) that `offered` has, or 0. */
unsigned sanitize_purge_choice(unsigned offered);
/* The short purge column: sanitize_purge_choice()'s name, "frozen", or "none". */
const char *sanitize_caps_summary(const struct sanitize_caps *c);

/* ---- Parsers of the drive's replies (pure; also for tests and fuzzing) ----
 * Each returns 0 and fills its part of *caps, or -EBADMSG (message says
 * what is wrong) for a short or inconsistent reply, leaving *caps as it was. */

#define SANITIZE_NVME_ID_LEN 4096   /* Identify data */
#define SANITIZE_NVME_LOG81_LEN 512 /* Sanitize Status log page */
#define SANITIZE_ATA_ID_LEN 512     /* IDENTIFY DEVICE, DEVICE CONFIGURATION IDENTIFY */

/* NVMe Identify Controller (CNS 01h): OACS, SANICAP, NN, FNA -> methods. */
int sanitize_parse_nvme_id_ctrl(const uint8_t *buf, size_t n, struct sanitize_caps *caps);
/* NVMe active namespace list (CNS 02h): sets caps->namespaces. */
int sanitize_parse_nvme_ns_list(const uint8_t *buf, size_t n, struct sanitize_caps *caps);
/* NVMe Sanitize Status log (81h): caps->status and the estimates. */
int sanitize_parse_nvme_sanitize_log(const uint8_t *buf, size_t n, struct sanitize_caps *caps);
/* ATA IDENTIFY DEVICE: sanitize and security feature sets, erase times,
 * HPA/DCO support, current max. Checks the integrity word (255) when its
 * signature is there; refuses ATAPI and all-zero/all-one pages. */
int sanitize_parse_ata_identify(const uint8_t *buf, size_t n, struct sanitize_caps *caps);
/* ATA DEVICE CONFIGURATION IDENTIFY data: dco.factory_max_sectors and
 * dco.present (against hpa.native_max_sectors, so parse it after that). */
int sanitize_parse_ata_dco(const uint8_t *buf, size_t n, struct sanitize_caps *caps);
/* The LBA a non-data ATA command returned, from the sense data of an ATA
 * PASS-THROUGH with CK_COND (descriptor 09h, or fixed format with the LBA
 * in the information bytes). -EIO when the drive reported an error
 * (status ERR), -EBADMSG when no ATA return is there. */
int sanitize_parse_ata_return(const uint8_t *sense, size_t n, uint64_t *ret_lba);
/* SCSI REPORT SUPPORTED OPERATION CODES, one-command form (reporting
 * options 011b): *ret_supported is whether that command/service action is
 * supported (SUPPORT 011b or 101b). */
int sanitize_parse_scsi_rsoc(const uint8_t *buf, size_t n, bool *ret_supported);

/* ---- The firmware commands (sanitize-cmd.c; issue 11, the run path) ----
 * These WRITE: each destroys every byte of user data on the drive (or the
 * namespace). Every command goes through drive-io.h (drive_nvme_admin,
 * drive_sg_io), never ioctl(2). The caller (core's wipe session) has done
 * the identity, confirmation and safety checks; nothing here asks.
 *
 * Each command is described as JSON as it was sent, for the record:
 *   {"method": NAME, "command": "Format NVM"|"Sanitize"|"SANITIZE CRYPTO
 *    SCRAMBLE EXT"|..., "opcode": N, ...settings...}
 * NVMe: "nsid", "cdw10", "cdw11", "ses" or "sanact", "ause", "owpass",
 * "oipbp", "ndas", "pattern" (hex); ATA: "feature", "lba", "count",
 * "failure_mode", "owpass", "invert", "pattern"; SCSI: "cdb" (hex),
 * "service_action", "ause", "parameters" (hex). */

/* What the operator chose for a run. Zero is the default of each field. */
struct sanitize_settings {
        unsigned method;       /* one enum sanitize_method bit */
        bool ause;             /* NVMe/SCSI AUSE; ATA FAILURE MODE: a failed sanitize may be left without a new one */
        unsigned owpass;       /* overwrite passes 1..16 (0: 1) */
        uint32_t pattern;      /* overwrite pattern (NVMe/ATA 32 bits; SCSI 4 bytes, big-endian) */
        bool invert;           /* invert the pattern between passes (NVMe OIPBP, ATA INVERT, SCSI INVERT) */
        bool ndas;             /* NVMe: no deallocate after sanitize */
        unsigned timeout_s;    /* for the commands that block until done (Format NVM, SECURITY
                                * ERASE UNIT); 0: from the drive's estimate, else 4 hours */
};

/* The drive's state of a sanitize, as a poll sees it. */
enum sanitize_state {
        SANITIZE_STATE_IDLE = 0,      /* no sanitize running, none recorded (never sanitized) */
        SANITIZE_STATE_RUNNING,
        SANITIZE_STATE_DONE,
        SANITIZE_STATE_FAILED,        /* the drive says the last sanitize failed (failure mode) */
};
struct sanitize_poll {
        enum sanitize_state state;
        double fraction;              /* 0..1 of the current sanitize; < 0 unknown */
        bool frozen;                  /* ATA: the sanitize feature set is frozen */
        json_t *reported;             /* what the drive said, for the record (owned):
                                       * NVMe {"sstat": N, "sprog": N, "scdw10": N, "state": ..., "passes": N,
                                       * "global_erased": B}; ATA {"status": N, "error": N, "count": N,
                                       * "progress": N}; SCSI {"sense_key", "asc", "ascq", "progress"};
                                       * Format NVM and Security Erase {"completion", "status": 0} */
};
void sanitize_poll_done(struct sanitize_poll *p);

/* Which device a command goes to: the NVMe controller (caps->controller),
 * else `path` itself (ATA and SCSI over SG_IO on the block or sg node). */

/* Start the firmware command s->method on the drive `path` whose caps were
 * read just before (sanitize_caps_get). Background commands (NVMe
 * Sanitize, ATA SANITIZE, SCSI SANITIZE with IMMED) return once the drive
 * accepted them; poll with sanitize_poll_get(). Format NVM returns when
 * the format ended. ATA Security Erase runs its whole sequence here (see
 * sanitize_security_erase). *ret_cmd describes what was sent (also on
 * failure, when anything was sent: then *ret_cmd has "error"). Returns
 * 0, -EPROTO (the drive refused: message gives its status), -ENOTSUP (the
 * method is not the drive's), -EBUSY (frozen), or the ioctl's -errno. */
int sanitize_start(const char *path, const struct sanitize_caps *caps, const struct sanitize_settings *s, json_t **ret_cmd);

/* Ask the drive how its sanitize is going: NVMe Sanitize Status log (81h),
 * ATA SANITIZE STATUS EXT, SCSI REQUEST SENSE. For Format NVM and Security
 * Erase (synchronous) the state is DONE. */
int sanitize_poll_get(const char *path, const struct sanitize_caps *caps, unsigned method, struct sanitize_poll *ret);

/* Leave the failure mode of a failed sanitize (NVMe SANACT 001b; ATA
 * SANITIZE STATUS EXT with CLEAR SANITIZE OPERATION FAILED; SCSI SA 1Fh).
 * Only allowed by the drive when the failed sanitize had AUSE / failure
 * mode set: otherwise -EPROTO and only a new sanitize clears it. */
int sanitize_exit_failure(const char *path, const struct sanitize_caps *caps, unsigned method);

/* ATA Security Erase: SECURITY SET PASSWORD (user, high, the temporary
 * `password`), SECURITY ERASE PREPARE, SECURITY ERASE UNIT (normal or
 * enhanced); on any failure after the password was set, SECURITY DISABLE
 * PASSWORD with the same password (and UNLOCK first if the drive is
 * locked). *ret_steps lists each command and how it ended:
 *   [{"command": "SECURITY SET PASSWORD", "ok": true}, ...,
 *    {"command": "SECURITY DISABLE PASSWORD", "ok": true, "why": "..."}]
 * and the function's message says what state the drive was left in. The
 * erase itself clears the password on success (ACS-3). */
int sanitize_security_erase(int fd, bool enhanced, const char password[32], unsigned timeout_s, json_t *steps);

/* HPA: READ NATIVE MAX ADDRESS (EXT), then SET MAX ADDRESS (EXT) to it,
 * volatile (VV=0: the drive returns to its non-volatile max on power-up)
 * unless `keep`. *ret: {"native_max_sectors", "previous_max_sectors",
 * "volatile": B, "command": "SET MAX ADDRESS EXT"}. */
int sanitize_hpa_remove(const char *path, const struct sanitize_caps *caps, bool keep, json_t **ret);
/* DCO: DEVICE CONFIGURATION RESTORE (B1h/C0h). Permanent. */
int sanitize_dco_restore(const char *path, json_t **ret);
/* The size in bytes the kernel now gives the block device at `path`,
 * after asking a SCSI disk to read its capacity again (sysfs
 * device/rescan: an HPA removed or a DCO restored changes it; other
 * devices are only read; an image file gives its length). -errno with
 * the reason. */
int sanitize_visible_size(const char *path, uint64_t *ret_bytes);

/* ---- Builders (pure; unit-tested byte for byte) ---- */

/* Format NVM CDW10 keeping the namespace's format: LBAF bits 3:0 and
 * 13:12 and MSET from FLBAS (Identify Namespace byte 26), PI and PIL from
 * DPS (byte 29), SES in bits 11:9. */
uint32_t sanitize_nvme_format_cdw10(unsigned ses, uint8_t flbas, uint8_t dps);
/* Sanitize CDW10: SANACT 2:0, AUSE 3, OWPASS 7:4 (16 as 0), OIPBP 8, NDAS 9. */
uint32_t sanitize_nvme_sanitize_cdw10(unsigned sanact, bool ause, unsigned owpass, bool oipbp, bool ndas);
/* ATA PASS-THROUGH(16) (SAT-4 12.2.2). protocol 3 non-data (CK_COND set),
 * 4 PIO data-in, 5 PIO data-out (one 512-byte block); ext: 48-bit. */
void sanitize_ata_cdb(uint8_t cdb[16], unsigned protocol, bool ext, uint8_t command, uint16_t feature, uint16_t count,
                      uint64_t lba);
/* ATA SANITIZE (B4h) for a method: feature, LBA signature (and pattern),
 * count (FAILURE MODE bit 4, overwrite INVERT bit 7 and passes 3:0). */
int sanitize_ata_sanitize_cdb(const struct sanitize_settings *s, uint8_t cdb[16]);
/* SCSI SANITIZE (48h), 10 bytes, IMMED set; *ret_plen: parameter bytes
 * (overwrite: 8, in params), else 0. */
int sanitize_scsi_sanitize_cdb(const struct sanitize_settings *s, uint8_t cdb[10], uint8_t params[8], size_t *ret_plen);
/* The 512-byte data of SECURITY SET PASSWORD / ERASE UNIT / DISABLE
 * PASSWORD / UNLOCK: word 0 (user password; erase: bit 1 enhanced; set:
 * security level high), words 1-16 the password. */
void sanitize_ata_security_data(uint8_t buf[512], bool enhanced, const char password[32]);

/* The registers an ATA command returned (sense data of a PASS-THROUGH):
 * descriptor 09h or fixed format. -EBADMSG when none are there. */
struct sanitize_ata_regs {
        uint8_t error, status, device;
        uint16_t count;
        uint64_t lba;
        bool extended;  /* the 48-bit registers are there (descriptor EXTEND, fixed-format bit) */
};
int sanitize_parse_ata_regs(const uint8_t *sense, size_t n, struct sanitize_ata_regs *ret);
/* SANITIZE STATUS EXT's return into *ret (state, fraction, reported). */
int sanitize_parse_ata_sanitize_status(const struct sanitize_ata_regs *r, struct sanitize_poll *ret);
/* REQUEST SENSE data during/after a SCSI SANITIZE into *ret. */
int sanitize_parse_scsi_sanitize_sense(const uint8_t *sense, size_t n, struct sanitize_poll *ret);
/* Sanitize Status log (81h) into *ret. */
int sanitize_parse_nvme_sanitize_poll(const uint8_t *buf, size_t n, struct sanitize_poll *ret);

/* The active namespace ids of caps->controller (Identify CNS 02h), up to
 * `max`, ascending; *ret_n how many. For the check that a format or
 * sanitize erasing every namespace names each one. */
int sanitize_nvme_namespace_ids(const struct sanitize_caps *caps, uint32_t *ids, size_t max, size_t *ret_n);
