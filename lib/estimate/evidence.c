/* evidence.c - the result's evidence and spans, built from the matcher's
 * hits and the timeline's spans: positions mapped back to the document
 * text, with line, column, section, part and paragraph
 * (estimate/evidence.h). */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "estimate/evidence.h"
#include "estimate/signals.h"

static int in_hidden(const kps_doc *doc, size_t start, size_t end)
{
    size_t lo = 0, hi = doc->nhidden;
    while (lo < hi) { /* first range ending after start */
        size_t mid = lo + (hi - lo) / 2;
        if (doc->hidden[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < doc->nhidden && doc->hidden[lo].start < end;
}

static const kps_segment *segment_at(const kps_doc *doc, size_t off)
{
    size_t lo = 0, hi = doc->nsegments;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->segments[mid].end <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < doc->nsegments && doc->segments[lo].start <= off)
        return &doc->segments[lo];
    return NULL;
}

static int store_rule_id(kpiscan_result *res, const char *id, const char **out)
{
    for (size_t i = 0; i < res->nrule_ids; i++)
        if (strcmp(res->rule_ids[i], id) == 0) {
            *out = res->rule_ids[i];
            return 0;
        }
    char **v = realloc(res->rule_ids, (res->nrule_ids + 1) * sizeof *v);
    if (!v)
        return -1;
    res->rule_ids = v;
    if (!(v[res->nrule_ids] = kps_strdup(id)))
        return -1;
    *out = v[res->nrule_ids++];
    return 0;
}

int kps_build_evidence(kpiscan_result *res, const kpiscan_pack *pack,
                       const kps_doc *doc, const kps_norm *norm,
                       const kps_sections *sections, const kps_hits *hits,
                       const kps_timeline *tl, const kps_line_index *li)
{
    if (!hits->n)
        return 0;
    res->ev = calloc(hits->n, sizeof *res->ev);
    if (!res->ev)
        return -1;
    kps_title_line line = {0};
    for (size_t i = 0; i < hits->n; i++) {
        const kps_hit *h = &hits->v[i];
        const kps_rule *rule = &pack->rules[h->rule];
        kpiscan_evidence *ev = &res->ev[res->nev++];
        ev->rule = h->rule;
        ev->category = rule->category;
        ev->level = rule->level;
        ev->weight = rule->weight;
        ev->work_only = rule->work_only;
        ev->offset = kps_norm_to_src(norm, h->start);
        size_t end = kps_norm_to_src_end(norm, h->end);
        ev->length = end > ev->offset ? end - ev->offset : 0;
        ev->text = kps_strndup(doc->text + ev->offset, ev->length);
        if (!ev->text || store_rule_id(res, rule->id, &ev->rule_id))
            return -1;
        kps_line_col(li, doc->text, ev->offset, &ev->line, &ev->column);
        ev->section = kps_section_at(sections, h->start);
        ev->title_position = rule->category == KPISCAN_CATEGORY_TITLE &&
                             kps_in_title_position(norm->text, norm->len,
                                                   h->start, h->end, tl, &line);
        ev->hidden = doc->nhidden && in_hidden(doc, ev->offset, end);
        if (ev->hidden)
            res->nhidden++;
        const kps_segment *seg = segment_at(doc, ev->offset);
        if (seg && seg->part < doc->nparts) {
            ev->part = doc->parts[seg->part];
            ev->paragraph = (size_t)seg->paragraph + 1;
        } else {
            ev->part = "";
        }
    }
    return 0;
}

static long ym(kps_ym d)
{
    return d.year * 100L + d.month;
}

int kps_build_spans(kpiscan_result *res, const kps_doc *doc,
                    const kps_norm *norm, const kps_timeline *tl,
                    const kps_line_index *li)
{
    if (!tl->n)
        return 0;
    res->spans = calloc(tl->n, sizeof *res->spans);
    if (!res->spans)
        return -1;
    for (size_t i = 0; i < tl->n; i++) {
        const kps_span *s = &tl->spans[i];
        kpiscan_span *sp = &res->spans[res->nspans++];
        sp->statement = s->kind == KPS_SPAN_STATEMENT;
        sp->job_length = s->job_length;
        sp->start = sp->statement ? 0 : ym(s->start);
        sp->end = sp->statement ? 0 : ym(s->end);
        sp->open_ended = s->open_ended;
        sp->years = s->years;
        sp->counted = s->counted;
        sp->section = s->section;
        sp->offset = kps_norm_to_src(norm, s->offset);
        size_t end = kps_norm_to_src_end(norm, s->offset + s->length);
        sp->length = end > sp->offset ? end - sp->offset : 0;
        sp->text = kps_strndup(doc->text + sp->offset, sp->length);
        if (!sp->text)
            return -1;
        kps_line_col(li, doc->text, sp->offset, &sp->line, &sp->column);
    }
    return 0;
}

int kps_copy_questions(kpiscan_result *res, const kpiscan_pack *pack)
{
    /* The estimated level's questions, and the next level's to probe; a
     * "none" estimate gets the junior ones. */
    int lo = res->level > 0 ? res->level : KPISCAN_LEVEL_JUNIOR;
    int hi = lo < KPISCAN_LEVEL_SENIOR ? lo + 1 : lo;
    if (!pack->nquestions)
        return 0;
    res->questions = calloc(pack->nquestions, sizeof *res->questions);
    if (!res->questions)
        return -1;
    for (int l = lo; l <= hi; l++)
        for (size_t i = 0; i < pack->nquestions; i++) {
            const kps_question *q = &pack->questions[i];
            if (q->level != l)
                continue;
            kps_question *d = &res->questions[res->nquestions++];
            d->level = q->level;
            d->question = kps_strdup(q->question);
            d->answer = q->answer ? kps_strdup(q->answer) : NULL;
            if (!d->question || (q->answer && !d->answer))
                return -1;
        }
    return 0;
}

void kps_free_flag_messages(kpiscan_result *res)
{
    if (res->phrase_flag_messages)
        for (size_t i = 0; i < res->nphrase_flags; i++)
            free(res->phrase_flag_messages[i]);
    free(res->phrase_flag_messages);
    res->phrase_flag_messages = NULL;
}

int kps_copy_flag_messages(kpiscan_result *res, const kpiscan_pack *pack)
{
    /* A red-flag phrase says what it warns of in its rule's description
     * ("Only \"familiar with\" KPIs: a weak claim ..."); the result keeps a
     * copy, as it does the questions, so it outlives the pack. */
    if (!res->nphrase_flags)
        return 0;
    res->phrase_flag_messages =
        calloc(res->nphrase_flags, sizeof *res->phrase_flag_messages);
    if (!res->phrase_flag_messages)
        return -1;
    for (size_t i = 0; i < res->nphrase_flags; i++) {
        size_t rule = res->ev[res->phrase_flags[i]].rule;
        const char *d =
            rule < pack->nrules ? pack->rules[rule].description : NULL;
        if (d && *d && !(res->phrase_flag_messages[i] = kps_strdup(d)))
            return -1;
    }
    return 0;
}
