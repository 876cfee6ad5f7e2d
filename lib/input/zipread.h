/*
 * zipread.h - zip archives read from memory with limits, for the
 * zip-based document formats (DOCX, ODT).  Internal to libkpiscan.
 *
 * The archive is read through libzip straight from the caller's buffer;
 * nothing touches the filesystem.  Every entry is read to its end so libzip
 * checks its CRC, and every limit of kps_limits that concerns archives is
 * enforced here: entry count, per-part and total uncompressed size, and the
 * compression ratio (checked on the declared sizes before inflating and
 * again on the bytes actually produced).
 */
#ifndef KPS_ZIPREAD_H
#define KPS_ZIPREAD_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <stddef.h>

#include "base/base.h"

typedef struct kps_zip kps_zip;

/*
 * Open the archive in data[0..len).  The buffer is not copied: it must
 * outlive the kps_zip.  name labels messages (the err "file"); kind ("DOCX",
 * "ODT") goes into their text.  With fold_case, entry names are compared
 * ignoring ASCII case, as OPC (DOCX) part names are.
 *
 * Errors: KPISCAN_ERR_CORRUPT "corrupt <kind>: <reason>" (not a zip,
 * truncated, inconsistent, duplicate entry names); KPISCAN_ERR_LIMIT when
 * len exceeds lim->max_input_bytes or the archive has more than
 * lim->max_zip_entries entries; _NOMEM.
 */
int kps_zip_open(const unsigned char *data, size_t len, const char *name,
                 const char *kind, int fold_case, const kps_limits *lim,
                 kps_zip **out, kpiscan_error *err);

/* Close the archive.  NULL is a no-op. */
void kps_zip_close(kps_zip *z);

/* 1 when the archive has an entry called entry, else 0. */
int kps_zip_has(const kps_zip *z, const char *entry);
/* The index of the entry that kps_zip_read(entry) would read, or -1 when
 * there is none: names that differ only in case are one entry when the
 * archive was opened with fold_case, so callers de-duplicate by this. */
long long kps_zip_index(const kps_zip *z, const char *entry);

/* 1 when the archive's bytes end with its end-of-central-directory
 * record (pointing inside the data), as every complete ZIP does; 0 for an
 * archive cut short in a download or a copy. */
int kps_zip_has_end(const unsigned char *data, size_t len);
/* Why such an archive cannot be read, for every message that says so. */
#define KPS_ZIP_CUT_SHORT                                                      \
    "its end (the central directory) is missing, as in a file cut short by "   \
    "a download or a copy"

/* A ZIP archive's entry names read straight from its bytes, without
 * libzip and without its checks (an archive libzip refuses, with 10,001
 * entries, duplicate or undecodable names, is still a bundle of resumes
 * to name): how many entries there are (*entries) and how many are named
 * as documents (.docx, .doc, .pdf, .rtf, .txt, ...; folders and macOS
 * resource forks left out).  *example gets the first such name (raw
 * bytes, *example_len of them, pointing into data) or NULL.  The central
 * directory is read when one is found, else the local headers. */
size_t kps_zip_raw_documents(const unsigned char *data, size_t len,
                             size_t *entries, const unsigned char **example,
                             size_t *example_len);

/*
 * Read one entry whole into a malloc'd, NUL-terminated buffer (*data,
 * *len; free with free()).  The bytes read count toward max_total_bytes.
 *
 * Returns KPISCAN_OK; KPISCAN_ERR_NOT_FOUND when there is no such entry
 * (err untouched, so callers can treat optional parts quietly);
 * KPISCAN_ERR_LIMIT (part size, total size, compression ratio, and what
 * reading entries again inflates: at most max_ratio times the archive's
 * size, ratio_floor at least);
 * KPISCAN_ERR_CORRUPT (CRC error, bad compressed data, size differing from
 * the declared one); KPISCAN_ERR_ENCRYPTED; _NOMEM.
 */
int kps_zip_read(kps_zip *z, const char *entry, char **data, size_t *len,
                 kpiscan_error *err);

#endif /* KPS_ZIPREAD_H */
