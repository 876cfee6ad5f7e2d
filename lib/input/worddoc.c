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
 *  - hidden text, flagged and never scored: vanished (sprmCFVanish), 2 pt
 *    or smaller, and text the colour of what it stands on (a highlight or
 *    character shading), else white on the page.  A document with shaded
 *    paragraphs or cells, drawings or pictures may put white text on a
 *    dark fill, so there white text counts as readable (as the DOCX and
 *    RTF readers do where a dark shape lies behind the text);
 *  - formatting comes from the paragraph's style, the run's character
 *    style (each following its base styles) and the run's own properties,
 *    in that order, so a hidden style hides its text as Word shows it;
 *  - tracked deletions are left out (the document as its changes accepted);
 *  - the last-saved date of the summary properties is the document's
 *    "last saved" date.
 *
 * Not read: Word 6.0/95 files (another FIB), files saved with a password
 * (encrypted or obfuscated: refused, named), and formatting carried only by
 * a fast save's single-property piece modifier (Prm0).
 *
 * Bounds: every offset and count read from the file is checked against
 * the stream it points into; text is held to max_text_bytes by the builder,
 * streams to max_part_bytes.
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
/* Reading little-endian fields                                        */
/* ------------------------------------------------------------------ */

static unsigned u16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

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
            return u16(p) + 1; /* the length counts itself less one */
        }
        if (sprm == SPRM_P_CHG_TABS && p[0] == 255)
            return 0; /* a layout of its own; nothing after it matters */
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
        unsigned sprm = u16(g + i);
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
            c->half_pt = (int)u16(op);
        break;
    case SPRM_C_HIGHLIGHT: c->back = ico_color(op[0]); break;
    case SPRM_C_SHD80:
        if (n >= 2) /* icoFore 5 bits, icoBack 5 bits, pattern */
            c->back = ico_color((u16(op) >> 5) & 0x1F);
        break;
    case SPRM_C_SHD:
        if (n >= 11) /* length, cvFore, cvBack, pattern */
            c->back = colorref(op + 5);
        break;
    case SPRM_C_ISTD:
        if (n >= 2)
            c->istd = (int)u16(op);
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

/* ------------------------------------------------------------------ */
/* The reader                                                          */
/* ------------------------------------------------------------------ */

/* One piece of the text: characters [cp, cp_end) at fc in WordDocument,
 * 8-bit ("compressed", Windows-1252) or UTF-16LE. */
typedef struct piece {
    uint32_t cp, cp_end;
    uint32_t fc;
    int compressed;
    const unsigned char *grpprl; /* a Prm1 modifier's properties */
    size_t grpprl_len;
} piece;

/* Properties of the file bytes [fc, fc_end): a character run's property
 * list, or a paragraph's style and table marks. */
typedef struct run {
    uint32_t fc, fc_end;
    const unsigned char *grpprl;
    size_t grpprl_len;
    int istd;     /* paragraph runs: the paragraph's style */
    int in_table; /* paragraph runs: sprmPFInTable */
    int ttp;      /* paragraph runs: a table row's end mark */
} run;

/* A style of the style sheet: its base and its character properties. */
typedef struct wstyle {
    int defined;
    int kind; /* 1 paragraph, 2 character, other: not applied */
    int base;
    const unsigned char *chpx;
    size_t chpx_len;
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
    int shaded; /* shading, a drawing or a picture: white may be readable */
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

/* The FIB's pair fc/lcb number i (FibRgFcLcb97), 0 when the FIB has none. */
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

static int fib_pair(const fib *f, size_t i, uint32_t *fc, uint32_t *lcb)
{
    if (i >= f->nfclcb)
        return 0;
    *fc = u32(f->fclcb + 8 * i);
    *lcb = u32(f->fclcb + 8 * i + 4);
    return *lcb != 0;
}

static int read_fib(reader *r, fib *f)
{
    const unsigned char *d = r->wd;
    size_t n = r->wd_len;
    if (n < 34 || u16(d) != 0xA5EC)
        return corrupt(r, "no Word file information block");
    f->nfib = u16(d + 2);
    f->flags = u16(d + 10);
    size_t at = 32;
    size_t csw = u16(d + at);
    at += 2 + 2 * csw;
    if (!within(at, 2, n))
        return corrupt(r, "file information block cut short");
    size_t cslw = u16(d + at);
    at += 2;
    if (!within(at, 4 * cslw, n) || cslw < 11)
        return corrupt(r, "file information block cut short");
    for (size_t i = 0; i < 8; i++)
        f->ccp[i] = u32(d + at + 4 * (3 + i));
    at += 4 * cslw;
    if (!within(at, 2, n))
        return corrupt(r, "file information block cut short");
    size_t npairs = u16(d + at);
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
    /* property modifiers, kept for Prm1 references */
    const unsigned char *prc[256];
    size_t nprc = 0;
    size_t prc_len[256];
    while (p < end && *p == 0x01) {
        if (end - p < 3)
            return corrupt(r, "piece table cut short");
        size_t cb = u16(p + 1);
        if ((size_t)(end - p - 3) < cb)
            return corrupt(r, "piece table cut short");
        if (nprc < 256) {
            prc[nprc] = p + 3;
            prc_len[nprc++] = cb;
        }
        p += 3 + cb;
    }
    if (end - p < 5 || *p != 0x02)
        return corrupt(r, "no piece table");
    size_t plc = u32(p + 1);
    p += 5;
    if ((size_t)(end - p) < plc || plc < 4 || (plc - 4) % 12 != 0)
        return corrupt(r, "piece table of a wrong size");
    size_t n = (plc - 4) / 12;
    if (n == 0)
        return corrupt(r, "piece table without pieces");
    if (!(r->pieces = calloc(n, sizeof *r->pieces)))
        return nomem(r);
    const unsigned char *pcd = p + 4 * (n + 1);
    for (size_t i = 0; i < n; i++) {
        piece *pc = &r->pieces[i];
        pc->cp = u32(p + 4 * i);
        pc->cp_end = u32(p + 4 * (i + 1));
        if (pc->cp_end < pc->cp || (i && pc->cp < r->pieces[i - 1].cp_end))
            return corrupt(r, "piece table out of order");
        uint32_t fcc = u32(pcd + 8 * i + 2);
        pc->compressed = (fcc >> 30) & 1;
        pc->fc = fcc & 0x3FFFFFFF;
        if (pc->compressed)
            pc->fc /= 2;
        size_t chars = pc->cp_end - pc->cp;
        size_t width = pc->compressed ? 1 : 2;
        if (chars > SIZE_MAX / 2 || !within(pc->fc, chars * width, r->wd_len))
            return corrupt(r, "a piece of text lies outside the document");
        unsigned prm = u16(pcd + 8 * i + 6);
        if ((prm & 1) && (prm >> 1) < nprc) { /* Prm1: a Prc by index */
            pc->grpprl = prc[prm >> 1];
            pc->grpprl_len = prc_len[prm >> 1];
        }
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
    (void)n;
    switch (sprm) {
    case SPRM_P_IN_TABLE: x->run->in_table = op[0] != 0; break;
    case SPRM_P_TTP: x->run->ttp = op[0] != 0; break;
    case SPRM_P_SHD80:
    case SPRM_P_SHD:
    case SPRM_T_SHD80:
    case SPRM_T_SHD:
    case SPRM_T_SHD_2ND:
    case SPRM_T_SHD_3RD:
    case SPRM_P_HUGE_PAPX: /* properties kept elsewhere: maybe shading */
        x->r->shaded = 1;
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
    for (size_t i = 0; i < n; i++) {
        uint32_t pn = u32(bte + 4 * i) & 0x3FFFFF;
        if (!within((size_t)pn * 512, 512, r->wd_len)) /* pn < 2^22 */
            return corrupt(r, "a property page lies outside the document");
        const unsigned char *page = r->wd + (size_t)pn * 512;
        size_t count = page[511];
        /* count + 1 positions, then one entry per run: a byte (character
         * pages) or 13 bytes (paragraph pages) */
        size_t entry = papx ? 13 : 1;
        if (4 * (count + 1) + entry * count > 511)
            return corrupt(r, "a property page holds too many runs");
        if (kps_array_reserve(runs, cap, *nruns + count, sizeof **runs, 64))
            return nomem(r);
        for (size_t k = 0; k < count; k++) {
            run *ru = &(*runs)[*nruns];
            memset(ru, 0, sizeof *ru);
            ru->fc = u32(page + 4 * k);
            ru->fc_end = u32(page + 4 * (k + 1));
            ru->istd = 0;
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
                        ru->istd = (int)u16(page + start);
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
    if (*nruns > 1) /* (an empty table is NULL) */
        qsort(*runs, *nruns, sizeof **runs, cmp_run);
    return KPISCAN_OK;
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
    size_t cb_stshi = u16(s);
    if (!within(2, cb_stshi, n) || cb_stshi < 4)
        return KPISCAN_OK;
    size_t cstd = u16(s + 2), cb_base = u16(s + 4);
    if (cb_base < 10)
        return KPISCAN_OK;
    if (cstd > 4096)
        cstd = 4096;
    if (!(r->styles = calloc(cstd ? cstd : 1, sizeof *r->styles)))
        return nomem(r);
    r->nstyles = cstd;
    size_t at = 2 + cb_stshi;
    for (size_t i = 0; i < cstd && within(at, 2, n); i++) {
        size_t cb = u16(s + at);
        at += 2;
        if (!within(at, cb, n))
            break;
        const unsigned char *std = s + at;
        at += cb;
        if (cb < cb_base)
            continue; /* an empty slot */
        wstyle *w = &r->styles[i];
        w->defined = 1;
        w->kind = (int)(u16(std + 2) & 0xF);
        w->base = (int)(u16(std + 2) >> 4);
        unsigned cupx = u16(std + 4) & 0xF;
        /* the name: a length, that many UTF-16 units and a terminator */
        size_t p = cb_base;
        if (!within(p, 2, cb))
            continue;
        p += 2 + 2 * (size_t)u16(std + p) + 2;
        /* the property lists, each a length and padded to an even length */
        for (unsigned k = 0; k < cupx; k++) {
            if (p % 2)
                p++;
            if (!within(p, 2, cb))
                break;
            size_t len = u16(std + p);
            p += 2;
            if (!within(p, len, cb))
                break;
            const unsigned char *upx = std + p;
            p += len;
            /* a paragraph style: its paragraph list (after an istd), then
             * its character list; a character style: its character list */
            if ((w->kind == 1 && k == 1) || (w->kind == 2 && k == 0)) {
                w->chpx = upx;
                w->chpx_len = len;
            }
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
        if (!w->defined || (w->kind != 1 && w->kind != 2))
            break;
        chain[n++] = w;
        if (w->base == at)
            break;
        at = w->base;
    }
    while (n--) {
        chp base = *c;
        chp_apply(c, &base, chain[n]->chpx, chain[n]->chpx_len);
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

static int is_white(int32_t rgb)
{
    return rgb >= 0 && ((rgb >> 16) & 0xFF) >= 0xF0 &&
           ((rgb >> 8) & 0xFF) >= 0xF0 && (rgb & 0xFF) >= 0xF0;
}

static kps_vis visibility(const chp *c)
{
    if (c->vanish || c->half_pt <= 4)
        return KPS_HIDDEN;
    if (c->back >= 0)
        return kps_rgb_near(c->fg, c->back) ? KPS_HIDDEN : KPS_VISIBLE;
    return is_white(c->fg) ? KPS_HIDDEN_WHITE : KPS_VISIBLE;
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
     * between 0x14 and 0x15 is */
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
    if (r->field_code)
        return KPISCAN_OK;
    kps_vis vis = visibility(c);
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
    case 0x01:                  /* a picture */
    case 0x08: /* a drawing's anchor */ r->shaded = 1; return KPISCAN_OK;
    default: break;
    }
    if (ch < 0x20) /* note references, optional hyphens and the like */
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

/* The characters [cp, cp_end) of the text, through the pieces. */
static int walk_text(reader *r, uint32_t cp, uint32_t cp_end)
{
    size_t chint = 0, phint = 0;
    const run *last_crun = NULL, *last_prun = NULL;
    const unsigned char *last_piece_grpprl = NULL;
    int have = 0;
    chp c = CHP_DEFAULT;
    for (size_t i = 0; i < r->npieces && r->status == KPISCAN_OK; i++) {
        const piece *pc = &r->pieces[i];
        uint32_t a = pc->cp > cp ? pc->cp : cp;
        uint32_t b = pc->cp_end < cp_end ? pc->cp_end : cp_end;
        for (uint32_t k = a; k < b && r->status == KPISCAN_OK; k++) {
            size_t off =
                pc->fc + (size_t)(k - pc->cp) * (pc->compressed ? 1 : 2);
            uint32_t ch, fc = (uint32_t)off;
            if (pc->compressed) {
                unsigned byte = r->wd[off];
                ch = byte >= 0x80 && byte < 0xA0 ? kps_cp1252_high[byte - 0x80]
                                                 : byte;
            } else {
                ch = u16(r->wd + off);
            }
            const run *prun = run_at(r->papx, r->npapx, fc, &phint);
            const run *crun = run_at(r->chpx, r->nchpx, fc, &chint);
            if (!have || prun != last_prun || crun != last_crun ||
                pc->grpprl != last_piece_grpprl) {
                /* the paragraph's style, the run's character style, the
                 * run's own properties, then the piece's modifier */
                chp style = CHP_DEFAULT;
                style_chp(r, prun ? prun->istd : 0, &style);
                c = style;
                if (crun) {
                    chp_apply(&c, &style, crun->grpprl, crun->grpprl_len);
                    if (c.istd >= 0) {
                        chp cs = style;
                        style_chp(r, c.istd, &cs);
                        chp own = cs;
                        chp_apply(&own, &cs, crun->grpprl, crun->grpprl_len);
                        c = own;
                    }
                }
                if (pc->grpprl)
                    chp_apply(&c, &style, pc->grpprl, pc->grpprl_len);
                last_prun = prun;
                last_crun = crun;
                last_piece_grpprl = pc->grpprl;
                have = 1;
            }
            if (!pc->compressed) { /* UTF-16: join surrogate pairs */
                if (ch >= 0xD800 && ch <= 0xDBFF) {
                    r->high = ch;
                    continue;
                }
                if (ch >= 0xDC00 && ch <= 0xDFFF)
                    ch = r->high ? 0x10000 + ((r->high - 0xD800) << 10) +
                                       (ch - 0xDC00)
                                 : 0xFFFD;
                else if (r->high)
                    put_char(r, 0xFFFD, prun, &c);
                r->high = 0;
            }
            put_char(r, ch, prun, &c);
        }
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
    if (n < 48 || u16(s) != 0xFFFE)
        return 0;
    size_t sec = u32(s + 44); /* the first section's offset */
    if (!within(sec, 8, n))
        return 0;
    size_t count = u32(s + sec + 4);
    if (count > 1024 || !within(sec + 8, 8 * count, n))
        return 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t id = u32(s + sec + 8 + 8 * i);
        size_t at = sec + (size_t)u32(s + sec + 12 + 8 * i);
        if (id != 13 || !within(at, 12, n) || u32(s + at) != 64) /* FILETIME */
            continue;
        uint64_t ft = (uint64_t)u32(s + at + 4) | (uint64_t)u32(s + at + 8)
                                                      << 32;
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
        rc = kps_tb_finish(&tb[0], !r->shaded, doc);
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
static int refuse_other(kps_cfb *cfb, const char *name, size_t max,
                        kpiscan_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int found = kps_cfb_read(cfb, "EncryptedPackage", max, &data, &len, NULL);
    free(data);
    if (found != 0)
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                        "password-protected Office document, not supported: "
                        "save it again without a password, as .docx or PDF");
    return kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                    "OLE compound file without a Word document (a "
                    "spreadsheet, a presentation or another Office file), "
                    "not supported: save the resume as .docx or PDF");
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
        rc = refuse_other(&cfb, name, lim->max_part_bytes, err);
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

    rc = assemble(&r, &f, &cfb, doc);
done:
    reader_free(&r);
    kps_cfb_free(&cfb);
    if (rc != KPISCAN_OK)
        kps_doc_free(doc);
    return rc;
}
