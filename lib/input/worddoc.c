/*
 * worddoc.c - the text Word shows from a legacy Word 97-2003 document
 * (.doc, [MS-DOC]).
 *
 * Older resumes still arrive as .doc, and a recruiter's folder holds them
 * beside the DOCX and PDF files.  A .doc is an OLE compound file (cfb.c)
 * whose "WordDocument" stream starts with the File Information Block (FIB)
 * and holds the characters; the table stream ("0Table" or "1Table", as
 * the FIB says) holds where they are (the piece table) and how they look
 * (character and paragraph property pages, the style sheet).  The reader
 * walks the text once, in the order Word shows it:
 *
 *  - the main text, then footnotes, endnotes and text boxes, after it, as
 *    the DOCX reader puts them; headers, annotations and macros are not
 *    read (a header story Word does not display cannot be told apart
 *    without the section properties);
 *  - paragraph marks end paragraphs, and a table's cell and row marks go
 *    through the text builder's cell logic (xmlread.h), so a row of short
 *    cells reads as one line, as in a DOCX;
 *  - a field shows its result, never its code; pictures, drawing anchors
 *    and note references are no text;
 *  - hidden text, flagged and never scored: vanished (sprmCFVanish,
 *    sprmCFFldVanish), 2 pt or smaller, and text the colour of what it
 *    stands on (its highlight or character shading, else its paragraph's
 *    shading, a percentage pattern's blend as Word paints it), else
 *    white on the page.  White text in a table of a document whose cells
 *    are painted somewhere, or in a document with a shape behind the text
 *    (FSPA fBelowText), counts as readable (as the DOCX and RTF readers do
 *    where a dark shape lies behind the text);
 *  - formatting comes from the style of the paragraph's mark, the run's
 *    character style (each following its base styles), the run's own
 *    properties and the piece's modifier (Prm1; of Prm0, vanish), in that
 *    order, so a hidden style hides its text as Word shows it, also text a
 *    fast save added to the paragraph;
 *  - tracked deletions are left out (the document as its changes accepted);
 *  - the last-saved date of the summary properties is the document's
 *    "last saved" date.
 *
 * Not read: Word 6.0/95 files (another FIB), files saved with a password
 * (encrypted or obfuscated: refused, named), and of a Prm0 modifier any
 * property but vanish.
 *
 * Bounds: every offset and count read from the file is checked against
 * the stream it points into; text is held to max_text_bytes by the builder,
 * streams to max_part_bytes.  The pieces may not hold more characters than
 * the stream has bytes (pieces reading the same bytes again would make the
 * walk as long as a crafted file likes), a property page is read once
 * however often the bin table names it, and style and modifier property
 * lists are cut to the few properties that matter here when read, so
 * applying them at each change of run costs little.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "base/util.h"
#include "input/cfb.h"
#include "input/extract.h"
#include "input/xmlread.h"

/* ------------------------------------------------------------------ */
/* Bounds                                                              */
/* ------------------------------------------------------------------ */

/* A byte range [off, off + n) lies within a stream of len bytes. */
static int within(size_t off, size_t n, size_t len)
{
    return off <= len && n <= len - off;
}

/* ------------------------------------------------------------------ */
/* Properties                                                          */
/* ------------------------------------------------------------------ */

/* What a run of characters looks like, as far as hiding it goes. */
typedef struct chp {
    int vanish;   /* sprmCFVanish */
    int deleted;  /* sprmCFRMarkDel: a tracked deletion */
    int32_t fg;   /* 0xRRGGBB, -1 "auto" */
    int half_pt;  /* sprmCHps */
    int32_t back; /* a highlight or character shading, -1 none */
    int istd;     /* sprmCIstd: the character style, -1 none */
} chp;

#define SPRM_CF_VANISH 0x083C
#define SPRM_CF_FLD_VANISH 0x0802
#define SPRM_CF_RMARK_DEL 0x0800
#define SPRM_C_ICO 0x2A42
#define SPRM_C_CV 0x6870
#define SPRM_C_HPS 0x4A43
#define SPRM_C_HIGHLIGHT 0x2A0C
#define SPRM_C_SHD80 0x4866
#define SPRM_C_SHD 0xCA71
#define SPRM_C_ISTD 0x4A30
#define SPRM_P_IN_TABLE 0x2416
#define SPRM_P_TTP 0x2417
#define SPRM_P_SHD80 0x442D
#define SPRM_P_SHD 0xC64D
#define SPRM_P_HUGE_PAPX 0x6646
#define SPRM_T_DEF_TABLE 0xD608
#define SPRM_T_SHD80 0xD609
#define SPRM_T_SHD 0xD612
#define SPRM_T_SHD_2ND 0xD616
#define SPRM_T_SHD_3RD 0xD60C
#define SPRM_P_CHG_TABS 0xC615

#define ISTD_NONE 0x0FFF
#define MAX_STYLE_CHAIN 16 /* istdBase steps followed */
#define STK_PARAGRAPH 1    /* a style's kind (stk) */
#define STK_CHARACTER 2
#define FSPA_BELOW_TEXT 0x4000 /* a shape drawn behind the text */
#define PRM0_ISPRM_VANISH 0x5C /* Prm0's index of sprmCFVanish */
#define MAX_PRCS 32768         /* Prm1's 15-bit index */

/* Word's 16 colours by index (ico); 0 is "auto". */
static int32_t ico_color(unsigned ico)
{
    static const int32_t table[17] = {
        -1,       0x000000, 0x0000FF, 0x00FFFF, 0x00FF00, 0xFF00FF,
        0xFF0000, 0xFFFF00, 0xFFFFFF, 0x000080, 0x008080, 0x008000,
        0x800080, 0x800000, 0x808000, 0x808080, 0xC0C0C0};
    return ico < 17 ? table[ico] : -1;
}

/* A COLORREF (red, green, blue, then 0xFF for "auto"). */
static int32_t colorref(const unsigned char *p)
{
    if (p[3] == 0xFF)
        return -1;
    return (int32_t)((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]);
}

/* The share of the fore colour, in tenths of a percent, that a shading
 * pattern (ipat) paints: clear 0, solid 1000, the percentages 2-13 and
 * 35-62; -1 for the hatches and anything else (no plain colour). */
static int pattern_share(unsigned pattern)
{
    static const short low[14] = {0,   1000, 50,  100, 200, 250, 300,
                                  400, 500,  600, 700, 750, 800, 900};
    static const short high[28] = {
        25,  75,  125, 150, 175, 225, 275, 325, 350, 375, 425, 450, 475, 525,
        550, 575, 625, 650, 675, 725, 775, 825, 850, 875, 925, 950, 975, 970};
    if (pattern < 14)
        return low[pattern];
    if (pattern >= 35 && pattern <= 62)
        return high[pattern - 35];
    return -1;
}

/* What a shading paints: its fore colour ("auto": black) over its back
 * colour ("auto": white) in its pattern's share, as Word blends a
 * percentage; -2 for a hatch (no plain colour), -1 for none (clear over
 * "auto", or the "nil" shading Word writes for none). */
static int32_t shd_fill(int32_t fore, int32_t back, unsigned pattern)
{
    int share = pattern_share(pattern);
    if (share < 0)
        return -2;
    if (share == 0)
        return back;
    int32_t f = fore >= 0 ? fore : 0x000000, b = back >= 0 ? back : 0xFFFFFF;
    int32_t out = 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        int fc = (f >> shift) & 0xFF, bc = (b >> shift) & 0xFF;
        out |= (int32_t)((fc * share + bc * (1000 - share) + 500) / 1000)
               << shift;
    }
    return out;
}

/* A Shd80 (5-bit fore and back colour indexes, a 6-bit pattern); 0xFFFF
 * is "no shading". */
static int32_t shd80_fill(unsigned v)
{
    if (v == 0xFFFF)
        return -1;
    return shd_fill(ico_color(v & 0x1F), ico_color((v >> 5) & 0x1F), v >> 10);
}

/* A Shd (length byte, fore and back COLORREFs, a 2-byte pattern); the
 * pattern 0xFFFF is "no shading". */
static int32_t shd_operand_fill(const unsigned char *op)
{
    unsigned pattern = kps_le16(op + 9);
    if (pattern == 0xFFFF)
        return -1;
    return shd_fill(colorref(op + 1), colorref(op + 5), pattern);
}

/* The size of sprm's operand at p (n bytes left), 0 when it cannot be
 * told (the rest of the list is then not read). */
static size_t operand_size(unsigned sprm, const unsigned char *p, size_t n)
{
    switch ((sprm >> 13) & 7) {
    case 0:
    case 1: return 1;
    case 2:
    case 4:
    case 5: return 2;
    case 3: return 4;
    case 7: return 3;
    default: /* variable: a length first */
        if (n < 1)
            return 0;
        if (sprm == SPRM_T_DEF_TABLE) {
            if (n < 2)
                return 0;
            return kps_le16(p) + 1; /* the length counts itself less one */
        }
        if (sprm == SPRM_P_CHG_TABS && p[0] == 255) {
            /* a layout of its own: tabs deleted (a count, two 2-byte
             * lists), then tabs added (a count, a 2-byte and a 1-byte
             * list) */
            if (n < 2)
                return 0;
            size_t del = p[1], at = 2 + 4 * del;
            if (at >= n)
                return 0;
            return at + 1 + 3 * (size_t)p[at];
        }
        return (size_t)p[0] + 1;
    }
}

/* Calls of sprm_each(): one property with its operand. */
typedef void (*sprm_fn)(void *ctx, unsigned sprm, const unsigned char *op,
                        size_t n);

/* Each property of a property list (grpprl) of n bytes. */
static void sprm_each(const unsigned char *g, size_t n, sprm_fn fn, void *ctx)
{
    size_t i = 0;
    while (n - i >= 2) {
        unsigned sprm = kps_le16(g + i);
        i += 2;
        size_t size = operand_size(sprm, g + i, n - i);
        if (size == 0 || size > n - i)
            return;
        fn(ctx, sprm, g + i, size);
        i += size;
    }
}

/* A toggle operand: 0 off, 1 on, 0x80 the style's value, 0x81 its
 * opposite. */
static int toggle(unsigned v, int style_value)
{
    return v == 0x80 ? style_value : v == 0x81 ? !style_value : v != 0;
}

typedef struct chp_ctx {
    chp *c;
    const chp *style; /* what the styles said, for toggles */
} chp_ctx;

static void chp_sprm(void *ctx, unsigned sprm, const unsigned char *op,
                     size_t n)
{
    chp_ctx *x = ctx;
    chp *c = x->c;
    switch (sprm) {
    case SPRM_CF_VANISH: c->vanish = toggle(op[0], x->style->vanish); break;
    case SPRM_CF_FLD_VANISH: /* LibreOffice hides it too */
        if (toggle(op[0], 0))
            c->vanish = 1;
        break;
    case SPRM_CF_RMARK_DEL:
        c->deleted = toggle(op[0], x->style->deleted);
        break;
    case SPRM_C_ICO: c->fg = ico_color(op[0]); break;
    case SPRM_C_CV:
        if (n >= 4)
            c->fg = colorref(op);
        break;
    case SPRM_C_HPS:
        if (n >= 2)
            c->half_pt = (int)kps_le16(op);
        break;
    case SPRM_C_HIGHLIGHT: c->back = ico_color(op[0]); break;
    case SPRM_C_SHD80:
        if (n >= 2)
            c->back = shd80_fill(kps_le16(op));
        break;
    case SPRM_C_SHD:
        if (n >= 11)
            c->back = shd_operand_fill(op);
        break;
    case SPRM_C_ISTD:
        if (n >= 2)
            c->istd = (int)kps_le16(op);
        break;
    default: break;
    }
}

static void chp_apply(chp *c, const chp *style, const unsigned char *g,
                      size_t n)
{
    chp_ctx x = {c, style};
    sprm_each(g, n, chp_sprm, &x);
}

static const chp CHP_DEFAULT = {0, 0, -1, 20, -1, -1};

/* The run properties a property list sets, each kind once (the last
 * written), as a property list of at most FILTERED_MAX bytes: a style's
 * or a piece modifier's list may be tens of kilobytes of properties that
 * say nothing of visibility, and is applied at every change of run. */
#define FILTERED_MAX 64
typedef struct filtered {
    unsigned char g[FILTERED_MAX];
    size_t len;
} filtered;

static const unsigned FILTERED_SPRMS[] = {
    SPRM_C_ISTD,  SPRM_CF_VANISH, SPRM_CF_FLD_VANISH, SPRM_CF_RMARK_DEL,
    SPRM_C_ICO,   SPRM_C_CV,      SPRM_C_HPS,         SPRM_C_HIGHLIGHT,
    SPRM_C_SHD80, SPRM_C_SHD};
#define NFILTERED (sizeof FILTERED_SPRMS / sizeof *FILTERED_SPRMS)

typedef struct filter_ctx {
    const unsigned char *op[NFILTERED];
    size_t n[NFILTERED];
} filter_ctx;

static void filter_sprm(void *ctx, unsigned sprm, const unsigned char *op,
                        size_t n)
{
    filter_ctx *x = ctx;
    for (size_t i = 0; i < NFILTERED; i++)
        if (FILTERED_SPRMS[i] == sprm && n <= 11) {
            x->op[i] = op;
            x->n[i] = n;
        }
}

static void filter(const unsigned char *g, size_t n, filtered *out)
{
    filter_ctx x;
    memset(&x, 0, sizeof x);
    sprm_each(g, n, filter_sprm, &x);
    out->len = 0;
    for (size_t i = 0; i < NFILTERED; i++) /* 46 bytes at most */
        if (x.op[i] && out->len + 2 + x.n[i] <= FILTERED_MAX) {
            out->g[out->len] = (unsigned char)(FILTERED_SPRMS[i] & 0xFF);
            out->g[out->len + 1] = (unsigned char)(FILTERED_SPRMS[i] >> 8);
            memcpy(out->g + out->len + 2, x.op[i], x.n[i]);
            out->len += 2 + x.n[i];
        }
}

/* ------------------------------------------------------------------ */
/* The reader                                                          */
/* ------------------------------------------------------------------ */

/* One piece of the text: characters [cp, cp_end) at fc in WordDocument,
 * 8-bit ("compressed", Windows-1252) or UTF-16LE. */
typedef struct piece {
    uint32_t cp, cp_end;
    uint32_t fc;
    int compressed;
    int prc;    /* a Prm1 modifier: its index in reader.prcs, else -1 */
    int vanish; /* a Prm0 modifier setting sprmCFVanish: its value, else -1 */
} piece;

/* Properties of the file bytes [fc, fc_end): a character run's property
 * list (in its 512-byte page), or a paragraph's style, table marks and
 * shading. */
typedef struct run {
    uint32_t fc, fc_end;
    const unsigned char *grpprl;
    size_t grpprl_len;
    int istd;     /* paragraph runs: the paragraph's style */
    int in_table; /* paragraph runs: sprmPFInTable */
    int ttp;      /* paragraph runs: a table row's end mark */
    int32_t back; /* paragraph runs: what its shading paints, -1 none */
} run;

/* A style of the style sheet: its base and its character properties. */
typedef struct wstyle {
    int defined;
    int kind; /* STK_PARAGRAPH or STK_CHARACTER; others are not applied */
    int base;
    filtered chpx;
} wstyle;

typedef struct reader {
    const char *name;
    const kps_limits *lim;
    kpiscan_error *err;
    unsigned char *wd, *table; /* WordDocument and the table stream */
    size_t wd_len, table_len;
    piece *pieces;
    size_t npieces;
    run *chpx, *papx;
    size_t nchpx, npapx, chpxcap, papxcap;
    wstyle *styles;
    size_t nstyles;
    filtered *prcs; /* the piece table's property modifiers */
    size_t nprcs;
    size_t nchars; /* characters the pieces hold */
    /* white text may be readable: a table cell is painted somewhere
     * (cells_painted), a shape lies behind the text (art_behind) */
    int cells_painted, art_behind;
    /* the walk */
    kps_textbuild *tb;
    int para_open, cell_open;
    unsigned field_depth;
    uint64_t field_code; /* bit d: field level d is in its code */
    uint32_t high;       /* a UTF-16 high surrogate waiting for its pair */
    int status;
} reader;

static int corrupt(reader *r, const char *reason)
{
    return r->status = kps_fail(r->err, KPISCAN_ERR_CORRUPT, r->name,
                                "corrupt Word document (.doc): %s", reason);
}

static int nomem(reader *r)
{
    return r->status =
               kps_fail(r->err, KPISCAN_ERR_NOMEM, r->name, "out of memory");
}

/* What the file information block says: the version, the flags, the
 * stories' lengths and the fc/lcb pairs (FibRgFcLcb97 and after). */
typedef struct fib {
    unsigned nfib, flags;
    uint32_t ccp[8]; /* text, footnotes, headers, macros, annotations,
                        endnotes, text boxes, header text boxes */
    const unsigned char *fclcb;
    size_t nfclcb;
} fib;

#define FIB_ENCRYPTED 0x0100
#define FIB_WHICH_TABLE 0x0200
#define FIB_OBFUSCATED 0x8000
#define FCLCB_STSHF 1
#define FCLCB_BTE_CHPX 12
#define FCLCB_BTE_PAPX 13
#define FCLCB_CLX 33
#define FCLCB_SPA_MOM 40 /* the main text's shapes (PlcSpaMom) */

/* The FIB's pair number i in *fc and *lcb: 0 when the FIB has none, or
 * its length is 0. */
static int fib_pair(const fib *f, size_t i, uint32_t *fc, uint32_t *lcb)
{
    if (i >= f->nfclcb)
        return 0;
    *fc = kps_le32(f->fclcb + 8 * i);
    *lcb = kps_le32(f->fclcb + 8 * i + 4);
    return *lcb != 0;
}

static int read_fib(reader *r, fib *f)
{
    const unsigned char *d = r->wd;
    size_t n = r->wd_len;
    if (n < 34 || kps_le16(d) != 0xA5EC)
        return corrupt(r, "no Word file information block");
    f->nfib = kps_le16(d + 2);
    f->flags = kps_le16(d + 10);
    size_t at = 32;
    size_t csw = kps_le16(d + at);
    at += 2 + 2 * csw;
    if (!within(at, 2, n))
        return corrupt(r, "file information block cut short");
    size_t cslw = kps_le16(d + at);
    at += 2;
    if (!within(at, 4 * cslw, n) || cslw < 11)
        return corrupt(r, "file information block cut short");
    for (size_t i = 0; i < 8; i++)
        f->ccp[i] = kps_le32(d + at + 4 * (3 + i));
    at += 4 * cslw;
    if (!within(at, 2, n))
        return corrupt(r, "file information block cut short");
    size_t npairs = kps_le16(d + at);
    at += 2;
    if (!within(at, 8 * npairs, n))
        return corrupt(r, "file information block cut short");
    f->fclcb = d + at;
    f->nfclcb = npairs;
    return KPISCAN_OK;
}

/* The piece table: the Clx's Pcdt, after any property modifiers (Prc). */
static int read_pieces(reader *r, const fib *f)
{
    uint32_t fc, lcb;
    if (!fib_pair(f, FCLCB_CLX, &fc, &lcb) || !within(fc, lcb, r->table_len))
        return corrupt(r, "no piece table");
    const unsigned char *p = r->table + fc, *end = p + lcb;
    /* property modifiers, for Prm1 references, kept filtered */
    size_t prccap = 0;
    while (p < end && *p == 0x01) {
        if (end - p < 3)
            return corrupt(r, "piece table cut short");
        size_t cb = kps_le16(p + 1);
        if ((size_t)(end - p - 3) < cb)
            return corrupt(r, "piece table cut short");
        /* a Prm1 names one of the first 2^15 (more take memory for
         * nothing) */
        if (r->nprcs < MAX_PRCS) {
            if (kps_array_reserve(&r->prcs, &prccap, r->nprcs + 1,
                                  sizeof *r->prcs, 8))
                return nomem(r);
            filter(p + 3, cb, &r->prcs[r->nprcs++]);
        }
        p += 3 + cb;
    }
    if (end - p < 5 || *p != 0x02)
        return corrupt(r, "no piece table");
    size_t plc = kps_le32(p + 1);
    p += 5;
    if ((size_t)(end - p) < plc || plc < 4 || (plc - 4) % 12 != 0)
        return corrupt(r, "piece table of a wrong size");
    size_t n = (plc - 4) / 12;
    if (n == 0)
        return corrupt(r, "piece table without pieces");
    if (!(r->pieces = calloc(n, sizeof *r->pieces)))
        return nomem(r);
    const unsigned char *pcd = p + 4 * (n + 1);
    size_t chars_total = 0;
    for (size_t i = 0; i < n; i++) {
        piece *pc = &r->pieces[i];
        pc->cp = kps_le32(p + 4 * i);
        pc->cp_end = kps_le32(p + 4 * (i + 1));
        if (pc->cp_end < pc->cp || (i == 0 && pc->cp != 0))
            return corrupt(r, "piece table out of order");
        uint32_t fcc = kps_le32(pcd + 8 * i + 2);
        pc->compressed = (fcc >> 30) & 1;
        pc->fc = fcc & 0x3FFFFFFF;
        if (pc->compressed)
            pc->fc /= 2;
        size_t chars = pc->cp_end - pc->cp;
        size_t width = pc->compressed ? 1 : 2;
        if (chars > SIZE_MAX / 2 || !within(pc->fc, chars * width, r->wd_len))
            return corrupt(r, "a piece of text lies outside the document");
        /* pieces of a document hold distinct characters: more of them
         * than the stream has bytes means pieces read the same bytes
         * again, which only a crafted file does (and would make the walk
         * as long as it likes) */
        chars_total += chars;
        if (chars_total > r->wd_len)
            return corrupt(r, "pieces of text overlap");
        r->nchars = chars_total;
        unsigned prm = kps_le16(pcd + 8 * i + 6);
        pc->prc = -1;
        pc->vanish = -1;
        if ((prm & 1) && (prm >> 1) < r->nprcs) /* Prm1: a Prc by index */
            pc->prc = (int)(prm >> 1);
        else if (!(prm & 1) && ((prm >> 1) & 0x7F) == PRM0_ISPRM_VANISH)
            pc->vanish = (int)(prm >> 8); /* Prm0: one property, its value */
    }
    r->npieces = n;
    return KPISCAN_OK;
}

typedef struct papx_ctx {
    reader *r;
    run *run;
} papx_ctx;

/* Paragraph properties that matter here: table marks, and whether
 * anything is shaded. */
static void papx_sprm(void *ctx, unsigned sprm, const unsigned char *op,
                      size_t n)
{
    papx_ctx *x = ctx;
    switch (sprm) {
    case SPRM_P_IN_TABLE: x->run->in_table = op[0] != 0; break;
    case SPRM_P_TTP: x->run->ttp = op[0] != 0; break;
    case SPRM_P_SHD80:
        if (n >= 2)
            x->run->back = shd80_fill(kps_le16(op));
        break;
    case SPRM_P_SHD:
        if (n >= 11)
            x->run->back = shd_operand_fill(op);
        break;
    case SPRM_T_SHD80: /* a row's cells: a length, then a Shd80 each */
        for (size_t i = 1; i + 2 <= n; i += 2) {
            int32_t fill = shd80_fill(kps_le16(op + i));
            if (fill != -1 && (fill == -2 || !kps_rgb_white(fill)))
                x->r->cells_painted = 1;
        }
        break;
    case SPRM_T_SHD:
    case SPRM_T_SHD_2ND:
    case SPRM_T_SHD_3RD: /* a length, then a Shd of 10 bytes each */
        for (size_t i = 1; i + 10 <= n; i += 10) {
            int32_t fill = shd_fill(colorref(op + i), colorref(op + i + 4),
                                    kps_le16(op + i + 8));
            if (fill != -1 && (fill == -2 || !kps_rgb_white(fill)))
                x->r->cells_painted = 1;
        }
        break;
    case SPRM_P_HUGE_PAPX: /* properties kept elsewhere: maybe shading */
        x->r->cells_painted = 1;
        break;
    default: break;
    }
}

static int cmp_run(const void *a, const void *b)
{
    uint32_t x = ((const run *)a)->fc, y = ((const run *)b)->fc;
    return x < y ? -1 : x > y;
}

/* The formatted-disk pages (FKP) a bin table (PlcBteChpx / PlcBtePapx)
 * names, read into runs.  papx: paragraph pages. */
static int read_fkps(reader *r, const fib *f, int papx)
{
    uint32_t fc, lcb;
    if (!fib_pair(f, papx ? FCLCB_BTE_PAPX : FCLCB_BTE_CHPX, &fc, &lcb))
        return KPISCAN_OK; /* no properties: all plain */
    if (!within(fc, lcb, r->table_len) || lcb < 4 || (lcb - 4) % 8 != 0)
        return corrupt(r, "property bin table of a wrong size");
    size_t n = (lcb - 4) / 8;
    const unsigned char *bte = r->table + fc + 4 * (n + 1);
    run **runs = papx ? &r->papx : &r->chpx;
    size_t *nruns = papx ? &r->npapx : &r->nchpx;
    size_t *cap = papx ? &r->papxcap : &r->chpxcap;
    /* each page is read once: a table naming one page again and again
     * would otherwise multiply its runs */
    unsigned char *seen = calloc(r->wd_len / 512 + 1, 1);
    if (!seen)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        uint32_t pn = kps_le32(bte + 4 * i) & 0x3FFFFF;
        if (!within((size_t)pn * 512, 512, r->wd_len)) { /* pn < 2^22 */
            free(seen);
            return corrupt(r, "a property page lies outside the document");
        }
        if (seen[pn])
            continue;
        seen[pn] = 1;
        const unsigned char *page = r->wd + (size_t)pn * 512;
        size_t count = page[511];
        /* count + 1 positions, then one entry per run: a byte (character
         * pages) or 13 bytes (paragraph pages) */
        size_t entry = papx ? 13 : 1;
        if (4 * (count + 1) + entry * count > 511) {
            free(seen);
            return corrupt(r, "a property page holds too many runs");
        }
        /* a run formats at least one character (a fast save leaves some
         * for deleted text): many more runs than characters are a crafted
         * file's, holding memory for nothing */
        if (*nruns + count > 2 * r->nchars + 4096) {
            free(seen);
            return corrupt(r, "more property runs than characters");
        }
        if (kps_array_reserve(runs, cap, *nruns + count, sizeof **runs, 64)) {
            free(seen);
            return nomem(r);
        }
        for (size_t k = 0; k < count; k++) {
            run *ru = &(*runs)[*nruns];
            memset(ru, 0, sizeof *ru);
            ru->fc = kps_le32(page + 4 * k);
            ru->fc_end = kps_le32(page + 4 * (k + 1));
            ru->istd = 0;
            ru->back = -1;
            if (ru->fc_end <= ru->fc)
                continue;
            size_t off = 2 * (size_t)page[4 * (count + 1) + entry * k];
            if (off && off < 511) {
                size_t cb = page[off];
                if (!papx) {
                    if (off + 1 + cb <= 511) {
                        ru->grpprl = page + off + 1;
                        ru->grpprl_len = cb;
                    }
                } else {
                    /* cb words less one, or (cb 0) the next byte's words */
                    size_t start = off + 1, len = cb ? 2 * cb - 1 : 0;
                    if (!cb && off + 1 < 511) {
                        len = 2 * (size_t)page[off + 1];
                        start = off + 2;
                    }
                    if (len >= 2 && start + len <= 511) {
                        ru->istd = (int)kps_le16(page + start);
                        ru->grpprl = page + start + 2;
                        ru->grpprl_len = len - 2;
                        papx_ctx x = {r, ru};
                        sprm_each(ru->grpprl, ru->grpprl_len, papx_sprm, &x);
                    }
                }
            }
            (*nruns)++;
        }
    }
    free(seen);
    if (*nruns > 1) /* (an empty table is NULL) */
        qsort(*runs, *nruns, sizeof **runs, cmp_run);
    return KPISCAN_OK;
}

/* Whether a shape of the main text lies behind the text (FSPA's
 * fBelowText): white text over it may be readable, as over a DOCX's or an
 * RTF's shape behind the text. */
static void read_shapes(reader *r, const fib *f)
{
    uint32_t fc, lcb;
    if (!fib_pair(f, FCLCB_SPA_MOM, &fc, &lcb) ||
        !within(fc, lcb, r->table_len) || lcb < 4)
        return;
    size_t n = (lcb - 4) / 30; /* n + 1 positions, n FSPAs of 26 bytes */
    const unsigned char *fspa = r->table + fc + 4 * (n + 1);
    for (size_t i = 0; i < n; i++)
        if (kps_le16(fspa + 26 * i + 20) & FSPA_BELOW_TEXT)
            r->art_behind = 1;
}

/* The style sheet (STSH): each style's kind, base and character
 * properties.  A damaged style sheet is read as far as it holds. */
static int read_styles(reader *r, const fib *f)
{
    uint32_t fc, lcb;
    if (!fib_pair(f, FCLCB_STSHF, &fc, &lcb) || !within(fc, lcb, r->table_len))
        return KPISCAN_OK;
    const unsigned char *s = r->table + fc;
    size_t n = lcb;
    if (n < 2)
        return KPISCAN_OK;
    size_t cb_stshi = kps_le16(s);
    if (!within(2, cb_stshi, n) || cb_stshi < 4)
        return KPISCAN_OK;
    size_t cstd = kps_le16(s + 2), cb_base = kps_le16(s + 4);
    if (cb_base < 10)
        return KPISCAN_OK;
    if (cstd > 4096)
        cstd = 4096;
    if (!(r->styles = calloc(cstd ? cstd : 1, sizeof *r->styles)))
        return nomem(r);
    r->nstyles = cstd;
    size_t at = 2 + cb_stshi;
    for (size_t i = 0; i < cstd && within(at, 2, n); i++) {
        size_t cb = kps_le16(s + at);
        at += 2;
        if (!within(at, cb, n))
            break;
        const unsigned char *std = s + at;
        at += cb;
        if (cb < cb_base)
            continue; /* an empty slot */
        wstyle *w = &r->styles[i];
        w->defined = 1;
        w->kind = (int)(kps_le16(std + 2) & 0xF);
        w->base = (int)(kps_le16(std + 2) >> 4);
        unsigned cupx = kps_le16(std + 4) & 0xF;
        /* the name: a length, that many UTF-16 units and a terminator */
        size_t p = cb_base;
        if (!within(p, 2, cb))
            continue;
        p += 2 + 2 * (size_t)kps_le16(std + p) + 2;
        /* the property lists, each a length and padded to an even length */
        for (unsigned k = 0; k < cupx; k++) {
            if (p % 2)
                p++;
            if (!within(p, 2, cb))
                break;
            size_t len = kps_le16(std + p);
            p += 2;
            if (!within(p, len, cb))
                break;
            const unsigned char *upx = std + p;
            p += len;
            /* a paragraph style: its paragraph list (after an istd), then
             * its character list; a character style: its character list */
            if ((w->kind == STK_PARAGRAPH && k == 1) ||
                (w->kind == STK_CHARACTER && k == 0))
                filter(upx, len, &w->chpx);
        }
    }
    return KPISCAN_OK;
}

/* What style istd (with its bases) gives a run. */
static void style_chp(const reader *r, int istd, chp *c)
{
    const wstyle *chain[MAX_STYLE_CHAIN];
    size_t n = 0;
    int at = istd;
    while (n < MAX_STYLE_CHAIN && at >= 0 && (size_t)at < r->nstyles &&
           at != ISTD_NONE) {
        const wstyle *w = &r->styles[at];
        if (!w->defined ||
            (w->kind != STK_PARAGRAPH && w->kind != STK_CHARACTER))
            break;
        chain[n++] = w;
        if (w->base == at)
            break;
        at = w->base;
    }
    while (n--) {
        chp base = *c;
        chp_apply(c, &base, chain[n]->chpx.g, chain[n]->chpx.len);
    }
}

/* The run of runs (n of them, sorted) holding file position fc, from hint
 * on; NULL when none does. */
static const run *run_at(const run *runs, size_t n, uint32_t fc, size_t *hint)
{
    size_t i = *hint;
    /* text mostly goes on in the run it is in, or the next one */
    if (i < n && runs[i].fc <= fc && fc < runs[i].fc_end)
        return &runs[i];
    if (i + 1 < n && runs[i + 1].fc <= fc && fc < runs[i + 1].fc_end) {
        *hint = i + 1;
        return &runs[i + 1];
    }
    size_t lo = 0, hi = n; /* the last run starting at or before fc */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (runs[mid].fc <= fc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return NULL;
    *hint = lo - 1;
    return fc < runs[lo - 1].fc_end ? &runs[lo - 1] : NULL;
}

/* How a character is shown: what it stands on is its highlight or
 * shading, else its paragraph's shading, else (in a table of a document
 * whose cells are painted somewhere: cell shading is not read cell by
 * cell) something that may be dark, else the page. */
static kps_vis visibility(const reader *r, const chp *c, const run *para)
{
    if (c->vanish || c->half_pt <= 4)
        return KPS_HIDDEN;
    int32_t back = c->back != -1 ? c->back : para ? para->back : -1;
    if (back != -1) /* a pattern (-2) is no plain colour: readable */
        return kps_rgb_near(c->fg, back) ? KPS_HIDDEN : KPS_VISIBLE;
    if (!kps_rgb_white(c->fg))
        return KPS_VISIBLE;
    if (para && para->in_table && r->cells_painted)
        return KPS_VISIBLE;
    return KPS_HIDDEN_WHITE; /* decided at the end: a shape behind? */
}

static int tb_rc(reader *r, int rc)
{
    if (rc != KPISCAN_OK)
        r->status = rc;
    return rc;
}

/* Open the paragraph the next character belongs to (a table cell's first
 * paragraph opens its cell). */
static int open_para(reader *r, const run *para)
{
    if (r->para_open)
        return KPISCAN_OK;
    if (para && para->in_table && !para->ttp && !r->cell_open) {
        if (tb_rc(r, kps_tb_cell_start(r->tb)) != KPISCAN_OK)
            return r->status;
        r->cell_open = 1;
    }
    r->para_open = 1;
    return tb_rc(r, kps_tb_para_start(r->tb));
}

static int close_para(reader *r)
{
    if (!r->para_open)
        return KPISCAN_OK;
    r->para_open = 0;
    return tb_rc(r, kps_tb_para_end(r->tb, 0));
}

/* One character of the text, with its paragraph's properties and its
 * own. */
static int put_char(reader *r, uint32_t ch, const run *para, const chp *c)
{
    if (c->deleted)
        return KPISCAN_OK;
    /* fields: the code between 0x13 and 0x14 is not shown, the result
     * between 0x14 and 0x15 is; past 64 levels all of it counts as code */
    if (ch == 0x13) {
        if (r->field_depth < 64)
            r->field_code |= 1ull << r->field_depth;
        r->field_depth++;
        return KPISCAN_OK;
    }
    if (ch == 0x14 && r->field_depth) {
        if (r->field_depth <= 64)
            r->field_code &= ~(1ull << (r->field_depth - 1));
        return KPISCAN_OK;
    }
    if (ch == 0x15 && r->field_depth) {
        r->field_depth--;
        if (r->field_depth < 64)
            r->field_code &= ~(1ull << r->field_depth);
        return KPISCAN_OK;
    }
    if (r->field_code || r->field_depth > 64)
        return KPISCAN_OK;
    kps_vis vis = visibility(r, c, para);
    switch (ch) {
    case 0x0D: /* the end of a paragraph */
        if (open_para(r, para) != KPISCAN_OK)
            return r->status;
        return close_para(r);
    case 0x07: /* the end of a cell, or of a row */
        if (para && para->ttp) {
            if (close_para(r) != KPISCAN_OK)
                return r->status;
            r->cell_open = 0;
            return tb_rc(r, kps_tb_row_end(r->tb));
        }
        if (!r->cell_open) { /* a cell mark outside what we know as a table */
            if (open_para(r, para) != KPISCAN_OK)
                return r->status;
            return tb_rc(r, kps_tb_text(r->tb, "\t", 1, KPS_VISIBLE));
        }
        if (open_para(r, para) != KPISCAN_OK || close_para(r) != KPISCAN_OK)
            return r->status;
        r->cell_open = 0;
        return tb_rc(r, kps_tb_cell_end(r->tb));
    case 0x0B: /* a line break */
    case 0x0C: /* a page or section break */
    case 0x0E: /* a column break */
        if (open_para(r, para) != KPISCAN_OK)
            return r->status;
        return tb_rc(r, kps_tb_text(r->tb, "\n", 1, vis));
    case 0x09:
        if (open_para(r, para) != KPISCAN_OK)
            return r->status;
        return tb_rc(r, kps_tb_text(r->tb, "\t", 1, vis));
    case 0x1E: ch = '-'; break; /* a non-breaking hyphen */
    default: break;
    }
    if (ch < 0x20) /* pictures, drawings' anchors, note references,
                      optional hyphens and the like */
        return KPISCAN_OK;
    if (ch >= 0xF000 && ch <= 0xF0FF) { /* a symbol font's character */
        ch = kps_wingdings_bullet(ch & 0xFF);
        if (!ch)
            return KPISCAN_OK;
    }
    if (open_para(r, para) != KPISCAN_OK)
        return r->status;
    return tb_rc(r, kps_tb_codepoint(r->tb, ch, vis));
}

/* Character cp of the text and its file position, through the pieces
 * (*pi: a piece to start from, moved to cp's); 0 when no piece holds cp. */
static int char_at(const reader *r, size_t *pi, uint32_t cp, uint32_t *ch,
                   uint32_t *fc)
{
    size_t i = *pi;
    while (i < r->npieces && r->pieces[i].cp_end <= cp)
        i++;
    if (i >= r->npieces || r->pieces[i].cp > cp)
        return 0;
    const piece *pc = &r->pieces[i];
    *pi = i;
    size_t off = pc->fc + (size_t)(cp - pc->cp) * (pc->compressed ? 1 : 2);
    *fc = (uint32_t)off;
    if (pc->compressed) {
        unsigned byte = r->wd[off];
        *ch = byte >= 0x80 && byte < 0xA0 ? kps_cp1252_high[byte - 0x80] : byte;
    } else {
        *ch = kps_le16(r->wd + off);
    }
    return 1;
}

/* The paragraph holding character cp: its properties are those of its
 * mark (a paragraph, cell or row end), wherever the characters before
 * the mark are kept (text added by a fast save lies elsewhere in the
 * file).  *end is set to the CP after the mark. */
static const run *paragraph_of(const reader *r, size_t pi, uint32_t cp,
                               uint32_t cp_end, uint32_t *end, size_t *hint)
{
    uint32_t ch = 0, fc = 0, last_fc = 0;
    int any = 0;
    for (uint32_t k = cp; k < cp_end; k++) {
        if (!char_at(r, &pi, k, &ch, &fc))
            break;
        any = 1;
        last_fc = fc;
        if (ch == 0x0D || ch == 0x07) {
            *end = k + 1;
            return run_at(r->papx, r->npapx, fc, hint);
        }
    }
    *end = cp_end;
    return any ? run_at(r->papx, r->npapx, last_fc, hint) : NULL;
}

/* The characters [cp, cp_end) of the text, through the pieces. */
static int walk_text(reader *r, uint32_t cp, uint32_t cp_end)
{
    size_t chint = 0, phint = 0, pi = 0;
    const run *crun = NULL, *prun = NULL, *last_crun = NULL;
    const piece *last_piece = NULL;
    uint32_t para_end = cp;
    int have = 0;
    chp c = CHP_DEFAULT;
    for (uint32_t k = cp; k < cp_end && r->status == KPISCAN_OK; k++) {
        uint32_t ch, fc;
        if (!char_at(r, &pi, k, &ch, &fc)) /* past the last piece */
            break;
        const piece *pc = &r->pieces[pi];
        int new_para = k >= para_end;
        if (new_para)
            prun = paragraph_of(r, pi, k, cp_end, &para_end, &phint);
        crun = run_at(r->chpx, r->nchpx, fc, &chint);
        if (!have || new_para || crun != last_crun || pc != last_piece) {
            /* the paragraph's style, the run's character style, the run's
             * own properties, then the piece's modifier */
            chp style = CHP_DEFAULT;
            style_chp(r, prun ? prun->istd : 0, &style);
            c = style;
            if (crun) {
                chp_apply(&c, &style, crun->grpprl, crun->grpprl_len);
                if (c.istd >= 0) {
                    chp cs = style;
                    style_chp(r, c.istd, &cs);
                    c = cs;
                    chp_apply(&c, &cs, crun->grpprl, crun->grpprl_len);
                }
            }
            if (pc->prc >= 0)
                chp_apply(&c, &style, r->prcs[pc->prc].g, r->prcs[pc->prc].len);
            if (pc->vanish >= 0)
                c.vanish = toggle((unsigned)pc->vanish, style.vanish);
            last_crun = crun;
            last_piece = pc;
            have = 1;
        }
        if (!pc->compressed) { /* UTF-16: join surrogate pairs */
            if (ch >= 0xD800 && ch <= 0xDBFF) {
                r->high = ch;
                continue;
            }
            if (ch >= 0xDC00 && ch <= 0xDFFF)
                ch = r->high
                         ? 0x10000 + ((r->high - 0xD800) << 10) + (ch - 0xDC00)
                         : 0xFFFD;
            else if (r->high && put_char(r, 0xFFFD, prun, &c) != KPISCAN_OK)
                break;
            r->high = 0;
        }
        if (put_char(r, ch, prun, &c) != KPISCAN_OK)
            break;
    }
    return r->status;
}

/* The end of a story (the main text, the notes): what is open closes. */
static int end_story(reader *r)
{
    r->field_depth = 0;
    r->field_code = 0;
    r->high = 0;
    if (close_para(r) != KPISCAN_OK)
        return r->status;
    r->cell_open = 0;
    return tb_rc(r, kps_tb_end_line(r->tb));
}

/* The last-saved time of the summary properties (PIDSI_LASTSAVE_DTM), as
 * a date; 0 when there is none. */
static int saved_date(const unsigned char *s, size_t n, int *y, int *m, int *d)
{
    if (n < 48 || kps_le16(s) != 0xFFFE)
        return 0;
    size_t sec = kps_le32(s + 44); /* the first section's offset */
    if (!within(sec, 8, n))
        return 0;
    size_t count = kps_le32(s + sec + 4);
    if (count > 1024 || !within(sec + 8, 8 * count, n))
        return 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t id = kps_le32(s + sec + 8 + 8 * i);
        size_t at = sec + (size_t)kps_le32(s + sec + 12 + 8 * i);
        if (id != 13 || !within(at, 12, n) ||
            kps_le32(s + at) != 64) /* FILETIME */
            continue;
        uint64_t ft = (uint64_t)kps_le32(s + at + 4) |
                      (uint64_t)kps_le32(s + at + 8) << 32;
        long long days = (long long)(ft / 864000000000ULL); /* since 1601 */
        /* civil date from days since 1970-01-01 (Howard Hinnant's method) */
        long long z = days - 134774 + 719468;
        long long era = (z >= 0 ? z : z - 146096) / 146097;
        long long doe = z - era * 146097;
        long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long long mp = (5 * doy + 2) / 153;
        int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
        int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
        long long yy = yoe + era * 400 + (mm <= 2);
        if (yy < KPS_DATE_MIN_YEAR || yy > KPS_DATE_MAX_YEAR ||
            !kps_date_valid((int)yy, mm, dd))
            return 0;
        *y = (int)yy;
        *m = mm;
        *d = dd;
        return 1;
    }
    return 0;
}

static void reader_free(reader *r)
{
    free(r->wd);
    free(r->table);
    free(r->pieces);
    free(r->chpx);
    free(r->papx);
    free(r->styles);
    free(r->prcs);
}

/* The stories Word shows, into doc: the main text, then footnotes,
 * endnotes and text boxes after it. */
static int assemble(reader *r, const fib *f, kps_cfb *cfb, kps_doc *doc)
{
    const kps_limits *lim = r->lim;
    size_t total = 0;
    unsigned next_para[2] = {0, 0};
    kps_textbuild tb[2];
    for (int i = 0; i < 2; i++) {
        kps_tb_init(&tb[i], r->name, lim->max_text_bytes, &total, &next_para[i],
                    r->err);
        tb[i].part = "Word document";
    }
    uint64_t at = 0, starts[8];
    for (int i = 0; i < 8; i++) {
        starts[i] = at;
        at += f->ccp[i];
    }
    static const int stories[] = {0, 1, 5, 6}; /* text, notes, boxes */
    for (size_t s = 0; s < sizeof stories / sizeof *stories; s++) {
        int k = stories[s];
        if (!f->ccp[k] || starts[k] >= UINT32_MAX)
            continue;
        uint64_t end = starts[k] + f->ccp[k];
        r->tb = &tb[k != 0];
        if (walk_text(r, (uint32_t)starts[k],
                      (uint32_t)(end < UINT32_MAX ? end : UINT32_MAX)) !=
                KPISCAN_OK ||
            end_story(r) != KPISCAN_OK)
            break;
    }
    int rc = r->status;
    if (rc == KPISCAN_OK)
        rc = kps_tb_append(&tb[0], &tb[1]);
    if (rc == KPISCAN_OK && !kps_tb_has_content(&tb[0]))
        rc = kps_fail(r->err, KPISCAN_ERR_EMPTY, r->name,
                      "Word document with no text");
    /* positions are lines and columns of the text, as for RTF */
    tb[0].nsegs = 0;
    if (rc == KPISCAN_OK)
        rc = kps_tb_finish(&tb[0], !r->art_behind, doc);
    for (int i = 0; i < 2; i++)
        kps_tb_free(&tb[i]);
    if (rc != KPISCAN_OK)
        return rc;
    doc->format = KPS_FORMAT_DOC;
    unsigned char *sum = NULL;
    size_t sum_len = 0;
    if (kps_cfb_read(cfb, "\005SummaryInformation", lim->max_part_bytes, &sum,
                     &sum_len, NULL) == 1)
        saved_date(sum, sum_len, &doc->modified_year, &doc->modified_month,
                   &doc->modified_day);
    free(sum);
    return KPISCAN_OK;
}

/* A compound file that holds no Word document: an Office file saved with
 * a password (its DOCX is in EncryptedPackage), or another kind (a
 * spreadsheet, a presentation, a message). */
static int refuse_other(kps_cfb *cfb, const char *name, kpiscan_error *err)
{
    /* only whether the stream is there matters: a limit of 0 bytes finds
     * it without reading it (a found stream fails the limit, 0 is none) */
    unsigned char *data = NULL;
    size_t len = 0;
    int found = kps_cfb_read(cfb, "EncryptedPackage", 0, &data, &len, NULL);
    free(data);
    if (found != 0)
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                        "password-protected Office document, not supported: "
                        "save it again without a password, as .docx or PDF");
    int rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                      "OLE compound file without a Word document (a "
                      "spreadsheet, a presentation or another Office "
                      "file), not supported: save the resume as .docx or "
                      "PDF");
    /* An .xls, a .ppt or Windows' Thumbs.db beside the resumes is no
     * document, as an .xlsx is not: a walk skips it unless its name says
     * resume (.doc), which stays an error (batch.c). */
    if (err)
        err->not_document = 1;
    return rc;
}

int kps_worddoc_extract(const unsigned char *data, size_t len, const char *name,
                        const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    memset(doc, 0, sizeof *doc);
    kps_cfb cfb;
    int rc = kps_cfb_open(&cfb, data, len, name, lim->max_part_bytes, err);
    if (rc != KPISCAN_OK) {
        kps_cfb_free(&cfb);
        return rc;
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.name = name;
    r.lim = lim;
    r.err = err;
    rc = kps_cfb_read(&cfb, "WordDocument", lim->max_part_bytes, &r.wd,
                      &r.wd_len, err);
    if (rc == 0)
        rc = refuse_other(&cfb, name, err);
    if (rc < 0)
        goto done;
    fib f;
    if ((rc = read_fib(&r, &f)) != KPISCAN_OK)
        goto done;
    if (f.flags & (FIB_ENCRYPTED | FIB_OBFUSCATED)) {
        rc = kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                      "password-protected Word document (.doc), not "
                      "supported: save it again without a password, as "
                      ".docx or PDF");
        goto done;
    }
    if (f.nfib < 0x00C1) {
        rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                      "Word 6.0/95 document, not supported: save it as "
                      ".docx, RTF or PDF");
        goto done;
    }
    const char *table = f.flags & FIB_WHICH_TABLE ? "1Table" : "0Table";
    rc = kps_cfb_read(&cfb, table, lim->max_part_bytes, &r.table, &r.table_len,
                      err);
    if (rc == 0)
        rc = corrupt(&r, "its table stream is missing");
    if (rc < 0)
        goto done;
    if ((rc = read_pieces(&r, &f)) != KPISCAN_OK ||
        (rc = read_fkps(&r, &f, 0)) != KPISCAN_OK ||
        (rc = read_fkps(&r, &f, 1)) != KPISCAN_OK ||
        (rc = read_styles(&r, &f)) != KPISCAN_OK)
        goto done;
    read_shapes(&r, &f);

    rc = assemble(&r, &f, &cfb, doc);
done:
    reader_free(&r);
    kps_cfb_free(&cfb);
    if (rc != KPISCAN_OK)
        kps_doc_free(doc);
    return rc;
}
