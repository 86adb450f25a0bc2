/* The scripted drive (issue 11), test builds only: a stand-in behind
 * drive-io.h that plays an NVMe controller or an ATA drive behind a SAT
 * layer for what no emulator offers (sanitize with progress, failure,
 * resets, security erase, HPA/DCO, a lying drive). It is not an emulator
 * of any real drive: it answers the commands assetctl sends with replies
 * laid out as the specifications say (NVMe base, ACS-3/4, SAT-4), keeps
 * its state (security, HPA, a sanitize in progress) in a file beside its
 * description so a second process sees the same drive, and changes the
 * backing image file as the real command would.
 *
 * The assetctl binary of a test build installs it when the environment
 * names a description file (the first pass-through call reads it; see
 * drive-io.c). The description, `key = value` lines ('#' comments):
 *
 *   target = /dev/loop3        the path played (a loop device or an image
 *                              file the test made); claims() answers for it
 *   image = /tmp/x/img         the regular file the commands change (the
 *                              loop's backing file); never a device
 *   bus = nvme | ata
 *   model, serial, firmware    identity strings
 *   polls = 3                  status reads a sanitize takes to complete
 *   fail = 0                   how many sanitize operations fail
 *   lie = no                   report success and leave the data
 *   reset_at_poll = 0          one status read answers "aborted by a reset"
 *   kill_at_poll = 0           the process is killed (SIGKILL) at that read
 *   erase_fill = zeros|ones    what block erase / format user leave
 *   NVMe: sanitize = crypto,block,overwrite|none; format = none|user|crypto;
 *         format_all = no (FNA bits 0 and 1); namespaces = 1; nn = N;
 *         estimate_crypto / estimate_block / estimate_overwrite = seconds
 *   ATA:  sanitize = ...; security = yes; enhanced = yes; frozen = no;
 *         erase_minutes, enhanced_minutes; enhanced_fill = random|zeros|ones;
 *         security_erase_fail = no; password = TEXT (a user password
 *         already set); locked = no (locked by that password); hpa = yes;
 *         visible_sectors = N (an HPA: the current max, below native);
 *         dco = no; native_sectors = N (a DCO: the native max, below the
 *         image's size, which is the factory max)
 *
 * Sizes: the image's size is the drive's factory (or native) size in
 * 512-byte sectors. When the target is a loop device, the drive keeps the
 * loop's size limit equal to its current max (LOOP_SET_STATUS64), so the
 * kernel sees what it would see of a drive with an HPA; an image file
 * target keeps its full size (a limitation: only IDENTIFY shows the HPA). */
#pragma once

#include "config.h"

#if ASSETCTL_TEST_HOOKS
#include "drive-io.h"

/* The name of the environment variable that points at a description. */
#define SCRIPTED_DRIVE_ENV "ASSETCTL_TEST_DRIVE"

/* The stand-in, reading its description from `path` (copied) on first use;
 * NULL resets to no description. The returned table is static. */
const struct drive_io_ops *scripted_drive_ops(const char *path);
/* Parses the description at `path` (for tests and the first use): 0, or
 * -errno with the line and field named. */
int scripted_drive_check(const char *path);
#endif
