// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader.cc - the PDF reader of kpiscan-pdf: one document's bytes in, the
 * frames of its answer out (docs/pdf.md, "The protocol").
 *
 * Copyright (C) 2026 the libkpiscan authors.  GPL-2.0-or-later, like the
 * rest of the helper (it links poppler); see kpiscan-pdf.cc.
 *
 * Apart from the process around it (kpiscan-pdf.cc: the socket, the
 * limits, the request loop) so that a fuzz harness can drive it with bytes
 * (tests/fuzz/fuzz-pdfreader.cc).
 */
#include "reader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include <Error.h>
#include <ErrorCodes.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Page.h>
#include <Stream.h>
#include <TextOutputDev.h>

namespace kpspdf
{

void frame(std::string &out, char type, const std::string &body)
{
    put_u8(out, (unsigned char)type);
    put_u32(out, (uint32_t)body.size());
    out += body;
}

void error_frame(std::string &out, Flush flush, ErrorCode code, const char *msg)
{
    std::string b;
    put_u8(b, code);
    b += msg;
    frame(out, 'E', b);
    flush(out);
}

namespace
{

/* ---------------------------------------------------------------- */
/* The output device                                                */
/* ---------------------------------------------------------------- */

struct Rect {
    double x0, y0, x1, y1;
    // Grow to hold (x, y); the first point (first true, then false) sets
    // the box.
    void add(double x, double y, bool &first)
    {
        if (first) {
            *this = {x, y, x, y};
            first = false;
            return;
        }
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
    }
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

// A clip path as drawn, in device space: the polygons of its subpaths
// (curves by their control points), the rule that fills it, and its box.
// A path too large to test per glyph is kept as "unknown" and passes all.
struct ClipLayer {
    std::vector<std::vector<std::pair<double, double>>> polys;
    bool even_odd;
    bool unknown;
    Rect box;

    bool contains(double x, double y) const
    {
        if (unknown)
            return true;
        int winding = 0, crossings = 0;
        for (const auto &poly : polys) {
            size_t n = poly.size();
            for (size_t i = 0; i < n; i++) {
                double x0 = poly[i].first, y0 = poly[i].second;
                double x1 = poly[(i + 1) % n].first,
                       y1 = poly[(i + 1) % n].second;
                if ((y0 <= y) != (y1 <= y)) {
                    double xi = x0 + (y - y0) / (y1 - y0) * (x1 - x0);
                    if (xi > x) {
                        crossings++;
                        winding += y1 > y0 ? 1 : -1;
                    }
                }
            }
        }
        return even_odd ? (crossings & 1) != 0 : winding != 0;
    }
};

// Points of a clip path beyond which it is not tested glyph by glyph.
const size_t CLIP_POINTS_MAX = 4096;

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
    ScanDev() : TextOutputDev(nullptr, nullptr, false, 0, false, false) {}

    // Images must reach us (TextOutputDev says it needs none).
    bool needNonText() override
    {
        return true;
    }

    void setCropBox(const PDFRectangle *crop)
    {
        cropUser = *crop;
    }

    void startPage(int pageNum, GfxState *state, XRef *xref) override
    {
        TextOutputDev::startPage(pageNum, state, xref);
        paints.clear();
        glyphs.clear();
        clips.clear();
        savedClips.clear();
        hasImage = false;
        crop = device_bbox(state, &cropUser);
    }

    // The clip paths in force, by graphics state: q saves, Q restores.
    void saveState(GfxState *state) override
    {
        TextOutputDev::saveState(state);
        savedClips.push_back(clips.size());
    }
    void restoreState(GfxState *state) override
    {
        TextOutputDev::restoreState(state);
        if (!savedClips.empty()) {
            clips.resize(std::min(clips.size(), savedClips.back()));
            savedClips.pop_back();
        }
    }
    void clip(GfxState *state) override
    {
        TextOutputDev::clip(state);
        noteClip(state, false);
    }
    void eoClip(GfxState *state) override
    {
        TextOutputDev::eoClip(state);
        noteClip(state, true);
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
                             int width, int height, GfxImageColorMap *colorMap,
                             bool interpolate, Stream *maskStr, int maskWidth,
                             int maskHeight, GfxImageColorMap *maskColorMap,
                             bool maskInterpolate) override
    {
        noteImage(state);
        OutputDev::drawSoftMaskedImage(
            state, ref, str, width, height, colorMap, interpolate, maskStr,
            maskWidth, maskHeight, maskColorMap, maskInterpolate);
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
        // Glyphs are sorted by cy: a NaN (a degenerate matrix) would
        // break the sort's ordering.  Such a glyph lies nowhere.
        if (std::isnan(g.cx) || std::isnan(g.cy))
            g.cx = g.cy = -1e300;
        g.render = (unsigned char)(state->getRender() & 7);
        // Paint with (nearly) no opacity is no paint: the glyph counts as
        // drawn invisibly (3 Tr), which the library judges like 3 Tr
        // (an OCR layer only over an image).  Soft masks are not seen.
        {
            int mode = g.render & 3;
            double alpha = mode == 0   ? state->getFillOpacity()
                           : mode == 1 ? state->getStrokeOpacity()
                           : mode == 2 ? std::max(state->getFillOpacity(),
                                                  state->getStrokeOpacity())
                                       : 1.0;
            if (alpha < 0.1)
                g.render = (unsigned char)((g.render & 4) | 3);
        }
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
        g.clipped = gx1 < cx0 || gx0 > cx1 || gy1 < cy0 || gy0 > cy1 ||
                    !clipsShow(gx0, gy0, gx1, gy1);
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
    std::vector<ClipLayer> clips;
    std::vector<size_t> savedClips;

    void noteClip(GfxState *state, bool even_odd)
    {
        const GfxPath *path = state->getPath();
        ClipLayer layer;
        layer.even_odd = even_odd;
        layer.unknown = false;
        size_t points = 0;
        bool first = true;
        for (int i = 0; path && i < path->getNumSubpaths(); i++) {
            const GfxSubpath *sp = path->getSubpath(i);
            points += (size_t)sp->getNumPoints();
            if (points > CLIP_POINTS_MAX) {
                layer.unknown = true;
                break;
            }
            std::vector<std::pair<double, double>> poly;
            for (int k = 0; k < sp->getNumPoints(); k++) {
                // Control points enclose a curve, so a curved clip's
                // polygon errs towards showing; a curved hole (even-odd)
                // would err towards hiding: its box alone judges it.
                if (even_odd && sp->getCurve(k))
                    layer.unknown = true;
                double x, y;
                state->transform(sp->getX(k), sp->getY(k), &x, &y);
                poly.emplace_back(x, y);
                layer.box.add(x, y, first);
            }
            if (poly.size() >= 2)
                layer.polys.push_back(std::move(poly));
        }
        if (first)
            layer.unknown = true; // an empty path: poppler's box says it
        clips.push_back(std::move(layer));
    }

    // Whether any part of a glyph's box [x0, x1] x [y0, y1] shows through
    // every clip path in force: one of nine points (corners, edge middles,
    // centre) inside all of them.  A clip narrower than a point in either
    // direction shows no readable glyph, whatever it crosses.
    bool clipsShow(double x0, double y0, double x1, double y1) const
    {
        for (const ClipLayer &c : clips)
            if (!c.unknown &&
                (c.box.x1 - c.box.x0 < 1 || c.box.y1 - c.box.y0 < 1))
                return false;
        if (clips.empty())
            return true;
        const double xs[3] = {x0, (x0 + x1) / 2, x1};
        const double ys[3] = {y0, (y0 + y1) / 2, y1};
        for (double x : xs)
            for (double y : ys) {
                bool inside = true;
                for (const ClipLayer &c : clips)
                    if (!c.contains(x, y)) {
                        inside = false;
                        break;
                    }
                if (inside)
                    return true;
            }
        return false;
    }

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
                p.box.add(x, y, first);
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
/* Reading order of columns                                         */
/* ---------------------------------------------------------------- */

// Poppler's reading order (what pdftotext prints) keeps each block (a
// paragraph) whole, but orders the blocks of a two-column page by a
// partial order that interleaves the columns paragraph by paragraph: a
// sidebar's profile, then the first job on the right, then the sidebar's
// skills...  (the LibreOffice fixture in tests/pdf/producers shows it).
// The blocks are put in order again here by a recursive XY cut: a region
// splits at a column gutter when there is one, else its top band (the
// blocks up to the first horizontal gap across the whole region) is read
// before the rest.  Pages without a column gutter keep poppler's order
// unchanged, so single-column PDFs read exactly as pdftotext reads them.
struct Blk {
    double x0, y0, x1, y1;
    size_t idx; // poppler's order
    int flow;   // poppler's flow
    int lines;
    const TextBlock *blk;
};

Blk make_blk(const TextBlock *blk, size_t idx, int flow)
{
    Blk b;
    blk->getBBox(&b.x0, &b.y0, &b.x1, &b.y1);
    b.idx = idx;
    b.flow = flow;
    b.lines = 0;
    for (const TextLine *l = blk->getLines(); l && b.lines < 1000;
         l = l->getNext())
        b.lines++;
    b.blk = blk;
    return b;
}

// A gutter is at least this wide (points); LaTeX's default \columnsep is
// 10 pt.
const double kGutter = 6;
// Past this many blocks on a page the order is poppler's: the cuts cost
// up to the cube of the blocks at worst (a hostile staircase of 990
// one-word lines, each apart from the others, reads in 0.25 s), and no
// resume page has that many paragraphs.
const size_t kMaxOrderedBlocks = 1000;

// One side of a gutter is a column, not a strip of labels or dates beside
// the text: it holds a paragraph of two lines or more, three lines in all,
// and runs down at least a third of the region.
bool is_column(const std::vector<const Blk *> &v, double top, double bottom)
{
    int lines = 0;
    bool para = false;
    double y0 = v[0]->y0, y1 = v[0]->y1;
    for (const Blk *b : v) {
        lines += b->lines;
        para = para || b->lines >= 2;
        y0 = std::min(y0, b->y0);
        y1 = std::max(y1, b->y1);
    }
    return para && lines >= 3 && (y1 - y0) * 3 >= bottom - top;
}

// Splits v (any order) at the leftmost gutter with a column on each side.
bool column_split(std::vector<const Blk *> &v, std::vector<const Blk *> &left,
                  std::vector<const Blk *> &right)
{
    double top = v[0]->y0, bottom = v[0]->y1;
    for (const Blk *b : v) {
        top = std::min(top, b->y0);
        bottom = std::max(bottom, b->y1);
    }
    std::sort(v.begin(), v.end(), [](const Blk *a, const Blk *b) {
        return a->x0 < b->x0 || (a->x0 == b->x0 && a->idx < b->idx);
    });
    double reach = v[0]->x1;
    for (size_t k = 1; k < v.size(); k++) {
        if (v[k]->x0 - reach >= kGutter) {
            left.assign(v.begin(), v.begin() + k);
            right.assign(v.begin() + k, v.end());
            if (is_column(left, top, bottom) && is_column(right, top, bottom))
                return true;
        }
        reach = std::max(reach, v[k]->x1);
    }
    return false;
}

// Splits off the top band: the blocks above the first horizontal gap that
// runs across the whole region.
bool top_band(std::vector<const Blk *> &v, std::vector<const Blk *> &band,
              std::vector<const Blk *> &rest)
{
    std::sort(v.begin(), v.end(), [](const Blk *a, const Blk *b) {
        return a->y0 < b->y0 || (a->y0 == b->y0 && a->idx < b->idx);
    });
    double reach = v[0]->y1;
    for (size_t k = 1; k < v.size(); k++) {
        if (v[k]->y0 >= reach) {
            band.assign(v.begin(), v.begin() + k);
            rest.assign(v.begin() + k, v.end());
            return true;
        }
        reach = std::max(reach, v[k]->y1);
    }
    return false;
}

// The blocks in reading order; *reordered says whether a gutter was cut
// (otherwise the order is poppler's).  Iterative: a hostile page must not
// run the stack out.
std::vector<const Blk *> reading_order(const std::vector<Blk> &blks,
                                       bool *reordered)
{
    std::vector<const Blk *> order;
    for (const Blk &b : blks)
        order.push_back(&b);
    *reordered = false;
    if (blks.size() < 2 || blks.size() > kMaxOrderedBlocks)
        return order;
    // The sorts below need numbers that compare: a NaN (a degenerate
    // matrix in a hostile PDF) would break their ordering.
    for (const Blk &b : blks)
        if (!std::isfinite(b.x0) || !std::isfinite(b.y0) ||
            !std::isfinite(b.x1) || !std::isfinite(b.y1))
            return order;
    std::vector<const Blk *> out;
    std::vector<std::vector<const Blk *>> todo;
    todo.push_back(order);
    bool cut = false;
    while (!todo.empty()) {
        std::vector<const Blk *> v = std::move(todo.back());
        todo.pop_back();
        std::vector<const Blk *> a, b;
        if (v.size() >= 2 && column_split(v, a, b)) {
            cut = true;
            todo.push_back(std::move(b));
            todo.push_back(std::move(a));
        } else if (v.size() >= 2 && top_band(v, a, b)) {
            todo.push_back(std::move(b));
            todo.push_back(std::move(a));
        } else {
            std::sort(v.begin(), v.end(), [](const Blk *x, const Blk *y) {
                return x->idx < y->idx;
            });
            out.insert(out.end(), v.begin(), v.end());
        }
    }
    if (!cut)
        return order;
    *reordered = true;
    return out;
}

/* ---------------------------------------------------------------- */
/* One document                                                     */
/* ---------------------------------------------------------------- */

// Attributes of a word: from the glyphs whose centre lies in its box.
struct WordAttrs {
    unsigned char paint[3], bg[3];
    unsigned char render;
    uint8_t flags;
};

// Glyphs are indexed by (whole point of cy, cx): a word's box is then a
// few runs of that order, found by binary search, so a page piled with
// glyphs costs each word only the glyphs under it.
long y_bucket(double cy)
{
    // Clamped, so that the order stays monotonic in cy for any value.
    if (!(cy > -1e9))
        return -1000000000L;
    if (!(cy < 1e9))
        return 1000000000L;
    return (long)std::floor(cy);
}

// The library's colour test (lib/input/pdf.c, KPS_PDF_NEAR_COLOUR): a
// glyph whose paint is this close to what lies beneath it is not seen.
const int NEAR_COLOUR = 24;

bool low_contrast(const Glyph &g)
{
    for (int i = 0; i < 3; i++) {
        int d = (int)g.paint[i] - (int)g.bg[i];
        if (d > NEAR_COLOUR || d < -NEAR_COLOUR)
            return false;
    }
    return true;
}

// A NaN would break the sort's ordering: it sorts as 0.
double ordered(double v)
{
    return std::isnan(v) ? 0 : v;
}

bool glyph_before(const ScanDev &dev, size_t a, size_t b)
{
    const Glyph &x = dev.glyphs[a], &y = dev.glyphs[b];
    long bx = y_bucket(x.cy), by = y_bucket(y.cy);
    return bx != by ? bx < by : ordered(x.cx) < ordered(y.cx);
}

// The gap after w along its line, in units of its font size; NaN when
// there is no next word.
double gap_after(const TextWord *w)
{
    const TextWord *next = w->getNext();
    if (!next || !(w->getFontSize() > 0))
        return std::nan("");
    double a0, b0, a1, b1, c0, d0, c1, d1;
    w->getBBox(&a0, &b0, &a1, &b1);
    next->getBBox(&c0, &d0, &c1, &d1);
    double gap;
    switch (w->getRotation()) {
    case 0: gap = c0 - a1; break;
    case 1: gap = d0 - b1; break;
    case 2: gap = a0 - c1; break;
    default: gap = b0 - d1; break;
    }
    return gap / w->getFontSize();
}

// The page's usual space between words, in units of the font size: the
// median gap after words that a space follows (a quarter to a third in
// proportional fonts, 0.6 in a monospaced one).
double usual_space(const std::vector<const Blk *> &order)
{
    std::vector<double> gaps;
    for (const Blk *b : order)
        for (const TextLine *line = b->blk->getLines(); line;
             line = line->getNext())
            for (const TextWord *w = line->getWords(); w; w = w->getNext())
                if (w->getSpaceAfter()) {
                    double g = gap_after(w);
                    if (std::isfinite(g) && g > 0)
                        gaps.push_back(g);
                }
    if (gaps.empty())
        return std::nan("");
    auto mid = gaps.begin() + gaps.size() / 2;
    std::nth_element(gaps.begin(), mid, gaps.end());
    return *mid;
}

// The gap after w is two spaces wide or more (1.7 times the page's usual
// space): a document converted from a PDF keeps "2018  2021", two spaces
// where a dash was lost, and the library reads such a pair as a range.
bool wide_gap_after(const TextWord *w, double space)
{
    double g = gap_after(w);
    return std::isfinite(g) && std::isfinite(space) && g >= 1.7 * space;
}

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
    // Majority over the glyphs inside the box.  The colours come from a
    // glyph of the majority outcome, seen or not seen against what lies
    // beneath (ties: not seen), not from one glyph: visible dots set
    // before each white word, in any number of colours, must not vouch
    // for it.
    const double slack = 0.5;
    const Glyph *faint = nullptr, *seen = nullptr;
    size_t n = 0, nfaint = 0, invisible = 0, clipped = 0, image = 0;
    auto in_bucket_from = [&](long bucket, double x) {
        return std::lower_bound(
            by_y.begin(), by_y.end(), std::pair(bucket, x),
            [&](size_t i, const std::pair<long, double> &k) {
                const Glyph &gl = dev.glyphs[i];
                long bi = y_bucket(gl.cy);
                return bi != k.first ? bi < k.first : ordered(gl.cx) < k.second;
            });
    };
    long last = y_bucket(y1 + slack);
    auto it = in_bucket_from(y_bucket(y0 - slack), -INFINITY);
    while (it != by_y.end()) {
        long bucket = y_bucket(dev.glyphs[*it].cy);
        if (bucket > last)
            break;
        it = in_bucket_from(bucket, x0 - slack);
        for (; it != by_y.end(); ++it) {
            const Glyph &gl = dev.glyphs[*it];
            if (y_bucket(gl.cy) != bucket || ordered(gl.cx) > x1 + slack)
                break;
            if (gl.cy < y0 - slack || gl.cy > y1 + slack)
                continue;
            n++;
            invisible += (gl.render & 3) == 3;
            clipped += gl.clipped;
            image += gl.over_image;
            if (low_contrast(gl)) {
                nfaint++;
                if (!faint)
                    faint = &gl;
            } else if (!seen) {
                seen = &gl;
            }
        }
        // on to the next bucket present
        it = in_bucket_from(bucket + 1, -INFINITY);
    }
    if (n) {
        const Glyph *rep = nfaint * 2 >= n ? faint : seen;
        memcpy(a.bg, rep->bg, 3);
        // The glyph's own paint colour: TextWord keeps only the fill.
        memcpy(a.paint, rep->paint, 3);
        a.render = invisible * 2 > n        ? 3
                   : (rep->render & 3) == 3 ? 0
                                            : rep->render;
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

// Date strings from the Info dictionary, as written ("D:20210808...").
void meta_frame(std::string &out, char key, const GooString *s)
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
    frame(out, 'M', b);
}

// xmp:ModifyDate / xmp:CreateDate as element or attribute.
void xmp_frames(std::string &out, const GooString *xmp)
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
        frame(out, 'M', b);
    }
}

// poppler reports every syntax problem on stderr; the library has no use
// for them and stderr may be the embedder's log.
void quiet(ErrorCategory, Goffset, const char *) {}

} // namespace

void read_document(std::vector<char> &doc_bytes, const Limits &lim,
                   std::string &out, Flush flush)
{
    Object dict;
    auto *stream = new MemStream(doc_bytes.data(), 0, (Goffset)doc_bytes.size(),
                                 std::move(dict));
    PDFDoc doc(stream);
    if (!doc.isOk()) {
        int code = doc.getErrorCode();
        if (code == errEncrypted)
            error_frame(out, flush, E_ENCRYPTED,
                        "encrypted PDF: a password is needed");
        else
            error_frame(out, flush, E_CORRUPT,
                        "damaged PDF: its structure cannot be read");
        return;
    }
    int pages = doc.getNumPages();
    if (pages <= 0) {
        error_frame(out, flush, E_CORRUPT, "damaged PDF: no pages");
        return;
    }
    if ((uint32_t)pages > lim.max_pages) {
        char msg[128];
        snprintf(msg, sizeof msg, "%d pages, over the limit of %u", pages,
                 lim.max_pages);
        error_frame(out, flush, E_PAGES, msg);
        return;
    }
    meta_frame(out, 'M', doc.getDocInfoModDate().get());
    meta_frame(out, 'C', doc.getDocInfoCreatDate().get());
    xmp_frames(out, doc.readMetadata().get());
    flush(out);

    ScanDev dev;
    uint64_t text_bytes = 0;
    for (int pg = 1; pg <= pages; pg++) {
        Page *page = doc.getPage(pg);
        if (!page) {
            // A page tree that counts more pages than it holds (or a page
            // poppler cannot load): an empty page, so that the pages sent
            // still run 1..n and agree with 'D'.  Skipping it made the
            // library refuse the whole answer as malformed and blame the
            // helper for a damaged PDF that pdftotext reads.
            std::string pb;
            put_u32(pb, (uint32_t)pg);
            put_u8(pb, 0);
            frame(out, 'P', pb);
            continue;
        }
        dev.setCropBox(page->getCropBox());
        // The media box, uncropped: text outside the crop box must reach
        // us so it can be flagged rather than silently dropped.
        doc.displayPage(&dev, pg, 72, 72, 0, true, false, false);
        std::vector<size_t> by_y(dev.glyphs.size());
        for (size_t i = 0; i < by_y.size(); i++)
            by_y[i] = i;
        std::sort(by_y.begin(), by_y.end(),
                  [&](size_t a, size_t b) { return glyph_before(dev, a, b); });
        std::string pb;
        put_u32(pb, (uint32_t)pg);
        put_u8(pb, dev.hasImage ? 1 : 0);
        frame(out, 'P', pb);
        std::vector<Blk> blks;
        int nflow = 0;
        for (const TextFlow *flow = dev.getFlows(); flow;
             flow = flow->getNext(), nflow++)
            for (const TextBlock *blk = flow->getBlocks(); blk;
                 blk = blk->getNext())
                blks.push_back(make_blk(blk, blks.size(), nflow));
        bool reordered = false;
        std::vector<const Blk *> order = reading_order(blks, &reordered);
        double space = usual_space(order);
        const Blk *prev = nullptr;
        for (const Blk *b : order) {
            // A blank line (the library's reading of "flow start") where
            // poppler starts a flow, and between the columns we reorder.
            bool flow_start = !prev || prev->flow != b->flow ||
                              (reordered && b->idx != prev->idx + 1);
            prev = b;
            bool blk_start = true;
            for (const TextLine *line = b->blk->getLines(); line;
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
                    if (w->getSpaceAfter()) {
                        flags |= W_SPACE_AFTER;
                        if (wide_gap_after(w, space))
                            flags |= W_WIDE_GAP;
                    }
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
                put_u8(lb, (flow_start ? L_FLOW_START : 0) |
                               (blk_start ? L_BLOCK_START : 0));
                put_u16(lb, nwords);
                lb += words;
                frame(out, 'L', lb);
                flow_start = blk_start = false;
                if (text_bytes > lim.max_text) {
                    char msg[128];
                    snprintf(msg, sizeof msg,
                             "text over the limit of %u bytes by page %d",
                             lim.max_text, pg);
                    out.clear();
                    error_frame(out, flush, E_TEXT_LIMIT, msg);
                    return;
                }
            }
        }
        flush(out);
    }
    std::string db;
    put_u32(db, (uint32_t)pages);
    frame(out, 'D', db);
    flush(out);
}

void init()
{
    setErrorCallback(quiet);
    globalParams = std::make_unique<GlobalParams>();
    globalParams->setTextEncoding("UTF-8");
    globalParams->setErrQuiet(true);
}

} // namespace kpspdf
