/* libFuzzer target for what devices/ reads from the kernel: the input is
 * up to three parts separated by a line "--8<--": the mountinfo, the
 * /proc/swaps and one uevent message (its bytes as received; the first
 * byte says whether it came from the kernel's port). The uevent goes
 * through blockwatch's message parser. The two /proc files go through
 * devices/blockdev's own readers by the test hook
 * (blockdev_set_proc_paths): a block device is looked up with them (only
 * read: its udev and sysfs facts, nothing is opened) and its write check
 * made, so the mountinfo and swaps parsers, the system-disk search and the
 * sysfs reading all run on them. The files live in a private temporary
 * directory. Built with -Dfuzz=true (clang); the normal build replays
 * tests/fuzz/corpus-devices (replay-devices). */
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockdev.h"
#include "blockwatch_internal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *mountinfo_path, *swaps_path;
static const char *device; /* a block device node to look up, or NULL */

static char *tmpdir;

static void cleanup(void) {
        unlink(mountinfo_path);
        unlink(swaps_path);
        rmdir(tmpdir);
}

static void setup(void) {
        static char dir[] = "/tmp/fuzz-devices.XXXXXX";
        const char *tmp = getenv("TMPDIR");
        char *d = tmp && *tmp ? xasprintf("%s/fuzz-devices.XXXXXX", tmp) : dir;
        if (!mkdtemp(d)) __builtin_trap();
        tmpdir = d;
        atexit(cleanup);
        mountinfo_path = xasprintf("%s/mountinfo", d);
        swaps_path = xasprintf("%s/swaps", d);
        blockdev_set_proc_paths(mountinfo_path, swaps_path);
        static const char *const candidates[] = {"/dev/loop0", "/dev/loop1", "/dev/ram0"};
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                struct stat st;
                if (stat(candidates[i], &st) == 0 && S_ISBLK(st.st_mode)) {
                        device = candidates[i];
                        break;
                }
        }
}

static void put(const char *path, const uint8_t *p, size_t n) {
        _cleanup_fclose_ FILE *f = fopen(path, "we");
        if (!f || fwrite(p, 1, n, f) != n) __builtin_trap();
}

/* The next part: up to the separator line, or the rest. */
static const uint8_t *part(const uint8_t **p, size_t *left, size_t *ret_n) {
        static const char sep[] = "\n--8<--\n";
        const uint8_t *start = *p;
        const uint8_t *s = memmem(start, *left, sep, sizeof sep - 1);
        size_t n = s ? (size_t) (s - start) : *left;
        size_t skip = s ? n + sizeof sep - 1 : n;
        *p += skip;
        *left -= skip;
        *ret_n = n;
        return start;
}

static void uevent(const uint8_t *p, size_t n) {
        if (n < 1) return;
        _cleanup_free_ char *buf = xmalloc(n);
        memcpy(buf, p + 1, n - 1);
        buf[n - 1] = 0; /* as the receiver terminates it */
        dev_t devnum;
        const char *name = NULL;
        int r = blockwatch_parse_uevent(buf, n - 1, p[0] & 1, &devnum, &name);
        if (r < 0 || r > 1) __builtin_trap();
        if (r == 1 && name && (name < buf || name > buf + n - 1 || name + strlen(name) > buf + n - 1)) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (!mountinfo_path) setup();
        const uint8_t *p = data;
        size_t left = size, n_mi, n_sw, n_ev;
        const uint8_t *mi = part(&p, &left, &n_mi);
        const uint8_t *sw = part(&p, &left, &n_sw);
        const uint8_t *ev = part(&p, &left, &n_ev);
        uevent(ev, n_ev);
        if (!device) return 0;
        put(mountinfo_path, mi, n_mi);
        put(swaps_path, sw, n_sw);
        struct blockdev *b = NULL;
        if (blockdev_get(device, &b) == 0) {
                (void) blockdev_check_writable(b);
                blockdev_free(b);
        }
        err_clear();
        return 0;
}
