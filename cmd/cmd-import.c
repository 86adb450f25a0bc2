/* assetctl asset|person import FILE and export: the shared half of both
 * groups' commands. */
#include "commands.h"
#include "import.h"
#include "loans.h"

#include <sys/stat.h>

int cmd_import_run(struct ctx *ctx, int argc, char **argv, int kind) {
        static const struct option opts[] = {
                {"dry-run", no_argument, NULL, 'n'},
                {"status-map", required_argument, NULL, 's'},
                OPTS_HELP, {},
        };
        unsigned flags = 0;
        const char *maps[64]; /* point into argv */
        size_t n_maps = 0;
        int c;
        while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) switch (c) {
                case 'n': flags |= IMPORT_DRY_RUN; break;
                case 's':
                        if (kind != IMPORT_ASSETS) return cmd_usage_error(ctx, "--status-map is for asset imports");
                        if (n_maps == ELEMENTSOF(maps)) return cmd_usage_error(ctx, "more than %zu --status-map options", ELEMENTSOF(maps));
                        maps[n_maps++] = optarg;
                        break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one file");
        const char *file = argv[optind];
        _cleanup_import_table_ struct import_table *t = NULL;
        int r = import_read(file, &t);
        if (r < 0) return cmd_fail_err(r);
        for (size_t i = 0; i < n_maps; i++)
                if (import_status_map_add(t, maps[i]) < 0) return cmd_usage_error(ctx, "%s", err_msg());
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
                                fprintf(stderr, "%s: record %lld: %s: %s\n", file, (long long) p->line, p->column, p->reason);
                        else
                                fprintf(stderr, "%s:%lld: %s: %s\n", file, (long long) p->line, p->column, p->reason);
                        n++;
                }
                return cmd_fail("'%s' not imported: nothing was changed (%zu problem%s)", file, n, n == 1 ? "" : "s");
        }
        if (r < 0) return cmd_fail("cannot import '%s': %s", file, err_msg());
        _cleanup_free_ char *ignored = import_ignored(t);
        if (flags & IMPORT_DRY_RUN)
                printf("%s: would add %zu %s (dry run: nothing was changed)\n", file, added, added == 1 ? what : whats);
        else
                printf("%s: %zu %s added\n", file, added, added == 1 ? what : whats);
        if (*ignored) printf("columns ignored: %s\n", ignored);
        if (!t->json && t->delim != ',')
                printf("columns were separated by %s\n", t->delim == ';' ? "semicolons (as Excel saves CSV where the decimal point is a comma)"
                                                         : t->delim == '\t' ? "tabs" : "the 'sep=' line's character");
        return 0;
}

int cmd_export_run(struct ctx *ctx, int argc, char **argv, int kind) {
        static const struct option opts[] = {
                {"format", required_argument, NULL, 'f'},
                {"output", required_argument, NULL, 'o'},
                OPTS_FORMAT, OPTS_HELP, {},
        };
        bool json = false;
        const char *out = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "ho:f:", opts, NULL)) != -1) switch (c) {
                case 'f':
                        if (streq(optarg, "json")) json = true;
                        else if (streq(optarg, "csv")) json = false;
                        else return cmd_usage_error(ctx, "--format '%s': use csv or json", optarg);
                        break;
                case OPT_JSON: json = true; break;
                case OPT_CSV: json = false; break;
                case 'o': out = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
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
