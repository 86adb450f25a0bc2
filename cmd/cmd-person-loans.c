/* assetctl person sign-aup, leaving, badge: the person facts the loan rules
 * read. Rows in person_commands (cmd-person.c) point here. */
#include "commands.h"
#include "loans.h"

const struct opt sign_aup_opts[] = {
        OPT_STRING("date", 0, "DATE", "when it was signed (default today)", struct sign_aup_args, date),
        OPT_STRING("version", 0, "V", "which version of the agreement", struct sign_aup_args, version),
        OPT_FLAG("clear", 0, "take it off file (withdrawn, or recorded in error)", struct sign_aup_args, clear),
        OPT_END,
};

int cmd_person_sign_aup(struct ctx *ctx, int argc, char **argv) {
        const struct sign_aup_args *a = ctx->args;
        const char *date = a->date, *version = a->version, *ref = argv[1];
        bool clear = a->clear;
        if (clear && (date || version)) return cmd_usage_error(ctx, "--clear takes no --date or --version");
        if (clear) {
                int r = person_clear_aup(ctx->db, ref);
                if (r < 0) return cmd_fail("cannot clear the agreement of '%s': %s", ref, err_msg());
                out_printf("%s: no acceptable-use agreement on file\n", ref);
                return 0;
        }
        int r = person_sign_aup(ctx->db, ref, date, version);
        if (r < 0) return cmd_fail("cannot record the agreement for '%s': %s", ref, err_msg());
        _cleanup_json_ json_t *p = NULL;
        if (person_get(ctx->db, ref, &p) < 0) return cmd_fail_err(-ENOENT);
        out_printf("%s (%s) signed the acceptable-use agreement%s%s on %s\n", json_str(p, "name"), json_str(p, "ref"),
                   json_str(p, "aup_version") ? " version " : "", strempty(json_str(p, "aup_version")), json_str(p, "aup_signed"));
        return 0;
}

const struct opt leaving_opts[] = {
        OPT_STRING("date", 0, "DATE", "the last day at school", struct leaving_args, date),
        OPT_FLAG("clear", 0, "they are not leaving after all", struct leaving_args, clear),
        OPT_END,
};

int cmd_person_leaving(struct ctx *ctx, int argc, char **argv) {
        const struct leaving_args *a = ctx->args;
        const char *date = a->date, *ref = argv[1];
        bool clear = a->clear;
        if (!date == !clear) return cmd_usage_error(ctx, "give --date DATE (or --clear)");
        int r = person_set_leaving(ctx->db, ref, date);
        if (r < 0) return cmd_fail("cannot set the leaving date of '%s': %s", ref, err_msg());
        _cleanup_json_ json_t *p = NULL, *held = NULL;
        r = loan_holdings(ctx->db, ref, &p, &held);
        if (r < 0) return cmd_fail_err(r);
        if (clear) {
                out_printf("%s (%s) is no longer leaving\n", json_str(p, "name"), json_str(p, "ref"));
                return 0;
        }
        out_printf("%s (%s) leaves on %s", json_str(p, "name"), json_str(p, "ref"), json_str(p, "leaving_date"));
        if (json_array_size(held) == 0) out_printf(" and holds no school kit\n");
        else {
                out_printf(" and holds %zu item%s:", json_array_size(held), json_array_size(held) == 1 ? "" : "s");
                for (size_t i = 0; i < json_array_size(held); i++) {
                        json_t *l = json_array_get(held, i);
                        out_printf(" %s (%s %s)%s", json_str(l, "tag"), json_str(l, "make"), json_str(l, "model"),
                                   i + 1 < json_array_size(held) ? "," : "");
                }
                putchar('\n');
        }
        return 0;
}

int cmd_person_badge(struct ctx *ctx, int argc, char **argv) {
        int r = person_add_badge(ctx->db, argv[1], argv[2]);
        if (r < 0) return cmd_fail("cannot add badge '%s' to '%s': %s", argv[2], argv[1], err_msg());
        out_printf("badge %s belongs to %s\n", argv[2], argv[1]);
        return 0;
}
