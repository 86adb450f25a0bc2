/* libFuzzer target for the JSON import (core/import.c import_parse_json):
 * every input is parsed as JSON (fuzz-import only does so for input that
 * starts with '['), then mapped as assets and as people the way `asset
 * import` and `person import` map it. Problems must name a line and a
 * column. Built with -Dfuzz=true (clang); the normal build replays
 * tests/fuzz/corpus-import-json (replay-import-json). */
#include <stddef.h>
#include <stdint.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        for (int kind = IMPORT_ASSETS; kind <= IMPORT_PEOPLE; kind++) {
                struct import_table *t = import_parse_json("fuzz.json", (const char *) data, size);
                if (!t) __builtin_trap();
                import_map(t, (enum import_kind) kind, kind == IMPORT_ASSETS ? asset_import_hook() : person_import_hook());
                import_sort_problems(t);
                for (size_t i = 0; i < t->n_prob; i++)
                        if (t->probs[i].line < 0 || !t->probs[i].column || !t->probs[i].reason) __builtin_trap();
                for (size_t i = 1; i < t->n_prob; i++)
                        if (t->probs[i].line < t->probs[i - 1].line) __builtin_trap();
                free(import_ignored(t));
                import_table_free(t);
        }
        return 0;
}
