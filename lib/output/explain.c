/* explain.c - the estimate's arithmetic as text a recruiter can follow. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "base/options.h"
#include "text/sections.h"
#include "estimate/result.h"
#include "estimate/score.h"
#include "output/explain.h"

typedef struct out {
    kps_buf b;
    int bad;
} out;

static void put(out *o, const char *fmt, ...) KPS_PRINTF(2, 3);

static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    o->bad |= kps_buf_vprintf(&o->b, fmt, ap) != 0;
    va_end(ap);
}

/* Excerpt on one line, cut at 70 bytes, never inside a character. */
static void put_excerpt(out *o, const char *text)
{
    char s[80];
    snprintf(s, sizeof s, "%.*s", KPS_CUT(text, 70), text);
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    put(o, " \"%s%s\"", s, strlen(text) > 70 ? "..." : "");
}

static void ym(char *buf, size_t n, long v)
{
    snprintf(buf, n, "%04ld-%02ld", v / 100, v % 100);
}

/* In the C locale, so numbers keep their '.' (kps_c_locale_enter()). */
char *kpiscan_result_explain(const kpiscan_result *res,
                             const kpiscan_options *opts)
{
    kps_c_locale loc;
    if (!res || kps_c_locale_enter(&loc))
        return NULL;
    char *text = kps_result_explain(res, opts, 1);
    kps_c_locale_leave(&loc);
    return text;
}

char *kps_result_explain(const kpiscan_result *res, const kpiscan_options *opts,
                         int full)
{
    if (!res)
        return NULL;
    int excerpts = opts ? opts->excerpts : 1;
    out o = {{0}, 0};
    char a[32], b[32];

    put(&o, "%s: %s (confidence %.2f)\n", res->name,
        kpiscan_level_name(res->level), res->confidence);
    put(&o, "pack %s %s sha256:%s; as of %04ld-%02ld-%02ld (%s)\n\n",
        res->pack_name, res->pack_version, res->pack_hash, res->as_of / 10000,
        res->as_of / 100 % 100, res->as_of % 100, res->as_of_source);

    put(&o, "Evidence: weight x section x repeat = contribution%s\n",
        full ? "" : " (each item is listed with its evidence)");
    if (!res->nev && full)
        put(&o, "  (no rule matched)\n");
    for (size_t i = 0; full && i < res->nev; i++) {
        const kpiscan_evidence *e = &res->ev[i];
        put(&o, "  %4zu:%-3zu %-6s %-38s %5.2f x %.3f x %.3f = %5.2f", e->line,
            e->column, kpiscan_level_name(e->level), e->rule_id, e->weight,
            e->section_factor, e->repeat_factor, e->contribution);
        if (e->section)
            put(&o, "  [%s]", kps_section_name(e->section));
        if (excerpts)
            put_excerpt(&o, e->text);
        if (e->note)
            put(&o, "\n           -> %s", e->note);
        put(&o, "\n");
    }
    put(&o,
        "\nScores (sums of contributions): junior %.2f | mid %.2f | "
        "senior %.2f; KPI evidence %.2f\n",
        res->scores[1], res->scores[2], res->scores[3], res->kpi_score);

    put(&o, "\nYears\n");
    for (size_t i = 0; i < res->nspans; i++) {
        const kpiscan_span *sp = &res->spans[i];
        if (sp->statement) {
            put(&o, "  line %-4zu statement  %5.1f y  %s%s", sp->line,
                sp->years, sp->counted ? "counted" : "not counted",
                sp->job_length ? " (one job's length)" : "");
        } else {
            ym(a, sizeof a, sp->start);
            ym(b, sizeof b, sp->end);
            put(&o, "  line %-4zu range %s..%s %5.2f y  %s", sp->line, a, b,
                sp->years,
                !sp->counted  ? "not counted (not a job)"
                : sp->kpi_job ? "counted, KPI work"
                              : "counted, no KPI work in it");
        }
        if (sp->section)
            put(&o, "  [%s]", kps_section_name(sp->section));
        if (excerpts)
            put_excerpt(&o, sp->text);
        if (excerpts && sp->job)
            put(&o, "\n           job: %.*s", KPS_CUT(sp->job, 100), sp->job);
        put(&o, "\n");
    }
    if (res->nmerged) {
        put(&o, "  merged employment (overlaps counted once):");
        for (size_t i = 0; i < res->nmerged; i++) {
            ym(a, sizeof a, res->merged[i].start);
            ym(b, sizeof b, res->merged[i].end);
            put(&o, "%s %s..%s (%d months)", i ? "," : "", a, b,
                res->merged[i].months);
        }
        put(&o, "\n");
    }
    if (res->gaps) {
        int any = 0;
        for (size_t i = 1; i < res->nmerged; i++) {
            kps_interval g;
            if (!kps_gap_before(res, i, &g))
                continue;
            ym(a, sizeof a, g.start);
            ym(b, sizeof b, g.end);
            put(&o, "  gap %s..%s (%d months): a fact, not scored\n", a, b,
                g.months);
            any = 1;
        }
        if (!any)
            put(&o, "  no gaps between stretches of employment\n");
    }
    if (res->dated_years >= 0)
        put(&o, "  dated total %.2f y", res->dated_years);
    else
        put(&o, "  no dated employment");
    if (res->kpi_years >= 0)
        put(&o, "; jobs with KPI work %.2f y", res->kpi_years);
    if (res->stated_years >= 0)
        put(&o, "; stated %.1f y", res->stated_years);
    if (res->years >= 0)
        put(&o,
            "; used %.2f y (%s) -> %s band (junior < 2 <= mid < 5 <= "
            "senior)\n",
            res->years, res->years_rule, kpiscan_level_name(res->years_level));
    else
        put(&o, "; no years band\n");

    /* The readers' rubric step by step (docs/scoring.md). */
    put(&o, "\nRubric steps\n  1. KPI presence: %s\n",
        res->presence == 2 && res->presence_by_numbers
            ? "strong (quantified results, though no job shows a KPI term, "
              "a KPI achievement or a mid or senior indicator)"
        : res->presence == 2 ? "strong (KPI work shown in a job)"
        : res->presence      ? "weak (incidental KPI work, or KPI words only "
                               "in a skills list or summary)"
                             : "none");
    if (res->indicator_level > 0) {
        put(&o, "  2. indicator level: %s, %zu distinct phrase%s shown in work",
            kpiscan_level_name(res->indicator_level), res->indicator_phrases,
            res->indicator_phrases == 1 ? "" : "s");
        for (size_t i = 0; i < res->nev; i++) {
            const kpiscan_evidence *e = &res->ev[i];
            if (!e->distinct_phrase)
                continue;
            put(&o, "\n       line %zu %s", e->line, e->rule_id);
            if (excerpts && e->text)
                put_excerpt(&o, e->text);
        }
        put(&o, "\n");
    } else {
        put(&o, "  2. indicator level: none\n");
    }
    if (res->years_level > 0)
        put(&o, "  3. years band: %s (%.2f y)\n",
            kpiscan_level_name(res->years_level), res->years);
    else
        put(&o, "  3. years band: none (no dates and no statement)\n");
    put(&o, "\nDecision: %s -> %s\n", res->reason,
        kpiscan_level_name(res->level));
    if (res->level != KPISCAN_LEVEL_NONE)
        put(&o,
            "Confidence %.2f = 1 - (1 - indicators %.3f) x (1 - years "
            "%.3f), at most 0.99\n",
            res->confidence, res->conf_indicators, res->conf_years);
    else if (res->few_words)
        put(&o,
            "Confidence %.2f: only %zu word%s of text, too little to tell "
            "a resume without KPI work from a stub\n",
            res->confidence, res->few_words, res->few_words == 1 ? "" : "s");
    else
        put(&o, "Confidence %.2f: %s\n", res->confidence,
            res->nev ? "no KPI evidence although other rules matched"
                     : "no rule matched at all");

    if (res->nflags && full) {
        put(&o, "\nRed flags\n");
        for (size_t i = 0; i < res->nflags; i++)
            put(&o, "  %s: %s\n", res->flags[i].id, res->flags[i].message);
    }
    if (res->nquestions && full) {
        put(&o, "\nInterview questions\n");
        for (size_t i = 0; i < res->nquestions; i++)
            put(&o, "  [%s] %s\n", kpiscan_level_name(res->questions[i].level),
                res->questions[i].question);
    }
    if (o.bad) {
        kps_buf_free(&o.b);
        return NULL;
    }
    return o.b.data;
}
