/* util.h - small helpers: SWAR byte tests, UTF-8, strings (util.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BASE_UTIL_H
#define KPISCAN_BASE_UTIL_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include <locale.h>
#include <string.h>

#include "base/base.h"

/* Tests on eight bytes at once (SWAR), for the loops that pass over every
 * byte of a document.  Text has a line feed every few dozen bytes, so the
 * tests let LF through: a word holding one need not be looked at byte by
 * byte. */
#define KPS_SWAR_ONES ((uint64_t)0x0101010101010101ULL)
#define KPS_SWAR_HIGHS ((uint64_t)0x8080808080808080ULL)

/* Some byte of w is a C0 control (0x00..0x1F) other than LF.  LF is XORed
 * to 0, which moves every other control to 0x01..0x1F; then the classic
 * "a byte strictly between m and n" test with m = 0, n = 0x20 (bytes with
 * the high bit set do not count; no carry crosses a byte). */
static inline int kps_swar_control_not_lf(uint64_t w)
{
    uint64_t x = w ^ (KPS_SWAR_ONES * 0x0A);
    uint64_t low = x & (KPS_SWAR_ONES * 0x7F);
    return (((KPS_SWAR_ONES * (127 + 0x20) - low) & ~x &
             (low + KPS_SWAR_ONES * 127)) &
            KPS_SWAR_HIGHS) != 0;
}

/* Every byte of w is printable ASCII (0x20..0x7E) or LF. */
static inline int kps_swar_printable_or_lf(uint64_t w)
{
    if (w & KPS_SWAR_HIGHS)
        return 0;
    /* no high bit anywhere, so +1 carries into bit 7 only from 0x7F */
    return !((w + KPS_SWAR_ONES) & KPS_SWAR_HIGHS) &&
           !kps_swar_control_not_lf(w);
}

/* Length of the valid UTF-8 prefix of s[0..len). */
size_t kps_utf8_valid_prefix(const unsigned char *s, size_t len);
/* Length of the valid UTF-8 sequence starting at s, or 0 when invalid. */
size_t kps_utf8_seq_len(const unsigned char *s, size_t len);
/* Decode one UTF-8 sequence at s (valid input assumed); returns its length
 * and stores the code point. */
size_t kps_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encode the scalar value cp (at most U+10FFFF, no surrogate) as UTF-8 in
 * out[0..4); returns its length, 1 to 4. */
size_t kps_utf8_encode(uint32_t cp, char *out);
/* What Windows-1252 makes of the bytes 0x80..0x9F; the five bytes it
 * leaves undefined (81, 8D, 8F, 90, 9D) are their own C1 code points. */
extern const uint16_t kps_cp1252_high[32];
/* A Wingdings character code that draws a bullet (a disc, square, diamond
 * or tick box): U+2022; 0 for any other.  The DOCX and RTF readers share
 * it, so a bullet list reads the same in both. */
uint32_t kps_wingdings_bullet(unsigned code);
char *kps_strdup(const char *s);

/* One rule for every output (docs/output.md): strings are cut at
 * character boundaries, and what a format cannot carry is replaced.
 * kps_utf8_cut(): the largest length <= max that does not end inside a
 * UTF-8 sequence of s[0..len). */
size_t kps_utf8_cut(const char *s, size_t len, size_t max);
/* For printf: "%.*s", KPS_CUT(s, 200), s prints at most 200 bytes of s
 * and never half a character. */
#define KPS_CUT(s, max) ((int)kps_utf8_cut((s), strlen(s), (max)))
/* len without an incomplete UTF-8 sequence at the end of s[0..len): for a
 * fixed buffer that snprintf() filled and cut. */
size_t kps_utf8_trim_end(const char *s, size_t len);
/* Append s[0..n) to b with each byte that is not part of valid UTF-8
 * replaced by U+FFFD, and, by mode:
 *   KPS_CLEAN_UTF8  nothing else (JSON, which escapes controls itself);
 *   KPS_CLEAN_TEXT  C0 controls but LF and TAB, DEL and C1 controls
 *                   (U+0080..U+009F), bidirectional embeddings, overrides
 *                   and isolates (U+202A..U+202E, U+2066..U+2069)
 *                   replaced by U+FFFD: a terminal or a text file gets no
 *                   escape sequence and no reordered name;
 *   KPS_CLEAN_XML   as TEXT, and U+FFFE, U+FFFF too (XML 1.0 forbids
 *                   them and most C0 controls; C1 it only discourages).
 * Returns 0, or -1 when out of memory. */
#define KPS_CLEAN_UTF8 0
#define KPS_CLEAN_TEXT 1
#define KPS_CLEAN_XML 2
int kps_buf_put_clean(kps_buf *b, const char *s, size_t n, int mode);
/* NUL-terminated copy of s cleaned as above (malloc'd), NULL when out of
 * memory.  s NULL gives "". */
char *kps_clean_dup(const char *s, int mode);
/* Locale-independent [+-]digits[.digits]; *end as strtod (s when none). */
double kps_parse_decimal(const char *s, char **end);

/* The C locale for the calling thread, from enter to leave (util.c says
 * why).  enter returns 0, or -1 when out of memory (nothing changed);
 * leave restores the thread's locale and may be called after a failed
 * enter. */
typedef struct kps_c_locale {
    locale_t prev, c;
} kps_c_locale;
int kps_c_locale_enter(kps_c_locale *l);
void kps_c_locale_leave(kps_c_locale *l);
char *kps_strndup(const char *s, size_t n);
/* Whether a[0..n) and b[0..n) are equal with ASCII letters folded, whatever
 * the caller's locale (file names, XML values, words of a document). */
int kps_ascii_ieq(const char *a, const char *b, size_t n);
/* Whether a file name ends in an extension of a document kpiscan reads
 * or refuses by name (.docx, .odt, .pdf, .txt, .md, .html, ...), ASCII
 * case folded. */
int kps_named_as_document(const char *name);

/* The first needle[0..k) in hay[0..n), or NULL (k 0: NULL).  memchr() for
 * the first byte, then a compare: as fast as glibc's memmem(), and the
 * sanitizers charge it only for the bytes read, where their memmem() marks
 * the whole haystack read on every call (quadratic in a loop that calls it
 * once per match: minutes on the hostile corpus under ThreadSanitizer). */
const void *kps_find_bytes(const void *hay, size_t n, const void *needle,
                           size_t k);
/* Whether ext[0..n) (no dot, ASCII case folded) is the extension of a
 * document kpiscan reads; *hint (when not NULL) gets the format it names,
 * KPS_FORMAT_UNKNOWN where the bytes name it (PDF, HTML). */
int kps_document_extension(const char *ext, size_t n, kps_format *hint);
/* Whether two colours 0xRRGGBB are within 24/255 on every channel: text
 * on such a background cannot be read (the rule of every reader: PDF,
 * DOCX, ODT, HTML).  A negative colour (unknown) is near nothing. */
int kps_rgb_near(int32_t a, int32_t b);
/* Whether a colour 0xRRGGBB is white or nearly (each channel 0xF0 or
 * more): white text on a white page.  A negative colour is not. */
int kps_rgb_white(int32_t rgb);
/* Little-endian fields of binary formats (the OLE readers). */
static inline unsigned kps_le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}
static inline uint32_t kps_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
/* Natural ("version") order: "2.txt" < "10.txt", ASCII letters without
 * case ("b" < "C"); ties broken by byte order, so it is 0 only for equal
 * strings.  Returns -1, 0 or 1. */
int kps_natural_compare(const char *a, const char *b);

/* Array growth, the one way every module grows an array.  array_ptr is
 * the address of the array's pointer (a T ** passed as void *); it is read
 * and written with memcpy, so no T ** is ever accessed as a void **.  The
 * capacity doubles, from first (> 0) for an empty array, until it holds
 * need elements of size bytes.  0, or -1 when out of memory or when the
 * size would pass PTRDIFF_MAX (so also when it would overflow size_t).  The
 * check for room is inline: callers ask once per element. */
int kps_array_grow(void *array_ptr, size_t *cap, size_t need, size_t size,
                   size_t first) __attribute__((warn_unused_result));
static inline int kps_array_reserve(void *array_ptr, size_t *cap, size_t need,
                                    size_t size, size_t first)
{
    return need <= *cap ? 0 : kps_array_grow(array_ptr, cap, need, size, first);
}

#endif /* KPISCAN_BASE_UTIL_H */
