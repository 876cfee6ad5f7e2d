/*
 * test-worddoc.c - the Word 97-2003 reader (lib/input/worddoc.c): the text
 * in Word's order, tables, fields and notes, hidden text (direct and by
 * style), 8-bit and mixed pieces, streams in the mini stream, the saved
 * date, refusals and damaged files, and a .doc through the public API.
 *
 * The documents are in tests/data/doc: invented resumes that LibreOffice
 * saved as .doc (make-doc-fixtures.py there says how, and makes the 8-bit
 * and mixed-piece copies LibreOffice never writes).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

/* The fixture tests/data/doc/name, read whole. */
static unsigned char *fixture(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/doc/%s", name);
    FILE *f = fopen(src_path(rel), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", rel);
    unsigned char *buf = malloc(1 << 20);
    ck_assert(buf != NULL);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    ck_assert_uint_gt(*len, 0);
    return buf;
}

static int extract(const unsigned char *data, size_t len, kps_doc *doc,
                   kpiscan_error *err)
{
    kps_limits lim;
    kps_limits_default(&lim);
    return kps_worddoc_extract(data, len, "cv.doc", &lim, doc, err);
}

/* The text of a fixture; it must be valid UTF-8 with no control byte
 * other than TAB and LF, as every later stage assumes. */
static void extract_ok(const char *name, kps_doc *doc)
{
    size_t len;
    unsigned char *data = fixture(name, &len);
    kpiscan_error *err = kpiscan_error_new();
    int rc = extract(data, len, doc, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s: %d %s", name, rc,
                  kpiscan_error_message(err));
    ck_assert_int_eq(doc->format, KPS_FORMAT_DOC);
    ck_assert_uint_eq(strlen(doc->text), doc->len);
    ck_assert_uint_eq(
        kps_utf8_valid_prefix((const unsigned char *)doc->text, doc->len),
        doc->len);
    for (size_t i = 0; i < doc->len; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        ck_assert_msg(c >= 0x20 || c == '\t' || c == '\n',
                      "control byte %02x at %zu", c, i);
    }
    kpiscan_error_free(err);
    free(data);
}

static int has(const kps_doc *doc, const char *s)
{
    return strstr(doc->text, s) != NULL;
}

/* 1 when every byte of phrase (found in the text) is in a hidden range, 0
 * when none is. */
static int phrase_hidden(const kps_doc *doc, const char *phrase)
{
    const char *at = strstr(doc->text, phrase);
    ck_assert_msg(at != NULL, "'%s' not in the text", phrase);
    size_t start = (size_t)(at - doc->text), end = start + strlen(phrase);
    size_t covered = 0;
    for (size_t i = 0; i < doc->nhidden; i++) {
        size_t a = doc->hidden[i].start > start ? doc->hidden[i].start : start;
        size_t b = doc->hidden[i].end < end ? doc->hidden[i].end : end;
        if (b > a)
            covered += b - a;
    }
    ck_assert_msg(covered == 0 || covered == end - start, "'%s' partly hidden",
                  phrase);
    return covered != 0;
}

static const char PLAIN_TEXT[] =
    "Corwin Adelstrand\n"
    "Senior Operations Analyst \xe2\x80\xa2 Z\xc3\xbcrich, Switzerland\n"
    "corwin.adelstrand@example.com | +1 555 0142\n"
    "\xe2\x80\x9c"
    "Calm under pressure\xe2\x80\x9d \xe2\x80\x94 a results-minded analyst who"
    "\xe2\x80\x99s worked across logistics, retail and public transit.\n"
    "Experience\n"
    "Lead Operations Analyst, Brightwater Freight AG \xe2\x80\x94 "
    "Z\xc3\xbcrich\n"
    "Apr 2021 \xe2\x80\x93 Present\n"
    "Developed and tracked KPIs that improved team performance by 25%\n"
    "Rebuilt the weekly capacity forecast used by 14 depots\n"
    "Operations Analyst, Nordlicht Retail GmbH \xe2\x80\x94 "
    "\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 office\n"
    "Jan 2018 \xe2\x80\x93 Mar 2021\n"
    "Cut stock-out incidents by a third with a \xe2\x80\x98reorder "
    "early\xe2\x80\x99 rule\n"
    "Trained 9 colleagues on SQL and spreadsheet modelling\n"
    "Junior Data Analyst, Harbourline Transit Authority\n"
    "Sep 2015 \xe2\x80\x93 Dec 2017\n"
    "Automated monthly ridership reports (saved ~6 hours per month)\n"
    "Education\n"
    "MSc Operations Research, Technische Hochschule Z\xc3\xbcrich, 2015\n"
    "BSc Mathematics, University of Eastmoor, 2013\n"
    "Skills\n"
    "SQL, Python, Excel, Power BI\n"
    "Languages: English, German, Russian "
    "(\xd1\x80\xd1\x83\xd1\x81\xd1\x81\xd0\xba\xd0\xb8\xd0\xb9)\n";

START_TEST(text_through_the_pieces)
{
    kps_doc doc;
    /* one UTF-16 piece, as LibreOffice and Word write it */
    extract_ok("plain.doc", &doc);
    ck_assert_str_eq(doc.text, PLAIN_TEXT);
    ck_assert_uint_eq(doc.nhidden, 0);
    /* the summary properties' last-saved date */
    ck_assert_int_eq(doc.modified_year, 2020);
    ck_assert_int_eq(doc.modified_month, 1);
    ck_assert_int_eq(doc.modified_day, 1);
    kps_doc_free(&doc);
    /* the same text in five pieces, 8-bit (Windows-1252) where it fits
     * and UTF-16 around the Cyrillic words */
    extract_ok("mixed.doc", &doc);
    ck_assert_str_eq(doc.text, PLAIN_TEXT);
    kps_doc_free(&doc);
    /* both streams small enough for the mini stream */
    extract_ok("mini.doc", &doc);
    ck_assert(has(&doc, "Lead Operations Analyst, Brightwater Freight AG, Jan "
                        "2018 - Mar 2021\nDeveloped and tracked KPIs"));
    kps_doc_free(&doc);
}
END_TEST

START_TEST(tables_fields_and_notes)
{
    kps_doc doc;
    /* a row of short cells is one line, its cells a tab apart */
    extract_ok("table.doc", &doc);
    ck_assert(has(&doc, "\n2021 \xe2\x80\x93 Present\tLead Operations Analyst, "
                        "Brightwater Freight AG\nDeveloped and tracked KPIs"));
    ck_assert(has(&doc, "\n2015 \xe2\x80\x93 2019\tData Analyst, Harbourline "
                        "Transit Authority\nAutomated monthly ridership "
                        "reports\nEarlier roles"));
    kps_doc_free(&doc);
    /* a field shows its result, never its code; a footnote follows the
     * body; a tracked deletion is left out */
    extract_ok("fields.doc", &doc);
    ck_assert(has(&doc, "Email: corwin.adelstrand@example.com | Phone"));
    ck_assert(!has(&doc, "HYPERLINK"));
    ck_assert(!has(&doc, "mailto"));
    ck_assert(!has(&doc, "deleted KPI words"));
    const char *note = strstr(doc.text, "Figures audited by the regional "
                                        "finance team.");
    const char *skills = strstr(doc.text, "SQL, Python, Excel");
    ck_assert(note && skills && note > skills);
    kps_doc_free(&doc);
}
END_TEST

START_TEST(hidden_text)
{
    kps_doc doc;
    /* vanished and 1 pt text is hidden; the text around it is not */
    extract_ok("hidden.doc", &doc);
    ck_assert(phrase_hidden(&doc, "Built executive KPI dashboards"));
    ck_assert(phrase_hidden(&doc, "balanced scorecard"));
    ck_assert(!phrase_hidden(&doc, " Visible text resumes here."));
    ck_assert(!phrase_hidden(&doc, " End of tiny-run line."));
    /* white text on the page is hidden, and so is near-white; in a
     * dark shaded table cell it is seen */
    ck_assert(phrase_hidden(&doc, "strategic KPI alignment"));
    ck_assert(phrase_hidden(&doc, "cross-functional KPI reviews"));
    ck_assert(!phrase_hidden(&doc, "Team lead"));
    ck_assert(!phrase_hidden(&doc, "Eight planners across three depots"));
    kps_doc_free(&doc);
    /* the same in 8-bit pieces */
    extract_ok("hidden_compressed.doc", &doc);
    ck_assert(phrase_hidden(&doc, "Built executive KPI dashboards"));
    ck_assert(phrase_hidden(&doc, "balanced scorecard"));
    ck_assert(!phrase_hidden(&doc, " Visible text resumes here."));
    kps_doc_free(&doc);
    /* on a plain white page, white and near-white text is hidden */
    extract_ok("white.doc", &doc);
    ck_assert(phrase_hidden(&doc, "strategic KPI alignment"));
    ck_assert(phrase_hidden(&doc, "cross-functional KPI reviews"));
    ck_assert(!phrase_hidden(&doc, " End of white-run line."));
    ck_assert(!phrase_hidden(&doc, "Partnered with finance on budgets. "));
    kps_doc_free(&doc);
}
END_TEST

/* LibreOffice writes a style's formatting in the style sheet only: the
 * runs name the style and say nothing else. */
START_TEST(styles_hide_text)
{
    kps_doc doc;
    extract_ok("styles.doc", &doc);
    ck_assert(phrase_hidden(&doc, "Owned KPI governance")); /* character */
    ck_assert(phrase_hidden(&doc, "Advanced performance management")); /* a
                                                       paragraph style */
    ck_assert(phrase_hidden(&doc, "Executive communication")); /* white */
    ck_assert(!phrase_hidden(&doc, " Visible text after the styled run."));
    ck_assert(!phrase_hidden(&doc, "Cut stock-out incidents by a third"));
    kps_doc_free(&doc);
}
END_TEST

/* Crafted files (tests/data/doc/crafted, make-crafted.py there): each
 * hides the sentence as LibreOffice's PDF export shows it, by a piece
 * modifier (Prm1 at any index, Prm0), white on a solid shading, a
 * property after sprmPChgTabs's long form, sprmCFFldVanish, a fast save's
 * text in a paragraph of a hidden style, white text beside a photo or a
 * paragraph shaded white, text the colour of its paragraph's shading,
 * vanish as "the opposite of the style", white text on "no shading" or
 * on a light percentage pattern; and white text on a dark
 * highlight or shading, which is read. */
START_TEST(crafted_hiding)
{
    static const char *const hidden[] = {
        "prm1-0-vanish.doc",        "prm1-257-vanish.doc",
        "prm0-vanish.doc",          "white-only.doc",
        "white-shd80-solid.doc",    "white-shd-solid.doc",
        "chgtabs-then-vanish.doc",  "fldvanish.doc",
        "fastsave-hidden-para.doc", "white-photo.doc",
        "white-shadedpara.doc",     "parashade-same-colour.doc",
        "vanish-opposite.doc",      "white-shd80-nil.doc",
        "white-shd-nil.doc",        "white-shd80-5pct.doc",
        "white-shd-5pct.doc"};
    /* white on a dark highlight or shading is read */
    static const char *const readable[] = {"white-on-highlight.doc",
                                           "white-on-shd80-clear.doc",
                                           "white-on-shd-solid.doc"};
    static const char phrase[] = "Built executive KPI dashboards";
    char name[64];
    kps_doc doc;
    extract_ok("crafted/base.doc", &doc);
    ck_assert(!phrase_hidden(&doc, phrase));
    kps_doc_free(&doc);
    for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++) {
        snprintf(name, sizeof name, "crafted/%s", hidden[i]);
        extract_ok(name, &doc);
        ck_assert_msg(phrase_hidden(&doc, phrase), "%s: shown", hidden[i]);
        kps_doc_free(&doc);
    }
    for (size_t i = 0; i < sizeof readable / sizeof *readable; i++) {
        snprintf(name, sizeof name, "crafted/%s", readable[i]);
        extract_ok(name, &doc);
        ck_assert_msg(!phrase_hidden(&doc, phrase), "%s: hidden", readable[i]);
        kps_doc_free(&doc);
    }
    /* pieces reading the same characters over and over are refused */
    size_t len;
    unsigned char *d = fixture("crafted/pieces-overlap.doc", &len);
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_int_eq(extract(d, len, &doc, err), KPISCAN_ERR_CORRUPT);
    ck_assert(strstr(kpiscan_error_message(err), "pieces of text overlap"));
    kpiscan_error_free(err);
    free(d);
    /* inside the codes of 64 nested fields, the sentence is no text */
    extract_ok("crafted/fields-nest-64.doc", &doc);
    ck_assert(!has(&doc, phrase));
    ck_assert(has(&doc, "Skills: SQL, Excel"));
    kps_doc_free(&doc);
}
END_TEST

/* The file offset of the WordDocument stream (its FIB) in a fixture whose
 * stream is in regular 512-byte sectors. */
static size_t fib_offset(const unsigned char *d, size_t len)
{
    for (size_t at = 512; at + 512 <= len; at += 512)
        if (d[at] == 0xEC && d[at + 1] == 0xA5 &&
            (d[at + 2] | d[at + 3] << 8) >= 0xC1)
            return at;
    ck_abort_msg("no FIB in the fixture");
    return 0;
}

static int patched(const unsigned char *orig, size_t len, size_t at,
                   const unsigned char *bytes, size_t n, kpiscan_error *err)
{
    unsigned char *d = malloc(len);
    ck_assert(d != NULL);
    memcpy(d, orig, len);
    memcpy(d + at, bytes, n);
    kps_doc doc;
    int rc = extract(d, len, &doc, err);
    if (rc == KPISCAN_OK)
        kps_doc_free(&doc);
    free(d);
    return rc;
}

/* The fixture with its WordDocument stream renamed to name (the
 * directory entry's UTF-16 name and its length), extracted. */
static int renamed(const unsigned char *orig, size_t len, const char *name,
                   kpiscan_error *err)
{
    static const char word[] = "WordDocument";
    unsigned char *d = malloc(len);
    ck_assert(d != NULL);
    memcpy(d, orig, len);
    size_t at = 0;
    for (; at + 128 <= len; at += 128) {
        size_t k = 0;
        while (word[k] && d[at + 2 * k] == (unsigned char)word[k] &&
               d[at + 2 * k + 1] == 0)
            k++;
        if (!word[k] && d[at + 0x40] == 2 * (sizeof word))
            break;
    }
    ck_assert_msg(at + 128 <= len, "no WordDocument entry");
    size_t n = strlen(name);
    memset(d + at, 0, 64);
    for (size_t k = 0; k < n; k++)
        d[at + 2 * k] = (unsigned char)name[k];
    d[at + 0x40] = (unsigned char)(2 * (n + 1));
    kps_doc doc;
    int rc = extract(d, len, &doc, err);
    if (rc == KPISCAN_OK)
        kps_doc_free(&doc);
    free(d);
    return rc;
}

START_TEST(refusals)
{
    size_t len;
    unsigned char *d = fixture("plain.doc", &len);
    size_t fib = fib_offset(d, len);
    kpiscan_error *err = kpiscan_error_new();
    /* saved with a password (fEncrypted), or obfuscated */
    unsigned char flags[2] = {d[fib + 10], (unsigned char)(d[fib + 11] | 0x01)};
    ck_assert_int_eq(patched(d, len, fib + 10, flags, 2, err),
                     KPISCAN_ERR_ENCRYPTED);
    ck_assert(strstr(kpiscan_error_message(err),
                     "password-protected Word document (.doc)"));
    flags[1] = (unsigned char)(d[fib + 11] | 0x80);
    ck_assert_int_eq(patched(d, len, fib + 10, flags, 2, err),
                     KPISCAN_ERR_ENCRYPTED);
    /* Word 6.0/95 */
    const unsigned char word95[2] = {0x65, 0x00};
    ck_assert_int_eq(patched(d, len, fib + 2, word95, 2, err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert(strstr(kpiscan_error_message(err), "Word 6.0/95 document"));
    /* no FIB identifier */
    const unsigned char zero[4] = {0, 0, 0, 0};
    ck_assert_int_eq(patched(d, len, fib, zero, 2, err), KPISCAN_ERR_CORRUPT);
    ck_assert(strstr(kpiscan_error_message(err), "corrupt Word document"));
    /* the table stream the FIB names is not there (0Table) */
    flags[0] = d[fib + 10];
    flags[1] = (unsigned char)(d[fib + 11] & ~0x02);
    ck_assert_int_eq(patched(d, len, fib + 10, flags, 2, err),
                     KPISCAN_ERR_CORRUPT);
    ck_assert(strstr(kpiscan_error_message(err), "table stream is missing"));
    /* the piece table past the end of the table stream (fcClx is pair 33
     * of the FIB's offsets, at 0x1A2 in a Word 97 FIB) */
    const unsigned char far[4] = {0xFF, 0xFF, 0xFF, 0x00};
    ck_assert_int_eq(patched(d, len, fib + 0x1A2, far, 4, err),
                     KPISCAN_ERR_CORRUPT);
    ck_assert(strstr(kpiscan_error_message(err), "no piece table"));
    /* a compound file cut short inside its directory */
    kps_doc doc;
    ck_assert_int_eq(extract(d, 600, &doc, err), KPISCAN_ERR_CORRUPT);
    ck_assert(strstr(kpiscan_error_message(err), "corrupt OLE compound file"));
    /* what the root holds instead of a Word document names the refusal */
    ck_assert_int_eq(renamed(d, len, "EncryptedPackage", err),
                     KPISCAN_ERR_ENCRYPTED);
    ck_assert(strstr(kpiscan_error_message(err),
                     "password-protected Office document"));
    ck_assert_int_eq(err->not_document, 0); /* a resume, locked */
    ck_assert_int_eq(renamed(d, len, "Workbook", err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert(strstr(kpiscan_error_message(err),
                     "OLE compound file without a Word document"));
    /* a spreadsheet is no document: a walk skips it (batch.c) */
    ck_assert_int_eq(err->not_document, 1);
    kpiscan_error_free(err);
    free(d);
}
END_TEST

/* Damage anywhere: the file cut at every sector boundary, a byte either
 * side of it and half a sector after it, and 600 copies with one to three
 * bytes changed, give a document or an error, never a crash (the sanitizer
 * build runs this too) or a control byte in the text. */
START_TEST(damaged_files)
{
    static const char *names[] = {"plain.doc", "mini.doc", "styles.doc",
                                  "table.doc", "hidden_compressed.doc"};
    for (size_t f = 0; f < sizeof names / sizeof *names; f++) {
        size_t len;
        unsigned char *d = fixture(names[f], &len);
        kpiscan_error *err = kpiscan_error_new();
        static const int around[] = {-1, 0, 1, 256};
        for (size_t b = 0; b <= len; b += 512)
            for (size_t k = 0; k < sizeof around / sizeof *around; k++) {
                if (b == 0 && around[k] < 0)
                    continue;
                size_t cut = around[k] < 0 ? b - 1 : b + (size_t)around[k];
                if (cut > len)
                    continue;
                kps_doc doc;
                int rc = extract(d, cut, &doc, err);
                ck_assert(rc <= 0);
                if (rc == KPISCAN_OK)
                    kps_doc_free(&doc);
            }
        uint32_t seed = 2463534242u;
        unsigned char *m = malloc(len);
        ck_assert(m != NULL);
        for (int i = 0; i < 600; i++) {
            memcpy(m, d, len);
            for (int k = 0; k < 1 + i % 3; k++) {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                m[seed % len] = (unsigned char)(seed >> 24);
            }
            kps_doc doc;
            int rc = extract(m, len, &doc, err);
            if (rc == KPISCAN_OK) {
                for (size_t k = 0; k < doc.len; k++) {
                    unsigned char c = (unsigned char)doc.text[k];
                    ck_assert(c >= 0x20 || c == '\t' || c == '\n');
                }
                for (size_t k = 0; k < doc.nhidden; k++)
                    ck_assert(doc.hidden[k].end <= doc.len);
                kps_doc_free(&doc);
            }
        }
        free(m);
        kpiscan_error_free(err);
        free(d);
    }
}
END_TEST

/* Through the public API: the sniffer's OLE file goes to this reader, the
 * record says "doc", and hidden text is a red flag, not evidence. */
START_TEST(public_scan)
{
    size_t len;
    unsigned char *d = fixture("hidden.doc", &len);
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_result *r = NULL;
    kpiscan_error *err = kpiscan_error_new();
    int rc = kpiscan_scan_buffer(p, NULL, d, len, "cv.doc", &r, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));
    ck_assert_str_eq(kpiscan_result_format(r), "doc");
    int hidden_flag = 0;
    for (size_t i = 0; i < kpiscan_result_flag_count(r); i++)
        if (strcmp(kpiscan_result_flag_id(r, i), "hidden-text") == 0)
            hidden_flag = 1;
    ck_assert_int_eq(hidden_flag, 1);
    kpiscan_result_free(r);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
    free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("worddoc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, text_through_the_pieces);
    tcase_add_test(tc, tables_fields_and_notes);
    tcase_add_test(tc, hidden_text);
    tcase_add_test(tc, styles_hide_text);
    tcase_add_test(tc, crafted_hiding);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, damaged_files);
    tcase_add_test(tc, public_scan);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
