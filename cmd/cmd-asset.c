/* assetctl asset ...: the asset register. */
#include "commands.h"
#include "core.h"
#include "import.h"
#include "trust.h"

/* add and edit: an asset's fields. */
struct asset_args {
        const char *tag, *serial, *make, *model, *name, *category, *location, *purchased, *cost, *supplier, *order_number,
                *warranty, *notes;
        int personal_data, encrypted; /* 1 yes, 2 no, 0 not given */
};

#define A struct asset_args
#define ASSET_FIELD_OPTS \
        OPT_STRING("name", 0, "N", "a friendly name (\"Head's laptop\")", A, name), \
        OPT_STRING("category", 0, "C", "laptop, tablet, desktop, printer, ...", A, category), \
        OPT_STRING("location", 0, "ROOM", "where it lives", A, location), \
        OPT_STRING("purchased", 0, "DATE", "purchase date (YYYY-MM-DD)", A, purchased), \
        OPT_STRING("cost", 0, "GBP", "purchase cost in pounds (1234.50)", A, cost), \
        OPT_STRING("supplier", 0, "S", "the supplier", A, supplier), \
        OPT_STRING("order-number", 0, "N", "the supplier's order number", A, order_number), \
        OPT_STRING("warranty", 0, "DATE", "the warranty's end (YYYY-MM-DD)", A, warranty), \
        OPT_STRING("notes", 0, "T", "notes", A, notes), \
        {"personal-data", 0, NULL, OPTK_SET, OPT_AT_(A, personal_data, int), 1, 0, 0, NULL, "it may hold personal data, or not", OPT_JOINED}, \
        OPT_SET("no-personal-data", 0, 2, "", A, personal_data), \
        {"encrypted", 0, NULL, OPTK_SET, OPT_AT_(A, encrypted, int), 1, 0, 0, NULL, "its storage is encrypted, or not", OPT_JOINED}, \
        OPT_SET("not-encrypted", 0, 2, "", A, encrypted)
static const struct opt asset_add_opts[] = {
        OPT_STRING_REQUIRED("make", 0, "M", "maker", A, make),
        OPT_STRING_REQUIRED("model", 0, "M", "model", A, model),
        OPT_STRING_REQUIRED("serial", 0, "S", "the maker's serial number", A, serial),
        OPT_STRING("tag", 0, "TAG", "use this tag instead of the next PREFIX-NNNNNN", A, tag),
        ASSET_FIELD_OPTS,
        OPT_END,
};
static const struct opt asset_edit_opts[] = {
        OPT_STRING("serial", 0, "S", "the maker's serial number", A, serial),
        OPT_STRING("make", 0, "M", "maker", A, make),
        OPT_STRING("model", 0, "M", "model", A, model),
        OPT_STRING("tag", 0, "TAG", "refused: a tag never changes", A, tag),
        ASSET_FIELD_OPTS,
        OPT_END,
};
#undef A

/* The fields given, as an asset record. */
static json_t *asset_fields(const struct asset_args *a) {
        const struct {
                const char *key, *value;
        } f[] = {
                {"tag", a->tag}, {"serial", a->serial}, {"make", a->make}, {"model", a->model}, {"name", a->name},
                {"category", a->category}, {"location", a->location}, {"purchased", a->purchased}, {"cost", a->cost},
                {"supplier", a->supplier}, {"order_number", a->order_number}, {"warranty_until", a->warranty}, {"notes", a->notes},
        };
        json_t *obj = json_object();
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                if (f[i].value) json_object_set_new(obj, f[i].key, json_string(f[i].value));
        if (a->personal_data) json_object_set_new(obj, "personal_data", json_boolean(a->personal_data == 1));
        if (a->encrypted) json_object_set_new(obj, "encrypted", json_boolean(a->encrypted == 1));
        return obj;
}

static int asset_add_cmd(struct ctx *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *a = asset_fields(ctx->args);
        _cleanup_free_ char *tag = NULL;
        int r = asset_add(ctx->db, a, &tag);
        if (r < 0) return cmd_fail("cannot add asset: %s", err_msg());
        out_printf("%s\n", tag);
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
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *a = NULL;
        int r = asset_get(ctx->db, argv[1], &a);
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

struct list_args {
        const char *status, *location, *category;
        enum out_format fmt;
};
static const struct opt list_opts[] = {
        OPT_STRING("status", 0, "S", "in-stock, issued, in-repair, lost, stolen, found, disposal-requested,\n"
                   "authorised, sanitised, destroy-required, destroyed, consigned, disposed,\n"
                   "transferred", struct list_args, status),
        OPT_STRING("location", 0, "L", "only this room", struct list_args, location),
        OPT_STRING("category", 0, "C", "only this category", struct list_args, category),
        OPT_FORMAT(struct list_args, fmt),
        OPT_END,
};

static int asset_list_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct list_args *la = ctx->args;
        enum out_format fmt = la->fmt;
        const char *location = la->location, *category = la->category;
        _cleanup_free_ char *st = NULL;
        int u = cmd_status_opt(ctx, la->status, &st);
        if (u >= 0) return u;
        _cleanup_json_ json_t *rows = NULL;
        int r = asset_list(ctx->db, st, location, category, &rows);
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
        const struct asset_args *a = ctx->args;
        if (a->tag) return cmd_usage_error(ctx, "a tag cannot be changed");
        _cleanup_json_ json_t *changes = asset_fields(a);
        if (json_object_size(changes) == 0) return cmd_usage_error(ctx, "nothing to change: give --field value");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        int r = asset_edit(ctx->db, tag, changes);
        if (r < 0) return cmd_fail("cannot edit '%s': %s", tag, err_msg());
        out_printf("%s updated\n", tag);
        return 0;
}

struct media_args {
        const char *model, *serial, *size, *kind, *wwn, *from;
};
static const struct opt media_opts[] = {
        OPT_STRING("from", 0, "DEVICE", "read model, serial, size, kind and WWN from the drive (/dev/sdX)", struct media_args, from),
        {"model", 0, "M", OPTK_STRING, OPT_AT_(struct media_args, model, const char *), 0, 0, 0, NULL,
         "the drive's own model and serial", OPT_JOINED},
        OPT_STRING("serial", 0, "S", "", struct media_args, serial),
        OPT_STRING("size", 0, "BYTES", "capacity in bytes", struct media_args, size),
        OPT_STRING("kind", 0, "K", "hdd, ssd, nvme or flash", struct media_args, kind),
        OPT_STRING("wwn", 0, "W", "the drive's world-wide name, if known", struct media_args, wwn),
        OPT_END,
};

static int asset_add_media_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct media_args *a = ctx->args;
        _cleanup_json_ json_t *m = json_object();
        const char *from = a->from;
        const struct {
                const char *key, *value;
        } f[] = {{"model", a->model}, {"serial", a->serial}, {"kind", a->kind}, {"wwn", a->wwn}};
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                if (f[i].value) json_object_set_new(m, f[i].key, json_string(f[i].value));
        uint64_t v;
        if (a->size && (parse_uint64(a->size, &v) < 0 || v > INT64_MAX))
                return cmd_usage_error(ctx, "--size '%s' is not a number of bytes", a->size);
        if (a->size) json_object_set_new(m, "size_bytes", json_integer((json_int_t) v));
        for (const char *const *k = (const char *const[]) {"model", "serial", "kind", NULL}; *k && !from; k++)
                if (!json_str(m, *k)) return cmd_usage_error(ctx, "--%s is required", *k);
        if (!from && !json_object_get(m, "size_bytes")) return cmd_usage_error(ctx, "--size is required");
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        /* --from: the drive's identity from udev; options given override it */
        int r = from ? asset_add_media_from(ctx->db, tag, from, m, NULL) : asset_add_media(ctx->db, tag, m, NULL);
        if (r < 0) return cmd_fail("cannot add storage to '%s': %s", tag, err_msg());
        out_printf("%s: added %s %s (%s)\n", tag, json_str(m, "kind"), json_str(m, "model"), json_str(m, "serial"));
        return 0;
}

struct repair_args {
        bool done;
        const char *notes;
};
static const struct opt repair_opts[] = {
        OPT_FLAG("done", 0, "the repair is done: the asset goes back into stock", struct repair_args, done),
        OPT_STRING("notes", 0, "TEXT", "what is wrong, or what was done (kept in the audit log)", struct repair_args, notes),
        OPT_END,
};

static int asset_repair_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct repair_args *a = ctx->args;
        bool done = a->done;
        const char *notes = a->notes;
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        int r = asset_repair(ctx->db, tag, done, notes);
        if (r < 0) return cmd_fail("cannot %s '%s': %s", done ? "bring back from repair" : "send for repair", tag, err_msg());
        out_printf(done ? "%s is back from repair and in stock\n" : "%s is in repair\n", tag);
        return 0;
}

struct transfer_args {
        const char *to_school;
};

static const struct opt transfer_opts[] = {
        OPT_STRING_REQUIRED("to-school", 0, "CODE", "the school of the trust it moves to", struct transfer_args, to_school),
        OPT_END,
};

static int asset_transfer_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct transfer_args *a = ctx->args;
        _cleanup_free_ char *tag = strupper(xstrdup(argv[1]));
        struct trust_transferred t = {0};
        int r = trust_transfer(ctx->db, tag, a->to_school, &t);
        if (r < 0) return cmd_fail_err(r);
        out_printf("%s moved to %s as %s: relabel it (its history stays with both tags)\n", tag, a->to_school, t.new_tag);
        return 0;
}

static int asset_import_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_import_run(ctx, argv[1], IMPORT_ASSETS); }
static int asset_export_cmd(struct ctx *ctx, int argc, char **argv) { return cmd_export_run(ctx, IMPORT_ASSETS); }

const struct command asset_commands[] = {
        {"add", asset_add_cmd, CMD_DB | CMD_WRITE, "", "register an asset and print its tag", NULL, OPTIONS(asset_add_opts, struct asset_args)},
        {"show", asset_show_cmd, CMD_DB, "TAG|SERIAL", "show one asset and its storage", NULL, OPTIONS(format_opts, struct format_args),
         POS(1, 1, "give one tag or serial")},
        {"list", asset_list_cmd, CMD_DB, "", "list assets", NULL, OPTIONS(list_opts, struct list_args)},
        {"edit", asset_edit_cmd, CMD_DB | CMD_WRITE, "TAG", "change an asset's details", NULL, OPTIONS(asset_edit_opts, struct asset_args),
         POS(1, 1, "give one tag")},
        {"add-media", asset_add_media_cmd, CMD_DB | CMD_WRITE, "TAG", "record a storage medium inside an asset", NULL,
         OPTIONS(media_opts, struct media_args), POS(1, 1, "give one tag")},
        {"repair", asset_repair_cmd, CMD_DB | CMD_WRITE, "TAG", "send an in-stock asset for repair, or (--done) take it back into stock",
         NULL, OPTIONS(repair_opts, struct repair_args), POS(1, 1, "give one tag")},
        {"transfer", asset_transfer_cmd, CMD_DB | CMD_WRITE, "TAG",
         "move an asset and its media to another school of the trust (trust administrators)",
         "  In one transaction: the asset ends 'transferred' here, and the other school\n"
         "  registers it under a new tag of its own prefix (print a new label); each\n"
         "  school's notes and audit log name the other tag, and the trust's log\n"
         "  records the move. Refused for an asset on loan, in a disposal, lost or stolen.\n",
         OPTIONS(transfer_opts, struct transfer_args), POS(1, 1, "give one tag")},
        {"import", asset_import_cmd, CMD_DB | CMD_WRITE, "FILE", "add assets from a CSV (ours or Snipe-IT's) or JSON file",
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
         "  bad row is listed as FILE:LINE: column: reason and nothing is changed.\n",
         OPTIONS(asset_import_opts, struct import_args), POS(1, 1, "give one file")},
        {"export", asset_export_cmd, CMD_DB, "", "write every asset with its media and open loan as CSV or JSON (import reads it back)",
         NULL, OPTIONS(export_opts, struct export_args)},
        {NULL},
};
