/* result.c - result accessors and JSON output (via jansson, so escaping is
 * never done by hand). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
    free(res->merged);
    free(res->pack_name);
    free(res->pack_version);
    free(res);
}

void kpiscan_free(void *p)
{
    free(p);
}

const char *kpiscan_result_name(const kpiscan_result *res)
{
    return res ? res->name : NULL;
}

const char *kpiscan_result_format(const kpiscan_result *res)
{
    return res ? res->format : NULL;
}

int kpiscan_result_level(const kpiscan_result *res)
{
    return res ? res->level : KPISCAN_LEVEL_NONE;
}

double kpiscan_result_confidence(const kpiscan_result *res)
{
    return res ? res->confidence : 0.0;
}

double kpiscan_result_score(const kpiscan_result *res, int level)
{
    if (!res || level < KPISCAN_LEVEL_JUNIOR || level > KPISCAN_LEVEL_SENIOR)
        return 0.0;
    return res->scores[level];
}

double kpiscan_result_years(const kpiscan_result *res)
{
    return res ? res->years : -1.0;
}

double kpiscan_result_dated_years(const kpiscan_result *res)
{
    return res ? res->dated_years : -1.0;
}

double kpiscan_result_stated_years(const kpiscan_result *res)
{
    return res ? res->stated_years : -1.0;
}

long kpiscan_result_as_of(const kpiscan_result *res)
{
    return res ? res->as_of : 0;
}

const char *kpiscan_result_reason(const kpiscan_result *res)
{
    return res ? res->reason : NULL;
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

const char *kpiscan_evidence_rule_id(const kpiscan_evidence *ev)
{
    return ev ? ev->rule_id : NULL;
}

int kpiscan_evidence_category(const kpiscan_evidence *ev)
{
    return ev ? ev->category : -1;
}

int kpiscan_evidence_level(const kpiscan_evidence *ev)
{
    return ev ? ev->level : -1;
}

double kpiscan_evidence_weight(const kpiscan_evidence *ev)
{
    return ev ? ev->weight : 0.0;
}

double kpiscan_evidence_contribution(const kpiscan_evidence *ev)
{
    return ev ? ev->contribution : 0.0;
}

const char *kpiscan_evidence_text(const kpiscan_evidence *ev)
{
    return ev ? ev->text : NULL;
}

size_t kpiscan_evidence_offset(const kpiscan_evidence *ev)
{
    return ev ? ev->offset : 0;
}

size_t kpiscan_evidence_length(const kpiscan_evidence *ev)
{
    return ev ? ev->length : 0;
}

size_t kpiscan_evidence_line(const kpiscan_evidence *ev)
{
    return ev ? ev->line : 0;
}

size_t kpiscan_evidence_column(const kpiscan_evidence *ev)
{
    return ev ? ev->column : 0;
}

const char *kpiscan_evidence_section(const kpiscan_evidence *ev)
{
    return ev ? kps_section_name(ev->section) : NULL;
}

int kpiscan_evidence_hidden(const kpiscan_evidence *ev)
{
    return ev ? ev->hidden : 0;
}

const char *kpiscan_evidence_part(const kpiscan_evidence *ev)
{
    return ev ? ev->part : NULL;
}

size_t kpiscan_evidence_paragraph(const kpiscan_evidence *ev)
{
    return ev ? ev->paragraph : 0;
}

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

long kpiscan_span_start(const kpiscan_span *sp)
{
    return sp ? sp->start : 0;
}

long kpiscan_span_end(const kpiscan_span *sp)
{
    return sp ? sp->end : 0;
}

double kpiscan_span_years(const kpiscan_span *sp)
{
    return sp ? sp->years : 0.0;
}

int kpiscan_span_counted(const kpiscan_span *sp)
{
    return sp ? sp->counted : 0;
}

const char *kpiscan_span_text(const kpiscan_span *sp)
{
    return sp ? sp->text : NULL;
}

size_t kpiscan_span_line(const kpiscan_span *sp)
{
    return sp ? sp->line : 0;
}

size_t kpiscan_span_column(const kpiscan_span *sp)
{
    return sp ? sp->column : 0;
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

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* Numbers are rounded so that output is stable and readable; the exact
 * values stay available through the accessors. */
static json_t *num(double v, int decimals)
{
    double scale = pow(10.0, decimals);
    return json_real(floor(v * scale + 0.5) / scale);
}

static json_t *years_or_null(double v)
{
    return v < 0 ? json_null() : num(v, 2);
}

static json_t *ym_string(long ymv)
{
    char s[48];
    snprintf(s, sizeof s, "%04ld-%02ld", ymv / 100, ymv % 100);
    return json_string(s);
}

/* json_string() refuses invalid UTF-8; our texts are valid by
 * construction, but fall back to an empty string rather than fail. */
static json_t *str(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

static int set(json_t *obj, const char *key, json_t *value)
{
    /* json_object_set_new steals value even on failure. */
    return value ? json_object_set_new(obj, key, value) : -1;
}

static json_t *pack_json(const kpiscan_result *res)
{
    json_t *p = json_object();
    if (!p)
        return NULL;
    set(p, "name", str(res->pack_name));
    set(p, "version", str(res->pack_version));
    set(p, "hash", str(res->pack_hash));
    return p;
}

static json_t *evidence_json(const kpiscan_evidence *ev, int excerpts)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    set(o, "rule", str(ev->rule_id));
    set(o, "category", str(kpiscan_category_name(ev->category)));
    set(o, "level", str(kpiscan_level_name(ev->level)));
    set(o, "line", json_integer((json_int_t)ev->line));
    set(o, "column", json_integer((json_int_t)ev->column));
    set(o, "offset", json_integer((json_int_t)ev->offset));
    set(o, "length", json_integer((json_int_t)ev->length));
    set(o, "section",
        ev->section ? str(kps_section_name(ev->section)) : json_null());
    if (ev->part && ev->part[0]) {
        set(o, "part", str(ev->part));
        set(o, "paragraph", json_integer((json_int_t)ev->paragraph));
    }
    set(o, "weight", num(ev->weight, 3));
    set(o, "section_factor", num(ev->section_factor, 3));
    set(o, "repeat", json_integer((json_int_t)ev->repeat));
    set(o, "repeat_factor", num(ev->repeat_factor, 4));
    set(o, "contribution", num(ev->contribution, 3));
    set(o, "hidden", json_boolean(ev->hidden));
    set(o, "keyword_list", json_boolean(ev->keyword_list));
    if (ev->note)
        set(o, "note", str(ev->note));
    if (excerpts)
        set(o, "text", str(ev->text));
    return o;
}

static json_t *span_json(const kpiscan_span *sp, int excerpts)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    set(o, "kind", str(sp->statement ? "statement" : "range"));
    set(o, "line", json_integer((json_int_t)sp->line));
    set(o, "column", json_integer((json_int_t)sp->column));
    if (!sp->statement) {
        set(o, "start", ym_string(sp->start));
        set(o, "end", ym_string(sp->end));
        set(o, "open_ended", json_boolean(sp->open_ended));
    }
    set(o, "years", num(sp->years, 2));
    set(o, "counted", json_boolean(sp->counted));
    if (!sp->statement)
        set(o, "kpi_job", json_boolean(sp->kpi_job));
    if (sp->job && excerpts)
        set(o, "job", str(sp->job));
    set(o, "section",
        sp->section ? str(kps_section_name(sp->section)) : json_null());
    if (excerpts)
        set(o, "text", str(sp->text));
    return o;
}

static char *dump(json_t *root, unsigned flags)
{
    size_t f = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
    f |= (flags & KPISCAN_JSON_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    char *s = json_dumps(root, f);
    json_decref(root);
    return s;
}

char *kpiscan_result_to_json(const kpiscan_result *res,
                             const kpiscan_options *opts, unsigned flags)
{
    if (!res)
        return NULL;
    int excerpts = opts ? opts->excerpts : 1;
    json_t *root = json_object();
    if (!root)
        return NULL;
    char as_of[64];
    snprintf(as_of, sizeof as_of, "%04ld-%02ld-%02ld", res->as_of / 10000,
             res->as_of / 100 % 100, res->as_of % 100);

    set(root, "schema", json_integer(KPISCAN_JSON_SCHEMA_VERSION));
    set(root, "file", str(res->name));
    set(root, "status", str("ok"));
    set(root, "format", str(res->format));
    set(root, "pack", pack_json(res));
    set(root, "as_of", str(as_of));
    set(root, "as_of_source", str(res->as_of_source));
    set(root, "level", str(kpiscan_level_name(res->level)));
    set(root, "confidence", num(res->confidence, 2));
    set(root, "years", years_or_null(res->years));

    json_t *scores = json_object();
    set(scores, "junior", num(res->scores[KPISCAN_LEVEL_JUNIOR], 3));
    set(scores, "mid", num(res->scores[KPISCAN_LEVEL_MID], 3));
    set(scores, "senior", num(res->scores[KPISCAN_LEVEL_SENIOR], 3));
    set(root, "scores", scores);

    json_t *basis = json_object();
    set(basis, "kpi_score", num(res->kpi_score, 3));
    set(basis, "indicator_level",
        res->indicator_level > 0 ? str(kpiscan_level_name(res->indicator_level))
                                 : json_null());
    set(basis, "indicator_clear", json_boolean(res->indicator_clear));
    set(basis, "years_level",
        res->years_level > 0 ? str(kpiscan_level_name(res->years_level))
                             : json_null());
    set(basis, "dated_years", years_or_null(res->dated_years));
    set(basis, "stated_years", years_or_null(res->stated_years));
    set(basis, "kpi_years", years_or_null(res->kpi_years));
    set(basis, "years_rule", str(res->years_rule));
    json_t *conf = json_object();
    set(conf, "indicators", num(res->conf_indicators, 3));
    set(conf, "years", num(res->conf_years, 3));
    set(basis, "confidence_parts", conf);
    set(basis, "reason", str(res->reason));
    set(root, "basis", basis);

    json_t *ev = json_array();
    for (size_t i = 0; ev && i < res->nev; i++)
        json_array_append_new(ev, evidence_json(&res->ev[i], excerpts));
    set(root, "evidence", ev);

    json_t *spans = json_array();
    for (size_t i = 0; spans && i < res->nspans; i++)
        json_array_append_new(spans, span_json(&res->spans[i], excerpts));
    set(root, "timeline", spans);
    json_t *merged = json_array();
    for (size_t i = 0; merged && i < res->nmerged; i++) {
        json_t *m = json_object();
        set(m, "start", ym_string(res->merged[i].start));
        set(m, "end", ym_string(res->merged[i].end));
        set(m, "months", json_integer(res->merged[i].months));
        json_array_append_new(merged, m);
    }
    set(root, "employment", merged);
    if (res->gaps) {
        /* Facts only, on request: gaps never change the score. */
        json_t *gaps = json_array();
        for (size_t i = 1; gaps && i < res->nmerged; i++) {
            kps_interval g;
            if (!kps_gap_before(res, i, &g))
                continue;
            json_t *o = json_object();
            set(o, "start", ym_string(g.start));
            set(o, "end", ym_string(g.end));
            set(o, "months", json_integer(g.months));
            json_array_append_new(gaps, o);
        }
        set(root, "gaps", gaps);
    }

    json_t *flags_arr = json_array();
    for (size_t i = 0; flags_arr && i < res->nflags; i++) {
        const kps_flag *fl = &res->flags[i];
        json_t *flag = json_object();
        set(flag, "id", str(fl->id));
        set(flag, "message", str(fl->message));
        if (fl->rule_id)
            set(flag, "rule", str(fl->rule_id));
        if (fl->line)
            set(flag, "line", json_integer((json_int_t)fl->line));
        if (fl->count)
            set(flag, "count", json_integer((json_int_t)fl->count));
        if (strcmp(fl->id, "hidden-text") == 0) {
            json_t *items = json_array();
            for (size_t k = 0; items && k < res->nev; k++) {
                const kpiscan_evidence *e = &res->ev[k];
                if (!e->hidden)
                    continue;
                json_t *it = json_object();
                set(it, "rule", str(e->rule_id));
                set(it, "line", json_integer((json_int_t)e->line));
                if (e->part && e->part[0]) {
                    set(it, "part", str(e->part));
                    set(it, "paragraph",
                        json_integer((json_int_t)e->paragraph));
                }
                if (excerpts)
                    set(it, "text", str(e->text));
                json_array_append_new(items, it);
            }
            set(flag, "evidence", items);
        }
        json_array_append_new(flags_arr, flag);
    }
    for (size_t i = 0; flags_arr && i < res->nev; i++) {
        const kpiscan_evidence *e = &res->ev[i];
        if (e->category != KPISCAN_CATEGORY_RED_FLAG || e->hidden)
            continue;
        json_t *flag = json_object();
        set(flag, "id", str(e->rule_id));
        set(flag, "message", str("red-flag phrase of the pack"));
        set(flag, "rule", str(e->rule_id));
        set(flag, "line", json_integer((json_int_t)e->line));
        if (excerpts)
            set(flag, "text", str(e->text));
        json_array_append_new(flags_arr, flag);
    }
    set(root, "red_flags", flags_arr);

    json_t *qs = json_array();
    for (size_t i = 0; qs && i < res->nquestions; i++) {
        json_t *q = json_object();
        set(q, "level", str(kpiscan_level_name(res->questions[i].level)));
        set(q, "question", str(res->questions[i].question));
        if (res->questions[i].answer)
            set(q, "expected_answer", str(res->questions[i].answer));
        json_array_append_new(qs, q);
    }
    set(root, "questions", qs);
    return dump(root, flags);
}

char *kps_failure_json(const char *name, const kpiscan_error *err,
                       const kpiscan_pack *pack, const char *status_word,
                       unsigned flags)
{
    json_t *root = json_object();
    if (!root)
        return NULL;
    set(root, "schema", json_integer(KPISCAN_JSON_SCHEMA_VERSION));
    set(root, "file", str(name ? name : "<buffer>"));
    set(root, "status", str(status_word));
    if (pack) {
        json_t *p = json_object();
        set(p, "name", str(pack->name));
        set(p, "version", str(pack->version));
        set(p, "hash", str(pack->hash));
        set(root, "pack", p);
    }
    set(root, "level", json_null());
    set(root, "years", json_null());
    json_t *e = json_object();
    int status = err ? err->status : KPISCAN_ERR_INTERNAL;
    set(e, "code", str(kpiscan_status_name(status)));
    set(e, "number", json_integer(status));
    set(e, "message",
        str(err && err->message[0] ? err->message : kpiscan_strerror(status)));
    set(root, "error", e);
    return dump(root, flags);
}

char *kpiscan_error_to_json(const char *name, const kpiscan_error *err,
                            unsigned flags)
{
    return kps_failure_json(name, err, NULL, "error", flags);
}
