/* assetctl demo: a guided walk through the job on a throwaway register.
 * The story is told by the shell parts in demo/ (one per area, run in name
 * order by demo/run.sh); this command finds them and runs them with this
 * binary. */
#include "config.h"
#include "commands.h"

#include <sys/stat.h>

static char *find_demo(void) {
        const char *e = getenv("ASSETCTL_DEMO_DIR");
        const char *dirs[] = {e, ASSETCTL_SRCDIR "/demo", ASSETCTL_DATADIR "/demo"};
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                if (isempty(dirs[i])) continue;
                char *p = xasprintf("%s/run.sh", dirs[i]);
                struct stat st;
                if (stat(p, &st) == 0) return p;
                free(p);
        }
        return NULL;
}

const struct opt demo_opts[] = {
        OPT_FLAG("keep", 0, "keep the temporary directory and say where it is", struct demo_args, keep),
        OPT_FLAG("fast", 0, "no pauses between steps", struct demo_args, fast),
        OPT_END,
};

int cmd_demo(struct ctx *ctx, int argc, char **argv) {
        const struct demo_args *a = ctx->args;
        _cleanup_free_ char *script = find_demo();
        if (!script) return cmd_fail("cannot find the demo scripts (looked in %s/demo and %s/demo)", ASSETCTL_SRCDIR, ASSETCTL_DATADIR);
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0) return cmd_fail("cannot find this program: %s", strerror(errno));
        self[n] = 0;
        if (setenv("A", self, 1) < 0) return cmd_fail("cannot set up the demo: %s", strerror(errno));
        fflush(stdout);
        char *args[] = {(char *) "bash", script, a->keep ? (char *) "--keep" : NULL, a->fast ? (char *) "--fast" : NULL, NULL};
        if (!args[2]) args[2] = args[3], args[3] = NULL;
        execvp("bash", args);
        int e = errno;
        return cmd_fail("cannot run '%s': %s", script, strerror(e));
}
