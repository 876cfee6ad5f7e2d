/* kpiscan - command-line front end of libkpiscan.
 *
 * Only maps argv to library calls and prints what they return; everything
 * worth testing without a terminal lives in the library. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kpiscan.h>

#define EXIT_GATE_FAILED 1
#define EXIT_INPUT_ERROR 2

enum output_format {
    OUT_TEXT,
    OUT_JSON,
    OUT_JSONL,
    OUT_CSV,
    OUT_JUNIT,
    OUT_GITHUB,
    OUT_HTML
};

typedef struct cli {
    enum output_format format;
    int use_default_pack;
    const char **packs;
    size_t npacks;
    const char **disabled;
    size_t ndisabled;
    int list_rules;
    const char *check_pack;
    kpiscan_options *opts;
    unsigned jobs; /* 0: online CPUs */
    int unordered;
    int sort; /* a kpiscan_sort, or -1 when not given */
    const char *files_from;
    int null_separated;
    unsigned walk_flags;
    int summary, timing, quiet, verbose;
    int explain;
    int gaps; /* --gaps: shown in JSON, JSONL and --explain */
    int extract;
    int no_excerpts;     /* --no-excerpts: the text format quotes nothing */
    int inputs_complete; /* every input queued: the total is final */
    kpiscan_gate *gate;
    int gated;              /* any gate option given */
    const char **manifests; /* --expect-file, in order */
    size_t nmanifests;
    int strict;                /* --strict: checked against nmanifests */
    const char *junit_file;    /* --junit FILE */
    int junit_written;         /* run() wrote it (or failed to, and said so) */
    unsigned shard_k, shard_n; /* --shard K/N; shard_n 0: every input */
} cli;

static void usage(FILE *out)
{
    fputs(
        "Usage: kpiscan [OPTIONS] FILE|DIR...\n"
        "Scan resumes for KPI competence and estimate the level (none, "
        "junior,\n"
        "mid, senior) with the evidence behind it.  FILE '-' reads standard\n"
        "input.  The estimate supports a recruiter's judgement; it does not\n"
        "replace it.\n"
        "\n"
        "Inputs:\n"
        "  FILE or DIR            a directory is walked recursively; in a "
        "walk,\n"
        "                         files that are not documents are skipped,\n"
        "                         and so are kpiscan's own outputs\n"
        "                         (standard output as a file, --junit FILE)\n"
        "      --files-from LIST  read input paths from LIST ('-' = stdin), "
        "one\n"
        "                         per line\n"
        "  -0, --null             paths in LIST are NUL-separated (find "
        "-print0)\n"
        "      --follow           follow symbolic links met in walks (loops\n"
        "                         detected); links named as FILE or DIR are\n"
        "                         always followed\n"
        "      --hidden           include hidden files and folders in walks\n"
        "                         (else skipped and counted)\n"
        "  -j, --jobs N           worker threads, 1 to 256 (default: online\n"
        "                         CPUs)\n"
        "      --shard K/N        keep only the inputs of shard K of N (1 <= "
        "K <= N\n"
        "                         <= 1000000):\n"
        "                         FNV-1a 64 of the path as given, mod N; "
        "gates and\n"
        "                         the summary count that shard alone\n"
        "\n"
        "Output:\n"
        "  -f, --format FORMAT    text (default), json, jsonl, csv, junit,\n"
        "                         github or html (one report of the "
        "batch)\n"
        "      --unordered        write each record as it finishes (default:\n"
        "                         input order)\n"
        "      --sort KEY         rank records: level (strongest first;\n"
        "                         within a level the surest first, within\n"
        "                         none the least sure), confidence, years or\n"
        "                         name; errors last.  Holds every record\n"
        "                         until the end: memory grows by about 30 KB\n"
        "                         per resume (flat without --sort)\n"
        "      --no-excerpts      leave the resume's own words out of every\n"
        "                         format (rule ids and positions only)\n"
        "      --sha256           JSON and JSONL records carry the SHA-256 "
        "of the\n"
        "                         input's bytes (\"sha256\"), for merges "
        "that drop\n"
        "                         duplicates\n"
        "      --summary          end the output with the run's summary (text\n"
        "                         block, JSONL record, JSON array element, "
        "GitHub\n"
        "                         notice; not with csv, junit or html)\n"
        "      --timing           add durations and rates to the summary\n"
        "  -q, --quiet            no summary or progress line on stderr (a "
        "failed\n"
        "                         gate, or a run that found no resume, is "
        "still\n"
        "                         named there)\n"
        "  -v, --verbose          list skipped files on stderr\n"
        "      --extract          print the text as extracted and scanned\n"
        "                         (DOCX, ODT, PDF, HTML, RTF, .doc or decoded\n"
        "                         text) instead of a verdict\n"
        "      --include-comments read DOCX comments too (a reviewer's words;\n"
        "                         left out by default)\n"
        "\n"
        "Patterns:\n"
        "  -p, --pack FILE        layer a pack file over the default pack\n"
        "                         (repeatable; same rule id overrides)\n"
        "      --no-default-pack  start from an empty pack\n"
        "      --disable-rule ID  switch one rule off (repeatable)\n"
        "      --list-rules       print the effective rules and exit\n"
        "      --check-pack FILE  validate a pack and its examples, then exit\n"
        "\n"
        "Estimate:\n"
        "      --as-of YYYY-MM-DD date that \"Present\" means (default today;\n"
        "                         DOCX, ODT, PDF, RTF, .doc: the earlier of\n"
        "                         today and last save, unless the save is\n"
        "                         older than the document's own jobs)\n"
        "      --explain          text output shows the arithmetic behind "
        "each\n"
        "                         estimate (evidence weights, years, the "
        "rule)\n"
        "      --gaps             report gaps between jobs as facts in "
        "JSON,\n"
        "                         JSONL or --explain (they never change "
        "the\n"
        "                         estimate)\n"
        "\n"
        "Gates (for CI):\n"
        "      --fail-under LEVEL fail when a resume is below LEVEL\n"
        "                         (none < junior < mid < senior)\n"
        "      --expect LEVEL     fail unless every resume is exactly LEVEL\n"
        "      --expect-file MANIFEST\n"
        "                         lines 'path<TAB>level' (paths relative to "
        "the\n"
        "                         manifest); the listed files are scanned and\n"
        "                         each must have its level (a walk skips the\n"
        "                         manifest itself)\n"
        "      --strict           with --expect-file, fail on a scanned file "
        "the\n"
        "                         manifest does not list\n"
        "      --fail-on-hidden   fail when a resume hides KPI text from "
        "readers\n"
        "      --junit FILE       also write JUnit XML to FILE (not '-': use\n"
        "                         --format junit); never left with an older\n"
        "                         run's report: a run stopped by an error\n"
        "                         writes its reason there\n"
        "\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Exit status: 0 every input was scanned and every gate passed; 1 a "
        "gate\n"
        "failed; 2 usage error, a bad pack or manifest, any input that could "
        "not\n"
        "be scanned (the others are still reported), or gates given but no "
        "resume\n"
        "found (folders empty or holding only skipped files; without gates, "
        "or\n"
        "with --shard, that is a warning on stderr and status 0); 2 takes "
        "precedence.\n",
        out);
}

/* Standard error: every message goes out through say() or between
 * begin_message() and end_message() (defined with the progress line). */
static void begin_message(void);
static void end_message(void);
static void vsay(int stops, const char *fmt, va_list ap);
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int stop(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    begin_message();
    vsay(1, fmt, ap);
    fputs("Try 'kpiscan --help' for more information.\n", stderr);
    end_message();
    va_end(ap);
    return EXIT_INPUT_ERROR;
}

/* The message for an option getopt_long() refused (opterr is 0): kind is
 * ':' (a missing argument) or '?' (unknown, ambiguous, or an argument
 * given to an option that takes none); arg is the argv element. */
static int bad_option(int kind, const char *arg, const struct option *opts)
{
    if (strncmp(arg, "--", 2) != 0) /* a short option, maybe in a cluster */
        return optopt && kind == ':'
                   ? usage_error("option '-%c' requires an argument", optopt)
                   : usage_error("invalid option '-%c'", optopt ? optopt : '?');
    size_t len = strcspn(arg + 2, "=");
    if (kind == ':')
        return usage_error("option '%.*s' requires an argument", (int)len + 2,
                           arg);
    size_t matches = 0;
    for (const struct option *o = opts; o->name; o++) {
        if (strlen(o->name) == len && strncmp(o->name, arg + 2, len) == 0)
            return usage_error("option '--%s' takes no argument", o->name);
        matches += strncmp(o->name, arg + 2, len) == 0;
    }
    if (matches > 1)
        return usage_error("ambiguous option '%.*s'", (int)len + 2, arg);
    return usage_error("unrecognized option '%.*s'", (int)len + 2, arg);
}

static int push(const char ***v, size_t *n, const char *s)
{
    const char **p = realloc(*v, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    p[(*n)++] = s;
    *v = p;
    return 0;
}

/* Text output and standard error carry only valid UTF-8 and no control
 * but newline and tab (kpiscan_text_clean): a file name, a message or a
 * resume can hold terminal escape sequences.  The record callback runs
 * one record at a time, so a small ring of cleaned strings is enough for
 * the few used in one printf; clean(NULL) frees them.  The ring is not
 * locked: while the batch runs, only the record callback may use it (the
 * main thread, queuing inputs, cleans its own copies: list_error()). */
/* kpiscan_text_clean(), and for a string that must stay on one line (a
 * file name, a message) every line end (LF, U+2028, U+2029) too replaced
 * by U+FFFD: a name
 * holding "\nkpiscan: gate passed" must not forge a line of its own.
 * Returns a string to free with kpiscan_free() (or free() when it had to
 * be rebuilt: *rebuilt says which), NULL when out of memory. */
static char *cleaned(const char *s, int one_line, int *rebuilt)
{
    *rebuilt = 0;
    char *c = kpiscan_text_clean(s);
    /* LF, and U+2028 and U+2029 (E2 80 A8/A9), which some log viewers
     * also break lines at */
    if (!c || !one_line ||
        (!strchr(c, '\n') && !strstr(c, "\xE2\x80\xA8") &&
         !strstr(c, "\xE2\x80\xA9")))
        return c;
    size_t n = strlen(c);
    char *out = malloc(3 * n + 1); /* every LF may become 3 bytes */
    if (out) {
        char *o = out;
        for (const char *p = c; *p; p++) {
            if (*p == '\n') {
                memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
            } else if ((unsigned char)p[0] == 0xE2 &&
                       (unsigned char)p[1] == 0x80 &&
                       ((unsigned char)p[2] == 0xA8 ||
                        (unsigned char)p[2] == 0xA9)) {
                memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
                p += 2;
            } else {
                *o++ = *p;
            }
        }
        *o = '\0';
        *rebuilt = 1;
    }
    kpiscan_free(c);
    return out;
}

/* What to print before a name that opens a line of the text output: a
 * line that opens with "::" is a GitHub Actions workflow command
 * ("::stop-commands::", "::add-mask::") when the output is a job's log,
 * so such a name is shown as "./::...", the same file (a name that opens
 * with ':' is relative). */
static const char *line_lead(const char *name)
{
    return name && name[0] == ':' && name[1] == ':' ? "./" : "";
}

static void free_cleaned(char *c, int rebuilt)
{
    if (rebuilt)
        free(c);
    else
        kpiscan_free(c);
}

static const char *ring_keep(const char *s, int one_line)
{
    static char *ring[8];
    static int rebuilt[8];
    static unsigned next;
    if (!s) {
        for (unsigned i = 0; i < 8; i++) {
            free_cleaned(ring[i], rebuilt[i]);
            ring[i] = NULL;
            rebuilt[i] = 0;
        }
        return NULL;
    }
    unsigned i = next++ % 8;
    free_cleaned(ring[i], rebuilt[i]);
    ring[i] = cleaned(s, one_line, &rebuilt[i]);
    return ring[i] ? ring[i] : "?";
}

static const char *clean(const char *s)
{
    return ring_keep(s, 0);
}

/* clean(), for a file name or a message: on one line. */
static const char *clean1(const char *s)
{
    return s ? ring_keep(s, 1) : "";
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
    char tail;
    return sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) == 3 && strlen(s) == 10;
}

static int build_pack(const cli *c, kpiscan_pack **pack, kpiscan_error *err)
{
    kpiscan_pack_builder *b = kpiscan_pack_builder_new();
    if (!b)
        return KPISCAN_ERR_NOMEM;
    int rc = KPISCAN_OK;
    if (c->use_default_pack)
        rc = kpiscan_pack_builder_add_default(b, err);
    for (size_t i = 0; !rc && i < c->npacks; i++)
        rc = kpiscan_pack_builder_add_file(b, c->packs[i], err);
    for (size_t i = 0; !rc && i < c->ndisabled; i++)
        rc = kpiscan_pack_builder_disable_rule(b, c->disabled[i], err);
    if (!rc)
        rc = kpiscan_pack_builder_build(b, pack, err);
    kpiscan_pack_builder_free(b);
    return rc;
}

static void list_rules(const kpiscan_pack *pack)
{
    printf("# pack %s %s sha256:%s, %zu rules\n", kpiscan_pack_name(pack),
           clean1(kpiscan_pack_version(pack)), kpiscan_pack_hash(pack),
           kpiscan_pack_rule_count(pack));
    for (size_t i = 0; i < kpiscan_pack_rule_count(pack); i++)
        printf("%s\t%s\t%s\t%g\t%s\t%s\n", kpiscan_pack_rule_id(pack, i),
               kpiscan_category_name(kpiscan_pack_rule_category(pack, i)),
               kpiscan_level_name(kpiscan_pack_rule_level(pack, i)),
               kpiscan_pack_rule_weight(pack, i),
               clean1(kpiscan_pack_rule_regex(pack, i)),
               clean1(kpiscan_pack_rule_source(pack, i)));
}

static int check_pack(const char *path)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    int rc = kpiscan_pack_load_file(path, &pack, err);
    if (!rc)
        rc = kpiscan_pack_check_examples(pack, err);
    if (rc)
        stop("%s",
             clean1(err ? kpiscan_error_message(err) : kpiscan_strerror(rc)));
    /* A rule that matches nearly everywhere is valid but useless: every
     * document fills the evidence limit or spends the match budget. */
    for (size_t i = 0; !rc && i < kpiscan_pack_rule_count(pack); i++) {
        int d = kpiscan_pack_rule_match_density(pack, i);
        if (d >= 50)
            say("%s: rule '%s': warning: matches at %d%% of the positions "
                "of ordinary text; every resume will reach the evidence "
                "limit",
                clean1(kpiscan_pack_rule_source(pack, i)),
                kpiscan_pack_rule_id(pack, i), d);
        else if (d < 0)
            say("%s: rule '%s': warning: cannot test how often it matches: "
                "%s",
                clean1(kpiscan_pack_rule_source(pack, i)),
                kpiscan_pack_rule_id(pack, i), kpiscan_strerror(d));
    }
    if (!rc)
        printf("%s: OK (pack %s %s, %zu rules, examples pass)\n", clean1(path),
               kpiscan_pack_name(pack), clean1(kpiscan_pack_version(pack)),
               kpiscan_pack_rule_count(pack));
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
    return rc ? EXIT_INPUT_ERROR : EXIT_SUCCESS;
}

/* A match may span a line break; keep each evidence item on one line. */
static void print_one_line(const char *s)
{
    for (s = clean(s); *s; s++)
        putchar((unsigned char)*s < 0x20 ? ' ' : *s);
}

/* Whether a counted job runs to "Present": only then do the years depend
 * on the as-of date. */
static int runs_to_present(const kpiscan_result *res)
{
    for (size_t i = 0; i < kpiscan_result_span_count(res); i++) {
        const kpiscan_span *sp = kpiscan_result_span(res, i);
        if (kpiscan_span_counted(sp) && kpiscan_span_open_ended(sp))
            return 1;
    }
    return 0;
}

/* One verdict line, the rubric's decision ("why"), its red flags and one
 * line per evidence item.  With --no-excerpts the evidence lines stop
 * after the rule id, as JSON and CSV drop "text": CI logs are public. */
static void print_text(const kpiscan_result *res, int excerpts)
{
    int rebuilt;
    char *name = cleaned(kpiscan_result_name(res), 1, &rebuilt);
    if (!name)
        return;
    double years = kpiscan_result_years(res);
    printf("%s%s: %s (confidence %.2f, ", line_lead(name), name,
           kpiscan_level_name(kpiscan_result_level(res)),
           kpiscan_result_confidence(res));
    /* "Present" ran to the document's last save rather than today or
     * --as-of: the same resume as a .txt and as a PDF then differ in
     * years, and the verdict line should say why without --explain. */
    const char *as_of_source = kpiscan_result_as_of_source(res);
    if (years < 0)
        printf("years unknown, ");
    else if (as_of_source &&
             strcmp(as_of_source, "document modified date") == 0 &&
             runs_to_present(res)) {
        long d = kpiscan_result_as_of(res);
        printf("%.1f years up to its last save on %04ld-%02ld-%02ld, ", years,
               d / 10000, d / 100 % 100, d % 100);
    } else
        printf("%.1f years, ", years);
    /* The presence beside the level: "mid" on weak evidence and long years
     * is not "mid" on KPI work, and "none" for a veteran is about KPIs,
     * not seniority. */
    int presence = kpiscan_result_presence(res);
    printf("%s KPI evidence)\n", presence == KPISCAN_PRESENCE_NONE
                                     ? "no"
                                     : kpiscan_presence_name(presence));
    /* The rubric's decision in one line: a level beside junior-only
     * evidence (years decided it) should not need --explain to read. */
    const char *reason = kpiscan_result_reason(res);
    if (reason && *reason) {
        fputs("  why: ", stdout);
        print_one_line(reason);
        putchar('\n');
    }
    /* Red flags right under the verdict: a reader of the text output
     * should not need --explain or JSON to see them. */
    for (size_t i = 0; i < kpiscan_result_flag_count(res); i++) {
        printf("  !! red flag %s", kpiscan_result_flag_id(res, i));
        if (kpiscan_result_flag_line(res, i))
            printf(" (line %zu)", kpiscan_result_flag_line(res, i));
        fputs(": ", stdout);
        print_one_line(kpiscan_result_flag_message(res, i));
        putchar('\n');
    }
    const char *format = kpiscan_result_format(res);
    int pdf = format && strcmp(format, "pdf") == 0;
    for (size_t i = 0; i < kpiscan_result_evidence_count(res); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(res, i);
        char where[64];
        snprintf(where, sizeof where, ":%zu:%zu", kpiscan_evidence_line(ev),
                 kpiscan_evidence_column(ev));
        /* an item that adds nothing says so: a title inside a sentence,
         * a red-flag phrase, a second rule on the same words (--explain
         * says why) */
        const char *hidden = kpiscan_evidence_hidden(ev) ? "  [hidden]"
                             : kpiscan_evidence_contribution(ev) <= 0.0
                                 ? "  [not scored]"
                                 : "";
        /* A PDF's line counts run through the extracted text; its reader
         * finds the words by the page ("page 2") and the line on it.  By
         * the format, not the part's name: a DOCX names its own parts. */
        char page[64] = "";
        if (pdf)
            snprintf(page, sizeof page, "  (%s, line %zu)",
                     clean1(kpiscan_evidence_part(ev)),
                     kpiscan_evidence_paragraph(ev));
        if (!excerpts) {
            printf("  %s%-8s  %-6s  %s%s%s\n", name, where,
                   kpiscan_level_name(kpiscan_evidence_level(ev)),
                   kpiscan_evidence_rule_id(ev), page, hidden);
            continue;
        }
        printf("  %s%-8s  %-6s  %-38s  \"", name, where,
               kpiscan_level_name(kpiscan_evidence_level(ev)),
               kpiscan_evidence_rule_id(ev));
        print_one_line(kpiscan_evidence_text(ev));
        printf("\"%s%s\n", page, hidden);
    }
    free_cleaned(name, rebuilt);
}

/* Output state shared with the record callback (which the library runs
 * one record at a time). */
typedef struct sink {
    const cli *c;
    kpiscan_batch *batch;
    int json_array;  /* --format json with several inputs */
    char *json_tail; /* the last element's last line, not written yet */
    int several;     /* more than one input, or a folder */
    size_t written;  /* records written to stdout */
    int verbose;
    int progress;          /* draw a progress line on stderr */
    int drawn;             /* the progress line is on the screen now */
    int erase_for_records; /* records land on the progress line's terminal */
    double started;        /* seconds */
    double last_draw;
    kpiscan_junit *junit;
    kpiscan_html *html;
    int html_failed;
    size_t gate_failures;
    /* stdout and stderr are the same terminal: an input's error is in its
     * record already, so it is not repeated on stderr */
    int same_terminal;
} sink;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Why the first failed write to standard output failed.  stdio keeps
 * only a flag; by the final fflush() errno has moved on, and a full disk
 * or a closed pipe would be reported as "a write failed".  The writes of
 * each record (and of the last block) start with errno = 0 and are
 * followed by keep_write_errno(), so errno then is the write's. */
static int stdout_errno;

static void keep_write_errno(void)
{
    if (!stdout_errno && ferror(stdout) && errno)
        stdout_errno = errno;
}

/* Called before anything is written where the progress line stands.
 * Records arrive on the batch's worker threads and a file list's errors
 * on the main thread: the line's state and every write to stderr during
 * a run are kept together under stderr's own stdio lock. */
static void erase_progress(sink *k)
{
    flockfile(stderr);
    if (k->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        k->drawn = 0;
    }
    funlockfile(stderr);
}

/* The run whose progress line a message from the main thread must erase
 * first (NULL outside a run, or without the line). */
static sink *running;

/* Bracket a message to stderr: the progress line, if any, is erased
 * first, and no worker redraws it before the message is out.
 *
 * Standard output is flushed first.  When both streams go to one file (a
 * CI log, "> log 2>&1", "2>&1 | tee"), stdout's block buffer would
 * otherwise reach the file after the message, or cut it out of the middle
 * of a record's line.  Records keep stdout's lock while they are written
 * (on_record()), and JSON arrays hold back each element's last line
 * (json_array_next()), so the flush always ends at a line end; and a
 * flush only here costs one write per message, not one per record.
 * Lock order: stdout, then stderr. */
static void begin_message(void)
{
    flockfile(stdout);
    int saved = errno; /* a caller may still need its own */
    errno = 0;
    fflush(stdout);
    keep_write_errno();
    errno = saved;
    flockfile(stderr);
    if (running)
        erase_progress(running);
}

static void end_message(void)
{
    funlockfile(stderr);
    funlockfile(stdout);
}

/* Why the run stopped before its scan could write the --junit report:
 * the first message of stop() or usage_error(), for the report written in
 * the scan's place (junit_stopped()). */
static char *stop_reason;

/* "kpiscan: TEXT" and a newline, formatted first and written whole:
 * standard error is unbuffered, and a line written in pieces could be cut
 * by another writer to the same file.  stops: TEXT may be the reason the
 * run stops (stop_reason). */
static void vsay(int stops, const char *fmt, va_list ap)
{
    char line[1024];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n < 0)
        line[0] = '\0';
    char *whole = n >= (int)sizeof line ? malloc((size_t)n + 1) : NULL;
    if (whole)
        vsnprintf(whole, (size_t)n + 1, fmt, again);
    va_end(again);
    begin_message();
    fprintf(stderr, "kpiscan: %s\n", whole ? whole : line);
    end_message();
    if (stops && !stop_reason)
        stop_reason = whole ? whole : strdup(line);
    else
        free(whole);
}

static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(0, fmt, ap);
    va_end(ap);
}

/* say() a failure that ends the run with status 2 before its scan. */
static int stop(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(1, fmt, ap);
    va_end(ap);
    return EXIT_INPUT_ERROR;
}

/* --format json over several inputs is one array: "[\n" E1 ",\n" E2
 * "\n]\n".  Each element's last line ("}") waits for what follows it,
 * "," or the end, so standard output ends at a line end after every
 * record: the place where a message may go (begin_message()).  Called
 * before a record's messages and element, so those come between
 * elements. */
static void json_array_next(sink *k)
{
    if (k->json_tail)
        fputs(k->json_tail, stdout);
    fputs(k->written ? ",\n" : "[\n", stdout);
    free(k->json_tail);
    k->json_tail = NULL;
}

static void json_array_element(sink *k, const char *json)
{
    const char *nl = strrchr(json, '\n');
    k->json_tail = nl ? strdup(nl + 1) : NULL;
    if (k->json_tail)
        fwrite(json, 1, (size_t)(nl + 1 - json), stdout);
    else /* one line, or out of memory: whole */
        fputs(json, stdout);
}

static void json_array_end(sink *k)
{
    if (k->json_tail)
        fputs(k->json_tail, stdout);
    free(k->json_tail);
    k->json_tail = NULL;
    fputs(k->written || k->c->summary ? "\n]\n" : "[]\n", stdout);
}

/* Redrawn at most ten times a second, but at once after an erase: a line
 * erased for every record of a fast run and redrawn only every tenth of
 * a second would be blank most of the time. */
static void draw_progress(sink *k, int force)
{
    if (!k->progress)
        return;
    double t = now_seconds();
    flockfile(stderr);
    if (!force && k->drawn && t - k->last_draw < 0.1) {
        funlockfile(stderr);
        return;
    }
    size_t done = kpiscan_batch_count(k->batch, KPISCAN_COUNT_DELIVERED);
    size_t total = kpiscan_batch_count(k->batch, KPISCAN_COUNT_QUEUED);
    double rate = t > k->started ? (double)done / (t - k->started) : 0.0;
    fprintf(stderr, "\r\033[K%zu/%zu files  %.0f files/s", done, total, rate);
    if (rate > 0 && total > done && k->c->inputs_complete)
        fprintf(stderr, "  ETA %.0fs", (double)(total - done) / rate);
    fflush(stderr);
    k->drawn = 1;
    k->last_draw = t;
    funlockfile(stderr);
}

static void on_record(const kpiscan_record *rec, void *user)
{
    sink *k = user;
    const cli *c = k->c;
    int status = kpiscan_record_status(rec);
    const kpiscan_error *err = kpiscan_record_error(rec);

    if (kpiscan_record_skipped(rec)) {
        if (k->verbose)
            say("skipped %s", clean1(kpiscan_error_message(err)));
        /* The report and the CI view count it, so a file passed over in
         * a walk does not vanish from what their readers see. */
        if (k->junit)
            kpiscan_junit_add(k->junit, rec, NULL);
        if (c->format == OUT_HTML &&
            kpiscan_html_add(k->html, rec) != KPISCAN_OK)
            k->html_failed = 1;
        draw_progress(k, 0);
        return;
    }
    /* The record and the messages about it, together: a message from
     * the main thread (a file list's error) waits for the record's last
     * line (begin_message()). */
    flockfile(stdout);
    /* Records written to a file, a pipe or another terminal, or kept for
     * the end (JUnit, HTML), leave the line alone. */
    if (k->erase_for_records)
        erase_progress(k);
    if (k->json_array)
        json_array_next(k);
    if (status != KPISCAN_OK && !k->same_terminal)
        say("%s", clean1(kpiscan_error_message(err)));
    char *failure = NULL;
    if (kpiscan_gate_check(c->gate, rec, c->opts, &failure)) {
        k->gate_failures++;
        /* Named on stderr always (--quiet too): a CI log shows which file
         * failed without reading the records.  The first line is the
         * verdict; the rest (top evidence) is in the record. */
        size_t n = strcspn(failure, "\n");
        char *verdict = malloc(n + 1);
        if (verdict) {
            memcpy(verdict, failure, n);
            verdict[n] = '\0';
        }
        say("gate failed: %s: %s", clean1(kpiscan_record_name(rec)),
            verdict ? clean1(verdict) : "(out of memory)");
        free(verdict);
    }
    if (k->junit)
        kpiscan_junit_add(k->junit, rec, failure);

    char *out = NULL;
    errno = 0;
    switch (c->format) {
    case OUT_TEXT:
        if (status != KPISCAN_OK)
            printf("%s%s: error: %s\n", line_lead(kpiscan_record_name(rec)),
                   clean1(kpiscan_record_name(rec)),
                   clean1(kpiscan_error_reason(err)));
        else if (c->extract) {
            size_t len = 0;
            const char *text =
                kpiscan_result_text(kpiscan_record_result(rec), &len);
            if (k->several)
                printf("==> %s <==\n", clean1(kpiscan_record_name(rec)));
            fputs(clean(text), stdout);
            if (len && text[len - 1] != '\n')
                putchar('\n');
        } else if (c->explain) {
            out = kpiscan_result_explain(kpiscan_record_result(rec), c->opts);
            fputs(line_lead(out), stdout); /* it opens with the name */
            fputs(clean(out ? out : ""), stdout);
            putchar('\n');
        } else
            print_text(kpiscan_record_result(rec), !c->no_excerpts);
        if (failure) {
            fputs("  GATE FAILED: ", stdout);
            for (const char *q = clean(failure); *q; q++) {
                putchar(*q);
                if (*q == '\n')
                    fputs("    ", stdout);
            }
            putchar('\n');
        }
        break;
    case OUT_JUNIT: break; /* written whole at the end */
    case OUT_HTML:
        if (kpiscan_html_add(k->html, rec) != KPISCAN_OK)
            k->html_failed = 1;
        break;
    case OUT_GITHUB:
        out = kpiscan_record_to_github(rec, failure);
        fputs(out ? out : "", stdout);
        break;
    case OUT_JSON: {
        /* rendered by the workers (KPISCAN_BATCH_RENDER_JSON) */
        const char *json = kpiscan_record_json(rec);
        if (!json)
            json = out =
                kpiscan_record_to_json(rec, c->opts, KPISCAN_JSON_PRETTY);
        if (k->json_array) {
            json_array_element(k, json ? json : "null");
        } else {
            fputs(json ? json : "null", stdout);
            fputc('\n', stdout);
        }
        break;
    }
    case OUT_JSONL: {
        const char *json = kpiscan_record_json(rec);
        if (!json)
            json = out = kpiscan_record_to_json(rec, c->opts, 0);
        printf("%s\n", json ? json : "null");
        break;
    }
    case OUT_CSV:
        out = kpiscan_record_to_csv(rec, c->opts);
        fputs(out ? out : "", stdout);
        break;
    }
    if (c->unordered)
        fflush(stdout);
    keep_write_errno();
    kpiscan_free(out);
    kpiscan_free(failure);
    k->written++;
    funlockfile(stdout);
    draw_progress(k, 0);
}

/* The run's counts as one JSON object (the JSONL summary record, also
 * the last element of a JSON array), through the library's JSON writer:
 * a pack's version is any string, and printf would let it add members of
 * its own. */
static void print_summary_json(const sink *k, const kpiscan_pack *pack,
                               double seconds)
{
    char *line = kpiscan_batch_summary_json_with_gates(
        k->batch, pack, k->c->timing ? seconds : -1.0,
        k->c->gated ? (long)k->gate_failures : -1);
    if (line)
        fputs(line, stdout);
    else
        say("out of memory writing the summary");
    kpiscan_free(line);
}

/* --timing's figures, as the text block and the GitHub notice give them:
 * "0.123 s, 81.3 files/s, 0.45 MB/s".  n: the batch's counts. */
static void print_rates(FILE *out, const size_t *n, double seconds)
{
    fprintf(out, "%.3f s, %.1f files/s, %.2f MB/s", seconds,
            (double)n[KPISCAN_COUNT_DELIVERED] / seconds,
            (double)n[KPISCAN_COUNT_BYTES] / 1e6 / seconds);
}

/* The summary block of text output: on stdout with --summary, else on
 * stderr for text and CSV when there were several files (not --quiet). */
static void print_summary_text(FILE *out, const sink *k,
                               const kpiscan_pack *pack, const size_t *n,
                               double seconds)
{
    const cli *c = k->c;
    size_t records = n[KPISCAN_COUNT_SCANNED] + n[KPISCAN_COUNT_ERRORS];
    fprintf(out,
            "%skpiscan summary: %zu file(s): %zu scanned, %zu error(s); %zu "
            "other file(s) skipped\n"
            "  level   none %zu | junior %zu | mid %zu | senior %zu\n"
            "  hidden-text red flags %zu\n"
            "  pack    %s %s sha256:%.16s\n",
            k->written ? "\n" : "", records, n[KPISCAN_COUNT_SCANNED],
            n[KPISCAN_COUNT_ERRORS], n[KPISCAN_COUNT_SKIPPED],
            n[KPISCAN_COUNT_NONE], n[KPISCAN_COUNT_JUNIOR],
            n[KPISCAN_COUNT_MID], n[KPISCAN_COUNT_SENIOR],
            n[KPISCAN_COUNT_HIDDEN_TEXT], kpiscan_pack_name(pack),
            clean1(kpiscan_pack_version(pack)), kpiscan_pack_hash(pack));
    if (c->gated)
        fprintf(out, "  gates   %zu failed\n", k->gate_failures);
    if (c->timing && seconds > 0) {
        fputs("  time    ", out);
        print_rates(out, n, seconds);
        fputc('\n', out);
    }
}

/* --summary puts the summary at the end of standard output in the
 * output's own form: the text block (text), a last record (jsonl), a last
 * array element (json), a notice annotation (github).  Without it text
 * and CSV runs over several files give the block on stderr. */
static void print_summary(sink *k, const kpiscan_pack *pack, double seconds)
{
    const cli *c = k->c;
    kpiscan_batch *b = k->batch;
    size_t n[KPISCAN_COUNT_BYTES + 1];
    for (int i = 0; i <= KPISCAN_COUNT_BYTES; i++)
        n[i] = kpiscan_batch_count(b, i);
    if (c->summary) {
        switch (c->format) {
        case OUT_TEXT: print_summary_text(stdout, k, pack, n, seconds); break;
        case OUT_JSONL:
            print_summary_json(k, pack, seconds);
            putchar('\n');
            break;
        case OUT_JSON:
            json_array_next(k);
            print_summary_json(k, pack, seconds);
            break;
        case OUT_GITHUB:
            printf("::notice title=kpiscan summary::%zu file(s): %zu scanned, "
                   "%zu error(s); %zu other file(s) skipped; none %zu, junior "
                   "%zu, mid %zu, "
                   "senior %zu; hidden-text %zu",
                   n[KPISCAN_COUNT_SCANNED] + n[KPISCAN_COUNT_ERRORS],
                   n[KPISCAN_COUNT_SCANNED], n[KPISCAN_COUNT_ERRORS],
                   n[KPISCAN_COUNT_SKIPPED], n[KPISCAN_COUNT_NONE],
                   n[KPISCAN_COUNT_JUNIOR], n[KPISCAN_COUNT_MID],
                   n[KPISCAN_COUNT_SENIOR], n[KPISCAN_COUNT_HIDDEN_TEXT]);
            if (c->gated)
                printf("; gates %zu failed", k->gate_failures);
            if (c->timing && seconds > 0) {
                fputs("; ", stdout);
                print_rates(stdout, n, seconds);
            }
            putchar('\n');
            break;
        case OUT_CSV:
        case OUT_JUNIT:
        case OUT_HTML: break; /* refused as a usage error */
        }
        return;
    }
    if ((c->format != OUT_TEXT && c->format != OUT_CSV) || c->quiet)
        return;
    if (n[KPISCAN_COUNT_SCANNED] + n[KPISCAN_COUNT_ERRORS] +
                n[KPISCAN_COUNT_SKIPPED] <
            2 &&
        !c->timing)
        return;
    sink quiet_k = *k;
    quiet_k.written = 0;
    begin_message();
    fputc('\n', stderr);
    print_summary_text(stderr, &quiet_k, pack, n, seconds);
    end_message();
}

/* "kpiscan: LIST: WHAT: REASON" on standard error, from the main thread
 * while the batch may be printing records: clean()'s ring belongs to the
 * record callback, so this cleans its own copy of the name. */
static void list_error(const char *list, const char *what, const char *reason)
{
    int rebuilt;
    char *shown = cleaned(list, 1, &rebuilt);
    say("%s: %s: %s", shown ? shown : "?", what, reason);
    free_cleaned(shown, rebuilt);
}

/* A list that is no list of paths, found at entry (or line) lineno. */
static void entry_error(const cli *c, const char *list, size_t lineno,
                        const char *why)
{
    char where[64];
    snprintf(where, sizeof where, "%s %zu",
             c->null_separated ? "entry" : "line", lineno);
    list_error(list, where, why);
}

/* The longest entry of a list, delimiter excluded: a path of PATH_MAX bytes
 * or more cannot be opened (ENAMETOOLONG).  Reading an entry stops there,
 * so a list that never ends a line (/dev/zero, a binary named by mistake)
 * is refused at once; getdelim() grew that one line until memory ran out
 * (1 GB and 3 s under ulimit -v, all of the machine's memory without). */
#define LIST_ENTRY_MAX (PATH_MAX - 1)
/* Empty entries in a row before a file list is taken for no list at all:
 * far more blank lines than any generated list holds, read in a moment. */
#define LIST_EMPTY_RUN_MAX 65536

/* One entry of a list into buf (LIST_ENTRY_MAX + 1 bytes), without its
 * delimiter and NUL-terminated: its length; -1 at the end of the list or
 * on a read error (ferror() tells which); -2 when it is longer than
 * LIST_ENTRY_MAX (buf then holds its first LIST_ENTRY_MAX bytes). */
static long read_entry(FILE *f, int delim, char *buf)
{
    size_t n = 0;
    int ch;
    while ((ch = getc(f)) != EOF) {
        if (ch == delim)
            break;
        if (n == LIST_ENTRY_MAX)
            return -2;
        buf[n++] = (char)ch;
    }
    if (ch == EOF && (n == 0 || ferror(f)))
        return -1;
    buf[n] = '\0';
    return (long)n;
}

/* Queue the paths listed in a file (or standard input for "-"), one per
 * line, or NUL-separated with -0.  Empty entries are skipped either way
 * (an empty line, two NULs in a row).  A read error is an error, never
 * the end of the list: the inputs after it would be lost silently. */
static int add_list(cli *c, kpiscan_batch *b, const char *list,
                    kpiscan_error *err)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    if (!f) {
        list_error(list, "cannot open file list", strerror(errno));
        return -1;
    }
    char line[LIST_ENTRY_MAX + 1];
    long n;
    int rc = 0;
    int delim = c->null_separated ? '\0' : '\n';
    size_t lineno = 0;
    int empty_run = 0;
    for (;;) {
        errno = 0;
        n = read_entry(f, delim, line);
        if (n == -1) {
            int e = errno;
            if (ferror(f)) {
                list_error(list, "cannot read file list",
                           e ? strerror(e) : "read error");
                rc = -1;
            }
            break;
        }
        lineno++;
        /* Notepad's UTF-16 (its byte order mark, then a NUL after each
         * ASCII letter) is no -print0 list: say what to save it as. */
        if (lineno == 1 && n >= 2 &&
            (((unsigned char)line[0] == 0xFF &&
              (unsigned char)line[1] == 0xFE) ||
             ((unsigned char)line[0] == 0xFE &&
              (unsigned char)line[1] == 0xFF))) {
            list_error(list, "a UTF-16 file", "save the list as UTF-8");
            rc = -1;
            break;
        }
        /* A UTF-8 byte order mark is no part of the first path. */
        if (lineno == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            memmove(line, line + 3, (size_t)n - 2);
            n -= 3;
        }
        /* A path cannot hold a NUL: this is a find -print0 list read
         * without -0, and all but its first path would be lost. */
        if (!c->null_separated &&
            memchr(line, '\0', n == -2 ? LIST_ENTRY_MAX : (size_t)n)) {
            char where[64];
            snprintf(where, sizeof where, "line %zu holds a NUL byte", lineno);
            list_error(list, where,
                       "NUL-separated paths (find -print0) need -0");
            rc = -1;
            break;
        }
        if (n == -2) {
            char why[96];
            snprintf(why, sizeof why,
                     "longer than %d bytes, the longest a path can be: not a "
                     "list of paths",
                     LIST_ENTRY_MAX);
            entry_error(c, list, lineno, why);
            rc = -1;
            break;
        }
        if (!c->null_separated && n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n == 0) {
            /* Blank lines and doubled NULs are skipped, but a stream of
             * nothing else (-0 over /dev/zero, `yes ''`) never ends. */
            if (++empty_run > LIST_EMPTY_RUN_MAX) {
                char why[96];
                snprintf(why, sizeof why,
                         "more than %d empty %s in a row: not a list of paths",
                         LIST_EMPTY_RUN_MAX,
                         c->null_separated ? "entries" : "lines");
                entry_error(c, list, lineno, why);
                rc = -1;
                break;
            }
            continue;
        }
        empty_run = 0;
        /* A listed path is named explicitly: one record even if missing. */
        if ((rc = kpiscan_batch_add_path(b, line, c->walk_flags, err)) != 0)
            break;
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

/* Standard input is read within the input limit by the library. */
static int add_stdin(kpiscan_batch *b, kpiscan_error *err)
{
    return kpiscan_batch_add_fd(b, STDIN_FILENO, "<stdin>", err);
}

/* Run the batch over every input; returns the exit status. */
/* Write the JUnit document to path ("-" = standard output). */
static int write_junit(const kpiscan_junit *j, const kpiscan_pack *pack,
                       const char *path)
{
    char *xml = kpiscan_junit_xml(j, pack);
    if (!xml) {
        say("out of memory writing JUnit XML");
        return -1;
    }
    int rc = 0;
    if (strcmp(path, "-") == 0) {
        fputs(xml, stdout);
    } else {
        /* The errno of the call that failed, taken at once. */
        int e = 0;
        FILE *f = fopen(path, "w");
        if (!f) {
            e = errno;
        } else {
            if (fputs(xml, f) == EOF || fflush(f) != 0)
                e = errno ? errno : EIO;
            if (fclose(f) != 0 && !e)
                e = errno;
        }
        if (e) {
            say("%s: cannot write JUnit XML: %s", clean1(path), strerror(e));
            rc = -1;
        }
    }
    kpiscan_free(xml);
    return rc;
}

/* "kpiscan: no resumes found in A, B (N other file(s) skipped)" on
 * standard error, after a run that gave no record: every input was a
 * folder (or a list) holding nothing scannable.  Names the first few
 * inputs; *why* ends the line (what that means for the exit status). */
static void no_resumes(const cli *c, char **inputs, int ninputs, size_t skipped,
                       const char *why)
{
    begin_message();
    fputs("kpiscan: no resumes found in ", stderr);
    int shown = 0;
    for (int i = 0; i < ninputs && shown < 3; i++)
        fprintf(stderr, "%s%s", shown++ ? ", " : "", clean1(inputs[i]));
    if (ninputs > shown)
        fprintf(stderr, " and %d more", ninputs - shown);
    if (c->files_from)
        fprintf(stderr, "%sthe paths listed in %s", shown++ ? " or " : "",
                strcmp(c->files_from, "-") == 0 ? "standard input"
                                                : clean1(c->files_from));
    if (!shown && c->nmanifests) /* only when a shard dropped them all */
        fprintf(stderr, "the files listed in %s", clean1(c->manifests[0]));
    if (c->shard_n)
        fprintf(stderr, " for shard %u/%u", c->shard_k, c->shard_n);
    if (skipped)
        fprintf(stderr, " (%zu other file%s skipped%s)", skipped,
                skipped == 1 ? "" : "s",
                c->verbose     ? ""
                : skipped == 1 ? "; -v lists it"
                               : "; -v lists them");
    else if (!c->shard_n) /* else the other shards may hold them */
        fputs(" (no files)", stderr);
    fprintf(stderr, "%s\n", why);
    end_message();
}

/* Queue the i-th file the manifests list.  A missing one is an error
 * record that names its manifest line: the path shown is resolved against
 * the manifest's folder, and a path written relative to the repository
 * root instead (the usual slip) reads as a typo without it. */
static int add_listed(const cli *c, kpiscan_batch *b, size_t i,
                      kpiscan_error *err)
{
    const char *path = kpiscan_gate_manifest_path(c->gate, i);
    struct stat st;
    /* lstat too: a dangling link gets the batch's own message. */
    if (stat(path, &st) != 0 && errno == ENOENT && lstat(path, &st) != 0) {
        size_t line = 0;
        const char *manifest = kpiscan_gate_manifest_source(c->gate, i, &line);
        char reason[1024];
        snprintf(reason, sizeof reason,
                 "cannot open: %s (listed in %s, line %zu; manifest paths are "
                 "relative to the manifest's folder)",
                 strerror(ENOENT), manifest, line);
        return kpiscan_batch_add_failure(b, path, KPISCAN_ERR_IO, reason, err);
    }
    return kpiscan_batch_add_path(b, path, c->walk_flags, err);
}

/* Pass over the file standard output or error (fd) is open on, when it
 * is a regular file: names are the paths that may name it. */
static int pass_over_stream(kpiscan_batch *b, int fd,
                            const char *const names[3], const char *reason,
                            kpiscan_error *err)
{
    struct stat out, st;
    if (fstat(fd, &out) != 0 || !S_ISREG(out.st_mode))
        return KPISCAN_OK;
    for (size_t i = 0; i < 3; i++)
        if (stat(names[i], &st) == 0 && st.st_dev == out.st_dev &&
            st.st_ino == out.st_ino)
            return kpiscan_batch_skip_file(
                b, names[i], KPISCAN_ERR_UNSUPPORTED_FORMAT, reason, err);
    return KPISCAN_OK;
}

/* Pass over, in walks, the files this run writes: standard output and
 * standard error when they are regular files, and the --junit file
 * (created by now: claim_junit()).  The CI templates keep them in the
 * folder they scan ("> kpiscan.txt", "--junit kpiscan-junit.xml"): the
 * next run would score the text report as a resume (the shell has just
 * emptied it: an input error), and with --strict fail on the JUnit file
 * the manifest does not list.  Named as an input, such a file is still
 * scanned, as the manifest is. */
static int pass_over_outputs(const cli *c, kpiscan_batch *b, kpiscan_error *err)
{
    /* kpiscan_batch_skip_file() takes a path: one of these names the file
     * standard output (or error) is open on, whatever it is called.
     * Without any (no /proc), the stream is not passed over.  Standard
     * error too: "> kpiscan.txt 2> kpiscan.err" in the scanned folder
     * made the empty log an input error. */
    static const char *const stdout_names[3] = {"/proc/self/fd/1", "/dev/fd/1",
                                                "/dev/stdout"};
    static const char *const stderr_names[3] = {"/proc/self/fd/2", "/dev/fd/2",
                                                "/dev/stderr"};
    struct stat st;
    int rc = pass_over_stream(
        b, STDOUT_FILENO, stdout_names,
        "kpiscan's own output (standard output), not a resume", err);
    if (!rc)
        rc = pass_over_stream(
            b, STDERR_FILENO, stderr_names,
            "kpiscan's own output (standard error), not a resume", err);
    if (!rc && c->junit_file && stat(c->junit_file, &st) == 0 &&
        S_ISREG(st.st_mode))
        rc = kpiscan_batch_skip_file(
            b, c->junit_file, KPISCAN_ERR_UNSUPPORTED_FORMAT,
            "kpiscan's own output (the --junit file), not a resume", err);
    return rc;
}

static int run(cli *c, const kpiscan_pack *pack, char **inputs, int ninputs,
               kpiscan_error *err)
{
    sink k = {.c = c, .verbose = c->verbose};
    struct stat st;
    size_t nlisted = kpiscan_gate_manifest_count(c->gate);
    int several = ninputs + (int)nlisted > 1 || c->files_from;
    for (int i = 0; !several && i < ninputs; i++)
        if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0 &&
            S_ISDIR(st.st_mode))
            several = 1;
    k.json_array = c->format == OUT_JSON && (several || c->summary);
    k.several = several;
    k.progress = several && !c->quiet && isatty(STDERR_FILENO);
    struct stat out_st, err_st;
    k.same_terminal = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) &&
                      fstat(STDOUT_FILENO, &out_st) == 0 &&
                      fstat(STDERR_FILENO, &err_st) == 0 &&
                      out_st.st_rdev == err_st.st_rdev;
    k.erase_for_records = k.progress && k.same_terminal &&
                          c->format != OUT_JUNIT && c->format != OUT_HTML;
    k.started = now_seconds();
    if (c->format == OUT_JUNIT || c->junit_file) {
        k.junit = kpiscan_junit_new("kpiscan");
        if (!k.junit)
            return stop("out of memory");
    }

    if (c->format == OUT_HTML) {
        /* The report holds every candidate and ranks them itself, so the
         * batch need not hold them as well. */
        k.html = kpiscan_html_new(c->opts);
        if (!k.html || (c->sort >= 0 &&
                        kpiscan_html_set_sort(k.html, c->sort) != KPISCAN_OK)) {
            kpiscan_junit_free(k.junit);
            kpiscan_html_free(k.html);
            return stop("out of memory");
        }
    }

    kpiscan_batch *b = NULL;
    unsigned batch_flags = c->unordered ? KPISCAN_BATCH_UNORDERED : 0;
    /* A manifest's file inside a folder given as well is scanned once:
     * with --strict every resume counts once, not twice.  So is any file
     * named twice (README, kpiscan(1)). */
    if (nlisted)
        batch_flags |= KPISCAN_BATCH_UNIQUE;
    if (c->format == OUT_JSONL)
        batch_flags |= KPISCAN_BATCH_RENDER_JSON;
    else if (c->format == OUT_JSON)
        batch_flags |= KPISCAN_BATCH_RENDER_JSON | KPISCAN_BATCH_RENDER_PRETTY;
    if (kpiscan_batch_new(pack, c->opts, c->jobs, batch_flags, on_record, &k,
                          &b, err) != KPISCAN_OK ||
        kpiscan_batch_set_sort(
            b, c->sort < 0 || k.html ? KPISCAN_SORT_INPUT : c->sort, err) !=
            KPISCAN_OK ||
        (c->shard_n && kpiscan_batch_set_shard(b, c->shard_k, c->shard_n,
                                               err) != KPISCAN_OK)) {
        kpiscan_batch_free(b);
        kpiscan_junit_free(k.junit);
        kpiscan_html_free(k.html);
        return stop("%s", clean1(kpiscan_error_message(err)));
    }
    k.batch = b;
    running = k.progress ? &k : NULL;
    if (c->format == OUT_CSV)
        fputs(kpiscan_csv_header(), stdout);
    int failed = 0;
    /* A manifest kept in the folder of resumes it describes is no resume:
     * a walk passes it over (counted, listed by -v) instead of scoring it
     * as a candidate that a gate could then fail. */
    for (size_t i = 0; !failed && i < c->nmanifests; i++)
        if (kpiscan_batch_skip_file(b, c->manifests[i], KPISCAN_ERR_MANIFEST,
                                    "the --expect-file manifest, not a resume",
                                    err) != KPISCAN_OK) {
            say("%s", clean1(kpiscan_error_message(err)));
            failed = 1;
        }
    if (!failed && pass_over_outputs(c, b, err) != KPISCAN_OK) {
        say("%s", clean1(kpiscan_error_message(err)));
        failed = 1;
    }
    /* Files a manifest lists are inputs: a missing one is an input error
     * like any other. */
    for (size_t i = 0; !failed && i < nlisted; i++)
        failed = add_listed(c, b, i, err) != KPISCAN_OK;
    for (int i = 0; !failed && i < ninputs; i++) {
        if (strcmp(inputs[i], "-") == 0)
            failed = add_stdin(b, err) != KPISCAN_OK;
        else
            failed = kpiscan_batch_add_path(b, inputs[i], c->walk_flags, err) !=
                     KPISCAN_OK;
    }
    if (!failed && c->files_from)
        failed = add_list(c, b, c->files_from, err) != 0;
    c->inputs_complete = 1;
    if (kpiscan_batch_finish(b) == KPISCAN_ERR_NOMEM) {
        erase_progress(&k);
        say("out of memory holding records for --sort; some were written "
            "out of rank");
        failed = 1;
    }
    erase_progress(&k);
    running = NULL;
    errno = 0;
    print_summary(&k, pack, now_seconds() - k.started);
    if (k.json_array)
        json_array_end(&k);
    if (c->format == OUT_JUNIT && write_junit(k.junit, pack, "-"))
        failed = 1;
    if (k.html) {
        char *doc = k.html_failed ? NULL : kpiscan_html_document(k.html, pack);
        if (!doc) {
            say("out of memory writing the HTML report");
            failed = 1;
        } else
            fputs(doc, stdout);
        kpiscan_free(doc);
    }
    keep_write_errno();
    if (c->junit_file && write_junit(k.junit, pack, c->junit_file))
        failed = 1;
    c->junit_written = 1;

    /* As diff and grep: 2 (trouble) takes precedence over 1 (a gate). */
    int status = EXIT_SUCCESS;
    if (k.gate_failures)
        status = EXIT_GATE_FAILED;
    if (failed || kpiscan_batch_count(b, KPISCAN_COUNT_ERRORS) > 0)
        status = EXIT_INPUT_ERROR;
    /* Nothing scanned (only empty folders, hidden or other skipped files,
     * an empty list) is said, never silent.  With a gate it is an input
     * error: "every resume passed" of no resume would let CI pass on a
     * wrong path, as a manifest listing no file would (refused for that
     * reason).  Without one, an empty inbox is an ordinary state for a
     * script to meet: a warning, exit 0.  A shard may be empty because the
     * others hold the inputs, so there it is a warning too. */
    size_t nrecords = kpiscan_batch_count(b, KPISCAN_COUNT_SCANNED) +
                      kpiscan_batch_count(b, KPISCAN_COUNT_ERRORS);
    if (!failed && nrecords == 0) {
        int refuse = c->gated && !c->shard_n;
        no_resumes(c, inputs, ninputs,
                   kpiscan_batch_count(b, KPISCAN_COUNT_SKIPPED),
                   refuse ? ": the gates have nothing to check" : "");
        if (refuse)
            status = EXIT_INPUT_ERROR;
    }
    kpiscan_batch_free(b);
    kpiscan_junit_free(k.junit);
    kpiscan_html_free(k.html);
    return status;
}

/* Read the options into *cp (whose options and gate exist already) and
 * check the ones that exclude each other.  Returns 0 to go on, or 1 to stop
 * with *status_out: after --help or --version (0) or a usage error. */
static int parse_args(int argc, char **argv, cli *cp, int *status_out)
{
    enum {
        OPT_NO_DEFAULT = 256,
        OPT_DISABLE,
        OPT_LIST,
        OPT_CHECK,
        OPT_AS_OF,
        OPT_NO_EXCERPTS,
        OPT_UNORDERED,
        OPT_FILES_FROM,
        OPT_FOLLOW,
        OPT_HIDDEN,
        OPT_SUMMARY,
        OPT_TIMING,
        OPT_FAIL_UNDER,
        OPT_EXPECT,
        OPT_EXPECT_FILE,
        OPT_STRICT,
        OPT_FAIL_ON_HIDDEN,
        OPT_JUNIT,
        OPT_EXPLAIN,
        OPT_GAPS,
        OPT_EXTRACT,
        OPT_INCLUDE_COMMENTS,
        OPT_SORT,
        OPT_SHARD,
        OPT_SHA256
    };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"pack", required_argument, NULL, 'p'},
        {"no-default-pack", no_argument, NULL, OPT_NO_DEFAULT},
        {"disable-rule", required_argument, NULL, OPT_DISABLE},
        {"list-rules", no_argument, NULL, OPT_LIST},
        {"check-pack", required_argument, NULL, OPT_CHECK},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"no-excerpts", no_argument, NULL, OPT_NO_EXCERPTS},
        {"jobs", required_argument, NULL, 'j'},
        {"unordered", no_argument, NULL, OPT_UNORDERED},
        {"sort", required_argument, NULL, OPT_SORT},
        {"files-from", required_argument, NULL, OPT_FILES_FROM},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"sha256", no_argument, NULL, OPT_SHA256},
        {"null", no_argument, NULL, '0'},
        {"follow", no_argument, NULL, OPT_FOLLOW},
        {"hidden", no_argument, NULL, OPT_HIDDEN},
        {"summary", no_argument, NULL, OPT_SUMMARY},
        {"timing", no_argument, NULL, OPT_TIMING},
        {"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
        {"expect", required_argument, NULL, OPT_EXPECT},
        {"expect-file", required_argument, NULL, OPT_EXPECT_FILE},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"fail-on-hidden", no_argument, NULL, OPT_FAIL_ON_HIDDEN},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"gaps", no_argument, NULL, OPT_GAPS},
        {"extract", no_argument, NULL, OPT_EXTRACT},
        {"include-comments", no_argument, NULL, OPT_INCLUDE_COMMENTS},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};

    cli c = *cp;
    int status = EXIT_SUCCESS, opt, y, m, d;
    int options_read = 0; /* getopt went through every option */
    char *end;
    /* getopt's own messages name the program by its full path and would
     * come on top of ours: one line of our own, then the hint. */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":f:p:j:0qvhV", longopts, NULL)) !=
           -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                c.format = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                c.format = OUT_JSON;
            else if (strcmp(optarg, "jsonl") == 0)
                c.format = OUT_JSONL;
            else if (strcmp(optarg, "csv") == 0)
                c.format = OUT_CSV;
            else if (strcmp(optarg, "junit") == 0)
                c.format = OUT_JUNIT;
            else if (strcmp(optarg, "github") == 0)
                c.format = OUT_GITHUB;
            else if (strcmp(optarg, "html") == 0)
                c.format = OUT_HTML;
            else
                status = usage_error("unknown format '%s' (text, json, jsonl, "
                                     "csv, junit, github, html)",
                                     optarg);
            break;
        case 'p':
            if (push(&c.packs, &c.npacks, optarg))
                status = usage_error("out of memory");
            break;
        case OPT_NO_DEFAULT: c.use_default_pack = 0; break;
        case OPT_DISABLE:
            if (push(&c.disabled, &c.ndisabled, optarg))
                status = usage_error("out of memory");
            break;
        case OPT_LIST: c.list_rules = 1; break;
        case OPT_CHECK: c.check_pack = optarg; break;
        case OPT_AS_OF:
            if (!parse_date(optarg, &y, &m, &d) ||
                kpiscan_options_set_as_of(c.opts, y, m, d) != KPISCAN_OK)
                status = usage_error(
                    "invalid --as-of date '%s': want YYYY-MM-DD, a day in the "
                    "calendar from 1950-01-01 to 2200-12-31",
                    optarg);
            break;
        case OPT_NO_EXCERPTS:
            kpiscan_options_set_excerpts(c.opts, 0);
            c.no_excerpts = 1;
            break;
        case 'j': {
            errno = 0;
            unsigned long jobs = strtoul(optarg, &end, 10);
            if (errno || *end || end == optarg || jobs < 1 || jobs > 256)
                status = usage_error("invalid --jobs '%s' (1 to 256)", optarg);
            c.jobs = (unsigned)jobs;
            break;
        }
        case OPT_UNORDERED: c.unordered = 1; break;
        case OPT_SORT:
            c.sort = kpiscan_sort_from_name(optarg);
            if (c.sort < 0)
                status = usage_error("unknown sort key '%s' (level, "
                                     "confidence, years, name)",
                                     optarg);
            break;
        case OPT_FILES_FROM: c.files_from = optarg; break;
        case OPT_SHARD: {
            unsigned long k, n = 0;
            errno = 0;
            k = strtoul(optarg, &end, 10);
            if (!errno && end != optarg && *end == '/' && end[1] != '-')
                n = strtoul(end + 1, &end, 10);
            if (errno || *end || k < 1 || n < 1 || k > n || n > 1000000)
                status = usage_error("invalid --shard '%s' (K/N with 1 <= K "
                                     "<= N <= 1000000)",
                                     optarg);
            c.shard_k = (unsigned)k;
            c.shard_n = (unsigned)n;
            break;
        }
        case OPT_SHA256: kpiscan_options_set_sha256(c.opts, 1); break;
        case '0': c.null_separated = 1; break;
        case OPT_FOLLOW: c.walk_flags |= KPISCAN_WALK_FOLLOW; break;
        case OPT_HIDDEN: c.walk_flags |= KPISCAN_WALK_HIDDEN; break;
        case OPT_SUMMARY: c.summary = 1; break;
        case OPT_TIMING: c.timing = 1; break;
        case OPT_FAIL_UNDER:
        case OPT_EXPECT: {
            int level = kpiscan_level_from_name(optarg);
            if (level < 0)
                status = usage_error("unknown level '%s' (none, junior, mid, "
                                     "senior)",
                                     optarg);
            else if (opt == OPT_FAIL_UNDER)
                kpiscan_gate_set_fail_under(c.gate, level);
            else
                kpiscan_gate_set_expect(c.gate, level);
            c.gated = 1;
            break;
        }
        case OPT_EXPECT_FILE:
            /* A manifest's paths are relative to its folder, which
             * standard input does not have. */
            if (strcmp(optarg, "-") == 0)
                status = usage_error("--expect-file takes a file name, not "
                                     "'-' (its paths are relative to the "
                                     "manifest's folder)");
            else if (push(&c.manifests, &c.nmanifests, optarg))
                status = usage_error("out of memory");
            c.gated = 1;
            break;
        case OPT_STRICT:
            kpiscan_gate_set_strict(c.gate, 1);
            c.strict = 1;
            break;
        case OPT_FAIL_ON_HIDDEN:
            kpiscan_gate_set_fail_on_hidden(c.gate, 1);
            c.gated = 1;
            break;
        case OPT_JUNIT: c.junit_file = optarg; break;
        case OPT_EXPLAIN: c.explain = 1; break;
        case OPT_GAPS:
            c.gaps = 1;
            kpiscan_options_set_gaps(c.opts, 1);
            break;
        case OPT_EXTRACT: c.extract = 1; break;
        case OPT_INCLUDE_COMMENTS:
            kpiscan_options_set_include_comments(c.opts, 1);
            break;
        case 'q': c.quiet = 1; break;
        case 'v': c.verbose = 1; break;
        case 'h': usage(stdout); goto out;
        case 'V': printf("kpiscan %s\n", kpiscan_version()); goto out;
        case ':':
        case '?': status = bad_option(opt, argv[optind - 1], longopts); break;
        default: status = usage_error("invalid option"); break;
        }
        if (status)
            goto out;
    }
    options_read = 1;

    if (c.summary && (c.format == OUT_CSV || c.format == OUT_JUNIT ||
                      c.format == OUT_HTML)) {
        status = usage_error("--summary does not go with --format %s (%s)",
                             c.format == OUT_CSV     ? "csv"
                             : c.format == OUT_JUNIT ? "junit"
                                                     : "html",
                             c.format == OUT_HTML
                                 ? "the report carries its own summary"
                                 : "its output holds only records");
        goto out;
    }
    /* Both change what the text format prints; another format would
     * ignore them without a word. */
    if ((c.explain || c.extract) && c.format != OUT_TEXT) {
        status = usage_error(
            "--%s goes with the text format only (%s)",
            c.explain ? "explain" : "extract",
            c.explain ? "JSON carries the same figures: basis and each "
                        "evidence item's contribution; the HTML report "
                        "folds them under each candidate"
                      : "it prints the document's text");
        goto out;
    }
    if (c.explain && c.extract) {
        status = usage_error("--explain and --extract exclude each other "
                             "(--extract prints the document's text, "
                             "--explain the verdict's arithmetic)");
        goto out;
    }
    if (c.gaps && c.format != OUT_JSON && c.format != OUT_JSONL && !c.explain) {
        status = usage_error("--gaps shows in JSON, JSONL and --explain only "
                             "(the gaps are facts beside the estimate, which "
                             "they never change)");
        goto out;
    }
    if (c.extract && c.no_excerpts) {
        status = usage_error("--extract and --no-excerpts exclude each other "
                             "(--extract prints the document's own words)");
        goto out;
    }
    /* "-" is no file name here: the XML would follow the records of the
     * chosen format on standard output, one stream no reader can parse. */
    if (c.junit_file && strcmp(c.junit_file, "-") == 0) {
        status = usage_error("--junit takes a file name; for JUnit XML on "
                             "standard output use --format junit");
        goto out;
    }
    /* Without a manifest there is no list to be strict about: the run
     * would pass as if the option were never given. */
    if (c.strict && c.nmanifests == 0) {
        status = usage_error("--strict goes with --expect-file (it fails "
                             "on a scanned file the manifest does not list)");
        goto out;
    }
    if (c.sort > KPISCAN_SORT_INPUT && c.unordered) {
        status = usage_error("--sort and --unordered exclude each other");
        goto out;
    }
    *cp = c;
    *status_out = status;
    return 0;
out:
    /* A usage error came before --junit: the file is still found, so that
     * it does not keep the previous run's report (main()).  The options
     * after the error are not checked: one message is enough.  Only when
     * getopt stopped at the error: past its end ("--") the words are
     * operands, and "-- --junit=notes.txt" names no report. */
    while (status && !options_read && !c.junit_file &&
           (opt = getopt_long(argc, argv, ":f:p:j:0qvhV", longopts, NULL)) !=
               -1)
        if (opt == OPT_JUNIT)
            c.junit_file = optarg;
    *cp = c;
    *status_out = status;
    return 1;
}

/* Run from a build tree (BUILD/cli/kpiscan), use the PDF helper built
 * beside it (BUILD/pdf/kpiscan-pdf): the installed one the library
 * defaults to may be missing or older.  An installed kpiscan has no such
 * sibling, and $KPISCAN_PDF_HELPER still wins (the library reads it only
 * when no helper was set here). */
static void use_build_tree_pdf_helper(kpiscan_options *opts)
{
#ifdef __linux__
    const char *env = getenv("KPISCAN_PDF_HELPER");
    if (env && *env)
        return;
    char dir[4096];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n <= 0)
        return;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0'; /* BUILD/cli */
    slash = strrchr(dir, '/');
    if (!slash || strcmp(slash + 1, "cli") != 0)
        return;
    *slash = '\0'; /* BUILD */
    char helper[sizeof dir + 32];
    snprintf(helper, sizeof helper, "%s/pdf/kpiscan-pdf", dir);
    if (access(helper, X_OK) == 0)
        kpiscan_options_set_pdf_helper(opts, helper);
#else
    (void)opts;
#endif
}

/* Why a JUnit report could not be written to path, or NULL: its folder
 * must exist and take a new file, and a file already there must take the
 * report. */
static const char *junit_unwritable(const char *path)
{
    size_t n = strlen(path);
    struct stat st;
    if (n == 0)
        return "empty file name";
    if (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return strerror(EISDIR);
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
    if (!dir)
        return strerror(ENOMEM);
    int ok = access(dir, W_OK | X_OK) == 0;
    int e = errno;
    free(dir);
    if (!ok)
        return strerror(e);
    if (access(path, F_OK) == 0 && access(path, W_OK) != 0)
        return strerror(errno);
    return NULL;
}

/* --junit FILE never keeps a previous run's report: on a CI workspace
 * kept between jobs, the test view would show the old results for a run
 * that failed.  So once the arguments are read the file is checked (a
 * file that cannot be written is found out before a long scan, not after
 * it) and emptied: a run that stops early, or is killed, leaves no old
 * report, and main() writes junit_stopped() in the scan's place.  Only a
 * regular file (or a new one) is emptied: opening a FIFO would wait for
 * its reader, and a device holds no old report.  0, or -1 when the file
 * cannot be written (said on stderr). */
static int claim_junit(const char *path)
{
    const char *why = junit_unwritable(path);
    struct stat st;
    FILE *f = NULL;
    if (!why && (stat(path, &st) != 0 || S_ISREG(st.st_mode)) &&
        (!(f = fopen(path, "w")) || fclose(f) != 0))
        why = strerror(errno);
    if (why) {
        say("%s: cannot write JUnit XML: %s", *path ? clean1(path) : "''", why);
        return -1;
    }
    return 0;
}

static void add_to_junit(const kpiscan_record *rec, void *junit)
{
    kpiscan_junit_add(junit, rec, NULL);
}

/* The --junit report of a run whose scan wrote none: after a usage error,
 * a bad manifest or pack (status 2), one testcase "kpiscan" with the
 * reason as its <error>; after --list-rules or --check-pack, a suite with
 * no testcase.  The case comes from a batch of that one failure over an
 * empty pack (the reason may be a bad pack): the library's JUnit writer
 * then escapes and shapes it as it does any input error. */
static void junit_stopped(const char *path, int status, kpiscan_error *err)
{
    kpiscan_junit *j = kpiscan_junit_new("kpiscan");
    kpiscan_pack_builder *pb = NULL;
    kpiscan_pack *pack = NULL;
    kpiscan_batch *b = NULL;
    int rc = j ? KPISCAN_OK : KPISCAN_ERR_NOMEM;
    if (!rc && status != EXIT_SUCCESS) {
        char reason[64];
        snprintf(reason, sizeof reason, "stopped with exit status %d", status);
        pb = kpiscan_pack_builder_new();
        rc =
            pb ? kpiscan_pack_builder_build(pb, &pack, err) : KPISCAN_ERR_NOMEM;
        if (!rc)
            rc = kpiscan_batch_new(pack, NULL, 1, 0, add_to_junit, j, &b, err);
        if (!rc)
            rc = kpiscan_batch_add_failure(b, "kpiscan", KPISCAN_ERR_ARGUMENT,
                                           stop_reason ? stop_reason : reason,
                                           err);
        if (!rc)
            rc = kpiscan_batch_finish(b);
    }
    if (rc)
        say("cannot write JUnit XML to %s: %s", clean1(path),
            kpiscan_strerror(rc));
    else
        write_junit(j, NULL, path);
    kpiscan_batch_free(b);
    kpiscan_pack_free(pack);
    kpiscan_pack_builder_free(pb);
    kpiscan_junit_free(j);
}

/* Do what the parsed options ask: check a pack, list rules, or scan the
 * inputs (files, or the manifests' files) and apply the gates.  Returns the
 * exit status. */
static int execute(cli *c, char **files, int nfiles, kpiscan_error *err)
{
    if (c->check_pack)
        return check_pack(c->check_pack);

    /* a manifest's own mistake is no misuse of the command line: no
     * pointer to --help */
    for (size_t i = 0; i < c->nmanifests; i++)
        if (kpiscan_gate_load_manifest(c->gate, c->manifests[i], err) !=
            KPISCAN_OK) {
            return stop("%s", clean1(kpiscan_error_message(err)));
        }

    if (!c->list_rules && nfiles == 0 && !c->files_from &&
        kpiscan_gate_manifest_count(c->gate) == 0)
        return usage_error("no input files (use '-' for standard input)");

    if (c->files_from && strcmp(c->files_from, "-") == 0)
        for (int i = 0; i < nfiles; i++)
            if (strcmp(files[i], "-") == 0)
                return usage_error("standard input cannot be both a file "
                                   "list and an input");
    /* Standard input can be read once: a second '-' would be an empty
     * document, an error record for a mistake in the command line. */
    for (int i = 0, seen = 0; i < nfiles; i++)
        if (strcmp(files[i], "-") == 0 && seen++)
            return usage_error("standard input ('-') given more than once");

    kpiscan_pack *pack = NULL;
    int rc = build_pack(c, &pack, err);
    if (rc)
        return stop("%s", clean1(kpiscan_error_message(err)[0]
                                     ? kpiscan_error_message(err)
                                     : kpiscan_strerror(rc)));
    /* A scan with no rules calls every resume "none": say so instead. */
    if (!c->list_rules && kpiscan_pack_rule_count(pack) == 0) {
        kpiscan_pack_free(pack);
        return usage_error(c->use_default_pack || c->npacks
                               ? "every rule of the pack is disabled: "
                                 "nothing to scan with"
                               : "--no-default-pack leaves no rules: add "
                                 "--pack FILE");
    }
    int status = EXIT_SUCCESS;
    if (c->list_rules)
        list_rules(pack);
    else
        status = run(c, pack, files, nfiles, err);
    kpiscan_pack_free(pack);
    return status;
}

int main(int argc, char **argv)
{
    cli c = {.format = OUT_TEXT, .use_default_pack = 1, .sort = -1};
    c.opts = kpiscan_options_new();
    c.gate = kpiscan_gate_new();
    kpiscan_error *err = kpiscan_error_new();
    if (!c.opts || !c.gate || !err) {
        say("out of memory");
        return EXIT_INPUT_ERROR;
    }
    use_build_tree_pdf_helper(c.opts);
    int status;
    int stopped = parse_args(argc, argv, &c, &status);
    /* --help and --version are no run: the file is left alone */
    int claimed = c.junit_file && strcmp(c.junit_file, "-") != 0 &&
                  !(stopped && status == EXIT_SUCCESS);
    if (claimed && claim_junit(c.junit_file) != 0) {
        claimed = 0;
        status = EXIT_INPUT_ERROR;
        stopped = 1;
    }
    if (!stopped)
        status = execute(&c, argv + optind, argc - optind, err);
    if (claimed && !c.junit_written)
        junit_stopped(c.junit_file, status, err);
    /* errno is only the reason when fflush() itself failed; a write that
     * failed earlier left the error flag, and errno has moved on since. */
    errno = 0;
    int flush_failed = fflush(stdout) != 0;
    int e = flush_failed && errno ? errno : stdout_errno;
    if (flush_failed || ferror(stdout)) {
        say("error writing output: %s",
            e ? strerror(e) : "a write failed (reason not kept)");
        status = EXIT_INPUT_ERROR;
    }
    clean(NULL);
    free(stop_reason);
    free(c.packs);
    free(c.disabled);
    free(c.manifests);
    kpiscan_gate_free(c.gate);
    kpiscan_options_free(c.opts);
    kpiscan_error_free(err);
    return status;
}
