/* assetctl firm ..., setting ..., disposal classify / accounts: the
 * paperwork of a disposal (issue 14). The notes themselves are written by
 * consignment export (cmd-disposal.c). */
#include "commands.h"
#include "core.h"
#include "disposal.h"

static char **upper_tags(int argc, char **argv, size_t *ret_n) {
        size_t n = (size_t) (argc - 1);
        char **t = xcalloc(n + 1, sizeof *t);
        for (size_t i = 0; i < n; i++) t[i] = strupper(xstrdup(argv[1 + (int) i]));
        *ret_n = n;
        return t;
}

static void free_upper_tags(char ***t) {
        if (!*t) return;
        for (char **p = *t; *p; p++) free(*p);
        free(*t);
}

const struct opt disposal_classify_opts[] = {
        OPT_STRING_REQUIRED("ewc", 0, "CODE", "the List of Waste code ('20 01 35*'; '*' marks hazardous waste)",
                            struct classify_args, ewc),
        OPT_END,
};

int cmd_disposal_classify(struct ctx *ctx, int argc, char **argv) {
        const char *ewc = ((const struct classify_args *) ctx->args)->ewc;
        size_t n;
        _cleanup_(free_upper_tags) char **tags = upper_tags(argc, argv, &n);
        int r = disposal_classify(ctx->db, tags, n, ewc);
        if (r < 0) return cmd_fail_err(r);
        char code[12];
        waste_code_normalise("--ewc", ewc, code);
        for (size_t i = 0; i < n; i++)
                out_printf("%s: List of Waste code %s%s\n", tags[i], code, strchr(code, '*') ? " (hazardous)" : "");
        return 0;
}

const struct opt disposal_accounts_opts[] = {
        OPT_STRING("funding-source", 0, "TEXT", "what paid for the kit (devolved capital, a grant, the PTA, ...)",
                   struct disposal_accounts_args, funding),
        OPT_STRING("proceeds", 0, "POUNDS", "what the disposal brought in, when sold or recycled for value",
                   struct disposal_accounts_args, proceeds),
        OPT_END,
};

int cmd_disposal_accounts(struct ctx *ctx, int argc, char **argv) {
        const struct disposal_accounts_args *a = ctx->args;
        if (!a->funding && !a->proceeds) return cmd_usage_error(ctx, "give --funding-source or --proceeds (or both)");
        size_t n;
        _cleanup_(free_upper_tags) char **tags = upper_tags(argc, argv, &n);
        int r = disposal_accounts(ctx->db, tags, n, a->funding, a->proceeds);
        if (r < 0) return cmd_fail_err(r);
        for (size_t i = 0; i < n; i++) out_printf("%s: disposal accounts recorded\n", tags[i]);
        return 0;
}

/* --- firms --- */

struct firm_args {
        const char *contract, *expires;
};
static const struct opt firm_set_opts[] = {
        OPT_STRING("contract", 0, "REF", "the data-processing contract's reference", struct firm_args, contract),
        OPT_STRING("contract-expires", 0, "DATE", "when it expires (YYYY-MM-DD)", struct firm_args, expires),
        OPT_END,
};

static int firm_set_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct firm_args *a = ctx->args;
        if (!a->contract && !a->expires) return cmd_usage_error(ctx, "give --contract and --contract-expires");
        int r = firm_set(ctx->db, argv[1], a->contract, a->expires);
        if (r < 0) return cmd_fail_err(r);
        out_printf("firm '%s': contract recorded\n", argv[1]);
        return 0;
}

static const struct column firm_cols[] = {
        {"name", "FIRM"}, {"contract_ref", "CONTRACT"}, {"contract_expires", "EXPIRES"}, {"updated_at", "UPDATED"}, {NULL},
};

static int firm_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = firm_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, firm_cols, rows);
        return 0;
}

const struct command firm_commands[] = {
        {"set", firm_set_cmd, CMD_DB | CMD_WRITE, "NAME",
         "record a disposal firm's data-processing contract (reference, expiry)", NULL, OPTIONS(firm_set_opts, struct firm_args),
         POS(1, 1, "give the firm's name, as on its consignments")},
        {"list", firm_list_cmd, CMD_DB, "", "disposal firms and their contracts", NULL, OPTIONS(format_opts, struct format_args)},
        {NULL},
};

/* --- settings --- */

static int setting_set_cmd(struct ctx *ctx, int argc, char **argv) {
        int r = school_setting_set(ctx->db, argv[1], argv[2]);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s set\n", argv[1]);
        return 0;
}

static const struct column setting_cols[] = {
        {"school_address", "school_address"}, {"school_postcode", "school_postcode"}, {"school_sic_code", "school_sic_code"},
        {"school_phone", "school_phone"}, {"school_email", "school_email"}, {NULL},
};

static int setting_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *s = NULL;
        int r = school_settings(ctx->db, &s);
        if (r < 0) return cmd_fail_err(r);
        out_object(fmt, setting_cols, s);
        return 0;
}

const struct command setting_commands[] = {
        {"set", setting_set_cmd, CMD_DB | CMD_WRITE, "KEY VALUE",
         "set school_address, school_postcode, school_sic_code, school_phone or school_email (for the waste notes)", NULL,
         OPTIONS(opts_none, char), POS(2, 2, "give a key and a value")},
        {"list", setting_list_cmd, CMD_DB, "", "the school's settings for the paperwork", NULL,
         OPTIONS(format_opts, struct format_args)},
        {NULL},
};
