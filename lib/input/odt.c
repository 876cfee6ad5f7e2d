/*
 * odt.c - text of an ODT (OpenDocument text) document.
 *
 * content.xml gives the body (paragraphs, headings, lists, tables, frames
 * and text boxes, notes); styles.xml gives the common styles and the
 * headers and footers of the master pages; meta.xml the modification date.
 * Every part is streamed through xmlread.c (libxml2 SAX2).
 *
 * Order of the text: the body, then headers and footers, then the bodies
 * of footnotes and endnotes (which ODF keeps inline at their citation; they
 * are moved so a sentence is not cut in two by its note).  Annotations
 * (comments) and tracked deletions are left out.
 *
 * White space follows ODF 1.2 part 1, 6.1.2: in paragraph content, runs
 * of space, tab and line-feed characters count as one space, and leading
 * white space is dropped; text:s, text:tab and text:line-break give
 * literal spaces, tabs and line breaks.
 *
 * Hidden text, "where the format expresses it": text:display="none" on a
 * style's text properties or on a section, text:hidden-text and
 * text:hidden-paragraph fields marked hidden, near-white fo:color on what
 * looks like a white page, and fo:font-size of 2 pt or less.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"
#include "input/extract.h"
#include "input/xmlread.h"
#include "input/zipread.h"

#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define STYLE_NS "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define FO_NS "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define SVG_NS "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define LOEXT_NS                                                               \
    "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"

typedef enum ns_id {
    NS_OTHER = 0,
    NS_OFFICE,
    NS_TEXT,
    NS_TABLE,
    NS_DRAW,
    NS_STYLE,
    NS_SVG,
    NS_DC
} ns_id;

static const kps_ns_name odt_ns[] = {{OFFICE_NS, NS_OFFICE}, {TEXT_NS, NS_TEXT},
                                     {TABLE_NS, NS_TABLE},   {DRAW_NS, NS_DRAW},
                                     {STYLE_NS, NS_STYLE},   {SVG_NS, NS_SVG},
                                     {DC_NS, NS_DC}};

static ns_id ns_of(kps_ns_cache *c, const char *uri)
{
    return (ns_id)kps_ns_of(c, uri, odt_ns, sizeof odt_ns / sizeof odt_ns[0]);
}

#define ATTR(a, ns, local, len) kps_xml_attr((a), (local), (ns), (ns), (len))

/* ------------------------------------------------------------------ */
/* Property values                                                     */
/* ------------------------------------------------------------------ */

/* "#rrggbb": 1 near white (each channel >= 0xF0), 0 another colour, -1
 * not a colour ("transparent"). */
static int color_near_white(const char *v, size_t n)
{
    if (!v || n != 7 || v[0] != '#')
        return -1;
    return kps_xml_hex_near_white(v + 1, 6);
}

/* A length in points, -1 when unreadable (percentages included). */
static double length_pt(const char *v, size_t n)
{
    return kps_xml_length_pt(v, n, 0); /* ODF lengths carry their unit */
}

/* The same for a coordinate, which may be negative; 0 when unreadable. */
static double signed_length_pt(const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    if (n && *v == '-') {
        double pt = length_pt(v + 1, n - 1);
        return pt > 0 ? -pt : 0;
    }
    double pt = length_pt(v, n);
    return pt > 0 ? pt : 0;
}

/* A percentage "12%" or "12.5 %" as a number, -1 when it is none. */
static double percent(const char *v, size_t n)
{
    char *end;
    char buf[32];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    double x = kps_parse_decimal(buf, &end);
    while (*end == ' ')
        end++;
    return end != buf && *end == '%' ? x : -1;
}

/* Properties that decide visibility: -1 = not set here. */
typedef struct props {
    signed char hidden; /* text:display="none" */
    signed char white;  /* fo:color near white */
    signed char tiny;   /* fo:font-size <= 2pt */
    signed char shaded; /* a non-white background behind the text */
    int32_t color;      /* fo:color as 0xRRGGBB, -1 unset or not a plain
                         * colour (the window's colour, a bad value) */
    int32_t shade_rgb;  /* the background shaded sets, -1 when unknown */
    signed char window; /* 1: the window's colour, 0: fo:color set */
    signed char clear;  /* loext:opacity under 10 %: the colour's alpha */
    signed char behind; /* a shape's style:run-through="background" */
} props;

static const props PROPS_UNSET = {-1, -1, -1, -1, -1, -1, -1, -1, -1};

/* "#RRGGBB" as 0xRRGGBB, -1 for anything else. */
static int32_t hash_rgb(const char *v, size_t n)
{
    return v && n == 7 && v[0] == '#' ? kps_xml_hex_rgb(v + 1, 6) : -1;
}

static void props_over(props *base, const props *over)
{
    if (over->hidden >= 0)
        base->hidden = over->hidden;
    if (over->white >= 0)
        base->white = over->white;
    if (over->tiny >= 0)
        base->tiny = over->tiny;
    if (over->shaded >= 0) {
        base->shaded = over->shaded;
        base->shade_rgb = over->shade_rgb;
    }
    if (over->color >= 0 || over->white >= 0)
        base->color = over->color;
    /* The opacity belongs to the colour it is written with: a style that
     * sets a colour without one makes it opaque. */
    if (over->window >= 0) {
        base->window = over->window;
        base->clear = over->clear >= 0 ? over->clear : 0;
    } else if (over->clear >= 0) {
        base->clear = over->clear;
    }
    if (over->behind >= 0)
        base->behind = over->behind;
}

/* fo:background-color (or draw:fill-color with draw:fill="solid"): does it
 * paint something other than white? */
/* 1 for a coloured background, 0 for a white one, -1 (unset) for
 * "transparent" or anything unreadable: what is beneath shows through. */
static int background_colored(const char *v, size_t n)
{
    int white = v ? color_near_white(v, n) : -1;
    return white < 0 ? -1 : !white;
}

/* ------------------------------------------------------------------ */
/* Styles                                                              */
/* ------------------------------------------------------------------ */

typedef struct ostyle {
    kps_style_key key; /* style:name, style:parent-style-name, family ('p'
                          paragraph, 't' text, 'c' table-cell, 'g' graphic,
                          's' section, 'o' other) */
    props text;        /* style:text-properties (+ background of the family) */
} ostyle;

/* The styles of one set in the order they are defined, found by a hash
 * index on (family, name).  Styles and lookups interleave (a master page's
 * header names a style between two definitions): an array sorted before
 * each lookup was sorted again thousands of times. */
typedef struct style_set {
    ostyle *v;
    size_t n, cap;
    size_t *index;    /* position in v + 1; 0 an empty slot */
    size_t index_cap; /* 0 or a power of two, at least twice n */
    props defaults_p; /* style:default-style family paragraph */
} style_set;

static void style_set_free(style_set *s)
{
    kps_styles_free(s->v, s->n, sizeof *s->v);
    free(s->index);
    memset(s, 0, sizeof *s);
}

/* FNV-1a of the family and the name */
static size_t style_hash(char family, const char *name, size_t n)
{
    uint64_t h = 1469598103934665603ull ^ (unsigned char)family;
    h *= 1099511628211ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)name[i];
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 32));
}

/* The slot of (family, name) in the index: where it is, or the empty slot
 * where it would go. */
static size_t style_slot(const style_set *s, char family, const char *name,
                         size_t n)
{
    size_t mask = s->index_cap - 1, i = style_hash(family, name, n) & mask;
    for (;; i = (i + 1) & mask) {
        size_t at = s->index[i];
        if (!at)
            return i;
        const kps_style_key *k = &s->v[at - 1].key;
        if (k->kind == family && strncmp(k->name, name, n) == 0 &&
            k->name[n] == '\0')
            return i;
    }
}

/* Index v[n - 1], just defined; the first style of a name wins, as ODF
 * names are unique.  KPISCAN_OK or KPISCAN_ERR_NOMEM. */
static int style_set_index_last(style_set *s)
{
    if (2 * s->n > s->index_cap) {
        size_t cap = s->index_cap ? 2 * s->index_cap : 64;
        size_t *index = calloc(cap, sizeof *index);
        if (!index)
            return KPISCAN_ERR_NOMEM;
        free(s->index);
        s->index = index;
        s->index_cap = cap;
        for (size_t i = 0; i + 1 < s->n; i++) {
            const kps_style_key *k = &s->v[i].key;
            size_t at = style_slot(s, k->kind, k->name, strlen(k->name));
            if (!s->index[at])
                s->index[at] = i + 1;
        }
    }
    const kps_style_key *k = &s->v[s->n - 1].key;
    size_t at = style_slot(s, k->kind, k->name, strlen(k->name));
    if (!s->index[at])
        s->index[at] = s->n;
    return KPISCAN_OK;
}

static const ostyle *style_get(const style_set *s, char family,
                               const char *name, size_t n)
{
    /* a NUL inside would end a stored name early: no style has it */
    if (!name || !s->n || !s->index_cap || memchr(name, '\0', n))
        return NULL;
    size_t at = s->index[style_slot(s, family, name, n)];
    return at ? &s->v[at - 1] : NULL;
}

static char family_of(const char *v, size_t n)
{
    if (kps_xml_value_eq(v, n, "paragraph"))
        return 'p';
    if (kps_xml_value_eq(v, n, "text"))
        return 't';
    if (kps_xml_value_eq(v, n, "table-cell"))
        return 'c';
    if (kps_xml_value_eq(v, n, "graphic"))
        return 'g';
    if (kps_xml_value_eq(v, n, "section"))
        return 's';
    return 'o';
}

/* The styles of a document: automatic ones of the part being read, and
 * the common ones of styles.xml that they may inherit from. */
typedef struct styles {
    style_set common;
    style_set auto_styles; /* of styles.xml */
    style_set content_auto;
} styles;

/* Resolve the chain of a style (family, name): automatic styles first,
 * then common ones; parents are common styles.  Cycles and runaway
 * chains stop after 32 steps. */
static props style_props(styles *st, style_set *automatic, char family,
                         const char *name, size_t n)
{
    const ostyle *chain[32];
    size_t depth = 0;
    const ostyle *s = automatic ? style_get(automatic, family, name, n) : NULL;
    if (!s)
        s = style_get(&st->common, family, name, n);
    while (s && depth < 32) {
        chain[depth++] = s;
        if (!s->key.parent)
            break;
        s = style_get(&st->common, family, s->key.parent,
                      strlen(s->key.parent));
    }
    props p = PROPS_UNSET;
    while (depth)
        props_over(&p, &chain[--depth]->text);
    return p;
}

/* ------------------------------------------------------------------ */
/* The walker                                                          */
/* ------------------------------------------------------------------ */

typedef struct opara {
    props p;      /* paragraph style's text properties */
    int hidden;   /* text:hidden-paragraph */
    int at_start; /* no text yet: leading white space is dropped */
    int pending;  /* a collapsed space waits for the next text */
    kps_vis pending_vis;
    kps_textbuild *tb; /* the builder the paragraph writes to */
} opara;

typedef struct span {
    unsigned depth;
    props p;
} span;

typedef enum part_kind { PART_CONTENT, PART_STYLES } part_kind;

typedef struct owalk {
    kpiscan_error *err;
    const char *name;
    const char *part;
    part_kind kind;
    styles *st;
    style_set *automatic;    /* the automatic styles of this part */
    kps_textbuild *main_tb;  /* body or headers */
    kps_textbuild *notes_tb; /* note bodies */
    kps_textbuild *tb;       /* where text goes now */
    int *background_art;
    kps_ns_cache nsc;
    int root_seen;
    unsigned skip_depth;
    /* style definitions */
    ostyle *cur_style; /* inside style:style */
    unsigned cur_style_depth;
    props *cur_default; /* inside style:default-style (paragraph) */
    unsigned cur_default_depth;
    /* where text is read: office:text (content) or a header/footer */
    unsigned text_depth;
    unsigned note_body_depth;
    /* nesting */
    opara *paras;
    size_t npara, paracap;
    span *spans;
    size_t nspans, spancap;
    unsigned *cells; /* open cells with a background of their own: depth
                        << 1, | 1 when that background is coloured */
    size_t ncells, cellcap;
    unsigned *boxes; /* open frames with a fill of their own: depth << 1,
                        | 1 when the fill is coloured */
    size_t nboxes, boxcap;
    unsigned *hidden_sections; /* depths of hidden sections / fields */
    size_t nhidden, hiddencap;
    int found_text_body; /* office:body has office:text */
    int other_body;      /* office:body has a spreadsheet, drawing, ... */
} owalk;

static int nomem(owalk *w)
{
    return kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory");
}

#define PUSH(arr, n, cap)                                                      \
    kps_array_reserve(&(arr), &(cap), (n) + 1, sizeof *(arr), 8)

static int push_depth(owalk *w, unsigned **arr, size_t *n, size_t *cap,
                      unsigned d)
{
    if (kps_array_reserve(arr, cap, *n + 1, sizeof **arr, 8))
        return nomem(w);
    (*arr)[(*n)++] = d;
    return KPISCAN_OK;
}

static void pop_depth(unsigned *arr, size_t *n, unsigned d)
{
    if (*n && arr[*n - 1] == d)
        (*n)--;
}

/* Cells and frames with a background of their own, kept as one value:
 * the element's depth, and whether the background is coloured. */
static int push_layer(owalk *w, unsigned **arr, size_t *n, size_t *cap,
                      unsigned d, int coloured)
{
    return push_depth(w, arr, n, cap, d << 1 | (unsigned)(coloured != 0));
}

static void pop_layer(unsigned *arr, size_t *n, unsigned d)
{
    if (*n && arr[*n - 1] >> 1 == d)
        (*n)--;
}

/* ---- style definitions -------------------------------------------------- */

static int style_start(owalk *w, unsigned d, const char *local,
                       const kps_xml_attrs *a, int is_default)
{
    size_t fn, nn, pn;
    const char *fam = ATTR(a, STYLE_NS, "family", &fn);
    char family = fam ? family_of(fam, fn) : 'o';
    (void)local;
    if (w->cur_style || w->cur_default) {
        /* styles do not nest; a nested one would also move the array
         * cur_style points into */
        w->skip_depth = d;
        return KPISCAN_OK;
    }
    if (is_default) {
        if (family == 'p') {
            w->cur_default = &w->automatic->defaults_p;
            w->cur_default_depth = d;
        }
        return KPISCAN_OK;
    }
    const char *name = ATTR(a, STYLE_NS, "name", &nn);
    if (!name)
        return KPISCAN_OK;
    style_set *set = w->automatic;
    if (kps_array_reserve(&set->v, &set->cap, set->n + 1, sizeof *set->v, 8))
        return nomem(w);
    ostyle *s = &set->v[set->n];
    memset(s, 0, sizeof *s);
    s->key.kind = family;
    s->text = PROPS_UNSET;
    s->key.name = kps_strndup(name, nn);
    const char *parent = ATTR(a, STYLE_NS, "parent-style-name", &pn);
    if (parent)
        s->key.parent = kps_strndup(parent, pn);
    if (!s->key.name || (parent && !s->key.parent)) {
        free(s->key.name);
        free(s->key.parent);
        return nomem(w);
    }
    set->n++;
    if (style_set_index_last(set) != KPISCAN_OK)
        return nomem(w);
    w->cur_style = s;
    w->cur_style_depth = d;
    return KPISCAN_OK;
}

/* style:*-properties of the style being defined. */
static void style_properties(owalk *w, const char *local,
                             const kps_xml_attrs *a)
{
    size_t n;
    const char *v;
    if (strcmp(local, "page-layout-properties") == 0) {
        /* a coloured page: white text may well be visible on it */
        if ((v = ATTR(a, FO_NS, "background-color", &n)) &&
            background_colored(v, n) == 1)
            *w->background_art = 1;
        return;
    }
    props *p = w->cur_style ? &w->cur_style->text : w->cur_default;
    if (!p)
        return;
    if (strcmp(local, "text-properties") == 0) {
        if ((v = ATTR(a, TEXT_NS, "display", &n)))
            p->hidden = (signed char)kps_xml_value_eq(v, n, "none");
        if ((v = ATTR(a, FO_NS, "color", &n))) {
            p->white = (signed char)(color_near_white(v, n) == 1);
            p->color = hash_rgb(v, n);
            p->window = 0;
        }
        if ((v = ATTR(a, STYLE_NS, "use-window-font-color", &n)) &&
            kps_xml_value_eq(v, n, "true")) {
            p->white = 0;
            p->color = -1; /* the window's colour: it contrasts */
            p->window = 1;
        }
        if ((v = ATTR(a, FO_NS, "font-size", &n))) {
            double pt = length_pt(v, n);
            if (pt >= 0)
                p->tiny = (signed char)(pt <= 2.0);
        }
        /* glyphs squeezed to a tenth of their width, or set as a
         * superscript of a tenth of the size ("0% 1%"), cannot be read */
        if ((v = ATTR(a, STYLE_NS, "text-scale", &n))) {
            double x = percent(v, n);
            if (x >= 0 && x <= 10)
                p->tiny = 1;
        }
        if ((v = ATTR(a, STYLE_NS, "text-position", &n))) {
            const char *sp = memchr(v, ' ', n);
            if (sp) {
                double x = percent(sp + 1, n - (size_t)(sp + 1 - v));
                if (x >= 0 && x <= 10)
                    p->tiny = 1;
            }
        }
        /* LibreOffice's text transparency: 0 % opacity draws nothing,
         * except on the window's colour, whose own alpha LibreOffice
         * writes as "0%" in every document's default style and ignores */
        if ((v = ATTR(a, LOEXT_NS, "opacity", &n))) {
            double x = percent(v, n);
            if (x >= 0)
                p->clear = (signed char)(x < 10);
        }
        if ((v = ATTR(a, FO_NS, "background-color", &n))) {
            p->shaded = (signed char)background_colored(v, n);
            p->shade_rgb = hash_rgb(v, n);
        }
    } else if (strcmp(local, "paragraph-properties") == 0 ||
               strcmp(local, "table-cell-properties") == 0) {
        if ((v = ATTR(a, FO_NS, "background-color", &n))) {
            p->shaded = (signed char)background_colored(v, n);
            p->shade_rgb = hash_rgb(v, n);
        }
    } else if (strcmp(local, "graphic-properties") == 0) {
        if ((v = ATTR(a, STYLE_NS, "run-through", &n)))
            p->behind = (signed char)kps_xml_value_eq(v, n, "background");
        size_t fn;
        const char *fill = ATTR(a, DRAW_NS, "fill", &fn);
        const char *fc = ATTR(a, DRAW_NS, "fill-color", &n);
        if (fill && kps_xml_value_eq(fill, fn, "solid") && fc)
            p->shaded = (signed char)background_colored(fc, n);
        else if (fill && (kps_xml_value_eq(fill, fn, "gradient") ||
                          kps_xml_value_eq(fill, fn, "bitmap") ||
                          kps_xml_value_eq(fill, fn, "hatch")))
            p->shaded = 1;
        else if ((v = ATTR(a, FO_NS, "background-color", &n)))
            p->shaded = (signed char)background_colored(v, n);
    }
}

/* ---- text ------------------------------------------------------------- */

static opara *cur_para(owalk *w)
{
    return w->npara ? &w->paras[w->npara - 1] : NULL;
}

static kps_vis visibility(owalk *w)
{
    opara *pa = cur_para(w);
    props e = w->st->common.defaults_p; /* style:default-style */
    if (pa)
        props_over(&e, &pa->p);
    for (size_t i = 0; i < w->nspans; i++)
        props_over(&e, &w->spans[i].p);
    if (e.hidden == 1 || e.tiny == 1 || w->nhidden || (pa && pa->hidden) ||
        (e.clear == 1 && e.window != 1))
        return KPS_HIDDEN;
    /* What the text stands on is the innermost background set: a span's
     * or paragraph's own, else the innermost cell's or frame's (white text
     * in a white cell or paragraph inside a navy one is still hidden). */
    signed char text_bg = pa ? pa->p.shaded : -1;
    int32_t bg_rgb = pa ? pa->p.shade_rgb : -1;
    for (size_t i = 0; i < w->nspans; i++)
        if (w->spans[i].p.shaded >= 0) {
            text_bg = w->spans[i].p.shaded;
            bg_rgb = w->spans[i].p.shade_rgb;
        }
    /* text the colour of its own background: a bar, not words, whatever
     * the colour (a cell's or frame's colour is known only as dark) */
    if (text_bg >= 0 && kps_rgb_near(e.color, bg_rgb))
        return KPS_HIDDEN;
    int dark;
    if (text_bg >= 0)
        dark = text_bg == 1;
    else {
        unsigned cell = w->ncells ? w->cells[w->ncells - 1] : 0;
        unsigned box = w->nboxes ? w->boxes[w->nboxes - 1] : 0;
        unsigned inner = cell >> 1 > box >> 1 ? cell : box;
        dark = (w->ncells || w->nboxes) && (inner & 1);
    }
    if (e.white == 1 && !dark)
        return KPS_HIDDEN_WHITE;
    return KPS_VISIBLE;
}

static int flush_pending(owalk *w, opara *pa)
{
    if (!pa || !pa->pending)
        return KPISCAN_OK;
    pa->pending = 0;
    return kps_tb_text(w->tb, " ", 1, pa->pending_vis);
}

/* Character data of a paragraph, with ODF's white-space collapsing. */
static int para_text(owalk *w, const char *s, size_t n)
{
    opara *pa = cur_para(w);
    kps_vis vis = visibility(w);
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            if (!pa->at_start && !pa->pending) {
                pa->pending = 1;
                pa->pending_vis = vis;
            }
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' &&
               s[j] != '\r')
            j++;
        int rc = flush_pending(w, pa);
        if (rc == KPISCAN_OK)
            rc = kps_tb_text(w->tb, s + i, j - i, vis);
        if (rc != KPISCAN_OK)
            return rc;
        pa->at_start = 0;
        i = j;
    }
    return KPISCAN_OK;
}

/* text:s, text:tab, text:line-break: literal white space. */
static int literal(owalk *w, const char *s, size_t n, size_t count,
                   int starts_line)
{
    opara *pa = cur_para(w);
    if (!pa)
        return KPISCAN_OK;
    kps_vis vis = visibility(w);
    int rc = flush_pending(w, pa);
    if (n == 1 && count > 1) {
        /* runs of spaces in slices, so a huge text:c meets the text limit
         * after a few calls */
        char slice[64];
        memset(slice, s[0], sizeof slice);
        while (rc == KPISCAN_OK && count) {
            size_t k = count < sizeof slice ? count : sizeof slice;
            rc = kps_tb_text(w->tb, slice, k, vis);
            count -= k;
        }
    } else {
        while (rc == KPISCAN_OK && count--)
            rc = kps_tb_text(w->tb, s, n, vis);
    }
    pa->at_start = starts_line;
    return rc;
}

static int para_start(owalk *w, const kps_xml_attrs *a)
{
    opara *outer = cur_para(w);
    if (outer && outer->tb == w->tb) {
        /* a paragraph inside one (text box): the outer one resumes on a
         * line of its own, where leading white space is dropped.  (A note
         * body goes elsewhere, so its paragraph leaves the line alone.) */
        outer->pending = 0;
        outer->at_start = 1;
    }
    if (PUSH(w->paras, w->npara, w->paracap))
        return nomem(w);
    opara *pa = &w->paras[w->npara++];
    memset(pa, 0, sizeof *pa);
    pa->at_start = 1;
    pa->tb = w->tb;
    size_t n;
    const char *sn = ATTR(a, TEXT_NS, "style-name", &n);
    pa->p = sn ? style_props(w->st, w->automatic, 'p', sn, n) : PROPS_UNSET;
    return kps_tb_para_start(w->tb);
}

static int para_end(owalk *w)
{
    if (!w->npara)
        return KPISCAN_OK;
    w->npara--; /* a pending space at the end of a paragraph is dropped */
    return kps_tb_para_end(w->tb, 0);
}

/* Is this an element whose whole subtree carries no text of ours? */
static int skipped_subtree(ns_id ns, const char *local)
{
    switch (ns) {
    case NS_OFFICE:
        return strcmp(local, "annotation") == 0 ||
               strcmp(local, "annotation-end") == 0 ||
               strcmp(local, "forms") == 0 ||
               strcmp(local, "event-listeners") == 0;
    case NS_TEXT:
        return strcmp(local, "tracked-changes") == 0 ||
               strcmp(local, "note-citation") == 0 ||
               strcmp(local, "sequence-decls") == 0 ||
               strcmp(local, "variable-decls") == 0 ||
               strcmp(local, "user-field-decls") == 0 ||
               strcmp(local, "dde-connection-decls") == 0 ||
               strcmp(local, "table-of-content-source") == 0 ||
               strcmp(local, "alphabetical-index-source") == 0 ||
               strcmp(local, "illustration-index-source") == 0 ||
               strcmp(local, "table-index-source") == 0 ||
               strcmp(local, "object-index-source") == 0 ||
               strcmp(local, "user-index-source") == 0 ||
               strcmp(local, "bibliography-source") == 0 ||
               strcmp(local, "number") == 0;
    case NS_SVG:
        return strcmp(local, "title") == 0 || strcmp(local, "desc") == 0;
    case NS_DRAW:
        return strcmp(local, "object") == 0 || strcmp(local, "object-ole") == 0;
    default: return 0;
    }
}

static int text_start(owalk *w, unsigned d, ns_id ns, const char *local,
                      const kps_xml_attrs *a)
{
    size_t n;
    const char *v;
    if (skipped_subtree(ns, local)) {
        w->skip_depth = d;
        return KPISCAN_OK;
    }
    if (ns == NS_TEXT) {
        if (strcmp(local, "p") == 0 || strcmp(local, "h") == 0)
            return para_start(w, a);
        if (strcmp(local, "span") == 0) {
            if (PUSH(w->spans, w->nspans, w->spancap))
                return nomem(w);
            span *sp = &w->spans[w->nspans++];
            sp->depth = d;
            v = ATTR(a, TEXT_NS, "style-name", &n);
            sp->p =
                v ? style_props(w->st, w->automatic, 't', v, n) : PROPS_UNSET;
            return KPISCAN_OK;
        }
        if (strcmp(local, "s") == 0) {
            v = ATTR(a, TEXT_NS, "c", &n);
            size_t count = 1;
            if (v) {
                count = 0;
                for (size_t i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
                    /* the text limit stops absurd counts; keep it bounded */
                    if (count > w->tb->max_text)
                        break;
                    count = count * 10 + (size_t)(v[i] - '0');
                }
            }
            if (count > w->tb->max_text)
                count = w->tb->max_text + 1;
            return literal(w, " ", 1, count, 0);
        }
        if (strcmp(local, "tab") == 0)
            return literal(w, "\t", 1, 1, 0);
        if (strcmp(local, "line-break") == 0)
            return literal(w, "\n", 1, 1, 1);
        if (strcmp(local, "note-body") == 0 && !w->note_body_depth) {
            /* note bodies go after the body: a sentence stays whole */
            w->note_body_depth = d;
            w->tb = w->notes_tb;
            return KPISCAN_OK;
        }
        if (strcmp(local, "section") == 0) {
            v = ATTR(a, TEXT_NS, "display", &n);
            if (v && kps_xml_value_eq(v, n, "none"))
                return push_depth(w, &w->hidden_sections, &w->nhidden,
                                  &w->hiddencap, d);
            return KPISCAN_OK;
        }
        if (strcmp(local, "hidden-text") == 0) {
            v = ATTR(a, TEXT_NS, "is-hidden", &n);
            if (v && kps_xml_value_eq(v, n, "true"))
                return push_depth(w, &w->hidden_sections, &w->nhidden,
                                  &w->hiddencap, d);
            return KPISCAN_OK;
        }
        if (strcmp(local, "hidden-paragraph") == 0) {
            v = ATTR(a, TEXT_NS, "is-hidden", &n);
            if (v && kps_xml_value_eq(v, n, "true") && cur_para(w))
                cur_para(w)->hidden = 1;
            return KPISCAN_OK;
        }
        return KPISCAN_OK;
    }
    if (ns == NS_TABLE) {
        if (strcmp(local, "table-cell") == 0 ||
            strcmp(local, "covered-table-cell") == 0) {
            kps_tb_cell_start(w->tb);
            v = ATTR(a, TABLE_NS, "style-name", &n);
            props p =
                v ? style_props(w->st, w->automatic, 'c', v, n) : PROPS_UNSET;
            if (p.shaded >= 0)
                return push_layer(w, &w->cells, &w->ncells, &w->cellcap, d,
                                  p.shaded == 1);
        }
        return KPISCAN_OK;
    }
    if (ns == NS_DRAW) {
        if (strcmp(local, "frame") == 0 || strcmp(local, "custom-shape") == 0 ||
            strcmp(local, "rect") == 0) {
            /* a shape not displayed, placed far off the page (750 pt to
             * the left or above its anchor: past any page's width) or a
             * point wide or high shows none of its text */
            v = ATTR(a, DRAW_NS, "display", &n);
            int gone = v && kps_xml_value_eq(v, n, "none");
            static const char *const place[] = {"x", "y"};
            for (size_t i = 0; i < 2 && !gone; i++)
                if ((v = ATTR(a, SVG_NS, place[i], &n)))
                    gone = signed_length_pt(v, n) <= -750;
            static const char *const size[] = {"width", "height"};
            for (size_t i = 0; i < 2 && !gone; i++)
                if ((v = ATTR(a, SVG_NS, size[i], &n))) {
                    double pt = length_pt(v, n);
                    gone = pt >= 0 && pt < 1;
                }
            if (gone)
                return push_depth(w, &w->hidden_sections, &w->nhidden,
                                  &w->hiddencap, d);
            v = ATTR(a, DRAW_NS, "style-name", &n);
            props p =
                v ? style_props(w->st, w->automatic, 'g', v, n) : PROPS_UNSET;
            /* A coloured shape drawn behind the text (a template's dark
             * sidebar): white text may well stand on it, as on a coloured
             * page. */
            if (p.behind == 1 && p.shaded == 1)
                *w->background_art = 1;
            if (p.shaded >= 0)
                return push_layer(w, &w->boxes, &w->nboxes, &w->boxcap, d,
                                  p.shaded == 1);
        }
        return KPISCAN_OK;
    }
    return KPISCAN_OK;
}

static int text_end(owalk *w, unsigned d, ns_id ns, const char *local)
{
    if (ns == NS_TEXT) {
        if (strcmp(local, "p") == 0 || strcmp(local, "h") == 0)
            return para_end(w);
        if (strcmp(local, "span") == 0) {
            if (w->nspans && w->spans[w->nspans - 1].depth == d)
                w->nspans--;
        } else if (strcmp(local, "note-body") == 0 && w->note_body_depth == d) {
            w->note_body_depth = 0;
            w->tb = w->main_tb;
        } else {
            pop_depth(w->hidden_sections, &w->nhidden, d);
        }
        return KPISCAN_OK;
    }
    if (ns == NS_TABLE) {
        if (strcmp(local, "table-cell") == 0 ||
            strcmp(local, "covered-table-cell") == 0) {
            pop_layer(w->cells, &w->ncells, d);
            return kps_tb_cell_end(w->tb);
        }
        if (strcmp(local, "table-row") == 0)
            return kps_tb_row_end(w->tb);
        return KPISCAN_OK;
    }
    if (ns == NS_DRAW) {
        pop_layer(w->boxes, &w->nboxes, d);
        pop_depth(w->hidden_sections, &w->nhidden, d);
    }
    return KPISCAN_OK;
}

/* ---- SAX callbacks --------------------------------------------------------
 */

static int is_header_footer(const char *local)
{
    return strcmp(local, "header") == 0 || strcmp(local, "header-left") == 0 ||
           strcmp(local, "header-first") == 0 || strcmp(local, "footer") == 0 ||
           strcmp(local, "footer-left") == 0 ||
           strcmp(local, "footer-first") == 0;
}

static int on_start(void *user, kps_xml *x, const char *local, const char *uri,
                    const kps_xml_attrs *a)
{
    owalk *w = user;
    if (w->skip_depth)
        return KPISCAN_OK;
    unsigned d = kps_xml_depth(x);
    ns_id ns = ns_of(&w->nsc, uri);
    if (!w->root_seen) {
        w->root_seen = 1;
        const char *want =
            w->kind == PART_CONTENT ? "document-content" : "document-styles";
        if (ns != NS_OFFICE || strcmp(local, want) != 0) {
            if (w->kind == PART_CONTENT)
                return kps_fail(w->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, w->name,
                                "not an ODT document");
            w->skip_depth = d; /* a strange styles.xml: ignore it */
        }
        return KPISCAN_OK;
    }
    if (w->text_depth)
        return text_start(w, d, ns, local, a);

    if (ns == NS_OFFICE && d == 2 && strcmp(local, "body") == 0)
        return KPISCAN_OK;
    if (ns == NS_OFFICE && d == 3 && w->kind == PART_CONTENT) {
        if (strcmp(local, "text") == 0) {
            w->found_text_body = 1;
            w->text_depth = d;
        } else {
            w->other_body = 1;
            w->skip_depth = d;
        }
        return KPISCAN_OK;
    }
    if (ns == NS_STYLE) {
        if (strcmp(local, "style") == 0)
            return style_start(w, d, local, a, 0);
        if (strcmp(local, "default-style") == 0)
            return style_start(w, d, local, a, 1);
        if (strcmp(local, "text-properties") == 0 ||
            strcmp(local, "paragraph-properties") == 0 ||
            strcmp(local, "table-cell-properties") == 0 ||
            strcmp(local, "graphic-properties") == 0 ||
            strcmp(local, "page-layout-properties") == 0) {
            style_properties(w, local, a);
            return KPISCAN_OK;
        }
        if (w->kind == PART_STYLES && is_header_footer(local)) {
            size_t n;
            const char *disp = ATTR(a, STYLE_NS, "display", &n);
            if ((disp && kps_xml_value_eq(disp, n, "false")) || w->cur_style ||
                w->cur_default) {
                w->skip_depth = d; /* switched off, or misplaced */
                return KPISCAN_OK;
            }
            w->text_depth = d;
            return KPISCAN_OK;
        }
        return KPISCAN_OK;
    }
    if (ns == NS_OFFICE && w->kind == PART_STYLES && d == 2) {
        /* office:styles holds the common styles; every other style of
         * styles.xml is automatic (or a master page) */
        w->automatic =
            strcmp(local, "styles") == 0 ? &w->st->common : &w->st->auto_styles;
    }
    return KPISCAN_OK;
}

static int on_end(void *user, kps_xml *x, const char *local, const char *uri)
{
    owalk *w = user;
    unsigned d = kps_xml_depth(x);
    if (w->skip_depth) {
        if (d == w->skip_depth)
            w->skip_depth = 0;
        return KPISCAN_OK;
    }
    ns_id ns = ns_of(&w->nsc, uri);
    if (w->text_depth) {
        if (d == w->text_depth) {
            w->text_depth = 0;
            return kps_tb_end_line(w->tb);
        }
        return text_end(w, d, ns, local);
    }
    if (d == w->cur_style_depth) {
        w->cur_style = NULL;
        w->cur_style_depth = 0;
    } else if (d == w->cur_default_depth) {
        w->cur_default = NULL;
        w->cur_default_depth = 0;
    }
    return KPISCAN_OK;
}

static int on_text(void *user, kps_xml *x, const char *s, size_t n)
{
    (void)x;
    owalk *w = user;
    if (w->skip_depth || !w->text_depth || !w->npara)
        return KPISCAN_OK;
    return para_text(w, s, n);
}

static void owalk_free(owalk *w)
{
    free(w->paras);
    free(w->spans);
    free(w->cells);
    free(w->boxes);
    free(w->hidden_sections);
}

/* ------------------------------------------------------------------ */
/* The package                                                         */
/* ------------------------------------------------------------------ */

static int is_text_mimetype(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
                 s[n - 1] == '\t'))
        n--;
    return kps_xml_value_eq(s, n, "application/vnd.oasis.opendocument.text") ||
           kps_xml_value_eq(
               s, n, "application/vnd.oasis.opendocument.text-template") ||
           kps_xml_value_eq(s, n,
                            "application/vnd.oasis.opendocument.text-master");
}

/* Read and walk one part.  Returns NOT_FOUND quietly when absent. */
static int walk_part(kps_zip *zip, const char *part, part_kind kind,
                     const char *name, const kps_limits *lim, styles *st,
                     kps_textbuild *main_tb, kps_textbuild *notes_tb,
                     int *background_art, int *found_text_body,
                     kpiscan_error *err)
{
    char *xml;
    size_t len;
    int rc = kps_zip_read(zip, part, &xml, &len, err);
    if (rc != KPISCAN_OK)
        return rc;
    owalk w;
    memset(&w, 0, sizeof w);
    w.err = err;
    w.name = name;
    w.part = part;
    w.kind = kind;
    w.st = st;
    w.automatic = kind == PART_CONTENT ? &st->content_auto : &st->auto_styles;
    w.main_tb = main_tb;
    w.notes_tb = notes_tb;
    w.tb = main_tb;
    w.background_art = background_art;
    main_tb->part = part;
    notes_tb->part = part;
    static const kps_xml_handler h = {on_start, on_end, on_text};
    rc = kps_xml_parse(xml, len, name, part, lim, &h, &w, err);
    if (rc == KPISCAN_OK)
        rc = kps_tb_end_line(main_tb);
    if (rc == KPISCAN_OK)
        rc = kps_tb_end_line(notes_tb);
    if (found_text_body)
        *found_text_body = w.found_text_body && !w.other_body;
    owalk_free(&w);
    free(xml);
    return rc;
}

static int odt_run(kps_zip *zip, const char *name, const kps_limits *lim,
                   kps_doc *doc, kpiscan_error *err)
{
    styles st;
    memset(&st, 0, sizeof st);
    st.common.defaults_p = st.auto_styles.defaults_p =
        st.content_auto.defaults_p = PROPS_UNSET;
    size_t total = 0;
    unsigned next_para = 0;
    int background_art = 0;
    kps_textbuild body, headers, notes, notes_h;
    kps_tb_init(&body, name, lim->max_text_bytes, &total, &next_para, err);
    kps_tb_init(&headers, name, lim->max_text_bytes, &total, &next_para, err);
    kps_tb_init(&notes, name, lim->max_text_bytes, &total, &next_para, err);
    kps_tb_init(&notes_h, name, lim->max_text_bytes, &total, &next_para, err);
    char *mime = NULL;
    int rc;

    /* The mimetype, when present, must say "text". */
    size_t mlen;
    rc = kps_zip_read(zip, "mimetype", &mime, &mlen, err);
    if (rc == KPISCAN_OK && !is_text_mimetype(mime, mlen))
        rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                      "not an ODT document");
    int says_text = rc == KPISCAN_OK;
    if (rc == KPISCAN_ERR_NOT_FOUND)
        rc = KPISCAN_OK;
    if (rc != KPISCAN_OK)
        goto done;
    if (!kps_zip_has(zip, "content.xml")) {
        /* With a mimetype that says ODF text it is an ODT that lost its
         * body (cut or rebuilt by hand): damaged, as a DOCX without its
         * main part is, not "not an ODT", which reads as a wrong file. */
        rc = says_text ? kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                                  "content.xml is missing")
                       : kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                                  "not an ODT document");
        goto done;
    }
    /* A password-protected ODT keeps its parts encrypted (the manifest
     * says how): what reads as "not XML" is a lock, not damage. */
    char *manifest = NULL;
    size_t manifest_len;
    /* a manifest that cannot be read says nothing: the parts decide, as
     * before the check (its failure is not this document's error) */
    if (kps_zip_read(zip, "META-INF/manifest.xml", &manifest, &manifest_len,
                     NULL) == KPISCAN_OK &&
        memmem(manifest, manifest_len, "encryption-data", 15))
        rc = kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                      "password-protected ODT document, not supported (save "
                      "it without a password, or as PDF)");
    free(manifest);
    if (rc != KPISCAN_OK)
        goto done;

    /* styles.xml first: content's automatic styles inherit from its common
     * styles.  Its header and footer text is kept aside for later. */
    doc->parts = calloc(2, sizeof *doc->parts);
    if (!doc->parts) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    headers.part_index = notes_h.part_index = 1;
    rc = walk_part(zip, "styles.xml", PART_STYLES, name, lim, &st, &headers,
                   &notes_h, &background_art, NULL, err);
    int have_styles = rc == KPISCAN_OK;
    if (rc == KPISCAN_ERR_NOT_FOUND)
        rc = KPISCAN_OK;
    if (rc != KPISCAN_OK)
        goto done;

    next_para = 0;
    int text_body = 0;
    body.part_index = notes.part_index = 0;
    rc = walk_part(zip, "content.xml", PART_CONTENT, name, lim, &st, &body,
                   &notes, &background_art, &text_body, err);
    if (rc != KPISCAN_OK)
        goto done;
    if (!text_body) {
        rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                      "not an ODT document");
        goto done;
    }
    if ((rc = kps_tb_append(&body, &headers)) != KPISCAN_OK ||
        (rc = kps_tb_append(&body, &notes_h)) != KPISCAN_OK ||
        (rc = kps_tb_append(&body, &notes)) != KPISCAN_OK)
        goto done;

    char *meta;
    size_t meta_len;
    rc = kps_zip_read(zip, "meta.xml", &meta, &meta_len, err);
    if (rc == KPISCAN_OK) {
        rc = kps_xml_modified_date(meta, meta_len, name, "meta.xml", lim, DC_NS,
                                   "date", doc, err);
        free(meta);
    }
    if (rc == KPISCAN_ERR_NOT_FOUND)
        rc = KPISCAN_OK;
    if (rc != KPISCAN_OK)
        goto done;

    if (!kps_tb_has_content(&body)) {
        rc = kps_fail(err, KPISCAN_ERR_EMPTY, name, "empty document");
        goto done;
    }
    doc->parts[0] = kps_strdup("content.xml");
    doc->nparts = 1;
    if (have_styles) {
        doc->parts[1] = kps_strdup("styles.xml");
        doc->nparts = 2;
    }
    if (!doc->parts[0] || (have_styles && !doc->parts[1])) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    rc = kps_tb_finish(&body, !background_art, doc);

done:
    kps_tb_free(&body);
    kps_tb_free(&headers);
    kps_tb_free(&notes);
    kps_tb_free(&notes_h);
    style_set_free(&st.common);
    style_set_free(&st.auto_styles);
    style_set_free(&st.content_auto);
    free(mime);
    return rc;
}

int kps_odt_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    if (!data || !lim || !doc)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "invalid argument");
    memset(doc, 0, sizeof *doc);
    doc->format = KPS_FORMAT_ODT;
    kps_zip *zip = NULL;
    /* ODF entry names are case-sensitive */
    int rc = kps_zip_open(data, len, name, "ODT", 0, lim, &zip, err);
    if (rc == KPISCAN_OK)
        rc = odt_run(zip, name, lim, doc, err);
    kps_zip_close(zip);
    if (rc != KPISCAN_OK) {
        kps_error_mark_corrupt(err, "ODT");
        kps_doc_free(doc);
        doc->format = KPS_FORMAT_ODT;
    }
    return rc;
}
