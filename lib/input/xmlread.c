/* xmlread.c - hardened streaming XML over libxml2 SAX2 (see xmlread.h). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "base/base.h"
#include "base/util.h"
#include "base/options.h"
#include "input/doc.h"
#include "input/xmlread.h"

struct kps_xml {
    xmlParserCtxtPtr ctxt;
    const kps_xml_handler *h;
    void *user;
    const kps_limits *lim;
    const char *name;
    const char *part;
    kpiscan_error *err;
    unsigned depth;
    int status; /* first failure a callback or a check reported */
    /* first libxml2 error, kept for the message */
    int have_error;
    int error_code;
    size_t error_line, error_col;
    char error_msg[256];
};

static void stop(kps_xml *x, int status)
{
    if (x->status == KPISCAN_OK)
        x->status = status;
    xmlStopParser(x->ctxt);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces,
                     const xmlChar **namespaces, int nb_attributes,
                     int nb_defaulted, const xmlChar **attributes)
{
    (void)prefix;
    (void)nb_namespaces;
    (void)namespaces;
    (void)nb_defaulted;
    kps_xml *x = ctx;
    if (x->status != KPISCAN_OK)
        return;
    if (++x->depth > x->lim->max_xml_depth) {
        stop(x, kps_fail(x->err, KPISCAN_ERR_LIMIT, x->name,
                         "%s: XML nesting deeper than max_xml_depth (%u)",
                         x->part, x->lim->max_xml_depth));
        return;
    }
    if (!x->h->start)
        return;
    kps_xml_attrs attrs = {(size_t)(nb_attributes > 0 ? nb_attributes : 0),
                           (const char *const *)attributes};
    int rc =
        x->h->start(x->user, x, (const char *)local, (const char *)uri, &attrs);
    if (rc != KPISCAN_OK)
        stop(x, rc);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)prefix;
    kps_xml *x = ctx;
    if (x->status != KPISCAN_OK)
        return;
    if (x->h->end) {
        int rc = x->h->end(x->user, x, (const char *)local, (const char *)uri);
        if (rc != KPISCAN_OK) {
            stop(x, rc);
            return;
        }
    }
    x->depth--;
}

static void on_text(void *ctx, const xmlChar *s, int n)
{
    kps_xml *x = ctx;
    if (x->status != KPISCAN_OK || !x->h->text || n <= 0)
        return;
    int rc = x->h->text(x->user, x, (const char *)s, (size_t)n);
    if (rc != KPISCAN_OK)
        stop(x, rc);
}

/* Called as soon as "<!DOCTYPE name ...>" has been read and before its
 * internal subset is parsed, so no entity declaration is ever seen. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                       const xmlChar *sys_id)
{
    (void)name;
    (void)ext_id;
    (void)sys_id;
    kps_xml *x = ctx;
    stop(x, kps_fail(x->err, KPISCAN_ERR_CORRUPT, x->name,
                     "DOCTYPE not allowed in %s", x->part));
}

/* The parse's own error sink: libxml2 hands every error of this context
 * here instead of printing it. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    kps_xml *x = ctx;
    if (!e || e->level < XML_ERR_ERROR || x->have_error)
        return;
    x->have_error = 1;
    x->error_code = e->code;
    x->error_line = e->line > 0 ? (size_t)e->line : 0;
    x->error_col = e->int2 > 0 ? (size_t)e->int2 : 0;
    snprintf(x->error_msg, sizeof x->error_msg, "%s",
             e->message ? e->message : "unknown error");
    /* The message may quote the input: keep it valid UTF-8 on one line
     * (and drop the newline libxml2 ends it with). */
    size_t n = kps_utf8_valid_prefix((const unsigned char *)x->error_msg,
                                     strlen(x->error_msg));
    x->error_msg[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)x->error_msg[i] < 0x20)
            x->error_msg[i] = ' ';
    while (n && x->error_msg[n - 1] == ' ')
        x->error_msg[--n] = '\0';
}

/* Legacy (unstructured) sinks: never used while serror is set, but kept
 * non-NULL-safe and silent in case a code path reaches them. */
static void XMLCDECL quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* ---- input encodings ----------------------------------------------- */

/* libxml2 2.9 reports conversion errors of its encoding handlers (iconv,
 * and its own UTF-16 decoder) through the process-wide generic error
 * handler, i.e. on stderr, not through the parse's handler.  So libxml2
 * only ever sees UTF-8 here: UTF-16, ISO-8859-1 and Windows-1252 parts are
 * converted first (OOXML allows UTF-8 and UTF-16, ODF uses UTF-8), the
 * declared encoding is then ignored (XML_PARSE_IGNORE_ENC), and any other
 * encoding is refused with a clear message. */

/* UTF-16 (big_endian or not) to UTF-8; NULL when invalid. */
static char *utf16_to_utf8(const unsigned char *s, size_t n, int big_endian,
                           size_t *out_len)
{
    if (n % 2)
        return NULL;
    char *out = malloc(n / 2 * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1])
                                : (uint32_t)(s[i + 1] << 8 | s[i]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 3 >= n) {
                free(out);
                return NULL;
            }
            uint32_t lo = big_endian ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
                                     : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
            if (lo < 0xDC00 || lo > 0xDFFF) {
                free(out);
                return NULL;
            }
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if ((u >= 0xDC00 && u <= 0xDFFF) || u == 0) {
            /* a NUL is never XML, and "<\0\0\0" would make libxml2
             * switch to its own UCS-4 decoder */
            free(out);
            return NULL;
        }
        o += kps_utf8_encode(u, out + o);
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* ISO-8859-1 or Windows-1252 to UTF-8. */
static char *single_byte_to_utf8(const unsigned char *s, size_t n, int cp1252,
                                 size_t *out_len)
{
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u = s[i];
        if (cp1252 && u >= 0x80 && u < 0xA0)
            u = kps_cp1252_high[u - 0x80];
        o += kps_utf8_encode(u, out + o);
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z')
            x = (char)(x - 'a' + 'A');
        if (x != y)
            return 0;
    }
    return 1;
}

/* The encoding named by an XML declaration at s, if any. */
static const char *declared_encoding(const char *s, size_t n, size_t *len)
{
    if (n < 6 || memcmp(s, "<?xml", 5) != 0)
        return NULL;
    size_t end = n < 512 ? n : 512;
    for (size_t i = 5; i + 9 < end && !(s[i] == '?' && s[i + 1] == '>'); i++) {
        if (memcmp(s + i, "encoding", 8) != 0)
            continue;
        size_t j = i + 8;
        while (j < end && (s[j] == ' ' || s[j] == '=' || s[j] == '\t' ||
                           s[j] == '\r' || s[j] == '\n'))
            j++;
        if (j >= end || (s[j] != '"' && s[j] != '\''))
            return NULL;
        char q = s[j++];
        size_t k = j;
        while (k < end && s[k] != q)
            k++;
        if (k >= end)
            return NULL;
        *len = k - j;
        return s + j;
    }
    return NULL;
}

/* Give libxml2 UTF-8 only: *text (of *text_len bytes) is data or a converted
 * copy (then *owned is set and must be freed). */
static int utf8_input(const char *data, size_t len, const char *name,
                      const char *part, const char **text, size_t *text_len,
                      char **owned, kpiscan_error *err)
{
    const unsigned char *u = (const unsigned char *)data;
    *owned = NULL;
    *text = data;
    *text_len = len;
    int be = -1;
    size_t skip = 0;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        be = 0, skip = 2;
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        be = 1, skip = 2;
    else if (len >= 2 && u[0] == '<' && u[1] == 0)
        be = 0;
    else if (len >= 2 && u[0] == 0 && u[1] == '<')
        be = 1;
    if (be >= 0) {
        *owned = utf16_to_utf8(u + skip, len - skip, be, text_len);
        if (!*owned)
            return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                            "malformed XML in %s: invalid UTF-16", part);
        *text = *owned;
        return KPISCAN_OK;
    }
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        *text += 3; /* the UTF-8 byte-order mark */
        *text_len -= 3;
    }
    const char *t = *text;
    /* libxml2 guesses an encoding from the first four bytes (UCS-4,
     * UTF-16, EBCDIC); only text that starts like UTF-8 XML goes on */
    if ((*text_len && t[0] != '<' && t[0] != ' ' && t[0] != '\t' &&
         t[0] != '\r' && t[0] != '\n') ||
        memchr(t, '\0', *text_len < 4 ? *text_len : 4))
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                        "malformed XML in %s: not XML text", part);
    size_t n;
    const char *enc = declared_encoding(t, *text_len, &n);
    if (!enc || ascii_ieq(enc, n, "UTF-8") || ascii_ieq(enc, n, "UTF8") ||
        ascii_ieq(enc, n, "US-ASCII") || ascii_ieq(enc, n, "ASCII") ||
        ascii_ieq(enc, n, "UTF-16") || ascii_ieq(enc, n, "UTF-16LE") ||
        ascii_ieq(enc, n, "UTF-16BE"))
        return KPISCAN_OK; /* "UTF-16" over 8-bit text: read it as UTF-8 */
    int latin1 = ascii_ieq(enc, n, "ISO-8859-1") ||
                 ascii_ieq(enc, n, "ISO8859-1") ||
                 ascii_ieq(enc, n, "ISO_8859-1") || ascii_ieq(enc, n, "LATIN1");
    int cp1252 =
        ascii_ieq(enc, n, "WINDOWS-1252") || ascii_ieq(enc, n, "CP1252");
    if (!latin1 && !cp1252)
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                        "malformed XML in %s: unsupported encoding '%.*s'",
                        part, (int)(n < 40 ? n : 40), enc);
    *owned = single_byte_to_utf8((const unsigned char *)t, *text_len, cp1252,
                                 text_len);
    if (!*owned)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    *text = *owned;
    return KPISCAN_OK;
}

/* ---- shapes libxml2 2.9 parses in quadratic time ------------------ */

/* libxml2 2.9 checks an element's attributes for duplicates pairwise and
 * looks namespace prefixes up in the list of bindings in scope, so a start
 * tag with 100,000 attributes, or 100,000 namespaces in scope, takes
 * seconds to minutes within one parse call.  Real documents stay far
 * below these caps (Word's root element declares ~40 namespaces, pictures
 * a few more each; elements carry a few dozen attributes at most). */
#define MAX_ATTRIBUTES_PER_ELEMENT 256
#define MAX_NAMESPACES_IN_SCOPE 512
#define SCAN_STACK 1024 /* deeper nesting is refused by the depth limit */

static const char *skip_past(const char *p, const char *end, const char *tok)
{
    size_t k = strlen(tok);
    for (; p + k <= end; p++) {
        p = memchr(p, tok[0], (size_t)(end - p));
        if (!p || p + k > end)
            return end;
        if (memcmp(p, tok, k) == 0)
            return p + k;
    }
    return end;
}

/* One linear pass over the tags (text between them is skipped by
 * memchr), counting attributes per start tag and namespace declarations
 * in scope.  Runs before libxml2 sees the part. */
static int check_tag_shapes(const char *data, size_t len, const char *name,
                            const char *part, kpiscan_error *err)
{
    unsigned short decls_at[SCAN_STACK]; /* declarations per open element */
    size_t depth = 0, in_scope = 0;
    const char *p = data, *end = data + len;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if (p < end && *p == '!') {
            if (end - p >= 3 && memcmp(p, "!--", 3) == 0)
                p = skip_past(p + 3, end, "-->");
            else if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0)
                p = skip_past(p + 8, end, "]]>");
            continue; /* a DOCTYPE is refused by the parser */
        }
        if (p < end && *p == '?') {
            p = skip_past(p, end, "?>");
            continue;
        }
        if (p < end && *p == '/') { /* an end tag closes a scope */
            if (depth) {
                depth--;
                if (depth < SCAN_STACK)
                    in_scope -= decls_at[depth];
            }
            continue;
        }
        size_t attrs = 0, decls = 0;
        char quote = 0, prev = 0;
        for (; p < end; prev = *p++) {
            char c = *p;
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            } else if (c == '=') {
                if (++attrs > MAX_ATTRIBUTES_PER_ELEMENT)
                    return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                                    "%s: an element has more than %d "
                                    "attributes",
                                    part, MAX_ATTRIBUTES_PER_ELEMENT);
            } else if (c == 'x' && end - p > 5 && memcmp(p, "xmlns", 5) == 0 &&
                       (p[5] == ':' || p[5] == '=' || p[5] == ' ')) {
                decls++;
            }
        }
        in_scope += decls;
        if (in_scope > MAX_NAMESPACES_IN_SCOPE)
            return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                            "%s: more than %d namespace declarations in scope",
                            part, MAX_NAMESPACES_IN_SCOPE);
        if (prev == '/') { /* <empty/> opens and closes its scope */
            in_scope -= decls;
            continue;
        }
        /* past the stack, declarations stay counted: an overestimate */
        if (depth < SCAN_STACK)
            decls_at[depth] = (unsigned short)decls;
        depth++;
    }
    return KPISCAN_OK;
}

static int parse_utf8(const char *data, size_t len, const char *name,
                      const char *part, const kps_limits *lim,
                      const kps_xml_handler *h, void *user, kpiscan_error *err);

int kps_xml_parse(const char *data, size_t len, const char *name,
                  const char *part, const kps_limits *lim,
                  const kps_xml_handler *h, void *user, kpiscan_error *err)
{
    const char *text;
    size_t text_len;
    char *owned;
    int rc = utf8_input(data, len, name, part, &text, &text_len, &owned, err);
    if (rc != KPISCAN_OK)
        return rc;
    rc = check_tag_shapes(text, text_len, name, part, err);
    if (rc == KPISCAN_OK)
        rc = parse_utf8(text, text_len, name, part, lim, h, user, err);
    free(owned);
    return rc;
}

static int parse_utf8(const char *data, size_t len, const char *name,
                      const char *part, const kps_limits *lim,
                      const kps_xml_handler *h, void *user, kpiscan_error *err)
{
    if (len > INT_MAX)
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "%s: part too large for the XML parser", part);
    /* libxml2 makes no context for an empty buffer; that is a broken
     * part, not a lack of memory. */
    if (len == 0)
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                        "malformed XML in %s: the part is empty", part);
    /* Thread-safe to repeat in libxml2 2.9: it returns at once when done
     * and otherwise initialises under libxml2's global init mutex. */
    xmlInitParser();

    kps_xml x;
    memset(&x, 0, sizeof x);
    x.h = h;
    x.user = user;
    x.lim = lim;
    x.name = name;
    x.part = part;
    x.err = err;

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    sax.internalSubset = on_doctype;
    sax.serror = on_error;
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;
    /* getEntity, entityDecl, externalSubset, resolveEntity stay NULL: no
     * entity is ever looked up, declared or loaded. */

    /* libxml2 copies the part into its own input buffer here.  A zero-copy
     * input (xmlParserInputBufferCreateStatic + xmlNewIOInputStream) was
     * tried and gave spurious "Failed to parse QName" errors with 2.9.14
     * on longer parts, so the copy stays. */
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    if (ctxt->sax != (xmlSAXHandlerPtr)&xmlDefaultSAXHandler)
        xmlFree(ctxt->sax);
    ctxt->sax = &sax;
    ctxt->userData = &x;
    x.ctxt = ctxt;
    /* NONET: no network even if something asked.  Never NOENT, DTDLOAD,
     * DTDATTR, XINCLUDE or HUGE (HUGE lifts the amplification checks). */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;
    /* xmlCtxtUseOptions() sets the legacy sinks to NULL; keep them quiet. */
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;

    int parse_rc = xmlParseDocument(ctxt);
    int well_formed = ctxt->wellFormed;
    ctxt->sax = NULL; /* ours lives on the stack */
    xmlFreeParserCtxt(ctxt);

    if (x.status != KPISCAN_OK)
        return x.status;
    if (parse_rc != 0 || !well_formed) {
        /* The position is the part's, not the file's: it goes into the
         * reason, and the error's own line and column stay 0, so that
         * "cv.docx:4:17:" never points into the zip's bytes (editors and
         * CI problem matchers read it so). */
        char where[64] = "";
        if (x.error_line > 0)
            snprintf(where, sizeof where, " (line %zu, column %zu)",
                     x.error_line, x.error_col);
        if (x.have_error && x.error_code == XML_ERR_INTERNAL_ERROR &&
            strstr(x.error_msg, "depth"))
            return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                            "%s%s: XML nesting deeper than the parser allows",
                            part, where);
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                        "malformed XML in %s%s: %s", part, where,
                        x.have_error ? x.error_msg : "parse failed");
    }
    return KPISCAN_OK;
}

const char *kps_xml_ns_lookup(const kps_xml *x, const char *prefix, size_t n)
{
    const xmlParserCtxtPtr c = x->ctxt;
    /* nsTab holds (prefix, URI) pairs, innermost last */
    for (int i = c->nsNr - 2; i >= 0; i -= 2) {
        const char *p = (const char *)c->nsTab[i];
        if (!p) {
            if (n == 0)
                return (const char *)c->nsTab[i + 1];
            continue;
        }
        if (strlen(p) == n && memcmp(p, prefix, n) == 0)
            return (const char *)c->nsTab[i + 1];
    }
    return NULL;
}

unsigned kps_xml_depth(const kps_xml *x)
{
    return x->depth;
}

const char *kps_xml_attr(const kps_xml_attrs *a, const char *local,
                         const char *uri1, const char *uri2, size_t *len)
{
    for (size_t i = 0; i < a->n; i++) {
        if (strcmp(KPS_XML_ATTR_LOCAL(a, i), local) != 0)
            continue;
        const char *u = KPS_XML_ATTR_URI(a, i);
        int ok;
        if (!u)
            ok = !uri1 || !uri2;
        else
            ok = (uri1 && strcmp(u, uri1) == 0) ||
                 (uri2 && strcmp(u, uri2) == 0);
        if (!ok)
            continue;
        if (len)
            *len = KPS_XML_ATTR_LEN(a, i);
        return KPS_XML_ATTR_VALUE(a, i);
    }
    return NULL;
}

int kps_xml_value_eq(const char *v, size_t n, const char *s)
{
    return v && strlen(s) == n && memcmp(v, s, n) == 0;
}

/* ------------------------------------------------------------------ */
/* Document text builder                                                */
/* ------------------------------------------------------------------ */

void kps_tb_init(kps_textbuild *tb, const char *name, size_t max_text,
                 size_t *total, unsigned *next_para, kpiscan_error *err)
{
    memset(tb, 0, sizeof *tb);
    tb->name = name;
    tb->part = "";
    tb->max_text = max_text;
    tb->total = total;
    tb->next_para = next_para;
    tb->err = err;
    tb->after_para = tb->after_cell = SIZE_MAX;
    tb->cell_start = 0;
}

void kps_tb_free(kps_textbuild *tb)
{
    kps_buf_free(&tb->text);
    free(tb->segs);
    free(tb->hidden.v);
    free(tb->white.v);
    free(tb->paras);
    tb->segs = NULL;
    tb->hidden.v = tb->white.v = NULL;
    tb->paras = NULL;
    tb->nsegs = tb->segcap = tb->npara = tb->paracap = 0;
    tb->hidden.n = tb->hidden.cap = tb->white.n = tb->white.cap = 0;
}

static int nomem(kps_textbuild *tb)
{
    return kps_fail(tb->err, KPISCAN_ERR_NOMEM, tb->name, "out of memory");
}

/* Add [start, end), merging with the last range when they touch. */
static int ranges_add(kps_ranges *r, size_t start, size_t end)
{
    if (start >= end)
        return 0;
    if (r->n && r->v[r->n - 1].end == start) {
        r->v[r->n - 1].end = end;
        return 0;
    }
    if (kps_array_reserve(&r->v, &r->cap, r->n + 1, sizeof *r->v, 16) != 0)
        return -1;
    r->v[r->n].start = start;
    r->v[r->n].end = end;
    r->n++;
    return 0;
}

static int reserve_text(kps_textbuild *tb, size_t n)
{
    if (n > tb->max_text || *tb->total > tb->max_text - n)
        return kps_fail(tb->err, KPISCAN_ERR_LIMIT, tb->name,
                        "%s: extracted text exceeds max_text_bytes (%zu)",
                        tb->part, tb->max_text);
    if (kps_buf_reserve(&tb->text, n) != 0)
        return nomem(tb);
    *tb->total += n;
    return KPISCAN_OK;
}

int kps_tb_text(kps_textbuild *tb, const char *s, size_t n, kps_vis vis)
{
    if (n == 0)
        return KPISCAN_OK;
    int rc = reserve_text(tb, n);
    if (rc != KPISCAN_OK)
        return rc;
    size_t start = tb->text.len;
    memcpy(tb->text.data + start, s, n);
    tb->text.len += n;
    tb->text.data[tb->text.len] = '\0';
    if (vis == KPS_HIDDEN && ranges_add(&tb->hidden, start, tb->text.len) != 0)
        return nomem(tb);
    if (vis == KPS_HIDDEN_WHITE &&
        ranges_add(&tb->white, start, tb->text.len) != 0)
        return nomem(tb);
    return KPISCAN_OK;
}

int kps_tb_char(kps_textbuild *tb, char c)
{
    return kps_tb_text(tb, &c, 1, KPS_VISIBLE);
}

int kps_tb_codepoint(kps_textbuild *tb, uint32_t cp, kps_vis vis)
{
    char s[4];
    return kps_tb_text(tb, s, kps_utf8_encode(cp, s), vis);
}

/* Record [start, text end) as a piece of paragraph p, if not empty. */
static int emit_segment(kps_textbuild *tb, const kps_tb_para *p)
{
    if (tb->text.len <= p->start)
        return KPISCAN_OK;
    if (kps_array_reserve(&tb->segs, &tb->segcap, tb->nsegs + 1,
                          sizeof *tb->segs, 16))
        return nomem(tb);
    kps_segment *s = &tb->segs[tb->nsegs++];
    s->start = p->start;
    s->end = tb->text.len;
    s->part = tb->part_index;
    s->paragraph = p->index;
    return KPISCAN_OK;
}

static int last_char_is(const kps_textbuild *tb, char c)
{
    return tb->text.len && tb->text.data[tb->text.len - 1] == c;
}

int kps_tb_para_start(kps_textbuild *tb)
{
    int rc;
    if (tb->npara) {
        /* A paragraph inside a paragraph (text box): close the outer
         * piece and put the inner one on a line of its own. */
        if ((rc = emit_segment(tb, &tb->paras[tb->npara - 1])) != KPISCAN_OK)
            return rc;
        if (tb->text.len && !last_char_is(tb, '\n') &&
            (rc = kps_tb_char(tb, '\n')) != KPISCAN_OK)
            return rc;
    }
    if (kps_array_reserve(&tb->paras, &tb->paracap, tb->npara + 1,
                          sizeof *tb->paras, 16))
        return nomem(tb);
    kps_tb_para *p = &tb->paras[tb->npara++];
    p->start = tb->text.len;
    p->index = (*tb->next_para)++;
    return KPISCAN_OK;
}

int kps_tb_para_end(kps_textbuild *tb, int join)
{
    int rc;
    if (!tb->npara)
        return KPISCAN_OK;
    kps_tb_para p = tb->paras[--tb->npara];
    if ((rc = emit_segment(tb, &p)) != KPISCAN_OK)
        return rc;
    if (!join) {
        if ((rc = kps_tb_char(tb, '\n')) != KPISCAN_OK)
            return rc;
        tb->after_para = tb->text.len;
    }
    if (tb->npara)
        tb->paras[tb->npara - 1].start = tb->text.len; /* outer resumes */
    return KPISCAN_OK;
}

int kps_tb_cell_start(kps_textbuild *tb)
{
    tb->cell_start = tb->text.len;
    return KPISCAN_OK;
}

int kps_tb_cell_end(kps_textbuild *tb)
{
    /* The cell's last paragraph break becomes the cell's tab, unless the
     * cell holds other breaks too.  Segments and ranges never cover a
     * break, so dropping it moves nothing. */
    if (tb->text.len && tb->text.len == tb->after_para &&
        last_char_is(tb, '\n')) {
        size_t from =
            tb->cell_start < tb->text.len ? tb->cell_start : tb->text.len - 1;
        if (memchr(tb->text.data + from, '\n', tb->text.len - 1 - from)) {
            tb->after_cell = tb->text.len;
            if (tb->npara)
                tb->paras[tb->npara - 1].start = tb->text.len;
            return KPISCAN_OK;
        }
        tb->text.len--;
        tb->text.data[tb->text.len] = '\0';
        (*tb->total)--;
    }
    int rc = kps_tb_char(tb, '\t');
    if (rc == KPISCAN_OK)
        tb->after_cell = tb->text.len;
    if (tb->npara)
        tb->paras[tb->npara - 1].start = tb->text.len;
    return rc;
}

int kps_tb_row_end(kps_textbuild *tb)
{
    int rc = KPISCAN_OK;
    if (tb->text.len && tb->text.len == tb->after_cell &&
        last_char_is(tb, '\t'))
        tb->text.data[tb->text.len - 1] = '\n';
    else if (!(tb->text.len && tb->text.len == tb->after_cell &&
               last_char_is(tb, '\n')))
        rc = kps_tb_char(tb, '\n');
    if (rc == KPISCAN_OK)
        tb->after_para = tb->text.len;
    if (tb->npara)
        tb->paras[tb->npara - 1].start = tb->text.len;
    return rc;
}

int kps_tb_end_line(kps_textbuild *tb)
{
    /* paragraphs left open by a truncated structure are closed first */
    while (tb->npara) {
        int rc = kps_tb_para_end(tb, 0);
        if (rc != KPISCAN_OK)
            return rc;
    }
    if (tb->text.len && !last_char_is(tb, '\n'))
        return kps_tb_char(tb, '\n');
    return KPISCAN_OK;
}

static int ranges_append_shifted(kps_ranges *dst, const kps_ranges *src,
                                 size_t shift)
{
    for (size_t i = 0; i < src->n; i++)
        if (ranges_add(dst, src->v[i].start + shift, src->v[i].end + shift))
            return -1;
    return 0;
}

int kps_tb_append(kps_textbuild *dst, kps_textbuild *src)
{
    size_t shift = dst->text.len;
    if (src->text.len) {
        /* src's bytes are already counted in the shared total */
        if (kps_buf_append(&dst->text, src->text.data, src->text.len) != 0)
            return nomem(dst);
    }
    for (size_t i = 0; i < src->nsegs; i++) {
        if (kps_array_reserve(&dst->segs, &dst->segcap, dst->nsegs + 1,
                              sizeof *dst->segs, 16))
            return nomem(dst);
        kps_segment s = src->segs[i];
        s.start += shift;
        s.end += shift;
        dst->segs[dst->nsegs++] = s;
    }
    if (ranges_append_shifted(&dst->hidden, &src->hidden, shift) ||
        ranges_append_shifted(&dst->white, &src->white, shift))
        return nomem(dst);
    dst->after_para = dst->after_cell = SIZE_MAX;
    dst->cell_start = 0;
    kps_tb_free(src);
    return KPISCAN_OK;
}

int kps_tb_insert_block(kps_textbuild *dst, kps_textbuild *src)
{
    if (!src->text.len) {
        kps_tb_free(src);
        return KPISCAN_OK;
    }
    /* At the start of a cell the text ends in the previous cell's tab,
     * which a line break would push onto a line of its own. */
    size_t cell_start = dst->cell_start;
    int rc = KPISCAN_OK;
    if (dst->text.len && !last_char_is(dst, '\n') &&
        dst->text.len != cell_start)
        rc = kps_tb_char(dst, '\n');
    if (rc == KPISCAN_OK)
        rc = kps_tb_append(dst, src);
    if (rc == KPISCAN_OK && !last_char_is(dst, '\n'))
        rc = kps_tb_char(dst, '\n');
    kps_tb_free(src); /* kps_tb_append() keeps it on failure */
    if (rc != KPISCAN_OK)
        return rc;
    /* kps_tb_append() forgets the cell, as between parts it should; a
     * block stays in it, and its last break is what a cell end replaces */
    dst->cell_start = cell_start;
    dst->after_para = dst->text.len;
    return KPISCAN_OK;
}

int kps_tb_has_content(const kps_textbuild *tb)
{
    for (size_t i = 0; i < tb->text.len; i++) {
        unsigned char c = (unsigned char)tb->text.data[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return 1;
    }
    return 0;
}

/* Merge two sorted lists of ranges into one sorted list, joining
 * overlapping or touching ranges. */
static int ranges_merge(const kps_ranges *a, const kps_ranges *b,
                        kps_ranges *out)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        kps_range r;
        if (j >= b->n || (i < a->n && a->v[i].start <= b->v[j].start))
            r = a->v[i++];
        else
            r = b->v[j++];
        if (out->n && r.start <= out->v[out->n - 1].end) {
            if (r.end > out->v[out->n - 1].end)
                out->v[out->n - 1].end = r.end;
            continue;
        }
        if (kps_array_reserve(&out->v, &out->cap, out->n + 1, sizeof *out->v,
                              16))
            return -1;
        out->v[out->n++] = r;
    }
    return 0;
}

int kps_tb_finish(kps_textbuild *tb, int white_is_hidden, kps_doc *doc)
{
    kps_ranges hidden = {0};
    kps_ranges none = {0};
    if (ranges_merge(&tb->hidden, white_is_hidden ? &tb->white : &none,
                     &hidden) != 0) {
        free(hidden.v);
        return nomem(tb);
    }
    if (!tb->text.data && kps_buf_reserve(&tb->text, 0) != 0) {
        free(hidden.v);
        return nomem(tb);
    }
    doc->text = tb->text.data;
    doc->len = tb->text.len;
    doc->segments = tb->segs;
    doc->nsegments = tb->nsegs;
    doc->hidden = hidden.v;
    doc->nhidden = hidden.n;
    tb->text.data = NULL;
    tb->text.len = tb->text.cap = 0;
    tb->segs = NULL;
    tb->nsegs = tb->segcap = 0;
    kps_tb_free(tb);
    return KPISCAN_OK;
}

double kps_xml_length_pt(const char *v, size_t n, double bare_scale)
{
    static const struct {
        const char *unit;
        double pt;
    } UNITS[] = {{"pt", 1.0},  {"pc", 12.0},        {"pi", 12.0},
                 {"in", 72.0}, {"cm", 72.0 / 2.54}, {"mm", 72.0 / 25.4},
                 {"px", 0.75}};
    char buf[32];
    if (!v)
        return -1;
    while (n && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' ||
                 v[n - 1] == '\r'))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    char *end;
    double x = kps_parse_decimal(buf, &end);
    if (end == buf || x < 0)
        return -1;
    if (*end == '\0')
        return bare_scale > 0 ? x * bare_scale : -1;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (strcmp(end, UNITS[i].unit) == 0)
            return x * UNITS[i].pt;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Last-modified date of a document                                    */
/* ------------------------------------------------------------------ */

typedef struct date_parse {
    const char *uri, *local;
    int inside;
    char value[64];
    size_t len;
} date_parse;

static int date_start(void *user, kps_xml *x, const char *local,
                      const char *uri, const kps_xml_attrs *a)
{
    (void)x;
    (void)a;
    date_parse *dp = user;
    if (uri && strcmp(uri, dp->uri) == 0 && strcmp(local, dp->local) == 0) {
        dp->inside = 1;
        dp->len = 0;
    }
    return KPISCAN_OK;
}

static int date_end(void *user, kps_xml *x, const char *local, const char *uri)
{
    (void)x;
    (void)local;
    (void)uri;
    ((date_parse *)user)->inside = 0;
    return KPISCAN_OK;
}

static int date_text(void *user, kps_xml *x, const char *s, size_t n)
{
    (void)x;
    date_parse *dp = user;
    if (!dp->inside)
        return KPISCAN_OK;
    size_t room = sizeof dp->value - 1 - dp->len;
    if (n > room)
        n = room;
    memcpy(dp->value + dp->len, s, n);
    dp->len += n;
    dp->value[dp->len] = '\0';
    return KPISCAN_OK;
}

/* "YYYY-MM-DD..." into doc->modified_*; anything else, and a date that is
 * not in the calendar (30 February), leaves zeros: the document's date
 * goes through the same check as the --as-of option. */
static void set_modified(kps_doc *doc, const char *v)
{
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (v[i] != '-')
                return;
        } else if (v[i] < '0' || v[i] > '9') {
            return;
        }
    }
    int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 +
            (v[3] - '0');
    int m = (v[5] - '0') * 10 + (v[6] - '0');
    int d = (v[8] - '0') * 10 + (v[9] - '0');
    if (!kps_date_valid(y, m, d))
        return;
    doc->modified_year = y;
    doc->modified_month = m;
    doc->modified_day = d;
}

int kps_xml_modified_date(const char *data, size_t len, const char *name,
                          const char *part, const kps_limits *lim,
                          const char *uri, const char *local, kps_doc *doc,
                          kpiscan_error *err)
{
    date_parse dp;
    memset(&dp, 0, sizeof dp);
    dp.uri = uri;
    dp.local = local;
    static const kps_xml_handler h = {date_start, date_end, date_text};
    int rc = kps_xml_parse(data, len, name, part, lim, &h, &dp, err);
    if (rc == KPISCAN_OK && dp.value[0])
        set_modified(doc, dp.value);
    return rc;
}

int32_t kps_xml_hex_rgb(const char *v, size_t n)
{
    if (!v || n != 6)
        return -1;
    int32_t rgb = 0;
    for (size_t i = 0; i < 6; i++) {
        int d = kps_hexval(v[i]);
        if (d < 0)
            return -1;
        rgb = rgb * 16 + d;
    }
    return rgb;
}

int kps_xml_hex_near_white(const char *v, size_t n)
{
    if (n != 6)
        return -1;
    for (size_t i = 0; i < 6; i++)
        if (kps_hexval(v[i]) < 0)
            return -1;
    for (size_t i = 0; i < 6; i += 2)
        if (kps_hexval(v[i]) * 16 + kps_hexval(v[i + 1]) < 0xF0)
            return 0;
    return 1;
}

int kps_ns_lookup(const kps_ns_name *known, size_t n, const char *uri)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(uri, known[i].uri) == 0)
            return known[i].id;
    return 0;
}

int kps_style_cmp(const void *a, const void *b)
{
    const kps_style_key *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return strcmp(x->name, y->name);
}

/* kps_style_cmp()'s order for a counted name (not NUL-terminated). */
static int style_cmp_counted(char kind, const char *name, size_t n,
                             const kps_style_key *y)
{
    if (kind != y->kind)
        return kind - y->kind;
    int c = strncmp(name, y->name, n);
    if (c)
        return c;
    return y->name[n] == '\0' ? 0 : -1; /* a prefix sorts first */
}

/* A binary search on the counted name itself, with no copy: a style name
 * has no length limit in either format, and a name too long for a fixed
 * buffer must still find its style, or hidden text styled by it would
 * count as visible. */
const void *kps_style_find(const void *v, size_t count, size_t size, char kind,
                           const char *name, size_t n)
{
    if (!name || !count || memchr(name, '\0', n))
        return NULL;
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const kps_style_key *y =
            (const kps_style_key *)((const char *)v + mid * size);
        int c = style_cmp_counted(kind, name, n, y);
        if (c == 0)
            return y;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

void kps_styles_free(void *v, size_t count, size_t size)
{
    for (size_t i = 0; i < count; i++) {
        kps_style_key *k = (kps_style_key *)((char *)v + i * size);
        free(k->name);
        free(k->parent);
    }
    free(v);
}
