/* test-sections.c - section heading detection (lib/sections.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static void detect(const char *text, kps_sections *s)
{
    ck_assert_int_eq(kps_sections_detect(text, strlen(text), NULL, s, NULL),
                     KPISCAN_OK);
}

/* Section of the line `line` as classified on its own (NONE if it is not a
 * heading). */
static kps_section line_section(const char *line)
{
    kps_sections s;
    detect(line, &s);
    kps_section r = KPS_SECTION_NONE;
    if (s.n == 1) {
        ck_assert_uint_eq(s.headings[0].offset, 0);
        r = s.headings[0].section;
    } else {
        ck_assert_uint_eq(s.n, 0);
    }
    kps_sections_free(&s);
    return r;
}

START_TEST(test_basic_resume)
{
    const char *text = "JANE DOE\n"
                       "Summary\n"
                       "Analyst with a passion for numbers.\n"
                       "Experience\n"
                       "Company Name January 2014 to January 2016 Analyst\n"
                       "Education\n"
                       "B.S. Finance, 2012\n"
                       "Skills\n"
                       "Excel, SQL";
    kps_sections s;
    detect(text, &s);
    ck_assert_uint_eq(s.n, 4);
    ck_assert_int_eq(s.headings[0].section, KPS_SECTION_SUMMARY);
    ck_assert_int_eq(s.headings[1].section, KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(s.headings[2].section, KPS_SECTION_EDUCATION);
    ck_assert_int_eq(s.headings[3].section, KPS_SECTION_SKILLS);
    /* offsets and lengths point at the heading lines */
    ck_assert_uint_eq(s.headings[0].offset, strlen("JANE DOE\n"));
    ck_assert_uint_eq(s.headings[0].length, strlen("Summary"));
    size_t exp = (size_t)(strstr(text, "Experience") - text);
    ck_assert_uint_eq(s.headings[1].offset, exp);
    ck_assert_uint_eq(s.headings[1].length, strlen("Experience"));
    /* the last heading has no LF after its content */
    size_t sk = (size_t)(strstr(text, "Skills") - text);
    ck_assert_uint_eq(s.headings[3].offset, sk);

    ck_assert_int_eq(kps_section_at(&s, 0), KPS_SECTION_NONE);
    ck_assert_int_eq(kps_section_at(&s, s.headings[0].offset),
                     KPS_SECTION_SUMMARY);
    size_t job = (size_t)(strstr(text, "January 2014") - text);
    ck_assert_int_eq(kps_section_at(&s, job), KPS_SECTION_EXPERIENCE);
    size_t deg = (size_t)(strstr(text, "B.S.") - text);
    ck_assert_int_eq(kps_section_at(&s, deg), KPS_SECTION_EDUCATION);
    ck_assert_int_eq(kps_section_at(&s, strlen(text)), KPS_SECTION_SKILLS);
    ck_assert_int_eq(kps_section_at(&s, exp - 1), KPS_SECTION_SUMMARY);
    kps_sections_free(&s);
    ck_assert_ptr_null(s.headings);
    ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(test_variants)
{
    ck_assert_int_eq(line_section("PROFESSIONAL EXPERIENCE"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("Professional Experience"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("Work History:"), KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("  Employment History :  "),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("\xE2\x80\xA2 EDUCATION \xE2\x80\xA2"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("== Skills =="), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("---- Certifications ----"),
                     KPS_SECTION_CERTIFICATIONS);
    ck_assert_int_eq(line_section("E X P E R I E N C E"),
                     KPS_SECTION_EXPERIENCE);
    /* letters spaced out, words two spaces apart or beside '&' */
    ck_assert_int_eq(line_section("W O R K  E X P E R I E N C E"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("E D U C A T I O N & C O U R S E S"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(
        line_section("P R O F E S S I O N A L   E X P E R I E N C E"),
        KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("S K I L L S"), KPS_SECTION_SKILLS);
    /* words as far apart as letters: the phrase, spaces dropped */
    ck_assert_int_eq(line_section("W O R K E X P E R I E N C E"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("P R O F E S S I O N A L S U M M A R Y"),
                     KPS_SECTION_SUMMARY);
    /* initials are no heading */
    ck_assert_int_eq(line_section("J D Smith"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Education & Training"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Education and Training"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Education and courses:"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Courses"), KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Experience and projects"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("Licenses and Certifications"),
                     KPS_SECTION_CERTIFICATIONS);
    ck_assert_int_eq(line_section("Core   Competencies"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("Skill Highlights"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("Highlights"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("Qualifications"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("Career Objective"), KPS_SECTION_SUMMARY);
    ck_assert_int_eq(line_section("Executive Profile"), KPS_SECTION_SUMMARY);
    ck_assert_int_eq(line_section("About Me"), KPS_SECTION_SUMMARY);
    ck_assert_int_eq(line_section("Key Projects"), KPS_SECTION_PROJECTS);
    ck_assert_int_eq(line_section("Projects"), KPS_SECTION_PROJECTS);
    ck_assert_int_eq(line_section("Interests"), KPS_SECTION_OTHER);
    ck_assert_int_eq(line_section("Additional Information"), KPS_SECTION_OTHER);
    ck_assert_int_eq(line_section("Professional Affiliations"),
                     KPS_SECTION_OTHER);
    ck_assert_int_eq(line_section("References"), KPS_SECTION_OTHER);
    ck_assert_int_eq(line_section("Accomplishments"), KPS_SECTION_EXPERIENCE);
}
END_TEST

START_TEST(test_inline_heading)
{
    const char *text = "Skills: Excel, SQL, Tableau\n"
                       "Experience: 5 years in retail analytics\n";
    kps_sections s;
    detect(text, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_int_eq(s.headings[0].section, KPS_SECTION_SKILLS);
    ck_assert_uint_eq(s.headings[0].offset, 0);
    ck_assert_uint_eq(s.headings[0].length,
                      strlen("Skills: Excel, SQL, Tableau"));
    ck_assert_int_eq(s.headings[1].section, KPS_SECTION_EXPERIENCE);
    kps_sections_free(&s);

    /* a long list after the colon is fine: the limit is on the phrase */
    ck_assert_int_eq(
        line_section("Technical Skills: Excel, SQL, Tableau, Power BI, Python, "
                     "R, SAS, SPSS, Looker, dbt, Airflow, Snowflake"),
        KPS_SECTION_SKILLS);
    /* "Certificate : Six Sigma" is an entry of an education list */
    ck_assert_int_eq(
        line_section("Certificate : Six Sigma Villanova University"),
        KPS_SECTION_NONE);
    /* an unknown label is not a heading */
    ck_assert_int_eq(line_section("Note: references on request"),
                     KPS_SECTION_NONE);
}
END_TEST

/* In-job labels do not end the experience section: a "Label: content"
 * line heads only itself, and so does a lone "Tools:" line. */
START_TEST(test_in_job_labels)
{
    const char *text = "Experience\n"
                       "Developer, Acme 2019 - 2020\n"
                       "Technologies: React, Redux\n"
                       "Built the booking page\n"
                       "Tools:\n"
                       "Analyst, Beta 2020 - 2022\n"
                       "Skills\n"
                       "Excel\n";
    kps_sections s;
    detect(text, &s);
    size_t built = (size_t)(strstr(text, "Built") - text);
    size_t analyst = (size_t)(strstr(text, "Analyst") - text);
    size_t tech = (size_t)(strstr(text, "Technologies") - text);
    size_t excel = (size_t)(strstr(text, "Excel") - text);
    ck_assert_int_eq(kps_section_at(&s, tech), KPS_SECTION_SKILLS);
    ck_assert_int_eq(kps_section_at(&s, built), KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(kps_section_at(&s, analyst), KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(kps_section_at(&s, excel), KPS_SECTION_SKILLS);
    kps_sections_free(&s);

    /* labels one after another stay inside the job */
    text = "Experience\n"
           "Developer, Acme 2019 - 2020\n"
           "Projects: Store, CRM\n"
           "Technologies: Python, Docker\n"
           "Tools: Git\n"
           "Analyst, Beta 2020 - 2022\n";
    detect(text, &s);
    tech = (size_t)(strstr(text, "Technologies") - text);
    analyst = (size_t)(strstr(text, "Analyst") - text);
    ck_assert_int_eq(kps_section_at(&s, tech), KPS_SECTION_SKILLS);
    ck_assert_int_eq(kps_section_at(&s, analyst), KPS_SECTION_EXPERIENCE);
    kps_sections_free(&s);

    /* but a section's label after a job's ends the job */
    text = "Experience\n"
           "Developer, Acme 2019 - 2020\n"
           "Technologies: Excel, Power BI\n"
           "Skills: SQL, Tableau\n"
           "Power BI, Looker\n";
    detect(text, &s);
    ck_assert_int_eq(kps_section_at(&s, strlen(text) - 3), KPS_SECTION_SKILLS);
    kps_sections_free(&s);

    /* outside experience a label is an ordinary heading */
    text = "Skills: Excel, SQL\nPivot tables\n";
    detect(text, &s);
    ck_assert_int_eq(kps_section_at(&s, strlen(text) - 3), KPS_SECTION_SKILLS);
    kps_sections_free(&s);
}
END_TEST

/* Profile exports glue each field's label to the end of the line before
 * it: the label heads the lines that follow, the words before it keep
 * their section. */
START_TEST(test_glued_details_labels)
{
    const char *text =
        "Skills * Python, Tableau, MS Excel.Education Details \n"
        "June 2012 to May 2016 B.Tech Pune University\n"
        "Skill Details \n"
        "SQL- Exprience - 24 monthsCompany Details \n"
        "company - Northwind Traders\n"
        "description - January 2017 to Present, built sales dashboards\n";
    kps_sections s;
    detect(text, &s);
    ck_assert_uint_eq(s.n, 3);
    size_t edu = (size_t)(strstr(text, "Education Details") - text);
    size_t comp = (size_t)(strstr(text, "Company Details") - text);
    ck_assert_int_eq(s.headings[0].section, KPS_SECTION_EDUCATION);
    ck_assert_uint_eq(s.headings[0].offset, edu);
    ck_assert_uint_eq(s.headings[0].length, strlen("Education Details "));
    ck_assert_int_eq(s.headings[1].section, KPS_SECTION_SKILLS);
    ck_assert_int_eq(s.headings[2].section, KPS_SECTION_EXPERIENCE);
    ck_assert_uint_eq(s.headings[2].offset, comp);
    /* the words before a label stay where they were */
    size_t excel = (size_t)(strstr(text, "MS Excel") - text);
    size_t months = (size_t)(strstr(text, "months") - text);
    ck_assert_int_eq(kps_section_at(&s, excel), KPS_SECTION_NONE);
    ck_assert_int_eq(kps_section_at(&s, months), KPS_SECTION_SKILLS);
    size_t degree = (size_t)(strstr(text, "B.Tech") - text);
    size_t job = (size_t)(strstr(text, "January 2017") - text);
    ck_assert_int_eq(kps_section_at(&s, degree), KPS_SECTION_EDUCATION);
    ck_assert_int_eq(kps_section_at(&s, job), KPS_SECTION_EXPERIENCE);
    kps_sections_free(&s);

    /* a line that ends in other heading words is a sentence */
    ck_assert_int_eq(
        line_section(
            "Taught classes in Physical Education\nCoached the team\n"),
        KPS_SECTION_NONE);
    ck_assert_int_eq(
        line_section("Kept the client's project details\nup to date\n"),
        KPS_SECTION_NONE);
    /* not a label we know */
    ck_assert_int_eq(line_section("Collected Customer Details\n"),
                     KPS_SECTION_NONE);
}
END_TEST

START_TEST(test_not_headings)
{
    /* sentences and phrases that merely contain heading words */
    ck_assert_int_eq(line_section("I have experience in sales."),
                     KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Experience managing budgets"),
                     KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Skills and experience gained at the firm "
                                  "include budgeting"),
                     KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Summary of the quarterly results was "
                                  "presented to the board."),
                     KPS_SECTION_NONE);
    /* a word wrapped onto its own line by PDF conversion */
    ck_assert_int_eq(line_section("experience"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("projects"), KPS_SECTION_NONE);
    /* frequent items of a skills list */
    ck_assert_int_eq(line_section("Training"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Research"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Customer Service"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Project Management"), KPS_SECTION_NONE);
    /* digits: a job line, not a heading */
    ck_assert_int_eq(line_section("Experience 2015"), KPS_SECTION_NONE);
    /* length is judged after trimming: padding does not hide a heading */
    char longline[200];
    memset(longline, ' ', sizeof longline);
    memcpy(longline, "Skills", 6);
    longline[sizeof longline - 1] = '\0';
    ck_assert_int_eq(line_section(longline), KPS_SECTION_SKILLS);
    memset(longline, ' ', sizeof longline);
    memcpy(longline + 100, "Skills", 6);
    longline[sizeof longline - 1] = '\0';
    ck_assert_int_eq(line_section(longline), KPS_SECTION_SKILLS);
    /* more than six words */
    ck_assert_int_eq(line_section("Skills Skills Skills Skills Skills Skills "
                                  "Skills"),
                     KPS_SECTION_NONE);
    ck_assert_int_eq(line_section(""), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("\xE2\x80\xA2"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section(":"), KPS_SECTION_NONE);
}
END_TEST

START_TEST(test_names_and_edges)
{
    ck_assert_str_eq(kps_section_name(KPS_SECTION_NONE), "");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_SUMMARY), "summary");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_EXPERIENCE), "experience");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_EDUCATION), "education");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_SKILLS), "skills");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_CERTIFICATIONS),
                     "certifications");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_PROJECTS), "projects");
    ck_assert_str_eq(kps_section_name(KPS_SECTION_OTHER), "other");
    ck_assert_str_eq(kps_section_name((kps_section)99), "");

    kps_sections s;
    ck_assert_int_eq(kps_sections_detect("", 0, NULL, &s, NULL), KPISCAN_OK);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_int_eq(kps_section_at(&s, 0), KPS_SECTION_NONE);
    kps_sections_free(&s);
    ck_assert_int_eq(kps_section_at(NULL, 10), KPS_SECTION_NONE);
    kps_sections_free(NULL); /* no-op */

    /* len is honoured: the heading past len is not seen */
    const char *text = "Summary\nSkills\n";
    ck_assert_int_eq(kps_sections_detect(text, 8, NULL, &s, NULL), KPISCAN_OK);
    ck_assert_uint_eq(s.n, 1);
    kps_sections_free(&s);
    /* a prefix cut inside a word is no heading */
    ck_assert_int_eq(kps_sections_detect(text, 3, NULL, &s, NULL), KPISCAN_OK);
    ck_assert_uint_eq(s.n, 0);
    kps_sections_free(&s);
}
END_TEST

START_TEST(test_many_headings)
{
    /* Hostile: a very long run of headings stays bounded. */
    size_t reps = 50000;
    const char *unit = "Skills\n";
    size_t ul = strlen(unit);
    char *text = malloc(reps * ul + 1);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * ul, unit, ul);
    text[reps * ul] = '\0';
    kps_sections s;
    ck_assert_int_eq(kps_sections_detect(text, reps * ul, NULL, &s, NULL),
                     KPISCAN_OK);
    ck_assert_uint_gt(s.n, 0);
    ck_assert_uint_le(s.n, 10000);
    for (size_t i = 1; i < s.n; i++)
        ck_assert_uint_gt(s.headings[i].offset, s.headings[i - 1].offset);
    ck_assert_int_eq(kps_section_at(&s, reps * ul - 1), KPS_SECTION_SKILLS);
    kps_sections_free(&s);
    free(text);
}
END_TEST

/* Words that head a section only when emphasised, and bilingual or
 * doubled headings. */
/* A two-column CV's sidebar "Profile" between a job's dates and its
 * duties does not end the experience section; a summary heading further
 * on, or before any dated line, is a heading as ever. */
START_TEST(test_sidebar_summary_among_jobs)
{
    const char *text = "Experience\n"
                       "Analytics Team Lead\n"
                       "ACME | 2022 - Present\n"
                       "Profile\n"
                       "Led the reporting team\n";
    kps_sections s;
    detect(text, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_int_eq(s.headings[0].section, KPS_SECTION_EXPERIENCE);
    kps_sections_free(&s);

    text = "Experience\n"
           "Analytics Team Lead at ACME\n"
           "Profile\n"
           "Analyst who likes numbers\n";
    detect(text, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_int_eq(s.headings[1].section, KPS_SECTION_SUMMARY);
    kps_sections_free(&s);

    text = "Experience\n"
           "Team Lead, ACME, 2019 - 2022\n"
           "Ran the reports\nHired analysts\nBuilt dashboards\n"
           "Coached staff\nCut costs\nWon awards\n"
           "Summary\n"
           "Analyst who likes numbers\n";
    detect(text, &s);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_int_eq(s.headings[1].section, KPS_SECTION_SUMMARY);
    kps_sections_free(&s);
}
END_TEST

START_TEST(test_emphasised_and_bilingual)
{
    ck_assert_int_eq(line_section("TRAINING"), KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Training:"), KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Training"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("WORK"), KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("Work"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("KEYWORDS"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("BERUFSERFAHRUNG / EXPERIENCE"),
                     KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("AUSBILDUNG | EDUCATION"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(line_section("Skills / Tools"), KPS_SECTION_SKILLS);
    ck_assert_int_eq(line_section("Sales / Marketing"), KPS_SECTION_NONE);
}
END_TEST

/* Two-column layouts put both columns' headings on one line: the first
 * (left) one heads what follows; both halves must name whole sections. */
START_TEST(test_headings_side_by_side)
{
    ck_assert_int_eq(line_section("EXPERIENCE SKILLS"), KPS_SECTION_EXPERIENCE);
    ck_assert_int_eq(line_section("Summary Education"), KPS_SECTION_SUMMARY);
    ck_assert_int_eq(line_section("EDUCATION   TECHNICAL SKILLS"),
                     KPS_SECTION_EDUCATION);
    ck_assert_int_eq(
        line_section("Additional Information Honors and Awards: Dean's List"),
        KPS_SECTION_OTHER);
    /* a phrase of its own wins over a split */
    ck_assert_int_eq(line_section("Experience Summary"), KPS_SECTION_SUMMARY);
    ck_assert_int_eq(line_section("Experience Design"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Skills Matrix"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("TRAINING EXPERIENCE"), KPS_SECTION_NONE);
    /* words that qualify a heading do not split it */
    ck_assert_int_eq(line_section("Career Interests"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Software Projects"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Highlights Achievements"), KPS_SECTION_NONE);
    ck_assert_int_eq(line_section("Career Accomplishments"), KPS_SECTION_NONE);
    /* a summary on the right summarises the left */
    ck_assert_int_eq(line_section("WORK EXPERIENCE SUMMARY"), KPS_SECTION_NONE);
    /* two halves, not three parts */
    ck_assert_int_eq(line_section("SUMMARY EDUCATION SKILLS"),
                     KPS_SECTION_NONE);
    /* past two words only in capitals: title case is a job's line */
    ck_assert_int_eq(line_section("Education Technical Skills"),
                     KPS_SECTION_NONE);
}
END_TEST

static Suite *sections_suite(void)
{
    Suite *s = suite_create("sections");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_basic_resume);
    tcase_add_test(tc, test_variants);
    tcase_add_test(tc, test_inline_heading);
    tcase_add_test(tc, test_in_job_labels);
    tcase_add_test(tc, test_glued_details_labels);
    tcase_add_test(tc, test_not_headings);
    tcase_add_test(tc, test_names_and_edges);
    tcase_add_test(tc, test_many_headings);
    tcase_add_test(tc, test_emphasised_and_bilingual);
    tcase_add_test(tc, test_headings_side_by_side);
    tcase_add_test(tc, test_sidebar_summary_among_jobs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(sections_suite());
}
