#!/usr/bin/env python3
"""Generate the hostile corpus of libkpiscan (docs/robustness.md).

    tests/hostile/make-hostile.py OUTDIR [fast|slow|lines]

Writes one file per hostile case of a suite into OUTDIR.  fast (default):
zip bombs, broken archives, XML attacks, legacy and encrypted Office files,
text in every broken encoding, a pack with a catastrophic rule.  slow: the
large cases (100 MB and 20 MB one-line texts, a DOCX with a 50 MB text
node, a pack of 10,000 rules).  lines: 4 MB one-line texts dense with
evidence, under every limit.  Nothing here is committed: every case is
made at test time.
Special files (FIFOs, device nodes, symbolic-link loops, unreadable and
vanishing files) cannot live in a repository and are made by
tests/hostile/run-hostile.py.

The expected outcome of every case is written once, in the table of
docs/robustness.md, which run-hostile.py reads.  Output is reproducible:
fixed zip timestamps, seeded randomness.  Standard library only.
"""

import io
import os
import random
import string
import struct
import sys
import zipfile
import zlib

DATE = (1980, 1, 1, 0, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'

RESUME = ("Senior Business Analyst\nEXPERIENCE\nAcme Ltd | Jan 2015 - Present\n"
          "Developed and tracked KPIs that improved team performance by 25%.\n")

# The local file the XXE case tries to read; its content must never show.
XXE_SECRET = "XXE-SECRET-7f3a9c"


def _zip(entries, compress=zipfile.ZIP_DEFLATED):
    """entries: (name, bytes-or-str[, compress_type])."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for e in entries:
            name, data = e[0], e[1]
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = e[2] if len(e) > 2 else compress
            z.writestr(info, data.encode() if isinstance(data, str) else data)
    return buf.getvalue()


def _docx_entries(document_xml, main="word/document.xml"):
    return [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/{main}" ContentType="application/vnd.openxmlformats-'
         'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        ("_rels/.rels",
         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
         f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="{main}"/>'
         '</Relationships>'),
        (main, document_xml),
    ]


def _document(body, prolog=""):
    return (XML_DECL + prolog + f'<w:document xmlns:w="{W}"><w:body>{body}'
            '</w:body></w:document>')


def _paras(text):
    return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>"
                   for line in text.splitlines())


def docx(body, extra=(), prolog=""):
    return _zip(_docx_entries(_document(body, prolog)) + list(extra))


def odt(content_xml, extra=()):
    return _zip([
        ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("META-INF/manifest.xml",
         '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
         '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type='
         '"application/vnd.oasis.opendocument.text"/><manifest:file-entry '
         'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
         '</manifest:manifest>'),
        ("content.xml", content_xml),
    ] + list(extra))


def _odt_content(body, prolog=""):
    return ('<?xml version="1.0" encoding="UTF-8"?>' + prolog +
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
            'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
            'text:1.0" office:version="1.3"><office:body><office:text>' + body +
            '</office:text></office:body></office:document-content>')


# ---- zip archives ------------------------------------------------------

def zip_bomb_ratio():
    """20 MB of one character in a text run: ~20 KB compressed, 1000:1."""
    return docx("<w:p><w:r><w:t>" + "K" * (20 << 20) + "</w:t></w:r></w:p>")


def zip_bomb_nested():
    """A valid resume carrying a 42.zip-style nest in word/embeddings/:
    inner archives of inner archives, 16 x 16 x 8 MiB of zeros in all.
    Extraction never opens embedded packages, so it must not matter."""
    leaf = _zip([(f"zeros{i}.bin", bytes(8 << 20)) for i in range(2)])
    mid = _zip([(f"leaf{i}.zip", leaf) for i in range(16)])
    top = _zip([(f"mid{i}.zip", mid) for i in range(16)])
    return docx(_paras(RESUME), extra=[("word/embeddings/package.zip", top)])


def _local_header(name, data, crc=None, flags=0, method=0, comp=None):
    name = name.encode()
    comp = data if comp is None else comp
    crc = zlib.crc32(data) if crc is None else crc
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21,
                       crc, len(comp), len(data), len(name), 0) + name + comp


def _central(name, data, offset, crc=None, flags=0, method=0, comp=None):
    name = name.encode()
    comp = data if comp is None else comp
    crc = zlib.crc32(data) if crc is None else crc
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method,
                       0, 0x21, crc, len(comp), len(data), len(name), 0, 0, 0,
                       0, 0, offset) + name


def _raw_zip(entries):
    """entries: (name, data, local_offset_or_None, kwargs).  A None offset
    writes a local header; an int points the central entry at an earlier
    local header (overlapping entries)."""
    body = b""
    central = b""
    offsets = {}
    for name, data, at, kw in entries:
        if at is None:
            offsets[name] = len(body)
            body += _local_header(name, data, **kw)
            at = offsets[name]
        central += _central(name, data, at, **kw)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                      len(central), len(body), 0)
    return body + central + end


def _docx_raw_entries():
    return [(n, d.encode(), None, {}) for n, d in _docx_entries(_document(_paras(RESUME)))]


def zip_overlap():
    """Fifield's overlap: the central entry of word/styles.xml (which the
    document's relationships name, so it is read) points at the local
    header and data of word/document.xml."""
    e = _docx_raw_entries()
    e.append(("word/_rels/document.xml.rels",
              (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
               f'<Relationship Id="rId1" Type="{R}/styles" Target="styles.xml"/>'
               '</Relationships>').encode(), None, {}))
    off = 0
    for name, data, at, kw in e:
        if name == "word/document.xml":
            doc = data
            break
        off += len(_local_header(name, data))
    e.append(("word/styles.xml", doc, off, {}))
    return _raw_zip(e)


def zip_duplicate_names():
    e = _docx_raw_entries()
    e.append(("word/document.xml",
              _document(_paras("Second copy with other KPI text")).encode(), None, {}))
    return _raw_zip(e)


def zip_truncated():
    """A download cut short: every local header is there, the end of the
    central directory is not."""
    data = docx(_paras(RESUME * 20))
    return data[: len(data) - 60]


def zip_truncated_half():
    """Cut in half: word/document.xml's data is cut too; nothing left
    says DOCX but the first entry's name."""
    data = docx(_paras(RESUME * 20))
    return data[: len(data) // 2]


def zip_bad_crc():
    e = _docx_raw_entries()
    e = [(n, d, at, {"crc": zlib.crc32(d) ^ 0x5A5A5A5A} if n == "word/document.xml" else kw)
         for n, d, at, kw in e]
    return _raw_zip(e)


def zip_encrypted_entry():
    """word/document.xml flagged as PKWARE-encrypted (general purpose bit 0)."""
    e = _docx_raw_entries()
    e = [(n, d, at, {"flags": 1} if n == "word/document.xml" else kw)
         for n, d, at, kw in e]
    return _raw_zip(e)


def zip_many_entries():
    """20,000 empty entries: past max_zip_entries (10,000)."""
    entries = _docx_entries(_document(_paras(RESUME)))
    entries += [(f"customXml/item{i}.xml", "") for i in range(20000)]
    return _zip(entries, compress=zipfile.ZIP_STORED)


# ---- XML ----------------------------------------------------------------

def _laughs():
    ents = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = f"&lol{i - 1};" if i > 1 else "&lol;"
        ents.append(f'<!ENTITY lol{i} "{prev * 10}">')
    return "<!DOCTYPE w:document [" + "".join(ents) + "]>"


def billion_laughs():
    return docx("<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", prolog=_laughs())


def billion_laughs_odt():
    return odt(_odt_content("<text:p>&lol9;</text:p>",
                            prolog=_laughs().replace("w:document", "office:document-content")))


def xxe(secret_path):
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
    return docx("<w:p><w:r><w:t>KPI owner &xxe;</w:t></w:r></w:p>", prolog=prolog)


def doctype():
    return docx(_paras(RESUME), prolog="<!DOCTYPE w:document>")


def deep_nesting():
    depth = 10000
    return docx("<w:p>" + "<w:r>" * depth + "<w:t>KPI</w:t>" + "</w:r>" * depth + "</w:p>")


def many_attributes():
    """One element with 10,000 attributes (libxml2 checks duplicates in
    quadratic time)."""
    attrs = " ".join(f'a{i}="x"' for i in range(10000))
    return docx(f"<w:p><w:r {attrs}><w:t>KPI</w:t></w:r></w:p>")


def namespace_flood():
    """1,000 namespace declarations in scope at once: 100 on each of ten
    nested elements (libxml2 looks prefixes up in a linear list)."""
    open_tags = "".join(
        "<w:sdt " + " ".join(f'xmlns:n{d}x{i}="urn:x:{d}:{i}"' for i in range(100)) +
        "><w:sdtContent>" for d in range(10))
    return docx("<w:p>" + open_tags + "<w:r><w:t>KPI</w:t></w:r>" +
                "</w:sdtContent></w:sdt>" * 10 + "</w:p>")


def odt_space_bomb():
    """<text:s text:c="1000000000"/>: a billion spaces from 30 bytes."""
    return odt(_odt_content('<text:p>KPI<text:s text:c="1000000000"/>owner</text:p>'))


def zip_bomb_odt():
    return odt(_odt_content("<text:p>" + "K" * (20 << 20) + "</text:p>"))


# ---- OLE compound files -------------------------------------------------

def _cfb(streams):
    """A minimal, well-formed compound file (v3, 512-byte sectors): one FAT
    sector, one directory sector, each stream padded to >= 4096 bytes so it
    lives in regular sectors (no mini stream)."""
    ss = 512
    free, endchain, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data_sectors = []
    fat = [fatsect, endchain]  # sector 0: FAT, sector 1: directory
    starts = []
    for name, payload in streams:
        payload = payload.ljust(max(4096, len(payload)), b"\0")
        n = (len(payload) + ss - 1) // ss
        start = len(fat)
        starts.append((start, len(payload)))
        fat += [start + i + 1 for i in range(n - 1)] + [endchain]
        data_sectors.append(payload.ljust(n * ss, b"\0"))
    assert len(fat) <= ss // 4
    fat += [free] * (ss // 4 - len(fat))

    def entry(name, typ, start, size, child=0xFFFFFFFF, left=0xFFFFFFFF, right=0xFFFFFFFF):
        n = (name + "\0").encode("utf-16-le") if name else b""
        return (n.ljust(64, b"\0") + struct.pack("<HBB", len(n), typ, 1) +
                struct.pack("<III", left, right, child) + bytes(16) + bytes(4) +
                bytes(16) + struct.pack("<IQ", start, size))

    dirs = [entry("Root Entry", 5, endchain, 0, child=1)]
    for i, ((name, _), (start, size)) in enumerate(zip(streams, starts)):
        right = i + 2 if i + 2 <= len(streams) else 0xFFFFFFFF
        dirs.append(entry(name, 2, start, size, right=right))
    dirsect = b"".join(dirs).ljust(ss, b"\0")
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) +
              struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6) +
              struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, endchain, 0, endchain, 0))
    difat = struct.pack("<I", 0) + struct.pack("<I", free) * 108
    header = (header + difat).ljust(ss, b"\0")
    return header + struct.pack(f"<{ss // 4}I", *fat) + dirsect + b"".join(data_sectors)


def ole_legacy_doc():
    """A Word document whose file information block stops after its
    first 32 bytes: the resume follows as bare text, never to be read."""
    word = b"\xec\xa5" + bytes(30) + RESUME.encode("cp1252")
    return _cfb([("WordDocument", word), ("1Table", bytes(512))])


def encrypted_ooxml():
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version=\"1.0\"?><encryption/>"
    package = struct.pack("<Q", 4096) + bytes(range(256)) * 16
    return _cfb([("EncryptionInfo", info), ("EncryptedPackage", package)])


# ---- text ---------------------------------------------------------------

def nul_text():
    return (RESUME + "\0\0\0 binary tail \0").encode() * 4


def _with(bad):
    return b"Tracked KPIs for the team " + bad + b" and defined KPI targets.\n"


UTF8_CLASSES = {
    "utf8-stray-continuation.txt": b"\x80\xbf",
    "utf8-lone-lead.txt": b"\xc3 \xe2\x82 \xf0\x9f\x98",
    "utf8-truncated-end.txt": None,  # handled below
    "utf8-overlong-2.txt": b"\xc0\xaf\xc1\xbf",
    "utf8-overlong-3.txt": b"\xe0\x80\xaf\xe0\x9f\xbf",
    "utf8-overlong-4.txt": b"\xf0\x80\x80\xaf\xf0\x8f\xbf\xbf",
    "utf8-surrogate.txt": b"\xed\xa0\x80\xed\xbf\xbf",
    "utf8-above-max.txt": b"\xf4\x90\x80\x80\xf7\xbf\xbf\xbf",
    "utf8-never-valid.txt": b"\xf5\xf8\xfc\xfe\xff",
    "utf8-five-six-byte.txt": b"\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80",
}


def utf8_case(name):
    if name == "utf8-truncated-end.txt":
        return b"Tracked KPIs for the team and defined KPI targets \xe2\x82"
    return _with(UTF8_CLASSES[name])


def utf16_no_bom(be=False):
    return (RESUME * 3).encode("utf-16-be" if be else "utf-16-le")


# ---- packs --------------------------------------------------------------

def catastrophic_pack():
    # (a|aa)+$ against a long run of a's that ends in 'b' is exponential;
    # the literal 'zzqx' keeps the rule from running on other documents.
    return ("format: 1\nname: catastrophic\nversion: \"1\"\nrules:\n"
            "  - id: hostile.backtrack\n    category: term\n    level: none\n"
            "    weight: 1\n    regex: 'zzqx(?:a|aa)+$'\n"
            "    description: Exponential backtracking on 'zzqx' + a run of a's.\n")


def catastrophic_trigger():
    return ("Summary line with KPIs\nzzqx" + "a" * 64 + "b\n").encode()


def many_rules_probe():
    """Words that only the first and the last of the 10,000 rules match."""
    return (RESUME + "Known for kpiword00000 and kpiword09999.\n").encode()


def valid_docx():
    """A plain, valid resume: the control that shows DOCX is read at all."""
    return docx(_paras(RESUME))


def many_rules_pack(n=10000):
    out = ["format: 1\nname: many\nversion: \"1\"\nrules:\n"]
    for i in range(n):
        out.append(f"  - id: many.r{i:05d}\n    category: term\n    level: none\n"
                   f"    weight: 1\n    regex: '\\bkpiword{i:05d}\\b'\n"
                   f"    description: Rule {i} of {n}.\n")
    return "".join(out)


# ---- large (slow suite) -------------------------------------------------

def write_one_line_text(path, size=100 * 1000 * 1000):
    chunk = b"Tracked KPIs and improved team performance by 25% " * 20000
    with open(path, "wb") as f:
        left = size
        while left > 0:
            f.write(chunk[:left])
            left -= min(left, len(chunk))


def write_dense_line(path, unit, size=4 << 20):
    """One line of size bytes made of unit over and over: under every
    limit, so it must be scanned, in time linear in its length."""
    with open(path, "wb") as f:
        f.write(unit * (size // len(unit)))


LONG_LINES = {
    "one-line-kpi-4mb.txt": b"Tracked KPIs and improved team performance by 25% ",
    "one-line-titles-4mb.txt": b"Senior Analyst | Head of Analytics | KPI Lead | ",
    "one-line-dates-4mb.txt": b"KPI owner Jan 2019 - Mar 2020, 2015-2018; since 2012 ; ",
    # a title after a long run of capitalised words, over and over: each
    # title looks back for capitalised words before it, which must stay
    # bounded
    "one-line-capitals-4mb.txt": b"Project Manager " + b"Aa " * 530,
}


def huge_text_node(size=50 << 20):
    """One <w:t> of 50 MB of random letters: compresses ~1.7:1, so no ratio
    limit stops it; the text limits must."""
    rnd = random.Random(8)
    raw = rnd.randbytes(size)
    table = bytes((b"abcdefghijklmnopqrstuvwxyz KPI"[i % 30]) for i in range(256))
    text = raw.translate(table)
    head = _document("<w:p><w:r><w:t>").split("<w:t>")[0].encode()
    xml = head + b"<w:t>" + text + b"</w:t></w:r></w:p></w:body></w:document>"
    return _zip(_docx_entries("")[:2] + [("word/document.xml", xml)])


# ---- HTML pages ------------------------------------------------------------

def html_page(body, prolog="<!DOCTYPE html>"):
    return f"{prolog}<html><head><title>CV</title></head><body>{body}</body></html>"


def html_deep_nesting():
    depth = 10000
    return html_page("<div>" * depth + "KPI owner" + "</div>" * depth)


def html_many_attributes():
    attrs = " ".join(f'a{i}="x"' for i in range(10000))
    return html_page(f"<p {attrs}>KPI owner</p>")


def html_xxe(secret_path):
    """An internal subset declaring an external entity: the HTML parser
    never loads it, and never expands an entity the page declares."""
    prolog = (f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret_path}">]>')
    return html_page("<p>" + RESUME.replace("\n", "<br>") + "KPI owner &xxe;</p>",
                     prolog=prolog)


def html_script_only():
    """KPI words only in a script, a style sheet, the head and a comment:
    no text a reader sees."""
    return ("<html><head><title>Developed and tracked KPIs</title>"
            "<style>.kpi::after{content:'KPI dashboards 2010 - 2020'}</style>"
            "<script>var s = 'Led strategic KPI alignment';</script></head>"
            "<body><!-- Balanced scorecard --><script>if (a<b) {}</script>"
            "</body></html>")


# ---- RTF ---------------------------------------------------------------------

def _rtf(body):
    return "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}" + body + "}"


def _rtf_par(text):
    return "".join("\\pard " + line + "\\par\n" for line in text.split("\n") if line)


def rtf_deep_nesting():
    depth = 100000
    return _rtf("{" * depth + "KPI owner" + "}" * depth)


def rtf_bin_past_end():
    """The resume, then a picture whose binary data claims 2 GB."""
    return _rtf(_rtf_par(RESUME) + "{\\pict\\bin2000000000 " + "x" * 64)[:-1]


def rtf_hidden_only():
    """KPI words only where a word processor shows nothing: properties,
    a field's code, a bookmark's name, hidden and white text."""
    return _rtf("{\\colortbl;\\red255\\green255\\blue255;}"
                "{\\info{\\keywords KPI dashboards}}{\\field{\\*\\fldinst KPI}"
                "{\\fldrslt }}{\\*\\bkmkstart KPI}\\pard{\\v Developed and tracked KPIs}"
                "{\\cf1 Strategic KPI alignment}\\par}")


def rtf_fallback_flood():
    """\\uc16, the largest count taken, then a million \\u characters: each
    skips up to 16 characters of its fallback, and nothing makes the walk
    go back."""
    return _rtf("\\uc16 " + "\\u8364?" * 1000000 + "\\uc1 " + _rtf_par(RESUME))


def rtf_style_chain():
    """4,096 styles, each based on the one before, and a million switches
    to the last one before the resume: each switch follows at most 16
    steps of the chain, so the walk stays linear."""
    sheet = ("{\\stylesheet{\\s1\\v Base;}" +
             "".join(f"{{\\s{i}\\sbasedon{i - 1} S{i};}}" for i in range(2, 4096)) + "}")
    return _rtf(sheet + "\\s4095 x" * 1000000 + "\\pard\\plain " + _rtf_par(RESUME))


def flat_odt_hidden():
    """An ODT saved as one XML file, with KPI words in a section that is
    not displayed: read as text it would score them."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document ' + ns +
            ' office:mimetype="application/vnd.oasis.opendocument.text">'
            "<office:body><office:text><text:p>Head Chef</text:p>"
            '<text:section text:name="s" text:display="none"><text:p>Led '
            "strategic KPI alignment</text:p></text:section></office:text>"
            "</office:body></office:document>")


def empty_part_docx():
    """word/document.xml present but empty (0 bytes)."""
    return _zip([(n, "" if n == "word/document.xml" else d)
                 for n, d in _docx_entries(_document(_paras(RESUME)))])


def bom_only_rels_docx():
    """_rels/.rels holding only a UTF-8 BOM."""
    return _zip([(n, "\ufeff" if n == "_rels/.rels" else d)
                 for n, d in _docx_entries(_document(_paras(RESUME)))])


# ---- the catalogue ------------------------------------------------------

# ---- work that must stay linear ---------------------------------------
# Each case below took 58 s to minutes when one step of the reader was
# quadratic in it; linear, each takes well under a second.  A regression
# shows as the suite's timeout, at the latest in its run under the
# sanitizers (several times slower); the suite asserts no time itself.

def _docx_with(body, parts, rels):
    """A DOCX whose main part has relationships (rels: (type, target))."""
    rel_xml = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
               + "".join(f'<Relationship Id="rId{i + 1}" Type="{R}/{t}" '
                         f'Target="{target}"/>' for i, (t, target) in enumerate(rels))
               + "</Relationships>")
    return _zip(_docx_entries(_document(_paras(RESUME) + body)) +
                [("word/_rels/document.xml.rels", rel_xml)] + list(parts))


def sniff_entry_flood():
    """A central directory of 100,000 entries that all name one stored
    [Content_Types].xml of unknown size (4 MB of data after it): the
    format sniffer once searched that data for every entry."""
    name = b"[Content_Types].xml"
    filler = bytes((i * 7 + 3) % 251 for i in range(4 << 20))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0,
                        0xFFFFFFFF, 0xFFFFFFFF, len(name), 0) + name + filler
    entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0,
                        0, 0, 0, len(name), 0, 0, 0, 0, 0, 0) + name
    central = entry * 100000
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF,
                      len(central), len(local), 0)
    return local + central + end


def sniff_local_flood():
    """150,000 local headers of [Content_Types].xml with a data descriptor
    (sizes 0) and no central directory: the same search, once per header."""
    name = b"[Content_Types].xml"
    return (struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 8, 0, 0, 0, 0, 0, 0,
                        len(name), 0) + name) * 150000


def docx_table_styles():
    """12,000 tables, each naming a table style styles.xml does not have,
    beside 8 MB of other styles: each table searched the whole part."""
    styles = [XML_DECL, f'<w:styles xmlns:w="{W}">']
    styles += [f'<w:style w:styleId="s{i:07x}"/>' for i in range((8 << 20) // 26)]
    styles.append("</w:styles>")
    tables = "".join(f'<w:tbl><w:tblPr><w:tblStyle w:val="Missing{i}"/></w:tblPr>'
                     "<w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>" for i in range(12000))
    return _docx_with(tables, [("word/styles.xml", "".join(styles))],
                      [("styles", "styles.xml")])


def docx_note_cites():
    """300,000 footnote references and 20,000 footnotes that each cite
    themselves: every cite inside a note made the next note sort all
    cites again."""
    refs = "".join(f'<w:r><w:footnoteReference w:id="{i % 20000 + 2}"/></w:r>'
                   for i in range(300000))
    notes = (XML_DECL + f'<w:footnotes xmlns:w="{W}">' +
             "".join(f'<w:footnote w:id="{k + 2}"><w:p><w:r><w:footnoteReference '
                     f'w:id="{k + 2}"/><w:t>n</w:t></w:r></w:p></w:footnote>'
                     for k in range(20000)) + "</w:footnotes>")
    return _docx_with("<w:p>" + refs + "</w:p>", [("word/footnotes.xml", notes)],
                      [("footnotes", "footnotes.xml")])


def docx_styles_unclosed():
    """8 MB of tags that never close ("<abcd <efg ...") in styles.xml: the
    raw pre-scan looked for a '>' from every '<'."""
    rng = random.Random(5)
    tags, size = [XML_DECL], 0
    while size < 8 << 20:
        t = "<" + "".join(rng.choice(string.ascii_lowercase)
                          for _ in range(rng.randint(3, 6))) + " "
        tags.append(t)
        size += len(t)
    return _docx_with("", [("word/styles.xml", "".join(tags))],
                      [("styles", "styles.xml")])


def odt_style_lookups():
    """styles.xml alternating 60,000 style definitions with master pages
    whose header uses the style just defined: each lookup sorted the
    styles again."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    master = "".join(f'<style:style style:name="s{i}" style:family="paragraph"/>'
                     f'<style:master-page style:name="m{i}"><style:header>'
                     f'<text:p text:style-name="s{i}">h</text:p></style:header>'
                     "</style:master-page>" for i in range(60000))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>'
              f'<office:document-styles {ns} office:version="1.3"><office:styles/>'
              f"<office:master-styles>{master}</office:master-styles>"
              "</office:document-styles>")
    content = _odt_content("".join(f"<text:p>{line}</text:p>"
                                   for line in RESUME.splitlines()))
    return odt(content, extra=[("styles.xml", styles)])


def build(out, suite="fast"):
    """Write the cases of one suite (fast, slow or lines) into out; returns
    their names."""
    os.makedirs(out, exist_ok=True)
    secret = os.path.join(os.path.abspath(out), "xxe-secret.txt")
    if suite == "lines":
        for name, unit in LONG_LINES.items():
            write_dense_line(os.path.join(out, name), unit)
        return sorted(LONG_LINES)
    if suite == "slow":
        cases = {
            "huge-text-node.docx": huge_text_node,
            "many-rules.yaml": lambda: many_rules_pack().encode(),
            "many-rules-probe.txt": many_rules_probe,
        }
    else:
        cases = {
            "resume.txt": lambda: RESUME.encode(),
            "docx-valid.docx": valid_docx,
            "zip-bomb-ratio.docx": zip_bomb_ratio,
            "zip-bomb-ratio.odt": zip_bomb_odt,
            "zip-bomb-nested.docx": zip_bomb_nested,
            "zip-overlap.docx": zip_overlap,
            "zip-duplicate-names.docx": zip_duplicate_names,
            "zip-truncated.docx": zip_truncated,
            "zip-truncated-half.docx": zip_truncated_half,
            "zip-truncated-half.xlsx": zip_truncated_half,
            "zip-bad-crc.docx": zip_bad_crc,
            "zip-encrypted-entry.docx": zip_encrypted_entry,
            "zip-many-entries.docx": zip_many_entries,
            "billion-laughs.docx": billion_laughs,
            "billion-laughs.odt": billion_laughs_odt,
            "xxe.docx": lambda: xxe(secret),
            "doctype.docx": doctype,
            "deep-nesting.docx": deep_nesting,
            "empty-part.docx": empty_part_docx,
            "bom-only-rels.docx": bom_only_rels_docx,
            "empty-content.odt": lambda: odt(""),
            "many-attributes.docx": many_attributes,
            "namespace-flood.docx": namespace_flood,
            "odt-space-bomb.odt": odt_space_bomb,
            "ole-legacy.doc": ole_legacy_doc,
            "encrypted.docx": encrypted_ooxml,
            "empty.txt": lambda: b"",
            "empty.docx": lambda: b"",
            "nul-laden.txt": nul_text,
            "utf16le-no-bom.txt": utf16_no_bom,
            "utf16be-no-bom.txt": lambda: utf16_no_bom(be=True),
            "catastrophic.yaml": lambda: catastrophic_pack().encode(),
            "catastrophic-trigger.txt": catastrophic_trigger,
            "html-deep-nesting.html": html_deep_nesting,
            "html-many-attributes.html": html_many_attributes,
            "html-xxe.html": lambda: html_xxe(secret),
            "html-script-only.html": html_script_only,
            "html-unclosed-comment.html": lambda: html_page("<!-- " + RESUME),
            "flat-odt.fodt": flat_odt_hidden,
            "rtf-resume.rtf": lambda: _rtf(_rtf_par(RESUME)),
            "rtf-deep-nesting.rtf": rtf_deep_nesting,
            "rtf-bin-past-end.rtf": rtf_bin_past_end,
            "rtf-hidden-only.rtf": rtf_hidden_only,
            "rtf-fallback-flood.rtf": rtf_fallback_flood,
            "rtf-style-chain.rtf": rtf_style_chain,
            "sniff-entry-flood.docx": sniff_entry_flood,
            "sniff-local-flood.docx": sniff_local_flood,
            "docx-table-styles.docx": docx_table_styles,
            "docx-note-cites.docx": docx_note_cites,
            "docx-styles-unclosed.docx": docx_styles_unclosed,
            "odt-style-lookups.odt": odt_style_lookups,
        }
        for name in UTF8_CLASSES:
            cases[name] = (lambda n: lambda: utf8_case(n))(name)
        with open(secret, "w") as f:
            f.write(XXE_SECRET + "\n")
    for name, make in cases.items():
        data = make()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
    names = sorted(cases)
    if suite == "slow":
        write_one_line_text(os.path.join(out, "one-line-100mb.txt"))
        write_one_line_text(os.path.join(out, "one-line-20mb.txt"), 20 * 1000 * 1000)
        names += ["one-line-100mb.txt", "one-line-20mb.txt"]
    return names


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (1, 2) or (len(args) == 2 and args[1] not in ("fast", "slow", "lines")):
        sys.exit("usage: make-hostile.py OUTDIR [fast|slow|lines]")
    for name in build(args[0], args[1] if len(args) == 2 else "fast"):
        print(name)
