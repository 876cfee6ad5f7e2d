/*
 * fuzz-pdfproto.c - the library's side of the PDF helper protocol.
 *
 * The helper (kpiscan-pdf) is a separate process that parses hostile PDFs
 * with poppler; the library must survive whatever it says, including a
 * helper that a PDF has subverted.  The input is taken as a helper's whole
 * answer (frames back to back) and read by kps_pdf_parse_answer(), the
 * reader the extractor feeds frame by frame.  A success must keep the
 * kps_doc promises (valid UTF-8, NUL-terminated, no CR, segments and
 * hidden ranges inside the text and sorted, one part per page); a failure
 * must carry a message naming the file.  Seeds: answers of the real helper
 * to the PDF test fixtures (tests/fuzz/corpus/pdfproto, made by
 * tests/pdf/make-proto-seeds.py).
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "input/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_DOC_INPUT)
        return 0;
    kps_limits lim;
    kps_limits_default(&lim);
    /* Small limits reach their checks with small inputs. */
    lim.max_text_bytes = 64u << 10;
    kps_doc doc;
    memset(&doc, 0, sizeof doc);
    kpiscan_error *err = kpiscan_error_new();
    if (!err)
        return 0;
    int rc = kps_pdf_parse_answer(data, size, "fuzz.pdf", &lim, 8, &doc, err);
    if (rc == KPISCAN_OK) {
        FUZZ_CHECK(doc.format == KPS_FORMAT_PDF);
        FUZZ_CHECK(doc.text != NULL && doc.text[doc.len] == '\0');
        FUZZ_CHECK(doc.len <= lim.max_text_bytes + 1);
        FUZZ_CHECK(kps_utf8_valid_prefix((const unsigned char *)doc.text,
                                         doc.len) == doc.len);
        FUZZ_CHECK(memchr(doc.text, '\r', doc.len) == NULL);
        FUZZ_CHECK(doc.nparts >= 1 && doc.nparts <= 8);
        for (size_t i = 0; i < doc.nparts; i++)
            FUZZ_CHECK(doc.parts[i] != NULL);
        for (size_t i = 0; i < doc.nsegments; i++) {
            const kps_segment *s = &doc.segments[i];
            FUZZ_CHECK(s->start <= s->end && s->end <= doc.len);
            FUZZ_CHECK(s->part < doc.nparts);
            FUZZ_CHECK(memchr(doc.text + s->start, '\n', s->end - s->start) ==
                       NULL);
            FUZZ_CHECK(i == 0 || doc.segments[i - 1].end <= s->start);
        }
        for (size_t i = 0; i < doc.nhidden; i++) {
            const kps_range *r = &doc.hidden[i];
            FUZZ_CHECK(r->start < r->end && r->end <= doc.len);
            FUZZ_CHECK(i == 0 || doc.hidden[i - 1].end <= r->start);
        }
        if (doc.modified_year)
            FUZZ_CHECK(doc.modified_year >= 1990 && doc.modified_month >= 1 &&
                       doc.modified_month <= 12 && doc.modified_day >= 1 &&
                       doc.modified_day <= 31);
        kps_doc_free(&doc);
    } else {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(strncmp(kpiscan_error_message(err), "fuzz.pdf", 8) == 0);
        FUZZ_CHECK(doc.text == NULL);
    }
    kpiscan_error_free(err);
    return 0;
}
