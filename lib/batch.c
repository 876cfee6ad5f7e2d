/* batch.c - scan many inputs on a worker pool, one record per input.
 *
 * Inputs go into a ring of WINDOW slots.  Workers take them in order,
 * scan, and mark them done; records are delivered from the ring, in input
 * order (the default) or as they finish.  A producer waits while the ring
 * is full, so memory does not grow with the number of inputs.  The record
 * callback runs under the batch lock: output is serialised for free. */
#define _DEFAULT_SOURCE /* fts */
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "base/io.h"
#include "base/util.h"
#include "base/options.h"
#include "base/sha256.h"
#include "output/jsonw.h"
#include "match/pack.h"
#include "estimate/result.h"
#include "batch.h"

enum slot_state { SLOT_EMPTY = 0, SLOT_QUEUED, SLOT_RUNNING, SLOT_DONE };

enum input_kind {
    INPUT_PATH_EXPLICIT, /* named by the caller: never skipped */
    INPUT_PATH_WALKED,   /* found in a directory walk */
    INPUT_BUFFER,        /* bytes given by the caller */
    INPUT_PRESET         /* outcome known when queued (skip or error) */
};

typedef struct slot {
    enum slot_state state;
    enum input_kind kind;
    unsigned char *data;
    size_t len;
    kpiscan_record rec;
} slot;

struct kpiscan_batch {
    const kpiscan_pack *pack;
    const kpiscan_options *opts;
    kpiscan_options resolved;
    unsigned flags;
    kpiscan_record_fn fn;
    void *user;

    pthread_mutex_t mu;
    pthread_cond_t work;  /* an input was queued, or closing */
    pthread_cond_t space; /* a slot was freed */
    pthread_t *threads;
    unsigned nthreads;

    slot *ring;
    size_t window;
    size_t next_seq;  /* sequence number of the next input queued */
    size_t next_take; /* next input a worker takes */
    size_t next_emit; /* next record delivered (ordered mode) */
    size_t nfree;     /* empty slots */
    int closing;
    int finished;

    /* Sorted delivery (kpiscan_batch_set_sort): records are held here
     * until finish, then handed to the callback in order.  held_failed:
     * a record could not be held (out of memory) and went out at once. */
    int sort;
    kpiscan_record *held;
    size_t nheld, capheld;
    int held_failed;

    /* Atomic, so kpiscan_batch_count() needs no lock and may be called
     * from the record callback, which runs with the lock held. */
    atomic_size_t counts[KPISCAN_COUNT_BYTES + 1];

    /* kpiscan_batch_set_shard: keep inputs of shard (0-based) of nshards;
     * nshards 0 keeps every input. */
    unsigned shard, nshards;

    /* KPISCAN_BATCH_UNIQUE: the (device, inode) of every file queued so
     * far, an open-addressed set (zero slots are free: no regular file has
     * inode 0).  Touched only by the adding thread. */
    struct file_id {
        dev_t dev;
        ino_t ino;
    } * seen;
    size_t seen_cap, seen_n;

    /* kpiscan_batch_skip_file: files walks pass over, with the status and
     * reason of their skipped records.  A handful at most (a gate's
     * manifests), so a list.  Touched only by the adding thread. */
    struct pass_over {
        struct file_id id;
        int status;
        char *reason;
    } * pass;
    size_t npass;
};

static slot *slot_of(kpiscan_batch *b, size_t seq)
{
    return &b->ring[seq % b->window];
}

/* The batch whose record callback this thread is running, if any.
 * Records are delivered with the batch's lock held (deliver()), so an add,
 * a setter or finish called from the callback would wait for that lock,
 * held by its own thread, forever: such calls are refused instead.  Saved
 * and restored around the callback, so a callback that feeds another
 * batch, whose records come back on this thread, is still allowed. */
static _Thread_local const kpiscan_batch *delivering;

static void call_back(kpiscan_batch *b, const kpiscan_record *rec)
{
    if (!b->fn)
        return;
    const kpiscan_batch *outer = delivering;
    delivering = b;
    b->fn(rec, b->user);
    delivering = outer;
}

/* KPISCAN_ERR_ARGUMENT when called from b's own record callback. */
static int from_callback(const kpiscan_batch *b, const char *name,
                         const char *call, kpiscan_error *err)
{
    if (!b || delivering != b)
        return KPISCAN_OK;
    return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                    "%s() called from the batch's own record callback (it "
                    "would wait for itself forever)",
                    call);
}

static void record_clear(kpiscan_record *rec)
{
    free(rec->name);
    free(rec->json);
    kpiscan_result_free(rec->result);
    memset(rec, 0, sizeof *rec);
}

/* Keep a record for sorted delivery; 0 when out of memory (the record is
 * then delivered at once, and finish reports it). */
static int hold(kpiscan_batch *b, const kpiscan_record *rec)
{
    if (b->nheld == b->capheld) {
        size_t cap = b->capheld ? b->capheld * 2 : 64;
        kpiscan_record *p = realloc(b->held, cap * sizeof *p);
        if (!p) {
            b->held_failed = 1;
            return 0;
        }
        b->held = p;
        b->capheld = cap;
    }
    b->held[b->nheld++] = *rec;
    return 1;
}

/* Called with the lock held. */
static void deliver(kpiscan_batch *b, slot *s)
{
    kpiscan_record *rec = &s->rec;
    if (rec->skipped) {
        atomic_fetch_add(&b->counts[KPISCAN_COUNT_SKIPPED], 1);
    } else if (rec->status != KPISCAN_OK) {
        atomic_fetch_add(&b->counts[KPISCAN_COUNT_ERRORS], 1);
    } else {
        atomic_fetch_add(&b->counts[KPISCAN_COUNT_SCANNED], 1);
        atomic_fetch_add(&b->counts[KPISCAN_COUNT_NONE + rec->result->level],
                         1);
        if (rec->result->nhidden)
            atomic_fetch_add(&b->counts[KPISCAN_COUNT_HIDDEN_TEXT], 1);
        atomic_fetch_add(&b->counts[KPISCAN_COUNT_BYTES], rec->bytes);
    }
    atomic_fetch_add(&b->counts[KPISCAN_COUNT_DELIVERED], 1);
    if (b->sort != KPISCAN_SORT_INPUT && !rec->skipped && hold(b, rec)) {
        memset(rec, 0, sizeof *rec); /* the held copy owns it now */
    } else {
        call_back(b, rec);
        record_clear(rec);
    }
    free(s->data);
    s->data = NULL;
    s->state = SLOT_EMPTY;
    /* Wake a waiting producer only once half the ring is free: it then
     * queues a run of inputs in one go, instead of waking (and switching
     * threads twice) for every record. */
    if (++b->nfree >= (b->window + 1) / 2)
        pthread_cond_broadcast(&b->space);
}

/* Read fd to its end within the input limit: reading stops at the first
 * byte past it, so a stream of any size costs at most the limit. */
static int read_fd(int fd, const char *path, size_t limit, unsigned char **data,
                   size_t *len, kpiscan_error *err)
{
    kps_buf buf = {0};
    int rc = kps_read_fd(fd, path, 0, limit, "input", &buf, err);
    if (rc)
        return rc;
    *data = (unsigned char *)buf.data;
    *len = buf.len;
    return KPISCAN_OK;
}

/* How long a FIFO named as an input may stay silent: no writer yet, or
 * one that holds it open without writing.  Records are delivered in input
 * order, so a FIFO nobody writes to would hold back every record after it
 * for good.  A program feeding a FIFO it named on the command line starts
 * writing within seconds; 30 s leaves room for a slow one (a converter
 * starting up on a loaded machine) and still ends a forgotten one. */
#define FIFO_IDLE_TIMEOUT_MS 30000u

/* The tests' hook (kps_batch_set_fifo_idle_ms()); atomic because workers
 * read it while a test sets it. */
static atomic_uint fifo_idle_ms = FIFO_IDLE_TIMEOUT_MS;

void kps_batch_set_fifo_idle_ms(unsigned ms)
{
    atomic_store(&fifo_idle_ms, ms ? ms : FIFO_IDLE_TIMEOUT_MS);
}

/* Whether fd is an anonymous pipe ("<(cmd)", /dev/stdin fed by a pipe),
 * as Linux names it in /proc ("pipe:[1234]"); a named FIFO is named by its
 * path there.  Without /proc, no. */
static int anonymous_pipe(int fd)
{
    char proc[64], link[16];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(proc, link, sizeof link);
    return n >= 5 && memcmp(link, "pipe:", 5) == 0;
}

/* A FIFO named explicitly, read to its end like standard input, except
 * that it may never get a writer: O_NONBLOCK so the open returns at once
 * (a blocking open waits for a writer, for ever if none comes), and a
 * bounded wait for each read.  An anonymous pipe always has its writer
 * (it was made with one), so it is read as standard input is, however
 * slow its writer ("kpiscan <(ocr-tool big.pdf)"). */
static int read_stream(const char *path, size_t limit, unsigned char **data,
                       size_t *len, kpiscan_error *err)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return kps_fail(err, KPISCAN_ERR_IO, path, "cannot open: %s",
                        strerror(errno));
    kps_buf buf = {0};
    int rc;
    if (anonymous_pipe(fd) &&
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0)
        rc = kps_read_fd(fd, path, 0, limit, "input", &buf, err);
    else
        rc = kps_read_fifo(fd, path, limit, atomic_load(&fifo_idle_ms), &buf,
                           err);
    close(fd);
    if (rc)
        return rc;
    *data = (unsigned char *)buf.data;
    *len = buf.len;
    return KPISCAN_OK;
}

static void hash_bytes(const void *data, size_t len, char out[65])
{
    kps_sha256 h;
    kps_sha256_init(&h);
    kps_sha256_update(&h, data, len);
    kps_sha256_hex(&h, out);
}

static void scan_one(kpiscan_batch *b, slot *s);

/* The scan, then the input's digest (when asked) copied into the result,
 * so its JSON carries it like the error JSON does. */
static void process(kpiscan_batch *b, slot *s)
{
    kpiscan_record *rec = &s->rec;
    scan_one(b, s);
    if (rec->skipped)
        rec->sha256[0] = '\0';
    if (rec->result && rec->sha256[0])
        memcpy(rec->result->input_sha256, rec->sha256, sizeof rec->sha256);
}

static void scan_one(kpiscan_batch *b, slot *s)
{
    kpiscan_record *rec = &s->rec;
    kpiscan_error *err = &rec->error;
    /* Where the digest goes, or NULL when not asked for. */
    char *sha = b->resolved.sha256 ? rec->sha256 : NULL;
    switch (s->kind) {
    case INPUT_PRESET: return;
    case INPUT_BUFFER:
        rec->bytes = s->len;
        if (sha)
            hash_bytes(s->data, s->len, sha);
        rec->status = kpiscan_scan_buffer(b->pack, b->opts, s->data, s->len,
                                          rec->name, &rec->result, err);
        return;
    case INPUT_PATH_EXPLICIT: {
        struct stat st;
        int have_st = stat(rec->name, &st) == 0; /* st is unset if not */
        if (have_st && S_ISFIFO(st.st_mode)) {
            unsigned char *data = NULL;
            size_t len = 0;
            rec->status =
                read_stream(rec->name, b->resolved.limits.max_input_bytes,
                            &data, &len, err);
            if (!rec->status) {
                rec->bytes = len;
                if (sha)
                    hash_bytes(data, len, sha);
                rec->status = kpiscan_scan_buffer(b->pack, b->opts, data, len,
                                                  rec->name, &rec->result, err);
            }
            free(data);
            return;
        }
        if (rec->status == KPISCAN_OK)
            rec->bytes =
                have_st && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
        rec->status = kps_scan_file_sha256(b->pack, b->opts, rec->name,
                                           &rec->result, err, sha);
        return;
    }
    case INPUT_PATH_WALKED:
        rec->status = kps_scan_file_sha256(b->pack, b->opts, rec->name,
                                           &rec->result, err, sha);
        if ((rec->status == KPISCAN_ERR_NOT_TEXT ||
             (rec->status == KPISCAN_ERR_UNSUPPORTED_FORMAT &&
              err->not_document)) &&
            !kps_named_as_document(rec->name)) {
            /* Whether a file's name says "resume" decides.  A walk meets
             * images, binaries and archives (.zip, .jar, .xlsx) beside resumes:
             * they are not documents, so they are skipped, not errors.  A
             * damaged CV named .docx, .odt, .pdf, .rtf, .txt or .html stays an
             * error: it was meant to be read (a stray NUL byte in a text resume
             * must not make it vanish from the batch). */
            rec->skipped = 1;
        } else {
            /* The file's size, as for a path named explicitly: an error
             * record's bytes were read too (its SHA-256 says so). */
            rec->bytes = rec->status == KPISCAN_OK ? rec->result->len : 0;
            struct stat st;
            if (stat(rec->name, &st) == 0 && S_ISREG(st.st_mode))
                rec->bytes = (size_t)st.st_size;
        }
        return;
    }
}

static void *worker(void *arg)
{
    kpiscan_batch *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->next_take == b->next_seq && !b->closing)
            pthread_cond_wait(&b->work, &b->mu);
        if (b->next_take == b->next_seq)
            break; /* closing and nothing left */
        slot *s = slot_of(b, b->next_take++);
        s->state = SLOT_RUNNING;
        pthread_mutex_unlock(&b->mu);

        process(b, s);
        /* Serialised here, in parallel, rather than by the record callback
         * under the delivery lock, where it would run one at a time. */
        if ((b->flags & KPISCAN_BATCH_RENDER_JSON) && !s->rec.skipped)
            s->rec.json = kpiscan_record_to_json(
                &s->rec, b->opts,
                (b->flags & KPISCAN_BATCH_RENDER_PRETTY) ? KPISCAN_JSON_PRETTY
                                                         : 0);

        pthread_mutex_lock(&b->mu);
        s->state = SLOT_DONE;
        if (b->flags & KPISCAN_BATCH_UNORDERED) {
            deliver(b, s);
        } else {
            while (b->next_emit < b->next_seq &&
                   slot_of(b, b->next_emit)->state == SLOT_DONE)
                deliver(b, slot_of(b, b->next_emit++));
        }
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int kpiscan_batch_new(const kpiscan_pack *pack, const kpiscan_options *opts,
                      unsigned jobs, unsigned flags, kpiscan_record_fn fn,
                      void *user, kpiscan_batch **out, kpiscan_error *err)
{
    if (!out || !pack)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "batch needs a pack and an output pointer");
    *out = NULL;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (unsigned)n : 1;
    }
    /* past a few hundred threads a scan waits on memory, not CPUs; the
     * header promises this cap */
    if (jobs > 256)
        jobs = 256;
    kpiscan_batch *b = calloc(1, sizeof *b);
    if (!b)
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    b->pack = pack;
    b->opts = opts;
    kps_options_resolve(opts, &b->resolved);
    b->flags = flags;
    b->fn = fn;
    b->user = user;
    /* A few inputs per worker keep every core busy while a slow file
     * holds up ordered delivery; more would only hold memory. */
    b->window = (size_t)jobs * 4 + 4;
    b->ring = calloc(b->window, sizeof *b->ring);
    b->nfree = b->window;
    b->threads = calloc(jobs, sizeof *b->threads);
    if (!b->ring || !b->threads) {
        free(b->ring);
        free(b->threads);
        free(b);
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->work, NULL);
    pthread_cond_init(&b->space, NULL);
    for (unsigned i = 0; i < jobs; i++) {
        if (pthread_create(&b->threads[i], NULL, worker, b) != 0)
            break;
        b->nthreads++;
    }
    if (b->nthreads == 0) {
        kpiscan_batch_free(b);
        return kps_fail(err, KPISCAN_ERR_INTERNAL, NULL,
                        "cannot start worker threads");
    }
    *out = b;
    return KPISCAN_OK;
}

/* Take the next free slot (waiting for one), fill it, and wake a worker.
 * name is copied; data ownership passes to the batch. */
static int enqueue(kpiscan_batch *b, enum input_kind kind, const char *name,
                   unsigned char *data, size_t len, const kpiscan_error *preset,
                   int skipped, kpiscan_error *err)
{
    /* Another shard's input: dropped before it takes a slot. */
    if (b->nshards && kpiscan_shard_of(name, b->nshards) != b->shard + 1) {
        free(data);
        return KPISCAN_OK;
    }
    char *copy = kps_strdup(name);
    if (!copy) {
        free(data);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    pthread_mutex_lock(&b->mu);
    if (b->closing) {
        pthread_mutex_unlock(&b->mu);
        free(copy);
        free(data);
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "batch already finished");
    }
    while (slot_of(b, b->next_seq)->state != SLOT_EMPTY)
        pthread_cond_wait(&b->space, &b->mu);
    b->nfree--;
    slot *s = slot_of(b, b->next_seq);
    memset(s, 0, sizeof *s);
    s->state = SLOT_QUEUED;
    s->kind = kind;
    s->data = data;
    s->len = len;
    s->rec.index = b->next_seq;
    s->rec.name = copy;
    s->rec.pack = b->pack;
    if (preset) {
        s->rec.error = *preset;
        s->rec.status = preset->status ? preset->status : KPISCAN_ERR_INTERNAL;
        s->rec.skipped = skipped;
    }
    b->next_seq++;
    atomic_fetch_add(&b->counts[KPISCAN_COUNT_QUEUED], 1);
    pthread_cond_signal(&b->work);
    pthread_mutex_unlock(&b->mu);
    return KPISCAN_OK;
}

static int enqueue_preset(kpiscan_batch *b, const char *name, int status,
                          int skipped, const char *reason, kpiscan_error *err)
{
    kpiscan_error e;
    memset(&e, 0, sizeof e);
    kps_fail(&e, status, name, "%s", reason);
    return enqueue(b, INPUT_PRESET, name, NULL, 0, &e, skipped, err);
}

/* KPISCAN_BATCH_UNIQUE: 1 when the file st names was queued before
 * (then it is not queued again), 0 when it is new (now remembered), or
 * a status on failure.  Identity, not the path, decides, so "a/../b.txt",
 * "./b.txt" and a hard link are the same file. */
static int seen_before(kpiscan_batch *b, const struct stat *st,
                       const char *name, kpiscan_error *err)
{
    if (!(b->flags & KPISCAN_BATCH_UNIQUE) || !S_ISREG(st->st_mode) ||
        st->st_ino == 0)
        return 0;
    if ((b->seen_n + 1) * 2 > b->seen_cap) {
        size_t cap = b->seen_cap ? b->seen_cap * 2 : 64;
        struct file_id *t = calloc(cap, sizeof *t);
        if (!t)
            return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        for (size_t i = 0; i < b->seen_cap; i++) {
            if (!b->seen[i].ino)
                continue;
            size_t h = ((size_t)b->seen[i].ino * 31u + (size_t)b->seen[i].dev) &
                       (cap - 1);
            while (t[h].ino)
                h = (h + 1) & (cap - 1);
            t[h] = b->seen[i];
        }
        free(b->seen);
        b->seen = t;
        b->seen_cap = cap;
    }
    size_t h =
        ((size_t)st->st_ino * 31u + (size_t)st->st_dev) & (b->seen_cap - 1);
    for (; b->seen[h].ino; h = (h + 1) & (b->seen_cap - 1))
        if (b->seen[h].ino == st->st_ino && b->seen[h].dev == st->st_dev)
            return 1;
    b->seen[h].dev = st->st_dev;
    b->seen[h].ino = st->st_ino;
    b->seen_n++;
    return 0;
}

/* The pass-over entry (kpiscan_batch_skip_file) of the file st names,
 * or NULL. */
static const struct pass_over *passed_over(const kpiscan_batch *b,
                                           const struct stat *st)
{
    for (size_t i = 0; i < b->npass; i++)
        if (b->pass[i].id.ino == st->st_ino && b->pass[i].id.dev == st->st_dev)
            return &b->pass[i];
    return NULL;
}

static int is_hidden_name(const char *name)
{
    return name[0] == '.' && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* Whether a file met in a walk is, by its name, source code, a script, a
 * build or configuration file or a table of data: text that reads as a
 * resume without KPI work, and a folder of resumes kept in a repository
 * or beside a tool holds such files (a Makefile, a manifest.tsv).  Names
 * people give resumes stay in: a space in the name ("Anna M.H", "Jane
 * Roe.c"), an extension not written in lower case, a name that starts
 * with "cv" or "resume" (resume.json is the JSON Resume format), and
 * README.md, which is the resume in many resume repositories.  Named
 * explicitly or listed with --files-from, such a file is still scanned. */
static int named_as_not_resume(const char *name)
{
    static const char *const whole[] = {
        "Makefile",    "GNUmakefile",       "makefile",  "CMakeLists.txt",
        "meson.build", "meson_options.txt", "Dockerfile"};
    static const char *const ext[] = {
        "c",    "h",    "cc",   "cpp",  "cxx",  "hpp",  "hh",    "py",
        "js",   "mjs",  "ts",   "java", "go",   "rs",   "rb",    "pl",
        "php",  "sh",   "bash", "zsh",  "ps1",  "bat",  "cmd",   "yml",
        "yaml", "json", "toml", "ini",  "cfg",  "conf", "csv",   "tsv",
        "log",  "lock", "sql",  "css",  "scss", "mk",   "cmake", "gradle"};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (strcmp(name, whole[i]) == 0)
            return 1;
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || strchr(name, ' ') ||
        strncasecmp(name, "cv", 2) == 0 || strncasecmp(name, "resume", 6) == 0)
        return 0;
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (strcmp(dot + 1, ext[i]) == 0)
            return 1;
    return 0;
}

/* Word, Excel and PowerPoint write an owner file "~$<name>" beside a
 * document while it is open (a hundred-odd bytes: the user's name, NULs):
 * a shared folder of CVs holds them whenever someone has one open.
 * LibreOffice's lock files (".~lock.<name>#") are hidden names already. */
static int office_lock_file(const char *name)
{
    return name[0] == '~' && name[1] == '$';
}

/* Why a walk passes over a file by its name alone, or NULL. */
static const char *skipped_by_name(const char *name)
{
    if (office_lock_file(name))
        return "an Office lock file (~$), written while a document is open, "
               "not a resume";
    if (named_as_not_resume(name))
        return "source code, a script, a build or configuration file or a "
               "data table by its name, not a resume";
    return NULL;
}

/* Natural order, as a person lists a folder: 2.txt before 10.txt. */
static int by_name(const FTSENT **a, const FTSENT **b)
{
    return kps_natural_compare((*a)->fts_name, (*b)->fts_name);
}

/* Ask the kernel to start reading a walked file that was just queued.
 * The walk runs up to a ring's worth of inputs ahead of the workers, so
 * on a cold cache the disk works while they scan the files before it
 * (measured in docs/benchmarks.md).  Only a regular file is touched, and
 * only as the worker will touch it anyway; failure is harmless. */
static void read_ahead(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    close(fd);
}

/* Why the symbolic link at path leads nowhere: a loop (ELOOP: "ln -s a a",
 * or links that point at each other) or a missing target.  Asked again
 * because fts reports both as FTS_SLNONE. */
static const char *broken_link_reason(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 && errno == ELOOP)
        return "symbolic link loop (too many levels of symbolic links)";
    return "dangling symbolic link (its target does not exist)";
}

static int contains(const char *s, size_t n, const char *needle)
{
    return kps_find_bytes(s, n, needle, strlen(needle)) != NULL;
}

/* Whether the first bytes of a file are one of kpiscan's own outputs: a
 * report an earlier run left in the folder it scanned ("> kpiscan.txt",
 * "2> kpiscan.err", "--format jsonl > run.jsonl", an HTML report, a JUnit
 * file).  Scored as resumes they became candidates (an HTML report ranked
 * senior).  Each form is one no resume opens with. */
static int looks_like_own_output(const char *head, size_t n)
{
    /* the summary on standard error opens with an empty line */
    while (n > 0 && (*head == '\n' || *head == '\r')) {
        head++;
        n--;
    }
    static const char *const line_starts[] = {
        "kpiscan: ",         /* standard error */
        "kpiscan summary: ", /* text summary */
        /* --format github: the commands it writes (a resume may open
         * with "::" as decoration) */
        "::error ", "::error::", "::warning ", "::notice ",
        "file,status,level,", /* CSV header */
    };
    for (size_t i = 0; i < sizeof line_starts / sizeof *line_starts; i++)
        if (n >= strlen(line_starts[i]) &&
            memcmp(head, line_starts[i], strlen(line_starts[i])) == 0)
            return 1;
    /* text output: "<file>: <level> (confidence 0.87, ..." or
     * "<file>: error: ..." on the first line */
    const char *eol = memchr(head, '\n', n);
    size_t first = eol ? (size_t)(eol - head) : n;
    static const char *const verdicts[] = {
        ": none (confidence ", ": junior (confidence ", ": mid (confidence ",
        ": senior (confidence ", ": error: "};
    for (size_t i = 0; i < sizeof verdicts / sizeof *verdicts; i++)
        if (contains(head, first, verdicts[i]))
            return 1;
    /* JSON and JSONL records open with "schema" (JSON Resume has
     * "$schema" or "basics") */
    size_t i = 0;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' ||
                     head[i] == '\t' || head[i] == '['))
        i++;
    if (i < n && head[i] == '{') {
        i++;
        while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' ||
                         head[i] == '\t'))
            i++;
        if (n - i >= 9 && memcmp(head + i, "\"schema\":", 9) == 0)
            return 1;
    }
    return contains(head, n, "<title>kpiscan report") ||
           contains(head, n, "<testsuite name=\"kpiscan\"");
}

/* looks_like_own_output() on the first KiB of the file at path.  Asked in
 * the walk, before the file counts as seen: a report passed over there
 * is still scanned when it is named as an input too. */
static int own_output_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char head[1024];
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                    ? read(fd, head, sizeof head)
                    : -1;
    close(fd);
    return n > 0 && looks_like_own_output(head, (size_t)n);
}

static int walk(kpiscan_batch *b, const char *root, unsigned walk_flags,
                kpiscan_error *err)
{
    char *paths[] = {(char *)root, NULL};
    /* FTS_COMFOLLOW: the root was named by the caller, so a link to a
     * folder is walked, as "find -H" does; links met inside the walk are
     * followed only with KPISCAN_WALK_FOLLOW. */
    int options =
        FTS_NOCHDIR | FTS_COMFOLLOW |
        ((walk_flags & KPISCAN_WALK_FOLLOW) ? FTS_LOGICAL : FTS_PHYSICAL);
    FTS *fts = fts_open(paths, options, by_name);
    if (!fts)
        return enqueue_preset(b, root, KPISCAN_ERR_IO, 0, strerror(errno), err);
    int rc = KPISCAN_OK;
    FTSENT *e;
    char reason[256];
    while (!rc && (e = fts_read(fts)) != NULL) {
        /* A hidden name (".x") is left out whole, a folder unwalked, but
         * it gets a skipped record like any other file passed over: a
         * folder holding only hidden files must not look like an empty
         * one to whoever reads the counts. */
        if (e->fts_level > 0 && is_hidden_name(e->fts_name) &&
            !(walk_flags & KPISCAN_WALK_HIDDEN) && e->fts_info != FTS_DP) {
            int folder = e->fts_info == FTS_D || e->fts_info == FTS_DNR ||
                         e->fts_info == FTS_DC;
            if (e->fts_info == FTS_D)
                fts_set(fts, e, FTS_SKIP);
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_IO, 1,
                                folder ? "hidden folder, not walked (hidden "
                                         "files are left out)"
                                       : "hidden file, not read (hidden "
                                         "files are left out)",
                                err);
            continue;
        }
        switch (e->fts_info) {
        case FTS_D:
        case FTS_DP: break;
        case FTS_F:
            if (e->fts_statp) {
                const struct pass_over *po = passed_over(b, e->fts_statp);
                if (po) {
                    rc = enqueue_preset(b, e->fts_path, po->status, 1,
                                        po->reason, err);
                    break;
                }
            }
            /* before seen_before(): a file skipped here is not "seen", so
             * the same file named explicitly is still scanned */
            const char *by_name = skipped_by_name(e->fts_name);
            if (by_name) {
                rc = enqueue_preset(b, e->fts_path,
                                    KPISCAN_ERR_UNSUPPORTED_FORMAT, 1, by_name,
                                    err);
                break;
            }
            /* an empty file not named as a resume (a log, a lock, a
             * placeholder) is nothing to read; an empty "cv.docx" still
             * is an error record */
            if (e->fts_statp && e->fts_statp->st_size == 0 &&
                !kps_named_as_document(e->fts_name)) {
                rc =
                    enqueue_preset(b, e->fts_path, KPISCAN_ERR_EMPTY, 1,
                                   "an empty file, not named as a resume", err);
                break;
            }
            if (own_output_file(e->fts_path)) {
                rc = enqueue_preset(b, e->fts_path,
                                    KPISCAN_ERR_UNSUPPORTED_FORMAT, 1,
                                    "kpiscan's own output (a report of an "
                                    "earlier run), not a resume",
                                    err);
                break;
            }
            if (e->fts_statp) {
                rc = seen_before(b, e->fts_statp, e->fts_path, err);
                if (rc == 1) {
                    rc = KPISCAN_OK;
                    break;
                }
            }
            if (!rc) {
                rc = enqueue(b, INPUT_PATH_WALKED, e->fts_path, NULL, 0, NULL,
                             0, err);
                if (!rc)
                    read_ahead(e->fts_path);
            }
            break;
        case FTS_DC:
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_IO, 1,
                                "directory loop (a symbolic link back to a "
                                "parent), not followed",
                                err);
            break;
        case FTS_SL:
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_IO, 1,
                                "symbolic link, not followed (following "
                                "links is off)",
                                err);
            break;
        case FTS_SLNONE:
            /* A link named as a resume was meant to be read (a sample
             * moved away in a repository leaves one behind): an error,
             * as a damaged resume is; any other broken link is passed
             * over. */
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_IO,
                                !kps_named_as_document(e->fts_name),
                                broken_link_reason(e->fts_accpath), err);
            break;
        case FTS_DNR:
        case FTS_ERR:
        case FTS_NS:
            snprintf(reason, sizeof reason, "cannot read: %s",
                     strerror(e->fts_errno));
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_IO, 0, reason, err);
            break;
        default: /* FIFOs, sockets, devices: never opened */
            rc = enqueue_preset(b, e->fts_path, KPISCAN_ERR_NOT_TEXT, 1,
                                "not a regular file (FIFO, socket or "
                                "device), not opened",
                                err);
            break;
        }
    }
    fts_close(fts);
    return rc;
}

int kpiscan_batch_add_path(kpiscan_batch *b, const char *path,
                           unsigned walk_flags, kpiscan_error *err)
{
    if (!b || !path)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, path, "no batch or path");
    int rc = from_callback(b, path, "kpiscan_batch_add_path", err);
    if (rc)
        return rc;
    struct stat st;
    int stat_errno = stat(path, &st) == 0 ? 0 : errno;
    if (!stat_errno && S_ISDIR(st.st_mode))
        return walk(b, path, walk_flags, err);
    /* A named link that leads nowhere is an error record saying so; open()
     * alone would say "No such file or directory" of a name that ls
     * shows. */
    if ((stat_errno == ENOENT || stat_errno == ELOOP) &&
        lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return enqueue_preset(b, path, KPISCAN_ERR_IO, 0,
                              broken_link_reason(path), err);
    if (b->flags & KPISCAN_BATCH_UNIQUE && stat(path, &st) == 0) {
        rc = seen_before(b, &st, path, err);
        if (rc)
            return rc == 1 ? KPISCAN_OK : rc;
    }
    /* Anything else named directly gets exactly one record; problems
     * (missing, unreadable, a device) are found and reported by the scan. */
    return enqueue(b, INPUT_PATH_EXPLICIT, path, NULL, 0, NULL, 0, err);
}

int kpiscan_batch_skip_file(kpiscan_batch *b, const char *path, int status,
                            const char *reason, kpiscan_error *err)
{
    if (!b || !path || !reason || status >= 0)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, path,
                        "no batch, path, reason or error status");
    /* Not for the lock: the list belongs to the adding thread, which may
     * be walking it while a worker delivers this record. */
    int rc = from_callback(b, path, "kpiscan_batch_skip_file", err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(path, &st) != 0)
        return kps_fail(err, KPISCAN_ERR_IO, path, "%s", strerror(errno));
    if (passed_over(b, &st))
        return KPISCAN_OK;
    struct pass_over *v = realloc(b->pass, (b->npass + 1) * sizeof *v);
    if (!v)
        return kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    b->pass = v;
    char *r = kps_strdup(reason);
    if (!r)
        return kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    v[b->npass].id.dev = st.st_dev;
    v[b->npass].id.ino = st.st_ino;
    v[b->npass].status = status;
    v[b->npass].reason = r;
    b->npass++;
    return KPISCAN_OK;
}

int kpiscan_batch_add_buffer(kpiscan_batch *b, const void *data, size_t len,
                             const char *name, kpiscan_error *err)
{
    if (!b || (!data && len))
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no batch or data");
    int rc = from_callback(b, name, "kpiscan_batch_add_buffer", err);
    if (rc)
        return rc;
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    if (len)
        memcpy(copy, data, len);
    return enqueue(b, INPUT_BUFFER, name ? name : "<buffer>", copy, len, NULL,
                   0, err);
}

int kpiscan_batch_add_fd(kpiscan_batch *b, int fd, const char *name,
                         kpiscan_error *err)
{
    if (!name)
        name = "<fd>";
    if (!b || fd < 0)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "no batch or no file descriptor");
    int rc = from_callback(b, name, "kpiscan_batch_add_fd", err);
    if (rc)
        return rc;
    unsigned char *data = NULL;
    size_t len = 0;
    kpiscan_error rerr;
    memset(&rerr, 0, sizeof rerr);
    rc = read_fd(fd, name, b->resolved.limits.max_input_bytes, &data, &len,
                 &rerr);
    if (rc == KPISCAN_ERR_NOMEM)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    if (rc)
        return enqueue_preset(b, name, rc, 0, rerr.reason, err);
    return enqueue(b, INPUT_BUFFER, name, data, len, NULL, 0, err);
}

int kpiscan_batch_add_failure(kpiscan_batch *b, const char *name, int status,
                              const char *reason, kpiscan_error *err)
{
    if (!b || !name || !reason || status >= 0)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "no batch, name, reason or error status");
    int rc = from_callback(b, name, "kpiscan_batch_add_failure", err);
    if (rc)
        return rc;
    return enqueue_preset(b, name, status, 0, reason, err);
}

int kpiscan_batch_finish(kpiscan_batch *b)
{
    if (!b || from_callback(b, NULL, "kpiscan_batch_finish", NULL))
        return KPISCAN_ERR_ARGUMENT;
    pthread_mutex_lock(&b->mu);
    if (b->finished) {
        pthread_mutex_unlock(&b->mu);
        return KPISCAN_OK;
    }
    b->closing = 1;
    pthread_cond_broadcast(&b->work);
    pthread_mutex_unlock(&b->mu);
    for (unsigned i = 0; i < b->nthreads; i++)
        pthread_join(b->threads[i], NULL);
    b->finished = 1;
    if (b->nheld) {
        /* The workers are gone: the callback runs on this thread alone. */
        kps_sort_records(b->held, b->nheld, b->sort);
        for (size_t i = 0; i < b->nheld; i++) {
            call_back(b, &b->held[i]);
            record_clear(&b->held[i]);
        }
    }
    free(b->held);
    b->held = NULL;
    b->nheld = b->capheld = 0;
    return b->held_failed ? KPISCAN_ERR_NOMEM : KPISCAN_OK;
}

int kpiscan_batch_set_sort(kpiscan_batch *b, int key, kpiscan_error *err)
{
    if (!b || key < KPISCAN_SORT_INPUT || key > KPISCAN_SORT_NAME)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "no batch or unknown sort key %d", key);
    int rc = from_callback(b, NULL, "kpiscan_batch_set_sort", err);
    if (rc)
        return rc;
    pthread_mutex_lock(&b->mu);
    int started = b->next_seq > 0 || b->closing;
    if (!started)
        b->sort = key;
    pthread_mutex_unlock(&b->mu);
    if (started)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "the sort must be set before the first input");
    return KPISCAN_OK;
}

/* ------------------------------------------------------------------ */
/* Ranking                                                             */
/* ------------------------------------------------------------------ */

static const char *const sort_names[] = {"input", "level", "confidence",
                                         "years", "name"};

unsigned kpiscan_shard_of(const char *name, unsigned n)
{
    if (!name || n == 0)
        return 0;
    /* FNV-1a 64: stable across machines, releases and word sizes, and a
     * few lines anyone can re-implement to check a split. */
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 1099511628211u;
    }
    return (unsigned)(h % n) + 1;
}

int kpiscan_batch_set_shard(kpiscan_batch *b, unsigned k, unsigned n,
                            kpiscan_error *err)
{
    if (!b || n == 0 || k == 0 || k > n)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "shard must be K/N with 1 <= K <= N");
    int rc = from_callback(b, NULL, "kpiscan_batch_set_shard", err);
    if (rc)
        return rc;
    pthread_mutex_lock(&b->mu);
    size_t queued = b->next_seq;
    pthread_mutex_unlock(&b->mu);
    if (queued)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "shard set after inputs were queued");
    b->shard = k - 1;
    b->nshards = n;
    return KPISCAN_OK;
}

int kpiscan_sort_from_name(const char *name)
{
    for (int i = 0; name && i <= KPISCAN_SORT_NAME; i++)
        if (strcmp(name, sort_names[i]) == 0)
            return i;
    return -1;
}

const char *kpiscan_sort_name(int key)
{
    return key >= 0 && key <= KPISCAN_SORT_NAME ? sort_names[key] : NULL;
}

static int cmp_desc(double x, double y)
{
    return x > y ? -1 : x < y ? 1 : 0;
}

/* Confidence as printed (2 decimals): two candidates shown as 0.99 tie,
 * and input order decides, rather than a difference no reader can see. */
static double shown(double confidence)
{
    return (double)(long)(confidence * 100.0 + 0.5);
}

int kps_rank_compare(const kps_rank *a, const kps_rank *b, int key)
{
    /* Results first, then errors, then skipped records: a ranking is of
     * candidates, and an input that could not be read has no rank. */
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    int c = 0;
    if (key == KPISCAN_SORT_NAME)
        c = kps_natural_compare(a->name ? a->name : "", b->name ? b->name : "");
    else if (a->cls == 0) {
        switch (key) {
        case KPISCAN_SORT_LEVEL:
            /* Within a level, the surest first; but within "none" the
             * least sure first, since that is the record nearest to
             * showing KPI work: strongest first throughout. */
            if (a->level != b->level)
                c = a->level > b->level ? -1 : 1;
            else if (a->level == KPISCAN_LEVEL_NONE)
                c = -cmp_desc(shown(a->confidence), shown(b->confidence));
            else
                c = cmp_desc(shown(a->confidence), shown(b->confidence));
            break;
        case KPISCAN_SORT_CONFIDENCE:
            c = cmp_desc(shown(a->confidence), shown(b->confidence));
            break;
        case KPISCAN_SORT_YEARS:
            /* unknown years (negative) after every known figure */
            if ((a->years < 0) != (b->years < 0))
                c = a->years < 0 ? 1 : -1;
            else
                c = cmp_desc(a->years, b->years);
            break;
        default: break;
        }
    }
    if (c)
        return c;
    /* Input order breaks ties, so a sort is stable and reproducible. */
    return a->index < b->index ? -1 : a->index > b->index;
}

void kps_rank_of_record(const kpiscan_record *rec, kps_rank *out)
{
    memset(out, 0, sizeof *out);
    out->cls = rec->skipped ? 2 : rec->result ? 0 : 1;
    out->name = rec->name;
    out->index = rec->index;
    if (rec->result) {
        out->level = rec->result->level;
        out->confidence = rec->result->confidence;
        out->years = rec->result->years;
    }
}

int kpiscan_record_compare(const kpiscan_record *a, const kpiscan_record *b,
                           int key)
{
    if (a == b)
        return 0;
    if (!a || !b)
        return a ? -1 : 1;
    kps_rank x, y;
    kps_rank_of_record(a, &x);
    kps_rank_of_record(b, &y);
    return kps_rank_compare(&x, &y, key);
}

/* A merge sort rather than qsort(): the key travels as an argument, not
 * through a static, so batches in different threads may finish at once. */
static void merge_sort(kpiscan_record *a, kpiscan_record *tmp, size_t n,
                       int key)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(a, tmp, h, key);
    merge_sort(a + h, tmp, n - h, key);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] =
            kpiscan_record_compare(&a[j], &a[i], key) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int kps_sort_records(kpiscan_record *recs, size_t n, int key)
{
    kpiscan_record *tmp = n ? malloc(n * sizeof *tmp) : NULL;
    if (n && !tmp) {
        /* insertion sort: slow for big batches, but needs no memory */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && kpiscan_record_compare(
                                            &recs[j], &recs[j - 1], key) < 0;
                 j--) {
                kpiscan_record t = recs[j];
                recs[j] = recs[j - 1];
                recs[j - 1] = t;
            }
        return -1;
    }
    merge_sort(recs, tmp, n, key);
    free(tmp);
    return 0;
}

void kpiscan_batch_free(kpiscan_batch *b)
{
    /* From its own callback the batch is still delivering: freeing it
     * would pull the record and the lock from under the caller. */
    if (!b || delivering == b)
        return;
    kpiscan_batch_finish(b);
    for (size_t i = 0; i < b->window; i++) {
        record_clear(&b->ring[i].rec);
        free(b->ring[i].data);
    }
    pthread_cond_destroy(&b->space);
    pthread_cond_destroy(&b->work);
    pthread_mutex_destroy(&b->mu);
    free(b->threads);
    free(b->ring);
    free(b->seen);
    for (size_t i = 0; i < b->npass; i++)
        free(b->pass[i].reason);
    free(b->pass);
    free(b);
}

size_t kpiscan_batch_count(const kpiscan_batch *b, int what)
{
    if (!b || what < 0 || what > KPISCAN_COUNT_BYTES)
        return 0;
    return atomic_load(&b->counts[what]);
}

char *kpiscan_batch_summary_json(const kpiscan_batch *b,
                                 const kpiscan_pack *pack, double seconds)
{
    return kpiscan_batch_summary_json_with_gates(b, pack, seconds, -1);
}

char *kpiscan_batch_summary_json_with_gates(const kpiscan_batch *b,
                                            const kpiscan_pack *pack,
                                            double seconds, long gate_failures)
{
    if (!b)
        return NULL;
    size_t n[KPISCAN_COUNT_BYTES + 1];
    for (int i = 0; i <= KPISCAN_COUNT_BYTES; i++)
        n[i] = kpiscan_batch_count(b, i);
    kps_jw jw, *w = &jw;
    kps_jw_init(w, 0);
    kps_jw_object(w, NULL);
    kps_jw_int(w, "schema", KPISCAN_JSON_SCHEMA_VERSION);
    kps_jw_object(w, "summary");
    kps_jw_int(w, "records",
               (long long)(n[KPISCAN_COUNT_SCANNED] + n[KPISCAN_COUNT_ERRORS]));
    kps_jw_int(w, "scanned", (long long)n[KPISCAN_COUNT_SCANNED]);
    kps_jw_int(w, "errors", (long long)n[KPISCAN_COUNT_ERRORS]);
    kps_jw_int(w, "skipped", (long long)n[KPISCAN_COUNT_SKIPPED]);
    kps_jw_object(w, "levels");
    kps_jw_int(w, "none", (long long)n[KPISCAN_COUNT_NONE]);
    kps_jw_int(w, "junior", (long long)n[KPISCAN_COUNT_JUNIOR]);
    kps_jw_int(w, "mid", (long long)n[KPISCAN_COUNT_MID]);
    kps_jw_int(w, "senior", (long long)n[KPISCAN_COUNT_SENIOR]);
    kps_jw_object_end(w);
    kps_jw_int(w, "hidden_text", (long long)n[KPISCAN_COUNT_HIDDEN_TEXT]);
    if (gate_failures >= 0)
        kps_jw_int(w, "gate_failures", gate_failures);
    if (seconds >= 0) {
        double files = seconds > 0 ? n[KPISCAN_COUNT_DELIVERED] / seconds : 0;
        double mb = seconds > 0 ? n[KPISCAN_COUNT_BYTES] / 1e6 / seconds : 0;
        kps_jw_object(w, "timing");
        kps_jw_real(w, "seconds", round(seconds * 1000) / 1000);
        kps_jw_real(w, "files_per_second", round(files * 10) / 10);
        kps_jw_real(w, "mb_per_second", round(mb * 100) / 100);
        kps_jw_object_end(w);
    }
    kps_jw_object_end(w);
    if (pack)
        kps_jw_pack(w, pack->name, pack->version, pack->hash);
    kps_jw_object_end(w);
    return kps_jw_finish(w);
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

KPS_GETTER(kpiscan_record, index, size_t, 0)

KPS_GETTER(kpiscan_record, name, const char *, NULL)

KPS_GETTER(kpiscan_record, status, int, KPISCAN_ERR_ARGUMENT)

KPS_GETTER(kpiscan_record, skipped, int, 0)

KPS_GETTER(kpiscan_record, bytes, size_t, 0)

const char *kpiscan_record_sha256(const kpiscan_record *rec)
{
    return rec && rec->sha256[0] ? rec->sha256 : NULL;
}

KPS_GETTER(kpiscan_record, result, const kpiscan_result *, NULL)

const kpiscan_error *kpiscan_record_error(const kpiscan_record *rec)
{
    return rec ? &rec->error : NULL;
}

KPS_GETTER(kpiscan_record, json, const char *, NULL)

char *kpiscan_record_to_json(const kpiscan_record *rec,
                             const kpiscan_options *opts, unsigned flags)
{
    if (!rec)
        return NULL;
    if (rec->result)
        return kpiscan_result_to_json(rec->result, opts, flags);
    return kps_failure_json(rec->name, &rec->error, rec->pack,
                            rec->skipped ? "skipped" : "error", rec->sha256,
                            flags);
}
