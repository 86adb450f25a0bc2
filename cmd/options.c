/* The option tables' parser and printers (options.h). */
#include "cmd.h"

#include <limits.h>

const struct opt opts_none[] = {OPT_END};

static size_t opt_count(const struct opt *opts) {
        size_t n = 0;
        while (opts && opts[n].name) n++;
        return n;
}

/* Store one option's value; returns -1, or the usage exit status. */
static int opt_store(const struct ctx *ctx, const struct opt *o, void *args, const char *arg) {
        void *p = (char *) args + o->offset;
        switch (o->kind) {
        case OPTK_FLAG: *(bool *) p = true; break;
        case OPTK_SET: *(int *) p = (int) o->value; break;
        case OPTK_FORMAT: *(enum out_format *) p = (enum out_format) o->value; break;
        case OPTK_STRING: *(const char **) p = arg; break;
        case OPTK_OPTARG: *(struct opt_optarg *) p = (struct opt_optarg) {true, arg}; break;
        case OPTK_INT: {
                int64_t v;
                if (parse_int64(arg, &v) < 0 || v < o->min || v > o->max)
                        return cmd_usage_error(ctx, "--%s '%s' is not a number from %ld to %ld", o->name, arg, o->min, o->max);
                *(long *) p = (long) v;
                break;
        }
        case OPTK_LIST: {
                struct opt_list *l = p;
                l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
                l->v[l->n++] = arg;
                break;
        }
        case OPTK_ENUM:
                for (size_t i = 0; o->words[i]; i++)
                        if (streq(o->words[i], arg)) {
                                *(const char **) p = o->words[i];
                                return -1;
                        }
                _cleanup_free_ char *all = xstrdup("");
                for (size_t i = 0; o->words[i]; i++) {
                        char *n = xasprintf("%s%s%s", all, i == 0 ? "" : o->words[i + 1] ? ", " : " or ", o->words[i]);
                        free(all);
                        all = n;
                }
                return cmd_usage_error(ctx, "--%s '%s': use %s", o->name, arg, all);
        }
        return -1;
}

/* getopt_long's tables for opts: long[] (val 0x100 + index, then --help)
 * and the short option string. */
static void opt_getopt_tables(const struct opt *opts, size_t n, struct option *lo, char *so) {
        size_t k = 0;
        so[k++] = ':'; /* a missing argument is ':', told apart from '?' */
        so[k++] = 'h';
        for (size_t i = 0; i < n; i++) {
                bool optional = opts[i].kind == OPTK_OPTARG;
                lo[i] = (struct option) {opts[i].name, optional ? optional_argument : opts[i].arg ? required_argument : no_argument, NULL,
                                         0x100 + (int) i};
                if (opts[i].short_name) {
                        so[k++] = (char) opts[i].short_name;
                        if (opts[i].arg) so[k++] = ':';
                        if (optional) so[k++] = ':';
                }
        }
        so[k] = 0;
        lo[n] = (struct option) {"help", no_argument, NULL, 'h'};
        lo[n + 1] = (struct option) {0};
}

/* Is word one of an OPTK_OPTARG option's words (a word ending in ':' a
 * prefix)? */
static bool opt_next_word(const struct opt *o, const char *word) {
        for (size_t i = 0; o->words && o->words[i]; i++) {
                size_t l = strlen(o->words[i]);
                if (l && o->words[i][l - 1] == ':' ? strncmp(word, o->words[i], l) == 0 : streq(word, o->words[i])) return true;
        }
        return false;
}

static int opt_check_counts(const struct ctx *ctx, const struct command *c, const bool *seen, int argc, char **argv, int first) {
        int n = argc - first;
        if (n < c->min_args || n > c->max_args) {
                bool aside = c->args_error && c->args_error[0] == '(';
                if (c->args_error && !aside) return cmd_usage_error(ctx, "%s", c->args_error);
                if (n > c->max_args)
                        return cmd_usage_error(ctx, "unexpected argument '%s'%s%s", argv[first + c->max_args], aside ? " " : "", aside ? c->args_error : "");
                return cmd_usage_error(ctx, "give %s", c->synopsis);
        }
        for (size_t i = 0; c->opts[i].name; i++)
                if ((c->opts[i].flags & OPT_REQUIRED) && !seen[i]) return cmd_usage_error(ctx, "--%s is required", c->opts[i].name);
        return -1;
}

/* The name of a long option as typed: argv element e without "--" and
 * without any "=VALUE" (which may be a secret), as a new string. */
static char *opt_typed(const char *e) {
        if (strncmp(e, "--", 2) == 0) e += 2;
        return xstrndup(e, strcspn(e, "="));
}

/* getopt_long's own messages, said here instead (opterr is 0) because
 * glibc's repeat an unrecognised "--name=VALUE" whole, and VALUE may be a
 * passphrase typed after a mistyped option. ch is what getopt_long returned
 * ('?' or ':'). Returns the usage exit status. */
static int opt_getopt_error(const struct ctx *ctx, const struct opt *opts, size_t n, int ch, char **argv) {
        const char *prog = argv[0];
        if (optopt >= 0x100 && (size_t) optopt - 0x100 < n) {
                const char *name = opts[optopt - 0x100].name;
                if (ch == ':') out_fprintf(stderr, "%s: option '--%s' requires an argument\n", prog, name);
                else out_fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n", prog, name);
        } else if (optopt == 'h' && ch == '?') {
                out_fprintf(stderr, "%s: option '--help' doesn't allow an argument\n", prog);
        } else if (optopt != 0) {
                /* as a string, so that the escaping sees it: it may be a control byte */
                const char opt[2] = {(char) optopt, 0};
                if (ch == ':') out_fprintf(stderr, "%s: option requires an argument -- '%s'\n", prog, opt);
                else out_fprintf(stderr, "%s: invalid option -- '%s'\n", prog, opt);
        } else {
                /* an unknown or ambiguous long option: getopt has stepped past it */
                _cleanup_free_ char *typed = opt_typed(argv[optind - 1]);
                size_t l = strlen(typed), matches = 0;
                for (size_t i = 0; i < n; i++) matches += strncmp(opts[i].name, typed, l) == 0;
                matches += strncmp("help", typed, l) == 0;
                if (matches < 2 || l == 0) {
                        out_fprintf(stderr, "%s: unrecognized option '--%s'\n", prog, typed);
                } else {
                        out_fprintf(stderr, "%s: option '--%s' is ambiguous; possibilities:", prog, typed);
                        for (size_t i = 0; i < n; i++)
                                if (strncmp(opts[i].name, typed, l) == 0) out_fprintf(stderr, " '--%s'", opts[i].name);
                        if (strncmp("help", typed, l) == 0) fputs(" '--help'", stderr);
                        fputc('\n', stderr);
                }
        }
        return cmd_bad_option(ctx);
}

/* getopt_long accepts any unambiguous abbreviation; an option that carries
 * a secret must be spelt in full, or "--passphrase SECRET" is taken as
 * --passphrase-file with SECRET for its file (and echoed when it cannot be
 * opened). The option just parsed is argv[optind - 1], or the one before
 * when its argument was the next word. Returns -1, or the usage status. */
static int opt_check_spelling(const struct ctx *ctx, const struct opt *o, char **argv) {
        if (!(o->flags & OPT_SECRET)) return -1;
        const char *e = optarg && optarg == argv[optind - 1] && optind >= 2 ? argv[optind - 2] : argv[optind - 1];
        _cleanup_free_ char *typed = opt_typed(e);
        if (streq(typed, o->name)) return -1;
        return cmd_usage_error(ctx, "'--%s' is short for '--%s': an option that carries a secret must be given in full", typed, o->name);
}

int opt_parse(const struct ctx *ctx, const struct command *c, int argc, char **argv, void *args, int *ret_first) {
        size_t n = opt_count(c->opts);
        _cleanup_free_ struct option *lo = xcalloc(n + 2, sizeof *lo);
        _cleanup_free_ char *so = xcalloc(3 * n + 3, 1);
        _cleanup_free_ bool *seen = xcalloc(n + 1, sizeof *seen);
        opt_getopt_tables(c->opts, n, lo, so);
        for (size_t i = 0; i < n; i++)
                if (c->opts[i].kind == OPTK_INT) *(long *) ((char *) args + c->opts[i].offset) = c->opts[i].value;
        cmd_getopt_reset();
        opterr = 0; /* opt_getopt_error says it, without the values */
        int ch;
        while ((ch = getopt_long(argc, argv, so, lo, NULL)) != -1) {
                if (ch == 'h') return cmd_help(ctx);
                if (ch == '?' || ch == ':') return opt_getopt_error(ctx, c->opts, n, ch, argv);
                size_t i = (size_t) ch - 0x100;
                if (ch < 0x100)
                        for (i = 0; i < n && c->opts[i].short_name != ch; i++) {}
                if (i >= n) return cmd_bad_option(ctx);
                int u = opt_check_spelling(ctx, &c->opts[i], argv);
                if (u >= 0) return u;
                seen[i] = true;
                const char *arg = optarg;
                if (c->opts[i].kind == OPTK_OPTARG && !arg && optind < argc && opt_next_word(&c->opts[i], argv[optind]))
                        arg = argv[optind++];
                u = opt_store(ctx, &c->opts[i], args, arg);
                if (u >= 0) return u;
        }
        int u = opt_check_counts(ctx, c, seen, argc, argv, optind);
        if (u >= 0) return u;
        *ret_first = optind;
        return -1;
}

void opt_free(const struct opt *opts, void *args) {
        for (size_t i = 0; opts && opts[i].name; i++)
                if (opts[i].kind == OPTK_LIST) {
                        struct opt_list *l = (struct opt_list *) ((char *) args + opts[i].offset);
                        free(l->v);
                        *l = (struct opt_list) {0};
                }
}

/* "--name ARG" or "-o, --name ARG" into a new string. */
static char *opt_term(const struct opt *o) {
        if (o->kind == OPTK_OPTARG && o->short_name) return xasprintf("-%c, --%s [%s]", o->short_name, o->name, o->arg);
        if (o->kind == OPTK_OPTARG) return xasprintf("--%s [%s]", o->name, o->arg);
        if (o->short_name) return xasprintf("-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "", strempty(o->arg));
        return xasprintf("--%s%s%s", o->name, o->arg ? " " : "", strempty(o->arg));
}

char *opt_synopsis(const struct command *c) {
        char *s = xstrdup(strempty(c->synopsis));
        size_t optional = 0;
        for (const struct opt *o = c->opts; o && o->name; o++)
                if (!(o->flags & OPT_REQUIRED) && !(o > c->opts && (o[-1].flags & OPT_JOINED))) optional++;
        for (int pass = 0; pass < 2; pass++)
                for (const struct opt *o = c->opts; o && o->name; o++) {
                        bool req = o->flags & OPT_REQUIRED;
                        if (req != (pass == 0) || (o > c->opts && (o[-1].flags & OPT_JOINED))) continue;
                        if (!req && optional > 4) break;
                        char *n;
                        if (o->flags & OPT_JOINED)
                                n = xasprintf("%s%s[--%s|--%s]", s, *s ? " " : "", o->name, o[1].name);
                        else if (o->kind == OPTK_OPTARG)
                                n = xasprintf("%s%s[--%s [%s]]", s, *s ? " " : "", o->name, o->arg);
                        else
                                n = xasprintf("%s%s%s--%s%s%s%s%s", s, *s ? " " : "", req ? "" : "[", o->name, o->arg ? " " : "",
                                              strempty(o->arg), req ? "" : "]", o->kind == OPTK_LIST ? "..." : "");
                        free(s);
                        s = n;
                }
        if (optional > 4) {
                char *n = xasprintf("%s%s[OPTIONS]", s, *s ? " " : "");
                free(s);
                s = n;
        }
        return s;
}

/* Print help text starting at column col, later lines indented to it. */
static void print_indented(const char *help, int col) {
        for (const char *p = help; *p; ) {
                const char *nl = strchrnul(p, '\n');
                if (p != help) printf("%*s", col, "");
                printf("%.*s\n", (int) (nl - p), p);
                p = *nl ? nl + 1 : nl;
        }
}

void opt_print_help(const struct opt *opts) {
        enum { WIDTH = 19 };
        for (const struct opt *o = opts; o && o->name; o++) {
                _cleanup_free_ char *t = opt_term(o);
                if (o->flags & OPT_JOINED) {
                        _cleanup_free_ char *t2 = opt_term(o + 1);
                        char *j = xasprintf("%s, %s", t, t2);
                        free(t);
                        t = j;
                }
                if (strlen(t) <= WIDTH)
                        printf("  %-*s  ", WIDTH, t);
                else
                        printf("  %s\n%*s", t, WIDTH + 4, "");
                print_indented(o->help, WIDTH + 4);
                if (o->flags & OPT_JOINED) o++;
        }
}

void opt_print_names(const struct opt *opts) {
        for (const struct opt *o = opts; o && o->name; o++) printf(" --%s", o->name);
}

static void opt_print_man_term(const struct opt *o) {
        if (o->short_name) printf("*-%c*, ", o->short_name);
        if (o->kind == OPTK_OPTARG) printf("*--%s* [_%s_]", o->name, o->arg);
        else printf("*--%s*%s%s%s", o->name, o->arg ? " _" : "", strempty(o->arg), o->arg ? "_" : "");
}

void opt_print_man(const struct opt *opts) {
        for (const struct opt *o = opts; o && o->name; o++) {
                printf("\t");
                opt_print_man_term(o);
                if (o->flags & OPT_JOINED) {
                        printf(", ");
                        opt_print_man_term(o + 1);
                }
                printf("\n");
                for (const char *p = o->help; *p; ) {
                        const char *nl = strchrnul(p, '\n');
                        /* scdoc: a line starting with '-' would start a list */
                        printf("\t\t%s%.*s\n", *p == '-' ? "\\" : "", (int) (nl - p), p);
                        p = *nl ? nl + 1 : nl;
                }
                printf("\n");
                if (o->flags & OPT_JOINED) o++;
        }
}
