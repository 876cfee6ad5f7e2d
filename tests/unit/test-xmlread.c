/* test-xmlread.c - the SAX reader under the DOCX and ODT extractors:
 * callbacks in document order, namespaces by URI, limits, attribute and
 * length helpers, the last-modified date. */
#include "input/xmlread.h"
#include "internal.h"
#include "testutil.h"

typedef struct events {
    char log[1024];
    size_t maxdepth;
} events;

static void logf_(events *e, const char *s)
{
    strncat(e->log, s, sizeof e->log - strlen(e->log) - 1);
}

static int on_start(void *user, kps_xml *x, const char *local, const char *uri,
                    const kps_xml_attrs *attrs)
{
    events *e = user;
    logf_(e, "<");
    logf_(e, local);
    if (uri && strcmp(uri, "urn:a") == 0)
        logf_(e, "@a");
    size_t n;
    const char *v = kps_xml_attr(attrs, "k", "urn:a", "urn:a", &n);
    if (v && kps_xml_value_eq(v, n, "yes"))
        logf_(e, "+k");
    if (kps_xml_depth(x) > e->maxdepth)
        e->maxdepth = kps_xml_depth(x);
    return KPISCAN_OK;
}

static int on_end(void *user, kps_xml *x, const char *local, const char *uri)
{
    (void)x;
    (void)uri;
    logf_(user, ">");
    (void)local;
    return KPISCAN_OK;
}

static int on_text(void *user, kps_xml *x, const char *s, size_t n)
{
    (void)x;
    events *e = user;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    logf_(e, buf);
    return KPISCAN_OK;
}

static const kps_xml_handler handler = {on_start, on_end, on_text};

static int parse(const char *xml, events *e, kps_limits *lim,
                 kpiscan_error *err)
{
    memset(e, 0, sizeof *e);
    return kps_xml_parse(xml, strlen(xml), "doc", "part.xml", lim, &handler, e,
                         err);
}

START_TEST(test_events_and_namespaces)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    events e;
    /* the prefix does not matter, the URI does */
    ck_assert_int_eq(parse("<r xmlns:p='urn:a'><p:x p:k='yes'>hi</p:x>"
                           "<q:x xmlns:q='urn:a'>&amp;</q:x><y k='yes'/></r>",
                           &e, &lim, err),
                     KPISCAN_OK);
    ck_assert_str_eq(e.log, "<r<x@a+khi><x@a&><y>>");
    ck_assert_uint_eq(e.maxdepth, 2);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_refusals)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    events e;
    ck_assert_int_eq(parse("<r><x></r>", &e, &lim, err), KPISCAN_ERR_CORRUPT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "part.xml"));
    /* a DTD is refused (no entity expansion, ever) */
    ck_assert_int_ne(
        parse("<!DOCTYPE r [<!ENTITY a 'b'>]><r>&a;</r>", &e, &lim, err),
        KPISCAN_OK);
    /* nesting past the limit */
    lim.max_xml_depth = 3;
    ck_assert_int_eq(parse("<a><b><c><d/></c></b></a>", &e, &lim, err),
                     KPISCAN_ERR_LIMIT);
    ck_assert_int_eq(parse("<a><b><c/></b></a>", &e, &lim, err), KPISCAN_OK);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_lengths)
{
    ck_assert_double_eq_tol(kps_xml_length_pt("11pt", 4, 0), 11, 1e-9);
    ck_assert_double_eq_tol(kps_xml_length_pt(" 4 ", 3, 0.5), 2, 1e-9);
    ck_assert_double_eq_tol(kps_xml_length_pt("1in", 3, 0), 72, 1e-9);
    ck_assert_double_eq_tol(kps_xml_length_pt("2.54cm", 6, 0), 72, 1e-6);
    ck_assert_double_eq(kps_xml_length_pt("4", 1, 0), -1);
    ck_assert_double_eq(kps_xml_length_pt("50%", 3, 1), -1);
    ck_assert_double_eq(kps_xml_length_pt("-3pt", 4, 1), -1);
    ck_assert_int_eq(kps_xml_value_eq("true", 4, "true"), 1);
    ck_assert_int_eq(kps_xml_value_eq("true", 3, "true"), 0);
}
END_TEST

START_TEST(test_modified_date)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    const char *core =
        "<cp:coreProperties xmlns:cp='urn:cp' "
        "xmlns:dcterms='http://purl.org/dc/terms/'>"
        "<dcterms:modified>2021-03-04T10:00:00Z</dcterms:modified>"
        "</cp:coreProperties>";
    kps_doc doc = {0};
    ck_assert_int_eq(kps_xml_modified_date(
                         core, strlen(core), "doc", "docProps/core.xml", &lim,
                         "http://purl.org/dc/terms/", "modified", &doc, err),
                     KPISCAN_OK);
    ck_assert_int_eq(doc.modified_year, 2021);
    ck_assert_int_eq(doc.modified_month, 3);
    ck_assert_int_eq(doc.modified_day, 4);
    const char *bad = "<x xmlns:d='http://purl.org/dc/terms/'>"
                      "<d:modified>soon</d:modified></x>";
    kps_doc none = {0};
    ck_assert_int_eq(kps_xml_modified_date(bad, strlen(bad), "doc", "m.xml",
                                           &lim, "http://purl.org/dc/terms/",
                                           "modified", &none, err),
                     KPISCAN_OK);
    ck_assert_int_eq(none.modified_year, 0);
    kpiscan_error_free(err);
}
END_TEST

/* A block of lines (a DOCX's imported page) goes in as a paragraph
 * would, and the builder it came from is left empty whatever happens:
 * also when the line break before it is over the text limit, a failure
 * kps_tb_append() leaves to its caller (the sanitizer run finds a leak). */
START_TEST(test_insert_block)
{
    kpiscan_error *err = kpiscan_error_new();
    size_t total = 0;
    unsigned next_para = 0;
    kps_textbuild dst, src;
    kps_tb_init(&dst, "cv.docx", 16, &total, &next_para, err);
    kps_tb_init(&src, "cv.docx", 16, &total, NULL, err);
    ck_assert_int_eq(kps_tb_text(&dst, "Acme", 4, KPS_VISIBLE), KPISCAN_OK);
    ck_assert_int_eq(kps_tb_text(&src, "KPIs", 4, KPS_HIDDEN), KPISCAN_OK);
    ck_assert_int_eq(kps_tb_char(&src, '\n'), KPISCAN_OK);
    ck_assert_int_eq(kps_tb_insert_block(&dst, &src), KPISCAN_OK);
    ck_assert_uint_eq(src.text.len, 0);
    ck_assert_uint_eq(dst.text.len, 10);
    ck_assert(memcmp(dst.text.data, "Acme\nKPIs\n", 10) == 0);
    ck_assert_uint_eq(total, 10);
    ck_assert_uint_eq(dst.hidden.n, 1);
    ck_assert_uint_eq(dst.hidden.v[0].start, 5);
    ck_assert_uint_eq(dst.hidden.v[0].end, 9);

    /* "Acme\nKPIs\nRoles" and a block: its line break is the 17th byte */
    ck_assert_int_eq(kps_tb_text(&dst, "Roles", 5, KPS_VISIBLE), KPISCAN_OK);
    kps_tb_init(&src, "cv.docx", 16, &total, NULL, err);
    ck_assert_int_eq(kps_tb_text(&src, "x", 1, KPS_VISIBLE), KPISCAN_OK);
    ck_assert_int_eq(kps_tb_insert_block(&dst, &src), KPISCAN_ERR_LIMIT);
    ck_assert_ptr_null(src.text.data);
    ck_assert_uint_eq(src.text.len, 0);
    kps_tb_free(&dst);
    kpiscan_error_free(err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xmlread");
    TCase *tc = tcase_create("xmlread");
    tcase_add_test(tc, test_events_and_namespaces);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_modified_date);
    tcase_add_test(tc, test_insert_block);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
