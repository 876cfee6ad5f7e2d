/* docx-styles.c - the parts of a DOCX that the body walker (docx.c)
 * consults: namespaces, run property values, cheap checks on raw XML,
 * styles (word/styles.xml) and relationships (.rels). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "input/docx.h"
/* ------------------------------------------------------------------ */
/* Namespaces                                                          */
/* ------------------------------------------------------------------ */

const kps_ns_name kps_docx_ns[] = {
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
const size_t kps_docx_nns = sizeof kps_docx_ns / sizeof kps_docx_ns[0];

/* ------------------------------------------------------------------ */
/* Property values                                                     */
/* ------------------------------------------------------------------ */

void kps_docx_rprops_over(rprops *base, const rprops *over)
{
    if (over->vanish >= 0)
        base->vanish = over->vanish;
    if (over->white >= 0)
        base->white = over->white;
    if (over->tiny >= 0)
        base->tiny = over->tiny;
    if (over->shaded >= 0) {
        base->shaded = over->shaded;
        base->shade_rgb = over->shade_rgb;
    }
    if (over->color != COLOR_UNSET)
        base->color = over->color;
}

/* Six hex digits as 0xRRGGBB, else COLOR_OTHER ("auto", a bad value). */
static int32_t hex_rgb(const char *v, size_t n)
{
    int32_t rgb = kps_xml_hex_rgb(v, n);
    return rgb < 0 ? COLOR_OTHER : rgb;
}

int32_t kps_docx_shd_rgb(const kps_xml_attrs *a)
{
    size_t n;
    const char *val = w_attr(a, "val", &n);
    if (val && kps_xml_value_eq(val, n, "solid")) {
        /* a solid pattern shows its pattern colour; "auto" is black here */
        const char *color = w_attr(a, "color", &n);
        if (!color || kps_xml_value_eq(color, n, "auto"))
            return 0x000000;
        return w_attr(a, "themeColor", &n) ? COLOR_OTHER : hex_rgb(color, n);
    }
    if (val && !kps_xml_value_eq(val, n, "clear") &&
        !kps_xml_value_eq(val, n, "nil"))
        return COLOR_OTHER; /* a hatch or a percentage mixes two colours */
    if (w_attr(a, "themeFill", &n))
        return COLOR_OTHER;
    const char *fill = w_attr(a, "fill", &n);
    return fill ? hex_rgb(fill, n) : COLOR_OTHER;
}

/* The colours of w:highlight's named values (ECMA-376 ST_HighlightColor). */
static int32_t highlight_rgb(const char *v, size_t n)
{
    static const struct {
        const char *name;
        int32_t rgb;
    } named[] = {
        {"black", 0x000000},     {"blue", 0x0000FF},
        {"cyan", 0x00FFFF},      {"green", 0x00FF00},
        {"magenta", 0xFF00FF},   {"red", 0xFF0000},
        {"yellow", 0xFFFF00},    {"white", 0xFFFFFF},
        {"darkBlue", 0x000080},  {"darkCyan", 0x008080},
        {"darkGreen", 0x008000}, {"darkMagenta", 0x800080},
        {"darkRed", 0x800000},   {"darkYellow", 0x808000},
        {"darkGray", 0x808080},  {"lightGray", 0xC0C0C0},
    };
    for (size_t i = 0; v && i < sizeof named / sizeof named[0]; i++)
        if (kps_xml_value_eq(v, n, named[i].name))
            return named[i].rgb;
    return COLOR_OTHER;
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
        kps_xml_hex_near_white(fill, n) == 0)
        return 1;
    const char *val = w_attr(a, "val", &n);
    if (val && kps_xml_value_eq(val, n, "solid")) {
        /* a solid pattern shows its pattern colour; "auto" is black here */
        const char *color = w_attr(a, "color", &n);
        if (!color || kps_xml_hex_near_white(color, n) != 1)
            return 1;
    }
    return 0;
}

/* A w:shd element's background: 1 coloured, 0 an explicit white one (a
 * white fill, a white solid pattern, or the theme's page colour as fill),
 * SHADE_CLEAR none (no fill, "auto"): what is beneath shows through, but
 * a style's shading is replaced all the same. */
int kps_docx_shd_kind(const kps_xml_attrs *a)
{
    if (shd_is_colored(a))
        return 1;
    size_t n;
    const char *theme = w_attr(a, "themeFill", &n);
    if (theme && (kps_xml_value_eq(theme, n, "background1") ||
                  kps_xml_value_eq(theme, n, "light1")))
        return 0;
    const char *fill = w_attr(a, "fill", &n);
    if (fill && kps_xml_hex_near_white(fill, n) == 1)
        return 0;
    const char *val = w_attr(a, "val", &n);
    if (val && kps_xml_value_eq(val, n, "solid"))
        return 0; /* solid and not coloured: a white pattern colour */
    return SHADE_CLEAR;
}

/* A two-digit hex byte ("80"), or -1. */
static int hex_byte(const char *v, size_t n)
{
    if (!v || n != 2)
        return -1;
    int hi = kps_hexval(v[0]), lo = kps_hexval(v[1]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

/* ECMA-376 lets w:themeColor override w:val.  background1 and light1 are
 * the theme's page colour, white in every stock theme (a theme that
 * redefines them is not read); a w:themeShade below F0 darkens it to
 * grey.  A w:themeTint lightens any theme colour towards white: at 17 or
 * below every channel is within 24/255 of white, whatever the colour. */
int kps_docx_color_is_white(const kps_xml_attrs *a)
{
    size_t n, sn, tn;
    const char *theme = w_attr(a, "themeColor", &n);
    if (theme && !kps_xml_value_eq(theme, n, "none")) {
        const char *shade = w_attr(a, "themeShade", &sn);
        int s = hex_byte(shade, sn);
        if (shade && (s < 0 || s < 0xF0))
            return 0;
        const char *tint = w_attr(a, "themeTint", &tn);
        int t = hex_byte(tint, tn);
        if (tint && t >= 0 && t <= 0x17)
            return 1;
        return kps_xml_value_eq(theme, n, "background1") ||
               kps_xml_value_eq(theme, n, "light1");
    }
    const char *v = w_attr(a, "val", &n);
    return v && kps_xml_hex_near_white(v, n) == 1;
}

/* Apply one child of a w:rPr to props.  Returns 1 when it was a run
 * property we track. */
int kps_docx_apply_rpr_child(rprops *p, const char *local,
                             const kps_xml_attrs *a)
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
            p->white = (signed char)kps_docx_color_is_white(a);
            /* w:themeColor overrides w:val; "auto" contrasts with its
             * background by definition */
            v = w_attr(a, "val", &n);
            size_t tn;
            const char *theme = w_attr(a, "themeColor", &tn);
            p->color = theme && !kps_xml_value_eq(theme, tn, "none")
                           ? COLOR_OTHER
                           : hex_rgb(v, n);
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
            p->shaded = (signed char)kps_docx_shd_kind(a);
            p->shade_rgb = kps_docx_shd_rgb(a);
            return 1;
        }
        break;
    case 'h':
        if (strcmp(local, "highlight") == 0) {
            v = w_attr(a, "val", &n);
            p->shaded =
                (signed char)(!v || kps_xml_value_eq(v, n, "none") ? SHADE_CLEAR
                              : kps_xml_value_eq(v, n, "white")    ? 0
                                                                   : 1);
            p->shade_rgb = highlight_rgb(v, n);
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

static int is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Within the tag that holds s[at] (its end within 256 bytes), the value of
 * the attribute whose local name is attr ("val" for w:val): XML allows
 * blanks around '=', and either quote. */
static const char *raw_tag_attr(const char *s, size_t n, size_t at,
                                const char *attr, size_t *len)
{
    size_t an = strlen(attr);
    size_t end = at + 256 < n ? at + 256 : n;
    for (size_t i = at; i + an < end && s[i] != '>'; i++) {
        if (memcmp(s + i, attr, an) != 0 || i == 0 ||
            (s[i - 1] != ':' && !is_xml_space(s[i - 1])))
            continue;
        size_t k = i + an;
        while (k < end && is_xml_space(s[k]))
            k++;
        if (k >= end || s[k] != '=')
            continue;
        k++;
        while (k < end && is_xml_space(s[k]))
            k++;
        if (k >= end || (s[k] != '"' && s[k] != '\''))
            return NULL;
        const char *v = s + k + 1;
        const char *close = memchr(v, s[k], (size_t)(s + end - v));
        if (!close)
            return NULL;
        *len = (size_t)(close - v);
        return v;
    }
    return NULL;
}

static const char *raw_tag_val(const char *s, size_t n, size_t at, size_t *len)
{
    return raw_tag_attr(s, n, at, "val", len);
}

/* Could the tag that holds s[at] be white through the theme: the page
 * colour (themeColor="background1" or "light1") or a tint that whitens
 * any colour (17 or below, as kps_docx_color_is_white() reads it; an
 * unreadable one too)?  Word's table styles tint their borders and
 * bands (themeTint="BF"), which must not make a 300 KB styles.xml worth
 * parsing.  A tag whose end is not within 256 bytes may hold anything:
 * yes, to be safe. */
static int raw_tag_light_theme(const char *s, size_t n, size_t at)
{
    size_t end = at + 256 < n ? at + 256 : n;
    const char *gt = memchr(s + at, '>', end > at ? end - at : 0);
    if (!gt)
        return 1;
    size_t tag = (size_t)(gt - (s + at)), tn;
    if (find_bytes(s + at, tag, "background1", 11) != NULL ||
        find_bytes(s + at, tag, "light1", 6) != NULL)
        return 1;
    if (find_bytes(s + at, tag, "themeTint", 9) == NULL)
        return 0;
    const char *tint = raw_tag_attr(s, n, at, "themeTint", &tn);
    int t = hex_byte(tint, tn);
    return t < 0 || t <= 0x17;
}

int kps_docx_raw_has_element(const char *s, size_t n, const char *local)
{
    size_t ln = strlen(local);
    const char *p = s, *end = s + n;
    while ((p = find_bytes(p, (size_t)(end - p), local, ln)) != NULL) {
        const char *after = p + ln;
        int ends = after < end &&
                   (is_xml_space(*after) || *after == '/' || *after == '>');
        /* back over a prefix ("w:") to the '<' that opens the tag */
        const char *q = p;
        if (q > s && q[-1] == ':') {
            q--;
            while (q > s && q[-1] != '<' && q[-1] != '>' &&
                   !is_xml_space(q[-1]) && q[-1] != ':')
                q--;
        }
        if (ends && q > s && q[-1] == '<')
            return 1;
        p += ln;
    }
    return 0;
}

unsigned kps_docx_raw_colors(const char *s, size_t n)
{
    unsigned found = 0;
    const char *p = s, *end = s + n;
    while ((p = find_bytes(p, (size_t)(end - p), "color", 5)) != NULL) {
        size_t len, at = (size_t)(p - s) + 5;
        const char *v = raw_tag_val(s, n, at, &len);
        int white = v ? kps_xml_hex_near_white(v, len) : -1;
        if (white == 1 || raw_tag_light_theme(s, n, at))
            return RAW_WHITE | RAW_COLOR;
        if (white == 0)
            found |= RAW_COLOR;
        p += 5;
    }
    return found;
}

/* Is the start tag at name (its name up to p) a table style: an attribute
 * whose local name is "type" with the value "table"?  Attributes are
 * tokenised, so a style id or name holding that text is not taken for
 * it. */
static int raw_tag_is_table_style(const char *p, const char *end)
{
    /* every attribute called type must say table (the parser reads w:type
     * first, then an unqualified one: a tag holding both is no table
     * style here unless both agree), and a self-closed style holds
     * nothing to skip */
    int table = 0;
    if (end > p && end[-1] == '/')
        return 0;
    while (p < end && *p != '>') {
        while (p < end && is_xml_space(*p))
            p++;
        const char *name = p;
        while (p < end && *p != '=' && *p != '>' && !is_xml_space(*p))
            p++;
        const char *name_end = p;
        while (p < end && is_xml_space(*p))
            p++;
        if (p >= end || *p != '=')
            return 0; /* "/>" or ">" or a malformed tag: the parser decides */
        p++;
        while (p < end && is_xml_space(*p))
            p++;
        if (p >= end || (*p != '"' && *p != '\''))
            return 0;
        char q = *p++;
        const char *v = p;
        while (p < end && *p != q)
            p++;
        if (p >= end)
            return 0;
        const char *colon = memchr(name, ':', (size_t)(name_end - name));
        const char *local = colon ? colon + 1 : name;
        if (name_end - local == 4 && memcmp(local, "type", 4) == 0) {
            if (p - v == 5 && memcmp(v, "table", 5) == 0)
                table = 1;
            else
                return 0;
        }
        p++;
    }
    return table;
}

/* The first c at or after p, or NULL.  *memo keeps the last answer (end
 * for none): p only moves forward, so over a whole scan each byte is
 * searched once, where a memchr() per tag would read a part of unclosed
 * tags ("<a <a <a ...") once per tag. */
static const char *next_byte(const char *p, const char *end, char c,
                             const char **memo)
{
    if (!*memo || (*memo != end && *memo < p)) {
        const char *q = memchr(p, c, (size_t)(end - p));
        *memo = q ? q : end;
    }
    return *memo == end ? NULL : *memo;
}

/* One pass over the tags of styles.xml: does any style other than a
 * table style (or the document defaults) carry a property that can hide
 * text (RAW_HIDING: vanish, near-white colour, size <= 2 pt), a
 * background (RAW_SHADING: shd, highlight) or a colour given as RGB that
 * could match one (RAW_COLOR)?  Table styles are skipped:
 * they are not applied here, and Word's built-in dark table styles carry
 * white text.  Conservative: a false "yes" only costs a parse.  Real CV
 * styles.xml parts are ~300 KB and this scan is what keeps them cheap. */
unsigned kps_docx_raw_style_scan(const char *s, size_t n)
{
    unsigned found = 0;
    int in_table = 0;
    const char *p = s, *end = s + n;
    const char *gt_memo = NULL, *amp_memo = NULL;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if (p >= end)
            break;
        if (*p == '!' && (size_t)(end - p) > 8 && memcmp(p, "!DOCTYPE", 8) == 0)
            return RAW_HIDING; /* parse it, so the DOCTYPE is refused */
        int closing = *p == '/';
        /* a comment or CDATA section is no markup: "<!-- <w:style
         * w:type="table"> -->" must not hide the defaults after it */
        if ((size_t)(end - p) >= 3 && memcmp(p, "!--", 3) == 0) {
            const char *c = find_bytes(p + 3, (size_t)(end - p - 3), "-->", 3);
            if (!c)
                break;
            p = c + 3;
            continue;
        }
        if ((size_t)(end - p) >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
            const char *c = find_bytes(p + 8, (size_t)(end - p - 8), "]]>", 3);
            if (!c)
                break;
            p = c + 3;
            continue;
        }
        if (*p == '?' || *p == '!')
            continue;
        if (closing && ++p >= end)
            break;
        const char *name = p;
        while (p < end && !is_xml_space(*p) && *p != '/' && *p != '>')
            p++;
        const char *colon = memchr(name, ':', (size_t)(p - name));
        const char *local = colon ? colon + 1 : name;
        size_t llen = (size_t)(p - local), vlen;
        size_t at = (size_t)(p - s);
        const char *v;
        const char *gt = p < end ? next_byte(p, end, '>', &gt_memo) : NULL;
        size_t tag = gt ? (size_t)(gt - p) : (size_t)(end - p);
        if (llen == 5 && memcmp(local, "style", 5) == 0) {
            /* a table style ends with its element; what follows it, the
             * document defaults included, is read again */
            in_table = !closing && raw_tag_is_table_style(p, p + tag);
            continue;
        }
        if (closing)
            continue;
        /* A character reference can spell any value ("&#70;FFFFF"): such a
         * part is parsed rather than guessed at. */
        const char *amp = p < end ? next_byte(p, end, '&', &amp_memo) : NULL;
        if (amp && amp < p + tag)
            return RAW_HIDING;
        if (in_table)
            continue;
        if (llen == 6 && memcmp(local, "vanish", 6) == 0) {
            found |= RAW_HIDING;
        } else if (llen == 5 && memcmp(local, "color", 5) == 0) {
            v = raw_tag_val(s, n, at, &vlen);
            int white = v ? kps_xml_hex_near_white(v, vlen) : -1;
            if (white == 1 || raw_tag_light_theme(s, n, at))
                found |= RAW_HIDING;
            else if (white == 0)
                found |= RAW_COLOR;
        } else if (llen == 2 && memcmp(local, "sz", 2) == 0) {
            v = raw_tag_val(s, n, at, &vlen);
            double hp = v ? half_points(v, vlen) : -1;
            if (!v || (hp >= 0 && hp <= 4.0))
                found |= RAW_HIDING; /* unreadable: let the parser judge */
        } else if ((llen == 3 && memcmp(local, "shd", 3) == 0) ||
                   (llen == 9 && memcmp(local, "highlight", 9) == 0)) {
            found |= RAW_SHADING;
        }
        if (found & RAW_HIDING)
            break;
    }
    return found;
}

/* Does the w:shd tag holding s[sat] (just after its name) set a background
 * that is not white: a coloured, themed or patterned fill? */
static int raw_shd_shades(const char *s, size_t n, size_t sat)
{
    size_t fl, vl;
    const char *fill = raw_tag_attr(s, n, sat, "fill", &fl);
    const char *val = raw_tag_attr(s, n, sat, "val", &vl);
    return raw_tag_attr(s, n, sat, "themeFill", &fl) ||
           (val && !(vl == 5 && memcmp(val, "clear", 5) == 0) &&
            !(vl == 3 && memcmp(val, "nil", 3) == 0)) ||
           (fill && kps_xml_hex_near_white(fill, fl) == 0);
}

typedef struct raw_id {
    const char *v;
    size_t len, order;
    int shaded;
} raw_id;

static int same_id(const raw_id *x, const raw_id *y)
{
    return x->len == y->len && memcmp(x->v, y->v, x->len) == 0;
}

static int raw_id_cmp(const void *a, const void *b)
{
    const raw_id *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->v, y->v, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int kps_docx_raw_shaded_ids(const char *s, size_t n, kps_style_ids *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !n) {
        out->ready = 1;
        return KPISCAN_OK;
    }
    const char *end = s + n;
    /* 1. where the shading w:shd tags start, in order */
    size_t *shd = NULL, nshd = 0, capshd = 0;
    for (const char *q = s;
         (q = find_bytes(q, (size_t)(end - q), "shd", 3)) != NULL; q += 3) {
        if (!raw_shd_shades(s, n, (size_t)(q - s) + 3))
            continue;
        if (nshd == capshd) {
            size_t cap = capshd ? 2 * capshd : 64;
            size_t *v = realloc(shd, cap * sizeof *v);
            if (!v) {
                free(shd);
                return KPISCAN_ERR_NOMEM;
            }
            shd = v;
            capshd = cap;
        }
        shd[nshd++] = (size_t)(q - s);
    }
    /* 2. each styleId and whether a shading tag lies between it and the
     * next "style>": both searches move forward only */
    raw_id *ids = NULL;
    size_t nids = 0, capids = 0, j = 0;
    const char *stop = NULL; /* the next "style>" (end: none) */
    for (const char *p = s;
         (p = find_bytes(p, (size_t)(end - p), "styleId", 7)) != NULL;) {
        size_t at = (size_t)(p - s);
        p += 7;
        size_t vlen;
        const char *v =
            raw_tag_attr(s, n, at > 0 ? at - 1 : at, "styleId", &vlen);
        if (!v || !vlen)
            continue;
        if (!stop || (stop != end && stop < p)) {
            stop = find_bytes(p, (size_t)(end - p), "style>", 6);
            if (!stop)
                stop = end;
        }
        size_t from = (size_t)(p - s);
        while (j < nshd && shd[j] < from)
            j++;
        if (nids == capids) {
            size_t cap = capids ? 2 * capids : 64;
            raw_id *nv = realloc(ids, cap * sizeof *nv);
            if (!nv) {
                free(ids);
                free(shd);
                return KPISCAN_ERR_NOMEM;
            }
            ids = nv;
            capids = cap;
        }
        ids[nids].v = v;
        ids[nids].len = vlen;
        ids[nids].order = nids;
        ids[nids].shaded = j < nshd && shd[j] + 3 <= (size_t)(stop - s);
        nids++;
    }
    free(shd);
    /* 3. an id's first style decides: sorted by id, then by order, the
     * first of each run */
    if (nids)
        qsort(ids, nids, sizeof *ids, raw_id_cmp);
    size_t keep = 0;
    for (size_t i = 0; i < nids; i++) {
        ids[i].shaded &= i == 0 || !same_id(&ids[i], &ids[i - 1]);
        keep += ids[i].shaded != 0;
    }
    if (keep) {
        out->id = malloc(keep * sizeof *out->id);
        out->len = malloc(keep * sizeof *out->len);
        if (!out->id || !out->len) {
            free(ids);
            kps_docx_style_ids_free(out);
            return KPISCAN_ERR_NOMEM;
        }
        for (size_t i = 0; i < nids; i++)
            if (ids[i].shaded) {
                out->id[out->n] = ids[i].v;
                out->len[out->n++] = ids[i].len;
            }
    }
    free(ids);
    out->ready = 1;
    return KPISCAN_OK;
}

int kps_docx_style_ids_has(const kps_style_ids *ids, const char *id, size_t idn)
{
    size_t lo = 0, hi = ids->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t m = ids->len[mid] < idn ? ids->len[mid] : idn;
        int c = memcmp(ids->id[mid], id, m);
        if (!c && ids->len[mid] != idn)
            c = ids->len[mid] < idn ? -1 : 1;
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void kps_docx_style_ids_free(kps_style_ids *ids)
{
    free(ids->id);
    free(ids->len);
    memset(ids, 0, sizeof *ids);
}

/* ------------------------------------------------------------------ */
/* Styles (word/styles.xml)                                            */
/* ------------------------------------------------------------------ */

void kps_docx_styles_free(style_table *t)
{
    kps_styles_free(t->v, t->n, sizeof *t->v);
    memset(t, 0, sizeof *t);
}

const style *kps_docx_style_find(const style_table *t, char type,
                                 const char *id, size_t n)
{
    return kps_style_find(t->v, t->n, sizeof *t->v, type, id, n);
}

/* Resolve the basedOn chain of s (cycles and runaway chains end it). */
static void style_resolve(style_table *t, style *s, unsigned depth)
{
    if (s->state == 2)
        return;
    s->eff = RPROPS_UNSET;
    s->para_shaded_eff = -1;
    s->para_rgb_eff = COLOR_UNSET;
    if (s->state == 1 || depth > 64) { /* a cycle: take own values only */
        s->eff = s->own;
        s->para_shaded_eff = s->para_shaded_own;
        s->para_rgb_eff = s->para_rgb_own;
        return;
    }
    s->state = 1;
    if (s->key.parent) {
        style *base = (style *)kps_docx_style_find(
            t, s->key.kind, s->key.parent, strlen(s->key.parent));
        if (base && base != s) {
            style_resolve(t, base, depth + 1);
            s->eff = base->eff;
            s->para_shaded_eff = base->para_shaded_eff;
            s->para_rgb_eff = base->para_rgb_eff;
        }
    }
    kps_docx_rprops_over(&s->eff, &s->own);
    if (s->para_shaded_own >= 0) {
        s->para_shaded_eff = s->para_shaded_own;
        s->para_rgb_eff = s->para_rgb_own;
    }
    s->state = 2;
}

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
                kps_docx_apply_rpr_child(&sp->cur->own, local, a);
            else if (sp->default_depth)
                kps_docx_apply_rpr_child(&sp->t->defaults, local, a);
        }
        return KPISCAN_OK;
    }
    if (sp->ppr_depth) {
        if (d == sp->ppr_depth + 1 && sp->cur && strcmp(local, "shd") == 0) {
            sp->cur->para_shaded_own = (signed char)kps_docx_shd_kind(a);
            sp->cur->para_rgb_own = kps_docx_shd_rgb(a);
        }
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
        s->para_rgb_own = COLOR_UNSET;
        s->key.name = kps_strndup(id, n);
        if (!s->key.name)
            return kps_fail(sp->err, KPISCAN_ERR_NOMEM, sp->name,
                            "out of memory");
        t->n++;
        const char *type = w_attr(a, "type", &n);
        /* w:type defaults to paragraph */
        s->key.kind = 'p';
        if (type && kps_xml_value_eq(type, n, "character"))
            s->key.kind = 'c';
        else if (type && !kps_xml_value_eq(type, n, "paragraph"))
            s->key.kind = 'o';
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
            if (v && !sp->cur->key.parent &&
                !(sp->cur->key.parent = kps_strndup(v, n)))
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

int kps_docx_styles_load(const char *xml, size_t len, const char *name,
                         const char *part, const kps_limits *lim,
                         style_table *t, kpiscan_error *err)
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
        qsort(t->v, t->n, sizeof *t->v, kps_style_cmp);
    /* keep the first of duplicated ids, as Word does */
    for (size_t i = 0; i < t->n; i++) {
        style_resolve(t, &t->v[i], 0);
        if (t->v[i].is_default && t->v[i].key.kind == 'p' && !t->default_para)
            t->default_para = &t->v[i];
        if (t->v[i].is_default && t->v[i].key.kind == 'c' && !t->default_char)
            t->default_char = &t->v[i];
    }
    return KPISCAN_OK;
}

/* ------------------------------------------------------------------ */
/* Relationships                                                       */
/* ------------------------------------------------------------------ */

void kps_docx_rels_free(rel_list *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].target);
        free(r->v[i].id);
    }
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
        {"settings", REL_SETTINGS},
        {"aFChunk", REL_ALT_CHUNK},
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
                if (c == '%' && k + 2 < j && kps_hexval(t[k + 1]) >= 0 &&
                    kps_hexval(t[k + 2]) >= 0) {
                    c = (char)(kps_hexval(t[k + 1]) * 16 +
                               kps_hexval(t[k + 2]));
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
    size_t idn;
    const char *id = plain_attr(a, "Id", &idn);
    char *id_copy = NULL;
    if (id && !(id_copy = malloc(idn + 1))) {
        free(resolved);
        return kps_fail(r->err, KPISCAN_ERR_NOMEM, r->name, "out of memory");
    }
    if (id_copy) {
        memcpy(id_copy, id, idn);
        id_copy[idn] = '\0';
    }
    r->v[r->n].kind = kind;
    r->v[r->n].target = resolved;
    r->v[r->n].id = id_copy;
    r->n++;
    return KPISCAN_OK;
}

int kps_docx_rels_load(const char *xml, size_t len, const char *name,
                       const char *part, const kps_limits *lim, rel_list *r,
                       kpiscan_error *err)
{
    static const kps_xml_handler h = {rels_start, NULL, NULL};
    r->err = err;
    r->name = name;
    return kps_xml_parse(xml, len, name, part, lim, &h, r, err);
}

const char *kps_docx_rels_first(const rel_list *r, rel_kind kind)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].kind == kind)
            return r->v[i].target;
    return NULL;
}
