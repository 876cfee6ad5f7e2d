/* options.h - the options behind kpiscan_options (options.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BASE_OPTIONS_H
#define KPISCAN_BASE_OPTIONS_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

#define KPS_PDF_PATH_MAX 4096

struct kpiscan_options {
    int as_of_set;
    int as_of_year, as_of_month, as_of_day;
    int excerpts;
    int include_comments;
    int gaps;
    kps_limits limits;
    kps_format format_hint; /* KPS_FORMAT_UNKNOWN: no hint, sniff only */
    /* PDF helper (pdf.c): "" means the environment or the built-in path */
    char pdf_helper[KPS_PDF_PATH_MAX];
    unsigned long pdf_timeout_ms;
    size_t pdf_memory_bytes;
    unsigned pdf_max_pages;
    int sha256; /* batches hash each input (kpiscan_options_set_sha256) */
};

/* Effective settings for a scan: opts may be NULL. */
void kps_options_resolve(const kpiscan_options *opts, kpiscan_options *out);
/* Today's date (UTC) as year, month, day. */
void kps_today(int *year, int *month, int *day);
/* The one check for every date the library takes as an as-of date (the
 * option, a DOCX or ODT last-saved date): 1 when year-month-day is in the
 * calendar and within KPS_DATE_MIN_YEAR .. KPS_DATE_MAX_YEAR, else 0.
 * The lower bound is the timeline's earliest plausible year (MIN_YEAR in
 * timeline.c), which refuses an earlier as-of date. */
#define KPS_DATE_MIN_YEAR 1950
#define KPS_DATE_MAX_YEAR 2200
int kps_date_valid(int year, int month, int day);

#endif /* KPISCAN_BASE_OPTIONS_H */
