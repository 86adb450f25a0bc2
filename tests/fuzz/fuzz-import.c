/* libFuzzer target for the importer's parser and column mapping: CSV (and
 * JSON, when the input starts with '[') to a table, then the header
 * mapping and the per-row normalisation for assets and for people. No
 * register is touched. Built with -Dfuzz=true (clang); the normal build
 * links the same entry point into replay-import, which runs the bad-csv and
 * good-csv corpora through it on every test run. */
#include <stddef.h>
#include <stdint.h>

#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        for (int kind = IMPORT_ASSETS; kind <= IMPORT_PEOPLE; kind++) {
                struct import_table *t = size && data[0] == '['
                                                 ? import_parse_json("fuzz.json", (const char *) data, size)
                                                 : import_parse_csv("fuzz.csv", (const char *) data, size);
                import_map(t, (enum import_kind) kind, NULL);
                import_sort_problems(t);
                /* what cmd/ would print: every problem names a line and a column */
                for (size_t i = 0; i < t->n_prob; i++)
                        if (t->probs[i].line < 0 || !t->probs[i].column || !t->probs[i].reason) __builtin_trap();
                for (size_t i = 1; i < t->n_prob; i++)
                        if (t->probs[i].line < t->probs[i - 1].line) __builtin_trap();
                for (size_t i = 0; i < t->n_rec; i++)
                        if (i && !t->json && t->recs[i].line < t->recs[i - 1].line) __builtin_trap();
                free(import_ignored(t));
                import_table_free(t);
        }
        return 0;
}
