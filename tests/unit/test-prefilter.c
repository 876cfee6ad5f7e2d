/* test-prefilter.c - literal atoms, the Aho-Corasick matcher, and the
 * promise that matters: the prefiltered matcher finds exactly the hits of
 * running every rule over the whole text. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <dirent.h>
#include <pcre2.h>
#include <sys/stat.h>

#include "internal.h"
#include "testutil.h"

/* KPISCAN_TEST_STRIDE=N (scripts/check-valgrind.sh sets it) makes the two
 * largest comparisons below take every Nth case instead of all: under
 * memcheck they cost 270 of this suite's 340 seconds, and what memcheck
 * looks for (bad reads, leaks) shows on a sample as well as on the whole.
 * The plain and sanitizer runs leave it unset and compare everything. */
static size_t test_stride(void)
{
    static size_t stride; /* read once: sampled() asks for every case */
    if (!stride) {
        const char *s = getenv("KPISCAN_TEST_STRIDE");
        long n = s ? strtol(s, NULL, 10) : 1;
        stride = n > 1 ? (size_t)n : 1;
    }
    return stride;
}

/* Whether case number `n` of a sampled comparison runs. */
static int sampled(size_t n)
{
    return n % test_stride() == 0;
}

/* ------------------------------------------------------------------ */
/* Atom extraction                                                     */
/* ------------------------------------------------------------------ */

static void assert_atoms(const char *regex, const char *want)
{
    char *got = kps_prefilter_describe_regex(regex);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "regex %s: atoms \"%s\", want \"%s\"",
                  regex, got, want);
    free(got);
}

START_TEST(test_atoms_literals)
{
    assert_atoms("\\bKPI(?:'?s)?\\b", "kpi");
    assert_atoms("(?:developed|tracked)\\s+KPIs", "developed|tracked & kpis");
    assert_atoms("\\bkey[\\s-]{1,3}performance[\\s-]{1,3}indicators?\\b",
                 "performance & indicator & key");
    assert_atoms("[VHX]LOOKUPs?", "hlookup|vlookup|xlookup");
    assert_atoms("colou?r", "color|colour");
    assert_atoms("(ab|cd)ef", "abef|cdef");
    assert_atoms("ab|cd", "ab|cd");
    assert_atoms("kpi?", "kp");
    assert_atoms("a{2,}b", "a & b");
    assert_atoms("sr\\.\\s+analyst", "analyst & sr.");
    assert_atoms("\\d+\\s?%", "%");
    assert_atoms("[^k]pi", "pi");
    assert_atoms("rationali[sz]ed", "rationalised|rationalized");
    assert_atoms("(?i)kpi", "kpi");
    assert_atoms("(?i:KPI)s", "kpis");
    /* unsetting an option: the caseless atom is still required */
    assert_atoms("(?-i)KPI", "kpi");
    assert_atoms("(?-i:S)trategic", "strategic");
    assert_atoms("(?<name>kpi)|(?P<n2>okr)|(?'n3'metric)", "kpi|metric|okr");
    assert_atoms("(?>kpi)(?|a|b)", "kpia|kpib");
    assert_atoms("\\bKPI\\s+(?:tracking|reporting)\\b|\\bOKRs?\\b",
                 "okr|reporting|tracking");
    /* Lookarounds match no text: their words are not required. */
    assert_atoms("(?<=key )kpi(?!s)", "kpi");
    assert_atoms("(?<!senior |sr\\. )\\bdata\\s+analyst\\b", "analyst & data");
    /* Non-ASCII literals and classes break a run; the rest still counts. */
    assert_atoms("caf\xc3\xa9s", "caf & s");
    assert_atoms("[$\xe2\x82\xac\xc2\xa3]\\s?\\d+\\s?million", "million");
    assert_atoms("\xc5\xbftrategy", "trategy");
    /* Escaped punctuation and control escapes are literals. */
    assert_atoms("a\\-b\\/c\\tz", "a-b/c\\x09z");
    assert_atoms("[\\]x]y", "]y|xy");
}
END_TEST

static void assert_lead(const char *regex, const char *want)
{
    char *got = kps_prefilter_describe_lead(regex);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "regex %s: lead \"%s\", want \"%s\"",
                  regex, got, want);
    free(got);
}

/* What every match starts with. */
START_TEST(test_leads)
{
    assert_lead("\\bKPI(?:'?s)?\\b", "kpi");
    assert_lead("(?:developed|tracked)\\s+KPIs", "developed|tracked");
    assert_lead("(?<!senior |sr\\. )\\bdata\\s+analyst\\b", "data");
    assert_lead("\\b(?:(?:MS|Microsoft)\\s+)?Excel\\b|\\bGoogle\\s+Sheets",
                "excel|google|microsoft|ms");
    assert_lead("[VHX]LOOKUPs?", "hlookup|vlookup|xlookup");
    assert_lead("a*b", "a|b");
    assert_lead("(?:x{0}|y)z", "x|y|z"); /* x{0}: a harmless extra */
    assert_lead("(?i)(?=k)kpi", "kpi");
    assert_lead("(?:vp|svp|vpx)\\s", "svp|vp");
    /* No lead: a match may start with anything. */
    assert_lead("\\d+%", "*");
    assert_lead("\\w+\\s+kpi", "*");
    assert_lead("kpi|\\s+okr", "*");
    assert_lead("(?:kpi)?", "*");
    assert_lead("(?:kpi)?\\s", "*");
    assert_lead("caf\xc3\xa9", "caf");
    assert_lead("\xc3\xa9t\xc3\xa9", "*");
    assert_lead("(kpi)\\1", "*");
    assert_lead("\\Gkpi", "*");
}
END_TEST

/* Constructs the parser does not model, and patterns without a literal
 * that every match must contain, run on every document. */
START_TEST(test_atoms_always_run)
{
    static const char *const always[] = {
        "(kpi)\\1",
        "\\Qkpi\\E",
        "(?x-i) KPI",
        "(?x) k p i",
        "(*UTF)kpi",
        "kpi\\K",
        "\\x{4B}PI",
        "\\x4bpi",
        "\\113PI",
        "(?C1)kpi",
        "(?(1)a|b)kpi",
        "(kpi(?R)?)",
        "(kpi)(?1)",
        "(?&n)(?<n>kpi)",
        "(?P=n)kpi",
        "a{,3}kpi",
        "a{ 1 }kpi",
        "(?#c)kpi",
        "\\N{U+4B}pi",
        "\\p{L}+",
        ".*",
        "(?:kpi)?",
        "kpi|\\w+",
        "(?=kpi)",
        "",
        "\\ckpi",
        "(?^)kpi",
        "\\g1kpi",
        "\\k<n>kpi",
        "\\Gkpi",
        "(*positive_lookahead:k)kpi",
        "kpi{2}{3}",
        "{1}kpi",
        "kpi|",
        "\\u004B",
        "[\\x41]kpi",
        "[[:alpha:]\\Qk]\\E]kpi",
    };
    for (size_t i = 0; i < sizeof always / sizeof *always; i++)
        assert_atoms(always[i], "*");
}
END_TEST

/* Every rule of the default pack has a requirement (none run always),
 * and the ones we know look as expected. */
START_TEST(test_default_pack_atoms)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    ck_assert_ptr_nonnull(p->prefilter);
    ck_assert_uint_eq(kps_prefilter_always_count(p->prefilter), 0);
    for (size_t r = 0; r < p->nrules; r++) {
        char *d = kps_prefilter_describe_rule(p->prefilter, r);
        ck_assert_ptr_nonnull(d);
        if (strcmp(p->rules[r].id, "term.kpi") == 0)
            ck_assert_str_eq(d, "kpi @ \\bkpi");
        /* The audiences confirm its frequent verbs (a second top-level
         * branch would leave only the verbs: the costliest rule again). */
        if (strcmp(p->rules[r].id, "indicator.senior.leadership-reporting") ==
            0)
            ck_assert_msg(strstr(d, " & board|bod|c-level|") != NULL, "%s", d);
        /* "for" is in every resume: no filter */
        if (strcmp(p->rules[r].id, "redflag.responsible-no-outcome") == 0)
            ck_assert_str_eq(
                d, "responsible & kpi|metrics|performance @ \\bresponsible");
        if (strcmp(p->rules[r].id, "indicator.senior.balanced-scorecard") == 0)
            ck_assert_str_eq(d, "scorecard & balanced @ \\bbalanced");
        /* Rules that start at a frequent word need a set of rarer words to
         * confirm it: a two-letter atom ("BI", "HR") in the set loses it,
         * and every "director" and "head" runs the regex. */
        if (strcmp(p->rules[r].id, "title.senior-head") == 0 ||
            strcmp(p->rules[r].id, "title.senior-executive") == 0)
            ck_assert_msg(strncmp(d, "- ", 2) != 0, "%s: %s", p->rules[r].id,
                          d);
        /* The strategic-planning rule starts at its own word, not at the
         * positions of its look-behinds. */
        if (strcmp(p->rules[r].id, "indicator.senior.strategic-planning") == 0)
            ck_assert_str_eq(d, "strategic @ strategic");
        free(d);
    }
    kpiscan_pack_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Aho-Corasick                                                        */
/* ------------------------------------------------------------------ */

static int naive_contains(const char *text, size_t len, const char *atom)
{
    size_t n = strlen(atom);
    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;
        while (j < n) {
            unsigned char c = (unsigned char)text[i + j];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)atom[j])
                break;
            j++;
        }
        if (j == n)
            return 1;
    }
    return 0;
}

static void check_ac(const char *const *atoms, size_t natoms, const char *text,
                     size_t len)
{
    kps_ac *ac = kps_ac_build(atoms, natoms);
    ck_assert_ptr_nonnull(ac);
    unsigned char *found = malloc(natoms);
    kps_ac_scan(ac, text, len, found);
    for (size_t i = 0; i < natoms; i++)
        ck_assert_msg(found[i] == naive_contains(text, len, atoms[i]),
                      "atom \"%s\": found %d in \"%.*s\"", atoms[i], found[i],
                      (int)len, text);
    free(found);
    kps_ac_free(ac);
}

START_TEST(test_ac_classic)
{
    static const char *const atoms[] = {"he",  "she", "his",      "hers",
                                        "kpi", "%",   "\xc5\xbf", "a b"};
    const size_t n = sizeof atoms / sizeof *atoms;
    check_ac(atoms, n, "USHERS", 6);
    check_ac(atoms, n, "", 0);
    check_ac(atoms, n, "KP", 2);
    check_ac(atoms, n, "xKPI", 4);
    check_ac(atoms, n, "10 %", 4);
    check_ac(atoms, n, "\xc5\xbf A B", 6);
    check_ac(atoms, n, "hi\xc3\xa9s", 5);
}
END_TEST

/* Random atoms over a small alphabet (many overlaps and shared suffixes)
 * against a naive search. */
START_TEST(test_ac_random)
{
    static const char alphabet[] = "abAB- \xc3\xa9";
    unsigned seed = 12345;
#define RAND() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    for (int round = 0; round < 200; round++) {
        char store[40][8];
        const char *atoms[40];
        size_t natoms = 1 + RAND() % 40;
        for (size_t i = 0; i < natoms; i++) {
            size_t l = 1 + RAND() % 5;
            for (size_t j = 0; j < l; j++) {
                char c = alphabet[RAND() % (sizeof alphabet - 1)];
                store[i][j] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            }
            store[i][l] = '\0';
            atoms[i] = store[i];
        }
        char text[200];
        size_t len = RAND() % sizeof text;
        for (size_t j = 0; j < len; j++)
            text[j] = alphabet[RAND() % (sizeof alphabet - 1)];
        check_ac(atoms, natoms, text, len);
    }
#undef RAND
}
END_TEST

/* ------------------------------------------------------------------ */
/* Equivalence: prefiltered == brute force                             */
/* ------------------------------------------------------------------ */

static size_t docs_compared;

/* Compare both paths on normalised text; returns the number of hits. */
static size_t compare_paths(const kpiscan_pack *p, const char *text, size_t len,
                            const char *what)
{
    kps_hits a = {0}, b = {0};
    kpiscan_error *err = kpiscan_error_new();
    int ra = kps_match_all(p, text, len, 10000000, what, &a, err);
    int rb = kps_match_all_bruteforce(p, text, len, 10000000, what, &b, err);
    ck_assert_msg(ra == KPISCAN_OK && rb == KPISCAN_OK, "%s: %s", what,
                  kpiscan_error_message(err));
    ck_assert_msg(a.n == b.n, "%s: %zu hits prefiltered, %zu brute force", what,
                  a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        ck_assert_msg(
            a.v[i].rule == b.v[i].rule && a.v[i].start == b.v[i].start &&
                a.v[i].end == b.v[i].end,
            "%s: hit %zu differs: rule %s [%zu,%zu) vs %s [%zu,%zu)", what, i,
            p->rules[a.v[i].rule].id, a.v[i].start, a.v[i].end,
            p->rules[b.v[i].rule].id, b.v[i].start, b.v[i].end);
    /* Stronger than equality (a rule searched whole would hide a wrong
     * lead): every brute-force hit starts at one of its rule's
     * candidates, and stays one when its sentence is checked for the
     * words every match needs. */
    size_t bad = kps_match_first_uncandidated(p, text, len, &b);
    ck_assert_msg(bad != SIZE_MAX, "%s: out of memory", what);
    ck_assert_msg(bad == b.n,
                  "%s: rule %s matches at %zu, skipped or not a candidate",
                  what, p->rules[b.v[bad].rule].id, b.v[bad].start);
    size_t n = a.n;
    kps_hits_free(&a);
    kps_hits_free(&b);
    kpiscan_error_free(err);
    docs_compared++;
    return n;
}

/* Decode and normalise a file as a scan does, then compare. */
static size_t compare_file(const kpiscan_pack *p, const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    kps_buf buf = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ck_assert_int_eq(kps_buf_append(&buf, chunk, n), 0);
    fclose(f);
    kps_limits lim;
    kps_limits_default(&lim);
    kps_doc doc = {0};
    size_t hits = 0;
    if (kps_text_decode((const unsigned char *)(buf.data ? buf.data : ""),
                        buf.len, path, &lim, &doc, NULL) == KPISCAN_OK) {
        kps_norm norm = {0};
        ck_assert_int_eq(kps_normalize(doc.text, doc.len, NULL, &norm, NULL),
                         KPISCAN_OK);
        hits = compare_paths(p, norm.text, norm.len, path);
        kps_norm_free(&norm);
    }
    kps_doc_free(&doc);
    kps_buf_free(&buf);
    return hits;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Compare every regular file under dir (recursively) whose name ends with
 * suffix ("" for all); with `seen`, only the sampled ones (it counts the
 * files met, across calls).  Returns the number of files compared. */
static size_t compare_tree(const kpiscan_pack *p, const char *dir,
                           const char *suffix, size_t *hits, size_t *seen)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            files += compare_tree(p, path, suffix, hits, seen);
        } else if (S_ISREG(st.st_mode) && ends_with(e->d_name, suffix)) {
            if (!seen || sampled((*seen)++)) {
                *hits += compare_file(p, path);
                files++;
            }
        }
    }
    closedir(d);
    return files;
}

START_TEST(test_equal_on_examples)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    size_t hits = 0;
    size_t files = compare_tree(p, src_path("examples"), ".txt", &hits, NULL);
    ck_assert_uint_ge(files, 5);
    ck_assert_uint_gt(hits, 20); /* the comparison saw real evidence */
    /* The development set, when the project has one. */
    compare_tree(p, src_path("tests/data/devset"), "", &hits, NULL);
    kpiscan_pack_free(p);
}
END_TEST

/* The real resumes of the shared corpus, all of them (~10 MB), the ones
 * with broken encodings, and the DOCX CVs. */
START_TEST(test_equal_on_corpus)
{
    const char *corpus = getenv("KPISCAN_CORPUS");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/resumes-txt", corpus ? corpus : "");
    struct stat st;
    if (!corpus || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "test-prefilter: no corpus at %s, skipped\n", dir);
        return;
    }
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    size_t hits = 0, seen = 0;
    size_t files = compare_tree(p, dir, ".txt", &hits, &seen);
    ck_assert_uint_ge(files, 1000 / test_stride());
    ck_assert_uint_gt(hits, files); /* real resumes give evidence */
    snprintf(dir, sizeof dir, "%s/resumes-bad-encoding", corpus);
    compare_tree(p, dir, "", &hits, &seen);
    kpiscan_pack_free(p);
}
END_TEST

/* Whole scans through the public API, with and without the prefilter,
 * give the same level and the same evidence: covers every extractor
 * (DOCX included) and the scoring on top of the matcher. */
static void compare_scans(kpiscan_pack *p, const char *path)
{
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    kpiscan_result *with = NULL, *without = NULL;
    int rw = kpiscan_scan_file(p, o, path, &with, NULL);
    kps_prefilter *saved = p->prefilter;
    p->prefilter = NULL;
    int rb = kpiscan_scan_file(p, o, path, &without, NULL);
    p->prefilter = saved;
    ck_assert_msg(rw == rb, "%s: status %d with prefilter, %d without", path,
                  rw, rb);
    if (rw == KPISCAN_OK) {
        size_t n = kpiscan_result_evidence_count(with);
        ck_assert_int_eq(kpiscan_result_level(with),
                         kpiscan_result_level(without));
        ck_assert_msg(n == kpiscan_result_evidence_count(without),
                      "%s: evidence count differs", path);
        for (size_t i = 0; i < n; i++) {
            const kpiscan_evidence *a = kpiscan_result_evidence(with, i);
            const kpiscan_evidence *b = kpiscan_result_evidence(without, i);
            ck_assert_str_eq(kpiscan_evidence_rule_id(a),
                             kpiscan_evidence_rule_id(b));
            ck_assert_uint_eq(kpiscan_evidence_offset(a),
                              kpiscan_evidence_offset(b));
            ck_assert_uint_eq(kpiscan_evidence_length(a),
                              kpiscan_evidence_length(b));
        }
    }
    kpiscan_result_free(with);
    kpiscan_result_free(without);
    kpiscan_options_free(o);
}

static size_t compare_scan_tree(kpiscan_pack *p, const char *dir,
                                const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            files += compare_scan_tree(p, path, suffix);
        else if (S_ISREG(st.st_mode) && ends_with(e->d_name, suffix)) {
            compare_scans(p, path);
            files++;
        }
    }
    closedir(d);
    return files;
}

START_TEST(test_scan_same_without_prefilter)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    ck_assert_uint_ge(compare_scan_tree(p, src_path("examples"), ".txt"), 5);
    const char *corpus = getenv("KPISCAN_CORPUS");
    if (corpus) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/resumes-docx", corpus);
        compare_scan_tree(p, dir, ".docx");
    }
    kpiscan_pack_free(p);
}
END_TEST

/* Replace every ASCII 'old' (either case) by the UTF-8 sequence rep. */
static char *replace_letter(const char *s, char old, const char *rep)
{
    kps_buf b = {0};
    for (; *s; s++) {
        int hit = *s == old || *s == old - 'a' + 'A';
        ck_assert_int_eq(hit ? kps_buf_append(&b, rep, strlen(rep))
                             : kps_buf_putc(&b, *s),
                         0);
    }
    if (!b.data)
        ck_assert_int_eq(kps_buf_putc(&b, '\0'), 0);
    return b.data;
}

static char *upper(const char *s)
{
    char *u = kps_strdup(s);
    for (char *c = u; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    return u;
}

static size_t compare_raw(const kpiscan_pack *p, const char *text,
                          const char *what)
{
    kps_norm norm = {0};
    ck_assert_int_eq(kps_normalize(text, strlen(text), NULL, &norm, NULL),
                     KPISCAN_OK);
    size_t n = compare_paths(p, norm.text, norm.len, what);
    kps_norm_free(&norm);
    return n;
}

/* Texts of a few KB run the automaton over their two halves at once, the
 * second half starting from a warmed-up state (record_halves() in
 * prefilter.c).  Every match example, repeated to fill texts whose lengths
 * put the middle at different phases of the repetition, must still give
 * exactly the brute-force hits: atoms that end just before, at and just
 * after the middle. */
START_TEST(test_equal_across_halves)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    static const size_t extra[] = {0, 1, 2, 3, 5, 8, 13};
    /* counted across examples, so a sample takes each example at other
     * lengths than its neighbours' */
    size_t cases = 0;
    for (size_t r = 0; r < p->nrules; r++) {
        for (size_t i = 0; i < p->rules[r].nmatch; i++) {
            const char *ex = p->rules[r].match_examples[i];
            size_t exlen = strlen(ex);
            for (size_t k = 0; k < sizeof extra / sizeof extra[0]; k++) {
                if (!sampled(cases++))
                    continue;
                size_t len = 4 * KPS_PF_CHUNK + extra[k] + exlen % 7;
                /* zeroed slack: PCRE2's JIT reads past the subject */
                char *text = calloc(1, len + 16);
                ck_assert_ptr_nonnull(text);
                for (size_t j = 0; j < len; j++) {
                    size_t at = j % (exlen + 1);
                    text[j] = at < exlen ? ex[at] : ' ';
                }
                compare_paths(p, text, len, ex);
                free(text);
            }
        }
    }
    kpiscan_pack_free(p);
}
END_TEST

/* Every match example of the default pack, in hostile dress: upper case,
 * k and s spelt as KELVIN SIGN and LONG S (caseless equal under Unicode
 * folding, invisible to an ASCII automaton), surrounded by other scripts,
 * glued to the start and end of the text. */
START_TEST(test_equal_adversarial)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    size_t folded_hits = 0;
    for (size_t r = 0; r < p->nrules; r++) {
        for (size_t i = 0; i < p->rules[r].nmatch; i++) {
            const char *ex = p->rules[r].match_examples[i];
            char *up = upper(ex);
            char *kelvin = replace_letter(ex, 'k', "\xe2\x84\xaa");
            char *longs = replace_letter(ex, 's', "\xc5\xbf");
            char *both = replace_letter(kelvin, 's', "\xc5\xbf");
            char mixed[2048];
            snprintf(mixed, sizeof mixed,
                     "\xd0\x9a\xd0\x9f\xd0\x98 \xce\xba\xcf\x80 %s "
                     "\xe6\x8c\x87\xe6\xa0\x87 %s\xc3\xa9",
                     ex, up);
            ck_assert_uint_gt(compare_raw(p, ex, ex), 0);
            compare_raw(p, up, ex);
            folded_hits += compare_raw(p, kelvin, ex);
            folded_hits += compare_raw(p, longs, ex);
            folded_hits += compare_raw(p, both, ex);
            compare_raw(p, mixed, ex);
            free(up);
            free(kelvin);
            free(longs);
            free(both);
        }
        for (size_t i = 0; i < p->rules[r].nreject; i++)
            compare_raw(p, p->rules[r].reject_examples[i], "reject example");
    }
    ck_assert_uint_gt(folded_hits, 0);
    /* The known case, spelt out: KELVIN SIGN + "PIs" is "KPIs". */
    const char *kelvin_kpi = "Tracked \xe2\x84\xaaPIs weekly";
    kps_hits hits = {0};
    ck_assert_int_eq(kps_match_all(p, kelvin_kpi, strlen(kelvin_kpi), 100000,
                                   "t", &hits, NULL),
                     KPISCAN_OK);
    int found = 0;
    for (size_t i = 0; i < hits.n; i++)
        found |= strcmp(p->rules[hits.v[i].rule].id, "term.kpi") == 0;
    ck_assert_msg(found, "KELVIN SIGN KPIs not found by the prefiltered path");
    kps_hits_free(&hits);
    /* Texts with nothing in them, and atoms cut by the text's end. */
    compare_raw(p, "", "empty");
    compare_raw(p, "k", "k");
    compare_raw(p, "KP", "KP");
    compare_raw(p, "\xc3\xa9", "e acute");
    compare_raw(p, "x KPI", "KPI at the end");
    compare_raw(p, "KPI", "KPI alone");
    kpiscan_pack_free(p);
}
END_TEST

static size_t utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 63));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 63));
        o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 63));
    o[2] = (char)(0x80 | ((cp >> 6) & 63));
    o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* The fallback list must cover every non-ASCII character that the linked
 * PCRE2 matches caselessly against an ASCII character: a document with
 * one of them must run every rule.  Found by asking PCRE2 itself. */
START_TEST(test_fold_fallback_complete)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *any_ascii =
        pcre2_compile((PCRE2_SPTR) "[\\x{21}-\\x{7e}]", PCRE2_ZERO_TERMINATED,
                      PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED,
                      &ec, &eo, NULL);
    ck_assert_ptr_nonnull(any_ascii);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    /* A pack with one rule per printable ASCII character c, "x" c "y"
     * (c escaped when it is not alphanumeric), whose one atom holds c. */
    kps_buf yaml = {0};
    const char *head = "format: 1\nname: f\nversion: '1'\nrules:\n";
    ck_assert_int_eq(kps_buf_append(&yaml, head, strlen(head)), 0);
    for (int c = 0x21; c < 0x7f; c++) {
        char line[160], lit[4] = {0};
        if (isalnum(c))
            lit[0] = (char)c;
        else if (c == '\'')
            memcpy(lit, "\\''", 3); /* YAML doubles the quote */
        else {
            lit[0] = '\\';
            lit[1] = (char)c;
        }
        snprintf(line, sizeof line,
                 "  - {id: c%d, category: term, level: none, weight: 1, "
                 "regex: 'x%sy', description: d}\n",
                 c, lit);
        ck_assert_int_eq(kps_buf_append(&yaml, line, strlen(line)), 0);
    }
    kpiscan_pack *p = NULL;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_msg(kpiscan_pack_load_buffer(yaml.data, yaml.len, "f.yaml", &p,
                                           err) == KPISCAN_OK,
                  "%s", kpiscan_error_message(err));
    size_t folding = 0;
    for (uint32_t cp = 0x80; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp < 0xE000)
            continue;
        char ch[5];
        size_t n = utf8_encode(cp, ch);
        if (pcre2_match(any_ascii, (PCRE2_SPTR)ch, n, 0, 0, md, NULL) >= 0) {
            folding++;
            char text[16];
            snprintf(text, sizeof text, "x%.*sy", (int)n, ch);
            ck_assert_uint_gt(compare_raw(p, text, "folding character"), 0);
        }
    }
    ck_assert_uint_ge(folding, 2); /* U+017F, U+212A at least */
    kpiscan_pack_free(p);
    kps_buf_free(&yaml);
    kpiscan_error_free(err);
    pcre2_match_data_free(md);
    pcre2_code_free(any_ascii);
}
END_TEST

/* The prefilter really filters: a text without KPI words runs no rule of
 * the default pack, and one folding character makes every rule run over
 * the whole text. */
START_TEST(test_select)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    const kps_prefilter *pf = p->prefilter;
    kps_pf_scan st = {0};
    const char *plain = "Gardener. Mowed lawns in the spring.";
    ck_assert_int_eq(kps_prefilter_scan(pf, plain, strlen(plain), &st),
                     KPISCAN_OK);
    ck_assert_uint_eq(st.nactive, 0);
    ck_assert_int_eq(st.run_all, 0);
    const char *kpi = "Tracked KPIs, and kpi";
    ck_assert_int_eq(kps_prefilter_scan(pf, kpi, strlen(kpi), &st), KPISCAN_OK);
    ck_assert_uint_ge(st.nactive, 1);
    ck_assert_uint_lt(st.nactive, p->nrules);
    size_t term_kpi = 0;
    while (strcmp(p->rules[term_kpi].id, "term.kpi") != 0)
        term_kpi++;
    ck_assert(st.active[term_kpi]);
    const size_t *cand;
    size_t ncand;
    ck_assert_int_eq(kps_prefilter_candidates(pf, &st, term_kpi, &cand, &ncand),
                     1);
    ck_assert_uint_eq(ncand, 2);
    ck_assert_uint_eq(cand[0], 8);
    ck_assert_uint_eq(cand[1], 18);
    /* An atom across the automaton's chunk boundary.  Zeroed beyond the
     * text: PCRE2's JIT reads up to 15 bytes past a subject (the library
     * pads its normalised texts the same way, see lib/normalize.c). */
    char *long_text = calloc(1, KPS_PF_CHUNK + 64);
    ck_assert_ptr_nonnull(long_text);
    memset(long_text, ' ', KPS_PF_CHUNK - 2);
    strcpy(long_text + KPS_PF_CHUNK - 2, "KPIs tracked");
    ck_assert_int_eq(kps_prefilter_scan(pf, long_text, strlen(long_text), &st),
                     KPISCAN_OK);
    ck_assert(st.active[term_kpi]);
    ck_assert_int_eq(kps_prefilter_candidates(pf, &st, term_kpi, &cand, &ncand),
                     1);
    ck_assert_uint_eq(ncand, 1);
    ck_assert_uint_eq(cand[0], KPS_PF_CHUNK - 2);
    ck_assert_uint_eq(compare_paths(p, long_text, strlen(long_text), "chunk"),
                      1);
    free(long_text);
    const char *folded = "Planted ro\xc5\xbf"
                         "es";
    ck_assert_int_eq(kps_prefilter_scan(pf, folded, strlen(folded), &st),
                     KPISCAN_OK);
    ck_assert_uint_eq(st.nactive, p->nrules);
    ck_assert_int_eq(st.run_all, 1);
    ck_assert_int_eq(kps_prefilter_candidates(pf, &st, term_kpi, &cand, &ncand),
                     0);
    kps_pf_scan_free(&st);
    kpiscan_pack_free(p);
}
END_TEST

/* A rule whose every branch starts with \b and whose lead atoms start
 * with a word character gets no candidate right after a word character
 * ("on" inside "production"); any other rule keeps them all.  The hits
 * stay those of brute force either way. */
START_TEST(test_word_start_candidates)
{
    static const struct {
        const char *regex;
        const char *lead; /* describe_rule's part after " @ " */
        size_t ncand;     /* in the text below */
    } cases[] = {
        {"\\b(?:on|at)\\s+budget\\b", "\\bat|on", 3},
        {"(?:on|at)\\s+budget\\b", "at|on", 5},
        {"\\bon\\s+target|at\\s+budget", "at|on", 5},
        {"\\b(?:on|at)[|\\s]+budget", "\\bat|on", 3},
        {"\\b(?:on|at)\\s+budget|\\bflat\\s+budget", "\\bat|flat|on", 4},
        {"\\b(?:on|-on)\\s+budget", "-on|on", 3},
        {"\\b[(]?on\\s+budget", "(on|on", 3},
        {"\\Qon\\E\\s+budget", "*", 0},
        /* extended mode (a comment may hide a top-level '|'): no lead at
         * all, and never a word start */
        {"\\b(?ix:on|at)\\s+budget", "*", 0},
    };
    /* "on" at 8 is inside a word, at 26 and 60 it starts one; "at" at 39
     * is inside "flat" (at 37), at 49 it starts one. */
    const char *text = "Production budget, weekly on budget; flat budget at "
                       "budget; on budget.";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "format: 1\nname: w\nversion: '1'\nrules:\n"
                 "  - id: r\n    category: term\n    level: none\n"
                 "    weight: 1\n    description: d\n    regex: '%s'\n",
                 cases[i].regex);
        kpiscan_pack *p = NULL;
        ck_assert_msg(kpiscan_pack_load_buffer(yaml, strlen(yaml), "w.yaml", &p,
                                               NULL) == KPISCAN_OK,
                      "%s: pack does not load", cases[i].regex);
        char *d = kps_prefilter_describe_rule(p->prefilter, 0);
        ck_assert_ptr_nonnull(d);
        const char *at = strstr(d, " @ ");
        ck_assert_ptr_nonnull(at);
        ck_assert_msg(strcmp(at + 3, cases[i].lead) == 0,
                      "%s: lead \"%s\", want \"%s\"", cases[i].regex, at + 3,
                      cases[i].lead);
        free(d);
        kps_pf_scan st = {0};
        ck_assert_int_eq(
            kps_prefilter_scan(p->prefilter, text, strlen(text), &st),
            KPISCAN_OK);
        const size_t *cand = NULL;
        size_t ncand = 0;
        if (st.active[0])
            kps_prefilter_candidates(p->prefilter, &st, 0, &cand, &ncand);
        ck_assert_msg(ncand == cases[i].ncand, "%s: %zu candidates, want %zu",
                      cases[i].regex, ncand, cases[i].ncand);
        kps_pf_scan_free(&st);
        compare_paths(p, text, strlen(text), cases[i].regex);
        kpiscan_pack_free(p);
    }
}
END_TEST

/* One rule's candidates and what the sentence check keeps of them, on
 * each text of a table; the hits must be those of brute force. */
typedef struct candidate_case {
    const char *text;
    size_t candidates, confirmed, hits;
} candidate_case;

static void check_candidate_cases(const char *regex,
                                  const candidate_case *cases, size_t ncases)
{
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "format: 1\nname: c\nversion: '1'\nrules:\n"
             "  - id: r\n    category: term\n    level: none\n"
             "    weight: 1\n    description: d\n    regex: '%s'\n",
             regex);
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(yaml, strlen(yaml), "c.yaml", &p, NULL),
        KPISCAN_OK);
    ck_assert(kps_prefilter_confirmable(p->prefilter, 0));
    for (size_t i = 0; i < ncases; i++) {
        const char *text = cases[i].text;
        size_t len = strlen(text);
        kps_pf_scan st = {0};
        ck_assert_int_eq(kps_prefilter_scan(p->prefilter, text, len, &st),
                         KPISCAN_OK);
        ck_assert_msg(st.active[0], "case %zu: rule inactive", i);
        const size_t *cand = NULL;
        size_t ncand = 0;
        ck_assert_int_eq(
            kps_prefilter_candidates(p->prefilter, &st, 0, &cand, &ncand), 1);
        ck_assert_msg(ncand == cases[i].candidates,
                      "case %zu: %zu candidates, want %zu", i, ncand,
                      cases[i].candidates);
        for (size_t k = 1; k < ncand; k++)
            ck_assert_uint_lt(cand[k - 1], cand[k]);
        uint32_t *ends = NULL;
        size_t nends = 0, cap = 0;
        ck_assert_int_eq(kps_sentence_ends(text, len, &ends, &nends, &cap), 0);
        kps_prefilter_confirm(p->prefilter, &st, 0, ends, nends, &ncand);
        ck_assert_msg(ncand == cases[i].confirmed,
                      "case %zu: %zu candidates confirmed, want %zu", i, ncand,
                      cases[i].confirmed);
        free(ends);
        kps_pf_scan_free(&st);
        ck_assert_uint_eq(compare_paths(p, text, len, text), cases[i].hits);
    }
    kpiscan_pack_free(p);
}

/* A candidate whose sentence lacks a word every match needs is dropped
 * before PCRE2 runs: "management" must stand between the lead and the
 * next line break that ends a sentence, and a line wrapped mid-sentence
 * is no such break.  The hits stay those of brute force. */
START_TEST(test_confirm_in_sentence)
{
    static const candidate_case cases[] = {
        /* short lines: the next line is another item */
        {"Reported daily figures\nManagement team\nPresented plans\n", 2, 0, 0},
        /* a blank line ends the sentence */
        {"Reported weekly figures to\n\nmanagement. Presented plans", 2, 0, 0},
        /* wrapped mid-sentence: goes on in lower case */
        {"Reported weekly figures to\nmanagement; presented plans to "
         "management",
         2, 2, 2},
        /* in the sentence but after a full stop: confirmed, no match */
        {"Reported sales. Management liked it. Presented plans", 2, 1, 0},
    };
    check_candidate_cases("\\b(?:reported|presented)\\b[^.]{0,60}?\\bto\\s+"
                          "management\\b",
                          cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* The candidate and confirm steps take a shortcut when only one atom of
 * the lead, or of a set, occurs in the text, and merge in a bitmap when
 * several do: both ways keep the same candidates. */
START_TEST(test_one_atom_or_several)
{
    static const candidate_case cases[] = {
        /* one lead atom, both set atoms */
        {"Reported figures to management. Reported sales to leadership.", 2, 2,
         2},
        /* one lead atom, also inside a word (no candidate there), one set
         * atom */
        {"Unreported figures to management; reported sales to management", 1, 1,
         1},
        /* both lead atoms, one set atom, which only the first candidate
         * has after it */
        {"Reported figures to management; presented plans to nobody", 2, 1, 1},
        /* both lead atoms, both set atoms, one candidate with neither after
         * it in its sentence */
        {"Management heard it. Leadership too. Reported figures to "
         "leadership; presented plans to management.\nPresented it",
         3, 2, 2},
        /* a set atom only before the candidate */
        {"Leadership asked and we reported", 1, 0, 0},
        /* one lead atom, one set atom after it, but past a blank line
         * that ends the sentence */
        {"Reported figures to\n\nmanagement", 1, 0, 0},
        /* the same past the first 64 bytes, where the sentence ends are
         * looked up by block */
        {"Figures were gathered by the whole team in every week of the "
         "year, then reported to\n\nmanagement",
         1, 0, 0},
        /* sentence ends in block 0 and in block 1 before the candidate:
         * the lookup skips them and must still walk to the one after */
        {"Filler line number one is here.\n\nFiller line number two is "
         "here.\n\nFiller three.\n\nReported figures to management",
         1, 1, 1},
        /* the same with both set atoms in the text (the bitmap way) */
        {"Leadership asked for it, twice.\n\nFiller line number two is "
         "here.\n\nFiller three.\n\nReported figures to management",
         1, 1, 1},
    };
    check_candidate_cases("\\b(?:reported|presented)\\b[^.]{0,60}?\\bto\\s+"
                          "(?:management|leadership)\\b",
                          cases, sizeof cases / sizeof cases[0]);
}
END_TEST

/* A match that needs more JIT stack than PCRE2's default 32 KiB: the
 * matcher makes the 1 MiB stack on demand and runs that match again, with
 * the result the brute-force path (the same code) gets. */
START_TEST(test_jit_stack_on_demand)
{
    const char *yaml = "format: 1\nname: s\nversion: '1'\nrules:\n"
                       "  - {id: deep, category: term, level: none, "
                       "weight: 1, regex: '\\b(x|y)+z', description: d}\n";
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(yaml, strlen(yaml), "s.yaml", &p, NULL),
        KPISCAN_OK);
    size_t n = 20000;
    char *text = malloc(n + 8);
    for (size_t i = 0; i < n; i++)
        text[i] = "xy"[i % 2];
    memcpy(text + n, "z end", 6);
    kps_hits hits = {0};
    ck_assert_int_eq(kps_match_all(p, text, n + 5, 10000000, "t", &hits, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(hits.n, 1);
    ck_assert_uint_eq(hits.v[0].start, 0);
    ck_assert_uint_eq(hits.v[0].end, n + 1);
    kps_hits_free(&hits);
    compare_paths(p, text, n + 5, "deep");
    free(text);
    kpiscan_pack_free(p);
}
END_TEST

/* A rule compiled with PCRE2_USE_OFFSET_LIMIT serves windowed searches
 * itself; one compiled without gets a copy compiled with it. */
START_TEST(test_window_code_reuse)
{
    int ec;
    PCRE2_SIZE eo;
    uint32_t base = PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP;
    kps_rule rules[2];
    memset(rules, 0, sizeof rules);
    rules[0].regex = (char *)"\\bKPIs?\\b";
    rules[1].regex = (char *)"\\bOKRs?\\b";
    rules[0].code =
        pcre2_compile((PCRE2_SPTR)rules[0].regex, PCRE2_ZERO_TERMINATED,
                      base | PCRE2_USE_OFFSET_LIMIT, &ec, &eo, NULL);
    rules[1].code = pcre2_compile((PCRE2_SPTR)rules[1].regex,
                                  PCRE2_ZERO_TERMINATED, base, &ec, &eo, NULL);
    ck_assert_ptr_nonnull(rules[0].code);
    ck_assert_ptr_nonnull(rules[1].code);
    kps_prefilter *pf = NULL;
    ck_assert_int_eq(kps_prefilter_build(rules, 2, &pf), KPISCAN_OK);
    ck_assert_ptr_eq(kps_prefilter_window_code(pf, 0), rules[0].code);
    const void *copy = kps_prefilter_window_code(pf, 1);
    ck_assert_ptr_nonnull(copy);
    ck_assert_ptr_ne(copy, rules[1].code);
    uint32_t options = 0;
    ck_assert_int_eq(pcre2_pattern_info(copy, PCRE2_INFO_ARGOPTIONS, &options),
                     0);
    ck_assert_uint_eq(options, base | PCRE2_USE_OFFSET_LIMIT);
    kps_prefilter_free(pf); /* frees the copy only */
    pcre2_code_free(rules[0].code);
    pcre2_code_free(rules[1].code);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("prefilter");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_atoms_literals);
    tcase_add_test(tc, test_atoms_always_run);
    tcase_add_test(tc, test_leads);
    tcase_add_test(tc, test_default_pack_atoms);
    tcase_add_test(tc, test_ac_classic);
    tcase_add_test(tc, test_ac_random);
    tcase_add_test(tc, test_select);
    tcase_add_test(tc, test_jit_stack_on_demand);
    tcase_add_test(tc, test_window_code_reuse);
    tcase_add_test(tc, test_word_start_candidates);
    tcase_add_test(tc, test_confirm_in_sentence);
    tcase_add_test(tc, test_one_atom_or_several);
    tcase_add_test(tc, test_equal_on_examples);
    tcase_add_test(tc, test_equal_adversarial);
    tcase_add_test(tc, test_equal_across_halves);
    tcase_add_test(tc, test_fold_fallback_complete);
    tcase_add_test(tc, test_equal_on_corpus);
    tcase_add_test(tc, test_scan_same_without_prefilter);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
