/* csv.c - CSV rows for batch records (RFC 4180: quoted where needed,
 * quotes doubled, CRLF line ends), so a spreadsheet or Python's csv module
 * reads them without surprises. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "base/options.h"
#include "estimate/result.h"
#include "batch.h"

/* The decision first (level, confidence, both years), then why (evidence,
 * red flags, the reason), so a spreadsheet sorted by level reads left to
 * right.  Columns are found by name: docs/output.md lists them all. */
static const char HEADER[] = "file,status,level,presence,confidence,years,"
                             "kpi_years,evidence_count,top_evidence,red_flags,"
                             "reason,hidden_text,error,pack,as_of,as_of_source"
                             "\r\n";
#define CSV_RESULT_ONLY_COLUMNS 10 /* level .. hidden_text */

const char *kpiscan_csv_header(void)
{
    return HEADER;
}

/* Append one field, quoted when it holds a comma, quote, CR or LF.  Cells
 * starting with = + - @ or a tab (which some spreadsheets drop before
 * reading the rest) are prefixed with a quote inside the field so a
 * spreadsheet does not run resume text as a formula (CSV injection).  The
 * text rule of every output applies first: valid UTF-8, no control but
 * LF and TAB (a file name can hold any byte). */
static int field_clean(kps_buf *b, const char *s);

static int field(kps_buf *b, const char *s, int first)
{
    if (!first && kps_buf_putc(b, ','))
        return -1;
    if (!s)
        return 0;
    char *clean = kps_clean_dup(s, KPS_CLEAN_TEXT);
    int rc = clean ? field_clean(b, clean) : -1;
    free(clean);
    return rc;
}

/* A plain number, "-12" or "-3.5": safe to leave as it is. */
static int plain_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.' && s[1] >= '0' && s[1] <= '9')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    return *s == '\0';
}

static int field_clean(kps_buf *b, const char *s)
{
    /* Only a whole number may start with '-': "-2+3+cmd|..." is a
     * formula to a spreadsheet. */
    int formula = (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
                   s[0] == '\t') &&
                  !plain_number(s);
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote && kps_buf_putc(b, '"'))
        return -1;
    if (formula && kps_buf_putc(b, '\''))
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && kps_buf_putc(b, '"'))
            return -1;
        if (kps_buf_putc(b, *p))
            return -1;
    }
    return quote ? kps_buf_putc(b, '"') : 0;
}

/* The evidence item that added most to the estimated level (ties: the
 * first in the text); any item when none counted. */
static const kpiscan_evidence *top_evidence(const kpiscan_result *r)
{
    const kpiscan_evidence *best = NULL;
    for (size_t i = 0; i < r->nev; i++) {
        const kpiscan_evidence *e = &r->ev[i];
        if (e->hidden)
            continue;
        if (!best || e->contribution > best->contribution ||
            (e->level == r->level && best->level != r->level &&
             e->contribution >= best->contribution))
            best = e;
    }
    return best;
}

/* The red flags' ids, each once, in the order of the JSON "red_flags",
 * joined with ';' (malloc'd; NULL when out of memory). */
static char *flag_ids(const kpiscan_result *r)
{
    kps_buf b = {0};
    if (kps_buf_reserve(&b, 0))
        return NULL;
    size_t n = kpiscan_result_flag_count(r);
    for (size_t i = 0; i < n; i++) {
        if (kps_flag_repeats(r, i))
            continue;
        const char *id = kpiscan_result_flag_id(r, i);
        if ((b.len && kps_buf_putc(&b, ';')) ||
            kps_buf_append(&b, id, strlen(id))) {
            kps_buf_free(&b);
            return NULL;
        }
    }
    return b.data;
}

static char *record_to_csv(const kpiscan_record *rec,
                           const kpiscan_options *opts);

/* In the C locale, so numbers keep their '.' (kps_c_locale_enter()). */
char *kpiscan_record_to_csv(const kpiscan_record *rec,
                            const kpiscan_options *opts)
{
    kps_c_locale loc;
    if (!rec || kps_c_locale_enter(&loc))
        return NULL;
    char *row = record_to_csv(rec, opts);
    kps_c_locale_leave(&loc);
    return row;
}

static char *record_to_csv(const kpiscan_record *rec,
                           const kpiscan_options *opts)
{
    int excerpts = opts ? opts->excerpts : 1;
    kps_buf b = {0};
    char num[64], top[1024], pack[256];
    const kpiscan_result *r = rec->result;
    snprintf(
        pack, sizeof pack, "%s %s sha256:%s", rec->pack ? rec->pack->name : "",
        rec->pack ? rec->pack->version : "", rec->pack ? rec->pack->hash : "");
    int bad = field(&b, rec->name, 1);
    if (r) {
        bad |= field(&b, "ok", 0);
        bad |= field(&b, kpiscan_level_name(r->level), 0);
        /* strong or weak KPI work apart in a spreadsheet's filter */
        bad |= field(&b, kpiscan_presence_name(kpiscan_result_presence(r)), 0);
        snprintf(num, sizeof num, "%.2f", r->confidence);
        bad |= field(&b, num, 0);
        if (r->years >= 0)
            snprintf(num, sizeof num, "%.2f", r->years);
        bad |= field(&b, r->years >= 0 ? num : "", 0);
        if (r->kpi_years >= 0)
            snprintf(num, sizeof num, "%.2f", r->kpi_years);
        bad |= field(&b, r->kpi_years >= 0 ? num : "", 0);
        snprintf(num, sizeof num, "%zu", r->nev);
        bad |= field(&b, num, 0);
        const kpiscan_evidence *t = top_evidence(r);
        top[0] = '\0';
        if (t && excerpts)
            snprintf(top, sizeof top, "%s@%zu:%zu \"%.*s\"", t->rule_id,
                     t->line, t->column, KPS_CUT(t->text, 900), t->text);
        else if (t)
            snprintf(top, sizeof top, "%s@%zu:%zu", t->rule_id, t->line,
                     t->column);
        /* One line per cell reads better in a spreadsheet. */
        for (char *p = top; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        bad |= field(&b, top, 0);
        char *flags = flag_ids(r);
        bad |= !flags || field(&b, flags, 0);
        free(flags);
        /* the reason is the scorer's words, never the resume's */
        char reason[sizeof r->reason];
        snprintf(reason, sizeof reason, "%s", r->reason);
        for (char *p = reason; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        bad |= field(&b, reason, 0);
        bad |= field(&b, r->nhidden ? "yes" : "no", 0);
        bad |= field(&b, "", 0);
    } else {
        bad |= field(&b, rec->skipped ? "skipped" : "error", 0);
        for (int i = 0; i < CSV_RESULT_ONLY_COLUMNS; i++)
            bad |= field(&b, "", 0);
        bad |= field(&b, rec->error.message, 0);
    }
    bad |= field(&b, pack, 0);
    /* the day "Present" meant: in one folder a PDF's years run to its last
     * save and a text file's to today, so a sheet must say which.  New
     * columns go at the end, where no reader by position meets them. */
    if (r) {
        snprintf(num, sizeof num, "%04ld-%02ld-%02ld", r->as_of / 10000,
                 r->as_of / 100 % 100, r->as_of % 100);
        bad |= field(&b, num, 0);
        bad |= field(&b, kpiscan_result_as_of_source(r), 0);
    } else {
        bad |= field(&b, "", 0) || field(&b, "", 0);
    }
    bad |= kps_buf_append(&b, "\r\n", 2);
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}
