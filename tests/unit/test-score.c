/* test-score.c - the estimate's arithmetic on hand-made evidence. */
#include <math.h>

#include "internal.h"
#include "testutil.h"

static kpiscan_evidence ev_store[32];

/* Score, then drop the red flags (tests of flags keep them). */
static void score(kpiscan_result *r)
{
    ck_assert_int_eq(kps_score(r), KPISCAN_OK);
    free(r->flags);
    r->flags = NULL;
    r->nflags = 0;
}

static kpiscan_result make(double dated, double stated)
{
    kpiscan_result r;
    memset(&r, 0, sizeof r);
    memset(ev_store, 0, sizeof ev_store);
    r.ev = ev_store;
    r.dated_years = dated;
    r.stated_years = stated;
    r.kpi_years = -1.0;
    return r;
}

static void add(kpiscan_result *r, size_t rule, int category, int level,
                double weight, kps_section section, int hidden)
{
    kpiscan_evidence *e = &r->ev[r->nev++];
    e->rule = rule;
    e->category = category;
    e->level = level;
    e->weight = weight;
    e->section = section;
    e->hidden = hidden;
    e->title_position = 1;
    e->rule_id = "rule";
    e->line = r->nev;
}

START_TEST(test_none_without_kpi_evidence)
{
    kpiscan_result r = make(10, -1);
    add(&r, 0, KPISCAN_CATEGORY_TITLE, KPISCAN_LEVEL_SENIOR, 2, 0, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_NONE);
    ck_assert_double_eq_tol(r.confidence, 0.6, 1e-9);
    r = make(-1, -1);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_NONE);
    ck_assert_double_eq_tol(r.confidence, 0.9, 1e-9);

    /* A stub's "none" is a guess: low confidence, and the reason says why.
     * Sixty words are enough to judge. */
    r = make(-1, -1);
    char stub[] = "Jane Roe\nEducation: BBA, 2019\nHR\n";
    r.text = stub;
    r.len = strlen(stub);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_NONE);
    ck_assert_double_eq_tol(r.confidence, 0.3, 1e-9);
    ck_assert_uint_eq(r.few_words, 6);
    ck_assert_ptr_nonnull(strstr(r.reason, "only 6 words of text"));
    char page[60 * 5 + 1];
    for (int i = 0; i < 60; i++)
        memcpy(page + 5 * i, "word ", 5);
    page[60 * 5] = '\0';
    r = make(-1, -1);
    r.text = page;
    r.len = strlen(page);
    score(&r);
    ck_assert_double_eq_tol(r.confidence, 0.9, 1e-9);
    ck_assert_uint_eq(r.few_words, 0);
}
END_TEST

START_TEST(test_repeat_dampening)
{
    kpiscan_result r = make(-1, -1);
    for (int i = 0; i < 4; i++)
        add(&r, 7, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 2, 0, 0);
    score(&r);
    ck_assert_double_eq_tol(r.ev[0].contribution, 2.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[1].contribution, 1.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[2].contribution, 0.5, 1e-9);
    ck_assert_double_eq_tol(r.ev[3].contribution, 0.25, 1e-9);
    ck_assert_uint_eq(r.ev[3].repeat, 4);
    ck_assert_double_eq_tol(r.scores[KPISCAN_LEVEL_MID], 3.75, 1e-9);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
}
END_TEST

/* One phrase matched by two rules of one category and level is one piece
 * of evidence: the heavier rule counts (the first on a tie), the other
 * says why it does not; overlapping matches that are not one within the
 * other, and other levels, count as before. */
static void span(kpiscan_result *r, size_t offset, size_t length)
{
    r->ev[r->nev - 1].offset = offset;
    r->ev[r->nev - 1].length = length;
}

START_TEST(test_same_words_two_rules)
{
    kpiscan_result r = make(-1, -1);
    /* "C-level presentations" under two senior rules of equal weight */
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 2.5, 0, 0);
    span(&r, 100, 21);
    add(&r, 2, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 2.5, 0, 0);
    span(&r, 100, 21);
    /* "Stakeholder Engagement" (1.5) holding "Stakeholder" (2.0) */
    add(&r, 3, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1.5, 0, 0);
    span(&r, 200, 22);
    add(&r, 4, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 2.0, 0, 0);
    span(&r, 200, 11);
    /* overlapping, neither within the other: both count */
    add(&r, 5, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1.0, 0, 0);
    span(&r, 300, 20);
    add(&r, 6, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1.0, 0, 0);
    span(&r, 310, 20);
    /* the same words at another level: both count */
    add(&r, 7, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1.0, 0, 0);
    span(&r, 310, 20);
    score(&r);
    ck_assert_double_eq_tol(r.ev[0].contribution, 2.5, 1e-9);
    ck_assert_double_eq_tol(r.ev[1].contribution, 0.0, 1e-9);
    ck_assert_ptr_nonnull(strstr(r.ev[1].note, "counted once"));
    ck_assert_double_eq_tol(r.ev[2].contribution, 0.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[3].contribution, 2.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[4].contribution, 1.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[5].contribution, 1.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[6].contribution, 1.0, 1e-9);
    ck_assert_double_eq_tol(r.scores[KPISCAN_LEVEL_SENIOR], 2.5, 1e-9);
    ck_assert_double_eq_tol(r.scores[KPISCAN_LEVEL_MID], 4.0, 1e-9);
    /* a twin is no second phrase: one senior phrase shown in work */
    ck_assert_uint_eq(r.indicator_phrases, 1);
}
END_TEST

START_TEST(test_skills_discount_and_hidden)
{
    kpiscan_result r = make(-1, -1);
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, KPS_SECTION_SKILLS,
        0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 5,
        KPS_SECTION_EXPERIENCE, 1);
    score(&r);
    ck_assert_double_eq_tol(r.ev[0].contribution, 0.5, 1e-9);
    ck_assert_double_eq_tol(r.ev[0].section_factor, 0.5, 1e-9);
    /* Hidden text never counts. */
    ck_assert_double_eq_tol(r.ev[1].contribution, 0.0, 1e-9);
    ck_assert_double_eq_tol(r.scores[KPISCAN_LEVEL_SENIOR], 0.0, 1e-9);
    /* "KPI" only in a skills list is weak presence: junior, low
     * confidence. */
    ck_assert_int_eq(r.presence, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_JUNIOR);
    ck_assert_double_lt(r.confidence, 0.3);
}
END_TEST

/* The years back the level fully only when a phrase of that level is shown
 * in work: one junior phrase with mid years gives mid (the years win), and
 * that mid rests on the years alone, so its confidence is low; a mid phrase
 * with the same years backs it in full.  Either way the years back it only
 * as far as there is KPI work: one word of weight 1 gives them
 * 1 - e^(-1/2) of their part, much KPI work nearly all of it. */
START_TEST(test_confidence_of_a_level_from_years)
{
    const double one_word = 1.0 - exp(-0.5);
    kpiscan_result r = make(3.5, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_double_eq_tol(r.conf_indicators, 0.0, 1e-9);
    ck_assert_double_eq_tol(r.conf_years, 0.45 * one_word, 1e-9);
    ck_assert_double_lt(r.confidence, 0.3);

    r = make(3.5, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_double_eq_tol(r.conf_years, 0.9 * one_word, 1e-9);
    double from_one_word = r.confidence;
    ck_assert_double_lt(from_one_word, 0.8);

    r = make(3.5, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 8,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_double_eq_tol(r.conf_years, 0.9 * (1.0 - exp(-4.0)), 1e-9);
    ck_assert_double_gt(r.confidence, 0.9);
    ck_assert_double_gt(r.confidence, from_one_word);
}
END_TEST

/* Tools and basic skills only claimed in a skills list or a list of names
 * ("Excel", rules marked work_only) are no KPI work; shown in a job they
 * are the weak band, and so is any other junior phrase, claimed or
 * shown. */
START_TEST(test_presence)
{
    kpiscan_result r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1,
        KPS_SECTION_SKILLS, 0);
    r.ev[0].work_only = 1;
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1,
        KPS_SECTION_SKILLS, 0);
    r.ev[1].work_only = 1;
    score(&r);
    ck_assert_int_eq(r.presence, 0);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_NONE);

    /* The same tools named in a list inside a job ("used SPSS, Excel and
     * Access") are still a claim, not work shown. */
    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1,
        KPS_SECTION_EXPERIENCE, 0);
    r.ev[0].work_only = 1;
    r.ev[0].keyword_list = KPS_NAME_IN_LIST;
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 1,
        KPS_SECTION_EXPERIENCE, 0);
    r.ev[1].work_only = 1;
    r.ev[1].keyword_list = KPS_KEYWORD_LINE;
    r.ev[1].line = 9;
    score(&r);
    ck_assert_int_eq(r.presence, 0);
    ck_assert_double_eq_tol(r.ev[0].contribution, 0.25, 1e-9);
    ck_assert_str_eq(r.ev[0].note,
                     "a name in a list of names, not work shown: quarter "
                     "weight");
    ck_assert_str_eq(r.ev[1].note,
                     "a line of keywords, not of work: quarter weight");
    r.ev[0].keyword_list = 0;
    score(&r);
    ck_assert_int_eq(r.presence, 1);

    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1,
        KPS_SECTION_SKILLS, 0);
    score(&r);
    ck_assert_int_eq(r.presence, 1);

    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.presence, 1);
    /* junior indicators against senior years: two apart, the middle */
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);

    /* A quantified result or two below QUANTIFIED_MIN is the rubric's
     * incidental number (weak); that much or more is KPI work (strong). */
    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_QUANTIFIED, KPISCAN_LEVEL_NONE, 0.5,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.presence, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    add(&r, 1, KPISCAN_CATEGORY_QUANTIFIED, KPISCAN_LEVEL_NONE, 0.5,
        KPS_SECTION_EXPERIENCE, 0);
    r.ev[1].line = 9;
    score(&r);
    ck_assert_int_eq(r.presence, 2);

    /* A KPI term in a job is strong presence; with no level phrase the
     * indicators say junior. */
    r = make(1, -1);
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.presence, 2);
    ck_assert_int_eq(r.indicator_level, KPISCAN_LEVEL_JUNIOR);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_JUNIOR);

    /* Evidence under education is not work: it sets no level. */
    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3,
        KPS_SECTION_EDUCATION, 0);
    add(&r, 1, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1,
        KPS_SECTION_EXPERIENCE, 0);
    score(&r);
    ck_assert_int_eq(r.indicator_level, KPISCAN_LEVEL_JUNIOR);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
}
END_TEST

START_TEST(test_combination_rules)
{
    /* Agree. */
    kpiscan_result r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_SENIOR);
    ck_assert_ptr_nonnull(strstr(r.reason, "they agree"));
    ck_assert_double_gt(r.confidence, 0.9);

    /* Two levels apart: the middle one. */
    r = make(0.5, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);

    /* One apart, two different phrases: the indicators win. */
    r = make(3, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    score(&r);
    ck_assert_uint_eq(r.indicator_phrases, 2);
    ck_assert_int_eq(r.indicator_clear, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_SENIOR);

    /* One apart, one phrase however heavy or repeated: the years win. */
    r = make(3, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 9, 0, 0);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 9, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1.2, 0, 0);
    score(&r);
    ck_assert_int_eq(r.indicator_level, KPISCAN_LEVEL_SENIOR);
    ck_assert_uint_eq(r.indicator_phrases, 1);
    ck_assert_int_eq(r.indicator_clear, 0);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_ptr_nonnull(strstr(r.reason, "the years win"));

    /* The same words twice are one phrase, whatever the rule or case. */
    r = make(3, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    r.ev[0].text = "Change Management";
    r.ev[1].text = "change  management";
    score(&r);
    ck_assert_uint_eq(r.indicator_phrases, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);

    /* Two rules reading one phrase ("management reporting" inside
     * "management reporting on HR metrics") are one phrase; two phrases
     * side by side, touching, are two. */
    r = make(3, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    span(&r, 100, 20);
    r.ev[0].text = "management reporting";
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    span(&r, 111, 23);
    r.ev[1].text = "reporting on HR metrics";
    score(&r);
    ck_assert_uint_eq(r.indicator_phrases, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    r.ev[1].offset = 120;
    score(&r);
    ck_assert_uint_eq(r.indicator_phrases, 2);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_SENIOR);

    /* Titles and numbers are evidence but set no indicator level. */
    r = make(8, -1);
    add(&r, 0, KPISCAN_CATEGORY_TITLE, KPISCAN_LEVEL_SENIOR, 3, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    score(&r);
    ck_assert_int_eq(r.indicator_level, KPISCAN_LEVEL_JUNIOR);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);

    /* No years: the indicators alone. */
    r = make(-1, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 2, 0, 0);
    score(&r);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_ptr_nonnull(strstr(r.reason, "no years"));
}
END_TEST

/* Text of n bytes, for the length the combination rule reads. */
static char *text_of(size_t n)
{
    char *t = malloc(n + 1);
    ck_assert_ptr_nonnull(t);
    for (size_t i = 0; i < n; i++)
        t[i] = i % 7 == 6 ? ' ' : 'w';
    t[n] = '\0';
    return t;
}

/* A result over text, for the rules that read the document's length. */
static kpiscan_result make_over(double dated, const char *text)
{
    kpiscan_result r = make(dated, -1);
    r.text = (char *)text;
    r.len = strlen(text);
    return r;
}

START_TEST(test_one_mid_phrase_against_senior_years)
{
    /* A long resume: one mid indicator phrase does not lift the level to
     * the years' senior. */
    char *longer = text_of(3500);
    kpiscan_result r = make_over(12, longer);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_MID, 2, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_JUNIOR, 1, 0, 0);
    score(&r);
    ck_assert_int_eq(r.indicator_level, KPISCAN_LEVEL_MID);
    ck_assert_uint_eq(r.indicator_phrases, 1);
    ck_assert_int_eq(r.level, KPISCAN_LEVEL_MID);
    ck_assert_ptr_nonnull(strstr(r.reason, "on a long resume"));

    /* Where the rubric's rule stands: one phrase, the years win. */
    char *shorter = text_of(3499);
    static const struct {
        const char *what;
        double years;
        int is_short, category, level;
        double weight;
        int expected;
    } stands[] = {
        {"a KPI achievement is a clear phrase", 12, 0,
         KPISCAN_CATEGORY_ACHIEVEMENT, KPISCAN_LEVEL_MID, 3,
         KPISCAN_LEVEL_SENIOR},
        {"a short resume (3,499 bytes)", 12, 1, KPISCAN_CATEGORY_INDICATOR,
         KPISCAN_LEVEL_MID, 2, KPISCAN_LEVEL_SENIOR},
        {"mid years against one senior phrase", 3, 0,
         KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3,
         KPISCAN_LEVEL_MID},
    };
    for (size_t i = 0; i < sizeof stands / sizeof stands[0]; i++) {
        r = make_over(stands[i].years, stands[i].is_short ? shorter : longer);
        add(&r, 0, stands[i].category, stands[i].level, stands[i].weight, 0, 0);
        score(&r);
        ck_assert_msg(r.level == stands[i].expected, "%s", stands[i].what);
        ck_assert_msg(strstr(r.reason, "the years win") != NULL, "%s",
                      stands[i].what);
    }
    free(shorter);
    free(longer);
}
END_TEST

START_TEST(test_years_choice)
{
    /* Dates a reader can check win over a statement. */
    kpiscan_result r = make(3.0, 7.0);
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    score(&r);
    ck_assert_double_eq_tol(r.years, 3.0, 1e-9);
    ck_assert_int_eq(r.years_level, KPISCAN_LEVEL_MID);
    /* A statement counts when there are no dates. */
    r = make(-1, 7.0);
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    score(&r);
    ck_assert_double_eq_tol(r.years, 7.0, 1e-9);
    ck_assert_ptr_nonnull(strstr(r.years_rule, "statement"));
    /* Years are the whole career: a teacher of ten years who became an
     * analyst 1.5 years ago has 11.5 years; the 1.5 stay a fact of their
     * own. */
    r = make(11.5, -1);
    r.kpi_years = 1.5;
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    score(&r);
    ck_assert_double_eq_tol(r.years, 11.5, 1e-9);
    ck_assert_double_eq_tol(r.kpi_years, 1.5, 1e-9);
    ck_assert_int_eq(r.years_level, KPISCAN_LEVEL_SENIOR);
    /* Band edges from the card: 2 is mid, 5 is senior. */
    r = make(1.99, -1);
    score(&r);
    ck_assert_int_eq(r.years_level, KPISCAN_LEVEL_JUNIOR);
    r = make(2.0, -1);
    score(&r);
    ck_assert_int_eq(r.years_level, KPISCAN_LEVEL_MID);
    r = make(5.0, -1);
    score(&r);
    ck_assert_int_eq(r.years_level, KPISCAN_LEVEL_SENIOR);
}
END_TEST

static int has_flag(const kpiscan_result *r, const char *id)
{
    for (size_t i = 0; i < r->nflags; i++)
        if (strcmp(r->flags[i].id, id) == 0)
            return 1;
    return 0;
}

/* The card's red flags, from evidence or its absence. */
START_TEST(test_red_flags)
{
    kpiscan_result r = make(3, -1);
    add(&r, 0, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    ck_assert_int_eq(kps_score(&r), KPISCAN_OK);
    ck_assert(has_flag(&r, "kpi-without-outcome"));
    ck_assert(has_flag(&r, "no-analysis-or-reporting"));
    ck_assert(!has_flag(&r, "buzzword-stuffing"));
    free(r.flags);

    /* Seven mentions spread over a resume are normal writing. */
    r = make(3, -1);
    for (int i = 0; i < 7; i++) {
        add(&r, 4, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
        r.ev[r.nev - 1].offset = (size_t)i * 400;
    }
    add(&r, 5, KPISCAN_CATEGORY_ACHIEVEMENT, KPISCAN_LEVEL_MID, 2, 0, 0);
    ck_assert_int_eq(kps_score(&r), KPISCAN_OK);
    ck_assert(!has_flag(&r, "buzzword-stuffing"));
    free(r.flags);

    /* Five in one short stretch are a keyword list. */
    r = make(3, -1);
    for (int i = 0; i < 5; i++) {
        add(&r, 4, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
        r.ev[r.nev - 1].offset = 100 + (size_t)i * 12;
    }
    add(&r, 5, KPISCAN_CATEGORY_ACHIEVEMENT, KPISCAN_LEVEL_MID, 2, 0, 0);
    add(&r, 6, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 3, 0, 1);
    r.nhidden = 1;
    ck_assert_int_eq(kps_score(&r), KPISCAN_OK);
    ck_assert(has_flag(&r, "buzzword-stuffing"));
    ck_assert(has_flag(&r, "hidden-text"));
    ck_assert(!has_flag(&r, "kpi-without-outcome"));
    ck_assert(!has_flag(&r, "no-analysis-or-reporting"));
    /* Seven repeats of one term add less than twice its weight. */
    ck_assert_double_lt(r.kpi_score, 2.0 + 2.0);
    free(r.flags);
}
END_TEST

/* A title word inside a sentence is evidence, not a job title. */
/* A line of keywords counts a quarter, on top of the skills discount. */
START_TEST(test_keyword_list)
{
    kpiscan_result r = make(-1, -1);
    add(&r, 0, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 4, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_INDICATOR, KPISCAN_LEVEL_SENIOR, 4,
        KPS_SECTION_SKILLS, 0);
    r.ev[0].keyword_list = r.ev[1].keyword_list = 1;
    score(&r);
    ck_assert_double_eq_tol(r.ev[0].contribution, 1.0, 1e-9);
    ck_assert_double_eq_tol(r.ev[1].contribution, 0.5, 1e-9);
    ck_assert_ptr_nonnull(strstr(r.ev[0].note, "keywords"));
}
END_TEST

START_TEST(test_title_position)
{
    kpiscan_result r = make(-1, -1);
    add(&r, 0, KPISCAN_CATEGORY_TITLE, KPISCAN_LEVEL_SENIOR, 2, 0, 0);
    add(&r, 1, KPISCAN_CATEGORY_TERM, KPISCAN_LEVEL_NONE, 1, 0, 0);
    r.ev[0].title_position = 0;
    score(&r);
    ck_assert_double_eq(r.ev[0].contribution, 0.0);
    ck_assert_ptr_nonnull(strstr(r.ev[0].note, "not a job title"));
    ck_assert_double_eq(r.scores[KPISCAN_LEVEL_SENIOR], 0.0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("score");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_none_without_kpi_evidence);
    tcase_add_test(tc, test_repeat_dampening);
    tcase_add_test(tc, test_same_words_two_rules);
    tcase_add_test(tc, test_skills_discount_and_hidden);
    tcase_add_test(tc, test_presence);
    tcase_add_test(tc, test_confidence_of_a_level_from_years);
    tcase_add_test(tc, test_combination_rules);
    tcase_add_test(tc, test_one_mid_phrase_against_senior_years);
    tcase_add_test(tc, test_years_choice);
    tcase_add_test(tc, test_red_flags);
    tcase_add_test(tc, test_title_position);
    tcase_add_test(tc, test_keyword_list);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
