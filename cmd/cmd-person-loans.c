/* assetctl person sign-aup, leaving, badge: the person facts the loan rules
 * read. Rows in person_commands (cmd-person.c) point here. */
#include "commands.h"
#include "loans.h"

int cmd_person_sign_aup(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"date", required_argument, NULL, 'd'}, {"version", required_argument, NULL, 'v'},
                                             {"clear", no_argument, NULL, 'c'}, OPTS_HELP, {}};
        const char *date = NULL, *version = NULL;
        bool clear = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': date = optarg; break;
                case 'v': version = optarg; break;
                case 'c': clear = true; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one reference");
        if (clear && (date || version)) return cmd_usage_error(ctx, "--clear takes no --date or --version");
        if (clear) {
                int r = person_clear_aup(ctx->db, argv[optind]);
                if (r < 0) return cmd_fail("cannot clear the agreement of '%s': %s", argv[optind], err_msg());
                printf("%s: no acceptable-use agreement on file\n", argv[optind]);
                return 0;
        }
        int r = person_sign_aup(ctx->db, argv[optind], date, version);
        if (r < 0) return cmd_fail("cannot record the agreement for '%s': %s", argv[optind], err_msg());
        _cleanup_json_ json_t *p = NULL;
        if (person_get(ctx->db, argv[optind], &p) < 0) return cmd_fail_err(-ENOENT);
        printf("%s (%s) signed the acceptable-use agreement%s%s on %s\n", json_str(p, "name"), json_str(p, "ref"),
               json_str(p, "aup_version") ? " version " : "", strempty(json_str(p, "aup_version")), json_str(p, "aup_signed"));
        return 0;
}

int cmd_person_leaving(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"date", required_argument, NULL, 'd'}, {"clear", no_argument, NULL, 'c'}, OPTS_HELP, {}};
        const char *date = NULL;
        bool clear = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': date = optarg; break;
                case 'c': clear = true; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one reference");
        if (!date == !clear) return cmd_usage_error(ctx, "give --date DATE (or --clear)");
        int r = person_set_leaving(ctx->db, argv[optind], date);
        if (r < 0) return cmd_fail("cannot set the leaving date of '%s': %s", argv[optind], err_msg());
        _cleanup_json_ json_t *p = NULL, *held = NULL;
        r = loan_holdings(ctx->db, argv[optind], &p, &held);
        if (r < 0) return cmd_fail_err(r);
        if (clear) {
                printf("%s (%s) is no longer leaving\n", json_str(p, "name"), json_str(p, "ref"));
                return 0;
        }
        printf("%s (%s) leaves on %s", json_str(p, "name"), json_str(p, "ref"), json_str(p, "leaving_date"));
        if (json_array_size(held) == 0) printf(" and holds no school kit\n");
        else {
                printf(" and holds %zu item%s:", json_array_size(held), json_array_size(held) == 1 ? "" : "s");
                for (size_t i = 0; i < json_array_size(held); i++) {
                        json_t *l = json_array_get(held, i);
                        printf(" %s (%s %s)%s", json_str(l, "tag"), json_str(l, "make"), json_str(l, "model"),
                               i + 1 < json_array_size(held) ? "," : "\n");
                }
        }
        return 0;
}

int cmd_person_badge(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) return cmd_bad_option(ctx);
        if (argc - optind != 2) return cmd_usage_error(ctx, "give a reference and a badge number");
        int r = person_add_badge(ctx->db, argv[optind], argv[optind + 1]);
        if (r < 0) return cmd_fail("cannot add badge '%s' to '%s': %s", argv[optind + 1], argv[optind], err_msg());
        printf("badge %s belongs to %s\n", argv[optind + 1], argv[optind]);
        return 0;
}
