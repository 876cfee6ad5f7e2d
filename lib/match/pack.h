/* pack.h - a compiled pack of rules (pack.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_MATCH_PACK_H
#define KPISCAN_MATCH_PACK_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

typedef struct kps_rule {
    char *id;
    int category; /* kpiscan_category */
    int level;    /* kpiscan_level */
    double weight;
    int work_only; /* a tool or basic skill: KPI evidence only shown in work */
    int tool;      /* matches a tool's name: one name in a list is a claim */
    char *regex;
    char *description;
    char *source; /* "file:line" */
    char **match_examples;
    size_t nmatch;
    char **reject_examples;
    size_t nreject;
    void *code; /* pcre2_code *, JIT-compiled; NULL in builder layers */
} kps_rule;

typedef struct kps_question {
    int level;
    char *question;
    char *answer; /* may be NULL */
} kps_question;

struct kpiscan_pack {
    kps_rule *rules;
    size_t nrules;
    kps_question *questions;
    size_t nquestions;
    char *name;
    char *version;
    char hash[65];
    /* Literal prefilter over the rules (prefilter.c); NULL runs every
     * rule.  Built with the pack, immutable, shared like the rules. */
    struct kps_prefilter *prefilter;
};

#endif /* KPISCAN_MATCH_PACK_H */
