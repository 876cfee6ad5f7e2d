/*
 * sections.c - find the section headings of a resume.
 *
 * Input is normalised text (valid UTF-8, LF line ends, ASCII dashes and
 * quotes).  A line is a heading when, stripped of bullets, decoration and a
 * trailing ':', it is one of the phrases in the table below (compared
 * case-insensitively, runs of spaces collapsed, '&' read as "and").  The
 * table was built from the headings that occur in real resumes (the
 * resumes-txt corpus): a heading is a fixed phrase, so an exact lookup is
 * both conservative and fast.
 *
 * Rules that keep sentences and list items from being taken as headings:
 *   - at most 60 bytes and 6 words (after trimming);
 *   - the first letter must be upper case: PDF text wraps long lines, and
 *     a lone "experience" or "projects" line is the tail of a sentence;
 *   - a few single words that are far more often an item of a skills list
 *     than a heading ("Training", "Presentations", "Leadership") are not in
 *     the table at all; "Qualifications" is mapped to skills because that is
 *     what follows it in real resumes.
 * "Skills: Excel, SQL" (known phrase, ':' and content on the same line)
 * also starts a section; there the length limit applies to the phrase only.
 * So does a "... Details" label glued to the end of a line by a profile
 * export ("...MS Excel.Education Details"; tail_heading()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "text/sections.h"

#define MAX_HEADING_BYTES 60
#define MAX_HEADING_WORDS 6
/* A resume has a dozen headings.  Past this many the detector stops (the
 * rest of the text belongs to the last one), which bounds memory on
 * hostile input such as a million "Skills" lines. */
#define MAX_HEADINGS 10000

typedef struct heading_phrase {
    const char *phrase; /* lower case, single spaces, "and" for '&' */
    size_t len;         /* strlen(phrase), so most entries cost one compare */
    kps_section section;
    int column; /* names a whole section of a CV's page (side_by_side()) */
} heading_phrase;
#define PHRASE(s, section)                                                     \
    {                                                                          \
        s, sizeof s - 1, section, 0                                            \
    }
#define COLUMN(s, section)                                                     \
    {                                                                          \
        s, sizeof s - 1, section, 1                                            \
    }

static const heading_phrase PHRASES[] = {
    /* summary */
    COLUMN("summary", KPS_SECTION_SUMMARY),
    COLUMN("professional summary", KPS_SECTION_SUMMARY),
    PHRASE("executive summary", KPS_SECTION_SUMMARY),
    PHRASE("career summary", KPS_SECTION_SUMMARY),
    PHRASE("summary of qualifications", KPS_SECTION_SUMMARY),
    PHRASE("qualifications summary", KPS_SECTION_SUMMARY),
    PHRASE("qualification summary", KPS_SECTION_SUMMARY),
    PHRASE("summary of experience", KPS_SECTION_SUMMARY),
    PHRASE("experience summary", KPS_SECTION_SUMMARY),
    COLUMN("profile", KPS_SECTION_SUMMARY),
    PHRASE("professional profile", KPS_SECTION_SUMMARY),
    PHRASE("executive profile", KPS_SECTION_SUMMARY),
    PHRASE("career profile", KPS_SECTION_SUMMARY),
    PHRASE("personal profile", KPS_SECTION_SUMMARY),
    PHRASE("profile summary", KPS_SECTION_SUMMARY),
    COLUMN("objective", KPS_SECTION_SUMMARY),
    PHRASE("career objective", KPS_SECTION_SUMMARY),
    PHRASE("professional objective", KPS_SECTION_SUMMARY),
    PHRASE("job objective", KPS_SECTION_SUMMARY),
    PHRASE("objectives", KPS_SECTION_SUMMARY),
    COLUMN("about me", KPS_SECTION_SUMMARY),
    PHRASE("career overview", KPS_SECTION_SUMMARY),
    PHRASE("professional overview", KPS_SECTION_SUMMARY),
    PHRASE("overview", KPS_SECTION_SUMMARY),
    PHRASE("career focus", KPS_SECTION_SUMMARY),
    PHRASE("introduction", KPS_SECTION_SUMMARY),

    /* experience */
    COLUMN("experience", KPS_SECTION_EXPERIENCE),
    COLUMN("work experience", KPS_SECTION_EXPERIENCE),
    COLUMN("professional experience", KPS_SECTION_EXPERIENCE),
    COLUMN("relevant experience", KPS_SECTION_EXPERIENCE),
    PHRASE("related experience", KPS_SECTION_EXPERIENCE),
    COLUMN("employment", KPS_SECTION_EXPERIENCE),
    COLUMN("employment history", KPS_SECTION_EXPERIENCE),
    PHRASE("employment experience", KPS_SECTION_EXPERIENCE),
    COLUMN("work history", KPS_SECTION_EXPERIENCE),
    PHRASE("career history", KPS_SECTION_EXPERIENCE),
    PHRASE("professional history", KPS_SECTION_EXPERIENCE),
    PHRASE("experience history", KPS_SECTION_EXPERIENCE),
    PHRASE("experience and projects", KPS_SECTION_EXPERIENCE),
    PHRASE("experience and accomplishments", KPS_SECTION_EXPERIENCE),
    PHRASE("professional experience and accomplishments",
           KPS_SECTION_EXPERIENCE),
    PHRASE("relevant work experience", KPS_SECTION_EXPERIENCE),
    PHRASE("relevant professional experience", KPS_SECTION_EXPERIENCE),
    PHRASE("military experience", KPS_SECTION_EXPERIENCE),
    PHRASE("military service", KPS_SECTION_EXPERIENCE),
    PHRASE("teaching experience", KPS_SECTION_EXPERIENCE),
    PHRASE("management experience", KPS_SECTION_EXPERIENCE),
    PHRASE("leadership experience", KPS_SECTION_EXPERIENCE),
    PHRASE("industry experience", KPS_SECTION_EXPERIENCE),
    PHRASE("consulting experience", KPS_SECTION_EXPERIENCE),
    PHRASE("internship experience", KPS_SECTION_EXPERIENCE),
    PHRASE("internships", KPS_SECTION_EXPERIENCE),
    PHRASE("additional experience", KPS_SECTION_EXPERIENCE),
    PHRASE("other experience", KPS_SECTION_EXPERIENCE),
    PHRASE("previous experience", KPS_SECTION_EXPERIENCE),
    PHRASE("work experiences", KPS_SECTION_EXPERIENCE),
    PHRASE("experiences", KPS_SECTION_EXPERIENCE),
    PHRASE("career", KPS_SECTION_EXPERIENCE),
    PHRASE("career experience", KPS_SECTION_EXPERIENCE),
    PHRASE("career highlights", KPS_SECTION_EXPERIENCE),
    PHRASE("positions held", KPS_SECTION_EXPERIENCE),
    PHRASE("company details", KPS_SECTION_EXPERIENCE),
    PHRASE("employment details", KPS_SECTION_EXPERIENCE),

    /* education */
    COLUMN("education", KPS_SECTION_EDUCATION),
    PHRASE("education and training", KPS_SECTION_EDUCATION),
    PHRASE("education and certifications", KPS_SECTION_EDUCATION),
    PHRASE("education and certification", KPS_SECTION_EDUCATION),
    PHRASE("education and qualifications", KPS_SECTION_EDUCATION),
    PHRASE("education and professional development", KPS_SECTION_EDUCATION),
    PHRASE("education and credentials", KPS_SECTION_EDUCATION),
    PHRASE("educational background", KPS_SECTION_EDUCATION),
    PHRASE("educational qualifications", KPS_SECTION_EDUCATION),
    PHRASE("educational qualification", KPS_SECTION_EDUCATION),
    PHRASE("educational details", KPS_SECTION_EDUCATION),
    PHRASE("academic background", KPS_SECTION_EDUCATION),
    PHRASE("academic qualifications", KPS_SECTION_EDUCATION),
    PHRASE("academic qualification", KPS_SECTION_EDUCATION),
    PHRASE("academic details", KPS_SECTION_EDUCATION),
    PHRASE("academics", KPS_SECTION_EDUCATION),
    PHRASE("academic profile", KPS_SECTION_EDUCATION),
    PHRASE("academic history", KPS_SECTION_EDUCATION),
    PHRASE("education history", KPS_SECTION_EDUCATION),
    PHRASE("education and courses", KPS_SECTION_EDUCATION),
    COLUMN("courses", KPS_SECTION_EDUCATION),
    PHRASE("professional courses", KPS_SECTION_EDUCATION),
    PHRASE("additional education", KPS_SECTION_EDUCATION),
    PHRASE("further education", KPS_SECTION_EDUCATION),
    PHRASE("education details", KPS_SECTION_EDUCATION),
    PHRASE("education background", KPS_SECTION_EDUCATION),
    PHRASE("training and education", KPS_SECTION_EDUCATION),
    PHRASE("coursework", KPS_SECTION_EDUCATION),
    PHRASE("relevant coursework", KPS_SECTION_EDUCATION),

    /* skills */
    COLUMN("skills", KPS_SECTION_SKILLS),
    PHRASE("skill", KPS_SECTION_SKILLS),
    COLUMN("technical skills", KPS_SECTION_SKILLS),
    COLUMN("key skills", KPS_SECTION_SKILLS),
    PHRASE("core skills", KPS_SECTION_SKILLS),
    PHRASE("professional skills", KPS_SECTION_SKILLS),
    PHRASE("computer skills", KPS_SECTION_SKILLS),
    PHRASE("relevant skills", KPS_SECTION_SKILLS),
    PHRASE("skills summary", KPS_SECTION_SKILLS),
    PHRASE("summary of skills", KPS_SECTION_SKILLS),
    PHRASE("skill highlights", KPS_SECTION_SKILLS),
    PHRASE("skills highlights", KPS_SECTION_SKILLS),
    PHRASE("skills and abilities", KPS_SECTION_SKILLS),
    PHRASE("skills and qualifications", KPS_SECTION_SKILLS),
    PHRASE("skills and expertise", KPS_SECTION_SKILLS),
    PHRASE("skills and competencies", KPS_SECTION_SKILLS),
    PHRASE("skill set", KPS_SECTION_SKILLS),
    PHRASE("skillset", KPS_SECTION_SKILLS),
    PHRASE("skill details", KPS_SECTION_SKILLS),
    PHRASE("skills details", KPS_SECTION_SKILLS),
    PHRASE("technical skills and qualifications", KPS_SECTION_SKILLS),
    PHRASE("technical proficiencies", KPS_SECTION_SKILLS),
    PHRASE("technical expertise", KPS_SECTION_SKILLS),
    PHRASE("technical summary", KPS_SECTION_SKILLS),
    PHRASE("it skills", KPS_SECTION_SKILLS),
    PHRASE("highlights", KPS_SECTION_SKILLS),
    PHRASE("core qualifications", KPS_SECTION_SKILLS),
    PHRASE("qualifications", KPS_SECTION_SKILLS),
    PHRASE("core competencies", KPS_SECTION_SKILLS),
    PHRASE("key competencies", KPS_SECTION_SKILLS),
    PHRASE("competencies", KPS_SECTION_SKILLS),
    PHRASE("core strengths", KPS_SECTION_SKILLS),
    PHRASE("strengths", KPS_SECTION_SKILLS),
    PHRASE("areas of expertise", KPS_SECTION_SKILLS),
    PHRASE("area of expertise", KPS_SECTION_SKILLS),
    PHRASE("expertise", KPS_SECTION_SKILLS),
    PHRASE("tools", KPS_SECTION_SKILLS),
    PHRASE("tools and technologies", KPS_SECTION_SKILLS),
    PHRASE("technologies", KPS_SECTION_SKILLS),
    PHRASE("software", KPS_SECTION_SKILLS),

    /* certifications */
    COLUMN("certifications", KPS_SECTION_CERTIFICATIONS),
    PHRASE("certification", KPS_SECTION_CERTIFICATIONS),
    COLUMN("certificates", KPS_SECTION_CERTIFICATIONS),
    PHRASE("certificate", KPS_SECTION_CERTIFICATIONS),
    PHRASE("professional certifications", KPS_SECTION_CERTIFICATIONS),
    PHRASE("licenses", KPS_SECTION_CERTIFICATIONS),
    PHRASE("license", KPS_SECTION_CERTIFICATIONS),
    PHRASE("licenses and certifications", KPS_SECTION_CERTIFICATIONS),
    PHRASE("licenses and certificates", KPS_SECTION_CERTIFICATIONS),
    PHRASE("certifications and licenses", KPS_SECTION_CERTIFICATIONS),
    PHRASE("certifications and training", KPS_SECTION_CERTIFICATIONS),
    PHRASE("training and certifications", KPS_SECTION_CERTIFICATIONS),
    PHRASE("training and certification", KPS_SECTION_CERTIFICATIONS),
    PHRASE("licensure", KPS_SECTION_CERTIFICATIONS),
    PHRASE("credentials", KPS_SECTION_CERTIFICATIONS),

    /* projects */
    COLUMN("projects", KPS_SECTION_PROJECTS),
    PHRASE("key projects", KPS_SECTION_PROJECTS),
    PHRASE("academic projects", KPS_SECTION_PROJECTS),
    PHRASE("personal projects", KPS_SECTION_PROJECTS),
    PHRASE("selected projects", KPS_SECTION_PROJECTS),
    PHRASE("project experience", KPS_SECTION_PROJECTS),
    PHRASE("projects undertaken", KPS_SECTION_PROJECTS),
    PHRASE("project details", KPS_SECTION_PROJECTS),

    /* headings that end a section without being one we score */
    COLUMN("interests", KPS_SECTION_OTHER),
    COLUMN("hobbies", KPS_SECTION_OTHER),
    PHRASE("hobbies and interests", KPS_SECTION_OTHER),
    PHRASE("personal interests", KPS_SECTION_OTHER),
    COLUMN("references", KPS_SECTION_OTHER),
    COLUMN("languages", KPS_SECTION_OTHER),
    PHRASE("language skills", KPS_SECTION_OTHER),
    COLUMN("awards", KPS_SECTION_OTHER),
    PHRASE("honors", KPS_SECTION_OTHER),
    COLUMN("honors and awards", KPS_SECTION_OTHER),
    PHRASE("awards and honors", KPS_SECTION_OTHER),
    PHRASE("awards and recognition", KPS_SECTION_OTHER),
    PHRASE("activities and honors", KPS_SECTION_OTHER),
    PHRASE("activities", KPS_SECTION_OTHER),
    PHRASE("extracurricular activities", KPS_SECTION_OTHER),
    /* accomplishments are work done for an employer, and real resumes
     * write whole jobs under such a heading (RUBRIC.md: evidence "in work
     * (jobs, achievements, projects done for an employer)") */
    COLUMN("accomplishments", KPS_SECTION_EXPERIENCE),
    PHRASE("core accomplishments", KPS_SECTION_EXPERIENCE),
    PHRASE("key accomplishments", KPS_SECTION_EXPERIENCE),
    COLUMN("achievements", KPS_SECTION_EXPERIENCE),
    PHRASE("key achievements", KPS_SECTION_EXPERIENCE),
    PHRASE("volunteer", KPS_SECTION_OTHER),
    PHRASE("volunteer experience", KPS_SECTION_OTHER),
    PHRASE("volunteer work", KPS_SECTION_OTHER),
    PHRASE("volunteering", KPS_SECTION_OTHER),
    PHRASE("community service", KPS_SECTION_OTHER),
    PHRASE("community involvement", KPS_SECTION_OTHER),
    PHRASE("publications", KPS_SECTION_OTHER),
    PHRASE("presentations and publications", KPS_SECTION_OTHER),
    PHRASE("publications and presentations", KPS_SECTION_OTHER),
    COLUMN("additional information", KPS_SECTION_OTHER),
    PHRASE("additional skills", KPS_SECTION_SKILLS),
    COLUMN("personal information", KPS_SECTION_OTHER),
    COLUMN("personal details", KPS_SECTION_OTHER),
    PHRASE("personal data", KPS_SECTION_OTHER),
    COLUMN("contact", KPS_SECTION_OTHER),
    PHRASE("contact information", KPS_SECTION_OTHER),
    PHRASE("affiliations", KPS_SECTION_OTHER),
    PHRASE("professional affiliations", KPS_SECTION_OTHER),
    PHRASE("memberships", KPS_SECTION_OTHER),
    PHRASE("professional memberships", KPS_SECTION_OTHER),
    PHRASE("associations", KPS_SECTION_OTHER),
    PHRASE("professional associations", KPS_SECTION_OTHER),
    PHRASE("professional development", KPS_SECTION_OTHER),
    PHRASE("research experience", KPS_SECTION_EXPERIENCE),
    PHRASE("responsibilities", KPS_SECTION_EXPERIENCE),
    PHRASE("key responsibilities", KPS_SECTION_EXPERIENCE),
    PHRASE("responsibilities and achievements", KPS_SECTION_EXPERIENCE),
    PHRASE("key responsibilities and achievements", KPS_SECTION_EXPERIENCE),
    PHRASE("duties and responsibilities", KPS_SECTION_EXPERIENCE),
};

/* Words that head a section only when written as a heading is, in
 * capitals or with a trailing colon ("TRAINING", "Work:"): in running text
 * and skills lists they are ordinary words. */
static const heading_phrase EMPHASISED_PHRASES[] = {
    PHRASE("training", KPS_SECTION_EDUCATION),
    PHRASE("studies", KPS_SECTION_EDUCATION),
    PHRASE("study", KPS_SECTION_EDUCATION),
    PHRASE("work", KPS_SECTION_EXPERIENCE),
    PHRASE("jobs", KPS_SECTION_EXPERIENCE),
    PHRASE("positions", KPS_SECTION_EXPERIENCE),
    PHRASE("keywords", KPS_SECTION_SKILLS),
    PHRASE("key words", KPS_SECTION_SKILLS),
    PHRASE("tools", KPS_SECTION_SKILLS),
    PHRASE("career break", KPS_SECTION_OTHER),
};

const char *kps_section_name(kps_section s)
{
    switch (s) {
    case KPS_SECTION_SUMMARY: return "summary";
    case KPS_SECTION_EXPERIENCE: return "experience";
    case KPS_SECTION_EDUCATION: return "education";
    case KPS_SECTION_SKILLS: return "skills";
    case KPS_SECTION_CERTIFICATIONS: return "certifications";
    case KPS_SECTION_PROJECTS: return "projects";
    case KPS_SECTION_OTHER: return "other";
    case KPS_SECTION_NONE:
    default: return "";
    }
}

static int is_ascii_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Length of a bullet or decoration character at s (ASCII punctuation used
 * as ornament, or a Unicode bullet, arrow, box or check mark), 0 if s
 * starts with something else.  ':' is handled by the caller. */
static size_t decoration_len(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    switch (s[0]) {
    case '-':
    case '*':
    case '=':
    case '_':
    case '~':
    case '#':
    case '|':
    case '>':
    case '<':
    case '+':
    case '.':
    case ' ':
    case '\t':
    case '\f':
    case '\v':
    case '\r': return 1;
    default: break;
    }
    if (s[0] < 0x80)
        return 0;
    size_t n = kps_utf8_seq_len(s, len);
    if (n == 0)
        return 0;
    uint32_t cp;
    kps_utf8_decode(s, n, &cp);
    if (cp == 0xB7 ||                     /* middle dot */
        (cp >= 0x2022 && cp <= 0x2027) || /* bullets, leaders, ellipsis */
        cp == 0x2043 ||                   /* hyphen bullet */
        (cp >= 0x2190 && cp <= 0x21FF) || /* arrows */
        (cp >= 0x2500 && cp <= 0x27BF) || /* boxes, shapes, dingbats */
        (cp >= 0xF000 && cp <= 0xF0FF) || /* Symbol/Wingdings private use */
        cp == 0xFFFD)
        return n;
    return 0;
}

/* Length of a decoration character ending at s[len - 1], 0 if none. */
static size_t decoration_len_back(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    if (s[len - 1] < 0x80)
        return decoration_len(s + len - 1, 1);
    /* Step back over continuation bytes to the lead byte. */
    size_t i = len - 1;
    size_t back = 0;
    while (i > 0 && (s[i] & 0xC0) == 0x80 && back < 3) {
        i--;
        back++;
    }
    size_t n = decoration_len(s + i, len - i);
    return n == len - i ? n : 0;
}

/*
 * Normalise a candidate heading s[0..len) into out (capacity cap): ASCII
 * lower case, '&' and '/' read as " and ", runs of spaces as one, spaced
 * capitals "E X P E R I E N C E" joined.  Returns 0 when the text has
 * something a heading cannot have (digits, non-ASCII letters, sentence
 * punctuation) or is too long; otherwise the length written.  *words gets
 * the number of words.
 */
static size_t normalise_candidate(const unsigned char *s, size_t len, char *out,
                                  size_t cap, size_t *words)
{
    size_t n = 0;
    size_t nwords = 0;
    size_t single_letter_words = 0;
    int in_word = 0;
    size_t word_len = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        const char *add = NULL;
        if (is_ascii_alpha(c) || c == '\'' || c == '-') {
            if (!in_word) {
                if (n > 0) {
                    if (n + 1 >= cap)
                        return 0;
                    out[n++] = ' ';
                }
                in_word = 1;
                word_len = 0;
                nwords++;
            }
            if (n + 1 >= cap)
                return 0;
            out[n++] = (char)ascii_lower(c);
            word_len++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == ',') {
            /* ',' only as in "Skills, Tools": treated as a separator. */
            if (in_word && word_len == 1)
                single_letter_words++;
            in_word = 0;
            continue;
        }
        if (c == '&' || c == '/')
            add = "and";
        else
            return 0; /* digits, '.', '(', non-ASCII: not a heading */
        if (in_word && word_len == 1)
            single_letter_words++;
        in_word = 0;
        size_t alen = strlen(add);
        if (n + alen + 2 >= cap)
            return 0;
        if (n > 0)
            out[n++] = ' ';
        memcpy(out + n, add, alen);
        n += alen;
        nwords++;
    }
    if (in_word && word_len == 1)
        single_letter_words++;
    out[n] = '\0';

    /* "E X P E R I E N C E": every word one letter. */
    if (nwords >= 4 && single_letter_words == nwords) {
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (out[i] != ' ')
                out[j++] = out[i];
        out[j] = '\0';
        n = j;
        nwords = 1;
    }
    *words = nwords;
    return n;
}

/*
 * Most short capitalised lines are not headings.  A 4,096-bit filter keyed
 * by a phrase's length and its first, second and last two letters rejects
 * nearly all of them before the tables are walked (with 1,024 bits and
 * three letters, one in five got through, too many once side_by_side()
 * looks up every part of a line).  It is built from the tables on each
 * kps_sections_detect() call (two hundred bits set), so it cannot fall
 * out of step with them and needs no global state.
 */
typedef struct phrase_filter {
    uint64_t bits[64];
} phrase_filter;

static unsigned phrase_key(const char *s, size_t n)
{
    return ((unsigned)n * 131u + (unsigned char)s[0] * 31u +
            (unsigned char)s[n > 1] * 7u + (unsigned char)s[n - 1] +
            (unsigned char)s[n - 1 - (n > 1)] * 509u) &
           4095u;
}

static void filter_add(phrase_filter *f, const heading_phrase *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned k = phrase_key(v[i].phrase, v[i].len);
        f->bits[k / 64] |= (uint64_t)1 << (k % 64);
    }
}

static void filter_init(phrase_filter *f)
{
    memset(f, 0, sizeof *f);
    filter_add(f, PHRASES, sizeof PHRASES / sizeof PHRASES[0]);
    filter_add(f, EMPHASISED_PHRASES,
               sizeof EMPHASISED_PHRASES / sizeof EMPHASISED_PHRASES[0]);
}

/* The table entry norm[0..n) is, or NULL.  norm: n > 0 bytes. */
static const heading_phrase *
lookup_entry(const phrase_filter *f, const char *norm, size_t n, int emphasised)
{
    unsigned k = phrase_key(norm, n);
    if (!((f->bits[k / 64] >> (k % 64)) & 1u))
        return NULL;
    for (size_t i = 0; i < sizeof PHRASES / sizeof PHRASES[0]; i++)
        if (PHRASES[i].len == n && memcmp(PHRASES[i].phrase, norm, n) == 0)
            return &PHRASES[i];
    if (emphasised)
        for (size_t i = 0;
             i < sizeof EMPHASISED_PHRASES / sizeof EMPHASISED_PHRASES[0]; i++)
            if (EMPHASISED_PHRASES[i].len == n &&
                memcmp(EMPHASISED_PHRASES[i].phrase, norm, n) == 0)
                return &EMPHASISED_PHRASES[i];
    return NULL;
}

static kps_section lookup_phrase(const phrase_filter *f, const char *norm,
                                 size_t n, int emphasised)
{
    const heading_phrase *h = lookup_entry(f, norm, n, emphasised);
    return h ? h->section : KPS_SECTION_NONE;
}

/* phrase equals norm[0..n) once its spaces are dropped. */
static int equal_without_spaces(const heading_phrase *h, const char *norm,
                                size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < h->len; i++) {
        if (h->phrase[i] == ' ')
            continue;
        if (j == n || h->phrase[i] != norm[j])
            return 0;
        j++;
    }
    return j == n;
}

/* A letter-spaced heading whose words were one space apart, like its
 * letters, comes out as one run ("workexperience"): the phrase it is,
 * spaces dropped.  Only for such headings, so a linear walk. */
static kps_section lookup_run_together(const char *norm, size_t n,
                                       int emphasised)
{
    for (size_t i = 0; i < sizeof PHRASES / sizeof PHRASES[0]; i++)
        if (equal_without_spaces(&PHRASES[i], norm, n))
            return PHRASES[i].section;
    if (emphasised)
        for (size_t i = 0;
             i < sizeof EMPHASISED_PHRASES / sizeof EMPHASISED_PHRASES[0]; i++)
            if (equal_without_spaces(&EMPHASISED_PHRASES[i], norm, n))
                return EMPHASISED_PHRASES[i].section;
    return KPS_SECTION_NONE;
}

/* No lower-case ASCII letter in [b, e). */
static int all_caps(const unsigned char *text, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        if (text[i] >= 'a' && text[i] <= 'z')
            return 0;
    return 1;
}

/* Trim bullets, decoration and spaces from both ends of [*b, *e). */
static void trim_decoration(const unsigned char *text, size_t *b, size_t *e)
{
    for (;;) {
        size_t n = decoration_len(text + *b, *e - *b);
        if (n == 0)
            break;
        *b += n;
    }
    for (;;) {
        size_t n = decoration_len_back(text + *b, *e - *b);
        if (n == 0)
            break;
        *e -= n;
    }
}

/* First ASCII letter of [b, e) is upper case (and there is one). */
static int starts_upper(const unsigned char *text, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++) {
        if (is_ascii_alpha(text[i]))
            return text[i] >= 'A' && text[i] <= 'Z';
    }
    return 0;
}

/* Letters spaced out, as templates set headings: "W O R K  E X P E R I E
 * N C E", "E D U C A T I O N & C O U R S E S".  At least four letters
 * stand alone, and nearly every letter run is one letter long. */
static int letter_spaced(const unsigned char *s, size_t len)
{
    /* Every candidate line comes here: the first two letters, spaced
     * out, turn nearly all of them away at once. */
    if (len < 7 || !is_ascii_alpha(s[0]) || s[1] != ' ' ||
        !is_ascii_alpha(s[2]) || s[3] != ' ')
        return 0;
    size_t runs = 0, single = 0;
    for (size_t i = 0; i < len;) {
        if (!is_ascii_alpha(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && is_ascii_alpha(s[j]))
            j++;
        runs++;
        single += j - i == 1;
        i = j;
    }
    return single >= 4 && single * 10 >= runs * 8;
}

/* Copy a letter-spaced s[0..len) to out without the single spaces between
 * two letters: the words ("WORK  EXPERIENCE", "EDUCATION & COURSES")
 * are what is left apart.  Returns the length written (< len). */
static size_t join_spaced_letters(const unsigned char *s, size_t len,
                                  unsigned char *out)
{
    size_t m = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' && i > 0 && i + 1 < len && is_ascii_alpha(s[i - 1]) &&
            is_ascii_alpha(s[i + 1]))
            continue;
        out[m++] = s[i];
    }
    return m;
}

/*
 * Two-column layouts, converted to DOCX or text, set the headings of both
 * columns on one line: "EXPERIENCE SKILLS", "Summary Education".  When the
 * normalised words norm[0..n) split into two headings that name whole
 * sections of a CV's page (the table's COLUMN entries), the first one
 * heads what follows: the conversion gives the left column's lines first
 * or interleaves both, and the first heading is the one a reader sees at
 * the line's start.  Words that only qualify a heading do not split it:
 * "Career Interests", "Software Projects" and "Highlights Achievements"
 * stay lines of text, and a summary on the right names what the left
 * heading summarises ("WORK EXPERIENCE SUMMARY").  Headings of the
 * emphasised table do not count either: "TRAINING EXPERIENCE" is a
 * trainer's jobs.
 */
static kps_section side_by_side(const phrase_filter *f, const char *norm,
                                size_t n)
{
    for (size_t k = 1; k + 1 < n; k++) {
        if (norm[k] != ' ')
            continue;
        const heading_phrase *left = lookup_entry(f, norm, k, 0);
        if (!left || !left->column)
            continue;
        const heading_phrase *right =
            lookup_entry(f, norm + k + 1, n - k - 1, 0);
        if (right && right->column && right->section != KPS_SECTION_SUMMARY)
            return left->section;
    }
    return KPS_SECTION_NONE;
}

/* Classify the phrase text[b..e) (already trimmed); NONE if not a heading.
 * colon: the phrase ended in ':' on its line. */
static kps_section classify(const phrase_filter *f, const unsigned char *text,
                            size_t b, size_t e, int colon)
{
    char norm[MAX_HEADING_BYTES + 16];
    unsigned char joined[2 * MAX_HEADING_BYTES];
    size_t words = 0;
    if (e <= b || e - b > sizeof joined)
        return KPS_SECTION_NONE;
    if (!starts_upper(text, b, e))
        return KPS_SECTION_NONE;
    const unsigned char *cand = text + b;
    size_t clen = e - b;
    int spaced = letter_spaced(cand, clen);
    if (spaced) {
        clen = join_spaced_letters(cand, clen, joined);
        cand = joined;
    }
    if (clen > MAX_HEADING_BYTES)
        return KPS_SECTION_NONE;
    size_t n = normalise_candidate(cand, clen, norm, sizeof norm, &words);
    kps_section s = KPS_SECTION_NONE;
    int emphasised = colon || all_caps(text, b, e);
    if (n > 0 && words > 0 && words <= MAX_HEADING_WORDS)
        s = lookup_phrase(f, norm, n, emphasised);
    if (s == KPS_SECTION_NONE && spaced && words == 1)
        s = lookup_run_together(norm, n, emphasised);
    /* Longer lines in title case are mostly job titles and company
     * names: past two words, side-by-side headings are tried only in
     * capitals or before a colon ("Additional Information Honors and
     * Awards: Dean's List"). */
    if (s == KPS_SECTION_NONE && words >= 2 && words <= MAX_HEADING_WORDS &&
        (emphasised || words == 2))
        s = side_by_side(f, norm, n);
    if (s != KPS_SECTION_NONE)
        return s;
    /* Bilingual or doubled headings: "BERUFSERFAHRUNG / EXPERIENCE",
     * "Skills | Tools".  The first part we know decides. */
    for (size_t i = b; i < e; i++) {
        if (text[i] != '/' && text[i] != '|')
            continue;
        size_t lb = b, le = i, rb = i + 1, re = e;
        trim_decoration(text, &lb, &le);
        trim_decoration(text, &rb, &re);
        s = le > lb ? classify(f, text, lb, le, colon) : KPS_SECTION_NONE;
        if (s == KPS_SECTION_NONE && re > rb)
            s = classify(f, text, rb, re, colon);
        return s;
    }
    return KPS_SECTION_NONE;
}

/* Singular words that head an entry, not a section, when content follows
 * on the line: "Certificate : Six Sigma, 2014" is a line of an education
 * list (the PDF template writes "Degree : Field"). */
static int inline_denied(const unsigned char *text, size_t b, size_t e)
{
    static const char *const DENY[] = {"certificate", "certification",
                                       "license",     "skill",
                                       "software",    "project"};
    for (size_t i = 0; i < sizeof DENY / sizeof DENY[0]; i++) {
        size_t n = strlen(DENY[i]);
        if (e - b != n)
            continue;
        size_t k = 0;
        while (k < n && ascii_lower(text[b + k]) == (unsigned char)DENY[i][k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

/* Labels a job carries inside itself ("Tools:", "Technologies:",
 * "Environment:"): under experience they label the job's own lines and do
 * not end the experience section. */
static int in_job_label(const unsigned char *text, size_t b, size_t e)
{
    static const char *const LABELS[] = {
        "tools",      "technologies",          "environment",
        "tech stack", "technical environment", "technology",
        "tools used", "technologies used",     "software"};
    size_t pb = b, pe = e;
    while (pe > pb && text[pe - 1] == ':')
        pe--;
    trim_decoration(text, &pb, &pe);
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++) {
        size_t n = strlen(LABELS[i]);
        if (pe - pb != n)
            continue;
        size_t k = 0;
        while (k < n &&
               ascii_lower(text[pb + k]) == (unsigned char)LABELS[i][k])
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

/*
 * Resumes exported from online profile forms join each field's text to
 * the label of the next field: "... Microsoft Excel.Education Details",
 * "CSS3- Exprience - 24 monthsCompany Details", then the field's own
 * lines.  A "<Word> Details" label of the table at the end of a line
 * heads the lines that follow; the words before it stay in the section
 * they were in.  Only labels ending in "Details": such a pair ends no
 * sentence, where a line ending "... in Physical Education" does.
 * Returns the section and sets *at to the label's first byte.
 */
static kps_section tail_heading(const phrase_filter *f, const unsigned char *t,
                                size_t b, size_t e, size_t *at)
{
    static const char SUFFIX[] = " details";
    const size_t n = sizeof SUFFIX - 1;
    if (e > b && t[e - 1] == ':')
        e--;
    /* most lines end otherwise: the bytes where " d" would stand decide
     * (a quarter of all lines end in 's') */
    if (e - b <= n + 1 || t[e - n] != ' ' || (t[e - n + 1] | 0x20) != 'd')
        return KPS_SECTION_NONE;
    if (!kps_ascii_ieq((const char *)t + e - n + 2, SUFFIX + 2, n - 2))
        return KPS_SECTION_NONE;
    size_t we = e - n, wb = we;
    while (wb > b && is_ascii_alpha(t[wb - 1]))
        wb--;
    /* Glued to the field before it ("monthsCompany"): the label starts at
     * the last capital that follows a lower-case letter. */
    for (size_t i = we - 1; i > wb; i--)
        if (t[i] >= 'A' && t[i] <= 'Z' && t[i - 1] >= 'a' && t[i - 1] <= 'z') {
            wb = i;
            break;
        }
    if (wb == b || wb == we || !(t[wb] >= 'A' && t[wb] <= 'Z'))
        return KPS_SECTION_NONE; /* a whole line is classify_line()'s */
    kps_section s = classify(f, t, wb, e, 0);
    if (s != KPS_SECTION_NONE)
        *at = wb;
    return s;
}

/* Decide whether line [b, e) is a heading.  *label is set when it is a
 * label followed by content on the same line ("Skills: Excel, SQL") or
 * an in-job label ("Tools:"), which under experience heads only its own
 * line; *in_job when the label is one a job carries (in_job_label()).
 * *at is where the heading starts: b, or a label glued to the line's end
 * (tail_heading()). */
static kps_section classify_line(const phrase_filter *f,
                                 const unsigned char *text, size_t b, size_t e,
                                 int *label, int *in_job, size_t *at)
{
    *label = 0;
    *in_job = 0;
    *at = b;
    size_t tb = b, te = e;
    trim_decoration(text, &tb, &te);
    if (te <= tb)
        return KPS_SECTION_NONE;

    /* Whole line: "Experience", "WORK HISTORY:", "== Skills ==". */
    if (te - tb <= MAX_HEADING_BYTES) {
        size_t pe = te;
        while (pe > tb && text[pe - 1] == ':')
            pe--;
        int colon = pe < te;
        size_t pb = tb;
        trim_decoration(text, &pb, &pe);
        kps_section s = classify(f, text, pb, pe, colon);
        if (s != KPS_SECTION_NONE) {
            *label = *in_job = colon && in_job_label(text, pb, pe);
            return s;
        }
    }

    /* "Skills: Excel, SQL": a known phrase, ':' and content.  Look only at
     * the first ':' within the heading length limit. */
    size_t limit = tb + MAX_HEADING_BYTES + 1;
    if (limit > te)
        limit = te;
    const unsigned char *colon = memchr(text + tb, ':', limit - tb);
    if (colon) {
        size_t pb = tb, pe = (size_t)(colon - text);
        trim_decoration(text, &pb, &pe);
        if (!inline_denied(text, pb, pe)) {
            kps_section s = classify(f, text, pb, pe, 1);
            if (s != KPS_SECTION_NONE) {
                *label = 1;
                *in_job = in_job_label(text, pb, pe);
                return s;
            }
        }
    }
    return tail_heading(f, text, tb, te, at);
}

/*
 * Two-column CVs converted to DOCX or text interleave the sidebar with the
 * jobs: "Experience", a job and its dates, then the sidebar's "Profile"
 * and the job's duties.  A summary heading a few lines under an
 * experience heading, after a line with a year, is such a sidebar heading:
 * the experience section goes on (a summary never follows a dated job that
 * closely in a one-column resume).
 */
#define SIDEBAR_SUMMARY_LINES 6

/* A year 1950..2099 as a number of its own on t[b, e). */
static int holds_year(const unsigned char *t, size_t b, size_t e)
{
    for (size_t i = b; i + 4 <= e; i++) {
        if (!((t[i] == '1' && t[i + 1] == '9' && t[i + 2] >= '5') ||
              (t[i] == '2' && t[i + 1] == '0')))
            continue;
        if (t[i + 2] < '0' || t[i + 2] > '9' || t[i + 3] < '0' ||
            t[i + 3] > '9')
            continue;
        if ((i > b && t[i - 1] >= '0' && t[i - 1] <= '9') ||
            (i + 4 < e && t[i + 4] >= '0' && t[i + 4] <= '9'))
            continue;
        return 1;
    }
    return 0;
}

int kps_sections_detect(const char *text, size_t len, const char *name,
                        kps_sections *out, kpiscan_error *err)
{
    const unsigned char *t = (const unsigned char *)text;
    kps_heading *list = NULL;
    size_t n = 0, cap = 0;

    out->headings = NULL;
    out->n = 0;
    if (!text)
        return KPISCAN_OK;

    phrase_filter filter;
    filter_init(&filter);
    size_t pos = 0;
    /* Under experience, a label line ("Technologies: React, Redux") heads
     * only itself: the experience section resumes on the next line. */
    int resume_experience = 0;
    /* Lines since the last experience heading, and whether one of them
     * holds a year (see sidebar_summary). */
    size_t lines_under_experience = SIZE_MAX;
    int year_under_experience = 0;
    while (pos < len && n + 1 < MAX_HEADINGS) {
        const void *nl = memchr(t + pos, '\n', len - pos);
        size_t eol = nl ? (size_t)((const unsigned char *)nl - t) : len;
        int label, in_job;
        size_t head_at;
        kps_section s =
            classify_line(&filter, t, pos, eol, &label, &in_job, &head_at);
        if (s == KPS_SECTION_NONE && resume_experience) {
            s = KPS_SECTION_EXPERIENCE;
            label = 0;
        }
        /* the line before was a label inside a job: a job's own label
         * next ("Projects: ..." then "Technologies: ...") is still in
         * the job, where "Skills: ..." ends it */
        int after_job_label = resume_experience;
        resume_experience = 0;
        if (s == KPS_SECTION_SUMMARY &&
            lines_under_experience <= SIDEBAR_SUMMARY_LINES &&
            year_under_experience)
            s = KPS_SECTION_NONE; /* a sidebar's heading among the jobs */
        if (lines_under_experience < SIZE_MAX) {
            /* only the lines a sidebar heading may follow are read */
            if (lines_under_experience < SIDEBAR_SUMMARY_LINES)
                year_under_experience =
                    year_under_experience || holds_year(t, pos, eol);
            lines_under_experience++;
        }
        if (s == KPS_SECTION_EXPERIENCE) {
            lines_under_experience = 0;
            year_under_experience = 0;
        } else if (s != KPS_SECTION_NONE) {
            lines_under_experience = SIZE_MAX;
        }
        if (s != KPS_SECTION_NONE) {
            kps_section current = n ? list[n - 1].section : KPS_SECTION_NONE;
            if (label && s != KPS_SECTION_EXPERIENCE &&
                (current == KPS_SECTION_EXPERIENCE ||
                 (after_job_label && in_job)))
                resume_experience = 1;
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                kps_heading *p = realloc(list, ncap * sizeof *p);
                if (!p) {
                    free(list);
                    return kps_fail(err, KPISCAN_ERR_NOMEM, name,
                                    "out of memory");
                }
                list = p;
                cap = ncap;
            }
            list[n].offset = head_at;
            list[n].length = eol - head_at;
            list[n].section = s;
            n++;
        }
        pos = eol + 1;
    }
    out->headings = list;
    out->n = n;
    return KPISCAN_OK;
}

kps_section kps_section_at(const kps_sections *s, size_t offset)
{
    if (!s || s->n == 0 || offset < s->headings[0].offset)
        return KPS_SECTION_NONE;
    /* Last heading with heading.offset <= offset. */
    size_t lo = 0, hi = s->n; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->headings[mid].offset <= offset)
            lo = mid;
        else
            hi = mid;
    }
    return s->headings[lo].section;
}

void kps_sections_free(kps_sections *s)
{
    if (!s)
        return;
    free(s->headings);
    s->headings = NULL;
    s->n = 0;
}
