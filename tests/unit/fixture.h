/*
 * fixture.h - DOCX and ODT documents built in memory from XML snippets,
 * so that each test case reads like the case it tests:
 *
 *     size_t len;
 *     unsigned char *docx =
 *         fixture_docx_body("<w:p><w:r><w:t>Hello</w:t></w:r></w:p>", &len);
 *
 * Every builder returns malloc'd archive bytes (free with free()) and
 * aborts the test program if libzip fails, so tests need no error paths.
 * Hostile archives (bombs, duplicate names, bad CRCs) are made with the
 * raw zip helpers and the byte patchers at the end.
 */
#ifndef KPS_TEST_FIXTURE_H
#define KPS_TEST_FIXTURE_H

#include <stddef.h>

/* ---- raw zip archives ----------------------------------------------- */

typedef struct fixture_zip fixture_zip;

fixture_zip *fixture_zip_new(void);
/* Add an entry (data copied), deflated. */
void fixture_zip_add(fixture_zip *z, const char *name, const void *data,
                     size_t len);
void fixture_zip_add_str(fixture_zip *z, const char *name, const char *text);
/* Add an entry stored without compression (its bytes appear verbatim in
 * the archive, which is what the CRC and huge-text tests need). */
void fixture_zip_add_stored(fixture_zip *z, const char *name, const void *data,
                            size_t len);
/* Add a deflated entry that is prefix, then count copies of fill, then
 * suffix, streamed to libzip so a 200 MB part costs no memory. */
void fixture_zip_add_repeat(fixture_zip *z, const char *name,
                            const char *prefix, char fill, size_t count,
                            const char *suffix);
/* Write the archive; returns its bytes and frees z. */
unsigned char *fixture_zip_finish(fixture_zip *z, size_t *len);

/* ---- DOCX ------------------------------------------------------------ */

/* What goes into a DOCX.  Snippets are element content: the builder adds
 * the root elements with the usual namespace prefixes declared (w, r, mc,
 * wps, wp, a, pic, v, o, m, w14, wpg, wpc). */
typedef struct fixture_docx_spec {
    const char *body;         /* inside <w:body> */
    const char *document_xml; /* the whole main part (overrides body) */
    const char *styles;       /* inside <w:styles>; NULL: no styles part */
    const char *styles_xml;   /* the whole styles part (overrides styles) */
    const char *headers[3];   /* inside <w:hdr>, header1.xml.. */
    const char *footers[3];   /* inside <w:ftr> */
    const char *footnotes;    /* inside <w:footnotes> */
    const char *endnotes;     /* inside <w:endnotes> */
    const char *comments;     /* inside <w:comments> */
    const char *settings;     /* inside <w:settings>, related last */
    const char *modified;     /* dcterms:modified text; NULL: no core.xml */
    const char *main_name;    /* default "word/document.xml" */
    const char *extra_name;   /* one more entry, verbatim */
    const char *extra_data;
    int strict;          /* ISO Strict namespaces and relationships */
    int bom;             /* UTF-8 BOM before the main part */
    int no_package_rels; /* leave out _rels/.rels */
    int no_main_rels;    /* leave out the main part's .rels */
} fixture_docx_spec;

unsigned char *fixture_docx(const fixture_docx_spec *spec, size_t *len);
/* The common case: a body and nothing else. */
unsigned char *fixture_docx_body(const char *body, size_t *len);
/* A body and a styles.xml content. */
unsigned char *fixture_docx_styled(const char *styles, const char *body,
                                   size_t *len);

/* ---- ODT --------------------------------------------------------------- */

/* Snippets are element content; roots declare office, style, text, table,
 * draw, fo, svg, xlink, dc, meta. */
typedef struct fixture_odt_spec {
    const char *body;             /* inside <office:text> */
    const char *content_xml;      /* the whole content.xml (overrides) */
    const char *automatic_styles; /* content.xml office:automatic-styles */
    const char *styles;           /* styles.xml office:styles */
    const char *styles_auto;      /* styles.xml office:automatic-styles */
    const char *master_styles;    /* styles.xml office:master-styles */
    const char *meta_date;        /* meta.xml dc:date; NULL: no meta.xml */
    const char *mimetype;         /* default the text mimetype; "" none */
} fixture_odt_spec;

unsigned char *fixture_odt(const fixture_odt_spec *spec, size_t *len);
unsigned char *fixture_odt_body(const char *body, size_t *len);

/* ---- byte patchers for hostile archives ------------------------------ */

/* Replace every occurrence of from with to (same length) in buf; returns
 * the number replaced. */
size_t fixture_replace(unsigned char *buf, size_t len, const char *from,
                       const char *to);
/* Set the uncompressed size recorded for entry name in its local header
 * and central directory record; returns the number of headers patched. */
size_t fixture_set_declared_size(unsigned char *buf, size_t len,
                                 const char *name, unsigned long size);
/* Position of needle in buf, or (size_t)-1. */
size_t fixture_find(const unsigned char *buf, size_t len, const char *needle);

#endif /* KPS_TEST_FIXTURE_H */
