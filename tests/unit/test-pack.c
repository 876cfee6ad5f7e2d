/* test-pack.c - pack loading, validation errors, stacking, default pack. */
#include "internal.h"
#include "testutil.h"

#define HEAD "format: 1\nname: t\nversion: \"1\"\n"

static const char *RULE_OK = HEAD "rules:\n"
                                  "  - id: a.b\n"
                                  "    category: term\n"
                                  "    level: none\n"
                                  "    weight: 1\n"
                                  "    regex: '\\bKPIs?\\b'\n"
                                  "    description: d\n";

/* Load a pack from text; returns the status and leaves the error in err. */
static int load(const char *yaml, kpiscan_pack **pack, kpiscan_error *err)
{
    return kpiscan_pack_load_buffer(yaml, strlen(yaml), "t.yaml", pack, err);
}

/* Expect a load failure with this status at this line, whose message
 * contains needle. */
static void expect_fail(const char *yaml, int status, size_t line,
                        const char *needle)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    int rc = load(yaml, &pack, err);
    ck_assert_msg(rc == status, "status %d, want %d: %s", rc, status,
                  kpiscan_error_message(err));
    ck_assert_ptr_null(pack);
    if (line)
        ck_assert_msg(kpiscan_error_line(err) == line, "line %zu, want %zu: %s",
                      kpiscan_error_line(err), line,
                      kpiscan_error_message(err));
    ck_assert_msg(strstr(kpiscan_error_message(err), needle),
                  "'%s' not in '%s'", needle, kpiscan_error_message(err));
    ck_assert_msg(strncmp(kpiscan_error_message(err), "t.yaml:", 7) == 0,
                  "message does not name the file: %s",
                  kpiscan_error_message(err));
    kpiscan_error_free(err);
}

START_TEST(test_load_ok)
{
    {
        /* a bare trailing "---" or "..." loses nothing */
        kpiscan_pack *trailing = NULL;
        ck_assert_int_eq(load(HEAD "rules: []\n---\n", &trailing, NULL),
                         KPISCAN_OK);
        kpiscan_pack_free(trailing);
        ck_assert_int_eq(load(HEAD "rules: []\n...\n", &trailing, NULL),
                         KPISCAN_OK);
        kpiscan_pack_free(trailing);
    }
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    ck_assert_int_eq(load(RULE_OK, &pack, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_pack_rule_count(pack), 1);
    ck_assert_str_eq(kpiscan_pack_rule_id(pack, 0), "a.b");
    ck_assert_str_eq(kpiscan_pack_rule_regex(pack, 0), "\\bKPIs?\\b");
    ck_assert_int_eq(kpiscan_pack_rule_category(pack, 0),
                     KPISCAN_CATEGORY_TERM);
    ck_assert_int_eq(kpiscan_pack_rule_level(pack, 0), KPISCAN_LEVEL_NONE);
    ck_assert_str_eq(kpiscan_pack_rule_source(pack, 0), "t.yaml:5");
    ck_assert_str_eq(kpiscan_pack_name(pack), "t");
    ck_assert_uint_eq(strlen(kpiscan_pack_hash(pack)), 64);
    ck_assert_ptr_null(kpiscan_pack_rule_id(pack, 1));
    kpiscan_pack_free(pack);
    kpiscan_pack_free(NULL);
    kpiscan_pack_builder_free(NULL);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_errors)
{
    expect_fail("format: 1\nname: [unclosed\n", KPISCAN_ERR_PACK_SYNTAX, 0,
                "YAML syntax error");
    expect_fail("", KPISCAN_ERR_PACK_INVALID, 1, "empty pack");
    /* the reader's failure is placed from its byte offset: line 3, not 1 */
    expect_fail("format: 1\nname: my\nversion: \"1\xff\"\nrules: []\n",
                KPISCAN_ERR_PACK_SYNTAX, 3, "invalid leading UTF-8 octet");
    /* one document: rules after "---" would be ignored, a broken second
     * document never read */
    expect_fail(HEAD "rules: []\n---\nrules: []\n", KPISCAN_ERR_PACK_SYNTAX, 6,
                "a pack is one YAML document");
    expect_fail(HEAD "rules: []\n---\n--- !!x [[[\n", KPISCAN_ERR_PACK_SYNTAX,
                0, "YAML syntax error");
    expect_fail("- a\n- b\n", KPISCAN_ERR_PACK_INVALID, 1, "must be a mapping");
    expect_fail(HEAD "rules: []\nextra: 1\n", KPISCAN_ERR_PACK_INVALID, 5,
                "unknown or repeated key 'extra'");
    expect_fail("format: 2\nname: t\nversion: \"1\"\nrules: []\n",
                KPISCAN_ERR_PACK_INVALID, 1, "newer than this library");
    expect_fail("format: x\nname: t\nversion: \"1\"\nrules: []\n",
                KPISCAN_ERR_PACK_INVALID, 1, "not a format number");
    expect_fail("format: 1\nname: t\nrules: []\n", KPISCAN_ERR_PACK_INVALID, 1,
                "missing required field 'version'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 5, "missing required field 'regex'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: nope\n    level: none\n"
                     "    weight: 1\n    regex: x\n    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 6, "unknown category 'nope'");
    expect_fail(HEAD
                "rules:\n  - id: a\n    category: term\n    level: expert\n"
                "    weight: 1\n    regex: x\n    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 7, "unknown level 'expert'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: -2\n    regex: x\n    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 8, "weight '-2'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    work_only: yes\n    regex: x\n"
                     "    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 9, "work_only 'yes' must be true");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    tool: 1\n    regex: x\n"
                     "    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 9, "tool '1' must be true or false");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    tool: true\n    tool: true\n"
                     "    regex: x\n    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 10, "repeated key 'tool'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    tool: true\n    regex: x\n"
                     "    description: d\n",
                KPISCAN_ERR_PACK_INVALID, 5, "tool: true needs work_only");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    regex: x\n    description: d\n"
                     "    colour: red\n",
                KPISCAN_ERR_PACK_INVALID, 11,
                "unknown or repeated key 'colour'");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    regex: 'KPI(s'\n    description: d\n",
                KPISCAN_ERR_PACK_REGEX, 9, "regex error at offset 5");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    regex: 'x*'\n    description: d\n",
                KPISCAN_ERR_PACK_REGEX, 9, "empty string");
    expect_fail(HEAD "rules:\n"
                     "  - {id: a, category: term, level: none, weight: 1, "
                     "regex: x, description: d}\n"
                     "  - {id: a, category: term, level: none, weight: 1, "
                     "regex: y, description: d}\n",
                KPISCAN_ERR_PACK_INVALID, 6, "duplicate rule id");
    expect_fail(HEAD "rules:\n  - id: 'bad id'\n", KPISCAN_ERR_PACK_INVALID, 5,
                "invalid rule id");
    expect_fail(HEAD "rules: &x []\nquestions: *x\n", KPISCAN_ERR_PACK_INVALID,
                0, "aliases are not allowed");
    expect_fail(HEAD
                "rules: []\nquestions:\n  - level: none\n    question: q\n",
                KPISCAN_ERR_PACK_INVALID, 6, "must be junior, mid or senior");
    expect_fail(HEAD "rules:\n  - id: a\n    category: term\n    level: none\n"
                     "    weight: 1\n    regex: x\n    description: d\n"
                     "    examples: {match: [a], other: [b]}\n",
                KPISCAN_ERR_PACK_INVALID, 11,
                "unknown or repeated key 'other'");
}
END_TEST

START_TEST(test_file_errors)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    ck_assert_int_eq(kpiscan_pack_load_file("/nonexistent/p.yaml", &pack, err),
                     KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "/nonexistent/p.yaml: cannot open pack"));
    ck_assert_int_eq(kpiscan_pack_load_file(NULL, &pack, err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_pack_load_buffer("x", 1, "t", NULL, err),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_stacking)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack_builder *b = kpiscan_pack_builder_new();
    const char *over =
        "format: 1\nname: over\nversion: \"2\"\nrules:\n"
        "  - {id: a.b, category: indicator, level: senior, weight: 3, "
        "regex: 'balanced scorecard', description: replaced}\n"
        "  - {id: c.d, category: term, level: none, weight: 1, regex: 'OKRs?', "
        "description: new}\n";
    ck_assert_int_eq(kpiscan_pack_builder_add_buffer(
                         b, RULE_OK, strlen(RULE_OK), "base", err),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_pack_builder_add_buffer(b, over, strlen(over), "over", err),
        KPISCAN_OK);
    kpiscan_pack *pack = NULL;
    ck_assert_int_eq(kpiscan_pack_builder_build(b, &pack, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_pack_rule_count(pack), 2);
    ck_assert_str_eq(kpiscan_pack_rule_id(pack, 0), "a.b");
    ck_assert_str_eq(kpiscan_pack_rule_description(pack, 0), "replaced");
    ck_assert_int_eq(kpiscan_pack_rule_level(pack, 0), KPISCAN_LEVEL_SENIOR);
    ck_assert_str_eq(kpiscan_pack_rule_id(pack, 1), "c.d");
    ck_assert_str_eq(kpiscan_pack_name(pack), "t+over");
    ck_assert_str_eq(kpiscan_pack_version(pack), "1+2");
    char hash1[65];
    strcpy(hash1, kpiscan_pack_hash(pack));
    kpiscan_pack_free(pack);

    ck_assert_int_eq(kpiscan_pack_builder_disable_rule(b, "c.d", err),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_pack_builder_build(b, &pack, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_pack_rule_count(pack), 1);
    ck_assert_str_ne(kpiscan_pack_hash(pack), hash1);
    kpiscan_pack_free(pack);

    ck_assert_int_eq(kpiscan_pack_builder_disable_rule(b, "zz.unknown", err),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_pack_builder_build(b, &pack, err),
                     KPISCAN_ERR_NOT_FOUND);
    ck_assert_ptr_null(pack);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "zz.unknown");
    kpiscan_pack_builder_free(b);

    /* An empty builder is a valid, empty pack (--no-default-pack). */
    b = kpiscan_pack_builder_new();
    ck_assert_int_eq(kpiscan_pack_builder_build(b, &pack, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_pack_rule_count(pack), 0);
    kpiscan_pack_free(pack);
    kpiscan_pack_builder_free(b);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_check_examples)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    const char *yaml = HEAD "rules:\n  - id: a\n    category: term\n"
                            "    level: none\n    weight: 1\n"
                            "    regex: '\\bKPIs?\\b'\n    description: d\n"
                            "    examples:\n      match: [\"tracked KPIs\"]\n"
                            "      reject: [\"SKPIX\", \"a KPI\"]\n";
    ck_assert_int_eq(load(yaml, &pack, err), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_pack_check_examples(pack, err),
                     KPISCAN_ERR_PACK_INVALID);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "\"a KPI\" must not match but does"));
    /* the rule's place split as a load error's: file, then its line */
    ck_assert_str_eq(kpiscan_error_file(err), "t.yaml");
    ck_assert_uint_eq(kpiscan_error_line(err), 5);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "t.yaml:5: "));
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
}
END_TEST

/* The default pack: loads, every rule is documented with phrases it must
 * and must not match, and they all hold. */
START_TEST(test_default_pack)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&pack, err), KPISCAN_OK);
    ck_assert_uint_ge(kpiscan_pack_rule_count(pack), 30);
    ck_assert_str_eq(kpiscan_pack_name(pack), "kpi");
    int per_category[6] = {0}, per_level[4] = {0};
    for (size_t i = 0; i < pack->nrules; i++) {
        const kps_rule *r = &pack->rules[i];
        ck_assert_msg(r->nmatch >= 1, "rule %s has no match example", r->id);
        ck_assert_msg(r->nreject >= 1, "rule %s has no reject example", r->id);
        per_category[r->category]++;
        if (r->category == KPISCAN_CATEGORY_INDICATOR)
            per_level[r->level]++;
    }
    ck_assert_int_gt(per_category[KPISCAN_CATEGORY_TERM], 0);
    ck_assert_int_gt(per_category[KPISCAN_CATEGORY_ACHIEVEMENT], 0);
    ck_assert_int_gt(per_category[KPISCAN_CATEGORY_TITLE], 0);
    ck_assert_int_gt(per_category[KPISCAN_CATEGORY_QUANTIFIED], 0);
    /* Four indicators per level on the card. */
    ck_assert_int_ge(per_level[KPISCAN_LEVEL_JUNIOR], 4);
    ck_assert_int_ge(per_level[KPISCAN_LEVEL_MID], 4);
    ck_assert_int_ge(per_level[KPISCAN_LEVEL_SENIOR], 4);
    ck_assert_uint_ge(pack->nquestions, 6);
    int rc = kpiscan_pack_check_examples(pack, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));

    size_t len = 0;
    const char *src = kpiscan_default_pack_source(&len);
    ck_assert_uint_eq(strlen(src), len);
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
}
END_TEST

/* The same pack text always gives the same hash, whatever its file name. */
START_TEST(test_hash_stable)
{
    kpiscan_pack *a = NULL, *b = NULL;
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(RULE_OK, strlen(RULE_OK), "x", &a, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(RULE_OK, strlen(RULE_OK), "y", &b, NULL),
        KPISCAN_OK);
    ck_assert_str_eq(kpiscan_pack_hash(a), kpiscan_pack_hash(b));
    kpiscan_pack_free(a);
    kpiscan_pack_free(b);

    /* work_only changes what a rule proves, so it changes the hash;
     * "false" is the default and leaves it alone */
    static const char *WORK_ONLY = HEAD "rules:\n"
                                        "  - id: a.b\n"
                                        "    category: term\n"
                                        "    level: none\n"
                                        "    weight: 1\n"
                                        "    work_only: true\n"
                                        "    regex: '\\bKPIs?\\b'\n"
                                        "    description: d\n";
    static const char *NOT_WORK_ONLY = HEAD "rules:\n"
                                            "  - id: a.b\n"
                                            "    category: term\n"
                                            "    level: none\n"
                                            "    weight: 1\n"
                                            "    work_only: false\n"
                                            "    regex: '\\bKPIs?\\b'\n"
                                            "    description: d\n";
    kpiscan_pack *c = NULL;
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(RULE_OK, strlen(RULE_OK), "x", &a, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(WORK_ONLY, strlen(WORK_ONLY), "y", &b, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_pack_load_buffer(
                         NOT_WORK_ONLY, strlen(NOT_WORK_ONLY), "z", &c, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(b->rules[0].work_only, 1);
    ck_assert_int_eq(c->rules[0].work_only, 0);
    ck_assert_str_ne(kpiscan_pack_hash(a), kpiscan_pack_hash(b));
    ck_assert_str_eq(kpiscan_pack_hash(a), kpiscan_pack_hash(c));
    kpiscan_pack_free(a);
    kpiscan_pack_free(b);
    kpiscan_pack_free(c);

    /* so does tool, which changes how a name in a list of names is
     * read */
    static const char *TOOL = HEAD "rules:\n"
                                   "  - id: a.b\n"
                                   "    category: term\n"
                                   "    level: none\n"
                                   "    weight: 1\n"
                                   "    work_only: true\n"
                                   "    tool: true\n"
                                   "    regex: '\\bKPIs?\\b'\n"
                                   "    description: d\n";
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(WORK_ONLY, strlen(WORK_ONLY), "x", &a, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(TOOL, strlen(TOOL), "y", &b, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(b->rules[0].tool, 1);
    ck_assert_int_eq(a->rules[0].tool, 0);
    ck_assert_str_ne(kpiscan_pack_hash(a), kpiscan_pack_hash(b));
    kpiscan_pack_free(a);
    kpiscan_pack_free(b);
}
END_TEST

/* A host program's locale does not change a pack's identity: the weights
 * were hashed as printf wrote them, "1,5" under de_DE. */
START_TEST(test_hash_ignores_locale)
{
    kpiscan_pack *a = NULL, *b = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&a, NULL), KPISCAN_OK);
    if (!use_comma_locale(__func__))
        return;
    ck_assert_int_eq(kpiscan_pack_load_default(&b, NULL), KPISCAN_OK);
    setlocale(LC_ALL, "C");
    ck_assert_str_eq(kpiscan_pack_hash(a), kpiscan_pack_hash(b));
    kpiscan_pack_free(a);
    kpiscan_pack_free(b);
}
END_TEST

/* Flow nesting is refused before libyaml sees it (libyaml is quadratic in
 * it); brackets inside scalars, comments and block scalars do not count. */
START_TEST(test_flow_depth)
{
    /* 100,000 levels: libyaml alone took minutes on this; refused at once. */
    const char *head = HEAD "rules: []\nquestions: ";
    size_t depth = 100000, hl = strlen(head);
    char *y = malloc(hl + 2 * depth + 2);
    ck_assert_ptr_nonnull(y);
    memcpy(y, head, hl);
    memset(y + hl, '[', depth);
    memset(y + hl + depth, ']', depth);
    memcpy(y + hl + 2 * depth, "\n", 2);
    expect_fail(y, KPISCAN_ERR_LIMIT, 5, "nested deeper than 64 levels");
    free(y);

    /* 64 levels are allowed (and reach the ordinary checks). */
    char deep[256];
    snprintf(deep, sizeof deep, "%srules: []\nquestions: ", HEAD);
    size_t n = strlen(deep);
    for (int i = 0; i < 64; i++)
        deep[n++] = '[';
    for (int i = 0; i < 64; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    expect_fail(deep, KPISCAN_ERR_PACK_INVALID, 0, "must be a mapping");

    /* Brackets in plain, quoted and block scalars and in comments. */
    kps_buf p = {0};
    const char *start = HEAD "# [[[[[[[[\nrules:\n"
                             "  - id: a\n    category: term\n"
                             "    level: none\n    weight: 1\n"
                             "    description: d [[[[ {{{{\n"
                             "    regex: KPI";
    ck_assert_int_eq(kps_buf_append(&p, start, strlen(start)), 0);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(kps_buf_append(&p, "[[]{{}", 6), 0);
    const char *mid = "\n  - id: b\n    category: term\n"
                      "    level: none\n    weight: 1\n"
                      "    description: |\n      [[[[[[\n      {{{{{{\n"
                      "    regex: \"KPI";
    ck_assert_int_eq(kps_buf_append(&p, mid, strlen(mid)), 0);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(kps_buf_append(&p, "[[]\\\\{", 6), 0);
    ck_assert_int_eq(kps_buf_append(&p, "\"\n", 2), 0);
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    ck_assert_msg(load(p.data, &pack, err) == KPISCAN_OK, "%s",
                  kpiscan_error_message(err));
    ck_assert_uint_eq(kpiscan_pack_rule_count(pack), 2);
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
    kps_buf_free(&p);
}
END_TEST

/* The density check: a rule that matches nearly everywhere scores high,
 * ordinary rules low; bad arguments are refused. */
START_TEST(test_match_density)
{
    static const char *const high[] = {"[a-z]", "\\w", ".", "\\S", "[^x]"};
    for (size_t i = 0; i < sizeof high / sizeof *high; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 HEAD "rules:\n  - {id: a, category: term, level: none, "
                      "weight: 1, regex: '%s', description: d}\n",
                 high[i]);
        kpiscan_pack *pack = NULL;
        ck_assert_int_eq(load(yaml, &pack, NULL), KPISCAN_OK);
        int d = kpiscan_pack_rule_match_density(pack, 0);
        ck_assert_msg(d >= 60 && d <= 100, "%s: %d", high[i], d);
        kpiscan_pack_free(pack);
    }
    kpiscan_pack *pack = NULL;
    ck_assert_int_eq(load(RULE_OK, &pack, NULL), KPISCAN_OK);
    ck_assert_int_lt(kpiscan_pack_rule_match_density(pack, 0), 5);
    ck_assert_int_eq(kpiscan_pack_rule_match_density(pack, 1),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_pack_rule_match_density(NULL, 0),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_pack_free(pack);
    ck_assert_int_eq(kpiscan_pack_load_default(&pack, NULL), KPISCAN_OK);
    for (size_t i = 0; i < kpiscan_pack_rule_count(pack); i++)
        ck_assert_msg(kpiscan_pack_rule_match_density(pack, i) < 50, "%s",
                      kpiscan_pack_rule_id(pack, i));
    kpiscan_pack_free(pack);
}
END_TEST

/* Regex features that would split UTF-8 characters or undo the library's
 * limits are refused, naming the rule and the feature. */
START_TEST(test_refused_regex_features)
{
    static const struct {
        const char *re, *needle;
    } bad[] = {
        {"KPI\\\\C", "using \\C is disabled"},
        {"(?<=\\\\C)KPI", "using \\C is disabled"},
        {"(*NO_JIT)KPI", "regex uses (*NO_JIT)"},
        {"(*LIMIT_MATCH=100)KPI", "regex uses (*LIMIT_MATCH=N)"},
        {"(*UTF)(*LIMIT_DEPTH=9)KPI", "regex uses (*LIMIT_DEPTH=N)"},
        {"(*LIMIT_HEAP=1)KPI", "regex uses (*LIMIT_HEAP=N)"},
        {"(*CRLF)(*LIMIT_RECURSION=5)KPI", "(*LIMIT_"},
        /* escapes a double-quoted YAML string decodes before PCRE2 sees
         * them: "\b" is a backspace, which would load and never match */
        {"\\bOKRs?\\b", "control character U+0008 at offset 0: in a "
                        "double-quoted YAML string"},
        {"KPI\\a", "control character U+0007 at offset 3"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 HEAD "rules:\n  - id: bad.feature\n    category: term\n"
                      "    level: none\n    weight: 1\n    regex: \"%s\"\n"
                      "    description: d\n",
                 bad[i].re);
        expect_fail(yaml, KPISCAN_ERR_PACK_REGEX, 9, bad[i].needle);
        expect_fail(yaml, KPISCAN_ERR_PACK_REGEX, 9, "rule 'bad.feature'");
    }
    /* Start items that change nothing the library relies on still load;
     * \X matches whole characters. */
    static const char *const fine[] = {"(*UTF)(*UCP)KPI", "(*CRLF)KPI\\\\X",
                                       "(*NOTEMPTY)KPI"};
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 HEAD "rules:\n  - {id: a, category: term, level: none, "
                      "weight: 1, regex: \"%s\", description: d}\n",
                 fine[i]);
        kpiscan_error *err = kpiscan_error_new();
        kpiscan_pack *pack = NULL;
        ck_assert_msg(load(yaml, &pack, err) == KPISCAN_OK, "%s: %s", fine[i],
                      kpiscan_error_message(err));
        kpiscan_pack_free(pack);
        kpiscan_error_free(err);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_load_ok);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_file_errors);
    tcase_add_test(tc, test_stacking);
    tcase_add_test(tc, test_check_examples);
    tcase_add_test(tc, test_default_pack);
    tcase_add_test(tc, test_hash_stable);
    tcase_add_test(tc, test_hash_ignores_locale);
    tcase_add_test(tc, test_flow_depth);
    tcase_add_test(tc, test_match_density);
    tcase_add_test(tc, test_refused_regex_features);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
