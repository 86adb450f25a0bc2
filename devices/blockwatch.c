/* Drives arriving and leaving; see blockwatch.h.
 *
 * Rather than trusting the action of each uevent ("add", "change",
 * "remove"), every event about a block device makes us look again: a device
 * that blockdev_list() would list now and was not listed before arrived,
 * one that was and is no longer left. Loop devices and card readers only
 * ever send "change", and this way a missed or doubled event cannot leave
 * the picture wrong. */
#include "blockwatch.h"
#include "blockwatch_internal.h"

#include <libudev.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "util.h"

struct blockwatch {
        enum blockwatch_source source;
        bool partitions;
        struct udev *udev;
        struct udev_monitor *monitor; /* BLOCKWATCH_UDEV */
        int nl_fd;                    /* BLOCKWATCH_KERNEL */
        struct blockdev **present;    /* the drives listed now (owned) */
        size_t n_present;
        struct blockwatch_event *queue;
        size_t n_queue;
};

const char *blockwatch_source_name(enum blockwatch_source s) {
        return s == BLOCKWATCH_UDEV ? "udev" : s == BLOCKWATCH_KERNEL ? "kernel" : "auto";
}

enum blockwatch_source blockwatch_source(const struct blockwatch *w) { return w->source; }

int blockwatch_fd(const struct blockwatch *w) {
        return w->source == BLOCKWATCH_UDEV ? udev_monitor_get_fd(w->monitor) : w->nl_fd;
}

void blockwatch_event_done(struct blockwatch_event *e) {
        blockdev_free(e->dev);
        e->dev = NULL;
}

void blockwatch_free(struct blockwatch *w) {
        if (!w) return;
        if (w->monitor) udev_monitor_unref(w->monitor);
        if (w->udev) udev_unref(w->udev);
        if (w->nl_fd >= 0) close(w->nl_fd);
        blockdev_list_free(w->present, w->n_present);
        for (size_t i = 0; i < w->n_queue; i++) blockwatch_event_done(&w->queue[i]);
        free(w->queue);
        free(w);
}

static int open_kernel_socket(void) {
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
        if (fd < 0) return err_set(errno, "cannot open the kernel uevent socket: %s", strerror(errno));
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1 /* the kernel's multicast group */};
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int e = errno;
                close(fd);
                return err_set(e, "cannot listen to kernel uevents: %s", strerror(e));
        }
        int size = 1 << 20; /* a burst of events (a hub full of drives) must not overflow */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        return fd;
}

static int open_udev_monitor(struct blockwatch *w) {
        w->monitor = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->monitor) return err_set(EIO, "cannot open the udev monitor");
        if (udev_monitor_filter_add_match_subsystem_devtype(w->monitor, "block", NULL) < 0 ||
            udev_monitor_enable_receiving(w->monitor) < 0)
                return err_set(EIO, "cannot start the udev monitor");
        (void) udev_monitor_set_receive_buffer_size(w->monitor, 1 << 20);
        return 0;
}

int blockwatch_new(enum blockwatch_source source, bool partitions, struct blockwatch **ret) {
        _cleanup_blockwatch_ struct blockwatch *w = xcalloc(1, sizeof *w);
        w->nl_fd = -1;
        w->partitions = partitions;
        w->udev = udev_new();
        if (!w->udev) return err_set(ENOMEM, "cannot start libudev");
        if (source == BLOCKWATCH_AUTO) source = access("/run/udev/control", F_OK) == 0 ? BLOCKWATCH_UDEV : BLOCKWATCH_KERNEL;
        w->source = source;
        int r;
        if (source == BLOCKWATCH_UDEV) r = open_udev_monitor(w);
        else r = w->nl_fd = open_kernel_socket();
        if (r < 0) return r;
        /* listen first, then list: a drive arriving in between is seen twice, never missed */
        r = blockdev_list(partitions, &w->present, &w->n_present);
        if (r < 0) return r;
        *ret = TAKE_PTR(w);
        return 0;
}

static void queue_event(struct blockwatch *w, bool arrived, struct blockdev *b) {
        w->queue = xrealloc(w->queue, (w->n_queue + 1) * sizeof *w->queue);
        w->queue[w->n_queue++] = (struct blockwatch_event) {arrived, b};
}

/* Look at devnum again (name: its kernel name, for a device already gone). */
static void recheck(struct blockwatch *w, dev_t devnum, const char *name) {
        ssize_t at = -1;
        for (size_t i = 0; i < w->n_present; i++)
                if (w->present[i]->devnum == devnum || (name && streq(w->present[i]->name, name))) at = (ssize_t) i;
        struct blockdev *now = NULL;
        if (devnum && blockdev_get_listed(devnum, w->partitions, &now) < 0) now = NULL;
        err_clear();
        if (now && at < 0) {
                w->present = xrealloc(w->present, (w->n_present + 1) * sizeof *w->present);
                w->present[w->n_present++] = now;
                struct blockdev *copy = NULL;
                if (blockdev_get_listed(devnum, w->partitions, &copy) == 0) queue_event(w, true, copy);
        } else if (!now && at >= 0) {
                queue_event(w, false, w->present[at]);
                w->present[at] = w->present[--w->n_present];
        } else if (now && at >= 0) {
                /* a different drive under the same number (media swapped) */
                bool same = streq_ptr(now->serial, w->present[at]->serial) && now->size_bytes == w->present[at]->size_bytes &&
                            streq_ptr(now->backing_file, w->present[at]->backing_file);
                if (same) {
                        blockdev_free(w->present[at]);
                        w->present[at] = now;
                } else {
                        queue_event(w, false, w->present[at]);
                        w->present[at] = now;
                        struct blockdev *copy = NULL;
                        if (blockdev_get_listed(devnum, w->partitions, &copy) == 0) queue_event(w, true, copy);
                }
        }
}

/* The value of KEY in a NUL-separated KEY=VALUE block. */
static const char *env_get(const char *buf, size_t n, const char *key) {
        size_t kl = strlen(key);
        for (size_t i = 0; i < n;) {
                const char *s = buf + i;
                size_t l = strnlen(s, n - i);
                if (l > kl && strncmp(s, key, kl) == 0 && s[kl] == '=') return s + kl + 1;
                i += l + 1;
        }
        return NULL;
}

/* The header libudev (and umockdev, which speaks it) puts before the
 * properties of a monitor message. */
struct udev_monitor_netlink_header {
        char prefix[8]; /* "libudev" */
        unsigned magic, header_size, properties_off, properties_len;
        unsigned filter_subsystem_hash, filter_devtype_hash, filter_tag_bloom_hi, filter_tag_bloom_lo;
};

int blockwatch_parse_uevent(const char *buf, size_t n, bool from_kernel, dev_t *ret_devnum, const char **ret_name) {
        const char *props = buf;
        size_t plen = n;
        if (n >= sizeof(struct udev_monitor_netlink_header) && memcmp(buf, "libudev", 8) == 0) {
                struct udev_monitor_netlink_header h;
                memcpy(&h, buf, sizeof h);
                /* in size_t: the 32-bit sum wraps for a huge length */
                if (h.properties_off >= n || (size_t) h.properties_off + h.properties_len > n) return 0;
                props = buf + h.properties_off;
                plen = h.properties_len;
        } else {
                if (!from_kernel) return 0; /* not from the kernel */
                size_t hl = strnlen(buf, n);
                if (!strchr(buf, '@') || hl >= n) return 0;
                props = buf + hl + 1;
                plen = n - hl - 1;
        }
        if (!streq_ptr(env_get(props, plen, "SUBSYSTEM"), "block")) return 0;
        const char *maj = env_get(props, plen, "MAJOR"), *min = env_get(props, plen, "MINOR");
        const char *name = env_get(props, plen, "DEVNAME");
        uint64_t ma, mi;
        if (!maj || !min || parse_uint64(maj, &ma) < 0 || parse_uint64(min, &mi) < 0) return 0;
        if (name && strncmp(name, "/dev/", 5) == 0) name += 5;
        *ret_devnum = makedev((unsigned) ma, (unsigned) mi);
        *ret_name = name;
        return 1;
}

static int process_kernel(struct blockwatch *w) {
        char buf[8192 + 1];
        for (;;) {
                struct sockaddr_nl sa = {0};
                struct iovec iov = {buf, sizeof buf - 1};
                struct msghdr mh = {.msg_name = &sa, .msg_namelen = sizeof sa, .msg_iov = &iov, .msg_iovlen = 1};
                ssize_t n = recvmsg(w->nl_fd, &mh, MSG_DONTWAIT);
                if (n < 0) {
                        if (errno == EAGAIN || errno == EINTR) return 0;
                        if (errno == ENOBUFS) { /* overflowed: events were lost, look at everything */
                                struct blockdev **list = NULL;
                                size_t nl = 0;
                                if (blockdev_list(w->partitions, &list, &nl) == 0) {
                                        for (size_t i = 0; i < w->n_present; i++) recheck(w, w->present[i]->devnum, w->present[i]->name);
                                        for (size_t i = 0; i < nl; i++) recheck(w, list[i]->devnum, list[i]->name);
                                        blockdev_list_free(list, nl);
                                }
                                continue;
                        }
                        return err_set(errno, "cannot read kernel uevents: %s", strerror(errno));
                }
                if ((size_t) n >= sizeof buf - 1 || (mh.msg_flags & MSG_TRUNC)) continue;
                buf[n] = 0;
                dev_t devnum;
                const char *name;
                if (blockwatch_parse_uevent(buf, (size_t) n, sa.nl_pid == 0, &devnum, &name) <= 0) continue;
                recheck(w, devnum, name);
        }
}

static int process_udev(struct blockwatch *w) {
        struct udev_device *d;
        while ((d = udev_monitor_receive_device(w->monitor))) {
                recheck(w, udev_device_get_devnum(d), udev_device_get_sysname(d));
                udev_device_unref(d);
        }
        return 0;
}

int blockwatch_process(struct blockwatch *w) {
        int r = w->source == BLOCKWATCH_UDEV ? process_udev(w) : process_kernel(w);
        return r < 0 ? r : (int) w->n_queue;
}

int blockwatch_next(struct blockwatch *w, struct blockwatch_event *ret) {
        if (!w->n_queue) return 0;
        *ret = w->queue[0];
        memmove(w->queue, w->queue + 1, (w->n_queue - 1) * sizeof *w->queue);
        w->n_queue--;
        return 1;
}
