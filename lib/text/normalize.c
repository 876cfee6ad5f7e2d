/*
 * normalize.c - typographic variants folded to the ASCII a pattern expects.
 *
 * Word and PDF exports write "“KPI”", "year‑over‑year" (U+2011), "ﬁnance"
 * (U+FB01) and "co\u00ADoperate"; pattern authors write ASCII.  Folding
 * here once keeps every pattern simple.  Case is left alone: the matcher
 * decides about case.
 *
 * Decisions:
 *  - Bullets (U+2022 U+2023 U+2043 U+25AA U+25CF, and U+F0B7, the
 *    Symbol-font bullet Word leaves in private use) become '*', so list
 *    items look the same whatever the editor, and later stages need to
 *    know only ASCII list markers.
 *  - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR become LF: the
 *    rest of the pipeline counts lines by LF.
 *  - Punctuation of UTF-8 text once read as Windows-1252 and saved again
 *    ("\u00E2\u20AC\u201C" for an en dash, a stray "\u00C2" glued to a
 *    word) is read as the writer meant it: mis_decoded_mark(), stray_c2().
 *  - HTML character references left in text by web forms and job-board
 *    exports ("1986&ndash; 1997", "manager&rsquo;s", "R&amp;D", "&#8211;")
 *    stand for the character a reader sees, so they are decoded and then
 *    folded like it: without this the date range above is not a range.
 *    Only references with their ';' count, named ones from a short list
 *    (html_entity()); a control character, a surrogate or a code point
 *    past U+10FFFF stays as written.
 *
 * The offset map
 * --------------
 * Evidence is found in the normalised text but reported in the source
 * text, so every replacement is recorded.  Checkpoints (kps_map_point)
 * cut the normalised text into segments of three kinds; a segment runs
 * from one checkpoint to the next (the last one to {len, src_len}):
 *
 *  - copy: normalised length == source length, byte-for-byte identical;
 *  - replacement byte: one normalised byte standing for (part of) one
 *    source character.  A replacement of m bytes for the source character
 *    [s, s+k) gets m checkpoints {o, s}, {o+1, s}, ... {o+m-1, s} and is
 *    closed by {o+m, s+k}.  So its last byte's segment has normalised
 *    length 1 and source length k >= 2, the others source length 0:
 *    neither can be mistaken for a copy segment, even when m == k
 *    ("ffi" for U+FB03, "..." for U+2026);
 *  - removal: the source character [s, s+k) produced nothing at
 *    normalised offset o: checkpoints {o, s} and {o, s+k}, a segment of
 *    normalised length 0.
 *
 * kps_norm_to_src(x) takes the last checkpoint at or before x, so
 *  - inside a replacement it gives the start of the source character;
 *  - at a removal it gives the offset after the removed character (a
 *    span starting there does not begin with an invisible soft hyphen).
 * kps_norm_to_src_end(e) gives the end of the source character that
 * produced byte e - 1, so
 *  - a span ending inside or at the end of a replacement covers the whole
 *    source character;
 *  - a span ending just before a removal stops before the removed
 *    character;
 *  - a removal inside a span is covered: "cooperate" matched in
 *    "co<SHY>operate" maps to the whole source, soft hyphen included.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "text/normalize.h"

#define KPS_SUBJECT_PAD 16

/* Code points [first, last] and what replaces each of them ("" removes
 * it).  Sorted by first, so replacement_for() can search it.  No
 * replacement may be longer than its character's UTF-8 form: the output
 * buffer is sized by the input. */
typedef struct fold_range {
    uint32_t first, last;
    const char *to;
} fold_range;

static const fold_range folds[] = {
    {0x00A0, 0x00A0, " "},   /* no-break space */
    {0x00AB, 0x00AB, "\""},  /* left guillemet */
    {0x00AD, 0x00AD, ""},    /* soft hyphen */
    {0x00BB, 0x00BB, "\""},  /* right guillemet */
    {0x02BC, 0x02BC, "'"},   /* modifier letter apostrophe */
    {0x2000, 0x200A, " "},   /* en quad .. hair space */
    {0x200B, 0x200D, ""},    /* zero-width space, non-joiner, joiner */
    {0x2010, 0x2015, "-"},   /* hyphen .. horizontal bar */
    {0x2018, 0x201B, "'"},   /* single quotation marks */
    {0x201C, 0x201F, "\""},  /* double quotation marks */
    {0x2022, 0x2023, "*"},   /* bullet, triangular bullet */
    {0x2026, 0x2026, "..."}, /* horizontal ellipsis */
    {0x2028, 0x2029, "\n"},  /* line and paragraph separators */
    {0x202F, 0x202F, " "},   /* narrow no-break space */
    {0x2032, 0x2032, "'"},   /* prime */
    {0x2033, 0x2033, "\""},  /* double prime */
    {0x2043, 0x2043, "*"},   /* hyphen bullet */
    {0x205F, 0x205F, " "},   /* medium mathematical space */
    {0x2060, 0x2060, ""},    /* word joiner */
    {0x2212, 0x2212, "-"},   /* minus sign */
    {0x25AA, 0x25AA, "*"},   /* small black square */
    {0x25CF, 0x25CF, "*"},   /* black circle */
    {0x3000, 0x3000, " "},   /* ideographic space */
    {0xF0B7, 0xF0B7, "*"},   /* Symbol-font bullet from Word */
    {0xFB00, 0xFB00, "ff"},  /* ligature ff */
    {0xFB01, 0xFB01, "fi"},  /* ligature fi */
    {0xFB02, 0xFB02, "fl"},  /* ligature fl */
    {0xFB03, 0xFB03, "ffi"}, /* ligature ffi */
    {0xFB04, 0xFB04, "ffl"}, /* ligature ffl */
    {0xFB05, 0xFB06, "st"},  /* ligatures long s + t, s + t */
    {0xFE58, 0xFE58, "-"},   /* small em dash */
    {0xFE63, 0xFE63, "-"},   /* small hyphen-minus */
    {0xFEFF, 0xFEFF, ""},    /* zero-width no-break space (BOM) */
    {0xFF0D, 0xFF0D, "-"},   /* fullwidth hyphen-minus */
};

/* Replacement for code point cp: NULL to keep it, "" to remove it. */
static const char *replacement_for(uint32_t cp)
{
    size_t lo = 0, hi = sizeof folds / sizeof folds[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < folds[mid].first)
            hi = mid;
        else if (cp > folds[mid].last)
            lo = mid + 1;
        else
            return folds[mid].to;
    }
    return NULL;
}

/* Lead bytes of the UTF-8 sequences replacement_for() may change: C2
 * (U+00A0..U+00BF), CA (U+02BC), E2 (U+20xx, U+22xx, U+25xx), E3
 * (U+3000) and EF (U+F0B7, U+FBxx, U+FExx, U+FFxx), and C3 (U+00E2 and
 * U+00EF, the first of a mis-decoded character, and a stray U+00C2,
 * below).  Text without them or '&' (which may open a character
 * reference, next_candidate()), most English resumes, is copied in one
 * go. */
static const unsigned char candidate_lead[256] = {
    [0xC2] = 1, [0xC3] = 1, [0xCA] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* The named references resumes carry, sorted by name for bsearch. */
typedef struct named_ref {
    const char *name;
    uint32_t cp;
} named_ref;

static const named_ref named_refs[] = {
    {"amp", '&'},      {"apos", '\''},     {"bull", 0x2022},
    {"gt", '>'},       {"hellip", 0x2026}, {"laquo", 0x00AB},
    {"ldquo", 0x201C}, {"lsquo", 0x2018},  {"lt", '<'},
    {"mdash", 0x2014}, {"middot", 0x00B7}, {"minus", 0x2212},
    {"nbsp", 0x00A0},  {"ndash", 0x2013},  {"quot", '"'},
    {"raquo", 0x00BB}, {"rdquo", 0x201D},  {"rsquo", 0x2019},
    {"shy", 0x00AD},
};

static int named_ref_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const named_ref *)elem)->name);
}

/* The character an HTML reference at s stands for: returns the reference's
 * length ("&ndash;" is 7) and stores the code point, or returns 0.  A
 * numeric reference to 0x80..0x9F means the Windows-1252 character, as in
 * browsers ("&#150;" is an en dash). */
static size_t html_entity(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len < 4 || s[0] != '&')
        return 0;
    size_t i = 1;
    uint32_t v = 0;
    if (s[1] == '#') {
        int hex = len > 2 && (s[2] == 'x' || s[2] == 'X');
        i = hex ? 3 : 2;
        size_t first = i;
        for (; i < len && i - first < 8; i++) {
            unsigned d;
            if (s[i] >= '0' && s[i] <= '9')
                d = s[i] - '0';
            else if (hex && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')
                d = (s[i] | 0x20) - 'a' + 10;
            else
                break;
            v = v * (hex ? 16 : 10) + d;
        }
        if (i == first || i >= len || s[i] != ';')
            return 0;
        if (v >= 0x80 && v <= 0x9F) /* undefined ones stay C1 controls */
            v = kps_cp1252_high[v - 0x80];
        if (v < 0x20 || (v >= 0x7F && v <= 0x9F) ||
            (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
            return 0;
        *cp = v;
        return i + 1;
    }
    char name[8];
    for (; i < len && i - 1 < sizeof name - 1 && s[i] >= 'a' && s[i] <= 'z';
         i++)
        name[i - 1] = (char)s[i];
    if (i == 1 || i >= len || s[i] != ';')
        return 0;
    name[i - 1] = '\0';
    const named_ref *r =
        bsearch(name, named_refs, sizeof named_refs / sizeof *named_refs,
                sizeof *named_refs, named_ref_cmp);
    if (!r)
        return 0;
    *cp = r->cp;
    return i + 1;
}

/* The byte that Windows-1252 decodes to cp, for the bytes 0x80..0xBF; 0
 * when none does. */
static unsigned cp1252_byte(uint32_t cp)
{
    if (cp >= 0xA0 && cp <= 0xBF)
        return (unsigned)cp;
    for (unsigned b = 0; b < 32; b++)
        if (kps_cp1252_high[b] == cp)
            return 0x80 + b;
    return 0;
}

/* A character whose three UTF-8 bytes were read as Windows-1252 and
 * stored again as UTF-8, one character per byte.  Real resumes carry
 * thousands of two kinds:
 *  - punctuation of U+2000..U+203F (E2 80 xx): "\u00E2\u20AC" and the
 *    character of the third byte ("\u00E2\u20AC\u201C" for an en dash);
 *  - fullwidth forms of U+FF00..U+FF7F (EF BC xx, EF BD xx): "\u00EF",
 *    "\u00BC" or "\u00BD", and the third byte's character.  In 581 of the
 *    1,236 shared resumes "\u00EF\u00BC\u200B" separates dates and places
 *    ("01/2009 \u00EF\u00BC\u200B 04/2012", "Company Name \u00EF\u00BC\u200B
 *    City"): U+FF0D FULLWIDTH HYPHEN-MINUS, whose byte 8D has no
 *    Windows-1252 character and came out as U+200B ZERO WIDTH SPACE.
 * Returns the source length of the three characters and the character
 * meant in *cp, or 0. */
static size_t mis_decoded_mark(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t a, b, c;
    size_t ka = kps_utf8_decode(s, len, &a);
    if ((a != 0xE2 && a != 0xEF) || ka != 2)
        return 0;
    size_t kb = kps_utf8_decode(s + ka, len - ka, &b);
    if (a == 0xE2 ? b != 0x20AC : b != 0xBC && b != 0xBD)
        return 0;
    size_t kc = kps_utf8_decode(s + ka + kb, len - ka - kb, &c);
    /* A byte Windows-1252 leaves undefined came out as U+200B: after
     * "\u00EF\u00BC" it is 8D, as above; after "\u00E2\u20AC" it is 9D, the
     * closing double quote (of the 63 in the shared resumes, 59 close a
     * quotation opened on their line, the others end a quoted title). */
    unsigned byte = c == 0x200B ? (a == 0xEF ? 0x8D : 0x9D) : cp1252_byte(c);
    if (!byte)
        return 0;
    *cp = a == 0xE2 ? 0x2000 + (byte - 0x80)
                    : 0xFF00 + (b - 0xBC) * 0x40 + (byte - 0x80);
    return ka + kb + kc;
}

/* Whether s[0, len) starts with a stray "\u00C2" (C3 82) left by the same
 * mis-decoding of a two-byte character C2 xx: U+00A0..U+00BF read as
 * Windows-1252 come out as "\u00C2" and the character itself, and the
 * no-break space often lost its second byte to a plain space or a line
 * end.  Real resumes carry thousands ("engagement\u00C2 for", "\u00C2
 * Enriched with", "Viagra\u00C2\u00AE"), and a letter glued to a word hides
 * the word from every rule.  In the languages resumes are written in, a
 * letter U+00C2 stands inside a word, not before a space, a line end,
 * such a character, another such "\u00C2", or a zero-width space (what C2
 * 8D, which Windows-1252 does not have, came out as).  The exceptions are
 * capitals of Welsh and Turkish words that end in it ("GWEITHIO \u00C2
 * PHOBL", "H\u00C2L\u00C2"): they lose it in the text the rules read, which
 * holds no English KPI word, and keep it in every quote, which is taken
 * from the document.  Returns 1 for a stray one. */
static int stray_c2(const unsigned char *s, size_t len)
{
    if (len < 2 || s[0] != 0xC3 || s[1] != 0x82)
        return 0;
    if (len == 2)
        return 1;
    unsigned char c = s[2];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return 1;
    if (len >= 4 && c == 0xC2 && s[3] >= 0xA0 && s[3] <= 0xBF)
        return 1;
    if (len >= 4 && c == 0xC3 && s[3] == 0x82)
        return 1;
    return len >= 5 && c == 0xE2 && s[3] == 0x80 && s[4] == 0x8B;
}

/* Offset of the next candidate at or after from, or len: a lead byte of
 * candidate_lead[] or an '&'.  *amp caches the offset of the next '&' at or
 * after the last search (len when there is none): memchr() finds the rare
 * '&' far faster than a test in the loop below, whose candidates are all
 * >= 0x80, so ASCII is skipped eight bytes at a time. */
static size_t next_candidate(const unsigned char *s, size_t from, size_t len,
                             size_t *amp)
{
    if (*amp < from) {
        const unsigned char *p = memchr(s + from, '&', len - from);
        *amp = p ? (size_t)(p - s) : len;
    }
    size_t end = *amp; /* the '&' itself is a candidate */
    for (;;) {
        while (end - from >= 8) {
            uint64_t w;
            memcpy(&w, s + from, sizeof w);
            if (w & (uint64_t)0x8080808080808080ULL)
                break;
            from += 8;
        }
        size_t stop = end - from > 8 ? from + 8 : end;
        while (from < stop && !candidate_lead[s[from]])
            from++;
        if (from == end || candidate_lead[s[from]])
            return from;
    }
}

typedef struct map_builder {
    kps_map_point *points;
    size_t n, cap;
} map_builder;

static int add_point(map_builder *m, size_t norm_off, size_t src_off)
{
    if (m->n && m->points[m->n - 1].norm_off == norm_off &&
        m->points[m->n - 1].src_off == src_off)
        return 0;
    if (kps_array_reserve(&m->points, &m->cap, m->n + 1, sizeof *m->points, 16))
        return -1;
    m->points[m->n].norm_off = norm_off;
    m->points[m->n].src_off = src_off;
    m->n++;
    return 0;
}

int kps_normalize(const char *src, size_t len, const char *name, kps_norm *out,
                  kpiscan_error *err)
{
    memset(out, 0, sizeof *out);
    const unsigned char *s = (const unsigned char *)src;
    /* No replacement lengthens its source character ("ffi" and "..." are
     * as long as theirs), so the output never outgrows the input.  The text
     * is PCRE2's subject: its JIT reads the subject in 16-byte SIMD loads
     * that may reach up to 15 bytes past the end, so a zeroed pad keeps
     * those reads inside this block and on defined bytes (valgrind). */
    char *text = malloc(len + 1 + KPS_SUBJECT_PAD);
    map_builder m = {NULL, 0, 0};
    if (!text || add_point(&m, 0, 0) != 0)
        goto nomem;

    size_t o = 0;    /* normalised bytes written */
    size_t done = 0; /* source bytes consumed */
    const unsigned char *first_amp = len ? memchr(s, '&', len) : NULL;
    size_t amp = first_amp ? (size_t)(first_amp - s) : len;
    size_t i = next_candidate(s, 0, len, &amp);
    while (i < len) {
        uint32_t cp;
        char mark[5];
        const char *rep;
        size_t k;
        if (s[i] == '&') {
            k = html_entity(s + i, len - i, &cp);
            if (!k) {
                i = next_candidate(s, i + 1, len, &amp);
                continue;
            }
            /* the character referred to, folded like any other; its own
             * UTF-8 form is never longer than the reference ("&#9;" is the
             * shortest, four bytes, and anything under 0x20 is refused) */
            rep = replacement_for(cp);
            if (!rep) {
                mark[kps_utf8_encode(cp, mark)] = '\0';
                rep = mark;
            }
        } else {
            k = kps_utf8_decode(s + i, len - i, &cp);
            rep = replacement_for(cp);
        }
        uint32_t fixed;
        size_t km = 0;
        if (s[i] == 0xC3 && stray_c2(s + i, len - i)) {
            k = 2;
            rep = ""; /* the character after it is read on its own */
        } else if (s[i] == 0xC3 &&
                   (km = mis_decoded_mark(s + i, len - i, &fixed)) != 0) {
            /* the mark as the writer meant it: folded like any other, or
             * its own three UTF-8 bytes (shorter than the seven or eight
             * of the mis-decoding, so the output still never grows) */
            k = km;
            rep = replacement_for(fixed);
            if (!rep) {
                mark[kps_utf8_encode(fixed, mark)] = '\0';
                rep = mark;
            }
        }
        if (!rep) {
            i = next_candidate(s, i + k, len, &amp);
            continue;
        }
        /* Copy the unchanged run, then close it with a checkpoint. */
        memcpy(text + o, s + done, i - done);
        o += i - done;
        if (add_point(&m, o, i) != 0)
            goto nomem;
        /* removals (a stray mark, a soft hyphen) are common: no call */
        size_t r = rep[0] ? strlen(rep) : 0;
        for (size_t j = 0; j < r; j++) {
            if (add_point(&m, o + j, i) != 0)
                goto nomem;
            text[o + j] = rep[j];
        }
        o += r;
        done = i + k;
        if (add_point(&m, o, done) != 0)
            goto nomem;
        i = next_candidate(s, done, len, &amp);
    }
    if (len > done) /* src may be NULL when len is 0 */
        memcpy(text + o, s + done, len - done);
    o += len - done;
    memset(text + o, 0, len + 1 + KPS_SUBJECT_PAD - o);

    out->text = text;
    out->len = o;
    out->map = m.points;
    out->nmap = m.n;
    out->src_len = len;
    return KPISCAN_OK;

nomem:
    free(text);
    free(m.points);
    return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
}

/* Index of the last checkpoint with norm_off <= off (map[0] is {0, 0}). */
static size_t find_point(const kps_norm *n, size_t off)
{
    size_t lo = 0, hi = n->nmap; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (n->map[mid].norm_off <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static kps_map_point point_after(const kps_norm *n, size_t i)
{
    if (i + 1 < n->nmap)
        return n->map[i + 1];
    kps_map_point end = {n->len, n->src_len};
    return end;
}

size_t kps_norm_to_src(const kps_norm *n, size_t norm_off)
{
    if (!n || !n->map || n->nmap == 0)
        return norm_off;
    if (norm_off >= n->len)
        return n->src_len;
    const kps_map_point *p = &n->map[find_point(n, norm_off)];
    /* In a replacement segment norm_off == p->norm_off, so this is its
     * source start; in a copy segment it is the matching byte. */
    return p->src_off + (norm_off - p->norm_off);
}

size_t kps_norm_to_src_end(const kps_norm *n, size_t norm_end)
{
    if (!n || !n->map || n->nmap == 0)
        return norm_end;
    if (norm_end > n->len)
        norm_end = n->len;
    if (norm_end == 0)
        return 0;
    size_t last = norm_end - 1;
    size_t i = find_point(n, last);
    kps_map_point p = n->map[i];
    kps_map_point next = point_after(n, i);
    if (next.norm_off - p.norm_off == next.src_off - p.src_off)
        return p.src_off + (last - p.norm_off) + 1; /* copy segment */
    /* A replacement byte: its source character ends at the first later
     * checkpoint with a different source offset, the one closing it. */
    while (next.src_off == p.src_off && i + 1 < n->nmap)
        next = point_after(n, ++i);
    return next.src_off;
}

void kps_norm_free(kps_norm *n)
{
    if (!n)
        return;
    free(n->text);
    free(n->map);
    memset(n, 0, sizeof *n);
}
