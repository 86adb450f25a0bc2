/* libFuzzer target for label sheet templates (labels/sheet.c): the input
 * is a .sheet file's text. A template the parser accepts must be usable:
 * a positive grid whose every label lies inside the page. Built with
 * -Dfuzz=true (clang); the normal build replays tests/fuzz/corpus-sheet
 * (replay-sheet). */
#include <stddef.h>
#include <stdint.h>

#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = xstrndup((const char *) data, size);
        _cleanup_sheet_ struct sheet *s = NULL;
        int r = sheet_parse(text, "fuzz.sheet", "fuzz", &s);
        if (r < 0) {
                if (s || isempty(err_msg())) __builtin_trap();
                err_clear();
                return 0;
        }
        if (!s || s->columns <= 0 || s->rows <= 0 || sheet_count(s) <= 0) __builtin_trap();
        const double slack = 0.0051; /* the parser allows 0.005 mm */
        for (int i = 0; i < sheet_count(s) && i < 1000; i++) {
                double x, y;
                sheet_position(s, i, &x, &y);
                if (x < -slack || y < -slack || x + s->label_width > s->page_width + slack ||
                    y + s->label_height > s->page_height + slack)
                        __builtin_trap();
        }
        return 0;
}
