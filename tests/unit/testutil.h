/* testutil.h - small helpers shared by the Check suites. */
#ifndef KPISCAN_TESTUTIL_H
#define KPISCAN_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a file in the source tree (KPISCAN_SOURCE_ROOT is set by meson;
 * fall back to the working directory). */
static inline const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("KPISCAN_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", rel);
    return buf;
}

/* Run one suite; exit status for meson. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
