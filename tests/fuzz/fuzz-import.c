/* libFuzzer target for the importer's parser and column mapping: CSV (and
 * JSON, when the input starts with '[') to a table, then the header
 * mapping and the per-row normalisation for assets and for people (with a
 * --status-map and the import hooks' columns), the media and badges cell
 * parsers, the CSV dialect sniffer and the time parser. No
 * register is touched. Built with -Dfuzz=true (clang); the normal build
 * links the same entry point into replay-import, which runs the bad-csv and
 * good-csv corpora through it on every test run. */
#include <stddef.h>
#include <stdint.h>

#include "core-internal.h" /* a test reaches the store too */
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        for (int kind = IMPORT_ASSETS; kind <= IMPORT_PEOPLE; kind++) {
                struct import_table *t = size && data[0] == '['
                                                 ? import_parse_json("fuzz.json", (const char *) data, size)
                                                 : import_parse_csv("fuzz.csv", (const char *) data, size);
                /* a --status-map, and the hooks' columns, as the command passes them */
                if (import_status_map_add(t, "Broken - Not Fixable=disposed") < 0) __builtin_trap();
                import_map(t, (enum import_kind) kind, kind == IMPORT_ASSETS ? asset_import_hook() : person_import_hook());
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
        /* the list cells on their own: an asset's media, a person's badges */
        _cleanup_free_ char *text = xstrndup((const char *) data, size);
        json_t *list = NULL;
        if (import_media_parse(text, &list) == 0) json_decref(list);
        list = NULL;
        if (import_badges_parse(text, &list) == 0) json_decref(list);
        char delim, ts[21];
        if (import_csv_dialect((const char *) data, size, &delim) > size) __builtin_trap();
        (void) import_timestamp(text, ts);
        return 0;
}
