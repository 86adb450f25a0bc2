/* assetctl scan: read a hand scanner (a keyboard that types a line and
 * Enter) or a piped list, one scan per line, and say what each did.
 *
 * The bell: a refused or unreadable scan rings the terminal bell so the
 * technician, eyes on the trolley, hears it. By default (--bell auto) the
 * BEL goes to whichever of stdout or stderr is a terminal and nowhere
 * otherwise, so a log or a pipe (a recorded session, a test) gets clean
 * text lines only. --bell always / never override that. */
#include "commands.h"
#include "scan.h"
#include "stocktake.h"

#include <poll.h>
#include <signal.h>
#include <time.h>

/* Lines from standard input, read with read(2) into our own buffer so that
 * we know whether another scan is already waiting (stdio would hide it). */
struct line_reader {
        char buf[65536];
        size_t start, end; /* unread bytes are buf[start..end) */
        bool eof;
        bool discarding;   /* inside a line too long for buf: dropped up to its LF */
};

/* True if a whole line (or the last piece before EOF) is waiting, or more
 * input is ready on the descriptor. */
static bool input_waiting(struct line_reader *lr) {
        if (memchr(lr->buf + lr->start, '\n', lr->end - lr->start)) return true;
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        return poll(&p, 1, 0) > 0;
}

/* The next line (without its LF, NUL-terminated, in lr->buf; it may hold
 * NUL bytes of its own, *ret_len says how long it is) or NULL at the end of
 * input or on an interrupt. A line longer than the buffer is read to its
 * end and discarded whole: *ret_len is SCAN_LINE_TOO_LONG, never a piece
 * of it taken for a scan. */
static char *next_line(struct line_reader *lr, size_t *ret_len) {
        for (;;) {
                char *nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
                if (lr->discarding && (nl || lr->eof)) {
                        lr->start = nl ? (size_t) (nl - lr->buf) + 1 : lr->end;
                        lr->discarding = false;
                        *ret_len = SCAN_LINE_TOO_LONG;
                        return (char *) "";
                }
                if (lr->discarding) lr->start = lr->end = 0;
                else if (nl || (lr->eof && lr->end > lr->start)) {
                        char *line = lr->buf + lr->start;
                        char *stop = nl ? nl : lr->buf + lr->end;
                        lr->start = (size_t) (stop - lr->buf) + (nl ? 1 : 0);
                        *stop = 0;
                        *ret_len = (size_t) (stop - line);
                        return line;
                } else if (lr->end - lr->start == sizeof lr->buf - 1) {
                        lr->discarding = true;
                        lr->start = lr->end = 0;
                }
                if (lr->eof) return NULL;
                if (lr->start > 0) {
                        memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
                        lr->end -= lr->start;
                        lr->start = 0;
                }
                ssize_t n = read(STDIN_FILENO, lr->buf + lr->end, sizeof lr->buf - 1 - lr->end);
                if (n < 0 && errno == EINTR) return NULL;
                if (n <= 0) lr->eof = true;
                else lr->end += (size_t) n;
        }
}

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) { interrupted = 1; }

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

/* What the scan loop reports to: the input, the bell, the timings. */
struct scan_view {
        struct line_reader *lr;
        bool bell_out, bell_err;
        bool timing;
        double *times;
        size_t ntimes, captimes;
};

static bool view_waiting(void *ud) {
        struct scan_view *v = ud;
        return input_waiting(v->lr);
}

static const char *view_next(void *ud, size_t *ret_len) {
        struct scan_view *v = ud;
        return interrupted ? NULL : next_line(v->lr, ret_len);
}

static void view_result(void *ud, enum scan_result res, const char *text, double seconds) {
        struct scan_view *v = ud;
        bool ring = res == SCAN_REFUSED || res == SCAN_IGNORED;
        out_printf("%s", text);
        if (ring && v->bell_out) fputc('\a', stdout);
        fputc('\n', stdout);
        fflush(stdout);
        if (ring && v->bell_err) {
                fputc('\a', stderr);
                fflush(stderr);
        }
        if (!v->timing) return;
        if (v->ntimes == v->captimes) {
                v->captimes = v->captimes ? v->captimes * 2 : 1024;
                v->times = xrealloc(v->times, v->captimes * sizeof *v->times);
        }
        v->times[v->ntimes++] = seconds;
}

/* --timing: how fast the scans were handled, to stderr. */
static void print_timing(struct scan_view *v, double elapsed, unsigned checkpoints) {
        size_t n = v->ntimes;
        if (!n) return;
        double *times = v->times;
        qsort(times, n, sizeof *times, cmp_double);
        double total = 0;
        for (size_t i = 0; i < n; i++) total += times[i];
        size_t i99 = (size_t) ((double) n * 0.99);
        if (i99 >= n) i99 = n - 1;
        out_fprintf(stderr, "timing: %zu scans in %.3f s, %.0f scans/s, mean %.3f ms, p50 %.3f ms, p99 %.3f ms, max %.3f ms, %u checkpoints\n",
                    n, elapsed, (double) n / total, total / (double) n * 1e3, times[n / 2] * 1e3, times[i99] * 1e3, times[n - 1] * 1e3,
                    checkpoints);
}

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

const struct opt scan_opts[] = {
        OPT_STRING("mode", 0, "M", "fix the mode: issue, return, stocktake or lookup (default: by what is scanned)", struct scan_args, mode),
        OPT_STRING("stocktake", 0, "ID", "the stock-take to count into (default: the only open one)", struct scan_args, stocktake),
        OPT_STRING("due", 0, "DATE", "due date for kit issued in this session", struct scan_args, due),
        OPT_STRING("bell", 0, "WHEN", "ring the bell on a refusal: auto (on a terminal), always, never", struct scan_args, bell),
        OPT_FLAG("timing", 0, "print scans per second and time per scan (p50, p99) to stderr", struct scan_args, timing),
        OPT_END,
};

/* Check scan's option arguments into s and *bell. */
static int scan_check_opts(const struct ctx *ctx, const struct scan_args *a, struct scan_session *s, const char **bell) {
        if (a->mode && scan_mode_parse(a->mode, &s->mode) < 0) return cmd_usage_error(ctx, "%s", err_msg());
        if (a->stocktake) {
                int64_t v;
                if (parse_int64(a->stocktake, &v) < 0 || v <= 0)
                        return cmd_usage_error(ctx, "--stocktake '%s' is not a stock-take number", a->stocktake);
                s->stocktake_id = v;
        }
        if (a->due) {
                char d[11];
                if (parse_date(a->due, d) < 0) return cmd_usage_error(ctx, "--due '%s' is not a date (use YYYY-MM-DD)", a->due);
                s->due = a->due;
        }
        if (a->bell && !streq(a->bell, "auto") && !streq(a->bell, "always") && !streq(a->bell, "never"))
                return cmd_usage_error(ctx, "--bell '%s' is not auto, always or never", a->bell);
        *bell = a->bell ? a->bell : "auto";
        return -1;
}

int cmd_scan(struct ctx *ctx, int argc, char **argv) {
        const struct scan_args *a = ctx->args;
        struct scan_session s = {.db = ctx->db};
        const char *bell = "auto";
        bool timing = a->timing;
        int u = scan_check_opts(ctx, a, &s, &bell);
        if (u >= 0) return u;
        if (s.stocktake_id && s.mode != SCAN_STOCKTAKE) {
                if (s.mode != SCAN_AUTO) return cmd_usage_error(ctx, "--stocktake goes with --mode stocktake");
                s.mode = SCAN_STOCKTAKE;
        }
        if (s.mode == SCAN_STOCKTAKE) {
                _cleanup_json_ json_t *st = NULL;
                int r = stocktake_resolve(ctx->db, s.stocktake_id, &st);
                if (r < 0) return cmd_fail_err(r);
                s.stocktake_id = json_integer_value(json_object_get(st, "id"));
                if (isatty(STDIN_FILENO))
                        out_fprintf(stderr, "stock-take %lld of %s: scan every item in the room; Ctrl-D to finish\n",
                                    (long long) s.stocktake_id, json_str(st, "room"));
        } else if (isatty(STDIN_FILENO))
                out_fprintf(stderr, "scan a person, then their kit to issue it; kit alone to return it; DONE to clear; Ctrl-D to finish\n");

        bool out_tty = isatty(STDOUT_FILENO), err_tty = isatty(STDERR_FILENO);
        bool bell_out = streq(bell, "always") ? true : streq(bell, "never") ? false : out_tty;
        bool bell_err = streq(bell, "auto") && !out_tty && err_tty;

        struct sigaction sa = {.sa_handler = on_sigint};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: getline returns, the summary is printed */

        struct scan_view v = {.lr = xcalloc(1, sizeof *v.lr), .bell_out = bell_out, .bell_err = bell_err, .timing = timing};
        struct scan_callbacks cb = {.userdata = &v, .waiting = view_waiting, .next = view_next, .result = view_result};
        double t_start = now_s();
        scan_run(&s, &cb);
        double elapsed = now_s() - t_start;
        free(v.lr);
        _cleanup_free_ char *sum = scan_summary(&s);
        out_printf("%s\n", sum);
        if (timing) print_timing(&v, elapsed, s.checkpoints);
        free(v.times);
        scan_session_done(&s);
        if (s.store_failed)
                return cmd_fail("scanning stopped: the register cannot be written (%s)",
                                strerror(s.store_failed));
        return 0;
}
