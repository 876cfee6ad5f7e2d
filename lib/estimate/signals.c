/* signals.c - what the scorer weighs besides the matches themselves:
 * titles in a title's position, keyword lists, the jobs that show KPI
 * work, and stretches of employment (estimate/signals.h).
 *
 * Every finder works on a result whose evidence and spans are built
 * (estimate/evidence.c) and marks them; none reads the document again
 * beyond its lines. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "estimate/signals.h"

/* The first index of v[0..n) (elements of size bytes, in ascending order
 * of the size_t at byte offset field) whose value is at least off. */
static size_t first_at_or_after(const void *v, size_t n, size_t size,
                                size_t field, size_t off)
{
    const unsigned char *b = v;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, x;
        memcpy(&x, b + mid * size + field, sizeof x);
        if (x < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Words of t[b, e) separated by spaces and tabs. */
static size_t blank_separated_words(const char *t, size_t b, size_t e)
{
    size_t words = 0;
    for (size_t k = b; k < e; k++)
        words += t[k] != ' ' && t[k] != '\t' &&
                 (k == b || t[k - 1] == ' ' || t[k - 1] == '\t');
    return words;
}

/* The line of the hit [start, end) into c; a hit across a line break
 * ("Business\nAssociate") takes both lines, and is not cached. */
static void title_line_at(kps_title_line *c, const char *t, size_t len,
                          size_t start, size_t end, const kps_timeline *tl)
{
    int across = end > start && memchr(t + start, '\n', end - start);
    if (!across) {
        if (c->valid && start >= c->ls && start < c->le)
            return;
        end = start;
    }
    size_t ls = start, le = end;
    while (ls > 0 && t[ls - 1] != '\n')
        ls--;
    while (le < len && t[le] != '\n')
        le++;
    c->ls = ls;
    c->le = le;
    size_t i = ls;
    while (i < le && (t[i] == ' ' || t[i] == '\t' || t[i] == '*' ||
                      t[i] == '-' || t[i] == '>' || t[i] == '.'))
        i++;
    c->content = i;
    c->words = blank_separated_words(t, ls, le);
    /* the first span at or after ls (spans are in text order) */
    size_t lo = first_at_or_after(tl->spans, tl->n, sizeof *tl->spans,
                                  offsetof(kps_span, offset), ls);
    c->has_range = 0;
    for (size_t k = lo; k < tl->n && tl->spans[k].offset < le; k++)
        if (tl->spans[k].kind == KPS_SPAN_RANGE) {
            c->has_range = 1;
            break;
        }
    c->valid = !across;
}

/* Whether [w, k) is one of words (ASCII letters compared without case). */
static int word_in(const char *t, size_t w, size_t k, const char *const *words,
                   size_t nwords)
{
    for (size_t j = 0; j < nwords; j++)
        if (strlen(words[j]) == k - w && kps_ascii_ieq(t + w, words[j], k - w))
            return 1;
    return 0;
}

/* The next blank-separated word of t[*k, e): returns its start and moves
 * *k past it; returns e when no word is left. */
static size_t next_word(const char *t, size_t *k, size_t e)
{
    size_t i = *k;
    while (i < e && (t[i] == ' ' || t[i] == '\t'))
        i++;
    size_t w = i;
    while (i < e && t[i] != ' ' && t[i] != '\t')
        i++;
    *k = i;
    return w;
}

/* The most bytes of capitalised words a title may have before its title
 * word ("Senior Facilities and Construction" is 34). */
#define TITLE_LEAD_MAX 80

/* Whether every word of t[b, e) starts with a capital letter, or is a
 * joining word or separator: the words before a title word may then be
 * more of the title ("INTERNET DEVELOPMENT PROJECT MANAGER Company Name",
 * "Facilities and Construction Project Manager"), where a sentence has
 * lower-case words ("Reported to the Sales Manager").  A sentence's first
 * word is capitalised too, so title_ends_at() must agree. */
static int capitalised_lead(const char *t, size_t b, size_t e)
{
    static const char *const joining[] = {"and", "of", "for"};
    /* A title is a few words: a longer lead is no title's, and the bound
     * keeps a long line of many title hits linear (each hit looks back
     * over at most this much). */
    if (e - b > TITLE_LEAD_MAX)
        return 0;
    for (size_t k = b, w; (w = next_word(t, &k, e)) < e;) {
        unsigned char c = (unsigned char)t[w];
        if (!(c >= 'A' && c <= 'Z') && !strchr("/-|&", c) &&
            !word_in(t, w, k, joining, sizeof joining / sizeof *joining))
            return 0;
    }
    return 1;
}

/* Whether what follows a title word at t[e] ends the title: the line's
 * end, a separator, or a capitalised word (the company: "... Project
 * Manager Company Name, City"); a lower-case word goes on as a sentence
 * ("Assist Project Manager on a daily basis"). */
static int title_ends_at(const char *t, size_t len, size_t e)
{
    while (e < len && (t[e] == ' ' || t[e] == '\t'))
        e++;
    return e >= len || t[e] == '\n' || strchr("|,/-(:", t[e]) ||
           (t[e] >= 'A' && t[e] <= 'Z');
}

/* A title word counts only where a job title stands: at the start of a
 * line, after a separator ("Acme | Senior Analyst", "worked as ..."), on a
 * short line, on a line that carries a date range, or between capitalised
 * words only (capitalised_lead, title_ends_at).  "Presented to
 * senior management" and "lead the rollout" are sentences, not titles. */
int kps_in_title_position(const char *t, size_t len, size_t start, size_t end,
                          const kps_timeline *tl, kps_title_line *line)
{
    title_line_at(line, t, len, start, end, tl);
    size_t ls = line->ls;
    if (line->content >= start)
        return 1;
    size_t p = start;
    while (p > ls && t[p - 1] == ' ')
        p--;
    if (p > ls && strchr("|,-/:(\t", t[p - 1]))
        return 1;
    size_t ws = p; /* the word before: "worked as Senior Analyst" */
    while (ws > ls && t[ws - 1] != ' ' && t[ws - 1] != '\t')
        ws--;
    if (p - ws == 2 && (t[ws] | 0x20) == 'a' && (t[ws + 1] | 0x20) == 's')
        return 1;
    return line->words <= 8 || line->has_range ||
           (capitalised_lead(t, line->content, p) &&
            title_ends_at(t, len, end));
}

/* Keywords are short: a match of more words than this is a phrase of a
 * sentence ("aligned branch plans with corporate strategy"), which is what
 * real writing looks like, however much of its line it covers. */
#define KEYWORD_MAX_WORDS 3

static int is_keyword_sized(const char *t, size_t s, size_t e)
{
    size_t gaps = 0;
    for (size_t k = s + 1; k < e && gaps < KEYWORD_MAX_WORDS; k++)
        gaps += (t[k] == ' ' || t[k] == '\n') && t[k - 1] != ' ' &&
                t[k - 1] != '\n';
    return gaps < KEYWORD_MAX_WORDS;
}

/* The line break at t[nl] is followed, past blanks, by a lower-case
 * letter: the sentence goes on. */
static int goes_on_lower(const char *t, size_t len, size_t nl)
{
    size_t j = nl + 1;
    while (j < len && (t[j] == ' ' || t[j] == '\t'))
        j++;
    return j < len && t[j] >= 'a' && t[j] <= 'z';
}

/* Whether the line's text at s starts with a list bullet: an ASCII one,
 * a Unicode bullet, arrow or shape (lead byte 0xE2), the middle dot Word's
 * "Save as Web Page" writes for its Symbol-font bullets, or a Symbol or
 * Wingdings character left in private use (U+F000-U+F0FF). */
static int starts_with_bullet(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] == '-' || s[0] == '*' || s[0] == 0xE2)
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xB7)
        return 1;
    return n >= 2 && s[0] == 0xEF &&
           (s[1] == 0x80 || s[1] == 0x81 || s[1] == 0x82 || s[1] == 0x83);
}

/* The first byte at or after p that is not a space or tab. */
static size_t skip_blanks(const char *t, size_t len, size_t p)
{
    while (p < len && (t[p] == ' ' || t[p] == '\t'))
        p++;
    return p;
}

/* The position just after the last byte before p that is not a space or
 * tab (p itself when none precedes it on the line). */
static size_t back_blanks(const char *t, size_t p)
{
    while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t'))
        p--;
    return p;
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Whether w[0, n) is "and", "or" or "&": the words that join a list's
 * last item. */
static int is_joint(const char *w, size_t n)
{
    return (n == 1 && w[0] == '&') ||
           (n == 2 && (w[0] | 0x20) == 'o' && (w[1] | 0x20) == 'r') ||
           (n == 3 && (w[0] | 0x20) == 'a' && (w[1] | 0x20) == 'n' &&
            (w[2] | 0x20) == 'd');
}

/* The length of a joint ending at e as a word of its own, or 0.  It looks
 * at four bytes at most, so that a hostile line of many matches stays
 * linear. */
static size_t joint_before(const char *t, size_t e)
{
    for (size_t n = 1; n <= 3 && n <= e; n++)
        if (is_joint(t + e - n, n) && (n == e || is_blank(t[e - n - 1])))
            return n;
    return 0;
}

/* The length of a joint starting at p and ending its word, or 0. */
static size_t joint_at(const char *t, size_t len, size_t p)
{
    for (size_t n = 1; n <= 3 && p + n <= len; n++)
        if (is_joint(t + p, n) && (p + n == len || is_blank(t[p + n])))
            return n;
    return 0;
}

/* How far back from a list's "and" the word before it is read for its
 * capital: a bound, so that each match looks at a few bytes only. */
#define NAME_WORD_MAX 32

/* Whether what stands before t[p] opens a list item: a comma (*comma is
 * set), the line's start after blanks and one bullet (starts_with_bullet()),
 * an opening bracket, a colon or a bar, or "and", "or" or "&" after a
 * capitalised word. */
static int item_opens(const char *t, size_t p, int *comma)
{
    size_t b = back_blanks(t, p);
    for (size_t k = 1; k <= 3 && k <= b; k++) {
        const unsigned char *u = (const unsigned char *)t + b - k;
        if (starts_with_bullet(u, k) && kps_utf8_seq_len(u, k) == k) {
            size_t q = back_blanks(t, b - k);
            if (q == 0 || t[q - 1] == '\n')
                return 1;
            break;
        }
    }
    if (b == 0 || t[b - 1] == '\n')
        return 1;
    char c = t[b - 1];
    if (c == ',') {
        *comma = 1;
        return 1;
    }
    if (c == '(' || c == '[' || c == ':' || c == '|')
        return 1;
    size_t j = joint_before(t, b); /* "Word and Excel" */
    if (j == 0)
        return 0;
    size_t n = back_blanks(t, b - j), w = n;
    while (w > 0 && n - w < NAME_WORD_MAX && !is_blank(t[w - 1]) &&
           t[w - 1] != ',')
        w--;
    return w < n && is_upper(t[w]);
}

/* Whether what follows t[e - 1] closes a list item: a comma (*comma is
 * set) or "and", "or" or "&" before a capitalised word or "other", or the
 * list's end (the line's end, a closing bracket, a bar, or a full stop or
 * semicolon that ends the line). */
static int item_closes(const char *t, size_t len, size_t e, int *comma)
{
    size_t p = skip_blanks(t, len, e);
    if (p >= len || t[p] == '\n' || t[p] == ')' || t[p] == ']' || t[p] == '|')
        return 1;
    if (t[p] == '.' || t[p] == ';') {
        p = skip_blanks(t, len, p + 1);
        return p >= len || t[p] == '\n';
    }
    int after_comma = t[p] == ',';
    if (after_comma)
        p = skip_blanks(t, len, p + 1);
    size_t j = joint_at(t, len, p);
    if (j)
        p = skip_blanks(t, len, p + j);
    else if (!after_comma)
        return 0;
    int closes = (p < len && is_upper(t[p])) ||
                 (j && p + 5 <= len && memcmp(t + p, "other", 5) == 0);
    if (closes && after_comma)
        *comma = 1;
    return closes;
}

/* A tool's name (a match of a rule marked `tool`) written as one item of
 * a list of names in a job ("Gained fluency in SPSS, Microsoft Excel and
 * Access", "(Excel, Outlook)"): the list says what the candidate knows,
 * as a skills list does, not how the job used it.  The match [s, e) is a
 * name: capitalised, of at most three words and no digits (a rank or an
 * amount is a result).  It is an item: something opens it (a comma, the
 * line's start, a bracket, a colon, "and" after another name) and
 * something closes it (a comma or "and" before another name, the line's
 * end), and a comma stands on one side ("Every Monday, Excel reports
 * went" is a sentence, and so is "in Excel and Access"). */
static int named_in_tool_list(const char *t, size_t len, size_t s, size_t e)
{
    if (s >= e || e > len || !is_upper(t[s]) || !is_keyword_sized(t, s, e))
        return 0;
    for (size_t k = s; k < e; k++)
        if (t[k] >= '0' && t[k] <= '9') /* "Ranked 1st, Top 5%" */
            return 0;
    int comma = 0;
    return item_opens(t, s, &comma) && item_closes(t, len, e, &comma) && comma;
}

/* Lines that are mostly rule words ("KPIs, key performance indicators,
 * strategic KPI alignment, balanced scorecard") are keyword lists, not
 * accounts of work: mark their evidence.  Only short rule words count
 * toward the cover (terms, indicators, titles of at most three words); a
 * long match over a whole sentence is what real writing looks like.  A
 * line that goes on in lower case on the next is judged with it, as one
 * sentence wrapped by PDF conversion: its last line may be a few words
 * that are all rule words ("managers on the performance management
 * system").  A tool's name given as one item of a list of names in a job
 * is marked too (KPS_NAME_IN_LIST). */
void kps_mark_keyword_lists(kpiscan_result *res, const kps_norm *norm,
                            const kps_hits *hits, const kpiscan_pack *pack)
{
    const char *t = norm->text;
    size_t i = 0;
    while (i < hits->n) {
        size_t ls = hits->v[i].start, le = hits->v[i].start;
        while (ls > 0 && t[ls - 1] != '\n')
            ls--;
        while (le < norm->len && t[le] != '\n')
            le++;
        while (ls > 0 && goes_on_lower(t, norm->len, ls - 1)) {
            ls--;
            while (ls > 0 && t[ls - 1] != '\n')
                ls--;
        }
        while (le < norm->len && goes_on_lower(t, norm->len, le)) {
            le++;
            while (le < norm->len && t[le] != '\n')
                le++;
        }
        size_t j = i, words = 0, covered = 0, cover_end = ls;
        for (; j < hits->n && hits->v[j].start < le; j++) {
            int cat = pack->rules[hits->v[j].rule].category;
            if ((cat != KPISCAN_CATEGORY_TERM &&
                 cat != KPISCAN_CATEGORY_INDICATOR &&
                 cat != KPISCAN_CATEGORY_TITLE) ||
                !is_keyword_sized(t, hits->v[j].start, hits->v[j].end))
                continue;
            words++;
            size_t s =
                hits->v[j].start > cover_end ? hits->v[j].start : cover_end;
            size_t e = hits->v[j].end < le ? hits->v[j].end : le;
            if (e > s)
                covered += e - s;
            if (e > cover_end)
                cover_end = e;
        }
        if (j == i) /* the hit starts on the LF itself: never loop on it */
            j = i + 1;
        size_t letters = 0;
        for (size_t k = ls; words >= 2 && k < le; k++)
            letters += t[k] != ' ' && t[k] != ',' && t[k] != '\t' &&
                       t[k] != '.' && t[k] != ';' && t[k] != '|' &&
                       t[k] != '\n';
        int list_line = words >= 2 && covered * 10 >= letters * 6;
        for (size_t k = i; k < j; k++)
            if (list_line)
                res->ev[k].keyword_list = KPS_KEYWORD_LINE;
            else if (pack->rules[hits->v[k].rule].tool &&
                     kps_in_work_section(&res->ev[k]) &&
                     named_in_tool_list(t, norm->len, hits->v[k].start,
                                        hits->v[k].end))
                res->ev[k].keyword_list = KPS_NAME_IN_LIST;
        i = j;
    }
}

int kps_in_work_section(const kpiscan_evidence *e)
{
    return e->section != KPS_SECTION_SKILLS &&
           e->section != KPS_SECTION_SUMMARY &&
           e->section != KPS_SECTION_EDUCATION &&
           e->section != KPS_SECTION_CERTIFICATIONS &&
           e->section != KPS_SECTION_OTHER;
}

/* Evidence that a job involved KPI work: the KPI words themselves, a KPI
 * achievement, or a mid or senior indicator.  Junior indicators
 * (spreadsheets, data collection) and a bare percentage ("reduced flash
 * footprint by 18%") are everyday work in many trades and do not make a
 * job a KPI job on their own. */
int kps_shows_kpi_work(const kpiscan_evidence *e)
{
    if (e->hidden || e->section == KPS_SECTION_SKILLS || e->keyword_list)
        return 0;
    switch (e->category) {
    case KPISCAN_CATEGORY_TERM:
    case KPISCAN_CATEGORY_ACHIEVEMENT: return 1;
    case KPISCAN_CATEGORY_INDICATOR: return e->level >= KPISCAN_LEVEL_MID;
    default: return 0;
    }
}

/* Whether the words from b to the range at r read as a job title: two to
 * ten words, capitalised or joining words ("Support Analyst and System
 * Administrator"), the last one capitalised.  Text converted from PDF
 * often runs a job's header into its description on one long line ("IT
 * Project Manager 06/2007 to 05/2013 Company Name City , State My previous
 * role was ...").  A sentence is not a title: it has lowercase words
 * before its dates ("I joined the firm in 2012"), opens with a word that
 * leads to a date ("From 2012 to 2014 I was seconded", "Between ..."), or
 * ends on one ("Promoted in 2015"). */
static int title_before_range(const char *t, size_t b, size_t r)
{
    static const char *const joining[] = {"and", "of", "for",
                                          "the", "to", "in"};
    static const char *const openers[] = {
        "from",   "since", "between", "during", "until", "till", "after",
        "before", "in",    "on",      "at",     "over",  "by",   "for"};
    size_t words = 0;
    int last_capital = 0;
    for (size_t k = b, w; (w = next_word(t, &k, r)) < r;) {
        int letters = 0;
        for (size_t i = w; i < k && !letters; i++)
            letters = (t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'z';
        if (!letters)
            continue; /* "-", "|", "&", "/": separators, not words */
        if (++words > 10)
            return 0;
        unsigned char c = (unsigned char)t[w];
        int lower = c >= 'a' && c <= 'z';
        if (lower &&
            !word_in(t, w, k, joining, sizeof joining / sizeof *joining))
            return 0;
        if (words == 1 &&
            word_in(t, w, k, openers, sizeof openers / sizeof *openers))
            return 0;
        last_capital = !lower;
    }
    return words >= 2 && last_capital;
}

/* A range heads a job when its line is a header, not a sentence: it does
 * not start with a bullet and has at most 14 words, or it starts with the
 * range itself ("2012 - 2021, Engineer. Responsible for ..."), or a title
 * leads it to the range (title_before_range).  "Head of Year 9 from 2019
 * to 2024" in a bullet is part of the job above it.
 * range_offset: where the line's first range starts. */
/* The end of the line that starts at s: its line feed, or len; at most
 * cap bytes are looked at (then s + cap). */
static size_t line_end(const char *t, size_t len, size_t s, size_t cap)
{
    size_t room = len - s < cap ? len - s : cap;
    const char *nl = memchr(t + s, '\n', room);
    return nl ? (size_t)(nl - t) : s + room;
}

int kps_heads_job(const char *text, size_t len, const kps_line_index *li,
                  size_t line, size_t range_offset)
{
    size_t b = li->starts[line - 1], e = line_end(text, len, b, len - b);
    size_t i = b;
    while (i < e && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (starts_with_bullet((const unsigned char *)text + i, e - i))
        return 0;
    if (i == range_offset)
        return 1;
    if (blank_separated_words(text, i, e) <= 14)
        return 1;
    return title_before_range(text, i, range_offset);
}

/* A job's line longer than this is not a job header (one is a few dozen
 * bytes); the cap keeps a hostile one-line document with thousands of
 * dates from costing dates x line length. */
#define JOB_LINE_MAX 1024

/* A longer job title is a sentence run on from the header: none is kept. */
#define JOB_TITLE_MAX 160

/* Whether the line [s, e) may name the job of dates that stand alone on
 * the line next to it: 20 words at most, not a list item, not the end of a
 * sentence (the last bullet of the job before: "... and Travel Money
 * programs."), no section heading ("Professional Experience") and no
 * dates of its own (the next job's header). */
static int names_job(const kpiscan_result *res, size_t s, size_t e,
                     const size_t *heads, size_t nheads)
{
    const char *t = res->text;
    /* a heading's offset is its line's start, indented or not */
    size_t h = first_at_or_after(heads, nheads, sizeof *heads, 0, s);
    if (h < nheads && heads[h] < e)
        return 0;
    while (s < e && (t[s] == ' ' || t[s] == '\t'))
        s++;
    size_t last = e;
    while (last > s &&
           (t[last - 1] == ' ' || t[last - 1] == '\t' || t[last - 1] == '\r'))
        last--;
    if (s == last ||
        starts_with_bullet((const unsigned char *)t + s, last - s) ||
        strchr(".;:,", t[last - 1]) || blank_separated_words(t, s, last) > 20)
        return 0;
    size_t k = first_at_or_after(res->spans, res->nspans, sizeof *res->spans,
                                 offsetof(kpiscan_span, offset), s);
    return !(k < res->nspans && res->spans[k].offset < e);
}

/* The length of the punctuation mark that s[0, n) starts with: ':', '.',
 * ';', '-' or an en or em dash; 0 for none. */
static size_t mark_length(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && (u[0] == ':' || u[0] == '.' || u[0] == ';' || u[0] == '-'))
        return 1;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] == 0x93 || u[2] == 0x94))
        return 3;
    return 0;
}

/* Where a label of the dates at `at` starts on the line that starts at s
 * ("from 2015 to 2016", "Period: 2013 - 2014", "Dates of employment :
 * 2011 - 2012"), or at itself when none stands right before them.  Such
 * words name the dates, not the job; only next to the dates are they
 * labels: "Tenure Track Professor" and "Date Analyst" are titles. */
static size_t date_label_start(const char *t, size_t s, size_t at)
{
    /* clang-format off */
#define LABEL(w) {w, sizeof w - 1}
    static const struct {
        const char *word;
        size_t len;
    } LABELS[] = {
        LABEL("dates of employment"), LABEL("date of employment"),
        LABEL("employment dates"), LABEL("employment period"),
        LABEL("dates"), LABEL("date"), LABEL("period"), LABEL("duration"),
        LABEL("tenure"), LABEL("from"), LABEL("since")};
#undef LABEL
    /* clang-format on */
    size_t b = at;
    while (b > s && (t[b - 1] == ' ' || t[b - 1] == '\t'))
        b--;
    if (b > s && t[b - 1] == ':') {
        b--;
        while (b > s && (t[b - 1] == ' ' || t[b - 1] == '\t'))
            b--;
    }
    /* Most dates follow a comma, a bar or nothing: no label ends there;
     * a word's last letter rules out most labels before a compare. */
    if (b == s)
        return at;
    char last = (char)(t[b - 1] | 0x20);
    for (size_t i = 0; i < sizeof LABELS / sizeof LABELS[0]; i++) {
        size_t k = LABELS[i].len;
        if (LABELS[i].word[k - 1] != last || k > b - s ||
            !kps_ascii_ieq(t + b - k, LABELS[i].word, k))
            continue;
        char before = b - k > s ? (char)(t[b - k - 1] | 0x20) : ' ';
        if (!(before >= 'a' && before <= 'z')) /* "Fromm", "Update" */
            return b - k;
    }
    return at;
}

/* The job line's words into title (at most JOB_LINE_MAX bytes), the
 * range's own dates and separators left out.  Returns its length. */
static size_t job_words(const kpiscan_result *res, size_t s, size_t e,
                        const kpiscan_span *sp, char *title)
{
    const char *t = res->text;
    size_t n = 0;
    /* the dates themselves, with a label right before them */
    size_t dates = sp->offset >= s && sp->offset < e
                       ? date_label_start(t, s, sp->offset)
                       : sp->offset;
    for (size_t i = s; i < e; i++) {
        if (i >= dates && i < sp->offset + sp->length)
            continue;
        char c = t[i];
        /* Letters and digits first: most of a line, and never separators. */
        int sep = 0;
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
            !(c >= '0' && c <= '9')) {
            /* A dash joins words ("part-time") unless it stands alone. */
            int lone_dash = c == '-' && (i == s || t[i - 1] == ' ') &&
                            (i + 1 >= e || t[i + 1] == ' ');
            sep = c == '|' || c == '\t' || c == ' ' || c == ',' || c == '(' ||
                  c == ')' || c == '\r' || lone_dash;
        }
        if (sep && (n == 0 || title[n - 1] == ' '))
            continue;
        title[n++] = sep ? ' ' : c;
    }
    while (n && title[n - 1] == ' ')
        n--;
    /* Punctuation left between the dates and the title ("2019 - 2021:
     * Backend developer", "2015 – 2018. Engineer") is not the title's.
     * A mark counts only before a space: ".NET Developer" keeps its dot. */
    size_t lead = 0, mark;
    while ((mark = mark_length(title + lead, n - lead)) != 0 &&
           lead + mark < n && title[lead + mark] == ' ')
        lead += mark + 1;
    memmove(title, title + lead, n - lead);
    return n - lead;
}

/* Whether s[0, n) holds at least min letters (ASCII, or the lead byte of
 * any other character). */
static int has_letters(const char *s, size_t n, size_t min)
{
    size_t letters = 0;
    for (size_t i = 0; i < n && letters < min; i++) {
        unsigned char c = (unsigned char)s[i];
        letters += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0xC2;
    }
    return letters >= min;
}

/* Only spaces and tabs in t[b, e). */
static int only_blanks(const char *t, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        if (t[i] != ' ' && t[i] != '\t')
            return 0;
    return 1;
}

/* Attach a range to the job it heads: its line without the dates and
 * separators, or, when the dates stand alone, the line above ("Operations
 * Analyst | Northgate" then "Jan 2023 to date") or else the line below
 * ("02/1999 to Current" then "DIRECTOR Company Name City , State"), each
 * only if it can name a job (names_job).  heads: the section headings'
 * offsets, ascending.  Returns -1 when out of memory. */
int kps_job_title(kpiscan_result *res, const kps_line_index *li,
                  kpiscan_span *sp, const size_t *heads, size_t nheads)
{
    /* Built in place: a title is never longer than its line, which is at
     * most JOB_LINE_MAX bytes; only a title worth keeping is copied. */
    char title[JOB_LINE_MAX + 1];
    size_t n = 0;
    for (int step = 0; step < 3 && n < 3; step++) {
        size_t line = step == 0   ? sp->line
                      : step == 1 ? sp->line - 1
                                  : sp->line + 1;
        if (line < 1 || line > li->n)
            continue;
        size_t s = li->starts[line - 1];
        /* the words must name a job, as a neighbour line's must */
        int as_neighbour = step > 0;
        if (step == 0 && only_blanks(res->text, s, sp->offset) &&
            memchr(res->text + sp->offset, '\n', sp->length)) {
            /* Dates over two lines, each with a cell ("2020, June  MTS
             * GROUP" over "2021, August Python Developer"): the start's
             * line is inside the span, and the words after the end name
             * the job when they can; else the neighbours are tried
             * ("Senior Analyst, Acme" over "June 2015 -" over "August 2019
             * Ran the weekly reports.").  A month over its year, "...
             * (August" over "2015-Present)", keeps the words before it. */
            s = sp->offset + sp->length;
            as_neighbour = 1;
        }
        size_t e = line_end(res->text, res->len, s, JOB_LINE_MAX + 1);
        if (e - s > JOB_LINE_MAX) {
            if (!as_neighbour)
                break; /* dates inside a long paragraph head no job */
            continue;  /* a neighbour that long names none */
        }
        if (as_neighbour && !names_job(res, s, e, heads, nheads))
            continue;
        n = job_words(res, s, e, sp, title);
        /* A longer title is a sentence run on from the header: the dates
         * stand in that sentence, and no line near them is their job's. */
        if (n > JOB_TITLE_MAX) {
            n = 0;
            if (step == 0)
                break;
        }
        /* A job line names something: a few letters, not a rule of "====". */
        if (!has_letters(title, n, 2))
            n = 0;
    }
    if (n < 3)
        return 0;
    char *job = malloc(n + 1);
    if (!job)
        return -1;
    memcpy(job, title, n);
    job[n] = '\0';
    sp->job = job;
    return 0;
}

/* A job the timeline counts under an education or skills heading (it
 * names a job title: a two-column CV whose "EDUCATION" heading stands over
 * the jobs column) is work, and so is what is written in it: a reader
 * counts its bullets as work done for an employer.  The stretch is kept
 * tight, from the job's dates to the next dated line or heading of any
 * kind, so the courses and skill lists around it stay what their heading
 * says.  HEADS holds the headings' document offsets, ascending. */
static void refile_jobs_under_other_headings(kpiscan_result *res,
                                             const size_t *heads, size_t nheads,
                                             const kps_line_index *li)
{
    size_t next = 0; /* the first span on a later line than span i */
    for (size_t i = 0; i < res->nspans; i++) {
        const kpiscan_span *sp = &res->spans[i];
        if (sp->statement || !sp->counted ||
            (sp->section != KPS_SECTION_EDUCATION &&
             sp->section != KPS_SECTION_SKILLS))
            continue;
        size_t start = li->starts[sp->line - 1], end = res->len;
        if (next <= i)
            next = i + 1;
        while (next < res->nspans && res->spans[next].line <= sp->line)
            next++;
        if (next < res->nspans)
            end = li->starts[res->spans[next].line - 1];
        size_t h =
            first_at_or_after(heads, nheads, sizeof *heads, 0, sp->offset + 1);
        if (h < nheads && heads[h] < end)
            end = heads[h];
        for (size_t k =
                 first_at_or_after(res->ev, res->nev, sizeof *res->ev,
                                   offsetof(kpiscan_evidence, offset), start);
             k < res->nev && res->ev[k].offset < end; k++)
            if (res->ev[k].section == sp->section)
                res->ev[k].section = KPS_SECTION_EXPERIENCE;
    }
}

/* A counted date range that heads a job covers the lines from it to the
 * next job header on a later line, or to the next section heading.  The
 * job shows KPI work when such evidence stands in it; a range inside a
 * job's text shares the job's answer.  The years of KPI jobs are the years
 * of KPI experience. */
int kps_mark_kpi_jobs(kpiscan_result *res, const kps_norm *norm,
                      const kps_sections *sections, const kps_line_index *li)
{
    /* Heading positions in document offsets, ascending like the headings. */
    size_t *heads = sections->n ? malloc(sections->n * sizeof *heads) : NULL;
    unsigned char *header = res->nspans ? calloc(res->nspans, 1) : NULL;
    if ((sections->n && !heads) || (res->nspans && !header)) {
        free(heads);
        free(header);
        return -1;
    }
    for (size_t h = 0; h < sections->n; h++)
        heads[h] = kps_norm_to_src(norm, sections->headings[h].offset);
    refile_jobs_under_other_headings(res, heads, sections->n, li);
    size_t cached_line = 0; /* spans come in text order: one look per line */
    int cached_heads = 0;
    for (size_t i = 0; i < res->nspans; i++) {
        if (res->spans[i].statement) {
            header[i] = 0;
            continue;
        }
        if (res->spans[i].line != cached_line) {
            cached_line = res->spans[i].line;
            cached_heads = kps_heads_job(res->text, res->len, li, cached_line,
                                         res->spans[i].offset);
        }
        header[i] = (unsigned char)cached_heads;
        if (header[i] &&
            kps_job_title(res, li, &res->spans[i], heads, sections->n)) {
            free(heads);
            free(header);
            return -1;
        }
    }

    size_t next = 0;    /* the next job header on a later line */
    int enclosing = -1; /* kpi_job of the last job header, -1 none yet */
    for (size_t i = 0; i < res->nspans; i++) {
        kpiscan_span *sp = &res->spans[i];
        if (sp->statement)
            continue;
        if (!header[i]) {
            if (sp->counted && enclosing >= 0) {
                sp->kpi_job = enclosing;
                continue;
            }
            if (!sp->counted)
                continue;
        }
        size_t start = li->starts[sp->line - 1], end = res->len;
        if (next <= i)
            next = i + 1;
        while (next < res->nspans &&
               (!header[next] || res->spans[next].line <= sp->line))
            next++;
        if (next < res->nspans)
            end = li->starts[res->spans[next].line - 1];
        size_t lo = 0, hi = sections->n; /* first heading after the range */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (heads[mid] <= sp->offset)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* A heading of the job's own kind ("Responsibilities:", "Duties"
         * under a job) does not end it; one of another kind does. */
        while (lo < sections->n &&
               (sections->headings[lo].section == KPS_SECTION_EXPERIENCE ||
                sections->headings[lo].section == sp->section))
            lo++;
        if (lo < sections->n && heads[lo] < end)
            end = heads[lo];
        /* the first evidence item at or after start */
        lo = first_at_or_after(res->ev, res->nev, sizeof *res->ev,
                               offsetof(kpiscan_evidence, offset), start);
        int kpi = 0;
        for (size_t k = lo; k < res->nev && res->ev[k].offset < end && !kpi;
             k++)
            kpi = kps_shows_kpi_work(&res->ev[k]);
        if (sp->counted)
            sp->kpi_job = kpi;
        if (header[i])
            enclosing = sp->counted ? kpi : -1;
    }
    free(header);
    free(heads);
    return 0;
}

static long month_index(long yyyymm)
{
    return kps_month_index((int)(yyyymm / 100), (int)(yyyymm % 100));
}

static long index_month(long idx)
{
    return (idx / 12) * 100 + idx % 12 + 1;
}

static int cmp_interval(const void *a, const void *b)
{
    const kps_interval *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Counted ranges merged into stretches of employment: what the dated years
 * add up, shown in --explain, and what gaps are measured between. */
/* Merge the counted ranges (only those of KPI jobs when kpi_only) into
 * stretches in time order.  Returns the number of stretches, or -1 when
 * out of memory; *out is malloc'd (NULL when there are none). */
long kps_merge_ranges(const kpiscan_result *res, int kpi_only,
                      kps_interval **out)
{
    *out = NULL;
    size_t n = 0;
    for (size_t i = 0; i < res->nspans; i++)
        n += !res->spans[i].statement && res->spans[i].counted &&
             (!kpi_only || res->spans[i].kpi_job);
    if (!n)
        return 0;
    kps_interval *v = calloc(n, sizeof *v);
    if (!v)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < res->nspans; i++) {
        const kpiscan_span *sp = &res->spans[i];
        if (sp->statement || !sp->counted || (kpi_only && !sp->kpi_job))
            continue;
        v[k].start = month_index(sp->start);
        v[k].end = month_index(sp->end);
        k++;
    }
    qsort(v, k, sizeof *v, cmp_interval);
    size_t m = kps_merge_months(v, k); /* the timeline's merge */
    for (size_t i = 0; i < m; i++) {
        v[i].months = (int)(v[i].end - v[i].start);
        v[i].start = index_month(v[i].start);
        v[i].end = index_month(v[i].end);
    }
    *out = v;
    return (long)m;
}

int kps_employment(kpiscan_result *res)
{
    long m = kps_merge_ranges(res, 0, &res->merged);
    if (m < 0)
        return -1;
    res->nmerged = (size_t)m;
    kps_interval *kpi = NULL;
    long mk = kps_merge_ranges(res, 1, &kpi);
    if (mk < 0)
        return -1;
    res->kpi_years = -1.0;
    if (mk > 0) {
        int months = 0;
        for (long i = 0; i < mk; i++)
            months += kpi[i].months;
        res->kpi_years = months / 12.0;
    }
    free(kpi);
    return 0;
}
