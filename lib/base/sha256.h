/* sha256.h - SHA-256 (sha256.c), for pack hashes.
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BASE_SHA256_H
#define KPISCAN_BASE_SHA256_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

/* Compute SHA-256 of data as 64 lowercase hex digits plus NUL. */
typedef struct kps_sha256 {
    uint32_t state[8];
    uint64_t bits;
    unsigned char block[64];
    size_t used;
} kps_sha256;
void kps_sha256_init(kps_sha256 *h);
void kps_sha256_update(kps_sha256 *h, const void *data, size_t len);
void kps_sha256_hex(kps_sha256 *h, char out[65]);

#endif /* KPISCAN_BASE_SHA256_H */
