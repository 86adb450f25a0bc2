/* Which assets get labels and what their QR codes hold. The drawing is in
 * labels/; this is the part that knows the register. */
#include "core.h"
#include "json.h"

int label_assets(struct db *db, char *const *tags, size_t n_tags, const char *status, const char *location, json_t **ret) {
        _cleanup_json_ json_t *out = NULL;
        int r;
        if (n_tags == 0) {
                r = db_asset_list(db, status, location, NULL, &out);
                if (r < 0) return r;
                if (json_array_size(out) == 0)
                        return err_set(ENOENT, "no assets to label%s%s%s%s%s", status || location ? " with" : " in the register",
                                       status ? " status " : "", status ? asset_status_label(status) : "",
                                       location ? " at location " : "", location ? location : "");
                *ret = TAKE_PTR(out);
                return 0;
        }
        out = json_array();
        for (size_t i = 0; i < n_tags; i++) {
                _cleanup_free_ char *up = strupper(xstrdup(tags[i]));
                if (!asset_tag_valid(up)) return err_set(EINVAL, "'%s' is not a valid tag", tags[i]);
                json_t *a = NULL;
                r = db_asset_by_tag(db, up, &a);
                if (r == -ENOENT) return err_set(ENOENT, "no asset '%s' in the register", up);
                if (r < 0) return r;
                json_array_append_new(out, a);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

int label_url_template_check(const char *tmpl) {
        if (!strstr(tmpl, "{tag}"))
                return err_set(EINVAL, "URL template '%s' has no {tag} in it", tmpl);
        for (const char *p = tmpl; *p; p++) {
                if (strncmp(p, "{tag}", 5) == 0) {
                        p += 4;
                        continue;
                }
                if (*p == '{' || *p == '}')
                        return err_set(EINVAL, "URL template '%s': only {tag} may be filled in", tmpl);
                if (*p <= ' ' || *p > '~')
                        return err_set(EINVAL, "URL template '%s': spaces and non-ASCII characters must be %%-encoded", tmpl);
        }
        if (strlen(tmpl) > 1024) return err_set(EINVAL, "URL template is longer than 1024 characters");
        return 0;
}

char *label_payload(const char *tmpl, const char *tag) {
        if (!tmpl) return xstrdup(tag);
        struct strbuf sb = {0};
        for (const char *p = tmpl; *p;) {
                const char *m = strstr(p, "{tag}");
                if (!m) {
                        sb_puts(&sb, p);
                        break;
                }
                sb_add(&sb, p, (size_t) (m - p));
                sb_puts(&sb, tag);
                p = m + 5;
        }
        return sb_take(&sb);
}
