#!/usr/bin/python3
"""Rebuild the crafted .doc files of tests/data/doc/crafted.

Usage:
    /usr/bin/python3 tests/data/doc/crafted/make-crafted.py

Each file hides (or shows) the sentence "Built executive KPI dashboards
..." in a way a word processor honours, to check that the reader sees it
as LibreOffice shows it (its PDF export).  The RTF sources are saved as
.doc by LibreOffice (needed: soffice); the others are made from base.doc
by rewriting its piece table with the compound-file code of
../make-doc-fixtures.py (which needs python-docx only to make fixtures,
not here):

  base.doc                  LibreOffice's .doc of base.rtf: the sentence shown
  prm1-0-vanish.doc         the sentence's piece has a Prm1 modifier: vanished
  prm1-257-vanish.doc       the same modifier as the 257th of the piece table
  prm0-vanish.doc           a Prm0 modifier (isprm 0x5C, sprmCFVanish)
  white-only.doc            a Prm1 modifier: white text
  white-shd80-solid.doc     white text on a solid Shd80 whose fore colour is white
  white-shd-solid.doc       the same with a Shd operand
  chgtabs-then-vanish.doc   sprmPChgTabs with its 255 form, then sprmCFVanish
  fldvanish.doc             sprmCFFldVanish
  fastsave-hidden-para.doc  styles.doc with the sentence added by a "fast save":
                            its characters lie elsewhere, its paragraph mark
                            has a hidden paragraph style
  fields-nest-64.doc        the sentence inside 64 nested fields' codes
  white-photo.doc           white text in a resume with a photo (.rtf source)
  white-shadedpara.doc      white text beside a paragraph shaded white (.rtf)
  parashade-same-colour.doc yellow text on a yellow paragraph (.rtf)
  pieces-overlap.doc        50 pieces reading the same text again: refused
  vanish-opposite.doc       sprmCFVanish 0x81 ("the opposite of the style"):
                            hidden under a style that shows it
  white-shd80-nil.doc       white text on Shd80's "no shading" (0xFFFF)
  white-shd-nil.doc         white text on Shd's "no shading" (pattern 0xFFFF)
  white-shd80-5pct.doc      white text on a 5 % black-on-white pattern
  white-shd-5pct.doc        the same with a Shd operand
and three whose sentence stays readable:
  white-on-highlight.doc    white text on a black highlight
  white-on-shd80-clear.doc  white text on clear shading with a black back
  white-on-shd-solid.doc    white text on solid shading whose fore is black
"""
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))


def load_fixture_module():
    """make-doc-fixtures.py imports python-docx at its top; the compound-file
    code used here does not need it, so without it stand-ins do."""
    try:
        import docx  # noqa: F401
    except ImportError:
        names = {"docx.enum.style": ["WD_STYLE_TYPE"],
                 "docx.opc.constants": ["RELATIONSHIP_TYPE"],
                 "docx.opc.packuri": ["PackURI"], "docx.opc.part": ["Part"],
                 "docx.oxml": ["OxmlElement", "parse_xml"],
                 "docx.oxml.ns": ["nsdecls", "qn"],
                 "docx.shared": ["Pt", "RGBColor"]}
        for m in ["docx", "docx.enum", "docx.opc"] + list(names):
            sys.modules[m] = types.ModuleType(m)
        for mod, attrs in names.items():
            for n in attrs:
                setattr(sys.modules[mod], n, lambda *a, **k: "")
    spec = importlib.util.spec_from_file_location(
        "mdf", os.path.join(HERE, "..", "make-doc-fixtures.py"))
    mdf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mdf)
    return mdf


mdf = load_fixture_module()


class Doc:
    """A .doc whose WordDocument and table streams can be rewritten."""

    def __init__(self, path):
        self.cfb = mdf.CompoundFile(open(path, "rb").read())
        self.wd = bytearray(self.cfb.stream("WordDocument"))
        flags = struct.unpack_from("<H", self.wd, 10)[0]
        self.tname = "1Table" if flags & 0x0200 else "0Table"
        self.tbl = bytearray(self.cfb.stream(self.tname))
        pos = 32
        pos += 2 + 2 * struct.unpack_from("<H", self.wd, pos)[0]
        self.lw = pos + 2
        pos += 2 + 4 * struct.unpack_from("<H", self.wd, pos)[0]
        self.fclcb_pos = pos + 2

    def pair(self, i):
        return struct.unpack_from("<II", self.wd, self.fclcb_pos + 8 * i)

    def set_pair(self, i, fc, lcb):
        struct.pack_into("<II", self.wd, self.fclcb_pos + 8 * i, fc, lcb)

    def set_ccp(self, k, v):
        struct.pack_into("<I", self.wd, self.lw + 4 * (3 + k), v)

    def first_piece_fc(self):
        fc, _ = self.pair(33)
        p = fc
        while self.tbl[p] == 1:
            p += 3 + struct.unpack_from("<H", self.tbl, p + 1)[0]
        n = (struct.unpack_from("<I", self.tbl, p + 1)[0] - 4) // 12
        pcd = p + 5 + 4 * (n + 1)
        return struct.unpack_from("<I", self.tbl, pcd + 2)[0] & 0x3FFFFFFF

    def text(self):
        """The main text of a LibreOffice .doc: one UTF-16 piece."""
        fc = self.first_piece_fc()
        n = struct.unpack_from("<I", self.wd, self.lw + 12)[0]
        return self.wd[fc:fc + 2 * n].decode("utf-16le")

    def set_clx(self, pieces, prcs=()):
        """pieces: (characters, file offset, 8-bit?, prm); prcs: grpprls."""
        clx = b"".join(b"\x01" + struct.pack("<H", len(g)) + g for g in prcs)
        cps = [0]
        for p in pieces:
            cps.append(cps[-1] + p[0])
        plc = b"".join(struct.pack("<I", c) for c in cps)
        for (_, fc, comp, prm) in pieces:
            plc += b"\x00\x00" + struct.pack(
                "<IH", (fc * 2) | 0x40000000 if comp else fc, prm)
        clx += b"\x02" + struct.pack("<I", len(plc)) + plc
        while len(self.tbl) % 4:
            self.tbl.append(0)
        self.set_pair(33, len(self.tbl), len(clx))
        self.tbl += clx
        return cps[-1]

    def save(self, name):
        streams = {"WordDocument": bytes(self.wd), self.tname: bytes(self.tbl)}
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(mdf.cfb_write(self.cfb, streams))


KW = ("Built executive KPI dashboards, owned the balanced scorecard and KPI "
      "governance at board level.").encode("utf-16le")


def modified(name, prm, prcs=()):
    """base.doc with the sentence (up to "Skills:") in a piece of its own
    carrying the piece modifier prm."""
    d = Doc(os.path.join(HERE, "base.doc"))
    t = d.text()
    a, b = t.index("Built executive"), t.index("Skills:")
    fc = d.first_piece_fc()
    d.set_clx([(a, fc, 0, 0), (b - a, fc + 2 * a, 0, prm),
               (len(t) - b, fc + 2 * b, 0, 0)], prcs)
    d.save(name)


def main():
    if not shutil.which("soffice"):
        sys.exit("make-crafted.py: needs LibreOffice (soffice); on Debian: "
                 "apt-get install libreoffice-writer")
    with tempfile.TemporaryDirectory() as tmp:
        sources = ["base.rtf", "white-photo.rtf", "white-shadedpara.rtf",
                   "parashade-same-colour.rtf"]
        subprocess.run(["soffice", "--headless", "--convert-to", "doc",
                        "--outdir", tmp] + [os.path.join(HERE, s) for s in sources],
                       env=dict(os.environ, HOME=os.path.join(tmp, "home")),
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for s in sources:
            name = s[:-4] + ".doc"
            shutil.copy(os.path.join(tmp, name), os.path.join(HERE, name))
    vanish = b"\x3C\x08\x01"               # sprmCFVanish 1
    white = bytes([0x42, 0x2A, 8,          # sprmCIco white
                   0x70, 0x68, 0xFF, 0xFF, 0xFF, 0])  # sprmCCv FFFFFF
    modified("prm1-0-vanish.doc", 1, [vanish])
    modified("prm1-257-vanish.doc", (256 << 1) | 1,
             [b"\x35\x08\x00"] * 256 + [vanish])
    modified("prm0-vanish.doc", (0x5C << 1) | (1 << 8))
    modified("white-only.doc", 1, [white])
    modified("white-shd80-solid.doc", 1, [white + b"\x66\x48" +
             struct.pack("<H", 8 | 1 << 5 | 1 << 10)])
    modified("white-shd-solid.doc", 1, [white + b"\x71\xCA\x0A" +
             bytes([255, 255, 255, 0, 0, 0, 0, 0]) + struct.pack("<H", 1)])
    modified("chgtabs-then-vanish.doc", 1, [b"\x15\xC6\xFF\x00\x00" + vanish])
    modified("fldvanish.doc", 1, [b"\x02\x08\x01"])
    modified("vanish-opposite.doc", 1, [b"\x3C\x08\x81"])
    shd80 = b"\x66\x48"
    shd = b"\x71\xCA\x0A"
    modified("white-shd80-nil.doc", 1, [white + shd80 + struct.pack("<H", 0xFFFF)])
    modified("white-shd-nil.doc", 1,
             [white + shd + b"\xff" * 8 + struct.pack("<H", 0xFFFF)])
    modified("white-shd80-5pct.doc", 1,  # fore black, back white, 5 %
             [white + shd80 + struct.pack("<H", 1 | 8 << 5 | 2 << 10)])
    modified("white-shd-5pct.doc", 1, [white + shd +
             bytes([0, 0, 0, 0, 255, 255, 255, 0]) + struct.pack("<H", 2)])
    modified("white-on-highlight.doc", 1, [white + b"\x0C\x2A\x01"])
    modified("white-on-shd80-clear.doc", 1, [white + b"\x66\x48" +
             struct.pack("<H", 1 | 1 << 5)])  # fore black, back black, clear
    modified("white-on-shd-solid.doc", 1, [white + b"\x71\xCA\x0A" +
             bytes([0, 0, 0, 0, 255, 255, 255, 0]) + struct.pack("<H", 1)])
    # a fast save: the added sentence lies after the text, in a piece of
    # its own, inside a paragraph whose mark has a hidden paragraph style
    d = Doc(os.path.join(HERE, "..", "styles.doc"))
    t = d.text()
    fc = d.first_piece_fc()
    a = t.index("Advanced performance management")
    off = len(d.wd)
    d.wd += KW.decode("utf-16le").encode("cp1252") + b" "
    n = len(KW) // 2 + 1
    d.set_ccp(0, d.set_clx([(a, fc, 0, 0), (n, off, 1, 0),
                            (len(t) - a, fc + 2 * a, 0, 0)]))
    d.save("fastsave-hidden-para.doc")
    # the sentence inside the codes of 64 nested fields
    d = Doc(os.path.join(HERE, "base.doc"))
    t = d.text()
    fc = d.first_piece_fc()
    a, b = t.index("Built executive"), t.index("Skills:")
    depth = 64
    ins = (b"\x13\x14" * depth + b"\x13" + KW.decode("utf-16le").encode("cp1252")
           + b"\x15" * (depth + 1) + b"\r")
    off = len(d.wd)
    d.wd += ins
    d.set_ccp(0, d.set_clx([(a, fc, 0, 0), (len(ins), off, 1, 0),
                            (len(t) - b, fc + 2 * b, 0, 0)]))
    d.save("fields-nest-64.doc")
    # pieces that read the same characters over and over: a crafted file
    # could make the walk as long as it likes
    d = Doc(os.path.join(HERE, "base.doc"))
    t = d.text()
    fc = d.first_piece_fc()
    d.set_ccp(0, d.set_clx([(len(t), fc, 0, 0)] * 50))
    d.save("pieces-overlap.doc")


if __name__ == "__main__":
    main()
