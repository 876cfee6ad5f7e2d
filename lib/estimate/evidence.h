/* evidence.h - the result's evidence and spans from the hits and the
 * timeline (evidence.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_ESTIMATE_EVIDENCE_H
#define KPISCAN_ESTIMATE_EVIDENCE_H

#ifndef KPISCAN_BUILDING_LIB
#error                                                                         \
    "a private header of libkpiscan: only the library, its tests, benches and fuzzers (which define KPISCAN_BUILDING_LIB) include it"
#endif

#include "estimate/result.h"
#include "input/doc.h"
#include "match/match.h"
#include "text/lines.h"
#include "text/normalize.h"
#include "text/timeline.h"

/* One evidence item per hit, in hit order, positions in the document
 * text.  Returns 0, or -1 when out of memory. */
int kps_build_evidence(kpiscan_result *res, const kpiscan_pack *pack,
                       const kps_doc *doc, const kps_norm *norm,
                       const kps_sections *sections, const kps_hits *hits,
                       const kps_timeline *tl, const kps_line_index *li)
    __attribute__((warn_unused_result));
/* One span per timeline span.  Returns 0, or -1 when out of memory. */
int kps_build_spans(kpiscan_result *res, const kps_doc *doc,
                    const kps_norm *norm, const kps_timeline *tl,
                    const kps_line_index *li)
    __attribute__((warn_unused_result));
/* Copy the pack's questions for the estimated level and the one above.
 * Returns 0, or -1 when out of memory. */
int kps_copy_questions(kpiscan_result *res, const kpiscan_pack *pack)
    __attribute__((warn_unused_result));
/* Copy each red-flag phrase's rule description into the result (its
 * message).  0, or -1 when out of memory. */
int kps_copy_flag_messages(kpiscan_result *res, const kpiscan_pack *pack)
    __attribute__((warn_unused_result));
/* Free those copies (the flags they belong to stay). */
void kps_free_flag_messages(kpiscan_result *res);

#endif /* KPISCAN_ESTIMATE_EVIDENCE_H */
