/* zipread.c - zip archives read from memory with limits (see zipread.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/base.h"
#include "base/util.h"
#include "input/zipread.h"

/* Smallest possible zip: an end-of-central-directory record alone. */
#define ZIP_MIN_BYTES 22

/* Inflate in slices of this size so the ratio is checked as bytes come. */
#define READ_SLICE ((uint64_t)256 * 1024)

struct kps_zip {
    zip_t *za;
    const char *name;
    const char *kind;
    int fold_case;
    const kps_limits *lim;
    size_t total_read; /* uncompressed bytes of all entries read so far */
    /* Entries read before, a bit each, and what reading them again has
     * inflated, measured against the archive's size (kps_zip_read()). */
    unsigned char *seen;
    uint64_t reread;
    size_t archive_len;
    /* With fold_case: every entry's name in ascii_casecmp() order, for
     * lookups that ignore case in O(log n).  libzip's ZIP_FL_NOCASE scans
     * every entry, and a DOCX may ask for 250,000 relationship targets:
     * 25 s for one 4.5 MB file. */
    struct zip_name *folded;
    size_t nfolded;
};

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Whether an entry name is a document a bundle of resumes would hold. */
static int raw_name_is_document(const unsigned char *name, size_t n)
{
    static const char *const more[] = {".doc", ".rtf"};
    if (n >= 9 && memcmp(name, "__MACOSX/", 9) == 0)
        return 0;
    char tail[16];
    size_t k = n < sizeof tail - 1 ? n : sizeof tail - 1;
    memcpy(tail, name + n - k, k);
    tail[k] = '\0';
    if (memchr(tail, '\0', k))
        return 0;
    if (kps_named_as_document(tail))
        return 1;
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
        size_t e = strlen(more[i]);
        if (k >= e && kps_ascii_ieq(tail + k - e, more[i], e))
            return 1;
    }
    return 0;
}

/* The central directory's offset and entry count from the end record
 * (ZIP64 too), or 0 when there is none to trust. */
static int raw_central(const unsigned char *d, size_t len, uint64_t *offset,
                       uint64_t *count)
{
    if (len < 22)
        return 0;
    size_t lo = len > 65557 ? len - 65557 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (memcmp(d + i, "PK\x05\x06", 4) != 0)
            continue;
        *count = rd16(d + i + 10);
        *offset = rd32(d + i + 16);
        if ((*count == 0xFFFF || *offset == 0xFFFFFFFFu) && i >= 20 &&
            memcmp(d + i - 20, "PK\x06\x07", 4) == 0) {
            uint64_t z = rd64(d + i - 20 + 8);
            if (len >= 56 && z <= len - 56 &&
                memcmp(d + z, "PK\x06\x06", 4) == 0) {
                *count = rd64(d + z + 32);
                *offset = rd64(d + z + 48);
            }
        }
        return *offset < len;
    }
    return 0;
}

int kps_zip_has_end(const unsigned char *data, size_t len)
{
    uint64_t offset, count;
    return raw_central(data, len, &offset, &count);
}

size_t kps_zip_raw_documents(const unsigned char *data, size_t len,
                             size_t *entries, const unsigned char **example,
                             size_t *example_len)
{
    size_t docs = 0, seen = 0;
    *example = NULL;
    *example_len = 0;
    uint64_t at = 0, count = 0;
    int central = raw_central(data, len, &at, &count);
    if (!central)
        at = 0;
    /* each entry's record is at least 30 bytes: the length bounds the
     * loop whatever the records claim */
    while (seen < len / 30) {
        const unsigned char *name;
        size_t n;
        /* every bound is checked as "fits in what is left", never as
         * len minus a constant, which wraps on a short file */
        size_t off;
        if (central) {
            if (seen >= count || at >= len || len - at < 46 ||
                memcmp(data + at, "PK\x01\x02", 4) != 0)
                break;
            off = (size_t)at + 46;
            n = rd16(data + at + 28);
            at =
                (uint64_t)off + n + rd16(data + at + 30) + rd16(data + at + 32);
        } else {
            const unsigned char *p =
                at < len ? kps_find_bytes(data + at, len - at, "PK\x03\x04", 4)
                         : NULL;
            if (!p || len - (size_t)(p - data) < 30)
                break;
            off = (size_t)(p - data) + 30;
            n = rd16(p + 26);
            at = off;
        }
        if (n > len - off)
            break;
        name = data + off;
        seen++;
        if (n && name[n - 1] != '/' && raw_name_is_document(name, n)) {
            if (!docs) {
                *example = name;
                *example_len = n;
            }
            docs++;
        }
    }
    *entries = seen;
    return docs;
}

/* ---- error texts -------------------------------------------------- */

/* A short, lower-case reason for a libzip error code. */
static const char *zip_reason(int code, char *scratch, size_t n)
{
    switch (code) {
    case ZIP_ER_NOZIP: return "not a zip archive (or truncated)";
    case ZIP_ER_INCONS: return "inconsistent zip archive";
    case ZIP_ER_CRC: return "CRC error";
    case ZIP_ER_ZLIB:
    case ZIP_ER_COMPRESSED_DATA: return "invalid compressed data";
    case ZIP_ER_EOF: return "premature end of archive";
    case ZIP_ER_MULTIDISK: return "multi-disk archives are not supported";
    case ZIP_ER_COMPNOTSUPP: return "unsupported compression method";
    case ZIP_ER_READ:
    case ZIP_ER_SEEK: return "read error (truncated archive?)";
    /* libzip's own texts for these ("No such file", "Invalid argument")
     * read like a problem of the reader's system; on an archive in
     * memory they mean the archive lies about where or how large its
     * data is. */
    case ZIP_ER_NOENT:
        return "an entry's data is not where the archive says (bad offset)";
    case ZIP_ER_INVAL:
        return "an entry's offset or size points outside the archive";
    case ZIP_ER_OPEN:
    case ZIP_ER_TELL: return "an entry's data cannot be reached (bad offset)";
    case ZIP_ER_CHANGED:
    case ZIP_ER_DELETED: return "inconsistent entry";
    default: {
        /* Anything else: libzip's text, marked as such. */
        zip_error_t e;
        zip_error_init_with_code(&e, code);
        snprintf(scratch, n, "damaged archive (libzip: %s)",
                 zip_error_strerror(&e));
        zip_error_fini(&e);
        return scratch;
    }
    }
}

/* The common names of the zip compression methods (APPNOTE 4.4.5). */
static const char *method_name(zip_int32_t method)
{
    switch (method) {
    case ZIP_CM_SHRINK: return "Shrink";
    case ZIP_CM_REDUCE_1:
    case ZIP_CM_REDUCE_2:
    case ZIP_CM_REDUCE_3:
    case ZIP_CM_REDUCE_4: return "Reduce";
    case ZIP_CM_IMPLODE: return "Implode";
    case ZIP_CM_DEFLATE64: return "Deflate64";
    case ZIP_CM_BZIP2: return "bzip2";
    case ZIP_CM_LZMA: return "LZMA";
    case ZIP_CM_LZMA2: return "LZMA2";
    case ZIP_CM_XZ: return "XZ";
    case ZIP_CM_JPEG: return "JPEG";
    case ZIP_CM_WAVPACK: return "WavPack";
    case ZIP_CM_PPMD: return "PPMd";
    default: return "an unknown method";
    }
}

static int fail_zip_code(const kps_zip *z, const char *part, int code,
                         kpiscan_error *err)
{
    char scratch[128];
    if (code == ZIP_ER_MEMORY)
        return kps_fail(err, KPISCAN_ERR_NOMEM, z->name, "out of memory");
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD ||
        code == ZIP_ER_ENCRNOTSUPP)
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, z->name,
                        "%s part %s is encrypted", z->kind, part);
    return kps_fail(err, KPISCAN_ERR_CORRUPT, z->name, "corrupt %s: %s: %s",
                    z->kind, part, zip_reason(code, scratch, sizeof scratch));
}

/* ---- names ---------------------------------------------------------- */

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb || !ca)
            return (int)ca - (int)cb;
    }
}

struct zip_name {
    const char *name; /* libzip's, valid while the archive is open */
    zip_uint64_t index;
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct zip_name *)a)->name,
                  ((const struct zip_name *)b)->name);
}

static int cmp_name_fold(const void *a, const void *b)
{
    return ascii_casecmp(((const struct zip_name *)a)->name,
                         ((const struct zip_name *)b)->name);
}

/* Two entries with one name would let two readers see two different
 * documents in one file; refuse them.  Sorting the names once is
 * O(n log n) for any entry count the limit allows.  A case-folding archive
 * keeps the sorted names for locate(). */
static int check_duplicates(kps_zip *z, zip_int64_t n, kpiscan_error *err)
{
    if (n < 1)
        return KPISCAN_OK;
    struct zip_name *names = malloc((size_t)n * sizeof *names);
    if (!names)
        return kps_fail(err, KPISCAN_ERR_NOMEM, z->name, "out of memory");
    for (zip_int64_t i = 0; i < n; i++) {
        names[i].index = (zip_uint64_t)i;
        names[i].name = zip_get_name(z->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!names[i].name) {
            free(names);
            return kps_fail(err, KPISCAN_ERR_CORRUPT, z->name,
                            "corrupt %s: unreadable entry name", z->kind);
        }
    }
    int (*cmp)(const void *, const void *) =
        z->fold_case ? cmp_name_fold : cmp_name;
    qsort(names, (size_t)n, sizeof *names, cmp);
    int rc = KPISCAN_OK;
    for (zip_int64_t i = 1; i < n; i++) {
        if (cmp(&names[i - 1], &names[i]) == 0) {
            rc = kps_fail(err, KPISCAN_ERR_CORRUPT, z->name,
                          "corrupt %s: duplicate entry name '%.200s'", z->kind,
                          names[i].name);
            break;
        }
    }
    if (rc == KPISCAN_OK && z->fold_case) {
        /* Looked up by the names zip_name_locate() compares: decoded to
         * UTF-8 (CP437 unless flagged UTF-8), not the raw bytes. */
        for (zip_int64_t i = 0; i < n; i++) {
            const char *decoded = zip_get_name(z->za, names[i].index, 0);
            if (decoded)
                names[i].name = decoded;
        }
        qsort(names, (size_t)n, sizeof *names, cmp_name_fold);
        z->folded = names;
        z->nfolded = (size_t)n;
    } else
        free(names);
    return rc;
}

static zip_int64_t locate(const kps_zip *z, const char *entry)
{
    zip_int64_t idx = zip_name_locate(z->za, entry, 0);
    if (idx >= 0 || !z->folded)
        return idx;
    /* Raw names are unique under folding (check_duplicates), so at most
     * one matches (two decoded names could only collide if their bytes
     * differ but decode alike; either is then found). */
    struct zip_name key = {.name = entry};
    const struct zip_name *hit =
        bsearch(&key, z->folded, z->nfolded, sizeof key, cmp_name_fold);
    return hit ? (zip_int64_t)hit->index : -1;
}

/* ---- open / close --------------------------------------------------- */

int kps_zip_open(const unsigned char *data, size_t len, const char *name,
                 const char *kind, int fold_case, const kps_limits *lim,
                 kps_zip **out, kpiscan_error *err)
{
    *out = NULL;
    if (len > lim->max_input_bytes)
        return kps_fail(err, KPISCAN_ERR_LIMIT, name,
                        "%s input exceeds max_input_bytes (%zu)", kind,
                        lim->max_input_bytes);
    /* libzip opens an empty source as a new, empty archive. */
    if (len < ZIP_MIN_BYTES)
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                        "corrupt %s: not a zip archive (or truncated)", kind);
    kps_zip *z = calloc(1, sizeof *z);
    if (!z)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    z->name = name;
    z->kind = kind;
    z->fold_case = fold_case;
    z->lim = lim;
    z->archive_len = len;

    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    if (!src) {
        zip_error_fini(&zerr);
        free(z);
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    }
    z->za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (!z->za) {
        int code = zip_error_code_zip(&zerr);
        char scratch[128];
        zip_error_fini(&zerr);
        zip_source_free(src);
        free(z);
        if (code == ZIP_ER_MEMORY)
            return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        if (code == ZIP_ER_NOZIP && !kps_zip_has_end(data, len))
            return kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                            "corrupt %s: " KPS_ZIP_CUT_SHORT, kind);
        return kps_fail(err, KPISCAN_ERR_CORRUPT, name, "corrupt %s: %s", kind,
                        zip_reason(code, scratch, sizeof scratch));
    }
    zip_error_fini(&zerr);

    zip_int64_t n = zip_get_num_entries(z->za, 0);
    int rc = KPISCAN_OK;
    if (n < 0)
        rc = kps_fail(err, KPISCAN_ERR_CORRUPT, name,
                      "corrupt %s: unreadable central directory", kind);
    else if ((zip_uint64_t)n > lim->max_zip_entries)
        rc = kps_fail(err, KPISCAN_ERR_LIMIT, name,
                      "%s archive has %lld entries; max_zip_entries is %zu",
                      kind, (long long)n, lim->max_zip_entries);
    else if (!(z->seen = calloc((size_t)n / 8 + 1, 1)))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    else
        rc = check_duplicates(z, n, err);
    if (rc != KPISCAN_OK) {
        kps_zip_close(z);
        return rc;
    }
    *out = z;
    return KPISCAN_OK;
}

void kps_zip_close(kps_zip *z)
{
    if (!z)
        return;
    if (z->za)
        zip_discard(z->za); /* read-only: nothing to write back */
    free(z->folded);
    free(z->seen);
    free(z);
}

int kps_zip_has(const kps_zip *z, const char *entry)
{
    return locate(z, entry) >= 0;
}

long long kps_zip_index(const kps_zip *z, const char *entry)
{
    zip_int64_t idx = locate(z, entry);
    return idx < 0 ? -1 : (long long)idx;
}

/* ---- reading ---------------------------------------------------------- */

/* out > comp * ratio, without overflow. */
static int ratio_exceeded(uint64_t out, uint64_t comp, unsigned ratio)
{
    if (comp == 0)
        return out > 0;
    if (comp > UINT64_MAX / ratio)
        return 0;
    return out > comp * ratio;
}

static int fail_ratio(const kps_zip *z, const char *part, kpiscan_error *err)
{
    return kps_fail(err, KPISCAN_ERR_LIMIT, z->name,
                    "%s part %s: compression ratio exceeds max_ratio (%u:1)",
                    z->kind, part, z->lim->max_ratio);
}

static int fail_part_size(const kps_zip *z, const char *part,
                          kpiscan_error *err)
{
    return kps_fail(
        err, KPISCAN_ERR_LIMIT, z->name,
        "%s part %s: uncompressed size exceeds max_part_bytes (%zu)", z->kind,
        part, z->lim->max_part_bytes);
}

static int fail_total_size(const kps_zip *z, const char *part,
                           kpiscan_error *err)
{
    return kps_fail(err, KPISCAN_ERR_LIMIT, z->name,
                    "%s part %s: total uncompressed size exceeds "
                    "max_total_bytes (%zu)",
                    z->kind, part, z->lim->max_total_bytes);
}

int kps_zip_read(kps_zip *z, const char *entry, char **data, size_t *len,
                 kpiscan_error *err)
{
    const kps_limits *lim = z->lim;
    *data = NULL;
    *len = 0;
    zip_int64_t idx = locate(z, entry);
    if (idx < 0)
        return KPISCAN_ERR_NOT_FOUND;

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
        return kps_fail(err, KPISCAN_ERR_CORRUPT, z->name,
                        "corrupt %s: %s: unreadable entry header", z->kind,
                        entry);
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
        st.encryption_method != ZIP_EM_NONE)
        return kps_fail(err, KPISCAN_ERR_ENCRYPTED, z->name,
                        "%s part %s is encrypted", z->kind, entry);

    /* Archivers offer LZMA, bzip2 or PPMd besides Deflate; an entry in a
     * method this libzip cannot inflate is a readable file kpiscan cannot
     * read, not a damaged one, and the user can fix it by saving again. */
    if ((st.valid & ZIP_STAT_COMP_METHOD) &&
        !zip_compression_method_supported(st.comp_method, 0))
        return kps_fail(err, KPISCAN_ERR_UNSUPPORTED_FORMAT, z->name,
                        "%s part %s is compressed with %s (zip method %d), "
                        "which this build cannot read: save the document "
                        "again with the standard (Deflate) compression",
                        z->kind, entry, method_name(st.comp_method),
                        (int)st.comp_method);

    /* The declared sizes first: a bomb is refused before any inflating. */
    uint64_t declared = st.size, comp = st.comp_size;
    if (declared > lim->ratio_floor &&
        ratio_exceeded(declared, comp, lim->max_ratio))
        return fail_ratio(z, entry, err);
    if (declared > lim->max_part_bytes)
        return fail_part_size(z, entry, err);
    if (declared > lim->max_total_bytes - z->total_read ||
        z->total_read > lim->max_total_bytes)
        return fail_total_size(z, entry, err);

    /* An entry read again (a DOCX chunk that several w:altChunk import)
     * inflates the same compressed bytes again, each time within the
     * ratio: a few kilobytes naming one chunk a thousand times would have
     * the reader parse gigabytes.  What re-reads inflate is held to what
     * max_ratio allows the whole archive. */
    int again = (z->seen[idx / 8] >> (idx % 8)) & 1;
    uint64_t allowed = z->archive_len > UINT64_MAX / lim->max_ratio
                           ? UINT64_MAX
                           : (uint64_t)z->archive_len * lim->max_ratio;
    if (allowed < lim->ratio_floor)
        allowed = lim->ratio_floor;
    if (again && (declared > allowed || z->reread > allowed - declared))
        return kps_fail(err, KPISCAN_ERR_LIMIT, z->name,
                        "%s part %s is read again and again: the re-reads "
                        "inflate to more than max_ratio (%u:1) times the "
                        "archive's %zu bytes",
                        z->kind, entry, lim->max_ratio, z->archive_len);

    zip_file_t *zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
    if (!zf) {
        int code = zip_error_code_zip(zip_get_error(z->za));
        return fail_zip_code(z, entry, code, err);
    }
    /* One byte more than declared, so an entry that inflates to more than
     * it claims is caught, and the NUL fits once the size is confirmed. */
    char *buf = malloc((size_t)declared + 1);
    if (!buf) {
        zip_fclose(zf);
        return kps_fail(err, KPISCAN_ERR_NOMEM, z->name, "out of memory");
    }
    uint64_t got = 0;
    int rc = KPISCAN_OK;
    for (;;) {
        uint64_t room = declared + 1 - got;
        uint64_t want = room < READ_SLICE ? room : READ_SLICE;
        /* Reading on to the end (a 0 return) is what makes libzip compare
         * the CRC; a CRC error surfaces as a failed read here. */
        zip_int64_t n = zip_fread(zf, buf + got, want);
        if (n < 0) {
            rc = fail_zip_code(z, entry,
                               zip_error_code_zip(zip_file_get_error(zf)), err);
            break;
        }
        if (n == 0)
            break;
        got += (uint64_t)n;
        /* Do not trust the declared sizes alone: check what inflates. */
        if (got > lim->ratio_floor &&
            ratio_exceeded(got, comp, lim->max_ratio)) {
            rc = fail_ratio(z, entry, err);
            break;
        }
        if (got > lim->max_part_bytes) {
            rc = fail_part_size(z, entry, err);
            break;
        }
        if (got > declared) {
            rc = kps_fail(err, KPISCAN_ERR_CORRUPT, z->name,
                          "corrupt %s: %s: more data than its declared size",
                          z->kind, entry);
            break;
        }
    }
    if (rc == KPISCAN_OK && got != declared)
        rc = kps_fail(err, KPISCAN_ERR_CORRUPT, z->name,
                      "corrupt %s: %s: less data than its declared size",
                      z->kind, entry);
    int close_code = zip_fclose(zf);
    if (rc == KPISCAN_OK && close_code != 0)
        rc = fail_zip_code(z, entry, close_code, err);
    if (rc != KPISCAN_OK) {
        free(buf);
        return rc;
    }
    buf[got] = '\0';
    z->total_read += (size_t)got;
    z->seen[idx / 8] |= (unsigned char)(1u << (idx % 8));
    if (again)
        z->reread += got;
    *data = buf;
    *len = (size_t)got;
    return KPISCAN_OK;
}
