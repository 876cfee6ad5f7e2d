/*
 * test-pdf.c - PDF through the helper: the library's reader of the helper
 * protocol (frames built here, no process), the real kpiscan-pdf on the
 * fixtures of tests/pdf/make-pdfs.py (hidden text in each form, visible
 * text that looks hidden, layouts, every named error, metadata), and the
 * process rules with a misbehaving fake helper (tests/pdf/fake-helper.c):
 * a helper killed mid-document, hung, crashed, speaking garbage, missing,
 * gone before the request (no SIGPIPE), a fork of the caller.
 *
 * Environment (tests/meson.build): KPISCAN_PDF_HELPER (the built helper),
 * FAKE_PDF_HELPER, KPISCAN_SOURCE_ROOT.
 */
#define _GNU_SOURCE
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "input/pdf.h"

/* ---- frames, built by hand ----------------------------------------- */

typedef struct {
    unsigned char b[8192];
    size_t n;
} fbuf;

static void f_bytes(fbuf *f, const void *p, size_t n)
{
    ck_assert_uint_le(f->n + n, sizeof f->b);
    memcpy(f->b + f->n, p, n);
    f->n += n;
}
static void f_u8(fbuf *f, unsigned v)
{
    unsigned char c = (unsigned char)v;
    f_bytes(f, &c, 1);
}
static void f_u16(fbuf *f, unsigned v)
{
    f_u8(f, v & 0xFF);
    f_u8(f, v >> 8);
}
static void f_u32(fbuf *f, uint32_t v)
{
    f_u16(f, v & 0xFFFF);
    f_u16(f, v >> 16);
}
static void frame(fbuf *f, char type, const fbuf *body)
{
    f_u8(f, (unsigned char)type);
    f_u32(f, (uint32_t)body->n);
    f_bytes(f, body->b, body->n);
}
static void page(fbuf *f, unsigned n, int image)
{
    fbuf b = {.n = 0};
    f_u32(&b, n);
    f_u8(&b, (unsigned)image);
    frame(f, 'P', &b);
}
static void done(fbuf *f, unsigned pages)
{
    fbuf b = {.n = 0};
    f_u32(&b, pages);
    frame(f, 'D', &b);
}

typedef struct {
    const char *text;
    unsigned size;        /* centipoints */
    unsigned char fg, bg; /* grey levels */
    unsigned render, flags;
} word;

static void line(fbuf *f, unsigned lflags, const word *w, unsigned n)
{
    fbuf b = {.n = 0};
    f_u8(&b, lflags);
    f_u16(&b, n);
    for (unsigned i = 0; i < n; i++) {
        f_u16(&b, w[i].size ? w[i].size : 1100);
        for (int k = 0; k < 3; k++)
            f_u8(&b, w[i].fg);
        for (int k = 0; k < 3; k++)
            f_u8(&b, w[i].bg);
        f_u8(&b, w[i].render);
        f_u8(&b, w[i].flags | (i + 1 < n ? 8u : 0u));
        f_u16(&b, (unsigned)strlen(w[i].text));
        f_bytes(&b, w[i].text, strlen(w[i].text));
    }
    frame(f, 'L', &b);
}

static kps_limits test_limits(void)
{
    kps_limits lim;
    kps_limits_default(&lim);
    return lim;
}

static int parse(const fbuf *f, kps_doc *doc, kpiscan_error *err)
{
    kps_limits lim = test_limits();
    memset(doc, 0, sizeof *doc);
    return kps_pdf_parse_answer(f->b, f->n, "cv.pdf", &lim, 50, doc, err);
}

static void expect_bad(const fbuf *f, int status, const char *needle)
{
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc = parse(f, &doc, err);
    ck_assert_int_eq(rc, status);
    ck_assert_msg(strstr(kpiscan_error_message(err), needle),
                  "'%s' not in '%s'", needle, kpiscan_error_message(err));
    ck_assert_msg(strncmp(kpiscan_error_message(err), "cv.pdf", 6) == 0,
                  "file not named: %s", kpiscan_error_message(err));
    kpiscan_error_free(err);
}

START_TEST(test_reader_text_and_hidden)
{
    fbuf f = {.n = 0};
    page(&f, 1, 0);
    word l1[] = {{"Jane", 0, 0, 255, 0, 0}, {"Doe", 0, 0, 255, 0, 0}};
    line(&f, 3, l1, 2);
    word l2[] = {{"Owned", 0, 0, 255, 0, 0},
                 {"KPI", 0, 250, 255, 0, 0}, /* near-white on white */
                 {"dashboards", 0, 255, 255, 0, 0},
                 {"weekly", 0, 0, 255, 0, 0}};
    line(&f, 0, l2, 4);
    page(&f, 2, 0);
    word l3[] = {{"Skills", 0, 0, 255, 0, 0}};
    line(&f, 3, l3, 1);
    word l4[] = {{"SQL", 0, 0, 255, 0, 0}};
    line(&f, 2, l4, 1); /* a second flow: a blank line before it */
    done(&f, 2);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(parse(&f, &doc, err), KPISCAN_OK);
    ck_assert_str_eq(
        doc.text, "Jane Doe\nOwned KPI dashboards weekly\n\nSkills\n\nSQL\n");
    ck_assert_int_eq(doc.format, KPS_FORMAT_PDF);
    ck_assert_uint_eq(doc.nparts, 2);
    ck_assert_str_eq(doc.parts[1], "page 2");
    /* One range over both hidden words and the space between. */
    ck_assert_uint_eq(doc.nhidden, 1);
    char *hidden = kps_strndup(doc.text + doc.hidden[0].start,
                               doc.hidden[0].end - doc.hidden[0].start);
    ck_assert_str_eq(hidden, "KPI dashboards");
    free(hidden);
    /* Segments: one per line, with the page and the line on the page. */
    ck_assert_uint_eq(doc.nsegments, 4);
    ck_assert_uint_eq(doc.segments[3].part, 1);
    ck_assert_uint_eq(doc.segments[3].paragraph, 1);
    kps_doc_free(&doc);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_hidden_rule)
{
    const unsigned char black[3] = {0, 0, 0}, white[3] = {255, 255, 255},
                        navy[3] = {30, 40, 80}, grey[3] = {200, 200, 200};
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 0, 0, 0), 0);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, white, white, 0, 0, 0),
                     KPS_PDF_HIDDEN_COLOUR);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, grey, white, 0, 0, 0), 0);
    /* A white heading on a dark sidebar is visible. */
    ck_assert_int_eq(kps_pdf_hidden_word(1100, white, navy, 0, 0, 0), 0);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, navy, navy, 0, 0, 0),
                     KPS_PDF_HIDDEN_COLOUR);
    ck_assert_int_eq(kps_pdf_hidden_word(99, black, white, 0, 0, 0),
                     KPS_PDF_HIDDEN_TINY);
    ck_assert_int_eq(kps_pdf_hidden_word(100, black, white, 0, 0, 0), 0);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 0, 1, 0),
                     KPS_PDF_HIDDEN_OUTSIDE);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 0, 2, 0),
                     KPS_PDF_HIDDEN_OUTSIDE);
    /* Invisible text: hidden, unless it lies over an image (an OCR
     * layer).  An image elsewhere on the page (a photo, a logo, one of
     * zero size) does not excuse it. */
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 3, 0, 0),
                     KPS_PDF_HIDDEN_INVISIBLE);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 7, 0, 0),
                     KPS_PDF_HIDDEN_INVISIBLE);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 3, 0, 1),
                     KPS_PDF_HIDDEN_INVISIBLE);
    ck_assert_int_eq(kps_pdf_hidden_word(1100, black, white, 3, 4, 1), 0);
    /* Over an image the colour beneath is unknown: visible. */
    ck_assert_int_eq(kps_pdf_hidden_word(1100, white, white, 0, 4, 1), 0);
}
END_TEST

START_TEST(test_reader_malformed)
{
    word w[] = {{"KPI", 0, 0, 255, 0, 0}};
    fbuf f = {.n = 0};
    line(&f, 3, w, 1);
    expect_bad(&f, KPISCAN_ERR_HELPER, "a line before any page");

    f.n = 0;
    page(&f, 2, 0);
    expect_bad(&f, KPISCAN_ERR_HELPER, "pages out of order");

    f.n = 0;
    page(&f, 1, 0);
    line(&f, 3, w, 1);
    expect_bad(&f, KPISCAN_ERR_HELPER, "ended early"); /* no 'D' */

    f.n = 0;
    page(&f, 1, 0);
    done(&f, 3);
    expect_bad(&f, KPISCAN_ERR_HELPER, "page count");

    f.n = 0;
    page(&f, 1, 0);
    fbuf b = {.n = 0};
    f_u8(&b, 0);
    f_u16(&b, 2); /* two words announced, one present */
    f_u16(&b, 1100);
    f_bytes(&b, "\0\0\0\xff\xff\xff\0\0", 8);
    f_u16(&b, 3);
    f_bytes(&b, "KPI", 3);
    frame(&f, 'L', &b);
    expect_bad(&f, KPISCAN_ERR_HELPER, "truncated word");

    f.n = 0;
    page(&f, 1, 0);
    b.n = 0;
    f_u8(&b, 0);
    f_u16(&b, 1);
    f_u16(&b, 1100);
    f_bytes(&b, "\0\0\0\xff\xff\xff\0\0", 8);
    f_u16(&b, 60000); /* longer than the frame */
    f_bytes(&b, "KPI", 3);
    frame(&f, 'L', &b);
    expect_bad(&f, KPISCAN_ERR_HELPER, "word longer than its frame");

    f.n = 0;
    page(&f, 1, 0);
    word bad_render[] = {{"KPI", 0, 0, 255, 9, 0}};
    line(&f, 3, bad_render, 1);
    expect_bad(&f, KPISCAN_ERR_HELPER, "render mode");

    f.n = 0;
    b.n = 0;
    f_u8(&b, 1);
    frame(&f, 'Z', &b);
    expect_bad(&f, KPISCAN_ERR_HELPER, "unknown frame type");

    f.n = 0;
    page(&f, 1, 0);
    done(&f, 1);
    page(&f, 2, 0);
    kps_doc doc;
    /* Frames past 'D' are not read by the in-memory parser; the live
     * reader refuses them. */
    kps_pdf_reader r;
    kps_limits lim = test_limits();
    kps_pdf_reader_init(&r, "cv.pdf", &lim, 50);
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(kps_pdf_reader_frame(
                         &r, 'D', (const unsigned char *)"\0\0\0\0", 4, err),
                     0);
    ck_assert_int_eq(kps_pdf_reader_frame(
                         &r, 'P', (const unsigned char *)"\1\0\0\0\0", 5, err),
                     KPISCAN_ERR_HELPER);
    kps_pdf_reader_free(&r);

    /* More pages than the limit the library asked for. */
    f.n = 0;
    for (unsigned p = 1; p <= 51; p++)
        page(&f, p, 0);
    expect_bad(&f, KPISCAN_ERR_HELPER, "more pages than the limit");

    /* Nothing but blanks: no text layer. */
    f.n = 0;
    page(&f, 1, 1);
    done(&f, 1);
    expect_bad(&f, KPISCAN_ERR_EMPTY,
               "no text in PDF: a scanned image? run OCR first");
    (void)doc;
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_reader_named_errors)
{
    static const struct {
        int code;
        int status;
        const char *needle;
    } cases[] = {
        {KPS_PDF_E_ENCRYPTED, KPISCAN_ERR_ENCRYPTED,
         "encrypted PDF: a password is needed"},
        {KPS_PDF_E_CORRUPT, KPISCAN_ERR_CORRUPT, "corrupt or truncated PDF"},
        {KPS_PDF_E_PAGES, KPISCAN_ERR_LIMIT, "(max_pdf_pages)"},
        {KPS_PDF_E_TEXT_LIMIT, KPISCAN_ERR_LIMIT, "max_text_bytes"},
        {KPS_PDF_E_NOMEM, KPISCAN_ERR_LIMIT, "(pdf_memory_limit)"},
        {KPS_PDF_E_INTERNAL, KPISCAN_ERR_HELPER, "PDF helper"},
        {99, KPISCAN_ERR_HELPER, "PDF helper"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fbuf f = {.n = 0}, b = {.n = 0};
        f_u8(&b, (unsigned)cases[i].code);
        f_bytes(&b, "why\n\x01\xff", 6); /* shown sanitised */
        frame(&f, 'E', &b);
        expect_bad(&f, cases[i].status, cases[i].needle);
    }
}
END_TEST

static void meta(fbuf *f, char key, const char *value)
{
    fbuf b = {.n = 0};
    f_u8(&b, (unsigned char)key);
    f_bytes(&b, value, strlen(value));
    frame(f, 'M', &b);
}

START_TEST(test_reader_dates)
{
    static const struct {
        const char *m, *c, *xm; /* Info ModDate, CreationDate, XMP modify */
        int y, mo, d;
    } cases[] = {
        {"D:20230415120000Z", "D:20200101", NULL, 2023, 4, 15},
        {NULL, "D:20220301000000Z", NULL, 2022, 3, 1},
        {NULL, "D:20220301", "2021-05-06T10:00:00Z", 2021, 5, 6},
        {"D:20231345", "D:20190102", NULL, 2019, 1, 2}, /* month 13 */
        {"D:2023", NULL, NULL, 0, 0, 0},
        {"garbage", NULL, NULL, 0, 0, 0},
        {"D:19000101", NULL, NULL, 0, 0, 0},
        {"D:20230231", NULL, NULL, 0, 0, 0}, /* 31 February */
        {"D:20230229", NULL, NULL, 0, 0, 0}, /* not a leap year */
        {"D:20240229", NULL, NULL, 2024, 2, 29},
        {"D:19851130", NULL, NULL, 1985, 11, 30}, /* the shared 1950 floor */
        {"D:19491231", NULL, NULL, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fbuf f = {.n = 0};
        if (cases[i].m)
            meta(&f, 'M', cases[i].m);
        if (cases[i].c)
            meta(&f, 'C', cases[i].c);
        if (cases[i].xm)
            meta(&f, 'm', cases[i].xm);
        meta(&f, 'q', "an unknown key is ignored");
        page(&f, 1, 0);
        word w[] = {{"KPI", 0, 0, 255, 0, 0}};
        line(&f, 3, w, 1);
        done(&f, 1);
        kps_doc doc;
        kpiscan_error *err = kpiscan_error_new();
        ck_assert_int_eq(parse(&f, &doc, err), KPISCAN_OK);
        ck_assert_msg(doc.modified_year == cases[i].y &&
                          doc.modified_month == cases[i].mo &&
                          doc.modified_day == cases[i].d,
                      "case %zu: %d-%d-%d", i, doc.modified_year,
                      doc.modified_month, doc.modified_day);
        kps_doc_free(&doc);
        kpiscan_error_free(err);
    }
}
END_TEST

START_TEST(test_reader_sanitises_words)
{
    fbuf f = {.n = 0};
    page(&f, 1, 0);
    word w[] = {{"KP\nI", 0, 0, 255, 0, 0},
                {"caf\xc3\xa9", 0, 0, 255, 0, 0},
                {"bad\xff\xc3", 0, 0, 255, 0, 0},
                {"nul\x01", 0, 0, 255, 0, 0}};
    line(&f, 3, w, 4);
    done(&f, 1);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(parse(&f, &doc, err), KPISCAN_OK);
    ck_assert_str_eq(doc.text, "KP I caf\xc3\xa9 bad\xef\xbf\xbd\xef\xbf\xbd "
                               "nul \n");
    kps_doc_free(&doc);

    /* The text limit holds on the library's side too. */
    kps_limits lim = test_limits();
    lim.max_text_bytes = 8;
    ck_assert_int_eq(
        kps_pdf_parse_answer(f.b, f.n, "cv.pdf", &lim, 50, &doc, err),
        KPISCAN_ERR_LIMIT);
    kpiscan_error_free(err);
}
END_TEST

/* ---- the real helper, on generated fixtures ----------------------------- */

#ifdef KPISCAN_HAVE_PDF
static char fixtures[256];

static void make_fixtures(void)
{
    if (fixtures[0])
        return;
    const char *root = getenv("KPISCAN_SOURCE_ROOT");
    ck_assert_ptr_nonnull(root);
    snprintf(fixtures, sizeof fixtures, "/tmp/kpiscan-pdf-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(fixtures));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/pdf/make-pdfs.py' '%s'", root,
             fixtures);
    ck_assert_int_eq(system(cmd), 0);
}

static void remove_fixtures(void)
{
    if (!fixtures[0])
        return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixtures);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fixtures);
}

static const char *fixture(const char *name)
{
    static char path[512];
    make_fixtures();
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    return path;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static kpiscan_pack *pack(void)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    return p;
}

static kpiscan_options *opts_as_of(void)
{
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_as_of(o, 2024, 1, 1);
    return o;
}

/* Extract a fixture through the helper, straight into a kps_doc. */
static int extract_fixture(const char *name, kps_doc *doc, kpiscan_error *err)
{
    size_t len;
    unsigned char *data = slurp(fixture(name), &len);
    kps_limits lim = test_limits();
    kps_pdf_config cfg = {getenv("KPISCAN_PDF_HELPER"), 30000, 30, 1024, 50};
    memset(doc, 0, sizeof *doc);
    int rc = kps_pdf_extract(data, len, name, &lim, &cfg, doc, err);
    free(data);
    return rc;
}

START_TEST(test_hidden_forms)
{
    static const char *const hidden[] = {"hidden-white.pdf",
                                         "hidden-near-white.pdf",
                                         "hidden-tiny.pdf",
                                         "hidden-invisible.pdf",
                                         "hidden-outside-crop.pdf",
                                         "hidden-on-dark.pdf",
                                         "hidden-clipped.pdf",
                                         "hidden-white-dotted.pdf",
                                         "hidden-white-many-dots.pdf",
                                         "hidden-white-tie.pdf",
                                         "hidden-invisible-beside-image.pdf",
                                         "hidden-transparent.pdf",
                                         "hidden-clip-corners.pdf",
                                         "hidden-clip-hole.pdf",
                                         "hidden-clip-sliver.pdf"};
    kpiscan_pack *p = pack();
    kpiscan_options *o = opts_as_of();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *plain = NULL;
    ck_assert_int_eq(kpiscan_scan_file(p, o, fixture("plain.pdf"), &plain, err),
                     KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_result_hidden_count(plain), 0);
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
        kpiscan_result *r = NULL;
        int rc = kpiscan_scan_file(p, o, fixture(hidden[i]), &r, err);
        ck_assert_msg(rc == KPISCAN_OK, "%s: %s", hidden[i],
                      kpiscan_error_message(err));
        ck_assert_str_eq(kpiscan_result_format(r), "pdf");
        ck_assert_msg(kpiscan_result_hidden_count(r) > 0, "%s: none hidden",
                      hidden[i]);
        int flagged = 0;
        for (size_t k = 0; k < kpiscan_result_flag_count(r); k++)
            flagged |= strcmp(kpiscan_result_flag_id(r, k), "hidden-text") == 0;
        ck_assert_msg(flagged, "%s: no hidden-text flag", hidden[i]);
        for (size_t k = 0; k < kpiscan_result_evidence_count(r); k++) {
            const kpiscan_evidence *e = kpiscan_result_evidence(r, k);
            if (!kpiscan_evidence_hidden(e))
                continue;
            ck_assert_str_eq(kpiscan_evidence_part(e), "page 1");
            ck_assert_uint_eq(kpiscan_evidence_paragraph(e), 6);
            ck_assert(kpiscan_evidence_contribution(e) == 0.0);
        }
        /* Never scored: the level is the plain resume's. */
        ck_assert_int_eq(kpiscan_result_level(r), kpiscan_result_level(plain));
        kpiscan_result_free(r);
    }
    kpiscan_result_free(plain);
    kpiscan_error_free(err);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_visible_not_hidden)
{
    static const char *const visible[] = {
        "plain.pdf",        "sidebar-white-heading.pdf",
        "ocr-layer.pdf",    "two-columns.pdf",
        "two-pages.pdf",    "encrypted-owner-only.pdf",
        "clip-subpaths.pdf"};
    for (size_t i = 0; i < sizeof visible / sizeof visible[0]; i++) {
        kps_doc doc;
        kpiscan_error *err = kpiscan_error_new();
        int rc = extract_fixture(visible[i], &doc, err);
        ck_assert_msg(rc == KPISCAN_OK, "%s: %s", visible[i],
                      kpiscan_error_message(err));
        ck_assert_msg(
            doc.nhidden == 0, "%s: %zu hidden ranges, first '%.*s'", visible[i],
            doc.nhidden,
            doc.nhidden ? (int)(doc.hidden[0].end - doc.hidden[0].start) : 0,
            doc.nhidden ? doc.text + doc.hidden[0].start : "");
        ck_assert_msg(strstr(doc.text, "KPI"), "%s: %s", visible[i], doc.text);
        kps_doc_free(&doc);
        kpiscan_error_free(err);
    }
}
END_TEST

START_TEST(test_layouts)
{
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    /* Two columns: the sidebar is read whole, then the body. */
    ck_assert_int_eq(extract_fixture("two-columns.pdf", &doc, err), KPISCAN_OK);
    const char *sql = strstr(doc.text, "Skills\nForecasting\nSQL\n");
    const char *exp =
        strstr(doc.text, "Experience\nOperations Manager, 2018 to 2023\n");
    ck_assert_msg(sql && exp && sql < exp, "%s", doc.text);
    kps_doc_free(&doc);

    /* A gap two spaces wide (two space glyphs, or a kerned gap) after a
     * number stays two spaces, so the dates read as a range whose dash was
     * lost; after a word it is one space, as rules read words. */
    ck_assert_int_eq(extract_fixture("wide-gap.pdf", &doc, err), KPISCAN_OK);
    ck_assert_str_eq(doc.text, "Experience\n2018  2021 Data Analyst at Acme\n"
                               "2015  2017 Junior Analyst\nDefined KPIs and "
                               "built the KPI dashboard.\nSkills Excel\n");
    kps_doc_free(&doc);

    /* A page tree that counts 3 pages and holds 1: page 1 is read, pages 2
     * and 3 are empty (the helper once skipped them yet said 3 pages, and
     * the library refused its answer as malformed). */
    ck_assert_int_eq(extract_fixture("page-count-lies.pdf", &doc, err),
                     KPISCAN_OK);
    ck_assert_uint_eq(doc.nparts, 3);
    ck_assert_ptr_nonnull(strstr(doc.text, "Defined KPIs"));
    kps_doc_free(&doc);

    /* Pages apart by a blank line; positions name the page and line. */
    ck_assert_int_eq(extract_fixture("two-pages.pdf", &doc, err), KPISCAN_OK);
    ck_assert_str_eq(doc.text,
                     "Jane Doe\nExperience\nSenior Analyst, Acme Corp, January "
                     "2015 to Present\n\nDefined KPIs and built the KPI "
                     "dashboard for the sales team.\nIncreased revenue by 25% "
                     "through pricing analysis.\n");
    kps_doc_free(&doc);

    kpiscan_pack *p = pack();
    kpiscan_options *o = opts_as_of();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(kpiscan_scan_file(p, o, fixture("two-pages.pdf"), &r, err),
                     KPISCAN_OK);
    int seen = 0;
    for (size_t k = 0; k < kpiscan_result_evidence_count(r); k++) {
        const kpiscan_evidence *e = kpiscan_result_evidence(r, k);
        if (strcmp(kpiscan_evidence_text(e), "Increased revenue by 25%") == 0 ||
            strstr(kpiscan_evidence_text(e), "KPI dashboard")) {
            ck_assert_str_eq(kpiscan_evidence_part(e), "page 2");
            ck_assert_uint_le(kpiscan_evidence_paragraph(e), 2);
            ck_assert_uint_ge(kpiscan_evidence_line(e), 5);
            seen = 1;
        }
    }
    ck_assert_msg(seen, "no evidence on page 2");
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
    kpiscan_error_free(err);
}
END_TEST

static void expect_scan_error(const char *name, kpiscan_options *o, int status,
                              const char *needle)
{
    kpiscan_pack *p = pack();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    int rc = kpiscan_scan_file(p, o, fixture(name), &r, err);
    ck_assert_msg(rc == status, "%s: %d, %s", name, rc,
                  kpiscan_error_message(err));
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(kpiscan_error_message(err), needle),
                  "%s: '%s' not in '%s'", name, needle,
                  kpiscan_error_message(err));
    ck_assert_msg(strstr(kpiscan_error_message(err), name), "file not named");
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}

START_TEST(test_named_errors)
{
    expect_scan_error("encrypted-user.pdf", NULL, KPISCAN_ERR_ENCRYPTED,
                      "encrypted PDF: a password is needed");
    expect_scan_error("no-text.pdf", NULL, KPISCAN_ERR_EMPTY,
                      "no text in PDF: a scanned image? run OCR first");
    expect_scan_error("scanned.pdf", NULL, KPISCAN_ERR_EMPTY, "no text in PDF");
    expect_scan_error("corrupt.pdf", NULL, KPISCAN_ERR_CORRUPT,
                      "corrupt or truncated PDF");
    expect_scan_error("truncated.pdf", NULL, KPISCAN_ERR_CORRUPT,
                      "corrupt or truncated PDF");
    expect_scan_error("many-pages.pdf", NULL, KPISCAN_ERR_LIMIT,
                      "too many pages: 52 pages, over the limit of 50 "
                      "(max_pdf_pages)");
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_max_pdf_pages(o, 60), KPISCAN_OK);
    kpiscan_pack *p = pack();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_file(p, o, fixture("many-pages.pdf"), &r, NULL),
        KPISCAN_OK);
    kpiscan_result_free(r);
    kpiscan_pack_free(p);
    kpiscan_options_set_max_text_bytes(o, 64);
    expect_scan_error("plain.pdf", o, KPISCAN_ERR_LIMIT, "max_text_bytes");
    kpiscan_options_free(o);
}
END_TEST

START_TEST(test_as_of_from_metadata)
{
    static const struct {
        const char *name;
        long as_of;
    } cases[] = {{"plain.pdf", 20230415}, {"creation-only.pdf", 20220301}};
    kpiscan_pack *p = pack();
    for (size_t i = 0; i < 2; i++) {
        kpiscan_result *r = NULL;
        ck_assert_int_eq(
            kpiscan_scan_file(p, NULL, fixture(cases[i].name), &r, NULL),
            KPISCAN_OK);
        ck_assert_int_eq(kpiscan_result_as_of(r), cases[i].as_of);
        kpiscan_result_free(r);
    }
    /* A future date is ignored: today. */
    int y, m, d;
    kps_today(&y, &m, &d);
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_file(p, NULL, fixture("future-date.pdf"), &r, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_result_as_of(r), y * 10000L + m * 100L + d);
    kpiscan_result_free(r);
    /* --as-of wins. */
    kpiscan_options *o = opts_as_of();
    ck_assert_int_eq(kpiscan_scan_file(p, o, fixture("plain.pdf"), &r, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_result_as_of(r), 20240101);
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* ---- the process rules ------------------------------------------------ */

static int scan_with(const char *helper, unsigned long timeout_ms,
                     const char *doc, size_t len, kpiscan_error *err)
{
    kpiscan_pack *p = pack();
    kpiscan_options *o = opts_as_of();
    ck_assert_int_eq(kpiscan_options_set_pdf_helper(o, helper), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_pdf_timeout(o, timeout_ms),
                     KPISCAN_OK);
    kpiscan_result *r = NULL;
    int rc = kpiscan_scan_buffer(p, o, doc, len, "cv.pdf", &r, err);
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
    return rc;
}

#define FAKE_SCAN(doc, timeout, err)                                           \
    scan_with(getenv("FAKE_PDF_HELPER"), (timeout), (doc), strlen(doc), (err))

static void expect_msg(kpiscan_error *err, const char *needle)
{
    ck_assert_msg(strstr(kpiscan_error_message(err), needle),
                  "'%s' not in '%s'", needle, kpiscan_error_message(err));
}

START_TEST(test_fake_helper_failures)
{
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", 5000, err), KPISCAN_OK);
    pid_t first = kps_pdf_helper_pid();
    ck_assert_int_gt(first, 0);
    /* Kept alive across documents. */
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine again", 5000, err), KPISCAN_OK);
    ck_assert_int_eq(kps_pdf_helper_pid(), first);

    /* Killed in the middle of a document: an error record, then a new
     * helper for the next one. */
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 CRASH", 5000, err),
                     KPISCAN_ERR_HELPER);
    expect_msg(err, "PDF helper crashed (signal 9");
    ck_assert_int_eq(kps_pdf_helper_pid(), 0);
    ck_assert_int_eq(kill(first, 0), -1); /* reaped, not a zombie of ours */
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", 5000, err), KPISCAN_OK);
    ck_assert_int_ne(kps_pdf_helper_pid(), first);

    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 SEGV", 5000, err), KPISCAN_ERR_HELPER);
    expect_msg(err, "PDF helper crashed (signal 11");

    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 EXIT", 5000, err), KPISCAN_ERR_HELPER);
    expect_msg(err, "exited with status 3");

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 HANG", 300, err), KPISCAN_ERR_HELPER);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    expect_msg(err, "PDF helper timed out after 300 ms");
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", 5000, err), KPISCAN_OK);

    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 GARBAGE", 5000, err),
                     KPISCAN_ERR_HELPER);
    expect_msg(err, "malformed answer: unknown frame type");
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 HUGE", 5000, err), KPISCAN_ERR_HELPER);
    expect_msg(err, "frame too large");
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", 5000, err), KPISCAN_OK);

    ck_assert_int_eq(
        scan_with("/nonexistent/kpiscan-pdf", 5000, "%PDF-1.4 x", 10, err),
        KPISCAN_ERR_HELPER);
    expect_msg(err, "PDF helper missing: cannot run /nonexistent/kpiscan-pdf");
    kpiscan_error_free(err);
}
END_TEST

/* ULONG_MAX ms reads as "no limit": the deadline saturates instead of
 * wrapping into the past (every PDF then "timed out"), and the helper's
 * CPU seconds are the most the protocol can say, not their low bits. */
START_TEST(test_largest_timeout_is_no_limit)
{
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", ULONG_MAX, err), KPISCAN_OK);
    ck_assert_int_eq(
        FAKE_SCAN("%PDF-1.4 fine", (unsigned long)LLONG_MAX + 1u, err),
        KPISCAN_OK);
    /* leave no helper running: the next test starts its own */
    ck_assert_int_eq(
        scan_with("/nonexistent/kpiscan-pdf", 5000, "%PDF-1.4 x", 10, err),
        KPISCAN_ERR_HELPER);
    ck_assert_int_eq(kps_pdf_helper_pid(), 0);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_slow_start_names_the_timeout)
{
    /* A helper slower to start than pdf_timeout: the message names the
     * setting and its value, not a broken install. */
    setenv("FAKE_HELPER_MODE", "slow-start", 1);
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(FAKE_SCAN("%PDF-1.4 fine", 50, err), KPISCAN_ERR_HELPER);
    expect_msg(err, "did not answer within pdf_timeout (50 ms) of its start");
    /* and no helper is left running: the next test starts its own */
    ck_assert_int_eq(kps_pdf_helper_pid(), 0);
    unsetenv("FAKE_HELPER_MODE");
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_no_sigpipe)
{
    /* The helper exits before reading: a 4 MiB request meets a closed
     * socket.  With SIGPIPE at its default this process would die. */
    signal(SIGPIPE, SIG_DFL);
    setenv("FAKE_HELPER_MODE", "close-at-start", 1);
    size_t len = (size_t)4 << 20;
    char *doc = malloc(len);
    memset(doc, 'x', len);
    memcpy(doc, "%PDF-1.4\n", 9);
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(scan_with(getenv("FAKE_PDF_HELPER"), 5000, doc, len, err),
                     KPISCAN_ERR_HELPER);
    expect_msg(err, "PDF helper");
    unsetenv("FAKE_HELPER_MODE");
    free(doc);
    kpiscan_error_free(err);
}
END_TEST

typedef struct {
    int status[8];
    char name[8][16];
    size_t n;
} records;

static void collect(const kpiscan_record *rec, void *user)
{
    records *s = user;
    size_t i = kpiscan_record_index(rec);
    ck_assert_uint_lt(i, 8);
    s->status[i] = kpiscan_record_status(rec);
    s->n++;
}

START_TEST(test_batch_goes_on)
{
    kpiscan_pack *p = pack();
    kpiscan_options *o = opts_as_of();
    kpiscan_options_set_pdf_helper(o, getenv("FAKE_PDF_HELPER"));
    kpiscan_options_set_pdf_timeout(o, 500);
    static const char *const docs[] = {
        "%PDF-1.4 a", "%PDF-1.4 CRASH", "%PDF-1.4 b", "%PDF-1.4 HANG",
        "%PDF-1.4 c", "%PDF-1.4 SEGV",  "%PDF-1.4 d"};
    records s = {.n = 0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 2, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    for (size_t i = 0; i < 7; i++)
        ck_assert_int_eq(kpiscan_batch_add_buffer(b, docs[i], strlen(docs[i]),
                                                  docs[i], NULL),
                         KPISCAN_OK);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, 7);
    for (size_t i = 0; i < 7; i++)
        ck_assert_int_eq(s.status[i], i % 2 ? KPISCAN_ERR_HELPER : KPISCAN_OK);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_real_helper_killed_and_stopped)
{
    size_t len;
    unsigned char *data = slurp(fixture("plain.pdf"), &len);
    const char *helper = getenv("KPISCAN_PDF_HELPER");
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, err),
                     KPISCAN_OK);
    pid_t pid = kps_pdf_helper_pid();
    ck_assert_int_gt(pid, 0);
    /* Killed between documents (an OOM killer, an admin): the next
     * document is not blamed; a new helper reads it. */
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, err),
                     KPISCAN_OK);
    pid_t second = kps_pdf_helper_pid();
    ck_assert_int_ne(second, pid);
    /* The same when a fresh helper's only document ended in a named error,
     * which the helper survives. */
    size_t elen;
    unsigned char *enc = slurp(fixture("encrypted-user.pdf"), &elen);
    ck_assert_int_eq(kill(second, SIGKILL), 0);
    ck_assert_int_eq(scan_with(helper, 10000, (char *)enc, elen, err),
                     KPISCAN_ERR_ENCRYPTED);
    free(enc);
    ck_assert_int_ne(kps_pdf_helper_pid(), second);
    second = kps_pdf_helper_pid();
    ck_assert_int_eq(kill(second, SIGKILL), 0);
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, err),
                     KPISCAN_OK);
    ck_assert_int_ne(kps_pdf_helper_pid(), second);
    second = kps_pdf_helper_pid();
    /* Stopped: the wall clock ends it, killed and restarted. */
    ck_assert_int_eq(kill(second, SIGSTOP), 0);
    ck_assert_int_eq(scan_with(helper, 400, (char *)data, len, err),
                     KPISCAN_ERR_HELPER);
    expect_msg(err, "timed out");
    ck_assert_int_eq(kill(second, 0), -1);
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, err),
                     KPISCAN_OK);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_fork_gets_its_own_helper)
{
    size_t len;
    unsigned char *data = slurp(fixture("plain.pdf"), &len);
    const char *helper = getenv("KPISCAN_PDF_HELPER");
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, NULL),
                     KPISCAN_OK);
    pid_t parent_helper = kps_pdf_helper_pid();
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        /* Not the parent's helper: that one is not our child, and its
         * socket is the parent's conversation. */
        int ok =
            kps_pdf_helper_pid() == 0 &&
            scan_with(helper, 10000, (char *)data, len, NULL) == KPISCAN_OK &&
            kps_pdf_helper_pid() != parent_helper && kps_pdf_helper_pid() > 0;
        _exit(ok ? 0 : 1);
    }
    int st;
    ck_assert_int_eq(waitpid(child, &st, 0), child);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* The parent's helper is untouched and still in step. */
    ck_assert_int_eq(scan_with(helper, 10000, (char *)data, len, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kps_pdf_helper_pid(), parent_helper);
    free(data);
}
END_TEST
#else
START_TEST(test_without_pdf_support)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, NULL, "%PDF-1.4\n", 9, "cv.pdf", &r, err),
        KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "built without PDF support"));
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("pdf");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, test_reader_text_and_hidden);
    tcase_add_test(tc, test_hidden_rule);
    tcase_add_test(tc, test_reader_malformed);
    tcase_add_test(tc, test_reader_named_errors);
    tcase_add_test(tc, test_reader_dates);
    tcase_add_test(tc, test_reader_sanitises_words);
    suite_add_tcase(s, tc);
#ifdef KPISCAN_HAVE_PDF
    TCase *th = tcase_create("helper");
    tcase_set_timeout(th, 120);
    tcase_add_test(th, test_hidden_forms);
    tcase_add_test(th, test_visible_not_hidden);
    tcase_add_test(th, test_layouts);
    tcase_add_test(th, test_named_errors);
    tcase_add_test(th, test_as_of_from_metadata);
    tcase_add_test(th, test_fake_helper_failures);
    tcase_add_test(th, test_largest_timeout_is_no_limit);
    tcase_add_test(th, test_slow_start_names_the_timeout);
    tcase_add_test(th, test_no_sigpipe);
    tcase_add_test(th, test_batch_goes_on);
    tcase_add_test(th, test_real_helper_killed_and_stopped);
    tcase_add_test(th, test_fork_gets_its_own_helper);
    suite_add_tcase(s, th);
#else
    TCase *tn = tcase_create("no-pdf");
    tcase_add_test(tn, test_without_pdf_support);
    suite_add_tcase(s, tn);
#endif
    SRunner *sr = srunner_create(s);
    /* One process: the helper of a thread lives across tests, as in a
     * real embedder, and fork() in a test is the test's own. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
#ifdef KPISCAN_HAVE_PDF
    remove_fixtures();
#endif
    return failed ? 1 : 0;
}
