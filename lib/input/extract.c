/* extract.c - the extractor table: the sniffed format picks a row, and
 * every row has the same signature (input/extract.h).  The extractors
 * keep their own entry points for their unit tests; the rows adapt them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "base/util.h"
#include "input/extract.h"
#include "input/zipread.h"

/* A web page saved as MIME HTML (Word's "Single File Web Page", .mht):
 * mail-style headers, then the page, usually quoted-printable, which the
 * sniffer takes for text or HTML.  The page is sniffed as a file is (a
 * byte order mark, UTF-16) and read as HTML or as text.  Returns 1 and
 * the page's text in doc (or the failure in rc) when in is one; 0 when
 * it is not, or holds no page that is text. */
static int mime_page(const kps_input *in, kps_doc *doc, kpiscan_error *err,
                     int *rc)
{
    char *page = NULL;
    size_t page_len = 0;
    int mime = kps_mhtml_html(in->data, in->len, &page, &page_len);
    if (mime == -1) {
        *rc = kps_fail(err, KPISCAN_ERR_NOMEM, in->name, "out of memory");
        return 1;
    }
    if (mime != 1)
        return 0;
    const unsigned char *p = (const unsigned char *)page;
    kps_format f = kps_sniff(p, page_len);
    if (f == KPS_FORMAT_HTML)
        *rc = kps_html_extract(p, page_len, in->name, &in->limits, doc, err);
    else if (f == KPS_FORMAT_TEXT)
        *rc = kps_text_decode(p, page_len, in->name, &in->limits, doc, err);
    free(page);
    return f == KPS_FORMAT_HTML || f == KPS_FORMAT_TEXT;
}

static int text_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                    kpiscan_error *err)
{
    (void)ctx;
    int rc;
    if (mime_page(in, doc, err, &rc))
        return rc;
    return kps_text_decode(in->data, in->len, in->name, &in->limits, doc, err);
}

static int docx_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                    kpiscan_error *err)
{
    (void)ctx;
    return kps_docx_extract(in->data, in->len, in->name, &in->limits,
                            in->include_comments, doc, err);
}

static int odt_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                   kpiscan_error *err)
{
    (void)ctx;
    return kps_odt_extract(in->data, in->len, in->name, &in->limits, doc, err);
}

static int html_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                    kpiscan_error *err)
{
    (void)ctx;
    int rc;
    if (mime_page(in, doc, err, &rc))
        return rc;
    return kps_html_extract(in->data, in->len, in->name, &in->limits, doc, err);
}

static int rtf_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                   kpiscan_error *err)
{
    (void)ctx;
    return kps_rtf_extract(in->data, in->len, in->name, &in->limits, doc, err);
}

/* An OLE compound file: a Word 97-2003 document, or a refusal that says
 * what else it is (worddoc.c). */
static int doc_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                   kpiscan_error *err)
{
    (void)ctx;
    return kps_worddoc_extract(in->data, in->len, in->name, &in->limits, doc,
                               err);
}

/* PDF goes to the helper process (pdf.c). */
static int pdf_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                   kpiscan_error *err)
{
    (void)ctx;
#ifdef KPISCAN_HAVE_PDF
    return kps_pdf_extract(in->data, in->len, in->name, &in->limits, &in->pdf,
                           doc, err);
#else
    (void)doc;
    return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                    "unsupported format: PDF document (built without PDF "
                    "support)");
#endif
}

/* clang-format off */
const kps_extractor kps_extractors[] = {
    {KPS_FORMAT_TEXT, "text", text_row},
    {KPS_FORMAT_DOCX, "docx", docx_row},
    {KPS_FORMAT_ODT, "odt", odt_row},
    {KPS_FORMAT_PDF, "pdf", pdf_row},
    {KPS_FORMAT_HTML, "html", html_row},
    {KPS_FORMAT_RTF, "rtf", rtf_row},
    {KPS_FORMAT_OLE, "doc", doc_row},
};
/* clang-format on */
const size_t kps_nextractors = sizeof kps_extractors / sizeof *kps_extractors;

void kps_input_init(kps_input *in, const kpiscan_options *o, const void *data,
                    size_t len, const char *name)
{
    in->data = data;
    in->len = len;
    in->name = name;
    in->limits = o->limits;
    in->include_comments = o->include_comments;
    in->format_hint = o->format_hint;
#ifdef KPISCAN_HAVE_PDF
    const char *env = getenv("KPISCAN_PDF_HELPER");
    in->pdf.path = o->pdf_helper[0] ? o->pdf_helper
                   : env && *env    ? env
                                    : KPISCAN_PDF_HELPER_DEFAULT;
#else
    in->pdf.path = NULL;
#endif
    in->pdf.timeout_ms = o->pdf_timeout_ms;
    /* whole seconds, at least 1; the protocol carries 32 bits, so a
     * longer time is the most it can say, not its low bits */
    unsigned long cpu =
        o->pdf_timeout_ms >= 2000 ? o->pdf_timeout_ms / 1000 : 1;
    in->pdf.cpu_seconds = cpu > UINT32_MAX ? UINT32_MAX : cpu;
    in->pdf.memory_mb = (unsigned long)(o->pdf_memory_bytes >> 20);
    in->pdf.max_pages = o->pdf_max_pages;
}

/* An entry name fit for a message: at most 80 bytes (cut at a character
 * boundary, "..." said), bytes that are not UTF-8 and controls as '?'. */
static void shown_name(const unsigned char *name, size_t n, char *out,
                       size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o + 8 < cap) {
        if (i >= 80) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        size_t k = name[i] < 0x80 ? 1 : kps_utf8_seq_len(name + i, n - i);
        uint32_t cp = name[i];
        if (k > 1)
            kps_utf8_decode(name + i, n - i, &cp);
        if (!k || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
            (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            out[o++] = '?';
            i += k ? k : 1;
            continue;
        }
        memcpy(out + o, name + i, k);
        o += k;
        i += k;
    }
    out[o] = '\0';
}

/* A ZIP archive that is no Word or ODT document.  One named .zip that
 * holds resumes (a bundle a recruiter was sent) says so and stays an
 * error in a walk; any other is "not a document", which a walk skips like
 * an image (a spreadsheet, an e-book or a Java archive is a ZIP too).
 * The entry names are read from the archive's bytes: an archive libzip
 * would refuse is still a bundle to name. */
static int refuse_zip(const kps_input *in, kpiscan_error *err)
{
    size_t entries = 0, example_len = 0;
    const unsigned char *example = NULL;
    size_t docs = kps_zip_raw_documents(in->data, in->len, &entries, &example,
                                        &example_len);
    size_t nlen = in->name ? strlen(in->name) : 0;
    int bundle =
        docs && nlen >= 4 && kps_ascii_ieq(in->name + nlen - 4, ".zip", 4);
    int rc;
    if (bundle) { /* an e-book or a Java archive holds pages too */
        char shown[128];
        shown_name(example, example_len, shown, sizeof shown);
        rc =
            kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                     "a ZIP archive, not a document: it holds %zu "
                     "document%s (\"%s\"%s) among %zu file%s; extract "
                     "it and scan the folder",
                     docs, docs == 1 ? "" : "s", shown, docs > 1 ? ", ..." : "",
                     entries, entries == 1 ? "" : "s");
    } else if (!kps_zip_has_end(in->data, in->len) &&
               (!in->name || kps_named_as_document(in->name))) {
        /* A DOCX cut short before its Word parts looks like any ZIP: say
         * what is wrong with it rather than skip it as "not a document",
         * in the words a DOCX cut later gets when its name says which
         * kind it is.  A cut-short spreadsheet or Java archive is still
         * not one. */
        const char *kind = "ZIP archive (a DOCX, ODT or other)";
        if (nlen >= 5 && kps_ascii_ieq(in->name + nlen - 5, ".docx", 5))
            kind = "DOCX";
        else if (nlen >= 4 && kps_ascii_ieq(in->name + nlen - 4, ".odt", 4))
            kind = "ODT";
        return kps_fail(err, KPISCAN_ERR_CORRUPT, in->name,
                        "corrupt %s: " KPS_ZIP_CUT_SHORT, kind);
    } else {
        rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                      "not a document (a ZIP archive without a Word or ODT "
                      "document in it)");
    }
    if (err && !bundle)
        err->not_document = 1;
    return rc;
}

int kps_extract(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                kpiscan_error *err)
{
    if (in->len == 0)
        return kps_fail(err, KPISCAN_ERR_EMPTY, in->name, "empty document");
    kps_format f = kps_sniff(in->data, in->len);
    /* The content decides; a hint (often a file name's extension, which
     * nobody vouches for) only names what a ZIP archive without a Word or
     * ODT marker is, and that extractor still checks it in full. */
    if (f == KPS_FORMAT_ZIP && (in->format_hint == KPS_FORMAT_DOCX ||
                                in->format_hint == KPS_FORMAT_ODT))
        f = in->format_hint;
    for (size_t i = 0; i < kps_nextractors; i++)
        if (kps_extractors[i].format == f)
            return kps_extractors[i].extract(ctx, in, doc, err);
    switch (f) {
    case KPS_FORMAT_ZIP: return refuse_zip(in, err);
    case KPS_FORMAT_FLAT_ODF:
    case KPS_FORMAT_WORD_XML:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                        "unsupported format: %s", kps_format_description(f));
    default: {
        /* Name what it is when its first bytes say so (a photo or an
         * archive beside the resumes); else say why, when a NUL byte is
         * the reason: a text resume with one stray NUL is easier to mend
         * knowing where it is. */
        const char *kind = kps_binary_kind(in->data, in->len);
        if (kind)
            return kps_fail(err, KPISCAN_ERR_NOT_TEXT, in->name,
                            "not a text document (%s)", kind);
        const unsigned char *nul = memchr(in->data, 0, in->len);
        if (nul)
            return kps_fail(err, KPISCAN_ERR_NOT_TEXT, in->name,
                            "not a text document (binary data: a NUL byte "
                            "at offset %zu)",
                            (size_t)(nul - in->data));
        return kps_fail(err, KPISCAN_ERR_NOT_TEXT, in->name,
                        "not a text document (binary data)");
    }
    }
}

void kps_extract_ctx_free(kps_extract_ctx *ctx)
{
    if (ctx)
        ctx->pdf = NULL;
}
