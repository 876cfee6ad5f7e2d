/* match.h - running a pack over a text (match.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_MATCH_MATCH_H
#define KPISCAN_MATCH_MATCH_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "match/pack.h"

typedef struct kps_hit {
    size_t rule;  /* index into pack->rules */
    size_t start; /* byte offsets in the normalised text */
    size_t end;
} kps_hit;

typedef struct kps_hits {
    kps_hit *v;
    size_t n, cap;
    /* Set by the caller: keep only the first `keep` hits in (start, rule)
     * order, 0 = all.  Memory then stays under 2 x keep hits whatever the
     * pack; `dropped` counts the hits found past them. */
    size_t keep;
    size_t dropped;
} kps_hits;

/* Match work a scan may spend in all, in units of PCRE2's match limit
 * counter: KPS_MATCH_BUDGET_CALLS full-limit calls.  See match.c. */
#define KPS_MATCH_BUDGET_CALLS 1000u
/* The limit a call is tried with first; a call that reaches it is run
 * again with ten times the limit, up to the match limit.  See match.c. */
#define KPS_MATCH_FIRST_LIMIT 100u

/* Run every rule of pack over text (valid UTF-8), appending hits sorted
 * by (start, rule).  Fails with KPISCAN_ERR_MATCH_LIMIT naming the rule
 * when one call reaches match_limit or the scan spends its budget. */
int kps_match_all(const kpiscan_pack *pack, const char *text, size_t len,
                  unsigned long match_limit, const char *name, kps_hits *out,
                  kpiscan_error *err);
void kps_hits_free(kps_hits *h);
/* As kps_match_all() but without the prefilter: every rule runs over the
 * whole text.  The reference the prefiltered path must equal, hit for hit
 * (tests, benchmarks). */
int kps_match_all_bruteforce(const kpiscan_pack *pack, const char *text,
                             size_t len, unsigned long match_limit,
                             const char *name, kps_hits *out,
                             kpiscan_error *err);
/* Stronger than equal hit lists, which a rule searched over the whole
 * text would give whatever its candidates (tests, fuzzing): the index of
 * the first of hits (kps_match_all_bruteforce()'s on text) whose rule the
 * prefilter skips, or that does not start at a candidate of its rule kept
 * by kps_prefilter_confirm(); hits->n when every hit does; SIZE_MAX when
 * out of memory. */
size_t kps_match_first_uncandidated(const kpiscan_pack *pack, const char *text,
                                    size_t len, const kps_hits *hits);

/* The offsets of the line breaks in text that end a sentence, ascending,
 * into the growing array *ends (*cap elements) holding *nends: no match
 * the matcher accepts runs across one (a blank line, a bullet, a short
 * line ending an item; not a line wrapped mid-sentence).  For the
 * prefilter's kps_prefilter_confirm().  0, or -1 when out of memory. */
int kps_sentence_ends(const char *text, size_t len, uint32_t **ends,
                      size_t *nends, size_t *cap);

#endif /* KPISCAN_MATCH_MATCH_H */
