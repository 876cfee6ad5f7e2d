/* test-textdecode.c - plain text to clean UTF-8 (lib/textdecode.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static kps_limits test_limits(size_t max_text)
{
    kps_limits lim;
    memset(&lim, 0, sizeof lim);
    lim.max_input_bytes = (size_t)64 << 20;
    lim.max_text_bytes = max_text;
    return lim;
}

/* Every successful decode must uphold the module's promise. */
static void check_clean_output(const kps_doc *doc)
{
    ck_assert_ptr_nonnull(doc->text);
    ck_assert_int_eq(doc->format, KPS_FORMAT_TEXT);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    for (size_t i = 0; i < doc->len; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        ck_assert_msg(c >= 0x20 || c == '\t' || c == '\n',
                      "control 0x%02x at %zu", c, i);
        ck_assert_msg(c != 0x7F, "DEL at %zu", i);
        /* No C1 control (C2 80..C2 9F). */
        if (c == 0xC2 && i + 1 < doc->len)
            ck_assert_uint_ge((unsigned char)doc->text[i + 1], 0xA0);
    }
    ck_assert_ptr_null(doc->parts);
    ck_assert_uint_eq(doc->nparts, 0);
    ck_assert_ptr_null(doc->segments);
    ck_assert_uint_eq(doc->nsegments, 0);
    ck_assert_ptr_null(doc->hidden);
    ck_assert_uint_eq(doc->nhidden, 0);
}

/* Decode s[0..n) and compare with the expected UTF-8. */
static void expect_decoded(const char *s, size_t n, const char *want)
{
    kps_limits lim = test_limits((size_t)1 << 20);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc =
        kps_text_decode((const unsigned char *)s, n, "cv.txt", &lim, &doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "rc %d: %s", rc,
                  kpiscan_error_message(err));
    check_clean_output(&doc);
    ck_assert_str_eq(doc.text, want);
    kps_doc_free(&doc);
    kpiscan_error_free(err);
}

#define EXPECT(lit, want) expect_decoded((lit), sizeof(lit) - 1, (want))

/* Decode and expect a failure with status and message. */
static void expect_failure(const char *s, size_t n, size_t max_text, int status,
                           const char *message)
{
    kps_limits lim = test_limits(max_text);
    kps_doc doc;
    kpiscan_error *err = kpiscan_error_new();
    int rc =
        kps_text_decode((const unsigned char *)s, n, "cv.txt", &lim, &doc, err);
    ck_assert_int_eq(rc, status);
    ck_assert_int_eq(kpiscan_error_status(err), status);
    ck_assert_str_eq(kpiscan_error_message(err), message);
    ck_assert_ptr_null(doc.text);
    kpiscan_error_free(err);
}

#define EXPECT_FAIL(lit, status, message)                                      \
    expect_failure((lit), sizeof(lit) - 1, (size_t)1 << 20, (status), (message))

START_TEST(plain_utf8_is_copied)
{
    EXPECT("Jane Doe\n\tSenior Analyst\n", "Jane Doe\n\tSenior Analyst\n");
    EXPECT("Caf\xC3\xA9 \xE2\x80\x93 na\xC3\xAFve \xF0\x9F\x98\x80 \xD0\x96",
           "Caf\xC3\xA9 \xE2\x80\x93 na\xC3\xAFve \xF0\x9F\x98\x80 \xD0\x96");
    /* The largest scalar value and the last BMP characters are valid. */
    EXPECT("x\xF4\x8F\xBF\xBF\xEF\xBF\xBF", "x\xF4\x8F\xBF\xBF\xEF\xBF\xBF");
    /* U+00A0 is not a C1 control. */
    EXPECT("a\xC2\xA0z", "a\xC2\xA0z");
}
END_TEST

START_TEST(large_clean_text_is_identity)
{
    size_t n = (size_t)3 << 20;
    char *buf = malloc(n + 1);
    ck_assert_ptr_nonnull(buf);
    static const char line[] = "Increased revenue by 20% \xE2\x80\x94 "
                               "KPI dashboards\tfor 5 teams\n";
    for (size_t i = 0; i < n; i++)
        buf[i] = line[i % (sizeof line - 1)];
    /* Cut at a character boundary. */
    while (n && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
        n--;
    if (n && (unsigned char)buf[n - 1] >= 0xC0)
        n--;
    buf[n] = '\0';
    kps_limits lim = test_limits((size_t)16 << 20);
    kps_doc doc;
    ck_assert_int_eq(
        kps_text_decode((unsigned char *)buf, n, NULL, &lim, &doc, NULL),
        KPISCAN_OK);
    ck_assert_uint_eq(doc.len, n);
    ck_assert_int_eq(memcmp(doc.text, buf, n), 0);
    kps_doc_free(&doc);
    free(buf);
}
END_TEST

START_TEST(utf8_bom_is_skipped)
{
    EXPECT("\xEF\xBB\xBFHello", "Hello");
    EXPECT("\xEF\xBB\xBFHi\r\nthere\x93", "Hi\nthere\xE2\x80\x9C");
    /* Only a leading BOM is a BOM; later U+FEFF is text for normalise. */
    EXPECT("a\xEF\xBB\xBFz", "a\xEF\xBB\xBFz");
}
END_TEST

START_TEST(utf16_with_bom)
{
    /* "Hé😀\r\nx" */
    EXPECT("\xFF\xFEH\0\xE9\0\x3D\xD8\x00\xDE\r\0\n\0x\0",
           "H\xC3\xA9\xF0\x9F\x98\x80\nx");
    EXPECT("\xFE\xFF\0H\0\xE9\xD8\x3D\xDE\x00\0\r\0\n\0x",
           "H\xC3\xA9\xF0\x9F\x98\x80\nx");
    /* Lone CR, CR CR LF, FF, TAB, other controls, C1 controls, U+FEFF. */
    EXPECT("\xFF\xFEq\0\r\0b\0\r\0\r\0\n\0c\0\f\0\t\0\x01\0\x85\0\xFF\xFE",
           "q\nb\n\nc\n\t  \xEF\xBB\xBF");
    /* Non-Latin text needs its BOM and gets it decoded. */
    EXPECT("\xFE\xFF\x04\x16\x04\x30", "\xD0\x96\xD0\xB0");
}
END_TEST

START_TEST(utf16_surrogates)
{
    /* High surrogate followed by a letter. */
    EXPECT("\xFF\xFE\x3D\xD8Q\0", "\xEF\xBF\xBDQ");
    /* Lone low surrogate. */
    EXPECT("\xFF\xFEQ\0\x00\xDEZ\0", "Q\xEF\xBF\xBDZ");
    /* High surrogate as the last unit. */
    EXPECT("\xFF\xFEQ\0\x3D\xD8", "Q\xEF\xBF\xBD");
    /* Two high surrogates then a low one: the second pair is good. */
    EXPECT("\xFF\xFE\x3D\xD8\x3D\xD8\x00\xDE", "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    /* Big-endian lone surrogate. */
    EXPECT("\xFE\xFF\xDC\x00\0Q", "\xEF\xBF\xBDQ");
}
END_TEST

START_TEST(utf16_odd_length)
{
    EXPECT("\xFF\xFEQ\0B", "Q\xEF\xBF\xBD");
}
END_TEST

START_TEST(utf16_nul_character)
{
    EXPECT_FAIL("\xFF\xFEQ\0\0\0B\0", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL character at offset 4)");
}
END_TEST

START_TEST(utf32_with_bom)
{
    EXPECT("\xFF\xFE\0\0H\0\0\0\x00\xF6\x01\0\r\0\0\0\n\0\0\0",
           "H\xF0\x9F\x98\x80\n");
    EXPECT("\0\0\xFE\xFF\0\0\0H\0\x01\xF6\x00\0\0\0\r", "H\xF0\x9F\x98\x80\n");
    /* Beyond U+10FFFF and surrogates are replaced; a cut unit too. */
    EXPECT("\xFF\xFE\0\0\0\0\x11\0\x00\xD8\0\0Q\0\0\0B",
           "\xEF\xBF\xBD\xEF\xBF\xBDQ\xEF\xBF\xBD");
    EXPECT_FAIL("\0\0\xFE\xFF\0\0\0\0", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL character at offset 4)");
}
END_TEST

START_TEST(utf16_without_bom)
{
    EXPECT("H\0e\0l\0l\0o\0\r\0\n\0W\0o\0r\0l\0d\0", "Hello\nWorld");
    EXPECT("\0H\0e\0l\0l\0o\0\r\0\n\0W\0o\0r\0l\0d", "Hello\nWorld");
    EXPECT("C\0a\0f\0\xE9\0", "Caf\xC3\xA9");
    /* Past the sniff window a U+0000 is still refused. */
    size_t n = 70 * 1024;
    char *buf = malloc(n);
    ck_assert_ptr_nonnull(buf);
    for (size_t i = 0; i < n; i += 2) {
        buf[i] = 'a';
        buf[i + 1] = '\0';
    }
    buf[n - 4] = '\0';
    expect_failure(buf, n, (size_t)1 << 20, KPISCAN_ERR_NOT_TEXT,
                   "cv.txt: not a text document (NUL character at offset "
                   "71676)");
    free(buf);
}
END_TEST

typedef struct invalid_case {
    const char *in;
    const char *want;
} invalid_case;

START_TEST(invalid_utf8_read_as_cp1252)
{
    static const invalid_case cases[] = {
        /* lone continuation bytes */
        {"a\x80z", "a\xE2\x82\xACz"},
        {"a\xBFz", "a\xC2\xBFz"},
        /* overlong two-byte leads C0, C1 */
        {"a\xC0\x80z", "a\xC3\x80\xE2\x82\xACz"},
        {"a\xC1\xBFz", "a\xC3\x81\xC2\xBFz"},
        /* overlong three-byte E0 80 80 */
        {"a\xE0\x80\x80z", "a\xC3\xA0\xE2\x82\xAC\xE2\x82\xACz"},
        /* overlong four-byte F0 80 80 80 */
        {"\xF0\x80\x80\x80", "\xC3\xB0\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC"},
        /* UTF-16 surrogate encoded in UTF-8: ED A0 80 */
        {"a\xED\xA0\x80z", "a\xC3\xAD\xC2\xA0\xE2\x82\xACz"},
        /* beyond U+10FFFF: F4 90 80 80 (0x90 is undefined in cp1252) */
        {"\xF4\x90\x80\x80", "\xC3\xB4\xEF\xBF\xBD\xE2\x82\xAC\xE2\x82\xAC"},
        /* sequences truncated by the end of input */
        {"a\xE2\x82", "a\xC3\xA2\xE2\x80\x9A"},
        {"a\xC3", "a\xC3\x83"},
        {"a\xF0\x9F\x98", "a\xC3\xB0\xC5\xB8\xCB\x9C"},
        /* truncated by the next character */
        {"\xE2\x82z", "\xC3\xA2\xE2\x80\x9Az"},
        {"\xC3 b", "\xC3\x83 b"},
        /* bytes that never occur in UTF-8 */
        {"\xF5\xF8\xFE\xFF", "\xC3\xB5\xC3\xB8\xC3\xBE\xC3\xBF"},
        /* the five undefined cp1252 bytes */
        {"\x81\x8D\x8F\x90\x9D",
         "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        /* a whole cp1252 sentence */
        {"Caf\xE9 \x93quoted\x94 \x96 \x80"
         "5 \x85",
         "Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\x93 "
         "\xE2\x82\xAC"
         "5 \xE2\x80\xA6"},
        /* one stray byte in UTF-8 costs one character, not the rest */
        {"na\xC3\xAFve \x92 caf\xC3\xA9",
         "na\xC3\xAFve \xE2\x80\x99 caf\xC3\xA9"},
        /* punctuation whose middle byte became '?': the bullet, a dash,
         * a quote; one the third byte cannot name is one U+FFFD */
        {"\xE2?\xA2 Led the team", "\xE2\x80\xA2 Led the team"},
        {"2015 \xE2?\x93 2018", "2015 \xE2\x80\x93 2018"},
        {"team\xE2?\x99s", "team\xE2\x80\x99s"},
        {"a\xE2?\xAAz", "a\xEF\xBF\xBDz"},
        /* a real question mark after a stray byte stays */
        {"a\xE2?z", "a\xC3\xA2?z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_decoded(cases[i].in, strlen(cases[i].in), cases[i].want);
}
END_TEST

START_TEST(cp1252_high_half_complete)
{
    /* Every byte 0x80..0xFF alone between letters decodes to one
     * character: U+FFFD for the five undefined ones. */
    static const uint16_t expect_cp[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    };
    for (unsigned b = 0x80; b <= 0xFF; b++) {
        char in[4] = {'x', (char)b, 'y', 0};
        kps_buf want = {NULL, 0, 0};
        ck_assert_int_eq(kps_buf_putc(&want, 'x'), 0);
        uint32_t cp = b < 0xA0 ? expect_cp[b - 0x80] : b;
        ck_assert_int_eq(kps_buf_put_utf8(&want, cp), 0);
        ck_assert_int_eq(kps_buf_putc(&want, 'y'), 0);
        expect_decoded(in, 3, want.data);
        kps_buf_free(&want);
    }
}
END_TEST

START_TEST(line_ends_and_controls)
{
    EXPECT("a\r\nb\rc\nd\r", "a\nb\nc\nd\n");
    EXPECT("a\r\r\nb", "a\n\nb");
    EXPECT("\r\n\r\nx", "\n\nx");
    /* A page break at a line's start is no line: editors and grep -n
     * count lines by LF, and evidence line numbers must agree with them.
     * After text it still ends the line, so the next page's heading
     * stays a heading. */
    EXPECT("end of page\n\n\fnext page", "end of page\n\n next page");
    EXPECT("end\n\f\fnext", "end\n  next");
    EXPECT("\fcover", " cover");
    EXPECT("manager.\fSKILLS", "manager.\nSKILLS");
    EXPECT("tab\tkept", "tab\tkept");
    EXPECT("v\vt", "v t");
    EXPECT("a\x01\x08\x0E\x1B\x1F\x7Fz", "a      z");
    /* C1 controls encoded as valid UTF-8 (NEL, U+0080, U+009F). */
    EXPECT("a\xC2\x85z\xC2\x80\xC2\x9Fw", "a z  w");
    /* A CR right after a stray byte, and a stray byte after CR. */
    EXPECT("\x93\r\nx\r\x94", "\xE2\x80\x9C\nx\n\xE2\x80\x9D");
}
END_TEST

START_TEST(special_byte_found_at_every_position)
{
    /* The fast path checks eight bytes at a time: a byte that needs work
     * must be caught in any lane of the word. */
    static const struct {
        unsigned char byte;
        const char *becomes;
    } specials[] = {
        {0x01, " "},        {0x1F, " "},  {0x7F, " "},
        {'\r', "\n"},       {'\f', "\n"}, {0x93, "\xE2\x80\x9C"},
        {0xFF, "\xC3\xBF"},
    };
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        for (size_t pos = 0; pos < 24; pos++) {
            char in[25], want[32];
            memset(in, 'k', 24);
            in[24] = '\0';
            in[pos] = (char)specials[k].byte;
            /* a form feed opening the text opens no line */
            const char *becomes = specials[k].byte == '\f' && pos == 0
                                      ? " "
                                      : specials[k].becomes;
            size_t blen = strlen(becomes);
            memset(want, 'k', pos);
            memcpy(want + pos, becomes, blen);
            memset(want + pos + blen, 'k', 24 - pos - 1);
            want[pos + blen + 24 - pos - 1] = '\0';
            expect_decoded(in, 24, want);
        }
    }
}
END_TEST

START_TEST(nul_byte_is_not_text)
{
    EXPECT_FAIL("abc\0def", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL byte at offset 3)");
    EXPECT_FAIL("\0", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL byte at offset 0)");
    /* Offsets count the BOM. */
    EXPECT_FAIL("\xEF\xBB\xBFq\0", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL byte at offset 4)");
    /* NUL after the slow path has started (a CR before it). */
    EXPECT_FAIL("a\r\nb\0", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL byte at offset 4)");
    /* Four bytes that could be read as UTF-16 are too little evidence. */
    EXPECT_FAIL("ab\0c", KPISCAN_ERR_NOT_TEXT,
                "cv.txt: not a text document (NUL byte at offset 2)");
}
END_TEST

START_TEST(empty_documents)
{
    EXPECT_FAIL("", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    EXPECT_FAIL(" \t\r\n\f\v \n", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    EXPECT_FAIL("\xEF\xBB\xBF", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    EXPECT_FAIL("\xFF\xFE", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    EXPECT_FAIL("\xFE\xFF\0 \0\n", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    /* NBSP, ideographic space, zero-width space, soft hyphen, BOM. */
    EXPECT_FAIL("\xC2\xA0\xE3\x80\x80\xE2\x80\x8B\xC2\xAD\xEF\xBB\xBF",
                KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    /* Controls turn into spaces, so they count as blank too. */
    EXPECT_FAIL("\x01\x02 ", KPISCAN_ERR_EMPTY, "cv.txt: empty document");
    /* A single visible character is a document. */
    EXPECT("  .  ", "  .  ");
    EXPECT("\xA0x", "\xC2\xA0x");
}
END_TEST

START_TEST(text_limit)
{
    /* Exactly at the limit passes, one byte over fails. */
    expect_failure("0123456789A", 11, 10, KPISCAN_ERR_LIMIT,
                   "cv.txt: text is larger than the limit of 10 bytes "
                   "(max_text_bytes)");
    kps_limits lim = test_limits(10);
    kps_doc doc;
    ck_assert_int_eq(kps_text_decode((const unsigned char *)"0123456789", 10,
                                     "cv.txt", &lim, &doc, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(doc.len, 10);
    kps_doc_free(&doc);
    /* CRLF shrinks: 11 bytes in, 10 out. */
    ck_assert_int_eq(kps_text_decode((const unsigned char *)"0123\r\n45678", 11,
                                     "cv.txt", &lim, &doc, NULL),
                     KPISCAN_OK);
    ck_assert_uint_eq(doc.len, 10);
    kps_doc_free(&doc);
    /* cp1252 grows: four bytes become twelve. */
    expect_failure("\x93\x93\x93\x93", 4, 10, KPISCAN_ERR_LIMIT,
                   "cv.txt: text is larger than the limit of 10 bytes "
                   "(max_text_bytes)");
    /* Mid-character: nine ASCII bytes, then a three-byte character. */
    expect_failure("012345678\x93", 10, 10, KPISCAN_ERR_LIMIT,
                   "cv.txt: text is larger than the limit of 10 bytes "
                   "(max_text_bytes)");
    /* UTF-16: six characters, six bytes out, limit five. */
    expect_failure("\xFF\xFEq\0b\0c\0d\0e\0f\0", 14, 5, KPISCAN_ERR_LIMIT,
                   "cv.txt: text is larger than the limit of 5 bytes "
                   "(max_text_bytes)");
    expect_failure("\xFF\xFE\xE9\0\xE9\0\xE9\0", 8, 5, KPISCAN_ERR_LIMIT,
                   "cv.txt: text is larger than the limit of 5 bytes "
                   "(max_text_bytes)");
}
END_TEST

START_TEST(null_limits_and_error)
{
    kps_doc doc;
    ck_assert_int_eq(
        kps_text_decode((const unsigned char *)"ok", 2, NULL, NULL, &doc, NULL),
        KPISCAN_OK);
    ck_assert_str_eq(doc.text, "ok");
    kps_doc_free(&doc);
    ck_assert_int_eq(kps_text_decode((const unsigned char *)"abc\0def", 7, NULL,
                                     NULL, &doc, NULL),
                     KPISCAN_ERR_NOT_TEXT);
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(kps_text_decode(NULL, 5, "x", NULL, &doc, err),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(
        kps_text_decode((const unsigned char *)"a", 1, "x", NULL, NULL, err),
        KPISCAN_ERR_ARGUMENT);
    /* Without a name the message has no file prefix. */
    ck_assert_int_eq(
        kps_text_decode((const unsigned char *)"", 0, NULL, NULL, &doc, err),
        KPISCAN_ERR_EMPTY);
    ck_assert_str_eq(kpiscan_error_message(err), "empty document");
    kpiscan_error_free(err);
}
END_TEST

/* The eight-byte tests of internal.h against a byte-by-byte reading: every
 * byte value at every position, among fillers of each kind (plain, LF,
 * high bytes, space, DEL, NUL), and two odd bytes in one word. */
static int ref_control_not_lf(const unsigned char *b)
{
    for (int i = 0; i < 8; i++)
        if (b[i] < 0x20 && b[i] != '\n')
            return 1;
    return 0;
}

static int ref_printable_or_lf(const unsigned char *b)
{
    for (int i = 0; i < 8; i++)
        if (!((b[i] >= 0x20 && b[i] < 0x7F) || b[i] == '\n'))
            return 0;
    return 1;
}

static void check_word(const unsigned char *b)
{
    uint64_t w;
    memcpy(&w, b, sizeof w);
    ck_assert_int_eq(kps_swar_control_not_lf(w), ref_control_not_lf(b));
    ck_assert_int_eq(kps_swar_printable_or_lf(w), ref_printable_or_lf(b));
}

START_TEST(swar_tests_match_bytewise)
{
    static const unsigned char fillers[] = {'a',  '\n', 0x80, 0xFF, ' ',
                                            0x7F, 0x00, 0x1F, 0xC3};
    unsigned char b[8];
    for (size_t f = 0; f < sizeof fillers; f++)
        for (int pos = 0; pos < 8; pos++)
            for (int v = 0; v < 256; v++) {
                memset(b, fillers[f], sizeof b);
                b[pos] = (unsigned char)v;
                check_word(b);
                for (int v2 = 0; v2 < 256; v2 += 7) {
                    b[(pos + 3) % 8] = (unsigned char)v2;
                    check_word(b);
                }
            }
}
END_TEST

START_TEST(random_bytes_give_clean_utf8)
{
    /* Whatever comes in (without NUL), what comes out is valid UTF-8
     * free of controls; under the sanitizers, without a stray read. */
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = 1 + (size_t)(round % 97);
        unsigned char *buf = malloc(n);
        ck_assert_ptr_nonnull(buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(seed >> 16);
            /* Bias towards interesting bytes. */
            if (round % 3 == 0 && c < 0x80)
                c = (unsigned char)(0x80 | c);
            buf[i] = c ? c : 'z';
        }
        if (n >= 3 && round % 5 == 0)
            memcpy(buf, "\xEF\xBB\xBF", 3);
        kps_doc doc;
        int rc = kps_text_decode(buf, n, NULL, NULL, &doc, NULL);
        ck_assert(rc == KPISCAN_OK || rc == KPISCAN_ERR_EMPTY ||
                  rc == KPISCAN_ERR_NOT_TEXT);
        if (rc == KPISCAN_OK) {
            check_clean_output(&doc);
            kps_doc_free(&doc);
        }
        free(buf);
    }
}
END_TEST

static Suite *textdecode_suite(void)
{
    Suite *s = suite_create("textdecode");
    TCase *tc = tcase_create("core");
    /* exhaustive checks take seconds, more under ASan on a loaded machine:
     * Check's 4 s wall-clock default is too short */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, plain_utf8_is_copied);
    tcase_add_test(tc, large_clean_text_is_identity);
    tcase_add_test(tc, utf8_bom_is_skipped);
    tcase_add_test(tc, utf16_with_bom);
    tcase_add_test(tc, utf16_surrogates);
    tcase_add_test(tc, utf16_odd_length);
    tcase_add_test(tc, utf16_nul_character);
    tcase_add_test(tc, utf32_with_bom);
    tcase_add_test(tc, utf16_without_bom);
    tcase_add_test(tc, invalid_utf8_read_as_cp1252);
    tcase_add_test(tc, cp1252_high_half_complete);
    tcase_add_test(tc, line_ends_and_controls);
    tcase_add_test(tc, special_byte_found_at_every_position);
    tcase_add_test(tc, nul_byte_is_not_text);
    tcase_add_test(tc, empty_documents);
    tcase_add_test(tc, text_limit);
    tcase_add_test(tc, null_limits_and_error);
    tcase_add_test(tc, random_bytes_give_clean_utf8);
    tcase_add_test(tc, swar_tests_match_bytewise);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(textdecode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
