// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-pdfreader.cc - the helper's PDF reader on hostile bytes.
 *
 * GPL-2.0-or-later like the helper: it links pdf/reader.cc and poppler.  A
 * test program, never installed; the library (MIT) is not part of it.
 *
 * The input is a PDF, given to kpspdf::read_document() as kpiscan-pdf
 * gives it a request's document.  A crash or a sanitizer report is a
 * finding, and so is an answer the library would refuse as malformed (it
 * would blame the helper for what is a bad PDF): the frames must parse,
 * pages run 1, 2, ... up to the limit, lines and words fit their frames,
 * render modes and flags are in range, the answer ends with exactly one
 * 'D' (whose page count is the number of pages sent) or 'E' (a known
 * code), and all of it has been flushed (a frame left in the buffer would
 * never reach the library, which would then wait for its time limit).
 * Out of memory (std::bad_alloc) is not a finding: the helper's RLIMIT_AS
 * turns it into a named error record.
 *
 * Seeds: the PDF test fixtures (tests/fuzz/corpus/pdfreader, written by
 * tests/pdf/make-pdfs.py) and the fixtures of other producers
 * (tests/pdf/producers).
 */
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "fuzz.h"
#include "reader.h"

namespace
{

std::string sent;

void flush_to_sent(std::string &out)
{
    sent += out;
    out.clear();
}

uint32_t u16(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

uint32_t u32(const unsigned char *p)
{
    return u16(p) | (u16(p + 2) << 16);
}

void check_line(const unsigned char *p, size_t n)
{
    FUZZ_CHECK(n >= 3);
    FUZZ_CHECK(p[0] <= (kpspdf::L_BLOCK_START | kpspdf::L_FLOW_START));
    uint32_t words = u16(p + 1);
    size_t off = 3;
    for (uint32_t w = 0; w < words; w++) {
        FUZZ_CHECK(n - off >= 12);
        const unsigned char *h = p + off;
        FUZZ_CHECK(h[8] <= 7); // render mode
        using namespace kpspdf;
        FUZZ_CHECK(h[9] <= (W_OUTSIDE_CROP | W_CLIPPED | W_OVER_IMAGE |
                            W_SPACE_AFTER | W_WIDE_GAP));
        FUZZ_CHECK(!(h[9] & W_WIDE_GAP) || (h[9] & W_SPACE_AFTER));
        size_t len = u16(h + 10);
        off += 12;
        FUZZ_CHECK(n - off >= len);
        off += len;
    }
    FUZZ_CHECK(off == n);
}

void check_answer(const std::string &a, const kpspdf::Limits &lim)
{
    const unsigned char *s = (const unsigned char *)a.data();
    size_t off = 0;
    uint32_t pages = 0;
    bool ended = false;
    while (off < a.size()) {
        FUZZ_CHECK(!ended);
        FUZZ_CHECK(a.size() - off >= 5);
        unsigned char type = s[off];
        size_t len = u32(s + off + 1);
        off += 5;
        FUZZ_CHECK(len <= a.size() - off);
        FUZZ_CHECK(len <= (4u << 20)); // the library's frame limit
        const unsigned char *b = s + off;
        switch (type) {
        case 'M': FUZZ_CHECK(len >= 1 && pages == 0); break;
        case 'P':
            FUZZ_CHECK(len == 5);
            FUZZ_CHECK(u32(b) == pages + 1);
            FUZZ_CHECK(u32(b) <= lim.max_pages);
            FUZZ_CHECK(b[4] <= 1);
            pages++;
            break;
        case 'L':
            FUZZ_CHECK(pages > 0);
            check_line(b, len);
            break;
        case 'D':
            FUZZ_CHECK(len == 4 && u32(b) == pages);
            ended = true;
            break;
        case 'E':
            FUZZ_CHECK(len >= 1 && b[0] >= kpspdf::E_ENCRYPTED &&
                       b[0] <= kpspdf::E_INTERNAL);
            ended = true;
            break;
        default: FUZZ_CHECK(!"an unknown frame type");
        }
        off += len;
    }
    FUZZ_CHECK(ended);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready = false;
    if (!ready) {
        kpspdf::init();
        ready = true;
    }
    if (size > FUZZ_MAX_DOC_INPUT)
        return 0;
    // Small limits reach their checks with small inputs.
    const kpspdf::Limits lim = {16, 64u << 10};
    std::vector<char> bytes(data, data + size);
    std::string out;
    sent.clear();
    try {
        kpspdf::read_document(bytes, lim, out, flush_to_sent);
    } catch (const std::bad_alloc &) {
        return 0;
    }
    FUZZ_CHECK(out.empty());
    check_answer(sent, lim);
    return 0;
}
