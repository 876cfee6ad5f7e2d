/* doc.h - a document as an extractor leaves it, and the sniffer.
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_INPUT_DOC_H
#define KPISCAN_INPUT_DOC_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

/* Byte range [start, end) of the document text that came from one
 * paragraph of one part (DOCX/ODT).  Plain text has none. */
typedef struct kps_segment {
    size_t start, end;
    unsigned part;      /* index into kps_doc.parts */
    unsigned paragraph; /* 0-based paragraph index within the part */
} kps_segment;

/* Byte range [start, end) of the document text that is hidden from a
 * reader (vanish, white or tiny text). */
typedef struct kps_range {
    size_t start, end;
} kps_range;

/* A document as extracted: the text every position refers to. */
typedef struct kps_doc {
    kps_format format;
    char *text; /* valid UTF-8, NUL-terminated, LF line ends; malloc'd */
    size_t len;
    char **parts; /* part names ("word/document.xml"), malloc'd */
    size_t nparts;
    kps_segment *segments; /* sorted by start, malloc'd */
    size_t nsegments;
    kps_range *hidden; /* sorted by start, malloc'd */
    size_t nhidden;
    /* docProps/core.xml dcterms:modified, 0 when absent */
    int modified_year, modified_month, modified_day;
} kps_doc;

void kps_doc_free(kps_doc *doc); /* frees members, not doc itself */

/* Recognise the format from the first bytes (never the file name). */
kps_format kps_sniff(const unsigned char *data, size_t len);
/* What binary data is, by the signatures kps_sniff() knows ("an image:
 * PNG", "a gzip archive"), for a refusal's words; NULL when unnamed. */
const char *kps_binary_kind(const unsigned char *data, size_t len);
const char *kps_format_name(kps_format f);
/* BOM-less UTF-16 detection shared by the sniffer and the decoder, so both
 * agree: KPS_UTF16_LE / _BE when the bytes look like UTF-16 text. */
#define KPS_UTF16_NONE 0
#define KPS_UTF16_LE 1
#define KPS_UTF16_BE 2
int kps_utf16_guess(const unsigned char *data, size_t len);
/* For messages: "PDF document", "RTF document", ... */
const char *kps_format_description(kps_format f);

#endif /* KPISCAN_INPUT_DOC_H */
