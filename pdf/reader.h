// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader.h - the PDF reader of kpiscan-pdf, apart from its process.
 *
 * Copyright (C) 2026 the libkpiscan authors.  GPL-2.0-or-later, like the
 * rest of the helper (it links poppler); see kpiscan-pdf.cc.
 *
 * read_document() takes one PDF's bytes and appends the frames of the
 * helper's answer (docs/pdf.md, "The protocol"): 'M' metadata, then per
 * page a 'P' and its 'L' lines, ending with 'D' or 'E'.  kpiscan-pdf.cc
 * sends them down its socket; tests/fuzz/fuzz-pdfreader.cc checks them.
 */
#ifndef KPISCAN_PDF_READER_H
#define KPISCAN_PDF_READER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kpspdf
{

const uint32_t kProtocolVersion = 1;

enum ErrorCode : uint8_t {
    E_ENCRYPTED = 1,
    E_CORRUPT = 2,
    E_PAGES = 3,
    E_TEXT_LIMIT = 4,
    E_NOMEM = 5,
    E_REQUEST = 6,
    E_INTERNAL = 7,
};

// Word flags in an 'L' frame.
enum : uint8_t {
    W_OUTSIDE_CROP = 1,
    W_CLIPPED = 2,
    W_OVER_IMAGE = 4,
    W_SPACE_AFTER = 8,
    W_WIDE_GAP = 16, // the space after is two spaces wide or more
};

// Line flags in an 'L' frame.
enum : uint8_t {
    L_BLOCK_START = 1,
    L_FLOW_START = 2,
};

struct Limits {
    uint32_t max_pages, max_text;
};

// Called with the answer so far whenever part of it may be sent (after the
// metadata, after each page, after the last frame); it may send and clear
// it, or leave it to grow.
using Flush = void (*)(std::string &out);

inline void put_u8(std::string &s, unsigned v)
{
    s.push_back((char)(v & 0xFF));
}
inline void put_u16(std::string &s, unsigned v)
{
    put_u8(s, v);
    put_u8(s, v >> 8);
}
inline void put_u32(std::string &s, uint32_t v)
{
    put_u16(s, v & 0xFFFF);
    put_u16(s, v >> 16);
}

// Appends the frame [type][length u32 LE][body].
void frame(std::string &out, char type, const std::string &body);

// Appends an 'E' frame and flushes.
void error_frame(std::string &out, Flush flush, ErrorCode code,
                 const char *msg);

// Once per process, before the first document: poppler's global
// parameters (UTF-8 text) and silence (poppler's complaints go nowhere).
void init();

// Reads one PDF and appends its answer, ending with 'D' or 'E'.  Out of
// memory (the helper's RLIMIT_AS) is std::bad_alloc, thrown through; the
// caller cannot trust poppler after it.  `doc_bytes` is poppler's MemStream
// buffer and is not changed.
void read_document(std::vector<char> &doc_bytes, const Limits &lim,
                   std::string &out, Flush flush);

} // namespace kpspdf

#endif
