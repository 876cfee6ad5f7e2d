/* test-jsonw.c - the streaming JSON writer (lib/jsonw.c). */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

/* Finish w and compare with want. */
static void expect(kps_jw *w, const char *want)
{
    char *got = kps_jw_finish(w);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(test_compact_object)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_object(&w, NULL);
    kps_jw_int(&w, "n", -42);
    kps_jw_string(&w, "s", "x");
    kps_jw_bool(&w, "t", 1);
    kps_jw_bool(&w, "f", 0);
    kps_jw_null(&w, "z");
    kps_jw_array(&w, "a");
    kps_jw_int(&w, NULL, 1);
    kps_jw_object(&w, NULL);
    kps_jw_object_end(&w);
    kps_jw_array(&w, NULL);
    kps_jw_array_end(&w);
    kps_jw_array_end(&w);
    kps_jw_object_end(&w);
    expect(&w, "{\"n\":-42,\"s\":\"x\",\"t\":true,\"f\":false,\"z\":null,"
               "\"a\":[1,{},[]]}");
}
END_TEST

START_TEST(test_pretty_object)
{
    kps_jw w;
    kps_jw_init(&w, 1);
    kps_jw_object(&w, NULL);
    kps_jw_int(&w, "n", 1);
    kps_jw_array(&w, "a");
    kps_jw_string(&w, NULL, "x");
    kps_jw_object(&w, NULL);
    kps_jw_bool(&w, "b", 0);
    kps_jw_object_end(&w);
    kps_jw_array_end(&w);
    kps_jw_object(&w, "empty");
    kps_jw_object_end(&w);
    kps_jw_array(&w, "none");
    kps_jw_array_end(&w);
    kps_jw_object_end(&w);
    expect(&w, "{\n"
               "  \"n\": 1,\n"
               "  \"a\": [\n"
               "    \"x\",\n"
               "    {\n"
               "      \"b\": false\n"
               "    }\n"
               "  ],\n"
               "  \"empty\": {},\n"
               "  \"none\": []\n"
               "}");
}
END_TEST

START_TEST(test_string_escapes)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_array(&w, NULL);
    kps_jw_string(&w, NULL, "q\"b\\s/");
    kps_jw_string(&w, NULL, "\b\f\n\r\t");
    kps_jw_string(&w, NULL, "\x01\x1b\x1f\x7f");
    kps_jw_string(&w, NULL, "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x93\x88");
    kps_jw_string(&w, NULL, NULL);
    /* invalid UTF-8 (a lone continuation byte, a truncated sequence):
     * each invalid byte becomes U+FFFD, the rest stays (it used to be
     * written as "", which cut a record off from its file) */
    kps_jw_string(&w, NULL, "a\x80z");
    kps_jw_string(&w, NULL, "\xe2\x80");
    kps_jw_array_end(&w);
    expect(&w, "[\"q\\\"b\\\\s/\",\"\\b\\f\\n\\r\\t\","
               "\"\\u0001\\u001B\\u001F\x7f\","
               "\"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x93\x88\",\"\","
               "\"a\xef\xbf\xbdz\",\"\xef\xbf\xbd\xef\xbf\xbd\"]");
}
END_TEST

/* A file name that is not UTF-8 keeps its bytes, in hex, beside the
 * readable "file"; a valid name gets no file_bytes. */
START_TEST(test_file_bytes)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_object(&w, NULL);
    kps_jw_file(&w, "cv-\xff\x80.txt");
    kps_jw_object_end(&w);
    expect(&w, "{\"file\":\"cv-\xef\xbf\xbd\xef\xbf\xbd.txt\","
               "\"file_bytes\":\"63762dff802e747874\"}");
    kps_jw_init(&w, 0);
    kps_jw_object(&w, NULL);
    kps_jw_file(&w, "caf\xc3\xa9.txt");
    kps_jw_object_end(&w);
    expect(&w, "{\"file\":\"caf\xc3\xa9.txt\"}");
}
END_TEST

START_TEST(test_keys_are_escaped)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_object(&w, NULL);
    kps_jw_int(&w, "a\"b", 1);
    kps_jw_object_end(&w);
    expect(&w, "{\"a\\\"b\":1}");
}
END_TEST

static const struct {
    double v;
    const char *text;
} REALS[] = {
    {0.0, "0.0"},
    {2.0, "2.0"},
    {-0.5, "-0.5"},
    {1.83, "1.83"},
    {0.125, "0.125"},
    {12345.678, "12345.678"},
    {1234567890.0, "1234567890.0"},
    {12345678901.0, "1.23456789e10"},
    {1e-7, "1e-7"},
    {2.5e-5, "2.5e-5"},
    {1.0 / 3.0, "0.3333333333"},
    {123456.7891234, "123456.7891"},
    {-0.0, "-0.0"},
};

START_TEST(test_reals)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_real(&w, NULL, REALS[_i].v);
    expect(&w, REALS[_i].text);
}
END_TEST

/* A host program may run in a locale with a decimal comma; JSON may not.
 * (Checks something only where one of these locales is installed.) */
/* JSON has no NaN or infinity; the writer never produces invalid JSON. */
START_TEST(test_non_finite_reals_are_null)
{
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_array(&w, NULL);
    kps_jw_real(&w, NULL, NAN);
    kps_jw_real(&w, NULL, INFINITY);
    kps_jw_fixed(&w, NULL, -INFINITY, 2);
    kps_jw_fixed(&w, NULL, NAN, 3);
    kps_jw_array_end(&w);
    expect(&w, "[null,null,null,null]");
}
END_TEST

START_TEST(test_reals_ignore_locale)
{
    /* without a comma-decimal locale this would check nothing: CI has
     * one (testutil.h) */
    if (!use_comma_locale(__func__))
        return;
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_real(&w, NULL, 1.5);
    kps_jw_real(&w, NULL, 2.5e-5);
    char *got = kps_jw_finish(&w);
    setlocale(LC_ALL, "C");
    ck_assert_ptr_nonnull(got);
    /* two values back to back, no separator (not in a container) */
    ck_assert_str_eq(got, "1.52.5e-5");
    free(got);
}
END_TEST

/* kps_jw_fixed() writes without printf what kps_jw_real() writes with it:
 * compared on values rounded as result.c rounds them, across magnitudes,
 * signs and every number of decimals, and on values it must hand over
 * (too large, not rounded). */
START_TEST(test_fixed_matches_real)
{
    unsigned seed = 7;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        int decimals = (int)(seed >> 8) % 5;
        double mag = pow(10.0, (int)((seed >> 12) % 12) - 5);
        seed = seed * 1103515245u + 12345u;
        double x = (double)((seed >> 4) % 1000003) / 1000003.0 * mag;
        if (seed & 1)
            x = -x;
        double scale = pow(10.0, decimals);
        double v = floor(x * scale + 0.5) / scale;
        if (i % 1000 == 0)
            v = x; /* not rounded: the fallback */
        kps_jw a, b;
        kps_jw_init(&a, 0);
        kps_jw_init(&b, 0);
        kps_jw_fixed(&a, NULL, v, decimals);
        kps_jw_real(&b, NULL, v);
        char *fa = kps_jw_finish(&a), *fb = kps_jw_finish(&b);
        ck_assert_ptr_nonnull(fa);
        ck_assert_ptr_nonnull(fb);
        ck_assert_msg(strcmp(fa, fb) == 0, "%.17g (%d decimals): %s vs %s", v,
                      decimals, fa, fb);
        free(fa);
        free(fb);
    }
    static const double edge[] = {0.0, -0.0,   99999.9999, -99999.9999,
                                  1e5, 0.0001, 5e-5};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        kps_jw a, b;
        kps_jw_init(&a, 0);
        kps_jw_init(&b, 0);
        kps_jw_fixed(&a, NULL, edge[i], 4);
        kps_jw_real(&b, NULL, edge[i]);
        char *fa = kps_jw_finish(&a), *fb = kps_jw_finish(&b);
        ck_assert_str_eq(fa, fb);
        free(fa);
        free(fb);
    }
}
END_TEST

START_TEST(test_errors)
{
    kps_jw w;
    /* unbalanced: a container left open */
    kps_jw_init(&w, 0);
    kps_jw_object(&w, NULL);
    ck_assert_ptr_null(kps_jw_finish(&w));
    /* closing more than was opened */
    kps_jw_init(&w, 0);
    kps_jw_array_end(&w);
    ck_assert_ptr_null(kps_jw_finish(&w));
    /* nesting deeper than the writer keeps track of */
    kps_jw_init(&w, 0);
    for (int i = 0; i <= KPS_JW_MAX_DEPTH; i++)
        kps_jw_array(&w, NULL);
    for (int i = 0; i <= KPS_JW_MAX_DEPTH; i++)
        kps_jw_array_end(&w);
    ck_assert_ptr_null(kps_jw_finish(&w));
    /* nothing written */
    kps_jw_init(&w, 0);
    ck_assert_ptr_null(kps_jw_finish(&w));
    /* discard frees what was written */
    kps_jw_init(&w, 1);
    kps_jw_object(&w, NULL);
    kps_jw_string(&w, "k", "v");
    kps_jw_discard(&w);
}
END_TEST

/* Long strings go through the buffer in pieces between escapes. */
START_TEST(test_long_string)
{
    size_t n = 100000;
    char *s = malloc(n + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        s[i] = (i % 1000 == 999) ? '\n' : (char)('a' + i % 26);
    s[n] = '\0';
    kps_jw w;
    kps_jw_init(&w, 0);
    kps_jw_string(&w, NULL, s);
    char *got = kps_jw_finish(&w);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(strlen(got), n + 2 + n / 1000);
    size_t k = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            ck_assert(got[k] == '\\' && got[k + 1] == 'n');
            k += 2;
        } else {
            ck_assert(got[k++] == s[i]);
        }
    }
    ck_assert(got[k] == '"' && got[k + 1] == '\0');
    free(got);
    free(s);
}
END_TEST

static Suite *jsonw_suite(void)
{
    Suite *s = suite_create("jsonw");
    TCase *tc = tcase_create("core");
    /* exhaustive checks take seconds, more under ASan on a loaded machine:
     * Check's 4 s wall-clock default is too short */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_compact_object);
    tcase_add_test(tc, test_pretty_object);
    tcase_add_test(tc, test_string_escapes);
    tcase_add_test(tc, test_file_bytes);
    tcase_add_test(tc, test_keys_are_escaped);
    tcase_add_loop_test(tc, test_reals, 0,
                        (int)(sizeof REALS / sizeof REALS[0]));
    tcase_add_test(tc, test_reals_ignore_locale);
    tcase_add_test(tc, test_non_finite_reals_are_null);
    tcase_add_test(tc, test_fixed_matches_real);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_long_string);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(jsonw_suite());
}
