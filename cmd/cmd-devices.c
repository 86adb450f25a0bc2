/* assetctl devices: the drives this machine sees, matched to the register;
 * --watch for drives arriving and leaving; --register for the one just
 * plugged in. */
#include "commands.h"
#include "core.h"

#include <signal.h>
#include <sys/signalfd.h>

static const struct column devices_cols[] = {
        {"devnode", "DEVICE"}, {"size", "SIZE"}, {"sectors", "SECTORS"}, {"bus", "BUS"}, {"kind", "KIND"},
        {"model_text", "MODEL"}, {"serial_text", "SERIAL"}, {"state", "STATE"}, {"asset_tag", "ASSET"}, {"purge", "PURGE"}, {NULL},
};

/* Every field, for CSV (arrays joined with "; ") and for one device. */
static const struct column device_all_cols[] = {
        {"name", "name"}, {"devnode", "device"}, {"by_id", "by-id"}, {"vendor", "vendor"}, {"model", "model"},
        {"serial", "serial"}, {"bridge_serial", "bridge serial"}, {"wwn", "wwn"}, {"size_bytes", "size bytes"},
        {"size", "size"}, {"logical_sector", "logical sector"}, {"physical_sector", "physical sector"}, {"bus", "bus"},
        {"kind", "kind"}, {"rotational", "rotational"}, {"removable", "removable"}, {"read_only", "read-only"},
        {"partition", "partition"}, {"parent", "parent"}, {"mounts", "mounts"}, {"swap", "swap"}, {"holders", "holders"},
        {"system", "system"}, {"system_use", "system use"}, {"backing_file", "backing file"}, {"refusal", "wipe refused"}, {"asset_tag", "asset"},
        {"matched_by", "matched by"}, {"medium_serial", "medium serial"}, {NULL},
};

static char *join_array(json_t *a, const char *sep) {
        struct strbuf sb = {0};
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v) sb_printf(&sb, "%s%s", i ? sep : "", json_string_value(v));
        return sb_take(&sb);
}

/* "system", "mounted", "swap", "held by dm-0", "read-only", or "free". */
static char *device_state(json_t *d) {
        struct strbuf sb = {0};
        if (json_is_true(json_object_get(d, "system"))) sb_puts(&sb, "system");
        if (json_array_size(json_object_get(d, "mounts"))) sb_printf(&sb, "%smounted", sb.len ? ", " : "");
        if (json_is_true(json_object_get(d, "swap"))) sb_printf(&sb, "%sswap", sb.len ? ", " : "");
        if (json_array_size(json_object_get(d, "holders"))) {
                _cleanup_free_ char *h = join_array(json_object_get(d, "holders"), " ");
                sb_printf(&sb, "%sheld by %s", sb.len ? ", " : "", h);
        }
        if (json_is_true(json_object_get(d, "read_only"))) sb_printf(&sb, "%sread-only", sb.len ? ", " : "");
        if (!sb.len) sb_puts(&sb, "free");
        return sb_take(&sb);
}

/* Add the display keys the table and CSV use. */
static void decorate(json_t *d, bool flat) {
        _cleanup_free_ char *state = device_state(d);
        json_set_str(d, "state", state);
        _cleanup_free_ char *sectors = xasprintf("%lld/%lld", (long long) json_integer_value(json_object_get(d, "logical_sector")),
                                                 (long long) json_integer_value(json_object_get(d, "physical_sector")));
        json_set_str(d, "sectors", sectors);
        const char *vendor = json_str(d, "vendor"), *model = json_str(d, "model"), *file = json_str(d, "backing_file");
        _cleanup_free_ char *mt = file ? xasprintf("image %s", file)
                                       : vendor && model && strncasecmp(model, vendor, strlen(vendor)) != 0 ? xasprintf("%s %s", vendor, model)
                                                                                                           : xstrdup(model ? model : "");
        json_set_str(d, "model_text", mt);
        const char *serial = json_str(d, "serial"), *bridge = json_str(d, "bridge_serial");
        _cleanup_free_ char *st = serial && bridge ? xasprintf("%s (bridge %s)", serial, bridge)
                                  : bridge         ? xasprintf("unknown (bridge %s)", bridge)
                                                   : xstrdup(serial ? serial : "");
        json_set_str(d, "serial_text", st);
        json_t *m = json_object_get(d, "match");
        json_set_str(d, "matched_by", json_is_object(m) ? json_str(m, "matched_by") : NULL);
        json_set_str(d, "medium_serial", json_is_object(m) ? json_str(m, "medium_serial") : NULL);
        if (flat) {
                _cleanup_free_ char *mounts = join_array(json_object_get(d, "mounts"), "; ");
                _cleanup_free_ char *holders = join_array(json_object_get(d, "holders"), " ");
                json_set_str(d, "mounts", mounts);
                json_set_str(d, "holders", holders);
        }
}

/* "-> YA-000005 (medium, by serial)" / "-> not registered". */
static char *match_text(json_t *d) {
        json_t *m = json_object_get(d, "match");
        if (!json_is_object(m)) return xstrdup("not registered");
        const char *by = json_str(m, "matched_by");
        if (streq_ptr(by, "asset serial")) return xasprintf("asset %s (by its serial)", json_str(m, "asset_tag"));
        return xasprintf("asset %s (medium, by %s)", json_str(m, "asset_tag"), by);
}

/* One line about a drive for --watch and --register. */
static char *device_line(json_t *d) {
        decorate(d, false);
        _cleanup_free_ char *match = match_text(d);
        const char *mt = json_str(d, "model_text"), *st = json_str(d, "serial_text");
        _cleanup_free_ char *serial = json_str(d, "backing_file") ? xstrdup("") : xasprintf(", serial %s", *st ? st : "unknown");
        return xasprintf("%s: %s, %s, %s %s%s -> %s", json_str(d, "devnode"), *mt ? mt : "unknown model", json_str(d, "size"),
                         json_str(d, "bus"), json_str(d, "kind"), serial, match);
}

/* What --watch prints: lines, or JSON objects one a line. */
struct watch_view {
        enum out_format fmt;
        bool forced; /* --source given */
};

static void watch_started(void *userdata, enum device_watch_source used, const char *name) {
        const struct watch_view *v = userdata;
        if (v->fmt == OUT_JSON)
                out_printf("{\"event\":\"watching\",\"source\":\"%s\"}\n", name);
        else
                out_printf("watching for drives through %s (%s); stop with Ctrl-C\n",
                           used == DEVICE_WATCH_UDEV ? "the udev monitor" : "kernel uevents",
                           v->forced ? "as asked" : used == DEVICE_WATCH_UDEV ? "udevd is running" : "udevd is not running");
        fflush(stdout);
}

static void watch_event(void *userdata, bool arrived, json_t *d) {
        const struct watch_view *v = userdata;
        const char *event = arrived ? "arrived" : "left";
        char now[21];
        now_utc(now);
        if (v->fmt == OUT_JSON) {
                _cleanup_json_ json_t *o = json_pack("{s:s, s:s, s:O}", "event", event, "time", now, "device", d);
                _cleanup_free_ char *s = json_dumps_safe(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
                puts(s);
        } else {
                _cleanup_free_ char *l = device_line(d);
                out_printf("%s %s\n", event, l);
        }
        fflush(stdout);
}

static void sigmask_restore(sigset_t *old) { sigprocmask(SIG_SETMASK, old, NULL); }

/* --watch: until SIGINT/SIGTERM (a clean stop), --count events or --timeout
 * seconds. */
static int devices_watch(struct ctx *ctx, enum out_format fmt, bool partitions, enum device_watch_source source, int64_t count,
                         int64_t timeout) {
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        _cleanup_(sigmask_restore) sigset_t old;
        sigprocmask(SIG_BLOCK, &mask, &old);
        _cleanup_close_ int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0) return cmd_fail("cannot watch for signals: %s", strerror(errno));
        struct watch_view view = {.fmt = fmt, .forced = source != DEVICE_WATCH_AUTO};
        struct device_watch w = {.source = source, .partitions = partitions, .count = count, .timeout_s = timeout, .stop_fd = sfd,
                                 .started = watch_started, .event = watch_event, .userdata = &view};
        int r = device_watch_run(ctx->db, &w);
        /* Take a stopping signal off the queue, or unblocking it on the way
         * out would kill us after all. */
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == (ssize_t) sizeof si) {}
        return r < 0 ? cmd_fail_err(r) : 0;
}

static int devices_register(struct ctx *ctx, const char *tag_arg) {
        _cleanup_free_ char *path = NULL, *why = NULL, *tag = strupper(xstrdup(tag_arg));
        int r = device_pick_new(ctx->db, &path, &why);
        if (r < 0) return cmd_fail("cannot register a drive in '%s': %s", tag, err_msg());
        _cleanup_json_ json_t *d = NULL, *m = json_object();
        r = device_json_path(ctx->db, path, &d);
        if (r < 0) return cmd_fail_err(r);
        _cleanup_free_ char *line = device_line(d);
        out_printf("taking %s (%s)\n", line, why);
        r = asset_add_media_from(ctx->db, tag, path, m, NULL);
        if (r < 0) return cmd_fail("cannot add storage to '%s': %s", tag, err_msg());
        out_printf("%s: added %s %s (%s)\n", tag, json_str(m, "kind"), json_str(m, "model"), json_str(m, "serial"));
        return 0;
}

const struct opt devices_opts[] = {
        OPT_FLAG("all", 0, "list partitions too", struct devices_args, all),
        OPT_FORMAT(struct devices_args, fmt),
        OPT_FLAG("watch", 0, "print each drive arriving or leaving until stopped (Ctrl-C)", struct devices_args, watch),
        OPT_STRING("count", 0, "N", "with --watch: stop after N events", struct devices_args, count),
        OPT_STRING("timeout", 0, "SECS", "with --watch: stop after SECS seconds (an error if --count was not reached)",
                   struct devices_args, timeout),
        OPT_STRING("source", 0, "S", "with --watch: udev, kernel or auto (default: udev when udevd runs)", struct devices_args, source),
        OPT_STRING("register", 0, "TAG", "record the drive just plugged in (removable or USB) as TAG's storage", struct devices_args, reg),
        OPT_END,
};

/* Check --count, --timeout and --source into their values. */
static int devices_watch_opts(const struct ctx *ctx, const struct devices_args *a, int64_t *count, int64_t *timeout,
                              enum device_watch_source *source) {
        if (a->count && (parse_int64(a->count, count) < 0 || *count < 1))
                return cmd_usage_error(ctx, "--count '%s' is not a positive number", a->count);
        if (a->timeout && (parse_int64(a->timeout, timeout) < 0 || *timeout < 1 || *timeout > 86400 * 365))
                return cmd_usage_error(ctx, "--timeout '%s' is not a number of seconds", a->timeout);
        if (!a->source || streq(a->source, "auto")) *source = DEVICE_WATCH_AUTO;
        else if (streq(a->source, "udev")) *source = DEVICE_WATCH_UDEV;
        else if (streq(a->source, "kernel")) *source = DEVICE_WATCH_KERNEL;
        else return cmd_usage_error(ctx, "--source '%s' is not udev, kernel or auto", a->source);
        return -1;
}

int cmd_devices(struct ctx *ctx, int argc, char **argv) {
        const struct devices_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        bool all = a->all, watch = a->watch;
        int64_t count = 0, timeout = 0;
        const char *reg = a->reg;
        enum device_watch_source source = DEVICE_WATCH_AUTO;
        int u = devices_watch_opts(ctx, a, &count, &timeout, &source);
        if (u >= 0) return u;
        if ((count || timeout || source != DEVICE_WATCH_AUTO) && !watch)
                return cmd_usage_error(ctx, "--count, --timeout and --source go with --watch");
        if (watch && reg) return cmd_usage_error(ctx, "--watch and --register do not go together");
        if (watch && fmt == OUT_CSV) return cmd_usage_error(ctx, "--watch prints lines or JSON objects, not CSV");
        if (reg) {
                if (argc != 1 || all || fmt != OUT_TABLE) return cmd_usage_error(ctx, "--register takes only the asset tag");
                return devices_register(ctx, reg);
        }
        if (watch) {
                if (argc != 1) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[1]);
                return devices_watch(ctx, fmt, all, source, count, timeout);
        }
        if (argc > 2) return cmd_usage_error(ctx, "give at most one device");
        if (argc == 2) { /* one device, every field */
                _cleanup_json_ json_t *d = NULL;
                int r = device_json_path(ctx->db, argv[1], &d);
                if (r < 0) return cmd_fail_err(r);
                if (fmt != OUT_JSON) decorate(d, true);
                out_object(fmt, device_all_cols, d);
                return 0;
        }
        _cleanup_json_ json_t *rows = NULL;
        int r = devices_list(ctx->db, all, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (fmt != OUT_JSON) {
                size_t i;
                json_t *d;
                json_array_foreach(rows, i, d) decorate(d, fmt == OUT_CSV);
        }
        out_list(fmt, fmt == OUT_CSV ? device_all_cols : devices_cols, rows);
        return 0;
}

static const struct column usb_cols[] = {
        {"path", "PATH"}, {"id", "ID"}, {"manufacturer", "MANUFACTURER"}, {"product", "PRODUCT"}, {"serial", "SERIAL"},
        {"class", "CLASS"}, {"registered_text", "REGISTERED"}, {NULL},
};

static const struct column usb_csv_cols[] = {
        {"path", "path"}, {"bus", "bus"}, {"address", "address"}, {"vendor_id", "vendor_id"}, {"product_id", "product_id"},
        {"manufacturer", "manufacturer"}, {"product", "product"}, {"names_from", "names_from"}, {"serial", "serial"},
        {"class_code", "class_code"}, {"class", "class"}, {"root_hub", "root_hub"}, {"registered", "registered"},
        {"asset_tag", "asset_tag"}, {"matched_by", "matched_by"}, {NULL},
};

const struct opt usb_opts[] = {
        OPT_FLAG("unregistered", 0, "only the devices whose serial is not on the register (exit 1 if any)", struct usb_args, unregistered),
        OPT_FORMAT(struct usb_args, fmt),
        OPT_END,
};

int cmd_usb(struct ctx *ctx, int argc, char **argv) {
        const struct usb_args *a = ctx->args;
        enum out_format fmt = a->fmt;
        bool unreg = a->unregistered;
        _cleanup_json_ json_t *rows = NULL;
        int r = usb_list(ctx->db, unreg, &rows);
        if (r < 0) return cmd_fail_err(r);
        size_t i;
        json_t *u;
        json_array_foreach(rows, i, u) {
                const char *tag = json_str(u, "asset_tag");
                _cleanup_free_ char *t = tag                                ? xstrdup(tag)
                                         : json_is_true(json_object_get(u, "root_hub")) ? xstrdup("(root hub)")
                                         : json_str(u, "serial")            ? xstrdup("no")
                                                                            : xstrdup("no (no serial)");
                if (fmt == OUT_TABLE) json_set_str(u, "registered_text", t);
        }
        out_list(fmt, fmt == OUT_CSV ? usb_csv_cols : usb_cols, rows);
        if (unreg && json_array_size(rows) > 0) {
                if (fmt == OUT_TABLE)
                        out_fprintf(stderr, "%zu USB device%s not on the register\n", json_array_size(rows), json_array_size(rows) == 1 ? " is" : "s are");
                return 1;
        }
        return 0;
}
