/* score.h - the scorer (score.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_ESTIMATE_SCORE_H
#define KPISCAN_ESTIMATE_SCORE_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "estimate/result.h"

/* Fill contributions, scores, level, confidence, reason and red flags from
 * res->ev and the years fields.  Returns 0, or -1 when out of memory (its
 * only failure: the caller fills the error). */
int kps_score(kpiscan_result *res) __attribute__((warn_unused_result));

/* The gap between merged stretch i-1 and i, if any (1) or none (0).  Gaps
 * are facts shown on request; they never change the score. */
int kps_gap_before(const kpiscan_result *res, size_t i, kps_interval *gap);

#endif /* KPISCAN_ESTIMATE_SCORE_H */
