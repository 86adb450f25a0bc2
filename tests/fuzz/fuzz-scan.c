/* libFuzzer target for scan mode's line handling (core/scan.c): the input
 * is what a hand scanner typed, cut into lines as the front end cuts them;
 * each line goes through scan_normalise() (trim, URL to its last segment,
 * upper case, junk refused) and the token through the tag check and the
 * mode parser. Checks what scan_one() relies on: a token is 1..64 printable
 * ASCII bytes with no space and no lower case. Built with -Dfuzz=true
 * (clang); the normal build replays tests/fuzz/corpus-scan (replay-scan). */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>

#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *line) {
        char tok[65];
        memset(tok, 'x', sizeof tok);
        int r = scan_normalise(line, tok, sizeof tok);
        if (r < -1 && r != -EINVAL) __builtin_trap();
        if (r == 0) {
                size_t n = strnlen(tok, sizeof tok);
                if (n == 0 || n >= sizeof tok) __builtin_trap();
                for (const char *c = tok; *c; c++)
                        if ((unsigned char) *c <= ' ' || (unsigned char) *c >= 0x7f || islower((unsigned char) *c)) __builtin_trap();
                (void) asset_tag_valid(tok);
                /* the same scan again is the same token (what a repeated scan relies on) */
                char again[65];
                if (scan_normalise(tok, again, sizeof again) != 0 || !streq(tok, again)) __builtin_trap();
        }
        /* a shorter output buffer never overflows */
        char small[8];
        (void) scan_normalise(line, small, sizeof small);
        enum scan_mode m;
        (void) scan_mode_parse(line, &m);
        err_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size);
        /* lines as the front end delivers them: up to LF, CR kept for scan_normalise to trim */
        for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
                nl = strchr(p, '\n');
                if (nl) *nl = 0;
                one_line(p);
        }
        return 0;
}
