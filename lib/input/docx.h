/* docx.h - what the DOCX reader's two files share: namespaces, run
 * properties, styles and relationships (docx-styles.c), read by the body
 * walker (docx.c).  Private to libkpiscan (docs/internals.md). */
#ifndef KPISCAN_INPUT_DOCX_H
#define KPISCAN_INPUT_DOCX_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <stdint.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"
#include "input/xmlread.h"
#include "input/zipread.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define W14_NS "http://schemas.microsoft.com/office/word/2010/wordml"
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
/* r:id on w:headerReference and friends */
#define R_NS                                                                   \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define R_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"
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

/* A colour as 0xRRGGBB, or one of these. */
#define COLOR_UNSET (-1) /* not set here */
#define COLOR_OTHER (-2) /* set, but not a plain colour (auto, theme, mix) */

/* A run property seen in styles or direct formatting: -1 = not set. */
typedef struct rprops {
    signed char vanish; /* w:vanish */
    signed char white;  /* w:color near white */
    signed char tiny;   /* w:sz <= 4 half-points */
    signed char shaded; /* w:shd / w:highlight give a non-white background */
    int32_t color;      /* w:color as RGB: text the colour of what it
                         * stands on is hidden however dark both are */
    int32_t shade_rgb;  /* the background shaded sets, when it sets one */
} rprops;

/* Symbol fonts show glyph codes, not characters. */
typedef enum font_kind { FONT_TEXT = 0, FONT_SYMBOL, FONT_WINGDINGS } font_kind;

typedef struct style {
    kps_style_key key; /* w:styleId, w:basedOn, type ('p', 'c', 'o') */
    int is_default;
    rprops own, eff;
    signed char para_shaded_own, para_shaded_eff;
    int32_t para_rgb_own, para_rgb_eff; /* that shading's colour */
    int state; /* 0 unresolved, 1 resolving, 2 resolved */
} style;

/* The ids of the styles in styles.xml that shade what they style, each
 * id[i] (len[i] bytes, pointing into styles.xml) once, sorted: made in one
 * pass at a document's first w:tblStyle (kps_docx_raw_shaded_ids()). */
typedef struct kps_style_ids {
    const char **id;
    size_t *len;
    size_t n;
    int ready;
} kps_style_ids;

typedef struct style_table {
    style *v;
    size_t n, cap;
    rprops defaults; /* w:docDefaults/w:rPrDefault */
    const style *default_para;
    const style *default_char;
    const char *raw; /* styles.xml as read (NULL when absent), not owned */
    size_t raw_len;
    /* the shaded style ids of raw, made when first needed; not owned
     * (the table is read-only to a part's walk, this cache is not) */
    kps_style_ids *shaded;
} style_table;

typedef struct styles_parse {
    style_table *t;
    kpiscan_error *err;
    const char *name;
    kps_ns_cache nsc;
    unsigned skip_depth;    /* inside a subtree we ignore */
    unsigned style_depth;   /* inside w:style (its depth) */
    unsigned rpr_depth;     /* inside a w:rPr we read */
    unsigned ppr_depth;     /* inside a style's w:pPr */
    unsigned default_depth; /* inside w:rPrDefault */
    style *cur;
} styles_parse;

typedef enum rel_kind {
    REL_OTHER = 0,
    REL_OFFICE_DOCUMENT,
    REL_CORE_PROPERTIES,
    REL_STYLES,
    REL_HEADER,
    REL_FOOTER,
    REL_FOOTNOTES,
    REL_ENDNOTES,
    REL_COMMENTS,
    REL_SETTINGS,
    REL_ALT_CHUNK /* an imported HTML, RTF or DOCX chunk: never read */
} rel_kind;

typedef struct rel {
    rel_kind kind;
    char *target; /* resolved part name, no leading '/' */
    char *id;     /* its Id ("rId7"), NULL when it has none */
} rel;

typedef struct rel_list {
    rel *v;
    size_t n, cap;
    const char *base; /* folder the targets are relative to ("" or "word/") */
    size_t base_len;
    kpiscan_error *err;
    const char *name;
    kps_ns_cache nsc;
} rel_list;

/* What kps_docx_raw_style_scan() found (bits). */
enum { RAW_HIDING = 1, RAW_SHADING = 2, RAW_COLOR = 4, RAW_WHITE = 8 };

static const rprops RPROPS_UNSET = {-1, -1, -1, -1, COLOR_UNSET, COLOR_UNSET};

/* Apply one child of a w:rPr to props.  Returns 1 when it was a run
 * property we track. */
int kps_docx_apply_rpr_child(rprops *p, const char *local,
                             const kps_xml_attrs *a);

/* The colours this XML could set (bits): RAW_WHITE a near-white or light
 * theme colour, RAW_COLOR a colour given as RGB.  Conservative: it looks
 * at every "color" tag's val and theme colour. */
unsigned kps_docx_raw_colors(const char *s, size_t n);

/* Does XML s[0..n) hold a start tag of an element whose local name is
 * local ("shd": <w:shd ...> or <shd/>), not merely those letters in text
 * ("Ashdod") or in another name? */
int kps_docx_raw_has_element(const char *s, size_t n, const char *local);

/* The ids of the styles in styles.xml s[0..n) that set a background that
 * is not white (a w:shd with a coloured, themed or patterned fill,
 * anywhere between the style's w:styleId and the end of its element:
 * table, cell, row or conditional formatting); the first style of an id
 * decides.  Table styles are not parsed; white text in their cells gets
 * the benefit of the doubt only when their shading could be behind it.
 * One pass over s, made once per document (a DOCX of thousands of tables
 * would otherwise read the part once per table).  s may be NULL.
 * KPISCAN_OK, or KPISCAN_ERR_NOMEM.  Free with kps_docx_style_ids_free(). */
int kps_docx_raw_shaded_ids(const char *s, size_t n, kps_style_ids *out);
/* Whether id[0..idn) is one of ids. */
int kps_docx_style_ids_has(const kps_style_ids *ids, const char *id,
                           size_t idn);
void kps_docx_style_ids_free(kps_style_ids *ids);

/* One pass over the tags of styles.xml: does any style other than a
 * table style (or the document defaults) carry a property that can hide
 * text (RAW_HIDING: vanish, near-white colour, size <= 2 pt), a
 * background (RAW_SHADING: shd, highlight) or a colour given as RGB that
 * could match one (RAW_COLOR)?  Table styles are skipped:
 * they are not applied here, and Word's built-in dark table styles carry
 * white text.  Conservative: a false "yes" only costs a parse.  Real CV
 * styles.xml parts are ~300 KB and this scan is what keeps them cheap. */
unsigned kps_docx_raw_style_scan(const char *s, size_t n);

const char *kps_docx_rels_first(const rel_list *r, rel_kind kind);

void kps_docx_rels_free(rel_list *r);

int kps_docx_rels_load(const char *xml, size_t len, const char *name,
                       const char *part, const kps_limits *lim, rel_list *r,
                       kpiscan_error *err);

void kps_docx_rprops_over(rprops *base, const rprops *over);

/* 1 coloured, 0 explicitly white, SHADE_CLEAR explicitly none (what is
 * beneath shows); -1, in the props, means not set at all. */
#define SHADE_CLEAR 2
int kps_docx_shd_kind(const kps_xml_attrs *a);
/* The colour a w:shd paints (its fill, or a solid pattern's colour), or
 * COLOR_OTHER (a theme fill, a mixed pattern, none). */
int32_t kps_docx_shd_rgb(const kps_xml_attrs *a);
/* A w:color element: is the text it sets near white? */
int kps_docx_color_is_white(const kps_xml_attrs *a);

const style *kps_docx_style_find(const style_table *t, char type,
                                 const char *id, size_t n);

void kps_docx_styles_free(style_table *t);

int kps_docx_styles_load(const char *xml, size_t len, const char *name,
                         const char *part, const kps_limits *lim,
                         style_table *t, kpiscan_error *err);

/* The namespaces a DOCX part uses (docx-styles.c). */
extern const kps_ns_name kps_docx_ns[];
extern const size_t kps_docx_nns;

static inline ns_id ns_of(kps_ns_cache *c, const char *uri)
{
    return (ns_id)kps_ns_of(c, uri, kps_docx_ns, kps_docx_nns);
}

/* w:val and friends: WordprocessingML attributes are namespaced (either
 * flavour); accept unqualified ones too, as some generators write them. */
static inline const char *w_attr(const kps_xml_attrs *a, const char *local,
                                 size_t *len)
{
    const char *v = kps_xml_attr(a, local, W_NS, W_NS_STRICT, len);
    if (!v)
        v = kps_xml_attr(a, local, NULL, NULL, len);
    return v;
}

/* An attribute in no namespace. */
static inline const char *plain_attr(const kps_xml_attrs *a, const char *local,
                                     size_t *len)
{
    return kps_xml_attr(a, local, NULL, NULL, len);
}

/* On/off values (ST_OnOff): absent means on. */
static inline int onoff(const char *v, size_t n)
{
    if (!v)
        return 1;
    return !(kps_xml_value_eq(v, n, "0") || kps_xml_value_eq(v, n, "false") ||
             kps_xml_value_eq(v, n, "off"));
}

/* kps_find_bytes() for the char * text of XML parts. */
static inline const char *find_bytes(const char *hay, size_t n,
                                     const char *needle, size_t k)
{
    return kps_find_bytes(hay, n, needle, k);
}

#endif /* KPISCAN_INPUT_DOCX_H */
