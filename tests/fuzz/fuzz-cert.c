/* libFuzzer target for the document checks of core/cert.c: certificates,
 * consignment manifests and audit checkpoints, as a disposal firm's
 * `cert verify` reads them. The input is the document. It is checked three
 * ways with a fixed test key: signed by the target itself (so the
 * signature holds and every schema and consistency check runs, as for a
 * validly re-signed forgery), with a signature taken from the input's last
 * 64 bytes (a forged one), and schema only; then the authoriser's
 * signature it may carry. The checks must never crash, and a document is
 * good only when no problem was listed. Built with -Dfuzz=true (clang); the
 * normal build replays tests/fuzz/corpus-cert (replay-cert). */
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "cert.h"
#include "sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *test_key(void) {
        static EVP_PKEY *k;
        if (!k) {
                static const uint8_t seed[32] = "assetctl fuzz test key, not one";
                k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, sizeof seed);
                if (!k) __builtin_trap();
        }
        return k;
}

static void check_result(int r, struct doc_check *c) {
        if (r == 0 && (c->problems || c->n_problems || !c->doc || !c->kind)) __builtin_trap();
        if (r == -EBADMSG && (!c->problems || c->n_problems <= 0)) __builtin_trap();
        if (r < 0 && r != -EBADMSG) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *doc = (const char *) data;
        EVP_PKEY *k = test_key();
        uint8_t sig[SIG_LEN];
        if (key_sign(k, doc, size, sig) < 0) __builtin_trap();
        struct doc_check c;
        int r = doc_verify(doc, size, sig, sizeof sig, k, &c);
        check_result(r, &c);
        if (r == 0 || c.doc) (void) doc_check_authorisation(&c, k);
        doc_check_done(&c);
        if (size > SIG_LEN) {
                r = doc_verify(doc, size - SIG_LEN, data + size - SIG_LEN, SIG_LEN, k, &c);
                check_result(r, &c);
                doc_check_done(&c);
        }
        r = doc_check_schema(doc, size, &c);
        check_result(r, &c);
        doc_check_done(&c);
        err_clear();
        return 0;
}
