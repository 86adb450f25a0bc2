/* The core wipe session (core/wipe-session.h) on image files and a real
 * register in a temp dir: the method policy, identifying targets, the
 * confirmation, a whole run with its pass events, and the record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "core.h"
#include "json.h"
#include "wipe-session.h"

static char dir[] = "/tmp/assetctl-test-wipe-session-XXXXXX";
#define SIZE (5 * 1024 * 1024 + 512) /* a full 4 MiB chunk and a short one */

static struct db *fresh(void) {
        static int n;
        char *path = xasprintf("%s/t%d/assets.db", dir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        free(path);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        return db;
}

/* An image file of SIZE bytes of `byte` (caller frees the path). */
static char *image(const char *name, uint8_t byte) {
        char *path = xasprintf("%s/%s", dir, name);
        uint8_t *buf = malloc(SIZE);
        memset(buf, byte, SIZE);
        assert_int_equal(write_file_atomic(path, buf, SIZE, 0600), 0);
        free(buf);
        return path;
}

/* True if every byte of the file at path is `byte`. */
static bool all_bytes(const char *path, uint8_t byte) {
        char *data = NULL;
        size_t n = 0;
        assert_int_equal(read_file(path, SIZE + 1, &data, &n), 0);
        bool ok = n == SIZE;
        for (size_t i = 0; ok && i < n; i++) ok = (uint8_t) data[i] == byte;
        free(data);
        return ok;
}

static void test_policy(void **state) {
        struct db *db = fresh();
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.method = "nist-clear", .verify = "last", .certify = true};
        assert_int_equal(wipe_session_new(db, &p, &s), -EINVAL);
        assert_string_equal(err_msg(), "--verify last: nist-clear verifies in full by definition");
        p = (struct wipe_session_params) {.method = "zero", .verify = "off", .certify = true};
        assert_int_equal(wipe_session_new(db, &p, &s), -EPERM);
        assert_non_null(strstr(err_msg(), "a certified wipe must be verified"));
        p = (struct wipe_session_params) {.method = "zero", .verify = "off", .asset = "TS-000001"};
        assert_int_equal(wipe_session_new(db, &p, &s), -EPERM);
        assert_non_null(strstr(err_msg(), "a wipe recorded against an asset is certified"));
        p = (struct wipe_session_params) {.method = "nosuch"};
        assert_int_equal(wipe_session_new(db, &p, &s), -EINVAL);
        assert_null(s);
        /* unverified and uncertified is allowed */
        p = (struct wipe_session_params) {.passes = "00,ff", .verify = "off"};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        struct wipe_session_plan plan;
        wipe_session_plan(s, &plan);
        assert_string_equal(plan.method, "custom");
        assert_int_equal(plan.n_passes, 2);
        assert_string_equal(plan.pass_list, "00,ff");
        assert_string_equal(plan.verify, "off");
        wipe_session_free(s);
        db_close(db);
}

static void test_targets(void **state) {
        struct db *db = fresh();
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.method = "zero"};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        char *img = image("targets.img", 0xab);
        assert_int_equal(wipe_session_add(s, img), 0);
        assert_int_equal(wipe_session_add(s, img), -EEXIST);
        char *want = xasprintf("'%s' is named twice", img);
        assert_string_equal(err_msg(), want);
        free(want);
        assert_int_equal(wipe_session_add(s, dir), -ENOTBLK);
        want = xasprintf("cannot wipe '%s': not a block device or an image file", dir);
        assert_string_equal(err_msg(), want);
        free(want);
        assert_int_equal(wipe_session_count(s), 1);
        struct wipe_session_target t;
        wipe_session_target(s, 0, &t);
        assert_string_equal(t.path, img);
        assert_false(t.block);
        assert_int_equal(t.size_bytes, SIZE);
        assert_null(t.asset);
        assert_string_equal(t.confirm, img);
        assert_false(t.confirm_serial);
        assert_null(t.warning);
        wipe_session_free(s);
        free(img);
        db_close(db);
}

/* What the callbacks saw. */
struct seen {
        const char *typed;
        bool preset;
        unsigned passes[8];
        size_t n_passes, n_ended, n_progress;
};

static int confirm(void *ud, size_t i, const struct wipe_session_target *t, char **ret_typed, bool *ret_preset) {
        struct seen *s = ud;
        *ret_typed = xstrdup(s->typed ? s->typed : t->confirm);
        *ret_preset = s->preset;
        return 0;
}

static void pass(void *ud, size_t i, int64_t wipe_id, const struct wipe_session_pass *p) {
        struct seen *s = ud;
        assert_true(wipe_id > 0);
        assert_null(p->error);
        assert_int_equal(p->bytes_written, SIZE);
        assert_non_null(p->root_written);
        if (s->n_passes < 8) s->passes[s->n_passes] = p->index;
        s->n_passes++;
}

static void progress(void *ud, size_t i, int64_t wipe_id, const struct wipe_session_progress *p) { ((struct seen *) ud)->n_progress++; }
static void ended(void *ud, size_t i) { ((struct seen *) ud)->n_ended++; }

static void test_confirm_mismatch(void **state) {
        struct db *db = fresh();
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.method = "zero"};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        char *img = image("mismatch.img", 0xab);
        assert_int_equal(wipe_session_add(s, img), 0);
        struct seen seen = {.typed = "wrong", .preset = true};
        struct wipe_session_callbacks cb = {.userdata = &seen, .confirm = confirm, .pass = pass, .ended = ended};
        assert_int_equal(wipe_session_run(s, &cb), -EPERM);
        char *want = xasprintf("cannot wipe '%s': --serial 'wrong' does not match its path (it has no serial) '%s'", img, img);
        assert_string_equal(err_msg(), want);
        free(want);
        /* typed on a terminal: the other message; nothing written, nothing recorded */
        seen.preset = false;
        assert_int_equal(wipe_session_run(s, &cb), -EPERM);
        assert_non_null(strstr(err_msg(), "the confirmation did not match; nothing was written"));
        struct wipe_session_result r;
        wipe_session_result(s, 0, &r);
        assert_false(r.recorded);
        assert_false(r.ran);
        assert_int_equal(seen.n_passes + seen.n_ended, 0);
        assert_true(all_bytes(img, 0xab));
        json_t *rows = NULL;
        assert_int_equal(wipe_list(db, NULL, &rows), 0);
        assert_int_equal(json_array_size(rows), 0);
        json_decref(rows);
        wipe_session_free(s);
        free(img);
        db_close(db);
}

static void test_run(void **state) {
        struct db *db = fresh();
        struct wipe_session *s = NULL;
        struct wipe_session_params p = {.passes = "00,ff", .verify = "all", .certify = true};
        assert_int_equal(wipe_session_new(db, &p, &s), 0);
        char *img = image("run.img", 0xab);
        assert_int_equal(wipe_session_add(s, img), 0);
        struct seen seen = {0};
        struct wipe_session_callbacks cb = {.userdata = &seen, .confirm = confirm, .progress = progress, .pass = pass, .ended = ended};
        assert_int_equal(wipe_session_run(s, &cb), 0);
        assert_int_equal(seen.n_passes, 2);
        assert_int_equal(seen.passes[0], 1);
        assert_int_equal(seen.passes[1], 2);
        assert_int_equal(seen.n_ended, 1);
        assert_true(seen.n_progress > 0);
        struct wipe_session_result r;
        wipe_session_result(s, 0, &r);
        assert_true(r.recorded && r.ran && r.erased);
        assert_string_equal(r.outcome, "erased");
        assert_null(r.error);
        assert_null(r.record_error);
        assert_false(r.to_destruction);
        assert_null(r.note); /* not on the register: no disposal */
        assert_true(all_bytes(img, 0xff));
        json_t *w = NULL;
        assert_int_equal(wipe_get(db, r.wipe_id, &w), 0);
        assert_string_equal(json_str(w, "outcome"), "erased");
        assert_string_equal(json_str(w, "verify"), "all");
        assert_int_equal(json_array_size(json_object_get(w, "passes")), 2);
        json_decref(w);
        wipe_session_free(s);
        free(img);
        db_close(db);
}

/* The check against a pattern and against the stored wipe. */
static void test_verify(void **state) {
        struct db *db = fresh();
        char *img = image("verify.img", 0xff);
        struct wipe_session_check c = {.path = img, .pattern = "one", .sample_percent = 100};
        struct wipe_session_check_result r;
        assert_int_equal(wipe_session_verify(db, &c, &r), 0);
        assert_true(r.matches);
        assert_true(r.read_complete);
        assert_string_equal(r.what, "the pattern ff");
        wipe_session_check_result_done(&r);
        c.pattern = "zero";
        assert_int_equal(wipe_session_verify(db, &c, &r), 0);
        assert_false(r.matches);
        assert_int_equal(r.mismatch_bytes, SIZE);
        assert_true(r.has_first);
        assert_int_equal(r.first_offset, 0);
        wipe_session_check_result_done(&r);
        assert_true(wipe_session_pattern_valid("924924"));
        assert_false(wipe_session_pattern_valid("random"));
        c = (struct wipe_session_check) {.path = img, .wipe_id = 99, .sample_percent = 100};
        assert_int_equal(wipe_session_verify(db, &c, &r), -ENOENT);
        assert_string_equal(err_msg(), "no wipe 99 in the register");
        free(img);
        db_close(db);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) { return remove(p); }

int main(void) {
        if (!mkdtemp(dir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy),
                cmocka_unit_test(test_targets),
                cmocka_unit_test(test_confirm_mismatch),
                cmocka_unit_test(test_run),
                cmocka_unit_test(test_verify),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return r;
}
