/* assetctl trust: a multi-academy trust's schools and who may do what in
 * them, on the trust's PostgreSQL database. */
#include "commands.h"
#include "core.h"
#include "trust.h"

struct trust_init_args {
        const char *name;
};

static const struct opt trust_init_opts[] = {
        OPT_STRING_REQUIRED("name", 0, "NAME", "the trust's name", struct trust_init_args, name),
        OPT_END,
};

static int trust_init_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct trust_init_args *a = ctx->args;
        int r = trust_init(ctx->db, a->name);
        if (r < 0) return cmd_fail_err(r);
        out_printf("trust '%s' at %s: add its schools with 'assetctl trust school add'\n", a->name, register_path(ctx->db));
        return 0;
}

struct school_add_args {
        const char *code, *name, *tag_prefix;
};

static const struct opt school_add_opts[] = {
        OPT_STRING_REQUIRED("code", 0, "CODE", "the school's short code (2 to 10 of A-Z, 0-9), as --school names it",
                            struct school_add_args, code),
        OPT_STRING_REQUIRED("name", 0, "NAME", "the school's name, printed on labels and certificates", struct school_add_args, name),
        OPT_STRING_REQUIRED("tag-prefix", 0, "PREFIX", "its asset tags are PREFIX-000001 upwards (A-Z, 0-9)", struct school_add_args,
                            tag_prefix),
        OPT_END,
};

static int school_add_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct school_add_args *a = ctx->args;
        int64_t id = 0;
        int r = trust_school_add(ctx->db, a->code, a->name, a->tag_prefix, &id);
        if (r < 0) return cmd_fail_err(r);
        out_printf("school %s '%s' added; tags %s-000001 upwards\n", a->code, a->name, a->tag_prefix);
        return 0;
}

static const struct column school_cols[] = {
        {"code", "CODE"}, {"name", "NAME"}, {"tag_prefix", "PREFIX"}, {"created_at", "ADDED"}, {NULL},
};

static int school_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = trust_school_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, school_cols, rows);
        return 0;
}

static const struct command school_commands[] = {
        {"add", school_add_cmd, CMD_DB | CMD_WRITE, "", "add a school to the trust (trust administrators)", NULL,
         OPTIONS(school_add_opts, struct school_add_args)},
        {"list", school_list_cmd, CMD_DB, "", "the trust's schools", NULL, OPTIONS(format_opts, struct format_args)},
        {NULL},
};

static const char *const role_words[] = {"technician", "head", "auditor", "admin", NULL};

struct grant_args {
        const char *db_role, *school, *role;
        bool trust_wide;
};

static const struct opt grant_opts[] = {
        OPT_STRING_REQUIRED("db-role", 0, "ROLE", "the database login (a PostgreSQL role) to grant to", struct grant_args, db_role),
        OPT_STRING("school", 0, "CODE", "the school it works in", struct grant_args, school),
        OPT_FLAG("trust-wide", 0, "every school (an admin or auditor of the trust)", struct grant_args, trust_wide),
        OPT_ENUM("role", 0, "ROLE", role_words, "technician, head (may authorise disposals), auditor (reads only) or admin",
                 struct grant_args, role),
        OPT_END,
};

static const struct opt revoke_opts[] = {
        OPT_STRING_REQUIRED("db-role", 0, "ROLE", "the database login to take the grant from", struct grant_args, db_role),
        OPT_STRING("school", 0, "CODE", "the school", struct grant_args, school),
        OPT_FLAG("trust-wide", 0, "its trust-wide grant", struct grant_args, trust_wide),
        OPT_END,
};

/* Exactly one of --school and --trust-wide; returns -1 to go on. */
static int where_opt(const struct ctx *ctx, const struct grant_args *a) {
        if (!!a->school == a->trust_wide) return cmd_usage_error(ctx, "give --school CODE or --trust-wide");
        return -1;
}

static int grant_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct grant_args *a = ctx->args;
        int u = where_opt(ctx, a);
        if (u >= 0) return u;
        if (!a->role) return cmd_usage_error(ctx, "give --role technician, head, auditor or admin");
        int r = trust_grant(ctx->db, a->db_role, a->school, a->role);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s is %s %s %s\n", a->db_role, streq(a->role, "admin") || streq(a->role, "auditor") ? "an" : "a", a->role,
                   a->school ? a->school : "of the trust");
        return 0;
}

static int revoke_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct grant_args *a = ctx->args;
        int u = where_opt(ctx, a);
        if (u >= 0) return u;
        int r = trust_revoke(ctx->db, a->db_role, a->school);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s no longer works in %s\n", a->db_role, a->school ? a->school : "the trust as a whole");
        return 0;
}

static const struct column grant_cols[] = {
        {"db_role", "LOGIN"}, {"school", "SCHOOL"}, {"role", "ROLE"}, {"granted_at", "GRANTED"}, {"granted_by", "BY"}, {NULL},
};

static int grant_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = trust_grant_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, grant_cols, rows);
        return 0;
}

struct trust_import_args {
        const char *code;
};

static const struct opt trust_import_opts[] = {
        OPT_STRING_REQUIRED("code", 0, "CODE", "the school's code in the trust (2 to 10 of A-Z, 0-9)", struct trust_import_args, code),
        OPT_END,
};

static int trust_import_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct trust_import_args *a = ctx->args;
        struct trust_moved m = {0};
        int r = trust_import(ctx->db, a->code, argv[1], &m);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s moved in as school %s: %lld rows, %lld audit events, chain head %s\n", argv[1], a->code, (long long) m.rows,
                   (long long) m.events, m.head);
        return 0;
}

struct trust_export_args {
        const char *school;
};

static const struct opt trust_export_opts[] = {
        OPT_STRING_REQUIRED("school", 0, "CODE", "the school to write out", struct trust_export_args, school),
        OPT_END,
};

static int trust_export_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct trust_export_args *a = ctx->args;
        struct trust_moved m = {0};
        int r = trust_export(ctx->db, a->school, argv[1], &m);
        if (r < 0) return cmd_fail_err(r);
        out_printf("school %s written to %s: %lld rows, %lld audit events, chain head %s\n", a->school, argv[1], (long long) m.rows,
                   (long long) m.events, m.head);
        return 0;
}

const struct command trust_commands[] = {
        {"init", trust_init_cmd, CMD_DB | CMD_WRITE | CMD_CREATE, "",
         "create a trust's schema, roles and row-level security in an empty PostgreSQL database (its owner)", NULL,
         OPTIONS(trust_init_opts, struct trust_init_args)},
        {"school", NULL, 0, NULL, "the trust's schools", NULL, school_commands},
        {"grant", grant_cmd, CMD_DB | CMD_WRITE, "", "let a database login work in a school, or trust-wide", NULL,
         OPTIONS(grant_opts, struct grant_args)},
        {"revoke", revoke_cmd, CMD_DB | CMD_WRITE, "", "take a login's grant in a school, or its trust-wide one", NULL,
         OPTIONS(revoke_opts, struct grant_args)},
        {"grants", grant_list_cmd, CMD_DB, "", "who may work where", NULL, OPTIONS(format_opts, struct format_args)},
        {"import", trust_import_cmd, CMD_DB | CMD_WRITE, "FILE.db",
         "move a school's SQLite register (every table and its audit log) into the trust as a new school", NULL,
         OPTIONS(trust_import_opts, struct trust_import_args), POS(1, 1, "give the school's register file")},
        {"export", trust_export_cmd, CMD_DB, "FILE.db", "write one school of the trust out as a new SQLite register", NULL,
         OPTIONS(trust_export_opts, struct trust_export_args), POS(1, 1, "give a new register file")},
        {NULL},
};

struct column *school_columns(const struct column *cols) {
        size_t n = 0;
        while (cols[n].key) n++;
        struct column *c = xcalloc(n + 2, sizeof *c);
        c[0] = (struct column) {"school", "SCHOOL"};
        for (size_t i = 0; i < n; i++) c[i + 1] = cols[i];
        return c;
}
