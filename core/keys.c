/* Signing keys on the register: files in the keys directory, the public half
 * and fingerprint in the keys table. */
#include "core-internal.h"
#include "disposal.h"
#include "sign.h"
#include "store-trust.h"

#include <ctype.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

void signer_free(struct signer *s) {
        if (!s) return;
        EVP_PKEY_free(s->key);
        free(s->name);
        free(s->rekeyed);
        free(s);
}

/* --key-dir; else keys/ beside a SQLite register; else, for a register on
 * a server (a trust), $XDG_DATA_HOME/assetctl/keys on this machine. */
char *keys_dir(struct db *db, const char *key_dir) {
        if (!isempty(key_dir)) return xstrdup(key_dir);
        if (db_where_is_server(db_path(db))) {
                const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
                if (!isempty(xdg) && xdg[0] == '/') return xasprintf("%s/assetctl/keys", xdg);
                return xasprintf("%s/.local/share/assetctl/keys", isempty(home) ? "/" : home);
        }
        _cleanup_free_ char *p = xstrdup(db_path(db));
        return xasprintf("%s/keys", dirname(p));
}

static bool key_name_valid(const char *n) {
        size_t len = strlen(n);
        if (len == 0 || len > 64 || n[0] == '.' || n[0] == '-') return false;
        for (const char *p = n; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("-_.", *p)) return false;
        return true;
}

/* Write a new file (O_EXCL) with exactly `mode`, whatever the umask. */
static int write_new_file(const char *path, const char *data, int mode) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) return err_set(errno, "cannot create '%s': %s", path, strerror(errno));
        size_t n = strlen(data);
        if (fchmod(fd, (mode_t) mode) < 0 || write(fd, data, n) != (ssize_t) n || fsync(fd) < 0) {
                int e = errno ? errno : EIO;
                unlink(path);
                return err_set(e, "cannot write '%s': %s", path, strerror(e));
        }
        return 0;
}

/* Re-encrypt the key file at path with the current key derivation: a new
 * file beside it (mode 0600, whatever the umask), synced, renamed over the
 * old one, and the directory synced. */
static int key_reencrypt(const char *path, EVP_PKEY *key, const char *passphrase) {
        _cleanup_secret_ char *pem = NULL;
        int r = key_private_pem(key, passphrase, &pem);
        if (r < 0) return r;
        _cleanup_free_ char *tmp = xasprintf("%s.new", path);
        unlink(tmp); /* left by an earlier attempt that was killed */
        r = write_new_file(tmp, pem, 0600);
        if (r < 0) return r;
        if (rename(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return err_set(e, "cannot replace '%s': %s", path, strerror(e));
        }
        _cleanup_free_ char *d = xstrdup(path);
        _cleanup_close_ int dfd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) (void) fsync(dfd);
        return 0;
}

int key_generate(struct db *db, const char *dir, const char *name, const char *owner_ref,
                 const char *passphrase, char ret_fp[65]) {
        if (!key_name_valid(name)) return err_set(EINVAL, "key name '%s': use letters, digits, '-', '_' or '.'", name);
        if (strlen(passphrase) < 8) return err_set(EINVAL, "the passphrase is too short: use at least 8 characters");
        _cleanup_json_ json_t *owner = NULL, *dup = NULL, *d = NULL;
        _cleanup_pkey_ EVP_PKEY *k = NULL;
        _cleanup_free_ char *pub = NULL, *priv_path = NULL, *pub_path = NULL;
        _cleanup_secret_ char *priv = NULL;
        char fp[65];
        bool written = false;
        int r = db_begin(db);
        if (r < 0) return r;
        if (db_key_get(db, name, &dup) == 0) {
                r = err_set(EEXIST, "key '%s' is already registered (fingerprint %s)", name, json_str(dup, "fingerprint"));
                goto fail;
        }
        if (owner_ref) {
                r = person_get(db, owner_ref, &owner);
                if (r < 0) goto fail;
        }
        r = mkdir_p(dir, 0700);
        if (r < 0) goto fail;
        priv_path = xasprintf("%s/%s.key", dir, name);
        pub_path = xasprintf("%s/%s.pub.pem", dir, name);
        if (access(priv_path, F_OK) == 0 || access(pub_path, F_OK) == 0) {
                r = err_set(EEXIST, "'%s' already exists: refusing to overwrite a key", priv_path);
                goto fail;
        }
        if ((r = key_new(&k)) < 0 || (r = key_fingerprint(k, fp)) < 0 || (r = key_public_pem(k, &pub)) < 0 ||
            (r = key_private_pem(k, passphrase, &priv)) < 0)
                goto fail;
        r = write_new_file(priv_path, priv, 0600);
        if (r < 0) goto fail;
        written = true;
        r = write_new_file(pub_path, pub, 0644);
        if (r < 0) goto fail;
        int64_t id;
        r = db_key_insert(db, name, fp, pub, owner ? json_integer_value(json_object_get(owner, "id")) : 0, &id);
        if (r < 0) goto fail;
        d = json_pack("{ssss}", "fingerprint", fp, "algorithm", "ed25519");
        if (owner) json_object_set_new(d, "owner", json_string(json_str(owner, "ref")));
        r = db_audit(db, "key.generate", name, d, "keys", id);
        if (r < 0) goto fail;
        r = db_commit(db);
        if (r < 0) goto fail;
        memcpy(ret_fp, fp, 65);
        return 0;
fail:
        db_rollback(db);
        if (written) {
                unlink(priv_path);
                unlink(pub_path);
        }
        return r;
}

int key_public(struct db *db, const char *name, char **ret_pem, char ret_fp[65]) {
        _cleanup_json_ json_t *k = NULL;
        int r = db_key_get(db, name, &k);
        if (r == -ENOENT) return err_set(ENOENT, "no key '%s' on the register: see 'assetctl key list'", name);
        if (r < 0) return r;
        *ret_pem = xstrdup(json_str(k, "public_pem"));
        if (ret_fp) snprintf(ret_fp, 65, "%s", json_str(k, "fingerprint"));
        return 0;
}

int signer_open(struct db *db, const char *dir, const char *name, const char *passphrase, struct signer **ret) {
        _cleanup_json_ json_t *k = NULL;
        int r = db_key_get(db, name, &k);
        if (r == -ENOENT) return err_set(ENOENT, "no key '%s' on the register: see 'assetctl key list'", name);
        if (r < 0) return r;
        _cleanup_free_ char *path = xasprintf("%s/%s.key", dir, json_str(k, "name"));
        struct stat st;
        if (stat(path, &st) == 0 && (st.st_mode & 077))
                return err_set(EPERM, "key file '%s' is readable by others (mode %04o): chmod 600 it", path, st.st_mode & 07777);
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        struct key_kdf kdf;
        r = key_load_private(path, passphrase, &key, &kdf);
        if (r < 0) return r;
        char fp[65];
        r = key_fingerprint(key, fp);
        if (r < 0) return r;
        if (!streq(fp, json_str(k, "fingerprint")))
                return err_set(EPERM, "key file '%s' (fingerprint %s) is not the registered key '%s' (%s)", path, fp, name,
                               json_str(k, "fingerprint"));
        _cleanup_free_ char *rekeyed = NULL;
        if (!key_kdf_current(&kdf)) {
                /* an older key: re-encrypted now, with the same passphrase,
                 * as it is unlocked; failing that, it still signs */
                const struct key_kdf now = {.kind = KEY_KDF_SCRYPT, .n = KEY_SCRYPT_N, .r = KEY_SCRYPT_R, .p = KEY_SCRYPT_P};
                _cleanup_free_ char *was = key_kdf_describe(&kdf), *is = key_kdf_describe(&now);
                r = key_reencrypt(path, key, passphrase);
                rekeyed = r < 0 ? xasprintf("key '%s' (%s) could not be re-encrypted: %s", name, was, err_msg())
                                : xasprintf("key '%s' re-encrypted with %s (was %s)", name, is, was);
        }
        struct signer *s = xcalloc(1, sizeof *s);
        s->key = TAKE_PTR(key);
        s->name = xstrdup(json_str(k, "name"));
        memcpy(s->fingerprint, fp, 65);
        json_t *pid = json_object_get(k, "person_id");
        s->person_id = json_is_integer(pid) ? json_integer_value(pid) : 0;
        s->rekeyed = TAKE_PTR(rekeyed);
        *ret = s;
        return 0;
}
