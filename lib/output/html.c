/* html.c - the batch as one self-contained HTML report for a recruiter.
 *
 * One file, opened from disk, mailed or attached to a ticket: inline CSS
 * and script only, no request to any network, font or CDN.  Everything is
 * rendered here as static HTML (summary, bar chart, ranked table, one
 * section per candidate), so the report reads and prints without script;
 * the script only sorts and filters the table.
 *
 * Safety.  Resume text and file names are hostile input.  Every such
 * string goes through esc() (text and double-quoted attributes alike:
 * & < > " ' become references, invalid UTF-8 and C0 controls become
 * U+FFFD), or, in the data block the script reads, through kps_jw and then
 * html_safe_json() (< > & and U+2028/2029 as \u escapes, so "</script>"
 * cannot end the block).  No resume-derived string ever lands in a URL,
 * an event handler, a style or the script itself.  A Content-Security-
 * Policy meta tag allows only the report's own style and script, by hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "base/options.h"
#include "base/sha256.h"
#include "output/jsonw.h"
#include "match/pack.h"
#include "estimate/result.h"
#include "output/explain.h"
#include "batch.h"

typedef struct entry {
    kps_rank rank;
    char *name;   /* copy, for rank.name */
    char *row;    /* <tr> of the table */
    char *detail; /* <section> of the candidate */
    char *data;   /* JSON object of the data block, HTML-safe */
    char *steps;  /* "id":"explanation" for the steps block, HTML-safe;
                     NULL for errors */
    int hidden;   /* carries the hidden-text red flag */
    long as_of;
} entry;

struct kpiscan_html {
    kpiscan_options opts; /* resolved copy: excerpts, for explain */
    int sort;
    entry *e;
    size_t n, cap;
    size_t levels[4], errors, skipped, hidden;
    char **flag_ids; /* every red flag id met, for the filter */
    size_t nflag_ids;
    kps_buf skipped_list; /* <li> of the first MAX_SKIPPED_LISTED skips */
    int failed;           /* out of memory in an add: the document is refused */
};

/* Skipped files the summary names (the count covers them all): a folder of
 * resumes holds a few photos and notes, a home folder thousands. */
#define MAX_SKIPPED_LISTED 200

/* ------------------------------------------------------------------ */
/* Escaping                                                            */
/* ------------------------------------------------------------------ */

/* Append s[0..len) escaped for HTML text and double- or single-quoted
 * attribute values. */
static int esc_n(kps_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        const char *rep = NULL;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            if (kps_buf_append(b, rep, strlen(rep)))
                return -1;
            i++;
            continue;
        }
        /* controls (C0 but newline and tab, DEL) are parse errors in
         * HTML: shown as U+FFFD, like bytes that are not UTF-8 */
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            if (kps_buf_append(b, "\xEF\xBF\xBD", 3))
                return -1;
            i++;
            continue;
        }
        if (c < 0x80) {
            if (kps_buf_putc(b, (char)c))
                return -1;
            i++;
            continue;
        }
        size_t n = kps_utf8_seq_len(p + i, len - i);
        /* C1 controls (U+0080..U+009F) and the non-characters U+FFFE and
         * U+FFFF as well */
        int control = (n == 2 && c == 0xC2 && p[i + 1] < 0xA0) ||
                      (n == 3 && c == 0xEF && p[i + 1] == 0xBF &&
                       (p[i + 2] == 0xBE || p[i + 2] == 0xBF));
        if (n == 0 || control) {
            if (n > 1)
                i += n - 1;
            if (kps_buf_append(b, "\xEF\xBF\xBD", 3))
                return -1;
            i++;
            continue;
        }
        if (kps_buf_append(b, p + i, n))
            return -1;
        i += n;
    }
    return 0;
}

static int esc(kps_buf *b, const char *s)
{
    return s ? esc_n(b, s, strlen(s)) : 0;
}

static int put(kps_buf *b, const char *s)
{
    return kps_buf_append(b, s, strlen(s));
}

/* The level badge: a level's name (or "error") in a span styled by it. */
static int put_level(kps_buf *b, const char *level)
{
    return kps_buf_printf(b, "<span class=\"lvl %s\">%s</span>", level, level);
}

/* JSON from kps_jw made safe inside <script type="application/json">:
 * these characters occur only inside strings, where the \u form means the
 * same to JSON.parse(), and without them no "</script" or "<!--" can
 * appear.  U+2028/2029 are escaped as well, for any reader that takes the
 * data as a JavaScript literal.  Returns a new string or NULL. */
static char *html_safe_json(const char *json)
{
    kps_buf b = {0};
    if (kps_buf_reserve(&b, strlen(json)))
        return NULL;
    for (const unsigned char *p = (const unsigned char *)json; *p; p++) {
        int bad = 0;
        if (*p == '<')
            bad = put(&b, "\\u003c");
        else if (*p == '>')
            bad = put(&b, "\\u003e");
        else if (*p == '&')
            bad = put(&b, "\\u0026");
        else if (p[0] == 0xE2 && p[1] == 0x80 &&
                 (p[2] == 0xA8 || p[2] == 0xA9)) {
            bad = put(&b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
            p += 2;
        } else if (*p == 0x7F) {
            /* DEL and the C1 controls: valid JSON raw, parse errors in
             * HTML, the same string as \u escapes */
            bad = put(&b, "\\u007f");
        } else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) {
            char u[8];
            snprintf(u, sizeof u, "\\u%04x", p[1]);
            bad = put(&b, u);
            p += 1;
        } else
            bad = kps_buf_putc(&b, (char)*p);
        if (bad) {
            kps_buf_free(&b);
            return NULL;
        }
    }
    return b.data;
}

/* ------------------------------------------------------------------ */
/* One candidate                                                       */
/* ------------------------------------------------------------------ */

static const char *level_or_error(const kpiscan_result *r)
{
    return r ? kpiscan_level_name(r->level) : "error";
}

static int put_years(kps_buf *b, double y)
{
    return y >= 0 ? kps_buf_printf(b, "%.1f", y)
                  : put(b, "\xE2\x80\x94"); /* dash */
}

/* Is the byte at p the end of a sentence: . ! ? followed by a space? */
static int sentence_end(const char *t, size_t len, size_t i)
{
    return (t[i] == '.' || t[i] == '!' || t[i] == '?') && i + 1 < len &&
           (t[i + 1] == ' ' || t[i + 1] == '\n');
}

/* The sentence around [off, end): back to the previous sentence end or
 * line break, forward to the next, at most SENTENCE_REACH bytes each way
 * and never inside a UTF-8 sequence. */
#define SENTENCE_REACH 200
static void sentence_bounds(const char *t, size_t len, size_t off, size_t end,
                            size_t *s, size_t *e)
{
    size_t a = off;
    while (a > 0 && off - a < SENTENCE_REACH && t[a - 1] != '\n' &&
           !sentence_end(t, len, a - 1))
        a--;
    while (a < off && (t[a] == ' ' || t[a] == '\t'))
        a++;
    while (a < off && ((unsigned char)t[a] & 0xC0) == 0x80)
        a++;
    size_t z = end;
    while (z < len && z - end < SENTENCE_REACH && t[z] != '\n' &&
           !sentence_end(t, len, z))
        z++;
    if (z < len && sentence_end(t, len, z))
        z++; /* keep the full stop */
    while (z > end && z < len && ((unsigned char)t[z] & 0xC0) == 0x80)
        z--;
    *s = a;
    *e = z;
}

/* Evidence grouped by sentence: one list item per sentence, the matches
 * inside it marked, then each match's rule, level and line:column. */
static int evidence_html(kps_buf *b, const kpiscan_result *r, int excerpts)
{
    int bad = put(b, "<h3>Evidence</h3>\n");
    if (!r->nev)
        return bad | put(b, "<p>No rule of the pack matched.</p>\n");
    bad |= put(b, "<ol class=\"evidence\">\n");
    /* in a PDF, each match says where its reader finds the words (by the
     * format: a DOCX names its own parts) */
    int pdf = r->format && strcmp(r->format, "pdf") == 0;
    size_t i = 0;
    while (i < r->nev && !bad) {
        const kpiscan_evidence *first = &r->ev[i];
        size_t s = 0, e = 0, j = i + 1;
        if (excerpts && r->text) {
            sentence_bounds(r->text, r->len, first->offset,
                            first->offset + first->length, &s, &e);
            /* the following matches that start inside this sentence */
            while (j < r->nev && r->ev[j].offset >= s && r->ev[j].offset < e) {
                size_t s2, e2;
                const kpiscan_evidence *x = &r->ev[j];
                sentence_bounds(r->text, r->len, x->offset,
                                x->offset + x->length, &s2, &e2);
                if (e2 > e)
                    e = e2;
                j++;
            }
        }
        bad |= put(b, "<li");
        if (first->hidden)
            bad |= put(b, " class=\"hidden-text\"");
        bad |= put(b, ">");
        if (excerpts && r->text) {
            /* marks: the union of the matches, in text order */
            bad |= put(b, "<q>");
            size_t at = s;
            for (size_t k = i; k < j && !bad; k++) {
                size_t ms = r->ev[k].offset,
                       me = r->ev[k].offset + r->ev[k].length;
                if (me > e)
                    me = e;
                while (k + 1 < j && r->ev[k + 1].offset <= me) {
                    size_t n = r->ev[k + 1].offset + r->ev[k + 1].length;
                    if (n > me)
                        me = n < e ? n : e;
                    k++;
                }
                if (ms < at)
                    ms = at;
                if (me <= ms)
                    continue;
                bad |= esc_n(b, r->text + at, ms - at);
                bad |= put(b, "<mark>");
                bad |= esc_n(b, r->text + ms, me - ms);
                bad |= put(b, "</mark>");
                at = me;
            }
            bad |= esc_n(b, r->text + at, e > at ? e - at : 0);
            bad |= put(b, "</q>");
        }
        bad |= put(b, "<ul class=\"hits\">");
        for (size_t k = i; k < j; k++) {
            const kpiscan_evidence *x = &r->ev[k];
            bad |= kps_buf_printf(b, "<li><span class=\"pos\">%zu:%zu</span> ",
                                  x->line, x->column);
            if (pdf && x->part) {
                bad |= put(b, "<span class=\"pos\">(");
                bad |= esc(b, x->part);
                bad |= kps_buf_printf(b, ", line %zu)</span> ", x->paragraph);
            }
            bad |= put(b, "<code>");
            bad |= esc(b, x->rule_id);
            bad |= put(b, "</code> ");
            bad |= put_level(b, kpiscan_level_name(x->level));
            if (x->hidden)
                bad |= put(b, " <strong>hidden from a reader, not scored"
                              "</strong>");
            else
                bad |=
                    kps_buf_printf(b,
                                   " <span class=\"calc\">%.2f \xC3\x97 %.3f "
                                   "\xC3\x97 %.3f = %.2f</span>",
                                   x->weight, x->section_factor,
                                   x->repeat_factor, x->contribution);
            if (x->note) {
                bad |= put(b, " <small>");
                bad |= esc(b, x->note);
                bad |= put(b, "</small>");
            }
            bad |= put(b, "</li>");
        }
        bad |= put(b, "</ul></li>\n");
        i = j;
    }
    return bad | put(b, "</ol>\n");
}

static int flags_html(kps_buf *b, const kpiscan_result *r)
{
    int bad = put(b, "<h3>Red flags</h3>\n");
    size_t n = kpiscan_result_flag_count(r);
    if (!n)
        return bad | put(b, "<p>None.</p>\n");
    bad |= put(b, "<ul class=\"flags\">\n");
    for (size_t i = 0; i < n; i++) {
        bad |= put(b, "<li><code>");
        bad |= esc(b, kpiscan_result_flag_id(r, i));
        bad |= put(b, "</code>");
        if (kpiscan_result_flag_line(r, i))
            bad |= kps_buf_printf(b, " (line %zu)",
                                  kpiscan_result_flag_line(r, i));
        bad |= put(b, ": ");
        bad |= esc(b, kpiscan_result_flag_message(r, i));
        bad |= put(b, "</li>\n");
    }
    return bad | put(b, "</ul>\n");
}

static int questions_html(kps_buf *b, const kpiscan_result *r)
{
    size_t n = kpiscan_result_question_count(r);
    int bad = put(b, "<h3>Interview questions</h3>\n");
    if (!n)
        return bad | put(b, "<p>The pack gives none for this level.</p>\n");
    bad |= put(b, "<ol class=\"questions\">\n");
    for (size_t i = 0; i < n; i++) {
        int lvl = kpiscan_result_question_level(r, i);
        bad |= put(b, "<li>");
        bad |= put_level(b, kpiscan_level_name(lvl));
        bad |= put(b, " ");
        bad |= esc(b, kpiscan_result_question(r, i));
        const char *a = kpiscan_result_question_answer(r, i);
        if (a) {
            bad |= put(b, "<br><small>A good answer: ");
            bad |= esc(b, a);
            bad |= put(b, "</small>");
        }
        bad |= put(b, "</li>\n");
    }
    return bad | put(b, "</ol>\n");
}

static char *render_row(size_t id, const kpiscan_record *rec)
{
    const kpiscan_result *r = rec->result;
    kps_buf b = {0};
    int bad =
        kps_buf_printf(&b, "<tr id=\"r%zu\"><td><a href=\"#c%zu\">", id, id);
    bad |= esc(&b, rec->name);
    bad |= put(&b, "</a></td>");
    if (!r) {
        bad |= put(&b, "<td>");
        bad |= put_level(&b, "error");
        bad |= put(&b, "</td><td colspan=\"4\">");
        bad |= esc(&b, kpiscan_error_reason(&rec->error));
        bad |= put(&b, "</td></tr>\n");
    } else {
        bad |= put(&b, "<td>");
        bad |= put_level(&b, kpiscan_level_name(r->level));
        /* a level resting on the incidental kind of evidence says so in
         * the ranking, not only in the detail */
        if (r->level != KPISCAN_LEVEL_NONE &&
            r->presence == KPISCAN_PRESENCE_WEAK)
            bad |= put(&b, " <small class=\"weak\">weak evidence</small>");
        bad |= kps_buf_printf(&b,
                              "</td><td class=\"num\">%.2f</td>"
                              "<td class=\"num\">",
                              r->confidence);
        bad |= put_years(&b, r->years);
        bad |= put(&b, "</td><td class=\"num\">");
        bad |= put_years(&b, r->kpi_years);
        bad |= put(&b, "</td><td>");
        size_t n = kpiscan_result_flag_count(r);
        for (size_t i = 0; i < n; i++) {
            if (kps_flag_repeats(r, i))
                continue;
            /* the id, with its meaning where a pointer rests on it */
            bad |= put(&b, "<code title=\"");
            bad |= esc(&b, kpiscan_result_flag_message(r, i));
            bad |= put(&b, "\">");
            bad |= esc(&b, kpiscan_result_flag_id(r, i));
            bad |= put(&b, "</code> ");
        }
        bad |= put(&b, "</td></tr>\n");
    }
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static char *render_detail(size_t id, const kpiscan_record *rec,
                           const kpiscan_options *opts)
{
    const kpiscan_result *r = rec->result;
    kps_buf b = {0};
    int bad =
        kps_buf_printf(&b, "<section class=\"cand\" id=\"c%zu\">\n<h2>", id);
    bad |= esc(&b, rec->name);
    bad |= put(&b, "</h2>\n");
    if (!r) {
        bad |= put(&b, "<p class=\"verdict\">");
        bad |= put_level(&b, "error");
        bad |= put(&b, " This file could not be scanned: ");
        bad |= esc(&b, kpiscan_error_reason(&rec->error));
        bad |= put(&b, "</p>\n");
    } else {
        bad |= put(&b, "<p class=\"verdict\">");
        bad |= put_level(&b, kpiscan_level_name(r->level));
        bad |= kps_buf_printf(&b, " confidence %.2f, ", r->confidence);
        if (r->years >= 0)
            bad |= kps_buf_printf(&b, "%.1f years", r->years);
        else
            bad |= put(&b, "years unknown");
        if (r->kpi_years >= 0)
            bad |= kps_buf_printf(&b, ", %.1f years of KPI work", r->kpi_years);
        bad |= kps_buf_printf(&b, ", %s KPI evidence",
                              r->presence == KPISCAN_PRESENCE_NONE
                                  ? "no"
                                  : kpiscan_presence_name(r->presence));
        bad |= put(&b, "</p>\n<h3>Decision</h3>\n<p>");
        bad |= esc(&b, r->reason);
        bad |= put(&b, "</p>\n");
        /* The steps' text is in the steps data block and put in when
         * the reader unfolds them (or prints): as 1,236 <pre>s it
         * doubled the time to the load event. */
        bad |=
            kps_buf_printf(&b,
                           "<details class=\"steps\" data-id=\"%zu\"><summary>"
                           "Every step: scores, years, the rule that combined "
                           "them</summary><pre></pre></details>\n",
                           id);
        bad |= evidence_html(&b, r, opts->excerpts);
        bad |= flags_html(&b, r);
        bad |= questions_html(&b, r);
    }
    bad |= put(&b, "<p class=\"back\"><a href=\"#ranking\">Back to the "
                   "ranking</a></p>\n</section>\n");
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* The explanation without the evidence, flags and questions, which the
 * section lists on its own, as one member of the steps block. */
static char *render_steps(size_t id, const kpiscan_result *r,
                          const kpiscan_options *opts)
{
    char *explain = kps_result_explain(r, opts, 0);
    if (!explain)
        return NULL;
    char key[32];
    snprintf(key, sizeof key, "%zu", id);
    kps_jw jw, *w = &jw;
    kps_jw_init(w, 0);
    kps_jw_object(w, NULL);
    kps_jw_string(w, key, explain);
    kps_jw_object_end(w);
    kpiscan_free(explain);
    char *json = kps_jw_finish(w);
    if (!json)
        return NULL;
    /* drop the braces: members are joined into one object at the end */
    size_t n = strlen(json);
    memmove(json, json + 1, n - 2);
    json[n - 2] = '\0';
    char *safe = html_safe_json(json);
    free(json);
    return safe;
}

static char *render_data(size_t id, const kpiscan_record *rec)
{
    const kpiscan_result *r = rec->result;
    kps_jw jw, *w = &jw;
    char cid[32];
    snprintf(cid, sizeof cid, "%zu", id);
    kps_jw_init(w, 0);
    kps_jw_object(w, NULL);
    kps_jw_string(w, "id", cid);
    kps_jw_string(w, "file", rec->name);
    kps_jw_string(w, "level", level_or_error(r));
    if (r) {
        kps_jw_int(w, "rank", r->level);
        kps_jw_fixed(w, "confidence",
                     (double)(long)(r->confidence * 100.0 + 0.5) / 100.0, 2);
        if (r->years >= 0)
            kps_jw_fixed(w, "years",
                         (double)(long)(r->years * 100.0 + 0.5) / 100.0, 2);
        else
            kps_jw_null(w, "years");
        if (r->kpi_years >= 0)
            kps_jw_fixed(w, "kpi_years",
                         (double)(long)(r->kpi_years * 100.0 + 0.5) / 100.0, 2);
        else
            kps_jw_null(w, "kpi_years");
        kps_jw_array(w, "red_flags");
        size_t n = kpiscan_result_flag_count(r);
        for (size_t i = 0; i < n; i++) {
            if (!kps_flag_repeats(r, i))
                kps_jw_string(w, NULL, kpiscan_result_flag_id(r, i));
        }
        kps_jw_array_end(w);
    } else {
        kps_jw_null(w, "rank");
        kps_jw_null(w, "confidence");
        kps_jw_null(w, "years");
        kps_jw_null(w, "kpi_years");
        kps_jw_array(w, "red_flags");
        kps_jw_array_end(w);
    }
    kps_jw_object_end(w);
    char *json = kps_jw_finish(w);
    if (!json)
        return NULL;
    char *safe = html_safe_json(json);
    free(json);
    return safe;
}

/* ------------------------------------------------------------------ */
/* The writer                                                          */
/* ------------------------------------------------------------------ */

kpiscan_html *kpiscan_html_new(const kpiscan_options *opts)
{
    kpiscan_html *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    kps_options_resolve(opts, &h->opts);
    h->sort = KPISCAN_SORT_LEVEL;
    return h;
}

void kpiscan_html_free(kpiscan_html *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->e[i].name);
        free(h->e[i].row);
        free(h->e[i].detail);
        free(h->e[i].data);
        free(h->e[i].steps);
    }
    for (size_t i = 0; i < h->nflag_ids; i++)
        free(h->flag_ids[i]);
    free(h->flag_ids);
    kps_buf_free(&h->skipped_list);
    free(h->e);
    free(h);
}

int kpiscan_html_set_sort(kpiscan_html *h, int key)
{
    if (!h || key < KPISCAN_SORT_INPUT || key > KPISCAN_SORT_NAME)
        return KPISCAN_ERR_ARGUMENT;
    h->sort = key;
    return KPISCAN_OK;
}

static int note_flag_id(kpiscan_html *h, const char *id)
{
    for (size_t i = 0; i < h->nflag_ids; i++)
        if (strcmp(h->flag_ids[i], id) == 0)
            return 0;
    char **v = realloc(h->flag_ids, (h->nflag_ids + 1) * sizeof *v);
    if (!v)
        return -1;
    h->flag_ids = v;
    if (!(v[h->nflag_ids] = kps_strdup(id)))
        return -1;
    h->nflag_ids++;
    return 0;
}

static int html_add(kpiscan_html *h, const kpiscan_record *rec);

/* Adds and the document are written in the C locale, so the table's
 * numbers keep their '.' and sort as numbers (kps_c_locale_enter()). */
int kpiscan_html_add(kpiscan_html *h, const kpiscan_record *rec)
{
    if (!h || !rec)
        return KPISCAN_ERR_ARGUMENT;
    kps_c_locale loc;
    if (kps_c_locale_enter(&loc)) {
        h->failed = 1;
        return KPISCAN_ERR_NOMEM;
    }
    int rc = html_add(h, rec);
    kps_c_locale_leave(&loc);
    return rc;
}

static int html_add(kpiscan_html *h, const kpiscan_record *rec)
{
    if (rec->skipped) {
        /* Named with the reason, so a recruiter sees which files of the
         * folder were left out and why (a photo, notes, a hidden file). */
        if (h->skipped < MAX_SKIPPED_LISTED) {
            kps_buf *b = &h->skipped_list;
            int bad = put(b, "<li><code>") || esc(b, rec->name) ||
                      put(b, "</code>: ") ||
                      esc(b, kpiscan_error_reason(&rec->error)) ||
                      put(b, "</li>");
            if (bad) {
                h->failed = 1;
                return KPISCAN_ERR_NOMEM;
            }
        }
        h->skipped++;
        return KPISCAN_OK;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        entry *v = realloc(h->e, cap * sizeof *v);
        if (!v) {
            h->failed = 1;
            return KPISCAN_ERR_NOMEM;
        }
        h->e = v;
        h->cap = cap;
    }
    size_t id = h->n;
    entry *en = &h->e[id];
    memset(en, 0, sizeof *en);
    kps_rank_of_record(rec, &en->rank);
    en->rank.index = rec->index; /* input order, even with --unordered */
    en->name = kps_strdup(rec->name ? rec->name : "");
    en->rank.name = en->name;
    en->row = render_row(id, rec);
    en->detail = render_detail(id, rec, &h->opts);
    en->data = render_data(id, rec);
    const kpiscan_result *r = rec->result;
    if (r)
        en->steps = render_steps(id, r, &h->opts);
    int bad =
        !en->name || !en->row || !en->detail || !en->data || (r && !en->steps);
    if (r) {
        for (size_t i = 0; i < kpiscan_result_flag_count(r); i++)
            bad |= note_flag_id(h, kpiscan_result_flag_id(r, i)) != 0;
        en->hidden = r->nhidden > 0;
        en->as_of = r->as_of;
    }
    if (bad) {
        free(en->name);
        free(en->row);
        free(en->detail);
        free(en->data);
        free(en->steps);
        h->failed = 1;
        return KPISCAN_ERR_NOMEM;
    }
    if (r) {
        h->levels[r->level]++;
        h->hidden += en->hidden;
    } else
        h->errors++;
    h->n++;
    return KPISCAN_OK;
}

/* The style and the script are constants, so the page's Content-Security-
 * Policy can name them by hash and allow nothing else. */
static const char STYLE[] =
    ":root{--senior:#1b5e20;--mid:#0d47a1;--junior:#e65100;--none:#616161;"
    "--error:#b71c1c}\n"
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;"
    "padding:1rem;color:#111;background:#fff}\n"
    "h1{font-size:1.5rem}h2{font-size:1.2rem;word-break:break-all}"
    "h3{font-size:1rem;margin:1rem 0 .3rem}\n"
    ".note{color:#444}\n"
    ".summary{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start}\n"
    ".summary dl{display:grid;grid-template-columns:auto auto;gap:.1rem 1rem;"
    "margin:0}.summary dd{margin:0}\n"
    ".chart text{font-size:12px}\n"
    ".lvl{display:inline-block;min-width:4.5em;text-align:center;"
    "border-radius:3px;color:#fff;font-weight:600;padding:0 .3em}\n"
    ".lvl.senior{background:var(--senior)}.lvl.mid{background:var(--mid)}"
    ".lvl.junior{background:var(--junior)}.lvl.none{background:var(--none)}"
    ".lvl.error{background:var(--error)}\n"
    ".filters{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0 .5rem}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:left;"
    "vertical-align:top}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td a{word-break:break-all}\n"
    "th button{font:inherit;font-weight:600;border:0;background:none;"
    "padding:0;cursor:pointer;color:inherit}\n"
    "th button::after{content:' \\2195';color:#888}\n"
    "th[aria-sort=ascending] button::after{content:' \\2191';color:#000}\n"
    "th[aria-sort=descending] button::after{content:' \\2193';color:#000}\n"
    ":focus-visible{outline:3px solid #f9a825;outline-offset:1px}\n"
    "code{font-size:.9em}\n"
    /* A report of a thousand candidates is mostly off screen: the
     * browser lays out a section only when it comes near the view (the
     * load event came 4-5 times sooner over 1,236 resumes). */
    ".cand{border-top:2px solid #999;margin-top:2rem;"
    "content-visibility:auto;contain-intrinsic-size:auto 900px}\n"
    ".cand:target{background:#fffde7}\n"
    "mark{background:#ffeb3b;color:#000}\n"
    ".evidence q{quotes:none;display:block;font-style:italic}\n"
    ".hits{list-style:none;padding-left:0;margin:.1rem 0 .5rem;"
    "font-size:.9em;color:#333}\n"
    ".pos,.calc{font-variant-numeric:tabular-nums;color:#555}\n"
    ".hidden-text{border-left:4px solid var(--error);padding-left:.4rem}\n"
    "pre{white-space:pre-wrap;font-size:.8em;background:#f5f5f5;"
    "padding:.5rem}\n"
    "[hidden]{display:none!important}\n"
    "@media print{body{max-width:none;font-size:11pt}"
    ".filters,.back,th button::after{display:none}"
    ".cand{break-before:page;border:0;margin:0;"
    "content-visibility:visible}"
    "details>pre{display:block}a{color:inherit;text-decoration:none}"
    "tr{break-inside:avoid}}\n";

/* Sorting and filtering of the table (and of the candidate sections,
 * so a filtered report prints only what is shown).  It reads the data
 * block with JSON.parse and never builds HTML from strings: rows are
 * moved, not rewritten. */
static const char SCRIPT[] =
    "(function(){'use strict';\n"
    "var data=JSON.parse(document.getElementById('kpiscan-data')."
    "textContent);\n"
    "var tbody=document.getElementById('rows'),"
    "main=document.getElementById('candidates'),"
    "shown=document.getElementById('shown'),"
    "fl=document.getElementById('f-level'),"
    "ff=document.getElementById('f-flag');\n"
    "var heads=Array.prototype.slice.call(document.querySelectorAll("
    "'#ranking th[data-key]'));\n"
    "var state={key:null,dir:-1};\n"
    "heads.forEach(function(th){var s=th.getAttribute('aria-sort');"
    "if(s!=='none'){state.key=th.getAttribute('data-key');"
    "state.dir=s==='ascending'?1:-1;}});\n"
    "function num(v){return v===null||v===undefined?null:v;}\n"
    "function cmp(a,b){\n"
    " var ea=a.rank===null,eb=b.rank===null;if(ea!==eb)return ea?1:-1;\n"
    " var k=state.key,x,y,c=0;\n"
    " if(k==='file'){c=a.file.localeCompare(b.file,undefined,"
    "{numeric:true});return c*state.dir||a.order-b.order;}\n"
    " if(ea)return a.order-b.order;\n"
    " if(k==='level'){x=a.rank*1000+(a.rank?1:-1)*a.confidence*100;"
    "y=b.rank*1000+(b.rank?1:-1)*b.confidence*100;}\n"
    " else if(k==='red_flags'){x=a.red_flags.length;y=b.red_flags.length;}\n"
    " else{x=num(a[k]);y=num(b[k]);}\n"
    " if(x===null||y===null){if(x!==y)return x===null?1:-1;}\n"
    " else if(x!==y)c=x<y?-1:1;\n"
    " return c*state.dir||a.order-b.order;}\n"
    "function sortBy(key){\n"
    " if(state.key===key)state.dir=-state.dir;\n"
    " else{state.key=key;state.dir=key==='file'?1:-1;}\n"
    " var rows=data.slice().sort(cmp);\n"
    " rows.forEach(function(d){tbody.appendChild(d.row);"
    "main.appendChild(d.section);});\n"
    " heads.forEach(function(th){th.setAttribute('aria-sort',"
    "th.getAttribute('data-key')===key?(state.dir>0?'ascending':"
    "'descending'):'none');});}\n"
    "function filter(){\n"
    " var lv=fl.value,fg=ff.value,n=0;\n"
    " data.forEach(function(d){\n"
    "  var ok=(lv==='all'||d.level===lv)&&(fg==='all'||"
    "(fg==='*any'?d.red_flags.length>0:fg==='*none'?"
    "d.red_flags.length===0:d.red_flags.indexOf(fg)>=0));\n"
    "  if(d.row.hidden===ok){d.row.hidden=!ok;d.section.hidden=!ok;}"
    "if(ok)n++;});\n"
    " shown.textContent=n+' of '+data.length+' shown';}\n"
    "data.forEach(function(d,i){d.order=i;"
    "d.row=document.getElementById('r'+d.id);"
    "d.section=document.getElementById('c'+d.id);});\n"
    "heads.forEach(function(th){th.querySelector('button')."
    "addEventListener('click',function(){sortBy(th.getAttribute("
    "'data-key'));});});\n"
    "fl.addEventListener('change',filter);"
    "ff.addEventListener('change',filter);\n"
    "fl.disabled=false;ff.disabled=false;\n"
    "var steps=null;\n"
    "function fill(d){if(d.getAttribute('data-done'))return;"
    "if(!steps)steps=JSON.parse(document.getElementById('kpiscan-steps')."
    "textContent);d.querySelector('pre').textContent="
    "steps[d.getAttribute('data-id')]||'';d.setAttribute('data-done','1');}"
    "\n"
    "document.addEventListener('toggle',function(e){var d=e.target;"
    "if(d.classList&&d.classList.contains('steps')&&d.open)fill(d);},"
    "true);\n"
    "window.addEventListener('beforeprint',function(){"
    "Array.prototype.forEach.call(document.querySelectorAll('details.steps'),"
    "function(d){fill(d);d.open=true;});});\n"
    "filter();})();\n";

static int csp_hash(kps_buf *b, const char *s)
{
    kps_sha256 sh;
    char hex[65];
    kps_sha256_init(&sh);
    kps_sha256_update(&sh, s, strlen(s));
    kps_sha256_hex(&sh, hex);
    unsigned char raw[32];
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        raw[i] = (unsigned char)v;
    }
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char out[48];
    size_t o = 0;
    for (int i = 0; i < 32; i += 3) {
        unsigned v = (unsigned)raw[i] << 16;
        if (i + 1 < 32)
            v |= (unsigned)raw[i + 1] << 8;
        if (i + 2 < 32)
            v |= raw[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < 32 ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return kps_buf_printf(b, "'sha256-%s'", out);
}

/* Bars for none, junior, mid, senior and errors; the tallest is 100 px. */
static int chart_svg(kps_buf *b, const kpiscan_html *h)
{
    size_t v[5] = {h->levels[3], h->levels[2], h->levels[1], h->levels[0],
                   h->errors};
    static const char *const names[5] = {"senior", "mid", "junior", "none",
                                         "error"};
    static const char *const colours[5] = {"#1b5e20", "#0d47a1", "#e65100",
                                           "#616161", "#b71c1c"};
    size_t max = 1;
    for (int i = 0; i < 5; i++)
        if (v[i] > max)
            max = v[i];
    int bad = put(b, "<svg class=\"chart\" width=\"300\" height=\"150\" "
                     "viewBox=\"0 0 300 150\" role=\"img\" "
                     "aria-labelledby=\"chart-title\">"
                     "<title id=\"chart-title\">Candidates per level:");
    for (int i = 0; i < 5; i++)
        bad |= kps_buf_printf(b, " %s %zu%s", names[i], v[i], i < 4 ? "," : "");
    bad |= put(b, "</title>");
    for (int i = 0; i < 5; i++) {
        int hgt = (int)(100.0 * (double)v[i] / (double)max + 0.5);
        int x = 10 + i * 58;
        bad |=
            kps_buf_printf(b,
                           "<rect x=\"%d\" y=\"%d\" width=\"44\" height=\"%d\" "
                           "fill=\"%s\"/>",
                           x, 115 - hgt, hgt, colours[i]);
        bad |=
            kps_buf_printf(b,
                           "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu"
                           "</text>",
                           x + 22, 111 - hgt, v[i]);
        bad |=
            kps_buf_printf(b,
                           "<text x=\"%d\" y=\"132\" text-anchor=\"middle\">%s"
                           "</text>",
                           x + 22, names[i]);
    }
    return bad | put(b, "</svg>\n");
}

/* Sort order of the entries, without moving them (index array). */
static size_t *ranked(const kpiscan_html *h)
{
    size_t *ix = malloc((h->n ? h->n : 1) * sizeof *ix);
    size_t *tmp = malloc((h->n ? h->n : 1) * sizeof *tmp);
    if (!ix || !tmp) {
        free(ix);
        free(tmp);
        return NULL;
    }
    for (size_t i = 0; i < h->n; i++)
        ix[i] = i;
    /* bottom-up merge sort: stable, no recursion, no static key */
    for (size_t width = 1; width < h->n; width *= 2) {
        for (size_t lo = 0; lo < h->n; lo += 2 * width) {
            size_t mid = lo + width < h->n ? lo + width : h->n;
            size_t hi = lo + 2 * width < h->n ? lo + 2 * width : h->n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = kps_rank_compare(&h->e[ix[j]].rank,
                                            &h->e[ix[i]].rank, h->sort) < 0
                               ? ix[j++]
                               : ix[i++];
            while (i < mid)
                tmp[k++] = ix[i++];
            while (j < hi)
                tmp[k++] = ix[j++];
        }
        memcpy(ix, tmp, h->n * sizeof *ix);
    }
    free(tmp);
    return ix;
}

static char *html_document(const kpiscan_html *h, const kpiscan_pack *pack);

char *kpiscan_html_document(const kpiscan_html *h, const kpiscan_pack *pack)
{
    kps_c_locale loc;
    if (!h || h->failed || kps_c_locale_enter(&loc))
        return NULL;
    char *doc = html_document(h, pack);
    kps_c_locale_leave(&loc);
    return doc;
}

static char *html_document(const kpiscan_html *h, const kpiscan_pack *pack)
{
    size_t *ix = ranked(h);
    if (!ix)
        return NULL;
    kps_buf b = {0};
    /* The candidates are the resumes read; the files that could not be
     * scanned are counted on their own line below. */
    size_t candidates = h->n - h->errors;
    int bad = put(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                      "<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" "
                      "content=\"default-src 'none'; style-src ");
    bad |= csp_hash(&b, STYLE);
    bad |= put(&b, "; script-src ");
    bad |= csp_hash(&b, SCRIPT);
    bad |= put(&b, "; img-src data:; base-uri 'none'; form-action 'none'\">\n"
                   "<meta name=\"referrer\" content=\"no-referrer\">\n"
                   "<title>kpiscan report</title>\n<style>");
    bad |= put(&b, STYLE);
    bad |= put(&b, "</style>\n</head>\n<body>\n<header>\n"
                   "<h1>KPI evidence: ranked candidates</h1>\n"
                   "<p class=\"note\">The estimate supports a recruiter's "
                   "judgement; it does not replace it. It reads words and "
                   "dates, not people: use it to find evidence faster, never "
                   "as the reason to reject someone.</p>\n</header>\n");

    /* summary */
    /* Documents can resolve "Present" to different dates (a DOCX or PDF
     * to its last save): then the span, so no one date reads as the
     * report's own. */
    long as_of = 0, as_of_last = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->e[i].as_of) {
            if (!as_of || h->e[i].as_of < as_of)
                as_of = h->e[i].as_of;
            if (h->e[i].as_of > as_of_last)
                as_of_last = h->e[i].as_of;
        }
    bad |= put(&b, "<section class=\"summary\" aria-label=\"Summary\">\n<dl>");
    bad |= kps_buf_printf(&b, "<dt>Candidates</dt><dd>%zu</dd>", candidates);
    bad |=
        kps_buf_printf(&b,
                       "<dt>senior</dt><dd>%zu</dd><dt>mid</dt><dd>%zu</dd>"
                       "<dt>junior</dt><dd>%zu</dd><dt>none</dt><dd>%zu</dd>",
                       h->levels[3], h->levels[2], h->levels[1], h->levels[0]);
    bad |= kps_buf_printf(&b, "<dt>Could not be scanned</dt><dd>%zu</dd>",
                          h->errors);
    if (h->skipped) {
        bad |= kps_buf_printf(&b,
                              "<dt>Skipped (not scanned)</dt><dd><details>"
                              "<summary>%zu</summary><ul>",
                              h->skipped);
        if (h->skipped_list.len)
            bad |=
                kps_buf_append(&b, h->skipped_list.data, h->skipped_list.len);
        if (h->skipped > MAX_SKIPPED_LISTED)
            bad |= kps_buf_printf(&b, "<li>and %zu more</li>",
                                  h->skipped - MAX_SKIPPED_LISTED);
        bad |= put(&b, "</ul></details></dd>");
    }
    bad |=
        kps_buf_printf(&b, "<dt>Hidden-text findings</dt><dd>%zu", h->hidden);
    if (h->hidden) {
        bad |= put(&b, ":");
        for (size_t i = 0; i < h->n; i++)
            if (h->e[i].hidden) {
                bad |= kps_buf_printf(&b, " <a href=\"#c%zu\">", i);
                bad |= esc(&b, h->e[i].name);
                bad |= put(&b, "</a>");
            }
    }
    bad |= put(&b, "</dd>");
    if (pack) {
        bad |= put(&b, "<dt>Pack</dt><dd>");
        bad |= esc(&b, kpiscan_pack_name(pack));
        bad |= put(&b, " ");
        bad |= esc(&b, kpiscan_pack_version(pack));
        bad |= put(&b, "</dd><dt>Pack SHA-256</dt><dd><code>");
        bad |= esc(&b, kpiscan_pack_hash(pack));
        bad |= put(&b, "</code></dd>");
    }
    if (as_of && as_of_last != as_of)
        bad |= kps_buf_printf(
            &b,
            "<dt>As of</dt><dd>%04ld-%02ld-%02ld to %04ld-%02ld-%02ld (per "
            "document)</dd>",
            as_of / 10000, as_of / 100 % 100, as_of % 100, as_of_last / 10000,
            as_of_last / 100 % 100, as_of_last % 100);
    else if (as_of)
        bad |= kps_buf_printf(&b, "<dt>As of</dt><dd>%04ld-%02ld-%02ld</dd>",
                              as_of / 10000, as_of / 100 % 100, as_of % 100);
    bad |= put(&b, "</dl>\n");
    bad |= chart_svg(&b, h);
    bad |= put(&b, "</section>\n");

    /* filters and table */
    bad |= put(&b, "<section id=\"ranking\" aria-label=\"Ranking\">\n"
                   "<h2>Ranking</h2>\n<div class=\"filters\">"
                   "<label>Level <select id=\"f-level\" disabled>"
                   "<option value=\"all\">all</option>"
                   "<option>senior</option><option>mid</option>"
                   "<option>junior</option><option>none</option>"
                   "<option>error</option></select></label>"
                   "<label>Red flag <select id=\"f-flag\" disabled>"
                   "<option value=\"all\">all</option>"
                   "<option value=\"*any\">any red flag</option>"
                   "<option value=\"*none\">no red flag</option>");
    for (size_t i = 0; i < h->nflag_ids; i++) {
        bad |= put(&b, "<option value=\"");
        bad |= esc(&b, h->flag_ids[i]);
        bad |= put(&b, "\">");
        bad |= esc(&b, h->flag_ids[i]);
        bad |= put(&b, "</option>");
    }
    bad |= put(&b, "</select></label><output id=\"shown\" "
                   "aria-live=\"polite\"></output></div>\n"
                   "<table>\n<thead><tr>");
    /* Each heading says what its column means where a pointer rests. */
    static const struct {
        const char *key, *label, *meaning;
        int sort;
    } cols[] = {
        {"file", "File", "the resume's file", KPISCAN_SORT_NAME},
        {"level", "Level",
         "KPI competence: none, junior, mid or senior, by the readers' rubric",
         KPISCAN_SORT_LEVEL},
        {"confidence", "Confidence",
         "0 to 1: how strongly the evidence and the dates back the level",
         KPISCAN_SORT_CONFIDENCE},
        {"years", "Years", "total paid employment, overlapping jobs once",
         KPISCAN_SORT_YEARS},
        {"kpi_years", "KPI years",
         "years of the jobs that show KPI work (a part of Years)", -1},
        {"red_flags", "Red flags",
         "warning signs for the interview; rest the pointer on one for its "
         "meaning",
         -1}};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        bad |= kps_buf_printf(&b,
                              "<th data-key=\"%s\" aria-sort=\"%s\" "
                              "title=\"%s\"><button "
                              "type=\"button\">%s</button></th>",
                              cols[i].key,
                              cols[i].sort != h->sort        ? "none"
                              : h->sort == KPISCAN_SORT_NAME ? "ascending"
                                                             : "descending",
                              cols[i].meaning, cols[i].label);
    bad |= put(&b, "</tr></thead>\n<tbody id=\"rows\">\n");
    for (size_t i = 0; i < h->n && !bad; i++)
        bad |= put(&b, h->e[ix[i]].row);
    bad |= put(&b, "</tbody>\n</table>\n</section>\n"
                   "<main id=\"candidates\" aria-label=\"Candidates\">\n");
    for (size_t i = 0; i < h->n && !bad; i++)
        bad |= put(&b, h->e[ix[i]].detail);
    bad |= put(&b, "</main>\n<script type=\"application/json\" "
                   "id=\"kpiscan-data\">[");
    for (size_t i = 0; i < h->n && !bad; i++) {
        if (i)
            bad |= put(&b, ",\n");
        bad |= put(&b, h->e[ix[i]].data);
    }
    bad |= put(&b, "]</script>\n<script type=\"application/json\" "
                   "id=\"kpiscan-steps\">{");
    int first = 1;
    for (size_t i = 0; i < h->n && !bad; i++) {
        if (!h->e[i].steps)
            continue;
        if (!first)
            bad |= put(&b, ",\n");
        bad |= put(&b, h->e[i].steps);
        first = 0;
    }
    bad |= put(&b, "}</script>\n<script>");
    bad |= put(&b, SCRIPT);
    bad |= put(&b, "</script>\n</body>\n</html>\n");
    free(ix);
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}
