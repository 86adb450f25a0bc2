/* Ed25519 signing keys through OpenSSL's EVP interface: generate, store the
 * private key PKCS#8-encrypted with a passphrase (AES-256-CBC, PBKDF2), load
 * it back, sign and verify detached raw 64-byte signatures over exact bytes.
 * A key's fingerprint is the SHA-256 of its raw 32-byte public key, in hex.
 * Nothing here touches the register; see keys.c for that. */
#pragma once

#include <openssl/evp.h>
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

/* Read a passphrase from the first line of a file (the line end is not part
 * of it). Refuses an empty passphrase. */
int passphrase_from_file(const char *path, char **ret);

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
/* Load an encrypted private key file; a wrong passphrase is -EACCES. */
int key_load_private(const char *path, const char *passphrase, EVP_PKEY **ret);
/* Sign the exact bytes; sig gets 64 bytes. */
int key_sign(EVP_PKEY *k, const void *data, size_t n, uint8_t sig[SIG_LEN]);
/* 0 if sig is a valid signature of data under k, -EBADMSG if not. */
int key_verify(EVP_PKEY *k, const void *data, size_t n, const uint8_t *sig, size_t sig_len);
