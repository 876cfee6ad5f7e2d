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
 *   - hidden text (w:vanish, near-white, <= 2 pt) is kept in the text and
 *     its byte ranges listed in doc->hidden.
 * Elements are matched by namespace URI and local name, never by prefix,
 * so ISO Strict documents read like transitional ones.
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

/* ------------------------------------------------------------------ */
/* Namespaces                                                          */
/* ------------------------------------------------------------------ */

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define WPS_NS                                                                 \
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
#define WP_NS                                                                  \
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define WP_NS_STRICT                                                           \
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing"
#define A_NS "http://schemas.openxmlformats.org/drawingml/2006/main"
#define A_NS_STRICT "http://purl.oclc.org/ooxml/drawingml/main"
#define PIC_NS "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define PIC_NS_STRICT "http://purl.oclc.org/ooxml/drawingml/picture"
#define V_NS "urn:schemas-microsoft-com:vml"
#define M_NS "http://schemas.openxmlformats.org/officeDocument/2006/math"
#define M_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/math"
#define REL_NS "http://schemas.openxmlformats.org/package/2006/relationships"
#define DCTERMS_NS "http://purl.org/dc/terms/"

typedef enum ns_id {
    NS_OTHER = 0,
    NS_W,
    NS_MC,
    NS_WPS,
    NS_WP,
    NS_A,
    NS_PIC,
    NS_V,
    NS_M,
    NS_REL,
    NS_DCTERMS
} ns_id;

static ns_id ns_lookup(const char *uri)
{
    static const struct {
        const char *uri;
        ns_id id;
    } known[] = {
        {W_NS, NS_W},
        {W_NS_STRICT, NS_W},
        {MC_NS, NS_MC},
        {WPS_NS, NS_WPS},
        {WP_NS, NS_WP},
        {WP_NS_STRICT, NS_WP},
        {A_NS, NS_A},
        {A_NS_STRICT, NS_A},
        {PIC_NS, NS_PIC},
        {PIC_NS_STRICT, NS_PIC},
        {V_NS, NS_V},
        {M_NS, NS_M},
        {M_NS_STRICT, NS_M},
        {REL_NS, NS_REL},
        {DCTERMS_NS, NS_DCTERMS},
    };
    if (!uri)
        return NS_OTHER;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(uri, known[i].uri) == 0)
            return known[i].id;
    return NS_OTHER;
}

/* libxml2 hands out namespace URIs from its dictionary, so one namespace
 * arrives as one pointer for a whole part: remember the last few. */
typedef struct ns_cache {
    const char *uri[4];
    ns_id id[4];
    unsigned next;
} ns_cache;

static ns_id ns_of(ns_cache *c, const char *uri)
{
    if (!uri)
        return NS_OTHER;
    for (unsigned i = 0; i < 4; i++)
        if (c->uri[i] == uri)
            return c->id[i];
    ns_id id = ns_lookup(uri);
    c->uri[c->next] = uri;
    c->id[c->next] = id;
    c->next = (c->next + 1) % 4;
    return id;
}

/* w:val and friends: WordprocessingML attributes are namespaced (either
 * flavour); accept unqualified ones too, as some generators write them. */
static const char *w_attr(const kps_xml_attrs *a, const char *local,
                          size_t *len)
{
    const char *v = kps_xml_attr(a, local, W_NS, W_NS_STRICT, len);
    if (!v)
        v = kps_xml_attr(a, local, NULL, NULL, len);
    return v;
}

/* An attribute in no namespace. */
static const char *plain_attr(const kps_xml_attrs *a, const char *local,
                              size_t *len)
{
    return kps_xml_attr(a, local, NULL, NULL, len);
}

/* ------------------------------------------------------------------ */
/* Property values                                                     */
/* ------------------------------------------------------------------ */

/* A run property seen in styles or direct formatting: -1 = not set. */
typedef struct rprops {
    signed char vanish; /* w:vanish */
    signed char white;  /* w:color near white */
    signed char tiny;   /* w:sz <= 4 half-points */
    signed char shaded; /* w:shd / w:highlight give a non-white background */
} rprops;

static const rprops RPROPS_UNSET = {-1, -1, -1, -1};

/* Symbol fonts show glyph codes, not characters. */
typedef enum font_kind { FONT_TEXT = 0, FONT_SYMBOL, FONT_WINGDINGS } font_kind;

static void rprops_over(rprops *base, const rprops *over)
{
    if (over->vanish >= 0)
        base->vanish = over->vanish;
    if (over->white >= 0)
        base->white = over->white;
    if (over->tiny >= 0)
        base->tiny = over->tiny;
    if (over->shaded >= 0)
        base->shaded = over->shaded;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "RRGGBB" with every channel >= 0xF0: 1; another colour: 0; -1 when v is
 * not a hex colour ("auto"). */
static int hex_near_white(const char *v, size_t n)
{
    if (n != 6)
        return -1;
    for (size_t i = 0; i < 6; i++)
        if (hexval(v[i]) < 0)
            return -1;
    for (size_t i = 0; i < 6; i += 2)
        if (hexval(v[i]) * 16 + hexval(v[i + 1]) < 0xF0)
            return 0;
    return 1;
}

/* On/off values (ST_OnOff): absent means on. */
static int onoff(const char *v, size_t n)
{
    if (!v)
        return 1;
    return !(kps_xml_value_eq(v, n, "0") || kps_xml_value_eq(v, n, "false") ||
             kps_xml_value_eq(v, n, "off"));
}

/* A font size in half-points: a plain number, or (ISO Strict) a measure
 * with a unit.  Returns -1 when unreadable. */
static double half_points(const char *v, size_t n)
{
    double pt = kps_xml_length_pt(v, n, 0.5); /* a bare w:sz: half-points */
    return pt < 0 ? -1 : pt * 2;
}

/* A w:shd element: does it paint a visible (non-white) background? */
static int shd_is_colored(const kps_xml_attrs *a)
{
    size_t n;
    const char *fill = w_attr(a, "fill", &n);
    if (fill && !kps_xml_value_eq(fill, n, "auto") &&
        hex_near_white(fill, n) == 0)
        return 1;
    const char *val = w_attr(a, "val", &n);
    if (val && kps_xml_value_eq(val, n, "solid")) {
        /* a solid pattern shows its pattern colour; "auto" is black here */
        const char *color = w_attr(a, "color", &n);
        if (!color || hex_near_white(color, n) != 1)
            return 1;
    }
    return 0;
}

/* Apply one child of a w:rPr to props.  Returns 1 when it was a run
 * property we track. */
static int apply_rpr_child(rprops *p, const char *local, const kps_xml_attrs *a)
{
    size_t n;
    const char *v;
    switch (local[0]) {
    case 'v':
        if (strcmp(local, "vanish") == 0) {
            v = w_attr(a, "val", &n);
            p->vanish = (signed char)onoff(v, n);
            return 1;
        }
        break;
    case 'c':
        if (strcmp(local, "color") == 0) {
            v = w_attr(a, "val", &n);
            p->white = (signed char)(v && hex_near_white(v, n) == 1);
            return 1;
        }
        break;
    case 's':
        if (strcmp(local, "sz") == 0) {
            v = w_attr(a, "val", &n);
            double hp = half_points(v, n);
            if (hp >= 0)
                p->tiny = (signed char)(hp <= 4.0);
            return 1;
        }
        if (strcmp(local, "shd") == 0) {
            p->shaded = (signed char)shd_is_colored(a);
            return 1;
        }
        break;
    case 'h':
        if (strcmp(local, "highlight") == 0) {
            v = w_attr(a, "val", &n);
            p->shaded = (signed char)(v && !kps_xml_value_eq(v, n, "none") &&
                                      !kps_xml_value_eq(v, n, "white"));
            return 1;
        }
        break;
    default: break;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Cheap checks on raw XML, so big parts are parsed only when it pays   */
/* ------------------------------------------------------------------ */

/* memmem() (glibc's is vectorised; these scans run over ~300 KB of
 * styles.xml per document). */
static const char *find_bytes(const char *hay, size_t n, const char *needle,
                              size_t k)
{
    return memmem(hay, n, needle, k);
}

/* Within the tag that holds s[at], find val="..." and return its value. */
static const char *raw_tag_val(const char *s, size_t n, size_t at, size_t *len)
{
    size_t end = at + 256 < n ? at + 256 : n;
    for (size_t i = at; i + 5 < end && s[i] != '>'; i++) {
        if (memcmp(s + i, "val=", 4) != 0)
            continue;
        char q = s[i + 4];
        if (q != '"' && q != '\'')
            return NULL;
        const char *v = s + i + 5;
        const char *close = memchr(v, q, (size_t)(s + end - v));
        if (!close)
            return NULL;
        *len = (size_t)(close - v);
        return v;
    }
    return NULL;
}

/* Could some colour in this XML be near white?  Conservative: it looks at
 * every "color" tag's val. */
static int raw_has_white(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    while ((p = find_bytes(p, (size_t)(end - p), "color", 5)) != NULL) {
        size_t len;
        const char *v = raw_tag_val(s, n, (size_t)(p - s) + 5, &len);
        if (v && hex_near_white(v, len) == 1)
            return 1;
        p += 5;
    }
    return 0;
}

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

enum { RAW_HIDING = 1, RAW_SHADING = 2 };

/* One pass over the tags of styles.xml: does any style other than a
 * table style (or the document defaults) carry a property that can hide
 * text (RAW_HIDING: vanish, near-white colour, size <= 2 pt), or a
 * background (RAW_SHADING: shd, highlight)?  Table styles are skipped:
 * they are not applied here, and Word's built-in dark table styles carry
 * white text.  Conservative: a false "yes" only costs a parse.  Real CV
 * styles.xml parts are ~300 KB and this scan is what keeps them cheap. */
static unsigned raw_style_scan(const char *s, size_t n)
{
    unsigned found = 0;
    int in_table = 0;
    const char *p = s, *end = s + n;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if (p >= end)
            break;
        if (*p == '!' && (size_t)(end - p) > 8 && memcmp(p, "!DOCTYPE", 8) == 0)
            return RAW_HIDING; /* parse it, so the DOCTYPE is refused */
        if (*p == '/' || *p == '?' || *p == '!')
            continue;
        const char *name = p;
        while (p < end && !is_xml_space(*p) && *p != '/' && *p != '>')
            p++;
        const char *colon = memchr(name, ':', (size_t)(p - name));
        const char *local = colon ? colon + 1 : name;
        size_t llen = (size_t)(p - local), vlen;
        size_t at = (size_t)(p - s);
        const char *v;
        if (llen == 5 && memcmp(local, "style", 5) == 0) {
            const char *gt = memchr(p, '>', (size_t)(end - p));
            size_t tag = gt ? (size_t)(gt - p) : 0;
            in_table = find_bytes(p, tag, "type=\"table\"", 12) ||
                       find_bytes(p, tag, "type='table'", 12);
            continue;
        }
        if (in_table)
            continue;
        if (llen == 6 && memcmp(local, "vanish", 6) == 0) {
            found |= RAW_HIDING;
        } else if (llen == 5 && memcmp(local, "color", 5) == 0) {
            v = raw_tag_val(s, n, at, &vlen);
            if (v && hex_near_white(v, vlen) == 1)
                found |= RAW_HIDING;
        } else if (llen == 2 && memcmp(local, "sz", 2) == 0) {
            v = raw_tag_val(s, n, at, &vlen);
            double hp = v ? half_points(v, vlen) : -1;
            if (hp >= 0 && hp <= 4.0)
                found |= RAW_HIDING;
        } else if ((llen == 3 && memcmp(local, "shd", 3) == 0) ||
                   (llen == 9 && memcmp(local, "highlight", 9) == 0)) {
            found |= RAW_SHADING;
        }
        if (found & RAW_HIDING)
            break;
    }
    return found;
}

/* ------------------------------------------------------------------ */
/* Styles (word/styles.xml)                                            */
/* ------------------------------------------------------------------ */

typedef struct style {
    char *id;
    char *based_on;
    char type; /* 'p' paragraph, 'c' character, 'o' other */
    int is_default;
    rprops own, eff;
    signed char para_shaded_own, para_shaded_eff;
    int state; /* 0 unresolved, 1 resolving, 2 resolved */
} style;

typedef struct style_table {
    style *v;
    size_t n, cap;
    rprops defaults; /* w:docDefaults/w:rPrDefault */
    const style *default_para;
    const style *default_char;
} style_table;

static void styles_free(style_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].id);
        free(t->v[i].based_on);
    }
    free(t->v);
    memset(t, 0, sizeof *t);
}

static int style_cmp(const void *a, const void *b)
{
    const style *x = a, *y = b;
    if (x->type != y->type)
        return x->type - y->type;
    return strcmp(x->id, y->id);
}

static const style *style_find(const style_table *t, char type, const char *id,
                               size_t n)
{
    if (!id || !t->n)
        return NULL;
    char key[256];
    if (n >= sizeof key)
        return NULL;
    memcpy(key, id, n);
    key[n] = '\0';
    style probe = {.id = key, .type = type};
    return bsearch(&probe, t->v, t->n, sizeof *t->v, style_cmp);
}

/* Resolve the basedOn chain of s (cycles and runaway chains end it). */
static void style_resolve(style_table *t, style *s, unsigned depth)
{
    if (s->state == 2)
        return;
    s->eff = RPROPS_UNSET;
    s->para_shaded_eff = -1;
    if (s->state == 1 || depth > 64) { /* a cycle: take own values only */
        s->eff = s->own;
        s->para_shaded_eff = s->para_shaded_own;
        return;
    }
    s->state = 1;
    if (s->based_on) {
        style *base =
            (style *)style_find(t, s->type, s->based_on, strlen(s->based_on));
        if (base && base != s) {
            style_resolve(t, base, depth + 1);
            s->eff = base->eff;
            s->para_shaded_eff = base->para_shaded_eff;
        }
    }
    rprops_over(&s->eff, &s->own);
    if (s->para_shaded_own >= 0)
        s->para_shaded_eff = s->para_shaded_own;
    s->state = 2;
}

typedef struct styles_parse {
    style_table *t;
    kpiscan_error *err;
    const char *name;
    ns_cache nsc;
    unsigned skip_depth;    /* inside a subtree we ignore */
    unsigned style_depth;   /* inside w:style (its depth) */
    unsigned rpr_depth;     /* inside a w:rPr we read */
    unsigned ppr_depth;     /* inside a style's w:pPr */
    unsigned default_depth; /* inside w:rPrDefault */
    style *cur;
} styles_parse;

static int styles_start(void *user, kps_xml *x, const char *local,
                        const char *uri, const kps_xml_attrs *a)
{
    styles_parse *sp = user;
    unsigned d = kps_xml_depth(x);
    if (sp->skip_depth)
        return KPISCAN_OK;
    if (ns_of(&sp->nsc, uri) != NS_W) {
        if (d > 1)
            sp->skip_depth = d;
        return KPISCAN_OK;
    }
    if (sp->rpr_depth) {
        if (d == sp->rpr_depth + 1) {
            if (sp->cur)
                apply_rpr_child(&sp->cur->own, local, a);
            else if (sp->default_depth)
                apply_rpr_child(&sp->t->defaults, local, a);
        }
        return KPISCAN_OK;
    }
    if (sp->ppr_depth) {
        if (d == sp->ppr_depth + 1 && sp->cur && strcmp(local, "shd") == 0)
            sp->cur->para_shaded_own = (signed char)shd_is_colored(a);
        return KPISCAN_OK;
    }
    if (strcmp(local, "style") == 0 && !sp->style_depth) {
        style_table *t = sp->t;
        size_t n;
        const char *id = w_attr(a, "styleId", &n);
        if (!id) {
            sp->skip_depth = d;
            return KPISCAN_OK;
        }
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 64;
            style *v = realloc(t->v, cap * sizeof *v);
            if (!v)
                return kps_fail(sp->err, KPISCAN_ERR_NOMEM, sp->name,
                                "out of memory");
            t->v = v;
            t->cap = cap;
        }
        style *s = &t->v[t->n];
        memset(s, 0, sizeof *s);
        s->own = RPROPS_UNSET;
        s->para_shaded_own = -1;
        s->id = kps_strndup(id, n);
        if (!s->id)
            return kps_fail(sp->err, KPISCAN_ERR_NOMEM, sp->name,
                            "out of memory");
        t->n++;
        const char *type = w_attr(a, "type", &n);
        /* w:type defaults to paragraph */
        s->type = 'p';
        if (type && kps_xml_value_eq(type, n, "character"))
            s->type = 'c';
        else if (type && !kps_xml_value_eq(type, n, "paragraph"))
            s->type = 'o';
        const char *def = w_attr(a, "default", &n);
        s->is_default = def && onoff(def, n);
        sp->cur = s;
        sp->style_depth = d;
        return KPISCAN_OK;
    }
    if (sp->style_depth) {
        if (d != sp->style_depth + 1)
            return KPISCAN_OK;
        if (strcmp(local, "basedOn") == 0) {
            size_t n;
            const char *v = w_attr(a, "val", &n);
            if (v && !sp->cur->based_on &&
                !(sp->cur->based_on = kps_strndup(v, n)))
                return kps_fail(sp->err, KPISCAN_ERR_NOMEM, sp->name,
                                "out of memory");
        } else if (strcmp(local, "rPr") == 0) {
            sp->rpr_depth = d;
        } else if (strcmp(local, "pPr") == 0) {
            sp->ppr_depth = d;
        } else {
            sp->skip_depth = d; /* tblPr, tblStylePr, ... */
        }
        return KPISCAN_OK;
    }
    if (strcmp(local, "rPrDefault") == 0) {
        sp->default_depth = d;
    } else if (strcmp(local, "rPr") == 0 && sp->default_depth) {
        sp->rpr_depth = d;
    } else if (strcmp(local, "latentStyles") == 0 ||
               strcmp(local, "pPrDefault") == 0) {
        sp->skip_depth = d;
    }
    return KPISCAN_OK;
}

static int styles_end(void *user, kps_xml *x, const char *local,
                      const char *uri)
{
    (void)local;
    (void)uri;
    styles_parse *sp = user;
    unsigned d = kps_xml_depth(x);
    if (sp->skip_depth) {
        if (d == sp->skip_depth)
            sp->skip_depth = 0;
        return KPISCAN_OK;
    }
    if (d == sp->rpr_depth)
        sp->rpr_depth = 0;
    else if (d == sp->ppr_depth)
        sp->ppr_depth = 0;
    else if (d == sp->style_depth) {
        sp->style_depth = 0;
        sp->cur = NULL;
    } else if (d == sp->default_depth)
        sp->default_depth = 0;
    return KPISCAN_OK;
}

static int styles_load(const char *xml, size_t len, const char *name,
                       const char *part, const kps_limits *lim, style_table *t,
                       kpiscan_error *err)
{
    styles_parse sp;
    memset(&sp, 0, sizeof sp);
    sp.t = t;
    sp.err = err;
    sp.name = name;
    static const kps_xml_handler h = {styles_start, styles_end, NULL};
    int rc = kps_xml_parse(xml, len, name, part, lim, &h, &sp, err);
    if (rc != KPISCAN_OK)
        return rc;
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, style_cmp);
    /* keep the first of duplicated ids, as Word does */
    for (size_t i = 0; i < t->n; i++) {
        style_resolve(t, &t->v[i], 0);
        if (t->v[i].is_default && t->v[i].type == 'p' && !t->default_para)
            t->default_para = &t->v[i];
        if (t->v[i].is_default && t->v[i].type == 'c' && !t->default_char)
            t->default_char = &t->v[i];
    }
    return KPISCAN_OK;
}

/* ------------------------------------------------------------------ */
/* Relationships                                                       */
/* ------------------------------------------------------------------ */

typedef enum rel_kind {
    REL_OTHER = 0,
    REL_OFFICE_DOCUMENT,
    REL_CORE_PROPERTIES,
    REL_STYLES,
    REL_HEADER,
    REL_FOOTER,
    REL_FOOTNOTES,
    REL_ENDNOTES,
    REL_COMMENTS
} rel_kind;

typedef struct rel {
    rel_kind kind;
    char *target; /* resolved part name, no leading '/' */
} rel;

typedef struct rel_list {
    rel *v;
    size_t n, cap;
    const char *base; /* folder the targets are relative to ("" or "word/") */
    size_t base_len;
    kpiscan_error *err;
    const char *name;
    ns_cache nsc;
} rel_list;

static void rels_free(rel_list *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].target);
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

/* The last path segment of a relationship type decides; both the
 * transitional and the Strict type URIs end the same way. */
static rel_kind rel_kind_of(const char *type, size_t n)
{
    static const struct {
        const char *suffix;
        rel_kind kind;
    } kinds[] = {
        {"officeDocument", REL_OFFICE_DOCUMENT},
        {"core-properties", REL_CORE_PROPERTIES},
        {"styles", REL_STYLES},
        {"header", REL_HEADER},
        {"footer", REL_FOOTER},
        {"footnotes", REL_FOOTNOTES},
        {"endnotes", REL_ENDNOTES},
        {"comments", REL_COMMENTS},
    };
    size_t i = n;
    while (i && type[i - 1] != '/')
        i--;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (kps_xml_value_eq(type + i, n - i, kinds[k].suffix))
            return kinds[k].kind;
    return REL_OTHER;
}

/* Resolve a relationship target against base into a part name: '/' means
 * the package root; "." and ".." segments are folded; %XX is decoded.
 * Returns NULL for targets that leave the package or are unreadable. */
static char *resolve_target(const char *base, size_t base_len, const char *t,
                            size_t n)
{
    char *out = malloc(base_len + n + 1);
    if (!out)
        return NULL;
    size_t len = 0;
    if (n && t[0] == '/') {
        t++;
        n--;
    } else {
        memcpy(out, base, base_len);
        len = base_len;
    }
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && t[j] != '/')
            j++;
        size_t seg = j - i;
        if (seg == 0 || (seg == 1 && t[i] == '.')) {
            /* empty or "." segment */
        } else if (seg == 2 && t[i] == '.' && t[i + 1] == '.') {
            if (len == 0) {
                free(out);
                return NULL;
            }
            len--; /* the '/' after the last segment, then the segment */
            while (len && out[len - 1] != '/')
                len--;
        } else {
            for (size_t k = i; k < j; k++) {
                char c = t[k];
                if (c == '%' && k + 2 < j && hexval(t[k + 1]) >= 0 &&
                    hexval(t[k + 2]) >= 0) {
                    c = (char)(hexval(t[k + 1]) * 16 + hexval(t[k + 2]));
                    k += 2;
                }
                if (c == '\0') {
                    free(out);
                    return NULL;
                }
                out[len++] = c;
            }
            out[len++] = '/';
        }
        i = j + 1;
    }
    if (len && out[len - 1] == '/')
        len--;
    out[len] = '\0';
    if (len == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int rels_start(void *user, kps_xml *x, const char *local,
                      const char *uri, const kps_xml_attrs *a)
{
    (void)x;
    rel_list *r = user;
    if (ns_of(&r->nsc, uri) != NS_REL || strcmp(local, "Relationship") != 0)
        return KPISCAN_OK;
    size_t tn, gn, mn;
    const char *type = plain_attr(a, "Type", &tn);
    const char *target = plain_attr(a, "Target", &gn);
    const char *mode = plain_attr(a, "TargetMode", &mn);
    if (!type || !target || (mode && kps_xml_value_eq(mode, mn, "External")))
        return KPISCAN_OK;
    rel_kind kind = rel_kind_of(type, tn);
    if (kind == REL_OTHER)
        return KPISCAN_OK;
    char *resolved = resolve_target(r->base, r->base_len, target, gn);
    if (!resolved)
        return KPISCAN_OK; /* a target outside the package is no part */
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        rel *v = realloc(r->v, cap * sizeof *v);
        if (!v) {
            free(resolved);
            return kps_fail(r->err, KPISCAN_ERR_NOMEM, r->name,
                            "out of memory");
        }
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n].kind = kind;
    r->v[r->n].target = resolved;
    r->n++;
    return KPISCAN_OK;
}

static int rels_load(const char *xml, size_t len, const char *name,
                     const char *part, const kps_limits *lim, rel_list *r,
                     kpiscan_error *err)
{
    static const kps_xml_handler h = {rels_start, NULL, NULL};
    r->err = err;
    r->name = name;
    return kps_xml_parse(xml, len, name, part, lim, &h, r, err);
}

static const char *rels_first(const rel_list *r, rel_kind kind)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].kind == kind)
            return r->v[i].target;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The body walker                                                     */
/* ------------------------------------------------------------------ */

typedef enum part_kind {
    PART_MAIN,
    PART_HEADER_FOOTER,
    PART_NOTES,
    PART_COMMENTS
} part_kind;

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
    MODE_SPPR,  /* wps:spPr: the shape's fill */
    MODE_SSTYLE /* wps:style: the shape's theme fill */
} prop_mode;

typedef struct walk {
    kpiscan_error *err;
    const char *name;
    const char *part;
    part_kind kind;
    kps_textbuild *tb;
    const style_table *styles;
    int *background_art; /* coloured page or art behind text seen */
    ns_cache nsc;
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
    unsigned *cells; /* depth of each open w:tc whose tcPr shades it */
    size_t ncells, cellcap;
    unsigned shaded_cells;
    unsigned *boxes; /* depth of each open w:txbxContent in a dark shape */
    size_t nboxes, boxcap;
    unsigned behind_anchor_depth; /* inside wp:anchor behindDoc="1" */
} walk;

static int walk_nomem(walk *w)
{
    return kps_fail(w->err, KPISCAN_ERR_NOMEM, w->name, "out of memory");
}

#define PUSH(w, arr, n, cap)                                                   \
    ((n) < (cap) ? 0 : grow_array(&(arr), &(cap), sizeof *(arr)))

/* Double the capacity of the array whose pointer is at array_ptr
 * (elements of size sz); the pointer is read and written with memcpy so
 * no T** is accessed as a void**. */
static int grow_array(void *array_ptr, size_t *cap, size_t sz)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / sz)
        return -1;
    void *old;
    memcpy(&old, array_ptr, sizeof old);
    void *p = realloc(old, ncap * sz);
    if (!p)
        return -1;
    memcpy(array_ptr, &p, sizeof p);
    *cap = ncap;
    return 0;
}

static frame *top(walk *w)
{
    return &w->frames[w->nframes - 1];
}

static kps_vis run_visibility(walk *w, frame *f)
{
    if (f->vis >= 0)
        return (kps_vis)f->vis;
    const style_table *st = w->styles;
    rprops e = st->defaults;
    const style *ps = f->pstyle ? f->pstyle : st->default_para;
    if (ps)
        rprops_over(&e, &ps->eff);
    const style *cs = f->rstyle ? f->rstyle : st->default_char;
    if (cs)
        rprops_over(&e, &cs->eff);
    rprops_over(&e, &f->run);
    int para_shaded = f->para_shaded >= 0 ? f->para_shaded
                      : ps                ? ps->para_shaded_eff == 1
                                          : 0;
    int shaded =
        e.shaded == 1 || para_shaded || w->shaded_cells > 0 || f->box_shaded;
    kps_vis vis = KPS_VISIBLE;
    if (e.vanish == 1 || e.tiny == 1)
        vis = KPS_HIDDEN;
    else if (e.white == 1 && !shaded)
        vis = KPS_HIDDEN_WHITE;
    f->vis = (int)vis;
    return vis;
}

/* The Requires attribute of mc:Choice names namespace prefixes; read the
 * branch only when we understand every one of them. */
static int requires_understood(kps_xml *x, const kps_xml_attrs *a)
{
    static const char *const understood[] = {
        WPS_NS,
        "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
        "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
        "http://schemas.microsoft.com/office/word/2010/wordml",
        "http://schemas.microsoft.com/office/word/2012/wordml",
        "http://schemas.microsoft.com/office/drawing/2010/main",
        M_NS,
        M_NS_STRICT,
        V_NS,
    };
    size_t n;
    const char *req = plain_attr(a, "Requires", &n);
    if (!req)
        return 0;
    size_t i = 0, seen = 0;
    while (i < n) {
        while (i < n && (req[i] == ' ' || req[i] == '\t' || req[i] == '\n' ||
                         req[i] == '\r'))
            i++;
        size_t j = i;
        while (j < n && req[j] != ' ' && req[j] != '\t' && req[j] != '\n' &&
               req[j] != '\r')
            j++;
        if (j == i)
            break;
        const char *uri = kps_xml_ns_lookup(x, req + i, j - i);
        if (!uri)
            return 0;
        int ok = 0;
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
        return v && hex_near_white(v, n) == 1 ? FILL_LIGHT : FILL_DARK;
    if (strcmp(local, "schemeClr") == 0)
        return v && (kps_xml_value_eq(v, n, "bg1") ||
                     kps_xml_value_eq(v, n, "lt1"))
                   ? FILL_LIGHT
                   : FILL_DARK;
    if (strcmp(local, "sysClr") == 0) {
        size_t ln;
        const char *last = plain_attr(a, "lastClr", &ln);
        if (last)
            return hex_near_white(last, ln) == 1 ? FILL_LIGHT : FILL_DARK;
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
        return hex_near_white(v + 1, 6) == 1 ? FILL_LIGHT : FILL_DARK;
    if (k == 4 && v[0] == '#') {
        char six[6] = {v[1], v[1], v[2], v[2], v[3], v[3]};
        return hex_near_white(six, 6) == 1 ? FILL_LIGHT : FILL_DARK;
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
    if (font == FONT_WINGDINGS) {
        static const unsigned char bullets[] = {0x6C, 0x6E, 0x6F, 0x71, 0x75,
                                                0x76, 0x77, 0x9F, 0xA7, 0xA8,
                                                0xD8, 0xE0, 0xE8, 0xF0, 0xFC};
        for (size_t i = 0; i < sizeof bullets; i++)
            if (code == bullets[i])
                return 0x2022;
    }
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
        int h = hexval(ch[i]);
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
            w->cells[w->ncells++] = 0;
            return KPISCAN_OK;
        }
        if (strcmp(local, "tcPr") == 0) {
            w->mode = MODE_TCPR;
            w->mode_depth = d;
            return KPISCAN_OK;
        }
        if (strcmp(local, "tblPr") == 0 || strcmp(local, "tblGrid") == 0 ||
            strcmp(local, "trPr") == 0 || strcmp(local, "tblPrEx") == 0) {
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
            if (c && hex_near_white(c, n) == 0)
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
        return KPISCAN_OK;
    case 'f':
        /* separator "notes" and binary field data carry no text */
        if ((strcmp(local, "footnote") == 0 && footnote_is_separator(a)) ||
            strcmp(local, "fldData") == 0)
            w->skip_depth = d;
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
            if (w->ncells && w->cells[--w->ncells])
                w->shaded_cells--;
            return kps_tb_cell_end(w->tb);
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
static int start_prop(walk *w, unsigned d, ns_id ns, const char *local,
                      const kps_xml_attrs *a)
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
            f->pstyle = style_find(w->styles, 'p', v, n);
            f->vis = -1;
        } else if (strcmp(local, "shd") == 0) {
            f->para_shaded = (signed char)shd_is_colored(a);
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
        if (d != w->mode_depth + 1 || ns != NS_W)
            return KPISCAN_OK;
        if (strcmp(local, "rStyle") == 0) {
            size_t n;
            const char *v = w_attr(a, "val", &n);
            f->rstyle = style_find(w->styles, 'c', v, n);
        } else if (strcmp(local, "rFonts") == 0) {
            size_t n;
            const char *v = w_attr(a, "ascii", &n);
            if (!v)
                v = w_attr(a, "hAnsi", &n);
            f->font = font_kind_of(v, n);
        } else {
            apply_rpr_child(&f->run, local, a);
        }
        f->vis = -1;
        return KPISCAN_OK;
    case MODE_TCPR:
        if (d == w->mode_depth + 1 && ns == NS_W && strcmp(local, "shd") == 0 &&
            w->ncells && !w->cells[w->ncells - 1] && shd_is_colored(a)) {
            w->cells[w->ncells - 1] = 1;
            w->shaded_cells++;
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
    }
    return KPISCAN_OK;
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
        /* an XLSX or PPTX also has an officeDocument relationship */
        if (w->kind == PART_MAIN &&
            !(ns == NS_W && strcmp(local, "document") == 0))
            return kps_fail(w->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, w->name,
                            "not a DOCX document");
    }
    if (w->mode != MODE_NONE)
        return start_prop(w, d, ns, local, a);

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
    default: return KPISCAN_OK;
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
        if (w->nshapes && w->shapes[w->nshapes - 1].depth == d)
            pop_shape(w);
        return KPISCAN_OK;
    case NS_WP:
        if (w->behind_anchor_depth == d)
            w->behind_anchor_depth = 0;
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
    free(w->boxes);
}

static int walk_part(const char *xml, size_t len, const char *name,
                     const char *part, part_kind kind, const kps_limits *lim,
                     const style_table *styles, kps_textbuild *tb,
                     int *background_art, kpiscan_error *err)
{
    walk w;
    memset(&w, 0, sizeof w);
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
    if (dx->nparts == dx->partcap &&
        grow_array(&dx->parts, &dx->partcap, sizeof *dx->parts)) {
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

/* Read and parse a .rels part; absent is fine (empty list). */
static int load_rels(docx *dx, const char *part, const char *base, rel_list *r)
{
    memset(r, 0, sizeof *r);
    r->base = base;
    r->base_len = strlen(base);
    char *xml;
    size_t len;
    int rc = kps_zip_read(dx->zip, part, &xml, &len, dx->err);
    if (rc == KPISCAN_ERR_NOT_FOUND)
        return KPISCAN_OK;
    if (rc != KPISCAN_OK)
        return rc;
    rc = rels_load(xml, len, dx->name, part, dx->lim, r, dx->err);
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
        rels_free(&pkg);
        return rc;
    }
    const char *m = rels_first(&pkg, REL_OFFICE_DOCUMENT);
    const char *c = rels_first(&pkg, REL_CORE_PROPERTIES);
    if (m && kps_zip_has(dx->zip, m))
        *main_part = kps_strdup(m);
    else if (kps_zip_has(dx->zip, "word/document.xml"))
        *main_part = kps_strdup("word/document.xml");
    else if (m) {
        rc = kps_fail(dx->err, KPISCAN_ERR_CORRUPT, dx->name,
                      "corrupt DOCX: main part %.*s is missing",
                      KPS_CUT(m, 300), m);
        rels_free(&pkg);
        return rc;
    } else {
        rels_free(&pkg);
        return kps_fail(dx->err, KPISCAN_ERR_UNSUPPORTED_FORMAT, dx->name,
                        "not a DOCX document");
    }
    *core_part = kps_strdup(c ? c : "docProps/core.xml");
    rels_free(&pkg);
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
    int rc = kps_zip_read(dx->zip, core_part, &xml, &len, dx->err);
    if (rc == KPISCAN_ERR_NOT_FOUND)
        return KPISCAN_OK;
    if (rc != KPISCAN_OK)
        return rc;
    rc = kps_xml_modified_date(xml, len, dx->name, core_part, dx->lim,
                               DCTERMS_NS, "modified", doc, dx->err);
    free(xml);
    return rc;
}

/* Should styles.xml be parsed at all?  Only when it holds a property that
 * can hide text, or background shading that could make white text in the
 * parts visible.  Real CVs carry styles.xml of ~300 KB with none of it. */
static int styles_can_matter(const char *styles, size_t slen, const docx *dx)
{
    unsigned found = raw_style_scan(styles, slen);
    if (found & RAW_HIDING)
        return 1;
    if (!(found & RAW_SHADING))
        return 0;
    for (size_t i = 0; i < dx->nparts; i++)
        if (raw_has_white(dx->parts[i].xml, dx->parts[i].len))
            return 1;
    return 0;
}

static int docx_run(docx *dx, int include_comments, kps_doc *doc)
{
    char *main_part = NULL, *core_part = NULL, *base = NULL, *rels_name = NULL;
    char *styles_xml = NULL;
    rel_list rels;
    style_table styles;
    kps_textbuild tb;
    size_t total = 0;
    unsigned next_para = 0;
    int background_art = 0;
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

    const char *styles_part = rels_first(&rels, REL_STYLES);
    if (styles_part) {
        size_t slen;
        rc = kps_zip_read(dx->zip, styles_part, &styles_xml, &slen, dx->err);
        if (rc == KPISCAN_OK && styles_can_matter(styles_xml, slen, dx))
            rc = styles_load(styles_xml, slen, dx->name, styles_part, dx->lim,
                             &styles, dx->err);
        if (rc == KPISCAN_ERR_NOT_FOUND)
            rc = KPISCAN_OK;
        if (rc != KPISCAN_OK)
            goto done;
        free(styles_xml);
        styles_xml = NULL;
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
        rc = walk_part(p->xml, p->len, dx->name, doc->parts[i], p->kind,
                       dx->lim, &styles, &tb, &background_art, dx->err);
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
        rc = kps_fail(dx->err, KPISCAN_ERR_EMPTY, dx->name, "empty document");
        goto done;
    }
    rc = kps_tb_finish(&tb, !background_art, doc);

done:
    kps_tb_free(&tb);
    styles_free(&styles);
    rels_free(&rels);
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
