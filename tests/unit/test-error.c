/* test-error.c - status texts, error objects, version, options. */
#include "internal.h"
#include "testutil.h"

START_TEST(test_strerror_distinct)
{
    const int codes[] = {KPISCAN_OK,
                         KPISCAN_ERR_NOMEM,
                         KPISCAN_ERR_ARGUMENT,
                         KPISCAN_ERR_IO,
                         KPISCAN_ERR_PACK_SYNTAX,
                         KPISCAN_ERR_PACK_INVALID,
                         KPISCAN_ERR_PACK_REGEX,
                         KPISCAN_ERR_NOT_TEXT,
                         KPISCAN_ERR_UNSUPPORTED_FORMAT,
                         KPISCAN_ERR_EMPTY,
                         KPISCAN_ERR_CORRUPT,
                         KPISCAN_ERR_LIMIT,
                         KPISCAN_ERR_MATCH_LIMIT,
                         KPISCAN_ERR_INTERNAL,
                         KPISCAN_ERR_NOT_FOUND,
                         KPISCAN_ERR_ENCRYPTED,
                         KPISCAN_ERR_MANIFEST,
                         KPISCAN_ERR_HELPER};
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        ck_assert(codes[i] <= 0);
        ck_assert_str_ne(kpiscan_strerror(codes[i]), "unknown error");
        ck_assert_str_ne(kpiscan_status_name(codes[i]), "unknown");
        for (size_t j = 0; j < i; j++) {
            ck_assert_int_ne(codes[i], codes[j]);
            ck_assert_str_ne(kpiscan_strerror(codes[i]),
                             kpiscan_strerror(codes[j]));
            ck_assert_str_ne(kpiscan_status_name(codes[i]),
                             kpiscan_status_name(codes[j]));
        }
    }
    ck_assert_str_eq(kpiscan_strerror(-999), "unknown error");
    ck_assert_str_eq(kpiscan_strerror(5), "unknown error");
}
END_TEST

START_TEST(test_error_object)
{
    kpiscan_error_free(NULL);
    ck_assert_int_eq(kpiscan_error_status(NULL), KPISCAN_OK);
    ck_assert_str_eq(kpiscan_error_message(NULL), "");
    kpiscan_error *err = kpiscan_error_new();
    ck_assert_ptr_nonnull(err);
    ck_assert_int_eq(kpiscan_error_status(err), KPISCAN_OK);
    ck_assert_str_eq(kpiscan_error_message(err), "");

    int rc = kps_fail_at(err, KPISCAN_ERR_PACK_REGEX, "p.yaml", 12, 10,
                         "term.kpi", "regex error at offset %d", 4);
    ck_assert_int_eq(rc, KPISCAN_ERR_PACK_REGEX);
    ck_assert_int_eq(kpiscan_error_status(err), KPISCAN_ERR_PACK_REGEX);
    ck_assert_str_eq(kpiscan_error_message(err),
                     "p.yaml:12:10: rule 'term.kpi': regex error at offset 4");
    ck_assert_str_eq(kpiscan_error_file(err), "p.yaml");
    ck_assert_uint_eq(kpiscan_error_line(err), 12);
    ck_assert_uint_eq(kpiscan_error_column(err), 10);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "term.kpi");
    ck_assert_str_eq(kpiscan_error_reason(err), "regex error at offset 4");

    kps_fail(err, KPISCAN_ERR_IO, "cv.txt", "cannot open: %s", "gone");
    ck_assert_str_eq(kpiscan_error_message(err), "cv.txt: cannot open: gone");
    ck_assert_uint_eq(kpiscan_error_line(err), 0);
    ck_assert_str_eq(kpiscan_error_rule_id(err), "");

    /* A name too long to keep is cut at a character boundary and marked,
     * so that it does not read as another, complete path. */
    char name[1200];
    size_t at = 0;
    for (; at + 3 < sizeof name - 1; at += 3)
        memcpy(name + at, "\xE2\x82\xAC", 3); /* U+20AC */
    name[at] = '\0';
    kps_fail(err, KPISCAN_ERR_IO, name, "cannot open: %s", "gone");
    const char *file = kpiscan_error_file(err);
    size_t len = strlen(file);
    ck_assert_uint_lt(len, sizeof name - 1);
    ck_assert_str_eq(file + len - 3, "...");
    ck_assert_uint_eq((len - 3) % 3, 0); /* whole characters before it */
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "...: cannot open: gone"));

    kpiscan_error_clear(err);
    ck_assert_int_eq(kpiscan_error_status(err), KPISCAN_OK);
    /* NULL error objects are allowed everywhere. */
    ck_assert_int_eq(kps_fail(NULL, KPISCAN_ERR_IO, "x", "y"), KPISCAN_ERR_IO);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_version)
{
    ck_assert_str_eq(kpiscan_version(), KPISCAN_VERSION_STRING);
    ck_assert_int_eq(kpiscan_version_number(), KPISCAN_VERSION_NUMBER);
}
END_TEST

START_TEST(test_options)
{
    kpiscan_options_free(NULL);
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2024, 2, 29), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2023, 2, 29),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2023, 13, 1),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 1800, 1, 1),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_as_of(NULL, 2020, 1, 1),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_max_input_bytes(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_match_limit(o, 0),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_options_set_excerpts(o, 0), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_gaps(o, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_include_comments(o, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_gaps(NULL, 1), KPISCAN_ERR_ARGUMENT);

    kpiscan_options r;
    kps_options_resolve(o, &r);
    ck_assert_int_eq(r.as_of_year, 2024);
    ck_assert_int_eq(r.excerpts, 0);
    ck_assert_int_eq(r.gaps, 1);
    ck_assert_int_eq(r.include_comments, 1);
    kps_options_resolve(NULL, &r);
    ck_assert_int_eq(r.excerpts, 1);
    ck_assert_int_ge(r.as_of_year, 2024); /* today */
    ck_assert_uint_eq(r.limits.max_input_bytes, (size_t)64 << 20);
    kpiscan_options_free(o);
}
END_TEST

START_TEST(test_sha256)
{
    char hex[65];
    kps_sha256 h;
    kps_sha256_init(&h);
    kps_sha256_update(&h, "abc", 3);
    kps_sha256_hex(&h, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
                          "b00361a396177a9cb410ff61f20015ad");
    kps_sha256_init(&h);
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    kps_sha256_update(&h, two, strlen(two));
    kps_sha256_hex(&h, hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
                          "a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* Numbers in packs and XML are read the same whatever the host locale. */
START_TEST(test_parse_decimal)
{
    char *end;
    ck_assert_double_eq_tol(kps_parse_decimal("2.5", &end), 2.5, 1e-12);
    ck_assert_str_eq(end, "");
    ck_assert_double_eq_tol(kps_parse_decimal("-0.25x", &end), -0.25, 1e-12);
    ck_assert_str_eq(end, "x");
    ck_assert_double_eq_tol(kps_parse_decimal(".5", &end), 0.5, 1e-12);
    ck_assert_double_eq_tol(kps_parse_decimal("12", &end), 12.0, 1e-12);
    const char *bad = "abc";
    kps_parse_decimal(bad, &end);
    ck_assert_ptr_eq(end, bad);
    kps_parse_decimal("1,5", &end);
    ck_assert_str_eq(end, ",5");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_strerror_distinct);
    tcase_add_test(tc, test_error_object);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_options);
    tcase_add_test(tc, test_sha256);
    tcase_add_test(tc, test_parse_decimal);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
