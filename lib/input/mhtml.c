/* mhtml.c - the HTML inside a MIME HTML (MHT) document.
 *
 * Word's "Single File Web Page" and HTML-to-DOCX converters that import
 * a page as a w:altChunk store it as MIME HTML: mail-style headers, then
 * the page (usually quoted-printable) in a multipart/related body beside
 * its images.  The HTML reader wants the page itself, so this finds the
 * first text/html part and undoes its transfer encoding.  Only what a
 * reader of one page needs: no nested multiparts, no charset conversion
 * (the HTML reader decodes the bytes it gets, meta charset included). */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/extract.h"

/* The end of the line starting at i: the index of its '\n' (or len). */
static size_t line_end(const unsigned char *s, size_t len, size_t i)
{
    const unsigned char *nl = memchr(s + i, '\n', len - i);
    return nl ? (size_t)(nl - s) : len;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* A header block from i: the value of the headers named type and
 * encoding (folded lines joined by the caller's reading of [start, end):
 * a folded value's continuation keeps its line break, which the parameter
 * search below skips as white space); returns the index after the blank
 * line that ends the block, or 0 when a line is not a header. */
typedef struct header_block {
    size_t type, type_end; /* Content-Type value, 0/0 when absent */
    size_t cte, cte_end;   /* Content-Transfer-Encoding value */
    int mime;              /* a MIME-Version or Content-* header seen */
} header_block;

static size_t read_headers(const unsigned char *s, size_t len, size_t i,
                           header_block *h)
{
    memset(h, 0, sizeof *h);
    size_t *open_end = NULL; /* the value a folded line continues */
    while (i < len) {
        size_t e = line_end(s, len, i);
        size_t content_end = e > i && s[e - 1] == '\r' ? e - 1 : e;
        if (content_end == i) /* the blank line */
            return e < len ? e + 1 : len;
        if (is_blank(s[i])) {
            if (open_end)
                *open_end = content_end;
        } else {
            size_t k = i;
            while (k < content_end &&
                   (s[k] == '-' || (s[k] >= '0' && s[k] <= '9') ||
                    ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z')))
                k++;
            if (k == i || k >= content_end || s[k] != ':')
                return 0;
            size_t v = k + 1;
            while (v < content_end && is_blank(s[v]))
                v++;
            size_t n = k - i;
            open_end = NULL;
            if (n == 12 &&
                kps_ascii_ieq((const char *)s + i, "content-type", 12)) {
                h->type = v;
                h->type_end = content_end;
                open_end = &h->type_end;
            } else if (n == 25 &&
                       kps_ascii_ieq((const char *)s + i,
                                     "content-transfer-encoding", 25)) {
                h->cte = v;
                h->cte_end = content_end;
                open_end = &h->cte_end;
            }
            if ((n == 12 &&
                 kps_ascii_ieq((const char *)s + i, "mime-version", 12)) ||
                (n > 8 && kps_ascii_ieq((const char *)s + i, "content-", 8)))
                h->mime = 1;
        }
        i = e + 1;
    }
    return len;
}

static int value_starts(const unsigned char *s, size_t b, size_t e,
                        const char *word)
{
    size_t n = strlen(word);
    return e - b >= n && kps_ascii_ieq((const char *)s + b, word, n);
}

/* The boundary parameter of a Content-Type value [b, e). */
static int boundary_of(const unsigned char *s, size_t b, size_t e, size_t *bs,
                       size_t *be)
{
    for (size_t i = b; i + 9 <= e; i++) {
        if (!kps_ascii_ieq((const char *)s + i, "boundary=", 9) ||
            (i > b && s[i - 1] != ';' && !is_blank(s[i - 1]) &&
             s[i - 1] != '\n' && s[i - 1] != '\r'))
            continue;
        size_t v = i + 9;
        if (v < e && s[v] == '"') {
            size_t q = v + 1;
            while (q < e && s[q] != '"')
                q++;
            if (q >= e || q == v + 1)
                return 0;
            *bs = v + 1;
            *be = q;
        } else {
            size_t q = v;
            while (q < e && s[q] != ';' && !is_blank(s[q]) && s[q] != '\r' &&
                   s[q] != '\n')
                q++;
            if (q == v)
                return 0;
            *bs = v;
            *be = q;
        }
        return *be - *bs <= 200; /* RFC 2046: at most 70 */
    }
    return 0;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t decode_quoted_printable(const unsigned char *s, size_t n,
                                      char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '=') {
            out[o++] = (char)s[i];
            continue;
        }
        size_t j = i + 1;
        while (j < n && is_blank(s[j])) /* "= " before a soft break */
            j++;
        if (j < n &&
            (s[j] == '\n' || (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n'))) {
            i = s[j] == '\r' ? j + 1 : j; /* a soft line break */
            continue;
        }
        int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
        int lo = i + 2 < n ? hex_value(s[i + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = '='; /* not an escape: kept as written */
        }
    }
    return o;
}

static int base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static size_t decode_base64(const unsigned char *s, size_t n, char *out)
{
    size_t o = 0;
    unsigned acc = 0, bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int v = base64_value(s[i]);
        if (v < 0)
            continue; /* line breaks and white space */
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    return o;
}

/* The body [b, e) in its transfer encoding, decoded into a new string. */
static int decode_body(const unsigned char *s, size_t b, size_t e,
                       const header_block *h, char **out, size_t *out_len)
{
    char *buf = malloc(e - b + 1);
    if (!buf)
        return -1;
    size_t n;
    if (h->cte && value_starts(s, h->cte, h->cte_end, "quoted-printable"))
        n = decode_quoted_printable(s + b, e - b, buf);
    else if (h->cte && value_starts(s, h->cte, h->cte_end, "base64"))
        n = decode_base64(s + b, e - b, buf);
    else {
        memcpy(buf, s + b, e - b);
        n = e - b;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 1;
}

/* Where the delimiter line "--boundary" next starts at or after i (at a
 * line start), or len. */
static size_t next_delimiter(const unsigned char *s, size_t len, size_t i,
                             const unsigned char *bd, size_t bn)
{
    while (i < len) {
        if (len - i >= bn + 2 && s[i] == '-' && s[i + 1] == '-' &&
            memcmp(s + i + 2, bd, bn) == 0)
            return i;
        const unsigned char *nl = memchr(s + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - s) + 1;
    }
    return len;
}

int kps_mhtml_html(const unsigned char *s, size_t len, char **html,
                   size_t *html_len)
{
    *html = NULL;
    *html_len = 0;
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (s[i] == '\r' || s[i] == '\n' || is_blank(s[i])))
        i++;
    header_block top;
    size_t body = read_headers(s, len, i, &top);
    if (!body || !top.mime)
        return 0;
    /* One part: the body itself (without a type it is text/plain, which
     * the HTML reader reads as text). */
    if (!top.type || value_starts(s, top.type, top.type_end, "text/"))
        return decode_body(s, body, len, &top, html, html_len);
    size_t bs, be;
    if (!value_starts(s, top.type, top.type_end, "multipart/") ||
        !boundary_of(s, top.type, top.type_end, &bs, &be))
        return -2;
    const unsigned char *bd = s + bs;
    size_t bn = be - bs;
    /* the first text/html part, else the first other text part */
    size_t text_b = 0, text_e = 0;
    header_block text_h;
    memset(&text_h, 0, sizeof text_h);
    for (size_t d = next_delimiter(s, len, body, bd, bn); d < len;) {
        size_t e = line_end(s, len, d);
        if (e - d >= bn + 4 && s[d + bn + 2] == '-' && s[d + bn + 3] == '-')
            break; /* the closing delimiter */
        if (e >= len)
            break;
        header_block part;
        size_t pb = read_headers(s, len, e + 1, &part);
        if (!pb)
            break;
        size_t next = next_delimiter(s, len, pb, bd, bn);
        /* the line break before a delimiter belongs to it */
        size_t pe = next;
        if (pe > pb && s[pe - 1] == '\n')
            pe--;
        if (pe > pb && s[pe - 1] == '\r')
            pe--;
        if (part.type && value_starts(s, part.type, part.type_end, "text/html"))
            return decode_body(s, pb, pe, &part, html, html_len);
        if (!text_e && part.type &&
            value_starts(s, part.type, part.type_end, "text/")) {
            text_b = pb;
            text_e = pe;
            text_h = part;
        }
        d = next;
    }
    if (text_e)
        return decode_body(s, text_b, text_e, &text_h, html, html_len);
    return -2;
}
