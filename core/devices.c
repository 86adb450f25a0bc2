/* Drives seen by the machine, matched to the register: the JSON form of a
 * block device, the match to a registered medium or asset, recording a
 * drive's identity as a medium, and picking the drive just plugged in. */
#include "core-internal.h"
#include "core.h"

#include <sys/stat.h>

#include "blockdev.h"
#include "sanitize.h"
#include "usbdev.h"
#include "json.h"

char *size_human(uint64_t bytes) {
        static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        if (bytes < 1000) return xasprintf("%llu B", (unsigned long long) bytes);
        double v = (double) bytes;
        size_t u = 0;
        while (v >= 1000 && u + 1 < ELEMENTSOF(units)) {
                v /= 1000;
                u++;
        }
        /* 999.95 would print as "1000.0": step up instead */
        if (v >= 999.95 && u + 1 < ELEMENTSOF(units)) {
                v /= 1000;
                u++;
        }
        return v < 100 ? xasprintf("%.1f %s", v, units[u]) : xasprintf("%.0f %s", v, units[u]);
}

void device_register_identity(const struct blockdev *b, char **ret_serial, char **ret_model) {
        if (streq_ptr(b->bus, "loop") && b->backing_file) {
                *ret_serial = xasprintf("file:%s", b->backing_file);
                *ret_model = xstrdup("disk image");
                return;
        }
        *ret_serial = b->serial ? xstrdup(b->serial) : NULL;
        if (b->vendor && b->model && strncasecmp(b->model, b->vendor, strlen(b->vendor)) != 0)
                *ret_model = xasprintf("%s %s", b->vendor, b->model);
        else
                *ret_model = b->model ? xstrdup(b->model) : NULL;
}

static json_t *strv_json(char **v) {
        json_t *a = json_array();
        for (; v && *v; v++) json_array_append_new(a, json_string(*v));
        return a;
}

json_t *blockdev_json(const struct blockdev *b) {
        json_t *o = json_object();
        json_set_str(o, "name", b->name);
        json_set_str(o, "devnode", b->devnode);
        json_set_str(o, "by_id", b->by_id);
        json_set_str(o, "vendor", b->vendor);
        json_set_str(o, "model", b->model);
        json_set_str(o, "serial", b->serial);
        json_set_str(o, "bridge_serial", b->bridge_serial);
        json_set_str(o, "wwn", b->wwn);
        json_object_set_new(o, "size_bytes", json_integer((json_int_t) b->size_bytes));
        _cleanup_free_ char *size = size_human(b->size_bytes);
        json_set_str(o, "size", size);
        json_object_set_new(o, "logical_sector", json_integer(b->logical_sector));
        json_object_set_new(o, "physical_sector", json_integer(b->physical_sector));
        json_set_str(o, "bus", b->bus);
        json_set_str(o, "kind", b->kind);
        json_object_set_new(o, "rotational", json_boolean(b->rotational));
        json_object_set_new(o, "removable", json_boolean(b->removable));
        json_object_set_new(o, "read_only", json_boolean(b->read_only));
        json_object_set_new(o, "partition", json_boolean(b->partition));
        json_set_str(o, "parent", b->parent ? b->parent : NULL);
        json_object_set_new(o, "mounts", strv_json(b->mounts));
        json_object_set_new(o, "swap", json_boolean(b->is_swap));
        json_object_set_new(o, "holders", strv_json(b->holders));
        json_object_set_new(o, "system", json_boolean(b->backs_system));
        json_set_str(o, "system_use", b->system_use);
        json_set_str(o, "backing_file", b->backing_file);
        /* what the wipe would say: null when it may be overwritten */
        if (blockdev_check_writable(b) < 0) json_set_str(o, "refusal", err_msg());
        else json_object_set_new(o, "refusal", json_null());
        err_clear();
        return o;
}

/* Look the identity up: medium by serial, medium by WWN, asset by serial. */
int device_match(struct db *db, const struct blockdev *b, json_t **ret) {
        _cleanup_free_ char *serial = NULL, *model = NULL;
        device_register_identity(b, &serial, &model);
        _cleanup_json_ json_t *m = NULL;
        const char *by = NULL;
        int r = -ENOENT;
        if (serial) {
                r = db_media_by_serial(db, serial, &m);
                by = "serial";
        }
        if (r == -ENOENT && b->wwn) {
                r = db_media_by_wwn(db, b->wwn, &m);
                by = "wwn";
        }
        if (r == 0) {
                json_t *o = json_object();
                json_set_str(o, "asset_tag", json_str(m, "asset_tag"));
                json_object_set(o, "medium_id", json_object_get(m, "id"));
                json_set_str(o, "medium_serial", json_str(m, "serial"));
                json_set_str(o, "medium_model", json_str(m, "model"));
                json_set_str(o, "medium_kind", json_str(m, "kind"));
                json_set_str(o, "matched_by", by);
                *ret = o;
                return 0;
        }
        if (r != -ENOENT) return r;
        if (serial && !b->partition) { /* a USB stick registered as an asset in its own right */
                _cleanup_json_ json_t *arr = NULL;
                r = db_asset_by_serial(db, serial, &arr);
                if (r < 0) return r;
                if (json_array_size(arr) == 1) {
                        json_t *a = json_array_get(arr, 0), *o = json_object();
                        json_set_str(o, "asset_tag", json_str(a, "tag"));
                        json_object_set_new(o, "medium_id", json_null());
                        json_set_str(o, "medium_serial", NULL);
                        json_set_str(o, "medium_model", NULL);
                        json_set_str(o, "matched_by", "asset serial");
                        *ret = o;
                        return 0;
                }
        }
        *ret = NULL;
        return 0;
}

/* What the drive's firmware offers (issue 11): "sanitize", "hpa", "dco" as
 * sanitize_caps_to_json() gives them and "purge", the short column. Asking
 * needs root; when the drive cannot be asked (or for a partition) the four
 * are null and "sanitize_error" says why. */
static void device_sanitize_json(const struct blockdev *b, json_t *o) {
        _cleanup_sanitize_caps_ struct sanitize_caps *c = NULL;
        int r = b->partition || !b->devnode ? -EINVAL : sanitize_caps_get(b->devnode, &c);
        if (r < 0) {
                static const char *const keys[] = {"sanitize", "hpa", "dco", "purge"};
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) json_object_set_new(o, keys[i], json_null());
                json_set_str(o, "sanitize_error", b->partition ? "a partition: ask its whole drive" : err_msg());
                err_clear();
                return;
        }
        sanitize_caps_to_json(c, o);
        json_set_str(o, "purge", sanitize_caps_summary(c));
        json_object_set_new(o, "sanitize_error", json_null());
}

int device_json(struct db *db, const struct blockdev *b, json_t **ret) {
        _cleanup_json_ json_t *o = blockdev_json(b), *match = NULL;
        if (db) {
                int r = device_match(db, b, &match);
                if (r < 0) return r;
        }
        json_object_set_new(o, "asset_tag", match ? json_incref(json_object_get(match, "asset_tag")) : json_null());
        json_object_set_new(o, "match", match ? TAKE_PTR(match) : json_null());
        device_sanitize_json(b, o);
        *ret = TAKE_PTR(o);
        return 0;
}

int device_json_path(struct db *db, const char *path, json_t **ret) {
        _cleanup_blockdev_ struct blockdev *b = NULL;
        int r = blockdev_get(path, &b);
        if (r < 0) return r;
        return device_json(db, b, ret);
}

int devices_list(struct db *db, bool partitions, json_t **ret) {
        struct blockdev **list = NULL;
        size_t n = 0;
        int r = blockdev_list(partitions, &list, &n);
        if (r < 0) return r;
        json_t *arr = json_array();
        for (size_t i = 0; i < n && r >= 0; i++) {
                json_t *o;
                r = device_json(db, list[i], &o);
                if (r >= 0) json_array_append_new(arr, o);
        }
        blockdev_list_free(list, n);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}

int media_from_device(const char *path, json_t *m) {
        _cleanup_blockdev_ struct blockdev *b = NULL;
        int r = blockdev_get(path, &b);
        if (r < 0) return r;
        if (b->partition)
                return err_set(EINVAL, "'%s' is a partition: give the whole drive, /dev/%s", path, b->parent);
        if (b->size_bytes == 0) return err_set(ENOMEDIUM, "'%s' has no medium (size 0)", path);
        _cleanup_free_ char *serial = NULL, *model = NULL;
        device_register_identity(b, &serial, &model);
        if (!json_str(m, "serial")) {
                if (!serial)
                        return err_set(ENODATA, "'%s' does not report its drive's serial%s%s%s: give --serial", path,
                                       b->bridge_serial ? " (only the USB bridge's, '" : "", strempty(b->bridge_serial),
                                       b->bridge_serial ? "')" : "");
                json_set_str(m, "serial", serial);
        }
        if (!json_str(m, "model")) {
                if (!model) return err_set(ENODATA, "'%s' does not report its model: give --model", path);
                json_set_str(m, "model", model);
        }
        if (!json_str(m, "kind")) json_set_str(m, "kind", b->kind);
        if (!json_object_get(m, "size_bytes")) json_object_set_new(m, "size_bytes", json_integer((json_int_t) b->size_bytes));
        if (!json_str(m, "wwn") && b->wwn) json_set_str(m, "wwn", b->wwn);
        return 0;
}

int asset_add_media_from(struct db *db, const char *tag, const char *path, json_t *m, int64_t *ret_id) {
        int r = media_from_device(path, m);
        if (r < 0) return r;
        const char *wwn = json_str(m, "wwn");
        _cleanup_json_ json_t *dup = NULL, *same = NULL;
        /* a known serial: asset_add_media() says so; else a known WWN is the same drive */
        if (wwn && db_media_by_serial(db, json_str(m, "serial"), &same) == -ENOENT && db_media_by_wwn(db, wwn, &dup) == 0)
                return err_set(EEXIST, "medium with WWN '%s' is already registered in '%s'", wwn, json_str(dup, "asset_tag"));
        return asset_add_media(db, tag, m, ret_id);
}

/* How long before the newest candidate another must have arrived for the
 * newest to count as "just plugged in" without doubt. */
#define REGISTER_GAP_USEC (30ULL * 1000000ULL)

static bool is_candidate(const struct blockdev *b) {
        return !b->partition && (b->removable || streq_ptr(b->bus, "usb")) && !b->backs_system && b->size_bytes > 0;
}

static char *describe(const struct blockdev *b) {
        _cleanup_free_ char *size = size_human(b->size_bytes), *serial = NULL, *model = NULL;
        device_register_identity(b, &serial, &model);
        return xasprintf("%s (%s, %s, serial %s)", b->devnode, model ? model : "unknown model", size, serial ? serial : "unknown");
}

int device_pick_new(struct db *db, char **ret_path, char **ret_why) {
        struct blockdev **list = NULL;
        size_t n = 0;
        int r = blockdev_list(false, &list, &n);
        if (r < 0) return r;
        struct blockdev **cand = xcalloc(n + 1, sizeof *cand);
        size_t nc = 0, registered = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (!is_candidate(list[i])) continue;
                _cleanup_json_ json_t *match = NULL;
                r = device_match(db, list[i], &match);
                if (r < 0) break;
                if (match) registered++;
                else cand[nc++] = list[i];
        }
        if (r >= 0 && nc == 0)
                r = err_set(ENODEV, "no unregistered removable or USB drive is plugged in%s",
                            registered ? " (the ones plugged in are registered already)" : "");
        if (r >= 0 && nc == 1) {
                *ret_path = xstrdup(cand[0]->devnode);
                *ret_why = xstrdup("the only unregistered removable or USB drive");
        } else if (r >= 0) {
                /* newest first: udev's arrival time, else the kernel's sequence number */
                size_t newest = 0;
                for (size_t i = 1; i < nc; i++)
                        if (cand[i]->usec_initialized > cand[newest]->usec_initialized ||
                            (cand[i]->usec_initialized == cand[newest]->usec_initialized && cand[i]->diskseq > cand[newest]->diskseq))
                                newest = i;
                bool clear = cand[newest]->usec_initialized > 0;
                for (size_t i = 0; i < nc && clear; i++)
                        if (i != newest && (!cand[i]->usec_initialized ||
                                            cand[i]->usec_initialized + REGISTER_GAP_USEC > cand[newest]->usec_initialized))
                                clear = false;
                if (clear) {
                        *ret_path = xstrdup(cand[newest]->devnode);
                        *ret_why = xasprintf("the most recently plugged in of %zu unregistered removable or USB drives", nc);
                } else {
                        struct strbuf sb = {0};
                        for (size_t i = 0; i < nc; i++) {
                                _cleanup_free_ char *d = describe(cand[i]);
                                sb_printf(&sb, "%s%s", i ? ", " : "", d);
                        }
                        _cleanup_free_ char *l = sb_take(&sb);
                        r = err_set(EEXIST, "cannot tell which drive was just plugged in: %s; unplug the others or use "
                                            "'asset add-media TAG --from DEVICE'", l);
                }
        }
        free(cand);
        blockdev_list_free(list, n);
        return r;
}

/* The registered asset (by its serial) or medium (a USB stick recorded as
 * an asset's storage) whose serial is serial: the tag, or NULL. */
static int usb_registered(struct db *db, const char *serial, char **ret_tag, const char **ret_by) {
        _cleanup_json_ json_t *arr = NULL, *m = NULL;
        int r = db_asset_by_serial(db, serial, &arr);
        if (r < 0) return r;
        if (json_array_size(arr) >= 1) {
                struct strbuf sb = {0};
                for (size_t i = 0; i < json_array_size(arr); i++)
                        sb_printf(&sb, "%s%s", i ? " " : "", json_str(json_array_get(arr, i), "tag"));
                *ret_tag = sb_take(&sb);
                *ret_by = "asset serial";
                return 0;
        }
        r = db_media_by_serial(db, serial, &m);
        if (r == 0) {
                *ret_tag = xstrdup(json_str(m, "asset_tag"));
                *ret_by = "medium serial";
                return 0;
        }
        if (r != -ENOENT) return r;
        *ret_tag = NULL;
        *ret_by = NULL;
        return 0;
}

int usb_list(struct db *db, bool unregistered_only, json_t **ret) {
        struct usbdev **list = NULL;
        size_t n = 0;
        int r = usbdev_list(&list, &n);
        if (r < 0) return r;
        json_t *arr = json_array();
        for (size_t i = 0; i < n && r >= 0; i++) {
                const struct usbdev *u = list[i];
                _cleanup_free_ char *tag = NULL;
                const char *by = NULL;
                if (u->serial && db) r = usb_registered(db, u->serial, &tag, &by);
                if (r < 0) break;
                /* the root hubs are part of the computer, not kit */
                if (unregistered_only && (tag || u->root_hub)) continue;
                char id[10];
                snprintf(id, sizeof id, "%04x:%04x", u->vendor_id, u->product_id);
                json_t *o = json_object();
                json_set_str(o, "path", u->path);
                json_object_set_new(o, "bus", json_integer(u->bus));
                json_object_set_new(o, "address", json_integer(u->address));
                json_set_str(o, "id", id);
                _cleanup_free_ char *vid = xasprintf("%04x", u->vendor_id), *pid = xasprintf("%04x", u->product_id);
                json_set_str(o, "vendor_id", vid);
                json_set_str(o, "product_id", pid);
                json_set_str(o, "manufacturer", u->manufacturer);
                json_set_str(o, "product", u->product);
                bool hw = u->manufacturer_from_hwdb || u->product_from_hwdb;
                bool own = (u->manufacturer && !u->manufacturer_from_hwdb) || (u->product && !u->product_from_hwdb);
                json_set_str(o, "names_from", hw && own ? "device+hwdb" : hw ? "hwdb" : own ? "device" : NULL);
                json_set_str(o, "serial", u->serial);
                _cleanup_free_ char *cls = xasprintf("%02x", u->class_code);
                json_set_str(o, "class_code", cls);
                json_set_str(o, "class", u->class_name);
                json_object_set_new(o, "root_hub", json_boolean(u->root_hub));
                json_object_set_new(o, "registered", json_boolean(tag != NULL));
                json_set_str(o, "asset_tag", tag);
                json_set_str(o, "matched_by", by);
                json_array_append_new(arr, o);
        }
        usbdev_list_free(list, n);
        if (r < 0) {
                json_decref(arr);
                return r;
        }
        *ret = arr;
        return 0;
}
