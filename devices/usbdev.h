/* USB devices through libusb: where they are plugged in, what they are and
 * their serial numbers, so a stock-take can spot unregistered USB kit. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct usbdev {
        uint8_t bus;             /* bus number */
        uint8_t address;         /* device address on the bus */
        char *path;              /* bus and port path as sysfs names it: "1-1.2"; "usb1" for a root hub */
        uint16_t vendor_id, product_id;
        char *manufacturer;      /* the device's own string, else udev's hwdb; may be NULL */
        char *product;           /* likewise */
        bool manufacturer_from_hwdb, product_from_hwdb; /* the name came from the hwdb, not the device */
        char *serial;            /* iSerialNumber, or NULL */
        uint8_t class_code;      /* the device class, or the first interface's when that is 0 */
        const char *class_name;  /* "hub", "hid", "printer", "mass-storage", ... (static) */
        bool root_hub;           /* the host controller's root hub: part of the computer */
};

/* Every USB device, by path. Strings come from the kernel's copy in sysfs
 * (read when the device was plugged in: no need to open it; a string that
 * is not there the device does not have), from the device itself only when
 * sysfs is not available, and names missing either way from udev's hwdb
 * (ID_VENDOR_FROM_DATABASE, ID_MODEL_FROM_DATABASE). */
int usbdev_list(struct usbdev ***ret, size_t *ret_n);
void usbdev_free(struct usbdev *u);
void usbdev_list_free(struct usbdev **list, size_t n);

/* The name of a USB class code ("printer" for 0x07). */
const char *usb_class_name(uint8_t code);
