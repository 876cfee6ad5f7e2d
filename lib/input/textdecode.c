/*
 * textdecode.c - plain-text resumes to clean UTF-8.
 *
 * Resumes come from every editor there is: UTF-8 with and without BOM,
 * UTF-16 from Notepad (with and without BOM), Windows-1252 from old Word
 * exports, and UTF-8 files with a few stray cp1252 bytes pasted in.  The
 * output is always valid UTF-8 with LF line ends and no control
 * characters other than TAB and LF, because every later stage (PCRE2 with
 * PCRE2_NO_UTF_CHECK, line/column counting, JSON output) relies on that.
 *
 * Decisions:
 *  - A byte that is not part of a valid UTF-8 sequence is read as
 *    Windows-1252, one byte at a time, so a single stray byte costs one
 *    character and never the rest of the document.  The five bytes cp1252
 *    leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) become U+FFFD: they are
 *    corruption, and a C1 control would only be replaced again below.
 *  - A three-byte punctuation mark whose middle byte a converter replaced
 *    by '?' (E2 3F A2 for the bullet E2 80 A2, in a whole family of
 *    resumes exported through a lossy code page) is read as the mark it
 *    most likely was (lost_middle_byte()): one character, not "â?¢".
 *  - CRLF and lone CR become LF.  FF (a page break) at the start of a
 *    line becomes a space: pdftotext writes it there, after the line
 *    break that already ends the page, and editors, grep -n and CI
 *    annotations do not count it as a line, so neither may the line
 *    numbers of the evidence.  After text on its line it becomes LF, as
 *    it did before: a generator that ends a page with a bare form feed
 *    ("...to the manager.\fSKILLS") would otherwise glue the next page's
 *    heading to the last sentence.
 *  - Every other C0 control, DEL and the C1 controls U+0080..U+009F
 *    become a space: they carry no text, but removing them outright could
 *    glue two words together.
 *  - NUL is refused: in 8-bit text it means the input is not text at all
 *    (or is UTF-16/32 we failed to recognise), and decoding it would
 *    produce garbage that then gets scored.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"
#include "input/extract.h"

#define REPLACEMENT_CHAR 0xFFFDu

static uint32_t cp1252_to_unicode(unsigned char c)
{
    if (c < 0x80 || c >= 0xA0)
        return c; /* ASCII and Latin-1 coincide with Unicode */
    uint32_t cp = kps_cp1252_high[c - 0x80];
    return cp >= 0xA0 ? cp : REPLACEMENT_CHAR; /* undefined: a C1 control */
}

/* ASCII bytes the fast path may copy as they are: printable, TAB, LF. */
static int plain_ascii(unsigned char c)
{
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n';
}

/* Length of the prefix of s that can be copied unchanged: valid UTF-8
 * with no control characters except TAB and LF.  This runs over every
 * resume, so printable ASCII and LF are skipped eight bytes at a time. */
static size_t clean_prefix(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            if (!kps_swar_printable_or_lf(w))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            if (!plain_ascii(c))
                break;
            i++;
            continue;
        }
        /* Two-byte characters (accented letters, the mis-decoded "\u00C2"
         * and "\u00E2" of real resumes) without a call; C2 80..C2 9F are
         * the C1 controls. */
        if (c >= 0xC2 && c <= 0xDF && len - i >= 2 &&
            (s[i + 1] & 0xC0) == 0x80 && (c != 0xC2 || s[i + 1] >= 0xA0)) {
            i += 2;
            continue;
        }
        size_t n = kps_utf8_seq_len(s + i, len - i);
        /* Invalid, or a C1 control (U+0080..U+009F = C2 80..C2 9F). */
        if (n == 0 || (c == 0xC2 && s[i + 1] < 0xA0))
            break;
        i += n;
    }
    return i;
}

typedef struct decoder {
    kps_buf out;
    size_t max_bytes;
    const char *name;
    kpiscan_error *err;
} decoder;

static int limit_exceeded(decoder *d)
{
    return kps_fail(d->err, KPISCAN_ERR_LIMIT, d->name,
                    "text is larger than the limit of %zu bytes "
                    "(max_text_bytes)",
                    d->max_bytes);
}

static int nomem(decoder *d)
{
    return kps_fail(d->err, KPISCAN_ERR_NOMEM, d->name, "out of memory");
}

static int put_bytes(decoder *d, const void *p, size_t n)
{
    if (n > d->max_bytes - d->out.len)
        return limit_exceeded(d);
    if (kps_buf_append(&d->out, p, n) != 0)
        return nomem(d);
    return KPISCAN_OK;
}

/* Whether the output's current line is blank so far.  It looks back at
 * most 256 bytes, so a run of form feeds stays linear; a longer run of
 * blanks counts as blank. */
static int line_blank_so_far(const decoder *d)
{
    size_t i = d->out.len, stop = i > 256 ? i - 256 : 0;
    while (i > stop) {
        char c = d->out.data[--i];
        if (c == '\n')
            return 1;
        if (c != ' ' && c != '\t')
            return 0;
    }
    return 1;
}

/* Append one code point after the control-character policy above.  The
 * caller has already turned CR and CRLF into LF. */
static int put_char(decoder *d, uint32_t cp)
{
    if (cp == '\f')
        cp = line_blank_so_far(d) ? ' ' : '\n';
    else if ((cp < 0x20 && cp != '\t' && cp != '\n') ||
             (cp >= 0x7F && cp < 0xA0))
        cp = ' ';
    if (cp < 0x80) {
        char c = (char)cp;
        return put_bytes(d, &c, 1);
    }
    size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (n > d->max_bytes - d->out.len)
        return limit_exceeded(d);
    if (kps_buf_put_utf8(&d->out, cp) != 0)
        return nomem(d);
    return KPISCAN_OK;
}

static int not_text(decoder *d, const char *what, size_t offset)
{
    return kps_fail(d->err, KPISCAN_ERR_NOT_TEXT, d->name,
                    "not a text document (NUL %s at offset %zu)", what, offset);
}

/* E2 3F xx: the bytes of a General Punctuation mark (E2 80 xx) with the
 * middle byte lost to '?'.  The marks resumes use are the bullet, dashes,
 * quotes and the ellipsis; any other third byte stood for a mark that
 * cannot be told (a dingbat arrow E2 9E xx loses its byte the same way),
 * so it is one U+FFFD.  0 when s does not start so. */
static uint32_t lost_middle_byte(const unsigned char *s, size_t len)
{
    if (len < 3 || s[0] != 0xE2 || s[1] != '?' || s[2] < 0x80 || s[2] > 0xBF)
        return 0;
    switch (s[2]) {
    case 0x93: return 0x2013; /* en dash */
    case 0x94: return 0x2014; /* em dash */
    case 0x98: return 0x2018;
    case 0x99: return 0x2019;
    case 0x9C: return 0x201C;
    case 0x9D: return 0x201D;
    case 0xA2: return 0x2022; /* bullet */
    case 0xA6: return 0x2026; /* ellipsis */
    default: return REPLACEMENT_CHAR;
    }
}

/* UTF-8 with stray bytes.  base is the offset of s in the caller's input
 * (the BOM), so the NUL message names the offset in the file. */
static int decode_utf8(decoder *d, const unsigned char *s, size_t len,
                       size_t base)
{
    size_t i = 0;
    while (i < len) {
        size_t run = clean_prefix(s + i, len - i);
        int rc = put_bytes(d, s + i, run);
        if (rc != KPISCAN_OK)
            return rc;
        i += run;
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c == 0)
            return not_text(d, "byte", base + i);
        if (c == '\r') {
            rc = put_char(d, '\n');
            i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
        } else if (c < 0x80) {
            rc = put_char(d, c);
            i++;
        } else {
            size_t n = kps_utf8_seq_len(s + i, len - i);
            if (n == 2) { /* only C1 controls stop clean_prefix here */
                uint32_t cp;
                kps_utf8_decode(s + i, len - i, &cp);
                rc = put_char(d, cp);
                i += 2;
            } else {
                uint32_t mark = n ? 0 : lost_middle_byte(s + i, len - i);
                rc = put_char(d, mark ? mark : cp1252_to_unicode(c));
                i += mark ? 3 : 1;
            }
        }
        if (rc != KPISCAN_OK)
            return rc;
    }
    return KPISCAN_OK;
}

/* UTF-16 (unit 2) or UTF-32 (unit 4), either byte order.  s starts after
 * the BOM, if there was one; base is its offset in the input. */
static int decode_wide(decoder *d, const unsigned char *s, size_t len,
                       size_t base, size_t unit, int big_endian)
{
    size_t n = len / unit;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *u = s + i * unit;
        uint32_t cp;
        if (unit == 2)
            cp = big_endian ? ((uint32_t)u[0] << 8 | u[1])
                            : ((uint32_t)u[1] << 8 | u[0]);
        else
            cp = big_endian ? ((uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
                               (uint32_t)u[2] << 8 | u[3])
                            : ((uint32_t)u[3] << 24 | (uint32_t)u[2] << 16 |
                               (uint32_t)u[1] << 8 | u[0]);
        if (cp == 0)
            return not_text(d, "character", base + i * unit);
        if (unit == 2 && cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n) {
            const unsigned char *v = u + 2;
            uint32_t low = big_endian ? ((uint32_t)v[0] << 8 | v[1])
                                      : ((uint32_t)v[1] << 8 | v[0]);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i++;
            }
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            cp = REPLACEMENT_CHAR; /* unpaired surrogate, or not Unicode */
        if (cp == '\r') {
            cp = '\n';
            if (i + 1 < n) {
                const unsigned char *v = u + unit;
                int next_is_lf =
                    unit == 2
                        ? (big_endian ? (v[0] == 0 && v[1] == '\n')
                                      : (v[0] == '\n' && v[1] == 0))
                        : (big_endian
                               ? (v[3] == '\n' && !v[0] && !v[1] && !v[2])
                               : (v[0] == '\n' && !v[1] && !v[2] && !v[3]));
                if (next_is_lf)
                    i++;
            }
        }
        int rc = put_char(d, cp);
        if (rc != KPISCAN_OK)
            return rc;
    }
    if (len % unit != 0) /* a truncated last unit */
        return put_char(d, REPLACEMENT_CHAR);
    return KPISCAN_OK;
}

/* Whitespace that shows nothing: ASCII blanks plus the Unicode spaces and
 * invisible characters the normaliser maps to a space or removes. */
static int blank_char(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    if (cp >= 0x2000 && cp <= 0x200D) /* spaces and zero-width characters */
        return 1;
    static const uint32_t blanks[] = {0x00A0, 0x00AD, 0x1680, 0x2028, 0x2029,
                                      0x202F, 0x205F, 0x2060, 0x3000, 0xFEFF};
    for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++)
        if (cp == blanks[i])
            return 1;
    return 0;
}

/* Real documents fail on the first byte, so this is cheap in practice. */
static int only_blank(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += kps_utf8_decode(s + i, len - i, &cp);
        if (!blank_char(cp))
            return 0;
    }
    return 1;
}

int kps_text_decode(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err)
{
    if (!doc || (!data && len))
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "kps_text_decode: invalid argument");
    memset(doc, 0, sizeof *doc);
    decoder d = {{NULL, 0, 0}, lim ? lim->max_text_bytes : SIZE_MAX, name, err};
    int rc;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        rc = decode_utf8(&d, data + 3, len - 3, 3);
    } else if (len >= 4 && memcmp(data, "\xFF\xFE\x00\x00", 4) == 0) {
        rc = decode_wide(&d, data + 4, len - 4, 4, 4, 0);
    } else if (len >= 4 && memcmp(data, "\x00\x00\xFE\xFF", 4) == 0) {
        rc = decode_wide(&d, data + 4, len - 4, 4, 4, 1);
    } else if (len >= 2 && memcmp(data, "\xFF\xFE", 2) == 0) {
        rc = decode_wide(&d, data + 2, len - 2, 2, 2, 0);
    } else if (len >= 2 && memcmp(data, "\xFE\xFF", 2) == 0) {
        rc = decode_wide(&d, data + 2, len - 2, 2, 2, 1);
    } else {
        size_t clean = clean_prefix(data, len);
        const unsigned char *nul =
            clean < len ? memchr(data + clean, 0, len - clean) : NULL;
        if (clean == len) {
            /* The common case: one copy and done. */
            rc = put_bytes(&d, data, len);
        } else if (nul) {
            int guess = kps_utf16_guess(data, len);
            if (guess == KPS_UTF16_NONE)
                rc = not_text(&d, "byte", (size_t)(nul - data));
            else
                rc = decode_wide(&d, data, len, 0, 2, guess == KPS_UTF16_BE);
        } else {
            rc = put_bytes(&d, data, clean);
            if (rc == KPISCAN_OK)
                rc = decode_utf8(&d, data + clean, len - clean, clean);
        }
    }
    if (rc != KPISCAN_OK) {
        kps_buf_free(&d.out);
        return rc;
    }
    if (only_blank(d.out.data, d.out.len)) {
        kps_buf_free(&d.out);
        return kps_fail(err, KPISCAN_ERR_EMPTY, name, "empty document");
    }
    doc->format = KPS_FORMAT_TEXT;
    doc->text = d.out.data;
    doc->len = d.out.len;
    return KPISCAN_OK;
}
