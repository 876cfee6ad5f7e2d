/* lines.h - line starts of the document text, for offset -> line/column
 * (lines.c).  Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_TEXT_LINES_H
#define KPISCAN_TEXT_LINES_H

#ifndef KPISCAN_BUILDING_LIB
#error                                                                         \
    "a private header of libkpiscan: only the library, its tests, benches and fuzzers (which define KPISCAN_BUILDING_LIB) include it"
#endif

#include "base/base.h"

/* Line starts of the document text, for offset -> line/column.  Offsets
 * are mostly asked for in increasing order, so the last answer is kept
 * (cur): counting a column on from it rather than from the line start
 * keeps a document that is one huge line linear, not quadratic. */
typedef struct kps_line_cursor {
    size_t line, off, col;
} kps_line_cursor;
typedef struct kps_line_index {
    size_t *starts;
    size_t n;
    kps_line_cursor *cur; /* per scan; NULL: always count from the line start */
} kps_line_index;

/* Fill li->starts (malloc'd; the caller frees it, also after a failure).
 * Returns 0, or -1 when out of memory. */
int kps_line_index_build(const char *text, size_t len, kps_line_index *li)
    __attribute__((warn_unused_result));
/* 1-based line and code-point column of a byte offset. */
void kps_line_col(const kps_line_index *li, const char *text, size_t off,
                  size_t *line, size_t *col);

#endif /* KPISCAN_TEXT_LINES_H */
