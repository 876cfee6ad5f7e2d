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
 * listed in pdf/README.md and checked by meson against poppler 22.x.
 *
 * Protocol (docs/pdf-helper.md): frames of [type u8][length u32 LE][body].
 * The library sends one 'Q' frame per document; we answer with 'P' (page),
 * 'L' (a text line with per-word attributes), 'M' (metadata) frames and end
 * with 'D' (done) or 'E' (a named error).  On EOF of the request stream we
 * exit 0.
 */
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>
#include <algorithm>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <Error.h>
#include <ErrorCodes.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>

namespace {

const uint32_t kProtocolVersion = 1;
// A request larger than this is refused before it is read: the library's
// own input limit is far lower (64 MiB by default).
const uint32_t kMaxRequest = 512u << 20;

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
};

/* ---------------------------------------------------------------- */
/* Output                                                           */
/* ---------------------------------------------------------------- */

std::string out_buf;

void put_u8(std::string &s, unsigned v) { s.push_back((char)(v & 0xFF)); }
void put_u16(std::string &s, unsigned v)
{
    put_u8(s, v);
    put_u8(s, v >> 8);
}
void put_u32(std::string &s, uint32_t v)
{
    put_u16(s, v & 0xFFFF);
    put_u16(s, v >> 16);
}

void frame(char type, const std::string &body)
{
    put_u8(out_buf, (unsigned char)type);
    put_u32(out_buf, (uint32_t)body.size());
    out_buf += body;
}

// The library went away (or closed its end): nothing left to do.
void flush_out()
{
    size_t off = 0;
    while (off < out_buf.size()) {
        ssize_t n = write(1, out_buf.data() + off, out_buf.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(0);
        off += (size_t)n;
    }
    out_buf.clear();
}

void error_frame(ErrorCode code, const char *msg)
{
    std::string b;
    put_u8(b, code);
    b += msg;
    frame('E', b);
    flush_out();
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

/* ---------------------------------------------------------------- */
/* The output device                                                */
/* ---------------------------------------------------------------- */

struct Rect {
    double x0, y0, x1, y1;
    bool contains(double x, double y) const
    {
        return x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }
};

// Something painted on the page: a filled path (its colour) or an image.
struct Paint {
    Rect box;
    unsigned char rgb[3];
    bool image;
};

// One glyph as drawn, with what lay beneath it when it was drawn.
struct Glyph {
    double cx, cy;
    unsigned char bg[3];
    bool over_image;
    bool clipped;
    unsigned char render;
    unsigned char paint[3]; // the colour the glyph is painted in
};

unsigned char to_byte(GfxColorComp c)
{
    double v = colToDbl(c);
    if (!(v >= 0))
        v = 0;
    if (v > 1)
        v = 1;
    return (unsigned char)std::lround(v * 255);
}

Rect device_bbox(const GfxState *state, const PDFRectangle *r)
{
    double xs[4], ys[4];
    state->transform(r->x1, r->y1, &xs[0], &ys[0]);
    state->transform(r->x2, r->y1, &xs[1], &ys[1]);
    state->transform(r->x1, r->y2, &xs[2], &ys[2]);
    state->transform(r->x2, r->y2, &xs[3], &ys[3]);
    Rect b = {xs[0], ys[0], xs[0], ys[0]};
    for (int i = 1; i < 4; i++) {
        b.x0 = std::min(b.x0, xs[i]);
        b.x1 = std::max(b.x1, xs[i]);
        b.y0 = std::min(b.y0, ys[i]);
        b.y1 = std::max(b.y1, ys[i]);
    }
    return b;
}

// A TextOutputDev that keeps poppler's text layout and also notes, per
// glyph, its render mode, paint colour, clip and background, and per page
// whether an image was drawn.
class ScanDev : public TextOutputDev
{
public:
    ScanDev() : TextOutputDev(nullptr, nullptr, false, 0, false, false) { }

    // Images must reach us (TextOutputDev says it needs none).
    bool needNonText() override { return true; }

    void setCropBox(const PDFRectangle *crop) { cropUser = *crop; }

    void startPage(int pageNum, GfxState *state, XRef *xref) override
    {
        TextOutputDev::startPage(pageNum, state, xref);
        paints.clear();
        glyphs.clear();
        hasImage = false;
        crop = device_bbox(state, &cropUser);
    }

    void fill(GfxState *state) override
    {
        TextOutputDev::fill(state);
        notePath(state);
    }
    void eoFill(GfxState *state) override
    {
        TextOutputDev::eoFill(state);
        notePath(state);
    }

    void drawImageMask(GfxState *state, Object *ref, Stream *str, int width,
                       int height, bool invert, bool interpolate,
                       bool inlineImg) override
    {
        noteImage(state);
        OutputDev::drawImageMask(state, ref, str, width, height, invert,
                                 interpolate, inlineImg);
    }
    void drawImage(GfxState *state, Object *ref, Stream *str, int width,
                   int height, GfxImageColorMap *colorMap, bool interpolate,
                   const int *maskColors, bool inlineImg) override
    {
        noteImage(state);
        OutputDev::drawImage(state, ref, str, width, height, colorMap,
                             interpolate, maskColors, inlineImg);
    }
    void drawMaskedImage(GfxState *state, Object *ref, Stream *str, int width,
                         int height, GfxImageColorMap *colorMap,
                         bool interpolate, Stream *maskStr, int maskWidth,
                         int maskHeight, bool maskInvert,
                         bool maskInterpolate) override
    {
        noteImage(state);
        OutputDev::drawMaskedImage(state, ref, str, width, height, colorMap,
                                   interpolate, maskStr, maskWidth, maskHeight,
                                   maskInvert, maskInterpolate);
    }
    void drawSoftMaskedImage(GfxState *state, Object *ref, Stream *str,
                             int width, int height,
                             GfxImageColorMap *colorMap, bool interpolate,
                             Stream *maskStr, int maskWidth, int maskHeight,
                             GfxImageColorMap *maskColorMap,
                             bool maskInterpolate) override
    {
        noteImage(state);
        OutputDev::drawSoftMaskedImage(state, ref, str, width, height,
                                       colorMap, interpolate, maskStr,
                                       maskWidth, maskHeight, maskColorMap,
                                       maskInterpolate);
    }

    void drawChar(GfxState *state, double x, double y, double dx, double dy,
                  double originX, double originY, CharCode c, int nBytes,
                  const Unicode *u, int uLen) override
    {
        TextOutputDev::drawChar(state, x, y, dx, dy, originX, originY, c,
                                nBytes, u, uLen);
        Glyph g;
        double x1, y1, w, h;
        state->transform(x, y, &x1, &y1);
        state->transformDelta(dx, dy, &w, &h);
        // The baseline point plus half the advance, raised by a third of
        // the font size: inside the glyph's box for upright text.
        double fs = state->getTransformedFontSize();
        g.cx = x1 + w / 2;
        g.cy = y1 - fs / 3;
        g.render = (unsigned char)(state->getRender() & 7);
        GfxRGB rgb;
        int r = g.render & 3;
        if (r == 1)
            state->getStrokeRGB(&rgb);
        else
            state->getFillRGB(&rgb);
        g.paint[0] = to_byte(rgb.r);
        g.paint[1] = to_byte(rgb.g);
        g.paint[2] = to_byte(rgb.b);
        // Clipped away only when no part of the glyph's box is inside the
        // clip.  A line that wkhtmltopdf cuts at a page break is drawn on
        // both pages, each copy clipped to a part of it: both are partly
        // visible, as pdftotext prints both, and neither is hidden.
        double cx0, cy0, cx1, cy1;
        state->getClipBBox(&cx0, &cy0, &cx1, &cy1);
        double gx0 = std::min(x1, x1 + w), gx1 = std::max(x1, x1 + w);
        double gy0 = y1 - fs, gy1 = y1 + fs / 4;
        g.clipped = gx1 < cx0 || gx0 > cx1 || gy1 < cy0 || gy0 > cy1;
        // White paper unless something was painted beneath.
        g.bg[0] = g.bg[1] = g.bg[2] = 255;
        g.over_image = false;
        for (size_t i = paints.size(); i-- > 0;) {
            if (paints[i].box.contains(g.cx, g.cy)) {
                memcpy(g.bg, paints[i].rgb, 3);
                g.over_image = paints[i].image;
                break;
            }
        }
        glyphs.push_back(g);
    }

    Rect crop = {0, 0, 0, 0};
    bool hasImage = false;
    std::vector<Glyph> glyphs;

private:
    void notePath(GfxState *state)
    {
        const GfxPath *path = state->getPath();
        if (!path || path->getNumSubpaths() == 0)
            return;
        Paint p;
        bool first = true;
        for (int i = 0; i < path->getNumSubpaths(); i++) {
            const GfxSubpath *sp = path->getSubpath(i);
            for (int k = 0; k < sp->getNumPoints(); k++) {
                double x, y;
                state->transform(sp->getX(k), sp->getY(k), &x, &y);
                if (first) {
                    p.box = {x, y, x, y};
                    first = false;
                } else {
                    p.box.x0 = std::min(p.box.x0, x);
                    p.box.x1 = std::max(p.box.x1, x);
                    p.box.y0 = std::min(p.box.y0, y);
                    p.box.y1 = std::max(p.box.y1, y);
                }
            }
        }
        if (first)
            return;
        // A hairline (a rule under a heading) is no background.
        if (p.box.x1 - p.box.x0 < 2 || p.box.y1 - p.box.y0 < 2)
            return;
        GfxRGB rgb;
        state->getFillRGB(&rgb);
        p.rgb[0] = to_byte(rgb.r);
        p.rgb[1] = to_byte(rgb.g);
        p.rgb[2] = to_byte(rgb.b);
        p.image = false;
        addPaint(p);
    }

    void noteImage(GfxState *state)
    {
        hasImage = true;
        // An image is drawn into the unit square of its CTM.
        double xs[4], ys[4];
        state->transform(0, 0, &xs[0], &ys[0]);
        state->transform(1, 0, &xs[1], &ys[1]);
        state->transform(0, 1, &xs[2], &ys[2]);
        state->transform(1, 1, &xs[3], &ys[3]);
        Paint p;
        p.box = {xs[0], ys[0], xs[0], ys[0]};
        for (int i = 1; i < 4; i++) {
            p.box.x0 = std::min(p.box.x0, xs[i]);
            p.box.x1 = std::max(p.box.x1, xs[i]);
            p.box.y0 = std::min(p.box.y0, ys[i]);
            p.box.y1 = std::max(p.box.y1, ys[i]);
        }
        p.rgb[0] = p.rgb[1] = p.rgb[2] = 128;
        p.image = true;
        addPaint(p);
    }

    // Bounded: a page built of a million tiny fills must not make every
    // glyph a million comparisons.  The oldest paints go first; the latest
    // are what lies on top.
    void addPaint(const Paint &p)
    {
        if (paints.size() >= 4096)
            paints.erase(paints.begin(), paints.begin() + 1024);
        paints.push_back(p);
    }

    PDFRectangle cropUser;
    std::vector<Paint> paints;
};

/* ---------------------------------------------------------------- */
/* One document                                                     */
/* ---------------------------------------------------------------- */

// Attributes of a word: from the glyphs whose centre lies in its box.
struct WordAttrs {
    unsigned char paint[3], bg[3];
    unsigned char render;
    uint8_t flags;
};

WordAttrs word_attrs(const ScanDev &dev, const std::vector<size_t> &by_y,
                     const TextWord *w)
{
    double x0, y0, x1, y1;
    w->getBBox(&x0, &y0, &x1, &y1);
    WordAttrs a;
    double r, g, b;
    w->getColor(&r, &g, &b);
    a.paint[0] = (unsigned char)std::lround(std::clamp(r, 0.0, 1.0) * 255);
    a.paint[1] = (unsigned char)std::lround(std::clamp(g, 0.0, 1.0) * 255);
    a.paint[2] = (unsigned char)std::lround(std::clamp(b, 0.0, 1.0) * 255);
    a.bg[0] = a.bg[1] = a.bg[2] = 255;
    a.render = 0;
    a.flags = 0;
    double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    if (!dev.crop.contains(cx, cy))
        a.flags |= W_OUTSIDE_CROP;
    // Majority over the glyphs inside the box (binary search on y).
    const double slack = 0.5;
    auto lo = std::lower_bound(by_y.begin(), by_y.end(), y0 - slack,
                               [&](size_t i, double y) {
                                   return dev.glyphs[i].cy < y;
                               });
    size_t n = 0, invisible = 0, clipped = 0, image = 0;
    const Glyph *first = nullptr;
    for (auto it = lo; it != by_y.end() && dev.glyphs[*it].cy <= y1 + slack;
         ++it) {
        const Glyph &gl = dev.glyphs[*it];
        if (gl.cx < x0 - slack || gl.cx > x1 + slack)
            continue;
        if (!first)
            first = &gl;
        n++;
        invisible += (gl.render & 3) == 3;
        clipped += gl.clipped;
        image += gl.over_image;
    }
    if (first) {
        memcpy(a.bg, first->bg, 3);
        // The glyph's own paint colour: TextWord keeps only the fill.
        memcpy(a.paint, first->paint, 3);
        a.render = invisible * 2 > n ? 3 : (first->render & 3) == 3 ? 0
                                                                   : first->render;
        if (clipped * 2 > n)
            a.flags |= W_CLIPPED;
        if (image * 2 > n)
            a.flags |= W_OVER_IMAGE;
    }
    return a;
}

uint16_t centipoints(double size)
{
    if (!(size > 0))
        return 0;
    double v = size * 100;
    return v > 65535 ? 65535 : (uint16_t)std::lround(v);
}

struct Limits {
    uint32_t max_pages, max_text, cpu_seconds;
};

// Date strings from the Info dictionary, as written ("D:20210808...").
void meta_frame(char key, const GooString *s)
{
    if (!s)
        return;
    std::string b;
    put_u8(b, (unsigned char)key);
    // PDF text strings may be UTF-16BE; a date is ASCII either way.
    const std::string &t = s->toStr();
    size_t i = 0;
    if (t.size() >= 2 && (unsigned char)t[0] == 0xFE &&
        (unsigned char)t[1] == 0xFF) {
        for (i = 3; i < t.size() && b.size() < 64; i += 2)
            b.push_back(t[i]);
    } else {
        b.append(t, 0, std::min<size_t>(t.size(), 63));
    }
    frame('M', b);
}

// xmp:ModifyDate / xmp:CreateDate as element or attribute.
void xmp_frames(const GooString *xmp)
{
    if (!xmp)
        return;
    const std::string &t = xmp->toStr();
    static const struct {
        const char *name;
        char key;
    } keys[] = {{"xmp:ModifyDate", 'm'}, {"xmp:CreateDate", 'c'}};
    for (const auto &k : keys) {
        size_t p = t.find(k.name);
        if (p == std::string::npos)
            continue;
        p += strlen(k.name);
        while (p < t.size() && (t[p] == '=' || t[p] == '"' || t[p] == '\'' ||
                                t[p] == '>' || t[p] == ' '))
            p++;
        size_t e = p;
        while (e < t.size() && e - p < 40 && t[e] != '<' && t[e] != '"' &&
               t[e] != '\'')
            e++;
        std::string b;
        put_u8(b, (unsigned char)k.key);
        b.append(t, p, e - p);
        frame('M', b);
    }
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

void serve(std::vector<char> &doc_bytes, const Limits &lim)
{
    set_cpu_limit(lim.cpu_seconds);
    Object dict;
    auto *stream = new MemStream(doc_bytes.data(), 0, (Goffset)doc_bytes.size(),
                                 std::move(dict));
    PDFDoc doc(stream);
    if (!doc.isOk()) {
        int code = doc.getErrorCode();
        if (code == errEncrypted)
            error_frame(E_ENCRYPTED, "encrypted PDF: a password is needed");
        else
            error_frame(E_CORRUPT, "damaged PDF: its structure cannot be read");
        return;
    }
    int pages = doc.getNumPages();
    if (pages <= 0) {
        error_frame(E_CORRUPT, "damaged PDF: no pages");
        return;
    }
    if ((uint32_t)pages > lim.max_pages) {
        char msg[128];
        snprintf(msg, sizeof msg, "%d pages, over the limit of %u", pages,
                 lim.max_pages);
        error_frame(E_PAGES, msg);
        return;
    }
    meta_frame('M', doc.getDocInfoModDate().get());
    meta_frame('C', doc.getDocInfoCreatDate().get());
    xmp_frames(doc.readMetadata().get());
    flush_out();

    ScanDev dev;
    uint64_t text_bytes = 0;
    for (int pg = 1; pg <= pages; pg++) {
        Page *page = doc.getPage(pg);
        if (!page)
            continue;
        dev.setCropBox(page->getCropBox());
        // The media box, uncropped: text outside the crop box must reach
        // us so it can be flagged rather than silently dropped.
        doc.displayPage(&dev, pg, 72, 72, 0, true, false, false);
        std::vector<size_t> by_y(dev.glyphs.size());
        for (size_t i = 0; i < by_y.size(); i++)
            by_y[i] = i;
        std::sort(by_y.begin(), by_y.end(), [&](size_t a, size_t b) {
            return dev.glyphs[a].cy < dev.glyphs[b].cy;
        });
        std::string pb;
        put_u32(pb, (uint32_t)pg);
        put_u8(pb, dev.hasImage ? 1 : 0);
        frame('P', pb);
        for (const TextFlow *flow = dev.getFlows(); flow;
             flow = flow->getNext()) {
            bool flow_start = true;
            for (const TextBlock *blk = flow->getBlocks(); blk;
                 blk = blk->getNext()) {
                bool blk_start = true;
                for (const TextLine *line = blk->getLines(); line;
                     line = line->getNext()) {
                    std::string lb, words;
                    unsigned nwords = 0;
                    for (const TextWord *w = line->getWords(); w && nwords < 65535;
                         w = w->getNext()) {
                        std::unique_ptr<GooString> t(w->getText());
                        if (!t)
                            continue;
                        const std::string &s = t->toStr();
                        size_t len = std::min<size_t>(s.size(), 65535);
                        WordAttrs a = word_attrs(dev, by_y, w);
                        uint8_t flags = a.flags;
                        if (w->getSpaceAfter())
                            flags |= W_SPACE_AFTER;
                        put_u16(words, centipoints(w->getFontSize()));
                        words.append((const char *)a.paint, 3);
                        words.append((const char *)a.bg, 3);
                        put_u8(words, a.render);
                        put_u8(words, flags);
                        put_u16(words, (unsigned)len);
                        words.append(s, 0, len);
                        text_bytes += len + 1;
                        nwords++;
                    }
                    put_u8(lb, (flow_start ? 2 : 0) | (blk_start ? 1 : 0));
                    put_u16(lb, nwords);
                    lb += words;
                    frame('L', lb);
                    flow_start = blk_start = false;
                    if (text_bytes > lim.max_text) {
                        char msg[128];
                        snprintf(msg, sizeof msg,
                                 "text over the limit of %u bytes by page %d",
                                 lim.max_text, pg);
                        out_buf.clear();
                        error_frame(E_TEXT_LIMIT, msg);
                        return;
                    }
                }
            }
        }
        flush_out();
    }
    std::string db;
    put_u32(db, (uint32_t)pages);
    frame('D', db);
    flush_out();
}

// poppler reports every syntax problem on stderr; the library has no use
// for them and stderr may be the embedder's log.
void quiet(ErrorCategory, Goffset, const char *) { }

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
    setErrorCallback(quiet);
    globalParams = std::make_unique<GlobalParams>();
    globalParams->setTextEncoding("UTF-8");
    globalParams->setErrQuiet(true);

    std::string hello;
    put_u32(hello, kProtocolVersion);
    frame('H', hello);
    flush_out();

    for (;;) {
        unsigned char hdr[5];
        if (!read_full(hdr, sizeof hdr))
            return 0;
        uint32_t len = get_u32(hdr + 1);
        if (hdr[0] != 'Q' || len < 12 || len > kMaxRequest) {
            error_frame(E_REQUEST, "malformed request");
            return 1;
        }
        unsigned char lim_bytes[12];
        if (!read_full(lim_bytes, sizeof lim_bytes))
            return 0;
        Limits lim = {get_u32(lim_bytes), get_u32(lim_bytes + 4),
                      get_u32(lim_bytes + 8)};
        if (!lim.cpu_seconds)
            lim.cpu_seconds = (uint32_t)cpu;
        std::vector<char> bytes;
        try {
            bytes.resize(len - 12);
        } catch (const std::bad_alloc &) {
            error_frame(E_NOMEM, "out of memory for the document");
            return 1;
        }
        if (!read_full(bytes.data(), bytes.size()))
            return 0;
        try {
            serve(bytes, lim);
        } catch (const std::bad_alloc &) {
            out_buf.clear();
            error_frame(E_NOMEM, "out of memory reading the PDF (memory limit)");
            // poppler's state after bad_alloc is not to be trusted.
            return 1;
        } catch (...) {
            out_buf.clear();
            error_frame(E_INTERNAL, "unexpected failure in the PDF reader");
            return 1;
        }
    }
}
