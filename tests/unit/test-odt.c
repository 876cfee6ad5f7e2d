/*
 * test-odt.c - the ODT extractor (lib/odt.c), one case per rule, on
 * documents built from snippets by fixture.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

static void test_limits(kps_limits *lim)
{
    lim->max_input_bytes = 64u << 20;
    lim->max_text_bytes = 16u << 20;
    lim->max_zip_entries = 10000;
    lim->max_part_bytes = 64u << 20;
    lim->max_total_bytes = 256u << 20;
    lim->max_ratio = 100;
    lim->ratio_floor = 1u << 20;
    lim->max_xml_depth = 256;
    lim->match_limit = 1000000;
}

static int extract_with(unsigned char *zip, size_t len, const kps_limits *lim,
                        kps_doc *doc, kpiscan_error *err)
{
    int rc = kps_odt_extract(zip, len, "cv.odt", lim, doc, err);
    free(zip);
    return rc;
}

static void extract_ok(unsigned char *zip, size_t len, kps_doc *doc)
{
    kps_limits lim;
    test_limits(&lim);
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract_with(zip, len, &lim, doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "extract failed (%d): %s", rc,
                  kpiscan_error_message(err));
    ck_assert_int_eq(doc->format, KPS_FORMAT_ODT);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    kpiscan_error_free(err);
}

static void body_is(const char *body, const char *expected)
{
    size_t len;
    unsigned char *zip = fixture_odt_body(body, &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
}

static void fails_with(unsigned char *zip, size_t len, const kps_limits *lim,
                       int status, const char *fragment)
{
    kps_limits dflt;
    test_limits(&dflt);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract_with(zip, len, lim ? lim : &dflt, &doc, err);
    ck_assert_msg(rc == status, "status %d, expected %d: %s", rc, status,
                  kpiscan_error_message(err));
    ck_assert_msg(strstr(kpiscan_error_reason(err), fragment) != NULL,
                  "reason '%s' lacks '%s'", kpiscan_error_reason(err),
                  fragment);
    ck_assert_str_eq(kpiscan_error_file(err), "cv.odt");
    ck_assert_ptr_null(doc.text);
    kpiscan_error_free(err);
}

static int phrase_hidden(const kps_doc *doc, const char *phrase)
{
    const char *at = strstr(doc->text, phrase);
    ck_assert_msg(at != NULL, "'%s' not in text", phrase);
    size_t start = (size_t)(at - doc->text), end = start + strlen(phrase);
    for (size_t i = 0; i < doc->nhidden; i++)
        if (doc->hidden[i].start <= start && doc->hidden[i].end >= end)
            return 1;
    return 0;
}

static int phrase_touches_hidden(const kps_doc *doc, const char *phrase)
{
    const char *at = strstr(doc->text, phrase);
    ck_assert_msg(at != NULL, "'%s' not in text", phrase);
    size_t start = (size_t)(at - doc->text), end = start + strlen(phrase);
    for (size_t i = 0; i < doc->nhidden; i++)
        if (doc->hidden[i].start < end && doc->hidden[i].end > start)
            return 1;
    return 0;
}

/* "Visible words " then the phrase in a span of style T1 defined by
 * auto_styles (content.xml) and common (styles.xml). */
static void hidden_case(const char *auto_styles, const char *common,
                        const char *para_style, int expect_hidden)
{
    char body[1024];
    snprintf(body, sizeof body,
             "<text:p%s%s%s>Visible words <text:span text:style-name=\"T1\">"
             "KPI strategic alignment</text:span></text:p>",
             para_style ? " text:style-name=\"" : "",
             para_style ? para_style : "", para_style ? "\"" : "");
    fixture_odt_spec spec = {0};
    spec.body = body;
    spec.automatic_styles = auto_styles;
    spec.styles = common;
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert_str_eq(doc.text, "Visible words KPI strategic alignment\n");
    ck_assert_msg(phrase_hidden(&doc, "KPI strategic alignment") ==
                      expect_hidden,
                  "styles %s: expected %s", auto_styles ? auto_styles : "-",
                  expect_hidden ? "hidden" : "visible");
    if (!para_style)
        ck_assert(!phrase_touches_hidden(&doc, "Visible words"));
    kps_doc_free(&doc);
}

#define TEXT_STYLE(props)                                                      \
    "<style:style style:name=\"T1\" style:family=\"text\">"                    \
    "<style:text-properties " props "/></style:style>"

/* ---- text ------------------------------------------------------------- */

START_TEST(test_paragraphs_and_headings)
{
    body_is("<text:h text:outline-level=\"1\">Experience</text:h>"
            "<text:p>Led the <text:span>KPI</text:span> programme.</text:p>",
            "Experience\nLed the KPI programme.\n");
}
END_TEST

START_TEST(test_white_space_rules)
{
    /* ODF collapses white space in paragraph content; text:s, text:tab
     * and text:line-break are literal */
    body_is(
        "<text:p>\n   Pretty   printed\n   text  </text:p>"
        "<text:p>a<text:s text:c=\"3\"/>b <text:s/>c<text:tab/>d"
        "<text:line-break/>e</text:p>"
        "<text:p><text:span>x </text:span> <text:span> y</text:span></text:p>",
        "Pretty printed text\na   b  c\td\ne\nx y\n");
}
END_TEST

START_TEST(test_lists)
{
    body_is("<text:list><text:list-item><text:number>1.</text:number>"
            "<text:p>First</text:p></text:list-item><text:list-item>"
            "<text:p>Second</text:p><text:list><text:list-item><text:p>"
            "Nested</text:p></text:list-item></text:list></text:list-item>"
            "</text:list>",
            "First\nSecond\nNested\n");
}
END_TEST

START_TEST(test_tables)
{
    body_is(
        "<text:p>Above</text:p><table:table><table:table-column/>"
        "<table:table-header-rows><table:table-row><table:table-cell>"
        "<text:p>Year</text:p></table:table-cell><table:table-cell>"
        "<text:p>Role</text:p></table:table-cell></table:table-row>"
        "</table:table-header-rows><table:table-row><table:table-cell>"
        "<text:p>2019</text:p></table:table-cell><table:covered-table-cell/>"
        "<table:table-cell><text:p>Lead</text:p><text:p>Analyst</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        "<text:p>Below</text:p>",
        "Above\nYear\tRole\n2019\t\tLead\nAnalyst\nBelow\n");
    /* a row of two columns of paragraphs: the second column's heading
     * starts its own line */
    body_is("<table:table><table:table-row><table:table-cell><text:p>Skills"
            "</text:p><text:p>Power BI</text:p></table:table-cell>"
            "<table:table-cell><text:p>Experience</text:p><text:p>Built KPI "
            "dashboards</text:p></table:table-cell></table:table-row>"
            "</table:table>",
            "Skills\nPower BI\nExperience\nBuilt KPI dashboards\n");
}
END_TEST

START_TEST(test_frames_and_text_boxes)
{
    body_is("<text:p>Name <draw:frame draw:name=\"f1\"><svg:title>alt title"
            "</svg:title><svg:desc>description</svg:desc><draw:text-box>"
            "<text:p>Skills box</text:p></draw:text-box></draw:frame> tail"
            "</text:p>",
            "Name\nSkills box\ntail\n");
}
END_TEST

START_TEST(test_notes_annotations_changes)
{
    body_is("<text:tracked-changes><text:changed-region text:id=\"c1\">"
            "<text:deletion><office:change-info/><text:p>deleted words</text:p>"
            "</text:deletion></text:changed-region></text:tracked-changes>"
            "<text:p>Grew revenue<text:note text:note-class=\"footnote\">"
            "<text:note-citation>1</text:note-citation><text:note-body>"
            "<text:p>Audited figures.</text:p></text:note-body></text:note> "
            "by 20%<office:annotation><dc:creator>Rev</dc:creator><text:p>"
            "a comment</text:p></office:annotation>.<text:change "
            "text:change-id=\"c1\"/></text:p>",
            "Grew revenue by 20%.\nAudited figures.\n");
}
END_TEST

START_TEST(test_headers_footers_and_parts)
{
    fixture_odt_spec spec = {0};
    spec.body = "<text:p>Body text</text:p><text:p>Second<text:note>"
                "<text:note-citation>1</text:note-citation><text:note-body>"
                "<text:p>Note</text:p></text:note-body></text:note></text:p>";
    spec.master_styles =
        "<style:master-page style:name=\"Standard\"><style:header><text:p>"
        "Page header</text:p></style:header><style:header-left "
        "style:display=\"false\"><text:p>Switched off</text:p>"
        "</style:header-left><style:footer><text:p>Page footer</text:p>"
        "</style:footer></style:master-page>";
    spec.styles = "<style:style style:name=\"Standard\" "
                  "style:family=\"paragraph\"><style:text-properties "
                  "fo:font-size=\"11pt\"/></style:style>";
    spec.meta_date = "2022-11-30T08:00:00.123";
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert_str_eq(doc.text,
                     "Body text\nSecond\nPage header\nPage footer\nNote\n");
    ck_assert_uint_eq(doc.nparts, 2);
    ck_assert_str_eq(doc.parts[0], "content.xml");
    ck_assert_str_eq(doc.parts[1], "styles.xml");
    ck_assert_uint_eq(doc.nsegments, 5);
    ck_assert_uint_eq(doc.segments[1].part, 0);
    ck_assert_uint_eq(doc.segments[1].paragraph, 1);
    ck_assert_uint_eq(doc.segments[2].part, 1);
    ck_assert_uint_eq(doc.segments[4].part, 0); /* the note */
    for (size_t i = 1; i < doc.nsegments; i++)
        ck_assert_uint_ge(doc.segments[i].start, doc.segments[i - 1].end);
    ck_assert_int_eq(doc.modified_year, 2022);
    ck_assert_int_eq(doc.modified_month, 11);
    ck_assert_int_eq(doc.modified_day, 30);
    kps_doc_free(&doc);
}
END_TEST

/* ---- hidden text ------------------------------------------------------ */

START_TEST(test_hidden_display_none)
{
    hidden_case(TEXT_STYLE("text:display=\"none\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("text:display=\"true\""), NULL, NULL, 0);
    hidden_case(NULL, NULL, NULL, 0);
    /* through a paragraph style */
    hidden_case("<style:style style:name=\"P1\" style:family=\"paragraph\">"
                "<style:text-properties text:display=\"none\"/></style:style>",
                NULL, "P1", 1);
    /* an automatic style inheriting from a common style in styles.xml */
    hidden_case("<style:style style:name=\"T1\" style:family=\"text\" "
                "style:parent-style-name=\"Secret\"/>",
                "<style:style style:name=\"Secret\" style:family=\"text\">"
                "<style:text-properties text:display=\"none\"/></style:style>",
                NULL, 1);
    /* a style name of 300 characters still finds its style */
    char name[301], style[512];
    memset(name, 'P', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(style, sizeof style,
             "<style:style style:name=\"%s\" style:family=\"paragraph\">"
             "<style:text-properties text:display=\"none\"/></style:style>",
             name);
    hidden_case(style, NULL, name, 1);
    /* a style of another family with the same name does not count */
    hidden_case("<style:style style:name=\"T1\" style:family=\"paragraph\">"
                "<style:text-properties text:display=\"none\"/></style:style>",
                NULL, NULL, 0);
}
END_TEST

/* Styles are found by (family, name) among thousands, whatever the order
 * of definitions and lookups; of two styles of one name, the first. */
START_TEST(test_many_styles)
{
    enum { N = 2000 };
    size_t cap = (size_t)N * 120 + 1024;
    char *styles = malloc(cap);
    ck_assert_ptr_nonnull(styles);
    size_t n = 0;
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(
            styles + n, cap - n,
            "<style:style style:name=\"S%d\" style:family=\"paragraph\">"
            "%s</style:style>",
            i,
            i == 1234 ? "<style:text-properties text:display=\"none\"/>" : "");
    /* T1 hidden by its first definition, not by the second */
    snprintf(styles + n, cap - n,
             "%s<style:style style:name=\"T1\" style:family=\"text\"/>",
             TEXT_STYLE("text:display=\"none\""));
    hidden_case(styles, NULL, "S1234", 1);
    hidden_case(styles, NULL, "S1233", 1); /* T1 alone hides the span */
    styles[n] = '\0';
    hidden_case(styles, NULL, "S1999", 0);
    hidden_case(styles, NULL, "S0", 0);
    hidden_case(styles, NULL, "S1234", 1);
    free(styles);
}
END_TEST

START_TEST(test_hidden_white_and_tiny)
{
    hidden_case(TEXT_STYLE("fo:color=\"#ffffff\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:color=\"#F4F8FF\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:color=\"#efffff\""), NULL, NULL, 0);
    hidden_case(TEXT_STYLE("fo:color=\"#ffffff\" "
                           "fo:background-color=\"#1f3864\""),
                NULL, NULL, 0);
    hidden_case(TEXT_STYLE("fo:color=\"#ffffff\" "
                           "fo:background-color=\"transparent\""),
                NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:font-size=\"2pt\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:font-size=\" 2pt \""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:font-size=\"0.5mm\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:font-size=\"2.5pt\""), NULL, NULL, 0);
    hidden_case(TEXT_STYLE("fo:font-size=\"50%\""), NULL, NULL, 0);
    /* white on a shaded paragraph */
    hidden_case("<style:style style:name=\"P1\" style:family=\"paragraph\">"
                "<style:paragraph-properties fo:background-color=\"#000000\"/>"
                "</style:style>" TEXT_STYLE("fo:color=\"#ffffff\""),
                NULL, "P1", 0);
}
END_TEST

/* White text beside a dark shape drawn behind the text (a template's
 * sidebar) may stand on it, as white text on a coloured page: not hidden.
 * The same shape in front of the text, or white text with no shape, is. */
START_TEST(test_white_beside_dark_shape)
{
    static const char *const runs[] = {"background", "foreground", NULL};
    for (size_t i = 0; i < 3; i++) {
        char styles[1024], body[1024];
        snprintf(styles, sizeof styles,
                 "<style:style style:name=\"gr1\" style:family=\"graphic\">"
                 "<style:graphic-properties draw:fill=\"solid\" "
                 "draw:fill-color=\"#1f3a5c\" style:run-through=\"%s\"/>"
                 "</style:style>" TEXT_STYLE("fo:color=\"#ffffff\""),
                 runs[i] ? runs[i] : "background");
        snprintf(body, sizeof body,
                 "<text:p>%s<text:span text:style-name=\"T1\">KPI "
                 "dashboards</text:span></text:p><text:p>Experience</text:p>",
                 runs[i] ? "<draw:rect draw:style-name=\"gr1\" "
                           "svg:width=\"8cm\" svg:height=\"28cm\"/>"
                         : "");
        fixture_odt_spec spec = {0};
        spec.body = body;
        spec.automatic_styles = styles;
        size_t len;
        unsigned char *zip = fixture_odt(&spec, &len);
        kps_doc doc;
        extract_ok(zip, len, &doc);
        ck_assert_msg(phrase_hidden(&doc, "KPI dashboards") == (i != 0),
                      "shape %s", runs[i] ? runs[i] : "none");
        kps_doc_free(&doc);
    }
}
END_TEST

/* Glyphs squeezed or shrunk to a tenth, LibreOffice's text transparency
 * of 0 %, and frames not displayed, far off the page or a point wide. */
START_TEST(test_hidden_scale_opacity_frames)
{
    hidden_case(TEXT_STYLE("style:text-scale=\"1%\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("style:text-scale=\"90%\""), NULL, NULL, 0);
    hidden_case(TEXT_STYLE("style:text-position=\"0% 1%\""), NULL, NULL, 1);
    hidden_case(TEXT_STYLE("style:text-position=\"super 58%\""), NULL, NULL, 0);
    hidden_case(TEXT_STYLE("xmlns:loext=\"urn:org:documentfoundation:names:"
                           "experimental:office:xmlns:loext:1.0\" "
                           "loext:opacity=\"0%\""),
                NULL, NULL, 1);
    /* LibreOffice writes its default style's window colour with
     * loext:opacity="0%" and draws it anyway; an opacity belongs to the
     * colour it is written with */
#define LOEXT                                                                  \
    "xmlns:loext=\"urn:org:documentfoundation:names:experimental:"             \
    "office:xmlns:loext:1.0\" "
    static const char *const lo_default =
        "<style:default-style style:family=\"paragraph\">"
        "<style:text-properties " LOEXT "style:use-window-font-color=\"true\" "
        "loext:opacity=\"0%\" fo:font-size=\"12pt\"/></style:default-style>";
    hidden_case(TEXT_STYLE("fo:font-weight=\"bold\""), lo_default, NULL, 0);
    hidden_case(TEXT_STYLE("fo:color=\"#000000\""), lo_default, NULL, 0);
    hidden_case(TEXT_STYLE(LOEXT "fo:color=\"#000000\" loext:opacity=\"0%\""),
                lo_default, NULL, 1);
    hidden_case(TEXT_STYLE(LOEXT "style:use-window-font-color=\"true\" "
                                 "loext:opacity=\"0%\""),
                NULL, NULL, 0);
#undef LOEXT
    static const char *const frames[] = {
        "draw:display=\"none\" svg:width=\"5cm\" svg:height=\"2cm\"",
        "svg:x=\"-80cm\" svg:y=\"1cm\" svg:width=\"5cm\" svg:height=\"2cm\"",
        "svg:width=\"0.001cm\" svg:height=\"2cm\"",
        "svg:width=\"5cm\" svg:height=\"2cm\"",
    };
    for (size_t i = 0; i < 4; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "<text:p>Chef</text:p><text:p><draw:frame %s><draw:text-box>"
                 "<text:p>KPI strategic alignment</text:p></draw:text-box>"
                 "</draw:frame></text:p>",
                 frames[i]);
        size_t len;
        unsigned char *zip = fixture_odt_body(body, &len);
        kps_doc doc;
        extract_ok(zip, len, &doc);
        ck_assert_msg(phrase_hidden(&doc, "KPI strategic alignment") == (i < 3),
                      "frame %zu", i);
        ck_assert(!phrase_touches_hidden(&doc, "Chef"));
        kps_doc_free(&doc);
    }
}
END_TEST

/* Text the colour of its own background (a span's or its paragraph's):
 * a bar, not words, whatever the colour; another colour, the window's
 * font colour or no background of its own are read as before. */
START_TEST(test_hidden_same_colour)
{
    hidden_case(TEXT_STYLE("fo:color=\"#000000\" "
                           "fo:background-color=\"#000000\""),
                NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:color=\"#FFFF00\" "
                           "fo:background-color=\"#f0f010\""),
                NULL, NULL, 1);
    hidden_case(TEXT_STYLE("fo:color=\"#000000\" "
                           "fo:background-color=\"#404040\""),
                NULL, NULL, 0);
    hidden_case(TEXT_STYLE("fo:color=\"#000000\" "
                           "style:use-window-font-color=\"true\" "
                           "fo:background-color=\"#000000\""),
                NULL, NULL, 0);
    hidden_case(TEXT_STYLE("fo:color=\"#000000\""), NULL, NULL, 0);
    hidden_case("<style:style style:name=\"P1\" style:family=\"paragraph\">"
                "<style:paragraph-properties fo:background-color=\"#c00000\"/>"
                "</style:style>" TEXT_STYLE("fo:color=\"#c00000\""),
                NULL, "P1", 1);
    /* the span's own background wins over the paragraph's */
    hidden_case("<style:style style:name=\"P1\" style:family=\"paragraph\">"
                "<style:paragraph-properties fo:background-color=\"#c00000\"/>"
                "</style:style>" TEXT_STYLE("fo:color=\"#c00000\" "
                                            "fo:background-color=\"#ffff00\""),
                NULL, "P1", 0);
}
END_TEST

START_TEST(test_hidden_sections_and_fields)
{
    size_t len;
    unsigned char *zip = fixture_odt_body(
        "<text:section text:name=\"s\" text:display=\"none\"><text:p>"
        "Hidden section</text:p></text:section>"
        "<text:p>Shown <text:hidden-text text:condition=\"ooow:1\" "
        "text:string-value=\"stuffed\" text:is-hidden=\"true\">stuffed"
        "</text:hidden-text></text:p>"
        "<text:p><text:hidden-paragraph text:condition=\"ooow:1\" "
        "text:is-hidden=\"true\"/>Hidden paragraph</text:p>"
        "<text:p>Last</text:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert_str_eq(doc.text,
                     "Hidden section\nShown stuffed\nHidden paragraph\nLast\n");
    ck_assert(phrase_hidden(&doc, "Hidden section"));
    ck_assert(phrase_hidden(&doc, "stuffed"));
    ck_assert(phrase_hidden(&doc, "Hidden paragraph"));
    ck_assert(!phrase_touches_hidden(&doc, "Shown"));
    ck_assert(!phrase_touches_hidden(&doc, "Last"));
    kps_doc_free(&doc);
}
END_TEST

/* The innermost cell with a background decides (a white cell nested in a
 * navy one hides white text); a nested cell without one, or with a
 * transparent one, shows the navy through. */
START_TEST(test_white_in_nested_cells)
{
    fixture_odt_spec spec = {0};
    spec.automatic_styles =
        "<style:style style:name=\"T1\" style:family=\"text\">"
        "<style:text-properties fo:color=\"#ffffff\"/></style:style>"
        "<style:style style:name=\"navy\" style:family=\"table-cell\">"
        "<style:table-cell-properties fo:background-color=\"#000080\"/>"
        "</style:style>"
        "<style:style style:name=\"white\" style:family=\"table-cell\">"
        "<style:table-cell-properties fo:background-color=\"#ffffff\"/>"
        "</style:style>"
        "<style:style style:name=\"clear\" style:family=\"table-cell\">"
        "<style:table-cell-properties fo:background-color=\"transparent\"/>"
        "</style:style>";
    spec.body =
        "<table:table><table:table-row><table:table-cell "
        "table:style-name=\"navy\"><table:table><table:table-row>"
        "<table:table-cell table:style-name=\"white\"><text:p><text:span "
        "text:style-name=\"T1\">Stuffed</text:span></text:p>"
        "</table:table-cell><table:table-cell table:style-name=\"clear\">"
        "<text:p><text:span text:style-name=\"T1\">Banner</text:span>"
        "</text:p></table:table-cell></table:table-row></table:table>"
        "</table:table-cell></table:table-row></table:table>";
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    kps_doc_free(&doc);

    /* a paragraph's own white background inside a navy cell */
    fixture_odt_spec para = {0};
    para.automatic_styles =
        "<style:style style:name=\"T1\" style:family=\"text\">"
        "<style:text-properties fo:color=\"#ffffff\"/></style:style>"
        "<style:style style:name=\"navy\" style:family=\"table-cell\">"
        "<style:table-cell-properties fo:background-color=\"#000080\"/>"
        "</style:style>"
        "<style:style style:name=\"PW\" style:family=\"paragraph\">"
        "<style:paragraph-properties fo:background-color=\"#ffffff\"/>"
        "</style:style>";
    para.body = "<table:table><table:table-row><table:table-cell "
                "table:style-name=\"navy\"><text:p text:style-name=\"PW\">"
                "<text:span text:style-name=\"T1\">Stuffed</text:span></text:p>"
                "<text:p><text:span text:style-name=\"T1\">Banner</text:span>"
                "</text:p></table:table-cell></table:table-row></table:table>";
    zip = fixture_odt(&para, &len);
    extract_ok(zip, len, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_white_in_filled_frame_or_coloured_page)
{
    fixture_odt_spec spec = {0};
    spec.automatic_styles =
        "<style:style style:name=\"T1\" style:family=\"text\">"
        "<style:text-properties fo:color=\"#ffffff\"/></style:style>"
        "<style:style style:name=\"fr1\" style:family=\"graphic\">"
        "<style:graphic-properties draw:fill=\"solid\" "
        "draw:fill-color=\"#2e74b5\"/></style:style>";
    spec.body = "<text:p><draw:frame draw:style-name=\"fr1\"><draw:text-box>"
                "<text:p><text:span text:style-name=\"T1\">Sidebar</text:span>"
                "</text:p></draw:text-box></draw:frame></text:p>"
                "<text:p><text:span text:style-name=\"T1\">Stuffed</text:span>"
                "</text:p>";
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Sidebar"));
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    kps_doc_free(&doc);

    spec.styles_auto = "<style:page-layout style:name=\"pm1\">"
                       "<style:page-layout-properties "
                       "fo:background-color=\"#101010\"/></style:page-layout>";
    zip = fixture_odt(&spec, &len);
    extract_ok(zip, len, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Stuffed"));
    kps_doc_free(&doc);

    /* a transparent page is the white page: white text stays hidden */
    spec.styles_auto = "<style:page-layout style:name=\"pm1\">"
                       "<style:page-layout-properties "
                       "fo:background-color=\"transparent\"/>"
                       "</style:page-layout>";
    zip = fixture_odt(&spec, &len);
    extract_ok(zip, len, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    kps_doc_free(&doc);
}
END_TEST

/* ---- errors and limits ----------------------------------------------------
 */

START_TEST(test_not_an_odt)
{
    fixture_odt_spec spec = {0};
    spec.body = "<text:p>x</text:p>";
    spec.mimetype = "application/vnd.oasis.opendocument.spreadsheet";
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not an ODT document");

    spec = (fixture_odt_spec){0};
    spec.content_xml =
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:"
        "opendocument:xmlns:office:1.0\"><office:body><office:spreadsheet/>"
        "</office:body></office:document-content>";
    spec.mimetype = "";
    zip = fixture_odt(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not an ODT document");

    spec.content_xml = "<html><body>hi</body></html>";
    zip = fixture_odt(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not an ODT document");

    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "readme.txt", "hello");
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not an ODT document");

    /* a mimetype of ODF text without content.xml: an ODT that lost its
     * body is damaged (it said "not an ODT document") */
    z = fixture_zip_new();
    fixture_zip_add_stored(z, "mimetype",
                           "application/vnd.oasis.opendocument.text", 39);
    fixture_zip_add_str(z, "styles.xml", "<x/>");
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "corrupt ODT: content.xml is missing");

    /* password-protected: its parts are ciphertext, the manifest says so */
    z = fixture_zip_new();
    fixture_zip_add_stored(z, "mimetype",
                           "application/vnd.oasis.opendocument.text", 39);
    fixture_zip_add_str(z, "content.xml", "\x8f\x12 ciphertext");
    fixture_zip_add_str(
        z, "META-INF/manifest.xml",
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:"
        "xmlns:manifest:1.0\"><manifest:file-entry manifest:full-path=\""
        "content.xml\"><manifest:encryption-data manifest:checksum-type=\""
        "SHA1/1K\"/></manifest:file-entry></manifest:manifest>");
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_ENCRYPTED, "password-protected ODT");
}
END_TEST

START_TEST(test_empty_odt)
{
    size_t len;
    unsigned char *zip = fixture_odt_body("<text:p>  </text:p><text:p/>", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_EMPTY, "empty document");
}
END_TEST

START_TEST(test_corrupt_archives)
{
    size_t len;
    unsigned char *zip = fixture_odt_body("<text:p>Some text</text:p>", &len);
    fails_with(zip, len / 2, NULL, KPISCAN_ERR_CORRUPT, "corrupt ODT: ");

    /* a bad CRC in a stored content.xml */
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_stored(z, "mimetype",
                           "application/vnd.oasis."
                           "opendocument.text",
                           39);
    const char *xml = "<office:document-content xmlns:office=\"urn:oasis:"
                      "names:tc:opendocument:xmlns:office:1.0\" xmlns:text="
                      "\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
                      "<office:body><office:text><text:p>Checksummed</text:p>"
                      "</office:text></office:body></office:document-content>";
    fixture_zip_add_stored(z, "content.xml", xml, strlen(xml));
    zip = fixture_zip_finish(z, &len);
    size_t at = fixture_find(zip, len, "Checksummed");
    ck_assert_uint_ne(at, (size_t)-1);
    zip[at] = 'c';
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "corrupt ODT: content.xml: CRC error");

    /* duplicate names (ODF names are case-sensitive: exact duplicates) */
    z = fixture_zip_new();
    fixture_zip_add_str(z, "content.xml", "<a/>");
    fixture_zip_add_str(z, "contenX.xml", "<b/>");
    zip = fixture_zip_finish(z, &len);
    ck_assert_uint_eq(fixture_replace(zip, len, "contenX.xml", "content.xml"),
                      2);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "duplicate entry name 'content.xml'");
}
END_TEST

START_TEST(test_hostile_xml)
{
    fixture_odt_spec spec = {0};
    spec.content_xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE office:document-content [\n"
        "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<office:document-content xmlns:office=\"urn:oasis:names:tc:"
        "opendocument:xmlns:office:1.0\" xmlns:text=\"urn:oasis:names:tc:"
        "opendocument:xmlns:text:1.0\"><office:body><office:text><text:p>"
        "&xxe;</text:p></office:text></office:body></office:document-content>";
    size_t len;
    unsigned char *zip = fixture_odt(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "DOCTYPE not allowed in content.xml");

    spec.content_xml =
        "<?xml version=\"1.0\"?>\n<office:document-content xmlns:office=\"urn:"
        "oasis:names:tc:opendocument:xmlns:office:1.0\">\n<office:body>\n"
        "<office:text></office:body></office:document-content>";
    zip = fixture_odt(&spec, &len);
    kps_limits lim;
    test_limits(&lim);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract_with(zip, len, &lim, &doc, err),
                     KPISCAN_ERR_CORRUPT);
    ck_assert_msg(strncmp(kpiscan_error_reason(err),
                          "corrupt ODT: malformed XML in content.xml (line 4, "
                          "column ",
                          58) == 0,
                  "%s", kpiscan_error_reason(err));
    ck_assert_uint_eq(kpiscan_error_line(err), 0);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_limits_enforced)
{
    kps_limits lim;
    test_limits(&lim);
    size_t len;

    /* a space count far past the text limit ends quickly */
    unsigned char *zip = fixture_odt_body(
        "<text:p>a<text:s text:c=\"99999999999999999999\"/>b</text:p>", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "content.xml: extracted text exceeds max_text_bytes");

    zip = fixture_odt_body("<text:p>0123456789</text:p><text:p>0123456789"
                           "</text:p>",
                           &len);
    lim.max_text_bytes = 12;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_text_bytes (12)");

    test_limits(&lim);
    lim.max_zip_entries = 2;
    zip = fixture_odt_body("<text:p>x</text:p>", &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_zip_entries is 2");

    test_limits(&lim);
    lim.max_xml_depth = 5;
    zip = fixture_odt_body("<text:p><text:span><text:span>deep</text:span>"
                           "</text:span></text:p>",
                           &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT,
               "content.xml: XML nesting deeper than max_xml_depth (5)");

    /* a bomb in content.xml */
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_stored(z, "mimetype",
                           "application/vnd.oasis.opendocument.text", 39);
    fixture_zip_add_repeat(z, "content.xml",
                           "<office:document-content xmlns:office=\"urn:"
                           "oasis:names:tc:opendocument:xmlns:office:1.0\">"
                           "<office:body><office:text>",
                           ' ', 50u * 1000 * 1000,
                           "</office:text></office:body>"
                           "</office:document-content>");
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "ODT part content.xml: compression ratio exceeds max_ratio");

    test_limits(&lim);
    lim.max_part_bytes = 200;
    zip = fixture_odt_body("<text:p>x</text:p>", &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_part_bytes (200)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("odt");
    TCase *text = tcase_create("text");
    tcase_add_test(text, test_paragraphs_and_headings);
    tcase_add_test(text, test_white_space_rules);
    tcase_add_test(text, test_lists);
    tcase_add_test(text, test_tables);
    tcase_add_test(text, test_frames_and_text_boxes);
    tcase_add_test(text, test_notes_annotations_changes);
    tcase_add_test(text, test_headers_footers_and_parts);
    suite_add_tcase(s, text);

    TCase *hidden = tcase_create("hidden");
    tcase_add_test(hidden, test_hidden_display_none);
    tcase_add_test(hidden, test_hidden_white_and_tiny);
    tcase_add_test(hidden, test_many_styles);
    tcase_add_test(hidden, test_hidden_same_colour);
    tcase_add_test(hidden, test_hidden_scale_opacity_frames);
    tcase_add_test(hidden, test_white_beside_dark_shape);
    tcase_add_test(hidden, test_hidden_sections_and_fields);
    tcase_add_test(hidden, test_white_in_filled_frame_or_coloured_page);
    tcase_add_test(hidden, test_white_in_nested_cells);
    suite_add_tcase(s, hidden);

    TCase *errors = tcase_create("errors");
    tcase_set_timeout(errors, 60);
    tcase_add_test(errors, test_not_an_odt);
    tcase_add_test(errors, test_empty_odt);
    tcase_add_test(errors, test_corrupt_archives);
    tcase_add_test(errors, test_hostile_xml);
    tcase_add_test(errors, test_limits_enforced);
    suite_add_tcase(s, errors);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
