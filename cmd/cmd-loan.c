/* assetctl issue, return, receipt: kit out to people and back. */
#include "commands.h"
#include "loans.h"
#include "reports.h"
#include "scan.h"

static const char *due_text(json_t *l) { return json_str(l, "due"); }

const struct opt loan_issue_opts[] = {
        OPT_STRING("due", 0, "DATE", "when it is due back (default: the person's leaving date, if set)", struct loan_issue_args, due),
        OPT_STRING("condition", 0, "TEXT", "its condition as it goes out", struct loan_issue_args, condition),
        OPT_STRING("override", 0, "REASON", "issue a personal-data device that is not encrypted (the reason is logged)", struct loan_issue_args, override),
        OPT_STRING("receipt", 0, "FILE.pdf", "also print a loan receipt to sign", struct loan_issue_args, receipt),
        OPT_END,
};

int cmd_issue(struct ctx *ctx, int argc, char **argv) {
        const struct loan_issue_args *a = ctx->args;
        const struct issue_opts o = {.due = a->due, .condition = a->condition, .override = a->override};
        const char *receipt = a->receipt;
        if (o.override && isempty(o.override)) return cmd_usage_error(ctx, "--override needs a reason");
        _cleanup_json_ json_t *l = NULL;
        int r = loan_issue(ctx->db, argv[1], argv[2], &o, &l);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s issued to %s (%s)%s%s%s%s\n", json_str(l, "tag"), json_str(l, "name"), json_str(l, "ref"),
                   due_text(l) ? ", due " : "", strempty(due_text(l)), o.override ? "; override: " : "", strempty(o.override));
        if (receipt) {
                r = receipt_pdf(ctx->db, json_str(l, "tag"), receipt);
                if (r < 0) return cmd_fail("issued, but %s", err_msg());
                out_printf("receipt: %s\n", receipt);
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
        case LOAN_TAKEN_BACK: out_printf("%s returned by %s (%s)\n", text, name, ref); break;
        case LOAN_NOT_A_TAG: out_printf("ignored: '%.40s' is not a tag\n", text); break;
        case LOAN_NOT_HELD: out_printf("refused: %s is not on loan to %s (%s)\n", text, name, ref); break;
        case LOAN_ALREADY_BACK: out_printf("%s already returned\n", text); break;
        case LOAN_REFUSED: out_printf("refused: %s\n", reason); break;
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
                out_printf("%s (%s) holds nothing\n", name, pref);
                loan_return_all_result_done(&res);
                return 0;
        }
        json_array_foreach(res.missing, i, l)
                out_printf("missing: %s %s %s (issued %s)\n", json_str(l, "tag"), json_str(l, "make"), json_str(l, "model"),
                           json_str(l, "issued_at"));
        int status = res.refused;
        if (res.returned == n) out_printf("%s (%s) returned %zu item%s and holds nothing now\n", name, pref, n, n == 1 ? "" : "s");
        else {
                out_printf("%s (%s) returned %zu of %zu items; %zu still missing\n", name, pref, res.returned, n, n - res.returned);
                status = 1;
        }
        loan_return_all_result_done(&res);
        return status;
}

const struct opt loan_return_opts[] = {
        OPT_STRING("condition", 0, "TEXT", "its condition as it comes back", struct loan_return_args, condition),
        OPT_STRING("damaged", 0, "TEXT", "it came back damaged: what is wrong (logged as an incident)", struct loan_return_args, damaged),
        OPT_STRING("all", 0, "REF", "everything REF holds (the leaver at the door); with TAGs or --expect\n"
                   "(tags read from standard input, one per line) only what is presented\n"
                   "is returned, and what is still out is listed (exit 1)", struct loan_return_args, all),
        OPT_FLAG("expect", 0, "with --all: read the tags presented from standard input", struct loan_return_args, expect),
        OPT_END,
};

int cmd_return(struct ctx *ctx, int argc, char **argv) {
        const struct loan_return_args *a = ctx->args;
        const char *condition = a->condition, *damaged = a->damaged, *all = a->all;
        bool expect = a->expect;
        if (all) {
                if (condition || damaged) return cmd_usage_error(ctx, "--condition and --damaged are for one item: return it on its own");
                return return_all(ctx, all, expect, argv + 1, argc - 1);
        }
        if (expect) return cmd_usage_error(ctx, "--expect goes with --all REF");
        if (argc != 2) return cmd_usage_error(ctx, "give one tag (or --all REF)");
        if (damaged && isempty(damaged)) return cmd_usage_error(ctx, "--damaged needs a description of the damage");
        _cleanup_json_ json_t *l = NULL;
        int r = loan_return(ctx->db, argv[1], condition, damaged, &l);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s returned by %s (%s)%s\n", json_str(l, "tag"), json_str(l, "name"), json_str(l, "ref"),
                   damaged ? "; damage logged as an incident" : "");
        return 0;
}

const struct opt loan_receipt_opts[] = {
        OPT_STRING("output", 'o', "FILE.pdf", "where to write it (default receipt-TAG.pdf)", struct loan_receipt_args, output),
        OPT_END,
};

int cmd_receipt(struct ctx *ctx, int argc, char **argv) {
        const char *out = ((const struct loan_receipt_args *) ctx->args)->output;
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        _cleanup_free_ char *path = out ? xstrdup(out) : xasprintf("receipt-%s.pdf", tag);
        int r = receipt_pdf(ctx->db, tag, path);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s\n", path);
        return 0;
}
