/* Ed25519 signing keys through OpenSSL's EVP interface: generate, store the
 * private key PKCS#8-encrypted with a passphrase (PBES2: scrypt and
 * AES-256-CBC; keys written before with PBKDF2 still open), load
 * it back, sign and verify detached raw 64-byte signatures over exact bytes.
 * A key's fingerprint is the SHA-256 of its raw 32-byte public key, in hex.
 * Nothing here touches the register; see keys.c for that. */
#pragma once

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"
#include "json.h"

static inline void pkey_freep(EVP_PKEY **k) { if (*k) EVP_PKEY_free(*k); }
#define _cleanup_pkey_ _cleanup_(pkey_freep)

#define SIG_LEN 64
#define PASSPHRASE_MAX 1024

/* Free a secret string after wiping it (NULL is fine). */
void secret_free(char *s);
static inline void secret_freep(char **s) { secret_free(*s); }
#define _cleanup_secret_ _cleanup_(secret_freep)

/* The key derivation new private keys get: scrypt with OWASP's cost for
 * N = 2^14 (N = 2^14, r = 8, p = 5: 16 MiB, about 0.2 s), chosen over
 * PBKDF2 because it is memory-hard, and at 16 MiB within the 32 MiB that
 * OpenSSL allows scrypt when it opens a PKCS#8 file, so stock `openssl pkey`
 * still reads the key. PKCS#8 records the KDF, its parameters and salt in
 * the file itself. */
#define KEY_SCRYPT_N 16384
#define KEY_SCRYPT_R 8
#define KEY_SCRYPT_P 5
/* Costs above these are refused as a damaged file, not spent. */
#define KEY_PBKDF2_ITER_MAX 10000000
#define KEY_SCRYPT_P_MAX 64

enum key_kdf_kind { KEY_KDF_PBKDF2 = 1, KEY_KDF_SCRYPT };
/* How a key file's passphrase is stretched, as read from the file. */
struct key_kdf {
        enum key_kdf_kind kind;
        uint64_t iterations; /* PBKDF2 */
        uint64_t n, r, p;    /* scrypt */
};
/* Is k at least what new keys get (else re-encrypt the key)? */
bool key_kdf_current(const struct key_kdf *k);
/* "scrypt N=16384 r=8 p=5" or "PBKDF2 2048 iterations", malloc'd. */
char *key_kdf_describe(const struct key_kdf *k);

/* Read a passphrase from the first line of a file (the line end is not part
 * of it) with read(2) into a buffer that is wiped; refuses an empty
 * passphrase or a NUL byte. ret_mode (may be NULL) gets the file's mode
 * bits (0600 for anything but a regular file), for a warning. Messages
 * never name the file: a mistyped passphrase given as the file's name
 * would be echoed. */
int passphrase_from_file(const char *path, char **ret, unsigned *ret_mode);

/* A new Ed25519 key pair. */
int key_new(EVP_PKEY **ret);
/* The SHA-256 fingerprint (hex) of a key's public half. */
int key_fingerprint(EVP_PKEY *k, char out[65]);
/* The public half as PEM (SubjectPublicKeyInfo), malloc'd. */
int key_public_pem(EVP_PKEY *k, char **ret);
/* The private key as encrypted PKCS#8 PEM, malloc'd (wipe with secret_free). */
int key_private_pem(EVP_PKEY *k, const char *passphrase, char **ret);
/* Parse a public key PEM; refuses anything but Ed25519. */
int key_from_public_pem(const char *pem, size_t n, EVP_PKEY **ret);
/* Load an encrypted private key file; a wrong passphrase is -EACCES.
 * ret_kdf (may be NULL) gets the file's key derivation. */
int key_load_private(const char *path, const char *passphrase, EVP_PKEY **ret, struct key_kdf *ret_kdf);
/* Sign the exact bytes; sig gets 64 bytes. */
int key_sign(EVP_PKEY *k, const void *data, size_t n, uint8_t sig[SIG_LEN]);
/* 0 if sig is a valid signature of data under k, -EBADMSG if not. */
int key_verify(EVP_PKEY *k, const void *data, size_t n, const uint8_t *sig, size_t sig_len);
