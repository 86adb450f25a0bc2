/* Schema part for keys, disposal authorisations, certificates, consignments, receipts (issue 7): the SQL of its
 * migration and the tables the audit log covers. */
#include "db-internal.h"

const char db_schema_disposal[] = "";

const struct covered_table db_cover_disposal[] = {
        {NULL},
};
