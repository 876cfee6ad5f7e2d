/* soak.c - a long-running process: scan many documents with one shared
 * pack and check that memory stays flat.
 *
 * usage: soak EXAMPLES_DIR [DOCUMENTS] [THREADS]
 *
 * An ATS keeps one process up for weeks; a leak of a few bytes per scan,
 * or a cache that never stops growing, takes it down eventually.  This
 * test cycles the example resumes (the .txt files of examples/, and the
 * .docx files of examples/docx/ where they exist and the library reads
 * them) from memory through
 * kpiscan_scan_buffer() on THREADS threads, DOCUMENTS scans in all (default
 * 100,000), in rounds.  After the first round (the warm-up: allocator
 * arenas, page cache, lazily grown buffers) the resident set size and the
 * bytes malloc has in use must stay within a small bound to the end, and
 * every scan of a document must give the same level and evidence count as
 * the first, so no state leaks from one scan into the next.
 *
 * Exit status: 0 pass, 1 fail, 77 skip (no example documents). */
#define _DEFAULT_SOURCE /* mallinfo2 */
#include <dirent.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kpiscan.h>

#define MAX_DOCUMENTS 256
#define ROUNDS 10
#define MAX_THREADS 16
/* Growth allowed after the warm-up round.  A leak of even 32 bytes per
 * scan would add about 3 MiB over 90,000 scans: above both bounds. */
#define RSS_GROWTH_BOUND ((long)2 << 20)
#define HEAP_GROWTH_BOUND ((long)256 << 10)

typedef struct document {
    char *path;
    char *data;
    size_t len;
    int level;       /* from the first scan */
    size_t evidence; /* from the first scan */
} document;

typedef struct soak {
    const kpiscan_pack *pack;
    const kpiscan_options *opts;
    document docs[MAX_DOCUMENTS];
    size_t ndocs;
    size_t scans_per_thread;
    size_t first_scan; /* of the current round, for cycling */
    pthread_mutex_t lock;
    size_t mismatches;
    char first_problem[512];
} soak;

typedef struct thread_arg {
    soak *s;
    size_t offset; /* index of this thread's first scan */
} thread_arg;

static long rss_bytes(void)
{
    long pages_total = 0, pages_resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2)
        pages_resident = -1;
    fclose(f);
    return pages_resident < 0 ? -1 : pages_resident * sysconf(_SC_PAGESIZE);
}

static long heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)(mi.uordblks + mi.hblkhd);
}

static int load_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Paths in dir ending in suffix, sorted, appended to names. */
static size_t list_dir(const char *dir, const char *suffix, char **names,
                       size_t n, size_t max)
{
    DIR *d = opendir(dir);
    if (!d)
        return n;
    size_t first = n;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name), slen = strlen(suffix);
        if (e->d_name[0] == '.' || len <= slen ||
            strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        size_t need = strlen(dir) + len + 2;
        names[n] = malloc(need);
        if (!names[n])
            break;
        snprintf(names[n++], need, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names + first, n - first, sizeof *names, by_name);
    return n;
}

/* Load every candidate and scan it once; keep what the library reads.  A
 * DOCX the library refuses (built without DOCX, or still in progress) is
 * left out with a note; a text example must scan. */
static int load_documents(soak *s, const char *examples, kpiscan_error *err)
{
    char *names[MAX_DOCUMENTS];
    char sub[4096];
    size_t n = list_dir(examples, ".txt", names, 0, MAX_DOCUMENTS);
    size_t ntext = n;
    snprintf(sub, sizeof sub, "%s/docx", examples);
    n = list_dir(sub, ".docx", names, n, MAX_DOCUMENTS);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        document *doc = &s->docs[s->ndocs];
        kpiscan_result *res = NULL;
        doc->path = names[i];
        if (load_file(doc->path, &doc->data, &doc->len) != 0) {
            fprintf(stderr, "soak: cannot read %s\n", doc->path);
            rc = -1;
        } else if (kpiscan_scan_buffer(s->pack, s->opts, doc->data, doc->len,
                                       doc->path, &res, err) != KPISCAN_OK) {
            printf("soak: %s %s: %s\n", i < ntext ? "FAIL" : "leaving out",
                   doc->path, kpiscan_error_message(err));
            if (i < ntext)
                rc = -1;
        } else {
            doc->level = kpiscan_result_level(res);
            doc->evidence = kpiscan_result_evidence_count(res);
            s->ndocs++;
            printf("soak: %-40s %-6s %zu evidence items\n", doc->path,
                   kpiscan_level_name(doc->level), doc->evidence);
            kpiscan_result_free(res);
            continue;
        }
        free(doc->data);
        free(doc->path);
        doc->data = doc->path = NULL;
    }
    return rc;
}

static void *scan_share(void *arg)
{
    thread_arg *t = arg;
    soak *s = t->s;
    kpiscan_error *err = kpiscan_error_new();
    for (size_t k = 0; k < s->scans_per_thread; k++) {
        size_t scan = s->first_scan + t->offset + k;
        const document *doc = &s->docs[scan % s->ndocs];
        kpiscan_result *res = NULL;
        int rc = kpiscan_scan_buffer(s->pack, s->opts, doc->data, doc->len,
                                     doc->path, &res, err);
        int same = rc == KPISCAN_OK &&
                   kpiscan_result_level(res) == doc->level &&
                   kpiscan_result_evidence_count(res) == doc->evidence;
        if (!same) {
            pthread_mutex_lock(&s->lock);
            if (!s->mismatches++)
                snprintf(s->first_problem, sizeof s->first_problem,
                         "scan %zu of %s: %s", scan, doc->path,
                         rc ? kpiscan_error_message(err)
                            : "level or evidence count changed");
            pthread_mutex_unlock(&s->lock);
        }
        kpiscan_result_free(res);
    }
    kpiscan_error_free(err);
    return NULL;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fputs("usage: soak EXAMPLES_DIR [DOCUMENTS] [THREADS]\n", stderr);
        return 1;
    }
    size_t total = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t threads = argc > 3 ? strtoul(argv[3], NULL, 10) : 2;
    if (total < ROUNDS || threads < 1 || threads > MAX_THREADS) {
        fputs("soak: invalid DOCUMENTS or THREADS\n", stderr);
        return 1;
    }

    static soak s;
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_options *opts = kpiscan_options_new();
    kpiscan_pack *pack = NULL;
    if (!err || !opts || kpiscan_options_set_as_of(opts, 2026, 6, 1) ||
        kpiscan_pack_load_default(&pack, err) != KPISCAN_OK) {
        fprintf(stderr, "soak: setup failed: %s\n",
                err ? kpiscan_error_message(err) : "out of memory");
        return 1;
    }
    s.pack = pack;
    s.opts = opts;
    pthread_mutex_init(&s.lock, NULL);
    int status = 0;
    if (load_documents(&s, argv[1], err) != 0)
        status = 1;
    if (s.ndocs == 0) {
        puts("soak: no example documents: skip");
        return status ? 1 : 77;
    }

    size_t per_round = total / ROUNDS;
    s.scans_per_thread = per_round / threads;
    per_round = s.scans_per_thread * threads;
    long rss_warm = 0, heap_warm = 0, rss_max = 0, heap_max = 0;
    double started = seconds_now();
    printf("soak: %zu documents, %d rounds of %zu scans on %zu threads\n",
           s.ndocs, ROUNDS, per_round, threads);
    printf("soak: before    RSS %7.2f MiB  heap in use %8.1f KiB\n",
           rss_bytes() / 1048576.0, heap_in_use() / 1024.0);
    for (int round = 0; round < ROUNDS && !status; round++) {
        pthread_t tid[MAX_THREADS];
        thread_arg args[MAX_THREADS];
        s.first_scan = (size_t)round * per_round;
        size_t started_threads = 0;
        for (; started_threads < threads; started_threads++) {
            args[started_threads] =
                (thread_arg){&s, started_threads * s.scans_per_thread};
            if (pthread_create(&tid[started_threads], NULL, scan_share,
                               &args[started_threads]))
                break;
        }
        for (size_t t = 0; t < started_threads; t++)
            pthread_join(tid[t], NULL);
        if (started_threads < threads) {
            fputs("soak: cannot start threads\n", stderr);
            status = 1;
        }
        long rss = rss_bytes(), heap = heap_in_use();
        printf("soak: %7zu scans  RSS %7.2f MiB  heap in use %8.1f KiB\n",
               (size_t)(round + 1) * per_round, rss / 1048576.0, heap / 1024.0);
        fflush(stdout);
        if (round == 0) {
            rss_warm = rss;
            heap_warm = heap;
        }
        rss_max = rss > rss_max ? rss : rss_max;
        heap_max = heap > heap_max ? heap : heap_max;
    }
    double elapsed = seconds_now() - started;
    printf("soak: %.1f s, %.0f scans/s\n", elapsed,
           (double)per_round * ROUNDS / elapsed);

    if (s.mismatches) {
        printf("FAIL %zu scans differed from the first scan; first: %s\n",
               s.mismatches, s.first_problem);
        status = 1;
    }
    if (rss_warm < 0 || rss_max - rss_warm > RSS_GROWTH_BOUND) {
        printf("FAIL resident set grew %.2f MiB after warm-up (bound %.2f)\n",
               (rss_max - rss_warm) / 1048576.0, RSS_GROWTH_BOUND / 1048576.0);
        status = 1;
    }
    if (heap_max - heap_warm > HEAP_GROWTH_BOUND) {
        printf("FAIL heap in use grew %.1f KiB after warm-up (bound %.1f)\n",
               (heap_max - heap_warm) / 1024.0, HEAP_GROWTH_BOUND / 1024.0);
        status = 1;
    }
    if (!status)
        printf("ok   RSS growth after warm-up %.2f MiB, heap growth %.1f KiB\n",
               (rss_max - rss_warm) / 1048576.0,
               (heap_max - heap_warm) / 1024.0);

    for (size_t i = 0; i < s.ndocs; i++) {
        free(s.docs[i].data);
        free(s.docs[i].path);
    }
    kpiscan_pack_free(pack);
    kpiscan_options_free(opts);
    kpiscan_error_free(err);
    return status;
}
