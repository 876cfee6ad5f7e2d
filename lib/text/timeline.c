/*
 * timeline.c - employment date ranges and experience statements.
 *
 * A hand-written scanner rather than regular expressions: the forms are
 * few, each needs a little arithmetic (two-digit years, day/month order)
 * and a scanner visits every byte a bounded number of times, so 100 MB of
 * digits and dashes costs linear time.  Every look-ahead is bounded and
 * checked against len; nothing is global.
 *
 * Rules:
 *
 *   Ranges.  "START <connector> END" where the connector is one or more '-',
 *   "to", "till", "until", "through", "thru", "~", with any spaces or line
 *   breaks around it (pdftotext often puts "to" on its own line); a word may
 *   keep a form's colon ("From: 2009 To: 2010").  START / END is one of:
 *   "January 2014", "Jan 2015", "Jan. 2015", "Sept 2015", "Aug'07", "Jun-16",
 *   "03/2018", "3/2018", "03/18" ('/' only), "03.2018", "2018-03", "2018/03",
 *   "2018-03-15", "12/03/2018", "2012", "'19", a day before the month ("1st
 *   May 2016", "15-May-2016") or after it ("Aug. 11, 2003"), a month over its
 *   year on the next line ("September" over "2019"), the month after the year
 *   ("2019 October", "2012, November").  END may also be Present / Current /
 *   Currently / Now / Today / Date / Ongoing / Onwards ("to date", "till
 *   date"), or Continuing / Continued / Cont at the end of a line or before
 *   punctuation ("2015 - Cont.", not "2015 - Continuing Education").
 *   "Since 2017" is an open range; "May 2019 Present" (no connector) too,
 *   when the word ends the text on that line, and "June 2016 onwards"
 *   wherever it stands.  "June - August 2015" takes the start year from
 *   the end.  A lone date ("May 2019") is not a range and records
 *   nothing.  Forms that lost their dash in conversion: "2008  2022" (two
 *   or more spaces), "20162018" and "Apr 2020Jun 2020" (glued).  Two bare
 *   years a slash apart ("1998/2004") only when they end their line, as a
 *   job's header: versions are written so too.
 *
 *   Months.  A range counts end month minus start month, as careful
 *   readers do (../shared/corpus/labels/RUBRIC.md): Jan 2015 - Dec 2015
 *   is 11 months = 0.92 years; Jan 2014 - Jan 2016 is 24 months.
 *   "Present" is the as-of month.
 *
 *   Year-only endpoints.  A year without a month is read as January of
 *   that year, at either end: 2012 - 2015 is Jan 2012 .. Jan 2015 = 3.0
 *   years, 2012 - Mar 2015 is 3.17 years, and 2019 - Present is counted
 *   from January 2019.  A range within one bare year (2015 - 2015) is
 *   0 months: a job of that year whose length is not given.
 *
 *   Ambiguous full dates.  "12/03/2018" may be day/month or month/day: the
 *   month is used only when certain (one field > 12, or both fields equal),
 *   or when the other end of its range shows the order ("01/05/2016 -
 *   31/08/2019" is day first throughout); otherwise the date counts as
 *   year-only.  ISO "2018-03-15" is certain.
 *
 *   Terms.  "Fall 2015", "Spring 2003" are read as months: Winter = Jan,
 *   Spring = Mar, Summer = Jun, Fall / Autumn = Sep.
 *
 *   Product versions.  A bare-year range right after a product name
 *   ("Windows Server 2003-2008", "Office 2003-2011") is not a range.
 *
 *   Two-digit years ('07, 03/18) are 20yy when yy <= as_of.year % 100,
 *   else 19yy.
 *
 *   Plausibility.  Both years must lie in 1950 .. as_of.year, so a range
 *   ending in a later year ("2030") is dropped as implausible, not clipped.
 *   A range whose start is after its end, or after as_of, is ignored; an
 *   end later in the as-of year (Dec 2020 when as_of is June 2020) is
 *   clipped to as_of.
 *
 *   Statements.  NUMBER [+ | plus] [-] (years | year | yrs | yr)['|'s],
 *   then "experience" / "exp" within four words on (a line break allowed,
 *   no sentence punctuation), e.g. "7+ years of experience", "over 10
 *   years' experience", "8 yrs exp", "five years of experience"; also
 *   "experience of 5 years" / "experience: 5 years".  The word may be
 *   misspelt as second-language resumes write it (EXPERIENCE_MISSPELT).
 *   NUMBER is 1..60 in digits (one decimal allowed) or words (one ..
 *   twenty, thirty, forty, fifty, "twenty-five").  "10-15 years" and "5 to
 *   7 years" take the lower bound; "7+" is 7.  Not after "within" or
 *   "next".  Months add to the years ("6 years 3 months", "1 year and 7
 *   months": 6.3, 1.6; "0 years 8 months": 0.7) or stand alone ("26 months
 *   of experience": 2.2, "six months of experience": 0.5), to the nearest
 *   tenth of a year; months right after years that made no statement
 *   ("within 2 years, 6 months") are none either;
 *   "Experience - 24 months", a profile export's per-skill field, is not
 *   read.
 *
 *   Sections.  A range under an education or certifications heading is
 *   kept with counted = 0; a statement under education is kept with
 *   counted = 0.  Everything else counts.
 *
 *   Limit.  At most MAX_SPANS (10,000) spans are recorded; the scan stops
 *   there.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(KPS_TIMELINE_SCALAR)
#include <emmintrin.h>
#endif

#include "text/sections.h"
#include "text/timeline.h"

#define MIN_YEAR 1950
#define MAX_STATED_YEARS 60
/* Whitespace (including line breaks) allowed around a range connector. */
#define MAX_GAP 16
/* A resume has tens of dates; a document with thousands is not a resume
 * (or is hostile).  Past this many spans the scan stops, which bounds the
 * memory to about 640 KB whatever the input size. */
#define MAX_SPANS 10000

/* ------------------------------------------------------------------ */
/* Character helpers                                                   */
/* ------------------------------------------------------------------ */

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
    return is_digit(c) || is_alpha(c);
}

static int is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* A keyword with its length, so that no hot loop calls strlen (the scan
 * tries the month and number tables at most word starts of a resume). */
typedef struct kw {
    const char *s; /* lower case */
    size_t n;
} kw;
#define KW(lit)                                                                \
    {                                                                          \
        lit, sizeof lit - 1                                                    \
    }
#define LIT(lit) ((kw)KW(lit))

/* Case-insensitive: does t[pos..len) start with word w (lower case)?
 * Returns w.n or 0.  Says nothing about what follows. */
static size_t starts_with_ci(const unsigned char *t, size_t len, size_t pos,
                             kw w)
{
    if (pos > len || len - pos < w.n)
        return 0;
    for (size_t i = 0; i < w.n; i++)
        if (lower(t[pos + i]) != (unsigned char)w.s[i])
            return 0;
    return w.n;
}

/* As starts_with_ci() and the word ends there (no letter follows). */
static size_t word_ci(const unsigned char *t, size_t len, size_t pos, kw w)
{
    size_t n = starts_with_ci(t, len, pos, w);
    if (n == 0)
        return 0;
    if (pos + n < len && is_alpha(t[pos + n]))
        return 0;
    return n;
}

/* Skip at most max bytes of whitespace; returns the new position. */
static size_t skip_space(const unsigned char *t, size_t len, size_t pos,
                         size_t max)
{
    size_t end = (len - pos > max) ? pos + max : len;
    while (pos < end && is_space(t[pos]))
        pos++;
    return pos;
}

/* Skip spaces and tabs only (stay on the line). */
static size_t skip_blank(const unsigned char *t, size_t len, size_t pos,
                         size_t max)
{
    size_t end = (len - pos > max) ? pos + max : len;
    while (pos < end && (t[pos] == ' ' || t[pos] == '\t'))
        pos++;
    return pos;
}

/* Past the letters of the word at i, or past i when no letter stands
 * there. */
static size_t skip_word(const unsigned char *t, size_t to, size_t i)
{
    if (!is_alpha(t[i]))
        return i + 1;
    while (i < to && is_alpha(t[i]))
        i++;
    return i;
}

/* Length of the ASCII letter run at pos, counting at most max + 1. */
static size_t alpha_run(const unsigned char *t, size_t len, size_t pos,
                        size_t max)
{
    size_t n = 0;
    while (pos + n < len && n <= max && is_alpha(t[pos + n]))
        n++;
    return n;
}

/* Read 1..maxd digits at pos into *value; returns the count, 0 when there
 * are none or more than maxd in a row. */
static size_t read_digits(const unsigned char *t, size_t len, size_t pos,
                          size_t maxd, int *value)
{
    size_t n = 0;
    int v = 0;
    while (pos + n < len && is_digit(t[pos + n])) {
        if (n == maxd)
            return 0;
        v = v * 10 + (t[pos + n] - '0');
        n++;
    }
    *value = v;
    return n;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */
/* ------------------------------------------------------------------ */

/* Day/month order of a full numeric date ("12/03/2018"). */
typedef enum date_order {
    ORDER_NONE,        /* not a numeric full date, or both fields equal */
    ORDER_AMBIGUOUS,   /* both fields <= 12: month left 0 */
    ORDER_MONTH_FIRST, /* 03/25/2018 */
    ORDER_DAY_FIRST    /* 25/03/2018 */
} date_order;

typedef struct endpoint {
    int year;  /* as written, full; 0 for "June" in "June - August 2015" */
    int month; /* 1..12, 0 when unknown */
    date_order order;
    int first, second; /* the two fields of a numeric full date */
    size_t year_end;   /* for "2019 October": the end of "2019", else 0 */
    size_t begin, end;
} endpoint;

static int two_digit_year(int yy, kps_ym as_of)
{
    return yy <= as_of.year % 100 ? 2000 + yy : 1900 + yy;
}

static const struct {
    kw name;
    int month;
} MONTHS[] = {
    {KW("january"), 1},
    {KW("february"), 2},
    {KW("march"), 3},
    {KW("april"), 4},
    {KW("may"), 5},
    {KW("june"), 6},
    {KW("july"), 7},
    {KW("august"), 8},
    {KW("september"), 9},
    {KW("october"), 10},
    {KW("november"), 11},
    {KW("december"), 12},
    {KW("jan"), 1},
    {KW("feb"), 2},
    {KW("mar"), 3},
    {KW("apr"), 4},
    {KW("jun"), 6},
    {KW("jul"), 7},
    {KW("aug"), 8},
    {KW("sep"), 9},
    {KW("sept"), 9},
    {KW("oct"), 10},
    {KW("nov"), 11},
    {KW("dec"), 12},
#define CALENDAR_NAMES 24 /* the entries above; terms follow */
    /* terms of the academic year, read as their first month */
    {KW("winter"), 1},
    {KW("spring"), 3},
    {KW("summer"), 6},
    {KW("fall"), 9},
    {KW("autumn"), 9},
};

/* Month named by the letter run t[pos..pos+n) among the first count
 * entries of MONTHS, 0 if none. */
static int month_among(const unsigned char *t, size_t pos, size_t n,
                       size_t count)
{
    char first = (char)lower(t[pos]);
    for (size_t i = 0; i < count; i++) {
        if (MONTHS[i].name.n == n && MONTHS[i].name.s[0] == first &&
            starts_with_ci(t, pos + n, pos, MONTHS[i].name))
            return MONTHS[i].month;
    }
    return 0;
}

/* Month or term named by the letter run t[pos..pos+n), 0 if none. */
static int month_name(const unsigned char *t, size_t pos, size_t n)
{
    if (n < 3 || n > 9)
        return 0;
    return month_among(t, pos, n, sizeof MONTHS / sizeof MONTHS[0]);
}

/* Calendar month named by the letter run t[pos..pos+n), 0 if none (and for
 * a term such as "Summer").  Called after every small number ("5
 * years"): the first letter turns most words away before the table is
 * read. */
static int calendar_month_name(const unsigned char *t, size_t pos, size_t n)
{
    if (n < 3 || n > 9 || !strchr("jfmasond", lower(t[pos])))
        return 0;
    return month_among(t, pos, n, CALENDAR_NAMES);
}

/* "st", "nd", "rd" or "th" after a day number (its length, or 0). */
static size_t ordinal_suffix(const unsigned char *t, size_t len, size_t pos)
{
    static const kw SUFFIXES[] = {KW("st"), KW("nd"), KW("rd"), KW("th")};
    for (size_t i = 0; i < sizeof SUFFIXES / sizeof SUFFIXES[0]; i++)
        if (pos + 2 >= len || !is_alnum(t[pos + 2]))
            if (starts_with_ci(t, len, pos, SUFFIXES[i]))
                return 2;
    return 0;
}

/* A year after a month name: "2015", "'07", "' 07". */
static int parse_month_year(const unsigned char *t, size_t len, size_t pos,
                            kps_ym as_of, int *year, size_t *end)
{
    int v;
    size_t n;
    if (pos < len && t[pos] == '\'') {
        size_t p = skip_blank(t, len, pos + 1, 1);
        n = read_digits(t, len, p, 2, &v);
        if (n != 2)
            return 0;
        *year = two_digit_year(v, as_of);
        *end = p + 2;
        return 1;
    }
    n = read_digits(t, len, pos, 4, &v);
    if (n != 4)
        return 0;
    *year = v;
    *end = pos + 4;
    return 1;
}

/* "Apr 2020Jun 2020": a month name glued to the year before it, where
 * conversion lost the dash between two dates.  Only a month name
 * followed by a year qualifies, so "2019Oct" or "2020Jun" alone, or
 * "2020Junior", reads as nothing. */
static int glued_month_follows(const unsigned char *t, size_t len, size_t pos)
{
    if (pos == 0 || !is_digit(t[pos - 1]) || pos >= len || !is_alpha(t[pos]))
        return 0;
    size_t n = alpha_run(t, len, pos, 9);
    if (!month_name(t, pos, n))
        return 0;
    size_t p = pos + n;
    if (p < len && t[p] == '.')
        p++;
    p = skip_blank(t, len, p, 3);
    int year;
    size_t nd = read_digits(t, len, p, 4, &year);
    return nd == 4 && !(p + 4 < len && is_alnum(t[p + 4]));
}

/*
 * A day before a month name, as British, Indian and European resumes
 * write dates: "1st May 2016", "16 June 2016", "15-May-2016", "3. March
 * 2015", "15-May-16".  t[pos..pos+nd) holds the day; a year must follow
 * the month, so "5 May" or "3 Mar" alone is no date.
 */
static int parse_day_first(const unsigned char *t, size_t len, size_t pos,
                           size_t nd, int day, kps_ym as_of, endpoint *ep)
{
    if (day < 1 || day > 31)
        return 0;
    size_t p = pos + nd;
    if (p < len && is_alpha(t[p]))
        p += ordinal_suffix(t, len, p);
    if (p < len && t[p] == '.')
        p++;
    int dashed = p < len && t[p] == '-';
    size_t q = dashed ? p + 1 : skip_blank(t, len, p, 2);
    if (q == p || q >= len || !is_alpha(t[q]))
        return 0;
    size_t n = alpha_run(t, len, q, 9);
    int m = calendar_month_name(t, q, n);
    if (!m)
        return 0;
    size_t r = q + n;
    if (r < len && t[r] == '.')
        r++;
    int y;
    size_t e;
    if (dashed) {
        /* "15-May-2016", "15-May-16" */
        if (r >= len || t[r] != '-')
            return 0;
        r++;
        int v;
        size_t ny = read_digits(t, len, r, 4, &v);
        if (ny != 4 && ny != 2)
            return 0;
        y = ny == 4 ? v : two_digit_year(v, as_of);
        e = r + ny;
    } else {
        if (r < len && t[r] == ',')
            r++;
        size_t b = skip_blank(t, len, r, 2);
        if (b == r || !parse_month_year(t, len, b, as_of, &y, &e))
            return 0;
    }
    if (e < len && is_alnum(t[e]))
        return 0;
    ep->year = y;
    ep->month = m;
    ep->end = e;
    return 1;
}

/*
 * A month name after a year, as some CVs write it: "2019 October",
 * "2012, November", "2016 Jun".  Returns the end of the name (past a
 * '.') and sets *month, or returns 0.  One blank or a comma between
 * them; a lower-case abbreviation or "may" is a word of the sentence
 * ("in 2019 may"), and a number after the name makes it something else
 * ("2019 May 5", "2015 March 2016").
 */
static size_t month_after_year(const unsigned char *t, size_t len, size_t pos,
                               int *month)
{
    /* "2019 October", "2019, October", and "2012  , November" from a
     * table whose cell padding was kept before the comma. */
    size_t q = skip_blank(t, len, pos, 3);
    if (q < len && t[q] == ',') {
        q++;
        if (q < len && t[q] == ' ')
            q++;
    } else {
        /* "2017 June", "2017  June" (two spaces, as ever) */
        q = pos;
        for (int k = 0; k < 2 && q < len && t[q] == ' '; k++)
            q++;
    }
    if (q == pos || q >= len || !is_alpha(t[q]))
        return 0;
    size_t n = alpha_run(t, len, q, 9);
    int m = calendar_month_name(t, q, n);
    if (!m || (q + n < len && is_alnum(t[q + n])))
        return 0;
    int full = n > 4 || starts_with_ci(t, len, q, LIT("june")) ||
               starts_with_ci(t, len, q, LIT("july"));
    if (is_lower(t[q]) && !(full && m != 5))
        return 0;
    size_t e = q + n;
    if (e < len && t[e] == '.')
        e++;
    size_t r = skip_blank(t, len, e, 2);
    if (r < len && is_digit(t[r]))
        return 0;
    *month = m;
    return e;
}

/*
 * Parse a date endpoint starting at pos (the caller checks the boundary
 * before it).  Returns 1 and fills ep, or 0.  With allow_bare_month, a
 * month name with no year is accepted (year 0).
 */
static int parse_endpoint(const unsigned char *t, size_t len, size_t pos,
                          kps_ym as_of, int allow_bare_month, endpoint *ep)
{
    if (pos >= len)
        return 0;
    ep->begin = pos;
    ep->month = 0;
    ep->year = 0;
    ep->order = ORDER_NONE;
    ep->first = ep->second = 0;
    ep->year_end = 0;
    unsigned char c = t[pos];

    if (is_alpha(c)) {
        size_t n = alpha_run(t, len, pos, 9);
        int m = month_name(t, pos, n);
        if (!m)
            return 0;
        size_t p = pos + n;
        size_t name_end = p;
        if (p < len && t[p] == '.')
            p++;
        int dashed = p < len && t[p] == '-';
        if (p < len && (t[p] == ',' || t[p] == '-'))
            p++;
        p = skip_blank(t, len, p, 3);
        /* "September" over "2019": a date cell or a converted line
         * wrapped between month and year; only a four-digit year that
         * opens the next line. */
        if (p < len && t[p] == '\n') {
            size_t q = skip_blank(t, len, p + 1, 3);
            int v;
            if (read_digits(t, len, q, 4, &v) == 4)
                p = q;
        }
        int y;
        size_t e;
        /* "Aug. 11, 2003", "May 18th 2007": a day between month and year */
        int day;
        size_t nd = read_digits(t, len, p, 2, &day);
        if (nd && day >= 1 && day <= 31) {
            size_t q = p + nd;
            if (q + 1 < len && is_alpha(t[q]) && is_alpha(t[q + 1]) &&
                !(q + 2 < len && is_alpha(t[q + 2])))
                q += 2; /* st, nd, rd, th */
            if (q < len && t[q] == ',')
                q++;
            size_t r = skip_blank(t, len, q, 3);
            if (r > q && parse_month_year(t, len, r, as_of, &y, &e) &&
                !(e < len && is_alnum(t[e])))
                p = r;
        }
        if (parse_month_year(t, len, p, as_of, &y, &e) &&
            (!(e < len && is_alnum(t[e])) || glued_month_follows(t, len, e))) {
            ep->year = y;
            ep->month = m;
            ep->end = e;
            return 1;
        }
        /* "Jun-16": a spreadsheet's month and two-digit year, the dash
         * glued to both; "Jun-16-2016" or "Jun-16/17" is something else. */
        int yy;
        if (dashed && read_digits(t, len, p, 2, &yy) == 2 &&
            !(p + 2 < len && (is_alnum(t[p + 2]) || t[p + 2] == '-' ||
                              t[p + 2] == '/' || t[p + 2] == '.'))) {
            ep->year = two_digit_year(yy, as_of);
            ep->month = m;
            ep->end = p + 2;
            return 1;
        }
        if (allow_bare_month) {
            ep->month = m;
            ep->end = name_end;
            return 1;
        }
        return 0;
    }

    if (c == '\'') {
        int v;
        size_t n = read_digits(t, len, pos + 1, 2, &v);
        if (n != 2 || (pos + 3 < len && is_alnum(t[pos + 3])))
            return 0;
        ep->year = two_digit_year(v, as_of);
        ep->end = pos + 3;
        return 1;
    }

    if (!is_digit(c))
        return 0;
    int a;
    size_t na = read_digits(t, len, pos, 4, &a);
    if (na == 0)
        return 0;
    if (na <= 2 && parse_day_first(t, len, pos, na, a, as_of, ep))
        return 1;
    size_t p = pos + na;
    unsigned char sep = p < len ? t[p] : 0;
    int b, d;
    size_t nb, nd;

    if (na == 4) {
        /* yyyy, yyyy-mm, yyyy/mm, yyyy-mm-dd */
        ep->year = a;
        ep->end = p;
        if ((sep == '-' || sep == '/' || sep == '.') &&
            (nb = read_digits(t, len, p + 1, 2, &b)) == 2 && b >= 1 &&
            b <= 12) {
            size_t q = p + 1 + nb;
            if (q < len && t[q] == sep &&
                (nd = read_digits(t, len, q + 1, 2, &d)) >= 1 && d >= 1 &&
                d <= 31) {
                q += 1 + nd;
            }
            if (!(q < len && is_alnum(t[q]))) {
                ep->month = b;
                ep->end = q;
            }
        }
        if (ep->end < len && is_alnum(t[ep->end]))
            return 0;
        int m;
        size_t e;
        if (ep->month == 0 && (e = month_after_year(t, len, ep->end, &m))) {
            ep->year_end = ep->end;
            ep->month = m;
            ep->end = e;
        }
        return 1;
    }

    if (na > 2 || !(sep == '/' || sep == '.' || sep == '-'))
        return 0;
    nb = read_digits(t, len, p + 1, 4, &b);
    if (nb == 0)
        return 0;
    size_t q = p + 1 + nb;

    if (nb == 4) {
        /* mm/yyyy */
        if (a < 1 || a > 12 || (q < len && is_alnum(t[q])))
            return 0;
        ep->year = b;
        ep->month = a;
        ep->end = q;
        return 1;
    }
    if (nb > 2)
        return 0;
    /* a/b/yyyy or a/b/yy: a full date with day and month in either order */
    if (q < len && t[q] == sep) {
        int y;
        size_t ny = read_digits(t, len, q + 1, 4, &y);
        if (ny != 4 && ny != 2)
            return 0;
        size_t e = q + 1 + ny;
        if (e < len && is_alnum(t[e]))
            return 0;
        if (a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12))
            return 0;
        ep->year = ny == 4 ? y : two_digit_year(y, as_of);
        ep->first = a;
        ep->second = b;
        if (a == b) {
            ep->month = a; /* 05/05/2018 */
        } else if (b > 12) {
            ep->month = a; /* month first: 03/25/2018 */
            ep->order = ORDER_MONTH_FIRST;
        } else if (a > 12) {
            ep->month = b; /* day first: 25/03/2018 */
            ep->order = ORDER_DAY_FIRST;
        } else {
            ep->month = 0; /* 12/03/2018: the year, unless the other end
                            * of its range tells the order */
            ep->order = ORDER_AMBIGUOUS;
        }
        ep->end = e;
        return 1;
    }
    /* mm/yy: '/' only; "3-18" and "3.18" are too often not dates */
    if (sep != '/' || nb != 2 || a < 1 || a > 12 ||
        (q < len && (is_alnum(t[q]) || t[q] == '/')))
        return 0;
    ep->year = two_digit_year(b, as_of);
    ep->month = a;
    ep->end = q;
    return 1;
}

/* Whether a phrase ends at e: the line ends there (after blanks), a
 * column's gap of two blanks or more follows, or a punctuation mark:
 * "2015 - Continuing.", "2015 - Continuing   Acme Corp", "May 2015 -
 * Continued (part-time)", but not "2015 - Continuing Education". */
static int ends_phrase(const unsigned char *t, size_t len, size_t e)
{
    size_t p = skip_blank(t, len, e, 8);
    if (p - e >= 2 || p == len)
        return 1;
    return t[p] == '\n' || t[p] == '\r' || t[p] == '.' || t[p] == ',' ||
           t[p] == ';' || t[p] == ':' || t[p] == '(' || t[p] == ')' ||
           t[p] == '[' || t[p] == ']' || t[p] == '|' || t[p] == '-';
}

/* A word meaning "up to now" at pos; returns its length or 0. */
static size_t present_word(const unsigned char *t, size_t len, size_t pos)
{
    /* TAKES_LY: "Currently", "Presently".  OPENS_PHRASE: the word also
     * opens phrases ("Continuing Education Credits") and ends a range only
     * where its phrase ends (ends_phrase()). */
    enum { TAKES_LY = 1, OPENS_PHRASE = 2 };
    static const struct {
        kw word;
        int flags;
    } WORDS[] = {
        {KW("present"), TAKES_LY},
        {KW("current"), TAKES_LY},
        {KW("now"), 0},
        {KW("today"), 0},
        {KW("date"), 0},
        {KW("ongoing"), 0},
        {KW("onwards"), 0},
        {KW("onward"), 0},
        {KW("cont"), 0},
        {KW("contd"), 0},
        {KW("continuing"), OPENS_PHRASE},
        {KW("continued"), OPENS_PHRASE},
    };
    if (pos >= len)
        return 0;
    unsigned char c = lower(t[pos]);
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
        size_t n = (unsigned char)WORDS[i].word.s[0] == c
                       ? starts_with_ci(t, len, pos, WORDS[i].word)
                       : 0;
        if (n == 0)
            continue;
        size_t e = pos + n;
        if ((WORDS[i].flags & TAKES_LY) && starts_with_ci(t, len, e, LIT("ly")))
            e += 2;
        /* "CurrentBrookdale" (pdftotext glue) is fine, "nowhere" is not. */
        if (e < len && is_lower(t[e]))
            continue;
        if (e < len && is_alpha(t[e]) && is_alpha(t[e - 1]) &&
            !is_lower(t[e - 1]))
            continue; /* "NOWHERE" */
        if ((WORDS[i].flags & OPENS_PHRASE) && !ends_phrase(t, len, e))
            continue;
        return e - pos;
    }
    return 0;
}

/* A range connector at pos; returns its length or 0. */
static size_t connector(const unsigned char *t, size_t len, size_t pos)
{
    if (pos >= len)
        return 0;
    if (t[pos] == '-') {
        size_t n = 0;
        while (pos + n < len && t[pos + n] == '-' && n < 3)
            n++;
        return n;
    }
    if (t[pos] == '~')
        return 1;
    unsigned char first = t[pos] | 0x20; /* every word's first letter */
    if (first != 't' && first != 'u')
        return 0;
    static const kw WORDS[] = {KW("to"),      KW("till"), KW("until"),
                               KW("through"), KW("thru"), KW("til")};
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
        size_t n = word_ci(t, len, pos, WORDS[i]);
        if (!n)
            continue;
        /* a form's label keeps its colon: "From: 2009 To: 2010", "To :" */
        size_t c = pos + n + (pos + n < len && t[pos + n] == ' ');
        return c < len && t[c] == ':' ? c + 1 - pos : n;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Building the timeline                                               */
/* ------------------------------------------------------------------ */

typedef struct span_list {
    kps_span *v;
    size_t n, cap;
} span_list;

static int push_span(span_list *l, const kps_span *s)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        if (ncap > SIZE_MAX / sizeof *l->v)
            return -1;
        kps_span *p = realloc(l->v, ncap * sizeof *p);
        if (!p)
            return -1;
        l->v = p;
        l->cap = ncap;
    }
    l->v[l->n++] = *s;
    return 0;
}

/*
 * Turn two endpoints into a span following the rules at the top.  end is
 * NULL for an open range.  Returns 1 and fills span when plausible.
 */
static int make_range(const endpoint *start, const endpoint *end, kps_ym as_of,
                      kps_span *span)
{
    int sy = start->year;
    int ey = end ? end->year : as_of.year;
    if (sy < MIN_YEAR || sy > as_of.year || ey < MIN_YEAR || ey > as_of.year)
        return 0;

    int sm = start->month;
    int em = end ? end->month : as_of.month;
    /* A bare year is January, at either end (RUBRIC.md); within one year
     * the missing month is the far edge of that year instead, so
     * "2015 - Mar 2015" starts in January and "Sep 2015 - 2015" ends in
     * December, and "2015 - 2015" is 0 months. */
    if (sm == 0)
        sm = 1;
    if (em == 0)
        em = (sy == ey && start->month != 0) ? 12 : 1;

    long s = kps_month_index(sy, sm);
    long e = kps_month_index(ey, em);
    long limit = kps_month_index(as_of.year, as_of.month);
    if (s > limit || s > e)
        return 0;
    if (e > limit)
        e = limit;

    memset(span, 0, sizeof *span);
    span->kind = KPS_SPAN_RANGE;
    span->start.year = sy;
    span->start.month = sm;
    span->end.year = (int)(e / 12);
    span->end.month = (int)(e % 12) + 1;
    span->open_ended = end == NULL;
    span->years = (double)(e - s) / 12.0;
    return 1;
}

/* Products whose versions are years: "Windows Server 2003-2008" and
 * "Office 2003-2011" are not jobs.  Checked only before a bare year. */
static int after_product_name(const unsigned char *t, size_t pos)
{
    static const kw PRODUCTS[] = {
        KW("windows"),    KW("server"),  KW("office"),     KW("exchange"),
        KW("sql"),        KW("studio"),  KW("visio"),      KW("access"),
        KW("word"),       KW("excel"),   KW("outlook"),    KW("project"),
        KW("sharepoint"), KW("autocad"), KW("quickbooks"), KW("dynamics"),
        KW("xp"),         KW("vista"),
    };
    size_t e = pos;
    while (e > 0 && pos - e < 3 && t[e - 1] == ' ')
        e--;
    if (e == pos)
        return 0;
    size_t b = e;
    while (b > 0 && e - b < 12 && is_alpha(t[b - 1]))
        b--;
    if (b == e || (b > 0 && is_alpha(t[b - 1])))
        return 0;
    for (size_t i = 0; i < sizeof PRODUCTS / sizeof PRODUCTS[0]; i++) {
        if (e - b == PRODUCTS[i].n && starts_with_ci(t, e, b, PRODUCTS[i]))
            return 1;
    }
    return 0;
}

/* Character before pos allows a date to start here. */
static int date_boundary(const unsigned char *t, size_t pos)
{
    if (pos == 0)
        return 1;
    unsigned char p = t[pos - 1];
    if (is_alnum(p))
        return 0;
    /* "555-1999-2001", "1.2015", "$2015", "#2015": part of something else */
    if (is_digit(t[pos]) || t[pos] == '\'')
        return !(p == '-' || p == '/' || p == '.' || p == '$' || p == '#' ||
                 p == '+' || p == ',' || p == ':' || p == '\'');
    return 1;
}

/* Two or more blanks (spaces or tabs), and no line break, in [a, b). */
static int spaced_apart(const unsigned char *t, size_t a, size_t b)
{
    if (b < a + 2)
        return 0;
    for (size_t i = a; i < b; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return 0;
    return 1;
}

/* "20212021": two years glued together where conversion lost the dash
 * (seen in DOCX files made from PDFs).  Both must be plausible and in
 * order, so a phone number or an id rarely qualifies. */
static int glued_years(const unsigned char *t, size_t len, size_t pos,
                       kps_ym as_of, endpoint *a, endpoint *b)
{
    if (len - pos < 8 || (len - pos > 8 && is_alnum(t[pos + 8])))
        return 0;
    int v;
    if (read_digits(t, len, pos, 8, &v) != 8)
        return 0;
    int y1 = v / 10000, y2 = v % 10000;
    if (y1 < MIN_YEAR || y2 < y1 || y2 > as_of.year)
        return 0;
    *a = (endpoint){.year = y1, .month = 0, .begin = pos, .end = pos + 4};
    *b = (endpoint){.year = y2, .month = 0, .begin = pos + 4, .end = pos + 8};
    return 1;
}

/* How far a job line is read on either side of a date: enough for a job
 * line, and it keeps a hostile megabyte-long line with many dates
 * linear. */
#define LINE_REACH 160

/* The start of the line holding t[from], reading back no further than
 * LINE_REACH bytes before origin. */
static size_t line_begin(const unsigned char *t, size_t from, size_t origin)
{
    size_t b = from;
    while (b > 0 && origin - b < LINE_REACH && t[b - 1] != '\n')
        b--;
    return b;
}

/* The end (its '\n' or len) of the line holding t[from], reading on no
 * further than LINE_REACH bytes after origin. */
static size_t line_end(const unsigned char *t, size_t len, size_t from,
                       size_t origin)
{
    size_t e = from;
    while (e < len && e - origin < LINE_REACH && t[e] != '\n')
        e++;
    return e;
}

/*
 * A table cell of dates beside a title cell, as DOCX and PDF conversion
 * writes it: "September 2019  Senior Team Manager" over a line that holds
 * only the end ("currently working", "December 2017").  The start must
 * open its line and the end must be alone on the next one, both with a
 * month, so a list of dated items ("2015 Award" over "2016 Prize") is no
 * range.  Returns 1 for such an end, 2 for an end date written year
 * first with text after it on its line (see try_range), else 0.  Fills
 * *end (its begin is set for an open end too) and *open_len (the length
 * of the "present" words, 0 for a date).
 */
static int end_on_next_line(const unsigned char *t, size_t len, size_t start,
                            kps_ym as_of, endpoint *end, size_t *open_len)
{
    size_t ls = start;
    while (ls > 0 && (t[ls - 1] == ' ' || t[ls - 1] == '\t'))
        ls--;
    if (ls > 0 && t[ls - 1] != '\n')
        return 0;
    size_t le = line_end(t, len, start, start);
    if (le >= len || t[le] != '\n')
        return 0;
    size_t q = skip_blank(t, len, le + 1, 8);
    size_t e;
    *open_len = present_word(t, len, q);
    if (*open_len) {
        end->begin = q;
        e = q + *open_len;
        size_t w = skip_blank(t, len, e, 3);
        size_t n = word_ci(t, len, w, LIT("working"));
        if (n)
            e = w + n;
        *open_len = e - q;
    } else {
        if (!parse_endpoint(t, len, q, as_of, 0, end) || end->month == 0)
            return 0;
        e = end->end;
    }
    e = skip_blank(t, len, e, 8);
    if (e >= len || t[e] == '\n')
        return 1;
    return *open_len == 0 && end->year_end != 0 ? 2 : 0;
}

/* A range is written in one convention, so the end whose day/month order
 * is certain tells it for the other: "01/05/2016 - 31/08/2019" is day
 * first throughout, and its start is May, not a bare 2016. */
static void take_order(endpoint *e, date_order other)
{
    if (e->order != ORDER_AMBIGUOUS)
        return;
    if (other == ORDER_MONTH_FIRST)
        e->month = e->first;
    else if (other == ORDER_DAY_FIRST)
        e->month = e->second;
}

/* Both ends of a range: complete one's day/month order from the other,
 * then make the span covering them. */
static int make_dated_range(endpoint *a, endpoint *b, kps_ym as_of,
                            kps_span *span)
{
    take_order(a, b->order);
    take_order(b, a->order);
    /* "2015 - 2018 May Department Stores": after a bare-year start, a
     * month name after the end's year belongs to what follows. */
    if (a->month == 0 && b->year_end) {
        b->month = 0;
        b->end = b->year_end;
    }
    if (!make_range(a, b, as_of, span))
        return 0;
    span->offset = a->begin;
    span->length = b->end - a->begin;
    return 1;
}

/* "1998/2004", "2004/ 2013" ending a job's header line: two bare years a
 * slash apart, as some European CVs date their jobs.  The year at pos
 * ends at p; the slash must stand there, and the other year after it,
 * alone and last on its line: versions in a sentence ("in MDT 2010/2012
 * and ...", "a Microsoft 2000/2003 environment") or a list of them
 * ("2003/2008/2012") are no range, and a product's ("Server 2003/2008")
 * was refused before. */
static int slash_years(const unsigned char *t, size_t len, size_t pos, size_t p)
{
    if (p >= len || t[p] != '/' || (pos > 0 && t[pos - 1] == '/'))
        return 0;
    size_t q = p + 1 + (p + 1 < len && t[p + 1] == ' ');
    if (len - q < 4 || !(t[q] == '1' || t[q] == '2'))
        return 0;
    for (size_t i = q; i < q + 4; i++)
        if (!is_digit(t[i]))
            return 0;
    size_t e = skip_blank(t, len, q + 4, 8);
    return e == len || t[e] == '\n';
}

/*
 * Try a range whose first endpoint starts at pos.  On success fills span
 * (offset/length set) and returns 1.  When a date stands at pos (range or
 * not), *date_end receives its end, so that the caller does not read the
 * year of "Aug 2020" again as a date of its own.
 */
static int try_range(const unsigned char *t, size_t len, size_t pos,
                     kps_ym as_of, kps_span *span, size_t *date_end)
{
    endpoint a, b;
    if (pos < len && is_digit(t[pos]) &&
        glued_years(t, len, pos, as_of, &a, &b)) {
        *date_end = b.end;
        if (!make_range(&a, &b, as_of, span))
            return 0;
        span->offset = a.begin;
        span->length = b.end - a.begin;
        return 1;
    }
    if (!parse_endpoint(t, len, pos, as_of, 1, &a))
        return 0;
    *date_end = a.end;
    int bare_month = (a.year == 0);
    if (a.month == 0 && after_product_name(t, pos))
        return 0;

    size_t p = skip_space(t, len, a.end, MAX_GAP);
    size_t cn = connector(t, len, p);
    if (cn == 0 && a.month == 0 && !bare_month && slash_years(t, len, pos, p))
        cn = 1;
    if (cn == 0 && !bare_month &&
        (spaced_apart(t, a.end, p) ||
         (p == a.end && a.month != 0 && glued_month_follows(t, len, p)))) {
        /* "2008  2022", "4/2016  5/2022": the dash lost in conversion,
         * two or more spaces left between two dates of the same form;
         * "Apr 2020Jun 2020": none left (parse_endpoint let the glue
         * through). */
        size_t w = present_word(t, len, p);
        if (w && make_range(&a, NULL, as_of, span)) {
            span->offset = a.begin;
            span->length = p + w - a.begin;
            return 1;
        }
        if (!w && parse_endpoint(t, len, p, as_of, 0, &b) &&
            (b.month == 0) == (a.month == 0) &&
            make_dated_range(&a, &b, as_of, span))
            return 1;
    }
    if (cn == 0 && !bare_month && a.month != 0) {
        size_t open_len = 0;
        int below = end_on_next_line(t, len, a.begin, as_of, &b, &open_len);
        /* One template writes the year first on both lines, each date
         * followed by its cell: "2020, June  MTS GROUP" over "2021,
         * August Python Developer".  Two year-first dates with months
         * opening two lines are the two ends of one job. */
        if ((below == 1 || (below == 2 && a.year_end != 0)) &&
            make_range(&a, open_len ? NULL : &b, as_of, span)) {
            span->offset = a.begin;
            span->length = (open_len ? b.begin + open_len : b.end) - a.begin;
            return 1;
        }
    }
    if (cn == 0) {
        /* "May 2019 Present": no connector, the word ends the line;
         * "June 2016 onwards" says what it means wherever it stands. */
        if (bare_month || p == a.end)
            return 0;
        size_t w = present_word(t, len, p);
        int onward = w && starts_with_ci(t, len, p, LIT("onward"));
        if (w == 0 || !(onward || starts_with_ci(t, len, p, LIT("present")) ||
                        starts_with_ci(t, len, p, LIT("current"))))
            return 0;
        size_t after = skip_blank(t, len, p + w, 8);
        if (!onward && after < len && t[after] != '\n' && t[after] != ')' &&
            t[after] != ',' && t[after] != '|')
            return 0;
        if (!make_range(&a, NULL, as_of, span))
            return 0;
        span->offset = a.begin;
        span->length = p + w - a.begin;
        return 1;
    }
    p = skip_space(t, len, p + cn, MAX_GAP);
    /* "05/2020 - to date", "2019 - till date": a dash and a word both. */
    size_t cn2 = p < len && t[p] != '-' ? connector(t, len, p) : 0;
    if (cn2) {
        size_t q = skip_space(t, len, p + cn2, MAX_GAP);
        if (present_word(t, len, q))
            p = q;
    }

    size_t w = present_word(t, len, p);
    if (w && !bare_month) {
        if (!make_range(&a, NULL, as_of, span))
            return 0;
        span->offset = a.begin;
        span->length = p + w - a.begin;
        return 1;
    }
    if (!parse_endpoint(t, len, p, as_of, 0, &b))
        return 0;
    if (bare_month) {
        /* "June - August 2015": the start takes the end's year. */
        if (b.month == 0)
            return 0;
        a.year = a.month > b.month ? b.year - 1 : b.year;
    }
    return make_dated_range(&a, &b, as_of, span);
}

static int previous_word_is(const unsigned char *t, size_t pos, const char *w);

/* Whether "member of" stands at i, a word's start, and names a
 * membership: no seat that is a job ("Member of Parliament") and no place
 * in a team or a staff ("Member of Technical Staff", "member of the Ads
 * team") among the words that follow before to. */
static int membership_at(const unsigned char *t, size_t to, size_t i)
{
    size_t n = word_ci(t, to, i, LIT("member")), k;
    if (n == 0)
        return 0;
    size_t p = skip_blank(t, to, i + n, 3);
    if (p == i + n || (k = word_ci(t, to, p, LIT("of"))) == 0)
        return 0;
    static const kw SEATS[] = {
        KW("staff"),      KW("team"),     KW("teams"),
        KW("parliament"), KW("congress"), KW("senate"),
    };
    for (p += k; p < to; p = skip_word(t, to, p)) {
        if (!is_alpha(t[p]))
            continue;
        for (size_t s = 0; s < sizeof SEATS / sizeof SEATS[0]; s++)
            if (word_ci(t, to, p, SEATS[s]))
                return 0;
    }
    return 1;
}

static int line_has_title(const unsigned char *t, size_t from, size_t to);

/* Whether a membership stands at i in the line t[from, to) and the line
 * names no job title ("Software Engineer, Acme; member of the strategy
 * group since 2016" dates the job). */
static int membership_on_line(const unsigned char *t, size_t from, size_t to,
                              size_t i)
{
    return membership_at(t, to, i) && line_has_title(t, from, to) <= 0;
}

/* Does the line that holds pos name a membership ("Member of the Society
 * of Actuaries since 2008", "Active member of Toastmasters since 2015")? */
static int line_says_member_of(const unsigned char *t, size_t len, size_t pos)
{
    size_t ls = line_begin(t, pos, pos), le = line_end(t, len, pos, pos);
    for (size_t i = ls; i < le; i = skip_word(t, le, i))
        if (lower(t[i]) == 'm' && membership_on_line(t, ls, le, i))
            return 1;
    return 0;
}

/* "Since 2017", "since March 2015": an open range, unless it dates what
 * is no job ("a member since 1996", "resident since 2001", "Member of the
 * Bar Association since 2004"). */
static int try_since(const unsigned char *t, size_t len, size_t pos,
                     kps_ym as_of, kps_span *span)
{
    size_t n = word_ci(t, len, pos, LIT("since"));
    if (n == 0)
        return 0;
    static const char *const NOT_JOBS[] = {"member",    "membership",
                                           "volunteer", "volunteering",
                                           "resident",  "citizen"};
    for (size_t i = 0; i < sizeof NOT_JOBS / sizeof NOT_JOBS[0]; i++)
        if (previous_word_is(t, pos, NOT_JOBS[i]))
            return 0;
    if (line_says_member_of(t, len, pos))
        return 0;
    size_t p = skip_blank(t, len, pos + n, 3);
    endpoint a;
    if (p == pos + n || !parse_endpoint(t, len, p, as_of, 0, &a))
        return 0;
    if (!make_range(&a, NULL, as_of, span))
        return 0;
    span->offset = pos;
    span->length = a.end - pos;
    return 1;
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

static const struct {
    kw word;
    int value;
} NUMBER_WORDS[] = {
    {KW("one"), 1},       {KW("two"), 2},        {KW("three"), 3},
    {KW("four"), 4},      {KW("five"), 5},       {KW("six"), 6},
    {KW("seven"), 7},     {KW("eight"), 8},      {KW("nine"), 9},
    {KW("ten"), 10},      {KW("eleven"), 11},    {KW("twelve"), 12},
    {KW("thirteen"), 13}, {KW("fourteen"), 14},  {KW("fifteen"), 15},
    {KW("sixteen"), 16},  {KW("seventeen"), 17}, {KW("eighteen"), 18},
    {KW("nineteen"), 19}, {KW("twenty"), 20},    {KW("thirty"), 30},
    {KW("forty"), 40},    {KW("fifty"), 50},
};

/* A number at pos, in digits ("7", "2.5") or words ("five",
 * "twenty-five").  Returns 1, the value in tenths and the end. */
static int parse_number(const unsigned char *t, size_t len, size_t pos,
                        int *tenths, size_t *end)
{
    if (pos >= len)
        return 0;
    if (is_digit(t[pos])) {
        int v;
        size_t n = read_digits(t, len, pos, 2, &v);
        if (n == 0)
            return 0;
        size_t e = pos + n;
        int frac = 0;
        if (e + 1 < len && t[e] == '.' && is_digit(t[e + 1]) &&
            !(e + 2 < len && is_digit(t[e + 2]))) {
            frac = t[e + 1] - '0';
            e += 2;
        }
        /* "8yrs" and "5years" are glued but fine; "5th", "1,000" are not */
        if (e < len && is_alpha(t[e]) &&
            !starts_with_ci(t, len, e, LIT("yr")) &&
            !starts_with_ci(t, len, e, LIT("year")))
            return 0;
        if (e < len && (t[e] == ',' || t[e] == '/' ||
                        (t[e] == '.' && e + 1 < len && is_digit(t[e + 1]))))
            return 0;
        *tenths = v * 10 + frac;
        *end = e;
        return 1;
    }
    size_t n = alpha_run(t, len, pos, 9);
    for (size_t i = 0; i < sizeof NUMBER_WORDS / sizeof NUMBER_WORDS[0]; i++) {
        if (NUMBER_WORDS[i].word.n != n ||
            !starts_with_ci(t, len, pos, NUMBER_WORDS[i].word))
            continue;
        int v = NUMBER_WORDS[i].value;
        size_t e = pos + n;
        if (v >= 20 && e < len && (t[e] == '-' || t[e] == ' ')) {
            /* "twenty-five", "twenty five" */
            size_t un = alpha_run(t, len, e + 1, 9);
            for (size_t k = 0; k < 9; k++) {
                kw u = NUMBER_WORDS[k].word;
                if (u.n == un && starts_with_ci(t, len, e + 1, u)) {
                    v += NUMBER_WORDS[k].value;
                    e += 1 + un;
                    break;
                }
            }
        }
        *tenths = v * 10;
        *end = e;
        return 1;
    }
    return 0;
}

static const kw MONTHS_WORDS[] = {KW("months"), KW("month"), KW("mos")};

/* The length of a months word at pos, or 0. */
static size_t months_word(const unsigned char *t, size_t len, size_t pos)
{
    if (pos >= len || lower(t[pos]) != 'm') /* most numbers: one test */
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < 3 && n == 0; i++)
        n = word_ci(t, len, pos, MONTHS_WORDS[i]);
    return n;
}

/* A whole number of months and its word at pos ("3 months", "seven
 * months"): the months, with *end after the word; else 0. */
static int parse_months(const unsigned char *t, size_t len, size_t pos,
                        size_t *end)
{
    int tenths;
    size_t p, n;
    if (!parse_number(t, len, pos, &tenths, &p) || tenths % 10 != 0 ||
        tenths < 10)
        return 0;
    p = skip_blank(t, len, p, 2);
    if ((n = months_word(t, len, p)) == 0)
        return 0;
    *end = p + n;
    return tenths / 10;
}

/* Months in tenths of a year, to the nearest tenth (6 months = 5). */
static int months_tenths(int months)
{
    return (months * 10 + 6) / 12;
}

/*
 * NUMBER [(-|to) NUMBER] [+|plus] [-] years-word [[,.] [and|&] N months] at
 * pos, or NUMBER months-word.  Returns 1 with the first number in tenths of
 * a year ("6 years 3 months" is 6.3, "26 months" 2.2) and the end of the
 * last word; *in_months is 1 when the number was given in months alone, 2
 * when months followed the years ("0 years 8 months" is no year, yet a
 * statement), else 0; *months is the number of months given (26, 3), 0
 * when none.
 */
static int parse_number_years(const unsigned char *t, size_t len, size_t pos,
                              int *tenths, size_t *end, int *in_months,
                              int *months_given)
{
    *in_months = 0;
    *months_given = 0;
    size_t p;
    if (!parse_number(t, len, pos, tenths, &p))
        return 0;
    /* "10-15 years", "5 to 7 years": keep the lower bound */
    size_t q = skip_blank(t, len, p, 2);
    size_t cn = 0;
    if (q < len && t[q] == '-')
        cn = 1;
    else
        cn = word_ci(t, len, q, LIT("to"));
    if (cn) {
        int hi;
        size_t r = skip_blank(t, len, q + cn, 2);
        size_t e2;
        if (parse_number(t, len, r, &hi, &e2) && hi >= *tenths)
            p = e2;
    }
    p = skip_blank(t, len, p, 2);
    if (p < len && t[p] == '+') {
        p = skip_blank(t, len, p + 1, 2);
    } else {
        size_t n = word_ci(t, len, p, LIT("plus"));
        if (n)
            p = skip_blank(t, len, p + n, 2);
    }
    if (p < len && t[p] == '-')
        p++;
    size_t n = 0;
    static const kw YEARS[] = {KW("years"), KW("year"), KW("yrs"), KW("yr")};
    /* "more than 12" over "years of experience": a sentence wrapped after
     * its number goes on with the word on the next line */
    size_t w = p;
    if (w < len && t[w] == '\n')
        w = skip_blank(t, len, w + 1, 8);
    for (size_t i = 0; i < 4 && n == 0; i++)
        n = word_ci(t, len, w, YEARS[i]);
    if (n == 0) {
        /* "26 months of experience": the number was whole months */
        if ((n = months_word(t, len, w)) == 0 || *tenths % 10 != 0 ||
            *tenths < 10)
            return 0;
        *months_given = *tenths / 10;
        *tenths = months_tenths(*tenths / 10);
        *in_months = 1;
        *end = w + n;
        return 1;
    }
    p = w;
    p += n;
    if (p < len && t[p] == '\'') {
        p++;
        if (p < len && lower(t[p]) == 's' &&
            !(p + 1 < len && is_alpha(t[p + 1])))
            p++;
    }
    /* "6 years 3 months", "1 year and 7 months", "2 yrs, 2 months",
     * "2 yrs. 6 months", "3 years & 8 months" */
    size_t m = skip_blank(t, len, p, 2);
    if (m < len && (t[m] == ',' || t[m] == '.'))
        m = skip_blank(t, len, m + 1, 2);
    size_t k = m < len && t[m] == '&' ? 1 : word_ci(t, len, m, LIT("and"));
    if (k)
        m = skip_blank(t, len, m + k, 2);
    size_t e;
    /* digits only: a word after the years ("of") is rarely a number, and
     * trying it against every number word cost 0.1 % of a scan */
    int months = m < len && is_digit(t[m]) ? parse_months(t, len, m, &e) : 0;
    if (months) {
        /* past the cap the years alone stand ("60 years 11 months": 60) */
        if (*tenths + months_tenths(months) <= MAX_STATED_YEARS * 10) {
            *tenths += months_tenths(months);
            *months_given = months;
        }
        *in_months = 2;
        p = e;
    }
    *end = p;
    return 1;
}

/* Misspellings of "experience" that real resumes write, mostly in a
 * second language ("one-year experiance", "2+ years of total
 * expirience"). */
static const kw EXPERIENCE_MISSPELT[] = {
    KW("experiance"), KW("expirience"), KW("experince"),
    KW("expereince"), KW("experiense"),
};

/* Word at pos is "experience" (or a form or misspelling of it) or "exp";
 * returns the length of the word or 0. */
static size_t experience_word(const unsigned char *t, size_t len, size_t pos)
{
    /* most words are not: one test before the spellings are tried */
    if (!starts_with_ci(t, len, pos, LIT("exp")))
        return 0;
    size_t n = starts_with_ci(t, len, pos, LIT("experience"));
    for (size_t i = 0; n == 0 && i < sizeof EXPERIENCE_MISSPELT /
                                         sizeof EXPERIENCE_MISSPELT[0];
         i++)
        n = starts_with_ci(t, len, pos, EXPERIENCE_MISSPELT[i]);
    if (n) {
        while (pos + n < len && is_alpha(t[pos + n]))
            n++; /* "experienced" */
        return n;
    }
    n = word_ci(t, len, pos, LIT("exp"));
    return n;
}

/* After the years word: "experience" within four words?  Returns the end
 * of the experience word or 0. */
static size_t experience_after(const unsigned char *t, size_t len, size_t pos)
{
    size_t p = pos;
    int newlines = 0;
    for (int word = 0; word < 5; word++) {
        size_t q = p;
        while (q < len && q - p < 4 && is_space(t[q])) {
            if (t[q] == '\n' && ++newlines > 1)
                return 0;
            q++;
        }
        if (q == p && word > 0)
            return 0;
        p = q;
        size_t n = experience_word(t, len, p);
        if (n)
            return p + n;
        /* any other word: letters, '-', '/', '\'' ("hands-on", "IT/Ops") */
        size_t w = 0;
        while (p + w < len && w < 24 &&
               (is_alpha(t[p + w]) || t[p + w] == '-' || t[p + w] == '/' ||
                t[p + w] == '\''))
            w++;
        if (w == 0 || w == 24)
            return 0;
        p += w;
    }
    return 0;
}

/* Previous word (ASCII letters) before pos equals w. */
static int previous_word_is(const unsigned char *t, size_t pos, const char *w)
{
    size_t p = pos;
    size_t gap = 0;
    while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t') && gap < 3) {
        p--;
        gap++;
    }
    size_t n = strlen(w);
    if (gap == 0 || p < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(t[p - n + i]) != (unsigned char)w[i])
            return 0;
    return p == n || !is_alpha(t[p - n - 1]);
}

/* A statement of at least a year, or of at least a month when months
 * are given ("6 months of experience" is 0.5, "0 years 8 months" 0.7). */
static int valid_stated(int tenths, int in_months)
{
    return tenths >= (in_months ? 1 : 10) && tenths <= MAX_STATED_YEARS * 10;
}

/* Whether the word w (lower case) ends at p in t.  (previous_word_is()
 * keeps its own copy of the comparison: calling this from it made the
 * compiler lay out the timeline's hot loop anew, 0.19 % of a scan.) */
static int word_ends_at(const unsigned char *t, size_t p, const char *w)
{
    size_t n = strlen(w);
    if (p < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(t[p - n + i]) != (unsigned char)w[i])
            return 0;
    return p == n || !is_alpha(t[p - n - 1]);
}

/* Whether the number at pos follows a years word, "and" or "&", across
 * blanks and one ',' or '.': the months of "61 years, 11 months", "within
 * 2 years, 6 months" or "2 yrs. 6 months", whose years made no statement
 * (too many, after "within", or not joined), are not one of their own. */
static int after_years(const unsigned char *t, size_t pos)
{
    size_t p = pos;
    while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t') && pos - p < 3)
        p--;
    if (p == pos)
        return 0; /* glued: "x6 months" */
    if (p > 0 && t[p - 1] == '&')
        return 1;
    if (p > 0 && (t[p - 1] == ',' || t[p - 1] == '.'))
        p--;
    return word_ends_at(t, p, "years") || word_ends_at(t, p, "year") ||
           word_ends_at(t, p, "yrs") || word_ends_at(t, p, "yr") ||
           word_ends_at(t, p, "and");
}

static void make_statement(int tenths, size_t b, size_t e, kps_span *span)
{
    memset(span, 0, sizeof *span);
    span->kind = KPS_SPAN_STATEMENT;
    span->years = tenths / 10.0;
    span->offset = b;
    span->length = e - b;
}

/* "7+ years of experience" starting at pos. */
/* "Age: 35", "aged 35", "Age 35": the number is an age. */
static int after_age_label(const unsigned char *t, size_t pos)
{
    size_t p = pos;
    while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t') && pos - p < 3)
        p--;
    if (p > 0 && t[p - 1] == ':') {
        p--;
        while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t') && pos - p < 6)
            p--;
    }
    size_t e = p;
    while (p > 0 && is_alpha(t[p - 1]) && e - p < 5)
        p--;
    if (p > 0 && is_alpha(t[p - 1]))
        return 0;
    size_t n = e - p;
    return (n == 3 || n == 4) && lower(t[p]) == 'a' && lower(t[p + 1]) == 'g' &&
           lower(t[p + 2]) == 'e' && (n == 3 || lower(t[p + 3]) == 'd');
}

/*
 * "PHP Developer (9 month)": CVs that give no dates may give each job's
 * length in brackets on the job's header line.  RUBRIC.md uses a stated
 * length only when no usable range exists, and that is all a reader has
 * here, so the lengths are kept as statements of one job each and added
 * up (kps_timeline.stated_years).  Here: the number with its years or
 * months word alone in brackets; try_at() keeps it only under an
 * experience heading on a job's line (job_length_line()).  pos is the
 * number, end the end of its years or months word.
 */
static int try_job_length(const unsigned char *t, size_t len, size_t pos,
                          size_t end, double years, kps_span *span)
{
    size_t open = pos;
    while (open > 0 && pos - open < 2 &&
           (t[open - 1] == ' ' || t[open - 1] == '\t'))
        open--;
    if (open == 0 || t[open - 1] != '(')
        return 0;
    size_t close = skip_blank(t, len, end, 2);
    if (close >= len || t[close] != ')')
        return 0;
    make_statement(0, pos, end, span);
    span->years = years;
    span->job_length = 1;
    return 1;
}

static int try_statement(const unsigned char *t, size_t len, size_t pos,
                         kps_span *span)
{
    int tenths, in_months, months;
    size_t p;
    if (!parse_number_years(t, len, pos, &tenths, &p, &in_months, &months) ||
        !valid_stated(tenths, in_months))
        return 0;
    /* the months of "61 years 11 months" are not a statement of their own */
    if (in_months == 1 && after_years(t, pos))
        return 0;
    if (previous_word_is(t, pos, "within") || previous_word_is(t, pos, "next"))
        return 0;
    /* an age is never experience: "Age: 35 years old", "aged 35 years" */
    size_t o = skip_blank(t, len, p, 2);
    if (after_age_label(t, pos) || word_ci(t, len, o, LIT("old")))
        return 0;
    size_t e = experience_after(t, len, p);
    if (e != 0) {
        make_statement(tenths, pos, e, span);
        return 1;
    }
    /* a job's length is added to others: exact, not to the tenth (three
     * jobs of 9, 9 and 5 months are 1.92 years, not 0.8 + 0.8 + 0.4) */
    double years = (tenths - months_tenths(months)) / 10.0 + months / 12.0;
    return try_job_length(t, len, pos, p, years, span);
}

/* "experience of 5 years", "Experience: over 10 years" starting at pos. */
static int try_experience_of(const unsigned char *t, size_t len, size_t pos,
                             kps_span *span)
{
    size_t n = experience_word(t, len, pos);
    if (n == 0)
        return 0;
    size_t p = skip_blank(t, len, pos + n, 3);
    size_t k;
    /* a bare dash is the per-skill field of profile exports ("Tableau-
     * Experience - 24 months"), not the candidate's whole career: there
     * only years are read */
    int dash = 0;
    if (p < len && t[p] == ':') {
        p++;
        if (p < len && t[p] == '-') /* "Experience:- 1 Year 3 Months" */
            p++;
    } else if (p < len && t[p] == '-') {
        p++;
        dash = 1;
    } else if ((k = word_ci(t, len, p, LIT("of"))) != 0) {
        p += k;
    } else {
        return 0;
    }
    p = skip_blank(t, len, p, 3);
    static const kw QUALIFIERS[] = {
        KW("over"),          KW("more than"), KW("nearly"),
        KW("almost"),        KW("about"),     KW("around"),
        KW("approximately"), KW("at least"),  KW("close to"),
    };
    for (size_t i = 0; i < sizeof QUALIFIERS / sizeof QUALIFIERS[0]; i++) {
        if ((k = word_ci(t, len, p, QUALIFIERS[i])) != 0) {
            p = skip_blank(t, len, p + k, 3);
            break;
        }
    }
    int tenths, in_months, months;
    size_t e;
    if (!parse_number_years(t, len, p, &tenths, &e, &in_months, &months) ||
        (in_months == 1 && dash) || !valid_stated(tenths, in_months))
        return 0;
    make_statement(tenths, pos, e, span);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Driver                                                              */
/* ------------------------------------------------------------------ */

static int cmp_interval(const void *a, const void *b)
{
    const kps_interval *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

size_t kps_merge_months(kps_interval *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        /* months run from the start month up to the end month: two
         * ranges overlap (and merge) only when one starts before the
         * other ends */
        if (m && v[i].start < v[m - 1].end) {
            if (v[i].end > v[m - 1].end)
                v[m - 1].end = v[i].end;
        } else {
            v[m++] = v[i];
        }
    }
    return m;
}

/* Union of the counted ranges, in months. */
static int merged_years(const kps_span *v, size_t n, double *out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].kind == KPS_SPAN_RANGE && v[i].counted)
            m++;
    if (m == 0) {
        *out = -1.0;
        return 0;
    }
    kps_interval *iv = malloc(m * sizeof *iv);
    if (!iv)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].kind != KPS_SPAN_RANGE || !v[i].counted)
            continue;
        iv[k].start = kps_month_index(v[i].start.year, v[i].start.month);
        iv[k].end = kps_month_index(v[i].end.year, v[i].end.month);
        k++;
    }
    qsort(iv, m, sizeof *iv, cmp_interval);
    size_t stretches = kps_merge_months(iv, m);
    long total = 0;
    for (size_t i = 0; i < stretches; i++)
        total += iv[i].end - iv[i].start;
    free(iv);
    *out = (double)total / 12.0;
    return 0;
}

/* The longest line above bracketed years that may name their degree
 * ("Bachelors degree - Applied Mathematics" is 38 bytes). */
#define DEGREE_LINE_MAX 80

/* A letter's bit in a set of letters a..z. */
#define LETTER_BIT(c) ((uint32_t)1 << ((c) - 'a'))
/* The first letters of the words of study_word_at(), so that a caller
 * may skip a word without the call. */
#define STUDY_FIRST_LETTERS                                                    \
    (LETTER_BIT('b') | LETTER_BIT('m') | LETTER_BIT('d') | LETTER_BIT('g') |   \
     LETTER_BIT('f') | LETTER_BIT('c'))

/* Whether a word of study stands whole at i (a word's start), before to:
 * "diploma" is not "diplomatic"; a "Scrum Master", a "Graduate Assistant"
 * and a "High School Teacher" have jobs, and "BSC" is also a telecom base
 * station controller. */
static int study_word_at(const unsigned char *t, size_t to, size_t i)
{
    static const kw STUDY[] = {
        KW("bachelor"),   KW("bachelors"), KW("bachelor's"), KW("master of"),
        KW("masters"),    KW("master's"),  KW("b.sc"),       KW("m.sc"),
        KW("degree"),     KW("graduated"), KW("graduation"), KW("diploma"),
        KW("faculty of"), KW("gpa"),       KW("coursework"),
    };
    /* the words' first letters: most words start none of them */
    unsigned char c = lower(t[i]);
    if (c < 'a' || c > 'z' || !(STUDY_FIRST_LETTERS & LETTER_BIT(c)))
        return 0;
    for (size_t w = 0; w < sizeof STUDY / sizeof STUDY[0]; w++)
        if ((unsigned char)STUDY[w].s[0] == c && word_ci(t, to, i, STUDY[w]))
            return 1;
    return 0;
}

/* The longest line that may be a role's title line, above or below a
 * line that starts with its dates ("Volunteer Coordinator/Assistant
 * Treasurer" over "September 2013 to June 2015 Company Name"). */
#define TITLE_LINE_MAX 80

/* Whether a role at a bootcamp, not attendance, stands at i: "Bootcamp
 * Manager", "Bootcamp Instructors" are paid jobs; a "Bootcamp Leadership
 * Program" is not one. */
static int bootcamp_staff(const unsigned char *t, size_t to, size_t i)
{
    size_t n = word_ci(t, to, i, LIT("bootcamp"));
    if (n == 0)
        return 0;
    static const kw ROLES[] = {
        KW("manager"), KW("teacher"), KW("instructor"), KW("mentor"),
        KW("coach"),   KW("lead"),    KW("director"),   KW("coordinator"),
    };
    size_t p = skip_blank(t, to, i + n, 3);
    for (size_t r = 0; r < sizeof ROLES / sizeof ROLES[0]; r++) {
        size_t k = starts_with_ci(t, to, p, ROLES[r]);
        if (k && p + k < to && lower(t[p + k]) == 's')
            k++; /* the plural */
        if (k && !(p + k < to && is_alpha(t[p + k])))
            return 1;
    }
    return 0;
}

/* What names_break_in() looks for. */
enum { BREAK_WORDS = 1, STUDY_WORDS = 2 };

/* Whether t[from, to) names a break from work or unpaid work (with
 * BREAK_WORDS in what: a break word begins at a word start, "career
 * break", "volunteers", or a membership, "Member of the American
 * Marketing Association (2010 - present)"; travelling and a membership
 * only on a line that names no job title, as a "Traveling Nurse" has a
 * job) or study (with STUDY_WORDS: a study word stands there whole, or
 * the writer notes "(Education"). */
static int names_break_in(const unsigned char *t, size_t from, size_t to,
                          int what)
{
    /* untitled: the word names a break only where no job title stands */
    static const struct {
        kw word;
        int untitled;
    } WORDS[] = {
        {KW("career break"), 0},    {KW("sabbatical"), 0},
        {KW("parental leave"), 0},  {KW("maternity leave"), 0},
        {KW("paternity leave"), 0}, {KW("full-time study"), 0},
        {KW("full time study"), 0}, {KW("gap year"), 0},
        {KW("bootcamp"), 0},        {KW("volunteer"), 0},
        {KW("unpaid"), 0},          {KW("travelling"), 1},
        {KW("traveling"), 1},
    };
    /* The words' first and second letters, to skip the others fast (the
     * compiler folds both sets). */
    uint32_t first = 0, second = 0;
    for (size_t w = 0; w < sizeof WORDS / sizeof WORDS[0]; w++) {
        first |= LETTER_BIT(WORDS[w].word.s[0]);
        second |= LETTER_BIT(WORDS[w].word.s[1]);
    }
    /* One visit per word: its start is tested, the rest skipped. */
    for (size_t i = from; i < to; i = skip_word(t, to, i)) {
        if (!is_alpha(t[i]))
            continue;
        unsigned char c = lower(t[i]);
        uint32_t bit = LETTER_BIT(c);
        if ((what & BREAK_WORDS) && (first & bit) && i + 1 < to &&
            is_alpha(t[i + 1]) && (second & LETTER_BIT(lower(t[i + 1]))))
            for (size_t w = 0; w < sizeof WORDS / sizeof WORDS[0]; w++)
                if ((unsigned char)WORDS[w].word.s[0] == c &&
                    starts_with_ci(t, to, i, WORDS[w].word) &&
                    !bootcamp_staff(t, to, i) &&
                    (!WORDS[w].untitled || line_has_title(t, from, to) <= 0))
                    return 1;
        if ((what & BREAK_WORDS) && c == 'm' &&
            membership_on_line(t, from, to, i))
            return 1;
        if (!(what & STUDY_WORDS))
            continue;
        if ((STUDY_FIRST_LETTERS & bit) && study_word_at(t, to, i))
            return 1;
        /* the writer's own note on the period: "Python Developer
         * (Education, Sep 2020 - Aug 2021)" was a course */
        if (c == 'e' && i > from && t[i - 1] == '(' &&
            word_ci(t, to, i, LIT("education")))
            return 1;
    }
    return 0;
}

/* Whether a section heading starts in t[from, to).  The headings are
 * sorted by offset; a binary search keeps a hostile text with many
 * headings and many ranges linear in both. */
static int heading_in(const kps_sections *sections, size_t from, size_t to)
{
    if (!sections)
        return 0;
    size_t lo = 0, hi = sections->n; /* the first heading at or after from */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sections->headings[mid].offset < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sections->n && sections->headings[lo].offset < to;
}

/* Whether the line t[b, to) (no blanks at either end) ends with a full
 * stop that closes a company's abbreviation or an initial ("Reading
 * Partners Inc.", "Meals on Wheels L.L.C.") rather than a sentence. */
static int ends_with_abbreviation(const unsigned char *t, size_t b, size_t to)
{
    static const kw ABBREVIATIONS[] = {
        KW("inc"), KW("co"), KW("corp"), KW("ltd"),  KW("llc"),
        KW("plc"), KW("jr"), KW("sr"),   KW("bros"), KW("dept"),
    };
    size_t w = to - 1; /* the full stop */
    while (w > b && is_alpha(t[w - 1]))
        w--;
    if (to - 1 - w == 1)
        return 1; /* an initial */
    for (size_t a = 0; a < sizeof ABBREVIATIONS / sizeof ABBREVIATIONS[0]; a++)
        if (to - 1 - w == ABBREVIATIONS[a].n &&
            starts_with_ci(t, to, w, ABBREVIATIONS[a]))
            return 1;
    return 0;
}

/*
 * How the whole line t[from, to) stands to a line that starts with dates
 * next to it in section sec: 2 when the dates continue it (it ends with a
 * comma: "..., Assistant Coach," over "2014-2015"), 1 when it has a title
 * line's shape, else 0.  A title line opens with a letter or digit (not a
 * bullet), is no heading and lies in the same section, and, unless the
 * dates continue it, is no longer than TITLE_LINE_MAX and does not end a
 * sentence ("... interns and volunteers." over "08/2008 - 04/2013";
 * "Inc." ends no sentence).
 */
static int role_line(const unsigned char *t, size_t from, size_t to,
                     const kps_sections *sections, kps_section sec)
{
    size_t b = from;
    while (b < to && (t[b] == ' ' || t[b] == '\t'))
        b++;
    while (to > b && is_space(t[to - 1]))
        to--;
    if (to == b || !is_alnum(t[b]))
        return 0;
    if (sections && (kps_section_at(sections, from) != sec ||
                     heading_in(sections, from, to)))
        return 0;
    if (t[to - 1] == ',')
        return 2;
    if (to - b > TITLE_LINE_MAX)
        return 0;
    return t[to - 1] != '.' || ends_with_abbreviation(t, b, to);
}

/* Whether the line t[from, to) reads as a duty of the job before rather
 * than a title: its first word ends in "-ed", as a verb's past tense
 * does ("Recruited and trained 40 volunteers"), and it names no job title
 * ("Certified Nursing Assistant", "Registered Nurse (Volunteer)" are
 * titles).  A heuristic: "Led a team" passes for a title. */
static int opens_with_duty(const unsigned char *t, size_t from, size_t to)
{
    size_t b = from;
    while (b < to && !is_alpha(t[b]))
        b++;
    size_t w = b;
    while (w < to && is_alpha(t[w]))
        w++;
    return w - b > 3 && lower(t[w - 2]) == 'e' && lower(t[w - 1]) == 'd' &&
           line_has_title(t, from, to) <= 0;
}

/* The start of the next line after the line that holds t[from] (at most
 * two blank lines skipped) that holds text, or len. */
static size_t next_text_line(const unsigned char *t, size_t len, size_t from)
{
    size_t p = line_end(t, len, from, from);
    for (int blank = 0; p < len && blank < 3; blank++) {
        p++; /* the '\n' */
        size_t e = line_end(t, len, p, p), q = p;
        while (q < e && is_space(t[q]))
            q++;
        if (q < e)
            return p;
        p = e;
    }
    return len;
}

/*
 * The range t[pos, end) names a break from work, unpaid work or study,
 * not a job: "Career break", "Sabbatical", "Parental leave", full-time
 * study, a role titled Volunteer (RUBRIC.md: unpaid), a membership, a
 * degree or school (RUBRIC.md: education is not employment; two-column
 * layouts put "Bachelor of Science 2011 - 2015" among the jobs; a period
 * the writer marks "(Education, ...)" is study too; so are years in
 * brackets under a degree's line).
 *
 * The words are read on the range's own line, and where that line starts
 * with the dates, on its title line: the line above, when it has a title
 * line's shape (role_line()) and is no duty (opens_with_duty()), and the
 * dates stand alone or are followed by no job title ("Volunteer
 * Coordinator" over "September 2013 to June 2015 Company Name", not over
 * "2016 - 2019 Marketing Manager" or "2015 - 2017 Lincoln Elementary
 * School" either); else, when the dates stand alone, the next line with
 * text below them ("10/2008 to Current" over "Volunteer Company Name").
 * Study words count there only over dates alone: the dates and employer
 * of a job under "Internship for Associate Degree" are the internship's,
 * which counts (RUBRIC.md).  A degree's line above dates alone may open
 * with a past tense ("Graduated with a B.Sc."), but not be a sentence or
 * a bullet ("- Showed a high degree of energy.").
 */
static int line_names_break(const unsigned char *t, size_t len, size_t pos,
                            size_t end, const kps_sections *sections,
                            kps_section sec)
{
    size_t ls = line_begin(t, pos, pos), le = line_end(t, len, pos, pos);
    if (names_break_in(t, ls, le, BREAK_WORDS | STUDY_WORDS))
        return 1;
    size_t lead = ls;
    while (lead < pos && (t[lead] == ' ' || t[lead] == '\t'))
        lead++;
    if (lead == pos) {
        /* what follows the dates on the line where they end */
        size_t rest = end, rest_end = line_end(t, len, end, end);
        while (rest < rest_end && is_space(t[rest]))
            rest++;
        int alone = rest == rest_end;
        int title_above = 0;
        if (ls > 0 && (alone || (end <= le && le - ls <= TITLE_LINE_MAX))) {
            size_t above = line_begin(t, ls - 1, ls);
            int shape = role_line(t, above, ls - 1, sections, sec);
            title_above = shape && !opens_with_duty(t, above, ls - 1);
            int what = title_above ? BREAK_WORDS : 0;
            if (alone && shape)
                what |= STUDY_WORDS;
            /* the dates' own title, if any, is the job's: asked last, as
             * a break word above is rare */
            if (what && names_break_in(t, above, ls - 1, what) &&
                (alone || line_has_title(t, rest, rest_end) <= 0))
                return 1;
        }
        if (alone && !title_above) {
            size_t below = next_text_line(t, len, end);
            size_t below_end = line_end(t, len, below, below);
            if (below < len &&
                role_line(t, below, below_end, sections, sec) == 1 &&
                !opens_with_duty(t, below, below_end) &&
                names_break_in(t, below, below_end, BREAK_WORDS | STUDY_WORDS))
                return 1;
        }
    }
    /* Years in brackets date what the line above names when that is a
     * degree: two columns interleaved leave "Bachelor's degree - Applied
     * Mathematics" over "Business Analyst Oct 2018 - Present and
     * Computer Science (2011 - 2015)". */
    size_t open = pos;
    while (open > ls && t[open - 1] == ' ')
        open--;
    if (open == ls || t[open - 1] != '(' || ls == 0)
        return 0;
    /* a degree's line is short; a sentence above a job is not read */
    size_t above = line_begin(t, ls - 1, ls);
    if (ls - 1 - above > DEGREE_LINE_MAX)
        return 0;
    for (size_t i = above; i + 1 < ls; i++)
        if ((i == above || !is_alpha(t[i - 1])) && study_word_at(t, ls - 1, i))
            return 1;
    return 0;
}

/* The range at pos is the period of a result stated before it on its
 * line ("Increased sales over 10% from 2013 to 2015", "Helped increase
 * sales by 20% from 2015 to 2017", "a 4% cost savings from 2013-2014"),
 * not a job: the job that achieved it carries its own dates.  The range
 * follows "from", and before it stands a verb of change, or a percentage
 * and a noun of change anywhere on the line ("Achieved 15% revenue
 * growth from ...").  "Growth Marketing Manager at Acme from 2015 to
 * 2018" names neither, nor does "Sales Rep (100% commission) from 2010". */
static int result_period(const unsigned char *t, size_t len, size_t pos)
{
    if (!previous_word_is(t, pos, "from"))
        return 0;
    static const kw VERBS[] = {
        KW("increase"), KW("increased"), KW("increasing"), KW("decreased"),
        KW("grew"),     KW("grow"),      KW("improved"),   KW("reduced"),
        KW("reducing"), KW("raised"),    KW("doubled"),    KW("tripled"),
        KW("boosted"),  KW("expanded"),
    };
    static const kw NOUNS[] = {
        KW("increase"),    KW("decrease"), KW("growth"),  KW("reduction"),
        KW("improvement"), KW("rise"),     KW("savings"), KW("gain"),
    };
    int percent = 0, noun = 0;
    for (size_t i = line_begin(t, pos, pos); i < pos;
         i = skip_word(t, pos, i)) {
        if (t[i] == '%' && i > 0 && is_digit(t[i - 1]))
            percent = 1;
        if (!is_alpha(t[i]))
            continue;
        for (size_t w = 0; w < sizeof VERBS / sizeof VERBS[0]; w++)
            if (word_ci(t, len, i, VERBS[w]))
                return 1;
        for (size_t w = 0; w < sizeof NOUNS / sizeof NOUNS[0] && !noun; w++)
            noun = word_ci(t, len, i, NOUNS[w]) != 0;
    }
    return percent && noun;
}

/*
 * Which letter words can start a span: a month or term (a range), "since",
 * a number word (a statement) or "experience"/"exp" ("experience of N
 * years").  Every other word is skipped after one bit test instead of
 * being tried by each parser, which keeps the timeline a small part of a
 * scan.  A word of three letters must be one of the three-letter keywords
 * ("jan", "six", "exp"); a longer word must begin with the first four
 * letters of a longer keyword ("janu", "sinc", "forty" but not "for" or
 * "form").  Three-letter words are kept exactly (26^3 bits); four-letter
 * prefixes are hashed into 4,096 bits, where a false positive only costs
 * a parse.  Both sets are made from the keyword tables on each call (a few
 * KB cleared, a few dozen bits set), so they cannot fall out of step with
 * the tables and need no global state.  A necessary test only: the
 * parsers still decide.
 */
#define GATE_HASH_BITS 4096u

typedef struct word_gate {
    uint64_t three[(26 * 26 * 26 + 63) / 64];
    uint64_t four[GATE_HASH_BITS / 64];
} word_gate;

static unsigned letters3(const unsigned char *w)
{
    return ((unsigned)(lower(w[0]) - 'a') * 26u +
            (unsigned)(lower(w[1]) - 'a')) *
               26u +
           (unsigned)(lower(w[2]) - 'a');
}

static unsigned letters4_hash(const unsigned char *w)
{
    uint32_t k = (uint32_t)letters3(w) * 26u + (uint32_t)(lower(w[3]) - 'a');
    return (unsigned)((k * 2654435761u) >> 20) % GATE_HASH_BITS;
}

static void set_bit(uint64_t *v, unsigned k)
{
    v[k / 64] |= (uint64_t)1 << (k % 64);
}

static int test_bit(const uint64_t *v, unsigned k)
{
    return (int)((v[k / 64] >> (k % 64)) & 1u);
}

static void gate_add(word_gate *g, kw w)
{
    const unsigned char *s = (const unsigned char *)w.s;
    if (w.n == 3)
        set_bit(g->three, letters3(s));
    else
        set_bit(g->four, letters4_hash(s));
}

static void gate_init(word_gate *g)
{
    memset(g, 0, sizeof *g);
    for (size_t i = 0; i < sizeof MONTHS / sizeof MONTHS[0]; i++)
        gate_add(g, MONTHS[i].name);
    for (size_t i = 0; i < sizeof NUMBER_WORDS / sizeof NUMBER_WORDS[0]; i++)
        gate_add(g, NUMBER_WORDS[i].word);
    gate_add(g, LIT("since"));
    gate_add(g, LIT("exp"));
    gate_add(g, LIT("experience"));
    for (size_t i = 0;
         i < sizeof EXPERIENCE_MISSPELT / sizeof EXPERIENCE_MISSPELT[0]; i++)
        gate_add(g, EXPERIENCE_MISSPELT[i]);
}

/* t[pos] is a letter. */
static int word_may_start_span(const word_gate *g, const unsigned char *t,
                               size_t len, size_t pos)
{
    if (len - pos < 3 || !is_alpha(t[pos + 1]) || !is_alpha(t[pos + 2]))
        return 0;
    if (len - pos == 3 || !is_alpha(t[pos + 3]))
        return test_bit(g->three, letters3(t + pos));
    return test_bit(g->four, letters4_hash(t + pos));
}

/* Bit i of *alnum: b[i] is an ASCII letter or digit; of *apos: b[i] is an
 * apostrophe; for i < n <= 64 (higher bits clear). */
#if defined(__SSE2__) && !defined(KPS_TIMELINE_SCALAR)
static __m128i in_range(__m128i v, unsigned char lo, unsigned char hi)
{
    /* Unsigned lo <= v <= hi with SSE2's signed compare: shift the range
     * to start at -128. */
    __m128i x = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo)));
    return _mm_cmplt_epi8(x, _mm_set1_epi8((char)(0x80 + (hi - lo + 1))));
}

static void block_classes(const unsigned char *b, size_t n, uint64_t *alnum,
                          uint64_t *apos)
{
    unsigned char tmp[64];
    if (n < 64) {
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, b, n);
        b = tmp;
    }
    uint64_t a = 0, q = 0;
    for (unsigned k = 0; k < 64; k += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + k));
        __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i an =
            _mm_or_si128(in_range(folded, 'a', 'z'), in_range(v, '0', '9'));
        __m128i ap = _mm_cmpeq_epi8(v, _mm_set1_epi8('\''));
        a |= (uint64_t)(unsigned)_mm_movemask_epi8(an) << k;
        q |= (uint64_t)(unsigned)_mm_movemask_epi8(ap) << k;
    }
    *alnum = a;
    *apos = q;
}
#else
static void block_classes(const unsigned char *b, size_t n, uint64_t *alnum,
                          uint64_t *apos)
{
    uint64_t a = 0, q = 0;
    for (size_t k = 0; k < n; k++) {
        a |= (uint64_t)is_alnum(b[k]) << k;
        q |= (uint64_t)(b[k] == '\'') << k;
    }
    *alnum = a;
    *apos = q;
}
#endif

/* "Project Manager", "Project Coordinator": a job's title, where
 * "project" alone is a student's or a course's work.  pos starts a word. */
static int project_title(const unsigned char *t, size_t to, size_t pos)
{
    static const kw ROLES[] = {KW("manager"),  KW("coordinator"),
                               KW("engineer"), KW("lead"),
                               KW("director"), KW("administrator")};
    size_t n = word_ci(t, to, pos, LIT("project"));
    if (!n)
        return 0;
    size_t p = skip_blank(t, to, pos + n, 2);
    if (p == pos + n)
        return 0;
    for (size_t w = 0; w < sizeof ROLES / sizeof ROLES[0]; w++)
        if (word_ci(t, to, p, ROLES[w]))
            return 1;
    return 0;
}

/* 1: t[from, to) names a job title, -1: it names a school, course or
 * project (whatever else it says; a Project Manager is a title), 0:
 * neither. */
static int line_has_title(const unsigned char *t, size_t from, size_t to)
{
    static const kw TITLES[] = {
        KW("developer"),  KW("engineer"),       KW("manager"),
        KW("analyst"),    KW("designer"),       KW("consultant"),
        KW("specialist"), KW("administrator"),  KW("assistant"),
        KW("director"),   KW("teamlead"),       KW("team lead"),
        KW("supervisor"), KW("coordinator"),    KW("intern"),
        KW("architect"),  KW("programmer"),     KW("accountant"),
        KW("technician"), KW("representative"), KW("associate"),
        KW("clerk"),      KW("cashier"),        KW("nurse"),
        KW("teacher"),    KW("instructor"),     KW("editor"),
        KW("writer"),     KW("advisor"),        KW("trainee"),
        KW("scientist"),  KW("researcher"),
    };
    static const kw SCHOOL[] = {
        KW("university"), KW("college"),   KW("school"),      KW("institute"),
        KW("academy"),    KW("course"),    KW("courses"),     KW("student"),
        KW("studies"),    KW("project"),   KW("projects"),    KW("hackathon"),
        KW("classes"),    KW("education"), KW("educational"),
    };
    int title = 0;
    for (size_t i = from; i < to; i++) {
        if (!is_alpha(t[i]) || (i > from && is_alpha(t[i - 1])))
            continue;
        /* the first letter first: most words start none of them */
        unsigned char c = lower(t[i]);
        for (size_t w = 0; w < sizeof SCHOOL / sizeof SCHOOL[0]; w++)
            if ((unsigned char)SCHOOL[w].s[0] == c &&
                word_ci(t, to, i, SCHOOL[w]) && !project_title(t, to, i))
                return -1;
        for (size_t w = 0; w < sizeof TITLES / sizeof TITLES[0] && !title; w++)
            title = (unsigned char)TITLES[w].s[0] == c &&
                    word_ci(t, to, i, TITLES[w]) != 0;
    }
    return title;
}

/*
 * Two-column layouts converted to DOCX or text interleave a sidebar with
 * the jobs, so a sidebar heading ("Skills", "Education") can stand above
 * jobs that it does not head.  A range under such a heading still counts
 * when a job title stands on its line or the line next to it, above or
 * below, in the same section ("Web-developer at Digital Dream" over
 * "August 2012 - August 2013"), and no school, course or degree does: a
 * title is what a job has and a degree or a skill has not.
 */
static int near_job_title(const unsigned char *t, size_t len, size_t pos,
                          size_t end, const kps_sections *sections,
                          kps_section sec)
{
    size_t from = line_begin(t, pos, pos), to = line_end(t, len, pos, pos);
    int title = line_has_title(t, from, to);
    if (title < 0)
        return 0;
    /* The line above, in the same section: a school there is the
     * school of the dates ("Ural State University" over "2003 - 2009
     * Process engineer"); else a title there may be the job's. */
    if (from > 0 && t[from - 1] == '\n') {
        size_t above = line_begin(t, from - 1, from);
        if (kps_section_at(sections, above) == sec) {
            int up = line_has_title(t, above, from - 1);
            if (up < 0)
                return 0;
            title |= up;
        }
    }
    /* Else the line below, in the same section. */
    if (!title && to < len && t[to] == '\n' &&
        kps_section_at(sections, to + 1) == sec) {
        size_t below = line_end(t, len, to + 1, to);
        title = line_has_title(t, to + 1, below) > 0;
    }
    return title && !line_names_break(t, len, pos, end, sections, sec) &&
           !result_period(t, len, pos);
}

/* A job's length stands on a line no longer than a job's header
 * (JOB_LENGTH_LINE_MAX), with no other bracket ("Python (5 years), Java
 * (4 years)" gives the lengths of skills), naming a job title and no
 * school (line_has_title()): in a duty's sentence "(6 months)" is the
 * length of a project, and "COBOL (5 years)" that of a skill.  pos is in
 * the line. */
#define JOB_LENGTH_LINE_MAX 100

static int job_length_line(const unsigned char *t, size_t len, size_t pos)
{
    size_t ls = line_begin(t, pos, pos), le = line_end(t, len, pos, pos);
    if (le - ls > JOB_LENGTH_LINE_MAX)
        return 0;
    size_t brackets = 0;
    for (size_t i = ls; i < le; i++)
        brackets += t[i] == '(';
    return brackets == 1 && line_has_title(t, ls, le) > 0;
}

/* Try every kind of span at pos, a possible start (see the driver).
 * Records what is found and returns where the scan goes on: past the span,
 * past the date that stands at pos (and the word glued to it), past the
 * word after an apostrophe, or past pos (nothing can start inside a word,
 * and skipping keeps the scan linear).  (size_t)-1
 * when out of memory. */
static size_t try_at(const unsigned char *t, size_t len, size_t pos,
                     const kps_sections *sections, kps_ym as_of,
                     const word_gate *gate, span_list *list)
{
    unsigned char c = t[pos];
    /* No possible start lies inside a word, so pos + 1 skips it. */
    if (is_alpha(c) && !word_may_start_span(gate, t, len, pos))
        return pos + 1;
    kps_span span;
    size_t date_end = pos;
    int found = try_range(t, len, pos, as_of, &span, &date_end) ||
                try_since(t, len, pos, as_of, &span);
    if (found) {
        kps_section sec = kps_section_at(sections, span.offset);
        span.section = sec;
        /* Employment is what stands under an experience heading (or
         * before any heading, or under projects or the summary).
         * Education, certifications and the "other" sections
         * (activities, volunteering, affiliations) hold dates that are
         * not jobs; so do a line that names a break and the period of
         * a result. */
        span.counted =
            (sec == KPS_SECTION_NONE || sec == KPS_SECTION_EXPERIENCE ||
             sec == KPS_SECTION_PROJECTS || sec == KPS_SECTION_SUMMARY) &&
            !line_names_break(t, len, span.offset, span.offset + span.length,
                              sections, sec) &&
            !result_period(t, len, span.offset);
        if (!span.counted &&
            (sec == KPS_SECTION_SKILLS || sec == KPS_SECTION_EDUCATION))
            span.counted = near_job_title(
                t, len, span.offset, span.offset + span.length, sections, sec);
    } else if (try_statement(t, len, pos, &span) ||
               try_experience_of(t, len, pos, &span)) {
        kps_section sec = kps_section_at(sections, span.offset);
        span.section = sec;
        /* a statement about the whole career counts anywhere but among
         * the degrees; a job's length only where jobs are listed, and
         * elsewhere ("Java (5 years)" in a skills list) it is none */
        span.counted = sec != KPS_SECTION_EDUCATION;
        found = !span.job_length || (sec == KPS_SECTION_EXPERIENCE &&
                                     job_length_line(t, len, span.offset));
    }
    if (found) {
        if (push_span(list, &span) != 0)
            return (size_t)-1;
        return span.offset + span.length;
    }
    if (date_end > pos)
        pos = date_end;
    else if (c == '\'')
        pos++;
    else
        return pos + 1;
    while (pos < len && is_alnum(t[pos]))
        pos++;
    return pos;
}

int kps_timeline_extract(const char *text, size_t len,
                         const kps_sections *sections, kps_ym as_of,
                         const char *name, kps_timeline *out,
                         kpiscan_error *err)
{
    const unsigned char *t = (const unsigned char *)text;
    span_list list = {NULL, 0, 0};

    out->spans = NULL;
    out->n = 0;
    out->range_years = -1.0;
    out->stated_years = -1.0;
    out->stated_from_job_lengths = 0;
    if (!text || len == 0)
        return KPISCAN_OK;
    if (as_of.month < 1 || as_of.month > 12 || as_of.year < MIN_YEAR)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "as-of date %d-%02d is impossible", as_of.year,
                        as_of.month);

    word_gate gate;
    gate_init(&gate);
    /* Only a letter, digit or apostrophe after a non-alphanumeric byte can
     * start a span.  They are found 64 bytes at a time as a bit mask (no
     * branch per word boundary) and tried in order, unless an earlier
     * attempt already consumed them (next). */
    size_t next = 0;
    uint64_t prev_alnum = 0; /* byte before the block is alphanumeric */
    for (size_t base = 0; base < len && list.n < MAX_SPANS; base += 64) {
        size_t n = len - base < 64 ? len - base : 64;
        uint64_t alnum, apos;
        block_classes(t + base, n, &alnum, &apos);
        uint64_t starts = (alnum | apos) & ~((alnum << 1) | prev_alnum);
        prev_alnum = alnum >> 63;
        while (starts && list.n < MAX_SPANS) {
            size_t pos = base + (size_t)__builtin_ctzll(starts);
            starts &= starts - 1;
            if (pos < next || !date_boundary(t, pos))
                continue;
            next = try_at(t, len, pos, sections, as_of, &gate, &list);
            if (next == (size_t)-1) {
                free(list.v);
                return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
            }
        }
    }

    double range_years;
    if (merged_years(list.v, list.n, &range_years) != 0) {
        free(list.v);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    /* The largest statement, or the jobs' stated lengths added up when
     * they come to more, and no more than a statement may say (a career
     * of 10,000 "(60 years)" jobs). */
    double stated = -1.0, job_lengths = -1.0;
    for (size_t i = 0; i < list.n; i++) {
        const kps_span *sp = &list.v[i];
        if (sp->kind != KPS_SPAN_STATEMENT || !sp->counted)
            continue;
        if (!sp->job_length) {
            if (sp->years > stated)
                stated = sp->years;
        } else {
            job_lengths = (job_lengths < 0 ? 0 : job_lengths) + sp->years;
            if (job_lengths > MAX_STATED_YEARS)
                job_lengths = MAX_STATED_YEARS;
        }
    }
    out->stated_from_job_lengths = job_lengths > stated;
    if (job_lengths > stated)
        stated = job_lengths;

    out->spans = list.v;
    out->n = list.n;
    out->range_years = range_years;
    out->stated_years = stated;
    return KPISCAN_OK;
}

void kps_timeline_free(kps_timeline *t)
{
    if (!t)
        return;
    free(t->spans);
    t->spans = NULL;
    t->n = 0;
    t->range_years = -1.0;
    t->stated_years = -1.0;
    t->stated_from_job_lengths = 0;
}
