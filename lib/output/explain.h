/* explain.h - the explanation of a result in words (explain.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_OUTPUT_EXPLAIN_H
#define KPISCAN_OUTPUT_EXPLAIN_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/options.h"
#include "estimate/result.h"

/* kpiscan_result_explain() with full = 1; with 0 the evidence items, red
 * flags and questions are left out, for a writer that shows them on their
 * own (the HTML report). */
char *kps_result_explain(const kpiscan_result *res, const kpiscan_options *opts,
                         int full);

#endif /* KPISCAN_OUTPUT_EXPLAIN_H */
