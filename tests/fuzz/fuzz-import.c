/* libFuzzer target for the importer's parser and column mapping: CSV (and
 * JSON, when the input starts with '[') to a table, then the header
 * mapping and the per-row normalisation for assets and for people (with a
 * --status-map and the import hooks' columns), the media and badges cell
 * parsers, the CSV dialect sniffer, the time and date parsers. Each input
 * is read twice: as the command reads a file with no --encoding (UTF-8,
 * else Windows-1252) and in an encoding its first byte picks, with a
 * --date-format and --allow-missing-serial its length picks. No
 * register is touched. Built with -Dfuzz=true (clang); the normal build
 * links the same entry point into replay-import, which runs the bad-csv and
 * good-csv corpora through it on every test run. */
#include <stddef.h>
#include <stdint.h>

#include "core-internal.h" /* a test reaches the store too */
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const encodings[] = {"utf-8", "windows-1252", "iso-8859-1", "iso-8859-15", "macintosh"};
        for (int pass = 0; pass < 4; pass++) {
                enum import_kind kind = pass & 1 ? IMPORT_PEOPLE : IMPORT_ASSETS;
                const char *enc = pass < 2 || !size ? NULL : encodings[data[0] % 5];
                struct import_table *t = size && data[0] == '['
                                                 ? import_parse_json("fuzz.json", (const char *) data, size)
                                                 : import_parse_csv_as("fuzz.csv", (const char *) data, size, enc);
                /* a converted file is UTF-8 by the time it is a table */
                for (size_t i = 0; i < t->n_rec; i++)
                        for (size_t f = 0; f < t->recs[i].n && f < IMPORT_MAX_COLUMNS && !t->recs[i].bad; f++)
                                if (!utf8_valid_bytes(t->recs[i].fields[f], strlen(t->recs[i].fields[f]))) __builtin_trap();
                t->date_format = (enum import_date_format) ((size + (size_t) pass) % 3);
                t->allow_missing_serial = size & 1;
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
                free(import_noted(t, kind));
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
        /* a date read in any form is one the register's own parser takes */
        for (int f = IMPORT_DATES_ISO; f <= IMPORT_DATES_MDY; f++) {
                char d[11], again[11];
                if (import_date(text, (enum import_date_format) f, d) == 0 && (parse_date(d, again) < 0 || strcmp(d, again) != 0))
                        __builtin_trap();
        }
        return 0;
}
