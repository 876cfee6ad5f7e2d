/* test-sniff.c - format recognition from content (lib/sniff.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Until internal.h declares it (see lib/sniff.c). */

static kps_format sniff_bytes(const char *s, size_t n)
{
    return kps_sniff((const unsigned char *)s, n);
}

#define SNIFF_LIT(lit) sniff_bytes((lit), sizeof(lit) - 1)

/* ------------------------------------------------------------------ */
/* A tiny ZIP writer: stored or "deflated" (garbage bytes, which is all a
 * sniffer may rely on not to inflate) entries, optional central
 * directory. */

typedef struct zip_entry {
    const char *name;
    const char *data;
    unsigned method;     /* 0 stored, 8 pretend-deflated */
    int data_descriptor; /* flag bit 3 with sizes 0 in the local header */
} zip_entry;

typedef struct zip_out {
    unsigned char bytes[8192];
    size_t len;
} zip_out;

static void put16(zip_out *z, unsigned v)
{
    ck_assert_uint_le(z->len + 2, sizeof z->bytes);
    z->bytes[z->len++] = (unsigned char)(v & 0xFF);
    z->bytes[z->len++] = (unsigned char)((v >> 8) & 0xFF);
}

static void put32(zip_out *z, unsigned long v)
{
    put16(z, (unsigned)(v & 0xFFFF));
    put16(z, (unsigned)((v >> 16) & 0xFFFF));
}

static void put_raw(zip_out *z, const void *p, size_t n)
{
    ck_assert_uint_le(z->len + n, sizeof z->bytes);
    memcpy(z->bytes + z->len, p, n);
    z->len += n;
}

enum { WITH_CENTRAL = 1, WITH_COMMENT = 2 };

static void build_zip(zip_out *z, const zip_entry *e, size_t n, int how)
{
    size_t offsets[16];
    ck_assert_uint_le(n, 16);
    z->len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nlen = strlen(e[i].name), dlen = strlen(e[i].data);
        offsets[i] = z->len;
        put_raw(z, "PK\x03\x04", 4);
        put16(z, 20);
        put16(z, e[i].data_descriptor ? 8 : 0);
        put16(z, e[i].method);
        put16(z, 0);
        put16(z, 0);
        put32(z, 0); /* CRC: nobody checks it here */
        put32(z, e[i].data_descriptor ? 0 : dlen);
        put32(z, e[i].data_descriptor ? 0 : dlen);
        put16(z, (unsigned)nlen);
        put16(z, 0);
        put_raw(z, e[i].name, nlen);
        put_raw(z, e[i].data, dlen);
        if (e[i].data_descriptor) {
            put_raw(z, "PK\x07\x08", 4);
            put32(z, 0);
            put32(z, dlen);
            put32(z, dlen);
        }
    }
    if (!(how & WITH_CENTRAL))
        return;
    size_t cd_start = z->len;
    for (size_t i = 0; i < n; i++) {
        size_t nlen = strlen(e[i].name), dlen = strlen(e[i].data);
        put_raw(z, "PK\x01\x02", 4);
        put16(z, 20);
        put16(z, 20);
        put16(z, e[i].data_descriptor ? 8 : 0);
        put16(z, e[i].method);
        put16(z, 0);
        put16(z, 0);
        put32(z, 0);
        put32(z, dlen);
        put32(z, dlen);
        put16(z, (unsigned)nlen);
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put32(z, 0);
        put32(z, offsets[i]);
        put_raw(z, e[i].name, nlen);
    }
    size_t cd_size = z->len - cd_start;
    const char *comment = (how & WITH_COMMENT) ? "made by hand PK\x05\x06" : "";
    put_raw(z, "PK\x05\x06", 4);
    put16(z, 0);
    put16(z, 0);
    put16(z, (unsigned)n);
    put16(z, (unsigned)n);
    put32(z, cd_size);
    put32(z, cd_start);
    put16(z, (unsigned)strlen(comment));
    put_raw(z, comment, strlen(comment));
}

static kps_format sniff_zip(const zip_out *z)
{
    return kps_sniff(z->bytes, z->len);
}

static const char odt_type[] = "application/vnd.oasis.opendocument.text";
static const char docx_ct[] =
    "<?xml version=\"1.0\"?><Types><Override PartName=\"/main.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument."
    "wordprocessingml.document.main+xml\"/></Types>";

static const zip_entry docx_entries[] = {
    {"[Content_Types].xml", "\x8d\x91\xcd\x4e\xc3", 8, 0},
    {"_rels/.rels", "\x8d\xcf\x4b\x0a\xc2", 8, 0},
    {"word/document.xml", "\xa5\x55\xdb\x6e\xdb", 8, 0},
};

static const zip_entry odt_entries[] = {
    {"mimetype", odt_type, 0, 0},
    {"content.xml", "\x8d\x91\xcd\x4e\xc3", 8, 0},
    {"META-INF/manifest.xml", "\x8d\xcf\x4b", 8, 0},
};

/* ------------------------------------------------------------------ */

START_TEST(empty_input_is_text)
{
    ck_assert_int_eq(kps_sniff(NULL, 0), KPS_FORMAT_TEXT);
    ck_assert_int_eq(sniff_bytes("", 0), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(plain_text_variants)
{
    ck_assert_int_eq(SNIFF_LIT("Jane Doe\nSenior Analyst\n"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Caf\xC3\xA9 na\xC3\xAFve"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Caf\xE9 \x93quoted\x94"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("x"), KPS_FORMAT_TEXT);
    /* Word's VT line breaks, page breaks and terminal colours are text. */
    ck_assert_int_eq(SNIFF_LIT("a\vb\vc\fd\x1b[1mbold\x1b[0m and more text"),
                     KPS_FORMAT_TEXT);
    /* Weak two-byte signatures at the start of a sentence. */
    ck_assert_int_eq(SNIFF_LIT("MZ Consulting GmbH, 2019-2023"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("BM Analytics lead"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("BZh9 is not bzip2 without its block magic"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("RIFF analysis, 2021"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("ID3 tagging tool author"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("PK is my initials"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(byte_order_marks_are_text)
{
    ck_assert_int_eq(SNIFF_LIT("\xEF\xBB\xBFHello"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFEH\0i\0"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\xFE\xFF\0H\0i"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFE\0\0H\0\0\0"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\0\0\xFE\xFF\0\0\0H"), KPS_FORMAT_TEXT);
    /* Even a BOM alone. */
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFE"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(bomless_utf16_is_text)
{
    ck_assert_int_eq(SNIFF_LIT("J\0a\0n\0e\0 \0D\0o\0e\0\r\0\n\0"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\0J\0a\0n\0e\0 \0D\0o\0e\0\r\0\n"),
                     KPS_FORMAT_TEXT);
    /* Latin-1 letters count as text too. */
    ck_assert_int_eq(SNIFF_LIT("C\0a\0f\0\xE9\0"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(utf16_guess_direct)
{
    const unsigned char le[] = "K\0P\0I\0s\0";
    const unsigned char be[] = "\0K\0P\0I\0s";
    ck_assert_int_eq(kps_utf16_guess(le, 8), KPS_UTF16_LE);
    ck_assert_int_eq(kps_utf16_guess(be, 8), KPS_UTF16_BE);
    /* Odd length: the last byte is ignored. */
    ck_assert_int_eq(kps_utf16_guess(le, 7), KPS_UTF16_LE);
    ck_assert_int_eq(kps_utf16_guess(le, 0), KPS_UTF16_NONE);
    ck_assert_int_eq(kps_utf16_guess(le, 1), KPS_UTF16_NONE);
    /* A U+0000 unit is binary. */
    ck_assert_int_eq(kps_utf16_guess((const unsigned char *)"A\0\0\0B\0", 6),
                     KPS_UTF16_NONE);
    /* A stray NUL in 8-bit text is not UTF-16. */
    ck_assert_int_eq(kps_utf16_guess((const unsigned char *)"ab\0c", 4),
                     KPS_UTF16_NONE);
    ck_assert_int_eq(kps_utf16_guess((const unsigned char *)"abc\0def", 7),
                     KPS_UTF16_NONE);
    /* Alternating NULs next to control bytes: not text. */
    ck_assert_int_eq(
        kps_utf16_guess((const unsigned char *)"\x01\0\x02\0\x03\0A\0", 8),
        KPS_UTF16_NONE);
    /* Too many units with a zero low byte (U+0100, U+0200, ...) next to
     * the "text" ones: not UTF-16 text. */
    unsigned char mixed[80];
    for (size_t i = 0; i < 40; i++) {
        mixed[2 * i] = i % 8 == 0 ? 0 : 'a';
        mixed[2 * i + 1] = i % 8 == 0 ? 1 : 0;
    }
    ck_assert_int_eq(kps_utf16_guess(mixed, sizeof mixed), KPS_UTF16_NONE);
}
END_TEST

START_TEST(nul_bytes_are_binary)
{
    ck_assert_int_eq(SNIFF_LIT("abc\0def"), KPS_FORMAT_BINARY);
    ck_assert_int_eq(SNIFF_LIT("\0"), KPS_FORMAT_BINARY);
    ck_assert_int_eq(SNIFF_LIT("MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0"),
                     KPS_FORMAT_BINARY);
    ck_assert_int_eq(SNIFF_LIT("BM\x36\x10\0\0\0\0\0\0\x36\0\0\0"),
                     KPS_FORMAT_BINARY);
}
END_TEST

START_TEST(nul_past_window_is_left_to_decoder)
{
    size_t n = 70 * 1024;
    char *buf = malloc(n);
    ck_assert_ptr_nonnull(buf);
    memset(buf, 'a', n);
    buf[n - 10] = '\0';
    ck_assert_int_eq(sniff_bytes(buf, n), KPS_FORMAT_TEXT);
    buf[100] = '\0';
    ck_assert_int_eq(sniff_bytes(buf, n), KPS_FORMAT_BINARY);
    free(buf);
}
END_TEST

START_TEST(control_heavy_data_is_binary)
{
    ck_assert_int_eq(SNIFF_LIT("\x01\x02\x03\x04\x05\x06\x07\x08"
                               "abcdefgh\x10\x11\x12\x13"),
                     KPS_FORMAT_BINARY);
    /* One stray control in a page of text is still text. */
    ck_assert_int_eq(SNIFF_LIT("Results-driven analyst\x01 with KPI focus"),
                     KPS_FORMAT_TEXT);
    /* Short inputs are not judged by this rule. */
    ck_assert_int_eq(SNIFF_LIT("\x01\x02\x03"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(pdf_header)
{
    ck_assert_int_eq(SNIFF_LIT("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"),
                     KPS_FORMAT_PDF);
    ck_assert_int_eq(SNIFF_LIT("%PDF-"), KPS_FORMAT_PDF);
    char buf[1200];
    memset(buf, 'x', sizeof buf);
    memcpy(buf + 900, "%PDF-1.4", 8);
    ck_assert_int_eq(sniff_bytes(buf, sizeof buf), KPS_FORMAT_PDF);
    /* Version 2.0 is a version too. */
    memcpy(buf + 900, "%PDF-2.0", 8);
    ck_assert_int_eq(sniff_bytes(buf, sizeof buf), KPS_FORMAT_PDF);
    /* Header truncated right after the marker. */
    ck_assert_int_eq(sniff_bytes(buf, 906), KPS_FORMAT_TEXT);
    /* Beyond the first kilobyte it is just text. */
    memset(buf, 'x', sizeof buf);
    memcpy(buf + 1100, "%PDF-1.4", 8);
    ck_assert_int_eq(sniff_bytes(buf, sizeof buf), KPS_FORMAT_TEXT);
    /* A resume that mentions the marker without a version. */
    ck_assert_int_eq(SNIFF_LIT("Skills: %PDF- parsing, XML"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Skills: %PDF-x.y parsing"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(rtf_header)
{
    ck_assert_int_eq(SNIFF_LIT("{\\rtf1\\ansi\\deff0 Hello}"), KPS_FORMAT_RTF);
    ck_assert_int_eq(SNIFF_LIT("\xEF\xBB\xBF{\\rtf1 Hello}"), KPS_FORMAT_RTF);
    ck_assert_int_eq(SNIFF_LIT("\r\n  {\\rtf1 Hello}"), KPS_FORMAT_RTF);
    ck_assert_int_eq(SNIFF_LIT("{\\rt"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("{ \"rtf\": 1 }"), KPS_FORMAT_TEXT);
}
END_TEST

/* A page by its first markup; a text resume that shows a tag later on, or
 * starts with something that merely looks like one, stays text. */
START_TEST(html_pages)
{
    ck_assert_int_eq(SNIFF_LIT("<!DOCTYPE html>\n<html><body>KPIs"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<!doctype HTML PUBLIC \"-//W3C//DTD\">"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("  \r\n<HTML lang=en><p>KPIs"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<html>"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<head><title>CV</title>"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<body>\nJane"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<meta charset=utf-8><p>Jane"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("\xEF\xBB\xBF<html><body>na\xC3\xAFve"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<?xml version=\"1.0\"?>\n<!-- saved from "
                               "url -->\n<html xmlns=\"x\">"),
                     KPS_FORMAT_HTML);
    /* Windows-1252 bytes in the page do not make it text */
    ck_assert_int_eq(SNIFF_LIT("<html><body>Caf\xE9 \x96 2015"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("Jane Doe\n<html> and CSS skills"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<htmlx>"), KPS_FORMAT_TEXT);
    /* UTF-16 with a byte order mark, either order */
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFE<\0h\0t\0m\0l\0>\0"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("\xFE\xFF\0<\0b\0o\0d\0y\0>"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFEJ\0a\0n\0e\0"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("\xFF\xFE<\x04h\0t\0m\0l\0>\0"),
                     KPS_FORMAT_TEXT);
    /* a fragment is a page too: a browser hides its display:none */
    ck_assert_int_eq(SNIFF_LIT("<b>Jane</b>"), KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<div><p style=\"display:none\">KPIs</p>"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<style>.x{display:none}</style><p>Jane"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<link rel=stylesheet href=a.css><p>Jane"),
                     KPS_FORMAT_HTML);
    /* text holding two tags of HTML elements further in */
    ck_assert_int_eq(SNIFF_LIT("Jane Doe\nChef\n<span style=\"display:none\">"
                               "KPIs</span>\n"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("Jane Doe\n<Responsibility> and <Team>\n"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Jane Doe\n<script>alert(1)</script>\n"),
                     KPS_FORMAT_TEXT);
    /* a developer's resume that names tags stays text: no closing tag,
     * or an element whose raw text would swallow the rest never closed */
    ck_assert_int_eq(SNIFF_LIT("Semantic HTML (<section>, <article>), CSS in "
                               "<style> blocks.\nEXPERIENCE\n"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Jane\n<b>Bold</b> and <style> blocks\n"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("Jane\n<style>.h{display:none}</style>"
                               "<p class=h>KPIs</p>\n"),
                     KPS_FORMAT_HTML);
    ck_assert_int_eq(SNIFF_LIT("<html"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<!-- never closed <html>"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<?xml version=\"1.0\"?><w:document>"),
                     KPS_FORMAT_TEXT);
    /* blank lines and comments before the first tag are passed over
     * whatever their length; text is not */
    char late[9000];
    memset(late, '\n', sizeof late);
    memcpy(late + 8000, "<p>", 3);
    ck_assert_int_eq(sniff_bytes(late, 8003), KPS_FORMAT_HTML);
    memset(late, '-', sizeof late);
    memcpy(late, "<!--", 4);
    memcpy(late + 7000, "--><!DOCTYPE html>", 18);
    ck_assert_int_eq(sniff_bytes(late, 7018), KPS_FORMAT_HTML);
    memset(late, 'x', sizeof late);
    memcpy(late + 4500, "<html>", 6);
    ck_assert_int_eq(sniff_bytes(late, 4506), KPS_FORMAT_TEXT);
}
END_TEST

/* Word and OpenDocument saved as one XML file are named, not read as
 * text; other XML stays text. */
START_TEST(office_xml_files)
{
    ck_assert_int_eq(
        SNIFF_LIT("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<office:document xmlns:office=\"urn:oasis:names:tc:"
                  "opendocument:xmlns:office:1.0\" office:version=\"1.3\">"),
        KPS_FORMAT_FLAT_ODF);
    ck_assert_int_eq(
        SNIFF_LIT("\xEF\xBB\xBF<!-- x --><o:document xmlns:o=\"urn:oasis:"
                  "names:tc:opendocument:xmlns:office:1.0\">"),
        KPS_FORMAT_FLAT_ODF);
    ck_assert_int_eq(
        SNIFF_LIT("<?xml version=\"1.0\"?>\n<?mso-application "
                  "progid=\"Word.Document\"?>\n<w:wordDocument xmlns:w=\"x\">"),
        KPS_FORMAT_WORD_XML);
    ck_assert_int_eq(
        SNIFF_LIT("<?xml version=\"1.0\"?><pkg:package xmlns:pkg=\"http://"
                  "schemas.microsoft.com/office/2006/xmlPackage\">"),
        KPS_FORMAT_WORD_XML);
    /* a document element without the ODF namespace, a package of another
     * kind, any other XML: text */
    ck_assert_int_eq(SNIFF_LIT("<?xml version=\"1.0\"?><document>CV"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<?xml version=\"1.0\"?><package>x"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<?xml version=\"1.0\"?><resume><name>Jo"),
                     KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("<?xml never closed"), KPS_FORMAT_TEXT);
    ck_assert_str_eq(kps_format_name(KPS_FORMAT_FLAT_ODF), "fodt");
    ck_assert_str_eq(kps_format_name(KPS_FORMAT_WORD_XML), "wordxml");
    ck_assert_ptr_nonnull(
        strstr(kps_format_description(KPS_FORMAT_FLAT_ODF), "save it as .odt"));
    ck_assert_ptr_nonnull(strstr(kps_format_description(KPS_FORMAT_WORD_XML),
                                 "save it as .docx"));
}
END_TEST

START_TEST(ole_header)
{
    ck_assert_int_eq(SNIFF_LIT("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0"),
                     KPS_FORMAT_OLE);
    ck_assert_int_eq(SNIFF_LIT("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
                     KPS_FORMAT_OLE);
    ck_assert_int_ne(SNIFF_LIT("\xD0\xCF\x11\xE0\xA1\xB1\x1A"), KPS_FORMAT_OLE);
}
END_TEST

typedef struct binary_sample {
    const char *bytes;
    size_t len;
} binary_sample;

/* clang-format off */
#define SAMPLE(s) {(s), sizeof(s) - 1}
/* clang-format on */

START_TEST(binary_magics)
{
    /* Mostly followed by text without NUL, so the magic alone decides. */
    static const binary_sample samples[] = {
        SAMPLE("\x89PNG\r\n\x1a\nIHDR image data"),
        SAMPLE("\xFF\xD8\xFF\xE0JFIF image data"),
        SAMPLE("GIF87a image data"),
        SAMPLE("GIF89a image data"),
        SAMPLE("\177ELF\x02\x01\x01 program"),
        SAMPLE("\x1F\x8B\x08 compressed"),
        SAMPLE("\3757zXZ\0 compressed"),
        SAMPLE("7z\xBC\xAF\x27\x1C archive"),
        SAMPLE("Rar!\x1A\x07\x01 archive"),
        SAMPLE("\x28\xB5\x2F\xFD compressed"),
        SAMPLE("\xFE\xED\xFA\xCE program"),
        SAMPLE("\xFE\xED\xFA\xCF program"),
        SAMPLE("\xCE\xFA\xED\xFE program"),
        SAMPLE("\xCF\xFA\xED\xFE program"),
        SAMPLE("\xCA\xFE\xBA\xBE class file"),
        SAMPLE("II*\0 tiff"),
        SAMPLE("MM\0* tiff"),
        SAMPLE("SQLite format 3\0 database"),
        SAMPLE("OggS audio data"),
        SAMPLE("fLaC audio data"),
        SAMPLE("\0\0\1\0 icon"),
        SAMPLE("\0asm module"),
        SAMPLE("abcdftypisom video data"),
        SAMPLE("BZh91AY&SY compressed"),
        SAMPLE("RIFFabcdWEBPVP8 image"),
        SAMPLE("RIFFabcdWAVEfmt audio"),
        SAMPLE("RIFFabcdAVI LIST video"),
        SAMPLE("ID3\x04\x01 audio tags"),
        SAMPLE("ID3\x02\x0F audio tags"),
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        ck_assert_msg(sniff_bytes(samples[i].bytes, samples[i].len) ==
                          KPS_FORMAT_BINARY,
                      "sample %zu not binary", i);
    }
    /* Near misses. */
    ck_assert_int_eq(SNIFF_LIT("ID3\x05\x01 tags"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("ID3\x03\x20 tags"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("BZh0 1AY&SY"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("RIFFabcdTEXT"), KPS_FORMAT_TEXT);
    ck_assert_int_eq(SNIFF_LIT("GIF8"), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(zip_docx)
{
    zip_out z;
    build_zip(&z, docx_entries, 3, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
    /* Local headers alone (no central directory) are enough. */
    build_zip(&z, docx_entries, 3, 0);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
    /* An archive comment between the directory and the end. */
    build_zip(&z, docx_entries, 3, WITH_CENTRAL | WITH_COMMENT);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
}
END_TEST

START_TEST(zip_docx_names_case_insensitive)
{
    static const zip_entry e[] = {
        {"[content_types].XML", "\x01\x02", 8, 0},
        {"Word/Document.xml", "\x01\x02", 8, 0},
    };
    zip_out z;
    build_zip(&z, e, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
}
END_TEST

START_TEST(zip_docx_by_stored_content_types)
{
    /* The main part lives outside word/, but a stored [Content_Types].xml
     * says it is a Word document. */
    static const zip_entry e[] = {
        {"[Content_Types].xml", docx_ct, 0, 0},
        {"main.xml", "\x01\x02", 8, 0},
    };
    zip_out z;
    build_zip(&z, e, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
    build_zip(&z, e, 2, 0);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
}
END_TEST

/* Of two stored [Content_Types].xml (the first stale, naming no Word
 * part), the one that names a Word main part still says DOCX: each entry's
 * own data is asked, only the search through the file is done once. */
START_TEST(zip_docx_by_second_content_types)
{
    static const zip_entry e[] = {
        {"[Content_Types].xml", "<Types/>", 0, 0},
        {"[Content_Types].xml", docx_ct, 0, 0},
        {"main.xml", "\x01\x02", 8, 0},
    };
    static const zip_entry stale[] = {
        {"[Content_Types].xml", "<Types/>", 0, 0},
        {"main.xml", "\x01\x02", 8, 0},
        {"notes.txt", docx_ct, 0, 0}, /* the words, but not in the part */
    };
    zip_out z;
    for (int how = 0; how <= WITH_CENTRAL; how += WITH_CENTRAL) {
        build_zip(&z, e, 3, how);
        ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
        build_zip(&z, stale, 3, how);
        ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    }
}
END_TEST

START_TEST(zip_other_ooxml_is_zip)
{
    static const zip_entry xlsx[] = {
        {"[Content_Types].xml", "\x01\x02", 8, 0},
        {"xl/workbook.xml", "\x01\x02", 8, 0},
    };
    static const zip_entry word_only[] = {
        {"word/document.xml", "\x01\x02", 8, 0},
    };
    static const zip_entry bare_dir[] = {
        {"[Content_Types].xml", "\x01\x02", 8, 0},
        {"word/", "", 0, 0}, /* "word/" alone names no part */
    };
    zip_out z;
    build_zip(&z, xlsx, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, word_only, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, bare_dir, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
}
END_TEST

START_TEST(zip_odt)
{
    zip_out z;
    build_zip(&z, odt_entries, 3, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);
    build_zip(&z, odt_entries, 1, 0);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);
}
END_TEST

START_TEST(zip_odt_mimetype_not_first)
{
    static const zip_entry e[] = {
        {"content.xml", "\x01\x02", 8, 0},
        {"mimetype", odt_type, 0, 0},
    };
    zip_out z;
    build_zip(&z, e, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);
    build_zip(&z, e, 2, 0);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);
}
END_TEST

START_TEST(zip_odt_with_data_descriptor)
{
    static const zip_entry e[] = {
        {"mimetype", odt_type, 0, 1},
        {"content.xml", "\x01\x02", 8, 1},
    };
    zip_out z;
    build_zip(&z, e, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);
    /* Sizes unknown and the text goes on: a template, not a text. */
    static const zip_entry ott[] = {
        {"mimetype", "application/vnd.oasis.opendocument.text-template", 0, 1},
    };
    build_zip(&z, ott, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
}
END_TEST

START_TEST(zip_other_odf_is_zip)
{
    static const zip_entry ods[] = {
        {"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0, 0},
    };
    static const zip_entry ott[] = {
        {"mimetype", "application/vnd.oasis.opendocument.text-template", 0, 0},
    };
    static const zip_entry deflated[] = {
        {"mimetype", odt_type, 8, 0},
    };
    static const zip_entry short_type[] = {
        {"mimetype", "application/vnd.oasis", 0, 0},
    };
    zip_out z;
    build_zip(&z, ods, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, ott, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, deflated, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, short_type, 1, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
}
END_TEST

START_TEST(zip_plain_and_empty)
{
    static const zip_entry e[] = {
        {"resume.txt", "Jane Doe", 0, 0},
        {"photo.jpg", "\xFF\xD8\xFF", 8, 0},
    };
    zip_out z;
    build_zip(&z, e, 2, WITH_CENTRAL);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    build_zip(&z, e, 0, WITH_CENTRAL); /* just the end record */
    ck_assert_int_eq(z.len, 22);
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ZIP);
    ck_assert_int_eq(SNIFF_LIT("PK\x03\x04"), KPS_FORMAT_ZIP);
}
END_TEST

START_TEST(zip_split_marker)
{
    zip_out z;
    build_zip(&z, docx_entries, 3, 0);
    unsigned char buf[sizeof z.bytes + 4];
    memcpy(buf, "PK\x07\x08", 4);
    memcpy(buf + 4, z.bytes, z.len);
    ck_assert_int_eq(kps_sniff(buf, z.len + 4), KPS_FORMAT_DOCX);
    ck_assert_int_eq(kps_sniff(buf, 6), KPS_FORMAT_TEXT);
}
END_TEST

START_TEST(zip_damaged_central_directory)
{
    zip_out z;
    build_zip(&z, docx_entries, 3, WITH_CENTRAL);
    size_t end = z.len - 22;
    /* Directory offset past the end record: the local scan takes over. */
    z.bytes[end + 16] = 0xFF;
    z.bytes[end + 17] = 0xFF;
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);

    /* A name length that runs past the directory. */
    build_zip(&z, docx_entries, 3, WITH_CENTRAL);
    size_t cd = z.bytes[end + 16] | (size_t)z.bytes[end + 17] << 8;
    z.bytes[cd + 28] = 0xFF;
    z.bytes[cd + 29] = 0xFF;
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);

    /* A central entry whose local offset points past the data. */
    build_zip(&z, odt_entries, 1, WITH_CENTRAL);
    end = z.len - 22;
    cd = z.bytes[end + 16] | (size_t)z.bytes[end + 17] << 8;
    memset(z.bytes + cd + 42, 0xFF, 4);
    /* The first local header still says ODT. */
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_ODT);

    /* A comment length longer than what is left: no end record found. */
    build_zip(&z, docx_entries, 3, WITH_CENTRAL);
    z.bytes[z.len - 2] = 0x10;
    ck_assert_int_eq(sniff_zip(&z), KPS_FORMAT_DOCX);
}
END_TEST

START_TEST(zip_every_truncation_is_safe)
{
    /* Under AddressSanitizer this proves no read past the buffer; each
     * length is copied to an exact-size heap block. */
    const zip_entry *sets[] = {docx_entries, odt_entries};
    size_t counts[] = {3, 3};
    for (size_t s = 0; s < 2; s++) {
        zip_out z;
        build_zip(&z, sets[s], counts[s], WITH_CENTRAL | WITH_COMMENT);
        for (size_t n = 0; n <= z.len; n++) {
            unsigned char *copy = malloc(n ? n : 1);
            ck_assert_ptr_nonnull(copy);
            memcpy(copy, z.bytes, n);
            kps_format f = kps_sniff(copy, n);
            ck_assert(f == KPS_FORMAT_TEXT || f == KPS_FORMAT_ZIP ||
                      f == KPS_FORMAT_DOCX || f == KPS_FORMAT_ODT ||
                      f == KPS_FORMAT_BINARY);
            if (n >= 4)
                ck_assert(f == KPS_FORMAT_ZIP || f == KPS_FORMAT_DOCX ||
                          f == KPS_FORMAT_ODT);
            free(copy);
        }
    }
}
END_TEST

START_TEST(zip_truncated_keeps_its_kind)
{
    zip_out z;
    build_zip(&z, docx_entries, 3, WITH_CENTRAL);
    /* Cut inside the central directory: the local headers remain. */
    ck_assert_int_eq(kps_sniff(z.bytes, z.len - 30), KPS_FORMAT_DOCX);
    build_zip(&z, odt_entries, 3, WITH_CENTRAL);
    ck_assert_int_eq(kps_sniff(z.bytes, 30 + 8 + sizeof odt_type - 1),
                     KPS_FORMAT_ODT);
    ck_assert_int_eq(kps_sniff(z.bytes, 30 + 8 + sizeof odt_type - 2),
                     KPS_FORMAT_ZIP);
}
END_TEST

START_TEST(format_names)
{
    static const struct {
        kps_format f;
        const char *name;
    } names[] = {
        {KPS_FORMAT_UNKNOWN, "unknown"}, {KPS_FORMAT_TEXT, "text"},
        {KPS_FORMAT_DOCX, "docx"},       {KPS_FORMAT_ODT, "odt"},
        {KPS_FORMAT_ZIP, "zip"},         {KPS_FORMAT_PDF, "pdf"},
        {KPS_FORMAT_RTF, "rtf"},         {KPS_FORMAT_OLE, "ole"},
        {KPS_FORMAT_BINARY, "binary"},   {KPS_FORMAT_HTML, "html"},
        {KPS_FORMAT_DOC, "doc"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ck_assert_str_eq(kps_format_name(names[i].f), names[i].name);
        ck_assert_ptr_nonnull(kps_format_description(names[i].f));
        ck_assert_int_gt(strlen(kps_format_description(names[i].f)), 0);
    }
    ck_assert_str_eq(kps_format_name((kps_format)99), "unknown");
    ck_assert_str_eq(kps_format_description((kps_format)99), "unknown format");
    ck_assert_str_eq(kps_format_description(KPS_FORMAT_PDF), "PDF document");
    ck_assert_ptr_nonnull(
        strstr(kps_format_description(KPS_FORMAT_OLE), "legacy .doc"));
}
END_TEST

static Suite *sniff_suite(void)
{
    Suite *s = suite_create("sniff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, empty_input_is_text);
    tcase_add_test(tc, plain_text_variants);
    tcase_add_test(tc, byte_order_marks_are_text);
    tcase_add_test(tc, bomless_utf16_is_text);
    tcase_add_test(tc, utf16_guess_direct);
    tcase_add_test(tc, nul_bytes_are_binary);
    tcase_add_test(tc, nul_past_window_is_left_to_decoder);
    tcase_add_test(tc, control_heavy_data_is_binary);
    tcase_add_test(tc, pdf_header);
    tcase_add_test(tc, rtf_header);
    tcase_add_test(tc, html_pages);
    tcase_add_test(tc, office_xml_files);
    tcase_add_test(tc, ole_header);
    tcase_add_test(tc, binary_magics);
    tcase_add_test(tc, zip_docx);
    tcase_add_test(tc, zip_docx_names_case_insensitive);
    tcase_add_test(tc, zip_docx_by_stored_content_types);
    tcase_add_test(tc, zip_docx_by_second_content_types);
    tcase_add_test(tc, zip_other_ooxml_is_zip);
    tcase_add_test(tc, zip_odt);
    tcase_add_test(tc, zip_odt_mimetype_not_first);
    tcase_add_test(tc, zip_odt_with_data_descriptor);
    tcase_add_test(tc, zip_other_odf_is_zip);
    tcase_add_test(tc, zip_plain_and_empty);
    tcase_add_test(tc, zip_split_marker);
    tcase_add_test(tc, zip_damaged_central_directory);
    tcase_add_test(tc, zip_every_truncation_is_safe);
    tcase_add_test(tc, zip_truncated_keeps_its_kind);
    tcase_add_test(tc, format_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sniff_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
