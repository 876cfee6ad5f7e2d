/* test-match.c - running compiled rules over text. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "testutil.h"

static kpiscan_pack *pack_of(const char *rules_yaml)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "format: 1\nname: m\nversion: '1'\nrules:\n%s",
             rules_yaml);
    kpiscan_pack *p = NULL;
    kpiscan_error *err = kpiscan_error_new();
    int rc = kpiscan_pack_load_buffer(buf, strlen(buf), "m.yaml", &p, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));
    kpiscan_error_free(err);
    return p;
}

#define RULE(id, re)                                                           \
    "  - {id: " id ", category: term, level: none, weight: 1, regex: '" re     \
    "', description: d}\n"

START_TEST(test_hits_sorted)
{
    kpiscan_pack *p =
        pack_of(RULE("b", "\\bmetrics\\b") RULE("a", "\\bKPIs?\\b"));
    const char *text = "KPIs and metrics; more KPI. SKPI no. kpi";
    kps_hits hits = {0};
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 100000, "t", &hits, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 4);
    ck_assert_uint_eq(hits.v[0].start, 0);
    ck_assert_uint_eq(hits.v[0].end, 4);
    ck_assert_uint_eq(hits.v[0].rule, 1);
    ck_assert_uint_eq(hits.v[1].start, 9);
    ck_assert_uint_eq(hits.v[1].rule, 0);
    ck_assert_uint_eq(hits.v[2].start, 23);
    ck_assert_uint_eq(hits.v[3].start, 37); /* caseless */
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

/* UCP: \b knows that é is a letter, so "café" does not end at "caf". */
START_TEST(test_ucp_word_boundary)
{
    kpiscan_pack *p = pack_of(RULE("a", "\\bcaf\\b"));
    const char *text = "caf\xc3\xa9 caf";
    kps_hits hits = {0};
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 100000, "t", &hits, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 1);
    ck_assert_uint_eq(hits.v[0].start, 6);
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

/* Where the JIT is missing (a PCRE2 without it, or executable memory
 * denied), a rule's code is interpreted: the same hits as JIT code. */
START_TEST(test_without_jit)
{
    kpiscan_pack *p = pack_of(RULE("a", "\\bKPIs?\\b"));
    const char *text = "KPIs and metrics; more KPI. SKPI no. kpi";
    kps_hits jit = {0}, interpreted = {0};
    ck_assert_int_eq(kps_match_all_bruteforce(p, text, strlen(text), 100000,
                                              "t", &jit, NULL),
                     KPISCAN_OK);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *plain =
        pcre2_compile((PCRE2_SPTR)p->rules[0].regex, PCRE2_ZERO_TERMINATED,
                      PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    ck_assert_ptr_nonnull(plain);
    size_t jit_size = 1;
    ck_assert_int_eq(pcre2_pattern_info(plain, PCRE2_INFO_JITSIZE, &jit_size),
                     0);
    ck_assert_uint_eq(jit_size, 0);
    pcre2_code *compiled = p->rules[0].code;
    p->rules[0].code = plain;
    ck_assert_int_eq(kps_match_all_bruteforce(p, text, strlen(text), 100000,
                                              "t", &interpreted, NULL),
                     KPISCAN_OK);
    p->rules[0].code = compiled;
    pcre2_code_free(plain);
    ck_assert_uint_eq(jit.n, 3);
    ck_assert_uint_eq(interpreted.n, jit.n);
    ck_assert_mem_eq(interpreted.v, jit.v, jit.n * sizeof *jit.v);
    kps_hits_free(&jit);
    kps_hits_free(&interpreted);
    kpiscan_pack_free(p);
}
END_TEST

/* A catastrophic-backtracking rule ends with a match-limit error naming
 * the rule, not a hang. */
START_TEST(test_match_limit)
{
    kpiscan_pack *p = pack_of(RULE("slow.rule", "(a+)+$"));
    char text[64];
    memset(text, 'a', 40);
    text[40] = 'b';
    text[41] = '\0';
    kps_hits hits = {0};
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 10000, "t", &hits, err),
        KPISCAN_ERR_MATCH_LIMIT);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "slow.rule");
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "match limit"));
    kps_hits_free(&hits);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

/* A rule that can end on an empty match through \K or lookaround must not
 * loop forever. */
START_TEST(test_lookahead_advances)
{
    kpiscan_pack *p = pack_of(RULE("a", "x(?=y)|y"));
    const char *text = "xyxyxy";
    kps_hits hits = {0};
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 100000, "t", &hits, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 6);
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

/* A match stays inside one sentence: never across a blank line, a bullet
 * or the end of a short list item, but across a long line wrapped by PDF
 * conversion; and never from inside a hyphenated word. */
START_TEST(test_sentence_bounds)
{
    kpiscan_pack *p =
        pack_of(RULE("cm", "\\bchange\\s+management\\s+leadership\\b")
                    RULE("sr", "\\bstandard\\s+reports\\b")
                        RULE("mt", "\\bachieving\\s+monthly\\s+targets\\b"));
    const char *text =
        "Change Management\nLeadership Development\n"
        "Wrote non-standard reports and standard reports\n"
        "Led the site through a difficult year of growth and change, "
        "achieving\nmonthly targets throughout\n"
        "Reporting\n\nachieving\nmonthly targets\n";
    kps_hits hits = {0};
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 100000, "t", &hits, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 3);
    /* "standard reports" once, not inside "non-standard" */
    ck_assert_uint_eq(hits.v[0].rule, 1);
    ck_assert_uint_eq(hits.v[0].start,
                      (size_t)(strstr(text, "and standard") - text) + 4);
    /* the wrapped sentence: one match across the line break */
    ck_assert_uint_eq(hits.v[1].rule, 2);
    ck_assert_uint_eq(hits.v[1].start,
                      (size_t)(strstr(text, "achieving") - text));
    /* "achieving\nmonthly" after a short line: the first line ("achieving")
     * is short but goes on in lower case, so it is one sentence too */
    ck_assert_uint_eq(hits.v[2].rule, 2);
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

/* A long line ending without punctuation still ends its item when the
 * next line opens with an action word ("Creating senior ..."), as
 * resume bullets do; a capitalised list going on with a comma or a
 * capital ("Relationship / Building, ...", "Founding Member") stays
 * joined, and so does a lower-case continuation. */
START_TEST(test_action_word_bounds)
{
    kpiscan_pack *p = pack_of(
        RULE("lr", "\\bmanagement\\s+creating\\s+senior\\s+leadership\\b")
            RULE("rb", "\\brelationship\\s+building\\b")
                RULE("fm", "\\bboard\\s+founding\\s+member\\b")
                    RULE("cs", "\\bmanagement\\s+creating\\s+summaries\\b"));
    const char *text =
        "Presenting clear and concise weekly project status reports to "
        "management\nCreating senior leadership briefings for new work\n"
        "Skills: Public Relations, Crisis Management, Strategic Relationship\n"
        "Building, Project Management, Customer Service, Quality\n"
        "Served six years as the secretary of the regional theatre board\n"
        "Founding Member of the youth theatre programme\n"
        "Wrote the weekly status reports for the regional operations "
        "management\ncreating summaries for the owners\n";
    kps_hits hits = {0};
    ck_assert_int_eq(
        kps_match_all(p, text, strlen(text), 100000, "t", &hits, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 3);
    ck_assert_uint_eq(hits.v[0].rule, 1); /* "Relationship\nBuilding" */
    ck_assert_uint_eq(hits.v[1].rule, 2); /* "board\nFounding Member" */
    ck_assert_uint_eq(hits.v[2].rule, 3); /* lower case goes on */
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_empty_text)
{
    kpiscan_pack *p = pack_of(RULE("a", "x"));
    kps_hits hits = {0};
    ck_assert_int_eq(kps_match_all(p, "", 0, 100000, "t", &hits, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 0);
    kps_hits_free(&hits);
    kpiscan_pack_free(p);
}
END_TEST

/* The match limit bounds one call; the budget bounds them all.  This rule
 * backtracks a few thousand steps at every position, under the limit,
 * then matches one character: a short text passes, a long one spends the
 * budget (match_limit x KPS_MATCH_BUDGET_CALLS) and fails, in a time
 * bounded by the budget rather than the text. */
START_TEST(test_match_budget)
{
    kpiscan_pack *p = pack_of(RULE("busy.rule", "(?:a|a){0,11}x|a"));
    size_t n = 3000;
    /* 16 zeroed bytes of slack, as the normaliser gives: the JIT loads
     * 16 bytes at a time (docs/robustness.md, finding 5). */
    char *text = calloc(n + 16, 1);
    memset(text, 'a', n);
    text[n] = '\0';
    kps_hits hits = {0};
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(kps_match_all(p, text, 100, 10000, "t", &hits, err),
                     KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 100);
    kps_hits_free(&hits);
    ck_assert_int_eq(kps_match_all(p, text, n, 10000, "t", &hits, err),
                     KPISCAN_ERR_MATCH_LIMIT);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "busy.rule");
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "match budget spent"));
    /* Deterministic: the same text fails the same way with the brute-force
     * reference, and a higher match limit (a bigger budget) passes. */
    kps_hits_free(&hits);
    ck_assert_int_eq(
        kps_match_all_bruteforce(p, text, n, 10000, "t", &hits, err),
        KPISCAN_ERR_MATCH_LIMIT);
    kps_hits_free(&hits);
    ck_assert_int_eq(kps_match_all(p, text, n, 1000000, "t", &hits, err),
                     KPISCAN_OK);
    ck_assert_uint_eq(hits.n, n);
    kps_hits_free(&hits);
    kpiscan_error_free(err);
    free(text);
    kpiscan_pack_free(p);
}
END_TEST

/* With keep set, the matcher holds at most 2 x keep hits however many
 * the rules find, and ends with exactly the first keep of the full list
 * in (start, rule) order, counting the rest. */
START_TEST(test_hits_keep)
{
    kpiscan_pack *p = pack_of(RULE("every", "[a-z]") RULE("pairs", "[a-z]{2}")
                                  RULE("b", "b"));
    size_t n = 5000;
    /* 16 zeroed bytes of slack, as the normaliser gives: the JIT loads
     * 16 bytes at a time (docs/robustness.md, finding 5). */
    char *text = calloc(n + 16, 1);
    for (size_t i = 0; i < n; i++)
        text[i] = "abcde"[i % 5];
    text[n] = '\0';
    kps_hits all = {0};
    ck_assert_int_eq(kps_match_all(p, text, n, 100000, "t", &all, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(all.dropped, 0);
    for (size_t keep = 1; keep <= 4000; keep = keep * 3 + 1) {
        kps_hits some = {.keep = keep};
        ck_assert_int_eq(kps_match_all(p, text, n, 100000, "t", &some, NULL),
                         KPISCAN_OK);
        ck_assert_uint_eq(some.n, keep);
        ck_assert_uint_eq(some.dropped, all.n - keep);
        ck_assert_uint_le(some.cap, 4 * keep + 64);
        ck_assert_int_eq(memcmp(some.v, all.v, keep * sizeof *all.v), 0);
        kps_hits_free(&some);
    }
    kps_hits_free(&all);
    free(text);
    kpiscan_pack_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_hits_sorted);
    tcase_add_test(tc, test_ucp_word_boundary);
    tcase_add_test(tc, test_without_jit);
    tcase_add_test(tc, test_match_limit);
    tcase_add_test(tc, test_lookahead_advances);
    tcase_add_test(tc, test_sentence_bounds);
    tcase_add_test(tc, test_action_word_bounds);
    tcase_add_test(tc, test_empty_text);
    tcase_add_test(tc, test_match_budget);
    tcase_add_test(tc, test_hits_keep);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
