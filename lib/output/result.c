/* result.c - result accessors and JSON output (through the writer of
 * jsonw.c, which does the escaping and the number format). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/options.h"
#include "text/sections.h"
#include "output/jsonw.h"
#include "match/pack.h"
#include "estimate/result.h"
#include "estimate/evidence.h"
#include "estimate/score.h"
#include "batch.h"

/* The message of a red-flag phrase match, in JSON and the accessors,
 * when its rule has no description. */
#define RED_FLAG_PHRASE_MESSAGE "red-flag phrase of the pack"

/* Phrase flag j's message: its rule's description, else the above. */
static const char *phrase_flag_message(const kpiscan_result *res, size_t j)
{
    if (res->phrase_flag_messages && res->phrase_flag_messages[j])
        return res->phrase_flag_messages[j];
    return RED_FLAG_PHRASE_MESSAGE;
}

void kpiscan_result_free(kpiscan_result *res)
{
    if (!res)
        return;
    free(res->name);
    free(res->text);
    for (size_t i = 0; i < res->nparts; i++)
        free(res->parts[i]);
    free(res->parts);
    for (size_t i = 0; i < res->nev; i++)
        free(res->ev[i].text);
    free(res->ev);
    for (size_t i = 0; i < res->nspans; i++) {
        free(res->spans[i].text);
        free(res->spans[i].job);
    }
    free(res->spans);
    for (size_t i = 0; i < res->nrule_ids; i++)
        free(res->rule_ids[i]);
    free(res->rule_ids);
    for (size_t i = 0; i < res->nquestions; i++) {
        free(res->questions[i].question);
        free(res->questions[i].answer);
    }
    free(res->questions);
    free(res->flags);
    kps_free_flag_messages(res);
    free(res->phrase_flags);
    free(res->merged);
    free(res->pack_name);
    free(res->pack_version);
    free(res);
}

void kpiscan_free(void *p)
{
    free(p);
}

KPS_GETTER(kpiscan_result, name, const char *, NULL)

KPS_GETTER(kpiscan_result, format, const char *, NULL)

/* -1 for NULL, as the other level accessors: a NULL passed by mistake
 * must not read as the estimate "none" */
KPS_GETTER(kpiscan_result, level, int, -1)

KPS_GETTER(kpiscan_result, confidence, double, 0.0)

double kpiscan_result_score(const kpiscan_result *res, int level)
{
    if (!res || level < KPISCAN_LEVEL_JUNIOR || level > KPISCAN_LEVEL_SENIOR)
        return 0.0;
    return res->scores[level];
}

KPS_GETTER(kpiscan_result, years, double, -1.0)

KPS_GETTER(kpiscan_result, dated_years, double, -1.0)

KPS_GETTER(kpiscan_result, stated_years, double, -1.0)

KPS_GETTER(kpiscan_result, kpi_years, double, -1.0)

KPS_GETTER(kpiscan_result, as_of, long, 0)

KPS_GETTER(kpiscan_result, as_of_source, const char *, NULL)

KPS_GETTER(kpiscan_result, years_rule, const char *, NULL)

KPS_GETTER(kpiscan_result, pack_name, const char *, NULL)

KPS_GETTER(kpiscan_result, pack_version, const char *, NULL)

KPS_GETTER(kpiscan_result, pack_hash, const char *, NULL)

KPS_GETTER(kpiscan_result, reason, const char *, NULL)

KPS_GETTER(kpiscan_result, presence, int, -1)

KPS_GETTER(kpiscan_result, indicator_level, int, -1)

KPS_GETTER(kpiscan_result, indicator_phrases, size_t, 0)

KPS_GETTER(kpiscan_result, years_level, int, -1)

const char *kpiscan_presence_name(int presence)
{
    switch (presence) {
    case KPISCAN_PRESENCE_NONE: return "none";
    case KPISCAN_PRESENCE_WEAK: return "weak";
    case KPISCAN_PRESENCE_STRONG: return "strong";
    default: return NULL;
    }
}

const char *kpiscan_result_text(const kpiscan_result *res, size_t *len)
{
    if (len)
        *len = res ? res->len : 0;
    return res ? res->text : NULL;
}

size_t kpiscan_result_evidence_count(const kpiscan_result *res)
{
    return res ? res->nev : 0;
}

const kpiscan_evidence *kpiscan_result_evidence(const kpiscan_result *res,
                                                size_t i)
{
    return res && i < res->nev ? &res->ev[i] : NULL;
}

size_t kpiscan_result_hidden_count(const kpiscan_result *res)
{
    return res ? res->nhidden : 0;
}

/* Red flags: res->flags, then the visible red-flag phrase matches (as in
 * red_flags_json() below).  The phrase entry for index i, or NULL. */
static const kpiscan_evidence *phrase_flag(const kpiscan_result *res, size_t i)
{
    if (!res || i < res->nflags || i - res->nflags >= res->nphrase_flags)
        return NULL;
    return &res->ev[res->phrase_flags[i - res->nflags]];
}

size_t kpiscan_result_flag_count(const kpiscan_result *res)
{
    return res ? res->nflags + res->nphrase_flags : 0;
}

const char *kpiscan_result_flag_id(const kpiscan_result *res, size_t i)
{
    if (res && i < res->nflags)
        return res->flags[i].id;
    const kpiscan_evidence *ev = phrase_flag(res, i);
    return ev ? ev->rule_id : NULL;
}

int kps_flag_repeats(const kpiscan_result *res, size_t i)
{
    const char *id = kpiscan_result_flag_id(res, i);
    for (size_t k = 0; k < i; k++)
        if (strcmp(kpiscan_result_flag_id(res, k), id) == 0)
            return 1;
    return 0;
}

const char *kpiscan_result_flag_message(const kpiscan_result *res, size_t i)
{
    if (res && i < res->nflags)
        return res->flags[i].message;
    return phrase_flag(res, i) ? phrase_flag_message(res, i - res->nflags)
                               : NULL;
}

size_t kpiscan_result_flag_line(const kpiscan_result *res, size_t i)
{
    if (res && i < res->nflags)
        return res->flags[i].line;
    const kpiscan_evidence *ev = phrase_flag(res, i);
    return ev ? ev->line : 0;
}

size_t kpiscan_result_flag_items(const kpiscan_result *res, size_t i)
{
    return res && i < res->nflags ? res->flags[i].count : 0;
}

size_t kpiscan_result_question_count(const kpiscan_result *res)
{
    return res ? res->nquestions : 0;
}

const char *kpiscan_result_question(const kpiscan_result *res, size_t i)
{
    return res && i < res->nquestions ? res->questions[i].question : NULL;
}

int kpiscan_result_question_level(const kpiscan_result *res, size_t i)
{
    return res && i < res->nquestions ? res->questions[i].level : -1;
}

const char *kpiscan_result_question_answer(const kpiscan_result *res, size_t i)
{
    return res && i < res->nquestions ? res->questions[i].answer : NULL;
}

KPS_GETTER(kpiscan_evidence, rule_id, const char *, NULL)

KPS_GETTER(kpiscan_evidence, category, int, -1)

KPS_GETTER(kpiscan_evidence, level, int, -1)

KPS_GETTER(kpiscan_evidence, weight, double, 0.0)

KPS_GETTER(kpiscan_evidence, contribution, double, 0.0)

KPS_GETTER(kpiscan_evidence, text, const char *, NULL)

KPS_GETTER(kpiscan_evidence, offset, size_t, 0)

KPS_GETTER(kpiscan_evidence, length, size_t, 0)

KPS_GETTER(kpiscan_evidence, line, size_t, 0)

KPS_GETTER(kpiscan_evidence, column, size_t, 0)

const char *kpiscan_evidence_section(const kpiscan_evidence *ev)
{
    return ev ? kps_section_name(ev->section) : NULL;
}

KPS_GETTER(kpiscan_evidence, hidden, int, 0)

KPS_GETTER(kpiscan_evidence, part, const char *, NULL)

KPS_GETTER(kpiscan_evidence, paragraph, size_t, 0)

size_t kpiscan_result_span_count(const kpiscan_result *res)
{
    return res ? res->nspans : 0;
}

const kpiscan_span *kpiscan_result_span(const kpiscan_result *res, size_t i)
{
    return res && i < res->nspans ? &res->spans[i] : NULL;
}

int kpiscan_span_is_statement(const kpiscan_span *sp)
{
    return sp ? sp->statement : 0;
}

KPS_GETTER(kpiscan_span, start, long, 0)

KPS_GETTER(kpiscan_span, end, long, 0)

KPS_GETTER(kpiscan_span, years, double, 0.0)

KPS_GETTER(kpiscan_span, counted, int, 0)

KPS_GETTER(kpiscan_span, text, const char *, NULL)

KPS_GETTER(kpiscan_span, line, size_t, 0)

KPS_GETTER(kpiscan_span, column, size_t, 0)

KPS_GETTER(kpiscan_span, open_ended, int, 0)

KPS_GETTER(kpiscan_span, kpi_job, int, 0)

KPS_GETTER(kpiscan_span, job, const char *, NULL)

const char *kpiscan_span_section(const kpiscan_span *sp)
{
    return sp ? kps_section_name(sp->section) : NULL;
}

int kps_gap_before(const kpiscan_result *res, size_t i, kps_interval *gap)
{
    if (i == 0 || i >= res->nmerged)
        return 0;
    long a = res->merged[i - 1].end, b = res->merged[i].start;
    long after = (a / 100) * 12 + a % 100;      /* month index after a */
    long before = (b / 100) * 12 + b % 100 - 2; /* month index before b */
    if (before < after)
        return 0;
    gap->start = (after / 12) * 100 + after % 12 + 1;
    gap->end = (before / 12) * 100 + before % 12 + 1;
    gap->months = (int)(before - after + 1);
    return 1;
}

/* Stretch or gap iv into the out parameters of kpiscan_result_employment()
 * and kpiscan_result_gap(); iv NULL: not there, 0 and -1. */
static int month_interval_out(const kps_interval *iv, long *start, long *end)
{
    if (start)
        *start = iv ? iv->start : 0;
    if (end)
        *end = iv ? iv->end : 0;
    return iv ? iv->months : -1;
}

size_t kpiscan_result_employment_count(const kpiscan_result *res)
{
    return res ? res->nmerged : 0;
}

int kpiscan_result_employment(const kpiscan_result *res, size_t i, long *start,
                              long *end)
{
    return month_interval_out(res && i < res->nmerged ? &res->merged[i] : NULL,
                              start, end);
}

size_t kpiscan_result_gap_count(const kpiscan_result *res)
{
    size_t n = 0;
    kps_interval g;
    for (size_t k = 1; res && k < res->nmerged; k++)
        n += (size_t)kps_gap_before(res, k, &g);
    return n;
}

/* Gap i is the one before the i-th (from 0) stretch that has a gap before
 * it, as the JSON lists them: a stretch that starts in the month the one
 * before ends, or in the month after, leaves none. */
int kpiscan_result_gap(const kpiscan_result *res, size_t i, long *start,
                       long *end)
{
    kps_interval g;
    for (size_t k = 1; res && k < res->nmerged; k++)
        if (kps_gap_before(res, k, &g) && i-- == 0)
            return month_interval_out(&g, start, end);
    return month_interval_out(NULL, start, end);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* Numbers are rounded so that output is stable and readable; the exact
 * values stay available through the accessors. */
static void num(kps_jw *w, const char *key, double v, int decimals)
{
    double scale = pow(10.0, decimals);
    kps_jw_fixed(w, key, floor(v * scale + 0.5) / scale, decimals);
}

static void years_or_null(kps_jw *w, const char *key, double v)
{
    if (v < 0)
        kps_jw_null(w, key);
    else
        num(w, key, v, 2);
}

static void ym_string(kps_jw *w, const char *key, long ymv)
{
    char s[48];
    snprintf(s, sizeof s, "%04ld-%02ld", ymv / 100, ymv % 100);
    kps_jw_string(w, key, s);
}

static void section_or_null(kps_jw *w, kps_section section)
{
    if (section)
        kps_jw_string(w, "section", kps_section_name(section));
    else
        kps_jw_null(w, "section");
}

static void evidence_json(kps_jw *w, const kpiscan_evidence *ev, int excerpts)
{
    kps_jw_object(w, NULL);
    kps_jw_string(w, "rule", ev->rule_id);
    kps_jw_string(w, "category", kpiscan_category_name(ev->category));
    kps_jw_string(w, "level", kpiscan_level_name(ev->level));
    kps_jw_int(w, "line", (long long)ev->line);
    kps_jw_int(w, "column", (long long)ev->column);
    kps_jw_int(w, "offset", (long long)ev->offset);
    kps_jw_int(w, "length", (long long)ev->length);
    section_or_null(w, ev->section);
    if (ev->part && ev->part[0]) {
        kps_jw_string(w, "part", ev->part);
        kps_jw_int(w, "paragraph", (long long)ev->paragraph);
    }
    num(w, "weight", ev->weight, 3);
    num(w, "section_factor", ev->section_factor, 3);
    kps_jw_int(w, "repeat", (long long)ev->repeat);
    num(w, "repeat_factor", ev->repeat_factor, 4);
    num(w, "contribution", ev->contribution, 3);
    kps_jw_bool(w, "hidden", ev->hidden);
    kps_jw_bool(w, "keyword_list", ev->keyword_list);
    if (ev->note)
        kps_jw_string(w, "note", ev->note);
    if (excerpts)
        kps_jw_string(w, "text", ev->text);
    kps_jw_object_end(w);
}

static void span_json(kps_jw *w, const kpiscan_span *sp, int excerpts)
{
    kps_jw_object(w, NULL);
    kps_jw_string(w, "kind", sp->statement ? "statement" : "range");
    kps_jw_int(w, "line", (long long)sp->line);
    kps_jw_int(w, "column", (long long)sp->column);
    if (!sp->statement) {
        ym_string(w, "start", sp->start);
        ym_string(w, "end", sp->end);
        kps_jw_bool(w, "open_ended", sp->open_ended);
    }
    num(w, "years", sp->years, 2);
    kps_jw_bool(w, "counted", sp->counted);
    if (!sp->statement)
        kps_jw_bool(w, "kpi_job", sp->kpi_job);
    if (sp->job && excerpts)
        kps_jw_string(w, "job", sp->job);
    section_or_null(w, sp->section);
    if (excerpts)
        kps_jw_string(w, "text", sp->text);
    kps_jw_object_end(w);
}

static void month_interval(kps_jw *w, long start, long end, int months)
{
    kps_jw_object(w, NULL);
    ym_string(w, "start", start);
    ym_string(w, "end", end);
    kps_jw_int(w, "months", months);
    kps_jw_object_end(w);
}

/* The members that point a red flag at one evidence item: its rule and
 * line, the DOCX/ODT part and paragraph when with_part, and its words
 * unless excerpts are off. */
static void evidence_ref(kps_jw *w, const kpiscan_evidence *e, int with_part,
                         int excerpts)
{
    kps_jw_string(w, "rule", e->rule_id);
    kps_jw_int(w, "line", (long long)e->line);
    if (with_part && e->part && e->part[0]) {
        kps_jw_string(w, "part", e->part);
        kps_jw_int(w, "paragraph", (long long)e->paragraph);
    }
    if (excerpts)
        kps_jw_string(w, "text", e->text);
}

static void red_flags_json(kps_jw *w, const kpiscan_result *res, int excerpts)
{
    kps_jw_array(w, "red_flags");
    for (size_t i = 0; i < res->nflags; i++) {
        const kps_flag *fl = &res->flags[i];
        kps_jw_object(w, NULL);
        kps_jw_string(w, "id", fl->id);
        kps_jw_string(w, "message", fl->message);
        if (fl->rule_id)
            kps_jw_string(w, "rule", fl->rule_id);
        if (fl->line)
            kps_jw_int(w, "line", (long long)fl->line);
        if (fl->count)
            kps_jw_int(w, "count", (long long)fl->count);
        if (strcmp(fl->id, "hidden-text") == 0) {
            kps_jw_array(w, "evidence");
            for (size_t k = 0; k < res->nev; k++) {
                const kpiscan_evidence *e = &res->ev[k];
                if (!e->hidden)
                    continue;
                kps_jw_object(w, NULL);
                evidence_ref(w, e, 1, excerpts);
                kps_jw_object_end(w);
            }
            kps_jw_array_end(w);
        }
        kps_jw_object_end(w);
    }
    for (size_t i = 0; i < res->nphrase_flags; i++) {
        const kpiscan_evidence *e = &res->ev[res->phrase_flags[i]];
        kps_jw_object(w, NULL);
        kps_jw_string(w, "id", e->rule_id);
        kps_jw_string(w, "message", phrase_flag_message(res, i));
        evidence_ref(w, e, 0, excerpts);
        kps_jw_object_end(w);
    }
    kps_jw_array_end(w);
}

char *kpiscan_result_to_json(const kpiscan_result *res,
                             const kpiscan_options *opts, unsigned flags)
{
    if (!res)
        return NULL;
    int excerpts = opts ? opts->excerpts : 1;
    kps_jw jw, *w = &jw;
    kps_jw_init(w, (flags & KPISCAN_JSON_PRETTY) != 0);
    char as_of[64];
    snprintf(as_of, sizeof as_of, "%04ld-%02ld-%02ld", res->as_of / 10000,
             res->as_of / 100 % 100, res->as_of % 100);

    kps_jw_object(w, NULL);
    kps_jw_int(w, "schema", KPISCAN_JSON_SCHEMA_VERSION);
    kps_jw_file(w, res->name);
    if (res->input_sha256[0])
        kps_jw_string(w, "sha256", res->input_sha256);
    kps_jw_string(w, "status", "ok");
    kps_jw_string(w, "format", res->format);
    kps_jw_pack(w, res->pack_name, res->pack_version, res->pack_hash);
    kps_jw_string(w, "as_of", as_of);
    kps_jw_string(w, "as_of_source", res->as_of_source);
    kps_jw_string(w, "level", kpiscan_level_name(res->level));
    num(w, "confidence", res->confidence, 2);
    years_or_null(w, "years", res->years);
    years_or_null(w, "kpi_years", res->kpi_years);

    kps_jw_object(w, "scores");
    num(w, "junior", res->scores[KPISCAN_LEVEL_JUNIOR], 3);
    num(w, "mid", res->scores[KPISCAN_LEVEL_MID], 3);
    num(w, "senior", res->scores[KPISCAN_LEVEL_SENIOR], 3);
    kps_jw_object_end(w);

    kps_jw_object(w, "basis");
    num(w, "kpi_score", res->kpi_score, 3);
    kps_jw_string(w, "presence", kpiscan_presence_name(res->presence));
    if (res->indicator_level > 0)
        kps_jw_string(w, "indicator_level",
                      kpiscan_level_name(res->indicator_level));
    else
        kps_jw_null(w, "indicator_level");
    kps_jw_bool(w, "indicator_clear", res->indicator_clear);
    kps_jw_int(w, "indicator_phrases", (long long)res->indicator_phrases);
    if (res->years_level > 0)
        kps_jw_string(w, "years_level", kpiscan_level_name(res->years_level));
    else
        kps_jw_null(w, "years_level");
    years_or_null(w, "dated_years", res->dated_years);
    years_or_null(w, "stated_years", res->stated_years);
    years_or_null(w, "kpi_years", res->kpi_years);
    kps_jw_string(w, "years_rule", res->years_rule);
    kps_jw_object(w, "confidence_parts");
    num(w, "indicators", res->conf_indicators, 3);
    num(w, "years", res->conf_years, 3);
    kps_jw_object_end(w);
    kps_jw_string(w, "reason", res->reason);
    kps_jw_object_end(w);

    kps_jw_array(w, "evidence");
    for (size_t i = 0; i < res->nev; i++)
        evidence_json(w, &res->ev[i], excerpts);
    kps_jw_array_end(w);

    kps_jw_array(w, "timeline");
    for (size_t i = 0; i < res->nspans; i++)
        span_json(w, &res->spans[i], excerpts);
    kps_jw_array_end(w);
    kps_jw_array(w, "employment");
    for (size_t i = 0; i < res->nmerged; i++)
        month_interval(w, res->merged[i].start, res->merged[i].end,
                       res->merged[i].months);
    kps_jw_array_end(w);
    if (res->gaps) {
        /* Facts only, on request: gaps never change the score. */
        kps_jw_array(w, "gaps");
        for (size_t i = 1; i < res->nmerged; i++) {
            kps_interval g;
            if (kps_gap_before(res, i, &g))
                month_interval(w, g.start, g.end, g.months);
        }
        kps_jw_array_end(w);
    }

    red_flags_json(w, res, excerpts);

    kps_jw_array(w, "questions");
    for (size_t i = 0; i < res->nquestions; i++) {
        kps_jw_object(w, NULL);
        kps_jw_string(w, "level", kpiscan_level_name(res->questions[i].level));
        kps_jw_string(w, "question", res->questions[i].question);
        if (res->questions[i].answer)
            kps_jw_string(w, "expected_answer", res->questions[i].answer);
        kps_jw_object_end(w);
    }
    kps_jw_array_end(w);
    kps_jw_object_end(w);
    return kps_jw_finish(w);
}

char *kps_failure_json(const char *name, const kpiscan_error *err,
                       const kpiscan_pack *pack, const char *status_word,
                       const char *sha256, unsigned flags)
{
    kps_jw jw, *w = &jw;
    kps_jw_init(w, (flags & KPISCAN_JSON_PRETTY) != 0);
    kps_jw_object(w, NULL);
    kps_jw_int(w, "schema", KPISCAN_JSON_SCHEMA_VERSION);
    kps_jw_file(w, name ? name : "<buffer>");
    if (sha256 && sha256[0])
        kps_jw_string(w, "sha256", sha256);
    kps_jw_string(w, "status", status_word);
    if (pack)
        kps_jw_pack(w, pack->name, pack->version, pack->hash);
    kps_jw_null(w, "level");
    kps_jw_null(w, "years");
    int status = err ? err->status : KPISCAN_ERR_INTERNAL;
    kps_jw_object(w, "error");
    kps_jw_string(w, "code", kpiscan_status_name(status));
    kps_jw_int(w, "number", status);
    kps_jw_string(w, "message",
                  err && err->message[0] ? err->message
                                         : kpiscan_strerror(status));
    kps_jw_object_end(w);
    kps_jw_object_end(w);
    return kps_jw_finish(w);
}

char *kpiscan_error_to_json(const char *name, const kpiscan_error *err,
                            unsigned flags)
{
    /* An error record with code "ok" would fail the record schema, and
     * one made up for a NULL err would claim a failure nobody had. */
    if (!err || err->status >= 0)
        return NULL;
    return kps_failure_json(name, err, NULL, "error", NULL, flags);
}
