/* Runs inside the QEMU guest of tests/cli/0600-qemu-sanitize.sh: asks each
 * device named on the command line what firmware purge it offers
 * (devices/sanitize.h) and prints one JSON object per line:
 *   {"path": "/dev/nvme0n1", "sanitize": {...}, "hpa": {...}, "dco": {...}, "summary": "..."}
 * or {"path": ..., "error": "message", "errno": N}. Exits 0 when every
 * line was written. Read-only: sends identify and report commands only. */
#include <stdio.h>

#include "json.h"
#include "sanitize.h"
#include "util.h"

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                _cleanup_json_ json_t *o = json_object();
                _cleanup_sanitize_caps_ struct sanitize_caps *c = NULL;
                json_set_str(o, "path", argv[i]);
                int r = sanitize_caps_get(argv[i], &c);
                if (r < 0) {
                        json_set_str(o, "error", err_msg());
                        json_object_set_new(o, "errno", json_integer(-r));
                } else {
                        sanitize_caps_to_json(c, o);
                        json_set_str(o, "summary", sanitize_caps_summary(c));
                }
                _cleanup_free_ char *s = json_canonical(o);
                printf("SANITIZE-PROBE %s\n", s);
        }
        return fflush(stdout) == 0 ? 0 : 1;
}
