/* test-html.c - the HTML report writer: escaping in every context, the
 * embedded data, ranking, counts, --no-excerpts.  The browser test
 * (tests/browser/) checks what a browser makes of it. */
#include <jansson.h>

#include "internal.h"
#include "testutil.h"
#include "scanrecord.h"

typedef struct capture {
    kpiscan_html *html;
    int fails;
} capture;

static void add(const kpiscan_record *rec, void *user)
{
    capture *c = user;
    if (kpiscan_html_add(c->html, rec) != KPISCAN_OK)
        c->fails++;
}

static const char SENIOR[] =
    "Head of Performance\nJan 2012 - Present\n"
    "Defined the KPI framework for the company <script>alert(1)</script> "
    "and led a team of 12 analysts.\n"
    "Aligned KPIs with strategic goals\xE2\x80\xA8 across the group.\n";
static const char JUNIOR[] = "Junior Reporting Analyst\nJan 2025 - Present\n"
                             "Built simple dashboards; data collection.\n";

/* A report of three inputs: a senior resume with markup in its text and
 * name, a junior one, and an input that failed. */
static char *report(int excerpts, int sort)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_excerpts(o, excerpts), KPISCAN_OK);
    capture c = {kpiscan_html_new(o), 0};
    ck_assert_ptr_nonnull(c.html);
    if (sort >= 0)
        ck_assert_int_eq(kpiscan_html_set_sort(c.html, sort), KPISCAN_OK);
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 2, 0, add, &c, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_failure(b, "a\"<b>&.txt", KPISCAN_ERR_IO,
                                               "cannot open <x>", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_buffer(b, JUNIOR, strlen(JUNIOR), "cv-10.txt", NULL),
        KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_buffer(b, SENIOR, strlen(SENIOR),
                                 "</script><img src=x onerror=1>.txt", NULL),
        KPISCAN_OK);
    kpiscan_batch_free(b);
    ck_assert_int_eq(c.fails, 0);
    char *doc = kpiscan_html_document(c.html, p);
    ck_assert_ptr_nonnull(doc);
    kpiscan_html_free(c.html);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
    return doc;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* The data block, parsed as a browser's JSON.parse would read it. */
static json_t *data_block(const char *doc)
{
    const char *open = "<script type=\"application/json\" id=\"kpiscan-data\">";
    const char *s = strstr(doc, open);
    ck_assert_ptr_nonnull(s);
    s += strlen(open);
    const char *e = strstr(s, "</script>");
    ck_assert_ptr_nonnull(e);
    json_error_t jerr;
    json_t *v = json_loadb(s, (size_t)(e - s), 0, &jerr);
    ck_assert_msg(v != NULL, "data block: %s", jerr.text);
    return v;
}

/* Documents that resolve "Present" to different dates (a DOCX to its last
 * save) give the span, not one date that reads as the report's own. */
START_TEST(test_as_of_span)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_record a = scan_record(p, "a.txt", JUNIOR);
    kpiscan_record b = scan_record(p, "b.docx", JUNIOR);
    b.result->as_of = 20200414; /* as a DOCX saved then would give */
    kpiscan_html *h = kpiscan_html_new(NULL);
    ck_assert_int_eq(kpiscan_html_add(h, &a), KPISCAN_OK);
    char *doc = kpiscan_html_document(h, p);
    ck_assert_ptr_nonnull(strstr(doc, "<dt>As of</dt><dd>2026-06-01</dd>"));
    kpiscan_free(doc);
    ck_assert_int_eq(kpiscan_html_add(h, &b), KPISCAN_OK);
    doc = kpiscan_html_document(h, p);
    ck_assert_ptr_nonnull(strstr(
        doc, "<dt>As of</dt><dd>2020-04-14 to 2026-06-01 (per document)</dd>"));
    kpiscan_free(doc);
    kpiscan_html_free(h);
    kpiscan_result_free(a.result);
    kpiscan_result_free(b.result);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_escaping)
{
    char *doc = report(1, -1);
    /* our three scripts (data, steps, code), and none from a name or a
     * resume */
    ck_assert_uint_eq(count(doc, "<script"), 3);
    ck_assert_uint_eq(count(doc, "</script>"), 3);
    ck_assert_ptr_null(strstr(doc, "<img"));
    ck_assert_ptr_null(strstr(doc, "<b>"));
    ck_assert_ptr_nonnull(
        strstr(doc, "&lt;/script&gt;&lt;img src=x onerror=1&gt;.txt"));
    ck_assert_ptr_nonnull(strstr(doc, "a&quot;&lt;b&gt;&amp;.txt"));
    ck_assert_ptr_nonnull(strstr(doc, "cannot open &lt;x&gt;"));
    ck_assert_ptr_nonnull(strstr(doc, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    /* U+2028 stays text in HTML, and is \u-escaped in the data */
    json_t *data = data_block(doc);
    ck_assert_uint_eq(json_array_size(data), 3);
    const char *block = strstr(doc, "id=\"kpiscan-data\">");
    ck_assert_ptr_null(strstr(block, "\xE2\x80\xA8"));
    ck_assert_ptr_nonnull(strstr(block, "\\u003c/script\\u003e"));
    /* Content-Security-Policy: the page's own style and script by hash */
    ck_assert_ptr_nonnull(strstr(doc, "default-src 'none'; style-src "
                                      "'sha256-"));
    ck_assert_ptr_nonnull(strstr(doc, "; script-src 'sha256-"));
    ck_assert_ptr_null(strstr(doc, "unsafe-inline"));
    ck_assert_ptr_null(strstr(doc, "http://"));
    ck_assert_ptr_null(strstr(doc, "https://"));
    json_decref(data);
    kpiscan_free(doc);
}
END_TEST

START_TEST(test_ranking_and_summary)
{
    char *doc = report(1, -1);
    json_t *data = data_block(doc);
    /* ranked by level: senior, junior, then the error */
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(data, 0), "level")),
        "senior");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(data, 1), "level")),
        "junior");
    json_t *err = json_array_get(data, 2);
    ck_assert_str_eq(json_string_value(json_object_get(err, "level")), "error");
    ck_assert(json_is_null(json_object_get(err, "rank")));
    /* rows and sections in the same order */
    const char *r0 = strstr(doc, "<tr id=\"r");
    const char *s0 = strstr(doc, "<section class=\"cand\" id=\"c");
    ck_assert_ptr_nonnull(r0);
    ck_assert_ptr_nonnull(s0);
    ck_assert_int_eq(atoi(r0 + 9), atoi(s0 + 27));
    ck_assert_uint_eq(count(doc, "<tr id=\"r"), 3);
    ck_assert_uint_eq(count(doc, "<section class=\"cand\""), 3);
    /* the two read, not the file that could not be */
    ck_assert_ptr_nonnull(strstr(doc, "<dt>Candidates</dt><dd>2</dd>"));
    ck_assert_ptr_nonnull(
        strstr(doc, "<dt>Could not be scanned</dt><dd>1</dd>"));
    ck_assert_ptr_nonnull(strstr(doc, "<dt>As of</dt><dd>2026-06-01</dd>"));
    ck_assert_ptr_nonnull(strstr(doc, "<svg class=\"chart\""));
    ck_assert_ptr_nonnull(strstr(doc, "<mark>"));
    ck_assert_ptr_nonnull(strstr(doc, "Interview questions"));
    /* section factors to three places (keywords in a skills list: 0.125) */
    ck_assert_ptr_nonnull(strstr(doc, " \xC3\x97 1.000 \xC3\x97 "));
    /* the steps block: one member per result, keyed by its section */
    const char *steps = strstr(doc, "id=\"kpiscan-steps\">");
    ck_assert_ptr_nonnull(steps);
    steps += strlen("id=\"kpiscan-steps\">");
    json_error_t jerr;
    json_t *st = json_loadb(steps, (size_t)(strstr(steps, "</script>") - steps),
                            0, &jerr);
    ck_assert_msg(st != NULL, "steps block: %s", jerr.text);
    ck_assert_uint_eq(json_object_size(st), 2);
    const char *one = json_string_value(json_object_get(
        st, json_string_value(json_object_get(json_array_get(data, 0), "id"))));
    ck_assert_ptr_nonnull(one);
    ck_assert_ptr_nonnull(strstr(one, "Decision: "));
    json_decref(st);
    ck_assert_ptr_nonnull(
        strstr(doc, "aria-sort=\"descending\" title=\"KPI competence: none, "
                    "junior, mid or senior, by the readers' rubric\"><button "
                    "type=\"button\">Level"));
    json_decref(data);
    kpiscan_free(doc);

    /* by name: natural order, the error still last */
    doc = report(1, KPISCAN_SORT_NAME);
    data = data_block(doc);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(data, 0), "file")),
        "</script><img src=x onerror=1>.txt");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(data, 1), "file")),
        "cv-10.txt");
    json_decref(data);
    kpiscan_free(doc);
}
END_TEST

/* A level resting on weak evidence (met targets, long years) says so in
 * the ranking and in the detail; one on KPI work does not. */
START_TEST(test_weak_evidence)
{
    static const char WEAK[] = "Store Manager\nJan 2010 - Present\n"
                               "Met the monthly sales targets of the store.\n";
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    capture c = {kpiscan_html_new(o), 0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 1, 0, add, &c, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_buffer(b, WEAK, strlen(WEAK), "weak.txt", NULL),
        KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_buffer(b, SENIOR, strlen(SENIOR), "kpi.txt", NULL),
        KPISCAN_OK);
    kpiscan_batch_free(b);
    char *doc = kpiscan_html_document(c.html, p);
    ck_assert_ptr_nonnull(doc);
    ck_assert_uint_eq(count(doc, "<small class=\"weak\">weak evidence"), 1);
    const char *row = strstr(doc, "weak.txt</a></td><td>");
    ck_assert_ptr_nonnull(row);
    ck_assert_ptr_nonnull(strstr(row, "weak evidence"));
    ck_assert_ptr_nonnull(strstr(doc, "years, weak KPI evidence</p>"));
    ck_assert_ptr_nonnull(strstr(doc, "of KPI work, strong KPI evidence</p>"));
    kpiscan_free(doc);
    kpiscan_html_free(c.html);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_no_excerpts)
{
    char *doc = report(0, -1);
    ck_assert_ptr_null(strstr(doc, "<mark>"));
    ck_assert_ptr_null(strstr(doc, "KPI framework"));
    ck_assert_ptr_null(strstr(doc, "simple dashboards"));
    ck_assert_ptr_null(strstr(doc, "alert(1)"));
    ck_assert_ptr_nonnull(strstr(doc, "<span class=\"pos\">"));
    kpiscan_free(doc);
}
END_TEST

/* The report's numbers keep their '.' whatever locale the host set: the
 * adds run on the batch's workers (the process locale) and the document
 * on the caller's thread, and each formats numbers ("0.99", "3.5 years")
 * that the table sorts as numbers. */
START_TEST(test_host_locale)
{
    char *want = report(1, -1);
    if (!use_comma_locale(__func__)) {
        kpiscan_free(want);
        return;
    }
    char *got = report(1, -1);
    char num[16];
    snprintf(num, sizeof num, "%.1f", 0.5); /* the host's locale is back */
    setlocale(LC_ALL, "C");
    ck_assert_str_eq(num, "0,5");
    size_t i = 0; /* a whole page is too long for check's message */
    while (got[i] && got[i] == want[i])
        i++;
    ck_assert_msg(got[i] == want[i], "differs at byte %zu: \"%.40s\"", i,
                  got + i);
    kpiscan_free(got);
    kpiscan_free(want);
}
END_TEST

/* The page of a PDF's evidence is shown beside its line; a DOCX names its
 * own parts, so one named like a page ("page <b>2</b>") is no page and
 * never reaches the report. */
static char *one_report(kpiscan_pack *p, kpiscan_record *rec)
{
    kpiscan_html *h = kpiscan_html_new(NULL);
    ck_assert_int_eq(kpiscan_html_add(h, rec), KPISCAN_OK);
    char *doc = kpiscan_html_document(h, p);
    ck_assert_ptr_nonnull(doc);
    kpiscan_html_free(h);
    return doc;
}

START_TEST(test_pdf_pages_by_format)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_record rec = scan_record(p, "cv.txt", JUNIOR);
    ck_assert_int_eq(rec.status, KPISCAN_OK);
    ck_assert_uint_gt(rec.result->nev, 0);
    kpiscan_evidence *ev = &rec.result->ev[0];
    ev->part = "page <b>2</b>"; /* not the result's to free */
    ev->paragraph = 7;
    rec.result->format = "docx";
    char *doc = one_report(p, &rec);
    ck_assert_ptr_null(strstr(doc, "(page"));
    ck_assert_ptr_null(strstr(doc, "<b>2</b>"));
    kpiscan_free(doc);
    rec.result->format = "pdf";
    ev->part = "page 2";
    doc = one_report(p, &rec);
    ck_assert_ptr_nonnull(strstr(doc, "(page 2, line 7)"));
    kpiscan_free(doc);
    ev->part = NULL;
    kpiscan_result_free(rec.result);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_arguments)
{
    kpiscan_html_free(NULL);
    ck_assert_ptr_null(kpiscan_html_document(NULL, NULL));
    ck_assert_int_eq(kpiscan_html_add(NULL, NULL), KPISCAN_ERR_ARGUMENT);
    kpiscan_html *h = kpiscan_html_new(NULL);
    ck_assert_int_eq(kpiscan_html_set_sort(h, 7), KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_html_add(h, NULL), KPISCAN_ERR_ARGUMENT);
    /* an empty batch is still a whole page */
    char *doc = kpiscan_html_document(h, NULL);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(strstr(doc, "</html>\n"));
    ck_assert_ptr_nonnull(strstr(doc, "<dt>Candidates</dt><dd>0</dd>"));
    kpiscan_free(doc);
    kpiscan_html_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("html");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_ranking_and_summary);
    tcase_add_test(tc, test_as_of_span);
    tcase_add_test(tc, test_weak_evidence);
    tcase_add_test(tc, test_no_excerpts);
    tcase_add_test(tc, test_arguments);
    tcase_add_test(tc, test_host_locale);
    tcase_add_test(tc, test_pdf_pages_by_format);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
