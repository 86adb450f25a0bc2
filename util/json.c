#include "json.h"
#include "util.h"

#include <openssl/evp.h>

char *json_canonical(const json_t *j) {
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        if (!s) abort();
        return s;
}

char *json_dumps_safe(const json_t *j, size_t flags) {
        char *s = json_dumps(j, flags);
        if (!s) return NULL;
        if (text_is_safe(s, strlen(s)) || !strpbrk(s, "\x7f\xc2\xd8\xe2")) return s;
        /* only inside strings can these be, where \uXXXX means the same */
        struct strbuf sb = {0};
        sb_add(&sb, "", 0);
        for (const char *p = s; *p;) {
                size_t run = strcspn(p, "\x7f\xc2\xd8\xe2");
                sb_add(&sb, p, run);
                p += run;
                if (!*p) break;
                struct strbuf one = {0};
                size_t len = *p == '\x7f' ? 1 : (unsigned char) *p == 0xe2 ? 3 : 2;
                if (strnlen(p, len) < len) len = strnlen(p, len);
                sb_add_safe(&one, p, len);
                if (one.len == len && memcmp(one.buf, p, len) == 0)
                        sb_add(&sb, p, len);
                else {
                        /* \u{202e} or \x7f from sb_add_safe(): the code point as JSON writes it */
                        unsigned cp = 0;
                        if (sscanf(one.buf, "\\u{%x}", &cp) != 1 && sscanf(one.buf, "\\x%2x", &cp) != 1) abort();
                        sb_printf(&sb, "\\u%04x", cp);
                }
                sb_free(&one);
                p += len;
        }
        free(s);
        return sb_take(&sb);
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
        if (s && !utf8_valid_bytes(s, strlen(s))) {
                /* jansson refuses it (the key would vanish): show it escaped */
                _cleanup_free_ char *e = safe_text(s);
                json_object_set_new(obj, key, json_string(e));
                return;
        }
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
