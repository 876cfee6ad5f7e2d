/* test-options.c - the options object: every setter, the limits it carries
 * into a scan, and the format hint's rule (the content decides). */
#include "internal.h"
#include "testutil.h"

static kpiscan_pack *default_pack(void)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    return p;
}

/* Every setter refuses NULL options and zero limits, and leaves the
 * options unchanged when it refuses. */
START_TEST(test_setters_validate)
{
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(kpiscan_options_set_max_text_bytes(NULL, 10),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_text_bytes(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_zip_entries(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_part_bytes(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_total_bytes(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_ratio(o, 0), KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_xml_depth(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(NULL, "text"),
                     KPISCAN_ERR_ARGUMENT);
    /* One date check: calendar days only, 1950 to 2200 (an earlier as-of
     * date used to be accepted and then fail every scan). */
    static const int bad_dates[][3] = {
        {2026, 2, 30},  {2023, 2, 29}, {2100, 2, 29}, {2026, 4, 31},
        {2026, 0, 1},   {2026, 13, 1}, {2026, 1, 0},  {2026, 1, 32},
        {1949, 12, 31}, {1900, 1, 1},  {2201, 1, 1},  {-1, 1, 1}};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++)
        ck_assert_msg(
            kpiscan_options_set_as_of(o, bad_dates[i][0], bad_dates[i][1],
                                      bad_dates[i][2]) == KPISCAN_ERR_ARGUMENT,
            "%d-%d-%d accepted", bad_dates[i][0], bad_dates[i][1],
            bad_dates[i][2]);
    ck_assert_int_eq(o->as_of_set, 0);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2024, 2, 29), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2000, 2, 29), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 1950, 1, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2200, 12, 31), KPISCAN_OK);

    kps_limits def;
    kps_limits_default(&def);
    ck_assert_uint_eq(o->limits.max_text_bytes, def.max_text_bytes);
    ck_assert_uint_eq(o->limits.max_zip_entries, def.max_zip_entries);
    ck_assert_uint_eq(o->limits.max_part_bytes, def.max_part_bytes);
    ck_assert_uint_eq(o->limits.max_total_bytes, def.max_total_bytes);
    ck_assert_uint_eq(o->limits.max_ratio, def.max_ratio);
    ck_assert_uint_eq(o->limits.max_xml_depth, def.max_xml_depth);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);

    ck_assert_int_eq(kpiscan_options_set_max_text_bytes(o, 1000), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_max_zip_entries(o, 20), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_max_part_bytes(o, 3000), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_max_total_bytes(o, 4000), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_max_ratio(o, 7), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_max_xml_depth(o, 9), KPISCAN_OK);
    ck_assert_uint_eq(o->limits.max_text_bytes, 1000);
    ck_assert_uint_eq(o->limits.max_zip_entries, 20);
    ck_assert_uint_eq(o->limits.max_part_bytes, 3000);
    ck_assert_uint_eq(o->limits.max_total_bytes, 4000);
    ck_assert_uint_eq(o->limits.max_ratio, 7);
    ck_assert_uint_eq(o->limits.max_xml_depth, 9);
    /* Limits the setters do not touch keep their defaults. */
    ck_assert_uint_eq(o->limits.ratio_floor, def.ratio_floor);
    ck_assert_uint_eq(o->limits.max_input_bytes, def.max_input_bytes);
    kpiscan_options_free(o);
    kpiscan_options_free(NULL);
}
END_TEST

START_TEST(test_format_hint_names)
{
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "docx"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_DOCX);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "odt"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_ODT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_TEXT);
    /* A file's extension does: any case, a leading dot, "txt". */
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".DOCX"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_DOCX);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "Odt"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_ODT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".txt"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_TEXT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".DOCM"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_DOCX);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "md"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_TEXT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "ott"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_ODT);
    /* PDF and HTML name themselves in their bytes: accepted, the content
     * decides. */
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "PDF"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".html"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".xhtml"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".RTF"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "mht"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ".mhtml"), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    /* Anything else is refused, and the old hint stays. */
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "text"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "DOCX "),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "xls"),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "docxx"),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "."),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_TEXT);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, ""), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, "odt"), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, NULL), KPISCAN_OK);
    ck_assert_int_eq(o->format_hint, KPS_FORMAT_UNKNOWN);
    kpiscan_options_free(o);
}
END_TEST

/* The text limit set through the options reaches the decoder. */
START_TEST(test_text_limit_reaches_scan)
{
    kpiscan_pack *p = default_pack();
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    char text[4096];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    memcpy(text, "Tracked KPIs ", 13);
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, o, text, strlen(text), "long.txt", &r, err),
        KPISCAN_OK);
    kpiscan_result_free(r);
    r = NULL;
    ck_assert_int_eq(kpiscan_options_set_max_text_bytes(o, 1024), KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, o, text, strlen(text), "long.txt", &r, err),
        KPISCAN_ERR_LIMIT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "max_text_bytes"));
    kpiscan_error_free(err);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* CRC-32 (ISO-HDLC) for the stored zip below. */
static unsigned long crc32_of(const unsigned char *p, size_t n)
{
    unsigned long crc = 0xFFFFFFFFul;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320ul & (0ul - (crc & 1ul)));
    }
    return crc ^ 0xFFFFFFFFul;
}

static size_t put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)(v >> 8);
    return 2;
}

static size_t put32(unsigned char *p, unsigned long v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)((v >> (8 * i)) & 0xFF);
    return 4;
}

/* A valid zip with one stored entry "notes.txt": an archive that is
 * neither DOCX nor ODT as far as the sniffer can tell. */
static size_t plain_zip(unsigned char *out)
{
    static const char name[] = "notes.txt";
    static const char body[] = "Tracked KPIs weekly.\n";
    const size_t nlen = sizeof name - 1, blen = sizeof body - 1;
    unsigned long crc = crc32_of((const unsigned char *)body, blen);
    size_t n = 0;
    n += put32(out + n, 0x04034b50ul); /* local file header */
    n += put16(out + n, 20);
    n += put16(out + n, 0);
    n += put16(out + n, 0); /* stored */
    n += put16(out + n, 0);
    n += put16(out + n, 0x21);
    n += put32(out + n, crc);
    n += put32(out + n, blen);
    n += put32(out + n, blen);
    n += put16(out + n, (unsigned)nlen);
    n += put16(out + n, 0);
    memcpy(out + n, name, nlen);
    n += nlen;
    memcpy(out + n, body, blen);
    n += blen;
    size_t central = n;
    n += put32(out + n, 0x02014b50ul); /* central directory header */
    n += put16(out + n, 20);
    n += put16(out + n, 20);
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put16(out + n, 0x21);
    n += put32(out + n, crc);
    n += put32(out + n, blen);
    n += put32(out + n, blen);
    n += put16(out + n, (unsigned)nlen);
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put32(out + n, 0);
    n += put32(out + n, 0); /* local header offset */
    memcpy(out + n, name, nlen);
    n += nlen;
    size_t central_len = n - central;
    n += put32(out + n, 0x06054b50ul); /* end of central directory */
    n += put16(out + n, 0);
    n += put16(out + n, 0);
    n += put16(out + n, 1);
    n += put16(out + n, 1);
    n += put32(out + n, central_len);
    n += put32(out + n, central);
    n += put16(out + n, 0);
    return n;
}

static int scan_with_hint(const kpiscan_pack *p, const char *hint,
                          const void *data, size_t len, kpiscan_result **r,
                          kpiscan_error *err)
{
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_format_hint(o, hint), KPISCAN_OK);
    int rc = kpiscan_scan_buffer(p, o, data, len, "upload", r, err);
    kpiscan_options_free(o);
    return rc;
}

/* The hint settles only what the bytes leave open; it never makes the
 * library read bytes as something they are not. */
START_TEST(test_format_hint_rule)
{
    kpiscan_pack *p = default_pack();
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    unsigned char zip[512];
    size_t zlen = plain_zip(zip);

    /* Without a hint, and with a contradicting "text" hint, a plain zip is
     * refused as an archive that is no document. */
    ck_assert_int_eq(scan_with_hint(p, NULL, zip, zlen, &r, err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "ZIP archive"));
    ck_assert_int_eq(scan_with_hint(p, "text", zip, zlen, &r, err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "ZIP archive"));
    ck_assert_ptr_null(r);

    /* Hinted "docx", the same zip goes to the DOCX extractor, which judges
     * it in full (it has no Word document in it, so it still fails). */
    ck_assert_int_lt(scan_with_hint(p, "docx", zip, zlen, &r, err), 0);
    ck_assert_ptr_null(r);
    ck_assert_ptr_null(strstr(kpiscan_error_message(err), "ZIP archive"));
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "DOCX"));

    /* Text hinted as DOCX is read as the text it is. */
    const char *text = "Tracked weekly KPIs for the support team.\n";
    ck_assert_int_eq(scan_with_hint(p, "docx", text, strlen(text), &r, err),
                     KPISCAN_OK);
    ck_assert_str_eq(kpiscan_result_format(r), "text");
    kpiscan_result_free(r);
    r = NULL;

    /* Binary data stays refused and a PDF is read as a PDF, whatever the
     * hint. */
    static const unsigned char elf[] = "\x7F"
                                       "ELF\x02\x01\x01\0\0\0\0\0\0\0";
    ck_assert_int_eq(scan_with_hint(p, "text", elf, sizeof elf, &r, err),
                     KPISCAN_ERR_NOT_TEXT);
    const char *pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
#ifdef KPISCAN_HAVE_PDF
    ck_assert_int_eq(scan_with_hint(p, "text", pdf, strlen(pdf), &r, err),
                     KPISCAN_ERR_CORRUPT);
#else
    ck_assert_int_eq(scan_with_hint(p, "text", pdf, strlen(pdf), &r, err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
#endif
    ck_assert_ptr_null(r);

    kpiscan_error_free(err);
    kpiscan_pack_free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_setters_validate);
    tcase_add_test(tc, test_format_hint_names);
    tcase_add_test(tc, test_text_limit_reaches_scan);
    tcase_add_test(tc, test_format_hint_rule);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
