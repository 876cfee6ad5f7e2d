/* scanrecord.h - a batch record around a real scan, for the Check suites
 * of the record writers (CSV, gates).  Needs internal.h first. */
#ifndef KPISCAN_TEST_SCANRECORD_H
#define KPISCAN_TEST_SCANRECORD_H

#include <string.h>

/* Scan text under name with pack, "Present" pinned to 2026-06-01; the
 * record's result or error is the caller's to free. */
static inline kpiscan_record scan_record(kpiscan_pack *pack, const char *name,
                                         const char *text)
{
    kpiscan_record rec;
    memset(&rec, 0, sizeof rec);
    rec.name = (char *)name;
    rec.pack = pack;
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_as_of(o, 2026, 6, 1);
    rec.status = kpiscan_scan_buffer(pack, o, text, strlen(text), name,
                                     &rec.result, &rec.error);
    kpiscan_options_free(o);
    return rec;
}

#endif
