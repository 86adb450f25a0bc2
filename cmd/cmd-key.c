/* assetctl key ...: the school's (and authorisers') Ed25519 signing keys;
 * and the passphrase prompt every signing command shares. */
#include "commands.h"
#include "core.h"
#include "disposal.h"
#include "sign.h"

#include <fcntl.h>
#include <termios.h>

/* Read one line from the terminal with echo off. */
static int ask_tty(int fd, const char *prompt, char **ret) {
        struct termios old, quiet;
        bool restore = tcgetattr(fd, &old) == 0;
        if (restore) {
                quiet = old;
                quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
                quiet.c_lflag |= ICANON;
                tcsetattr(fd, TCSAFLUSH, &quiet);
        }
        if (write(fd, prompt, strlen(prompt)) < 0) {}
        char buf[PASSPHRASE_MAX + 2];
        size_t n = 0;
        char c;
        ssize_t k;
        while ((k = read(fd, &c, 1)) == 1 && c != '\n')
                if (n < sizeof buf - 1) buf[n++] = c;
        buf[n] = 0;
        if (restore) tcsetattr(fd, TCSAFLUSH, &old);
        if (write(fd, "\n", 1) < 0) {}
        if (k < 0 || (k == 0 && n == 0)) {
                OPENSSL_cleanse(buf, sizeof buf);
                return err_set(EIO, "no passphrase given");
        }
        if (n > PASSPHRASE_MAX) {
                OPENSSL_cleanse(buf, sizeof buf);
                return err_set(EINVAL, "the passphrase is longer than %d bytes", PASSPHRASE_MAX);
        }
        *ret = xstrdup(buf);
        OPENSSL_cleanse(buf, sizeof buf);
        return 0;
}

int cmd_passphrase(const char *file, bool confirm, const char *key_name, char **ret) {
        if (file) {
                unsigned mode = 0;
                int r = passphrase_from_file(file, ret, &mode);
                if (r < 0) return r;
                /* the file's name is not repeated: it may be a passphrase itself */
                if (mode & 044)
                        cmd_warn("the passphrase file of key '%s' can be read by %s (mode %04o): chmod 600 it", key_name,
                                 mode & 004 ? "others" : "its group", mode);
                return 0;
        }
        _cleanup_close_ int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) return err_set(ENOTTY, "no terminal to ask for the passphrase of key '%s': give --passphrase-file FILE", key_name);
        _cleanup_free_ char *prompt = xasprintf_safe("passphrase for key '%s': ", key_name);
        _cleanup_secret_ char *a = NULL, *b = NULL;
        int r = ask_tty(fd, prompt, &a);
        if (r < 0) return r;
        if (!*a) return err_set(EINVAL, "the passphrase is empty");
        if (confirm) {
                r = ask_tty(fd, "again, to confirm: ", &b);
                if (r < 0) return r;
                if (!streq(a, b)) return err_set(EINVAL, "the two passphrases differ");
        }
        *ret = TAKE_PTR(a);
        return 0;
}

int cmd_open_signer(struct ctx *ctx, const char *name, const char *key_dir, const char *pass_file, struct signer **ret) {
        _cleanup_free_ char *dir = keys_dir(ctx->db, key_dir);
        _cleanup_secret_ char *pass = NULL;
        _cleanup_json_ json_t *k = NULL;
        /* name the missing key before asking for a passphrase */
        if (key_get(ctx->db, name, &k) == -ENOENT)
                return err_set(ENOENT, "no key '%s' on the register: see 'assetctl key list'", name);
        int r = cmd_passphrase(pass_file, false, name, &pass);
        if (r < 0) return r;
        struct signer *s = NULL;
        r = signer_open(ctx->db, dir, name, pass, &s);
        if (r < 0) return r;
        /* an older key file was re-encrypted as it was unlocked (or could not be) */
        if (s->rekeyed && strstr(s->rekeyed, "could not")) cmd_warn("%s", s->rekeyed);
        else if (s->rekeyed) out_fprintf(stderr, "%s\n", s->rekeyed);
        *ret = s;
        return 0;
}

struct generate_args {
        const char *name, *owner, *pass_file, *key_dir;
};
static const struct opt generate_opts[] = {
        OPT_STRING("name", 0, "NAME", "the key's name (default 'school')", struct generate_args, name),
        OPT_STRING("owner", 0, "REF", "the person whose own key this is (for signed authorisations)", struct generate_args, owner),
        OPT_STRING_SECRET("passphrase-file", 0, "F", "read the passphrase from the first line of F; else it is\n"
                   "asked twice on the terminal (never on the command line)", struct generate_args, pass_file),
        OPT_STRING("key-dir", 0, "D", "where key files live (default: keys/ beside the register)", struct generate_args, key_dir),
        OPT_END,
};

static int key_generate_cmd(struct ctx *ctx, int argc, char **argv) {
        const struct generate_args *a = ctx->args;
        const char *name = a->name ? a->name : "school", *owner = a->owner, *pass_file = a->pass_file, *key_dir = a->key_dir;
        _cleanup_free_ char *dir = keys_dir(ctx->db, key_dir);
        _cleanup_secret_ char *pass = NULL;
        int r = cmd_passphrase(pass_file, true, name, &pass);
        if (r < 0) return cmd_fail("cannot generate key '%s': %s", name, err_msg());
        char fp[65];
        r = key_generate(ctx->db, dir, name, owner, pass, fp);
        if (r < 0) return cmd_fail("cannot generate key '%s': %s", name, err_msg());
        out_printf("key '%s': Ed25519, fingerprint %s\n", name, fp);
        out_printf("private key %s/%s.key (encrypted, mode 0600)\npublic key  %s/%s.pub.pem\n", dir, name, dir, name);
        return 0;
}

static const struct column key_cols[] = {
        {"name", "NAME"}, {"fingerprint", "FINGERPRINT"}, {"owner_ref", "OWNER"}, {"created_at", "CREATED"}, {NULL},
};

static int key_list_cmd(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = key_list(ctx->db, &rows);
        if (r < 0) return cmd_fail_err(r);
        if (fmt != OUT_JSON) {
                size_t i;
                json_t *k;
                json_array_foreach(rows, i, k) json_object_del(k, "public_pem");
        }
        out_list(fmt, key_cols, rows);
        return 0;
}

struct output_args {
        const char *out;
};
static const struct opt key_export_opts[] = {
        OPT_STRING("output", 'o', "FILE", "write to FILE (default: standard output)", struct output_args, out),
        OPT_END,
};

static int key_export_cmd(struct ctx *ctx, int argc, char **argv) {
        const char *out = ((const struct output_args *) ctx->args)->out;
        const char *name = argc > 1 ? argv[1] : "school";
        _cleanup_free_ char *pem = NULL;
        char fp[65];
        int r = key_public(ctx->db, name, &pem, fp);
        if (r < 0) return cmd_fail_err(r);
        if (!out || streq(out, "-")) {
                fputs(pem, stdout);
                return 0;
        }
        r = write_file_atomic(out, pem, strlen(pem), 0644);
        if (r < 0) return cmd_fail_err(r);
        out_printf("wrote the public key of '%s' (fingerprint %s) to %s\n", name, fp, out);
        return 0;
}

const struct command key_commands[] = {
        {"generate", key_generate_cmd, CMD_DB | CMD_WRITE, "", "make an Ed25519 signing key (private half encrypted with a passphrase)",
         NULL, OPTIONS(generate_opts, struct generate_args), POS(0, 0, "(a passphrase is never given on the command line)")},
        {"list", key_list_cmd, CMD_DB, "", "list the registered keys and their fingerprints", NULL, OPTIONS(format_opts, struct format_args)},
        {"export-public", key_export_cmd, CMD_DB, "[NAME]", "write a key's public half as PEM (for the disposal firm)", NULL,
         OPTIONS(key_export_opts, struct output_args), POS(0, 1, "give at most one key name")},
        {NULL},
};

/* FILE.json -> FILE.sig; anything else -> FILE.sig appended. */
char *cmd_sig_path_for(const char *path) {
        size_t l = strlen(path);
        return l > 5 && streq(path + l - 5, ".json") ? xasprintf("%.*s.sig", (int) (l - 5), path) : xasprintf("%s.sig", path);
}

const struct opt checkpoint_opts[] = {
        OPTS_SIGNER(struct checkpoint_args, "the registered signing key"),
        OPT_STRING("output", 'o', "FILE.json", "also write the signed checkpoint (and FILE.sig) to keep elsewhere",
                   struct checkpoint_args, out),
        OPT_END,
};

int cmd_audit_checkpoint(struct ctx *ctx, int argc, char **argv) {
        const struct checkpoint_args *a = ctx->args;
        const char *key = a->key, *pass_file = a->pass_file, *key_dir = a->key_dir, *out = a->out;
        if (!key) return cmd_usage_error(ctx, "--key NAME is required");
        _cleanup_signer_ struct signer *s = NULL;
        _cleanup_free_ char *statement = NULL;
        int r = cmd_open_signer(ctx, key, key_dir, pass_file, &s);
        if (r < 0) return cmd_fail_err(r);
        int64_t events;
        char head[65];
        uint8_t sig[SIG_LEN];
        r = audit_checkpoint(ctx->db, s, &events, head, &statement, sig);
        if (r < 0) return cmd_fail("cannot checkpoint the audit log: %s", err_msg());
        out_printf("checkpoint signed with key '%s': %lld events, head %s\n", s->name, (long long) events, head);
        if (out) {
                _cleanup_free_ char *sp = cmd_sig_path_for(out);
                if ((r = write_file_atomic(out, statement, strlen(statement), 0644)) < 0 ||
                    (r = write_file_atomic(sp, sig, SIG_LEN, 0644)) < 0)
                        return cmd_fail("the checkpoint is stored, but: %s", err_msg());
                out_printf("wrote %s and %s: keep them away from this machine\n", out, sp);
        }
        return 0;
}

int cmd_audit_checkpoints(struct ctx *ctx, const char *pub_path, const char *file) {
        _cleanup_pkey_ EVP_PKEY *pub = NULL;
        if (pub_path) {
                _cleanup_free_ char *pem = NULL;
                size_t n = 0;
                int r = read_file(pub_path, 65536, &pem, &n);
                if (r < 0) return cmd_fail_err(r);
                r = key_from_public_pem(pem, n, &pub);
                if (r < 0) return cmd_fail("'%s': %s", pub_path, err_msg());
        }
        if (file) {
                _cleanup_free_ char *doc = NULL, *sig = NULL, *sp = cmd_sig_path_for(file);
                size_t n = 0, sl = 0;
                int64_t events;
                int r = read_file(file, 65536, &doc, &n);
                if (r >= 0) r = read_file(sp, 4096, &sig, &sl);
                if (r < 0) return cmd_fail_err(r);
                if (!pub) return cmd_fail("--checkpoint needs --key PUB.pem to check it with");
                r = audit_checkpoint_file_verify(ctx->db, doc, n, (const uint8_t *) sig, sl, pub, &events);
                if (r < 0) return cmd_fail("audit log broken: %s", err_msg());
                out_printf("the log reaches the signed checkpoint in %s (%lld events)\n", file, (long long) events);
        }
        int r = audit_checkpoints_verify(ctx->db, pub);
        if (r < 0) return cmd_fail("audit log broken: %s", err_msg());
        if (r > 0) out_printf("%d signed checkpoint%s reached\n", r, r == 1 ? "" : "s");
        return 0;
}
