/*
 * fuzz-pack.c - the pack loader (YAML, fields, regex compilation, the
 * literal prefilter built from the rules) and a scan with the pack.
 *
 * A pack that loads is used once on a short fixed resume with a low match
 * limit, so a rule the fuzzer makes catastrophic ends in a match-limit
 * error instead of a time-out, and its accessors are read.
 */
#include <string.h>

#include "fuzz.h"
#include "internal.h"

static const char resume[] =
    "JANE DOE\nSenior Business Analyst\n\nEXPERIENCE\n"
    "Acme Ltd | Lead Analyst | Jan 2015 - Present\n"
    "- Developed and tracked KPIs that improved team performance by 25%.\n"
    "- Built OKR dashboards for the board; 8+ years of experience.\n"
    "\nSKILLS\nKPI, SQL, Power BI\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_PACK_INPUT)
        return 0;
    kpiscan_error err;
    memset(&err, 0, sizeof err);
    kpiscan_pack *pack = NULL;
    int rc = kpiscan_pack_load_buffer((const char *)data, size, "fuzz.yaml",
                                      &pack, &err);
    FUZZ_CHECK(rc <= 0);
    if (rc != KPISCAN_OK) {
        FUZZ_CHECK(pack == NULL);
        FUZZ_CHECK(err.status == rc && err.message[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(pack != NULL);
    FUZZ_CHECK(strlen(kpiscan_pack_hash(pack)) == 64);
    (void)kpiscan_pack_name(pack);
    (void)kpiscan_pack_version(pack);
    for (size_t i = 0; i < kpiscan_pack_rule_count(pack); i++) {
        FUZZ_CHECK(kpiscan_pack_rule_id(pack, i) != NULL);
        FUZZ_CHECK(kpiscan_pack_rule_regex(pack, i) != NULL);
        FUZZ_CHECK(kpiscan_category_name(kpiscan_pack_rule_category(pack, i)));
        FUZZ_CHECK(kpiscan_level_name(kpiscan_pack_rule_level(pack, i)));
        (void)kpiscan_pack_rule_source(pack, i);
        (void)kpiscan_pack_rule_description(pack, i);
    }

    kpiscan_options *opts = kpiscan_options_new();
    if (opts) {
        kpiscan_options_set_as_of(opts, 2026, 1, 1);
        kpiscan_options_set_match_limit(opts, FUZZ_MATCH_LIMIT);
        kpiscan_result *res = NULL;
        rc = kpiscan_scan_buffer(pack, opts, resume, sizeof resume - 1,
                                 "resume.txt", &res, &err);
        FUZZ_CHECK(rc == KPISCAN_OK || rc == KPISCAN_ERR_MATCH_LIMIT ||
                   rc == KPISCAN_ERR_NOMEM || rc == KPISCAN_ERR_INTERNAL);
        if (rc == KPISCAN_OK) {
            char *json = kpiscan_result_to_json(res, opts, 0);
            FUZZ_CHECK(json != NULL);
            kpiscan_free(json);
        }
        kpiscan_result_free(res);
        kpiscan_options_free(opts);
    }
    kpiscan_pack_free(pack);
    return 0;
}
