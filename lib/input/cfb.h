/*
 * cfb.h - OLE compound files ([MS-CFB]) read from memory, for the legacy
 * Word 97-2003 ".doc" reader.  Internal to libkpiscan.
 *
 * A compound file is a small file system in one file: fixed-size sectors
 * chained through a file allocation table (FAT), a directory of named
 * storages and streams kept as red-black trees, and a "mini stream" of
 * 64-byte sectors for the small streams.  The file is not copied; the FAT,
 * mini FAT, directory and mini stream are read once at open, and a stream
 * of the root storage is read whole on request.  Every chain is walked
 * with a bound and every size is checked against what the file can hold
 * before anything is allocated: the input may be crafted.
 */
#ifndef KPISCAN_INPUT_CFB_H
#define KPISCAN_INPUT_CFB_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

typedef struct kps_cfb {
    const unsigned char *data; /* the file, owned by the caller */
    size_t len;
    const char *name;     /* document name, for messages */
    size_t sector_size;   /* 512 (version 3) or 4096 (version 4) */
    size_t nsectors;      /* sectors that start inside data; the last may be
                             cut short */
    int wide_sizes;       /* stream sizes are 64-bit (4096-byte sectors) */
    uint32_t mini_cutoff; /* streams smaller than this are in the mini
                             stream */
    uint32_t *fat;        /* next sector of each sector */
    size_t nfat;
    uint32_t *minifat; /* next mini sector of each mini sector */
    size_t nminifat;
    unsigned char *dir; /* directory entries, 128 bytes each */
    size_t ndir;
    unsigned char *mini; /* the mini stream */
    size_t mini_len;
} kps_cfb;

/* Open data (len bytes, which must outlive cfb) as a compound file: its
 * header, FAT (through the DIFAT), directory, mini FAT and mini stream.
 * Returns KPISCAN_OK, or fails (cfb then needs no kps_cfb_free, but calling
 * it is harmless) with KPISCAN_ERR_CORRUPT ("corrupt OLE compound file:
 * <reason>") for damage, KPISCAN_ERR_LIMIT when a structure it must read
 * exceeds max_bytes, KPISCAN_ERR_NOMEM. */
int kps_cfb_open(kps_cfb *cfb, const unsigned char *data, size_t len,
                 const char *name, size_t max_bytes, kpiscan_error *err);
/* A stream of the ROOT storage by name (ASCII; compared letter-case-
 * insensitively, as CFB compares names): 1 and its whole content in *out
 * (malloc'd, NUL-terminated after *out_len bytes); 0 when the root holds
 * no such stream (nothing allocated, err untouched); a negative status on
 * failure: KPISCAN_ERR_CORRUPT (broken chain, stream longer than its chain),
 * KPISCAN_ERR_LIMIT (the stream is larger than max_bytes),
 * KPISCAN_ERR_NOMEM. */
int kps_cfb_read(kps_cfb *cfb, const char *stream, size_t max_bytes,
                 unsigned char **out, size_t *out_len, kpiscan_error *err);
void kps_cfb_free(kps_cfb *cfb);

#endif /* KPISCAN_INPUT_CFB_H */
