/* test-timeline.c - date ranges and experience statements (lib/timeline.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static const kps_ym AS_OF = {2020, 6};

/* Detect sections, then extract the timeline of text. */
static void extract(const char *text, kps_ym as_of, kps_timeline *tl)
{
    kps_sections s;
    ck_assert_int_eq(kps_sections_detect(text, strlen(text), NULL, &s, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kps_timeline_extract(text, strlen(text), &s, as_of, NULL, tl, NULL),
        KPISCAN_OK);
    kps_sections_free(&s);
}

#define ck_assert_years(x, y) ck_assert_double_eq_tol((x), (y), 1e-9)

/* ------------------------------------------------------------------ */
/* Range forms                                                         */
/* ------------------------------------------------------------------ */

typedef struct range_case {
    const char *text;
    const char *match; /* the text the span must cover */
    int sy, sm, ey, em;
    int open;
    int months;
} range_case;

/* as of June 2020 */
static const range_case RANGES[] = {
    {"Company Name January 2014 to January 2016 Analyst",
     "January 2014 to January 2016", 2014, 1, 2016, 1, 0, 24},
    {"Jan 2015 - Dec 2015", "Jan 2015 - Dec 2015", 2015, 1, 2015, 12, 0, 11},
    {"Jan 2015 - Present", "Jan 2015 - Present", 2015, 1, 2020, 6, 1, 65},
    /* a dash and a word both, before the open end */
    {"05/2018 - to date", "05/2018 - to date", 2018, 5, 2020, 6, 1, 25},
    {"May 2018 - till date", "May 2018 - till date", 2018, 5, 2020, 6, 1, 25},
    {"Jan. 2015 - Present", "Jan. 2015 - Present", 2015, 1, 2020, 6, 1, 65},
    {"Sept 2015 - Dec 2015", "Sept 2015 - Dec 2015", 2015, 9, 2015, 12, 0, 3},
    {"SEPTEMBER 2015 TO CURRENT", "SEPTEMBER 2015 TO CURRENT", 2015, 9, 2020, 6,
     1, 57},
    {"03/2018 - 06/2020", "03/2018 - 06/2020", 2018, 3, 2020, 6, 0, 27},
    {"3/2018-6/2020", "3/2018-6/2020", 2018, 3, 2020, 6, 0, 27},
    {"2018-03 - 2020-06", "2018-03 - 2020-06", 2018, 3, 2020, 6, 0, 27},
    {"2018/03 - 2020/06", "2018/03 - 2020/06", 2018, 3, 2020, 6, 0, 27},
    {"03.2018 - 06.2020", "03.2018 - 06.2020", 2018, 3, 2020, 6, 0, 27},
    {"03/18 - 06/20", "03/18 - 06/20", 2018, 3, 2020, 6, 0, 27},
    {"2012-2015", "2012-2015", 2012, 1, 2015, 1, 0, 36},
    /* a cell of dates beside a cell of titles: the end alone below */
    {"September 2017  Senior Analyst\nMarch 2019\nRan the bank's reports",
     "September 2017  Senior Analyst\nMarch 2019", 2017, 9, 2019, 3, 0, 18},
    {"Feb 2019 Team Manager\ncurrently working\n",
     "Feb 2019 Team Manager\ncurrently working", 2019, 2, 2020, 6, 1, 16},
    /* the same cells, year first on both lines, each end with its cell */
    {"2017, June  ACME BANK, Riga\n2019, August Senior Analyst\n",
     "2017, June  ACME BANK, Riga\n2019, August", 2017, 6, 2019, 8, 0, 26},
    /* two spaces between year and month, no comma */
    {"2017  June - 2019  August", "2017  June - 2019  August", 2017, 6, 2019, 8,
     0, 26},
    /* the cell's padding kept before the comma */
    {"2016  , November  ACME BANK, Riga\n2019, August Senior Analyst\n",
     "2016  , November  ACME BANK, Riga\n2019, August", 2016, 11, 2019, 8, 0,
     33},
    {"2012 - 2015", "2012 - 2015", 2012, 1, 2015, 1, 0, 36},
    {"2012 -- 2015", "2012 -- 2015", 2012, 1, 2015, 1, 0, 36},
    {"2012 to 2015", "2012 to 2015", 2012, 1, 2015, 1, 0, 36},
    {"2012 through 2015", "2012 through 2015", 2012, 1, 2015, 1, 0, 36},
    {"from 2010 to 2012", "2010 to 2012", 2010, 1, 2012, 1, 0, 24},
    {"Analyst (2010-2012)", "2010-2012", 2010, 1, 2012, 1, 0, 24},
    {"2019 - current", "2019 - current", 2019, 1, 2020, 6, 1, 17},
    {"'17 - '19", "'17 - '19", 2017, 1, 2019, 1, 0, 24},
    {"Aug'07- Dec'08", "Aug'07- Dec'08", 2007, 8, 2008, 12, 0, 16},
    {"Since 2017", "Since 2017", 2017, 1, 2020, 6, 1, 41},
    {"working here since March 2019.", "since March 2019", 2019, 3, 2020, 6, 1,
     15},
    /* "member" names a job title here, not a membership */
    {"Member Services Manager since 2012", "since 2012", 2012, 1, 2020, 6, 1,
     101},
    /* a team, a staff or a seat is no membership */
    {"Engineer, Acme; member of the Ads team since 2016", "since 2016", 2016, 1,
     2020, 6, 1, 53},
    {"Member of Parliament since 2015", "since 2015", 2015, 1, 2020, 6, 1, 65},
    {"Member of Technical Staff since 2012", "since 2012", 2012, 1, 2020, 6, 1,
     101},
    {"2017 to date", "2017 to date", 2017, 1, 2020, 6, 1, 41},
    {"2015 - Now", "2015 - Now", 2015, 1, 2020, 6, 1, 65},
    {"2016 Till date", "2016 Till date", 2016, 1, 2020, 6, 1, 53},
    {"May 2015- Cont.", "May 2015- Cont", 2015, 5, 2020, 6, 1, 61},
    {"May 2015- Cont Role", "May 2015- Cont", 2015, 5, 2020, 6, 1, 61},
    {"2015 - Continuing   Acme Corp", "2015 - Continuing", 2015, 1, 2020, 6, 1,
     65},
    {"May 2015 - Continued (part-time)", "May 2015 - Continued", 2015, 5, 2020,
     6, 1, 61},
    {"May 2015 - Continued\n", "May 2015 - Continued", 2015, 5, 2020, 6, 1, 61},
    {"2008 - continuing", "2008 - continuing", 2008, 1, 2020, 6, 1, 149},
    {"2016 until present", "2016 until present", 2016, 1, 2020, 6, 1, 53},
    {"12/2015 to Current", "12/2015 to Current", 2015, 12, 2020, 6, 1, 54},
    {"12/2015 to CurrentBrookdale", "12/2015 to Current", 2015, 12, 2020, 6, 1,
     54},
    {"Jan 2019 - currently", "Jan 2019 - currently", 2019, 1, 2020, 6, 1, 17},
    {"October 2011\nto\nAugust 2015\nCompany Name",
     "October 2011\nto\nAugust 2015", 2011, 10, 2015, 8, 0, 46},
    {"June - August 2015", "June - August 2015", 2015, 6, 2015, 8, 0, 2},
    {"Nov - Feb 2016", "Nov - Feb 2016", 2015, 11, 2016, 2, 0, 3},
    {"Fall 2015 - Present", "Fall 2015 - Present", 2015, 9, 2020, 6, 1, 57},
    {"Company Name May 2019 Present\nAnalyst", "May 2019 Present", 2019, 5,
     2020, 6, 1, 13},
    {"May 2019 - Present", "May 2019 - Present", 2019, 5, 2020, 6, 1, 13},
    /* year-only endpoints in one year */
    {"2015 - 2015", "2015 - 2015", 2015, 1, 2015, 1, 0, 0},
    {"2015 - Mar 2015", "2015 - Mar 2015", 2015, 1, 2015, 3, 0, 2},
    {"Sep 2015 - 2015", "Sep 2015 - 2015", 2015, 9, 2015, 12, 0, 3},
    {"2012 - Mar 2015", "2012 - Mar 2015", 2012, 1, 2015, 3, 0, 38},
    {"2020 - Present", "2020 - Present", 2020, 1, 2020, 6, 1, 5},
    /* full dates: month only when certain */
    {"12/03/2018 - 05/06/2020", "12/03/2018 - 05/06/2020", 2018, 1, 2020, 1, 0,
     24},
    {"25/03/2018 - 13/06/2020", "25/03/2018 - 13/06/2020", 2018, 3, 2020, 6, 0,
     27},
    {"03/25/2018 - 06/13/2020", "03/25/2018 - 06/13/2020", 2018, 3, 2020, 6, 0,
     27},
    {"05/05/2018 - 06/06/2020", "05/05/2018 - 06/06/2020", 2018, 5, 2020, 6, 0,
     25},
    {"2018-03-15 - 2020-06-01", "2018-03-15 - 2020-06-01", 2018, 3, 2020, 6, 0,
     27},
    /* clipping: the end lies after the as-of month */
    {"Jan 2020 - Dec 2020", "Jan 2020 - Dec 2020", 2020, 1, 2020, 6, 0, 5},
    /* forms real resumes lose their dash in: two or more spaces between
     * dates of one form, two years glued together; a day between month
     * and year, "thru" */
    {"GPB 2008  2018 bank", "2008  2018", 2008, 1, 2018, 1, 0, 120},
    {"4/2016  5/2019, LLC", "4/2016  5/2019", 2016, 4, 2019, 5, 0, 37},
    {"2019  Present Frontend", "2019  Present", 2019, 1, 2020, 6, 1, 17},
    {"20162018 Yandex", "20162018", 2016, 1, 2018, 1, 0, 24},
    {"Apr 2019Jun 2019 Masa", "Apr 2019Jun 2019", 2019, 4, 2019, 6, 0, 2},
    {"August 2013October 2014", "August 2013October 2014", 2013, 8, 2014, 10, 0,
     14},
    {"Aug. 11, 2003 thru May 18, 2007", "Aug. 11, 2003 thru May 18, 2007", 2003,
     8, 2007, 5, 0, 45},
    {"May 3rd 2015 - June 1st 2016", "May 3rd 2015 - June 1st 2016", 2015, 5,
     2016, 6, 0, 13},
    /* a form's labels: the connector keeps its colon, with or without a
     * blank before it */
    {"From: 2009 To: 2010", "2009 To: 2010", 2009, 1, 2010, 1, 0, 12},
    {"From : 03/2009  To : 05/2010", "03/2009  To : 05/2010", 2009, 3, 2010, 5,
     0, 14},
    /* two bare years a slash apart, ending a job's header line */
    {"IBS LLC, Software Developer 1998/2004", "1998/2004", 1998, 1, 2004, 1, 0,
     72},
    {"Team Lead 2004/ 2013\nBuilt the platform.", "2004/ 2013", 2004, 1, 2013,
     1, 0, 108},
    {"From: Jan 2012 To: Present", "Jan 2012 To: Present", 2012, 1, 2020, 6, 1,
     101},
    /* a day before the month, as British, Indian and European resumes
     * write it; a spreadsheet's "Jun-16" */
    {"1st May 2016 - 31st August 2019", "1st May 2016 - 31st August 2019", 2016,
     5, 2019, 8, 0, 39},
    {"16 June 2016 - 20 August 2019", "16 June 2016 - 20 August 2019", 2016, 6,
     2019, 8, 0, 38},
    {"From 1st March, 2016 to 2nd June, 2018",
     "1st March, 2016 to 2nd June, 2018", 2016, 3, 2018, 6, 0, 27},
    {"15-May-2016 to 20-Aug-2019", "15-May-2016 to 20-Aug-2019", 2016, 5, 2019,
     8, 0, 39},
    {"15-May-16 to 20-Aug-19", "15-May-16 to 20-Aug-19", 2016, 5, 2019, 8, 0,
     39},
    {"Jun-16 to Aug-19", "Jun-16 to Aug-19", 2016, 6, 2019, 8, 0, 38},
    /* the month after the year */
    {"2016 Jun - 2019 Aug", "2016 Jun - 2019 Aug", 2016, 6, 2019, 8, 0, 38},
    {"2019 october - now: Developer", "2019 october - now", 2019, 10, 2020, 6,
     1, 8},
    {"2012, November - 2014, March", "2012, November - 2014, March", 2012, 11,
     2014, 3, 0, 16},
    /* a month over its year: a date cell, or a line wrapped between */
    {"Analyst (Fall-Spring\n2013)", "Fall-Spring\n2013", 2012, 9, 2013, 3, 0,
     6},
    {"Lead September\n2019 - Present", "September\n2019 - Present", 2019, 9,
     2020, 6, 1, 9},
    {"April 2009 - December\n2010 Teacher", "April 2009 - December\n2010", 2009,
     4, 2010, 12, 0, 20},
    /* "may" in lower case is a word of the sentence */
    {"Mar 2018 - 2019 may vary", "Mar 2018 - 2019", 2018, 3, 2019, 1, 0, 10},
    /* after a bare-year start the month name is the next word's */
    {"2015 - 2018 May Department Stores", "2015 - 2018", 2015, 1, 2018, 1, 0,
     36},
    {"Jun 2016 onwards", "Jun 2016 onwards", 2016, 6, 2020, 6, 1, 48},
    {"2016 onwards: Sales Lead", "2016 onwards", 2016, 1, 2020, 6, 1, 53},
    {"2016 - onwards", "2016 - onwards", 2016, 1, 2020, 6, 1, 53},
    /* the certain end of a range gives the order of the other */
    {"01/05/2016 - 31/08/2019", "01/05/2016 - 31/08/2019", 2016, 5, 2019, 8, 0,
     39},
    {"05/01/2016 - 08/31/2019", "05/01/2016 - 08/31/2019", 2016, 5, 2019, 8, 0,
     39},
    {"31/08/2016 - 01/05/2019", "31/08/2016 - 01/05/2019", 2016, 8, 2019, 5, 0,
     33},
    /* two-digit years before as_of % 100 are 20yy, after it 19yy */
    {"'95 - '99", "'95 - '99", 1995, 1, 1999, 1, 0, 48},
};

START_TEST(test_range_forms)
{
    const range_case *c = &RANGES[_i];
    kps_timeline tl;
    extract(c->text, AS_OF, &tl);
    ck_assert_msg(tl.n == 1, "'%s': %zu spans", c->text, tl.n);
    const kps_span *sp = &tl.spans[0];
    ck_assert_int_eq(sp->kind, KPS_SPAN_RANGE);
    ck_assert_msg(sp->start.year == c->sy && sp->start.month == c->sm &&
                      sp->end.year == c->ey && sp->end.month == c->em,
                  "'%s': %d-%02d..%d-%02d", c->text, sp->start.year,
                  sp->start.month, sp->end.year, sp->end.month);
    ck_assert_int_eq(sp->open_ended, c->open);
    ck_assert_years(sp->years, c->months / 12.0);
    const char *m = strstr(c->text, c->match);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(sp->offset, (size_t)(m - c->text));
    ck_assert_uint_eq(sp->length, strlen(c->match));
    ck_assert_int_eq(sp->counted, 1);
    ck_assert_int_eq(sp->section, KPS_SECTION_NONE);
    ck_assert_years(tl.range_years, c->months / 12.0);
    ck_assert_years(tl.stated_years, -1.0);
    kps_timeline_free(&tl);
}
END_TEST

/* Text in which no range may be found. */
static const char *const NOT_RANGES[] = {
    "May 2019", /* a lone date is not a range */
    "Graduated 2015 with honours",
    "May 2019 Present value of the portfolio rose", /* not at line end */
    "1900 - 1910",                                  /* before 1950 */
    "2030 - 2035 strategic plan",                   /* after as_of */
    "Sold 2000-3000 units a month",
    "2019 - 2015", /* start after end */
    "Jan 2016 - Jan 2015",
    "Aug 2020 - Dec 2020",      /* starts after as_of (June 2020) */
    "Windows Server 2003-2008", /* product versions */
    "Office 2003-2011",
    "Call 555-1999-2001", /* phone number */
    "Meeting on 3/18 about budget",
    "3-18 - 6-20", /* '-' with two-digit years: no */
    "Price $2015-2017",
    "ID 4471999-2001",
    "Mar - Present",     /* a month alone starts nothing */
    "2018-13 - 2019-14", /* no month 13 */
    "13/2018 - 14/2019",
    "32/13/2018 - 05/06/2019", /* not a date at all */
    "20155-20166",
    "Mayor 2015 - 2016x",
    "Jun 2019Oct  Front-end Developer", /* glued month without a year */
    "Apr 2019Junior developer",
    /* a next-line end needs both months, the start opening its line and
     * the end alone on its line */
    "2015 Award for service\n2016\n",
    "Prize, May 2015\nJune 2016\n",
    "May 2015 Award\nJune 2016 Prize\n",
    "2015, May Award\nJune 2016 Prize\n", /* year first on one line only */
    "May 2015 Award\n2016, June Prize\n",
    /* "since" dating what is no job */
    "A member since 1996, elected to the board",
    "Resident since March 2010",
    "Member of the Society of Actuaries since 2008",
    "2007 - Contest Winner",
    /* "continuing" opens a phrase there, not the end of a range */
    "2015  Continuing Professional Development in wound care",
    "2016 - Continuing Medical Education Coordinator",
    /* a membership */
    "Active member of Toastmasters International since 2015",
    "- Member of the local bar association (since 2004)",
    "May 2015 Award\n\nJune 2016\n",
    /* a lone day-first date; a day and month without a year; years
     * joined by a slash (product versions: "Visual Studio 2010/2012") */
    "Date of birth: 13th October 1986",
    "5 May - 6 June",
    "Visual Studio 2010/2012",
    "Windows Server 2003/2008\n",
    "Imaged laptops in MDT 2010/2012 and built a ZTI task sequence",
    "Ran a Microsoft 2000/2003 environment of 50 servers",
    "Skills: Exchange 2003/2008/2010\n",
    "Versions 2003/2008/2010\n",
    "Jun-16/17 rota",
    "",
};

START_TEST(test_not_ranges)
{
    kps_timeline tl;
    extract(NOT_RANGES[_i], AS_OF, &tl);
    for (size_t i = 0; i < tl.n; i++)
        ck_assert_msg(tl.spans[i].kind != KPS_SPAN_RANGE,
                      "'%s': range found at %zu", NOT_RANGES[_i],
                      tl.spans[i].offset);
    ck_assert_years(tl.range_years, -1.0);
    kps_timeline_free(&tl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Totals                                                              */
/* ------------------------------------------------------------------ */

START_TEST(test_overlaps_merged)
{
    kps_timeline tl;
    kps_ym as_of = {2024, 6};
    extract("Experience\nAnalyst 2015-2019\nManager 2017-2021\n", as_of, &tl);
    ck_assert_uint_eq(tl.n, 2);
    ck_assert_years(tl.spans[0].years, 4.0);
    ck_assert_years(tl.spans[1].years, 4.0);
    ck_assert_years(tl.range_years, 6.0);
    kps_timeline_free(&tl);

    /* a range inside another counts once; ranges that do not overlap add
     * up, each as end month minus start month: 71 + 11 months */
    extract("Jan 2010 - Dec 2015\nMar 2012 - Apr 2013\nJan 2016 - Dec 2016\n"
            "Jan 2010 - Dec 2015\n",
            as_of, &tl);
    ck_assert_uint_eq(tl.n, 4);
    ck_assert_years(tl.range_years, (71 + 11) / 12.0);
    kps_timeline_free(&tl);

    /* disjoint ranges: the gap is not counted */
    extract("Jan 2010 - Dec 2010\nJan 2014 - Jun 2014\n", as_of, &tl);
    ck_assert_years(tl.range_years, (11 + 5) / 12.0);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_present_pinned)
{
    kps_timeline tl;
    extract("Jan 2015 - Present", (kps_ym){2015, 12}, &tl);
    ck_assert_years(tl.range_years, 11 / 12.0);
    kps_timeline_free(&tl);
    extract("Jan 2015 - Present", (kps_ym){2025, 1}, &tl);
    ck_assert_years(tl.range_years, 10.0);
    ck_assert_int_eq(tl.spans[0].end.year, 2025);
    ck_assert_int_eq(tl.spans[0].end.month, 1);
    kps_timeline_free(&tl);
    /* the same text read earlier: 2021 is now in the future */
    extract("Jan 2015 - Dec 2021", (kps_ym){2020, 6}, &tl);
    ck_assert_uint_eq(tl.n, 0);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_sections_counted)
{
    const char *text = "Summary\n"
                       "Analyst with 7+ years of experience in reporting.\n"
                       "Experience\n"
                       "Company Name Jan 2018 - Dec 2019 Analyst\n"
                       "Education\n"
                       "B.S. Finance 2010 - 2014\n"
                       "Gained ten years of experience through coursework?\n"
                       "Certifications\n"
                       "PMP training Jan 2016 - Mar 2016\n"
                       "20 years of experience with Excel\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 6);

    ck_assert_int_eq(tl.spans[0].kind, KPS_SPAN_STATEMENT);
    ck_assert_int_eq(tl.spans[0].section, KPS_SECTION_SUMMARY);
    ck_assert_int_eq(tl.spans[0].counted, 1);
    ck_assert_years(tl.spans[0].years, 7.0);

    ck_assert_int_eq(tl.spans[1].kind, KPS_SPAN_RANGE);
    ck_assert_int_eq(tl.spans[1].section, KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(tl.spans[1].counted, 1);

    ck_assert_int_eq(tl.spans[2].kind, KPS_SPAN_RANGE);
    ck_assert_int_eq(tl.spans[2].section, KPS_SECTION_EDUCATION);
    ck_assert_int_eq(tl.spans[2].counted, 0);
    ck_assert_years(tl.spans[2].years, 4.0);

    /* statements under education do not count */
    ck_assert_int_eq(tl.spans[3].kind, KPS_SPAN_STATEMENT);
    ck_assert_int_eq(tl.spans[3].section, KPS_SECTION_EDUCATION);
    ck_assert_int_eq(tl.spans[3].counted, 0);

    ck_assert_int_eq(tl.spans[4].kind, KPS_SPAN_RANGE);
    ck_assert_int_eq(tl.spans[4].section, KPS_SECTION_CERTIFICATIONS);
    ck_assert_int_eq(tl.spans[4].counted, 0);

    /* statements count under certifications */
    ck_assert_int_eq(tl.spans[5].kind, KPS_SPAN_STATEMENT);
    ck_assert_int_eq(tl.spans[5].section, KPS_SECTION_CERTIFICATIONS);
    ck_assert_int_eq(tl.spans[5].counted, 1);

    /* only Jan 2018 - Dec 2019 (23 months); the largest counted statement is
     * 20, the uncounted 10 under education does not matter */
    ck_assert_years(tl.range_years, 23 / 12.0);
    ck_assert_years(tl.stated_years, 20.0);
    kps_timeline_free(&tl);
}
END_TEST

/* Only employment counts: dates under "other" headings (activities,
 * volunteering) and on lines that name a break are shown, not counted. */
START_TEST(test_other_sections_and_breaks)
{
    const char *text = "Experience\n"
                       "Analyst, Jan 2016 - Dec 2017\n"
                       "Career break (parental leave), Jan 2018 - Dec 2018\n"
                       "Analyst, Jan 2019 - Dec 2019\n"
                       "Volunteering\n"
                       "Treasurer, running club, 2010 - 2015\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 4);
    ck_assert_int_eq(tl.spans[0].counted, 1);
    ck_assert_int_eq(tl.spans[1].counted, 0);
    ck_assert_int_eq(tl.spans[2].counted, 1);
    ck_assert_int_eq(tl.spans[3].section, KPS_SECTION_OTHER);
    ck_assert_int_eq(tl.spans[3].counted, 0);
    ck_assert_years(tl.range_years, (23 + 11) / 12.0);
    kps_timeline_free(&tl);
}
END_TEST

/* A role titled Volunteer is unpaid (RUBRIC.md), on the dates' line or
 * on the title line above a line of dates; so is "unpaid". */
START_TEST(test_volunteer_roles)
{
    const char *text = "Experience\n"
                       "Volunteer HR Assistant, Food Bank\n"
                       "Jan 2009 - Dec 2015\n"
                       "Cashier, Jan 2016 - Jan 2018\n"
                       "Unpaid intern, Feb 2018 - Jun 2018\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    ck_assert_int_eq(tl.spans[0].counted, 0);
    ck_assert_int_eq(tl.spans[1].counted, 1);
    ck_assert_int_eq(tl.spans[2].counted, 0);
    ck_assert_years(tl.range_years, 2.0);
    kps_timeline_free(&tl);
}
END_TEST

/* A line that starts with its dates takes its role from a title line
 * above it (short, no full stop), even when the company follows the
 * dates; a duty's sentence above names nothing, and a line of dates alone
 * under one takes the next line with text below.  Study words on the
 * title line speak for a line of dates alone, not for a job's dates and
 * employer; staff of a bootcamp have jobs. */
START_TEST(test_title_lines_around_dates)
{
    const char *text =
        "Experience\n"
        "Volunteer Coordinator/Assistant Treasurer\n"
        "September 2013 to June 2015 Acme Shelter - Springfield, IL\n"
        "Trained new employees, interns and volunteers.\n"
        "08/2008 - 04/2013\n"
        "Acme Shelter - Springfield, IL Counselor Advocate\n"
        "Sorted donations for the thrift store.\n"
        "01/2005 to 01/2006\n"
        "\n"
        "Volunteer Acme Thrift - Springfield, IL\n"
        "Internship for Associate Degree in Culinary Arts\n"
        "January 2004 to June 2004 Acme Bistro - Springfield, IL\n"
        "Bachelor of Science in Biology\n"
        "2000 - 2004\n"
        "Led two projects and talked to stakeholders.\n"
        "10/2019 - 03/2020\n"
        "Bootcamp Manager/.NET Teacher, Tbilisi\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 6);
    ck_assert_int_eq(tl.spans[0].counted, 0); /* Volunteer Coordinator */
    ck_assert_int_eq(tl.spans[1].counted, 1); /* Counselor */
    ck_assert_int_eq(tl.spans[2].counted, 0); /* Volunteer below */
    ck_assert_int_eq(tl.spans[3].counted, 1); /* the internship */
    ck_assert_int_eq(tl.spans[4].counted, 0); /* the degree */
    ck_assert_int_eq(tl.spans[5].counted, 1); /* bootcamp staff */
    kps_timeline_free(&tl);
}
END_TEST

/* Lines around a job's dates that look like a title line, a result's
 * period or a membership but are not (each text's last range is read;
 * counted says whether it is a job). */
static const struct {
    const char *text;
    int counted;
} AROUND_DATES[] = {
    /* a duty of the job before: a bullet, a verb's past tense */
    {"Experience\n- Recruited and trained 40 volunteers for events\n"
     "2016 - 2019 Marketing Manager, Beta Corp\n",
     1},
    {"Experience\nAdministered parental leave and FMLA programs\n"
     "2019 - 2020 Acme Inc - Springfield\n",
     1},
    {"Experience\nManaged 40 unpaid interns across the region,\n"
     "2016 - 2019 Marketing Manager, Beta Corp\n",
     1},
    /* the title is on the dates' line: the bullet below is a duty */
    {"Experience\n\n2016 - Present Manager, Acme\n"
     "- Coordinated 30 volunteers for the food drive\n",
     1},
    /* a range over two lines reads the line after its end */
    {"Experience\nJanuary 2012 -\nMay 2013\nVolunteer Tutor, Acme\n", 0},
    /* a heading is no title line, above or below */
    {"Experience\n- Grew sales 10%\n2018 - 2020\n\nVolunteer Work\n"
     "Tutor at the library\n",
     1},
    {"Experience\n2015 - 2018\nVolunteer Firefighter\n", 0},
    /* a company's abbreviation or an initial ends no sentence */
    {"Experience\nVolunteer Tutor, Reading Partners Inc.\n2015 - 2017\n", 0},
    {"Experience\nVolunteer Tutor, Meals on Wheels L.L.C.\n2015 - 2017\n", 0},
    /* a school after the dates names no title of the job */
    {"Experience\nVolunteer Tutor\n2015 - 2017 Lincoln Elementary School\n", 0},
    /* titles that open with "-ed" words are titles, not duties */
    {"Experience\nCertified Nursing Assistant\nJan 2015 - Dec 2018\n"
     "Volunteers of America, Denver CO\n",
     1},
    {"Experience\nRegistered Nurse (Volunteer)\n2015 - 2018 Free Clinic\n", 0},
    {"Experience\nUnited Way Volunteer Coordinator\n2015 - 2018\n", 0},
    /* a sentence or a bullet above dates alone names no degree */
    {"Experience\n- Represented a high degree of professionalism.\n"
     "September 2011 to June 2016\nSales Manager, Beta Corp\n",
     1},
    /* a membership written as a range; a job's team is none */
    {"Experience\nMember of the American Marketing Association (2010 - "
     "present)\n",
     0},
    {"Experience\nSenior Consultant, member of the strategy group, 2010 - "
     "2015\n",
     1},
    /* travelling is no job, a Traveling Nurse has one */
    {"Experience\nTravelling in South America 2016 - 2017\n", 0},
    {"Experience\nTraveling Nurse 2016 - 2019\n", 1},
    /* attending a bootcamp's program is no job; staffing it is */
    {"Experience\nBootcamp Leadership Program 2016 - 2017\n", 0},
    {"Experience\nBootcamp Instructors lead, 2016 - 2017\n", 1},
    /* a percentage and a noun of change, or a verb of change: a result's
     * period */
    {"Experience\nDrove a 50% increase in sales from 2014 to 2015\n", 0},
    {"Experience\nAchieved 15% revenue growth from 2014 to 2015\n", 0},
    {"Experience\nHelped increase sales by 20% from 2015 to 2017\n", 0},
    {"Experience\nCut and Sew Production Manager at Acme from 2012 to 2016\n",
     1},
    /* no verb of change before "from": a job */
    {"Experience\nGrowth Marketing Manager at Acme from 2015 to 2018\n", 1},
    {"Experience\nSales Rep (100% commission) from 2010 to 2012\n", 1},
    {"Experience\nContinuous Improvement Engineer at Ford from 2012 to "
     "2015\n",
     1},
    /* a result's period is none under a sidebar heading either */
    {"Skills\nSales Manager at Acme: increased revenue 10% from 2013 to "
     "2015\n",
     0},
};

START_TEST(test_around_dates)
{
    kps_timeline tl;
    extract(AROUND_DATES[_i].text, AS_OF, &tl);
    ck_assert_msg(tl.n > 0, "'%s': no range", AROUND_DATES[_i].text);
    ck_assert_msg(tl.spans[tl.n - 1].counted == AROUND_DATES[_i].counted,
                  "'%s': counted %d", AROUND_DATES[_i].text,
                  tl.spans[tl.n - 1].counted);
    kps_timeline_free(&tl);
}
END_TEST

/* The period of a result ("Increased sales 10% from 2013 to 2015") is
 * shown, not counted: the job that achieved it has its own dates.  A job
 * "from" its dates with no result before them counts. */
START_TEST(test_result_periods)
{
    const char *text = "Experience\n"
                       "Sales Lead, Jan 2016 - Jan 2018\n"
                       "- Increased sales over 10% from 2012 to 2015.\n"
                       "- Grew revenue by $700k from 2011-2012\n"
                       "- Raised the close rate from 2010 to 2011\n"
                       "Clerk at the county office from 2014 to 2015\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 5);
    ck_assert_int_eq(tl.spans[0].counted, 1);
    ck_assert_int_eq(tl.spans[1].counted, 0);
    ck_assert_int_eq(tl.spans[2].counted, 0);
    ck_assert_int_eq(tl.spans[3].counted, 0);
    ck_assert_int_eq(tl.spans[4].counted, 1);
    ck_assert_years(tl.range_years, 3.0);
    kps_timeline_free(&tl);
}
END_TEST

/* Education is not employment (RUBRIC.md), also where a two-column
 * layout puts a degree among the jobs or the writer marks a period
 * "(Education, ...)"; words that only look like study ("Scrum Master",
 * "High School Teacher", "diplomatic", a Ministry of Education) leave a
 * job alone. */
START_TEST(test_study_lines_among_jobs)
{
    const char *text = "Experience\n"
                       "Bachelor of Science in Informatics, 2010 - 2014\n"
                       "Scrum Master, Jan 2015 - Jan 2017\n"
                       "Associate's Degree (2015 - 2017)\n"
                       "High School English Teacher, Jan 2017 - Jan 2018\n"
                       "Diplomatic courier, Jan 2018 - Jan 2019\n"
                       "Faculty of Mathematics, 2005 - 2009\n"
                       "Python Developer (Education, Sep 2019 - May 2020)\n"
                       "Teacher, Ministry of Education, Jun 2019 - Jan 2020\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 8);
    static const int counted[] = {0, 1, 0, 1, 1, 0, 0, 1};
    for (size_t i = 0; i < 8; i++)
        ck_assert_msg(tl.spans[i].counted == counted[i], "span %zu", i);
    ck_assert_years(tl.range_years, 4.0 + 7.0 / 12.0);
    kps_timeline_free(&tl);

    /* Two columns interleaved: years in brackets after a job's own range
     * date the degree on the line above, and only such years do; a job
     * in brackets under a line with no degree is a job. */
    extract("Experience\n"
            "Bachelors degree - Applied Mathematics\n"
            "Business Analyst Oct 2018 - Present and Computer Science (2011 - "
            "2015)\n"
            "Trained new volunteers\n"
            "Sales Associate (2014 - 2016)\n",
            AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    static const int interleaved[] = {1, 0, 1};
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(tl.spans[i].counted == interleaved[i], "span %zu", i);
    kps_timeline_free(&tl);
}
END_TEST

/* A two-column layout can put a sidebar heading ("Skills", "Education")
 * above jobs: a range there counts when a job title stands beside it
 * (its line, two lines above, one below) and no school or course does. */
START_TEST(test_jobs_under_sidebar_headings)
{
    const char *text = "Skills\n"
                       "Web-developer at Digital Dream, Ulyanovsk\n"
                       "August 2012 - August 2013\n"
                       "Python, SQL (2014 - 2018)\n"
                       "Education\n"
                       "Teaching assistant, State University, 2009 - 2011\n"
                       "Minor in marketing\n"
                       "01/2005 to 01/2008\n"
                       "Account Manager, Company Name\n"
                       "Interests\n"
                       "Club officer, 2001 - 2004\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 5);
    static const int counted[] = {1, 0, 0, 1, 0};
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(tl.spans[i].counted == counted[i], "span %zu", i);
    ck_assert_years(tl.range_years, 4.0);
    kps_timeline_free(&tl);

    /* An "Education" heading right above dates reads as their school:
     * profile exports put a degree there ("B.E" is no study word) with
     * the candidate's headline, a title, on the next line. */
    extract("Education Details \n"
            "May 2013 to May 2017 B.E   MNIT Jaipur\n"
            "Data Scientist\n",
            AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 1);
    ck_assert_int_eq(tl.spans[0].counted, 0);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_statement_under_certifications_counts)
{
    kps_timeline tl;
    extract("Certifications\nPMP, 12 years of experience\n", AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 1);
    ck_assert_int_eq(tl.spans[0].section, KPS_SECTION_CERTIFICATIONS);
    ck_assert_int_eq(tl.spans[0].counted, 1);
    ck_assert_years(tl.stated_years, 12.0);
    ck_assert_years(tl.range_years, -1.0);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_no_sections_given)
{
    kps_timeline tl;
    const char *text = "Education\n2010 - 2014\n";
    ck_assert_int_eq(
        kps_timeline_extract(text, strlen(text), NULL, AS_OF, NULL, &tl, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(tl.n, 1);
    ck_assert_int_eq(tl.spans[0].section, KPS_SECTION_NONE);
    ck_assert_int_eq(tl.spans[0].counted, 1);
    kps_timeline_free(&tl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Statements                                                          */
/* ------------------------------------------------------------------ */

typedef struct statement_case {
    const char *text;
    const char *match;
    double years;
} statement_case;

static const statement_case STATEMENTS[] = {
    {"Analyst with 7+ years of experience.", "7+ years of experience", 7},
    {"over 10 years' experience in audit", "10 years' experience", 10},
    {"10 years of experience in retail", "10 years of experience", 10},
    {"Five years of experience", "Five years of experience", 5},
    {"more than 8 years of experience", "8 years of experience", 8},
    /* a sentence wrapped after its number */
    {"with more than 12\nyears of experience in routing",
     "12\nyears of experience", 12},
    {"8 yrs exp in finance", "8 yrs exp", 8},
    {"8yrs experience", "8yrs experience", 8},
    {"with 3 years experience", "3 years experience", 3},
    {"2.5 years of experience", "2.5 years of experience", 2.5},
    {"twenty-five years of experience", "twenty-five years of experience", 25},
    {"Twenty years experience", "Twenty years experience", 20},
    {"10-15 years of experience", "10-15 years of experience", 10},
    {"5 to 7 years of experience", "5 to 7 years of experience", 5},
    {"12 plus years of progressive leadership experience",
     "12 plus years of progressive leadership experience", 12},
    {"15 years of hands-on experience", "15 years of hands-on experience", 15},
    {"over 10 years of\nexperience in sales", "10 years of\nexperience", 10},
    {"one year of experience", "one year of experience", 1},
    {"experience of 6 years", "experience of 6 years", 6},
    {"Total experience: over 9 years", "experience: over 9 years", 9},
    {"a 10-year experienced manager", "10-year experienced", 10},
    /* misspelt, as resumes written in a second language do */
    {"have one-year experiance in web", "one-year experiance", 1},
    {"(2+ years of total expirience)", "2+ years of total expirience", 2},
    {"Experince: 4 years", "Experince: 4 years", 4},
    {"Expirience: 4 years", "Expirience: 4 years", 4}, /* its own gate bit */
    {"with 3 years expereince", "3 years expereince", 3},
    {"6 years of experiense", "6 years of experiense", 6},
    /* months: after the years, or alone; to the nearest tenth of a year */
    {"6 years 3 months of experience", "6 years 3 months of experience", 6.3},
    {"1 year and 7 months of experience", "1 year and 7 months of experience",
     1.6},
    {"with 12 years, 2 months experience", "12 years, 2 months experience",
     12.2},
    {"3 years 14 months experience", "3 years 14 months experience", 4.2},
    {"26 months of experience in retail", "26 months of experience", 2.2},
    {"Six months of experience", "Six months of experience", 0.5},
    {"experience of 18 months", "experience of 18 months", 1.5},
    {"Experience:- 1 Year 3 Months", "Experience:- 1 Year 3 Months", 1.3},
    /* to the nearest tenth, not up: 4 months are 0.33, 5 months 0.42 */
    {"1 year 4 months of experience", "1 year 4 months of experience", 1.3},
    {"5 months of experience", "5 months of experience", 0.4},
    /* no whole year, yet months: as "8 months of experience" */
    {"Total Experience: 0 Years 8 Months", "Experience: 0 Years 8 Months", 0.7},
    {"2 yrs. 6 months of experience", "2 yrs. 6 months of experience", 2.5},
    {"3 years & 8 months of experience", "3 years & 8 months of experience",
     3.7},
};

START_TEST(test_statements)
{
    const statement_case *c = &STATEMENTS[_i];
    kps_timeline tl;
    extract(c->text, AS_OF, &tl);
    ck_assert_msg(tl.n == 1, "'%s': %zu spans", c->text, tl.n);
    const kps_span *sp = &tl.spans[0];
    ck_assert_int_eq(sp->kind, KPS_SPAN_STATEMENT);
    ck_assert_years(sp->years, c->years);
    const char *m = strstr(c->text, c->match);
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(sp->offset, (size_t)(m - c->text));
    ck_assert_uint_eq(sp->length, strlen(c->match));
    ck_assert_int_eq(sp->counted, 1);
    ck_assert_years(tl.stated_years, c->years);
    ck_assert_years(tl.range_years, -1.0);
    kps_timeline_free(&tl);
}
END_TEST

static const char *const NOT_STATEMENTS[] = {
    "My son is 3 years old",
    "Age: 35 years old", /* an age is never experience */
    "Aged 41 years, experience in retail",
    "Age 29 years of experience in life",
    "Delivered a 5-year plan",
    "Includes 2 years warranty",
    "Paid back within 2 years",
    "to be completed within 2 years of experience gathering", /* "within" */
    "over the next 3 years experience will grow",
    "5 years",
    "I have years of experience", /* no number */
    "several years of experience",
    "100 years of experience", /* more than two digits */
    "0 years of experience",
    "99 years of experience",      /* more than 60 */
    "5 years. Experience matters", /* sentence ends first */
    "5 years in sales and marketing with no formal training at all experience",
    "5th year experience",
    "1,5 years of experience",
    "0 months of experience",
    "6 months warranty on parts",
    "within 6 months of experience",
    /* too many years; the months belong to them, not a statement alone */
    "61 years 11 months of experience",
    "61 years, 11 months of experience",
    "61 years and 11 months of experience",
    "within 2 years, 6 months of experience",
    /* a profile export's per-skill field, not the whole career */
    "Tableau- Experience - 24 months",
};

START_TEST(test_not_statements)
{
    kps_timeline tl;
    extract(NOT_STATEMENTS[_i], AS_OF, &tl);
    ck_assert_msg(tl.n == 0, "'%s': %zu spans", NOT_STATEMENTS[_i], tl.n);
    ck_assert_years(tl.stated_years, -1.0);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_largest_statement)
{
    kps_timeline tl;
    extract("Summary\n5 years of experience in sales, 12 years of experience "
            "overall, 3 years of management experience.\n",
            AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    ck_assert_years(tl.stated_years, 12.0);
    kps_timeline_free(&tl);
}
END_TEST

/* The years text states, and whether jobs' lengths added up gave them. */
static void expect_stated(const char *text, double years, int from_lengths)
{
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_years(tl.stated_years, years);
    ck_assert_int_eq(tl.stated_from_job_lengths, from_lengths);
    kps_timeline_free(&tl);
}

/* A CV without dates that gives each job's length in brackets on the
 * job's line: statements of one job each, added up. */
START_TEST(test_job_lengths)
{
    const char *text = "Work experience:\n"
                       "PHP Developer     (9 month)\n"
                       "Acme Ltd - Dnipro\n"
                       "- Wrote the billing service (REST, MySQL)\n"
                       "Web Developer (5 months)\n"
                       "Senior Analyst ( 1 year 3 months )\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    static const char *const match[] = {"9 month", "5 months",
                                        "1 year 3 months"};
    static const double years[] = {9 / 12.0, 5 / 12.0, 15 / 12.0};
    for (size_t i = 0; i < 3; i++) {
        const kps_span *sp = &tl.spans[i];
        ck_assert_int_eq(sp->kind, KPS_SPAN_STATEMENT);
        ck_assert_int_eq(sp->job_length, 1);
        ck_assert_int_eq(sp->counted, 1);
        ck_assert_int_eq(sp->section, KPS_SECTION_EXPERIENCE);
        ck_assert_years(sp->years, years[i]);
        ck_assert_uint_eq(sp->length, strlen(match[i]));
        ck_assert_int_eq(strncmp(text + sp->offset, match[i], sp->length), 0);
    }
    ck_assert_years(tl.stated_years, (9 + 5 + 15) / 12.0);
    ck_assert_int_eq(tl.stated_from_job_lengths, 1);
    ck_assert_years(tl.range_years, -1.0);
    kps_timeline_free(&tl);

    /* a statement about the whole career that says more wins; one that
     * says less gives way to the sum */
    extract("Summary\n10 years of experience\nExperience\n"
            "Analyst (2 years)\nManager (3 years)\n",
            AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    ck_assert_years(tl.stated_years, 10.0);
    ck_assert_int_eq(tl.stated_from_job_lengths, 0);
    kps_timeline_free(&tl);
    expect_stated("Summary\n3 years of experience\nExperience\n"
                  "Analyst (2 years)\nManager (3 years)\n",
                  5.0, 1);

    /* "project" names a student's work, but a Project Manager has a job;
     * a project alone has none */
    expect_stated("Experience\nProject Manager (3 years)\nStudent project (2 "
                  "years)\n",
                  3.0, 1);

    /* added up exactly, not each to a tenth first (0.8 + 0.8 + 0.4 would
     * be 2.0, the mid band), and never past what one statement may say */
    extract("Experience\nDeveloper (9 months)\nDeveloper (9 months)\n"
            "Developer (5 months)\n",
            AS_OF, &tl);
    ck_assert_years(tl.stated_years, 23 / 12.0);
    kps_timeline_free(&tl);
    ck_assert_int_eq(tl.stated_from_job_lengths, 0); /* reset by the free */
    size_t many = 1000;
    const char *line = "Engineer (20 years)\n";
    char *career = malloc(strlen("Experience\n") + many * strlen(line) + 1);
    ck_assert_ptr_nonnull(career);
    strcpy(career, "Experience\n");
    for (size_t i = 0; i < many; i++)
        strcat(career, line);
    extract(career, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, many);
    ck_assert_years(tl.stated_years, 60.0);
    kps_timeline_free(&tl);
    free(career);
}
END_TEST

/* Bracketed lengths that are not a job's: outside the jobs, of a skill or
 * a project, on a line too long for a job's header, or not alone in the
 * brackets. */
static const char *const NOT_JOB_LENGTHS[] = {
    "Skills\nJava Developer tools (5 years)\n",
    "Summary\nProject Manager (4 years)\n",
    "Education\nTeaching Assistant (2 years)\n",
    "Experience\nCOBOL (5 years) and BASIC (5 years)\n",
    "Experience\nSoftware Developer - Python (5 years), Java (4 years), SQL "
    "(5 years)\n",
    "Experience\nComputer and internet use (9 years)\n",
    "Experience\nAs the team's developer I led the migration of the billing "
    "platform to the cloud (6 months), on time and under budget.\n",
    "Experience\nSenior Analyst (2 years, part-time)\n",
    "Experience\nStudent developer at the university (2 years)\n",
    "Experience\nDeveloper (35 years old)\n",
};

START_TEST(test_not_job_lengths)
{
    kps_timeline tl;
    extract(NOT_JOB_LENGTHS[_i], AS_OF, &tl);
    ck_assert_msg(tl.n == 0, "'%s': %zu spans", NOT_JOB_LENGTHS[_i], tl.n);
    ck_assert_years(tl.stated_years, -1.0);
    ck_assert_int_eq(tl.stated_from_job_lengths, 0);
    kps_timeline_free(&tl);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Edges                                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_arguments)
{
    kps_timeline tl;
    ck_assert_int_eq(kps_timeline_extract("2010-2012", 9, NULL,
                                          (kps_ym){2020, 13}, NULL, &tl, NULL),
                     KPISCAN_ERR_ARGUMENT);
    /* The error is filled where it is found, with the document's name
     * (docs/internals.md, "Errors"). */
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(kps_timeline_extract("2010-2012", 9, NULL,
                                          (kps_ym){2020, 0}, "cv.txt", &tl,
                                          err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_error_status(err), KPISCAN_ERR_ARGUMENT);
    ck_assert_str_eq(kpiscan_error_message(err),
                     "cv.txt: as-of date 2020-00 is impossible");
    kpiscan_error_free(err);
    ck_assert_int_eq(kps_timeline_extract("", 0, NULL, AS_OF, NULL, &tl, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(tl.n, 0);
    ck_assert_ptr_null(tl.spans);
    ck_assert_years(tl.range_years, -1.0);
    ck_assert_years(tl.stated_years, -1.0);
    kps_timeline_free(&tl);
    kps_timeline_free(NULL); /* no-op */

    /* len is honoured: "2010-2012" cut to "2010-20" finds nothing and the
     * bytes after len are never read */
    char buf[16];
    memcpy(buf, "2010-2012", 9);
    ck_assert_int_eq(kps_timeline_extract(buf, 7, NULL, AS_OF, NULL, &tl, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(tl.n, 0);
    kps_timeline_free(&tl);
    /* a range that ends exactly at len */
    ck_assert_int_eq(kps_timeline_extract(buf, 9, NULL, AS_OF, NULL, &tl, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(tl.n, 1);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_text_order_and_offsets)
{
    const char *text = "Experience\n"
                       "Acme Jan 2015 - Present Lead\n"
                       "Beta 2012 - 2014 Analyst, 3 years of experience\n";
    kps_timeline tl;
    extract(text, AS_OF, &tl);
    ck_assert_uint_eq(tl.n, 3);
    for (size_t i = 1; i < tl.n; i++)
        ck_assert_uint_gt(tl.spans[i].offset, tl.spans[i - 1].offset);
    for (size_t i = 0; i < tl.n; i++)
        ck_assert_uint_le(tl.spans[i].offset + tl.spans[i].length,
                          strlen(text));
    ck_assert_int_eq(strncmp(text + tl.spans[1].offset, "2012 - 2014", 11), 0);
    ck_assert_uint_eq(tl.spans[1].length, 11);
    /* Jan 2015 .. Jun 2020 beside Jan 2012 .. Jan 2014 */
    ck_assert_years(tl.range_years, (65 + 24) / 12.0);
    ck_assert_years(tl.stated_years, 3.0);
    kps_timeline_free(&tl);
}
END_TEST

/* Build n bytes repeating pattern. */
static char *repeat(const char *pattern, size_t n)
{
    size_t pl = strlen(pattern);
    char *t = malloc(n + 1);
    ck_assert_ptr_nonnull(t);
    for (size_t i = 0; i < n; i++)
        t[i] = pattern[i % pl];
    t[n] = '\0';
    return t;
}

static const char *const HOSTILE[] = {
    "0123456789-",
    "2015-",
    "1-",
    "2015 - 2016 - ",
    "12/12/",
    "Jan 2015 to ",
    "'1",
    "-",
    "7 years ",
    "9",
    "twenty-five years of ",
    "experience of ",
    "Since ",
    "\n",
};

START_TEST(test_hostile_input)
{
    /* 4 MB each: finishes (linear scan), stays in bounds under ASan, and
     * the number of spans is capped. */
    size_t n = 4u << 20;
    char *t = repeat(HOSTILE[_i], n);
    kps_sections s;
    kps_timeline tl;
    ck_assert_int_eq(kps_sections_detect(t, n, NULL, &s, NULL), KPISCAN_OK);
    ck_assert_int_eq(kps_timeline_extract(t, n, &s, AS_OF, NULL, &tl, NULL),
                     KPISCAN_OK);
    ck_assert_uint_le(tl.n, 10000);
    for (size_t i = 0; i < tl.n; i++)
        ck_assert_uint_le(tl.spans[i].offset + tl.spans[i].length, n);
    kps_timeline_free(&tl);
    kps_sections_free(&s);
    free(t);
}
END_TEST

/* The scan looks for possible starts 64 bytes at a time; what it finds
 * must not depend on where the 64-byte blocks fall.  Each text is shifted
 * by 0..200 bytes of padding and must give the same spans, at shifted
 * offsets.  The texts put starts right after letters, digits and
 * apostrophes, so a start wrongly taken or missed at a block edge shows. */
static const char *const SHIFTED[] = {
    "x2019 Jan 2015 - Dec 2015 '19-'20 5 years of experience 'ab Since 2017",
    "Analyst\nMarch 2016 to Present\nexperience of 7 years\n2012-2015",
    "abcJan 2015 - Dec 2015 x'19 - '20 y5 years of experience",
};

START_TEST(test_block_edges)
{
    const char *body = SHIFTED[_i];
    size_t blen = strlen(body);
    kps_timeline ref;
    extract(body, AS_OF, &ref);
    ck_assert_uint_gt(ref.n, 0);
    for (size_t shift = 1; shift <= 200; shift++) {
        char *t = malloc(shift + blen + 1);
        ck_assert_ptr_nonnull(t);
        for (size_t i = 0; i < shift; i++)
            t[i] = (i % 7 == 6) ? '\n' : ' ';
        memcpy(t + shift, body, blen + 1);
        kps_timeline tl;
        extract(t, AS_OF, &tl);
        ck_assert_uint_eq(tl.n, ref.n);
        for (size_t k = 0; k < tl.n; k++) {
            ck_assert_int_eq(tl.spans[k].kind, ref.spans[k].kind);
            ck_assert_uint_eq(tl.spans[k].offset, ref.spans[k].offset + shift);
            ck_assert_uint_eq(tl.spans[k].length, ref.spans[k].length);
            ck_assert_years(tl.spans[k].years, ref.spans[k].years);
        }
        kps_timeline_free(&tl);
        free(t);
    }
    kps_timeline_free(&ref);
}
END_TEST

static Suite *timeline_suite(void)
{
    Suite *s = suite_create("timeline");
    TCase *tc = tcase_create("ranges");
    tcase_add_loop_test(tc, test_range_forms, 0,
                        (int)(sizeof RANGES / sizeof RANGES[0]));
    tcase_add_loop_test(tc, test_not_ranges, 0,
                        (int)(sizeof NOT_RANGES / sizeof NOT_RANGES[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("totals");
    tcase_add_test(tc, test_overlaps_merged);
    tcase_add_test(tc, test_present_pinned);
    tcase_add_test(tc, test_sections_counted);
    tcase_add_test(tc, test_other_sections_and_breaks);
    tcase_add_test(tc, test_study_lines_among_jobs);
    tcase_add_test(tc, test_volunteer_roles);
    tcase_add_test(tc, test_result_periods);
    tcase_add_test(tc, test_title_lines_around_dates);
    tcase_add_loop_test(tc, test_around_dates, 0,
                        sizeof AROUND_DATES / sizeof AROUND_DATES[0]);
    tcase_add_test(tc, test_jobs_under_sidebar_headings);
    tcase_add_test(tc, test_statement_under_certifications_counts);
    tcase_add_test(tc, test_no_sections_given);
    suite_add_tcase(s, tc);

    tc = tcase_create("statements");
    tcase_add_loop_test(tc, test_statements, 0,
                        (int)(sizeof STATEMENTS / sizeof STATEMENTS[0]));
    tcase_add_loop_test(
        tc, test_not_statements, 0,
        (int)(sizeof NOT_STATEMENTS / sizeof NOT_STATEMENTS[0]));
    tcase_add_test(tc, test_largest_statement);
    tcase_add_test(tc, test_job_lengths);
    tcase_add_loop_test(
        tc, test_not_job_lengths, 0,
        (int)(sizeof NOT_JOB_LENGTHS / sizeof NOT_JOB_LENGTHS[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_add_test(tc, test_arguments);
    tcase_add_test(tc, test_text_order_and_offsets);
    tcase_add_loop_test(tc, test_block_edges, 0,
                        (int)(sizeof SHIFTED / sizeof SHIFTED[0]));
    tcase_add_loop_test(tc, test_hostile_input, 0,
                        (int)(sizeof HOSTILE / sizeof HOSTILE[0]));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(timeline_suite());
}
