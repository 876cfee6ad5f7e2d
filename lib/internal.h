/*
 * internal.h - types and helpers shared by the modules of libkpiscan.
 * Never installed; the CLI must not include it.
 */
#ifndef KPISCAN_INTERNAL_H
#define KPISCAN_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kpiscan.h"

#if defined(__GNUC__)
#define KPS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KPS_PRINTF(f, a)
#endif

/* ------------------------------------------------------------------ */
/* Errors (error.c)                                                    */
/* ------------------------------------------------------------------ */

struct kpiscan_error {
    int status;
    size_t line;
    size_t column;
    char file[512];
    char rule_id[128];
    char reason[1024];
    char message[2048]; /* file:line:column: [rule 'id': ]reason */
};

/* Record a failure in err (which may be NULL) and return status, so callers
 * can write `return kps_fail(err, ...)`.  file may be NULL. */
int kps_fail(kpiscan_error *err, int status, const char *file, const char *fmt,
             ...) KPS_PRINTF(4, 5);

/* Put "corrupt <kind>: " before the reason of a KPISCAN_ERR_CORRUPT
 * failure that does not already start with "corrupt ", so every damaged
 * DOCX or ODT reads "corrupt DOCX: reason" whichever layer (zip, XML)
 * found the damage.  Other statuses, and a NULL err, are left alone. */
void kps_error_mark_corrupt(kpiscan_error *err, const char *kind);

/* As kps_fail() with a position and rule id (line/column 0 = unknown,
 * rule_id NULL = none). */
int kps_fail_at(kpiscan_error *err, int status, const char *file, size_t line,
                size_t column, const char *rule_id, const char *fmt, ...)
    KPS_PRINTF(7, 8);

/* ------------------------------------------------------------------ */
/* Growable byte buffer (util.c)                                       */
/* ------------------------------------------------------------------ */

typedef struct kps_buf {
    char *data;
    size_t len;
    size_t cap;
} kps_buf;

/* All return 0 on success, -1 when out of memory.  data stays
 * NUL-terminated after every successful call. */
int kps_buf_reserve(kps_buf *b, size_t extra);
int kps_buf_append(kps_buf *b, const void *p, size_t n);
int kps_buf_putc(kps_buf *b, char c);
/* Append code point cp (must be a valid scalar value) as UTF-8. */
int kps_buf_put_utf8(kps_buf *b, uint32_t cp);
void kps_buf_free(kps_buf *b);

/* ------------------------------------------------------------------ */
/* Limits (options.c)                                                  */
/* ------------------------------------------------------------------ */

typedef struct kps_limits {
    size_t max_input_bytes;    /* whole input */
    size_t max_text_bytes;     /* extracted text */
    size_t max_zip_entries;    /* archive entries */
    size_t max_part_bytes;     /* one uncompressed part */
    size_t max_total_bytes;    /* all uncompressed parts read */
    unsigned max_ratio;        /* uncompressed:compressed, past ratio_floor */
    size_t ratio_floor;        /* bytes below which the ratio is not checked */
    unsigned max_xml_depth;    /* element nesting */
    unsigned long match_limit; /* PCRE2 match limit */
    size_t max_evidence;       /* evidence items kept per document */
} kps_limits;

void kps_limits_default(kps_limits *lim);

/* ------------------------------------------------------------------ */
/* Documents (sniff.c, textdecode.c, docx.c, odt.c)                    */
/* ------------------------------------------------------------------ */

typedef enum kps_format {
    KPS_FORMAT_UNKNOWN = 0,
    KPS_FORMAT_TEXT,
    KPS_FORMAT_DOCX,
    KPS_FORMAT_ODT,
    KPS_FORMAT_ZIP, /* a zip that is neither DOCX nor ODT */
    KPS_FORMAT_PDF,
    KPS_FORMAT_RTF,
    KPS_FORMAT_OLE,   /* legacy .doc/.xls or encrypted OOXML */
    KPS_FORMAT_BINARY /* images, executables, NUL-laden data */
} kps_format;

/* Byte range [start, end) of the document text that came from one
 * paragraph of one part (DOCX/ODT).  Plain text has none. */
typedef struct kps_segment {
    size_t start, end;
    unsigned part;      /* index into kps_doc.parts */
    unsigned paragraph; /* 0-based paragraph index within the part */
} kps_segment;

/* Byte range [start, end) of the document text that is hidden from a
 * reader (vanish, white or tiny text). */
typedef struct kps_range {
    size_t start, end;
} kps_range;

/* A document as extracted: the text every position refers to. */
typedef struct kps_doc {
    kps_format format;
    char *text; /* valid UTF-8, NUL-terminated, LF line ends; malloc'd */
    size_t len;
    char **parts; /* part names ("word/document.xml"), malloc'd */
    size_t nparts;
    kps_segment *segments; /* sorted by start, malloc'd */
    size_t nsegments;
    kps_range *hidden; /* sorted by start, malloc'd */
    size_t nhidden;
    /* docProps/core.xml dcterms:modified, 0 when absent */
    int modified_year, modified_month, modified_day;
} kps_doc;

void kps_doc_free(kps_doc *doc); /* frees members, not doc itself */

/* Recognise the format from the first bytes (never the file name). */
kps_format kps_sniff(const unsigned char *data, size_t len);
const char *kps_format_name(kps_format f);
/* BOM-less UTF-16 detection shared by the sniffer and the decoder, so both
 * agree: KPS_UTF16_LE / _BE when the bytes look like UTF-16 text. */
#define KPS_UTF16_NONE 0
#define KPS_UTF16_LE 1
#define KPS_UTF16_BE 2
int kps_utf16_guess(const unsigned char *data, size_t len);
/* For messages: "PDF document", "RTF document", ... */
const char *kps_format_description(kps_format f);

/* Decode plain text: UTF-8 (BOM skipped), UTF-16LE/BE and UTF-32 with BOM,
 * BOM-less UTF-16 recognised by kps_utf16_guess(); in UTF-8
 * text each invalid byte is read as Windows-1252; CRLF and CR become LF.
 * Fails with KPISCAN_ERR_NOT_TEXT on NUL bytes in UTF-8 text,
 * KPISCAN_ERR_EMPTY when nothing but whitespace remains.  name is for
 * messages. */
int kps_text_decode(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err);

/* Extract a DOCX / ODT document into doc. */
int kps_docx_extract(const unsigned char *data, size_t len, const char *name,
                     const kps_limits *lim, int include_comments, kps_doc *doc,
                     kpiscan_error *err);
int kps_odt_extract(const unsigned char *data, size_t len, const char *name,
                    const kps_limits *lim, kps_doc *doc, kpiscan_error *err);

/* ------------------------------------------------------------------ */
/* Normalisation (normalize.c)                                         */
/* ------------------------------------------------------------------ */

/* A checkpoint of the offset map: from norm_off on, normalised bytes map
 * to source bytes at src_off + (pos - norm_off) until the next checkpoint. */
typedef struct kps_map_point {
    size_t norm_off;
    size_t src_off;
} kps_map_point;

/* Text prepared for matching: ligatures expanded (U+FB01 -> "fi"), curly
 * quotes straightened, dashes and minus signs to '-', NBSP and other
 * spaces to ' ', soft hyphens and zero-width characters removed.  Always
 * valid UTF-8. */
typedef struct kps_norm {
    char *text; /* NUL-terminated, malloc'd */
    size_t len;
    kps_map_point *map; /* sorted by norm_off; map[0] = {0, 0} */
    size_t nmap;
    size_t src_len;
} kps_norm;

/* src must be valid UTF-8.  Returns KPISCAN_OK or KPISCAN_ERR_NOMEM. */
int kps_normalize(const char *src, size_t len, kps_norm *out);
/* Map a normalised offset to the source offset.  An offset inside a
 * replacement maps to the start of the replaced source sequence; an end
 * offset should be mapped with kps_norm_to_src_end(). */
size_t kps_norm_to_src(const kps_norm *n, size_t norm_off);
/* Map an exclusive end offset: the end of the source sequence that produced
 * the byte before norm_end. */
size_t kps_norm_to_src_end(const kps_norm *n, size_t norm_end);
void kps_norm_free(kps_norm *n);

/* ------------------------------------------------------------------ */
/* Sections and timeline (sections.c, timeline.c)                      */
/* ------------------------------------------------------------------ */

typedef enum kps_section {
    KPS_SECTION_NONE = 0,
    KPS_SECTION_SUMMARY,
    KPS_SECTION_EXPERIENCE,
    KPS_SECTION_EDUCATION,
    KPS_SECTION_SKILLS,
    KPS_SECTION_CERTIFICATIONS,
    KPS_SECTION_PROJECTS,
    KPS_SECTION_OTHER /* a heading we recognise as a heading, e.g. hobbies */
} kps_section;

const char *kps_section_name(kps_section s); /* "" for NONE */

typedef struct kps_heading {
    size_t offset; /* start of the heading line */
    size_t length; /* of the heading line, without LF */
    kps_section section;
} kps_heading;

typedef struct kps_sections {
    kps_heading *headings; /* sorted by offset */
    size_t n;
} kps_sections;

/* Find section headings in text (normalised, valid UTF-8, LF lines). */
int kps_sections_detect(const char *text, size_t len, kps_sections *out);
/* Section that contains offset (the last heading at or before it). */
kps_section kps_section_at(const kps_sections *s, size_t offset);
void kps_sections_free(kps_sections *s);

typedef struct kps_ym {
    int year;
    int month; /* 1..12 */
} kps_ym;

typedef enum kps_span_kind {
    KPS_SPAN_RANGE = 0,    /* start to end (end may be "present") */
    KPS_SPAN_STATEMENT = 1 /* "7+ years of experience" */
} kps_span_kind;

typedef struct kps_span {
    kps_span_kind kind;
    kps_ym start, end; /* RANGE: months inclusive; end = as-of if open */
    int open_ended;    /* RANGE ended with Present/Current/to date */
    double years;      /* RANGE: its own length; STATEMENT: stated */
    size_t offset;     /* in the text given to kps_timeline_extract */
    size_t length;
    kps_section section;
    int counted; /* 1 when it counts toward the total */
} kps_span;

typedef struct kps_timeline {
    kps_span *spans; /* in text order */
    size_t n;
    double range_years;  /* merged union of counted ranges, -1 if none */
    double stated_years; /* largest counted statement, -1 if none */
} kps_timeline;

/* Find employment date ranges and experience statements.  Ranges under
 * education or certification headings are kept but not counted.  as_of
 * resolves open ranges; ranges ending after as_of are clipped to it. */
int kps_timeline_extract(const char *text, size_t len,
                         const kps_sections *sections, kps_ym as_of,
                         kps_timeline *out);
void kps_timeline_free(kps_timeline *t);

/* ------------------------------------------------------------------ */
/* Streaming JSON writer (jsonw.c)                                     */
/* ------------------------------------------------------------------ */

#define KPS_JW_MAX_DEPTH 16

/* Writes one JSON value (usually an object) into a growing buffer; the
 * format is described in jsonw.c.  key is the member name inside an
 * object, NULL inside an array or at the top.  Errors are sticky and
 * reported by kps_jw_finish(). */
typedef struct kps_jw {
    kps_buf buf;
    int pretty;
    int depth;
    int failed;
    size_t count[KPS_JW_MAX_DEPTH]; /* members written, per open container */
} kps_jw;

void kps_jw_init(kps_jw *w, int pretty);
void kps_jw_object(kps_jw *w, const char *key);
void kps_jw_object_end(kps_jw *w);
void kps_jw_array(kps_jw *w, const char *key);
void kps_jw_array_end(kps_jw *w);
void kps_jw_string(kps_jw *w, const char *key, const char *s);
/* "file": name, and when name is not valid UTF-8 (a file name with stray
 * bytes) also "file_bytes": its bytes in lower-case hex, since "file"
 * then carries U+FFFD for them and could not be tied to the file. */
void kps_jw_file(kps_jw *w, const char *name);
void kps_jw_int(kps_jw *w, const char *key, long long v);
void kps_jw_real(kps_jw *w, const char *key, double v);
/* v rounded to at most 4 decimals: written as kps_jw_real() would write
 * it, without printf where it can (kps_jw_real otherwise). */
void kps_jw_fixed(kps_jw *w, const char *key, double v, int decimals);
void kps_jw_bool(kps_jw *w, const char *key, int v);
void kps_jw_null(kps_jw *w, const char *key);
/* The text (malloc'd, caller frees), or NULL after an error or with a
 * container still open; the writer is reset either way. */
char *kps_jw_finish(kps_jw *w);
void kps_jw_discard(kps_jw *w);

/* ------------------------------------------------------------------ */
/* Small helpers (util.c)                                              */
/* ------------------------------------------------------------------ */

/* Tests on eight bytes at once (SWAR), for the loops that pass over every
 * byte of a document.  Text has a line feed every few dozen bytes, so the
 * tests let LF through: a word holding one need not be looked at byte by
 * byte. */
#define KPS_SWAR_ONES ((uint64_t)0x0101010101010101ULL)
#define KPS_SWAR_HIGHS ((uint64_t)0x8080808080808080ULL)

/* Some byte of w is a C0 control (0x00..0x1F) other than LF.  LF is XORed
 * to 0, which moves every other control to 0x01..0x1F; then the classic
 * "a byte strictly between m and n" test with m = 0, n = 0x20 (bytes with
 * the high bit set do not count; no carry crosses a byte). */
static inline int kps_swar_control_not_lf(uint64_t w)
{
    uint64_t x = w ^ (KPS_SWAR_ONES * 0x0A);
    uint64_t low = x & (KPS_SWAR_ONES * 0x7F);
    return (((KPS_SWAR_ONES * (127 + 0x20) - low) & ~x &
             (low + KPS_SWAR_ONES * 127)) &
            KPS_SWAR_HIGHS) != 0;
}

/* Every byte of w is printable ASCII (0x20..0x7E) or LF. */
static inline int kps_swar_printable_or_lf(uint64_t w)
{
    if (w & KPS_SWAR_HIGHS)
        return 0;
    /* no high bit anywhere, so +1 carries into bit 7 only from 0x7F */
    return !((w + KPS_SWAR_ONES) & KPS_SWAR_HIGHS) &&
           !kps_swar_control_not_lf(w);
}

/* Length of the valid UTF-8 prefix of s[0..len). */
size_t kps_utf8_valid_prefix(const unsigned char *s, size_t len);
/* Length of the valid UTF-8 sequence starting at s, or 0 when invalid. */
size_t kps_utf8_seq_len(const unsigned char *s, size_t len);
/* Decode one UTF-8 sequence at s (valid input assumed); returns its length
 * and stores the code point. */
size_t kps_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
char *kps_strdup(const char *s);

/* One rule for every output (docs/output.md): strings are cut at
 * character boundaries, and what a format cannot carry is replaced.
 * kps_utf8_cut(): the largest length <= max that does not end inside a
 * UTF-8 sequence of s[0..len). */
size_t kps_utf8_cut(const char *s, size_t len, size_t max);
/* For printf: "%.*s", KPS_CUT(s, 200), s prints at most 200 bytes of s
 * and never half a character. */
#define KPS_CUT(s, max) ((int)kps_utf8_cut((s), strlen(s), (max)))
/* len without an incomplete UTF-8 sequence at the end of s[0..len): for a
 * fixed buffer that snprintf() filled and cut. */
size_t kps_utf8_trim_end(const char *s, size_t len);
/* Append s[0..n) to b with each byte that is not part of valid UTF-8
 * replaced by U+FFFD, and, by mode:
 *   KPS_CLEAN_UTF8  nothing else (JSON, which escapes controls itself);
 *   KPS_CLEAN_TEXT  C0 controls but LF and TAB, DEL and C1 controls
 *                   (U+0080..U+009F) replaced by U+FFFD: a terminal or a
 *                   text file gets no escape sequence;
 *   KPS_CLEAN_XML   as TEXT, and U+FFFE, U+FFFF too (XML 1.0 forbids
 *                   them and most C0 controls; C1 it only discourages).
 * Returns 0, or -1 when out of memory. */
#define KPS_CLEAN_UTF8 0
#define KPS_CLEAN_TEXT 1
#define KPS_CLEAN_XML 2
int kps_buf_put_clean(kps_buf *b, const char *s, size_t n, int mode);
/* NUL-terminated copy of s cleaned as above (malloc'd), NULL when out of
 * memory.  s NULL gives "". */
char *kps_clean_dup(const char *s, int mode);
/* Locale-independent [+-]digits[.digits]; *end as strtod (s when none). */
double kps_parse_decimal(const char *s, char **end);
char *kps_strndup(const char *s, size_t n);
/* Natural ("version") order: "2.txt" < "10.txt"; ties broken by byte
 * order, so it is 0 only for equal strings.  Returns -1, 0 or 1. */
int kps_natural_compare(const char *a, const char *b);

/* ------------------------------------------------------------------ */
/* Options (options.c)                                                 */
/* ------------------------------------------------------------------ */

#define KPS_PDF_PATH_MAX 4096

struct kpiscan_options {
    int as_of_set;
    int as_of_year, as_of_month, as_of_day;
    int excerpts;
    int include_comments;
    int gaps;
    kps_limits limits;
    kps_format format_hint; /* KPS_FORMAT_UNKNOWN: no hint, sniff only */
    /* PDF helper (pdf.c): "" means the environment or the built-in path */
    char pdf_helper[KPS_PDF_PATH_MAX];
    unsigned long pdf_timeout_ms;
    size_t pdf_memory_bytes;
    unsigned pdf_max_pages;
    int sha256; /* batches hash each input (kpiscan_options_set_sha256) */
};

/* Effective settings for a scan: opts may be NULL. */
void kps_options_resolve(const kpiscan_options *opts, kpiscan_options *out);
/* Today's date (UTC) as year, month, day. */
void kps_today(int *year, int *month, int *day);
/* The one check for every date the library takes as an as-of date (the
 * option, a DOCX or ODT last-saved date): 1 when year-month-day is in the
 * calendar and within KPS_DATE_MIN_YEAR .. KPS_DATE_MAX_YEAR, else 0.
 * The lower bound is the timeline's earliest plausible year (MIN_YEAR in
 * timeline.c), which refuses an earlier as-of date. */
#define KPS_DATE_MIN_YEAR 1950
#define KPS_DATE_MAX_YEAR 2200
int kps_date_valid(int year, int month, int day);

/* ------------------------------------------------------------------ */
/* Packs (pack.c)                                                      */
/* ------------------------------------------------------------------ */

typedef struct kps_rule {
    char *id;
    int category; /* kpiscan_category */
    int level;    /* kpiscan_level */
    double weight;
    int work_only; /* a tool or basic skill: KPI evidence only shown in work */
    char *regex;
    char *description;
    char *source; /* "file:line" */
    char **match_examples;
    size_t nmatch;
    char **reject_examples;
    size_t nreject;
    void *code; /* pcre2_code *, JIT-compiled; NULL in builder layers */
} kps_rule;

typedef struct kps_question {
    int level;
    char *question;
    char *answer; /* may be NULL */
} kps_question;

struct kpiscan_pack {
    kps_rule *rules;
    size_t nrules;
    kps_question *questions;
    size_t nquestions;
    char *name;
    char *version;
    char hash[65];
    /* Literal prefilter over the rules (prefilter.c); NULL runs every
     * rule.  Built with the pack, immutable, shared like the rules. */
    struct kps_prefilter *prefilter;
};

/* Compute SHA-256 of data as 64 lowercase hex digits plus NUL. */
typedef struct kps_sha256 {
    uint32_t state[8];
    uint64_t bits;
    unsigned char block[64];
    size_t used;
} kps_sha256;
void kps_sha256_init(kps_sha256 *h);
void kps_sha256_update(kps_sha256 *h, const void *data, size_t len);
void kps_sha256_hex(kps_sha256 *h, char out[65]);

/* ------------------------------------------------------------------ */
/* Matching (match.c)                                                  */
/* ------------------------------------------------------------------ */

typedef struct kps_hit {
    size_t rule;  /* index into pack->rules */
    size_t start; /* byte offsets in the normalised text */
    size_t end;
} kps_hit;

typedef struct kps_hits {
    kps_hit *v;
    size_t n, cap;
    /* Set by the caller: keep only the first `keep` hits in (start, rule)
     * order, 0 = all.  Memory then stays under 2 x keep hits whatever the
     * pack; `dropped` counts the hits found past them. */
    size_t keep;
    size_t dropped;
} kps_hits;

/* Match work a scan may spend in all, in units of PCRE2's match limit
 * counter: KPS_MATCH_BUDGET_CALLS full-limit calls.  See match.c. */
#define KPS_MATCH_BUDGET_CALLS 1000u
/* The limit a call is tried with first; a call that reaches it is run
 * again with ten times the limit, up to the match limit.  See match.c. */
#define KPS_MATCH_FIRST_LIMIT 100u

/* Run every rule of pack over text (valid UTF-8), appending hits sorted
 * by (start, rule).  Fails with KPISCAN_ERR_MATCH_LIMIT naming the rule
 * when one call reaches match_limit or the scan spends its budget. */
int kps_match_all(const kpiscan_pack *pack, const char *text, size_t len,
                  unsigned long match_limit, const char *name, kps_hits *out,
                  kpiscan_error *err);
void kps_hits_free(kps_hits *h);
/* As kps_match_all() but without the prefilter: every rule runs over the
 * whole text.  The reference the prefiltered path must equal, hit for hit
 * (tests, benchmarks). */
int kps_match_all_bruteforce(const kpiscan_pack *pack, const char *text,
                             size_t len, unsigned long match_limit,
                             const char *name, kps_hits *out,
                             kpiscan_error *err);

/* ------------------------------------------------------------------ */
/* Literal prefilter (prefilter.c)                                     */
/* ------------------------------------------------------------------ */

/* Aho-Corasick automaton over byte strings, ASCII-caseless (atoms are
 * given in lower case).  Immutable once built. */
typedef struct kps_ac kps_ac;
/* NULL when out of memory.  atoms are NUL-terminated and non-empty. */
kps_ac *kps_ac_build(const char *const *atoms, size_t natoms);
void kps_ac_free(kps_ac *ac);
size_t kps_ac_state_count(const kps_ac *ac);
/* found[i] := 1 when atoms[i] occurs in text, else 0. */
void kps_ac_scan(const kps_ac *ac, const char *text, size_t len,
                 unsigned char *found);

typedef struct kps_prefilter kps_prefilter;
/* Derive each rule's literal requirement and lead (what every match
 * starts with), compile the windowed variants, build the automaton.
 * KPISCAN_OK or KPISCAN_ERR_NOMEM. */
int kps_prefilter_build(const kps_rule *rules, size_t nrules,
                        kps_prefilter **out);
void kps_prefilter_free(kps_prefilter *pf);

/* Bytes of text the automaton runs over between two appends of its
 * events (prefilter.c). */
#define KPS_PF_CHUNK 1024
/* Per-scan state of the prefilter; zero-initialise, reuse across rules
 * (and scans), free with kps_pf_scan_free(). */
typedef struct kps_pf_scan {
    unsigned char *active; /* per rule: 1 when the rule may match */
    size_t nactive;
    int run_all; /* every rule runs over the whole text */
    /* Private to prefilter.c: the text scanned, buffers reused across
     * rules. */
    const char *text;
    uint32_t *ev_pos, *ev_state, *atom_first, *atom_pos;
    uint32_t *chunk_pos, *chunk_state;
    /* the second half's run (record_halves) */
    uint32_t *ev2_pos, *ev2_state, *chunk2_pos, *chunk2_state;
    size_t *cand;
    uint64_t *bits;
    size_t cap_active, cap_ev, cap_ev_state, cap_atom_first, cap_atom_pos,
        cap_cand, cap_bits, cap_chunk, cap_chunk_state, cap_ev2, cap_ev2_state,
        cap_chunk2, cap_chunk2_state;
} kps_pf_scan;
void kps_pf_scan_free(kps_pf_scan *st);
/* One automaton pass over text: which rules may match, where atoms are.
 * KPISCAN_OK or KPISCAN_ERR_NOMEM. */
int kps_prefilter_scan(const kps_prefilter *pf, const char *text, size_t len,
                       kps_pf_scan *st);
/* For an active rule with a lead: the sorted, distinct offsets where one
 * of its matches can start (every match starts at one), in *cand (valid
 * until the next call); returns 1.  Returns 0 when the rule must be
 * searched over the whole text, -1 when out of memory. */
int kps_prefilter_candidates(const kps_prefilter *pf, kps_pf_scan *st,
                             size_t rule, const size_t **cand, size_t *ncand);
/* The rule compiled with PCRE2_USE_OFFSET_LIMIT (a pcre2_code *), for
 * searches confined to candidate starts; NULL when the rule has no lead. */
const void *kps_prefilter_window_code(const kps_prefilter *pf, size_t rule);
/* Rules without a usable requirement (they run on every document), and
 * rules with a lead. */
size_t kps_prefilter_always_count(const kps_prefilter *pf);
size_t kps_prefilter_lead_count(const kps_prefilter *pf);
/* The requirement as text, malloc'd: "*" for always run, else OR-sets
 * joined by " & ", atoms by "|" (e.g. "kpi & developed|tracked"). */
char *kps_prefilter_describe_regex(const char *regex);
/* The lead as text, malloc'd: "*" for none, else atoms joined by "|". */
char *kps_prefilter_describe_lead(const char *regex);
/* A pack rule's requirement and lead: "REQUIREMENT @ LEAD", the lead
 * prefixed with "\b" when its matches start at a word boundary (lead
 * atoms right after a word character are no candidates). */
char *kps_prefilter_describe_rule(const kps_prefilter *pf, size_t rule);

/* ------------------------------------------------------------------ */
/* Results (scan.c, score.c, result.c)                                 */
/* ------------------------------------------------------------------ */

struct kpiscan_evidence {
    const char *rule_id; /* owned by the result (rule_ids arena) */
    size_t rule;         /* index into the pack's rules at scan time */
    int category;
    int level;
    double weight;
    double contribution;
    double section_factor; /* discount for the section (skills: 0.5) */
    double repeat_factor;  /* dampening for the n-th hit of one rule */
    unsigned repeat;       /* 1 for the first hit of its rule, 2, ... */
    char *text;            /* matched document text, malloc'd */
    size_t offset, length; /* in the document text */
    size_t line, column;
    kps_section section;
    int hidden;
    const char *part;    /* owned by the result (parts) */
    size_t paragraph;    /* 1-based, 0 for plain text */
    int title_position;  /* titles: the hit stands where a job title does */
    int keyword_list;    /* on a line that is mostly rule words: a list */
    int distinct_phrase; /* one of the indicator level's distinct phrases */
    int work_only;       /* the rule's work_only: no presence as a claim */
    const char *note;    /* static: why the contribution is what it is */
};

/* A red flag found by the scorer (hidden text, stuffing, no outcome...). */
typedef struct kps_flag {
    const char *id; /* static */
    char message[256];
    const char *rule_id; /* owned by the result, may be NULL */
    size_t line;         /* 0 when the flag is an absence */
    size_t count;
} kps_flag;

/* A merged stretch of employment, or a gap between two (months, YYYYMM). */
typedef struct kps_interval {
    long start, end; /* inclusive YYYYMM */
    int months;
} kps_interval;

struct kpiscan_span {
    int statement;
    long start, end; /* YYYYMM, 0 for statements */
    int open_ended;
    double years;
    int counted;
    char *text;
    size_t offset, length, line, column;
    kps_section section;
    int kpi_job; /* counted range whose job shows KPI work */
    char *job;   /* the job line a range heads (dates left out), or NULL */
};

struct kpiscan_result {
    char *name;
    const char *format; /* static */
    char *text;
    size_t len;
    char **parts;
    size_t nparts;

    int level;
    double confidence;
    double scores[4]; /* indexed by kpiscan_level; [0] unused */
    double kpi_score; /* sum of contributions of KPI-category evidence */
    double years, dated_years, stated_years;
    int years_level;          /* band of the chosen years, -1 when none */
    int indicator_level;      /* band of the indicator scores, -1 when none */
    int indicator_clear;      /* at least two distinct phrases of that level */
    size_t indicator_phrases; /* distinct phrases of indicator_level in work */
    int presence;             /* 0 none, 1 weak, 2 strong (RUBRIC.md) */
    char reason[512];
    long as_of;               /* YYYYMMDD */
    const char *as_of_source; /* static: "option", "today", ... */

    kpiscan_evidence *ev;
    size_t nev;
    size_t nhidden;
    size_t ev_dropped; /* matches past limits.max_evidence, not examined */
    size_t max_evidence;
    kpiscan_span *spans;
    size_t nspans;

    char **rule_ids; /* distinct rule ids referenced by evidence */
    size_t nrule_ids;
    kps_question *questions; /* copies: for the level and the one above */
    size_t nquestions;

    char *pack_name, *pack_version;
    char pack_hash[65];
    char input_sha256[65]; /* set by a batch that was asked; "" otherwise */

    kps_flag *flags; /* red flags found by the scorer */
    size_t nflags;
    size_t *phrase_flags; /* evidence indices of visible red-flag phrases */
    size_t nphrase_flags;
    kps_interval *merged; /* counted ranges, merged, in time order */
    size_t nmerged;
    double kpi_years; /* merged ranges of jobs showing KPI work, -1 none */
    double conf_indicators, conf_years; /* the two parts of confidence */
    const char *years_rule;             /* static: how years were chosen */
    int gaps; /* report gaps (kpiscan_options_set_gaps) */
};

/* Fill contributions, scores, level, confidence, reason and red flags from
 * res->ev and the years fields.  Returns KPISCAN_OK or KPISCAN_ERR_NOMEM
 * (for the flags array). */
int kps_score(kpiscan_result *res);

/* The gap between merged stretch i-1 and i, if any (1) or none (0).  Gaps
 * are facts shown on request; they never change the score. */
int kps_gap_before(const kpiscan_result *res, size_t i, kps_interval *gap);

/* ------------------------------------------------------------------ */
/* Batches and records (batch.c, record.c)                             */
/* ------------------------------------------------------------------ */

struct kpiscan_record {
    size_t index;
    char *name;
    int status;  /* KPISCAN_OK or an error */
    int skipped; /* a walk met a non-document; reason in error */
    size_t bytes;
    kpiscan_result *result;
    kpiscan_error error;
    const kpiscan_pack *pack;
    char *json;      /* rendered by the worker (KPISCAN_BATCH_RENDER_JSON) */
    char sha256[65]; /* of the input's bytes; "" when not asked or unread */
};

/* kpiscan_result_explain() with full = 1; with 0 the evidence items, red
 * flags and questions are left out, for a writer that shows them on their
 * own (the HTML report). */
char *kps_result_explain(const kpiscan_result *res, const kpiscan_options *opts,
                         int full);

/* What a ranking looks at, so writers that keep no records (the HTML
 * report) rank exactly as kpiscan_record_compare() does.  cls: 0 a
 * result, 1 an error, 2 skipped. */
typedef struct kps_rank {
    int cls;
    int level;
    double confidence;
    double years;
    const char *name;
    size_t index;
} kps_rank;
int kps_rank_compare(const kps_rank *a, const kps_rank *b, int key);
void kps_rank_of_record(const kpiscan_record *rec, kps_rank *out);

/* Sort records by a kpiscan_sort key with kpiscan_record_compare()
 * (stable: ties keep input order).  Returns 0, or -1 when it had no memory
 * for the merge and fell back to an insertion sort (still sorted). */
int kps_sort_records(kpiscan_record *recs, size_t n, int key);

/* JSON for a record without a result: status word "error" or "skipped";
 * pack may be NULL. */
char *kps_failure_json(const char *name, const kpiscan_error *err,
                       const kpiscan_pack *pack, const char *status_word,
                       const char *sha256, unsigned flags);
/* kpiscan_scan_file(), and when sha256 is not NULL the SHA-256 (hex) of
 * the bytes read, left untouched when none were read (batch.c). */
int kps_scan_file_sha256(const kpiscan_pack *pack, const kpiscan_options *opts,
                         const char *path, kpiscan_result **out,
                         kpiscan_error *err, char sha256[65]);

#endif /* KPISCAN_INTERNAL_H */
