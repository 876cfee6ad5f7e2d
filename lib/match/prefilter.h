/* prefilter.h - the literal prefilter and its automaton (prefilter.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_MATCH_PREFILTER_H
#define KPISCAN_MATCH_PREFILTER_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "match/pack.h"

/* Aho-Corasick automaton over byte strings, ASCII-caseless (atoms are
 * given in lower case).  Immutable once built. */
typedef struct kps_ac kps_ac;
/* NULL when out of memory.  atoms are NUL-terminated and non-empty. */
kps_ac *kps_ac_build(const char *const *atoms, size_t natoms);
void kps_ac_free(kps_ac *ac);
size_t kps_ac_state_count(const kps_ac *ac);
/* found[i] := 1 when atoms[i] occurs in text, else 0. */
void kps_ac_scan(const kps_ac *ac, const char *text, size_t len,
                 unsigned char *found);

typedef struct kps_prefilter kps_prefilter;
/* Derive each rule's literal requirement and lead (what every match
 * starts with), compile the windowed variants, build the automaton.
 * KPISCAN_OK or KPISCAN_ERR_NOMEM. */
int kps_prefilter_build(const kps_rule *rules, size_t nrules,
                        kps_prefilter **out);
void kps_prefilter_free(kps_prefilter *pf);

/* Bytes of text the automaton runs over between two appends of its
 * events (prefilter.c). */
#define KPS_PF_CHUNK 1024
/* Per-scan state of the prefilter; zero-initialise, reuse across rules
 * (and scans), free with kps_pf_scan_free(). */
typedef struct kps_pf_scan {
    unsigned char *active; /* per rule: 1 when the rule may match */
    size_t nactive;
    int run_all; /* every rule runs over the whole text */
    /* Private to prefilter.c: the text scanned, buffers reused across
     * rules. */
    const char *text;
    size_t len;
    uint32_t *ev_pos, *ev_state, *atom_first, *atom_pos;
    uint32_t *chunk_pos, *chunk_state;
    /* the second half's run (record_halves) */
    uint32_t *ev2_pos, *ev2_state, *chunk2_pos, *chunk2_state;
    size_t *cand;
    uint64_t *bits;
    /* end_blocks[b]: the index of the first sentence end at or after
     * byte 64 * b of the text scanned (len / 64 + 1 blocks), built by the
     * first kps_prefilter_confirm() call after a kps_prefilter_scan()
     * that returned KPISCAN_OK (ready); NULL after a failed allocation
     * (the ends are then walked). */
    uint32_t *end_blocks;
    int end_blocks_ready;
    size_t cap_active, cap_ev, cap_ev_state, cap_atom_first, cap_atom_pos,
        cap_cand, cap_bits, cap_chunk, cap_chunk_state, cap_ev2, cap_ev2_state,
        cap_chunk2, cap_chunk2_state, cap_end_blocks;
} kps_pf_scan;
void kps_pf_scan_free(kps_pf_scan *st);
/* One automaton pass over text: which rules may match, where atoms are.
 * KPISCAN_OK or KPISCAN_ERR_NOMEM. */
int kps_prefilter_scan(const kps_prefilter *pf, const char *text, size_t len,
                       kps_pf_scan *st);
/* For an active rule with a lead: the sorted, distinct offsets where one
 * of its matches can start (every match starts at one), in *cand (valid
 * until the next call); returns 1.  Returns 0 when the rule must be
 * searched over the whole text, -1 when out of memory. */
int kps_prefilter_candidates(const kps_prefilter *pf, kps_pf_scan *st,
                             size_t rule, const size_t **cand, size_t *ncand);
/* Whether the rule has literal OR-sets beside its lead that
 * kps_prefilter_confirm() can look for (and none of their atoms holds a
 * line break). */
int kps_prefilter_confirmable(const kps_prefilter *pf, size_t rule);
/* Narrow the *ncand candidates of the last kps_prefilter_candidates()
 * call for this rule (in st's buffer, in place) to those whose sentence
 * holds an atom of each of the rule's OR-sets: for every set, an atom
 * occurrence that starts at or after the candidate and before the first
 * offset of ends (ascending) at or after it, or the text's end.
 * ends must be offsets no accepted match runs across (match.c: the line
 * breaks that end a sentence), and the same array for every call between
 * two kps_prefilter_scan() calls on st: the first call indexes it. */
void kps_prefilter_confirm(const kps_prefilter *pf, kps_pf_scan *st,
                           size_t rule, const uint32_t *ends, size_t nends,
                           size_t *ncand);
/* The rule compiled with PCRE2_USE_OFFSET_LIMIT (a pcre2_code *), for
 * searches confined to candidate starts; NULL when the rule has no lead. */
const void *kps_prefilter_window_code(const kps_prefilter *pf, size_t rule);
/* Rules without a usable requirement (they run on every document), and
 * rules with a lead. */
size_t kps_prefilter_always_count(const kps_prefilter *pf);
size_t kps_prefilter_lead_count(const kps_prefilter *pf);
/* The requirement as text, malloc'd: "*" for always run, else OR-sets
 * joined by " & ", atoms by "|" (e.g. "kpi & developed|tracked"). */
char *kps_prefilter_describe_regex(const char *regex);
/* The lead as text, malloc'd: "*" for none, else atoms joined by "|". */
char *kps_prefilter_describe_lead(const char *regex);
/* A pack rule's requirement and lead: "REQUIREMENT @ LEAD", the lead
 * prefixed with "\b" when its matches start at a word boundary (lead
 * atoms right after a word character are no candidates). */
char *kps_prefilter_describe_rule(const kps_prefilter *pf, size_t rule);

#endif /* KPISCAN_MATCH_PREFILTER_H */
