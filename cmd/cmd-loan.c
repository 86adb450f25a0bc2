/* assetctl issue, return, receipt: kit out to people and back. */
#include "commands.h"
#include "loans.h"
#include "reports.h"
#include "scan.h"

static const char *due_text(json_t *l) { return json_str(l, "due"); }

int cmd_issue(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"due", required_argument, NULL, 'd'},
                {"condition", required_argument, NULL, 'c'},
                {"override", required_argument, NULL, 'o'},
                {"receipt", required_argument, NULL, 'r'},
                OPTS_HELP, {},
        };
        struct issue_opts o = {0};
        const char *receipt = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': o.due = optarg; break;
                case 'c': o.condition = optarg; break;
                case 'o': o.override = optarg; break;
                case 'r': receipt = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 2) return cmd_usage_error(ctx, "give a tag and a person's reference");
        if (o.override && isempty(o.override)) return cmd_usage_error(ctx, "--override needs a reason");
        _cleanup_json_ json_t *l = NULL;
        int r = loan_issue(ctx->db, argv[optind], argv[optind + 1], &o, &l);
        if (r < 0) return cmd_fail_err(r);
        printf("%s issued to %s (%s)%s%s%s%s\n", json_str(l, "tag"), json_str(l, "name"), json_str(l, "ref"),
               due_text(l) ? ", due " : "", strempty(due_text(l)), o.override ? "; override: " : "", strempty(o.override));
        if (receipt) {
                r = receipt_pdf(ctx->db, json_str(l, "tag"), receipt);
                if (r < 0) return cmd_fail("issued, but %s", err_msg());
                printf("receipt: %s\n", receipt);
        }
        return 0;
}

/* Return everything `ref` holds, or only what is presented (tags, or lines
 * on stdin with --expect), then name what is still out. */
static int return_all(struct ctx *ctx, const char *ref, bool expect, char **tags, int ntags) {
        _cleanup_json_ json_t *p = NULL, *held = NULL;
        int r = loan_holdings(ctx->db, ref, &p, &held);
        if (r < 0) return cmd_fail("cannot take back kit from '%s': %s", ref, err_msg());
        size_t n = json_array_size(held);
        const char *name = json_str(p, "name"), *pref = json_str(p, "ref");
        if (n == 0) {
                printf("%s (%s) holds nothing\n", name, pref);
                return 0;
        }
        int status = 0;
        size_t returned = 0;
        bool *back = xcalloc(n, sizeof *back);
        bool presented = expect || ntags > 0;
        char *line = NULL;
        size_t cap = 0;
        for (int i = 0;; i++) {
                char tok[65];
                const char *raw;
                if (!presented) {
                        if ((size_t) i >= n) break;
                        raw = json_str(json_array_get(held, i), "tag");
                } else if (i < ntags)
                        raw = tags[i];
                else if (expect) {
                        if (getline(&line, &cap, stdin) < 0) break;
                        raw = line;
                } else
                        break;
                int k = scan_normalise(raw, tok, sizeof tok);
                if (k == 1) continue;
                if (k < 0) {
                        printf("ignored: '%.40s' is not a tag\n", raw);
                        continue;
                }
                size_t j;
                for (j = 0; j < n; j++)
                        if (streq(json_str(json_array_get(held, j), "tag"), tok)) break;
                if (j == n) {
                        printf("refused: %s is not on loan to %s (%s)\n", tok, name, pref);
                        status = 1;
                        continue;
                }
                if (back[j]) {
                        printf("%s already returned\n", tok);
                        continue;
                }
                r = loan_return(ctx->db, tok, NULL, NULL, NULL);
                if (r < 0) {
                        printf("refused: %s\n", err_msg());
                        status = 1;
                        continue;
                }
                back[j] = true;
                returned++;
                printf("%s returned by %s (%s)\n", tok, name, pref);
        }
        free(line);
        for (size_t j = 0; j < n; j++) {
                json_t *l = json_array_get(held, j);
                if (!back[j])
                        printf("missing: %s %s %s (issued %s)\n", json_str(l, "tag"), json_str(l, "make"), json_str(l, "model"),
                               json_str(l, "issued_at"));
        }
        free(back);
        if (returned == n) printf("%s (%s) returned %zu item%s and holds nothing now\n", name, pref, n, n == 1 ? "" : "s");
        else {
                printf("%s (%s) returned %zu of %zu items; %zu still missing\n", name, pref, returned, n, n - returned);
                status = 1;
        }
        return status;
}

int cmd_return(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"condition", required_argument, NULL, 'c'},
                {"damaged", required_argument, NULL, 'd'},
                {"all", required_argument, NULL, 'a'},
                {"expect", no_argument, NULL, 'e'},
                OPTS_HELP, {},
        };
        const char *condition = NULL, *damaged = NULL, *all = NULL;
        bool expect = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'c': condition = optarg; break;
                case 'd': damaged = optarg; break;
                case 'a': all = optarg; break;
                case 'e': expect = true; break;
                default: return cmd_bad_option(ctx);
                }
        if (all) {
                if (condition || damaged) return cmd_usage_error(ctx, "--condition and --damaged are for one item: return it on its own");
                return return_all(ctx, all, expect, argv + optind, argc - optind);
        }
        if (expect) return cmd_usage_error(ctx, "--expect goes with --all REF");
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag (or --all REF)");
        if (damaged && isempty(damaged)) return cmd_usage_error(ctx, "--damaged needs a description of the damage");
        _cleanup_json_ json_t *l = NULL;
        int r = loan_return(ctx->db, argv[optind], condition, damaged, &l);
        if (r < 0) return cmd_fail_err(r);
        printf("%s returned by %s (%s)%s\n", json_str(l, "tag"), json_str(l, "name"), json_str(l, "ref"),
               damaged ? "; damage logged as an incident" : "");
        return 0;
}

int cmd_receipt(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"output", required_argument, NULL, 'o'}, OPTS_HELP, {}};
        const char *out = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) switch (c) {
                case 'o': out = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        _cleanup_free_ char *path = out ? xstrdup(out) : xasprintf("receipt-%s.pdf", tag);
        int r = receipt_pdf(ctx->db, tag, path);
        if (r < 0) return cmd_fail_err(r);
        printf("%s\n", path);
        return 0;
}
