/*
 * test-docx.c - the DOCX extractor (lib/docx.c, lib/zipread.c,
 * lib/xmlread.c), one case per rule, on documents built from snippets by
 * fixture.c.  Hostile archives are built here too.
 */
#define _GNU_SOURCE /* dup, dup2; memmem in input/docx.h */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "input/docx.h"
#include "internal.h"

/* ---- helpers ------------------------------------------------------------ */

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

/* Extract an archive (freed here) with the test limits. */
static int extract_with(unsigned char *zip, size_t len, const kps_limits *lim,
                        int comments, kps_doc *doc, kpiscan_error *err)
{
    int rc = kps_docx_extract(zip, len, "cv.docx", lim, comments, doc, err);
    free(zip);
    return rc;
}

static int extract(unsigned char *zip, size_t len, int comments, kps_doc *doc,
                   kpiscan_error *err)
{
    kps_limits lim;
    test_limits(&lim);
    return extract_with(zip, len, &lim, comments, doc, err);
}

/* Extract and insist on success. */
static void extract_ok(unsigned char *zip, size_t len, int comments,
                       kps_doc *doc)
{
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract(zip, len, comments, doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "extract failed (%d): %s", rc,
                  kpiscan_error_message(err));
    ck_assert_ptr_nonnull(doc->text);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    kpiscan_error_free(err);
}

/* The text of a body snippet. */
static void body_is(const char *body, const char *expected)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(body, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
}

/* Extraction fails with status; the reason contains fragment. */
static void fails_with(unsigned char *zip, size_t len, const kps_limits *lim,
                       int status, const char *fragment)
{
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    kps_limits dflt;
    test_limits(&dflt);
    int rc = extract_with(zip, len, lim ? lim : &dflt, 0, &doc, err);
    ck_assert_msg(rc == status, "status %d, expected %d: %s", rc, status,
                  kpiscan_error_message(err));
    ck_assert_int_eq(kpiscan_error_status(err), status);
    ck_assert_msg(strstr(kpiscan_error_reason(err), fragment) != NULL,
                  "reason '%s' lacks '%s'", kpiscan_error_reason(err),
                  fragment);
    ck_assert_str_eq(kpiscan_error_file(err), "cv.docx");
    ck_assert_ptr_null(doc.text);
    ck_assert_uint_eq(doc.nparts, 0);
    kpiscan_error_free(err);
}

/* Is every byte of the first occurrence of phrase inside hidden ranges? */
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

/* Any byte of phrase hidden? */
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

/* A two-run paragraph: a visible run and a run with rpr properties. */
static void hidden_case(const char *styles, const char *ppr, const char *rpr,
                        int expect_hidden)
{
    char body[2048];
    snprintf(body, sizeof body,
             "<w:p>%s<w:r><w:t xml:space=\"preserve\">Visible words </w:t>"
             "</w:r><w:r>%s<w:t>KPI strategic alignment</w:t></w:r></w:p>",
             ppr ? ppr : "", rpr ? rpr : "");
    size_t len;
    unsigned char *zip = styles ? fixture_docx_styled(styles, body, &len)
                                : fixture_docx_body(body, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Visible words KPI strategic alignment\n");
    ck_assert_msg(phrase_hidden(&doc, "KPI strategic alignment") ==
                      expect_hidden,
                  "rPr %s: expected %s", rpr ? rpr : "-",
                  expect_hidden ? "hidden" : "visible");
    /* paragraph properties apply to the first run too */
    if (!ppr)
        ck_assert(!phrase_touches_hidden(&doc, "Visible words"));
    kps_doc_free(&doc);
}

/* ---- item 2: which text ------------------------------------------------- */

START_TEST(test_plain_paragraphs)
{
    body_is("<w:p><w:r><w:t>Hello</w:t></w:r></w:p><w:p><w:r><w:t>World</w:t>"
            "</w:r></w:p>",
            "Hello\nWorld\n");
}
END_TEST

START_TEST(test_main_part_from_package_rels)
{
    fixture_docx_spec spec = {0};
    spec.main_name = "word/document2.xml";
    spec.body = "<w:p><w:r><w:t>Alternate path</w:t></w:r></w:p>";
    spec.headers[0] = "<w:p><w:r><w:t>Head</w:t></w:r></w:p>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Alternate path\nHead\n");
    ck_assert_uint_eq(doc.nparts, 2);
    ck_assert_str_eq(doc.parts[0], "word/document2.xml");
    ck_assert_str_eq(doc.parts[1], "word/header1.xml");
    kps_doc_free(&doc);
}
END_TEST

/* Relationship targets that differ only in case name one zip entry (the
 * lookup folds case for DOCX): the part is read once, not once per
 * spelling (256 spellings of a 1 MiB header made 270 MB of text). */
START_TEST(test_part_targets_case_folded)
{
    char rels[65536];
    size_t n = (size_t)snprintf(
        rels, sizeof rels,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\">");
    for (int i = 0; i < 256; i++) {
        char target[32] = "header1.xml";
        static const int letters[8] = {0, 1, 2, 3, 4, 5, 8, 9};
        for (int b = 0; b < 8; b++)
            if (i & (1 << b))
                target[letters[b]] = (char)(target[letters[b]] - 'a' + 'A');
        n += (size_t)snprintf(
            rels + n, sizeof rels - n,
            "<Relationship Id=\"rId%d\" Type=\"http://schemas."
            "openxmlformats.org/officeDocument/2006/relationships/header\" "
            "Target=\"%s\"/>",
            i, target);
    }
    snprintf(rels + n, sizeof rels - n, "</Relationships>");
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:t>Body</w:t></w:r></w:p>";
    spec.headers[0] = "<w:p><w:r><w:t>Head once</w:t></w:r></w:p>";
    spec.no_main_rels = 1;
    spec.extra_name = "word/_rels/document.xml.rels";
    spec.extra_data = rels;
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Body\nHead once\n");
    ck_assert_uint_eq(doc.nparts, 2);
    kps_doc_free(&doc);
}
END_TEST

/* A central directory that lies about where an entry's data is: the
 * message says so, instead of libzip's "Invalid argument" or "No such
 * file", which read like a problem of the reader's own system. */
START_TEST(test_lying_offset_message)
{
    size_t len;
    unsigned char *zip =
        fixture_docx_body("<w:p><w:r><w:t>Body</w:t></w:r></w:p>", &len);
    static const char name[] = "word/document.xml";
    int patched = 0;
    for (size_t i = 0; i + 46 + sizeof name - 1 <= len; i++)
        if (memcmp(zip + i, "PK\x01\x02", 4) == 0 &&
            zip[i + 28] == sizeof name - 1 && zip[i + 29] == 0 &&
            memcmp(zip + i + 46, name, sizeof name - 1) == 0) {
            /* local header offset, little-endian, far past the end */
            zip[i + 42] = 0x00;
            zip[i + 43] = 0x00;
            zip[i + 44] = 0xff;
            zip[i + 45] = 0x7f;
            patched = 1;
        }
    ck_assert(patched);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(zip, len, 0, &doc, err), KPISCAN_ERR_CORRUPT);
    const char *m = kpiscan_error_message(err);
    ck_assert_msg(strstr(m, "corrupt DOCX: word/document.xml: an entry's "
                            "offset or size points outside the archive"),
                  "%s", m);
    ck_assert_msg(!strstr(m, "Invalid argument") && !strstr(m, "No such"), "%s",
                  m);
    kpiscan_error_free(err);
}
END_TEST

/* A last-saved date goes through the same check as --as-of: a day that is
 * not in the calendar, or a year out of range, is no date at all. */
START_TEST(test_modified_date_checked)
{
    static const struct {
        const char *text;
        int year, month, day;
    } cases[] = {
        {"2024-02-29T10:00:00Z", 2024, 2, 29},
        {"2023-02-29T10:00:00Z", 0, 0, 0},
        {"2021-02-30T10:00:00Z", 0, 0, 0},
        {"2021-04-31T10:00:00Z", 0, 0, 0},
        {"1949-12-31T10:00:00Z", 0, 0, 0},
        {"1950-01-01T10:00:00Z", 1950, 1, 1},
        {"9999-12-31T10:00:00Z", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fixture_docx_spec spec = {0};
        spec.body = "<w:p><w:r><w:t>Dated</w:t></w:r></w:p>";
        spec.modified = cases[i].text;
        size_t len;
        unsigned char *zip = fixture_docx(&spec, &len);
        kps_doc doc;
        extract_ok(zip, len, 0, &doc);
        ck_assert_msg(doc.modified_year == cases[i].year &&
                          doc.modified_month == cases[i].month &&
                          doc.modified_day == cases[i].day,
                      "%s: %d-%d-%d", cases[i].text, doc.modified_year,
                      doc.modified_month, doc.modified_day);
        kps_doc_free(&doc);
    }
}
END_TEST

START_TEST(test_fallback_without_package_rels)
{
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:t>No rels</w:t></w:r></w:p>";
    spec.no_package_rels = 1;
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "No rels\n");
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_strict_namespaces)
{
    fixture_docx_spec spec = {0};
    spec.strict = 1;
    spec.main_name = "word/main.xml";
    spec.body = "<w:p><w:r><w:t>Strict text</w:t></w:r></w:p><w:p><w:r><w:rPr>"
                "<w:vanish/></w:rPr><w:t>gone</w:t></w:r></w:p>";
    spec.footers[0] = "<w:p><w:r><w:t>Strict footer</w:t></w:r></w:p>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Strict text\ngone\nStrict footer\n");
    ck_assert(phrase_hidden(&doc, "gone"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_utf8_bom)
{
    fixture_docx_spec spec = {0};
    spec.bom = 1;
    spec.body =
        "<w:p><w:r><w:t>After a BOM \xC3\xA9t\xC3\xA9</w:t></w:r></w:p>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "After a BOM \xC3\xA9t\xC3\xA9\n");
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_parts_order_and_segments)
{
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:t>Body one</w:t></w:r></w:p><w:p><w:r><w:t>"
                "Body two</w:t></w:r></w:p>";
    spec.headers[0] = "<w:p><w:r><w:t>Header default</w:t></w:r></w:p>";
    spec.headers[1] = "<w:p><w:r><w:t>Header first</w:t></w:r></w:p>";
    spec.footers[0] = "<w:p><w:r><w:t>Footer even</w:t></w:r></w:p>";
    spec.footnotes =
        "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r>"
        "<w:separator/></w:r></w:p></w:footnote>"
        "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:r>"
        "<w:continuationSeparator/></w:r></w:p></w:footnote>"
        "<w:footnote w:id=\"1\"><w:p><w:r><w:t>Footnote text</w:t></w:r>"
        "</w:p></w:footnote>";
    spec.endnotes =
        "<w:endnote w:id=\"1\"><w:p><w:r><w:t>Endnote text</w:t></w:r>"
        "</w:p></w:endnote>";
    spec.comments =
        "<w:comment w:id=\"0\"><w:p><w:r><w:t>Comment text</w:t></w:r>"
        "</w:p></w:comment>";
    spec.modified = "2023-05-17T10:20:30Z";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Body one\nBody two\nHeader default\nHeader "
                               "first\nFooter even\nFootnote text\nEndnote "
                               "text\n");
    ck_assert_uint_eq(doc.nparts, 6);
    ck_assert_str_eq(doc.parts[0], "word/document.xml");
    ck_assert_str_eq(doc.parts[1], "word/header1.xml");
    ck_assert_str_eq(doc.parts[2], "word/header2.xml");
    ck_assert_str_eq(doc.parts[3], "word/footer1.xml");
    ck_assert_str_eq(doc.parts[4], "word/footnotes.xml");
    ck_assert_str_eq(doc.parts[5], "word/endnotes.xml");
    ck_assert_uint_eq(doc.nsegments, 7);
    /* segment 1: "Body two", part 0, paragraph 1 */
    ck_assert_uint_eq(doc.segments[1].start, 9);
    ck_assert_uint_eq(doc.segments[1].end, 17);
    ck_assert_uint_eq(doc.segments[1].part, 0);
    ck_assert_uint_eq(doc.segments[1].paragraph, 1);
    /* the real footnote is the third paragraph of its part */
    ck_assert_uint_eq(doc.segments[5].part, 4);
    ck_assert_uint_eq(doc.segments[5].paragraph, 0);
    for (size_t i = 0; i < doc.nsegments; i++) {
        ck_assert_uint_lt(doc.segments[i].start, doc.segments[i].end);
        if (i)
            ck_assert_uint_ge(doc.segments[i].start, doc.segments[i - 1].end);
    }
    ck_assert_int_eq(doc.modified_year, 2023);
    ck_assert_int_eq(doc.modified_month, 5);
    ck_assert_int_eq(doc.modified_day, 17);
    ck_assert_ptr_null(strstr(doc.text, "Comment"));
    kps_doc_free(&doc);

    /* comments come last when asked for */
    zip = fixture_docx(&spec, &len);
    extract_ok(zip, len, 1, &doc);
    ck_assert_uint_eq(doc.nparts, 7);
    ck_assert_str_eq(doc.parts[6], "word/comments.xml");
    const char *c = strstr(doc.text, "Comment text\n");
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq((size_t)(c - doc.text) + strlen("Comment text\n"),
                      doc.len);
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_text_box_read_once)
{
    /* Word writes a text box twice: DrawingML in mc:Choice, VML in
     * mc:Fallback. */
    body_is("<w:p><w:r><w:t xml:space=\"preserve\">Name </w:t></w:r><w:r>"
            "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>"
            "<wp:anchor behindDoc=\"0\"><a:graphic><a:graphicData><wps:wsp>"
            "<wps:spPr><a:noFill/></wps:spPr><wps:txbx><w:txbxContent><w:p>"
            "<w:r><w:t>Skills box</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
            "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
            "</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
            "<w:txbxContent><w:p><w:r><w:t>Skills box</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r><w:r><w:t xml:space=\"preserve\">"
            " tail</w:t></w:r></w:p>",
            "Name \nSkills box\n tail\n");
}
END_TEST

START_TEST(test_alternate_content_unknown_requires)
{
    body_is("<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"x\">"
            "<w:t>choice</w:t></mc:Choice><mc:Fallback><w:t>fallback</w:t>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>",
            "fallback\n");
    /* an undeclared prefix is not understood either */
    body_is("<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"nope\">"
            "<w:t>choice</w:t></mc:Choice><mc:Fallback><w:t>fallback</w:t>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>",
            "fallback\n");
    /* an understood one wins over the fallback */
    body_is("<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"w14\">"
            "<w:t>choice</w:t></mc:Choice><mc:Fallback><w:t>fallback</w:t>"
            "</mc:Fallback></mc:AlternateContent></w:r></w:p>",
            "choice\n");
    /* so does any of Word's own vocabularies (a 3D model, 2017) */
    body_is("<w:p><w:r><mc:AlternateContent xmlns:am3d=\"http://schemas."
            "microsoft.com/office/drawing/2017/model3d\"><mc:Choice "
            "Requires=\"am3d\"><w:t>choice</w:t></mc:Choice><mc:Fallback>"
            "<w:t>fallback</w:t></mc:Fallback></mc:AlternateContent></w:r>"
            "</w:p>",
            "choice\n");
}
END_TEST

START_TEST(test_tracked_changes_accepted)
{
    body_is("<w:p><w:r><w:t xml:space=\"preserve\">Kept </w:t></w:r>"
            "<w:ins w:id=\"1\"><w:r><w:t xml:space=\"preserve\">inserted </w:t>"
            "</w:r></w:ins><w:del w:id=\"2\"><w:r><w:delText>"
            "deleted </w:delText></w:r></w:del><w:moveFrom w:id=\"3\"><w:r>"
            "<w:t xml:space=\"preserve\">moved-away </w:t></w:r></w:moveFrom>"
            "<w:moveTo w:id=\"4\"><w:r><w:t xml:space=\"preserve\">"
            "moved-here</w:t></w:r></w:moveTo></w:p>",
            "Kept inserted moved-here\n");
}
END_TEST

START_TEST(test_deleted_paragraph_mark_joins)
{
    body_is("<w:p><w:pPr><w:rPr><w:del w:id=\"1\"/></w:rPr></w:pPr><w:r>"
            "<w:t xml:space=\"preserve\">split</w:t></w:r></w:p><w:p><w:r><w:t>"
            "Paragraph.</w:t></w:r></w:p>",
            "splitParagraph.\n");
}
END_TEST

START_TEST(test_fields)
{
    body_is("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r>"
            "<w:instrText xml:space=\"preserve\">"
            " HYPERLINK \"http://example.com\" </w:instrText></w:r><w:r>"
            "<w:fldChar w:fldCharType=\"separate\"/></w:r><w:r>"
            "<w:t xml:space=\"preserve\">result text</w:t></w:r><w:r>"
            "<w:fldChar w:fldCharType=\"end\"/></w:r>"
            "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t xml:space=\"preserve\">"
            " 7</w:t></w:r></w:fldSimple></w:p>",
            "result text 7\n");
    /* Words in w:t before "separate" are field code, which Word never
     * shows: not text.  A nested field's code inside the outer result is
     * dropped too; a field with no result shows nothing; a field still
     * open at the end of a paragraph goes on in the next. */
    body_is("<w:p><w:r><w:t>Shown </w:t></w:r><w:r><w:fldChar "
            "w:fldCharType=\"begin\"/></w:r><w:r><w:t>Led strategic KPI "
            "alignment</w:t></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/>"
            "</w:r><w:r><w:t>outer </w:t></w:r><w:r><w:fldChar "
            "w:fldCharType=\"begin\"/></w:r><w:r><w:t>board KPI</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>"
            "inner</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:fldChar "
            "w:fldCharType=\"begin\"/></w:r><w:r><w:t>executive KPI</w:t>"
            "</w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t> "
            "after</w:t></w:r></w:p><w:p><w:r><w:fldChar "
            "w:fldCharType=\"begin\"/></w:r><w:r><w:t>code</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>still code</w:t></w:r><w:r><w:fldChar "
            "w:fldCharType=\"separate\"/></w:r><w:r><w:t>result</w:t></w:r>"
            "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>",
            "Shown outer inner after\n\nresult\n");
}
END_TEST

/* A drawing Word does not draw (wp:docPr hidden) or a VML shape styled
 * hidden: its text box's words are hidden text, flagged and not scored. */
START_TEST(test_hidden_shapes)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:t>Shown</w:t></w:r></w:p>"
        "<w:p><w:r><w:drawing><wp:anchor behindDoc=\"0\"><wp:docPr id=\"1\" "
        "name=\"Box\" hidden=\"1\"/><a:graphic><a:graphicData><wps:wsp>"
        "<wps:txbx><w:txbxContent><w:p><w:r><w:t>Drawn hidden</w:t></w:r>"
        "</w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData>"
        "</a:graphic></wp:anchor></w:drawing></w:r></w:p>"
        "<w:p><w:r><w:pict><v:shape style=\"position:absolute; Visibility : "
        "Hidden ;width:10pt\"><v:textbox><w:txbxContent><w:p><w:r><w:t>VML "
        "hidden</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r></w:p>"
        "<w:p><w:r><w:pict><v:rect style=\"display:none\"><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>Rect hidden</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:rect></w:pict></w:r></w:p>"
        "<w:p><w:r><w:drawing><wp:inline><wp:docPr id=\"2\" name=\"B\" "
        "hidden=\"0\"/><a:graphic><a:graphicData><wps:wsp><wps:txbx>"
        "<w:txbxContent><w:p><w:r><w:t>Drawn shown</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
        "</wp:inline></w:drawing></w:r></w:p>"
        "<w:p><w:r><w:pict><v:shape style=\"visibility:visible\"><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>VML shown</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        "<w:p><w:r><w:t>After</w:t></w:r></w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "Drawn hidden"));
    ck_assert(phrase_hidden(&doc, "VML hidden"));
    ck_assert(phrase_hidden(&doc, "Rect hidden"));
    ck_assert(!phrase_touches_hidden(&doc, "Shown"));
    ck_assert(!phrase_touches_hidden(&doc, "Drawn shown"));
    ck_assert(!phrase_touches_hidden(&doc, "VML shown"));
    ck_assert(!phrase_touches_hidden(&doc, "After"));
    kps_doc_free(&doc);
}
END_TEST

/* Header and footer parts Word does not display (referenced by no
 * section, a first-page header without w:titlePg, an even-page one
 * without w:evenAndOddHeaders, a reference kept only in a tracked change)
 * and notes nothing cites: hidden text.  What is displayed stays visible. */
static void unshown_case(const char *body, const char *settings,
                         const char *const visible[],
                         const char *const hidden[])
{
    fixture_docx_spec spec = {0};
    spec.body = body;
    spec.headers[0] = "<w:p><w:r><w:t>Default header</w:t></w:r></w:p>";
    spec.headers[1] = "<w:p><w:r><w:t>First header</w:t></w:r></w:p>";
    spec.headers[2] = "<w:p><w:r><w:t>Even header</w:t></w:r></w:p>";
    spec.footers[0] = "<w:p><w:r><w:t>Lone footer</w:t></w:r></w:p>";
    spec.footnotes =
        "<w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:t>sep"
        "</w:t></w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r>"
        "<w:t>Cited note</w:t></w:r></w:p></w:footnote><w:footnote "
        "w:id=\"2\"><w:p><w:r><w:t>Uncited note</w:t></w:r></w:p>"
        "</w:footnote>";
    spec.endnotes = "<w:endnote w:id=\"1\"><w:p><w:r><w:t>Uncited endnote"
                    "</w:t></w:r></w:p></w:endnote>";
    spec.settings = settings;
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    for (size_t i = 0; visible[i]; i++)
        ck_assert_msg(!phrase_touches_hidden(&doc, visible[i]),
                      "'%s' hidden in '%s'", visible[i], doc.text);
    for (size_t i = 0; hidden[i]; i++)
        ck_assert_msg(phrase_hidden(&doc, hidden[i]), "'%s' shown in '%s'",
                      hidden[i], doc.text);
    kps_doc_free(&doc);
}

/* Cites are a set that grows while the notes are read: hundreds of
 * them, a note that cites an endnote (read after it), footnote and
 * endnote ids kept apart. */
START_TEST(test_many_note_cites)
{
    enum { NOTES = 300 };
    size_t cap = 64 * NOTES + 4096;
    char *body = malloc(cap), *notes = malloc(cap);
    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_nonnull(notes);
    size_t b = 0, n = 0;
    b += (size_t)snprintf(body + b, cap - b, "<w:p><w:r><w:t>Body</w:t></w:r>");
    for (int i = 1; i <= NOTES; i++)
        b += (size_t)snprintf(body + b, cap - b,
                              "<w:r><w:footnoteReference w:id=\"%d\"/></w:r>",
                              i);
    snprintf(body + b, cap - b, "</w:p>");
    for (int i = 1; i <= NOTES + 1; i++)
        n += (size_t)snprintf(
            notes + n, cap - n,
            "<w:footnote w:id=\"%d\"><w:p><w:r><w:t>Note%d</w:t></w:r>%s"
            "</w:p></w:footnote>",
            i, i, i == 7 ? "<w:r><w:endnoteReference w:id=\"3\"/></w:r>" : "");
    fixture_docx_spec spec = {0};
    spec.body = body;
    spec.footnotes = notes;
    spec.endnotes = "<w:endnote w:id=\"3\"><w:p><w:r><w:t>Endnote3</w:t>"
                    "</w:r></w:p></w:endnote><w:endnote w:id=\"7\"><w:p><w:r>"
                    "<w:t>Endnote7</w:t></w:r></w:p></w:endnote>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Note1"));
    ck_assert(!phrase_touches_hidden(&doc, "Note150"));
    ck_assert(!phrase_touches_hidden(&doc, "Note300"));
    ck_assert(phrase_hidden(&doc, "Note301"));
    /* cited from inside footnote 7 */
    ck_assert(!phrase_touches_hidden(&doc, "Endnote3"));
    /* footnote 7 is cited, endnote 7 is not */
    ck_assert(phrase_hidden(&doc, "Endnote7"));
    kps_doc_free(&doc);
    free(body);
    free(notes);
}
END_TEST

START_TEST(test_unshown_parts_are_hidden)
{
    /* rId1..3 the headers, rId4 the footer */
    const char *body =
        "<w:p><w:r><w:t>Body</w:t></w:r><w:r><w:footnoteReference "
        "w:id=\"1\"/></w:r></w:p><w:sectPr><w:headerReference "
        "w:type=\"default\" r:id=\"rId1\"/><w:headerReference "
        "w:type=\"first\" r:id=\"rId2\"/><w:headerReference w:type=\"even\" "
        "r:id=\"rId3\"/><w:sectPrChange><w:sectPr><w:footerReference "
        "w:type=\"default\" r:id=\"rId4\"/></w:sectPr></w:sectPrChange>"
        "</w:sectPr>";
    const char *const visible[] = {"Body", "Default header", "Cited note",
                                   NULL};
    const char *const hidden[] = {"First header",    "Even header",
                                  "Lone footer",     "Uncited note",
                                  "Uncited endnote", NULL};
    unshown_case(body, NULL, visible, hidden);

    /* w:titlePg shows the first-page header, w:evenAndOddHeaders the
     * even one; a section break's w:sectPr in a paragraph counts too */
    const char *body2 =
        "<w:p><w:pPr><w:sectPr><w:footerReference w:type=\"default\" "
        "r:id=\"rId4\"/></w:sectPr></w:pPr><w:r><w:t>Body</w:t></w:r></w:p>"
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/>"
        "<w:headerReference w:type=\"first\" r:id=\"rId2\"/>"
        "<w:headerReference w:type=\"even\" r:id=\"rId3\"/><w:titlePg/>"
        "</w:sectPr>";
    const char *const visible2[] = {"Body",         "Default header",
                                    "First header", "Even header",
                                    "Lone footer",  NULL};
    const char *const hidden2[] = {"Cited note", "Uncited endnote", NULL};
    unshown_case(body2, "<w:evenAndOddHeaders/>", visible2, hidden2);

    /* switched off again: w:titlePg w:val="0", evenAndOddHeaders false */
    const char *body3 =
        "<w:p><w:r><w:t>Body</w:t></w:r></w:p><w:sectPr><w:headerReference "
        "w:type=\"default\" r:id=\"rId1\"/><w:headerReference "
        "w:type=\"first\" r:id=\"rId2\"/><w:headerReference w:type=\"even\" "
        "r:id=\"rId3\"/><w:titlePg w:val=\"0\"/></w:sectPr>";
    const char *const visible3[] = {"Body", "Default header", NULL};
    const char *const hidden3[] = {"First header", "Even header", NULL};
    unshown_case(body3, "<w:evenAndOddHeaders w:val=\"false\"/>", visible3,
                 hidden3);

    /* a section that names no first-page header uses the previous
     * section's: shown where that section has w:titlePg */
    const char *body5 =
        "<w:p><w:pPr><w:sectPr><w:headerReference w:type=\"first\" "
        "r:id=\"rId2\"/></w:sectPr></w:pPr><w:r><w:t>Body</w:t></w:r></w:p>"
        "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/>"
        "<w:titlePg/></w:sectPr>";
    const char *const visible5[] = {"Body", "Default header", "First header",
                                    NULL};
    const char *const hidden5[] = {"Even header", "Lone footer", NULL};
    unshown_case(body5, NULL, visible5, hidden5);

    /* no w:sectPr at all: no header or footer is displayed */
    const char *const visible4[] = {"Body", NULL};
    const char *const hidden4[] = {"Default header", "Lone footer", NULL};
    unshown_case("<w:p><w:r><w:t>Body</w:t></w:r></w:p>", NULL, visible4,
                 hidden4);
}
END_TEST

/* A header relationship whose target is not a header (custom XML, say):
 * its text is not read at all. */
START_TEST(test_header_target_of_another_kind)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(
        z, "word/document.xml",
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats"
        ".org/officeDocument/2006/relationships\"><w:body><w:p><w:r><w:t>"
        "Body</w:t></w:r></w:p><w:sectPr><w:headerReference w:type=\"default\""
        " r:id=\"rId1\"/></w:sectPr></w:body></w:document>");
    fixture_zip_add_str(
        z, "word/_rels/document.xml.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
        "schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "header\" Target=\"../customXml/item1.xml\"/></Relationships>");
    fixture_zip_add_str(z, "customXml/item1.xml",
                        "<root><p>Custom data KPI owner</p></root>");
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "Body\n");
    kps_doc_free(&doc);
}
END_TEST

/* A DOCX whose body is `body` and whose main part relates rAlt to
 * word/NAME holding chunk (NULL: no such relationship). */
static unsigned char *chunk_docx(const char *body, const char *name,
                                 const char *chunk, size_t *len)
{
    char xml[2048], rels[1024], part[64];
    snprintf(xml, sizeof xml,
             "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
             "wordprocessingml/2006/main\" xmlns:r=\"http://"
             "schemas.openxmlformats.org/officeDocument/2006/relationships\">"
             "<w:body>%s</w:body></w:document>",
             body);
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "word/document.xml", xml);
    if (chunk) {
        snprintf(rels, sizeof rels,
                 "<Relationships xmlns=\"http://schemas.openxmlformats.org/"
                 "package/2006/relationships\"><Relationship Id=\"rAlt\" "
                 "Type=\"http://schemas.openxmlformats.org/officeDocument/"
                 "2006/relationships/aFChunk\" Target=\"%s\"/>"
                 "</Relationships>",
                 name);
        fixture_zip_add_str(z, "word/_rels/document.xml.rels", rels);
        snprintf(part, sizeof part, "word/%s", name);
        fixture_zip_add_str(z, part, chunk);
    }
    return fixture_zip_finish(z, len);
}

static void chunk_text_is(const char *body, const char *name, const char *chunk,
                          const char *expected)
{
    size_t len;
    unsigned char *zip = chunk_docx(body, name, chunk, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
}

#define CHUNK_BODY                                                             \
    "<w:p><w:r><w:t>Before</w:t></w:r></w:p><w:altChunk r:id=\"rAlt\"/>"       \
    "<w:p><w:r><w:t>After</w:t></w:r></w:p>"

/* HTML-to-DOCX converters import a whole resume as a w:altChunk, which
 * Word shows in place: its page is read where it stands, as the HTML
 * reader reads a page, its hidden text marked hidden. */
START_TEST(test_alt_chunk_html_read_in_place)
{
    chunk_text_is(CHUNK_BODY, "afchunk.htm",
                  "<html><body><h2>Experience</h2><p>Defined <b>KPIs</b> for "
                  "sales</p></body></html>",
                  "Before\nExperience\nDefined KPIs for sales\nAfter\n");
    /* an RTF chunk (what Word's own "insert file" and some converters
     * write) is read as an RTF file is */
    chunk_text_is(CHUNK_BODY, "afchunk.rtf",
                  "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\pard Tracked "
                  "KPIs\\par weekly\\par}",
                  "Before\nTracked KPIs\nweekly\nAfter\n");
    /* plain text in the chunk keeps its lines */
    chunk_text_is(CHUNK_BODY, "afchunk.txt", "Tracked KPIs\nweekly\n",
                  "Before\nTracked KPIs\nweekly\nAfter\n");
    /* and is read as written, as Word shows a text chunk: no entity
     * decoded into a word, no "comment" dropped (the HTML reader made
     * "Tracked KPIs weekly" of it) */
    chunk_text_is(CHUNK_BODY, "afchunk.txt",
                  "Tracked &#75;&#80;&#73;s\r\nweekly <!-- sales -->\r\n",
                  "Before\nTracked &#75;&#80;&#73;s\nweekly <!-- sales -->\n"
                  "After\n");
    /* a page without text adds nothing, as Word shows nothing */
    chunk_text_is(CHUNK_BODY, "afchunk.htm", "<html><body></body></html>",
                  "Before\nAfter\n");

    size_t len;
    unsigned char *zip = chunk_docx(CHUNK_BODY, "afchunk.htm",
                                    "<p>Shown words</p><p style=\"display:"
                                    "none\">KPI KPI KPI</p>",
                                    &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "KPI KPI KPI"));
    ck_assert(!phrase_touches_hidden(&doc, "Shown words"));
    ck_assert(!phrase_touches_hidden(&doc, "After"));
    kps_doc_free(&doc);
}
END_TEST

#define CELL(x) "<w:tc>" x "</w:tc>"
#define PARA(t) "<w:p><w:r><w:t>" t "</w:t></w:r></w:p>"
#define CHUNK "<w:altChunk r:id=\"rAlt\"/>"

/* A chunk in a table cell stands there as a paragraph would: a cell
 * holding a one-line chunk ends in a tab like a cell of one paragraph, so
 * the row still reads as one line, and a chunk without text changes
 * nothing.  (The chunk's text used to leave the builder's cell
 * bookkeeping behind: "2019 - 2021\n\tAnalyst", the next cell's tab at
 * the start of a line.) */
START_TEST(test_alt_chunk_in_cell)
{
    const char *one = "<p>2019 - 2021</p>";
    chunk_text_is("<w:tbl><w:tr>" CELL(CHUNK)
                      CELL(PARA("Analyst")) "</w:tr></w:tbl>" PARA("End"),
                  "afchunk.htm", one, "2019 - 2021\tAnalyst\nEnd\n");
    /* in the row's last cell, after a cell's tab */
    chunk_text_is("<w:tbl><w:tr>" CELL(PARA("Analyst"))
                      CELL(CHUNK) "</w:tr></w:tbl>" PARA("End"),
                  "afchunk.htm", one, "Analyst\t2019 - 2021\nEnd\n");
    /* after a paragraph of the cell: the cell holds two lines */
    chunk_text_is("<w:tbl><w:tr>" CELL(PARA("Acme") CHUNK)
                      CELL(PARA("Analyst")) "</w:tr></w:tbl>",
                  "afchunk.htm", one, "Acme\n2019 - 2021\nAnalyst\n");
    /* a chunk of two lines alone in a cell keeps its last break too */
    chunk_text_is(
        "<w:tbl><w:tr>" CELL(CHUNK) CELL(PARA("Analyst")) "</w:tr></w:tbl>",
        "afchunk.htm", "<p>Acme</p><p>2019</p>", "Acme\n2019\nAnalyst\n");
    /* a page without text in a cell */
    chunk_text_is("<w:tbl><w:tr>" CELL(PARA("2019 - 2021") CHUNK)
                      CELL(PARA("Analyst")) "</w:tr></w:tbl>",
                  "afchunk.htm", "<html><body></body></html>",
                  "2019 - 2021\tAnalyst\n");
    /* several chunks in a row, one of them twice, between paragraphs */
    chunk_text_is(PARA("Before") CHUNK CHUNK PARA("After"), "afchunk.htm",
                  "<p>Tracked KPIs</p>",
                  "Before\nTracked KPIs\nTracked KPIs\nAfter\n");
}
END_TEST

/* The converters' other form: MIME HTML, the page quoted-printable beside
 * its images; and a single-part MIME chunk without a type (text). */
START_TEST(test_alt_chunk_mime_html)
{
    chunk_text_is(CHUNK_BODY, "afchunk.mht",
                  "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
                  "    type=\"text/html\";\r\n    boundary=\"----=mhtPart\"\r\n"
                  "\r\n------=mhtPart\r\nContent-Type: image/png\r\n\r\nPNG "
                  "bytes\r\n------=mhtPart\r\nContent-Type: text/html;\r\n"
                  "    charset=\"utf-8\"\r\nContent-Transfer-Encoding: "
                  "quoted-printable\r\n\r\n<p class=3D\"x\">Tracked sales "
                  "KPIs week=\r\nly</p>\r\n------=mhtPart--\r\n",
                  "Before\nTracked sales KPIs weekly\nAfter\n");
    chunk_text_is(CHUNK_BODY, "afchunk.mht",
                  "MIME-Version: 1.0\r\n\r\n<p>Defined KPIs</p>",
                  "Before\nDefined KPIs\nAfter\n");
}
END_TEST

/* Each w:altChunk finds its relationship by id among many, in any order,
 * an id that only begins like another's not taken for it, and the first
 * relationship of a repeated id winning, as in document order. */
START_TEST(test_alt_chunk_found_by_id)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(
        z, "word/document.xml",
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\" xmlns:r=\"http://"
        "schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<w:body><w:altChunk r:id=\"r1\"/><w:altChunk r:id=\"r10\"/>"
        "<w:altChunk r:id=\"rDup\"/><w:altChunk r:id=\"r\"/>"
        "<w:altChunk r:id=\"r100\"/></w:body></w:document>");
    static const char *const rels[][2] = {
        {"rDup", "first.htm"}, {"r10", "ten.htm"},     {"rZ", "z.htm"},
        {"r1", "one.htm"},     {"rDup", "second.htm"}, {"r2", "two.htm"},
    };
    char xml[4096];
    size_t o = (size_t)snprintf(
        xml, sizeof xml,
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\">");
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        o += (size_t)snprintf(
            xml + o, sizeof xml - o,
            "<Relationship Id=\"%s\" Type=\"http://schemas.openxmlformats."
            "org/officeDocument/2006/relationships/aFChunk\" Target=\"%s\"/>",
            rels[i][0], rels[i][1]);
        char part[64], page[64];
        snprintf(part, sizeof part, "word/%s", rels[i][1]);
        snprintf(page, sizeof page, "<p>page %s</p>", rels[i][1]);
        fixture_zip_add_str(z, part, page);
    }
    snprintf(xml + o, sizeof xml - o, "</Relationships>");
    fixture_zip_add_str(z, "word/_rels/document.xml.rels", xml);
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "page one.htm\npage ten.htm\npage first.htm\n");
    kps_doc_free(&doc);
}
END_TEST

/* Only chunks the body imports are shown: a related chunk no w:altChunk
 * names (a place to hide words) is not read, nor is a w:altChunk whose
 * relationship or part is missing. */
START_TEST(test_alt_chunk_only_imported)
{
    chunk_text_is("<w:p><w:r><w:t>Body</w:t></w:r></w:p>", "afchunk.htm",
                  "<p>KPI dashboards</p>", "Body\n");
    chunk_text_is("<w:p><w:r><w:t>Body</w:t></w:r></w:p>"
                  "<w:altChunk r:id=\"rNone\"/>",
                  "afchunk.htm", "<p>KPI dashboards</p>", "Body\n");
    chunk_text_is(CHUNK_BODY, NULL, NULL, "Before\nAfter\n");
    /* nor one inside a paragraph or a run (Word shows no such chunk),
     * where a vanished run would have hidden it */
    chunk_text_is("<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:altChunk "
                  "r:id=\"rAlt\"/></w:r><w:r><w:t>Body</w:t></w:r></w:p>",
                  "afchunk.htm", "<p>KPI dashboards</p>", "Body\n");
}
END_TEST

/* A DOCX whose body imports chunk (part name) holds "Stuffed KPIs",
 * hidden or not as expected, and "Shown words", never hidden. */
static void chunk_hidden_case(const char *body, const char *name,
                              const char *chunk, int hidden, size_t i)
{
    size_t len;
    unsigned char *zip = chunk_docx(body, name, chunk, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_msg(phrase_hidden(&doc, "Stuffed KPIs") == hidden, "case %zu", i);
    ck_assert(!phrase_touches_hidden(&doc, "Shown words"));
    kps_doc_free(&doc);
}

/* A chunk's page stands on what its cell shows: its black words in a
 * black cell are as hidden as a run of them (they counted as shown), and
 * white words in a navy cell are shown, where on the page they are not. */
START_TEST(test_alt_chunk_cell_ground)
{
    static const struct {
        const char *fill, *color;
        int hidden;
    } cases[] = {
        {"000000", "#000000", 1}, {"000000", "#ffffff", 0},
        {"1F3864", "white", 0},   {NULL, "white", 1},
        {NULL, "#000000", 0},     {"auto", "white", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[512], page[128];
        snprintf(body, sizeof body,
                 "<w:tbl><w:tr><w:tc>%s%s%s" CHUNK "</w:tc></w:tr></w:tbl>",
                 cases[i].fill ? "<w:tcPr><w:shd w:val=\"clear\" w:fill=\""
                               : "",
                 cases[i].fill ? cases[i].fill : "",
                 cases[i].fill ? "\"/></w:tcPr>" : "");
        snprintf(page, sizeof page,
                 "<p style=\"color:%s\">Stuffed KPIs</p><p>Shown words</p>",
                 cases[i].color);
        chunk_hidden_case(body, "afchunk.htm", page, cases[i].hidden, i);
    }
}
END_TEST

/* An RTF chunk's hidden text is hidden as in an RTF file; its white
 * words stand on the DOCX's page or on its shaded cell, never on a page
 * background or a shape behind the text of the chunk's own, which Word
 * does not show. */
START_TEST(test_alt_chunk_rtf_hidden)
{
#define RTF_CHUNK(background, words)                                           \
    "{\\rtf1\\ansi{\\colortbl;\\red255\\green255\\blue255;\\red0\\green0"      \
    "\\blue0;}" background "\\pard " words "\\par\\pard Shown words\\par}"
#define SHADED(fill)                                                           \
    "<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" w:fill=\"" fill         \
    "\"/></w:tcPr>" CHUNK "</w:tc></w:tr></w:tbl>"
    static const struct {
        const char *body, *rtf;
        int hidden;
    } cases[] = {
        {CHUNK_BODY, RTF_CHUNK("", "{\\v Stuffed KPIs}"), 1},
        {CHUNK_BODY, RTF_CHUNK("", "{\\cf1 Stuffed KPIs}"), 1},
        {CHUNK_BODY, RTF_CHUNK("", "{\\cf2 Stuffed KPIs}"), 0},
        {CHUNK_BODY,
         RTF_CHUNK("{\\*\\background{\\shp{\\*\\shpinst{\\sp{\\sn fillColor}"
                   "{\\sv 0}}}}}",
                   "{\\cf1 Stuffed KPIs}"),
         1},
        {CHUNK_BODY,
         RTF_CHUNK(
             "{\\shp{\\*\\shpinst\\shpwr3{\\sp{\\sn fillColor}{\\sv 0}}}}",
             "{\\cf1 Stuffed KPIs}"),
         1},
        {SHADED("1F3864"), RTF_CHUNK("", "{\\cf1 Stuffed KPIs}"), 0},
        {SHADED("000000"), RTF_CHUNK("", "{\\cf2 Stuffed KPIs}"), 1},
    };
#undef SHADED
#undef RTF_CHUNK
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chunk_hidden_case(cases[i].body, "afchunk.rtf", cases[i].rtf,
                          cases[i].hidden, i);
    }
}
END_TEST

/* A chunk many w:altChunk import is read each time, as Word shows it,
 * until the re-reads inflate past what max_ratio allows the archive: a
 * small file naming a large page many times is refused at once, as a zip
 * bomb is, instead of parsing the page again and again. */
START_TEST(test_alt_chunk_repeated)
{
    static char body[60 * 32], page[100 * 1024];
    body[0] = '\0';
    for (int i = 0; i < 60; i++)
        strcat(body, CHUNK);
    memset(page, ' ', sizeof page - 1);
    memcpy(page, "<p>KPIs</p>", 11);
    size_t len;
    unsigned char *zip = chunk_docx(body, "afchunk.htm", page, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "word/afchunk.htm is read again and again");
}
END_TEST

/* A chunk's text counts against the document's max_text_bytes, and the
 * failure names the chunk's part: an HTML page, a plain-text chunk, and
 * the page's own limits (here its depth). */
START_TEST(test_alt_chunk_limits)
{
    kps_limits lim;
    test_limits(&lim);
    lim.max_text_bytes = 24; /* "Before\n" and 17 more */
    size_t len;
    unsigned char *zip = chunk_docx(CHUNK_BODY, "afchunk.htm",
                                    "<p>Tracked KPIs every week</p>", &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT,
               "word/afchunk.htm: extracted text exceeds max_text_bytes (24)");
    zip =
        chunk_docx(CHUNK_BODY, "afchunk.txt", "Tracked KPIs every week", &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT,
               "word/afchunk.txt: extracted text exceeds max_text_bytes (24)");
    test_limits(&lim);
    lim.max_xml_depth = 8; /* the main part goes 5 deep */
    zip = chunk_docx(CHUNK_BODY, "afchunk.htm",
                     "<div><div><div><div><div><div><div><div><div><p>deep"
                     "</p></div></div></div></div></div></div></div></div>"
                     "</div>",
                     &len);
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "word/afchunk.htm");
}
END_TEST

/* A chunk of a kind not read (a nested DOCX, here a PDF, whose bytes are
 * easier to write): when it holds the whole resume the error says so and
 * what to do, not "empty document". */
START_TEST(test_alt_chunk_unread_named)
{
    size_t len;
    unsigned char *zip =
        chunk_docx("<w:altChunk r:id=\"rAlt\"/>", "afchunk.pdf",
                   "%PDF-1.4\n% Defined KPIs\n", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "imported chunk (w:altChunk) of a kind not read here");
    /* a MIME chunk without a text part is not read either */
    zip = chunk_docx("<w:altChunk r:id=\"rAlt\"/>", "afchunk.mht",
                     "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
                     "boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\n"
                     "PNG\r\n--b--\r\n",
                     &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "imported chunk (w:altChunk");
    /* nor one whose "page" is not text (an image's bytes in base64): the
     * DOCX failed whole with "not a text document", naming no part */
    const char *png_page =
        "MIME-Version: 1.0\r\nContent-Type: text/html\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUg==\r\n";
    zip = chunk_docx("<w:altChunk r:id=\"rAlt\"/>", "afchunk.mht", png_page,
                     &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "imported chunk (w:altChunk");
    chunk_text_is(CHUNK_BODY, "afchunk.mht", png_page, "Before\nAfter\n");
    /* a chunk that is read but holds no text is an empty page, not a
     * chunk left unread: the document is empty */
    zip = chunk_docx("<w:altChunk r:id=\"rAlt\"/>", "afchunk.htm",
                     "<html><body><p> </p></body></html>", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_EMPTY, "empty document");
    /* without the chunk the same empty body is an empty document */
    zip = fixture_docx_body("<w:p/>", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_EMPTY, "empty document");
}
END_TEST

START_TEST(test_containers_walked)
{
    body_is("<w:sdt><w:sdtPr><w:alias w:val=\"alias text\"/><w:placeholder>"
            "<w:docPart w:val=\"x\"/></w:placeholder></w:sdtPr><w:sdtContent>"
            "<w:p><w:smartTag w:uri=\"u\" w:element=\"place\"><w:r>"
            "<w:t xml:space=\"preserve\">Tel Aviv</w:t></w:r></w:smartTag><w:r>"
            "<w:t xml:space=\"preserve\">, </w:t></w:r>"
            "<w:hyperlink r:id=\"rId9\"><w:r><w:t xml:space=\"preserve\">"
            "linked</w:t></w:r></w:hyperlink><w:customXml w:element=\"c\"><w:r>"
            "<w:t xml:space=\"preserve\"> custom</w:t></w:r></w:customXml>"
            "</w:p></w:sdtContent></w:sdt>",
            "Tel Aviv, linked custom\n");
}
END_TEST

START_TEST(test_special_characters)
{
    body_is("<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t>"
            "<w:cr/><w:t>d</w:t><w:ptab w:relativeTo=\"margin\" "
            "w:alignment=\"right\" w:leader=\"none\"/><w:t>e</w:t>"
            "<w:noBreakHyphen/><w:t>f</w:t><w:softHyphen/><w:t>g</w:t>"
            "</w:r></w:p>",
            "a\tb\nc\nd\te-fg\n");
    /* tab stops in the paragraph properties are not tabs */
    body_is("<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs>"
            "</w:pPr><w:r><w:t xml:space=\"preserve\">x</w:t></w:r></w:p>",
            "x\n");
    /* line breaks inside w:t are white space */
    body_is("<w:p><w:r><w:t>two\nlines</w:t></w:r></w:p>", "two lines\n");
}
END_TEST

START_TEST(test_symbols)
{
    body_is("<w:p><w:r><w:sym w:font=\"Symbol\" w:char=\"F0B7\"/>"
            "<w:sym w:font=\"Wingdings\" w:char=\"F0A7\"/>"
            "<w:sym w:font=\"Wingdings\" w:char=\"F0FC\"/>"
            "<w:sym w:font=\"Wingdings\" w:char=\"F028\"/>"
            "<w:sym w:font=\"Symbol\" w:char=\"F061\"/>"
            "<w:sym w:font=\"Symbol\" w:char=\"F0DA\"/>"
            "<w:sym w:font=\"Arial\" w:char=\"2713\"/>"
            "<w:sym w:font=\"Arial\" w:char=\"E001\"/>"
            "<w:sym w:font=\"Arial\" w:char=\"zz\"/><w:r>"
            "<w:t xml:space=\"preserve\"> done</w:t></w:r></w:r></w:p>",
            "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xCE\xB1\xE2\x88\xA8"
            "\xE2\x9C\x93 done\n");
    /* private-use glyph codes typed in a Symbol-font run */
    body_is("<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Symbol\" "
            "w:hAnsi=\"Symbol\"/></w:rPr><w:t>\xEF\x80\xA8\xEF\x81\xA1"
            "</w:t></w:r></w:p>",
            "(\xCE\xB1\n");
}
END_TEST

START_TEST(test_tables)
{
    body_is("<w:p><w:r><w:t>Above</w:t></w:r></w:p><w:tbl><w:tblPr>"
            "<w:tblStyle w:val=\"Grid\"/></w:tblPr><w:tblGrid>"
            "<w:gridCol w:w=\"100\"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/>"
            "</w:trPr><w:tc><w:tcPr><w:tcW w:w=\"100\"/></w:tcPr><w:p><w:r>"
            "<w:t>Top left</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>"
            "Top right</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r>"
            "<w:t>Two</w:t></w:r></w:p><w:p><w:r><w:t>paragraphs</w:t></w:r>"
            "</w:p></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>Last</w:t>"
            "</w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>Below</w:t></w:r>"
            "</w:p>",
            "Above\nTop left\tTop right\nTwo\nparagraphs\n\tLast\nBelow\n");
    /* Two columns laid out as one row of two cells, as CV templates do:
     * the second column's heading starts a line of its own, where it is
     * seen as a heading. */
    body_is("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Skills</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>Power BI</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>"
            "<w:t>Experience</w:t></w:r></w:p><w:p><w:r><w:t>Built KPI "
            "dashboards</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
            "Skills\nPower BI\nExperience\nBuilt KPI dashboards\n");
}
END_TEST

START_TEST(test_drop_cap_joins)
{
    body_is("<w:p><w:pPr><w:framePr w:dropCap=\"drop\" w:lines=\"3\"/></w:pPr>"
            "<w:r><w:t xml:space=\"preserve\">D</w:t></w:r></w:p><w:p><w:r>"
            "<w:t>rop cap.</w:t></w:r></w:p>",
            "Drop cap.\n");
}
END_TEST

START_TEST(test_math_text)
{
    body_is("<w:p><w:r><w:t xml:space=\"preserve\">Area </w:t></w:r><m:oMath>"
            "<m:r><m:t>x=2</m:t></m:r></m:oMath></w:p>",
            "Area x=2\n");
}
END_TEST

/* ---- item 3: hidden text ---------------------------------------------- */

START_TEST(test_hidden_direct)
{
    hidden_case(NULL, NULL, "<w:rPr><w:vanish/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:vanish w:val=\"true\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:vanish w:val=\"0\"/></w:rPr>", 0);
    hidden_case(NULL, NULL, "<w:rPr><w:vanish w:val=\"false\"/></w:rPr>", 0);
    /* w:themeColor overrides w:val: the theme's page colour is white */
    hidden_case(
        NULL, NULL,
        "<w:rPr><w:color w:val=\"000000\" w:themeColor=\"background1\"/>"
        "</w:rPr>",
        1);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:themeColor=\"light1\"/></w:rPr>",
                1);
    hidden_case(NULL, NULL,
                "<w:rPr><w:color w:val=\"FFFFFF\" w:themeColor=\"text1\"/>"
                "</w:rPr>",
                0);
    hidden_case(NULL, NULL,
                "<w:rPr><w:color w:themeColor=\"background1\" "
                "w:themeShade=\"80\"/></w:rPr>",
                0);
    hidden_case(NULL, NULL,
                "<w:rPr><w:color w:val=\"FFFFFF\" w:themeColor=\"none\"/>"
                "</w:rPr>",
                1);
    /* a theme tint near 0 lightens any theme colour to white */
    hidden_case(NULL, NULL,
                "<w:rPr><w:color w:val=\"000000\" w:themeColor=\"text1\" "
                "w:themeTint=\"00\"/></w:rPr>",
                1);
    hidden_case(NULL, NULL,
                "<w:rPr><w:color w:val=\"000000\" w:themeColor=\"text1\" "
                "w:themeTint=\"80\"/></w:rPr>",
                0);
    /* and through a style, which the raw pre-scan must not skip */
    hidden_case("<w:style w:type=\"character\" w:styleId=\"Pale\"><w:rPr>"
                "<w:color w:val=\"000000\" w:themeColor=\"background1\"/>"
                "</w:rPr></w:style>",
                NULL, "<w:rPr><w:rStyle w:val=\"Pale\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"ffffff\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"F2F0FE\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"EFFFFF\"/></w:rPr>", 0);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"auto\"/></w:rPr>", 0);
    hidden_case(NULL, NULL, "<w:rPr><w:color w:val=\"1F3864\"/></w:rPr>", 0);
    hidden_case(NULL, NULL, "<w:rPr><w:sz w:val=\"4\"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:sz w:val=\"2\"/></w:rPr>", 1);
    /* schema whitespace around the number */
    hidden_case(NULL, NULL, "<w:rPr><w:sz w:val=\" 4 \"/></w:rPr>", 1);
    hidden_case(NULL, NULL, "<w:rPr><w:sz w:val=\"5\"/></w:rPr>", 0);
    hidden_case(NULL, NULL, "<w:rPr><w:sz w:val=\"22\"/></w:rPr>", 0);
    /* changed properties are history, not formatting */
    hidden_case(NULL, NULL,
                "<w:rPr><w:rPrChange w:id=\"1\"><w:rPr><w:vanish/></w:rPr>"
                "</w:rPrChange></w:rPr>",
                0);
}
END_TEST

START_TEST(test_white_on_a_background_is_visible)
{
    const char *white = "<w:color w:val=\"FFFFFF\"/>";
    char rpr[256];
    snprintf(rpr, sizeof rpr,
             "<w:rPr>%s<w:shd w:val=\"clear\" w:color=\"auto\" "
             "w:fill=\"1F3864\"/></w:rPr>",
             white);
    hidden_case(NULL, NULL, rpr, 0);
    snprintf(rpr, sizeof rpr,
             "<w:rPr>%s<w:shd w:val=\"clear\" w:color=\"auto\" "
             "w:fill=\"FFFFFF\"/></w:rPr>",
             white);
    hidden_case(NULL, NULL, rpr, 1);
    snprintf(rpr, sizeof rpr, "<w:rPr>%s<w:highlight w:val=\"black\"/></w:rPr>",
             white);
    hidden_case(NULL, NULL, rpr, 0);
    snprintf(rpr, sizeof rpr, "<w:rPr>%s</w:rPr>", white);
    hidden_case(NULL,
                "<w:pPr><w:shd w:val=\"clear\" w:fill=\"000000\"/></w:pPr>",
                rpr, 0);
    /* vanish stays hidden on any background */
    hidden_case(NULL, NULL,
                "<w:rPr><w:vanish/><w:shd w:val=\"clear\" w:fill=\"000000\"/>"
                "</w:rPr>",
                1);
}
END_TEST

/* Text the colour of the background it stands on cannot be read, however
 * dark both are: a run's own shading or highlight, its paragraph's
 * shading, its cell's, or styles that set them.  Colours apart by more
 * than 24/255 on a channel, "auto" text (Word turns it white on dark
 * shading), theme colours and mixed patterns are not read as the same. */
START_TEST(test_text_the_colour_of_its_background)
{
    static const struct {
        const char *ppr, *rpr;
        int hidden;
    } cases[] = {
        {NULL,
         "<w:rPr><w:color w:val=\"000000\"/><w:shd w:val=\"clear\" "
         "w:fill=\"000000\"/></w:rPr>",
         1},
        {NULL,
         "<w:rPr><w:color w:val=\"FFFF00\"/><w:highlight "
         "w:val=\"yellow\"/></w:rPr>",
         1},
        {NULL,
         "<w:rPr><w:color w:val=\"1F3864\"/><w:shd w:val=\"clear\" "
         "w:fill=\"253A70\"/></w:rPr>",
         1}, /* within 24/255 on every channel */
        {NULL,
         "<w:rPr><w:color w:val=\"000080\"/><w:shd w:val=\"solid\" "
         "w:color=\"000080\" w:fill=\"FFFFFF\"/></w:rPr>",
         1}, /* a solid pattern shows its pattern colour */
        {"<w:pPr><w:shd w:val=\"clear\" w:fill=\"C00000\"/></w:pPr>",
         "<w:rPr><w:color w:val=\"C00000\"/></w:rPr>", 1},
        /* the run's own background wins over the paragraph's */
        {"<w:pPr><w:shd w:val=\"clear\" w:fill=\"C00000\"/></w:pPr>",
         "<w:rPr><w:color w:val=\"C00000\"/><w:highlight "
         "w:val=\"yellow\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"FFFFFF\"/><w:shd w:val=\"clear\" "
         "w:fill=\"000000\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"000000\"/><w:shd w:val=\"clear\" "
         "w:fill=\"404040\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"auto\"/><w:shd w:val=\"clear\" "
         "w:fill=\"000000\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"000000\" w:themeColor=\"accent1\"/>"
         "<w:shd w:val=\"clear\" w:fill=\"000000\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"000000\"/><w:shd w:val=\"pct50\" "
         "w:color=\"000000\" w:fill=\"FFFFFF\"/></w:rPr>",
         0},
        {NULL,
         "<w:rPr><w:color w:val=\"000000\"/><w:highlight "
         "w:val=\"none\"/></w:rPr>",
         0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        hidden_case(NULL, cases[i].ppr, cases[i].rpr, cases[i].hidden);

    /* in a shaded cell */
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" w:fill=\"000000\"/>"
        "</w:tcPr><w:p><w:r><w:rPr><w:color w:val=\"000000\"/></w:rPr><w:t>"
        "Stuffed</w:t></w:r></w:p><w:p><w:r><w:t>Banner</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    kps_doc_free(&doc);

    /* through styles: a paragraph style's shading and a character style's
     * colour, the direct formatting holding no colour that is near white */
    const char *styles =
        "<w:style w:type=\"paragraph\" w:styleId=\"Dark\"><w:pPr><w:shd "
        "w:val=\"clear\" w:fill=\"1A1A1A\"/></w:pPr></w:style>"
        "<w:style w:type=\"character\" w:styleId=\"Ink\"><w:rPr><w:color "
        "w:val=\"101010\"/></w:rPr></w:style>";
    hidden_case(styles, "<w:pPr><w:pStyle w:val=\"Dark\"/></w:pPr>",
                "<w:rPr><w:rStyle w:val=\"Ink\"/></w:rPr>", 1);
    hidden_case(styles, "<w:pPr><w:pStyle w:val=\"Dark\"/></w:pPr>",
                "<w:rPr><w:color w:val=\"202020\"/></w:rPr>", 1);
    hidden_case(styles, NULL, "<w:rPr><w:rStyle w:val=\"Ink\"/></w:rPr>", 0);
    /* styles with a colour and no shading: the body's shading has them
     * read */
    hidden_case("<w:style w:type=\"character\" w:styleId=\"Ink\"><w:rPr>"
                "<w:color w:val=\"1F3864\"/></w:rPr></w:style>",
                "<w:pPr><w:shd w:val=\"clear\" w:fill=\"1F3864\"/></w:pPr>",
                "<w:rPr><w:rStyle w:val=\"Ink\"/></w:rPr>", 1);
    /* styles with shading and no colour: the body's colour has them read */
    const char *shading_only =
        "<w:style w:type=\"paragraph\" w:styleId=\"Dark\"><w:pPr><w:shd "
        "w:val=\"clear\" w:fill=\"1A1A1A\"/></w:pPr></w:style>";
    hidden_case(shading_only, "<w:pPr><w:pStyle w:val=\"Dark\"/></w:pPr>",
                "<w:rPr><w:color w:val=\"202020\"/></w:rPr>", 1);
}
END_TEST

/* The quick look at styles.xml that spares parsing it cannot be fooled by
 * valid XML it reads otherwise than the parser: blanks around '=', a
 * character reference, a style id holding 'type="table"', document
 * defaults after a table style. */
START_TEST(test_style_scan_not_fooled)
{
    static const char *const styles[] = {
        "<w:style w:type=\"character\" w:styleId=\"S\"><w:rPr><w:color "
        "w:val = \"FFFFFF\"/></w:rPr></w:style>",
        "<w:style w:type=\"character\" w:styleId=\"S\"><w:rPr><w:color "
        "w:val=\"&#70;FFFFF\"/></w:rPr></w:style>",
        "<w:style w:type=\"character\" w:styleId=\"S\"><w:rPr><w:sz "
        "w:val =\"2\"/></w:rPr></w:style>",
        "<w:style w:type=\"character\" w:styleId='type=\"table\"'><w:rPr>"
        "<w:vanish/></w:rPr></w:style><w:style w:type=\"character\" "
        "w:styleId=\"S\"><w:basedOn w:val='type=\"table\"'/></w:style>",
    };
    for (size_t i = 0; i < sizeof styles / sizeof *styles; i++)
        hidden_case(styles[i], NULL, "<w:rPr><w:rStyle w:val=\"S\"/></w:rPr>",
                    1);
    /* an unqualified type beside w:type, a comment that looks like a
     * table style, a self-closed table style: none hides what follows */
    static const char *const defaults[] = {
        "<w:style type=\"table\" w:type=\"paragraph\" w:default=\"1\" "
        "w:styleId=\"Normal\"><w:rPr><w:vanish/></w:rPr></w:style>",
        "<!-- <w:style w:type=\"table\" w:styleId=\"T\"> --><w:docDefaults>"
        "<w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault>"
        "</w:docDefaults>",
        "<w:style w:type=\"table\" w:styleId=\"T\"/><w:docDefaults>"
        "<w:rPrDefault><w:rPr><w:vanish/></w:rPr></w:rPrDefault>"
        "</w:docDefaults>",
    };
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        size_t dlen;
        unsigned char *dzip = fixture_docx_styled(
            defaults[i],
            "<w:p><w:r><w:t>KPI strategic alignment</w:t></w:r></w:p>", &dlen);
        kps_doc ddoc;
        extract_ok(dzip, dlen, 0, &ddoc);
        ck_assert_msg(phrase_hidden(&ddoc, "KPI strategic alignment"),
                      "styles %zu: visible", i);
        kps_doc_free(&ddoc);
    }
    size_t len;
    unsigned char *zip = fixture_docx_styled(
        "<w:style w:type=\"table\" w:styleId=\"T\"><w:rPr><w:b/></w:rPr>"
        "</w:style><w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr>"
        "</w:rPrDefault></w:docDefaults>",
        "<w:p><w:r><w:t>KPI strategic alignment</w:t></w:r></w:p>", &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "KPI strategic alignment"));
    kps_doc_free(&doc);
}
END_TEST

/* The quick looks that decide whether styles.xml is parsed say "maybe"
 * only where the parser could find something: a theme tint that whitens
 * (17 or below, or unreadable), not the tints of Word's table borders and
 * bands ("BF"), which made every real CV's 300 KB styles.xml parsed (5.5x
 * the instructions of an extraction); a shd or highlight element, not
 * those letters in a city's name or a word. */
START_TEST(test_raw_prescan_gates)
{
#define STYLE_COLOR(attrs)                                                     \
    "<w:style w:type=\"character\" w:styleId=\"S\"><w:rPr><w:color " attrs     \
    "/></w:rPr></w:style>"
    static const struct {
        const char *styles;
        int hiding;
    } scans[] = {
        {STYLE_COLOR("w:val=\"000000\" w:themeColor=\"text1\" "
                     "w:themeTint=\"BF\""),
         0},
        {STYLE_COLOR("w:val=\"000000\" w:themeColor=\"text1\" "
                     "w:themeTint=\"18\""),
         0},
        {STYLE_COLOR("w:val=\"000000\" w:themeColor=\"text1\" "
                     "w:themeTint=\"17\""),
         1},
        {STYLE_COLOR("w:val=\"000000\" w:themeColor=\"text1\" "
                     "w:themeTint = 'zz'"),
         1},
        {STYLE_COLOR("w:val=\"000000\" w:themeColor=\"accent1\" "
                     "w:themeTint=\"BF\" w:themeShade=\"80\""),
         0},
        {STYLE_COLOR("w:themeColor=\"background1\" w:themeTint=\"BF\""), 1},
    };
#undef STYLE_COLOR
    for (size_t i = 0; i < sizeof scans / sizeof *scans; i++) {
        unsigned found =
            kps_docx_raw_style_scan(scans[i].styles, strlen(scans[i].styles));
        ck_assert_msg(!!(found & RAW_HIDING) == scans[i].hiding, "scan %zu", i);
    }
    static const struct {
        const char *xml, *local;
        int found;
    } elements[] = {
        {"<w:p><w:pPr><w:shd w:val=\"clear\"/></w:pPr></w:p>", "shd", 1},
        {"<p><shd/></p>", "shd", 1},
        {"<w:r><w:rPr><w:highlight w:val=\"yellow\"/></w:rPr></w:r>",
         "highlight", 1},
        {"<w:r><w:rPr><w:highlight\n w:val=\"yellow\"/></w:rPr></w:r>",
         "highlight", 1},
        {"<w:t>Ashdod, Israel</w:t>", "shd", 0},
        {"<w:t>highlighted the KPIs</w:t>", "highlight", 0},
        {"<w:shdx/><w:t>x</w:t>", "shd", 0},
        {"<w14:myshd/>", "shd", 0},
        {"shd", "shd", 0},
    };
    for (size_t i = 0; i < sizeof elements / sizeof *elements; i++)
        ck_assert_msg(
            kps_docx_raw_has_element(elements[i].xml, strlen(elements[i].xml),
                                     elements[i].local) == elements[i].found,
            "element %zu", i);
    /* and through the extractor: a dark style colour still meets the
     * body's shading, so the style is read and the text found hidden */
    hidden_case("<w:style w:type=\"character\" w:styleId=\"S\"><w:rPr>"
                "<w:color w:val=\"1A1A1A\"/></w:rPr></w:style>",
                "<w:pPr><w:shd w:val=\"clear\" w:fill=\"1A1A1A\"/></w:pPr>",
                "<w:rPr><w:rStyle w:val=\"S\"/></w:rPr>", 1);
}
END_TEST

/* A table's own shading, or a table style that shades, is what white
 * text in its cells without shading of their own stands on: visible, not
 * an accusation of stuffing.  A style without shading, a white table
 * shading or a white cell inside a dark table leave it hidden. */
START_TEST(test_white_in_shaded_table)
{
    static const char styles[] =
        "<w:style w:type=\"table\" w:styleId=\"Dark\"><w:tblPr/><w:tcPr>"
        "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"1F3864\"/>"
        "</w:tcPr></w:style><w:style w:type=\"table\" w:styleId=\"Grid\">"
        "<w:tblPr><w:tblBorders/></w:tblPr></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Pale\"><w:tcPr><w:shd "
        "w:val=\"clear\" w:fill=\"FFFFFF\"/></w:tcPr></w:style>";
    static const struct {
        const char *tblpr, *tcpr;
        int hidden;
    } cases[] = {
        {"<w:tblPr><w:shd w:val=\"clear\" w:fill=\"1F3864\"/></w:tblPr>", "",
         0},
        {"<w:tblPr><w:tblStyle w:val=\"Dark\"/></w:tblPr>", "", 0},
        {"<w:tblPr><w:tblStyle w:val=\"Grid\"/></w:tblPr>", "", 1},
        {"<w:tblPr><w:tblStyle w:val=\"Pale\"/></w:tblPr>", "", 1},
        {"<w:tblPr><w:tblStyle w:val=\"NoSuch\"/></w:tblPr>", "", 1},
        {"<w:tblPr><w:shd w:val=\"clear\" w:fill=\"FFFFFF\"/></w:tblPr>", "",
         1},
        {"<w:tblPr><w:shd w:val=\"clear\" w:fill=\"1F3864\"/></w:tblPr>",
         "<w:tcPr><w:shd w:val=\"clear\" w:fill=\"FFFFFF\"/></w:tcPr>", 1},
        {"", "", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "<w:tbl>%s<w:tr><w:tc>%s<w:p><w:r><w:rPr><w:color "
                 "w:val=\"FFFFFF\"/></w:rPr><w:t>Banner</w:t></w:r></w:p>"
                 "</w:tc></w:tr></w:tbl><w:p><w:r><w:t>After</w:t></w:r></w:p>",
                 cases[i].tblpr, cases[i].tcpr);
        size_t len;
        unsigned char *zip = fixture_docx_styled(styles, body, &len);
        kps_doc doc;
        extract_ok(zip, len, 0, &doc);
        ck_assert_msg(phrase_hidden(&doc, "Banner") == cases[i].hidden,
                      "case %zu: expected %s", i,
                      cases[i].hidden ? "hidden" : "visible");
        ck_assert(!phrase_touches_hidden(&doc, "After"));
        kps_doc_free(&doc);
    }
}
END_TEST

/* The shaded table styles are found in one pass: each id's first style
 * decides, an id is matched whole ("Dark" is not "Dark2"), a white or
 * "clear" fill is no shading, and a style without a closing tag runs to
 * the end of the part. */
START_TEST(test_shaded_style_ids)
{
    static const char styles[] =
        "<w:style w:type=\"table\" w:styleId=\"Dark2\"><w:tcPr/></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Dark\"><w:tcPr><w:shd "
        "w:val=\"clear\" w:fill=\"1F3864\"/></w:tcPr></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Dup\"><w:tblPr/></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Dup\"><w:tcPr><w:shd "
        "w:val=\"solid\"/></w:tcPr></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Pale\"><w:tcPr><w:shd "
        "w:val=\"clear\" w:fill=\"FFFFFF\"/></w:tcPr></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Themed\"><w:shd "
        "w:themeFill=\"accent1\"/></w:style>"
        "<w:style w:type=\"table\" w:styleId=\"Open\"><w:tcPr>"
        "<w:shd w:val=\"pct20\"/>";
    static const struct {
        const char *id;
        int shaded;
    } cases[] = {{"Dark", 1}, {"Dark2", 0},  {"Dar", 0},
                 {"Dup", 0},  {"Pale", 0},   {"Themed", 1},
                 {"Open", 1}, {"NoSuch", 0}, {"", 0}};
    kps_style_ids ids;
    ck_assert_int_eq(kps_docx_raw_shaded_ids(styles, strlen(styles), &ids),
                     KPISCAN_OK);
    ck_assert(ids.ready);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(
            kps_docx_style_ids_has(&ids, cases[i].id, strlen(cases[i].id)) ==
                cases[i].shaded,
            "%s", cases[i].id);
    ck_assert_uint_eq(ids.n, 3);
    kps_docx_style_ids_free(&ids);
    ck_assert_int_eq(kps_docx_raw_shaded_ids(NULL, 0, &ids), KPISCAN_OK);
    ck_assert_uint_eq(ids.n, 0);
    ck_assert(!kps_docx_style_ids_has(&ids, "Dark", 4));
    kps_docx_style_ids_free(&ids);
}
END_TEST

/* Word 2010's text fill, when it draws nothing readable: no fill, a
 * transparency of 90 % or more, white.  A visible fill changes nothing. */
START_TEST(test_text_fill)
{
#define W14 "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\""
    hidden_case(NULL, NULL,
                "<w:rPr><w14:textFill " W14 "><w14:noFill/></w14:textFill>"
                "</w:rPr>",
                1);
    hidden_case(NULL, NULL,
                "<w:rPr><w14:textFill " W14 "><w14:solidFill><w14:srgbClr "
                "w14:val=\"000000\"><w14:alpha w14:val=\"100000\"/>"
                "</w14:srgbClr></w14:solidFill></w14:textFill></w:rPr>",
                1);
    hidden_case(NULL, NULL,
                "<w:rPr><w14:textFill " W14 "><w14:solidFill><w14:srgbClr "
                "w14:val=\"FFFFFF\"/></w14:solidFill></w14:textFill></w:rPr>",
                1);
    hidden_case(NULL, NULL,
                "<w:rPr><w14:textFill " W14 "><w14:solidFill><w14:srgbClr "
                "w14:val=\"1F3864\"><w14:alpha w14:val=\"30000\"/>"
                "</w14:srgbClr></w14:solidFill></w14:textFill></w:rPr>",
                0);
    /* a shadow's white is no text fill */
    hidden_case(
        NULL, NULL,
        "<w:rPr><w14:textFill " W14 "><w14:solidFill><w14:srgbClr "
        "w14:val=\"000000\"/></w14:solidFill></w14:textFill><w14:shadow " W14
        "><w14:srgbClr w14:val=\"FFFFFF\"/></w14:shadow></w:rPr>",
        0);
#undef W14
}
END_TEST

/* An element of a vocabulary that is no Office one is ignored with its
 * content, as Word ignores it (mc:Ignorable) or refuses the file; Office
 * extensions are read. */
START_TEST(test_foreign_elements_ignored)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:t>Chef</w:t></w:r><x9:junk xmlns:x9=\"urn:evil:x9\">"
        "<w:r><w:t>KPI strategic alignment</w:t></w:r></x9:junk></w:p>"
        "<x9:junk xmlns:x9=\"urn:evil:x9\"><w:p><w:r><w:t>balanced scorecard"
        "</w:t></w:r></w:p></x9:junk>"
        "<w:p><w14:wrap xmlns:w14=\"http://schemas.microsoft.com/office/word/"
        "2010/wordml\"><w:r><w:t>Sous chef</w:t></w:r></w14:wrap></w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_ptr_null(strstr(doc.text, "KPI"));
    ck_assert_ptr_null(strstr(doc.text, "scorecard"));
    ck_assert_ptr_nonnull(strstr(doc.text, "Chef"));
    ck_assert_ptr_nonnull(strstr(doc.text, "Sous chef"));
    kps_doc_free(&doc);

    /* but the root's mc:ProcessContent makes Word show the content of
     * the elements it names */
    fixture_docx_spec spec = {0};
    spec.document_xml =
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\" xmlns:mc=\"http://schemas."
        "openxmlformats.org/markup-compatibility/2006\" xmlns:x=\"urn:x\" "
        "mc:Ignorable=\"x\" mc:ProcessContent=\"x:wrap\"><w:body><x:wrap>"
        "<w:p><w:r><w:t>Balanced scorecard</w:t></w:r></w:p></x:wrap><x:other>"
        "<w:p><w:r><w:t>Dropped</w:t></w:r></w:p></x:other></w:body>"
        "</w:document>";
    zip = fixture_docx(&spec, &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert_ptr_nonnull(strstr(doc.text, "Balanced scorecard"));
    ck_assert_ptr_null(strstr(doc.text, "Dropped"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_white_in_shaded_cell_is_visible)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" w:fill=\"2E74B5\"/>"
        "</w:tcPr><w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>"
        "Banner</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>Stuffed"
        "</w:t></w:r></w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    kps_doc_free(&doc);
}
END_TEST

/* The innermost cell with a background decides: a white cell nested in a
 * navy one shows white text as little as the page does; a nested cell with
 * no background of its own shows the navy through. */
START_TEST(test_white_in_white_cell_inside_shaded_cell_is_hidden)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" w:fill=\"000080\"/>"
        "</w:tcPr><w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" "
        "w:fill=\"FFFFFF\"/></w:tcPr><w:p><w:r><w:rPr><w:color "
        "w:val=\"FFFFFF\"/></w:rPr><w:t>Stuffed</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>"
        "Banner</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>"
        "</w:tbl>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    kps_doc_free(&doc);

    /* a paragraph's or run's own white background in a navy cell hides
     * white text; one that is explicitly clear shows the navy */
    zip = fixture_docx_body(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:shd w:val=\"clear\" w:fill=\"000080\"/>"
        "</w:tcPr><w:p><w:pPr><w:shd w:val=\"clear\" w:fill=\"FFFFFF\"/>"
        "</w:pPr><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>Stuffed"
        "</w:t></w:r></w:p><w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/>"
        "<w:highlight w:val=\"white\"/></w:rPr><w:t>Marked</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:shd w:val=\"clear\" w:fill=\"auto\"/></w:pPr><w:r>"
        "<w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>Banner</w:t></w:r>"
        "</w:p></w:tc></w:tr></w:tbl>",
        &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "Stuffed"));
    ck_assert(phrase_hidden(&doc, "Marked"));
    ck_assert(!phrase_touches_hidden(&doc, "Banner"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_white_in_filled_text_box_is_visible)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:drawing><wp:anchor behindDoc=\"0\"><a:graphic>"
        "<a:graphicData><wps:wsp><wps:spPr><a:solidFill><a:srgbClr "
        "val=\"1F3864\"/></a:solidFill><a:ln><a:solidFill><a:srgbClr "
        "val=\"FFFFFF\"/></a:solidFill></a:ln></wps:spPr><wps:txbx>"
        "<w:txbxContent><w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr>"
        "<w:t>Sidebar</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>"
        "<w:p><w:r><w:drawing><wp:anchor behindDoc=\"0\"><a:graphic>"
        "<a:graphicData><wps:wsp><wps:spPr><a:noFill/></wps:spPr><wps:txbx>"
        "<w:txbxContent><w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr>"
        "<w:t>Invisible</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        "</w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Sidebar"));
    ck_assert(phrase_hidden(&doc, "Invisible"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_white_over_background_art_is_not_flagged)
{
    /* A dark shape drawn behind the text (a PDF-converted template): white
     * text may stand on it, so white alone no longer counts as hidden;
     * vanish and tiny text still do. */
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:pict><v:group style=\"position:absolute;"
        "z-index:-100\"><v:rect style=\"width:100;height:800\" "
        "fillcolor=\"#376d8b\" stroked=\"f\"/></v:group></w:pict></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>Contact"
        "</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>Secret</w:t></w:r>"
        "</w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Contact"));
    ck_assert(phrase_hidden(&doc, "Secret"));
    kps_doc_free(&doc);

    /* a picture behind the text, in a header */
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr>"
                "<w:t>Contact</w:t></w:r></w:p>";
    spec.headers[0] =
        "<w:p><w:r><w:drawing><wp:anchor behindDoc=\"1\"><a:graphic>"
        "<a:graphicData><pic:pic/></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></w:r></w:p>";
    zip = fixture_docx(&spec, &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert(!phrase_touches_hidden(&doc, "Contact"));
    kps_doc_free(&doc);

    /* a coloured page */
    zip = fixture_docx_body("<w:p><w:r><w:rPr><w:color w:val=\"FFFFFF\"/>"
                            "</w:rPr><w:t>Contact</w:t></w:r></w:p>",
                            &len);
    free(zip);
    spec = (fixture_docx_spec){0};
    spec.document_xml =
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas."
        "openxmlformats.org/wordprocessingml/2006/main\"><w:background "
        "w:color=\"000000\"/><w:body><w:p><w:r><w:rPr><w:color "
        "w:val=\"FFFFFF\"/></w:rPr><w:t>Contact</w:t></w:r></w:p></w:body>"
        "</w:document>";
    zip = fixture_docx(&spec, &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert_uint_eq(doc.nhidden, 0);
    kps_doc_free(&doc);
}
END_TEST

static const char *const hiding_styles =
    "<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"22\"/></w:rPr>"
    "</w:rPrDefault></w:docDefaults>"
    "<w:latentStyles><w:lsdException w:name=\"Normal\"/></w:latentStyles>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"HiddenPara\"><w:basedOn "
    "w:val=\"Normal\"/><w:rPr><w:vanish/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"HiddenChild\"><w:basedOn "
    "w:val=\"HiddenPara\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"ShadedPara\"><w:pPr><w:shd "
    "w:val=\"clear\" w:fill=\"000000\"/></w:pPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"WhiteChar\"><w:rPr><w:color "
    "w:val=\"FFFFFF\"/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"TinyChar\"><w:rPr><w:sz "
    "w:val=\"3\"/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"LoopA\"><w:basedOn "
    "w:val=\"LoopB\"/></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"LoopB\"><w:basedOn "
    "w:val=\"LoopA\"/><w:rPr><w:vanish/></w:rPr></w:style>"
    "<w:style w:type=\"table\" w:styleId=\"DarkList\"><w:rPr><w:color "
    "w:val=\"FFFFFF\"/></w:rPr></w:style>";

/* A style name has no length limit: one of 300 characters that hides its
 * text still hides it (a lookup through a fixed buffer once lost it, and
 * the hidden KPI words counted as visible). */
START_TEST(test_hidden_long_style_name)
{
    char id[301], styles[1024], ppr[512], rpr[512];
    memset(id, 'H', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    snprintf(styles, sizeof styles,
             "<w:style w:type=\"paragraph\" w:styleId=\"%s\"><w:rPr>"
             "<w:vanish/></w:rPr></w:style>"
             "<w:style w:type=\"character\" w:styleId=\"%sC\"><w:rPr>"
             "<w:vanish/></w:rPr></w:style>",
             id, id);
    snprintf(ppr, sizeof ppr, "<w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", id);
    snprintf(rpr, sizeof rpr, "<w:rPr><w:rStyle w:val=\"%sC\"/></w:rPr>", id);
    hidden_case(styles, ppr, NULL, 1);
    hidden_case(styles, NULL, rpr, 1);
}
END_TEST

START_TEST(test_hidden_through_styles)
{
    hidden_case(hiding_styles,
                "<w:pPr><w:pStyle w:val=\"HiddenPara\"/></w:pPr>", NULL, 1);
    hidden_case(hiding_styles,
                "<w:pPr><w:pStyle w:val=\"HiddenChild\"/></w:pPr>", NULL, 1);
    hidden_case(hiding_styles,
                "<w:pPr><w:pStyle w:val=\"HiddenChild\"/></w:pPr>",
                "<w:rPr><w:vanish w:val=\"0\"/></w:rPr>", 0);
    hidden_case(hiding_styles, NULL,
                "<w:rPr><w:rStyle w:val=\"WhiteChar\"/></w:rPr>", 1);
    hidden_case(hiding_styles,
                "<w:pPr><w:pStyle w:val=\"ShadedPara\"/></w:pPr>",
                "<w:rPr><w:rStyle w:val=\"WhiteChar\"/></w:rPr>", 0);
    hidden_case(hiding_styles, NULL,
                "<w:rPr><w:rStyle w:val=\"TinyChar\"/></w:rPr>", 1);
    hidden_case(hiding_styles, NULL,
                "<w:rPr><w:rStyle w:val=\"TinyChar\"/><w:sz w:val=\"20\"/>"
                "</w:rPr>",
                0);
    /* a basedOn loop ends; the loop's own properties still count */
    hidden_case(hiding_styles, NULL,
                "<w:rPr><w:rStyle w:val=\"LoopB\"/></w:rPr>", 1);
    hidden_case(hiding_styles, NULL,
                "<w:rPr><w:rStyle w:val=\"NoSuchStyle\"/></w:rPr>", 0);
    /* a prefix of a style's name is another name */
    hidden_case(hiding_styles, "<w:pPr><w:pStyle w:val=\"HiddenPar\"/></w:pPr>",
                NULL, 0);
}
END_TEST

START_TEST(test_hidden_through_defaults)
{
    /* the document defaults and the default paragraph style apply to
     * every run: hide everything, show one run directly */
    const char *styles =
        "<w:docDefaults><w:rPrDefault><w:rPr><w:vanish/></w:rPr>"
        "</w:rPrDefault></w:docDefaults>";
    size_t len;
    unsigned char *zip = fixture_docx_styled(
        styles,
        "<w:p><w:r><w:t xml:space=\"preserve\">Hidden by default </w:t>"
        "</w:r><w:r><w:rPr><w:vanish w:val=\"false\"/></w:rPr><w:t>"
        "shown</w:t></w:r></w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "Hidden by default"));
    ck_assert(!phrase_touches_hidden(&doc, "shown"));
    kps_doc_free(&doc);

    zip = fixture_docx_styled(
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
        "<w:rPr><w:sz w:val=\"1\"/></w:rPr></w:style>",
        "<w:p><w:r><w:t>tiny everywhere</w:t></w:r></w:p>", &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert(phrase_hidden(&doc, "tiny everywhere"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_table_styles_do_not_hide)
{
    /* Word's built-in dark table styles carry white text; they are not
     * applied here, so they must not hide anything. */
    hidden_case("<w:style w:type=\"table\" w:styleId=\"DarkList\"><w:rPr>"
                "<w:color w:val=\"FFFFFF\"/><w:vanish/></w:rPr></w:style>",
                NULL, NULL, 0);
}
END_TEST

START_TEST(test_hidden_ranges_merge_and_sort)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>one </w:t></w:r>"
        "<w:r><w:rPr><w:color w:val=\"FFFFFF\"/></w:rPr><w:t>two</w:t></w:r>"
        "<w:r><w:t xml:space=\"preserve\"> seen </w:t></w:r>"
        "<w:r><w:rPr><w:sz w:val=\"3\"/></w:rPr><w:t>three</w:t></w:r></w:p>",
        &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "one two seen three\n");
    ck_assert_uint_eq(doc.nhidden, 2);
    ck_assert_uint_eq(doc.hidden[0].start, 0);
    ck_assert_uint_eq(doc.hidden[0].end, 7);
    ck_assert_uint_eq(doc.hidden[1].start, 13);
    ck_assert_uint_eq(doc.hidden[1].end, 18);
    kps_doc_free(&doc);
}
END_TEST

/* ---- item 5: limits ------------------------------------------------------ */

START_TEST(test_limit_zip_entries)
{
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:t>x</w:t></w:r></w:p>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_zip_entries = 3;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_zip_entries is 3");
}
END_TEST

START_TEST(test_limit_input_bytes)
{
    size_t len;
    unsigned char *zip =
        fixture_docx_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>", &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_input_bytes = len - 1;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_input_bytes");
}
END_TEST

START_TEST(test_limit_part_bytes)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:t>a paragraph long enough</w:t></w:r></w:p>", &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_part_bytes = 100;
    fails_with(
        zip, len, &lim, KPISCAN_ERR_LIMIT,
        "part _rels/.rels: uncompressed size exceeds max_part_bytes (100)");
    zip = fixture_docx_body(
        "<w:p><w:r><w:t>a paragraph long enough</w:t></w:r></w:p>", &len);
    lim.max_part_bytes = 900;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT,
               "word/document.xml: uncompressed size exceeds max_part_bytes");
}
END_TEST

START_TEST(test_limit_total_bytes)
{
    size_t len;
    unsigned char *zip =
        fixture_docx_body("<w:p><w:r><w:t>text</w:t></w:r></w:p>", &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_total_bytes = 1000;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_total_bytes (1000)");
}
END_TEST

START_TEST(test_limit_text_bytes)
{
    size_t len;
    unsigned char *zip = fixture_docx_body(
        "<w:p><w:r><w:t>0123456789</w:t></w:r></w:p><w:p><w:r><w:t>"
        "0123456789</w:t></w:r></w:p>",
        &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_text_bytes = 15;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT,
               "word/document.xml: extracted text exceeds max_text_bytes (15)");
}
END_TEST

START_TEST(test_limit_huge_text_node)
{
    /* One 17 MiB text node, stored uncompressed so the ratio check stays
     * out of the way: the text limit (16 MiB) must end it. */
    const char *head = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://"
                       "schemas.openxmlformats.org/wordprocessingml/2006/main"
                       "\"><w:body><w:p><w:r><w:t>";
    const char *tail = "</w:t></w:r></w:p></w:body></w:document>";
    size_t n = 17u << 20, hl = strlen(head), tl = strlen(tail);
    char *xml = malloc(hl + n + tl);
    ck_assert_ptr_nonnull(xml);
    memcpy(xml, head, hl);
    for (size_t i = 0; i < n; i++)
        xml[hl + i] = (char)('a' + i % 26);
    memcpy(xml + hl + n, tail, tl);
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_stored(z, "word/document.xml", xml, hl + n + tl);
    free(xml);
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "extracted text exceeds max_text_bytes");
}
END_TEST

START_TEST(test_limit_deep_nesting)
{
    size_t depth = 10000;
    size_t cap = depth * 16 + 256;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    size_t o = 0;
    o += (size_t)sprintf(body + o, "<w:p>");
    for (size_t i = 0; i < depth; i++)
        o += (size_t)sprintf(body + o, "<w:sdt>");
    for (size_t i = 0; i < depth; i++)
        o += (size_t)sprintf(body + o, "</w:sdt>");
    sprintf(body + o, "</w:p>");
    size_t len;
    unsigned char *zip = fixture_docx_body(body, &len);
    free(body);
    fails_with(
        zip, len, NULL, KPISCAN_ERR_LIMIT,
        "word/document.xml: XML nesting deeper than max_xml_depth (256)");

    /* and a lower configured depth is honoured */
    zip = fixture_docx_body("<w:p><w:r><w:t>shallow</w:t></w:r></w:p>", &len);
    kps_limits lim;
    test_limits(&lim);
    lim.max_xml_depth = 4;
    fails_with(zip, len, &lim, KPISCAN_ERR_LIMIT, "max_xml_depth (4)");
}
END_TEST

START_TEST(test_zip_bomb)
{
    /* 200 MB of spaces deflate ~1000:1.  Refused from the declared sizes,
     * before anything is inflated. */
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "word/document.xml.tmp", "x");
    fixture_zip_add_repeat(z, "word/document.xml",
                           "<?xml version=\"1.0\"?><w:document xmlns:w=\"http:"
                           "//schemas.openxmlformats.org/wordprocessingml/"
                           "2006/main\"><w:body><w:p><w:r><w:t>",
                           ' ', 200u * 1000 * 1000,
                           "</w:t></w:r></w:p></w:body></w:document>");
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    ck_assert_uint_lt(len, 1u << 20);
    unsigned char *copy = malloc(len);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, zip, len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "word/document.xml: compression ratio exceeds max_ratio "
               "(100:1)");

    /* The same bomb lying about its size (1 KiB declared): inflating stops
     * at the declared size, long before 200 MB. */
    ck_assert_uint_eq(
        fixture_set_declared_size(copy, len, "word/document.xml", 1024), 2);
    fails_with(copy, len, NULL, KPISCAN_ERR_CORRUPT,
               "word/document.xml: more data than its declared size");
}
END_TEST

START_TEST(test_ratio_floor)
{
    /* Small parts compress well too; below ratio_floor that is no bomb. */
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_repeat(z, "word/document.xml",
                           "<?xml version=\"1.0\"?><w:document xmlns:w=\"http:"
                           "//schemas.openxmlformats.org/wordprocessingml/"
                           "2006/main\"><w:body><w:p><w:r><w:t>x",
                           ' ', 500000,
                           "</w:t></w:r></w:p></w:body></w:document>");
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_uint_eq(doc.len, 500002);
    kps_doc_free(&doc);
}
END_TEST

START_TEST(test_quadratic_shapes_refused)
{
    /* libxml2 2.9 needs quadratic time for these; they are refused before
     * it sees them */
    size_t cap = 32768;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    size_t o = (size_t)sprintf(body, "<w:p");
    for (int i = 0; i < 300; i++)
        o += (size_t)sprintf(body + o, " a%d=\"1\"", i);
    sprintf(body + o, "/>");
    size_t len;
    unsigned char *zip = fixture_docx_body(body, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "word/document.xml: an element has more than 256 attributes");

    /* 3 x 200 namespaces in scope at once */
    o = 0;
    for (int level = 0; level < 3; level++) {
        o += (size_t)sprintf(body + o, "<w:sdt");
        for (int i = 0; i < 200; i++)
            o += (size_t)sprintf(body + o, " xmlns:n%d_%d=\"u\"", level, i);
        o += (size_t)sprintf(body + o, ">");
    }
    strcpy(body + o, "</w:sdt></w:sdt></w:sdt>");
    zip = fixture_docx_body(body, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_LIMIT,
               "more than 512 namespace declarations in scope");

    /* the same declarations one after the other are fine: scopes close */
    o = 0;
    for (int level = 0; level < 3; level++) {
        o += (size_t)sprintf(body + o, "<w:p");
        for (int i = 0; i < 200; i++)
            o += (size_t)sprintf(body + o, " xmlns:n%d_%d=\"u\"", level, i);
        o += (size_t)sprintf(body + o, "><w:r><w:t>ok</w:t></w:r></w:p>");
    }
    zip = fixture_docx_body(body, &len);
    kps_doc doc;
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "ok\nok\nok\n");
    kps_doc_free(&doc);
    free(body);
}
END_TEST

/* ---- item 6: errors and hostile input --------------------------------- */

START_TEST(test_not_a_docx)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "hello.txt", "hello");
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not a DOCX document");

    /* an empty archive */
    z = fixture_zip_new();
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not a DOCX document");

    /* an XLSX-like package: officeDocument, but no w:document */
    z = fixture_zip_new();
    fixture_zip_add_str(
        z, "_rels/.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas"
        ".openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        "\" Target=\"xl/workbook.xml\"/></Relationships>");
    fixture_zip_add_str(z, "xl/workbook.xml",
                        "<workbook xmlns=\"http://schemas.openxmlformats.org/"
                        "spreadsheetml/2006/main\"/>");
    zip = fixture_zip_finish(z, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_UNSUPPORTED_FORMAT,
               "not a DOCX document");
}
END_TEST

START_TEST(test_empty_document)
{
    size_t len;
    unsigned char *zip = fixture_docx_body("<w:p/><w:p><w:r><w:t xml:space="
                                           "\"preserve\">   </w:t></w:r></w:p>",
                                           &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_EMPTY, "empty document");
}
END_TEST

START_TEST(test_truncated_archive)
{
    size_t len;
    unsigned char *zip =
        fixture_docx_body("<w:p><w:r><w:t>Some text</w:t></w:r></w:p>", &len);
    fails_with(zip, len / 2, NULL, KPISCAN_ERR_CORRUPT, "corrupt DOCX: ");
    zip = fixture_docx_body("<w:p><w:r><w:t>Some text</w:t></w:r></w:p>", &len);
    fails_with(zip, 10, NULL, KPISCAN_ERR_CORRUPT, "corrupt DOCX: ");
}
END_TEST

START_TEST(test_duplicate_entry_names)
{
    /* libzip refuses to write duplicates: write a look-alike name and
     * patch it in the local header and the central directory. */
    fixture_docx_spec spec = {0};
    spec.body = "<w:p><w:r><w:t>real</w:t></w:r></w:p>";
    spec.extra_name = "word/documenX.xml";
    spec.extra_data = "<w:document xmlns:w=\"http://schemas.openxmlformats."
                      "org/wordprocessingml/2006/main\"><w:body><w:p><w:r>"
                      "<w:t>shadow</w:t></w:r></w:p></w:body></w:document>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    ck_assert_uint_eq(
        fixture_replace(zip, len, "word/documenX.xml", "word/document.xml"), 2);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "duplicate entry name 'word/document.xml'");

    /* part names are case-insensitive in OPC */
    zip = fixture_docx(&spec, &len);
    ck_assert_uint_eq(
        fixture_replace(zip, len, "word/documenX.xml", "WORD/Document.xml"), 2);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT, "duplicate entry name");
}
END_TEST

START_TEST(test_crc_error)
{
    fixture_zip *z = fixture_zip_new();
    const char *xml = "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                      "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"
                      "Checksummed text</w:t></w:r></w:p></w:body>"
                      "</w:document>";
    fixture_zip_add_stored(z, "word/document.xml", xml, strlen(xml));
    size_t len;
    unsigned char *zip = fixture_zip_finish(z, &len);
    size_t at = fixture_find(zip, len, "Checksummed");
    ck_assert_uint_ne(at, (size_t)-1);
    zip[at] = 'c'; /* still well-formed XML: only the CRC can tell */
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "corrupt DOCX: word/document.xml: CRC error");
}
END_TEST

START_TEST(test_billion_laughs)
{
    fixture_docx_spec spec = {0};
    spec.document_xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
        "<!ENTITY lol \"lol\">\n"
        "<!ENTITY lol1 "
        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&lol9;</w:t>"
        "</w:r></w:p></w:body></w:document>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "DOCTYPE not allowed in word/document.xml");
}
END_TEST

START_TEST(test_external_entity)
{
    fixture_docx_spec spec = {0};
    spec.document_xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE w:document [\n"
        "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
        "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&xxe;</w:t>"
        "</w:r></w:p></w:body></w:document>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(zip, len, 0, &doc, err), KPISCAN_ERR_CORRUPT);
    ck_assert_ptr_null(doc.text);
    ck_assert_ptr_null(strstr(kpiscan_error_message(err), "root:"));
    ck_assert_str_eq(kpiscan_error_reason(err),
                     "corrupt DOCX: DOCTYPE not allowed in word/document.xml");
    kpiscan_error_free(err);

    /* a DOCTYPE in any other part is refused as well */
    spec = (fixture_docx_spec){0};
    spec.body = "<w:p><w:r><w:t>fine</w:t></w:r></w:p>";
    spec.styles_xml = "<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM "
                      "\"http://example.com/x.dtd\"><w:styles xmlns:w=\"http:"
                      "//schemas.openxmlformats.org/wordprocessingml/2006/"
                      "main\"><w:style w:styleId=\"a\"><w:rPr><w:vanish/>"
                      "</w:rPr></w:style></w:styles>";
    zip = fixture_docx(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "DOCTYPE not allowed in word/styles.xml");
    /* even when nothing in it could hide text */
    spec.styles_xml = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>"
                      "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/"
                      "wordprocessingml/2006/main\"/>";
    zip = fixture_docx(&spec, &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "DOCTYPE not allowed in word/styles.xml");

    /* and an entity reference without a declaration is malformed XML */
    zip = fixture_docx_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "malformed XML in word/document.xml");
}
END_TEST

START_TEST(test_malformed_xml_has_position)
{
    fixture_docx_spec spec = {0};
    spec.document_xml =
        "<?xml version=\"1.0\"?>\n<w:document xmlns:w=\"http://schemas."
        "openxmlformats.org/wordprocessingml/2006/main\">\n<w:body>\n"
        "<w:p><w:r><w:t>Hi</w:r></w:p>\n</w:body></w:document>";
    size_t len;
    unsigned char *zip = fixture_docx(&spec, &len);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(zip, len, 0, &doc, err), KPISCAN_ERR_CORRUPT);
    ck_assert_msg(
        strncmp(kpiscan_error_reason(err),
                "corrupt DOCX: malformed XML in word/document.xml (line 4, "
                "column ",
                65) == 0,
        "%s", kpiscan_error_reason(err));
    /* the position is the part's: it must not read as one in cv.docx */
    ck_assert_uint_eq(kpiscan_error_line(err), 0);
    ck_assert_uint_eq(kpiscan_error_column(err), 0);
    ck_assert_msg(strncmp(kpiscan_error_message(err), "cv.docx: corrupt", 16) ==
                      0,
                  "%s", kpiscan_error_message(err));
    ck_assert_str_eq(kpiscan_error_file(err), "cv.docx");
    kpiscan_error_free(err);

    /* invalid UTF-8 in a part declared UTF-8 */
    zip = fixture_docx_body("<w:p><w:r><w:t>bad \xC3\x28 byte</w:t></w:r>"
                            "</w:p>",
                            &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT, "malformed XML in");
}
END_TEST

/* A part in another encoding, built by hand. */
static unsigned char *docx_with_part_bytes(const char *bytes, size_t n,
                                           size_t *len)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add(z, "word/document.xml", bytes, n);
    return fixture_zip_finish(z, len);
}

/* UTF-16LE of an ASCII/Latin-1 string, with a byte-order mark. */
static char *utf16le(const char *s, size_t *n)
{
    size_t k = strlen(s);
    char *out = malloc(2 * k + 2);
    ck_assert_ptr_nonnull(out);
    out[0] = (char)0xFF;
    out[1] = (char)0xFE;
    for (size_t i = 0; i < k; i++) {
        out[2 + 2 * i] = s[i];
        out[3 + 2 * i] = 0;
    }
    *n = 2 * k + 2;
    return out;
}

#define DOC_OPEN                                                               \
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"                 \
    "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>"
#define DOC_CLOSE "</w:t></w:r></w:p></w:body></w:document>"

START_TEST(test_encodings)
{
    size_t n, len;
    kps_doc doc;
    char *u16 = utf16le("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" DOC_OPEN
                        "sixteen" DOC_CLOSE,
                        &n);
    unsigned char *zip = docx_with_part_bytes(u16, n, &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "sixteen\n");
    kps_doc_free(&doc);

    /* a lone surrogate is not UTF-16 */
    size_t at = n - 2 * strlen("n" DOC_CLOSE);
    u16[at] = 0x00;
    u16[at + 1] = (char)0xD8;
    zip = docx_with_part_bytes(u16, n, &len);
    free(u16);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT, "invalid UTF-16");

    const char *latin1 =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" DOC_OPEN
        "caf\xE9" DOC_CLOSE;
    zip = docx_with_part_bytes(latin1, strlen(latin1), &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "caf\xC3\xA9\n");
    kps_doc_free(&doc);

    const char *cp1252 =
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>" DOC_OPEN
        "\x93quoted\x94 \x80" DOC_CLOSE;
    zip = docx_with_part_bytes(cp1252, strlen(cp1252), &len);
    extract_ok(zip, len, 0, &doc);
    ck_assert_str_eq(doc.text, "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC\n");
    kps_doc_free(&doc);

    const char *sjis = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>" DOC_OPEN
                       "\x82\xA0\xFF\xFF\x81" DOC_CLOSE;
    zip = docx_with_part_bytes(sjis, strlen(sjis), &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT,
               "unsupported encoding 'Shift_JIS'");

    const char *ebcdic = "\x4C\x6F\xA7\x94\x93";
    zip = docx_with_part_bytes(ebcdic, strlen(ebcdic), &len);
    fails_with(zip, len, NULL, KPISCAN_ERR_CORRUPT, "not XML text");
}
END_TEST

/* libxml2 must never write to stderr, whatever the input: run hostile
 * parts with stderr sent to a file and look at the file. */
START_TEST(test_nothing_printed)
{
#define BYTES(s)                                                               \
    {                                                                          \
        s, sizeof s - 1                                                        \
    }
    static const struct {
        const char *s;
        size_t n;
    } parts[] = {
        BYTES("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>" DOC_OPEN
              "\x82\xA0\xFF\xFF\x81" DOC_CLOSE),
        BYTES("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" DOC_OPEN
              "x" DOC_CLOSE),
        BYTES("<?xml version=\"1.0\"?>" DOC_OPEN "bad \xC3\x28 utf8" DOC_CLOSE),
        BYTES("<?xml version=\"1.0\"?>" DOC_OPEN "&undefined;" DOC_CLOSE),
        BYTES("<?xml version=\"1.0\"?>" DOC_OPEN "unclosed"),
        BYTES("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"e\">]>" DOC_OPEN
              "&e;" DOC_CLOSE),
        BYTES("<?xml version=\"1.1\"?>" DOC_OPEN "&#x1;" DOC_CLOSE),
        BYTES("<?xml version=\"1.0\" encoding=\"bogus\"?>" DOC_OPEN DOC_CLOSE),
        /* byte patterns libxml2 would take for UCS-4 or EBCDIC */
        BYTES("<\0\0\0\xE7\x8C\x9A\xE6"),
        BYTES("\0\0\0<\0\0\0a"),
        BYTES("\xEF\xBB\xBF<\0\0\0\xE7\x8C\x9A\xE6"),
        BYTES("\xFF\xFE<\0\0\0\0\0"),
        BYTES("\x4C\x6F\xA7\x94\x93"),
    };
#undef BYTES
    FILE *sink = tmpfile();
    ck_assert_ptr_nonnull(sink);
    fflush(stderr);
    int saved = dup(fileno(stderr));
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(sink), fileno(stderr)), 0);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t len;
        unsigned char *zip = docx_with_part_bytes(parts[i].s, parts[i].n, &len);
        kps_doc doc;
        kpiscan_error *err = kpiscan_error_new();
        int rc = extract(zip, len, 0, &doc, err);
        if (rc == KPISCAN_OK)
            kps_doc_free(&doc);
        kpiscan_error_free(err);
    }
    fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    fseek(sink, 0, SEEK_END);
    long printed = ftell(sink);
    fclose(sink);
    ck_assert_int_eq(printed, 0);
}
END_TEST

START_TEST(test_null_arguments)
{
    kps_limits lim;
    test_limits(&lim);
    kps_doc doc;
    ck_assert_int_eq(kps_docx_extract(NULL, 0, "x", &lim, 0, &doc, NULL),
                     KPISCAN_ERR_ARGUMENT);
}
END_TEST

START_TEST(test_error_object_optional)
{
    size_t len;
    unsigned char *zip =
        fixture_docx_body("<w:p><w:r><w:t>ok</w:t></w:r></w:p>", &len);
    kps_limits lim;
    test_limits(&lim);
    kps_doc doc;
    ck_assert_int_eq(kps_docx_extract(zip, len / 2, "x", &lim, 0, &doc, NULL),
                     KPISCAN_ERR_CORRUPT);
    free(zip);
}
END_TEST

/* ---- the suite ---------------------------------------------------------- */

int main(void)
{
    Suite *s = suite_create("docx");

    TCase *text = tcase_create("text");
    tcase_add_test(text, test_plain_paragraphs);
    tcase_add_test(text, test_main_part_from_package_rels);
    tcase_add_test(text, test_fallback_without_package_rels);
    tcase_add_test(text, test_modified_date_checked);
    tcase_add_test(text, test_part_targets_case_folded);
    tcase_add_test(text, test_lying_offset_message);
    tcase_add_test(text, test_strict_namespaces);
    tcase_add_test(text, test_utf8_bom);
    tcase_add_test(text, test_parts_order_and_segments);
    tcase_add_test(text, test_text_box_read_once);
    tcase_add_test(text, test_alternate_content_unknown_requires);
    tcase_add_test(text, test_tracked_changes_accepted);
    tcase_add_test(text, test_deleted_paragraph_mark_joins);
    tcase_add_test(text, test_fields);
    tcase_add_test(text, test_hidden_shapes);
    tcase_add_test(text, test_unshown_parts_are_hidden);
    tcase_add_test(text, test_many_note_cites);
    tcase_add_test(text, test_header_target_of_another_kind);
    tcase_add_test(text, test_alt_chunk_html_read_in_place);
    tcase_add_test(text, test_alt_chunk_mime_html);
    tcase_add_test(text, test_alt_chunk_in_cell);
    tcase_add_test(text, test_alt_chunk_cell_ground);
    tcase_add_test(text, test_alt_chunk_rtf_hidden);
    tcase_add_test(text, test_alt_chunk_repeated);
    tcase_add_test(text, test_alt_chunk_limits);
    tcase_add_test(text, test_alt_chunk_only_imported);
    tcase_add_test(text, test_alt_chunk_found_by_id);
    tcase_add_test(text, test_alt_chunk_unread_named);
    tcase_add_test(text, test_containers_walked);
    tcase_add_test(text, test_special_characters);
    tcase_add_test(text, test_symbols);
    tcase_add_test(text, test_tables);
    tcase_add_test(text, test_drop_cap_joins);
    tcase_add_test(text, test_math_text);
    suite_add_tcase(s, text);

    TCase *hidden = tcase_create("hidden");
    tcase_add_test(hidden, test_hidden_direct);
    tcase_add_test(hidden, test_white_on_a_background_is_visible);
    tcase_add_test(hidden, test_text_the_colour_of_its_background);
    tcase_add_test(hidden, test_white_in_shaded_cell_is_visible);
    tcase_add_test(hidden, test_style_scan_not_fooled);
    tcase_add_test(hidden, test_raw_prescan_gates);
    tcase_add_test(hidden, test_white_in_shaded_table);
    tcase_add_test(hidden, test_shaded_style_ids);
    tcase_add_test(hidden, test_text_fill);
    tcase_add_test(hidden, test_foreign_elements_ignored);
    tcase_add_test(hidden,
                   test_white_in_white_cell_inside_shaded_cell_is_hidden);
    tcase_add_test(hidden, test_white_in_filled_text_box_is_visible);
    tcase_add_test(hidden, test_white_over_background_art_is_not_flagged);
    tcase_add_test(hidden, test_hidden_through_styles);
    tcase_add_test(hidden, test_hidden_long_style_name);
    tcase_add_test(hidden, test_hidden_through_defaults);
    tcase_add_test(hidden, test_table_styles_do_not_hide);
    tcase_add_test(hidden, test_hidden_ranges_merge_and_sort);
    suite_add_tcase(s, hidden);

    TCase *limits = tcase_create("limits");
    tcase_set_timeout(limits, 120);
    tcase_add_test(limits, test_limit_zip_entries);
    tcase_add_test(limits, test_limit_input_bytes);
    tcase_add_test(limits, test_limit_part_bytes);
    tcase_add_test(limits, test_limit_total_bytes);
    tcase_add_test(limits, test_limit_text_bytes);
    tcase_add_test(limits, test_limit_huge_text_node);
    tcase_add_test(limits, test_limit_deep_nesting);
    tcase_add_test(limits, test_zip_bomb);
    tcase_add_test(limits, test_ratio_floor);
    tcase_add_test(limits, test_quadratic_shapes_refused);
    suite_add_tcase(s, limits);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_not_a_docx);
    tcase_add_test(errors, test_empty_document);
    tcase_add_test(errors, test_truncated_archive);
    tcase_add_test(errors, test_duplicate_entry_names);
    tcase_add_test(errors, test_crc_error);
    tcase_add_test(errors, test_billion_laughs);
    tcase_add_test(errors, test_external_entity);
    tcase_add_test(errors, test_malformed_xml_has_position);
    tcase_add_test(errors, test_encodings);
    tcase_add_test(errors, test_nothing_printed);
    tcase_add_test(errors, test_null_arguments);
    tcase_add_test(errors, test_error_object_optional);
    suite_add_tcase(s, errors);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
