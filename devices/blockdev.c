/* Block-device facts from libudev, sysfs, /proc/self/mountinfo and
 * /proc/swaps. See blockdev.h. Nothing here shells out, prints or exits.
 *
 * Without a running udevd libudev still reads sysfs (and the uevent files)
 * but has none of the ID_* properties its rules would add; every fact that
 * sysfs also holds (model, serial, WWN, sector sizes) is read from there as
 * a fallback, so the module works in containers and rescue systems too. */
#include "blockdev.h"

#include <ctype.h>
#include <dirent.h>
#include <libudev.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util.h"

static inline void udev_device_unrefp(struct udev_device **d) { if (*d) udev_device_unref(*d); }
static inline void udev_enumerate_unrefp(struct udev_enumerate **e) { if (*e) udev_enumerate_unref(*e); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
#define _cleanup_udev_device_ _cleanup_(udev_device_unrefp)
#define _cleanup_udev_enumerate_ _cleanup_(udev_enumerate_unrefp)
#define _cleanup_dir_ _cleanup_(closedirp)

/* --- the test hook for /proc paths --- */

static const char *hook_mountinfo, *hook_swaps;

void blockdev_set_proc_paths(const char *mountinfo, const char *swaps) {
        hook_mountinfo = mountinfo;
        hook_swaps = swaps;
}

/* The environment may redirect /proc files only under umockdev, so that a
 * stray variable can never hide a mount from the wipe's safety check. */
static const char *proc_path(const char *hook, const char *env, const char *def) {
        if (hook) return hook;
        const char *e = getenv(env);
        if (!isempty(e) && !isempty(getenv("UMOCKDEV_DIR"))) return e;
        return def;
}

/* --- string lists --- */

struct strv {
        char **v;
        size_t n;
};

static void strv_add(struct strv *s, char *owned) {
        s->v = xrealloc(s->v, (s->n + 2) * sizeof *s->v);
        s->v[s->n++] = owned;
        s->v[s->n] = NULL;
}

static bool strv_contains(const struct strv *s, const char *x) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->v[i], x)) return true;
        return false;
}

/* A NULL-ended array, never NULL itself (an empty list is {NULL}). */
static char **strv_take(struct strv *s) {
        if (!s->v) s->v = xcalloc(1, sizeof *s->v);
        char **v = s->v;
        s->v = NULL;
        s->n = 0;
        return v;
}

static void strv_free(char **v) {
        if (!v) return;
        for (char **p = v; *p; p++) free(*p);
        free(v);
}

/* --- what the running system is using: mounts, swap, the system disks --- */

struct mount_entry {
        dev_t devnum;      /* the mounted block device, 0 when none (virtual fs) */
        char *source;      /* the mount source as written ("/dev/sda2", "overlay") */
        char *target;      /* the mount point */
        char *fstype;
        char *superopts;
};

struct swap_entry {
        char *name;        /* as /proc/swaps writes it */
        dev_t devnum;      /* the block device, or 0 for a swap file */
        dev_t file_dev;    /* for a swap file: the device its file system is on */
};

struct system_dev {
        dev_t devnum;
        char *reason;      /* "/ is on /dev/sda2", "active swap on /dev/sda3" */
};

/* What one scan knows about the system, read once per blockdev_get/list. */
struct sysstate {
        struct udev *udev;
        struct mount_entry *mounts;
        size_t n_mounts;
        struct swap_entry *swaps;
        size_t n_swaps;
        struct system_dev *sys;
        size_t n_sys;
};

static void sysstate_done(struct sysstate *s) {
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].source);
                free(s->mounts[i].target);
                free(s->mounts[i].fstype);
                free(s->mounts[i].superopts);
        }
        free(s->mounts);
        for (size_t i = 0; i < s->n_swaps; i++) free(s->swaps[i].name);
        free(s->swaps);
        for (size_t i = 0; i < s->n_sys; i++) free(s->sys[i].reason);
        free(s->sys);
        if (s->udev) udev_unref(s->udev);
        *s = (struct sysstate) {0};
}

/* Undo the octal escapes (\040 for a space) of mountinfo and /proc/swaps,
 * in place; returns s. */
static char *unescape_octal(char *s) {
        char *o = s;
        for (char *p = s; *p;) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
                        *o++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
                        p += 4;
                } else
                        *o++ = *p++;
        }
        *o = 0;
        return s;
}

/* The block device a path names (following symlinks), or 0. */
static dev_t path_rdev(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode)) return 0;
        return st.st_rdev;
}

/* Parse one mountinfo line into e; false if malformed. */
static bool parse_mountinfo_line(char *line, struct mount_entry *e) {
        char *save = NULL, *f[6] = {0};
        int n = 0;
        /* id parent maj:min root mountpoint options [optional...] - fstype source superopts */
        for (char *t = strtok_r(line, " \n", &save); t; t = n < 6 ? strtok_r(NULL, " \n", &save) : NULL) f[n++] = t;
        if (n < 6) return false;
        char *sep;
        while ((sep = strtok_r(NULL, " \n", &save)) && !streq(sep, "-")) {}
        if (!sep) return false;
        char *fstype = strtok_r(NULL, " \n", &save), *source = strtok_r(NULL, " \n", &save);
        char *superopts = strtok_r(NULL, " \n", &save);
        if (!fstype || !source) return false;
        unsigned maj, min;
        if (sscanf(f[2], "%u:%u", &maj, &min) != 2) return false;
        *e = (struct mount_entry) {
                .devnum = maj ? makedev(maj, min) : 0,
                .source = xstrdup(unescape_octal(source)),
                .target = xstrdup(unescape_octal(f[4])),
                .fstype = xstrdup(fstype),
                .superopts = xstrdup(strempty(superopts)),
        };
        /* btrfs and friends report an anonymous device: use the source */
        if (!e->devnum && e->source[0] == '/') e->devnum = path_rdev(e->source);
        return true;
}

static int load_mounts(struct sysstate *s) {
        const char *path = proc_path(hook_mountinfo, "ASSETCTL_MOUNTINFO", "/proc/self/mountinfo");
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f) return err_set(errno, "cannot read '%s': %s", path, strerror(errno));
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        while (getline(&line, &cap, f) > 0) {
                struct mount_entry e;
                if (!parse_mountinfo_line(line, &e)) continue;
                s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof *s->mounts);
                s->mounts[s->n_mounts++] = e;
        }
        return 0;
}

static int load_swaps(struct sysstate *s) {
        const char *path = proc_path(hook_swaps, "ASSETCTL_SWAPS", "/proc/swaps");
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f) {
                if (errno == ENOENT) return 0; /* a kernel without swap support */
                return err_set(errno, "cannot read '%s': %s", path, strerror(errno));
        }
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        bool header = true;
        while (getline(&line, &cap, f) > 0) {
                if (header) {
                        header = false;
                        continue;
                }
                char *save = NULL, *name = strtok_r(line, " \t\n", &save);
                if (!name) continue;
                unescape_octal(name);
                struct swap_entry e = {.name = xstrdup(name)};
                struct stat st;
                if (stat(name, &st) == 0) {
                        if (S_ISBLK(st.st_mode)) e.devnum = st.st_rdev;
                        else e.file_dev = st.st_dev;
                }
                s->swaps = xrealloc(s->swaps, (s->n_swaps + 1) * sizeof *s->swaps);
                s->swaps[s->n_swaps++] = e;
        }
        return 0;
}

/* The /dev path of a block device number ("/dev/sda2"), malloc'd. */
static char *devnum_node(struct udev *udev, dev_t d) {
        _cleanup_udev_device_ struct udev_device *dev = udev_device_new_from_devnum(udev, 'b', d);
        if (dev && udev_device_get_devnode(dev)) return xstrdup(udev_device_get_devnode(dev));
        if (dev) return xasprintf("/dev/%s", udev_device_get_sysname(dev));
        return xasprintf("block device %u:%u", major(d), minor(d));
}

static bool sys_has(const struct sysstate *s, dev_t d) {
        for (size_t i = 0; i < s->n_sys; i++)
                if (s->sys[i].devnum == d) return true;
        return false;
}

/* Mark d, its whole disk and, through its slaves (dm, md), every device
 * underneath as backing the system, with reason. depth bounds a loop. */
static void sys_mark(struct sysstate *s, dev_t d, const char *reason, int depth) {
        if (!d || depth > 16 || sys_has(s, d)) return;
        s->sys = xrealloc(s->sys, (s->n_sys + 1) * sizeof *s->sys);
        s->sys[s->n_sys++] = (struct system_dev) {d, xstrdup(reason)};
        _cleanup_udev_device_ struct udev_device *dev = udev_device_new_from_devnum(s->udev, 'b', d);
        if (!dev) return;
        struct udev_device *disk = udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk");
        if (disk && streq_ptr(udev_device_get_devtype(dev), "partition"))
                sys_mark(s, udev_device_get_devnum(disk), reason, depth + 1);
        _cleanup_free_ char *slaves = xasprintf("%s/slaves", udev_device_get_syspath(dev));
        _cleanup_dir_ DIR *dir = opendir(slaves);
        struct dirent *de;
        while (dir && (de = readdir(dir))) {
                if (de->d_name[0] == '.') continue;
                _cleanup_udev_device_ struct udev_device *sl = udev_device_new_from_subsystem_sysname(s->udev, "block", de->d_name);
                if (sl) sys_mark(s, udev_device_get_devnum(sl), reason, depth + 1);
        }
}

/* The device an overlay (or other virtual) root really lives on: the
 * upper directory's file system, else 0. */
static dev_t overlay_dev(const struct mount_entry *m) {
        if (!streq(m->fstype, "overlay")) return 0;
        _cleanup_free_ char *opts = xstrdup(m->superopts);
        char *save = NULL;
        for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                if (strncmp(o, "upperdir=", 9) != 0) continue;
                struct stat st;
                if (stat(o + 9, &st) == 0 && major(st.st_dev)) return st.st_dev;
        }
        return 0;
}

/* The file systems whose device backs the running system. */
static const char *const system_mounts[] = {"/", "/boot", "/boot/efi", "/usr", "/var"};

static void find_system(struct sysstate *s) {
        for (size_t k = 0; k < ELEMENTSOF(system_mounts); k++) {
                const struct mount_entry *m = NULL;
                for (size_t i = 0; i < s->n_mounts; i++) /* the last one shadows the others */
                        if (streq(s->mounts[i].target, system_mounts[k])) m = &s->mounts[i];
                if (!m) continue;
                dev_t d = m->devnum ? m->devnum : overlay_dev(m);
                if (!d) continue;
                _cleanup_free_ char *node = devnum_node(s->udev, d);
                _cleanup_free_ char *why = xasprintf("%s is on %s", m->target, node);
                sys_mark(s, d, why, 0);
        }
        for (size_t i = 0; i < s->n_swaps; i++) {
                dev_t d = s->swaps[i].devnum ? s->swaps[i].devnum : s->swaps[i].file_dev;
                if (!d) continue;
                _cleanup_free_ char *node = devnum_node(s->udev, d);
                _cleanup_free_ char *why = s->swaps[i].devnum ? xasprintf("active swap on %s", node)
                                                               : xasprintf("active swap file %s is on %s", s->swaps[i].name, node);
                sys_mark(s, d, why, 0);
        }
}

static int sysstate_load(struct sysstate *s) {
        *s = (struct sysstate) {0};
        s->udev = udev_new();
        if (!s->udev) return err_set(ENOMEM, "cannot start libudev");
        int r = load_mounts(s);
        if (r >= 0) r = load_swaps(s);
        if (r < 0) {
                sysstate_done(s);
                return r;
        }
        find_system(s);
        return 0;
}

/* --- one device --- */

/* A trimmed copy of a sysfs attribute or udev property value, NULL when
 * missing or blank. */
static char *trimmed(const char *v) {
        if (!v) return NULL;
        _cleanup_free_ char *c = xstrdup(v);
        strstrip(c);
        return *c ? TAKE_PTR(c) : NULL;
}

/* udev's *_ENC properties escape unsafe bytes as \xNN: decode and trim. */
static char *decode_enc(const char *v) {
        if (!v) return NULL;
        _cleanup_free_ char *o = xmalloc(strlen(v) + 1);
        size_t n = 0;
        for (const char *p = v; *p;) {
                unsigned b;
                if (p[0] == '\\' && p[1] == 'x' && isxdigit((unsigned char) p[2]) && isxdigit((unsigned char) p[3]) &&
                    sscanf(p + 2, "%2x", &b) == 1) {
                        o[n++] = (char) b;
                        p += 4;
                } else
                        o[n++] = *p++;
        }
        o[n] = 0;
        return trimmed(o);
}

/* A property with '_' for spaces (ID_MODEL) made readable. */
static char *underscores_to_spaces(const char *v) {
        char *c = trimmed(v);
        for (char *p = c; p && *p; p++)
                if (*p == '_') *p = ' ';
        return c;
}

static uint64_t attr_u64(struct udev_device *d, const char *attr) {
        const char *v = d ? udev_device_get_sysattr_value(d, attr) : NULL;
        _cleanup_free_ char *t = trimmed(v);
        uint64_t x;
        if (!t || parse_uint64(t, &x) < 0) return 0;
        return x;
}

static bool has_ancestor(struct udev_device *d, const char *subsystem) {
        for (struct udev_device *p = udev_device_get_parent(d); p; p = udev_device_get_parent(p))
                if (streq_ptr(udev_device_get_subsystem(p), subsystem)) return true;
        return false;
}

/* The SCSI device (sdX's "device") of a disk, or NULL; not owned. */
static struct udev_device *scsi_parent(struct udev_device *disk) {
        return udev_device_get_parent_with_subsystem_devtype(disk, "scsi", "scsi_device");
}

/* How the disk is attached. */
static const char *disk_bus(struct udev_device *disk) {
        const char *name = udev_device_get_sysname(disk);
        if (strncmp(name, "loop", 4) == 0) return "loop";
        if (has_ancestor(disk, "usb")) return "usb";
        if (has_ancestor(disk, "nvme") || strncmp(name, "nvme", 4) == 0) return "nvme";
        if (has_ancestor(disk, "mmc") || strncmp(name, "mmcblk", 6) == 0) return "mmc";
        if (strstr(udev_device_get_devpath(disk), "/ata")) return "ata";
        if (has_ancestor(disk, "scsi")) return "scsi";
        if (has_ancestor(disk, "virtio") || strncmp(name, "vd", 2) == 0) return "virtio";
        const char *idbus = udev_device_get_property_value(disk, "ID_BUS");
        return idbus ? idbus : "unknown";
}

/* Whether a by-id link name is only an alias for the WWN/EUI (those are in
 * wwn) or a partition's link. */
static bool by_id_alias(const char *b) {
        return strncmp(b, "wwn-", 4) == 0 || strncmp(b, "nvme-eui.", 9) == 0 || strncmp(b, "nvme-nvme.", 10) == 0 ||
               (strlen(b) > 2 && streq(b + strlen(b) - 2, "_1") && strncmp(b, "nvme-", 5) == 0);
}

/* A by-id link: the first (by name) that is not a WWN/EUI alias, else the
 * first alias. udev's own list when it has one, else the links found in
 * /dev/disk/by-id (udev made them before it stopped, or a test bed did). */
static char *pick_by_id(struct udev_device *dev) {
        _cleanup_free_ char *best = NULL, *alias = NULL;
        struct udev_list_entry *e;
        udev_list_entry_foreach(e, udev_device_get_devlinks_list_entry(dev)) {
                const char *l = udev_list_entry_get_name(e);
                if (strncmp(l, "/dev/disk/by-id/", 16) != 0) continue;
                char **slot = by_id_alias(l + 16) ? &alias : &best;
                if (!*slot || strcmp(l, *slot) < 0) {
                        free(*slot);
                        *slot = xstrdup(l);
                }
        }
        if (!best && !alias) {
                const char *name = udev_device_get_sysname(dev);
                _cleanup_dir_ DIR *dir = opendir("/dev/disk/by-id");
                struct dirent *de;
                while (dir && (de = readdir(dir))) {
                        if (de->d_name[0] == '.') continue;
                        _cleanup_free_ char *l = xasprintf("/dev/disk/by-id/%s", de->d_name);
                        char target[PATH_MAX];
                        ssize_t n = readlink(l, target, sizeof target - 1);
                        if (n <= 0) continue;
                        target[n] = 0;
                        const char *base = strrchr(target, '/');
                        if (!streq(base ? base + 1 : target, name)) continue;
                        char **slot = by_id_alias(de->d_name) ? &alias : &best;
                        if (!*slot || strcmp(l, *slot) < 0) {
                                free(*slot);
                                *slot = TAKE_PTR(l);
                        }
                }
        }
        return best ? TAKE_PTR(best) : TAKE_PTR(alias);
}

/* The device that holds the drive's identity in sysfs: the NVMe
 * controller, the SCSI device, else the disk's parent. Not owned. */
static struct udev_device *hw_parent(struct udev_device *disk) {
        struct udev_device *p = udev_device_get_parent_with_subsystem_devtype(disk, "nvme", NULL);
        if (!p) p = scsi_parent(disk);
        if (!p) p = udev_device_get_parent(disk);
        return p;
}

/* The WWN: udev's ID_WWN_WITH_EXTENSION/ID_WWN, else sysfs wwid in udev's
 * form ("naa.5000c500a1b2c3d4" -> "0x5000c500a1b2c3d4"; NVMe EUIs stay). */
static char *disk_wwn(struct udev_device *disk) {
        char *w = trimmed(udev_device_get_property_value(disk, "ID_WWN_WITH_EXTENSION"));
        if (!w) w = trimmed(udev_device_get_property_value(disk, "ID_WWN"));
        if (w) return w;
        const char *v = udev_device_get_sysattr_value(disk, "wwid");
        struct udev_device *hw = hw_parent(disk);
        if (!v && hw) v = udev_device_get_sysattr_value(hw, "wwid");
        _cleanup_free_ char *t = trimmed(v);
        if (!t) return NULL;
        if (strncmp(t, "naa.", 4) == 0) return xasprintf("0x%s", t + 4);
        if (strncmp(t, "eui.", 4) == 0 || strncmp(t, "nvme.", 5) == 0) return TAKE_PTR(t);
        return NULL; /* t10 vendor ids are not world-wide names */
}

/* The serial from sysfs when udev has none: NVMe controllers and virtio
 * disks have a serial attribute, SCSI disks VPD page 0x80. */
static char *sysfs_serial(struct udev_device *disk) {
        char *s = trimmed(udev_device_get_sysattr_value(disk, "serial"));
        struct udev_device *hw = hw_parent(disk);
        if (!s && hw) s = trimmed(udev_device_get_sysattr_value(hw, "serial"));
        if (s) return s;
        struct udev_device *sd = scsi_parent(disk);
        if (!sd) return NULL;
        /* VPD page 0x80 (binary): 4 header bytes, byte 3 the length, then the serial */
        _cleanup_free_ char *path = xasprintf("%s/vpd_pg80", udev_device_get_syspath(sd)), *vpd = NULL;
        size_t n = 0;
        if (read_file(path, 4096, &vpd, &n) < 0 || n < 5 || (uint8_t) vpd[1] != 0x80) return NULL;
        size_t len = (uint8_t) vpd[3];
        if (len > n - 4) len = n - 4;
        _cleanup_free_ char *serial = xstrndup(vpd + 4, len);
        return trimmed(serial);
}

/* The drive's own serial and, behind a USB bridge, the bridge's. A USB
 * bridge reports its own iSerial as ID_SERIAL_SHORT (or ID_USB_SERIAL_SHORT);
 * the drive's is ID_SCSI_SERIAL (SCSI VPD through the bridge) or, from
 * ata_id through SAT, an ID_SERIAL_SHORT that differs from the bridge's. A
 * USB stick has no separate drive: its iSerial is its own when removable. */
static void disk_serials(struct udev_device *disk, const char *bus, bool removable, char **ret_serial, char **ret_bridge) {
        bool usb = streq(bus, "usb");
        _cleanup_free_ char *scsi = trimmed(udev_device_get_property_value(disk, "ID_SCSI_SERIAL"));
        _cleanup_free_ char *shrt = trimmed(udev_device_get_property_value(disk, "ID_SERIAL_SHORT"));
        _cleanup_free_ char *bridge = NULL;
        if (usb) {
                bridge = trimmed(udev_device_get_property_value(disk, "ID_USB_SERIAL_SHORT"));
                if (!bridge && streq_ptr(udev_device_get_property_value(disk, "ID_BUS"), "usb")) bridge = shrt ? xstrdup(shrt) : NULL;
        }
        char *own = NULL;
        if (scsi) own = TAKE_PTR(scsi);
        else if (shrt && !(usb && streq_ptr(shrt, bridge))) own = TAKE_PTR(shrt);
        else if (usb && removable && bridge) own = xstrdup(bridge);
        else if (!usb && !streq(bus, "loop")) own = sysfs_serial(disk);
        if (bridge && streq_ptr(bridge, own)) {
                free(bridge);
                bridge = NULL;
        }
        *ret_serial = own;
        *ret_bridge = TAKE_PTR(bridge);
}

/* How the kind is guessed: NVMe by bus; SD/MMC cards and removable USB
 * disks are flash; otherwise the kernel's rotational flag. */
static const char *guess_kind(const char *bus, bool rotational, bool removable) {
        if (streq(bus, "nvme")) return "nvme";
        if (streq(bus, "mmc") || (streq(bus, "usb") && removable)) return "flash";
        return rotational ? "hdd" : "ssd";
}

/* Add "NODE on TARGET" for every mount of devnum d to mounts. */
static void collect_mounts(const struct sysstate *s, dev_t d, const char *node, struct strv *mounts) {
        for (size_t i = 0; i < s->n_mounts; i++) {
                if (s->mounts[i].devnum != d) continue;
                char *m = xasprintf("%s on %s", node, s->mounts[i].target);
                if (strv_contains(mounts, m)) free(m);
                else strv_add(mounts, m);
        }
}

static bool is_swap_dev(const struct sysstate *s, dev_t d) {
        for (size_t i = 0; i < s->n_swaps; i++)
                if (s->swaps[i].devnum == d) return true;
        return false;
}

/* Add the names in SYSPATH/holders to holders. */
static void collect_holders(struct udev_device *dev, struct strv *holders) {
        _cleanup_free_ char *path = xasprintf("%s/holders", udev_device_get_syspath(dev));
        _cleanup_dir_ DIR *dir = opendir(path);
        struct dirent *de;
        while (dir && (de = readdir(dir))) {
                if (de->d_name[0] == '.' || strv_contains(holders, de->d_name)) continue;
                strv_add(holders, xstrdup(de->d_name));
        }
}

static char *dev_node(struct udev_device *dev) {
        const char *n = udev_device_get_devnode(dev);
        return n ? xstrdup(n) : xasprintf("/dev/%s", udev_device_get_sysname(dev));
}

/* The usage facts (mounts, swap, holders, system) of dev and, for a whole
 * disk, of each of its partitions. */
static void fill_usage(const struct sysstate *s, struct udev_device *dev, struct blockdev *b) {
        struct strv mounts = {0}, holders = {0};
        collect_mounts(s, b->devnum, b->devnode, &mounts);
        collect_holders(dev, &holders);
        b->is_swap = is_swap_dev(s, b->devnum);
        if (!b->partition) {
                _cleanup_udev_enumerate_ struct udev_enumerate *e = udev_enumerate_new(s->udev);
                if (e && udev_enumerate_add_match_parent(e, dev) >= 0 && udev_enumerate_add_match_subsystem(e, "block") >= 0 &&
                    udev_enumerate_add_match_property(e, "DEVTYPE", "partition") >= 0 && udev_enumerate_scan_devices(e) >= 0) {
                        struct udev_list_entry *le;
                        udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e)) {
                                _cleanup_udev_device_ struct udev_device *p =
                                        udev_device_new_from_syspath(s->udev, udev_list_entry_get_name(le));
                                if (!p || !streq_ptr(udev_device_get_devtype(p), "partition")) continue; /* vanished */
                                _cleanup_free_ char *node = dev_node(p);
                                collect_mounts(s, udev_device_get_devnum(p), node, &mounts);
                                collect_holders(p, &holders);
                                if (is_swap_dev(s, udev_device_get_devnum(p))) b->is_swap = true;
                        }
                }
        }
        for (size_t i = 0; i < s->n_sys; i++)
                if (s->sys[i].devnum == b->devnum) {
                        b->backs_system = true;
                        b->system_use = xstrdup(s->sys[i].reason);
                        break;
                }
        b->mounts = strv_take(&mounts);
        b->holders = strv_take(&holders);
}

/* --- the storage stack: what a loop device's backing file shares --- */

/* The bytes of a backing file (or block device) a loop device covers. */
struct loop_range {
        dev_t loopdev;
        char *node;          /* "/dev/loop3" */
        char *file;          /* the backing file as sysfs names it */
        bool blk;            /* the backing file is a block device (rdev) */
        dev_t dev;           /* its file system's device, or its rdev when blk */
        ino_t ino;
        uint64_t offset, size;
};

static void loop_range_done(struct loop_range *r) {
        free(r->node);
        free(r->file);
        *r = (struct loop_range) {0};
}

/* The range loop device dev covers; false when it has no backing file.
 * The kernel's own record (LOOP_GET_STATUS64) names the file by device and
 * inode; without it (no permission) the path sysfs gives is looked up. */
static bool loop_range_of(struct udev_device *dev, struct loop_range *ret) {
        _cleanup_free_ char *file = trimmed(udev_device_get_sysattr_value(dev, "loop/backing_file"));
        if (!file) return false;
        struct loop_range r = {.loopdev = udev_device_get_devnum(dev), .node = dev_node(dev), .file = TAKE_PTR(file)};
        r.offset = attr_u64(dev, "loop/offset");
        r.size = attr_u64(dev, "size") * 512;
        struct loop_info64 li = {0};
        int fd = open(r.node, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        bool known = fd >= 0 && ioctl(fd, LOOP_GET_STATUS64, &li) == 0;
        if (fd >= 0) close(fd);
        struct stat st;
        if (known) {
                r.dev = (dev_t) li.lo_device, r.ino = (ino_t) li.lo_inode, r.offset = li.lo_offset;
                /* a block device behind it: the inode is its /dev node's */
                if (stat(r.file, &st) == 0 && S_ISBLK(st.st_mode) && st.st_dev == r.dev && st.st_ino == r.ino) r.blk = true, r.dev = st.st_rdev;
        } else if (stat(r.file, &st) == 0) {
                r.blk = S_ISBLK(st.st_mode);
                r.dev = r.blk ? st.st_rdev : st.st_dev, r.ino = r.blk ? 0 : st.st_ino;
        } else {
                loop_range_done(&r); /* deleted or unreachable: nothing to compare */
                return false;
        }
        if (r.blk) r.ino = 0;
        *ret = r;
        return true;
}

static bool same_file(const struct loop_range *a, bool blk, dev_t dev, ino_t ino) { return a->blk == blk && a->dev == dev && a->ino == ino; }

static bool ranges_overlap(const struct loop_range *a, const struct loop_range *b) {
        return same_file(a, b->blk, b->dev, b->ino) && a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/* Why dev (or one of its partitions) is in use, or NULL: mounted, swap,
 * held (device-mapper, md, LVM), backing the system. */
static char *usage_reason(const struct sysstate *s, struct udev_device *dev) {
        struct blockdev b = {.devnode = dev_node(dev), .devnum = udev_device_get_devnum(dev)};
        fill_usage(s, dev, &b);
        char *why = blockdev_check_writable(&b) < 0 ? xstrdup(err_msg()) : NULL;
        err_clear();
        free(b.devnode);
        free(b.system_use);
        strv_free(b.mounts);
        strv_free(b.holders);
        return why;
}

/* Each loop device with a backing file; in_use: only those in use (their
 * reasons in ret_why). */
static void loops_list(const struct sysstate *s, bool in_use, struct loop_range **ret, char ***ret_why, size_t *ret_n) {
        struct loop_range *v = NULL;
        char **why = NULL;
        size_t n = 0;
        _cleanup_udev_enumerate_ struct udev_enumerate *e = udev_enumerate_new(s->udev);
        if (e && udev_enumerate_add_match_subsystem(e, "block") >= 0 && udev_enumerate_add_match_sysname(e, "loop*") >= 0 &&
            udev_enumerate_add_match_property(e, "DEVTYPE", "disk") >= 0 && udev_enumerate_scan_devices(e) >= 0) {
                struct udev_list_entry *le;
                udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e)) {
                        _cleanup_udev_device_ struct udev_device *d = udev_device_new_from_syspath(s->udev, udev_list_entry_get_name(le));
                        struct loop_range r;
                        if (!d || !streq_ptr(udev_device_get_devtype(d), "disk") || !loop_range_of(d, &r)) continue;
                        char *w = in_use ? usage_reason(s, d) : NULL;
                        if (in_use && !w) {
                                loop_range_done(&r);
                                continue;
                        }
                        v = xrealloc(v, (n + 1) * sizeof *v);
                        why = xrealloc(why, (n + 1) * sizeof *why);
                        v[n] = r, why[n++] = w;
                }
        }
        *ret = v, *ret_why = why, *ret_n = n;
}

static void loops_free(struct loop_range *v, char **why, size_t n) {
        for (size_t i = 0; i < n; i++) {
                loop_range_done(&v[i]);
                free(why[i]);
        }
        free(v);
        free(why);
}

/* The active swap file that is this file, or NULL. */
static const char *swap_file_is(const struct sysstate *s, dev_t dev, ino_t ino) {
        for (size_t i = 0; i < s->n_swaps; i++) {
                struct stat st;
                if (!s->swaps[i].devnum && stat(s->swaps[i].name, &st) == 0 && st.st_dev == dev && st.st_ino == ino) return s->swaps[i].name;
        }
        return NULL;
}

/* Why the loop leaf's backing range is in use elsewhere, or NULL: another
 * loop device over an overlapping range that is in use, an active swap
 * file, a backing block device in use. */
static char *leaf_conflict(const struct sysstate *s, const struct loop_range *leaf, const struct loop_range *busy, char **why, size_t n,
                           int depth) {
        for (size_t i = 0; i < n; i++)
                if (busy[i].loopdev != leaf->loopdev && ranges_overlap(leaf, &busy[i]))
                        return xasprintf("%s covers bytes %llu to %llu of %s, as %s does, and %s", leaf->node,
                                         (unsigned long long) leaf->offset, (unsigned long long) (leaf->offset + leaf->size - 1),
                                         leaf->file, busy[i].node, why[i]);
        const char *sw = leaf->blk ? NULL : swap_file_is(s, leaf->dev, leaf->ino);
        if (sw) return xasprintf("%s is backed by %s, an active swap file", leaf->node, sw);
        if (!leaf->blk || depth > 8) return NULL;
        _cleanup_udev_device_ struct udev_device *d = udev_device_new_from_devnum(s->udev, 'b', leaf->dev);
        _cleanup_free_ char *w = d ? usage_reason(s, d) : NULL;
        if (w) return xasprintf("%s is backed by %s, and %s", leaf->node, leaf->file, w);
        return NULL;
}

/* Walk dev down through its slaves (device-mapper, md) to its leaves and
 * return the first conflict of a loop device among them, or NULL. */
static char *stack_conflict(const struct sysstate *s, struct udev_device *dev, const struct loop_range *busy, char **why, size_t n,
                            int depth) {
        if (depth > 16) return NULL;
        /* a partition of a loop device: the loop's whole range (conservative) */
        struct udev_device *disk = streq_ptr(udev_device_get_devtype(dev), "partition")
                                           ? udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk") : dev;
        if (!disk) return NULL;
        struct loop_range r;
        if (strncmp(udev_device_get_sysname(disk), "loop", 4) == 0 && loop_range_of(disk, &r)) {
                char *c = leaf_conflict(s, &r, busy, why, n, depth);
                loop_range_done(&r);
                return c;
        }
        _cleanup_free_ char *path = xasprintf("%s/slaves", udev_device_get_syspath(dev));
        _cleanup_dir_ DIR *dir = opendir(path);
        struct dirent *de;
        while (dir && (de = readdir(dir))) {
                if (de->d_name[0] == '.') continue;
                _cleanup_udev_device_ struct udev_device *sl = udev_device_new_from_subsystem_sysname(s->udev, "block", de->d_name);
                char *c = sl ? stack_conflict(s, sl, busy, why, n, depth + 1) : NULL;
                if (c) return c;
        }
        return NULL;
}

static bool has_slaves(struct udev_device *dev) {
        _cleanup_free_ char *path = xasprintf("%s/slaves", udev_device_get_syspath(dev));
        _cleanup_dir_ DIR *dir = opendir(path);
        struct dirent *de;
        while (dir && (de = readdir(dir)))
                if (de->d_name[0] != '.') return true;
        return false;
}

/* b->stack_use: what makes the storage under dev busy through another
 * device. */
static void fill_stack_use(const struct sysstate *s, struct udev_device *dev, struct blockdev *b) {
        struct loop_range *busy;
        char **why;
        size_t n;
        loops_list(s, true, &busy, &why, &n);
        b->stack_use = stack_conflict(s, dev, busy, why, n, 0);
        loops_free(busy, why, n);
}

/* Facts about one udev block device; -ENODEV if it vanished or is not a
 * disk or partition. */
static int blockdev_from_udev(const struct sysstate *s, struct udev_device *dev, struct blockdev **ret) {
        const char *devtype = udev_device_get_devtype(dev);
        if (!streq_ptr(devtype, "disk") && !streq_ptr(devtype, "partition"))
                return err_set(ENODEV, "'%s' is not a disk or partition", udev_device_get_sysname(dev));
        bool partition = streq(devtype, "partition");
        /* queue/, removable and the identity live on the whole disk */
        struct udev_device *disk = partition ? udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk") : dev;
        if (!disk) return err_set(ENODEV, "partition '%s' has no disk", udev_device_get_sysname(dev));

        _cleanup_blockdev_ struct blockdev *b = xcalloc(1, sizeof *b);
        b->name = xstrdup(udev_device_get_sysname(dev));
        b->devnode = dev_node(dev);
        b->devnum = udev_device_get_devnum(dev);
        b->partition = partition;
        if (partition) b->parent = xstrdup(udev_device_get_sysname(disk));
        const char *size = udev_device_get_sysattr_value(dev, "size");
        if (!size) return err_set(ENODEV, "'%s' vanished", b->devnode);
        b->size_bytes = attr_u64(dev, "size") * 512;
        b->logical_sector = (unsigned) attr_u64(disk, "queue/logical_block_size");
        b->physical_sector = (unsigned) attr_u64(disk, "queue/physical_block_size");
        if (!b->logical_sector) b->logical_sector = 512;
        if (!b->physical_sector) b->physical_sector = b->logical_sector;
        b->rotational = attr_u64(disk, "queue/rotational") != 0;
        b->removable = attr_u64(disk, "removable") != 0;
        b->read_only = attr_u64(dev, "ro") != 0 || attr_u64(disk, "ro") != 0;
        b->bus = xstrdup(disk_bus(disk));
        b->kind = xstrdup(guess_kind(b->bus, b->rotational, b->removable));
        b->by_id = pick_by_id(dev);
        b->diskseq = attr_u64(disk, "diskseq");
        const char *usec = udev_device_get_property_value(disk, "USEC_INITIALIZED");
        if (!usec || parse_uint64(usec, &b->usec_initialized) < 0) b->usec_initialized = 0;

        if (streq(b->bus, "loop")) {
                b->backing_file = trimmed(udev_device_get_sysattr_value(disk, "loop/backing_file"));
        } else {
                b->model = decode_enc(udev_device_get_property_value(disk, "ID_MODEL_ENC"));
                if (!b->model) b->model = underscores_to_spaces(udev_device_get_property_value(disk, "ID_MODEL"));
                struct udev_device *hw = hw_parent(disk);
                if (!b->model && hw) b->model = trimmed(udev_device_get_sysattr_value(hw, "model"));
                if (!b->model && hw && streq(b->bus, "mmc")) b->model = trimmed(udev_device_get_sysattr_value(hw, "name"));
                b->vendor = decode_enc(udev_device_get_property_value(disk, "ID_VENDOR_ENC"));
                if (!b->vendor) b->vendor = underscores_to_spaces(udev_device_get_property_value(disk, "ID_VENDOR"));
                struct udev_device *sd = scsi_parent(disk);
                if (!b->vendor && sd) b->vendor = trimmed(udev_device_get_sysattr_value(sd, "vendor"));
                if (b->vendor && streq(b->vendor, "ATA")) { /* libata's placeholder, not a maker */
                        free(b->vendor);
                        b->vendor = NULL;
                }
                disk_serials(disk, b->bus, b->removable, &b->serial, &b->bridge_serial);
                b->wwn = disk_wwn(disk);
        }
        fill_usage(s, dev, b);
        if (streq(b->bus, "loop") || has_slaves(dev)) fill_stack_use(s, dev, b);
        *ret = TAKE_PTR(b);
        return 0;
}

void blockdev_free(struct blockdev *b) {
        if (!b) return;
        free(b->name);
        free(b->devnode);
        free(b->by_id);
        free(b->vendor);
        free(b->model);
        free(b->serial);
        free(b->bridge_serial);
        free(b->wwn);
        free(b->bus);
        free(b->kind);
        free(b->backing_file);
        strv_free(b->mounts);
        strv_free(b->holders);
        free(b->parent);
        free(b->system_use);
        free(b->stack_use);
        free(b);
}

void blockdev_list_free(struct blockdev **list, size_t n) {
        if (!list) return;
        for (size_t i = 0; i < n; i++) blockdev_free(list[i]);
        free(list);
}

int blockdev_get(const char *path, struct blockdev **ret) {
        struct stat st;
        if (stat(path, &st) < 0) {
                int e = errno;
                return err_set(e, "cannot open '%s': %s", path, e == ENOENT ? "no such device" : strerror(e));
        }
        if (!S_ISBLK(st.st_mode)) return err_set(ENOTBLK, "'%s' is not a block device", path);
        _cleanup_(sysstate_done) struct sysstate s = {0};
        int r = sysstate_load(&s);
        if (r < 0) return r;
        _cleanup_udev_device_ struct udev_device *dev = udev_device_new_from_devnum(s.udev, 'b', st.st_rdev);
        if (!dev) { /* no /sys/dev/block link (some test beds): by name, if the number agrees */
                const char *base = strrchr(path, '/');
                dev = udev_device_new_from_subsystem_sysname(s.udev, "block", base ? base + 1 : path);
                if (dev && udev_device_get_devnum(dev) != st.st_rdev) dev = udev_device_unref(dev);
        }
        if (!dev) return err_set(ENOENT, "'%s' (%u:%u) is not known to the kernel", path, major(st.st_rdev), minor(st.st_rdev));
        return blockdev_from_udev(&s, dev, ret);
}

static int cmp_blockdev(const void *a, const void *b) {
        const struct blockdev *x = *(struct blockdev *const *) a, *y = *(struct blockdev *const *) b;
        return strverscmp(x->name, y->name);
}

/* Virtual block devices that are not drives: device-mapper, md, zram, ram. */
static bool is_virtual_nondrive(struct udev_device *dev) {
        const char *name = udev_device_get_sysname(dev);
        if (strncmp(name, "loop", 4) == 0) return false;
        return strncmp(udev_device_get_devpath(dev), "/devices/virtual/", 17) == 0;
}

/* Whether blockdev_list() lists dev at all (before reading its facts). */
static bool listable(struct udev_device *dev, bool partitions) {
        const char *devtype = udev_device_get_devtype(dev);
        if (!streq_ptr(devtype, "disk") && !(partitions && streq_ptr(devtype, "partition"))) return false;
        return !is_virtual_nondrive(dev);
}

/* ... and after: an unused loop device (no backing file), an empty card
 * reader or an optical drive (sr) is not a drive to list. */
static bool listable_facts(const struct blockdev *b) {
        if (streq(b->bus, "loop")) return b->backing_file || (b->partition && b->size_bytes);
        if (strncmp(b->name, "sr", 2) == 0) return false;
        /* eMMC boot and RPMB areas belong to the eMMC listed beside them */
        if (strncmp(b->name, "mmcblk", 6) == 0 && (strstr(b->name, "boot") || strstr(b->name, "rpmb"))) return false;
        return b->size_bytes > 0;
}

int blockdev_list(bool partitions, struct blockdev ***ret, size_t *ret_n) {
        _cleanup_(sysstate_done) struct sysstate s = {0};
        int r = sysstate_load(&s);
        if (r < 0) return r;
        _cleanup_udev_enumerate_ struct udev_enumerate *e = udev_enumerate_new(s.udev);
        if (!e) return err_set(ENOMEM, "cannot enumerate block devices");
        if (udev_enumerate_add_match_subsystem(e, "block") < 0 || udev_enumerate_scan_devices(e) < 0)
                return err_set(EIO, "cannot enumerate block devices");
        struct blockdev **list = NULL;
        size_t n = 0;
        struct udev_list_entry *le;
        udev_list_entry_foreach(le, udev_enumerate_get_list_entry(e)) {
                _cleanup_udev_device_ struct udev_device *dev = udev_device_new_from_syspath(s.udev, udev_list_entry_get_name(le));
                if (!dev || !listable(dev, partitions)) continue; /* vanished mid-scan, or not a drive */
                struct blockdev *b = NULL;
                if (blockdev_from_udev(&s, dev, &b) < 0) continue; /* vanished mid-scan */
                if (!listable_facts(b)) {
                        blockdev_free(b);
                        continue;
                }
                list = xrealloc(list, (n + 1) * sizeof *list);
                list[n++] = b;
        }
        err_clear();
        if (n) qsort(list, n, sizeof *list, cmp_blockdev);
        *ret = list;
        *ret_n = n;
        return 0;
}

int blockdev_get_listed(dev_t devnum, bool partitions, struct blockdev **ret) {
        _cleanup_(sysstate_done) struct sysstate s = {0};
        int r = sysstate_load(&s);
        if (r < 0) return r;
        _cleanup_udev_device_ struct udev_device *dev = udev_device_new_from_devnum(s.udev, 'b', devnum);
        if (!dev || !listable(dev, partitions)) return -ENODEV;
        _cleanup_blockdev_ struct blockdev *b = NULL;
        r = blockdev_from_udev(&s, dev, &b);
        if (r < 0) return -ENODEV;
        if (!listable_facts(b)) return -ENODEV;
        *ret = TAKE_PTR(b);
        return 0;
}

/* The first mount string of b's own device ("DEV on TARGET"), or NULL. */
static const char *own_mount(const struct blockdev *b, size_t skip) {
        size_t l = strlen(b->devnode);
        for (char **m = b->mounts; m && *m; m++)
                if (strncmp(*m, b->devnode, l) == 0 && strncmp(*m + l, " on ", 4) == 0 && skip-- == 0) return *m + l + 4;
        return NULL;
}

int blockdev_check_writable(const struct blockdev *b) {
        bool swap_only = b->backs_system && b->is_swap && b->system_use && strncmp(b->system_use, "active swap on ", 15) == 0;
        if (b->backs_system && !swap_only)
                return err_set(EPERM, "'%s' backs the running system (%s)", b->devnode, b->system_use ? b->system_use : "in use");
        if (own_mount(b, 0)) {
                struct strbuf sb = {0};
                const char *t;
                for (size_t i = 0; (t = own_mount(b, i)); i++) sb_printf(&sb, "%s%s", i ? ", " : "", t);
                _cleanup_free_ char *where = sb_take(&sb);
                return err_set(EBUSY, "'%s' is mounted at %s", b->devnode, where);
        }
        if (b->mounts && b->mounts[0]) {
                struct strbuf sb = {0};
                for (char **m = b->mounts; *m; m++) sb_printf(&sb, "%s%s", m == b->mounts ? "" : ", ", *m);
                _cleanup_free_ char *what = sb_take(&sb);
                return err_set(EBUSY, "'%s' has a mounted partition: %s", b->devnode, what);
        }
        if (b->is_swap) {
                if (swap_only && !streq(b->system_use + 15, b->devnode))
                        return err_set(EBUSY, "'%s' has an active swap partition: %s", b->devnode, b->system_use + 15);
                return err_set(EBUSY, "'%s' is active swap", b->devnode);
        }
        if (b->backs_system) return err_set(EPERM, "'%s' backs the running system (%s)", b->devnode, b->system_use ? b->system_use : "in use");
        if (b->holders && b->holders[0]) {
                struct strbuf sb = {0};
                for (char **h = b->holders; *h; h++) sb_printf(&sb, "%s%s", h == b->holders ? "" : ", ", *h);
                _cleanup_free_ char *who = sb_take(&sb);
                return err_set(EBUSY, "'%s' is held by %s (device-mapper/LVM/RAID)", b->devnode, who);
        }
        if (b->stack_use) return err_set(EBUSY, "'%s' shares its storage with a device in use: %s", b->devnode, b->stack_use);
        if (b->read_only) return err_set(EROFS, "'%s' is read-only", b->devnode);
        return 0;
}


/* --- image files --- */

/* Whether /proc/PID/fdinfo/FD says the descriptor is open for writing. */
static bool fd_writes(const char *pid, const char *fd) {
        _cleanup_free_ char *path = xasprintf("/proc/%s/fdinfo/%s", pid, fd);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[128];
        while (f && fgets(line, sizeof line, f)) {
                unsigned long flags;
                if (sscanf(line, "flags: %lo", &flags) == 1) return (flags & O_ACCMODE) != O_RDONLY;
        }
        return false;
}

/* Another process with (dev, ino) open for writing: its pid and name in
 * ret (malloc'd), else NULL. Every /proc/PID/fd/N is compared by stat(2)
 * (the link target may be a stale or deleted path); processes whose fd
 * directory this user cannot read are skipped. */
static char *writer_of(dev_t dev, ino_t ino) {
        _cleanup_dir_ DIR *proc = opendir("/proc");
        _cleanup_free_ char *self = xasprintf("%d", (int) getpid());
        struct dirent *pe;
        while (proc && (pe = readdir(proc))) {
                if (!isdigit((unsigned char) pe->d_name[0]) || streq(pe->d_name, self)) continue;
                _cleanup_free_ char *fddir = xasprintf("/proc/%s/fd", pe->d_name);
                _cleanup_dir_ DIR *fds = opendir(fddir);
                struct dirent *fe;
                while (fds && (fe = readdir(fds))) {
                        if (fe->d_name[0] == '.') continue;
                        _cleanup_free_ char *link = xasprintf("%s/%s", fddir, fe->d_name);
                        struct stat st;
                        if (stat(link, &st) < 0 || st.st_dev != dev || st.st_ino != ino || !S_ISREG(st.st_mode)) continue;
                        if (!fd_writes(pe->d_name, fe->d_name)) continue;
                        _cleanup_free_ char *commpath = xasprintf("/proc/%s/comm", pe->d_name);
                        _cleanup_fclose_ FILE *c = fopen(commpath, "re");
                        char comm[64] = "";
                        if (c && fgets(comm, sizeof comm, c)) comm[strcspn(comm, "\n")] = 0;
                        for (char *p = comm; *p; p++)
                                if ((unsigned char) *p < ' ' || (unsigned char) *p >= 0x7f) *p = '?';
                        return xasprintf("process %s (%s)", pe->d_name, comm);
                }
        }
        return NULL;
}

int blockdev_check_file_writable(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0) return err_set(errno, "cannot check '%s': %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode)) return err_set(EINVAL, "'%s' is not a regular file", path);
        _cleanup_(sysstate_done) struct sysstate s = {0};
        int r = sysstate_load(&s);
        if (r < 0) return r;
        const char *sw = swap_file_is(&s, st.st_dev, st.st_ino);
        if (sw) return err_set(EBUSY, "'%s' is an active swap file (swapoff it first)", path);
        struct loop_range *loops;
        char **why;
        size_t n;
        loops_list(&s, false, &loops, &why, &n);
        for (size_t i = 0; i < n; i++)
                if (same_file(&loops[i], false, st.st_dev, st.st_ino)) {
                        r = err_set(EBUSY, "'%s' backs loop device %s (detach it first: losetup -d %s)", path, loops[i].node, loops[i].node);
                        break;
                }
        loops_free(loops, why, n);
        if (r < 0) return r;
        _cleanup_free_ char *w = writer_of(st.st_dev, st.st_ino);
        if (w) return err_set(EBUSY, "'%s' is open for writing by %s", path, w);
        return 0;
}
