/* devices/sanitize: the reply parsers on byte buffers built here (identify
 * pages with chosen bits, the ATA integrity word computed as the standard
 * says, sense data in both formats), including short and malformed
 * replies, which must leave the caps as they were; the method names; the
 * JSON; and sanitize_caps_get() on things that are not drives. The real
 * drivers are exercised by tests/cli/0600-qemu-sanitize.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>

#include "json.h"
#include "sanitize.h"
#include "util.h"

static void put16(uint8_t *b, size_t off, uint16_t v) { b[off] = (uint8_t) v; b[off + 1] = (uint8_t) (v >> 8); }
static void put32(uint8_t *b, size_t off, uint32_t v) { put16(b, off, (uint16_t) v); put16(b, off + 2, (uint16_t) (v >> 16)); }
static void word(uint8_t *b, int w, uint16_t v) { put16(b, 2 * (size_t) w, v); }

/* Word 255: signature A5h and the checksum that makes the 512 bytes sum to 0. */
static void seal(uint8_t *b) {
        b[510] = 0xa5;
        uint8_t sum = 0;
        for (size_t i = 0; i < 511; i++) sum = (uint8_t) (sum + b[i]);
        b[511] = (uint8_t) (0x100 - sum);
}

static void nvme_id(uint8_t *b, uint16_t oacs, uint32_t sanicap, uint8_t fna, uint32_t nn) {
        memset(b, 0, SANITIZE_NVME_ID_LEN);
        put16(b, 0, 0x1b36); /* VID */
        put16(b, 256, oacs);
        put32(b, 328, sanicap);
        put32(b, 516, nn);
        b[524] = fna;
}

static void test_method_names(void **state) {
        static const char *const want[] = {
                "nvme-sanitize-crypto", "nvme-sanitize-block", "nvme-sanitize-overwrite", "nvme-format-crypto",
                "nvme-format-user", "ata-sanitize-crypto", "ata-sanitize-block", "ata-sanitize-overwrite",
                "ata-secure-erase", "ata-secure-erase-enhanced", "scsi-sanitize-crypto", "scsi-sanitize-block",
                "scsi-sanitize-overwrite",
        };
        assert_int_equal(ELEMENTSOF(want), SANITIZE_METHOD_COUNT);
        for (int i = 0; i < SANITIZE_METHOD_COUNT; i++) {
                unsigned m = 0;
                assert_string_equal(sanitize_method_name(1u << i), want[i]);
                assert_int_equal(sanitize_method_from_name(want[i], &m), 0);
                assert_int_equal(m, 1u << i);
                assert_int_equal(sanitize_method_index(1u << i), i);
        }
        unsigned m = 77;
        assert_int_equal(sanitize_method_from_name("nvme-sanitize", &m), -EINVAL);
        assert_string_equal(err_msg(), "unknown firmware method 'nvme-sanitize'");
        assert_int_equal(m, 77);
        assert_null(sanitize_method_name(0));
        assert_null(sanitize_method_name(3));
        assert_null(sanitize_method_name(1u << SANITIZE_METHOD_COUNT));
        assert_int_equal(sanitize_method_index(1u << 31), -1);
}

static void test_nvme_id_ctrl(void **state) {
        uint8_t b[SANITIZE_NVME_ID_LEN];
        struct sanitize_caps c = { 0 };
        /* all three sanitize actions, NDI, format with crypto erase, format applies to all */
        nvme_id(b, 1u << 1, 0x7u | 1u << 29, 0x7, 4);
        assert_int_equal(sanitize_parse_nvme_id_ctrl(b, sizeof b, &c), 0);
        assert_int_equal(c.bus, SANITIZE_BUS_NVME);
        assert_int_equal(c.methods, SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK |
                                    SANITIZE_NVME_SANITIZE_OVERWRITE | SANITIZE_NVME_FORMAT_CRYPTO |
                                    SANITIZE_NVME_FORMAT_USER);
        assert_true(c.no_deallocate_inhibited);
        assert_true(c.format_all_namespaces);
        assert_true(c.erase_all_namespaces);
        assert_int_equal(c.max_namespaces, 4);

        /* QEMU 7.2's controller: OACS 010Ah, SANICAP 0, FNA 0 */
        nvme_id(b, 0x010a, 0, 0, 256);
        assert_int_equal(sanitize_parse_nvme_id_ctrl(b, sizeof b, &c), 0);
        assert_int_equal(c.methods, SANITIZE_NVME_FORMAT_USER);
        assert_false(c.format_all_namespaces);
        assert_false(c.no_deallocate_inhibited);

        /* crypto erase by format claimed, but no Format NVM: neither format */
        nvme_id(b, 0, 1u << 1, 1u << 2, 1);
        assert_int_equal(sanitize_parse_nvme_id_ctrl(b, sizeof b, &c), 0);
        assert_int_equal(c.methods, SANITIZE_NVME_SANITIZE_BLOCK);

        /* short and empty replies change nothing */
        struct sanitize_caps before = c;
        nvme_id(b, 2, 7, 7, 1);
        assert_int_equal(sanitize_parse_nvme_id_ctrl(b, sizeof b - 1, &c), -EBADMSG);
        assert_string_equal(err_msg(), "identify controller: 4095 bytes, wanted 4096");
        memset(b, 0, sizeof b);
        assert_int_equal(sanitize_parse_nvme_id_ctrl(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "identify controller: empty reply");
        assert_memory_equal(&c, &before, sizeof c);
}

static void test_nvme_ns_list(void **state) {
        uint8_t b[SANITIZE_NVME_ID_LEN] = { 0 };
        struct sanitize_caps c = { 0 };
        put32(b, 0, 1);
        put32(b, 4, 2);
        put32(b, 8, 7);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, sizeof b, &c), 0);
        assert_int_equal(c.namespaces, 3);
        /* the list is full: 1024 namespaces, no terminator */
        for (uint32_t i = 0; i < 1024; i++) put32(b, 4 * i, i + 1);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, sizeof b, &c), 0);
        assert_int_equal(c.namespaces, 1024);
        /* not ascending */
        memset(b, 0, sizeof b);
        put32(b, 0, 5);
        put32(b, 4, 5);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "namespace list: id 5 after 5");
        put32(b, 0, 0xffffffff);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, sizeof b, &c), -EBADMSG);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, 100, &c), -EBADMSG);
        assert_int_equal(c.namespaces, 1024);
        /* no namespace at all */
        memset(b, 0, sizeof b);
        assert_int_equal(sanitize_parse_nvme_ns_list(b, sizeof b, &c), 0);
        assert_int_equal(c.namespaces, 0);
}

static void test_nvme_sanitize_log(void **state) {
        uint8_t b[SANITIZE_NVME_LOG81_LEN] = { 0 };
        struct sanitize_caps c = { 0 };
        put16(b, 0, 0x8000);                       /* SPROG: half way */
        put16(b, 2, 2 | 3u << 3 | 1u << 8);        /* in progress, 3 passes, global data erased */
        put32(b, 4, 0x00000202);                   /* SCDW10 of a block erase with AUSE */
        put32(b, 8, 0xffffffff);                   /* ETO: no estimate */
        put32(b, 12, 600);                         /* ETBE */
        put32(b, 16, 5);                           /* ETCE */
        assert_int_equal(sanitize_parse_nvme_sanitize_log(b, sizeof b, &c), 0);
        assert_true(c.status.known);
        assert_int_equal(c.status.state, 2);
        assert_int_equal(c.status.passes, 3);
        assert_true(c.status.global_erased);
        assert_int_equal(c.status.progress, 0x8000);
        assert_int_equal(c.status.last_cdw10, 0x202);
        assert_int_equal(c.estimate_seconds[sanitize_method_index(SANITIZE_NVME_SANITIZE_OVERWRITE)], 0);
        assert_int_equal(c.estimate_seconds[sanitize_method_index(SANITIZE_NVME_SANITIZE_BLOCK)], 600);
        assert_int_equal(c.estimate_seconds[sanitize_method_index(SANITIZE_NVME_SANITIZE_CRYPTO)], 5);

        struct sanitize_caps before = c;
        put16(b, 2, 5); /* reserved state */
        assert_int_equal(sanitize_parse_nvme_sanitize_log(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "sanitize status log: reserved state 5");
        put16(b, 2, 1);
        assert_int_equal(sanitize_parse_nvme_sanitize_log(b, 31, &c), -EBADMSG);
        assert_memory_equal(&c, &before, sizeof c);
}

/* An IDENTIFY DEVICE page of an ATA disk: words 83/87 valid, 48-bit. */
static void ata_id(uint8_t *b, uint64_t sectors) {
        memset(b, 0, SANITIZE_ATA_ID_LEN);
        word(b, 0, 0x0040);
        word(b, 60, (uint16_t) (sectors > 0x0fffffff ? 0xffff : sectors));
        word(b, 61, (uint16_t) (sectors > 0x0fffffff ? 0x0fff : sectors >> 16));
        word(b, 83, 0x4000 | 1u << 10);
        word(b, 87, 0x4000);
        for (int i = 0; i < 4; i++) word(b, 100 + i, (uint16_t) (sectors >> (16 * i)));
}

static void test_ata_identify(void **state) {
        uint8_t b[SANITIZE_ATA_ID_LEN];
        struct sanitize_caps c = { 0 };
        ata_id(b, 1000215216); /* a 512 GB SSD */
        word(b, 59, 1u << 12 | 1u << 13 | 1u << 15); /* sanitize: crypto and block, no overwrite */
        word(b, 128, 1u << 0 | 1u << 3 | 1u << 5);   /* security supported, frozen, enhanced */
        word(b, 89, 2);                              /* 4 minutes */
        word(b, 90, 0x8000 | 300);                   /* extended form: 600 minutes */
        word(b, 82, 1u << 10);                       /* HPA */
        word(b, 83, 0x4000 | 1u << 10 | 1u << 11);   /* 48-bit, DCO */
        seal(b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), 0);
        assert_int_equal(c.bus, SANITIZE_BUS_ATA);
        assert_int_equal(c.methods, SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK |
                                    SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH);
        assert_true(c.ata_sanitize);
        assert_true(c.security.supported && c.security.frozen && c.security.enhanced);
        assert_false(c.security.enabled || c.security.locked || c.security.count_expired);
        assert_true(c.frozen);
        assert_int_equal(c.estimate_seconds[sanitize_method_index(SANITIZE_ATA_SECURE_ERASE)], 240);
        assert_int_equal(c.estimate_seconds[sanitize_method_index(SANITIZE_ATA_SECURE_ERASE_ENH)], 36000);
        assert_true(c.hpa.supported);
        assert_true(c.dco.supported);
        assert_int_equal(c.hpa.current_max_sectors, 1000215216);
        assert_string_equal(sanitize_caps_summary(&c), "frozen");

        /* the integrity word: one flipped bit is caught */
        b[2 * 128] ^= 1u << 3;
        struct sanitize_caps before = c;
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "identify device: checksum mismatch (sum f8)");
        assert_memory_equal(&c, &before, sizeof c);
        /* without the signature there is no checksum to check: accepted, and
         * now not frozen, security locked and enabled */
        word(b, 128, 1u << 0 | 1u << 1 | 1u << 2);
        word(b, 255, 0);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), 0);
        assert_false(c.frozen);
        assert_true(c.security.enabled && c.security.locked);
        assert_int_equal(c.methods, SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_ATA_SECURE_ERASE);
        assert_string_equal(sanitize_caps_summary(&c), "ata-sanitize-block");
}

static void test_ata_identify_plain(void **state) {
        uint8_t b[SANITIZE_ATA_ID_LEN];
        struct sanitize_caps c = { 0 };
        /* no sanitize, no security; word 59's method bits without bit 12 mean nothing */
        ata_id(b, 98304);
        word(b, 59, 1u << 13 | 1u << 14 | 1u << 15);
        seal(b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), 0);
        assert_int_equal(c.methods, 0);
        assert_false(c.ata_sanitize || c.security.supported || c.frozen || c.hpa.supported || c.dco.supported);
        assert_int_equal(c.hpa.current_max_sectors, 98304);
        assert_string_equal(sanitize_caps_summary(&c), "none");

        /* word 128 all ones (no feature set reported) is not "frozen, locked" */
        word(b, 128, 0xffff);
        seal(b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), 0);
        assert_false(c.security.supported || c.frozen);

        /* an old 28-bit drive: words 60-61; word 83 invalid (bits 15:14 not 01b) */
        ata_id(b, 0);
        word(b, 60, 0x5678);
        word(b, 61, 0x0123);
        word(b, 82, 1u << 10);
        word(b, 83, 0xffff);
        word(b, 100, 0x1111);
        seal(b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), 0);
        assert_int_equal(c.hpa.current_max_sectors, 0x01235678);
        assert_false(c.hpa.supported);

        /* malformed: short, ATAPI, all zeros, all ones */
        struct sanitize_caps before = c;
        assert_int_equal(sanitize_parse_ata_identify(b, 511, &c), -EBADMSG);
        assert_string_equal(err_msg(), "identify device: 511 bytes, wanted 512");
        word(b, 0, 0x85c0);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "identify device: an ATAPI device (word 0 85c0)");
        memset(b, 0, sizeof b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), -EBADMSG);
        memset(b, 0xff, sizeof b);
        word(b, 0, 0x7fff);
        memset(b, 0xff, sizeof b);
        assert_int_equal(sanitize_parse_ata_identify(b, sizeof b, &c), -EBADMSG);
        assert_memory_equal(&c, &before, sizeof c);
}

static void test_ata_dco(void **state) {
        uint8_t b[SANITIZE_ATA_ID_LEN] = { 0 };
        struct sanitize_caps c = { 0 };
        c.hpa.native_max_sectors = 1000000;
        word(b, 0, 0x0002);
        word(b, 3, (uint16_t) 1999999);
        word(b, 4, (uint16_t) (1999999 >> 16));
        seal(b);
        assert_int_equal(sanitize_parse_ata_dco(b, sizeof b, &c), 0);
        assert_int_equal(c.dco.factory_max_sectors, 2000000);
        assert_true(c.dco.present);
        c.hpa.native_max_sectors = 2000000;
        assert_int_equal(sanitize_parse_ata_dco(b, sizeof b, &c), 0);
        assert_false(c.dco.present);

        b[6] ^= 1;
        assert_int_equal(sanitize_parse_ata_dco(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "device configuration identify: checksum mismatch (sum ff)");
        memset(b, 0, sizeof b);
        word(b, 3, 5);
        assert_int_equal(sanitize_parse_ata_dco(b, sizeof b, &c), -EBADMSG);
        assert_string_equal(err_msg(), "device configuration identify: revision 0000");
        word(b, 0, 2);
        word(b, 3, 0);
        assert_int_equal(sanitize_parse_ata_dco(b, sizeof b, &c), -EBADMSG);
        assert_int_equal(sanitize_parse_ata_dco(b, 100, &c), -EBADMSG);
        assert_int_equal(c.dco.factory_max_sectors, 2000000);
}

/* Descriptor-format sense with an ATA Status Return descriptor. */
static size_t desc_sense(uint8_t *s, bool ext, uint64_t lba, uint8_t status) {
        memset(s, 0, 64);
        s[0] = 0x72;
        s[1] = 0x01; /* RECOVERED ERROR */
        s[3] = 0x1d;
        s[7] = 14;
        uint8_t *d = s + 8;
        d[0] = 0x09;
        d[1] = 0x0c;
        d[2] = ext ? 1 : 0;
        d[7] = (uint8_t) lba;
        d[9] = (uint8_t) (lba >> 8);
        d[11] = (uint8_t) (lba >> 16);
        if (ext) {
                d[6] = (uint8_t) (lba >> 24);
                d[8] = (uint8_t) (lba >> 32);
                d[10] = (uint8_t) (lba >> 40);
        }
        d[12] = (uint8_t) (0x40 | (ext ? 0 : (lba >> 24) & 0xf));
        d[13] = status;
        return 22;
}

static void test_ata_return(void **state) {
        uint8_t s[64];
        uint64_t lba = 0;
        size_t n = desc_sense(s, true, 0x123456789abcull, 0x50);
        assert_int_equal(sanitize_parse_ata_return(s, n, &lba), 0);
        assert_int_equal(lba, 0x123456789abcull);
        n = desc_sense(s, false, 0x0abcdef1, 0x50);
        assert_int_equal(sanitize_parse_ata_return(s, n, &lba), 0);
        assert_int_equal(lba, 0x0abcdef1);
        /* a descriptor before it is skipped */
        uint8_t t[64] = { 0x72, 1, 0, 0x1d, 0, 0, 0, 18, 0x00, 0x02, 0xaa, 0xbb };
        desc_sense(s, true, 77, 0x50);
        memcpy(t + 12, s + 8, 14);
        assert_int_equal(sanitize_parse_ata_return(t, 26, &lba), 0);
        assert_int_equal(lba, 77);

        lba = 5;
        n = desc_sense(s, true, 1, 0x51); /* ERR */
        s[8 + 3] = 0x04;                  /* ABRT */
        assert_int_equal(sanitize_parse_ata_return(s, n, &lba), -EIO);
        assert_string_equal(err_msg(), "ata return: error 04, status 51");
        /* truncated descriptor, no descriptor, short, unknown format */
        n = desc_sense(s, true, 1, 0x50);
        assert_int_equal(sanitize_parse_ata_return(s, n - 1, &lba), -EBADMSG);
        s[7] = 0;
        assert_int_equal(sanitize_parse_ata_return(s, n, &lba), -EBADMSG);
        assert_string_equal(err_msg(), "ata return: no ata status descriptor in the sense data");
        assert_int_equal(sanitize_parse_ata_return(s, 7, &lba), -EBADMSG);
        s[0] = 0x7f;
        assert_int_equal(sanitize_parse_ata_return(s, n, &lba), -EBADMSG);
        assert_string_equal(err_msg(), "ata return: sense response code 7f");
        assert_int_equal(lba, 5);

        /* fixed format: 24 bits only */
        uint8_t f[18] = { 0x70, 0, 0x01, 0x00, 0x50, 0x40, 0, 10, 0x80, 0x56, 0x34, 0x12, 0x00, 0x1d };
        assert_int_equal(sanitize_parse_ata_return(f, sizeof f, &lba), 0);
        assert_int_equal(lba, 0x123456);
        f[8] |= 0x20; /* upper LBA bytes nonzero: cannot be told */
        assert_int_equal(sanitize_parse_ata_return(f, sizeof f, &lba), -EBADMSG);
        f[8] = 0x80;
        f[13] = 0x00; /* some other sense */
        f[12] = 0x20;
        assert_int_equal(sanitize_parse_ata_return(f, sizeof f, &lba), -EBADMSG);
        assert_string_equal(err_msg(), "ata return: sense 1/20/00");
        assert_int_equal(sanitize_parse_ata_return(f, 17, &lba), -EBADMSG);
        assert_int_equal(lba, 0x123456);
}

static void test_scsi_rsoc(void **state) {
        uint8_t b[64] = { 0, 0x03, 0x00, 0x0a, 0x48 };
        bool yes = false;
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 14, &yes), 0);
        assert_true(yes);
        b[1] = 0x05; /* vendor-specific, supported */
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 14, &yes), 0);
        assert_true(yes);
        b[1] = 0x01; /* not supported */
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 4, &yes), 0);
        assert_false(yes);
        yes = true;
        b[1] = 0x00;
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 14, &yes), -EBADMSG);
        assert_string_equal(err_msg(), "report supported operation codes: reserved support value 0");
        b[1] = 0x03;
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 13, &yes), -EBADMSG); /* usage map cut short */
        b[3] = 0xff;
        assert_int_equal(sanitize_parse_scsi_rsoc(b, sizeof b, &yes), -EBADMSG);
        assert_int_equal(sanitize_parse_scsi_rsoc(b, 3, &yes), -EBADMSG);
        assert_true(yes);
}

static char *json_of(const struct sanitize_caps *c) {
        _cleanup_json_ json_t *o = json_object();
        sanitize_caps_to_json(c, o);
        return json_canonical(o);
}

static void test_json(void **state) {
        struct sanitize_caps c = { 0 };
        _cleanup_free_ char *none = json_of(&c);
        assert_string_equal(none, "{\"dco\":{\"factory_max_sectors\":null,\"present\":false,\"supported\":false},"
                                  "\"hpa\":{\"current_max_sectors\":null,\"native_max_sectors\":null,\"present\":false,\"supported\":false},"
                                  "\"sanitize\":{\"bus\":null,\"estimates\":{},\"frozen\":false,\"methods\":[],\"namespaces\":null}}");
        c.bus = SANITIZE_BUS_ATA;
        c.methods = SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SANITIZE_BLOCK;
        c.estimate_seconds[sanitize_method_index(SANITIZE_ATA_SECURE_ERASE)] = 240;
        c.security.supported = c.security.frozen = c.frozen = true;
        c.hpa.supported = c.hpa.present = true;
        c.hpa.native_max_sectors = 2000;
        c.hpa.current_max_sectors = 1000;
        _cleanup_free_ char *ata = json_of(&c);
        assert_string_equal(ata, "{\"dco\":{\"factory_max_sectors\":null,\"present\":false,\"supported\":false},"
                                 "\"hpa\":{\"current_max_sectors\":1000,\"native_max_sectors\":2000,\"present\":true,\"supported\":true},"
                                 "\"sanitize\":{\"ata\":{\"sanitize_feature_set\":false,\"security\":{\"count_expired\":false,"
                                 "\"enabled\":false,\"enhanced\":false,\"frozen\":true,\"locked\":false,\"supported\":true}},"
                                 "\"bus\":\"ata\",\"estimates\":{\"ata-secure-erase\":240},\"frozen\":true,"
                                 "\"methods\":[\"ata-sanitize-block\",\"ata-secure-erase\"],\"namespaces\":null}}");
        assert_string_equal(sanitize_caps_summary(&c), "frozen");
        c.frozen = false;
        assert_string_equal(sanitize_caps_summary(&c), "ata-sanitize-block");
        c.methods = SANITIZE_NVME_FORMAT_USER | SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_SANITIZE_OVERWRITE;
        assert_string_equal(sanitize_caps_summary(&c), "nvme-format-user");
        c.methods = SANITIZE_NVME_SANITIZE_OVERWRITE | SANITIZE_ATA_SECURE_ERASE_ENH;
        assert_string_equal(sanitize_caps_summary(&c), "nvme-sanitize-overwrite");
}

static void test_get_not_a_drive(void **state) {
        struct sanitize_caps *c = (void *) 1;
        assert_int_equal(sanitize_caps_get("/nonexistent/sda", &c), -ENOENT);
        assert_string_equal(err_msg(), "cannot open '/nonexistent/sda': No such file or directory");
        char img[] = "/tmp/assetctl-sanitize.XXXXXX";
        int fd = mkstemp(img);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(sanitize_caps_get(img, &c), -ENOTBLK);
        _cleanup_free_ char *want = xasprintf("cannot ask '%s': not a device", img);
        assert_string_equal(err_msg(), want);
        unlink(img);
        assert_ptr_equal(c, (void *) 1);
        /* a character device that answers no drive command: no bus, no methods */
        if (access("/dev/null", R_OK) == 0) {
                _cleanup_sanitize_caps_ struct sanitize_caps *n = NULL;
                assert_int_equal(sanitize_caps_get("/dev/null", &n), 0);
                assert_int_equal(n->bus, SANITIZE_BUS_NONE);
                assert_int_equal(n->methods, 0);
        }
}


/* ---- the firmware command builders (sanitize-cmd.c), byte for byte ---- */

static void test_nvme_format_cdw10(void **state) {
        (void) state;
        /* SES=1, LBAF 0, no metadata, no PI */
        assert_int_equal(sanitize_nvme_format_cdw10(1, 0x00, 0x00), 0x200);
        /* SES=2 */
        assert_int_equal(sanitize_nvme_format_cdw10(2, 0x00, 0x00), 0x400);
        /* LBAF 3 with MSET (FLBAS bit 4), PI type 1 first (DPS 0x09) */
        assert_int_equal(sanitize_nvme_format_cdw10(1, 0x13, 0x09), 0x3 | 1u << 4 | 1u << 5 | 1u << 8 | 1u << 9);
        /* LBAF 17 (NVMe 2.0: FLBAS bits 6:5 are LBAF bits 5:4) */
        assert_int_equal(sanitize_nvme_format_cdw10(1, 0x21, 0x00), 0x1 | 1u << 12 | 1u << 9);
}

static void test_nvme_sanitize_cdw10(void **state) {
        (void) state;
        assert_int_equal(sanitize_nvme_sanitize_cdw10(4, false, 0, false, false), 0x004); /* crypto */
        assert_int_equal(sanitize_nvme_sanitize_cdw10(2, true, 0, false, false), 0x00a);  /* block, AUSE */
        assert_int_equal(sanitize_nvme_sanitize_cdw10(3, false, 1, false, false), 0x013); /* overwrite, 1 pass */
        assert_int_equal(sanitize_nvme_sanitize_cdw10(3, false, 16, true, true), 0x303); /* 16 passes as 0, OIPBP, NDAS */
        assert_int_equal(sanitize_nvme_sanitize_cdw10(1, false, 0, false, false), 0x001); /* exit failure mode */
}

static void test_ata_sanitize_cdb(void **state) {
        (void) state;
        uint8_t cdb[16];
        struct sanitize_settings s = {.method = SANITIZE_ATA_SANITIZE_CRYPTO};
        assert_int_equal(sanitize_ata_sanitize_cdb(&s, cdb), 0);
        /* 85h, non-data 48-bit, CK_COND, feature 0011h, LBA "Cryp" 43727970h, B4h */
        static const uint8_t crypto[16] = {0x85, 0x07, 0x20, 0x00, 0x11, 0x00, 0x00, 0x43, 0x70, 0x00,
                                           0x79, 0x00, 0x72, 0x40, 0xb4, 0x00};
        assert_memory_equal(cdb, crypto, 16);
        s = (struct sanitize_settings) {.method = SANITIZE_ATA_SANITIZE_BLOCK, .ause = true};
        assert_int_equal(sanitize_ata_sanitize_cdb(&s, cdb), 0);
        static const uint8_t block[16] = {0x85, 0x07, 0x20, 0x00, 0x12, 0x00, 0x10, 0x42, 0x72, 0x00,
                                          0x45, 0x00, 0x6b, 0x40, 0xb4, 0x00};
        assert_memory_equal(cdb, block, 16);
        s = (struct sanitize_settings) {.method = SANITIZE_ATA_SANITIZE_OVERWRITE, .owpass = 3, .invert = true, .pattern = 0xa5a5a5a5};
        assert_int_equal(sanitize_ata_sanitize_cdb(&s, cdb), 0);
        /* LBA 47:32 "OW" (4F57h), 31:0 the pattern; COUNT invert (bit 7) and 3 passes */
        static const uint8_t ow[16] = {0x85, 0x07, 0x20, 0x00, 0x14, 0x00, 0x83, 0xa5, 0xa5, 0x57,
                                       0xa5, 0x4f, 0xa5, 0x40, 0xb4, 0x00};
        assert_memory_equal(cdb, ow, 16);
        s.method = SANITIZE_NVME_FORMAT_USER;
        assert_int_equal(sanitize_ata_sanitize_cdb(&s, cdb), -EINVAL);
}

static void test_ata_cdb_pio(void **state) {
        (void) state;
        uint8_t cdb[16];
        sanitize_ata_cdb(cdb, 5, false, 0xf4, 0, 1, 0); /* SECURITY ERASE UNIT, PIO data-out */
        static const uint8_t want[16] = {0x85, 0x0a, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x40, 0xf4, 0};
        assert_memory_equal(cdb, want, 16);
        sanitize_ata_cdb(cdb, 3, false, 0xf9, 0, 0, 0x0abcdef0); /* SET MAX ADDRESS, 28-bit: bits 27:24 in DEVICE */
        assert_int_equal(cdb[8], 0xf0);
        assert_int_equal(cdb[10], 0xde);
        assert_int_equal(cdb[12], 0xbc);
        assert_int_equal(cdb[13], 0x4a);
        uint8_t buf[512];
        char pw[32] = "secret";
        sanitize_ata_security_data(buf, true, pw);
        assert_int_equal(buf[0], 0x02);
        assert_int_equal(buf[1], 0x00);
        assert_memory_equal(buf + 2, "secret", 6);
        assert_int_equal(buf[34], 0);
}

static void test_scsi_sanitize_cdb(void **state) {
        (void) state;
        uint8_t cdb[10], p[8];
        size_t plen;
        struct sanitize_settings s = {.method = SANITIZE_SCSI_SANITIZE_CRYPTO, .ause = true};
        assert_int_equal(sanitize_scsi_sanitize_cdb(&s, cdb, p, &plen), 0);
        static const uint8_t crypto[10] = {0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0};
        assert_memory_equal(cdb, crypto, 10);
        assert_int_equal(plen, 0);
        s = (struct sanitize_settings) {.method = SANITIZE_SCSI_SANITIZE_OVERWRITE, .owpass = 2, .pattern = 0x11223344};
        assert_int_equal(sanitize_scsi_sanitize_cdb(&s, cdb, p, &plen), 0);
        static const uint8_t ow[10] = {0x48, 0x81, 0, 0, 0, 0, 0, 0, 8, 0};
        static const uint8_t owp[8] = {0x02, 0, 0, 4, 0x11, 0x22, 0x33, 0x44};
        assert_memory_equal(cdb, ow, 10);
        assert_memory_equal(p, owp, 8);
}

static void test_status_replies(void **state) {
        (void) state;
        /* SANITIZE STATUS EXT in progress at 50%: descriptor sense, count 4000h (bit 14), LBA 8000h */
        uint8_t d[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x01, 0x00, 0x40, 0x00, 0x00, 0x00,
                         0x00, 0x80, 0x00, 0x00, 0x40, 0x50};
        struct sanitize_ata_regs regs;
        struct sanitize_poll p;
        assert_int_equal(sanitize_parse_ata_regs(d, sizeof d, &regs), 0);
        assert_int_equal(regs.count, 0x4000);
        assert_int_equal(regs.lba, 0x8000);
        assert_int_equal(sanitize_parse_ata_sanitize_status(&regs, &p), 0);
        assert_int_equal(p.state, SANITIZE_STATE_RUNNING);
        assert_true(p.fraction > 0.49 && p.fraction < 0.51);
        sanitize_poll_done(&p);
        regs = (struct sanitize_ata_regs) {.count = 0x8000, .status = 0x50};
        sanitize_parse_ata_sanitize_status(&regs, &p);
        assert_int_equal(p.state, SANITIZE_STATE_DONE);
        sanitize_poll_done(&p);
        regs = (struct sanitize_ata_regs) {.status = 0x51, .error = 0x04, .lba = 0x01};
        sanitize_parse_ata_sanitize_status(&regs, &p);
        assert_int_equal(p.state, SANITIZE_STATE_FAILED);
        sanitize_poll_done(&p);
        /* SCSI: NOT READY, 04h/1Bh, progress 4000h */
        uint8_t f[18] = {0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x04, 0x1b, 0, 0x80, 0x40, 0x00};
        assert_int_equal(sanitize_parse_scsi_sanitize_sense(f, sizeof f, &p), 0);
        assert_int_equal(p.state, SANITIZE_STATE_RUNNING);
        assert_true(p.fraction > 0.24 && p.fraction < 0.26);
        sanitize_poll_done(&p);
        uint8_t ok[18] = {0x70, 0, 0x00};
        assert_int_equal(sanitize_parse_scsi_sanitize_sense(ok, sizeof ok, &p), 0);
        assert_int_equal(p.state, SANITIZE_STATE_DONE);
        sanitize_poll_done(&p);
        /* NVMe log 81h: SPROG 1/4, SSTAT in progress */
        uint8_t log[512] = {0x00, 0x40, 0x02, 0x00, 0x04, 0, 0, 0};
        assert_int_equal(sanitize_parse_nvme_sanitize_poll(log, sizeof log, &p), 0);
        assert_int_equal(p.state, SANITIZE_STATE_RUNNING);
        assert_int_equal(json_integer_value(json_object_get(p.reported, "sprog")), 0x4000);
        assert_int_equal(json_integer_value(json_object_get(p.reported, "scdw10")), 4);
        sanitize_poll_done(&p);
        log[2] = 0x03;
        sanitize_parse_nvme_sanitize_poll(log, sizeof log, &p);
        assert_int_equal(p.state, SANITIZE_STATE_FAILED);
        sanitize_poll_done(&p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_method_names),    cmocka_unit_test(test_nvme_id_ctrl),
                cmocka_unit_test(test_nvme_ns_list),    cmocka_unit_test(test_nvme_sanitize_log),
                cmocka_unit_test(test_ata_identify),    cmocka_unit_test(test_ata_identify_plain),
                cmocka_unit_test(test_ata_dco),         cmocka_unit_test(test_ata_return),
                cmocka_unit_test(test_scsi_rsoc),       cmocka_unit_test(test_json),
                cmocka_unit_test(test_get_not_a_drive),
                cmocka_unit_test(test_nvme_format_cdw10), cmocka_unit_test(test_nvme_sanitize_cdw10),
                cmocka_unit_test(test_ata_sanitize_cdb), cmocka_unit_test(test_ata_cdb_pio),
                cmocka_unit_test(test_scsi_sanitize_cdb), cmocka_unit_test(test_status_replies),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
