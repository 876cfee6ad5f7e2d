/* lines.c - byte offsets to 1-based lines and columns of the document
 * text, for evidence and spans (text/lines.h). */
#include <stdlib.h>
#include <string.h>

#include "text/lines.h"

int kps_line_index_build(const char *text, size_t len, kps_line_index *li)
{
    /* One pass; a resume has a line every few dozen bytes. */
    size_t cap = len / 32 + 16;
    li->starts = malloc(cap * sizeof *li->starts);
    if (!li->starts)
        return -1;
    li->n = 0;
    li->starts[li->n++] = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p)));
         p++) {
        if (li->n == cap) {
            size_t *v = realloc(li->starts, 2 * cap * sizeof *v);
            if (!v)
                return -1; /* the caller frees li->starts */
            li->starts = v;
            cap *= 2;
        }
        li->starts[li->n++] = (size_t)(p - text) + 1;
    }
    return 0;
}

/* 1-based line and code-point column of a byte offset. */
void kps_line_col(const kps_line_index *li, const char *text, size_t off,
                  size_t *line, size_t *col)
{
    size_t lo = 0, hi = li->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (li->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t from = li->starts[lo], c = 1;
    if (li->cur && li->cur->line == lo && li->cur->off >= from &&
        li->cur->off <= off) {
        from = li->cur->off;
        c = li->cur->col;
    }
    for (size_t i = from; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            c++;
    if (li->cur) {
        li->cur->line = lo;
        li->cur->off = off;
        li->cur->col = c;
    }
    *line = lo + 1;
    *col = c;
}
