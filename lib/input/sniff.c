/*
 * sniff.c - recognise a document's format from its bytes.
 *
 * The file name is never consulted: resumes arrive renamed, mailed as
 * "cv.doc" that is really RTF, or as "resume.txt" that is a PDF.  Every
 * check reads only inside [data, data + len); a truncated or hostile file
 * can make the answer wrong, never make us read past the buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/doc.h"

/* Binary and text checks look no further than this: enough to judge, and
 * it keeps sniffing a 60 MB file as cheap as sniffing a 6 KB one. */
#define SNIFF_WINDOW (64u * 1024u)

/* The PDF specification lets readers find the header within the first
 * 1024 bytes (mail gateways and printers prepend junk). */
#define PDF_HEADER_WINDOW 1024u
/* How far into a file the first tag of an HTML page may stand, after
 * white space, an XML declaration and comments. */
#define HTML_HEAD_WINDOW 4096u

static int has_prefix(const unsigned char *data, size_t len, const char *magic,
                      size_t n)
{
    return len >= n && memcmp(data, magic, n) == 0;
}

static int has_at(const unsigned char *data, size_t len, size_t off,
                  const char *magic, size_t n)
{
    return off <= len && len - off >= n && memcmp(data + off, magic, n) == 0;
}

static const unsigned char *find_bytes(const unsigned char *hay, size_t len,
                                       const char *needle, size_t n)
{
    return kps_find_bytes(hay, len, needle, n);
}

static unsigned read_le16(const unsigned char *p)
{
    return (unsigned)p[0] | ((unsigned)p[1] << 8);
}

static unsigned long read_le32(const unsigned char *p)
{
    return (unsigned long)p[0] | ((unsigned long)p[1] << 8) |
           ((unsigned long)p[2] << 16) | ((unsigned long)p[3] << 24);
}

/* ------------------------------------------------------------------ */
/* ZIP: DOCX, ODT or some other archive                                */
/* ------------------------------------------------------------------ */

#define ZIP_LOCAL_SIG "PK\x03\x04"
#define ZIP_CENTRAL_SIG "PK\x01\x02"
#define ZIP_END_SIG "PK\x05\x06"
#define ZIP_LOCAL_FIXED 30u
#define ZIP_CENTRAL_FIXED 46u
#define ZIP_END_FIXED 22u
#define ZIP_MAX_COMMENT 0xFFFFu

static const char odt_mimetype[] = "application/vnd.oasis.opendocument.text";

/* What the entry names told us so far. */
typedef struct zip_clues {
    int content_types; /* [Content_Types].xml: an OPC (OOXML) package */
    int word_part;     /* an entry under word/ */
    int word_main_ct; /* a stored [Content_Types].xml naming a Word main part */
    int odt_mimetype; /* a stored "mimetype" entry saying ODF text */
    /* Where in the file the Word content types are named, sorted: found
     * once, at the first stored [Content_Types].xml, then looked up for
     * each (its size may be unknown, so its data runs to the end of the
     * file, and a directory can name it 100,000 times). */
    struct ct_mention {
        size_t at, len;
    } * ct;
    size_t nct;
    int ct_state; /* 0 not searched, 1 ct ready, 2 no memory for it */
} zip_clues;

static const char *const WORD_MAIN_TYPES[] = {
    "wordprocessingml.document.main", "wordprocessingml.template.main",
    "ms-word.document.macroEnabled", "ms-word.template.macroEnabled"};

static int names_word_main(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < 4; i++)
        if (find_bytes(p, n, WORD_MAIN_TYPES[i], strlen(WORD_MAIN_TYPES[i])))
            return 1;
    return 0;
}

static int by_offset(const void *a, const void *b)
{
    const struct ct_mention *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

/* Every mention of a Word main content type in data, in file order, into
 * clues (ct_state 1), or ct_state 2 when memory runs out. */
static void find_word_main_types(const unsigned char *data, size_t len,
                                 zip_clues *clues)
{
    size_t cap = 0;
    clues->ct_state = 1;
    for (size_t i = 0; i < 4; i++) {
        size_t k = strlen(WORD_MAIN_TYPES[i]);
        for (const unsigned char *p = data;
             (p = find_bytes(p, len - (size_t)(p - data), WORD_MAIN_TYPES[i],
                             k)) != NULL;
             p++) {
            if (clues->nct == cap) {
                size_t ncap = cap ? 2 * cap : 16;
                struct ct_mention *v = realloc(clues->ct, ncap * sizeof *v);
                if (!v) {
                    clues->ct_state = 2;
                    return;
                }
                clues->ct = v;
                cap = ncap;
            }
            clues->ct[clues->nct].at = (size_t)(p - data);
            clues->ct[clues->nct++].len = k;
        }
    }
    if (clues->nct)
        qsort(clues->ct, clues->nct, sizeof *clues->ct, by_offset);
}

/* A local header at off: look at a stored "mimetype" or
 * "[Content_Types].xml" entry's data, which needs no inflating.  OPC
 * part names are case-insensitive, ODF's "mimetype" is not. */
static void inspect_local(const unsigned char *data, size_t len, size_t off,
                          zip_clues *clues)
{
    if (!has_at(data, len, off, ZIP_LOCAL_SIG, 4) ||
        len - off < ZIP_LOCAL_FIXED)
        return;
    const unsigned char *h = data + off;
    unsigned flags = read_le16(h + 6);
    unsigned method = read_le16(h + 8);
    unsigned long csize = read_le32(h + 18);
    size_t name_len = read_le16(h + 26);
    size_t extra_len = read_le16(h + 28);
    size_t name_off = off + ZIP_LOCAL_FIXED;
    if (len - name_off < name_len)
        return;
    const unsigned char *name = data + name_off;
    if (method != 0)
        return; /* deflated: the content is out of reach without zlib */
    size_t data_off = name_off + name_len;
    if (len - data_off < extra_len)
        return;
    data_off += extra_len;
    size_t avail = len - data_off;
    /* With a data descriptor (flag bit 3) the local sizes may be 0; the
     * data still follows the header, so compare what is there. */
    int sizes_known = !(flags & 0x8u) || csize != 0;

    if (name_len == 8 && memcmp(name, "mimetype", 8) == 0) {
        size_t n = sizeof odt_mimetype - 1;
        if (sizes_known && csize != n)
            return; /* e.g. "...opendocument.text-template" */
        if (avail < n || memcmp(data + data_off, odt_mimetype, n) != 0)
            return;
        if (!sizes_known && avail > n && data[data_off + n] == '-')
            return;
        clues->odt_mimetype = 1;
    } else if (name_len == 19 &&
               kps_ascii_ieq((const char *)name, "[Content_Types].xml", 19)) {
        size_t n = avail;
        if (sizes_known && csize < n)
            n = (size_t)csize;
        if (clues->ct_state == 0)
            find_word_main_types(data, len, clues);
        if (clues->ct_state == 2) {
            /* no memory for the index: search this entry alone */
            if (names_word_main(data + data_off, n))
                clues->word_main_ct = 1;
            return;
        }
        /* the first mention at or after the entry's data decides: a later
         * one ends later too (the types differ in length by one byte) */
        size_t lo = 0, hi = clues->nct;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (clues->ct[mid].at < data_off)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < clues->nct &&
            clues->ct[lo].at + clues->ct[lo].len <= data_off + n)
            clues->word_main_ct = 1;
    }
}

static void note_name(const unsigned char *name, size_t n, zip_clues *clues)
{
    if (n == 19 && kps_ascii_ieq((const char *)name, "[Content_Types].xml", 19))
        clues->content_types = 1;
    else if (n > 5 && kps_ascii_ieq((const char *)name, "word/", 5))
        clues->word_part = 1;
}

/* Locate the end-of-central-directory record, searching back over a
 * possible archive comment.  Returns its offset or (size_t)-1. */
static size_t find_zip_end(const unsigned char *data, size_t len)
{
    if (len < ZIP_END_FIXED)
        return (size_t)-1;
    size_t off = len - ZIP_END_FIXED;
    size_t stop = off > ZIP_MAX_COMMENT ? off - ZIP_MAX_COMMENT : 0;
    for (;;) {
        if (memcmp(data + off, ZIP_END_SIG, 4) == 0 &&
            read_le16(data + off + 20) <= len - off - ZIP_END_FIXED)
            return off;
        if (off == stop)
            return (size_t)-1;
        off--;
    }
}

/* Walk the central directory.  Returns 1 when it was found and read to
 * its end, 0 when it is missing or damaged (the caller then falls back to
 * the local headers). */
static int scan_central(const unsigned char *data, size_t len, zip_clues *clues)
{
    size_t end = find_zip_end(data, len);
    if (end == (size_t)-1)
        return 0;
    unsigned long cd_size = read_le32(data + end + 12);
    unsigned long cd_off = read_le32(data + end + 16);
    /* ZIP64 (0xFFFFFFFF) and inconsistent records: let the fallback try. */
    if (cd_off > end || cd_size > end - cd_off)
        return 0;
    size_t off = (size_t)cd_off;
    size_t cd_end = off + (size_t)cd_size;
    while (off < cd_end) {
        if (cd_end - off < ZIP_CENTRAL_FIXED ||
            memcmp(data + off, ZIP_CENTRAL_SIG, 4) != 0)
            return 0;
        const unsigned char *h = data + off;
        size_t name_len = read_le16(h + 28);
        size_t extra_len = read_le16(h + 30);
        size_t comment_len = read_le16(h + 32);
        size_t local_off = (size_t)read_le32(h + 42);
        size_t entry_len =
            ZIP_CENTRAL_FIXED + name_len + extra_len + comment_len;
        if (cd_end - off < entry_len)
            return 0;
        const unsigned char *name = h + ZIP_CENTRAL_FIXED;
        note_name(name, name_len, clues);
        if ((name_len == 8 && memcmp(name, "mimetype", 8) == 0) ||
            (name_len == 19 &&
             kps_ascii_ieq((const char *)name, "[Content_Types].xml", 19)))
            inspect_local(data, len, local_off, clues);
        off += entry_len;
    }
    return 1;
}

/* Without a usable central directory (a truncated download, a mail
 * client that cut the attachment), every local header signature still
 * names an entry.  A signature inside compressed data is possible but
 * would also need a plausible name to mislead us. */
static void scan_local(const unsigned char *data, size_t len, zip_clues *clues)
{
    size_t off = 0;
    for (;;) {
        const unsigned char *p =
            find_bytes(data + off, len - off, ZIP_LOCAL_SIG, 4);
        if (!p)
            return;
        off = (size_t)(p - data);
        if (len - off >= ZIP_LOCAL_FIXED) {
            size_t name_len = read_le16(p + 26);
            if (len - off - ZIP_LOCAL_FIXED >= name_len)
                note_name(p + ZIP_LOCAL_FIXED, name_len, clues);
            inspect_local(data, len, off, clues);
        }
        off += 4;
    }
}

static kps_format sniff_zip(const unsigned char *data, size_t len)
{
    zip_clues clues;
    memset(&clues, 0, sizeof clues);
    /* ODF requires "mimetype" first and stored; check it before anything
     * else so a well-formed ODT costs one comparison. */
    inspect_local(data, len, 0, &clues);
    if (!clues.odt_mimetype && !scan_central(data, len, &clues))
        scan_local(data, len, &clues);
    free(clues.ct);
    if (clues.odt_mimetype)
        return KPS_FORMAT_ODT;
    if ((clues.content_types && clues.word_part) || clues.word_main_ct)
        return KPS_FORMAT_DOCX;
    return KPS_FORMAT_ZIP;
}

/* ------------------------------------------------------------------ */
/* Text or binary                                                      */
/* ------------------------------------------------------------------ */

/* A printable unit of UTF-16 whose high byte is zero: ASCII text, the
 * usual whitespace, or Latin-1 letters. */
static int latin1_text_unit(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           (c >= 0x20 && c < 0x7F) || c >= 0xA0;
}

int kps_utf16_guess(const unsigned char *data, size_t len)
{
    size_t n = (len < SNIFF_WINDOW ? len : SNIFF_WINDOW) / 2;
    if (n == 0)
        return KPS_UTF16_NONE;
    /* le_text: units 0x00XX read little-endian that are text; be_text the
     * same read big-endian.  A U+0000 unit means binary either way. */
    size_t le_text = 0, be_text = 0, le_zero_low = 0, be_zero_low = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = data[2 * i], b = data[2 * i + 1];
        if (a == 0 && b == 0)
            return KPS_UTF16_NONE;
        if (b == 0)
            le_text += latin1_text_unit(a);
        else if (a == 0)
            be_text += latin1_text_unit(b);
        /* Units like U+0100 have a zero low byte; a few are fine. */
        if (a == 0)
            le_zero_low++;
        if (b == 0)
            be_zero_low++;
    }
    /* Without a BOM we only trust text that is mostly Latin-1 (three
     * units in four): binary data with some NULs in a row, or four bytes
     * like "ab\0c", must not pass for UTF-16.  Non-Latin UTF-16 needs its
     * BOM, which Windows editors write anyway. */
    if (le_text * 4 >= n * 3 && le_zero_low * 20 <= n)
        return KPS_UTF16_LE;
    if (be_text * 4 >= n * 3 && be_zero_low * 20 <= n)
        return KPS_UTF16_BE;
    return KPS_UTF16_NONE;
}

/* C0 controls that no text editor writes in running text.  TAB, LF, VT
 * (Word's manual line break), FF, CR and ESC (terminal colours) are left
 * out. */
static int odd_control(unsigned char c)
{
    return (c >= 0x01 && c <= 0x08) || (c >= 0x0E && c <= 0x1A) ||
           (c >= 0x1C && c <= 0x1F);
}

static kps_format sniff_text_or_binary(const unsigned char *data, size_t len)
{
    size_t window = len < SNIFF_WINDOW ? len : SNIFF_WINDOW;
    /* One pass over the window: a NUL means UTF-16 or binary; otherwise
     * odd controls are counted, since short binary blobs may hold no NUL
     * at all and a text document is never one tenth control characters.
     * Eight bytes with no control but LF (most of a text) are skipped at
     * once. */
    size_t controls = 0;
    size_t i = 0;
    while (i < window) {
        if (window - i >= 8) {
            uint64_t w;
            memcpy(&w, data + i, sizeof w);
            if (!kps_swar_control_not_lf(w)) {
                i += 8;
                continue;
            }
        }
        size_t end = window - i >= 8 ? i + 8 : window;
        for (; i < end; i++) {
            if (data[i] == 0)
                return kps_utf16_guess(data, len) != KPS_UTF16_NONE
                           ? KPS_FORMAT_TEXT
                           : KPS_FORMAT_BINARY;
            controls += odd_control(data[i]);
        }
    }
    if (window >= 16 && controls * 10 > window)
        return KPS_FORMAT_BINARY;
    return KPS_FORMAT_TEXT;
}

/* ------------------------------------------------------------------ */
/* Magic numbers                                                       */
/* ------------------------------------------------------------------ */

typedef struct magic {
    size_t offset;
    const char *bytes;
    size_t len;
    const char *kind; /* for a refusal's words (kps_binary_kind), or NULL */
} magic;

/* clang-format off */
#define MAGIC(off, s) {(off), (s), sizeof(s) - 1, NULL}
#define NAMED(off, s, kind) {(off), (s), sizeof(s) - 1, (kind)}
/* clang-format on */

/* Formats we do not read and that have unambiguous signatures.  Weaker
 * two-byte ones ("MZ" of Windows executables, "BM" of bitmaps) are left to
 * the NUL test: "MZ" or "BM" may well start a line of text, while the
 * real files carry NUL bytes in their first header. */
static const magic binary_magics[] = {
    NAMED(0, "\x89PNG\r\n\x1a\n", "an image: PNG"),
    NAMED(0, "\xFF\xD8\xFF", "an image: JPEG"),
    NAMED(0, "GIF87a", "an image: GIF"),
    NAMED(0, "GIF89a", "an image: GIF"),
    NAMED(0, "\177ELF", "an executable"),
    NAMED(0, "\x1F\x8B", "a gzip archive"),
    MAGIC(0, "\3757zXZ\0"), /* xz */
    NAMED(0, "7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    NAMED(0, "Rar!\x1A\x07", "a RAR archive"),
    MAGIC(0, "\x28\xB5\x2F\xFD"), /* zstd */
    MAGIC(0, "\xFE\xED\xFA\xCE"), /* Mach-O 32-bit, big-endian */
    MAGIC(0, "\xFE\xED\xFA\xCF"),
    MAGIC(0, "\xCE\xFA\xED\xFE"), /* Mach-O little-endian */
    MAGIC(0, "\xCF\xFA\xED\xFE"),
    MAGIC(0, "\xCA\xFE\xBA\xBE"),          /* Mach-O universal, Java class */
    NAMED(0, "II*\x00", "an image: TIFF"), /* little-endian */
    NAMED(0, "MM\x00*", "an image: TIFF"), /* big-endian */
    MAGIC(0, "SQLite format 3\x00"),
    MAGIC(0, "OggS"),
    MAGIC(0, "fLaC"),
    MAGIC(0, "\x00\x00\x01\x00"), /* Windows icon */
    MAGIC(0, "\0asm"),            /* WebAssembly */
    MAGIC(4, "ftyp"),             /* MP4, MOV, HEIC: named by its brand */
};

/* "BZh1".."BZh9" alone could begin a sentence; the block magic (the BCD
 * digits of pi) that follows makes it certain. */
static int is_bzip2(const unsigned char *data, size_t len)
{
    return has_prefix(data, len, "BZh", 3) && len >= 10 && data[3] >= '1' &&
           data[3] <= '9' && memcmp(data + 4, "1AY&SY", 6) == 0;
}

/* RIFF containers (WebP, WAV, AVI) name their kind at offset 8. */
static int is_riff(const unsigned char *data, size_t len)
{
    return has_prefix(data, len, "RIFF", 4) &&
           (has_at(data, len, 8, "WEBP", 4) ||
            has_at(data, len, 8, "WAVE", 4) || has_at(data, len, 8, "AVI ", 4));
}

/* An ID3v2 tag: "ID3", a major version 2..4 and a minor version byte. */
static int is_id3(const unsigned char *data, size_t len)
{
    return has_prefix(data, len, "ID3", 3) && len >= 5 && data[3] >= 2 &&
           data[3] <= 4 && data[4] < 0x10;
}

/* "%PDF-" at the start, or later within the first 1024 bytes when a
 * version ("%PDF-1.7", "%PDF-2.0") follows, so that a text resume that
 * merely mentions "%PDF-" is not taken for a PDF. */
static int is_pdf(const unsigned char *data, size_t len)
{
    if (has_prefix(data, len, "%PDF-", 5))
        return 1;
    size_t window = len < PDF_HEADER_WINDOW ? len : PDF_HEADER_WINDOW;
    const unsigned char *p = find_bytes(data, window, "%PDF-", 5);
    if (!p)
        return 0;
    size_t off = (size_t)(p - data) + 5;
    return len - off >= 3 && data[off] >= '1' && data[off] <= '2' &&
           data[off + 1] == '.' && data[off + 2] >= '0' && data[off + 2] <= '9';
}

/* "{\rtf", after a UTF-8 BOM or whitespace some generators put first. */
static int is_rtf(const unsigned char *data, size_t len)
{
    size_t i = 0;
    if (has_prefix(data, len, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && i < 64 &&
           (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
            data[i] == '\n'))
        i++;
    return has_at(data, len, i, "{\\rtf", 5);
}

/* Where a markup document's first element (or DOCTYPE) starts: past a
 * UTF-8 BOM, white space, processing instructions (the XML declaration,
 * Word's <?mso-application?>) and comments, however long (a page may open
 * with a licence comment or many blank lines, as browsers allow; one pass
 * over them: linear); len when there is none. */
static size_t first_markup(const unsigned char *data, size_t len)
{
    size_t i = has_prefix(data, len, "\xEF\xBB\xBF", 3) ? 3 : 0;
    while (i < len) {
        while (i < len && (data[i] == ' ' || data[i] == '\t' ||
                           data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i >= len || data[i] != '<')
            return len;
        const char *close = has_at(data, len, i, "<!--", 4) ? "-->"
                            : has_at(data, len, i, "<?", 2) ? "?>"
                                                            : NULL;
        if (!close)
            return i;
        const unsigned char *end =
            find_bytes(data + i + 2, len - i - 2, close, strlen(close));
        if (!end)
            return len;
        i = (size_t)(end - data) + strlen(close);
    }
    return len;
}

/* A tag name at data[i] ('<' included) equal to name, case folded, and
 * ended by white space, '>' or '/'. */
static int tag_is(const unsigned char *data, size_t len, size_t i,
                  const char *name)
{
    size_t n = strlen(name);
    if (len - i - 1 <= n || !kps_ascii_ieq((const char *)data + i + 1, name, n))
        return 0;
    unsigned char after = data[i + 1 + n];
    return after == '>' || after == ' ' || after == '\t' || after == '\r' ||
           after == '\n' || after == '/';
}

/* HTML elements a page or a pasted fragment is made of: a document whose
 * first markup is one of them is a page ("<div><p style=display:none>"
 * is hidden text in any browser, not text with brackets). */
static const char *const html_elements[] = {
    "!doctype html",
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "style",
    "script",
    "base",
    "div",
    "p",
    "span",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "small",
    "font",
    "center",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "img",
    "a",
    "pre",
    "blockquote",
    "form",
    "details",
    "summary",
    "dialog",
    "textarea",
    "noscript",
    "template",
    "iframe",
    "svg",
    "code",
    "address",
    "figure",
    "sub",
    "sup",
};

/* Whether data[i] ('<', or "</") opens a tag of an HTML element. */
static int html_tag_at(const unsigned char *data, size_t len, size_t i)
{
    if (i + 1 < len && data[i + 1] == '/') {
        i++; /* "</div>": the name after the slash */
        if (i + 1 >= len)
            return 0;
    }
    for (size_t k = 0; k < sizeof html_elements / sizeof *html_elements; k++)
        if (tag_is(data, len, i, html_elements[k]))
            return 1;
    return 0;
}

/* Text that holds HTML further in (a resume pasted with its markup,
 * Markdown with inline HTML): within the first HTML_TEXT_WINDOW bytes, at
 * least HTML_TEXT_TAGS tags of HTML elements, one of them a closing tag,
 * and every element whose content a parser takes as raw text closed
 * later.  A developer's resume that mentions "<section>, <article>" or
 * "CSS in <style> blocks" stays text (as HTML, everything after "<style>"
 * would vanish); text quoting a script shows it as text.  The shared
 * corpus's 1,400 text resumes hold none of these. */
#define HTML_TEXT_TAGS 2
#define HTML_TEXT_WINDOW 65536u

static int has_html_tags(const unsigned char *data, size_t len)
{
    /* a script, or plaintext, which never ends: text quoting one is text */
    static const char *const unending[] = {"script", "plaintext"};
    static const char *const raw_text[] = {
        "style",    "title",   "textarea", "xmp",      "iframe",
        "noscript", "noembed", "noframes", "template",
    };
    enum { NRAW = sizeof raw_text / sizeof *raw_text };
    size_t window = len < HTML_TEXT_WINDOW ? len : HTML_TEXT_WINDOW;
    /* where each raw-text element is last closed (window when never),
     * found once, so that many of them cost one pass each */
    size_t last_close[NRAW];
    int looked[NRAW] = {0};
    unsigned found = 0, closing = 0;
    for (const unsigned char *p = data;
         (p = memchr(p, '<', window - (size_t)(p - data))) != NULL; p++) {
        size_t i = (size_t)(p - data);
        int is_close = i + 1 < window && data[i + 1] == '/';
        size_t name = is_close ? i + 1 : i;
        if (!html_tag_at(data, window, i))
            continue;
        for (size_t k = 0; !is_close && k < sizeof unending / sizeof *unending;
             k++)
            if (tag_is(data, window, name, unending[k]))
                return 0;
        for (size_t k = 0; !is_close && k < NRAW; k++) {
            if (!tag_is(data, window, name, raw_text[k]))
                continue;
            if (!looked[k]) {
                size_t nn = strlen(raw_text[k]);
                last_close[k] = window;
                for (size_t j = window; j-- > 0;)
                    if (data[j] == '<' && j + 2 + nn <= window &&
                        data[j + 1] == '/' &&
                        kps_ascii_ieq((const char *)data + j + 2, raw_text[k],
                                      nn)) {
                        last_close[k] = j;
                        break;
                    }
                looked[k] = 1;
            }
            /* its closing tag must follow */
            if (last_close[k] == window || last_close[k] < i)
                return 0;
        }
        closing += is_close;
        found++;
    }
    return found >= HTML_TEXT_TAGS && closing;
}

static int is_html(const unsigned char *data, size_t len)
{
    size_t i = first_markup(data, len);
    if (i < len)
        return html_tag_at(data, len, i);
    return has_html_tags(data, len);
}

/* Word and OpenDocument saved as one XML file: a flat ODT (.fodt, root
 * office:document), Word 2003 XML (w:wordDocument) or Word's Flat OPC
 * (pkg:package).  Read as text they would score their markup and any
 * hidden text in them, so they are named and refused. */
static kps_format office_xml(const unsigned char *data, size_t len)
{
    size_t i = first_markup(data, len);
    if (i >= len)
        return KPS_FORMAT_UNKNOWN;
    size_t window = len < HTML_HEAD_WINDOW ? len : HTML_HEAD_WINDOW;
    size_t end = i + 1;
    while (end < len && end - i < 64 && data[end] != ' ' && data[end] != '>' &&
           data[end] != '\t' && data[end] != '\r' && data[end] != '\n' &&
           data[end] != '/')
        end++;
    const char *name = (const char *)data + i + 1;
    size_t n = end - i - 1;
    const char *colon = memchr(name, ':', n);
    const char *local = colon ? colon + 1 : name;
    size_t ln = n - (size_t)(local - name);
    if (ln == 8 && memcmp(local, "document", 8) == 0 &&
        find_bytes(data, window, "urn:oasis:names:tc:opendocument:xmlns:", 38))
        return KPS_FORMAT_FLAT_ODF;
    if ((ln == 12 && memcmp(local, "wordDocument", 12) == 0) ||
        (ln == 7 && memcmp(local, "package", 7) == 0 &&
         find_bytes(data, window,
                    "schemas.microsoft.com/office/2006/xmlPackage", 44)))
        return KPS_FORMAT_WORD_XML;
    return KPS_FORMAT_UNKNOWN;
}

/* Text that is markup: an HTML page, a Word or ODF XML file, or else
 * plain text. */
static kps_format markup_kind(const unsigned char *data, size_t len)
{
    if (is_html(data, len))
        return KPS_FORMAT_HTML;
    kps_format f = office_xml(data, len);
    return f != KPS_FORMAT_UNKNOWN ? f : KPS_FORMAT_TEXT;
}

/* The same for UTF-16 text with a byte order mark: its first characters,
 * narrowed to one byte each (anything past ASCII becomes '?'), are
 * markup or not. */
static kps_format utf16_markup_kind(const unsigned char *data, size_t len,
                                    int big_endian)
{
    unsigned char narrow[HTML_HEAD_WINDOW];
    size_t n = 0;
    for (size_t i = 2; i + 1 < len && n < sizeof narrow; i += 2) {
        unsigned hi = big_endian ? data[i] : data[i + 1];
        unsigned lo = big_endian ? data[i + 1] : data[i];
        narrow[n++] = hi == 0 && lo < 0x80 ? (unsigned char)lo : '?';
    }
    return markup_kind(narrow, n);
}

kps_format kps_sniff(const unsigned char *data, size_t len)
{
    if (!data || len == 0)
        return KPS_FORMAT_TEXT; /* decoding reports it as empty */

    /* Byte order marks first: FF FE also begins a UTF-32LE BOM, and a
     * UTF-16 text has NUL bytes the binary test would object to. */
    if (has_prefix(data, len, "\xEF\xBB\xBF", 3) && !is_rtf(data, len))
        return markup_kind(data, len);
    if (has_prefix(data, len, "\xFF\xFE\x00\x00", 4) ||
        has_prefix(data, len, "\x00\x00\xFE\xFF", 4))
        return KPS_FORMAT_TEXT;
    if (has_prefix(data, len, "\xFF\xFE", 2) ||
        has_prefix(data, len, "\xFE\xFF", 2))
        return utf16_markup_kind(data, len, data[0] == 0xFE);

    if (has_prefix(data, len, ZIP_LOCAL_SIG, 4))
        return sniff_zip(data, len);
    /* An empty archive, or a split-archive marker before the first entry. */
    if (has_prefix(data, len, ZIP_END_SIG, 4))
        return KPS_FORMAT_ZIP;
    if (has_prefix(data, len, "PK\x07\x08", 4) &&
        has_at(data, len, 4, ZIP_LOCAL_SIG, 4))
        return sniff_zip(data + 4, len - 4);

    if (has_prefix(data, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return KPS_FORMAT_OLE;
    if (is_rtf(data, len))
        return KPS_FORMAT_RTF;

    for (size_t i = 0; i < sizeof binary_magics / sizeof binary_magics[0];
         i++) {
        const magic *m = &binary_magics[i];
        if (has_at(data, len, m->offset, m->bytes, m->len))
            return KPS_FORMAT_BINARY;
    }
    if (is_bzip2(data, len) || is_riff(data, len) || is_id3(data, len))
        return KPS_FORMAT_BINARY;

    /* Late, because its search window is wide: a binary format above
     * could hold "%PDF-" in its first kilobyte. */
    if (is_pdf(data, len))
        return KPS_FORMAT_PDF;

    kps_format f = sniff_text_or_binary(data, len);
    return f == KPS_FORMAT_TEXT ? markup_kind(data, len) : f;
}

const char *kps_binary_kind(const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < sizeof binary_magics / sizeof binary_magics[0];
         i++) {
        const magic *m = &binary_magics[i];
        if (m->kind && has_at(data, len, m->offset, m->bytes, m->len))
            return m->kind;
    }
    /* ISO media files name their brand after "ftyp"; RIFF files their
     * kind at offset 8 */
    if (has_at(data, len, 4, "ftyp", 4))
        return has_at(data, len, 8, "heic", 4) ||
                       has_at(data, len, 8, "heix", 4)
                   ? "an image: HEIC"
               : has_at(data, len, 8, "mif1", 4) ? "an image: HEIF"
               : has_at(data, len, 8, "avif", 4) ? "an image: AVIF"
                                                 : "a video or audio file";
    if (is_riff(data, len))
        return has_at(data, len, 8, "WEBP", 4) ? "an image: WebP"
                                               : "a video or audio file";
    return NULL;
}

const char *kps_format_name(kps_format f)
{
    switch (f) {
    case KPS_FORMAT_UNKNOWN: return "unknown";
    case KPS_FORMAT_TEXT: return "text";
    case KPS_FORMAT_DOCX: return "docx";
    case KPS_FORMAT_ODT: return "odt";
    case KPS_FORMAT_ZIP: return "zip";
    case KPS_FORMAT_PDF: return "pdf";
    case KPS_FORMAT_RTF: return "rtf";
    case KPS_FORMAT_OLE: return "ole";
    case KPS_FORMAT_BINARY: return "binary";
    case KPS_FORMAT_HTML: return "html";
    case KPS_FORMAT_FLAT_ODF: return "fodt";
    case KPS_FORMAT_WORD_XML: return "wordxml";
    case KPS_FORMAT_DOC: return "doc";
    }
    return "unknown";
}

const char *kps_format_description(kps_format f)
{
    switch (f) {
    case KPS_FORMAT_UNKNOWN: return "unknown format";
    case KPS_FORMAT_TEXT: return "plain text";
    case KPS_FORMAT_DOCX: return "DOCX document";
    case KPS_FORMAT_ODT: return "ODT document";
    case KPS_FORMAT_ZIP: return "ZIP archive (neither DOCX nor ODT)";
    case KPS_FORMAT_PDF: return "PDF document";
    case KPS_FORMAT_RTF: return "RTF document";
    case KPS_FORMAT_OLE:
        return "OLE compound file (legacy .doc or encrypted Office document)";
    case KPS_FORMAT_BINARY: return "binary data";
    case KPS_FORMAT_HTML: return "HTML page";
    case KPS_FORMAT_FLAT_ODF:
        return "flat OpenDocument XML (.fodt; save it as .odt)";
    case KPS_FORMAT_WORD_XML: return "Word XML document (save it as .docx)";
    case KPS_FORMAT_DOC: return "Word 97-2003 document";
    }
    return "unknown format";
}
