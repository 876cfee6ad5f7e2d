/*
 * fuzz-normalize.c - the normaliser and the text-level signal finders.
 *
 * The input is made valid UTF-8 first (kps_normalize() requires it; the
 * decoder guarantees it in the pipeline) by dropping every byte that does
 * not start a valid sequence, then normalised.  The offset map must be
 * monotonic and stay inside the source, and the output valid UTF-8.  The
 * normalised text then goes through section detection and the timeline,
 * the stages that read it next.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_TEXT_INPUT)
        return 0;
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < size;) {
        size_t k = kps_utf8_seq_len(data + i, size - i);
        if (k == 0) {
            i++;
            continue;
        }
        memcpy(src + n, data + i, k);
        n += k;
        i += k;
    }
    src[n] = '\0';

    kps_norm norm;
    memset(&norm, 0, sizeof norm);
    int rc = kps_normalize(src, n, NULL, &norm, NULL);
    FUZZ_CHECK(rc == KPISCAN_OK || rc == KPISCAN_ERR_NOMEM);
    if (rc == KPISCAN_OK) {
        FUZZ_CHECK(norm.text && norm.text[norm.len] == '\0');
        FUZZ_CHECK(kps_utf8_valid_prefix((const unsigned char *)norm.text,
                                         norm.len) == norm.len);
        FUZZ_CHECK(norm.src_len == n);
        FUZZ_CHECK(norm.nmap >= 1 && norm.map[0].norm_off == 0 &&
                   norm.map[0].src_off == 0);
        for (size_t i = 1; i < norm.nmap; i++) {
            FUZZ_CHECK(norm.map[i - 1].norm_off <= norm.map[i].norm_off);
            FUZZ_CHECK(norm.map[i - 1].src_off <= norm.map[i].src_off);
            FUZZ_CHECK(norm.map[i].src_off <= n);
        }
        size_t prev = 0;
        for (size_t i = 0; i <= norm.len; i++) {
            size_t s = kps_norm_to_src(&norm, i);
            FUZZ_CHECK(s <= n && s >= prev);
            prev = s;
            if (i > 0) {
                size_t e = kps_norm_to_src_end(&norm, i);
                FUZZ_CHECK(e <= n && e >= kps_norm_to_src(&norm, i - 1));
            }
        }

        kps_sections sec;
        memset(&sec, 0, sizeof sec);
        if (kps_sections_detect(norm.text, norm.len, NULL, &sec, NULL) ==
            KPISCAN_OK) {
            for (size_t i = 0; i < sec.n; i++) {
                FUZZ_CHECK(sec.headings[i].offset + sec.headings[i].length <=
                           norm.len);
                FUZZ_CHECK(i == 0 || sec.headings[i - 1].offset <=
                                         sec.headings[i].offset);
            }
            kps_timeline tl;
            memset(&tl, 0, sizeof tl);
            kps_ym as_of = {2026, 1};
            if (kps_timeline_extract(norm.text, norm.len, &sec, as_of, NULL,
                                     &tl, NULL) == KPISCAN_OK) {
                for (size_t i = 0; i < tl.n; i++) {
                    const kps_span *sp = &tl.spans[i];
                    FUZZ_CHECK(sp->offset + sp->length <= norm.len);
                    FUZZ_CHECK(sp->years == sp->years); /* not NaN */
                }
            }
            kps_timeline_free(&tl);
        }
        kps_sections_free(&sec);
    }
    kps_norm_free(&norm);
    free(src);
    return 0;
}
