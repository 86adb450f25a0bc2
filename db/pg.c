/* The PostgreSQL engine (engine.h) over libpq: a trust's register on a
 * server, one school per connection.
 *
 * A connection (struct pg_conn, db->conn) is opened from the libpq URI in
 * db->where; passwords come only from libpq's own places (~/.pgpass,
 * PGPASSFILE, a service file), so a URI holding one is refused, and TLS is
 * whatever the URI's sslmode/sslrootcert (or PGSSLMODE...) ask libpq for.
 * At connect the session turns the before-image capture on
 * (assetctl.capture: the schema's triggers fill audit_before only then);
 * once the migrations are done (pg_opened()) the database's owner acts as
 * the trust's admin group role, so that row-level security narrows it as
 * everyone else, and the session gets its school (assetctl.school, see
 * pg_pick_school()). An empty database opened with DB_CREATE (trust init)
 * gets the trust part of the schema first (pg_create()).
 *
 * Statements are prepared on the server under a generated name; the query
 * text is the SQLite text with `?N` turned into `$N` and the school's
 * column put first in ON CONFLICT targets (pg_translate()). Parameters are
 * sent as text (integers and reals formatted) or, for blobs, as binary;
 * results come back as text, bytea as its hex form decoded on demand. An
 * INSERT without RETURNING gets `RETURNING rowid` appended, so last_id()
 * costs no round trip.
 *
 * Server errors become -errno by SQLSTATE (pg_errno_of()), the message
 * naming what failed, then the server's own words. */
#include "db-internal.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "util.h"

/* The first key of every write lock (pg_advisory_xact_lock(key, school)):
 * "ass" in ASCII, the trust-wide constant of the PostgreSQL conventions. */
#define PG_WRITE_LOCK_KEY 0x617373

/* Type oids (pg_type.h, stable across releases). */
enum {
        PG_BOOLOID = 16, PG_BYTEAOID = 17, PG_NAMEOID = 19, PG_INT8OID = 20,
        PG_INT2OID = 21, PG_INT4OID = 23, PG_TEXTOID = 25, PG_OIDOID = 26,
        PG_JSONOID = 114, PG_FLOAT4OID = 700, PG_FLOAT8OID = 701,
        PG_BPCHAROID = 1042, PG_VARCHAROID = 1043, PG_NUMERICOID = 1700,
        PG_JSONBOID = 3802,
};

/* A table's columns in their order, as the before-images need them. */
struct pg_table {
        char *name;
        int n;
        char **col;
        unsigned *oid;
};

struct pg_conn {
        PGconn *c;
        char *label;          /* "host:port/database" for messages */
        unsigned next_name;   /* prepared statements are named s1, s2, ... */
        int64_t last_id;      /* rowid of the last INSERT's (last) row */
        struct pg_table *tables; /* column lists read for before-images */
        size_t n_tables;
        char *later;          /* the `what` of a statement sent by
                               * pg_step_later() whose outcome is unread */
        int failed;           /* -errno of such a statement that failed, */
        char *failed_msg;     /* and its message, until the transaction ends */
        bool school_named;    /* the school was named (ASSETCTL_SCHOOL, the
                               * login's one school, use_school()): writes in
                               * school 0 are the trust's own only then */
};

struct pg_stmt {
        struct db_stmt base;  /* first: the store finds the engine here */
        struct db *db;
        char name[24];        /* the server's name of the prepared statement */
        int nparams;          /* the highest $N */
        bool returning_rowid; /* we appended RETURNING rowid (last_id) */
        char **val;           /* parameter values, NULL = SQL NULL */
        bool *own;            /* val[i] is ours to free (not bound by reference) */
        int *len, *fmt;       /* lengths and formats (1: binary) */
        PGresult *res;        /* the execution's rows, NULL before step */
        PGresult *desc;       /* the columns before a step (described once) */
        int row;              /* the current row, -1 before the first */
        int nrows;
        uint8_t **blob;       /* per column: the current row's decoded bytea */
        size_t *blob_n;
        int blob_row;         /* the row blob[] was decoded for */
};

static struct pg_conn *conn_of(struct db *db) { return db->conn; }

static void pqclearp(PGresult **r) { if (*r) PQclear(*r); }
#define _cleanup_pgresult_ _cleanup_(pqclearp)

/* The server as messages name it, from libpq's view of the connection. */
static char *pg_label(PGconn *c) {
        const char *host = c ? PQhost(c) : NULL, *port = c ? PQport(c) : NULL, *dbn = c ? PQdb(c) : NULL;
        return xasprintf("%s:%s/%s", isempty(host) ? "localhost" : host, isempty(port) ? "5432" : port,
                         strempty(dbn));
}

/* libpq's message on one line: its lines joined with "; ", no trailing
 * newline, the "ERROR:  " prefix dropped. */
static char *pg_oneline(const char *m) {
        struct strbuf sb = {0};
        if (!m) m = "";
        if (strncmp(m, "ERROR:  ", 8) == 0) m += 8;
        for (const char *p = m; *p; p++) {
                if (*p == '\n') {
                        const char *q = p + 1;
                        while (*q == '\t' || *q == ' ') q++;
                        if (*q) sb_puts(&sb, "; ");
                        p = q - 1;
                } else
                        sb_add(&sb, p, 1);
        }
        return sb_take(&sb);
}

/* The errno of a SQLSTATE; NULL (no state: the connection failed) is EIO. */
static int pg_errno_of(const char *state) {
        if (!state || strlen(state) != 5) return EIO;
        if (strncmp(state, "23", 2) == 0) return EEXIST;      /* integrity constraints, as SQLite's */
        if (streq(state, "40001") || streq(state, "40P01") || streq(state, "55P03") || streq(state, "57014"))
                return EBUSY;                                 /* serialization, deadlock, lock or statement timeout */
        if (streq(state, "42501")) return EACCES;
        if (streq(state, "25006")) return EROFS;
        if (streq(state, "53100")) return ENOSPC;
        if (streq(state, "53200")) return ENOMEM;
        if (streq(state, "XX001") || streq(state, "XX002")) return EBADMSG;
        return EIO;
}

/* -errno with a message for a failed result (res may be NULL when libpq
 * returned none): what failed, then the server's words. */
static int pg_error(struct db *db, const PGresult *res, const char *what) {
        struct pg_conn *pc = conn_of(db);
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        _cleanup_free_ char *msg = pg_oneline(primary ? primary
                                                      : res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                                                                          : PQerrorMessage(pc->c));
        if (PQstatus(pc->c) == CONNECTION_BAD || (state && strncmp(state, "08", 2) == 0))
                return err_set(EIO, "%s: lost the connection to the server '%s': %s", what, pc->label, msg);
        /* the transaction was failed by a statement whose outcome came
         * late (pg_settle()): its error is the one that tells */
        if (state && streq(state, "25P02") && pc->failed_msg) return err_set(-pc->failed, "%s", pc->failed_msg);
        int e = pg_errno_of(state);
        if (e == EACCES) {
                const char *user = PQuser(pc->c);
                if (strstr(msg, "row-level security"))
                        return err_set(EACCES, "%s: login '%s' may not write the rows of school %" PRId64 ": %s", what,
                                       strempty(user), db->school, msg);
                return err_set(EACCES, "%s: login '%s' is not allowed to: %s", what, strempty(user), msg);
        }
        return err_set(e, "%s: %s", what, msg);
}

/* Take the outcome of the statement pg_step_later() sent, if any: every
 * other talk with the server comes after it. Its failure is returned, and
 * kept until the transaction ends, since it failed the transaction. */
static int pg_settle(struct db *db) {
        struct pg_conn *pc = conn_of(db);
        if (!pc->later) return 0;
        _cleanup_free_ char *what = TAKE_PTR(pc->later);
        int r = 0;
        PGresult *res;
        while ((res = PQgetResult(pc->c))) {
                ExecStatusType s = PQresultStatus(res);
                if (r >= 0 && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) r = pg_error(db, res, what);
                PQclear(res);
        }
        if (r < 0 && !pc->failed) {
                pc->failed = r;
                pc->failed_msg = xstrdup(err_msg());
        }
        return r;
}

/* The transaction is over: a late failure is no longer the reason. */
static void pg_forget_failure(struct pg_conn *pc) {
        pc->failed = 0;
        free(pc->failed_msg);
        pc->failed_msg = NULL;
}

/* Run sql (no parameters) and check its status; the result is handed out
 * when ret is given. */
static int pg_run(struct db *db, const char *sql, const char *what, PGresult **ret) {
        int r = pg_settle(db);
        if (r < 0) return r;
        _cleanup_pgresult_ PGresult *res = PQexec(conn_of(db)->c, sql);
        ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return pg_error(db, res, what);
        if (ret) *ret = TAKE_PTR(res);
        return 0;
}

/* Run sql with text parameters; the rows are handed out in *ret. */
static int pg_query(struct db *db, const char *sql, int n, const char *const *params, const char *what, PGresult **ret) {
        int r = pg_settle(db);
        if (r < 0) return r;
        _cleanup_pgresult_ PGresult *res = PQexecParams(conn_of(db)->c, sql, n, NULL, params, NULL, NULL, 0);
        ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return pg_error(db, res, what);
        if (ret) *ret = TAKE_PTR(res);
        return 0;
}

/* Which school this connection works for, when the caller has not set
 * db->school: the school ASSETCTL_SCHOOL names (by code), else the one
 * school the login holds grants for, else 0 (the trust itself: read-only
 * trust-level use). A database without the trust tables (before `trust
 * init`) is school 0. The lead's --school handling replaces this. */
static int pg_pick_school(struct db *db, int64_t *ret) {
        struct pg_conn *pc = conn_of(db);
        const char *code = getenv("ASSETCTL_SCHOOL");
        _cleanup_pgresult_ PGresult *res = NULL;
        int r;

        r = pg_run(db, "SELECT to_regclass('schools') IS NOT NULL AND to_regclass('grants') IS NOT NULL", "cannot look up the schools", &res);
        if (r < 0) return r;
        bool trust = streq(PQgetvalue(res, 0, 0), "t");
        PQclear(TAKE_PTR(res));
        if (!isempty(code)) {
                if (!trust) return err_set(ENOENT, "no school '%s' on '%s': the database is not a trust (run 'assetctl trust init')", code, pc->label);
                const char *p[] = {code};
                r = pg_query(db, "SELECT id FROM schools WHERE code = $1", 1, p, "cannot look up the schools", &res);
                if (r < 0) return r;
                if (PQntuples(res) != 1) return err_set(ENOENT, "no school '%s' in the trust '%s'", code, pc->label);
                return parse_int64(PQgetvalue(res, 0, 0), ret) < 0 ? err_set(EIO, "school '%s': bad id", code) : 0;
        }
        *ret = 0;
        if (!trust) return 0;
        /* the grants of the login and of the roles it is a member of; a
         * login that may not read them is school 0 as well */
        res = PQexec(pc->c, "SELECT DISTINCT school_id FROM grants WHERE school_id IS NOT NULL"
                            " AND pg_has_role(current_user, db_role, 'MEMBER') LIMIT 2");
        if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
                (void) parse_int64(PQgetvalue(res, 0, 0), ret);
        return 0;
}

/* Refuse a URI that holds a password (or that libpq cannot read); the
 * message names the server from the URI alone, never the password. */
static int pg_check_uri(const char *where) {
        char *perr = NULL;
        PQconninfoOption *opts = PQconninfoParse(where, &perr);
        if (!opts) {
                _cleanup_free_ char *m = pg_oneline(perr ? perr : "out of memory");
                PQfreemem(perr);
                return err_set(EINVAL, "cannot read the database URI: %s", m);
        }
        const char *host = NULL, *port = NULL, *dbn = NULL;
        bool pw = false;
        for (PQconninfoOption *o = opts; o->keyword; o++) {
                if (!o->val) continue;
                if (streq(o->keyword, "password") && *o->val) pw = true;
                else if (streq(o->keyword, "host")) host = o->val;
                else if (streq(o->keyword, "port")) port = o->val;
                else if (streq(o->keyword, "dbname")) dbn = o->val;
        }
        int r = 0;
        if (pw)
                r = err_set(EINVAL, "refusing the URI of the server '%s:%s/%s': it holds a password; "
                                    "keep passwords in ~/.pgpass, PGPASSFILE or a service file",
                            isempty(host) ? "localhost" : host, isempty(port) ? "5432" : port, strempty(dbn));
        PQconninfoFree(opts);
        return r;
}

static void pg_close(struct db *db);
static int pg_exec(struct db *db, const char *sql, const char *what);

/* The server's notices below a warning (NOTICE and the like: "role x is
 * already a member of role y" when a grant gives a login a group role it
 * holds for another school) are the server's business, not the user's:
 * dropped, where libpq's receiver would print them. Warnings still reach
 * it. */
static PQnoticeReceiver pg_libpq_receiver;
static void pg_notice(void *arg, const PGresult *res) {
        const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (sev && (streq(sev, "NOTICE") || streq(sev, "INFO") || streq(sev, "LOG") || streq(sev, "DEBUG"))) return;
        if (pg_libpq_receiver) pg_libpq_receiver(arg, res);
}

static int pg_open(struct db *db, unsigned flags) {
        int r = pg_check_uri(db->where);
        if (r < 0) return r;
        /* the URI first, then what we insist on: later keywords win */
        const char *const keys[] = {"dbname", "client_encoding", "application_name", NULL};
        const char *const vals[] = {db->where, "UTF8", "assetctl", NULL};
        PGconn *c = PQconnectdbParams(keys, vals, 1);
        if (!c) return err_set(ENOMEM, "cannot connect: out of memory");
        if (PQstatus(c) != CONNECTION_OK) {
                _cleanup_free_ char *label = pg_label(c);
                _cleanup_free_ char *m = pg_oneline(PQerrorMessage(c));
                bool unreachable = strstr(m, "No such file or directory") || strstr(m, "Connection refused") ||
                                   strstr(m, "could not translate host name") || strstr(m, "timeout expired");
                PQfinish(c);
                return err_set(unreachable ? ECONNREFUSED : EIO, "cannot connect to the server '%s': %s", label, m);
        }
        PQnoticeReceiver libpq = PQsetNoticeReceiver(c, pg_notice, NULL);
        if (libpq != pg_notice) pg_libpq_receiver = libpq;
        struct pg_conn *pc = xcalloc(1, sizeof(*pc));
        pc->c = c;
        pc->label = pg_label(c);
        db->conn = pc;

        const char *ro[] = {flags & DB_READONLY ? "on" : "off"};
        r = pg_query(db, "SELECT set_config('assetctl.capture', 'on', false),"
                         " set_config('default_transaction_read_only', $1, false)",
                     1, ro, "cannot set up the session", NULL);
        if (r < 0) {
                pg_close(db);
                return r;
        }
        return 0;
}

static int pg_set_school(struct db *db, int64_t school) {
        char s[24];
        snprintf(s, sizeof(s), "%" PRId64, school);
        const char *p[] = {s};
        return pg_query(db, "SELECT set_config('assetctl.school', $1, false)", 1, p, "cannot set the school", NULL);
}

/* An empty database made a trust: the trust part, before the migrations
 * (trust init, by the database's owner). */
static int pg_create(struct db *db) {
        return pg_exec(db, db_pg_trust_init, "cannot create the trust's schema");
}

/* The owner runs assetctl as the trust's admin group role (of which trust
 * init made it a member), so that row-level security narrows it to the
 * connection's school as it does everyone else; psql sessions of the owner
 * are not narrowed. Then the school. */
static int pg_opened(struct db *db, unsigned flags) {
        struct pg_conn *pc = conn_of(db);
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_run(db, "SELECT pg_get_userbyid(d.datdba) = current_user AND to_regclass('grants') IS NOT NULL"
                           " AND EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = current_database() || '_admin'),"
                           " current_database() || '_admin' FROM pg_database d WHERE d.datname = current_database()",
                       "cannot look up the database's owner", &res);
        if (r < 0) return r;
        if (PQntuples(res) == 1 && streq(PQgetvalue(res, 0, 0), "t")) {
                const char *role = PQgetvalue(res, 0, 1);
                char *q = PQescapeIdentifier(pc->c, role, strlen(role));
                if (!q) return err_set(ENOMEM, "cannot quote '%s'", role);
                _cleanup_free_ char *sql = xasprintf("SET ROLE %s", q);
                PQfreemem(q);
                r = pg_run(db, sql, "cannot act as the trust's admin role", NULL);
                if (r < 0) return r;
        }
        const char *named = getenv("ASSETCTL_SCHOOL");
        r = pg_pick_school(db, &db->school);
        if (r < 0) return r;
        pc->school_named = !isempty(named) || db->school != 0;
        return pg_set_school(db, db->school);
}

static const char *pg_login(struct db *db) { return PQuser(conn_of(db)->c); }

/* Take school's write lock (pg_advisory_xact_lock), after `begin` (SQL
 * run first in the same round trip, "" for none), waiting for another
 * writer at most the busy timeout (db->lock_wait_ms, else
 * DB_BUSY_TIMEOUT_MS: SQLite's), as SQLite does: lock_timeout is set for
 * the rest of the transaction, so any lock it waits for is bounded the
 * same way. A wait that runs out (SQLSTATE 55P03) is -EBUSY, "what:
 * database is locked", naming the school and the server. */
static int pg_lock_school(struct db *db, const char *begin, int64_t school, const char *what) {
        struct pg_conn *pc = conn_of(db);
        int ms = db->lock_wait_ms > 0 ? db->lock_wait_ms : DB_BUSY_TIMEOUT_MS;
        /* the school's number and the wait are ours, not input */
        _cleanup_free_ char *sql = xasprintf("%sSET LOCAL lock_timeout = %d; SELECT pg_advisory_xact_lock(%d, %" PRId64 "::int4)",
                                             begin, ms, PG_WRITE_LOCK_KEY, school);
        _cleanup_pgresult_ PGresult *res = PQexec(pc->c, sql);
        ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return 0;
        if (streq_ptr(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL, "55P03")) {
                _cleanup_free_ char *wait = ms % 1000 ? xasprintf("%d ms", ms) : xasprintf("%d s", ms / 1000);
                return err_set(EBUSY, "%s: database is locked (school %" PRId64 " on the server '%s': another writer held its write lock "
                                      "for more than %s)", what, school, pc->label, wait);
        }
        return pg_error(db, res, what);
}

static int pg_use_school(struct db *db, int64_t school) {
        int r = pg_set_school(db, school);
        if (r >= 0 && db->tx_depth) {
                _cleanup_free_ char *what = xasprintf("cannot take the write lock of school %" PRId64, school);
                r = pg_lock_school(db, "", school, what);
        }
        if (r >= 0) conn_of(db)->school_named = true;
        return r;
}

static void pg_close(struct db *db) {
        struct pg_conn *pc = conn_of(db);
        if (!pc) return;
        PQfinish(pc->c);
        free(pc->later);
        pg_forget_failure(pc);
        for (size_t i = 0; i < pc->n_tables; i++) {
                struct pg_table *t = &pc->tables[i];
                for (int j = 0; j < t->n; j++) free(t->col[j]);
                free(t->col);
                free(t->oid);
                free(t->name);
        }
        free(pc->tables);
        free(pc->label);
        free(pc);
        db->conn = NULL;
}

static int pg_exec(struct db *db, const char *sql, const char *what) {
        int r = pg_run(db, sql, what, NULL);
        /* as SQLite's exec: a constraint or a lock here is a broken script */
        if (r == -EEXIST || r == -EBUSY) {
                _cleanup_free_ char *m = xstrdup(err_msg());
                return err_set(EIO, "%s", m);
        }
        return r;
}

/* Word at p (letters, digits, _) equal to kw, case-insensitively. */
static bool word_is(const char *p, size_t n, const char *kw) {
        return strlen(kw) == n && strncasecmp(p, kw, n) == 0;
}

static bool is_word_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               (unsigned char) c >= 0x80;
}

/* The SQLite text as PostgreSQL reads it: `?N` (and bare `?`, numbered as
 * SQLite numbers it) as `$N`, and `school_id` first in every ON CONFLICT
 * target, outside string literals, quoted identifiers and comments. Also
 * says the highest parameter number, whether the text is an INSERT and
 * whether it has its own RETURNING. Returns the malloc'd text. */
static char *pg_translate(const char *sql, int *ret_nparams, bool *ret_insert, bool *ret_returning) {
        struct strbuf sb = {0};
        int maxn = 0, words = 0;
        bool insert = false, returning = false, after_on = false, want_target = false;
        const char *p = sql;
        while (*p) {
                char c = *p;
                if (c == '\'' || c == '"') {
                        /* a literal ('' inside) or quoted identifier ("" inside);
                         * E'...' also has backslash escapes */
                        bool esc = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                                   (p - 1 == sql || !is_word_char(p[-2]));
                        const char *q = p + 1;
                        for (; *q; q++) {
                                if (esc && *q == '\\' && q[1]) { q++; continue; }
                                if (*q == c) {
                                        if (q[1] == c) { q++; continue; }
                                        break;
                                }
                        }
                        if (*q) q++;
                        sb_add(&sb, p, q - p);
                        p = q;
                        want_target = after_on = false;
                        continue;
                }
                if (c == '-' && p[1] == '-') {
                        const char *q = strchr(p, '\n');
                        q = q ? q : p + strlen(p);
                        sb_add(&sb, p, q - p);
                        p = q;
                        continue;
                }
                if (c == '/' && p[1] == '*') {
                        const char *q = strstr(p + 2, "*/");
                        q = q ? q + 2 : p + strlen(p);
                        sb_add(&sb, p, q - p);
                        p = q;
                        continue;
                }
                if (c == '$' && (p == sql || !is_word_char(p[-1]))) {
                        /* a dollar-quoted string: $tag$ ... $tag$ */
                        const char *t = p + 1;
                        while (is_word_char(*t) && !(*t >= '0' && *t <= '9' && t == p + 1)) t++;
                        if (*t == '$') {
                                size_t tl = t - p + 1;
                                const char *q = p + tl;
                                while (*q && strncmp(q, p, tl) != 0) q++;
                                q = *q ? q + tl : q;
                                sb_add(&sb, p, q - p);
                                p = q;
                                continue;
                        }
                }
                if (c == '?') {
                        const char *q = p + 1;
                        int n = 0;
                        while (*q >= '0' && *q <= '9' && n < 100000) n = n * 10 + (*q++ - '0');
                        if (q == p + 1) n = maxn + 1;
                        if (n > maxn) maxn = n;
                        sb_printf(&sb, "$%d", n);
                        p = q;
                        want_target = after_on = false;
                        continue;
                }
                if (is_word_char(c) && (p == sql || !is_word_char(p[-1]))) {
                        const char *q = p;
                        while (is_word_char(*q)) q++;
                        size_t n = q - p;
                        if (words++ == 0 && word_is(p, n, "INSERT")) insert = true;
                        if (word_is(p, n, "RETURNING")) returning = true;
                        want_target = after_on && word_is(p, n, "CONFLICT");
                        after_on = word_is(p, n, "ON");
                        sb_add(&sb, p, n);
                        p = q;
                        continue;
                }
                if (c == '(' && want_target) {
                        const char *q = p + 1;
                        while (*q == ' ' || *q == '\t' || *q == '\n') q++;
                        sb_add(&sb, "(", 1);
                        if (!(strncasecmp(q, "school_id", 9) == 0 && !is_word_char(q[9])))
                                sb_puts(&sb, "school_id, ");
                        p++;
                        want_target = after_on = false;
                        continue;
                }
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') want_target = after_on = false;
                sb_add(&sb, p, 1);
                p++;
        }
        *ret_nparams = maxn;
        *ret_insert = insert;
        *ret_returning = returning;
        return sb_take(&sb);
}

static int pg_prepare(struct db *db, const char *sql, struct db_stmt **ret) {
        struct pg_conn *pc = conn_of(db);
        int r = pg_settle(db);
        if (r < 0) return r;
        int nparams;
        bool insert, returning;
        _cleanup_free_ char *text = pg_translate(sql, &nparams, &insert, &returning);
        struct pg_stmt *st = xcalloc(1, sizeof(*st));
        st->base.engine = &db_engine_pg;
        st->db = db;
        st->nparams = nparams;
        st->row = -1;
        st->blob_row = -1;
        snprintf(st->name, sizeof(st->name), "s%u", ++pc->next_name);

        if (insert && !returning) {
                /* last_id() without a second round trip */
                size_t l = strlen(text);
                while (l > 0 && (text[l - 1] == ';' || text[l - 1] == ' ' || text[l - 1] == '\n')) l--;
                _cleanup_free_ char *with = xasprintf("%.*s RETURNING rowid", (int) l, text);
                PGresult *res = PQprepare(pc->c, st->name, with, nparams, NULL);
                if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
                        PQclear(res);
                        st->returning_rowid = true;
                        goto done;
                }
                /* a table without rowid (schema_migrations) is prepared as
                 * it is; but in a transaction the failed PREPARE aborted
                 * it, and any other error is the statement's own */
                const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
                if (!state || !streq(state, "42703") || PQtransactionStatus(pc->c) != PQTRANS_IDLE) {
                        _cleanup_free_ char *what = xasprintf("cannot prepare '%.60s'", sql);
                        r = pg_error(db, res, what);
                        PQclear(res);
                        free(st);
                        return r;
                }
                PQclear(res);
        }
        PGresult *res = PQprepare(pc->c, st->name, text, nparams, NULL);
        if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
                _cleanup_free_ char *what = xasprintf("cannot prepare '%.60s'", sql);
                r = pg_error(db, res, what);
                PQclear(res);
                free(st);
                return r;
        }
        PQclear(res);
done:
        if (nparams > 0) {
                st->val = xcalloc(nparams, sizeof(*st->val));
                st->own = xcalloc(nparams, sizeof(*st->own));
                st->len = xcalloc(nparams, sizeof(*st->len));
                st->fmt = xcalloc(nparams, sizeof(*st->fmt));
        }
        *ret = &st->base;
        return 0;
}

static void pg_clear_blobs(struct pg_stmt *st) {
        if (!st->blob) return;
        int n = st->res ? PQnfields(st->res) : 0;
        for (int i = 0; i < n; i++) {
                free(st->blob[i]);
                st->blob[i] = NULL;
        }
        st->blob_row = -1;
}

static void pg_reset(struct db_stmt *stmt) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        pg_clear_blobs(st);
        free(st->blob);
        free(st->blob_n);
        st->blob = NULL;
        st->blob_n = NULL;
        PQclear(st->res);
        st->res = NULL;
        st->row = -1;
        st->nrows = 0;
        for (int i = 0; i < st->nparams; i++) {
                if (st->own[i]) free(st->val[i]);
                st->val[i] = NULL;
                st->own[i] = false;
                st->len[i] = st->fmt[i] = 0;
        }
}

static void pg_finalize(struct db_stmt *stmt) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        if (!st) return;
        pg_reset(stmt);
        struct pg_conn *pc = st->db ? conn_of(st->db) : NULL;
        /* a late failure is kept for whoever talks to the server next */
        if (pc) (void) pg_settle(st->db);
        if (pc && PQstatus(pc->c) == CONNECTION_OK && PQtransactionStatus(pc->c) != PQTRANS_INERROR) {
                /* the name is ours (s<N>), so this is no injection */
                _cleanup_free_ char *sql = xasprintf("DEALLOCATE %s", st->name);
                PQclear(PQexec(pc->c, sql));
        }
        PQclear(st->desc);
        free(st->val);
        free(st->own);
        free(st->len);
        free(st->fmt);
        free(st);
}

/* Parameter i is v (own: ours to free once replaced or reset). */
static void pg_bind_as(struct pg_stmt *st, int i, char *v, bool own, int len, int fmt) {
        if (i < 1 || i > st->nparams) {
                if (own) free(v);
                return;
        }
        if (st->own[i - 1]) free(st->val[i - 1]);
        st->val[i - 1] = v;
        st->own[i - 1] = own;
        st->len[i - 1] = len;
        st->fmt[i - 1] = fmt;
}

static void pg_bind(struct pg_stmt *st, int i, char *v, int len, int fmt) { pg_bind_as(st, i, v, true, len, fmt); }

static void pg_bind_null(struct db_stmt *stmt, int i) { pg_bind((struct pg_stmt *) stmt, i, NULL, 0, 0); }

static void pg_bind_int(struct db_stmt *stmt, int i, int64_t v) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        pg_bind(st, i, xasprintf("%" PRId64, v), 0, 0);
}

static void pg_bind_real(struct db_stmt *stmt, int i, double v) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        if (isnan(v)) pg_bind(st, i, xstrdup("NaN"), 0, 0);
        else if (isinf(v)) pg_bind(st, i, xstrdup(v > 0 ? "Infinity" : "-Infinity"), 0, 0);
        else pg_bind(st, i, xasprintf("%.17g", v), 0, 0);
}

static void pg_bind_text(struct db_stmt *stmt, int i, const char *s, size_t n) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        pg_bind(st, i, xstrndup(s, n), 0, 0);
}

/* Text as libpq sends it (NUL-ended, the engine's contract) without a
 * copy; one holding a NUL inside is copied, as pg_bind_text() cuts it. */
static void pg_bind_text_ref(struct db_stmt *stmt, int i, const char *s, size_t n) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        if (memchr(s, 0, n)) pg_bind(st, i, xstrndup(s, n), 0, 0);
        else pg_bind_as(st, i, (char *) s, false, 0, 0);
}

static void pg_bind_blob(struct db_stmt *stmt, int i, const void *p, size_t n) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        char *v = xmalloc(n ? n : 1);
        if (n) memcpy(v, p, n);
        pg_bind(st, i, v, (int) n, 1);
}

static int pg_step(struct db *db, struct db_stmt *stmt, const char *what) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        struct pg_conn *pc = conn_of(db);
        if (!st->res) {
                int r = pg_settle(db);
                if (r < 0) return r;
                PGresult *res = PQexecPrepared(pc->c, st->name, st->nparams, (const char *const *) st->val, st->len,
                                               st->fmt, 0);
                ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
                if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
                        r = pg_error(db, res, what);
                        PQclear(res);
                        return r;
                }
                st->res = res;
                st->nrows = PQntuples(res);
                st->row = -1;
                if (st->returning_rowid) {
                        if (st->nrows > 0) (void) parse_int64(PQgetvalue(res, st->nrows - 1, 0), &pc->last_id);
                        st->row = st->nrows;
                        return 0;
                }
                int nf = PQnfields(res);
                if (nf > 0) {
                        st->blob = xcalloc(nf, sizeof(*st->blob));
                        st->blob_n = xcalloc(nf, sizeof(*st->blob_n));
                }
        }
        if (st->row < st->nrows) st->row++;
        pg_clear_blobs(st);
        return st->row < st->nrows ? 1 : 0;
}

/* Send the statement and leave its outcome to pg_settle(): the server
 * runs it while the caller goes on (an import's next batch). libpq has
 * copied the parameters when the send returns. */
static int pg_step_later(struct db *db, struct db_stmt *stmt, const char *what) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        struct pg_conn *pc = conn_of(db);
        int r = pg_settle(db);
        if (r >= 0 && !PQsendQueryPrepared(pc->c, st->name, st->nparams, (const char *const *) st->val, st->len, st->fmt, 0))
                r = pg_error(db, NULL, what);
        if (r >= 0) pc->later = xstrdup(what);
        pg_reset(stmt);
        return r;
}

/* The result whose columns a caller asks about: the execution's, else
 * (before a step, as SQLite answers after prepare) the statement's
 * description from the server, asked for once. */
static PGresult *pg_columns(struct pg_stmt *st) {
        if (st->res) return st->res;
        if (!st->desc && st->db && pg_settle(st->db) >= 0) {
                PGresult *d = PQdescribePrepared(conn_of(st->db)->c, st->name);
                if (d && PQresultStatus(d) == PGRES_COMMAND_OK) st->desc = d;
                else PQclear(d);
        }
        return st->desc;
}

static int pg_column_count(struct db_stmt *stmt) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        PGresult *c = st->returning_rowid ? NULL : pg_columns(st);
        return c ? PQnfields(c) : 0;
}

static const char *pg_column_name(struct db_stmt *stmt, int i) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        PGresult *c = pg_columns(st);
        return c ? PQfname(c, i) : NULL;
}

/* The current row's value of column i, NULL for SQL NULL or no row. */
static const char *pg_value(struct pg_stmt *st, int i) {
        if (!st->res || st->row < 0 || st->row >= st->nrows || i < 0 || i >= PQnfields(st->res)) return NULL;
        if (PQgetisnull(st->res, st->row, i)) return NULL;
        return PQgetvalue(st->res, st->row, i);
}

static enum db_type pg_type_of(unsigned oid) {
        switch (oid) {
        case PG_INT8OID: case PG_INT4OID: case PG_INT2OID: case PG_BOOLOID: case PG_OIDOID: return DB_INTEGER;
        case PG_FLOAT8OID: case PG_FLOAT4OID: case PG_NUMERICOID: return DB_REAL;
        case PG_BYTEAOID: return DB_BLOB;
        default: return DB_TEXT;
        }
}

static enum db_type pg_column_type(struct db_stmt *stmt, int i) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        if (!pg_value(st, i)) return DB_NULL;
        return pg_type_of(PQftype(st->res, i));
}

static int64_t pg_column_int(struct db_stmt *stmt, int i) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        const char *v = pg_value(st, i);
        if (!v) return 0;
        unsigned oid = PQftype(st->res, i);
        if (oid == PG_BOOLOID) return v[0] == 't';
        if (oid == PG_BYTEAOID) return 0;
        if (pg_type_of(oid) == DB_REAL) return (int64_t) strtod(v, NULL);
        return strtoll(v, NULL, 10);
}

static double pg_column_real(struct db_stmt *stmt, int i) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        const char *v = pg_value(st, i);
        if (!v) return 0;
        unsigned oid = PQftype(st->res, i);
        if (oid == PG_BOOLOID) return v[0] == 't';
        if (oid == PG_BYTEAOID) return 0;
        return strtod(v, NULL);
}

/* Decode "\x..." (bytea's hex output) into out; the byte count or -1. */
static ssize_t pg_unhex(const char *s, size_t n, uint8_t *out) {
        if (n < 2 || s[0] != '\\' || s[1] != 'x' || (n - 2) % 2) return -1;
        size_t m = (n - 2) / 2;
        if (m && hex_decode(s + 2, out, m) < 0) return -1;
        return (ssize_t) m;
}

static const void *pg_column_blob(struct db_stmt *stmt, int i, size_t *ret_n) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        const char *v = pg_value(st, i);
        *ret_n = 0;
        if (!v) return NULL;
        size_t len = PQgetlength(st->res, st->row, i);
        if (PQftype(st->res, i) != PG_BYTEAOID) {
                *ret_n = len;
                return v;
        }
        if (st->blob_row != st->row) pg_clear_blobs(st);
        st->blob_row = st->row;
        if (!st->blob[i]) {
                uint8_t *b = xmalloc(len / 2 + 1);
                ssize_t m = pg_unhex(v, len, b);
                if (m < 0) m = 0;
                b[m] = 0;   /* so column_text of a blob is a string too */
                st->blob[i] = b;
                st->blob_n[i] = m;
        }
        *ret_n = st->blob_n[i];
        return st->blob[i];
}

static const char *pg_column_text(struct db_stmt *stmt, int i, size_t *ret_n) {
        struct pg_stmt *st = (struct pg_stmt *) stmt;
        const char *v = pg_value(st, i);
        size_t n = 0;
        if (v) {
                unsigned oid = PQftype(st->res, i);
                if (oid == PG_BOOLOID) {
                        v = v[0] == 't' ? "1" : "0";
                        n = 1;
                } else if (oid == PG_BYTEAOID)
                        v = pg_column_blob(stmt, i, &n);
                else
                        n = PQgetlength(st->res, st->row, i);
        }
        if (ret_n) *ret_n = n;
        return v;
}

static int64_t pg_last_id(struct db *db) { return conn_of(db)->last_id; }

static int pg_begin(struct db *db, bool write) {
        struct pg_conn *pc = conn_of(db);
        int r;
        if (write && db->school == 0 && !pc->school_named && !db->migrating)
                return err_set(EINVAL, "the login works in more than one school of '%s': name one with --school CODE (or ASSETCTL_SCHOOL)",
                               pc->label);
        if (write) {
                /* one round trip: the transaction, its wait, the lock */
                r = pg_lock_school(db, "BEGIN ISOLATION LEVEL READ COMMITTED; ", db->school, "cannot start a transaction");
                if (r < 0 && PQtransactionStatus(pc->c) != PQTRANS_IDLE) {
                        PGresult *res = PQexec(pc->c, "ROLLBACK");
                        PQclear(res);
                }
        } else
                r = pg_run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "cannot begin a read", NULL);
        return r;
}

static void pg_rollback(struct db *db) {
        struct pg_conn *pc = conn_of(db);
        (void) pg_settle(db);
        PQclear(PQexec(pc->c, "ROLLBACK"));
        pg_forget_failure(pc);
}

static int pg_commit(struct db *db) {
        struct pg_conn *pc = conn_of(db);
        _cleanup_pgresult_ PGresult *res = NULL;
        /* a statement whose outcome came late failed: the transaction ends */
        int r = pg_settle(db);
        if (r < 0) {
                pg_rollback(db);
                return r;
        }
        r = pg_run(db, "COMMIT", "cannot commit", &res);
        pg_forget_failure(pc);
        if (r < 0) return r;
        /* COMMIT of a transaction an error aborted answers ROLLBACK */
        if (streq(PQcmdStatus(res), "ROLLBACK"))
                return err_set(EIO, "cannot commit: the transaction on '%s' had failed and was rolled back", pc->label);
        return 0;
}

/* An append-only trigger of the audit log (audit verify): when it is there
 * as the schema made it (enabled, the same definition, its function still
 * raising), the text SQLite's catalogue would hold (audit.c's), which verify
 * compares with; else the definition as found (verify calls it altered), or
 * 0 when there is none. The name says the table and the operation:
 * audit_events_no_update. */
static int pg_trigger_sql(struct db *db, const char *name, char **ret) {
        const char *sqlite_sql = audit_append_only_trigger(name), *no = strstr(name, "_no_");
        if (!sqlite_sql || !no) return 0;
        _cleanup_free_ char *table = xstrndup(name, (size_t) (no - name)), *op = strupper(xstrdup(no + 4));
        const char *p[] = {name, table};
        _cleanup_pgresult_ PGresult *res = NULL;
        int r = pg_query(db, "SELECT pg_get_triggerdef(t.oid), t.tgenabled,"
                             " position('" APPEND_ONLY_MESSAGE "' IN f.prosrc) > 0 AND position('RETURN' IN f.prosrc) = 0"
                             " FROM pg_trigger t JOIN pg_proc f ON f.oid = t.tgfoid"
                             " WHERE t.tgname = $1 AND t.tgrelid = to_regclass($2)",
                         2, p, "cannot read the audit log's triggers", &res);
        if (r < 0) return r;
        if (PQntuples(res) != 1) return 0;
        _cleanup_free_ char *want = xasprintf("CREATE TRIGGER %s BEFORE %s ON public.%s FOR EACH ROW EXECUTE FUNCTION assetctl_append_only()",
                                              name, op, table);
        const char *def = PQgetvalue(res, 0, 0);
        if (streq(def, want) && streq(PQgetvalue(res, 0, 1), "O") && streq(PQgetvalue(res, 0, 2), "t"))
                *ret = xstrdup(sqlite_sql);
        else
                *ret = xasprintf("%s (%s)", def, streq(PQgetvalue(res, 0, 1), "D") ? "disabled" : "enabled");
        return 1;
}

static int pg_schema_version(struct db *db) {
        struct pg_conn *pc = conn_of(db);
        _cleanup_pgresult_ PGresult *res = NULL;
        if (pg_run(db, "SELECT to_regclass('schema_migrations') IS NOT NULL", "cannot read the schema version", &res) < 0)
                return -1;
        if (!streq(PQgetvalue(res, 0, 0), "t")) {
                err_set(ENOENT, "'%s' is not a trust: it has no schema_migrations (run 'assetctl trust init')", pc->label);
                return -1;
        }
        PQclear(TAKE_PTR(res));
        if (pg_run(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", "cannot read the schema version", &res) < 0)
                return -1;
        int64_t v;
        if (parse_int64(PQgetvalue(res, 0, 0), &v) < 0 || v < 0 || v > INT32_MAX) {
                err_set(EIO, "cannot read the schema version of '%s'", pc->label);
                return -1;
        }
        return (int) v;
}

static int pg_set_schema_version(struct db *db, int version) {
        char v[16], at[21];
        const char *name = "";
        for (size_t i = 0; i < db_pg_n_migrations; i++)
                if (db_pg_migrations[i].version == version) name = db_pg_migrations[i].name;
        snprintf(v, sizeof(v), "%d", version);
        now_utc(at);
        const char *p[] = {v, name, at};
        return pg_query(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", 3, p,
                        "cannot record the schema version", NULL);
}

/* The columns of table t in their order, read once per connection. */
static int pg_table_of(struct db *db, const char *name, struct pg_table **ret) {
        struct pg_conn *pc = conn_of(db);
        for (size_t i = 0; i < pc->n_tables; i++)
                if (streq(pc->tables[i].name, name)) {
                        *ret = &pc->tables[i];
                        return 0;
                }
        _cleanup_pgresult_ PGresult *res = NULL;
        const char *p[] = {name};
        _cleanup_free_ char *what = xasprintf("cannot read the columns of '%s'", name);
        int r = pg_query(db, "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = to_regclass($1)"
                             " AND attnum > 0 AND NOT attisdropped ORDER BY attnum", 1, p, what, &res);
        if (r < 0) return r;
        int n = PQntuples(res);
        if (n == 0) return err_set(ENOENT, "%s: no such table", what);
        pc->tables = xrealloc(pc->tables, (pc->n_tables + 1) * sizeof(*pc->tables));
        struct pg_table *t = &pc->tables[pc->n_tables++];
        t->name = xstrdup(name);
        t->n = n;
        t->col = xcalloc(n, sizeof(*t->col));
        t->oid = xcalloc(n, sizeof(*t->oid));
        for (int i = 0; i < n; i++) {
                t->col[i] = xstrdup(PQgetvalue(res, i, 0));
                t->oid[i] = (unsigned) strtoul(PQgetvalue(res, i, 1), NULL, 10);
        }
        *ret = t;
        return 0;
}

/* One field of a before-image (to_jsonb(OLD)) as the column's type reads. */
static int pg_value_of_json(json_t *j, unsigned oid, struct db_value *ret) {
        struct db_value v = {.type = DB_NULL};
        if (!j || json_is_null(j)) {
                *ret = v;
                return 0;
        }
        switch (pg_type_of(oid)) {
        case DB_INTEGER:
                v.type = DB_INTEGER;
                if (json_is_boolean(j)) v.i = json_is_true(j);
                else if (json_is_integer(j)) v.i = json_integer_value(j);
                else if (json_is_real(j)) v.i = (int64_t) json_real_value(j);
                else return -EBADMSG;
                break;
        case DB_REAL:
                v.type = DB_REAL;
                if (!json_is_number(j)) {
                        /* NaN and the infinities arrive as strings */
                        if (!json_is_string(j)) return -EBADMSG;
                        v.r = strtod(json_string_value(j), NULL);
                } else
                        v.r = json_number_value(j);
                break;
        case DB_BLOB: {
                if (!json_is_string(j)) return -EBADMSG;
                const char *s = json_string_value(j);
                size_t n = json_string_length(j);
                v.type = DB_BLOB;
                v.p = xmalloc(n / 2 + 1);
                ssize_t m = pg_unhex(s, n, (uint8_t *) v.p);
                if (m < 0) {
                        free(v.p);
                        return -EBADMSG;
                }
                v.n = m;
                break;
        }
        default:
                v.type = DB_TEXT;
                if (json_is_string(j)) {
                        v.n = json_string_length(j);
                        v.p = xstrndup(json_string_value(j), v.n);
                } else {
                        /* a json/jsonb column: its text */
                        v.p = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
                        if (!v.p) return -ENOMEM;
                        v.n = strlen(v.p);
                }
        }
        *ret = v;
        return 0;
}

static int pg_take_before_images(struct db *db) {
        _cleanup_pgresult_ PGresult *res = NULL;
        /* ctid keeps the order the triggers wrote them in, so the first
         * image of a row written twice comes first */
        int r = pg_run(db, "WITH d AS (DELETE FROM audit_before WHERE pid = pg_backend_pid() RETURNING ctid, tbl, rowid, row)"
                           " SELECT tbl, rowid, row FROM d ORDER BY ctid",
                       "cannot read the before-images", &res);
        if (r < 0) return r;
        for (int k = 0; k < PQntuples(res); k++) {
                const char *tbl = PQgetvalue(res, k, 0);
                int64_t rowid;
                struct pg_table *t = NULL;
                if (parse_int64(PQgetvalue(res, k, 1), &rowid) < 0)
                        return err_set(EBADMSG, "a before-image of '%s' has no rowid", tbl);
                r = pg_table_of(db, tbl, &t);
                if (r < 0) return r;
                json_error_t jerr;
                json_t *row = json_loads(PQgetvalue(res, k, 2), 0, &jerr);
                if (!json_is_object(row)) {
                        json_decref(row);
                        return err_set(EBADMSG, "the before-image of row %" PRId64 " of '%s' is not an object: %s", rowid,
                                       tbl, jerr.text);
                }
                struct db_value *v = xcalloc(t->n, sizeof(*v));
                for (int i = 0; i < t->n && r >= 0; i++)
                        if (pg_value_of_json(json_object_get(row, t->col[i]), t->oid[i], &v[i]) < 0)
                                r = err_set(EBADMSG, "the before-image of row %" PRId64 " of '%s': bad value of '%s'",
                                            rowid, tbl, t->col[i]);
                json_decref(row);
                if (r < 0) {
                        db_values_free(v, t->n);
                        return r;
                }
                r = audit_before_add(db, tbl, rowid, v, t->n);
                if (r < 0) return r;
        }
        return 0;
}

const struct db_engine db_engine_pg = {
        .name = "postgresql",
        .open = pg_open,
        .close = pg_close,
        .exec = pg_exec,
        .prepare = pg_prepare,
        .finalize = pg_finalize,
        .reset = pg_reset,
        .bind_null = pg_bind_null,
        .bind_int = pg_bind_int,
        .bind_real = pg_bind_real,
        .bind_text = pg_bind_text,
        .bind_blob = pg_bind_blob,
        .bind_text_ref = pg_bind_text_ref,
        .step = pg_step,
        .step_later = pg_step_later,
        .column_count = pg_column_count,
        .column_name = pg_column_name,
        .column_type = pg_column_type,
        .column_int = pg_column_int,
        .column_real = pg_column_real,
        .column_text = pg_column_text,
        .column_blob = pg_column_blob,
        .last_id = pg_last_id,
        .begin = pg_begin,
        .commit = pg_commit,
        .rollback = pg_rollback,
        .schema_version = pg_schema_version,
        .set_schema_version = pg_set_schema_version,
        .take_before_images = pg_take_before_images,
        .create = pg_create,
        .opened = pg_opened,
        .use_school = pg_use_school,
        .login = pg_login,
        .trigger_sql = pg_trigger_sql,
        .migrations = db_pg_migrations,
        .n_migrations = DB_SQLITE_MIGRATIONS, /* the same steps: 0950 holds them in step */
        .extra_columns = true,
};
