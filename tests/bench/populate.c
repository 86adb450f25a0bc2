/* Bench helper: fill a register fast, through the same core functions the
 * commands use (so every row has its audit event and `audit verify` holds),
 * in one transaction.
 *   populate DB ASSETS PEOPLE
 * Assets are TS-000001.. in rooms "Room 1".."Room 50"; people P00001.. have
 * signed the acceptable-use agreement. */
#include "core-internal.h" /* a test reaches the store too */
#include "core.h"
#include "loans.h"
#include "json.h"

int main(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "usage: populate DB ASSETS PEOPLE\n");
                return 2;
        }
        int64_t na, np;
        if (parse_int64(argv[2], &na) < 0 || parse_int64(argv[3], &np) < 0) return 2;
        struct db *db;
        if (db_open(argv[1], DB_CREATE, &db) < 0 || school_init(db, "Bench School", "TS") < 0 || db_begin(db) < 0) {
                fprintf(stderr, "populate: %s\n", err_msg());
                return 1;
        }
        for (int64_t i = 1; i <= na; i++) {
                char serial[32], room[32], tag[32];
                /* an explicit tag: generating the next one scans every tag */
                snprintf(tag, sizeof tag, "TS-%06lld", (long long) i);
                snprintf(serial, sizeof serial, "SN%08lld", (long long) i);
                snprintf(room, sizeof room, "Room %lld", (long long) (i % 50 + 1));
                json_t *a = json_pack("{ss,ss,ss,ss,ss,ss}", "tag", tag, "make", "Dell", "model", "Latitude 3190", "serial", serial,
                                      "category", "laptop", "location", room);
                int r = asset_add(db, a, NULL);
                json_decref(a);
                if (r < 0) {
                        fprintf(stderr, "populate: %s\n", err_msg());
                        return 1;
                }
        }
        for (int64_t i = 1; i <= np; i++) {
                char ref[32], name[64];
                snprintf(ref, sizeof ref, "P%05lld", (long long) i);
                snprintf(name, sizeof name, "Person %lld", (long long) i);
                json_t *p = json_pack("{ss,ss}", "ref", ref, "name", name);
                int r = person_add(db, p);
                json_decref(p);
                if (r >= 0) r = person_sign_aup(db, ref, "2026-09-01", "1");
                if (r < 0) {
                        fprintf(stderr, "populate: %s\n", err_msg());
                        return 1;
                }
        }
        if (db_commit(db) < 0) {
                fprintf(stderr, "populate: %s\n", err_msg());
                return 1;
        }
        db_close(db);
        return 0;
}
