/* assetctl asset|person import FILE and export: the shared half of both
 * groups' commands. */
#include "commands.h"
#include "import.h"
#include "loans.h"

#include <sys/stat.h>

static const char *const date_formats[] = {"d/m/y", "m/d/y", NULL};
#define IMPORT_COMMON_OPTS \
        OPT_FLAG("dry-run", 'n', "check everything and say what would be added; change nothing", struct import_args, dry_run), \
        OPT_ENUM("date-format", 0, "F", date_formats, "read slashed dates as d/m/y (23/1/2023) or m/d/y (1/23/23);\n" \
                 "without it only YYYY-MM-DD is read", struct import_args, date_format), \
        OPT_STRING("encoding", 0, "NAME", "the CSV's encoding: utf-8, windows-1252, iso-8859-1, iso-8859-15,\n" \
                   "macintosh (default: UTF-8, else Windows-1252)", struct import_args, encoding)
const struct opt asset_import_opts[] = {
        IMPORT_COMMON_OPTS,
        OPT_LIST("status-map", 0, "L=S", "read status label L as state S (repeatable), e.g.\n"
                 "--status-map 'Broken - Not Fixable=disposed'", struct import_args, status_map),
        OPT_FLAG("allow-missing-serial", 0, "import assets with a blank or no serial (report compliance\n"
                 "lists them until one is recorded)", struct import_args, allow_missing_serial),
        OPT_END,
};
const struct opt person_import_opts[] = {IMPORT_COMMON_OPTS, OPT_END};

int cmd_import_run(struct ctx *ctx, const char *file, int kind) {
        const struct import_args *a = ctx->args;
        unsigned flags = a->dry_run ? IMPORT_DRY_RUN : 0;
        _cleanup_import_table_ struct import_table *t = NULL;
        const char *enc_name;
        if (a->encoding && import_encoding(a->encoding, &enc_name) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        int r = import_read(file, a->encoding, &t);
        if (r < 0) return cmd_fail_err(r);
        if (!t->json && t->encoding_guessed)
                out_fprintf(stderr, "%s: not UTF-8: read as Windows-1252 (give --encoding if it is another)\n", file);
        t->allow_missing_serial = a->allow_missing_serial;
        t->date_format = !a->date_format ? IMPORT_DATES_ISO : streq(a->date_format, "d/m/y") ? IMPORT_DATES_DMY : IMPORT_DATES_MDY;
        for (size_t i = 0; i < a->status_map.n; i++)
                if (import_status_map_add(t, a->status_map.v[i]) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        size_t added = 0;
        /* media, and loans from our issued_to or Snipe-IT's checkout columns;
         * people's badges */
        r = import_run(ctx->db, t, kind, kind == IMPORT_ASSETS ? asset_import_hook() : person_import_hook(), flags, &added);
        const char *what = kind == IMPORT_ASSETS ? "asset" : "person";
        const char *whats = kind == IMPORT_ASSETS ? "assets" : "people";
        if (r == -EINVAL) {
                size_t n = 0;
                for (size_t i = 0; i < t->n_prob; i++) {
                        const struct import_problem *p = &t->probs[i];
                        /* one line per problem; a row's second problem with the same text is noise */
                        if (i && p->line == t->probs[i - 1].line && streq(p->reason, t->probs[i - 1].reason)) continue;
                        /* JSON has no useful line numbers: name the record (1-based) */
                        if (t->json)
                                out_fprintf(stderr, "%s: record %lld: %s: %s\n", file, (long long) p->line, p->column, p->reason);
                        else
                                out_fprintf(stderr, "%s:%lld: %s: %s\n", file, (long long) p->line, p->column, p->reason);
                        n++;
                }
                return cmd_fail("'%s' not imported: nothing was changed (%zu problem%s)", file, n, n == 1 ? "" : "s");
        }
        if (r < 0) return cmd_fail("cannot import '%s': %s", file, err_msg());
        _cleanup_free_ char *ignored = import_ignored(t);
        if (flags & IMPORT_DRY_RUN)
                out_printf("%s: would add %zu %s (dry run: nothing was changed)\n", file, added, added == 1 ? what : whats);
        else
                out_printf("%s: %zu %s added\n", file, added, added == 1 ? what : whats);
        _cleanup_free_ char *noted = import_noted(t, kind);
        if (*ignored) out_printf("columns ignored: %s\n", ignored);
        if (*noted) out_printf("columns read but not kept: %s\n", noted);
        if (!t->json && t->cr_line_ends) out_printf("lines were ended by carriage returns (as older Excel for Mac saves CSV)\n");
        if (!t->json && t->delim != ',')
                out_printf("columns were separated by %s\n", t->delim == ';' ? "semicolons (as Excel saves CSV where the decimal point is a comma)"
                                                         : t->delim == '\t' ? "tabs" : "the 'sep=' line's character");
        return 0;
}

static const char *const export_formats[] = {"csv", "json", NULL};
const struct opt export_opts[] = {
        OPT_ENUM("format", 'f', "F", export_formats, "csv (default) or json (also --csv, --json)", struct export_args, format),
        OPT_FORMAT(struct export_args, fmt),
        OPT_STRING("output", 'o', "FILE", "write to FILE (mode 0600) instead of standard output", struct export_args, out),
        OPT_END,
};

int cmd_export_run(struct ctx *ctx, int kind) {
        const struct export_args *a = ctx->args;
        const char *out = a->out;
        /* --format F, else --json or --csv */
        bool json = a->format ? streq(a->format, "json") : a->fmt == OUT_JSON;
        if (!out || streq(out, "-")) {
                int r = json ? export_json(ctx->db, kind, stdout) : export_csv(ctx->db, kind, stdout);
                return r < 0 ? cmd_fail_err(r) : 0;
        }
        /* write beside the target, then rename: a failed export leaves no half file */
        _cleanup_free_ char *tmp = xasprintf("%s.tmpXXXXXX", out);
        int fd = mkstemp(tmp);
        if (fd < 0) return cmd_fail("cannot write '%s': %s", out, strerror(errno));
        FILE *f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                unlink(tmp);
                return cmd_fail("cannot write '%s': %s", out, strerror(errno));
        }
        int r = json ? export_json(ctx->db, kind, f) : export_csv(ctx->db, kind, f);
        /* the export holds personal data: same care as the register */
        if (fchmod(fd, 0600) < 0 && r >= 0) r = err_set(errno, "cannot write '%s': %s", out, strerror(errno));
        if (fclose(f) != 0 && r >= 0) r = err_set(errno, "cannot write '%s': %s", out, strerror(errno));
        if (r >= 0 && rename(tmp, out) < 0) r = err_set(errno, "cannot write '%s': %s", out, strerror(errno));
        if (r < 0) {
                unlink(tmp);
                return cmd_fail_err(r);
        }
        return 0;
}
