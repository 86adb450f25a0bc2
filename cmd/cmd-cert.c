/* assetctl cert ...: wipe certificates; `cert verify` needs no register (the
 * disposal firm's side). */
#include "cert.h"
#include "commands.h"
#include "core.h"
#include "disposal.h"
#include "sign.h"

static const struct column cert_cols[] = {
        {"cert_id", "CERTIFICATE"}, {"asset_tag", "ASSET"}, {"media_serial", "MEDIUM"}, {"method", "METHOD"},
        {"outcome", "OUTCOME"}, {"issued_at", "ISSUED"}, {NULL},
};

static const struct column cert_show_cols[] = {
        {"cert_id", "certificate"}, {"asset_tag", "asset"}, {"media_model", "medium model"}, {"media_serial", "medium serial"},
        {"wipe_id", "wipe"}, {"method", "method"}, {"outcome", "outcome"}, {"issued_at", "issued"},
        {"key_fingerprint", "signing key"}, {"json_sha256", "json sha256"}, {NULL},
};

struct cert_list_args {
        const char *asset;
        enum out_format fmt;
};
static const struct opt cert_list_opts[] = {
        OPT_STRING("asset", 0, "TAG", "only this asset's", struct cert_list_args, asset),
        OPT_FORMAT(struct cert_list_args, fmt),
        OPT_END,
};

static int cert_list_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct cert_list_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        _cleanup_free_ char *tag = a->asset ? strupper(xstrdup(a->asset)) : NULL;
        _cleanup_json_ json_t *rows = NULL;
        int r = cert_list(ctx->db, tag, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cert_cols, rows);
        return 0;
}

static int get_cert(struct ctx *ctx, const char *arg, json_t **ret) {
        _cleanup_free_ char *id = strupper(xstrdup(arg));
        int r = cert_get(ctx->db, id, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no certificate '%s' in the register", id);
        return r;
}

static const struct opt cert_show_opts[] = {
        {"json", 0, NULL, OPTK_FORMAT, OPT_AT_(struct format_args, fmt, enum out_format), OUT_JSON, 0, 0, NULL,
         "the signed JSON document, byte for byte", 0},
        OPT_END,
};

static int cert_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *cert = NULL;
        int r = get_cert(ctx, argv[1], &cert);
        if (r < 0) return cmd_fail_err(r);
        if (fmt == OUT_JSON) {
                /* the document itself, as signed */
                puts(json_str(cert, "json"));
                return 0;
        }
        out_object(fmt, cert_show_cols, cert);
        if (fmt == OUT_TABLE) {
                json_t *d = json_loads(json_str(cert, "json"), 0, NULL);
                json_t *a = json_object_get(d, "authorisation");
                out_printf("authorised by: %s (%s), %s, %s%s\n", strempty(json_str(a, "name")), strempty(json_str(a, "role")),
                           strempty(json_str(a, "authorised_at")),
                           json_is_true(json_object_get(a, "signed")) ? "signed with their key " : "not signed by the authoriser",
                           json_is_true(json_object_get(a, "signed")) ? strempty(json_str(a, "key_fingerprint")) : "");
                size_t i;
                json_t *p;
                json_array_foreach(json_object_get(d, "passes"), i, p)
                        out_printf("pass %zu: %s, %lld bytes, root %s%s%s\n", i + 1, strempty(json_str(p, "pattern")),
                                   (long long) json_integer_value(json_object_get(p, "bytes_written")), strempty(json_str(p, "written_root")),
                                   json_is_true(json_object_get(p, "verified")) ? ", verified " : "",
                                   json_is_true(json_object_get(p, "verified")) ? strempty(json_str(p, "verified_root")) : "");
                json_decref(d);
        }
        return 0;
}

int cmd_export_signed(const char *dir, const char *id, const char *doc, const char *sighex, const void *pdf, size_t pdf_len) {
        uint8_t sig[SIG_LEN];
        if (!sighex || hex_decode(sighex, sig, sizeof sig) < 0) return err_set(EBADMSG, "'%s': its stored signature is damaged", id);
        int r = mkdir_p(dir, 0755);
        if (r < 0) return r;
        _cleanup_free_ char *jp = xasprintf("%s/%s.json", dir, id), *sp = xasprintf("%s/%s.sig", dir, id),
                            *pp = xasprintf("%s/%s.pdf", dir, id);
        if ((r = write_file_atomic(jp, doc, strlen(doc), 0644)) < 0 || (r = write_file_atomic(sp, sig, sizeof sig, 0644)) < 0) return r;
        return pdf ? write_file_atomic(pp, pdf, pdf_len, 0644) : 0;
}

int cmd_cert_export_to(struct ctx *ctx, const char *cert_id, const char *dir) {
        _cleanup_json_ json_t *cert = NULL;
        _cleanup_free_ void *pdf = NULL;
        size_t pdf_len = 0;
        int r = get_cert(ctx, cert_id, &cert);
        if (r < 0) return r;
        const char *id = json_str(cert, "cert_id"), *doc = json_str(cert, "json");
        r = cert_stored_pdf(ctx->db, id, &pdf, &pdf_len);
        if (r == -ENOENT) {
                /* rendered afresh from the signed bytes */
                r = cert_pdf(doc, strlen(doc), &pdf, &pdf_len);
        }
        if (r < 0) return r;
        return cmd_export_signed(dir, id, doc, json_str(cert, "signature"), pdf, pdf_len);
}

struct dir_args {
        const char *out;
};
static const struct opt dir_opts[] = {
        OPT_STRING_REQUIRED("output", 'o', "DIR", "the directory (created if missing)", struct dir_args, out),
        OPT_END,
};

static int cert_export_cmd(struct ctx *ctx, int argc, char **argv) {
        const char *out = ((const struct dir_args *) ctx->args)->out;
        _cleanup_free_ char *id = strupper(xstrdup(argv[1]));
        int r = cmd_cert_export_to(ctx, id, out);
        if (r < 0) return cmd_fail_err(r);
        out_printf("wrote %s/%s.json, %s/%s.sig and %s/%s.pdf\n", out, id, out, id, out, id);
        return 0;
}

/* Read an Ed25519 public key PEM file. */
static int read_public_key(const char *path, EVP_PKEY **ret) {
        _cleanup_free_ char *pem = NULL;
        size_t n = 0;
        int r = read_file(path, 65536, &pem, &n);
        if (r < 0) return r;
        r = key_from_public_pem(pem, n, ret);
        if (r < 0) {
                _cleanup_free_ char *why = xstrdup(err_msg()); /* err_set() overwrites it */
                return err_set(-r, "'%s': %s", path, why);
        }
        return 0;
}

struct verify_args {
        const char *sig, *key, *authoriser_key;
};
static const struct opt cert_verify_opts[] = {
        OPT_STRING("sig", 0, "FILE", "the detached signature (default: CERT.sig beside CERT.json)", struct verify_args, sig),
        OPT_STRING("key", 0, "PUBKEY.pem", "the school's public key", struct verify_args, key),
        OPT_STRING("authoriser-key", 0, "PUBKEY.pem", "also check the authoriser's own signature on the disposal\n"
                   "authorisation the certificate carries (made with 'disposal authorise --sign')", struct verify_args, authoriser_key),
        OPT_END,
};

static int cert_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct verify_args *va = ctx->args;
        const char *sig_path = va->sig, *key_path = va->key, *auth_key_path = va->authoriser_key;
        if (!key_path) return cmd_usage_error(ctx, "--key PUBKEY.pem is required (the school's public key)");
        const char *path = argv[1];
        _cleanup_free_ char *def_sig = NULL, *doc = NULL;
        _cleanup_free_ uint8_t *sig = NULL;
        size_t n = 0, sig_len = 0;
        if (!sig_path) sig_path = def_sig = cmd_sig_path_for(path);
        int r = read_file(path, DOC_MAX + 1, &doc, &n);
        if (r < 0) return cmd_fail_err(r);
        char *s;
        r = read_file(sig_path, 4096, &s, &sig_len);
        if (r < 0) return cmd_fail_err(r);
        sig = (uint8_t *) s;
        _cleanup_pkey_ EVP_PKEY *pub = NULL;
        r = read_public_key(key_path, &pub);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_pkey_ EVP_PKEY *auth_pub = NULL;
        if (auth_key_path && (r = read_public_key(auth_key_path, &auth_pub)) < 0) return cmd_fail_err(r);
        struct doc_check chk;
        r = doc_verify(doc, n, sig, sig_len, pub, &chk);
        /* the authoriser's signature is checked too when their key is given */
        if (auth_pub && (r == 0 || r == -EBADMSG) && chk.doc) {
                int ra = doc_check_authorisation(&chk, auth_pub);
                if (ra < 0 && ra != -EBADMSG) {
                        doc_check_done(&chk);
                        return cmd_fail_err(ra);
                }
                if (ra == -EBADMSG) r = -EBADMSG;
        }
        if (r == -EBADMSG) {
                out_fprintf(stderr, "error: '%s' does not verify (%d problem%s):\n", path, chk.n_problems, chk.n_problems == 1 ? "" : "s");
                for (char *line = chk.problems, *next; line && *line; line = next) {
                        next = strchr(line, '\n');
                        if (next) *next++ = 0;
                        out_fprintf(stderr, "  %s\n", line);
                }
                doc_check_done(&chk);
                return 1;
        }
        if (r < 0) {
                doc_check_done(&chk);
                return cmd_fail_err(r);
        }
        json_t *d = chk.doc;
        if (streq(chk.kind, "certificate")) {
                json_t *m = json_object_get(d, "medium");
                out_printf("good: certificate %s: asset %s, medium %s %s (%s), method %s, outcome %s, ended %s\n",
                           json_str(d, "certificate_id"), json_str(json_object_get(d, "asset"), "tag"), json_str(m, "model"),
                           json_str(m, "serial"), json_str(m, "kind"), json_str(json_object_get(d, "sanitisation"), "method"),
                           json_str(d, "outcome"), json_str(d, "ended"));
        } else if (streq(chk.kind, "manifest"))
                out_printf("good: manifest %s: %zu asset%s for %s\n", json_str(d, "consignment_id"),
                           json_array_size(json_object_get(d, "assets")), json_array_size(json_object_get(d, "assets")) == 1 ? "" : "s",
                           json_str(json_object_get(d, "firm"), "name"));
        else
                out_printf("good: %s\n", chk.kind);
        out_printf("signed by key %s\n", chk.fingerprint);
        if (streq(chk.kind, "certificate")) {
                json_t *au = json_object_get(d, "authorisation");
                const char *who = json_str(au, "name"), *role = json_str(au, "role"), *when = json_str(au, "authorised_at");
                if (!json_is_true(json_object_get(au, "signed")))
                        out_printf("authorised by %s (%s) at %s, as recorded by the school (not signed by the authoriser)\n", who, role, when);
                else if (auth_pub)
                        out_printf("authorised by %s (%s) at %s, signed with their key %s: good\n", who, role, when, json_str(au, "key_fingerprint"));
                else
                        out_printf("authorised by %s (%s) at %s, signed with their key %s: not checked (give --authoriser-key PUBKEY.pem)\n",
                                   who, role, when, json_str(au, "key_fingerprint"));
        }
        doc_check_done(&chk);
        return 0;
}

struct issue_args {
        const char *key, *pass_file, *key_dir;
};
static const struct opt cert_issue_opts[] = {
        OPT_STRING_REQUIRED("key", 0, "NAME", "the key that signs certificates", struct issue_args, key),
        OPT_STRING_SECRET("passphrase-file", 0, "F", "its passphrase from the first line of F (else asked on the terminal)", struct issue_args, pass_file),
        OPT_STRING("key-dir", 0, "D", "where key files live (default: keys/ beside the register)", struct issue_args, key_dir),
        OPT_END,
};

static int cert_issue_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct issue_args *ia = ctx->args;
        const char *key = ia->key, *pass_file = ia->pass_file, *key_dir = ia->key_dir;
        int64_t id;
        if (parse_int64(argv[1], &id) < 0 || id < 1) return cmd_usage_error(ctx, "'%s' is not a wipe number", argv[1]);
        /* refuse before asking for the passphrase */
        int r = disposal_cert_issue(ctx->db, id, NULL, NULL);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_signer_ struct signer *signer = NULL;
        _cleanup_free_ char *cert_id = NULL;
        r = cmd_open_signer(ctx, key, key_dir, pass_file, &signer);
        if (r < 0) return cmd_fail_err(r);
        r = disposal_cert_issue(ctx->db, id, signer, &cert_id);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_json_ json_t *cert = NULL, *a = NULL;
        if ((r = get_cert(ctx, cert_id, &cert)) < 0 || (r = asset_get(ctx->db, json_str(cert, "asset_tag"), &a)) < 0)
                return cmd_fail_err(r);
        out_printf("certificate %s issued for %s (medium %s) from wipe %lld; %s is %s\n", cert_id, json_str(cert, "asset_tag"),
                   json_str(cert, "media_serial"), (long long) id, json_str(cert, "asset_tag"), asset_status_label(json_str(a, "status")));
        return 0;
}

const struct command cert_commands[] = {
        {"list", cert_list_cmd, CMD_DB, "", "list wipe certificates", NULL, OPTIONS(cert_list_opts, struct cert_list_args)},
        {"show", cert_show_cmd, CMD_DB, "ID", "show a certificate (--json prints the signed document)", NULL,
         OPTIONS(cert_show_opts, struct format_args), POS(1, 1, "give one certificate id")},
        {"export", cert_export_cmd, CMD_DB, "ID", "write ID.json, ID.sig (raw Ed25519) and ID.pdf into DIR", NULL,
         OPTIONS(dir_opts, struct dir_args), POS(1, 1, "give one certificate id")},
        {"verify", cert_verify_cmd, 0, "CERT.json",
         "check a certificate or manifest offline: signature, schema, key, hashes and outcome", NULL,
         OPTIONS(cert_verify_opts, struct verify_args), POS(1, 1, "give one certificate or manifest (.json)")},
        {"issue", cert_issue_cmd, CMD_DB | CMD_WRITE, "WIPE-ID",
         "sign the certificate of an earlier erased wipe that got none (it ran without --key)",
         "  The wipe must have ended erased, after the asset's disposal was authorised, be its medium's\n"
         "  newest wipe and have no certificate yet.\n",
         OPTIONS(cert_issue_opts, struct issue_args), POS(1, 1, "give one wipe number (see 'assetctl wipe list')")},
        {NULL},
};
