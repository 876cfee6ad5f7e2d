/*
 * jsonw.c - a streaming JSON writer for the result records.
 *
 * Records are written straight into one growing buffer: no tree of
 * values, no allocation per member.  Building a tree and serialising it
 * cost as much as the scan itself in a batch (docs/benchmarks.md).
 *
 * Output format, fixed because users diff and hash it (docs/output.md):
 *   - compact: no spaces, "," and ":" as separators;
 *   - pretty: two spaces per level, a newline before each member, ": "
 *     after a key; empty containers as {} and [];
 *   - members in the order written;
 *   - strings: '"', '\' and the C0 controls escaped (\b \f \n \r \t, the
 *     others as \u00XX with upper-case hex), everything else as it is
 *     (UTF-8).  In a string that is not valid UTF-8 each invalid byte is
 *     written as U+FFFD: JSON has no raw bytes (a lone surrogate escape
 *     would break parsers such as jansson), and the rest of the string
 *     stays readable; where the bytes matter (a file name) the record
 *     carries them in hex beside it (docs/output.md);
 *   - reals: 10 significant digits ("%.10g"), always with a '.' or an
 *     exponent (2 is written 2.0), exponent without '+' or leading zeros
 *     (1e-7), '.' whatever the locale; NaN and infinities, which JSON
 *     cannot express, as null.
 *
 * Errors (out of memory, nesting too deep) are sticky: later calls do
 * nothing and kps_jw_finish() returns NULL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "output/jsonw.h"

void kps_jw_init(kps_jw *w, int pretty)
{
    memset(w, 0, sizeof *w);
    w->pretty = pretty;
}

static void put(kps_jw *w, const char *s, size_t n)
{
    if (!w->failed && kps_buf_append(&w->buf, s, n) != 0)
        w->failed = 1;
}

static void putc_(kps_jw *w, char c)
{
    if (!w->failed && kps_buf_putc(&w->buf, c) != 0)
        w->failed = 1;
}

static void put_string(kps_jw *w, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (kps_utf8_valid_prefix((const unsigned char *)s, len) != len) {
        kps_buf clean = {0};
        if (kps_buf_put_clean(&clean, s, len, KPS_CLEAN_UTF8) != 0) {
            kps_buf_free(&clean);
            w->failed = 1;
            return;
        }
        put_string(w, clean.data);
        kps_buf_free(&clean);
        return;
    }
    if (w->failed || kps_buf_reserve(&w->buf, len + 2) != 0) {
        w->failed = 1;
        return;
    }
    putc_(w, '"');
    size_t run = 0; /* bytes before i that need no escape */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, s + run, i - run);
        run = i + 1;
        char esc[8];
        switch (c) {
        case '"': put(w, "\\\"", 2); break;
        case '\\': put(w, "\\\\", 2); break;
        case '\b': put(w, "\\b", 2); break;
        case '\f': put(w, "\\f", 2); break;
        case '\n': put(w, "\\n", 2); break;
        case '\r': put(w, "\\r", 2); break;
        case '\t': put(w, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
            put(w, esc, 6);
            break;
        }
    }
    put(w, s + run, len - run);
    putc_(w, '"');
}

void kps_jw_file(kps_jw *w, const char *name)
{
    if (!name)
        name = "";
    size_t len = strlen(name);
    kps_jw_string(w, "file", name);
    if (kps_utf8_valid_prefix((const unsigned char *)name, len) == len)
        return;
    kps_buf hex = {0};
    static const char digits[] = "0123456789abcdef";
    int bad = kps_buf_reserve(&hex, 2 * len);
    for (size_t i = 0; i < len && !bad; i++) {
        unsigned char c = (unsigned char)name[i];
        bad = kps_buf_putc(&hex, digits[c >> 4]) ||
              kps_buf_putc(&hex, digits[c & 15]);
    }
    if (bad)
        w->failed = 1;
    else
        kps_jw_string(w, "file_bytes", hex.data);
    kps_buf_free(&hex);
}

/* Separator, newline and indent before a value, then its key. */
static void begin_value(kps_jw *w, const char *key)
{
    if (w->depth > 0) {
        if (w->count[w->depth - 1]++)
            putc_(w, ',');
        if (w->pretty) {
            putc_(w, '\n');
            for (int i = 0; i < w->depth; i++)
                put(w, "  ", 2);
        }
    }
    if (key) {
        put_string(w, key);
        if (w->pretty)
            put(w, ": ", 2);
        else
            putc_(w, ':');
    }
}

static void open_container(kps_jw *w, const char *key, char c)
{
    begin_value(w, key);
    if (w->depth >= KPS_JW_MAX_DEPTH) {
        w->failed = 1;
        return;
    }
    putc_(w, c);
    w->count[w->depth++] = 0;
}

static void close_container(kps_jw *w, char c)
{
    if (w->depth == 0) {
        w->failed = 1;
        return;
    }
    w->depth--;
    if (w->pretty && w->count[w->depth]) {
        putc_(w, '\n');
        for (int i = 0; i < w->depth; i++)
            put(w, "  ", 2);
    }
    putc_(w, c);
}

void kps_jw_object(kps_jw *w, const char *key)
{
    open_container(w, key, '{');
}

void kps_jw_object_end(kps_jw *w)
{
    close_container(w, '}');
}

void kps_jw_array(kps_jw *w, const char *key)
{
    open_container(w, key, '[');
}

void kps_jw_array_end(kps_jw *w)
{
    close_container(w, ']');
}

void kps_jw_string(kps_jw *w, const char *key, const char *s)
{
    begin_value(w, key);
    put_string(w, s);
}

/* Decimal digits of v, written backwards ending at end; returns the
 * start.  Records hold thousands of numbers: no printf for them. */
static char *digits(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void kps_jw_int(kps_jw *w, const char *key, long long v)
{
    char num[32];
    char *end = num + sizeof num;
    unsigned long long mag =
        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char *p = digits(end, mag);
    if (v < 0)
        *--p = '-';
    begin_value(w, key);
    put(w, p, (size_t)(end - p));
}

void kps_jw_real(kps_jw *w, const char *key, double v)
{
    if (!isfinite(v)) {
        kps_jw_null(w, key);
        return;
    }
    char raw[64], out[64];
    snprintf(raw, sizeof raw, "%.10g", v);
    /* Rewrite: the locale's decimal point (any byte that is not part of a
     * number in the C locale) becomes '.'; an exponent loses '+' and its
     * leading zeros. */
    size_t o = 0;
    int has_point = 0, has_exp = 0;
    for (size_t i = 0; raw[i] && o < sizeof out - 3; i++) {
        char c = raw[i];
        if ((c >= '0' && c <= '9') || c == '-') {
            out[o++] = c;
        } else if (c == 'e') {
            has_exp = 1;
            out[o++] = 'e';
            if (raw[i + 1] == '+')
                i++;
            if (raw[i + 1] == '-')
                out[o++] = raw[++i];
            while (raw[i + 1] == '0' && raw[i + 2] >= '0' && raw[i + 2] <= '9')
                i++;
        } else if (!has_point) {
            has_point = 1;
            out[o++] = '.';
            /* skip the rest of a multi-byte decimal point */
            while (raw[i + 1] && !(raw[i + 1] >= '0' && raw[i + 1] <= '9') &&
                   raw[i + 1] != 'e')
                i++;
        }
    }
    if (!has_point && !has_exp) {
        out[o++] = '.';
        out[o++] = '0';
    }
    begin_value(w, key);
    put(w, out, o);
}

void kps_jw_fixed(kps_jw *w, const char *key, double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1000, 10000};
    /* The fast path covers what a record holds (scores, weights, years):
     * fewer than ten significant digits, where %.10g prints exactly the
     * decimal digits of the rounded value without trailing zeros.
     * Anything else goes through kps_jw_real(). */
    if (decimals < 0 || decimals > 4 || !(v > -1e5 && v < 1e5)) {
        kps_jw_real(w, key, v);
        return;
    }
    double scaled = v * scale[decimals];
    double r = scaled < 0 ? -scaled : scaled;
    unsigned long long n = (unsigned long long)(r + 0.5);
    if ((double)n - r > 1e-6 || r - (double)n > 1e-6) {
        kps_jw_real(w, key, v); /* not rounded to that many decimals */
        return;
    }
    unsigned long long unit = (unsigned long long)scale[decimals];
    unsigned long long ip = n / unit, fp = n % unit;
    char num[48];
    char *end = num + sizeof num;
    char *p = end;
    int nd = decimals;
    while (nd > 0 && fp % 10 == 0) { /* trailing zeros go, as in %g */
        fp /= 10;
        nd--;
    }
    if (nd == 0) {
        *--p = '0';
    } else {
        for (int i = 0; i < nd; i++) {
            *--p = (char)('0' + fp % 10);
            fp /= 10;
        }
    }
    *--p = '.';
    p = digits(p, ip);
    if (signbit(v))
        *--p = '-';
    begin_value(w, key);
    put(w, p, (size_t)(end - p));
}

void kps_jw_bool(kps_jw *w, const char *key, int v)
{
    begin_value(w, key);
    if (v)
        put(w, "true", 4);
    else
        put(w, "false", 5);
}

void kps_jw_null(kps_jw *w, const char *key)
{
    begin_value(w, key);
    put(w, "null", 4);
}

char *kps_jw_finish(kps_jw *w)
{
    if (w->failed || w->depth != 0 || !w->buf.data) {
        kps_buf_free(&w->buf);
        return NULL;
    }
    char *s = w->buf.data;
    w->buf.data = NULL;
    return s;
}

void kps_jw_discard(kps_jw *w)
{
    kps_buf_free(&w->buf);
}

void kps_jw_pack(kps_jw *w, const char *name, const char *version,
                 const char *hash)
{
    kps_jw_object(w, "pack");
    kps_jw_string(w, "name", name);
    kps_jw_string(w, "version", version);
    kps_jw_string(w, "hash", hash);
    kps_jw_object_end(w);
}
