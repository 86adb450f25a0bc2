/* Which assets get labels and what their QR codes hold. The drawing is in
 * labels/; this is the part that knows the register. */
#include "core.h"
#include "json.h"
#include "label.h"
#include "printer.h"
#include "sheet.h"

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

int label_ecc_parse(const char *s, enum label_ecc *ret) {
        enum qr_ecc e;
        int r = qr_ecc_from_string(s, &e);
        if (r < 0) return r;
        *ret = (enum label_ecc) e;
        return 0;
}

static const char *const dk_sizes = "29, 62, 62x29, 29x90, 17x54, ...";

/* The QL model a raster job is for, or -EINVAL listing the models. */
static int raster_model(const char *name, const struct ql_model **ret) {
        const struct ql_model *m = ql_model_by_name(name);
        if (!m) {
                struct strbuf sb = {0};
                for (const struct ql_model *q = ql_models; q->name; q++) sb_printf(&sb, "%s%s", q == ql_models ? "" : ", ", q->name);
                int r = err_set(EINVAL, "--model '%s' is not a Brother QL model: %s", name, sb.buf);
                sb_free(&sb);
                return r;
        }
        *ret = m;
        return 0;
}

int label_job_check(const struct label_job *job) {
        if (job->url_template) {
                int r = label_url_template_check(job->url_template);
                if (r < 0) return r;
        }
        if (job->media && !ql_media_by_name(job->media))
                return err_set(EINVAL, "--media '%s' is not a DK size (%s)", job->media, dk_sizes);
        if (job->output == LABEL_TO_RASTER) {
                const struct ql_model *m = NULL;
                int r = raster_model(job->model, &m);
                if (r < 0) return r;
                const struct ql_media *md = ql_media_by_name(job->media);
                char d[48];
                if (md->wide_only && m->line_bytes < 162)
                        return err_set(ENOTSUP, "the %s cannot print on %s", m->name, ql_media_describe(md, d));
        }
        if (job->output == LABEL_TO_SHEET) {
                _cleanup_sheet_ struct sheet *s = NULL;
                int r = sheet_find(job->sheet, &s);
                if (r < 0) return r == -EINVAL ? -EBADMSG : r; /* a bad sheet file is not a usage error */
                if (job->skip >= sheet_count(s))
                        return err_set(EINVAL, "--skip %d: a %s sheet has %d labels", job->skip, s->name, sheet_count(s));
        }
        return 0;
}

/* The label texts for a list of asset records, with the strings they own. */
struct label_items {
        struct label_text *items;
        char **owned; /* payloads and make/model strings */
        size_t n, n_owned;
};

static void label_items_free(struct label_items *li) {
        for (size_t i = 0; i < li->n_owned; i++) free(li->owned[i]);
        free(li->owned);
        free(li->items);
}

static char *own(struct label_items *li, char *s) {
        li->owned = xrealloc(li->owned, sizeof *li->owned * (li->n_owned + 1));
        li->owned[li->n_owned++] = s;
        return s;
}

/* Build the texts; school and the records in assets stay borrowed. */
static void label_items_build(struct label_items *li, json_t *assets, const char *school, const char *tmpl) {
        li->n = json_array_size(assets);
        li->items = xcalloc(li->n ? li->n : 1, sizeof *li->items);
        for (size_t i = 0; i < li->n; i++) {
                json_t *a = json_array_get(assets, i);
                const char *tag = json_str(a, "tag"), *make = json_str(a, "make"), *model = json_str(a, "model");
                li->items[i].tag = tag;
                li->items[i].payload = own(li, label_payload(tmpl, tag));
                li->items[i].school = school;
                if (!isempty(make) || !isempty(model))
                        li->items[i].make_model = own(li, xasprintf("%s%s%s", strempty(make), !isempty(make) && !isempty(model) ? " " : "", strempty(model)));
        }
}

static void transport_closep(struct ql_transport **t) { ql_usb_close(*t); }

/* Render the built labels where the job says. */
static int label_items_output(const struct label_job *job, const struct label_items *li, struct label_done *done) {
        enum qr_ecc ecc = (enum qr_ecc) job->ecc;
        char d[48];
        int r;
        switch (job->output) {
        case LABEL_TO_SHEET: {
                _cleanup_sheet_ struct sheet *s = NULL;
                r = sheet_find(job->sheet, &s);
                if (r < 0) return r;
                r = label_write_pdf(job->path, s, job->offset_x, job->offset_y, job->skip, li->items, li->n, ecc);
                if (r < 0) return r;
                done->sheets = r;
                snprintf(done->what, sizeof done->what, "%s", s->name);
                return 0;
        }
        case LABEL_TO_PNG:
        case LABEL_TO_SVG: {
                struct label_spec spec = {.width = job->width, .height = job->height, .dpi = job->dpi, .pad = 1.0, .ecc = ecc};
                return job->output == LABEL_TO_PNG ? label_write_png(job->path, &spec, &li->items[0])
                                                   : label_write_svg(job->path, &spec, &li->items[0]);
        }
        case LABEL_TO_RASTER: {
                const struct ql_model *m = NULL;
                r = raster_model(job->model, &m);
                if (r < 0) return r;
                const struct ql_media *md = ql_media_by_name(job->media);
                struct strbuf out = {0};
                r = ql_encode_job(m, md, li->items, li->n, ecc, &out);
                if (r >= 0) r = write_file_atomic(job->path, out.buf ? out.buf : "", out.len, 0644);
                done->bytes = out.len;
                sb_free(&out);
                snprintf(done->what, sizeof done->what, "%s", m->name);
                snprintf(done->media, sizeof done->media, "%s", ql_media_describe(md, d));
                return r < 0 ? r : 0;
        }
        case LABEL_TO_PRINTER: {
                const struct ql_media *want = job->media ? ql_media_by_name(job->media) : NULL, *used = NULL;
                _cleanup_(transport_closep) struct ql_transport *t = NULL;
                const struct ql_model *model = NULL;
                r = ql_usb_open(job->serial, &t, &model);
                if (r < 0) return r;
                r = ql_print(t, model, want, li->items, li->n, ecc, &used);
                if (r < 0) return r;
                snprintf(done->what, sizeof done->what, "%s", model->name);
                snprintf(done->media, sizeof done->media, "%s", ql_media_describe(used, d));
                return 0;
        }
        }
        return err_set(EINVAL, "unknown label output");
}

int label_job_run(struct db *db, const struct label_job *job, struct label_done *ret) {
        _cleanup_free_ char *school = NULL;
        int r = school_get(db, &school, NULL);
        if (r < 0) return r;
        _cleanup_json_ json_t *assets = NULL;
        r = label_assets(db, job->tags, job->n_tags, job->status, job->location, &assets);
        if (r < 0) {
                _cleanup_free_ char *why = xstrdup(err_msg());
                return err_set(-r, "cannot make labels: %s", why);
        }
        _cleanup_(label_items_free) struct label_items li = {0};
        label_items_build(&li, assets, school, job->url_template);
        struct label_done done = {.labels = li.n};
        r = label_items_output(job, &li, &done);
        label_release_caches();
        if (r < 0) return r;
        if (li.n) snprintf(done.first_tag, sizeof done.first_tag, "%s", li.items[0].tag);
        *ret = done;
        return 0;
}

json_t *label_sheets(void) {
        json_t *out = json_array();
        char **names = NULL;
        int n = sheet_list(&names);
        for (int i = 0; i < n; i++) {
                struct sheet *s = NULL;
                if (sheet_find(names[i], &s) >= 0) {
                        json_array_append_new(out, json_pack("{s:s, s:s}", "name", s->name, "description", s->description));
                        sheet_free(s);
                } else
                        json_array_append_new(out, json_pack("{s:s, s:s}", "name", names[i], "error", err_msg()));
                free(names[i]);
        }
        free(names);
        return out;
}

int label_printers(json_t **ret) {
        _cleanup_free_ struct ql_device *devs = NULL;
        int n = ql_usb_list(&devs);
        if (n < 0) return n;
        _cleanup_json_ json_t *rows = json_array();
        for (int i = 0; i < n; i++) {
                const struct ql_device *d = &devs[i];
                _cleanup_free_ char *usb = xasprintf("%03u:%03u", d->bus, d->address);
                _cleanup_free_ char *unknown = xasprintf("Brother 04f9:%04x", d->product_id);
                json_t *row = json_pack("{s:s, s:s, s:s, s:s}", "model", d->model ? d->model->name : unknown,
                                        "serial", d->serial, "usb", usb,
                                        "mode", d->editor_lite ? "editor-lite" : d->model ? "printer" : "unsupported");
                json_object_set_new(row, "product_id", json_integer(d->product_id));
                json_array_append_new(rows, row);
        }
        *ret = TAKE_PTR(rows);
        return 0;
}
