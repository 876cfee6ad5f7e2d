/* io.c - reading to the end within a limit: a file descriptor for
 * kpiscan_scan_file() and the batch's streams, a named FIFO that may never
 * get a writer, a small file for packs and manifests (base/io.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/io.h"

/* One read() appended to buf: KPISCAN_OK with *got the bytes read (0 at
 * the end), or a failure.  EINTR, and EAGAIN when may_wait (a FIFO read
 * with O_NONBLOCK: another reader may have taken what poll() saw), come
 * back as KPISCAN_OK with *got -1, to try again.  A caller's stream with
 * O_NONBLOCK is not waited for here: its EAGAIN stays an error. */
static int read_once(int fd, const char *path, size_t limit, const char *what,
                     int may_wait, kps_buf *buf, ssize_t *got,
                     kpiscan_error *err)
{
    if (buf->cap - buf->len < 2 && kps_buf_reserve(buf, 65536))
        return kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    ssize_t n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
    *got = n;
    if (n < 0) {
        if (errno == EINTR ||
            (may_wait && (errno == EAGAIN || errno == EWOULDBLOCK)))
            return KPISCAN_OK;
        return kps_fail(err, KPISCAN_ERR_IO, path, "cannot read: %s",
                        strerror(errno));
    }
    buf->len += (size_t)n;
    buf->data[buf->len] = '\0';
    if (buf->len > limit)
        return kps_fail(err, KPISCAN_ERR_LIMIT, path,
                        "%s exceeds the limit of %zu bytes "
                        "(max_input_bytes)",
                        what, limit);
    return KPISCAN_OK;
}

int kps_read_fd(int fd, const char *path, size_t first, size_t limit,
                const char *what, kps_buf *buf, kpiscan_error *err)
{
    int rc = KPISCAN_OK;
    if (kps_buf_reserve(buf, first ? first : 65536))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    ssize_t got = -1;
    while (!rc && got != 0)
        rc = read_once(fd, path, limit, what, 0, buf, &got, err);
    if (rc)
        kps_buf_free(buf);
    return rc;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "30 s" for whole seconds, else "200 ms" (the tests' short waits). */
static void format_wait(unsigned ms, char *out, size_t cap)
{
    if (ms % 1000 == 0)
        snprintf(out, cap, "%u s", ms / 1000);
    else
        snprintf(out, cap, "%u ms", ms);
}

int kps_read_fifo(int fd, const char *path, size_t limit, unsigned idle_ms,
                  kps_buf *buf, kpiscan_error *err)
{
    int rc = KPISCAN_OK;
    if (kps_buf_reserve(buf, 65536))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    long long deadline = now_ms() + idle_ms;
    while (!rc) {
        /* Read only once poll() says so: before any writer has opened
         * the FIFO, read() on it returns 0 at once, which is not its end.
         * POLLHUP comes only after a writer has opened it and every
         * writer has closed it; then a read of 0 is the end. */
        /* Polled even when the wait is over (a timeout of 0): a process
         * stopped past the deadline (Ctrl-Z, a paused machine) may find
         * the writer's bytes waiting, which are no silence. */
        long long left = deadline - now_ms();
        struct pollfd pfd = {fd, POLLIN, 0};
        int n = poll(&pfd, 1, left <= 0 ? 0 : left > 60000 ? 60000 : (int)left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = kps_fail(err, KPISCAN_ERR_IO, path, "cannot wait to read: %s",
                          strerror(errno));
            break;
        }
        if (n == 0) {
            if (now_ms() < deadline)
                continue; /* a poll() capped at 60 s, within a longer wait */
            char wait[32];
            format_wait(idle_ms, wait, sizeof wait);
            if (buf->len == 0)
                rc = kps_fail(err, KPISCAN_ERR_IO, path,
                              "FIFO: nothing was written to it within %s "
                              "(no writer?)",
                              wait);
            else
                rc = kps_fail(err, KPISCAN_ERR_IO, path,
                              "FIFO: nothing more was written to it for %s "
                              "after %zu bytes, and its writer did not close "
                              "it",
                              wait, buf->len);
            break;
        }
        if (pfd.revents & POLLNVAL) {
            rc = kps_fail(err, KPISCAN_ERR_IO, path,
                          "cannot read: not an open file");
            break;
        }
        /* POLLERR too: the read() says why. */
        ssize_t got = -1;
        rc = read_once(fd, path, limit, "input", 1, buf, &got, err);
        if (got == 0)
            break;
        if (got > 0)
            deadline = now_ms() + idle_ms; /* the writer is still there */
    }
    if (rc)
        kps_buf_free(buf);
    return rc;
}

int kps_read_small_file(const char *path, const char *what, size_t limit,
                        kps_buf *buf, kpiscan_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kps_fail(err, KPISCAN_ERR_IO, path, "cannot open %s: %s", what,
                        strerror(errno));
    char chunk[65536];
    size_t n;
    int rc = KPISCAN_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf->len + n > limit) {
            rc = kps_fail(err, KPISCAN_ERR_LIMIT, path,
                          "%s larger than %zu bytes", what, limit);
            break;
        }
        if (kps_buf_append(buf, chunk, n)) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f))
        rc = kps_fail(err, KPISCAN_ERR_IO, path, "cannot read %s: %s", what,
                      strerror(errno));
    fclose(f);
    if (!rc && !buf->data && kps_buf_reserve(buf, 1))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    if (rc)
        kps_buf_free(buf);
    return rc;
}
