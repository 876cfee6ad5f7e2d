/* sections.h - section headings (sections.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_TEXT_SECTIONS_H
#define KPISCAN_TEXT_SECTIONS_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

typedef enum kps_section {
    KPS_SECTION_NONE = 0,
    KPS_SECTION_SUMMARY,
    KPS_SECTION_EXPERIENCE,
    KPS_SECTION_EDUCATION,
    KPS_SECTION_SKILLS,
    KPS_SECTION_CERTIFICATIONS,
    KPS_SECTION_PROJECTS,
    KPS_SECTION_OTHER /* a heading we recognise as a heading, e.g. hobbies */
} kps_section;

const char *kps_section_name(kps_section s); /* "" for NONE */

typedef struct kps_heading {
    size_t offset; /* start of the heading: its line's start, or a label
                      glued to the line's end ("...Education Details") */
    size_t length; /* from offset to the end of the line, without LF */
    kps_section section;
} kps_heading;

typedef struct kps_sections {
    kps_heading *headings; /* sorted by offset */
    size_t n;
} kps_sections;

/* Find section headings in text (normalised, valid UTF-8, LF lines).
 * KPISCAN_OK, or KPISCAN_ERR_NOMEM with err (may be NULL) filled for the
 * document name (may be NULL). */
int kps_sections_detect(const char *text, size_t len, const char *name,
                        kps_sections *out, kpiscan_error *err);
/* Section that contains offset (the last heading at or before it). */
kps_section kps_section_at(const kps_sections *s, size_t offset);
void kps_sections_free(kps_sections *s);

#endif /* KPISCAN_TEXT_SECTIONS_H */
