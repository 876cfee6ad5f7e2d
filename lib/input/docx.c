/*
 * docx.c - text of a DOCX (Office Open XML WordprocessingML) document.
 *
 * The package is read through zipread.c and each part is streamed through
 * xmlread.c (libxml2 SAX2); no DOM is ever built.  What counts as text and
 * where it hides is described in DESIGN.md ("DOCX: where text hides"); the
 * choices made here, in brief:
 *   - parts: the main part named by _rels/.rels, then its headers, footers,
 *     footnotes and endnotes (comments last, only on request);
 *   - accepted tracked changes (w:ins kept, w:del and w:moveFrom dropped),
 *     field results kept and field codes dropped, one branch of each
 *     mc:AlternateContent so text boxes are read once;
 *   - hidden text (w:vanish, near-white, the colour of its own shading,
 *     <= 2 pt) is kept in the text and its byte ranges listed in
 *     doc->hidden.
 * Elements are matched by namespace URI and local name, never by prefix,
 * so ISO Strict documents read like transitional ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"
#include "input/extract.h"
#include "input/docx.h"
#include "input/xmlread.h"
#include "input/zipread.h"

/* ------------------------------------------------------------------ */
/* The body walker                                                     */
/* ------------------------------------------------------------------ */

typedef enum part_kind {
    PART_MAIN,
    PART_HEADER_FOOTER,
    PART_NOTES,
    PART_COMMENTS
} part_kind;

/* Which header, footer and note text Word shows, learnt while walking
 * the main part (its w:sectPr elements) and settings.xml.  A header part
 * no section references, a first-page header of a section without
 * w:titlePg, an even-page header without w:evenAndOddHeaders, and a note
 * no w:footnoteReference / w:endnoteReference cites are never displayed:
 * their text is hidden text (flagged, not scored). */
typedef struct section_ref {
    int footer; /* 0 a header, 1 a footer */
    int type;   /* 0 default, 1 first page, 2 even pages */
    char *id;   /* r:id */
} section_ref;

typedef struct sections {
    int even_odd;         /* settings.xml: w:evenAndOddHeaders */
    int title_pg;         /* the section being read has w:titlePg */
    section_ref *pending; /* the section being read's references */
    size_t npending, pendcap;
    /* the last reference of each kind and type so far: a section that
     * names none of a kind uses the previous section's (ECMA-376
     * 17.10.5) */
    char *inherited[2][3];
    char **shown; /* r:ids of the headers and footers some section shows */
    size_t nshown, showncap;
    long long *shown_entries; /* the zip entries they name, sorted; made
                               * once, after the main part */
    size_t nshown_entries;
    int entries_ready;
    /* note ids cited (footnote 2n, endnote 2n + 1), a hash set with open
     * addressing (empty slots hold NO_NOTE_KEY): cites keep coming while
     * the notes are read (a note may cite another), so a sorted array
     * would be sorted again at every note */
    long long *cited;
    size_t ncited, citedcap; /* citedcap: 0 or a power of two */
} sections;

static void sections_free(sections *s)
{
    for (size_t i = 0; i < s->npending; i++)
        free(s->pending[i].id);
    for (int k = 0; k < 2; k++)
        for (int t = 0; t < 3; t++)
            free(s->inherited[k][t]);
    for (size_t i = 0; i < s->nshown; i++)
        free(s->shown[i]);
    free(s->pending);
    free(s->shown);
    free(s->shown_entries);
    free(s->cited);
}

/* What a shape paints behind its text. */
typedef enum fill_kind {
    FILL_UNSET = 0,
    FILL_NONE,
    FILL_LIGHT,
    FILL_DARK
} fill_kind;

/* Per open paragraph (frame 0 stands for "outside any paragraph"). */
typedef struct frame {
    unsigned depth; /* of the w:p element */
    const style *pstyle;
    signed char para_shaded; /* direct w:pPr/w:shd, -1 unset */
    int32_t para_rgb;        /* its colour (kps_docx_shd_rgb) */
    int join_next;  /* deleted paragraph mark or drop cap: no break after */
    int box_shaded; /* inside a text box with a coloured fill */
    int in_run;
    rprops run;
    const style *rstyle;
    font_kind font; /* the run's w:rFonts, for private-use symbol glyphs */
    int vis;        /* kps_vis of the current run, -1 = to compute */
} frame;

typedef struct shape {
    unsigned depth;
    fill_kind fill;
    int behind; /* drawn behind the text */
} shape;

typedef struct ac_state {
    unsigned depth; /* of mc:AlternateContent */
    int chosen;     /* a branch has been read */
} ac_state;

typedef enum prop_mode {
    MODE_NONE = 0,
    MODE_PPR,   /* w:p/w:pPr */
    MODE_RPR,   /* w:r/w:rPr */
    MODE_TCPR,  /* w:tc/w:tcPr */
    MODE_TBLPR, /* w:tbl/w:tblPr: the table's shading and style */
    MODE_SPPR,  /* wps:spPr: the shape's fill */
    MODE_SSTYLE /* wps:style: the shape's theme fill */
} prop_mode;

/* What the main part's walk needs to read the chunks its w:altChunk
 * elements import (import_chunk()). */
typedef struct chunk_reader {
    kps_zip *zip;
    const rel_list *rels;
    const kps_limits *lim;
    unsigned unread; /* chunks of a kind not read (DOCX) */
    /* the chunk relationships with an id, sorted by id (then by their
     * order, the first of an id winning), made at the first w:altChunk */
    const rel **by_id;
    size_t nby_id;
    int indexed;
} chunk_reader;

typedef struct walk {
    kpiscan_error *err;
    const char *name;
    const char *part;
    part_kind kind;
    kps_textbuild *tb;
    const style_table *styles;
    int *background_art; /* coloured page or art behind text seen */
    kps_ns_cache nsc;
    int root_seen;
    unsigned skip_depth;
    prop_mode mode;
    unsigned mode_depth;
    unsigned pmark_depth; /* w:pPr/w:rPr being read */
    unsigned fill_depth;  /* a fill element inside spPr / fillRef */
    fill_kind fill_pending;
    int in_t;
    frame *frames;
    size_t nframes, framecap;
    shape *shapes;
    size_t nshapes, shapecap;
    ac_state *acs;
    size_t nacs, accap;
    /* each open w:tc's background, from its tcPr's w:shd: a
     * kps_docx_shd_kind() value, SHADE_CLEAR when it sets none, with its
     * colour (cell_value()) */
    unsigned *cells;
    size_t ncells, cellcap;
    /* each open w:tbl's background (a cell_value()), what its cells
     * without shading of their own stand on; a table style with shading,
     * whose colours are not read, counts as a coloured background */
    unsigned *tables;
    size_t ntables, tablecap;
    unsigned *boxes; /* depth of each open w:txbxContent in a dark shape */
    size_t nboxes, boxcap;
    unsigned behind_anchor_depth; /* inside wp:anchor behindDoc="1" */
    int in_textfill;              /* inside a run's w14:textFill */
    /* the root's mc:ProcessContent: foreign elements whose content Word
     * shows (the element itself is dropped), as namespace and local name
     * ("*" for any) */
    struct {
        char uri[256];
        char local[64];
    } process[8];
    unsigned nprocess;
    unsigned hidden_shape_depth; /* inside a drawing or VML shape that is
                                  * not shown (docPr hidden, display:none) */
    /* open complex fields (w:fldChar begin .. end), innermost last: bit i
     * set while field i is still in its code (before separate) */
    unsigned long long fld_code;
    unsigned nfld;
    sections *sec;
    chunk_reader *chunks;       /* the main part's imported chunks */
    unsigned sect_depth;        /* inside a w:sectPr of the main part */
    unsigned note_hidden_depth; /* inside a note nothing cites */
    int part_hidden;            /* a header or footer no section shows */
} walk;

static int walk_nomem(walk *w)
{
    return kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory");
}

#define PUSH(w, arr, n, cap)                                                   \
    kps_array_reserve(&(arr), &(cap), (n) + 1, sizeof *(arr), 8)

static frame *top(walk *w)
{
    return &w->frames[w->nframes - 1];
}

/* A cell's background in one word: the shading kind in the low two bits,
 * then a bit saying whether its colour is known, then the colour. */
static unsigned cell_value(int kind, int32_t rgb)
{
    return (unsigned)kind | (rgb >= 0 ? 4u | ((unsigned)rgb << 3) : 0u);
}

static int cell_kind(unsigned c)
{
    return (int)(c & 3u);
}

static int32_t cell_rgb(unsigned c)
{
    return c & 4u ? (int32_t)(c >> 3) : COLOR_OTHER;
}

/* The innermost table cell with a background of its own (0 when none):
 * white text in a white cell nested in a navy one is still hidden. */
static unsigned innermost_cell(const walk *w)
{
    for (size_t i = w->ncells; i > 0; i--)
        if (cell_kind(w->cells[i - 1]) != SHADE_CLEAR)
            return w->cells[i - 1];
    return cell_value(SHADE_CLEAR, COLOR_OTHER);
}

static kps_vis run_visibility(walk *w, frame *f)
{
    if (f->vis >= 0)
        return (kps_vis)f->vis;
    const style_table *st = w->styles;
    rprops e = st->defaults;
    const style *ps = f->pstyle ? f->pstyle : st->default_para;
    if (ps)
        kps_docx_rprops_over(&e, &ps->eff);
    const style *cs = f->rstyle ? f->rstyle : st->default_char;
    if (cs)
        kps_docx_rprops_over(&e, &cs->eff);
    kps_docx_rprops_over(&e, &f->run);
    int para_bg = f->para_shaded >= 0 ? f->para_shaded
                  : ps                ? ps->para_shaded_eff
                                      : -1;
    int32_t para_rgb = f->para_shaded >= 0 ? f->para_rgb
                       : ps                ? ps->para_rgb_eff
                                           : COLOR_OTHER;
    /* What the text stands on is the innermost background set: the run's,
     * the paragraph's, a coloured text box, the innermost cell's.  White
     * text on an explicit white paragraph or cell inside a navy cell is
     * still hidden. */
    unsigned cell = innermost_cell(w);
    int shaded = e.shaded == 0 || e.shaded == 1 ? e.shaded == 1
                 : para_bg == 0 || para_bg == 1 ? para_bg == 1
                 : f->box_shaded                ? 1
                                                : cell_kind(cell) == 1;
    /* ... and its colour, where a plain one is set (a text box's fill is
     * not read): text that colour is hidden whatever the colour, black on
     * a black shading as much as yellow on a yellow highlight. */
    int32_t beneath = e.shaded == 0 || e.shaded == 1   ? e.shade_rgb
                      : para_bg == 0 || para_bg == 1   ? para_rgb
                      : f->box_shaded                  ? COLOR_OTHER
                      : cell_kind(cell) != SHADE_CLEAR ? cell_rgb(cell)
                                                       : COLOR_OTHER;
    kps_vis vis = KPS_VISIBLE;
    if (e.vanish == 1 || e.tiny == 1 || w->hidden_shape_depth ||
        w->part_hidden || w->note_hidden_depth ||
        kps_rgb_near(e.color, beneath))
        vis = KPS_HIDDEN;
    else if (e.white == 1 && !shaded)
        vis = KPS_HIDDEN_WHITE;
    f->vis = (int)vis;
    return vis;
}

/* The next blank-separated token of an attribute's list ("w14 wps",
 * "x:wrap x:*"): *i moves past the blanks to its start, the return value
 * is its end (*i again when the list is done). */
static size_t next_token(const char *v, size_t n, size_t *i)
{
    while (*i < n &&
           (v[*i] == ' ' || v[*i] == '\t' || v[*i] == '\n' || v[*i] == '\r'))
        (*i)++;
    size_t j = *i;
    while (j < n && v[j] != ' ' && v[j] != '\t' && v[j] != '\n' && v[j] != '\r')
        j++;
    return j;
}

/* The Requires attribute of mc:Choice names namespace prefixes; read the
 * branch only when we understand every one of them. */
static int requires_understood(kps_xml *x, const kps_xml_attrs *a)
{
    /* besides Word's own vocabularies (wps, wpg, w14, ...: the prefix
     * test below) */
    static const char *const understood[] = {M_NS, M_NS_STRICT, V_NS};

    size_t n;
    const char *req = plain_attr(a, "Requires", &n);
    if (!req)
        return 0;
    size_t i = 0, seen = 0, j;
    while ((j = next_token(req, n, &i)) > i) {
        const char *uri = kps_xml_ns_lookup(x, req + i, j - i);
        if (!uri)
            return 0;
        /* what current Word shows: the branch for any vocabulary of its
         * own (3D models, ink, charts ex), not the fallback picture */
        int ok = strncmp(uri, "http://schemas.microsoft.com/office/", 36) == 0;
        for (size_t k = 0; k < sizeof understood / sizeof understood[0]; k++)
            if (strcmp(uri, understood[k]) == 0)
                ok = 1;
        if (!ok)
            return 0;
        seen++;
        i = j;
    }
    return seen > 0;
}

/* DrawingML colour element (srgbClr, schemeClr, sysClr, prstClr) as a
 * fill. */
static fill_kind drawing_color_fill(const char *local, const kps_xml_attrs *a)
{
    size_t n;
    const char *v = plain_attr(a, "val", &n);
    if (strcmp(local, "srgbClr") == 0)
        return v && kps_xml_hex_near_white(v, n) == 1 ? FILL_LIGHT : FILL_DARK;
    if (strcmp(local, "schemeClr") == 0)
        return v && (kps_xml_value_eq(v, n, "bg1") ||
                     kps_xml_value_eq(v, n, "lt1"))
                   ? FILL_LIGHT
                   : FILL_DARK;
    if (strcmp(local, "sysClr") == 0) {
        size_t ln;
        const char *last = plain_attr(a, "lastClr", &ln);
        if (last)
            return kps_xml_hex_near_white(last, ln) == 1 ? FILL_LIGHT
                                                         : FILL_DARK;
        return v && kps_xml_value_eq(v, n, "window") ? FILL_LIGHT : FILL_DARK;
    }
    if (strcmp(local, "prstClr") == 0)
        return v && kps_xml_value_eq(v, n, "white") ? FILL_LIGHT : FILL_DARK;
    return FILL_DARK;
}

/* A VML boolean ("t", "true", "f", "false"); absent is dflt. */
static int vml_bool(const char *v, size_t n, int dflt)
{
    if (!v)
        return dflt;
    return !(kps_xml_value_eq(v, n, "f") || kps_xml_value_eq(v, n, "false") ||
             kps_xml_value_eq(v, n, "0") || kps_xml_value_eq(v, n, "off"));
}

/* A VML colour: "#rrggbb", "#rgb", a name, each maybe followed by a
 * palette index ("#376d8b [3204]"). */
static fill_kind vml_color_fill(const char *v, size_t n)
{
    if (!v)
        return FILL_LIGHT; /* VML's default fill colour is white */
    size_t k = 0;
    while (k < n && v[k] != ' ' && v[k] != '[')
        k++;
    if (kps_xml_value_eq(v, k, "white") || kps_xml_value_eq(v, k, "window"))
        return FILL_LIGHT;
    if (k == 7 && v[0] == '#')
        return kps_xml_hex_near_white(v + 1, 6) == 1 ? FILL_LIGHT : FILL_DARK;
    if (k == 4 && v[0] == '#') {
        char six[6] = {v[1], v[1], v[2], v[2], v[3], v[3]};
        return kps_xml_hex_near_white(six, 6) == 1 ? FILL_LIGHT : FILL_DARK;
    }
    return FILL_DARK;
}

static int vml_is_shape(const char *local)
{
    static const char *const shapes[] = {"shape", "rect",  "roundrect",
                                         "oval",  "group", "polyline",
                                         "arc",   "curve", "image"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        if (strcmp(local, shapes[i]) == 0)
            return 1;
    return 0;
}

static int push_shape(walk *w, unsigned d, fill_kind fill, int behind)
{
    if (PUSH(w, w->shapes, w->nshapes, w->shapecap))
        return walk_nomem(w);
    w->shapes[w->nshapes].depth = d;
    w->shapes[w->nshapes].fill = fill;
    w->shapes[w->nshapes].behind = behind;
    w->nshapes++;
    return KPISCAN_OK;
}

static void pop_shape(walk *w)
{
    shape *s = &w->shapes[--w->nshapes];
    /* A coloured shape or picture behind the text may be what white text
     * stands on; then white text cannot be called hidden. */
    if (s->behind && s->fill == FILL_DARK)
        *w->background_art = 1;
}

static int emit_visible(walk *w, frame *f, const char *s, size_t n)
{
    return kps_tb_text(w->tb, s, n, run_visibility(w, f));
}

static int starts_with(const char *v, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(v, prefix, k) == 0;
}

/* The Symbol font's encoding (codes 0x20..0xFF) in Unicode; 0 where a
 * glyph has no Unicode meaning (bracket extenders and the like). */
/* clang-format off */
static const uint16_t symbol_font_unicode[224] = {
    /* 0x20 */ 0x0020, 0x0021, 0x2200, 0x0023, 0x2203, 0x0025, 0x0026, 0x220B,
    /* 0x28 */ 0x0028, 0x0029, 0x2217, 0x002B, 0x002C, 0x2212, 0x002E, 0x002F,
    /* 0x30 */ 0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
    /* 0x38 */ 0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
    /* 0x40 */ 0x2245, 0x0391, 0x0392, 0x03A7, 0x0394, 0x0395, 0x03A6, 0x0393,
    /* 0x48 */ 0x0397, 0x0399, 0x03D1, 0x039A, 0x039B, 0x039C, 0x039D, 0x039F,
    /* 0x50 */ 0x03A0, 0x0398, 0x03A1, 0x03A3, 0x03A4, 0x03A5, 0x03C2, 0x03A9,
    /* 0x58 */ 0x039E, 0x03A8, 0x0396, 0x005B, 0x2234, 0x005D, 0x22A5, 0x005F,
    /* 0x60 */ 0,      0x03B1, 0x03B2, 0x03C7, 0x03B4, 0x03B5, 0x03C6, 0x03B3,
    /* 0x68 */ 0x03B7, 0x03B9, 0x03D5, 0x03BA, 0x03BB, 0x03BC, 0x03BD, 0x03BF,
    /* 0x70 */ 0x03C0, 0x03B8, 0x03C1, 0x03C3, 0x03C4, 0x03C5, 0x03D6, 0x03C9,
    /* 0x78 */ 0x03BE, 0x03C8, 0x03B6, 0x007B, 0x007C, 0x007D, 0x223C, 0,
    /* 0x80 */ 0,      0,      0,      0,      0,      0,      0,      0,
    /* 0x88 */ 0,      0,      0,      0,      0,      0,      0,      0,
    /* 0x90 */ 0,      0,      0,      0,      0,      0,      0,      0,
    /* 0x98 */ 0,      0,      0,      0,      0,      0,      0,      0,
    /* 0xA0 */ 0x20AC, 0x03D2, 0x2032, 0x2264, 0x2044, 0x221E, 0x0192, 0x2663,
    /* 0xA8 */ 0x2666, 0x2665, 0x2660, 0x2194, 0x2190, 0x2191, 0x2192, 0x2193,
    /* 0xB0 */ 0x00B0, 0x00B1, 0x2033, 0x2265, 0x00D7, 0x221D, 0x2202, 0x2022,
    /* 0xB8 */ 0x00F7, 0x2260, 0x2261, 0x2248, 0x2026, 0,      0,      0x21B5,
    /* 0xC0 */ 0x2135, 0x2111, 0x211C, 0x2118, 0x2297, 0x2295, 0x2205, 0x2229,
    /* 0xC8 */ 0x222A, 0x2283, 0x2287, 0x2284, 0x2282, 0x2286, 0x2208, 0x2209,
    /* 0xD0 */ 0x2220, 0x2207, 0x00AE, 0x00A9, 0x2122, 0x220F, 0x221A, 0x22C5,
    /* 0xD8 */ 0x00AC, 0x2227, 0x2228, 0x21D4, 0x21D0, 0x21D1, 0x21D2, 0x21D3,
    /* 0xE0 */ 0x25CA, 0x2329, 0x00AE, 0x00A9, 0x2122, 0x2211, 0x239B, 0x239C,
    /* 0xE8 */ 0x239D, 0x23A1, 0x23A2, 0x23A3, 0x23A7, 0x23A8, 0x23A9, 0x23AA,
    /* 0xF0 */ 0,      0x232A, 0x222B, 0x2320, 0x23AE, 0x2321, 0x239E, 0x239F,
    /* 0xF8 */ 0x23A0, 0x23A4, 0x23A5, 0x23A6, 0x23AB, 0x23AC, 0x23AD, 0,
};
/* clang-format on */

static font_kind font_kind_of(const char *font, size_t n)
{
    if (!font)
        return FONT_TEXT;
    if (kps_xml_value_eq(font, n, "Symbol"))
        return FONT_SYMBOL;
    if (starts_with(font, n, "Wingdings") || starts_with(font, n, "Webdings"))
        return FONT_WINGDINGS;
    return FONT_TEXT;
}

/* A glyph code (0x00..0xFF) of a symbol font as Unicode, 0 to drop it:
 * Symbol through its encoding table, Wingdings only for its bullets. */
static uint32_t symbol_glyph(font_kind font, uint32_t code)
{
    if (font == FONT_SYMBOL)
        return code >= 0x20 && code <= 0xFF ? symbol_font_unicode[code - 0x20]
                                            : 0;
    if (font == FONT_WINGDINGS)
        return kps_wingdings_bullet(code);
    return 0;
}

/* Map a w:sym to a code point, 0 to drop it.  Symbol fonts put their
 * glyphs at U+F000 + code; other characters are real code points. */
static uint32_t sym_codepoint(const kps_xml_attrs *a)
{
    size_t fn, cn;
    const char *font = w_attr(a, "font", &fn);
    const char *ch = w_attr(a, "char", &cn);
    if (!ch || cn == 0 || cn > 6)
        return 0;
    uint32_t cp = 0;
    for (size_t i = 0; i < cn; i++) {
        int h = kps_hexval(ch[i]);
        if (h < 0)
            return 0;
        cp = cp * 16 + (uint32_t)h;
    }
    font_kind kind = font_kind_of(font, fn);
    if (cp >= 0xF000 && cp <= 0xF0FF)
        return symbol_glyph(kind, cp - 0xF000);
    if (kind != FONT_TEXT && cp <= 0xFF)
        return symbol_glyph(kind, cp);
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF ||
        (cp >= 0xE000 && cp <= 0xF8FF))
        return 0;
    return cp;
}

#define NO_NOTE_KEY LLONG_MIN

/* A note's w:id as a key of sections.cited: 2n for a footnote, 2n + 1
 * for an endnote; NO_NOTE_KEY when it has no readable id. */
static long long note_key(const kps_xml_attrs *a, int endnote)
{
    size_t n;
    const char *v = w_attr(a, "id", &n);
    if (!v || n == 0 || n > 12)
        return NO_NOTE_KEY;
    long long id = 0;
    size_t i = v[0] == '-' ? 1 : 0;
    if (i == n)
        return NO_NOTE_KEY;
    for (; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return NO_NOTE_KEY;
        id = id * 10 + (v[i] - '0');
    }
    if (v[0] == '-')
        id = -id;
    return id * 2 + (endnote ? 1 : 0);
}

/* The slot of key in the cited set: where it is, or the empty slot where
 * it would go. */
static size_t cited_slot(const sections *s, long long key)
{
    size_t mask = s->citedcap - 1;
    size_t i =
        (size_t)(((unsigned long long)key * 0x9E3779B97F4A7C15ull) >> 32) &
        mask;
    while (s->cited[i] != NO_NOTE_KEY && s->cited[i] != key)
        i = (i + 1) & mask;
    return i;
}

static int note_cite(walk *w, const kps_xml_attrs *a, int endnote)
{
    long long key = note_key(a, endnote);
    sections *s = w->sec;
    if (key == NO_NOTE_KEY || !s)
        return KPISCAN_OK;
    /* at most half full, so a probe ends soon */
    if (2 * (s->ncited + 1) > s->citedcap) {
        size_t cap = s->citedcap ? 2 * s->citedcap : 64;
        if (cap > SIZE_MAX / sizeof *s->cited)
            return walk_nomem(w);
        long long *v = malloc(cap * sizeof *v);
        if (!v)
            return walk_nomem(w);
        for (size_t i = 0; i < cap; i++)
            v[i] = NO_NOTE_KEY;
        long long *old = s->cited;
        size_t old_cap = s->citedcap;
        s->cited = v;
        s->citedcap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i] != NO_NOTE_KEY)
                s->cited[cited_slot(s, old[i])] = old[i];
        free(old);
    }
    size_t i = cited_slot(s, key);
    if (s->cited[i] == NO_NOTE_KEY) {
        s->cited[i] = key;
        s->ncited++;
    }
    return KPISCAN_OK;
}

static int cmp_key(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static int note_cited(const sections *s, long long key)
{
    return key != NO_NOTE_KEY && s->ncited &&
           s->cited[cited_slot(s, key)] == key;
}

/* A child of a main-part w:sectPr: a header or footer reference, or
 * w:titlePg. */
static int sect_child(walk *w, const char *local, const kps_xml_attrs *a)
{
    sections *s = w->sec;
    size_t n;
    if (strcmp(local, "titlePg") == 0) {
        const char *v = w_attr(a, "val", &n);
        s->title_pg = onoff(v, n);
        return KPISCAN_OK;
    }
    if (strcmp(local, "headerReference") != 0 &&
        strcmp(local, "footerReference") != 0)
        return KPISCAN_OK;
    const char *id = kps_xml_attr(a, "id", R_NS, R_NS_STRICT, &n);
    if (!id)
        return KPISCAN_OK;
    size_t tn;
    const char *t = w_attr(a, "type", &tn);
    int type = t && kps_xml_value_eq(t, tn, "first")  ? 1
               : t && kps_xml_value_eq(t, tn, "even") ? 2
                                                      : 0;
    if (PUSH(w, s->pending, s->npending, s->pendcap))
        return walk_nomem(w);
    char *copy = malloc(n + 1);
    if (!copy)
        return walk_nomem(w);
    memcpy(copy, id, n);
    copy[n] = '\0';
    s->pending[s->npending].footer = local[0] == 'f';
    s->pending[s->npending].type = type;
    s->pending[s->npending].id = copy;
    s->npending++;
    return KPISCAN_OK;
}

/* The end of a w:sectPr: each kind and type of header and footer is the
 * section's own reference or the one it inherits; those the section shows
 * (default always, first page with w:titlePg, even pages with
 * w:evenAndOddHeaders) join sections.shown. */
static int sect_end(walk *w)
{
    sections *s = w->sec;
    for (size_t i = 0; i < s->npending; i++) {
        section_ref *r = &s->pending[i];
        free(s->inherited[r->footer][r->type]);
        s->inherited[r->footer][r->type] = r->id;
        r->id = NULL;
    }
    s->npending = 0;
    int shown_type[3] = {1, s->title_pg, s->even_odd};
    s->title_pg = 0;
    for (int k = 0; k < 2; k++)
        for (int t = 0; t < 3; t++) {
            if (!shown_type[t] || !s->inherited[k][t])
                continue;
            if (PUSH(w, s->shown, s->nshown, s->showncap))
                return walk_nomem(w);
            if (!(s->shown[s->nshown] = kps_strdup(s->inherited[k][t])))
                return walk_nomem(w);
            s->nshown++;
        }
    return KPISCAN_OK;
}

static int footnote_is_separator(const kps_xml_attrs *a)
{
    size_t n;
    const char *t = w_attr(a, "type", &n);
    return t && (kps_xml_value_eq(t, n, "separator") ||
                 kps_xml_value_eq(t, n, "continuationSeparator") ||
                 kps_xml_value_eq(t, n, "continuationNotice"));
}

static int start_w(walk *w, unsigned d, const char *local,
                   const kps_xml_attrs *a)
{
    frame *f = top(w);
    int rc = KPISCAN_OK;
    switch (local[0]) {
    case 'p':
        if (strcmp(local, "p") == 0) {
            if (PUSH(w, w->frames, w->nframes, w->framecap))
                return walk_nomem(w);
            frame *nf = &w->frames[w->nframes++];
            memset(nf, 0, sizeof *nf);
            nf->depth = d;
            nf->para_shaded = -1;
            nf->para_rgb = COLOR_UNSET;
            nf->run = RPROPS_UNSET;
            nf->vis = -1;
            nf->box_shaded = w->nboxes > 0;
            return kps_tb_para_start(w->tb);
        }
        if (strcmp(local, "pPr") == 0) {
            if (w->nframes > 1 && d == f->depth + 1) {
                w->mode = MODE_PPR;
                w->mode_depth = d;
            } else {
                w->skip_depth = d;
            }
            return KPISCAN_OK;
        }
        if (strcmp(local, "ptab") == 0)
            return kps_tb_text(w->tb, "\t", 1, run_visibility(w, f));
        if (strcmp(local, "pict") == 0)
            return KPISCAN_OK;
        break;
    case 'r':
        if (strcmp(local, "r") == 0) {
            f->in_run = 1;
            f->run = RPROPS_UNSET;
            f->rstyle = NULL;
            f->font = FONT_TEXT;
            f->vis = -1;
            return KPISCAN_OK;
        }
        if (strcmp(local, "rPr") == 0) {
            if (f->in_run) {
                w->mode = MODE_RPR;
                w->mode_depth = d;
            } else {
                w->skip_depth = d;
            }
            return KPISCAN_OK;
        }
        if (strcmp(local, "rubyPr") == 0) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
        break;
    case 't':
        if (strcmp(local, "t") == 0) {
            w->in_t = 1;
            return KPISCAN_OK;
        }
        if (strcmp(local, "tab") == 0)
            return kps_tb_text(w->tb, "\t", 1, run_visibility(w, f));
        if (strcmp(local, "tc") == 0) {
            if (PUSH(w, w->cells, w->ncells, w->cellcap))
                return walk_nomem(w);
            w->cells[w->ncells++] = w->ntables
                                        ? w->tables[w->ntables - 1]
                                        : cell_value(SHADE_CLEAR, COLOR_OTHER);
            return kps_tb_cell_start(w->tb);
        }
        if (strcmp(local, "tbl") == 0) {
            if (PUSH(w, w->tables, w->ntables, w->tablecap))
                return walk_nomem(w);
            w->tables[w->ntables++] = cell_value(SHADE_CLEAR, COLOR_OTHER);
            return KPISCAN_OK;
        }
        if (strcmp(local, "tblPr") == 0) {
            w->mode = MODE_TBLPR;
            w->mode_depth = d;
            return KPISCAN_OK;
        }
        if (strcmp(local, "tcPr") == 0) {
            w->mode = MODE_TCPR;
            w->mode_depth = d;
            return KPISCAN_OK;
        }
        if (strcmp(local, "tblGrid") == 0 || strcmp(local, "trPr") == 0 ||
            strcmp(local, "tblPrEx") == 0) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
        if (strcmp(local, "txbxContent") == 0) {
            /* the nearest shape decides the text box background */
            if (w->nshapes && w->shapes[w->nshapes - 1].fill == FILL_DARK) {
                if (PUSH(w, w->boxes, w->nboxes, w->boxcap))
                    return walk_nomem(w);
                w->boxes[w->nboxes++] = d;
            }
            return KPISCAN_OK;
        }
        break;
    case 'b':
        if (strcmp(local, "br") == 0)
            return kps_tb_text(w->tb, "\n", 1, run_visibility(w, f));
        if (strcmp(local, "background") == 0) {
            size_t n;
            const char *c = w_attr(a, "color", &n);
            if (c && kps_xml_hex_near_white(c, n) == 0)
                *w->background_art = 1;
            w->skip_depth = d;
            return KPISCAN_OK;
        }
        break;
    case 'c':
        if (strcmp(local, "cr") == 0)
            return kps_tb_text(w->tb, "\n", 1, run_visibility(w, f));
        break;
    case 'd':
        if (strcmp(local, "del") == 0 || strcmp(local, "delText") == 0 ||
            strcmp(local, "delInstrText") == 0) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
        break;
    case 'e':
        if (strcmp(local, "endnote") == 0 && footnote_is_separator(a))
            w->skip_depth = d;
        else if (strcmp(local, "endnote") == 0 && w->kind == PART_NOTES &&
                 !w->note_hidden_depth && w->sec &&
                 !note_cited(w->sec, note_key(a, 1)))
            w->note_hidden_depth = d;
        else if (strcmp(local, "endnoteReference") == 0)
            return note_cite(w, a, 1);
        return KPISCAN_OK;
    case 'f':
        if (strcmp(local, "fldChar") == 0) {
            size_t n;
            const char *t = w_attr(a, "fldCharType", &n);
            if (t && kps_xml_value_eq(t, n, "begin")) {
                if (w->nfld < 64)
                    w->fld_code |= 1ull << w->nfld;
                w->nfld++;
            } else if (t && kps_xml_value_eq(t, n, "separate") && w->nfld) {
                if (w->nfld <= 64)
                    w->fld_code &= ~(1ull << (w->nfld - 1));
            } else if (t && kps_xml_value_eq(t, n, "end") && w->nfld) {
                w->nfld--;
                if (w->nfld < 64)
                    w->fld_code &= ~(1ull << w->nfld);
            }
            return KPISCAN_OK;
        }
        /* separator "notes" and binary field data carry no text */
        if ((strcmp(local, "footnote") == 0 && footnote_is_separator(a)) ||
            strcmp(local, "fldData") == 0)
            w->skip_depth = d;
        else if (strcmp(local, "footnote") == 0 && w->kind == PART_NOTES &&
                 !w->note_hidden_depth && w->sec &&
                 !note_cited(w->sec, note_key(a, 0)))
            w->note_hidden_depth = d;
        else if (strcmp(local, "footnoteReference") == 0)
            return note_cite(w, a, 0);
        return KPISCAN_OK;
    case 'i':
        if (strcmp(local, "instrText") == 0)
            w->skip_depth = d;
        return KPISCAN_OK;
    case 'm':
        if (strcmp(local, "moveFrom") == 0)
            w->skip_depth = d;
        return KPISCAN_OK;
    case 'n':
        if (strcmp(local, "noBreakHyphen") == 0)
            return kps_tb_text(w->tb, "-", 1, run_visibility(w, f));
        return KPISCAN_OK;
    case 's':
        if (strcmp(local, "sym") == 0) {
            uint32_t cp = sym_codepoint(a);
            if (cp)
                rc = kps_tb_codepoint(w->tb, cp, run_visibility(w, f));
            return rc;
        }
        if (strcmp(local, "sectPr") == 0 || strcmp(local, "sdtPr") == 0 ||
            strcmp(local, "sdtEndPr") == 0) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
        break;
    default: break;
    }
    return rc;
}

static int end_w(walk *w, unsigned d, const char *local)
{
    frame *f = top(w);
    switch (local[0]) {
    case 'p':
        if (strcmp(local, "p") == 0 && w->nframes > 1 && d == f->depth) {
            int join = f->join_next;
            w->nframes--;
            return kps_tb_para_end(w->tb, join);
        }
        break;
    case 'r':
        if (strcmp(local, "r") == 0) {
            f->in_run = 0;
            f->vis = -1;
        }
        break;
    case 't':
        if (strcmp(local, "t") == 0) {
            w->in_t = 0;
        } else if (strcmp(local, "tc") == 0) {
            if (w->ncells)
                w->ncells--;
            return kps_tb_cell_end(w->tb);
        } else if (strcmp(local, "tbl") == 0) {
            if (w->ntables)
                w->ntables--;
        } else if (strcmp(local, "tr") == 0) {
            return kps_tb_row_end(w->tb);
        } else if (strcmp(local, "txbxContent") == 0) {
            if (w->nboxes && w->boxes[w->nboxes - 1] == d)
                w->nboxes--;
        }
        break;
    default: break;
    }
    return KPISCAN_OK;
}

/* Inside a property container: read what matters, never content. */
static int start_prop(walk *w, unsigned d, ns_id ns, const char *uri,
                      const char *local, const kps_xml_attrs *a)
{
    frame *f = top(w);
    switch (w->mode) {
    case MODE_PPR:
        if (w->pmark_depth) {
            if (d == w->pmark_depth + 1 && ns == NS_W &&
                (strcmp(local, "del") == 0 || strcmp(local, "moveFrom") == 0))
                f->join_next = 1;
            return KPISCAN_OK;
        }
        if (d != w->mode_depth + 1 || ns != NS_W)
            return KPISCAN_OK;
        if (strcmp(local, "pStyle") == 0) {
            size_t n;
            const char *v = w_attr(a, "val", &n);
            f->pstyle = kps_docx_style_find(w->styles, 'p', v, n);
            f->vis = -1;
        } else if (strcmp(local, "shd") == 0) {
            f->para_shaded = (signed char)kps_docx_shd_kind(a);
            f->para_rgb = kps_docx_shd_rgb(a);
            f->vis = -1;
        } else if (strcmp(local, "rPr") == 0) {
            w->pmark_depth = d;
        } else if (strcmp(local, "framePr") == 0) {
            /* a drop cap is a frame holding the first letter of the
             * next paragraph: read them as one word */
            size_t n;
            const char *v = w_attr(a, "dropCap", &n);
            if (v && !kps_xml_value_eq(v, n, "none"))
                f->join_next = 1;
        }
        return KPISCAN_OK;
    case MODE_RPR:
        /* Word 2010's text effects: a text fill of none, of white, or
         * nearly transparent (alpha is transparency, in thousandths of a
         * percent) draws no readable text, whatever w:color says */
        if (uri && strcmp(uri, W14_NS) == 0) {
            if (d == w->mode_depth + 1)
                w->in_textfill = strcmp(local, "textFill") == 0;
            if (!w->in_textfill)
                return KPISCAN_OK;
            size_t n;
            const char *v = kps_xml_attr(a, "val", W14_NS, NULL, &n);
            if (strcmp(local, "noFill") == 0 ||
                (strcmp(local, "alpha") == 0 && v &&
                 kps_xml_length_pt(v, n, 1.0) >= 90000))
                f->run.vanish = 1;
            else if (strcmp(local, "srgbClr") == 0 && v) {
                /* the fill is the colour the text is drawn in */
                f->run.white = (signed char)(kps_xml_hex_near_white(v, n) == 1);
                f->run.color = COLOR_OTHER;
            }
            f->vis = -1;
            return KPISCAN_OK;
        }
        if (d != w->mode_depth + 1 || ns != NS_W)
            return KPISCAN_OK;
        if (strcmp(local, "rStyle") == 0) {
            size_t n;
            const char *v = w_attr(a, "val", &n);
            f->rstyle = kps_docx_style_find(w->styles, 'c', v, n);
        } else if (strcmp(local, "rFonts") == 0) {
            size_t n;
            const char *v = w_attr(a, "ascii", &n);
            if (!v)
                v = w_attr(a, "hAnsi", &n);
            f->font = font_kind_of(v, n);
        } else {
            kps_docx_apply_rpr_child(&f->run, local, a);
        }
        f->vis = -1;
        return KPISCAN_OK;
    case MODE_TCPR:
        /* the cell's own shading replaces its table's */
        if (d == w->mode_depth + 1 && ns == NS_W && strcmp(local, "shd") == 0 &&
            w->ncells) {
            int kind = kps_docx_shd_kind(a);
            if (kind != SHADE_CLEAR)
                w->cells[w->ncells - 1] = cell_value(kind, kps_docx_shd_rgb(a));
        }
        return KPISCAN_OK;
    case MODE_TBLPR:
        if (d != w->mode_depth + 1 || ns != NS_W || !w->ntables)
            return KPISCAN_OK;
        if (strcmp(local, "shd") == 0) {
            int kind = kps_docx_shd_kind(a);
            if (kind != SHADE_CLEAR)
                w->tables[w->ntables - 1] =
                    cell_value(kind, kps_docx_shd_rgb(a));
        } else if (strcmp(local, "tblStyle") == 0 &&
                   cell_kind(w->tables[w->ntables - 1]) == SHADE_CLEAR) {
            size_t n;
            const char *id = w_attr(a, "val", &n);
            kps_style_ids *shaded = w->styles->shaded;
            if (!id || !n || !shaded)
                return KPISCAN_OK;
            /* the shaded ids are found once per document, not per table */
            if (!shaded->ready &&
                kps_docx_raw_shaded_ids(w->styles->raw, w->styles->raw_len,
                                        shaded) != KPISCAN_OK)
                return walk_nomem(w);
            if (kps_docx_style_ids_has(shaded, id, n))
                w->tables[w->ntables - 1] = cell_value(1, COLOR_OTHER);
        }
        return KPISCAN_OK;
    case MODE_SPPR:
    case MODE_SSTYLE: {
        shape *s = w->nshapes ? &w->shapes[w->nshapes - 1] : NULL;
        if (!s || ns != NS_A)
            return KPISCAN_OK;
        if (d == w->mode_depth + 1 && w->mode == MODE_SPPR) {
            if (strcmp(local, "noFill") == 0) {
                s->fill = FILL_NONE;
            } else if (strcmp(local, "solidFill") == 0) {
                w->fill_depth = d;
                w->fill_pending = FILL_DARK;
            } else if (strcmp(local, "gradFill") == 0 ||
                       strcmp(local, "pattFill") == 0 ||
                       strcmp(local, "blipFill") == 0) {
                s->fill = FILL_DARK;
            }
        } else if (d == w->mode_depth + 1 && w->mode == MODE_SSTYLE &&
                   strcmp(local, "fillRef") == 0 && s->fill == FILL_UNSET) {
            size_t n;
            const char *idx = plain_attr(a, "idx", &n);
            if (idx && !kps_xml_value_eq(idx, n, "0")) {
                w->fill_depth = d;
                w->fill_pending = FILL_DARK;
            }
        } else if (w->fill_depth && d == w->fill_depth + 1) {
            w->fill_pending = drawing_color_fill(local, a);
        }
        return KPISCAN_OK;
    }
    case MODE_NONE: break;
    }
    return KPISCAN_OK;
}

static int end_prop(walk *w, unsigned d)
{
    if (w->mode == MODE_PPR && w->pmark_depth == d) {
        w->pmark_depth = 0;
    } else if ((w->mode == MODE_SPPR || w->mode == MODE_SSTYLE) &&
               w->fill_depth == d) {
        if (w->nshapes)
            w->shapes[w->nshapes - 1].fill = w->fill_pending;
        w->fill_depth = 0;
    } else if (d == w->mode_depth) {
        w->mode = MODE_NONE;
        w->in_textfill = 0;
    }
    return KPISCAN_OK;
}

/* A VML shape's CSS-like style that keeps it from being drawn:
 * "visibility: hidden" or "display:none", in any case and spacing. */
static int vml_style_hides(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != ';')
            end++;
        const char *colon = memchr(s + i, ':', end - i);
        if (colon) {
            const char *p = s + i, *v = colon + 1;
            size_t pn = (size_t)(colon - p), vn = (size_t)(s + end - v);
            while (pn && (*p == ' ' || *p == '\t'))
                p++, pn--;
            while (pn && (p[pn - 1] == ' ' || p[pn - 1] == '\t'))
                pn--;
            while (vn && (*v == ' ' || *v == '\t'))
                v++, vn--;
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            if ((pn == 10 && kps_ascii_ieq(p, "visibility", 10) && vn == 6 &&
                 kps_ascii_ieq(v, "hidden", 6)) ||
                (pn == 7 && kps_ascii_ieq(p, "display", 7) && vn == 4 &&
                 kps_ascii_ieq(v, "none", 4)))
                return 1;
        }
        i = end + 1;
    }
    return 0;
}

/* The vocabularies of Office documents: the standard's (transitional and
 * Strict) and Microsoft's extensions. */
static int office_namespace(const char *uri)
{
    static const char *const prefixes[] = {
        "http://schemas.openxmlformats.org/",
        "http://purl.oclc.org/ooxml/",
        "http://schemas.microsoft.com/office/",
        "urn:schemas-microsoft-com:",
        "http://www.w3.org/",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (strncmp(uri, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* Read the root's mc:ProcessContent ("x:wrap x:*"): the prefixes are
 * resolved now, while their declarations are in scope. */
static void note_process_content(walk *w, kps_xml *x, const kps_xml_attrs *a)
{
    size_t n;
    const char *v = kps_xml_attr(a, "ProcessContent", MC_NS, MC_NS, &n);
    size_t i = 0, j;
    while (v && w->nprocess < sizeof w->process / sizeof *w->process &&
           (j = next_token(v, n, &i)) > i) {
        const char *colon = memchr(v + i, ':', j - i);
        if (colon) {
            const char *uri =
                kps_xml_ns_lookup(x, v + i, (size_t)(colon - v - i));
            size_t ln = (size_t)(v + j - colon - 1);
            if (uri && strlen(uri) < sizeof w->process[0].uri &&
                ln < sizeof w->process[0].local) {
                strcpy(w->process[w->nprocess].uri, uri);
                memcpy(w->process[w->nprocess].local, colon + 1, ln);
                w->process[w->nprocess].local[ln] = '\0';
                w->nprocess++;
            }
        }
        i = j;
    }
}

static int content_processed(const walk *w, const char *uri, const char *local)
{
    for (unsigned i = 0; i < w->nprocess; i++)
        if (strcmp(w->process[i].uri, uri) == 0 &&
            (strcmp(w->process[i].local, "*") == 0 ||
             strcmp(w->process[i].local, local) == 0))
            return 1;
    return 0;
}

/* A plain-text chunk's lines, read as a text file is read: Word shows
 * "&#75;PI" or "<!-- -->" in a text/plain chunk as written, where the
 * HTML reader would decode the one and drop the other. */
static int text_chunk(walk *w, const unsigned char *s, size_t n,
                      const char *target)
{
    const kps_limits *lim = w->chunks->lim;
    kps_doc text;
    int rc = kps_text_decode(s, n, w->name, lim, &text, w->err);
    if (rc == KPISCAN_ERR_LIMIT)
        return kps_fail(w->err, rc, w->name,
                        "%s: extracted text exceeds max_text_bytes (%zu)",
                        target, lim->max_text_bytes);
    if (rc != KPISCAN_OK)
        return rc;
    kps_textbuild tb;
    kps_tb_init(&tb, w->name, lim->max_text_bytes, w->tb->total, NULL, w->err);
    tb.part = target;
    rc = kps_tb_text(&tb, text.text, text.len, KPS_VISIBLE);
    kps_doc_free(&text);
    if (rc == KPISCAN_OK)
        return kps_tb_insert_block(w->tb, &tb);
    kps_tb_free(&tb);
    return rc;
}

/* What a chunk's page stands on, for kps_html_append(): in a shaded
 * table cell, the innermost cell's colour, so that black text of the page
 * in a black cell is as hidden as a run of it would be. */
static int32_t chunk_ground(const walk *w)
{
    unsigned cell = innermost_cell(w);
    int kind = cell_kind(cell);
    int32_t rgb = cell_rgb(cell);
    if (kind == SHADE_CLEAR)
        return -1;
    return rgb >= 0 ? rgb : kind == 1 ? -2 : -1;
}

/* A w:altChunk: the part it names, an HTML page (or MIME HTML, plain
 * text or RTF) that converters import whole, is read where it stands, as
 * Word shows it, on lines of its own.  What the page is, HTML, text or
 * RTF, is sniffed as for a file given directly.  DOCX chunks, and pages
 * that are none of these, are counted as not read; a chunk whose part is
 * missing, as Word does, shows nothing. */
static int cmp_chunk_rel(const void *a, const void *b)
{
    const rel *x = *(const rel *const *)a, *y = *(const rel *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x > y) - (x < y); /* rels are in document order */
}

/* Compare a chunk relationship's id with the attribute value [id, id+n). */
static int cmp_chunk_id(const rel *r, const char *id, size_t n)
{
    int c = strncmp(r->id, id, n);
    return c ? c : (unsigned char)r->id[n];
}

/* The target of the chunk relationship whose id is [id, id+n), the first
 * of that id, in *target (NULL when none).  A body may hold a great many
 * w:altChunk elements and its part as many relationships: each is looked
 * up in an index sorted once, not by a walk over every relationship
 * (30,000 of each took 2.4 s).  Returns 0, or -1 when out of memory. */
static int chunk_target(chunk_reader *cr, const char *id, size_t n,
                        const char **target)
{
    *target = NULL;
    if (!cr->indexed) {
        size_t k = 0;
        for (size_t i = 0; i < cr->rels->n; i++)
            k += cr->rels->v[i].kind == REL_ALT_CHUNK && cr->rels->v[i].id;
        if (k && !(cr->by_id = malloc(k * sizeof *cr->by_id)))
            return -1;
        for (size_t i = 0; i < cr->rels->n; i++)
            if (cr->rels->v[i].kind == REL_ALT_CHUNK && cr->rels->v[i].id)
                cr->by_id[cr->nby_id++] = &cr->rels->v[i];
        if (cr->nby_id > 1)
            qsort(cr->by_id, cr->nby_id, sizeof *cr->by_id, cmp_chunk_rel);
        cr->indexed = 1;
    }
    size_t lo = 0, hi = cr->nby_id;
    while (lo < hi) { /* the first whose id is not below the key */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_chunk_id(cr->by_id[mid], id, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < cr->nby_id && cmp_chunk_id(cr->by_id[lo], id, n) == 0)
        *target = cr->by_id[lo]->target;
    return 0;
}

static int import_chunk(walk *w, const kps_xml_attrs *a)
{
    chunk_reader *cr = w->chunks;
    size_t n;
    const char *id = kps_xml_attr(a, "id", R_NS, R_NS_STRICT, &n);
    const char *target = NULL;
    if (id && chunk_target(cr, id, n, &target) != 0)
        return walk_nomem(w);
    if (!target)
        return KPISCAN_OK;
    char *data = NULL;
    size_t len = 0;
    int rc = kps_zip_read(cr->zip, target, &data, &len, w->err);
    if (rc == KPISCAN_ERR_NOT_FOUND)
        return KPISCAN_OK;
    if (rc != KPISCAN_OK)
        return rc;
    char *html = NULL;
    size_t html_len = 0;
    int mime =
        kps_mhtml_html((const unsigned char *)data, len, &html, &html_len);
    const unsigned char *page = (const unsigned char *)(html ? html : data);
    size_t page_len = html ? html_len : len;
    kps_format f = mime >= 0 ? kps_sniff(page, page_len) : KPS_FORMAT_UNKNOWN;
    if (mime == -1)
        rc = walk_nomem(w);
    else if (f == KPS_FORMAT_HTML)
        rc = kps_html_append(page, page_len, w->name, target, chunk_ground(w),
                             cr->lim, w->tb, w->err);
    else if (f == KPS_FORMAT_TEXT)
        rc = text_chunk(w, page, page_len, target);
    else if (f == KPS_FORMAT_RTF)
        rc = kps_rtf_append(page, page_len, w->name, target, chunk_ground(w),
                            cr->lim, w->tb, w->err);
    else
        cr->unread++;
    free(html);
    free(data);
    /* a chunk without text is an empty page, as Word shows it */
    return rc == KPISCAN_ERR_EMPTY ? KPISCAN_OK : rc;
}

static int walk_start(void *user, kps_xml *x, const char *local,
                      const char *uri, const kps_xml_attrs *a)
{
    walk *w = user;
    if (w->skip_depth)
        return KPISCAN_OK;
    unsigned d = kps_xml_depth(x);
    ns_id ns = ns_of(&w->nsc, uri);
    if (!w->root_seen) {
        w->root_seen = 1;
        note_process_content(w, x, a);
        /* an XLSX or PPTX also has an officeDocument relationship */
        if (w->kind == PART_MAIN &&
            !(ns == NS_W && strcmp(local, "document") == 0))
            return kps_fail(w->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, w->name,
                            "not a DOCX document");
        /* a header, note or comments relationship whose target is some
         * other part (custom XML, say) is not read */
        int other_root =
            w->kind == PART_HEADER_FOOTER
                ? !(ns == NS_W &&
                    (strcmp(local, "hdr") == 0 || strcmp(local, "ftr") == 0))
            : w->kind == PART_NOTES
                ? !(ns == NS_W && (strcmp(local, "footnotes") == 0 ||
                                   strcmp(local, "endnotes") == 0))
            : w->kind == PART_COMMENTS
                ? !(ns == NS_W && strcmp(local, "comments") == 0)
                : 0;
        if (other_root) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
    }
    /* A main-part w:sectPr (at the body's end, or in a paragraph's w:pPr
     * for a section break) says which headers and footers are shown; a
     * former one kept by a tracked change (w:sectPrChange, w:pPrChange)
     * says nothing. */
    if (w->sect_depth) {
        if (ns == NS_W && d == w->sect_depth + 1)
            return sect_child(w, local, a);
        return KPISCAN_OK;
    }
    if (ns == NS_W && w->kind == PART_MAIN && w->sec) {
        if (strcmp(local, "sectPr") == 0) {
            w->sect_depth = d;
            return KPISCAN_OK;
        }
        if (strcmp(local, "pPrChange") == 0 ||
            strcmp(local, "sectPrChange") == 0) {
            w->skip_depth = d;
            return KPISCAN_OK;
        }
    }
    if (w->mode != MODE_NONE)
        return start_prop(w, d, ns, uri, local, a);
    /* a chunk is a block of the body (or of a cell): one inside a
     * paragraph or a run, which Word does not show, is not read */
    if (ns == NS_W && w->chunks && w->nframes == 1 &&
        strcmp(local, "altChunk") == 0)
        return import_chunk(w, a);

    switch (ns) {
    case NS_W: return start_w(w, d, local, a);
    case NS_MC:
        if (strcmp(local, "AlternateContent") == 0) {
            if (PUSH(w, w->acs, w->nacs, w->accap))
                return walk_nomem(w);
            w->acs[w->nacs].depth = d;
            w->acs[w->nacs].chosen = 0;
            w->nacs++;
        } else if (w->nacs && w->acs[w->nacs - 1].depth + 1 == d) {
            ac_state *ac = &w->acs[w->nacs - 1];
            int take =
                !ac->chosen &&
                (strcmp(local, "Fallback") == 0 ||
                 (strcmp(local, "Choice") == 0 && requires_understood(x, a)));
            if (take)
                ac->chosen = 1;
            else
                w->skip_depth = d;
        }
        return KPISCAN_OK;
    case NS_WPS:
        if (strcmp(local, "wsp") == 0)
            return push_shape(w, d, FILL_UNSET, w->behind_anchor_depth > 0);
        if (strcmp(local, "spPr") == 0 && w->nshapes) {
            w->mode = MODE_SPPR;
            w->mode_depth = d;
        } else if (strcmp(local, "style") == 0 && w->nshapes) {
            w->mode = MODE_SSTYLE;
            w->mode_depth = d;
        }
        return KPISCAN_OK;
    case NS_WP:
        if (strcmp(local, "docPr") == 0 && !w->hidden_shape_depth) {
            size_t n;
            const char *h = plain_attr(a, "hidden", &n);
            if (h && onoff(h, n))
                w->hidden_shape_depth = d - 1; /* the anchor or inline */
        }
        if (strcmp(local, "anchor") == 0 && !w->behind_anchor_depth) {
            size_t n;
            const char *b = plain_attr(a, "behindDoc", &n);
            if (b && onoff(b, n))
                w->behind_anchor_depth = d;
        }
        return KPISCAN_OK;
    case NS_PIC:
        if (strcmp(local, "pic") == 0 && w->behind_anchor_depth)
            *w->background_art = 1; /* a picture behind the text */
        return KPISCAN_OK;
    case NS_V:
        if (vml_is_shape(local)) {
            size_t n;
            const char *style_attr = plain_attr(a, "style", &n);
            int behind =
                (w->nshapes && w->shapes[w->nshapes - 1].behind) ||
                (style_attr && find_bytes(style_attr, n, "z-index:-", 9));
            if (!w->hidden_shape_depth && style_attr &&
                vml_style_hides(style_attr, n))
                w->hidden_shape_depth = d;
            const char *filled = plain_attr(a, "filled", &n);
            size_t cn;
            const char *color = plain_attr(a, "fillcolor", &cn);
            fill_kind fill = FILL_NONE;
            if (strcmp(local, "group") != 0 && vml_bool(filled, n, 1))
                fill = vml_color_fill(color, cn);
            return push_shape(w, d, fill, behind);
        }
        if (strcmp(local, "imagedata") == 0 && w->nshapes &&
            w->shapes[w->nshapes - 1].behind)
            *w->background_art = 1;
        return KPISCAN_OK;
    case NS_M:
        if (strcmp(local, "t") == 0)
            w->in_t = 1;
        return KPISCAN_OK;
    default:
        /* An element of a vocabulary that is no Office one: Word refuses
         * it, or ignores it with everything inside when the document
         * calls it ignorable (mc:Ignorable) - never shows its runs.  Office
         * extensions (w14, w15, ...) are walked as before. */
        if (uri && !office_namespace(uri) && !content_processed(w, uri, local))
            w->skip_depth = d;
        return KPISCAN_OK;
    }
}

static int walk_end(void *user, kps_xml *x, const char *local, const char *uri)
{
    walk *w = user;
    unsigned d = kps_xml_depth(x);
    if (w->skip_depth) {
        if (d == w->skip_depth)
            w->skip_depth = 0;
        return KPISCAN_OK;
    }
    if (w->sect_depth) {
        if (d == w->sect_depth) {
            w->sect_depth = 0;
            return sect_end(w);
        }
        return KPISCAN_OK;
    }
    if (w->note_hidden_depth == d)
        w->note_hidden_depth = 0;
    if (w->mode != MODE_NONE)
        return end_prop(w, d);
    ns_id ns = ns_of(&w->nsc, uri);
    switch (ns) {
    case NS_W: return end_w(w, d, local);
    case NS_MC:
        if (w->nacs && w->acs[w->nacs - 1].depth == d)
            w->nacs--;
        return KPISCAN_OK;
    case NS_WPS:
    case NS_V:
        if (w->hidden_shape_depth == d)
            w->hidden_shape_depth = 0;
        if (w->nshapes && w->shapes[w->nshapes - 1].depth == d)
            pop_shape(w);
        return KPISCAN_OK;
    case NS_WP:
        if (w->behind_anchor_depth == d)
            w->behind_anchor_depth = 0;
        if (w->hidden_shape_depth == d)
            w->hidden_shape_depth = 0;
        return KPISCAN_OK;
    case NS_M:
        if (strcmp(local, "t") == 0)
            w->in_t = 0;
        return KPISCAN_OK;
    default: return KPISCAN_OK;
    }
}

/* Text of a run in a symbol font: its private-use characters U+F020..
 * U+F0FF are glyph codes; map them as w:sym is mapped. */
static int emit_symbol_text(walk *w, frame *f, const char *s, size_t n)
{
    size_t i = 0, plain = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        /* U+F000..U+F0FF is EF 80..83 xx in UTF-8 */
        if (c == 0xEF && i + 2 < n &&
            ((unsigned char)s[i + 1] & 0xFC) == 0x80) {
            int rc = emit_visible(w, f, s + plain, i - plain);
            if (rc != KPISCAN_OK)
                return rc;
            uint32_t code = (((unsigned char)s[i + 1] & 0x03u) << 6) |
                            ((unsigned char)s[i + 2] & 0x3Fu);
            uint32_t cp = symbol_glyph(f->font, code);
            if (cp && (rc = kps_tb_codepoint(
                           w->tb, cp, run_visibility(w, f))) != KPISCAN_OK)
                return rc;
            i += 3;
            plain = i;
            continue;
        }
        i++;
    }
    return emit_visible(w, f, s + plain, n - plain);
}

static int walk_text(void *user, kps_xml *x, const char *s, size_t n)
{
    (void)x;
    walk *w = user;
    if (!w->in_t || w->skip_depth || w->mode != MODE_NONE)
        return KPISCAN_OK;
    /* a w:t between fldChar begin and separate is part of the field
     * code, which Word does not show */
    if (w->fld_code || w->nfld > 64)
        return KPISCAN_OK;
    frame *f = top(w);
    /* Line breaks inside w:t are plain white space to Word; other control
     * characters (possible only through character references) go. */
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && ((unsigned char)s[j] >= 0x20 || s[j] == '\t'))
            j++;
        int rc = f->font == FONT_TEXT ? emit_visible(w, f, s + i, j - i)
                                      : emit_symbol_text(w, f, s + i, j - i);
        if (rc != KPISCAN_OK)
            return rc;
        if (j < n && (s[j] == '\n' || s[j] == '\r') &&
            (rc = emit_visible(w, f, " ", 1)) != KPISCAN_OK)
            return rc;
        i = j + 1;
    }
    return KPISCAN_OK;
}

static void walk_free(walk *w)
{
    free(w->frames);
    free(w->shapes);
    free(w->acs);
    free(w->cells);
    free(w->tables);
    free(w->boxes);
}

static int walk_part(const char *xml, size_t len, const char *name,
                     const char *part, part_kind kind, const kps_limits *lim,
                     const style_table *styles, kps_textbuild *tb,
                     int *background_art, sections *sec, chunk_reader *chunks,
                     int part_hidden, kpiscan_error *err)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.sec = sec;
    w.chunks = chunks;
    w.part_hidden = part_hidden;
    w.err = err;
    w.name = name;
    w.part = part;
    w.kind = kind;
    w.tb = tb;
    w.styles = styles;
    w.background_art = background_art;
    if (PUSH(&w, w.frames, w.nframes, w.framecap))
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    memset(&w.frames[0], 0, sizeof w.frames[0]);
    w.frames[0].para_shaded = -1;
    w.frames[0].para_rgb = COLOR_UNSET;
    w.frames[0].run = RPROPS_UNSET;
    w.frames[0].vis = -1;
    w.nframes = 1;
    static const kps_xml_handler h = {walk_start, walk_end, walk_text};
    int rc = kps_xml_parse(xml, len, name, part, lim, &h, &w, err);
    walk_free(&w);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The package                                                         */
/* ------------------------------------------------------------------ */

typedef struct part_data {
    char *name;
    long long entry; /* zip entry index: the identity of the part */
    part_kind kind;
    char *xml;
    size_t len;
} part_data;

typedef struct docx {
    const char *name;
    const kps_limits *lim;
    kpiscan_error *err;
    kps_zip *zip;
    part_data *parts;
    size_t nparts, partcap;
} docx;

static void docx_free(docx *dx)
{
    for (size_t i = 0; i < dx->nparts; i++) {
        free(dx->parts[i].name);
        free(dx->parts[i].xml);
    }
    free(dx->parts);
    kps_zip_close(dx->zip);
}

/* Read part into the list unless it is absent or already listed.  Listed
 * means the same zip entry, compared as the zip lookup compares names
 * (case folded for DOCX): 256 relationship targets differing only in case
 * used to read one 1 MiB entry 256 times (6.9 KB of DOCX, 270 MB). */
static int add_part(docx *dx, const char *part, part_kind kind)
{
    long long entry = kps_zip_index(dx->zip, part);
    if (entry < 0)
        return KPISCAN_OK; /* a dangling relationship: Word ignores it too */
    for (size_t i = 0; i < dx->nparts; i++)
        if (dx->parts[i].entry == entry)
            return KPISCAN_OK;
    char *xml;
    size_t len;
    int rc = kps_zip_read(dx->zip, part, &xml, &len, dx->err);
    if (rc == KPISCAN_ERR_NOT_FOUND)
        return KPISCAN_OK; /* a dangling relationship: Word ignores it too */
    if (rc != KPISCAN_OK)
        return rc;
    if (kps_array_reserve(&dx->parts, &dx->partcap, dx->nparts + 1,
                          sizeof *dx->parts, 8)) {
        free(xml);
        return kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
    }
    part_data *p = &dx->parts[dx->nparts];
    p->name = kps_strdup(part);
    if (!p->name) {
        free(xml);
        return kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
    }
    p->entry = entry;
    p->kind = kind;
    p->xml = xml;
    p->len = len;
    dx->nparts++;
    return KPISCAN_OK;
}

/* Read a part the package may lack: *xml is NULL (and the result OK)
 * when it is absent. */
static int read_optional(docx *dx, const char *part, char **xml, size_t *len)
{
    *xml = NULL;
    int rc = kps_zip_read(dx->zip, part, xml, len, dx->err);
    if (rc == KPISCAN_ERR_NOT_FOUND) {
        *xml = NULL;
        return KPISCAN_OK;
    }
    return rc;
}

/* Read and parse a .rels part; absent is fine (empty list). */
static int load_rels(docx *dx, const char *part, const char *base, rel_list *r)
{
    memset(r, 0, sizeof *r);
    r->base = base;
    r->base_len = strlen(base);
    char *xml;
    size_t len;
    int rc = read_optional(dx, part, &xml, &len);
    if (rc != KPISCAN_OK || !xml)
        return rc;
    rc = kps_docx_rels_load(xml, len, dx->name, part, dx->lim, r, dx->err);
    free(xml);
    return rc;
}

/* Find the main part: _rels/.rels names it; word/document.xml is the
 * fallback for packages without a usable relationship. */
static int find_main(docx *dx, char **main_part, char **core_part)
{
    rel_list pkg;
    *main_part = *core_part = NULL;
    int rc = load_rels(dx, "_rels/.rels", "", &pkg);
    if (rc != KPISCAN_OK) {
        kps_docx_rels_free(&pkg);
        return rc;
    }
    const char *m = kps_docx_rels_first(&pkg, REL_OFFICE_DOCUMENT);
    const char *c = kps_docx_rels_first(&pkg, REL_CORE_PROPERTIES);
    if (m && kps_zip_has(dx->zip, m))
        *main_part = kps_strdup(m);
    else if (kps_zip_has(dx->zip, "word/document.xml"))
        *main_part = kps_strdup("word/document.xml");
    else if (m) {
        rc = kps_fail(dx->err, KPISCAN_ERR_CORRUPT, dx->name,
                      "corrupt DOCX: main part %.*s is missing",
                      KPS_CUT(m, 300), m);
        kps_docx_rels_free(&pkg);
        return rc;
    } else {
        kps_docx_rels_free(&pkg);
        return kps_fail(dx->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, dx->name,
                        "not a DOCX document");
    }
    *core_part = kps_strdup(c ? c : "docProps/core.xml");
    kps_docx_rels_free(&pkg);
    if (!*main_part || !*core_part)
        return kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
    return KPISCAN_OK;
}

/* "word/document.xml" -> base "word/", rels "word/_rels/document.xml.rels" */
static int main_rels_names(const char *main_part, char **base, char **rels)
{
    const char *slash = strrchr(main_part, '/');
    size_t dir = slash ? (size_t)(slash - main_part) + 1 : 0;
    const char *file = main_part + dir;
    *base = kps_strndup(main_part, dir);
    size_t n = dir + strlen("_rels/") + strlen(file) + strlen(".rels") + 1;
    *rels = malloc(n);
    if (!*base || !*rels)
        return -1;
    snprintf(*rels, n, "%.*s_rels/%s.rels", (int)dir, main_part, file);
    return 0;
}

static int load_core(docx *dx, const char *core_part, kps_doc *doc)
{
    char *xml;
    size_t len;
    int rc = read_optional(dx, core_part, &xml, &len);
    if (rc != KPISCAN_OK || !xml)
        return rc;
    rc = kps_xml_modified_date(xml, len, dx->name, core_part, dx->lim,
                               DCTERMS_NS, "modified", doc, dx->err);
    free(xml);
    return rc;
}

/* Should styles.xml be parsed at all?  Only when it holds a property that
 * can hide text, or background shading that could make white text in the
 * parts visible or stand behind text of its own colour (a colour given in
 * the styles or the parts).  Real CVs carry styles.xml of ~300 KB with
 * none of it. */
static int styles_can_matter(const char *styles, size_t slen, const docx *dx)
{
    unsigned found = kps_docx_raw_style_scan(styles, slen);
    if (found & RAW_HIDING)
        return 1;
    if ((found & RAW_SHADING) && (found & RAW_COLOR))
        return 1;
    for (size_t i = 0; i < dx->nparts; i++) {
        const char *x = dx->parts[i].xml;
        size_t n = dx->parts[i].len;
        /* a style's colour against the body's shading, or a style's
         * shading behind the body's colour */
        if ((found & RAW_COLOR) &&
            (kps_docx_raw_has_element(x, n, "shd") ||
             kps_docx_raw_has_element(x, n, "highlight")))
            return 1;
        if ((found & RAW_SHADING) && kps_docx_raw_colors(x, n))
            return 1;
    }
    return 0;
}

/* settings.xml: is w:evenAndOddHeaders on? */
static int settings_start(void *user, kps_xml *x, const char *local,
                          const char *uri, const kps_xml_attrs *a)
{
    (void)x;
    sections *s = user;
    if (strcmp(local, "evenAndOddHeaders") == 0 && uri &&
        (strcmp(uri, W_NS) == 0 || strcmp(uri, W_NS_STRICT) == 0)) {
        size_t n;
        const char *v = w_attr(a, "val", &n);
        s->even_odd = onoff(v, n);
    }
    return KPISCAN_OK;
}

static int load_settings(docx *dx, const rel_list *rels, sections *sec)
{
    const char *part = kps_docx_rels_first(rels, REL_SETTINGS);
    if (!part)
        return KPISCAN_OK;
    char *xml;
    size_t len;
    int rc = read_optional(dx, part, &xml, &len);
    if (rc != KPISCAN_OK || !xml)
        return rc;
    static const kps_xml_handler h = {settings_start, NULL, NULL};
    rc = kps_xml_parse(xml, len, dx->name, part, dx->lim, &h, sec, dx->err);
    free(xml);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The zip entries of the header and footer parts some section shows, in
 * sec->shown_entries, sorted: each relationship's r:id looked up among the
 * shown ones (sorted first), so it costs n log n whatever the counts. */
static int shown_entries(docx *dx, const rel_list *rels, sections *sec)
{
    sec->entries_ready = 1;
    if (sec->nshown == 0)
        return KPISCAN_OK;
    qsort(sec->shown, sec->nshown, sizeof *sec->shown, cmp_str);
    sec->shown_entries = malloc(rels->n * sizeof *sec->shown_entries);
    if (!sec->shown_entries && rels->n)
        return kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
    for (size_t i = 0; i < rels->n; i++) {
        const rel *r = &rels->v[i];
        if ((r->kind != REL_HEADER && r->kind != REL_FOOTER) || !r->id)
            continue;
        const char *id = r->id;
        long long entry;
        if (bsearch(&id, sec->shown, sec->nshown, sizeof *sec->shown,
                    cmp_str) &&
            (entry = kps_zip_index(dx->zip, r->target)) >= 0)
            sec->shown_entries[sec->nshown_entries++] = entry;
    }
    if (sec->nshown_entries)
        qsort(sec->shown_entries, sec->nshown_entries,
              sizeof *sec->shown_entries, cmp_key);
    return KPISCAN_OK;
}

/* Does some section show the header or footer part at zip entry `entry`?
 * A part no w:sectPr references (or a main part with no w:sectPr at all)
 * is never displayed by Word. */
static int part_shown(const sections *sec, long long entry)
{
    return sec->nshown_entries &&
           bsearch(&entry, sec->shown_entries, sec->nshown_entries,
                   sizeof *sec->shown_entries, cmp_key);
}

static int docx_run(docx *dx, int include_comments, kps_doc *doc)
{
    char *main_part = NULL, *core_part = NULL, *base = NULL, *rels_name = NULL;
    char *styles_xml = NULL;
    rel_list rels;
    style_table styles;
    kps_style_ids shaded_styles = {0};
    kps_textbuild tb;
    sections sec;
    size_t total = 0;
    unsigned next_para = 0;
    int background_art = 0;
    chunk_reader chunks = {.zip = dx->zip, .rels = &rels, .lim = dx->lim};
    memset(&sec, 0, sizeof sec);
    memset(&rels, 0, sizeof rels);
    memset(&styles, 0, sizeof styles);
    styles.defaults = RPROPS_UNSET;
    kps_tb_init(&tb, dx->name, dx->lim->max_text_bytes, &total, &next_para,
                dx->err);

    int rc = find_main(dx, &main_part, &core_part);
    if (rc != KPISCAN_OK)
        goto done;
    if (main_rels_names(main_part, &base, &rels_name) != 0) {
        rc = kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
        goto done;
    }
    if ((rc = load_rels(dx, rels_name, base, &rels)) != KPISCAN_OK)
        goto done;
    if ((rc = load_settings(dx, &rels, &sec)) != KPISCAN_OK)
        goto done;

    /* Parts in text order: body, headers, footers, notes, comments. */
    if ((rc = add_part(dx, main_part, PART_MAIN)) != KPISCAN_OK)
        goto done;
    static const struct {
        rel_kind rel;
        part_kind kind;
    } order[] = {
        {REL_HEADER, PART_HEADER_FOOTER}, {REL_FOOTER, PART_HEADER_FOOTER},
        {REL_FOOTNOTES, PART_NOTES},      {REL_ENDNOTES, PART_NOTES},
        {REL_COMMENTS, PART_COMMENTS},
    };
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        if (order[k].rel == REL_COMMENTS && !include_comments)
            continue;
        for (size_t i = 0; i < rels.n; i++)
            if (rels.v[i].kind == order[k].rel &&
                (rc = add_part(dx, rels.v[i].target, order[k].kind)) !=
                    KPISCAN_OK)
                goto done;
    }

    const char *styles_part = kps_docx_rels_first(&rels, REL_STYLES);
    if (styles_part) {
        size_t slen;
        rc = kps_zip_read(dx->zip, styles_part, &styles_xml, &slen, dx->err);
        if (rc == KPISCAN_OK && styles_can_matter(styles_xml, slen, dx))
            rc = kps_docx_styles_load(styles_xml, slen, dx->name, styles_part,
                                      dx->lim, &styles, dx->err);
        if (rc == KPISCAN_ERR_NOT_FOUND)
            rc = KPISCAN_OK;
        if (rc != KPISCAN_OK)
            goto done;
        /* kept for the walk: a table's style is looked up in it */
        styles.raw = styles_xml;
        styles.raw_len = styles_xml ? slen : 0;
        styles.shaded = &shaded_styles;
    }

    doc->parts = calloc(dx->nparts, sizeof *doc->parts);
    if (!doc->parts) {
        rc = kps_fail(dx->err, KPISCAN_ERR_NOMEM, dx->name, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < dx->nparts; i++) {
        part_data *p = &dx->parts[i];
        doc->parts[i] = p->name;
        p->name = NULL;
        doc->nparts++;
        tb.part = doc->parts[i];
        tb.part_index = (unsigned)i;
        next_para = 0;
        /* the main part is walked first: its sections say which headers
         * and footers are shown, its references which notes are cited */
        if (p->kind == PART_HEADER_FOOTER && !sec.entries_ready &&
            (rc = shown_entries(dx, &rels, &sec)) != KPISCAN_OK)
            goto done;
        int hidden =
            p->kind == PART_HEADER_FOOTER && !part_shown(&sec, p->entry);
        rc = walk_part(p->xml, p->len, dx->name, doc->parts[i], p->kind,
                       dx->lim, &styles, &tb, &background_art, &sec,
                       p->kind == PART_MAIN ? &chunks : NULL, hidden, dx->err);
        free(p->xml);
        p->xml = NULL;
        if (rc == KPISCAN_OK)
            rc = kps_tb_end_line(&tb);
        if (rc != KPISCAN_OK)
            goto done;
    }
    if ((rc = load_core(dx, core_part, doc)) != KPISCAN_OK)
        goto done;
    if (!kps_tb_has_content(&tb)) {
        /* Converters put a whole resume in an imported chunk (w:altChunk),
         * which Word shows; one of a kind this reader does not read (a
         * nested DOCX, docs/robustness.md) must not look like an "empty
         * document", which would send the reader looking for a blank
         * file. */
        if (chunks.unread)
            rc = kps_fail(dx->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, dx->name,
                          "DOCX whose text is an imported chunk (w:altChunk) "
                          "of a kind not read here, such as a nested DOCX: "
                          "open it in Word and save it again as .docx or "
                          "PDF");
        else
            rc = kps_fail(dx->err, KPISCAN_ERR_EMPTY, dx->name,
                          "empty document");
        goto done;
    }
    rc = kps_tb_finish(&tb, !background_art, doc);

done:
    kps_tb_free(&tb);
    sections_free(&sec);
    free(chunks.by_id);
    kps_docx_styles_free(&styles);
    kps_docx_style_ids_free(&shaded_styles);
    kps_docx_rels_free(&rels);
    free(styles_xml);
    free(main_part);
    free(core_part);
    free(base);
    free(rels_name);
    return rc;
}

int kps_docx_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, int include_comments, kps_doc *doc,
                     kpiscan_error *err)
{
    if (!data || !lim || !doc)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "invalid argument");
    memset(doc, 0, sizeof *doc);
    doc->format = KPS_FORMAT_DOCX;
    docx dx;
    memset(&dx, 0, sizeof dx);
    dx.name = name;
    dx.lim = lim;
    dx.err = err;
    int rc = kps_zip_open(data, len, name, "DOCX", 1, lim, &dx.zip, err);
    if (rc == KPISCAN_OK)
        rc = docx_run(&dx, include_comments, doc);
    docx_free(&dx);
    if (rc != KPISCAN_OK) {
        kps_error_mark_corrupt(err, "DOCX");
        kps_doc_free(doc);
        doc->format = KPS_FORMAT_DOCX;
    }
    return rc;
}
