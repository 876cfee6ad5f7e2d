/* result.h - the result of a scan: evidence, spans, flags.
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_ESTIMATE_RESULT_H
#define KPISCAN_ESTIMATE_RESULT_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "match/pack.h"
#include "text/sections.h"
#include "text/timeline.h"

/* Why evidence stands in a list rather than in an account of work
 * (kpiscan_evidence.keyword_list; 0 when it does not). */
enum {
    KPS_KEYWORD_LINE = 1, /* a line that is mostly rule words */
    KPS_NAME_IN_LIST = 2  /* a tool's name, one item of a list of names */
};

struct kpiscan_evidence {
    const char *rule_id; /* owned by the result (rule_ids arena) */
    size_t rule;         /* index into the pack's rules at scan time */
    int category;
    int level;
    double weight;
    double contribution;
    double section_factor; /* discount for the section (skills: 0.5) */
    double repeat_factor;  /* dampening for the n-th hit of one rule */
    unsigned repeat;       /* 1 for the first hit of its rule, 2, ... */
    char *text;            /* matched document text, malloc'd */
    size_t offset, length; /* in the document text */
    size_t line, column;
    kps_section section;
    int hidden;
    const char *part;    /* owned by the result (parts) */
    size_t paragraph;    /* 1-based, 0 for plain text */
    int title_position;  /* titles: the hit stands where a job title does */
    int keyword_list;    /* KPS_KEYWORD_LINE or KPS_NAME_IN_LIST: a list */
    int distinct_phrase; /* one of the indicator level's distinct phrases */
    int work_only;       /* the rule's work_only: no presence as a claim */
    const char *note;    /* static: why the contribution is what it is */
};

/* What makes text hidden from a reader, as the hidden-text red flag and
 * the GitHub warning both say it. */
#define KPS_HIDDEN_KINDS                                                       \
    "(white or the colour of its background, tiny, vanished or never "         \
    "displayed)"

/* A red flag found by the scorer (hidden text, stuffing, no outcome...). */
typedef struct kps_flag {
    const char *id; /* static */
    char message[256];
    const char *rule_id; /* owned by the result, may be NULL */
    size_t line;         /* 0 when the flag is an absence */
    size_t count;
} kps_flag;

struct kpiscan_span {
    int statement;
    int job_length;  /* a statement of one job's length (timeline.h) */
    long start, end; /* YYYYMM, 0 for statements */
    int open_ended;
    double years;
    int counted;
    char *text;
    size_t offset, length, line, column;
    kps_section section;
    int kpi_job; /* counted range whose job shows KPI work */
    char *job;   /* the job line a range heads (dates left out), or NULL */
};

struct kpiscan_result {
    char *name;
    const char *format; /* static */
    char *text;
    size_t len;
    char **parts;
    size_t nparts;

    int level;
    double confidence;
    double scores[4]; /* indexed by kpiscan_level; [0] unused */
    double kpi_score; /* sum of contributions of KPI-category evidence */
    double years, dated_years, stated_years;
    int stated_from_job_lengths; /* stated_years adds up job lengths */
    int years_level;             /* band of the chosen years, -1 when none */
    int indicator_level;      /* band of the indicator scores, -1 when none */
    int indicator_clear;      /* at least two distinct phrases of that level */
    size_t indicator_phrases; /* distinct phrases of indicator_level in work */
    int presence;             /* 0 none, 1 weak, 2 strong (RUBRIC.md) */
    int presence_by_numbers;  /* strong from quantified results alone */
    char reason[512];
    long as_of;               /* YYYYMMDD */
    const char *as_of_source; /* static: "option", "today", ... */

    kpiscan_evidence *ev;
    size_t nev;
    size_t nhidden;
    size_t ev_dropped; /* matches past limits.max_evidence, not examined */
    size_t max_evidence;
    kpiscan_span *spans;
    size_t nspans;

    char **rule_ids; /* distinct rule ids referenced by evidence */
    size_t nrule_ids;
    kps_question *questions; /* copies: for the level and the one above */
    size_t nquestions;

    char *pack_name, *pack_version;
    char pack_hash[65];
    char input_sha256[65]; /* set by a batch that was asked; "" otherwise */

    kps_flag *flags; /* red flags found by the scorer */
    size_t nflags;
    size_t *phrase_flags; /* evidence indices of visible red-flag phrases */
    size_t nphrase_flags;
    /* per phrase flag, its rule's description (owned), NULL when the rule
     * has none or the result was not made by a scan */
    char **phrase_flag_messages;
    kps_interval *merged; /* counted ranges, merged, in time order */
    size_t nmerged;
    double kpi_years; /* merged ranges of jobs showing KPI work, -1 none */
    double conf_indicators, conf_years; /* the two parts of confidence */
    size_t few_words;       /* level none on a stub: its word count, else 0 */
    const char *years_rule; /* static: how years were chosen */
    int gaps;               /* report gaps (kpiscan_options_set_gaps) */
};

/* 1 when red flag i (kpiscan_result_flag_id) has the id of an earlier
 * flag (a red-flag phrase matched more than once), else 0: the writers
 * list each id once, at its first place. */
int kps_flag_repeats(const kpiscan_result *res, size_t i);

#endif /* KPISCAN_ESTIMATE_RESULT_H */
