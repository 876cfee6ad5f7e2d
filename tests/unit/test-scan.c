/* test-scan.c - the whole pipeline through the public API. */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"

static kpiscan_pack *default_pack(void)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    return p;
}

static kpiscan_options *pinned(void)
{
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    return o;
}

static const kpiscan_evidence *find_rule(const kpiscan_result *r,
                                         const char *prefix)
{
    for (size_t i = 0; i < kpiscan_result_evidence_count(r); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(r, i);
        if (strncmp(kpiscan_evidence_rule_id(ev), prefix, strlen(prefix)) == 0)
            return ev;
    }
    return NULL;
}

static int scan_text(const kpiscan_pack *p, const kpiscan_options *o,
                     const char *text, kpiscan_result **res, kpiscan_error *err)
{
    return kpiscan_scan_buffer(p, o, text, strlen(text), "t.txt", res, err);
}

/* The card's own resume lines are KPI evidence with exact positions. */
START_TEST(test_card_lines)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    const char *text =
        "Jane Roe\n"
        "Experience\n"
        "Developed and tracked KPIs that improved team performance by 25%\n"
        "Created monthly KPI dashboards for executive leadership team\n";
    ck_assert_int_eq(scan_text(p, o, text, &r, err), KPISCAN_OK);
    ck_assert_int_ne(kpiscan_result_level(r), KPISCAN_LEVEL_NONE);
    const kpiscan_evidence *ev = find_rule(r, "term.");
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_eq(kpiscan_evidence_line(ev), 3);
    ck_assert_uint_eq(kpiscan_evidence_column(ev), 23);
    ck_assert_str_eq(kpiscan_evidence_text(ev), "KPIs");
    ck_assert_uint_eq(kpiscan_evidence_offset(ev),
                      (size_t)(strstr(text, "KPIs") - text));
    ck_assert_str_eq(kpiscan_evidence_section(ev), "experience");
    ck_assert_str_eq(kpiscan_result_format(r), "text");
    ck_assert_str_eq(kpiscan_result_name(r), "t.txt");
    ck_assert_int_eq(kpiscan_result_as_of(r), 20260601);
    /* Every point of score is an evidence item's contribution. */
    double sum[4] = {0};
    for (size_t i = 0; i < kpiscan_result_evidence_count(r); i++) {
        const kpiscan_evidence *e = kpiscan_result_evidence(r, i);
        int lvl = kpiscan_evidence_level(e);
        if (lvl > 0 &&
            kpiscan_evidence_category(e) != KPISCAN_CATEGORY_RED_FLAG)
            sum[lvl] += kpiscan_evidence_contribution(e);
    }
    for (int l = 1; l <= 3; l++)
        ck_assert_double_eq_tol(sum[l], kpiscan_result_score(r, l), 1e-9);
    kpiscan_result_free(r);
    kpiscan_result_free(NULL);
    kpiscan_options_free(o);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

/* Columns count code points; offsets point into the decoded document text
 * even where normalisation changed the bytes (ligature, curly quote). */
START_TEST(test_positions_through_normalisation)
{
    kpiscan_pack *p = default_pack();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    /* "ﬁ" (3 bytes) and "’" (3 bytes) before the KPI on line 2. */
    const char *text = "Summary\n\xef\xac\x81rm\xe2\x80\x99s \xc3\xa9 KPIs\n";
    ck_assert_int_eq(scan_text(p, NULL, text, &r, err), KPISCAN_OK);
    const kpiscan_evidence *ev = find_rule(r, "term.");
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_eq(kpiscan_evidence_line(ev), 2);
    ck_assert_uint_eq(kpiscan_evidence_column(ev), 9);
    ck_assert_uint_eq(kpiscan_evidence_offset(ev),
                      (size_t)(strstr(text, "KPIs") - text));
    ck_assert_str_eq(kpiscan_evidence_text(ev), "KPIs");
    size_t len;
    const char *doc = kpiscan_result_text(r, &len);
    ck_assert_str_eq(doc, text);
    ck_assert_uint_eq(len, strlen(text));
    kpiscan_result_free(r);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

/* CRLF and Windows-1252 bytes: the document text is decoded, positions
 * refer to it. */
START_TEST(test_messy_bytes)
{
    kpiscan_pack *p = default_pack();
    kpiscan_result *r = NULL;
    const char *text = "Skills\r\nManager\x92s KPIs \x96 metrics\r\n";
    ck_assert_int_eq(scan_text(p, NULL, text, &r, NULL), KPISCAN_OK);
    size_t len;
    const char *doc = kpiscan_result_text(r, &len);
    ck_assert_str_eq(doc, "Skills\nManager\xe2\x80\x99s KPIs \xe2\x80\x93 "
                          "metrics\n");
    const kpiscan_evidence *ev = find_rule(r, "term.");
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_eq(kpiscan_evidence_line(ev), 2);
    ck_assert_uint_eq(kpiscan_evidence_column(ev), 11);
    ck_assert_str_eq(kpiscan_evidence_section(ev), "skills");
    kpiscan_result_free(r);
    kpiscan_pack_free(p);
}
END_TEST

static void expect_error(const kpiscan_pack *p, const void *data, size_t len,
                         int status, const char *needle)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = (kpiscan_result *)1;
    int rc = kpiscan_scan_buffer(p, NULL, data, len, "bad.bin", &r, err);
    ck_assert_msg(rc == status, "status %d want %d: %s", rc, status,
                  kpiscan_error_message(err));
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(kpiscan_error_message(err), needle),
                  "'%s' not in '%s'", needle, kpiscan_error_message(err));
    ck_assert_msg(strncmp(kpiscan_error_message(err), "bad.bin: ", 9) == 0,
                  "file not named: %s", kpiscan_error_message(err));
    kpiscan_error_free(err);
}

START_TEST(test_input_errors)
{
    kpiscan_pack *p = default_pack();
    expect_error(p, "", 0, KPISCAN_ERR_EMPTY, "empty document");
    expect_error(p, " \n\t\n", 4, KPISCAN_ERR_EMPTY, "empty document");
    expect_error(p, "KPI\0\0\0binary", 12, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (binary data: a NUL byte at offset 3)");
    /* what a folder holds beside resumes is named by its first bytes */
    expect_error(p, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (an image: PNG)");
    expect_error(p, "\xff\xd8\xff\xe0\0\x10JFIF\0", 11, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (an image: JPEG)");
    expect_error(p, "RIFF\x10\0\0\0WEBPVP8 ", 16, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (an image: WebP)");
    expect_error(p, "\x1f\x8b\x08\0\0\0\0\0", 8, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (a gzip archive)");
    expect_error(p, "RIFF\x10\0\0\0WAVEfmt ", 16, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (a video or audio file)");
    expect_error(p,
                 "\0\0\0\x18"
                 "ftypheix\0\0\0\0",
                 16, KPISCAN_ERR_NOT_TEXT,
                 "not a text document (an image: HEIC)");
#ifdef KPISCAN_HAVE_PDF
    /* Read by the helper (KPISCAN_PDF_HELPER in the test environment),
     * which finds no PDF structure in it. */
    expect_error(p, "%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", 22, KPISCAN_ERR_CORRUPT,
                 "corrupt or truncated PDF");
#else
    expect_error(p, "%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", 22,
                 KPISCAN_ERR_UNSUPPORTED_FORMAT, "built without PDF support");
#endif
    /* RTF is read (test-rtf.c); one that shows nothing is empty */
    expect_error(p, "{\\rtf1{\\fonttbl KPI;}}", 22, KPISCAN_ERR_EMPTY,
                 "RTF document with no text");
    /* a Word 97-2003 document is read (test-worddoc.c); a compound file
     * cut short is damage */
    expect_error(p, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0", 12,
                 KPISCAN_ERR_CORRUPT, "corrupt OLE compound file");
    /* A ZIP cut short before its Word parts: corrupt, in the words of
     * the kind its name says. */
    {
        static const char cut[] = "PK\x03\x04\x14\0\0\0\x08\0\0\0\0\0"
                                  "\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0[Con";
        const char *names[] = {"cv.docx", "cv.ODT", "cv.zip.docx"};
        const char *want[] = {"cv.docx: corrupt DOCX: its end",
                              "cv.ODT: corrupt ODT: its end",
                              "cv.zip.docx: corrupt DOCX: its end"};
        for (int i = 0; i < 3; i++) {
            kpiscan_error *e = kpiscan_error_new();
            kpiscan_result *res = NULL;
            ck_assert_int_eq(kpiscan_scan_buffer(p, NULL, cut, sizeof cut - 1,
                                                 names[i], &res, e),
                             KPISCAN_ERR_CORRUPT);
            ck_assert_msg(strstr(kpiscan_error_message(e), want[i]), "%s",
                          kpiscan_error_message(e));
            kpiscan_error_free(e);
        }
    }
    /* An empty zip archive: not a DOCX. */
    expect_error(p, "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22,
                 KPISCAN_ERR_UNSUPPORTED_FORMAT, "not a document (a ZIP");

    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_max_input_bytes(o, 10);
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, o, "KPIs and more KPIs", 18, "big", &r, err),
        KPISCAN_ERR_LIMIT);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "(max_input_bytes)"));
    /* each bad argument is named, so the caller knows which it was */
    ck_assert_int_eq(kpiscan_scan_buffer(NULL, o, "x", 1, "n", &r, err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_str_eq(kpiscan_error_message(err), "n: no pack (NULL)");
    ck_assert_int_eq(kpiscan_scan_buffer(p, o, NULL, 10, "n", &r, err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_str_eq(kpiscan_error_message(err),
                     "n: no data (NULL) for 10 bytes");
    ck_assert_int_eq(kpiscan_scan_buffer(p, o, "x", 1, "n", NULL, err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_str_eq(kpiscan_error_message(err), "n: no result pointer");
    ck_assert_str_eq(kpiscan_strerror(KPISCAN_ERR_LIMIT), "limit exceeded");
    ck_assert_str_eq(kpiscan_strerror(KPISCAN_ERR_ENCRYPTED),
                     "password-protected document");
    kpiscan_error_free(err);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_scan_file_errors)
{
    kpiscan_pack *p = default_pack();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(kpiscan_scan_file(p, NULL, "/nonexistent/cv.txt", &r, err),
                     KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "/nonexistent/cv.txt: cannot open"));
    ck_assert_ptr_null(strstr(kpiscan_error_message(err), "blank"));
    /* a blank kept at an end of a listed name is said, not left unseen */
    ck_assert_int_eq(
        kpiscan_scan_file(p, NULL, "/nonexistent/cv.txt ", &r, err),
        KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "(the name begins or ends with a blank)"));
    ck_assert_int_eq(kpiscan_scan_file(p, NULL, "/", &r, err), KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "directory"));
    ck_assert_int_eq(kpiscan_scan_file(p, NULL, "/dev/null", &r, err),
                     KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "not a regular file"));
    /* A FIFO with no writer is refused at once, as the header promises:
     * the open does not wait for a writer that may never come. */
    char fifo[] = "/tmp/kpiscan-fifo-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(fifo));
    char fifo_path[64];
    snprintf(fifo_path, sizeof fifo_path, "%s/cv.txt", fifo);
    ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
    ck_assert_int_eq(kpiscan_scan_file(p, NULL, fifo_path, &r, err),
                     KPISCAN_ERR_IO);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "not a regular file"));
    unlink(fifo_path);
    rmdir(fifo);
    ck_assert_int_eq(
        kpiscan_scan_file(p, NULL, src_path("examples/senior-1.txt"), &r, err),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_result_level(r), KPISCAN_LEVEL_SENIOR);
    kpiscan_result_free(r);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

/* "Present" resolves against the as-of date, so years move with it. */
START_TEST(test_as_of)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = kpiscan_options_new();
    const char *text =
        "Experience\nAnalyst, Jan 2020 - Present\nTracked KPIs\n";
    kpiscan_result *r = NULL;
    kpiscan_options_set_as_of(o, 2021, 1, 15);
    ck_assert_int_eq(scan_text(p, o, text, &r, NULL), KPISCAN_OK);
    double y1 = kpiscan_result_years(r);
    ck_assert_uint_ge(kpiscan_result_span_count(r), 1);
    const kpiscan_span *sp = kpiscan_result_span(r, 0);
    ck_assert_int_eq(kpiscan_span_is_statement(sp), 0);
    ck_assert_int_eq(kpiscan_span_start(sp), 202001);
    ck_assert_int_eq(kpiscan_span_end(sp), 202101);
    ck_assert_uint_eq(kpiscan_span_line(sp), 2);
    kpiscan_result_free(r);
    kpiscan_options_set_as_of(o, 2026, 1, 15);
    ck_assert_int_eq(scan_text(p, o, text, &r, NULL), KPISCAN_OK);
    ck_assert_double_gt(kpiscan_result_years(r), y1 + 4.5);
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A range whose dash a job-board export left as an HTML reference is a
 * range, and its evidence points at the reference as written. */
START_TEST(test_html_reference_dates)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    const char *text = "Experience\nAnalyst, Acme 2012&ndash;2015\n"
                       "Tracked KPIs&mdash;weekly for R&amp;D\n";
    kpiscan_result *r = NULL;
    ck_assert_int_eq(scan_text(p, o, text, &r, NULL), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_result_span_count(r), 1);
    const kpiscan_span *sp = kpiscan_result_span(r, 0);
    ck_assert_int_eq(kpiscan_span_start(sp), 201201);
    ck_assert_int_eq(kpiscan_span_end(sp), 201501);
    ck_assert_double_eq_tol(kpiscan_result_years(r), 3.0, 0.01);
    const kpiscan_evidence *ev = find_rule(r, "term.kpi");
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_eq(kpiscan_evidence_line(ev), 3);
    ck_assert_uint_eq(kpiscan_evidence_offset(ev),
                      (size_t)(strstr(text, "KPIs") - text));
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* One pack, many threads: every scan gives the single-threaded answer. */
typedef struct job {
    const kpiscan_pack *pack;
    const char *path;
    int level;
    size_t nev;
    int failures;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    kpiscan_options *o = pinned();
    kpiscan_error *err = kpiscan_error_new();
    for (int i = 0; i < 40; i++) {
        kpiscan_result *r = NULL;
        if (kpiscan_scan_file(j->pack, o, j->path, &r, err) != KPISCAN_OK ||
            kpiscan_result_level(r) != j->level ||
            kpiscan_result_evidence_count(r) != j->nev)
            j->failures++;
        kpiscan_result_free(r);
    }
    kpiscan_error_free(err);
    kpiscan_options_free(o);
    return NULL;
}

START_TEST(test_threads_share_pack)
{
    static const char *files[] = {"examples/junior-1.txt", "examples/mid-1.txt",
                                  "examples/senior-2.txt",
                                  "examples/messy.txt"};
    enum { N = 8 };
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    job jobs[N];
    char paths[N][4096];
    for (int i = 0; i < N; i++) {
        snprintf(paths[i], sizeof paths[i], "%s", src_path(files[i % 4]));
        kpiscan_result *r = NULL;
        ck_assert_int_eq(kpiscan_scan_file(p, o, paths[i], &r, NULL),
                         KPISCAN_OK);
        jobs[i] = (job){p, paths[i], kpiscan_result_level(r),
                        kpiscan_result_evidence_count(r), 0};
        kpiscan_result_free(r);
    }
    pthread_t t[N];
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A catastrophic user rule ends the scan with a match-limit error. */
START_TEST(test_match_limit_scan)
{
    const char *yaml = "format: 1\nname: slow\nversion: '1'\nrules:\n"
                       "  - {id: slow, category: term, level: none, weight: 1,"
                       " regex: '(\\w+\\s?)+$', description: d}\n";
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(
        kpiscan_pack_load_buffer(yaml, strlen(yaml), "slow.yaml", &p, NULL),
        KPISCAN_OK);
    char text[200];
    memset(text, 'a', sizeof text);
    memcpy(text + 150, "  !", 3);
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, NULL, text, sizeof text, "x.txt", &r, err),
        KPISCAN_ERR_MATCH_LIMIT);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "slow");
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

static const kps_flag *find_flag(const kpiscan_result *r, const char *id)
{
    for (size_t i = 0; i < r->nflags; i++)
        if (strcmp(r->flags[i].id, id) == 0)
            return &r->flags[i];
    return NULL;
}

/* Past the evidence limit, matches are dropped (the first ones in text
 * order are kept) and counted in a red flag; below it, nothing changes. */
START_TEST(test_evidence_limit)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    static const char line[] = "Tracked KPIs and improved team performance "
                               "by 25%.\n";
    size_t reps = 40, n = reps * (sizeof line - 1);
    char *text = malloc(n + 1);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * (sizeof line - 1), line, sizeof line - 1);
    text[n] = '\0';

    kpiscan_result *all = NULL, *cut = NULL;
    ck_assert_int_eq(scan_text(p, o, text, &all, NULL), KPISCAN_OK);
    size_t total = kpiscan_result_evidence_count(all);
    ck_assert_uint_gt(total, 20);
    ck_assert_ptr_null(find_flag(all, "evidence-limit"));

    ck_assert_int_eq(kpiscan_options_set_max_evidence(o, 20), KPISCAN_OK);
    ck_assert_int_eq(scan_text(p, o, text, &cut, NULL), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_result_evidence_count(cut), 20);
    for (size_t i = 0; i < 20; i++)
        ck_assert_uint_eq(
            kpiscan_evidence_offset(kpiscan_result_evidence(cut, i)),
            kpiscan_evidence_offset(kpiscan_result_evidence(all, i)));
    const kps_flag *f = find_flag(cut, "evidence-limit");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->count, total - 20);
    ck_assert_ptr_nonnull(strstr(f->message, "max_evidence"));
    char *json = kpiscan_result_to_json(cut, o, 0);
    ck_assert_ptr_nonnull(strstr(json, "\"id\":\"evidence-limit\""));
    free(json);

    /* exactly at the limit: nothing dropped, no flag */
    kpiscan_result *exact = NULL;
    ck_assert_int_eq(kpiscan_options_set_max_evidence(o, total), KPISCAN_OK);
    ck_assert_int_eq(scan_text(p, o, text, &exact, NULL), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_result_evidence_count(exact), total);
    ck_assert_ptr_null(find_flag(exact, "evidence-limit"));

    ck_assert_int_eq(kpiscan_options_set_max_evidence(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_evidence(NULL, 5),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_result_free(all);
    kpiscan_result_free(cut);
    kpiscan_result_free(exact);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
    free(text);
}
END_TEST

/* Which date ranges count as jobs that show KPI work: a sub-heading of the
 * job's own kind ("Responsibilities:") does not end the job, and a long
 * line that starts with its dates heads a job of its own. */
START_TEST(test_kpi_jobs_layouts)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    static const struct {
        const char *text;
        int kpi_job[2];
    } cases[] = {
        {"EXPERIENCE\nOperations Analyst, Acme - Jan 2019 - Present\n"
         "Responsibilities:\n- Tracked weekly KPIs for the warehouse team "
         "and reported them to the manager.\nEDUCATION\nBSc, 2014 - 2018\n",
         {1, 0}},
        /* the second job's header runs into its text on one line (PDF
         * conversions): a job of its own, not part of the first */
        {"EXPERIENCE\nReporting Analyst, Acme 05/2019 to Current\n"
         "Built weekly KPI dashboards for the sales directors.\n"
         "Sports Writer 06/2010 to 05/2019 Company Name City , State Wrote "
         "match reports and feature stories for the weekend edition of the "
         "paper.\n",
         {1, 0}},
        {"EXPERIENCE\n2021 - present, Developer.\nResponsibilities:\n"
         "2012 - 2021, Engineer. Responsible for target KPI during cluster "
         "acceptance. Troubleshooting. Scripts preparation and "
         "implementation. BTS, BSC, RNC, eNodeB.\n",
         {0, 1}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        kpiscan_result *r = NULL;
        ck_assert_int_eq(scan_text(p, o, cases[c].text, &r, NULL), KPISCAN_OK);
        ck_assert_uint_eq(r->nspans, 2);
        for (size_t i = 0; i < 2; i++)
            ck_assert_msg(r->spans[i].kpi_job == cases[c].kpi_job[i],
                          "case %zu, range %zu (%s): kpi_job %d", c, i,
                          r->spans[i].text, r->spans[i].kpi_job);
        kpiscan_result_free(r);
    }
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A profile exported from an online form: each field's label is glued to
 * the end of the line before it.  The degree's dates are education, the
 * job's are work, and the job's dashboards are shown in work. */
START_TEST(test_profile_export_fields)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    const char *text =
        "Skills * Python, SQL, Tableau.Education Details \n"
        "August 2012 to May 2016 B.Tech Computer Science Pune University\n"
        "Data Analyst\n"
        "\n"
        "Skill Details \n"
        "Tableau- Exprience - 36 monthsCompany Details \n"
        "company - Northwind Traders\n"
        "description - June 2021 to Present: built weekly KPI dashboards "
        "for the regional sales managers.\n";
    kpiscan_result *r = NULL;
    ck_assert_int_eq(scan_text(p, o, text, &r, NULL), KPISCAN_OK);
    /* June 2021 to June 2026 only; the degree would add four years */
    ck_assert_double_eq_tol(kpiscan_result_years(r), 5.0, 1e-9);
    const kpiscan_evidence *ev = find_rule(r, "indicator.mid.dashboards");
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(kpiscan_evidence_section(ev), "experience");
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A job under an education or skills heading (a two-column CV whose
 * sidebar heading stands over the jobs column) is work, and so is what is
 * written in it, up to the next dated line or heading; the courses after
 * it stay education. */
START_TEST(test_job_under_other_heading_is_work)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    static const struct {
        const char *text;
        const char *level;
    } cases[] = {
        {"Jane Doe\nEDUCATION\n2016, May  NORTHWIND, Ltd\n"
         "2019, June Sales Assistant\n"
         "Served customers at the counter.\n"
         "2019, June  ACME FOODS, Ltd\n"
         "2021, August Demand Planning Analyst\n"
         "Built weekly sales dashboards for the regional directors.\n"
         "State University, 2012 - 2016\n"
         "Bachelor of Economics; coursework in data visualization\n"
         "SKILLS\nPython, SQL\n",
         "mid"},
        {"Jane Doe\nSKILLS\nSales Analyst, Acme Ltd\n"
         "March 2018 - May 2020\n"
         "Built weekly sales dashboards for the regional directors.\n"
         "EDUCATION\nCoursework in data visualization\n",
         "mid"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        kpiscan_result *r = NULL;
        ck_assert_int_eq(scan_text(p, o, cases[c].text, &r, NULL), KPISCAN_OK);
        const kpiscan_evidence *ev = find_rule(r, "indicator.mid.dashboards");
        ck_assert_ptr_nonnull(ev);
        ck_assert_str_eq(kpiscan_evidence_section(ev), "experience");
        ev = find_rule(r, "indicator.mid.data-visualization");
        ck_assert_ptr_nonnull(ev);
        ck_assert_str_eq(kpiscan_evidence_section(ev), "education");
        ck_assert_str_eq(kpiscan_level_name(kpiscan_result_level(r)),
                         cases[c].level);
        ck_assert_int_eq(kpiscan_result_presence(r), KPISCAN_PRESENCE_STRONG);
        kpiscan_result_free(r);
    }
    /* A degree's dates under the heading head no job: its line stays
     * education, and so does the course work written under it. */
    kpiscan_result *r = NULL;
    ck_assert_int_eq(scan_text(p, o,
                               "EDUCATION\nState University, 2012 - 2016\n"
                               "Built sales dashboards in a class project.\n",
                               &r, NULL),
                     KPISCAN_OK);
    const kpiscan_evidence *ev = find_rule(r, "indicator.mid.dashboards");
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(kpiscan_evidence_section(ev), "education");
    kpiscan_result_free(r);
    /* A heading of the job's own kind ends it too when no dated line
     * follows: the second skills list stays a skills list. */
    ck_assert_int_eq(
        scan_text(p, o,
                  "SKILLS\nSales Analyst, Acme Ltd\nMarch 2018 - May 2020\n"
                  "Built weekly sales dashboards for the regional directors.\n"
                  "TECHNICAL SKILLS\nData visualization, Tableau\n",
                  &r, NULL),
        KPISCAN_OK);
    ev = find_rule(r, "indicator.mid.dashboards");
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(kpiscan_evidence_section(ev), "experience");
    ev = find_rule(r, "indicator.mid.data-visualization");
    ck_assert_ptr_nonnull(ev);
    ck_assert_str_eq(kpiscan_evidence_section(ev), "skills");
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A before/after figure is quoted whole: the evidence a recruiter reads
 * must not cut "71.5%" to "7". */
START_TEST(test_before_after_figure_quoted_whole)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = pinned();
    static const struct {
        const char *line, *quote;
    } cases[] = {
        {"Experience\nRaised the repeat order rate from 64% to 71.5%, "
         "in a year.\n",
         "Raised the repeat order rate from 64% to 71.5%"},
        {"Experience\nCut monthly churn from 3,400 to 2,150 accounts.\n",
         "Cut monthly churn from 3,400 to 2,150"},
        {"Experience\nReduced handling time from 8 to 5 minutes.\n",
         "Reduced handling time from 8 to 5"},
        {"Experience\nGrew revenue from $18M to $175M in five years.\n",
         "Grew revenue from $18M to $175M"},
        {"Experience\nIncreased sales from $20,000 to $1.2 million.\n",
         "Increased sales from $20,000 to $1.2 million"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kpiscan_result *r = NULL;
        ck_assert_int_eq(scan_text(p, o, cases[i].line, &r, NULL), KPISCAN_OK);
        const kpiscan_evidence *ev = find_rule(r, "quantified.from-to");
        ck_assert_ptr_nonnull(ev);
        ck_assert_str_eq(kpiscan_evidence_text(ev), cases[i].quote);
        kpiscan_result_free(r);
    }
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scan");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_card_lines);
    tcase_add_test(tc, test_positions_through_normalisation);
    tcase_add_test(tc, test_messy_bytes);
    tcase_add_test(tc, test_input_errors);
    tcase_add_test(tc, test_scan_file_errors);
    tcase_add_test(tc, test_as_of);
    tcase_add_test(tc, test_html_reference_dates);
    tcase_add_test(tc, test_threads_share_pack);
    tcase_add_test(tc, test_match_limit_scan);
    tcase_add_test(tc, test_evidence_limit);
    tcase_add_test(tc, test_kpi_jobs_layouts);
    tcase_add_test(tc, test_job_under_other_heading_is_work);
    tcase_add_test(tc, test_profile_export_fields);
    tcase_add_test(tc, test_before_after_figure_quoted_whole);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
