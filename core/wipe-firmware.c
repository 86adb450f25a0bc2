/* The firmware path of the wipe session (see wipe-firmware-internal.h). */
#include "core-internal.h"
#include "config.h"
#include "wipe-firmware-internal.h"
#include "disposal.h"
#include "json.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <math.h>
#include <openssl/evp.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>

#define MARKER_MAGIC "ASSETCTL-MARKER1"     /* 16 bytes, the start of every marker */
#define POLL_MS_DEFAULT 1000
#define POLL_ERRORS_FOR_S 300                /* a drive that stays unreachable this long: lost */
#define DEFAULT_TIMEOUT_S (24u * 3600u)
/* chi-square with 255 degrees of freedom: above this, p < 1e-6 (Wilson-Hilferty) */
#define CHI2_LIMIT 377.0

/* ---- what each method is ---- */

#define CRYPTO_METHODS (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_SCSI_SANITIZE_CRYPTO)
#define BLOCK_METHODS (SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_FORMAT_USER | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_SCSI_SANITIZE_BLOCK)
#define OVERWRITE_METHODS (SANITIZE_NVME_SANITIZE_OVERWRITE | SANITIZE_ATA_SANITIZE_OVERWRITE | SANITIZE_SCSI_SANITIZE_OVERWRITE)
#define SECURITY_METHODS (SANITIZE_ATA_SECURE_ERASE | SANITIZE_ATA_SECURE_ERASE_ENH)
#define NVME_METHODS (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_SANITIZE_OVERWRITE | \
                      SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_FORMAT_USER)
#define NVME_SANITIZE_METHODS (SANITIZE_NVME_SANITIZE_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK | SANITIZE_NVME_SANITIZE_OVERWRITE)

const char *fw_technique(unsigned method) {
        if (method & CRYPTO_METHODS) return "cryptographic erase";
        if (method & BLOCK_METHODS) return "block erase";
        if (method & (OVERWRITE_METHODS | SECURITY_METHODS)) return "firmware overwrite";
        return NULL;
}

/* NIST SP 800-88 Rev. 1 Appendix A (Table A-8 flash: ATA SSDs purge by
 * SANITIZE BLOCK ERASE or CRYPTO SCRAMBLE, NVMe SSDs by Format NVM with
 * SES 1 or 2, SCSI SSDs by SANITIZE block or crypto erase; the hard disk
 * tables: purge by SANITIZE OVERWRITE, SECURITY ERASE UNIT or a crypto
 * erase); NVMe Sanitize postdates Rev. 1 and is taken from the public
 * summaries of IEEE 2883-2022 (block and crypto erase purge flash). What
 * neither classifies for the medium is "not classified", never a guess. */
const char *fw_nist_category(unsigned method, const char *kind) {
        bool hdd = streq_ptr(kind, "hdd");
        if (!fw_technique(method)) return NULL;
        if (method & (SANITIZE_NVME_FORMAT_USER | SANITIZE_NVME_FORMAT_CRYPTO | SANITIZE_NVME_SANITIZE_BLOCK |
                      SANITIZE_NVME_SANITIZE_CRYPTO))
                return "purge";
        if (method & (SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_SCSI_SANITIZE_CRYPTO)) return "purge";
        if (method & (SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_SCSI_SANITIZE_BLOCK)) return hdd ? "not classified" : "purge";
        if (method & (SANITIZE_ATA_SANITIZE_OVERWRITE | SANITIZE_SCSI_SANITIZE_OVERWRITE | SECURITY_METHODS))
                return hdd ? "purge" : "not classified";
        return "not classified"; /* nvme-sanitize-overwrite: flash, and no source calls it purge */
}

const char *fw_technique_by_name(const char *name) {
        unsigned m;
        if (!name || sanitize_method_from_name(name, &m) < 0) {
                err_clear();
                return NULL;
        }
        return fw_technique(m);
}

const char *fw_nist_category_by_name(const char *name, const char *kind) {
        unsigned m;
        if (!name || sanitize_method_from_name(name, &m) < 0) {
                err_clear();
                return NULL;
        }
        return fw_nist_category(m, kind);
}

enum fw_expect fw_expect_of(unsigned method) {
        if (method & CRYPTO_METHODS) return FW_EXPECT_RANDOM_OR_CONSTANT;
        if (method & OVERWRITE_METHODS) return FW_EXPECT_PATTERN;
        if (method == SANITIZE_ATA_SECURE_ERASE_ENH) return FW_EXPECT_ANY_UNIFORM;
        return FW_EXPECT_CONSTANT;
}

static const char *expect_name(enum fw_expect e) {
        static const char *const n[] = {"zeros or one constant byte", "the overwrite pattern",
                                        "random-looking data, or a constant (deallocated)", "a vendor pattern, a constant or random data"};
        return n[e];
}

/* ---- markers ---- */

void fw_markers_done(struct fw_markers *m) {
        free(m->pos);
        free(m->hash);
        m->pos = NULL;
        m->hash = NULL;
        m->n = 0;
}

static int cmp_u64(const void *a, const void *b) {
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
        return x < y ? -1 : x > y;
}

static uint64_t rand_below(uint64_t n) {
        uint64_t v = 0;
        if (getrandom(&v, sizeof v, 0) != (ssize_t) sizeof v) v = (uint64_t) time(NULL) * 6364136223846793005ull;
        return v % n;
}

int fw_markers_plan(uint64_t size, unsigned sector, struct fw_markers *ret) {
        if (!sector || size < 2 * (uint64_t) sector) return err_set(EINVAL, "the medium is too small for markers (%llu bytes)", (unsigned long long) size);
        uint64_t sectors = size / sector;
        uint64_t want = size > (1ull << 30) ? 1000 : size >> 20;
        if (want < 2) want = 2;
        if (want > sectors) want = sectors;
        struct fw_markers m = {.sector = sector};
        if (getrandom(m.nonce, sizeof m.nonce, 0) != (ssize_t) sizeof m.nonce)
                return err_set(EIO, "cannot make a nonce: %s", strerror(errno));
        uint64_t *pos = xcalloc(want + 8, sizeof *pos);
        size_t n = 0;
        pos[n++] = 0;
        pos[n++] = sectors - 1;
        /* an even spread over half, random positions for the rest */
        uint64_t even = want / 2;
        for (uint64_t i = 1; i <= even && n < want; i++) pos[n++] = i * (sectors - 1) / (even + 1);
        for (int tries = 0; tries < 8; tries++) {
                while (n < want) pos[n++] = rand_below(sectors);
                qsort(pos, n, sizeof *pos, cmp_u64);
                size_t k = 0;
                for (size_t i = 0; i < n; i++)
                        if (k == 0 || pos[i] != pos[k - 1]) pos[k++] = pos[i];
                n = k;
                if (n >= want) break;
        }
        m.n = n;
        m.pos = pos;
        m.hash = xcalloc(n, sizeof *m.hash);
        *ret = m;
        return 0;
}

static void sha256(const void *a, size_t n, uint8_t out[32]) {
        unsigned len = 32;
        if (!EVP_Digest(a, n, out, &len, EVP_sha256(), NULL)) abort();
}

/* One marker sector: the magic, the nonce, the wipe and the position,
 * then bytes from SHA-256(nonce, position, counter) so that no two
 * markers and no other data look alike. */
static void marker_fill(uint8_t *buf, unsigned sector, const uint8_t nonce[16], int64_t wipe_id, uint64_t pos) {
        memcpy(buf, MARKER_MAGIC, 16);
        memcpy(buf + 16, nonce, 16);
        for (int i = 0; i < 8; i++) buf[32 + i] = (uint8_t) ((uint64_t) wipe_id >> (8 * i));
        for (int i = 0; i < 8; i++) buf[40 + i] = (uint8_t) (pos >> (8 * i));
        for (unsigned off = 48, ctr = 0; off < sector; off += 32, ctr++) {
                uint8_t in[28], d[32];
                memcpy(in, nonce, 16);
                memcpy(in + 16, &pos, 8);
                memcpy(in + 24, &ctr, 4);
                sha256(in, sizeof in, d);
                memcpy(buf + off, d, sector - off < 32 ? sector - off : 32);
        }
}

int fw_markers_write(int fd, unsigned align, int64_t wipe_id, struct fw_markers *m) {
        void *mem = NULL;
        if (posix_memalign(&mem, align < 4096 ? 4096 : align, m->sector < 4096 ? 4096 : m->sector) != 0) return -ENOMEM;
        _cleanup_free_ uint8_t *buf = mem;
        for (size_t i = 0; i < m->n; i++) {
                marker_fill(buf, m->sector, m->nonce, wipe_id, m->pos[i]);
                sha256(buf, m->sector, m->hash[i]);
                ssize_t w = pwrite(fd, buf, m->sector, (off_t) (m->pos[i] * m->sector));
                if (w != (ssize_t) m->sector)
                        return err_set(w < 0 ? errno : EIO, "cannot write marker %zu at sector %llu: %s", i + 1,
                                       (unsigned long long) m->pos[i], w < 0 ? strerror(errno) : "short write");
        }
        if (fsync(fd) < 0) return err_set(errno, "cannot flush the markers: %s", strerror(errno));
        return 0;
}

json_t *fw_markers_json(const struct fw_markers *m) {
        char nonce[33];
        hex_encode(m->nonce, 16, nonce);
        json_t *pos = json_array(), *h = json_array();
        for (size_t i = 0; i < m->n; i++) {
                char x[65];
                hex_encode(m->hash[i], 32, x);
                json_array_append_new(pos, json_integer((json_int_t) m->pos[i]));
                json_array_append_new(h, json_string(x));
        }
        return json_pack("{ss,sI,sI,so,so}", "nonce", nonce, "sector_size", (json_int_t) m->sector, "count", (json_int_t) m->n,
                         "positions", pos, "sha256", h);
}

int fw_markers_from_json(json_t *j, struct fw_markers *ret) {
        json_t *pos = json_object_get(j, "positions"), *h = json_object_get(j, "sha256");
        const char *nonce = json_str(j, "nonce");
        size_t n = json_array_size(pos);
        if (!nonce || n == 0 || json_array_size(h) != n) return err_set(EBADMSG, "the recorded markers are incomplete");
        struct fw_markers m = {.sector = (unsigned) json_integer_value(json_object_get(j, "sector_size")), .n = n};
        if (hex_decode(nonce, m.nonce, 16) < 0 || m.sector == 0) return err_set(EBADMSG, "the recorded markers are damaged");
        m.pos = xcalloc(n, sizeof *m.pos);
        m.hash = xcalloc(n, sizeof *m.hash);
        for (size_t i = 0; i < n; i++) {
                m.pos[i] = (uint64_t) json_integer_value(json_array_get(pos, i));
                const char *x = json_string_value(json_array_get(h, i));
                if (!x || hex_decode(x, m.hash[i], 32) < 0) {
                        fw_markers_done(&m);
                        return err_set(EBADMSG, "the recorded marker %zu is damaged", i + 1);
                }
        }
        *ret = m;
        return 0;
}

/* ---- validation ---- */

/* What the sectors read back look like, gathered sector by sector. */
struct tally {
        uint64_t counts[256], pairs[256]; /* byte values; differences of neighbouring bytes */
        uint64_t bytes, sectors, unreadable, survived;
        bool all_constant;                 /* every sector one byte value... */
        int constant;                      /* ...and the same one (-1 not yet, -2 differs) */
        bool all_pattern;                  /* every sector a repetition of the expected pattern */
};

static bool sector_repeats(const uint8_t *b, unsigned n, const uint8_t pat[4]) {
        for (unsigned i = 0; i < n; i++)
                if (b[i] != pat[i % 4]) return false;
        return true;
}

static void tally_sector(struct tally *t, const uint8_t *b, unsigned n, const struct fw_markers *m, uint32_t pattern, bool invert) {
        t->sectors++;
        bool constant = true;
        for (unsigned i = 0; i < n; i++) {
                t->counts[b[i]]++;
                if (i) t->pairs[(uint8_t) (b[i] - b[i - 1])]++;
                if (b[i] != b[0]) constant = false;
        }
        t->bytes += n;
        if (!constant) t->all_constant = false;
        else if (t->constant == -1) t->constant = b[0];
        else if (t->constant != b[0]) t->constant = -2;
        uint8_t le[4] = {(uint8_t) pattern, (uint8_t) (pattern >> 8), (uint8_t) (pattern >> 16), (uint8_t) (pattern >> 24)};
        uint8_t be[4] = {le[3], le[2], le[1], le[0]};
        bool ok = sector_repeats(b, n, le) || sector_repeats(b, n, be);
        if (!ok && invert) {
                for (int i = 0; i < 4; i++) le[i] = (uint8_t) ~le[i], be[i] = (uint8_t) ~be[i];
                ok = sector_repeats(b, n, le) || sector_repeats(b, n, be);
        }
        if (!ok) t->all_pattern = false;
        /* any part of a marker: its magic followed by this wipe's nonce */
        uint8_t head[32];
        memcpy(head, MARKER_MAGIC, 16);
        memcpy(head + 16, m->nonce, 16);
        if (memmem(b, n, head, sizeof head)) t->survived++;
}

static double chi_square(const uint64_t counts[256]) {
        uint64_t total = 0;
        for (int i = 0; i < 256; i++) total += counts[i];
        if (!total) return 0;
        double e = (double) total / 256.0, x = 0;
        for (int i = 0; i < 256; i++) x += ((double) counts[i] - e) * ((double) counts[i] - e) / e;
        return x;
}

/* Read one sector-aligned range into buf; counts the unreadable sectors. */
static int read_at(int fd, uint8_t *buf, size_t len, uint64_t off) {
        ssize_t r = pread(fd, buf, len, (off_t) off);
        return r == (ssize_t) len ? 0 : -EIO;
}

int fw_validate(const char *path, const struct fw_markers *m, enum fw_expect e, uint32_t pattern, bool invert, bool all,
                json_t **ret) {
        /* Buffered reads through a fresh descriptor, after dropping what the
         * page cache holds of the device (BLKFLSBUF, fadvise): O_DIRECT would
         * need reads aligned to the file system's block, not the sector. */
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return err_set(errno, "cannot open '%s': %s", path, strerror(errno));
        struct stat st;
        if (fstat(fd, &st) < 0) return err_set(errno, "cannot read '%s': %s", path, strerror(errno));
        if (S_ISBLK(st.st_mode)) (void) ioctl(fd, BLKFLSBUF, 0);
        (void) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        off_t end = lseek(fd, 0, SEEK_END);
        if (end < 0) return err_set(errno, "cannot read '%s': %s", path, strerror(errno));
        uint64_t size = (uint64_t) end;
        unsigned sector = m->sector;
        size_t chunk = all ? (size_t) 1 << 20 : sector;
        void *mem = NULL;
        if (posix_memalign(&mem, 4096, chunk < 4096 ? 4096 : chunk) != 0) return -ENOMEM;
        _cleanup_free_ uint8_t *buf = mem;
        struct tally ty = {.all_constant = true, .constant = -1, .all_pattern = true};
        uint64_t hash_matches = 0;
        for (size_t i = 0; i < m->n; i++) {
                if (read_at(fd, buf, sector, m->pos[i] * sector) < 0) {
                        ty.unreadable++;
                        continue;
                }
                uint8_t h[32];
                sha256(buf, sector, h);
                if (memcmp(h, m->hash[i], 32) == 0) hash_matches++;
                if (!all) tally_sector(&ty, buf, sector, m, pattern, invert);
        }
        if (all) {
                for (uint64_t off = 0; off < size; off += chunk) {
                        size_t len = size - off < chunk ? (size_t) (size - off) : chunk;
                        len -= len % sector;
                        if (!len) break;
                        if (read_at(fd, buf, len, off) < 0) {
                                ty.unreadable += len / sector;
                                continue;
                        }
                        for (size_t k = 0; k < len; k += sector) tally_sector(&ty, buf + k, sector, m, pattern, invert);
                }
        }
        uint64_t survived = ty.survived > hash_matches ? ty.survived : hash_matches;
        double chi = chi_square(ty.counts), chi_pairs = chi_square(ty.pairs);
        bool random = ty.bytes >= 256 * 8 && chi < CHI2_LIMIT && chi_pairs < CHI2_LIMIT;
        char what[64];
        if (ty.sectors == 0) snprintf(what, sizeof what, "unreadable");
        else if (ty.all_constant && ty.constant == 0) snprintf(what, sizeof what, "zeros");
        else if (ty.all_constant && ty.constant >= 0) snprintf(what, sizeof what, "constant %02x", (unsigned) ty.constant);
        else if (ty.all_pattern) snprintf(what, sizeof what, "pattern %08x", pattern);
        else if (random) snprintf(what, sizeof what, "random");
        else snprintf(what, sizeof what, "mixed");
        bool uniform = ty.all_constant && ty.constant >= 0;
        bool as_promised = false;
        switch (e) {
        case FW_EXPECT_CONSTANT: as_promised = uniform; break;
        case FW_EXPECT_PATTERN: as_promised = ty.all_pattern; break;
        case FW_EXPECT_RANDOM_OR_CONSTANT: as_promised = uniform || random; break;
        case FW_EXPECT_ANY_UNIFORM: as_promised = uniform || ty.all_pattern || random; break;
        }
        _cleanup_free_ char *why = NULL;
        if (survived)
                why = xasprintf("%llu of %zu markers survived the command: the data is still there", (unsigned long long) survived, m->n);
        else if (ty.unreadable)
                why = xasprintf("%llu sectors could not be read back", (unsigned long long) ty.unreadable);
        else if (!as_promised)
                why = xasprintf("the medium reads as %s, the command promises %s", what, expect_name(e));
        bool passed = !why;
        char c1[32], c2[32];
        snprintf(c1, sizeof c1, "%.1f", chi);
        snprintf(c2, sizeof c2, "%.1f", chi_pairs);
        *ret = json_pack("{sb,sI,sI,sI,sI,ss,ss,ss,ss,ss,ss?}", "passed", passed, "markers", (json_int_t) m->n, "markers_survived",
                         (json_int_t) survived, "sectors_read", (json_int_t) ty.sectors, "unreadable_sectors",
                         (json_int_t) ty.unreadable, "reads_as", what, "expected", expect_name(e), "scope",
                         all ? "every sector" : "the marker sectors", "chi_square", c1, "chi_square_pairs", c2, "why", why);
        json_object_set_new(*ret, "test",
                            json_string("markers: SHA-256 of each marker sector and a search for its magic and nonce; "
                                        "random: chi-square of the byte counts and of the differences of neighbouring bytes, "
                                        "each below 377 (255 degrees of freedom, p < 1e-6)"));
        return 0;
}

/* ---- the session's side ---- */

void fw_job_free(struct fw_job *f) {
        if (f->caps) sanitize_caps_free(f->caps);
        json_decref(f->record);
        *f = (struct fw_job) {0};
}

int fw_session_new(struct wipe_session *s, const struct wipe_session_params *p) {
        s->firmware = true;
        s->purge = streq(p->method, "purge");
        if (!s->purge && sanitize_method_from_name(p->method, &s->fw_method) < 0) return -EINVAL;
        if (p->verify && !streq(p->verify, "markers") && !streq(p->verify, "all"))
                return err_set(EINVAL, "--verify %s: a firmware method is validated by its markers (default) or by reading all of it (--verify all)",
                               p->verify);
        if (p->remove_hpa && p->allow_hpa) return err_set(EINVAL, "give --remove-hpa or --allow-hpa, not both");
        if (p->ow_passes > 16) return err_set(EINVAL, "--overwrite-passes: 1 to 16");
        if (p->ow_pattern) {
                uint8_t b[4];
                if (strlen(p->ow_pattern) != 8 || hex_decode(p->ow_pattern, b, 4) < 0)
                        return err_set(EINVAL, "--pattern '%s': 8 hex digits (a 32-bit pattern)", p->ow_pattern);
        }
        s->fw = *p;
        s->fw_verify_all = p->verify && streq(p->verify, "all");
        snprintf(s->method.name, sizeof s->method.name, "%s", p->method);
        return 0;
}

static const char *offered_list(unsigned methods, char *buf, size_t n) {
        buf[0] = 0;
        for (int i = 0; i < SANITIZE_METHOD_COUNT; i++)
                if (methods & 1u << i) {
                        size_t l = strlen(buf);
                        snprintf(buf + l, n - l, "%s%s", l ? ", " : "", sanitize_method_name(1u << i));
                }
        if (!buf[0]) snprintf(buf, n, "none");
        return buf;
}

/* "2" or "/dev/nvme0n2" -> 2 */
static uint32_t parse_nsid(const char *s) {
        const char *p = strrchr(s, 'n');
        const char *num = p && strchr(s, '/') ? p + 1 : s;
        uint64_t v;
        return parse_uint64(num, &v) == 0 && v > 0 && v < UINT32_MAX ? (uint32_t) v : 0;
}

/* A format or sanitize that erases every namespace of the controller must
 * have each of the others named. */
static int check_namespaces(struct wipe_session *s, struct job *j) {
        const struct sanitize_caps *c = j->fw.caps;
        unsigned m = j->fw.method;
        if (!(m & NVME_METHODS)) return 0;
        bool all = (m & NVME_SANITIZE_METHODS) || c->format_all_namespaces || c->erase_all_namespaces;
        if (!all || c->namespaces <= 1) return 0;
        uint32_t ids[64];
        size_t n = 0;
        int r = sanitize_nvme_namespace_ids(c, ids, ELEMENTSOF(ids), &n);
        if (r < 0) return fw_err_about(r, "cannot list the namespaces of", strempty(c->controller));
        char missing[256] = "";
        for (size_t i = 0; i < n; i++) {
                if (ids[i] == c->nsid) continue;
                bool named = false;
                for (size_t k = 0; k < s->fw.n_also_namespaces; k++) named |= parse_nsid(s->fw.also_namespaces[k]) == ids[i];
                if (!named) {
                        size_t l = strlen(missing);
                        snprintf(missing + l, sizeof missing - l, "%s%u", l ? ", " : "", ids[i]);
                }
        }
        if (!missing[0]) return 0;
        return err_set(EPERM, "cannot wipe '%s' with %s: it also erases namespace%s %s of %s (%u active namespaces); name each with "
                              "--also-namespace to go on",
                       j->path, sanitize_method_name(m), strchr(missing, ',') ? "s" : "", missing, strempty(c->controller),
                       c->namespaces);
}

/* A wipe of this drive left 'started' with its command sent: resume it. */
static int find_resume(struct wipe_session *s, struct job *j) {
        static const char *const states[] = {"sent", "sending"};
        const char *serial = j->block ? j->dev->serial : NULL;
        for (size_t k = 0; k < ELEMENTSOF(states); k++) {
                _cleanup_json_ json_t *open = NULL;
                int r = wipe_firmware_open(s->db, states[k], &open);
                if (r < 0) return r;
                size_t i;
                json_t *w;
                json_array_foreach(open, i, w) {
                        const char *ws = json_str(json_object_get(w, "device"), "serial");
                        bool same = serial ? streq_ptr(ws, serial) : streq_ptr(json_str(w, "target"), j->path);
                        if (!same || !streq_ptr(json_str(w, "method"), sanitize_method_name(j->fw.method))) continue;
                        j->fw.resume_id = json_integer_value(json_object_get(w, "id"));
                        return 0;
                }
        }
        return 0;
}

int fw_job_prepare(struct wipe_session *s, struct job *j) {
        int r = sanitize_caps_get(j->path, &j->fw.caps);
        if (r < 0) return fw_err_about(r, "cannot wipe", j->path);
        const struct sanitize_caps *c = j->fw.caps;
        char list[512];
        if (s->purge) {
                j->fw.method = sanitize_purge_choice(c->methods);
                if (!j->fw.method)
                        return err_set(ENOTSUP, "cannot purge '%s': the drive offers no firmware sanitize (%s; available: none); "
                                                "overwrite it instead (--method nist-clear) and, if it is flash, send it to destruction",
                                       j->path, c->bus == SANITIZE_BUS_NONE ? "it answered no ATA, NVMe or SCSI sanitize query"
                                                                            : "no sanitize, format or security erase feature");
        } else {
                j->fw.method = s->fw_method;
                if (!(c->methods & j->fw.method))
                        return err_set(ENOTSUP, "cannot wipe '%s' with %s: the drive does not offer it (available: %s)", j->path,
                                       sanitize_method_name(j->fw.method), offered_list(c->methods, list, sizeof list));
        }
        const char *name = sanitize_method_name(j->fw.method);
        if (c->frozen && (j->fw.method & SECURITY_METHODS))
                return err_set(EBUSY, "cannot wipe '%s' with %s: the drive's security is frozen (the firmware or BIOS froze it at boot); "
                                      "suspend and resume the machine (systemctl suspend), or unplug and re-plug the drive, then try "
                                      "again; assetctl never unfreezes a drive itself",
                               j->path, name);
        if (j->fw.method & (SANITIZE_ATA_SANITIZE_CRYPTO | SANITIZE_ATA_SANITIZE_BLOCK | SANITIZE_ATA_SANITIZE_OVERWRITE)) {
                struct sanitize_poll p = {0};
                if (sanitize_poll_get(j->path, c, j->fw.method, &p) == 0 && p.frozen) {
                        sanitize_poll_done(&p);
                        return err_set(EBUSY, "cannot wipe '%s' with %s: the drive's sanitize is frozen (SANITIZE FREEZE LOCK); "
                                              "power-cycle it (unplug and re-plug, or a cold boot), then try again; assetctl never "
                                              "unfreezes a drive itself",
                                       j->path, name);
                }
                sanitize_poll_done(&p);
                err_clear();
        }
        r = check_namespaces(s, j);
        if (r < 0) return r;
        if (c->hpa.present && !s->fw.remove_hpa && !s->fw.allow_hpa)
                return err_set(EPERM, "cannot wipe '%s': a host protected area hides part of it (visible %llu sectors, native %llu); "
                                      "use --remove-hpa to restore the native size first (recorded), or --allow-hpa to wipe the "
                                      "visible part only (outcome erased_with_exceptions)",
                               j->path, (unsigned long long) c->hpa.current_max_sectors, (unsigned long long) c->hpa.native_max_sectors);
        j->fw.hpa_exception = c->hpa.present && s->fw.allow_hpa;
        if (c->dco.present && !s->fw.restore_dco)
                return err_set(EPERM, "cannot wipe '%s': a device configuration overlay hides part of it (factory %llu sectors, "
                                      "native %llu); use --restore-dco to restore it first (permanent)",
                               j->path, (unsigned long long) c->dco.factory_max_sectors, (unsigned long long) c->hpa.native_max_sectors);
        r = find_resume(s, j);
        if (r < 0) return r;
        free(j->warning);
        j->warning = j->fw.resume_id ? xasprintf("'%s': wipe %lld sent %s to this drive and did not see it end: it is resumed "
                                                 "(polled, not started again)",
                                                 j->path, (long long) j->fw.resume_id, name)
                                     : NULL;
        return 0;
}

int fw_job_record(struct wipe_session *s, struct job *j) {
        const char *name = sanitize_method_name(j->fw.method);
        if (j->fw.resume_id) {
                int r = wipe_record_resume(s->db, j->fw.resume_id, &j->rec);
                if (r < 0) return fw_err_about(r, "cannot resume the wipe of", j->path);
                json_t *fw = NULL;
                _cleanup_json_ json_t *w = NULL;
                r = wipe_get(s->db, j->fw.resume_id, &w);
                if (r < 0) return r;
                fw = json_object_get(w, "firmware");
                j->fw.record = fw ? json_deep_copy(fw) : json_object();
                json_object_set_new(j->fw.record, "resumed", json_true());
                j->recorded = true;
                return 0;
        }
        json_t *medium = json_object_get(j->match, "medium"), *a = json_object_get(j->match, "asset");
        _cleanup_json_ json_t *w = json_pack("{ss,ss,sO,ss,so,ss,sI,sI,sb}", "target", j->path, "target_kind",
                                             j->block ? "block" : "image", "device", j->identity, "method", name, "pass_list",
                                             s->fw.then_overwrite ? json_pack("[s]", "00") : json_array(), "verify", s->fw_verify_all ? "all" : "markers", "size_bytes", (json_int_t) j->t.size,
                                             "sector_size", (json_int_t) j->t.sector, "certify", s->certify);
        if (json_is_object(medium)) json_object_set(w, "medium_id", json_object_get(medium, "id"));
        if (json_is_object(a)) json_set_str(w, "asset_tag", json_str(a, "tag"));
        int r = wipe_record_begin(s->db, w, &j->rec);
        if (r < 0) return fw_err_about(r, "cannot record the wipe of", j->path);
        j->recorded = true;
        /* the kind the certificate will name (the registered medium's, as
         * cert verify reads it), else what the kernel says; the kernel's
         * rotational flag is wrong behind many USB bridges */
        const char *kind = json_str(medium, "kind");
        if (!kind) kind = j->block ? j->dev->kind : NULL;
        if (j->fw.method & NVME_METHODS) kind = "nvme";
        j->fw.record = json_pack("{ss,ss,ss,ss?,ss,ss}", "method", name, "technique", fw_technique(j->fw.method), "nist_category",
                                 fw_nist_category(j->fw.method, kind), "media_kind", kind, "recipe",
                                 s->fw.then_overwrite ? "firmware, overwrite (00), firmware, validation" : "firmware, validation",
                                 "requested", s->purge ? "purge" : name);
        json_t *offered = json_array();
        for (int i = 0; i < SANITIZE_METHOD_COUNT; i++)
                if (j->fw.caps->methods & 1u << i) json_array_append_new(offered, json_string(sanitize_method_name(1u << i)));
        json_object_set_new(j->fw.record, "offered", offered);
        r = wipe_record_firmware(s->db, &j->rec, name, "planned", j->fw.record);
        if (r < 0) return fw_err_about(r, "cannot record the wipe of", j->path);
        return 0;
}

/* ---- the run ---- */

static int64_t mono_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t real_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_ms(unsigned ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static unsigned poll_ms(void) {
#if ASSETCTL_TEST_HOOKS
        /* test builds: a scripted drive finishes in milliseconds */
        const char *e = getenv("ASSETCTL_TEST_POLL_MS");
        uint64_t v;
        if (!isempty(e) && parse_uint64(e, &v) == 0 && v > 0 && v < 60000) return (unsigned) v;
#endif
        return POLL_MS_DEFAULT;
}

static void progress(struct job *j, const char *phase, double fraction, double eta, bool stop_ignored) {
        struct wipe_session *s = j->s;
        if (!s->cb->progress) return;
        struct wipe_session_progress e = {
                .pass = 1, .n_passes = 1, .done = fraction < 0 ? 0 : (uint64_t) (fraction * 65536.0), .total = 65536, .eta = eta,
                .firmware = true, .phase = phase, .stop_ignored = stop_ignored,
        };
        s->cb->progress(s->cb->userdata, j->index, j->rec.id, &e);
}

static void save(struct job *j, const char *state) {
        int r = wipe_record_firmware(j->s->db, &j->rec, sanitize_method_name(j->fw.method), state, j->fw.record);
        if (r < 0 && !j->record_err) j->record_err = xstrdup(*err_msg() ? err_msg() : strerror(-r));
}

static void settings_of(const struct wipe_session *s, unsigned method, struct sanitize_settings *ret) {
        uint32_t pattern = 0;
        if (s->fw.ow_pattern) {
                uint8_t b[4];
                if (hex_decode(s->fw.ow_pattern, b, 4) == 0) pattern = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
        }
        *ret = (struct sanitize_settings) {.method = method, .owpass = s->fw.ow_passes ? s->fw.ow_passes : 1, .pattern = pattern};
}

/* Send the command (unless resuming) and wait for the drive: 0 when it
 * says done, else -errno with the reason. The stop flag is noted and
 * ignored: a firmware sanitize cannot be stopped. */
static int run_command(struct job *j, bool send, const char *key) {
        struct wipe_session *s = j->s;
        const struct sanitize_caps *c = j->fw.caps;
        unsigned m = j->fw.method;
        struct sanitize_settings set;
        settings_of(s, m, &set);
        set.timeout_s = s->fw.timeout_s;
        char t[32];
        if (send) {
                save(j, "sending");
                progress(j, "sending the command", 0, -1, false);
                json_t *cmd = NULL;
                int64_t t0 = real_ns();
                int r = sanitize_start(j->path, c, &set, &cmd);
                if (cmd) json_object_set_new(j->fw.record, key, cmd);
                wipe_time_iso(t0, t);
                json_object_set_new(cmd ? cmd : j->fw.record, "sent_at", json_string(t));
                if (r < 0) {
                        _cleanup_free_ char *why = xstrdup(err_msg());
                        json_set_str(j->fw.record, "error", why);
                        save(j, "refused");
                        return err_set(-r, "the drive did not run %s: %s", sanitize_method_name(m), why);
                }
                save(j, "sent");
        }
        int64_t start = mono_ms(), last_ok = start, deadline_s = s->fw.timeout_s;
        int i = sanitize_method_index(m);
        if (!deadline_s) deadline_s = c->estimate_seconds[i] ? (int64_t) c->estimate_seconds[i] * 3 + 3600 : DEFAULT_TIMEOUT_S;
        bool told = false;
        unsigned polls = 0, errors = 0, idle = 0;
        for (;;) {
                struct sanitize_poll p = {0};
                int r = sanitize_poll_get(j->path, c, m, &p);
                polls++;
                bool stop = s->opts.stop && *s->opts.stop;
                if (r < 0) {
                        /* a reset or a controller busy with the sanitize: keep asking */
                        errors++;
                        err_clear();
                        if (mono_ms() - last_ok > POLL_ERRORS_FOR_S * 1000) {
                                json_object_set_new(j->fw.record, "polls", json_pack("{sI,sI}", "count", (json_int_t) polls, "errors", (json_int_t) errors));
                                return err_set(EIO, "lost contact with the drive for %d s while it sanitized (%s)", POLL_ERRORS_FOR_S,
                                               strerror(-r));
                        }
                } else {
                        last_ok = mono_ms();
                        json_object_set(j->fw.record, "reported", p.reported);
                        double elapsed = (double) (mono_ms() - start) / 1000.0;
                        double eta = p.fraction > 0.001 && p.fraction < 1 ? elapsed * (1 - p.fraction) / p.fraction
                                     : c->estimate_seconds[i] ? (double) c->estimate_seconds[i] - elapsed : -1;
                        if (stop && !told) told = true;
                        progress(j, "sanitizing", p.fraction, eta, told);
                        enum sanitize_state st = p.state;
                        sanitize_poll_done(&p);
                        if (st == SANITIZE_STATE_DONE) break;
                        if (st == SANITIZE_STATE_FAILED) {
                                json_object_set_new(j->fw.record, "polls", json_pack("{sI,sI}", "count", (json_int_t) polls, "errors", (json_int_t) errors));
                                return err_set(EIO, "the drive reports that %s failed (failure mode: a new sanitize clears it)",
                                               sanitize_method_name(m));
                        }
                        if (st == SANITIZE_STATE_IDLE && ++idle * poll_ms() > 30000)
                                return err_set(EIO, "the drive reports no sanitize since it was sent (%u polls)", polls);
                }
                if (stop && !told) {
                        told = true;
                        progress(j, "sanitizing", -1, -1, true);
                }
                if ((mono_ms() - start) / 1000 > deadline_s) {
                        json_object_set_new(j->fw.record, "polls", json_pack("{sI,sI}", "count", (json_int_t) polls, "errors", (json_int_t) errors));
                        return err_set(ETIMEDOUT, "the drive did not finish %s within %lld s (it may still be running)",
                                       sanitize_method_name(m), (long long) deadline_s);
                }
                sleep_ms(poll_ms());
        }
        wipe_time_iso(real_ns(), t);
        json_object_set_new(j->fw.record, "completed_at", json_string(t));
        json_object_set_new(j->fw.record, "polls", json_pack("{sI,sI}", "count", (json_int_t) polls, "errors", (json_int_t) errors));
        return 0;
}

/* The overwrite pass of --then-overwrite: one pass of 00, recorded as a pass. */
static int overwrite_pass(struct job *j) {
        struct wipe_session *s = j->s;
        struct wipe_method m;
        int r = wipe_method_get("zero", &m);
        if (r < 0) return r;
        m.verify = WIPE_VERIFY_OFF;
        struct wipe_options o = s->opts;
        o.verify = WIPE_VERIFY_OFF;
        struct wipe_callbacks cb = {.userdata = j, .check_identity = wipe_session_check_identity, .pass_begin = wipe_session_pass_begin,
                                    .pass_end = wipe_session_pass_end, .progress = wipe_session_on_progress};
        struct wipe_result res = {0};
        wipe_run(&j->t, &m, &o, &cb, &res);
        if (res.outcome == WIPE_INTERRUPTED)
                r = err_set(EINTR, "interrupted during the overwrite pass, after the first firmware command (the second was not sent)");
        else
                r = res.outcome == WIPE_ERASED ? 0 : err_set(EIO, "the overwrite pass did not complete: %s", strempty(res.error));
        wipe_result_done(&res);
        return r;
}

/* After an HPA removed or a DCO restored: the markers must reach the
 * sectors that were hidden, so the kernel has to see them too. The size
 * the drive now has (its native, or factory, maximum) against what the
 * kernel gives after a rescan; refused when the kernel still sees less
 * (the change was volatile where the drive allows: a re-plug undoes it). */
static int fw_size_after(struct job *j) {
        const struct sanitize_caps *c = j->fw.caps;
        uint64_t sectors = json_object_get(j->fw.record, "dco_restored") && c->dco.factory_max_sectors ? c->dco.factory_max_sectors
                                                                                                        : c->hpa.native_max_sectors;
        uint64_t want = sectors * j->t.sector, now;
        int r = sanitize_visible_size(j->path, &now);
        if (r < 0) return r;
        if (sectors && now < want)
                return err_set(EAGAIN, "'%s': the drive now has %llu sectors but the kernel still sees %llu: re-plug it (or rescan it) "
                                       "and run the wipe again",
                               j->path, (unsigned long long) sectors, (unsigned long long) (now / j->t.sector));
        json_object_set_new(j->fw.record, "size_bytes_after", json_integer((json_int_t) now));
        j->t.size = now;
        return 0;
}

static int fw_steps(struct job *j) {
        struct wipe_session *s = j->s;
        const struct sanitize_caps *c = j->fw.caps;
        struct fw_markers mk = {0};
        int r;
        if (j->fw.resume_id) {
                r = fw_markers_from_json(json_object_get(j->fw.record, "markers"), &mk);
                if (r < 0) return r;
                r = run_command(j, false, "command");
        } else {
                if (c->hpa.present && s->fw.remove_hpa) {
                        json_t *h = NULL;
                        r = sanitize_hpa_remove(j->path, c, false, &h);
                        if (r < 0) return err_prefix(r, "cannot remove the host protected area");
                        json_object_set_new(j->fw.record, "hpa_removed", h);
                } else if (c->hpa.present) {
                        json_object_set_new(j->fw.record, "hpa_allowed",
                                            json_pack("{sI,sI}", "visible_sectors", (json_int_t) c->hpa.current_max_sectors,
                                                      "native_sectors", (json_int_t) c->hpa.native_max_sectors));
                }
                if (c->dco.present && s->fw.restore_dco) {
                        json_t *d = NULL;
                        r = sanitize_dco_restore(j->path, &d);
                        if (r < 0) return err_prefix(r, "cannot restore the device configuration overlay");
                        json_object_set_new(j->fw.record, "dco_restored", d);
                }
                if (json_object_get(j->fw.record, "hpa_removed") || json_object_get(j->fw.record, "dco_restored")) {
                        r = fw_size_after(j);
                        if (r < 0) return r;
                }
                progress(j, "planting markers", 0, -1, false);
                r = fw_markers_plan(j->t.size, j->t.sector, &mk);
                /* through a buffered descriptor of its own: a sector-sized
                 * write need not meet O_DIRECT's file system alignment */
                int mfd = r < 0 ? -1 : open(j->path, O_RDWR | O_CLOEXEC);
                if (r >= 0 && mfd < 0) r = err_set(errno, "cannot open '%s': %s", j->path, strerror(errno));
                if (r >= 0) r = fw_markers_write(mfd, 512, j->rec.id, &mk);
                if (mfd >= 0) close(mfd);
                if (r < 0) {
                        fw_markers_done(&mk);
                        return err_prefix(r, "cannot plant the markers");
                }
                json_object_set_new(j->fw.record, "markers", fw_markers_json(&mk));
                if (s->opts.stop && *s->opts.stop) {
                        fw_markers_done(&mk);
                        err_clear();
                        return -EINTR;
                }
                r = run_command(j, true, "command");
                if (r >= 0 && s->fw.then_overwrite) {
                        save(j, "overwriting");
                        r = overwrite_pass(j);
                        if (r >= 0) r = run_command(j, true, "second_command");
                }
        }
        if (r < 0) {
                fw_markers_done(&mk);
                return r;
        }
        save(j, "validating");
        progress(j, "validating", 1, 0, false);
        struct sanitize_settings set;
        settings_of(s, j->fw.method, &set);
        json_t *v = NULL;
        r = fw_validate(j->path, &mk, fw_expect_of(j->fw.method), set.pattern, set.invert, s->fw_verify_all, &v);
        fw_markers_done(&mk);
        if (r < 0) return err_prefix(r, "cannot read the drive back");
        json_object_set_new(j->fw.record, "validation", v);
        if (!json_is_true(json_object_get(v, "passed")))
                return err_set(EBADMSG, "the drive reported %s done but validation failed: %s", sanitize_method_name(j->fw.method),
                               json_str(v, "why"));
        return 0;
}

void *fw_thread(void *arg) {
        struct job *j = arg;
        struct wipe_session *s = j->s;
        j->res.started_ns = real_ns();
        int64_t t0 = mono_ms();
        int r = fw_steps(j);
        j->ran = true;
        j->res.ended_ns = real_ns();
        json_object_set_new(j->fw.record, "duration_s", json_integer((mono_ms() - t0) / 1000));
        const char *state;
        if (r == -EINTR) {
                j->res.outcome = WIPE_INTERRUPTED;
                j->res.error = xstrdup(*err_msg() ? err_msg() : "interrupted before the firmware command was sent");
                state = "interrupted";
        } else if (r < 0) {
                j->res.outcome = WIPE_FAILED;
                j->res.error = xstrdup(*err_msg() ? err_msg() : strerror(-r));
                state = r == -EBADMSG ? "validation failed" : "failed";
                json_set_str(j->fw.record, "error", j->res.error);
        } else {
                j->res.outcome = j->fw.hpa_exception ? WIPE_ERASED_EXCEPTIONS : WIPE_ERASED;
                if (j->fw.hpa_exception) j->res.error = xstrdup("a host protected area was left in place (--allow-hpa): only the visible part was sanitized");
                state = "done";
        }
        save(j, state);
        r = wipe_record_end(s->db, &j->rec, &j->res, s->signer);
        if (r < 0 && !j->record_err) j->record_err = xstrdup(*err_msg() ? err_msg() : strerror(-r));
        if (s->cb->ended) s->cb->ended(s->cb->userdata, j->index);
        return NULL;
}
