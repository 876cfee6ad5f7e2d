/*
 * kpiscan.h - public interface of libkpiscan, a resume KPI scanner.
 *
 * libkpiscan reads a resume (plain text in UTF-8, UTF-16 with BOM or stray
 * Windows-1252 bytes; an HTML page; RTF; Word 97-2003 (.doc); DOCX and ODT
 * where built with them; PDF through the kpiscan-pdf helper where built
 * with it), finds KPI phrases and the experience-level indicators of a
 * pattern pack, works out years of experience and returns a junior / mid /
 * senior estimate together with every piece of evidence that produced it.  The
 * estimate supports a recruiter's judgement; it does not replace it.
 *
 * Lifecycle
 * ---------
 *   1. Build a pack once: kpiscan_pack_load_default(), or a builder that
 *      stacks the default pack, pack files and buffers and disables rules.
 *      A built pack is immutable; share it between threads freely.
 *   2. Optionally make an options object (as-of date, limits).  NULL means
 *      defaults everywhere.
 *   3. Scan: kpiscan_scan_file() or kpiscan_scan_buffer() gives a result.
 *      Scans are independent; run as many at once as you like on one pack.
 *   4. Read the result through accessors or as JSON, then free it.
 *   5. Free the options and the pack.
 *
 * Every function that can fail returns a status (KPISCAN_OK, 0, or a
 * negative kpiscan_status) and, when the caller passes a kpiscan_error, fills
 * it with a detail message (file, line, column, rule id where they apply).
 * The library never prints, never exits and keeps no global state.
 *
 * The docs/NAME.md files named below are installed beside this header's
 * man page, under share/doc/libkpiscan/ of the prefix.
 *
 * Example
 * -------
 *   kpiscan_error *err = kpiscan_error_new();
 *   kpiscan_pack *pack = NULL;
 *   kpiscan_result *res = NULL;
 *   if (kpiscan_pack_load_default(&pack, err) != KPISCAN_OK ||
 *       kpiscan_scan_file(pack, NULL, "cv.txt", &res, err) != KPISCAN_OK) {
 *       fprintf(stderr, "kpiscan: %s\n", kpiscan_error_message(err));
 *   } else {
 *       printf("%s (confidence %.2f)\n",
 *              kpiscan_level_name(kpiscan_result_level(res)),
 *              kpiscan_result_confidence(res));
 *       for (size_t i = 0; i < kpiscan_result_evidence_count(res); i++) {
 *           const kpiscan_evidence *ev = kpiscan_result_evidence(res, i);
 *           printf("%zu:%zu %s\n", kpiscan_evidence_line(ev),
 *                  kpiscan_evidence_column(ev), kpiscan_evidence_rule_id(ev));
 *       }
 *   }
 *   kpiscan_result_free(res);
 *   kpiscan_pack_free(pack);
 *   kpiscan_error_free(err);
 *
 * Thread safety
 * -------------
 * Functions taking a const pointer only read it and may run concurrently on
 * the same object.  Functions taking a non-const pointer need exclusive use
 * of that object for the duration of the call.  A kpiscan_error must not be
 * shared by threads that fail at the same time: give each thread its own.
 * Every function states its rule in one of two words:
 *   Thread-safe    any number of threads may make the call at once, on the
 *                  same objects too, alongside any other call that only
 *                  reads them.
 *   Exclusive: X   the call writes or frees X: nothing else may use X
 *                  until it returns.  Different objects are independent.
 * The kpiscan_error passed to a call is always the caller's alone; that is
 * not repeated below.  There is no global state to initialise or protect:
 * no init function, no signal handlers, no output on stdout or stderr.
 * The process locale is left alone, and never changes what the library
 * writes: a call that formats numbers (a scan's reason, CSV, explanation,
 * HTML report, pack hash) runs in the C locale on the calling thread
 * (uselocale) and restores the thread's locale before it returns, so
 * "0.78" stays "0.78" in a host that called setlocale(LC_ALL, "").
 */
#ifndef KPISCAN_H
#define KPISCAN_H

#include <stddef.h>

#include "kpiscan_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(KPISCAN_BUILDING_DLL)
#define KPISCAN_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(KPISCAN_STATIC)
#define KPISCAN_API __declspec(dllimport)
#elif defined(__GNUC__)
#define KPISCAN_API __attribute__((visibility("default")))
#else
#define KPISCAN_API
#endif

/* ------------------------------------------------------------------ */
/* Status codes                                                        */
/* ------------------------------------------------------------------ */

/* 0 is success; every error is negative and distinct.  New codes may be
 * added at the end; existing values never change. */
typedef enum kpiscan_status {
    KPISCAN_OK = 0,
    KPISCAN_ERR_NOMEM = -1,        /* out of memory */
    KPISCAN_ERR_ARGUMENT = -2,     /* invalid argument (NULL, bad value) */
    KPISCAN_ERR_IO = -3,           /* file could not be opened or read */
    KPISCAN_ERR_PACK_SYNTAX = -4,  /* pack file is not well-formed YAML */
    KPISCAN_ERR_PACK_INVALID = -5, /* pack structure or field invalid */
    KPISCAN_ERR_PACK_REGEX = -6,   /* a rule's regex does not compile */
    KPISCAN_ERR_NOT_TEXT = -7,     /* binary data, not a text document */
    KPISCAN_ERR_UNSUPPORTED_FORMAT = -8, /* recognised format we cannot read */
    KPISCAN_ERR_EMPTY = -9,              /* document holds no text */
    KPISCAN_ERR_CORRUPT = -10,     /* damaged ZIP, XML, OLE, .doc or PDF */
    KPISCAN_ERR_LIMIT = -11,       /* a configured limit exceeded (size,
                                      pages, nesting, entries) */
    KPISCAN_ERR_MATCH_LIMIT = -12, /* a rule hit the PCRE2 match limit */
    KPISCAN_ERR_INTERNAL = -13,    /* unexpected failure in a dependency */
    KPISCAN_ERR_NOT_FOUND = -14,   /* named rule or item does not exist */
    KPISCAN_ERR_ENCRYPTED = -15,   /* password-protected DOCX, .doc, ODT, PDF */
    KPISCAN_ERR_MANIFEST = -16,    /* malformed expectation manifest */
    KPISCAN_ERR_HELPER = -17 /* PDF helper missing, crashed or timed out */
} kpiscan_status;

/* Static, English text for a status code.  Never NULL; unknown codes give
 * "unknown error".  Thread-safe. */
KPISCAN_API const char *kpiscan_strerror(int status);

/* Stable symbolic name of a status for machine-readable output, e.g.
 * "not_text", "unsupported_format"; "ok" for KPISCAN_OK; "unknown" for an
 * unknown code.  Static; thread-safe. */
KPISCAN_API const char *kpiscan_status_name(int status);

/* ------------------------------------------------------------------ */
/* Version                                                             */
/* ------------------------------------------------------------------ */

/* Library version as "MAJOR.MINOR.PATCH" (static string).  Compare with
 * KPISCAN_VERSION_STRING to detect a header/library mismatch.
 * Thread-safe. */
KPISCAN_API const char *kpiscan_version(void);

/* Library version as MAJOR * 10000 + MINOR * 100 + PATCH.  Thread-safe. */
KPISCAN_API int kpiscan_version_number(void);

/* ------------------------------------------------------------------ */
/* Error detail                                                        */
/* ------------------------------------------------------------------ */

/* An error object receives the detail of the last failure of the calls it
 * is passed to.  A call that succeeds leaves it as it was, as errno is
 * left: tell success by a call's return value, not by the object (or
 * kpiscan_error_clear() it before each call).  Allocate one per thread.
 * Every function accepts NULL in its place when the caller needs only the
 * status code. */
typedef struct kpiscan_error kpiscan_error;

/* Allocate an empty error object (status KPISCAN_OK).  Returns NULL when
 * out of memory.  Free with kpiscan_error_free().  Thread-safe. */
KPISCAN_API kpiscan_error *kpiscan_error_new(void);

/* Free an error object.  NULL is a no-op.  Exclusive: err. */
KPISCAN_API void kpiscan_error_free(kpiscan_error *err);

/* Reset to KPISCAN_OK with empty detail.  Exclusive: err. */
KPISCAN_API void kpiscan_error_clear(kpiscan_error *err);

/* Status of the last failure recorded (KPISCAN_OK when none).
 * Thread-safe. */
KPISCAN_API int kpiscan_error_status(const kpiscan_error *err);

/* Complete human-readable message, e.g.
 *   "mypack.yaml:12:10: rule 'term.kpi': regex error at offset 4: missing )"
 *   "cv.fodt: unsupported format: flat OpenDocument XML (.fodt; save it as
 *   .odt)".
 * Owned by the error object; valid until its next use.  Never NULL.
 * Thread-safe. */
KPISCAN_API const char *kpiscan_error_message(const kpiscan_error *err);

/* Parts of the detail; empty string / 0 when they do not apply.  Owned by
 * the error object.  Each is thread-safe. */
KPISCAN_API const char *kpiscan_error_file(const kpiscan_error *err);
KPISCAN_API size_t kpiscan_error_line(const kpiscan_error *err);
KPISCAN_API size_t kpiscan_error_column(const kpiscan_error *err);
KPISCAN_API const char *kpiscan_error_rule_id(const kpiscan_error *err);
/* The reason alone, without file and position prefix.  Thread-safe. */
KPISCAN_API const char *kpiscan_error_reason(const kpiscan_error *err);

/* ------------------------------------------------------------------ */
/* Levels and categories                                               */
/* ------------------------------------------------------------------ */

typedef enum kpiscan_level {
    KPISCAN_LEVEL_NONE = 0,
    KPISCAN_LEVEL_JUNIOR = 1,
    KPISCAN_LEVEL_MID = 2,
    KPISCAN_LEVEL_SENIOR = 3
} kpiscan_level;

typedef enum kpiscan_category {
    KPISCAN_CATEGORY_TERM = 0,        /* the KPI term or a synonym */
    KPISCAN_CATEGORY_ACHIEVEMENT = 1, /* a resume line built on KPIs */
    KPISCAN_CATEGORY_INDICATOR = 2,   /* an experience-level indicator */
    KPISCAN_CATEGORY_TITLE = 3,       /* a related job title */
    KPISCAN_CATEGORY_RED_FLAG = 4,    /* a phrase that is a warning sign */
    KPISCAN_CATEGORY_QUANTIFIED = 5   /* a number tied to a KPI verb */
} kpiscan_category;

/* "none", "junior", "mid", "senior"; NULL for an invalid value.
 * Thread-safe. */
KPISCAN_API const char *kpiscan_level_name(int level);
/* Parse a level name (case-insensitive).  Returns the level or -1.
 * Thread-safe. */
KPISCAN_API int kpiscan_level_from_name(const char *name);
/* "term", "achievement", "indicator", "title", "red-flag", "quantified";
 * NULL for an invalid value.  Thread-safe. */
KPISCAN_API const char *kpiscan_category_name(int category);

/* ------------------------------------------------------------------ */
/* Pattern packs                                                       */
/* ------------------------------------------------------------------ */

/* A compiled, immutable set of rules.  Thread-safe to share once built. */
typedef struct kpiscan_pack kpiscan_pack;

/* A builder stacks pack sources in order: a later rule with the id of an
 * earlier one replaces it. */
typedef struct kpiscan_pack_builder kpiscan_pack_builder;

/* Allocate an empty builder.  NULL when out of memory.  Thread-safe. */
KPISCAN_API kpiscan_pack_builder *kpiscan_pack_builder_new(void);

/* Free a builder.  NULL is a no-op.  Exclusive: b. */
KPISCAN_API void kpiscan_pack_builder_free(kpiscan_pack_builder *b);

/* Layer the default KPI pack that is embedded in the library.
 * Exclusive: b. */
KPISCAN_API int kpiscan_pack_builder_add_default(kpiscan_pack_builder *b,
                                                 kpiscan_error *err);

/* Layer a pack read from a file.  Errors: KPISCAN_ERR_IO, _PACK_SYNTAX,
 * _PACK_INVALID, _PACK_REGEX, each with file:line:column in the detail.
 * Exclusive: b. */
KPISCAN_API int kpiscan_pack_builder_add_file(kpiscan_pack_builder *b,
                                              const char *path,
                                              kpiscan_error *err);

/* Layer a pack held in memory.  name labels messages (may be NULL).  The
 * buffer is copied as needed; the caller keeps ownership.  Exclusive: b. */
KPISCAN_API int kpiscan_pack_builder_add_buffer(kpiscan_pack_builder *b,
                                                const char *data, size_t len,
                                                const char *name,
                                                kpiscan_error *err);

/* Switch off the rule with this id in the built pack.  A rule added later
 * with the same id is switched off too.  Unknown ids are reported by
 * kpiscan_pack_builder_build() as KPISCAN_ERR_NOT_FOUND.  Exclusive: b. */
KPISCAN_API int kpiscan_pack_builder_disable_rule(kpiscan_pack_builder *b,
                                                  const char *rule_id,
                                                  kpiscan_error *err);

/* Compile (and JIT-compile) the stacked rules into a new pack.  The builder
 * stays usable.  On success *out owns a pack to free with
 * kpiscan_pack_free().  Thread-safe: b is only read. */
KPISCAN_API int kpiscan_pack_builder_build(const kpiscan_pack_builder *b,
                                           kpiscan_pack **out,
                                           kpiscan_error *err);

/* Shorthands: the embedded default pack alone, or one file / buffer alone.
 * Each is thread-safe. */
KPISCAN_API int kpiscan_pack_load_default(kpiscan_pack **out,
                                          kpiscan_error *err);
KPISCAN_API int kpiscan_pack_load_file(const char *path, kpiscan_pack **out,
                                       kpiscan_error *err);
KPISCAN_API int kpiscan_pack_load_buffer(const char *data, size_t len,
                                         const char *name, kpiscan_pack **out,
                                         kpiscan_error *err);

/* Free a pack.  NULL is a no-op.  No scan may be using it.
 * Exclusive: pack. */
KPISCAN_API void kpiscan_pack_free(kpiscan_pack *pack);

/* The embedded default pack source (YAML, NUL-terminated, static).
 * Thread-safe. */
KPISCAN_API const char *kpiscan_default_pack_source(size_t *len);

/* Pack identity: names and versions of the stacked sources joined with
 * "+", and a hex SHA-256 of the effective rules, so a log shows exactly
 * which rules judged.  Owned by the pack.  Each is thread-safe. */
KPISCAN_API const char *kpiscan_pack_name(const kpiscan_pack *pack);
KPISCAN_API const char *kpiscan_pack_version(const kpiscan_pack *pack);
KPISCAN_API const char *kpiscan_pack_hash(const kpiscan_pack *pack);

/* Effective (enabled) rules, in pack order.  Each is thread-safe. */
KPISCAN_API size_t kpiscan_pack_rule_count(const kpiscan_pack *pack);
KPISCAN_API const char *kpiscan_pack_rule_id(const kpiscan_pack *pack,
                                             size_t i);
KPISCAN_API int kpiscan_pack_rule_category(const kpiscan_pack *pack, size_t i);
KPISCAN_API int kpiscan_pack_rule_level(const kpiscan_pack *pack, size_t i);
KPISCAN_API double kpiscan_pack_rule_weight(const kpiscan_pack *pack, size_t i);
KPISCAN_API const char *kpiscan_pack_rule_regex(const kpiscan_pack *pack,
                                                size_t i);
KPISCAN_API const char *kpiscan_pack_rule_description(const kpiscan_pack *pack,
                                                      size_t i);
/* "file:line" where the rule was defined.  Thread-safe. */
KPISCAN_API const char *kpiscan_pack_rule_source(const kpiscan_pack *pack,
                                                 size_t i);

/* Check every rule against the example phrases the pack gives it
 * (examples.match must match, examples.reject must not).  Returns
 * KPISCAN_OK, or KPISCAN_ERR_PACK_INVALID naming the first rule and phrase
 * that fail.  Thread-safe. */
KPISCAN_API int kpiscan_pack_check_examples(const kpiscan_pack *pack,
                                            kpiscan_error *err);

/* How often rule i can start a match: the percentage (0 to 100) of the
 * character positions of a built-in sample of ordinary resume text at
 * which the rule matches.  A rule such as [a-z], \w or . scores 60 or
 * more: it matches nearly everywhere, so every document reaches the
 * evidence limit or the match budget; kpiscan --check-pack warns at 50
 * and above.  Returns the percentage, KPISCAN_ERR_ARGUMENT for a bad
 * pack or index, KPISCAN_ERR_NOMEM, or KPISCAN_ERR_MATCH_LIMIT when the
 * rule reaches the default match limit on the sample.  Thread-safe. */
KPISCAN_API int kpiscan_pack_rule_match_density(const kpiscan_pack *pack,
                                                size_t i);

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

/* Tunables for a scan.  NULL in place of an options object means the
 * defaults below.  An options object may be shared read-only by threads. */
typedef struct kpiscan_options kpiscan_options;

/* Allocate an options object holding the defaults.  NULL when out of
 * memory.  Thread-safe. */
KPISCAN_API kpiscan_options *kpiscan_options_new(void);
/* Free an options object.  NULL is a no-op.  No scan may be using it.
 * Exclusive: opts. */
KPISCAN_API void kpiscan_options_free(kpiscan_options *opts);

/* The setters below return KPISCAN_OK, or KPISCAN_ERR_ARGUMENT (opts
 * unchanged) for a NULL opts or an invalid value; zero is invalid for
 * every limit.  They take no kpiscan_error, so none is filled: report a
 * failure from the setter and its status ("bad as-of date: " plus
 * kpiscan_strerror(rc)), not from kpiscan_error_message().  Each setter
 * is exclusive on opts: set everything before sharing the object with
 * scans. */

/* Date that "Present", "Current" and "to date" resolve to.  Default: the
 * current date at scan time.  Errors: KPISCAN_ERR_ARGUMENT for a day that
 * is not in the calendar (30 February) or a date outside 1950-01-01 ..
 * 2200-12-31 (no career range starts before 1950, so an earlier as-of
 * date would leave every range in the future).  A document's last-saved
 * date goes through the same check.  Without this setter a DOCX, ODT,
 * PDF, RTF or .doc resolves "Present" to the earlier of today and its last
 * save (unless the save is older than a job the document lists: then
 * today); a date set here applies to every document alike, and saved
 * dates are then not used (the record's as_of_source says "option").
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_as_of(kpiscan_options *opts, int year,
                                          int month, int day);

/* Largest input accepted, in bytes (default 64 MiB); larger inputs fail
 * with KPISCAN_ERR_LIMIT.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_max_input_bytes(kpiscan_options *opts,
                                                    size_t bytes);

/* PCRE2 match limit per rule and match attempt (default 1,000,000).  A
 * rule that reaches it ends the scan with KPISCAN_ERR_MATCH_LIMIT.
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_match_limit(kpiscan_options *opts,
                                                unsigned long limit);

/* Keep (1, default) or drop (0) the matched text of evidence in JSON, so
 * logs can carry rule ids and positions without the resume's words.  The
 * accessors always give the text.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_excerpts(kpiscan_options *opts, int on);

/* Report gaps between stretches of employment as facts (JSON "gaps" and
 * the explanation).  Off by default.  Gaps never change the estimate: they
 * often stand for parental leave or illness, and screening on them is
 * unfair.  kpiscan_result_gap_count() and kpiscan_result_gap() give them
 * whatever this says.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_gaps(kpiscan_options *opts, int on);

/* Include the comments of a DOCX (a reviewer's words, not the candidate's)
 * in the document text.  Off by default.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_include_comments(kpiscan_options *opts,
                                                     int on);

/* Limits on what one document may cost.  A document that goes past one
 * fails with KPISCAN_ERR_LIMIT and a message naming the limit
 * ("max_part_bytes", ...).  The defaults leave real resumes far inside
 * them; lower them for a service that must bound memory per scan.  Each
 * is exclusive on opts. */

/* Largest document text after decoding or extraction, in bytes (default
 * 16 MiB). */
KPISCAN_API int kpiscan_options_set_max_text_bytes(kpiscan_options *opts,
                                                   size_t bytes);

/* DOCX / ODT: most entries the archive may list (default 10,000). */
KPISCAN_API int kpiscan_options_set_max_zip_entries(kpiscan_options *opts,
                                                    size_t entries);

/* DOCX / ODT: largest uncompressed size of one part read (default
 * 64 MiB). */
KPISCAN_API int kpiscan_options_set_max_part_bytes(kpiscan_options *opts,
                                                   size_t bytes);

/* DOCX / ODT: uncompressed bytes of all parts read, together (default
 * 256 MiB). */
KPISCAN_API int kpiscan_options_set_max_total_bytes(kpiscan_options *opts,
                                                    size_t bytes);

/* DOCX / ODT: highest uncompressed:compressed ratio of a part past 1 MiB
 * uncompressed (default 100, i.e. 100:1), the mark of a zip bomb. */
KPISCAN_API int kpiscan_options_set_max_ratio(kpiscan_options *opts,
                                              unsigned ratio);

/* DOCX / ODT / HTML: deepest XML element nesting; RTF: deepest group
 * nesting (default 256). */
KPISCAN_API int kpiscan_options_set_max_xml_depth(kpiscan_options *opts,
                                                  unsigned depth);

/* Most evidence items kept for one document (default 10,000).  Unlike
 * the limits above this one does not fail the scan: the matches in text
 * order up to the limit are examined and scored, the rest are dropped, and
 * the result carries the red flag "evidence-limit" with their number.  A
 * real resume gives tens of items; a document with thousands was built to
 * be matched.  It bounds the evidence and what is built from it (about
 * 1 KB per item with its excerpt); matching still runs over the whole text
 * and briefly holds every match (24 bytes each), within max_text_bytes.
 * Zero is refused.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_max_evidence(kpiscan_options *opts,
                                                 size_t items);

/* Format of the input when the caller believes it knows it: "text" or
 * the extension of any document the library reads ("txt", "md"; "docx",
 * "docm", "dotx", "dotm"; "odt", "ott"), in any case and with or without
 * a leading dot, so a file's extension can be passed as it is; "pdf",
 * "rtf", "doc", "dot", "html", "htm", "xhtml", "mht" and "mhtml" are
 * accepted and leave it to the content, as NULL or "" (the default) do,
 * because those formats name themselves in their bytes.
 * The content still decides: the bytes are sniffed on every scan and a
 * hint never makes the library read them as something they are not, so a
 * hint taken from an untrusted file name is safe.  It only settles what
 * the bytes leave open: a ZIP archive in which the sniffer finds no Word
 * or ODT marker is read as the hinted "docx" or "odt", and that extractor
 * checks it in full (limits included).  A hint the content contradicts is
 * ignored: DOCX bytes hinted "text" are read as DOCX, binary data is
 * refused whatever the hint.  kpiscan_result_format() tells what was
 * read.  Errors: KPISCAN_ERR_ARGUMENT for any other name (the hint set
 * before stays).
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_format_hint(kpiscan_options *opts,
                                                const char *format);

/* PDF documents are read by a separate program, kpiscan-pdf (GPL, since it
 * links poppler; the library links no PDF engine), which the library
 * starts with posix_spawn and talks to over a socket: one helper per
 * thread, kept alive across documents and restarted after a failure or a
 * fork().  A build without poppler (meson -Dpdf=disabled) fails PDFs with
 * KPISCAN_ERR_UNSUPPORTED_FORMAT, "built without PDF support".  Helper
 * failures are KPISCAN_ERR_HELPER records ("PDF helper missing", "...
 * crashed", "... timed out"); the batch goes on.  See docs/pdf.md. */

/* Path of the kpiscan-pdf program.  NULL or "" (the default) means the
 * environment variable KPISCAN_PDF_HELPER when it is set and not empty,
 * else the installed one (LIBEXECDIR/kpiscan-pdf).  The path is copied.
 * Errors: KPISCAN_ERR_ARGUMENT for a path of 4096 bytes or more.
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_pdf_helper(kpiscan_options *opts,
                                               const char *path);

/* Wall-clock time one PDF may take in the helper, in milliseconds (default
 * 30,000).  Past it the helper is killed and restarted and the document
 * fails with KPISCAN_ERR_HELPER ("timed out").  The helper's CPU limit
 * (RLIMIT_CPU) is the same time in whole seconds, at least 1 (and at most
 * 2^32 - 1).  ULONG_MAX is, in effect, no limit.  Errors:
 * KPISCAN_ERR_ARGUMENT for 0.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_pdf_timeout(kpiscan_options *opts,
                                                unsigned long ms);

/* Address-space limit of the helper (RLIMIT_AS), in bytes (default 1 GiB,
 * at least 64 MiB).  A PDF that needs more fails with KPISCAN_ERR_LIMIT.
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_pdf_memory_limit(kpiscan_options *opts,
                                                     size_t bytes);

/* Most pages a PDF may have (default 50); a longer one fails with
 * KPISCAN_ERR_LIMIT before any page is read.  Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_max_pdf_pages(kpiscan_options *opts,
                                                  unsigned pages);

/* on != 0: a batch computes the SHA-256 of each input's bytes, as read for
 * the scan (not a second read), and puts it in the record
 * (kpiscan_record_sha256(), the JSON field "sha256"), so a merge of
 * records from retried distributed tasks can drop duplicates by path and
 * content.  Off by default: a plain scan does not pay for it.  Single
 * scans (kpiscan_scan_file, kpiscan_scan_buffer) ignore it.
 * Exclusive: opts. */
KPISCAN_API int kpiscan_options_set_sha256(kpiscan_options *opts, int on);

/* ------------------------------------------------------------------ */
/* Scanning                                                            */
/* ------------------------------------------------------------------ */

typedef struct kpiscan_result kpiscan_result;
typedef struct kpiscan_evidence kpiscan_evidence;

/* Scan a document held in memory.  name is used in messages and results
 * only (may be NULL: "<buffer>").  The format is sniffed from the bytes.
 * On success *out owns a result to free with kpiscan_result_free().
 * Errors: KPISCAN_ERR_NOT_TEXT, _UNSUPPORTED_FORMAT, _EMPTY, _CORRUPT
 * (a damaged DOCX, ODT or PDF: "corrupt DOCX: reason"), _ENCRYPTED
 * (password-protected Office file or PDF), _LIMIT,
 * _MATCH_LIMIT, _HELPER (a PDF whose helper is missing, crashed or timed
 * out; the next PDF starts a new one), _INTERNAL (a dependency failed
 * unexpectedly), _NOMEM, _ARGUMENT; the detail names the file and reason.
 * Thread-safe: pack and opts are only read, so any number of scans may
 * share them; each scan allocates its own matching state. */
KPISCAN_API int kpiscan_scan_buffer(const kpiscan_pack *pack,
                                    const kpiscan_options *opts,
                                    const void *data, size_t len,
                                    const char *name, kpiscan_result **out,
                                    kpiscan_error *err);

/* Read a file (path "-" is not special here) and scan it as
 * kpiscan_scan_buffer() does.  Adds KPISCAN_ERR_IO: the file cannot be
 * opened or read, or it is not a regular file.  A directory ("is a
 * directory"), FIFO, socket or device (/dev/stdin, /dev/zero: "not a
 * regular file") is refused at once: the open never waits for a FIFO's
 * writer and nothing endless is read.  To scan a stream, read it yourself and
 * use kpiscan_scan_buffer(), or queue it with kpiscan_batch_add_fd() (a batch
 * also reads a FIFO whose path is added, waiting at most 30 s for its
 * writer).  Thread-safe, as kpiscan_scan_buffer(). */
KPISCAN_API int kpiscan_scan_file(const kpiscan_pack *pack,
                                  const kpiscan_options *opts, const char *path,
                                  kpiscan_result **out, kpiscan_error *err);

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

/* A result is self-contained: it holds its own copies of everything it
 * gives out (document text, name, evidence text, rule ids, part names,
 * spans, red flags, interview questions, the pack's name, version and
 * hash), so it may outlive the pack, the options object, the input
 * buffer and the kpiscan_error of the scan that made it; free those
 * whenever you like.  kpiscan_result_to_json() and
 * kpiscan_result_explain() take an options object (or NULL) for excerpts
 * at the time of the call, not the scan's.
 *
 * Free a result.  NULL is a no-op.  Evidence and span pointers and every
 * const char * taken from it die with it.  Exclusive: res. */
KPISCAN_API void kpiscan_result_free(kpiscan_result *res);

/* Every accessor of a result, its evidence and its spans below only
 * reads: each is thread-safe, so one result may be read by several
 * threads at once.  Given NULL, an accessor returns what says "nothing":
 * NULL for a string or an item; 0 for a count, a flag, a score, a
 * confidence, a date, a position or a span's years; a negative number for
 * a result's years; and -1 for a level, a presence or a category (never
 * KPISCAN_LEVEL_NONE, which is an estimate). */

/* The name given to the scan ("<buffer>" when none).  Owned. */
KPISCAN_API const char *kpiscan_result_name(const kpiscan_result *res);

/* Detected format: "text", "docx", "odt", "pdf", "html", "rtf", "doc". */
KPISCAN_API const char *kpiscan_result_format(const kpiscan_result *res);

/* The estimate: a kpiscan_level (-1 for NULL). */
KPISCAN_API int kpiscan_result_level(const kpiscan_result *res);

/* Confidence in [0, 1] that the evidence supports this level rather than a
 * neighbouring one; see docs/scoring.md for its exact meaning. */
KPISCAN_API double kpiscan_result_confidence(const kpiscan_result *res);

/* Score of one level (KPISCAN_LEVEL_JUNIOR..SENIOR): the sum of the
 * contributions of the evidence items to that level. */
KPISCAN_API double kpiscan_result_score(const kpiscan_result *res, int level);

/* Years of experience: total merged paid employment, from the dated jobs,
 * else from a statement ("7+ years of experience"); a negative value when
 * the resume gives neither.  The years of the jobs that show KPI work are
 * kpiscan_result_kpi_years(). */
KPISCAN_API double kpiscan_result_years(const kpiscan_result *res);

/* The as-of date used for "Present", as YYYYMMDD. */
KPISCAN_API long kpiscan_result_as_of(const kpiscan_result *res);

/* Where that date came from, as the JSON "as_of_source": "option" (set
 * with kpiscan_options_set_as_of), "document modified date" (a DOCX, ODT,
 * PDF, RTF or .doc's last save, used when it is earlier than today and not
 * older than a job the document lists) or "today".  An ATS that stores the
 * estimate needs it to tell whether "Present" meant the upload day or
 * the day the candidate last saved the file.  Static; NULL for NULL. */
KPISCAN_API const char *kpiscan_result_as_of_source(const kpiscan_result *res);

/* How kpiscan_result_years() was chosen, in words for a reader, as the
 * JSON's basis.years_rule: "from all dated jobs, merged", "from the
 * statement (no dated jobs)", "from the jobs' stated lengths, added up (no
 * dated jobs)" or "no years found".  To branch in code,
 * test kpiscan_result_dated_years() and kpiscan_result_stated_years()
 * instead: the words may be reworded.  Static; NULL for NULL. */
KPISCAN_API const char *kpiscan_result_years_rule(const kpiscan_result *res);

/* The pack that scored this result, as kpiscan_pack_name(),
 * kpiscan_pack_version() and kpiscan_pack_hash() gave them at scan time
 * (the JSON "pack" object), so a stored estimate can be tied to the exact
 * rules that made it after the pack is freed or replaced.  Owned by the
 * result; NULL for NULL. */
KPISCAN_API const char *kpiscan_result_pack_name(const kpiscan_result *res);
KPISCAN_API const char *kpiscan_result_pack_version(const kpiscan_result *res);
KPISCAN_API const char *kpiscan_result_pack_hash(const kpiscan_result *res);

/* The rubric's steps behind the level, for a service that filters on
 * them ("mid, but on weak evidence") without parsing JSON.
 *
 * KPI presence: KPISCAN_PRESENCE_STRONG for KPI work shown in a job,
 * _WEAK for the incidental kind only (met targets, generic reporting, KPI
 * words only in a skills list), _NONE for nothing of the kind (then the
 * level is KPISCAN_LEVEL_NONE).  kpiscan_presence_name() gives "none",
 * "weak", "strong" as in the JSON's basis.presence (NULL for another
 * value). */
typedef enum kpiscan_presence {
    KPISCAN_PRESENCE_NONE = 0,
    KPISCAN_PRESENCE_WEAK = 1,
    KPISCAN_PRESENCE_STRONG = 2
} kpiscan_presence;
KPISCAN_API int kpiscan_result_presence(const kpiscan_result *res);
KPISCAN_API const char *kpiscan_presence_name(int presence);
/* The level the indicator phrases shown in work say (a kpiscan_level), and
 * how many distinct phrases of that level there are; -1 and 0 when none
 * sets a level. */
KPISCAN_API int kpiscan_result_indicator_level(const kpiscan_result *res);
KPISCAN_API size_t kpiscan_result_indicator_phrases(const kpiscan_result *res);
/* The band of kpiscan_result_years() (junior < 2 <= mid < 5 <= senior),
 * -1 when the years are unknown. */
KPISCAN_API int kpiscan_result_years_level(const kpiscan_result *res);

/* One-line reason for the level, the rubric's steps in words, e.g. "KPI
 * presence strong; indicators say senior (16 distinct phrases shown in
 * work); years say senior (12.8 y); they agree".  Owned. */
KPISCAN_API const char *kpiscan_result_reason(const kpiscan_result *res);

/* The decoded document text all positions refer to: valid UTF-8, line ends
 * LF.  *len receives its length in bytes (may be NULL).  Owned. */
KPISCAN_API const char *kpiscan_result_text(const kpiscan_result *res,
                                            size_t *len);

/* Evidence items, in order of position in the text. */
KPISCAN_API size_t kpiscan_result_evidence_count(const kpiscan_result *res);
KPISCAN_API const kpiscan_evidence *
kpiscan_result_evidence(const kpiscan_result *res, size_t i);

/* Evidence accessors.  Strings are owned by the result. */
KPISCAN_API const char *kpiscan_evidence_rule_id(const kpiscan_evidence *ev);
KPISCAN_API int kpiscan_evidence_category(const kpiscan_evidence *ev);
KPISCAN_API int kpiscan_evidence_level(const kpiscan_evidence *ev);
/* The rule's weight in the pack. */
KPISCAN_API double kpiscan_evidence_weight(const kpiscan_evidence *ev);
/* weight x section factor x repeat factor: the item's weight after its
 * section and repeat discounts; 0 for words already counted under another
 * rule's match.  It adds to its level's score (an item of level none, such
 * as the term "KPI", to none), and a term, achievement, indicator or
 * quantified item also to the KPI evidence score (the JSON's
 * basis.kpi_score). */
KPISCAN_API double kpiscan_evidence_contribution(const kpiscan_evidence *ev);
/* The matched text, as it stands in kpiscan_result_text(). */
KPISCAN_API const char *kpiscan_evidence_text(const kpiscan_evidence *ev);
/* Byte offset and length in kpiscan_result_text(). */
KPISCAN_API size_t kpiscan_evidence_offset(const kpiscan_evidence *ev);
KPISCAN_API size_t kpiscan_evidence_length(const kpiscan_evidence *ev);
/* 1-based line; 1-based column counted in Unicode code points. */
KPISCAN_API size_t kpiscan_evidence_line(const kpiscan_evidence *ev);
KPISCAN_API size_t kpiscan_evidence_column(const kpiscan_evidence *ev);
/* Section the item stands in: "summary", "experience", "education",
 * "skills", "certifications", "projects", "other" (a heading such as
 * "Languages" or "Awards"), or "" when none was found. */
KPISCAN_API const char *kpiscan_evidence_section(const kpiscan_evidence *ev);

/* 1 when the item stands in text hidden from a reader (DOCX/ODT vanish,
 * white or tiny text).  Hidden items never count toward a level; they are
 * listed under the "hidden text" red flag. */
KPISCAN_API int kpiscan_evidence_hidden(const kpiscan_evidence *ev);
/* Where the item stands in the document's own structure: for DOCX/ODT the
 * part ("word/document.xml") and the 1-based paragraph index in it; for a
 * PDF the page ("page 2") and the 1-based line on that page; "" and 0 for
 * plain text. */
KPISCAN_API const char *kpiscan_evidence_part(const kpiscan_evidence *ev);
KPISCAN_API size_t kpiscan_evidence_paragraph(const kpiscan_evidence *ev);

/* Number of hidden evidence items (0 when no hidden text matched a rule). */
KPISCAN_API size_t kpiscan_result_hidden_count(const kpiscan_result *res);

/* Red flags, in the order of the JSON "red_flags" array: the scorer's
 * findings ("hidden-text", "kpi-without-outcome",
 * "no-analysis-or-reporting", "buzzword-stuffing", "evidence-limit"; see
 * docs/scoring.md), then each visible match of a pack rule of category
 * "red-flag" (its id is the rule id).  Flags never change the level.  For
 * i >= kpiscan_result_flag_count(): NULL and 0. */
KPISCAN_API size_t kpiscan_result_flag_count(const kpiscan_result *res);
/* The flag's id.  Owned. */
KPISCAN_API const char *kpiscan_result_flag_id(const kpiscan_result *res,
                                               size_t i);
/* One sentence for a recruiter, e.g. "KPI terms appear 3 time(s) but are
 * never tied to a business goal or outcome ..."; for a red-flag phrase of
 * the pack, its rule's description.  Owned. */
KPISCAN_API const char *kpiscan_result_flag_message(const kpiscan_result *res,
                                                    size_t i);
/* 1-based line of the first item it points at; 0 for an absence. */
KPISCAN_API size_t kpiscan_result_flag_line(const kpiscan_result *res,
                                            size_t i);
/* How many items it counts (hidden matches, repeats, dropped matches); 0
 * when that means nothing for the flag. */
KPISCAN_API size_t kpiscan_result_flag_items(const kpiscan_result *res,
                                             size_t i);

/* Interview questions from the pack for the estimated level and the one
 * above (JSON "questions"), to verify the claim in an interview.  For
 * i >= kpiscan_result_question_count(): NULL and -1. */
KPISCAN_API size_t kpiscan_result_question_count(const kpiscan_result *res);
/* The question.  Owned. */
KPISCAN_API const char *kpiscan_result_question(const kpiscan_result *res,
                                                size_t i);
/* The kpiscan_level it probes. */
KPISCAN_API int kpiscan_result_question_level(const kpiscan_result *res,
                                              size_t i);
/* What a good answer contains, or NULL when the pack gives none.  Owned. */
KPISCAN_API const char *
kpiscan_result_question_answer(const kpiscan_result *res, size_t i);

/* Experience spans found in the text: employment date ranges and explicit
 * statements ("7+ years of experience"), in text order. */
typedef struct kpiscan_span kpiscan_span;
KPISCAN_API size_t kpiscan_result_span_count(const kpiscan_result *res);
KPISCAN_API const kpiscan_span *kpiscan_result_span(const kpiscan_result *res,
                                                    size_t i);
/* 1 for a statement, 0 for a date range. */
KPISCAN_API int kpiscan_span_is_statement(const kpiscan_span *sp);
/* Range start and end as YYYYMM (end resolved against the as-of date when
 * open); 0 for statements. */
KPISCAN_API long kpiscan_span_start(const kpiscan_span *sp);
KPISCAN_API long kpiscan_span_end(const kpiscan_span *sp);
KPISCAN_API double kpiscan_span_years(const kpiscan_span *sp);
/* 1 when the span counts toward the years (not under education etc.). */
KPISCAN_API int kpiscan_span_counted(const kpiscan_span *sp);
KPISCAN_API const char *kpiscan_span_text(const kpiscan_span *sp);
KPISCAN_API size_t kpiscan_span_line(const kpiscan_span *sp);
KPISCAN_API size_t kpiscan_span_column(const kpiscan_span *sp);
/* 1 for a range that ran to "Present", "Current" or "to date" (its end is
 * the as-of month, kpiscan_result_as_of()), 0 for a closed range and for
 * statements.  JSON "open_ended". */
KPISCAN_API int kpiscan_span_open_ended(const kpiscan_span *sp);
/* 1 for a counted range whose job shows KPI work, the ranges that make
 * kpiscan_result_kpi_years(); 0 otherwise and for statements.  JSON
 * "kpi_job". */
KPISCAN_API int kpiscan_span_kpi_job(const kpiscan_span *sp);
/* The job line the range heads, with the dates and separators left out
 * ("Operations Analyst Acme Corp" for "Operations Analyst, Acme Corp, Jun
 * 2020 - Present"; a label of the dates such as "from" or "Period:" is
 * no job, and dates left alone on their line take the line above or
 * below), or NULL when none was found and for statements.  JSON
 * "job", which excerpts off (kpiscan_options_set_excerpts) leaves out;
 * the accessor always gives it.  Owned. */
KPISCAN_API const char *kpiscan_span_job(const kpiscan_span *sp);
/* Section the span stands in, named as by kpiscan_evidence_section():
 * "summary", "experience", "education", "skills", "certifications",
 * "projects", "other", or "" when none was found (the JSON's null). */
KPISCAN_API const char *kpiscan_span_section(const kpiscan_span *sp);

/* Years from the date ranges (merged) and from statements; negative when
 * absent.  The stated years are the largest statement, or the lengths of
 * jobs given in brackets ("Analyst (9 months)") added up when that is
 * more.  kpiscan_result_years() picks between them (docs/scoring.md). */
KPISCAN_API double kpiscan_result_dated_years(const kpiscan_result *res);
KPISCAN_API double kpiscan_result_stated_years(const kpiscan_result *res);
/* Years of the jobs that show KPI work (their date ranges merged);
 * negative when no dated job shows KPI work.  A fact beside the career
 * years, never the years band of the estimate. */
KPISCAN_API double kpiscan_result_kpi_years(const kpiscan_result *res);

/* Stretches of employment: the counted date ranges merged where they
 * overlap (ranges that only touch stay apart), in time order, as the JSON
 * "employment" array.  For stretch i, *start and *end receive its first and
 * last month as YYYYMM (either pointer may be NULL) and the return value
 * is its months, end minus start as in the JSON (0 for a job dated within
 * one month).  For i >= kpiscan_result_employment_count() or a NULL res:
 * -1, and 0 in *start and *end. */
KPISCAN_API size_t kpiscan_result_employment_count(const kpiscan_result *res);
KPISCAN_API int kpiscan_result_employment(const kpiscan_result *res, size_t i,
                                          long *start, long *end);

/* Gaps between those stretches: the whole months between the end of one
 * and the start of the next, in time order, as the JSON "gaps" array.
 * They are facts of the result whether or not kpiscan_options_set_gaps()
 * was on: that option only decides whether the JSON and the explanation
 * show them.  Gaps never change the estimate (they often stand for
 * parental leave or illness).  Index i counts gaps, not stretches: gap 0
 * is the first gap there is.  For gap i, *start and *end receive its
 * first and last month as YYYYMM (either pointer may be NULL) and the
 * return value is its months, both ends included as in the JSON (a gap of
 * one month is 1).  For i >= kpiscan_result_gap_count() or a NULL res:
 * -1, and 0 in *start and *end. */
KPISCAN_API size_t kpiscan_result_gap_count(const kpiscan_result *res);
KPISCAN_API int kpiscan_result_gap(const kpiscan_result *res, size_t i,
                                   long *start, long *end);

/* The estimate's arithmetic as readable text: every evidence item with
 * weight x section factor x repeat factor = contribution, the per-level
 * sums, the years (each range, the merged stretches, the statement and
 * which one was used), the rule that combined them, the parts of the
 * confidence, red flags and interview questions.  opts decides excerpts
 * (NULL: with).  Free with kpiscan_free(); NULL when out of memory.
 * Thread-safe. */
KPISCAN_API char *kpiscan_result_explain(const kpiscan_result *res,
                                         const kpiscan_options *opts);

/* Serialise a result as one JSON object (no trailing newline).  flags: 0
 * (one line, fit for JSONL) or KPISCAN_JSON_PRETTY.  opts (may be NULL)
 * decides whether excerpts are included.  Returns a string to free with
 * kpiscan_free(), or NULL when out of memory.  Thread-safe. */
#define KPISCAN_JSON_PRETTY 1u
KPISCAN_API char *kpiscan_result_to_json(const kpiscan_result *res,
                                         const kpiscan_options *opts,
                                         unsigned flags);

/* JSON for a file that could not be scanned: the same schema with status
 * "error", null level and years, and the error's code and message.
 * Returns NULL when err holds no failure (NULL, new, cleared, or a
 * success status): no error record describes a success.  Thread-safe
 * (err is only read). */
KPISCAN_API char *kpiscan_error_to_json(const char *name,
                                        const kpiscan_error *err,
                                        unsigned flags);

/* Version of the JSON output schema, carried as "schema" in every object. */
#define KPISCAN_JSON_SCHEMA_VERSION 2

/* ------------------------------------------------------------------ */
/* Batches                                                             */
/* ------------------------------------------------------------------ */

/* A batch scans many inputs on a pool of worker threads sharing one pack,
 * and hands each outcome, as a record, to a callback: exactly one record
 * per input file.  Records are delivered in input order (or as they finish
 * with KPISCAN_BATCH_UNORDERED), one at a time: the callback never runs
 * concurrently with itself, so it may write to a stream without locking.
 * Memory stays flat: at most a small window of inputs is in flight, and
 * kpiscan_batch_add_*() wait while the window is full.
 *
 * Directory walks (kpiscan_batch_add_path on a directory) visit entries in
 * natural name order ("2.txt" before "10.txt", letters without case;
 * byte order between names equal by that key, such as "01" and "1"), so
 * output is reproducible.  Regular
 * files are read and sniffed: documents give a record (an error record when
 * they cannot be read, e.g. a password-protected .doc); binary data (images,
 * executables), ZIP archives holding no Word or ODT document (.zip, .jar,
 * .xlsx; not one named .docx or .odt, which is a damaged CV), OLE files
 * holding no Word document (.xls, .ppt, Thumbs.db; not one named .doc)
 * and, by their names, source code, scripts, build and configuration files
 * and data tables (.c, .py, .sh, .yml, .json, .csv, .tsv, .log, Makefile,
 * ...; not a name with a space or one starting "cv" or "resume", and
 * extensions in lower case only), the lock files Office writes beside an
 * open document ("~$name"), empty files whose name is not a resume's (an
 * empty "cv.txt" is an error record) and kpiscan's own earlier reports,
 * known by their first KiB (text, JSON, CSV, GitHub, HTML or JUnit output,
 * a standard-error log), give a "skipped" record without being scanned.  FIFOs,
 * sockets and devices met in a walk are skipped without being opened; hidden
 * names (".x") are skipped unless KPISCAN_WALK_HIDDEN (a hidden folder gives
 * one skipped record and is not walked); symbolic links met in a walk are
 * skipped unless KPISCAN_WALK_FOLLOW, and directory loops are detected and
 * skipped; followed, a link that leads nowhere is skipped too unless its
 * name says resume (.txt, .pdf, .docx, ...), when it is an error record.  A
 * path given directly is never skipped: a FIFO is read to its end like standard
 * input, except that when nothing is written to it for 30 s (no writer opened
 * it, or one holds it open without writing) its record fails with
 * KPISCAN_ERR_IO ("FIFO: nothing was written to it within 30 s (no writer?)")
 * instead of holding back the records after it for ever; a writer that closes
 * it without writing gives KPISCAN_ERR_EMPTY, as an empty file does.  An
 * anonymous pipe named by its path ("<(cmd)", /dev/stdin fed by a pipe) always
 * has its writer and is waited for however long it is silent, as standard input
 * is.  A symbolic link is followed whatever the flags ("find -H"): to a folder,
 * which is walked, or to a file; one that leads nowhere (a missing target, a
 * loop) gives an error record saying which. */
typedef struct kpiscan_batch kpiscan_batch;
typedef struct kpiscan_record kpiscan_record;

/* Called once per input with its record.  rec and everything reached
 * through it are valid only during the call.  Records are delivered with
 * the batch's lock held, so the callback must not add to, set up or
 * finish its own batch: those calls fail with KPISCAN_ERR_ARGUMENT
 * ("called from the batch's own record callback"), and
 * kpiscan_batch_free() does nothing there.  It may read the counters and
 * feed another batch. */
typedef void (*kpiscan_record_fn)(const kpiscan_record *rec, void *user);

#define KPISCAN_BATCH_UNORDERED 1u /* deliver records as they finish */
/* Workers serialise each record (not skipped ones) as JSON with the
 * batch's options, in parallel, before delivery: kpiscan_record_json()
 * gives it to the callback, which otherwise would serialise one record at
 * a time under the delivery order.  Compact, or indented with
 * KPISCAN_BATCH_RENDER_PRETTY as well. */
#define KPISCAN_BATCH_RENDER_JSON 2u
#define KPISCAN_BATCH_RENDER_PRETTY 4u
/* Scan each regular file once: a file queued again through another path
 * or a walk (the same device and inode, e.g. a manifest's file inside a
 * walked folder) gives no second record.  Without it every path added
 * gives a record, the same file named twice included. */
#define KPISCAN_BATCH_UNIQUE 8u
#define KPISCAN_WALK_FOLLOW 1u /* follow symbolic links met in walks */
#define KPISCAN_WALK_HIDDEN 2u /* include hidden files and folders */

/* Start a batch with jobs worker threads (0 = number of online CPUs; at
 * most 256, a larger number starts 256).  The pack and options must
 * outlive the batch.  Errors: KPISCAN_ERR_ARGUMENT,
 * _NOMEM, _INTERNAL (threads could not start).  Thread-safe. */
KPISCAN_API int kpiscan_batch_new(const kpiscan_pack *pack,
                                  const kpiscan_options *opts, unsigned jobs,
                                  unsigned flags, kpiscan_record_fn fn,
                                  void *user, kpiscan_batch **out,
                                  kpiscan_error *err);

/* Queue a file, or every file under a directory (walk_flags above).  The
 * record callback may run before this returns.  Problems with the inputs
 * themselves (missing, unreadable) become error records, not failures of
 * this call, which fails only on KPISCAN_ERR_NOMEM / _ARGUMENT.
 * Exclusive: b against other adds and finish (the workers run alongside). */
KPISCAN_API int kpiscan_batch_add_path(kpiscan_batch *b, const char *path,
                                       unsigned walk_flags, kpiscan_error *err);

/* Queue a document held in memory (copied).  name is for records.
 * Exclusive: b against other adds and finish. */
KPISCAN_API int kpiscan_batch_add_buffer(kpiscan_batch *b, const void *data,
                                         size_t len, const char *name,
                                         kpiscan_error *err);

/* Read the open file descriptor fd (standard input, a pipe) to its end in
 * the calling thread and queue what it held, named name.  Reading stops
 * at the input limit (kpiscan_options_set_max_input_bytes), so a stream
 * costs at most that much memory; a stream past the limit or a read error
 * becomes an error record (KPISCAN_ERR_LIMIT, KPISCAN_ERR_IO with the
 * system's reason), not a failure of this call, which fails only on
 * KPISCAN_ERR_NOMEM / _ARGUMENT.  fd stays open.  Exclusive: b against
 * other adds and finish. */
KPISCAN_API int kpiscan_batch_add_fd(kpiscan_batch *b, int fd, const char *name,
                                     kpiscan_error *err);

/* Queue an error record (status < 0, reason text) for an input the caller
 * could not obtain, e.g. standard input failed to read, so it is reported
 * in order with the others.  Exclusive: b against other adds and finish. */
KPISCAN_API int kpiscan_batch_add_failure(kpiscan_batch *b, const char *name,
                                          int status, const char *reason,
                                          kpiscan_error *err);

/* Pass the file at path over in later directory walks: a walk that meets
 * it (the same device and inode, however the walk spells its path) gives a
 * skipped record with status and reason (status < 0) instead of scanning
 * it, as it does for an image.  For a file beside the resumes that is no
 * resume, such as the manifest of a CI gate kept in the folder it
 * describes, which would otherwise be scored as a candidate.  A path named
 * directly (kpiscan_batch_add_path on the file itself) is still scanned.
 * A path that does not exist is KPISCAN_ERR_IO.  Exclusive: b against adds
 * and finish. */
KPISCAN_API int kpiscan_batch_skip_file(kpiscan_batch *b, const char *path,
                                        int status, const char *reason,
                                        kpiscan_error *err);

/* Ranking keys for kpiscan_batch_set_sort() and kpiscan_record_compare().
 * Every key puts results first, then error records; ties keep input
 * order, so a ranking is reproducible. */
typedef enum kpiscan_sort {
    KPISCAN_SORT_INPUT = 0,      /* input order (no sort) */
    KPISCAN_SORT_LEVEL = 1,      /* strongest level first; within a level
                                  * the highest confidence first, but
                                  * within none the lowest (the nearest
                                  * to showing KPI work) */
    KPISCAN_SORT_CONFIDENCE = 2, /* highest confidence first */
    KPISCAN_SORT_YEARS = 3,      /* most years first; unknown years last */
    KPISCAN_SORT_NAME = 4        /* natural order (2 before 10), case-blind */
} kpiscan_sort;

/* "input", "level", "confidence", "years", "name" to a kpiscan_sort, or
 * -1 for any other name.  Thread-safe. */
KPISCAN_API int kpiscan_sort_from_name(const char *name);
/* The name of a kpiscan_sort; NULL for an invalid value.  Thread-safe. */
KPISCAN_API const char *kpiscan_sort_name(int key);

/* Order two records by key: negative when a ranks before b, positive when
 * after, 0 only for the same record (input order breaks every tie).
 * Thread-safe. */
KPISCAN_API int kpiscan_record_compare(const kpiscan_record *a,
                                       const kpiscan_record *b, int key);

/* Deliver records ranked by key (a kpiscan_sort) instead of in input
 * order.  Ranking needs every record, so the batch holds each one (its
 * result, document text and any rendered JSON, typically 10-50 KB per
 * resume) until kpiscan_batch_finish(), which then runs the callback for
 * every held record in order: memory grows with the batch, unlike the
 * default, which stays flat.  Skipped records are not ranked and are
 * delivered when they occur.  Must be called before the first input is
 * queued.  Errors: KPISCAN_ERR_ARGUMENT (unknown key, or inputs already
 * queued).  Exclusive: b. */
KPISCAN_API int kpiscan_batch_set_sort(kpiscan_batch *b, int key,
                                       kpiscan_error *err);

/* Keep only the inputs of shard k of n (1 <= k <= n): an input whose name
 * (the path as given, or as a walk built it from the path given; a
 * buffer's name) hashes to another shard is dropped when queued, with no
 * record and no count.  The hash is FNV-1a 64 over the name's bytes
 * (offset basis 14695981039346656037, prime 1099511628211); the input
 * belongs to shard (hash mod n) + 1.  n machines running the same list
 * with k = 1..n thus scan each input exactly once, with no coordinator.
 * Call before queueing.  Errors: KPISCAN_ERR_ARGUMENT (k or n out of
 * range, or inputs already queued).  Exclusive: b. */
KPISCAN_API int kpiscan_batch_set_shard(kpiscan_batch *b, unsigned k,
                                        unsigned n, kpiscan_error *err);

/* The shard (1..n) that name belongs to among n (FNV-1a 64, as above);
 * 0 when name is NULL or n is 0.  Thread-safe. */
KPISCAN_API unsigned kpiscan_shard_of(const char *name, unsigned n);

/* Wait until every queued input has been delivered, then stop the
 * workers.  Returns KPISCAN_OK; later adds fail with _ARGUMENT.  With a
 * sort, the held records are delivered here, on the calling thread; when
 * memory ran out to hold one, it was delivered at once, out of rank, and
 * this returns KPISCAN_ERR_NOMEM.  From the record callback it returns
 * KPISCAN_ERR_ARGUMENT and finishes nothing.  Exclusive: b. */
KPISCAN_API int kpiscan_batch_finish(kpiscan_batch *b);

/* Finish (if not yet done) and free the batch.  NULL is a no-op, and so
 * is a call from the batch's own record callback.  Exclusive: b. */
KPISCAN_API void kpiscan_batch_free(kpiscan_batch *b);

/* Counters, safe to read from any thread at any time, the record callback
 * included. */
typedef enum kpiscan_count {
    KPISCAN_COUNT_QUEUED = 0, /* inputs queued so far (records to come) */
    KPISCAN_COUNT_DELIVERED,  /* records delivered so far */
    KPISCAN_COUNT_SCANNED,    /* records with a result */
    KPISCAN_COUNT_ERRORS,     /* error records */
    KPISCAN_COUNT_SKIPPED,    /* skipped records (walks only) */
    KPISCAN_COUNT_NONE,       /* results per level ... */
    KPISCAN_COUNT_JUNIOR,
    KPISCAN_COUNT_MID,
    KPISCAN_COUNT_SENIOR,
    KPISCAN_COUNT_HIDDEN_TEXT, /* results carrying the hidden-text flag */
    KPISCAN_COUNT_BYTES        /* input bytes scanned */
} kpiscan_count;
KPISCAN_API size_t kpiscan_batch_count(const kpiscan_batch *b, int what);

/* The batch's counters as one JSON Lines summary record (one line, no
 * newline): {"schema":2,"summary":{...},"pack":{name, version, hash}},
 * described in docs/output.md.  Every string goes through the JSON writer,
 * so a pack's name or version cannot add members.  seconds >= 0 adds a
 * "timing" object; pass a negative value to leave it out.  Returns a
 * string to free with kpiscan_free(), NULL when out of memory or b is
 * NULL.  Thread-safe with the workers. */
KPISCAN_API char *kpiscan_batch_summary_json(const kpiscan_batch *b,
                                             const kpiscan_pack *pack,
                                             double seconds);
/* The same record for a run that applied gates (kpiscan_gate_check): the
 * summary adds "gate_failures", the number of records that failed a gate,
 * as counted by the caller.  A negative gate_failures leaves it out, as
 * kpiscan_batch_summary_json() does.  Thread-safe with the workers. */
KPISCAN_API char *
kpiscan_batch_summary_json_with_gates(const kpiscan_batch *b,
                                      const kpiscan_pack *pack, double seconds,
                                      long gate_failures);

/* A copy of s fit for a terminal or a text file: every byte that is not
 * part of valid UTF-8, every C0 or C1 control other than newline and tab
 * (escape sequences included) and every bidirectional embedding, override
 * or isolate (U+202A..U+202E, U+2066..U+2069, which make a terminal show
 * a name reversed) replaced by U+FFFD.  For printing file
 * names, messages and resume text that may hold anything.  Returns a
 * string to free with kpiscan_free(), NULL when out of memory; s NULL
 * gives "".  Thread-safe. */
KPISCAN_API char *kpiscan_text_clean(const char *s);

/* Record accessors.  A record is one of: a result (status KPISCAN_OK), an
 * error (status < 0, detail in kpiscan_record_error), or skipped (a walk
 * met something that is not a document; the reason is in the error).
 * Thread-safe (a record only lives during its callback). */
KPISCAN_API size_t kpiscan_record_index(const kpiscan_record *rec);
KPISCAN_API const char *kpiscan_record_name(const kpiscan_record *rec);
KPISCAN_API int kpiscan_record_status(const kpiscan_record *rec);
KPISCAN_API int kpiscan_record_skipped(const kpiscan_record *rec);
/* The input's size in bytes: a regular file's size, a buffer's or a
 * stream's length; the same for a result and an error record.  0 for a
 * skipped record and for a file that could not be found. */
KPISCAN_API size_t kpiscan_record_bytes(const kpiscan_record *rec);
/* The SHA-256 of the input's bytes in lowercase hex (64 digits) when the
 * batch's options asked for it (kpiscan_options_set_sha256); NULL when
 * not asked, or when the input could not be read (a missing or unreadable
 * file, a limit exceeded while reading, a skipped record).  An input read
 * whole but empty has the SHA-256 of no bytes (e3b0c442...), as any tool
 * gives for an empty file. */
KPISCAN_API const char *kpiscan_record_sha256(const kpiscan_record *rec);
KPISCAN_API const kpiscan_result *
kpiscan_record_result(const kpiscan_record *rec);
KPISCAN_API const kpiscan_error *
kpiscan_record_error(const kpiscan_record *rec);

/* The JSON the workers rendered (KPISCAN_BATCH_RENDER_JSON), owned by the
 * record; NULL without that flag, for skipped records, or when rendering
 * ran out of memory (kpiscan_record_to_json() then).  Thread-safe. */
KPISCAN_API const char *kpiscan_record_json(const kpiscan_record *rec);
/* One JSON object for the record: the result JSON, or the error JSON
 * (status "error" or "skipped").  Free with kpiscan_free().  Thread-safe. */
KPISCAN_API char *kpiscan_record_to_json(const kpiscan_record *rec,
                                         const kpiscan_options *opts,
                                         unsigned flags);

/* CSV (RFC 4180, CRLF line ends).  The header row and one row per record,
 * each ending in CRLF; columns: file, status, level, presence, confidence,
 * years, kpi_years, evidence_count, top_evidence, red_flags (ids joined with
 * ';'), reason (one line), hidden_text, error, pack, as_of, as_of_source
 * (docs/output.md); new columns are added at the end.  Rows free with
 * kpiscan_free(); the header is static.  Thread-safe. */
KPISCAN_API const char *kpiscan_csv_header(void);
KPISCAN_API char *kpiscan_record_to_csv(const kpiscan_record *rec,
                                        const kpiscan_options *opts);

/* ------------------------------------------------------------------ */
/* Gates for CI                                                        */
/* ------------------------------------------------------------------ */

/* A gate judges each record against expectations: a minimum level, an
 * exact level, a manifest of expected levels per file, and the hidden-text
 * red flag.  Set it up from one thread, then kpiscan_gate_check() is
 * thread-safe.  Levels order none < junior < mid < senior. */
typedef struct kpiscan_gate kpiscan_gate;

/* A gate with no expectations (everything passes).  NULL when out of
 * memory.  Thread-safe. */
KPISCAN_API kpiscan_gate *kpiscan_gate_new(void);
/* NULL is a no-op.  Exclusive: g. */
KPISCAN_API void kpiscan_gate_free(kpiscan_gate *g);

/* Fail a resume whose level is below level (a kpiscan_level).
 * KPISCAN_ERR_ARGUMENT for an invalid level.  Exclusive: g. */
KPISCAN_API int kpiscan_gate_set_fail_under(kpiscan_gate *g, int level);
/* Fail a resume whose level is not exactly level.  Exclusive: g. */
KPISCAN_API int kpiscan_gate_set_expect(kpiscan_gate *g, int level);
/* Fail a resume that carries the hidden-text red flag; the failure's
 * message lists the hidden items before the top evidence.  Exclusive: g. */
KPISCAN_API int kpiscan_gate_set_fail_on_hidden(kpiscan_gate *g, int on);
/* With a manifest, fail a scanned file the manifest does not list (a
 * loaded manifest itself, walked with the folder it describes, is not
 * counted).  Exclusive: g. */
KPISCAN_API int kpiscan_gate_set_strict(kpiscan_gate *g, int on);

/* Read a manifest: lines "path<TAB>level", blank lines and '#' comments
 * allowed (also after the level, following a blank), paths relative to the
 * manifest's folder.  A malformed line, a line naming a folder, and a file
 * listed again with another level (here or in a manifest loaded before)
 * are KPISCAN_ERR_MANIFEST naming the file and line; so is a manifest that
 * lists no file.  The same file listed twice with one level is one
 * expectation.
 * An unreadable manifest is KPISCAN_ERR_IO; one larger than 16 MiB is
 * KPISCAN_ERR_LIMIT, read no further (a mistaken path such as /dev/zero
 * costs no more memory than that).  May be called more than once.
 * Exclusive: g. */
KPISCAN_API int kpiscan_gate_load_manifest(kpiscan_gate *g, const char *path,
                                           kpiscan_error *err);

/* The files the manifests list, resolved against their folders, in
 * manifest order: the inputs a CI run scans.  Owned by the gate.
 * Thread-safe. */
KPISCAN_API size_t kpiscan_gate_manifest_count(const kpiscan_gate *g);
KPISCAN_API const char *kpiscan_gate_manifest_path(const kpiscan_gate *g,
                                                   size_t i);
/* Where the i-th listed file was listed, for messages about it: the
 * manifest's path as given to kpiscan_gate_load_manifest() (owned by the
 * gate), and the line in *line when line is not NULL.  NULL when i is out
 * of range.  Thread-safe. */
KPISCAN_API const char *kpiscan_gate_manifest_source(const kpiscan_gate *g,
                                                     size_t i, size_t *line);

/* Judge one record.  Returns 0 when every gate passes (error and skipped
 * records pass: input errors are reported by their status, not by gates),
 * 1 when a gate fails.  When message is not NULL it receives, on failure,
 * a text such as "expected mid, got junior" followed by the top evidence
 * lines (free with kpiscan_free()), else NULL.  opts decides whether
 * evidence text appears (excerpts).  Thread-safe. */
KPISCAN_API int kpiscan_gate_check(const kpiscan_gate *g,
                                   const kpiscan_record *rec,
                                   const kpiscan_options *opts, char **message);

/* JUnit XML for CI test views (GitLab, Jenkins, GitHub reporters): one
 * testsuite, one testcase per record (classname from the folder, name from
 * the file), a <failure> for a failed gate and an <error> for an input that
 * could not be scanned.  Written with libxml2's xmlTextWriter.  The XML is
 * produced at the end because the suite's counts come first.  No
 * timestamps or durations, so output is reproducible. */
typedef struct kpiscan_junit kpiscan_junit;

/* suite_name labels the testsuite ("kpiscan" when NULL).  NULL when out of
 * memory.  Thread-safe. */
KPISCAN_API kpiscan_junit *kpiscan_junit_new(const char *suite_name);
/* NULL is a no-op.  Exclusive: j. */
KPISCAN_API void kpiscan_junit_free(kpiscan_junit *j);

/* Add the record's testcase; failure is the gate's message (NULL: the case
 * passed).  A skipped record (a walk passed the file over) becomes a
 * skipped case with the reason.  Exclusive: j. */
KPISCAN_API int kpiscan_junit_add(kpiscan_junit *j, const kpiscan_record *rec,
                                  const char *failure);

/* The complete document (UTF-8, ending in a newline), to free with
 * kpiscan_free(); NULL when out of memory.  pack may be NULL; when given,
 * its name, version and hash are suite properties.  Thread-safe. */
KPISCAN_API char *kpiscan_junit_xml(const kpiscan_junit *j,
                                    const kpiscan_pack *pack);

/* GitHub Actions workflow commands for a record: an "::error" line for a
 * failed gate (failure != NULL) or an input error, a "::warning" line for
 * the hidden-text flag unless that gate's failure already names it; ""
 * when there is nothing to say.  A plain-text resume's annotation carries
 * the line of the evidence it points at (the hidden text for a failed
 * hidden-text gate, else the strongest); other formats' and input errors'
 * carry none, so GitHub shows them on the file.  Escaped as GitHub
 * requires.  Free with kpiscan_free().  Thread-safe. */
KPISCAN_API char *kpiscan_record_to_github(const kpiscan_record *rec,
                                           const char *failure);

/* An HTML report of a batch for a recruiter: one self-contained file
 * (inline style and script, no request to any network, font or CDN, fit
 * to open from disk, mail or attach) with the batch's summary and a bar
 * chart of levels, a ranked table of every record, errors included,
 * sortable and filterable by level and red flag (by keyboard too), and
 * for each candidate the evidence marked in its sentence with line and
 * column, the decision in words, the red flags and the interview
 * questions.  Every resume-derived string is escaped for where it goes,
 * and a Content-Security-Policy allows only the report's own style and
 * script.  With excerpts off (kpiscan_options_set_excerpts) the report
 * holds no words of the resumes: rule ids and positions only.  The
 * document is produced at the end, as the summary comes first; each add
 * keeps that record's part of the page (a few KB). */
typedef struct kpiscan_html kpiscan_html;

/* opts (may be NULL; copied) decides excerpts and what the explanation
 * shows.  The table starts ranked by KPISCAN_SORT_LEVEL.  NULL when out
 * of memory.  Thread-safe. */
KPISCAN_API kpiscan_html *kpiscan_html_new(const kpiscan_options *opts);
/* NULL is a no-op.  Exclusive: h. */
KPISCAN_API void kpiscan_html_free(kpiscan_html *h);
/* The order the table starts in (a kpiscan_sort; KPISCAN_SORT_INPUT keeps
 * the order of the adds).  KPISCAN_ERR_ARGUMENT for an invalid key.
 * Exclusive: h. */
KPISCAN_API int kpiscan_html_set_sort(kpiscan_html *h, int key);
/* Add a record: results and errors get a row and a section; skipped
 * records are only counted.  KPISCAN_ERR_NOMEM when out of memory (the
 * document is then refused, rather than silently missing a candidate).
 * Exclusive: h. */
KPISCAN_API int kpiscan_html_add(kpiscan_html *h, const kpiscan_record *rec);
/* The complete document (UTF-8), to free with kpiscan_free(); NULL when
 * out of memory, now or in an earlier add.  pack may be NULL; when given,
 * its name, version and hash are in the summary.  Thread-safe. */
KPISCAN_API char *kpiscan_html_document(const kpiscan_html *h,
                                        const kpiscan_pack *pack);

/* Free memory the library returned as a plain string.  NULL is a no-op.
 * Exclusive: p. */
KPISCAN_API void kpiscan_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* KPISCAN_H */
