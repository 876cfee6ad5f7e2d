/* io.c - reading to the end within a limit: a file descriptor for
 * kpiscan_scan_file() and the batch's streams, a small file for packs and
 * manifests (base/io.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"

int kps_read_fd(int fd, const char *path, size_t first, size_t limit,
                const char *what, kps_buf *buf, kpiscan_error *err)
{
    int rc = KPISCAN_OK;
    if (kps_buf_reserve(buf, first ? first : 65536))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    while (!rc) {
        if (buf->cap - buf->len < 2 && kps_buf_reserve(buf, 65536)) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
        ssize_t n = read(fd, buf->data + buf->len, buf->cap - buf->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = kps_fail(err, KPISCAN_ERR_IO, path, "cannot read: %s",
                          strerror(errno));
            break;
        }
        if (n == 0)
            break;
        buf->len += (size_t)n;
        buf->data[buf->len] = '\0';
        if (buf->len > limit)
            rc = kps_fail(err, KPISCAN_ERR_LIMIT, path,
                          "%s exceeds the limit of %zu bytes "
                          "(max_input_bytes)",
                          what, limit);
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
