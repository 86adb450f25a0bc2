/* assetctl asset ...: the asset register. */
#include "commands.h"
#include "core.h"
#include "import.h"

/* Options that set a field of an asset record, shared by add and edit. */
static const struct field_opt {
        const char *name; /* option name */
        const char *key;  /* record key */
        bool flag;        /* no argument: sets true */
} asset_fields[] = {
        {"tag", "tag", false},
        {"serial", "serial", false},
        {"make", "make", false},
        {"model", "model", false},
        {"name", "name", false},
        {"category", "category", false},
        {"location", "location", false},
        {"purchased", "purchased", false},
        {"cost", "cost", false},
        {"supplier", "supplier", false},
        {"order-number", "order_number", false},
        {"warranty", "warranty_until", false},
        {"notes", "notes", false},
        {"personal-data", "personal_data", true},
        {"encrypted", "encrypted", true},
        {"no-personal-data", "personal_data", true},
        {"not-encrypted", "encrypted", true},
};

#define FIELD_OPTIONS_HELP \
        "  --serial S           the maker's serial number\n" \
        "  --make M, --model M  maker and model\n" \
        "  --name N             a friendly name (\"Head's laptop\")\n" \
        "  --category C         laptop, tablet, desktop, printer, ...\n" \
        "  --location ROOM      where it lives\n" \
        "  --purchased DATE     purchase date (YYYY-MM-DD)\n" \
        "  --cost GBP           purchase cost in pounds (1234.50)\n" \
        "  --supplier S, --order-number N, --warranty DATE, --notes T\n" \
        "  --personal-data      it may hold personal data (--no-personal-data to clear)\n" \
        "  --encrypted          its storage is encrypted (--not-encrypted to clear)\n"

/* Parse field options into obj; returns 0, or the usage exit status. */
static int parse_fields(struct ctx *ctx, int argc, char **argv, json_t *obj, enum out_format *fmt, bool allow_tag) {
        struct option opts[ELEMENTSOF(asset_fields) + 4];
        size_t n = 0;
        for (size_t i = 0; i < ELEMENTSOF(asset_fields); i++)
                opts[n++] = (struct option) {asset_fields[i].name, asset_fields[i].flag ? no_argument : required_argument, NULL, 0x2000 + (int) i};
        opts[n++] = (struct option) {"json", no_argument, NULL, OPT_JSON};
        opts[n++] = (struct option) OPTS_HELP;
        opts[n] = (struct option) {0};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                if (c >= 0x2000 && c < 0x2000 + (int) ELEMENTSOF(asset_fields)) {
                        const struct field_opt *f = &asset_fields[c - 0x2000];
                        if (streq(f->name, "tag") && !allow_tag) return cmd_usage_error(ctx, "a tag cannot be changed");
                        if (f->flag)
                                json_object_set_new(obj, f->key, json_boolean(strncmp(f->name, "no", 2) != 0));
                        else
                                json_object_set_new(obj, f->key, json_string(optarg));
                } else if (c == OPT_JSON && fmt)
                        *fmt = OUT_JSON;
                else
                        return cmd_bad_option(ctx);
        }
        return -1;
}

static int asset_add_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *a = json_object();
        int u = parse_fields(ctx, argc, argv, a, NULL, true);
        if (u >= 0) return u;
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        for (const char *const *k = (const char *const[]) {"make", "model", "serial", NULL}; *k; k++)
                if (!json_str(a, *k)) return cmd_usage_error(ctx, "--%s is required", *k);
        _cleanup_free_ char *tag = NULL;
        int r = asset_add(ctx->db, a, &tag);
        if (r < 0) return cmd_fail("cannot add asset: %s", err_msg());
        puts(tag);
        return 0;
}

static const struct column asset_list_cols[] = {
        {"tag", "TAG"}, {"make", "MAKE"}, {"model", "MODEL"}, {"serial", "SERIAL"}, {"category", "CATEGORY"},
        {"location", "LOCATION"}, {"status", "STATUS"}, {NULL},
};

static const struct column asset_show_cols[] = {
        {"tag", "tag"}, {"name", "name"}, {"make", "make"}, {"model", "model"}, {"serial", "serial"},
        {"category", "category"}, {"location", "location"}, {"status", "status"}, {"personal_data", "personal data"},
        {"encrypted", "encrypted"}, {"purchased", "purchased"}, {"cost", "cost"}, {"supplier", "supplier"},
        {"order_number", "order number"}, {"warranty_until", "warranty until"}, {"last_audited", "last audited"},
        {"notes", "notes"}, {"created_at", "registered"}, {NULL},
};

static const struct column media_cols[] = {
        {"kind", "KIND"}, {"model", "MODEL"}, {"serial", "SERIAL"}, {"size_bytes", "BYTES"}, {"status", "STATUS"}, {NULL},
};

/* Add display fields: cost in pounds, status as words. */
static void decorate_asset(json_t *a) {
        json_t *c = json_object_get(a, "cost_pence");
        if (json_is_integer(c)) {
                int64_t p = json_integer_value(c);
                _cleanup_free_ char *s = xasprintf("%lld.%02lld", (long long) (p / 100), (long long) (p % 100));
                json_object_set_new(a, "cost", json_string(s));
        } else
                json_object_set_new(a, "cost", json_null());
}

static int asset_show_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = OUT_TABLE;
        int u = cmd_parse_format(ctx, argc, argv, &fmt);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag or serial");
        _cleanup_json_ json_t *a = NULL;
        int r = asset_get(ctx->db, argv[optind], &a);
        if (r < 0) return cmd_fail_err(r);
        decorate_asset(a);
        if (fmt == OUT_TABLE) {
                const char *st = json_str(a, "status");
                json_object_set_new(a, "status", json_string(asset_status_label(st)));
                out_object(fmt, asset_show_cols, a);
                json_t *media = json_object_get(a, "media");
                if (json_array_size(media)) {
                        puts("\nstorage:");
                        out_list(OUT_TABLE, media_cols, media);
                }
        } else
                out_object(fmt, asset_show_cols, a);
        return 0;
}

static int asset_list_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"status", required_argument, NULL, 's'},
                {"location", required_argument, NULL, 'l'},
                {"category", required_argument, NULL, 'c'},
                OPTS_FORMAT, OPTS_HELP, {},
        };
        enum out_format fmt = OUT_TABLE;
        const char *status = NULL, *location = NULL, *category = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 's': status = optarg; break;
                case 'l': location = optarg; break;
                case 'c': category = optarg; break;
                case OPT_JSON: fmt = OUT_JSON; break;
                case OPT_CSV: fmt = OUT_CSV; break;
                default: return cmd_bad_option(ctx);
                }
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_free_ char *st = status ? xstrdup(status) : NULL;
        if (st) {
                for (char *p = st; *p; p++)
                        if (*p == ' ' || *p == '-') *p = '_';
                if (!asset_status_valid(st)) return cmd_usage_error(ctx, "--status '%s' is not a status", status);
        }
        _cleanup_json_ json_t *rows = NULL;
        int r = db_asset_list(ctx->db, st, location, category, &rows);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *a;
        json_array_foreach(rows, i, a) {
                decorate_asset(a);
                if (fmt == OUT_TABLE) json_object_set_new(a, "status", json_string(asset_status_label(json_str(a, "status"))));
        }
        out_list(fmt, asset_list_cols, rows);
        return 0;
}

static int asset_edit_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *changes = json_object();
        int u = parse_fields(ctx, argc, argv, changes, NULL, false);
        if (u >= 0) return u;
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        if (json_object_size(changes) == 0) return cmd_usage_error(ctx, "nothing to change: give --field value");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        int r = asset_edit(ctx->db, tag, changes);
        if (r < 0) return cmd_fail("cannot edit '%s': %s", tag, err_msg());
        printf("%s updated\n", tag);
        return 0;
}

static int asset_add_media_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {
                {"model", required_argument, NULL, 'm'},
                {"serial", required_argument, NULL, 's'},
                {"size", required_argument, NULL, 'z'},
                {"kind", required_argument, NULL, 'k'},
                {"wwn", required_argument, NULL, 'w'},
                {"from", required_argument, NULL, 'f'},
                OPTS_HELP, {},
        };
        _cleanup_json_ json_t *m = json_object();
        const char *from = NULL;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'm': json_object_set_new(m, "model", json_string(optarg)); break;
                case 's': json_object_set_new(m, "serial", json_string(optarg)); break;
                case 'k': json_object_set_new(m, "kind", json_string(optarg)); break;
                case 'w': json_object_set_new(m, "wwn", json_string(optarg)); break;
                case 'f': from = optarg; break;
                case 'z': {
                        uint64_t v;
                        if (parse_uint64(optarg, &v) < 0 || v > INT64_MAX)
                                return cmd_usage_error(ctx, "--size '%s' is not a number of bytes", optarg);
                        json_object_set_new(m, "size_bytes", json_integer((json_int_t) v));
                        break;
                }
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        for (const char *const *k = (const char *const[]) {"model", "serial", "kind", NULL}; *k && !from; k++)
                if (!json_str(m, *k)) return cmd_usage_error(ctx, "--%s is required", *k);
        if (!from && !json_object_get(m, "size_bytes")) return cmd_usage_error(ctx, "--size is required");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        /* --from: the drive's identity from udev; options given override it */
        int r = from ? asset_add_media_from(ctx->db, tag, from, m, NULL) : asset_add_media(ctx->db, tag, m, NULL);
        if (r < 0) return cmd_fail("cannot add storage to '%s': %s", tag, err_msg());
        printf("%s: added %s %s (%s)\n", tag, json_str(m, "kind"), json_str(m, "model"), json_str(m, "serial"));
        return 0;
}

static int asset_repair_cmd(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"done", no_argument, NULL, 'd'}, {"notes", required_argument, NULL, 'n'}, OPTS_HELP, {}};
        const char *notes = NULL;
        bool done = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) switch (c) {
                case 'd': done = true; break;
                case 'n': notes = optarg; break;
                default: return cmd_bad_option(ctx);
                }
        if (argc - optind != 1) return cmd_usage_error(ctx, "give one tag");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[optind]));
        int r = asset_repair(ctx->db, tag, done, notes);
        if (r < 0) return cmd_fail("cannot %s '%s': %s", done ? "bring back from repair" : "send for repair", tag, err_msg());
        printf(done ? "%s is back from repair and in stock\n" : "%s is in repair\n", tag);
        return 0;
}

static int asset_import_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_import_run(ctx, argc, argv, IMPORT_ASSETS); }
static int asset_export_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_export_run(ctx, argc, argv, IMPORT_ASSETS); }

const struct command asset_commands[] = {
        {"add", asset_add_cmd, CMD_DB | CMD_WRITE, "--make M --model M --serial S [OPTIONS]",
         "register an asset and print its tag",
         "  --tag TAG            use this tag instead of the next PREFIX-NNNNNN\n" FIELD_OPTIONS_HELP},
        {"show", asset_show_cmd, CMD_DB, "TAG|SERIAL [--json|--csv]", "show one asset and its storage",
         "  --json, --csv        machine-readable output\n"},
        {"list", asset_list_cmd, CMD_DB, "[--status S] [--location L] [--category C] [--json|--csv]", "list assets",
         "  --status S           in-stock, issued, in-repair, lost, stolen, found, disposal-requested,\n"
         "                       authorised, sanitised, destroy-required, destroyed, consigned, disposed\n"
         "  --location L         only this room\n"
         "  --category C         only this category\n"
         "  --json, --csv        machine-readable output\n"},
        {"edit", asset_edit_cmd, CMD_DB | CMD_WRITE, "TAG --field VALUE...", "change an asset's details", FIELD_OPTIONS_HELP},
        {"add-media", asset_add_media_cmd, CMD_DB | CMD_WRITE, "TAG --from DEVICE | --model M --serial S --size BYTES --kind hdd|ssd|nvme|flash",
         "record a storage medium inside an asset",
         "  --from DEVICE          read model, serial, size, kind and WWN from the drive (/dev/sdX)\n"
         "  --model M, --serial S  the drive's own model and serial\n"
         "  --size BYTES           capacity in bytes\n"
         "  --kind K               hdd, ssd, nvme or flash\n"
         "  --wwn W                the drive's world-wide name, if known\n"},
        {"repair", asset_repair_cmd, CMD_DB | CMD_WRITE, "TAG [--done] [--notes TEXT]",
         "send an in-stock asset for repair, or (--done) take it back into stock",
         "  --done               the repair is done: the asset goes back into stock\n"
         "  --notes TEXT         what is wrong, or what was done (kept in the audit log)\n"},
        {"import", asset_import_cmd, CMD_DB | CMD_WRITE, "FILE [--dry-run] [--status-map 'LABEL=STATE']...",
         "add assets from a CSV (ours or Snipe-IT's) or JSON file",
         "  --dry-run            check everything and say what would be added; change nothing\n"
         "  --status-map L=S     read status label L as state S (repeatable), e.g.\n"
         "                       --status-map 'Broken - Not Fixable=disposed'\n\n"
         "  FILE is CSV with a header row: our own columns (as 'asset export' writes:\n"
         "  tag, serial, make, model, name, category, location, status, issued_to,\n"
         "  issued_at, due, condition_out, override_reason, personal_data, encrypted,\n"
         "  purchased, cost (pounds) or cost_pence, supplier, order_number,\n"
         "  warranty_until, notes, last_audited, created_at, updated_at, media) or\n"
         "  Snipe-IT's (Asset Tag, Name, Serial Number, Manufacturer, Model Name,\n"
         "  Category, Location, Purchase Date, Purchase Cost, Supplier, Order Number,\n"
         "  Warranty (months), Notes, Status, and the checkout columns); or the JSON\n"
         "  that 'asset export --format json' writes. Semicolon-separated files (Excel)\n"
         "  are read too. Other columns are listed as ignored. Import the people first:\n"
         "  an issued asset names its holder. Any bad row rejects the whole file: every\n"
         "  bad row is listed as FILE:LINE: column: reason and nothing is changed.\n"},
        {"export", asset_export_cmd, CMD_DB, "[--format csv|json] [-o FILE]", "write every asset with its media and open loan as CSV or JSON (import reads it back)",
         "  --format F           csv (default) or json (also --csv, --json)\n"
         "  -o, --output FILE    write to FILE (mode 0600) instead of standard output\n"},
        {NULL},
};
