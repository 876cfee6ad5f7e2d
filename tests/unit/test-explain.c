/* test-explain.c - the arithmetic behind an estimate, in words: evidence
 * with its factors, years, the rule, excerpts left out on request. */
#include "internal.h"
#include "testutil.h"

static kpiscan_pack *pack;

static void setup(void)
{
    ck_assert_int_eq(kpiscan_pack_load_default(&pack, NULL), KPISCAN_OK);
}

static void teardown(void)
{
    kpiscan_pack_free(pack);
}

static kpiscan_result *scan(const char *text)
{
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_as_of(o, 2026, 6, 1);
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(pack, o, text, strlen(text), "cv.txt", &r, NULL),
        KPISCAN_OK);
    kpiscan_options_free(o);
    return r;
}

/* The explanation and the scan's reason keep their '.' whatever locale
 * the host program set ("years say senior (14,4 y)" under de_DE). */
START_TEST(test_host_locale)
{
    static const char *CV = "Experience\nDirector of Operations, Jan 2012 - "
                            "Present\nAligned KPIs with corporate strategy.\n";
    kpiscan_result *r = scan(CV);
    char *want = kpiscan_result_explain(r, NULL);
    char *want_reason = kps_strdup(kpiscan_result_reason(r));
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(strstr(want_reason, " y)"));
    kpiscan_result_free(r);
    if (!use_comma_locale(__func__)) {
        kpiscan_free(want);
        free(want_reason);
        return;
    }
    r = scan(CV);
    char *got = kpiscan_result_explain(r, NULL);
    setlocale(LC_ALL, "C");
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(kpiscan_result_reason(r), want_reason);
    ck_assert_str_eq(got, want);
    kpiscan_free(got);
    kpiscan_free(want);
    free(want_reason);
    kpiscan_result_free(r);
}
END_TEST

START_TEST(test_full_and_short)
{
    kpiscan_result *r =
        scan("Experience\nDirector of Operations, Jan 2012 - Present\n"
             "Aligned KPIs with corporate strategy; led change management.\n");
    char *full = kpiscan_result_explain(r, NULL);
    ck_assert_ptr_nonnull(full);
    ck_assert_ptr_nonnull(strstr(full, "senior"));
    ck_assert_ptr_nonnull(strstr(full, "2012"));
    ck_assert_ptr_nonnull(strstr(full, "Aligned KPIs"));
    /* the short form (the HTML report's) leaves the evidence list out */
    char *brief = kps_result_explain(r, NULL, 0);
    ck_assert_ptr_nonnull(brief);
    ck_assert_uint_lt(strlen(brief), strlen(full));
    /* without excerpts the resume's words stay out */
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_excerpts(o, 0);
    char *bare = kpiscan_result_explain(r, o);
    ck_assert_ptr_null(strstr(bare, "Aligned KPIs"));
    kpiscan_options_free(o);
    kpiscan_free(full);
    kpiscan_free(brief);
    kpiscan_free(bare);
    kpiscan_result_free(r);
}
END_TEST

START_TEST(test_no_evidence)
{
    kpiscan_result *r = scan("Hobbies\nHiking and chess.\n");
    char *t = kpiscan_result_explain(r, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(strstr(t, "none"));
    kpiscan_free(t);
    kpiscan_result_free(r);
}
END_TEST

/* Presence says what made it strong: numbers alone leave every job "no
 * KPI work in it", and the presence line must not claim KPI work in one. */
START_TEST(test_presence_from_numbers)
{
    kpiscan_result *r =
        scan("Experience\nSales Clerk, Acme Stores  Jan 2015 - Jan 2020\n"
             "Grew store sales by 20% and cut waste by 15%.\n"
             "Raised $5,000 for the local food bank.\n");
    ck_assert_int_eq(kpiscan_result_presence(r), KPISCAN_PRESENCE_STRONG);
    char *t = kpiscan_result_explain(r, NULL);
    ck_assert_ptr_nonnull(strstr(t, "KPI presence: strong (quantified results, "
                                    "though no job shows"));
    ck_assert_ptr_nonnull(strstr(t, "no KPI work in it"));
    ck_assert_ptr_null(strstr(t, "KPI work shown in a job"));
    kpiscan_free(t);
    kpiscan_result_free(r);

    r = scan("Experience\nAnalyst, Acme  Jan 2015 - Jan 2020\n"
             "Built the team's KPI dashboards; cut costs by 12%.\n");
    t = kpiscan_result_explain(r, NULL);
    ck_assert_ptr_nonnull(strstr(t, "KPI presence: strong (KPI work shown in "
                                    "a job)"));
    kpiscan_free(t);
    kpiscan_result_free(r);
}
END_TEST

/* Jobs' lengths in brackets, no dates: each shows as one job's length,
 * and the years line says they were added up. */
START_TEST(test_job_lengths)
{
    kpiscan_result *r = scan("Experience\nJunior Developer (9 months)\n"
                             "Web Developer (1 year)\n");
    char *t = kpiscan_result_explain(r, NULL);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(
        strstr(t, "statement    0.8 y  counted (one job's length)"));
    ck_assert_ptr_nonnull(
        strstr(t, "statement    1.0 y  counted (one job's length)"));
    ck_assert_ptr_nonnull(strstr(t, "used 1.75 y (from the jobs' "
                                    "stated lengths, added up"));
    kpiscan_free(t);
    kpiscan_result_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("explain");
    TCase *tc = tcase_create("explain");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_full_and_short);
    tcase_add_test(tc, test_no_evidence);
    tcase_add_test(tc, test_presence_from_numbers);
    tcase_add_test(tc, test_job_lengths);
    tcase_add_test(tc, test_host_locale);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
