/* scan.c - the pipeline: sniff, extract, normalise, match, signals, score.
 *
 * Data flows one way.  Matching and the signal finders work on the
 * normalised text; every position they report is mapped back to the
 * document text before it reaches the result. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "pdf.h"

/* Line starts of the document text, for offset -> line/column.  Offsets
 * are mostly asked for in increasing order, so the last answer is kept
 * (cur): counting a column on from it rather than from the line start
 * keeps a document that is one huge line linear, not quadratic. */
typedef struct line_cursor {
    size_t line, off, col;
} line_cursor;
typedef struct line_index {
    size_t *starts;
    size_t n;
    line_cursor *cur; /* per scan; NULL: always count from the line start */
} line_index;

static int line_index_build(const char *text, size_t len, line_index *li)
{
    /* One pass; a resume has a line every few dozen bytes. */
    size_t cap = len / 32 + 16;
    li->starts = malloc(cap * sizeof *li->starts);
    if (!li->starts)
        return -1;
    li->n = 0;
    li->starts[li->n++] = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p)));
         p++) {
        if (li->n == cap) {
            size_t *v = realloc(li->starts, 2 * cap * sizeof *v);
            if (!v)
                return -1; /* the caller frees li->starts */
            li->starts = v;
            cap *= 2;
        }
        li->starts[li->n++] = (size_t)(p - text) + 1;
    }
    return 0;
}

/* 1-based line and code-point column of a byte offset. */
static void line_col(const line_index *li, const char *text, size_t off,
                     size_t *line, size_t *col)
{
    size_t lo = 0, hi = li->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (li->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    size_t from = li->starts[lo], c = 1;
    if (li->cur && li->cur->line == lo && li->cur->off >= from &&
        li->cur->off <= off) {
        from = li->cur->off;
        c = li->cur->col;
    }
    for (size_t i = from; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            c++;
    if (li->cur) {
        li->cur->line = lo;
        li->cur->off = off;
        li->cur->col = c;
    }
    *line = lo + 1;
    *col = c;
}

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

/* PDF goes to the helper process (pdf.c); its path, limits and clock come
 * from the options. */
static int extract_pdf(const unsigned char *data, size_t len, const char *name,
                       const kpiscan_options *o, kps_doc *doc,
                       kpiscan_error *err)
{
#ifdef KPISCAN_HAVE_PDF
    const char *env = getenv("KPISCAN_PDF_HELPER");
    kps_pdf_config cfg = {
        .path = o->pdf_helper[0] ? o->pdf_helper
                : env && *env    ? env
                                 : KPISCAN_PDF_HELPER_DEFAULT,
        .timeout_ms = o->pdf_timeout_ms,
        .cpu_seconds = o->pdf_timeout_ms >= 2000 ? o->pdf_timeout_ms / 1000 : 1,
        .memory_mb = (unsigned long)(o->pdf_memory_bytes >> 20),
        .max_pages = o->pdf_max_pages,
    };
    return kps_pdf_extract(data, len, name, &o->limits, &cfg, doc, err);
#else
    (void)data;
    (void)len;
    (void)o;
    (void)doc;
    return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                    "unsupported format: PDF document (built without PDF "
                    "support)");
#endif
}

static int extract(const unsigned char *data, size_t len, const char *name,
                   const kpiscan_options *o, kps_doc *doc, kpiscan_error *err)
{
    if (len == 0)
        return kps_fail(err, KPISCAN_ERR_EMPTY, name, "empty document");
    kps_format f = kps_sniff(data, len);
    /* The content decides; a hint (often a file name's extension, which
     * nobody vouches for) only names what a ZIP archive without a Word or
     * ODT marker is, and that extractor still checks it in full. */
    if (f == KPS_FORMAT_ZIP &&
        (o->format_hint == KPS_FORMAT_DOCX || o->format_hint == KPS_FORMAT_ODT))
        f = o->format_hint;
    switch (f) {
    case KPS_FORMAT_TEXT:
        return kps_text_decode(data, len, name, &o->limits, doc, err);
#ifdef KPISCAN_HAVE_DOCX
    case KPS_FORMAT_DOCX:
        return kps_docx_extract(data, len, name, &o->limits,
                                o->include_comments, doc, err);
    case KPS_FORMAT_ODT:
        return kps_odt_extract(data, len, name, &o->limits, doc, err);
#else
    case KPS_FORMAT_DOCX:
    case KPS_FORMAT_ODT:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                        "unsupported format: %s (not built in)",
                        kps_format_description(f));
#endif
    case KPS_FORMAT_OLE:
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, name,
                        "legacy or encrypted Word document, not supported");
    case KPS_FORMAT_ZIP:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                        "not a DOCX document (a ZIP archive without a Word "
                        "or ODT document in it)");
    case KPS_FORMAT_PDF: return extract_pdf(data, len, name, o, doc, err);
    case KPS_FORMAT_RTF:
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, name,
                        "unsupported format: %s", kps_format_description(f));
    case KPS_FORMAT_BINARY:
    case KPS_FORMAT_UNKNOWN:
    default:
        return kps_fail(err, KPISCAN_ERR_NOT_TEXT, name,
                        "not a text document (binary data)");
    }
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

/* What in_title_position() needs to know about the line of a hit.  Hits
 * come in text order, so the line is worked out once and reused by the
 * hits on it: a document that is one long line costs linear time, not
 * hits x line length. */
typedef struct title_line {
    size_t ls, le;  /* the line [ls, le) in the normalised text */
    size_t content; /* first byte after leading blanks and bullets */
    size_t words;   /* blank-separated words */
    int has_range;  /* a date range starts on it */
    int valid;
} title_line;

/* The line of the hit [start, end) into c; a hit across a line break
 * ("Business\nAssociate") takes both lines, and is not cached. */
static void title_line_at(title_line *c, const char *t, size_t len,
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
    size_t lo = 0, hi = tl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tl->spans[mid].offset < ls)
            lo = mid + 1;
        else
            hi = mid;
    }
    c->has_range = 0;
    for (size_t k = lo; k < tl->n && tl->spans[k].offset < le; k++)
        if (tl->spans[k].kind == KPS_SPAN_RANGE) {
            c->has_range = 1;
            break;
        }
    c->valid = !across;
}

/* A title word counts only where a job title stands: at the start of a
 * line, after a separator ("Acme | Senior Analyst", "worked as ..."), on a
 * short line, or on a line that carries a date range.  "Presented to
 * senior management" and "lead the rollout" are sentences, not titles. */
static int in_title_position(const char *t, size_t len, size_t start,
                             size_t end, const kps_timeline *tl,
                             title_line *line)
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
    return line->words <= 8 || line->has_range;
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

static int build_evidence(kpiscan_result *res, const kpiscan_pack *pack,
                          const kps_doc *doc, const kps_norm *norm,
                          const kps_sections *sections, const kps_hits *hits,
                          const kps_timeline *tl, const line_index *li)
{
    if (!hits->n)
        return 0;
    res->ev = calloc(hits->n, sizeof *res->ev);
    if (!res->ev)
        return -1;
    title_line line = {0};
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
        line_col(li, doc->text, ev->offset, &ev->line, &ev->column);
        ev->section = kps_section_at(sections, h->start);
        ev->title_position = rule->category == KPISCAN_CATEGORY_TITLE &&
                             in_title_position(norm->text, norm->len, h->start,
                                               h->end, tl, &line);
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

/* Lines that are mostly rule words ("KPIs, key performance indicators,
 * strategic KPI alignment, balanced scorecard") are keyword lists, not
 * accounts of work: mark their evidence.  Only short rule words count
 * toward the cover (terms, indicators, titles of at most three words); a
 * long match over a whole sentence is what real writing looks like. */
static void mark_keyword_lists(kpiscan_result *res, const kps_norm *norm,
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
        for (size_t k = ls; k < le; k++)
            letters += t[k] != ' ' && t[k] != ',' && t[k] != '\t' &&
                       t[k] != '.' && t[k] != ';' && t[k] != '|';
        if (words >= 2 && covered * 10 >= letters * 6)
            for (size_t k = i; k < j; k++)
                res->ev[k].keyword_list = 1;
        i = j;
    }
}

static long ym(kps_ym d)
{
    return d.year * 100L + d.month;
}

static int build_spans(kpiscan_result *res, const kps_doc *doc,
                       const kps_norm *norm, const kps_timeline *tl,
                       const line_index *li)
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
        line_col(li, doc->text, sp->offset, &sp->line, &sp->column);
    }
    return 0;
}

/* Evidence that a job involved KPI work: the KPI words themselves, a KPI
 * achievement, or a mid or senior indicator.  Junior indicators
 * (spreadsheets, data collection) and a bare percentage ("reduced flash
 * footprint by 18%") are everyday work in many trades and do not make a
 * job a KPI job on their own. */
static int shows_kpi_work(const kpiscan_evidence *e)
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

/* A range heads a job when its line is a header, not a sentence: it does
 * not start with a bullet and has at most 14 words, or it starts with the
 * range itself ("2012 - 2021, Engineer. Responsible for ...").  "Head of
 * Year 9 from 2019 to 2024" in a bullet is part of the job above it.
 * range_offset: where the line's first range starts. */
static int heads_job(const char *text, size_t len, const line_index *li,
                     size_t line, size_t range_offset)
{
    size_t b = li->starts[line - 1], e = b;
    while (e < len && text[e] != '\n')
        e++;
    size_t i = b;
    while (i < e && (text[i] == ' ' || text[i] == '\t'))
        i++;
    if (i < e && (text[i] == '-' || text[i] == '*' ||
                  (unsigned char)text[i] == 0xE2 /* a bullet character */))
        return 0;
    if (i == range_offset)
        return 1;
    return blank_separated_words(text, i, e) <= 14;
}

/* A job's line longer than this is not a job header (one is a few dozen
 * bytes); the cap keeps a hostile one-line document with thousands of
 * dates from costing dates x line length. */
#define JOB_LINE_MAX 1024

/* Attach a range to the job it heads: its line without the dates and
 * separators, or the line above when the dates stand alone ("Operations
 * Analyst | Northgate" then "Jan 2023 to date").  Returns -1 when out of
 * memory. */
static int job_title(kpiscan_result *res, const line_index *li,
                     kpiscan_span *sp)
{
    const char *t = res->text;
    kps_buf b = {0};
    for (size_t line = sp->line; line >= 1 && line + 1 >= sp->line; line--) {
        size_t s = li->starts[line - 1], e = s;
        while (e < res->len && t[e] != '\n' && e - s <= JOB_LINE_MAX)
            e++;
        if (e - s > JOB_LINE_MAX)
            break; /* no title from an overlong line */
        for (size_t i = s; i < e; i++) {
            if (line == sp->line && i >= sp->offset &&
                i < sp->offset + sp->length)
                continue; /* the dates themselves */
            char c = t[i];
            /* A dash joins words ("part-time") unless it stands alone. */
            int lone_dash = c == '-' && (i == s || t[i - 1] == ' ') &&
                            (i + 1 >= e || t[i + 1] == ' ');
            int sep = c == '|' || c == '\t' || c == ' ' || c == ',' ||
                      c == '(' || c == ')' || lone_dash;
            if (sep && (b.len == 0 || b.data[b.len - 1] == ' '))
                continue;
            if (kps_buf_putc(&b, sep ? ' ' : c)) {
                kps_buf_free(&b);
                return -1;
            }
        }
        while (b.len && b.data[b.len - 1] == ' ')
            b.data[--b.len] = '\0';
        /* A job line names something: more than a couple of letters. */
        if (b.len >= 3 || line == 1)
            break;
        b.len = 0;
        if (b.data)
            b.data[0] = '\0';
    }
    if (b.len >= 3 && b.len <= 160) {
        sp->job = b.data;
        return 0;
    }
    kps_buf_free(&b);
    return 0;
}

/* A counted date range that heads a job covers the lines from it to the
 * next job header on a later line, or to the next section heading.  The
 * job shows KPI work when such evidence stands in it; a range inside a
 * job's text shares the job's answer.  The years of KPI jobs are the years
 * of KPI experience. */
static int mark_kpi_jobs(kpiscan_result *res, const kps_norm *norm,
                         const kps_sections *sections, const line_index *li)
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
    size_t cached_line = 0; /* spans come in text order: one look per line */
    int cached_heads = 0;
    for (size_t i = 0; i < res->nspans; i++) {
        if (res->spans[i].statement) {
            header[i] = 0;
            continue;
        }
        if (res->spans[i].line != cached_line) {
            cached_line = res->spans[i].line;
            cached_heads = heads_job(res->text, res->len, li, cached_line,
                                     res->spans[i].offset);
        }
        header[i] = (unsigned char)cached_heads;
        if (header[i] && job_title(res, li, &res->spans[i])) {
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
        lo = 0, hi = res->nev; /* first evidence item at or after start */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (res->ev[mid].offset < start)
                lo = mid + 1;
            else
                hi = mid;
        }
        int kpi = 0;
        for (size_t k = lo; k < res->nev && res->ev[k].offset < end && !kpi;
             k++)
            kpi = shows_kpi_work(&res->ev[k]);
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
    return (yyyymm / 100) * 12 + yyyymm % 100 - 1;
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
static long merge_ranges(const kpiscan_result *res, int kpi_only,
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
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        /* the same rule as the timeline's merged years: overlap only */
        if (m && v[i].start < v[m - 1].end) {
            if (v[i].end > v[m - 1].end)
                v[m - 1].end = v[i].end;
        } else {
            v[m++] = v[i];
        }
    }
    for (size_t i = 0; i < m; i++) {
        v[i].months = (int)(v[i].end - v[i].start);
        v[i].start = index_month(v[i].start);
        v[i].end = index_month(v[i].end);
    }
    *out = v;
    return (long)m;
}

static int employment(kpiscan_result *res)
{
    long m = merge_ranges(res, 0, &res->merged);
    if (m < 0)
        return -1;
    res->nmerged = (size_t)m;
    kps_interval *kpi = NULL;
    long mk = merge_ranges(res, 1, &kpi);
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

static int copy_questions(kpiscan_result *res, const kpiscan_pack *pack)
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

int kpiscan_scan_buffer(const kpiscan_pack *pack, const kpiscan_options *opts,
                        const void *data, size_t len, const char *name,
                        kpiscan_result **out, kpiscan_error *err)
{
    if (!name)
        name = "<buffer>";
    if (!out)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no result pointer");
    *out = NULL;
    if (!pack || (!data && len))
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no pack or no data");

    kpiscan_options o;
    kps_options_resolve(opts, &o);
    if (len > o.limits.max_input_bytes)
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "input of %zu bytes exceeds the limit of %zu bytes "
                        "(max input bytes)",
                        len, o.limits.max_input_bytes);

    kps_doc doc = {0};
    kps_norm norm = {0};
    kps_sections sections = {0};
    kps_timeline tl = {0};
    kps_hits hits = {0};
    line_cursor cursor = {SIZE_MAX, 0, 1};
    line_index li = {0};
    li.cur = &cursor;
    kpiscan_result *res = NULL;

    int rc = extract(data, len, name, &o, &doc, err);
    if (rc)
        goto done;
    if ((rc = kps_normalize(doc.text, doc.len, &norm)) ||
        (rc = kps_sections_detect(norm.text, norm.len, &sections))) {
        kps_fail(err, rc, name, "%s", kpiscan_strerror(rc));
        goto done;
    }
    /* "Present" in a saved document means when it was last saved: a DOCX
     * uses the earlier of today and its modified date.  A modified date
     * in the future is ignored, since the candidate controls it. */
    const char *as_of_source = o.as_of_set ? "option" : "today";
    if (!o.as_of_set && doc.modified_year >= 1990 && doc.modified_month >= 1 &&
        doc.modified_month <= 12 && doc.modified_day >= 1 &&
        doc.modified_day <= 31) {
        long modified = doc.modified_year * 10000L + doc.modified_month * 100L +
                        doc.modified_day;
        long today = o.as_of_year * 10000L + o.as_of_month * 100L + o.as_of_day;
        if (modified < today) {
            o.as_of_year = doc.modified_year;
            o.as_of_month = doc.modified_month;
            o.as_of_day = doc.modified_day;
            as_of_source = "document modified date";
        }
    }
    kps_ym as_of = {o.as_of_year, o.as_of_month};
    if ((rc = kps_timeline_extract(norm.text, norm.len, &sections, as_of,
                                   &tl))) {
        kps_fail(err, rc, name, "%s", kpiscan_strerror(rc));
        goto done;
    }
    /* The matcher holds at most twice the evidence limit: a pack of rules
     * matching every character cannot make it hold millions of hits. */
    hits.keep = o.limits.max_evidence;
    rc = kps_match_all(pack, norm.text, norm.len, o.limits.match_limit, name,
                       &hits, err);
    if (rc)
        goto done;

    res = calloc(1, sizeof *res);
    if (!res || line_index_build(doc.text, doc.len, &li)) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    res->name = kps_strdup(name);
    res->format = kps_format_name(doc.format);
    res->as_of = o.as_of_year * 10000L + o.as_of_month * 100L + o.as_of_day;
    res->as_of_source = as_of_source;
    res->pack_name = kps_strdup(pack->name);
    res->pack_version = kps_strdup(pack->version);
    memcpy(res->pack_hash, pack->hash, sizeof res->pack_hash);
    /* The result takes over the document text and part names. */
    res->text = doc.text;
    res->len = doc.len;
    res->parts = doc.parts;
    res->nparts = doc.nparts;
    doc.text = NULL;
    doc.parts = NULL;
    doc.nparts = 0;
    res->dated_years = tl.range_years;
    res->stated_years = tl.stated_years;
    /* Matches past the evidence limit are dropped (hits are in text
     * order): the result reports how many, in a red flag. */
    res->max_evidence = o.limits.max_evidence;
    res->ev_dropped = hits.dropped;
    if (!res->name || !res->pack_name || !res->pack_version ||
        build_evidence(res, pack,
                       &(kps_doc){.text = res->text,
                                  .len = res->len,
                                  .parts = res->parts,
                                  .nparts = res->nparts,
                                  .segments = doc.segments,
                                  .nsegments = doc.nsegments,
                                  .hidden = doc.hidden,
                                  .nhidden = doc.nhidden},
                       &norm, &sections, &hits, &tl, &li) ||
        build_spans(res, &(kps_doc){.text = res->text, .len = res->len}, &norm,
                    &tl, &li)) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    res->gaps = o.gaps;
    mark_keyword_lists(res, &norm, &hits, pack);
    if (mark_kpi_jobs(res, &norm, &sections, &li) || employment(res) ||
        kps_score(res) || copy_questions(res, pack)) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    *out = res;
    res = NULL;
done:
    kpiscan_result_free(res);
    free(li.starts);
    kps_hits_free(&hits);
    kps_timeline_free(&tl);
    kps_sections_free(&sections);
    kps_norm_free(&norm);
    kps_doc_free(&doc);
    return rc;
}

int kpiscan_scan_file(const kpiscan_pack *pack, const kpiscan_options *opts,
                      const char *path, kpiscan_result **out,
                      kpiscan_error *err)
{
    return kps_scan_file_sha256(pack, opts, path, out, err, NULL);
}

int kps_scan_file_sha256(const kpiscan_pack *pack, const kpiscan_options *opts,
                         const char *path, kpiscan_result **out,
                         kpiscan_error *err, char sha256[65])
{
    if (out)
        *out = NULL;
    if (!path)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL, "no path given");
    kpiscan_options o;
    kps_options_resolve(opts, &o);

    /* O_NONBLOCK so a FIFO or device named by mistake cannot block the
     * open; only regular files are read here. */
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return kps_fail(err, KPISCAN_ERR_IO, path, "cannot open: %s",
                        strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return kps_fail(err, KPISCAN_ERR_IO, path, "cannot stat: %s",
                        strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return kps_fail(err, KPISCAN_ERR_IO, path, "is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return kps_fail(err, KPISCAN_ERR_IO, path,
                        "not a regular file (device, FIFO or socket)");
    }
    if ((unsigned long long)st.st_size > o.limits.max_input_bytes) {
        close(fd);
        return kps_fail(err, KPISCAN_ERR_LIMIT, path,
                        "file of %lld bytes exceeds the limit of %zu bytes "
                        "(max input bytes)",
                        (long long)st.st_size, o.limits.max_input_bytes);
    }
    /* Read to EOF rather than trusting st_size: the file may change under
     * us; the limit still holds. */
    kps_buf buf = {0};
    int rc = KPISCAN_OK;
    size_t want = st.st_size > 0 ? (size_t)st.st_size : 65536;
    if (kps_buf_reserve(&buf, want))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    while (!rc) {
        if (buf.cap - buf.len < 2 && kps_buf_reserve(&buf, 65536)) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
        ssize_t n = read(fd, buf.data + buf.len, buf.cap - buf.len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = kps_fail(err, KPISCAN_ERR_IO, path, "cannot read: %s",
                          strerror(errno));
            break;
        }
        if (n == 0)
            break;
        buf.len += (size_t)n;
        if (buf.len > o.limits.max_input_bytes)
            rc = kps_fail(err, KPISCAN_ERR_LIMIT, path,
                          "file exceeds the limit of %zu bytes (max input "
                          "bytes)",
                          o.limits.max_input_bytes);
    }
    close(fd);
    /* Hashed here, from the bytes just read, so the digest is that of what
     * was scanned even if the file changes afterwards; a corrupt document
     * still gets one (its error record can be de-duplicated too). */
    if (!rc && sha256) {
        kps_sha256 h;
        kps_sha256_init(&h);
        kps_sha256_update(&h, buf.data, buf.len);
        kps_sha256_hex(&h, sha256);
    }
    if (!rc)
        rc = kpiscan_scan_buffer(pack, opts, buf.data, buf.len, path, out, err);
    kps_buf_free(&buf);
    return rc;
}
