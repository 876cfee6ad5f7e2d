/* base.h - what every module uses: errors, byte buffers, limits, formats.
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BASE_BASE_H
#define KPISCAN_BASE_BASE_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kpiscan.h"

#if defined(__GNUC__)
#define KPS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KPS_PRINTF(f, a)
#endif

/* The public accessors that read one field of an object the caller may
 * pass as NULL: defines `rtype type_field(const type *o)`, which answers
 * none for NULL (output/result.c, batch.c). */
#define KPS_GETTER(type, field, rtype, none)                                   \
    rtype type##_##field(const type *o)                                        \
    {                                                                          \
        return o ? o->field : (none);                                          \
    }

/* Errors (error.c) */

struct kpiscan_error {
    int status;
    size_t line;
    size_t column;
    char file[512];
    char rule_id[128];
    char reason[1024];
    char message[2048]; /* file:line:column: [rule 'id': ]reason */
    /* Set with KPISCAN_ERR_UNSUPPORTED_FORMAT when the input is a ZIP
     * archive with nothing of a document in it (a .zip, .jar, .xlsx) or
     * an OLE file without a Word document (an .xls, a .ppt, Thumbs.db):
     * a directory walk skips it as it skips images. */
    int not_document;
};

/* Record a failure in err (which may be NULL) and return status, so callers
 * can write `return kps_fail(err, ...)`.  file may be NULL. */
int kps_fail(kpiscan_error *err, int status, const char *file, const char *fmt,
             ...) KPS_PRINTF(4, 5);

/* Put "corrupt <kind>: " before the reason of a KPISCAN_ERR_CORRUPT
 * failure that does not already start with "corrupt ", so every damaged
 * DOCX or ODT reads "corrupt DOCX: reason" whichever layer (zip, XML)
 * found the damage.  Other statuses, and a NULL err, are left alone. */
void kps_error_mark_corrupt(kpiscan_error *err, const char *kind);

/* As kps_fail() with a position and rule id (line/column 0 = unknown,
 * rule_id NULL = none). */
int kps_fail_at(kpiscan_error *err, int status, const char *file, size_t line,
                size_t column, const char *rule_id, const char *fmt, ...)
    KPS_PRINTF(7, 8);

/* Growable byte buffer (util.c) */

typedef struct kps_buf {
    char *data;
    size_t len;
    size_t cap;
} kps_buf;

/* All return 0 on success, -1 when out of memory.  data stays
 * NUL-terminated after every successful call. */
int kps_buf_reserve(kps_buf *b, size_t extra);
int kps_buf_append(kps_buf *b, const void *p, size_t n);
int kps_buf_putc(kps_buf *b, char c);
/* Append code point cp (must be a valid scalar value) as UTF-8. */
int kps_buf_put_utf8(kps_buf *b, uint32_t cp);
/* Append the printf-formatted text, whole (0, or -1 when out of memory or
 * on a format error, which leaves b as it was). */
int kps_buf_printf(kps_buf *b, const char *fmt, ...) KPS_PRINTF(2, 3);
int kps_buf_vprintf(kps_buf *b, const char *fmt, va_list ap);
void kps_buf_free(kps_buf *b);

/* Limits (options.c) */

typedef struct kps_limits {
    size_t max_input_bytes;    /* whole input */
    size_t max_text_bytes;     /* extracted text */
    size_t max_zip_entries;    /* archive entries */
    size_t max_part_bytes;     /* one uncompressed part */
    size_t max_total_bytes;    /* all uncompressed parts read */
    unsigned max_ratio;        /* uncompressed:compressed, past ratio_floor */
    size_t ratio_floor;        /* bytes below which the ratio is not checked */
    unsigned max_xml_depth;    /* element nesting */
    unsigned long match_limit; /* PCRE2 match limit */
    size_t max_evidence;       /* evidence items kept per document */
} kps_limits;

void kps_limits_default(kps_limits *lim);

/* Document formats, as the sniffer names them (input/sniff.c). */
typedef enum kps_format {
    KPS_FORMAT_UNKNOWN = 0,
    KPS_FORMAT_TEXT,
    KPS_FORMAT_DOCX,
    KPS_FORMAT_ODT,
    KPS_FORMAT_ZIP, /* a zip that is neither DOCX nor ODT */
    KPS_FORMAT_PDF,
    KPS_FORMAT_RTF,
    KPS_FORMAT_OLE,    /* legacy .doc/.xls or encrypted OOXML */
    KPS_FORMAT_BINARY, /* images, executables, NUL-laden data */
    KPS_FORMAT_HTML,
    KPS_FORMAT_FLAT_ODF, /* OpenDocument as one XML file (.fodt) */
    KPS_FORMAT_WORD_XML, /* Word 2003 XML, Flat OPC */
    KPS_FORMAT_DOC       /* a Word 97-2003 document read from an OLE file */
} kps_format;

#endif /* KPISCAN_BASE_BASE_H */
