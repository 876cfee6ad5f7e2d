/* extract.h - the extractors: plain text, DOCX, ODT, HTML, RTF (PDF: pdf.h).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_INPUT_EXTRACT_H
#define KPISCAN_INPUT_EXTRACT_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "input/doc.h"
#include "input/pdf.h"

/* Decode plain text: UTF-8 (BOM skipped), UTF-16LE/BE and UTF-32 with BOM,
 * BOM-less UTF-16 recognised by kps_utf16_guess(); in UTF-8
 * text each invalid byte is read as Windows-1252; CRLF and CR become LF.
 * Fails with KPISCAN_ERR_NOT_TEXT on NUL bytes in UTF-8 text,
 * KPISCAN_ERR_EMPTY when nothing but whitespace remains.  name is for
 * messages. */
int kps_text_decode(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err);

/* Extract a DOCX / ODT document into doc. */
int kps_docx_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, int include_comments, kps_doc *doc,
                     kpiscan_error *err);
int kps_odt_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err);
/* Extract the text a browser shows from an HTML page (htmldoc.c). */
int kps_html_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, kps_doc *doc, kpiscan_error *err);
/* The same text inserted into dst as a block (kps_tb_insert_block()), for
 * a page inside another document (a DOCX's imported HTML chunk, named
 * part in messages); its text counts against dst's shared total.  ground
 * is what the page stands on, for text the colour of its background: -1
 * the page's own (white), 0xRRGGBB a plain colour (a shaded table cell's),
 * -2 a colour that is not plain (a theme's) and not white. */
struct kps_textbuild;
int kps_html_append(const unsigned char *data, size_t len, const char *name,
                    const char *part, int32_t ground, const kps_limits *lim,
                    struct kps_textbuild *dst, kpiscan_error *err);
/* Extract the text a word processor shows from an RTF document (rtf.c). */
int kps_rtf_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err);
/* The same text inserted into dst as a block, for an RTF chunk a DOCX
 * imports; part and ground as for kps_html_append(). */
int kps_rtf_append(const unsigned char *data, size_t len, const char *name,
                   const char *part, int32_t ground, const kps_limits *lim,
                   struct kps_textbuild *dst, kpiscan_error *err);
/* Extract the text Word shows from a Word 97-2003 document (worddoc.c),
 * an OLE compound file; one that holds no Word document fails with words
 * that say what it holds: KPISCAN_ERR_ENCRYPTED for a password-protected
 * DOCX, KPISCAN_ERR_UNSUPPORTED_FORMAT for anything else. */
int kps_worddoc_extract(const unsigned char *data, size_t len, const char *name,
                        const kps_limits *lim, kps_doc *doc,
                        kpiscan_error *err);
/* The page inside a MIME HTML (MHT) document (mhtml.c): 1 with the part
 * a browser shows (of multipart/related the root: the part its start
 * parameter names, else the first text part; of other multiparts the
 * first text/html part, else the first text part), transfer encoding
 * undone, in *html (malloc'd, NUL-terminated, *html_len bytes; HTML or
 * text, for the caller to sniff); 0 when data is not MIME (no
 * MIME-Version header); -2 when it is MIME without such a text part; -1
 * when out of memory. */
int kps_mhtml_html(const unsigned char *data, size_t len, char **html,
                   size_t *html_len);

/* The extractor table.  The sniffed format picks a row; each row turns
 * the input's bytes into a kps_doc.  Adding an input format is a row and
 * a file (docs/internals.md). */

/* One document to extract, and every option an extractor reads. */
typedef struct kps_input {
    const unsigned char *data;
    size_t len;
    const char *name; /* for messages */
    kps_limits limits;
    int include_comments;   /* DOCX: read the comments too */
    kps_format format_hint; /* names a ZIP without a marker; never trusted */
    kps_pdf_config pdf;     /* the helper's path and resource limits */
} kps_input;

/* State an extractor keeps for the scan that made the context (the
 * driver makes one per scan: zero-initialised, freed with
 * kps_extract_ctx_free()).  No extractor needs any yet.  State that must
 * outlive a scan does not fit here: the PDF helper process lives per
 * thread in input/pdf.c (docs/pdf.md, "Where helper state lives"), since
 * the one-shot kpiscan_scan_buffer() has no handle to keep it in. */
typedef struct kps_extract_ctx {
    void *pdf; /* unused: see above */
} kps_extract_ctx;

typedef struct kps_extractor {
    kps_format format;
    const char *name; /* as in the record's "format" */
    int (*extract)(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                   kpiscan_error *err);
} kps_extractor;

extern const kps_extractor kps_extractors[];
extern const size_t kps_nextractors;

/* The input of a scan from its resolved options (o from
 * kps_options_resolve()): limits, DOCX comments, the format hint and the
 * PDF helper (the option, else $KPISCAN_PDF_HELPER, else the built-in
 * path). */
void kps_input_init(kps_input *in, const struct kpiscan_options *o,
                    const void *data, size_t len, const char *name);
/* Sniff in->data and run the extractor of its format; formats without one
 * (legacy Word, a bare ZIP, binary data) fail with their status. */
int kps_extract(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                kpiscan_error *err);
void kps_extract_ctx_free(kps_extract_ctx *ctx);

#endif /* KPISCAN_INPUT_EXTRACT_H */
