#include "commands.h"
#include "core.h"

const struct opt init_opts[] = {
        OPT_STRING_REQUIRED("school", 0, "NAME", "the school's name, printed on labels and certificates", struct init_args, school),
        OPT_STRING_REQUIRED("tag-prefix", 0, "PREFIX", "asset tags are PREFIX-000001 upwards (A-Z, 0-9)", struct init_args, tag_prefix),
        OPT_END,
};

int cmd_init(struct ctx *ctx, int argc, char **argv) {
        const struct init_args *a = ctx->args;
        const char *school = a->school, *prefix = a->tag_prefix;
        int r = school_init(ctx->db, school, prefix);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *name = NULL, *p = NULL;
        r = school_get(ctx->db, &name, &p);
        if (r < 0) return cmd_fail_err(r);
        out_printf("register for '%s' at %s; tags %s-000001 upwards\n", name, register_path(ctx->db), p);
        return 0;
}
