/* assetctl disposal ..., consignment ... and report disposals: the end of an
 * asset's life and the disposal register. */
#include "commands.h"
#include "trust.h"
#include "core.h"
#include "disposal.h"

#include <sys/stat.h>

/* Upper-cased copies of argv[1..argc) (free with free_tags). */
static char **tags_from(int argc, char **argv, size_t *ret_n) {
        size_t n = (size_t) (argc - 1);
        char **t = xcalloc(n + 1, sizeof *t);
        for (size_t i = 0; i < n; i++) t[i] = strupper(xstrdup(argv[1 + (int) i]));
        *ret_n = n;
        return t;
}

static void free_tags(char ***t) {
        if (!*t) return;
        for (char **p = *t; *p; p++) free(*p);
        free(*t);
}
#define _cleanup_tags_ _cleanup_(free_tags)

struct reason_args {
        const char *reason, *funding, *proceeds;
};
static const struct opt request_opts[] = {
        OPT_STRING_REQUIRED("reason", 0, "TEXT", "why (broken beyond repair, obsolete, ...)", struct reason_args, reason),
        OPT_STRING("funding-source", 0, "TEXT", "what paid for the kit (for the trust's accounts; also 'disposal accounts')",
                   struct reason_args, funding),
        OPT_STRING("proceeds", 0, "POUNDS", "what its disposal is expected to bring in, if sold or recycled for value",
                   struct reason_args, proceeds),
        OPT_END,
};
static const struct opt cancel_opts[] = {OPT_STRING_REQUIRED("reason", 0, "TEXT", "why", struct reason_args, reason), OPT_END};

static int disposal_request_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct reason_args *a = ctx->args;
        const char *reason = a->reason;
        int64_t pence;
        if (a->proceeds && parse_money_pence(a->proceeds, &pence) < 0)
                return cmd_fail("--proceeds '%s': not an amount of money (pounds: '45', '45.50')", a->proceeds);
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        int r = disposal_request(ctx->db, tags, n, reason);
        if (r < 0) return cmd_fail_err(r);
        if ((a->funding || a->proceeds) && (r = disposal_accounts(ctx->db, tags, n, a->funding, a->proceeds)) < 0)
                return cmd_fail_err(r);
        for (size_t i = 0; i < n; i++) out_printf("%s: disposal requested\n", tags[i]);
        return 0;
}

static int disposal_cancel_cmd(struct ctx *ctx, int argc, char **argv) {
        const char *reason = ((const struct reason_args *) ctx->args)->reason;
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        int r = disposal_cancel(ctx->db, tags, n, reason);
        if (r < 0) return cmd_fail_err(r);
        for (size_t i = 0; i < n; i++) out_printf("%s: disposal request withdrawn; in stock\n", tags[i]);
        return 0;
}

struct authorise_args {
        const char *by, *key, *pass_file, *key_dir;
        bool sign;
};
static const struct opt authorise_opts[] = {
        OPT_STRING("by", 0, "REF", "the authoriser (a person marked --authoriser)", struct authorise_args, by),
        OPT_FLAG("sign", 0, "the authoriser signs the authorisation with their own key", struct authorise_args, sign),
        OPTS_SIGNER(struct authorise_args, "the authoriser's own registered signing key"),
        OPT_END,
};

static int disposal_authorise_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct authorise_args *a = ctx->args;
        const char *by = a->by, *key = a->key, *pass_file = a->pass_file, *key_dir = a->key_dir;
        bool sign = a->sign;
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
                        out_printf("%s: disposal authorised%s; no storage media, so it is sanitised\n", json_str(o, "tag"), signer ? " (signed)" : "");
                else
                        out_printf("%s: disposal authorised%s; wipe or destroy its %lld storage medi%s next\n", json_str(o, "tag"),
                                   signer ? " (signed)" : "", (long long) json_integer_value(json_object_get(o, "media")),
                                   json_integer_value(json_object_get(o, "media")) == 1 ? "um" : "a");
        }
        return 0;
}

struct destroy_args {
        const char *medium, *method, *by, *firm_cert;
};
static const struct opt destroy_opts[] = {
        OPT_STRING("medium", 0, "SERIAL", "only this medium (default: every medium not yet erased or destroyed)", struct destroy_args, medium),
        OPT_STRING("method", 0, "M", "shred, crush, degauss or other", struct destroy_args, method),
        OPT_STRING("by", 0, "WHO", "who destroyed it (a person or the firm)", struct destroy_args, by),
        OPT_STRING("firm-certificate", 0, "N", "the destruction firm's certificate number", struct destroy_args, firm_cert),
        OPT_END,
};

static int disposal_destroy_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct destroy_args *a = ctx->args;
        const char *medium = a->medium, *method = a->method, *by = a->by, *firm_cert = a->firm_cert;
        if (!method || !by) return cmd_usage_error(ctx, "--method and --by are required");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        const char *st = NULL;
        int r = disposal_destroy(ctx->db, tag, medium, method, by, firm_cert, &st);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s: destruction (%s) recorded%s%s; %s\n", tag, method, medium ? " for medium " : "", medium ? medium : "",
                   asset_status_label(st));
        return 0;
}

static const struct column disposal_cols[] = {
        {"tag", "TAG"}, {"status", "STATUS"}, {"reason", "REASON"}, {"requested_at", "REQUESTED"},
        {"authorised_by", "AUTHORISED BY"}, {"authorised_at", "AUTHORISED"}, {NULL},
};

struct dlist_args {
        const char *status;
        enum out_format fmt;
};
static const struct opt dlist_opts[] = {
        OPT_STRING("status", 0, "S", "only assets in this state", struct dlist_args, status),
        OPT_FORMAT(struct dlist_args, fmt),
        OPT_END,
};

static int disposal_list_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct dlist_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        const char *status = a->status;
        _cleanup_free_ char *st = NULL;
        int u = cmd_status_opt(ctx, status, &st);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = disposal_list(ctx->db, st, &rows);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *o;
        if (fmt == OUT_TABLE)
                json_array_foreach(rows, i, o) json_object_set_new(o, "status", json_string(asset_status_label(json_str(o, "status"))));
        out_list(fmt, disposal_cols, rows);
        return 0;
}

const struct command disposal_commands[] = {
        {"request", disposal_request_cmd, CMD_DB | CMD_WRITE, "TAG...", "ask for assets to be disposed of", NULL,
         OPTIONS(request_opts, struct reason_args), POS(1, POS_ANY, "give at least one tag")},
        {"cancel", disposal_cancel_cmd, CMD_DB | CMD_WRITE, "TAG...", "withdraw a request not yet authorised", NULL,
         OPTIONS(cancel_opts, struct reason_args), POS(1, POS_ANY, "give at least one tag")},
        {"authorise", disposal_authorise_cmd, CMD_DB | CMD_WRITE, "TAG...", "authorise disposal (the person must be an authoriser)", NULL,
         OPTIONS(authorise_opts, struct authorise_args), POS(1, POS_ANY, "give at least one tag")},
        {"destroy", disposal_destroy_cmd, CMD_DB | CMD_WRITE, "TAG", "record storage destroyed instead of wiped", NULL,
         OPTIONS(destroy_opts, struct destroy_args), POS(1, 1, "give one tag")},
        {"list", disposal_list_cmd, CMD_DB, "", "list disposal requests and their authorisations", NULL,
         OPTIONS(dlist_opts, struct dlist_args)},
        {"classify", cmd_disposal_classify, CMD_DB | CMD_WRITE, "TAG...", "give assets their own List of Waste code for the waste notes",
         NULL, OPTIONS(disposal_classify_opts, struct classify_args), POS(1, POS_ANY, "give at least one tag")},
        {"accounts", cmd_disposal_accounts, CMD_DB | CMD_WRITE, "TAG...",
         "record the funding source and the proceeds of a disposal (for the trust's accounts)", NULL,
         OPTIONS(disposal_accounts_opts, struct disposal_accounts_args), POS(1, POS_ANY, "give at least one tag")},
        {NULL},
};

/* --- consignments --- */

struct create_args {
        const char *firm, *carrier, *licence, *key, *pass_file, *key_dir, *place, *containment;
        struct opt_list ewc;
        bool hierarchy;
};
static const struct opt create_opts[] = {
        OPT_STRING("firm", 0, "NAME", "the authorised disposal firm", struct create_args, firm),
        OPT_STRING("carrier-registration", 0, "NUMBER", "its waste carrier registration (CBDU or CBDL and its number)",
                   struct create_args, carrier),
        OPT_STRING("licence", 0, "T", "the receiving site's environmental permit (on the waste notes)", struct create_args, licence),
        OPT_LIST("ewc", 0, "KEY=CODE", "List of Waste code for an asset tag or a category, on this consignment's notes",
                 struct create_args, ewc),
        OPT_STRING("place", 0, "TEXT", "where the waste is handed over (default: the school's address)", struct create_args, place),
        OPT_STRING("containment", 0, "TEXT", "how the waste is contained (default: loose, on pallets)", struct create_args,
                   containment),
        OPT_FLAG("waste-hierarchy-applied", 0, "the school confirms it applied the waste hierarchy (reuse, recycling first)",
                 struct create_args, hierarchy),
        OPTS_SIGNER(struct create_args, "the registered signing key"),
        OPT_END,
};

static int consignment_create_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct create_args *a = ctx->args;
        const char *firm = a->firm, *carrier = a->carrier, *licence = a->licence, *key = a->key, *pass_file = a->pass_file,
                   *key_dir = a->key_dir;
        if (!firm || !carrier) return cmd_usage_error(ctx, "--firm and --carrier-registration are required");
        if (!key) return cmd_usage_error(ctx, "--key NAME is required: the manifest is signed");
        size_t n;
        _cleanup_tags_ char **tags = tags_from(argc, argv, &n);
        _cleanup_signer_ struct signer *signer = NULL;
        _cleanup_free_ char *id = NULL;
        int r = cmd_open_signer(ctx, key, key_dir, pass_file, &signer);
        if (r < 0) return cmd_fail_err(r);
        struct consignment_paper paper = {.place = a->place, .containment = a->containment, .ewc = a->ewc.v, .n_ewc = a->ewc.n,
                                         .hierarchy_applied = a->hierarchy};
        _cleanup_json_ json_t *warnings = NULL;
        r = consignment_create(ctx->db, tags, n, firm, carrier, licence, &paper, signer, &id, &warnings);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *w;
        json_array_foreach(warnings, i, w) cmd_warn("%s", json_string_value(w));
        out_printf("%s: %zu asset%s consigned to %s; export the signed manifest with 'assetctl consignment export %s -o DIR'\n",
               id, n, n == 1 ? "" : "s", firm, id);
        return 0;
}

struct receipt_args {
        const char *number, *date, *by;
};
static const struct opt receipt_opts[] = {
        OPT_STRING("number", 0, "N", "the receipt's number", struct receipt_args, number),
        OPT_STRING("date", 0, "D", "the date on it (YYYY-MM-DD)", struct receipt_args, date),
        OPT_STRING("received-by", 0, "NAME", "who signed it for the firm", struct receipt_args, by),
        OPT_END,
};

static int consignment_receipt_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct receipt_args *a = ctx->args;
        const char *number = a->number, *date = a->date, *by = a->by;
        if (!number || !date || !by) return cmd_usage_error(ctx, "--number, --date and --received-by are required");
        _cleanup_free_ char *id = strupper(xstrdup(argv[1]));
        int r = consignment_receipt(ctx->db, id, number, date, by);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s: receipt %s recorded; its assets are disposed\n", id, number);
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
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = consignment_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, cons_cols, rows);
        return 0;
}

static int get_consignment(struct ctx *ctx, const char *arg, json_t **ret) {
        _cleanup_free_ char *id = strupper(xstrdup(arg));
        int r = consignment_get(ctx->db, id, ret);
        if (r == -ENOENT) return err_set(ENOENT, "no consignment '%s' in the register", id);
        return r;
}

static int consignment_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *c = NULL;
        int r = get_consignment(ctx, argv[1], &c);
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


struct cons_dir_args {
        const char *out;
};
static const struct opt cons_dir_opts[] = {
        OPT_STRING_REQUIRED("output", 'o', "DIR", "the directory (created if missing)", struct cons_dir_args, out),
        OPT_END,
};

/* The public key of an authoriser whose signed authorisation a certificate
 * in dir carries, as key-FINGERPRINT16.pub.pem (once per key). */
static int export_authoriser_key(struct ctx *ctx, const char *dir, const char *cert_id) {
        _cleanup_free_ char *path = xasprintf("%s/%s.json", dir, cert_id), *text = NULL, *pem = NULL, *name = NULL;
        size_t n;
        int r = read_file(path, 1 << 20, &text, &n);
        if (r < 0) return err_set(-r, "cannot read '%s' back: %s", path, strerror(-r));
        _cleanup_json_ json_t *c = json_loads(text, 0, NULL);
        const char *kf = json_str(json_object_get(c, "authorisation"), "key_fingerprint");
        if (!kf || strlen(kf) != 64) return 0;
        char fp[65];
        if ((r = key_public(ctx->db, kf, &pem, fp)) < 0) return r;
        name = xasprintf("key-%.16s.pub.pem", kf);
        return write_in(dir, name, pem, strlen(pem));
}

/* The waste notes of a consignment as PDF and JSON beside the manifest;
 * the file names go in files; a consignment made before notes existed has
 * none (a warning). */
static int export_notes(struct ctx *ctx, const char *dir, const char *id, json_t *files) {
        static const struct {
                const char *kind, *file;
        } kinds[] = {{"waste_transfer_note", "waste-transfer-note"}, {"hazardous_waste_consignment_note", "hazardous-waste-consignment-note"}};
        _cleanup_json_ json_t *notes = NULL, *warnings = NULL;
        int r = consignment_notes(ctx->db, id, &notes);
        if (r == -ENOENT) {
                cmd_warn("consignment '%s' was made before waste notes existed: it has none (write them by hand)", id);
                return 0;
        }
        if (r < 0) return r;
        _cleanup_free_ char *text = json_dumps(notes, JSON_INDENT(2) | JSON_SORT_KEYS), *jn = xasprintf("%s-waste-notes.json", id);
        if ((r = write_in(dir, jn, text, strlen(text))) < 0) return r;
        json_array_append_new(files, json_string(jn));
        size_t i;
        json_t *note;
        json_array_foreach(json_object_get(notes, "notes"), i, note) for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                if (!streq_ptr(json_str(note, "kind"), kinds[k].kind)) continue;
                _cleanup_free_ char *fn = xasprintf("%s-%s.pdf", id, kinds[k].file), *path = xasprintf("%s/%s", dir, fn);
                if ((r = waste_note_pdf(notes, kinds[k].kind, path)) < 0) return r;
                json_array_append_new(files, json_string(fn));
        }
        warnings = waste_notes_warnings(notes);
        json_t *w;
        json_array_foreach(warnings, i, w) cmd_warn("%s", json_string_value(w));
        return 0;
}

static int consignment_export_cmd(struct ctx *ctx, int argc, char **argv) {
        const char *out = ((const struct cons_dir_args *) ctx->args)->out;
        _cleanup_json_ json_t *cons = NULL, *m = NULL, *cert_ids = json_array(), *note_files = json_array();
        _cleanup_free_ void *pdf = NULL;
        _cleanup_free_ char *pem = NULL, *sh = NULL, *readme = NULL;
        size_t pdf_len = 0;
        int r = get_consignment(ctx, argv[1], &cons);
        if (r < 0) return cmd_fail_err(r);
        const char *id = json_str(cons, "consignment_id"), *manifest = json_str(cons, "manifest"), *sighex = json_str(cons, "signature");
        if (consignment_stored_pdf(ctx->db, id, &pdf, &pdf_len) < 0) pdf = NULL;
        if ((r = cmd_export_signed(out, id, manifest, sighex, pdf, pdf_len)) < 0) return cmd_fail_err(r);
        /* the certificates the manifest names, the authorisers' keys and the public key to check them with */
        m = json_loads(manifest, 0, NULL);
        size_t i, j, nc = 0;
        json_t *a, *md;
        json_array_foreach(json_object_get(m, "assets"), i, a) json_array_foreach(json_object_get(a, "media"), j, md) {
                const char *cid = json_str(md, "certificate_id");
                if (!cid) continue;
                if ((r = cmd_cert_export_to(ctx, cid, out)) < 0 || (r = export_authoriser_key(ctx, out, cid)) < 0)
                        return cmd_fail_err(r);
                json_array_append_new(cert_ids, json_string(cid));
                nc++;
        }
        char fp[65];
        r = key_public(ctx->db, json_str(cons, "key_fingerprint"), &pem, fp);
        if (r < 0) return cmd_fail_err(r);
        if ((r = write_in(out, "school.pub.pem", pem, strlen(pem))) < 0) return cmd_fail_err(r);
        if ((r = export_notes(ctx, out, id, note_files)) < 0) return cmd_fail_err(r);
        sh = evidence_verify_sh(id);
        readme = evidence_readme(id, cert_ids, note_files);
        _cleanup_free_ char *shp = xasprintf("%s/verify.sh", out);
        if ((r = write_file_atomic(shp, sh, strlen(sh), 0755)) < 0 || (r = write_in(out, "README.txt", readme, strlen(readme))) < 0)
                return cmd_fail_err(r);
        out_printf("wrote %s/%s.json, .sig, .pdf, %zu certificate%s, school.pub.pem (fingerprint %s), %zu waste note file%s, "
               "README.txt and verify.sh\n",
               out, id, nc, nc == 1 ? "" : "s", fp, json_array_size(note_files), json_array_size(note_files) == 1 ? "" : "s");
        return 0;
}

const struct command consignment_commands[] = {
        {"create", consignment_create_cmd, CMD_DB | CMD_WRITE, "TAG...", "hand sanitised assets to the disposal firm with a signed manifest",
         NULL, OPTIONS(create_opts, struct create_args), POS(1, POS_ANY, "give at least one tag")},
        {"receipt", consignment_receipt_cmd, CMD_DB | CMD_WRITE, "ID", "record the firm's written receipt; the assets become disposed",
         NULL, OPTIONS(receipt_opts, struct receipt_args), POS(1, 1, "give one consignment id")},
        {"show", consignment_show_cmd, CMD_DB, "ID", "show a consignment (--json includes the manifest)", NULL,
         OPTIONS(format_opts, struct format_args), POS(1, 1, "give one consignment id")},
        {"list", consignment_list_cmd, CMD_DB, "", "list consignments", NULL, OPTIONS(format_opts, struct format_args)},
        {"export", consignment_export_cmd, CMD_DB, "ID",
         "write the signed manifest, its certificates, the keys, the waste notes, README.txt and verify.sh into DIR", NULL,
         OPTIONS(cons_dir_opts, struct cons_dir_args), POS(1, 1, "give one consignment id")},
        {NULL},
};

/* --- the disposal register --- */

static const struct column register_cols[] = {
        {"tag", "ASSET"}, {"serial", "SERIAL"}, {"disposal_date", "DISPOSED"}, {"authorised_by", "AUTHORISED BY"},
        {"authorised_at", "AUTHORISED"}, {"method", "METHOD"}, {"certificates", "CERTIFICATES"}, {"firm", "FIRM"},
        {"receipt_number", "RECEIPT"}, {"funding_source", "FUNDING"}, {"proceeds", "PROCEEDS"}, {NULL},
};

const struct opt report_disposals_opts[] = {
        {"from", 0, "D", OPTK_STRING, OPT_AT_(struct report_disposals_args, from, const char *), 0, 0, 0, NULL,
         "disposals in this period (YYYY-MM-DD, inclusive)", OPT_JOINED},
        OPT_STRING("to", 0, "D", "", struct report_disposals_args, to),
        OPT_STRING("pdf", 0, "FILE", "write the register as a PDF", struct report_disposals_args, pdf),
        OPT_FLAG("all-schools", 0, "every school of a trust the login may see, with the school as a column", struct report_disposals_args,
                 all_schools),
        OPT_FORMAT(struct report_disposals_args, fmt),
        OPT_END,
};

static int register_fn(struct db *db, const void *arg, json_t **ret) {
        const char *const *period = arg;
        return disposal_register(db, period[0], period[1], ret);
}

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
        if (pdf && a->all_schools) return cmd_usage_error(ctx, "--pdf is one school's register: leave out --all-schools");
        _cleanup_json_ json_t *rows = NULL;
        const char *period[2] = {from, to};
        int r = a->all_schools ? report_all_schools(ctx->db, register_fn, period, &rows) : disposal_register(ctx->db, from, to, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (pdf) {
                _cleanup_free_ char *school = NULL;
                _cleanup_free_ void *buf = NULL;
                size_t n = 0;
                if ((r = school_get(ctx->db, &school, NULL)) < 0 || (r = register_pdf(school, rows, from, to, &buf, &n)) < 0 ||
                    (r = write_file_atomic(pdf, buf, n, 0644)) < 0)
                        return cmd_fail_err(r);
                out_printf("wrote the disposal register (%zu entr%s) to %s\n", json_array_size(rows), json_array_size(rows) == 1 ? "y" : "ies", pdf);
                return 0;
        }
        _cleanup_free_ struct column *sc = a->all_schools ? school_columns(register_cols) : NULL;
        out_list(fmt, sc ? sc : register_cols, rows);
        return 0;
}
