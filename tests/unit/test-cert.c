/* Keys, certificates and manifests: signing, the strict offline checks, and
 * the disposal rules on a real register in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>

#include "config.h"
#include "core-internal.h" /* a test reaches the store too */
#include "cert.h"
#include "disposal.h"
#include "json.h"
#include "sign.h"

static char dir[] = "/tmp/assetctl-test-cert-XXXXXX";
#define SIZE (10 * 1024 * 1024 + 4096) /* two full 4 MiB chunks and a short one */

/* The root of `pattern` (one byte) over SIZE bytes, computed the slow way. */
static void const_root(uint8_t byte, char out[65]) {
        uint8_t *buf = malloc(SIZE);
        memset(buf, byte, SIZE);
        struct strbuf cat = {0};
        for (size_t off = 0; off < SIZE; off += 4194304) {
                size_t n = SIZE - off < 4194304 ? SIZE - off : 4194304;
                uint8_t d[32];
                sha256_buf(buf + off, n, d);
                sb_add(&cat, (const char *) d, 32);
        }
        sha256_hex(cat.buf, cat.len, out);
        sb_free(&cat);
        free(buf);
}

/* A wipe record as issue 6's wipe_get() returns it: nist-clear, verified. */
static json_t *wipe_record(int64_t medium_id, const char *outcome) {
        char root[65];
        const_root(0, root);
        return json_pack("{sI sI ss ss s[s] ss sI ss ss ss s{ssss} ss s{ss} s[{sI ss sI ss ss sI ss s{s[]s[]s[]} ss ss}]}",
                         "id", (json_int_t) 7, "medium_id", (json_int_t) medium_id, "asset_tag", "TS-000001", "method", "nist-clear",
                         "pass_list", "00", "verify", "all", "size_bytes", (json_int_t) SIZE, "started_at", "2026-01-05T10:00:00Z",
                         "ended_at", "2026-01-05T10:05:00Z", "outcome", outcome, "host", "hostname", "techpc", "machine_id", "abc",
                         "operator", "tech", "device", "vendor", "ATA",
                         "passes", "index", (json_int_t) 1, "pattern", "00", "bytes_written", (json_int_t) SIZE, "root_written", root,
                         "verify", "full", "bytes_verified", (json_int_t) SIZE, "root_read", root, "errors", "write_errors",
                         "read_errors", "mismatches", "started_at", "2026-01-05T10:00:01Z", "ended_at", "2026-01-05T10:04:59Z");
}

static json_t *context_cert(const char *fp) {
        (void) fp;
        return NULL;
}

/* Build and sign a certificate from w with k; returns the canonical text. */
static char *make_cert(json_t *w, EVP_PKEY *k, uint8_t sig[64]) {
        char fp[65];
        assert_int_equal(key_fingerprint(k, fp), 0);
        json_t *asset = json_pack("{ssssssss}", "tag", "TS-000001", "make", "Dell", "model", "Latitude", "serial", "ABC1");
        json_t *medium = json_pack("{sssssIss}", "model", "SSD 860", "serial", "S3Y", "size_bytes", (json_int_t) SIZE, "kind", "hdd");
        json_t *auth = json_pack("{sssssssssb}", "name", "Head Teacher", "role", "Headteacher", "person_ref", "HT",
                                 "authorised_at", "2026-01-04T09:00:00Z", "signed", 0);
        struct cert_context c = {"TS-CERT-000001", "2026-01-05T10:06:00Z", "Test School", "tech", asset, medium, auth, fp};
        json_t *doc = NULL;
        int r = cert_from_wipe(w, &c, &doc);
        if (r < 0) fprintf(stderr, "%s\n", err_msg());
        assert_int_equal(r, 0);
        char *text = json_canonical(doc);
        assert_int_equal(key_sign(k, text, strlen(text), sig), 0);
        json_decref(doc);
        json_decref(asset);
        json_decref(medium);
        json_decref(auth);
        return text;
}

/* Verify text/sig with k; returns the number of problems, checks `want`
 * appears in the report when given. */
static int verify(const char *text, const uint8_t *sig, EVP_PKEY *k, const char *want) {
        struct doc_check chk;
        int r = doc_verify(text, strlen(text), sig, 64, k, &chk);
        int n = chk.n_problems;
        if (want) {
                if (!chk.problems || !strstr(chk.problems, want)) fprintf(stderr, "wanted '%s' in:\n%s\n", want, strempty(chk.problems));
                assert_non_null(chk.problems);
                assert_non_null(strstr(chk.problems, want));
                assert_int_equal(r, -EBADMSG);
        } else {
                if (r) fprintf(stderr, "%s\n", strempty(chk.problems));
                assert_int_equal(r, 0);
        }
        doc_check_done(&chk);
        return n;
}

/* Change one member of the document, re-sign with k, return the new text. */
static char *edit_resign(const char *text, EVP_PKEY *k, uint8_t sig[64], void (*edit)(json_t *)) {
        json_t *d = json_loads(text, 0, NULL);
        edit(d);
        char *t = json_canonical(d);
        json_decref(d);
        assert_int_equal(key_sign(k, t, strlen(t), sig), 0);
        return t;
}

static void e_short_pass(json_t *d) { json_object_set_new(json_array_get(json_object_get(d, "passes"), 0), "bytes_written", json_integer(4096)); }
static void e_unknown(json_t *d) { json_object_set_new(d, "extra", json_string("x")); }
static void e_missing(json_t *d) { json_object_del(json_object_get(d, "medium"), "serial"); }
static void e_type(json_t *d) { json_object_set_new(json_object_get(d, "medium"), "size_bytes", json_string("10")); }
static void e_root(json_t *d) {
        json_object_set_new(json_array_get(json_object_get(d, "passes"), 0), "verified_root",
                            json_string("0000000000000000000000000000000000000000000000000000000000000000"));
}
static void e_both_roots(json_t *d) {
        json_t *p = json_array_get(json_object_get(d, "passes"), 0);
        const char *z = "1111111111111111111111111111111111111111111111111111111111111111";
        json_object_set_new(p, "verified_root", json_string(z));
        json_object_set_new(p, "written_root", json_string(z));
}
static void e_errors(json_t *d) { json_array_append_new(json_object_get(d, "errors"), json_string("pass 1: EIO")); }
static void e_outcome(json_t *d) { json_object_set_new(d, "outcome", json_string("failed")); }
static void e_long(json_t *d) {
        char *s = malloc(300);
        memset(s, 'a', 299);
        s[299] = 0;
        json_object_set_new(json_object_get(d, "organisation"), "name", json_string(s));
        free(s);
}

static void test_sign_and_checks(void **state) {
        EVP_PKEY *k = NULL, *other = NULL;
        assert_int_equal(key_new(&k), 0);
        assert_int_equal(key_new(&other), 0);
        json_t *w = wipe_record(1, "erased");
        uint8_t sig[64], sig2[64];
        char *text = make_cert(w, k, sig);
        assert_int_equal(verify(text, sig, k, NULL), 0);

        /* another key: the signature and the named key both fail */
        assert_int_equal(verify(text, sig, other, "signature:"), 2);
        verify(text, sig, other, "key: the document names signing key");
        /* a flipped byte anywhere fails the signature */
        char *t2 = strdup(text);
        t2[strlen(t2) / 2] ^= 1;
        verify(t2, sig, k, "signature:");
        free(t2);
        /* each rule, on a re-signed document so only that rule can fail */
        char *t;
        t = edit_resign(text, k, sig2, e_short_pass);
        verify(t, sig2, k, "pass 1 wrote 4096 of the medium's");
        free(t);
        t = edit_resign(text, k, sig2, e_unknown);
        verify(t, sig2, k, "schema: extra: unknown field");
        free(t);
        t = edit_resign(text, k, sig2, e_missing);
        verify(t, sig2, k, "schema: medium.serial: missing");
        free(t);
        t = edit_resign(text, k, sig2, e_type);
        verify(t, sig2, k, "schema: medium.size_bytes: must be an integer");
        free(t);
        t = edit_resign(text, k, sig2, e_root);
        verify(t, sig2, k, "read back a different root");
        free(t);
        t = edit_resign(text, k, sig2, e_both_roots);
        verify(t, sig2, k, "written_root is not the root of pattern '00'");
        free(t);
        t = edit_resign(text, k, sig2, e_errors);
        verify(t, sig2, k, "outcome 'erased' but errors are recorded");
        free(t);
        t = edit_resign(text, k, sig2, e_outcome);
        verify(t, sig2, k, "outcome: 'failed'");
        free(t);
        t = edit_resign(text, k, sig2, e_long);
        verify(t, sig2, k, "organisation.name: longer than 256 bytes");
        free(t);
        /* not canonical: same content, pretty printed */
        json_t *d = json_loads(text, 0, NULL);
        char *pretty = json_dumps(d, JSON_INDENT(1) | JSON_SORT_KEYS);
        assert_int_equal(key_sign(k, pretty, strlen(pretty), sig2), 0);
        verify(pretty, sig2, k, "format: not in canonical form");
        free(pretty);
        json_decref(d);
        /* a wipe that was not verified yields no certificate */
        json_object_set_new(w, "verify", json_string("off"));
        json_t *doc = NULL;
        json_t *asset = json_object(), *medium = json_object(), *auth = json_object();
        struct cert_context c = {"X", "2026-01-05T10:06:00Z", "S", "t", asset, medium, auth, "00"};
        assert_int_equal(cert_from_wipe(w, &c, &doc), -EINVAL);
        assert_non_null(strstr(err_msg(), "not verified"));
        json_decref(asset);
        json_decref(medium);
        json_decref(auth);
        free(text);
        json_decref(w);
        (void) context_cert;
        EVP_PKEY_free(k);
        EVP_PKEY_free(other);
}

static void test_private_key_file(void **state) {
        EVP_PKEY *k = NULL, *back = NULL;
        assert_int_equal(key_new(&k), 0);
        char *pem = NULL;
        assert_int_equal(key_private_pem(k, "correct horse", &pem), 0);
        assert_non_null(strstr(pem, "BEGIN ENCRYPTED PRIVATE KEY"));
        char *path = xasprintf("%s/k.key", dir);
        assert_int_equal(write_file_atomic(path, pem, strlen(pem), 0600), 0);
        assert_int_equal(key_load_private(path, "wrong horse", &back, NULL), -EACCES);
        assert_non_null(strstr(err_msg(), "wrong passphrase"));
        struct key_kdf kdf = {0};
        assert_int_equal(key_load_private(path, "correct horse", &back, &kdf), 0);
        /* a new key is written with scrypt at the current cost */
        assert_int_equal(kdf.kind, KEY_KDF_SCRYPT);
        assert_true(kdf.n == KEY_SCRYPT_N && kdf.r == KEY_SCRYPT_R && kdf.p == KEY_SCRYPT_P);
        assert_true(key_kdf_current(&kdf));
        char a[65], b[65];
        key_fingerprint(k, a);
        key_fingerprint(back, b);
        assert_string_equal(a, b);
        secret_free(pem);
        free(path);
        EVP_PKEY_free(k);
        EVP_PKEY_free(back);
}

/* A key file written before scrypt (PBKDF2-HMAC-SHA256, 2,048 iterations,
 * made by the code of that time): still opens, and is reported as older. */
static void test_old_key_file(void **state) {
        const char *path = ASSETCTL_SRCDIR "/tests/data/keys/pbkdf2-2048.key";
        EVP_PKEY *k = NULL;
        struct key_kdf kdf = {0};
        assert_int_equal(key_load_private(path, "wrong", &k, &kdf), -EACCES);
        assert_int_equal(key_load_private(path, "old format passphrase", &k, &kdf), 0);
        assert_int_equal(kdf.kind, KEY_KDF_PBKDF2);
        assert_true(kdf.iterations == 2048);
        assert_false(key_kdf_current(&kdf));
        char *d = key_kdf_describe(&kdf);
        assert_string_equal(d, "PBKDF2 2048 iterations");
        free(d);
        char fp[65];
        assert_int_equal(key_fingerprint(k, fp), 0);
        assert_string_equal(fp, "d2a333f4a3d4ed40aa3b6c1207072dc58e54c46b7fa84119e661ce093d8783f1");
        EVP_PKEY_free(k);
}

static struct db *fresh(void) {
        static int n;
        char *path = xasprintf("%s/t%d/assets.db", dir, n++);
        struct db *db;
        assert_int_equal(db_open(path, DB_CREATE, &db), 0);
        free(path);
        assert_int_equal(school_init(db, "Test School", "TS"), 0);
        return db;
}

static char *status_of(struct db *db, const char *tag) {
        json_t *a = NULL;
        assert_int_equal(db_asset_by_tag(db, tag, &a), 0);
        char *s = xstrdup(json_str(a, "status"));
        json_decref(a);
        return s;
}

static void test_disposal_flow(void **state) {
        struct db *db = fresh();
        char *tag = NULL;
        json_t *a = json_pack("{ssssss}", "make", "Dell", "model", "Latitude", "serial", "ABC1");
        assert_int_equal(asset_add(db, a, &tag), 0);
        json_decref(a);
        json_t *m = json_pack("{sssssIss}", "model", "SSD 860", "serial", "S3Y", "size_bytes", (json_int_t) SIZE, "kind", "hdd");
        int64_t mid;
        assert_int_equal(asset_add_media(db, tag, m, &mid), 0);
        json_decref(m);
        json_t *p = json_pack("{sssssb}", "ref", "HT", "name", "Head Teacher", "authoriser", 1);
        assert_int_equal(person_add(db, p), 0);
        json_decref(p);
        char *kdir = xasprintf("%s/keys-flow", dir);
        char fp[65];
        assert_int_equal(key_generate(db, kdir, "school", NULL, "short", fp), -EINVAL);
        assert_int_equal(key_generate(db, kdir, "school", NULL, "correct horse", fp), 0);
        char *kpath = xasprintf("%s/school.key", kdir);
        struct stat st;
        assert_int_equal(stat(kpath, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        struct signer *s = NULL;
        assert_int_equal(signer_open(db, kdir, "school", "nope nope", &s), -EACCES);
        assert_int_equal(signer_open(db, kdir, "school", "correct horse", &s), 0);

        /* an erased wipe of an asset not authorised: no certificate, nothing changes */
        json_t *w = wipe_record(mid, "erased");
        char *cid = NULL;
        assert_int_equal(disposal_wipe_ended(db, w, s, &cid), -EPERM);
        assert_non_null(strstr(err_msg(), "not authorised for disposal"));
        /* the wipe command's hook: the wipe stands, a warning says why there is no certificate */
        char *note = NULL;
        bool warning = false;
        assert_int_equal(disposal_on_wipe_ended(db, w, s, &note, &warning), 0);
        assert_non_null(note);
        assert_true(warning);
        assert_non_null(strstr(note, "not authorised for disposal"));
        free(note);
        json_t *certs = NULL;
        assert_int_equal(db_cert_list(db, NULL, &certs), 0);
        assert_int_equal(json_array_size(certs), 0);
        json_decref(certs);

        char *tags[] = {tag};
        assert_int_equal(disposal_request(db, tags, 1, "broken hinge"), 0);
        /* authorised before the wipe record's wipe (2026-01-05 10:00 to 10:05):
         * a certificate of a wipe that ended before its authorisation is refused */
        setenv("ASSETCTL_NOW", "2026-01-05T09:00:00Z", 1);
        assert_int_equal(disposal_authorise(db, tags, 1, "HT", NULL, NULL), 0);
        unsetenv("ASSETCTL_NOW");
        char *stt = status_of(db, tag);
        assert_string_equal(stt, "authorised");
        free(stt);
        assert_int_equal(disposal_on_wipe_ended(db, w, s, &note, &warning), 0);
        assert_string_equal(note, "certificate TS-CERT-000001 issued for TS-000001 (medium S3Y); TS-000001 is sanitised");
        assert_false(warning);
        free(note);
        cid = xstrdup("TS-CERT-000001");
        stt = status_of(db, tag);
        assert_string_equal(stt, "sanitised");
        free(stt);
        /* the stored certificate verifies with the registered public key */
        json_t *c = NULL;
        assert_int_equal(db_cert_get(db, cid, &c), 0);
        uint8_t sig[64];
        assert_int_equal(hex_decode(json_str(c, "signature"), sig, 64), 0);
        char *pem = NULL;
        assert_int_equal(key_public(db, "school", &pem, fp), 0);
        EVP_PKEY *pub = NULL;
        assert_int_equal(key_from_public_pem(pem, strlen(pem), &pub), 0);
        verify(json_str(c, "json"), sig, pub, NULL);

        /* the consignment: signed manifest, then the receipt */
        char *cons = NULL;
        assert_int_equal(consignment_create(db, tags, 1, "Recyc Ltd", "CBDU1", NULL, NULL, s, &cons, NULL), 0);
        json_t *cj = NULL;
        assert_int_equal(db_consignment_get(db, cons, &cj), 0);
        assert_int_equal(hex_decode(json_str(cj, "signature"), sig, 64), 0);
        verify(json_str(cj, "manifest"), sig, pub, NULL);
        assert_non_null(strstr(json_str(cj, "manifest"), cid));
        assert_int_equal(consignment_receipt(db, "TS-CONS-000099", "R1", "2026-12-01", "Bob"), -ENOENT);
        assert_int_equal(consignment_receipt(db, cons, "R1", "2099-12-01", "Bob"), 0);
        stt = status_of(db, tag);
        assert_string_equal(stt, "disposed");
        free(stt);

        /* checkpoints: signed, reached; the audit log stays intact */
        int64_t events;
        char head[65];
        assert_int_equal(audit_checkpoint(db, s, &events, head, NULL, NULL), 0);
        assert_int_equal(audit_checkpoints_verify(db, pub), 1);
        assert_int_equal(audit_checkpoints_verify(db, NULL), 1);
        struct audit_report rep;
        assert_int_equal(db_audit_verify(db, &rep), 0);
        assert_null(rep.problem);
        audit_report_done(&rep);

        json_decref(cj);
        free(cons);
        EVP_PKEY_free(pub);
        free(pem);
        json_decref(c);
        free(cid);
        json_decref(w);
        signer_free(s);
        free(kpath);
        free(kdir);
        free(tag);
        db_close(db);
}

static void test_failed_wipe_and_destroy(void **state) {
        struct db *db = fresh();
        char *tag = NULL;
        json_t *a = json_pack("{ssssss}", "make", "HP", "model", "ProBook", "serial", "Q1");
        assert_int_equal(asset_add(db, a, &tag), 0);
        json_decref(a);
        json_t *m = json_pack("{sssssIss}", "model", "HDD", "serial", "H1", "size_bytes", (json_int_t) SIZE, "kind", "hdd");
        int64_t mid;
        assert_int_equal(asset_add_media(db, tag, m, &mid), 0);
        json_decref(m);
        json_t *p = json_pack("{sssssb}", "ref", "HT", "name", "Head", "authoriser", 1);
        assert_int_equal(person_add(db, p), 0);
        json_decref(p);
        char *tags[] = {tag};
        assert_int_equal(disposal_request(db, tags, 1, "dead"), 0);
        /* an authoriser who has left cannot authorise */
        json_t *left = json_pack("{sssssbss}", "ref", "OLD", "name", "Old Head", "authoriser", 1, "leaving_date", "2001-08-31");
        assert_int_equal(person_add(db, left), 0);
        json_decref(left);
        char *tags1[] = {tag};
        assert_int_equal(disposal_authorise(db, tags1, 1, "OLD", NULL, NULL), -EPERM);
        assert_non_null(strstr(err_msg(), "Old Head (OLD) left on 2001-08-31"));
        assert_int_equal(disposal_authorise(db, tags, 1, "HT", NULL, NULL), 0);
        json_t *w = wipe_record(mid, "failed");
        char *cid = (char *) "x";
        assert_int_equal(disposal_wipe_ended(db, w, NULL, &cid), 0);
        assert_null(cid);
        char *stt = status_of(db, tag);
        assert_string_equal(stt, "destroy_required");
        free(stt);
        const char *after = NULL;
        assert_int_equal(disposal_destroy(db, tag, "H1", "crush", "Shredders Ltd", "DC-1", &after), 0);
        assert_string_equal(after, "destroyed");
        assert_int_equal(disposal_destroy(db, tag, "H1", "crush", "x", NULL, &after), -EPERM);
        json_decref(w);
        free(tag);
        db_close(db);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        return remove(path);
}

int main(void) {
        if (!mkdtemp(dir)) return 1;
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sign_and_checks),
                cmocka_unit_test(test_private_key_file),
                cmocka_unit_test(test_old_key_file),
                cmocka_unit_test(test_disposal_flow),
                cmocka_unit_test(test_failed_wipe_and_destroy),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return r;
}
