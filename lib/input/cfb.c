/*
 * cfb.c - OLE compound files ([MS-CFB]) read from memory (see cfb.h).
 *
 * Word 97-2003 saves a ".doc" as a compound file: a header, then sectors of
 * 512 bytes (version 3) or 4096 (version 4; the header then fills the first
 * one).  Sector n starts at (n + 1) * sector size.  The layout, and what
 * this reader does with each part:
 *
 *  - the FAT gives each sector the next one of its chain.  Its own sectors
 *    are listed by the DIFAT: 109 entries in the header, the rest in DIFAT
 *    sectors chained through their last entry.  It is read whole at open;
 *  - the directory is a chain of 128-byte entries (storages and streams).
 *    Entry 0 is the root; the children of a storage form a red-black tree
 *    (left and right siblings) hung from its child link.  A stream is
 *    looked up in the root's tree only: a .doc with embedded objects holds
 *    other "WordDocument" streams in storages of its ObjectPool, and those
 *    are not the document's;
 *  - streams smaller than the mini stream cutoff (4096) are kept in the
 *    mini stream, a stream of 64-byte mini sectors chained by the mini
 *    FAT; the root entry gives the mini stream's start and size.  The mini
 *    FAT and mini stream are read at open too.
 *
 * Every input may be crafted, so: each chain walk marks the sectors it
 * has seen and stops at the first one seen twice (a loop), or at a sector
 * that is not in its table or not in the file; the structures read at open
 * are held to max_bytes, and a stream's claimed size is checked against
 * what the file (or the mini stream) can hold and against max_bytes, and
 * its chain walked once, before its buffer is allocated.  A file cut short
 * may end inside its last sector: a stream (the mini stream too) may use
 * the bytes that are there; the FAT, DIFAT, directory and mini FAT need
 * whole sectors.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "input/cfb.h"

/* Special sector numbers of the FAT and DIFAT. */
#define MAXREGSECT 0xFFFFFFFAu
#define DIFSECT 0xFFFFFFFCu
#define FATSECT 0xFFFFFFFDu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
/* No directory entry (a sibling or child link). */
#define NOSTREAM 0xFFFFFFFFu

#define HEADER_BYTES 512
#define HEADER_DIFAT 109 /* FAT sector numbers in the header */
#define DIR_ENTRY 128
#define MINI_SECTOR 64

/* Directory entry fields. */
#define DE_NAME_LEN 0x40
#define DE_TYPE 0x42
#define DE_LEFT 0x44
#define DE_RIGHT 0x48
#define DE_CHILD 0x4C
#define DE_START 0x74
#define DE_SIZE 0x78

#define TYPE_UNUSED 0
#define TYPE_STREAM 2
#define TYPE_ROOT 5

static const unsigned char cfb_signature[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                               0xA1, 0xB1, 0x1A, 0xE1};

static uint64_t rd64(const unsigned char *p)
{
    return (uint64_t)kps_le32(p) | (uint64_t)kps_le32(p + 4) << 32;
}

static int corrupt(const kps_cfb *c, kpiscan_error *err, const char *fmt, ...)
    KPS_PRINTF(3, 4);
static int corrupt(const kps_cfb *c, kpiscan_error *err, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return kps_fail(err, KPISCAN_ERR_CORRUPT, c->name,
                    "corrupt OLE compound file: %s", why);
}

static int nomem(const kps_cfb *c, kpiscan_error *err)
{
    return kps_fail(err, KPISCAN_ERR_NOMEM, c->name, "out of memory");
}

static int too_large(const kps_cfb *c, kpiscan_error *err, const char *what,
                     uint64_t bytes, size_t max_bytes)
{
    return kps_fail(err, KPISCAN_ERR_LIMIT, c->name,
                    "OLE compound file: %s of %" PRIu64
                    " bytes exceeds the limit of %zu bytes (max_part_bytes)",
                    what, bytes, max_bytes);
}

/* A stream's name for messages: its ASCII with other bytes as octal
 * escapes, as C writes them ("\005SummaryInformation"). */
static const char *show_name(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    for (; *s && k + 5 < n; s++) {
        unsigned char b = (unsigned char)*s;
        if (b >= 0x20 && b < 0x7F)
            buf[k++] = (char)b;
        else
            k += (size_t)snprintf(buf + k, n - k, "\\%03o", b);
    }
    buf[k] = '\0';
    return buf;
}

/* The start of sector s when the whole sector is in the file, else NULL. */
static const unsigned char *whole_sector(const kps_cfb *c, uint32_t s)
{
    if (s >= c->nsectors)
        return NULL;
    uint64_t off = ((uint64_t)s + 1) * c->sector_size;
    if (off > c->len || c->len - off < c->sector_size)
        return NULL;
    return c->data + off;
}

/* A stream's size: 64 bits with 4096-byte sectors; with 512-byte sectors
 * only the low 32 count ([MS-CFB] 2.6.1: old writers left garbage in the
 * high ones). */
static uint64_t entry_size(const kps_cfb *c, const unsigned char *e)
{
    return c->wide_sizes ? rd64(e + DE_SIZE) : kps_le32(e + DE_SIZE);
}

/* A chain of sectors: the file's sectors through the FAT, or the mini
 * stream's through the mini FAT. */
typedef struct chain {
    const uint32_t *next;      /* the table: each sector's successor */
    size_t n;                  /* its entries */
    const unsigned char *base; /* the data: the file, the mini stream */
    size_t size;               /* its bytes */
    size_t skip;               /* where sector 0 starts in it */
    size_t unit;               /* sector size */
    const char *table;         /* "FAT", "mini FAT" */
    const char *sector;        /* "sector", "mini sector" */
    const char *holder;        /* "the file", "the mini stream" */
} chain;

static chain file_chain(const kps_cfb *c)
{
    chain ch = {.next = c->fat,
                .n = c->nfat,
                .base = c->data,
                .size = c->len,
                .skip = c->sector_size,
                .unit = c->sector_size,
                .table = "FAT",
                .sector = "sector",
                .holder = "the file"};
    return ch;
}

static chain mini_chain(const kps_cfb *c)
{
    chain ch = {.next = c->minifat,
                .n = c->nminifat,
                .base = c->mini,
                .size = c->mini_len,
                .skip = 0,
                .unit = MINI_SECTOR,
                .table = "mini FAT",
                .sector = "mini sector",
                .holder = "the mini stream"};
    return ch;
}

/* The most a chain can hold: the data from sector 0 on. */
static size_t capacity(const chain *ch)
{
    return ch->size > ch->skip ? ch->size - ch->skip : 0;
}

/* What a special sector number means, for messages. */
static const char *special_sector(uint32_t s)
{
    switch (s) {
    case FREESECT: return "a free";
    case FATSECT: return "a FAT-sector mark instead of a";
    case DIFSECT: return "a DIFAT-sector mark instead of a";
    default: return "an invalid";
    }
}

#define TO_END UINT64_MAX

/*
 * Follow the chain of what (for messages: "the directory", "stream
 * 'WordDocument'") from start for want bytes; with want TO_END, to its
 * ENDOFCHAIN, every sector whole.  *got (when not NULL) gets the bytes
 * walked, dst (when not NULL) receives them.  Every sector is marked when
 * seen, so the walk takes at most ch->n steps whatever the table says.
 */
static int walk(const kps_cfb *c, const chain *ch, uint32_t start,
                uint64_t want, const char *what, unsigned char *dst,
                uint64_t *got, kpiscan_error *err)
{
    unsigned char *seen = calloc(ch->n / 8 + 1, 1);
    if (!seen)
        return nomem(c, err);
    int rc = KPISCAN_OK;
    uint64_t done = 0;
    uint32_t s = start;
    while (want == TO_END ? s != ENDOFCHAIN : done < want) {
        if (s == ENDOFCHAIN) {
            rc = corrupt(c, err,
                         "%s is longer than its chain of %ss (%" PRIu64
                         " bytes claimed, the chain ends after %" PRIu64 ")",
                         what, ch->sector, want, done);
            break;
        }
        if (s > MAXREGSECT) {
            rc = corrupt(c, err,
                         "the chain of %s reaches %s %s (0x%08" PRIX32 ")",
                         what, special_sector(s), ch->sector, s);
            break;
        }
        if (s >= ch->n) {
            rc = corrupt(c, err,
                         "the chain of %s reaches %s %" PRIu32
                         ", past the end of the %s (%zu entries)",
                         what, ch->sector, s, ch->table, ch->n);
            break;
        }
        if (seen[s / 8] & (1u << (s % 8))) {
            rc = corrupt(c, err,
                         "the chain of %s loops (%s %" PRIu32
                         " reached twice in the %s)",
                         what, ch->sector, s, ch->table);
            break;
        }
        seen[s / 8] |= (unsigned char)(1u << (s % 8));
        size_t take = ch->unit;
        if (want != TO_END && want - done < take)
            take = (size_t)(want - done);
        uint64_t off = ch->skip + (uint64_t)s * ch->unit;
        if (off > ch->size || ch->size - off < take) {
            rc = corrupt(c, err, "%s %" PRIu32 " of %s is past the end of %s%s",
                         ch->sector, s, what, ch->holder,
                         ch->next == c->fat ? " (cut short?)" : "");
            break;
        }
        if (dst)
            memcpy(dst + done, ch->base + off, take);
        done += take;
        s = ch->next[s];
    }
    free(seen);
    if (got)
        *got = done;
    return rc;
}

/* Read the whole chain of what (a structure: the directory, the mini FAT)
 * into a malloc'd buffer held to max_bytes. */
static int read_to_end(const kps_cfb *c, uint32_t start, const char *what,
                       size_t max_bytes, unsigned char **out, size_t *len,
                       kpiscan_error *err)
{
    chain ch = file_chain(c);
    uint64_t bytes;
    int rc = walk(c, &ch, start, TO_END, what, NULL, &bytes, err);
    if (rc != KPISCAN_OK)
        return rc;
    if (bytes > max_bytes)
        return too_large(c, err, what, bytes, max_bytes);
    /* bytes <= the file's length: it fits in size_t */
    unsigned char *buf = malloc(bytes ? (size_t)bytes : 1);
    if (!buf)
        return nomem(c, err);
    rc = walk(c, &ch, start, TO_END, what, buf, NULL, err);
    if (rc != KPISCAN_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = (size_t)bytes;
    return KPISCAN_OK;
}

/* Turn a table read as little-endian bytes into numbers, in place. */
static void table_from_bytes(uint32_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t[i] = kps_le32((const unsigned char *)&t[i]);
}

/* The FAT: its sectors listed by the header's 109 DIFAT entries, then by
 * the DIFAT sectors (each ends with the next one's number).  The header's
 * count of DIFAT sectors is not trusted: the chain is followed only as far
 * as the FAT sectors it must list. */
static int read_fat(kps_cfb *c, size_t max_bytes, kpiscan_error *err)
{
    const unsigned char *h = c->data;
    uint32_t nfatsect = kps_le32(h + 0x2C);
    size_t ss = c->sector_size;
    if (nfatsect == 0)
        return corrupt(c, err, "the header lists no FAT sector");
    /* each FAT sector is a sector of the file */
    if (nfatsect > c->nsectors)
        return corrupt(c, err,
                       "the header claims %" PRIu32
                       " FAT sectors, the file has %zu sectors",
                       nfatsect, c->nsectors);
    if ((uint64_t)nfatsect * ss > max_bytes)
        return too_large(c, err, "its FAT", (uint64_t)nfatsect * ss, max_bytes);
    c->fat = malloc((size_t)nfatsect * ss);
    unsigned char *seen =
        nfatsect > HEADER_DIFAT ? calloc(c->nsectors / 8 + 1, 1) : NULL;
    if (!c->fat || (nfatsect > HEADER_DIFAT && !seen)) {
        free(seen);
        return nomem(c, err);
    }
    c->nfat = (size_t)nfatsect * (ss / 4);
    const size_t per = ss / 4 - 1; /* FAT sector numbers per DIFAT sector */
    const unsigned char *difat = NULL;
    size_t k = per;
    int rc = KPISCAN_OK;
    for (uint32_t i = 0; i < nfatsect; i++) {
        uint32_t s;
        if (i < HEADER_DIFAT) {
            s = kps_le32(h + 0x4C + 4 * (size_t)i);
        } else {
            if (k == per) {
                uint32_t d =
                    difat ? kps_le32(difat + 4 * per) : kps_le32(h + 0x44);
                if (d == ENDOFCHAIN || d == FREESECT) {
                    rc = corrupt(c, err,
                                 "the DIFAT ends after %" PRIu32
                                 " of the %" PRIu32 " FAT sectors",
                                 i, nfatsect);
                    break;
                }
                difat = whole_sector(c, d);
                if (!difat) {
                    rc = corrupt(c, err,
                                 "DIFAT sector %" PRIu32
                                 " is past the end of the file",
                                 d);
                    break;
                }
                if (seen[d / 8] & (1u << (d % 8))) {
                    rc = corrupt(c, err,
                                 "the DIFAT's chain of sectors loops "
                                 "(sector %" PRIu32 " reached twice)",
                                 d);
                    break;
                }
                seen[d / 8] |= (unsigned char)(1u << (d % 8));
                k = 0;
            }
            s = kps_le32(difat + 4 * k++);
        }
        const unsigned char *p = whole_sector(c, s);
        if (!p) {
            rc = corrupt(c, err,
                         "FAT sector %" PRIu32 " of %" PRIu32
                         " is at sector 0x%08" PRIX32 ", not in the file",
                         i, nfatsect, s);
            break;
        }
        memcpy((unsigned char *)c->fat + (size_t)i * ss, p, ss);
    }
    free(seen);
    if (rc == KPISCAN_OK)
        table_from_bytes(c->fat, c->nfat);
    return rc;
}

static int open_all(kps_cfb *c, size_t max_bytes, kpiscan_error *err)
{
    const unsigned char *h = c->data;
    if (c->len < HEADER_BYTES)
        return corrupt(c, err, "%zu bytes, too short for its %d-byte header",
                       c->len, HEADER_BYTES);
    if (memcmp(h, cfb_signature, sizeof cfb_signature) != 0)
        return corrupt(c, err, "bad signature (not a compound file)");
    if (kps_le16(h + 0x1C) != 0xFFFE)
        return corrupt(c, err, "byte order mark 0x%04X, not 0xFFFE",
                       kps_le16(h + 0x1C));
    /* The sector shift, not the major version (3 or 4, which only restates
     * it), is what the layout follows. */
    unsigned shift = kps_le16(h + 0x1E);
    if (shift != 9 && shift != 12)
        return corrupt(c, err,
                       "sector shift %u (9 or 12, for 512- or 4096-byte "
                       "sectors, expected)",
                       shift);
    if (kps_le16(h + 0x20) != 6)
        return corrupt(c, err, "mini sector shift %u (6 expected)",
                       kps_le16(h + 0x20));
    c->sector_size = (size_t)1 << shift;
    c->wide_sizes = shift == 12;
    /* [MS-CFB] fixes it at 4096.  Any value could be read, every walk being
     * bounded, but one outside a mini sector to 64 KiB is no writer's. */
    c->mini_cutoff = kps_le32(h + 0x38);
    if (c->mini_cutoff < MINI_SECTOR || c->mini_cutoff > 65536)
        return corrupt(c, err, "mini stream cutoff %" PRIu32 " (4096 expected)",
                       c->mini_cutoff);
    if (c->len > c->sector_size) {
        c->nsectors = (c->len - c->sector_size - 1) / c->sector_size + 1;
        /* sector numbers stop at MAXREGSECT */
        if (c->nsectors > (size_t)MAXREGSECT + 1)
            c->nsectors = (size_t)MAXREGSECT + 1;
    }

    int rc = read_fat(c, max_bytes, err);
    if (rc != KPISCAN_OK)
        return rc;

    uint32_t dir_start = kps_le32(h + 0x30);
    if (dir_start == ENDOFCHAIN)
        return corrupt(c, err, "no directory");
    size_t dir_bytes;
    rc = read_to_end(c, dir_start, "the directory", max_bytes, &c->dir,
                     &dir_bytes, err);
    if (rc != KPISCAN_OK)
        return rc;
    c->ndir = dir_bytes / DIR_ENTRY;
    if (c->ndir == 0 || c->dir[DE_TYPE] != TYPE_ROOT)
        return corrupt(c, err, "directory entry 0 is not the root storage");

    uint32_t minifat_start = kps_le32(h + 0x3C);
    if (minifat_start != ENDOFCHAIN) {
        unsigned char *t;
        size_t bytes;
        rc = read_to_end(c, minifat_start, "the mini FAT", max_bytes, &t,
                         &bytes, err);
        if (rc != KPISCAN_OK)
            return rc;
        c->minifat = (uint32_t *)(void *)t; /* malloc'd: aligned */
        c->nminifat = bytes / 4;
        table_from_bytes(c->minifat, c->nminifat);
    }

    uint64_t mini_len = entry_size(c, c->dir);
    if (mini_len) {
        chain ch = file_chain(c);
        if (mini_len > capacity(&ch))
            return corrupt(c, err,
                           "the mini stream claims %" PRIu64
                           " bytes, more than the file holds",
                           mini_len);
        if (mini_len > max_bytes)
            return too_large(c, err, "its mini stream", mini_len, max_bytes);
        c->mini = malloc((size_t)mini_len);
        if (!c->mini)
            return nomem(c, err);
        rc = walk(c, &ch, kps_le32(c->dir + DE_START), mini_len,
                  "the mini stream", c->mini, NULL, err);
        if (rc != KPISCAN_OK)
            return rc;
        c->mini_len = (size_t)mini_len;
    }
    return KPISCAN_OK;
}

int kps_cfb_open(kps_cfb *cfb, const unsigned char *data, size_t len,
                 const char *name, size_t max_bytes, kpiscan_error *err)
{
    memset(cfb, 0, sizeof *cfb);
    cfb->data = data;
    cfb->len = len;
    cfb->name = name;
    int rc = open_all(cfb, max_bytes, err);
    if (rc != KPISCAN_OK)
        kps_cfb_free(cfb);
    return rc;
}

void kps_cfb_free(kps_cfb *cfb)
{
    if (!cfb)
        return;
    free(cfb->fat);
    free(cfb->minifat);
    free(cfb->dir);
    free(cfb->mini);
    cfb->fat = cfb->minifat = NULL;
    cfb->dir = cfb->mini = NULL;
    cfb->nfat = cfb->nminifat = cfb->ndir = cfb->mini_len = 0;
}

/* Whether entry e is named name[0..n) (ASCII), letters compared without
 * case as CFB compares names.  The name is UTF-16LE; its length field
 * counts bytes with the terminating NUL. */
static int name_is(const unsigned char *e, const char *name, size_t n)
{
    unsigned bytes = kps_le16(e + DE_NAME_LEN);
    if (bytes < 2 || bytes > 64 || bytes % 2 || bytes / 2 - 1 != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned u = kps_le16(e + 2 * i), a = (unsigned char)name[i];
        if (u >= 0x80)
            return 0;
        if (u >= 'a' && u <= 'z')
            u -= 'a' - 'A';
        if (a >= 'a' && a <= 'z')
            a -= 'a' - 'A';
        if (u != a)
            return 0;
    }
    return 1;
}

/* Mark entry i, reached from entry from, as seen and push it; a link past
 * the directory, to the root or to an entry seen before is damage. */
static int tree_push(const kps_cfb *c, uint32_t from, uint32_t i,
                     unsigned char *seen, uint32_t *stack, size_t *top,
                     kpiscan_error *err)
{
    if (i == NOSTREAM)
        return KPISCAN_OK;
    if (i >= c->ndir)
        return corrupt(c, err,
                       "directory entry %" PRIu32 " links to entry %" PRIu32
                       ", past the directory's %zu entries",
                       from, i, c->ndir);
    if (seen[i / 8] & (1u << (i % 8)))
        return corrupt(c, err,
                       "the root storage's directory tree loops (entry "
                       "%" PRIu32 " reached twice)",
                       i);
    seen[i / 8] |= (unsigned char)(1u << (i % 8));
    stack[(*top)++] = i;
    return KPISCAN_OK;
}

/* The stream called name[0..n) among the root's children: a walk of the
 * tree hung from the root's child link, every entry at most once.  The
 * tree is not searched by CFB's name order, which writers do not all keep.
 * *found gets its index, or NOSTREAM. */
static int find_in_root(const kps_cfb *c, const char *name, size_t n,
                        uint32_t *found, kpiscan_error *err)
{
    *found = NOSTREAM;
    unsigned char *seen = calloc(c->ndir / 8 + 1, 1);
    uint32_t *stack = malloc(c->ndir * sizeof *stack);
    if (!seen || !stack) {
        free(seen);
        free(stack);
        return nomem(c, err);
    }
    seen[0] = 1; /* the root: reaching it from its children is a loop */
    size_t top = 0;
    int rc =
        tree_push(c, 0, kps_le32(c->dir + DE_CHILD), seen, stack, &top, err);
    while (rc == KPISCAN_OK && top) {
        uint32_t i = stack[--top];
        const unsigned char *e = c->dir + (size_t)i * DIR_ENTRY;
        if (e[DE_TYPE] == TYPE_UNUSED) {
            rc = corrupt(c, err,
                         "the root storage's directory tree reaches unused "
                         "entry %" PRIu32,
                         i);
            break;
        }
        if (e[DE_TYPE] == TYPE_STREAM && name_is(e, name, n)) {
            *found = i;
            break;
        }
        rc = tree_push(c, i, kps_le32(e + DE_LEFT), seen, stack, &top, err);
        if (rc == KPISCAN_OK)
            rc =
                tree_push(c, i, kps_le32(e + DE_RIGHT), seen, stack, &top, err);
    }
    free(seen);
    free(stack);
    return rc;
}

int kps_cfb_read(kps_cfb *cfb, const char *stream, size_t max_bytes,
                 unsigned char **out, size_t *out_len, kpiscan_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!cfb->dir)
        return 0;
    uint32_t i;
    int rc = find_in_root(cfb, stream, strlen(stream), &i, err);
    if (rc != KPISCAN_OK)
        return rc;
    if (i == NOSTREAM)
        return 0;
    const unsigned char *e = cfb->dir + (size_t)i * DIR_ENTRY;
    uint64_t size = entry_size(cfb, e);
    chain ch = size < cfb->mini_cutoff ? mini_chain(cfb) : file_chain(cfb);
    char shown[160], what[200];
    snprintf(what, sizeof what, "stream '%s'",
             show_name(stream, shown, sizeof shown));
    if (size > capacity(&ch))
        return corrupt(cfb, err,
                       "%s claims %" PRIu64 " bytes, more than %s holds (%zu)",
                       what, size, ch.holder, capacity(&ch));
    if (size > max_bytes)
        return too_large(cfb, err, what, size, max_bytes);
    uint32_t start = kps_le32(e + DE_START);
    /* the chain is checked before the buffer is allocated */
    rc = walk(cfb, &ch, start, size, what, NULL, NULL, err);
    if (rc != KPISCAN_OK)
        return rc;
    unsigned char *buf = malloc((size_t)size + 1);
    if (!buf)
        return nomem(cfb, err);
    rc = walk(cfb, &ch, start, size, what, buf, NULL, err);
    if (rc != KPISCAN_OK) {
        free(buf);
        return rc;
    }
    buf[size] = '\0';
    *out = buf;
    *out_len = (size_t)size;
    return 1;
}
