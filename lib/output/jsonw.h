/* jsonw.h - the streaming JSON writer (jsonw.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_OUTPUT_JSONW_H
#define KPISCAN_OUTPUT_JSONW_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

#define KPS_JW_MAX_DEPTH 16

/* Writes one JSON value (usually an object) into a growing buffer; the
 * format is described in jsonw.c.  key is the member name inside an
 * object, NULL inside an array or at the top.  Errors are sticky and
 * reported by kps_jw_finish(). */
typedef struct kps_jw {
    kps_buf buf;
    int pretty;
    int depth;
    int failed;
    size_t count[KPS_JW_MAX_DEPTH]; /* members written, per open container */
} kps_jw;

void kps_jw_init(kps_jw *w, int pretty);
void kps_jw_object(kps_jw *w, const char *key);
void kps_jw_object_end(kps_jw *w);
void kps_jw_array(kps_jw *w, const char *key);
void kps_jw_array_end(kps_jw *w);
void kps_jw_string(kps_jw *w, const char *key, const char *s);
/* "file": name, and when name is not valid UTF-8 (a file name with stray
 * bytes) also "file_bytes": its bytes in lower-case hex, since "file"
 * then carries U+FFFD for them and could not be tied to the file. */
void kps_jw_file(kps_jw *w, const char *name);
void kps_jw_int(kps_jw *w, const char *key, long long v);
void kps_jw_real(kps_jw *w, const char *key, double v);
/* v rounded to at most 4 decimals: written as kps_jw_real() would write
 * it, without printf where it can (kps_jw_real otherwise). */
void kps_jw_fixed(kps_jw *w, const char *key, double v, int decimals);
void kps_jw_bool(kps_jw *w, const char *key, int v);
void kps_jw_null(kps_jw *w, const char *key);
/* The "pack" object every record and summary carries: the rule pack's
 * name, version and hash. */
void kps_jw_pack(kps_jw *w, const char *name, const char *version,
                 const char *hash);
/* The text (malloc'd, caller frees), or NULL after an error or with a
 * container still open; the writer is reset either way. */
char *kps_jw_finish(kps_jw *w);
void kps_jw_discard(kps_jw *w);

#endif /* KPISCAN_OUTPUT_JSONW_H */
