/* batch.h - records of a batch, ranking, failure records (batch.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BATCH_H
#define KPISCAN_BATCH_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "estimate/result.h"

struct kpiscan_record {
    size_t index;
    char *name;
    int status;  /* KPISCAN_OK or an error */
    int skipped; /* a walk met a non-document; reason in error */
    size_t bytes;
    kpiscan_result *result;
    kpiscan_error error;
    const kpiscan_pack *pack;
    char *json;      /* rendered by the worker (KPISCAN_BATCH_RENDER_JSON) */
    char sha256[65]; /* of the input's bytes; "" when not asked or unread */
};

/* What a ranking looks at, so writers that keep no records (the HTML
 * report) rank exactly as kpiscan_record_compare() does.  cls: 0 a
 * result, 1 an error, 2 skipped. */
typedef struct kps_rank {
    int cls;
    int level;
    double confidence;
    double years;
    const char *name;
    size_t index;
} kps_rank;
int kps_rank_compare(const kps_rank *a, const kps_rank *b, int key);
void kps_rank_of_record(const kpiscan_record *rec, kps_rank *out);

/* Sort records by a kpiscan_sort key with kpiscan_record_compare()
 * (stable: ties keep input order).  Returns 0, or -1 when it had no memory
 * for the merge and fell back to an insertion sort (still sorted). */
int kps_sort_records(kpiscan_record *recs, size_t n, int key);

/* JSON for a record without a result: status word "error" or "skipped";
 * pack may be NULL. */
char *kps_failure_json(const char *name, const kpiscan_error *err,
                       const kpiscan_pack *pack, const char *status_word,
                       const char *sha256, unsigned flags);
/* kpiscan_scan_file(), and when sha256 is not NULL the SHA-256 (hex) of
 * the bytes read, left untouched when none were read (batch.c). */
int kps_scan_file_sha256(const kpiscan_pack *pack, const kpiscan_options *opts,
                         const char *path, kpiscan_result **out,
                         kpiscan_error *err, char sha256[65]);

/* For unit tests only: how long a FIFO named as an input may stay silent
 * before its record fails (ms; 0 restores the 30 s default), so a test of
 * a FIFO with no writer need not wait 30 s.  Affects every batch. */
void kps_batch_set_fifo_idle_ms(unsigned ms);

#endif /* KPISCAN_BATCH_H */
