#include "json.h"
#include "util.h"

#include <openssl/evp.h>

char *json_canonical(const json_t *j) {
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        if (!s) abort();
        return s;
}

char *json_pretty(const json_t *j) {
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        if (!s) abort();
        return s;
}

const char *json_str(const json_t *obj, const char *key) {
        json_t *v = json_object_get(obj, key);
        return json_is_string(v) ? json_string_value(v) : NULL;
}

void json_set_str(json_t *obj, const char *key, const char *s) {
        json_object_set_new(obj, key, s ? json_string(s) : json_null());
}

void sha256_buf(const void *data, size_t n, uint8_t out[32]) {
        unsigned len = 32;
        if (!EVP_Digest(data, n, out, &len, EVP_sha256(), NULL)) abort();
}

void sha256_hex(const void *data, size_t n, char out[65]) {
        uint8_t d[32];
        sha256_buf(data, n, d);
        hex_encode(d, 32, out);
}
