/* test-batch.c - the worker pool: one record per input, order, walks,
 * skips, errors, counters, CSV rows. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"

typedef struct seen {
    size_t n;
    char names[256][512];
    int status[256];
    int skipped[256];
    char reason[256][256];
    size_t index[256];
    size_t bytes[256];
    kpiscan_batch *batch; /* when set, the callback reads the counters */
} seen;

static void collect(const kpiscan_record *rec, void *user)
{
    seen *s = user;
    if (s->n >= 256)
        return;
    snprintf(s->names[s->n], sizeof s->names[s->n], "%s",
             kpiscan_record_name(rec));
    s->status[s->n] = kpiscan_record_status(rec);
    s->skipped[s->n] = kpiscan_record_skipped(rec);
    s->bytes[s->n] = kpiscan_record_bytes(rec);
    snprintf(s->reason[s->n], sizeof s->reason[s->n], "%s",
             s->status[s->n] ? kpiscan_error_reason(kpiscan_record_error(rec))
                             : "");
    s->index[s->n] = kpiscan_record_index(rec);
    /* Counters are readable from inside the callback (no self-deadlock,
     * which a progress display depends on). */
    if (s->batch)
        ck_assert_uint_eq(
            kpiscan_batch_count(s->batch, KPISCAN_COUNT_DELIVERED), s->n + 1);
    /* The result is there exactly when the status is OK. */
    ck_assert((kpiscan_record_result(rec) != NULL) ==
              (kpiscan_record_status(rec) == KPISCAN_OK));
    s->n++;
}

static const char *find(const seen *s, const char *suffix, int *status,
                        int *skipped)
{
    size_t ls = strlen(suffix);
    for (size_t i = 0; i < s->n; i++) {
        size_t ln = strlen(s->names[i]);
        if (ln >= ls && strcmp(s->names[i] + ln - ls, suffix) == 0) {
            *status = s->status[i];
            *skipped = s->skipped[i];
            return s->names[i];
        }
    }
    return NULL;
}

/* kpiscan_record_bytes() of the record whose name ends in suffix. */
static size_t bytes_of(const seen *s, const char *suffix)
{
    size_t ls = strlen(suffix);
    for (size_t i = 0; i < s->n; i++) {
        size_t ln = strlen(s->names[i]);
        if (ln >= ls && strcmp(s->names[i] + ln - ls, suffix) == 0)
            return s->bytes[i];
    }
    ck_abort_msg("no record ends in %s", suffix);
    return 0;
}

/* The error reason of the record whose name ends in suffix, or NULL. */
static const char *reason_of(const seen *s, const char *suffix)
{
    size_t ls = strlen(suffix);
    for (size_t i = 0; i < s->n; i++) {
        size_t ln = strlen(s->names[i]);
        if (ln >= ls && strcmp(s->names[i] + ln - ls, suffix) == 0)
            return s->reason[i];
    }
    return NULL;
}

static void write_file(const char *dir, const char *name, const void *data,
                       size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static kpiscan_pack *pack_default(void)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    return p;
}

/* Files named directly are delivered in order, one record each, whatever
 * their fate, with any number of workers. */
START_TEST(test_ordered_explicit)
{
    kpiscan_pack *p = pack_default();
    static const char *files[] = {
        "examples/junior-1.txt", "examples/mid-1.txt",  "/nonexistent/a.txt",
        "examples/senior-1.txt", "examples/no-kpi.txt", "/dev/null",
        "examples/messy.txt"};
    size_t nfiles = sizeof files / sizeof files[0];
    for (unsigned jobs = 1; jobs <= 4; jobs += 3) {
        seen s = {0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, jobs, 0, collect, &s, &b, NULL),
            KPISCAN_OK);
        s.batch = b;
        for (int round = 0; round < 5; round++)
            for (size_t i = 0; i < nfiles; i++) {
                char path[4096];
                snprintf(path, sizeof path, "%s",
                         files[i][0] == '/' ? files[i] : src_path(files[i]));
                ck_assert_int_eq(kpiscan_batch_add_path(b, path, 0, NULL),
                                 KPISCAN_OK);
            }
        ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
        ck_assert_uint_eq(s.n, 5 * nfiles);
        for (size_t i = 0; i < s.n; i++) {
            ck_assert_uint_eq(s.index[i], i);
            const char *want = files[i % nfiles];
            size_t lw = strlen(want), ln = strlen(s.names[i]);
            ck_assert_msg(ln >= lw && strcmp(s.names[i] + ln - lw, want) == 0,
                          "record %zu is %s, want %s", i, s.names[i], want);
            ck_assert_int_eq(s.skipped[i], 0);
        }
        ck_assert_int_eq(s.status[2], KPISCAN_ERR_IO);
        ck_assert_int_eq(s.status[5], KPISCAN_ERR_IO);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_ERRORS), 10);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_SCANNED), 25);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_NONE), 5);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_QUEUED), 35);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_DELIVERED), 35);
        /* Finished batches refuse new inputs. */
        ck_assert_int_eq(kpiscan_batch_add_path(b, "x", 0, NULL),
                         KPISCAN_ERR_ARGUMENT);
        kpiscan_batch_free(b);
    }
    kpiscan_batch_free(NULL);
    kpiscan_pack_free(p);
}
END_TEST

/* A huge jobs count starts at most 256 threads (the header's cap): a
 * million would fail to start or exhaust memory. */
START_TEST(test_jobs_capped)
{
    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(
        kpiscan_batch_new(p, NULL, 1000000u, 0, collect, &s, &b, NULL),
        KPISCAN_OK);
    s.batch = b;
    ck_assert_int_eq(
        kpiscan_batch_add_path(b, src_path("examples/mid-1.txt"), 0, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_int_eq(s.status[0], KPISCAN_OK);
    kpiscan_batch_free(b);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_unordered_all_delivered)
{
    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, KPISCAN_BATCH_UNORDERED,
                                       collect, &s, &b, NULL),
                     KPISCAN_OK);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "buf-%d", i);
        const char *text = i % 2 ? "Tracked KPIs weekly" : "";
        ck_assert_int_eq(
            kpiscan_batch_add_buffer(b, text, strlen(text), name, NULL),
            KPISCAN_OK);
    }
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, 40);
    int seen_index[40] = {0};
    for (size_t i = 0; i < s.n; i++) {
        ck_assert_uint_lt(s.index[i], 40);
        seen_index[s.index[i]]++;
        ck_assert_int_eq(s.status[i],
                         s.index[i] % 2 ? KPISCAN_OK : KPISCAN_ERR_EMPTY);
    }
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(seen_index[i], 1);
    kpiscan_pack_free(p);
}
END_TEST

/* With KPISCAN_BATCH_RENDER_JSON the workers hand each record its JSON,
 * exactly what kpiscan_record_to_json() gives with the batch's options;
 * without it, none. */
typedef struct rendered {
    unsigned flags;
    const kpiscan_options *opts;
    size_t n, with_json;
} rendered;

static void check_rendered(const kpiscan_record *rec, void *user)
{
    rendered *r = user;
    const char *json = kpiscan_record_json(rec);
    r->n++;
    if (!(r->flags & KPISCAN_BATCH_RENDER_JSON)) {
        ck_assert_ptr_null(json);
        return;
    }
    ck_assert_ptr_nonnull(json);
    r->with_json++;
    char *want = kpiscan_record_to_json(
        rec, r->opts,
        (r->flags & KPISCAN_BATCH_RENDER_PRETTY) ? KPISCAN_JSON_PRETTY : 0);
    ck_assert_str_eq(json, want);
    kpiscan_free(want);
}

START_TEST(test_render_json)
{
    static const unsigned flags[] = {
        0, KPISCAN_BATCH_RENDER_JSON,
        KPISCAN_BATCH_RENDER_JSON | KPISCAN_BATCH_RENDER_PRETTY,
        KPISCAN_BATCH_RENDER_JSON | KPISCAN_BATCH_UNORDERED};
    kpiscan_pack *p = pack_default();
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_excerpts(o, 0), KPISCAN_OK);
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
        rendered r = {flags[f], o, 0, 0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(
            kpiscan_batch_new(p, o, 2, flags[f], check_rendered, &r, &b, NULL),
            KPISCAN_OK);
        for (int i = 0; i < 12; i++) {
            /* results and error records (empty documents) */
            const char *text =
                i % 3 ? "Tracked KPIs weekly, Jan 2020 - Present" : "";
            ck_assert_int_eq(
                kpiscan_batch_add_buffer(b, text, strlen(text), "t.txt", NULL),
                KPISCAN_OK);
        }
        kpiscan_batch_free(b);
        ck_assert_uint_eq(r.n, 12);
        ck_assert_uint_eq(r.with_json,
                          (flags[f] & KPISCAN_BATCH_RENDER_JSON) ? 12 : 0);
    }
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* A folder of good and bad files: every document gives a record, the rest
 * is skipped (special files never opened), hidden names too: a hidden
 * folder gives one skipped record, and nothing under it is read. */
START_TEST(test_walk_mixed_folder)
{
    char dir[] = "/tmp/kpiscan-batch-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sub[1100], path[1200];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    write_file(dir, "a-good.txt", "Tracked KPIs and metrics\n", 25);
    write_file(dir, "b-empty.txt", "", 0);
    /* an empty log left by "2> kpiscan.err": nothing to read, no resume */
    write_file(dir, "b-empty.err", "", 0);
    write_file(dir, "c.pdf", "%PDF-1.4\n", 9);
    write_file(dir, "d.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    /* an RTF resume is read; binary bytes named .rtf are a damaged CV */
    write_file(dir, "c1.rtf", "{\\rtf1 Tracked KPIs\\par}", 24);
    write_file(dir, "c2-damaged.rtf", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    write_file(dir, ".hidden.txt", "KPIs\n", 5);
    /* text that is no resume by its name; a resume in Markdown is one */
    write_file(dir, "Makefile", "all:\n\tcc -o kpi kpi.c\n", 22);
    write_file(dir, "levels.tsv", "cv.txt\tmid\n", 11);
    write_file(dir, "resume.md", "# Jane Roe\nTracked KPIs\n", 24);
    /* names people give resumes are never taken for code or data */
    write_file(dir, "resume.json", "Jane Roe tracked KPIs\n", 22);
    write_file(dir, "Anna M.H", "Anna tracked KPIs\n", 18);
    /* the owner file Word writes beside a document it has open */
    write_file(dir, "~$na Roe.docx", "\x0bJohn Smith\0\0\0\0", 16);
    char git[1100];
    snprintf(git, sizeof git, "%s/.git", dir);
    ck_assert_int_eq(mkdir(git, 0700), 0);
    write_file(git, "inside.txt", "KPIs\n", 5);
    write_file(sub, "e-nested.txt", "Key performance indicators\n", 27);
    snprintf(path, sizeof path, "%s/f-fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/g-loop", sub);
    ck_assert_int_eq(symlink("..", path), 0);
    snprintf(path, sizeof path, "%s/h-unreadable.txt", dir);
    write_file(dir, "h-unreadable.txt", "KPIs\n", 5);
    ck_assert_int_eq(chmod(path, 0), 0);
    int as_root = access(path, R_OK) == 0;

    kpiscan_pack *p = pack_default();
    for (int follow = 0; follow <= 1; follow++) {
        seen s = {0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
            KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_path(
                             b, dir, follow ? KPISCAN_WALK_FOLLOW : 0, NULL),
                         KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
        /* d.png, f-fifo, g-loop, .hidden.txt, .git, Makefile, levels.tsv,
         * ~$na Roe.docx, b-empty.err */
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_SKIPPED), 9);
        kpiscan_batch_free(b);
        int st, sk;
        ck_assert_ptr_nonnull(find(&s, "/a-good.txt", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/b-empty.txt", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_ERR_EMPTY);
        ck_assert_int_eq(sk, 0);
        ck_assert_ptr_nonnull(find(&s, "/b-empty.err", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(strstr(reason_of(&s, "/b-empty.err"),
                                     "an empty file, not named as a resume"));
        ck_assert_ptr_nonnull(find(&s, "/c.pdf", &st, &sk));
#ifdef KPISCAN_HAVE_PDF
        ck_assert_int_eq(st, KPISCAN_ERR_CORRUPT); /* a header, no body */
#else
        ck_assert_int_eq(st, KPISCAN_ERR_UNSUPPORTED_FORMAT);
#endif
        ck_assert_int_eq(sk, 0);
        ck_assert_ptr_nonnull(find(&s, "/c1.rtf", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/c2-damaged.rtf", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_ERR_NOT_TEXT);
        ck_assert_int_eq(sk, 0);
        /* a record's bytes are the file's size, an error's as a result's;
         * a skipped file's are 0 */
        ck_assert_uint_eq(bytes_of(&s, "/c2-damaged.rtf"), 16);
        ck_assert_uint_eq(bytes_of(&s, "/a-good.txt"), 25);
        ck_assert_uint_eq(bytes_of(&s, "/d.png"), 0);
        ck_assert_ptr_nonnull(find(&s, "/d.png", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(find(&s, "/Makefile", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(strstr(reason_of(&s, "/levels.tsv"),
                                     "data table by its name, not a resume"));
        ck_assert_uint_eq(bytes_of(&s, "/Makefile"), 0);
        ck_assert_ptr_nonnull(find(&s, "/~$na Roe.docx", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/~$na Roe.docx"), "an Office lock file"));
        ck_assert_ptr_nonnull(find(&s, "/resume.md", &st, &sk));
        ck_assert_int_eq(sk, 0);
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/resume.json", &st, &sk));
        ck_assert_int_eq(sk, 0);
        ck_assert_ptr_nonnull(find(&s, "/Anna M.H", &st, &sk));
        ck_assert_int_eq(sk, 0);
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/.hidden.txt", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/.hidden.txt"), "hidden file, not read"));
        ck_assert_ptr_nonnull(find(&s, "/.git", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/.git"), "hidden folder, not walked"));
        ck_assert_ptr_null(find(&s, "/inside.txt", &st, &sk));
        ck_assert_ptr_nonnull(find(&s, "/sub/e-nested.txt", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/f-fifo", &st, &sk));
        ck_assert_int_eq(sk, 1); /* and the walk did not block on it */
        ck_assert_ptr_nonnull(find(&s, "/h-unreadable.txt", &st, &sk));
        ck_assert_int_eq(st, as_root ? KPISCAN_OK : KPISCAN_ERR_IO);
        ck_assert_ptr_nonnull(find(&s, "/sub/g-loop", &st, &sk));
        ck_assert_int_eq(sk, 1); /* a link not followed, or a loop found */
        /* Walk order is by name, so records are reproducible. */
        for (size_t i = 1; i < s.n; i++)
            ck_assert_uint_eq(s.index[i], i);
    }

    /* Hidden files come in on request. */
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 1, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, KPISCAN_WALK_HIDDEN, NULL),
                     KPISCAN_OK);
    kpiscan_batch_free(b);
    int st, sk;
    ck_assert_ptr_nonnull(find(&s, "/.hidden.txt", &st, &sk));
    ck_assert_int_eq(sk, 0);
    ck_assert_int_eq(st, KPISCAN_OK);
    ck_assert_ptr_nonnull(find(&s, "/.git/inside.txt", &st, &sk));
    ck_assert_int_eq(st, KPISCAN_OK);
    kpiscan_pack_free(p);

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A report an earlier run left in the scanned folder is passed over in a
 * walk (it was scored as a resume: an HTML report ranked senior), and
 * still scanned when named; text that only resembles one is a resume. */
START_TEST(test_walk_passes_over_own_outputs)
{
    static const struct {
        const char *name, *body;
        int own;
    } files[] = {
        {"run.txt",
         "./cv.txt: mid (confidence 0.72, 13.8 years, strong KPI "
         "evidence)\n  why: KPI presence strong\n",
         1},
        {"run-errors.txt", "./cv.docx: error: corrupt DOCX: bad zip\n", 1},
        {"kpiscan.err", "\nkpiscan summary: 1 file(s): 1 scanned\n", 1},
        {"stderr.log2", "kpiscan: gate failed: ./cv.txt: expected senior\n", 1},
        {"run.jsonl", "{\"schema\":2,\"file\":\"cv.txt\",\"status\":\"ok\"}\n",
         1},
        {"run.out", "[\n{\n  \"schema\": 2,\n  \"file\": \"cv.txt\"\n", 1},
        {"gh.txt", "::error file=cv.txt,title=kpiscan gate failed::x\n", 1},
        {"table.txt", "file,status,level,presence,confidence\n", 1},
        {"report.htm",
         "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
         "<title>kpiscan report</title>\n",
         1},
        {"junit.xml",
         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<testsuites>\n  <testsuite name=\"kpiscan\" tests=\"1\">\n",
         1},
        /* near misses: resumes */
        {"cv-json.txt",
         "{\"$schema\": \"https://jsonresume.org\", "
         "\"basics\": {\"name\": \"Jane\"}}\n",
         0},
        {"cv-mid.txt",
         "Jane Roe\nGoal: a mid (confidence building) role\n"
         "Tracked KPIs for the sales team\n",
         0},
        {"cv-html.html",
         "<html><head><title>Jane Roe</title></head><body>"
         "<p>Tracked KPIs</p></body></html>",
         0},
        {"cv-colons.txt", ":: Jane Roe ::\nTracked KPIs for the team\n", 0},
    };
    char dir[] = "/tmp/kpiscan-batch-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    size_t nfiles = sizeof files / sizeof *files;
    for (size_t i = 0; i < nfiles; i++)
        write_file(dir, files[i].name, files[i].body, strlen(files[i].body));

    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
    kpiscan_batch_free(b);
    for (size_t i = 0; i < nfiles; i++) {
        char tail[64];
        snprintf(tail, sizeof tail, "/%s", files[i].name);
        int st, sk;
        ck_assert_msg(find(&s, tail, &st, &sk), "%s: no record", tail);
        ck_assert_msg(sk == files[i].own, "%s: skipped %d", tail, sk);
        if (files[i].own)
            ck_assert_ptr_nonnull(
                strstr(reason_of(&s, tail), "kpiscan's own output"));
    }

    /* Named explicitly, a report is scanned as asked. */
    seen named = {0};
    char path[1200];
    snprintf(path, sizeof path, "%s/run.jsonl", dir);
    ck_assert_int_eq(
        kpiscan_batch_new(p, NULL, 1, 0, collect, &named, &b, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, path, 0, NULL), KPISCAN_OK);
    kpiscan_batch_free(b);
    int st, sk;
    ck_assert_ptr_nonnull(find(&named, "/run.jsonl", &st, &sk));
    ck_assert_int_eq(sk, 0);
    ck_assert_int_eq(st, KPISCAN_OK);

    /* Also in a batch of unique files (a manifest's) after the walk that
     * passed over it: passing over does not make it "seen". */
    seen both = {0};
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 1, KPISCAN_BATCH_UNIQUE,
                                       collect, &both, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, path, 0, NULL), KPISCAN_OK);
    kpiscan_batch_free(b);
    size_t scanned = 0, passed = 0;
    for (size_t i = 0; i < both.n; i++)
        if (strstr(both.names[i], "/run.jsonl")) {
            scanned += !both.skipped[i] && both.status[i] == KPISCAN_OK;
            passed += both.skipped[i];
        }
    ck_assert_uint_eq(passed, 1);
    ck_assert_uint_eq(scanned, 1);
    kpiscan_pack_free(p);

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Symbolic links named by the caller are followed, as "find -H" does: a
 * link to a folder is walked, a link to a file scanned, and a link that
 * leads nowhere (missing target, loop) is an error record that says so,
 * never silence.  Links met inside a walk are followed only on request;
 * a loop met there is called a loop, not a dangling link, and a broken
 * link named as a resume is an error when links are followed. */
START_TEST(test_operand_links)
{
    char dir[] = "/tmp/kpiscan-links-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char real[1100], path[1200], inner[1200];
    snprintf(real, sizeof real, "%s/real", dir);
    ck_assert_int_eq(mkdir(real, 0700), 0);
    write_file(real, "cv.txt", "Tracked KPIs and metrics\n", 25);
    snprintf(inner, sizeof inner, "%s/self-loop", real);
    ck_assert_int_eq(symlink("self-loop", inner), 0);
    snprintf(inner, sizeof inner, "%s/gone", real);
    ck_assert_int_eq(symlink("nowhere", inner), 0);
    snprintf(inner, sizeof inner, "%s/moved.txt", real);
    ck_assert_int_eq(symlink("samples/moved.txt", inner), 0);
    const char *links[][2] = {{"to-dir", "real"},
                              {"to-file", "real/cv.txt"},
                              {"dangling", "nowhere"},
                              {"loop", "loop"}};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, links[i][0]);
        ck_assert_int_eq(symlink(links[i][1], path), 0);
    }

    kpiscan_pack *p = pack_default();
    for (int follow = 0; follow <= 1; follow++) {
        seen s = {0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
            KPISCAN_OK);
        for (size_t i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, links[i][0]);
            ck_assert_int_eq(
                kpiscan_batch_add_path(b, path,
                                       follow ? KPISCAN_WALK_FOLLOW : 0, NULL),
                KPISCAN_OK);
        }
        kpiscan_batch_free(b);
        int st, sk;
        ck_assert_ptr_nonnull(find(&s, "/to-dir/cv.txt", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/to-file", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_OK);
        ck_assert_ptr_nonnull(find(&s, "/dangling", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_ERR_IO);
        ck_assert_int_eq(sk, 0);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/dangling"), "dangling symbolic link"));
        ck_assert_ptr_nonnull(find(&s, "/loop", &st, &sk));
        ck_assert_int_eq(st, KPISCAN_ERR_IO);
        ck_assert_int_eq(sk, 0);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/loop"), "symbolic link loop"));
        /* inside the walk of to-dir: skipped, with the right reason */
        ck_assert_ptr_nonnull(find(&s, "/to-dir/self-loop", &st, &sk));
        ck_assert_int_eq(sk, 1);
        const char *r = reason_of(&s, "/to-dir/self-loop");
        ck_assert_ptr_nonnull(
            strstr(r, follow ? "symbolic link loop" : "not followed"));
        ck_assert_ptr_null(strstr(r, "use follow")); /* no such option */
        ck_assert_ptr_nonnull(find(&s, "/to-dir/gone", &st, &sk));
        ck_assert_int_eq(sk, 1);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/to-dir/gone"),
                   follow ? "dangling symbolic link" : "not followed"));
        /* followed, a broken link named as a resume is an error: it was
         * meant to be read */
        ck_assert_ptr_nonnull(find(&s, "/to-dir/moved.txt", &st, &sk));
        ck_assert_int_eq(sk, !follow);
        ck_assert_ptr_nonnull(
            strstr(reason_of(&s, "/to-dir/moved.txt"),
                   follow ? "dangling symbolic link" : "not followed"));
        ck_assert_uint_eq(s.n, 7);
    }
    kpiscan_pack_free(p);

    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* KPISCAN_BATCH_UNIQUE: a file named again (another spelling of its path,
 * a hard link, a walk over its folder) gives no second record; without
 * the flag every naming does. */
START_TEST(test_unique_files)
{
    char dir[] = "/tmp/kpiscan-batch-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sub[1100], a[1200], a2[1300], hard[1200];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    write_file(dir, "a.txt", "Tracked KPIs and metrics\n", 25);
    write_file(dir, "b.txt", "Key performance indicators\n", 27);
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(a2, sizeof a2, "%s/../a.txt", sub);
    snprintf(hard, sizeof hard, "%s/a-link.txt", sub);
    ck_assert_int_eq(link(a, hard), 0);

    kpiscan_pack *p = pack_default();
    for (int unique = 0; unique <= 1; unique++) {
        seen s = {0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2,
                                           unique ? KPISCAN_BATCH_UNIQUE : 0,
                                           collect, &s, &b, NULL),
                         KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_path(b, a, 0, NULL), KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_path(b, a2, 0, NULL), KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
        /* not a regular file: still one record per naming */
        ck_assert_int_eq(kpiscan_batch_add_path(b, "/nonexistent.txt", 0, NULL),
                         KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_path(b, "/nonexistent.txt", 0, NULL),
                         KPISCAN_OK);
        kpiscan_batch_free(b);
        if (unique) {
            /* a.txt once (first naming), b.txt, two missing */
            ck_assert_uint_eq(s.n, 4);
            ck_assert_str_eq(s.names[0], a);
            ck_assert(strstr(s.names[1], "/b.txt") != NULL);
        } else {
            /* a, a2, then the walk: a.txt, b.txt, sub/a-link.txt */
            ck_assert_uint_eq(s.n, 7);
        }
    }
    kpiscan_pack_free(p);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* kpiscan_batch_skip_file: a walk passes the file over with a skipped
 * record carrying the caller's status and reason (a CI manifest among the
 * resumes it describes); named directly it is still scanned. */
START_TEST(test_skip_file)
{
    char dir[] = "/tmp/kpiscan-batch-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "a.txt", "Tracked KPIs and metrics\n", 25);
    write_file(dir, "m.tsv", "a.txt\tjunior\n", 13);
    char m[1200], missing[1200];
    snprintf(m, sizeof m, "%s/m.tsv", dir);
    snprintf(missing, sizeof missing, "%s/none.tsv", dir);

    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_skip_file(b, m, 0, "why", NULL),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(
        kpiscan_batch_skip_file(b, m, KPISCAN_ERR_MANIFEST, NULL, NULL),
        KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(
        kpiscan_batch_skip_file(b, missing, KPISCAN_ERR_MANIFEST, "why", NULL),
        KPISCAN_ERR_IO);
    ck_assert_int_eq(kpiscan_batch_skip_file(b, m, KPISCAN_ERR_MANIFEST,
                                             "the manifest, not a resume",
                                             NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, m, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_SCANNED), 2);
    ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_SKIPPED), 1);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, 3);
    ck_assert(strstr(s.names[0], "/a.txt") != NULL);
    ck_assert_int_eq(s.skipped[0], 0);
    ck_assert_str_eq(s.names[1], m);
    ck_assert_int_eq(s.skipped[1], 1);
    ck_assert_int_eq(s.status[1], KPISCAN_ERR_MANIFEST);
    ck_assert_str_eq(s.reason[1], "the manifest, not a resume");
    ck_assert_str_eq(s.names[2], m); /* named directly: scanned */
    ck_assert_int_eq(s.skipped[2], 0);
    ck_assert_int_eq(s.status[2], KPISCAN_OK);
    kpiscan_pack_free(p);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(test_failure_and_csv)
{
    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 1, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_failure(b, "<stdin>", KPISCAN_ERR_IO,
                                               "cannot read", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_failure(b, "x", 0, "no", NULL),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_int_eq(s.status[0], KPISCAN_ERR_IO);

    /* CSV quoting: commas, quotes and formula-looking cells. */
    kpiscan_record rec;
    memset(&rec, 0, sizeof rec);
    rec.name = "a,\"b\".txt";
    rec.status = KPISCAN_ERR_IO;
    rec.pack = p;
    kps_fail(&rec.error, KPISCAN_ERR_IO, "=cmd", "cannot open");
    char *row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strncmp(row, "\"a,\"\"b\"\".txt\",error,,,,,,,=cmd", 29) != 0,
                  "formula not neutralised: %s", row);
    ck_assert_ptr_nonnull(strstr(row, "\"a,\"\"b\"\".txt\",error,"));
    ck_assert_ptr_nonnull(strstr(row, "\"'=cmd: cannot open\""));
    ck_assert_ptr_nonnull(strstr(row, "\r\n"));
    kpiscan_free(row);
    /* a leading '-' is safe only on a whole number */
    rec.name = "-2+3+cmd|' -C calc'!A0";
    row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strncmp(row, "\"'-2+3+cmd", 10) == 0, "formula kept: %s",
                  row);
    kpiscan_free(row);
    rec.name = "-12.5";
    row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strncmp(row, "-12.5,", 6) == 0, "number quoted: %s", row);
    kpiscan_free(row);
    /* a leading tab: some spreadsheets drop it and read the formula */
    rec.name = "\t=cmd|' /C calc'!A0";
    row = kpiscan_record_to_csv(&rec, NULL);
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(strncmp(row, "\"'\t=cmd", 7) == 0, "formula kept: %s", row);
    kpiscan_free(row);
    ck_assert_ptr_nonnull(strstr(kpiscan_csv_header(), "file,status,level"));
    kpiscan_pack_free(p);
}
END_TEST

/* Records keep their error messages for the fd test. */
typedef struct fd_seen {
    size_t n;
    int status[4];
    char message[4][512];
} fd_seen;

static void collect_fd(const kpiscan_record *rec, void *user)
{
    fd_seen *s = user;
    if (s->n >= 4)
        return;
    s->status[s->n] = kpiscan_record_status(rec);
    snprintf(s->message[s->n], sizeof s->message[s->n], "%s",
             kpiscan_error_message(kpiscan_record_error(rec)));
    s->n++;
}

/* A stream is read within the input limit (not buffered whole first),
 * and a read error is reported with the system's reason. */
START_TEST(test_add_fd)
{
    kpiscan_pack *p = pack_default();
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_max_input_bytes(o, 1000), KPISCAN_OK);
    fd_seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 1, 0, collect_fd, &s, &b, NULL),
                     KPISCAN_OK);
    /* A resume under the limit, through a pipe. */
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    const char *resume = "Data Analyst\nTracked KPIs and cut churn by 8%.\n";
    ck_assert_int_eq(write(fds[1], resume, strlen(resume)),
                     (ssize_t)strlen(resume));
    close(fds[1]);
    ck_assert_int_eq(kpiscan_batch_add_fd(b, fds[0], "<pipe>", NULL),
                     KPISCAN_OK);
    close(fds[0]);
    /* Past the limit: refused after reading just past it. */
    ck_assert_int_eq(pipe(fds), 0);
    char big[4096];
    memset(big, 'a', sizeof big);
    ck_assert_int_eq(write(fds[1], big, sizeof big), (ssize_t)sizeof big);
    close(fds[1]);
    ck_assert_int_eq(kpiscan_batch_add_fd(b, fds[0], "<big>", NULL),
                     KPISCAN_OK);
    close(fds[0]);
    /* A read error: a directory opens but cannot be read. */
    int dir = open(".", O_RDONLY);
    ck_assert_int_ge(dir, 0);
    ck_assert_int_eq(kpiscan_batch_add_fd(b, dir, "<dir>", NULL), KPISCAN_OK);
    close(dir);
    ck_assert_int_eq(kpiscan_batch_add_fd(b, -1, "<bad>", NULL),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_int_eq(s.status[0], KPISCAN_OK);
    ck_assert_int_eq(s.status[1], KPISCAN_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(s.message[1], "<big>: input exceeds the "
                                               "limit of 1000 bytes"));
    ck_assert_int_eq(s.status[2], KPISCAN_ERR_IO);
    ck_assert_msg(strstr(s.message[2], "<dir>: cannot read: Is a directory"),
                  "%s", s.message[2]);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_natural_compare)
{
    /* Digit runs by value, the rest by byte. */
    ck_assert_int_lt(kps_natural_compare("2.txt", "10.txt"), 0);
    ck_assert_int_gt(kps_natural_compare("10.txt", "9.txt"), 0);
    ck_assert_int_lt(kps_natural_compare("cv-2-b", "cv-10-a"), 0);
    ck_assert_int_lt(kps_natural_compare("a9z", "a10a"), 0);
    ck_assert_int_lt(kps_natural_compare("abc", "abd"), 0);
    ck_assert_int_lt(kps_natural_compare("a", "a1"), 0);
    /* letters without case, as a file manager lists them; a tie in that
     * key falls back to byte order */
    ck_assert_int_lt(kps_natural_compare("a", "B"), 0);
    ck_assert_int_lt(kps_natural_compare("bpo-1.txt", "José CV.docx"), 0);
    ck_assert_int_lt(kps_natural_compare("CV.txt", "cv.txt"), 0);
    ck_assert_int_gt(kps_natural_compare("cv.txt", "CV.txt"), 0);
    ck_assert_int_lt(kps_natural_compare("_notes", "Zeta"), 0);
    ck_assert_int_lt(kps_natural_compare("99999999999999999999999",
                                         "100000000000000000000000"),
                     0); /* longer than any integer type */
    /* Equal keys ("01" and "1") fall back to byte order: never 0 for
     * different names, and antisymmetric. */
    ck_assert_int_lt(kps_natural_compare("01.txt", "1.txt"), 0);
    ck_assert_int_gt(kps_natural_compare("1.txt", "01.txt"), 0);
    ck_assert_int_eq(kps_natural_compare("x7", "x7"), 0);
    ck_assert_int_eq(kps_natural_compare("", ""), 0);
    ck_assert_int_lt(kps_natural_compare("", "0"), 0);
}
END_TEST

START_TEST(test_walk_natural_order)
{
    char dir[] = "/tmp/kpiscan-natural-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *names[] = {"10.txt", "2.txt",   "1.txt", "01.txt",
                           "b.txt",  "a10.txt", "a9.txt"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        write_file(dir, names[i], "Tracked KPIs\n", 13);
    const char *want[] = {"01.txt", "1.txt",   "2.txt", "10.txt",
                          "a9.txt", "a10.txt", "b.txt"};
    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(s.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < s.n; i++) {
        const char *base = strrchr(s.names[i], '/');
        ck_assert_ptr_nonnull(base);
        ck_assert_str_eq(base + 1, want[i]);
    }
    kpiscan_pack_free(p);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Three resumes of clearly different levels, given in the wrong order,
 * and a failure first: every key ranks results before errors, and the
 * level key puts the strongest first. */
START_TEST(test_sorted_delivery)
{
    static const char junior[] =
        "Junior Reporting Analyst\nJan 2025 - Present\n"
        "Built simple dashboards; data collection for weekly reports.\n";
    static const char senior[] =
        "Head of Performance\nJan 2012 - Present\n"
        "Defined the KPI framework for the company and led a team of 12 "
        "analysts; raised retention by 15% by aligning KPIs with strategic "
        "goals.\n";
    static const char none[] = "Gardener. I like plants.\n";
    kpiscan_pack *p = pack_default();
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_as_of(o, 2026, 6, 1), KPISCAN_OK);
    for (int key = KPISCAN_SORT_INPUT; key <= KPISCAN_SORT_NAME; key++) {
        seen s = {0};
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(kpiscan_batch_new(p, o, 2, 0, collect, &s, &b, NULL),
                         KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_set_sort(b, key, NULL), KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_add_failure(b, "a-broken",
                                                   KPISCAN_ERR_IO, "no", NULL),
                         KPISCAN_OK);
        ck_assert_int_eq(
            kpiscan_batch_add_buffer(b, none, strlen(none), "cv10", NULL),
            KPISCAN_OK);
        ck_assert_int_eq(
            kpiscan_batch_add_buffer(b, junior, strlen(junior), "cv9", NULL),
            KPISCAN_OK);
        ck_assert_int_eq(
            kpiscan_batch_add_buffer(b, senior, strlen(senior), "cv2", NULL),
            KPISCAN_OK);
        /* too late to change the order once inputs are queued */
        ck_assert_int_eq(kpiscan_batch_set_sort(b, KPISCAN_SORT_NAME, NULL),
                         KPISCAN_ERR_ARGUMENT);
        ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
        kpiscan_batch_free(b);
        ck_assert_uint_eq(s.n, 4);
        if (key == KPISCAN_SORT_INPUT) {
            ck_assert_str_eq(s.names[0], "a-broken");
            ck_assert_str_eq(s.names[3], "cv2");
            continue;
        }
        ck_assert_str_eq(s.names[3], "a-broken"); /* errors last */
        if (key != KPISCAN_SORT_CONFIDENCE) {
            /* senior > junior > none; 14 > 1.4 > unknown years; and the
             * names in natural order, which happens to agree */
            ck_assert_str_eq(s.names[0], "cv2");
            ck_assert_str_eq(s.names[1], "cv9");
            ck_assert_str_eq(s.names[2], "cv10");
        }
    }
    ck_assert_int_eq(kpiscan_sort_from_name("level"), KPISCAN_SORT_LEVEL);
    ck_assert_int_eq(kpiscan_sort_from_name("name"), KPISCAN_SORT_NAME);
    ck_assert_int_eq(kpiscan_sort_from_name("Level"), -1);
    ck_assert_int_eq(kpiscan_sort_from_name(NULL), -1);
    ck_assert_str_eq(kpiscan_sort_name(KPISCAN_SORT_YEARS), "years");
    ck_assert_ptr_null(kpiscan_sort_name(5));
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 1, 0, NULL, NULL, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_set_sort(b, 99, NULL), KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_batch_set_sort(NULL, 1, NULL),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_batch_free(b);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

/* The comparator on hand-made records: level then confidence as printed,
 * years with unknown last, ties by input order, errors after results. */
/* Shards: k of n keeps the inputs kpiscan_shard_of() gives k, so n
 * batches over the same buffers deliver each exactly once; bad k/n and a
 * shard set after queueing are refused. */
static void count_shard(const kpiscan_record *rec, void *user)
{
    int *hits = user;
    int i = atoi(kpiscan_record_name(rec) + 4);
    ck_assert_int_ge(i, 0);
    ck_assert_int_lt(i, 50);
    hits[i]++;
    /* No digest unless asked for. */
    ck_assert_ptr_null(kpiscan_record_sha256(rec));
}

START_TEST(test_shards)
{
    kpiscan_pack *p = pack_default();
    int hits[50] = {0};
    const unsigned n = 3;
    for (unsigned k = 1; k <= n; k++) {
        kpiscan_batch *b = NULL;
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, 2, 0, count_shard, hits, &b, NULL),
            KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_set_shard(b, k, n, NULL), KPISCAN_OK);
        size_t mine = 0;
        for (int i = 0; i < 50; i++) {
            char name[32];
            snprintf(name, sizeof name, "buf-%d", i);
            mine += kpiscan_shard_of(name, n) == k;
            ck_assert_int_eq(
                kpiscan_batch_add_buffer(b, "Tracked KPIs", 12, name, NULL),
                KPISCAN_OK);
        }
        ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
        /* The counters see the shard alone. */
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_QUEUED), mine);
        ck_assert_uint_eq(kpiscan_batch_count(b, KPISCAN_COUNT_DELIVERED),
                          mine);
        /* Too late once inputs are queued (when any were). */
        if (mine)
            ck_assert_int_eq(kpiscan_batch_set_shard(b, 1, 1, NULL),
                             KPISCAN_ERR_ARGUMENT);
        kpiscan_batch_free(b);
    }
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(hits[i], 1);
    /* FNV-1a 64 of "" is the offset basis; of "a", a known value. */
    ck_assert_uint_eq(kpiscan_shard_of("", 1000),
                      (unsigned)(14695981039346656037u % 1000) + 1);
    ck_assert_uint_eq(kpiscan_shard_of("a", 1000),
                      (unsigned)(0xaf63dc4c8601ec8cu % 1000) + 1);
    ck_assert_uint_eq(kpiscan_shard_of(NULL, 3), 0);
    ck_assert_uint_eq(kpiscan_shard_of("a", 0), 0);
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 1, 0, NULL, NULL, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_set_shard(b, 0, 3, NULL),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_batch_set_shard(b, 4, 3, NULL),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_batch_set_shard(b, 1, 0, NULL),
                     KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_batch_set_shard(NULL, 1, 1, NULL),
                     KPISCAN_ERR_ARGUMENT);
    kpiscan_batch_free(b);
    kpiscan_pack_free(p);
}
END_TEST

/* kpiscan_options_set_sha256: each record that read bytes has their
 * digest (that of "abc" is FIPS 180-2's example), also an error record;
 * a missing file has none. */
static void check_sha(const kpiscan_record *rec, void *user)
{
    int *n = user;
    const char *name = kpiscan_record_name(rec);
    const char *sha = kpiscan_record_sha256(rec);
    if (strcmp(name, "abc") == 0) {
        ck_assert_int_eq(kpiscan_record_status(rec), KPISCAN_OK);
        ck_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223"
                              "b00361a396177a9cb410ff61f20015ad");
        ck_assert_ptr_nonnull(
            strstr(kpiscan_record_json(rec), "\"sha256\":\"ba7816bf"));
    } else if (strcmp(name, "empty") == 0) {
        ck_assert_int_eq(kpiscan_record_status(rec), KPISCAN_ERR_EMPTY);
        ck_assert_str_eq(sha, "e3b0c44298fc1c149afbf4c8996fb924"
                              "27ae41e4649b934ca495991b7852b855");
        ck_assert_ptr_nonnull(
            strstr(kpiscan_record_json(rec), "\"sha256\":\"e3b0c442"));
    } else {
        ck_assert_int_eq(kpiscan_record_status(rec), KPISCAN_ERR_IO);
        ck_assert_ptr_null(sha);
        ck_assert_ptr_null(strstr(kpiscan_record_json(rec), "sha256"));
    }
    ++*n;
}

START_TEST(test_sha256)
{
    kpiscan_pack *p = pack_default();
    kpiscan_options *o = kpiscan_options_new();
    ck_assert_int_eq(kpiscan_options_set_sha256(o, 1), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_options_set_sha256(NULL, 1), KPISCAN_ERR_ARGUMENT);
    int n = 0;
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, o, 2, KPISCAN_BATCH_RENDER_JSON,
                                       check_sha, &n, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_buffer(b, "abc", 3, "abc", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_buffer(b, "", 0, "empty", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_path(b, "/nonexistent/kpiscan-sha", 0, NULL),
        KPISCAN_OK);
    kpiscan_batch_free(b);
    ck_assert_int_eq(n, 3);
    kpiscan_options_free(o);
    kpiscan_pack_free(p);
}
END_TEST

START_TEST(test_record_compare)
{
    kpiscan_result r[3];
    memset(r, 0, sizeof r);
    r[0].level = KPISCAN_LEVEL_MID;
    r[0].confidence = 0.801;
    r[0].years = -1;
    r[1].level = KPISCAN_LEVEL_MID;
    r[1].confidence = 0.799; /* prints as 0.80 too: a tie */
    r[1].years = 3;
    r[2].level = KPISCAN_LEVEL_SENIOR;
    r[2].confidence = 0.5;
    r[2].years = 0;
    kpiscan_record rec[4];
    memset(rec, 0, sizeof rec);
    for (int i = 0; i < 4; i++) {
        rec[i].index = (size_t)i;
        rec[i].result = i < 3 ? &r[i] : NULL;
        rec[i].status = i < 3 ? KPISCAN_OK : KPISCAN_ERR_IO;
    }
    rec[0].name = "b10";
    rec[1].name = "b9";
    rec[2].name = "c";
    rec[3].name = "a";
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[2], &rec[0], KPISCAN_SORT_LEVEL), 0);
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[0], &rec[1], KPISCAN_SORT_LEVEL),
        0); /* tie broken by input order */
    ck_assert_int_gt(
        kpiscan_record_compare(&rec[1], &rec[0], KPISCAN_SORT_CONFIDENCE), 0);
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[0], &rec[2], KPISCAN_SORT_CONFIDENCE), 0);
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[1], &rec[2], KPISCAN_SORT_YEARS), 0);
    ck_assert_int_gt(
        kpiscan_record_compare(&rec[0], &rec[2], KPISCAN_SORT_YEARS),
        0); /* unknown after 0 years */
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[1], &rec[0], KPISCAN_SORT_NAME), 0);
    for (int key = 0; key <= KPISCAN_SORT_NAME; key++) {
        for (int i = 0; i < 3; i++) {
            ck_assert_int_lt(kpiscan_record_compare(&rec[i], &rec[3], key), 0);
            ck_assert_int_gt(kpiscan_record_compare(&rec[3], &rec[i], key), 0);
        }
        ck_assert_int_eq(kpiscan_record_compare(&rec[1], &rec[1], key), 0);
    }
    /* Within none the less sure record ranks first under level: it is the
     * nearer to showing KPI work.  Confidence alone still ranks it last. */
    kpiscan_result none_sure = {.level = KPISCAN_LEVEL_NONE, .confidence = 0.9};
    kpiscan_result none_borderline = {.level = KPISCAN_LEVEL_NONE,
                                      .confidence = 0.6};
    kpiscan_record sure = {.index = 0, .result = &none_sure, .name = "s"};
    kpiscan_record borderline = {
        .index = 1, .result = &none_borderline, .name = "b"};
    ck_assert_int_lt(
        kpiscan_record_compare(&borderline, &sure, KPISCAN_SORT_LEVEL), 0);
    ck_assert_int_gt(
        kpiscan_record_compare(&borderline, &sure, KPISCAN_SORT_CONFIDENCE), 0);
    ck_assert_int_lt(
        kpiscan_record_compare(&rec[2], &borderline, KPISCAN_SORT_LEVEL), 0);
    /* the sort itself is the comparator's order */
    kpiscan_record copy[4] = {rec[3], rec[1], rec[0], rec[2]};
    ck_assert_int_eq(kps_sort_records(copy, 4, KPISCAN_SORT_LEVEL), 0);
    ck_assert_str_eq(copy[0].name, "c");
    ck_assert_str_eq(copy[1].name, "b10");
    ck_assert_str_eq(copy[2].name, "b9");
    ck_assert_str_eq(copy[3].name, "a");
}
END_TEST

/* The summary record: the batch's counters, and the gate failures only
 * when the caller ran gates. */
START_TEST(test_summary_json)
{
    kpiscan_pack *p = pack_default();
    seen s = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, 0, collect, &s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_add_path(b, src_path("examples/mid-1.txt"), 0, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, "/nonexistent/x.txt", 0, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
    char *plain = kpiscan_batch_summary_json(b, p, -1);
    char *gated = kpiscan_batch_summary_json_with_gates(b, p, -1, 3);
    char *timed = kpiscan_batch_summary_json_with_gates(b, p, 2.0, 0);
    ck_assert_ptr_nonnull(plain);
    ck_assert_ptr_nonnull(gated);
    ck_assert_ptr_nonnull(timed);
    ck_assert_ptr_nonnull(strstr(plain, "\"records\":2,\"scanned\":1,"
                                        "\"errors\":1,\"skipped\":0,"));
    ck_assert_ptr_nonnull(strstr(plain, "\"mid\":1"));
    ck_assert_ptr_null(strstr(plain, "gate_failures"));
    ck_assert_ptr_null(strstr(plain, "timing"));
    ck_assert_ptr_nonnull(
        strstr(gated, "\"hidden_text\":0,\"gate_failures\":3}"));
    ck_assert_ptr_nonnull(strstr(timed, "\"gate_failures\":0,\"timing\":{"));
    ck_assert_ptr_nonnull(strstr(gated, "\"pack\":{\"name\":\"kpi\""));
    ck_assert_ptr_null(kpiscan_batch_summary_json_with_gates(NULL, p, -1, 1));
    kpiscan_free(plain);
    kpiscan_free(gated);
    kpiscan_free(timed);
    kpiscan_batch_free(b);
    kpiscan_pack_free(p);
}
END_TEST

/* A callback that calls back into its own batch: every add, setter and
 * finish is refused with a message, where each waited forever for the
 * lock its own thread held during delivery; free does nothing there.  A
 * second batch fed from the callback works. */
typedef struct reentry {
    kpiscan_batch *self, *other;
    size_t records, refused;
    char reason[256];
} reentry;

static void reenter(const kpiscan_record *rec, void *user)
{
    (void)rec;
    reentry *r = user;
    kpiscan_error *err = kpiscan_error_new();
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[1]);
    int rc[] = {
        kpiscan_batch_add_buffer(r->self, "KPI", 3, "again", err),
        kpiscan_batch_add_path(r->self, "/nonexistent", 0, err),
        kpiscan_batch_add_fd(r->self, fds[0], "fd", err),
        kpiscan_batch_add_failure(r->self, "x", KPISCAN_ERR_IO, "y", err),
        kpiscan_batch_set_sort(r->self, KPISCAN_SORT_NAME, err),
        kpiscan_batch_set_shard(r->self, 1, 2, err),
        kpiscan_batch_skip_file(r->self, "/", KPISCAN_ERR_IO, "z", err),
        kpiscan_batch_finish(r->self),
    };
    close(fds[0]);
    for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++)
        r->refused += rc[i] == KPISCAN_ERR_ARGUMENT;
    snprintf(r->reason, sizeof r->reason, "%s", kpiscan_error_reason(err));
    kpiscan_batch_free(r->self); /* refused too: the batch goes on */
    ck_assert_int_eq(kpiscan_batch_add_buffer(r->other, "KPI", 3, "fed", err),
                     KPISCAN_OK);
    kpiscan_error_free(err);
    r->records++;
}

START_TEST(test_callback_reentry_refused)
{
    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    for (unsigned jobs = 1; jobs <= 2; jobs++) {
        seen *fed = calloc(1, sizeof *fed);
        reentry r = {0};
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, jobs, 0, collect, fed, &r.other, NULL),
            KPISCAN_OK);
        ck_assert_int_eq(
            kpiscan_batch_new(p, NULL, jobs, 0, reenter, &r, &r.self, NULL),
            KPISCAN_OK);
        for (int i = 0; i < 3; i++)
            ck_assert_int_eq(kpiscan_batch_add_buffer(r.self, "Senior KPI", 10,
                                                      "cv.txt", NULL),
                             KPISCAN_OK);
        ck_assert_int_eq(kpiscan_batch_finish(r.self), KPISCAN_OK);
        kpiscan_batch_free(r.self);
        ck_assert_int_eq(kpiscan_batch_finish(r.other), KPISCAN_OK);
        kpiscan_batch_free(r.other);
        ck_assert_uint_eq(r.records, 3);
        ck_assert_uint_eq(r.refused, 3 * 8);
        ck_assert_ptr_nonnull(strstr(r.reason, "own record callback"));
        ck_assert_uint_eq(fed->n, 3);
        free(fed);
    }
    kpiscan_pack_free(p);
}
END_TEST

/* A callback that finishes another batch runs that batch's held records
 * on its own thread, inside its own callback: when they are done, calls
 * into its own batch are still refused.  Both batches sort, so their
 * records come from finish, on the calling thread, and a call that got
 * through would fail as an add after finish, with another reason. */
typedef struct nested {
    kpiscan_pack *pack;
    kpiscan_batch *self;
    size_t records, inner;
    int rc;
    char reason[256];
} nested;

static void count_inner(const kpiscan_record *rec, void *user)
{
    (void)rec;
    ((nested *)user)->inner++;
}

static void feed_inner(const kpiscan_record *rec, void *user)
{
    (void)rec;
    nested *n = user;
    kpiscan_batch *inner = NULL;
    ck_assert_int_eq(
        kpiscan_batch_new(n->pack, NULL, 1, 0, count_inner, n, &inner, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_set_sort(inner, KPISCAN_SORT_NAME, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_buffer(inner, "KPI", 3, "in", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(inner), KPISCAN_OK);
    kpiscan_batch_free(inner);
    kpiscan_error *err = kpiscan_error_new();
    n->rc = kpiscan_batch_add_buffer(n->self, "KPI", 3, "again", err);
    snprintf(n->reason, sizeof n->reason, "%s", kpiscan_error_reason(err));
    kpiscan_error_free(err);
    n->records++;
}

START_TEST(test_callback_reentry_after_nested_batch)
{
    nested n = {0};
    ck_assert_int_eq(kpiscan_pack_load_default(&n.pack, NULL), KPISCAN_OK);
    ck_assert_int_eq(
        kpiscan_batch_new(n.pack, NULL, 1, 0, feed_inner, &n, &n.self, NULL),
        KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_set_sort(n.self, KPISCAN_SORT_NAME, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_buffer(n.self, "KPI", 3, "cv", NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(n.self), KPISCAN_OK);
    kpiscan_batch_free(n.self);
    ck_assert_uint_eq(n.records, 1);
    ck_assert_uint_eq(n.inner, 1);
    ck_assert_int_eq(n.rc, KPISCAN_ERR_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(n.reason, "own record callback"));
    kpiscan_pack_free(n.pack);
}
END_TEST

/* FIFOs named as inputs.  Each test makes one in a fresh folder; a
 * writer, when there is one, is a thread that opens it after a delay. */

static const char fifo_resume[] =
    "Data Analyst\nTracked KPIs and cut churn by 8%.\n";

static long long elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(now.tv_sec - since->tv_sec) * 1000 +
           (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

typedef struct fifo_writer {
    char path[512];
    long delay_ms;    /* before opening */
    const char *data; /* written at once; NULL writes nothing */
    long hold_ms;     /* kept open after writing */
    int opened;       /* 1 once a reader was there to open it for */
} fifo_writer;

static void *write_fifo(void *arg)
{
    fifo_writer *w = arg;
    sleep_ms(w->delay_ms);
    /* O_NONBLOCK fails (ENXIO) until a reader has it open: retried for a
     * while, so a reader that never comes fails the test instead of
     * leaving this thread blocked in open() for ever. */
    int fd = -1;
    for (int i = 0; i < 1000 && fd < 0; i++) {
        fd = open(w->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            sleep_ms(10);
    }
    if (fd < 0)
        return NULL;
    w->opened = 1;
    if (w->data) {
        size_t n = strlen(w->data);
        if (write(fd, w->data, n) != (ssize_t)n)
            w->opened = -1;
    }
    sleep_ms(w->hold_ms);
    close(fd);
    return NULL;
}

/* A folder holding the FIFO "cv.txt" and a resume "after.txt". */
static void make_fifo_dir(char dir[64], char fifo[512], char after[512])
{
    snprintf(dir, 64, "/tmp/kpiscan-fifo-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(fifo, 512, "%s/cv.txt", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    write_file(dir, "after.txt", fifo_resume, strlen(fifo_resume));
    snprintf(after, 512, "%s/after.txt", dir);
}

static void remove_fifo_dir(const char *dir, const char *fifo,
                            const char *after)
{
    unlink(fifo);
    unlink(after);
    rmdir(dir);
}

/* The FIFO, then a resume after it, through a batch of two workers. */
static void scan_fifo_then_file(const char *fifo, const char *after, seen *s)
{
    kpiscan_pack *p = pack_default();
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 2, 0, collect, s, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, fifo, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, after, 0, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_finish(b), KPISCAN_OK);
    kpiscan_batch_free(b);
    kpiscan_pack_free(p);
    ck_assert_uint_eq(s->n, 2);
}

/* scan_fifo_then_file() while a thread plays writer w on the FIFO, the idle
 * time set to idle_ms; how long the scan took, in milliseconds. */
static long long scan_with_writer(unsigned idle_ms, fifo_writer *w,
                                  const char *fifo, const char *after, seen *s)
{
    kps_batch_set_fifo_idle_ms(idle_ms);
    snprintf(w->path, sizeof w->path, "%s", fifo);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, write_fifo, w), 0);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    scan_fifo_then_file(fifo, after, s);
    long long took = elapsed_ms(&start);
    pthread_join(t, NULL);
    kps_batch_set_fifo_idle_ms(0);
    ck_assert_int_eq(w->opened, 1);
    return took;
}

/* A FIFO nobody opens for writing: its record fails, naming it, once the
 * idle time is up, and the record after it is delivered.  It used to
 * block the open, and every later record, for ever. */
START_TEST(test_fifo_no_writer)
{
    char dir[64], fifo[512], after[512];
    make_fifo_dir(dir, fifo, after);
    kps_batch_set_fifo_idle_ms(300);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    seen s = {0};
    scan_fifo_then_file(fifo, after, &s);
    long long took = elapsed_ms(&start);
    kps_batch_set_fifo_idle_ms(0);
    ck_assert_msg(took >= 250 && took < 10000, "took %lld ms", took);
    ck_assert_str_eq(s.names[0], fifo);
    ck_assert_int_eq(s.status[0], KPISCAN_ERR_IO);
    ck_assert_int_eq(s.skipped[0], 0);
    ck_assert_str_eq(s.reason[0], "FIFO: nothing was written to it within "
                                  "300 ms (no writer?)");
    ck_assert_str_eq(s.names[1], after);
    ck_assert_int_eq(s.status[1], KPISCAN_OK);
    remove_fifo_dir(dir, fifo, after);
}
END_TEST

/* A writer that comes after a while (a read() of 0 before it came is not
 * the end) is read to its end, within the idle time of each wait. */
START_TEST(test_fifo_late_writer)
{
    char dir[64], fifo[512], after[512];
    make_fifo_dir(dir, fifo, after);
    fifo_writer w = {.delay_ms = 200, .data = fifo_resume, .hold_ms = 0};
    seen s = {0};
    scan_with_writer(5000, &w, fifo, after, &s);
    ck_assert_msg(s.status[0] == KPISCAN_OK, "%s", s.reason[0]);
    ck_assert_uint_eq(s.bytes[0], strlen(fifo_resume));
    ck_assert_int_eq(s.status[1], KPISCAN_OK);
    remove_fifo_dir(dir, fifo, after);
}
END_TEST

/* An anonymous pipe named by its /proc path ("<(cmd)") always has its
 * writer: a writer silent for longer than the idle time is waited for,
 * as standard input is. */
typedef struct pipe_writer {
    int fd;
    unsigned delay_ms;
} pipe_writer;

static void *write_pipe_late(void *arg)
{
    pipe_writer *w = arg;
    struct timespec d = {w->delay_ms / 1000,
                         (long)(w->delay_ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
    ssize_t n = write(w->fd, fifo_resume, strlen(fifo_resume));
    (void)n;
    close(w->fd);
    return NULL;
}

START_TEST(test_anonymous_pipe_waits)
{
    char dir[64], fifo[512], after[512];
    make_fifo_dir(dir, fifo, after);
    int ends[2];
    ck_assert_int_eq(pipe(ends), 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", ends[0]);
    kps_batch_set_fifo_idle_ms(200);
    pipe_writer w = {ends[1], 700};
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, write_pipe_late, &w), 0);
    seen s = {0};
    scan_fifo_then_file(path, after, &s);
    pthread_join(t, NULL);
    kps_batch_set_fifo_idle_ms(0);
    close(ends[0]);
    ck_assert_msg(s.status[0] == KPISCAN_OK, "%s", s.reason[0]);
    ck_assert_uint_eq(s.bytes[0], strlen(fifo_resume));
    ck_assert_int_eq(s.status[1], KPISCAN_OK);
    remove_fifo_dir(dir, fifo, after);
}
END_TEST

/* A writer that opens and closes without writing: an empty document, as
 * an empty file is, at once rather than after the idle time. */
START_TEST(test_fifo_writer_writes_nothing)
{
    char dir[64], fifo[512], after[512];
    make_fifo_dir(dir, fifo, after);
    fifo_writer w = {.delay_ms = 100, .data = NULL, .hold_ms = 0};
    seen s = {0};
    long long took = scan_with_writer(20000, &w, fifo, after, &s);
    ck_assert_msg(took < 10000, "took %lld ms", took);
    ck_assert_int_eq(s.status[0], KPISCAN_ERR_EMPTY);
    ck_assert_str_eq(s.reason[0], "empty document");
    ck_assert_int_eq(s.status[1], KPISCAN_OK);
    remove_fifo_dir(dir, fifo, after);
}
END_TEST

/* A writer that writes a little and then holds the FIFO open, silent:
 * the same idle time ends the wait, and the reason says how far it got. */
START_TEST(test_fifo_writer_stalls)
{
    char dir[64], fifo[512], after[512];
    make_fifo_dir(dir, fifo, after);
    fifo_writer w = {.delay_ms = 0, .data = fifo_resume, .hold_ms = 2000};
    seen s = {0};
    scan_with_writer(300, &w, fifo, after, &s);
    ck_assert_int_eq(s.status[0], KPISCAN_ERR_IO);
    char want[256];
    snprintf(want, sizeof want,
             "FIFO: nothing more was written to it for 300 ms after %zu "
             "bytes, and its writer did not close it",
             strlen(fifo_resume));
    ck_assert_str_eq(s.reason[0], want);
    ck_assert_int_eq(s.status[1], KPISCAN_OK);
    remove_fifo_dir(dir, fifo, after);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("batch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ordered_explicit);
    tcase_add_test(tc, test_jobs_capped);
    tcase_add_test(tc, test_unordered_all_delivered);
    tcase_add_test(tc, test_walk_mixed_folder);
    tcase_add_test(tc, test_walk_passes_over_own_outputs);
    tcase_add_test(tc, test_operand_links);
    tcase_add_test(tc, test_failure_and_csv);
    tcase_add_test(tc, test_render_json);
    tcase_add_test(tc, test_unique_files);
    tcase_add_test(tc, test_skip_file);
    tcase_add_test(tc, test_add_fd);
    tcase_add_test(tc, test_natural_compare);
    tcase_add_test(tc, test_walk_natural_order);
    tcase_add_test(tc, test_sorted_delivery);
    tcase_add_test(tc, test_record_compare);
    tcase_add_test(tc, test_summary_json);
    tcase_add_test(tc, test_shards);
    tcase_add_test(tc, test_sha256);
    tcase_add_test(tc, test_callback_reentry_refused);
    tcase_add_test(tc, test_callback_reentry_after_nested_batch);
    suite_add_tcase(s, tc);
    /* Without a bounded wait the FIFO tests hang: a short time-out makes
     * that a failure rather than a wait for the suite's. */
    TCase *fifo = tcase_create("fifo");
    tcase_set_timeout(fifo, 20);
    tcase_add_test(fifo, test_fifo_no_writer);
    tcase_add_test(fifo, test_fifo_late_writer);
    tcase_add_test(fifo, test_fifo_writer_writes_nothing);
    tcase_add_test(fifo, test_fifo_writer_stalls);
    tcase_add_test(fifo, test_anonymous_pipe_waits);
    suite_add_tcase(s, fifo);
    return run_suite(s);
}
