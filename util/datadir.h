/* Where assetctl finds the data it ships (demo/, sheets/): one search list,
 * the same for every kind of data. */
#pragma once

#define DATADIR_MAX 3

/* The directories that may hold data of kind `sub` ("demo", "sheets"), in
 * the order to search them, into dirs[]; returns how many (1 to DATADIR_MAX).
 *   - a test build (-Dtests=true) looks in its source tree first, at
 *     ASSETCTL_SRCDIR/src_sub, so build/assetctl runs uninstalled;
 *   - then beside the running binary (BINDIR/../share/assetctl/sub), so an
 *     installed tree unpacked somewhere else (dpkg -x, a DESTDIR) uses its
 *     own data;
 *   - then the datadir configured at build time (ASSETCTL_DATADIR/sub),
 *     unless that is the same directory.
 * A release build (-Dtests=false) has no build-tree path compiled in. The
 * caller frees the strings with datadir_free(). */
int datadir_dirs(const char *sub, const char *src_sub, char *dirs[static DATADIR_MAX]);
void datadir_free(char *dirs[static DATADIR_MAX], int n);
