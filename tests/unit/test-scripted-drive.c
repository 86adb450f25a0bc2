/* The scripted drive (devices/scripted-drive.c) seen the way assetctl sees
 * a drive: detection through sanitize_caps_get(), and the commands through
 * drive_nvme_admin() and drive_sg_io() on a descriptor of its image file.
 * Each case writes a description, installs the drive, and checks what the
 * replies say (parsed by devices/sanitize's own parsers where they exist)
 * and what the image holds afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "drive-io.h"
#include "json.h"
#include "sanitize.h"
#include "scripted-drive.h"
#include "util.h"

#define IMG_SECTORS 2048u /* 1 MiB */

static char dir[] = "/tmp/assetctl-scripted.XXXXXX";
static char *img, *desc;

static void put32(uint8_t *b, size_t off, uint32_t v) {
        for (int i = 0; i < 4; i++) b[off + (size_t) i] = (uint8_t) (v >> (8 * i));
}
static uint16_t le16(const uint8_t *p) { return (uint16_t) (p[0] | p[1] << 8); }

/* A fresh image (bytes 0x5a) and a description: the common lines, then `extra`. */
static void drive(const char *bus, const char *extra) {
        _cleanup_free_ char *state = xasprintf("%s.state", desc);
        unlink(state);
        _cleanup_close_ int fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        uint8_t buf[4096];
        memset(buf, 0x5a, sizeof buf);
        for (unsigned i = 0; i < IMG_SECTORS * 512 / sizeof buf; i++) assert_int_equal(write(fd, buf, sizeof buf), sizeof buf);
        _cleanup_free_ char *text = xasprintf("target = %s\nimage = %s\nbus = %s\n%s", img, img, bus, extra);
        assert_int_equal(write_file_atomic(desc, text, strlen(text), 0600), 0);
        drive_io_set_ops(scripted_drive_ops(desc));
}

/* Every byte of the image is `b`, or (b < 0) the image looks random:
 * no byte value above twice its share, and not the old 0x5a fill. */
static bool image_is(int b) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        assert_int_equal(read_file(img, 8u << 20, &data, &len), 0);
        assert_int_equal(len, IMG_SECTORS * 512);
        if (b >= 0) {
                for (size_t i = 0; i < len; i++)
                        if ((uint8_t) data[i] != b) return false;
                return true;
        }
        size_t count[256] = {0};
        for (size_t i = 0; i < len; i++) count[(uint8_t) data[i]]++;
        for (int i = 0; i < 256; i++)
                if (count[i] > 2 * len / 256) return false;
        return true;
}

static int open_img(void) {
        int fd = open(img, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static int nvme(int fd, uint8_t opcode, uint32_t nsid, uint32_t cdw10, uint32_t cdw11, void *buf, uint32_t len) {
        struct nvme_admin_cmd c = { .opcode = opcode, .nsid = nsid, .cdw10 = cdw10, .cdw11 = cdw11,
                                    .addr = (uint64_t) (uintptr_t) buf, .data_len = len };
        return drive_nvme_admin(fd, &c);
}

/* Reads the Sanitize Status log: its SPROG and SSTAT, or the status. */
static int nvme_log81(int fd, unsigned *ret_sprog, unsigned *ret_sstat) {
        uint8_t b[512];
        int r = nvme(fd, 0x02, 0xffffffff, 0x81 | 127u << 16, 0, b, sizeof b);
        if (r != 0) return r;
        *ret_sprog = le16(b);
        *ret_sstat = le16(b + 2);
        return 0;
}

static void test_nvme_detect(void **state) {
        drive("nvme", "model = SCRIPTED NVME\nsanitize = crypto,block,overwrite\nformat = crypto\n"
                      "namespaces = 3\nnn = 8\nestimate_block = 30\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *c = NULL;
        assert_int_equal(sanitize_caps_get(img, &c), 0);
        assert_int_equal(c->bus, SANITIZE_BUS_NVME);
        assert_int_equal(c->methods, SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK |
                                     SANITIZE_NVME_SANITIZE_OVERWRITE | SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_FORMAT_USER);
        assert_int_equal(c->namespaces, 3);
        assert_int_equal(c->max_namespaces, 8);
        assert_true(c->status.known);
        assert_int_equal(c->status.state, 0);
        assert_int_equal(c->estimate_seconds[sanitize_method_index(SANITIZE_NVME_SANITIZE_BLOCK)], 30);
        assert_int_equal(c->estimate_seconds[sanitize_method_index(SANITIZE_NVME_SANITIZE_CRYPTO)], 0);
        assert_string_equal(sanitize_caps_summary(c), "nvme-sanitize-block");
        assert_false(c->format_all_namespaces);

        drive("nvme", "format = user\nformat_all = yes\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *f = NULL;
        assert_int_equal(sanitize_caps_get(img, &f), 0);
        assert_int_equal(f->methods, SANITIZE_NVME_FORMAT_USER);
        assert_true(f->format_all_namespaces);
        assert_false(f->status.known); /* no sanitize: the log is not asked */
        assert_string_equal(sanitize_caps_summary(f), "nvme-format-user");
}

static void test_nvme_sanitize_progress(void **state) {
        drive("nvme", "sanitize = block,overwrite\npolls = 3\nerase_fill = ones\n");
        _cleanup_close_ int fd = open_img();
        unsigned sprog, sstat;
        assert_int_equal(nvme(fd, 0x84, 0, 4, 0, NULL, 0), 0x002 | 0x4000); /* crypto: not offered */
        assert_int_equal(nvme(fd, 0x84, 0, 2 | 1u << 3, 0, NULL, 0), 0);  /* block erase, AUSE */
        assert_int_equal(nvme(fd, 0x84, 0, 2, 0, NULL, 0), 0x01d);         /* in progress */
        assert_int_equal(nvme(fd, 0x80, 1, 1u << 9, 0, NULL, 0), 0x001 | 0x4000); /* no format here */
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 2);
        assert_int_equal(sprog, 65536 / 3);
        assert_true(image_is(0x5a));
        /* a second process sees the same drive */
        drive_io_set_ops(scripted_drive_ops(desc));
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sprog, 2 * 65536 / 3);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_int_equal(sprog, 0xffff);
        assert_true(sstat & 1u << 8);
        assert_true(image_is(0xff));

        /* overwrite: 2 passes of a pattern inverted between them ends inverted */
        assert_int_equal(nvme(fd, 0x84, 0, 3 | 2u << 4 | 1u << 8, 0x11223344, NULL, 0), 0);
        for (int i = 0; i < 3; i++) assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_int_equal((sstat >> 3) & 0x1f, 2);
        _cleanup_free_ char *data = NULL;
        size_t len;
        assert_int_equal(read_file(img, 8u << 20, &data, &len), 0);
        uint8_t want[4];
        put32(want, 0, ~0x11223344u);
        assert_memory_equal(data, want, 4);
        assert_memory_equal(data + len - 4, want, 4);
}

static void test_nvme_crypto_format(void **state) {
        drive("nvme", "format = crypto\nsanitize = crypto\npolls = 1\n");
        _cleanup_close_ int fd = open_img();
        assert_int_equal(nvme(fd, 0x80, 1, 2u << 9, 0, NULL, 0), 0);
        assert_true(image_is(-1));
        drive("nvme", "format = user\n");
        assert_int_equal(nvme(fd, 0x80, 1, 2u << 9, 0, NULL, 0), 0x002 | 0x4000); /* no crypto erase */
        assert_int_equal(nvme(fd, 0x80, 7, 1u << 9, 0, NULL, 0), 0x00b | 0x4000); /* no namespace 7 */
        assert_int_equal(nvme(fd, 0x80, 1, 1u << 9, 0, NULL, 0), 0);
        assert_true(image_is(0));
        drive("nvme", "sanitize = crypto\npolls = 1\n");
        unsigned sprog, sstat;
        assert_int_equal(nvme(fd, 0x84, 0, 4, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_true(image_is(-1));
}

static void test_nvme_failure_reset_lie(void **state) {
        unsigned sprog, sstat;
        drive("nvme", "sanitize = block\nformat = user\npolls = 2\nfail = 1\n");
        _cleanup_close_ int fd = open_img();
        /* without AUSE: restricted failure mode, only a new sanitize leaves it */
        assert_int_equal(nvme(fd, 0x84, 0, 2, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 3);
        assert_true(image_is(0x5a));
        assert_int_equal(nvme(fd, 0x84, 0, 1, 0, NULL, 0), 0x01c | 0x4000);
        assert_int_equal(nvme(fd, 0x80, 1, 1u << 9, 0, NULL, 0), 0x01c | 0x4000);
        assert_int_equal(nvme(fd, 0x84, 0, 2, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_true(image_is(0));

        /* with AUSE: Exit Failure Mode is allowed */
        drive("nvme", "sanitize = block\nformat = user\npolls = 1\nfail = 1\n");
        assert_int_equal(nvme(fd, 0x84, 0, 2 | 1u << 3, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 3);
        assert_int_equal(nvme(fd, 0x84, 0, 1, 0, NULL, 0), 0);
        assert_int_equal(nvme(fd, 0x80, 1, 1u << 9, 0, NULL, 0), 0);

        /* a reset at the second read: that read is aborted, the sanitize goes on */
        drive("nvme", "sanitize = block\npolls = 2\nreset_at_poll = 2\n");
        assert_int_equal(nvme(fd, 0x84, 0, 2, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 2);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0x371);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_true(image_is(0));

        /* the lying drive: done, and nothing changed */
        drive("nvme", "sanitize = crypto\nformat = crypto\npolls = 1\nlie = yes\n");
        assert_int_equal(nvme(fd, 0x84, 0, 4, 0, NULL, 0), 0);
        assert_int_equal(nvme_log81(fd, &sprog, &sstat), 0);
        assert_int_equal(sstat & 7, 1);
        assert_int_equal(nvme(fd, 0x80, 1, 2u << 9, 0, NULL, 0), 0);
        assert_true(image_is(0x5a));
}

/* ---- ATA ---- */

struct ata_out {
        int r;
        unsigned status; /* SCSI status */
        uint8_t sense[32];
        size_t sense_len;
};

/* ATA PASS-THROUGH(16): protocol 3 non-data (CK_COND), 4 PIO in, 5 PIO out. */
static struct ata_out ata(int fd, unsigned protocol, uint8_t command, uint16_t feature, uint16_t count, uint64_t lba,
                          uint8_t *data) {
        uint8_t cdb[16] = { 0x85, (uint8_t) (protocol << 1 | 1), 0, (uint8_t) (feature >> 8), (uint8_t) feature,
                            (uint8_t) (count >> 8), (uint8_t) count, (uint8_t) (lba >> 24), (uint8_t) lba,
                            (uint8_t) (lba >> 32), (uint8_t) (lba >> 8), (uint8_t) (lba >> 40), (uint8_t) (lba >> 16),
                            0x40, command, 0 };
        cdb[2] = protocol == 3 ? 0x20 : protocol == 4 ? 0x0e : 0x06;
        struct ata_out o = {0};
        sg_io_hdr_t io = { .interface_id = 'S', .cmd_len = 16, .cmdp = cdb, .mx_sb_len = sizeof o.sense, .sbp = o.sense,
                           .dxfer_direction = protocol == 4 ? SG_DXFER_FROM_DEV : protocol == 5 ? SG_DXFER_TO_DEV : SG_DXFER_NONE,
                           .dxferp = data, .dxfer_len = data ? 512 : 0 };
        o.r = drive_sg_io(fd, &io);
        o.status = io.status;
        o.sense_len = io.sb_len_wr;
        if (io.host_status) o.r = -EIO;
        return o;
}

/* A password block: word 0 (bit 1 enhanced erase), then 32 bytes. */
static uint8_t *pw(uint8_t *b, const char *password, bool enhanced) {
        memset(b, 0, 512);
        b[0] = enhanced ? 2 : 0;
        memcpy(b + 2, password, strlen(password));
        return b;
}

static bool aborted(struct ata_out o) {
        uint64_t lba;
        return o.r == 0 && o.status == 2 && sanitize_parse_ata_return(o.sense, o.sense_len, &lba) == -EIO;
}

static bool good(struct ata_out o) { return o.r == 0 && o.status == 0; }

/* A non-data command with CK_COND that completed: its registers came back. */
static bool done(struct ata_out o) {
        uint64_t lba;
        return o.r == 0 && o.status == 2 && sanitize_parse_ata_return(o.sense, o.sense_len, &lba) == 0;
}

static struct sanitize_caps *caps(void) {
        struct sanitize_caps *c = NULL;
        assert_int_equal(sanitize_caps_get(img, &c), 0);
        return c;
}

static void test_ata_detect(void **state) {
        drive("ata", "sanitize = crypto,overwrite\nsecurity = yes\nenhanced = yes\nerase_minutes = 4\n"
                     "enhanced_minutes = 10\nvisible_sectors = 2000\ndco = yes\nnative_sectors = 2040\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *c = caps();
        assert_int_equal(c->bus, SANITIZE_BUS_ATA);
        assert_int_equal(c->methods, SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_OVERWRITE |
                                     SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH);
        assert_true(c->security.supported && c->security.enhanced);
        assert_false(c->security.enabled || c->frozen);
        assert_int_equal(c->estimate_seconds[sanitize_method_index(SANITIZE_ATA_SECURE_ERASE)], 240);
        assert_int_equal(c->estimate_seconds[sanitize_method_index(SANITIZE_ATA_SECURE_ERASE_ENH)], 600);
        assert_true(c->hpa.supported && c->hpa.present);
        assert_int_equal(c->hpa.current_max_sectors, 2000);
        assert_int_equal(c->hpa.native_max_sectors, 2040);
        assert_true(c->dco.supported && c->dco.present);
        assert_int_equal(c->dco.factory_max_sectors, IMG_SECTORS);

        drive("ata", "security = yes\nfrozen = yes\nhpa = no\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *f = caps();
        assert_true(f->frozen && f->security.frozen);
        assert_string_equal(sanitize_caps_summary(f), "frozen");
        assert_false(f->hpa.supported || f->hpa.present);
        assert_int_equal(f->hpa.native_max_sectors, 0); /* READ NATIVE MAX aborted */

        /* a drive with nothing: no methods, but still an ATA drive */
        drive("ata", "security = no\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *n = caps();
        assert_int_equal(n->bus, SANITIZE_BUS_ATA);
        assert_int_equal(n->methods, 0);
        assert_string_equal(sanitize_caps_summary(n), "none");
}

static void test_ata_security(void **state) {
        uint8_t b[512];
        drive("ata", "security = yes\nenhanced = yes\nenhanced_fill = ones\n");
        _cleanup_close_ int fd = open_img();
        /* ERASE UNIT needs ERASE PREPARE right before it, and a password set */
        assert_true(aborted(ata(fd, 5, 0xf4, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(good(ata(fd, 5, 0xf1, 0, 1, 0, pw(b, "tmp", false))));
        _cleanup_sanitize_caps_ struct sanitize_caps *c = caps();
        assert_true(c->security.enabled);
        assert_true(done(ata(fd, 3, 0xf3, 0, 0, 0, NULL)));
        assert_true(aborted(ata(fd, 5, 0xf4, 0, 1, 0, pw(b, "wrong", false))));
        assert_true(image_is(0x5a));
        assert_true(done(ata(fd, 3, 0xf3, 0, 0, 0, NULL)));
        assert_true(good(ata(fd, 5, 0xf4, 0, 1, 0, pw(b, "tmp", true))));
        assert_true(image_is(0xff));
        _cleanup_sanitize_caps_ struct sanitize_caps *after = caps();
        assert_false(after->security.enabled); /* a finished erase disables security */

        /* an erase that fails leaves the password set; DISABLE PASSWORD clears it */
        drive("ata", "security = yes\nsecurity_erase_fail = yes\n");
        assert_true(good(ata(fd, 5, 0xf1, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(done(ata(fd, 3, 0xf3, 0, 0, 0, NULL)));
        assert_true(aborted(ata(fd, 5, 0xf4, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(image_is(0x5a));
        _cleanup_sanitize_caps_ struct sanitize_caps *left = caps();
        assert_true(left->security.enabled);
        assert_true(good(ata(fd, 5, 0xf6, 0, 1, 0, pw(b, "tmp", false))));
        _cleanup_sanitize_caps_ struct sanitize_caps *cleared = caps();
        assert_false(cleared->security.enabled);

        /* five wrong passwords: the count expires */
        drive("ata", "security = yes\npassword = left\n");
        for (int i = 0; i < 5; i++) assert_true(aborted(ata(fd, 5, 0xf6, 0, 1, 0, pw(b, "nope", false))));
        _cleanup_sanitize_caps_ struct sanitize_caps *x = caps();
        assert_true(x->security.enabled && x->security.count_expired);

        /* locked by a password left set: UNLOCK with it, then DISABLE PASSWORD */
        drive("ata", "security = yes\npassword = left\nlocked = yes\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *l = caps();
        assert_true(l->security.enabled && l->security.locked);
        assert_true(aborted(ata(fd, 5, 0xf6, 0, 1, 0, pw(b, "left", false)))); /* not while locked */
        assert_true(aborted(ata(fd, 5, 0xf2, 0, 1, 0, pw(b, "right", false))));
        assert_true(good(ata(fd, 5, 0xf2, 0, 1, 0, pw(b, "left", false))));
        assert_true(good(ata(fd, 5, 0xf6, 0, 1, 0, pw(b, "left", false))));
        _cleanup_sanitize_caps_ struct sanitize_caps *u = caps();
        assert_false(u->security.enabled || u->security.locked);

        /* frozen: everything refused */
        drive("ata", "security = yes\nfrozen = yes\n");
        assert_true(aborted(ata(fd, 5, 0xf1, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(aborted(ata(fd, 3, 0xf3, 0, 0, 0, NULL)));

        /* the lying drive: the erase succeeds, the data stays */
        drive("ata", "security = yes\nlie = yes\n");
        assert_true(good(ata(fd, 5, 0xf1, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(done(ata(fd, 3, 0xf3, 0, 0, 0, NULL)));
        assert_true(good(ata(fd, 5, 0xf4, 0, 1, 0, pw(b, "tmp", false))));
        assert_true(image_is(0x5a));
}

/* SANITIZE STATUS EXT: the registers from the ATA return descriptor. */
static void ata_status(int fd, uint16_t count, unsigned *ret_count, uint64_t *ret_lba, bool *ret_err) {
        struct ata_out o = ata(fd, 3, 0xb4, 0, count, 0, NULL);
        assert_int_equal(o.r, 0);
        assert_int_equal(o.status, 2); /* CK_COND: CHECK CONDITION with the registers */
        assert_int_equal(o.sense[0], 0x72);
        int r = sanitize_parse_ata_return(o.sense, o.sense_len, ret_lba);
        *ret_err = r == -EIO;
        if (r == 0) assert_int_equal(o.sense[1], 0x01); /* RECOVERED ERROR, 00/1D */
        *ret_count = (unsigned) (o.sense[8 + 4] << 8 | o.sense[8 + 5]);
        if (*ret_err) *ret_lba = o.sense[8 + 7];
}

static void test_ata_sanitize(void **state) {
        drive("ata", "sanitize = crypto,block,overwrite\npolls = 2\n");
        _cleanup_close_ int fd = open_img();
        unsigned count;
        uint64_t lba;
        bool err;
        assert_true(aborted(ata(fd, 3, 0xb4, 0x12, 0, 0x1234, NULL))); /* wrong key */
        /* OVERWRITE EXT: 3 passes of 000000FFh, inverted between them */
        assert_true(done(ata(fd, 3, 0xb4, 0x14, 3 | 0x80, 0x4f57ull << 32 | 0xff, NULL)));
        ata_status(fd, 0, &count, &lba, &err);
        assert_false(err);
        assert_true(count & 1u << 14);
        assert_int_equal(lba, 32768);
        assert_true(image_is(0x5a));
        assert_true(aborted(ata(fd, 3, 0x27, 0, 0, 0, NULL))); /* nothing else while it runs */
        assert_true(aborted(ata(fd, 3, 0xb4, 0x12, 0, 0x426b4572, NULL)));
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(count & 1u << 15);
        assert_false(count & 1u << 14);
        _cleanup_free_ char *data = NULL;
        size_t len;
        assert_int_equal(read_file(img, 8u << 20, &data, &len), 0);
        assert_memory_equal(data, "\xff\0\0\0\xff\0\0\0", 8);
        assert_memory_equal(data + len - 4, "\xff\0\0\0", 4);

        assert_true(done(ata(fd, 3, 0xb4, 0x12, 0, 0x426b4572, NULL))); /* BLOCK ERASE EXT */
        ata_status(fd, 0, &count, &lba, &err);
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(count & 1u << 15);
        assert_true(image_is(0));

        /* failure with FAILURE MODE set: CLEAR SANITIZE OPERATION FAILED works */
        drive("ata", "sanitize = crypto\npolls = 1\nfail = 1\n");
        ata(fd, 3, 0xb4, 0x11, 0x10, 0x43727970, NULL);
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(err);
        assert_int_equal(lba, 1);
        ata_status(fd, 1, &count, &lba, &err);
        assert_false(err);
        assert_false(count & 1u << 15);
        /* without FAILURE MODE only a new sanitize clears it */
        drive("ata", "sanitize = crypto\npolls = 1\nfail = 1\n");
        ata(fd, 3, 0xb4, 0x11, 0, 0x43727970, NULL);
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(err);
        assert_true(aborted(ata(fd, 3, 0xb4, 0, 1, 0, NULL)));
        ata(fd, 3, 0xb4, 0x11, 0, 0x43727970, NULL);
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(count & 1u << 15);
        assert_true(image_is(-1));

        /* a reset during a status read */
        drive("ata", "sanitize = block\npolls = 1\nreset_at_poll = 1\n");
        ata(fd, 3, 0xb4, 0x12, 0, 0x426b4572, NULL);
        assert_int_equal(ata(fd, 3, 0xb4, 0, 0, 0, NULL).r, -EIO);
        ata_status(fd, 0, &count, &lba, &err);
        assert_true(count & 1u << 15);
        assert_true(image_is(0));
}

static void test_ata_hpa_dco(void **state) {
        drive("ata", "visible_sectors = 1000\ndco = yes\n");
        _cleanup_close_ int fd = open_img();
        /* SET MAX must follow READ NATIVE MAX */
        assert_true(aborted(ata(fd, 3, 0x37, 0, 0, IMG_SECTORS - 1, NULL)));
        assert_true(aborted(ata(fd, 3, 0xb1, 0xc0, 0, 0, NULL))); /* DCO RESTORE refused under an HPA */
        struct ata_out o = ata(fd, 3, 0x27, 0, 0, 0, NULL);
        uint64_t lba = 0;
        assert_int_equal(sanitize_parse_ata_return(o.sense, o.sense_len, &lba), 0);
        assert_int_equal(lba, IMG_SECTORS - 1);
        assert_true(aborted(ata(fd, 3, 0x37, 0, 0, IMG_SECTORS, NULL))); /* beyond native */
        ata(fd, 3, 0x27, 0, 0, 0, NULL);
        o = ata(fd, 3, 0x37, 0, 0, IMG_SECTORS - 1, NULL);
        assert_int_equal(sanitize_parse_ata_return(o.sense, o.sense_len, &lba), 0);
        _cleanup_sanitize_caps_ struct sanitize_caps *c = caps();
        assert_false(c->hpa.present);
        assert_int_equal(c->hpa.current_max_sectors, IMG_SECTORS);

        drive("ata", "dco = yes\nnative_sectors = 1500\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *d = caps();
        assert_true(d->dco.present);
        assert_int_equal(d->hpa.native_max_sectors, 1500);
        o = ata(fd, 3, 0xb1, 0xc0, 0, 0, NULL);
        assert_int_equal(sanitize_parse_ata_return(o.sense, o.sense_len, &lba), 0);
        _cleanup_sanitize_caps_ struct sanitize_caps *r = caps();
        assert_false(r->dco.present);
        assert_int_equal(r->hpa.native_max_sectors, IMG_SECTORS);
        assert_int_equal(r->hpa.current_max_sectors, IMG_SECTORS);
}

static void test_bad_description(void **state) {
        _cleanup_free_ char *text = xasprintf("target = %s\nimage = %s\n# fine\nbus = ata\npolls = many\n", img, img);
        assert_int_equal(write_file_atomic(desc, text, strlen(text), 0600), 0);
        assert_int_equal(scripted_drive_check(desc), -EINVAL);
        _cleanup_free_ char *want = xasprintf("scripted drive '%s' line 5: bad value 'many' for 'polls'", desc);
        assert_string_equal(err_msg(), want);
        /* and detection says so instead of asking the kernel */
        drive_io_set_ops(scripted_drive_ops(desc));
        struct sanitize_caps *c = NULL;
        assert_int_equal(sanitize_caps_get(img, &c), -EINVAL);
        assert_string_equal(err_msg(), want);
        assert_null(c);

        free(text);
        text = xasprintf("target = %s\nimage = %s\ncolour = blue\n", img, img);
        assert_int_equal(write_file_atomic(desc, text, strlen(text), 0600), 0);
        assert_int_equal(scripted_drive_check(desc), -EINVAL);
        free(want);
        want = xasprintf("scripted drive '%s' line 3: unknown key 'colour'", desc);
        assert_string_equal(err_msg(), want);

        free(text);
        text = xasprintf("target = %s\nimage = /dev/null\n", img);
        assert_int_equal(write_file_atomic(desc, text, strlen(text), 0600), 0);
        assert_int_equal(scripted_drive_check(desc), -EINVAL);
        free(want);
        want = xasprintf("scripted drive '%s': image '/dev/null' is not a regular file of a sector or more", desc);
        assert_string_equal(err_msg(), want);

        /* a path the drive does not claim goes to the kernel */
        drive("ata", "security = yes\n");
        int nvme = 7;
        assert_int_equal(drive_io_claims("/dev/null", &nvme), 0);
        assert_int_equal(nvme, 7);
        drive_io_set_ops(NULL);
}

/* ---- the firmware commands (sanitize-cmd.c) against the drive ---- */

static enum sanitize_state poll_state(const struct sanitize_caps *c, unsigned method, double *ret_fraction) {
        struct sanitize_poll p;
        assert_int_equal(sanitize_poll_get(img, c, method, &p), 0);
        enum sanitize_state st = p.state;
        if (ret_fraction) *ret_fraction = p.fraction;
        sanitize_poll_done(&p);
        return st;
}

static void start(const struct sanitize_caps *c, unsigned method, int want) {
        struct sanitize_settings set = { .method = method };
        _cleanup_json_ json_t *cmd = NULL;
        int r = sanitize_start(img, c, &set, &cmd);
        if (r != want) fail_msg("sanitize_start: %d (%s), wanted %d", r, err_msg(), want);
}

static void test_cmd_nvme(void **state) {
        drive("nvme", "sanitize = crypto,block\nformat = user\npolls = 2\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *c = caps();
        double f;
        start(c, SANITIZE_NVME_SANITIZE_BLOCK, 0);
        assert_int_equal(poll_state(c, SANITIZE_NVME_SANITIZE_BLOCK, &f), SANITIZE_STATE_RUNNING);
        assert_true(f > 0.49 && f < 0.51);
        assert_true(image_is(0x5a));
        assert_int_equal(poll_state(c, SANITIZE_NVME_SANITIZE_BLOCK, &f), SANITIZE_STATE_DONE);
        assert_true(image_is(0));
        start(c, SANITIZE_NVME_SANITIZE_CRYPTO, 0);
        poll_state(c, SANITIZE_NVME_SANITIZE_CRYPTO, NULL);
        assert_int_equal(poll_state(c, SANITIZE_NVME_SANITIZE_CRYPTO, NULL), SANITIZE_STATE_DONE);
        assert_true(image_is(-1));
        start(c, SANITIZE_NVME_FORMAT_USER, 0);
        assert_true(image_is(0));

        drive("nvme", "sanitize = block\npolls = 1\nfail = 1\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *x = caps();
        start(x, SANITIZE_NVME_SANITIZE_BLOCK, 0);
        assert_int_equal(poll_state(x, SANITIZE_NVME_SANITIZE_BLOCK, NULL), SANITIZE_STATE_FAILED);
        assert_int_equal(sanitize_exit_failure(img, x, SANITIZE_NVME_SANITIZE_BLOCK), -EPROTO); /* no AUSE */
        start(x, SANITIZE_NVME_SANITIZE_BLOCK, 0);
        assert_int_equal(poll_state(x, SANITIZE_NVME_SANITIZE_BLOCK, NULL), SANITIZE_STATE_DONE);
}

static void test_cmd_ata(void **state) {
        drive("ata", "sanitize = block,crypto\npolls = 2\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *c = caps();
        double f;
        assert_int_equal(poll_state(c, SANITIZE_ATA_SANITIZE_BLOCK, NULL), SANITIZE_STATE_IDLE);
        start(c, SANITIZE_ATA_SANITIZE_BLOCK, 0);
        assert_int_equal(poll_state(c, SANITIZE_ATA_SANITIZE_BLOCK, &f), SANITIZE_STATE_RUNNING);
        assert_true(f > 0.49 && f < 0.51);
        assert_int_equal(poll_state(c, SANITIZE_ATA_SANITIZE_BLOCK, &f), SANITIZE_STATE_DONE);
        assert_true(image_is(0));

        drive("ata", "sanitize = crypto\npolls = 1\nfail = 1\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *x = caps();
        start(x, SANITIZE_ATA_SANITIZE_CRYPTO, 0);
        assert_int_equal(poll_state(x, SANITIZE_ATA_SANITIZE_CRYPTO, NULL), SANITIZE_STATE_FAILED);
        assert_int_equal(sanitize_exit_failure(img, x, SANITIZE_ATA_SANITIZE_CRYPTO), -EPROTO); /* no FAILURE MODE */
        start(x, SANITIZE_ATA_SANITIZE_CRYPTO, 0);
        assert_int_equal(poll_state(x, SANITIZE_ATA_SANITIZE_CRYPTO, NULL), SANITIZE_STATE_DONE);
        assert_true(image_is(-1));

        /* security erase: done, and security off again */
        drive("ata", "security = yes\nenhanced = yes\nenhanced_fill = ones\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *s = caps();
        start(s, SANITIZE_ATA_SECURE_ERASE_ENH, 0);
        assert_true(image_is(0xff));
        _cleanup_sanitize_caps_ struct sanitize_caps *s2 = caps();
        assert_false(s2->security.enabled);
        /* an erase that fails: the temporary password is taken off again */
        drive("ata", "security = yes\nsecurity_erase_fail = yes\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *e = caps();
        start(e, SANITIZE_ATA_SECURE_ERASE, -EPROTO);
        assert_non_null(strstr(err_msg(), "the temporary password was disabled again"));
        assert_true(image_is(0x5a));
        _cleanup_sanitize_caps_ struct sanitize_caps *e2 = caps();
        assert_false(e2->security.enabled || e2->security.locked);
        /* frozen: refused before anything is sent */
        drive("ata", "security = yes\nfrozen = yes\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *z = caps();
        start(z, SANITIZE_ATA_SECURE_ERASE, -EBUSY);

        /* the HPA removed, then the DCO restored */
        drive("ata", "visible_sectors = 1000\ndco = yes\nnative_sectors = 1500\n");
        _cleanup_sanitize_caps_ struct sanitize_caps *h = caps();
        _cleanup_json_ json_t *hj = NULL, *dj = NULL;
        assert_int_equal(sanitize_dco_restore(img, &dj), -EPROTO); /* not under an HPA */
        assert_int_equal(sanitize_hpa_remove(img, h, false, &hj), 0);
        assert_int_equal(json_integer_value(json_object_get(hj, "native_max_sectors")), 1500);
        assert_int_equal(json_integer_value(json_object_get(hj, "previous_max_sectors")), 1000);
        assert_int_equal(sanitize_dco_restore(img, &dj), 0);
        _cleanup_sanitize_caps_ struct sanitize_caps *h2 = caps();
        assert_false(h2->hpa.present || h2->dco.present);
        assert_int_equal(h2->hpa.current_max_sectors, IMG_SECTORS);
}

static int setup(void **state) {
        if (!mkdtemp(dir)) return -1;
        img = xasprintf("%s/img", dir);
        desc = xasprintf("%s/drive", dir);
        return 0;
}

static int teardown(void **state) {
        _cleanup_free_ char *st = xasprintf("%s.state", desc);
        unlink(st);
        unlink(desc);
        unlink(img);
        rmdir(dir);
        free(img);
        free(desc);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nvme_detect),     cmocka_unit_test(test_nvme_sanitize_progress),
                cmocka_unit_test(test_nvme_crypto_format), cmocka_unit_test(test_nvme_failure_reset_lie),
                cmocka_unit_test(test_ata_detect),      cmocka_unit_test(test_ata_security),
                cmocka_unit_test(test_ata_sanitize),    cmocka_unit_test(test_ata_hpa_dco),
                cmocka_unit_test(test_bad_description), cmocka_unit_test(test_cmd_nvme),
                cmocka_unit_test(test_cmd_ata),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
