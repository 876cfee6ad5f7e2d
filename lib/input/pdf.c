/*
 * pdf.c - PDF documents, read by the kpiscan-pdf helper process.
 *
 * The library is MIT and links no PDF engine: poppler is GPL.  The helper
 * (pdf/kpiscan-pdf.cc, GPL-2.0-or-later) links poppler and answers over a
 * socketpair.  This file starts it, sends it a document, and turns its
 * answer into a kps_doc.  docs/pdf-helper.md describes the protocol.
 *
 * Where helper state lives: one helper per thread, in thread-local
 * storage, kept alive across documents so a batch worker pays one process
 * start, not one per file.  A pthread key's destructor stops it when the
 * thread ends (batch workers), and the helper exits by itself when its
 * socket closes (the process ends).  No new handle in the API: a caller
 * scanning from one thread gets one helper, a batch with N workers gets N.
 *
 * A guest in the embedder's process:
 *  - after fork() (Celery, Dask) the child finds a helper whose owner pid
 *    is not its own: it closes its copy of the socket and starts its own,
 *    never writing into the parent's pipe;
 *  - writes use send(MSG_NOSIGNAL), so a dead helper is an EPIPE error,
 *    never a SIGPIPE in the caller;
 *  - the helper is reaped with waitpid() on its own pid only, so the
 *    process-wide SIGCHLD disposition is left alone (when the embedder
 *    ignores SIGCHLD the kernel reaps it and waitpid says ECHILD: fine);
 *  - every descriptor is close-on-exec, so a helper started by another
 *    thread does not inherit our socket and keep it open past our close.
 *
 * The helper is not trusted: its answer is parsed with bounded frames,
 * validated fields and text re-checked as UTF-8 (fuzz-pdfproto).
 */
#define _GNU_SOURCE /* MSG_NOSIGNAL, SOCK_CLOEXEC, pipe2 on older libcs */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "base/util.h"
#include "base/options.h"
#include "input/doc.h"
#include "input/pdf.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* The answer: frames to a document                                    */
/* ------------------------------------------------------------------ */

#define W_OUTSIDE_CROP 1u
#define W_CLIPPED 2u
#define W_OVER_IMAGE 4u
#define W_SPACE_AFTER 8u
#define W_WIDE_GAP 16u

/* Colours whose channels all differ by no more than this (of 255) are
 * "the same" to a reader: #F5F5F5 on white is not meant to be read. */
#define KPS_PDF_NEAR_COLOUR 24

void kps_pdf_reader_init(kps_pdf_reader *r, const char *name,
                         const kps_limits *lim, unsigned max_pages)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->lim = lim;
    r->max_pages = max_pages;
}

void kps_pdf_reader_free(kps_pdf_reader *r)
{
    kps_buf_free(&r->text);
    free(r->segments);
    free(r->hidden);
    for (size_t i = 0; i < r->npages; i++)
        free(r->parts[i]);
    free(r->parts);
    memset(r, 0, sizeof *r);
}

static int bad_frame(kps_pdf_reader *r, kpiscan_error *err, const char *why)
{
    return kps_fail(err, KPISCAN_ERR_HELPER, r->name,
                    "PDF helper sent a malformed answer: %s", why);
}

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static int nomem(kps_pdf_reader *r, kpiscan_error *err)
{
    return kps_fail(err, KPISCAN_ERR_NOMEM, r->name, "out of memory");
}

/* Append a word's bytes: valid UTF-8 is kept, an invalid byte becomes
 * U+FFFD, controls become spaces (a word never holds a line break). */
static int put_word(kps_buf *b, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = kps_utf8_seq_len(s + i, n - i);
        if (k == 0) {
            if (kps_buf_append(b, "\xEF\xBF\xBD", 3))
                return -1;
            i++;
            continue;
        }
        if (k == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
            if (kps_buf_putc(b, ' '))
                return -1;
        } else if (kps_buf_append(b, s + i, k)) {
            return -1;
        }
        i += k;
    }
    return 0;
}

static int add_hidden(kps_pdf_reader *r, size_t start, size_t end)
{
    /* A run of hidden words is one range (the spaces between them too),
     * so a phrase across them is inside it. */
    if (r->nhidden && r->hidden[r->nhidden - 1].end + 1 >= start) {
        r->hidden[r->nhidden - 1].end = end;
        return 0;
    }
    if (kps_array_reserve(&r->hidden, &r->cap_hidden, r->nhidden + 1,
                          sizeof *r->hidden, 16))
        return -1;
    r->hidden[r->nhidden].start = start;
    r->hidden[r->nhidden].end = end;
    r->nhidden++;
    return 0;
}

static int add_segment(kps_pdf_reader *r, size_t start, size_t end)
{
    if (kps_array_reserve(&r->segments, &r->cap_segments, r->nsegments + 1,
                          sizeof *r->segments, 64))
        return -1;
    kps_segment *s = &r->segments[r->nsegments++];
    s->start = start;
    s->end = end;
    s->part = (unsigned)(r->npages - 1);
    s->paragraph = r->page_lines;
    return 0;
}

int kps_pdf_hidden_word(unsigned size_cpt, const unsigned char paint[3],
                        const unsigned char bg[3], unsigned render,
                        unsigned flags, int page_has_image)
{
    if (size_cpt < 100)
        return KPS_PDF_HIDDEN_TINY;
    if (flags & (W_OUTSIDE_CROP | W_CLIPPED))
        return KPS_PDF_HIDDEN_OUTSIDE;
    /* 3 Tr (and 7, clip only) paints nothing.  Lying over an image, that
     * is the OCR layer of a scan: what a reader sees is the image of the
     * same words.  An image elsewhere on the page (a photo, a logo, one of
     * zero size) excuses nothing. */
    if ((render & 3) == 3)
        return page_has_image && (flags & W_OVER_IMAGE)
                   ? 0
                   : KPS_PDF_HIDDEN_INVISIBLE;
    if (flags & W_OVER_IMAGE)
        return 0; /* an image's colours are unknown: give the benefit */
    for (int i = 0; i < 3; i++) {
        int d = (int)paint[i] - (int)bg[i];
        if (d > KPS_PDF_NEAR_COLOUR || d < -KPS_PDF_NEAR_COLOUR)
            return 0;
    }
    return KPS_PDF_HIDDEN_COLOUR;
}

static int on_line(kps_pdf_reader *r, const unsigned char *p, size_t n,
                   kpiscan_error *err)
{
    if (!r->npages)
        return bad_frame(r, err, "a line before any page");
    if (n < 3)
        return bad_frame(r, err, "short line frame");
    unsigned lflags = p[0];
    unsigned nwords = get16(p + 1);
    size_t off = 3;
    kps_buf *b = &r->text;
    /* A new flow (poppler's column or paragraph group) after the first on
     * a page: a blank line, as pdftotext prints it. */
    if ((lflags & 2) && r->page_lines && kps_buf_putc(b, '\n'))
        return nomem(r, err);
    size_t line_start = b->len;
    for (unsigned w = 0; w < nwords; w++) {
        if (n - off < 12)
            return bad_frame(r, err, "truncated word");
        const unsigned char *h = p + off;
        unsigned size = get16(h);
        unsigned render = h[8], wflags = h[9];
        size_t len = get16(h + 10);
        off += 12;
        if (n - off < len)
            return bad_frame(r, err, "word longer than its frame");
        size_t ws = b->len;
        if (put_word(b, p + off, len))
            return nomem(r, err);
        off += len;
        if (render > 7)
            return bad_frame(r, err, "render mode out of range");
        int why = kps_pdf_hidden_word(size, h + 2, h + 5, render, wflags,
                                      r->page_image);
        if (why) {
            r->hidden_words++;
            r->hidden_why |= why;
            if (b->len > ws && add_hidden(r, ws, b->len))
                return nomem(r, err);
        }
        /* A gap of two spaces or more after a number stays two: "2018
         * 2021" is a range whose dash was lost (lib/text/timeline.c).
         * Elsewhere one space: rules read words one space apart, and a
         * justified line's wide gaps mean nothing. */
        int wide = (wflags & W_WIDE_GAP) && b->len > ws &&
                   b->data[b->len - 1] >= '0' && b->data[b->len - 1] <= '9';
        if ((wflags & W_SPACE_AFTER) && w + 1 < nwords &&
            (kps_buf_putc(b, ' ') || (wide && kps_buf_putc(b, ' '))))
            return nomem(r, err);
    }
    if (off != n)
        return bad_frame(r, err, "trailing bytes in a line frame");
    if (add_segment(r, line_start, b->len) || kps_buf_putc(b, '\n'))
        return nomem(r, err);
    r->page_lines++;
    if (b->len > r->lim->max_text_bytes)
        return kps_fail(err, KPISCAN_ERR_LIMIT, r->name,
                        "PDF text exceeds the limit of %zu bytes "
                        "(max_text_bytes)",
                        r->lim->max_text_bytes);
    return 0;
}

static int on_page(kps_pdf_reader *r, const unsigned char *p, size_t n,
                   kpiscan_error *err)
{
    if (n != 5)
        return bad_frame(r, err, "page frame of the wrong size");
    uint32_t page = get32(p);
    if (page != r->npages + 1)
        return bad_frame(r, err, "pages out of order");
    if (page > r->max_pages)
        return bad_frame(r, err, "more pages than the limit");
    if (p[4] > 1)
        return bad_frame(r, err, "bad image flag");
    if (kps_array_reserve(&r->parts, &r->cap_pages, r->npages + 1,
                          sizeof *r->parts, 8))
        return nomem(r, err);
    char name[32];
    snprintf(name, sizeof name, "page %u", (unsigned)page);
    if (!(r->parts[r->npages] = kps_strdup(name)))
        return nomem(r, err);
    r->npages++;
    /* Pages are apart by a blank line, as in the pdftotext text of the
     * shared corpus, which ends a page with a blank line before its
     * form feed (the text decoder reads that form feed as a space). */
    if (page > 1 && kps_buf_putc(&r->text, '\n'))
        return nomem(r, err);
    r->page_lines = 0;
    r->page_image = p[4];
    return 0;
}

/* "D:YYYYMMDD..." (Info) or "YYYY-MM-DD..." (XMP); 0 when not a date. */
static int parse_date(const unsigned char *s, size_t n, int *y, int *m, int *d)
{
    if (n >= 2 && s[0] == 'D' && s[1] == ':') {
        s += 2;
        n -= 2;
    }
    int v[3] = {0, 0, 0};
    const int width[3] = {4, 2, 2};
    size_t i = 0;
    for (int f = 0; f < 3; f++) {
        if (f && i < n && s[i] == '-')
            i++;
        for (int k = 0; k < width[f]; k++, i++) {
            if (i >= n || s[i] < '0' || s[i] > '9')
                return 0;
            v[f] = v[f] * 10 + (s[i] - '0');
        }
    }
    /* The one date check of every source (a DOCX's, --as-of's): a day of
     * the calendar from 1950 to 2200. */
    if (!kps_date_valid(v[0], v[1], v[2]))
        return 0;
    *y = v[0];
    *m = v[1];
    *d = v[2];
    return 1;
}

static int on_meta(kps_pdf_reader *r, const unsigned char *p, size_t n,
                   kpiscan_error *err)
{
    if (n < 1 || n > 128)
        return bad_frame(r, err, "metadata frame of the wrong size");
    /* Priority: a modification date (Info, then XMP) before a creation
     * date (Info, then XMP), as for DOCX's core properties. */
    int rank;
    switch (p[0]) {
    case 'M': rank = 4; break;
    case 'm': rank = 3; break;
    case 'C': rank = 2; break;
    case 'c': rank = 1; break;
    default: return 0; /* a key from a newer helper: not ours */
    }
    int y, m, d;
    if (rank > r->date_rank && parse_date(p + 1, n - 1, &y, &m, &d)) {
        r->date_rank = rank;
        r->year = y;
        r->month = m;
        r->day = d;
    }
    return 0;
}

static int on_error(kps_pdf_reader *r, const unsigned char *p, size_t n,
                    kpiscan_error *err)
{
    if (n < 1)
        return bad_frame(r, err, "empty error frame");
    /* The helper's words are shown to a user: printable ASCII, bounded. */
    char msg[160];
    size_t k = 0;
    for (size_t i = 1; i < n && k + 1 < sizeof msg; i++)
        msg[k++] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
    msg[k] = '\0';
    r->helper_failed = p[0] == KPS_PDF_E_NOMEM || p[0] == KPS_PDF_E_INTERNAL ||
                       p[0] == KPS_PDF_E_REQUEST;
    switch (p[0]) {
    case KPS_PDF_E_ENCRYPTED:
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, r->name,
                        "encrypted PDF: a password is needed");
    case KPS_PDF_E_CORRUPT:
        return kps_fail(err, KPISCAN_ERR_CORRUPT, r->name,
                        "corrupt or truncated PDF (%s)", msg);
    case KPS_PDF_E_PAGES:
        return kps_fail(err, KPISCAN_ERR_LIMIT, r->name,
                        "PDF has too many pages: %s (max_pdf_pages)", msg);
    case KPS_PDF_E_TEXT_LIMIT:
        return kps_fail(err, KPISCAN_ERR_LIMIT, r->name,
                        "PDF text exceeds the limit of %zu bytes "
                        "(max_text_bytes)",
                        r->lim->max_text_bytes);
    case KPS_PDF_E_NOMEM:
        return kps_fail(err, KPISCAN_ERR_LIMIT, r->name,
                        "PDF needs more memory than the helper's limit: %s "
                        "(pdf_memory_limit)",
                        msg);
    default:
        return kps_fail(err, KPISCAN_ERR_HELPER, r->name, "PDF helper: %s",
                        msg);
    }
}

int kps_pdf_reader_frame(kps_pdf_reader *r, unsigned type,
                         const unsigned char *body, size_t len,
                         kpiscan_error *err)
{
    if (r->done)
        return bad_frame(r, err, "a frame after the end");
    if (len > KPS_PDF_MAX_FRAME)
        return bad_frame(r, err, "frame too large");
    switch (type) {
    case 'P': return on_page(r, body, len, err);
    case 'L': return on_line(r, body, len, err);
    case 'M': return on_meta(r, body, len, err);
    case 'E': r->done = 1; return on_error(r, body, len, err);
    case 'D':
        if (len != 4 || get32(body) != r->npages)
            return bad_frame(r, err, "page count at the end differs");
        r->done = 1;
        return 0;
    default: return bad_frame(r, err, "unknown frame type");
    }
}

int kps_pdf_reader_finish(kps_pdf_reader *r, kps_doc *doc, kpiscan_error *err)
{
    if (!r->done)
        return bad_frame(r, err, "the answer ended early");
    size_t i = 0;
    while (i < r->text.len &&
           (r->text.data[i] == ' ' || r->text.data[i] == '\n'))
        i++;
    if (i == r->text.len)
        return kps_fail(err, KPISCAN_ERR_EMPTY, r->name,
                        "no text in PDF: a scanned image? run OCR first");
    if (!r->text.data && kps_buf_reserve(&r->text, 1))
        return nomem(r, err);
    memset(doc, 0, sizeof *doc);
    doc->format = KPS_FORMAT_PDF;
    doc->text = r->text.data;
    doc->len = r->text.len;
    doc->parts = r->parts;
    doc->nparts = r->npages;
    doc->segments = r->segments;
    doc->nsegments = r->nsegments;
    doc->hidden = r->hidden;
    doc->nhidden = r->nhidden;
    doc->modified_year = r->year;
    doc->modified_month = r->month;
    doc->modified_day = r->day;
    r->text = (kps_buf){0};
    r->parts = NULL;
    r->npages = 0;
    r->segments = NULL;
    r->hidden = NULL;
    return 0;
}

int kps_pdf_parse_answer(const unsigned char *data, size_t len,
                         const char *name, const kps_limits *lim,
                         unsigned max_pages, kps_doc *doc, kpiscan_error *err)
{
    kps_pdf_reader r;
    kps_pdf_reader_init(&r, name, lim, max_pages);
    size_t off = 0;
    int rc = 0;
    while (!rc && !r.done) {
        if (len - off < 5) {
            rc = bad_frame(&r, err, "the answer ended early");
            break;
        }
        uint32_t n = get32(data + off + 1);
        unsigned type = data[off];
        off += 5;
        if (n > len - off) {
            rc = bad_frame(&r, err, "the answer ended early");
            break;
        }
        rc = kps_pdf_reader_frame(&r, type, data + off, n, err);
        off += n;
    }
    if (!rc)
        rc = kps_pdf_reader_finish(&r, doc, err);
    kps_pdf_reader_free(&r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The helper process                                                  */
/* ------------------------------------------------------------------ */

typedef struct helper {
    pid_t pid;   /* 0: none */
    pid_t owner; /* getpid() when it was started */
    int fd;
    int used; /* it has answered a document: it may have died since */
    char path[KPS_PDF_PATH_MAX];
    unsigned long memory_mb, cpu_seconds;
} helper;

static pthread_key_t helper_key;
static pthread_once_t helper_once = PTHREAD_ONCE_INIT;
static int helper_key_ok;
static _Thread_local helper *tls_helper;

static void helper_stop(helper *h)
{
    if (!h->pid)
        return;
    close(h->fd);
    if (h->owner == getpid()) {
        kill(h->pid, SIGKILL);
        /* Our own child, by pid: nothing else of the embedder's is
         * touched.  ECHILD when SIGCHLD is ignored (already reaped). */
        while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    h->pid = 0;
    h->fd = -1;
    h->used = 0;
}

static void helper_destroy(void *p)
{
    helper *h = p;
    if (h) {
        helper_stop(h);
        free(h);
    }
}

static void helper_key_init(void)
{
    helper_key_ok = pthread_key_create(&helper_key, helper_destroy) == 0;
}

static helper *helper_get(void)
{
    if (tls_helper)
        return tls_helper;
    pthread_once(&helper_once, helper_key_init);
    helper *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->fd = -1;
    if (helper_key_ok)
        pthread_setspecific(helper_key, h);
    tls_helper = h;
    return h;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* now_ms() + ms, saturated: a timeout of ULONG_MAX ms ("no limit") must
 * not wrap into a deadline already past. */
static long long deadline_in(unsigned long ms)
{
    long long now = now_ms();
    return ms > (unsigned long long)(LLONG_MAX - now) ? LLONG_MAX
                                                      : now + (long long)ms;
}

/* Wait for fd to be ready; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {fd, events, 0};
        int n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* Read exactly n bytes.  0 ok, 1 timed out, 2 end of stream or error. */
static int read_exact(int fd, unsigned char *p, size_t n, long long deadline)
{
    while (n) {
        ssize_t k = recv(fd, p, n, 0);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k == 0)
            return 2;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return 2;
        int w = wait_fd(fd, POLLIN, deadline);
        if (w == 0)
            return 1;
        if (w < 0)
            return 2;
    }
    return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n,
                     long long deadline)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k > 0) {
            p += k;
            n -= (size_t)k;
            continue;
        }
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = wait_fd(fd, POLLOUT, deadline);
            if (w == 0)
                return 1;
            if (w < 0)
                return 2;
            continue;
        }
        return 2; /* EPIPE, ECONNRESET: the helper is gone */
    }
    return 0;
}

static int helper_start(helper *h, const kps_pdf_config *cfg, const char *name,
                        kpiscan_error *err)
{
    if (access(cfg->path, X_OK) != 0)
        return kps_fail(err, KPISCAN_ERR_HELPER, name,
                        "PDF helper missing: cannot run %s (%s); set "
                        "KPISCAN_PDF_HELPER or "
                        "kpiscan_options_set_pdf_helper()",
                        cfg->path, strerror(errno));
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return kps_fail(err, KPISCAN_ERR_HELPER, name,
                        "PDF helper: cannot make a socket pair: %s",
                        strerror(errno));
    char mem[48], cpu[48];
    snprintf(mem, sizeof mem, "--max-memory-mb=%lu", cfg->memory_mb);
    snprintf(cpu, sizeof cpu, "--cpu-seconds=%lu", cfg->cpu_seconds);
    char *argv[] = {(char *)cfg->path, mem, cpu, NULL};

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* The child end becomes stdin and stdout (dup2 clears close-on-exec);
     * stderr goes nowhere, never into the embedder's log. */
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* Signals the embedder blocks or ignores must not reach the helper
     * that way: an ignored SIGXCPU would void the CPU limit. */
    sigset_t none, deflt;
    sigemptyset(&none);
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGXCPU);
    sigaddset(&deflt, SIGPIPE);
    sigaddset(&deflt, SIGTERM);
    sigaddset(&deflt, SIGSEGV);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    /* The caller's environment minus LD_PRELOAD: a preload meant for the
     * embedder (a sanitizer runtime, a profiler, an allocator) is not the
     * helper's, and may not even start under its RLIMIT_AS. */
    size_t nenv = 0;
    while (environ && environ[nenv])
        nenv++;
    char **envp = malloc((nenv + 1) * sizeof *envp);
    if (!envp) {
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        close(sv[0]);
        close(sv[1]);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
            envp[k++] = environ[i];
    envp[k] = NULL;
    pid_t pid;
    int rc = posix_spawn(&pid, cfg->path, &fa, &attr, argv, envp);
    free(envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        return kps_fail(err, KPISCAN_ERR_HELPER, name,
                        "PDF helper missing: cannot start %s: %s", cfg->path,
                        strerror(rc));
    }
    int fl = fcntl(sv[0], F_GETFL);
    fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
    h->pid = pid;
    h->owner = getpid();
    h->fd = sv[0];
    h->used = 0;
    snprintf(h->path, sizeof h->path, "%s", cfg->path);
    h->memory_mb = cfg->memory_mb;
    h->cpu_seconds = cfg->cpu_seconds;

    /* Hello: the protocol version, so a stale helper from another install
     * is named rather than misread. */
    unsigned char hello[9];
    int r =
        read_exact(h->fd, hello, sizeof hello, deadline_in(cfg->timeout_ms));
    if (r || hello[0] != 'H' || get32(hello + 1) != 4 ||
        get32(hello + 5) != KPS_PDF_PROTOCOL) {
        helper_stop(h);
        /* A start is only slow when the timeout is tiny: name the setting
         * and its value, so "did not start" is not read as a broken
         * install. */
        if (r == 1)
            return kps_fail(err, KPISCAN_ERR_HELPER, name,
                            "PDF helper %s did not answer within pdf_timeout "
                            "(%lu ms) of its start",
                            cfg->path, cfg->timeout_ms);
        return kps_fail(
            err, KPISCAN_ERR_HELPER, name, "PDF helper %s did not start (%s)",
            cfg->path, r == 2 ? "it exited at once" : "wrong protocol version");
    }
    return 0;
}

/* Why the helper ended, for the record: waits for it (it is dead or
 * dying: its socket closed) and names the signal or exit status. */
static int helper_died(helper *h, const char *name, kpiscan_error *err)
{
    pid_t pid = h->pid;
    close(h->fd);
    h->pid = 0;
    h->fd = -1;
    int st = 0;
    pid_t w;
    /* The socket closes as the helper exits; give it a moment to end. */
    long long deadline = now_ms() + 2000;
    while ((w = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < deadline) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (w == 0) {
        kill(pid, SIGKILL);
        while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
            ;
    }
    if (w == pid && WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        if (sig == SIGXCPU)
            return kps_fail(err, KPISCAN_ERR_HELPER, name,
                            "PDF helper timed out: over its CPU limit of %lu "
                            "s",
                            h->cpu_seconds);
        return kps_fail(err, KPISCAN_ERR_HELPER, name,
                        "PDF helper crashed (signal %d: %s)", sig,
                        strsignal(sig));
    }
    if (w == pid && WIFEXITED(st))
        return kps_fail(err, KPISCAN_ERR_HELPER, name,
                        "PDF helper crashed (it exited with status %d in "
                        "the middle of the document)",
                        WEXITSTATUS(st));
    return kps_fail(err, KPISCAN_ERR_HELPER, name,
                    "PDF helper crashed (it closed its end in the middle of "
                    "the document)");
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* One document through a running helper.  *retry is set when the helper
 * failed before answering anything and had served documents before: it
 * may have died between documents, which says nothing of this one. */
static int helper_run(helper *h, const kps_pdf_config *cfg,
                      const unsigned char *data, size_t len, const char *name,
                      const kps_limits *lim, kps_doc *doc, kpiscan_error *err,
                      int *retry)
{
    *retry = 0;
    long long deadline = deadline_in(cfg->timeout_ms);
    unsigned char q[17];
    q[0] = 'Q';
    put32(q + 1, (uint32_t)(len + 12));
    put32(q + 5, cfg->max_pages);
    size_t tl = lim->max_text_bytes;
    put32(q + 9, tl > 0xFFFFFFF0u ? 0xFFFFFFF0u : (uint32_t)tl);
    put32(q + 13, (uint32_t)cfg->cpu_seconds);
    int w = write_all(h->fd, q, sizeof q, deadline);
    if (!w)
        w = write_all(h->fd, data, len, deadline);
    if (w == 2 && h->used) {
        helper_stop(h);
        *retry = 1;
        return KPISCAN_ERR_HELPER;
    }
    kps_pdf_reader r;
    kps_pdf_reader_init(&r, name, lim, cfg->max_pages);
    kps_buf body = {0};
    int rc = 0, got_any = 0;
    if (w == 1)
        goto timed_out;
    if (w == 2) {
        rc = helper_died(h, name, err);
        goto out;
    }
    while (!r.done) {
        unsigned char hdr[5];
        int k = read_exact(h->fd, hdr, sizeof hdr, deadline);
        if (k == 0) {
            uint32_t n = get32(hdr + 1);
            if (n > KPS_PDF_MAX_FRAME) {
                rc = bad_frame(&r, err, "frame too large");
                helper_stop(h);
                goto out;
            }
            body.len = 0;
            if (kps_buf_reserve(&body, n)) {
                rc = nomem(&r, err);
                helper_stop(h);
                goto out;
            }
            k = read_exact(h->fd, (unsigned char *)body.data, n, deadline);
            body.len = n;
        }
        if (k == 1)
            goto timed_out;
        if (k == 2) {
            if (!got_any && h->used) {
                helper_stop(h);
                *retry = 1;
                rc = KPISCAN_ERR_HELPER;
                goto out;
            }
            rc = helper_died(h, name, err);
            goto out;
        }
        got_any = 1;
        h->used = 1; /* it answered: a later death is not this document's */
        rc = kps_pdf_reader_frame(&r, hdr[0], (unsigned char *)body.data,
                                  body.len, err);
        if (rc) {
            /* A named error from the helper leaves it able to serve the
             * next document; anything else (a malformed answer, our
             * limit) ends it, since its stream is no longer in step. */
            if (!r.done || r.helper_failed)
                helper_stop(h);
            goto out;
        }
    }
    h->used = 1;
    rc = kps_pdf_reader_finish(&r, doc, err);
    goto out;
timed_out:
    helper_stop(h);
    rc = kps_fail(err, KPISCAN_ERR_HELPER, name,
                  "PDF helper timed out after %lu ms (killed; it is restarted "
                  "for the next document)",
                  cfg->timeout_ms);
out:
    kps_buf_free(&body);
    kps_pdf_reader_free(&r);
    return rc;
}

int kps_pdf_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, const kps_pdf_config *cfg,
                    kps_doc *doc, kpiscan_error *err)
{
    if (len > 0xFFFFFFF0u - 12)
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "PDF too large for the helper protocol");
    helper *h = helper_get();
    if (!h)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    if (h->pid && h->owner != getpid()) {
        /* A fork()ed copy of the parent's helper state: the socket is
         * shared with the parent, the process is not our child. */
        close(h->fd);
        h->pid = 0;
        h->fd = -1;
    }
    /* The CPU limit travels with each request; the path and the memory
     * limit are the process's own, so a change of either restarts it. */
    if (h->pid &&
        (strcmp(h->path, cfg->path) != 0 || h->memory_mb != cfg->memory_mb))
        helper_stop(h);
    h->cpu_seconds = cfg->cpu_seconds;
    for (int attempt = 0;; attempt++) {
        if (!h->pid) {
            int rc = helper_start(h, cfg, name, err);
            if (rc)
                return rc;
        }
        int retry;
        int rc = helper_run(h, cfg, data, len, name, lim, doc, err, &retry);
        if (!retry || attempt > 0)
            return rc;
    }
}

pid_t kps_pdf_helper_pid(void)
{
    return tls_helper && tls_helper->owner == getpid() ? tls_helper->pid : 0;
}
