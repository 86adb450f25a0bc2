/* libFuzzer target for what a Brother QL printer sends back
 * (labels/brother.c): the input is a stream of replies as the printer's
 * transport delivers them, 32 bytes at a time (a short last piece as a
 * short read). Each is parsed as a status reply; one that parses goes
 * through what printing does with it: the error check (every error named),
 * the medium it reports and its description. The raster decoder gets the
 * whole input too. Built with -Dfuzz=true (clang); the normal build replays
 * tests/fuzz/corpus-brother (replay-brother). */
#include <stddef.h>
#include <stdint.h>

#include "brother.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        for (size_t off = 0; off < size; off += QL_STATUS_SIZE) {
                size_t n = size - off < QL_STATUS_SIZE ? size - off : QL_STATUS_SIZE;
                struct ql_status st;
                memset(&st, 0xa5, sizeof st);
                int r = ql_status_parse(data + off, n, &st);
                if (r < 0) {
                        if (r != -EBADMSG || isempty(err_msg())) __builtin_trap();
                        continue;
                }
                if (n != QL_STATUS_SIZE || memcmp(st.raw, data + off, QL_STATUS_SIZE) != 0) __builtin_trap();
                r = ql_status_check(&st);
                if (r < 0 && isempty(err_msg())) __builtin_trap();
                if (r == 0 && st.status_type == QL_ST_ERROR) __builtin_trap();
                const struct ql_media *m = ql_media_from_status(&st);
                if (m) {
                        char buf[48];
                        if (ql_media_by_name(m->name) != m || isempty(ql_media_describe(m, buf))) __builtin_trap();
                }
                err_clear();
        }
        uint8_t out[720];
        ssize_t got = ql_unpackbits(data, size, out, sizeof out);
        if (got > (ssize_t) sizeof out) __builtin_trap();
        return 0;
}
