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
 *    text-indent), and text whose colour is transparent or near white
 *    (every channel >= 0xF0) on no background or a near-white one (the
 *    innermost element that sets a background decides).  Only inline
 *    styles and HTML attributes (color, bgcolor) are read: a rule in a
 *    style sheet that hides a class is not seen (docs/robustness.md).
 *  - Limits: element nesting deeper than max_xml_depth is refused, like an
 *    XML part; so is a start tag with more than MAX_ATTRIBUTES tokens,
 *    found by a linear pre-scan, because libxml2 2.9 checks a tag's
 *    attributes for duplicates pairwise.  The text is bounded by
 *    max_text_bytes.
 */
#include <limits.h>
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

/* Colours as the cascade leaves them on an element. */
enum { UNSET = -1, NOT_WHITE = 0, WHITE = 1 };

typedef struct frame {
    unsigned char skip;   /* not text at all (script, head, ...) */
    unsigned char hidden; /* hidden from a reader */
    unsigned char pre;    /* white space kept */
    unsigned char ordered;
    signed char color;      /* text colour: WHITE, NOT_WHITE or UNSET */
    signed char background; /* WHITE (near white), NOT_WHITE or UNSET */
    unsigned item;          /* list items seen in this list */
} frame;

typedef struct hwalk {
    kps_textbuild tb;
    size_t total;
    frame *stack; /* stack[0] is the page */
    size_t depth, cap;
    unsigned max_depth;
    htmlParserCtxtPtr ctxt;
    int status;
    int at_line_start;
    int pending_space;
    int pending_tab;      /* a cell ended: a tab before the next words */
    unsigned blank_lines; /* line ends in a row, to cap empty lines */
    const char *name;
    kpiscan_error *err;
} hwalk;

static void stop(hwalk *w, int status)
{
    if (w->status == KPISCAN_OK)
        w->status = status;
    xmlStopParser(w->ctxt);
}

/* ---- element kinds ----------------------------------------------- */

static int name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

#define NAME_IN(name, list)                                                    \
    name_in((name), (list), sizeof(list) / sizeof *(list))

static const char *const skipped[] = {
    "head",     "script", "style",    "template", "noscript",
    "title",    "iframe", "object",   "noembed",  "noframes",
    "textarea", "select", "datalist",
};

/* Elements a browser lays out as blocks: a line ends before and after. */
static const char *const blocks[] = {
    "address", "article",  "aside",      "blockquote", "body",   "caption",
    "center",  "dd",       "details",    "dialog",     "div",    "dl",
    "dt",      "fieldset", "figcaption", "figure",     "footer", "form",
    "h1",      "h2",       "h3",         "h4",         "h5",     "h6",
    "header",  "hgroup",   "hr",         "html",       "legend", "li",
    "main",    "nav",      "ol",         "p",          "pre",    "section",
    "summary", "table",    "tbody",      "tfoot",      "thead",  "tr",
    "ul",      "menu",     "listing",    "plaintext",  "xmp",
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
    w->pending_space = w->pending_tab = 0;
    if (w->at_line_start && (w->blank_lines >= 2 || w->tb.text.len == 0))
        return KPISCAN_OK;
    w->blank_lines = w->at_line_start ? w->blank_lines + 1 : 1;
    w->at_line_start = 1;
    return emit(w, "\n", 1, KPS_VISIBLE);
}

/* Start a block: a new line unless one has just begun. */
static int block_break(hwalk *w)
{
    w->pending_space = w->pending_tab = 0;
    return w->at_line_start ? KPISCAN_OK : line_end(w);
}

static const frame *top(const hwalk *w)
{
    return &w->stack[w->depth];
}

static kps_vis visibility(const frame *f)
{
    if (f->hidden)
        return KPS_HIDDEN;
    if (f->color == WHITE && f->background != NOT_WHITE)
        return KPS_HIDDEN;
    return KPS_VISIBLE;
}

/* Words shown as vis: before them the pending separator, if the line has
 * begun, shown like them (so hidden words with their spaces make one
 * hidden range). */
static int words(hwalk *w, const char *s, size_t n, kps_vis vis)
{
    if (n == 0)
        return KPISCAN_OK;
    if ((w->pending_tab || w->pending_space) && !w->at_line_start &&
        emit(w, w->pending_tab ? "\t" : " ", 1, vis) != KPISCAN_OK)
        return w->status;
    w->pending_space = w->pending_tab = 0;
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
    if (w->status != KPISCAN_OK || len <= 0 || top(w)->skip)
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

/* Named colours with every channel >= 0xF0 (CSS Color 4). */
static const char *const white_names[] = {
    "white",      "snow",        "ivory",         "ghostwhite",
    "whitesmoke", "floralwhite", "mintcream",     "azure",
    "honeydew",   "aliceblue",   "lavenderblush",
};

static int ieq(const char *v, size_t n, const char *s)
{
    return strlen(s) == n && kps_ascii_ieq(v, s, n);
}

static int channel_near_white(const char *v, size_t n)
{
    while (n && v[0] == ' ') {
        v++;
        n--;
    }
    while (n && v[n - 1] == ' ')
        n--;
    if (n && v[n - 1] == '%') {
        double pct = 0;
        for (size_t i = 0; i + 1 < n; i++) {
            if (v[i] == '.')
                break;
            if (v[i] < '0' || v[i] > '9')
                return 0;
            pct = pct * 10 + (v[i] - '0');
        }
        return pct >= 94.2; /* 0xF0 / 0xFF */
    }
    unsigned x = 0;
    size_t i = 0;
    for (; i < n && v[i] >= '0' && v[i] <= '9' && x < 1000; i++)
        x = x * 10 + (unsigned)(v[i] - '0');
    return i > 0 && (i == n || v[i] == '.') && x >= 0xF0;
}

/* A CSS or HTML colour v[0..n): WHITE (near white), NOT_WHITE, or UNSET
 * when it says nothing (inherit, currentcolor, an unreadable value).
 * Transparent text is as unseen as white text: WHITE. */
static int color_kind(const char *v, size_t n)
{
    while (n && (v[0] == ' ' || v[0] == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n == 0 || ieq(v, n, "inherit") || ieq(v, n, "currentcolor") ||
        ieq(v, n, "initial") || ieq(v, n, "unset"))
        return UNSET;
    if (ieq(v, n, "transparent"))
        return WHITE;
    for (size_t i = 0; i < sizeof white_names / sizeof *white_names; i++)
        if (ieq(v, n, white_names[i]))
            return WHITE;
    if (v[0] == '#') {
        char hex[6];
        if (n == 4 || n == 5) { /* #fff, #fffa */
            for (int i = 0; i < 3; i++)
                hex[2 * i] = hex[2 * i + 1] = v[1 + i];
        } else if (n == 7 || n == 9) {
            memcpy(hex, v + 1, 6);
        } else {
            return UNSET;
        }
        int r = kps_xml_hex_near_white(hex, 6);
        return r < 0 ? UNSET : r ? WHITE : NOT_WHITE;
    }
    if (n > 5 &&
        (kps_ascii_ieq(v, "rgb(", 4) || kps_ascii_ieq(v, "rgba(", 5))) {
        const char *p = memchr(v, '(', n);
        const char *end = v + n;
        if (end[-1] != ')')
            return UNSET;
        p++;
        end--;
        for (int ch = 0; ch < 3; ch++) {
            const char *q = p;
            while (q < end && *q != ',' && *q != ' ' && *q != '/')
                q++;
            while (p < q && *p == ' ')
                p++;
            if (!channel_near_white(p, (size_t)(q - p)))
                return NOT_WHITE;
            while (q < end && (*q == ',' || *q == ' '))
                q++;
            p = q;
        }
        return WHITE;
    }
    return NOT_WHITE;
}

/* A font size that hides text: 2 pt or less, the DOCX and ODT readers'
 * bound (relative sizes against the 16 px, 12 pt default). */
static int tiny_length(const char *v, size_t n)
{
    while (n && v[n - 1] == ' ')
        n--;
    if (n >= 1 && v[n - 1] == '%') {
        double pct = kps_xml_length_pt(v, n - 1, 1.0);
        return pct >= 0 && pct <= 100.0 * 2.0 / 12.0;
    }
    if (n >= 2 && (kps_ascii_ieq(v + n - 2, "em", 2))) {
        double em = kps_xml_length_pt(v, n - 2, 1.0);
        return em >= 0 && em <= 2.0 / 12.0;
    }
    double pt = kps_xml_length_pt(v, n, 1.0);
    return pt >= 0 && pt <= 2.0;
}

/* An offset of a thousand pixels or more to the left or top: the
 * "position:absolute; left:-9999px" way of hiding text. */
static int far_off_page(const char *v, size_t n)
{
    while (n && v[0] == ' ')
        v++, n--;
    if (n < 2 || v[0] != '-')
        return 0;
    double pt = kps_xml_length_pt(v + 1, n - 1, 0.75);
    return pt >= 750.0; /* 1000 px */
}

static int zero_number(const char *v, size_t n)
{
    while (n && v[0] == ' ')
        v++, n--;
    while (n && v[n - 1] == ' ')
        n--;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != '0' && v[i] != '.' && !(i == n - 1 && v[i] == '%'))
            return 0;
    return 1;
}

/* Apply one declaration "prop: value" to f. */
static void declaration(frame *f, const char *p, size_t pn, const char *v,
                        size_t vn)
{
    /* "!important" changes nothing for an inline style */
    const char *bang = memchr(v, '!', vn);
    if (bang)
        vn = (size_t)(bang - v);
    if (ieq(p, pn, "display")) {
        while (vn && v[0] == ' ')
            v++, vn--;
        if (vn >= 4 && kps_ascii_ieq(v, "none", 4))
            f->hidden = 1;
    } else if (ieq(p, pn, "visibility")) {
        while (vn && v[0] == ' ')
            v++, vn--;
        if ((vn >= 6 && kps_ascii_ieq(v, "hidden", 6)) ||
            (vn >= 8 && kps_ascii_ieq(v, "collapse", 8)))
            f->hidden = 1;
    } else if (ieq(p, pn, "opacity")) {
        if (zero_number(v, vn))
            f->hidden = 1;
    } else if (ieq(p, pn, "font-size")) {
        if (tiny_length(v, vn))
            f->hidden = 1;
    } else if (ieq(p, pn, "left") || ieq(p, pn, "top") ||
               ieq(p, pn, "text-indent") || ieq(p, pn, "margin-left")) {
        if (far_off_page(v, vn))
            f->hidden = 1;
    } else if (ieq(p, pn, "color")) {
        int c = color_kind(v, vn);
        if (c != UNSET)
            f->color = (signed char)c;
    } else if (ieq(p, pn, "background-color") || ieq(p, pn, "background")) {
        /* "background: #003366 url(x.png)": the first word that is a
         * colour; an image alone says nothing about the colour below */
        size_t i = 0;
        while (i < vn) {
            while (i < vn && v[i] == ' ')
                i++;
            size_t j = i;
            int depth = 0;
            while (j < vn && (depth || v[j] != ' ')) {
                depth += v[j] == '(' ? 1 : v[j] == ')' ? -1 : 0;
                j++;
            }
            if (j > i && !(j - i >= 4 && kps_ascii_ieq(v + i, "url(", 4))) {
                if (ieq(v + i, j - i, "transparent") ||
                    ieq(v + i, j - i, "none"))
                    return;
                int c = color_kind(v + i, j - i);
                if (c != UNSET) {
                    f->background = (signed char)c;
                    return;
                }
            }
            i = j;
        }
    }
}

static void inline_style(frame *f, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != ';')
            end++;
        const char *colon = memchr(s + i, ':', end - i);
        if (colon) {
            const char *p = s + i;
            size_t pn = (size_t)(colon - p);
            while (pn && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++, pn--;
            while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
                pn--;
            const char *v = colon + 1;
            size_t vn = (size_t)(s + end - v);
            declaration(f, p, pn, v, vn);
        }
        i = end + 1;
    }
}

/* ---- elements ----------------------------------------------------- */

static void on_start(void *ctx, const xmlChar *xname, const xmlChar **atts)
{
    hwalk *w = ctx;
    if (w->status != KPISCAN_OK)
        return;
    const char *name = (const char *)xname;
    if (w->depth + 1 > w->max_depth) {
        stop(w, kps_fail(w->err, KPISCAN_ERR_LIMIT, w->name,
                         "HTML nesting deeper than max_xml_depth (%u)",
                         w->max_depth));
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
    if (NAME_IN(name, skipped))
        f.skip = 1;
    if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0 ||
        strcmp(name, "plaintext") == 0 || strcmp(name, "xmp") == 0)
        f.pre = 1;
    if (strcmp(name, "ol") == 0)
        f.ordered = 1;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        const char *a = (const char *)atts[i];
        const char *v = atts[i + 1] ? (const char *)atts[i + 1] : "";
        size_t vn = strlen(v);
        if (strcmp(a, "hidden") == 0)
            f.hidden = 1;
        else if (strcmp(a, "style") == 0)
            inline_style(&f, v, vn);
        else if (strcmp(a, "color") == 0 && strcmp(name, "font") == 0) {
            int c = color_kind(v, vn);
            if (c != UNSET)
                f.color = (signed char)c;
        } else if (strcmp(a, "bgcolor") == 0) {
            int c = color_kind(v, vn);
            if (c != UNSET)
                f.background = (signed char)c;
        }
    }
    w->stack[++w->depth] = f;
    if (f.skip)
        return;
    if (strcmp(name, "br") == 0) {
        line_end(w);
    } else if (NAME_IN(name, blocks)) {
        if (block_break(w) != KPISCAN_OK)
            return;
        if (strcmp(name, "li") == 0) {
            char mark[16] = "* ";
            if (parent->ordered) {
                parent->item++;
                snprintf(mark, sizeof mark, "%u. ", parent->item);
            }
            words(w, mark, strlen(mark), visibility(&f));
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
    w->depth--;
    if (skip)
        return;
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        /* cells of one row stay on one line, a tab apart (written
         * before the next cell's words, so a row ends without one) */
        w->pending_tab = 1;
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

/* ---- the pre-scan ------------------------------------------------- */

/* Skip past the first case-insensitive occurrence of tok in p[0..end), or
 * return end. */
static const char *skip_past_ci(const char *p, const char *end, const char *tok)
{
    size_t k = strlen(tok);
    for (; (size_t)(end - p) >= k; p++) {
        const char *q = memchr(p, '<', (size_t)(end - p));
        if (!q || (size_t)(end - q) < k)
            return end;
        p = q;
        if (kps_ascii_ieq(p, tok, k))
            return p + k;
    }
    return end;
}

/* One linear pass over the start tags, counting the attribute-like tokens
 * of each (outside quotes).  Comments and the raw text of script and style
 * elements are skipped, so a script's "a < b" is no tag. */
static int check_attribute_counts(const char *s, size_t len, const char *name,
                                  kpiscan_error *err)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            break;
        p = lt + 1;
        if ((size_t)(end - lt) >= 4 && memcmp(lt, "<!--", 4) == 0) {
            const char *c = lt + 4;
            for (; (size_t)(end - c) >= 3; c++) {
                c = memchr(c, '-', (size_t)(end - c));
                if (!c || (size_t)(end - c) < 3) {
                    c = end;
                    break;
                }
                if (memcmp(c, "-->", 3) == 0) {
                    c += 3;
                    break;
                }
            }
            p = c < end ? c : end;
            continue;
        }
        if (p >= end || !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
            continue;
        const char *tag = p;
        unsigned tokens = 0;
        char quote = 0;
        int in_token = 1; /* the tag name */
        for (; p < end; p++) {
            char c = *p;
            if (quote) {
                if (c == quote)
                    quote = 0;
                continue;
            }
            if (c == '>')
                break;
            if (c == '"' || c == '\'') {
                quote = c;
                continue;
            }
            if (is_space((unsigned char)c) || c == '/') {
                in_token = 0;
            } else if (!in_token) {
                in_token = 1;
                if (++tokens > MAX_ATTRIBUTES)
                    return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                                    "HTML start tag with more than %d "
                                    "attributes",
                                    MAX_ATTRIBUTES);
            }
        }
        size_t tn = (size_t)(p - tag);
        if ((tn >= 6 && kps_ascii_ieq(tag, "script", 6) &&
             (tn == 6 || is_space((unsigned char)tag[6]))) ||
            (tn >= 5 && kps_ascii_ieq(tag, "style", 5) &&
             (tn == 5 || is_space((unsigned char)tag[5]))))
            p = skip_past_ci(p, end,
                             kps_ascii_ieq(tag, "script", 6) ? "</script"
                                                             : "</style");
    }
    return KPISCAN_OK;
}

/* ---- the extractor ------------------------------------------------ */

int kps_html_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    memset(doc, 0, sizeof *doc);
    /* The markup is bounded like a DOCX part; max_text_bytes bounds the
     * text the page shows (kps_tb_text). */
    kps_limits markup = *lim;
    markup.max_text_bytes = lim->max_part_bytes;
    kps_doc decoded;
    int rc = kps_text_decode(data, len, name, &markup, &decoded, err);
    if (rc == KPISCAN_ERR_LIMIT)
        return kps_fail(err, rc, name,
                        "HTML page: decoded markup exceeds max_part_bytes "
                        "(%zu)",
                        lim->max_part_bytes);
    if (rc != KPISCAN_OK)
        return rc;
    if (decoded.len > INT_MAX) {
        kps_doc_free(&decoded);
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "HTML page too large for the parser");
    }
    rc = check_attribute_counts(decoded.text, decoded.len, name, err);
    if (rc != KPISCAN_OK) {
        kps_doc_free(&decoded);
        return rc;
    }

    /* Thread-safe to repeat (see xmlread.c). */
    xmlInitParser();
    hwalk w;
    memset(&w, 0, sizeof w);
    kps_tb_init(&w.tb, name, lim->max_text_bytes, &w.total, NULL, err);
    w.tb.part = "HTML page";
    w.max_depth = lim->max_xml_depth;
    w.name = name;
    w.err = err;
    w.at_line_start = 1;
    if (kps_array_reserve(&w.stack, &w.cap, 1, sizeof *w.stack, 32)) {
        kps_doc_free(&decoded);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    w.stack[0] = (frame){0, 0, 0, 0, UNSET, UNSET, 0};

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
     * element.  No entity, DTD or processing-instruction callback. */
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

    if (w.status == KPISCAN_OK && !w.at_line_start)
        w.status = kps_tb_text(&w.tb, "\n", 1, KPS_VISIBLE);
    if (w.status != KPISCAN_OK) {
        kps_tb_free(&w.tb);
        return w.status;
    }
    if (!kps_tb_has_content(&w.tb)) {
        kps_tb_free(&w.tb);
        return kps_fail(err, KPISCAN_ERR_EMPTY, name, "HTML page with no text");
    }
    rc = kps_tb_finish(&w.tb, 0, doc);
    if (rc != KPISCAN_OK)
        return rc;
    doc->format = KPS_FORMAT_HTML;
    return KPISCAN_OK;
}
