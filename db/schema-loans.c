/* Schema part for loans, stock-takes, incidents, lost property, checks (issue 3): the SQL of its
 * migration and the tables the audit log covers. */
#include "db-internal.h"

const char db_schema_loans[] = "";

const struct covered_table db_cover_loans[] = {
        {NULL},
};
