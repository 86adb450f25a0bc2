/* What core's own files see besides core's public headers: the store's
 * interface (db/). Never included by a public header, so cmd/ cannot reach
 * the store but through core. */
#pragma once

#include "core.h"
#include "store.h"
#include "store-assets.h"
#include "store-disposal.h"
#include "store-loans.h"
#include "store-wipes.h"
#include "store-export.h"
