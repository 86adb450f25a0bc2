#include "core-internal.h"
#include "sign.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

void secret_free(char *s) {
        if (!s) return;
        OPENSSL_cleanse(s, strlen(s));
        free(s);
}

/* Free n bytes that may hold a secret anywhere in them (NULL is fine). */
static void secret_free_n(char *s, size_t n) {
        if (!s) return;
        OPENSSL_cleanse(s, n);
        free(s);
}

static void bio_freep(BIO **b) { if (*b) BIO_free(*b); }
static void md_ctx_freep(EVP_MD_CTX **c) { if (*c) EVP_MD_CTX_free(*c); }

/* The text of OpenSSL's last error, for messages. */
static const char *ossl_error(void) {
        static char buf[256];
        unsigned long e = ERR_peek_last_error();
        ERR_clear_error();
        if (!e) return "unknown OpenSSL error";
        ERR_error_string_n(e, buf, sizeof buf);
        return buf;
}

int passphrase_from_file(const char *path, char **ret, unsigned *ret_mode) {
        /* read(2) into one buffer of fixed size: no stdio buffer, no copy left
         * behind by a growing buffer, and every byte cleansed on the way out */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) return err_set(errno, "cannot open the passphrase file: %s", strerror(errno));
        struct stat st;
        if (fstat(fd, &st) < 0) return err_set(errno, "cannot read the passphrase file: %s", strerror(errno));
        if (S_ISDIR(st.st_mode)) return err_set(EISDIR, "cannot read the passphrase file: %s", strerror(EISDIR));
        const size_t cap = PASSPHRASE_MAX + 2;
        char *buf = xcalloc(1, cap + 1);
        size_t n = 0;
        while (n < cap) {
                ssize_t k = read(fd, buf + n, cap - n);
                if (k < 0 && errno == EINTR) continue;
                if (k < 0) {
                        int e = errno;
                        secret_free_n(buf, cap + 1);
                        return err_set(e, "cannot read the passphrase file: %s", strerror(e));
                }
                if (k == 0) break;
                n += (size_t) k;
                if (memchr(buf, '\n', n)) break;
        }
        /* the first line, without its line end; the rest is wiped now */
        char *end = memchr(buf, '\n', n);
        if (!end) end = buf + n;
        if (end > buf && end[-1] == '\r') end--;
        size_t line = (size_t) (end - buf);
        OPENSSL_cleanse(end, cap + 1 - line);
        int r = 0;
        if (strlen(buf) != line) r = err_set(EINVAL, "the passphrase file holds a NUL byte");
        else if (line == 0) r = err_set(EINVAL, "the passphrase file is empty");
        else if (line > PASSPHRASE_MAX) r = err_set(EINVAL, "the passphrase file's first line is longer than %d bytes", PASSPHRASE_MAX);
        if (r < 0) {
                secret_free_n(buf, cap + 1);
                return r;
        }
        if (ret_mode) *ret_mode = S_ISREG(st.st_mode) ? (unsigned) (st.st_mode & 07777) : 0600;
        *ret = buf;
        return 0;
}

int key_new(EVP_PKEY **ret) {
        EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        if (!k) return err_set(EIO, "cannot generate an Ed25519 key: %s", ossl_error());
        *ret = k;
        return 0;
}

int key_fingerprint(EVP_PKEY *k, char out[65]) {
        uint8_t raw[32];
        size_t n = sizeof raw;
        if (EVP_PKEY_get_raw_public_key(k, raw, &n) != 1 || n != 32)
                return err_set(EINVAL, "not an Ed25519 public key");
        sha256_hex(raw, n, out);
        return 0;
}

/* The contents of a memory BIO as a malloc'd string. */
static char *bio_string(BIO *b) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        return xstrndup(p, (size_t) n);
}

int key_public_pem(EVP_PKEY *k, char **ret) {
        _cleanup_(bio_freep) BIO *b = BIO_new(BIO_s_mem());
        if (!b || PEM_write_bio_PUBKEY(b, k) != 1) return err_set(EIO, "cannot encode the public key: %s", ossl_error());
        *ret = bio_string(b);
        return 0;
}

static void p8inf_freep(PKCS8_PRIV_KEY_INFO **p) { if (*p) PKCS8_PRIV_KEY_INFO_free(*p); }
static void x509_sig_freep(X509_SIG **p) { if (*p) X509_SIG_free(*p); }

int key_private_pem(EVP_PKEY *k, const char *passphrase, char **ret) {
        _cleanup_(bio_freep) BIO *b = BIO_new(BIO_s_mem());
        _cleanup_(p8inf_freep) PKCS8_PRIV_KEY_INFO *p8inf = EVP_PKEY2PKCS8(k);
        _cleanup_(x509_sig_freep) X509_SIG *p8 = NULL;
        unsigned char salt[16];
        if (!b || !p8inf || RAND_bytes(salt, sizeof salt) != 1)
                return err_set(EIO, "cannot encrypt the private key: %s", ossl_error());
        /* PKCS#8 PBES2: scrypt (N, r, p and the salt written into the file)
         * and AES-256-CBC */
        X509_ALGOR *pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof salt, NULL, KEY_SCRYPT_N, KEY_SCRYPT_R,
                                                KEY_SCRYPT_P);
        if (pbe) {
                p8 = PKCS8_set0_pbe(passphrase, (int) strlen(passphrase), p8inf, pbe);
                if (!p8) X509_ALGOR_free(pbe);
        }
        if (!p8 || PEM_write_bio_PKCS8(b, p8) != 1) return err_set(EIO, "cannot encrypt the private key: %s", ossl_error());
        *ret = bio_string(b);
        return 0;
}

/* The KDF of a PKCS#8 PBES2 key: kind, and its cost. Returns -EINVAL for
 * anything but PBES2 with PBKDF2 or scrypt. */
static int key_kdf_of(const X509_SIG *p8, struct key_kdf *ret) {
        const X509_ALGOR *alg;
        const ASN1_OCTET_STRING *digest;
        X509_SIG_get0(p8, &alg, &digest);
        const ASN1_OBJECT *oid;
        const void *param;
        int ptype;
        X509_ALGOR_get0(&oid, &ptype, &param, alg);
        if (OBJ_obj2nid(oid) != NID_pbes2 || ptype != V_ASN1_SEQUENCE) return -EINVAL;
        PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
        if (!pbe2) return -EINVAL;
        struct key_kdf k = {0};
        int r = -EINVAL;
        int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
        if (kdf == NID_id_pbkdf2) {
                PBKDF2PARAM *p = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter);
                uint64_t it;
                if (p && ASN1_INTEGER_get_uint64(&it, p->iter) == 1) {
                        k = (struct key_kdf) {.kind = KEY_KDF_PBKDF2, .iterations = it};
                        r = 0;
                }
                PBKDF2PARAM_free(p);
        } else if (kdf == NID_id_scrypt) {
                SCRYPT_PARAMS *p = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter);
                uint64_t n, rr, pp;
                if (p && ASN1_INTEGER_get_uint64(&n, p->costParameter) == 1 && ASN1_INTEGER_get_uint64(&rr, p->blockSize) == 1 &&
                    ASN1_INTEGER_get_uint64(&pp, p->parallelizationParameter) == 1) {
                        k = (struct key_kdf) {.kind = KEY_KDF_SCRYPT, .n = n, .r = rr, .p = pp};
                        r = 0;
                }
                SCRYPT_PARAMS_free(p);
        }
        PBE2PARAM_free(pbe2);
        ERR_clear_error();
        if (r == 0) *ret = k;
        return r;
}

bool key_kdf_current(const struct key_kdf *k) {
        return k->kind == KEY_KDF_SCRYPT && k->n >= KEY_SCRYPT_N && k->r >= KEY_SCRYPT_R && k->p >= KEY_SCRYPT_P;
}

char *key_kdf_describe(const struct key_kdf *k) {
        if (k->kind == KEY_KDF_SCRYPT)
                return xasprintf("scrypt N=%" PRIu64 " r=%" PRIu64 " p=%" PRIu64, k->n, k->r, k->p);
        return xasprintf("PBKDF2 %" PRIu64 " iterations", k->iterations);
}

int key_from_public_pem(const char *pem, size_t n, EVP_PKEY **ret) {
        _cleanup_(bio_freep) BIO *b = BIO_new_mem_buf(pem, (int) n);
        EVP_PKEY *k = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
        if (!k) {
                ERR_clear_error();
                return err_set(EINVAL, "not a PEM public key");
        }
        if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
                EVP_PKEY_free(k);
                return err_set(EINVAL, "not an Ed25519 public key");
        }
        *ret = k;
        return 0;
}

/* Did the file hold an unencrypted private key? (Only to say so.) */
static bool key_is_plain(const char *pem, size_t n) {
        _cleanup_(bio_freep) BIO *b = BIO_new_mem_buf(pem, (int) n);
        EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, (void *) "") : NULL;
        ERR_clear_error();
        EVP_PKEY_free(k);
        return k != NULL;
}

int key_load_private(const char *path, const char *passphrase, EVP_PKEY **ret, struct key_kdf *ret_kdf) {
        _cleanup_free_ char *pem = NULL;
        size_t n = 0;
        int r = read_file(path, 64 * 1024, &pem, &n);
        if (r < 0) return err_set(-r, "cannot open key file '%s': %s", path, strerror(-r));
        _cleanup_(bio_freep) BIO *b = BIO_new_mem_buf(pem, (int) n);
        _cleanup_(x509_sig_freep) X509_SIG *p8 = b ? PEM_read_bio_PKCS8(b, NULL, NULL, NULL) : NULL;
        if (!p8) {
                ERR_clear_error();
                if (key_is_plain(pem, n))
                        return err_set(EPERM, "key '%s' is not encrypted: refusing to use an unprotected private key", path);
                return err_set(EINVAL, "cannot read key '%s': not an encrypted PKCS#8 private key", path);
        }
        struct key_kdf kdf;
        if (key_kdf_of(p8, &kdf) < 0)
                return err_set(EINVAL, "cannot read key '%s': not encrypted with PBES2 (PBKDF2 or scrypt)", path);
        /* a cost far above anything this tool writes is a damaged or hostile
         * file, not a key to spend minutes on */
        if ((kdf.kind == KEY_KDF_PBKDF2 && kdf.iterations > KEY_PBKDF2_ITER_MAX) ||
            (kdf.kind == KEY_KDF_SCRYPT && (kdf.p > KEY_SCRYPT_P_MAX || kdf.r > 64)))
                return err_set(EINVAL, "cannot read key '%s': its key derivation cost is out of range", path);
        _cleanup_(p8inf_freep) PKCS8_PRIV_KEY_INFO *p8inf = PKCS8_decrypt(p8, passphrase, (int) strlen(passphrase));
        if (!p8inf) {
                ERR_clear_error();
                return err_set(EACCES, "wrong passphrase for key '%s'", path);
        }
        EVP_PKEY *k = EVP_PKCS82PKEY(p8inf);
        if (!k) {
                ERR_clear_error();
                return err_set(EINVAL, "cannot read key '%s': not a private key", path);
        }
        if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
                EVP_PKEY_free(k);
                return err_set(EINVAL, "key '%s' is not an Ed25519 key", path);
        }
        if (ret_kdf) *ret_kdf = kdf;
        *ret = k;
        return 0;
}

int key_sign(EVP_PKEY *k, const void *data, size_t n, uint8_t sig[SIG_LEN]) {
        _cleanup_(md_ctx_freep) EVP_MD_CTX *c = EVP_MD_CTX_new();
        size_t len = SIG_LEN;
        if (!c || EVP_DigestSignInit(c, NULL, NULL, NULL, k) != 1 || EVP_DigestSign(c, sig, &len, data, n) != 1 || len != SIG_LEN)
                return err_set(EIO, "cannot sign: %s", ossl_error());
        return 0;
}

int key_verify(EVP_PKEY *k, const void *data, size_t n, const uint8_t *sig, size_t sig_len) {
        if (sig_len != SIG_LEN) return err_set(EBADMSG, "the signature is %zu bytes, not %d", sig_len, SIG_LEN);
        _cleanup_(md_ctx_freep) EVP_MD_CTX *c = EVP_MD_CTX_new();
        if (!c || EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) != 1) return err_set(EIO, "cannot verify: %s", ossl_error());
        int ok = EVP_DigestVerify(c, sig, sig_len, data, n);
        ERR_clear_error();
        if (ok != 1) return err_set(EBADMSG, "the signature does not match");
        return 0;
}
