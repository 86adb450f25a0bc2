/* devices/blockdev: facts and safety checks on loop devices this test
 * creates itself (as root; skipped otherwise), plus the /proc test hook.
 * Every loop device is attached with LO_FLAGS_AUTOCLEAR and only ever
 * touched through the descriptor the test opened, so the kernel detaches it
 * even if the test dies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/blkpg.h>
#include <linux/loop.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "blockdev.h"
#include "util.h"

extern char **environ;

static char tmpdir[] = "/tmp/assetctl-blockdev.XXXXXX";

struct loop {
        int fd;          /* keeps the auto-clearing device attached */
        char dev[32];    /* "/dev/loop7" */
        char img[256];
};

static void make_image(const char *path, uint64_t size) {
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) size), 0);
        close(fd);
}

/* Add partition 1 (start, length in bytes) with BLKPG, as addpart(8) does:
 * it works whatever partition-table formats the kernel was built with. */
static void add_partition(int fd, int64_t start, int64_t length) {
        struct blkpg_partition p = {.start = start, .length = length, .pno = 1};
        struct blkpg_ioctl_arg a = {.op = BLKPG_ADD_PARTITION, .datalen = sizeof p, .data = &p};
        assert_int_equal(ioctl(fd, BLKPG, &a), 0);
}

/* Attach img as a new loop device; retries when another process takes the
 * free device first. */
static void loop_attach(struct loop *l, const char *name, uint64_t size, unsigned block, uint32_t flags) {
        snprintf(l->img, sizeof l->img, "%s/%s", tmpdir, name);
        make_image(l->img, size);
        int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        assert_true(ctl >= 0);
        int img = open(l->img, O_RDWR | O_CLOEXEC);
        assert_true(img >= 0);
        for (int attempt = 0;; attempt++) {
                assert_true(attempt < 20);
                int n = ioctl(ctl, LOOP_CTL_GET_FREE);
                assert_true(n >= 0);
                snprintf(l->dev, sizeof l->dev, "/dev/loop%d", n);
                int fd = -1;
                for (int i = 0; i < 1000 && (fd = open(l->dev, O_RDWR | O_CLOEXEC)) < 0; i++) usleep(10000);
                assert_true(fd >= 0);
                struct loop_config c = {.fd = (uint32_t) img, .block_size = block};
                c.info.lo_flags = flags | LO_FLAGS_AUTOCLEAR;
                if (ioctl(fd, LOOP_CONFIGURE, &c) == 0) {
                        l->fd = fd;
                        break;
                }
                assert_int_equal(errno, EBUSY);
                close(fd);
        }
        close(img);
        close(ctl);
}

static void loop_detach(struct loop *l) {
        close(l->fd); /* auto-clear detaches it */
        unlink(l->img);
}

static bool is_root(void) { return geteuid() == 0; }

static int run_cmd(char *const argv[]) {
        pid_t pid;
        if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) return -1;
        int st;
        if (waitpid(pid, &st, 0) < 0) return -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_text(const char *path, const char *text) {
        assert_int_equal(write_file_atomic(path, text, strlen(text), 0600), 0);
}

static void test_not_block(void **state) {
        struct blockdev *b = NULL;
        assert_int_equal(blockdev_get("/etc/hostname", &b), -ENOTBLK);
        assert_string_equal(err_msg(), "'/etc/hostname' is not a block device");
        assert_int_equal(blockdev_get("/dev/no-such-disk", &b), -ENOENT);
        assert_string_equal(err_msg(), "cannot open '/dev/no-such-disk': no such device");
        assert_null(b);
}

static void check_loop_facts(const struct blockdev *b, const struct loop *l, uint64_t size, unsigned sector) {
        assert_string_equal(b->devnode, l->dev);
        assert_string_equal(b->name, l->dev + 5);
        assert_string_equal(b->bus, "loop");
        assert_null(b->serial);
        assert_null(b->bridge_serial);
        assert_null(b->wwn);
        assert_null(b->model);
        assert_null(b->vendor);
        assert_null(b->parent);
        assert_string_equal(b->backing_file, l->img);
        assert_true(b->size_bytes == size);
        assert_int_equal(b->logical_sector, sector);
        assert_false(b->partition);
        assert_false(b->removable);
        assert_false(b->read_only);
        assert_false(b->is_swap);
        assert_false(b->backs_system);
        assert_null(b->system_use);
        assert_non_null(b->mounts);
        assert_null(b->mounts[0]);
        assert_non_null(b->holders);
        assert_null(b->holders[0]);
        struct stat st;
        assert_int_equal(stat(l->dev, &st), 0);
        assert_true(b->devnum == st.st_rdev);
}

static void test_loop_sectors(void **state) {
        if (!is_root()) skip();
        static const unsigned sectors[] = {512, 4096};
        for (size_t i = 0; i < ELEMENTSOF(sectors); i++) {
                struct loop l;
                loop_attach(&l, "plain.img", 64 << 20, sectors[i], 0);
                _cleanup_blockdev_ struct blockdev *b = NULL;
                assert_int_equal(blockdev_get(l.dev, &b), 0);
                check_loop_facts(b, &l, 64 << 20, sectors[i]);
                assert_true(b->physical_sector >= sectors[i]);
                assert_int_equal(blockdev_check_writable(b), 0);

                /* the listing has it, with the same facts */
                struct blockdev **list = NULL;
                size_t n = 0, found = 0;
                assert_int_equal(blockdev_list(false, &list, &n), 0);
                for (size_t k = 0; k < n; k++) {
                        assert_false(list[k]->partition);
                        if (streq(list[k]->devnode, l.dev)) {
                                check_loop_facts(list[k], &l, 64 << 20, sectors[i]);
                                found++;
                        }
                        /* unused loop devices are not listed */
                        if (streq(list[k]->bus, "loop")) assert_non_null(list[k]->backing_file);
                }
                assert_int_equal(found, 1);
                blockdev_list_free(list, n);
                loop_detach(&l);
        }
}

static void test_read_only(void **state) {
        if (!is_root()) skip();
        struct loop l;
        loop_attach(&l, "ro.img", 8 << 20, 512, LO_FLAGS_READ_ONLY);
        _cleanup_blockdev_ struct blockdev *b = NULL;
        assert_int_equal(blockdev_get(l.dev, &b), 0);
        assert_true(b->read_only);
        assert_int_equal(blockdev_check_writable(b), -EROFS);
        _cleanup_free_ char *want = xasprintf("'%s' is read-only", l.dev);
        assert_string_equal(err_msg(), want);
        loop_detach(&l);
}

static const char *find_mkfs(void) {
        static const char *const c[] = {"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"};
        for (size_t i = 0; i < ELEMENTSOF(c); i++)
                if (access(c[i], X_OK) == 0) return c[i];
        return NULL;
}

static void test_partition_mounted(void **state) {
        if (!is_root()) skip();
        const char *mkfs = find_mkfs();
        if (!mkfs) {
                print_message("skipped: mkfs.ext4 (e2fsprogs) is not installed\n");
                skip();
        }
        struct loop l;
        loop_attach(&l, "parted.img", 64 << 20, 512, LO_FLAGS_PARTSCAN);
        add_partition(l.fd, 1 << 20, 32 << 20);
        _cleanup_free_ char *part = xasprintf("%sp1", l.dev);
        _cleanup_free_ char *mnt = xasprintf("%s/mnt", tmpdir);
        for (int i = 0; i < 1000 && access(part, F_OK) < 0; i++) usleep(10000);
        assert_int_equal(access(part, F_OK), 0);
        assert_int_equal(run_cmd((char *const[]) {(char *) mkfs, "-q", "-F", part, NULL}), 0);
        assert_int_equal(mkdir(mnt, 0700), 0);
        assert_int_equal(mount(part, mnt, "ext4", 0, NULL), 0);

        _cleanup_blockdev_ struct blockdev *disk = NULL, *p = NULL;
        assert_int_equal(blockdev_get(l.dev, &disk), 0);
        _cleanup_free_ char *m = xasprintf("%s on %s", part, mnt);
        assert_string_equal(disk->mounts[0], m);
        assert_null(disk->mounts[1]);
        assert_false(disk->backs_system);
        assert_int_equal(blockdev_check_writable(disk), -EBUSY);
        _cleanup_free_ char *want = xasprintf("'%s' has a mounted partition: %s on %s", l.dev, part, mnt);
        assert_string_equal(err_msg(), want);

        assert_int_equal(blockdev_get(part, &p), 0);
        assert_true(p->partition);
        assert_string_equal(p->parent, l.dev + 5);
        assert_true(p->size_bytes == 32 << 20);
        assert_string_equal(p->bus, "loop");
        assert_string_equal(p->mounts[0], m);
        assert_int_equal(blockdev_check_writable(p), -EBUSY);
        _cleanup_free_ char *want2 = xasprintf("'%s' is mounted at %s", part, mnt);
        assert_string_equal(err_msg(), want2);

        /* the listing with partitions shows the partition after its disk */
        struct blockdev **list = NULL;
        size_t n = 0;
        ssize_t di = -1, pi = -1;
        assert_int_equal(blockdev_list(true, &list, &n), 0);
        for (size_t k = 0; k < n; k++) {
                if (streq(list[k]->devnode, l.dev)) di = (ssize_t) k;
                if (streq(list[k]->devnode, part)) pi = (ssize_t) k;
        }
        assert_true(di >= 0 && pi == di + 1);
        assert_true(list[pi]->partition);
        blockdev_list_free(list, n);

        assert_int_equal(umount(mnt), 0);
        blockdev_free(disk);
        disk = NULL;
        assert_int_equal(blockdev_get(l.dev, &disk), 0);
        assert_null(disk->mounts[0]);
        assert_int_equal(blockdev_check_writable(disk), 0);
        rmdir(mnt);
        loop_detach(&l);
}

/* Swap and system use through the /proc test hook, on a real loop device. */
static void test_proc_hook(void **state) {
        if (!is_root()) skip();
        struct loop l;
        loop_attach(&l, "hook.img", 8 << 20, 512, 0);
        struct stat st;
        assert_int_equal(stat(l.dev, &st), 0);
        _cleanup_free_ char *mi = xasprintf("%s/mountinfo", tmpdir), *sw = xasprintf("%s/swaps", tmpdir);
        _cleanup_free_ char *swaps = xasprintf("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                                               "%s                               partition\t8188\t\t0\t\t-2\n", l.dev);
        write_text(sw, swaps);
        write_text(mi, "22 1 0:21 / /sys rw - sysfs sysfs rw\n");
        blockdev_set_proc_paths(mi, sw);
        _cleanup_blockdev_ struct blockdev *b = NULL;
        assert_int_equal(blockdev_get(l.dev, &b), 0);
        assert_true(b->is_swap);
        assert_true(b->backs_system);
        _cleanup_free_ char *use = xasprintf("active swap on %s", l.dev);
        assert_string_equal(b->system_use, use);
        assert_int_equal(blockdev_check_writable(b), -EBUSY);
        _cleanup_free_ char *want = xasprintf("'%s' is active swap", l.dev);
        assert_string_equal(err_msg(), want);

        /* mounted as / (with an escaped space in a second mount point) */
        _cleanup_free_ char *mounts = xasprintf("26 1 %u:%u / / rw,relatime - ext4 %s rw\n"
                                                "27 26 %u:%u / /mnt/with\\040space rw - ext4 %s rw\n",
                                                major(st.st_rdev), minor(st.st_rdev), l.dev, major(st.st_rdev),
                                                minor(st.st_rdev), l.dev);
        write_text(mi, mounts);
        write_text(sw, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
        blockdev_free(b);
        b = NULL;
        assert_int_equal(blockdev_get(l.dev, &b), 0);
        assert_false(b->is_swap);
        assert_true(b->backs_system);
        _cleanup_free_ char *m0 = xasprintf("%s on /", l.dev), *m1 = xasprintf("%s on /mnt/with space", l.dev);
        assert_string_equal(b->mounts[0], m0);
        assert_string_equal(b->mounts[1], m1);
        assert_int_equal(blockdev_check_writable(b), -EPERM);
        _cleanup_free_ char *want2 = xasprintf("'%s' backs the running system (/ is on %s)", l.dev, l.dev);
        assert_string_equal(err_msg(), want2);

        /* mounted elsewhere only */
        _cleanup_free_ char *mounts2 = xasprintf("27 1 %u:%u / /mnt/x rw - ext4 %s rw\n", major(st.st_rdev), minor(st.st_rdev), l.dev);
        write_text(mi, mounts2);
        blockdev_free(b);
        b = NULL;
        assert_int_equal(blockdev_get(l.dev, &b), 0);
        assert_false(b->backs_system);
        assert_int_equal(blockdev_check_writable(b), -EBUSY);
        _cleanup_free_ char *want3 = xasprintf("'%s' is mounted at /mnt/x", l.dev);
        assert_string_equal(err_msg(), want3);

        blockdev_set_proc_paths(NULL, NULL);
        unlink(mi);
        unlink(sw);
        loop_detach(&l);
}

/* The disk under / (when / is on a real block device) backs the system. */
static void test_root_disk(void **state) {
        struct stat st;
        assert_int_equal(stat("/", &st), 0);
        if (major(st.st_dev) == 0) {
                print_message("skipped: / is not on a block device here\n");
                skip();
        }
        _cleanup_free_ char *link = xasprintf("/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
        char target[512];
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n < 0) skip();
        target[n] = 0;
        _cleanup_free_ char *dev = xasprintf("/dev/%s", strrchr(target, '/') + 1);
        _cleanup_blockdev_ struct blockdev *b = NULL;
        if (access(dev, F_OK) < 0) skip();
        assert_int_equal(blockdev_get(dev, &b), 0);
        assert_true(b->backs_system);
        assert_int_equal(blockdev_check_writable(b), -EPERM);
        _cleanup_free_ char *want = xasprintf("'%s' backs the running system (/ is on %s)", dev, dev);
        assert_string_equal(err_msg(), want);
}

static int setup(void **state) {
        return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state) {
        rmdir(tmpdir);
        return 0;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_not_block),         cmocka_unit_test(test_loop_sectors), cmocka_unit_test(test_read_only),
                cmocka_unit_test(test_partition_mounted), cmocka_unit_test(test_proc_hook),    cmocka_unit_test(test_root_disk),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
