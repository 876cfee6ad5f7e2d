/*
 * test-htmldoc.c - the HTML page extractor (lib/input/htmldoc.c): layout,
 * what is not text, hidden text, encodings, limits, and the page through
 * the public API.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void test_limits(kps_limits *lim)
{
    kps_limits_default(lim);
}

static int extract(const char *page, const kps_limits *lim, kps_doc *doc,
                   kpiscan_error *err)
{
    return kps_html_extract((const unsigned char *)page, strlen(page),
                            "cv.html", lim, doc, err);
}

/* Extract page; the text must be valid UTF-8 with no control character
 * other than TAB and LF, as every later stage assumes. */
static void extract_ok(const char *page, kps_doc *doc)
{
    kps_limits lim;
    test_limits(&lim);
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract(page, &lim, doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "extract failed (%d): %s", rc,
                  kpiscan_error_message(err));
    ck_assert_int_eq(doc->format, KPS_FORMAT_HTML);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    for (size_t i = 0; i < doc->len; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        ck_assert_msg(c >= 0x20 || c == '\t' || c == '\n',
                      "control byte %02x at %zu", c, i);
        ck_assert_msg(!(c == 0xC2 && i + 1 < doc->len &&
                        (unsigned char)doc->text[i + 1] < 0xA0),
                      "C1 control at %zu", i);
    }
    kpiscan_error_free(err);
}

static void text_is(const char *page, const char *expected)
{
    kps_doc doc;
    extract_ok(page, &doc);
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
}

/* 1 when every byte of phrase (found in the text) is in a hidden range, 0
 * when none is. */
static int phrase_hidden(const char *page, const char *phrase)
{
    kps_doc doc;
    extract_ok(page, &doc);
    const char *at = strstr(doc.text, phrase);
    ck_assert_msg(at != NULL, "'%s' not in '%s'", phrase, doc.text);
    size_t start = (size_t)(at - doc.text), end = start + strlen(phrase);
    size_t covered = 0;
    for (size_t i = 0; i < doc.nhidden; i++) {
        size_t a = doc.hidden[i].start > start ? doc.hidden[i].start : start;
        size_t b = doc.hidden[i].end < end ? doc.hidden[i].end : end;
        if (b > a)
            covered += b - a;
    }
    kps_doc_free(&doc);
    ck_assert_msg(covered == 0 || covered == end - start, "'%s' partly hidden",
                  phrase);
    return covered != 0;
}

static void fails_with(const char *page, const kps_limits *lim, int status,
                       const char *message_part)
{
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(page, lim, &doc, err), status);
    ck_assert_msg(strstr(kpiscan_error_message(err), message_part) != NULL,
                  "message '%s' lacks '%s'", kpiscan_error_message(err),
                  message_part);
    ck_assert_str_eq(kpiscan_error_file(err), "cv.html");
    kpiscan_error_free(err);
}

START_TEST(white_space_collapses)
{
    text_is("<html><body><p>Operations   analyst\n   with a focus on\n"
            "\tperformance metrics.</p></body></html>",
            "Operations analyst with a focus on performance metrics.\n");
    /* inline elements join words as the browser does */
    text_is("<body><p><b>Led</b> KPI <i>re</i>views</p></body>",
            "Led KPI reviews\n");
    /* <pre> keeps its line ends and inner spaces */
    text_is("<body><pre>2015 - 2018  Analyst\n2018 - 2020  Lead</pre></body>",
            "2015 - 2018  Analyst\n2018 - 2020  Lead\n");
    /* text that holds HTML further in keeps its lines; its comments and
     * what its styles hide are still not shown text */
    text_is("Jane Doe\nChef\n\n* Pasta\n<!-- KPI dashboards -->\n"
            "<span style=\"display:none\">KPIs</span>\n<b>Last</b> line\n",
            "Jane Doe\nChef\n\n* Pasta\n\nKPIs\nLast line\n");
    ck_assert(phrase_hidden("Jane Doe\nChef\n<span style=\"display:none\">"
                            "KPIs</span>\n<b>Last</b>\n",
                            "KPIs"));
}
END_TEST

START_TEST(blocks_lists_and_tables)
{
    text_is("<body><h1>Jane Doe</h1><div>Experience<div>Acme</div>"
            "</div>one<br>two<br/><br>three</body>",
            "Jane Doe\nExperience\nAcme\none\ntwo\n\nthree\n");
    text_is("<body><ul><li>Tracked KPIs<li>Built dashboards</ul>"
            "<ol><li>first</li><li>second</li></ol></body>",
            "* Tracked KPIs\n* Built dashboards\n1. first\n2. second\n");
    /* cells a tab apart, a row per line, no tab at the end of a row */
    text_is("<body><table><tr><td>Jan 2015 &ndash; Present</td>"
            "<td>Senior Analyst</td></tr><tr><td>2012</td><td>Intern"
            "</td></tr></table></body>",
            "Jan 2015 \xE2\x80\x93 Present\tSenior Analyst\n2012\tIntern\n");
    /* at most one empty line in a row */
    text_is("<body>a<br><br><br><br>b</body>", "a\n\nb\n");
}
END_TEST

START_TEST(not_text)
{
    text_is("<!DOCTYPE html><html><head><title>KPI resume</title>"
            "<meta name=\"keywords\" content=\"KPI dashboards\">"
            "<style>.kpi { color: red } /* 2001 - 2020 */</style>"
            "<script>var y = '2000 - 2024'; if (a<b) { x(); }</script>"
            "</head><body><!-- balanced scorecard --><noscript>Enable "
            "scripts</noscript><template><p>strategic KPI alignment</p>"
            "</template><p>Shown</p><script>document.write('KPI')</script>"
            "</body></html>",
            "Shown\n");
}
END_TEST

START_TEST(references_and_controls)
{
    /* the parser decodes references; controls, raw or referred to, are
     * white space; a C1 reference reads as Windows-1252 */
    text_is("<body><p>R&amp;D&nbsp;lead &#1;x&#x7f;y\x01z &#150; "
            "manager&rsquo;s</p></body>",
            "R&D\xC2\xA0lead x y z \xE2\x80\x93 manager\xE2\x80\x99s\n");
}
END_TEST

START_TEST(encodings)
{
    /* Windows-1252 bytes are read as such; a charset the page declares is
     * ignored (the bytes decide), and the text is UTF-8 */
    text_is("<html><head><meta charset=\"koi8-r\"></head><body>"
            "<p>Caf\xE9 \x96 \x93KPI\x94</p></body></html>",
            "Caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x9CKPI\xE2\x80\x9D\n");
    /* a UTF-8 byte order mark */
    text_is("\xEF\xBB\xBF<html><body><p>na\xC3\xAFve</p></body></html>",
            "na\xC3\xAFve\n");
    /* UTF-16LE with its mark (the extractor's own decoding; text_is()
     * cannot pass the NUL bytes) */
    static const unsigned char u16[] = {
        0xFF, 0xFE, '<', 0,    'p', 0,   '>', 0,   'K', 0,   'P', 0,   'I',
        0,    ' ',  0,   0xE9, 0,   '<', 0,   '/', 0,   'p', 0,   '>', 0};
    kps_limits lim;
    test_limits(&lim);
    kps_doc doc;
    ck_assert_int_eq(
        kps_html_extract(u16, sizeof u16, "cv.html", &lim, &doc, NULL),
        KPISCAN_OK);
    ck_assert_str_eq(doc.text, "KPI \xC3\xA9\n");
    kps_doc_free(&doc);
}
END_TEST

START_TEST(hidden_text)
{
    const char *hidden[] = {
        "<p hidden>Led strategic KPI alignment</p>",
        "<p style=\"display: none\">Led strategic KPI alignment</p>",
        "<div style=\"DISPLAY:NONE !important\"><p>Led strategic KPI "
        "alignment</p></div>",
        "<span style=\"visibility:hidden\">Led strategic KPI alignment</span>",
        "<span style=\"opacity:0\">Led strategic KPI alignment</span>",
        "<span style=\"opacity: 0.0\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:0\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:1px\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:2pt\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:0.1em\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:10%\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:0.5pt\">Led strategic KPI alignment</span>",
        "<span style=\"color:#fff\">Led strategic KPI alignment</span>",
        "<span style=\"color: #FFFFFF\">Led strategic KPI alignment</span>",
        "<span style=\"color:white\">Led strategic KPI alignment</span>",
        "<span style=\"color:rgb(255, 255, 255)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"color:rgba(250,250,250,1)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"color:transparent\">Led strategic KPI alignment</span>",
        "<font color=\"#fafafa\">Led strategic KPI alignment</font>",
        "<span style=\"position:absolute;left:-9999px\">Led strategic KPI "
        "alignment</span>",
        "<p style=\"text-indent:-10000px\">Led strategic KPI alignment</p>",
        /* white on a white cell inside a dark table: the innermost
         * background decides */
        "<table bgcolor=\"#003366\"><tr><td style=\"background:#fff\">"
        "<span style=\"color:white\">Led strategic KPI alignment</span>"
        "</td></tr></table>",
        /* what is no colour or a transparent one leaves the page white */
        "<div style=\"background:center\"><font color=white>Led "
        "strategic KPI alignment</font></div>",
        "<div style=\"background-color:bogus\"><font color=white>Led "
        "strategic KPI alignment</font></div>",
        "<div style=\"background-color:rgba(0,0,0,0)\"><font color=white>"
        "Led strategic KPI alignment</font></div>",
        "<span style=\"color:\n#fff\">Led strategic KPI alignment</span>",
        "<span style=\"color:rgba(0,0,0,0)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"color:#0000\">Led strategic KPI alignment</span>",
        "<span style=\"color:hsl(0, 0%, 100%)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"color:Snow\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:1e-3px\">Led strategic KPI alignment</span>",
        "<span style=\"left:-1e5px\">Led strategic KPI alignment</span>",
        "<span style=\"opacity:-1\">Led strategic KPI alignment</span>",
        "<span style=\"opacity:0%\">Led strategic KPI alignment</span>",
        /* display:none cannot be undone below */
        "<div style=\"display:none\"><p style=\"display:block;visibility:"
        "visible\">Led strategic KPI alignment</p></div>",
        /* text the colour of its background, however dark: hex, rgb(),
         * hsl() and names, inherited either way, a style sheet's too */
        "<p style=\"color:#000;background:#000\">Led strategic KPI "
        "alignment</p>",
        "<div style=\"background-color:rgb(10, 10, 10)\"><p style=\"color:"
        "black\">Led strategic KPI alignment</p></div>",
        "<div style=\"color:navy\"><p style=\"background:#000080\">Led "
        "strategic KPI alignment</p></div>",
        "<div style=\"background:hsl(0, 100%, 50%)\"><span style=\"color:"
        "red\">Led strategic KPI alignment</span></div>",
        "<table bgcolor=\"green\"><tr><td><font color=\"#008000\">Led "
        "strategic KPI alignment</font></td></tr></table>",
        "<style>.bar{color:#123456;background-color:#14385a}</style><p "
        "class=\"bar\">Led strategic KPI alignment</p>",
        /* a closed <details> shows its summary only; a closed dialog
         * nothing */
        "<details><summary>More</summary><p>Led strategic KPI alignment</p>"
        "</details>",
        "<details><summary>More</summary>Led strategic KPI alignment"
        "</details>",
        "<dialog><p>Led strategic KPI alignment</p></dialog>",
        /* the "visually hidden" idioms */
        "<span style=\"position:absolute;width:1px;height:1px;overflow:"
        "hidden\">Led strategic KPI alignment</span>",
        "<style>.sr{width:1px;height:1px;overflow:hidden}</style><span "
        "class=\"sr\">Led strategic KPI alignment</span>",
        "<span style=\"position:absolute;clip:rect(0,0,0,0)\">Led strategic "
        "KPI alignment</span>",
        "<span style=\"clip-path:inset(50%)\">Led strategic KPI "
        "alignment</span>",
        "<div style=\"max-height:0;overflow:hidden\">Led strategic KPI "
        "alignment</div>",
        /* nearly transparent, shrunk or moved away */
        "<span style=\"opacity:0.01\">Led strategic KPI alignment</span>",
        "<span style=\"color:rgba(0,0,0,0.01)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"color:#00000001\">Led strategic KPI alignment</span>",
        "<span style=\"-webkit-text-fill-color:transparent\">Led strategic "
        "KPI alignment</span>",
        "<span style=\"display:inline-block;transform:scale(0)\">Led "
        "strategic KPI alignment</span>",
        "<span style=\"transform: translateX(-9999px)\">Led strategic KPI "
        "alignment</span>",
        "<span style=\"position:absolute;left:-200vw\">Led strategic KPI "
        "alignment</span>",
        /* em and % of a parent's font of 0, or of a rule's 1px */
        "<div style=\"font-size:0\"><span style=\"font-size:1em\">Led "
        "strategic KPI alignment</span></div>",
        "<style>.t{font-size:1px}</style><div class=\"t\"><span style=\""
        "font-size:150%\">Led strategic KPI alignment</span></div>",
    };
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) {
        char page[1024];
        snprintf(page, sizeof page, "<body><p>Analyst</p>%s<p>Shown</p></body>",
                 hidden[i]);
        ck_assert_msg(phrase_hidden(page, "strategic KPI alignment"),
                      "visible: %s", hidden[i]);
        ck_assert_msg(!phrase_hidden(page, "Shown"), "Shown hidden: %s",
                      hidden[i]);
    }
    const char *visible[] = {
        "<p>Led strategic KPI alignment</p>",
        "<p style=\"display:block; color:#333\">Led strategic KPI "
        "alignment</p>",
        "<span style=\"font-size:12px\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:3px\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:0.8em\">Led strategic KPI alignment</span>",
        "<span style=\"font-size:small\">Led strategic KPI alignment</span>",
        "<span style=\"opacity:0.8\">Led strategic KPI alignment</span>",
        "<span style=\"left:-20px\">Led strategic KPI alignment</span>",
        /* white headings on a dark sidebar */
        "<div style=\"background-color:#003366\"><h2 style=\"color:#fff\">"
        "Led strategic KPI alignment</h2></div>",
        "<table bgcolor=\"navy\"><tr><td><font color=\"white\">Led "
        "strategic KPI alignment</font></td></tr></table>",
        "<div style=\"background:#222 url(x.png) no-repeat\"><span "
        "style=\"color:white\">Led strategic KPI alignment</span></div>",
        /* a dark colour set deeper wins over an inherited white */
        "<div style=\"color:white\"><span style=\"color:black\">Led "
        "strategic KPI alignment</span></div>",
        /* the inline style wins over a presentational attribute */
        "<font style=\"color:#222\" color=\"white\">Led strategic KPI "
        "alignment</font>",
        /* aria-hidden hides from screen readers, not from the eye */
        "<p aria-hidden=\"true\">Led strategic KPI alignment</p>",
        /* a background image may be anything: the benefit of the doubt */
        "<div style=\"background: url(bg.png)\"><font color=white>Led "
        "strategic KPI alignment</font></div>",
        "<div style=\"background: url('a;b.png')\"><font color=white>Led "
        "strategic KPI alignment</font></div>",
        /* values a browser ignores as invalid */
        "<p style=\"display:none-foo\">Led strategic KPI alignment</p>",
        "<p style=\"opacity:.\">Led strategic KPI alignment</p>",
        "<p style=\"color:#fffff\">Led strategic KPI alignment</p>",
        /* visibility and size can be given back below */
        "<div style=\"visibility:hidden\"><p style=\"visibility:visible\">"
        "Led strategic KPI alignment</p></div>",
        "<div style=\"font-size:0\"><p style=\"font-size:12px\">Led "
        "strategic KPI alignment</p></div>",
        "<span style=\"color:hsl(210, 50%, 40%)\">Led strategic KPI "
        "alignment</span>",
        /* an open <details> or dialog, a summary, a wide box that clips,
         * a slight transparency or shrink, a textarea's text */
        "<details open><p>Led strategic KPI alignment</p></details>",
        "<details><summary>Led strategic KPI alignment</summary></details>",
        "<dialog open><p>Led strategic KPI alignment</p></dialog>",
        "<div style=\"width:300px;overflow:hidden\">Led strategic KPI "
        "alignment</div>",
        "<span style=\"opacity:0.5\">Led strategic KPI alignment</span>",
        "<span style=\"transform:scale(0.9) translateX(20px)\">Led "
        "strategic KPI alignment</span>",
        "<textarea>Led strategic KPI alignment</textarea>",
        "<div style=\"font-size:20px\"><span style=\"font-size:0.5em\">Led "
        "strategic KPI alignment</span></div>",
        /* a hue out of range is no colour to compare (and no overflow) */
        "<p style=\"color:hsl(1e999,50%,50%);background:hsl(1e999,50%,50%)\">"
        "Led strategic KPI alignment</p>",
        /* a see-through background is not its colour; a width in % is
         * of the container */
        "<p style=\"color:#111;background:rgba(0,0,0,.15)\">Led strategic KPI "
        "alignment</p>",
        "<p style=\"color:#111;background:#0000001f\">Led strategic KPI "
        "alignment</p>",
        "<table><tr><td style=\"width:5%;overflow:hidden\">Led strategic KPI "
        "alignment</td></tr></table>",
        /* colours apart, or a background an image may cover */
        "<p style=\"color:#111;background:#333\">Led strategic KPI "
        "alignment</p>",
        "<p style=\"color:black;background:#000 url(x.png)\">Led strategic "
        "KPI alignment</p>",
        "<div style=\"background:black\"><p style=\"color:yellow\">Led "
        "strategic KPI alignment</p></div>",
    };
    for (size_t i = 0; i < sizeof visible / sizeof *visible; i++) {
        char page[1024];
        snprintf(page, sizeof page, "<body><p>Analyst</p>%s</body>",
                 visible[i]);
        ck_assert_msg(!phrase_hidden(page, "strategic KPI alignment"),
                      "hidden: %s", visible[i]);
    }
}
END_TEST

/* What libxml2 2.9 reads otherwise than a browser: Word's "Save as Web
 * Page" conditional markup around list bullets, CDATA, and "</body>",
 * after which libxml2 would close a hidden element that a browser keeps
 * filling. */
START_TEST(markup_as_a_browser_reads_it)
{
    text_is("<html><body><p class=MsoListParagraph><![if !supportLists]>"
            "<span>-<span>&nbsp;&nbsp; </span></span><![endif]>Built KPI "
            "dashboards</p><![CDATA[ x ]]>after</body></html>",
            "-\xC2\xA0\xC2\xA0 Built KPI dashboards\nafter\n");
    ck_assert(phrase_hidden("<body><div style=\"display:none\"></body>Led "
                            "strategic KPI alignment</html> more</div><p>"
                            "Shown</p>",
                            "strategic KPI alignment"));
    /* the "* " of a list item is one space however the source spaces it;
     * an empty cell keeps its column */
    text_is("<body><ul><li>\n   Tracked KPIs</li></ul><table><tr><td>2015"
            "</td><td></td><td>Analyst</td><td></td></tr></table></body>",
            "* Tracked KPIs\n2015\t\tAnalyst\n");
}
END_TEST

/* Simple rules of the page's style sheets (element, class, id and their
 * combinations) hide text as inline styles do, in the cascade's order;
 * other selectors and at-rules are left out. */
START_TEST(style_sheets)
{
    const char *head =
        "<html><head><style>\n/* stuffing */ @import url(x.css);\n"
        "@media print { .x { display:none } }\n"
        ".hide { display: none } P.ghost, #g2 { color: #ffffff }\n"
        ".tiny{font-size:1px} span.white.box{color:white}\n"
        ".dark { background: #003366 } .ghost.keep { color: black }\n"
        "div em { display:none } .c{display:/* x */none}\n"
        "</style><style><!-- .old { visibility: hidden } --></style></head>"
        "<body>";
    static const struct {
        const char *body;
        int hidden;
    } cases[] = {
        {"<div class=\"hide\">strategic KPI alignment</div>", 1},
        {"<p class=\"intro ghost\">strategic KPI alignment</p>", 1},
        {"<p id=\"g2\">strategic KPI alignment</p>", 1},
        {"<p class=\"tiny\">strategic KPI alignment</p>", 1},
        {"<span class=\"box white\">strategic KPI alignment</span>", 1},
        {"<p class=\"c\">strategic KPI alignment</p>", 1},
        {"<p class=\"old\">strategic KPI alignment</p>", 1},
        /* white on a dark block a rule paints */
        {"<div class=\"dark\"><p class=\"ghost\">strategic KPI alignment"
         "</p></div>",
         0},
        /* a more specific rule gives the colour back */
        {"<p class=\"ghost keep\">strategic KPI alignment</p>", 0},
        /* an inline style wins over the sheet */
        {"<p class=\"ghost\" style=\"color:#333\">strategic KPI alignment"
         "</p>",
         0},
        /* print media and descendant selectors are not read */
        {"<p class=\"x\">strategic KPI alignment</p>", 0},
        {"<div><em>strategic KPI alignment</em></div>", 0},
        {"<span class=\"white\">strategic KPI alignment</span>", 0},
        {"<p class=\"hidden\">strategic KPI alignment</p>", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char page[2048];
        snprintf(page, sizeof page, "%s<p>Analyst</p>%s</body></html>", head,
                 cases[i].body);
        ck_assert_msg(phrase_hidden(page, "strategic KPI alignment") ==
                          cases[i].hidden,
                      "%s: expected %s", cases[i].body,
                      cases[i].hidden ? "hidden" : "visible");
        ck_assert(!phrase_hidden(page, "Analyst"));
    }
}
END_TEST

START_TEST(limits_and_errors)
{
    kps_limits lim;
    test_limits(&lim);
    lim.max_xml_depth = 20;
    kps_buf page = {NULL, 0, 0};
    ck_assert_int_eq(kps_buf_append(&page, "<body>", 6), 0);
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(kps_buf_append(&page, "<div>", 5), 0);
    ck_assert_int_eq(kps_buf_append(&page, "KPI", 4), 0);
    fails_with(page.data, &lim, KPISCAN_ERR_LIMIT,
               "HTML page: nesting deeper than max_xml_depth (20)");
    kps_buf_free(&page);

    /* a page of nearly a quarter of a million elements, then past it
     * (each an unknown tag libxml2 formats a message for) */
    test_limits(&lim);
    ck_assert_int_eq(kps_buf_append(&page, "<body>", 6), 0);
    for (int i = 0; i < 249990; i++)
        ck_assert_int_eq(kps_buf_append(&page, "<zz>a</zz>", 10), 0);
    ck_assert_int_eq(kps_buf_append(&page, "KPI", 4), 0);
    kps_doc many;
    extract_ok(page.data, &many); /* with html and body: all read */
    kps_doc_free(&many);
    page.len--; /* past the NUL: 20 more */
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(kps_buf_append(&page, "<zz>a</zz>", 10), 0);
    ck_assert_int_eq(kps_buf_append(&page, "", 1), 0);
    fails_with(page.data, &lim, KPISCAN_ERR_LIMIT,
               "HTML page with more than 250000 elements");
    kps_buf_free(&page);

    /* 300 attribute-like tokens in one tag; quoted spaces and a script's
     * "a < b c d ..." do not count */
    test_limits(&lim);
    ck_assert_int_eq(kps_buf_append(&page, "<body><p", 8), 0);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(kps_buf_append(&page, " a", 2), 0);
    ck_assert_int_eq(kps_buf_append(&page, ">KPI</p>", 9), 0);
    fails_with(page.data, &lim, KPISCAN_ERR_LIMIT,
               "HTML page: start tag with more than 256 attributes");
    kps_buf_free(&page);
    ck_assert_int_eq(kps_buf_append(&page, "<body><p title=\"", 16), 0);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(kps_buf_append(&page, " a", 2), 0);
    ck_assert_int_eq(kps_buf_append(&page, "\">KPI</p><script>x = a <b", 25),
                     0);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(kps_buf_append(&page, " c", 2), 0);
    ck_assert_int_eq(kps_buf_append(&page, "</script>", 10), 0);
    kps_doc doc;
    extract_ok(page.data, &doc);
    ck_assert_str_eq(doc.text, "KPI\n");
    kps_doc_free(&doc);
    kps_buf_free(&page);

    /* quotes that open no value (after a bare name, inside an unquoted
     * value), a bogus name, a comment closed by "--!>": each leaves
     * libxml2 parsing attributes, so each is counted */
    static const char *const openers[] = {"<p a=x\" ", "<p a\"c ", "<p \"z ",
                                          "<!-- c --!><p "};
    for (size_t k = 0; k < sizeof openers / sizeof *openers; k++) {
        test_limits(&lim);
        ck_assert_int_eq(kps_buf_append(&page, "<body>", 6), 0);
        ck_assert_int_eq(kps_buf_append(&page, openers[k], strlen(openers[k])),
                         0);
        for (int i = 0; i < 300; i++) {
            char att[16];
            int an = snprintf(att, sizeof att, " b%d", i);
            ck_assert_int_eq(kps_buf_append(&page, att, (size_t)an), 0);
        }
        ck_assert_int_eq(kps_buf_append(&page, " \">KPI</p>", 10), 0);
        fails_with(page.data, &lim, KPISCAN_ERR_LIMIT,
                   "HTML page: start tag with more than 256 attributes");
        kps_buf_free(&page);
    }

    test_limits(&lim);
    lim.max_text_bytes = 10;
    fails_with("<body><p>Tracked KPIs weekly</p></body>", &lim,
               KPISCAN_ERR_LIMIT, "exceeds max_text_bytes (10)");
    /* the markup is bounded like a DOCX part, not by the text limit */
    test_limits(&lim);
    lim.max_text_bytes = 10;
    extract(("<body><p style=\"color:#111111;font-family:Arial\">KPIs</p>"
             "</body>"),
            &lim, &doc, NULL);
    ck_assert_str_eq(doc.text, "KPIs\n");
    kps_doc_free(&doc);
    lim.max_part_bytes = 16;
    fails_with("<body><p>KPIs</p></body>", &lim, KPISCAN_ERR_LIMIT,
               "decoded markup exceeds max_part_bytes (16)");

    test_limits(&lim);
    fails_with("<html><head><title>KPI</title></head><body><!-- x --></body>"
               "</html>",
               &lim, KPISCAN_ERR_EMPTY, "HTML page with no text");

    /* style sheets whose matching would cost billions of comparisons:
     * 256 rules of four classes against elements of sixteen */
    ck_assert_int_eq(kps_buf_append(&page, "<html><head><style>", 19), 0);
    for (int i = 0; i < 300; i++) {
        char rule[80];
        int rn = snprintf(rule, sizeof rule, ".a%d.b%d.c%d.d%d{color:white}\n",
                          i, i, i, i);
        ck_assert_int_eq(kps_buf_append(&page, rule, (size_t)rn), 0);
    }
    ck_assert_int_eq(kps_buf_append(&page, "</style></head><body>", 21), 0);
    for (int i = 0; i < 5000; i++) {
        static const char el[] = "<b class=\"a1 b1 c1 e f g h i j k l m n o p "
                                 "q\">w</b>";
        ck_assert_int_eq(kps_buf_append(&page, el, sizeof el - 1), 0);
    }
    fails_with(page.data, &lim, KPISCAN_ERR_LIMIT,
               "matching its style sheets' 256 rules");
    kps_buf_free(&page);
}
END_TEST

/* Through the public API: the format, the hidden-text flag, positions in
 * the extracted text. */
START_TEST(public_scan)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2020, 1, 1), KPISCAN_OK);
    const char *page =
        "<!DOCTYPE html>\n<html><head><title>CV</title></head><body>\n"
        "<h2>Experience</h2>\n<p>Analyst, Acme, Jan 2015 &ndash; Present</p>"
        "\n<ul><li>Developed and tracked KPIs that improved team\n"
        "performance by 25%</li></ul>\n<p style=\"display:none\">Presented "
        "to the executive board</p></body></html>";
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, o, page, strlen(page), "cv.html", &r, NULL),
        KPISCAN_OK);
    ck_assert_str_eq(kpiscan_result_format(r), "html");
    ck_assert_double_eq_tol(kpiscan_result_years(r), 5.0, 0.01);
    int hidden_flag = 0;
    for (size_t i = 0; i < kpiscan_result_flag_count(r); i++)
        if (strcmp(kpiscan_result_flag_id(r, i), "hidden-text") == 0)
            hidden_flag = 1;
    ck_assert_int_eq(hidden_flag, 1);
    size_t len;
    const char *text = kpiscan_result_text(r, &len);
    ck_assert_ptr_nonnull(strstr(text, "* Developed and tracked KPIs that "
                                       "improved team performance by 25%\n"));
    for (size_t i = 0; i < kpiscan_result_evidence_count(r); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(r, i);
        ck_assert_int_eq(strncmp(text + kpiscan_evidence_offset(ev),
                                 kpiscan_evidence_text(ev),
                                 strlen(kpiscan_evidence_text(ev))),
                         0);
    }
    kpiscan_result_free(r);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* The page inside MIME HTML (lib/input/mhtml.c): 1 and the decoded
 * page, 0 when not MIME, -2 when MIME without a text part. */
static int mime_is(const char *data, const char *expected)
{
    char *html = NULL;
    size_t n = 0;
    int rc =
        kps_mhtml_html((const unsigned char *)data, strlen(data), &html, &n);
    if (expected) {
        ck_assert_int_eq(rc, 1);
        ck_assert_ptr_nonnull(html);
        ck_assert_uint_eq(n, strlen(html));
        ck_assert_str_eq(html, expected);
    } else {
        ck_assert_ptr_null(html);
    }
    free(html);
    return rc;
}

START_TEST(mime_html_pages)
{
    /* quoted-printable: escapes, soft breaks (also after blanks), an "="
     * that escapes nothing kept; the HTML part after an image part */
    mime_is("MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
            "\tboundary=\"=_b\"; type=\"text/html\"\r\n\r\npreamble\r\n"
            "--=_b\r\nContent-Type: image/gif\r\nContent-Location: a.gif\r\n"
            "\r\nGIF89a\r\n--=_b\r\nContent-Transfer-Encoding: "
            "quoted-printable\r\nContent-Type: text/html; charset=utf-8\r\n"
            "\r\n<p align=3D\"left\">caf=C3=A9 r=\r\nesults =  \r\nx=zz</p>"
            "\r\n--=_b--\r\n",
            "<p align=\"left\">caf\xC3\xA9 results x=zz</p>");
    /* base64, LF line ends, an unquoted boundary */
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
            "boundary=XYZ\n\n--XYZ\nContent-Type: text/html\n"
            "Content-Transfer-Encoding: base64\n\nPGI+S1BJczwv\nYj4=\n"
            "--XYZ--\n",
            "<b>KPIs</b>");
    /* no HTML part: the first text part */
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/alternative; "
            "boundary=q\n\n--q\nContent-Type: text/plain\n\nplain words\n"
            "--q--\n",
            "plain words");
    /* multipart/related shows its root: the part "start" names (the
     * decoy before it is never shown), else the first text part, plain
     * text too; quoted "; start=" inside another parameter is no
     * parameter */
    const char *decoy =
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
        "boundary=\"BB\";\r\n start=\"<root@x>\"\r\n\r\n--BB\r\n"
        "Content-Type: text/html\r\nContent-ID: <decoy@x>\r\n\r\n"
        "<p>KPI KPI KPI</p>\r\n--BB\r\nContent-Type: text/html\r\n"
        "Content-ID:\r\n <root@x>\r\n\r\n<p>Resume</p>\r\n--BB--\r\n";
    mime_is(decoy, "<p>Resume</p>");
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
            "boundary=BB\n\n--BB\nContent-Type: text/plain\n\nResume\n"
            "--BB\nContent-Type: text/html\n\n<p>KPI KPI KPI</p>\n--BB--\n",
            "Resume");
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
            "boundary=\"B; start=<d>\"\n\n--B; start=<d>\nContent-Type: "
            "text/html\n\n<p>Resume</p>\n--B; start=<d>\nContent-Type: "
            "text/html\nContent-ID: <d>\n\n<p>KPI</p>\n--B; start=<d>--\n",
            "<p>Resume</p>");
    /* after the closing delimiter comes the epilogue, which nothing
     * shows, even when it looks like a part */
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
                "boundary=BB\n\n--BB\nContent-Type: image/png\n\nPNG\n"
                "--BB--\nContent-Type: text/html\n\n<p>KPI</p>\n",
                NULL),
        -2);
    /* a root that is no text, or a start naming no part: nothing */
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
                "boundary=BB; start=\"<img>\"\n\n--BB\nContent-Type: "
                "image/png\nContent-ID: <img>\n\nPNG\n--BB\nContent-Type: "
                "text/html\n\n<p>KPI</p>\n--BB--\n",
                NULL),
        -2);
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
                "boundary=BB; start=\"<none>\"\n\n--BB\nContent-Type: "
                "text/html\n\n<p>KPI</p>\n--BB--\n",
                NULL),
        -2);
    /* other multiparts: the HTML part */
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/alternative; "
            "boundary=q\n\n--q\nContent-Type: text/plain\n\nplain\n--q\n"
            "Content-Type: text/html\n\n<p>rich</p>\n--q--\n",
            "<p>rich</p>");
    /* a delimiter is the boundary alone on its line (white space may
     * follow): a line that only begins with it belongs to the part */
    mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
            "boundary=BB\n\n--BB \t\nContent-Type: text/html\n\n<p>a</p>\n"
            "--BBx\nContent-Type: text/html\n\n<p>b</p>\n--BB--\n",
            "<p>a</p>\n--BBx\nContent-Type: text/html\n\n<p>b</p>");
    /* one part: the body; an 8bit body as it is */
    mime_is("\xEF\xBB\xBF\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\n"
            "\r\n<p>Dashboards</p>\r\n",
            "<p>Dashboards</p>\r\n");
    /* not MIME: a page, text whose first line is no header, a header
     * block of other headers, no blank line after the headers */
    ck_assert_int_eq(mime_is("<html><p>x</p></html>", NULL), 0);
    ck_assert_int_eq(mime_is("Summary: analyst\n\nDefined KPIs", NULL), 0);
    ck_assert_int_eq(mime_is("Jane Roe\nMIME-Version: 1.0\n\n<p>x</p>", NULL),
                     0);
    /* nor headers of the Content- family without MIME-Version, as a
     * resume's "Content-Writer:" line */
    ck_assert_int_eq(
        mime_is("Content-Writer: Jane Roe\nContent-Type: text/html\n\n<p>x</p>",
                NULL),
        0);
    ck_assert_int_eq(mime_is("", NULL), 0);
    /* MIME, but nothing to read: no text part, no boundary */
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: multipart/related; "
                "boundary=b\n\n--b\nContent-Type: image/png\n\nPNG\n--b--\n",
                NULL),
        -2);
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: multipart/related\n\nx",
                NULL),
        -2);
    ck_assert_int_eq(
        mime_is("MIME-Version: 1.0\nContent-Type: image/png\n\nPNG", NULL), -2);
    /* every truncation of a page is read without reading past its end */
    const char *page =
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
        "boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>=3D=\r\n"
        "</p>\r\n--b--\r\n";
    for (size_t cut = 0; cut <= strlen(page); cut++) {
        unsigned char *part = malloc(cut ? cut : 1);
        ck_assert_ptr_nonnull(part);
        memcpy(part, page, cut);
        char *html = NULL;
        size_t n;
        int rc = kps_mhtml_html(part, cut, &html, &n);
        ck_assert(rc == 1 || rc == 0 || rc == -2);
        ck_assert((rc == 1) == (html != NULL));
        free(html);
        free(part);
    }
}
END_TEST

/* A page saved as MIME HTML (.mht) is scanned as the page it holds. */
START_TEST(mime_html_scanned)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    const char *mht =
        "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
        "boundary=\"----=_NextPart_01\"\r\n\r\n------=_NextPart_01\r\n"
        "Content-Location: file:///C:/cv.htm\r\nContent-Transfer-Encoding: "
        "quoted-printable\r\nContent-Type: text/html; charset=\"utf-8\"\r\n"
        "\r\n<html><body><p class=3DMsoNormal>Developed and tracked KPIs "
        "that im=\r\nproved team performance by 25%</p></body></html>\r\n"
        "------=_NextPart_01--\r\n";
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, NULL, mht, strlen(mht), "cv.mht", &r, NULL),
        KPISCAN_OK);
    ck_assert_str_eq(kpiscan_result_format(r), "html");
    ck_assert_str_eq(kpiscan_result_text(r, NULL),
                     "Developed and tracked KPIs that improved team "
                     "performance by 25%\n");
    kpiscan_result_free(r);

    /* A page that begins with a byte order mark, UTF-8 or (base64)
     * UTF-16, is a page too, and a plain-text root is read as text: each
     * was scanned as the MIME source, headers and encoded lines. */
    static const struct {
        const char *cte, *body, *format, *text;
    } pages[] = {
        {"quoted-printable", "=EF=BB=BF<p>Tracked KPIs</p>", "html",
         "Tracked KPIs\n"},
        /* U+FEFF "<p>KPIs</p>" in UTF-16LE */
        {"base64", "//48AHAAPgBLAFAASQBzADwALwBwAD4A", "html", "KPIs\n"},
        {"7bit", "Tracked KPIs weekly", "text", "Tracked KPIs weekly"},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char buf[512];
        snprintf(buf, sizeof buf,
                 "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
                 "boundary=b\r\n\r\n--b\r\nContent-Type: text/%s\r\n"
                 "Content-Transfer-Encoding: %s\r\n\r\n%s\r\n--b\r\n"
                 "Content-Type: text/html\r\n\r\n<p>KPI KPI</p>\r\n--b--\r\n",
                 pages[i].format[0] == 'h' ? "html" : "plain", pages[i].cte,
                 pages[i].body);
        ck_assert_int_eq(
            kpiscan_scan_buffer(p, NULL, buf, strlen(buf), "cv.mht", &r, NULL),
            KPISCAN_OK);
        ck_assert_str_eq(kpiscan_result_format(r), pages[i].format);
        ck_assert_str_eq(kpiscan_result_text(r, NULL), pages[i].text);
        kpiscan_result_free(r);
    }
    kpiscan_pack_free(p);
}
END_TEST

static Suite *htmldoc_suite(void)
{
    Suite *s = suite_create("htmldoc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, white_space_collapses);
    tcase_add_test(tc, blocks_lists_and_tables);
    tcase_add_test(tc, not_text);
    tcase_add_test(tc, references_and_controls);
    tcase_add_test(tc, encodings);
    tcase_add_test(tc, hidden_text);
    tcase_add_test(tc, markup_as_a_browser_reads_it);
    tcase_add_test(tc, style_sheets);
    tcase_add_test(tc, limits_and_errors);
    tcase_add_test(tc, public_scan);
    tcase_add_test(tc, mime_html_pages);
    tcase_add_test(tc, mime_html_scanned);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(htmldoc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
