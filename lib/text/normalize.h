/* normalize.h - text prepared for matching, with its offset map (normalize.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_TEXT_NORMALIZE_H
#define KPISCAN_TEXT_NORMALIZE_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

/* A checkpoint of the offset map: from norm_off on, normalised bytes map
 * to source bytes at src_off + (pos - norm_off) until the next checkpoint. */
typedef struct kps_map_point {
    size_t norm_off;
    size_t src_off;
} kps_map_point;

/* Text prepared for matching: ligatures expanded (U+FB01 -> "fi"), curly
 * quotes straightened, dashes and minus signs to '-', NBSP and other
 * spaces to ' ', soft hyphens and zero-width characters removed.  Always
 * valid UTF-8. */
typedef struct kps_norm {
    char *text; /* NUL-terminated, malloc'd */
    size_t len;
    kps_map_point *map; /* sorted by norm_off; map[0] = {0, 0} */
    size_t nmap;
    size_t src_len;
} kps_norm;

/* src must be valid UTF-8.  Returns KPISCAN_OK, or KPISCAN_ERR_NOMEM
 * with err (may be NULL) filled for the document name (may be NULL). */
int kps_normalize(const char *src, size_t len, const char *name, kps_norm *out,
                  kpiscan_error *err);
/* Map a normalised offset to the source offset.  An offset inside a
 * replacement maps to the start of the replaced source sequence; an end
 * offset should be mapped with kps_norm_to_src_end(). */
size_t kps_norm_to_src(const kps_norm *n, size_t norm_off);
/* Map an exclusive end offset: the end of the source sequence that produced
 * the byte before norm_end. */
size_t kps_norm_to_src_end(const kps_norm *n, size_t norm_end);
void kps_norm_free(kps_norm *n);

#endif /* KPISCAN_TEXT_NORMALIZE_H */
