#!/usr/bin/env python3
"""Turn the example resumes (examples/*.txt) into DOCX, ODT and HTML files.

Writes examples/docx/<name>.docx for every examples/<name>.txt: a minimal,
valid WordprocessingML package ([Content_Types].xml, _rels/.rels,
word/document.xml, word/_rels/document.xml.rels, docProps/core.xml) with
one paragraph per line of the text.  It also writes
examples/docx/hidden-keywords.docx: a junior-looking resume with senior KPI
keywords stuffed in white (FFFFFF) text, the trick libkpiscan must flag
and must not score.  The same for ODT: examples/odt/<name>.odt (content.xml
with one text:p per line) and examples/odt/hidden-keywords.odt, whose
keywords carry an automatic style with white text.  And HTML:
examples/html/<name>.html (a page with a head, a style sheet and one <p>
per line) and examples/html/hidden-keywords.html, whose keywords sit in a
span styled white.  And RTF, as Word and WordPad write it:
examples/rtf/<name>.rtf (a font and colour table, document properties,
one \\par per line, characters past ASCII as \\uN with a fallback) and
examples/rtf/hidden-keywords.rtf, whose keywords are in white (\\cf).

The output is reproducible: fixed timestamps, fixed order, so re-running
the script changes nothing unless an example changed.

Standard library only.  Usage:
    scripts/make-docx-examples.py [--examples DIR] [--out DIR]
"""

import argparse
import codecs
import pathlib
import re
import sys
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = R_NS
CORE_TYPE = PKG_REL_NS + "/metadata/core-properties"

# zip entries get this date, so the bytes do not depend on when we ran
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
MODIFIED = "2026-01-15T09:00:00Z"

# Characters XML 1.0 cannot carry at all.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

HIDDEN_KEYWORDS = ("KPI strategic KPI alignment executive communication "
                   "change management balanced scorecard board reporting")

JUNIOR_RESUME = """\
SAM TAYLOR
Junior Operations Assistant
Bristol, UK | sam.taylor@example.com | +44 7700 900456

PROFILE
Friendly and organised graduate with one year of experience supporting a small
operations team. Happy with spreadsheets and keen to learn how a business runs.

EXPERIENCE

Operations Assistant | Brightwell Garden Centres
Sep 2025 – Present
- Updated the weekly stock spreadsheet for the store manager.
- Answered supplier emails and booked deliveries.
- Helped prepare the Monday sales summary under supervision.

Retail Assistant (part-time) | Corner Books
Jun 2023 – Aug 2025
- Served customers, handled the till and restocked shelves.
- Kept the returns log up to date.

EDUCATION

BA Business Studies, University of the West of England
Sep 2022 – Jun 2025

SKILLS
- Microsoft Excel (basic formulas), Word, Outlook
- Customer service, teamwork, time management
"""


def _cp1252_byte(err):
    """Decode error handler: each invalid byte read as Windows-1252."""
    out = []
    for b in err.object[err.start:err.end]:
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D
            out.append(chr(b))
    return "".join(out), err.end


codecs.register_error("kpiscan-cp1252-byte", _cp1252_byte)


def read_text(path):
    """Text of an example as libkpiscan reads plain text: UTF-8, each
    invalid byte taken as Windows-1252, CRLF and CR made LF."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="kpiscan-cp1252-byte")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def run(text, props=""):
    """One w:r; tabs become w:tab, everything else is literal text."""
    text = _XML_INVALID.sub("", text)
    parts = text.split("\t")
    out = ["<w:r>"]
    if props:
        out.append("<w:rPr>%s</w:rPr>" % props)
    for i, part in enumerate(parts):
        if i:
            out.append("<w:tab/>")
        if part:
            out.append('<w:t xml:space="preserve">%s</w:t>' % escape(part))
    out.append("</w:r>")
    return "".join(out)


def paragraph(*runs):
    return "<w:p>%s</w:p>" % "".join(runs)


def document_xml(paragraphs):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s'
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" '
            'w:right="1440" w:bottom="1440" w:left="1440" w:header="708" '
            'w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>'
            % (W_NS, R_NS, "".join(paragraphs)))


def styles_xml():
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:styles xmlns:w="%s"><w:docDefaults><w:rPrDefault><w:rPr>'
            '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/>'
            '</w:rPr></w:rPrDefault></w:docDefaults>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
            '<w:name w:val="Normal"/></w:style></w:styles>' % W_NS)


def core_xml(title):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>libkpiscan examples</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>'
            '</cp:coreProperties>' % (escape(title), MODIFIED, MODIFIED))


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/><Override PartName="/word/'
    'styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"'
    '/></Types>')

PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/'
    'officeDocument" Target="word/document.xml"/><Relationship Id="rId2" '
    'Type="%s" Target="docProps/core.xml"/></Relationships>'
    % (PKG_REL_NS, REL_TYPE, CORE_TYPE))

DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/styles" '
    'Target="styles.xml"/></Relationships>' % (PKG_REL_NS, REL_TYPE))


def write_docx(path, paragraphs, title):
    entries = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("word/document.xml", document_xml(paragraphs)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", styles_xml()),
        ("docProps/core.xml", core_xml(title)),
    ]
    tmp = path.with_suffix(".docx.tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, content.encode("utf-8"))
    tmp.replace(path)


def text_paragraphs(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [paragraph(run(line)) if line else "<w:p/>" for line in lines]


def hidden_keywords_paragraphs():
    """The junior resume, with the keywords in white after the skills."""
    paragraphs = text_paragraphs(JUNIOR_RESUME)
    white = '<w:color w:val="FFFFFF"/>'
    # stuffed once at the end of the profile and once after the skills,
    # as keyword stuffers do
    profile_end = next(i for i, p in enumerate(paragraphs)
                       if "keen to learn" in p)
    paragraphs[profile_end] = paragraphs[profile_end].replace(
        "</w:p>", run(" " + HIDDEN_KEYWORDS, white) + "</w:p>")
    paragraphs.append(paragraph(run(HIDDEN_KEYWORDS, white)))
    return paragraphs


ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO_NS = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
DC_NS = "http://purl.org/dc/elements/1.1/"


def odt_paragraph(text, hidden_tail=""):
    body = escape(_XML_INVALID.sub("", text))
    if hidden_tail:
        body += '<text:span text:style-name="Hidden">%s</text:span>' % escape(
            hidden_tail)
    return "<text:p>%s</text:p>" % body


def odt_content(paragraphs):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document-content xmlns:office="%s" xmlns:text="%s" '
            'xmlns:style="%s" xmlns:fo="%s" office:version="1.3">'
            '<office:automatic-styles><style:style style:name="Hidden" '
            'style:family="text"><style:text-properties fo:color="#ffffff"/>'
            '</style:style></office:automatic-styles>'
            '<office:body><office:text>%s</office:text></office:body>'
            '</office:document-content>'
            % (OFFICE_NS, TEXT_NS, STYLE_NS, FO_NS, "".join(paragraphs)))


def write_odt(path, paragraphs, title):
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="%s"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type='
                '"text/xml"/><manifest:file-entry manifest:full-path='
                '"meta.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>' % ODT_MIMETYPE)
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<office:document-meta xmlns:office="%s" xmlns:meta="%s" '
            'xmlns:dc="%s" office:version="1.3"><office:meta><dc:title>%s'
            '</dc:title><dc:date>%s</dc:date></office:meta>'
            '</office:document-meta>'
            % (OFFICE_NS, META_NS, DC_NS, escape(title), MODIFIED))
    tmp = path.with_suffix(".odt.tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        # The mimetype entry comes first and is stored: that is how
        # readers (and libkpiscan's sniffer) recognise an ODT.
        info = zipfile.ZipInfo("mimetype", date_time=FIXED_DATE)
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, ODT_MIMETYPE.encode("ascii"))
        for name, content in (("META-INF/manifest.xml", manifest),
                              ("meta.xml", meta),
                              ("content.xml", odt_content(paragraphs))):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, content.encode("utf-8"))
    tmp.replace(path)


def odt_text_paragraphs(text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [odt_paragraph(line) for line in lines]


def odt_hidden_keywords_paragraphs():
    paragraphs = []
    for line in JUNIOR_RESUME.rstrip("\n").split("\n"):
        tail = " " + HIDDEN_KEYWORDS if "keen to learn" in line else ""
        paragraphs.append(odt_paragraph(line, tail))
    paragraphs.append(odt_paragraph("", HIDDEN_KEYWORDS))
    return paragraphs


def html_page(lines, title, hidden_tail=""):
    """A page as a web resume builder writes one: a head with a style sheet
    (not text), one paragraph per line, list lines as list items."""
    # an indented line continues the list item above it, as the text
    # examples wrap them; the page keeps the break, which HTML collapses
    blocks = []
    for line in lines:
        if line.startswith("  ") and blocks and blocks[-1][0] == "li":
            blocks[-1][1] += "\n" + line.strip()
        elif line.startswith("- "):
            blocks.append(["li", line[2:]])
        elif line:
            blocks.append(["p", line])
    body = []
    for i, (kind, text) in enumerate(blocks):
        if kind == "li" and (i == 0 or blocks[i - 1][0] != "li"):
            body.append("<ul>")
        body.append(("  <li>%s</li>" if kind == "li" else "<p>%s</p>")
                    % escape(text))
        if kind == "li" and (i + 1 == len(blocks) or blocks[i + 1][0] != "li"):
            body.append("</ul>")
    if hidden_tail:
        body.append('<p><span style="color:#ffffff">%s</span></p>'
                    % escape(hidden_tail))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>%s</title>\n<style>body { font-family: sans-serif; }"
            " .kpi { font-weight: bold; }</style>\n</head>\n<body>\n%s\n"
            "</body>\n</html>\n" % (escape(title), "\n".join(body)))


def write_html(path, text, title, hidden_tail=""):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [_XML_INVALID.sub("", line) for line in lines]
    path.write_text(html_page(lines, title, hidden_tail), encoding="utf-8")


def _modified_ymd():
    """The year, month and day of MODIFIED, the DOCX examples' save date."""
    y, m, d = MODIFIED[:10].split("-")
    return (y, int(m), int(d))


def rtf_escape(text):
    """RTF for a line of text: backslash and braces escaped, tabs as \\tab,
    characters past ASCII as \\uN (signed 16-bit units) with a '?'
    fallback, as Word writes them."""
    out = []
    for ch in _XML_INVALID.sub("", text):
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\tab ")
        elif ord(ch) < 0x80:
            out.append(ch)
        else:
            units = ch.encode("utf-16-le")
            for i in range(0, len(units), 2):
                u = int.from_bytes(units[i:i + 2], "little")
                out.append("\\u%d?" % (u - 65536 if u > 32767 else u))
    return "".join(out)


def rtf_document(lines, title, hidden_tail=""):
    """A document as a word processor saves one: tables that are not text,
    then one paragraph per line; hidden_tail in white at the end."""
    body = ["\\pard\\plain\\f0\\fs22 %s\\par" % rtf_escape(line)
            for line in lines]
    if hidden_tail:
        body.append("\\pard\\plain\\f0\\fs22{\\cf1 %s}\\par"
                    % rtf_escape(hidden_tail))
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1\n"
            "{\\fonttbl{\\f0\\fswiss\\fcharset0 Arial;}}\n"
            "{\\colortbl;\\red255\\green255\\blue255;}\n"
            "{\\info{\\title %s}{\\creatim\\yr%s\\mo%d\\dy%d}"
            "{\\revtim\\yr%s\\mo%d\\dy%d}}\n%s\n}\n"
            % ((rtf_escape(title),) + 2 * _modified_ymd() + ("\n".join(body),)))


def write_rtf(path, text, title, hidden_tail=""):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    path.write_bytes(rtf_document(lines, title, hidden_tail).encode("ascii"))


def main(argv):
    root = pathlib.Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=pathlib.Path, default=root / "examples",
                    help="folder with the .txt examples (default: %(default)s)")
    ap.add_argument("--out", type=pathlib.Path, default=None,
                    help="output folder (default: EXAMPLES/docx)")
    args = ap.parse_args(argv)
    out = args.out or args.examples / "docx"
    out.mkdir(parents=True, exist_ok=True)

    written = 0
    for txt in sorted(args.examples.glob("*.txt")):
        target = out / (txt.stem + ".docx")
        write_docx(target, text_paragraphs(read_text(txt)), txt.stem)
        print("wrote", target)
        written += 1
    target = out / "hidden-keywords.docx"
    write_docx(target, hidden_keywords_paragraphs(), "hidden-keywords")
    print("wrote", target)
    written += 1
    print("%d DOCX files in %s" % (written, out))

    odt_out = out.parent / "odt"
    odt_out.mkdir(parents=True, exist_ok=True)
    for txt in sorted(args.examples.glob("*.txt")):
        target = odt_out / (txt.stem + ".odt")
        write_odt(target, odt_text_paragraphs(read_text(txt)), txt.stem)
        print("wrote", target)
    target = odt_out / "hidden-keywords.odt"
    write_odt(target, odt_hidden_keywords_paragraphs(), "hidden-keywords")
    print("wrote", target)

    html_out = out.parent / "html"
    html_out.mkdir(parents=True, exist_ok=True)
    for txt in sorted(args.examples.glob("*.txt")):
        target = html_out / (txt.stem + ".html")
        write_html(target, read_text(txt), txt.stem)
        print("wrote", target)
    target = html_out / "hidden-keywords.html"
    write_html(target, JUNIOR_RESUME, "hidden-keywords", HIDDEN_KEYWORDS)
    print("wrote", target)

    rtf_out = out.parent / "rtf"
    rtf_out.mkdir(parents=True, exist_ok=True)
    for txt in sorted(args.examples.glob("*.txt")):
        target = rtf_out / (txt.stem + ".rtf")
        write_rtf(target, read_text(txt), txt.stem)
        print("wrote", target)
    target = rtf_out / "hidden-keywords.rtf"
    write_rtf(target, JUNIOR_RESUME, "hidden-keywords", HIDDEN_KEYWORDS)
    print("wrote", target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
