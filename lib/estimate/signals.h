/* signals.h - the signals besides the matches: titles where a title
 * stands, keyword lists, KPI jobs, employment (signals.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_ESTIMATE_SIGNALS_H
#define KPISCAN_ESTIMATE_SIGNALS_H

#ifndef KPISCAN_BUILDING_LIB
#error                                                                         \
    "a private header of libkpiscan: only the library, its tests, benches and fuzzers (which define KPISCAN_BUILDING_LIB) include it"
#endif

#include "estimate/result.h"
#include "match/match.h"
#include "text/lines.h"
#include "text/normalize.h"
#include "text/timeline.h"

/* What kps_in_title_position() needs to know about the line of a hit.  Hits
 * come in text order, so the line is worked out once and reused by the
 * hits on it: a document that is one long line costs linear time, not
 * hits x line length. */
typedef struct kps_title_line {
    size_t ls, le;  /* the line [ls, le) in the normalised text */
    size_t content; /* first byte after leading blanks and bullets */
    size_t words;   /* blank-separated words */
    int has_range;  /* a date range starts on it */
    int valid;
} kps_title_line;

/* 1 when the title hit [start, end) of the normalised text t[0..len)
 * stands where a job title does; line caches the hit's line between
 * calls (zero-initialise it; hits must come in text order). */
int kps_in_title_position(const char *t, size_t len, size_t start, size_t end,
                          const kps_timeline *tl, kps_title_line *line);

/* Mark the evidence on lines that are mostly rule words (keyword lists).
 * res->ev[i] must be the evidence of hits->v[i]. */
void kps_mark_keyword_lists(kpiscan_result *res, const kps_norm *norm,
                            const kps_hits *hits, const kpiscan_pack *pack);

/* Evidence in a section where the resume tells of work (a job, an
 * accomplishments list, text before any heading), not in a summary,
 * skills list, education, certificates or another non-work heading. */
int kps_in_work_section(const kpiscan_evidence *e);
/* Evidence that shows KPI work in a job. */
int kps_shows_kpi_work(const kpiscan_evidence *e);
/* 1 when the range starting at range_offset heads a job on its 1-based
 * line of text. */
int kps_heads_job(const char *text, size_t len, const kps_line_index *li,
                  size_t line, size_t range_offset);
/* Set sp->job to the job line the range heads (or leave it NULL); heads
 * are the section headings' offsets in the text, ascending.  Returns 0, or
 * -1 when out of memory. */
int kps_job_title(kpiscan_result *res, const kps_line_index *li,
                  kpiscan_span *sp, const size_t *heads, size_t nheads)
    __attribute__((warn_unused_result));
/* Set kpi_job on the counted ranges.  Returns 0, or -1 when out of
 * memory. */
int kps_mark_kpi_jobs(kpiscan_result *res, const kps_norm *norm,
                      const kps_sections *sections, const kps_line_index *li)
    __attribute__((warn_unused_result));

/* The counted ranges (only those of KPI jobs when kpi_only) merged into
 * stretches in time order: the number of stretches, or -1 when out of
 * memory; *out is malloc'd (NULL when there are none). */
long kps_merge_ranges(const kpiscan_result *res, int kpi_only,
                      kps_interval **out) __attribute__((warn_unused_result));
/* res->merged and res->kpi_years from the spans.  Returns 0, or -1 when
 * out of memory. */
int kps_employment(kpiscan_result *res) __attribute__((warn_unused_result));

#endif /* KPISCAN_ESTIMATE_SIGNALS_H */
