#!/usr/bin/env python3
"""Write the PDF fixtures of the PDF tests into a folder.

    make-pdfs.py OUTDIR

Each fixture is a minimal PDF written by hand here (no PDF library, so the
tests need nothing but python3): one case of hidden text, of visible text
that a naive rule would call hidden, of a layout, or of an error.  The
shared corpus is all from one producer (wkhtmltopdf); these cover other
shapes.  Text uses the standard Helvetica font (WinAnsi), so every reader
extracts it the same way.
"""
import hashlib
import os
import struct
import sys
import zlib


def esc(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text(x, y, s, size=11, rgb=(0, 0, 0), render=0, font="F1"):
    r, g, b = rgb
    return (f"BT /{font} {size} Tf {render} Tr {r} {g} {b} rg "
            f"{x} {y} Td ({esc(s)}) Tj ET\n")


def rect(x, y, w, h, rgb):
    r, g, b = rgb
    return f"{r} {g} {b} rg {x} {y} {w} {h} re f\n"


class Pdf:
    """Objects in order; page content streams; an optional Info dict and
    optional RC4 encryption (standard security handler, revision 2)."""

    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body)
        return len(self.objs)

    def build(self, pages, media=(0, 0, 612, 792), crop=None, info=None,
              image_pages=(), user_pw=None, owner_pw=None, alpha=None):
        font = self.add(b"<< /Type /Font /Subtype /Type1 /BaseFont "
                        b"/Helvetica /Encoding /WinAnsiEncoding >>")
        # /GS0: fill and stroke alpha set to `alpha` (a transparency state
        # the content can switch to with "/GS0 gs").
        gs = None
        if alpha is not None:
            gs = self.add(b"<< /Type /ExtGState /ca %s /CA %s >>"
                          % (str(alpha).encode(), str(alpha).encode()))
        img = None
        if image_pages:
            # An 8x8 grey "scan".
            data = bytes([200] * 64)
            img = self.add(b"<< /Type /XObject /Subtype /Image /Width 8 "
                           b"/Height 8 /ColorSpace /DeviceGray "
                           b"/BitsPerComponent 8 /Length 64 >>\nstream\n" +
                           data + b"\nendstream")
        pages_id = len(self.objs) + 1 + 2 * len(pages)
        kids = []
        for i, content in enumerate(pages):
            c = content.encode("latin-1")
            cid = self.add(b"<< /Length %d >>\nstream\n" % len(c) + c +
                           b"\nendstream")
            res = b"/Font << /F1 %d 0 R >>" % font
            if img and i in image_pages:
                res += b" /XObject << /Im1 %d 0 R >>" % img
            if gs:
                res += b" /ExtGState << /GS0 %d 0 R >>" % gs
            box = b"/MediaBox [%d %d %d %d]" % media
            if crop:
                box += b" /CropBox [%d %d %d %d]" % crop
            kids.append(self.add(
                b"<< /Type /Page /Parent %d 0 R %s /Resources << %s >> "
                b"/Contents %d 0 R >>" % (pages_id, box, res, cid)))
        assert self.add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
            b" ".join(b"%d 0 R" % k for k in kids), len(kids))) == pages_id
        cat = self.add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
        info_id = None
        if info:
            info_id = self.add(b"<< " + b" ".join(
                b"/%s (%s)" % (k.encode(), v.encode())
                for k, v in info.items()) + b" >>")
        enc_id, key, file_id = None, None, hashlib.md5(b"kpiscan").digest()
        if user_pw is not None:
            enc_id, key = self._encrypt_dict(user_pw, owner_pw or user_pw,
                                             file_id)
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objs, 1):
            offsets.append(len(out))
            if key is not None and i != enc_id:
                body = self._encrypt_obj(body, i, key)
            out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1)
        for o in offsets:
            out += b"%010d 00000 n \n" % o
        trailer = b"/Size %d /Root %d 0 R" % (len(self.objs) + 1, cat)
        if info_id:
            trailer += b" /Info %d 0 R" % info_id
        if enc_id:
            trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
                enc_id, file_id.hex().encode(), file_id.hex().encode())
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" \
            % xref
        return bytes(out)

    # --- RC4 40-bit, PDF 1.4 standard security handler, revision 2 ---
    PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E80"
                        "2F0CA9FE6453697A")

    @staticmethod
    def rc4(key, data):
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) & 255
            s[i], s[j] = s[j], s[i]
        i = j = 0
        out = bytearray()
        for c in data:
            i = (i + 1) & 255
            j = (j + s[i]) & 255
            s[i], s[j] = s[j], s[i]
            out.append(c ^ s[(s[i] + s[j]) & 255])
        return bytes(out)

    def _encrypt_dict(self, user_pw, owner_pw, file_id):
        pad = lambda p: (p.encode() + self.PAD)[:32]
        o = self.rc4(hashlib.md5(pad(owner_pw)).digest()[:5], pad(user_pw))
        perms = -4  # everything allowed but bit 1..2 reserved
        key = hashlib.md5(pad(user_pw) + o + struct.pack("<i", perms) +
                          file_id).digest()[:5]
        u = self.rc4(key, self.PAD)
        enc = self.add(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <%s> "
                       b"/U <%s> /P %d >>" % (o.hex().encode(),
                                               u.hex().encode(), perms))
        return enc, key

    def _encrypt_obj(self, body, num, key):
        k = hashlib.md5(key + struct.pack("<I", num)[:3] + b"\0\0").digest()
        k = k[:min(len(key) + 5, 16)]
        if b"stream\n" in body:
            head, rest = body.split(b"stream\n", 1)
            data = rest[:rest.rindex(b"\nendstream")]
            return head + b"stream\n" + self.rc4(k, data) + b"\nendstream"
        # Strings in dictionaries: only the Info dict has any here.
        out, i = bytearray(), 0
        while i < len(body):
            if body[i:i + 1] == b"(":
                j = body.index(b")", i)
                out += b"<" + self.rc4(k, body[i + 1:j]).hex().encode() + b">"
                i = j + 1
            else:
                out += body[i:i + 1]
                i += 1
        return bytes(out)


RESUME = [
    "Jane Doe",
    "Experience",
    "Senior Analyst, Acme Corp, January 2015 to Present",
    "Defined KPIs and built the KPI dashboard for the sales team.",
    "Increased revenue by 25% through pricing analysis.",
]


def resume_page(x=72, top=720, lines=RESUME):
    return "".join(text(x, top - 18 * i, s) for i, s in enumerate(lines))


def fixtures():
    f = {}
    f["plain.pdf"] = Pdf().build([resume_page()], info={
        "ModDate": "D:20230415120000Z", "CreationDate": "D:20200101000000Z"})
    f["creation-only.pdf"] = Pdf().build([resume_page()], info={
        "CreationDate": "D:20220301000000Z"})
    f["future-date.pdf"] = Pdf().build([resume_page()], info={
        "ModDate": "D:29990101000000Z"})
    f["two-pages.pdf"] = Pdf().build([resume_page(lines=RESUME[:3]),
                                      resume_page(lines=RESUME[3:])])
    # Two columns: a sidebar of skills at the left, the body at the right.
    left = ["Skills", "Forecasting", "SQL"]
    right = ["Experience", "Operations Manager, 2018 to 2023",
             "Owned the weekly KPI review with the leadership team.",
             "Cut churn by 12% in one year."]
    f["two-columns.pdf"] = Pdf().build([
        "".join(text(40, 720 - 13 * i, s) for i, s in enumerate(left)) +
        "".join(text(250, 720 - 13 * i, s) for i, s in enumerate(right))])
    # Two spaces where a dash was lost, as text literally and as a kerned
    # gap of the same width: kept as two spaces (a range), while single
    # spaces stay single.
    f["wide-gap.pdf"] = Pdf().build([
        text(72, 720, "Experience") +
        text(72, 702, "2018  2021 Data Analyst at Acme") +
        "BT /F1 11 Tf 72 684 Td [(2015) -560 (2017 Junior Analyst)] TJ ET\n" +
        text(72, 666, "Defined KPIs and built the KPI dashboard.") +
        text(72, 648, "Skills  Excel")])
    stuffed = "KPI dashboard balanced scorecard OKR ownership"
    f["hidden-white.pdf"] = Pdf().build([
        resume_page() + text(72, 600, stuffed, rgb=(1, 1, 1))])
    f["hidden-near-white.pdf"] = Pdf().build([
        resume_page() + text(72, 600, stuffed, rgb=(0.97, 0.97, 0.97))])
    # White words, each after a visible raised dot: the dot must not vouch
    # for the word (the word's colours are its glyphs' majority).
    dotted = " ".join("0 0 0 rg 0.6 Ts (.) Tj 0 Ts 1 1 1 rg (%s ) Tj" % esc(w)
                      for w in stuffed.split())
    f["hidden-white-dotted.pdf"] = Pdf().build([
        resume_page() + "BT /F1 11 Tf 72 600 Td " + dotted + " ET\n"])
    # Eight dots of eight colours before each word, and as many dots as
    # letters (a tie): still the word's hidden majority, or a tie, wins.
    many = " ".join(" ".join("0.0%d 0 0 rg 0.6 Ts (.) Tj" % i for i in range(8)) +
                    " 0 Ts 1 1 1 rg (%s ) Tj" % esc(w) for w in stuffed.split())
    f["hidden-white-many-dots.pdf"] = Pdf().build([
        resume_page() + "BT /F1 11 Tf 72 600 Td " + many + " ET\n"])
    tie = " ".join("0 0 0 rg 0.6 Ts (%s) Tj 0 Ts 1 1 1 rg (%s ) Tj"
                   % ("." * len(w), esc(w)) for w in stuffed.split())
    f["hidden-white-tie.pdf"] = Pdf().build([
        resume_page() + "BT /F1 11 Tf 72 600 Td " + tie + " ET\n"])
    f["hidden-tiny.pdf"] = Pdf().build([
        resume_page() + text(72, 600, stuffed, size=0.5)])
    f["hidden-invisible.pdf"] = Pdf().build([
        resume_page() + text(72, 600, stuffed, render=3)])
    # Invisible text beside a small picture (a photo, a logo): only text
    # lying over an image is an OCR layer.
    f["hidden-invisible-beside-image.pdf"] = Pdf().build([
        "q 40 0 0 40 520 720 cm /Im1 Do Q\n" + resume_page() +
        text(72, 600, stuffed, render=3)], image_pages=(0,))
    # Text drawn fully transparent (an ExtGState with ca and CA 0).
    f["hidden-transparent.pdf"] = Pdf().build([
        resume_page() + "q /GS0 gs\n" + text(72, 600, stuffed) + "Q\n"],
        alpha=0)
    # The crop box ends at y=500: the stuffed line at y=100 is cut away.
    f["hidden-outside-crop.pdf"] = Pdf().build([
        resume_page() + text(72, 100, stuffed)], crop=(0, 400, 612, 792))
    # Clipped away: the clip is a box at the top left, the text far from it.
    f["hidden-clipped.pdf"] = Pdf().build([
        resume_page() + "q 0 700 50 50 re W n\n" + text(72, 600, stuffed) +
        "Q\n"])
    # Clip paths whose box covers the text though nothing of it shows: two
    # tiny squares at opposite corners, a page with a hole (even-odd) where
    # the text is, a sliver a twentieth of a point high across the line.
    f["hidden-clip-corners.pdf"] = Pdf().build([
        resume_page() + "q 0 0 2 2 re 610 790 2 2 re W n\n" +
        text(72, 600, stuffed) + "Q\n"])
    f["hidden-clip-hole.pdf"] = Pdf().build([
        resume_page() + "q 0 0 612 792 re 60 590 500 30 re W* n\n" +
        text(72, 600, stuffed) + "Q\n"])
    f["hidden-clip-sliver.pdf"] = Pdf().build([
        resume_page() + "q 0 603 612 0.05 re W n\n" +
        text(72, 600, stuffed) + "Q\n"])
    f["hidden-on-dark.pdf"] = Pdf().build([
        resume_page() + rect(60, 590, 400, 30, (0.1, 0.1, 0.3)) +
        text(72, 600, stuffed, rgb=(0.12, 0.12, 0.3))])
    # Visible: a white heading on a dark sidebar.
    f["sidebar-white-heading.pdf"] = Pdf().build([
        rect(0, 0, 180, 792, (0.15, 0.2, 0.3)) +
        text(20, 740, "KPI dashboard owner", rgb=(1, 1, 1)) +
        text(20, 720, "Key skills", rgb=(1, 1, 1)) +
        resume_page(x=200)])
    # Visible: a clip of three subpaths, one of them the whole page.
    f["clip-subpaths.pdf"] = Pdf().build([
        "q 0 0 2 2 re 0 0 612 792 re 610 790 2 2 re W n\n" + resume_page() +
        "Q\n"])
    # Visible: an OCR layer (3 Tr) over the page's scanned image.
    f["ocr-layer.pdf"] = Pdf().build([
        "q 612 0 0 792 0 0 cm /Im1 Do Q\n" +
        "".join(text(72, 720 - 18 * i, s, render=3)
                for i, s in enumerate(RESUME))], image_pages=(0,))
    f["encrypted-user.pdf"] = Pdf().build([resume_page()], user_pw="secret",
                                          owner_pw="owner")
    f["encrypted-owner-only.pdf"] = Pdf().build([resume_page()], user_pw="",
                                                owner_pw="owner")
    f["no-text.pdf"] = Pdf().build([rect(72, 72, 200, 200, (0.5, 0.5, 0.5))])
    f["scanned.pdf"] = Pdf().build(["q 612 0 0 792 0 0 cm /Im1 Do Q\n"],
                                   image_pages=(0,))
    f["many-pages.pdf"] = Pdf().build([text(72, 720, "Page %d" % i)
                                       for i in range(1, 53)])
    f["corrupt.pdf"] = b"%PDF-1.4\n" + bytes(range(256)) * 8
    whole = f["plain.pdf"]
    f["truncated.pdf"] = whole[:len(whole) // 3]
    # A page tree that counts 3 pages but holds 1 (same length: the xref
    # offsets stay right): poppler finds no pages 2 and 3; the text of
    # page 1 is read, as pdftotext reads it.
    assert whole.count(b"/Count 1 >>") == 1
    f["page-count-lies.pdf"] = whole.replace(b"/Count 1 >>", b"/Count 3 >>")
    return f


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in fixtures().items():
        with open(os.path.join(out, name), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    main()
