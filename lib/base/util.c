/* util.c - growable buffers, UTF-8 helpers, string copies. */
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"

int kps_buf_reserve(kps_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0'; /* a reserved, still empty buffer is "" */
    return 0;
}

int kps_buf_append(kps_buf *b, const void *p, size_t n)
{
    if (kps_buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kps_buf_vprintf(kps_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || kps_buf_reserve(b, (size_t)n) != 0) {
        va_end(again);
        return -1;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
    return 0;
}

int kps_buf_printf(kps_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = kps_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int kps_buf_putc(kps_buf *b, char c)
{
    return kps_buf_append(b, &c, 1);
}

size_t kps_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* clang-format off */
const uint16_t kps_cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};
/* clang-format on */

int kps_buf_put_utf8(kps_buf *b, uint32_t cp)
{
    char s[4];
    return kps_buf_append(b, s, kps_utf8_encode(cp, s));
}

int kps_array_grow(void *array_ptr, size_t *cap, size_t need, size_t size,
                   size_t first)
{
    size_t n = *cap ? *cap : first;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    /* No object may be larger than PTRDIFF_MAX (pointer differences must
     * fit); asking realloc for more only fails later, or aborts under a
     * sanitizer. */
    if (size && n > (size_t)PTRDIFF_MAX / size)
        return -1;
    void *old;
    memcpy(&old, array_ptr, sizeof old);
    void *p = realloc(old, n * size);
    if (!p)
        return -1;
    memcpy(array_ptr, &p, sizeof p);
    *cap = n;
    return 0;
}

void kps_buf_free(kps_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid (overlongs,
 * surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (len >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0;
        if (c == 0xED && s[1] >= 0xA0)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

size_t kps_utf8_valid_prefix(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq_len(s + i, len - i);
        if (!n)
            break;
        i += n;
    }
    return i;
}

size_t kps_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    /* Back off over continuation bytes to the start of the character
     * that crosses max; that character is left out whole. */
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

size_t kps_utf8_trim_end(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t p = len;
    /* The start of the last character: at most three continuation bytes
     * back. */
    while (p > 0 && len - p < 3 && (u[p - 1] & 0xC0) == 0x80)
        p--;
    if (p == 0 || u[p - 1] < 0xC0)
        return len; /* ASCII or stray continuation bytes: nothing cut */
    p--;
    return utf8_seq_len(u + p, len - p) == len - p ? len : p;
}

static int replaced(uint32_t cp, int mode)
{
    if (mode == KPS_CLEAN_UTF8)
        return 0;
    if (cp < 0x20)
        return cp != '\n' && cp != '\t';
    if (cp >= 0x7F && cp <= 0x9F)
        return 1;
    /* bidirectional embeddings, overrides and isolates: a name holding
     * U+202E shows "cv.fdp" as "cv.pdf" reversed on a terminal */
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return 1;
    return mode == KPS_CLEAN_XML && (cp == 0xFFFE || cp == 0xFFFF);
}

int kps_buf_put_clean(kps_buf *b, const char *s, size_t n, int mode)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0; /* bytes before i that go out as they are */
    size_t i = 0;
    if (kps_buf_reserve(b, n))
        return -1;
    while (i < n) {
        size_t k = u[i] < 0x80 ? 1 : utf8_seq_len(u + i, n - i);
        uint32_t cp = u[i];
        if (k > 1)
            kps_utf8_decode(u + i, n - i, &cp);
        if (k && !replaced(cp, mode)) {
            i += k;
            continue;
        }
        if (kps_buf_append(b, s + run, i - run) || kps_buf_append(b, fffd, 3))
            return -1;
        i += k ? k : 1;
        run = i;
    }
    return kps_buf_append(b, s + run, n - run);
}

char *kpiscan_text_clean(const char *s)
{
    return kps_clean_dup(s, KPS_CLEAN_TEXT);
}

char *kps_clean_dup(const char *s, int mode)
{
    kps_buf b = {0};
    if (!s)
        s = "";
    if (kps_buf_reserve(&b, 1) || kps_buf_put_clean(&b, s, strlen(s), mode)) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}

size_t kps_utf8_seq_len(const unsigned char *s, size_t len)
{
    return utf8_seq_len(s, len);
}

size_t kps_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80 || len < 2) {
        *cp = c;
        return 1;
    }
    if (c < 0xE0) {
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0 || len < 4) {
        if (len < 3) {
            *cp = c;
            return 1;
        }
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
              (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

int kps_ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

uint32_t kps_wingdings_bullet(unsigned code)
{
    static const unsigned char bullets[] = {0x6C, 0x6E, 0x6F, 0x71, 0x75,
                                            0x76, 0x77, 0x9F, 0xA7, 0xA8,
                                            0xD8, 0xE0, 0xE8, 0xF0, 0xFC};
    for (size_t i = 0; i < sizeof bullets; i++)
        if (code == bullets[i])
            return 0x2022;
    return 0;
}

int kps_rgb_white(int32_t rgb)
{
    return rgb >= 0 && ((rgb >> 16) & 0xFF) >= 0xF0 &&
           ((rgb >> 8) & 0xFF) >= 0xF0 && (rgb & 0xFF) >= 0xF0;
}

int kps_rgb_near(int32_t a, int32_t b)
{
    if (a < 0 || b < 0)
        return 0;
    for (int shift = 0; shift <= 16; shift += 8) {
        int d = (int)((a >> shift) & 0xFF) - (int)((b >> shift) & 0xFF);
        if (d > 24 || d < -24)
            return 0;
    }
    return 1;
}

/* The documents kpiscan reads, by extension, and the format hint each
 * gives: none where the bytes name the format (PDF, RTF, HTML, MIME
 * HTML). */
static const struct {
    const char *ext;
    kps_format hint;
} document_extensions[] = {
    {"docx", KPS_FORMAT_DOCX},     {"docm", KPS_FORMAT_DOCX},
    {"dotx", KPS_FORMAT_DOCX},     {"dotm", KPS_FORMAT_DOCX},
    {"odt", KPS_FORMAT_ODT},       {"ott", KPS_FORMAT_ODT},
    {"pdf", KPS_FORMAT_UNKNOWN},   {"txt", KPS_FORMAT_TEXT},
    {"text", KPS_FORMAT_TEXT},     {"md", KPS_FORMAT_TEXT},
    {"html", KPS_FORMAT_UNKNOWN},  {"htm", KPS_FORMAT_UNKNOWN},
    {"xhtml", KPS_FORMAT_UNKNOWN}, {"mht", KPS_FORMAT_UNKNOWN},
    {"mhtml", KPS_FORMAT_UNKNOWN}, {"rtf", KPS_FORMAT_UNKNOWN},
    {"doc", KPS_FORMAT_UNKNOWN},   {"dot", KPS_FORMAT_UNKNOWN},
};

int kps_document_extension(const char *ext, size_t n, kps_format *hint)
{
    for (size_t i = 0;
         i < sizeof document_extensions / sizeof document_extensions[0]; i++)
        if (strlen(document_extensions[i].ext) == n &&
            kps_ascii_ieq(ext, document_extensions[i].ext, n)) {
            if (hint)
                *hint = document_extensions[i].hint;
            return 1;
        }
    return 0;
}

int kps_named_as_document(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && !strchr(dot, '/') &&
           kps_document_extension(dot + 1, strlen(dot + 1), NULL);
}

char *kps_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kps_strdup(const char *s)
{
    return kps_strndup(s, strlen(s));
}

void kps_doc_free(kps_doc *doc)
{
    if (!doc)
        return;
    free(doc->text);
    for (size_t i = 0; i < doc->nparts; i++)
        free(doc->parts[i]);
    free(doc->parts);
    free(doc->segments);
    free(doc->hidden);
    memset(doc, 0, sizeof *doc);
}

/* strtod() follows LC_NUMERIC, so in a host program running a comma-decimal
 * locale "1.5" would read as 1.  Packs and XML attributes always use '.',
 * so parse plain decimals ourselves: [+-]digits[.digits]. */
double kps_parse_decimal(const char *s, char **end)
{
    const char *p = s;
    double sign = 1.0, value = 0.0;
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1.0 : 1.0;
        p++;
    }
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        value = value * 10.0 + (*p++ - '0');
    int have = p > digits;
    if (*p == '.') {
        const char *frac = ++p;
        double scale = 0.1;
        while (*p >= '0' && *p <= '9') {
            value += (*p++ - '0') * scale;
            scale /= 10.0;
        }
        have = have || p > frac;
    }
    if (!have) {
        if (end)
            *end = (char *)s;
        return 0.0;
    }
    if (end)
        *end = (char *)p;
    return sign * value;
}

/* Digit runs compare by value (leading zeros ignored), ASCII letters
 * without case, everything else by byte; names equal under that key fall
 * back to plain byte order, so no two different names ever compare equal
 * and a walk is reproducible. */
int kps_natural_compare(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    while (*p && *q) {
        int dp = *p >= '0' && *p <= '9', dq = *q >= '0' && *q <= '9';
        if (dp && dq) {
            while (*p == '0')
                p++;
            while (*q == '0')
                q++;
            size_t lp = 0, lq = 0;
            while (p[lp] >= '0' && p[lp] <= '9')
                lp++;
            while (q[lq] >= '0' && q[lq] <= '9')
                lq++;
            if (lp != lq)
                return lp < lq ? -1 : 1;
            int c = memcmp(p, q, lp);
            if (c)
                return c < 0 ? -1 : 1;
            p += lp;
            q += lq;
            continue;
        }
        /* Letters without case, as a file manager lists names:
         * "José CV" beside "bpo-1", not before every lowercase name. */
        unsigned char fp = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
        unsigned char fq = *q >= 'A' && *q <= 'Z' ? *q + 32 : *q;
        if (fp != fq)
            return fp < fq ? -1 : 1;
        p++;
        q++;
    }
    if (*p || *q)
        return *p ? 1 : -1;
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

/* printf's %f and %g follow LC_NUMERIC: in a host program that called
 * setlocale(LC_ALL, "") under a comma-decimal locale (de_DE, fr_FR) the
 * CSV said "0,78", a reason "(19,3 y)", the report's table sorted "0,78"
 * as 0, and a pack's hash changed with the host's locale.  The library's
 * text is written the way the CLI (which never calls setlocale) and the
 * tests see it: the public calls that format run in the C locale.
 * uselocale() changes the calling thread only, so the host's other
 * threads and its own printf keep their locale. */
int kps_c_locale_enter(kps_c_locale *l)
{
    l->prev = (locale_t)0;
    l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (l->c == (locale_t)0)
        return -1;
    l->prev = uselocale(l->c);
    if (l->prev == (locale_t)0) {
        freelocale(l->c);
        l->c = (locale_t)0;
        return -1;
    }
    return 0;
}

void kps_c_locale_leave(kps_c_locale *l)
{
    if (l->c == (locale_t)0)
        return;
    uselocale(l->prev);
    freelocale(l->c);
    l->c = (locale_t)0;
}

const void *kps_find_bytes(const void *hay, size_t n, const void *needle,
                           size_t k)
{
    if (k == 0 || n < k)
        return NULL;
    const unsigned char *p = hay, *last = p + (n - k), *nd = needle;
    while (p <= last) {
        p = memchr(p, nd[0], (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p + 1, nd + 1, k - 1) == 0)
            return p;
        p++;
    }
    return NULL;
}
