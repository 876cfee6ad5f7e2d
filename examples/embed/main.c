/* main.c - a small resume-ingestion service built on libkpiscan.
 *
 * usage: kpiscan-embed [-j THREADS] [--as-of YYYY-MM-DD] FILE...
 *
 * The pattern an applicant-tracking system follows when it embeds the
 * library: one pack compiled at start-up and shared by every thread; one
 * options object set up before the threads start and only read after;
 * one error object per thread.  Each document is read into memory, as an
 * upload arrives, and scanned from there.  Every scanned document gives
 * one JSON line on standard output (JSONL), in input order, written as
 * soon as every earlier document is done.  A document that fails, whether
 * the library refuses it (binary, damaged, too large) or it cannot even be
 * read, gives an error record as its line (kpiscan_error_to_json), so
 * there is exactly one line per input, as in a kpiscan batch; the reason
 * goes to standard error too.
 *
 * Exit status: 0 every document scanned; 1 some document failed (the rest
 * are still reported); 2 usage error or the pack failed to load.
 *
 * Build against an installed libkpiscan with pkg-config alone, and run:
 *   cc -O2 -pthread main.c $(pkg-config --cflags --libs libkpiscan) \
 *       -o kpiscan-embed
 *   (or: make; PKG_CONFIG_PATH=... for a library under another prefix)
 *   ./kpiscan-embed -j 4 --as-of 2026-06-01 ../mid-1.txt ../senior-1.txt
 * The test suite builds and runs it so from a temporary install
 * (tests/consumer/run.sh); docs/embedding.md walks through the code.
 * (No README here: a walk of examples/ would score it as a resume.)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kpiscan.h>

#define MAX_THREADS 64
#define MAX_DOCUMENT_BYTES ((size_t)8 << 20)

typedef struct job {
    const char *path;
    char *json_line; /* NULL only when out of memory */
    int failed;
    int done;
} job;

typedef struct service {
    const kpiscan_pack *pack;    /* shared, read-only */
    const kpiscan_options *opts; /* shared, read-only once threads run */
    job *jobs;
    size_t njobs;
    pthread_mutex_t lock; /* guards everything below and stdout */
    size_t next_job;
    size_t next_output;
    size_t failures;
} service;

typedef struct worker {
    pthread_t thread;
    service *svc;
    kpiscan_error *err; /* this thread's own */
} worker;

/* Read a whole file into memory: the stand-in for an upload.  Reading
 * stops once the file is known to be past the size limit; the library
 * then refuses it with a message that names the limit. */
static int read_document(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > MAX_DOCUMENT_BYTES)
                break;
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf || ferror(f)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    *data = buf;
    *len = n;
    return 0;
}

static void scan_job(const service *svc, job *j, kpiscan_error *err)
{
    char *data = NULL;
    size_t len = 0;
    kpiscan_result *res = NULL;
    int rc;
    if (read_document(j->path, &data, &len) == 0) {
        rc = kpiscan_scan_buffer(svc->pack, svc->opts, data, len, j->path, &res,
                                 err);
        free(data); /* the result keeps what it needs */
    } else {
        /* Unreadable: let the library open it, so err says why
         * (KPISCAN_ERR_IO, "cannot open: ...") and the error record below
         * carries it: only a failing call fills a kpiscan_error. */
        rc = kpiscan_scan_file(svc->pack, svc->opts, j->path, &res, err);
    }
    if (rc == KPISCAN_OK) {
        j->json_line = kpiscan_result_to_json(res, svc->opts, 0);
    } else {
        j->failed = 1;
        fprintf(stderr, "kpiscan-embed: %s\n", kpiscan_error_message(err));
        j->json_line = kpiscan_error_to_json(j->path, err, 0);
    }
    kpiscan_result_free(res);
}

/* Write every finished line that no unfinished one precedes.  Called with
 * the lock held, so lines never interleave. */
static void write_ready_lines(service *svc)
{
    while (svc->next_output < svc->njobs && svc->jobs[svc->next_output].done) {
        job *j = &svc->jobs[svc->next_output++];
        if (j->json_line) {
            fputs(j->json_line, stdout);
            fputc('\n', stdout);
            kpiscan_free(j->json_line);
            j->json_line = NULL;
        }
        if (j->failed)
            svc->failures++;
    }
    fflush(stdout);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    service *svc = w->svc;
    for (;;) {
        pthread_mutex_lock(&svc->lock);
        size_t i = svc->next_job < svc->njobs ? svc->next_job++ : svc->njobs;
        pthread_mutex_unlock(&svc->lock);
        if (i == svc->njobs)
            return NULL;
        scan_job(svc, &svc->jobs[i], w->err); /* runs in parallel */
        pthread_mutex_lock(&svc->lock);
        svc->jobs[i].done = 1;
        write_ready_lines(svc);
        pthread_mutex_unlock(&svc->lock);
    }
}

static int usage(void)
{
    fputs("usage: kpiscan-embed [-j THREADS] [--as-of YYYY-MM-DD] FILE...\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int threads = 4, y, m, d, argi = 1;
    kpiscan_options *opts = kpiscan_options_new();
    if (!opts)
        return 2;
    /* A service bounds what one upload may cost; the library enforces it. */
    kpiscan_options_set_max_input_bytes(opts, MAX_DOCUMENT_BYTES);
    kpiscan_options_set_max_text_bytes(opts, (size_t)2 << 20);
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "-j") == 0 && argi + 1 < argc) {
            threads = atoi(argv[++argi]);
            if (threads < 1 || threads > MAX_THREADS)
                return usage();
        } else if (strcmp(argv[argi], "--as-of") == 0 && argi + 1 < argc &&
                   sscanf(argv[argi + 1], "%d-%d-%d", &y, &m, &d) == 3 &&
                   kpiscan_options_set_as_of(opts, y, m, d) == KPISCAN_OK) {
            argi++;
        } else {
            kpiscan_options_free(opts);
            return usage();
        }
    }
    if (argi == argc) {
        kpiscan_options_free(opts);
        return usage();
    }

    /* Compile the pack once; from here on it is shared read-only. */
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    if (kpiscan_pack_load_default(&pack, err) != KPISCAN_OK) {
        fprintf(stderr, "kpiscan-embed: %s\n",
                err ? kpiscan_error_message(err) : "out of memory");
        kpiscan_error_free(err);
        kpiscan_options_free(opts);
        return 2;
    }
    kpiscan_error_free(err);

    service svc = {.pack = pack, .opts = opts, .njobs = (size_t)(argc - argi)};
    svc.jobs = calloc(svc.njobs, sizeof *svc.jobs);
    worker workers[MAX_THREADS];
    int started = 0, status = 2;
    if (!svc.jobs || pthread_mutex_init(&svc.lock, NULL) != 0)
        goto out;
    for (size_t i = 0; i < svc.njobs; i++)
        svc.jobs[i].path = argv[argi + (int)i];
    for (; started < threads; started++) {
        worker *w = &workers[started];
        w->svc = &svc;
        w->err = kpiscan_error_new();
        if (!w->err || pthread_create(&w->thread, NULL, worker_main, w)) {
            kpiscan_error_free(w->err);
            break;
        }
    }
    for (int t = 0; t < started; t++) {
        pthread_join(workers[t].thread, NULL);
        kpiscan_error_free(workers[t].err);
    }
    if (started > 0) {
        fprintf(stderr,
                "kpiscan-embed: %zu documents, %zu failed, %d threads\n",
                svc.njobs, svc.failures, started);
        status = svc.failures ? 1 : 0;
    }
    pthread_mutex_destroy(&svc.lock);
out:
    free(svc.jobs);
    kpiscan_pack_free(pack);
    kpiscan_options_free(opts);
    return status;
}
