/* header-c99.c - kpiscan.h must compile as strict C99 (-std=c99 -pedantic
 * -Werror -Wall -Wextra): an ATS may build with an older standard than
 * the library does, and the header is all it sees of us.  Linking and
 * running it also proves the declarations match the library. */
#include <kpiscan.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_options *opts = kpiscan_options_new();
    kpiscan_pack *pack = NULL;
    kpiscan_result *res = NULL;
    static const char cv[] = "Senior analyst. Tracked KPIs since 2015.\n";
    int rc = kpiscan_pack_load_default(&pack, err);
    /* A setter fills no error object: its status is the message. */
    if (rc == KPISCAN_OK &&
        (rc = kpiscan_options_set_format_hint(opts, "text")) != KPISCAN_OK)
        printf("header-c99: format hint: %s\n", kpiscan_strerror(rc));
    else if (rc == KPISCAN_OK &&
             (rc = kpiscan_scan_buffer(pack, opts, cv, strlen(cv), "c99", &res,
                                       err)) == KPISCAN_OK &&
             strcmp(kpiscan_version(), KPISCAN_VERSION_STRING) == 0)
        printf("header-c99: %s, %lu evidence items\n",
               kpiscan_level_name(kpiscan_result_level(res)),
               (unsigned long)kpiscan_result_evidence_count(res));
    else
        printf("header-c99: %s\n", rc == KPISCAN_OK
                                       ? "version mismatch"
                                       : kpiscan_error_message(err));
    kpiscan_result_free(res);
    kpiscan_pack_free(pack);
    kpiscan_options_free(opts);
    kpiscan_error_free(err);
    return rc == KPISCAN_OK &&
                   strcmp(kpiscan_version(), KPISCAN_VERSION_STRING) == 0
               ? 0
               : 1;
}
