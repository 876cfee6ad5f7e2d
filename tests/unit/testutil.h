/* testutil.h - small helpers shared by the Check suites. */
#ifndef KPISCAN_TESTUTIL_H
#define KPISCAN_TESTUTIL_H

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Path of a file in the source tree (KPISCAN_SOURCE_ROOT is set by meson;
 * fall back to the working directory). */
static inline const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("KPISCAN_SOURCE_ROOT");
    snprintf(buf, sizeof buf, "%s/%s", root ? root : ".", rel);
    return buf;
}

/* Switch the whole process to a locale whose decimal point is a comma, as
 * a host program may with setlocale(LC_ALL, ""); the name set, or NULL when
 * none can be had.  A machine with no such locale installed gets de_DE
 * compiled by localedef (when the locale sources of Debian's "locales"
 * package are there) into /tmp/kpiscan-locale-UID, shared by the suites:
 * compiled once into a folder of its own, then renamed into place. */
static inline const char *comma_locale(void)
{
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                  "ru_RU.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_ALL, names[i]))
            return names[i];
    char dir[64], probe[128];
    snprintf(dir, sizeof dir, "/tmp/kpiscan-locale-%u", (unsigned)getuid());
    snprintf(probe, sizeof probe, "%s/de_DE.UTF-8/LC_NUMERIC", dir);
    if (access(probe, R_OK) != 0 &&
        access("/usr/share/i18n/locales/de_DE", R_OK) == 0) {
        char tmp[] = "/tmp/kpiscan-locale-new-XXXXXX", cmd[256];
        if (mkdtemp(tmp)) {
            snprintf(cmd, sizeof cmd,
                     "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 "
                     ">/dev/null 2>&1 && mv -T %s %s 2>/dev/null || "
                     "rm -rf %s",
                     tmp, tmp, dir, tmp);
            if (system(cmd) != 0)
                return NULL;
        }
    }
    setenv("LOCPATH", dir, 1);
    return setlocale(LC_ALL, "de_DE.UTF-8") ? "de_DE.UTF-8" : NULL;
}

/* Whether a test that needs comma_locale() must fail without one: in CI,
 * where scripts/setup.sh --test installs the locale sources. */
static inline int need_comma_locale(void)
{
    const char *ci = getenv("CI");
    return ci && strcmp(ci, "true") == 0;
}

/* comma_locale() for the test named: 1 when the process now runs in it;
 * else 0, after failing the test in CI (which must have one) or noting
 * elsewhere that it did not run. */
static inline int use_comma_locale(const char *test)
{
    if (comma_locale())
        return 1;
    ck_assert_msg(!need_comma_locale(), "no comma-decimal locale");
    fprintf(stderr, "%s: no comma-decimal locale, test not run\n", test);
    return 0;
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
