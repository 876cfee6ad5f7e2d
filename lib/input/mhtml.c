/* mhtml.c - the HTML inside a MIME HTML (MHT) document.
 *
 * Word's "Single File Web Page" and HTML-to-DOCX converters that import
 * a page as a w:altChunk store it as MIME HTML: mail-style headers, then
 * the page (usually quoted-printable) in a multipart/related body beside
 * its images.  The HTML reader wants the page itself, so this finds the
 * part a browser shows and undoes its transfer encoding.  Only what a
 * reader of one page needs: no nested multiparts, no charset conversion
 * (the HTML reader decodes the bytes it gets, meta charset included). */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/extract.h"
#include "input/xmlread.h"

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
    size_t cid, cid_end;   /* Content-ID value */
    int mime;              /* a MIME-Version header seen */
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
            } else if (n == 10 &&
                       kps_ascii_ieq((const char *)s + i, "content-id", 10)) {
                h->cid = v;
                h->cid_end = content_end;
                open_end = &h->cid_end;
            }
            /* RFC 2045 asks every MIME message for it, and a plain-text
             * resume whose first line is "Content-Writer: ..." is none */
            if (n == 12 &&
                kps_ascii_ieq((const char *)s + i, "mime-version", 12))
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

static int is_space(unsigned char c)
{
    return is_blank(c) || c == '\r' || c == '\n';
}

/* The parameter name (its length n) of a Content-Type value [b, e): the
 * type, then "; attribute=value" pairs, a value a token or a quoted
 * string (RFC 2045 5.1), with folding white space between.  1 and its
 * value (without the quotes) in [*vs, *ve); 0 when absent or empty, or
 * when a quoted string runs to the end.  A pair is read whole, so
 * "; start=" inside another parameter's quoted value is not a parameter. */
static int param_of(const unsigned char *s, size_t b, size_t e,
                    const char *name, size_t n, size_t *vs, size_t *ve)
{
    size_t i = b;
    while (i < e && s[i] != ';')
        i++;
    while (i < e) {
        i++; /* the ';' */
        while (i < e && is_space(s[i]))
            i++;
        size_t a = i;
        while (i < e && s[i] != '=' && s[i] != ';' && !is_space(s[i]))
            i++;
        size_t a_end = i;
        while (i < e && is_space(s[i]))
            i++;
        size_t v = i, v_end = i;
        if (i < e && s[i] == '=') {
            i++;
            while (i < e && is_space(s[i]))
                i++;
            if (i < e && s[i] == '"') {
                v = ++i;
                while (i < e && s[i] != '"')
                    i += s[i] == '\\' && i + 1 < e ? 2 : 1;
                if (i >= e)
                    return 0;
                v_end = i++;
            } else {
                v = i;
                while (i < e && s[i] != ';' && !is_space(s[i]))
                    i++;
                v_end = i;
            }
        }
        if (a_end - a == n && kps_ascii_ieq((const char *)s + a, name, n)) {
            *vs = v;
            *ve = v_end;
            return v_end > v;
        }
        while (i < e && s[i] != ';')
            i++;
    }
    return 0;
}

/* [b, e) without white space around it and the angle brackets of a
 * msg-id ("<root@x>"), for comparing a Content-ID with a start
 * parameter. */
static void msg_id(const unsigned char *s, size_t *b, size_t *e)
{
    while (*b < *e && is_space(s[*b]))
        (*b)++;
    while (*e > *b && is_space(s[*e - 1]))
        (*e)--;
    if (*e - *b >= 2 && s[*b] == '<' && s[*e - 1] == '>') {
        (*b)++;
        (*e)--;
    }
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
        int hi = i + 2 < n ? kps_hexval((char)s[i + 1]) : -1;
        int lo = i + 2 < n ? kps_hexval((char)s[i + 2]) : -1;
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

/* 1 when a delimiter line "--boundary" starts at i: the boundary
 * followed by "--" (the closing one) or by white space to the end of the
 * line (RFC 2046 5.1.1), so a longer boundary, or a line of the part's
 * own that only begins like one, is not taken for it. */
static int delimiter_at(const unsigned char *s, size_t len, size_t i,
                        const unsigned char *bd, size_t bn)
{
    if (len - i < bn + 2 || s[i] != '-' || s[i + 1] != '-' ||
        memcmp(s + i + 2, bd, bn) != 0)
        return 0;
    size_t k = i + 2 + bn;
    if (len - k >= 2 && s[k] == '-' && s[k + 1] == '-')
        return 1;
    while (k < len && is_blank(s[k]))
        k++;
    return k == len || s[k] == '\r' || s[k] == '\n';
}

/* Where the delimiter line next starts at or after i (at a line start),
 * or len. */
static size_t next_delimiter(const unsigned char *s, size_t len, size_t i,
                             const unsigned char *bd, size_t bn)
{
    while (i < len) {
        if (delimiter_at(s, len, i, bd, bn))
            return i;
        const unsigned char *nl = memchr(s + i, '\n', len - i);
        if (!nl)
            break;
        i = (size_t)(nl - s) + 1;
    }
    return len;
}

static int is_text_part(const unsigned char *s, const header_block *h)
{
    return h->type && value_starts(s, h->type, h->type_end, "text/");
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
    /* One part: the body itself (without a type it is text/plain; the
     * caller sniffs what it is). */
    if (!top.type || is_text_part(s, &top))
        return decode_body(s, body, len, &top, html, html_len);
    size_t bs, be;
    if (!value_starts(s, top.type, top.type_end, "multipart/") ||
        !param_of(s, top.type, top.type_end, "boundary", 8, &bs, &be) ||
        be - bs > 200) /* RFC 2046: at most 70 */
        return -2;
    const unsigned char *bd = s + bs;
    size_t bn = be - bs;
    /* A page saved as MIME HTML is multipart/related, and what a browser
     * shows is its root (RFC 2387): the part its start parameter names,
     * else the first part - here the first text part, as browsers skip
     * images put first.  Never a later text/html part: nothing shows
     * that, and it would be a place to hide words.  Other multiparts:
     * the first text/html part, else the first other text part. */
    int related = value_starts(s, top.type, top.type_end, "multipart/related");
    size_t ss = 0, se = 0;
    int start =
        related && param_of(s, top.type, top.type_end, "start", 5, &ss, &se);
    if (start)
        msg_id(s, &ss, &se);
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
        d = next;
        if (start) {
            size_t cb = part.cid, ce = part.cid_end;
            msg_id(s, &cb, &ce);
            if (!part.cid || ce - cb != se - ss ||
                memcmp(s + cb, s + ss, se - ss) != 0)
                continue;
            if (!is_text_part(s, &part))
                return -2;
            return decode_body(s, pb, pe, &part, html, html_len);
        }
        if (related && is_text_part(s, &part))
            return decode_body(s, pb, pe, &part, html, html_len);
        if (part.type && value_starts(s, part.type, part.type_end, "text/html"))
            return decode_body(s, pb, pe, &part, html, html_len);
        if (!text_e && is_text_part(s, &part)) {
            text_b = pb;
            text_e = pe;
            text_h = part;
        }
    }
    if (text_e)
        return decode_body(s, text_b, text_e, &text_h, html, html_len);
    return -2;
}
