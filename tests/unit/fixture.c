/* fixture.c - in-memory DOCX / ODT builders for the tests (fixture.h). */
#include "fixture.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fixture: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* ---- a small string builder ------------------------------------------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("vsnprintf", NULL);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            die("out of memory", NULL);
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

/* ---- raw zip ------------------------------------------------------------ */

struct fixture_zip {
    zip_source_t *out;
    zip_t *za;
};

fixture_zip *fixture_zip_new(void)
{
    fixture_zip *z = xmalloc(sizeof *z);
    zip_error_t ze;
    zip_error_init(&ze);
    z->out = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!z->out)
        die("zip_source_buffer_create", zip_error_strerror(&ze));
    zip_source_keep(z->out); /* we read it after zip_close() */
    z->za = zip_open_from_source(z->out, ZIP_TRUNCATE, &ze);
    if (!z->za)
        die("zip_open_from_source", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return z;
}

static void add_source(fixture_zip *z, const char *name, zip_source_t *src,
                       zip_int32_t method)
{
    if (!src)
        die("zip source", zip_strerror(z->za));
    zip_int64_t idx = zip_file_add(z->za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        die("zip_file_add", zip_strerror(z->za));
    }
    if (zip_set_file_compression(z->za, (zip_uint64_t)idx, method, 0) != 0)
        die("zip_set_file_compression", zip_strerror(z->za));
}

static void add_copy(fixture_zip *z, const char *name, const void *data,
                     size_t len, zip_int32_t method)
{
    if (len == 0) { /* libzip neither needs nor frees data of length 0 */
        add_source(z, name, zip_source_buffer(z->za, NULL, 0, 0), method);
        return;
    }
    void *copy = xmalloc(len);
    memcpy(copy, data, len);
    add_source(z, name, zip_source_buffer(z->za, copy, len, 1), method);
}

void fixture_zip_add(fixture_zip *z, const char *name, const void *data,
                     size_t len)
{
    add_copy(z, name, data, len, ZIP_CM_DEFLATE);
}

void fixture_zip_add_str(fixture_zip *z, const char *name, const char *text)
{
    add_copy(z, name, text, strlen(text), ZIP_CM_DEFLATE);
}

void fixture_zip_add_stored(fixture_zip *z, const char *name, const void *data,
                            size_t len)
{
    add_copy(z, name, data, len, ZIP_CM_STORE);
}

/* A source that produces prefix + fill * count + suffix on demand. */
typedef struct repeat_src {
    char *prefix, *suffix;
    char fill;
    size_t count;
    size_t total, pos;
} repeat_src;

static zip_int64_t repeat_cb(void *ud, void *data, zip_uint64_t len,
                             zip_source_cmd_t cmd)
{
    repeat_src *r = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN: r->pos = 0; return 0;
    case ZIP_SOURCE_READ: {
        size_t plen = strlen(r->prefix), n = 0;
        char *out = data;
        while (n < len && r->pos < r->total) {
            size_t p = r->pos;
            if (p < plen)
                out[n] = r->prefix[p];
            else if (p < plen + r->count)
                out[n] = r->fill;
            else
                out[n] = r->suffix[p - plen - r->count];
            n++;
            r->pos++;
        }
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE: return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = r->total;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR: {
        zip_error_t e;
        zip_error_init(&e);
        return zip_error_to_data(&e, data, len);
    }
    case ZIP_SOURCE_FREE:
        free(r->prefix);
        free(r->suffix);
        free(r);
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(
            ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default: return -1;
    }
}

void fixture_zip_add_repeat(fixture_zip *z, const char *name,
                            const char *prefix, char fill, size_t count,
                            const char *suffix)
{
    repeat_src *r = xmalloc(sizeof *r);
    r->prefix = xstrdup(prefix);
    r->suffix = xstrdup(suffix);
    r->fill = fill;
    r->count = count;
    r->total = strlen(prefix) + count + strlen(suffix);
    r->pos = 0;
    add_source(z, name, zip_source_function(z->za, repeat_cb, r),
               ZIP_CM_DEFLATE);
}

unsigned char *fixture_zip_finish(fixture_zip *z, size_t *len)
{
    int empty = zip_get_num_entries(z->za, 0) == 0;
    if (zip_close(z->za) != 0)
        die("zip_close", zip_strerror(z->za));
    if (empty) {
        /* libzip writes nothing for an empty archive: an end-of-central-
         * directory record alone is the empty zip */
        zip_source_free(z->out);
        free(z);
        unsigned char *eocd = xmalloc(22);
        memset(eocd, 0, 22);
        memcpy(eocd, "PK\x05\x06", 4);
        *len = 22;
        return eocd;
    }
    zip_stat_t st;
    if (zip_source_stat(z->out, &st) != 0 || zip_source_open(z->out) != 0)
        die("zip_source_open", NULL);
    unsigned char *buf = xmalloc((size_t)st.size);
    zip_int64_t n = zip_source_read(z->out, buf, st.size);
    if (n < 0 || (zip_uint64_t)n != st.size)
        die("zip_source_read", NULL);
    zip_source_close(z->out);
    zip_source_free(z->out);
    free(z);
    *len = (size_t)st.size;
    return buf;
}

/* ---- DOCX ------------------------------------------------------------- */

#define W_T "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_S "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define R_T                                                                    \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define R_S "http://purl.oclc.org/ooxml/officeDocument/relationships"
#define PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define CORE_REL PKG_REL "/metadata/core-properties"

static const char *docx_namespaces(int strict)
{
    if (strict)
        return "xmlns:w=\"" W_S "\" xmlns:r=\"" R_S "\" "
               "xmlns:mc=\"http://schemas.openxmlformats.org/"
               "markup-compatibility/2006\" "
               "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/"
               "wordprocessingShape\" "
               "xmlns:wp=\"http://purl.oclc.org/ooxml/drawingml/"
               "wordprocessingDrawing\" "
               "xmlns:a=\"http://purl.oclc.org/ooxml/drawingml/main\" "
               "xmlns:pic=\"http://purl.oclc.org/ooxml/drawingml/picture\" "
               "xmlns:v=\"urn:schemas-microsoft-com:vml\" "
               "xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
               "xmlns:m=\"http://purl.oclc.org/ooxml/officeDocument/math\" "
               "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/"
               "wordml\" "
               "xmlns:x=\"urn:example:unknown-extension\"";
    return "xmlns:w=\"" W_T "\" xmlns:r=\"" R_T "\" "
           "xmlns:mc=\"http://schemas.openxmlformats.org/"
           "markup-compatibility/2006\" "
           "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/"
           "wordprocessingShape\" "
           "xmlns:wpg=\"http://schemas.microsoft.com/office/word/2010/"
           "wordprocessingGroup\" "
           "xmlns:wpc=\"http://schemas.microsoft.com/office/word/2010/"
           "wordprocessingCanvas\" "
           "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/"
           "wordprocessingDrawing\" "
           "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
           "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/"
           "picture\" "
           "xmlns:v=\"urn:schemas-microsoft-com:vml\" "
           "xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
           "xmlns:m=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "math\" "
           "xmlns:w14=\"http://schemas.microsoft.com/office/word/2010/wordml\" "
           "xmlns:x=\"urn:example:unknown-extension\"";
}

static void add_part(fixture_zip *z, const char *name, const char *root,
                     const char *content, int strict)
{
    sbuf b = {0};
    sb_printf(&b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
              "<w:%s %s>%s</w:%s>",
              root, docx_namespaces(strict), content, root);
    fixture_zip_add(z, name, b.s, b.len);
    free(b.s);
}

static void add_rel(sbuf *rels, int *id, int strict, const char *type,
                    const char *target)
{
    sb_printf(rels, "<Relationship Id=\"rId%d\" Type=\"%s/%s\" Target=\"%s\"/>",
              ++*id, strict ? R_S : R_T, type, target);
}

unsigned char *fixture_docx(const fixture_docx_spec *spec, size_t *len)
{
    const char *main_name =
        spec->main_name ? spec->main_name : "word/document.xml";
    const char *slash = strrchr(main_name, '/');
    const char *main_file = slash ? slash + 1 : main_name;
    size_t dir_len = slash ? (size_t)(slash - main_name) + 1 : 0;
    fixture_zip *z = fixture_zip_new();

    fixture_zip_add_str(
        z, "[Content_Types].xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
        "content-types\"><Default Extension=\"rels\" ContentType=\"application/"
        "vnd.openxmlformats-package.relationships+xml\"/><Default "
        "Extension=\"xml\" ContentType=\"application/xml\"/></Types>");

    if (!spec->no_package_rels) {
        sbuf rels = {0};
        sb_printf(&rels,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                  "<Relationships xmlns=\"" PKG_REL "\">"
                  "<Relationship Id=\"rId1\" Type=\"%s/officeDocument\" "
                  "Target=\"%s\"/>",
                  spec->strict ? R_S : R_T, main_name);
        if (spec->modified)
            sb_printf(&rels, "<Relationship Id=\"rId2\" Type=\"" CORE_REL "\" "
                             "Target=\"docProps/core.xml\"/>");
        sb_printf(&rels, "</Relationships>");
        fixture_zip_add(z, "_rels/.rels", rels.s, rels.len);
        free(rels.s);
    }

    /* the main part */
    sbuf doc = {0};
    if (spec->bom)
        sb_printf(&doc, "\xEF\xBB\xBF");
    if (spec->document_xml)
        sb_printf(&doc, "%s", spec->document_xml);
    else
        sb_printf(&doc,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\" "
                  "standalone=\"yes\"?>\n<w:document %s><w:body>%s</w:body>"
                  "</w:document>",
                  docx_namespaces(spec->strict), spec->body ? spec->body : "");
    fixture_zip_add(z, main_name, doc.s, doc.len);
    free(doc.s);

    /* its relationships and the parts they name */
    sbuf rels = {0};
    int id = 0;
    sb_printf(&rels, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                     "<Relationships xmlns=\"" PKG_REL "\">");
    char name[256], target[64];
    if (spec->styles || spec->styles_xml) {
        add_rel(&rels, &id, spec->strict, "styles", "styles.xml");
        snprintf(name, sizeof name, "%.*sstyles.xml", (int)dir_len, main_name);
        if (spec->styles_xml)
            fixture_zip_add_str(z, name, spec->styles_xml);
        else
            add_part(z, name, "styles", spec->styles, spec->strict);
    }
    for (int i = 0; i < 3; i++) {
        if (spec->headers[i]) {
            snprintf(target, sizeof target, "header%d.xml", i + 1);
            add_rel(&rels, &id, spec->strict, "header", target);
            snprintf(name, sizeof name, "%.*s%s", (int)dir_len, main_name,
                     target);
            add_part(z, name, "hdr", spec->headers[i], spec->strict);
        }
    }
    for (int i = 0; i < 3; i++) {
        if (spec->footers[i]) {
            snprintf(target, sizeof target, "footer%d.xml", i + 1);
            add_rel(&rels, &id, spec->strict, "footer", target);
            snprintf(name, sizeof name, "%.*s%s", (int)dir_len, main_name,
                     target);
            add_part(z, name, "ftr", spec->footers[i], spec->strict);
        }
    }
    static const struct {
        const char *type, *root, *file;
    } notes[] = {{"footnotes", "footnotes", "footnotes.xml"},
                 {"endnotes", "endnotes", "endnotes.xml"},
                 {"comments", "comments", "comments.xml"}};
    const char *notes_content[] = {spec->footnotes, spec->endnotes,
                                   spec->comments};
    for (int i = 0; i < 3; i++) {
        if (!notes_content[i])
            continue;
        add_rel(&rels, &id, spec->strict, notes[i].type, notes[i].file);
        snprintf(name, sizeof name, "%.*s%s", (int)dir_len, main_name,
                 notes[i].file);
        add_part(z, name, notes[i].root, notes_content[i], spec->strict);
    }
    if (spec->settings) {
        add_rel(&rels, &id, spec->strict, "settings", "settings.xml");
        snprintf(name, sizeof name, "%.*ssettings.xml", (int)dir_len,
                 main_name);
        add_part(z, name, "settings", spec->settings, spec->strict);
    }
    sb_printf(&rels, "</Relationships>");
    if (!spec->no_main_rels) {
        snprintf(name, sizeof name, "%.*s_rels/%s.rels", (int)dir_len,
                 main_name, main_file);
        fixture_zip_add(z, name, rels.s, rels.len);
    }
    free(rels.s);

    if (spec->modified) {
        sbuf core = {0};
        sb_printf(&core,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                  "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats."
                  "org/package/2006/metadata/core-properties\" "
                  "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                  "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                  "<dc:title>CV</dc:title><dcterms:modified "
                  "xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
                  "</cp:coreProperties>",
                  spec->modified);
        fixture_zip_add(z, "docProps/core.xml", core.s, core.len);
        free(core.s);
    }
    if (spec->extra_name)
        fixture_zip_add_str(z, spec->extra_name,
                            spec->extra_data ? spec->extra_data : "");
    return fixture_zip_finish(z, len);
}

unsigned char *fixture_docx_body(const char *body, size_t *len)
{
    fixture_docx_spec spec = {0};
    spec.body = body;
    return fixture_docx(&spec, len);
}

unsigned char *fixture_docx_styled(const char *styles, const char *body,
                                   size_t *len)
{
    fixture_docx_spec spec = {0};
    spec.body = body;
    spec.styles = styles;
    return fixture_docx(&spec, len);
}

/* ---- ODT --------------------------------------------------------------- */

#define ODF_NAMESPACES                                                         \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "       \
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "         \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "           \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "         \
    "xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "        \
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:"      \
    "1.0\" "                                                                   \
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "  \
    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "                            \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "                           \
    "xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" "           \
    "office:version=\"1.3\""

unsigned char *fixture_odt(const fixture_odt_spec *spec, size_t *len)
{
    fixture_zip *z = fixture_zip_new();
    const char *mimetype = spec->mimetype
                               ? spec->mimetype
                               : "application/vnd.oasis.opendocument.text";
    if (*mimetype)
        fixture_zip_add_stored(z, "mimetype", mimetype, strlen(mimetype));
    fixture_zip_add_str(
        z, "META-INF/manifest.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:"
        "opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"
        "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type="
        "\"application/vnd.oasis.opendocument.text\"/><manifest:file-entry "
        "manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
        "</manifest:manifest>");
    sbuf content = {0};
    if (spec->content_xml)
        sb_printf(&content, "%s", spec->content_xml);
    else
        sb_printf(&content,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<office:document-content " ODF_NAMESPACES ">"
                  "<office:automatic-styles>%s</office:automatic-styles>"
                  "<office:body><office:text>%s</office:text></office:body>"
                  "</office:document-content>",
                  spec->automatic_styles ? spec->automatic_styles : "",
                  spec->body ? spec->body : "");
    fixture_zip_add(z, "content.xml", content.s, content.len);
    free(content.s);
    if (spec->styles || spec->styles_auto || spec->master_styles) {
        sbuf styles = {0};
        sb_printf(&styles,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<office:document-styles " ODF_NAMESPACES ">"
                  "<office:styles>%s</office:styles>"
                  "<office:automatic-styles>%s</office:automatic-styles>"
                  "<office:master-styles>%s</office:master-styles>"
                  "</office:document-styles>",
                  spec->styles ? spec->styles : "",
                  spec->styles_auto ? spec->styles_auto : "",
                  spec->master_styles ? spec->master_styles : "");
        fixture_zip_add(z, "styles.xml", styles.s, styles.len);
        free(styles.s);
    }
    if (spec->meta_date) {
        sbuf meta = {0};
        sb_printf(&meta,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<office:document-meta " ODF_NAMESPACES "><office:meta>"
                  "<dc:title>CV</dc:title><dc:date>%s</dc:date>"
                  "</office:meta></office:document-meta>",
                  spec->meta_date);
        fixture_zip_add(z, "meta.xml", meta.s, meta.len);
        free(meta.s);
    }
    return fixture_zip_finish(z, len);
}

unsigned char *fixture_odt_body(const char *body, size_t *len)
{
    fixture_odt_spec spec = {0};
    spec.body = body;
    return fixture_odt(&spec, len);
}

/* ---- byte patchers ------------------------------------------------------ */

size_t fixture_find(const unsigned char *buf, size_t len, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; k && i + k <= len; i++)
        if (memcmp(buf + i, needle, k) == 0)
            return i;
    return (size_t)-1;
}

size_t fixture_replace(unsigned char *buf, size_t len, const char *from,
                       const char *to)
{
    size_t k = strlen(from), n = 0;
    if (strlen(to) != k)
        die("fixture_replace", "lengths differ");
    for (size_t i = 0; k && i + k <= len; i++) {
        if (memcmp(buf + i, from, k) == 0) {
            memcpy(buf + i, to, k);
            n++;
            i += k - 1;
        }
    }
    return n;
}

static unsigned get16(const unsigned char *p)
{
    return p[0] | (p[1] << 8);
}

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v & 0xFF);
    p[1] = (unsigned char)((v >> 8) & 0xFF);
    p[2] = (unsigned char)((v >> 16) & 0xFF);
    p[3] = (unsigned char)((v >> 24) & 0xFF);
}

size_t fixture_set_declared_size(unsigned char *buf, size_t len,
                                 const char *name, unsigned long size)
{
    size_t k = strlen(name), n = 0;
    for (size_t i = 0; i + 46 <= len; i++) {
        if (buf[i] != 'P' || buf[i + 1] != 'K')
            continue;
        if (buf[i + 2] == 3 && buf[i + 3] == 4 && i + 30 + k <= len &&
            get16(buf + i + 26) == k && memcmp(buf + i + 30, name, k) == 0) {
            put32(buf + i + 22, size); /* local header */
            n++;
        } else if (buf[i + 2] == 1 && buf[i + 3] == 2 && i + 46 + k <= len &&
                   get16(buf + i + 28) == k &&
                   memcmp(buf + i + 46, name, k) == 0) {
            put32(buf + i + 24, size); /* central directory */
            n++;
        }
    }
    return n;
}
