/* io.h - the read-to-end loops (io.c).
 * Private to libkpiscan (docs/internals.md); never installed. */
#ifndef KPISCAN_BASE_IO_H
#define KPISCAN_BASE_IO_H

#ifndef KPISCAN_BUILDING_LIB
#error "private to libkpiscan: its build and tests define KPISCAN_BUILDING_LIB"
#endif

#include "base/base.h"

/* Read fd to its end, appending to buf, and stop with KPISCAN_ERR_LIMIT as
 * soon as buf holds more than limit bytes: a stream of any size costs at
 * most the limit.  first: room to make at the start (a regular file's
 * size; 0 for a stream).  what names the input in the limit's message
 * ("file", "input"); path names it in every message.  On failure buf is
 * freed.  Returns KPISCAN_OK, KPISCAN_ERR_NOMEM, _IO or _LIMIT. */
int kps_read_fd(int fd, const char *path, size_t first, size_t limit,
                const char *what, kps_buf *buf, kpiscan_error *err);

/* Read a FIFO to its end as kps_read_fd() does ("input" in the limit's
 * message), from fd opened with O_NONBLOCK (so that the open itself did
 * not wait for a writer), waiting with poll() for each read.  Fails with
 * KPISCAN_ERR_IO, "FIFO: nothing was written to it within 30 s (no
 * writer?)", when idle_ms pass with nothing to read and the FIFO not
 * closed by a writer: before any writer opened it, or while one holds it
 * open without writing.  A writer that opens and closes it without
 * writing gives an empty buffer.  On failure buf is freed.  Returns
 * KPISCAN_OK, _NOMEM, _IO or _LIMIT. */
int kps_read_fifo(int fd, const char *path, size_t limit, unsigned idle_ms,
                  kps_buf *buf, kpiscan_error *err);

/* Read a small file the library reads for itself (a pack, a manifest; a
 * FIFO such as a shell's <(...) works too) to its end, stopping with
 * KPISCAN_ERR_LIMIT at more than limit bytes, so a mistaken path
 * (/dev/zero, a disk image) costs at most the limit.  what names it in
 * every message: "cannot open pack: ...", "pack larger than N bytes",
 * "cannot read pack: ...".  On success buf->data is never NULL; on
 * failure buf is freed.  Returns KPISCAN_OK, _NOMEM, _IO or _LIMIT. */
int kps_read_small_file(const char *path, const char *what, size_t limit,
                        kps_buf *buf, kpiscan_error *err);

#endif /* KPISCAN_BASE_IO_H */
