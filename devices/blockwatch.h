/* Drives arriving and leaving: a udev monitor when udevd runs, the kernel's
 * uevent netlink socket when it does not. The caller polls blockwatch_fd(),
 * calls blockwatch_process() when it is readable and takes the events with
 * blockwatch_next(). A "change" uevent counts too: a loop device gaining or
 * losing its backing file, a card reader gaining or losing its card. */
#pragma once

#include <stdbool.h>

#include "blockdev.h"

enum blockwatch_source {
        BLOCKWATCH_AUTO,   /* udev when udevd is running (/run/udev/control), else kernel */
        BLOCKWATCH_UDEV,   /* libudev's monitor: events after udev's rules ran */
        BLOCKWATCH_KERNEL, /* the raw kernel uevents (no udev properties) */
};

struct blockwatch;

struct blockwatch_event {
        bool arrived;          /* true: arrived; false: left */
        struct blockdev *dev;  /* arrived: its facts now; left: as last seen. Owned by the event */
};

/* Start watching whole disks (and partitions if partitions); the drives
 * present now are remembered, not reported. */
int blockwatch_new(enum blockwatch_source source, bool partitions, struct blockwatch **ret);
void blockwatch_free(struct blockwatch *w);
static inline void blockwatch_freep(struct blockwatch **w) { if (*w) blockwatch_free(*w); }
#define _cleanup_blockwatch_ __attribute__((cleanup(blockwatch_freep)))

/* The source in use (never BLOCKWATCH_AUTO) and its name ("udev", "kernel"). */
enum blockwatch_source blockwatch_source(const struct blockwatch *w);
const char *blockwatch_source_name(enum blockwatch_source s);
/* A descriptor to poll for POLLIN. */
int blockwatch_fd(const struct blockwatch *w);
/* Read every pending uevent (non-blocking) and queue the arrivals and
 * departures they cause; returns the number queued now, or -errno. */
int blockwatch_process(struct blockwatch *w);
/* Take the oldest queued event: 1 and *ret filled, 0 when none. */
int blockwatch_next(struct blockwatch *w, struct blockwatch_event *ret);
void blockwatch_event_done(struct blockwatch_event *e);
