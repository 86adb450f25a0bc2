/* assetctl demo: a guided walk through the job on a throwaway register.
 * The story is told by the shell parts in demo/ (one per area, run in name
 * order by demo/run.sh; --trust: demo/trust.sh on a throwaway PostgreSQL
 * server); this command finds them and runs them with this binary. */
#include "config.h"
#include "commands.h"
#include "datadir.h"

#include <sys/stat.h>

/* demo/run.sh in $ASSETCTL_DEMO_DIR, else in datadir_dirs("demo"): the
 * source tree in a test build, then the installed datadir. NULL, with the
 * directories tried in *ret_tried, if there is none. */
static char *find_demo(char **ret_tried) {
        const char *e = getenv("ASSETCTL_DEMO_DIR");
        char *dirs[DATADIR_MAX + 1];
        int n = 0;
        if (!isempty(e)) dirs[n++] = xstrdup(e);
        n += datadir_dirs("demo", "demo", dirs + n);
        char *found = NULL;
        struct strbuf tried = {0};
        for (int i = 0; i < n && !found; i++) {
                char *p = xasprintf("%s/run.sh", dirs[i]);
                struct stat st;
                if (stat(p, &st) == 0)
                        found = p;
                else
                        free(p);
                sb_printf(&tried, "%s%s", i ? ", " : "", dirs[i]);
        }
        datadir_free(dirs, n);
        if (found)
                sb_free(&tried);
        else
                *ret_tried = sb_take(&tried);
        return found;
}

const struct opt demo_opts[] = {
        OPT_FLAG("keep", 0, "keep the temporary directory and say where it is", struct demo_args, keep),
        OPT_FLAG("fast", 0, "no pauses between steps", struct demo_args, fast),
        OPT_FLAG("trust", 0, "a trust instead: a throwaway PostgreSQL server, two schools kept apart", struct demo_args, trust),
        OPT_END,
};

int cmd_demo(struct ctx *ctx, int argc, char **argv) {
        const struct demo_args *a = ctx->args;
        _cleanup_free_ char *tried = NULL;
        _cleanup_free_ char *script = find_demo(&tried);
        if (!script) return cmd_fail("cannot find the demo scripts: no run.sh in %s", tried);
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0) return cmd_fail("cannot find this program: %s", strerror(errno));
        self[n] = 0;
        if (setenv("A", self, 1) < 0) return cmd_fail("cannot set up the demo: %s", strerror(errno));
        fflush(stdout);
        char *args[6] = {(char *) "bash", script};
        int k = 2;
        if (a->keep) args[k++] = (char *) "--keep";
        if (a->fast) args[k++] = (char *) "--fast";
        if (a->trust) args[k++] = (char *) "--trust";
        args[k] = NULL;
        execvp("bash", args);
        int e = errno;
        return cmd_fail("cannot run '%s': %s", script, strerror(e));
}
