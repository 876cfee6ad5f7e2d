/*
 * xmlread.h - a hardened, streaming XML reader over libxml2's SAX2
 * interface, shared by the DOCX and ODT extractors.  Internal.
 *
 * What it guarantees, whatever the input:
 *   - no network, no DTD loading, no entity substitution; any DOCTYPE is
 *     refused (KPISCAN_ERR_CORRUPT "DOCTYPE not allowed in <part>"), which
 *     rules out entity expansion (billion laughs) and external entities;
 *   - element nesting deeper than lim->max_xml_depth stops the parse with
 *     KPISCAN_ERR_LIMIT;
 *   - libxml2 errors go to a handler owned by this parse (the SAX2
 *     structured-error slot of its own handler table), never to stderr and
 *     never through libxml2's global or thread-global error handlers;
 *   - malformed XML is KPISCAN_ERR_CORRUPT "malformed XML in <part> (line
 *     L, column C): <msg>"; the position is the part's, so it is in the
 *     reason and the error's own line and column are 0.
 * Text reaches the handler as UTF-8 (libxml2 converts UTF-16 parts and
 * skips a byte-order mark).
 */
#ifndef KPS_XMLREAD_H
#define KPS_XMLREAD_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "input/doc.h"

typedef struct kps_xml kps_xml;

/* The attributes of one element as libxml2's SAX2 reports them: five
 * pointers per attribute (local name, prefix, namespace URI, value start,
 * value end).  The value is not NUL-terminated. */
typedef struct kps_xml_attrs {
    size_t n;
    const char *const *v;
} kps_xml_attrs;

#define KPS_XML_ATTR_LOCAL(a, i) ((a)->v[(i)*5])
#define KPS_XML_ATTR_URI(a, i) ((a)->v[(i)*5 + 2])
#define KPS_XML_ATTR_VALUE(a, i) ((a)->v[(i)*5 + 3])
#define KPS_XML_ATTR_LEN(a, i) ((size_t)((a)->v[(i)*5 + 4] - (a)->v[(i)*5 + 3]))

/* Callbacks.  Each returns KPISCAN_OK to go on, or a status (after
 * recording the failure in the err it holds) to stop the parse; that status
 * is what kps_xml_parse() returns.  uri is NULL for elements in no
 * namespace.  Any callback may be NULL. */
typedef struct kps_xml_handler {
    int (*start)(void *user, kps_xml *x, const char *local, const char *uri,
                 const kps_xml_attrs *attrs);
    int (*end)(void *user, kps_xml *x, const char *local, const char *uri);
    int (*text)(void *user, kps_xml *x, const char *s, size_t n);
} kps_xml_handler;

/*
 * Parse data[0..len), a part of a document.  name is the document name
 * (the err "file"), part the part name for messages.
 */
int kps_xml_parse(const char *data, size_t len, const char *name,
                  const char *part, const kps_limits *lim,
                  const kps_xml_handler *h, void *user, kpiscan_error *err);

/* Inside a callback: the namespace URI bound to prefix[0..n) where the
 * parser stands, or NULL when the prefix is not declared. */
const char *kps_xml_ns_lookup(const kps_xml *x, const char *prefix, size_t n);

/* Inside a callback: the current element depth (the root element is
 * depth 1). */
unsigned kps_xml_depth(const kps_xml *x);

/* Attribute helpers.  kps_xml_attr() finds the attribute called local whose
 * namespace URI is uri1 or uri2 (NULL for "no namespace"; pass the same
 * value twice to accept one); it returns its value and stores its length,
 * or returns NULL.  kps_xml_attr_eq() compares a value with a C string. */
const char *kps_xml_attr(const kps_xml_attrs *a, const char *local,
                         const char *uri1, const char *uri2, size_t *len);
int kps_xml_value_eq(const char *v, size_t n, const char *s);

/* A length in an attribute value v[0..n) ("11pt", " 4 ", "0.5mm"), in
 * points, read without the locale (strtod follows LC_NUMERIC); the
 * whitespace XML schema allows around a number is skipped.  Units pt, pc,
 * pi, in, cm, mm, px; a bare number is bare_scale points (DOCX w:sz counts
 * half-points: 0.5), or refused when bare_scale is 0.  -1 when unreadable,
 * negative or in another unit (percentages, em). */
double kps_xml_length_pt(const char *v, size_t n, double bare_scale);

/* A hex digit's value, -1 for another byte. */
static inline int kps_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Six hex digits v[0..n) ("1F3864") as 0xRRGGBB; -1 when v is NULL or not
 * exactly that. */
int32_t kps_xml_hex_rgb(const char *v, size_t n);
/* "RRGGBB" (v[0..n), no '#') with every channel >= 0xF0: 1; another
 * colour: 0; -1 when v is not a hex colour ("auto"). */
int kps_xml_hex_near_white(const char *v, size_t n);

/* Styles.  What a DOCX and an ODT style share, and the first member of
 * each format's style struct, so one table code serves both: the name,
 * the style it inherits from (NULL for none) and its kind (DOCX: the
 * style type, 'p' paragraph, 'c' character, 'o' other; ODT: the family). */
typedef struct kps_style_key {
    char *name;
    char *parent;
    char kind;
} kps_style_key;

/* qsort/bsearch order of styles that start with a kps_style_key: by kind,
 * then name. */
int kps_style_cmp(const void *a, const void *b);
/* The style of kind and name[0..n) in v[0..count), elements of size bytes
 * sorted by kps_style_cmp; NULL when absent (or the name is 256 bytes or
 * longer). */
const void *kps_style_find(const void *v, size_t count, size_t size, char kind,
                           const char *name, size_t n);
/* Free the names of each style of v[0..count) (elements of size bytes),
 * then v. */
void kps_styles_free(void *v, size_t count, size_t size);

/* Namespaces.  A format names the URIs it knows in a table of
 * {uri, id} (id > 0; 0 is "another namespace").  libxml2 hands out
 * namespace URIs from its dictionary, so one namespace arrives as one
 * pointer for a whole part: a cache of the last few answers most lookups
 * with a pointer compare.  Start the cache zeroed. */
typedef struct kps_ns_name {
    const char *uri;
    int id;
} kps_ns_name;

typedef struct kps_ns_cache {
    const char *uri[4];
    int id[4];
    unsigned next;
} kps_ns_cache;

/* The id of uri in known[0..n) (compared as strings), 0 when absent. */
int kps_ns_lookup(const kps_ns_name *known, size_t n, const char *uri);

/* As kps_ns_lookup, through the cache c (inline: once per element). */
static inline int kps_ns_of(kps_ns_cache *c, const char *uri,
                            const kps_ns_name *known, size_t n)
{
    if (!uri)
        return 0;
    for (unsigned i = 0; i < 4; i++)
        if (c->uri[i] == uri)
            return c->id[i];
    int id = kps_ns_lookup(known, n, uri);
    c->uri[c->next] = uri;
    c->id[c->next] = id;
    c->next = (c->next + 1) % 4;
    return id;
}

/*
 * The document's last-modified date from a metadata part (DOCX
 * docProps/core.xml: dcterms:modified; ODT meta.xml: dc:date): the text of
 * the element with namespace uri and local name (the last, if several), read as
 * "YYYY-MM-DD..." into doc->modified_*.  A missing or unreadable date
 * leaves them zero; a malformed part fails as any part does.
 */
int kps_xml_modified_date(const char *data, size_t len, const char *name,
                          const char *part, const kps_limits *lim,
                          const char *uri, const char *local, kps_doc *doc,
                          kpiscan_error *err);

/* ------------------------------------------------------------------ */
/* Document text builder, shared by the DOCX and ODT extractors         */
/* ------------------------------------------------------------------ */

/* A growable list of byte ranges, kept sorted by construction. */
typedef struct kps_ranges {
    kps_range *v;
    size_t n, cap;
} kps_ranges;

/* How a piece of text is shown to a reader. */
typedef enum kps_vis {
    KPS_VISIBLE = 0,
    KPS_HIDDEN = 1,      /* vanish, tiny: hidden for certain */
    KPS_HIDDEN_WHITE = 2 /* white on what looks like a white page: hidden
                            unless the extractor later learns otherwise */
} kps_vis;

/* Paragraph bookkeeping: paragraphs can nest (a text box inside a
 * paragraph), so open paragraphs form a stack. */
typedef struct kps_tb_para {
    size_t start;   /* where the current piece of this paragraph began */
    unsigned index; /* paragraph index within its part */
} kps_tb_para;

typedef struct kps_textbuild {
    kps_buf text;
    kps_segment *segs;
    size_t nsegs, segcap;
    kps_ranges hidden;
    kps_ranges white;
    kps_tb_para *paras;
    size_t npara, paracap;
    /* limit: all builders of one document share *total */
    size_t *total;
    size_t max_text;
    const char *name; /* document name, for messages */
    const char *part; /* current part name, for messages */
    unsigned part_index;
    unsigned *next_para; /* paragraph counter of the current part */
    /* positions just after the last paragraph break / cell tab, so a cell
     * end can replace the break and a row end the tab; where the current
     * table cell began */
    size_t after_para, after_cell, cell_start;
    kpiscan_error *err;
} kps_textbuild;

/* Set up an empty builder.  total and next_para may be shared between
 * builders of one document; failures are recorded in err. */
void kps_tb_init(kps_textbuild *tb, const char *name, size_t max_text,
                 size_t *total, unsigned *next_para, kpiscan_error *err);
void kps_tb_free(kps_textbuild *tb);

/* Append n bytes of text (valid UTF-8) shown as vis.  Errors:
 * KPISCAN_ERR_LIMIT "<part>: extracted text exceeds max_text_bytes (N)",
 * _NOMEM. */
int kps_tb_text(kps_textbuild *tb, const char *s, size_t n, kps_vis vis);
/* Append one visible separator character ('\t', '\n', '-'). */
int kps_tb_char(kps_textbuild *tb, char c);
/* Append code point cp as UTF-8, shown as vis. */
int kps_tb_codepoint(kps_textbuild *tb, uint32_t cp, kps_vis vis);

/* A paragraph opens / closes.  A nested paragraph starts on a line of its
 * own.  join: the paragraph mark was deleted (tracked change accepted), so
 * no line break follows. */
int kps_tb_para_start(kps_textbuild *tb);
int kps_tb_para_end(kps_textbuild *tb, int join);
/* Table cells and rows.  A cell of one paragraph ends in '\t' (replacing
 * its paragraph break), so a row of short cells reads as one line ("2019 -
 * 2021", "Analyst"); a cell of several paragraphs (a column of a
 * two-column layout) keeps its last line break, so the next cell's first
 * paragraph, often a heading, starts a line of its own.  A row ends in
 * '\n' (replacing the tab of its last cell). */
int kps_tb_cell_start(kps_textbuild *tb);
int kps_tb_cell_end(kps_textbuild *tb);
int kps_tb_row_end(kps_textbuild *tb);
/* Make sure the text ends a line (between parts). */
int kps_tb_end_line(kps_textbuild *tb);

/* Move src's text, segments and ranges to the end of dst (src is left
 * empty).  Both must share the same total counter. */
int kps_tb_append(kps_textbuild *dst, kps_textbuild *src);

/* Insert src, whole lines read from elsewhere (a page a DOCX imports),
 * where dst stands as a paragraph would stand: on lines of its own, or at
 * the start of the table cell dst is in, whose end then treats the
 * block's last line break as a paragraph's ("2019 - 2021" alone in a
 * cell still ends in a tab).  dst must have no open paragraph.  An empty
 * src changes nothing.  src is left empty, also on failure.  Shares
 * dst's total, as kps_tb_append(). */
int kps_tb_insert_block(kps_textbuild *dst, kps_textbuild *src);

/* 1 when the text holds something other than white space. */
int kps_tb_has_content(const kps_textbuild *tb);

/* Hand the text, segments and hidden ranges to doc (parts are the
 * caller's business).  white_is_hidden: count the KPS_HIDDEN_WHITE ranges
 * as hidden.  The builder is left empty. */
int kps_tb_finish(kps_textbuild *tb, int white_is_hidden, kps_doc *doc);

#endif /* KPS_XMLREAD_H */
