"""kpiscan - Python binding of libkpiscan, the resume KPI scanner.

Pure standard library (ctypes): no build step, no third-party packages.
Load a pack once, then scan paths or bytes; every result is plain Python
objects.  Errors of the library are raised as KpiscanError carrying the
library's own message.

    import datetime, kpiscan
    pack = kpiscan.Pack()                         # the default KPI pack
    result = pack.scan_path("cv.txt", as_of=datetime.date(2026, 6, 1))
    print(result.level, result.confidence, result.years)
    for ev in result.evidence:
        print(ev.line, ev.column, ev.rule_id, ev.text)

The shared library is found through the KPISCAN_LIBRARY environment
variable (a path), else, for a binding installed by meson install, the
library that install put in its prefix, else
ctypes.util.find_library("kpiscan"), else the soname libkpiscan.so.0 on
the loader's default path.

Threads: a Pack and an Options object may be shared by any number of
threads; ctypes releases the GIL while the library scans, so scans on
several threads really run at once (building each Result holds the GIL:
for many plain-text resumes, Pack.scan_records(jobs=N) is faster).  A
Result is read-only by contract: its attributes are plain Python values,
and changing one changes nothing in the library's copy (to_json(),
explain()).
"""

import contextlib
import ctypes
import ctypes.util
import datetime
import json
import os
import sys
import threading
import warnings
import weakref
from dataclasses import dataclass
from typing import List, Optional

__all__ = [
    "KpiscanError", "Pack", "Options", "Result", "Evidence", "Span", "Rule",
    "RedFlag", "Question", "Interval",
    "LEVELS", "library_version", "shard_of",
]

# The binding's own version, which is the project's (meson.build and
# pyproject.toml; tests/python-package checks all three agree).  The
# library it loaded says its own: library_version().
__version__ = "0.1.0"

LEVELS = ("none", "junior", "mid", "senior")
_SONAME = "libkpiscan.so.0"

_c_void_p = ctypes.c_void_p
_c_char_p = ctypes.c_char_p
_c_size_t = ctypes.c_size_t
_c_int = ctypes.c_int
_c_uint = ctypes.c_uint
_c_ulong = ctypes.c_ulong
_c_long = ctypes.c_long
_c_double = ctypes.c_double
_P = ctypes.POINTER

# name: (restype, argtypes).  Every function used is declared, so ctypes
# never guesses int for a pointer or size_t (which truncates on 64-bit).
_PROTOTYPES = {
    "kpiscan_version": (_c_char_p, []),
    "kpiscan_version_number": (_c_int, []),
    "kpiscan_strerror": (_c_char_p, [_c_int]),
    "kpiscan_status_name": (_c_char_p, [_c_int]),
    "kpiscan_free": (None, [_c_void_p]),
    "kpiscan_error_new": (_c_void_p, []),
    "kpiscan_error_free": (None, [_c_void_p]),
    "kpiscan_error_status": (_c_int, [_c_void_p]),
    "kpiscan_error_message": (_c_char_p, [_c_void_p]),
    "kpiscan_error_file": (_c_char_p, [_c_void_p]),
    "kpiscan_error_line": (_c_size_t, [_c_void_p]),
    "kpiscan_error_column": (_c_size_t, [_c_void_p]),
    "kpiscan_error_rule_id": (_c_char_p, [_c_void_p]),
    "kpiscan_error_reason": (_c_char_p, [_c_void_p]),
    "kpiscan_level_name": (_c_char_p, [_c_int]),
    "kpiscan_category_name": (_c_char_p, [_c_int]),
    "kpiscan_pack_builder_new": (_c_void_p, []),
    "kpiscan_pack_builder_free": (None, [_c_void_p]),
    "kpiscan_pack_builder_add_default": (_c_int, [_c_void_p, _c_void_p]),
    "kpiscan_pack_builder_add_file": (_c_int, [_c_void_p, _c_char_p, _c_void_p]),
    "kpiscan_pack_builder_add_buffer": (
        _c_int, [_c_void_p, _c_char_p, _c_size_t, _c_char_p, _c_void_p]),
    "kpiscan_pack_builder_disable_rule": (
        _c_int, [_c_void_p, _c_char_p, _c_void_p]),
    "kpiscan_pack_builder_build": (_c_int, [_c_void_p, _P(_c_void_p), _c_void_p]),
    "kpiscan_pack_free": (None, [_c_void_p]),
    "kpiscan_pack_name": (_c_char_p, [_c_void_p]),
    "kpiscan_pack_version": (_c_char_p, [_c_void_p]),
    "kpiscan_pack_hash": (_c_char_p, [_c_void_p]),
    "kpiscan_pack_rule_count": (_c_size_t, [_c_void_p]),
    "kpiscan_pack_rule_id": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_category": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_level": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_weight": (_c_double, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_regex": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_description": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_pack_rule_source": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_pack_check_examples": (_c_int, [_c_void_p, _c_void_p]),
    "kpiscan_pack_rule_match_density": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_new": (_c_void_p, []),
    "kpiscan_options_free": (None, [_c_void_p]),
    "kpiscan_options_set_as_of": (_c_int, [_c_void_p, _c_int, _c_int, _c_int]),
    "kpiscan_options_set_max_input_bytes": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_match_limit": (_c_int, [_c_void_p, _c_ulong]),
    "kpiscan_options_set_excerpts": (_c_int, [_c_void_p, _c_int]),
    "kpiscan_options_set_gaps": (_c_int, [_c_void_p, _c_int]),
    "kpiscan_options_set_include_comments": (_c_int, [_c_void_p, _c_int]),
    "kpiscan_options_set_max_text_bytes": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_max_zip_entries": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_max_part_bytes": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_max_total_bytes": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_max_ratio": (_c_int, [_c_void_p, _c_uint]),
    "kpiscan_options_set_max_xml_depth": (_c_int, [_c_void_p, _c_uint]),
    "kpiscan_options_set_max_evidence": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_format_hint": (_c_int, [_c_void_p, _c_char_p]),
    "kpiscan_options_set_pdf_helper": (_c_int, [_c_void_p, _c_char_p]),
    "kpiscan_options_set_pdf_timeout": (_c_int, [_c_void_p, _c_ulong]),
    "kpiscan_options_set_pdf_memory_limit": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_options_set_max_pdf_pages": (_c_int, [_c_void_p, _c_uint]),
    "kpiscan_options_set_sha256": (_c_int, [_c_void_p, _c_int]),
    "kpiscan_batch_new": (_c_int, [_c_void_p, _c_void_p, _c_uint, _c_uint,
                                   _c_void_p, _c_void_p, _P(_c_void_p),
                                   _c_void_p]),
    "kpiscan_batch_add_path": (_c_int, [_c_void_p, _c_char_p, _c_uint,
                                        _c_void_p]),
    "kpiscan_batch_add_buffer": (_c_int, [_c_void_p, _c_char_p, _c_size_t,
                                          _c_char_p, _c_void_p]),
    "kpiscan_batch_set_shard": (_c_int, [_c_void_p, _c_uint, _c_uint,
                                         _c_void_p]),
    "kpiscan_batch_finish": (_c_int, [_c_void_p]),
    "kpiscan_batch_free": (None, [_c_void_p]),
    "kpiscan_shard_of": (_c_uint, [_c_char_p, _c_uint]),
    "kpiscan_record_json": (_c_char_p, [_c_void_p]),
    "kpiscan_record_skipped": (_c_int, [_c_void_p]),
    "kpiscan_scan_buffer": (_c_int, [_c_void_p, _c_void_p, _c_char_p, _c_size_t,
                                     _c_char_p, _P(_c_void_p), _c_void_p]),
    "kpiscan_scan_file": (_c_int, [_c_void_p, _c_void_p, _c_char_p,
                                   _P(_c_void_p), _c_void_p]),
    "kpiscan_result_free": (None, [_c_void_p]),
    "kpiscan_result_name": (_c_char_p, [_c_void_p]),
    "kpiscan_result_format": (_c_char_p, [_c_void_p]),
    "kpiscan_result_level": (_c_int, [_c_void_p]),
    "kpiscan_result_confidence": (_c_double, [_c_void_p]),
    "kpiscan_result_score": (_c_double, [_c_void_p, _c_int]),
    "kpiscan_result_years": (_c_double, [_c_void_p]),
    "kpiscan_result_dated_years": (_c_double, [_c_void_p]),
    "kpiscan_result_stated_years": (_c_double, [_c_void_p]),
    "kpiscan_result_kpi_years": (_c_double, [_c_void_p]),
    "kpiscan_result_as_of": (_c_long, [_c_void_p]),
    "kpiscan_result_as_of_source": (_c_char_p, [_c_void_p]),
    "kpiscan_result_years_rule": (_c_char_p, [_c_void_p]),
    "kpiscan_result_pack_name": (_c_char_p, [_c_void_p]),
    "kpiscan_result_pack_version": (_c_char_p, [_c_void_p]),
    "kpiscan_result_pack_hash": (_c_char_p, [_c_void_p]),
    "kpiscan_result_reason": (_c_char_p, [_c_void_p]),
    "kpiscan_result_presence": (_c_int, [_c_void_p]),
    "kpiscan_presence_name": (_c_char_p, [_c_int]),
    "kpiscan_result_indicator_level": (_c_int, [_c_void_p]),
    "kpiscan_result_indicator_phrases": (_c_size_t, [_c_void_p]),
    "kpiscan_result_years_level": (_c_int, [_c_void_p]),
    "kpiscan_result_explain": (_c_void_p, [_c_void_p, _c_void_p]),
    "kpiscan_result_text": (_c_void_p, [_c_void_p, _P(_c_size_t)]),
    "kpiscan_result_hidden_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_flag_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_flag_id": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_flag_message": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_flag_line": (_c_size_t, [_c_void_p, _c_size_t]),
    "kpiscan_result_flag_items": (_c_size_t, [_c_void_p, _c_size_t]),
    "kpiscan_result_question_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_question": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_question_level": (_c_int, [_c_void_p, _c_size_t]),
    "kpiscan_result_question_answer": (_c_char_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_evidence_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_evidence": (_c_void_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_employment_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_employment": (_c_int, [_c_void_p, _c_size_t, _P(_c_long),
                                           _P(_c_long)]),
    "kpiscan_result_gap_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_gap": (_c_int, [_c_void_p, _c_size_t, _P(_c_long),
                                    _P(_c_long)]),
    "kpiscan_result_span_count": (_c_size_t, [_c_void_p]),
    "kpiscan_result_span": (_c_void_p, [_c_void_p, _c_size_t]),
    "kpiscan_result_to_json": (_c_void_p, [_c_void_p, _c_void_p, _c_uint]),
    "kpiscan_evidence_rule_id": (_c_char_p, [_c_void_p]),
    "kpiscan_evidence_category": (_c_int, [_c_void_p]),
    "kpiscan_evidence_level": (_c_int, [_c_void_p]),
    "kpiscan_evidence_weight": (_c_double, [_c_void_p]),
    "kpiscan_evidence_contribution": (_c_double, [_c_void_p]),
    "kpiscan_evidence_text": (_c_char_p, [_c_void_p]),
    "kpiscan_evidence_offset": (_c_size_t, [_c_void_p]),
    "kpiscan_evidence_length": (_c_size_t, [_c_void_p]),
    "kpiscan_evidence_line": (_c_size_t, [_c_void_p]),
    "kpiscan_evidence_column": (_c_size_t, [_c_void_p]),
    "kpiscan_evidence_section": (_c_char_p, [_c_void_p]),
    "kpiscan_evidence_hidden": (_c_int, [_c_void_p]),
    "kpiscan_evidence_part": (_c_char_p, [_c_void_p]),
    "kpiscan_evidence_paragraph": (_c_size_t, [_c_void_p]),
    "kpiscan_span_is_statement": (_c_int, [_c_void_p]),
    "kpiscan_span_start": (_c_long, [_c_void_p]),
    "kpiscan_span_end": (_c_long, [_c_void_p]),
    "kpiscan_span_years": (_c_double, [_c_void_p]),
    "kpiscan_span_counted": (_c_int, [_c_void_p]),
    "kpiscan_span_text": (_c_char_p, [_c_void_p]),
    "kpiscan_span_line": (_c_size_t, [_c_void_p]),
    "kpiscan_span_column": (_c_size_t, [_c_void_p]),
    "kpiscan_span_open_ended": (_c_int, [_c_void_p]),
    "kpiscan_span_kpi_job": (_c_int, [_c_void_p]),
    "kpiscan_span_job": (_c_char_p, [_c_void_p]),
    "kpiscan_span_section": (_c_char_p, [_c_void_p]),
}

_KPISCAN_OK = 0
_KPISCAN_ERR_NOMEM = -1
_KPISCAN_ERR_ARGUMENT = -2
_KPISCAN_ERR_PACK_INVALID = -5
_JSON_PRETTY = 1
_BATCH_RENDER_JSON = 2
# void (*kpiscan_record_fn)(const kpiscan_record *rec, void *user)
_RECORD_FN = ctypes.CFUNCTYPE(None, _c_void_p, _c_void_p)

_lib = None
_lib_lock = threading.Lock()


def _installed_library():
    """The library a meson install put beside this binding, if it is there
    (a pip-installed binding has no _install module)."""
    try:
        from . import _install
    except ImportError:
        return None
    return _install.LIBRARY if os.path.exists(_install.LIBRARY) else None


def _library():
    """The loaded library, loaded on first use (so KPISCAN_LIBRARY may be set
    after import)."""
    global _lib
    with _lib_lock:
        if _lib is None:
            path = (os.environ.get("KPISCAN_LIBRARY") or _installed_library()
                    or ctypes.util.find_library("kpiscan") or _SONAME)
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                raise OSError(
                    f"kpiscan: cannot load libkpiscan ({path}): {e}; install "
                    f"it or set KPISCAN_LIBRARY to its path") from e
            for name, (restype, argtypes) in _PROTOTYPES.items():
                fn = getattr(lib, name)
                fn.restype = restype
                fn.argtypes = argtypes
            _lib = lib
        return _lib


def _str(raw):
    """A const char * of the library as str (None stays None)."""
    return None if raw is None else raw.decode("utf-8", "replace")


def _path(raw):
    """A file name of the library as Python names files (os.fsdecode): a
    byte that is not UTF-8 survives as a surrogate escape, so the name
    opens the same file again, where U+FFFD would not."""
    return None if raw is None else os.fsdecode(raw)


def shard_of(path, n):
    """The shard (1..n) of a path, as --shard and Pack.scan_records(shard=)
    choose it: FNV-1a 64 of the path's bytes, mod n, plus one."""
    # ctypes would wrap an n beyond the C type (2**32 + 2 became 2).
    if isinstance(n, bool) or not isinstance(n, int) or \
            not 1 <= n <= 0xFFFFFFFF:
        raise ValueError(f"shard_of: n must be an integer from 1 to "
                         f"{0xFFFFFFFF}, not {n!r}")
    return _library().kpiscan_shard_of(os.fsencode(path), n)


def library_version():
    """The version of the loaded library, e.g. "0.1.0"."""
    return _str(_library().kpiscan_version())


class KpiscanError(Exception):
    """A failure reported by libkpiscan.

    str(e) is the library's complete message, e.g.
    "cv.docx: corrupt DOCX: not a ZIP archive".  Attributes: status (the
    negative kpiscan_status), code (its stable name, e.g. "not_text"), and
    the parts of the detail: file, line, column, rule_id, reason (empty or 0
    where they do not apply).
    """

    def __init__(self, status, message, code=None, file="", line=0, column=0,
                 rule_id="", reason=""):
        super().__init__(message)
        self.status = status
        self.code = code or _str(_library().kpiscan_status_name(status))
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.rule_id = rule_id
        self.reason = reason or message

    def __reduce__(self):
        # Picklable, so that a refused document in a worker process comes
        # back to the pool as this error and not as a broken pool; rebuilt
        # without __init__, so a subclass with its own arguments pickles.
        return (_restore_error, (type(self), self.args, dict(self.__dict__)))

    @classmethod
    def _from_status(cls, status, what):
        lib = _library()
        return cls(status, f"{what}: {_str(lib.kpiscan_strerror(status))}")


def _c_string(raw, value, what):
    """raw (value encoded), refusing a NUL byte as open() does: the
    library reads a C string, which would end there ("cv.txt\\0.pdf"
    would name cv.txt, "term.kpi\\0x" term.kpi)."""
    if b"\0" in raw:
        raise ValueError(f"kpiscan: {what} holds a NUL byte: {value!r}")
    return raw


def _path_bytes(path, what="path"):
    """os.fsencode(path) for the library (_c_string)."""
    return _c_string(os.fsencode(path), path, what)


def _sequence(value, what):
    """value as a list of items, refusing a single str, bytes or path (it
    would be read item by item, one character per input) and a single
    (name, data) pair (read as two paths)."""
    if isinstance(value, (str, bytes, bytearray, os.PathLike)) or (
            isinstance(value, tuple) and len(value) == 2 and
            isinstance(value[1], (bytes, bytearray, memoryview))):
        raise TypeError(f"kpiscan: {what} takes a list, not a single "
                        f"{type(value).__name__} ({what}=[{value!r}])")
    return list(value)


def _text_arg(value, what):
    """value as UTF-8 for the library (_c_string)."""
    return _c_string(value.encode("utf-8"), value, what)


def _caller_stacklevel():
    """The stacklevel of a warning that points at the first frame outside
    this module, however many of its functions lie between."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
        level += 1
    return level


def _restore_error(cls, args, state):
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class _ErrorBox:
    """A kpiscan_error for one call: each call has its own, so concurrent
    calls never share one (the library's rule)."""

    def __enter__(self):
        self.lib = _library()
        self.ptr = self.lib.kpiscan_error_new()
        if not self.ptr:
            raise MemoryError("kpiscan: out of memory")
        return self

    def __exit__(self, *exc):
        self.lib.kpiscan_error_free(self.ptr)
        return False

    def check(self, status):
        if status == _KPISCAN_OK:
            return
        if status == _KPISCAN_ERR_NOMEM:
            raise MemoryError(_str(self.lib.kpiscan_error_message(self.ptr)))
        lib, p = self.lib, self.ptr
        message = _str(lib.kpiscan_error_message(p)) or \
            _str(lib.kpiscan_strerror(status))
        raise KpiscanError(status, message,
                           file=_path(lib.kpiscan_error_file(p)),
                           line=lib.kpiscan_error_line(p),
                           column=lib.kpiscan_error_column(p),
                           rule_id=_str(lib.kpiscan_error_rule_id(p)),
                           reason=_str(lib.kpiscan_error_reason(p)))


class Options:
    """Settings for scans; every argument is optional (None = default).

    as_of: datetime.date (or "YYYY-MM-DD") that "Present" means, from
        1950-01-01 to 2200-12-31; default today, or for a DOCX, ODT, PDF,
        RTF or .doc the earlier of today and its last save
        (Result.as_of_source says which).  Pin it for reproducible results.
    format_hint: "text" or the extension of any document the library
        reads ("txt", "md", "docx", "docm", "odt", ...), in any case, with
        or without a leading dot, so a file's extension can be passed;
        "pdf", "rtf", "doc" and "html" leave it to the content, which always decides
        (see kpiscan_options_set_format_hint in kpiscan.h).
    excerpts: False leaves the matched text out of to_json().
    gaps: True reports gaps between stretches of employment as facts: the
        JSON's "gaps" array (to_dict()["gaps"]: start, end, months).  They
        never change the estimate.
    include_comments: True reads a DOCX's comments (a reviewer's words,
        not the candidate's) into the document text too.
    max_input_bytes, max_text_bytes, max_zip_entries, max_part_bytes,
    max_total_bytes, max_ratio, max_xml_depth, match_limit: limits; a
        document past one raises KpiscanError with code "limit" (or
        "match_limit").
    max_evidence: most evidence items kept; the rest are dropped and the
        result carries the red flag "evidence-limit" (no error).
    pdf_helper: path of the kpiscan-pdf program that reads PDFs (default:
        $KPISCAN_PDF_HELPER, else the installed one).
    pdf_timeout (milliseconds, default 30000), pdf_memory_limit (bytes,
        default 1 GiB), max_pdf_pages (default 50): what one PDF may cost
        in the helper.  A helper that is missing, crashes or times out
        raises KpiscanError with code "helper"; the next scan restarts it.
    sha256: True makes Pack.scan_records() put the SHA-256 of each input's
        bytes in its record ("sha256"), for merges that drop duplicates
        (docs/scale-out.md); single scans ignore it.

    An Options object is immutable once made and may be shared by threads.
    """

    _LIMITS = ("max_input_bytes", "max_text_bytes", "max_zip_entries",
               "max_part_bytes", "max_total_bytes", "max_ratio",
               "max_xml_depth", "match_limit", "max_evidence",
               "pdf_timeout", "pdf_memory_limit", "max_pdf_pages")

    def __init__(self, as_of=None, format_hint=None, excerpts=None,
                 pdf_helper=None, sha256=None, gaps=None,
                 include_comments=None, **limits):
        unknown = set(limits) - set(self._LIMITS)
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        lib = _library()
        self._ptr = lib.kpiscan_options_new()
        if not self._ptr:
            raise MemoryError("kpiscan: out of memory")
        self._finalizer = weakref.finalize(self, lib.kpiscan_options_free,
                                           self._ptr)
        if as_of is not None:
            if isinstance(as_of, str):
                try:
                    as_of = datetime.date.fromisoformat(as_of)
                except ValueError:
                    raise ValueError(f"as_of {as_of!r}: not a YYYY-MM-DD "
                                     f"date") from None
            elif not isinstance(as_of, datetime.date):
                raise TypeError(f"as_of: a datetime.date or a YYYY-MM-DD "
                                f"string, not {type(as_of).__name__}")
            self._set("as_of", lib.kpiscan_options_set_as_of(
                self._ptr, as_of.year, as_of.month, as_of.day), as_of,
                "a date from 1950-01-01 to 2200-12-31")
        if format_hint is not None:
            self._set("format_hint", lib.kpiscan_options_set_format_hint(
                self._ptr, _text_arg(format_hint, "format_hint")),
                format_hint,
                '"text" or the extension of a document the library reads '
                '("txt", "md", "docx", "odt", "pdf", "rtf", "doc", "html", '
                '...)')
        switches = {"excerpts": excerpts, "gaps": gaps,
                    "include_comments": include_comments, "sha256": sha256}
        for name, on in switches.items():
            if on is not None:
                setter = getattr(lib, "kpiscan_options_set_" + name)
                self._set(name, setter(self._ptr, 1 if on else 0), on)
        if pdf_helper is not None:
            self._set("pdf_helper", lib.kpiscan_options_set_pdf_helper(
                self._ptr, _path_bytes(pdf_helper, "pdf_helper")), pdf_helper)
        for name, value in limits.items():
            if value is None:
                continue
            setter = getattr(lib, "kpiscan_options_set_" + name)
            # ctypes would wrap a value too large for the C type (2**64 +
            # 1000 became 1000): the type's own range decides.
            largest = 2 ** (8 * ctypes.sizeof(setter.argtypes[1])) - 1
            if isinstance(value, bool) or not isinstance(value, int) or \
                    not 0 < value <= largest:
                raise KpiscanError(_KPISCAN_ERR_ARGUMENT,
                                   f"{name}: must be an integer from 1 to "
                                   f"{largest}, not {value!r}")
            self._set(name, setter(self._ptr, value), value,
                      "at least 64 MiB (67108864)"
                      if name == "pdf_memory_limit" else None)
        self.settings = {"as_of": as_of, "format_hint": format_hint,
                         "pdf_helper": pdf_helper, **switches, **limits}

    def _set(self, name, status, value, allowed=None):
        if status != _KPISCAN_OK:
            lib = _library()
            why = _str(lib.kpiscan_strerror(status))
            if allowed:
                why += f" (allowed: {allowed})"
            raise KpiscanError(status, f"{name} {value!r}: {why}")

    def __reduce__(self):
        # A copy or a pickle (a process pool's argument) is a new Options
        # made from the same settings: the library's object is this
        # process's memory, and carrying its address along crashed the
        # process that unpickled it.
        return (_options_from_settings, (dict(self.settings),))

    def __repr__(self):
        shown = ", ".join(f"{k}={v!r}" for k, v in self.settings.items()
                          if v is not None)
        return f"Options({shown})"


def _options_from_settings(settings):
    return Options(**settings)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    level: str
    weight: float
    regex: str
    description: str
    source: str


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence.  offset and length are in bytes of
    result.text encoded as UTF-8; line is 1-based and column counts
    Unicode characters from 1.  Where the JSON has null or leaves a field
    out, the attribute is empty: section "" (no section found), part ""
    and paragraph 0 (text, HTML, RTF and .doc files, which have no parts)."""
    rule_id: str
    category: str
    level: str
    weight: float
    contribution: float
    text: str
    offset: int
    length: int
    line: int
    column: int
    section: str
    hidden: bool
    part: str
    paragraph: int


@dataclass(frozen=True)
class Span:
    """An employment date range (start and end as YYYYMM) or a statement
    such as "7+ years of experience" (start and end None).  open_ended: the
    range runs to "Present"; kpi_job: a counted range whose job shows KPI
    work; job: the job line the range heads (None when none was found);
    section: "experience", "education", ... or "" when none was found."""
    statement: bool
    start: Optional[int]
    end: Optional[int]
    years: float
    counted: bool
    text: str
    line: int
    column: int
    open_ended: bool
    kpi_job: bool
    job: Optional[str]
    section: str


@dataclass(frozen=True)
class Interval:
    """A merged stretch of employment or a gap between two, as the JSON's
    "employment" and "gaps" give them: first and last month as YYYYMM, and
    months (for a stretch end minus start, for a gap both ends counted)."""
    start: int
    end: int
    months: int


@dataclass(frozen=True)
class RedFlag:
    """A red flag (docs/scoring.md): id ("hidden-text", "buzzword-stuffing",
    a red-flag rule id, ...), a message for the recruiter, the 1-based line
    it points at (0 for an absence) and the number of items it counts (0
    when that means nothing for it).  Red flags never change the level."""
    id: str
    message: str
    line: int
    items: int


@dataclass(frozen=True)
class Question:
    """An interview question from the pack for the level it probes;
    answer is what a good answer contains (None when the pack gives
    none)."""
    level: str
    question: str
    answer: Optional[str]


def _years(value):
    return None if value < 0 else value


def _level_or_none(lib, level):
    """A level's name; None for the library's -1 (no level)."""
    return None if level < 0 else _str(lib.kpiscan_level_name(level))


class Result:
    """The outcome of one scan, read into Python objects.

    level ("none", "junior", "mid", "senior"), confidence (0..1), years
    (None when the resume gives no dates or statement), dated_years,
    stated_years, kpi_years (years of the jobs that show KPI work), scores ({"junior": ..., "mid": ..., "senior": ...}),
    reason, format ("text", "docx", "odt", "pdf", "html", "rtf", "doc"),
    name (the path or name given, decoded as os.fsdecode does, so a name
    that is not UTF-8 still opens its file), as_of (datetime.date),
    as_of_source ("option", "document modified date", "today"), years_rule
    (how the years were chosen, in words), pack_name, pack_version and
    pack_hash (the pack that scored it),
    text (the decoded document), evidence (list of Evidence), spans (list
    of Span), employment (the merged stretches of employment) and gaps
    (the gaps between them, whether or not the gaps option was on), lists
    of Interval, red_flags (list of RedFlag), questions (list of Question),
    hidden_count.  The rubric's steps behind the level: presence ("none",
    "weak", "strong"), indicator_level (a level, None when no indicator
    phrase sets one), indicator_phrases (how many distinct phrases show
    that level, 0 when none), years_level (the years' band, None when the
    years are unknown).  to_json() gives the library's JSON, explain() the
    arithmetic as text.
    """

    def __init__(self, ptr, options):
        lib = _library()
        self._ptr = ptr
        self._options = options  # to_json honours its excerpts setting
        self._finalizer = weakref.finalize(self, lib.kpiscan_result_free, ptr)
        self.name = _path(lib.kpiscan_result_name(ptr))
        self.format = _str(lib.kpiscan_result_format(ptr))
        self.level = _str(lib.kpiscan_level_name(lib.kpiscan_result_level(ptr)))
        self.confidence = lib.kpiscan_result_confidence(ptr)
        self.years = _years(lib.kpiscan_result_years(ptr))
        self.dated_years = _years(lib.kpiscan_result_dated_years(ptr))
        self.stated_years = _years(lib.kpiscan_result_stated_years(ptr))
        self.kpi_years = _years(lib.kpiscan_result_kpi_years(ptr))
        self.scores = {LEVELS[i]: lib.kpiscan_result_score(ptr, i)
                       for i in (1, 2, 3)}
        self.reason = _str(lib.kpiscan_result_reason(ptr))
        self.presence = _str(lib.kpiscan_presence_name(
            lib.kpiscan_result_presence(ptr)))
        self.indicator_level = _level_or_none(
            lib, lib.kpiscan_result_indicator_level(ptr))
        self.indicator_phrases = lib.kpiscan_result_indicator_phrases(ptr)
        self.years_level = _level_or_none(
            lib, lib.kpiscan_result_years_level(ptr))
        as_of = lib.kpiscan_result_as_of(ptr)
        self.as_of = datetime.date(as_of // 10000, as_of // 100 % 100,
                                   as_of % 100)
        self.as_of_source = _str(lib.kpiscan_result_as_of_source(ptr))
        self.years_rule = _str(lib.kpiscan_result_years_rule(ptr))
        self.pack_name = _str(lib.kpiscan_result_pack_name(ptr))
        self.pack_version = _str(lib.kpiscan_result_pack_version(ptr))
        self.pack_hash = _str(lib.kpiscan_result_pack_hash(ptr))
        length = _c_size_t(0)
        text = lib.kpiscan_result_text(ptr, ctypes.byref(length))
        self.text = ctypes.string_at(text, length.value).decode("utf-8")
        self.hidden_count = lib.kpiscan_result_hidden_count(ptr)
        self.evidence: List[Evidence] = [
            self._evidence(lib, lib.kpiscan_result_evidence(ptr, i))
            for i in range(lib.kpiscan_result_evidence_count(ptr))]
        self.spans: List[Span] = [
            self._span(lib, lib.kpiscan_result_span(ptr, i))
            for i in range(lib.kpiscan_result_span_count(ptr))]
        self.employment: List[Interval] = [
            self._interval(lib.kpiscan_result_employment, ptr, i)
            for i in range(lib.kpiscan_result_employment_count(ptr))]
        self.gaps: List[Interval] = [
            self._interval(lib.kpiscan_result_gap, ptr, i)
            for i in range(lib.kpiscan_result_gap_count(ptr))]
        self.red_flags: List[RedFlag] = [
            RedFlag(id=_str(lib.kpiscan_result_flag_id(ptr, i)),
                    message=_str(lib.kpiscan_result_flag_message(ptr, i)),
                    line=lib.kpiscan_result_flag_line(ptr, i),
                    items=lib.kpiscan_result_flag_items(ptr, i))
            for i in range(lib.kpiscan_result_flag_count(ptr))]
        self.questions: List[Question] = [
            Question(level=_str(lib.kpiscan_level_name(
                         lib.kpiscan_result_question_level(ptr, i))),
                     question=_str(lib.kpiscan_result_question(ptr, i)),
                     answer=_str(lib.kpiscan_result_question_answer(ptr, i)))
            for i in range(lib.kpiscan_result_question_count(ptr))]

    @staticmethod
    def _evidence(lib, ev):
        return Evidence(
            rule_id=_str(lib.kpiscan_evidence_rule_id(ev)),
            category=_str(lib.kpiscan_category_name(
                lib.kpiscan_evidence_category(ev))),
            level=_str(lib.kpiscan_level_name(lib.kpiscan_evidence_level(ev))),
            weight=lib.kpiscan_evidence_weight(ev),
            contribution=lib.kpiscan_evidence_contribution(ev),
            text=_str(lib.kpiscan_evidence_text(ev)),
            offset=lib.kpiscan_evidence_offset(ev),
            length=lib.kpiscan_evidence_length(ev),
            line=lib.kpiscan_evidence_line(ev),
            column=lib.kpiscan_evidence_column(ev),
            section=_str(lib.kpiscan_evidence_section(ev)),
            hidden=bool(lib.kpiscan_evidence_hidden(ev)),
            part=_str(lib.kpiscan_evidence_part(ev)),
            paragraph=lib.kpiscan_evidence_paragraph(ev))

    @staticmethod
    def _interval(accessor, ptr, i):
        start, end = _c_long(0), _c_long(0)
        months = accessor(ptr, i, ctypes.byref(start), ctypes.byref(end))
        return Interval(start=start.value, end=end.value, months=months)

    @staticmethod
    def _span(lib, sp):
        statement = bool(lib.kpiscan_span_is_statement(sp))
        return Span(
            statement=statement,
            start=None if statement else lib.kpiscan_span_start(sp),
            end=None if statement else lib.kpiscan_span_end(sp),
            years=lib.kpiscan_span_years(sp),
            counted=bool(lib.kpiscan_span_counted(sp)),
            text=_str(lib.kpiscan_span_text(sp)),
            line=lib.kpiscan_span_line(sp),
            column=lib.kpiscan_span_column(sp),
            open_ended=bool(lib.kpiscan_span_open_ended(sp)),
            kpi_job=bool(lib.kpiscan_span_kpi_job(sp)),
            job=_str(lib.kpiscan_span_job(sp)),
            section=_str(lib.kpiscan_span_section(sp)))

    def to_json(self, pretty=False):
        """The library's JSON object for this result, as a str."""
        if not self._finalizer.alive:
            raise ValueError("kpiscan: result is closed")
        lib = _library()
        options = self._options._ptr if self._options else None
        raw = lib.kpiscan_result_to_json(self._ptr, options,
                                         _JSON_PRETTY if pretty else 0)
        if not raw:
            raise MemoryError("kpiscan: out of memory")
        try:
            return ctypes.string_at(raw).decode("utf-8")
        finally:
            lib.kpiscan_free(raw)

    def to_dict(self):
        """to_json() parsed: the full schema as dicts and lists."""
        return json.loads(self.to_json())

    def explain(self):
        """The estimate's arithmetic as text, what `kpiscan --explain`
        prints for this resume (kpiscan_result_explain)."""
        if not self._finalizer.alive:
            raise ValueError("kpiscan: result is closed")
        lib = _library()
        options = self._options._ptr if self._options else None
        raw = lib.kpiscan_result_explain(self._ptr, options)
        if not raw:
            raise MemoryError("kpiscan: out of memory")
        try:
            return ctypes.string_at(raw).decode("utf-8")
        finally:
            lib.kpiscan_free(raw)

    def close(self):
        """Free the library's copy now (the Python attributes stay)."""
        self._finalizer()

    def _not_copied(self, *args):
        raise TypeError("kpiscan: a Result holds the library's copy of the "
                        "scan and cannot be copied or pickled; keep "
                        "to_dict() or to_json() instead")

    __reduce__ = __reduce_ex__ = __copy__ = __deepcopy__ = _not_copied

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        years = "unknown" if self.years is None else f"{self.years:.1f}"
        return (f"<kpiscan.Result {self.name}: {self.level} "
                f"(confidence {self.confidence:.2f}, years {years}, "
                f"{len(self.evidence)} evidence items)>")


class Pack:
    """A compiled, immutable set of rules; build once, share by threads.

    Pack()                            the default KPI pack
    Pack(files=["mine.yaml"])         default pack with a pack file on top
    Pack(default=False, files=[...])  only the given files
    Pack(disable=["term.kpi"])        with rules switched off
    Pack(sources=[(yaml, "mine")])    default pack with YAML held in memory
                                      on top (str or bytes, and its name)
    Pack.from_string(yaml, name=...)  default=False and one pack in memory

    Raises KpiscanError with the library's message (file:line:column and
    rule) when a pack does not load.
    """

    def __init__(self, files=(), default=True, disable=(), sources=()):
        files = [os.fspath(f) if isinstance(f, os.PathLike) else f
                 for f in _sequence(files, "files")]
        disable = list(_sequence(disable, "disable"))
        sources = list(_sequence(sources, "sources"))
        # What a pickle (a process pool's argument) rebuilds the pack from.
        self._args = (files, default, disable, sources)
        # Scans running on the pack: close() waits for them to end.
        self._state = threading.Condition()
        self._scans = 0
        lib = _library()
        builder = lib.kpiscan_pack_builder_new()
        if not builder:
            raise MemoryError("kpiscan: out of memory")
        try:
            with _ErrorBox() as err:
                if default:
                    err.check(lib.kpiscan_pack_builder_add_default(
                        builder, err.ptr))
                for path in files:
                    err.check(lib.kpiscan_pack_builder_add_file(
                        builder, _path_bytes(path, "pack file"), err.ptr))
                for text, name in sources:
                    data = text.encode("utf-8") if isinstance(text, str) \
                        else bytes(text)
                    err.check(lib.kpiscan_pack_builder_add_buffer(
                        builder, data, len(data),
                        _path_bytes(name, "pack name") if name else None,
                        err.ptr))
                for rule_id in disable:
                    err.check(lib.kpiscan_pack_builder_disable_rule(
                        builder, _text_arg(rule_id, "rule id"), err.ptr))
                pack = _c_void_p()
                err.check(lib.kpiscan_pack_builder_build(
                    builder, ctypes.byref(pack), err.ptr))
        finally:
            lib.kpiscan_pack_builder_free(builder)
        self._ptr = pack.value
        self._finalizer = weakref.finalize(self, lib.kpiscan_pack_free,
                                           self._ptr)
        # The CLI refuses a scan with no rules; here such a pack still
        # extracts text (Result.text), so it is allowed, but not silently:
        # every resume would be rated "none".
        if lib.kpiscan_pack_rule_count(self._ptr) == 0:
            warnings.warn("kpiscan: the pack has no rules (default=False "
                          "without files or sources, or every rule "
                          "disabled): every resume will be rated none",
                          RuntimeWarning, stacklevel=_caller_stacklevel())
        self.name = _str(lib.kpiscan_pack_name(self._ptr))
        self.version = _str(lib.kpiscan_pack_version(self._ptr))
        self.hash = _str(lib.kpiscan_pack_hash(self._ptr))

    @classmethod
    def from_string(cls, text, name=None):
        """A pack from YAML text (str or bytes) alone."""
        return cls(default=False, sources=[(text, name)])

    @property
    def rules(self) -> List[Rule]:
        lib, p = _library(), self._live()
        return [Rule(id=_str(lib.kpiscan_pack_rule_id(p, i)),
                     category=_str(lib.kpiscan_category_name(
                         lib.kpiscan_pack_rule_category(p, i))),
                     level=_str(lib.kpiscan_level_name(
                         lib.kpiscan_pack_rule_level(p, i))),
                     weight=lib.kpiscan_pack_rule_weight(p, i),
                     regex=_str(lib.kpiscan_pack_rule_regex(p, i)),
                     description=_str(lib.kpiscan_pack_rule_description(p, i)),
                     source=_str(lib.kpiscan_pack_rule_source(p, i)))
                for i in range(lib.kpiscan_pack_rule_count(p))]

    def check_examples(self):
        """Check every rule against its example phrases; raise on failure."""
        with _ErrorBox() as err:
            err.check(_library().kpiscan_pack_check_examples(self._live(),
                                                             err.ptr))

    def match_density(self, index):
        """Percentage of the positions of ordinary text where rule number
        index can start a match (kpiscan_pack_rule_match_density)."""
        rc = _library().kpiscan_pack_rule_match_density(self._live(), index)
        if rc < 0:
            raise KpiscanError._from_status(rc, f"rule {index}")
        return rc

    def _live(self):
        if not self._finalizer.alive:
            raise ValueError("kpiscan: pack is closed")
        return self._ptr

    @contextlib.contextmanager
    def _scanning(self):
        """The pack's pointer for one scan; close() waits until it ends."""
        with self._state:
            ptr = self._live()
            self._scans += 1
        try:
            yield ptr
        finally:
            with self._state:
                self._scans -= 1
                if not self._scans:
                    self._state.notify_all()

    @staticmethod
    def _options(options, settings):
        if options is not None and settings:
            raise TypeError("give either options= or keyword settings")
        return options if options is not None else \
            (Options(**settings) if settings else None)

    def scan_bytes(self, data, name=None, options=None, **settings):
        """Scan a document held in memory (bytes, bytearray, memoryview).
        name is used in messages and results only.  Keyword settings are
        those of Options.  Raises KpiscanError when the library refuses the
        document (binary data, an encrypted or damaged file, a limit,
        ...)."""
        opts = self._options(options, settings)
        data = bytes(data)
        out = _c_void_p()
        with _ErrorBox() as err, self._scanning() as pack:
            err.check(_library().kpiscan_scan_buffer(
                pack, opts._ptr if opts else None, data, len(data),
                _path_bytes(name, "name") if name is not None else None,
                ctypes.byref(out), err.ptr))
        return Result(out.value, opts)

    def scan_path(self, path, options=None, **settings):
        """Read a file and scan it, as scan_bytes() does."""
        opts = self._options(options, settings)
        out = _c_void_p()
        with _ErrorBox() as err, self._scanning() as pack:
            err.check(_library().kpiscan_scan_file(
                pack, opts._ptr if opts else None, _path_bytes(path),
                ctypes.byref(out), err.ptr))
        return Result(out.value, opts)

    def scan_records(self, inputs, options=None, jobs=1, shard=None,
                     **settings):
        """Scan many inputs through the library's batch, as the CLI does,
        and return their JSON records (str, one per input, in input order):
        exactly the lines `kpiscan --format jsonl` writes for the same
        inputs and options.  A missing, unreadable or corrupt input is an
        error record ("status": "error"), never an exception.

        inputs: paths (str, bytes or os.PathLike; a folder is walked), or
        (name, data) pairs of a document in memory.  jobs: worker threads
        (the GIL is released while they scan).  shard: (k, n) keeps only
        the inputs of shard k of n (as --shard k/n).  Keyword settings are
        those of Options (sha256=True adds each input's digest).
        """
        opts = self._options(options, settings)
        inputs = _sequence(inputs, "inputs")
        for item in inputs:  # refused before anything is scanned
            _path_bytes(item[0] if isinstance(item, tuple) else item,
                        "input")
        lib = _library()
        out = []

        def collect(rec, _user):
            # Runs on a worker thread of the batch, under its lock.
            if not lib.kpiscan_record_skipped(rec):
                text = lib.kpiscan_record_json(rec)
                out.append(None if text is None else text.decode("utf-8"))

        callback = _RECORD_FN(collect)  # kept alive until the batch ends
        batch = _c_void_p()
        with _ErrorBox() as err, self._scanning() as pack:
            err.check(lib.kpiscan_batch_new(
                pack, opts._ptr if opts else None, max(1, int(jobs)),
                _BATCH_RENDER_JSON, ctypes.cast(callback, _c_void_p), None,
                ctypes.byref(batch), err.ptr))
            try:
                if shard is not None:
                    k, n = shard
                    for part in (k, n):  # ctypes would wrap a large one
                        if isinstance(part, bool) or \
                                not isinstance(part, int) or \
                                not 0 <= part <= 0xFFFFFFFF:
                            raise ValueError(f"shard {shard!r}: k and n "
                                             f"must be integers, 1 <= k <= "
                                             f"n <= 1000000")
                    err.check(lib.kpiscan_batch_set_shard(
                        batch, k, n, err.ptr))
                for item in inputs:
                    if isinstance(item, tuple):
                        name, data = item
                        data = bytes(data)
                        err.check(lib.kpiscan_batch_add_buffer(
                            batch, data, len(data), _path_bytes(name),
                            err.ptr))
                    else:
                        err.check(lib.kpiscan_batch_add_path(
                            batch, _path_bytes(item), 0, err.ptr))
                status = lib.kpiscan_batch_finish(batch)
                if status == _KPISCAN_ERR_NOMEM:
                    raise MemoryError("kpiscan: out of memory")
            finally:
                lib.kpiscan_batch_free(batch)
        if None in out:
            raise MemoryError("kpiscan: out of memory rendering a record")
        return out

    def close(self):
        """Free the pack now.  Scans running on it in other threads end
        first (close() waits for them); a scan started after close()
        raises ValueError."""
        with self._state:
            while self._scans:
                self._state.wait()
            self._finalizer()

    def __reduce__(self):
        # A pickle (a process pool's argument) is the pack rebuilt from the
        # same arguments in the other process (pack files are read again
        # there); its hash must come out the same.
        return (_pack_from_args, (self._args, self.hash))

    def __copy__(self):
        return self  # immutable: a copy is the same pack

    def __deepcopy__(self, memo):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return f"<kpiscan.Pack {self.name} {self.version} sha256:{self.hash[:12]}>"


def _pack_from_args(args, expected_hash):
    files, default, disable, sources = args
    pack = Pack(files=files, default=default, disable=disable,
                sources=sources)
    if pack.hash != expected_hash:
        pack.close()
        raise KpiscanError(_KPISCAN_ERR_PACK_INVALID,
                           "kpiscan: the pack rebuilt from a pickle differs "
                           "from the one pickled (a pack file changed "
                           f"since): sha256 {pack.hash[:12]}, not "
                           f"{expected_hash[:12]}")
    return pack
