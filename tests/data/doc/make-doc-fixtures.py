#!/usr/bin/python3
"""Rebuild the Word 97-2003 (.doc) test fixtures in tests/data/doc.

Usage:
    /usr/bin/python3 tests/data/doc/make-doc-fixtures.py [OUTDIR]

OUTDIR defaults to this script's directory.  Each resume is built as a
.docx with python-docx (Debian package python3-docx) and saved as .doc by
LibreOffice (`soffice --headless --convert-to doc`); both are needed.
LibreOffice always writes the text as one UTF-16LE piece, so the two 8-bit
("compressed") fixtures are made here by rewriting the piece table of a
LibreOffice .doc.  Everything but the nine .doc files (the .docx
sources, LibreOffice's profile and output) lives in a temporary directory
that is removed at the end.  Every person, employer and number is invented.

The fixtures:
  plain.doc              Unicode resume: en dashes, curly quotes, Zürich, Москва, list bullets.
  table.doc              Two-column table (dates | title + bullet), then an indented paragraph.
  fields.doc             Header, footer PAGE field, HYPERLINK field, footnote, tracked deletion.
  hidden.doc             Hidden, white, 1 pt and near-white runs; white text in a dark table cell.
  white.doc              hidden.doc's white and near-white runs only, on a plain page.
  styles.doc             Hidden character style, hidden paragraph style, white paragraph style.
  mini.doc               Tiny resume with pruned styles: every stream lives in the mini stream.
  mixed.doc              plain.doc re-pieced: 8-bit pieces where Windows-1252 fits, UTF-16LE elsewhere.
  hidden_compressed.doc  hidden.doc re-pieced as one 8-bit piece (same character runs).

The output is reproducible: the .docx files carry fixed dates and zip
timestamps, and LibreOffice writes the same .doc for the same .docx, so a
rebuild with the same versions (the committed files came from python-docx
0.8.11 and LibreOffice 7.4.7) gives identical bytes.
"""
import datetime
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

try:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt, RGBColor
except ImportError:
    sys.exit("make-doc-fixtures.py: needs python-docx "
             "(Debian: apt-get install python3-docx)")

# Fixed document dates, so the .docx (and the .doc made from it) do not
# depend on when the script ran.
FIXED_DT = datetime.datetime(2020, 1, 1, 0, 0, 0)

NAME = "Corwin Adelstrand"
EMAIL = "corwin.adelstrand@example.com"
PHONE = "+1 555 0142"


# --------------------------------------------------------------------------
# .docx sources (python-docx)
# --------------------------------------------------------------------------
def new_doc():
    d = docx.Document()
    cp = d.core_properties
    cp.author = "Fixture Generator"
    cp.last_modified_by = "Fixture Generator"
    cp.title = "Resume fixture"
    cp.comments = "Synthetic resume test fixture (invented person)"
    cp.created = FIXED_DT
    cp.modified = FIXED_DT
    cp.last_printed = FIXED_DT
    cp.revision = 1
    return d


def save_docx(d, path):
    """Save d as a .docx whose zip entries carry a fixed timestamp."""
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as zin, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zi = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(item.filename))


def bullet(d, text):
    return d.add_paragraph(text, style="List Bullet")


def set_cell_shading(cell, fill):
    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcPr.append(shd)


def header_block(d, unicode=True):
    d.add_heading(NAME, level=0)
    if unicode:
        d.add_paragraph("Senior Operations Analyst \u2022 Z\u00fcrich, Switzerland")
    else:
        d.add_paragraph("Senior Operations Analyst - Zurich, Switzerland")
    d.add_paragraph("%s | %s" % (EMAIL, PHONE))


def build_plain():
    d = new_doc()
    header_block(d, unicode=True)
    d.add_paragraph(
        "\u201cCalm under pressure\u201d \u2014 a results\u2011minded analyst who\u2019s "
        "worked across logistics, retail and public transit.")

    d.add_heading("Experience", level=1)
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG \u2014 Z\u00fcrich")
    d.add_paragraph("Apr 2021 \u2013 Present")
    bullet(d, "Developed and tracked KPIs that improved team performance by 25%")
    bullet(d, "Rebuilt the weekly capacity forecast used by 14 depots")

    d.add_paragraph("Operations Analyst, Nordlicht Retail GmbH \u2014 \u041c\u043e\u0441\u043a\u0432\u0430 office")
    d.add_paragraph("Jan 2018 \u2013 Mar 2021")
    bullet(d, "Cut stock\u2011out incidents by a third with a \u2018reorder early\u2019 rule")
    bullet(d, "Trained 9 colleagues on SQL and spreadsheet modelling")

    d.add_paragraph("Junior Data Analyst, Harbourline Transit Authority")
    d.add_paragraph("Sep 2015 \u2013 Dec 2017")
    bullet(d, "Automated monthly ridership reports (saved ~6 hours per month)")

    d.add_heading("Education", level=1)
    d.add_paragraph("MSc Operations Research, Technische Hochschule Z\u00fcrich, 2015")
    d.add_paragraph("BSc Mathematics, University of Eastmoor, 2013")

    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel, Power BI")
    bullet(d, "Languages: English, German, Russian (\u0440\u0443\u0441\u0441\u043a\u0438\u0439)")
    return d


def build_hidden():
    d = new_doc()
    header_block(d, unicode=False)
    d.add_heading("Experience", level=1)
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG, 2021 - Present")

    p = d.add_paragraph("Ran the depot planning cadence. ")
    r = p.add_run("Built executive KPI dashboards")
    r.font.hidden = True
    p.add_run(" Visible text resumes here.")

    p = d.add_paragraph("Partnered with finance on budgets. ")
    r = p.add_run("strategic KPI alignment")
    r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    p.add_run(" End of white-run line.")

    p = d.add_paragraph("Chaired the monthly review. ")
    r = p.add_run("balanced scorecard")
    r.font.size = Pt(1)
    p.add_run(" End of tiny-run line.")

    p = d.add_paragraph("Mentored two analysts. ")
    r = p.add_run("cross-functional KPI reviews")
    r.font.color.rgb = RGBColor(0xF8, 0xF8, 0xF8)
    p.add_run(" End of near-white line.")

    d.add_paragraph("Role summary table:")
    t = d.add_table(rows=1, cols=2)
    t.style = "Table Grid"
    c0, c1 = t.rows[0].cells
    set_cell_shading(c0, "1F3864")
    c0.text = ""
    r = c0.paragraphs[0].add_run("Team lead")
    r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    r.font.bold = True
    c1.text = "Eight planners across three depots"

    d.add_heading("Education", level=1)
    d.add_paragraph("MSc Operations Research, Technische Hochschule Zurich, 2015")
    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel")
    return d


def build_white():
    d = new_doc()
    header_block(d, unicode=False)
    d.add_heading("Experience", level=1)
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG, 2021 - Present")
    p = d.add_paragraph("Partnered with finance on budgets. ")
    r = p.add_run("strategic KPI alignment")
    r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    p.add_run(" End of white-run line.")
    p = d.add_paragraph("Mentored two analysts. ")
    r = p.add_run("cross-functional KPI reviews")
    r.font.color.rgb = RGBColor(0xF8, 0xF8, 0xF8)
    p.add_run(" End of near-white line.")
    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel")
    return d


def build_table():
    d = new_doc()
    header_block(d, unicode=True)
    d.add_heading("Experience", level=1)
    rows = [
        ("2021 \u2013 Present", "Lead Operations Analyst, Brightwater Freight AG",
         "Developed and tracked KPIs that improved team performance by 25%"),
        ("2019 \u2013 2021", "Operations Analyst, Nordlicht Retail GmbH",
         "Cut stock-out incidents by a third"),
        ("2015 \u2013 2019", "Data Analyst, Harbourline Transit Authority",
         "Automated monthly ridership reports"),
    ]
    t = d.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    for row, (dates, title, line) in zip(t.rows, rows):
        row.cells[0].text = dates
        row.cells[1].text = title
        row.cells[1].add_paragraph(line, style="List Bullet")
    p = d.add_paragraph("Earlier roles and volunteer work available on request; "
                        "references from all three employers.")
    p.paragraph_format.left_indent = Pt(36)
    d.add_heading("Education", level=1)
    d.add_paragraph("MSc Operations Research, Technische Hochschule Z\u00fcrich, 2015")
    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel")
    return d


# python-docx 0.8 has no footnote API: fields.doc gets its footnotes part
# written by hand.
FOOTNOTES_XML = (
    '<w:footnotes %s>'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
    '<w:r><w:t xml:space="preserve"> Figures audited by the regional finance team.</w:t></w:r></w:p></w:footnote>'
    '</w:footnotes>' % nsdecls("w"))
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def add_field(paragraph, instr, result):
    """Complex field: fldChar begin / instrText / separate / result / end."""
    def fld_char(kind):
        r = OxmlElement("w:r")
        f = OxmlElement("w:fldChar")
        f.set(qn("w:fldCharType"), kind)
        r.append(f)
        paragraph._p.append(r)
    fld_char("begin")
    r = OxmlElement("w:r")
    it = OxmlElement("w:instrText")
    it.set(qn("xml:space"), "preserve")
    it.text = " %s " % instr
    r.append(it)
    paragraph._p.append(r)
    fld_char("separate")
    paragraph.add_run(result)
    fld_char("end")


def add_hyperlink(paragraph, url, text):
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    h = OxmlElement("w:hyperlink")
    h.set(qn("r:id"), rid)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    col = OxmlElement("w:color")
    col.set(qn("w:val"), "0563C1")
    u = OxmlElement("w:u")
    u.set(qn("w:val"), "single")
    rpr.append(col)
    rpr.append(u)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    h.append(r)
    paragraph._p.append(h)


def build_fields():
    d = new_doc()
    sec = d.sections[0]
    sec.header.paragraphs[0].text = NAME + " \u2013 Resume"
    fp = sec.footer.paragraphs[0]
    fp.text = "Page "
    add_field(fp, "PAGE", "1")

    d.add_heading(NAME, level=0)
    p = d.add_paragraph("Email: ")
    add_hyperlink(p, "mailto:" + EMAIL, EMAIL)
    p.add_run(" | Phone: " + PHONE)

    d.add_heading("Experience", level=1)
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG, Apr 2021 \u2013 Present")
    p = d.add_paragraph("Developed and tracked KPIs that improved team performance by 25%")
    part = Part(PackURI("/word/footnotes.xml"), CT_FOOTNOTES,
                FOOTNOTES_XML.encode("utf-8"), d.part.package)
    d.part.relate_to(part, RT.FOOTNOTES)
    p._p.append(parse_xml(
        '<w:r %s><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        '<w:footnoteReference w:id="1"/></w:r>' % nsdecls("w")))

    p = d.add_paragraph("Introduced a quarterly planning review ")
    p._p.append(parse_xml(
        '<w:del %s w:id="901" w:author="Reviewer" w:date="2020-01-01T00:00:00Z">'
        '<w:r><w:delText xml:space="preserve">deleted KPI words </w:delText></w:r>'
        '</w:del>' % nsdecls("w")))
    p.add_run("for all depots.")

    d.add_paragraph("Operations Analyst, Nordlicht Retail GmbH, Jan 2018 \u2013 Mar 2021")
    bullet(d, "Cut stock-out incidents by a third")
    d.add_heading("Education", level=1)
    d.add_paragraph("MSc Operations Research, Technische Hochschule Z\u00fcrich, 2015")
    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel")
    return d


def build_styles():
    d = new_doc()
    st = d.styles
    cs = st.add_style("Fixture Hidden Char", WD_STYLE_TYPE.CHARACTER)
    cs.font.hidden = True
    ps = st.add_style("Fixture Hidden Para", WD_STYLE_TYPE.PARAGRAPH)
    ps.base_style = st["Normal"]
    ps.font.hidden = True
    ws = st.add_style("Fixture White Para", WD_STYLE_TYPE.PARAGRAPH)
    ws.base_style = st["Normal"]
    ws.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    header_block(d, unicode=False)
    d.add_heading("Experience", level=1)
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG, 2021 - Present")
    p = d.add_paragraph("Coordinated depot planning. ")
    p.add_run("Owned KPI governance", style="Fixture Hidden Char")
    p.add_run(" Visible text after the styled run.")
    d.add_paragraph("Advanced performance management", style="Fixture Hidden Para")
    d.add_paragraph("Executive communication", style="Fixture White Para")
    d.add_paragraph("Operations Analyst, Nordlicht Retail GmbH, 2018 - 2021")
    bullet(d, "Cut stock-out incidents by a third")
    d.add_heading("Skills", level=1)
    bullet(d, "SQL, Python, Excel")
    return d


def build_mini():
    # LibreOffice writes every style of python-docx's template (about 5 KB
    # of style sheet), so drop them all but the defaults; with under ~250
    # characters of text both 1Table and WordDocument then stay below the
    # 4096-byte cutoff and land in the compound file's mini stream.
    d = new_doc()
    keep = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList")
    styles = d.styles.element
    for s in list(styles.findall(qn("w:style"))):
        if s.get(qn("w:styleId")) not in keep:
            styles.remove(s)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    d.add_paragraph(NAME)
    d.add_paragraph("Experience")
    d.add_paragraph("Lead Operations Analyst, Brightwater Freight AG, Jan 2018 - Mar 2021")
    d.add_paragraph("Developed and tracked KPIs that improved team performance by 25%")
    d.add_paragraph("Education: MSc, TH Zurich, 2015")
    d.add_paragraph("Skills: SQL, Python, Excel")
    return d


# Fixtures LibreOffice writes, in build order.
LIBREOFFICE_FIXTURES = [
    ("plain", build_plain), ("hidden", build_hidden), ("white", build_white),
    ("table", build_table), ("fields", build_fields), ("styles", build_styles),
    ("mini", build_mini),
]
# (fixture, LibreOffice fixture it is made from, piece layout)
REPIECED_FIXTURES = [("mixed", "plain", "mixed"),
                     ("hidden_compressed", "hidden", "compressed")]


# --------------------------------------------------------------------------
# Compound file ([MS-CFB] version 3, 512-byte sectors, as LibreOffice writes)
# --------------------------------------------------------------------------
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
SECTOR = 512
MINI_SECTOR = 64
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
FATSECT = 0xFFFFFFFD
STREAM = 2  # directory entry type


class CompoundFile:
    """Reads every stream of a small version-3 compound file."""

    def __init__(self, data):
        if data[:8] != CFB_MAGIC:
            raise ValueError("not a compound file")
        major, _, sector_shift, mini_shift = struct.unpack_from("<HHHH", data, 0x1A)
        assert (major, sector_shift, mini_shift) == (3, 9, 6), "unexpected CFB layout"
        self.data = data
        nfat, dir_start = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, minifat_start, nminifat = struct.unpack_from("<III", data, 0x38)
        assert nfat <= 109, "FAT needs DIFAT sectors"  # never so for these files
        self.fat = []
        for sec in struct.unpack_from("<%dI" % nfat, data, 0x4C):
            self.fat += struct.unpack_from("<128I", self.sector(sec))
        # The raw directory is kept: cfb_write copies it (names, red-black
        # tree, CLSIDs) and patches only start sectors and sizes.
        self.dirdata = self.chain_read(dir_start, self.fat)
        self.entries = []
        for off in range(0, len(self.dirdata), 128):
            e = self.dirdata[off:off + 128]
            nlen = struct.unpack_from("<H", e, 64)[0]
            start, size = struct.unpack_from("<IQ", e, 116)
            self.entries.append(dict(id=off // 128, type=e[66], start=start,
                                     size=size & 0xFFFFFFFF,
                                     name=e[:max(nlen - 2, 0)].decode("utf-16le")))
        root = self.entries[0]
        self.ministream = self.chain_read(root["start"], self.fat)[:root["size"]]
        mf = self.chain_read(minifat_start, self.fat) if nminifat else b""
        self.minifat = list(struct.unpack_from("<%dI" % (len(mf) // 4), mf))

    def sector(self, n):
        return self.data[(n + 1) * SECTOR:(n + 2) * SECTOR]

    def chain_read(self, start, fat, read=None):
        read = read or self.sector
        out, s = [], start
        while s not in (ENDOFCHAIN, FREESECT):
            out.append(read(s))
            s = fat[s]
        return b"".join(out)

    def read(self, e):
        if e["size"] < self.cutoff:
            b = self.chain_read(e["start"], self.minifat, lambda s: self.ministream[
                s * MINI_SECTOR:(s + 1) * MINI_SECTOR])
        else:
            b = self.chain_read(e["start"], self.fat)
        return b[:e["size"]]

    def stream(self, name):
        found = [e for e in self.entries if e["type"] == STREAM and e["name"] == name]
        assert len(found) == 1, name
        return self.read(found[0])


def cfb_write(cfb, replace):
    """The bytes of compound file cfb with the streams named in replace given
    new contents.  The directory is copied verbatim and only its start
    sectors and sizes change; the layout is FAT sectors, directory, mini FAT,
    mini stream, then the regular streams in directory order."""
    ents = bytearray(cfb.dirdata)
    data = {e["id"]: replace.get(e["name"], cfb.read(e))
            for e in cfb.entries if e["type"] == STREAM}
    nsec = lambda n: (n + SECTOR - 1) // SECTOR

    # streams below the cutoff go to the mini stream
    mini, minifat, mini_start = bytearray(), [], {}
    for i, b in sorted(data.items()):
        if 0 < len(b) < cfb.cutoff:
            n = (len(b) + MINI_SECTOR - 1) // MINI_SECTOR
            first = len(minifat)
            mini_start[i] = first
            minifat += [first + k + 1 for k in range(n - 1)] + [ENDOFCHAIN]
            mini += b + bytes(n * MINI_SECTOR - len(b))
    regular = [(i, b) for i, b in sorted(data.items()) if len(b) >= cfb.cutoff]

    n_dir = nsec(len(ents))
    n_minifat = nsec(len(minifat) * 4)
    n_mini = nsec(len(mini))
    n_fat = 1
    while n_fat * (SECTOR // 4) < (n_fat + n_dir + n_minifat + n_mini
                                   + sum(nsec(len(b)) for _, b in regular)):
        n_fat += 1
    assert n_fat <= 109
    fat = [FATSECT] * n_fat + [FREESECT] * (n_fat * (SECTOR // 4) - n_fat)
    next_free = n_fat

    def alloc(n):
        nonlocal next_free
        if n == 0:
            return ENDOFCHAIN
        first = next_free
        for k in range(n):
            fat[first + k] = first + k + 1 if k < n - 1 else ENDOFCHAIN
        next_free += n
        return first

    dir_start = alloc(n_dir)
    minifat_start = alloc(n_minifat)
    mini_stream_start = alloc(n_mini)
    body = bytearray(n_dir * SECTOR)  # directory, filled in once patched
    body += b"".join(struct.pack("<I", x) for x in minifat)
    body += b"\xff" * (n_minifat * SECTOR - 4 * len(minifat))
    body += mini + bytes(n_mini * SECTOR - len(mini))
    for i, b in regular:
        struct.pack_into("<I", ents, i * 128 + 116, alloc(nsec(len(b))))
        body += b + bytes(nsec(len(b)) * SECTOR - len(b))
    for i, b in data.items():
        if 0 < len(b) < cfb.cutoff:
            struct.pack_into("<I", ents, i * 128 + 116, mini_start[i])
        elif len(b) == 0:
            struct.pack_into("<I", ents, i * 128 + 116, ENDOFCHAIN)
        struct.pack_into("<Q", ents, i * 128 + 120, len(b))
    # the root entry's start and size are the mini stream's
    struct.pack_into("<IQ", ents, 116, mini_stream_start if mini else ENDOFCHAIN, len(mini))
    body[0:len(ents)] = ents

    hdr = bytearray(SECTOR)
    hdr[0:8] = CFB_MAGIC
    struct.pack_into("<HHHHH", hdr, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", hdr, 0x28, 0, n_fat, dir_start, 0, cfb.cutoff,
                     minifat_start if n_minifat else ENDOFCHAIN, n_minifat,
                     ENDOFCHAIN, 0)
    struct.pack_into("<109I", hdr, 0x4C, *(list(range(n_fat)) + [FREESECT] * (109 - n_fat)))
    return bytes(hdr) + b"".join(struct.pack("<I", x) for x in fat) + bytes(body)


# --------------------------------------------------------------------------
# Piece-table rewrite ([MS-DOC])
# --------------------------------------------------------------------------
# FibRgFcLcb97 indices of the structures that hold FCs into the text
FCLCB_PLCFSED, FCLCB_PLCFBTECHPX, FCLCB_PLCFBTEPAPX, FCLCB_CLX = 6, 12, 13, 33


def fits_cp1252(ch):
    try:
        ch.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def repiece(src, dst, layout):
    """Write dst: the LibreOffice .doc src with its text stored as 8-bit
    pieces.  layout "compressed": one 8-bit (Windows-1252) piece for all the
    text; "mixed": 8-bit pieces where Windows-1252 can hold the text, UTF-16LE
    pieces around the rest.

    The text is re-laid out inside its old region of WordDocument (8-bit text
    is shorter, so it fits), every FC in PlcBteChpx/PlcBtePapx and in the
    CHPX/PAPX FKP pages they point to is remapped, the old Clx is zeroed and
    a new one appended to the table stream."""
    with open(src, "rb") as f:
        cfb = CompoundFile(f.read())
    wd = bytearray(cfb.stream("WordDocument"))
    flags = struct.unpack_from("<H", wd, 10)[0]
    table_name = "1Table" if flags & 0x0200 else "0Table"  # fWhichTblStm
    tbl = bytearray(cfb.stream(table_name))

    # FibRgFcLcb follows FibBase (32 bytes), FibRgW97 and FibRgLw97
    pos = 32
    pos += 2 + 2 * struct.unpack_from("<H", wd, pos)[0]
    pos += 2 + 4 * struct.unpack_from("<H", wd, pos)[0]
    fclcb_pos = pos + 2
    fclcb = lambda idx: struct.unpack_from("<II", wd, fclcb_pos + 8 * idx)

    # LibreOffice writes a Clx with no Prc and a single UTF-16LE piece
    clx_fc, clx_lcb = fclcb(FCLCB_CLX)
    assert tbl[clx_fc] == 2 and struct.unpack_from("<I", tbl, clx_fc + 1)[0] == 16, \
        "expected a Clx with one piece"
    total = struct.unpack_from("<I", tbl, clx_fc + 5 + 4)[0]  # CP end of the piece
    pcd = tbl[clx_fc + 5 + 8:clx_fc + 5 + 16]
    fc_value = struct.unpack_from("<I", pcd, 2)[0]
    assert not fc_value & 0x40000000, "expected a UTF-16LE piece"
    base = fc_value
    old_end = base + 2 * total
    text = wd[base:old_end].decode("utf-16le")

    # split the text into runs [cp0, cp1, compressed]
    segs = []
    for i, ch in enumerate(text):
        c = fits_cp1252(ch)
        if layout == "compressed":
            assert c, "character %r does not fit Windows-1252" % ch
        if segs and segs[-1][2] == c:
            segs[-1][1] = i + 1
        else:
            segs.append([i, i + 1, c])

    wd[base:old_end] = bytes(old_end - base)
    pos = base
    starts = []  # byte offset of each run in WordDocument
    for cp0, cp1, c in segs:
        if not c and pos % 2:
            pos += 1  # UTF-16LE text starts on an even offset
        starts.append(pos)
        chunk = text[cp0:cp1].encode("cp1252" if c else "utf-16le")
        wd[pos:pos + len(chunk)] = chunk
        pos += len(chunk)
    new_end = pos
    assert new_end <= old_end

    def new_fc(old):
        assert (old - base) % 2 == 0 and base <= old <= old_end, old
        cp = (old - base) // 2
        if cp == total:
            return new_end
        for (cp0, cp1, c), st in zip(segs, starts):
            if cp0 <= cp < cp1:
                return st + (cp - cp0) * (1 if c else 2)
        raise AssertionError(cp)

    # section descriptors point outside the text, so they need no remapping
    fc, lcb = fclcb(FCLCB_PLCFSED)
    n = (lcb - 4) // 16
    for k in range(n):
        fc_sepx = struct.unpack_from("<i", tbl, fc + 4 * (n + 1) + 12 * k + 2)[0]
        assert fc_sepx < base or fc_sepx >= old_end

    # character and paragraph runs: the bin tables and their FKP pages
    for idx in (FCLCB_PLCFBTECHPX, FCLCB_PLCFBTEPAPX):
        fc, lcb = fclcb(idx)
        n = (lcb - 4) // 8
        for k in range(n + 1):
            old = struct.unpack_from("<I", tbl, fc + 4 * k)[0]
            struct.pack_into("<I", tbl, fc + 4 * k, new_fc(old))
        for k in range(n):
            pn = struct.unpack_from("<I", tbl, fc + 4 * (n + 1) + 4 * k)[0] & 0x3FFFFF
            page = pn * 512
            crun = wd[page + 511]  # an FKP's rgfc holds crun + 1 FCs
            for j in range(crun + 1):
                old = struct.unpack_from("<I", wd, page + 4 * j)[0]
                struct.pack_into("<I", wd, page + 4 * j, new_fc(old))

    # new Clx: one Pcd per run, keeping LibreOffice's Pcd flags; an 8-bit
    # piece stores twice its byte offset with fCompressed (bit 30) set
    tbl[clx_fc:clx_fc + clx_lcb] = bytes(clx_lcb)
    plc = b"".join(struct.pack("<I", s[0]) for s in segs) + struct.pack("<I", total)
    for (cp0, cp1, c), st in zip(segs, starts):
        plc += pcd[0:2] + struct.pack("<IH", (st * 2) | 0x40000000 if c else st, 0)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    while len(tbl) % 4:
        tbl.append(0)
    struct.pack_into("<II", wd, fclcb_pos + 8 * FCLCB_CLX, len(tbl), len(clx))
    tbl += clx
    struct.pack_into("<I", wd, 28, new_end)  # FibBase reserved6, the old fcMac

    with open(dst, "wb") as f:
        f.write(cfb_write(cfb, {"WordDocument": bytes(wd), table_name: bytes(tbl)}))


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def soffice_to_doc(docx_path, outdir, home):
    """Convert one .docx to .doc.  One soffice run per file keeps a failure
    to its file; the private HOME keeps LibreOffice's profile (and its
    single-instance lock) away from any other soffice the user runs."""
    env = dict(os.environ, HOME=home)
    cmd = ["soffice", "--headless", "--convert-to", "doc", "--outdir", outdir, docx_path]
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=120)
    out = os.path.join(outdir, os.path.splitext(os.path.basename(docx_path))[0] + ".doc")
    if r.returncode != 0 or not os.path.exists(out):
        sys.exit("make-doc-fixtures.py: soffice failed on %s:\n%s"
                 % (docx_path, r.stdout.decode(errors="replace")))
    return out


def main():
    if sys.argv[1:2] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if len(sys.argv) > 2:
        sys.exit("usage: make-doc-fixtures.py [OUTDIR]")
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    if shutil.which("soffice") is None:
        sys.exit("make-doc-fixtures.py: needs LibreOffice's soffice on PATH "
                 "(Debian: apt-get install libreoffice-writer)")
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make-doc-fixtures.") as tmp:
        home = os.path.join(tmp, "home")
        converted = os.path.join(tmp, "doc")
        os.makedirs(home)
        os.makedirs(converted)
        made = {}
        for name, build in LIBREOFFICE_FIXTURES:
            docx_path = os.path.join(tmp, name + ".docx")
            save_docx(build(), docx_path)
            made[name] = soffice_to_doc(docx_path, converted, home)
            shutil.copyfile(made[name], os.path.join(outdir, name + ".doc"))
            print("wrote", os.path.join(outdir, name + ".doc"))
        for name, source, layout in REPIECED_FIXTURES:
            repiece(made[source], os.path.join(outdir, name + ".doc"), layout)
            print("wrote", os.path.join(outdir, name + ".doc"))


if __name__ == "__main__":
    main()
