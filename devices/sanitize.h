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
/* The short purge column: the strongest method's name, "frozen", or "none". */
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
