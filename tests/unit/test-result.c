/* test-result.c - result accessors and JSON output. */
#include <jansson.h>

#include "internal.h"
#include "testutil.h"

static kpiscan_result *scan(const char *text, kpiscan_options *o)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, o, text, strlen(text), "cv \"1\".txt", &r, NULL),
        KPISCAN_OK);
    kpiscan_pack_free(p);
    return r;
}

static const char *CV =
    "Summary\n7+ years of experience in operations.\n"
    "Experience\nSenior Operations Manager, Jan 2016 - Present\n"
    "Aligned KPIs with corporate strategy and presented to the executive "
    "team.\n";

START_TEST(test_json_fields)
{
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_as_of(o, 2026, 6, 1);
    kpiscan_result *r = scan(CV, o);
    char *s = kpiscan_result_to_json(r, o, 0);
    ck_assert_ptr_nonnull(s);
    ck_assert_ptr_null(strchr(s, '\n')); /* compact: one line */
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    ck_assert_msg(j != NULL, "invalid JSON: %s", jerr.text);
    ck_assert_int_eq(json_integer_value(json_object_get(j, "schema")),
                     KPISCAN_JSON_SCHEMA_VERSION);
    ck_assert_str_eq(json_string_value(json_object_get(j, "file")),
                     "cv \"1\".txt");
    ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "ok");
    ck_assert_str_eq(json_string_value(json_object_get(j, "as_of")),
                     "2026-06-01");
    ck_assert_str_eq(json_string_value(json_object_get(j, "level")),
                     kpiscan_level_name(kpiscan_result_level(r)));
    ck_assert(json_is_number(json_object_get(j, "years")));
    json_t *pack = json_object_get(j, "pack");
    ck_assert_str_eq(json_string_value(json_object_get(pack, "name")), "kpi");
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(pack, "hash"))),
                      64);
    json_t *ev = json_object_get(j, "evidence");
    ck_assert_uint_eq(json_array_size(ev), kpiscan_result_evidence_count(r));
    json_t *first = json_array_get(ev, 0);
    ck_assert_ptr_nonnull(json_object_get(first, "text"));
    ck_assert_ptr_nonnull(json_object_get(first, "rule"));
    ck_assert_ptr_nonnull(json_object_get(first, "contribution"));
    ck_assert(json_array_size(json_object_get(j, "timeline")) >= 2);
    ck_assert(json_array_size(json_object_get(j, "questions")) >= 2);
    /* The rubric's steps: the accessors say what the JSON's basis says. */
    json_t *basis = json_object_get(j, "basis");
    ck_assert_int_eq(kpiscan_result_presence(r), KPISCAN_PRESENCE_STRONG);
    ck_assert_str_eq(json_string_value(json_object_get(basis, "presence")),
                     kpiscan_presence_name(kpiscan_result_presence(r)));
    ck_assert_int_eq(kpiscan_result_indicator_level(r), KPISCAN_LEVEL_SENIOR);
    ck_assert_str_eq(
        json_string_value(json_object_get(basis, "indicator_level")),
        kpiscan_level_name(kpiscan_result_indicator_level(r)));
    ck_assert_int_eq(
        json_integer_value(json_object_get(basis, "indicator_phrases")),
        (json_int_t)kpiscan_result_indicator_phrases(r));
    ck_assert_uint_ge(kpiscan_result_indicator_phrases(r), 1);
    ck_assert_int_eq(kpiscan_result_years_level(r), KPISCAN_LEVEL_SENIOR);
    ck_assert_str_eq(json_string_value(json_object_get(basis, "years_level")),
                     "senior");
    json_decref(j);
    kpiscan_free(s);

    /* Pretty output parses to the same document. */
    s = kpiscan_result_to_json(r, o, KPISCAN_JSON_PRETTY);
    ck_assert_ptr_nonnull(strchr(s, '\n'));
    j = json_loads(s, 0, &jerr);
    ck_assert_ptr_nonnull(j);
    json_decref(j);
    kpiscan_free(s);

    /* Without excerpts no resume text appears anywhere. */
    kpiscan_options_set_excerpts(o, 0);
    s = kpiscan_result_to_json(r, o, 0);
    ck_assert_ptr_null(strstr(s, "corporate"));
    ck_assert_ptr_null(strstr(s, "\"text\":"));
    kpiscan_free(s);
    kpiscan_free(NULL);
    ck_assert_ptr_null(kpiscan_result_to_json(NULL, NULL, 0));
    kpiscan_result_free(r);
    kpiscan_options_free(o);
}
END_TEST

START_TEST(test_error_json)
{
    kpiscan_error *err = kpiscan_error_new();
    kps_fail(err, KPISCAN_ERR_NOT_TEXT, "a.bin", "not a text document");
    char *s = kpiscan_error_to_json("a.bin", err, 0);
    json_t *j = json_loads(s, 0, NULL);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "error");
    ck_assert(json_is_null(json_object_get(j, "level")));
    ck_assert(json_is_null(json_object_get(j, "years")));
    json_t *e = json_object_get(j, "error");
    ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "not_text");
    ck_assert_str_eq(json_string_value(json_object_get(e, "message")),
                     "a.bin: not a text document");
    json_decref(j);
    kpiscan_free(s);
    /* no failure, no error record */
    kpiscan_error_clear(err);
    ck_assert_ptr_null(kpiscan_error_to_json("a.bin", err, 0));
    ck_assert_ptr_null(kpiscan_error_to_json("a.bin", NULL, 0));
    kpiscan_error_free(err);
}
END_TEST

/* The red-flag accessors give what JSON's "red_flags" array gives, in
 * the same order: scorer flags first, then the red-flag phrase matches. */
START_TEST(test_flag_accessors_match_json)
{
    static const char *text = "Experience\n"
                              "Familiar with KPIs and dashboards.\n"
                              "Responsible for KPIs.\n"
                              "KPI KPI KPI KPI KPI KPI KPI KPI KPI KPI KPI KPI "
                              "KPI KPI\n";
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_as_of(o, 2026, 6, 1);
    kpiscan_result *r = scan(text, o);
    char *s = kpiscan_result_to_json(r, o, 0);
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    ck_assert_ptr_nonnull(j);
    json_t *flags = json_object_get(j, "red_flags");
    size_t n = kpiscan_result_flag_count(r);
    ck_assert_uint_eq(n, json_array_size(flags));
    int phrases = 0, scorer = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(flags, i);
        ck_assert_str_eq(kpiscan_result_flag_id(r, i),
                         json_string_value(json_object_get(f, "id")));
        ck_assert_str_eq(kpiscan_result_flag_message(r, i),
                         json_string_value(json_object_get(f, "message")));
        json_t *line = json_object_get(f, "line");
        ck_assert_uint_eq(kpiscan_result_flag_line(r, i),
                          line ? (size_t)json_integer_value(line) : 0);
        json_t *count = json_object_get(f, "count");
        ck_assert_uint_eq(kpiscan_result_flag_items(r, i),
                          count ? (size_t)json_integer_value(count) : 0);
        if (strncmp(kpiscan_result_flag_id(r, i), "redflag.", 8) == 0)
            phrases++;
        else
            scorer++;
    }
    json_t *qs = json_object_get(j, "questions");
    ck_assert_uint_gt(json_array_size(qs), 0);
    ck_assert_uint_eq(kpiscan_result_question_count(r), json_array_size(qs));
    for (size_t i = 0; i < json_array_size(qs); i++) {
        json_t *q = json_array_get(qs, i);
        ck_assert_str_eq(kpiscan_result_question(r, i),
                         json_string_value(json_object_get(q, "question")));
        ck_assert_str_eq(
            kpiscan_level_name(kpiscan_result_question_level(r, i)),
            json_string_value(json_object_get(q, "level")));
        json_t *a = json_object_get(q, "expected_answer");
        if (a)
            ck_assert_str_eq(kpiscan_result_question_answer(r, i),
                             json_string_value(a));
        else
            ck_assert_ptr_null(kpiscan_result_question_answer(r, i));
    }
    ck_assert_ptr_null(kpiscan_result_question(r, 99));
    ck_assert_int_eq(kpiscan_result_question_level(r, 99), -1);
    ck_assert_int_ge(phrases, 2); /* both phrases */
    ck_assert_int_ge(scorer, 1);  /* the repeated term: stuffing */
    ck_assert_ptr_null(kpiscan_result_flag_id(r, n));
    ck_assert_ptr_null(kpiscan_result_flag_message(r, n));
    ck_assert_uint_eq(kpiscan_result_flag_line(r, n), 0);
    ck_assert_uint_eq(kpiscan_result_flag_items(r, n), 0);
    ck_assert_uint_eq(kpiscan_result_flag_count(NULL), 0);
    ck_assert_ptr_null(kpiscan_result_flag_id(NULL, 0));
    json_decref(j);
    free(s);
    kpiscan_result_free(r);
    kpiscan_options_free(o);
}
END_TEST

/* The header promises a result outlives its pack, options, error and
 * input: free them all (the input overwritten first), and the result
 * still gives the same JSON (ASan runs catch any borrowed pointer). */
START_TEST(test_result_outlives_its_scan_objects)
{
    kpiscan_pack *p = NULL;
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(kpiscan_pack_load_default(&p, err), KPISCAN_OK);
    kpiscan_options_set_as_of(o, 2026, 6, 1);
    kpiscan_options_set_gaps(o, 1);
    size_t len = strlen(CV);
    char *input = malloc(len);
    ck_assert_ptr_nonnull(input);
    memcpy(input, CV, len);
    kpiscan_result *r = NULL;
    ck_assert_int_eq(kpiscan_scan_buffer(p, o, input, len, "cv.txt", &r, err),
                     KPISCAN_OK);
    char *before = kpiscan_result_to_json(r, NULL, 0);
    ck_assert_ptr_nonnull(before);
    ck_assert_uint_gt(kpiscan_result_question_count(r), 0);
    ck_assert_uint_gt(kpiscan_result_evidence_count(r), 0);
    memset(input, 'x', len);
    free(input);
    kpiscan_pack_free(p);
    kpiscan_options_free(o);
    kpiscan_error_free(err);
    char *after = kpiscan_result_to_json(r, NULL, 0);
    ck_assert_ptr_nonnull(after);
    ck_assert_str_eq(after, before);
    ck_assert_ptr_nonnull(strstr(after, "\"gaps\""));
    ck_assert_str_eq(kpiscan_result_name(r), "cv.txt");
    ck_assert_ptr_nonnull(kpiscan_result_question(r, 0));
    ck_assert_ptr_nonnull(
        kpiscan_evidence_rule_id(kpiscan_result_evidence(r, 0)));
    kpiscan_free(before);
    kpiscan_free(after);
    kpiscan_result_free(r);
}
END_TEST

START_TEST(test_accessors_null_safe)
{
    /* a NULL result has no level, not the level "none" */
    ck_assert_int_eq(kpiscan_result_level(NULL), -1);
    ck_assert_ptr_null(kpiscan_level_name(kpiscan_result_level(NULL)));
    ck_assert_uint_eq(kpiscan_result_evidence_count(NULL), 0);
    ck_assert_ptr_null(kpiscan_result_evidence(NULL, 0));
    ck_assert_ptr_null(kpiscan_evidence_rule_id(NULL));
    ck_assert_ptr_null(kpiscan_level_name(7));
    ck_assert_int_eq(kpiscan_level_from_name("SENIOR"), KPISCAN_LEVEL_SENIOR);
    ck_assert_int_eq(kpiscan_level_from_name("lead"), -1);
    ck_assert_str_eq(kpiscan_category_name(KPISCAN_CATEGORY_RED_FLAG),
                     "red-flag");
    kpiscan_result *r = scan(CV, NULL);
    ck_assert_ptr_null(kpiscan_result_evidence(r, 100000));
    ck_assert_double_eq(kpiscan_result_score(r, 0), 0.0);
    ck_assert_double_eq(kpiscan_result_score(r, 9), 0.0);
    ck_assert_double_ge(kpiscan_result_stated_years(r), 7.0);
    kpiscan_result_free(r);
    ck_assert_double_lt(kpiscan_result_kpi_years(NULL), 0.0);
    ck_assert_int_eq(kpiscan_result_presence(NULL), -1);
    ck_assert_int_eq(kpiscan_result_indicator_level(NULL), -1);
    ck_assert_uint_eq(kpiscan_result_indicator_phrases(NULL), 0);
    ck_assert_int_eq(kpiscan_result_years_level(NULL), -1);
    ck_assert_str_eq(kpiscan_presence_name(KPISCAN_PRESENCE_WEAK), "weak");
    ck_assert_ptr_null(kpiscan_presence_name(3));
    /* nothing of the kind: no presence, no indicator level, no years */
    r = scan("Chef de partie, fresh pasta and sauces.\n", NULL);
    ck_assert_int_eq(kpiscan_result_presence(r), KPISCAN_PRESENCE_NONE);
    ck_assert_int_eq(kpiscan_result_indicator_level(r), -1);
    ck_assert_int_eq(kpiscan_result_years_level(r), -1);
    kpiscan_result_free(r);
}
END_TEST

/* A career with what the accessors below read: a statement, three dated
 * jobs (the first two touch in March 2017, so they stay two stretches
 * with no gap between them; five months without work follow the second)
 * with KPI work in the last, open-ended one only, and a degree that does
 * not count.  Scanned as of 1 June 2026. */
static const char *CAREER =
    "Jane Doe\n"
    "Summary\n"
    "8+ years of experience in retail and operations.\n"
    "Experience\n"
    "Store Assistant, Shop Ltd, Jan 2016 - Mar 2017\n"
    "Served customers at the till and kept the shelves stocked.\n"
    "Sales Associate, Shop Ltd, Mar 2017 - Dec 2019\n"
    "Helped customers choose products.\n"
    "Operations Analyst, Acme Corp, Jun 2020 - Present\n"
    "Built weekly KPI dashboards and tracked conversion rate against "
    "targets, cutting churn by 12%.\n"
    "Education\n"
    "BSc Economics, 2012 - 2015\n";

/* CAREER scanned with the as-of date set (and gaps reported when gaps);
 * the pack's identity is copied into name, version and hash before the
 * pack is freed, so the result must hold its own copies. */
static kpiscan_result *scan_career(int gaps, char name[64], char version[64],
                                   char hash[65])
{
    kpiscan_pack *p = NULL;
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_gaps(o, gaps), KPISCAN_OK);
    kpiscan_result *r = NULL;
    ck_assert_int_eq(kpiscan_scan_buffer(p, o, CAREER, strlen(CAREER),
                                         "career.txt", &r, NULL),
                     KPISCAN_OK);
    if (name) {
        snprintf(name, 64, "%s", kpiscan_pack_name(p));
        snprintf(version, 64, "%s", kpiscan_pack_version(p));
        snprintf(hash, 65, "%s", kpiscan_pack_hash(p));
    }
    kpiscan_pack_free(p);
    kpiscan_options_free(o);
    return r;
}

static json_t *to_json(const kpiscan_result *r)
{
    char *s = kpiscan_result_to_json(r, NULL, 0);
    ck_assert_ptr_nonnull(s);
    json_error_t jerr;
    json_t *j = json_loads(s, 0, &jerr);
    ck_assert_msg(j != NULL, "invalid JSON: %s", jerr.text);
    kpiscan_free(s);
    return j;
}

/* "YYYY-MM" of the JSON as YYYYMM. */
static long json_ym(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    ck_assert_ptr_nonnull(s);
    int y = 0, m = 0;
    ck_assert_int_eq(sscanf(s, "%4d-%2d", &y, &m), 2);
    return y * 100L + m;
}

/* The basis of the result and the pack that made it: known values, and
 * the same strings as the JSON's as_of_source, basis.years_rule, pack. */
START_TEST(test_basis_and_pack_accessors)
{
    char name[64], version[64], hash[65];
    kpiscan_result *r = scan_career(0, name, version, hash);
    ck_assert_str_eq(kpiscan_result_as_of_source(r), "option");
    ck_assert_str_eq(kpiscan_result_years_rule(r),
                     "from all dated jobs, merged");
    ck_assert_str_eq(kpiscan_result_pack_name(r), "kpi");
    ck_assert_str_eq(kpiscan_result_pack_name(r), name);
    ck_assert_str_eq(kpiscan_result_pack_version(r), version);
    ck_assert_str_eq(kpiscan_result_pack_hash(r), hash);
    ck_assert_uint_eq(strlen(kpiscan_result_pack_hash(r)), 64);

    json_t *j = to_json(r);
    ck_assert_str_eq(kpiscan_result_as_of_source(r),
                     json_string_value(json_object_get(j, "as_of_source")));
    json_t *basis = json_object_get(j, "basis");
    ck_assert_str_eq(kpiscan_result_years_rule(r),
                     json_string_value(json_object_get(basis, "years_rule")));
    json_t *pack = json_object_get(j, "pack");
    ck_assert_str_eq(kpiscan_result_pack_name(r),
                     json_string_value(json_object_get(pack, "name")));
    ck_assert_str_eq(kpiscan_result_pack_version(r),
                     json_string_value(json_object_get(pack, "version")));
    ck_assert_str_eq(kpiscan_result_pack_hash(r),
                     json_string_value(json_object_get(pack, "hash")));
    json_decref(j);
    kpiscan_result_free(r);

    /* No as-of option: today; a statement alone: the statement's rule;
     * neither dates nor a statement: none. */
    r = scan("Summary\n7+ years of experience in operations.\n"
             "Tracked weekly KPIs for the team.\n",
             NULL);
    ck_assert_str_eq(kpiscan_result_as_of_source(r), "today");
    ck_assert_str_eq(kpiscan_result_years_rule(r),
                     "from the statement (no dated jobs)");
    j = to_json(r);
    ck_assert_str_eq(kpiscan_result_as_of_source(r),
                     json_string_value(json_object_get(j, "as_of_source")));
    ck_assert_str_eq(kpiscan_result_years_rule(r),
                     json_string_value(json_object_get(
                         json_object_get(j, "basis"), "years_rule")));
    json_decref(j);
    kpiscan_result_free(r);
    /* no dates, each job's length in brackets: the lengths added up */
    r = scan("Experience\nData Analyst (1 year 6 months)\nAcme\n"
             "Tracked weekly KPIs for the team.\n"
             "Sales Assistant (9 months)\nBeta\n",
             NULL);
    ck_assert_str_eq(kpiscan_result_years_rule(r),
                     "from the jobs' stated lengths, added up (no dated jobs)");
    ck_assert_double_eq_tol(kpiscan_result_years(r), 2.25, 1e-9);
    ck_assert_double_eq_tol(kpiscan_result_stated_years(r), 2.25, 1e-9);
    kpiscan_result_free(r);
    r = scan("Tracked weekly KPIs for the team.\n", NULL);
    ck_assert_str_eq(kpiscan_result_years_rule(r), "no years found");
    kpiscan_result_free(r);
}
END_TEST

/* Stretches and gaps: the known months, the JSON's "employment" and
 * "gaps" entry for entry, and index i of a gap counting gaps, not
 * stretches (the first two stretches touch: no gap between them). */
START_TEST(test_employment_and_gaps)
{
    kpiscan_result *r = scan_career(1, NULL, NULL, NULL);
    long start = -7, end = -7;
    ck_assert_uint_eq(kpiscan_result_employment_count(r), 3);
    ck_assert_int_eq(kpiscan_result_employment(r, 0, &start, &end), 14);
    ck_assert_int_eq(start, 201601);
    ck_assert_int_eq(end, 201703);
    ck_assert_int_eq(kpiscan_result_employment(r, 1, &start, &end), 33);
    ck_assert_int_eq(start, 201703);
    ck_assert_int_eq(end, 201912);
    ck_assert_int_eq(kpiscan_result_employment(r, 2, &start, &end), 72);
    ck_assert_int_eq(start, 202006);
    ck_assert_int_eq(end, 202606);
    ck_assert_uint_eq(kpiscan_result_gap_count(r), 1);
    start = end = -7;
    ck_assert_int_eq(kpiscan_result_gap(r, 0, &start, &end), 5);
    ck_assert_int_eq(start, 202001);
    ck_assert_int_eq(end, 202005);
    /* either out pointer may be NULL */
    start = end = -7;
    ck_assert_int_eq(kpiscan_result_gap(r, 0, NULL, &end), 5);
    ck_assert_int_eq(end, 202005);
    ck_assert_int_eq(kpiscan_result_employment(r, 2, &start, NULL), 72);
    ck_assert_int_eq(start, 202006);
    ck_assert_int_eq(kpiscan_result_employment(r, 0, NULL, NULL), 14);
    /* out of range: -1 and 0 in both */
    start = end = -7;
    ck_assert_int_eq(kpiscan_result_employment(r, 3, &start, &end), -1);
    ck_assert_int_eq(start, 0);
    ck_assert_int_eq(end, 0);
    start = end = -7;
    ck_assert_int_eq(kpiscan_result_gap(r, 1, &start, &end), -1);
    ck_assert_int_eq(start, 0);
    ck_assert_int_eq(end, 0);
    ck_assert_int_eq(kpiscan_result_gap(r, (size_t)-1, NULL, NULL), -1);

    json_t *j = to_json(r);
    json_t *emp = json_object_get(j, "employment");
    ck_assert_uint_eq(json_array_size(emp), kpiscan_result_employment_count(r));
    for (size_t i = 0; i < json_array_size(emp); i++) {
        json_t *e = json_array_get(emp, i);
        ck_assert_int_eq(kpiscan_result_employment(r, i, &start, &end),
                         json_integer_value(json_object_get(e, "months")));
        ck_assert_int_eq(start, json_ym(e, "start"));
        ck_assert_int_eq(end, json_ym(e, "end"));
    }
    json_t *gaps = json_object_get(j, "gaps");
    ck_assert_uint_eq(json_array_size(gaps), kpiscan_result_gap_count(r));
    for (size_t i = 0; i < json_array_size(gaps); i++) {
        json_t *g = json_array_get(gaps, i);
        ck_assert_int_eq(kpiscan_result_gap(r, i, &start, &end),
                         json_integer_value(json_object_get(g, "months")));
        ck_assert_int_eq(start, json_ym(g, "start"));
        ck_assert_int_eq(end, json_ym(g, "end"));
    }
    json_decref(j);
    kpiscan_result_free(r);

    /* Without kpiscan_options_set_gaps the JSON leaves the gaps out, but
     * they are still facts of the result. */
    r = scan_career(0, NULL, NULL, NULL);
    j = to_json(r);
    ck_assert_ptr_null(json_object_get(j, "gaps"));
    ck_assert_uint_eq(json_array_size(json_object_get(j, "employment")), 3);
    json_decref(j);
    ck_assert_uint_eq(kpiscan_result_gap_count(r), 1);
    ck_assert_int_eq(kpiscan_result_gap(r, 0, &start, &end), 5);
    ck_assert_int_eq(start, 202001);
    ck_assert_int_eq(end, 202005);
    kpiscan_result_free(r);

    /* no dated job: no stretches, no gaps */
    r = scan("Tracked weekly KPIs for the team.\n", NULL);
    ck_assert_uint_eq(kpiscan_result_employment_count(r), 0);
    ck_assert_uint_eq(kpiscan_result_gap_count(r), 0);
    ck_assert_int_eq(kpiscan_result_employment(r, 0, &start, &end), -1);
    ck_assert_int_eq(kpiscan_result_gap(r, 0, &start, &end), -1);
    kpiscan_result_free(r);
}
END_TEST

/* The spans' open_ended, kpi_job, job and section: known values, and
 * the JSON "timeline" item by item. */
START_TEST(test_span_accessors)
{
    kpiscan_result *r = scan_career(0, NULL, NULL, NULL);
    static const struct {
        int statement, open_ended, kpi_job;
        const char *job, *section;
    } want[] = {
        {1, 0, 0, NULL, "summary"},
        {0, 0, 0, "Store Assistant Shop Ltd", "experience"},
        {0, 0, 0, "Sales Associate Shop Ltd", "experience"},
        {0, 1, 1, "Operations Analyst Acme Corp", "experience"},
        {0, 0, 0, "BSc Economics", "education"},
    };
    size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(kpiscan_result_span_count(r), n);
    for (size_t i = 0; i < n; i++) {
        const kpiscan_span *sp = kpiscan_result_span(r, i);
        ck_assert_int_eq(kpiscan_span_is_statement(sp), want[i].statement);
        ck_assert_int_eq(kpiscan_span_open_ended(sp), want[i].open_ended);
        ck_assert_int_eq(kpiscan_span_kpi_job(sp), want[i].kpi_job);
        if (want[i].job)
            ck_assert_str_eq(kpiscan_span_job(sp), want[i].job);
        else
            ck_assert_ptr_null(kpiscan_span_job(sp));
        ck_assert_str_eq(kpiscan_span_section(sp), want[i].section);
    }
    ck_assert_int_eq(kpiscan_span_counted(kpiscan_result_span(r, 4)), 0);

    json_t *j = to_json(r);
    json_t *tl = json_object_get(j, "timeline");
    ck_assert_uint_eq(json_array_size(tl), kpiscan_result_span_count(r));
    for (size_t i = 0; i < json_array_size(tl); i++) {
        json_t *t = json_array_get(tl, i);
        const kpiscan_span *sp = kpiscan_result_span(r, i);
        json_t *v = json_object_get(t, "open_ended");
        ck_assert_int_eq(kpiscan_span_open_ended(sp), v && json_is_true(v));
        v = json_object_get(t, "kpi_job");
        ck_assert_int_eq(kpiscan_span_kpi_job(sp), v && json_is_true(v));
        v = json_object_get(t, "job");
        if (v)
            ck_assert_str_eq(kpiscan_span_job(sp), json_string_value(v));
        else
            ck_assert_ptr_null(kpiscan_span_job(sp));
        v = json_object_get(t, "section");
        ck_assert_str_eq(kpiscan_span_section(sp),
                         json_is_null(v) ? "" : json_string_value(v));
    }
    json_decref(j);
    kpiscan_result_free(r);

    /* No heading at all: no section, "" where the JSON has null. */
    r = scan("Analyst, Acme, Jan 2020 - Dec 2021\nTracked KPIs.\n", NULL);
    ck_assert_uint_ge(kpiscan_result_span_count(r), 1);
    const kpiscan_span *sp = kpiscan_result_span(r, 0);
    ck_assert_str_eq(kpiscan_span_section(sp), "");
    j = to_json(r);
    ck_assert(json_is_null(json_object_get(
        json_array_get(json_object_get(j, "timeline"), 0), "section")));
    json_decref(j);
    kpiscan_result_free(r);
}
END_TEST

/* A NULL result gives NULL for the strings of its basis and pack. */
START_TEST(test_basis_and_pack_null_safe)
{
    ck_assert_ptr_null(kpiscan_result_as_of_source(NULL));
    ck_assert_ptr_null(kpiscan_result_years_rule(NULL));
    ck_assert_ptr_null(kpiscan_result_pack_name(NULL));
    ck_assert_ptr_null(kpiscan_result_pack_version(NULL));
    ck_assert_ptr_null(kpiscan_result_pack_hash(NULL));
}
END_TEST

/* A NULL result has no stretches and no gaps: 0, and -1 with 0 in the
 * out parameters. */
START_TEST(test_employment_and_gaps_null_safe)
{
    long start = -7, end = -7;
    ck_assert_uint_eq(kpiscan_result_employment_count(NULL), 0);
    ck_assert_int_eq(kpiscan_result_employment(NULL, 0, &start, &end), -1);
    ck_assert_int_eq(start, 0);
    ck_assert_int_eq(end, 0);
    start = end = -7;
    ck_assert_uint_eq(kpiscan_result_gap_count(NULL), 0);
    ck_assert_int_eq(kpiscan_result_gap(NULL, 0, &start, &end), -1);
    ck_assert_int_eq(start, 0);
    ck_assert_int_eq(end, 0);
    ck_assert_int_eq(kpiscan_result_employment(NULL, 0, NULL, NULL), -1);
    ck_assert_int_eq(kpiscan_result_gap(NULL, 0, NULL, NULL), -1);
}
END_TEST

/* A NULL span (as kpiscan_result_span() gives past the end) gives 0 and
 * NULL. */
START_TEST(test_span_accessors_null_safe)
{
    ck_assert_int_eq(kpiscan_span_open_ended(NULL), 0);
    ck_assert_int_eq(kpiscan_span_kpi_job(NULL), 0);
    ck_assert_ptr_null(kpiscan_span_job(NULL));
    ck_assert_ptr_null(kpiscan_span_section(NULL));
    kpiscan_result *r = scan_career(0, NULL, NULL, NULL);
    const kpiscan_span *sp =
        kpiscan_result_span(r, kpiscan_result_span_count(r));
    ck_assert_ptr_null(sp);
    ck_assert_ptr_null(kpiscan_span_job(sp));
    ck_assert_ptr_null(kpiscan_span_section(sp));
    kpiscan_result_free(r);
}
END_TEST

/* A label right before the dates ("from", "Period:", "Dates of
 * employment :") names them, not the job: left alone with them on their
 * line, the job is the line above, as for bare dates; after a title, it
 * is left out.  The same words elsewhere are a title's ("Tenure Track",
 * "Date Analyst"), and so is a name that only starts like one. */
START_TEST(test_span_job_past_date_labels)
{
    kpiscan_result *r =
        scan("Experience\n"
             "Sales Analyst, Acme Corp\n"
             "from 2015 to 2016\n"
             "Buyer, Beta Ltd\n"
             "Period: 2013 - 2014\n"
             "Clerk, Gamma Inc\n"
             "Dates of employment : 2011 - 2012\n"
             "Fromm Foods, Cook, 2009 - 2010\n"
             "Tenure Track Lecturer, State University, 2006 - 2008\n"
             "Date Analyst, Delta, from 2004 to 2005\n",
             NULL);
    static const char *const want[] = {"Sales Analyst Acme Corp",
                                       "Buyer Beta Ltd",
                                       "Clerk Gamma Inc",
                                       "Fromm Foods Cook",
                                       "Tenure Track Lecturer State University",
                                       "Date Analyst Delta"};
    size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(kpiscan_result_span_count(r), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(kpiscan_span_job(kpiscan_result_span(r, i)), want[i]);
    kpiscan_result_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("result");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_json_fields);
    tcase_add_test(tc, test_error_json);
    tcase_add_test(tc, test_accessors_null_safe);
    tcase_add_test(tc, test_result_outlives_its_scan_objects);
    tcase_add_test(tc, test_flag_accessors_match_json);
    tcase_add_test(tc, test_basis_and_pack_accessors);
    tcase_add_test(tc, test_basis_and_pack_null_safe);
    tcase_add_test(tc, test_employment_and_gaps);
    tcase_add_test(tc, test_employment_and_gaps_null_safe);
    tcase_add_test(tc, test_span_accessors);
    tcase_add_test(tc, test_span_accessors_null_safe);
    tcase_add_test(tc, test_span_job_past_date_labels);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
