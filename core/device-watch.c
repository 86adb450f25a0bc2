/* Watching drives arrive and leave: the loop over devices/blockwatch, each
 * drive matched to the register; the caller says when to stop and prints. */
#include "core.h"

#include <poll.h>
#include <time.h>

#include "blockwatch.h"

static int64_t mono_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum blockwatch_source to_blockwatch(enum device_watch_source s) {
        return s == DEVICE_WATCH_UDEV ? BLOCKWATCH_UDEV : s == DEVICE_WATCH_KERNEL ? BLOCKWATCH_KERNEL : BLOCKWATCH_AUTO;
}

/* Hand every queued event to the caller: 1 when the count is reached. */
static int deliver(struct db *db, const struct device_watch *w, struct blockwatch *bw, int64_t *seen) {
        struct blockwatch_event ev;
        while (blockwatch_next(bw, &ev) > 0) {
                _cleanup_json_ json_t *d = NULL;
                int r = device_json(db, ev.dev, &d);
                bool arrived = ev.arrived;
                blockwatch_event_done(&ev);
                if (r < 0) return r;
                w->event(w->userdata, arrived, d);
                if (w->count > 0 && ++*seen >= w->count) return 1;
        }
        return 0;
}

int device_watch_run(struct db *db, const struct device_watch *w) {
        _cleanup_blockwatch_ struct blockwatch *bw = NULL;
        int r = blockwatch_new(to_blockwatch(w->source), w->partitions, &bw);
        if (r < 0) return r;
        enum blockwatch_source used = blockwatch_source(bw);
        if (w->started)
                w->started(w->userdata, used == BLOCKWATCH_UDEV ? DEVICE_WATCH_UDEV : DEVICE_WATCH_KERNEL, blockwatch_source_name(used));
        int64_t seen = 0, deadline = w->timeout_s > 0 ? mono_ms() + w->timeout_s * 1000 : 0;
        for (;;) {
                r = deliver(db, w, bw, &seen);
                if (r != 0) return r < 0 ? r : 0;
                int wait = -1;
                if (deadline) {
                        int64_t left = deadline - mono_ms();
                        if (left <= 0) {
                                if (w->count > 0)
                                        return err_set(ETIME, "timed out after %lld s with %lld of %lld events", (long long) w->timeout_s,
                                                       (long long) seen, (long long) w->count);
                                return 0;
                        }
                        wait = (int) left;
                }
                struct pollfd p[2] = {{.fd = blockwatch_fd(bw), .events = POLLIN}, {.fd = w->stop_fd, .events = POLLIN}};
                if (poll(p, w->stop_fd >= 0 ? 2 : 1, wait) < 0) {
                        if (errno == EINTR) continue;
                        return err_set(errno, "cannot wait for events: %s", strerror(errno));
                }
                if (w->stop_fd >= 0 && (p[1].revents & POLLIN)) return 0;
                if (p[0].revents & POLLIN) {
                        r = blockwatch_process(bw);
                        if (r < 0) return r;
                }
        }
}
