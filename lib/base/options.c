/* options.c - scan options and their defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/options.h"
#include "base/util.h"

void kps_limits_default(kps_limits *lim)
{
    lim->max_input_bytes = (size_t)64 << 20;
    lim->max_text_bytes = (size_t)16 << 20;
    lim->max_zip_entries = 10000;
    lim->max_part_bytes = (size_t)64 << 20;
    lim->max_total_bytes = (size_t)256 << 20;
    /* Apache POI refuses inflate ratios below 0.01 past 100 KiB; text XML
     * compresses ~10:1, so 100:1 past 1 MiB leaves real documents alone. */
    lim->max_ratio = 100;
    lim->ratio_floor = (size_t)1 << 20;
    lim->max_xml_depth = 256;
    lim->match_limit = 1000000;
    /* A real resume gives tens of evidence items; ten thousand is a
     * document built to be matched, whose memory this bounds. */
    lim->max_evidence = 10000;
}

static void options_default(kpiscan_options *o)
{
    memset(o, 0, sizeof *o);
    o->excerpts = 1;
    kps_limits_default(&o->limits);
    o->pdf_timeout_ms = 30000;
    o->pdf_memory_bytes = (size_t)1 << 30;
    o->pdf_max_pages = 50;
}

kpiscan_options *kpiscan_options_new(void)
{
    kpiscan_options *o = malloc(sizeof *o);
    if (o)
        options_default(o);
    return o;
}

void kpiscan_options_free(kpiscan_options *opts)
{
    free(opts);
}

void kps_today(int *year, int *month, int *day)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    *year = tm.tm_year + 1900;
    *month = tm.tm_mon + 1;
    *day = tm.tm_mday;
}

void kps_options_resolve(const kpiscan_options *opts, kpiscan_options *out)
{
    if (opts)
        *out = *opts;
    else
        options_default(out);
    if (!out->as_of_set)
        kps_today(&out->as_of_year, &out->as_of_month, &out->as_of_day);
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

int kps_date_valid(int year, int month, int day)
{
    return year >= KPS_DATE_MIN_YEAR && year <= KPS_DATE_MAX_YEAR &&
           month >= 1 && month <= 12 && day >= 1 &&
           day <= days_in_month(year, month);
}

int kpiscan_options_set_as_of(kpiscan_options *opts, int year, int month,
                              int day)
{
    if (!opts || !kps_date_valid(year, month, day))
        return KPISCAN_ERR_ARGUMENT;
    opts->as_of_set = 1;
    opts->as_of_year = year;
    opts->as_of_month = month;
    opts->as_of_day = day;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_input_bytes(kpiscan_options *opts, size_t bytes)
{
    if (!opts || bytes == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_input_bytes = bytes;
    return KPISCAN_OK;
}

int kpiscan_options_set_match_limit(kpiscan_options *opts, unsigned long limit)
{
    if (!opts || limit == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.match_limit = limit;
    return KPISCAN_OK;
}

int kpiscan_options_set_excerpts(kpiscan_options *opts, int on)
{
    if (!opts)
        return KPISCAN_ERR_ARGUMENT;
    opts->excerpts = on ? 1 : 0;
    return KPISCAN_OK;
}

/* Limits: zero would refuse every document (or, for the ratio, every
 * compressed part), which is never what a caller means, so it is refused
 * here rather than at the first scan. */

int kpiscan_options_set_max_text_bytes(kpiscan_options *opts, size_t bytes)
{
    if (!opts || bytes == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_text_bytes = bytes;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_zip_entries(kpiscan_options *opts, size_t entries)
{
    if (!opts || entries == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_zip_entries = entries;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_part_bytes(kpiscan_options *opts, size_t bytes)
{
    if (!opts || bytes == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_part_bytes = bytes;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_total_bytes(kpiscan_options *opts, size_t bytes)
{
    if (!opts || bytes == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_total_bytes = bytes;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_ratio(kpiscan_options *opts, unsigned ratio)
{
    if (!opts || ratio == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_ratio = ratio;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_xml_depth(kpiscan_options *opts, unsigned depth)
{
    if (!opts || depth == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_xml_depth = depth;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_evidence(kpiscan_options *opts, size_t items)
{
    if (!opts || items == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->limits.max_evidence = items;
    return KPISCAN_OK;
}

int kpiscan_options_set_format_hint(kpiscan_options *opts, const char *format)
{
    if (!opts)
        return KPISCAN_ERR_ARGUMENT;
    /* Only the ZIP-based formats and text need a hint.  Callers pass a
     * file's extension, so case and a leading dot do not matter, and every
     * extension of a document the library reads is taken; those whose
     * bytes name the format (PDF, HTML) leave it to the content, as it
     * always is.  Any other name is refused, so a typo is seen. */
    kps_format hint = KPS_FORMAT_UNKNOWN;
    if (format && *format == '.') {
        format++;
        if (!*format) /* "." names no extension: a mistake, not "none" */
            return KPISCAN_ERR_ARGUMENT;
    }
    if (format && *format &&
        !kps_document_extension(format, strlen(format), &hint))
        return KPISCAN_ERR_ARGUMENT;
    opts->format_hint = hint;
    return KPISCAN_OK;
}

int kpiscan_options_set_gaps(kpiscan_options *opts, int on)
{
    if (!opts)
        return KPISCAN_ERR_ARGUMENT;
    opts->gaps = on ? 1 : 0;
    return KPISCAN_OK;
}

int kpiscan_options_set_include_comments(kpiscan_options *opts, int on)
{
    if (!opts)
        return KPISCAN_ERR_ARGUMENT;
    opts->include_comments = on ? 1 : 0;
    return KPISCAN_OK;
}

int kpiscan_options_set_pdf_helper(kpiscan_options *opts, const char *path)
{
    if (!opts || (path && strlen(path) >= sizeof opts->pdf_helper))
        return KPISCAN_ERR_ARGUMENT;
    snprintf(opts->pdf_helper, sizeof opts->pdf_helper, "%s", path ? path : "");
    return KPISCAN_OK;
}

int kpiscan_options_set_pdf_timeout(kpiscan_options *opts, unsigned long ms)
{
    if (!opts || ms == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->pdf_timeout_ms = ms;
    return KPISCAN_OK;
}

int kpiscan_options_set_pdf_memory_limit(kpiscan_options *opts, size_t bytes)
{
    /* Below this poppler cannot even start: every PDF would fail, which no
     * caller means. */
    if (!opts || bytes < ((size_t)64 << 20))
        return KPISCAN_ERR_ARGUMENT;
    opts->pdf_memory_bytes = bytes;
    return KPISCAN_OK;
}

int kpiscan_options_set_max_pdf_pages(kpiscan_options *opts, unsigned pages)
{
    if (!opts || pages == 0)
        return KPISCAN_ERR_ARGUMENT;
    opts->pdf_max_pages = pages;
    return KPISCAN_OK;
}

int kpiscan_options_set_sha256(kpiscan_options *opts, int on)
{
    if (!opts)
        return KPISCAN_ERR_ARGUMENT;
    opts->sha256 = on != 0;
    return KPISCAN_OK;
}
