/* Pure parsers of what a drive returns to the detection commands
 * (sanitize.h): NVMe Identify and the Sanitize Status log, ATA IDENTIFY
 * DEVICE, DEVICE CONFIGURATION IDENTIFY and the ATA return in sense data,
 * SCSI REPORT SUPPORTED OPERATION CODES. No I/O; every length is checked
 * before a byte is read. The method names and the JSON live here too. */
#include <inttypes.h>

#include "sanitize.h"
#include "util.h"
#include "json.h"

static const char *const method_names[SANITIZE_METHOD_COUNT] = {
        "nvme-sanitize-crypto", "nvme-sanitize-block", "nvme-sanitize-overwrite",
        "nvme-format-crypto", "nvme-format-user",
        "ata-sanitize-crypto", "ata-sanitize-block", "ata-sanitize-overwrite",
        "ata-secure-erase", "ata-secure-erase-enhanced",
        "scsi-sanitize-crypto", "scsi-sanitize-block", "scsi-sanitize-overwrite",
};

int sanitize_method_index(unsigned method) {
        if (method == 0 || (method & (method - 1)) != 0) return -1;
        int i = __builtin_ctz(method);
        return i < SANITIZE_METHOD_COUNT ? i : -1;
}

const char *sanitize_method_name(unsigned method) {
        int i = sanitize_method_index(method);
        return i < 0 ? NULL : method_names[i];
}

int sanitize_method_from_name(const char *name, unsigned *ret) {
        for (int i = 0; i < SANITIZE_METHOD_COUNT; i++)
                if (streq(name, method_names[i])) {
                        *ret = 1u << i;
                        return 0;
                }
        return err_set(EINVAL, "unknown firmware method '%s'", name);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t) le16(p) | (uint32_t) le16(p + 2) << 16; }
static uint16_t be16(const uint8_t *p) { return (uint16_t) (p[0] << 8 | p[1]); }

static void set_estimate(struct sanitize_caps *c, unsigned method, uint32_t seconds) {
        c->estimate_seconds[sanitize_method_index(method)] = seconds;
}

/* Identify Controller, NVMe 1.4 figure 247: OACS at 256, SANICAP at 328,
 * NN at 516, FNA at 524. */
int sanitize_parse_nvme_id_ctrl(const uint8_t *buf, size_t n, struct sanitize_caps *caps) {
        if (n < SANITIZE_NVME_ID_LEN)
                return err_set(EBADMSG, "identify controller: %zu bytes, wanted %d", n, SANITIZE_NVME_ID_LEN);
        /* a controller always has a PCI vendor id; all zeros is no reply */
        if (le16(buf) == 0 && le16(buf + 2) == 0 && buf[4] == 0)
                return err_set(EBADMSG, "identify controller: empty reply");
        uint16_t oacs = le16(buf + 256);
        uint32_t sanicap = le32(buf + 328);
        uint32_t nn = le32(buf + 516);
        uint8_t fna = buf[524];
        unsigned m = caps->methods & ~(SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK |
                                       SANITIZE_NVME_SANITIZE_OVERWRITE | SANITIZE_NVME_FORMAT_CRYPTO |
                                       SANITIZE_NVME_FORMAT_USER);
        if (sanicap & 1u << 0) m |= SANITIZE_NVME_SANITIZE_CRYPTO;
        if (sanicap & 1u << 1) m |= SANITIZE_NVME_SANITIZE_BLOCK;
        if (sanicap & 1u << 2) m |= SANITIZE_NVME_SANITIZE_OVERWRITE;
        if (oacs & 1u << 1) {
                m |= SANITIZE_NVME_FORMAT_USER;
                if (fna & 1u << 2) m |= SANITIZE_NVME_FORMAT_CRYPTO;
        }
        caps->bus = SANITIZE_BUS_NVME;
        caps->methods = m;
        caps->oacs = oacs;
        caps->sanicap = sanicap;
        caps->fna = fna;
        caps->max_namespaces = nn;
        caps->format_all_namespaces = fna & 1u << 0;
        caps->erase_all_namespaces = fna & 1u << 1;
        caps->no_deallocate_inhibited = sanicap & 1u << 29;
        return 0;
}

/* Active Namespace ID list: up to 1024 ascending NSIDs, ended by a zero. */
int sanitize_parse_nvme_ns_list(const uint8_t *buf, size_t n, struct sanitize_caps *caps) {
        if (n < SANITIZE_NVME_ID_LEN)
                return err_set(EBADMSG, "namespace list: %zu bytes, wanted %d", n, SANITIZE_NVME_ID_LEN);
        uint32_t count = 0, prev = 0;
        for (size_t i = 0; i < SANITIZE_NVME_ID_LEN / 4; i++) {
                uint32_t id = le32(buf + 4 * i);
                if (id == 0) break;
                if (id <= prev || id == UINT32_MAX)
                        return err_set(EBADMSG, "namespace list: id %" PRIu32 " after %" PRIu32, id, prev);
                prev = id;
                count++;
        }
        caps->namespaces = count;
        return 0;
}

/* Sanitize Status log, NVMe 1.4 figure 228: SPROG, SSTAT, SCDW10, then
 * the estimated times (seconds; FFFFFFFFh: no estimate) for overwrite,
 * block erase and crypto erase. */
int sanitize_parse_nvme_sanitize_log(const uint8_t *buf, size_t n, struct sanitize_caps *caps) {
        if (n < 32) return err_set(EBADMSG, "sanitize status log: %zu bytes, wanted 32", n);
        uint16_t sstat = le16(buf + 2);
        if ((sstat & 7) > 4) return err_set(EBADMSG, "sanitize status log: reserved state %u", sstat & 7);
        uint32_t eto = le32(buf + 8), etbe = le32(buf + 12), etce = le32(buf + 16);
        caps->status = (struct sanitize_status) {
                .known = true,
                .progress = le16(buf),
                .state = sstat & 7,
                .passes = (sstat >> 3) & 0x1f,
                .global_erased = sstat & 1u << 8,
                .last_cdw10 = le32(buf + 4),
        };
        set_estimate(caps, SANITIZE_NVME_SANITIZE_OVERWRITE, eto == UINT32_MAX ? 0 : eto);
        set_estimate(caps, SANITIZE_NVME_SANITIZE_BLOCK, etbe == UINT32_MAX ? 0 : etbe);
        set_estimate(caps, SANITIZE_NVME_SANITIZE_CRYPTO, etce == UINT32_MAX ? 0 : etce);
        return 0;
}

/* ATA words 89/90 (ACS-3 7.12.7.41): erase time in 2-minute units; bit 15
 * selects the extended 15-bit form. 0: not reported. */
static uint32_t ata_erase_seconds(uint16_t w) {
        uint32_t v = (w & 0x8000) ? (w & 0x7fffu) : (w & 0xffu);
        return v * 2 * 60;
}

/* The integrity word (255): when its low byte is A5h, the sum of all 512
 * bytes is zero modulo 256. */
static int ata_check_integrity(const uint8_t *buf, const char *what) {
        if (buf[510] != 0xa5) return 0;
        uint8_t sum = 0;
        for (size_t i = 0; i < 512; i++) sum = (uint8_t) (sum + buf[i]);
        if (sum != 0) return err_set(EBADMSG, "%s: checksum mismatch (sum %02x)", what, sum);
        return 0;
}

/* Words 82-84 are valid when word 83 bits 15:14 are 01b, 85-87 when word 87's are. */
static bool ata_word_valid(uint16_t w) { return (w & 0xc000) == 0x4000; }

static void ata_identify_methods(const uint8_t *buf, struct sanitize_caps *c) {
        uint16_t w59 = le16(buf + 2 * 59), w128 = le16(buf + 2 * 128);
        c->ata_sanitize = w59 & 1u << 12;
        if (c->ata_sanitize) {
                if (w59 & 1u << 13) c->methods |= SANITIZE_ATA_SANITIZE_CRYPTO;
                if (w59 & 1u << 14) c->methods |= SANITIZE_ATA_SANITIZE_OVERWRITE;
                if (w59 & 1u << 15) c->methods |= SANITIZE_ATA_SANITIZE_BLOCK;
        }
        /* word 128 of a drive without the feature set can hold anything */
        c->security.supported = w128 & 1u << 0;
        if (!c->security.supported || w128 == 0xffff) {
                c->security.supported = false;
                return;
        }
        c->security.enabled = w128 & 1u << 1;
        c->security.locked = w128 & 1u << 2;
        c->security.frozen = w128 & 1u << 3;
        c->security.count_expired = w128 & 1u << 4;
        c->security.enhanced = w128 & 1u << 5;
        c->methods |= SANITIZE_ATA_SECURE_ERASE;
        set_estimate(c, SANITIZE_ATA_SECURE_ERASE, ata_erase_seconds(le16(buf + 2 * 89)));
        if (c->security.enhanced) {
                c->methods |= SANITIZE_ATA_SECURE_ERASE_ENH;
                set_estimate(c, SANITIZE_ATA_SECURE_ERASE_ENH, ata_erase_seconds(le16(buf + 2 * 90)));
        }
        c->frozen = c->security.frozen;
}

int sanitize_parse_ata_identify(const uint8_t *buf, size_t n, struct sanitize_caps *caps) {
        if (n < SANITIZE_ATA_ID_LEN)
                return err_set(EBADMSG, "identify device: %zu bytes, wanted %d", n, SANITIZE_ATA_ID_LEN);
        uint16_t w0 = le16(buf);
        if (w0 & 0x8000) return err_set(EBADMSG, "identify device: an ATAPI device (word 0 %04x)", w0);
        bool zero = true, ones = true;
        for (size_t i = 0; i < SANITIZE_ATA_ID_LEN; i++) {
                zero &= buf[i] == 0;
                ones &= buf[i] == 0xff;
        }
        if (zero || ones) return err_set(EBADMSG, "identify device: empty reply");
        int r = ata_check_integrity(buf, "identify device");
        if (r < 0) return r;

        struct sanitize_caps c = *caps;
        c.bus = SANITIZE_BUS_ATA;
        c.methods &= ~(SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_ATA_SANITIZE_OVERWRITE |
                       SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH);
        memset(&c.security, 0, sizeof c.security);
        c.frozen = false;
        ata_identify_methods(buf, &c);

        uint16_t w82 = le16(buf + 2 * 82), w83 = le16(buf + 2 * 83);
        bool lba48 = false;
        c.hpa.supported = c.dco.supported = false;
        if (ata_word_valid(w83)) {
                c.hpa.supported = w82 & 1u << 10;
                c.dco.supported = w83 & 1u << 11;
                lba48 = w83 & 1u << 10;
        }
        uint64_t cur = (uint64_t) le16(buf + 2 * 60) | (uint64_t) le16(buf + 2 * 61) << 16;
        if (lba48) {
                uint64_t cur48 = 0;
                for (int i = 3; i >= 0; i--) cur48 = cur48 << 16 | le16(buf + 2 * (100 + i));
                if (cur48) cur = cur48;
        }
        c.hpa.current_max_sectors = cur;
        *caps = c;
        return 0;
}

/* DEVICE CONFIGURATION IDENTIFY data (ATA8-ACS 7.10.5.5): word 0 the
 * revision (0002h), words 3-6 the maximum LBA the drive can be set to. */
int sanitize_parse_ata_dco(const uint8_t *buf, size_t n, struct sanitize_caps *caps) {
        if (n < SANITIZE_ATA_ID_LEN)
                return err_set(EBADMSG, "device configuration identify: %zu bytes, wanted %d", n, SANITIZE_ATA_ID_LEN);
        int r = ata_check_integrity(buf, "device configuration identify");
        if (r < 0) return r;
        uint16_t rev = le16(buf);
        if (rev == 0 || rev == 0xffff) return err_set(EBADMSG, "device configuration identify: revision %04x", rev);
        uint64_t max = 0;
        for (int i = 3; i >= 0; i--) max = max << 16 | le16(buf + 2 * (3 + i));
        if (max == 0 || max >= (1ull << 48) - 1)
                return err_set(EBADMSG, "device configuration identify: maximum lba %" PRIu64, max);
        caps->dco.factory_max_sectors = max + 1;
        caps->dco.present = caps->hpa.native_max_sectors && max + 1 > caps->hpa.native_max_sectors;
        return 0;
}

/* SAT-4 12.2.2.6 (descriptor 09h) and 12.2.2.7 (fixed format): the
 * registers as sanitize_parse_ata_regs() reads them, then what a
 * non-data command's return needs of them. */
int sanitize_parse_ata_return(const uint8_t *sense, size_t n, uint64_t *ret_lba) {
        struct sanitize_ata_regs r;
        int rc = sanitize_parse_ata_regs(sense, n, &r);
        if (rc < 0) return rc;
        bool fixed = (sense[0] & 0x7f) == 0x70 || (sense[0] & 0x7f) == 0x71;
        /* ASC/ASCQ 00h/1Dh: ATA PASS-THROUGH INFORMATION AVAILABLE */
        if (fixed && (sense[12] != 0 || sense[13] != 0x1d))
                return err_set(EBADMSG, "ata return: sense %x/%02x/%02x", sense[2] & 0xf, sense[12], sense[13]);
        if (r.status & 0x01) return err_set(EIO, "ata return: error %02x, status %02x", r.error, r.status);
        /* the upper LBA bytes do not fit the fixed format: only say so */
        if (fixed && r.extended) return err_set(EBADMSG, "ata return: lba above 24 bits in fixed-format sense");
        /* a 28-bit command's LBA 27:24 is in the device register */
        *ret_lba = r.extended ? r.lba : r.lba | (uint64_t) (r.device & 0x0f) << 24;
        return 0;
}

/* SPC-4 6.35.3, one_command parameter data: byte 1 bits 2:0 SUPPORT, bytes
 * 2-3 the CDB size, then the usage map whose byte 0 is the opcode. */
int sanitize_parse_scsi_rsoc(const uint8_t *buf, size_t n, bool *ret_supported) {
        if (n < 4) return err_set(EBADMSG, "report supported operation codes: %zu bytes", n);
        unsigned support = buf[1] & 7;
        if (support == 0 || support == 2 || support == 4 || support >= 6)
                return err_set(EBADMSG, "report supported operation codes: reserved support value %u", support);
        bool yes = support == 3 || support == 5;
        if (yes) {
                uint16_t cdb = be16(buf + 2);
                if (cdb < 6 || cdb > 32 || n < 4 + (size_t) cdb)
                        return err_set(EBADMSG, "report supported operation codes: cdb size %u in %zu bytes", cdb, n);
        }
        *ret_supported = yes;
        return 0;
}

void sanitize_caps_free(struct sanitize_caps *c) {
        if (!c) return;
        free(c->controller);
        free(c);
}

/* Strongest first: a sanitize command (it reaches every block, caches and
 * spare area included, and survives a reset) before a format or security
 * erase (whose reach is the vendor's choice); within each, crypto erase
 * (every copy of the data unreadable at once) before block erase before
 * overwrite (which on flash leaves remapped blocks to the firmware). */
/* The order `wipe --method purge` takes and the PURGE column shows (the
 * README says why): a sanitize reaches every block, spare and remapped ones
 * too, and a reset does not stop it; a block erase is checked by what the
 * medium reads as, a crypto erase only by its randomness; a format reaches
 * the namespace's user data only; an overwrite sanitize is slow and not
 * purge on flash; a security erase locks the drive if it goes wrong. */
static const unsigned purge_order[SANITIZE_METHOD_COUNT] = {
        SANITIZE_NVME_SANITIZE_BLOCK,     SANITIZE_NVME_SANITIZE_CRYPTO,   SANITIZE_ATA_SANITIZE_BLOCK,
        SANITIZE_ATA_SANITIZE_CRYPTO,     SANITIZE_SCSI_SANITIZE_BLOCK,    SANITIZE_SCSI_SANITIZE_CRYPTO,
        SANITIZE_NVME_FORMAT_USER,        SANITIZE_NVME_FORMAT_CRYPTO,
        SANITIZE_NVME_SANITIZE_OVERWRITE, SANITIZE_ATA_SANITIZE_OVERWRITE, SANITIZE_SCSI_SANITIZE_OVERWRITE,
        SANITIZE_ATA_SECURE_ERASE_ENH,    SANITIZE_ATA_SECURE_ERASE,
};

unsigned sanitize_purge_choice(unsigned offered) {
        for (size_t i = 0; i < ELEMENTSOF(purge_order); i++)
                if (offered & purge_order[i]) return purge_order[i];
        return 0;
}

const char *sanitize_caps_summary(const struct sanitize_caps *c) {
        if (c->frozen) return "frozen";
        unsigned m = sanitize_purge_choice(c->methods);
        return m ? sanitize_method_name(m) : "none";
}

static json_t *json_count(uint64_t n) { return n ? json_integer((json_int_t) n) : json_null(); }

static json_t *nvme_json(const struct sanitize_caps *c) {
        json_t *o = json_object();
        json_set_str(o, "controller", c->controller);
        json_object_set_new(o, "nsid", json_count(c->nsid));
        json_object_set_new(o, "max_namespaces", json_integer(c->max_namespaces));
        json_object_set_new(o, "sanicap", json_integer(c->sanicap));
        json_object_set_new(o, "fna", json_integer(c->fna));
        json_object_set_new(o, "oacs", json_integer(c->oacs));
        json_object_set_new(o, "format_all_namespaces", json_boolean(c->format_all_namespaces));
        json_object_set_new(o, "erase_all_namespaces", json_boolean(c->erase_all_namespaces));
        json_object_set_new(o, "no_deallocate_inhibited", json_boolean(c->no_deallocate_inhibited));
        if (c->status.known) {
                json_object_set_new(o, "status", json_pack("{s:i, s:i, s:i, s:b, s:i}",
                        "state", (json_int_t) c->status.state, "progress", (json_int_t) c->status.progress,
                        "passes", (json_int_t) c->status.passes, "global_erased", c->status.global_erased,
                        "last_cdw10", (json_int_t) c->status.last_cdw10));
        } else {
                json_object_set_new(o, "status", json_null());
        }
        return o;
}

static json_t *ata_json(const struct sanitize_caps *c) {
        return json_pack("{s:b, s:{s:b, s:b, s:b, s:b, s:b, s:b}}", "sanitize_feature_set", c->ata_sanitize,
                "security", "supported", c->security.supported, "enabled", c->security.enabled,
                "locked", c->security.locked, "frozen", c->security.frozen,
                "count_expired", c->security.count_expired, "enhanced", c->security.enhanced);
}

void sanitize_caps_to_json(const struct sanitize_caps *c, json_t *obj) {
        static const char *const bus[] = { NULL, "nvme", "ata", "scsi" };
        json_t *s = json_object(), *methods = json_array(), *est = json_object();
        for (int i = 0; i < SANITIZE_METHOD_COUNT; i++) {
                if (!(c->methods & 1u << i)) continue;
                json_array_append_new(methods, json_string(method_names[i]));
                if (c->estimate_seconds[i]) json_object_set_new(est, method_names[i], json_integer(c->estimate_seconds[i]));
        }
        json_object_set_new(s, "methods", methods);
        json_object_set_new(s, "frozen", json_boolean(c->frozen));
        json_object_set_new(s, "estimates", est);
        json_object_set_new(s, "namespaces", json_count(c->namespaces));
        json_set_str(s, "bus", c->bus < ELEMENTSOF(bus) ? bus[c->bus] : NULL);
        if (c->bus == SANITIZE_BUS_NVME) json_object_set_new(s, "nvme", nvme_json(c));
        if (c->bus == SANITIZE_BUS_ATA) json_object_set_new(s, "ata", ata_json(c));
        json_object_set_new(obj, "sanitize", s);
        json_object_set_new(obj, "hpa", json_pack("{s:b, s:b, s:o, s:o}", "supported", c->hpa.supported,
                "present", c->hpa.present, "native_max_sectors", json_count(c->hpa.native_max_sectors),
                "current_max_sectors", json_count(c->hpa.current_max_sectors)));
        json_object_set_new(obj, "dco", json_pack("{s:b, s:b, s:o}", "supported", c->dco.supported,
                "present", c->dco.present, "factory_max_sectors", json_count(c->dco.factory_max_sectors)));
}
