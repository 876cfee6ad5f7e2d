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
 *  - characters: "\'hh" bytes in the code page of their font's character
 *    set, else of the document (\ansicpgN; Windows-1252 when none is
 *    said), double-byte sets included, through iconv; a symbol font's
 *    bullets as bullets; "\uN" with its "\ucN" fallback skipped (UTF-16
 *    surrogate pairs joined); and the named symbols (\emdash, ...);
 *  - styles: text takes its paragraph and character styles' formatting
 *    (\sN, \csN, through \sbasedonN) before its own, as LibreOffice
 *    shows it, so a style that hides text hides it here too;
 *  - hidden text ("\v"), 2 pt or smaller, text the colour of what it
 *    stands on (a highlight, character, paragraph or cell shading, else
 *    the page: white, or the fill of the document's background), and
 *    headers Word does not display (a first-page one without \titlepg,
 *    a left-page one without \facingp) are flagged hidden;
 *  - tracked deletions ("\deleted") are left out, as Word shows a document
 *    with its changes accepted;
 *  - the last revision date of the document's properties (else its
 *    creation date) is the document's "last saved" date.
 *
 * Bounds: group nesting is held to max_xml_depth, the text to
 * max_text_bytes; "\binN" data is skipped without being read as text.
 * Inside a destination that is not shown, control words change nothing
 * (a colour table or a background hidden in an unknown "\*" group is no
 * colour table or background).
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "base/util.h"
#include "input/extract.h"
#include "input/xmlread.h"

/* Where the text of a group goes, or what the group is. */
typedef enum dest {
    DEST_BODY,        /* the document's text */
    DEST_AFTER,       /* headers, footers, footnotes: after the body */
    DEST_SKIP,        /* not shown */
    DEST_COLORTBL,    /* the colour table */
    DEST_FONTTBL,     /* the font table: each font's character set */
    DEST_INFO,        /* document properties: only their dates are read */
    DEST_REVTIM,      /* \revtim: last revised */
    DEST_CREATIM,     /* \creatim: created */
    DEST_NESTPROPS,   /* \*\nesttableprops: no text; its \nestrow ends a
                         nested table's row */
    DEST_BACKGROUND,  /* \*\background: only its shape's fill is read */
    DEST_SHAPE_PROP,  /* {\sp ...} of a shape in the text */
    DEST_SHAPE_NAME,  /* {\sn ...} of a shape property */
    DEST_SHAPE_VALUE, /* {\sv ...} of a shape property */
    DEST_STYLESHEET,  /* the style sheet: a group per style */
    DEST_STYLE        /* one style's definition: its character formatting */
} dest;

/* The state a group inherits from its parent and restores on "}". */
typedef struct group {
    unsigned char dest;
    unsigned char text_dest; /* DEST_NESTPROPS: the stream its rows are in */
    unsigned char star;      /* "\*" seen: an unknown destination is skipped */
    signed char hidden;      /* \v, \webhidden (-1: as its styles say) */
    unsigned char deleted;   /* \deleted: a tracked deletion */
    unsigned char intbl;     /* \intbl: the paragraph is in a table cell */
    unsigned char uc;        /* \ucN: fallback characters after \uN */
    unsigned char unshown;   /* a header or footer Word does not display */
    unsigned char opens;     /* this group opened: 1 a header, footer or
                                footnote; 2 a text box's text; 3 a shape;
                                4 a style's definition */
    unsigned char stream;    /* the stream of what it opened (0 or 1) */
    unsigned box_base;       /* paragraphs open below the text box (opens 2) */
    int font;                /* \fN, -1 for the default (\deffN) */
    int para_style;          /* \sN: the paragraph's style, 0 by default */
    int char_style;          /* \csN: the run's character style, -1 none */
    /* the text's own formatting, -1 where it says nothing (then its
     * character style, then its paragraph style, then the default) */
    int font_half_pt;                        /* \fsN */
    int fg, highlight, shading, par_shading; /* colour-table indexes */
} group;

/* One stream of text: the body or what follows it.  Paragraphs open in
 * the builder above box_base belong to the innermost text box (or to the
 * stream itself); a text box's paragraphs nest in the one it stands in,
 * as in a DOCX. */
typedef struct stream {
    kps_textbuild tb;
    unsigned next_para;
    unsigned box_base;
    int cell_open;
} stream;

#define MAX_ROW_CELLS 64
#define MAX_FONTS 4096
#define MAX_STYLES 4096
#define MAX_STYLE_CHAIN 16 /* \sbasedon steps followed */
#define PENDING_BYTES 64
#define CP_SYMBOL 2 /* a symbol font's "code page" */

/* What a style says of the text: each field -1 where it says nothing,
 * so a style based on another changes only what it sets. */
typedef struct style {
    int kind; /* 0 not defined, 1 a paragraph style (\sN), 2 a character
                 style (\csN), 3 another kind (section, table): not applied */
    int based_on;
    int hidden, half_pt, fg, highlight, shading, par_shading;
} style;

typedef struct converter {
    int codepage;
    iconv_t cd; /* (iconv_t)-1 when this build cannot convert it */
} converter;

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
    int32_t page; /* what the page is: -1 white, 0xRRGGBB, -2 not plain */
    int chunk;    /* a DOCX's chunk: the DOCX's page, not its own */
    int32_t fill; /* the background shape's fill, -1 for none */
    char shape_name[16], shape_value[16];
    size_t shape_name_len, shape_value_len;
    int prop_of_background; /* the property read is the background's */
    /* the shape being read (\shp): where it lies and what it paints */
    struct {
        int wrap, below, behind, filled, fill_type, picture;
        int32_t fill;
    } shape;
    int background_art;   /* a dark or picture shape lies behind the text */
    int titlepg, facingp; /* \titlepg, \facingp: which headers show */
    /* each font's code page by its number (0: the document's), made at
     * the first font; numbers from MAX_FONTS on have the document's */
    uint16_t *font_cp;
    int deff, ansicpg;
    /* the style sheet by style number (below MAX_STYLES), and the style
     * being defined */
    style *styles;
    size_t nstyles, stylecap;
    style def;
    int def_number;
    /* bytes of a multi-byte or non-Latin code page waiting for the rest
     * of their character */
    unsigned char pending[PENDING_BYTES];
    size_t npending;
    int pending_cp;
    converter conv[4];
    size_t nconv;
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

static void style_props(const reader *r, long number, style *out);

/* One formatting value of text: its own (direct), else its character
 * style's, else its paragraph style's, else the default. */
static int effective(int direct, int char_style, int para_style, int dflt)
{
    return direct >= 0       ? direct
           : char_style >= 0 ? char_style
           : para_style >= 0 ? para_style
                             : dflt;
}

/* How text of group g is shown: what it stands on is its highlight, else
 * its character shading, else its table cell's or paragraph's shading,
 * else the page.  Its formatting is its own over its styles', whatever
 * the order of the words (LibreOffice's rendering). */
static kps_vis visibility(const reader *r, const group *g)
{
    style ps, cs;
    style_props(r, g->para_style, &ps);
    style_props(r, g->char_style, &cs);
    int hidden = effective(g->hidden, cs.hidden, ps.hidden, 0);
    int half_pt = effective(g->font_half_pt, cs.half_pt, ps.half_pt, 24);
    if (hidden || g->unshown || half_pt <= 4)
        return KPS_HIDDEN;
    int32_t fg = color_at(r, effective(g->fg, cs.fg, ps.fg, 0));
    int32_t back = -1;
    int shaded = 0;
    int layers[4] = {effective(g->highlight, cs.highlight, ps.highlight, 0),
                     effective(g->shading, cs.shading, ps.shading, 0), -1,
                     effective(g->par_shading, -1, ps.par_shading, 0)};
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
    return kps_rgb_white(fg) ? KPS_HIDDEN_WHITE : KPS_VISIBLE;
}

static int is_text_dest(int d)
{
    return d == DEST_BODY || d == DEST_AFTER;
}

/* The stream group g writes to, NULL when its text is not shown. */
static stream *stream_of(reader *r, const group *g)
{
    if (g->deleted || !is_text_dest(g->dest))
        return NULL;
    return &r->out[g->dest == DEST_AFTER];
}

static int para_open(const stream *s)
{
    return s->tb.npara > s->box_base;
}

static int open_para(reader *r, stream *s, const group *g)
{
    int rc;
    if (para_open(s))
        return KPISCAN_OK;
    if (g->intbl && !s->cell_open) {
        if ((rc = kps_tb_cell_start(&s->tb)) != KPISCAN_OK)
            return r->status = rc;
        s->cell_open = 1;
    }
    if ((rc = kps_tb_para_start(&s->tb)) != KPISCAN_OK)
        return r->status = rc;
    return KPISCAN_OK;
}

static int close_para(reader *r, stream *s)
{
    if (!para_open(s))
        return KPISCAN_OK;
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

/* A symbol font's character: its bullets are bullets (Symbol's middle
 * dot, Wingdings' discs and squares, as in the DOCX reader); the rest of
 * its pictures are no text. */
static uint32_t symbol_char(unsigned code)
{
    return code == 0xB7 ? 0x2022 : kps_wingdings_bullet(code);
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
    /* a symbol font's glyph as Word writes it in \uN: U+F000 + its code */
    if (cp >= 0xF020 && cp <= 0xF0FF)
        cp = symbol_char(cp - 0xF000);
    /* controls, C1 controls, surrogates and other private-use code points
     * are not text */
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xE000 && cp <= 0xF8FF))
        return KPISCAN_OK;
    char buf[4];
    size_t n = kps_utf8_encode(cp, buf);
    return emit(r, buf, n);
}

/* ------------------------------------------------------------------ */
/* Code pages                                                          */
/* ------------------------------------------------------------------ */

/* The code page of a font character set (\fcharsetN); 0 for the
 * document's (ANSI, default) or one not known. */
static int charset_codepage(long charset)
{
    static const struct {
        short charset, codepage;
    } sets[] = {{2, CP_SYMBOL}, {77, 10000}, {128, 932},  {129, 949},
                {130, 1361},    {134, 936},  {136, 950},  {161, 1253},
                {162, 1254},    {163, 1258}, {177, 1255}, {178, 1256},
                {186, 1257},    {204, 1251}, {222, 874},  {238, 1250},
                {255, 437}};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
        if (sets[i].charset == charset)
            return sets[i].codepage;
    return 0;
}

/* The code page slot of font number, NULL when it has none (a number
 * out of range, or no table and add is 0). */
static uint16_t *font_slot(reader *r, int number, int add)
{
    if (number < 0 || number >= MAX_FONTS)
        return NULL;
    if (!r->font_cp) {
        if (!add)
            return NULL;
        if (!(r->font_cp = calloc(MAX_FONTS, sizeof *r->font_cp))) {
            nomem(r);
            return NULL;
        }
    }
    return &r->font_cp[number];
}

/* The code page of text in group g. */
static int codepage_of(reader *r, const group *g)
{
    const uint16_t *cp = font_slot(r, g->font >= 0 ? g->font : r->deff, 0);
    return cp && *cp ? *cp : r->ansicpg;
}

static iconv_t converter_for(reader *r, int codepage)
{
    for (size_t i = 0; i < r->nconv; i++)
        if (r->conv[i].codepage == codepage)
            return r->conv[i].cd;
    char name[16];
    if (codepage == 10000)
        snprintf(name, sizeof name, "MACINTOSH");
    else if (codepage == 1361)
        snprintf(name, sizeof name, "JOHAB");
    else if (codepage == 65001)
        snprintf(name, sizeof name, "UTF-8");
    else
        snprintf(name, sizeof name, "CP%d", codepage);
    iconv_t cd = iconv_open("UTF-8", name);
    if (r->nconv == sizeof r->conv / sizeof *r->conv) {
        if (r->conv[0].cd != (iconv_t)-1)
            iconv_close(r->conv[0].cd);
        memmove(r->conv, r->conv + 1, (r->nconv - 1) * sizeof *r->conv);
        r->nconv--;
    }
    r->conv[r->nconv++] = (converter){codepage, cd};
    return cd;
}

static int emit_cp1252(reader *r, unsigned char c)
{
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0)
        cp = kps_cp1252_high[c - 0x80];
    return emit_codepoint(r, cp);
}

/* Turn the pending bytes into text: through iconv, a byte it cannot take
 * as U+FFFD; without a converter for the code page, as Windows-1252. */
static int flush_bytes(reader *r)
{
    size_t n = r->npending;
    if (!n)
        return KPISCAN_OK;
    r->npending = 0;
    iconv_t cd = converter_for(r, r->pending_cp);
    if (cd == (iconv_t)-1) {
        for (size_t i = 0; i < n && r->status == KPISCAN_OK; i++)
            emit_cp1252(r, r->pending[i]);
        return r->status;
    }
    char *in = (char *)r->pending;
    size_t left = n;
    while (left && r->status == KPISCAN_OK) {
        char buf[4 * PENDING_BYTES + 8], *outp = buf;
        size_t room = sizeof buf;
        size_t rc = iconv(cd, &in, &left, &outp, &room);
        int bad = rc == (size_t)-1 && errno != E2BIG;
        /* what was converted is valid UTF-8, its controls dropped one by
         * one as any character's */
        const unsigned char *u = (const unsigned char *)buf;
        size_t ulen = (size_t)(outp - buf);
        for (size_t i = 0; i < ulen && r->status == KPISCAN_OK;) {
            uint32_t cp;
            size_t k = kps_utf8_decode(u + i, ulen - i, &cp);
            if (!k) {
                k = 1;
                cp = 0xFFFD;
            }
            emit_codepoint(r, cp);
            i += k;
        }
        if (bad) { /* a byte that is no character here, or cut short */
            emit_codepoint(r, 0xFFFD);
            in++;
            left--;
        }
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    return r->status;
}

/* A byte of the text's character set ("\'hh", or a byte past ASCII
 * written as it is). */
static int emit_byte(reader *r, unsigned char c)
{
    group *g = top(r);
    if (!stream_of(r, g))
        return KPISCAN_OK;
    int cp = codepage_of(r, g);
    if (cp == CP_SYMBOL) {
        flush_bytes(r);
        uint32_t u = symbol_char(c);
        return u ? emit_codepoint(r, u) : r->status;
    }
    if (cp == 1252 || cp == 0 || (c < 0x80 && !r->npending)) {
        flush_bytes(r);
        return emit_cp1252(r, c);
    }
    if (r->npending && (r->pending_cp != cp || r->npending == PENDING_BYTES))
        flush_bytes(r);
    r->pending_cp = cp;
    r->pending[r->npending++] = c;
    return r->status;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

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
    A_AFTER, /* header, footer, footnote (value: 1 first page only,
                2 left pages only) */
    A_COLORTBL,
    A_FONTTBL,
    A_INFO,
    A_REVTIM,
    A_CREATIM,
    A_KEEP,        /* a destination whose text is shown (\shpinst) */
    A_TEXTBOX,     /* \shptxt: a text box's text, in the paragraph */
    A_BACKGROUND,  /* the page background: only its fill is read */
    A_NESTPROPS,   /* \nesttableprops */
    A_STYLESHEET,  /* \stylesheet */
    A_SHAPE,       /* \shp */
    A_SHAPE_PROP,  /* \sp */
    A_SHAPE_NAME,  /* \sn */
    A_SHAPE_VALUE, /* \sv */
    A_PAR,
    A_LINE,
    A_BREAK, /* page, column, section: a line break */
    A_TAB,
    A_CELL,
    A_ROW,
    A_NESTCELL,
    A_NESTROW,
    A_TROWD,
    A_CELLX,
    A_CLCBPAT,
    A_PARD,
    A_PARA_STYLE,  /* \sN */
    A_CHAR_STYLE,  /* \csN */
    A_OTHER_STYLE, /* \dsN, \tsN: a section's or a table's style */
    A_BASED_ON,    /* \sbasedonN, in a style's definition */
    A_INTBL,
    A_PLAIN,
    A_HIDDEN,
    A_DELETED,
    A_CF,
    A_HIGHLIGHT,
    A_SHADING, /* \chcbpat: the character's background */
    A_PAR_SHADING,
    A_FS,
    A_F,
    A_DEFF,
    A_FCHARSET,
    A_CPG,
    A_ANSICPG,
    A_TITLEPG,
    A_FACINGP,
    A_SHPWR,
    A_SHPFBLWTXT,
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
    {"ansicpg", A_ANSICPG, 0},
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
    {"cbpat", A_PAR_SHADING, 0},
    {"cell", A_CELL, 0},
    {"cellx", A_CELLX, 0},
    {"cf", A_CF, 0},
    {"chcbpat", A_SHADING, 0},
    {"clcbpat", A_CLCBPAT, 0},
    {"colorschememapping", A_SKIP, 0},
    {"colortbl", A_COLORTBL, 0},
    {"column", A_BREAK, 0},
    {"cpg", A_CPG, 0},
    {"creatim", A_CREATIM, 0},
    {"cs", A_CHAR_STYLE, 0},
    {"datastore", A_SKIP, 0},
    {"deff", A_DEFF, 0},
    {"deleted", A_DELETED, 0},
    {"docvar", A_SKIP, 0},
    {"ds", A_OTHER_STYLE, 0},
    {"dy", A_DY, 0},
    {"emdash", A_SYMBOL, 0x2014},
    {"emspace", A_SYMBOL, ' '},
    {"endash", A_SYMBOL, 0x2013},
    {"enspace", A_SYMBOL, ' '},
    {"f", A_F, 0},
    {"facingp", A_FACINGP, 0},
    {"falt", A_SKIP, 0},
    {"fcharset", A_FCHARSET, 0},
    {"filetbl", A_SKIP, 0},
    {"fldinst", A_SKIP, 0},
    {"fontemb", A_SKIP, 0},
    {"fontfile", A_SKIP, 0},
    {"fonttbl", A_FONTTBL, 0},
    {"footer", A_AFTER, 0},
    {"footerf", A_AFTER, 1},
    {"footerl", A_AFTER, 2},
    {"footerr", A_AFTER, 0},
    {"footnote", A_AFTER, 0},
    {"fs", A_FS, 0},
    {"ftncn", A_SKIP, 0},
    {"ftnsep", A_SKIP, 0},
    {"ftnsepc", A_SKIP, 0},
    {"generator", A_SKIP, 0},
    {"green", A_GREEN, 0},
    {"header", A_AFTER, 0},
    {"headerf", A_AFTER, 1},
    {"headerl", A_AFTER, 2},
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
    {"mac", A_ANSICPG, 10000},
    {"mo", A_MO, 0},
    {"nestcell", A_NESTCELL, 0},
    {"nestrow", A_NESTROW, 0},
    {"nesttableprops", A_NESTPROPS, 0},
    {"nonesttables", A_SKIP, 0},
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
    {"s", A_PARA_STYLE, 0},
    {"sbasedon", A_BASED_ON, 0},
    {"sect", A_BREAK, 0},
    {"shp", A_SHAPE, 0},
    {"shpfblwtxt", A_SHPFBLWTXT, 0},
    {"shpinst", A_KEEP, 0},
    {"shprslt", A_SKIP, 0},
    {"shptxt", A_TEXTBOX, 0},
    {"shpwr", A_SHPWR, 0},
    {"sn", A_SHAPE_NAME, 0},
    {"sp", A_SHAPE_PROP, 0},
    {"stylesheet", A_STYLESHEET, 0},
    {"sv", A_SHAPE_VALUE, 0},
    {"tab", A_TAB, 0},
    {"tc", A_SKIP, 0},
    {"template", A_SKIP, 0},
    {"themedata", A_SKIP, 0},
    {"titlepg", A_TITLEPG, 0},
    {"trowd", A_TROWD, 0},
    {"ts", A_OTHER_STYLE, 0},
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

/* Whether an action opens a destination; after "\*" any other control
 * word means a destination this reader does not know, which is skipped. */
static int is_destination(action a)
{
    return a <= A_SHAPE_VALUE;
}

/* Whether control word action a means anything in a group of
 * destination d.  In the text, all do but the words of one table or
 * property (colours, character sets, dates), which mean nothing there;
 * in a destination that is not shown, only what it is read for.  Anything
 * else there (a colour table, a background, a date inside an unknown "\*"
 * group) is not what a word processor sees, so it changes nothing. */
static int applies(int d, action a)
{
    switch (a) {
    case A_BIN:
    case A_U:
    case A_UC: return 1; /* they decide what the following bytes are */
    case A_SKIP:
        return 1; /* what is not shown is skipped anywhere (a
                     \*\latentstyles in the style sheet) */
    case A_RED:
    case A_GREEN:
    case A_BLUE: return d == DEST_COLORTBL;
    case A_FCHARSET:
    case A_CPG: return d == DEST_FONTTBL;
    case A_REVTIM:
    case A_CREATIM: return d == DEST_INFO;
    case A_YR:
    case A_MO:
    case A_DY: return d == DEST_REVTIM || d == DEST_CREATIM;
    case A_F: return d == DEST_FONTTBL || is_text_dest(d);
    case A_NESTROW: return d == DEST_NESTPROPS || is_text_dest(d);
    case A_SHAPE_NAME:
    case A_SHAPE_VALUE:
        return d == DEST_BACKGROUND || d == DEST_SHAPE_PROP || is_text_dest(d);
    case A_BASED_ON: return d == DEST_STYLE;
    case A_PARA_STYLE:
    case A_CHAR_STYLE:
    case A_OTHER_STYLE:
    case A_PLAIN:
    case A_HIDDEN:
    case A_CF:
    case A_HIGHLIGHT:
    case A_SHADING:
    case A_PAR_SHADING:
    case A_FS: return d == DEST_STYLE || is_text_dest(d);
    default: return is_text_dest(d);
    }
}

/* \plain: the text's own character formatting is gone, so its
 * paragraph style's shows (as LibreOffice reads it). */
static void plain(group *g)
{
    g->hidden = -1;
    g->deleted = 0;
    g->font_half_pt = g->fg = g->highlight = g->shading = -1;
    g->char_style = -1;
    g->font = -1;
}

/* The style numbered number, NULL for a number out of range or, unless
 * add, one not defined. */
static style *style_at(reader *r, long number, int add)
{
    if (number < 0 || number >= MAX_STYLES)
        return NULL;
    if ((size_t)number >= r->nstyles) {
        if (!add)
            return NULL;
        if (kps_array_reserve(&r->styles, &r->stylecap, (size_t)number + 1,
                              sizeof *r->styles, 16)) {
            nomem(r);
            return NULL;
        }
        memset(r->styles + r->nstyles, 0,
               ((size_t)number + 1 - r->nstyles) * sizeof *r->styles);
        r->nstyles = (size_t)number + 1;
    }
    return &r->styles[number];
}

/* A style's definition begins: a paragraph style numbered 0 until its
 * words say otherwise, saying nothing of the text. */
static void style_begin(reader *r)
{
    r->def.kind = 1;
    r->def.based_on = -1;
    r->def.hidden = r->def.half_pt = r->def.fg = -1;
    r->def.highlight = r->def.shading = r->def.par_shading = -1;
    r->def_number = 0;
}

/* A word of a style's definition; 0 when it is not one of those. */
static int style_word(reader *r, action act, int on, int has_param, long param)
{
    style *d = &r->def;
    switch (act) {
    case A_PARA_STYLE:
    case A_CHAR_STYLE:
    case A_OTHER_STYLE:
        d->kind = act == A_PARA_STYLE ? 1 : act == A_CHAR_STYLE ? 2 : 3;
        r->def_number = has_param ? (int)param : 0;
        return 1;
    case A_BASED_ON: d->based_on = has_param ? (int)param : -1; return 1;
    case A_PLAIN:
        d->hidden = d->fg = d->highlight = d->shading = 0;
        d->half_pt = 24;
        return 1;
    case A_HIDDEN: d->hidden = on; return 1;
    case A_CF: d->fg = has_param ? (int)param : 0; return 1;
    case A_HIGHLIGHT: d->highlight = has_param ? (int)param : 0; return 1;
    case A_SHADING: d->shading = has_param ? (int)param : 0; return 1;
    case A_PAR_SHADING: d->par_shading = has_param ? (int)param : 0; return 1;
    case A_FS: d->half_pt = has_param ? (int)param : 24; return 1;
    default: return 0;
    }
}

/* A style's definition ends: it joins the style sheet. */
static void style_end(reader *r)
{
    if (r->def.kind == 0)
        return;
    style *s = style_at(r, r->def_number, 1);
    if (s)
        *s = r->def;
}

/* What style number says of its text, following \sbasedon from the base
 * up (at most MAX_STYLE_CHAIN steps): each field -1 where it says
 * nothing.  Writers repeat a style's formatting in the text, as the
 * specification asks; a document that leaves it out is still shown with
 * it (LibreOffice hides the text of a hidden style), so text hidden by
 * its style alone is hidden here too.  A section's or a table's style,
 * or a number not defined, says nothing. */
static void style_props(const reader *r, long number, style *out)
{
    out->hidden = out->half_pt = out->fg = -1;
    out->highlight = out->shading = out->par_shading = -1;
    const style *chain[MAX_STYLE_CHAIN];
    size_t n = 0;
    long at = number;
    while (n < MAX_STYLE_CHAIN && at >= 0 && (size_t)at < r->nstyles) {
        const style *st = &r->styles[at];
        if (st->kind == 0 || st->kind == 3)
            break;
        chain[n++] = st;
        if (st->based_on == at)
            break;
        at = st->based_on;
    }
    while (n--) {
        const style *st = chain[n];
        if (st->hidden >= 0)
            out->hidden = st->hidden;
        if (st->half_pt >= 0)
            out->half_pt = st->half_pt;
        if (st->fg >= 0)
            out->fg = st->fg;
        if (st->highlight >= 0)
            out->highlight = st->highlight;
        if (st->shading >= 0)
            out->shading = st->shading;
        if (st->par_shading >= 0)
            out->par_shading = st->par_shading;
    }
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

/* A text box's text (\shptxt): its paragraphs nest in the one it stands
 * in, which goes on after the box, as a DOCX's text box does. */
static void open_text_box(reader *r, group *g)
{
    stream *s = stream_of(r, g);
    if (!s)
        return;
    g->opens = 2;
    g->stream = (unsigned char)(s == &r->out[1]);
    g->box_base = s->box_base;
    s->box_base = (unsigned)s->tb.npara;
}

/* A control word with its parameter (has_param: one was written). */
static int control_word(reader *r, const char *word, int has_param, long param)
{
    group *g = top(r);
    const word_entry *e = lookup(word);
    if (g->star) {
        g->star = 0;
        /* "\*\csN" in the style sheet defines a character style */
        int style_def = e && g->dest == DEST_STYLE &&
                        (e->act == A_CHAR_STYLE || e->act == A_OTHER_STYLE);
        if (!e || !(is_destination((action)e->act) || style_def)) {
            g->dest = DEST_SKIP;
            return KPISCAN_OK;
        }
    }
    if (!e)
        return KPISCAN_OK;
    action act = (action)e->act;
    if (!applies(g->dest, act))
        return KPISCAN_OK;
    int on = !has_param || param != 0;
    if (g->dest == DEST_STYLE && style_word(r, act, on, has_param, param))
        return r->status;
    stream *out = stream_of(r, g);
    switch (act) {
    case A_SKIP: g->dest = DEST_SKIP; break;
    case A_AFTER:
        g->dest = DEST_AFTER;
        g->opens = 1;
        g->stream = 1;
        /* Word shows a first-page header only with \titlepg, a left-page
         * one only with \facingp (both come before the headers) */
        g->unshown = (unsigned char)((e->value == 1 && !r->titlepg) ||
                                     (e->value == 2 && !r->facingp));
        /* a header's paragraphs and tables are its own */
        g->intbl = 0;
        g->par_shading = -1;
        g->para_style = 0;
        break;
    case A_COLORTBL:
        g->dest = DEST_COLORTBL;
        r->ncolors = 0;
        r->red = r->green = r->blue = r->color_given = 0;
        break;
    case A_FONTTBL: g->dest = DEST_FONTTBL; break;
    case A_STYLESHEET: g->dest = DEST_STYLESHEET; break;
    case A_INFO: g->dest = DEST_INFO; break;
    case A_REVTIM: g->dest = DEST_REVTIM; break;
    case A_CREATIM: g->dest = DEST_CREATIM; break;
    case A_KEEP: break;
    case A_TEXTBOX: open_text_box(r, g); break;
    case A_BACKGROUND:
        /* a DOCX's chunk stands on the DOCX's page, whatever it says */
        g->dest = r->chunk ? DEST_SKIP : DEST_BACKGROUND;
        break;
    case A_NESTPROPS:
        g->text_dest = g->dest;
        g->dest = DEST_NESTPROPS;
        break;
    case A_SHAPE:
        /* a shape of the text: what it paints, and whether it lies behind
         * the text (its text box, if any, is read as text) */
        g->opens = 3;
        r->shape.wrap = r->shape.below = r->shape.behind = -1;
        r->shape.filled = 1;
        r->shape.fill_type = 0;
        r->shape.picture = 0;
        r->shape.fill = 0xFFFFFF; /* the default fill */
        break;
    case A_SHPWR:
        if (has_param)
            r->shape.wrap = (int)param;
        break;
    case A_SHPFBLWTXT:
        if (has_param)
            r->shape.below = (int)param;
        break;
    case A_SHAPE_PROP: g->dest = DEST_SHAPE_PROP; break;
    case A_SHAPE_NAME:
    case A_SHAPE_VALUE:
        /* a property is read in a shape's property or the background */
        if (g->dest != DEST_BACKGROUND && g->dest != DEST_SHAPE_PROP) {
            g->dest = DEST_SKIP;
            break;
        }
        r->prop_of_background = g->dest == DEST_BACKGROUND;
        if (act == A_SHAPE_NAME) {
            g->dest = DEST_SHAPE_NAME;
            r->shape_name_len = 0;
        } else {
            g->dest = DEST_SHAPE_VALUE;
            r->shape_value_len = 0;
        }
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
        if (out && (act == A_LINE || para_open(out)))
            return emit_codepoint(r, '\n');
        break;
    case A_TAB:
        if (out)
            return emit_codepoint(r, '\t');
        break;
    case A_CELL:
        if (out && end_cell(r, out) != KPISCAN_OK)
            return r->status;
        if (g->dest == DEST_BODY)
            r->cell++;
        break;
    case A_ROW:
        if (out && end_row(r, out) != KPISCAN_OK)
            return r->status;
        if (g->dest == DEST_BODY)
            r->cell = 0;
        break;
    case A_NESTCELL: /* a cell of a table inside a cell: the outer row's
                        cell count stays */
        if (out && end_cell(r, out) != KPISCAN_OK)
            return r->status;
        break;
    case A_NESTROW: {
        /* written inside \*\nesttableprops, in the outer cell */
        stream *s = g->dest == DEST_NESTPROPS
                        ? (is_text_dest(g->text_dest)
                               ? &r->out[g->text_dest == DEST_AFTER]
                               : NULL)
                        : out;
        if (s && end_row(r, s) != KPISCAN_OK)
            return r->status;
        break;
    }
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
        g->par_shading = -1;
        g->para_style = 0;
        break;
    case A_PARA_STYLE:
        g->para_style = has_param && param <= INT_MAX ? (int)param : 0;
        break;
    case A_CHAR_STYLE:
        g->char_style = has_param && param <= INT_MAX ? (int)param : -1;
        break;
    case A_OTHER_STYLE:
    case A_BASED_ON: break;
    case A_INTBL: g->intbl = (unsigned char)on; break;
    case A_PLAIN: plain(g); break;
    case A_HIDDEN: g->hidden = (signed char)on; break;
    case A_DELETED: g->deleted = (unsigned char)on; break;
    case A_CF: g->fg = has_param ? (int)param : 0; break;
    case A_HIGHLIGHT: g->highlight = has_param ? (int)param : 0; break;
    case A_SHADING: g->shading = has_param ? (int)param : 0; break;
    case A_PAR_SHADING: g->par_shading = has_param ? (int)param : 0; break;
    case A_FS: g->font_half_pt = has_param ? (int)param : 24; break;
    case A_F:
        if (!has_param)
            break;
        g->font = (int)param;
        break;
    case A_DEFF:
        if (has_param)
            r->deff = (int)param;
        break;
    case A_FCHARSET:
    case A_CPG: {
        long cp = act == A_CPG ? param : charset_codepage(param);
        if (!has_param || cp <= 0 || cp > 65535)
            break;
        uint16_t *slot = font_slot(r, g->font, 1);
        /* \cpg names the code page itself; a character set only where
         * \cpg has not */
        if (slot && (act == A_CPG || !*slot))
            *slot = (uint16_t)cp;
        break;
    }
    case A_ANSICPG: {
        long cp = has_param ? param : (long)e->value; /* \mac: 10000 */
        if (cp > 0 && cp <= 65535)
            r->ansicpg = (int)cp;
        break;
    }
    case A_TITLEPG: r->titlepg = on; break;
    case A_FACINGP: r->facingp = on; break;
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
            if (r->high)
                emit_codepoint(r, 0xFFFD);
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
        r->date[g->dest == DEST_CREATIM][act - A_YR] =
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
    group *g = top(r);
    g->star = 0;
    g->opens = 0;
    if (g->dest == DEST_STYLESHEET) { /* each group there is a style */
        g->dest = DEST_STYLE;
        g->opens = 4;
        style_begin(r);
    }
    return KPISCAN_OK;
}

static int shape_name_is(const reader *r, const char *name)
{
    size_t n = strlen(name);
    return r->shape_name_len == n && memcmp(r->shape_name, name, n) == 0;
}

/* A shape property's value as a number (0..0xFFFFFF), -1 when it is not
 * one. */
static long shape_number(const reader *r)
{
    long v = 0;
    size_t i = 0;
    while (i < r->shape_value_len && r->shape_value[i] == ' ')
        i++;
    if (i == r->shape_value_len)
        return -1;
    for (; i < r->shape_value_len; i++) {
        char c = r->shape_value[i];
        if (c < '0' || c > '9' || v > 0xFFFFFF)
            return -1;
        v = v * 10 + (c - '0');
    }
    return v <= 0xFFFFFF ? v : -1;
}

/* A colour as shape properties write it (0xBBGGRR) as 0xRRGGBB. */
static int32_t bgr(long v)
{
    return (int32_t)((v & 0xFF) << 16 | (v & 0xFF00) | (v >> 16));
}

/* One property of the background's shape or of a shape of the text, at
 * the end of its value: a fill's colour and kind, whether the shape lies
 * behind the text, a picture. */
static void shape_property(reader *r)
{
    if (shape_name_is(r, "pib")) { /* a picture shape: its value is one */
        if (!r->prop_of_background)
            r->shape.picture = 1;
        return;
    }
    long v = shape_number(r);
    if (v < 0)
        return;
    if (r->prop_of_background) {
        if (shape_name_is(r, "fillColor"))
            r->fill = bgr(v);
    } else if (shape_name_is(r, "fillColor")) {
        r->shape.fill = bgr(v);
    } else if (shape_name_is(r, "fFilled")) {
        r->shape.filled = v != 0;
    } else if (shape_name_is(r, "fillType")) {
        r->shape.fill_type = (int)v;
    } else if (shape_name_is(r, "fBehindDocument")) {
        r->shape.behind = v != 0;
    }
}

/* A shape of the text ends: one that lies behind the text (below it, or
 * with no wrapping and nothing said, as LibreOffice writes a sidebar
 * drawn behind a DOCX's text) and paints a dark fill or a picture may be
 * what white text stands on, so white text is not called hidden (as in a
 * DOCX). */
static void shape_end(reader *r)
{
    int behind =
        r->shape.behind == 1 || r->shape.below == 1 ||
        (r->shape.below < 0 && r->shape.behind < 0 && r->shape.wrap == 3);
    int paints = (r->shape.filled && !kps_rgb_white(r->shape.fill)) ||
                 r->shape.fill_type == 2 || r->shape.fill_type == 3 ||
                 r->shape.picture;
    if (behind && paints && !r->chunk)
        r->background_art = 1;
}

static void close_group(reader *r)
{
    group *g = top(r);
    if (g->dest == DEST_COLORTBL && r->color_given)
        push_color(r); /* a last entry without its ';' */
    if (g->dest == DEST_SHAPE_VALUE)
        shape_property(r);
    if (g->opens == 3)
        shape_end(r);
    if (g->opens == 4 && g->dest == DEST_STYLE) /* not a \*\latentstyles */
        style_end(r);
    if (g->opens == 1 || g->opens == 2) {
        /* a header, footnote or text box ends its paragraphs with it
         * (Word leaves out a footnote's last \par), whatever its group
         * turned into since */
        stream *s = &r->out[g->stream];
        while (r->status == KPISCAN_OK && para_open(s))
            close_para(r, s);
        if (g->opens == 2) {
            s->box_base = g->box_base;
        } else if (s->cell_open && r->status == KPISCAN_OK) {
            s->cell_open = 0;
            int rc = kps_tb_end_line(&s->tb);
            if (rc != KPISCAN_OK)
                r->status = rc;
        }
    }
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

static int literal_byte(reader *r, unsigned char c);

/* Read the control word or symbol after a backslash at r->pos. */
static int control(reader *r)
{
    const unsigned char *d = r->data;
    size_t i = r->pos + 1;
    int hex = i < r->len && d[i] == '\'';
    if (!hex && flush_bytes(r) != KPISCAN_OK)
        return r->status;
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
        if (hex) {
            int hi = i + 1 < r->len ? kps_hexval((char)d[i + 1]) : -1;
            int lo = i + 2 < r->len ? kps_hexval((char)d[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return KPISCAN_OK;
            r->pos = i + 3;
            if (counted)
                return KPISCAN_OK;
            return emit_byte(r, (unsigned char)(hi << 4 | lo));
        }
        if (counted)
            return KPISCAN_OK;
        r->high = 0;
        switch (c) {
        case '*': top(r)->star = 1; return KPISCAN_OK;
        case '\\':
        case '{':
        case '}': return literal_byte(r, c);
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
    if (strcmp(word, "u") != 0)
        r->high = 0;
    return control_word(r, word, has_param, param);
}

/* One byte of plain text, or an escaped brace or backslash. */
static int literal_byte(reader *r, unsigned char c)
{
    group *g = top(r);
    switch (g->dest) {
    case DEST_COLORTBL: return c == ';' ? push_color(r) : KPISCAN_OK;
    case DEST_SHAPE_NAME:
        if (r->shape_name_len < sizeof r->shape_name)
            r->shape_name[r->shape_name_len++] = (char)c;
        return KPISCAN_OK;
    case DEST_SHAPE_VALUE:
        if (r->shape_value_len < sizeof r->shape_value)
            r->shape_value[r->shape_value_len++] = (char)c;
        return KPISCAN_OK;
    default: break;
    }
    if (!stream_of(r, g))
        return KPISCAN_OK;
    if (c >= 0x80)
        return emit_byte(r, c);
    if (flush_bytes(r) != KPISCAN_OK)
        return r->status;
    if (c == '\t')
        return emit_codepoint(r, '\t');
    if (c < 0x20 || c == 0x7F)
        return KPISCAN_OK;
    char ch = (char)c;
    return emit(r, &ch, 1);
}

/* Plain bytes from r->pos: runs of printable ASCII go out whole. */
static int literal(reader *r)
{
    const unsigned char *d = r->data;
    size_t i = r->pos;
    unsigned char c = d[i];
    if (c == '\r' || c == '\n') { /* line ends of the file, not the text */
        r->pos = i + 1;
        return KPISCAN_OK;
    }
    if (r->fallback) {
        r->fallback--;
        r->pos = i + 1;
        return KPISCAN_OK;
    }
    r->high = 0; /* a high surrogate's pair is the next character or none */
    if (c >= 0x20 && c < 0x7F && stream_of(r, top(r))) {
        size_t j = i + 1;
        while (j < r->len && d[j] >= 0x20 && d[j] < 0x7F && d[j] != '\\' &&
               d[j] != '{' && d[j] != '}')
            j++;
        r->pos = j;
        if (flush_bytes(r) != KPISCAN_OK)
            return r->status;
        return emit(r, (const char *)d + i, j - i);
    }
    r->pos = i + 1;
    return literal_byte(r, c);
}

static void reader_free(reader *r)
{
    free(r->stack);
    free(r->colors);
    free(r->font_cp);
    free(r->styles);
    for (size_t i = 0; i < r->nconv; i++)
        if (r->conv[i].cd != (iconv_t)-1)
            iconv_close(r->conv[i].cd);
    for (int i = 0; i < 2; i++)
        kps_tb_free(&r->out[i].tb);
}

/* Walk data into r->out[0] (the body, then what comes after it).  total is
 * the document's text counter. */
static int rtf_walk(reader *r, const unsigned char *data, size_t len,
                    const char *name, const char *part, int32_t ground,
                    int chunk, const kps_limits *lim, size_t *total,
                    kpiscan_error *err)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->name = name;
    r->part = part;
    r->err = err;
    r->page = ground;
    r->chunk = chunk;
    r->fill = -1;
    r->ansicpg = 1252;
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
    g->par_shading = -1;

    /* The document is its first group: what a generator puts before it (a
     * byte order mark, white space) or after it is not shown. */
    const unsigned char *start = memchr(data, '{', len);
    r->pos = start ? (size_t)(start - data) : len;
    while (r->pos < r->len && r->status == KPISCAN_OK) {
        unsigned char c = r->data[r->pos];
        if (c == '{' || c == '}') {
            /* a group's end ends its characters, and a \uN fallback */
            if (flush_bytes(r) != KPISCAN_OK)
                break;
            r->pos++;
            r->fallback = 0;
            r->high = 0;
            if (c == '{') {
                open_group(r);
            } else {
                close_group(r);
                if (r->depth == 0)
                    break;
            }
        } else if (c == '\\') {
            control(r);
        } else {
            literal(r);
        }
    }
    if (r->status == KPISCAN_OK)
        flush_bytes(r);
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
        rtf_walk(&r, data, len, name, "RTF document", -1, 0, lim, &total, err);
    if (rc == KPISCAN_OK && !kps_tb_has_content(&r.out[0].tb))
        rc =
            kps_fail(err, KPISCAN_ERR_EMPTY, name, "RTF document with no text");
    /* white text was judged against the page as it was known then; a
     * background that comes later and is not white, or a dark shape or a
     * picture behind the text, makes it readable */
    if (rc == KPISCAN_OK)
        rc = kps_tb_finish(
            &r.out[0].tb,
            !r.background_art && (r.fill < 0 || kps_rgb_white(r.fill)), doc);
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
    int rc =
        rtf_walk(&r, data, len, name, part, ground, 1, lim, dst->total, err);
    if (rc == KPISCAN_OK)
        rc = kps_tb_insert_block(dst, &r.out[0].tb);
    reader_free(&r);
    return rc;
}
