/*
 * fuzz-scan.c - the whole pipeline on a buffer, as an embedder calls it:
 * kpiscan_scan_buffer() with the default pack, then every writer.
 *
 * Options lower the limits (input 1 MiB, text 4 MiB, parts 8 MiB, PCRE2
 * match limit 100,000) so that no input is slow for a legal reason.
 * Every evidence item and span must point inside the result's text, and
 * the JSON the library writes (by hand, lib/jsonw.c) must parse with an
 * independent parser (jansson) and agree with the accessors.  The
 * prefiltered matcher must find on the result's text exactly what running
 * every rule over it finds, each hit at a candidate start of its rule.
 */
#include <jansson.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "match/match.h"

static kpiscan_pack *pack;
static kpiscan_options *opts;

static void setup(void)
{
    if (pack)
        return;
    if (kpiscan_pack_load_default(&pack, NULL) != KPISCAN_OK ||
        !(opts = kpiscan_options_new())) {
        fprintf(stderr, "fuzz-scan: cannot load the default pack\n");
        abort();
    }
    kpiscan_options_set_as_of(opts, 2026, 1, 1);
    kpiscan_options_set_match_limit(opts, FUZZ_MATCH_LIMIT);
    kpiscan_options_set_max_input_bytes(opts, FUZZ_MAX_DOC_INPUT);
    kpiscan_options_set_max_text_bytes(opts, (size_t)4 << 20);
    kpiscan_options_set_max_part_bytes(opts, (size_t)8 << 20);
    kpiscan_options_set_max_total_bytes(opts, (size_t)16 << 20);
    kpiscan_options_set_max_zip_entries(opts, 1000);
    kpiscan_options_set_gaps(opts, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_DOC_INPUT)
        return 0;
    setup();
    kpiscan_error err;
    memset(&err, 0, sizeof err);
    kpiscan_result *res = NULL;
    int rc = kpiscan_scan_buffer(pack, opts, data, size, "fuzz", &res, &err);
    FUZZ_CHECK(rc <= 0);
    if (rc != KPISCAN_OK) {
        FUZZ_CHECK(res == NULL);
        FUZZ_CHECK(err.status == rc && err.message[0] != '\0');
        char *json = kpiscan_error_to_json("fuzz", &err, 0);
        FUZZ_CHECK(json != NULL);
        json_t *j = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
        FUZZ_CHECK(j != NULL); /* the error message, escaped by hand */
        json_decref(j);
        kpiscan_free(json);
        return 0;
    }
    size_t len = 0;
    const char *text = kpiscan_result_text(res, &len);
    FUZZ_CHECK(text != NULL && text[len] == '\0');
    int level = kpiscan_result_level(res);
    FUZZ_CHECK(level >= KPISCAN_LEVEL_NONE && level <= KPISCAN_LEVEL_SENIOR);
    double conf = kpiscan_result_confidence(res);
    FUZZ_CHECK(conf >= 0.0 && conf <= 1.0);
    for (size_t i = 0; i < kpiscan_result_evidence_count(res); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(res, i);
        size_t off = kpiscan_evidence_offset(ev);
        size_t n = kpiscan_evidence_length(ev);
        FUZZ_CHECK(off <= len && n <= len - off);
        FUZZ_CHECK(kpiscan_evidence_line(ev) >= 1);
        FUZZ_CHECK(kpiscan_evidence_column(ev) >= 1);
        FUZZ_CHECK(strncmp(kpiscan_evidence_text(ev), text + off, n) == 0);
        FUZZ_CHECK(kpiscan_evidence_rule_id(ev) != NULL);
    }
    for (size_t i = 0; i < kpiscan_result_span_count(res); i++) {
        const kpiscan_span *sp = kpiscan_result_span(res, i);
        FUZZ_CHECK(kpiscan_span_line(sp) >= 1);
        FUZZ_CHECK(kpiscan_span_text(sp) != NULL);
    }
    for (unsigned flags = 0; flags <= KPISCAN_JSON_PRETTY; flags++) {
        char *json = kpiscan_result_to_json(res, opts, flags);
        FUZZ_CHECK(json != NULL);
        FUZZ_CHECK(flags || !strchr(json, '\n'));
        json_error_t jerr;
        json_t *j = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
        FUZZ_CHECK(j != NULL);
        const char *jlevel = json_string_value(json_object_get(j, "level"));
        FUZZ_CHECK(
            jlevel &&
            strcmp(jlevel, kpiscan_level_name(kpiscan_result_level(res))) == 0);
        FUZZ_CHECK(json_array_size(json_object_get(j, "evidence")) ==
                   kpiscan_result_evidence_count(res));
        FUZZ_CHECK(json_array_size(json_object_get(j, "red_flags")) ==
                   kpiscan_result_flag_count(res));
        json_decref(j);
        kpiscan_free(json);
    }
    char *explain = kpiscan_result_explain(res, opts);
    FUZZ_CHECK(explain != NULL);
    kpiscan_free(explain);
    /* Prefiltered against brute force.  A match limit hit by one path and
     * not the other (a windowed search is not a whole-text one) proves
     * nothing, so only two full results are compared. */
    kps_hits fast = {0}, all = {0};
    if (kps_match_all(pack, text, len, FUZZ_MATCH_LIMIT, "fuzz", &fast, NULL) ==
            KPISCAN_OK &&
        kps_match_all_bruteforce(pack, text, len, FUZZ_MATCH_LIMIT, "fuzz",
                                 &all, NULL) == KPISCAN_OK) {
        FUZZ_CHECK(fast.n == all.n);
        for (size_t i = 0; i < fast.n; i++)
            FUZZ_CHECK(fast.v[i].rule == all.v[i].rule &&
                       fast.v[i].start == all.v[i].start &&
                       fast.v[i].end == all.v[i].end);
        /* and each hit at a candidate of its rule, which equal lists of
         * a short text searched whole by every rule would not show */
        size_t bad = kps_match_first_uncandidated(pack, text, len, &all);
        FUZZ_CHECK(bad == all.n || bad == SIZE_MAX);
    }
    kps_hits_free(&fast);
    kps_hits_free(&all);
    kpiscan_result_free(res);
    return 0;
}
