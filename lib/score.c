/* score.c - the estimate: per-level scores, level, confidence, reason.
 *
 * The model is documented in docs/scoring.md; the constants below are the
 * ones it names.  Every point of a level's score is the contribution of an
 * evidence item, so a reader can check the arithmetic item by item. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* A KPI word in a skills list is the weakest kind of evidence. */
#define SKILLS_FACTOR 0.5
/* The n-th hit of one rule counts REPEAT_BASE^(n-1) of its weight, so one
 * rule can never add more than twice its weight however often it repeats. */
#define REPEAT_BASE 0.5
/* Indicator evidence sets a band only from this score on ... */
#define BAND_MIN_SCORE 1.0
/* ... and is "clear" when the top level has at least this score and leads
 * the runner-up by this factor. */
#define CLEAR_MIN_SCORE 2.0
#define CLEAR_LEAD 1.5
/* Years bands, from the card: junior 0-2, mid 2-5, senior 5+. */
#define MID_YEARS 2.0
#define SENIOR_YEARS 5.0

static int is_kpi_category(int category)
{
    return category == KPISCAN_CATEGORY_TERM ||
           category == KPISCAN_CATEGORY_ACHIEVEMENT ||
           category == KPISCAN_CATEGORY_INDICATOR ||
           category == KPISCAN_CATEGORY_QUANTIFIED;
}

static int years_band(double years)
{
    if (years < 0)
        return -1;
    if (years < MID_YEARS)
        return KPISCAN_LEVEL_JUNIOR;
    if (years < SENIOR_YEARS)
        return KPISCAN_LEVEL_MID;
    return KPISCAN_LEVEL_SENIOR;
}

static void contributions(kpiscan_result *res)
{
    /* Repeat counts per rule: evidence is in text order, so the first hit
     * of a rule in the text is the one counted in full. */
    for (size_t i = 0; i < res->nev; i++) {
        kpiscan_evidence *ev = &res->ev[i];
        ev->section_factor =
            ev->section == KPS_SECTION_SKILLS ? SKILLS_FACTOR : 1.0;
        ev->repeat = 1;
        ev->repeat_factor = 0.0;
        ev->contribution = 0.0;
        if (ev->hidden || ev->category == KPISCAN_CATEGORY_RED_FLAG)
            continue;
        for (size_t j = 0; j < i; j++)
            if (res->ev[j].rule == ev->rule && !res->ev[j].hidden)
                ev->repeat++;
        ev->repeat_factor = pow(REPEAT_BASE, (double)(ev->repeat - 1));
        ev->contribution = ev->weight * ev->section_factor * ev->repeat_factor;
    }
}

void kps_score(kpiscan_result *res)
{
    contributions(res);

    memset(res->scores, 0, sizeof res->scores);
    res->kpi_score = 0.0;
    int kpi_items = 0, any_items = 0;
    for (size_t i = 0; i < res->nev; i++) {
        const kpiscan_evidence *ev = &res->ev[i];
        if (ev->hidden)
            continue;
        any_items = 1;
        if (ev->level > KPISCAN_LEVEL_NONE &&
            ev->category != KPISCAN_CATEGORY_RED_FLAG)
            res->scores[ev->level] += ev->contribution;
        if (is_kpi_category(ev->category)) {
            res->kpi_score += ev->contribution;
            kpi_items = 1;
        }
    }

    /* Years: the dated total unless a statement says more.  Resumes often
     * list only recent jobs, so a larger stated figure is usually the
     * fuller one; both stay visible in the result. */
    res->years = res->dated_years;
    if (res->stated_years > res->years)
        res->years = res->stated_years;
    res->years_level = years_band(res->years);

    /* Indicator band: the level with the highest score (ties go to the
     * lower level: claim no more than the evidence shows). */
    int top = -1;
    double top_score = 0.0, second = 0.0;
    for (int l = KPISCAN_LEVEL_JUNIOR; l <= KPISCAN_LEVEL_SENIOR; l++) {
        if (res->scores[l] > top_score) {
            second = top_score;
            top_score = res->scores[l];
            top = l;
        } else if (res->scores[l] > second) {
            second = res->scores[l];
        }
    }
    res->indicator_level = top_score >= BAND_MIN_SCORE ? top : -1;
    res->indicator_clear = res->indicator_level > 0 &&
                           top_score >= CLEAR_MIN_SCORE &&
                           top_score >= CLEAR_LEAD * second;

    const int yl = res->years_level, il = res->indicator_level;
    char years_text[96], ind_text[128];
    if (yl > 0)
        snprintf(years_text, sizeof years_text, "years say %s (%.1f y)",
                 kpiscan_level_name(yl), res->years);
    else
        snprintf(years_text, sizeof years_text, "no years found");
    if (il > 0)
        snprintf(ind_text, sizeof ind_text, "indicators say %s (score %.2f%s)",
                 kpiscan_level_name(il), top_score,
                 res->indicator_clear ? ", clear" : "");
    else
        snprintf(ind_text, sizeof ind_text,
                 "indicators set no level (top score %.2f < %.1f)", top_score,
                 BAND_MIN_SCORE);

    const char *rule;
    if (!kpi_items) {
        res->level = KPISCAN_LEVEL_NONE;
        rule = "no KPI evidence";
    } else if (il > 0 && yl > 0) {
        int diff = il > yl ? il - yl : yl - il;
        if (diff == 0) {
            res->level = il;
            rule = "they agree";
        } else if (diff == 2) {
            res->level = KPISCAN_LEVEL_MID;
            rule = "they differ by two levels: the middle one";
        } else if (res->indicator_clear) {
            res->level = il;
            rule = "they differ by one level: clear indicators win";
        } else {
            res->level = yl;
            rule = "they differ by one level: indicators not clear, years win";
        }
    } else if (il > 0) {
        res->level = il;
        rule = "indicators only";
    } else if (yl > 0) {
        res->level = yl;
        rule = "years only";
    } else {
        res->level = KPISCAN_LEVEL_JUNIOR;
        rule = "KPI terms without level evidence: the lowest level";
    }
    snprintf(res->reason, sizeof res->reason, "%s; %s; %s", ind_text,
             years_text, rule);

    /* Confidence: how strongly and how consistently the evidence backs the
     * chosen level (docs/scoring.md).  Two independent supports, combined
     * as "at least one holds": indicators (their share of all level score
     * that points at this level, times how much of it there is) and years
     * (1 when their band is this level, 0.4 one level off). */
    if (res->level == KPISCAN_LEVEL_NONE) {
        res->confidence = any_items ? 0.6 : 0.9;
        return;
    }
    double total = res->scores[1] + res->scores[2] + res->scores[3];
    double s = res->scores[res->level];
    double ind_support = total > 0 ? (s / total) * (1.0 - exp(-s / 2.0)) : 0.0;
    double years_support = 0.0;
    if (yl > 0) {
        int diff = yl > res->level ? yl - res->level : res->level - yl;
        years_support = diff == 0 ? 1.0 : diff == 1 ? 0.4 : 0.0;
        /* A bare statement is weaker than dates a reader can check. */
        if (res->dated_years < 0)
            years_support *= 0.8;
        years_support *= 0.9;
    }
    double c = 1.0 - (1.0 - ind_support) * (1.0 - years_support);
    if (c > 0.99)
        c = 0.99;
    res->confidence = floor(c * 100.0 + 0.5) / 100.0;
}
