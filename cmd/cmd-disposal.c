/* assetctl disposal ..., consignment ... and report disposals: the end of an
 * asset's life and the disposal register. */
#include "commands.h"
#include "core.h"
#include "disposal.h"

#include <sys/stat.h>

/* Options every signing command takes. */
#define OPT_KEY 0x3001
#define OPT_PASSFILE 0x3002
#define OPT_KEYDIR 0x3003
#define OPTS_SIGN {"key", required_argument, NULL, OPT_KEY}, {"passphrase-file", required_argument, NULL, OPT_PASSFILE}, \
                  {"key-dir", required_argument, NULL, OPT_KEYDIR}
#define SIGN_HELP \
        "  --key NAME             the registered signing key\n" \
        "  --passphrase-file F    its passphrase from the first line of F (else asked on the terminal)\n" \
        "  --key-dir D            where key files live (default: keys/ beside the register)\n"

/* Upper-cased copies of argv[optind..argc) (free with free_tags). */
static char **tags_from(int argc, char **argv, size_t *ret_n) {
        size_t n = (size_t) (argc - optind);
        char **t = xcalloc(n + 1, sizeof *t);
        for (size_t i = 0; i < n; i++) t[i] = strupper(xstrdup(argv[optind + (int) i]));
        *ret_n = n;
        return t;
}

static void free_tags(char ***t) {
        if (!*t) return;
        for (char **p = *t; *p; p++) free(*p);
        free(*t);
}
#define _cleanup_tags_ _cleanup_(free_tags)

static int disposal_request_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, OPTS_HELP, {}};
        const char *reason = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'r': reason = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind >= argc) return cmd_usage_error(ctx, "give at least one tag");
        if (!reason) return cmd_usage_error(ctx, "--reason is required");
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        int r = disposal_request(ctx->db, tags, n, reason);
        if (r < 0) return cmd_fail_err(r);
        for (size_t i = 0; i < n; i++) printf("%s: disposal requested\n", tags[i]);
        return 0;
}

static int disposal_cancel_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"reason", required_argument, NULL, 'r'}, OPTS_HELP, {}};
        const char *reason = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'r': reason = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind >= argc) return cmd_usage_error(ctx, "give at least one tag");
        if (!reason) return cmd_usage_error(ctx, "--reason is required");
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        int r = disposal_cancel(ctx->db, tags, n, reason);
        if (r < 0) return cmd_fail_err(r);
        for (size_t i = 0; i < n; i++) printf("%s: disposal request withdrawn; in stock\n", tags[i]);
        return 0;
}

static int disposal_authorise_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"by", required_argument, NULL, 'b'}, {"sign", no_argument, NULL, 's'}, OPTS_SIGN, OPTS_HELP, {}};
        const char *by = NULL, *key = NULL, *pass_file = NULL, *key_dir = NULL;
        bool sign = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'b': by = optarg; break;
                case 's': sign = true; break;
                case OPT_KEY: key = optarg; break;
                case OPT_PASSFILE: pass_file = optarg; break;
                case OPT_KEYDIR: key_dir = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind >= argc) return cmd_usage_error(ctx, "give at least one tag");
        if (!by) return cmd_usage_error(ctx, "--by REF is required (the authoriser)");
        if (sign && !key) return cmd_usage_error(ctx, "--sign needs --key NAME (the authoriser's own key)");
        if (!sign && (key || pass_file)) return cmd_usage_error(ctx, "--key and --passphrase-file go with --sign");
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        _cleanup_signer_ struct signer *signer = NULL;
        _cleanup_json_ json_t *res = NULL;
        int r;
        if (sign && (r = cmd_open_signer(ctx, key, key_dir, pass_file, &signer)) < 0) return cmd_fail_err(r);
        r = disposal_authorise(ctx->db, tags, n, by, signer, &res);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *o;
        json_array_foreach(res, i, o) {
                const char *st = json_str(o, "status");
                if (streq(st, ST_SANITISED))
                        printf("%s: disposal authorised%s; no storage media, so it is sanitised\n", json_str(o, "tag"), signer ? " (signed)" : "");
                else
                        printf("%s: disposal authorised%s; wipe or destroy its %lld storage medi%s next\n", json_str(o, "tag"),
                               signer ? " (signed)" : "", (long long) json_integer_value(json_object_get(o, "media")),
                               json_integer_value(json_object_get(o, "media")) == 1 ? "um" : "a");
        }
        return 0;
}

static int disposal_destroy_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"medium", required_argument, NULL, 'm'}, {"method", required_argument, NULL, 'M'},
                {"by", required_argument, NULL, 'b'}, {"firm-certificate", required_argument, NULL, 'f'}, OPTS_HELP, {},
        };
        const char *medium = NULL, *method = NULL, *by = NULL, *firm_cert = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'm': medium = optarg; break;
                case 'M': method = optarg; break;
                case 'b': by = optarg; break;
                case 'f': firm_cert = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        if (!method || !by) return cmd_usage_error(ctx, "--method and --by are required");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        const char *st = NULL;
        int r = disposal_destroy(ctx->db, tag, medium, method, by, firm_cert, &st);
        if (r < 0) return cmd_fail_err(r);
        printf("%s: destruction (%s) recorded%s%s; %s\n", tag, method, medium ? " for medium " : "", medium ? medium : "",
               asset_status_label(st));
        return 0;
}

static const struct column disposal_cols[] = {
        {"tag", "TAG"}, {"status", "STATUS"}, {"reason", "REASON"}, {"requested_at", "REQUESTED"},
        {"authorised_by", "AUTHORISED BY"}, {"authorised_at", "AUTHORISED"}, {NULL},
};

static int disposal_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"status", required_argument, NULL, 's'}, OPTS_FORMAT, OPTS_HELP, {}};
        enum out_format fmt = OUT_TABLE;
        const char *status = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 's': status = optarg; break;
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_free_ char *st = NULL;
        int u = cmd_status_opt(ctx, status, &st);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = db_disposal_list(ctx->db, st, &rows);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *o;
        if (fmt == OUT_TABLE)
                json_array_foreach(rows, i, o) json_object_set_new(o, "status", json_string(asset_status_label(json_str(o, "status"))));
        out_list(fmt, disposal_cols, rows);
        return 0;
}

const struct command disposal_commands[] = {
        {"request", disposal_request_cmd, CMD_DB | CMD_WRITE, "TAG... --reason TEXT", "ask for assets to be disposed of",
         "  --reason TEXT        why (broken beyond repair, obsolete, ...)\n"},
        {"cancel", disposal_cancel_cmd, CMD_DB | CMD_WRITE, "TAG... --reason TEXT", "withdraw a request not yet authorised",
         "  --reason TEXT        why\n"},
        {"authorise", disposal_authorise_cmd, CMD_DB | CMD_WRITE, "TAG... --by REF [--sign --key NAME --passphrase-file F]",
         "authorise disposal (the person must be an authoriser)",
         "  --by REF             the authoriser (a person marked --authoriser)\n"
         "  --sign               the authoriser signs the authorisation with their own key\n" SIGN_HELP},
        {"destroy", disposal_destroy_cmd, CMD_DB | CMD_WRITE,
         "TAG [--medium SERIAL] --method shred|crush|degauss|other --by WHO [--firm-certificate NUMBER]",
         "record storage destroyed instead of wiped",
         "  --medium SERIAL      only this medium (default: every medium not yet erased or destroyed)\n"
         "  --method M           shred, crush, degauss or other\n"
         "  --by WHO             who destroyed it (a person or the firm)\n"
         "  --firm-certificate N the destruction firm's certificate number\n"},
        {"list", disposal_list_cmd, CMD_DB, "[--status S] [--json|--csv]", "list disposal requests and their authorisations",
         "  --status S           only assets in this state\n"
         "  --json, --csv        machine-readable output\n"},
        {NULL},
};

/* --- consignments --- */

static int consignment_create_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"firm", required_argument, NULL, 'f'}, {"carrier-registration", required_argument, NULL, 'c'},
                {"licence", required_argument, NULL, 'l'}, OPTS_SIGN, OPTS_HELP, {},
        };
        const char *firm = NULL, *carrier = NULL, *licence = NULL, *key = NULL, *pass_file = NULL, *key_dir = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'f': firm = optarg; break;
                case 'c': carrier = optarg; break;
                case 'l': licence = optarg; break;
                case OPT_KEY: key = optarg; break;
                case OPT_PASSFILE: pass_file = optarg; break;
                case OPT_KEYDIR: key_dir = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind >= argc) return cmd_usage_error(ctx, "give at least one tag");
        if (!firm || !carrier) return cmd_usage_error(ctx, "--firm and --carrier-registration are required");
        if (!key) return cmd_usage_error(ctx, "--key NAME is required: the manifest is signed");
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        _cleanup_signer_ struct signer *signer = NULL;
        _cleanup_free_ char *id = NULL;
        int r = cmd_open_signer(ctx, key, key_dir, pass_file, &signer);
        if (r < 0) return cmd_fail_err(r);
        r = consignment_create(ctx->db, tags, n, firm, carrier, licence, signer, &id);
        if (r < 0) return cmd_fail_err(r);
        printf("%s: %zu asset%s consigned to %s; export the signed manifest with 'assetctl consignment export %s -o DIR'\n",
               id, n, n == 1 ? "" : "s", firm, id);
        return 0;
}

static int consignment_receipt_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"number", required_argument, NULL, 'n'}, {"date", required_argument, NULL, 'd'},
                {"received-by", required_argument, NULL, 'r'}, OPTS_HELP, {},
        };
        const char *number = NULL, *date = NULL, *by = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'n': number = optarg; break;
                case 'd': date = optarg; break;
                case 'r': by = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one consignment id");
        if (!number || !date || !by) return cmd_usage_error(ctx, "--number, --date and --received-by are required");
        _cleanup_free_ char *id = strupper(xstrdup(argv[optind]));
        int r = consignment_receipt(ctx->db, id, number, date, by);
        if (r < 0) return cmd_fail_err(r);
        printf("%s: receipt %s recorded; its assets are disposed\n", id, number);
        return 0;
}

static const struct column cons_cols[] = {
        {"consignment_id", "ID"}, {"firm", "FIRM"}, {"carrier_registration", "CARRIER REG"}, {"assets_count", "ASSETS"},
        {"created_at", "CREATED"}, {"receipt_number", "RECEIPT"}, {"received_date", "RECEIVED"}, {NULL},
};

static const struct column cons_show_cols[] = {
        {"consignment_id", "consignment"}, {"firm", "firm"}, {"carrier_registration", "carrier registration"},
        {"licence", "licence"}, {"created_at", "created"}, {"created_by", "created by"}, {"key_fingerprint", "signing key"},
        {"manifest_sha256", "manifest sha256"}, {"tags", "assets"}, {"receipt_number", "receipt"},
        {"received_date", "received"}, {"received_by", "received by"}, {NULL},
};

static int consignment_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_json_ json_t *rows = NULL;
        int r = db_consignment_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cons_cols, rows);
        return 0;
}

static int get_consignment(struct ctx *ctx, const char *arg, json_t **ret) {
        _cleanup_free_ char *id = strupper(xstrdup(arg));
        int r = db_consignment_get(ctx->db, id, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no consignment '%s' in the register", id);
        return r;
}

static int consignment_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one consignment id");
        _cleanup_json_ json_t *c = NULL;
        int r = get_consignment(ctx, argv[optind], &c);
        if (r < 0) return cmd_fail_err(r);
        struct strbuf sb = {0};
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(c, "assets"), i, a) sb_printf(&sb, "%s%s", i ? " " : "", json_str(a, "tag"));
        char *tags = sb_take(&sb);
        json_object_set_new(c, "tags", json_string(tags));
        free(tags);
        if (fmt == OUT_JSON) {
                json_t *m = json_loads(json_str(c, "manifest"), 0, NULL);
                if (m) json_object_set_new(c, "manifest", m);
        }
        out_object(fmt, cons_show_cols, c);
        return 0;
}

/* Write a file under dir; prints nothing. */
static int write_in(const char *dir, const char *name, const void *data, size_t n) {
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
        return write_file_atomic(p, data, n, 0644);
}


static int consignment_export_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, OPTS_HELP, {}};
        const char *out = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) switch (c) {
                case 'o': out = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one consignment id");
        if (!out) return cmd_usage_error(ctx, "-o DIR is required");
        _cleanup_json_ json_t *cons = NULL, *m = NULL;
        _cleanup_free_ void *pdf = NULL;
        _cleanup_free_ char *pem = NULL;
        size_t pdf_len = 0;
        int r = get_consignment(ctx, argv[optind], &cons);
        if (r < 0) return cmd_fail_err(r);
        const char *id = json_str(cons, "consignment_id"), *manifest = json_str(cons, "manifest"), *sighex = json_str(cons, "signature");
        if (db_consignment_pdf(ctx->db, id, &pdf, &pdf_len) < 0) pdf = NULL;
        if ((r = cmd_export_signed(out, id, manifest, sighex, pdf, pdf_len)) < 0) return cmd_fail_err(r);
        /* the certificates the manifest names, and the public key to check them with */
        m = json_loads(manifest, 0, NULL);
        size_t i, j, nc = 0;
        json_t *a, *md;
        json_array_foreach(json_object_get(m, "assets"), i, a) json_array_foreach(json_object_get(a, "media"), j, md) {
                const char *cid = json_str(md, "certificate_id");
                if (!cid) continue;
                r = cmd_cert_export_to(ctx, cid, out);
                if (r < 0) return cmd_fail_err(r);
                nc++;
        }
        char fp[65];
        r = key_public(ctx->db, json_str(cons, "key_fingerprint"), &pem, fp);
        if (r < 0) return cmd_fail_err(r);
        if ((r = write_in(out, "school.pub.pem", pem, strlen(pem))) < 0) return cmd_fail_err(r);
        printf("wrote %s/%s.json, .sig, .pdf, %zu certificate%s and school.pub.pem (fingerprint %s)\n", out, id, nc,
               nc == 1 ? "" : "s", fp);
        return 0;
}

const struct command consignment_commands[] = {
        {"create", consignment_create_cmd, CMD_DB | CMD_WRITE,
         "--firm NAME --carrier-registration NUMBER [--licence T] TAG... --key NAME [--passphrase-file F]",
         "hand sanitised assets to the disposal firm with a signed manifest",
         "  --firm NAME                    the authorised disposal firm\n"
         "  --carrier-registration NUMBER  its waste carrier registration\n"
         "  --licence T                    its licence or permit\n" SIGN_HELP},
        {"receipt", consignment_receipt_cmd, CMD_DB | CMD_WRITE, "ID --number N --date D --received-by NAME",
         "record the firm's written receipt; the assets become disposed",
         "  --number N           the receipt's number\n"
         "  --date D             the date on it (YYYY-MM-DD)\n"
         "  --received-by NAME   who signed it for the firm\n"},
        {"show", consignment_show_cmd, CMD_DB, "ID [--json|--csv]", "show a consignment (--json includes the manifest)",
         "  --json, --csv        machine-readable output\n"},
        {"list", consignment_list_cmd, CMD_DB, "[--json|--csv]", "list consignments", "  --json, --csv        machine-readable output\n"},
        {"export", consignment_export_cmd, CMD_DB, "ID -o DIR",
         "write ID.json, ID.sig, ID.pdf, its certificates and the school's public key into DIR",
         "  -o, --output DIR     the directory (created if missing)\n"},
        {NULL},
};

/* --- the disposal register --- */

static const struct column register_cols[] = {
        {"tag", "ASSET"}, {"serial", "SERIAL"}, {"disposal_date", "DISPOSED"}, {"authorised_by", "AUTHORISED BY"},
        {"authorised_at", "AUTHORISED"}, {"method", "METHOD"}, {"certificates", "CERTIFICATES"}, {"firm", "FIRM"},
        {"receipt_number", "RECEIPT"}, {NULL},
};

const struct opt report_disposals_opts[] = {
        {"from", 0, "D", OPTK_STRING, OPT_AT_(struct report_disposals_args, from, const char *), 0, 0, 0, NULL,
         "disposals in this period (YYYY-MM-DD, inclusive)", OPT_JOINED},
        OPT_STRING("to", 0, "D", "", struct report_disposals_args, to),
        OPT_STRING("pdf", 0, "FILE", "write the register as a PDF", struct report_disposals_args, pdf),
        OPT_FORMAT(struct report_disposals_args, fmt),
        OPT_END,
};

int cmd_report_disposals(struct ctx *ctx, int argc, char **argv) {
        const struct report_disposals_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        const char *from = NULL, *to = NULL, *pdf = a->pdf;
        char f10[11], t10[11];
        if (a->from && parse_date(a->from, f10) < 0) return cmd_usage_error(ctx, "--from '%s' is not a date (YYYY-MM-DD)", a->from);
        if (a->from) from = f10;
        if (a->to && parse_date(a->to, t10) < 0) return cmd_usage_error(ctx, "--to '%s' is not a date (YYYY-MM-DD)", a->to);
        if (a->to) to = t10;
        if (from && to && strcmp(from, to) > 0) return cmd_usage_error(ctx, "--from %s is after --to %s", from, to);
        _cleanup_json_ json_t *rows = NULL;
        int r = db_disposal_register(ctx->db, from, to, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (pdf) {
                _cleanup_free_ char *school = NULL;
                _cleanup_free_ void *buf = NULL;
                size_t n = 0;
                if ((r = school_get(ctx->db, &school, NULL)) < 0 || (r = register_pdf(school, rows, from, to, &buf, &n)) < 0 ||
                    (r = write_file_atomic(pdf, buf, n, 0644)) < 0)
                        return cmd_fail_err(r);
                printf("wrote the disposal register (%zu entr%s) to %s\n", json_array_size(rows), json_array_size(rows) == 1 ? "y" : "ies", pdf);
                return 0;
        }
        out_list(fmt, register_cols, rows);
        return 0;
}
