// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kpiscan-pdf - the PDF reader of libkpiscan, in a process of its own.
 *
 * Copyright (C) 2026 the libkpiscan authors.
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  It is distributed WITHOUT ANY WARRANTY; see
 * the GNU General Public License for more details.
 *
 * Why a separate GPL program: poppler is GPL, and libkpiscan is MIT so that
 * vendors can embed it.  The library never links poppler; it starts this
 * program (posix_spawn) and reads its answers over a socket.  That also
 * keeps a hostile PDF away from the embedder's process: a crash, a hang or
 * a memory blow-up here costs one document, not the batch.
 *
 * Why poppler's private OutputDev API (libpoppler-private-dev) rather than
 * poppler-glib: hidden-text detection needs the text render mode (3 Tr is
 * invisible), the clip, the crop box, and what was painted beneath a
 * glyph; poppler-glib gives font size and colour only.  A TextOutputDev
 * subclass keeps poppler's own reading-order layout (what pdftotext
 * prints) and adds those attributes.  The API is unstable: what we use is
 * listed in docs/pdf.md and checked by meson against poppler 22.x.
 *
 * The reader itself (poppler, the output device, the frames of one
 * document) is reader.cc; this file is the process around it.
 *
 * Protocol (docs/pdf.md): frames of [type u8][length u32 LE][body].
 * The library sends one 'Q' frame per document; we answer with 'P' (page),
 * 'L' (a text line with per-word attributes), 'M' (metadata) frames and end
 * with 'D' (done) or 'E' (a named error).  On EOF of the request stream we
 * exit 0.
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <poppler-config.h>

#include "reader.h"

using namespace kpspdf;

namespace
{

// A request larger than this is refused before it is read: the library's
// own input limit is far lower (64 MiB by default).
const uint32_t kMaxRequest = 512u << 20;

std::string out_buf;

// The library went away (or closed its end): nothing left to do.
void flush_out(std::string &out)
{
    size_t off = 0;
    while (off < out.size()) {
        ssize_t n = write(1, out.data() + off, out.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(0);
        off += (size_t)n;
    }
    out.clear();
}

bool read_full(void *p, size_t n)
{
    char *c = static_cast<char *>(p);
    while (n) {
        ssize_t r = read(0, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

void set_cpu_limit(uint32_t seconds)
{
    if (!seconds)
        return;
    // RLIMIT_CPU counts the process's whole life; this helper lives across
    // documents, so each one gets its seconds on top of what was used.
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    rlim_t used = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + 1;
    struct rlimit rl;
    if (getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    rlim_t want = used + seconds;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
        want = rl.rlim_max;
    rl.rlim_cur = want;
    setrlimit(RLIMIT_CPU, &rl);
}

unsigned long arg_value(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0 || arg[n] != '=')
        return 0;
    return strtoul(arg + n + 1, nullptr, 10);
}

} // namespace

int main(int argc, char **argv)
{
    unsigned long mem_mb = 0, cpu = 10;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("kpiscan-pdf protocol %u, poppler %s\n", kProtocolVersion,
                   POPPLER_VERSION);
            return 0;
        }
        if (unsigned long v = arg_value(argv[i], "--max-memory-mb"))
            mem_mb = v;
        else if (unsigned long c = arg_value(argv[i], "--cpu-seconds"))
            cpu = c;
    }
    signal(SIGPIPE, SIG_IGN);
    if (mem_mb) {
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = (rlim_t)mem_mb << 20;
        setrlimit(RLIMIT_AS, &rl);
    }
    init();

    std::string hello;
    put_u32(hello, kProtocolVersion);
    frame(out_buf, 'H', hello);
    flush_out(out_buf);

    for (;;) {
        unsigned char hdr[5];
        if (!read_full(hdr, sizeof hdr))
            return 0;
        uint32_t len = get_u32(hdr + 1);
        if (hdr[0] != 'Q' || len < 12 || len > kMaxRequest) {
            error_frame(out_buf, flush_out, E_REQUEST, "malformed request");
            return 1;
        }
        unsigned char lim_bytes[12];
        if (!read_full(lim_bytes, sizeof lim_bytes))
            return 0;
        Limits lim = {get_u32(lim_bytes), get_u32(lim_bytes + 4)};
        uint32_t cpu_seconds = get_u32(lim_bytes + 8);
        if (!cpu_seconds)
            cpu_seconds = (uint32_t)cpu;
        std::vector<char> bytes;
        try {
            bytes.resize(len - 12);
        } catch (const std::bad_alloc &) {
            error_frame(out_buf, flush_out, E_NOMEM,
                        "out of memory for the document");
            return 1;
        }
        if (!read_full(bytes.data(), bytes.size()))
            return 0;
        try {
            set_cpu_limit(cpu_seconds);
            read_document(bytes, lim, out_buf, flush_out);
        } catch (const std::bad_alloc &) {
            out_buf.clear();
            error_frame(out_buf, flush_out, E_NOMEM,
                        "out of memory reading the PDF (memory limit)");
            // poppler's state after bad_alloc is not to be trusted.
            return 1;
        } catch (...) {
            out_buf.clear();
            error_frame(out_buf, flush_out, E_INTERNAL,
                        "unexpected failure in the PDF reader");
            return 1;
        }
    }
}
