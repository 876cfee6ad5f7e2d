/* extract.c - the extractor table: the sniffed format picks a row, and
 * every row has the same signature (input/extract.h).  The extractors
 * keep their own entry points for their unit tests; the rows adapt them. */
#include <stdlib.h>
#include <string.h>

#include "base/options.h"
#include "base/util.h"
#include "input/extract.h"
#include "input/zipread.h"

static int text_row(kps_extract_ctx *ctx, const kps_input *in, kps_doc *doc,
                    kpiscan_error *err)
{
    (void)ctx;
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
    return kps_html_extract(in->data, in->len, in->name, &in->limits, doc, err);
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
    in->pdf.cpu_seconds =
        o->pdf_timeout_ms >= 2000 ? o->pdf_timeout_ms / 1000 : 1;
    in->pdf.memory_mb = (unsigned long)(o->pdf_memory_bytes >> 20);
    in->pdf.max_pages = o->pdf_max_pages;
}

/* A ZIP archive that is no Word or ODT document.  One named .zip that
 * holds resumes (a bundle a recruiter was sent) says so and stays an
 * error in a walk; any other is "not a document", which a walk skips like
 * an image (a spreadsheet, an e-book or a Java archive is a ZIP too). */
static int refuse_zip(const kps_input *in, kpiscan_error *err)
{
    kps_zip *z = NULL;
    size_t entries = 0, docs = 0;
    const char *example = NULL;
    /* only the central directory is read; a damaged one just leaves the
     * count out of the message */
    if (kps_zip_open(in->data, in->len, in->name, "ZIP", 0, &in->limits, &z,
                     NULL) == KPISCAN_OK)
        docs = kps_zip_documents(z, &entries, &example);
    size_t nlen = in->name ? strlen(in->name) : 0;
    int bundle =
        docs && nlen >= 4 && kps_ascii_ieq(in->name + nlen - 4, ".zip", 4);
    int rc;
    if (docs) {
        /* the first document's name, cut at a character boundary */
        size_t shown = strlen(example);
        if (shown > 80) {
            shown = 80;
            while (shown && ((unsigned char)example[shown] & 0xC0) == 0x80)
                shown--;
        }
        rc =
            kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                     "a ZIP archive, not a document: it holds %zu "
                     "document%s (\"%.*s\"%s) among %zu file%s; extract "
                     "it and scan the folder",
                     docs, docs == 1 ? "" : "s", (int)shown, example,
                     docs > 1 ? ", ..." : "", entries, entries == 1 ? "" : "s");
    } else {
        rc = kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                      "not a document (a ZIP archive without a Word or ODT "
                      "document in it)");
    }
    if (err && !bundle)
        err->not_document = 1;
    kps_zip_close(z);
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
    case KPS_FORMAT_OLE:
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, in->name,
                        "legacy or encrypted Word document, not supported "
                        "(a Word 97-2003 .doc or a password-protected file: "
                        "save it as .docx or PDF without a password)");
    case KPS_FORMAT_ZIP: return refuse_zip(in, err);
    case KPS_FORMAT_RTF:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                        "unsupported format: %s (save it as .docx or PDF)",
                        kps_format_description(f));
    case KPS_FORMAT_FLAT_ODF:
    case KPS_FORMAT_WORD_XML:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, in->name,
                        "unsupported format: %s", kps_format_description(f));
    default: {
        /* Say why, when a NUL byte is the reason: a text resume with one
         * stray NUL is easier to mend knowing where it is. */
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
