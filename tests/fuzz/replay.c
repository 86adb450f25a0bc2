/* Runs files through the fuzz target's entry point (LLVMFuzzerTestOneInput)
 * in the normal build: every argument is a file or a directory of files.
 * Exits non-zero if none was read; a crash or sanitizer report fails it. */
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
        char *buf;
        size_t len;
        if (read_file(path, 1u << 30, &buf, &len) < 0) {
                fprintf(stderr, "replay: %s\n", err_msg());
                return -1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *) buf, len);
        free(buf);
        return 1;
}

int main(int argc, char **argv) {
        int n = 0;
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i], strerror(errno));
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (run_file(argv[i]) < 0) return 1;
                        n++;
                        continue;
                }
                DIR *d = opendir(argv[i]);
                struct dirent *e;
                while (d && (e = readdir(d))) {
                        if (e->d_name[0] == '.') continue;
                        char *p = xasprintf("%s/%s", argv[i], e->d_name);
                        if (run_file(p) < 0) return 1;
                        free(p);
                        n++;
                }
                if (d) closedir(d);
        }
        printf("replayed %d files\n", n);
        return n > 0 ? 0 : 1;
}
