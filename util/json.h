/* JSON and hashing helpers shared by every folder. */
#pragma once

#include <jansson.h>
#include <stdint.h>

static inline void json_unrefp(json_t **j) { if (*j) json_decref(*j); }
#define _cleanup_json_ __attribute__((cleanup(json_unrefp)))

/* Canonical JSON: sorted keys, no insignificant white space, UTF-8 as is.
 * Returns a malloc'd string; aborts on out of memory. */
char *json_canonical(const json_t *j);
/* json_dumps() for a terminal: DEL, C1 controls and the invisible
 * reordering characters that jansson writes as they are (sb_add_safe()'s
 * list) are written as \uXXXX escapes, which mean the same to a JSON reader.
 * NULL on failure, as json_dumps(). */
char *json_dumps_safe(const json_t *j, size_t flags);
/* Pretty JSON for people (two-space indent, keys in insertion order). */
char *json_pretty(const json_t *j);

/* A string member or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);
/* Set obj[key] to a string, or null when s is NULL; text that is not UTF-8
 * (a device's property) is stored escaped as sb_add_safe() shows it. */
void json_set_str(json_t *obj, const char *key, const char *s);

void sha256_buf(const void *data, size_t n, uint8_t out[32]);
void sha256_hex(const void *data, size_t n, char out[65]);
