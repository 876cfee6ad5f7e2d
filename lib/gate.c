/* gate.c - CI gates: expectations per record, manifests, JUnit XML (via
 * libxml2's xmlTextWriter, never by hand) and GitHub annotations. */
#include <errno.h>
#include <libxml/xmlwriter.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "base/io.h"
#include "base/util.h"
#include "base/options.h"
#include "match/pack.h"
#include "estimate/result.h"
#include "batch.h"

/* A file itself, whatever its name: two paths, a symbolic link or a hard
 * link name one file when device and inode agree, as the batch, which
 * scans each file once, tells them apart.  known is 0 when the file does
 * not exist (then only the path as written can match). */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    int known;
    int folder;
} file_id;

static file_id file_id_of(const char *path)
{
    struct stat st;
    file_id id = {0};
    if (path && stat(path, &st) == 0)
        id = (file_id){st.st_dev, st.st_ino, 1, S_ISDIR(st.st_mode)};
    return id;
}

static int same_file(const file_id *a, const file_id *b)
{
    return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
}

typedef struct expectation {
    char *path; /* as resolved against the manifest's folder */
    file_id id;
    int level;
    size_t line;     /* in its manifest, for messages */
    size_t manifest; /* which kpiscan_gate_load_manifest() call: 0, 1, ... */
} expectation;

/* A manifest loaded: its path as given (for messages) and, once read in
 * full, the file (unknown until then). */
typedef struct manifest_source {
    char *name;
    file_id id;
} manifest_source;

struct kpiscan_gate {
    int fail_under; /* -1: off */
    int expect;     /* -1: off */
    int fail_on_hidden;
    int strict;
    expectation *manifest;
    size_t nmanifest;
    manifest_source *sources; /* one per kpiscan_gate_load_manifest() */
    size_t nsources;
};

kpiscan_gate *kpiscan_gate_new(void)
{
    kpiscan_gate *g = calloc(1, sizeof *g);
    if (g)
        g->fail_under = g->expect = -1;
    return g;
}

void kpiscan_gate_free(kpiscan_gate *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nmanifest; i++)
        free(g->manifest[i].path);
    free(g->manifest);
    for (size_t i = 0; i < g->nsources; i++)
        free(g->sources[i].name);
    free(g->sources);
    free(g);
}

static int valid_level(int level)
{
    return level >= KPISCAN_LEVEL_NONE && level <= KPISCAN_LEVEL_SENIOR;
}

int kpiscan_gate_set_fail_under(kpiscan_gate *g, int level)
{
    if (!g || !valid_level(level))
        return KPISCAN_ERR_ARGUMENT;
    g->fail_under = level;
    return KPISCAN_OK;
}

int kpiscan_gate_set_expect(kpiscan_gate *g, int level)
{
    if (!g || !valid_level(level))
        return KPISCAN_ERR_ARGUMENT;
    g->expect = level;
    return KPISCAN_OK;
}

int kpiscan_gate_set_fail_on_hidden(kpiscan_gate *g, int on)
{
    if (!g)
        return KPISCAN_ERR_ARGUMENT;
    g->fail_on_hidden = on != 0;
    return KPISCAN_OK;
}

int kpiscan_gate_set_strict(kpiscan_gate *g, int on)
{
    if (!g)
        return KPISCAN_ERR_ARGUMENT;
    g->strict = on != 0;
    return KPISCAN_OK;
}

/* Lexically normalise a path in place: drop "." segments and fold
 * "dir/.." pairs, so "examples/ci/../cv.txt" reads "examples/cv.txt" in
 * every output.  Leading ".." segments stay (they cannot be folded).
 * Every segment is kept, however deep the path (a cut one would name
 * another file).  -1 when out of memory. */
static int normalise_path(char *path)
{
    int absolute = path[0] == '/';
    /* at most one segment per two bytes ("a/") */
    char **segs = malloc((strlen(path) / 2 + 1) * sizeof *segs);
    if (!segs)
        return -1;
    size_t n = 0;
    char *state = NULL;
    for (char *tok = strtok_r(path + absolute, "/", &state); tok;
         tok = strtok_r(NULL, "/", &state)) {
        if (strcmp(tok, ".") == 0)
            continue;
        if (strcmp(tok, "..") == 0 && n > 0 && strcmp(segs[n - 1], "..") != 0) {
            n--;
            continue;
        }
        if (strcmp(tok, "..") == 0 && absolute)
            continue;
        segs[n++] = tok;
    }
    /* Rebuild left to right: every segment comes from at or after its
     * write position, so memmove in place is safe. */
    char *w = path + absolute;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(segs[i]);
        memmove(w, segs[i], len);
        w += len;
        if (i + 1 < n)
            *w++ = '/';
    }
    if (w == path)
        *w++ = '.';
    *w = '\0';
    free(segs);
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Whether a manifest line may join the gate: a folder is refused (a gate
 * expects one level per resume, and a walk would apply none), so is a file
 * listed before with another level (the first would win, silently);
 * KPISCAN_OK to add it, 1 to drop an exact repeat, else the error. */
static int check_new_expectation(const kpiscan_gate *g, const expectation *e,
                                 const char *manifest, kpiscan_error *err)
{
    if (e->id.folder)
        return kps_fail_at(err, KPISCAN_ERR_MANIFEST, manifest, e->line, 0,
                           NULL,
                           "'%s' is a folder: a manifest lists files, one "
                           "per line, each with its level",
                           e->path);
    for (size_t i = 0; i < g->nmanifest; i++) {
        const expectation *o = &g->manifest[i];
        if (strcmp(o->path, e->path) != 0 && !same_file(&o->id, &e->id))
            continue;
        if (o->level == e->level)
            return 1;
        const char *where = o->manifest + 1 < g->nsources
                                ? g->sources[o->manifest].name
                                : "this manifest";
        /* Under another name (a hard or symbolic link) the clash is not
         * visible in the lines: say that they are one file. */
        int other_name = strcmp(o->path, e->path) != 0;
        return kps_fail_at(
            err, KPISCAN_ERR_MANIFEST, manifest, e->line, 0, NULL,
            "'%s' is listed as %s here but as %s at line %zu "
            "of %s%s%s%s",
            e->path, kpiscan_level_name(e->level), kpiscan_level_name(o->level),
            o->line, where, other_name ? " (as '" : "",
            other_name ? o->path : "", other_name ? "', the same file)" : "");
    }
    return KPISCAN_OK;
}

/* A manifest lists sample resumes, a line of tens of bytes each: 16 MiB
 * is some 200,000 files.  Reading stops there, so a mistaken path
 * (/dev/zero, a disk image, a log without newlines) costs at most that
 * much memory instead of growing one line until memory runs out, which
 * getline() then reported as the end of the file: "lists no files". */
#define MAX_MANIFEST_BYTES ((size_t)16 << 20)

/* The whole manifest in text, NUL-terminated.  KPISCAN_OK, _IO, _LIMIT or
 * _NOMEM. */
static int read_manifest(const char *path, kps_buf *text, kpiscan_error *err)
{
    return kps_read_small_file(path, "manifest", MAX_MANIFEST_BYTES, text, err);
}

int kpiscan_gate_load_manifest(kpiscan_gate *g, const char *path,
                               kpiscan_error *err)
{
    if (!g || !path)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, path, "no gate or path");
    /* Named first, so that every expectation of this load, even of one
     * that fails part-way, can say where it came from. */
    manifest_source *sources =
        realloc(g->sources, (g->nsources + 1) * sizeof *sources);
    char *name = sources ? kps_strdup(path) : NULL;
    if (sources)
        g->sources = sources;
    if (!name)
        return kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
    manifest_source *source = &g->sources[g->nsources++];
    source->name = name;
    source->id = (file_id){0};
    kps_buf text = {0};
    int rc = read_manifest(path, &text, err);
    if (rc)
        return rc;
    /* Paths in a manifest are relative to its own folder, so a manifest
     * works from any working directory. */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;

    size_t lineno = 0, listed = 0;
    char *next = text.data, *end = text.data + text.len;
    while (!rc && next < end) {
        /* Lines are cut in place; a NUL byte inside one ends it early, as
         * it did when lines came from getline(). */
        char *line = next;
        char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);
        next = line + n;
        lineno++;
        if (lineno == 1 && n >= 2 &&
            ((line[0] == '\xFF' && line[1] == '\xFE') ||
             (line[0] == '\xFE' && line[1] == '\xFF'))) {
            rc = kps_fail(err, KPISCAN_ERR_MANIFEST, path,
                          "a UTF-16 file: save the manifest as UTF-8");
            break;
        }
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
            memmove(line, line + 3, strlen(line + 3) + 1);
        /* Blanks around a path are not part of it, tabs included; the
         * separating tab is the first after the path.  A line whose only
         * tab is in its indent has an empty path, and says so rather than
         * "found no tab". */
        size_t indent = strspn(line, " \t");
        char *t = line + indent;
        if (*t == '#' || !t[strspn(t, "\r")])
            continue; /* blank or a comment (not trimmed: a tab may end it) */
        char *tab = strchr(t, '\t');
        if (!tab) {
            int tab_in_indent = memchr(line, '\t', indent) != NULL;
            rc = kps_fail_at(err, KPISCAN_ERR_MANIFEST, path, lineno, 0, NULL,
                             tab_in_indent
                                 ? "empty path before the tab"
                                 : "expected 'path<TAB>level', found no tab");
            break;
        }
        *tab = '\0';
        t = trim(t);
        listed++;
        /* a comment may follow the level ("mid  # promoted in 2024") */
        for (char *h = tab + 1; *h; h++)
            if (*h == '#' && (h == tab + 1 || h[-1] == ' ' || h[-1] == '\t')) {
                *h = '\0';
                break;
            }
        char *file = t, *lvl = trim(tab + 1);
        int level = kpiscan_level_from_name(lvl);
        if (!*lvl) {
            rc = kps_fail_at(err, KPISCAN_ERR_MANIFEST, path, lineno, 0, NULL,
                             "no level after the tab (none, junior, mid, "
                             "senior)");
            break;
        }
        if (strchr(lvl, '\t')) {
            rc = kps_fail_at(err, KPISCAN_ERR_MANIFEST, path, lineno, 0, NULL,
                             "expected 'path<TAB>level', found a second tab");
            break;
        }
        if (level < 0) {
            rc = kps_fail_at(err, KPISCAN_ERR_MANIFEST, path, lineno, 0, NULL,
                             "unknown level '%s' (none, junior, mid, senior)",
                             lvl);
            break;
        }
        expectation *v =
            realloc(g->manifest, (g->nmanifest + 1) * sizeof *g->manifest);
        if (!v) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
        g->manifest = v;
        expectation *e = &v[g->nmanifest];
        size_t flen = strlen(file);
        e->path = malloc(dirlen + flen + 1);
        if (!e->path) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
        if (file[0] == '/') {
            memcpy(e->path, file, flen + 1);
        } else {
            memcpy(e->path, path, dirlen);
            memcpy(e->path + dirlen, file, flen + 1);
        }
        if (normalise_path(e->path) != 0) {
            free(e->path);
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, path, "out of memory");
            break;
        }
        e->id = file_id_of(e->path);
        e->level = level;
        e->line = lineno;
        e->manifest = g->nsources - 1;
        rc = check_new_expectation(g, e, path, err);
        if (rc == KPISCAN_OK)
            g->nmanifest++;
        else {
            free(e->path);
            /* a repeat with the same level is dropped, not an error */
            if (rc > 0)
                rc = KPISCAN_OK;
        }
    }
    /* An empty manifest is a mistake (a wrong path, a file not yet
     * written), not a gate that passes on nothing. */
    if (!rc && !listed)
        rc = kps_fail(err, KPISCAN_ERR_MANIFEST, path,
                      "lists no files (expected lines 'path<TAB>level')");
    /* Kept so that --strict does not count the manifest itself as an
     * unlisted resume when it sits in the folder it describes. */
    if (!rc)
        g->sources[g->nsources - 1].id = file_id_of(path);
    kps_buf_free(&text);
    return rc;
}

size_t kpiscan_gate_manifest_count(const kpiscan_gate *g)
{
    return g ? g->nmanifest : 0;
}

const char *kpiscan_gate_manifest_path(const kpiscan_gate *g, size_t i)
{
    return g && i < g->nmanifest ? g->manifest[i].path : NULL;
}

const char *kpiscan_gate_manifest_source(const kpiscan_gate *g, size_t i,
                                         size_t *line)
{
    if (!g || i >= g->nmanifest)
        return NULL;
    if (line)
        *line = g->manifest[i].line;
    return g->sources[g->manifest[i].manifest].name;
}

/* The manifest entry for a scanned file: the same file (id), else the
 * same path as written. */
static const expectation *lookup(const kpiscan_gate *g, const char *name,
                                 const file_id *id)
{
    const expectation *found = NULL;
    for (size_t i = 0; i < g->nmanifest && !found; i++) {
        const expectation *e = &g->manifest[i];
        if (same_file(&e->id, id) || strcmp(name, e->path) == 0)
            found = e;
    }
    return found;
}

/* Whether a scanned file is one of the loaded manifests. */
static int is_manifest_file(const kpiscan_gate *g, const file_id *id)
{
    int found = 0;
    for (size_t i = 0; i < g->nsources && !found; i++)
        found = same_file(&g->sources[i].id, id);
    return found;
}

/* Evidence items that added most, best first (at most n). */
static size_t top_items(const kpiscan_result *r, const kpiscan_evidence **out,
                        size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nev; i++) {
        const kpiscan_evidence *e = &r->ev[i];
        if (e->hidden || e->contribution <= 0)
            continue;
        size_t j = k < n ? k++ : n;
        if (j == n && e->contribution <= out[n - 1]->contribution)
            continue;
        if (j == n)
            j = n - 1;
        while (j > 0 && out[j - 1]->contribution < e->contribution) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = e;
    }
    return k;
}

/* The hidden-text gate's reason; the GitHub annotation of a failure
 * that names it points at the hidden text. */
#define HIDDEN_WHY "hidden text matches"

/* Whether the reasons of a gate's message (its first line; the evidence
 * lines after it quote the resume, which may say anything) include
 * reason. */
static int reasons_name(const char *message, const char *reason)
{
    const char *hit = strstr(message, reason);
    return hit && !memchr(message, '\n', (size_t)(hit - message));
}

/* The first n hidden evidence items, in reading order. */
static size_t hidden_items(const kpiscan_result *r,
                           const kpiscan_evidence **out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nev && k < n; i++)
        if (r->ev[i].hidden)
            out[k++] = &r->ev[i];
    return k;
}

static int append_items(kps_buf *b, const kpiscan_result *r,
                        const kpiscan_evidence **top, size_t n, int excerpts)
{
    char line[1200];
    for (size_t i = 0; i < n; i++) {
        const kpiscan_evidence *e = top[i];
        int len = snprintf(line, sizeof line, "\n  %s:%zu:%zu %s %s", r->name,
                           e->line, e->column, kpiscan_level_name(e->level),
                           e->rule_id);
        if (len < 0 || kps_buf_append(b, line, strlen(line)))
            return -1;
        if (excerpts) {
            snprintf(line, sizeof line, " \"%.*s\"", KPS_CUT(e->text, 200),
                     e->text);
            for (char *p = line; *p; p++)
                if (*p == '\n' || *p == '\r' || *p == '\t')
                    *p = ' ';
            if (kps_buf_append(b, line, strlen(line)))
                return -1;
        }
    }
    return 0;
}

static int append_evidence(kps_buf *b, const kpiscan_result *r, int excerpts)
{
    const kpiscan_evidence *top[3];
    size_t n = top_items(r, top, 3);
    if (n == 0)
        return kps_buf_append(b, "\nno level evidence found", 24);
    if (kps_buf_append(b, "\ntop evidence:", 14))
        return -1;
    return append_items(b, r, top, n, excerpts);
}

/* For a failed hidden-text gate: the hidden items themselves, before the
 * top (visible) evidence, so the reviewer reads what was hidden. */
static int append_hidden(kps_buf *b, const kpiscan_result *r, int excerpts)
{
    const kpiscan_evidence *hid[3];
    size_t n = hidden_items(r, hid, 3);
    if (n == 0)
        return 0; /* a count without items: nothing to show */
    if (kps_buf_append(b, "\nhidden evidence:", 17))
        return -1;
    return append_items(b, r, hid, n, excerpts);
}

int kpiscan_gate_check(const kpiscan_gate *g, const kpiscan_record *rec,
                       const kpiscan_options *opts, char **message)
{
    if (message)
        *message = NULL;
    if (!g || !rec || !rec->result)
        return 0;
    const kpiscan_result *r = rec->result;
    const char *got = kpiscan_level_name(r->level);
    char why[600] = "";
    size_t len = 0;
#define WHY(...)                                                               \
    do {                                                                       \
        if (len < sizeof why) {                                                \
            int w_ =                                                           \
                snprintf(why + len, sizeof why - len, "%s", len ? "; " : "");  \
            len += w_ > 0 ? (size_t)w_ : 0;                                    \
        }                                                                      \
        if (len < sizeof why) {                                                \
            int w_ = snprintf(why + len, sizeof why - len, __VA_ARGS__);       \
            len += w_ > 0 ? (size_t)w_ : 0;                                    \
        }                                                                      \
    } while (0)

    if (g->expect >= 0 && r->level != g->expect)
        WHY("expected %s, got %s", kpiscan_level_name(g->expect), got);
    if (g->fail_under >= 0 && r->level < g->fail_under)
        WHY("expected at least %s, got %s", kpiscan_level_name(g->fail_under),
            got);
    if (g->nmanifest) {
        file_id id = file_id_of(rec->name); /* one stat() per record */
        const expectation *e = lookup(g, rec->name, &id);
        if (e && e->level != r->level)
            WHY("expected %s, got %s (manifest %s, line %zu)",
                kpiscan_level_name(e->level), got, g->sources[e->manifest].name,
                e->line);
        else if (!e && g->strict && !is_manifest_file(g, &id))
            WHY("not listed in the manifest (strict), got %s", got);
    }
    int hidden_failed = g->fail_on_hidden && r->nhidden;
    if (hidden_failed)
        WHY(HIDDEN_WHY " %zu KPI rule(s)", r->nhidden);
#undef WHY
    if (!len)
        return 0;
    if (message) {
        kps_buf b = {0};
        int excerpts = opts ? opts->excerpts : 1;
        if (kps_buf_append(&b, why, strlen(why)) ||
            (hidden_failed && append_hidden(&b, r, excerpts)) ||
            append_evidence(&b, r, excerpts)) {
            kps_buf_free(&b);
        } else {
            *message = b.data;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* JUnit                                                               */
/* ------------------------------------------------------------------ */

typedef struct junit_case {
    char *classname;
    char *name;
    char *file;
    char *failure; /* first line: message attribute; all: element text */
    char *error;
    char *skipped; /* why a walk passed the file over */
    char *level;   /* got */
} junit_case;

struct kpiscan_junit {
    char *suite;
    junit_case *cases;
    size_t n, cap;
};

kpiscan_junit *kpiscan_junit_new(const char *suite_name)
{
    kpiscan_junit *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->suite = kps_strdup(suite_name ? suite_name : "kpiscan");
    if (!j->suite) {
        free(j);
        return NULL;
    }
    return j;
}

static void case_free(junit_case *c)
{
    free(c->classname);
    free(c->name);
    free(c->file);
    free(c->failure);
    free(c->error);
    free(c->skipped);
    free(c->level);
}

void kpiscan_junit_free(kpiscan_junit *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        case_free(&j->cases[i]);
    free(j->cases);
    free(j->suite);
    free(j);
}

int kpiscan_junit_add(kpiscan_junit *j, const kpiscan_record *rec,
                      const char *failure)
{
    if (!j || !rec)
        return KPISCAN_ERR_ARGUMENT;
    if (j->n == j->cap) {
        size_t cap = j->cap ? j->cap * 2 : 32;
        junit_case *v = realloc(j->cases, cap * sizeof *v);
        if (!v)
            return KPISCAN_ERR_NOMEM;
        j->cases = v;
        j->cap = cap;
    }
    junit_case c = {0};
    /* classname from the folder, name from the file: CI views group the
     * cases by folder. */
    const char *slash = strrchr(rec->name, '/');
    c.classname = slash ? kps_strndup(rec->name, (size_t)(slash - rec->name))
                        : kps_strdup(".");
    c.name = kps_strdup(slash ? slash + 1 : rec->name);
    c.file = kps_strdup(rec->name);
    if (rec->result)
        c.level = kps_strdup(kpiscan_level_name(rec->result->level));
    if (failure)
        c.failure = kps_strdup(failure);
    /* A skipped file (an image beside the resumes) is a skipped case, so
     * the CI view counts it instead of losing it. */
    if (rec->skipped)
        c.skipped = kps_strdup(rec->error.message[0] ? rec->error.message
                                                     : "not a document");
    else if (!rec->result && rec->status != KPISCAN_OK)
        c.error = kps_strdup(rec->error.message);
    if (!c.classname || !c.name || !c.file || (rec->result && !c.level) ||
        (failure && !c.failure) || (rec->skipped && !c.skipped) ||
        (!rec->skipped && !rec->result && rec->status != KPISCAN_OK &&
         !c.error)) {
        case_free(&c);
        return KPISCAN_ERR_NOMEM;
    }
    j->cases[j->n++] = c;
    return KPISCAN_OK;
}

/* The first line of a message, for the message attribute. */
static char *first_line(const char *s)
{
    const char *nl = strchr(s, '\n');
    return kps_strndup(s, nl ? (size_t)(nl - s) : strlen(s));
}

/* Every string reaches the XML through these: XML 1.0 cannot carry most
 * C0 controls, U+FFFE or U+FFFF, and libxml2's writer passes them through
 * (and invalid UTF-8 too), leaving a file no CI system can read.  A file
 * name, a DOCX relationship or a resume's text can hold any of them. */
static int wattr(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *clean = kps_clean_dup(value, KPS_CLEAN_XML);
    int rc = clean
                 ? xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST clean)
                 : -1;
    free(clean);
    return rc;
}

static int wstring(xmlTextWriterPtr w, const char *s)
{
    char *clean = kps_clean_dup(s, KPS_CLEAN_XML);
    int rc = clean ? xmlTextWriterWriteString(w, BAD_CAST clean) : -1;
    free(clean);
    return rc;
}

static int welement(xmlTextWriterPtr w, const char *name, const char *s)
{
    char *clean = kps_clean_dup(s, KPS_CLEAN_XML);
    int rc = clean ? xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST clean)
                   : -1;
    free(clean);
    return rc;
}

char *kpiscan_junit_xml(const kpiscan_junit *j, const kpiscan_pack *pack)
{
    if (!j)
        return NULL;
    size_t failures = 0, errors = 0, skipped = 0;
    for (size_t i = 0; i < j->n; i++) {
        failures += j->cases[i].failure != NULL;
        errors += j->cases[i].error != NULL;
        skipped += j->cases[i].skipped != NULL;
    }
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return NULL;
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        xmlBufferFree(buf);
        return NULL;
    }
    char num[32];
    int bad = 0;
    bad |= xmlTextWriterSetIndent(w, 1) < 0;
    bad |= xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0;
    bad |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
    bad |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
    bad |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
    bad |= wattr(w, "name", j->suite) < 0;
    snprintf(num, sizeof num, "%zu", j->n);
    bad |= wattr(w, "tests", num) < 0;
    snprintf(num, sizeof num, "%zu", failures);
    bad |= wattr(w, "failures", num) < 0;
    snprintf(num, sizeof num, "%zu", errors);
    bad |= wattr(w, "errors", num) < 0;
    snprintf(num, sizeof num, "%zu", skipped);
    bad |= wattr(w, "skipped", num) < 0;
    if (pack) {
        bad |= xmlTextWriterStartElement(w, BAD_CAST "properties") < 0;
        const char *props[][2] = {{"pack.name", pack->name},
                                  {"pack.version", pack->version},
                                  {"pack.sha256", pack->hash}};
        for (size_t i = 0; i < 3; i++) {
            bad |= xmlTextWriterStartElement(w, BAD_CAST "property") < 0;
            bad |= wattr(w, "name", props[i][0]) < 0;
            bad |= wattr(w, "value", props[i][1]) < 0;
            bad |= xmlTextWriterEndElement(w) < 0;
        }
        bad |= xmlTextWriterEndElement(w) < 0;
    }
    for (size_t i = 0; i < j->n && !bad; i++) {
        const junit_case *c = &j->cases[i];
        bad |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
        bad |= wattr(w, "classname", c->classname) < 0;
        bad |= wattr(w, "name", c->name) < 0;
        bad |= wattr(w, "file", c->file) < 0;
        const char *body = c->failure ? c->failure : c->error;
        if (body) {
            char *msg = first_line(body);
            bad |= !msg;
            bad |= xmlTextWriterStartElement(
                       w, BAD_CAST(c->failure ? "failure" : "error")) < 0;
            bad |= wattr(w, "message", (msg ? msg : "")) < 0;
            bad |= wattr(w, "type",
                         (c->failure ? "kpiscan.gate" : "kpiscan.input")) < 0;
            bad |= wstring(w, body) < 0;
            bad |= xmlTextWriterEndElement(w) < 0;
            free(msg);
        } else if (c->skipped) {
            bad |= xmlTextWriterStartElement(w, BAD_CAST "skipped") < 0;
            bad |= wattr(w, "message", c->skipped) < 0;
            bad |= xmlTextWriterEndElement(w) < 0;
        } else if (c->level) {
            char out[64];
            snprintf(out, sizeof out, "level: %s", c->level);
            bad |= welement(w, "system-out", out) < 0;
        }
        bad |= xmlTextWriterEndElement(w) < 0;
    }
    bad |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w);
    char *out = bad ? NULL
                    : kps_strndup((const char *)xmlBufferContent(buf),
                                  (size_t)xmlBufferLength(buf));
    xmlBufferFree(buf);
    return out;
}

/* ------------------------------------------------------------------ */
/* GitHub annotations                                                  */
/* ------------------------------------------------------------------ */

/* Workflow-command escaping: data escapes %, CR, LF; properties also
 * escape ':' and ','. */
static int gh_escape_clean(kps_buf *b, const char *s, int property)
{
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '%': rep = "%25"; break;
        case '\r': rep = "%0D"; break;
        case '\n': rep = "%0A"; break;
        case ':': rep = property ? "%3A" : NULL; break;
        case ',': rep = property ? "%2C" : NULL; break;
        default: break;
        }
        if (rep ? kps_buf_append(b, rep, 3) : kps_buf_putc(b, *s))
            return -1;
    }
    return 0;
}

/* The same after the text rule of every output: invalid UTF-8 and
 * controls other than line breaks become U+FFFD, so an annotation cannot
 * carry a terminal escape sequence into a CI log. */
static int gh_escape(kps_buf *b, const char *s, int property)
{
    kps_buf clean = {0};
    int rc = kps_buf_reserve(&clean, 1) ||
             kps_buf_put_clean(&clean, s, strlen(s), KPS_CLEAN_TEXT) ||
             gh_escape_clean(b, clean.data, property);
    kps_buf_free(&clean);
    return rc ? -1 : 0;
}

/* One workflow command; line 0 leaves the line out, so GitHub shows the
 * annotation on the file as a whole. */
static int gh_line(kps_buf *b, const char *kind, const char *file, size_t line,
                   const char *title, const char *msg)
{
    char num[40] = "";
    if (line)
        snprintf(num, sizeof num, ",line=%zu", line);
    return kps_buf_append(b, "::", 2) ||
           kps_buf_append(b, kind, strlen(kind)) ||
           kps_buf_append(b, " file=", 6) || gh_escape(b, file, 1) ||
           kps_buf_append(b, num, strlen(num)) ||
           kps_buf_append(b, ",title=", 7) || gh_escape(b, title, 1) ||
           kps_buf_append(b, "::", 2) || gh_escape(b, msg, 0) ||
           kps_buf_putc(b, '\n');
}

/* The line to annotate: evidence lines count lines of the text kpiscan
 * read, which are the file's own lines only for a plain-text resume.  In
 * a DOCX, PDF or HTML page they would point into a ZIP archive or at an
 * unrelated line of markup, so the annotation goes on the file. */
static size_t gh_file_line(const kpiscan_result *r, size_t line)
{
    return r->format && strcmp(r->format, "text") == 0 ? line : 0;
}

char *kpiscan_record_to_github(const kpiscan_record *rec, const char *failure)
{
    if (!rec)
        return NULL;
    kps_buf b = {0};
    int bad = kps_buf_reserve(&b, 0);
    if (!bad && rec->skipped) {
        /* nothing to say */
    } else if (!bad && !rec->result) {
        bad = gh_line(&b, "error", rec->name, 0, "kpiscan: cannot scan",
                      rec->error.message);
    } else if (!bad) {
        const kpiscan_result *r = rec->result;
        /* a failed hidden-text gate already says it, on the same line */
        int hidden_failed = failure && reasons_name(failure, HIDDEN_WHY);
        if (failure) {
            /* Point at the line a reviewer should read: the hidden text
             * when the hidden-text gate failed, else the strongest
             * evidence. */
            const kpiscan_evidence *top[1];
            size_t line = 1;
            if (r->nhidden && hidden_failed && hidden_items(r, top, 1))
                line = top[0]->line;
            else if (top_items(r, top, 1))
                line = top[0]->line;
            bad = gh_line(&b, "error", rec->name, gh_file_line(r, line),
                          "kpiscan gate failed", failure);
        }
        if (!bad && r->nhidden && !hidden_failed) {
            char msg[160];
            size_t line = 1;
            for (size_t i = 0; i < r->nev; i++)
                if (r->ev[i].hidden) {
                    line = r->ev[i].line;
                    break;
                }
            snprintf(msg, sizeof msg,
                     "hidden text " KPS_HIDDEN_KINDS
                     " matches %zu KPI rule(s); not scored",
                     r->nhidden);
            bad = gh_line(&b, "warning", rec->name, gh_file_line(r, line),
                          "kpiscan red flag: hidden text", msg);
        }
    }
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}
