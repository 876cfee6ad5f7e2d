/* test-signals.c - the signal finders of lib/estimate/signals.c on their
 * own, without a scan: titles in a title's position, keyword lists, job
 * headers and titles, KPI jobs' evidence, merged employment; and the line
 * index of lib/text/lines.c they read positions from. */
#include "estimate/signals.h"
#include "internal.h"
#include "testutil.h"

static int title_at(const char *t, const char *word)
{
    const char *p = strstr(t, word);
    ck_assert_ptr_nonnull(p);
    kps_timeline tl = {0};
    kps_title_line line = {0};
    size_t s = (size_t)(p - t);
    return kps_in_title_position(t, strlen(t), s, s + strlen(word), &tl, &line);
}

START_TEST(test_title_position)
{
    ck_assert_int_eq(title_at("Senior Analyst\n", "Senior"), 1);
    ck_assert_int_eq(title_at("  * Senior Analyst, Acme\n", "Senior"), 1);
    ck_assert_int_eq(title_at("Acme Corporation Limited | Senior Analyst "
                              "for the northern region and more\n",
                              "Senior"),
                     1);
    ck_assert_int_eq(title_at("For six years I worked as Senior Analyst in "
                              "the finance team of a bank\n",
                              "Senior"),
                     1);
    /* a sentence, not a title */
    ck_assert_int_eq(title_at("Presented the quarterly results to senior "
                              "management every month of the year\n",
                              "senior"),
                     0);
    /* a short line is a title line wherever the word stands */
    ck_assert_int_eq(title_at("Acme Senior Analyst\n", "Senior"), 1);
    /* a long header line: capitalised words up to the title, a company
     * after it (PDF conversions of the common "TITLE Company, City") */
    ck_assert_int_eq(title_at("INTERNET DEVELOPMENT PROJECT MANAGER Company "
                              "Name , City , State\n",
                              "PROJECT MANAGER"),
                     1);
    ck_assert_int_eq(title_at("Senior Facilities and Construction Project "
                              "Manager Company Name , City , State\n",
                              "Project Manager"),
                     1);
    /* a sentence opens with a capital too: a lower-case word after the
     * title words, or before them, makes it one */
    ck_assert_int_eq(title_at("Assist Project Manager on a daily basis with "
                              "compiling reports\n",
                              "Project Manager"),
                     0);
    ck_assert_int_eq(title_at("Assisted the Senior Marketing Coordinator with "
                              "all aspects of advertising\n",
                              "Marketing Coordinator"),
                     0);
    /* a lower-case word before the title, whatever follows it */
    ck_assert_int_eq(title_at("Reported to the Sales Manager Company Name "
                              "Acme City State Region\n",
                              "Sales Manager"),
                     0);
    /* a lead longer than any title's */
    ck_assert_int_eq(
        title_at("Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa "
                 "Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Aa Project "
                 "Manager\n",
                 "Project Manager"),
        0);
}
END_TEST

START_TEST(test_title_line_with_range)
{
    const char *t = "Worked at the bank as a very senior person in many teams "
                    "Jan 2019 - Mar 2021\n";
    kps_ym as_of = {2024, 6};
    kps_sections sec = {0};
    kps_timeline tl = {0};
    ck_assert_int_eq(
        kps_timeline_extract(t, strlen(t), &sec, as_of, NULL, &tl, NULL),
        KPISCAN_OK);
    ck_assert_uint_ge(tl.n, 1);
    kps_title_line line = {0};
    size_t s = (size_t)(strstr(t, "senior") - t);
    ck_assert_int_eq(kps_in_title_position(t, strlen(t), s, s + 6, &tl, &line),
                     1);
    kps_timeline_free(&tl);
}
END_TEST

START_TEST(test_keyword_lists)
{
    const char *t = "KPIs, balanced scorecard, dashboards\n"
                    "We improved KPIs by ten percent through the new work\n";
    kps_rule rules[3] = {{.category = KPISCAN_CATEGORY_TERM},
                         {.category = KPISCAN_CATEGORY_INDICATOR},
                         {.category = KPISCAN_CATEGORY_INDICATOR}};
    kpiscan_pack pack = {.rules = rules, .nrules = 3};
    size_t second = (size_t)(strstr(t, "We improved KPIs") - t) + 12;
    kps_hit hv[4] = {
        {0, 0, 4}, {1, 6, 24}, {2, 26, 36}, {0, second, second + 4}};
    kps_hits hits = {.v = hv, .n = 4};
    kps_norm norm = {.text = (char *)t, .len = strlen(t)};
    kpiscan_evidence ev[4] = {{0}};
    kpiscan_result res = {.ev = ev, .nev = 4};
    kps_mark_keyword_lists(&res, &norm, &hits, &pack);
    ck_assert_int_eq(ev[0].keyword_list, KPS_KEYWORD_LINE);
    ck_assert_int_eq(ev[1].keyword_list, KPS_KEYWORD_LINE);
    ck_assert_int_eq(ev[2].keyword_list, KPS_KEYWORD_LINE);
    ck_assert_int_eq(ev[3].keyword_list, 0);

    /* The last line of a sentence wrapped by PDF conversion, all rule
     * words, is judged with the line it goes on from; standing alone, the
     * same words are a list. */
    static const char *const texts[2] = {
        "Led the annual review cycle and maintained and trained\n"
        "managers on the performance management system\n",
        "Led the annual review cycle and maintained and trained.\n"
        "Managers on the performance management system\n"};
    static const int listed[2] = {0, 1};
    for (int k = 0; k < 2; k++) {
        const char *w = texts[k];
        size_t a = (size_t)(strstr(w, "anagers") - w) - 1;
        size_t b = (size_t)(strstr(w, "performance") - w);
        kps_hit wv[2] = {{1, a, a + 8}, {2, b, b + 29}};
        kps_hits whits = {.v = wv, .n = 2};
        kps_norm wnorm = {.text = (char *)w, .len = strlen(w)};
        kpiscan_evidence wev[2] = {{0}};
        kpiscan_result wres = {.ev = wev, .nev = 2};
        kps_mark_keyword_lists(&wres, &wnorm, &whits, &pack);
        ck_assert_msg(wev[1].keyword_list == (listed[k] ? KPS_KEYWORD_LINE : 0),
                      "%s", w);
    }
}
END_TEST

/* A tool's name (a rule marked tool) given as one item of a list of names
 * in a job is a claim, as in a skills list: something opens the item and
 * something closes it, with a comma on one side.  The same name used in a
 * sentence, a lower-case word, a rank, a long phrase, another rule's match
 * or a name under a skills heading is not marked. */
START_TEST(test_tool_lists)
{
    static const struct {
        const char *text, *match;
        int tool;
        kps_section section;
        int listed;
    } cases[] = {
        {"Gained fluency in SPSS, Microsoft Excel and other software.",
         "Microsoft Excel", 1, KPS_SECTION_EXPERIENCE, 1},
        {"Handled mail with Outlook, Excel and Word every day.", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 1},
        {"Kept control systems such as (Excel, Access and Oracle)", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 1},
        {"Kept control systems such as: Excel, Access and Oracle", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 1},
        {"Excel, Access and Word", "Excel", 1, KPS_SECTION_NONE, 1},
        {"- Excel, Word and Outlook", "Excel", 1, KPS_SECTION_EXPERIENCE, 1},
        {"\xE2\x80\xA2 Excel, Word", "Excel", 1, KPS_SECTION_EXPERIENCE, 1},
        {"\xC2\xB7 Excel, Word", "Excel", 1, KPS_SECTION_EXPERIENCE, 1},
        {"Kept the rota in Sage\nExcel, Access and Word", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 1},
        {"Trained staff in Word, Outlook and Excel", "Outlook", 1,
         KPS_SECTION_EXPERIENCE, 1},
        {"Trained staff in Word, Outlook and Excel", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Kept the staff rota in Excel, then shared it weekly", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Excel, then shared it weekly", "Excel", 1, KPS_SECTION_EXPERIENCE, 0},
        {"Every Monday, Excel reports went to the area manager", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Excel and Word for the depot", "Excel", 1, KPS_SECTION_EXPERIENCE, 0},
        {"Tracked late orders in Excel and reported them", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Excel reports, weekly, for the depot", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Maintained the sales tracker/Excel, Word", "Excel", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Ranked 1st, Top Seller of the region", "Ranked 1st", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Reports, Sales Forecasting Across All Regions, Payroll",
         "Sales Forecasting Across All Regions", 1, KPS_SECTION_EXPERIENCE, 0},
        {"Built rotas, spreadsheets and logs for the depot", "spreadsheets", 1,
         KPS_SECTION_EXPERIENCE, 0},
        {"Handled mail with Outlook, Excel and Word every day.", "Excel", 0,
         KPS_SECTION_EXPERIENCE, 0},
        {"Customer service, Microsoft Excel, Word and Outlook",
         "Microsoft Excel", 1, KPS_SECTION_SKILLS, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *t = cases[k].text;
        size_t s = (size_t)(strstr(t, cases[k].match) - t);
        kps_rule rule = {.category = KPISCAN_CATEGORY_INDICATOR,
                         .work_only = 1,
                         .tool = cases[k].tool};
        kpiscan_pack pack = {.rules = &rule, .nrules = 1};
        kps_hit hv[1] = {{0, s, s + strlen(cases[k].match)}};
        kps_hits hits = {.v = hv, .n = 1};
        kps_norm norm = {.text = (char *)t, .len = strlen(t)};
        kpiscan_evidence ev[1] = {{.section = cases[k].section}};
        kpiscan_result res = {.ev = ev, .nev = 1};
        kps_mark_keyword_lists(&res, &norm, &hits, &pack);
        ck_assert_msg(ev[0].keyword_list ==
                          (cases[k].listed ? KPS_NAME_IN_LIST : 0),
                      "%s [%s]", t, cases[k].match);
    }

    /* Tools that make up most of their line are a line of keywords, the
     * stronger reading. */
    const char *t = "Excel, Tableau";
    kps_rule rule = {
        .category = KPISCAN_CATEGORY_INDICATOR, .work_only = 1, .tool = 1};
    kpiscan_pack pack = {.rules = &rule, .nrules = 1};
    kps_hit hv[2] = {{0, 0, 5}, {0, 7, 14}};
    kps_hits hits = {.v = hv, .n = 2};
    kps_norm norm = {.text = (char *)t, .len = strlen(t)};
    kpiscan_evidence ev[2] = {{.section = KPS_SECTION_EXPERIENCE},
                              {.section = KPS_SECTION_EXPERIENCE}};
    kpiscan_result res = {.ev = ev, .nev = 2};
    kps_mark_keyword_lists(&res, &norm, &hits, &pack);
    ck_assert_int_eq(ev[0].keyword_list, KPS_KEYWORD_LINE);
    ck_assert_int_eq(ev[1].keyword_list, KPS_KEYWORD_LINE);
}
END_TEST

START_TEST(test_shows_kpi_work)
{
    kpiscan_evidence e = {.category = KPISCAN_CATEGORY_TERM,
                          .section = KPS_SECTION_EXPERIENCE};
    ck_assert_int_eq(kps_shows_kpi_work(&e), 1);
    e.keyword_list = 1;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 0);
    e.keyword_list = 0;
    e.section = KPS_SECTION_SKILLS;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 0);
    e.section = KPS_SECTION_EXPERIENCE;
    e.hidden = 1;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 0);
    e.hidden = 0;
    e.category = KPISCAN_CATEGORY_INDICATOR;
    e.level = KPISCAN_LEVEL_JUNIOR;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 0);
    e.level = KPISCAN_LEVEL_MID;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 1);
    e.category = KPISCAN_CATEGORY_QUANTIFIED;
    ck_assert_int_eq(kps_shows_kpi_work(&e), 0);
}
END_TEST

START_TEST(test_heads_job)
{
    const char *t = "2019 - 2021 Analyst, Acme\n"
                    "- Head of Year 9 from 2019 to 2024\n"
                    "In this long sentence the dates 2015 to 2016 come late "
                    "after many many words indeed\n"
                    "2012 - 2021, Engineer. Responsible for a great many "
                    "things over many years in many teams\n"
                    "Support Analyst and System Administrator 05/2001 to "
                    "05/2007 Company Name City , State Prior to this role I "
                    "ran the service desk for years\n"
                    "I joined the firm in 2012 to 2015 and then worked on "
                    "many more projects for the same clients\n"
                    "From 2012 to 2014 I was seconded to the Leeds office and "
                    "shared a desk with the finance team there\n"
                    "Promoted in 2015 to 2018 as the lead of a team of six "
                    "people across three sites and two countries\n"
                    "Sales Manager - 2015 to 2018 Acme Ltd London Led a team "
                    "of six people across three sites and two countries\n"
                    "\xC2\xB7 Head of Year 9 from 2019 to 2024\n"
                    "\xEF\x82\xA7 Head of Year 9 from 2019 to 2024\n";
    kps_line_index li = {0};
    ck_assert_int_eq(kps_line_index_build(t, strlen(t), &li), 0);
    ck_assert_uint_eq(li.n, 12);
    size_t len = strlen(t);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 1, 0), 1);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 2, li.starts[1] + 22), 0);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 3, li.starts[2] + 31), 0);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 4, li.starts[3]), 1);
    /* a long line led by a title, then its dates: a header run into its
     * description (PDF conversions); a sentence with its dates is not */
    ck_assert_int_eq(kps_heads_job(t, len, &li, 5, li.starts[4] + 41), 1);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 6, li.starts[5] + 21), 0);
    /* nor one that opens on a word leading to its dates, or ends on one */
    ck_assert_int_eq(kps_heads_job(t, len, &li, 7, li.starts[6] + 5), 0);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 8, li.starts[7] + 12), 0);
    /* a separator before the dates is no word */
    ck_assert_int_eq(kps_heads_job(t, len, &li, 9, li.starts[8] + 16), 1);
    /* Word's "Save as Web Page" bullet (a middle dot) and a Wingdings
     * bullet left in private use start items as '-' does */
    ck_assert_int_eq(kps_heads_job(t, len, &li, 10, li.starts[9] + 23), 0);
    ck_assert_int_eq(kps_heads_job(t, len, &li, 11, li.starts[10] + 24), 0);
    free(li.starts);
}
END_TEST

START_TEST(test_job_title)
{
    char t[] = "Operations Analyst | Northgate\nJan 2023 to date\n";
    kps_line_index li = {0};
    ck_assert_int_eq(kps_line_index_build(t, strlen(t), &li), 0);
    kpiscan_result res = {.text = t, .len = strlen(t)};
    kpiscan_span sp = {.line = 2, .offset = li.starts[1], .length = 16};
    ck_assert_int_eq(kps_job_title(&res, &li, &sp, NULL, 0), 0);
    ck_assert_str_eq(sp.job, "Operations Analyst Northgate");
    free(sp.job);
    /* dates and a title on one line: the line without the dates */
    char u[] = "Mar 2020 - Jun 2022 - Team Lead (Sales)\n";
    kps_line_index lu = {0};
    ck_assert_int_eq(kps_line_index_build(u, strlen(u), &lu), 0);
    kpiscan_result ru = {.text = u, .len = strlen(u)};
    kpiscan_span su = {.line = 1, .offset = 0, .length = 19};
    ck_assert_int_eq(kps_job_title(&ru, &lu, &su, NULL, 0), 0);
    ck_assert_str_eq(su.job, "Team Lead Sales");
    free(su.job);
    /* a month over its year starts mid-line: the words before it name
     * the entry, not those after its end */
    char v[] = "Member of the Alumni Association (August\n"
               "2015-Present) Jane Doe - 2\n";
    kps_line_index lv = {0};
    ck_assert_int_eq(kps_line_index_build(v, strlen(v), &lv), 0);
    kpiscan_result rv = {.text = v, .len = strlen(v)};
    size_t at = (size_t)(strstr(v, "August") - v);
    kpiscan_span sv = {.line = 1, .offset = at, .length = 19};
    ck_assert_int_eq(kps_job_title(&rv, &lv, &sv, NULL, 0), 0);
    ck_assert_str_eq(sv.job, "Member of the Alumni Association");
    free(sv.job);
    free(lv.starts);
    free(li.starts);
    free(lu.starts);
}
END_TEST

/* Dates alone on their line under a section heading or under the last
 * sentence of the job before: the title is the line below them. */
static char *title_of(const char *text, size_t line, const size_t *heads,
                      size_t nheads, kpiscan_span *spans, size_t nspans,
                      size_t which)
{
    kps_line_index li = {0};
    ck_assert_int_eq(kps_line_index_build(text, strlen(text), &li), 0);
    kpiscan_result res = {.text = (char *)text,
                          .len = strlen(text),
                          .spans = spans,
                          .nspans = nspans};
    kpiscan_span *sp = &spans[which];
    sp->line = line;
    sp->offset = li.starts[line - 1];
    ck_assert_int_eq(kps_job_title(&res, &li, sp, heads, nheads), 0);
    free(li.starts);
    return sp->job;
}

START_TEST(test_job_title_below_dates)
{
    kpiscan_span one[1] = {{.length = 18}};
    size_t heading = 0;
    char *job = title_of("Professional Experience\n02/1999 to Current\n"
                         "DIRECTOR Company Name , City , State\n"
                         "Led the discount programmes.\n",
                         2, &heading, 1, one, 1, 0);
    ck_assert_str_eq(job, "DIRECTOR Company Name City State");
    free(job);
    one[0] = (kpiscan_span){.length = 18};
    job = title_of("Launched the Travel Money programs.\n09/1997 to 02/1999\n"
                   "PROJECT MANAGER Company Name\nManaged four developers.\n",
                   2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "PROJECT MANAGER Company Name");
    free(job);
    /* the line above still wins when it can name the job */
    one[0] = (kpiscan_span){.length = 16};
    job = title_of("Operations Analyst | Northgate\nJan 2023 to date\n"
                   "Built the weekly sales report.\n",
                   2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "Operations Analyst Northgate");
    free(job);
    /* punctuation between the dates and the title is not the title's;
     * a dot that starts a word is */
    one[0] = (kpiscan_span){.length = 11};
    job = title_of("2019 - 2021: Backend developer, Acme\n", 1, NULL, 0, one, 1,
                   0);
    ck_assert_str_eq(job, "Backend developer Acme");
    free(job);
    one[0] = (kpiscan_span){.length = 13};
    job = title_of("2015 \xE2\x80\x93 2018 \xE2\x80\x93 .NET Developer\n", 1,
                   NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, ".NET Developer");
    free(job);
    /* an indented heading above is still a heading */
    one[0] = (kpiscan_span){.length = 18};
    job = title_of("  Professional Experience\n02/1999 to Current\n"
                   "DIRECTOR Company Name\n",
                   2, &heading, 1, one, 1, 0);
    ck_assert_str_eq(job, "DIRECTOR Company Name");
    free(job);
    /* a neighbour too long to be a title, or longer than any line a
     * title stands on, leaves the other neighbour to name the job */
    char para[1400];
    memset(para, 'a', 1300);
    memcpy(para + 1300, "\n02/1999 to Current\nDIRECTOR Acme\n", 35);
    one[0] = (kpiscan_span){.length = 18};
    job = title_of(para, 2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "DIRECTOR Acme");
    free(job);
    char wide[400];
    for (size_t i = 0; i < 200; i++)
        wide[i] = i % 10 == 9 ? ' ' : 'A';
    memcpy(wide + 200, "\n02/1999 to Current\nDIRECTOR Acme\n", 35);
    one[0] = (kpiscan_span){.length = 18};
    job = title_of(wide, 2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "DIRECTOR Acme");
    free(job);
    /* dates over two lines, each with its cell: the words after the end
     * name the job, not the line above */
    one[0] = (kpiscan_span){.length = 34};
    job = title_of("Stack: Python, Kafka\n2020, June  MTS GROUP\n"
                   "2021, August Python Developer\n",
                   2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "Python Developer");
    free(job);
    /* a sentence after the end names nothing: the title above does */
    one[0] = (kpiscan_span){.length = 23};
    job = title_of("Senior Analyst, Acme Corp\nJune 2015 -\n"
                   "August 2019 Ran the weekly sales reports.\n",
                   2, NULL, 0, one, 1, 0);
    ck_assert_str_eq(job, "Senior Analyst Acme Corp");
    free(job);
    /* a rule of punctuation names nothing */
    one[0] = (kpiscan_span){.length = 18};
    job = title_of("02/1999 to Current\n====================\n", 1, NULL, 0,
                   one, 1, 0);
    ck_assert_ptr_null(job);
    /* a sentence above and a list item below name nothing */
    one[0] = (kpiscan_span){.length = 19};
    job = title_of("Answered calls.\nJan 2020 - Mar 2021\n"
                   "- Filed records daily\n",
                   2, NULL, 0, one, 1, 0);
    ck_assert_ptr_null(job);
    /* nor does another job's header, with dates of its own */
    kpiscan_span two[2] = {{.line = 1, .offset = 13, .length = 11},
                           {.length = 11}};
    job = title_of("Clerk, Acme  2018 - 2019\n2019 - 2020\n"
                   "Served customers at the till.\n",
                   2, NULL, 0, two, 2, 1);
    ck_assert_ptr_null(job);
}
END_TEST

static kpiscan_span range(long start, long end, int kpi_job)
{
    kpiscan_span s = {
        .start = start, .end = end, .counted = 1, .kpi_job = kpi_job};
    return s;
}

START_TEST(test_merge_ranges_and_employment)
{
    kpiscan_span spans[5] = {range(201906, 202006, 0),
                             range(201901, 201912, 0),
                             range(202101, 202103, 1),
                             {.statement = 1, .years = 9, .counted = 1},
                             range(200001, 200501, 1)};
    spans[4].counted = 0; /* education, say: never merged */
    kpiscan_result res = {.spans = spans, .nspans = 5};
    kps_interval *v = NULL;
    ck_assert_int_eq(kps_merge_ranges(&res, 0, &v), 2);
    ck_assert_int_eq(v[0].start, 201901);
    ck_assert_int_eq(v[0].end, 202006);
    ck_assert_int_eq(v[0].months, 17);
    ck_assert_int_eq(v[1].start, 202101);
    ck_assert_int_eq(v[1].months, 2);
    free(v);
    ck_assert_int_eq(kps_merge_ranges(&res, 1, &v), 1);
    ck_assert_int_eq(v[0].start, 202101);
    free(v);

    ck_assert_int_eq(kps_employment(&res), 0);
    ck_assert_uint_eq(res.nmerged, 2);
    ck_assert_double_eq_tol(res.kpi_years, 2 / 12.0, 1e-9);
    free(res.merged);

    kpiscan_result none = {0};
    ck_assert_int_eq(kps_employment(&none), 0);
    ck_assert_uint_eq(none.nmerged, 0);
    ck_assert_ptr_null(none.merged);
    ck_assert_double_eq(none.kpi_years, -1.0);
}
END_TEST

START_TEST(test_mark_kpi_jobs)
{
    char t[] = "Experience\n"
               "Analyst, Acme 2018 - 2020\n"
               "- Built KPI dashboards\n"
               "Clerk, Bmart 2015 - 2018\n"
               "- Filed invoices\n";
    size_t len = strlen(t);
    kps_line_index li = {0};
    ck_assert_int_eq(kps_line_index_build(t, len, &li), 0);
    kps_heading head = {
        .offset = 0, .length = 10, .section = KPS_SECTION_EXPERIENCE};
    kps_sections sec = {.headings = &head, .n = 1};
    kps_map_point mp = {0, 0};
    kps_norm norm = {
        .text = t, .len = len, .map = &mp, .nmap = 1, .src_len = len};
    size_t a = (size_t)(strstr(t, "2018 - 2020") - t);
    size_t b = (size_t)(strstr(t, "2015 - 2018") - t);
    kpiscan_span spans[2] = {{.start = 201801,
                              .end = 202012,
                              .counted = 1,
                              .offset = a,
                              .length = 11,
                              .line = 2,
                              .section = KPS_SECTION_EXPERIENCE},
                             {.start = 201501,
                              .end = 201812,
                              .counted = 1,
                              .offset = b,
                              .length = 11,
                              .line = 4,
                              .section = KPS_SECTION_EXPERIENCE}};
    kpiscan_evidence ev = {.category = KPISCAN_CATEGORY_TERM,
                           .section = KPS_SECTION_EXPERIENCE,
                           .offset = (size_t)(strstr(t, "KPI") - t)};
    kpiscan_result res = {.text = t,
                          .len = len,
                          .spans = spans,
                          .nspans = 2,
                          .ev = &ev,
                          .nev = 1};
    ck_assert_int_eq(kps_mark_kpi_jobs(&res, &norm, &sec, &li), 0);
    ck_assert_int_eq(spans[0].kpi_job, 1);
    ck_assert_int_eq(spans[1].kpi_job, 0);
    ck_assert_str_eq(spans[0].job, "Analyst Acme");
    ck_assert_str_eq(spans[1].job, "Clerk Bmart");
    free(spans[0].job);
    free(spans[1].job);
    free(li.starts);
}
END_TEST

START_TEST(test_line_col)
{
    const char *t = "ab\nc\xc3\xa9"
                    "d\n\nx";
    kps_line_index li = {0};
    ck_assert_int_eq(kps_line_index_build(t, strlen(t), &li), 0);
    ck_assert_uint_eq(li.n, 4);
    size_t line, col;
    kps_line_col(&li, t, 0, &line, &col);
    ck_assert_uint_eq(line, 1);
    ck_assert_uint_eq(col, 1);
    kps_line_col(&li, t, 6, &line, &col); /* 'd' after a two-byte char */
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 3);
    /* with a cursor, in increasing order, the same answers */
    kps_line_cursor cur = {SIZE_MAX, 0, 1};
    li.cur = &cur;
    kps_line_col(&li, t, 4, &line, &col);
    ck_assert_uint_eq(col, 2);
    kps_line_col(&li, t, 6, &line, &col);
    ck_assert_uint_eq(line, 2);
    ck_assert_uint_eq(col, 3);
    kps_line_col(&li, t, 9, &line, &col);
    ck_assert_uint_eq(line, 4);
    ck_assert_uint_eq(col, 1);
    free(li.starts);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("signals");
    TCase *tc = tcase_create("signals");
    tcase_add_test(tc, test_title_position);
    tcase_add_test(tc, test_title_line_with_range);
    tcase_add_test(tc, test_keyword_lists);
    tcase_add_test(tc, test_tool_lists);
    tcase_add_test(tc, test_shows_kpi_work);
    tcase_add_test(tc, test_heads_job);
    tcase_add_test(tc, test_job_title);
    tcase_add_test(tc, test_job_title_below_dates);
    tcase_add_test(tc, test_merge_ranges_and_employment);
    tcase_add_test(tc, test_mark_kpi_jobs);
    tcase_add_test(tc, test_line_col);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
