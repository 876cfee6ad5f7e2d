/* atoms.h - a regex's literal requirement and lead, for the prefilter
 * (atoms.c).  Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_MATCH_ATOMS_H
#define KPISCAN_MATCH_ATOMS_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

/* A set of distinct NUL-terminated strings (malloc'd). */
typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

/* What every match of a node starts with.  complete: each non-empty match
 * starts with one of s (ASCII-caseless); empty: the node may match the
 * empty string, and then what follows it decides.  A zeroed lead means
 * "unknown", so a node nobody describes is safe. */
typedef struct lead {
    strset s;
    int empty;
    int complete;
} lead;

/* What a regex node tells us about the text it matches.  exact: the node
 * matches exactly one of `set` (lower-case).  Otherwise: for each OR-set in
 * `all`, a match contains one of its members; no OR-set means no
 * knowledge ("any").  Beside it, the node's lead. */
typedef struct info {
    int exact;
    strset set;
    strset *all;
    size_t nall, capall;
    lead ld; /* when not exact (an exact node's lead is its set) */
} info;

void kps_strset_free(strset *s);
/* Append a copy of str without looking for it first: for copies of sets
 * whose members are already distinct.  0 or -1 (out of memory). */
int kps_strset_push(strset *s, const char *str)
    __attribute__((warn_unused_result));
size_t kps_strset_min_len(const strset *s);
/* qsort() comparator of char * elements. */
int kps_cmp_str(const void *a, const void *b);
void kps_info_free(info *x);

/* Requirement of a whole regex: up to MAX_AND OR-sets, best first, in
 * req (taken over by the caller); req->nall == 0 means "always run".
 * starts: the lead.  Returns 0, or -1 when out of memory. */
int kps_atoms_extract(const char *regex, info *req, strset *starts)
    __attribute__((warn_unused_result));

static inline unsigned char ascii_fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

#endif /* KPISCAN_MATCH_ATOMS_H */
