/* JSON and hashing helpers shared by every folder. */
#pragma once

#include <jansson.h>
#include <stdint.h>

static inline void json_unrefp(json_t **j) { if (*j) json_decref(*j); }
#define _cleanup_json_ __attribute__((cleanup(json_unrefp)))

/* Canonical JSON: sorted keys, no insignificant white space, UTF-8 as is.
 * Returns a malloc'd string; aborts on out of memory. */
char *json_canonical(const json_t *j);
/* Pretty JSON for people (two-space indent, keys in insertion order). */
char *json_pretty(const json_t *j);

/* A string member or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);
/* Set obj[key] to a string, or null when s is NULL. */
void json_set_str(json_t *obj, const char *key, const char *s);

void sha256_buf(const void *data, size_t n, uint8_t out[32]);
void sha256_hex(const void *data, size_t n, char out[65]);
