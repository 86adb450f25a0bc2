/* Certificate and manifest documents: the schemas, building a certificate
 * from a wipe record, and the strict checks the disposal firm runs with no
 * register. See cert.h. */
#include "core-internal.h"
#include "cert.h"
#include "config.h"
#include "sign.h"
#include "wipe.h"
#include "wipe-firmware-internal.h"

#include <ctype.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* --- schema description --- */

enum ftype {
        T_STR,  /* UTF-8 text, at most max bytes */
        T_INT,  /* integer >= 0 */
        T_BOOL,
        T_HASH, /* 64 lower-case hex digits */
        T_TIME, /* YYYY-MM-DDTHH:MM:SSZ */
        T_OBJ,  /* object with exactly the fields in sub */
        T_ARR,  /* array of at most max items: objects (sub) or strings (sub NULL) */
};

enum { NULLABLE = 1 << 0, OPTIONAL = 1 << 1 /* may be absent (added later to a schema) */ };

struct field {
        const char *name;
        enum ftype type;
        unsigned flags;
        size_t max;                  /* T_STR: bytes (0: 256); T_ARR: items */
        const struct field *sub;     /* T_OBJ fields, T_ARR item fields */
        const char *const *one_of;   /* T_STR: allowed values */
};

static const char *const outcomes[] = {"erased", "erased with exceptions", "failed", NULL};
static const char *const kinds[] = {"hdd", "ssd", "nvme", "flash", NULL};
static const char *const verifications[] = {"last", "all", "sample", "markers", NULL};
static const char *const categories[] = {"clear", "purge", "not classified", NULL};
static const char *const algorithms[] = {"ed25519", NULL};
static const char *const destroy_methods[] = {"shred", "crush", "degauss", "other", NULL};

static const struct field f_tool[] = {{"name", T_STR, 0, 64}, {"version", T_STR, 0, 64}, {NULL}};
static const struct field f_org[] = {{"name", T_STR, 0, 256}, {NULL}};
static const struct field f_operator[] = {{"name", T_STR, 0, 256}, {NULL}};
static const struct field f_host[] = {{"hostname", T_STR, 0, 256}, {"machine_id", T_STR, NULLABLE, 64}, {NULL}};
static const struct field f_asset[] = {
        {"tag", T_STR, 0, 32}, {"make", T_STR, 0, 128}, {"model", T_STR, 0, 128}, {"serial", T_STR, 0, 128},
        {"category", T_STR, NULLABLE, 256}, {NULL},
};
static const struct field f_medium[] = {
        {"make", T_STR, NULLABLE, 128}, {"model", T_STR, 0, 128}, {"serial", T_STR, 0, 128}, {"size_bytes", T_INT},
        {"kind", T_STR, 0, 8, NULL, kinds}, {"wwn", T_STR, NULLABLE, 256}, {NULL},
};
/* A firmware wipe's command (issue 11): what was sent, with its settings
 * (canonical JSON of the command as recorded) and what the drive reported
 * at the end (SSTAT/SPROG, the ATA status, sense data). */
static const struct field f_fw[] = {
        {"method", T_STR, 0, 64}, {"command", T_STR, 0, 64}, {"opcode", T_INT}, {"settings", T_STR, 0, 1024},
        {"status", T_STR, 0, 512}, {"state", T_STR, 0, 32}, {"duration_s", T_INT}, {NULL},
};
/* Its validation: markers planted before, read back after. */
static const struct field f_val[] = {
        {"passed", T_BOOL}, {"markers", T_INT}, {"markers_survived", T_INT}, {"sectors_read", T_INT},
        {"unreadable_sectors", T_INT}, {"reads_as", T_STR, 0, 64}, {"expected", T_STR, 0, 128}, {"scope", T_STR, 0, 64},
        {"chi_square", T_STR, 0, 32}, {"chi_square_pairs", T_STR, 0, 32}, {"test", T_STR, 0, 512}, {NULL},
};
static const struct field f_san[] = {
        {"nist_category", T_STR, 0, 16, NULL, categories},
        {"technique", T_STR, 0, 64},
        {"method", T_STR, 0, 64},
        {"method_description", T_STR, 0, 512},
        {"verification", T_STR, 0, 8, NULL, verifications},
        {"verification_detail", T_STR, NULLABLE, 512},
        {"tool", T_STR, 0, 128},
        {"passes_planned", T_INT},
        {"firmware", T_OBJ, OPTIONAL, 0, f_fw},
        {"validation", T_OBJ, OPTIONAL, 0, f_val},
        {NULL},
};
static const struct field f_err[] = {{"offset", T_INT}, {"length", T_INT}, {"error", T_STR, 0, 256}, {NULL}};
static const struct field f_pass[] = {
        {"number", T_INT},
        {"pattern", T_STR, 0, 64},
        {"bytes_written", T_INT},
        {"written_root", T_HASH},
        {"verified", T_BOOL},
        {"bytes_verified", T_INT},
        {"verified_root", T_HASH, NULLABLE},
        {"seed", T_STR, NULLABLE, 128},
        {"seed_sha256", T_HASH, NULLABLE},
        {"started", T_TIME},
        {"ended", T_TIME},
        {"errors", T_ARR, 0, 1024, f_err},
        {NULL},
};
static const struct field f_post[] = {{"confidentiality", T_STR, 0, 256}, {"destination", T_STR, 0, 256}, {NULL}};
/* A signed authorisation carries the authoriser's statement (canonical JSON,
 * schema assetctl.authorisation.v1), their raw Ed25519 signature over it in
 * hex and their key's fingerprint, so the firm can check it with the
 * authoriser's public key; all three are null when it was not signed. */
static const struct field f_auth[] = {
        {"name", T_STR, 0, 256}, {"role", T_STR, 0, 256}, {"person_ref", T_STR, 0, 64},
        {"authorised_at", T_TIME}, {"signed", T_BOOL},
        {"statement", T_STR, NULLABLE, 4096}, {"signature", T_STR, NULLABLE, 128}, {"key_fingerprint", T_HASH, NULLABLE},
        {NULL},
};
static const struct field f_key[] = {{"algorithm", T_STR, 0, 16, NULL, algorithms}, {"fingerprint", T_HASH}, {NULL}};
static const struct field f_cert[] = {
        {"schema", T_STR, 0, 64},
        {"certificate_id", T_STR, 0, 64},
        {"issued", T_TIME},
        {"tool", T_OBJ, 0, 0, f_tool},
        {"organisation", T_OBJ, 0, 0, f_org},
        {"operator", T_OBJ, 0, 0, f_operator},
        {"host", T_OBJ, 0, 0, f_host},
        {"asset", T_OBJ, 0, 0, f_asset},
        {"medium", T_OBJ, 0, 0, f_medium},
        {"sanitisation", T_OBJ, 0, 0, f_san},
        {"passes", T_ARR, 0, 64, f_pass},
        {"errors", T_ARR, 0, 1024, NULL},
        {"outcome", T_STR, 0, 32, NULL, outcomes},
        {"started", T_TIME},
        {"ended", T_TIME},
        {"post_sanitisation", T_OBJ, 0, 0, f_post},
        {"authorisation", T_OBJ, 0, 0, f_auth},
        {"signing_key", T_OBJ, 0, 0, f_key},
        {"wipe_id", T_INT},
        {"notes", T_STR, NULLABLE, 1024},
        {NULL},
};

static const struct field f_firm[] = {
        {"name", T_STR, 0, 256}, {"carrier_registration", T_STR, 0, 128}, {"licence", T_STR, NULLABLE, 256}, {NULL},
};
static const struct field f_m_auth[] = {{"name", T_STR, 0, 256}, {"role", T_STR, 0, 256}, {"authorised_at", T_TIME}, {NULL}};
static const struct field f_destruction[] = {
        {"method", T_STR, 0, 16, NULL, destroy_methods}, {"performed_by", T_STR, 0, 256},
        {"destroyed_at", T_TIME}, {"firm_certificate", T_STR, NULLABLE, 128}, {NULL},
};
static const struct field f_m_medium[] = {
        {"model", T_STR, 0, 128}, {"serial", T_STR, 0, 128}, {"kind", T_STR, 0, 8, NULL, kinds}, {"size_bytes", T_INT},
        {"certificate_id", T_STR, NULLABLE, 64}, {"certificate_sha256", T_HASH, NULLABLE},
        {"destruction", T_OBJ, NULLABLE, 0, f_destruction}, {NULL},
};
static const struct field f_m_asset[] = {
        {"tag", T_STR, 0, 32}, {"make", T_STR, 0, 128}, {"model", T_STR, 0, 128}, {"serial", T_STR, 0, 128},
        {"category", T_STR, NULLABLE, 256}, {"authorisation", T_OBJ, 0, 0, f_m_auth},
        {"media", T_ARR, 0, 64, f_m_medium}, {NULL},
};
static const struct field f_manifest[] = {
        {"schema", T_STR, 0, 64},
        {"consignment_id", T_STR, 0, 64},
        {"created", T_TIME},
        {"created_by", T_STR, 0, 256},
        {"tool", T_OBJ, 0, 0, f_tool},
        {"organisation", T_OBJ, 0, 0, f_org},
        {"firm", T_OBJ, 0, 0, f_firm},
        {"assets", T_ARR, 0, 10000, f_m_asset},
        {"signing_key", T_OBJ, 0, 0, f_key},
        {NULL},
};

static const struct field f_checkpoint[] = {
        {"schema", T_STR, 0, 64}, {"organisation", T_OBJ, 0, 0, f_org}, {"events", T_INT}, {"head", T_HASH},
        {"created", T_TIME}, {"signing_key", T_OBJ, 0, 0, f_key}, {NULL},
};

/* --- checking --- */

static void add_problem(struct doc_check *c, const char *fmt, ...) _printf_(2, 3);
static void add_problem(struct doc_check *c, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        char *m = NULL;
        if (vasprintf(&m, fmt, ap) < 0) abort();
        va_end(ap);
        /* keep the report readable when a document is badly broken */
        if (c->n_problems < 50) {
                char *p = c->problems ? xasprintf("%s\n%s", c->problems, m) : xstrdup(m);
                free(c->problems);
                c->problems = p;
        }
        c->n_problems++;
        free(m);
}

void doc_check_done(struct doc_check *c) {
        if (c->doc) json_decref(c->doc);
        free(c->kind);
        free(c->problems);
        memset(c, 0, sizeof *c);
}

/* n lower-case hex digits and nothing else. */
static bool is_hash_len(const char *s, size_t n) {
        if (strlen(s) != n) return false;
        for (const char *p = s; *p; p++)
                if (!isdigit((unsigned char) *p) && !(*p >= 'a' && *p <= 'f')) return false;
        return true;
}

static bool is_hash(const char *s) {
        if (strlen(s) != 64) return false;
        for (const char *p = s; *p; p++)
                if (!isdigit((unsigned char) *p) && !(*p >= 'a' && *p <= 'f')) return false;
        return true;
}

static bool is_time(const char *s) {
        int y, mo, d, h, mi, se, n = 0;
        if (strlen(s) != 20) return false;
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 20) return false;
        for (int i = 0; i < 20; i++)
                if (strchr("0123456789", s[i]) == NULL && i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && i != 19) return false;
        char date[11];
        memcpy(date, s, 10);
        date[10] = 0;
        char out[11];
        return parse_date(date, out) == 0 && h < 24 && mi < 60 && se < 61;
}

static void check_obj(struct doc_check *c, json_t *o, const struct field *fields, const char *path);

static void check_value(struct doc_check *c, json_t *v, const struct field *f, const char *path) {
        if (json_is_null(v)) {
                if (!(f->flags & NULLABLE)) add_problem(c, "schema: %s: must not be null", path);
                return;
        }
        switch (f->type) {
        case T_STR:
        case T_HASH:
        case T_TIME: {
                if (!json_is_string(v)) {
                        add_problem(c, "schema: %s: must be a string", path);
                        return;
                }
                const char *s = json_string_value(v);
                size_t n = json_string_length(v), max = f->max ? f->max : 256;
                if (strlen(s) != n || !utf8_valid(s, n)) add_problem(c, "schema: %s: control characters or NUL in text", path);
                else if (f->type == T_HASH && !is_hash(s)) add_problem(c, "schema: %s: '%s' is not a SHA-256 in lower-case hex", path, s);
                else if (f->type == T_TIME && !is_time(s)) add_problem(c, "schema: %s: '%s' is not a UTC time YYYY-MM-DDTHH:MM:SSZ", path, s);
                else if (f->type == T_STR && n > max) add_problem(c, "schema: %s: longer than %zu bytes", path, max);
                else if (f->type == T_STR && n == 0) add_problem(c, "schema: %s: empty", path);
                else if (f->one_of) {
                        bool ok = false;
                        for (const char *const *p = f->one_of; *p; p++) ok |= streq(*p, s);
                        if (!ok) add_problem(c, "schema: %s: '%s' is not an allowed value", path, s);
                }
                return;
        }
        case T_INT:
                if (!json_is_integer(v)) add_problem(c, "schema: %s: must be an integer", path);
                else if (json_integer_value(v) < 0) add_problem(c, "schema: %s: must not be negative", path);
                return;
        case T_BOOL:
                if (!json_is_boolean(v)) add_problem(c, "schema: %s: must be true or false", path);
                return;
        case T_OBJ:
                if (!json_is_object(v)) add_problem(c, "schema: %s: must be an object", path);
                else check_obj(c, v, f->sub, path);
                return;
        case T_ARR: {
                if (!json_is_array(v)) {
                        add_problem(c, "schema: %s: must be an array", path);
                        return;
                }
                if (json_array_size(v) > f->max) {
                        add_problem(c, "schema: %s: more than %zu items", path, f->max);
                        return;
                }
                size_t i;
                json_t *item;
                json_array_foreach(v, i, item) {
                        _cleanup_free_ char *p = xasprintf("%s[%zu]", path, i);
                        if (f->sub) {
                                if (!json_is_object(item)) add_problem(c, "schema: %s: must be an object", p);
                                else check_obj(c, item, f->sub, p);
                        } else {
                                static const struct field text = {"", T_STR, 0, 1024};
                                check_value(c, item, &text, p);
                        }
                }
                return;
        }
        }
}

static void check_obj(struct doc_check *c, json_t *o, const struct field *fields, const char *path) {
        for (const struct field *f = fields; f->name; f++) {
                _cleanup_free_ char *p = *path ? xasprintf("%s.%s", path, f->name) : xstrdup(f->name);
                json_t *v = json_object_get(o, f->name);
                if (!v && !(f->flags & OPTIONAL)) add_problem(c, "schema: %s: missing", p);
                else if (!v) continue;
                else check_value(c, v, f, p);
        }
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) {
                bool known = false;
                for (const struct field *f = fields; f->name && !known; f++) known = streq(f->name, key);
                if (!known) add_problem(c, "schema: %s%s%s: unknown field", path, *path ? "." : "", key);
        }
}

static int64_t geti(json_t *o, const char *k) { return json_integer_value(json_object_get(o, k)); }
static const char *gets(json_t *o, const char *k) { return strempty(json_str(o, k)); }

/* What each method is, in words (the certificate's method_description). */
static const struct {
        const char *name, *description;
} method_descriptions[] = {
        {"zero", "one pass of 0x00, last pass verified"},
        {"one", "one pass of 0xFF, last pass verified"},
        {"random", "one pass of an AES-256-CTR stream, last pass verified"},
        {"nist-clear", "NIST SP 800-88 Rev.1 Clear for magnetic media: one pass of 0x00, fully verified"},
        {"is5-baseline", "HMG IS5 Baseline: one pass of 0x00, fully verified"},
        {"is5-enhanced", "HMG IS5 Enhanced: 0x00, 0xFF, random; the random pass verified"},
        {"dod-short", "DoD 5220.22-M (3 passes): a byte, its complement, random; last pass verified"},
        {"dod-7", "DoD 5220.22-M ECE (7 passes); last pass verified"},
        {"gutmann", "Gutmann (35 passes); last pass verified"},
};

#define CHUNK (4u * 1024 * 1024)
#define RANDOM_RECOMPUTE_MAX (256ull * 1024 * 1024)
/* The work one document may cost, all its passes together: bytes of random
 * stream regenerated, and chunk digests of constant patterns folded into a
 * root (16 Mi, a second or so: every pass of a 64 TB medium). A pass beyond
 * the budget is not recomputed, as a random pass over 256 MiB never is. */
#define RECOMPUTE_CHUNKS_MAX (16ull * 1024 * 1024)
struct recompute_budget {
        uint64_t random_bytes, chunks;
};
/* The smallest sample a certificate may rest on: a share of the chunks, and
 * never fewer than the first and last chunk (the engine always reads both). */
#define SAMPLE_FLOOR_PERCENT 1.0

/* The SHA-256 root a pass must have written over size bytes: SHA-256 over
 * the SHA-256 digests of consecutive 4 MiB chunks of the stream. Constant
 * patterns ("00", "ff", "924924": repeated from offset 0) are recomputed for
 * any size; a random pass (AES-256-CTR keyed by the seed, zero IV) only up
 * to RANDOM_RECOMPUTE_MAX. Returns 1 and the hex root, 0 when not
 * recomputed, -EINVAL for a pattern it cannot read. */
static int expected_root(const char *pattern, const char *seed_hex, uint64_t size, struct recompute_budget *budget, char out[65]) {
        bool random = streq(pattern, "random");
        uint8_t pat[3], seed[32];
        size_t plen = strlen(pattern) / 2;
        if (random) {
                if (!seed_hex || strlen(seed_hex) != 64 || hex_decode(seed_hex, seed, 32) < 0) return -EINVAL;
                if (size > RANDOM_RECOMPUTE_MAX || size > RANDOM_RECOMPUTE_MAX - budget->random_bytes) return 0;
                budget->random_bytes += size;
        } else if (strlen(pattern) % 2 || plen < 1 || plen > 3 || hex_decode(pattern, pat, plen) < 0)
                return -EINVAL;
        uint64_t chunks = size / CHUNK + 1;
        if (chunks > RECOMPUTE_CHUNKS_MAX - budget->chunks) return 0;
        budget->chunks += chunks;
        _cleanup_free_ uint8_t *buf = xmalloc(CHUNK + 16);
        EVP_MD_CTX *outer = EVP_MD_CTX_new();
        EVP_CIPHER_CTX *aes = random ? EVP_CIPHER_CTX_new() : NULL;
        static const uint8_t iv[16];
        if (!outer || !EVP_DigestInit_ex(outer, EVP_sha256(), NULL) ||
            (random && (!aes || !EVP_EncryptInit_ex(aes, EVP_aes_256_ctr(), NULL, seed, iv))))
                abort();
        /* constant chunks repeat: digest each (phase, length) once */
        uint8_t cache_d[3][2][32];
        bool cache_ok[3][2] = {{false}};
        for (uint64_t off = 0; off < size; off += CHUNK) {
                size_t n = (size_t) (size - off < CHUNK ? size - off : CHUNK);
                uint8_t dg[32];
                if (random) {
                        memset(buf, 0, n);
                        int outl = 0;
                        if (!EVP_EncryptUpdate(aes, buf, &outl, buf, (int) n)) abort();
                        sha256_buf(buf, n, dg);
                } else {
                        size_t phase = (size_t) (off % plen), full = n == CHUNK;
                        if (!cache_ok[phase][full]) {
                                for (size_t k = 0; k < n; k++) buf[k] = pat[(phase + k) % plen];
                                sha256_buf(buf, n, cache_d[phase][full]);
                                cache_ok[phase][full] = true;
                        }
                        memcpy(dg, cache_d[phase][full], 32);
                }
                EVP_DigestUpdate(outer, dg, 32);
        }
        uint8_t root[32];
        EVP_DigestFinal_ex(outer, root, NULL);
        EVP_MD_CTX_free(outer);
        if (aes) EVP_CIPHER_CTX_free(aes);
        OPENSSL_cleanse(seed, sizeof seed);
        hex_encode(root, 32, out);
        return 1;
}

/* The statement a certificate's signed authorisation carries, parsed, or NULL
 * (a problem is added) when it is not canonical JSON of the right schema. */
static json_t *auth_statement(struct doc_check *c, const char *text) {
        json_error_t e;
        json_t *st = json_loads(text, JSON_REJECT_DUPLICATES, &e);
        if (!json_is_object(st)) {
                add_problem(c, "authorisation: the signed statement is not a JSON object");
                if (st) json_decref(st);
                return NULL;
        }
        _cleanup_free_ char *canon = json_canonical(st);
        if (!streq(canon, text)) add_problem(c, "authorisation: the signed statement is not in canonical form");
        if (!streq_ptr(json_str(st, "schema"), AUTHORISATION_SCHEMA))
                add_problem(c, "authorisation: the signed statement's schema is not %s", AUTHORISATION_SCHEMA);
        return st;
}

/* A signed authorisation must say what the certificate says it does: the
 * same asset, authoriser, role and time, and name the same key. */
static void check_authorisation(struct doc_check *c, json_t *au, json_t *asset) {
        bool is_signed = json_is_true(json_object_get(au, "signed"));
        const char *text = json_str(au, "statement"), *sig = json_str(au, "signature"), *fp = json_str(au, "key_fingerprint");
        if (!is_signed) {
                if (text || sig || fp) add_problem(c, "consistency: authorisation.signed is false but it carries a statement, signature or key");
                return;
        }
        if (!text || !sig || !fp) {
                add_problem(c, "consistency: authorisation.signed is true but its statement, signature or key_fingerprint is missing");
                return;
        }
        if (strlen(sig) != 2 * SIG_LEN || !is_hash_len(sig, 2 * SIG_LEN))
                add_problem(c, "schema: authorisation.signature: not %d bytes in lower-case hex", SIG_LEN);
        _cleanup_json_ json_t *st = auth_statement(c, text);
        if (!st) return;
        json_t *sa = json_object_get(st, "asset"), *by = json_object_get(st, "authorised_by");
        const struct {
                const char *what, *signed_v, *cert_v;
        } same[] = {
                {"asset tag", json_str(sa, "tag"), gets(asset, "tag")},
                {"asset serial", json_str(sa, "serial"), gets(asset, "serial")},
                {"authoriser", json_str(by, "name"), gets(au, "name")},
                {"authoriser's reference", json_str(by, "ref"), gets(au, "person_ref")},
                {"role", json_str(by, "role"), gets(au, "role")},
                {"time", json_str(st, "authorised_at"), gets(au, "authorised_at")},
                {"key", json_str(json_object_get(st, "signing_key"), "fingerprint"), fp},
        };
        for (size_t i = 0; i < ELEMENTSOF(same); i++)
                if (!streq_ptr(same[i].signed_v, same[i].cert_v))
                        add_problem(c, "authorisation: the signed statement names %s '%s' but the certificate says '%s'", same[i].what,
                                    strempty(same[i].signed_v), same[i].cert_v);
}

/* The percentage a sample verification's detail states ("10% of the 4 MiB
 * chunks ..."), or -1. */
static double sample_percent_of(const char *detail) {
        char *end;
        if (!detail || !isdigit((unsigned char) *detail)) return -1;
        double p = strtod(detail, &end);
        if (end == detail || *end != '%' || !(p > 0 && p <= 100)) return -1;
        return p;
}

/* A sampled pass must have read at least what the engine reads for the
 * stated share: ceil(chunks * percent / 100) chunks, the first and last among
 * them (one chunk of slack for rounding), and the share at least the floor. */
static void check_sample(struct doc_check *c, json_t *san, json_t *p, size_t i, int64_t size) {
        double pct = sample_percent_of(json_str(san, "verification_detail"));
        if (pct < 0) {
                add_problem(c, "meaning: sample verification does not say what share was read back (verification_detail)");
                return;
        }
        if (pct < SAMPLE_FLOOR_PERCENT)
                add_problem(c, "meaning: a sample of %g%% of the chunks is below the %g%% a certificate needs", pct, SAMPLE_FLOOR_PERCENT);
        uint64_t nc = ((uint64_t) size + CHUNK - 1) / CHUNK, last = (uint64_t) size - (nc - 1) * CHUNK;
        uint64_t want = (uint64_t) ceil((double) nc * pct / 100.0);
        if (want < (nc > 1 ? 2 : 1)) want = nc > 1 ? 2 : 1;
        if (want > nc) want = nc;
        uint64_t floor_bytes = want > 2 ? (want - 2) * CHUNK + last : nc > 1 ? CHUNK + last : last;
        if ((uint64_t) geti(p, "bytes_verified") < floor_bytes)
                add_problem(c, "meaning: pass %zu's sample read back %lld bytes, less than the %g%% it states (at least %llu bytes)", i + 1,
                            (long long) geti(p, "bytes_verified"), pct, (unsigned long long) floor_bytes);
}

/* The method a certificate names must be the one its passes show: a known
 * method (or custom), its passes in its order, its verification, an
 * overwrite's technique and NIST category; the authorisation before the
 * wipe ended and the passes one after another. */
/* A firmware method's certificate (issue 11): the technique and NIST
 * category this tool gives that method on that medium, its command with
 * the drive's final status, and a validation that passed. */
static void check_firmware_meaning(struct doc_check *c, json_t *d) {
        json_t *san = json_object_get(d, "sanitisation"), *fw = json_object_get(san, "firmware"), *v = json_object_get(san, "validation");
        const char *method = gets(san, "method"), *kind = gets(json_object_get(d, "medium"), "kind");
        const char *tech = fw_technique_by_name(method), *cat = fw_nist_category_by_name(method, kind);
        if (!streq(gets(san, "technique"), tech))
                add_problem(c, "meaning: technique '%s' is not what method '%s' does (%s)", gets(san, "technique"), method, tech);
        if (!streq(gets(san, "nist_category"), cat))
                add_problem(c, "meaning: nist_category '%s' for %s on a medium of kind '%s' (this tool's table says '%s')",
                            gets(san, "nist_category"), method, kind, cat);
        const char *vm = gets(san, "verification");
        if (!streq(vm, "markers") && !streq(vm, "all"))
                add_problem(c, "meaning: a firmware method is validated by markers or in full, the certificate says '%s'", vm);
        if (!fw || !*gets(fw, "command") || !*gets(fw, "status"))
                add_problem(c, "meaning: method '%s' needs its firmware command and the drive's status", method);
        else if (!streq(gets(fw, "method"), method))
                add_problem(c, "meaning: the firmware command is for '%s', the method is '%s'", gets(fw, "method"), method);
        if (!v || !json_is_true(json_object_get(v, "passed")) || geti(v, "markers") <= 0 || geti(v, "markers_survived") != 0)
                add_problem(c, "meaning: method '%s' needs a passed validation (markers planted, none surviving)", method);
}

static void check_cert_meaning(struct doc_check *c, json_t *d) {
        json_t *san = json_object_get(d, "sanitisation"), *passes = json_object_get(d, "passes");
        const char *method = gets(san, "method"), *vmode = gets(san, "verification");
        if (fw_technique_by_name(method)) {
                check_firmware_meaning(c, d);
                return;
        }
        if (json_object_get(san, "firmware") || json_object_get(san, "validation") || streq(vmode, "markers"))
                add_problem(c, "meaning: method '%s' is an overwrite: it has no firmware command or marker validation", method);
        if (!streq(gets(san, "technique"), "overwrite"))
                add_problem(c, "meaning: technique '%s' is not what method '%s' does (overwrite)", gets(san, "technique"), method);
        if (!streq(gets(san, "nist_category"), "clear"))
                add_problem(c, "meaning: nist_category '%s' for an overwrite (NIST SP 800-88 counts an overwrite as clear)",
                            gets(san, "nist_category"));
        const char *desc = "overwrite with the passes listed";
        for (size_t k = 0; k < ELEMENTSOF(method_descriptions); k++)
                if (streq(method_descriptions[k].name, method)) desc = method_descriptions[k].description;
        if (!streq(gets(san, "method_description"), desc))
                add_problem(c, "meaning: method_description is not that of method '%s' (%s)", method, desc);
        size_t n = json_array_size(passes), i;
        json_t *p;
        int64_t size = geti(json_object_get(d, "medium"), "size_bytes");
        json_array_foreach(passes, i, p) {
                if (streq(vmode, "sample") && json_is_true(json_object_get(p, "verified")) && geti(p, "bytes_verified") != size)
                        check_sample(c, san, p, i, size);
                if (i && strcmp(gets(p, "started"), gets(json_array_get(passes, i - 1), "ended")) < 0)
                        add_problem(c, "meaning: pass %zu started before pass %zu ended", i + 1, i);
        }
        const char *authorised = gets(json_object_get(d, "authorisation"), "authorised_at");
        /* the register's rule (disposal.c): the wipe ends under the authorisation */
        if (strcmp(authorised, gets(d, "ended")) > 0)
                add_problem(c, "meaning: the disposal was authorised (%s) after the wipe ended (%s)", authorised, gets(d, "ended"));
        if (streq(method, "custom")) return;
        struct wipe_method m;
        if (wipe_method_get(method, &m) < 0) {
                err_clear();
                add_problem(c, "meaning: method '%s' is not one this tool knows (%s, or custom)", method,
                            "zero, one, random, nist-clear, is5-baseline, is5-enhanced, dod-short, dod-7, gutmann");
                return;
        }
        if (n != m.n_passes)
                add_problem(c, "meaning: method '%s' has %zu passes, the certificate lists %zu", method, m.n_passes, n);
        else
                json_array_foreach(passes, i, p) {
                        char want[8];
                        wipe_pass_name(&m.passes[i], want);
                        if (!streq(gets(p, "pattern"), want))
                                add_problem(c, "meaning: pass %zu of method '%s' is %s, the certificate says %s", i + 1, method, want,
                                            gets(p, "pattern"));
                }
        if (m.verify == WIPE_VERIFY_ALL && !streq(vmode, "all"))
                add_problem(c, "meaning: method '%s' verifies every pass in full (verification 'all'), the certificate says '%s'", method, vmode);
        if (m.verify_random)
                json_array_foreach(passes, i, p) if (streq(gets(p, "pattern"), "random") && geti(p, "bytes_verified") != size)
                        add_problem(c, "meaning: method '%s' verifies its random pass in full, pass %zu verified %lld of %lld bytes", method,
                                    i + 1, (long long) geti(p, "bytes_verified"), (long long) size);
}

/* The rules that tie a certificate's numbers together. Only run on a
 * document whose schema checked clean. recompute: also recompute the roots
 * of the patterns (bounded per document; skipped when the signature failed). */
static void check_cert_consistency(struct doc_check *c, json_t *d, bool recompute) {
        struct recompute_budget budget = {0};
        check_cert_meaning(c, d);
        check_authorisation(c, json_object_get(d, "authorisation"), json_object_get(d, "asset"));
        json_t *passes = json_object_get(d, "passes"), *medium = json_object_get(d, "medium");
        json_t *san = json_object_get(d, "sanitisation");
        int64_t size = geti(medium, "size_bytes");
        const char *outcome = gets(d, "outcome"), *verification = gets(san, "verification");
        const char *started = gets(d, "started"), *ended = gets(d, "ended");
        size_t n = json_array_size(passes);
        bool firmware = fw_technique_by_name(gets(san, "method")) != NULL;
        if (n == 0 && !firmware) add_problem(c, "consistency: the certificate lists no passes");
        if ((int64_t) n != geti(san, "passes_planned"))
                add_problem(c, "consistency: %zu passes listed but the method plans %lld", n, (long long) geti(san, "passes_planned"));
        if (strcmp(started, ended) > 0) add_problem(c, "consistency: the wipe ended (%s) before it started (%s)", ended, started);
        if (strcmp(ended, gets(d, "issued")) > 0) add_problem(c, "consistency: issued (%s) before the wipe ended (%s)", gets(d, "issued"), ended);
        if (size <= 0) add_problem(c, "consistency: medium.size_bytes is 0");
        bool any_error = json_array_size(json_object_get(d, "errors")) > 0, any_verified = false;
        size_t i;
        json_t *p;
        json_array_foreach(passes, i, p) {
                int64_t num = geti(p, "number");
                if (num != (int64_t) i + 1) add_problem(c, "consistency: passes[%zu] is numbered %lld, not %zu", i, (long long) num, i + 1);
                if (strcmp(gets(p, "started"), started) < 0 || strcmp(gets(p, "ended"), ended) > 0 ||
                    strcmp(gets(p, "started"), gets(p, "ended")) > 0)
                        add_problem(c, "consistency: pass %zu's times fall outside the wipe's", i + 1);
                bool verified = json_is_true(json_object_get(p, "verified"));
                const char *vroot = json_str(p, "verified_root");
                if (verified && !vroot && !streq(verification, "sample"))
                        add_problem(c, "consistency: pass %zu is verified but has no verified_root", i + 1);
                bool last = i + 1 == n;
                if (!firmware && !verified && (streq(verification, "all") || (streq(verification, "last") && last)))
                        add_problem(c, "consistency: verification '%s' but pass %zu was not verified", verification, i + 1);
                if (recompute && geti(p, "bytes_written") == size && size > 0) {
                        char want[65];
                        int er = expected_root(gets(p, "pattern"), json_str(p, "seed"), (uint64_t) size, &budget, want);
                        if (er < 0) add_problem(c, "consistency: pass %zu's pattern '%s' cannot be recomputed", i + 1, gets(p, "pattern"));
                        else if (er > 0 && !streq(want, gets(p, "written_root")))
                                add_problem(c, "consistency: pass %zu's written_root is not the root of pattern '%s' over %lld bytes",
                                            i + 1, gets(p, "pattern"), (long long) size);
                }
                if (!verified && (vroot || geti(p, "bytes_verified")))
                        add_problem(c, "consistency: pass %zu is not verified but has verification results", i + 1);
                any_verified |= verified;
                if (json_array_size(json_object_get(p, "errors"))) any_error = true;
                const char *seed = json_str(p, "seed"), *seed_hash = json_str(p, "seed_sha256");
                if (streq(gets(p, "pattern"), "random")) {
                        if (!seed || !seed_hash) add_problem(c, "consistency: random pass %zu has no seed and seed hash", i + 1);
                        else {
                                size_t sl = strlen(seed);
                                uint8_t raw[64];
                                char h[65];
                                if (sl % 2 || sl / 2 > sizeof raw || hex_decode(seed, raw, sl / 2) < 0)
                                        add_problem(c, "consistency: pass %zu's seed is not hex", i + 1);
                                else {
                                        sha256_hex(raw, sl / 2, h);
                                        if (!streq(h, seed_hash))
                                                add_problem(c, "consistency: pass %zu's seed does not hash to its recorded seed_sha256", i + 1);
                                }
                        }
                } else if (seed || seed_hash)
                        add_problem(c, "consistency: pass %zu (pattern %s) is not random but has a seed", i + 1, gets(p, "pattern"));
        }
        if (!streq(outcome, "erased")) {
                add_problem(c, "outcome: '%s': the medium was not sanitised (a certificate needs outcome 'erased')", outcome);
                return;
        }
        if (any_error) add_problem(c, "consistency: outcome 'erased' but errors are recorded");
        if (!any_verified && n && !firmware) add_problem(c, "consistency: outcome 'erased' but no pass was verified");
        json_array_foreach(passes, i, p) {
                if (geti(p, "bytes_written") != size)
                        add_problem(c, "consistency: outcome 'erased' but pass %zu wrote %lld of the medium's %lld bytes", i + 1,
                                    (long long) geti(p, "bytes_written"), (long long) size);
                if (!json_is_true(json_object_get(p, "verified"))) continue;
                if (streq(verification, "sample")) {
                        if (geti(p, "bytes_verified") <= 0 || geti(p, "bytes_verified") > size)
                                add_problem(c, "consistency: pass %zu's sample verified %lld bytes of %lld", i + 1,
                                            (long long) geti(p, "bytes_verified"), (long long) size);
                        continue;
                }
                if (geti(p, "bytes_verified") != size)
                        add_problem(c, "consistency: outcome 'erased' but pass %zu verified %lld of the medium's %lld bytes", i + 1,
                                    (long long) geti(p, "bytes_verified"), (long long) size);
                if (!streq_ptr(json_str(p, "verified_root"), json_str(p, "written_root")))
                        add_problem(c, "consistency: pass %zu read back a different root than it wrote (verified_root != written_root)", i + 1);
        }
}

static void check_manifest_consistency(struct doc_check *c, json_t *d) {
        json_t *assets = json_object_get(d, "assets");
        if (json_array_size(assets) == 0) add_problem(c, "consistency: the manifest lists no assets");
        size_t i, j;
        json_t *a, *m;
        json_array_foreach(assets, i, a) {
                for (size_t k = 0; k < i; k++)
                        if (streq(gets(json_array_get(assets, k), "tag"), gets(a, "tag")))
                                add_problem(c, "consistency: asset '%s' is listed twice", gets(a, "tag"));
                json_array_foreach(json_object_get(a, "media"), j, m) {
                        bool cert = json_str(m, "certificate_id") != NULL, hash = json_str(m, "certificate_sha256") != NULL;
                        bool destroyed = json_is_object(json_object_get(m, "destruction"));
                        if (cert != hash)
                                add_problem(c, "consistency: %s medium '%s': certificate_id and certificate_sha256 go together",
                                            gets(a, "tag"), gets(m, "serial"));
                        if (cert == destroyed)
                                add_problem(c, "consistency: %s medium '%s' needs exactly one of a certificate or a destruction record",
                                            gets(a, "tag"), gets(m, "serial"));
                }
        }
}

static int check_common(const char *doc, size_t n, struct doc_check *c, bool recompute) {
        memset(c, 0, sizeof *c);
        if (n > DOC_MAX) {
                add_problem(c, "size: the document is %zu bytes, more than the %d allowed", n, DOC_MAX);
                return 0;
        }
        json_error_t e;
        c->doc = json_loadb(doc, n, JSON_REJECT_DUPLICATES, &e);
        if (!c->doc) {
                add_problem(c, "format: not valid JSON (%s at byte %d)", e.text, e.position);
                return 0;
        }
        if (!json_is_object(c->doc)) {
                add_problem(c, "format: not a JSON object");
                return 0;
        }
        _cleanup_free_ char *canon = json_canonical(c->doc);
        if (strlen(canon) != n || memcmp(canon, doc, n) != 0)
                add_problem(c, "format: not in canonical form (sorted keys, no white space)");
        const char *schema = json_str(c->doc, "schema");
        const struct field *fields = NULL;
        if (streq_ptr(schema, CERT_SCHEMA)) {
                c->kind = xstrdup("certificate");
                fields = f_cert;
        } else if (streq_ptr(schema, MANIFEST_SCHEMA)) {
                c->kind = xstrdup("manifest");
                fields = f_manifest;
        } else if (streq_ptr(schema, CHECKPOINT_SCHEMA)) {
                c->kind = xstrdup("audit checkpoint");
                fields = f_checkpoint;
        } else {
                add_problem(c, "schema: 'schema' is %s%s%s, not %s or %s", schema ? "'" : "", schema ? schema : "missing",
                            schema ? "'" : "", CERT_SCHEMA, MANIFEST_SCHEMA);
                return 0;
        }
        int before = c->n_problems;
        check_obj(c, c->doc, fields, "");
        if (c->n_problems > before) return 0; /* the numbers mean nothing in a malformed document */
        if (fields == f_cert) check_cert_consistency(c, c->doc, recompute);
        else if (fields == f_manifest) check_manifest_consistency(c, c->doc);
        return 0;
}

int doc_check_schema(const char *doc, size_t n, struct doc_check *ret) {
        check_common(doc, n, ret, true);
        return ret->n_problems ? -EBADMSG : 0;
}

int doc_verify(const char *doc, size_t n, const uint8_t *sig, size_t sig_len, EVP_PKEY *pub, struct doc_check *ret) {
        char fp[65];
        int r = key_fingerprint(pub, fp);
        if (r < 0) return r;
        /* the signature first (cheap), and nothing expensive for a document
         * it does not cover: a forgery costs no recomputation */
        bool sig_ok = key_verify(pub, doc, n, sig, sig_len) >= 0;
        _cleanup_free_ char *sig_err = sig_ok ? NULL : xstrdup(err_msg());
        err_clear();
        check_common(doc, n, ret, sig_ok);
        snprintf(ret->fingerprint, sizeof ret->fingerprint, "%s", fp);
        /* the signature goes first in the report: it is what the firm relies on */
        _cleanup_free_ char *rest = TAKE_PTR(ret->problems);
        int n_rest = ret->n_problems;
        ret->n_problems = 0;
        if (!sig_ok) add_problem(ret, "signature: %s (the document was changed, or signed with another key than %s)", sig_err, fp);
        json_t *key = json_object_get(ret->doc, "signing_key");
        const char *named = json_str(key, "fingerprint");
        if (ret->doc && named && !streq(named, fp))
                add_problem(ret, "key: the document names signing key %s but the key given is %s", named, fp);
        if (rest) add_problem(ret, "%s", rest);
        ret->n_problems += n_rest - (rest ? 1 : 0);
        if (ret->n_problems) return err_set(EBADMSG, "%s", ret->problems);
        return 0;
}

int doc_check_authorisation(struct doc_check *c, EVP_PKEY *pub) {
        char fp[65];
        int r = key_fingerprint(pub, fp);
        if (r < 0) return r;
        int before = c->n_problems;
        json_t *au = json_object_get(c->doc, "authorisation");
        const char *text = json_str(au, "statement"), *sighex = json_str(au, "signature"), *named = json_str(au, "key_fingerprint");
        uint8_t sig[SIG_LEN];
        if (!streq_ptr(c->kind, "certificate"))
                add_problem(c, "authorisation: only a certificate carries a signed authorisation");
        else if (!json_is_true(json_object_get(au, "signed")) || !text || !sighex || !named)
                add_problem(c, "authorisation: not signed by the authoriser (recorded by the school only), so key %s cannot check it", fp);
        else if (!streq(named, fp))
                add_problem(c, "authorisation: signed with key %s, not the authoriser's key given (%s)", named, fp);
        else if (strlen(sighex) != 2 * SIG_LEN || hex_decode(sighex, sig, SIG_LEN) < 0 ||
                 key_verify(pub, text, strlen(text), sig, SIG_LEN) < 0)
                add_problem(c, "authorisation: the authoriser's signature does not match the statement (it was changed, or signed with another key)");
        err_clear();
        return c->n_problems > before ? -EBADMSG : 0;
}

/* --- building --- */

/* Normalise a time from a wipe record (ISO 8601 UTC with optional fraction,
 * or seconds since the epoch) to YYYY-MM-DDTHH:MM:SSZ. */
static int norm_time(json_t *v, char out[21]) {
        if (json_is_integer(v)) {
                time_t t = (time_t) json_integer_value(v);
                struct tm tm;
                if (!gmtime_r(&t, &tm)) return -EINVAL;
                strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
                return 0;
        }
        const char *s = json_string_value(v);
        if (!s || strlen(s) < 19) return -EINVAL;
        snprintf(out, 21, "%.19sZ", s);
        out[10] = 'T';
        if (!is_time(out)) return -EINVAL;
        const char *rest = s + 19;
        if (*rest == '.')
                for (rest++; isdigit((unsigned char) *rest); rest++) {}
        if (!(streq(rest, "Z") || streq(rest, "+00:00") || streq(rest, ""))) return -EINVAL;
        return 0;
}

#define NAMES(...) ((const char *const[]) {__VA_ARGS__, NULL})


/* This machine's name and machine id, for certificates of wipes whose
 * record does not carry them. */
static void host_identity(json_t *host) {
        char name[256] = "";
        if (gethostname(name, sizeof name - 1) < 0 || !*name) snprintf(name, sizeof name, "%s", "unknown");
        json_set_str(host, "hostname", name);
        _cleanup_free_ char *mid = NULL;
        if (read_file("/etc/machine-id", 64, &mid, NULL) == 0 && *strstrip(mid) && utf8_valid(mid, strlen(mid)))
                json_set_str(host, "machine_id", mid);
        else {
                err_clear();
                json_object_set_new(host, "machine_id", json_null());
        }
}

/* An integer member, or -1. */
static int64_t get_int(json_t *o, const char *k) {
        json_t *v = json_object_get(o, k);
        return json_is_integer(v) ? json_integer_value(v) : -1;
}

/* Append the ranges in src (offset, length, error) to out, labelled. */
static void add_ranges(json_t *out, json_t *src, const char *what) {
        size_t i;
        json_t *e;
        json_array_foreach(src, i, e) {
                int64_t off = get_int(e, "offset"), len = get_int(e, "length");
                const char *msg = json_str(e, "error");
                _cleanup_free_ char *m = xasprintf("%s%s%s", what, msg ? ": " : "", msg ? msg : "");
                json_array_append_new(out, json_pack("{sIsIss}", "offset", (json_int_t) (off < 0 ? 0 : off), "length",
                                                     (json_int_t) (len < 0 ? 0 : len), "error", m));
        }
}

/* The verification mode of a record ("sample:10" is cut to "sample" in
 * place) and what it did, in words (caller frees; NULL for off). */
/* What each firmware method is, in words. */
static const char *fw_description(const char *method) {
        static const struct {
                const char *name, *description;
        } d[] = {
                {"nvme-sanitize-crypto", "NVMe Sanitize, crypto erase (SANACT 100b): the drive's media encryption key is replaced"},
                {"nvme-sanitize-block", "NVMe Sanitize, block erase (SANACT 010b): every block of the NVM subsystem erased"},
                {"nvme-sanitize-overwrite", "NVMe Sanitize, overwrite (SANACT 011b) with the pattern recorded"},
                {"nvme-format-crypto", "NVMe Format NVM, cryptographic erase (SES 010b) of the namespace"},
                {"nvme-format-user", "NVMe Format NVM, user data erase (SES 001b) of the namespace"},
                {"ata-sanitize-crypto", "ATA SANITIZE CRYPTO SCRAMBLE EXT: the drive's encryption key is replaced"},
                {"ata-sanitize-block", "ATA SANITIZE BLOCK ERASE EXT: every block erased"},
                {"ata-sanitize-overwrite", "ATA SANITIZE OVERWRITE EXT with the pattern recorded"},
                {"ata-secure-erase", "ATA SECURITY ERASE UNIT (normal erase), with a temporary password"},
                {"ata-secure-erase-enhanced", "ATA SECURITY ERASE UNIT (enhanced erase), with a temporary password"},
                {"scsi-sanitize-crypto", "SCSI SANITIZE, CRYPTOGRAPHIC ERASE service action"},
                {"scsi-sanitize-block", "SCSI SANITIZE, BLOCK ERASE service action"},
                {"scsi-sanitize-overwrite", "SCSI SANITIZE, OVERWRITE service action with the pattern recorded"},
        };
        for (size_t i = 0; i < ELEMENTSOF(d); i++)
                if (streq(d[i].name, method)) return d[i].description;
        return "the drive's own firmware sanitize";
}

static char *verify_detail(char *vmode) {
        char *colon = strchr(vmode, ':');
        if (colon) {
                *colon = 0;
                return xasprintf("%s%% of the 4 MiB chunks read back and compared with what was written", colon + 1);
        }
        if (streq(vmode, "last")) return xstrdup("the last pass read back in full; its SHA-256 root compared with the root written");
        if (streq(vmode, "all")) return xstrdup("every pass read back in full; each SHA-256 root compared with the root written");
        if (streq(vmode, "markers"))
                return xstrdup("unique markers planted before the firmware command at the first and last sectors, an even spread "
                               "and random positions, read back afterwards: none may survive, and the medium must read as the "
                               "command promises");
        return NULL;
}

/* The certificate's header and parties: schema, id, tool, organisation,
 * operator, host, asset and medium. */
static void cert_parties(json_t *d, json_t *wipe, const struct cert_context *c) {
        json_set_str(d, "schema", CERT_SCHEMA);
        json_set_str(d, "certificate_id", c->cert_id);
        json_set_str(d, "issued", c->issued);
        json_object_set_new(d, "tool", json_pack("{ssss}", "name", "assetctl", "version", ASSETCTL_VERSION));
        json_object_set_new(d, "organisation", json_pack("{ss}", "name", c->school));
        const char *op = json_str(wipe, "operator");
        json_object_set_new(d, "operator", json_pack("{ss}", "name", op ? op : c->operator_name));
        json_t *host = json_object(), *wh = json_object_get(wipe, "host");
        if (json_str(wh, "hostname")) {
                json_set_str(host, "hostname", json_str(wh, "hostname"));
                json_set_str(host, "machine_id", json_str(wh, "machine_id"));
        } else
                host_identity(host);
        json_object_set_new(d, "host", host);
        json_t *asset = json_object();
        for (const char *const *k = NAMES("tag", "make", "model", "serial", "category"); *k; k++) json_set_str(asset, *k, json_str(c->asset, *k));
        json_object_set_new(d, "asset", asset);
        json_t *medium = json_object(), *dev = json_object_get(wipe, "device");
        const char *vendor = json_str(dev, "vendor");
        json_set_str(medium, "make", vendor && *vendor ? vendor : NULL);
        json_set_str(medium, "model", json_str(c->medium, "model"));
        json_set_str(medium, "serial", json_str(c->medium, "serial"));
        int64_t size = get_int(wipe, "size_bytes");
        json_object_set_new(medium, "size_bytes", json_integer(size < 0 ? 0 : size));
        json_set_str(medium, "kind", json_str(c->medium, "kind"));
        json_set_str(medium, "wwn", json_str(c->medium, "wwn"));
        json_object_set_new(d, "medium", medium);
}

/* The certificate's "sanitisation": the method, its verification, the tool. */
static json_t *cert_sanitisation(json_t *wipe, const char *method, const char *vmode, const char *vdetail) {
        const char *desc = "overwrite with the passes listed";
        for (size_t i = 0; i < ELEMENTSOF(method_descriptions); i++)
                if (streq(method_descriptions[i].name, method)) desc = method_descriptions[i].description;
        json_t *src_passes = json_object_get(wipe, "passes"), *plan = json_object_get(wipe, "pass_list");
        json_t *san = json_object();
        json_t *fw = json_object_get(wipe, "firmware");
        if (fw) {
                desc = fw_description(method);
                json_set_str(san, "nist_category", json_str(fw, "nist_category"));
                json_set_str(san, "technique", json_str(fw, "technique"));
                json_t *cmd = json_object_get(fw, "command");
                _cleanup_json_ json_t *settings = json_deep_copy(cmd);
                json_object_del(settings, "sent_at");
                _cleanup_free_ char *st = json_canonical(settings), *rp = json_canonical(json_object_get(fw, "reported"));
                json_object_set_new(san, "firmware", json_pack("{ss,ss,sI,ss,ss,ss,sI}", "method", method, "command",
                                                               strempty(json_str(cmd, "command")), "opcode",
                                                               json_integer_value(json_object_get(cmd, "opcode")), "settings", st ? st : "",
                                                               "status", rp ? rp : "", "state", strempty(json_str(fw, "state")),
                                                               "duration_s", json_integer_value(json_object_get(fw, "duration_s"))));
                json_t *v = json_deep_copy(json_object_get(fw, "validation"));
                if (v) json_object_del(v, "why");
                if (v) json_object_set_new(san, "validation", v);
        } else {
                json_set_str(san, "nist_category", "clear");
                json_set_str(san, "technique", "overwrite");
        }
        json_set_str(san, "method", method);
        json_set_str(san, "method_description", desc);
        json_set_str(san, "verification", vmode);
        json_set_str(san, "verification_detail", vdetail);
        const char *tv = json_str(wipe, "tool_version");
        _cleanup_free_ char *tool = xasprintf(fw ? "assetctl %s firmware sanitize" : "assetctl %s wipe engine", tv ? tv : ASSETCTL_VERSION);
        json_set_str(san, "tool", tool);
        json_object_set_new(san, "passes_planned", json_integer((json_int_t) (json_is_array(plan) ? json_array_size(plan)
                                                                                                 : json_array_size(src_passes))));
        return san;
}

/* One pass of the wipe record as the certificate lists it (number i from
 * 0); a pass's error goes to errs. started/ended stand in for its times. */
static json_t *cert_pass(json_t *sp, size_t i, const char *started, const char *ended, json_t *errs) {
        char t[21];
        json_t *p = json_object();
        json_object_set_new(p, "number", json_integer(get_int(sp, "index") > 0 ? get_int(sp, "index") : (json_int_t) i + 1));
        const char *pattern = json_str(sp, "pattern");
        json_set_str(p, "pattern", pattern ? pattern : "unknown");
        int64_t w = get_int(sp, "bytes_written");
        json_object_set_new(p, "bytes_written", json_integer(w < 0 ? 0 : w));
        json_set_str(p, "written_root", json_str(sp, "root_written"));
        const char *pv = json_str(sp, "verify");
        bool verified = pv && !streq(pv, "off");
        json_object_set_new(p, "verified", json_boolean(verified));
        int64_t bv = get_int(sp, "bytes_verified");
        json_object_set_new(p, "bytes_verified", json_integer(verified && bv > 0 ? bv : 0));
        json_set_str(p, "verified_root", verified ? json_str(sp, "root_read") : NULL);
        json_set_str(p, "seed", json_str(sp, "seed"));
        json_set_str(p, "seed_sha256", json_str(sp, "seed_sha256"));
        if (norm_time(json_object_get(sp, "started_at"), t) < 0) snprintf(t, sizeof t, "%s", started);
        json_set_str(p, "started", t);
        if (norm_time(json_object_get(sp, "ended_at"), t) < 0) snprintf(t, sizeof t, "%s", ended);
        json_set_str(p, "ended", t);
        json_t *pe = json_array(), *eo = json_object_get(sp, "errors");
        add_ranges(pe, json_object_get(eo, "write_errors"), "write error");
        add_ranges(pe, json_object_get(eo, "read_errors"), "read error");
        add_ranges(pe, json_object_get(eo, "mismatches"), "read back differently");
        if (json_str(sp, "error")) {
                _cleanup_free_ char *m = xasprintf("pass %zu: %s", i + 1, json_str(sp, "error"));
                json_array_append_new(errs, json_string(m));
        }
        json_object_set_new(p, "errors", pe);
        return p;
}

int cert_from_wipe(json_t *wipe, const struct cert_context *c, json_t **ret) {
        _cleanup_json_ json_t *d = json_object();
        int64_t wipe_id = get_int(wipe, "id");
        const char *method = json_str(wipe, "method"), *verify = json_str(wipe, "verify");
        const char *outcome_raw = json_str(wipe, "outcome");
        if (!method || !verify || !outcome_raw) return err_set(EINVAL, "wipe %lld: the record has no method, verification or outcome", (long long) wipe_id);
        if (streq(verify, "off"))
                return err_set(EINVAL, "wipe %lld was not verified (--verify off): a certificate of sanitisation needs verification", (long long) wipe_id);
        _cleanup_free_ char *outcome = xstrdup(outcome_raw), *vmode = xstrdup(verify), *vdetail = NULL;
        for (char *p = outcome; *p; p++)
                if (*p == '_') *p = ' ';
        vdetail = verify_detail(vmode);
        bool firmware = json_object_get(wipe, "firmware") != NULL;
        if (firmware && streq(vmode, "all")) {
                free(vdetail);
                vdetail = xstrdup("markers planted before the firmware command; afterwards every sector read back: no marker may "
                                  "survive, and the medium must read as the command promises");
        }
        char started[21], ended[21];
        if (norm_time(json_object_get(wipe, "started_at"), started) < 0 || norm_time(json_object_get(wipe, "ended_at"), ended) < 0)
                return err_set(EINVAL, "wipe %lld: the record has no start or end time (it did not finish)", (long long) wipe_id);

        cert_parties(d, wipe, c);
        json_object_set_new(d, "sanitisation", cert_sanitisation(wipe, method, vmode, vdetail));
        json_t *src_passes = json_object_get(wipe, "passes"), *passes = json_array(), *errs = json_array();
        json_object_set_new(d, "passes", passes);
        size_t i;
        json_t *sp;
        json_array_foreach(src_passes, i, sp) {
                json_array_append_new(passes, cert_pass(sp, i, started, ended, errs));
        }
        if (json_str(wipe, "error")) json_array_append_new(errs, json_string(json_str(wipe, "error")));
        json_object_set_new(d, "errors", errs);
        json_set_str(d, "outcome", outcome);
        json_set_str(d, "started", started);
        json_set_str(d, "ended", ended);
        json_object_set_new(d, "post_sanitisation",
                            json_pack("{ssss}", "confidentiality", firmware ? "no recoverable data: the drive's own sanitize, "
                                                                                  "validated by markers read back"
                                                                                : "no recoverable data: overwritten and verified",
                                      "destination", "consigned to an authorised disposal firm for recycling"));
        json_t *auth = json_deep_copy(c->authorisation);
        /* an unsigned authorisation may come without these: they are null */
        for (const char *const *k = NAMES("statement", "signature", "key_fingerprint"); *k; k++)
                if (!json_object_get(auth, *k)) json_object_set_new(auth, *k, json_null());
        json_object_set_new(d, "authorisation", auth);
        json_object_set_new(d, "signing_key", json_pack("{ssss}", "algorithm", "ed25519", "fingerprint", c->fingerprint));
        json_object_set_new(d, "wipe_id", json_integer(wipe_id < 0 ? 0 : wipe_id));
        const char *kind = json_str(c->medium, "kind");
        json_set_str(d, "notes", !firmware && kind && !streq(kind, "hdd")
                                         ? "solid-state medium: overwriting does not reach spare or remapped blocks"
                                         : NULL);
        /* the document must pass its own checks before anyone signs it */
        _cleanup_free_ char *text = json_canonical(d);
        struct doc_check chk;
        int r = doc_check_schema(text, strlen(text), &chk);
        if (r < 0) {
                r = err_set(EINVAL, "the wipe record does not make a valid certificate: %s", chk.problems);
                doc_check_done(&chk);
                return r;
        }
        doc_check_done(&chk);
        *ret = TAKE_PTR(d);
        return 0;
}
