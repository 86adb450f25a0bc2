/* devices/blockwatch under an umockdev test bed (run by umockdev-wrapper):
 * the udev monitor source, and the kernel source reading the messages
 * umockdev sends, see a USB stick arrive and leave, and a "change" of a
 * drive already known is not an event. Live kernel uevents on loop devices
 * are tested by tests/cli/0311-devices-watch.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <poll.h>
#include <umockdev.h>

#include "blockwatch.h"
#include "config.h"
#include "util.h"

#define DATA ASSETCTL_SRCDIR "/tests/data/umockdev/"
#define STICK "/sys/devices/pci0000:00/0000:00:1a.0/usb3/3-2/3-2:1.0/host7/target7:0:0/7:0:0:0/block/sdd"
#define HDD "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"

/* Wait up to tenths/10 s for the watch to queue something; returns the count. */
static int wait_events(struct blockwatch *w, int tenths) {
        for (int i = 0; i < tenths; i++) {
                struct pollfd p = {.fd = blockwatch_fd(w), .events = POLLIN};
                if (poll(&p, 1, 100) > 0) {
                        int n = blockwatch_process(w);
                        assert_true(n >= 0);
                        if (n > 0) return n;
                }
        }
        return 0;
}

static void watch_with(enum blockwatch_source source) {
        UMockdevTestbed *tb = umockdev_testbed_new();
        GError *error = NULL;
        assert_true(umockdev_testbed_add_from_file(tb, DATA "sata-hdd.umockdev", &error));

        _cleanup_blockwatch_ struct blockwatch *w = NULL;
        assert_int_equal(blockwatch_new(source, false, &w), 0);
        assert_int_equal(blockwatch_source(w), source);
        struct blockwatch_event ev;
        assert_int_equal(blockwatch_next(w, &ev), 0); /* what is there already is not news */

        /* a drive already known changing is not an arrival */
        umockdev_testbed_uevent(tb, HDD, "change");
        assert_int_equal(wait_events(w, 5), 0);

        assert_true(umockdev_testbed_add_from_file(tb, DATA "usb-stick.umockdev", &error));
        umockdev_testbed_uevent(tb, STICK, "add");
        assert_int_equal(wait_events(w, 300), 1);
        assert_int_equal(blockwatch_next(w, &ev), 1);
        assert_true(ev.arrived);
        assert_string_equal(ev.dev->devnode, "/dev/sdd");
        assert_string_equal(ev.dev->serial, "4C530001230518109164");
        assert_string_equal(ev.dev->bus, "usb");
        assert_true(ev.dev->size_bytes == 16008609792ULL);
        blockwatch_event_done(&ev);
        assert_int_equal(blockwatch_next(w, &ev), 0);

        umockdev_testbed_uevent(tb, STICK, "remove");
        umockdev_testbed_remove_device(tb, STICK);
        assert_int_equal(wait_events(w, 300), 1);
        assert_int_equal(blockwatch_next(w, &ev), 1);
        assert_false(ev.arrived);
        /* as last seen: the identity survives the device */
        assert_string_equal(ev.dev->devnode, "/dev/sdd");
        assert_string_equal(ev.dev->model, "Cruzer Blade");
        blockwatch_event_done(&ev);
        g_object_unref(tb);
}

static void test_udev_monitor(void **state) { watch_with(BLOCKWATCH_UDEV); }
static void test_kernel_source(void **state) { watch_with(BLOCKWATCH_KERNEL); }

static void test_names(void **state) {
        assert_string_equal(blockwatch_source_name(BLOCKWATCH_UDEV), "udev");
        assert_string_equal(blockwatch_source_name(BLOCKWATCH_KERNEL), "kernel");
}

int main(void) {
        const char *pre = getenv("LD_PRELOAD");
        if (!pre || !strstr(pre, "libumockdev-preload")) {
                fprintf(stderr, "test-blockwatch: run it under umockdev-wrapper\n");
                return 77; /* skipped */
        }
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_udev_monitor),
                cmocka_unit_test(test_kernel_source),
                cmocka_unit_test(test_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
