/* engine.c - in-process throughput of the scanning engine.
 *
 * Reads every regular file under the given folders into memory once, then
 * times whole passes over them, single-threaded:
 *
 *   scan         kpiscan_scan_buffer(): decode, normalise, sections,
 *                timeline, match (prefiltered), evidence, score
 *   scan-brute   the same with the prefilter switched off (every rule runs)
 *   extract      the first step of scan alone: the library's kps_extract(),
 *                which recognises the format from the content and extracts
 *                it (DOCX / ODT body, headers, footers, notes, no comments;
 *                RTF; HTML and MIME HTML; plain text decoded; a PDF
 *                through the helper), as kpiscan_scan_buffer() does
 *   norm+match   kps_normalize() + kps_match_all() on decoded text
 *   norm+brute   kps_normalize() + kps_match_all_bruteforce()
 *   normalise    kps_normalize() alone
 *   prefilter    the automaton and rule selection alone, normalised text
 *
 * MB/s always divide the input bytes read from disk (for DOCX / ODT, the
 * compressed archive) by the time of a pass, files/s the number of files;
 * the median of --runs passes is reported, with thread CPU time beside wall
 * time ("per core").  Every file is extracted once before timing, so
 * the text modes see the text a scan would.  Also:
 * default pack load time, rules run per document, a hit-for-hit check of
 * prefiltered against brute force, and how many files failed to scan or
 * extract in the timed modes (a pass over errors would be no benchmark).
 *
 * usage: kpiscan-bench-engine [--runs N] [--only MODE] [--no-check] DIR...
 * (--no-check skips the brute-force comparison, e.g. under a profiler)
 * Not a test: run by bench/run.sh (text corpus), bench/docx.sh and
 * bench/rtf.sh (DOCX and RTF files per second, --only extract and --only
 * scan); results go to docs/benchmarks.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

typedef struct doc {
    char *path;
    char *raw; /* bytes as read */
    size_t raw_len;
    char *text; /* decoded (NULL when the file does not decode) */
    size_t len;
    char *norm; /* normalised */
    size_t norm_len;
} doc;

typedef struct corpus {
    doc *v;
    size_t n, cap;
    size_t bytes;
} corpus;

static void die(const char *what)
{
    fprintf(stderr, "kpiscan-bench-engine: %s\n", what);
    exit(2);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    kps_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (kps_buf_append(&b, chunk, n))
            die("out of memory");
    fclose(f);
    if (!b.data && kps_buf_putc(&b, '\0'))
        die("out of memory");
    *len = b.len;
    return b.data;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Depth-first, names sorted, so every run sees the same order. */
static void add_tree(corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        size_t len;
        char *data = read_file(dir, &len);
        if (!data)
            die("cannot read input");
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 256;
            if (!(c->v = realloc(c->v, c->cap * sizeof *c->v)))
                die("out of memory");
        }
        c->v[c->n++] =
            (doc){.path = kps_strdup(dir), .raw = data, .raw_len = len};
        c->bytes += len;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (!(names = realloc(names, (n + 1) * sizeof *names)) ||
            !(names[n++] = kps_strdup(e->d_name)))
            die("out of memory");
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 &&
            (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
            add_tree(c, path);
        free(names[i]);
    }
    free(names);
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct bench {
    corpus *c;
    kpiscan_pack *pack;
    kpiscan_options *opts;
    kpiscan_options resolved; /* opts as a scan resolves them */
    kps_limits lim;
    size_t failed; /* files that failed to scan / extract in the last pass */
} bench;

enum mode {
    SCAN,
    SCAN_BRUTE,
    EXTRACT,
    NORM_MATCH,
    NORM_BRUTE,
    NORMALISE,
    PREFILTER
};
static const char *const mode_names[] = {
    "scan",       "scan-brute", "extract",  "norm+match",
    "norm+brute", "normalise",  "prefilter"};
#define NMODES (sizeof mode_names / sizeof mode_names[0])

/* What kpiscan_scan_buffer() does first: the library's own extraction
 * (kps_extract(): the content picks the extractor), with the scan's
 * resolved options. */
static int extract_doc(const doc *d, const kpiscan_options *resolved,
                       kps_doc *out)
{
    kps_input in;
    kps_input_init(&in, resolved, d->raw, d->raw_len, d->path);
    kps_extract_ctx ctx = {0};
    int rc = kps_extract(&ctx, &in, out, NULL);
    kps_extract_ctx_free(&ctx);
    return rc;
}

/* Kept out of line so that valgrind --toggle-collect=one_pass counts the
 * passes and nothing else (bench/run.sh). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void
one_pass(bench *B, enum mode m)
{
    kps_prefilter *saved = B->pack->prefilter;
    if (m == SCAN_BRUTE)
        B->pack->prefilter = NULL;
    kps_pf_scan st = {0};
    B->failed = 0;
    for (size_t i = 0; i < B->c->n; i++) {
        doc *d = &B->c->v[i];
        if (m == SCAN || m == SCAN_BRUTE) {
            kpiscan_result *res = NULL;
            if (kpiscan_scan_buffer(B->pack, B->opts, d->raw, d->raw_len,
                                    d->path, &res, NULL) != KPISCAN_OK)
                B->failed++;
            kpiscan_result_free(res);
            continue;
        }
        if (m == EXTRACT) {
            kps_doc kd = {0};
            if (extract_doc(d, &B->resolved, &kd) != KPISCAN_OK)
                B->failed++;
            kps_doc_free(&kd);
            continue;
        }
        if (!d->text)
            continue;
        if (m == PREFILTER) {
            if (kps_prefilter_scan(saved, d->norm, d->norm_len, &st))
                die("out of memory");
            continue;
        }
        kps_norm norm;
        if (kps_normalize(d->text, d->len, d->path, &norm, NULL))
            die("out of memory");
        if (m != NORMALISE) {
            kps_hits hits = {0};
            if (m == NORM_MATCH)
                kps_match_all(B->pack, norm.text, norm.len, B->lim.match_limit,
                              d->path, &hits, NULL);
            else
                kps_match_all_bruteforce(B->pack, norm.text, norm.len,
                                         B->lim.match_limit, d->path, &hits,
                                         NULL);
            kps_hits_free(&hits);
        }
        kps_norm_free(&norm);
    }
    B->pack->prefilter = saved;
    kps_pf_scan_free(&st);
}

static void time_mode(bench *B, enum mode m, int runs)
{
    double wall[64], cpu[64];
    if (runs > 64)
        runs = 64;
    one_pass(B, m); /* warm caches and the allocator */
    for (int r = 0; r < runs; r++) {
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
        one_pass(B, m);
        cpu[r] = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[r] = now(CLOCK_MONOTONIC) - w0;
    }
    double mw = median(wall, (size_t)runs), mc = median(cpu, (size_t)runs);
    double mb = (double)B->c->bytes / 1e6, files = (double)B->c->n;
    printf("%-12s %9.1f MB/s wall %9.1f MB/s cpu %9.2f ms/pass %9.1f files/s "
           "wall %9.1f files/s cpu (median of %d)",
           mode_names[m], mb / mw, mb / mc, mw * 1e3, files / mw, files / mc,
           runs);
    if ((m == SCAN || m == SCAN_BRUTE || m == EXTRACT) && B->failed)
        printf(" [%zu of %zu files failed]", B->failed, B->c->n);
    putchar('\n');
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int runs = 7;
    const char *only = NULL;
    int check = 1;
    corpus c = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--no-check") == 0)
            check = 0;
        else
            add_tree(&c, argv[i]);
    }
    if (!c.n || runs < 1)
        die("usage: kpiscan-bench-engine [--runs N] [--only MODE] "
            "[--no-check] DIR...");

    /* Pack load: parse YAML, compile and JIT-compile every rule, build the
     * prefilter. */
    double loads[21], load_cpu[21];
    kpiscan_pack *pack = NULL;
    for (int i = 0; i < 21; i++) {
        kpiscan_pack_free(pack);
        double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
        if (kpiscan_pack_load_default(&pack, NULL) != KPISCAN_OK)
            die("cannot load the default pack");
        load_cpu[i] = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        loads[i] = now(CLOCK_MONOTONIC) - t0;
    }

    kpiscan_options defaults;
    kps_options_resolve(NULL, &defaults);
    kps_limits lim = defaults.limits;
    size_t decoded = 0, active_total = 0, mismatched = 0, hits_total = 0;
    size_t windowed = 0, candidates = 0, norm_bytes = 0;
    kps_pf_scan st = {0};
    for (size_t i = 0; i < c.n; i++) {
        doc *d = &c.v[i];
        kps_doc kd = {0};
        if (extract_doc(d, &defaults, &kd) != KPISCAN_OK) {
            kps_doc_free(&kd);
            continue;
        }
        d->text = kd.text;
        d->len = kd.len;
        kd.text = NULL;
        kps_doc_free(&kd);
        kps_norm norm;
        if (kps_normalize(d->text, d->len, d->path, &norm, NULL))
            die("out of memory");
        d->norm = norm.text;
        d->norm_len = norm.len;
        norm.text = NULL;
        kps_norm_free(&norm);
        decoded++;
        if (kps_prefilter_scan(pack->prefilter, d->norm, d->norm_len, &st))
            die("out of memory");
        active_total += st.nactive;
        norm_bytes += d->norm_len;
        for (size_t r = 0; r < pack->nrules; r++) {
            const size_t *cand;
            size_t ncand;
            if (st.active[r] &&
                kps_prefilter_candidates(pack->prefilter, &st, r, &cand,
                                         &ncand) > 0) {
                windowed++;
                candidates += ncand;
            }
        }
        if (!check)
            continue;
        kps_hits a = {0}, b = {0};
        kps_match_all(pack, d->norm, d->norm_len, lim.match_limit, d->path, &a,
                      NULL);
        kps_match_all_bruteforce(pack, d->norm, d->norm_len, lim.match_limit,
                                 d->path, &b, NULL);
        hits_total += b.n;
        if (a.n != b.n || (a.n && memcmp(a.v, b.v, a.n * sizeof *a.v) != 0))
            mismatched++;
        kps_hits_free(&a);
        kps_hits_free(&b);
    }
    kps_pf_scan_free(&st);

    printf("documents    %zu (%zu decoded or extracted), %.2f MB\n", c.n,
           decoded, (double)c.bytes / 1e6);
    printf("pack         %zu rules, %zu always run, %zu with a lead; load "
           "%.2f ms wall, %.2f ms cpu (median of 21)\n",
           pack->nrules, kps_prefilter_always_count(pack->prefilter),
           kps_prefilter_lead_count(pack->prefilter), median(loads, 21) * 1e3,
           median(load_cpu, 21) * 1e3);
    printf("selection    %.1f of %zu rules run per document on average; "
           "%.1f of them from candidate starts, %.1f candidates per KB\n",
           decoded ? (double)active_total / (double)decoded : 0.0, pack->nrules,
           decoded ? (double)windowed / (double)decoded : 0.0,
           norm_bytes ? (double)candidates * 1000.0 / (double)norm_bytes : 0.0);
    if (check)
        printf("equivalence  %zu hits brute force; %zu documents differ\n",
               hits_total, mismatched);
    fflush(stdout);

    kpiscan_options *opts = kpiscan_options_new();
    if (!opts || kpiscan_options_set_as_of(opts, 2026, 6, 1) != KPISCAN_OK)
        die("cannot make options");
    bench B = {&c, pack, opts, {0}, lim, 0};
    kps_options_resolve(opts, &B.resolved);
    for (size_t m = 0; m < NMODES; m++)
        if (!only || strcmp(only, mode_names[m]) == 0)
            time_mode(&B, (enum mode)m, runs);

    kpiscan_options_free(opts);
    kpiscan_pack_free(pack);
    for (size_t i = 0; i < c.n; i++) {
        free(c.v[i].path);
        free(c.v[i].raw);
        free(c.v[i].text);
        free(c.v[i].norm);
    }
    free(c.v);
    return mismatched ? 1 : 0;
}
