/* test-csv.c - CSV rows (RFC 4180): the header, quoting, excerpts left out
 * on request, errors and skipped files. */
#include "internal.h"
#include "testutil.h"
#include "scanrecord.h"

static kpiscan_pack *pack;

static void setup(void)
{
    ck_assert_int_eq(kpiscan_pack_load_default(&pack, NULL), KPISCAN_OK);
}

static void teardown(void)
{
    kpiscan_pack_free(pack);
}

static kpiscan_record scan(const char *name, const char *text)
{
    return scan_record(pack, name, text);
}

static const char *CV = "Experience\nDirector of Operations, Jan 2012 - "
                        "Present\nAligned KPIs with corporate strategy; led "
                        "change management.\n";

START_TEST(test_header_and_row)
{
    const char *h = kpiscan_csv_header();
    ck_assert_ptr_nonnull(strstr(h, "file,status,level,presence,confidence"));
    ck_assert_str_eq(h + strlen(h) - 2, "\r\n");
    kpiscan_record rec = scan("cv, \"quoted\".txt", CV);
    ck_assert_int_eq(rec.status, KPISCAN_OK);
    char *row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    /* a comma or quote in a field: quoted, quotes doubled */
    ck_assert_int_eq(strncmp(row, "\"cv, \"\"quoted\"\".txt\",ok,", 24), 0);
    ck_assert_str_eq(row + strlen(row) - 2, "\r\n");
    /* one line: the only LF ends it */
    ck_assert_ptr_eq(strchr(row, '\n'), row + strlen(row) - 1);
    ck_assert_ptr_nonnull(strstr(row, "Director of Operations"));
    /* the level, then its presence, as the result gives them */
    char cells[64];
    snprintf(cells, sizeof cells, ",ok,%s,%s,",
             kpiscan_level_name(kpiscan_result_level(rec.result)),
             kpiscan_presence_name(kpiscan_result_presence(rec.result)));
    ck_assert_ptr_nonnull(strstr(row, cells));
    /* the date "Present" meant, and where it came from, as the result
     * says them */
    long as_of = kpiscan_result_as_of(rec.result);
    snprintf(cells, sizeof cells, ",%04ld-%02ld-%02ld,%s\r\n", as_of / 10000,
             as_of / 100 % 100, as_of % 100,
             kpiscan_result_as_of_source(rec.result));
    ck_assert_msg(strstr(row, cells), "%s not in %s", cells, row);
    /* added at the end, where no reader by position meets them */
    ck_assert_ptr_nonnull(strstr(h, ",error,pack,as_of,as_of_source\r\n"));
    kpiscan_free(row);

    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_excerpts(o, 0);
    row = kpiscan_record_to_csv(&rec, o);
    ck_assert_ptr_null(strstr(row, "Director of Operations"));
    kpiscan_free(row);
    kpiscan_options_free(o);
    kpiscan_result_free(rec.result);
}
END_TEST

/* Numbers keep their '.' whatever locale the host program set: under
 * de_DE the row said "0,99" (quoted, for its comma) and "14,42". */
START_TEST(test_host_locale)
{
    kpiscan_record rec = scan("cv.txt", CV);
    char *want = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(want);
    kpiscan_result_free(rec.result);
    if (!use_comma_locale(__func__)) {
        kpiscan_free(want);
        return;
    }
    rec = scan("cv.txt", CV);
    char *got = kpiscan_record_to_csv(&rec, NULL);
    char num[16];
    snprintf(num, sizeof num, "%.1f", 0.5); /* the host's locale is back */
    setlocale(LC_ALL, "C");
    ck_assert_str_eq(num, "0,5");
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    kpiscan_free(got);
    kpiscan_free(want);
    kpiscan_result_free(rec.result);
}
END_TEST

START_TEST(test_error_row)
{
    kpiscan_record rec = scan("empty.txt", "");
    ck_assert_int_ne(rec.status, KPISCAN_OK);
    char *row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    ck_assert_int_eq(strncmp(row, "empty.txt,error,", 16), 0);
    ck_assert_ptr_nonnull(strstr(row, "empty document"));
    kpiscan_free(row);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_header_and_row);
    tcase_add_test(tc, test_error_row);
    tcase_add_test(tc, test_host_locale);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
