/*
 * test-docx-conformance.c - the DOCX extractor against third-party
 * fixtures with known text (pandoc, mammoth.js, textract), found under
 * ../shared/corpus/docx-conformance.
 *
 * Usage: test-docx-conformance [CORPUS_DIR]
 *   CORPUS_DIR (or $KPISCAN_CORPUS) is the shared corpus folder, the one
 *   holding docx-conformance/.  Exit 77 (skip) when it is absent.
 *
 * Comparison: both texts are cut into words (runs of ASCII letters, runs of
 * digits, single punctuation marks, single non-ASCII characters; white
 * space separates) and compared
 * as word *sequences*: recall = LCS / expected words, precision = LCS /
 * extracted words, where LCS is the length of their longest common
 * subsequence.  Order therefore counts (a word found in the wrong place
 * counts as missed), but the extra text a plain-text extractor legitimately
 * produces (list numbers pandoc renders elsewhere, etc.) only lowers
 * precision, which is reported but not asserted.
 *
 * Asserted: mean recall >= 99 % and every fixture's recall >= 90 %, both
 * over the fixtures not in the justified exclusions below (those are still
 * extracted, must not fail, and are reported); the text-box text appears once;
 * empty.zip is refused as "not a DOCX".
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static const char *corpus_dir;

static const kps_limits test_limits = {
    .max_input_bytes = 64u << 20,
    .max_text_bytes = 16u << 20,
    .max_zip_entries = 10000,
    .max_part_bytes = 64u << 20,
    .max_total_bytes = 256u << 20,
    .max_ratio = 100,
    .ratio_floor = 1u << 20,
    .max_xml_depth = 256,
    .match_limit = 1000000,
};

/* Fixtures whose recall may stay under 90 %, and why.  Each is still
 * extracted and reported; it only escapes the per-fixture bar. */
static const struct {
    const char *docx;
    const char *reason;
} exclusions[] = {
    {"pandoc/image.docx",
     "the missing words are the picture's alt text (wp:docPr/@descr), which "
     "no reader sees on the page"},
    {"pandoc/inline_images.docx",
     "the missing words are the pictures' alt text (wp:docPr/@descr)"},
    {"pandoc/notes.docx",
     "note text is read from its own part after the body; pandoc inlines it "
     "at the reference mark, so the sequence differs, not the words"},
    {"pandoc/paragraph_insertion_deletion.docx",
     "the accepted deletion of a paragraph mark joins \"split\" and "
     "\"Paragraph.\" with no space, as Word shows it; pandoc's words keep "
     "them apart"},
    {"pandoc/special_punctuation.docx",
     "by design a soft hyphen is dropped and a non-breaking hyphen is "
     "written as '-'; pandoc keeps U+00AD and U+2011"},
    {"pandoc/task_list.docx",
     "the missing words are the list bullets (U+2610, U+2612) defined in "
     "numbering.xml; list markers are not document text here"},
    {"pandoc/deep_normalize.docx",
     "pandoc's words cut \"third\" into \"th i rd\" at formatting runs "
     "inside the word; the text is the same"},
    {NULL, NULL},
};

static const char *excluded(const char *docx)
{
    for (size_t i = 0; exclusions[i].docx; i++)
        if (strcmp(exclusions[i].docx, docx) == 0)
            return exclusions[i].reason;
    return NULL;
}

/* ---- files ---------------------------------------------------------- */

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- words and LCS --------------------------------------------------- */

typedef struct words {
    char **v;
    size_t n, cap;
    char *store;
} words;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

typedef enum char_class { C_SPACE, C_LETTER, C_DIGIT, C_PUNCT } char_class;

static char_class classify(unsigned char c)
{
    if (is_space((char)c))
        return C_SPACE;
    if (c >= '0' && c <= '9')
        return C_DIGIT;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80)
        return C_LETTER; /* any non-ASCII byte counts as a letter */
    return C_PUNCT;
}

/* Split text into words: runs of ASCII letters, runs of digits, single
 * punctuation marks and single non-ASCII characters.  Cutting at punctuation
 * and at letter/digit changes makes the comparison blind to where a fixture's
 * expected tokens were cut at formatting changes (pandoc's "italic ," for
 * "<i>italic</i>,", "m 2" for "m<sub>2</sub>"), while white space still
 * separates words. */
static void words_split(words *w, const char *text, size_t len)
{
    memset(w, 0, sizeof *w);
    /* at most one NUL per byte: room for len words of 1 byte */
    w->store = malloc(2 * len + 1);
    ck_assert_ptr_nonnull(w->store);
    size_t o = 0, i = 0;
    while (i < len) {
        char_class c = classify((unsigned char)text[i]);
        if (c == C_SPACE) {
            i++;
            continue;
        }
        size_t j = i + 1;
        if ((unsigned char)text[i] >= 0x80) {
            /* one non-ASCII character is one word: CJK has no spaces */
            while (j < len && ((unsigned char)text[j] & 0xC0) == 0x80)
                j++;
        } else if (c != C_PUNCT) {
            while (j < len && (unsigned char)text[j] < 0x80 &&
                   classify((unsigned char)text[j]) == c)
                j++;
        }
        if (w->n == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 64;
            w->v = realloc(w->v, w->cap * sizeof *w->v);
            ck_assert_ptr_nonnull(w->v);
        }
        w->v[w->n++] = w->store + o;
        memcpy(w->store + o, text + i, j - i);
        o += j - i;
        w->store[o++] = '\0';
        i = j;
    }
}

static void words_free(words *w)
{
    free(w->v);
    free(w->store);
}

/* Length of the longest common subsequence, O(n*m) time, O(m) space. */
static size_t lcs(const words *a, const words *b)
{
    size_t m = b->n;
    size_t *prev = calloc(m + 1, sizeof *prev);
    size_t *cur = calloc(m + 1, sizeof *cur);
    ck_assert(prev && cur);
    for (size_t i = 1; i <= a->n; i++) {
        for (size_t j = 1; j <= m; j++) {
            if (strcmp(a->v[i - 1], b->v[j - 1]) == 0)
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    size_t r = prev[m];
    free(prev);
    free(cur);
    return r;
}

/* ---- one comparison --------------------------------------------------- */

typedef struct tally {
    size_t files;
    double recall_sum;
    size_t counted;        /* files not excluded */
    double counted_recall; /* their recall sum */
    double min_recall;
    char min_file[300];
    size_t failures; /* under 90 % and not excluded */
} tally;

static void tally_init(tally *t)
{
    memset(t, 0, sizeof *t);
    t->min_recall = 1.0;
}

/* Extract docx_path and compare its words with expected text. */
static void compare(tally *t, const char *label, const char *docx_path,
                    const char *expected, size_t expected_len)
{
    size_t len;
    unsigned char *data = slurp(docx_path, &len);
    ck_assert_msg(data != NULL, "cannot read %s", docx_path);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc = kps_docx_extract(data, len, label, &test_limits, 0, &doc, err);
    const char *text = "";
    size_t text_len = 0;
    if (rc == KPISCAN_OK) {
        text = doc.text;
        text_len = doc.len;
    } else {
        /* an empty document has no words: fine when none are expected */
        ck_assert_msg(rc == KPISCAN_ERR_EMPTY, "%s: %s", label,
                      kpiscan_error_message(err));
    }
    words got, want;
    words_split(&got, text, text_len);
    words_split(&want, expected, expected_len);
    size_t common = lcs(&want, &got);
    double recall = want.n ? (double)common / (double)want.n : 1.0;
    double precision =
        got.n ? (double)common / (double)got.n : (want.n ? 0.0 : 1.0);
    const char *why = excluded(label);
    printf("%-48s recall %6.2f%%  precision %6.2f%%  (%zu/%zu words)%s%s\n",
           label, 100 * recall, 100 * precision, common, want.n,
           why ? "  excluded: " : "", why ? why : "");
    t->files++;
    t->recall_sum += recall;
    if (recall < t->min_recall) {
        t->min_recall = recall;
        snprintf(t->min_file, sizeof t->min_file, "%s", label);
    }
    if (recall < 0.90 && !why)
        t->failures++;
    if (!why) {
        t->counted++;
        t->counted_recall += recall;
    }
    words_free(&got);
    words_free(&want);
    if (rc == KPISCAN_OK)
        kps_doc_free(&doc);
    kpiscan_error_free(err);
    free(data);
}

/* ---- the three sources ------------------------------------------------ */

/* Split a TSV line in place into at most max fields. */
static size_t tsv_fields(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    size_t n = strlen(s);
    if (n && s[n - 1] == '\r')
        s[n - 1] = '\0';
    return s;
}

static void run_pandoc(tally *t)
{
    char *base = path_join(corpus_dir, "docx-conformance/pandoc");
    char *tsv_path = path_join(base, "pairs.tsv");
    size_t len;
    char *tsv = (char *)slurp(tsv_path, &len);
    ck_assert_msg(tsv != NULL, "cannot read %s", tsv_path);
    tsv = realloc(tsv, len + 1);
    tsv[len] = '\0';
    char *cursor = tsv, *line;
    int header = 1;
    while ((line = next_line(&cursor)) != NULL) {
        if (header) {
            header = 0;
            continue;
        }
        char *f[4];
        if (tsv_fields(line, f, 4) < 3)
            continue;
        const char *docx = f[0], *native = f[1], *opts = f[2];
        int accept = strcmp(opts, "readerTrackChanges=AcceptChanges") == 0;
        if (strcmp(opts, "default") != 0 && !accept)
            continue;
        char stem[256];
        snprintf(stem, sizeof stem, "%s", native);
        char *dot = strrchr(stem, '.');
        if (dot)
            *dot = '\0';
        char rel[512];
        snprintf(rel, sizeof rel, "expected-words/%s.words.txt", stem);
        char *words_path = path_join(base, rel);
        snprintf(rel, sizeof rel, "test/docx/%s", docx);
        char *docx_path = path_join(base, rel);
        size_t wlen;
        char *expected = (char *)slurp(words_path, &wlen);
        ck_assert_msg(expected != NULL, "cannot read %s", words_path);
        char label[300];
        snprintf(label, sizeof label, "pandoc/%s", docx);
        compare(t, label, docx_path, expected, wlen);
        free(expected);
        free(words_path);
        free(docx_path);
    }
    free(tsv);
    free(tsv_path);
    free(base);
}

/* mammoth's expected.tsv writes paragraph breaks as a literal "\n". */
static size_t unescape_paragraphs(char *s)
{
    size_t o = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1] == 'n') {
            s[o++] = '\n';
            i++;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

static void run_mammoth(tally *t)
{
    char *base = path_join(corpus_dir, "docx-conformance/mammoth");
    char *tsv_path = path_join(base, "expected.tsv");
    size_t len;
    char *tsv = (char *)slurp(tsv_path, &len);
    ck_assert_msg(tsv != NULL, "cannot read %s", tsv_path);
    tsv = realloc(tsv, len + 1);
    tsv[len] = '\0';
    char *cursor = tsv, *line;
    int header = 1;
    while ((line = next_line(&cursor)) != NULL) {
        if (header) {
            header = 0;
            continue;
        }
        char *f[3];
        if (tsv_fields(line, f, 3) < 2)
            continue;
        const char *file = f[0];
        char *expected = f[1];
        size_t n = strlen(file);
        if (n < 5 || strcmp(file + n - 5, ".docx") != 0)
            continue; /* the zips: see test_empty_zip_rejected */
        size_t elen = unescape_paragraphs(expected);
        char rel[512];
        snprintf(rel, sizeof rel, "test/test-data/%s", file);
        char *docx_path = path_join(base, rel);
        char label[300];
        snprintf(label, sizeof label, "mammoth/%s", file);
        compare(t, label, docx_path, expected, elen);
        free(docx_path);
    }
    free(tsv);
    free(tsv_path);
    free(base);
}

static void run_textract(tally *t)
{
    static const char *const names[] = {"paragraphs_and_tables", "raw_text"};
    char *base = path_join(corpus_dir, "docx-conformance/textract/tests/docx");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "%s.txt", names[i]);
        char *txt_path = path_join(base, rel);
        snprintf(rel, sizeof rel, "%s.docx", names[i]);
        char *docx_path = path_join(base, rel);
        size_t elen;
        char *expected = (char *)slurp(txt_path, &elen);
        ck_assert_msg(expected != NULL, "cannot read %s", txt_path);
        char label[300];
        snprintf(label, sizeof label, "textract/%s.docx", names[i]);
        compare(t, label, docx_path, expected, elen);
        free(expected);
        free(txt_path);
        free(docx_path);
    }
    free(base);
}

static void report(const char *what, const tally *t)
{
    printf("%s: %zu fixtures, mean recall %.2f%% (%.2f%% without the %zu "
           "exclusions), min recall %.2f%% (%s), %zu under 90%% not excluded\n",
           what, t->files,
           t->files ? 100 * t->recall_sum / (double)t->files : 0,
           t->counted ? 100 * t->counted_recall / (double)t->counted : 0,
           t->files - t->counted, 100 * t->min_recall,
           t->min_file[0] ? t->min_file : "-", t->failures);
}

/* ---- tests ------------------------------------------------------------ */

START_TEST(test_pandoc_fixtures)
{
    tally t;
    tally_init(&t);
    run_pandoc(&t);
    report("pandoc", &t);
    ck_assert_uint_gt(t.files, 70);
    ck_assert_msg(t.failures == 0, "%zu pandoc fixtures under 90%% recall",
                  t.failures);
}
END_TEST

START_TEST(test_mammoth_fixtures)
{
    tally t;
    tally_init(&t);
    run_mammoth(&t);
    report("mammoth", &t);
    ck_assert_uint_ge(t.files, 14);
    ck_assert_msg(t.failures == 0, "%zu mammoth fixtures under 90%% recall",
                  t.failures);
}
END_TEST

START_TEST(test_textract_fixtures)
{
    tally t;
    tally_init(&t);
    run_textract(&t);
    report("textract", &t);
    ck_assert_uint_eq(t.files, 2);
    ck_assert_msg(t.failures == 0, "%zu textract fixtures under 90%% recall",
                  t.failures);
}
END_TEST

START_TEST(test_mean_recall)
{
    tally t;
    tally_init(&t);
    run_pandoc(&t);
    run_mammoth(&t);
    run_textract(&t);
    report("all", &t);
    /* the bar holds for the fixtures not excluded above */
    double mean = t.counted_recall / (double)t.counted;
    ck_assert_msg(mean >= 0.99, "mean word recall %.2f%% < 99%%", 100 * mean);
}
END_TEST

START_TEST(test_text_box_read_once)
{
    char *path = path_join(
        corpus_dir, "docx-conformance/mammoth/test/test-data/text-box.docx");
    size_t len;
    unsigned char *data = slurp(path, &len);
    ck_assert_ptr_nonnull(data);
    kps_doc doc;
    ck_assert_int_eq(kps_docx_extract(data, len, "text-box.docx", &test_limits,
                                      0, &doc, NULL),
                     KPISCAN_OK);
    const char *first = strstr(doc.text, "Datum plane");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "Datum plane"));
    kps_doc_free(&doc);
    free(data);
    free(path);
}
END_TEST

START_TEST(test_empty_zip_rejected)
{
    char *path = path_join(corpus_dir,
                           "docx-conformance/mammoth/test/test-data/empty.zip");
    size_t len;
    unsigned char *data = slurp(path, &len);
    ck_assert_ptr_nonnull(data);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(
        kps_docx_extract(data, len, "empty.zip", &test_limits, 0, &doc, err),
        KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_str_eq(kpiscan_error_reason(err), "not a DOCX document");
    ck_assert_ptr_null(doc.text);
    kpiscan_error_free(err);
    free(data);
    free(path);
}
END_TEST

int main(int argc, char **argv)
{
    corpus_dir = argc > 1 ? argv[1] : getenv("KPISCAN_CORPUS");
    char probe[4096];
    if (!corpus_dir ||
        (size_t)snprintf(probe, sizeof probe, "%s/docx-conformance",
                         corpus_dir) >= sizeof probe ||
        !is_dir(probe)) {
        printf("SKIP: no corpus (pass the shared corpus folder as argv[1] "
               "or $KPISCAN_CORPUS)\n");
        return 77;
    }

    Suite *s = suite_create("docx-conformance");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pandoc_fixtures);
    tcase_add_test(tc, test_mammoth_fixtures);
    tcase_add_test(tc, test_textract_fixtures);
    tcase_add_test(tc, test_mean_recall);
    tcase_add_test(tc, test_text_box_read_once);
    tcase_add_test(tc, test_empty_zip_rejected);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
