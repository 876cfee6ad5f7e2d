/*
 * htmldoc.c - HTML resumes (job-board exports, "Save as web page",
 * résumé builders) to the text a browser shows.
 *
 * Read as plain text, an HTML resume is mostly markup: tag and class names
 * match rules ("kpi-dashboard"), a style sheet's years and a script's
 * numbers read as dates, and a sentence split over two source lines is two
 * lines.  So the page is parsed (libxml2's HTML parser, SAX mode: no tree,
 * so memory follows the text, not the markup) and its text laid out the way
 * a reader sees it.
 *
 * Decisions:
 *  - The bytes are decoded first by the plain-text decoder (BOM, UTF-16,
 *    Windows-1252 bytes), and libxml2 gets UTF-8 only, with the page's own
 *    charset declaration ignored: libxml2 2.9 reports conversion errors of
 *    its encoding handlers on stderr, and the library never prints.
 *  - White space collapses as in a browser (none of the source's line
 *    breaks survive outside <pre>); block elements (p, div, li, h1-h6,
 *    tr, ...) and <br> end lines; table cells are separated by a tab; a
 *    list item starts with "* " (or "3. " in an ordered list), as the
 *    bullet or number a reader sees.
 *  - Not text: <head> (title, meta, style sheets), <script>, <style>,
 *    <template>, <noscript>, the fallback content of <iframe>/<object>,
 *    and comments.
 *  - Hidden from a reader, so kept out of the score like DOCX hidden text:
 *    the "hidden" attribute; inline styles display:none, visibility:
 *    hidden or collapse, opacity 0, a font size of 2 pt or less, text
 *    pushed a thousand pixels or more off the page (left, top or
 *    text-indent), text whose colour is transparent or near white
 *    (every channel >= 0xF0) on no background or a near-white one, and
 *    text within 24/255 on every channel of its background colour (the
 *    innermost element that sets a background decides; a background
 *    image leaves the colour unknown).  These come
 *    from HTML attributes (color, bgcolor), then the simple rules of the
 *    page's <style> elements (element, class, id; read_sheet()), in the
 *    cascade's order, then the inline style; other selectors, at-rules and
 *    external sheets are not read (docs/robustness.md).
 *  - Limits: element nesting deeper than max_xml_depth is refused, like an
 *    XML part; so is a start tag with more than MAX_ATTRIBUTES attributes,
 *    found by a linear pre-pass (prepare_markup()), because libxml2 2.9
 *    checks a tag's attributes for duplicates pairwise, and a page whose
 *    style sheets would cost more than MATCH_BUDGET comparisons to apply.
 *    The text is bounded by max_text_bytes.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"
#include "input/extract.h"
#include "input/xmlread.h"

#define MAX_ATTRIBUTES 256
/* What of a page's style sheets is read: the first 256 KB of <style>
 * text, the first 256 simple rules, an element's first 16 classes.  Each
 * element is matched against every rule, so the comparisons this costs
 * are counted: a page past MATCH_BUDGET is refused (a real page needs a
 * thousandth of it). */
#define MAX_SHEET_BYTES (256u << 10)
#define MAX_RULES 256
#define MAX_CLASSES 16
#define MATCH_BUDGET 50000000u

/* Colours as the cascade leaves them on an element. */
enum { UNSET = -1, NOT_WHITE = 0, WHITE = 1 };

typedef struct frame {
    unsigned char skip;      /* not text at all (script, head, ...) */
    unsigned char hidden;    /* display:none, hidden, opacity 0, off the page:
                              * nothing inside can be shown again */
    unsigned char invisible; /* visibility:hidden (a child may say visible) */
    unsigned char tiny;      /* font size 2 pt or less (a child may say
                              * larger) */
    unsigned char pre;       /* white space kept */
    unsigned char sheet;     /* a <style> element: its text is CSS */
    unsigned char ordered;
    signed char color;      /* text colour: WHITE, NOT_WHITE or UNSET */
    signed char background; /* WHITE (near white), NOT_WHITE or UNSET */
    int32_t color_rgb;      /* the colours as 0xRRGGBB, -1 when unknown */
    int32_t background_rgb;
    unsigned char box_small; /* this element: width or height 1px or
                              * less (max-height:0 too) */
    unsigned char clips;     /* this element: overflow hidden or clip */
    unsigned char closed;    /* inside a closed <details> (its summary
                              * aside) or a <dialog> not open */
    float font_pt;           /* font size, for em and % below it */
    unsigned item;           /* list items seen in this list */
} frame;

typedef struct hwalk {
    kps_textbuild tb;
    frame *stack; /* stack[0] is the page */
    size_t depth, cap;
    unsigned max_depth;
    unsigned elements; /* start tags seen */
    htmlParserCtxtPtr ctxt;
    int status;
    int at_line_start;
    int pending_space;
    unsigned pending_tabs;  /* cells ended: tabs before the next words */
    unsigned blank_lines;   /* line ends in a row, to cap empty lines */
    kps_buf sheet;          /* the text of the <style> element being read */
    struct css_rule *rules; /* simple rules of the page's style sheets */
    size_t nrules, rulecap;
    unsigned long match_work; /* comparisons spent matching rules */
    const char *name;
    kpiscan_error *err;
} hwalk;

/* Elements of one page at most (on_start()). */
#define MAX_HTML_ELEMENTS 250000u

static void stop(hwalk *w, int status)
{
    if (w->status == KPISCAN_OK)
        w->status = status;
    xmlStopParser(w->ctxt);
}

/* ---- element kinds ----------------------------------------------- */

static int name_cmp(const void *key, const void *elem)
{
    return strcmp(*(const char *const *)key, *(const char *const *)elem);
}

/* Whether name is in list, sorted (bsearch: a page of a million elements
 * looks each name up twice, and a linear scan of the lists was half the
 * time of a scan). */
static int name_in(const char *name, const char *const *list, size_t n)
{
    return bsearch(&name, list, n, sizeof *list, name_cmp) != NULL;
}

#define NAME_IN(name, list)                                                    \
    name_in((name), (list), sizeof(list) / sizeof *(list))

/* Not text at all (sorted). */
static const char *const skipped[] = {
    "datalist", "head",   "iframe", "noembed", "noframes", "noscript",
    "object",   "script", "select", "style",   "template", "title",
};

/* Elements a browser lays out as blocks: a line ends before and after
 * (sorted). */
static const char *const blocks[] = {
    "address",   "article",  "aside",      "blockquote", "body",   "caption",
    "center",    "dd",       "details",    "dialog",     "div",    "dl",
    "dt",        "fieldset", "figcaption", "figure",     "footer", "form",
    "h1",        "h2",       "h3",         "h4",         "h5",     "h6",
    "header",    "hgroup",   "hr",         "html",       "legend", "li",
    "listing",   "main",     "menu",       "nav",        "ol",     "p",
    "plaintext", "pre",      "section",    "summary",    "table",  "tbody",
    "tfoot",     "thead",    "tr",         "ul",         "xmp",
};

/* ---- text assembly ----------------------------------------------- */

static int emit(hwalk *w, const char *s, size_t n, kps_vis vis)
{
    int rc = kps_tb_text(&w->tb, s, n, vis);
    if (rc != KPISCAN_OK)
        stop(w, rc);
    return rc;
}

/* End the current line; at most one empty line in a row. */
static int line_end(hwalk *w)
{
    w->pending_space = 0;
    w->pending_tabs = 0;
    if (w->at_line_start && (w->blank_lines >= 2 || w->tb.text.len == 0))
        return KPISCAN_OK;
    w->blank_lines = w->at_line_start ? w->blank_lines + 1 : 1;
    w->at_line_start = 1;
    return emit(w, "\n", 1, KPS_VISIBLE);
}

/* Start a block: a new line unless one has just begun. */
static int block_break(hwalk *w)
{
    w->pending_space = 0;
    w->pending_tabs = 0;
    return w->at_line_start ? KPISCAN_OK : line_end(w);
}

static const frame *top(const hwalk *w)
{
    return &w->stack[w->depth];
}

static kps_vis visibility(const frame *f)
{
    if (f->hidden || f->invisible || f->tiny || f->closed)
        return KPS_HIDDEN;
    if (f->color == WHITE && f->background != NOT_WHITE)
        return KPS_HIDDEN;
    if (kps_rgb_near(f->color_rgb, f->background_rgb))
        return KPS_HIDDEN; /* black on black: a bar, not words */
    return KPS_VISIBLE;
}

/* Words shown as vis: before them the pending separator, if the line has
 * begun, shown like them (so hidden words with their spaces make one
 * hidden range). */
static int words(hwalk *w, const char *s, size_t n, kps_vis vis)
{
    if (n == 0)
        return KPISCAN_OK;
    if (!w->at_line_start) {
        static const char tabs[] = "\t\t\t\t\t\t\t\t";
        if (w->pending_tabs
                ? emit(w, tabs, w->pending_tabs, vis) != KPISCAN_OK
                : w->pending_space && emit(w, " ", 1, vis) != KPISCAN_OK)
            return w->status;
    }
    w->pending_space = 0;
    w->pending_tabs = 0;
    w->at_line_start = 0;
    w->blank_lines = 0;
    return emit(w, s, n, vis);
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One piece of character data.  Runs of white space are one space (in
 * <pre>, line ends and tabs stay); control characters, which a page can
 * carry as "&#1;" or raw, count as white space; a byte libxml2 should
 * never hand over as UTF-8 becomes U+FFFD. */
static void on_text(void *ctx, const xmlChar *text, int len)
{
    hwalk *w = ctx;
    if (w->status != KPISCAN_OK || len <= 0)
        return;
    if (top(w)->sheet) {
        if (w->sheet.len + (size_t)len <= MAX_SHEET_BYTES &&
            kps_buf_append(&w->sheet, text, (size_t)len) != 0)
            stop(w,
                 kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory"));
        return;
    }
    if (top(w)->skip)
        return;
    const unsigned char *s = text;
    size_t n = (size_t)len, run = 0, i = 0;
    kps_vis vis = visibility(top(w));
    int pre = top(w)->pre;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 1 : kps_utf8_seq_len(s + i, n - i);
        uint32_t cp = c;
        if (k > 1)
            kps_utf8_decode(s + i, n - i, &cp);
        /* "&#150;" reaches here as U+0096: a browser shows the
         * Windows-1252 character (an en dash); an undefined one is a
         * control */
        uint32_t c1 = k >= 2 && cp <= 0x9F ? kps_cp1252_high[cp - 0x80] : 0;
        int space = (k == 1 && (is_space(c) || c < 0x20 || c == 0x7F)) ||
                    (c1 && c1 < 0xA0);
        if (!space && !c1 && k != 0) {
            i += k;
            continue;
        }
        if (words(w, (const char *)s + run, i - run, vis) != KPISCAN_OK)
            return;
        if (c1 >= 0xA0) {
            char u[4];
            if (words(w, u, kps_utf8_encode(c1, u), vis) != KPISCAN_OK)
                return;
        } else if (k == 0) { /* not UTF-8: cannot happen with UTF-8 input */
            if (words(w, "\xEF\xBF\xBD", 3, vis) != KPISCAN_OK)
                return;
            k = 1;
        } else if (pre && c == '\n') {
            if (line_end(w) != KPISCAN_OK)
                return;
        } else if (pre && (c == ' ' || c == '\t') && !w->at_line_start) {
            if (emit(w, (const char *)&c, 1, vis) != KPISCAN_OK)
                return;
        } else {
            w->pending_space = 1;
        }
        i += k;
        run = i;
    }
    words(w, (const char *)s + run, n - run, vis);
}

/* ---- inline styles ------------------------------------------------ */

static void trim(const char **v, size_t *n)
{
    while (*n && is_space((unsigned char)**v))
        (*v)++, (*n)--;
    while (*n && is_space((unsigned char)(*v)[*n - 1]))
        (*n)--;
}

static int ieq(const char *v, size_t n, const char *s)
{
    return strlen(s) == n && kps_ascii_ieq(v, s, n);
}

/* A CSS number at v[0..n) (sign, digits, fraction, exponent), read
 * without the locale; returns the bytes read (0: none) and the value. */
static size_t css_number(const char *v, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (v[i] == '+' || v[i] == '-'))
        neg = v[i++] == '-';
    double x = 0;
    size_t digits = 0;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
        x = x * 10 + (v[i] - '0');
    if (i < n && v[i] == '.') {
        double scale = 0.1;
        for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
            x += (v[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (digits == 0)
        return 0;
    if (i + 1 < n && (v[i] | 0x20) == 'e' &&
        ((v[i + 1] >= '0' && v[i + 1] <= '9') ||
         ((v[i + 1] == '-' || v[i + 1] == '+') && i + 2 < n &&
          v[i + 2] >= '0' && v[i + 2] <= '9'))) {
        size_t j = i + 1;
        int eneg = v[j] == '-';
        if (v[j] == '-' || v[j] == '+')
            j++;
        int e = 0;
        for (; j < n && v[j] >= '0' && v[j] <= '9'; j++)
            if (e < 400)
                e = e * 10 + (v[j] - '0');
        for (; e > 0; e--)
            x = eneg ? x / 10 : x * 10;
        i = j;
    }
    *out = neg ? -x : x;
    return i;
}

/* A CSS length in points (relative units against the 16 px, 12 pt
 * default); 0 when the value is no length we know (*ok 0). */
static double css_length_pt_em(const char *v, size_t n, int *ok, double em)
{
    /* vw and vh as a 1000-pixel window's (a far-off position is what
     * matters, not the exact one) */
    const struct {
        const char *unit;
        double pt;
    } units[] = {
        {"px", 0.75},      {"pt", 1},         {"pc", 12},        {"in", 72},
        {"cm", 72 / 2.54}, {"mm", 72 / 25.4}, {"q", 72 / 101.6}, {"em", em},
        {"rem", 12},       {"%", em / 100},   {"ex", em / 2},    {"ch", em / 2},
        {"vw", 7.5},       {"vh", 7.5},       {"vmin", 7.5},     {"vmax", 7.5}};
    trim(&v, &n);
    double x;
    size_t k = css_number(v, n, &x);
    *ok = 0;
    if (!k)
        return 0;
    const char *u = v + k;
    size_t un = n - k;
    if (un == 0) { /* a bare number: only 0 is a length */
        *ok = x == 0;
        return 0;
    }
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (ieq(u, un, units[i].unit)) {
            *ok = 1;
            return x * units[i].pt;
        }
    return 0;
}

/* A position this far left of or above the page, in points (a thousand
 * pixels): text moved there is off any page a reader sees. */
#define OFF_PAGE_PT (-750.0)

/* A length with em and % of a 12 pt font. */
static double css_length_pt(const char *v, size_t n, int *ok)
{
    return css_length_pt_em(v, n, ok, 12.0);
}

/* The CSS named colours (CSS Color 4), sorted, with their values. */
static const struct named_color {
    const char *name;
    int32_t rgb;
} named_colors[] = {
    {"aliceblue", 0xF0F8FF},
    {"antiquewhite", 0xFAEBD7},
    {"aqua", 0x00FFFF},
    {"aquamarine", 0x7FFFD4},
    {"azure", 0xF0FFFF},
    {"beige", 0xF5F5DC},
    {"bisque", 0xFFE4C4},
    {"black", 0x000000},
    {"blanchedalmond", 0xFFEBCD},
    {"blue", 0x0000FF},
    {"blueviolet", 0x8A2BE2},
    {"brown", 0xA52A2A},
    {"burlywood", 0xDEB887},
    {"cadetblue", 0x5F9EA0},
    {"chartreuse", 0x7FFF00},
    {"chocolate", 0xD2691E},
    {"coral", 0xFF7F50},
    {"cornflowerblue", 0x6495ED},
    {"cornsilk", 0xFFF8DC},
    {"crimson", 0xDC143C},
    {"cyan", 0x00FFFF},
    {"darkblue", 0x00008B},
    {"darkcyan", 0x008B8B},
    {"darkgoldenrod", 0xB8860B},
    {"darkgray", 0xA9A9A9},
    {"darkgreen", 0x006400},
    {"darkgrey", 0xA9A9A9},
    {"darkkhaki", 0xBDB76B},
    {"darkmagenta", 0x8B008B},
    {"darkolivegreen", 0x556B2F},
    {"darkorange", 0xFF8C00},
    {"darkorchid", 0x9932CC},
    {"darkred", 0x8B0000},
    {"darksalmon", 0xE9967A},
    {"darkseagreen", 0x8FBC8F},
    {"darkslateblue", 0x483D8B},
    {"darkslategray", 0x2F4F4F},
    {"darkslategrey", 0x2F4F4F},
    {"darkturquoise", 0x00CED1},
    {"darkviolet", 0x9400D3},
    {"deeppink", 0xFF1493},
    {"deepskyblue", 0x00BFFF},
    {"dimgray", 0x696969},
    {"dimgrey", 0x696969},
    {"dodgerblue", 0x1E90FF},
    {"firebrick", 0xB22222},
    {"floralwhite", 0xFFFAF0},
    {"forestgreen", 0x228B22},
    {"fuchsia", 0xFF00FF},
    {"gainsboro", 0xDCDCDC},
    {"ghostwhite", 0xF8F8FF},
    {"gold", 0xFFD700},
    {"goldenrod", 0xDAA520},
    {"gray", 0x808080},
    {"green", 0x008000},
    {"greenyellow", 0xADFF2F},
    {"grey", 0x808080},
    {"honeydew", 0xF0FFF0},
    {"hotpink", 0xFF69B4},
    {"indianred", 0xCD5C5C},
    {"indigo", 0x4B0082},
    {"ivory", 0xFFFFF0},
    {"khaki", 0xF0E68C},
    {"lavender", 0xE6E6FA},
    {"lavenderblush", 0xFFF0F5},
    {"lawngreen", 0x7CFC00},
    {"lemonchiffon", 0xFFFACD},
    {"lightblue", 0xADD8E6},
    {"lightcoral", 0xF08080},
    {"lightcyan", 0xE0FFFF},
    {"lightgoldenrodyellow", 0xFAFAD2},
    {"lightgray", 0xD3D3D3},
    {"lightgreen", 0x90EE90},
    {"lightgrey", 0xD3D3D3},
    {"lightpink", 0xFFB6C1},
    {"lightsalmon", 0xFFA07A},
    {"lightseagreen", 0x20B2AA},
    {"lightskyblue", 0x87CEFA},
    {"lightslategray", 0x778899},
    {"lightslategrey", 0x778899},
    {"lightsteelblue", 0xB0C4DE},
    {"lightyellow", 0xFFFFE0},
    {"lime", 0x00FF00},
    {"limegreen", 0x32CD32},
    {"linen", 0xFAF0E6},
    {"magenta", 0xFF00FF},
    {"maroon", 0x800000},
    {"mediumaquamarine", 0x66CDAA},
    {"mediumblue", 0x0000CD},
    {"mediumorchid", 0xBA55D3},
    {"mediumpurple", 0x9370DB},
    {"mediumseagreen", 0x3CB371},
    {"mediumslateblue", 0x7B68EE},
    {"mediumspringgreen", 0x00FA9A},
    {"mediumturquoise", 0x48D1CC},
    {"mediumvioletred", 0xC71585},
    {"midnightblue", 0x191970},
    {"mintcream", 0xF5FFFA},
    {"mistyrose", 0xFFE4E1},
    {"moccasin", 0xFFE4B5},
    {"navajowhite", 0xFFDEAD},
    {"navy", 0x000080},
    {"oldlace", 0xFDF5E6},
    {"olive", 0x808000},
    {"olivedrab", 0x6B8E23},
    {"orange", 0xFFA500},
    {"orangered", 0xFF4500},
    {"orchid", 0xDA70D6},
    {"palegoldenrod", 0xEEE8AA},
    {"palegreen", 0x98FB98},
    {"paleturquoise", 0xAFEEEE},
    {"palevioletred", 0xDB7093},
    {"papayawhip", 0xFFEFD5},
    {"peachpuff", 0xFFDAB9},
    {"peru", 0xCD853F},
    {"pink", 0xFFC0CB},
    {"plum", 0xDDA0DD},
    {"powderblue", 0xB0E0E6},
    {"purple", 0x800080},
    {"rebeccapurple", 0x663399},
    {"red", 0xFF0000},
    {"rosybrown", 0xBC8F8F},
    {"royalblue", 0x4169E1},
    {"saddlebrown", 0x8B4513},
    {"salmon", 0xFA8072},
    {"sandybrown", 0xF4A460},
    {"seagreen", 0x2E8B57},
    {"seashell", 0xFFF5EE},
    {"sienna", 0xA0522D},
    {"silver", 0xC0C0C0},
    {"skyblue", 0x87CEEB},
    {"slateblue", 0x6A5ACD},
    {"slategray", 0x708090},
    {"slategrey", 0x708090},
    {"snow", 0xFFFAFA},
    {"springgreen", 0x00FF7F},
    {"steelblue", 0x4682B4},
    {"tan", 0xD2B48C},
    {"teal", 0x008080},
    {"thistle", 0xD8BFD8},
    {"tomato", 0xFF6347},
    {"turquoise", 0x40E0D0},
    {"violet", 0xEE82EE},
    {"wheat", 0xF5DEB3},
    {"white", 0xFFFFFF},
    {"whitesmoke", 0xF5F5F5},
    {"yellow", 0xFFFF00},
    {"yellowgreen", 0x9ACD32},
};

static int named_color_cmp(const void *key, const void *elem)
{
    const char *const *k = key;
    const struct named_color *c = elem;
    return strcmp(*k, c->name);
}

/* An rgb()/rgba()/hsl()/hsla() argument list v[0..n) (no parentheses),
 * commas or blanks and an optional "/ alpha": its numbers (a percentage
 * given as its value) in x[], the count returned; *pct marks which were
 * percentages. */
static int css_args(const char *v, size_t n, double x[4], int pct[4])
{
    int count = 0;
    size_t i = 0;
    while (i < n && count < 4) {
        while (i < n &&
               (is_space((unsigned char)v[i]) || v[i] == ',' || v[i] == '/'))
            i++;
        if (i == n)
            break;
        size_t k = css_number(v + i, n - i, &x[count]);
        if (!k)
            return -1;
        i += k;
        pct[count] = i < n && v[i] == '%';
        if (pct[count])
            i++;
        while (i < n && ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z'))
            i++; /* "deg" after a hue */
        count++;
    }
    return count;
}

/* WHITE when every channel of rgb is >= 0xF0, else NOT_WHITE. */
static int rgb_kind(int32_t rgb)
{
    return ((rgb >> 16) & 0xFF) >= 0xF0 && ((rgb >> 8) & 0xFF) >= 0xF0 &&
                   (rgb & 0xFF) >= 0xF0
               ? WHITE
               : NOT_WHITE;
}

/* 0..255 from a CSS channel (a number, or a percentage). */
static int32_t channel(double x, int pct)
{
    double v = pct ? x * 2.55 : x;
    /* "!(v > 0)" so that a NaN ("1e999" made infinite, then reduced) is 0 */
    return !(v > 0) ? 0 : v >= 255 ? 255 : (int32_t)(v + 0.5);
}

/* hsl() as RGB (CSS Color 4's conversion); h in degrees, s and l in %. */
static int32_t hsl_rgb(double h, double sat, double light)
{
    if (!isfinite(h) || !isfinite(sat) || !isfinite(light))
        return -1; /* "hsl(1e999, ...)": no colour we can name */
    double s = sat < 0 ? 0 : sat > 100 ? 1 : sat / 100;
    double l = light < 0 ? 0 : light > 100 ? 1 : light / 100;
    h = fmod(h, 360.0);
    if (h < 0)
        h += 360.0;
    double a = s * (l < 0.5 ? l : 1 - l);
    int32_t rgb = 0;
    static const double offsets[3] = {0, 8, 4};
    for (int i = 0; i < 3; i++) {
        double k = fmod(offsets[i] + h / 30.0, 12.0);
        double m = k - 3 < 9 - k ? k - 3 : 9 - k;
        if (m > 1)
            m = 1;
        if (m < -1)
            m = -1;
        double c = l - a * m;
        rgb = rgb * 256 + channel(c * 255.0, 0);
    }
    return rgb;
}

/* A CSS or HTML colour v[0..n): WHITE (near white, or for text fully
 * transparent), NOT_WHITE, or UNSET when it says nothing about the colour
 * (inherit, currentcolor, a word that is no colour, a transparent
 * background, a value we cannot read).  *rgb gets its value, or -1 when
 * it has none (transparent) or is not read. */
static int color_kind(const char *v, size_t n, int text, int32_t *rgb)
{
    *rgb = -1;
    trim(&v, &n);
    if (n == 0 || n > 64)
        return UNSET;
    if (ieq(v, n, "transparent"))
        return text ? WHITE : UNSET;
    if (v[0] == '#') {
        char hex[8];
        size_t h = n - 1;
        if (h == 3 || h == 4) { /* #fff, #fff0 */
            for (size_t i = 0; i < h; i++)
                hex[2 * i] = hex[2 * i + 1] = v[1 + i];
        } else if (h == 6 || h == 8) {
            memcpy(hex, v + 1, h);
        } else {
            return UNSET;
        }
        int alpha = h == 4 || h == 8
                        ? kps_hexval(hex[6]) * 16 + kps_hexval(hex[7])
                        : 0xFF;
        if (alpha < 0x1A)
            return text ? WHITE : UNSET; /* alpha under 0.1: not there */
        int r = kps_xml_hex_near_white(hex, 6);
        if (r < 0)
            return UNSET;
        int32_t value = kps_xml_hex_rgb(hex, 6);
        /* a see-through colour is not the colour it names: what shows
         * depends on what lies beneath, so it is compared with nothing */
        *rgb = alpha >= 0xE6 ? value : -1;
        return r ? WHITE : NOT_WHITE;
    }
    const char *paren = memchr(v, '(', n);
    if (paren && v[n - 1] == ')') {
        size_t fn = (size_t)(paren - v);
        double x[4];
        int pct[4];
        int c = css_args(paren + 1, n - fn - 2, x, pct);
        int rgb_fn = ieq(v, fn, "rgb") || ieq(v, fn, "rgba");
        int hsl = ieq(v, fn, "hsl") || ieq(v, fn, "hsla");
        if ((!rgb_fn && !hsl) || c < 3)
            return UNSET;
        if (c == 4 && (pct[3] ? x[3] / 100 : x[3]) < 0.1)
            return text ? WHITE : UNSET; /* alpha under 0.1: not there */
        double alpha = c == 4 ? (pct[3] ? x[3] / 100 : x[3]) : 1.0;
        if (rgb_fn) {
            *rgb = alpha >= 0.9
                       ? channel(x[0], pct[0]) << 16 |
                             channel(x[1], pct[1]) << 8 | channel(x[2], pct[2])
                       : -1;
            for (int i = 0; i < 3; i++)
                if ((pct[i] ? x[i] * 2.55 : x[i]) < 0xF0)
                    return NOT_WHITE;
            return WHITE;
        }
        /* hsl: near white when light enough for the most saturated hue */
        double sat = x[1], light = x[2];
        *rgb = alpha >= 0.9 ? hsl_rgb(x[0], sat, light) : -1;
        return light >= 97.0 || (sat <= 0 && light >= 94.2) ? WHITE : NOT_WHITE;
    }
    char word[24];
    if (n >= sizeof word)
        return UNSET;
    for (size_t i = 0; i < n; i++)
        word[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
    word[n] = '\0';
    const char *key = word;
    const struct named_color *named =
        bsearch(&key, named_colors, sizeof named_colors / sizeof *named_colors,
                sizeof *named_colors, named_color_cmp);
    if (!named)
        return UNSET;
    *rgb = named->rgb;
    return rgb_kind(named->rgb);
}

/* The first word of a value, v[0..*n) trimmed and cut at a blank. */
static void first_word(const char **v, size_t *n)
{
    trim(v, n);
    size_t k = 0;
    while (k < *n && !is_space((unsigned char)(*v)[k]))
        k++;
    *n = k;
}

/* Apply one declaration "prop: value" to f.  Values a browser would
 * ignore as invalid change nothing. */
static void declaration(frame *f, const char *p, size_t pn, const char *v,
                        size_t vn)
{
    /* "!important" changes nothing for an inline style */
    const char *bang = memchr(v, '!', vn);
    if (bang)
        vn = (size_t)(bang - v);
    trim(&p, &pn);
    trim(&v, &vn);
    if (ieq(p, pn, "display")) {
        const char *w = v;
        size_t wn = vn;
        first_word(&w, &wn);
        if (ieq(w, wn, "none"))
            f->hidden = 1;
    } else if (ieq(p, pn, "visibility")) {
        if (ieq(v, vn, "hidden") || ieq(v, vn, "collapse"))
            f->invisible = 1;
        else if (ieq(v, vn, "visible"))
            f->invisible = 0;
    } else if (ieq(p, pn, "opacity")) {
        double x;
        size_t k = css_number(v, vn, &x);
        int pct = k && k + 1 == vn && v[k] == '%';
        /* under a tenth, as for a PDF's transparency: not there to read */
        if (k && (k == vn || pct) && (pct ? x / 100 : x) < 0.1)
            f->hidden = 1;
    } else if (ieq(p, pn, "font-size")) {
        int ok;
        /* em and % of the parent's size: 1em under a 0 font is 0 */
        double pt = css_length_pt_em(v, vn, &ok, f->font_pt);
        if (ok) {
            f->tiny = pt <= 2.0;
            f->font_pt = (float)pt;
        } else if (vn && ((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z')) {
            f->tiny = 0; /* small, x-small, medium, larger: readable */
            f->font_pt = 12.0f;
        }
    } else if (ieq(p, pn, "width") || ieq(p, pn, "height") ||
               ieq(p, pn, "max-width") || ieq(p, pn, "max-height")) {
        int ok;
        const char *last = v + vn;
        while (last > v && is_space((unsigned char)last[-1]))
            last--;
        /* a percentage is of the container, not of the font */
        double pt = last > v && last[-1] == '%' ? (ok = 0, 0.0)
                                                : css_length_pt(v, vn, &ok);
        if (ok && pt <= 0.75) /* a pixel or less */
            f->box_small = 1;
    } else if (ieq(p, pn, "overflow") || ieq(p, pn, "overflow-x") ||
               ieq(p, pn, "overflow-y")) {
        const char *w = v;
        size_t wn = vn;
        first_word(&w, &wn);
        if (ieq(w, wn, "hidden") || ieq(w, wn, "clip"))
            f->clips = 1;
    } else if (ieq(p, pn, "clip") || ieq(p, pn, "clip-path")) {
        /* the "visually hidden" idiom: clip: rect(0 0 0 0), or a clip path
         * that leaves nothing (inset of half or more, a circle of 0) */
        const char *paren = memchr(v, '(', vn);
        if (paren) {
            size_t fn = (size_t)(paren - v);
            double x[4];
            int pct[4];
            const char *args = paren + 1;
            size_t an = vn - fn - 1;
            if (an && args[an - 1] == ')')
                an--;
            int c = css_args(args, an, x, pct);
            const char *fname = v;
            trim(&fname, &fn);
            if (ieq(fname, fn, "rect") && c >= 1) {
                int empty = 1;
                for (int i = 0; i < c; i++)
                    empty &= x[i] <= 1;
                if (empty)
                    f->hidden = 1;
            } else if (ieq(fname, fn, "inset") && c >= 1 && pct[0] &&
                       x[0] >= 50) {
                f->hidden = 1;
            } else if ((ieq(fname, fn, "circle") ||
                        ieq(fname, fn, "ellipse")) &&
                       c >= 1 && x[0] <= 0) {
                f->hidden = 1;
            }
        }
    } else if (ieq(p, pn, "transform")) {
        /* scale(0), scale(0.01): nothing to read; a translation a
         * thousand pixels or more off the page, as left: -9999px */
        const char *q = v;
        size_t qn = vn;
        while (qn) {
            const char *paren = memchr(q, '(', qn);
            if (!paren)
                break;
            size_t fn = (size_t)(paren - q);
            const char *close = memchr(paren, ')', qn - fn);
            if (!close)
                break;
            const char *fname = q;
            trim(&fname, &fn);
            double x[4];
            int pct[4];
            int c = css_args(paren + 1, (size_t)(close - paren - 1), x, pct);
            if ((ieq(fname, fn, "scale") || ieq(fname, fn, "scalex") ||
                 ieq(fname, fn, "scaley")) &&
                c >= 1) {
                for (int i = 0; i < c; i++) {
                    double factor = pct[i] ? x[i] / 100 : x[i];
                    if (factor < 0.1 && factor > -0.1)
                        f->hidden = 1;
                }
            } else if (ieq(fname, fn, "translate") ||
                       ieq(fname, fn, "translatex") ||
                       ieq(fname, fn, "translatey")) {
                /* lengths only: css_args gives numbers; read each again */
                const char *a = paren + 1;
                size_t an = (size_t)(close - a);
                while (an) {
                    const char *comma = memchr(a, ',', an);
                    size_t one = comma ? (size_t)(comma - a) : an;
                    int ok;
                    double pt = css_length_pt(a, one, &ok);
                    if (ok && pt <= OFF_PAGE_PT)
                        f->hidden = 1;
                    if (!comma)
                        break;
                    an -= one + 1;
                    a = comma + 1;
                }
            }
            qn -= (size_t)(close + 1 - q);
            q = close + 1;
        }
    } else if (ieq(p, pn, "left") || ieq(p, pn, "top") ||
               ieq(p, pn, "text-indent") || ieq(p, pn, "margin-left") ||
               ieq(p, pn, "margin-top")) {
        /* "position:absolute; left:-9999px": a thousand pixels or more
         * off the page */
        int ok;
        double pt = css_length_pt(v, vn, &ok);
        if (ok && pt <= OFF_PAGE_PT)
            f->hidden = 1;
    } else if (ieq(p, pn, "color") || ieq(p, pn, "-webkit-text-fill-color")) {
        /* WebKit and Blink paint the text with its fill colour */
        int32_t rgb;
        int c = color_kind(v, vn, 1, &rgb);
        if (c != UNSET) {
            f->color = (signed char)c;
            f->color_rgb = rgb;
        }
    } else if (ieq(p, pn, "background-color")) {
        int32_t rgb;
        int c = color_kind(v, vn, 0, &rgb);
        if (c != UNSET) {
            f->background = (signed char)c;
            f->background_rgb = rgb;
        }
    } else if (ieq(p, pn, "background")) {
        /* "background: #003366 url(x.png) no-repeat": the word that is a
         * colour; an image with no colour may be anything, so white text
         * on it gets the benefit of the doubt (as over a PDF's image) */
        size_t i = 0;
        int image = 0, c = UNSET;
        int32_t rgb = -1;
        while (i < vn) {
            while (i < vn && is_space((unsigned char)v[i]))
                i++;
            size_t j = i;
            int depth = 0;
            while (j < vn && (depth || !is_space((unsigned char)v[j]))) {
                depth += v[j] == '(' ? 1 : v[j] == ')' ? -1 : 0;
                j++;
            }
            if (j - i >= 4 && kps_ascii_ieq(v + i, "url(", 4))
                image = 1;
            else if (j > i && c == UNSET)
                c = color_kind(v + i, j - i, 0, &rgb);
            i = j;
        }
        if (c != UNSET) {
            f->background = (signed char)c;
            /* the colour beneath an image need not be what shows */
            f->background_rgb = image ? -1 : rgb;
        } else if (image) {
            f->background = NOT_WHITE;
            f->background_rgb = -1;
        }
    }
}

/* Blank CSS comments in s[0..n) (a browser reads "display:" followed by
 * an empty comment and "none" as display:none). */
static void blank_css_comments(char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '/' || s[i + 1] != '*')
            continue;
        size_t j = i + 2;
        while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/'))
            j++;
        size_t end = j + 1 < n ? j + 2 : n;
        memset(s + i, ' ', end - i);
        i = end - 1;
    }
}

static void declarations(frame *f, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        int depth = 0; /* a ';' inside url(...) ends nothing */
        while (end < n && (depth || s[end] != ';')) {
            depth += s[end] == '(' ? 1 : s[end] == ')' && depth ? -1 : 0;
            end++;
        }
        const char *colon = memchr(s + i, ':', end - i);
        if (colon)
            declaration(f, s + i, (size_t)(colon - s - i), colon + 1,
                        (size_t)(s + end - colon - 1));
        i = end + 1;
    }
}

/* An inline style attribute, comments and all. */
static int inline_style(frame *f, const char *s, size_t n)
{
    if (!memchr(s, '/', n)) {
        declarations(f, s, n);
        return 0;
    }
    char *copy = malloc(n + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, n);
    blank_css_comments(copy, n);
    declarations(f, copy, n);
    free(copy);
    return 0;
}

/* ---- style sheets --------------------------------------------------- */

/* A character of a CSS identifier (tag, class or id name). */
static int ident_char(unsigned char c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c >= 0x80;
}

/* What a rule sets: -1 (NOT_SET) where it says nothing. */
#define NOT_SET (-2)

typedef struct css_rule {
    char tag[16]; /* "" for any element */
    char *id;     /* NULL for any */
    char *classes[4];
    unsigned nclasses;
    unsigned specificity; /* ids, classes, tag, as one number */
    unsigned order;
    frame effect; /* hidden 1 or 0; the rest NOT_SET or a value */
} css_rule;

static void rules_free(hwalk *w)
{
    for (size_t i = 0; i < w->nrules; i++) {
        free(w->rules[i].id);
        for (unsigned k = 0; k < w->rules[i].nclasses; k++)
            free(w->rules[i].classes[k]);
    }
    free(w->rules);
    w->rules = NULL;
    w->nrules = w->rulecap = 0;
}

static char *copy_name(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* One selector s[0..n): a simple one ("p", ".hide", "#x", "span.a.b") is
 * added as a rule with effect e; any other (descendants, attributes,
 * pseudo-classes) is left out. */
static int add_rule(hwalk *w, const char *s, size_t n, const frame *e)
{
    trim(&s, &n);
    if (n == 0 || w->nrules >= MAX_RULES)
        return KPISCAN_OK;
    css_rule r;
    memset(&r, 0, sizeof r);
    r.effect = *e;
    size_t i = 0;
    while (i < n && ident_char((unsigned char)s[i]))
        i++;
    if (i >= sizeof r.tag)
        return KPISCAN_OK;
    for (size_t k = 0; k < i; k++)
        r.tag[k] = (char)((s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k]);
    unsigned ids = 0;
    while (i < n) {
        char kind = s[i++];
        size_t start = i;
        while (i < n && ident_char((unsigned char)s[i]))
            i++;
        if ((kind != '.' && kind != '#') || i == start ||
            (kind == '.' && r.nclasses == 4) || (kind == '#' && r.id)) {
            for (unsigned k = 0; k < r.nclasses; k++)
                free(r.classes[k]);
            free(r.id);
            return KPISCAN_OK; /* not a simple selector */
        }
        char *name = copy_name(s + start, i - start);
        if (!name)
            goto nomem;
        if (kind == '#') {
            r.id = name;
            ids++;
        } else {
            r.classes[r.nclasses++] = name;
        }
    }
    r.specificity = ids * 10000 + r.nclasses * 100 + (r.tag[0] ? 1 : 0);
    r.order = (unsigned)w->nrules;
    if (kps_array_reserve(&w->rules, &w->rulecap, w->nrules + 1,
                          sizeof *w->rules, 16))
        goto nomem;
    w->rules[w->nrules++] = r;
    return KPISCAN_OK;
nomem:
    for (unsigned k = 0; k < r.nclasses; k++)
        free(r.classes[k]);
    free(r.id);
    return kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory");
}

/* The text of one <style> element: its rules "selectors { declarations }"
 * whose declarations can hide text are kept; at-rules (@media, ...) are
 * skipped whole. */
static int read_sheet(hwalk *w)
{
    char *s = w->sheet.data;
    size_t n = w->sheet.len;
    if (!s)
        return KPISCAN_OK;
    blank_css_comments(s, n);
    size_t i = 0;
    while (i < n) {
        while (i < n &&
               (is_space((unsigned char)s[i]) || s[i] == '}' || s[i] == ';' ||
                s[i] == '<' || s[i] == '>' || s[i] == '!' || s[i] == '-'))
            i++; /* also the "<!--" and "-->" old pages wrap sheets in */
        if (i >= n)
            break;
        const char *open = memchr(s + i, '{', n - i);
        if (s[i] == '@') { /* "@import ...;" has no block */
            const char *semi = memchr(s + i, ';', n - i);
            if (semi && (!open || semi < open)) {
                i = (size_t)(semi - s) + 1;
                continue;
            }
        }
        if (!open)
            break;
        size_t o = (size_t)(open - s);
        size_t close = o + 1;
        int depth = 1;
        while (close < n && depth) {
            depth += s[close] == '{' ? 1 : s[close] == '}' ? -1 : 0;
            close++;
        }
        /* the declarations: up to the closing brace, or to the end of an
         * unterminated sheet */
        size_t decl_end = depth ? n : close - 1;
        if (s[i] != '@') {
            frame probe;
            memset(&probe, 0, sizeof probe);
            probe.invisible = probe.tiny = (unsigned char)0xFF;
            probe.color = probe.background = NOT_SET;
            probe.font_pt = 12.0f;
            declarations(&probe, s + o + 1, decl_end - o - 1);
            if (probe.hidden || probe.invisible != 0xFF || probe.tiny != 0xFF ||
                probe.color != NOT_SET || probe.background != NOT_SET ||
                probe.box_small || probe.clips) {
                size_t a = i;
                for (size_t k = i; k <= o; k++)
                    if (k == o || s[k] == ',') {
                        int rc = add_rule(w, s + a, k - a, &probe);
                        if (rc != KPISCAN_OK)
                            return rc;
                        a = k + 1;
                    }
            }
        }
        i = close;
    }
    w->sheet.len = 0;
    return KPISCAN_OK;
}

typedef struct class_list {
    const char *name[MAX_CLASSES];
    size_t len[MAX_CLASSES];
    size_t n;
} class_list;

static void split_classes(const char *list, class_list *c)
{
    c->n = 0;
    for (const char *p = list; p && *p && c->n < MAX_CLASSES;) {
        while (*p && is_space((unsigned char)*p))
            p++;
        const char *e = p;
        while (*e && !is_space((unsigned char)*e))
            e++;
        if (e > p) {
            c->name[c->n] = p;
            c->len[c->n++] = (size_t)(e - p);
        }
        p = e;
    }
}

static int has_class(const class_list *c, const char *cls)
{
    size_t n = strlen(cls);
    for (size_t i = 0; i < c->n; i++)
        if (c->len[i] == n && memcmp(c->name[i], cls, n) == 0)
            return 1;
    return 0;
}

static int cmp_rule(const void *a, const void *b)
{
    const css_rule *x = *(const css_rule *const *)a;
    const css_rule *y = *(const css_rule *const *)b;
    if (x->specificity != y->specificity)
        return x->specificity < y->specificity ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* The style sheets' rules that match the element, applied to f in the
 * cascade's order (specificity, then the order of the rules).  Fails
 * (KPISCAN_ERR_LIMIT) once the page has spent MATCH_BUDGET. */
static int apply_rules(hwalk *w, frame *f, const char *tag, const char *id,
                       const char *classes)
{
    class_list cl;
    split_classes(classes, &cl);
    const css_rule *matched[64];
    size_t m = 0;
    for (size_t i = 0; i < w->nrules && m < 64; i++) {
        const css_rule *r = &w->rules[i];
        w->match_work += 1 + r->nclasses * cl.n;
        if ((r->tag[0] && strcmp(r->tag, tag) != 0) ||
            (r->id && (!id || strcmp(r->id, id) != 0)))
            continue;
        int ok = 1;
        for (unsigned k = 0; ok && k < r->nclasses; k++)
            ok = has_class(&cl, r->classes[k]);
        if (ok)
            matched[m++] = r;
    }
    if (w->match_work > MATCH_BUDGET)
        return kps_fail(w->err, KPISCAN_ERR_LIMIT, w->name,
                        "%s: matching its style sheets' %zu rules "
                        "against its elements costs more than %u "
                        "comparisons",
                        w->tb.part, w->nrules, MATCH_BUDGET);
    if (m > 1)
        qsort(matched, m, sizeof *matched, cmp_rule);
    for (size_t i = 0; i < m; i++) {
        const frame *e = &matched[i]->effect;
        if (e->hidden)
            f->hidden = 1;
        if (e->invisible != 0xFF)
            f->invisible = e->invisible;
        if (e->tiny != 0xFF) {
            f->tiny = e->tiny;
            f->font_pt = e->font_pt; /* em and % below it build on it */
        }
        if (e->color != NOT_SET) {
            f->color = e->color;
            f->color_rgb = e->color_rgb;
        }
        if (e->background != NOT_SET) {
            f->background = e->background;
            f->background_rgb = e->background_rgb;
        }
        if (e->box_small)
            f->box_small = 1;
        if (e->clips)
            f->clips = 1;
    }
    return KPISCAN_OK;
}

/* ---- elements ----------------------------------------------------- */

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
    hwalk *w = ctx;
    if (w->status != KPISCAN_OK)
        return;
    const char *name = (const char *)xname;
    /* libxml2 formats an error message for every tag it does not know
     * (about a microsecond each): the element count bounds the time of a
     * page built of millions of them.  A long resume page holds a few
     * thousand. */
    if (++w->elements > MAX_HTML_ELEMENTS) {
        stop(w, kps_fail(w->err, KPISCAN_ERR_LIMIT, w->name,
                         "%s with more than %u elements", w->tb.part,
                         MAX_HTML_ELEMENTS));
        return;
    }
    if (w->depth + 1 > w->max_depth) {
        stop(w, kps_fail(w->err, KPISCAN_ERR_LIMIT, w->name,
                         "%s: nesting deeper than max_xml_depth (%u)",
                         w->tb.part, w->max_depth));
        return;
    }
    if (kps_array_reserve(&w->stack, &w->cap, w->depth + 2, sizeof *w->stack,
                          32)) {
        stop(w, kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory"));
        return;
    }
    frame *parent = &w->stack[w->depth];
    frame f = *parent;
    f.ordered = 0;
    f.item = 0;
    f.box_small = f.clips = 0; /* sizes and overflow are not inherited */
    /* a closed <details> shows its <summary> only; a <dialog> shows
     * nothing until it is open */
    if (parent->closed == 2 && strcmp(name, "summary") == 0)
        f.closed = 0;
    else if (parent->closed)
        f.closed = 1;
    if (NAME_IN(name, skipped))
        f.skip = 1;
    if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0 ||
        strcmp(name, "plaintext") == 0 || strcmp(name, "xmp") == 0)
        f.pre = 1;
    if (strcmp(name, "ol") == 0)
        f.ordered = 1;
    /* presentational attributes first: the inline style overrides them,
     * wherever it stands among the attributes */
    const char *style = NULL, *id = NULL, *classes = NULL;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        const char *a = (const char *)atts[i];
        const char *v = atts[i + 1] ? (const char *)atts[i + 1] : "";
        size_t vn = strlen(v);
        if (strcmp(a, "hidden") == 0)
            f.hidden = 1;
        else if (strcmp(a, "style") == 0)
            style = v;
        else if (strcmp(a, "id") == 0)
            id = v;
        else if (strcmp(a, "class") == 0)
            classes = v;
        else if (strcmp(a, "color") == 0 && strcmp(name, "font") == 0) {
            int32_t rgb;
            int c = color_kind(v, vn, 1, &rgb);
            if (c != UNSET) {
                f.color = (signed char)c;
                f.color_rgb = rgb;
            }
        } else if (strcmp(a, "bgcolor") == 0) {
            int32_t rgb;
            int c = color_kind(v, vn, 0, &rgb);
            if (c != UNSET) {
                f.background = (signed char)c;
                f.background_rgb = rgb;
            }
        }
    }
    if (w->nrules) {
        int rc = apply_rules(w, &f, name, id, classes);
        if (rc != KPISCAN_OK) {
            stop(w, rc);
            return;
        }
    }
    if (style && inline_style(&f, style, strlen(style)) != 0) {
        stop(w, kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory"));
        return;
    }
    /* a box of a pixel that clips what overflows it: the "visually
     * hidden" idiom */
    if (f.box_small && f.clips)
        f.hidden = 1;
    int open = 0;
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcmp((const char *)atts[i], "open") == 0)
            open = 1;
    if (!open && !f.closed) {
        if (strcmp(name, "details") == 0)
            f.closed = 2; /* its summary is shown */
        else if (strcmp(name, "dialog") == 0)
            f.closed = 1;
    }
    f.sheet = strcmp(name, "style") == 0;
    w->stack[++w->depth] = f;
    if (f.skip)
        return;
    if (strcmp(name, "br") == 0) {
        line_end(w);
    } else if (NAME_IN(name, blocks)) {
        if (block_break(w) != KPISCAN_OK)
            return;
        if (strcmp(name, "li") == 0) {
            char mark[16] = "*";
            if (parent->ordered) {
                parent->item++;
                snprintf(mark, sizeof mark, "%u.", parent->item);
            }
            if (words(w, mark, strlen(mark), visibility(&f)) == KPISCAN_OK)
                w->pending_space = 1;
        }
    } else if (strcmp(name, "img") == 0) {
        w->pending_space = 1;
    }
}

static void on_end(void *ctx, const xmlChar *xname)
{
    hwalk *w = ctx;
    if (w->status != KPISCAN_OK || w->depth == 0)
        return;
    const char *name = (const char *)xname;
    int skip = top(w)->skip;
    int sheet = top(w)->sheet;
    w->depth--;
    if (sheet) {
        int rc = read_sheet(w);
        if (rc != KPISCAN_OK)
            stop(w, rc);
    }
    if (skip)
        return;
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        /* cells of one row stay on one line, a tab apart (written
         * before the next cell's words, so a row ends without one; an
         * empty cell keeps its column) */
        if (w->pending_tabs < 8)
            w->pending_tabs++;
    } else if (NAME_IN(name, blocks)) {
        block_break(w);
    }
}

/* libxml2's own messages: a page is never refused for its markup. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static void XMLCDECL quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- the pre-pass ------------------------------------------------- */

static int name_start(unsigned char c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c == ':' ||
           c == '.';
}

static int name_char(unsigned char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* Blank out s[from, to) (the bytes become spaces, so offsets and line
 * numbers stay; white space is what a browser makes of these). */
static void blank(char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] != '\n')
            s[i] = ' ';
}

/* Where a comment opened at s[at] ("<!--") ends for libxml2 or a browser,
 * whichever ends it first: after "-->", "--!>", or at once for "<!-->"
 * and "<!--->".  len when it never ends. */
static size_t comment_end(const char *s, size_t len, size_t at)
{
    size_t i = at + 4;
    if (i < len && s[i] == '>')
        return i + 1;
    if (i + 1 < len && s[i] == '-' && s[i + 1] == '>')
        return i + 2;
    for (; i + 2 < len; i++) {
        const char *c = memchr(s + i, '-', len - i);
        if (!c)
            return len;
        i = (size_t)(c - s);
        if (i + 2 < len && s[i + 1] == '-' && s[i + 2] == '>')
            return i + 3;
        if (i + 3 < len && s[i + 1] == '-' && s[i + 2] == '!' &&
            s[i + 3] == '>')
            return i + 4;
    }
    return len;
}

/*
 * One linear pass over the decoded page before libxml2 sees it:
 *  - start tags are tokenised as libxml2 2.9 does (a quote opens a value
 *    only after '=', an unquoted value runs to a blank or '>', a bogus
 *    character skips to the next blank) and a tag with more than
 *    MAX_ATTRIBUTES attributes is refused: libxml2 compares each
 *    attribute with every earlier one;
 *  - "<![...]>" (Word's "<![if !supportLists]>" around list bullets,
 *    CDATA), which libxml2 2.9 passes on as text and a browser takes for
 *    a comment, is blanked;
 *  - "</body>" and "</html>" are blanked: libxml2 closes every open
 *    element there, which would let text after them escape a hidden one,
 *    where a browser goes on adding it to the open element.
 * Comments and the raw text of script and style elements are skipped, so
 * a script's "a < b" is no tag.
 */
static int prepare_markup(char *s, size_t len, const char *name,
                          const char *part, kpiscan_error *err)
{
    size_t i = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt)
            break;
        size_t at = (size_t)(lt - s);
        i = at + 1;
        if (len - at >= 4 && memcmp(s + at, "<!--", 4) == 0) {
            i = comment_end(s, len, at);
            continue;
        }
        if (len - at >= 3 && memcmp(s + at, "<![", 3) == 0) {
            const char *gt = memchr(s + at, '>', len - at);
            size_t end = gt ? (size_t)(gt - s) + 1 : len;
            blank(s, at, end);
            i = end;
            continue;
        }
        if (i < len && s[i] == '/') {
            size_t n = i + 1;
            while (n < len && name_char((unsigned char)s[n]))
                n++;
            if ((n - i - 1 == 4 && kps_ascii_ieq(s + i + 1, "body", 4)) ||
                (n - i - 1 == 4 && kps_ascii_ieq(s + i + 1, "html", 4))) {
                const char *gt = memchr(s + n, '>', len - n);
                size_t end = gt ? (size_t)(gt - s) + 1 : len;
                blank(s, at, end);
                i = end;
            }
            continue;
        }
        if (i >= len || !name_start((unsigned char)s[i]))
            continue;
        size_t tag = i;
        while (i < len && name_char((unsigned char)s[i]))
            i++;
        size_t tag_len = i - tag;
        unsigned attributes = 0;
        while (i < len && s[i] != '>') {
            unsigned char c = (unsigned char)s[i];
            if (is_space(c) || c == '/') {
                i++;
            } else if (name_start(c)) {
                if (++attributes > MAX_ATTRIBUTES)
                    return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                                    "%s: start tag with more than %d "
                                    "attributes",
                                    part, MAX_ATTRIBUTES);
                while (i < len && name_char((unsigned char)s[i]))
                    i++;
                size_t v = i;
                while (v < len && is_space((unsigned char)s[v]))
                    v++;
                if (v < len && s[v] == '=') {
                    v++;
                    while (v < len && is_space((unsigned char)s[v]))
                        v++;
                    if (v < len && (s[v] == '"' || s[v] == '\'')) {
                        const char *q = memchr(s + v + 1, s[v], len - v - 1);
                        v = q ? (size_t)(q - s) + 1 : len;
                    } else {
                        while (v < len && !is_space((unsigned char)s[v]) &&
                               s[v] != '>')
                            v++;
                    }
                    i = v;
                }
            } else {
                /* a bogus attribute: libxml2 skips to the next blank */
                while (i < len && !is_space((unsigned char)s[i]) && s[i] != '>')
                    i++;
            }
        }
        if ((tag_len == 6 && kps_ascii_ieq(s + tag, "script", 6)) ||
            (tag_len == 5 && kps_ascii_ieq(s + tag, "style", 5))) {
            const char *close = tag_len == 6 ? "</script" : "</style";
            size_t k = strlen(close);
            size_t j = i;
            for (;;) {
                const char *c = j < len ? memchr(s + j, '<', len - j) : NULL;
                if (!c) {
                    j = len;
                    break;
                }
                j = (size_t)(c - s);
                if (len - j >= k && kps_ascii_ieq(s + j, close, k))
                    break;
                j++;
            }
            i = j;
        }
    }
    return KPISCAN_OK;
}

/* ---- the extractor ------------------------------------------------ */

/* Read the page into *out, a builder this sets up (its text counted in
 * *total, its messages naming part), the page standing on ground
 * (kps_html_append()); on failure *out is left empty. */
static int html_walk(const unsigned char *data, size_t len, const char *name,
                     const char *part, int32_t ground, const kps_limits *lim,
                     size_t *total, kps_textbuild *out, kpiscan_error *err)
{
    kps_tb_init(out, name, lim->max_text_bytes, total, NULL, err);
    /* The markup is bounded like a DOCX part; max_text_bytes bounds the
     * text the page shows (kps_tb_text). */
    kps_limits markup = *lim;
    markup.max_text_bytes = lim->max_part_bytes;
    kps_doc decoded;
    int rc = kps_text_decode(data, len, name, &markup, &decoded, err);
    if (rc == KPISCAN_ERR_LIMIT)
        return kps_fail(err, rc, name,
                        "%s: decoded markup exceeds max_part_bytes (%zu)", part,
                        lim->max_part_bytes);
    if (rc != KPISCAN_OK)
        return rc;
    if (decoded.len > INT_MAX) {
        kps_doc_free(&decoded);
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "%s too large for the parser", part);
    }
    rc = prepare_markup(decoded.text, decoded.len, name, part, err);
    if (rc != KPISCAN_OK) {
        kps_doc_free(&decoded);
        return rc;
    }

    /* Thread-safe to repeat (see xmlread.c). */
    xmlInitParser();
    hwalk w;
    memset(&w, 0, sizeof w);
    kps_tb_init(&w.tb, name, lim->max_text_bytes, total, NULL, err);
    w.tb.part = part;
    w.max_depth = lim->max_xml_depth;
    w.name = name;
    w.err = err;
    w.at_line_start = 1;
    if (kps_array_reserve(&w.stack, &w.cap, 1, sizeof *w.stack, 32)) {
        kps_doc_free(&decoded);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    w.stack[0] = (frame){.color = UNSET,
                         .background = ground >= 0    ? rgb_kind(ground)
                                       : ground == -2 ? NOT_WHITE
                                                      : UNSET,
                         .color_rgb = -1,
                         .background_rgb = ground >= 0 ? ground : -1,
                         .font_pt = 12.0f};
    /* Text that holds HTML further in (a resume pasted with some of its
     * markup, Markdown with inline HTML) keeps its lines: white space is
     * kept as in <pre> until an element says otherwise.  A page that
     * opens with markup is laid out as a browser lays it out. */
    size_t lead = 0;
    if (decoded.len >= 3 && memcmp(decoded.text, "\xEF\xBB\xBF", 3) == 0)
        lead = 3;
    while (lead < decoded.len && is_space((unsigned char)decoded.text[lead]))
        lead++;
    if (lead < decoded.len && decoded.text[lead] != '<')
        w.stack[0].pre = 1;

    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    /* the magic makes libxml2 use serror, the parse's own sink, instead of
     * its process-wide handler (stderr); the HTML parser itself calls the
     * SAX1 element callbacks whatever the magic */
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    /* cdataBlock (the raw text of script and style) stays NULL on
     * purpose: libxml2 then hands it to characters, inside a skipped
     * element (a style sheet's text is kept there for read_sheet()).  No
     * entity, DTD or processing-instruction callback. */
    sax.serror = on_error;
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;

    htmlParserCtxtPtr ctxt =
        htmlCreateMemoryParserCtxt(decoded.text, (int)decoded.len);
    if (!ctxt) {
        free(w.stack);
        kps_doc_free(&decoded);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    if (ctxt->sax)
        xmlFree(ctxt->sax);
    ctxt->sax = (xmlSAXHandlerPtr)&sax;
    ctxt->userData = &w;
    w.ctxt = ctxt;
    /* The bytes are UTF-8 now; without this libxml2 guesses Latin-1 at
     * the first byte past ASCII. */
    xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8);
    htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET |
                                 HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NODEFDTD | HTML_PARSE_IGNORE_ENC);
    /* htmlCtxtUseOptions() clears the legacy sinks; keep them quiet. */
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;
    htmlParseDocument(ctxt);
    ctxt->sax = NULL; /* ours lives on the stack */
    htmlFreeParserCtxt(ctxt);
    kps_doc_free(&decoded);
    free(w.stack);
    rules_free(&w);
    kps_buf_free(&w.sheet);

    if (w.status == KPISCAN_OK && !w.at_line_start)
        w.status = kps_tb_text(&w.tb, "\n", 1, KPS_VISIBLE);
    if (w.status != KPISCAN_OK) {
        kps_tb_free(&w.tb);
        return w.status;
    }
    *out = w.tb;
    return KPISCAN_OK;
}

int kps_html_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    memset(doc, 0, sizeof *doc);
    size_t total = 0;
    kps_textbuild tb;
    int rc = html_walk(data, len, name, "HTML page", -1, lim, &total, &tb, err);
    if (rc != KPISCAN_OK)
        return rc;
    if (!kps_tb_has_content(&tb)) {
        kps_tb_free(&tb);
        return kps_fail(err, KPISCAN_ERR_EMPTY, name, "HTML page with no text");
    }
    rc = kps_tb_finish(&tb, 0, doc);
    if (rc != KPISCAN_OK)
        return rc;
    doc->format = KPS_FORMAT_HTML;
    return KPISCAN_OK;
}

int kps_html_append(const unsigned char *data, size_t len, const char *name,
                    const char *part, int32_t ground, const kps_limits *lim,
                    kps_textbuild *dst, kpiscan_error *err)
{
    kps_textbuild tb;
    int rc =
        html_walk(data, len, name, part, ground, lim, dst->total, &tb, err);
    if (rc != KPISCAN_OK)
        return rc;
    return kps_tb_insert_block(dst, &tb);
}
