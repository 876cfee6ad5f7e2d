/*
 * fuzz.h - shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness defines LLVMFuzzerTestOneInput().  Built with clang and
 * -fsanitize=fuzzer (meson -Dfuzzing=true) it is a libFuzzer target; built
 * with replay.c instead it is a plain program that feeds every file of its
 * seed corpus to the same function, which is how the corpus runs as an
 * ordinary meson test on every CI run, with any compiler.
 *
 * Harnesses cap their input sizes and lower the library's limits (the PCRE2
 * match limit above all), so that a libFuzzer time-out or out-of-memory
 * report means a real bug, not a large-but-legal input.
 */
#ifndef KPS_FUZZ_H
#define KPS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#ifdef __cplusplus
}
#endif

/* A broken invariant is a finding like a crash: report and abort, so
 * libFuzzer saves the input and the replay test fails. */
#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* Limits inside harnesses: far above any real resume, far below what
 * would let one input run for seconds. */
#define FUZZ_MAX_DOC_INPUT ((size_t)1 << 20)    /* documents: 1 MiB */
#define FUZZ_MAX_TEXT_INPUT ((size_t)256 << 10) /* normaliser: 256 KiB */
#define FUZZ_MAX_PACK_INPUT ((size_t)64 << 10)  /* packs: 64 KiB */
#define FUZZ_MATCH_LIMIT 100000UL               /* PCRE2, per match call */

#endif
