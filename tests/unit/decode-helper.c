/* See decode-helper.h. */
#include <sys/wait.h>
#include <fcntl.h>
#include <spawn.h>

#include "decode-helper.h"
#include "util.h"

extern char **environ;

int run_capture(char *const argv[], char **ret_out) {
        int fds[2];
        if (pipe(fds) < 0)
                return -1;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        /* zbarimg complains on stderr about D-Bus when there is none */
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (r != 0) {
                close(fds[0]);
                return -1;
        }
        struct strbuf sb = {0};
        char buf[4096];
        ssize_t n;
        while ((n = read(fds[0], buf, sizeof buf)) > 0)
                sb_add(&sb, buf, (size_t) n);
        close(fds[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        *ret_out = sb_take(&sb);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_zbarimg(void) {
        return access("/usr/bin/zbarimg", X_OK) == 0 || access("/usr/local/bin/zbarimg", X_OK) == 0;
}

static int cmpstr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int zbar_decode_file(const char *path, char ***ret_texts) {
        char *out = NULL;
        /* one symbol per line; tags and URLs hold no newlines */
        char *argv[] = { "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", (char *) path, NULL };
        int rc = run_capture(argv, &out);
        char **v = NULL;
        int n = 0;
        if (rc == 0) {
                char *save = NULL;
                for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        v = xrealloc(v, sizeof *v * (size_t) (n + 1));
                        v[n++] = xstrdup(line);
                }
        }
        free(out);
        if (n > 1)
                qsort(v, (size_t) n, sizeof *v, cmpstr);
        *ret_texts = v;
        return n;
}

void strv_free(char **v, int n) {
        for (int i = 0; i < n; i++)
                free(v[i]);
        free(v);
}
