#!/usr/bin/env python3
"""Write the small structured seeds of the fuzz corpora (tests/fuzz/corpus/).

The other seeds are the project's own files, which the replay tests and
tests/fuzz/run-fuzzers.sh read where they are: examples/, tests/data/,
tests/cli/data/ and patterns/.  What is written here are minimal documents
that reach deep into the extractors with few bytes: a minimal DOCX and ODT,
each with the features the extractors handle (headers, footnotes, text
boxes in mc:AlternateContent, tracked changes, fields, hidden text, ISO
Strict namespaces, a BOM before the XML declaration), small packs, and
normaliser inputs with ligatures, quotes, dashes and odd spaces.

Crash and time-out inputs found by fuzzing are kept beside these, in
corpus/regressions/HARNESS/, and replayed the same way.

The output is reproducible (fixed zip timestamps and order), so re-running
changes nothing.  Standard library only.  Usage:
    tests/fuzz/make-seeds.py [OUTDIR]     (default: tests/fuzz/corpus)
"""

import io
import pathlib
import sys
import zipfile

DATE = (1980, 1, 1, 0, 0, 0)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def zipped(entries, stored_first=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i, (name, data) in enumerate(entries):
            info = zipfile.ZipInfo(name, DATE)
            stored = stored_first and i == 0
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def docx(body, extra=(), doc_rels="", strict=False, bom=False, main="word/document.xml"):
    w, r = (W_STRICT, R_STRICT) if strict else (W, R)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{w}" xmlns:r="{r}" xmlns:mc="{MC}">'
           f'<w:body>{body}</w:body></w:document>')
    if bom:
        doc = "\ufeff" + doc
    rel_type = (R_STRICT if strict else R) + "/officeDocument"
    entries = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/{main}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
         '</Types>'),
        ("_rels/.rels",
         f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
         f'<Relationship Id="rId1" Type="{rel_type}" Target="{main}"/></Relationships>'),
        (main, doc),
    ]
    if doc_rels:
        entries.append(("word/_rels/" + main.split("/")[-1] + ".rels",
                        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PR}">'
                        f'{doc_rels}</Relationships>'))
    entries.extend(extra)
    return zipped(entries)


def p(text, rpr=""):
    return f'<w:p><w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


LINES = [
    "Senior Business Analyst",
    "EXPERIENCE",
    "Acme Ltd | Jan 2015 \u2013 Present",
    "Developed and tracked KPIs that improved team performance by 25%.",
    "Defined the KPI framework and presented it to the board.",
]
BODY = "".join(p(t) for t in LINES)


def part(root, ns, inner):
    return (f'<?xml version="1.0" encoding="UTF-8"?><w:{root} xmlns:w="{ns}">'
            f'{inner}</w:{root}>')


def docx_seeds():
    rel = lambda rid, typ, target: (f'<Relationship Id="{rid}" Type="{R}/{typ}" '
                                    f'Target="{target}"/>')
    yield "docx-minimal.docx", docx(p("Tracked KPIs"))
    yield "docx-resume.docx", docx(BODY)
    yield "docx-strict.docx", docx(BODY, strict=True)
    yield "docx-bom.docx", docx(BODY, bom=True)
    yield "docx-main-document2.docx", docx(BODY, main="word/document2.xml")
    yield "docx-parts.docx", docx(
        BODY + '<w:p><w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
        extra=[("word/header1.xml", part("hdr", W, p("Jane Doe - KPI lead"))),
               ("word/footer1.xml", part("ftr", W, p("page 1"))),
               ("word/footnotes.xml", part("footnotes", W,
                                           '<w:footnote w:id="1">' + p("KPI note") + "</w:footnote>")),
               ("word/comments.xml", part("comments", W,
                                          '<w:comment w:id="0">' + p("reviewer KPI") + "</w:comment>"))],
        doc_rels=(rel("rId1", "header", "header1.xml") + rel("rId2", "footer", "footer1.xml") +
                  rel("rId3", "footnotes", "footnotes.xml") + rel("rId4", "comments", "comments.xml")))
    yield "docx-textbox.docx", docx(
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        + p("KPI dashboard owner") + '</w:txbxContent></w:drawing></mc:Choice><mc:Fallback>'
        '<w:pict><w:txbxContent>' + p("KPI dashboard owner") +
        '</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    yield "docx-revisions.docx", docx(
        '<w:p><w:ins w:id="1"><w:r><w:t>inserted KPI</w:t></w:r></w:ins>'
        '<w:del w:id="2"><w:r><w:delText>deleted KPI</w:delText></w:r></w:del>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>field KPI</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:sdt><w:sdtContent><w:r><w:t>sdt KPI</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:hyperlink r:id="rId9"><w:r><w:t>link</w:t><w:tab/><w:t>x</w:t><w:br/></w:r></w:hyperlink></w:p>')
    yield "docx-hidden.docx", docx(
        p("Junior assistant") +
        p("strategic KPI alignment", '<w:rPr><w:vanish/></w:rPr>') +
        p("board reporting KPI", '<w:rPr><w:color w:val="FFFFFF"/></w:rPr>') +
        p("balanced scorecard", '<w:rPr><w:sz w:val="2"/></w:rPr>'),
        extra=[("word/styles.xml", part("styles", W,
                                        '<w:style w:type="character" w:styleId="H"><w:rPr><w:vanish/></w:rPr></w:style>'))],
        doc_rels=rel("rId1", "styles", "styles.xml"))
    yield "docx-core.docx", docx(BODY, extra=[(
        "docProps/core.xml",
        '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dcterms:modified '
        'xsi:type="dcterms:W3CDTF">2026-01-15T09:00:00Z</dcterms:modified></cp:coreProperties>')])
    # a resume imported whole as HTML and as MIME HTML chunks (w:altChunk)
    yield "docx-altchunk.docx", docx(
        p("Jane Doe") + '<w:altChunk r:id="rH"/><w:altChunk r:id="rM"/><w:altChunk r:id="rR"/>',
        extra=[("word/afchunk.htm", "<html><body><p>Developed and tracked "
                "<b>KPIs</b></p><p style=\"display:none\">board KPI</p></body></html>"),
               ("word/afchunk.mht", MHT), ("word/afchunk.rtf", RTF_WORD)],
        doc_rels=(rel("rH", "aFChunk", "afchunk.htm") + rel("rM", "aFChunk", "afchunk.mht") +
                  rel("rR", "aFChunk", "afchunk.rtf")))
    yield "docx-table.docx", docx(
        '<w:tbl><w:tr><w:tc>' + p("2019 - 2024") + '</w:tc><w:tc>' + p("KPI owner") +
        '</w:tc></w:tr></w:tbl>')


ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def odt(body, styles=""):
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               f'<office:document-content {ODT_NS} office:version="1.3">'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               f'<office:body><office:text>{body}</office:text></office:body>'
               '</office:document-content>')
    return zipped([
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml",
         '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
         '</manifest:manifest>'),
        ("content.xml", content),
    ], stored_first=True)


def odt_seeds():
    tp = lambda t, style="": (f'<text:p{" text:style-name=" + chr(34) + style + chr(34) if style else ""}>'
                              f'{t}</text:p>')
    yield "odt-minimal.odt", odt(tp("Tracked KPIs"))
    yield "odt-resume.odt", odt("".join(tp(t) for t in LINES))
    yield "odt-structure.odt", odt(
        '<text:h text:outline-level="1">EXPERIENCE</text:h>' +
        tp('Lead<text:s text:c="3"/>analyst<text:tab/>KPI<text:line-break/>owner') +
        '<text:list><text:list-item>' + tp("Defined KPIs") + '</text:list-item></text:list>' +
        '<table:table><table:table-row><table:table-cell>' + tp("2018 - 2023") +
        '</table:table-cell></table:table-row></table:table>' +
        tp('<text:span>span KPI</text:span><text:note><text:note-body>' + tp("note KPI") +
           '</text:note-body></text:note>') +
        '<text:tracked-changes><text:changed-region><text:deletion>' + tp("deleted KPI") +
        '</text:deletion></text:changed-region></text:tracked-changes>' +
        '<draw:frame><draw:text-box>' + tp("box KPI") + '</draw:text-box></draw:frame>')
    yield "odt-hidden.odt", odt(
        tp("Junior assistant") + tp("strategic KPI alignment", "Hid") +
        tp("board KPI", "White") + '<text:hidden-paragraph>hidden KPI</text:hidden-paragraph>',
        styles='<style:style style:name="Hid" style:family="paragraph"><style:text-properties '
               'text:display="none"/></style:style><style:style style:name="White" '
               'style:family="paragraph"><style:text-properties fo:color="#ffffff"/></style:style>')


MHT = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"=_b\"\r\n\r\n"
       "--=_b\r\nContent-Type: image/png\r\n\r\nPNG\r\n--=_b\r\nContent-Type: text/html; "
       "charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p class=3D\"x\">"
       "Built KPI dash=\r\nboards =E2=80=93 weekly</p>\r\n--=_b--\r\n")

# the root a start parameter names, after a decoy; base64 behind a BOM
MHT_START = ("MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\tboundary=\"b\"; "
             "start=\"<root@x>\"\r\n\r\n--b\r\nContent-Type: text/html\r\nContent-ID: "
             "<decoy@x>\r\n\r\n<p>KPI KPI</p>\r\n--b\r\nContent-Type: text/html\r\n"
             "Content-ID: <root@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             "77u/PHA+VHJhY2tlZCBLUElzPC9wPg==\r\n--b--\r\nepilogue\r\n")

HTML = {
    "mhtml-page.mht": MHT,
    "mhtml-start.mht": MHT_START,
    "html-resume.html": "<!DOCTYPE html><html><head><title>CV</title><style>p{}</style>"
                        "</head><body><h2>Experience</h2><table><tr><td>Jan 2015 &ndash; "
                        "Present</td><td>Head of BI</td></tr></table><ul><li>Developed and "
                        "tracked KPIs</li><li>Built dashboards</li></ul><ol><li>a</li></ol>"
                        "<pre>2012 - 2014\n  Analyst</pre>x<br>y &#150; &amp; &#1;</body></html>",
    "html-sheet.html": "<html><head><style>/* c */ @import url(x); @media print{.x{display:none}}"
                       ".hide{display:none} p.g,#i{color:#fff;background:url(a) #000}"
                       "span.a.b{font-size:1px;visibility:hidden} div p{opacity:0}</style>"
                       "<style><!-- .o{color:rgba(0,0,0,0)} --></style></head><body>"
                       "<p class=\"hide\">KPI</p><p class=\"g x\" id=\"i\">board KPI</p>"
                       "<span class=\"b a\" style=\"visibility:visible\">x</span></body></html>",
    "html-hidden.html": "<html><body bgcolor=navy><p hidden>strategic KPI alignment</p>"
                        "<p style=\"display:none;color:#fff\">board KPI</p><div style=\""
                        "background:#fff url(a.png)\"><font color=white>hidden KPI</font>"
                        "</div><span style=\"font-size:0.5pt;left:-9999px;opacity:0\">x"
                        "</span><span style=\"color:rgba(255,255,255,.5)\">y</span></body>"
                        "</html>",
}

# RTF as Word writes it: styles, tables (a shaded cell), fields, a text
# box, a header and a footnote, properties, hidden and white text, \\u
# with its fallback, a surrogate pair, binary data
RTF_WORD = (r"{\rtf1\ansi\ansicpg1252\uc1\deff0{\fonttbl{\f0\fswiss Arial;}{\f1\fcharset2 Symbol;}}"
            r"{\colortbl;\red0\green0\blue0;\red255\green255\blue255;\red31\green56\blue100;}"
            r"{\stylesheet{\s1 heading 1;}{\*\cs2\v hid;}{\s3\sbasedon1\cf2 white;}}"
            r"{\info{\title KPI}{\revtim\yr2024\mo5\dy1}"
            r"{\creatim\yr2020\mo1\dy2}}{\*\generator x;}{\header \pard Jane Doe\par}"
            r"\pard\plain\s3\fs24 Experience\par {\listtext\f1 \'b7\tab}Tracked {\cs2 KPIs}"
            r"{\footnote \pard footnote\par}\par"
            r"\trowd\clcbpat3\cellx2000\cellx4000\pard\intbl{\cf2 2019 \endash  2024}\cell "
            r"Analyst\cell\pard\intbl{\trowd\clcbpat3\cellx2000\cellx4000\row}"
            r"\pard{\field{\*\fldinst HYPERLINK \\l x}{\fldrslt link}}{\v hidden KPI}"
            r"{\cf2 white KPI}{\deleted gone}{\fs2 tiny}caf\'e9 \u8364?\uc2\u8212\'97\'97"
            r"\u-10179\u-8704??{\*\bkmkstart b}{\shp{\*\shpinst{\sp{\sn x}{\sv 1}}"
            r"{\shptxt \pard box text\par}}{\shprslt dup}}{\pict\bin4 \}{}}\par}")

RTF = {
    "rtf-word.rtf": RTF_WORD,
    "rtf-plain.rtf": "\ufeff  {\\rtf1 Hello\\line KPI \\{x\\} \\~ \\_ \\- \\\\\n}trailing",
}

PACKS = {
    "pack-tiny.yaml": """format: 1
name: tiny
version: "0.1"
rules:
  - id: okr.term
    category: term
    level: none
    weight: 1
    regex: '\\bOKRs?\\b'
    description: Objectives and key results.
    examples:
      match: ["Tracked OKRs"]
      reject: ["BOKR"]
""",
    "pack-levels.yaml": """format: 1
name: levels
version: "2"
rules:
  - {id: a.junior, category: indicator, level: junior, weight: 0.5, regex: 'tracked\\s+KPIs?'}
  - {id: a.mid, category: achievement, level: mid, weight: 1.5, regex: '(?:improved|reduced)[^.\\n]{0,40}?\\d+%'}
  - {id: a.senior, category: title, level: senior, weight: 2, regex: '\\b(?:head|director) of\\b'}
  - {id: a.flag, category: red-flag, level: none, weight: 0, regex: 'responsible for KPIs'}
  - {id: a.q, category: quantified, level: none, weight: 1, regex: '\\b\\d{1,3}(?:\\.\\d)?\\s?%'}
questions:
  - {level: junior, question: "What is a KPI?", answer: "A measure."}
  - {level: senior, question: "How do you choose KPIs?"}
""",
    "pack-unicode.yaml": """format: 1
name: "unicode \u00e9"
version: "1"
rules:
  - id: "caf\u00e9"
    category: term
    level: none
    weight: 1.0
    regex: '\\bcaf\u00e9\\b|\\p{Lu}{3}|(?i)kpi'
    description: >-
      folded
      text
""",
}

NORMALIZE = {
    "norm-ligatures.txt": "E\ufb03cient o\ufb03ce \ufb01nance \ufb02ow \ufb00 \ufb04 \ufb05\n",
    "norm-quotes.txt": "\u201cKPI\u201d \u2018owner\u2019 \u00abx\u00bb \u2032 \u2033\n",
    "norm-dashes.txt": "2019\u20132024 \u2014 2018\u22122020 \u2010\u2011\u2012\u2015 \ufe63\n",
    "norm-spaces.txt": "a\u00a0b\u2002c\u2003d\u2009e\u202ff\u3000g soft\u00adhyphen zero\u200bwidth\u200c\u200d\ufeff\u2060\n",
    "norm-mixed.txt": "EXPERIENCE\nHead of BI | Jan 2015 \u2013 Present\n7+ years of experience\n"
                      "EDUCATION\nBSc 2010\u20132014\n\ufb01nal \u201cKPI\u201d review\u00a0\u2014 25\u00a0%\n",
    # a profile export: field labels glued to the end of the line before
    "norm-export.txt": "Skills * SQL, Excel.Education Details \r\nMay 2014 to June 2018 BSc\r\n"
                       "Skill Details \r\nSQL- Exprience - 24 monthsCompany Details \r\n"
                       "company - Acme\r\ndescription - Jan 2019 to Present: KPI reports\r\n",
    # a jobs column under a sidebar's heading; statements with months
    "norm-statements.txt": "EDUCATION\nJane Doe\n2019, June  ACME, Ltd\n2021, August Sales Analyst\n"
                           "Built weekly KPI dashboards.\nSKILLS\n6 years 3 months of experience; "
                           "26 months of experience; Experience:- 1 Year 3 Months\n",
}


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                       pathlib.Path(__file__).resolve().parent / "corpus")
    docs = dict(docx_seeds())
    docs.update(odt_seeds())
    # The XML parts alone: fuzz-extract wraps XML input into a package
    # itself, so these let mutations reach the XML directly.
    xml = {}
    for name, data in list(docs.items()):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for part in ("word/document.xml", "word/document2.xml",
                         "word/styles.xml", "content.xml"):
                if part in z.namelist():
                    xml[name.rsplit(".", 1)[0] + "." + part.split("/")[-1]] = z.read(part)
    docs.update(xml)
    docs.update(HTML)
    docs.update(RTF)
    sets = {
        "documents": docs,  # for the extract and scan harnesses
        "pack": {k: v.encode() for k, v in PACKS.items()},
        "normalize": {k: v.encode() for k, v in NORMALIZE.items()},
    }
    for harness, files in sets.items():
        d = out / harness
        d.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            if isinstance(data, str):
                data = data.encode()
            (d / name).write_bytes(data)


if __name__ == "__main__":
    main()
