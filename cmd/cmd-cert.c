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

static int cert_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"asset", required_argument, NULL, 'a'}, OPTS_FORMAT, OPTS_HELP, {}};
        enum out_format fmt = OUT_TABLE;
        _cleanup_free_ char *tag = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'a': free(tag); tag = strupper(xstrdup(optarg)); break;
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_json_ json_t *rows = NULL;
        int r = db_cert_list(ctx->db, tag, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cert_cols, rows);
        return 0;
}

static int get_cert(struct ctx *ctx, const char *arg, json_t **ret) {
        _cleanup_free_ char *id = strupper(xstrdup(arg));
        int r = db_cert_get(ctx->db, id, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no certificate '%s' in the register", id);
        return r;
}

static int cert_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one certificate id");
        _cleanup_json_ json_t *cert = NULL;
        int r = get_cert(ctx, argv[optind], &cert);
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
                printf("authorised by: %s (%s), %s, %s%s\n", strempty(json_str(a, "name")), strempty(json_str(a, "role")),
                       strempty(json_str(a, "authorised_at")),
                       json_is_true(json_object_get(a, "signed")) ? "signed with their key " : "not signed by the authoriser",
                       json_is_true(json_object_get(a, "signed")) ? strempty(json_str(a, "key_fingerprint")) : "");
                size_t i;
                json_t *p;
                json_array_foreach(json_object_get(d, "passes"), i, p)
                        printf("pass %zu: %s, %lld bytes, root %s%s%s\n", i + 1, strempty(json_str(p, "pattern")),
                               (long long) json_integer_value(json_object_get(p, "bytes_written")), strempty(json_str(p, "written_root")),
                               json_is_true(json_object_get(p, "verified")) ? ", verified " : "",
                               json_is_true(json_object_get(p, "verified")) ? strempty(json_str(p, "verified_root")) : "");
                json_decref(d);
        }
        return 0;
}

int cmd_cert_export_to(struct ctx *ctx, const char *cert_id, const char *dir);
int cmd_cert_export_to(struct ctx *ctx, const char *cert_id, const char *dir) {
        _cleanup_json_ json_t *cert = NULL;
        _cleanup_free_ void *pdf = NULL;
        size_t pdf_len = 0;
        int r = get_cert(ctx, cert_id, &cert);
        if (r < 0) return r;
        const char *id = json_str(cert, "cert_id"), *doc = json_str(cert, "json"), *sighex = json_str(cert, "signature");
        uint8_t sig[SIG_LEN];
        if (!sighex || hex_decode(sighex, sig, sizeof sig) < 0) return err_set(EBADMSG, "certificate '%s': its stored signature is damaged", id);
        r = mkdir_p(dir, 0755);
        if (r < 0) return r;
        _cleanup_free_ char *jp = xasprintf("%s/%s.json", dir, id), *sp = xasprintf("%s/%s.sig", dir, id),
                            *pp = xasprintf("%s/%s.pdf", dir, id);
        if ((r = write_file_atomic(jp, doc, strlen(doc), 0644)) < 0 || (r = write_file_atomic(sp, sig, sizeof sig, 0644)) < 0) return r;
        r = db_cert_pdf(ctx->db, id, &pdf, &pdf_len);
        if (r == -ENOENT) {
                /* rendered afresh from the signed bytes */
                r = cert_pdf(doc, strlen(doc), &pdf, &pdf_len);
        }
        if (r < 0) return r;
        return write_file_atomic(pp, pdf, pdf_len, 0644);
}

static int cert_export_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, OPTS_HELP, {}};
        const char *out = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) switch (c) {
                case 'o': out = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one certificate id");
        if (!out) return cmd_usage_error(ctx, "-o DIR is required");
        _cleanup_free_ char *id = strupper(xstrdup(argv[optind]));
        int r = cmd_cert_export_to(ctx, id, out);
        if (r < 0) return cmd_fail_err(r);
        printf("wrote %s/%s.json, %s/%s.sig and %s/%s.pdf\n", out, id, out, id, out, id);
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

static int cert_verify_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"sig", required_argument, NULL, 's'}, {"key", required_argument, NULL, 'k'},
                {"authoriser-key", required_argument, NULL, 'a'}, OPTS_HELP, {},
        };
        const char *sig_path = NULL, *key_path = NULL, *auth_key_path = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 's': sig_path = optarg; break;
                case 'k': key_path = optarg; break;
                case 'a': auth_key_path = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one certificate or manifest (.json)");
        if (!key_path) return cmd_usage_error(ctx, "--key PUBKEY.pem is required (the school's public key)");
        const char *path = argv[optind];
        _cleanup_free_ char *def_sig = NULL, *doc = NULL;
        _cleanup_free_ uint8_t *sig = NULL;
        size_t n = 0, sig_len = 0;
        if (!sig_path) {
                size_t l = strlen(path);
                def_sig = l > 5 && streq(path + l - 5, ".json") ? xasprintf("%.*s.sig", (int) (l - 5), path) : xasprintf("%s.sig", path);
                sig_path = def_sig;
        }
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
                fprintf(stderr, "error: '%s' does not verify (%d problem%s):\n", path, chk.n_problems, chk.n_problems == 1 ? "" : "s");
                for (char *line = chk.problems, *next; line && *line; line = next) {
                        next = strchr(line, '\n');
                        if (next) *next++ = 0;
                        fprintf(stderr, "  %s\n", line);
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
                printf("good: certificate %s: asset %s, medium %s %s (%s), method %s, outcome %s, ended %s\n",
                       json_str(d, "certificate_id"), json_str(json_object_get(d, "asset"), "tag"), json_str(m, "model"),
                       json_str(m, "serial"), json_str(m, "kind"), json_str(json_object_get(d, "sanitisation"), "method"),
                       json_str(d, "outcome"), json_str(d, "ended"));
        } else if (streq(chk.kind, "manifest"))
                printf("good: manifest %s: %zu asset%s for %s\n", json_str(d, "consignment_id"),
                       json_array_size(json_object_get(d, "assets")), json_array_size(json_object_get(d, "assets")) == 1 ? "" : "s",
                       json_str(json_object_get(d, "firm"), "name"));
        else
                printf("good: %s\n", chk.kind);
        printf("signed by key %s\n", chk.fingerprint);
        if (streq(chk.kind, "certificate")) {
                json_t *au = json_object_get(d, "authorisation");
                const char *who = json_str(au, "name"), *role = json_str(au, "role"), *when = json_str(au, "authorised_at");
                if (!json_is_true(json_object_get(au, "signed")))
                        printf("authorised by %s (%s) at %s, as recorded by the school (not signed by the authoriser)\n", who, role, when);
                else if (auth_pub)
                        printf("authorised by %s (%s) at %s, signed with their key %s: good\n", who, role, when, json_str(au, "key_fingerprint"));
                else
                        printf("authorised by %s (%s) at %s, signed with their key %s: not checked (give --authoriser-key PUBKEY.pem)\n",
                               who, role, when, json_str(au, "key_fingerprint"));
        }
        doc_check_done(&chk);
        return 0;
}

static int cert_issue_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"key", required_argument, NULL, 'k'}, {"passphrase-file", required_argument, NULL, 'p'},
                {"key-dir", required_argument, NULL, 'd'}, OPTS_HELP, {},
        };
        const char *key = NULL, *pass_file = NULL, *key_dir = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'k': key = optarg; break;
                case 'p': pass_file = optarg; break;
                case 'd': key_dir = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one wipe number (see 'assetctl wipe list')");
        if (!key) return cmd_usage_error(ctx, "--key NAME is required (the key that signs certificates)");
        int64_t id;
        if (parse_int64(argv[optind], &id) < 0 || id < 1) return cmd_usage_error(ctx, "'%s' is not a wipe number", argv[optind]);
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
        if ((r = get_cert(ctx, cert_id, &cert)) < 0 || (r = db_asset_by_tag(ctx->db, json_str(cert, "asset_tag"), &a)) < 0)
                return cmd_fail_err(r);
        printf("certificate %s issued for %s (medium %s) from wipe %lld; %s is %s\n", cert_id, json_str(cert, "asset_tag"),
               json_str(cert, "media_serial"), (long long) id, json_str(cert, "asset_tag"), asset_status_label(json_str(a, "status")));
        return 0;
}

const struct command cert_commands[] = {
        {"list", cert_list_cmd, CMD_DB, "[--asset TAG] [--json|--csv]", "list wipe certificates",
         "  --asset TAG          only this asset's\n"
         "  --json, --csv        machine-readable output\n"},
        {"show", cert_show_cmd, CMD_DB, "ID [--json]", "show a certificate (--json prints the signed document)",
         "  --json               the signed JSON document, byte for byte\n"},
        {"export", cert_export_cmd, CMD_DB, "ID -o DIR", "write ID.json, ID.sig (raw Ed25519) and ID.pdf into DIR",
         "  -o, --output DIR     the directory (created if missing)\n"},
        {"verify", cert_verify_cmd, 0, "CERT.json [--sig CERT.sig] --key PUBKEY.pem [--authoriser-key PUBKEY.pem]",
         "check a certificate or manifest offline: signature, schema, key, hashes and outcome",
         "  --sig FILE           the detached signature (default: CERT.sig beside CERT.json)\n"
         "  --key PUBKEY.pem     the school's public key\n"
         "  --authoriser-key PUBKEY.pem  also check the authoriser's own signature on the disposal\n"
         "                       authorisation the certificate carries (made with 'disposal authorise --sign')\n"},
        {"issue", cert_issue_cmd, CMD_DB | CMD_WRITE, "WIPE-ID --key NAME [--passphrase-file F] [--key-dir D]",
         "sign the certificate of an earlier erased wipe that got none (it ran without --key)",
         "  --key NAME           the key that signs certificates\n"
         "  --passphrase-file F  its passphrase from the first line of F (else asked on the terminal)\n"
         "  --key-dir D          where key files live (default: keys/ beside the register)\n"
         "  The wipe must have ended erased, after the asset's disposal was authorised, be its medium's\n"
         "  newest wipe and have no certificate yet.\n"},
        {NULL},
};
