/* assetctl demo: a guided walk through the job on a throwaway register.
 * The story is told by the shell parts in demo/ (one per area, run in name
 * order by demo/run.sh); this command finds them and runs them with this
 * binary. */
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

int cmd_demo(struct ctx *ctx, int argc, char **argv) {
        static const struct option opts[] = {{"keep", no_argument, NULL, 'k'}, {"fast", no_argument, NULL, 'f'}, OPTS_HELP, {}};
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
                if (c != 'k' && c != 'f') return cmd_bad_option(ctx);
        if (optind != argc) return cmd_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
        _cleanup_free_ char *tried = NULL;
        _cleanup_free_ char *script = find_demo(&tried);
        if (!script) return cmd_fail("cannot find the demo scripts: no run.sh in %s", tried);
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n < 0) return cmd_fail("cannot find this program: %s", strerror(errno));
        self[n] = 0;
        if (setenv("A", self, 1) < 0) return cmd_fail("cannot set up the demo: %s", strerror(errno));
        fflush(stdout);
        char **args = xcalloc((size_t) argc + 3, sizeof *args);
        args[0] = (char *) "bash";
        args[1] = script;
        for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
        execvp("bash", args);
        int e = errno;
        free(args);
        return cmd_fail("cannot run '%s': %s", script, strerror(e));
}
