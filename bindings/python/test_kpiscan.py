"""Tests of the Python binding (unittest, standard library only).

Run from the build with the library named explicitly, as meson test does:
    KPISCAN_LIBRARY=build/lib/libkpiscan.so python3 -m unittest \
        discover -s bindings/python
KPISCAN_SOURCE_ROOT names the source tree (default: two levels up).
"""
import concurrent.futures
import datetime
import gc
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kpiscan  # noqa: E402

ROOT = os.environ.get("KPISCAN_SOURCE_ROOT") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
EXAMPLES = os.path.join(ROOT, "examples")
AS_OF = datetime.date(2026, 6, 1)  # the date examples/manifest.tsv holds for


class Refused(kpiscan.KpiscanError):
    """A subclass with arguments of its own (it must pickle too)."""

    def __init__(self, why):
        super().__init__(-1, why)


def _scan_with(pack, options, path):
    return pack.scan_path(path, options=options).level


def _scan_level(path):
    """A worker process's scan (module level, so that it pickles)."""
    return kpiscan.Pack().scan_path(path).level


def manifest():
    levels = {}
    with open(os.path.join(EXAMPLES, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 2 and not line.startswith("#"):
                levels[fields[0]] = fields[1]
    return levels


def _docx_with_comment(body, comment):
    """A minimal DOCX: one paragraph of body text and one comment."""
    import io
    import zipfile
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="'
            'application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{r}/officeDocument" Target="word/document.xml"/>'
            '</Relationships>',
        "word/_rels/document.xml.rels":
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{r}/comments" Target="comments.xml"/></Relationships>',
        "word/document.xml":
            f'<w:document xmlns:w="{w}"><w:body><w:p><w:r><w:t>{body}'
            '</w:t></w:r></w:p></w:body></w:document>',
        "word/comments.xml":
            f'<w:comments xmlns:w="{w}"><w:comment w:id="0"><w:p><w:r>'
            f'<w:t>{comment}</w:t></w:r></w:p></w:comment></w:comments>',
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return buf.getvalue()


class PackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = kpiscan.Pack()

    def test_identity(self):
        self.assertEqual(self.pack.name, "kpi")
        self.assertRegex(self.pack.hash, r"^[0-9a-f]{64}$")
        self.assertEqual(kpiscan.library_version().count("."), 2)

    def test_rules_are_python_objects(self):
        rules = self.pack.rules
        self.assertGreater(len(rules), 10)
        ids = {r.id for r in rules}
        self.assertIn("term.kpi", ids)
        for r in rules:
            self.assertIn(r.level, kpiscan.LEVELS)
            self.assertIsInstance(r.weight, float)
        self.pack.check_examples()

    def test_match_density(self):
        # No rule of the default pack matches at half the positions of
        # ordinary text; a single-class rule does.
        for i in range(len(self.pack.rules)):
            self.assertLess(self.pack.match_density(i), 50)
        every = kpiscan.Pack.from_string(
            "format: 1\nname: e\nversion: '1'\nrules:\n"
            "  - {id: e, category: term, level: none, weight: 1, "
            "regex: '\\w', description: d}\n")
        self.assertGreaterEqual(every.match_density(0), 60)
        with self.assertRaises(kpiscan.KpiscanError):
            every.match_density(1)

    def test_disable_rule(self):
        pack = kpiscan.Pack(disable=["term.kpi"])
        self.assertNotIn("term.kpi", {r.id for r in pack.rules})
        self.assertNotEqual(pack.hash, self.pack.hash)

    def test_unknown_rule_raises_with_library_message(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Pack(disable=["no.such.rule"])
        self.assertEqual(cm.exception.code, "not_found")
        self.assertIn("no.such.rule", str(cm.exception))

    def test_bad_pack_raises_with_position(self):
        bad = ("format: 1\nname: bad\nversion: '1'\nrules:\n"
               "  - id: broken.regex\n    category: term\n    level: none\n"
               "    weight: 1\n    regex: 'KPI(s'\n"
               "    description: A regex that does not compile.\n")
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Pack.from_string(bad, name="bad.yaml")
        e = cm.exception
        self.assertEqual(e.code, "pack_regex")
        self.assertEqual(e.status, -6)
        self.assertEqual(e.rule_id, "broken.regex")
        self.assertEqual(e.line, 9)
        self.assertTrue(str(e).startswith("bad.yaml:9:"), str(e))

    def test_missing_pack_file(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Pack(files=[os.path.join(ROOT, "no-such-pack.yaml")])
        self.assertEqual(cm.exception.code, "io")

    def test_single_string_where_a_list_goes_is_refused(self):
        # a str would be read one character per file or rule id
        for bad in ({"files": "mine.yaml"}, {"disable": "term.kpi"}):
            with self.subTest(bad=bad):
                with self.assertRaises(TypeError):
                    kpiscan.Pack(**bad)

    def test_pack_without_rules_warns(self):
        with self.assertWarns(RuntimeWarning) as cm:
            pack = kpiscan.Pack(default=False)
        self.assertEqual(pack.rules, [])
        self.assertEqual(cm.filename, __file__)  # the caller's line
        with self.assertWarns(RuntimeWarning) as cm:
            kpiscan.Pack.from_string("format: 1\nname: empty\nversion: '1'\n"
                                     "rules: []\n")
        self.assertEqual(cm.filename, __file__)

    def test_closed_pack_refuses_scans(self):
        pack = kpiscan.Pack()
        pack.close()
        with self.assertRaises(ValueError):
            pack.scan_bytes(b"KPI dashboards")


class ScanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pack = kpiscan.Pack()
        cls.options = kpiscan.Options(as_of=AS_OF)

    def test_every_example_gets_its_manifest_level(self):
        levels = manifest()
        self.assertGreater(len(levels), 3)
        for name, level in levels.items():
            with self.subTest(name=name):
                res = self.pack.scan_path(os.path.join(EXAMPLES, name),
                                          options=self.options)
                self.assertEqual(res.level, level)

    def test_result_fields(self):
        res = self.pack.scan_path(os.path.join(EXAMPLES, "senior-1.txt"),
                                  as_of="2026-06-01")
        self.assertEqual(res.level, "senior")
        self.assertEqual(res.format, "text")
        self.assertEqual(res.as_of, AS_OF)
        self.assertTrue(0.0 <= res.confidence <= 1.0)
        self.assertIsInstance(res.years, float)
        self.assertGreater(res.years, 5)
        self.assertEqual(set(res.scores), {"junior", "mid", "senior"})
        self.assertGreater(res.scores["senior"], res.scores["junior"])
        self.assertTrue(res.evidence)
        self.assertTrue(res.spans)
        raw = res.text.encode("utf-8")
        for ev in res.evidence:
            self.assertIsInstance(ev, kpiscan.Evidence)
            # Offsets are bytes of the UTF-8 text and give back the match.
            self.assertEqual(raw[ev.offset:ev.offset + ev.length].decode(),
                             ev.text)
            self.assertGreaterEqual(ev.line, 1)
            self.assertGreaterEqual(ev.column, 1)
            self.assertIn(ev.level, kpiscan.LEVELS)

    def test_rubric_steps_match_the_json_basis(self):
        for name in ("senior-1.txt", "junior-1.txt", "no-kpi.txt"):
            with self.subTest(example=name):
                res = self.pack.scan_path(os.path.join(EXAMPLES, name),
                                          as_of=AS_OF)
                basis = res.to_dict()["basis"]
                self.assertEqual(res.presence, basis["presence"])
                self.assertEqual(res.indicator_level,
                                 basis["indicator_level"])
                self.assertEqual(res.indicator_phrases,
                                 basis["indicator_phrases"])
                self.assertEqual(res.years_level, basis["years_level"])
        res = self.pack.scan_path(os.path.join(EXAMPLES, "no-kpi.txt"),
                                  as_of=AS_OF)
        self.assertEqual((res.presence, res.indicator_level,
                          res.indicator_phrases), ("none", None, 0))
        res = self.pack.scan_bytes(b"Tracked weekly KPIs for the team.\n")
        self.assertIsNone(res.years_level)
        self.assertIn(res.presence, ("weak", "strong"))

    def test_basis_and_pack_match_the_json(self):
        res = self.pack.scan_path(os.path.join(EXAMPLES, "mid-1.txt"),
                                  options=self.options)
        obj = res.to_dict()
        self.assertEqual(res.as_of_source, "option")
        self.assertEqual(res.as_of_source, obj["as_of_source"])
        self.assertEqual(res.years_rule, "from all dated jobs, merged")
        self.assertEqual(res.years_rule, obj["basis"]["years_rule"])
        self.assertEqual((res.pack_name, res.pack_version, res.pack_hash),
                         (self.pack.name, self.pack.version, self.pack.hash))
        self.assertEqual({"name": res.pack_name, "version": res.pack_version,
                          "hash": res.pack_hash}, obj["pack"])
        res = self.pack.scan_bytes(b"Tracked weekly KPIs for the team.\n")
        self.assertEqual((res.as_of_source, res.years_rule),
                         ("today", "no years found"))

    def test_explain_is_the_cli_text(self):
        path = os.path.join(EXAMPLES, "mid-1.txt")
        res = self.pack.scan_path(path, as_of=AS_OF)
        text = res.explain()
        self.assertIn("Rubric steps", text)
        self.assertIn("Decision: " + res.reason, text)
        cli = os.environ.get("KPISCAN_CLI")  # set by meson test
        if cli:
            out = subprocess.run(
                [cli, "--explain", "--as-of", AS_OF.isoformat(), path],
                check=True, stdout=subprocess.PIPE).stdout.decode("utf-8")
            self.assertIn(text.splitlines()[1], out)
            self.assertIn(text.split("Evidence:", 1)[1], out)
        # the scan's options decide excerpts, as for to_json()
        quiet = self.pack.scan_path(path, as_of=AS_OF, excerpts=False)
        self.assertTrue(quiet.evidence)
        for ev in quiet.evidence:
            self.assertNotIn('"' + ev.text, quiet.explain())
        self.assertIn('"' + res.evidence[0].text, text)
        res.close()
        with self.assertRaises(ValueError):
            res.explain()

    def test_every_result_accessor_of_the_header_is_bound(self):
        """Each kpiscan_result_NAME of include/kpiscan.h is declared to
        ctypes, so a new accessor cannot be forgotten here."""
        import re
        with open(os.path.join(ROOT, "include", "kpiscan.h"),
                  encoding="utf-8") as f:
            names = set(re.findall(r"\b(kpiscan_result_\w+)\(", f.read()))
        self.assertGreaterEqual(len(names), 30)
        self.assertEqual(sorted(names - set(kpiscan._PROTOTYPES)), [])

    def test_spans_match_the_json_timeline(self):
        res = self.pack.scan_path(os.path.join(EXAMPLES, "junior-1.txt"),
                                  options=self.options)
        timeline = res.to_dict()["timeline"]
        self.assertEqual(len(res.spans), len(timeline))
        self.assertTrue(any(sp.open_ended and sp.kpi_job for sp in res.spans))
        for sp, item in zip(res.spans, timeline):
            with self.subTest(line=sp.line):
                self.assertEqual(sp.statement, item["kind"] == "statement")
                self.assertEqual(sp.open_ended, item.get("open_ended", False))
                self.assertEqual(sp.kpi_job, item.get("kpi_job", False))
                self.assertEqual(sp.job, item.get("job"))
                self.assertEqual(sp.section, item["section"] or "")

    def test_bytes_and_path_agree(self):
        path = os.path.join(EXAMPLES, "mid-1.txt")
        with open(path, "rb") as f:
            data = f.read()
        a = self.pack.scan_path(path, options=self.options)
        b = self.pack.scan_bytes(bytearray(data), name="upload.txt",
                                 options=self.options)
        self.assertEqual(b.name, "upload.txt")
        self.assertEqual((a.level, a.confidence, a.years),
                         (b.level, b.confidence, b.years))
        self.assertEqual([e.rule_id for e in a.evidence],
                         [e.rule_id for e in b.evidence])

    def test_years_none_without_dates(self):
        res = self.pack.scan_bytes(b"Tracked weekly KPIs for the team.\n")
        self.assertIsNone(res.years)
        self.assertEqual(res.spans, [])

    def test_json_matches_accessors(self):
        res = self.pack.scan_path(os.path.join(EXAMPLES, "junior-1.txt"),
                                  options=self.options)
        line = res.to_json()
        self.assertNotIn("\n", line)
        obj = json.loads(line)
        self.assertEqual(obj["schema"], 2)
        self.assertEqual(obj["level"], res.level)
        self.assertEqual(len(obj["evidence"]), len(res.evidence))
        self.assertEqual(res.to_dict(), obj)
        self.assertIn("\n", res.to_json(pretty=True))

    def test_no_excerpts_leaves_words_out_of_json(self):
        res = self.pack.scan_path(os.path.join(EXAMPLES, "junior-1.txt"),
                                  as_of=AS_OF, excerpts=False)
        text = res.to_json()
        for ev in res.evidence:
            self.assertNotIn(json.dumps(ev.text), text)
        self.assertTrue(res.evidence[0].text)  # accessors keep the text

    def test_binary_raises_not_text(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
                                 name="a.out")
        e = cm.exception
        self.assertEqual(e.code, "not_text")
        self.assertEqual(e.file, "a.out")
        self.assertIn("not a text document", str(e))

    def test_empty_and_missing(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(b"")
        self.assertEqual(cm.exception.code, "empty")
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_path(os.path.join(EXAMPLES, "no-such-file.txt"))
        self.assertEqual(cm.exception.code, "io")

    def test_limit_raises_limit(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_path(os.path.join(EXAMPLES, "senior-1.txt"),
                                max_input_bytes=100)
        self.assertEqual(cm.exception.code, "limit")
        self.assertIn("100", str(cm.exception))
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_path(os.path.join(EXAMPLES, "senior-1.txt"),
                                max_text_bytes=64)
        self.assertEqual(cm.exception.code, "limit")

    def test_evidence_limit_keeps_first_items_and_flags(self):
        path = os.path.join(EXAMPLES, "senior-1.txt")
        full = self.pack.scan_path(path, as_of=AS_OF)
        cut = self.pack.scan_path(path, as_of=AS_OF, max_evidence=3)
        self.assertGreater(len(full.evidence), 3)
        self.assertEqual(len(cut.evidence), 3)
        flags = {f["id"]: f for f in json.loads(cut.to_json())["red_flags"]}
        self.assertEqual(flags["evidence-limit"]["count"],
                         len(full.evidence) - 3)
        self.assertEqual(
            [(f.id, f.message, f.line, f.items) for f in cut.red_flags],
            [(f["id"], f["message"], f.get("line", 0), f.get("count", 0))
             for f in json.loads(cut.to_json())["red_flags"]])
        self.assertEqual(
            [(q.level, q.question, q.answer) for q in full.questions],
            [(q["level"], q["question"], q.get("expected_answer"))
             for q in json.loads(full.to_json())["questions"]])
        self.assertTrue(full.questions)

    def test_format_hint_never_overrides_content(self):
        path = os.path.join(EXAMPLES, "mid-2.txt")
        res = self.pack.scan_path(path, as_of=AS_OF, format_hint="docx")
        self.assertEqual(res.format, "text")
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(b"%PDF-1.7\n" + b"x" * 200,
                                 format_hint="text")
        # Read as a PDF (no PDF structure in it), never as text.
        self.assertIn(cm.exception.code, ("corrupt", "unsupported_format"))

    @unittest.skipUnless(os.environ.get("KPISCAN_PDF_HELPER"),
                         "built without PDF support")
    def test_pdf(self):
        import importlib.util
        import tempfile
        spec = importlib.util.spec_from_file_location(
            "make_pdfs", os.path.join(ROOT, "tests", "pdf", "make-pdfs.py"))
        make_pdfs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(make_pdfs)
        fx = make_pdfs.fixtures()
        res = self.pack.scan_bytes(fx["hidden-white.pdf"], as_of=AS_OF)
        self.assertEqual(res.format, "pdf")
        self.assertIn("hidden-text", [f.id for f in res.red_flags])
        hidden = [e for e in res.evidence if e.hidden]
        self.assertTrue(hidden)
        self.assertEqual(hidden[0].part, "page 1")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "cv.pdf")
            with open(path, "wb") as f:
                f.write(fx["plain.pdf"])
            res = self.pack.scan_path(path, as_of=AS_OF)
            self.assertIn("KPI dashboard", res.text)
            self.assertEqual(res.hidden_count, 0)
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(fx["encrypted-user.pdf"])
        self.assertEqual(cm.exception.code, "encrypted")
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(fx["plain.pdf"], pdf_helper="/nonexistent")
        self.assertEqual(cm.exception.code, "helper")
        self.assertIn("PDF helper missing", str(cm.exception))
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_bytes(fx["many-pages.pdf"], max_pdf_pages=10)
        self.assertEqual(cm.exception.code, "limit")

    def test_every_options_setter_of_the_header_is_an_option(self):
        """Each kpiscan_options_set_NAME of include/kpiscan.h is declared
        to ctypes and accepted as Options(NAME=...)."""
        import inspect
        import re
        with open(os.path.join(ROOT, "include", "kpiscan.h"),
                  encoding="utf-8") as f:
            names = re.findall(r"\bkpiscan_options_set_(\w+)\(", f.read())
        self.assertGreaterEqual(len(names), 19)
        params = set(inspect.signature(kpiscan.Options).parameters)
        for name in names:
            with self.subTest(setter=name):
                self.assertTrue("kpiscan_options_set_" + name in
                                kpiscan._PROTOTYPES, "not declared")
                self.assertTrue(name in params or
                                name in kpiscan.Options._LIMITS)

    def test_gaps_are_reported_on_request(self):
        path = os.path.join(EXAMPLES, "junior-1.txt")
        plain = self.pack.scan_path(path, as_of=AS_OF)
        with_gaps = self.pack.scan_path(path, as_of=AS_OF, gaps=True)
        self.assertNotIn("gaps", plain.to_dict())
        self.assertEqual(with_gaps.to_dict()["gaps"],
                         [{"start": "2024-09", "end": "2024-12",
                           "months": 4}])
        # The binding has them either way, as the JSON gives them.
        for res in (plain, with_gaps):
            self.assertEqual(res.gaps, [kpiscan.Interval(202409, 202412, 4)])
            self.assertEqual(
                [{"start": f"{e.start // 100:04d}-{e.start % 100:02d}",
                  "end": f"{e.end // 100:04d}-{e.end % 100:02d}",
                  "months": e.months} for e in res.employment],
                res.to_dict()["employment"])
            self.assertEqual(len(res.employment), 2)
        # Facts only: the estimate is the same.
        self.assertEqual((with_gaps.level, with_gaps.confidence,
                          with_gaps.scores),
                         (plain.level, plain.confidence, plain.scores))
        self.assertEqual(repr(kpiscan.Options(gaps=True)),
                         "Options(gaps=True)")

    def test_include_comments_reads_docx_comments(self):
        data = _docx_with_comment("Analyst. Built reports for sales.",
                                  "Reviewer: owns the KPI dashboard")
        plain = self.pack.scan_bytes(data, name="cv.docx", as_of=AS_OF)
        self.assertEqual(plain.format, "docx")
        self.assertNotIn("KPI dashboard", plain.text)
        self.assertNotIn("word/comments.xml", [e.part for e in plain.evidence])
        opts = kpiscan.Options(as_of=AS_OF, include_comments=True)
        commented = self.pack.scan_bytes(data, name="cv.docx", options=opts)
        self.assertIn("Reviewer: owns the KPI dashboard", commented.text)
        self.assertIn("word/comments.xml",
                      [e.part for e in commented.evidence])

    def test_format_hint_takes_an_extension(self):
        for hint in (".DOCX", "Docx", "txt", ".pdf", "HTML", ""):
            with self.subTest(hint=hint):
                kpiscan.Options(format_hint=hint)

    def test_invalid_options(self):
        for bad in ({"format_hint": "xls"}, {"as_of": "2026-02-30"},
                    {"max_input_bytes": 0}, {"max_ratio": -1},
                    {"as_of": datetime.date(1800, 1, 1)}):
            with self.subTest(bad=bad):
                with self.assertRaises((kpiscan.KpiscanError, ValueError)):
                    kpiscan.Options(**bad)
        with self.assertRaises(TypeError):
            kpiscan.Options(max_bogus=3)
        with self.assertRaises(TypeError):
            self.pack.scan_bytes(b"x", options=self.options, as_of=AS_OF)

    def test_limits_keep_to_the_c_type(self):
        # ctypes would wrap 2**64 + 1000 to 1000
        for bad in ({"max_input_bytes": 2 ** 64 + 1000},
                    {"max_pdf_pages": 2 ** 32 + 1}, {"max_evidence": True}):
            with self.subTest(bad=bad):
                with self.assertRaises(kpiscan.KpiscanError) as cm:
                    kpiscan.Options(**bad)
                self.assertIn("must be an integer from 1 to", str(cm.exception))
        kpiscan.Options(max_pdf_pages=2 ** 32 - 1)

    def test_invalid_options_say_what_is_allowed(self):
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Options(as_of="1899-01-01")
        self.assertIn("1950-01-01 to 2200-12-31", str(cm.exception))
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Options(pdf_memory_limit=1000)
        self.assertIn("64 MiB", str(cm.exception))
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            kpiscan.Options(format_hint="xyz")
        self.assertIn('"docx"', str(cm.exception))

    def test_a_name_that_is_not_utf8_opens_its_file_again(self):
        with tempfile.TemporaryDirectory() as tmp:
            raw = os.path.join(os.fsencode(tmp), b"cv-\xe9t\xe9.txt")
            with open(os.path.join(EXAMPLES, "mid-1.txt"), "rb") as src, \
                    open(raw, "wb") as dst:
                dst.write(src.read())
            res = self.pack.scan_path(raw, options=self.options)
            self.assertEqual(res.level, "mid")
            # os.fsdecode, not U+FFFD: the name still names the file
            self.assertNotIn("\ufffd", res.name)
            self.assertEqual(os.fsencode(res.name), raw)
            self.assertTrue(os.path.exists(res.name))
            missing = os.path.join(os.fsencode(tmp), b"gone-\xff.txt")
            with self.assertRaises(kpiscan.KpiscanError) as cm:
                self.pack.scan_path(missing)
            self.assertEqual(os.fsencode(cm.exception.file), missing)

    def test_nul_in_a_path_or_name_is_refused(self):
        path = os.path.join(EXAMPLES, "junior-1.txt")
        with self.assertRaises(ValueError):
            self.pack.scan_path(path + "\0.pdf")
        with self.assertRaises(ValueError):
            self.pack.scan_bytes(b"Tracked KPIs", name="cv\0.txt")
        with self.assertRaises(ValueError):
            self.pack.scan_records([path, path + "\0.pdf"])
        with self.assertRaises(TypeError):
            self.pack.scan_records(path)
        with self.assertRaises(TypeError):  # one pair, not a list of them
            self.pack.scan_records(("cv.txt", b"Tracked KPIs"))
        with self.assertRaises(ValueError):
            kpiscan.Pack(disable=["term.kpi\0x"])
        with self.assertRaises(ValueError):
            kpiscan.Options(format_hint="txt\0x")

    def test_errors_pickle_and_results_refuse_to(self):
        import copy
        import pickle
        with self.assertRaises(kpiscan.KpiscanError) as cm:
            self.pack.scan_path(os.path.join(EXAMPLES, "no-such-cv.txt"))
        back = pickle.loads(pickle.dumps(cm.exception))
        self.assertEqual((str(back), back.code, back.file, back.status),
                         (str(cm.exception), cm.exception.code,
                          cm.exception.file, cm.exception.status))
        back = pickle.loads(pickle.dumps(Refused("no")))
        self.assertEqual((str(back), back.status), ("no", -1))
        res = self.pack.scan_bytes(b"Tracked KPIs", options=self.options)
        for how in (pickle.dumps, copy.copy, copy.deepcopy):
            with self.subTest(how=how.__name__):
                with self.assertRaises(TypeError):
                    how(res)

    def test_options_and_packs_travel_to_other_processes(self):
        """An Options or a Pack pickled (a process pool's argument) or
        copied is rebuilt from its settings or arguments: carrying the
        library's address along crashed the process that used it."""
        import copy
        import pickle
        opts = kpiscan.Options(as_of=AS_OF, max_input_bytes=100)
        for how in (lambda o: pickle.loads(pickle.dumps(o)), copy.copy,
                    copy.deepcopy):
            other = how(opts)
            self.assertIsNot(other, opts)
            self.assertNotEqual(other._ptr, opts._ptr)
            self.assertEqual(other.settings, opts.settings)
        del opts
        gc.collect()
        with self.assertRaises(kpiscan.KpiscanError) as cm:  # its own limit
            self.pack.scan_bytes(b"Tracked KPIs weekly " * 10, options=other)
        self.assertEqual(cm.exception.code, "limit")
        pack = kpiscan.Pack(disable=["term.kpi"])
        back = pickle.loads(pickle.dumps(pack))
        self.assertEqual((back.hash, len(back.rules)),
                         (pack.hash, len(pack.rules)))
        self.assertIs(copy.copy(pack), pack)  # immutable: the same pack
        with concurrent.futures.ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn")) as pool:
            level = pool.submit(_scan_with, back, kpiscan.Options(as_of=AS_OF),
                                os.path.join(EXAMPLES, "mid-1.txt"))
            self.assertEqual(level.result(timeout=120), "mid")

    def test_close_waits_for_running_scans(self):
        """close() while other threads scan waits for them; it crashed the
        interpreter when it freed the pack under them."""
        pack = kpiscan.Pack()
        paths = [os.path.join(EXAMPLES, n) for n in sorted(manifest())] * 10
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            futures = [pool.submit(pack.scan_path, p, options=self.options)
                       for p in paths]
            futures[0].result(timeout=60)
            pack.close()
            done = 0
            for f in futures:
                try:
                    f.result(timeout=60)
                    done += 1
                except ValueError as e:  # started after close()
                    self.assertIn("pack is closed", str(e))
        self.assertGreaterEqual(done, 1)
        with self.assertRaises(ValueError):
            pack.scan_path(paths[0])

    def test_a_refused_file_in_a_process_pool_is_the_error(self):
        with concurrent.futures.ProcessPoolExecutor(1) as pool:
            future = pool.submit(_scan_level,
                                 os.path.join(EXAMPLES, "no-such-cv.txt"))
            with self.assertRaises(kpiscan.KpiscanError) as cm:
                future.result(timeout=60)
        self.assertEqual(cm.exception.code, "io")

    def test_threads_share_one_pack(self):
        paths = [os.path.join(EXAMPLES, n) for n in sorted(manifest())] * 8
        expected = {p: self.pack.scan_path(p, options=self.options).level
                    for p in set(paths)}
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            levels = list(pool.map(
                lambda p: self.pack.scan_path(p, options=self.options).level,
                paths))
        self.assertEqual(levels, [expected[p] for p in paths])

    def test_scan_records_are_batch_records(self):
        """scan_records: one JSON record per input in input order, the
        result's JSON for a document, an error record (not an exception)
        for a missing or corrupt one; sha256=True adds hashlib's digest."""
        import hashlib
        path = os.path.join(EXAMPLES, "mid-1.txt")
        with open(path, "rb") as f:
            data = f.read()
        inputs = [path, "/nonexistent/cv.txt", ("blob.txt", data),
                  ("bad.docx", b"PK\x03\x04" + b"\x00" * 30)]
        records = [json.loads(r) for r in self.pack.scan_records(
            inputs, options=kpiscan.Options(as_of=AS_OF, sha256=True),
            jobs=2)]
        self.assertEqual([r["file"] for r in records],
                         [path, "/nonexistent/cv.txt", "blob.txt",
                          "bad.docx"])
        self.assertEqual([r["status"] for r in records],
                         ["ok", "error", "ok", "error"])
        digest = hashlib.sha256(data).hexdigest()
        self.assertEqual(records[0]["sha256"], digest)
        self.assertEqual(records[2]["sha256"], digest)
        self.assertNotIn("sha256", records[1])
        self.assertEqual(records[3]["sha256"], hashlib.sha256(
            inputs[3][1]).hexdigest())
        single = self.pack.scan_path(path, options=self.options).to_dict()
        del records[0]["sha256"]
        self.assertEqual(records[0], single)
        plain = self.pack.scan_records([path], as_of=AS_OF)
        self.assertNotIn("sha256", json.loads(plain[0]))

    def test_scan_records_shard(self):
        names = [f"cv-{i}.txt" for i in range(30)]
        inputs = [(n, b"Tracked KPIs weekly") for n in names]
        seen = []
        for k in (1, 2, 3):
            for r in self.pack.scan_records(inputs, shard=(k, 3)):
                name = json.loads(r)["file"]
                self.assertEqual(kpiscan.shard_of(name, 3), k)
                seen.append(name)
        self.assertEqual(sorted(seen), sorted(names))
        with self.assertRaises(kpiscan.KpiscanError):
            self.pack.scan_records(inputs, shard=(4, 3))
        # beyond the C type: refused, not wrapped (2**32 + 2 was 2)
        with self.assertRaises(ValueError):
            self.pack.scan_records(inputs, shard=(1, 2 ** 32 + 2))
        for n in (0, -1, 2 ** 33):
            with self.assertRaises(ValueError):
                kpiscan.shard_of("a", n)
        with self.assertRaises(TypeError):
            kpiscan.Options(as_of=20260601)
        with self.assertRaisesRegex(ValueError, "as_of '2026/06/01'"):
            kpiscan.Options(as_of="2026/06/01")

    def test_results_outlive_their_pack(self):
        pack = kpiscan.Pack()
        res = pack.scan_path(os.path.join(EXAMPLES, "mid-1.txt"),
                             options=self.options)
        del pack
        gc.collect()
        self.assertEqual(json.loads(res.to_json())["level"], res.level)
        res.close()
        with self.assertRaises(ValueError):
            res.to_json()
        self.assertEqual(res.level, "mid")  # Python attributes stay


class InstalledLibraryTest(unittest.TestCase):
    """A binding that meson install put in a prefix names the library that
    install put there (kpiscan/_install.py), used when it exists."""

    def test_install_file_names_the_library(self):
        import types
        library = os.environ.get("KPISCAN_LIBRARY")
        if not library:
            self.skipTest("KPISCAN_LIBRARY names no built library")
        installed = types.ModuleType("kpiscan._install")
        installed.LIBRARY = library
        saved = sys.modules.get("kpiscan._install")
        sys.modules["kpiscan._install"] = installed
        try:
            self.assertEqual(kpiscan._installed_library(), library)
            installed.LIBRARY = "/nonexistent/libkpiscan.so.0"
            self.assertIsNone(kpiscan._installed_library())
        finally:
            if saved is None:
                del sys.modules["kpiscan._install"]
            else:
                sys.modules["kpiscan._install"] = saved

    def test_no_install_file(self):
        # the source tree (and a pip install) holds no _install module
        self.assertNotIn("kpiscan._install", sys.modules)
        self.assertIsNone(kpiscan._installed_library())


if __name__ == "__main__":
    unittest.main()
