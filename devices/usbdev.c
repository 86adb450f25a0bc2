/* USB devices through libusb; see usbdev.h. */
#include "usbdev.h"

#include <libudev.h>
#include <libusb.h>

#include "util.h"

static inline void libusb_exitp(libusb_context **c) { if (*c) libusb_exit(*c); }
static inline void udev_unrefp(struct udev **u) { if (*u) udev_unref(*u); }
static inline void udev_device_unrefp(struct udev_device **d) { if (*d) udev_device_unref(*d); }
static inline void udev_hwdb_unrefp(struct udev_hwdb **h) { if (*h) udev_hwdb_unref(*h); }

const char *usb_class_name(uint8_t code) {
        switch (code) {
        case 0x00: return "per-interface";
        case 0x01: return "audio";
        case 0x02: return "communications";
        case 0x03: return "hid";
        case 0x05: return "physical";
        case 0x06: return "image";
        case 0x07: return "printer";
        case 0x08: return "mass-storage";
        case 0x09: return "hub";
        case 0x0a: return "cdc-data";
        case 0x0b: return "smart-card";
        case 0x0d: return "content-security";
        case 0x0e: return "video";
        case 0x0f: return "personal-healthcare";
        case 0x10: return "audio-video";
        case 0x11: return "billboard";
        case 0xdc: return "diagnostic";
        case 0xe0: return "wireless";
        case 0xef: return "miscellaneous";
        case 0xfe: return "application-specific";
        case 0xff: return "vendor-specific";
        default: return "unknown";
        }
}

void usbdev_free(struct usbdev *u) {
        if (!u) return;
        free(u->path);
        free(u->manufacturer);
        free(u->product);
        free(u->serial);
        free(u);
}

void usbdev_list_free(struct usbdev **list, size_t n) {
        if (!list) return;
        for (size_t i = 0; i < n; i++) usbdev_free(list[i]);
        free(list);
}

/* A trimmed copy, NULL when missing or blank. */
static char *trimmed(const char *v) {
        if (!v) return NULL;
        _cleanup_free_ char *c = xstrdup(v);
        strstrip(c);
        return *c ? TAKE_PTR(c) : NULL;
}

/* String descriptor idx read from the device; NULL when it cannot be. */
static char *device_string(libusb_device_handle *h, uint8_t idx) {
        if (!h || !idx) return NULL;
        unsigned char buf[256];
        int n = libusb_get_string_descriptor_ascii(h, idx, buf, sizeof buf);
        if (n <= 0) return NULL;
        _cleanup_free_ char *s = xstrndup((const char *) buf, (size_t) n);
        return trimmed(s);
}

/* Fill the names and serial that sysfs lacked from the device itself. */
static void strings_from_device(libusb_device *dev, const struct libusb_device_descriptor *dd, struct usbdev *u) {
        if ((u->manufacturer || !dd->iManufacturer) && (u->product || !dd->iProduct) && (u->serial || !dd->iSerialNumber)) return;
        libusb_device_handle *h = NULL;
        if (libusb_open(dev, &h) != 0) return; /* no permission, or it went away: not an error */
        char *s;
        if (!u->manufacturer && (s = device_string(h, dd->iManufacturer))) u->manufacturer = s;
        if (!u->product && (s = device_string(h, dd->iProduct))) u->product = s;
        if (!u->serial && (s = device_string(h, dd->iSerialNumber))) u->serial = s;
        libusb_close(h);
}

/* The hwdb's names for a vendor/product: udev's properties on the device
 * when udevd ran, else a direct hwdb lookup. */
static void names_from_hwdb(struct udev *udev, struct udev_device *ud, struct usbdev *u) {
        const char *v = ud ? udev_device_get_property_value(ud, "ID_VENDOR_FROM_DATABASE") : NULL;
        const char *m = ud ? udev_device_get_property_value(ud, "ID_MODEL_FROM_DATABASE") : NULL;
        _cleanup_(udev_hwdb_unrefp) struct udev_hwdb *hwdb = NULL;
        if (!v || !m) {
                hwdb = udev_hwdb_new(udev);
                if (hwdb) {
                        _cleanup_free_ char *modalias = xasprintf("usb:v%04Xp%04X*", u->vendor_id, u->product_id);
                        struct udev_list_entry *e;
                        udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(hwdb, modalias, 0)) {
                                const char *name = udev_list_entry_get_name(e);
                                if (!v && streq(name, "ID_VENDOR_FROM_DATABASE")) v = udev_list_entry_get_value(e);
                                if (!m && streq(name, "ID_MODEL_FROM_DATABASE")) m = udev_list_entry_get_value(e);
                        }
                }
        }
        if (!u->manufacturer && v) {
                u->manufacturer = trimmed(v);
                u->manufacturer_from_hwdb = true;
        }
        if (!u->product && m) {
                u->product = trimmed(m);
                u->product_from_hwdb = true;
        }
}

/* The class: the device's, else the first interface's. */
static uint8_t device_class(libusb_device *dev, const struct libusb_device_descriptor *dd) {
        if (dd->bDeviceClass) return dd->bDeviceClass;
        struct libusb_config_descriptor *cfg = NULL;
        if (libusb_get_active_config_descriptor(dev, &cfg) != 0 && libusb_get_config_descriptor(dev, 0, &cfg) != 0) return 0;
        uint8_t c = 0;
        if (cfg->bNumInterfaces && cfg->interface[0].num_altsetting) c = cfg->interface[0].altsetting[0].bInterfaceClass;
        libusb_free_config_descriptor(cfg);
        return c;
}

static int cmp_usbdev(const void *a, const void *b) {
        const struct usbdev *x = *(struct usbdev *const *) a, *y = *(struct usbdev *const *) b;
        return strverscmp(x->path, y->path);
}

int usbdev_list(struct usbdev ***ret, size_t *ret_n) {
        _cleanup_(libusb_exitp) libusb_context *ctx = NULL;
        int r = libusb_init(&ctx);
        if (r != 0) return err_set(EIO, "cannot start libusb: %s", libusb_strerror(r));
        _cleanup_(udev_unrefp) struct udev *udev = udev_new();
        libusb_device **devs = NULL;
        ssize_t n = libusb_get_device_list(ctx, &devs);
        if (n < 0) return err_set(EIO, "cannot list USB devices: %s", libusb_strerror((int) n));
        struct usbdev **list = xcalloc((size_t) n + 1, sizeof *list);
        size_t k = 0;
        for (ssize_t i = 0; i < n; i++) {
                libusb_device *dev = devs[i];
                struct libusb_device_descriptor dd;
                if (libusb_get_device_descriptor(dev, &dd) != 0) continue; /* vanished */
                struct usbdev *u = xcalloc(1, sizeof *u);
                u->bus = libusb_get_bus_number(dev);
                u->address = libusb_get_device_address(dev);
                u->vendor_id = dd.idVendor;
                u->product_id = dd.idProduct;
                uint8_t ports[8];
                int np = libusb_get_port_numbers(dev, ports, sizeof ports);
                if (np <= 0) {
                        u->path = xasprintf("usb%u", u->bus);
                        u->root_hub = true;
                } else {
                        struct strbuf sb = {0};
                        sb_printf(&sb, "%u-", u->bus);
                        for (int p = 0; p < np; p++) sb_printf(&sb, "%s%u", p ? "." : "", ports[p]);
                        u->path = sb_take(&sb);
                }
                u->class_code = device_class(dev, &dd);
                u->class_name = usb_class_name(u->class_code);
                _cleanup_(udev_device_unrefp) struct udev_device *ud =
                        udev ? udev_device_new_from_subsystem_sysname(udev, "usb", u->path) : NULL;
                if (ud) {
                        u->manufacturer = trimmed(udev_device_get_sysattr_value(ud, "manufacturer"));
                        u->product = trimmed(udev_device_get_sysattr_value(ud, "product"));
                        u->serial = trimmed(udev_device_get_sysattr_value(ud, "serial"));
                }
                if (!ud) strings_from_device(dev, &dd, u);
                if (udev) names_from_hwdb(udev, ud, u);
                list[k++] = u;
        }
        libusb_free_device_list(devs, 1);
        if (k) qsort(list, k, sizeof *list, cmp_usbdev);
        *ret = list;
        *ret_n = k;
        return 0;
}
