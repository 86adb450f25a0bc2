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

/* What is presented to return_all: the command line's tags, then (with
 * --expect) lines on stdin. */
struct presented {
        char **tags;
        int ntags, i;
        bool expect;
        char *line;
        size_t cap;
};

static const char *next_presented(void *ud) {
        struct presented *p = ud;
        if (p->i < p->ntags) return p->tags[p->i++];
        if (p->expect && getline(&p->line, &p->cap, stdin) >= 0) return p->line;
        return NULL;
}

static void print_item(void *ud, json_t *person, enum loan_take_back what, const char *text, const char *reason) {
        const char *name = json_str(person, "name"), *ref = json_str(person, "ref");
        switch (what) {
        case LOAN_TAKEN_BACK: printf("%s returned by %s (%s)\n", text, name, ref); break;
        case LOAN_NOT_A_TAG: printf("ignored: '%.40s' is not a tag\n", text); break;
        case LOAN_NOT_HELD: printf("refused: %s is not on loan to %s (%s)\n", text, name, ref); break;
        case LOAN_ALREADY_BACK: printf("%s already returned\n", text); break;
        case LOAN_REFUSED: printf("refused: %s\n", reason); break;
        }
}

/* Return everything `ref` holds, or only what is presented (tags, or lines
 * on stdin with --expect), then name what is still out. */
static int return_all(struct ctx *ctx, const char *ref, bool expect, char **tags, int ntags) {
        struct presented pr = {.tags = tags, .ntags = ntags, .expect = expect};
        struct loan_return_all_callbacks cb = {.userdata = &pr, .next = expect || ntags > 0 ? next_presented : NULL, .item = print_item};
        struct loan_return_all_result res;
        int r = loan_return_all(ctx->db, ref, &cb, &res);
        free(pr.line);
        if (r < 0) return cmd_fail("cannot take back kit from '%s': %s", ref, err_msg());
        const char *name = json_str(res.person, "name"), *pref = json_str(res.person, "ref");
        size_t i, n = res.held;
        json_t *l;
        if (n == 0) {
                printf("%s (%s) holds nothing\n", name, pref);
                loan_return_all_result_done(&res);
                return 0;
        }
        json_array_foreach(res.missing, i, l)
                printf("missing: %s %s %s (issued %s)\n", json_str(l, "tag"), json_str(l, "make"), json_str(l, "model"),
                       json_str(l, "issued_at"));
        int status = res.refused;
        if (res.returned == n) printf("%s (%s) returned %zu item%s and holds nothing now\n", name, pref, n, n == 1 ? "" : "s");
        else {
                printf("%s (%s) returned %zu of %zu items; %zu still missing\n", name, pref, res.returned, n, n - res.returned);
                status = 1;
        }
        loan_return_all_result_done(&res);
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
