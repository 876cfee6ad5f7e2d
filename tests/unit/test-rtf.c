/*
 * test-rtf.c - the RTF extractor (lib/input/rtf.c): what is text and what
 * is not, characters, tables, hidden text, the document's date, limits and
 * damaged input, and an RTF file through the public API.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static int extract(const char *rtf, size_t len, const kps_limits *lim,
                   kps_doc *doc, kpiscan_error *err)
{
    return kps_rtf_extract((const unsigned char *)rtf, len, "cv.rtf", lim, doc,
                           err);
}

/* Extract rtf; the text must be valid UTF-8 with no control character
 * other than TAB and LF, as every later stage assumes. */
static void extract_ok(const char *rtf, kps_doc *doc)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract(rtf, strlen(rtf), &lim, doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "extract failed (%d): %s", rc,
                  kpiscan_error_message(err));
    ck_assert_int_eq(doc->format, KPS_FORMAT_RTF);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    for (size_t i = 0; i < doc->len; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        ck_assert_msg(c >= 0x20 || c == '\t' || c == '\n',
                      "control byte %02x at %zu", c, i);
    }
    ck_assert_uint_eq(doc->nsegments, 0);
    kpiscan_error_free(err);
}

static void text_is(const char *rtf, const char *expected)
{
    kps_doc doc;
    extract_ok(rtf, &doc);
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
}

/* 1 when every byte of phrase (found in the text) is in a hidden range, 0
 * when none is. */
static int phrase_hidden(const char *rtf, const char *phrase)
{
    kps_doc doc;
    extract_ok(rtf, &doc);
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

static void text_is_lim(const char *rtf, const kps_limits *lim,
                        const char *expected)
{
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract(rtf, strlen(rtf), lim, &doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));
    ck_assert_str_eq(doc.text, expected);
    kps_doc_free(&doc);
    kpiscan_error_free(err);
}

static void fails_with(const char *rtf, size_t len, const kps_limits *lim,
                       int status, const char *message_part)
{
    kps_limits def;
    kps_limits_default(&def);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(rtf, len, lim ? lim : &def, &doc, err), status);
    ck_assert_msg(strstr(kpiscan_error_message(err), message_part) != NULL,
                  "message '%s' lacks '%s'", kpiscan_error_message(err),
                  message_part);
    ck_assert_str_eq(kpiscan_error_file(err), "cv.rtf");
    kpiscan_error_free(err);
}

#define HEAD "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}"

START_TEST(paragraphs_and_lines)
{
    text_is(HEAD "\\pard Experience\\par Built KPI dashboards\\par}",
            "Experience\nBuilt KPI dashboards\n");
    /* an empty paragraph is an empty line; \line breaks inside one; the
     * file's own line ends are not the text's; a last paragraph without
     * \par still ends its line */
    text_is(HEAD "\\pard One\\par\\par Two\\line Three\r\n Four}",
            "One\n\nTwo\nThree Four\n");
    /* a space ends a control word and is not text; a second one is */
    text_is(HEAD "\\b  Bold\\b0 \\tab x\\par}", " Bold\tx\n");
    /* page, column and section breaks end a line */
    text_is(HEAD "a\\page b\\sect\\sectd c\\par}", "a\nb\nc\n");
}
END_TEST

START_TEST(destinations_not_shown)
{
    text_is("{\\rtf1\\ansi{\\fonttbl{\\f0\\fswiss Arial KPI;}}"
            "{\\colortbl;\\red0\\green0\\blue0;}"
            "{\\stylesheet{\\s1 KPI heading;}}"
            "{\\info{\\title KPI dashboards}{\\keywords KPI, scorecard}"
            "{\\author Jane}}{\\*\\generator KPI writer;}"
            "{\\*\\unknowndest KPI}{\\pict\\pngblip 4b5049}"
            "{\\*\\bkmkstart KPI}{\\*\\bkmkend KPI}"
            "{\\listtext\\'b7\\tab}{\\pntext 1.\\tab}"
            "\\pard Shown{\\*\\atnid J}{\\annotation KPI remark}\\par}",
            "Shown\n");
    /* a field's result is shown, its instruction is not, with or without
     * the \\* marker */
    text_is(HEAD "{\\field{\\*\\fldinst HYPERLINK \"https://kpi.example\"}"
                 "{\\fldrslt my site}} and {\\field{\\fldinst PAGE}"
                 "{\\fldrslt 2}}\\par}",
            "my site and 2\n");
    /* a shape's text box is shown once: its properties and the fallback
     * drawing Word writes beside it are not */
    text_is(HEAD "{\\shp{\\*\\shpinst{\\sp{\\sn fillColor}{\\sv 255}}"
                 "{\\shptxt \\pard Box text\\par}}{\\shprslt Box text}}}",
            "Box text\n");
    /* binary data is skipped whole, braces and all */
    text_is(HEAD "{\\pict\\bin6 }{x\\{y}After\\par}", "After\n");
    /* what comes before the document's group and after it is not text */
    text_is("\xEF\xBB\xBF  " HEAD "Body\\par}\r\nTrailing KPI\r\n", "Body\n");
}
END_TEST

START_TEST(characters)
{
    /* \'hh is Windows-1252 */
    text_is(HEAD "caf\\'e9 \\'96 \\'93KPI\\'94 \\'80\\par}",
            "caf\xC3\xA9 \xE2\x80\x93 \xE2\x80\x9CKPI\xE2\x80\x9D "
            "\xE2\x82\xAC\n");
    /* \uN, then \ucN fallback characters skipped; negative N above 32767
     * (U+F06C, a symbol font's glyph as Word writes it: a Wingdings
     * bullet); a surrogate pair joined */
    text_is(HEAD "\\u8364?5 \\uc2\\u8212\\'97\\'97 \\uc0\\u-3988 "
                 "\\uc1\\u-10179?\\u-8704?\\par}",
            "\xE2\x82\xAC"
            "5 \xE2\x80\x94 \xE2\x80\xA2\xF0\x9F\x98\x80\n");
    /* a fallback ends with its group, and at a group's start */
    text_is(HEAD "{\\uc3\\u233}abc\\par}", "\xC3\xA9"
                                           "abc\n");
    text_is(HEAD "\\uc3\\u233{x}yz\\par}", "\xC3\xA9"
                                           "xyz\n");
    /* a high surrogate whose pair does not follow is U+FFFD, or nothing
     * when text follows it */
    text_is(HEAD "\\uc0\\u-10179\\u233 a\\u-10179 b\\par}",
            "\xEF\xBF\xBD\xC3\xA9"
            "ab\n");
    /* \bin counted as a fallback character still skips its data */
    text_is(HEAD "\\u233\\bin2 }{x\\par}", "\xC3\xA9"
                                           "x\n");
    /* named characters and escapes */
    text_is(HEAD "\\bullet\\~a\\endash b\\emdash c\\lquote d\\rquote "
                 "\\ldblquote e\\rdblquote  \\{\\}\\\\ non\\-break\\_x\\par}",
            "\xE2\x80\xA2\xC2\xA0"
            "a\xE2\x80\x93"
            "b\xE2\x80\x94"
            "c\xE2\x80\x98"
            "d\xE2\x80\x99"
            "\xE2\x80\x9C"
            "e\xE2\x80\x9D {}\\ nonbreak-x\n");
    /* control characters are not text, nor a byte Windows-1252 leaves
     * undefined; a lone surrogate is U+FFFD */
    text_is(HEAD "a\\'01\\uc0\\u1 b\\u-9000 c\\'81d\\par}", "ab\xEF\xBF\xBD"
                                                            "cd\n");
}
END_TEST

/* \'hh is in the code page of its font's character set, else of the
 * document (\ansicpgN), through iconv, double-byte sets too; a symbol
 * font's bullets are bullets, its other pictures no text. */
START_TEST(code_pages)
{
    /* "Программист" as WordPad writes it */
    text_is(
        "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\fnil\\fcharset204 "
        "Arial;}}\\f0 \\'cf\\'f0\\'ee\\'e3\\'f0\\'e0\\'ec\\'ec\\'e8\\'f1"
        "\\'f2\\par}",
        "\xD0\x9F\xD1\x80\xD0\xBE\xD0\xB3\xD1\x80\xD0\xB0\xD0\xBC\xD0\xBC"
        "\xD0\xB8\xD1\x81\xD1\x82\n");
    /* fonts of several sets in one paragraph: Latin-1, Cyrillic, Symbol,
     * Shift-JIS ("あい"), Central European by \cpg */
    text_is("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}{\\f1\\fcharset204 "
            "Times;}{\\f2\\fcharset2 Symbol;}{\\f3\\fcharset128 Mincho;}"
            "{\\f4\\cpg1250 Verdana;}}caf\\'e9 {\\f1 \\'cf\\'f0} {\\f2\\'b7"
            "\\'e3} {\\f3\\'82\\'a0\\'82\\'a2} {\\f4 \\'b9} x\\par}",
            "caf\xC3\xA9 \xD0\x9F\xD1\x80 \xE2\x80\xA2 \xE3\x81\x82\xE3\x81"
            "\x84 \xC4\x85 x\n");
    /* half a double-byte character before a group ends is U+FFFD */
    text_is("{\\rtf1\\ansi{\\fonttbl{\\f3\\fcharset128 Mincho;}}{\\f3\\'82}"
            "x\\par}",
            "\xEF\xBF\xBD"
            "x\n");
    /* a code page iconv does not know is read as Windows-1252 */
    text_is("{\\rtf1\\ansi\\ansicpg12345 caf\\'e9\\par}", "caf\xC3\xA9\n");
}
END_TEST

START_TEST(tables)
{
    /* cells a tab apart, a row per line, as in a DOCX */
    text_is(HEAD "\\trowd\\cellx2000\\cellx6000\\pard\\intbl Jan 2015 "
                 "\\endash  Present\\cell Senior Analyst\\cell\\row"
                 "\\trowd\\cellx2000\\cellx6000\\pard\\intbl 2012\\cell "
                 "Intern\\cell\\row\\pard After\\par}",
            "Jan 2015 \xE2\x80\x93 Present\tSenior Analyst\n2012\tIntern\n"
            "After\n");
    /* a cell of several paragraphs keeps them on lines of their own;
     * Word's row definition repeated after the cells changes nothing */
    text_is(HEAD "\\trowd\\cellx2000\\cellx6000\\pard\\intbl Skills\\par "
                 "KPIs\\cell Experience\\cell\\pard\\intbl{\\trowd\\cellx2000"
                 "\\cellx6000\\row}\\pard Done\\par}",
            "Skills\nKPIs\nExperience\nDone\n");
    /* a table inside a cell: its cells a tab apart on the outer row's
     * line, its row ended by \nestrow inside \*\nesttableprops; the
     * fallback for readers without nested tables is not read */
    text_is(HEAD "\\trowd\\cellx3000\\cellx9000\\pard\\intbl\\itap1 Exp\\cell"
                 "\\pard\\intbl\\itap2 2015 - 2017\\nestcell Analyst\\nestcell"
                 "{\\*\\nesttableprops\\trowd\\cellx1\\cellx2\\nestrow}"
                 "{\\nonesttables\\par}\\pard\\intbl\\itap1 \\cell{\\trowd"
                 "\\cellx3000\\cellx9000\\row}\\pard After\\par}",
            "Exp\t2015 - 2017\tAnalyst\nAfter\n");
    /* an empty cell is an empty column */
    text_is(HEAD "\\trowd\\cellx1\\cellx2\\cellx3\\pard\\intbl a\\cell\\cell "
                 "c\\cell\\row}",
            "a\t\tc\n");
}
END_TEST

START_TEST(headers_footers_footnotes_after_body)
{
    text_is(HEAD "{\\header \\pard Jane Doe, Analyst\\par}"
                 "{\\footerr \\pard Page 1\\par}\\pard Experience{\\super "
                 "\\chftn}{\\footnote \\pard\\plain Note text\\par} here\\par}",
            "Experience here\nJane Doe, Analyst\nPage 1\nNote text\n");
    /* each ends its own paragraph, also without a last \par (Word leaves
     * it out of a footnote) */
    text_is(HEAD "{\\header\\pard Header A}{\\footer\\pard Footer B}\\pard "
                 "Body{\\footnote\\pard Since 2019.}{\\footnote\\pard Two "
                 "teams.}\\par}",
            "Body\nHeader A\nFooter B\nSince 2019.\nTwo teams.\n");
    /* a footnote in a table cell is no cell of its own */
    text_is(HEAD "\\trowd\\cellx1\\cellx2\\pard\\intbl a{\\footnote\\pard "
                 "note\\par}\\cell b\\cell\\row}",
            "a\tb\nnote\n");
    /* a text box's paragraphs nest in the one it stands in, which goes
     * on after it, as in a DOCX */
    text_is(HEAD "\\pard Engineer{\\shp{\\*\\shpinst{\\shptxt\\pard Box one"
                 "\\par\\pard Box two}}} at Acme\\par}",
            "Engineer\nBox one\nBox two\n at Acme\n");
    /* and ends with its group, whatever the group turned into */
    text_is(HEAD "\\pard Engineer{\\shp{\\*\\shpinst{\\shptxt\\pard Box\\par"
                 "\\*\\unknown hidden}}} at Acme\\par Next\\par}",
            "Engineer\nBox\n at Acme\nNext\n");
}
END_TEST

#define COLORS                                                                 \
    "{\\colortbl;\\red0\\green0\\blue0;\\red255\\green255\\blue255;\\red20"    \
    "\\green20\\blue20;\\red250\\green250\\blue245}"

START_TEST(hidden_text)
{
    /* \v is hidden, \v0 ends it; so is text of 2 pt or less */
    ck_assert(
        phrase_hidden(HEAD "Shown {\\v board KPIs} x\\par}", "board KPIs"));
    ck_assert(!phrase_hidden(HEAD "{\\v\\v0 shown KPIs}\\par}", "shown KPIs"));
    ck_assert(phrase_hidden(HEAD "a {\\fs4 tiny KPIs} b\\par}", "tiny KPIs"));
    ck_assert(
        !phrase_hidden(HEAD "a {\\fs16 small KPIs} b\\par}", "small KPIs"));
    ck_assert(phrase_hidden(HEAD "a {\\webhidden web KPIs}\\par}", "web KPIs"));
    /* \plain ends them */
    ck_assert(!phrase_hidden(HEAD "{\\v\\fs2\\plain plain KPIs}\\par}",
                             "plain KPIs"));
    /* white (or nearly) on the page is hidden; black, or "auto", is not */
    ck_assert(
        phrase_hidden(HEAD COLORS "a {\\cf2 white KPIs}\\par}", "white KPIs"));
    ck_assert(
        phrase_hidden(HEAD COLORS "a {\\cf4 pale KPIs}\\par}", "pale KPIs"));
    ck_assert(
        !phrase_hidden(HEAD COLORS "a {\\cf1 black KPIs}\\par}", "black KPIs"));
    ck_assert(
        !phrase_hidden(HEAD COLORS "a {\\cf0 auto KPIs}\\par}", "auto KPIs"));
    /* white on a dark highlight, character shading, paragraph or table
     * cell shading is seen; dark on dark is not */
    ck_assert(!phrase_hidden(HEAD COLORS "{\\highlight1\\cf2 lit KPIs}\\par}",
                             "lit KPIs"));
    ck_assert(!phrase_hidden(HEAD COLORS "{\\chcbpat3\\cf2 shaded KPIs}\\par}",
                             "shaded KPIs"));
    ck_assert(!phrase_hidden(
        HEAD COLORS "\\pard\\cbpat3{\\cf2 para KPIs}\\par}", "para KPIs"));
    ck_assert(phrase_hidden(HEAD COLORS "{\\highlight1\\cf3 dark KPIs}\\par}",
                            "dark KPIs"));
    ck_assert(!phrase_hidden(HEAD COLORS
                             "\\trowd\\clcbpat3\\cellx2000\\cellx4000"
                             "\\pard\\intbl{\\cf2 cell KPIs}\\cell x"
                             "\\cell\\row}",
                             "cell KPIs"));
    /* the second cell of that row is not shaded */
    ck_assert(phrase_hidden(HEAD COLORS
                            "\\trowd\\clcbpat3\\cellx2000\\cellx4000"
                            "\\pard\\intbl x\\cell{\\cf2 bare KPIs}"
                            "\\cell\\row}",
                            "bare KPIs"));
    /* a page background makes white text readable */
    ck_assert(!phrase_hidden(HEAD COLORS "{\\*\\background{\\shp{\\*\\shpinst"
                                         "{\\sp{\\sn fillColor}{\\sv 0}}}}}"
                                         "{\\cf2 white KPIs}\\par}",
                             "white KPIs"));
    /* \cb is no background (Word ignores it): white on it is white on
     * the page */
    ck_assert(
        phrase_hidden(HEAD COLORS "{\\cb1\\cf2 cb KPIs}\\par}", "cb KPIs"));
    /* the paragraph after a shaded table is not in its cells */
    ck_assert(phrase_hidden(HEAD COLORS "\\trowd\\clcbpat3\\cellx2000\\pard"
                                        "\\intbl x\\cell\\row\\pard{\\cf2 "
                                        "after KPIs}\\par}",
                            "after KPIs"));
    /* the next row's cells take the next row's shading, not the last
     * definition's, which Word repeats after the cells */
    ck_assert(!phrase_hidden(
        HEAD COLORS "\\trowd\\clcbpat3\\cellx2000\\pard\\intbl{\\cf2 one "
                    "KPIs}\\cell{\\trowd\\clcbpat0\\cellx2000\\row}",
        "one KPIs"));
    /* a footnote of a shaded cell stands on the page, not in the cell */
    ck_assert(phrase_hidden(HEAD COLORS "\\trowd\\clcbpat3\\cellx2000\\pard"
                                        "\\intbl x{\\footnote{\\cf2 note "
                                        "KPIs}}\\cell\\row}",
                            "note KPIs"));
    /* a page background's fill decides: a dark one shows white text, a
     * white one or none does not; one inside a group that is not shown
     * is no background */
#define BACKGROUND(fill)                                                       \
    "{\\*\\background{\\shp{\\*\\shpinst{\\sp{\\sn fillColor}{\\sv " fill      \
    "}}}}}"
    ck_assert(!phrase_hidden(
        HEAD COLORS BACKGROUND("6567712") "{\\cf2 dark page KPIs}\\par}",
        "dark page KPIs"));
    ck_assert(phrase_hidden(
        HEAD COLORS BACKGROUND("16777215") "{\\cf2 white page KPIs}\\par}",
        "white page KPIs"));
    ck_assert(phrase_hidden(HEAD COLORS "{\\*\\background}{\\cf2 empty KPIs}"
                                        "\\par}",
                            "empty KPIs"));
    ck_assert(phrase_hidden(
        HEAD COLORS "{\\*\\x" BACKGROUND("0") "}{\\cf2 buried KPIs}\\par}",
        "buried KPIs"));
    /* a shape's fill in the body is no page background */
    ck_assert(phrase_hidden(HEAD COLORS "{\\sn fillColor}{\\sv 0}{\\cf2 body "
                                        "KPIs}\\par}",
                            "body KPIs"));
#undef BACKGROUND
    /* a shape behind the text that paints a dark fill or a picture may be
     * what white text stands on (a sidebar): white text is not called
     * hidden, as in a DOCX; one in front of the text, or a white one, is
     * no such thing */
#define SHAPE(place, props)                                                    \
    "{\\shp{\\*"                                                               \
    "\\shpinst\\shpleft0\\shptop0\\shpright3000\\shpbottom9000" place props    \
    "}}"
#define PROP(n, v) "{\\sp{\\sn " n "}{\\sv " v "}}"
    static const struct {
        const char *shape;
        int hidden;
    } shapes[] = {
        {SHAPE("\\shpwr3", PROP("fillColor", "9137463")), 0},
        {SHAPE("\\shpfblwtxt1", PROP("fillColor", "0")), 0},
        {SHAPE("", PROP("fBehindDocument", "1") PROP("fillType", "3")), 0},
        {SHAPE("\\shpwr3\\shpfblwtxt0", PROP("fillColor", "9137463")), 1},
        {SHAPE("\\shpwr3", PROP("fillColor", "16777215")), 1},
        {SHAPE("\\shpwr3", PROP("fillColor", "0") PROP("fFilled", "0")), 1},
        {SHAPE("\\shpwr2", PROP("fillColor", "0")), 1},
    };
#undef PROP
#undef SHAPE
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        char rtf[512];
        snprintf(rtf, sizeof rtf, "%s%s%s", HEAD COLORS, shapes[i].shape,
                 "\\pard{\\cf2 sidebar KPIs}\\par}");
        ck_assert_msg(phrase_hidden(rtf, "sidebar KPIs") == shapes[i].hidden,
                      "shape %zu", i);
    }
    /* a colour table inside a group that is not shown changes nothing */
    ck_assert(phrase_hidden(HEAD COLORS "{\\*\\x{\\colortbl;\\red0\\green0"
                                        "\\blue0;}}{\\cf2 recoloured KPIs}"
                                        "\\par}",
                            "recoloured KPIs"));
    /* headers Word does not display: a first-page one without \titlepg, a
     * left-page one without \facingp */
    ck_assert(phrase_hidden(HEAD "{\\headerf\\pard first KPIs\\par}Body\\par}",
                            "first KPIs"));
    ck_assert(!phrase_hidden(HEAD "\\titlepg{\\headerf\\pard first KPIs\\par}"
                                  "Body\\par}",
                             "first KPIs"));
    ck_assert(phrase_hidden(HEAD "{\\footerl\\pard left KPIs\\par}Body\\par}",
                            "left KPIs"));
    ck_assert(!phrase_hidden(HEAD "\\facingp{\\footerl\\pard left KPIs\\par}"
                                  "Body\\par}",
                             "left KPIs"));
    ck_assert(!phrase_hidden(HEAD "{\\headerr\\pard right KPIs\\par}Body"
                                  "\\par}",
                             "right KPIs"));
    /* a tracked deletion is not shown at all */
    text_is(HEAD "Kept {\\deleted removed KPIs }words\\par}", "Kept words\n");
}
END_TEST

/* A style sheet: a hidden paragraph style, a hidden character style, a
 * style based on the hidden one and one based on it that shows its text
 * again, a white and a tiny style, a table style, and two styles based
 * on each other. */
#define STYLES                                                                 \
    "{\\stylesheet{\\s0 Normal;}{\\s1\\v Hidden;}{\\*\\cs2\\v Hidden chars;}"  \
    "{\\s3\\sbasedon1 Derived;}{\\s4\\cf2 White;}{\\s5\\fs2 Tiny;}"            \
    "{\\s6\\sbasedon1\\v0 Shown again;}{\\*\\ts7\\v Table;}"                   \
    "{\\s8\\sbasedon9 Loop A;}{\\s9\\sbasedon8\\v Loop B;}"                    \
    "{\\*\\cs10\\v0 Shown chars;}}"
#define STYLED(body) HEAD COLORS STYLES body "}"

START_TEST(styles_hide_text)
{
    /* what a style sheet says is no text */
    text_is(STYLED("\\pard\\plain Body\\par"), "Body\n");
    /* text of a hidden, white or tiny style is hidden, as LibreOffice
     * shows it, though the text does not repeat the style's formatting */
    ck_assert(
        phrase_hidden(STYLED("\\pard\\plain\\s1 para KPIs\\par"), "para KPIs"));
    ck_assert(phrase_hidden(STYLED("\\pard\\plain\\s4 white KPIs\\par"),
                            "white KPIs"));
    ck_assert(
        phrase_hidden(STYLED("\\pard\\plain\\s5 tiny KPIs\\par"), "tiny KPIs"));
    /* a character style, for its group only */
    const char *chars = STYLED("\\pard\\plain x {\\cs2 char KPIs} shown\\par");
    ck_assert(phrase_hidden(chars, "char KPIs"));
    ck_assert(!phrase_hidden(chars, "shown"));
    /* a style based on a hidden one is hidden, unless it says otherwise */
    ck_assert(phrase_hidden(STYLED("\\pard\\plain\\s3 derived KPIs\\par"),
                            "derived KPIs"));
    ck_assert(!phrase_hidden(STYLED("\\pard\\plain\\s6 again KPIs\\par"),
                             "again KPIs"));
    /* the text's own formatting wins over its style's */
    ck_assert(!phrase_hidden(STYLED("\\pard\\plain\\s1\\v0 own KPIs\\par"),
                             "own KPIs"));
    /* \plain goes back to the paragraph style; \pard ends the style */
    ck_assert(phrase_hidden(STYLED("\\pard\\s1\\v0 x {\\plain back KPIs}\\par"),
                            "back KPIs"));
    ck_assert(!phrase_hidden(
        STYLED("\\pard\\plain\\s1 x\\par\\pard\\plain next KPIs\\par"),
        "next KPIs"));
    /* a table style, a style not defined and a number out of range are
     * not applied; styles based on each other end */
    ck_assert(!phrase_hidden(STYLED("\\pard\\plain\\ts7 table KPIs\\par"),
                             "table KPIs"));
    ck_assert(!phrase_hidden(STYLED("\\pard\\plain\\s99 none KPIs\\par"),
                             "none KPIs"));
    ck_assert(!phrase_hidden(STYLED("\\pard\\plain\\s99999999 far KPIs\\par"),
                             "far KPIs"));
    ck_assert(
        phrase_hidden(STYLED("\\pard\\plain\\s8 loop KPIs\\par"), "loop KPIs"));
    /* the text's own formatting wins whatever the order of the words */
    ck_assert(phrase_hidden(STYLED("\\pard\\plain\\v\\s6 before KPIs\\par"),
                            "before KPIs"));
    ck_assert(phrase_hidden(STYLED("\\pard\\plain x {\\v\\cs10 run KPIs}\\par"),
                            "run KPIs"));
    /* a paragraph in no style is in style 0 (Normal) */
    ck_assert(phrase_hidden(HEAD "{\\stylesheet{\\v Normal;}}\\pard normal KPIs"
                                 "\\par}",
                            "normal KPIs"));
    /* a group in the style sheet that is no style (\\*\\latentstyles)
     * leaves the styles as they are */
    ck_assert(phrase_hidden(HEAD "{\\stylesheet{\\v Normal;}{\\*\\latentstyles"
                                 "\\lsdstimax376}}\\pard latent KPIs\\par}",
                            "latent KPIs"));
    /* \\pard ends the paragraph's style, and the hiding it brought */
    ck_assert(!phrase_hidden(STYLED("\\pard\\s1 x\\par\\pard after KPIs\\par"),
                             "after KPIs"));
    /* a style sheet inside a destination that is not shown is none */
    ck_assert(!phrase_hidden(HEAD "{\\*\\unknown{\\stylesheet{\\s1\\v H;}}}"
                                  "\\pard\\plain\\s1 free KPIs\\par}",
                             "free KPIs"));
}
END_TEST

START_TEST(document_date)
{
    kps_doc doc;
    extract_ok(HEAD "{\\info{\\creatim\\yr2019\\mo2\\dy3}{\\revtim\\yr2021"
                    "\\mo11\\dy30\\hr9\\min5}}Text\\par}",
               &doc);
    ck_assert_int_eq(doc.modified_year, 2021);
    ck_assert_int_eq(doc.modified_month, 11);
    ck_assert_int_eq(doc.modified_day, 30);
    kps_doc_free(&doc);
    /* no revision date: the creation date; an impossible date: none */
    extract_ok(HEAD "{\\info{\\creatim\\yr2019\\mo2\\dy3}}Text\\par}", &doc);
    ck_assert_int_eq(doc.modified_year, 2019);
    ck_assert_int_eq(doc.modified_month, 2);
    kps_doc_free(&doc);
    extract_ok(HEAD "{\\info{\\revtim\\yr2019\\mo2\\dy30}}Text\\par}", &doc);
    ck_assert_int_eq(doc.modified_year, 0);
    kps_doc_free(&doc);
    /* a date inside a group that is not shown is none either */
    extract_ok(HEAD "{\\*\\x{\\info{\\revtim\\yr2019\\mo2\\dy3}}}Text\\par}",
               &doc);
    ck_assert_int_eq(doc.modified_year, 0);
    kps_doc_free(&doc);
    /* \yr outside the properties is no date */
    extract_ok(HEAD "\\yr2019\\mo2\\dy3 Text\\par}", &doc);
    ck_assert_int_eq(doc.modified_year, 0);
    kps_doc_free(&doc);
}
END_TEST

START_TEST(limits_and_damage)
{
    kps_limits lim;
    kps_limits_default(&lim);
    lim.max_xml_depth = 8;
    /* 8 groups deep is within the limit, 9 is past it */
    text_is_lim("{\\rtf1{{{{{{{x}}}}}}}}", &lim, "x\n");
    const char *deep = "{\\rtf1{{{{{{{{x}}}}}}}}}";
    fails_with(deep, strlen(deep), &lim, KPISCAN_ERR_LIMIT,
               "RTF document: groups nested deeper than max_xml_depth (8)");
    kps_limits_default(&lim);
    lim.max_text_bytes = 10;
    const char *big = HEAD "Tracked KPIs every week\\par}";
    fails_with(big, strlen(big), &lim, KPISCAN_ERR_LIMIT,
               "extracted text exceeds max_text_bytes (10)");
    /* nothing shown */
    const char *empty = HEAD "{\\info{\\title KPI}}\\pard\\par}";
    fails_with(empty, strlen(empty), NULL, KPISCAN_ERR_EMPTY,
               "RTF document with no text");
    fails_with("{\\rtf1", 6, NULL, KPISCAN_ERR_EMPTY, "no text");
    /* a document cut short is read as far as it goes, whatever the cut:
     * a \bin or \' past the end, an open group, half a control word */
    const char *whole =
        HEAD COLORS "{\\info{\\revtim\\yr2021\\mo1\\dy1}}\\trowd\\clcbpat3"
                    "\\cellx99\\pard\\intbl{\\cf2 2019 \\endash  2021}\\cell "
                    "Analyst \\u8364?\\'e9\\cell\\row{\\field{\\*\\fldinst x}"
                    "{\\fldrslt KPIs}}{\\pict\\bin3 abc}\\par}";
    size_t n = strlen(whole);
    for (size_t cut = 0; cut <= n; cut++) {
        kps_doc doc;
        kpiscan_error *err = kpiscan_error_new();
        kps_limits_default(&lim);
        int rc = extract(whole, cut, &lim, &doc, err);
        ck_assert_msg(rc == KPISCAN_OK || rc == KPISCAN_ERR_EMPTY,
                      "cut %zu: %d %s", cut, rc, kpiscan_error_message(err));
        if (rc == KPISCAN_OK) {
            ck_assert_uint_eq(
                kps_utf8_valid_prefix((const unsigned char *)doc.text, doc.len),
                doc.len);
            ck_assert_uint_eq(strlen(doc.text), doc.len);
            for (size_t i = 0; i < doc.nhidden; i++)
                ck_assert(doc.hidden[i].end <= doc.len);
            kps_doc_free(&doc);
        }
        kpiscan_error_free(err);
    }
    /* a \bin longer than what is left ends the document */
    const char *bin = HEAD "Before\\par{\\pict\\bin99999999 }";
    text_is(bin, "Before\n");
    /* too many closing braces, huge numbers (\\uN out of its 16 bits is
     * no character, but its fallback is still skipped), a control word
     * of 40 letters */
    text_is(HEAD "a\\par}}}}b", "a\n");
    text_is(HEAD "\\fs99999999999999 \\u99999999999 ?x\\"
                 "abcdefghijklmnopqrstuvwxyzabcdefghijklmn y\\par}",
            "xy\n");
}
END_TEST

/* Through the public API: the sniffer sends "{\rtf" to this reader, the
 * record says "rtf", and hidden text is a red flag, not evidence. */
START_TEST(public_scan)
{
    static const char rtf[] = HEAD
        "{\\colortbl;\\red255\\green255\\blue255;}"
        "{\\info{\\revtim\\yr2024\\mo6\\dy1}}"
        "\\pard Experience\\par 2016 \\endash  2023 Operations Analyst\\par "
        "Developed and tracked KPIs that improved team performance by 25%"
        "\\par{\\cf1 strategic KPI alignment}\\par}";
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_result *r = NULL;
    kpiscan_error *err = kpiscan_error_new();
    int rc =
        kpiscan_scan_buffer(p, NULL, rtf, sizeof rtf - 1, "cv.rtf", &r, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));
    ck_assert_str_eq(kpiscan_result_format(r), "rtf");
    /* "Present" is at most the last revision's date */
    ck_assert_int_eq(kpiscan_result_as_of(r), 20240601);
    ck_assert_str_eq(kpiscan_result_as_of_source(r), "document modified date");
    ck_assert_double_eq_tol(kpiscan_result_years(r), 7.0, 0.01);
    ck_assert_int_ne(kpiscan_result_level(r), KPISCAN_LEVEL_NONE);
    int hidden_flag = 0;
    for (size_t i = 0; i < kpiscan_result_flag_count(r); i++)
        if (strcmp(kpiscan_result_flag_id(r, i), "hidden-text") == 0)
            hidden_flag = 1;
    ck_assert_int_eq(hidden_flag, 1);
    size_t len;
    const char *text = kpiscan_result_text(r, &len);
    for (size_t i = 0; i < kpiscan_result_evidence_count(r); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(r, i);
        ck_assert_int_eq(strncmp(text + kpiscan_evidence_offset(ev),
                                 kpiscan_evidence_text(ev),
                                 strlen(kpiscan_evidence_text(ev))),
                         0);
    }
    kpiscan_result_free(r);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rtf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, paragraphs_and_lines);
    tcase_add_test(tc, destinations_not_shown);
    tcase_add_test(tc, characters);
    tcase_add_test(tc, code_pages);
    tcase_add_test(tc, tables);
    tcase_add_test(tc, headers_footers_footnotes_after_body);
    tcase_add_test(tc, hidden_text);
    tcase_add_test(tc, styles_hide_text);
    tcase_add_test(tc, document_date);
    tcase_add_test(tc, limits_and_damage);
    tcase_add_test(tc, public_scan);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
