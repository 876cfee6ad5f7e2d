/*
 * pdf.h - PDF through the kpiscan-pdf helper (pdf.c).  Internal.
 */
#ifndef KPISCAN_PDF_H
#define KPISCAN_PDF_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <sys/types.h>

#include "base/base.h"
#include "input/doc.h"

/* The protocol version the helper says hello with (docs/pdf-helper.md). */
#define KPS_PDF_PROTOCOL 1u
/* No frame from the helper is larger: a line of 65535 words of at most
 * 64 KiB would be, and is refused. */
#define KPS_PDF_MAX_FRAME ((size_t)4 << 20)

/* Error codes of an 'E' frame. */
#define KPS_PDF_E_ENCRYPTED 1
#define KPS_PDF_E_CORRUPT 2
#define KPS_PDF_E_PAGES 3
#define KPS_PDF_E_TEXT_LIMIT 4
#define KPS_PDF_E_NOMEM 5
#define KPS_PDF_E_REQUEST 6
#define KPS_PDF_E_INTERNAL 7

/* Why a word is hidden (bits), 0 when visible. */
#define KPS_PDF_HIDDEN_TINY 1
#define KPS_PDF_HIDDEN_OUTSIDE 2
#define KPS_PDF_HIDDEN_INVISIBLE 4
#define KPS_PDF_HIDDEN_COLOUR 8

/* Everything a helper start and a request need, from the options. */
typedef struct kps_pdf_config {
    const char *path;
    unsigned long timeout_ms;  /* wall clock per document, in the library */
    unsigned long cpu_seconds; /* RLIMIT_CPU per document, in the helper */
    unsigned long memory_mb;   /* RLIMIT_AS of the helper */
    unsigned max_pages;
} kps_pdf_config;

/* Read a PDF into doc through this thread's helper (started, restarted
 * after a failure or a fork, as needed). */
int kps_pdf_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, const kps_pdf_config *cfg,
                    kps_doc *doc, kpiscan_error *err);

/* The pid of this thread's helper, 0 when none: for tests. */
pid_t kps_pdf_helper_pid(void);

/* The answer's frames to a kps_doc, without any process: the reader the
 * extractor uses, exposed for the fuzz harness and unit tests. */
typedef struct kps_pdf_reader {
    const char *name;
    const kps_limits *lim;
    unsigned max_pages;
    kps_buf text;
    char **parts;
    size_t npages, cap_pages;
    kps_segment *segments;
    size_t nsegments, cap_segments;
    kps_range *hidden;
    size_t nhidden, cap_hidden;
    unsigned page_lines;
    int page_image;
    int date_rank, year, month, day;
    size_t hidden_words;
    int hidden_why;
    int done;
    int helper_failed; /* an 'E' after which the helper exits */
} kps_pdf_reader;

void kps_pdf_reader_init(kps_pdf_reader *r, const char *name,
                         const kps_limits *lim, unsigned max_pages);
/* One frame.  0, or an error status with err filled. */
int kps_pdf_reader_frame(kps_pdf_reader *r, unsigned type,
                         const unsigned char *body, size_t len,
                         kpiscan_error *err);
/* After the 'D' frame: hand the text over to doc. */
int kps_pdf_reader_finish(kps_pdf_reader *r, kps_doc *doc, kpiscan_error *err);
void kps_pdf_reader_free(kps_pdf_reader *r);
/* A whole answer held in memory (frames back to back). */
int kps_pdf_parse_answer(const unsigned char *data, size_t len,
                         const char *name, const kps_limits *lim,
                         unsigned max_pages, kps_doc *doc, kpiscan_error *err);
/* The hidden-text rule for one word (KPS_PDF_HIDDEN_* bits or 0). */
int kps_pdf_hidden_word(unsigned size_cpt, const unsigned char paint[3],
                        const unsigned char bg[3], unsigned render,
                        unsigned flags, int page_has_image);

#endif
