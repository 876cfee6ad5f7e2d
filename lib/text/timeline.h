/* timeline.h - date ranges and experience statements (timeline.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_TEXT_TIMELINE_H
#define KPISCAN_TEXT_TIMELINE_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "text/sections.h"

typedef struct kps_ym {
    int year;
    int month; /* 1..12 */
} kps_ym;

typedef enum kps_span_kind {
    KPS_SPAN_RANGE = 0,    /* start to end (end may be "present") */
    KPS_SPAN_STATEMENT = 1 /* "7+ years of experience" */
} kps_span_kind;

typedef struct kps_span {
    kps_span_kind kind;
    kps_ym start, end; /* RANGE: months inclusive; end = as-of if open */
    int open_ended;    /* RANGE ended with Present/Current/to date */
    double years;      /* RANGE: its own length; STATEMENT: stated */
    size_t offset;     /* in the text given to kps_timeline_extract */
    size_t length;
    kps_section section;
    /* Bytes, not ints: spans are copied as the list grows, and four more
     * bytes per span cost 0.05 % of a scan. */
    unsigned char counted;    /* 1 when it counts toward the total */
    unsigned char job_length; /* STATEMENT: one job's length, "Analyst (9
                                 months)" */
} kps_span;

typedef struct kps_timeline {
    kps_span *spans; /* in text order */
    size_t n;
    double range_years; /* merged union of counted ranges, -1 if none */
    /* largest counted statement, or the counted job lengths added up
     * when they come to more; -1 if none */
    double stated_years;
    int stated_from_job_lengths; /* stated_years is the job lengths' sum */
} kps_timeline;

/* Find employment date ranges and experience statements.  Ranges under
 * education or certification headings are kept but not counted.  as_of
 * resolves open ranges; ranges ending after as_of are clipped to it.
 * KPISCAN_OK; KPISCAN_ERR_ARGUMENT for an impossible as_of or
 * KPISCAN_ERR_NOMEM, with err (may be NULL) filled for the document name
 * (may be NULL). */
int kps_timeline_extract(const char *text, size_t len,
                         const kps_sections *sections, kps_ym as_of,
                         const char *name, kps_timeline *out,
                         kpiscan_error *err);
void kps_timeline_free(kps_timeline *t);

/* A merged stretch of employment, or a gap between two (months, YYYYMM).
 * While merging, start and end are month indices (kps_month_index). */
typedef struct kps_interval {
    long start, end; /* inclusive YYYYMM */
    int months;
} kps_interval;

/* A month as a count of months (year * 12 + month - 1): a range's months
 * run from its start index up to its end index. */
static inline long kps_month_index(int year, int month)
{
    return (long)year * 12 + (month - 1);
}

/* The one merge of date ranges, for the timeline's dated years and the
 * result's stretches of employment: v[0..n) holds month indices sorted by
 * start; ranges that overlap (one starts before the other ends) are
 * joined in place, ranges that only touch stay apart.  Returns how many
 * stretches are left at the front of v. */
size_t kps_merge_months(kps_interval *v, size_t n);

#endif /* KPISCAN_TEXT_TIMELINE_H */
