/* test-util.c - the base helpers: array growth, the read-to-end loop,
 * UTF-8 cutting and cleaning, decimals, natural order. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "base/io.h"
#include "internal.h"
#include "testutil.h"

START_TEST(test_array_grow)
{
    int *v = NULL;
    size_t cap = 0;
    ck_assert_int_eq(kps_array_reserve(&v, &cap, 1, sizeof *v, 8), 0);
    ck_assert_uint_eq(cap, 8);
    ck_assert_int_eq(kps_array_reserve(&v, &cap, 8, sizeof *v, 8), 0);
    ck_assert_uint_eq(cap, 8); /* room already: unchanged */
    ck_assert_int_eq(kps_array_reserve(&v, &cap, 9, sizeof *v, 8), 0);
    ck_assert_uint_eq(cap, 16);
    ck_assert_int_eq(kps_array_reserve(&v, &cap, 100, sizeof *v, 8), 0);
    ck_assert_uint_eq(cap, 128);
    for (size_t i = 0; i < 100; i++)
        v[i] = (int)i; /* the room is really there (ASan) */
    /* a size that overflows size_t is refused, the array left alone */
    int *keep = v;
    ck_assert_int_eq(kps_array_grow(&v, &cap, SIZE_MAX / 2, sizeof *v, 8), -1);
    ck_assert_ptr_eq(v, keep);
    ck_assert_uint_eq(cap, 128);
    ck_assert_int_eq(kps_array_grow(&v, &cap, SIZE_MAX, 1, 8), -1);
    free(v);
}
END_TEST

static int pipe_with(const char *s, size_t n)
{
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    ck_assert_int_eq(write(fd[1], s, n), (ssize_t)n);
    close(fd[1]);
    return fd[0];
}

START_TEST(test_read_fd)
{
    kpiscan_error *err = kpiscan_error_new();
    kps_buf b = {0};
    int fd = pipe_with("hello, world", 12);
    ck_assert_int_eq(kps_read_fd(fd, "p", 0, 100, "input", &b, err),
                     KPISCAN_OK);
    close(fd);
    ck_assert_uint_eq(b.len, 12);
    ck_assert_str_eq(b.data, "hello, world");
    kps_buf_free(&b);

    /* past the limit: refused, the buffer freed, the message as before */
    fd = pipe_with("0123456789", 10);
    ck_assert_int_eq(kps_read_fd(fd, "p", 4, 5, "file", &b, err),
                     KPISCAN_ERR_LIMIT);
    close(fd);
    ck_assert_ptr_null(b.data);
    ck_assert_str_eq(kpiscan_error_message(err),
                     "p: file exceeds the limit of 5 bytes (max_input_bytes)");

    /* an empty stream is no error */
    fd = pipe_with("", 0);
    ck_assert_int_eq(kps_read_fd(fd, "p", 0, 5, "input", &b, err), KPISCAN_OK);
    close(fd);
    ck_assert_uint_eq(b.len, 0);
    kps_buf_free(&b);

    ck_assert_int_eq(kps_read_fd(-1, "p", 0, 5, "input", &b, err),
                     KPISCAN_ERR_IO);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_utf8_cut_and_trim)
{
    const char *s = "ab\xc3\xa9"
                    "c"; /* a b é c */
    ck_assert_uint_eq(kps_utf8_cut(s, 5, 3), 2);
    ck_assert_uint_eq(kps_utf8_cut(s, 5, 4), 4);
    ck_assert_uint_eq(kps_utf8_cut(s, 5, 99), 5);
    ck_assert_uint_eq(kps_utf8_trim_end(s, 3), 2);
    ck_assert_uint_eq(kps_utf8_trim_end(s, 4), 4);
    ck_assert_uint_eq(kps_utf8_valid_prefix((const unsigned char *)"ok\xff", 3),
                      2);
    ck_assert_uint_eq(kps_utf8_seq_len((const unsigned char *)"\xc0\x80", 2),
                      0); /* overlong */
    uint32_t cp = 0;
    ck_assert_uint_eq(
        kps_utf8_decode((const unsigned char *)"\xe2\x82\xac", 3, &cp), 3);
    ck_assert_uint_eq(cp, 0x20AC);
}
END_TEST

START_TEST(test_clean)
{
    char *t = kps_clean_dup("a\x01"
                            "b\xff"
                            "c\n",
                            KPS_CLEAN_TEXT);
    ck_assert_str_eq(t, "a\xef\xbf\xbd"
                        "b\xef\xbf\xbd"
                        "c\n");
    free(t);
    t = kps_clean_dup("a\x01", KPS_CLEAN_UTF8);
    ck_assert_str_eq(t, "a\x01");
    free(t);
    t = kps_clean_dup("\xef\xbf\xbe", KPS_CLEAN_XML); /* U+FFFE */
    ck_assert_str_eq(t, "\xef\xbf\xbd");
    free(t);
    t = kps_clean_dup(NULL, KPS_CLEAN_TEXT);
    ck_assert_str_eq(t, "");
    free(t);
    /* a right-to-left override and an isolate would reorder a name on a
     * terminal; a plain right-to-left mark and Hebrew letters stay */
    t = kps_clean_dup("cv\xe2\x80\xae"
                      "fdp.exe \xe2\x81\xa6x\xe2\x81\xa9 "
                      "\xe2\x80\x8f\xd7\xa9",
                      KPS_CLEAN_TEXT);
    ck_assert_str_eq(t, "cv\xef\xbf\xbd"
                        "fdp.exe \xef\xbf\xbdx\xef\xbf\xbd "
                        "\xe2\x80\x8f\xd7\xa9");
    free(t);
    t = kps_clean_dup("\xe2\x80\xae", KPS_CLEAN_UTF8);
    ck_assert_str_eq(t, "\xe2\x80\xae");
    free(t);
}
END_TEST

START_TEST(test_rgb_near)
{
    ck_assert_int_eq(kps_rgb_near(0x000000, 0x181818), 1);
    ck_assert_int_eq(kps_rgb_near(0x000000, 0x190000), 0);
    ck_assert_int_eq(kps_rgb_near(0xFFFF00, 0xF0F010), 1);
    /* white, or each channel 0xF0 or more; "unknown" is not */
    ck_assert_int_eq(kps_rgb_white(0xFFFFFF), 1);
    ck_assert_int_eq(kps_rgb_white(0xF0F0F0), 1);
    ck_assert_int_eq(kps_rgb_white(0xF0EFF0), 0);
    ck_assert_int_eq(kps_rgb_white(-1), 0);
    /* little-endian fields */
    static const unsigned char le[4] = {0x34, 0x12, 0xCD, 0xAB};
    ck_assert_uint_eq(kps_le16(le), 0x1234);
    ck_assert_uint_eq(kps_le32(le), 0xABCD1234u);
    ck_assert_int_eq(kps_rgb_near(0x1F3864, 0x1F3864), 1);
    ck_assert_int_eq(kps_rgb_near(-1, 0x000000), 0);
    ck_assert_int_eq(kps_rgb_near(0x000000, -2), 0);
}
END_TEST

START_TEST(test_decimal_and_order)
{
    char *end;
    ck_assert_double_eq(kps_parse_decimal("-12.5x", &end), -12.5);
    ck_assert_str_eq(end, "x");
    const char *none = "abc";
    kps_parse_decimal(none, &end);
    ck_assert_ptr_eq(end, none);
    ck_assert_int_eq(kps_natural_compare("2.txt", "10.txt"), -1);
    ck_assert_int_eq(kps_natural_compare("10.txt", "2.txt"), 1);
    ck_assert_int_eq(kps_natural_compare("a", "a"), 0);
    ck_assert_int_ne(kps_natural_compare("a01", "a1"), 0);
    char *d = kps_strndup("abcdef", 3);
    ck_assert_str_eq(d, "abc");
    free(d);
}
END_TEST

/* The C locale holds from enter to leave on this thread, whatever the
 * host set, and the host's locale comes back. */
START_TEST(test_c_locale)
{
    if (!use_comma_locale(__func__))
        return;
    char num[32];
    snprintf(num, sizeof num, "%.1f", 0.5);
    ck_assert_str_eq(num, "0,5");
    kps_c_locale loc;
    ck_assert_int_eq(kps_c_locale_enter(&loc), 0);
    snprintf(num, sizeof num, "%.1f", 0.5);
    ck_assert_str_eq(num, "0.5");
    kps_c_locale_leave(&loc);
    snprintf(num, sizeof num, "%.1f", 0.5);
    ck_assert_str_eq(num, "0,5");
    kps_c_locale_leave(&loc); /* a second leave changes nothing */
    snprintf(num, sizeof num, "%.1f", 0.5);
    ck_assert_str_eq(num, "0,5");
    setlocale(LC_ALL, "C");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");
    tcase_add_test(tc, test_array_grow);
    tcase_add_test(tc, test_read_fd);
    tcase_add_test(tc, test_utf8_cut_and_trim);
    tcase_add_test(tc, test_clean);
    tcase_add_test(tc, test_rgb_near);
    tcase_add_test(tc, test_decimal_and_order);
    tcase_add_test(tc, test_c_locale);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
