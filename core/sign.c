#include "core-internal.h"
#include "sign.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

void secret_free(char *s) {
        if (!s) return;
        OPENSSL_cleanse(s, strlen(s));
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

int passphrase_from_file(const char *path, char **ret) {
        char *buf = NULL;
        size_t n = 0;
        int r = read_file(path, PASSPHRASE_MAX + 2, &buf, &n);
        if (r < 0) return err_prefix(r, "passphrase file");
        char *nl = memchr(buf, '\n', n);
        if (nl) {
                if (nl > buf && nl[-1] == '\r') nl--;
                OPENSSL_cleanse(nl, n - (size_t) (nl - buf));
                *nl = 0;
        }
        if (!*buf) {
                secret_free(buf);
                return err_set(EINVAL, "passphrase file '%s' is empty", path);
        }
        if (strlen(buf) > PASSPHRASE_MAX) {
                secret_free(buf);
                return err_set(EINVAL, "passphrase file '%s': longer than %d bytes", path, PASSPHRASE_MAX);
        }
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

int key_private_pem(EVP_PKEY *k, const char *passphrase, char **ret) {
        _cleanup_(bio_freep) BIO *b = BIO_new(BIO_s_secmem());
        if (!b) b = BIO_new(BIO_s_mem());
        /* PKCS#8 with PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC */
        if (!b || PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), passphrase, (int) strlen(passphrase), NULL, NULL) != 1)
                return err_set(EIO, "cannot encrypt the private key: %s", ossl_error());
        *ret = bio_string(b);
        return 0;
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

struct pass_cb {
        const char *pass;
        bool asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *u) {
        struct pass_cb *p = u;
        p->asked = true;
        size_t n = strlen(p->pass);
        if (n > (size_t) size) return -1;
        memcpy(buf, p->pass, n);
        return (int) n;
}

int key_load_private(const char *path, const char *passphrase, EVP_PKEY **ret) {
        _cleanup_(bio_freep) BIO *b = BIO_new_file(path, "r");
        if (!b) {
                ERR_clear_error();
                return err_set(errno ? errno : ENOENT, "cannot open key file '%s': %s", path, strerror(errno ? errno : ENOENT));
        }
        struct pass_cb cb = {passphrase, false};
        EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, pass_cb, &cb);
        if (!k) {
                ERR_clear_error();
                /* the file is an encrypted key and the passphrase was tried */
                if (cb.asked) return err_set(EACCES, "wrong passphrase for key '%s'", path);
                return err_set(EINVAL, "cannot read key '%s': not an encrypted PKCS#8 private key", path);
        }
        if (!cb.asked) {
                EVP_PKEY_free(k);
                return err_set(EPERM, "key '%s' is not encrypted: refusing to use an unprotected private key", path);
        }
        if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
                EVP_PKEY_free(k);
                return err_set(EINVAL, "key '%s' is not an Ed25519 key", path);
        }
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
