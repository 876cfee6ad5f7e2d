/* test-zipread.c - zip archives read from memory with limits: entries by
 * name (case folded for OPC), whole reads, and the refusals. */
#include "fixture.h"
#include "input/zipread.h"
#include "internal.h"
#include "testutil.h"

static unsigned char *two_entries(size_t *len)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "word/document.xml", "<doc>hello</doc>");
    fixture_zip_add_stored(z, "Docs/Other.txt", "other", 5);
    return fixture_zip_finish(z, len);
}

START_TEST(test_open_and_read)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    size_t len;
    unsigned char *data = two_entries(&len);
    kps_zip *z = NULL;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &lim, &z, err),
        KPISCAN_OK);
    ck_assert_int_eq(kps_zip_has(z, "word/document.xml"), 1);
    ck_assert_int_eq(kps_zip_has(z, "docs/other.txt"), 1); /* folded */
    ck_assert_int_eq(kps_zip_has(z, "missing"), 0);
    ck_assert_int_eq(kps_zip_index(z, "DOCS/OTHER.TXT"),
                     kps_zip_index(z, "Docs/Other.txt"));
    ck_assert_int_eq(kps_zip_index(z, "missing"), -1);
    char *text = NULL;
    size_t n = 0;
    ck_assert_int_eq(kps_zip_read(z, "word/document.xml", &text, &n, err),
                     KPISCAN_OK);
    ck_assert_uint_eq(n, 16);
    ck_assert_str_eq(text, "<doc>hello</doc>");
    free(text);
    ck_assert_int_eq(kps_zip_read(z, "missing", &text, &n, err),
                     KPISCAN_ERR_NOT_FOUND);
    kps_zip_close(z);
    kps_zip_close(NULL);

    /* without folding, case matters */
    ck_assert_int_eq(kps_zip_open(data, len, "cv.odt", "ODT", 0, &lim, &z, err),
                     KPISCAN_OK);
    ck_assert_int_eq(kps_zip_has(z, "docs/other.txt"), 0);
    kps_zip_close(z);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

START_TEST(test_refusals)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    kps_zip *z = NULL;
    const unsigned char junk[] = "PK\x03\x04 not really a zip archive";
    ck_assert_int_eq(
        kps_zip_open(junk, sizeof junk, "cv.docx", "DOCX", 1, &lim, &z, err),
        KPISCAN_ERR_CORRUPT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "corrupt DOCX"));

    size_t len;
    unsigned char *data = two_entries(&len);
    kps_limits few = lim;
    few.max_zip_entries = 1;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &few, &z, err),
        KPISCAN_ERR_LIMIT);
    kps_limits small = lim;
    small.max_part_bytes = 8;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &small, &z, err),
        KPISCAN_OK);
    char *text = NULL;
    size_t n;
    ck_assert_int_eq(kps_zip_read(z, "word/document.xml", &text, &n, err),
                     KPISCAN_ERR_LIMIT);
    ck_assert_ptr_null(text);
    kps_zip_close(z);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

/* Set the compression method of every entry of a stored archive, in its
 * local headers and central directory (the fields at offsets 8 and 10). */
static void set_method(unsigned char *data, size_t len, unsigned method)
{
    for (size_t i = 0; i + 12 <= len; i++) {
        if (memcmp(data + i, "PK\x03\x04", 4) == 0) {
            data[i + 8] = (unsigned char)(method & 0xff);
            data[i + 9] = (unsigned char)(method >> 8);
        } else if (memcmp(data + i, "PK\x01\x02", 4) == 0) {
            data[i + 10] = (unsigned char)(method & 0xff);
            data[i + 11] = (unsigned char)(method >> 8);
        }
    }
}

/* An entry in a compression method libzip cannot inflate (PPMd, which no
 * libzip build reads; LZMA in Debian's) is an unsupported document named
 * with its method and what to do, not "corrupt". */
START_TEST(test_unsupported_method)
{
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    fixture_zip *fz = fixture_zip_new();
    fixture_zip_add_stored(fz, "word/document.xml", "<doc>hello</doc>", 16);
    size_t len;
    unsigned char *data = fixture_zip_finish(fz, &len);
    set_method(data, len, 98);
    kps_zip *z = NULL;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &lim, &z, err),
        KPISCAN_OK);
    char *text = NULL;
    size_t n = 0;
    ck_assert_int_eq(kps_zip_read(z, "word/document.xml", &text, &n, err),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_null(text);
    ck_assert_str_eq(kpiscan_error_file(err), "cv.docx");
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "DOCX part word/document.xml is compressed "
                                 "with PPMd (zip method 98)"));
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "Deflate"));
    kps_zip_close(z);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

/* An entry read again inflates the same compressed bytes again, each
 * read within the ratio; what the re-reads inflate together is held to
 * max_ratio times the archive's size (a DOCX naming one chunk a thousand
 * times took 18 s on 2.8 KB).  Entries read once are not counted. */
START_TEST(test_rereads_bounded)
{
    kps_limits lim;
    kps_limits_default(&lim);
    lim.max_ratio = 2;
    lim.ratio_floor = 0;
    char body[100];
    memset(body, 'k', sizeof body);
    fixture_zip *fz = fixture_zip_new();
    fixture_zip_add_stored(fz, "a.htm", body, sizeof body);
    fixture_zip_add_stored(fz, "b.htm", body, sizeof body);
    size_t len;
    unsigned char *data = fixture_zip_finish(fz, &len);
    kpiscan_error *err = kpiscan_error_new();
    kps_zip *z = NULL;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &lim, &z, err),
        KPISCAN_OK);
    char *text = NULL;
    size_t n;
    ck_assert_int_eq(kps_zip_read(z, "b.htm", &text, &n, err), KPISCAN_OK);
    free(text);
    size_t reads = 0;
    int rc;
    for (;;) {
        rc = kps_zip_read(z, "a.htm", &text, &n, err);
        if (rc != KPISCAN_OK)
            break;
        free(text);
        reads++;
    }
    /* the first read and as many re-reads as 2 x len bytes allow */
    ck_assert_int_eq(rc, KPISCAN_ERR_LIMIT);
    ck_assert_ptr_null(text);
    ck_assert_uint_eq(reads, 1 + 2 * len / sizeof body);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "DOCX part a.htm is read again and again"));
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "max_ratio (2:1)"));
    kps_zip_close(z);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

/* Case-folded lookups go through a sorted index built at open: every
 * entry of a large archive is found under any spelling of its case, with
 * its own index, and a name that is only a prefix or an extension of an
 * entry's is not found. */
START_TEST(test_folded_lookup_many_entries)
{
    enum { N = 2000 };
    kps_limits lim;
    kps_limits_default(&lim);
    kpiscan_error *err = kpiscan_error_new();
    fixture_zip *fz = fixture_zip_new();
    char name[64];
    for (int i = 0; i < N; i++) {
        /* interleave the case so sorted and stored orders differ */
        snprintf(name, sizeof name,
                 i % 2 ? "Word/Part%04d.xml" : "word/part%04d.XML", N - 1 - i);
        fixture_zip_add_stored(fz, name, "x", 1);
    }
    size_t len;
    unsigned char *data = fixture_zip_finish(fz, &len);
    kps_zip *z = NULL;
    ck_assert_int_eq(
        kps_zip_open(data, len, "cv.docx", "DOCX", 1, &lim, &z, err),
        KPISCAN_OK);
    for (int i = 0; i < N; i++) {
        int k = N - 1 - i; /* the number stored at index i */
        snprintf(name, sizeof name, "WORD/PART%04d.xml", k);
        ck_assert_int_eq(kps_zip_index(z, name), i);
        snprintf(name, sizeof name, "word/part%04d.xml", k);
        ck_assert_int_eq(kps_zip_index(z, name), i);
    }
    ck_assert_int_eq(kps_zip_index(z, "word/part0001.xm"), -1);
    ck_assert_int_eq(kps_zip_index(z, "word/part0001.xmlx"), -1);
    ck_assert_int_eq(kps_zip_index(z, ""), -1);
    kps_zip_close(z);
    free(data);
    kpiscan_error_free(err);
}
END_TEST

/* A ZIP of resumes: its documents are counted (folders, macOS resource
 * forks and other files left out), a scan names the first, and in a walk
 * a bundle named .zip is an error record while an archive of other files,
 * or one not named .zip, is skipped like an image. */
static unsigned char *bundle(size_t *len)
{
    fixture_zip *z = fixture_zip_new();
    fixture_zip_add_str(z, "cvs/", "");
    fixture_zip_add_str(z, "__MACOSX/cvs/._Ann Lee.docx", "fork");
    fixture_zip_add_str(z, "cvs/Ann Lee.docx", "not really a docx");
    fixture_zip_add_str(z, "cvs/notes.xlsx", "sheet");
    fixture_zip_add_str(z, "cvs/Bo Chen.PDF", "%PDF-1.4");
    return fixture_zip_finish(z, len);
}

static void write_bytes(const char *dir, const char *name,
                        const unsigned char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

typedef struct walked {
    char names[8][512];
    int status[8], skipped[8];
    size_t n;
} walked;

static void on_record(const kpiscan_record *rec, void *user)
{
    walked *w = user;
    if (w->n == 8)
        return;
    const char *name = kpiscan_record_name(rec);
    const char *slash = strrchr(name, '/');
    snprintf(w->names[w->n], sizeof w->names[w->n], "%s",
             slash ? slash + 1 : name);
    w->status[w->n] = kpiscan_record_status(rec);
    w->skipped[w->n] = kpiscan_record_skipped(rec);
    w->n++;
}

START_TEST(test_zip_of_resumes)
{
    kps_limits lim;
    kps_limits_default(&lim);
    size_t len, other_len;
    unsigned char *data = bundle(&len);
    fixture_zip *oz = fixture_zip_new();
    fixture_zip_add_str(oz, "data.xml", "<data/>");
    fixture_zip_add_str(oz, "logo.png", "png");
    unsigned char *other = fixture_zip_finish(oz, &other_len);
    (void)lim;
    size_t entries = 0, example_len = 0;
    const unsigned char *example = NULL;
    ck_assert_uint_eq(
        kps_zip_raw_documents(data, len, &entries, &example, &example_len), 2);
    ck_assert_uint_eq(entries, 5);
    ck_assert_uint_eq(example_len, 16);
    ck_assert_int_eq(memcmp(example, "cvs/Ann Lee.docx", 16), 0);
    /* without its central directory the local headers are read */
    ck_assert_uint_eq(
        kps_zip_raw_documents(data, len - 22, &entries, &example, &example_len),
        2);
    ck_assert_uint_eq(entries, 5);

    /* short archives whose records point past their end (a ZIP64 locator,
     * a central record overlapping the end record): no read outside */
    static const unsigned char z64[46] = {
        'P',  'K',  3,    4,    'P',  'K',  6, 7, 0,    0,    0,    0,
        0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 1,    0,    0,    0,
        'P',  'K',  5,    6,    0,    0,    0, 0, 0xff, 0xff, 0xff, 0xff,
        0,    0,    0,    0,    0,    0,    0, 0, 0,    0};
    static const unsigned char cd[40] = {
        'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'P', 'K', 1, 2, 'P', 'K',
        5,   6,   0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 14,  0,   0, 0, 0,   0};
    ck_assert_uint_eq(kps_zip_raw_documents(z64, sizeof z64, &entries, &example,
                                            &example_len),
                      0);
    ck_assert_uint_eq(
        kps_zip_raw_documents(cd, sizeof cd, &entries, &example, &example_len),
        0);
    for (size_t cut = 1; cut <= len; cut++) { /* every truncation, in a
                                               * buffer of its size */
        unsigned char *part = malloc(cut);
        ck_assert_ptr_nonnull(part);
        memcpy(part, data, cut);
        kps_zip_raw_documents(part, cut, &entries, &example, &example_len);
        free(part);
    }

    /* archives libzip refuses are still bundles to name: more entries than
     * max_zip_entries, two entries of one name, legacy Word CVs */
    fixture_zip *many = fixture_zip_new();
    char name[32];
    for (int i = 0; i < 10001; i++) {
        snprintf(name, sizeof name, "cv%05d.txt", i);
        fixture_zip_add_stored(many, name, "", 0);
    }
    size_t many_len;
    unsigned char *many_data = fixture_zip_finish(many, &many_len);
    ck_assert_uint_eq(kps_zip_raw_documents(many_data, many_len, &entries,
                                            &example, &example_len),
                      10001);
    kpiscan_pack *pk = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&pk, NULL), KPISCAN_OK);
    kpiscan_error *e = kpiscan_error_new();
    kpiscan_result *res = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(pk, NULL, many_data, many_len, "many.zip", &res, e),
        KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(e),
                                 "it holds 10001 documents (\"cv00000.txt\", "
                                 "...) among 10001 files"));
    /* under another name (an e-book's pages are .xhtml) it is no bundle */
    ck_assert_int_eq(kpiscan_scan_buffer(pk, NULL, many_data, many_len,
                                         "book.epub", &res, e),
                     KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(e), "not a document"));
    free(many_data);
    fixture_zip *legacy = fixture_zip_new();
    fixture_zip_add_str(legacy, "Ann.DOC", "ole");
    fixture_zip_add_str(legacy, "Bo.rtf", "{\\rtf1}");
    size_t legacy_len;
    unsigned char *legacy_data = fixture_zip_finish(legacy, &legacy_len);
    ck_assert_uint_eq(kps_zip_raw_documents(legacy_data, legacy_len, &entries,
                                            &example, &example_len),
                      2);
    free(legacy_data);
    kpiscan_error_free(e);
    kpiscan_pack_free(pk);

    kpiscan_pack *p = NULL;
    ck_assert_int_eq(kpiscan_pack_load_default(&p, NULL), KPISCAN_OK);
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_result *r = NULL;
    ck_assert_int_eq(
        kpiscan_scan_buffer(p, NULL, data, len, "cvs.zip", &r, err),
        KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_str_eq(kpiscan_error_message(err),
                     "cvs.zip: a ZIP archive, not a document: it holds 2 "
                     "documents (\"cvs/Ann Lee.docx\", ...) among 5 files; "
                     "extract it and scan the folder");

    char dir[] = "/tmp/kpiscan-zip-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_bytes(dir, "a-bundle.ZIP", data, len);
    write_bytes(dir, "b-book.epub", data, len);
    write_bytes(dir, "c-other.zip", other, other_len);
    walked w = {0};
    kpiscan_batch *b = NULL;
    ck_assert_int_eq(kpiscan_batch_new(p, NULL, 1, 0, on_record, &w, &b, NULL),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_batch_add_path(b, dir, 0, NULL), KPISCAN_OK);
    kpiscan_batch_free(b);
    ck_assert_uint_eq(w.n, 3);
    ck_assert_str_eq(w.names[0], "a-bundle.ZIP");
    ck_assert_int_eq(w.status[0], KPISCAN_ERR_UNSUPPORTED_FORMAT);
    ck_assert_int_eq(w.skipped[0], 0);
    ck_assert_int_eq(w.skipped[1], 1); /* an e-book is a ZIP of pages */
    ck_assert_int_eq(w.skipped[2], 1); /* no document inside */

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    kpiscan_error_free(err);
    kpiscan_pack_free(p);
    free(data);
    free(other);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("zipread");
    TCase *tc = tcase_create("zipread");
    tcase_add_test(tc, test_open_and_read);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_unsupported_method);
    tcase_add_test(tc, test_rereads_bounded);
    tcase_add_test(tc, test_folded_lookup_many_entries);
    tcase_add_test(tc, test_zip_of_resumes);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
