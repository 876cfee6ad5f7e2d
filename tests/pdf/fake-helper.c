/*
 * fake-helper.c - a stand-in for kpiscan-pdf that misbehaves on request,
 * for the tests of the library's side of the helper protocol (test-pdf).
 *
 * It says hello like the real helper, then answers each request by what
 * the document holds:
 *   "CRASH"    one page and half a line, then SIGKILL on itself (a helper
 *              killed in the middle of a document)
 *   "SEGV"     a page frame, then a segmentation fault
 *   "HANG"     nothing, ever (the wall-clock limit must end it)
 *   "GARBAGE"  a frame of an unknown type
 *   "HUGE"     a frame header announcing 4 GiB
 *   "EXIT"     exit(3) without a word
 *   anything else: one page with one line, "Defined KPIs for the team".
 * With FAKE_HELPER_MODE=close-at-start it exits right after its hello,
 * before reading anything: the library's request then meets a closed
 * socket (EPIPE, which must not become SIGPIPE).  With
 * FAKE_HELPER_MODE=slow-start it waits a second before its hello (a start
 * slower than a tiny pdf_timeout).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t k = write(1, c, n);
        if (k <= 0)
            _exit(0);
        c += k;
        n -= (size_t)k;
    }
}

static void frame(char type, const void *body, uint32_t n)
{
    unsigned char h[5] = {(unsigned char)type, (unsigned char)n,
                          (unsigned char)(n >> 8), (unsigned char)(n >> 16),
                          (unsigned char)(n >> 24)};
    put(h, 5);
    put(body, n);
}

static int get(void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t k = read(0, c, n);
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

static int has(const char *doc, size_t n, const char *what)
{
    size_t m = strlen(what);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(doc + i, what, m) == 0)
            return 1;
    return 0;
}

static const unsigned char page1[5] = {1, 0, 0, 0, 0};

static void one_line(const char *text)
{
    unsigned char b[256];
    size_t n = strlen(text);
    b[0] = 3; /* first line of a flow and of a block */
    b[1] = 1; /* one word */
    b[2] = 0;
    b[3] = 0x4C; /* 11 pt = 1100 centipoints */
    b[4] = 0x04;
    memset(b + 5, 0, 3);   /* black */
    memset(b + 8, 255, 3); /* on white */
    b[11] = 0;             /* fill */
    b[12] = 0;             /* no flags */
    b[13] = (unsigned char)n;
    b[14] = 0;
    memcpy(b + 15, text, n);
    frame('L', b, (uint32_t)(15 + n));
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const char *mode = getenv("FAKE_HELPER_MODE");
    if (mode && strcmp(mode, "slow-start") == 0)
        sleep(1);
    unsigned char hello[4] = {1, 0, 0, 0};
    frame('H', hello, 4);
    if (mode && strcmp(mode, "close-at-start") == 0)
        return 0;
    for (;;) {
        unsigned char h[5];
        if (get(h, 5))
            return 0;
        uint32_t n = (uint32_t)h[1] | (uint32_t)h[2] << 8 |
                     (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
        char *doc = malloc(n ? n : 1);
        if (!doc || get(doc, n))
            return 0;
        if (has(doc, n, "CRASH")) {
            frame('P', page1, 5);
            unsigned char half[7] = {'L', 200, 0, 0, 0, 3, 5};
            put(half, sizeof half);
            raise(SIGKILL);
        } else if (has(doc, n, "SEGV")) {
            frame('P', page1, 5);
            raise(SIGSEGV);
        } else if (has(doc, n, "HANG")) {
            for (;;)
                pause();
        } else if (has(doc, n, "GARBAGE")) {
            frame('Z', "??", 2);
        } else if (has(doc, n, "HUGE")) {
            unsigned char big[5] = {'L', 255, 255, 255, 255};
            put(big, 5);
        } else if (has(doc, n, "EXIT")) {
            return 3;
        } else {
            frame('P', page1, 5);
            one_line("Defined KPIs for the team");
            unsigned char done[4] = {1, 0, 0, 0};
            frame('D', done, 4);
        }
        free(doc);
    }
}
