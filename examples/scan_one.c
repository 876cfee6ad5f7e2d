/* scan_one.c - the README's library example: scan one resume. */
#include <kpiscan.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    kpiscan_result *res = NULL;
    int rc = kpiscan_pack_load_default(&pack, err);
    if (rc == KPISCAN_OK && argc > 1)
        rc = kpiscan_scan_file(pack, NULL, argv[1], &res, err);
    if (rc != KPISCAN_OK || !res) {
        fprintf(stderr, "scan_one: %s\n",
                argc > 1 ? kpiscan_error_message(err) : "usage: scan_one FILE");
    } else {
        printf("%s: %s, confidence %.2f, %zu evidence items\n", argv[1],
               kpiscan_level_name(kpiscan_result_level(res)),
               kpiscan_result_confidence(res),
               kpiscan_result_evidence_count(res));
    }
    kpiscan_result_free(res);
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
    return rc == KPISCAN_OK && res ? 0 : 1;
}
