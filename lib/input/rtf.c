/*
 * rtf.c - the text a word processor shows from an RTF document.
 *
 * Resumes still arrive as RTF: saved from Word or WordPad, exported by
 * older applicant tracking systems, or named ".doc" by a site that
 * converted them.  This reader walks the RTF groups once and writes what
 * a reader sees into a text builder (xmlread.h), as the DOCX reader does:
 *
 *  - destinations that are not shown (font, colour and style tables,
 *    document properties, pictures, embedded objects' data, field
 *    instructions, bookmarks, comments, list-number text) are skipped, and
 *    so is any unknown destination marked "\*", as the specification asks;
 *  - "\par" ends a paragraph; table cells and rows ("\cell", "\row") go
 *    through the builder's cell logic, so "2019 - 2021 <cell> Analyst" stays
 *    one line; headers, footers and footnotes come after the body, as in
 *    the DOCX and ODT readers;
 *  - characters: "\'hh" bytes as Windows-1252, "\uN" with its "\ucN"
 *    fallback skipped (UTF-16 surrogate pairs joined), and the named
 *    symbols (\emdash, \bullet, \rquote, ...);
 *  - hidden text ("\v"), 2 pt or smaller, and text the colour of what it
 *    stands on (a highlight, character or cell shading, else the page) is
 *    flagged hidden; white text on a page without a background is
 *    flagged as a DOCX's is;
 *  - tracked deletions ("\deleted") are left out, as Word shows a document
 *    with its changes accepted;
 *  - the last revision date of the document's properties (else its
 *    creation date) is the document's "last saved" date.
 *
 * Bounds: group nesting is held to max_xml_depth, the text to
 * max_text_bytes; "\binN" data is skipped without being read as text.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "base/util.h"
#include "input/extract.h"
#include "input/xmlread.h"

/* Where the text of a group goes. */
typedef enum dest {
    DEST_BODY,     /* the document's text */
    DEST_AFTER,    /* headers, footers, footnotes: after the body */
    DEST_SKIP,     /* not shown */
    DEST_COLORTBL, /* the colour table */
    DEST_INFO,     /* document properties: only their dates are read */
    DEST_REVTIM,   /* \revtim: last revised */
    DEST_CREATIM   /* \creatim: created */
} dest;

/* The state a group inherits from its parent and restores on "}". */
typedef struct group {
    unsigned char dest;
    unsigned char star;    /* "\*" seen: an unknown destination is skipped */
    unsigned char hidden;  /* \v, \webhidden */
    unsigned char deleted; /* \deleted: a tracked deletion */
    unsigned char intbl;   /* \intbl: the paragraph is in a table cell */
    unsigned char uc;      /* \ucN: fallback characters after \uN */
    int font_half_pt;      /* \fsN */
    int fg, highlight, shading, par_shading; /* colour-table indexes */
} group;

/* One stream of text: the body or what follows it. */
typedef struct stream {
    kps_textbuild tb;
    unsigned next_para;
    int para_open, cell_open;
} stream;

#define MAX_ROW_CELLS 64

typedef struct reader {
    const unsigned char *data;
    size_t len, pos;
    const char *name, *part;
    group *stack;
    size_t depth, cap, max_depth;
    stream out[2];   /* DEST_BODY, DEST_AFTER */
    int32_t *colors; /* colour table: 0xRRGGBB, or -1 for "auto" */
    size_t ncolors, colcap;
    int red, green, blue, color_given;
    int32_t page;   /* what the page is: -1 white, 0xRRGGBB, -2 not plain */
    int background; /* the document has a page background (\background) */
    /* cell shading of the row being defined (\clcbpatN before \cellxN)
     * and of the row being filled, by cell */
    int def_shading[MAX_ROW_CELLS], row_shading[MAX_ROW_CELLS];
    size_t ndef, nrow, cell;
    int pending_shading;
    size_t fallback; /* characters of a \uN fallback still to skip */
    uint32_t high;   /* a UTF-16 high surrogate waiting for its pair */
    int date[2][3];  /* \revtim, \creatim: year, month, day */
    int status;
    kpiscan_error *err;
} reader;

static int nomem(reader *r)
{
    return r->status =
               kps_fail(r->err, KPISCAN_ERR_NOMEM, r->name, "out of memory");
}

static group *top(reader *r)
{
    return &r->stack[r->depth];
}

static int32_t color_at(const reader *r, int index)
{
    return index >= 0 && (size_t)index < r->ncolors ? r->colors[index] : -1;
}

static int is_white(int32_t rgb)
{
    return rgb >= 0 && ((rgb >> 16) & 0xFF) >= 0xF0 &&
           ((rgb >> 8) & 0xFF) >= 0xF0 && (rgb & 0xFF) >= 0xF0;
}

/* How text of group g is shown: what it stands on is its highlight, else
 * its character shading, else its table cell's or paragraph's shading,
 * else the page. */
static kps_vis visibility(const reader *r, const group *g)
{
    if (g->hidden || g->font_half_pt <= 4)
        return KPS_HIDDEN;
    int32_t fg = color_at(r, g->fg);
    int32_t back = -1;
    int shaded = 0;
    int layers[4] = {g->highlight, g->shading, -1, g->par_shading};
    if (g->intbl && r->cell < r->nrow)
        layers[2] = r->row_shading[r->cell];
    for (int i = 0; i < 4 && !shaded; i++)
        if (layers[i] > 0 && (back = color_at(r, layers[i])) >= 0)
            shaded = 1;
    if (!shaded && r->page != -1) {
        back = r->page;
        shaded = 1;
    }
    if (shaded)
        /* "auto" text is drawn to contrast with what it stands on */
        return back >= 0 && kps_rgb_near(fg, back) ? KPS_HIDDEN : KPS_VISIBLE;
    return is_white(fg) ? KPS_HIDDEN_WHITE : KPS_VISIBLE;
}

/* The stream group g writes to, NULL when its text is not shown. */
static stream *stream_of(reader *r, const group *g)
{
    if (g->deleted)
        return NULL;
    if (g->dest == DEST_BODY)
        return &r->out[0];
    if (g->dest == DEST_AFTER)
        return &r->out[1];
    return NULL;
}

static int open_para(reader *r, stream *s, const group *g)
{
    int rc;
    if (s->para_open)
        return KPISCAN_OK;
    if (g->intbl && !s->cell_open) {
        if ((rc = kps_tb_cell_start(&s->tb)) != KPISCAN_OK)
            return r->status = rc;
        s->cell_open = 1;
    }
    if ((rc = kps_tb_para_start(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    s->para_open = 1;
    return KPISCAN_OK;
}

static int close_para(reader *r, stream *s)
{
    if (!s->para_open)
        return KPISCAN_OK;
    s->para_open = 0;
    int rc = kps_tb_para_end(&s->tb, 0);
    return rc == KPISCAN_OK ? rc : (r->status = rc);
}

/* Text (valid UTF-8, no control characters) of the current group. */
static int emit(reader *r, const char *s, size_t n)
{
    group *g = top(r);
    stream *out = stream_of(r, g);
    if (!out || !n)
        return KPISCAN_OK;
    if (open_para(r, out, g) != KPISCAN_OK)
        return r->status;
    int rc = kps_tb_text(&out->tb, s, n, visibility(r, g));
    return rc == KPISCAN_OK ? rc : (r->status = rc);
}

static int emit_codepoint(reader *r, uint32_t cp)
{
    if (cp == '\t' || cp == '\n') {
        group *g = top(r);
        stream *out = stream_of(r, g);
        if (!out)
            return KPISCAN_OK;
        if (open_para(r, out, g) != KPISCAN_OK)
            return r->status;
        int rc = kps_tb_char(&out->tb, (char)cp);
        return rc == KPISCAN_OK ? rc : (r->status = rc);
    }
    /* controls, C1 controls and lone surrogates are not text */
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return KPISCAN_OK;
    char buf[4];
    size_t n = kps_utf8_encode(cp, buf);
    return emit(r, buf, n);
}

/* A byte of the document's character set ("\'hh", or a byte past ASCII
 * written as it is): Windows-1252, the set Word and WordPad write in the
 * West; characters outside it come as \uN. */
static int emit_byte(reader *r, unsigned char c)
{
    if (top(r)->dest == DEST_COLORTBL && c == ';')
        return KPISCAN_OK;
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0)
        cp = kps_cp1252_high[c - 0x80];
    return emit_codepoint(r, cp);
}

static int end_cell(reader *r, stream *s)
{
    int rc;
    if (close_para(r, s) != KPISCAN_OK)
        return r->status;
    if (!s->cell_open && (rc = kps_tb_cell_start(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    s->cell_open = 0;
    if ((rc = kps_tb_cell_end(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    return KPISCAN_OK;
}

static int end_row(reader *r, stream *s)
{
    int rc;
    if (close_para(r, s) != KPISCAN_OK)
        return r->status;
    if (s->cell_open && (rc = kps_tb_cell_end(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    s->cell_open = 0;
    if ((rc = kps_tb_row_end(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    return KPISCAN_OK;
}

/* ------------------------------------------------------------------ */
/* Control words                                                       */
/* ------------------------------------------------------------------ */

typedef enum action {
    A_SKIP,  /* a destination that is not shown */
    A_AFTER, /* header, footer, footnote */
    A_COLORTBL,
    A_INFO,
    A_REVTIM,
    A_CREATIM,
    A_KEEP,       /* a destination whose text is shown (\shpinst: \shptxt) */
    A_BACKGROUND, /* the page background: skipped, but white is seen */
    A_PAR,
    A_LINE,
    A_BREAK, /* page, column, section: a line break */
    A_TAB,
    A_CELL,
    A_ROW,
    A_TROWD,
    A_CELLX,
    A_CLCBPAT,
    A_PARD,
    A_INTBL,
    A_PLAIN,
    A_HIDDEN,
    A_DELETED,
    A_CF,
    A_HIGHLIGHT,
    A_SHADING, /* \cb, \chcbpat: the character's background */
    A_PAR_SHADING,
    A_FS,
    A_UC,
    A_U,
    A_BIN,
    A_SYMBOL, /* a named character: its code point is the entry's value */
    A_RED,
    A_GREEN,
    A_BLUE,
    A_YR,
    A_MO,
    A_DY
} action;

typedef struct word_entry {
    const char *word;
    unsigned char act;
    uint32_t value;
} word_entry;

/* Sorted by word (strcmp), for bsearch. */
static const word_entry WORDS[] = {
    {"aftncn", A_SKIP, 0},
    {"aftnsep", A_SKIP, 0},
    {"aftnsepc", A_SKIP, 0},
    {"annotation", A_SKIP, 0},
    {"atnauthor", A_SKIP, 0},
    {"atndate", A_SKIP, 0},
    {"atnicn", A_SKIP, 0},
    {"atnid", A_SKIP, 0},
    {"atnref", A_SKIP, 0},
    {"atrfend", A_SKIP, 0},
    {"atrfstart", A_SKIP, 0},
    {"background", A_BACKGROUND, 0},
    {"bin", A_BIN, 0},
    {"bkmkend", A_SKIP, 0},
    {"bkmkstart", A_SKIP, 0},
    {"blue", A_BLUE, 0},
    {"bullet", A_SYMBOL, 0x2022},
    {"cb", A_SHADING, 0},
    {"cbpat", A_PAR_SHADING, 0},
    {"cell", A_CELL, 0},
    {"cellx", A_CELLX, 0},
    {"cf", A_CF, 0},
    {"chcbpat", A_SHADING, 0},
    {"clcbpat", A_CLCBPAT, 0},
    {"colorschememapping", A_SKIP, 0},
    {"colortbl", A_COLORTBL, 0},
    {"column", A_BREAK, 0},
    {"creatim", A_CREATIM, 0},
    {"datastore", A_SKIP, 0},
    {"deleted", A_DELETED, 0},
    {"docvar", A_SKIP, 0},
    {"dy", A_DY, 0},
    {"emdash", A_SYMBOL, 0x2014},
    {"emspace", A_SYMBOL, ' '},
    {"endash", A_SYMBOL, 0x2013},
    {"enspace", A_SYMBOL, ' '},
    {"falt", A_SKIP, 0},
    {"filetbl", A_SKIP, 0},
    {"fldinst", A_SKIP, 0},
    {"fontemb", A_SKIP, 0},
    {"fontfile", A_SKIP, 0},
    {"fonttbl", A_SKIP, 0},
    {"footer", A_AFTER, 0},
    {"footerf", A_AFTER, 0},
    {"footerl", A_AFTER, 0},
    {"footerr", A_AFTER, 0},
    {"footnote", A_AFTER, 0},
    {"fs", A_FS, 0},
    {"ftncn", A_SKIP, 0},
    {"ftnsep", A_SKIP, 0},
    {"ftnsepc", A_SKIP, 0},
    {"generator", A_SKIP, 0},
    {"green", A_GREEN, 0},
    {"header", A_AFTER, 0},
    {"headerf", A_AFTER, 0},
    {"headerl", A_AFTER, 0},
    {"headerr", A_AFTER, 0},
    {"highlight", A_HIGHLIGHT, 0},
    {"info", A_INFO, 0},
    {"intbl", A_INTBL, 0},
    {"latentstyles", A_SKIP, 0},
    {"ldblquote", A_SYMBOL, 0x201C},
    {"line", A_LINE, 0},
    {"listoverridetable", A_SKIP, 0},
    {"listpicture", A_SKIP, 0},
    {"listtable", A_SKIP, 0},
    {"listtext", A_SKIP, 0},
    {"lquote", A_SYMBOL, 0x2018},
    {"mo", A_MO, 0},
    {"nestcell", A_CELL, 0},
    {"nestrow", A_ROW, 0},
    {"nonshppict", A_SKIP, 0},
    {"objclass", A_SKIP, 0},
    {"objdata", A_SKIP, 0},
    {"objname", A_SKIP, 0},
    {"page", A_BREAK, 0},
    {"panose", A_SKIP, 0},
    {"par", A_PAR, 0},
    {"pard", A_PARD, 0},
    {"password", A_SKIP, 0},
    {"pgdsctbl", A_SKIP, 0},
    {"pict", A_SKIP, 0},
    {"plain", A_PLAIN, 0},
    {"pn", A_SKIP, 0},
    {"pntext", A_SKIP, 0},
    {"qmspace", A_SYMBOL, ' '},
    {"rdblquote", A_SYMBOL, 0x201D},
    {"red", A_RED, 0},
    {"revtbl", A_SKIP, 0},
    {"revtim", A_REVTIM, 0},
    {"row", A_ROW, 0},
    {"rquote", A_SYMBOL, 0x2019},
    {"rsidtbl", A_SKIP, 0},
    {"sect", A_BREAK, 0},
    {"shpinst", A_KEEP, 0},
    {"shprslt", A_SKIP, 0},
    {"shptxt", A_KEEP, 0},
    {"sp", A_SKIP, 0},
    {"stylesheet", A_SKIP, 0},
    {"tab", A_TAB, 0},
    {"tc", A_SKIP, 0},
    {"template", A_SKIP, 0},
    {"themedata", A_SKIP, 0},
    {"trowd", A_TROWD, 0},
    {"u", A_U, 0},
    {"uc", A_UC, 0},
    {"userprops", A_SKIP, 0},
    {"v", A_HIDDEN, 0},
    {"webhidden", A_HIDDEN, 0},
    {"xe", A_SKIP, 0},
    {"xmlnstbl", A_SKIP, 0},
    {"yr", A_YR, 0},
};

static int cmp_word(const void *key, const void *entry)
{
    return strcmp(key, ((const word_entry *)entry)->word);
}

static const word_entry *lookup(const char *word)
{
    return bsearch(word, WORDS, sizeof WORDS / sizeof *WORDS, sizeof *WORDS,
                   cmp_word);
}

/* Whether an action opens a destination (the group's text goes elsewhere
 * or nowhere); after "\*" any other control word means a destination this
 * reader does not know, which is skipped. */
static int is_destination(action a)
{
    return a <= A_BACKGROUND;
}

static void plain(group *g)
{
    g->hidden = g->deleted = 0;
    g->font_half_pt = 24;
    g->fg = g->highlight = g->shading = 0;
}

static int push_color(reader *r)
{
    if (kps_array_reserve(&r->colors, &r->colcap, r->ncolors + 1,
                          sizeof *r->colors, 16))
        return nomem(r);
    r->colors[r->ncolors++] =
        r->color_given ? (int32_t)((r->red & 0xFF) << 16 |
                                   (r->green & 0xFF) << 8 | (r->blue & 0xFF))
                       : -1;
    r->red = r->green = r->blue = r->color_given = 0;
    return KPISCAN_OK;
}

/* A control word with its parameter (has_param: one was written). */
static int control_word(reader *r, const char *word, int has_param, long param)
{
    group *g = top(r);
    const word_entry *e = lookup(word);
    if (g->star) {
        g->star = 0;
        if (!e || !is_destination((action)e->act)) {
            g->dest = DEST_SKIP;
            return KPISCAN_OK;
        }
    }
    if (!e)
        return KPISCAN_OK;
    int on = !has_param || param != 0;
    stream *out = stream_of(r, g);
    int skipped = g->dest == DEST_SKIP;
    switch ((action)e->act) {
    case A_SKIP: g->dest = DEST_SKIP; break;
    case A_AFTER:
        if (!skipped && g->dest != DEST_INFO)
            g->dest = DEST_AFTER;
        /* a header's paragraphs and tables are its own */
        g->intbl = 0;
        g->par_shading = 0;
        break;
    case A_COLORTBL:
        g->dest = DEST_COLORTBL;
        r->ncolors = 0;
        r->red = r->green = r->blue = r->color_given = 0;
        break;
    case A_INFO: g->dest = DEST_INFO; break;
    case A_REVTIM:
        if (g->dest == DEST_INFO)
            g->dest = DEST_REVTIM;
        break;
    case A_CREATIM:
        if (g->dest == DEST_INFO)
            g->dest = DEST_CREATIM;
        break;
    case A_KEEP: break;
    case A_BACKGROUND:
        r->background = 1;
        g->dest = DEST_SKIP;
        break;
    case A_PAR:
        if (out) {
            if (open_para(r, out, g) != KPISCAN_OK)
                return r->status;
            return close_para(r, out);
        }
        break;
    case A_LINE:
    case A_BREAK:
        if (out && (e->act == A_LINE || out->para_open))
            return emit_codepoint(r, '\n');
        break;
    case A_TAB:
        if (out)
            return emit_codepoint(r, '\t');
        break;
    case A_CELL:
        if (out) {
            if (end_cell(r, out) != KPISCAN_OK)
                return r->status;
        }
        if (g->dest == DEST_BODY)
            r->cell++;
        break;
    case A_ROW:
        if (out && end_row(r, out) != KPISCAN_OK)
            return r->status;
        if (g->dest == DEST_BODY)
            r->cell = 0;
        break;
    case A_TROWD:
        /* a row's definition comes before its cells' text (Word repeats
         * it after them too; the next row's definition replaces it) */
        r->ndef = 0;
        r->pending_shading = 0;
        break;
    case A_CLCBPAT: r->pending_shading = has_param ? (int)param : 0; break;
    case A_CELLX:
        if (r->ndef < MAX_ROW_CELLS)
            r->def_shading[r->ndef++] = r->pending_shading;
        r->pending_shading = 0;
        if (r->cell == 0) { /* the row about to be filled */
            memcpy(r->row_shading, r->def_shading,
                   r->ndef * sizeof *r->def_shading);
            r->nrow = r->ndef;
        }
        break;
    case A_PARD:
        g->intbl = 0;
        g->par_shading = 0;
        break;
    case A_INTBL: g->intbl = (unsigned char)on; break;
    case A_PLAIN: plain(g); break;
    case A_HIDDEN: g->hidden = (unsigned char)on; break;
    case A_DELETED: g->deleted = (unsigned char)on; break;
    case A_CF: g->fg = has_param ? (int)param : 0; break;
    case A_HIGHLIGHT: g->highlight = has_param ? (int)param : 0; break;
    case A_SHADING: g->shading = has_param ? (int)param : 0; break;
    case A_PAR_SHADING: g->par_shading = has_param ? (int)param : 0; break;
    case A_FS: g->font_half_pt = has_param ? (int)param : 24; break;
    case A_UC:
        if (has_param && param >= 0 && param <= 16)
            g->uc = (unsigned char)param;
        break;
    case A_U: {
        if (!has_param)
            break;
        r->fallback = g->uc;
        if (param < -32768 || param > 65535) /* not a UTF-16 unit */
            break;
        uint32_t unit = (uint32_t)(param < 0 ? param + 65536 : param);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            r->high = unit;
            break;
        }
        uint32_t cp = unit;
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            cp = r->high
                     ? 0x10000 + ((r->high - 0xD800) << 10) + (unit - 0xDC00)
                     : 0xFFFD;
        else if (r->high)
            emit_codepoint(r, 0xFFFD);
        r->high = 0;
        return emit_codepoint(r, cp);
    }
    case A_BIN:
        /* binary data: never text, and never read as RTF */
        if (has_param && param > 0)
            r->pos += (size_t)param < r->len - r->pos ? (size_t)param
                                                      : r->len - r->pos;
        break;
    case A_SYMBOL: return emit_codepoint(r, e->value);
    case A_RED:
        r->red = (int)param;
        r->color_given = 1;
        break;
    case A_GREEN:
        r->green = (int)param;
        r->color_given = 1;
        break;
    case A_BLUE:
        r->blue = (int)param;
        r->color_given = 1;
        break;
    case A_YR:
    case A_MO:
    case A_DY:
        if (g->dest == DEST_REVTIM || g->dest == DEST_CREATIM)
            r->date[g->dest == DEST_CREATIM][e->act - A_YR] =
                has_param ? (int)param : 0;
        break;
    }
    return r->status;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */
/* ------------------------------------------------------------------ */

static int open_group(reader *r)
{
    if (r->depth + 1 > r->max_depth)
        return r->status =
                   kps_fail(r->err, KPISCAN_ERR_LIMIT, r->name,
                            "%s: groups nested deeper than max_xml_depth (%zu)",
                            r->part, r->max_depth);
    if (kps_array_reserve(&r->stack, &r->cap, r->depth + 2, sizeof *r->stack,
                          32))
        return nomem(r);
    r->stack[r->depth + 1] = r->stack[r->depth];
    r->depth++;
    top(r)->star = 0;
    return KPISCAN_OK;
}

static void close_group(reader *r)
{
    group *g = top(r);
    if (g->dest == DEST_COLORTBL && r->color_given)
        push_color(r); /* a last entry without its ';' */
    if (r->depth > 0)
        r->depth--;
}

static int letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Read the control word or symbol after a backslash at r->pos. */
static int control(reader *r)
{
    const unsigned char *d = r->data;
    size_t i = r->pos + 1;
    int counted = r->fallback > 0;
    if (counted)
        r->fallback--;
    if (i >= r->len) {
        r->pos = i;
        return KPISCAN_OK;
    }
    unsigned char c = d[i];
    if (!letter(c)) { /* a control symbol */
        r->pos = i + 1;
        if (c == '\'') {
            int hi = i + 1 < r->len ? kps_hexval(d[i + 1]) : -1;
            int lo = i + 2 < r->len ? kps_hexval(d[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return KPISCAN_OK;
            r->pos = i + 3;
            if (counted || top(r)->dest == DEST_SKIP)
                return KPISCAN_OK;
            return emit_byte(r, (unsigned char)(hi << 4 | lo));
        }
        if (counted)
            return KPISCAN_OK;
        switch (c) {
        case '*': top(r)->star = 1; return KPISCAN_OK;
        case '\\':
        case '{':
        case '}': return emit_byte(r, c);
        case '~': return emit_codepoint(r, 0xA0);
        case '_': return emit_codepoint(r, '-');
        case '\r':
        case '\n': return control_word(r, "par", 0, 0);
        default: return KPISCAN_OK; /* \- optional hyphen, \: and others */
        }
    }
    char word[33];
    size_t n = 0;
    while (i < r->len && letter(d[i])) {
        if (n < sizeof word - 1)
            word[n++] = (char)d[i];
        i++;
    }
    word[n] = '\0';
    int has_param = 0, negative = 0;
    long param = 0;
    if (i + 1 < r->len && d[i] == '-' && digit(d[i + 1])) {
        negative = 1;
        i++;
    }
    while (i < r->len && digit(d[i])) {
        if (param < 100000000L)
            param = param * 10 + (d[i] - '0');
        has_param = 1;
        i++;
    }
    if (negative)
        param = -param;
    if (i < r->len && d[i] == ' ')
        i++;
    r->pos = i;
    if (counted && strcmp(word, "bin") != 0)
        return KPISCAN_OK;
    return control_word(r, word, has_param, param);
}

/* Plain bytes from r->pos: runs of printable ASCII go out whole. */
static int literal(reader *r)
{
    const unsigned char *d = r->data;
    size_t i = r->pos;
    unsigned char c = d[i];
    group *g = top(r);
    if (c == '\r' || c == '\n') { /* line ends of the file, not the text */
        r->pos = i + 1;
        return KPISCAN_OK;
    }
    if (r->fallback) {
        r->fallback--;
        r->pos = i + 1;
        return KPISCAN_OK;
    }
    if (g->dest == DEST_COLORTBL) {
        r->pos = i + 1;
        return c == ';' ? push_color(r) : KPISCAN_OK;
    }
    if (c >= 0x20 && c < 0x7F && stream_of(r, g)) {
        size_t j = i + 1;
        while (j < r->len && d[j] >= 0x20 && d[j] < 0x7F && d[j] != '\\' &&
               d[j] != '{' && d[j] != '}')
            j++;
        r->pos = j;
        return emit(r, (const char *)d + i, j - i);
    }
    r->pos = i + 1;
    if (!stream_of(r, g))
        return KPISCAN_OK;
    return c == '\t' ? emit_codepoint(r, '\t') : emit_byte(r, c);
}

static void reader_free(reader *r)
{
    free(r->stack);
    free(r->colors);
    for (int i = 0; i < 2; i++)
        kps_tb_free(&r->out[i].tb);
}

/* Walk data into r->out[0] (the body, then what comes after it).  total is
 * the document's text counter. */
static int rtf_walk(reader *r, const unsigned char *data, size_t len,
                    const char *name, const char *part, int32_t ground,
                    const kps_limits *lim, size_t *total, kpiscan_error *err)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->name = name;
    r->part = part;
    r->err = err;
    r->page = ground;
    r->max_depth = lim->max_xml_depth;
    for (int i = 0; i < 2; i++) {
        kps_tb_init(&r->out[i].tb, name, lim->max_text_bytes, total,
                    &r->out[i].next_para, err);
        r->out[i].tb.part = part;
    }
    if (kps_array_reserve(&r->stack, &r->cap, 1, sizeof *r->stack, 32))
        return nomem(r);
    group *g = &r->stack[0];
    memset(g, 0, sizeof *g);
    g->dest = DEST_BODY;
    g->uc = 1;
    plain(g);

    /* The document is its first group: what a generator puts before it (a
     * byte order mark, white space) or after it is not shown. */
    const unsigned char *start = memchr(data, '{', len);
    r->pos = start ? (size_t)(start - data) : len;
    while (r->pos < r->len && r->status == KPISCAN_OK) {
        unsigned char c = r->data[r->pos];
        if (c == '{') {
            r->pos++;
            r->fallback = 0;
            open_group(r);
        } else if (c == '}') {
            r->pos++;
            r->fallback = 0;
            close_group(r);
            if (r->depth == 0)
                break;
        } else if (c == '\\') {
            control(r);
        } else {
            literal(r);
        }
    }
    if (r->status != KPISCAN_OK)
        return r->status;
    for (int i = 0; i < 2; i++) {
        int rc = kps_tb_end_line(&r->out[i].tb);
        if (rc != KPISCAN_OK)
            return r->status = rc;
    }
    int rc = kps_tb_append(&r->out[0].tb, &r->out[1].tb);
    if (rc != KPISCAN_OK)
        return r->status = rc;
    /* Positions in an RTF document are lines and columns of its text, as in
     * an HTML page's: the builder's paragraph segments name no part. */
    r->out[0].tb.nsegs = 0;
    return KPISCAN_OK;
}

int kps_rtf_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    memset(doc, 0, sizeof *doc);
    size_t total = 0;
    reader r;
    int rc =
        rtf_walk(&r, data, len, name, "RTF document", -1, lim, &total, err);
    if (rc == KPISCAN_OK && !kps_tb_has_content(&r.out[0].tb))
        rc =
            kps_fail(err, KPISCAN_ERR_EMPTY, name, "RTF document with no text");
    if (rc == KPISCAN_OK)
        rc = kps_tb_finish(&r.out[0].tb, !r.background, doc);
    if (rc == KPISCAN_OK) {
        doc->format = KPS_FORMAT_RTF;
        for (int i = 0; i < 2; i++) { /* last revised, else created */
            const int *dt = r.date[i];
            if (kps_date_valid(dt[0], dt[1], dt[2])) {
                doc->modified_year = dt[0];
                doc->modified_month = dt[1];
                doc->modified_day = dt[2];
                break;
            }
        }
    }
    reader_free(&r);
    return rc;
}

int kps_rtf_append(const unsigned char *data, size_t len, const char *name,
                   const char *part, int32_t ground, const kps_limits *lim,
                   kps_textbuild *dst, kpiscan_error *err)
{
    reader r;
    int rc = rtf_walk(&r, data, len, name, part, ground, lim, dst->total, err);
    if (rc == KPISCAN_OK) {
        if (r.background) /* white text stands on the chunk's background */
            r.out[0].tb.white.n = 0;
        rc = kps_tb_insert_block(dst, &r.out[0].tb);
    }
    reader_free(&r);
    return rc;
}
