/* assetctl person ...: people on the register. */
#include "commands.h"
#include "core.h"
#include "import.h"

static const struct column person_list_cols[] = {
        {"ref", "REF"}, {"name", "NAME"}, {"email", "EMAIL"}, {"role", "ROLE"}, {"aup_signed", "AUP SIGNED"},
        {"leaving_date", "LEAVING"}, {NULL},
};

static const struct column person_show_cols[] = {
        {"ref", "ref"}, {"name", "name"}, {"email", "email"}, {"role", "role"}, {"job_title", "job title"},
        {"authoriser", "authoriser"}, {"aup_signed", "aup signed"}, {"aup_version", "aup version"},
        {"leaving_date", "leaving date"}, {"created_at", "registered"}, {NULL},
};

/* add and edit: a person's fields (edit has no --ref: a reference never
 * changes). */
struct person_args {
        const char *ref, *name, *email, *role, *job_title;
        int authoriser; /* 1 yes, 2 no, 0 not given */
};
#define PERSON_FIELD_OPTS \
        OPT_STRING("email", 0, "E", "email address", struct person_args, email), \
        OPT_STRING("role", 0, "R", "staff, pupil, governor, volunteer or contractor (default staff)", struct person_args, role), \
        OPT_STRING("job-title", 0, "T", "job title", struct person_args, job_title), \
        {"authoriser", 0, NULL, OPTK_SET, OPT_AT_(struct person_args, authoriser, int), 1, 0, 0, NULL, \
         "may authorise disposals, or not", OPT_JOINED}, \
        OPT_SET("no-authoriser", 0, 2, "may authorise disposals, or not", struct person_args, authoriser)
static const struct opt person_add_opts[] = {
        OPT_STRING_REQUIRED("ref", 0, "REF", "the school's reference (staff code, pupil number)", struct person_args, ref),
        OPT_STRING_REQUIRED("name", 0, "NAME", "full name", struct person_args, name),
        PERSON_FIELD_OPTS,
        OPT_END,
};
static const struct opt person_edit_opts[] = {
        OPT_STRING("name", 0, "NAME", "full name", struct person_args, name),
        PERSON_FIELD_OPTS,
        OPT_END,
};

/* The fields given, as a person record. */
static json_t *person_fields(const struct person_args *a) {
        json_t *p = json_object();
        const struct {
                const char *key, *value;
        } f[] = {{"ref", a->ref}, {"name", a->name}, {"email", a->email}, {"role", a->role}, {"job_title", a->job_title}};
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                if (f[i].value) json_object_set_new(p, f[i].key, json_string(f[i].value));
        if (a->authoriser) json_object_set_new(p, "authoriser", json_boolean(a->authoriser == 1));
        return p;
}

static int person_add_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *p = person_fields(ctx->args);
        int r = person_add(ctx->db, p);
        if (r < 0) return cmd_fail("cannot add person: %s", err_msg());
        out_printf("%s\n", json_str(p, "ref"));
        return 0;
}

static int person_edit_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *p = person_fields(ctx->args);
        if (json_object_size(p) == 0) return cmd_usage_error(ctx, "nothing to change: give --field value");
        int r = person_edit(ctx->db, argv[1], p);
        if (r < 0) return cmd_fail("cannot edit '%s': %s", argv[1], err_msg());
        out_printf("%s updated\n", argv[1]);
        return 0;
}

static int person_show_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct format_args *a = ctx->args;
        _cleanup_json_ json_t *p = NULL;
        int r = person_get(ctx->db, argv[1], &p);
        if (r < 0) return cmd_fail_err(r);
        out_object(a->fmt, person_show_cols, p);
        return 0;
}

struct list_args {
        const char *role;
        enum out_format fmt;
};
static const struct opt list_opts[] = {
        OPT_STRING("role", 0, "R", "only this role", struct list_args, role),
        OPT_FORMAT(struct list_args, fmt),
        OPT_END,
};

static int person_list_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct list_args *a = ctx->args;
        const char *role = a->role;
        enum out_format fmt = a->fmt;
        if (role && !person_role_valid(role)) return cmd_usage_error(ctx, "--role '%s' is not a role", role);
        _cleanup_json_ json_t *rows = NULL;
        int r = person_list(ctx->db, role, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, person_list_cols, rows);
        return 0;
}

static int person_import_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_import_run(ctx, argv[1], IMPORT_PEOPLE); }
static int person_export_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_export_run(ctx, IMPORT_PEOPLE); }

const struct command person_commands[] = {
        {"add", person_add_cmd, CMD_DB | CMD_WRITE, "", "add a person", NULL, OPTIONS(person_add_opts, struct person_args)},
        {"show", person_show_cmd, CMD_DB, "REF", "show one person", NULL, OPTIONS(format_opts, struct format_args),
         POS(1, 1, "give one reference")},
        {"list", person_list_cmd, CMD_DB, "", "list people", NULL, OPTIONS(list_opts, struct list_args)},
        {"edit", person_edit_cmd, CMD_DB | CMD_WRITE, "REF", "change a person's details", NULL,
         OPTIONS(person_edit_opts, struct person_args), POS(1, 1, "give one reference")},
        {"sign-aup", cmd_person_sign_aup, CMD_DB | CMD_WRITE, "REF", "record the signed acceptable-use agreement", NULL,
         OPTIONS(sign_aup_opts, struct sign_aup_args), POS(1, 1, "give one reference")},
        {"leaving", cmd_person_leaving, CMD_DB | CMD_WRITE, "REF", "record a leaving date and list the kit they hold", NULL,
         OPTIONS(leaving_opts, struct leaving_args), POS(1, 1, "give one reference")},
        {"badge", cmd_person_badge, CMD_DB | CMD_WRITE, "REF BADGE", "a badge number scan mode accepts for the person", NULL,
         OPTIONS(opts_none, char), POS(2, 2, "give a reference and a badge number")},
        {"import", person_import_cmd, CMD_DB | CMD_WRITE, "FILE", "add people from a CSV (ours or Snipe-IT's) or JSON file",
         "  FILE is CSV with a header row: our own columns (as 'person export' writes:\n"
         "  ref, name, email, role, job_title, authoriser, aup_signed, aup_version,\n"
         "  leaving_date, created_at, updated_at, badges) or Snipe-IT's user columns (First Name, Last Name, Email,\n"
         "  Username, Employee Number, Job Title; the reference is the employee number,\n"
         "  else the username); or the JSON that 'person export --format json' writes.\n"
         "  Other columns are listed as ignored. Any bad row rejects the whole file:\n"
         "  every bad row is listed as FILE:LINE: column: reason and nothing is changed.\n",
         OPTIONS(person_import_opts, struct import_args), POS(1, 1, "give one file")},
        {"export", person_export_cmd, CMD_DB, "", "write every person with their badges as CSV or JSON (import reads it back)", NULL,
         OPTIONS(export_opts, struct export_args)},
        {NULL},
};
