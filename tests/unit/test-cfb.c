/*
 * test-cfb.c - the OLE compound file reader (lib/input/cfb.c): streams of
 * the root storage read back byte-exact from files built here (512- and
 * 4096-byte sectors, mini streams, a DIFAT), names found only in the root,
 * and damaged files: loops in every chain and in the directory tree,
 * sectors past the end, chains shorter than their stream, every
 * truncation, limits.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "input/cfb.h"
#include "testutil.h"

#define ENDCH 0xFFFFFFFEu
#define FREES 0xFFFFFFFFu
#define NONE 0xFFFFFFFFu
#define MAXE 16

/* One directory entry of a file to build. */
typedef struct ent {
    const char *name;
    int type;               /* 1 storage, 2 stream, 5 root */
    int left, right, child; /* entry numbers, -1 for none */
    size_t size;            /* a stream's */
} ent;

/* A built file and where its parts are.  Every chain is laid out in
 * reverse (its first sector last) unless in_order, so a reader that reads
 * sectors in a row instead of following the FAT reads the wrong bytes. */
typedef struct built {
    unsigned char *file;
    size_t len;
    size_t ss;
    int reverse;
    uint32_t nfat, ndif;  /* FAT sectors 0..nfat-1, then the DIFAT's */
    uint32_t dir, ndirs;  /* the directory's sectors */
    uint32_t mfat, nmfat; /* the mini FAT's */
    uint32_t mstr, nmstr; /* the mini stream's */
    uint32_t total;       /* sectors */
    int mini[MAXE];       /* the stream is in the mini stream */
    uint32_t base[MAXE];  /* its (mini) sectors: base .. base+count-1 */
    uint32_t count[MAXE];
} built;

static unsigned char byte_of(size_t entry, size_t off)
{
    return (unsigned char)(entry * 37 + off * 7 + off / 251);
}

/* How many of the first bytes of out are entry i's (Check's assertions
 * are too slow to make one a byte). */
static size_t bytes_are(const unsigned char *out, size_t len, size_t i)
{
    size_t k = 0;
    while (k < len && out[k] == byte_of(i, k))
        k++;
    return k;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Logical sector j of a chain of k sectors laid out from base. */
static uint32_t chain_at(const built *b, uint32_t base, uint32_t k, uint32_t j)
{
    return b->reverse ? base + k - 1 - j : base + j;
}

/* File offset of byte off of the chain of k sectors from base. */
static size_t chain_off(const built *b, uint32_t base, uint32_t k, size_t off)
{
    uint32_t s = chain_at(b, base, k, (uint32_t)(off / b->ss));
    return ((size_t)s + 1) * b->ss + off % b->ss;
}

/* Chain k entries of table t (from base) one to the next; the first. */
static uint32_t link_chain(const built *b, uint32_t *t, uint32_t base,
                           uint32_t k)
{
    for (uint32_t j = 0; j < k; j++)
        t[chain_at(b, base, k, j)] =
            j + 1 < k ? chain_at(b, base, k, j + 1) : ENDCH;
    return k ? chain_at(b, base, k, 0) : ENDCH;
}

static uint32_t ceil_div(size_t a, size_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

/* Lay out a compound file of the entries e[0..n) (e[0] the root) with
 * sectors of ss bytes, at least min_fat FAT sectors, and gap free sectors
 * before the big streams' (which then need the FAT sectors the DIFAT
 * sectors list). */
static void build(built *b, const ent *e, size_t n, size_t ss, uint32_t min_fat,
                  uint32_t gap, int in_order)
{
    ck_assert(n <= MAXE);
    memset(b, 0, sizeof *b);
    b->ss = ss;
    b->reverse = !in_order;
    const size_t per = ss / 4;
    uint32_t nmini = 0, nreg = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].type != 2)
            continue;
        if (e[i].size < 4096) {
            b->mini[i] = 1;
            b->count[i] = ceil_div(e[i].size, 64);
            b->base[i] = nmini;
            nmini += b->count[i];
        } else {
            b->count[i] = ceil_div(e[i].size, ss);
            nreg += b->count[i];
        }
    }
    b->ndirs = ceil_div(n * 128, ss);
    b->nmfat = ceil_div((size_t)nmini * 4, ss);
    b->nmstr = ceil_div((size_t)nmini * 64, ss);
    uint32_t rest = b->ndirs + b->nmfat + b->nmstr + gap + nreg;
    b->nfat = min_fat ? min_fat : 1;
    for (;;) {
        b->ndif = b->nfat > 109 ? ceil_div(b->nfat - 109, per - 1) : 0;
        uint32_t need = ceil_div(rest + b->nfat + b->ndif, per);
        if (need <= b->nfat)
            break;
        b->nfat = need;
    }
    uint32_t next = b->nfat + b->ndif;
    b->dir = next;
    next += b->ndirs;
    b->mfat = next;
    next += b->nmfat;
    b->mstr = next;
    next += b->nmstr + gap;
    for (size_t i = 0; i < n; i++)
        if (e[i].type == 2 && !b->mini[i]) {
            b->base[i] = next;
            next += b->count[i];
        }
    b->total = next;
    b->len = ((size_t)next + 1) * ss;
    b->file = calloc(b->len, 1);
    ck_assert(b->file);
    unsigned char *f = b->file;

    uint32_t *fat = malloc(b->nfat * per * 4);
    ck_assert(fat);
    memset(fat, 0xFF, b->nfat * per * 4);
    for (uint32_t s = 0; s < b->nfat; s++)
        fat[s] = 0xFFFFFFFDu;
    for (uint32_t s = 0; s < b->ndif; s++)
        fat[b->nfat + s] = 0xFFFFFFFCu;
    uint32_t dir_first = link_chain(b, fat, b->dir, b->ndirs);
    uint32_t mfat_first = link_chain(b, fat, b->mfat, b->nmfat);
    uint32_t mstr_first = link_chain(b, fat, b->mstr, b->nmstr);
    uint32_t *mfat = malloc((b->nmfat ? b->nmfat : 1) * per * 4);
    ck_assert(mfat);
    memset(mfat, 0xFF, (b->nmfat ? b->nmfat : 1) * per * 4);
    uint32_t start[MAXE];
    for (size_t i = 0; i < n; i++)
        if (e[i].type == 2)
            start[i] =
                link_chain(b, b->mini[i] ? mfat : fat, b->base[i], b->count[i]);

    /* header */
    static const unsigned char sig[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                         0xA1, 0xB1, 0x1A, 0xE1};
    memcpy(f, sig, 8);
    put16(f + 0x18, 0x3E);
    put16(f + 0x1A, ss == 512 ? 3 : 4);
    put16(f + 0x1C, 0xFFFE);
    put16(f + 0x1E, ss == 512 ? 9 : 12);
    put16(f + 0x20, 6);
    put32(f + 0x28, ss == 512 ? 0 : b->ndirs);
    put32(f + 0x2C, b->nfat);
    put32(f + 0x30, dir_first);
    put32(f + 0x38, 4096);
    put32(f + 0x3C, mfat_first);
    put32(f + 0x40, b->nmfat);
    put32(f + 0x44, b->ndif ? b->nfat : ENDCH);
    put32(f + 0x48, b->ndif);
    for (uint32_t i = 0; i < 109; i++)
        put32(f + 0x4C + 4 * i, i < b->nfat ? i : FREES);
    for (uint32_t d = 0; d < b->ndif; d++) {
        unsigned char *p = f + ((size_t)b->nfat + d + 1) * ss;
        for (uint32_t j = 0; j + 1 < per; j++) {
            uint32_t k = 109 + d * (uint32_t)(per - 1) + j;
            put32(p + 4 * j, k < b->nfat ? k : FREES);
        }
        put32(p + 4 * (per - 1), d + 1 < b->ndif ? b->nfat + d + 1 : ENDCH);
    }
    for (size_t i = 0; i < b->nfat * per; i++)
        put32(f + ss + 4 * i, fat[i]);
    for (size_t i = 0; i < (size_t)b->nmfat * per; i++)
        put32(f + chain_off(b, b->mfat, b->nmfat, 4 * i), mfat[i]);

    /* directory: unused entries link nowhere */
    for (size_t i = 0; i < (size_t)b->ndirs * ss / 128; i++) {
        unsigned char *d = f + chain_off(b, b->dir, b->ndirs, i * 128);
        put32(d + 0x44, NONE);
        put32(d + 0x48, NONE);
        put32(d + 0x4C, NONE);
        if (i >= n)
            continue;
        size_t nl = strlen(e[i].name);
        for (size_t k = 0; k < nl; k++)
            put16(d + 2 * k, (unsigned char)e[i].name[k]);
        put16(d + 0x40, (unsigned)(nl + 1) * 2);
        d[0x42] = (unsigned char)e[i].type;
        d[0x43] = 1;
        if (e[i].left >= 0)
            put32(d + 0x44, (uint32_t)e[i].left);
        if (e[i].right >= 0)
            put32(d + 0x48, (uint32_t)e[i].right);
        if (e[i].child >= 0)
            put32(d + 0x4C, (uint32_t)e[i].child);
        if (e[i].type == 5) {
            put32(d + 0x74, mstr_first);
            put32(d + 0x78, nmini * 64);
        } else if (e[i].type == 2) {
            put32(d + 0x74, start[i]);
            put32(d + 0x78, (uint32_t)e[i].size);
        }
    }

    /* data */
    for (size_t i = 0; i < n; i++) {
        if (e[i].type != 2)
            continue;
        for (size_t off = 0; off < e[i].size; off++) {
            size_t at;
            if (b->mini[i]) {
                uint32_t m =
                    chain_at(b, b->base[i], b->count[i], (uint32_t)(off / 64));
                at = chain_off(b, b->mstr, b->nmstr, (size_t)m * 64 + off % 64);
            } else {
                at = chain_off(b, b->base[i], b->count[i], off);
            }
            f[at] = byte_of(i, off);
        }
    }
    free(fat);
    free(mfat);
}

/* Where the parts of a built file are, for damaging it. */
static unsigned char *fat_entry(built *b, uint32_t s)
{
    return b->file + b->ss + 4 * (size_t)s;
}

static unsigned char *minifat_entry(built *b, uint32_t m)
{
    return b->file + chain_off(b, b->mfat, b->nmfat, 4 * (size_t)m);
}

static unsigned char *dir_entry(built *b, size_t i)
{
    return b->file + chain_off(b, b->dir, b->ndirs, i * 128);
}

/* Sector (or mini sector) j of entry i's chain. */
static uint32_t sector_of(const built *b, size_t i, uint32_t j)
{
    return chain_at(b, b->base[i], b->count[i], j);
}

/* The sample: streams in the root and in the storages of an ObjectPool,
 * big and small, one of each size at the cutoff, one empty, a storage of
 * the root with a stream's name.  Tree of the root: 1 (2, 3), 2 (10, -),
 * 3 (-, 4), 4 (5, 6). */
static const ent sample[] = {
    {"Root Entry", 5, -1, -1, 1, 0},
    {"WordDocument", 2, 2, 3, -1, 5000},
    {"1Table", 2, 10, -1, -1, 300},
    {"Data", 2, -1, 4, -1, 4096},
    {"\005SummaryInformation", 2, 5, 6, -1, 4095},
    {"Empty", 2, -1, -1, -1, 0},
    {"ObjectPool", 1, -1, -1, 7, 0},
    {"_1234", 1, -1, -1, 8, 0},
    {"WordDocument", 2, -1, 9, -1, 700},
    {"1Table", 2, -1, -1, -1, 4200},
    {"Macros", 1, -1, -1, -1, 0},
};
#define NSAMPLE (sizeof sample / sizeof *sample)

/* A small file; in order, its last stream ends a byte into the file's
 * last sector. */
static const ent small[] = {
    {"Root Entry", 5, -1, -1, 1, 0},
    {"1Table", 2, -1, 2, -1, 200},
    {"WordDocument", 2, -1, -1, -1, 4097},
};

static int open_built(const built *b, size_t len, size_t max, kps_cfb *c,
                      kpiscan_error *err)
{
    return kps_cfb_open(c, b->file, len, "cv.doc", max, err);
}

/* Read stream name; it must be entry i of the file, byte-exact and
 * NUL-terminated. */
static void read_is(kps_cfb *c, const char *name, size_t i, size_t size)
{
    kpiscan_error *err = kpiscan_error_new();
    unsigned char *out;
    size_t len;
    int rc = kps_cfb_read(c, name, SIZE_MAX, &out, &len, err);
    ck_assert_msg(rc == 1, "%s: %d %s", name, rc, kpiscan_error_message(err));
    ck_assert_uint_eq(len, size);
    ck_assert_msg(bytes_are(out, len, i) == len, "%s: byte %zu", name,
                  bytes_are(out, len, i));
    ck_assert_int_eq(out[len], 0);
    free(out);
    kpiscan_error_free(err);
}

/* Read stream name: 0 (not in the root), err untouched. */
static void read_absent(kps_cfb *c, const char *name)
{
    kpiscan_error *err = kpiscan_error_new();
    unsigned char *out = (unsigned char *)"x";
    size_t len = 9;
    ck_assert_int_eq(kps_cfb_read(c, name, SIZE_MAX, &out, &len, err), 0);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(kpiscan_error_status(err), KPISCAN_OK);
    kpiscan_error_free(err);
}

/* Open the file (len bytes of it) with max_bytes open_max and read stream
 * name with read_max: the open's failure, else the read's result.  A
 * message must go with a failure, holding why when why is not NULL. */
static int try_read_max(const built *b, size_t len, const char *name,
                        size_t open_max, size_t read_max, const char *why)
{
    kps_cfb c;
    kpiscan_error *err = kpiscan_error_new();
    int rc = open_built(b, len, open_max, &c, err);
    if (rc == KPISCAN_OK) {
        unsigned char *out = NULL;
        size_t n = 0;
        rc = kps_cfb_read(&c, name, read_max, &out, &n, err);
        if (rc == 1)
            free(out);
        else
            ck_assert_ptr_null(out);
        kps_cfb_free(&c);
    }
    if (rc < 0) {
        const char *msg = kpiscan_error_message(err);
        ck_assert_int_eq(kpiscan_error_status(err), rc);
        if (rc == KPISCAN_ERR_CORRUPT)
            ck_assert_msg(strstr(msg, "corrupt OLE compound file: ") != NULL,
                          "%s", msg);
        ck_assert_msg(!why || strstr(msg, why), "'%s' lacks '%s'", msg, why);
    }
    kpiscan_error_free(err);
    return rc;
}

/* The same, max_bytes the same for the open and the read. */
static int try_read(const built *b, size_t len, const char *name, size_t max,
                    const char *why)
{
    return try_read_max(b, len, name, max, max, why);
}

static void check_sample(const built *b)
{
    kps_cfb c;
    kpiscan_error *err = kpiscan_error_new();
    int rc = open_built(b, b->len, SIZE_MAX, &c, err);
    ck_assert_msg(rc == KPISCAN_OK, "%s", kpiscan_error_message(err));
    read_is(&c, "WordDocument", 1, 5000);
    read_is(&c, "1Table", 2, 300);
    read_is(&c, "Data", 3, 4096);
    read_is(&c, "\005SummaryInformation", 4, 4095);
    read_is(&c, "Empty", 5, 0);
    read_absent(&c, "Macros");     /* a storage */
    read_absent(&c, "ObjectPool"); /* a storage */
    read_absent(&c, "_1234");      /* in a storage */
    read_absent(&c, "0Table");
    read_absent(&c, "");
    kps_cfb_free(&c);
    kps_cfb_free(&c); /* harmless twice */
    kpiscan_error_free(err);
}

START_TEST(regular_and_mini_streams)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert_uint_gt(b.ndirs, 1);
    ck_assert_uint_eq(b.nmfat, 1);
    check_sample(&b);
    /* the same file with every chain in order */
    free(b.file);
    build(&b, sample, NSAMPLE, 512, 0, 0, 1);
    check_sample(&b);
    free(b.file);
}
END_TEST

START_TEST(only_the_root_storage)
{
    /* the sample's root has its own WordDocument, the ObjectPool's is
     * another (entry 8, 700 bytes) */
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    kps_cfb c;
    ck_assert_int_eq(open_built(&b, b.len, SIZE_MAX, &c, NULL), KPISCAN_OK);
    read_is(&c, "WordDocument", 1, 5000);
    read_is(&c, "1Table", 2, 300);
    kps_cfb_free(&c);
    free(b.file);

    /* a root that has none: the embedded object's is not found */
    static const ent pool[] = {
        {"Root Entry", 5, -1, -1, 2, 0}, {"WordDocument", 2, -1, -1, -1, 900},
        {"ObjectPool", 1, -1, 3, 4, 0},  {"CompObj", 2, -1, -1, -1, 30},
        {"_99", 1, -1, -1, 1, 0},
    };
    build(&b, pool, 5, 512, 0, 0, 0);
    ck_assert_int_eq(open_built(&b, b.len, SIZE_MAX, &c, NULL), KPISCAN_OK);
    read_absent(&c, "WordDocument");
    read_is(&c, "CompObj", 3, 30);
    kps_cfb_free(&c);
    free(b.file);
}
END_TEST

START_TEST(names_ignore_letter_case)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    kps_cfb c;
    ck_assert_int_eq(open_built(&b, b.len, SIZE_MAX, &c, NULL), KPISCAN_OK);
    read_is(&c, "worddocument", 1, 5000);
    read_is(&c, "WORDDOCUMENT", 1, 5000);
    read_is(&c, "1tAbLe", 2, 300);
    read_is(&c, "\005summaryINFORMATION", 4, 4095);
    read_absent(&c, "WordDocumen");
    read_absent(&c, "WordDocumentX");
    read_absent(&c, "1Tablf");
    kps_cfb_free(&c);

    /* a letter beyond ASCII is not its low byte; a name length that is
     * odd or too long names nothing */
    put16(dir_entry(&b, 1), 0x0157); /* 'W' + 0x100 */
    put16(dir_entry(&b, 2) + 0x40, 13);
    put16(dir_entry(&b, 3) + 0x40, 66);
    ck_assert_int_eq(open_built(&b, b.len, SIZE_MAX, &c, NULL), KPISCAN_OK);
    read_absent(&c, "WordDocument");
    read_absent(&c, "1Table");
    read_absent(&c, "Data");
    read_is(&c, "Empty", 5, 0);
    kps_cfb_free(&c);
    free(b.file);
}
END_TEST

START_TEST(version_4)
{
    built b;
    build(&b, sample, NSAMPLE, 4096, 0, 0, 0);
    ck_assert_uint_eq(b.file[0x1A], 4);
    check_sample(&b);
    /* sizes are 64-bit: high bits make a stream larger than the file */
    put32(dir_entry(&b, 1) + 0x7C, 1);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "more than the file holds"),
                     KPISCAN_ERR_CORRUPT);
    free(b.file);

    /* with 512-byte sectors only the low 32 bits count */
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    put32(dir_entry(&b, 1) + 0x7C, 0xDEADBEEF);
    put32(dir_entry(&b, 0) + 0x7C, 0xDEADBEEF);
    check_sample(&b);
    free(b.file);
}
END_TEST

START_TEST(fat_through_the_difat)
{
    built b;
    /* the big streams lie past the sectors that the header's 109 FAT
     * sectors cover */
    build(&b, sample, NSAMPLE, 512, 0, 14000, 0);
    ck_assert_uint_eq(b.nfat, 111);
    ck_assert_uint_eq(b.ndif, 1);
    ck_assert_uint_ge(b.base[1], 109 * 128);
    check_sample(&b);
    /* the DIFAT's second entry, FAT sector 110, taken for FAT sector 0 */
    put32(b.file + ((size_t)b.nfat + 1) * 512 + 4, 0);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL),
                     KPISCAN_ERR_CORRUPT);
    ck_assert_int_eq(try_read(&b, b.len, "1Table", SIZE_MAX, NULL), 1);
    free(b.file);

    /* two DIFAT sectors; then damaged */
    build(&b, sample, NSAMPLE, 512, 240, 0, 0);
    ck_assert_uint_eq(b.ndif, 2);
    check_sample(&b);
    unsigned char *next = b.file + ((size_t)b.nfat + 1) * 512 + 127 * 4;
    put32(next, b.nfat); /* the first DIFAT sector again */
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "the DIFAT's chain of sectors loops"),
                     KPISCAN_ERR_CORRUPT);
    put32(next, ENDCH);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "the DIFAT ends after 236 of the 240"),
                     KPISCAN_ERR_CORRUPT);
    put32(next, 0x00FFFFFF);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "DIFAT sector 16777215 is past the end"),
                     KPISCAN_ERR_CORRUPT);
    put32(next, b.nfat + 1);
    put32(b.file + ((size_t)b.nfat + 2) * 512, 0x00FFFFFF);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "FAT sector 236 of 240 is at sector 0x00FFFFFF"),
                     KPISCAN_ERR_CORRUPT);
    free(b.file);
}
END_TEST

START_TEST(bad_headers)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL), 1);
    static const struct {
        size_t at;
        unsigned value;
        const char *why;
    } bad[] = {
        {0, 0xCF00, "bad signature"},
        {0x1C, 0xFEFF, "byte order"},
        {0x1E, 10, "sector shift 10"},
        {0x1E, 12, ""}, /* 4096-byte sectors: nothing is where it was */
        {0x20, 7, "mini sector shift 7"},
        {0x38, 0, "mini stream cutoff 0"},
        {0x2C, 0, "no FAT sector"},
        {0x2C, 5000, "claims 5000 FAT sectors"},
        {0x30, 0xFFFE, "the chain of the directory"},
        {0x4C, 0x7000, "FAT sector 0 of 1 is at sector 0x00007000"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char keep[4];
        memcpy(keep, b.file + bad[i].at, 4);
        if (bad[i].at == 0x30)
            put32(b.file + bad[i].at, 0x7FFF); /* a FAT entry past the file */
        else
            put16(b.file + bad[i].at, bad[i].value);
        ck_assert_int_eq(
            try_read(&b, b.len, "WordDocument", SIZE_MAX, bad[i].why),
            KPISCAN_ERR_CORRUPT);
        memcpy(b.file + bad[i].at, keep, 4);
    }
    put32(b.file + 0x30, ENDCH);
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX, "no directory"),
                     KPISCAN_ERR_CORRUPT);
    free(b.file);
    /* too short for a header; nothing at all */
    static const unsigned char sig[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                         0xA1, 0xB1, 0x1A, 0xE1};
    kps_cfb c;
    ck_assert_int_eq(kps_cfb_open(&c, sig, 8, "cv.doc", SIZE_MAX, NULL),
                     KPISCAN_ERR_CORRUPT);
    kps_cfb_free(&c); /* harmless after a failure */
    ck_assert_int_eq(kps_cfb_open(&c, NULL, 0, "cv.doc", SIZE_MAX, NULL),
                     KPISCAN_ERR_CORRUPT);
    read_absent(&c, "WordDocument"); /* nothing to find after a failure */
}
END_TEST

START_TEST(broken_fat_chains)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert_uint_eq(b.count[1], 10);
    unsigned char *e = fat_entry(&b, sector_of(&b, 1, 5));
    /* a loop back to an earlier sector of the chain */
    put32(e, sector_of(&b, 1, 2));
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "the chain of stream 'WordDocument' loops"),
                     KPISCAN_ERR_CORRUPT);
    /* ... which harms no other stream */
    ck_assert_int_eq(try_read(&b, b.len, "Data", SIZE_MAX, NULL), 1);
    /* to itself */
    put32(e, sector_of(&b, 1, 5));
    ck_assert_int_eq(
        try_read(&b, b.len, "WordDocument", SIZE_MAX, "loops (sector"),
        KPISCAN_ERR_CORRUPT);
    /* a sector the FAT has but the file has not */
    ck_assert_uint_lt(b.total + 5, 128);
    put32(e, b.total + 5);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "is past the end of the file"),
                     KPISCAN_ERR_CORRUPT);
    /* a sector past the FAT */
    put32(e, 5000);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "sector 5000, past the end of the FAT"),
                     KPISCAN_ERR_CORRUPT);
    /* a free sector, a FAT sector's mark */
    put32(e, FREES);
    ck_assert_int_eq(
        try_read(&b, b.len, "WordDocument", SIZE_MAX, "reaches a free sector"),
        KPISCAN_ERR_CORRUPT);
    put32(e, 0xFFFFFFFDu);
    ck_assert_int_eq(
        try_read(&b, b.len, "WordDocument", SIZE_MAX, "FAT-sector mark"),
        KPISCAN_ERR_CORRUPT);
    /* the chain ends early: a stream longer than its chain */
    put32(e, ENDCH);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "longer than its chain of sectors"),
                     KPISCAN_ERR_CORRUPT);
    put32(e, sector_of(&b, 1, 6));
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL), 1);

    /* sizes: one sector more than the chain, more than the file */
    unsigned char *size = dir_entry(&b, 1) + 0x78;
    put32(size, 5000 + 512);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "5512 bytes claimed, the chain ends after 5120"),
                     KPISCAN_ERR_CORRUPT);
    put32(size, 0x7FFFFFF0);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX,
                              "more than the file holds"),
                     KPISCAN_ERR_CORRUPT);
    /* a chain longer than its stream is read to the stream's size */
    put32(size, 4600);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL), 1);
    free(b.file);
}
END_TEST

START_TEST(broken_structures)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert_uint_eq(b.ndirs, 3);
    /* the directory's last sector leads back to its first */
    unsigned char *e = fat_entry(&b, chain_at(&b, b.dir, b.ndirs, 2));
    put32(e, chain_at(&b, b.dir, b.ndirs, 0));
    ck_assert_int_eq(
        try_read(&b, b.len, "x", SIZE_MAX, "the chain of the directory loops"),
        KPISCAN_ERR_CORRUPT);
    /* ... ends in a free sector instead of ENDOFCHAIN */
    put32(e, FREES);
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX,
                              "the chain of the directory reaches a free "
                              "sector"),
                     KPISCAN_ERR_CORRUPT);
    put32(e, ENDCH);
    /* the mini FAT's one sector leads to itself */
    e = fat_entry(&b, b.mfat);
    put32(e, b.mfat);
    ck_assert_int_eq(
        try_read(&b, b.len, "x", SIZE_MAX, "the chain of the mini FAT loops"),
        KPISCAN_ERR_CORRUPT);
    put32(e, ENDCH);
    /* the mini stream: a loop, a size longer than its chain */
    e = fat_entry(&b, chain_at(&b, b.mstr, b.nmstr, 4));
    uint32_t keep = get32(e);
    put32(e, chain_at(&b, b.mstr, b.nmstr, 1));
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX,
                              "the chain of the mini stream loops"),
                     KPISCAN_ERR_CORRUPT);
    put32(e, keep);
    put32(dir_entry(&b, 0) + 0x78, b.nmstr * 512 + 1);
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX,
                              "the mini stream is longer than its chain"),
                     KPISCAN_ERR_CORRUPT);
    put32(dir_entry(&b, 0) + 0x78, 0x7FFFFFFF);
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX,
                              "the mini stream claims 2147483647 bytes"),
                     KPISCAN_ERR_CORRUPT);
    /* entry 0 must be the root */
    put32(dir_entry(&b, 0) + 0x78, b.nmstr * 512);
    dir_entry(&b, 0)[0x42] = 1;
    ck_assert_int_eq(try_read(&b, b.len, "x", SIZE_MAX, "not the root storage"),
                     KPISCAN_ERR_CORRUPT);
    dir_entry(&b, 0)[0x42] = 5;
    ck_assert_int_eq(try_read(&b, b.len, "Data", SIZE_MAX, NULL), 1);
    free(b.file);
}
END_TEST

START_TEST(broken_mini_chains)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert(b.mini[4]);
    ck_assert_uint_eq(b.count[4], 64);
    unsigned char *e = minifat_entry(&b, sector_of(&b, 4, 10));
    const char *name = "\005SummaryInformation";
    put32(e, sector_of(&b, 4, 3));
    ck_assert_int_eq(
        try_read(&b, b.len, name, SIZE_MAX,
                 "the chain of stream '\\005SummaryInformation' loops (mini "
                 "sector"),
        KPISCAN_ERR_CORRUPT);
    ck_assert_int_eq(try_read(&b, b.len, "1Table", SIZE_MAX, NULL), 1);
    /* mini sectors the mini FAT has but the mini stream has not, and
     * past the mini FAT */
    uint32_t nmini = b.nmstr * 512 / 64;
    ck_assert_uint_lt(nmini + 3, 128);
    put32(e, nmini + 3);
    ck_assert_int_eq(
        try_read(&b, b.len, name, SIZE_MAX, "past the end of the mini stream"),
        KPISCAN_ERR_CORRUPT);
    put32(e, 128);
    ck_assert_int_eq(
        try_read(&b, b.len, name, SIZE_MAX, "past the end of the mini FAT"),
        KPISCAN_ERR_CORRUPT);
    put32(e, ENDCH);
    ck_assert_int_eq(
        try_read(&b, b.len, name, SIZE_MAX, "longer than its chain of mini"),
        KPISCAN_ERR_CORRUPT);
    put32(e, sector_of(&b, 4, 11));
    /* a small stream's size past its chain */
    put32(dir_entry(&b, 2) + 0x78, 400);
    ck_assert_int_eq(try_read(&b, b.len, "1Table", SIZE_MAX,
                              "400 bytes claimed, the chain ends after 320"),
                     KPISCAN_ERR_CORRUPT);
    /* no mini FAT, no mini stream: a small stream cannot be read */
    put32(b.file + 0x3C, ENDCH);
    ck_assert_int_eq(try_read(&b, b.len, "1Table", SIZE_MAX,
                              "past the end of the mini FAT (0 entries)"),
                     KPISCAN_ERR_CORRUPT);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL), 1);
    free(b.file);

    /* a small stream larger than the whole mini stream (256 bytes) */
    build(&b, small, 3, 512, 0, 0, 0);
    put32(dir_entry(&b, 1) + 0x78, 1000);
    ck_assert_int_eq(try_read(&b, b.len, "1Table", SIZE_MAX,
                              "claims 1000 bytes, more than the mini stream "
                              "holds (256)"),
                     KPISCAN_ERR_CORRUPT);
    free(b.file);
}
END_TEST

START_TEST(broken_directory_tree)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    /* loops: back to the tree's top, to the root, to itself */
    static const struct {
        size_t entry, field;
        uint32_t to;
        const char *why;
    } bad[] = {
        {6, 0x48, 1, "directory tree loops (entry 1 reached twice)"},
        {10, 0x44, 0, "directory tree loops (entry 0 reached twice)"},
        {5, 0x48, 5, "directory tree loops (entry 5 reached twice)"},
        {0, 0x4C, 0, "directory tree loops (entry 0 reached twice)"},
        {3, 0x48, 44, "entry 3 links to entry 44, past the directory's 12"},
        {10, 0x48, 11, "reaches unused entry 11"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char *p = dir_entry(&b, bad[i].entry) + bad[i].field;
        uint32_t keep = get32(p);
        put32(p, bad[i].to);
        ck_assert_int_eq(try_read(&b, b.len, "Nothing", SIZE_MAX, bad[i].why),
                         KPISCAN_ERR_CORRUPT);
        put32(p, keep);
    }
    ck_assert_int_eq(try_read(&b, b.len, "Nothing", SIZE_MAX, NULL), 0);
    /* a storage's tree is not walked: its damage is no matter */
    put32(dir_entry(&b, 8) + 0x48, 8);
    ck_assert_int_eq(try_read(&b, b.len, "Nothing", SIZE_MAX, NULL), 0);
    /* a root with no children */
    put32(dir_entry(&b, 0) + 0x4C, NONE);
    ck_assert_int_eq(try_read(&b, b.len, "WordDocument", SIZE_MAX, NULL), 0);
    free(b.file);
}
END_TEST

/* Every cut of a small file: an error or the right bytes, never a crash,
 * a hang or a read past the cut (ASan). */
static void every_cut(const built *b, const ent *e, size_t n)
{
    for (size_t len = 0; len <= b->len; len++) {
        int full = len == b->len;
        kps_cfb c;
        kpiscan_error *err = kpiscan_error_new();
        int rc = open_built(b, len, SIZE_MAX, &c, err);
        ck_assert_msg(rc == KPISCAN_OK || rc == KPISCAN_ERR_CORRUPT,
                      "cut at %zu: %d", len, rc);
        ck_assert(rc == KPISCAN_OK || !full);
        if (rc != KPISCAN_OK) {
            kpiscan_error_free(err);
            continue;
        }
        for (size_t i = 1; i < n; i++) {
            if (e[i].type != 2)
                continue;
            unsigned char *out;
            size_t got;
            rc = kps_cfb_read(&c, e[i].name, SIZE_MAX, &out, &got, err);
            ck_assert_msg(rc == 1 || rc == KPISCAN_ERR_CORRUPT,
                          "cut at %zu, %s: %d", len, e[i].name, rc);
            ck_assert(rc == 1 || !full);
            if (rc != 1)
                continue;
            ck_assert_uint_eq(got, e[i].size);
            ck_assert_uint_eq(bytes_are(out, got, i), got);
            free(out);
        }
        kps_cfb_free(&c);
        kpiscan_error_free(err);
    }
}

START_TEST(truncated_files)
{
    built b;
    build(&b, small, 3, 512, 0, 0, 1);
    every_cut(&b, small, 3);
    ck_assert_uint_eq(sector_of(&b, 2, 8), b.total - 1);
    /* the bytes a stream needs are there: read; one short: corrupt */
    ck_assert_int_eq(try_read(&b, b.len - 511, "WordDocument", SIZE_MAX, NULL),
                     1);
    ck_assert_int_eq(try_read(&b, b.len - 512, "WordDocument", SIZE_MAX,
                              "sector 12 of stream 'WordDocument' is past "
                              "the end of the file (cut short?)"),
                     KPISCAN_ERR_CORRUPT);
    ck_assert_int_eq(try_read(&b, b.len - 512, "1Table", SIZE_MAX, NULL), 1);
    free(b.file);
    /* chains reversed, and 4096-byte sectors */
    build(&b, small, 3, 512, 0, 0, 0);
    every_cut(&b, small, 3);
    free(b.file);
    build(&b, small, 3, 4096, 0, 0, 0);
    every_cut(&b, small, 3);
    free(b.file);
}
END_TEST

START_TEST(limits)
{
    built b;
    build(&b, sample, NSAMPLE, 512, 0, 0, 0);
    ck_assert_int_eq(
        try_read_max(&b, b.len, "WordDocument", SIZE_MAX, 4999,
                     "stream 'WordDocument' of 5000 bytes exceeds the limit of "
                     "4999 bytes (max_part_bytes)"),
        KPISCAN_ERR_LIMIT);
    ck_assert_int_eq(
        try_read_max(&b, b.len, "WordDocument", SIZE_MAX, 5000, NULL), 1);
    ck_assert_int_eq(try_read_max(&b, b.len, "1Table", SIZE_MAX, 299,
                                  "stream '1Table' of 300 bytes"),
                     KPISCAN_ERR_LIMIT);
    /* what open reads: the FAT (512 bytes), the directory (1536), the mini
     * stream (5120) */
    ck_assert_int_eq(try_read(&b, b.len, "x", 511, "its FAT of 512 bytes"),
                     KPISCAN_ERR_LIMIT);
    ck_assert_int_eq(
        try_read(&b, b.len, "x", 1535, "the directory of 1536 bytes"),
        KPISCAN_ERR_LIMIT);
    ck_assert_uint_eq(b.nmstr * 512, 5120);
    ck_assert_int_eq(
        try_read(&b, b.len, "x", 5119, "its mini stream of 5120 bytes"),
        KPISCAN_ERR_LIMIT);
    ck_assert_int_eq(try_read(&b, b.len, "x", 5120, NULL), 0);
    free(b.file);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cfb");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, regular_and_mini_streams);
    tcase_add_test(tc, only_the_root_storage);
    tcase_add_test(tc, names_ignore_letter_case);
    tcase_add_test(tc, version_4);
    tcase_add_test(tc, fat_through_the_difat);
    tcase_add_test(tc, bad_headers);
    tcase_add_test(tc, broken_fat_chains);
    tcase_add_test(tc, broken_structures);
    tcase_add_test(tc, broken_mini_chains);
    tcase_add_test(tc, broken_directory_tree);
    tcase_add_test(tc, truncated_files);
    tcase_add_test(tc, limits);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
