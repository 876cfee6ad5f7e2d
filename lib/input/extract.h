/* extract.h - the extractors: plain text, DOCX, ODT.
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_INPUT_EXTRACT_H
#define KPISCAN_INPUT_EXTRACT_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "input/doc.h"

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

#endif /* KPISCAN_INPUT_EXTRACT_H */
