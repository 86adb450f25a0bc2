/* The firmware path's pieces that need no drive (issue 11): ATA Security
 * Erase through a stand-in for SG_IO (every failure leaves the password
 * disabled again), the markers and the validation on image files, the
 * purge order and the NIST table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "config.h"
#include "drive-io.h"
#include "sanitize.h"
#include "wipe-firmware-internal.h"
#include "util.h"
#include "core-internal.h"
#include "wipe-record-internal.h"
#include "json.h"
#include "cert.h"

/* ---- a scripted ATA drive for the security sequence ---- */

static struct {
        uint8_t cmds[16];       /* ATA command bytes seen, in order */
        size_t n;
        uint8_t fail_cmd;       /* the command that fails (ABRT), 0 none */
        uint8_t fail_also;      /* a second one that fails */
        char passwords[16][33]; /* the password each PIO data-out carried */
} drive;

static int stub_sg_io(int fd, sg_io_hdr_t *io) {
        const uint8_t *cdb = io->cmdp;
        uint8_t cmd = cdb[14];
        if (drive.n < ELEMENTSOF(drive.cmds)) {
                if (io->dxfer_direction == SG_DXFER_TO_DEV && io->dxfer_len == 512)
                        memcpy(drive.passwords[drive.n], (const uint8_t *) io->dxferp + 2, 32);
                drive.cmds[drive.n++] = cmd;
        }
        io->host_status = 0;
        io->driver_status = 0;
        bool fail = cmd == drive.fail_cmd || cmd == drive.fail_also;
        /* descriptor sense with an ATA status return: ERR + ABRT on failure */
        uint8_t sense[22] = {0x72, fail ? 0x0b : 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0, fail ? 0x04 : 0,
                             0, 0, 0, 0, 0, 0, 0, 0, 0x40, fail ? 0x51 : 0x50};
        bool ck = cdb[2] & 0x20;
        if (fail || ck) {
                memcpy(io->sbp, sense, sizeof sense);
                io->sb_len_wr = sizeof sense;
                io->status = fail ? 0x02 : 0x00;
        } else {
                io->sb_len_wr = 0;
                io->status = 0;
        }
        return 0;
}

static const struct drive_io_ops stub_ops = {.sg_io = stub_sg_io};

static int run_erase(uint8_t fail_cmd, uint8_t fail_also, bool enhanced, json_t **ret_steps) {
        memset(&drive, 0, sizeof drive);
        drive.fail_cmd = fail_cmd;
        drive.fail_also = fail_also;
        drive_io_set_ops(&stub_ops);
        int fd = open("/dev/null", O_RDWR);
        assert_true(fd >= 0);
        char pw[32] = "assetctl-0123456789abcdef";
        json_t *steps = json_array();
        int r = sanitize_security_erase(fd, enhanced, pw, 60, steps);
        close(fd);
        drive_io_set_ops(NULL);
        *ret_steps = steps;
        return r;
}

static void test_security_erase_ok(void **state) {
        (void) state;
        json_t *steps;
        assert_int_equal(run_erase(0, 0, true, &steps), 0);
        /* SET PASSWORD, ERASE PREPARE, ERASE UNIT; no disable (the erase clears it) */
        assert_int_equal(drive.n, 3);
        assert_int_equal(drive.cmds[0], 0xf1);
        assert_int_equal(drive.cmds[1], 0xf3);
        assert_int_equal(drive.cmds[2], 0xf4);
        assert_string_equal(drive.passwords[0], "assetctl-0123456789abcdef");
        assert_string_equal(drive.passwords[2], "assetctl-0123456789abcdef");
        assert_int_equal(json_array_size(steps), 3);
        json_decref(steps);
}

static void test_security_erase_set_password_fails(void **state) {
        (void) state;
        json_t *steps;
        assert_int_equal(run_erase(0xf1, 0, false, &steps), -EPROTO);
        /* nothing was set, so nothing is undone */
        assert_int_equal(drive.n, 1);
        json_decref(steps);
}

static void test_security_erase_unit_fails(void **state) {
        (void) state;
        json_t *steps;
        assert_int_equal(run_erase(0xf4, 0, false, &steps), -EPROTO);
        /* the password comes off again: UNLOCK, then DISABLE PASSWORD with it */
        assert_int_equal(drive.n, 5);
        assert_int_equal(drive.cmds[3], 0xf2);
        assert_int_equal(drive.cmds[4], 0xf6);
        assert_string_equal(drive.passwords[4], "assetctl-0123456789abcdef");
        assert_non_null(strstr(err_msg(), "the temporary password was disabled again, the drive is as it was"));
        assert_non_null(strstr(err_msg(), "security erase unit: the drive aborted it"));
        json_decref(steps);
}

static void test_security_erase_prepare_fails(void **state) {
        (void) state;
        json_t *steps;
        assert_int_equal(run_erase(0xf3, 0, false, &steps), -EPROTO);
        assert_int_equal(drive.n, 4);
        assert_int_equal(drive.cmds[3], 0xf6);
        json_decref(steps);
}

static void test_security_erase_disable_fails_too(void **state) {
        (void) state;
        json_t *steps;
        assert_int_equal(run_erase(0xf4, 0xf6, false, &steps), -EPROTO);
        assert_non_null(strstr(err_msg(), "the temporary password could NOT be disabled"));
        /* every step is in the record, the failed ones with their error */
        assert_int_equal(json_array_size(steps), 5);
        assert_true(json_is_false(json_object_get(json_array_get(steps, 4), "ok")));
        json_decref(steps);
}

/* ---- markers and validation on an image file ---- */

static char *make_image(uint64_t size, int fill) {
        char *path = xstrdup("/tmp/test-wipe-firmware-img.XXXXXX");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        uint8_t buf[65536];
        memset(buf, fill, sizeof buf);
        for (uint64_t off = 0; off < size; off += sizeof buf) assert_int_equal(write(fd, buf, sizeof buf), (ssize_t) sizeof buf);
        close(fd);
        return path;
}

static void plant(const char *path, struct fw_markers *m) {
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(fw_markers_plan((uint64_t) st.st_size, 512, m), 0);
        int fd = open(path, O_RDWR);
        assert_int_equal(fw_markers_write(fd, 512, 7, m), 0);
        close(fd);
}

static void fill(const char *path, int how) {
        int fd = open(path, O_RDWR);
        struct stat st;
        fstat(fd, &st);
        uint8_t buf[65536];
        for (off_t off = 0; off < st.st_size; off += (off_t) sizeof buf) {
                if (how == 'r') assert_int_equal(getrandom(buf, sizeof buf, 0), (ssize_t) sizeof buf);
                else if (how == 'c')
                        for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t) i; /* a counter: uniform counts, not random */
                else if (how == 'p')
                        for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t) (0xa5c3e1f0u >> (8 * (i % 4)));
                else memset(buf, how, sizeof buf);
                assert_int_equal(pwrite(fd, buf, sizeof buf, off), (ssize_t) sizeof buf);
        }
        close(fd);
}

static json_t *validate(const char *path, const struct fw_markers *m, enum fw_expect e, uint32_t pattern, bool all) {
        json_t *v = NULL;
        assert_int_equal(fw_validate(path, m, e, pattern, false, all, &v), 0);
        return v;
}

static void test_markers_plan(void **state) {
        (void) state;
        struct fw_markers m;
        assert_int_equal(fw_markers_plan(64ull << 20, 512, &m), 0);
        assert_int_equal(m.n, 64);
        assert_int_equal(m.pos[0], 0);
        assert_int_equal(m.pos[m.n - 1], (64ull << 20) / 512 - 1);
        for (size_t i = 1; i < m.n; i++) assert_true(m.pos[i] > m.pos[i - 1]);
        fw_markers_done(&m);
        assert_int_equal(fw_markers_plan(2ull << 40, 4096, &m), 0);
        assert_int_equal(m.n, 1000);
        fw_markers_done(&m);
        assert_int_equal(fw_markers_plan(3ull << 20, 512, &m), 0);
        assert_int_equal(m.n, 3);
        json_t *j = fw_markers_json(&m);
        struct fw_markers back;
        assert_int_equal(fw_markers_from_json(j, &back), 0);
        assert_int_equal(back.n, 3);
        assert_memory_equal(back.nonce, m.nonce, 16);
        assert_memory_equal(back.pos, m.pos, 3 * sizeof *m.pos);
        json_decref(j);
        fw_markers_done(&m);
        fw_markers_done(&back);
        assert_int_equal(fw_markers_plan(512, 512, &m), -EINVAL);
}

static void test_validate(void **state) {
        (void) state;
        _cleanup_free_ char *path = make_image(8 << 20, 0x5a);
        struct fw_markers m;
        plant(path, &m);
        /* a lying drive: it said done and changed nothing */
        json_t *v = validate(path, &m, FW_EXPECT_CONSTANT, 0, false);
        assert_true(json_is_false(json_object_get(v, "passed")));
        assert_int_equal(json_integer_value(json_object_get(v, "markers_survived")), 8);
        assert_string_equal(json_str(v, "why"), "8 of 8 markers survived the command: the data is still there");
        json_decref(v);
        /* zeros after a block erase */
        fill(path, 0);
        v = validate(path, &m, FW_EXPECT_CONSTANT, 0, false);
        assert_true(json_is_true(json_object_get(v, "passed")));
        assert_string_equal(json_str(v, "reads_as"), "zeros");
        json_decref(v);
        v = validate(path, &m, FW_EXPECT_CONSTANT, 0, true);
        assert_true(json_is_true(json_object_get(v, "passed")));
        assert_int_equal(json_integer_value(json_object_get(v, "sectors_read")), (8 << 20) / 512);
        json_decref(v);
        /* ones too (a vendor's erased state) */
        fill(path, 0xff);
        v = validate(path, &m, FW_EXPECT_CONSTANT, 0, false);
        assert_string_equal(json_str(v, "reads_as"), "constant ff");
        assert_true(json_is_true(json_object_get(v, "passed")));
        json_decref(v);
        /* random after a crypto erase; random is not what a block erase promises */
        fill(path, 'r');
        v = validate(path, &m, FW_EXPECT_RANDOM_OR_CONSTANT, 0, true);
        assert_string_equal(json_str(v, "reads_as"), "random");
        assert_true(json_is_true(json_object_get(v, "passed")));
        json_decref(v);
        v = validate(path, &m, FW_EXPECT_CONSTANT, 0, false);
        assert_true(json_is_false(json_object_get(v, "passed")));
        json_decref(v);
        /* a counter has perfectly even byte counts: the pair test catches it */
        fill(path, 'c');
        v = validate(path, &m, FW_EXPECT_RANDOM_OR_CONSTANT, 0, true);
        assert_string_equal(json_str(v, "reads_as"), "mixed");
        assert_true(json_is_false(json_object_get(v, "passed")));
        json_decref(v);
        /* the overwrite pattern, in the drive's byte order */
        fill(path, 'p');
        v = validate(path, &m, FW_EXPECT_PATTERN, 0xa5c3e1f0u, false);
        assert_true(json_is_true(json_object_get(v, "passed")));
        json_decref(v);
        v = validate(path, &m, FW_EXPECT_PATTERN, 0x11223344u, false);
        assert_true(json_is_false(json_object_get(v, "passed")));
        json_decref(v);
        /* one marker left behind (a drive that skipped a block) */
        fill(path, 0);
        struct fw_markers one = m;
        one.n = 1;
        int fd = open(path, O_RDWR);
        assert_int_equal(fw_markers_write(fd, 512, 7, &one), 0);
        close(fd);
        v = validate(path, &m, FW_EXPECT_CONSTANT, 0, false);
        assert_int_equal(json_integer_value(json_object_get(v, "markers_survived")), 1);
        assert_true(json_is_false(json_object_get(v, "passed")));
        json_decref(v);
        fw_markers_done(&m);
        unlink(path);
}

static void test_tables(void **state) {
        (void) state;
        assert_int_equal(sanitize_purge_choice(0), 0);
        assert_int_equal(sanitize_purge_choice(SANITIZE_NVME_FORMAT_USER | SANITIZE_NVME_SANITIZE_CRYPTO), SANITIZE_NVME_SANITIZE_CRYPTO);
        assert_int_equal(sanitize_purge_choice(SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH), SANITIZE_ATA_SECURE_ERASE_ENH);
        assert_int_equal(sanitize_purge_choice(SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK), SANITIZE_ATA_SANITIZE_BLOCK);
        assert_string_equal(fw_technique(SANITIZE_NVME_FORMAT_USER), "block erase");
        assert_string_equal(fw_technique(SANITIZE_NVME_FORMAT_CRYPTO), "cryptographic erase");
        assert_string_equal(fw_technique(SANITIZE_ATA_SECURE_ERASE), "firmware overwrite");
        assert_string_equal(fw_nist_category(SANITIZE_NVME_FORMAT_USER, "nvme"), "purge");
        assert_string_equal(fw_nist_category(SANITIZE_ATA_SANITIZE_OVERWRITE, "ssd"), "not classified");
        assert_string_equal(fw_nist_category(SANITIZE_ATA_SANITIZE_OVERWRITE, "hdd"), "purge");
        assert_string_equal(fw_nist_category(SANITIZE_ATA_SECURE_ERASE, "ssd"), "not classified");
        assert_string_equal(fw_nist_category(SANITIZE_NVME_SANITIZE_OVERWRITE, "nvme"), "not classified");
        assert_null(fw_technique_by_name("zero"));
        assert_string_equal(fw_nist_category_by_name("scsi-sanitize-block", "ssd"), "purge");
}


/* ---- the session on a scripted NVMe controller over an image file ---- */

static char tmpdir[] = "/tmp/assetctl-test-wipe-firmware-XXXXXX";
static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) { return remove(p); }

enum nv_mode { NV_OK, NV_FAIL, NV_LIAR, NV_RESET, NV_HANG };
static struct {
        const char *img;
        ino_t ino;
        enum nv_mode mode;
        bool running;
        unsigned polls, sanitizes;
        uint32_t sstat, cdw10;
        uint16_t sprog;
        volatile sig_atomic_t *stop; /* set by the drive after its first poll: the operator's Ctrl-C */
        unsigned namespaces;         /* active namespaces (0: 1) */
        unsigned progress_seen, stop_notices;
} nv;

static bool nv_fd(int fd) {
        struct stat st;
        return fstat(fd, &st) == 0 && st.st_ino == nv.ino;
}

static int nv_claims(const char *path, int *ret_nvme) {
        if (!streq(path, nv.img)) return 0;
        *ret_nvme = 1;
        return 1;
}

static void nv_zero(void) {
        int fd = open(nv.img, O_WRONLY);
        struct stat st;
        fstat(fd, &st);
        uint8_t z[65536] = {0};
        for (off_t o = 0; o < st.st_size; o += (off_t) sizeof z) assert_int_equal(pwrite(fd, z, sizeof z, o), (ssize_t) sizeof z);
        close(fd);
}

static int nv_admin(int fd, struct nvme_admin_cmd *c) {
        if (!nv_fd(fd)) return drive_nvme_admin_real(fd, c);
        uint8_t *b = (uint8_t *) (uintptr_t) c->addr;
        if (c->data_len) memset(b, 0, c->data_len);
        switch (c->opcode) {
        case 0x06:
                if (c->cdw10 == 1) {          /* identify controller */
                        b[0] = 0x36, b[1] = 0x1b;
                        b[256] = 0x02;         /* OACS: format */
                        b[328] = 0x07;         /* SANICAP: crypto, block, overwrite */
                        b[516] = (uint8_t) (nv.namespaces ? nv.namespaces : 1); /* NN */
                } else if (c->cdw10 == 2) {   /* active namespaces */
                        for (unsigned k = 0; k < (nv.namespaces ? nv.namespaces : 1); k++) b[4 * k] = (uint8_t) (k + 1);
                }
                return 0;                      /* identify namespace: FLBAS 0 */
        case 0x02:                             /* log 81h */
                if (nv.running) {
                        nv.polls++;
                        if (nv.polls == 1 && nv.stop) *nv.stop = 1;
                        if (nv.mode == NV_RESET && nv.polls == 2) return -EIO; /* a controller reset */
                        nv.sprog = (uint16_t) (nv.polls * 16384 > 65535 ? 65535 : nv.polls * 16384);
                        if (nv.polls >= 4 && nv.mode != NV_HANG) {
                                nv.running = false;
                                nv.sstat = nv.mode == NV_FAIL ? 3 : 1;
                                if (nv.mode != NV_FAIL && nv.mode != NV_LIAR) nv_zero();
                                nv.sprog = 65535;
                        }
                }
                b[0] = (uint8_t) nv.sprog, b[1] = (uint8_t) (nv.sprog >> 8);
                b[2] = (uint8_t) nv.sstat, b[3] = (uint8_t) (nv.sstat >> 8);
                memcpy(b + 4, &nv.cdw10, 4);
                memset(b + 8, 0xff, 12);
                return 0;
        case 0x84:
                nv.sanitizes++;
                nv.cdw10 = c->cdw10;
                nv.running = true;
                nv.sstat = 2;
                nv.polls = 0;
                return 0;
        }
        return 0x2001; /* invalid opcode (status) */
}

static const struct drive_io_ops nv_ops = {.claims = nv_claims, .nvme_admin = nv_admin};

static int nv_confirm(void *ud, size_t i, const struct wipe_session_target *t, char **ret_typed, bool *ret_preset) {
        *ret_typed = xstrdup(t->confirm);
        *ret_preset = true;
        return 0;
}

static void nv_progress(void *ud, size_t i, int64_t id, const struct wipe_session_progress *p) {
        if (!p->firmware) return;
        nv.progress_seen++;
        if (p->stop_ignored) nv.stop_notices++;
}

static struct db *nv_db(void) {
        static int n;
        char *path = xasprintf("%s/db%d/assets.db", tmpdir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        free(path);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        return db;
}

/* Run `method` on a fresh 4 MiB image of 0x5a under mode; *ret the result. */
static bool nv_then_overwrite, nv_verify_all;
static const char *nv_also;
static unsigned nv_timeout, nv_namespaces;

static void nv_run(enum nv_mode mode, const char *method, struct db *db, char *img, struct wipe_session_result *ret, json_t **ret_wipe) {
        static volatile sig_atomic_t stop;
        stop = 0;
        struct stat st;
        assert_int_equal(stat(img, &st), 0);
        nv = (typeof(nv)) {.img = img, .ino = st.st_ino, .mode = mode, .stop = nv_then_overwrite ? NULL : &stop,
                           .namespaces = nv_namespaces};
        setenv("ASSETCTL_TEST_POLL_MS", "1", 1);
        drive_io_set_ops(&nv_ops);
        struct wipe_session *s = NULL;
        const char *also[] = {nv_also};
        struct wipe_session_params p = {.method = method, .stop = &stop, .then_overwrite = nv_then_overwrite,
                                        .verify = nv_verify_all ? "all" : NULL, .also_namespaces = also,
                                        .n_also_namespaces = nv_also ? 1 : 0, .timeout_s = nv_timeout};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        int r = wipe_session_add(s, img);
        if (r < 0) {
                wipe_session_free(s);
                drive_io_set_ops(NULL);
                ret->outcome = NULL;
                *ret_wipe = NULL;
                return;
        }
        struct wipe_session_callbacks cb = {.confirm = nv_confirm, .progress = nv_progress};
        assert_int_equal(wipe_session_run(s, &cb), 0);
        struct wipe_session_result res;
        wipe_session_result(s, 0, &res);
        *ret = res;
        ret->error = res.error ? xstrdup(res.error) : NULL;
        assert_int_equal(wipe_get(db, res.wipe_id, ret_wipe), 0);
        wipe_session_free(s);
        drive_io_set_ops(NULL);
}

/* The certificate of firmware wipe w on a medium of `kind` passes its own
 * checks (cert_from_wipe runs them); returns the document. */
static json_t *cert_of(json_t *w, const char *kind) {
        json_t *asset = json_pack("{ssssssss}", "tag", "TS-000001", "make", "Dell", "model", "Latitude", "serial", "ABC1");
        json_t *medium = json_pack("{sssssIss}", "model", "SSD", "serial", "S1", "size_bytes", (json_int_t) (4 << 20), "kind", kind);
        json_t *auth = json_pack("{sssssssssb}", "name", "Head Teacher", "role", "Headteacher", "person_ref", "HT",
                                 "authorised_at", "2026-01-04T09:00:00Z", "signed", 0);
        struct cert_context c = {"TS-CERT-000001", "2099-01-05T10:06:00Z", "Test School", "tech", asset, medium, auth,
                                 "0000000000000000000000000000000000000000000000000000000000000000"};
        json_t *doc = NULL;
        int r = cert_from_wipe(w, &c, &doc);
        if (r < 0) fprintf(stderr, "%s\n", err_msg());
        assert_int_equal(r, 0);
        json_decref(asset);
        json_decref(medium);
        json_decref(auth);
        return doc;
}

static void test_session_sanitize(void **state) {
        (void) state;
        struct db *db = nv_db();
        _cleanup_free_ char *img = make_image(4 << 20, 0x5a);
        struct wipe_session_result res;
        json_t *w;
        nv_run(NV_OK, "nvme-sanitize-block", db, img, &res, &w);
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(nv.sanitizes, 1);
        assert_int_equal(nv.cdw10, 0x002);            /* SANACT block erase, AUSE 0 */
        assert_true(nv.progress_seen >= 4);
        assert_int_equal(nv.stop_notices > 0, 1);      /* the stop request was noted, and ignored */
        json_t *fw = json_object_get(w, "firmware");
        assert_string_equal(json_str(fw, "state"), "done");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(fw, "reported"), "sstat")), 1);
        assert_string_equal(json_str(json_object_get(fw, "validation"), "reads_as"), "zeros");
        assert_string_equal(json_str(json_object_get(fw, "command"), "command"), "Sanitize");
        json_t *doc = cert_of(w, "nvme");
        json_t *san = json_object_get(doc, "sanitisation");
        assert_string_equal(json_str(san, "technique"), "block erase");
        assert_string_equal(json_str(san, "nist_category"), "purge");
        assert_string_equal(json_str(json_object_get(san, "firmware"), "status"),
                            "{\"global_erased\":false,\"passes\":0,\"scdw10\":2,\"sprog\":65535,\"sstat\":1,\"state\":\"done\"}");
        json_decref(doc);
        json_decref(w);
        free((char *) res.error);
        /* purge picks the block erase on this drive */
        fill(img, 0x5a);
        nv_run(NV_OK, "purge", db, img, &res, &w);
        assert_string_equal(json_str(w, "method"), "nvme-sanitize-block");
        json_decref(w);
        free((char *) res.error);
        /* a reset mid-sanitize: polling goes on */
        fill(img, 0x5a);
        nv_run(NV_RESET, "nvme-sanitize-block", db, img, &res, &w);
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(w, "firmware"), "polls"), "errors")), 1);
        json_decref(w);
        free((char *) res.error);
        /* the drive reports failure: failed */
        fill(img, 0x5a);
        nv_run(NV_FAIL, "nvme-sanitize-crypto", db, img, &res, &w);
        assert_string_equal(res.outcome, "failed");
        assert_string_equal(res.error, "the drive reports that nvme-sanitize-crypto failed (failure mode: a new sanitize clears it)");
        json_decref(w);
        free((char *) res.error);
        /* a lying drive: done, data left: validation fails it */
        fill(img, 0x5a);
        nv_run(NV_LIAR, "nvme-sanitize-block", db, img, &res, &w);
        assert_string_equal(res.outcome, "failed");
        assert_non_null(strstr(res.error, "the drive reported nvme-sanitize-block done but validation failed: 4 of 4 markers survived"));
        assert_string_equal(json_str(json_object_get(w, "firmware"), "state"), "validation failed");
        json_decref(w);
        free((char *) res.error);
        /* sanitize, a 00 pass, sanitize again; every sector read back */
        fill(img, 0x5a);
        nv_then_overwrite = nv_verify_all = true;
        nv_run(NV_OK, "nvme-sanitize-crypto", db, img, &res, &w);
        nv_then_overwrite = nv_verify_all = false;
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(nv.sanitizes, 2);
        assert_int_equal(json_array_size(json_object_get(w, "passes")), 1);
        assert_string_equal(json_str(json_array_get(json_object_get(w, "passes"), 0), "pattern"), "00");
        assert_string_equal(json_str(w, "verify"), "all");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(w, "firmware"), "validation"), "sectors_read")),
                         (4 << 20) / 512);
        assert_non_null(json_object_get(json_object_get(w, "firmware"), "second_command"));
        json_t *tdoc = cert_of(w, "nvme");  /* its unverified 00 pass is not a problem: the markers are the proof */
        assert_int_equal(json_array_size(json_object_get(tdoc, "passes")), 1);
        assert_string_equal(json_str(json_object_get(tdoc, "sanitisation"), "technique"), "cryptographic erase");
        json_decref(tdoc);
        json_decref(w);
        free((char *) res.error);
        unlink(img);
        db_close(db);
}

/* Other namespaces must be named; a drive that never ends times out. */
static void test_session_namespaces_timeout(void **state) {
        (void) state;
        struct db *db = nv_db();
        _cleanup_free_ char *img = make_image(4 << 20, 0x5a);
        struct wipe_session_result res;
        json_t *w;
        nv_namespaces = 2;
        nv_run(NV_OK, "nvme-sanitize-block", db, img, &res, &w);
        assert_null(res.outcome);
        char *want = xasprintf("cannot wipe '%s' with nvme-sanitize-block: it also erases namespace 2 of %s (2 active namespaces); "
                               "name each with --also-namespace to go on", img, img);
        assert_string_equal(err_msg(), want);
        free(want);
        assert_int_equal(nv.sanitizes, 0);
        nv_also = "/dev/nvme0n2";
        nv_run(NV_OK, "nvme-sanitize-block", db, img, &res, &w);
        nv_also = NULL;
        nv_namespaces = 0;
        assert_string_equal(res.outcome, "erased");
        json_decref(w);
        free((char *) res.error);
        fill(img, 0x5a);
        nv_timeout = 1;
        nv_run(NV_HANG, "nvme-sanitize-block", db, img, &res, &w);
        nv_timeout = 0;
        assert_string_equal(res.outcome, "failed");
        assert_string_equal(res.error, "the drive did not finish nvme-sanitize-block within 1 s (it may still be running)");
        json_decref(w);
        free((char *) res.error);
        unlink(img);
        db_close(db);
}

/* A wipe left 'started' with its command sent (the tool was killed): the
 * same wipe again polls it, never sends the command anew. */
static void test_session_resume(void **state) {
        (void) state;
        struct db *db = nv_db();
        _cleanup_free_ char *img = make_image(4 << 20, 0x5a);
        struct wipe_record rec;
        json_t *w = json_pack("{ss,ss,s{ss},ss,s[],ss,si,si,sb}", "target", img, "target_kind", "image", "device", "image", img,
                              "method", "nvme-sanitize-block", "pass_list", "verify", "markers", "size_bytes", 4 << 20, "sector_size",
                              512, "certify", false);
        assert_int_equal(wipe_record_begin(db, w, &rec), 0);
        json_decref(w);
        struct fw_markers m;
        plant(img, &m);
        json_t *fw = json_pack("{ss,ss,ss,so}", "method", "nvme-sanitize-block", "technique", "block erase", "nist_category", "purge",
                               "markers", fw_markers_json(&m));
        assert_int_equal(wipe_record_firmware(db, &rec, "nvme-sanitize-block", "sent", fw), 0);
        json_decref(fw);
        fw_markers_done(&m);
        int64_t old = rec.id;
        wipe_record_done(&rec);
        struct stat st;
        stat(img, &st);
        /* the drive is mid-sanitize */
        nv = (typeof(nv)) {.img = img, .ino = st.st_ino, .mode = NV_OK, .running = true, .sstat = 2};
        drive_io_set_ops(&nv_ops);
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.method = "nvme-sanitize-block"};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        assert_int_equal(wipe_session_add(s, img), 0);
        struct wipe_session_target t;
        wipe_session_target(s, 0, &t);
        assert_true(t.fw_resume);
        struct wipe_session_callbacks cb = {.confirm = nv_confirm, .progress = nv_progress};
        assert_int_equal(wipe_session_run(s, &cb), 0);
        struct wipe_session_result res;
        wipe_session_result(s, 0, &res);
        assert_int_equal(res.wipe_id, old);
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(nv.sanitizes, 0);
        wipe_session_free(s);
        drive_io_set_ops(NULL);
        json_t *again;
        assert_int_equal(wipe_list(db, NULL, &again), 0);
        assert_int_equal(json_array_size(again), 1);
        json_decref(again);
        unlink(img);
        db_close(db);
}

/* ---- the session on a scripted ATA drive (SG_IO) over an image file ---- */

static struct {
        const char *img;
        ino_t ino;
        uint64_t sectors;
        bool frozen, running, liar;
        uint64_t visible;               /* IDENTIFY's max, below the native max: an HPA (0: none) */
        uint64_t setmax_lba;
        uint16_t setmax_count;
        unsigned setmax;
        uint64_t dco_factory;           /* DEVICE CONFIGURATION IDENTIFY's max, above the native: a DCO (0: none) */
        unsigned dco_restores;
        unsigned polls, sanitizes, erases;
        uint8_t last_feature_cmd;
} at;

static int at_claims(const char *path, int *ret_nvme) {
        if (!streq(path, at.img)) return 0;
        *ret_nvme = 0;
        return 1;
}

static void put_word(uint8_t *b, int w, uint16_t v) { b[2 * w] = (uint8_t) v, b[2 * w + 1] = (uint8_t) (v >> 8); }

/* Descriptor sense with an ATA status return (extended). */
static void at_return(sg_io_hdr_t *io, uint8_t status, uint8_t error, uint16_t count, uint64_t lba) {
        uint8_t s[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x01, error, (uint8_t) (count >> 8), (uint8_t) count,
                         (uint8_t) (lba >> 24), (uint8_t) lba, (uint8_t) (lba >> 32), (uint8_t) (lba >> 8), (uint8_t) (lba >> 40),
                         (uint8_t) (lba >> 16), 0x40, status};
        memcpy(io->sbp, s, sizeof s);
        io->sb_len_wr = sizeof s;
        io->status = status & 1 ? 0x02 : 0;
}

static void at_zero(void) {
        nv.img = at.img;
        nv_zero();
}

static int at_sg_io(int fd, sg_io_hdr_t *io) {
        struct stat st;
        if (fstat(fd, &st) < 0 || st.st_ino != at.ino) return drive_sg_io_real(fd, io);
        const uint8_t *cdb = io->cmdp;
        io->host_status = io->driver_status = 0;
        io->sb_len_wr = 0;
        io->status = 0;
        if (cdb[0] != 0x85) {
                at_return(io, 0x51, 0x04, 0, 0);
                return 0;
        }
        uint8_t cmd = cdb[14];
        uint16_t feature = (uint16_t) (cdb[3] << 8 | cdb[4]);
        switch (cmd) {
        case 0xec: {
                uint8_t *b = io->dxferp;
                memset(b, 0, 512);
                put_word(b, 0, 0x0040);
                put_word(b, 59, 1u << 12 | 1u << 13 | 1u << 15); /* sanitize: crypto, block */
                uint64_t vis = at.visible ? at.visible : at.sectors;
                put_word(b, 60, (uint16_t) vis);
                put_word(b, 61, (uint16_t) (vis >> 16));
                put_word(b, 82, 1u << 10);                         /* HPA feature set */
                put_word(b, 83, 0x4000 | 1u << 10 | 1u << 11);    /* 48-bit, DCO */
                put_word(b, 87, 0x4000);
                put_word(b, 128, 1u << 0);                         /* security supported, not frozen */
                for (int i = 0; i < 4; i++) put_word(b, 100 + i, (uint16_t) (vis >> (16 * i)));
                return 0;
        }
        case 0x27:
                at_return(io, 0x50, 0, 0, at.sectors - 1);
                return 0;
        case 0xb4:
                if (feature == 0x0000) {
                        /* ACS-3 7.36.9: the flags are COUNT bits 15:12 */
                        uint16_t flags = at.frozen ? 0x2000 : 0;
                        uint64_t progress = 0;
                        if (at.running && ++at.polls >= 3) {
                                at.running = false;
                                if (!at.liar) at_zero();
                                flags |= 0x8000;
                        } else if (at.running) {
                                flags |= 0x4000;
                                progress = at.polls * 20000u;
                        } else if (at.sanitizes) {
                                flags |= 0x8000;
                        }
                        at_return(io, 0x50, 0, flags, progress);
                        return 0;
                }
                at.sanitizes++;
                at.last_feature_cmd = (uint8_t) feature;
                at.running = true;
                at.polls = 0;
                at_return(io, 0x50, 0, 0, 0);
                return 0;
        case 0xb1:
                if (feature == 0xc2 && at.dco_factory) { /* DEVICE CONFIGURATION IDENTIFY */
                        uint8_t *b = io->dxferp;
                        memset(b, 0, 512);
                        put_word(b, 0, 0x0002);
                        for (int i = 0; i < 4; i++) put_word(b, 3 + i, (uint16_t) ((at.dco_factory - 1) >> (16 * i)));
                        return 0;
                }
                if (feature == 0xc0) { /* DEVICE CONFIGURATION RESTORE */
                        at.dco_restores++;
                        /* the drive is its factory size again: the image
                         * grows as a real drive's capacity would */
                        if (truncate(at.img, (off_t) (at.dco_factory * 512)) == 0) at.sectors = at.dco_factory;
                        at.dco_factory = 0;
                        at_return(io, 0x50, 0, 0, 0);
                        return 0;
                }
                at_return(io, 0x51, 0x04, 0, 0);
                return 0;
        case 0x37: /* SET MAX ADDRESS EXT */
                at.setmax++;
                at.setmax_lba = (uint64_t) cdb[8] | (uint64_t) cdb[10] << 8 | (uint64_t) cdb[12] << 16 | (uint64_t) cdb[7] << 24 |
                                (uint64_t) cdb[9] << 32 | (uint64_t) cdb[11] << 40;
                at.setmax_count = (uint16_t) (cdb[5] << 8 | cdb[6]);
                at.visible = 0;
                at_return(io, 0x50, 0, 0, 0);
                return 0;
        case 0xf1: case 0xf3: case 0xf6: case 0xf2:
                if (cdb[2] & 0x20) at_return(io, 0x50, 0, 0, 0);
                return 0;
        case 0xf4:
                at.erases++;
                if (!at.liar) at_zero();
                return 0;
        }
        at_return(io, 0x51, 0x04, 0, 0);
        return 0;
}

static const struct drive_io_ops at_ops = {.claims = at_claims, .sg_io = at_sg_io};

static bool at_remove_hpa, at_allow_hpa, at_restore_dco;

static int at_session(struct db *db, char *img, const char *method, struct wipe_session_result *ret, json_t **ret_wipe) {
        struct stat st;
        assert_int_equal(stat(img, &st), 0);
        at.img = img;
        at.ino = st.st_ino;
        at.sectors = (uint64_t) st.st_size / 512;
        at.running = false;
        at.polls = at.sanitizes = at.erases = 0;
        setenv("ASSETCTL_TEST_POLL_MS", "1", 1);
        drive_io_set_ops(&at_ops);
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.method = method, .remove_hpa = at_remove_hpa, .allow_hpa = at_allow_hpa,
                                        .restore_dco = at_restore_dco};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        int r = wipe_session_add(s, img);
        if (r < 0) {
                wipe_session_free(s);
                drive_io_set_ops(NULL);
                return r;
        }
        struct wipe_session_callbacks cb = {.confirm = nv_confirm, .progress = nv_progress};
        assert_int_equal(wipe_session_run(s, &cb), 0);
        wipe_session_result(s, 0, ret);
        ret->error = ret->error ? xstrdup(ret->error) : NULL;
        assert_int_equal(wipe_get(db, ret->wipe_id, ret_wipe), 0);
        wipe_session_free(s);
        drive_io_set_ops(NULL);
        return 0;
}

static void test_session_ata(void **state) {
        (void) state;
        struct db *db = nv_db();
        _cleanup_free_ char *img = make_image(4 << 20, 0x5a);
        struct wipe_session_result res;
        json_t *w;
        /* purge: block erase through SANITIZE BLOCK ERASE EXT, polled by SANITIZE STATUS EXT */
        at.frozen = at.liar = false;
        assert_int_equal(at_session(db, img, "purge", &res, &w), 0);
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(at.sanitizes, 1);
        assert_int_equal(at.last_feature_cmd, 0x12);
        json_t *fw = json_object_get(w, "firmware");
        assert_string_equal(json_str(json_object_get(fw, "command"), "command"), "SANITIZE BLOCK ERASE EXT");
        assert_int_equal(json_integer_value(json_object_get(json_object_get(fw, "reported"), "count")), 0x8000);
        json_decref(w);
        free((char *) res.error);
        /* a sanitize-frozen drive is refused before anything is written, with what to do */
        fill(img, 0x5a);
        at.frozen = true;
        assert_int_equal(at_session(db, img, "ata-sanitize-crypto", &res, &w), -EBUSY);
        assert_non_null(strstr(err_msg(), "the drive's sanitize is frozen (SANITIZE FREEZE LOCK); power-cycle it"));
        assert_int_equal(at.sanitizes, 0);
        at.frozen = false;
        /* security erase: the password sequence, the image zeroed */
        assert_int_equal(at_session(db, img, "ata-secure-erase", &res, &w), 0);
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(at.erases, 1);
        fw = json_object_get(w, "firmware");
        assert_int_equal(json_array_size(json_object_get(json_object_get(fw, "command"), "steps")), 3);
        assert_non_null(json_str(json_object_get(fw, "command"), "temporary_password"));
        json_decref(w);
        free((char *) res.error);
        /* a lying drive: SECURITY ERASE UNIT said done, nothing changed */
        fill(img, 0x5a);
        at.liar = true;
        assert_int_equal(at_session(db, img, "ata-secure-erase", &res, &w), 0);
        assert_string_equal(res.outcome, "failed");
        assert_non_null(strstr(res.error, "validation failed: 4 of 4 markers survived"));
        at.liar = false;
        json_decref(w);
        free((char *) res.error);
        /* not offered: the list of what is */
        assert_int_equal(at_session(db, img, "ata-sanitize-overwrite", &res, &w), -ENOTSUP);
        char *want = xasprintf("cannot wipe '%s' with ata-sanitize-overwrite: the drive does not offer it (available: "
                               "ata-sanitize-crypto, ata-sanitize-block, ata-secure-erase)", img);
        assert_string_equal(err_msg(), want);
        free(want);
        unlink(img);
        db_close(db);
}

/* An HPA: refused with the numbers; --allow-hpa: exceptions; --remove-hpa:
 * SET MAX ADDRESS EXT to the native max, volatile, recorded. */
static void test_session_hpa(void **state) {
        (void) state;
        struct db *db = nv_db();
        _cleanup_free_ char *img = make_image(4 << 20, 0x5a);
        struct wipe_session_result res;
        json_t *w;
        at.frozen = at.liar = false;
        at.visible = 6144;
        assert_int_equal(at_session(db, img, "ata-sanitize-block", &res, &w), -EPERM);
        char *want = xasprintf("cannot wipe '%s': a host protected area hides part of it (visible 6144 sectors, native 8192); use "
                               "--remove-hpa to restore the native size first (recorded), or --allow-hpa to wipe the visible part "
                               "only (outcome erased_with_exceptions)", img);
        assert_string_equal(err_msg(), want);
        free(want);
        at_allow_hpa = true;
        assert_int_equal(at_session(db, img, "ata-sanitize-block", &res, &w), 0);
        at_allow_hpa = false;
        assert_string_equal(res.outcome, "erased_with_exceptions");
        assert_int_equal(at.setmax, 0);
        json_decref(w);
        free((char *) res.error);
        fill(img, 0x5a);
        at_remove_hpa = true;
        assert_int_equal(at_session(db, img, "ata-sanitize-block", &res, &w), 0);
        at_remove_hpa = false;
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(at.setmax, 1);
        assert_int_equal(at.setmax_lba, 8191);
        assert_int_equal(at.setmax_count, 0); /* VV=0: volatile */
        json_t *h = json_object_get(json_object_get(w, "firmware"), "hpa_removed");
        assert_int_equal(json_integer_value(json_object_get(h, "native_max_sectors")), 8192);
        assert_int_equal(json_integer_value(json_object_get(h, "previous_max_sectors")), 6144);
        assert_true(json_is_true(json_object_get(h, "volatile")));
        json_decref(w);
        free((char *) res.error);
        /* a DCO: refused, then restored only with --restore-dco */
        fill(img, 0x5a);
        at.dco_factory = 16384;
        assert_int_equal(at_session(db, img, "ata-sanitize-block", &res, &w), -EPERM);
        want = xasprintf("cannot wipe '%s': a device configuration overlay hides part of it (factory 16384 sectors, native 8192); "
                         "use --restore-dco to restore it first (permanent)", img);
        assert_string_equal(err_msg(), want);
        free(want);
        assert_int_equal(at.dco_restores, 0);
        at_restore_dco = true;
        assert_int_equal(at_session(db, img, "ata-sanitize-block", &res, &w), 0);
        at_restore_dco = false;
        assert_string_equal(res.outcome, "erased");
        assert_int_equal(at.dco_restores, 1);
        assert_string_equal(json_str(json_object_get(json_object_get(w, "firmware"), "dco_restored"), "command"), "DEVICE CONFIGURATION RESTORE");
        json_decref(w);
        free((char *) res.error);
        unlink(img);
        db_close(db);
}

int main(void) {
        if (!mkdtemp(tmpdir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_security_erase_ok),           cmocka_unit_test(test_security_erase_set_password_fails),
                cmocka_unit_test(test_security_erase_unit_fails),   cmocka_unit_test(test_security_erase_prepare_fails),
                cmocka_unit_test(test_security_erase_disable_fails_too), cmocka_unit_test(test_markers_plan),
                cmocka_unit_test(test_validate),                    cmocka_unit_test(test_tables),
                cmocka_unit_test(test_session_sanitize),            cmocka_unit_test(test_session_resume),
                cmocka_unit_test(test_session_ata),                 cmocka_unit_test(test_session_namespaces_timeout),
                cmocka_unit_test(test_session_hpa),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return r;
}
