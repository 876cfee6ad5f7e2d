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

/* Line starts of the document text, for offset -> line/column. */
typedef struct line_index {
    size_t *starts;
    size_t n;
} line_index;

static int line_index_build(const char *text, size_t len, line_index *li)
{
    size_t n = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p)));
         p++)
        n++;
    li->starts = malloc(n * sizeof *li->starts);
    if (!li->starts)
        return -1;
    li->n = 0;
    li->starts[li->n++] = 0;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + len - p)));
         p++)
        li->starts[li->n++] = (size_t)(p - text) + 1;
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
    size_t c = 1;
    for (size_t i = li->starts[lo]; i < off; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            c++;
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

static int extract(const unsigned char *data, size_t len, const char *name,
                   const kpiscan_options *o, kps_doc *doc, kpiscan_error *err)
{
    if (len == 0)
        return kps_fail(err, KPISCAN_ERR_EMPTY, name, "empty document");
    kps_format f = kps_sniff(data, len);
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
    case KPS_FORMAT_PDF:
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
                          const line_index *li)
{
    if (!hits->n)
        return 0;
    res->ev = calloc(hits->n, sizeof *res->ev);
    if (!res->ev)
        return -1;
    for (size_t i = 0; i < hits->n; i++) {
        const kps_hit *h = &hits->v[i];
        const kps_rule *rule = &pack->rules[h->rule];
        kpiscan_evidence *ev = &res->ev[res->nev++];
        ev->rule = h->rule;
        ev->category = rule->category;
        ev->level = rule->level;
        ev->weight = rule->weight;
        ev->offset = kps_norm_to_src(norm, h->start);
        size_t end = kps_norm_to_src_end(norm, h->end);
        ev->length = end > ev->offset ? end - ev->offset : 0;
        ev->text = kps_strndup(doc->text + ev->offset, ev->length);
        if (!ev->text || store_rule_id(res, rule->id, &ev->rule_id))
            return -1;
        line_col(li, doc->text, ev->offset, &ev->line, &ev->column);
        ev->section = kps_section_at(sections, h->start);
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

static long ym(kps_ym d) { return d.year * 100L + d.month; }

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
    line_index li = {0};
    kpiscan_result *res = NULL;

    int rc = extract(data, len, name, &o, &doc, err);
    if (rc)
        goto done;
    if ((rc = kps_normalize(doc.text, doc.len, &norm)) ||
        (rc = kps_sections_detect(norm.text, norm.len, &sections))) {
        kps_fail(err, rc, name, "%s", kpiscan_strerror(rc));
        goto done;
    }
    kps_ym as_of = {o.as_of_year, o.as_of_month};
    if ((rc = kps_timeline_extract(norm.text, norm.len, &sections, as_of,
                                   &tl))) {
        kps_fail(err, rc, name, "%s", kpiscan_strerror(rc));
        goto done;
    }
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
    if (!res->name || !res->pack_name || !res->pack_version ||
        build_evidence(res, pack, &(kps_doc){.text = res->text,
                                             .len = res->len,
                                             .parts = res->parts,
                                             .nparts = res->nparts,
                                             .segments = doc.segments,
                                             .nsegments = doc.nsegments,
                                             .hidden = doc.hidden,
                                             .nhidden = doc.nhidden},
                       &norm, &sections, &hits, &li) ||
        build_spans(res, &(kps_doc){.text = res->text, .len = res->len}, &norm,
                    &tl, &li)) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    kps_score(res);
    if (copy_questions(res, pack)) {
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
    if (!rc)
        rc = kpiscan_scan_buffer(pack, opts, buf.data, buf.len, path, out, err);
    kps_buf_free(&buf);
    return rc;
}
