#include "config.h"
#include "datadir.h"
#include "util.h"

#include <limits.h>

/* ASSETCTL_DATADIR_FROM_BINDIR is "../share/assetctl" for the usual layout:
 * the directory of the binary with one component taken off per "../", then
 * the rest. NULL when the layout cannot be expressed that way (an absolute
 * bindir or datadir outside the prefix) or /proc/self/exe is unreadable. */
static char *datadir_beside_exe(const char *sub) {
        const char *rel = ASSETCTL_DATADIR_FROM_BINDIR;
        if (!*rel) return NULL;
        char exe[PATH_MAX];
        ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (l <= 0) return NULL;
        exe[l] = 0;
        char *slash = strrchr(exe, '/');
        if (!slash) return NULL;
        *slash = 0;
        while (strncmp(rel, "../", 3) == 0) {
                slash = strrchr(exe, '/');
                if (!slash) return NULL;
                *slash = 0;
                rel += 3;
        }
        return xasprintf("%s/%s/%s", exe, rel, sub);
}

int datadir_dirs(const char *sub, const char *src_sub, char *dirs[static DATADIR_MAX]) {
        int n = 0;
#ifdef ASSETCTL_SRCDIR
        dirs[n++] = xasprintf("%s/%s", ASSETCTL_SRCDIR, src_sub);
#else
        (void) src_sub;
#endif
        char *beside = datadir_beside_exe(sub);
        if (beside) dirs[n++] = beside;
        char *installed = xasprintf("%s/%s", ASSETCTL_DATADIR, sub);
        if (beside && streq(beside, installed))
                free(installed);
        else
                dirs[n++] = installed;
        return n;
}

void datadir_free(char *dirs[static DATADIR_MAX], int n) {
        for (int i = 0; i < n; i++) free(dirs[i]);
}
