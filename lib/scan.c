/* scan.c - the pipeline: sniff, extract, normalise, match, signals, score.
 * The driver only: each stage is a module of its own (docs/internals.md).
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

#include "base/io.h"
#include "base/options.h"
#include "base/sha256.h"
#include "base/util.h"
#include "batch.h"
#include "estimate/evidence.h"
#include "estimate/score.h"
#include "estimate/signals.h"
#include "input/extract.h"
#include "match/match.h"
#include "text/lines.h"
#include "text/normalize.h"
#include "text/timeline.h"

/* A counted job range of tl starts or ends (with a written date, not
 * "Present") after the month saved. */
static int jobs_after(const kps_timeline *tl, kps_ym saved)
{
    long limit = saved.year * 12L + saved.month;
    for (size_t i = 0; i < tl->n; i++) {
        const kps_span *sp = &tl->spans[i];
        if (sp->kind != KPS_SPAN_RANGE || !sp->counted)
            continue;
        long start = sp->start.year * 12L + sp->start.month;
        long end = sp->end.year * 12L + sp->end.month;
        if (start > limit || (!sp->open_ended && end > limit))
            return 1;
    }
    return 0;
}

static int scan_buffer(const kpiscan_pack *pack, const kpiscan_options *opts,
                       const void *data, size_t len, const char *name,
                       kpiscan_result **out, kpiscan_error *err);

/* The scan runs in the C locale (kps_c_locale_enter() says why): the
 * reason and the messages it writes hold numbers. */
int kpiscan_scan_buffer(const kpiscan_pack *pack, const kpiscan_options *opts,
                        const void *data, size_t len, const char *name,
                        kpiscan_result **out, kpiscan_error *err)
{
    if (out)
        *out = NULL;
    kps_c_locale loc;
    if (kps_c_locale_enter(&loc))
        return kps_fail(err, KPISCAN_ERR_NOMEM, name ? name : "<buffer>",
                        "out of memory");
    int rc = scan_buffer(pack, opts, data, len, name, out, err);
    kps_c_locale_leave(&loc);
    return rc;
}

static int scan_buffer(const kpiscan_pack *pack, const kpiscan_options *opts,
                       const void *data, size_t len, const char *name,
                       kpiscan_result **out, kpiscan_error *err)
{
    if (!name)
        name = "<buffer>";
    if (!out)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no result pointer");
    *out = NULL;
    if (!pack)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no pack (NULL)");
    if (!data && len)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "no data (NULL) for %zu bytes", len);

    kpiscan_options o;
    kps_options_resolve(opts, &o);
    if (len > o.limits.max_input_bytes)
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "input of %zu bytes exceeds the limit of %zu bytes "
                        "(max_input_bytes)",
                        len, o.limits.max_input_bytes);

    kps_doc doc = {0};
    kps_norm norm = {0};
    kps_sections sections = {0};
    kps_timeline tl = {0};
    kps_hits hits = {0};
    kps_line_cursor cursor = {SIZE_MAX, 0, 1};
    kps_line_index li = {0};
    li.cur = &cursor;
    kpiscan_result *res = NULL;

    kps_input in;
    kps_input_init(&in, &o, data, len, name);
    kps_extract_ctx ctx = {0};
    int rc = kps_extract(&ctx, &in, &doc, err);
    kps_extract_ctx_free(&ctx);
    if (rc)
        goto done;
    if ((rc = kps_normalize(doc.text, doc.len, name, &norm, err)) ||
        (rc = kps_sections_detect(norm.text, norm.len, name, &sections, err)))
        goto done;
    /* "Present" in a saved document means when it was last saved: a DOCX
     * uses the earlier of today and its modified date.  A modified date
     * in the future is ignored, since the candidate controls it; so is one
     * older than the document's own jobs (a CV saved in 2013 that lists a
     * job from 2019: the date is a template's or a copy's, not the
     * candidate's last edit). */
    const char *as_of_source = o.as_of_set ? "option" : "today";
    kps_ym as_of = {o.as_of_year, o.as_of_month};
    if ((rc = kps_timeline_extract(norm.text, norm.len, &sections, as_of, name,
                                   &tl, err)))
        goto done;
    if (!o.as_of_set && doc.modified_year >= 1990 && doc.modified_month >= 1 &&
        doc.modified_month <= 12 && doc.modified_day >= 1 &&
        doc.modified_day <= 31) {
        long modified = doc.modified_year * 10000L + doc.modified_month * 100L +
                        doc.modified_day;
        long today = o.as_of_year * 10000L + o.as_of_month * 100L + o.as_of_day;
        kps_ym saved = {doc.modified_year, doc.modified_month};
        if (modified < today && !jobs_after(&tl, saved)) {
            o.as_of_year = doc.modified_year;
            o.as_of_month = doc.modified_month;
            o.as_of_day = doc.modified_day;
            as_of_source = "document modified date";
            kps_timeline_free(&tl);
            as_of = saved;
            if ((rc = kps_timeline_extract(norm.text, norm.len, &sections,
                                           as_of, name, &tl, err)))
                goto done;
        }
    }
    /* The matcher holds at most twice the evidence limit: a pack of rules
     * matching every character cannot make it hold millions of hits. */
    hits.keep = o.limits.max_evidence;
    rc = kps_match_all(pack, norm.text, norm.len, o.limits.match_limit, name,
                       &hits, err);
    if (rc)
        goto done;

    res = calloc(1, sizeof *res);
    if (!res || kps_line_index_build(doc.text, doc.len, &li)) {
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
    res->stated_from_job_lengths = tl.stated_from_job_lengths;
    /* Matches past the evidence limit are dropped (hits are in text
     * order): the result reports how many, in a red flag. */
    res->max_evidence = o.limits.max_evidence;
    res->ev_dropped = hits.dropped;
    if (!res->name || !res->pack_name || !res->pack_version ||
        kps_build_evidence(res, pack,
                           &(kps_doc){.text = res->text,
                                      .len = res->len,
                                      .parts = res->parts,
                                      .nparts = res->nparts,
                                      .segments = doc.segments,
                                      .nsegments = doc.nsegments,
                                      .hidden = doc.hidden,
                                      .nhidden = doc.nhidden},
                           &norm, &sections, &hits, &tl, &li) ||
        kps_build_spans(res, &(kps_doc){.text = res->text, .len = res->len},
                        &norm, &tl, &li)) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    res->gaps = o.gaps;
    kps_mark_keyword_lists(res, &norm, &hits, pack);
    if (kps_mark_kpi_jobs(res, &norm, &sections, &li) || kps_employment(res) ||
        kps_score(res) || kps_copy_questions(res, pack) ||
        kps_copy_flag_messages(res, pack)) {
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

    if (!*path)
        return kps_fail(err, KPISCAN_ERR_IO, "\"\"",
                        "cannot open: the file name is empty");
    /* O_NONBLOCK so a FIFO or device named by mistake cannot block the
     * open; only regular files are read here. */
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        /* open() on a socket says "No such device or address" (ENXIO),
         * which reads as if the file were missing. */
        if (e == ENXIO && stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            return kps_fail(err, KPISCAN_ERR_IO, path,
                            "not a regular file (socket)");
        /* A name from a list or a spreadsheet may keep a blank at an end,
         * which no one sees in "cv.docx : cannot open". */
        size_t n = strlen(path);
        int blank_end =
            e == ENOENT && (path[n - 1] == ' ' || path[n - 1] == '\t' ||
                            path[0] == ' ' || path[0] == '\t');
        return kps_fail(
            err, KPISCAN_ERR_IO, path, "cannot open: %s%s", strerror(e),
            blank_end ? " (the name begins or ends with a blank)" : "");
    }
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
                        "(max_input_bytes)",
                        (long long)st.st_size, o.limits.max_input_bytes);
    }
    /* Read to EOF rather than trusting st_size: the file may change under
     * us; the limit still holds. */
    kps_buf buf = {0};
    int rc = kps_read_fd(fd, path, st.st_size > 0 ? (size_t)st.st_size : 0,
                         o.limits.max_input_bytes, "file", &buf, err);
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
