/* Schema part for wipes and their passes (issue 6): the SQL of its
 * migration and the tables the audit log covers. */
#include "db-internal.h"

const char db_schema_wipe[] = "";

const struct covered_table db_cover_wipe[] = {
        {NULL},
};
