/*
 * fuzz-extract.c - document sniffing and extraction.
 *
 * Every input is sniffed, then decoded as plain text, searched for the
 * page of a MIME HTML document, and read as an HTML
 * page (libxml2's HTML parser recovers from any markup, so every text is
 * a page) and as RTF (the reader walks any bytes as groups and control
 * words), and - when the
 * library is built with DOCX/ODT support - also extracted as DOCX and as
 * ODT whenever it is any ZIP archive, so the zip reader, the XML reader
 * and both extractors see every archive the fuzzer makes, whatever its
 * markers say.  What comes out must keep the kps_doc promises: valid
 * UTF-8, NUL-terminated, LF line ends, segments and hidden ranges inside
 * the text and sorted.
 *
 * libFuzzer cannot mutate XML that sits deflated inside a zip, so an input
 * that looks like XML (it starts with '<', after an optional UTF-8 BOM) is
 * also wrapped, uncompressed, into minimal packages: as the main part of a
 * DOCX, as the styles part of a DOCX whose text uses styles, and as the
 * content.xml of an ODT.  That way mutations reach the XML reader and both
 * extractors' element handling directly.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

static void check_doc(const kps_doc *doc)
{
    FUZZ_CHECK(doc->text != NULL);
    FUZZ_CHECK(doc->text[doc->len] == '\0');
    FUZZ_CHECK(kps_utf8_valid_prefix((const unsigned char *)doc->text,
                                     doc->len) == doc->len);
    FUZZ_CHECK(memchr(doc->text, '\r', doc->len) == NULL);
    for (size_t i = 0; i < doc->nsegments; i++) {
        const kps_segment *s = &doc->segments[i];
        FUZZ_CHECK(s->start <= s->end && s->end <= doc->len);
        FUZZ_CHECK(s->part < doc->nparts);
        FUZZ_CHECK(i == 0 || doc->segments[i - 1].start <= s->start);
    }
    for (size_t i = 0; i < doc->nhidden; i++) {
        const kps_range *r = &doc->hidden[i];
        FUZZ_CHECK(r->start <= r->end && r->end <= doc->len);
        FUZZ_CHECK(i == 0 || doc->hidden[i - 1].start <= r->start);
    }
    for (size_t i = 0; i < doc->nparts; i++)
        FUZZ_CHECK(doc->parts[i] != NULL);
}

#ifdef KPISCAN_HAVE_DOCX
/* ---- minimal zip writer (stored entries) --------------------------- */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static int put16(kps_buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    return kps_buf_append(b, x, 2);
}

static int put32(kps_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    return kps_buf_append(b, x, 4);
}

typedef struct entry {
    const char *name;
    const unsigned char *data;
    size_t len;
} entry;

/* A zip of n stored entries, or -1 when out of memory. */
static int zip_stored(kps_buf *out, const entry *e, size_t n)
{
    uint32_t offsets[8], crcs[8];
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(e[i].name);
        offsets[i] = (uint32_t)out->len;
        crcs[i] = crc32_of(e[i].data, e[i].len);
        rc |= put32(out, 0x04034B50u) | put16(out, 20) | put16(out, 0) |
              put16(out, 0) | put16(out, 0) | put16(out, 0x21) |
              put32(out, crcs[i]) | put32(out, (uint32_t)e[i].len) |
              put32(out, (uint32_t)e[i].len) | put16(out, (unsigned)nl) |
              put16(out, 0) | kps_buf_append(out, e[i].name, nl) |
              kps_buf_append(out, e[i].data, e[i].len);
    }
    uint32_t cd = (uint32_t)out->len;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(e[i].name);
        rc |= put32(out, 0x02014B50u) | put16(out, 20) | put16(out, 20) |
              put16(out, 0) | put16(out, 0) | put16(out, 0) | put16(out, 0x21) |
              put32(out, crcs[i]) | put32(out, (uint32_t)e[i].len) |
              put32(out, (uint32_t)e[i].len) | put16(out, (unsigned)nl) |
              put16(out, 0) | put16(out, 0) | put16(out, 0) | put16(out, 0) |
              put32(out, 0) | put32(out, offsets[i]) |
              kps_buf_append(out, e[i].name, nl);
    }
    uint32_t cd_len = (uint32_t)out->len - cd;
    rc |= put32(out, 0x06054B50u) | put16(out, 0) | put16(out, 0) |
          put16(out, (unsigned)n) | put16(out, (unsigned)n) |
          put32(out, cd_len) | put32(out, cd) | put16(out, 0);
    return rc ? -1 : 0;
}

static const char content_types[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
    "package/2006/content-types\"><Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char package_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
    "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "</Relationships>";
static const char document_rels[] =
    "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
    "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";
static const char styled_document[] =
    "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas."
    "openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:pPr>"
    "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:rPr><w:rStyle w:val=\"H\"/>"
    "</w:rPr><w:t>KPI owner</w:t></w:r></w:p><w:p><w:r><w:t>Tracked KPIs"
    "</w:t></w:r></w:p></w:body></w:document>";
static const char odt_mimetype[] = "application/vnd.oasis.opendocument.text";
static const char odt_manifest[] =
    "<?xml version=\"1.0\"?><manifest:manifest xmlns:manifest=\"urn:oasis:"
    "names:tc:opendocument:xmlns:manifest:1.0\"><manifest:file-entry "
    "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
    "</manifest:manifest>";

static void run_docx(const kps_buf *zip, const kps_limits *lim, int comments);
static void run_odt(const kps_buf *zip, const kps_limits *lim);

/* Wrap XML input into the three packages and extract each. */
static void wrap_xml(const uint8_t *data, size_t size, const kps_limits *lim)
{
    size_t skip = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (size <= skip || data[skip] != '<')
        return;
    entry docx_main[] = {
        {"[Content_Types].xml", (const unsigned char *)content_types,
         sizeof content_types - 1},
        {"_rels/.rels", (const unsigned char *)package_rels,
         sizeof package_rels - 1},
        {"word/document.xml", data, size},
    };
    entry docx_styles[] = {
        docx_main[0],
        docx_main[1],
        {"word/document.xml", (const unsigned char *)styled_document,
         sizeof styled_document - 1},
        {"word/_rels/document.xml.rels", (const unsigned char *)document_rels,
         sizeof document_rels - 1},
        {"word/styles.xml", data, size},
    };
    entry odt_content[] = {
        {"mimetype", (const unsigned char *)odt_mimetype,
         sizeof odt_mimetype - 1},
        {"META-INF/manifest.xml", (const unsigned char *)odt_manifest,
         sizeof odt_manifest - 1},
        {"content.xml", data, size},
    };
    kps_buf zip = {0};
    if (zip_stored(&zip, docx_main, 3) == 0)
        run_docx(&zip, lim, 1);
    zip.len = 0;
    if (zip_stored(&zip, docx_styles, 5) == 0)
        run_docx(&zip, lim, 0);
    zip.len = 0;
    if (zip_stored(&zip, odt_content, 3) == 0)
        run_odt(&zip, lim);
    kps_buf_free(&zip);
}
#endif

static void check_status(int rc, const kpiscan_error *err)
{
    FUZZ_CHECK(rc <= 0);
    if (rc < 0) {
        FUZZ_CHECK(err->status == rc);
        FUZZ_CHECK(err->message[0] != '\0');
    }
}

/* An extractor of a format without parts (RTF, .doc): any bytes give a
 * text of valid UTF-8 with no control character but TAB and LF, within
 * the limit and without paragraph segments, or a failure with a
 * message. */
typedef int (*flat_extractor)(const unsigned char *data, size_t len,
                              const char *name, const kps_limits *lim,
                              kps_doc *doc, kpiscan_error *err);
static void run_flat(flat_extractor extract, const uint8_t *data, size_t size,
                     const char *name, const kps_limits *lim)
{
    kpiscan_error err;
    kps_doc doc;
    memset(&err, 0, sizeof err);
    memset(&doc, 0, sizeof doc);
    int rc = extract(data, size, name, lim, &doc, &err);
    check_status(rc, &err);
    if (rc == KPISCAN_OK) {
        check_doc(&doc);
        FUZZ_CHECK(doc.len <= lim->max_text_bytes);
        FUZZ_CHECK(doc.nsegments == 0);
        for (size_t i = 0; i < doc.len; i++)
            FUZZ_CHECK((unsigned char)doc.text[i] >= 0x20 ||
                       doc.text[i] == '\t' || doc.text[i] == '\n');
    }
    kps_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_DOC_INPUT)
        return 0;
    kps_limits lim;
    kps_limits_default(&lim);
    /* Small enough that no input can allocate hundreds of MiB; a zip bomb
     * must be stopped by these, not by libFuzzer's -rss_limit_mb. */
    lim.max_text_bytes = (size_t)4 << 20;
    lim.max_part_bytes = (size_t)8 << 20;
    lim.max_total_bytes = (size_t)16 << 20;
    lim.max_zip_entries = 1000;

    kps_format f = kps_sniff(data, size);
    FUZZ_CHECK(kps_format_name(f) != NULL);
    FUZZ_CHECK(kps_format_description(f) != NULL);
    int guess = kps_utf16_guess(data, size);
    FUZZ_CHECK(guess == KPS_UTF16_NONE || guess == KPS_UTF16_LE ||
               guess == KPS_UTF16_BE);

    kpiscan_error err;
    kps_doc doc;
    int rc;

    /* Plain-text decoding runs on everything: it must refuse binary data
     * with an error, never misbehave on it. */
    memset(&err, 0, sizeof err);
    memset(&doc, 0, sizeof doc);
    rc = kps_text_decode(data, size, "fuzz", &lim, &doc, &err);
    check_status(rc, &err);
    if (rc == KPISCAN_OK) {
        check_doc(&doc);
        FUZZ_CHECK(doc.len <= lim.max_text_bytes);
    }
    kps_doc_free(&doc);

    /* MIME HTML: the page found lies within the input's size (decoding
     * only shrinks), NUL-terminated at its length. */
    char *page = NULL;
    size_t page_len = 0;
    int mime = kps_mhtml_html(data, size, &page, &page_len);
    FUZZ_CHECK(mime == 1 || mime == 0 || mime == -2 || mime == -1);
    FUZZ_CHECK((mime == 1) == (page != NULL));
    if (page) {
        FUZZ_CHECK(page_len <= size);
        FUZZ_CHECK(page[page_len] == '\0');
    }
    free(page);

    memset(&err, 0, sizeof err);
    memset(&doc, 0, sizeof doc);
    rc = kps_html_extract(data, size, "fuzz.html", &lim, &doc, &err);
    check_status(rc, &err);
    if (rc == KPISCAN_OK) {
        check_doc(&doc);
        FUZZ_CHECK(doc.len <= lim.max_text_bytes);
        for (size_t i = 0; i < doc.len; i++)
            FUZZ_CHECK((unsigned char)doc.text[i] >= 0x20 ||
                       doc.text[i] == '\t' || doc.text[i] == '\n');
    }
    kps_doc_free(&doc);

    run_flat(kps_rtf_extract, data, size, "fuzz.rtf", &lim);
    /* a Word 97-2003 document, and anything else that starts as an OLE
     * compound file (the reader refuses the rest at once) */
    if (f == KPS_FORMAT_OLE)
        run_flat(kps_worddoc_extract, data, size, "fuzz.doc", &lim);

#ifdef KPISCAN_HAVE_DOCX
    if (f == KPS_FORMAT_DOCX || f == KPS_FORMAT_ODT || f == KPS_FORMAT_ZIP) {
        kps_buf in = {(char *)data, size, size};
        /* comments matter only to real Word documents */
        run_docx(&in, &lim, 0);
        if (f == KPS_FORMAT_DOCX)
            run_docx(&in, &lim, 1);
        run_odt(&in, &lim);
    } else {
        wrap_xml(data, size, &lim);
    }
#endif
    return 0;
}

#ifdef KPISCAN_HAVE_DOCX
static void run_docx(const kps_buf *zip, const kps_limits *lim, int comments)
{
    kpiscan_error err;
    kps_doc doc;
    memset(&err, 0, sizeof err);
    memset(&doc, 0, sizeof doc);
    int rc = kps_docx_extract((const unsigned char *)zip->data, zip->len,
                              "fuzz.docx", lim, comments, &doc, &err);
    check_status(rc, &err);
    if (rc == KPISCAN_OK)
        check_doc(&doc);
    kps_doc_free(&doc);
}

static void run_odt(const kps_buf *zip, const kps_limits *lim)
{
    kpiscan_error err;
    kps_doc doc;
    memset(&err, 0, sizeof err);
    memset(&doc, 0, sizeof doc);
    int rc = kps_odt_extract((const unsigned char *)zip->data, zip->len,
                             "fuzz.odt", lim, &doc, &err);
    check_status(rc, &err);
    if (rc == KPISCAN_OK)
        check_doc(&doc);
    kps_doc_free(&doc);
}
#endif
