/* test-normalize.c - typographic folding and the offset map
 * (lib/normalize.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static kps_norm norm_of(const char *s)
{
    kps_norm n;
    ck_assert_int_eq(kps_normalize(s, strlen(s), NULL, &n, NULL), KPISCAN_OK);
    ck_assert_ptr_nonnull(n.text);
    ck_assert_uint_eq(strlen(n.text), n.len);
    ck_assert_uint_eq(n.src_len, strlen(s));
    ck_assert_uint_ge(n.nmap, 1);
    ck_assert_uint_eq(n.map[0].norm_off, 0);
    ck_assert_uint_eq(n.map[0].src_off, 0);
    return n;
}

/* The source span a match [a, b) in the normalised text maps to. */
static void expect_span(const kps_norm *n, size_t a, size_t b, size_t src_a,
                        size_t src_b)
{
    ck_assert_uint_eq(kps_norm_to_src(n, a), src_a);
    ck_assert_uint_eq(kps_norm_to_src_end(n, b), src_b);
}

/* Structural properties for every offset of a normalised text:
 * monotonic, character boundaries onto source character boundaries, and
 * each normalised byte's source span normalises to text containing it. */
static void check_map_properties(const char *src, const kps_norm *n)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t prev_start = 0, prev_end = 0;
    for (size_t x = 0; x <= n->len; x++) {
        size_t a = kps_norm_to_src(n, x);
        size_t e = kps_norm_to_src_end(n, x);
        ck_assert_uint_le(a, n->src_len);
        ck_assert_uint_le(e, n->src_len);
        ck_assert_uint_ge(a, prev_start);
        ck_assert_uint_ge(e, prev_end);
        prev_start = a;
        prev_end = e;
        /* A character boundary in the normalised text maps to one in the
         * source (offsets inside a copied character stay inside it). */
        if (x < n->len && ((unsigned char)n->text[x] & 0xC0) == 0x80)
            continue;
        if (a < n->src_len)
            ck_assert_msg((s[a] & 0xC0) != 0x80, "start %zu -> %zu inside", x,
                          a);
        if (e < n->src_len)
            ck_assert_msg((s[e] & 0xC0) != 0x80, "end %zu -> %zu inside", x, e);
    }
    for (size_t x = 0; x < n->len; x++) {
        size_t a = kps_norm_to_src(n, x), e = kps_norm_to_src_end(n, x + 1);
        ck_assert_uint_lt(a, e);
        kps_norm piece;
        ck_assert_int_eq(kps_normalize(src + a, e - a, NULL, &piece, NULL),
                         KPISCAN_OK);
        ck_assert_msg(memchr(piece.text, n->text[x], piece.len) != NULL,
                      "byte %zu ('%c') not produced by source [%zu, %zu)", x,
                      n->text[x], a, e);
        kps_norm_free(&piece);
    }
}

START_TEST(ascii_fast_path_is_identity)
{
    const char *src = "Senior analyst: KPI dashboards, 5 years\n\tOKRs";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, src);
    ck_assert_uint_eq(n.nmap, 1);
    for (size_t x = 0; x <= n.len; x++) {
        ck_assert_uint_eq(kps_norm_to_src(&n, x), x);
        ck_assert_uint_eq(kps_norm_to_src_end(&n, x), x);
    }
    kps_norm_free(&n);
}
END_TEST

START_TEST(other_unicode_is_untouched)
{
    /* é, Cyrillic, CJK, emoji, and characters whose lead byte is a
     * candidate (C2, E2, EF) but which are not replaced: ©, €, ™, ≥, ①,
     * U+FFFD. */
    const char *src = "caf\xC3\xA9 \xD0\x96 \xE4\xB8\xAD \xF0\x9F\x98\x80 "
                      "\xC2\xA9 \xE2\x82\xAC \xE2\x84\xA2 \xE2\x89\xA5 "
                      "\xE2\x91\xA0 \xEF\xBF\xBD \xE3\x81\x82";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, src);
    ck_assert_uint_eq(n.nmap, 1);
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

START_TEST(empty_input)
{
    kps_norm n = norm_of("");
    ck_assert_uint_eq(n.len, 0);
    ck_assert_str_eq(n.text, "");
    ck_assert_uint_eq(kps_norm_to_src(&n, 0), 0);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 0), 0);
    ck_assert_uint_eq(kps_norm_to_src(&n, 5), 0);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 5), 0);
    kps_norm_free(&n);
    ck_assert_int_eq(kps_normalize(NULL, 0, NULL, &n, NULL), KPISCAN_OK);
    ck_assert_str_eq(n.text, "");
    kps_norm_free(&n);
}
END_TEST

typedef struct mapping {
    uint32_t cp;
    const char *to;
} mapping;

START_TEST(every_mapping)
{
    static const mapping table[] = {
        {0xFB00, "ff"},
        {0xFB01, "fi"},
        {0xFB02, "fl"},
        {0xFB03, "ffi"},
        {0xFB04, "ffl"},
        {0xFB05, "st"},
        {0xFB06, "st"},
        {0x2018, "'"},
        {0x2019, "'"},
        {0x201A, "'"},
        {0x201B, "'"},
        {0x2032, "'"},
        {0x02BC, "'"},
        {0x201C, "\""},
        {0x201D, "\""},
        {0x201E, "\""},
        {0x201F, "\""},
        {0x2033, "\""},
        {0x00AB, "\""},
        {0x00BB, "\""},
        {0x2010, "-"},
        {0x2011, "-"},
        {0x2012, "-"},
        {0x2013, "-"},
        {0x2014, "-"},
        {0x2015, "-"},
        {0x2212, "-"},
        {0xFE58, "-"},
        {0xFE63, "-"},
        {0xFF0D, "-"},
        {0x00A0, " "},
        {0x2000, " "},
        {0x2001, " "},
        {0x2002, " "},
        {0x2003, " "},
        {0x2004, " "},
        {0x2005, " "},
        {0x2006, " "},
        {0x2007, " "},
        {0x2008, " "},
        {0x2009, " "},
        {0x200A, " "},
        {0x202F, " "},
        {0x205F, " "},
        {0x3000, " "},
        {0x00AD, ""},
        {0x200B, ""},
        {0x200C, ""},
        {0x200D, ""},
        {0x2060, ""},
        {0xFEFF, ""},
        {0x2022, "*"},
        {0x25CF, "*"},
        {0x25AA, "*"},
        {0x2023, "*"},
        {0x2043, "*"},
        {0xF0B7, "*"},
        {0x2026, "..."},
        {0x2028, "\n"},
        {0x2029, "\n"},
        /* neighbours that stay */
        {0x200E, NULL},
        {0x2016, NULL},
        {0x2024, NULL},
        {0x2030, NULL},
        {0x2034, NULL},
        {0x02BB, NULL},
        {0xFB07, NULL},
        {0xFB13, NULL},
        {0x00AC, NULL},
        {0x00AE, NULL},
        {0x2213, NULL},
        {0x25CB, NULL},
        {0x3001, NULL},
        {0xFF0E, NULL},
        {0xFEFE, NULL},
        {0x2061, NULL},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        kps_buf src = {NULL, 0, 0}, want = {NULL, 0, 0};
        ck_assert_int_eq(kps_buf_append(&src, "<", 1), 0);
        ck_assert_int_eq(kps_buf_put_utf8(&src, table[i].cp), 0);
        ck_assert_int_eq(kps_buf_append(&src, ">", 1), 0);
        if (table[i].to) {
            ck_assert_int_eq(kps_buf_append(&want, "<", 1), 0);
            ck_assert_int_eq(
                kps_buf_append(&want, table[i].to, strlen(table[i].to)), 0);
            ck_assert_int_eq(kps_buf_append(&want, ">", 1), 0);
        } else {
            ck_assert_int_eq(kps_buf_append(&want, src.data, src.len), 0);
        }
        kps_norm n = norm_of(src.data);
        ck_assert_msg(strcmp(n.text, want.data) == 0, "U+%04X gave \"%s\"",
                      (unsigned)table[i].cp, n.text);
        /* The whole normalised text maps to the whole source. */
        expect_span(&n, 0, n.len, 0, src.len);
        /* The closing '>' maps to itself. */
        expect_span(&n, n.len - 1, n.len, src.len - 1, src.len);
        check_map_properties(src.data, &n);
        kps_norm_free(&n);
        kps_buf_free(&src);
        kps_buf_free(&want);
    }
}
END_TEST

START_TEST(case_is_kept)
{
    kps_norm n = norm_of("KPI \xEF\xAC\x81nance ROI");
    ck_assert_str_eq(n.text, "KPI finance ROI");
    kps_norm_free(&n);
}
END_TEST

START_TEST(ligature_spans)
{
    /* "ﬁnance": U+FB01 is 3 source bytes, 2 normalised. */
    const char *src = "\xEF\xAC\x81nance";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "finance");
    ck_assert_uint_eq(kps_norm_to_src(&n, 0), 0);
    ck_assert_uint_eq(kps_norm_to_src(&n, 1), 0); /* the 'i' of "fi" */
    ck_assert_uint_eq(kps_norm_to_src(&n, 2), 3);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 1), 3); /* just the 'f' */
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 2), 3);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 3), 4);
    expect_span(&n, 1, 7, 0, 8); /* "inance" covers the ligature */
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

START_TEST(equal_length_replacements)
{
    /* "oﬃce": U+FB03 is three bytes and so is "ffi"; the map must still
     * treat it as one source character. */
    const char *src = "o\xEF\xAC\x83"
                      "ce";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "office");
    for (size_t x = 1; x <= 3; x++) {
        ck_assert_uint_eq(kps_norm_to_src(&n, x), 1);
        ck_assert_uint_eq(kps_norm_to_src_end(&n, x + 1), 4);
    }
    ck_assert_uint_eq(kps_norm_to_src(&n, 4), 4);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 5), 5);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 1), 1);
    check_map_properties(src, &n);
    kps_norm_free(&n);

    /* "and so on…": the ellipsis is three bytes either way. */
    const char *src2 = "on\xE2\x80\xA6!";
    n = norm_of(src2);
    ck_assert_str_eq(n.text, "on...!");
    expect_span(&n, 3, 4, 2, 5);
    expect_span(&n, 5, 6, 5, 6);
    check_map_properties(src2, &n);
    kps_norm_free(&n);
}
END_TEST

START_TEST(soft_hyphen_spans)
{
    /* "co<SHY>operate": SHY is C2 AD, removed. */
    const char *src = "co\xC2\xADoperate";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "cooperate");
    /* A match across the removal covers it. */
    expect_span(&n, 0, 9, 0, 11);
    /* A match starting at the removal starts after it. */
    expect_span(&n, 2, 9, 4, 11);
    /* A match ending at the removal ends before it. */
    expect_span(&n, 0, 2, 0, 2);
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

START_TEST(removals_at_edges_and_in_runs)
{
    /* Leading BOM, trailing zero-width space, a run of three removals. */
    const char *src =
        "\xEF\xBB\xBFKPI\xE2\x80\x8B\xC2\xAD\xE2\x81\xA0s\xE2\x80\x8B";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "KPIs");
    expect_span(&n, 0, 3, 3, 6);   /* "KPI" */
    expect_span(&n, 0, 4, 3, 15);  /* "KPIs": the run inside is covered */
    expect_span(&n, 3, 4, 14, 15); /* "s" starts after the run */
    ck_assert_uint_eq(kps_norm_to_src(&n, 4), n.src_len);
    check_map_properties(src, &n);
    kps_norm_free(&n);

    /* Nothing but removals. */
    n = norm_of("\xC2\xAD\xE2\x80\x8B");
    ck_assert_uint_eq(n.len, 0);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 0), 0);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 1), 0);
    ck_assert_uint_eq(kps_norm_to_src(&n, 0), 5); /* after the removals */
    kps_norm_free(&n);
}
END_TEST

START_TEST(curly_quote_spans)
{
    /* “KPI” owner’s */
    const char *src = "\xE2\x80\x9CKPI\xE2\x80\x9D owner\xE2\x80\x99s";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "\"KPI\" owner's");
    expect_span(&n, 1, 4, 3, 6);     /* KPI */
    expect_span(&n, 0, 5, 0, 9);     /* "KPI" with its quotes */
    expect_span(&n, 6, 13, 10, 19);  /* owner's */
    expect_span(&n, 11, 12, 15, 18); /* the apostrophe alone */
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

/* Punctuation whose UTF-8 bytes were read as Windows-1252 and stored
 * again ("\u00E2\u20AC\u201C" for an en dash) is the mark it was. */
START_TEST(mis_decoded_marks)
{
    const char *src = "2010 \xC3\xA2\xE2\x82\xAC\xE2\x80\x9C 2012 "
                      "\xC3\xA2\xE2\x82\xAC\xC2\xA2 owner"
                      "\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s "
                      "\xC3\xA2\xE2\x82\xAC\xC2\xB0 caf\xC3\xA9";
    kps_norm n = norm_of(src);
    /* en dash, bullet, apostrophe; a per mille sign (U+2030, no fold)
     * as itself; a lone e-acute untouched */
    ck_assert_str_eq(n.text, "2010 - 2012 * owner's \xE2\x80\xB0 caf\xC3\xA9");
    expect_span(&n, 5, 6, 5, 13); /* the dash and its eight source bytes */
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

/* Fullwidth forms mis-decoded the same way: "\u00EF\u00BC\u200B" (the
 * fullwidth hyphen-minus, its undefined byte 8D written as U+200B) is a
 * dash; "\u00EF\u00BC\u00A1" (EF BC A1) the fullwidth A it was (no
 * fold); "\u00EF" and "\u00BC" before anything else stay as they are. */
START_TEST(mis_decoded_fullwidth)
{
    const char *src = "01/2009 \xC3\xAF\xC2\xBC\xE2\x80\x8B 04/2012 "
                      "\xC3\xAF\xC2\xBC\xC2\xA1 na\xC3\xAF\xC2\xBCx";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text,
                     "01/2009 - 04/2012 \xEF\xBC\xA1 na\xC3\xAF\xC2\xBCx");
    expect_span(&n, 8, 9, 8, 15); /* the dash and its seven source bytes */
    expect_span(&n, 18, 21, 24, 30);
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

/* A stray "\u00C2" of a mis-decoded two-byte character goes, and the
 * character after it is read on its own: before a space (the no-break
 * space lost its second byte), a line end, U+00A0..U+00BF, another one,
 * a zero-width space, or the end.  A real U+00C2 before a letter stays.
 * "\u00E2\u20AC\u200B" is the closing double quote. */
START_TEST(mis_decoded_stray_c2)
{
    const char *src = "engagement\xC3\x82 for \xC3\x82\xC2\xA0Led "
                      "Viagra\xC3\x82\xC2\xAE X\xC3\x82\xC3\x82\xC3\x82\n"
                      "Aug 2012 \xC3\x82\xE2\x80\x8B Oct 2013 "
                      "\xC3\x82NGEL \xC3\x82me "
                      "\xC3\xA2\xE2\x82\xAC\xC5\x93"
                      "Base"
                      "\xC3\xA2\xE2\x82\xAC\xE2\x80\x8B end\xC3\x82";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "engagement for  Led Viagra\xC2\xAE X\n"
                             "Aug 2012  Oct 2013 \xC3\x82NGEL \xC3\x82me "
                             "\"Base\" end");
    expect_span(&n, 0, 14, 0, 16); /* "engagement for" covers the stray */
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

START_TEST(adjacent_replacements)
{
    /* Replacement, removal, replacement, with no byte in between. */
    const char *src = "\xE2\x80\x94\xC2\xAD\xEF\xAC\x82"
                      "ow\xC2\xA0\xE2\x80\xA6";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "-flow ...");
    expect_span(&n, 0, 1, 0, 3); /* dash; the SHY after it stays out */
    expect_span(&n, 1, 3, 5, 8); /* "fl" after the SHY */
    expect_span(&n, 0, 3, 0, 8);
    expect_span(&n, 3, 5, 8, 10);  /* "ow" */
    expect_span(&n, 5, 6, 10, 12); /* NBSP */
    expect_span(&n, 6, 9, 12, 15); /* ellipsis */
    expect_span(&n, 7, 8, 12, 15); /* its middle dot */
    check_map_properties(src, &n);
    kps_norm_free(&n);
}
END_TEST

/* HTML character references left by web forms are the characters they
 * stand for, folded like them; anything else with '&' stays as written. */
START_TEST(html_references)
{
    const char *src = "1986&ndash; 1997 R&amp;D manager&rsquo;s "
                      "&#8211;&#x2014;&#150;&nbsp;&hellip;&shy;x "
                      "&middot;&#X41;&#233;";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "1986- 1997 R&D manager's --- ...x "
                             "\xC2\xB7"
                             "A\xC3\xA9");
    expect_span(&n, 4, 5, 4, 11);    /* the dash and "&ndash;" */
    expect_span(&n, 0, 10, 0, 16);   /* the range, whole */
    expect_span(&n, 11, 14, 17, 24); /* R&D */
    expect_span(&n, 22, 23, 32, 39); /* the apostrophe */
    expect_span(&n, 26, 27, 48, 56); /* &#x2014; */
    expect_span(&n, 27, 28, 56, 62); /* &#150;, Windows-1252's en dash */
    check_map_properties(src, &n);
    kps_norm_free(&n);

    /* Not references: no ';', unknown or upper-case names, controls,
     * surrogates, past U+10FFFF, C1 bytes Windows-1252 leaves undefined,
     * too many digits, a bare '&' at the end.  Each stays byte for byte,
     * and text with them but nothing else to fold keeps a one-point map. */
    const char *kept = "AT&T &amp R&D &bogus; &NDASH; &#; &#x; &#0; &#9; "
                       "&#xD800; &#x110000; &#129; &#0000000065; &";
    kps_norm k = norm_of(kept);
    ck_assert_str_eq(k.text, kept);
    ck_assert_uint_eq(k.nmap, 1);
    kps_norm_free(&k);

    /* The eight-byte skip finds a reference in any lane. */
    for (size_t pad = 0; pad < 16; pad++) {
        char buf[64];
        memset(buf, 'x', pad);
        strcpy(buf + pad, "&amp;yyyyyyyyyyyy");
        kps_norm m = norm_of(buf);
        ck_assert_uint_eq(m.len, strlen(buf) - 4);
        ck_assert_int_eq(m.text[pad], '&');
        ck_assert_int_eq(m.text[pad + 1], 'y');
        check_map_properties(buf, &m);
        kps_norm_free(&m);
    }
}
END_TEST

START_TEST(out_of_range_offsets)
{
    const char *src = "a\xEF\xAC\x81";
    kps_norm n = norm_of(src);
    ck_assert_str_eq(n.text, "afi");
    ck_assert_uint_eq(kps_norm_to_src(&n, 3), 4);
    ck_assert_uint_eq(kps_norm_to_src(&n, 100), 4);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 100), 4);
    ck_assert_uint_eq(kps_norm_to_src_end(&n, 3), 4);
    kps_norm_free(&n);
}
END_TEST

START_TEST(long_mixed_text)
{
    /* Many replacements in a long text: the map stays consistent and the
     * binary search finds the right checkpoint everywhere. */
    static const char *pieces[] = {
        "Led \xE2\x80\x9CKPI\xE2\x80\x9D reviews ",
        "\xE2\x80\xA2 increased e\xEF\xAC\x83"
        "ciency by 20\xE2\x80\x89%\n",
        "co\xC2\xADoperated with finance\xE2\x80\x94sales ",
        "plain ascii segment without anything special ",
        "\xEF\x82\xB7 year\xE2\x80\x91over\xE2\x80\x91year "
        "growth\xE2\x80\xA6\n",
    };
    kps_buf src = {NULL, 0, 0};
    for (int r = 0; r < 200; r++) {
        const char *p = pieces[r % 5];
        ck_assert_int_eq(kps_buf_append(&src, p, strlen(p)), 0);
    }
    kps_norm n = norm_of(src.data);
    ck_assert_uint_gt(n.nmap, 100);
    ck_assert_ptr_nonnull(strstr(n.text, "\"KPI\" reviews * increased "
                                         "efficiency by 20 %"));
    ck_assert_ptr_nonnull(strstr(n.text, "* year-over-year growth...\n"));
    ck_assert_ptr_null(strstr(n.text, "\xC2\xAD"));
    /* Every "cooperated" maps to a source span that reads co<SHY>operated. */
    size_t count = 0;
    for (const char *m = strstr(n.text, "cooperated"); m;
         m = strstr(m + 1, "cooperated")) {
        size_t a = (size_t)(m - n.text), b = a + 10;
        size_t sa = kps_norm_to_src(&n, a), sb = kps_norm_to_src_end(&n, b);
        ck_assert_uint_eq(sb - sa, 12);
        ck_assert_int_eq(memcmp(src.data + sa, "co\xC2\xADoperated", 12), 0);
        count++;
    }
    ck_assert_uint_eq(count, 40);
    check_map_properties(src.data, &n);
    kps_norm_free(&n);
    kps_buf_free(&src);
}
END_TEST

START_TEST(free_is_safe)
{
    kps_norm_free(NULL);
    kps_norm n = norm_of("x\xC2\xA0y");
    kps_norm_free(&n);
    ck_assert_ptr_null(n.text);
    ck_assert_ptr_null(n.map);
    kps_norm_free(&n); /* a second free is a no-op */
}
END_TEST

static Suite *normalize_suite(void)
{
    Suite *s = suite_create("normalize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ascii_fast_path_is_identity);
    tcase_add_test(tc, other_unicode_is_untouched);
    tcase_add_test(tc, empty_input);
    tcase_add_test(tc, every_mapping);
    tcase_add_test(tc, case_is_kept);
    tcase_add_test(tc, ligature_spans);
    tcase_add_test(tc, equal_length_replacements);
    tcase_add_test(tc, soft_hyphen_spans);
    tcase_add_test(tc, removals_at_edges_and_in_runs);
    tcase_add_test(tc, curly_quote_spans);
    tcase_add_test(tc, mis_decoded_marks);
    tcase_add_test(tc, mis_decoded_fullwidth);
    tcase_add_test(tc, mis_decoded_stray_c2);
    tcase_add_test(tc, adjacent_replacements);
    tcase_add_test(tc, html_references);
    tcase_add_test(tc, out_of_range_offsets);
    tcase_add_test(tc, long_mixed_text);
    tcase_add_test(tc, free_is_safe);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(normalize_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
