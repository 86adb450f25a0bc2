/* The wipe engine on image files in a temp dir: every method writes exactly
 * its passes (checked after each pass through the pass_end callback, by
 * reading the file and recomputing the root independently), roots, the
 * random stream, verification, mismatches, interruption, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "json.h"
#include "util.h"
#include "wipe.h"
#include "sha256x2.h"

static char dir[] = "/tmp/assetctl-test-wipe-XXXXXX";

/* An image file of size bytes filled with 0x5a. */
static char *make_image(uint64_t size) {
        static int n;
        char *path = xasprintf("%s/img%d", dir, n++);
        int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
        assert_true(fd >= 0);
        uint8_t buf[65536];
        memset(buf, 0x5a, sizeof buf);
        for (uint64_t o = 0; o < size; o += sizeof buf) {
                size_t k = size - o < sizeof buf ? (size_t) (size - o) : sizeof buf;
                assert_int_equal(pwrite(fd, buf, k, (off_t) o), (ssize_t) k);
        }
        close(fd);
        return path;
}

/* The root of a file's content, computed here with a plain read loop (not
 * the engine): SHA-256 over the SHA-256 of each 4 MiB chunk. */
static void file_root(const char *path, uint8_t out[32]) {
        int fd = open(path, O_RDONLY);
        assert_true(fd >= 0);
        EVP_MD_CTX *top = EVP_MD_CTX_new();
        EVP_DigestInit_ex(top, EVP_sha256(), NULL);
        uint8_t *buf = xmalloc(WIPE_CHUNK);
        for (;;) {
                ssize_t got = 0, r;
                while (got < (ssize_t) WIPE_CHUNK && (r = read(fd, buf + got, WIPE_CHUNK - (size_t) got)) > 0) got += r;
                if (got == 0) break;
                uint8_t d[32];
                sha256_buf(buf, (size_t) got, d);
                EVP_DigestUpdate(top, d, 32);
                if (got < (ssize_t) WIPE_CHUNK) break;
        }
        EVP_DigestFinal_ex(top, out, NULL);
        EVP_MD_CTX_free(top);
        free(buf);
        close(fd);
}

/* Check after every pass that the file holds exactly that pass's stream. */
struct pass_check {
        const char *path;
        uint64_t size;
        unsigned passes_seen;
        bool seed_hidden_at_begin;
};

static int on_begin(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct pass_check *pc = ud;
        if (p->spec.kind == WIPE_RANDOM && p->seed_revealed) pc->seed_hidden_at_begin = false;
        return 0;
}

static int on_end(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct pass_check *pc = ud;
        uint8_t got[32], want[32];
        file_root(pc->path, got);
        assert_int_equal(wipe_stream_root(&p->spec, p->seed, pc->size, want, NULL), 0);
        assert_memory_equal(got, want, 32);
        assert_memory_equal(p->root_written, want, 32);
        if (p->spec.kind == WIPE_RANDOM) {
                uint8_t h[32];
                assert_true(p->seed_revealed);
                sha256_buf(p->seed, 32, h);
                assert_memory_equal(h, p->seed_hash, 32);
        }
        assert_int_equal(p->index, pc->passes_seen + 1);
        pc->passes_seen++;
        return 0;
}

/* Run method m on a fresh image of size bytes with options o: erased, every
 * pass exactly its stream (checked in on_end), the roots consistent. */
static void run_method_opts(const struct wipe_method *mp, uint64_t size, struct wipe_options o) {
        struct wipe_method m = *mp;
        char *path = make_image(size);
        struct wipe_target t;
        assert_int_equal(wipe_target_open(path, 0, &t), 0);
        struct pass_check pc = {.path = path, .size = size, .seed_hidden_at_begin = true};
        struct wipe_callbacks cb = {.userdata = &pc, .pass_begin = on_begin, .pass_end = on_end};
        struct wipe_result res;
        assert_int_equal(wipe_run(&t, &m, &o, &cb, &res), 0);
        assert_string_equal(wipe_outcome_name(res.outcome), "erased");
        assert_int_equal(res.n_passes, m.n_passes);
        assert_int_equal(pc.passes_seen, m.n_passes);
        assert_true(pc.seed_hidden_at_begin);
        struct wipe_pass_result *last = &res.passes[res.n_passes - 1];
        assert_true(last->read_complete);
        assert_memory_equal(last->root_read, last->root_written, 32);
        assert_int_equal(last->bytes_verified, size);
        /* stored chunk digests hash to the root */
        uint8_t root[32];
        sha256_buf(res.last_digests, res.n_chunks * 32, root);
        assert_memory_equal(root, last->root_written, 32);
        for (size_t i = 0; i + 1 < res.n_passes; i++)
                if (o.verify == WIPE_VERIFY_ALL || (m.verify_random && res.passes[i].spec.kind == WIPE_RANDOM))
                        assert_true(res.passes[i].read_complete);
                else
                        assert_int_equal(res.passes[i].verify, WIPE_VERIFY_OFF);
        json_t *j = wipe_result_json(&res);
        assert_string_equal(json_str(j, "outcome"), "erased");
        assert_int_equal(json_array_size(json_object_get(j, "passes")), m.n_passes);
        json_decref(j);
        wipe_result_done(&res);
        wipe_target_close(&t);
        unlink(path);
        free(path);
}

static void run_method(const char *name, uint64_t size) {
        struct wipe_method m;
        assert_int_equal(wipe_method_get(name, &m), 0);
        run_method_opts(&m, size, (struct wipe_options) {.verify = m.verify});
}

/* Sizes: not a multiple of 4 MiB, and a tail that is not a whole sector. */
static void test_methods(void **state) {
        for (const char *const *n = wipe_method_names; *n; n++) {
                if (streq(*n, "gutmann")) continue;
                run_method(*n, (9u << 20) + 4096);
        }
        run_method("zero", (5u << 20) + 100);
        run_method("random", (5u << 20) + 100);
}

static void test_gutmann(void **state) {
        struct wipe_method m;
        assert_int_equal(wipe_method_get("gutmann", &m), 0);
        assert_int_equal(m.n_passes, 35);
        char n[8];
        wipe_pass_name(&m.passes[6], n);
        assert_string_equal(n, "924924");
        wipe_pass_name(&m.passes[30], n);
        assert_string_equal(n, "db6db6");
        for (int i = 0; i < 4; i++) assert_int_equal(m.passes[i].kind, WIPE_RANDOM);
        for (int i = 31; i < 35; i++) assert_int_equal(m.passes[i].kind, WIPE_RANDOM);
        /* three-byte patterns across chunks that start at different phases */
        run_method("gutmann", (12u << 20) + 512);
}

/* The stream is AES-256-CTR keyed by the seed, IV zero, over zero bytes,
 * and any offset (a multiple of 16) starts at the right counter. */
static void test_stream(void **state) {
        uint8_t seed[32];
        for (int i = 0; i < 32; i++) seed[i] = (uint8_t) i;
        uint8_t *a = xmalloc(1 << 16), *b = xmalloc(4096);
        memset(a, 0, 1 << 16);
        EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
        uint8_t iv[16] = {0};
        int outl;
        EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), NULL, seed, iv);
        EVP_EncryptUpdate(c, a, &outl, a, 1 << 16);
        EVP_CIPHER_CTX_free(c);
        struct wipe_pass_spec rnd = {.kind = WIPE_RANDOM};
        assert_int_equal(wipe_stream_fill(&rnd, seed, 40960, b, 4096), 0);
        assert_memory_equal(a + 40960, b, 4096);
        assert_int_equal(wipe_stream_fill(&rnd, seed, 17, b, 16), -EINVAL);
        free(a);
        free(b);
}

/* A sector changed behind the engine's back is reported as a mismatch, at
 * the right offset; a stored record's random stream is checked from its seed. */
static void test_verify_stream(void **state) {
        uint64_t size = (6u << 20);
        char *path = make_image(size);
        struct wipe_method m;
        assert_int_equal(wipe_method_parse_passes("random", &m), 0);
        struct wipe_target t;
        assert_int_equal(wipe_target_open(path, 0, &t), 0);
        struct wipe_options o = {.verify = WIPE_VERIFY_LAST};
        struct wipe_result res;
        assert_int_equal(wipe_run(&t, &m, &o, NULL, &res), 0);
        assert_int_equal(res.outcome, WIPE_ERASED);
        struct wipe_pass_result v;
        assert_int_equal(wipe_verify_stream(&t, &res.passes[0].spec, res.passes[0].seed, res.last_digests, res.n_chunks,
                                            100, &o, NULL, &v), 0);
        assert_int_equal(v.mismatches.total_bytes, 0);
        assert_memory_equal(v.root_read, res.passes[0].root_written, 32);
        wipe_pass_result_done(&v);
        /* flip one byte in the second chunk */
        int fd = open(path, O_RDWR);
        uint8_t x;
        assert_int_equal(pread(fd, &x, 1, (off_t) WIPE_CHUNK + 1000), 1);
        x ^= 0xff; /* a fixed value would already be there once in 256 runs */
        assert_int_equal(pwrite(fd, &x, 1, (off_t) WIPE_CHUNK + 1000), 1);
        close(fd);
        assert_int_equal(wipe_verify_stream(&t, &res.passes[0].spec, res.passes[0].seed, res.last_digests, res.n_chunks,
                                            100, &o, NULL, &v), 0);
        assert_int_equal(v.mismatches.n, 1);
        assert_int_equal(v.mismatches.v[0].offset, WIPE_CHUNK + 512);
        assert_int_equal(v.mismatches.v[0].length, 512);
        assert_memory_not_equal(v.root_read, res.passes[0].root_written, 32);
        wipe_pass_result_done(&v);
        /* a zero check of the same file fails everywhere */
        struct wipe_pass_spec zero;
        assert_int_equal(wipe_pass_parse("00", &zero), 0);
        assert_int_equal(wipe_verify_stream(&t, &zero, NULL, NULL, 0, 50, &o, NULL, &v), 0);
        assert_true(v.mismatches.total_bytes > 0);
        assert_int_equal(v.chunks_verified, 1 + 1); /* 50% of 2 chunks: first and last */
        wipe_pass_result_done(&v);
        wipe_result_done(&res);
        wipe_target_close(&t);
        unlink(path);
        free(path);
}

static volatile sig_atomic_t stop_flag;

static int stop_at_pass2(void *ud, unsigned pass) {
        if (pass == 2) stop_flag = 1;
        return 0;
}

static void test_interrupt(void **state) {
        char *path = make_image(8u << 20);
        struct wipe_method m;
        assert_int_equal(wipe_method_get("dod-short", &m), 0);
        struct wipe_target t;
        assert_int_equal(wipe_target_open(path, 0, &t), 0);
        stop_flag = 0;
        struct wipe_options o = {.verify = WIPE_VERIFY_LAST, .stop = &stop_flag};
        struct wipe_callbacks cb = {.check_identity = stop_at_pass2};
        struct wipe_result res;
        assert_int_equal(wipe_run(&t, &m, &o, &cb, &res), 0);
        assert_string_equal(wipe_outcome_name(res.outcome), "interrupted");
        assert_int_equal(res.n_passes, 2);
        assert_true(res.passes[0].written_complete);
        assert_false(res.passes[1].written_complete);
        wipe_result_done(&res);
        wipe_target_close(&t);
        unlink(path);
        free(path);
}

static int identity_changed(void *ud, unsigned pass) {
        return pass == 1 ? 0 : err_set(ENODEV, "'/dev/x' is now another drive");
}

static void test_identity_change(void **state) {
        char *path = make_image(1u << 20);
        struct wipe_method m;
        assert_int_equal(wipe_method_parse_passes("00,ff", &m), 0);
        struct wipe_target t;
        assert_int_equal(wipe_target_open(path, 0, &t), 0);
        struct wipe_options o = {.verify = WIPE_VERIFY_LAST};
        struct wipe_callbacks cb = {.check_identity = identity_changed};
        struct wipe_result res;
        assert_int_equal(wipe_run(&t, &m, &o, &cb, &res), 0);
        assert_string_equal(wipe_outcome_name(res.outcome), "failed");
        assert_string_equal(res.error, "pass 2: the target changed: '/dev/x' is now another drive");
        wipe_result_done(&res);
        wipe_target_close(&t);
        unlink(path);
        free(path);
}

/* The two-stream SHA-256 equals OpenSSL's for every length class (empty,
 * within one block, either side of the padding boundary, many blocks) and
 * when fed in pieces. */
static void test_sha256x2(void **state) {
        if (!sha256x2_available()) skip(); /* no SHA-NI here: the engine uses OpenSSL */
        size_t n = (4u << 20) + 100;
        uint8_t *a = xmalloc(n), *b = xmalloc(n);
        assert_int_equal(getrandom(a, 1 << 16, 0), 1 << 16);
        assert_int_equal(getrandom(b, 1 << 16, 0), 1 << 16);
        for (size_t i = 1 << 16; i < n; i++) {
                a[i] = (uint8_t) (a[i - (1 << 16)] + 1);
                b[i] = (uint8_t) (b[i - (1 << 16)] * 3);
        }
        static const size_t lens[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4096, 262144, (4u << 20), (4u << 20) + 100};
        for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
                size_t len = lens[k];
                for (int split = 0; split < 3; split++) {
                        /* fed whole, or in 64-byte multiples then the rest */
                        size_t first = split == 0 ? 0 : split == 1 ? (len / 2) & ~(size_t) 63 : len & ~(size_t) 63;
                        struct sha256x2 c;
                        uint8_t da[32], db[32], wa[32], wb[32];
                        sha256x2_init(&c);
                        if (first) sha256x2_update(&c, a, b, first);
                        sha256x2_final(&c, a + first, b + first, len - first, da, db);
                        sha256_buf(a, len, wa);
                        sha256_buf(b, len, wb);
                        assert_memory_equal(da, wa, 32);
                        assert_memory_equal(db, wb, 32);
                }
        }
        /* the same message in both streams */
        struct sha256x2 c;
        uint8_t da[32], db[32], w[32];
        sha256x2_init(&c);
        sha256x2_final(&c, a, a, 300, da, db);
        sha256_buf(a, 300, w);
        assert_memory_equal(da, w, 32);
        assert_memory_equal(db, w, 32);
        free(a);
        free(b);
}

/* The pipeline in every shape: one request in flight or many, one worker
 * or several, random chunks hashed in pairs or (without SHA-NI) one by
 * one, an odd number of chunks so a pair and a lone short chunk meet. */
static void test_pipeline_shapes(void **state) {
        struct wipe_method m;
        assert_int_equal(wipe_method_parse_passes("random,924924,00,random", &m), 0);
        static const struct {
                unsigned io, threads;
                bool no_shani;
        } shapes[] = {{1, 1, false}, {3, 1, false}, {8, 3, false}, {2, 2, true}, {0, 0, false}};
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
                if (shapes[i].no_shani) setenv("ASSETCTL_NO_SHANI", "1", 1);
                run_method_opts(&m, (7u << 20) * 3 + 100,
                                (struct wipe_options) {.verify = WIPE_VERIFY_ALL, .io_depth = shapes[i].io, .threads = shapes[i].threads});
                unsetenv("ASSETCTL_NO_SHANI");
        }
}

/* Stopped while chunks are in flight: every chunk the pass counts as
 * written holds the stream, every other one is untouched (a request once
 * started is finished, none is torn), and the stop is recorded. A watcher
 * thread sets the stop flag as soon as the first chunk holds the stream, so
 * it lands while the I/O threads have requests out. */
static volatile sig_atomic_t stop_mid;

struct watch {
        const char *path;
        uint8_t seed[32];
        pthread_t th;
        int identity_calls;
};

static void *watcher(void *arg) {
        struct watch *w = arg;
        struct wipe_pass_spec rnd = {.kind = WIPE_RANDOM};
        uint8_t *want = xmalloc(WIPE_CHUNK), *got = xmalloc(WIPE_CHUNK);
        assert_int_equal(wipe_stream_fill(&rnd, w->seed, 0, want, WIPE_CHUNK), 0);
        int fd = open(w->path, O_RDONLY);
        for (int i = 0; i < 20000 && fd >= 0; i++) {
                if (pread(fd, got, WIPE_CHUNK, 0) == (ssize_t) WIPE_CHUNK && memcmp(got, want, WIPE_CHUNK) == 0) break;
                usleep(100);
        }
        stop_mid = 1;
        if (fd >= 0) close(fd);
        free(want);
        free(got);
        return NULL;
}

/* Before the verification: on a machine so busy that the whole write ended
 * before the watcher ran, wait for its stop, so the test always ends
 * interrupted (then at the verification). */
static int watch_identity(void *ud, unsigned pass) {
        struct watch *w = ud;
        if (++w->identity_calls == 2)
                for (int i = 0; i < 60000 && !stop_mid; i++) usleep(1000);
        return 0;
}

static int watch_begin(void *ud, const struct wipe_result *r, const struct wipe_pass_result *p) {
        struct watch *w = ud;
        memcpy(w->seed, p->seed, 32);
        return pthread_create(&w->th, NULL, watcher, w) == 0 ? 0 : -EAGAIN;
}

static void test_interrupt_in_flight(void **state) {
        uint64_t size = 128u << 20;
        char *path = make_image(size);
        struct wipe_method m;
        assert_int_equal(wipe_method_parse_passes("random", &m), 0);
        struct wipe_target t;
        assert_int_equal(wipe_target_open(path, 0, &t), 0);
        stop_mid = 0;
        struct wipe_options o = {.verify = WIPE_VERIFY_LAST, .stop = &stop_mid, .io_depth = 4, .threads = 1};
        struct watch w = {.path = path};
        struct wipe_callbacks cb = {.userdata = &w, .pass_begin = watch_begin, .check_identity = watch_identity};
        struct wipe_result res;
        assert_int_equal(wipe_run(&t, &m, &o, &cb, &res), 0);
        pthread_join(w.th, NULL);
        assert_string_equal(wipe_outcome_name(res.outcome), "interrupted");
        struct wipe_pass_result *p = &res.passes[0];
        assert_true(p->seed_revealed);
        assert_int_equal(p->bytes_written % WIPE_CHUNK, 0);
        /* (a machine too busy to run the watcher before the last chunk
         * lands stops the pass at its verification instead) */
        if (!p->written_complete) {
                assert_true(p->bytes_written < size);
                assert_int_equal(p->bytes_verified, 0);
        } else
                assert_int_equal(p->bytes_written, size);
        print_message("stopped with %llu bytes written\n", (unsigned long long) p->bytes_written);
        uint8_t *got = xmalloc(WIPE_CHUNK), *want = xmalloc(WIPE_CHUNK), *old = xmalloc(WIPE_CHUNK);
        memset(old, 0x5a, WIPE_CHUNK);
        int fd = open(path, O_RDONLY);
        assert_true(fd >= 0);
        uint64_t streamed = 0;
        for (uint64_t off = 0; off < size; off += WIPE_CHUNK) {
                assert_int_equal(pread(fd, got, WIPE_CHUNK, (off_t) off), (ssize_t) WIPE_CHUNK);
                assert_int_equal(wipe_stream_fill(&p->spec, p->seed, off, want, WIPE_CHUNK), 0);
                if (memcmp(got, want, WIPE_CHUNK) == 0)
                        streamed += WIPE_CHUNK;
                else
                        assert_memory_equal(got, old, WIPE_CHUNK); /* untouched, not torn */
        }
        close(fd);
        assert_int_equal(streamed, p->bytes_written);
        free(got);
        free(want);
        free(old);
        wipe_result_done(&res);
        wipe_target_close(&t);
        unlink(path);
        free(path);
}

static void test_parse(void **state) {
        struct wipe_method m;
        assert_int_equal(wipe_method_parse_passes("00, FF,random,924924", &m), 0);
        assert_int_equal(m.n_passes, 4);
        assert_int_equal(m.passes[1].pat[0], 0xff);
        assert_int_equal(m.passes[3].len, 3);
        assert_int_equal(wipe_method_parse_passes("00,zz", &m), -EINVAL);
        assert_string_equal(err_msg(), "pass 'zz' is not 'random' or a pattern of 1 to 3 hex bytes (00, ff, 924924)");
        assert_int_equal(wipe_method_parse_passes("", &m), -EINVAL);
        assert_int_equal(wipe_method_get("shred", &m), -EINVAL);
        enum wipe_verify v;
        double p;
        assert_int_equal(wipe_verify_parse("sample:12.5", &v, &p), 0);
        assert_int_equal(v, WIPE_VERIFY_SAMPLE);
        assert_true(p == 12.5);
        assert_string_equal(wipe_verify_name(v, p), "sample:12.5");
        assert_int_equal(wipe_verify_parse("sample:0", &v, &p), -EINVAL);
        assert_int_equal(wipe_verify_parse("sample:101", &v, &p), -EINVAL);
        assert_int_equal(wipe_verify_parse("most", &v, &p), -EINVAL);
        struct wipe_target t;
        assert_int_equal(wipe_target_open("/dev/null", 0, &t), -ENOTBLK);
        assert_string_equal(err_msg(), "cannot wipe '/dev/null': not a block device or an image file");
}

int main(void) {
        if (!mkdtemp(dir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_stream),
                cmocka_unit_test(test_methods),
                cmocka_unit_test(test_gutmann),
                cmocka_unit_test(test_verify_stream),
                cmocka_unit_test(test_interrupt),
                cmocka_unit_test(test_identity_change),
                cmocka_unit_test(test_sha256x2),
                cmocka_unit_test(test_pipeline_shapes),
                cmocka_unit_test(test_interrupt_in_flight),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        rmdir(dir);
        return r;
}
