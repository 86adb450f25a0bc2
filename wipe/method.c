/* Wipe methods (their pass lists and default verification), parsing of
 * --passes and --verify, and the record as JSON. */
#include "wipe.h"
#include "util.h"
#include "json.h"

#include <ctype.h>
#include <math.h>

#define C1(b) {WIPE_CONST, {b, 0, 0}, 1}
#define C3(a, b, c) {WIPE_CONST, {a, b, c}, 3}
#define RND {WIPE_RANDOM, {0, 0, 0}, 0}

/* The built-in methods (DESIGN.md, "Wipe engine"). */
static const struct wipe_method methods[] = {
        {"zero", 1, {C1(0x00)}, WIPE_VERIFY_LAST, 0, false},
        {"one", 1, {C1(0xff)}, WIPE_VERIFY_LAST, 0, false},
        {"random", 1, {RND}, WIPE_VERIFY_LAST, 0, false},
        /* NIST SP 800-88 Clear (magnetic media): one pass of a fixed value, verified in full */
        {"nist-clear", 1, {C1(0x00)}, WIPE_VERIFY_ALL, 0, false},
        /* HMG IS5 Baseline: zeros, verified in full */
        {"is5-baseline", 1, {C1(0x00)}, WIPE_VERIFY_ALL, 0, false},
        /* HMG IS5 Enhanced: zeros, ones, random; the random pass always verified */
        {"is5-enhanced", 3, {C1(0x00), C1(0xff), RND}, WIPE_VERIFY_LAST, 0, true},
        /* DoD 5220.22-M three pass: a byte, its complement, random */
        {"dod-short", 3, {C1(0x00), C1(0xff), RND}, WIPE_VERIFY_LAST, 0, false},
        /* DoD 5220.22-M ECE seven pass: B1, ~B1, random, B2, B3, ~B3, random */
        {"dod-7", 7, {C1(0xf6), C1(0x09), RND, C1(0x00), C1(0xff), C1(0x00), RND}, WIPE_VERIFY_LAST, 0, false},
        /* Peter Gutmann (1996), the 35 passes in his table's order */
        {"gutmann", 35, {
                RND, RND, RND, RND,
                C1(0x55), C1(0xaa), C3(0x92, 0x49, 0x24), C3(0x49, 0x24, 0x92), C3(0x24, 0x92, 0x49),
                C1(0x00), C1(0x11), C1(0x22), C1(0x33), C1(0x44), C1(0x55), C1(0x66), C1(0x77),
                C1(0x88), C1(0x99), C1(0xaa), C1(0xbb), C1(0xcc), C1(0xdd), C1(0xee), C1(0xff),
                C3(0x92, 0x49, 0x24), C3(0x49, 0x24, 0x92), C3(0x24, 0x92, 0x49),
                C3(0x6d, 0xb6, 0xdb), C3(0xb6, 0xdb, 0x6d), C3(0xdb, 0x6d, 0xb6),
                RND, RND, RND, RND}, WIPE_VERIFY_LAST, 0, false},
};

const char *const wipe_method_names[] = {
        "zero", "one", "random", "nist-clear", "is5-baseline", "is5-enhanced", "dod-short", "dod-7", "gutmann", NULL,
};

int wipe_method_get(const char *name, struct wipe_method *ret) {
        for (size_t i = 0; i < ELEMENTSOF(methods); i++)
                if (streq(methods[i].name, name)) {
                        *ret = methods[i];
                        return 0;
                }
        return err_set(EINVAL, "method '%s' is not known: use zero, one, random, nist-clear, is5-baseline, "
                               "is5-enhanced, dod-short, dod-7, gutmann, or --passes", name);
}

int wipe_pass_parse(const char *s, struct wipe_pass_spec *ret) {
        struct wipe_pass_spec p = {0};
        if (strcasecmp(s, "random") == 0) {
                p.kind = WIPE_RANDOM;
                *ret = p;
                return 0;
        }
        size_t n = strlen(s);
        if (n == 0 || n % 2 || n > 6 || hex_decode(s, p.pat, n / 2) < 0)
                return err_set(EINVAL, "pass '%s' is not 'random' or a pattern of 1 to 3 hex bytes (00, ff, 924924)", s);
        p.kind = WIPE_CONST;
        p.len = (uint8_t) (n / 2);
        *ret = p;
        return 0;
}

int wipe_method_parse_passes(const char *list, struct wipe_method *ret) {
        struct wipe_method m = {.verify = WIPE_VERIFY_LAST};
        snprintf(m.name, sizeof m.name, "custom");
        _cleanup_free_ char *copy = xstrdup(list);
        char *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                strstrip(w);
                if (m.n_passes == WIPE_MAX_PASSES) return err_set(EINVAL, "--passes: more than %d passes", WIPE_MAX_PASSES);
                int r = wipe_pass_parse(w, &m.passes[m.n_passes]);
                if (r < 0) return r;
                m.n_passes++;
        }
        if (m.n_passes == 0) return err_set(EINVAL, "--passes: give at least one pass (00, ff, random, ...)");
        *ret = m;
        return 0;
}

int wipe_verify_parse(const char *s, enum wipe_verify *ret_mode, double *ret_percent) {
        if (streq(s, "off")) *ret_mode = WIPE_VERIFY_OFF, *ret_percent = 0;
        else if (streq(s, "last")) *ret_mode = WIPE_VERIFY_LAST, *ret_percent = 0;
        else if (streq(s, "all")) *ret_mode = WIPE_VERIFY_ALL, *ret_percent = 0;
        else if (strncmp(s, "sample:", 7) == 0) {
                char *end = NULL;
                errno = 0;
                double p = strtod(s + 7, &end);
                if (errno || !end || end == s + 7 || (*end && !streq(end, "%")) || !(p > 0 && p <= 100) || isnan(p))
                        return err_set(EINVAL, "--verify '%s': the sample is a percentage above 0 and at most 100", s);
                *ret_mode = WIPE_VERIFY_SAMPLE, *ret_percent = p;
        } else
                return err_set(EINVAL, "--verify '%s': use last, all, sample:PERCENT or off", s);
        return 0;
}

const char *wipe_verify_name(enum wipe_verify v, double percent) {
        static __thread char buf[32];
        switch (v) {
        case WIPE_VERIFY_OFF: return "off";
        case WIPE_VERIFY_LAST: return "last";
        case WIPE_VERIFY_ALL: return "all";
        case WIPE_VERIFY_SAMPLE: snprintf(buf, sizeof buf, "sample:%g", percent); return buf;
        }
        return "?";
}

void wipe_pass_name(const struct wipe_pass_spec *p, char out[static 8]) {
        if (p->kind == WIPE_RANDOM) {
                snprintf(out, 8, "random");
                return;
        }
        hex_encode(p->pat, p->len, out);
}

const char *wipe_outcome_name(enum wipe_outcome o) {
        switch (o) {
        case WIPE_STARTED: return "started";
        case WIPE_ERASED: return "erased";
        case WIPE_ERASED_EXCEPTIONS: return "erased_with_exceptions";
        case WIPE_FAILED: return "failed";
        case WIPE_INTERRUPTED: return "interrupted";
        }
        return "?";
}

void wipe_time_iso(int64_t ns, char out[static 32]) {
        time_t s = (time_t) (ns / 1000000000);
        struct tm tm;
        gmtime_r(&s, &tm);
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *hex_json(const uint8_t *d, size_t n) {
        char h[2 * 64 + 1];
        hex_encode(d, n, h);
        return json_string(h);
}

static json_t *ranges_json(const struct wipe_ranges *rg) {
        json_t *a = json_array();
        for (size_t i = 0; i < rg->n; i++) {
                json_t *o = json_pack("{sI,sI}", "offset", (json_int_t) rg->v[i].offset, "length", (json_int_t) rg->v[i].length);
                if (rg->v[i].err) json_object_set_new(o, "error", json_string(strerror(rg->v[i].err)));
                json_array_append_new(a, o);
        }
        return a;
}

json_t *wipe_pass_json(const struct wipe_pass_result *p) {
        char name[8], t[32];
        wipe_pass_name(&p->spec, name);
        json_t *o = json_object();
        json_object_set_new(o, "index", json_integer(p->index));
        json_object_set_new(o, "pattern", json_string(name));
        if (p->spec.kind == WIPE_RANDOM) {
                json_object_set_new(o, "seed_sha256", hex_json(p->seed_hash, 32));
                json_object_set_new(o, "seed", p->seed_revealed ? hex_json(p->seed, 32) : json_null());
        }
        json_object_set_new(o, "bytes_written", json_integer((json_int_t) p->bytes_written));
        json_object_set_new(o, "written_complete", json_boolean(p->written_complete));
        json_object_set_new(o, "root_written", p->written_complete ? hex_json(p->root_written, 32) : json_null());
        json_object_set_new(o, "write_retries", json_integer(p->write_retries));
        json_object_set_new(o, "write_errors", ranges_json(&p->write_errors));
        json_object_set_new(o, "write_error_bytes", json_integer((json_int_t) p->write_errors.total_bytes));
        json_object_set_new(o, "verify", json_string(wipe_verify_name(p->verify, p->sample_percent)));
        if (p->verify != WIPE_VERIFY_OFF) {
                json_object_set_new(o, "bytes_verified", json_integer((json_int_t) p->bytes_verified));
                json_object_set_new(o, "chunks_verified", json_integer((json_int_t) p->chunks_verified));
                json_object_set_new(o, "root_read", p->read_complete ? hex_json(p->root_read, 32) : json_null());
                json_object_set_new(o, "read_retries", json_integer(p->read_retries));
                json_object_set_new(o, "read_errors", ranges_json(&p->read_errors));
                json_object_set_new(o, "read_error_bytes", json_integer((json_int_t) p->read_errors.total_bytes));
                json_object_set_new(o, "mismatches", ranges_json(&p->mismatches));
                json_object_set_new(o, "mismatch_bytes", json_integer((json_int_t) p->mismatches.total_bytes));
        }
        wipe_time_iso(p->started_ns, t);
        json_object_set_new(o, "started_at", json_string(t));
        if (p->ended_ns) {
                wipe_time_iso(p->ended_ns, t);
                json_object_set_new(o, "ended_at", json_string(t));
                json_object_set_new(o, "seconds", json_real(round((double) (p->ended_ns - p->started_ns) / 1e6) / 1e3));
        } else
                json_object_set_new(o, "ended_at", json_null());
        json_set_str(o, "error", p->error);
        return o;
}

json_t *wipe_result_json(const struct wipe_result *r) {
        char t[32];
        json_t *o = json_object();
        json_object_set_new(o, "outcome", json_string(wipe_outcome_name(r->outcome)));
        json_object_set_new(o, "method", json_string(r->method.name));
        json_t *names = json_array();
        for (size_t i = 0; i < r->method.n_passes; i++) {
                char n[8];
                wipe_pass_name(&r->method.passes[i], n);
                json_array_append_new(names, json_string(n));
        }
        json_object_set_new(o, "pass_list", names);
        json_object_set_new(o, "size_bytes", json_integer((json_int_t) r->size));
        json_object_set_new(o, "sector_size", json_integer(r->sector));
        json_object_set_new(o, "direct_io", json_boolean(r->direct));
        json_object_set_new(o, "chunks", json_integer((json_int_t) r->n_chunks));
        wipe_time_iso(r->started_ns, t);
        json_object_set_new(o, "started_at", json_string(t));
        if (r->ended_ns) wipe_time_iso(r->ended_ns, t);
        json_object_set_new(o, "ended_at", r->ended_ns ? json_string(t) : json_null());
        json_set_str(o, "error", r->error);
        json_t *passes = json_array();
        for (size_t i = 0; i < r->n_passes; i++) json_array_append_new(passes, wipe_pass_json(&r->passes[i]));
        json_object_set_new(o, "passes", passes);
        return o;
}
