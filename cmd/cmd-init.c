#include "commands.h"
#include "core.h"

int cmd_init(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"school", required_argument, NULL, 's'},
                {"tag-prefix", required_argument, NULL, 'p'},
                OPTS_HELP,
                {},
        };
        const char *school = NULL, *prefix = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 's': school = optarg; break;
                case 'p': prefix = optarg; break;
                case 'h': return cmd_help(ctx);
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if (!school || !prefix) return cmd_usage_error(ctx, "--school and --tag-prefix are required");
        int r = school_init(ctx->db, school, prefix);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *name = NULL, *p = NULL;
        r = school_get(ctx->db, &name, &p);
        if (r < 0) return cmd_fail_err(r);
        printf("register for '%s' at %s; tags %s-000001 upwards\n", name, db_path(ctx->db), p);
        return 0;
}
