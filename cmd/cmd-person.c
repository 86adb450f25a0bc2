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

#define PERSON_OPTIONS_HELP \
        "  --name NAME          full name\n" \
        "  --email E            email address\n" \
        "  --role R             staff, pupil, governor, volunteer or contractor (default staff)\n" \
        "  --job-title T        job title\n" \
        "  --authoriser         may authorise disposals (--no-authoriser to clear)\n"

/* Parse person field options into p; returns -1 to go on, else exit status. */
static int parse_person(struct ctx *ctx, int argc, char **argv, json_t *p, bool allow_ref) {
        static const struct option opts[] = {
                {"ref", required_argument, NULL, 'r'},
                {"name", required_argument, NULL, 'n'},
                {"email", required_argument, NULL, 'e'},
                {"role", required_argument, NULL, 'o'},
                {"job-title", required_argument, NULL, 'j'},
                {"authoriser", no_argument, NULL, 'a'},
                {"no-authoriser", no_argument, NULL, 'A'},
                OPTS_HELP, {},
        };
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'r':
                        if (!allow_ref) return cmd_usage_error(ctx, "a reference cannot be changed");
                        json_object_set_new(p, "ref", json_string(optarg));
                        break;
                case 'n': json_object_set_new(p, "name", json_string(optarg)); break;
                case 'e': json_object_set_new(p, "email", json_string(optarg)); break;
                case 'o': json_object_set_new(p, "role", json_string(optarg)); break;
                case 'j': json_object_set_new(p, "job_title", json_string(optarg)); break;
                case 'a': json_object_set_new(p, "authoriser", json_true()); break;
                case 'A': json_object_set_new(p, "authoriser", json_false()); break;
                default: return cmd_bad_option(ctx);
                }
        return -1;
}

static int person_add_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *p = json_object();
        int u = parse_person(ctx, argc, argv, p, true);
        if (u >= 0) return u;
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if (!json_str(p, "ref") || !json_str(p, "name")) return cmd_usage_error(ctx, "--ref and --name are required");
        int r = person_add(ctx->db, p);
        if (r < 0) return cmd_fail("cannot add person: %s", err_msg());
        printf("%s\n", json_str(p, "ref"));
        return 0;
}

static int person_edit_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *p = json_object();
        int u = parse_person(ctx, argc, argv, p, false);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one reference");
        if (json_object_size(p) == 0) return cmd_usage_error(ctx, "nothing to change: give --field value");
        int r = person_edit(ctx->db, argv[optind], p);
        if (r < 0) return cmd_fail("cannot edit '%s': %s", argv[optind], err_msg());
        printf("%s updated\n", argv[optind]);
        return 0;
}

static int person_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one reference");
        _cleanup_json_ json_t *p = NULL;
        int r = person_get(ctx->db, argv[optind], &p);
        if (r < 0) return cmd_fail_err(r);
        out_object(fmt, person_show_cols, p);
        return 0;
}

static int person_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"role", required_argument, NULL, 'r'}, OPTS_FORMAT, OPTS_HELP, {}};
        enum out_format fmt = OUT_TABLE;
        const char *role = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'r': role = optarg; break;
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        if (role && !person_role_valid(role)) return cmd_usage_error(ctx, "--role '%s' is not a role", role);
        _cleanup_json_ json_t *rows = NULL;
        int r = db_person_list(ctx->db, role, &rows);
        if (r < 0) return cmd_fail_err(r);
        out_list(fmt, person_list_cols, rows);
        return 0;
}

static int person_import_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_import_run(ctx, argc, argv, IMPORT_PEOPLE); }
static int person_export_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_export_run(ctx, argc, argv, IMPORT_PEOPLE); }

const struct command person_commands[] = {
        {"add", person_add_cmd, CMD_DB | CMD_WRITE, "--ref REF --name NAME [OPTIONS]", "add a person",
         "  --ref REF            the school's reference (staff code, pupil number)\n" PERSON_OPTIONS_HELP},
        {"show", person_show_cmd, CMD_DB, "REF [--json|--csv]", "show one person", "  --json, --csv        machine-readable output\n"},
        {"list", person_list_cmd, CMD_DB, "[--role R] [--json|--csv]", "list people",
         "  --role R             only this role\n  --json, --csv        machine-readable output\n"},
        {"edit", person_edit_cmd, CMD_DB | CMD_WRITE, "REF --field VALUE...", "change a person's details", PERSON_OPTIONS_HELP},
        {"sign-aup", cmd_person_sign_aup, CMD_DB | CMD_WRITE, "REF [--date DATE] [--version V] | --clear",
         "record the signed acceptable-use agreement", "  --date DATE          when it was signed (default today)\n  --version V          which version of the agreement\n"
         "  --clear              take it off file (withdrawn, or recorded in error)\n"},
        {"leaving", cmd_person_leaving, CMD_DB | CMD_WRITE, "REF --date DATE | --clear", "record a leaving date and list the kit they hold",
         "  --date DATE          the last day at school\n  --clear              they are not leaving after all\n"},
        {"badge", cmd_person_badge, CMD_DB | CMD_WRITE, "REF BADGE", "a badge number scan mode accepts for the person", NULL},
        {"import", person_import_cmd, CMD_DB | CMD_WRITE, "FILE [--dry-run]", "add people from a CSV (ours or Snipe-IT's) or JSON file",
         "  --dry-run            check everything and say what would be added; change nothing\n\n"
         "  FILE is CSV with a header row: our own columns (as 'person export' writes:\n"
         "  ref, name, email, role, job_title, authoriser, aup_signed, aup_version,\n"
         "  leaving_date, created_at, updated_at, badges) or Snipe-IT's user columns (First Name, Last Name, Email,\n"
         "  Username, Employee Number, Job Title; the reference is the employee number,\n"
         "  else the username); or the JSON that 'person export --format json' writes.\n"
         "  Other columns are listed as ignored. Any bad row rejects the whole file:\n"
         "  every bad row is listed as FILE:LINE: column: reason and nothing is changed.\n"},
        {"export", person_export_cmd, CMD_DB, "[--format csv|json] [-o FILE]", "write every person with their badges as CSV or JSON (import reads it back)",
         "  --format F           csv (default) or json (also --csv, --json)\n"
         "  -o, --output FILE    write to FILE (mode 0600) instead of standard output\n"},
        {NULL},
};
