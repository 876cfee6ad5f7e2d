/* pack.c - pattern packs: YAML loading and validation, stacking, compiling.
 *
 * A pack file is read with libyaml's document loader (packs are small, and
 * the node marks give every error a line and column).  Sources are stacked
 * in a builder; kpiscan_pack_builder_build() compiles the effective rules
 * into an immutable pack that threads share. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "base/base.h"
#include "base/io.h"
#include "base/util.h"
#include "base/sha256.h"
#include "text/normalize.h"
#include "match/pack.h"
#include "match/prefilter.h"

extern const char kps_default_pack_yaml[];
extern const size_t kps_default_pack_yaml_len;

#define PACK_FORMAT 1
#define DEFAULT_PACK_NAME "default-pack"
/* PCRE2_USE_OFFSET_LIMIT: the prefilter confines searches to candidate
 * starts with an offset limit, which PCRE2 allows only for code compiled
 * with this option; compiling every rule with it once saves a second
 * compile per rule (window_code() in prefilter.c).  Without a limit set
 * it changes nothing. */
/* PCRE2_NEVER_BACKSLASH_C: \C matches one byte even in UTF mode, so a
 * rule could split a character and hand the rest of the library (offsets,
 * excerpts, columns) half of one. */
#define PCRE2_FLAGS                                                            \
    (PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT |         \
     PCRE2_NEVER_BACKSLASH_C)

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static const char *const level_names[] = {"none", "junior", "mid", "senior"};
static const char *const category_names[] = {
    "term", "achievement", "indicator", "title", "red-flag", "quantified"};

const char *kpiscan_level_name(int level)
{
    if (level < 0 || level > KPISCAN_LEVEL_SENIOR)
        return NULL;
    return level_names[level];
}

int kpiscan_level_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i <= KPISCAN_LEVEL_SENIOR; i++)
        if (strcasecmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

const char *kpiscan_category_name(int category)
{
    if (category < 0 || category > KPISCAN_CATEGORY_QUANTIFIED)
        return NULL;
    return category_names[category];
}

static int category_from_name(const char *name)
{
    for (int i = 0; i <= KPISCAN_CATEGORY_QUANTIFIED; i++)
        if (strcmp(name, category_names[i]) == 0)
            return i;
    return -1;
}

/* ------------------------------------------------------------------ */
/* Rules and questions                                                 */
/* ------------------------------------------------------------------ */

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void rule_free(kps_rule *r)
{
    free(r->id);
    free(r->regex);
    free(r->description);
    free(r->source);
    strv_free(r->match_examples, r->nmatch);
    strv_free(r->reject_examples, r->nreject);
    if (r->code)
        pcre2_code_free(r->code);
    memset(r, 0, sizeof *r);
}

static char **strv_copy(char *const *v, size_t n)
{
    if (!n)
        return NULL;
    char **out = calloc(n, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        out[i] = kps_strdup(v[i]);
        if (!out[i]) {
            strv_free(out, n);
            return NULL;
        }
    }
    return out;
}

/* Deep copy without the compiled code. */
static int rule_copy(kps_rule *dst, const kps_rule *src)
{
    memset(dst, 0, sizeof *dst);
    dst->category = src->category;
    dst->level = src->level;
    dst->weight = src->weight;
    dst->work_only = src->work_only;
    dst->tool = src->tool;
    dst->id = kps_strdup(src->id);
    dst->regex = kps_strdup(src->regex);
    dst->description = kps_strdup(src->description);
    dst->source = kps_strdup(src->source);
    dst->match_examples = strv_copy(src->match_examples, src->nmatch);
    dst->nmatch = dst->match_examples ? src->nmatch : 0;
    dst->reject_examples = strv_copy(src->reject_examples, src->nreject);
    dst->nreject = dst->reject_examples ? src->nreject : 0;
    if (!dst->id || !dst->regex || !dst->description || !dst->source ||
        dst->nmatch != src->nmatch || dst->nreject != src->nreject) {
        rule_free(dst);
        return -1;
    }
    return 0;
}

static void question_free(kps_question *q)
{
    free(q->question);
    free(q->answer);
    memset(q, 0, sizeof *q);
}

static int question_copy(kps_question *dst, const kps_question *src)
{
    dst->level = src->level;
    dst->question = kps_strdup(src->question);
    dst->answer = src->answer ? kps_strdup(src->answer) : NULL;
    if (!dst->question || (src->answer && !dst->answer)) {
        question_free(dst);
        return -1;
    }
    return 0;
}

/* A parsed pack source before stacking. */
typedef struct parsed_pack {
    char *name;
    char *version;
    kps_rule *rules;
    size_t nrules, caprules;
    kps_question *questions;
    size_t nquestions, capquestions;
} parsed_pack;

static void parsed_free(parsed_pack *p)
{
    free(p->name);
    free(p->version);
    for (size_t i = 0; i < p->nrules; i++)
        rule_free(&p->rules[i]);
    free(p->rules);
    for (size_t i = 0; i < p->nquestions; i++)
        question_free(&p->questions[i]);
    free(p->questions);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ */
/* YAML walking                                                        */
/* ------------------------------------------------------------------ */

typedef struct loader {
    yaml_document_t *doc;
    const char *file;
    unsigned char *seen; /* per node: visited once already (alias check) */
    size_t nnodes;
    kpiscan_error *err;
} loader;

static size_t node_index(loader *L, yaml_node_t *n)
{
    return (size_t)(n - L->doc->nodes.start);
}

static int fail_node(loader *L, yaml_node_t *n, int status, const char *rule,
                     const char *fmt, ...) KPS_PRINTF(5, 6);

static int fail_node(loader *L, yaml_node_t *n, int status, const char *rule,
                     const char *fmt, ...)
{
    char reason[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return kps_fail_at(L->err, status, L->file, n ? n->start_mark.line + 1 : 0,
                       n ? n->start_mark.column + 1 : 0, rule, "%s", reason);
}

/* Fetch a node and refuse aliases: a node reached twice is an alias, which
 * a pack never needs and which could multiply work (YAML billion laughs). */
static yaml_node_t *get_node(loader *L, int id, yaml_node_t *parent)
{
    yaml_node_t *n = yaml_document_get_node(L->doc, id);
    if (!n)
        return NULL;
    size_t i = node_index(L, n);
    if (i < L->nnodes) {
        if (L->seen[i]) {
            fail_node(L, parent, KPISCAN_ERR_PACK_INVALID, NULL,
                      "YAML aliases are not allowed in packs");
            return NULL;
        }
        L->seen[i] = 1;
    }
    return n;
}

static int want_scalar(loader *L, yaml_node_t *n, const char *key,
                       const char *rule, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, rule,
                         "'%s' must be a single value", key);
    /* Scalars from libyaml are NUL-terminated; an embedded NUL would cut
     * the value silently, so refuse it. */
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, rule,
                         "'%s' contains a NUL character", key);
    *out = (const char *)n->data.scalar.value;
    return KPISCAN_OK;
}

/* A rule's flag: "true" or "false", nothing else. */
static int want_flag(loader *L, yaml_node_t *n, const char *key,
                     const char *rule, int *out)
{
    const char *s;
    int rc = want_scalar(L, n, key, rule, &s);
    if (rc)
        return rc;
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, rule,
                         "%s '%s' must be true or false", key, s);
    *out = strcmp(s, "true") == 0;
    return KPISCAN_OK;
}

static int want_string(loader *L, yaml_node_t *n, const char *key,
                       const char *rule, char **out)
{
    const char *s;
    int rc = want_scalar(L, n, key, rule, &s);
    if (rc)
        return rc;
    if (!*s)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, rule,
                         "'%s' must not be empty", key);
    free(*out);
    *out = kps_strdup(s);
    return *out ? KPISCAN_OK
                : kps_fail(L->err, KPISCAN_ERR_NOMEM, L->file, "out of memory");
}

static int valid_id(const char *s)
{
    size_t n = 0;
    for (; *s; s++, n++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
            return 0;
    return n > 0 && n < 100;
}

static int want_strings(loader *L, yaml_node_t *n, const char *key,
                        const char *rule, char ***out, size_t *nout)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, rule,
                         "'%s' must be a list of phrases", key);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    char **v = count ? calloc(count, sizeof *v) : NULL;
    if (count && !v)
        return kps_fail(L->err, KPISCAN_ERR_NOMEM, L->file, "out of memory");
    size_t i = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++, i++) {
        yaml_node_t *item = get_node(L, *it, n);
        int rc = item ? want_string(L, item, key, rule, &v[i])
                      : kpiscan_error_status(L->err);
        if (rc) {
            strv_free(v, count);
            return rc ? rc : KPISCAN_ERR_PACK_INVALID;
        }
    }
    *out = v;
    *nout = count;
    return KPISCAN_OK;
}

static int compile_rule(const kps_rule *r, pcre2_code **out, int *errcode,
                        PCRE2_SIZE *erroffset)
{
    *out = pcre2_compile((PCRE2_SPTR)r->regex, PCRE2_ZERO_TERMINATED,
                         PCRE2_FLAGS, errcode, erroffset, NULL);
    return *out ? 0 : -1;
}

/* Offset of the first control character in a regex other than tab, line
 * feed and carriage return (which (?x) patterns may hold), or -1.  No
 * pattern needs one, and the usual way one gets there is an escape that a
 * double-quoted YAML string decoded before PCRE2 saw it: "\bKPI\b" is
 * a backspace, the word and a backspace, which loads and never matches. */
static long control_char_offset(const char *re)
{
    for (const unsigned char *p = (const unsigned char *)re; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            return (long)(p - (const unsigned char *)re);
    return -1;
}

/* Start-of-pattern settings a pack may not make.  The library sets the
 * limits of every search (match limit, budget, depth and heap) and relies
 * on JIT for speed; (*LIMIT_MATCH=N) and friends could only lower them
 * (every search failing), (*NO_JIT) would make each step of the budget
 * several times slower.  Other start items ((*UTF), (*UCP), newline and
 * \R conventions, (*NOTEMPTY)) change nothing the library relies on:
 * UTF and UCP are always on and cannot be turned off from a pattern.
 * Returns the item refused, or NULL. */
static const char *refused_start_item(const char *re)
{
    static const char *const refused[] = {
        "(*NO_JIT)",     "(*LIMIT_MATCH=",     "(*LIMIT_DEPTH=",
        "(*LIMIT_HEAP=", "(*LIMIT_RECURSION=",
    };
    /* Start items are only recognised at the very start, one after the
     * other: (*NAME) or (*NAME=digits). */
    while (re[0] == '(' && re[1] == '*') {
        for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
            if (strncmp(re, refused[i], strlen(refused[i])) == 0)
                return refused[i];
        const char *p = re + 2;
        while ((*p >= 'A' && *p <= 'Z') || *p == '_' || *p == '=' ||
               (*p >= '0' && *p <= '9'))
            p++;
        if (*p != ')')
            break;
        re = p + 1;
    }
    return NULL;
}

static int parse_examples(loader *L, yaml_node_t *n, kps_rule *r)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, r->id,
                         "'examples' must be a mapping with match/reject%s",
                         "");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = get_node(L, p->key, n);
        yaml_node_t *v = k ? get_node(L, p->value, k) : NULL;
        if (!v)
            return kpiscan_error_status(L->err);
        const char *key;
        int rc = want_scalar(L, k, "key", r->id, &key);
        if (rc)
            return rc;
        if (strcmp(key, "match") == 0 && !r->match_examples)
            rc = want_strings(L, v, "match", r->id, &r->match_examples,
                              &r->nmatch);
        else if (strcmp(key, "reject") == 0 && !r->reject_examples)
            rc = want_strings(L, v, "reject", r->id, &r->reject_examples,
                              &r->nreject);
        else
            rc = fail_node(L, k, KPISCAN_ERR_PACK_INVALID, r->id,
                           "unknown or repeated key '%s' in examples", key);
        if (rc)
            return rc;
    }
    return KPISCAN_OK;
}

/* A pair of the mapping n: its key node k (a scalar, as *key) and value
 * node v.  KPISCAN_OK, or a failure recorded in L->err. */
static int pair_at(loader *L, yaml_node_t *n, const yaml_node_pair_t *p,
                   yaml_node_t **k, yaml_node_t **v, const char **key)
{
    *k = get_node(L, p->key, n);
    *v = *k ? get_node(L, p->value, *k) : NULL;
    if (!*v)
        return kpiscan_error_status(L->err);
    return want_scalar(L, *k, "key", NULL, key);
}

static int parse_rule(loader *L, yaml_node_t *n, kps_rule *r)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, NULL,
                         "a rule must be a mapping");
    yaml_node_t *regex_node = NULL;
    int have_category = 0, have_level = 0, have_weight = 0, have_work_only = 0,
        have_tool = 0;

    /* The id first, so every later message can name the rule. */
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(L->doc, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, "id") == 0 &&
            v->type == YAML_SCALAR_NODE) {
            const char *id = (const char *)v->data.scalar.value;
            if (r->id) /* a second id would leak the first (fuzz-pack) */
                return fail_node(L, k, KPISCAN_ERR_PACK_INVALID, r->id,
                                 "unknown or repeated key 'id' in rule");
            if (!valid_id(id))
                return fail_node(L, v, KPISCAN_ERR_PACK_INVALID, NULL,
                                 "invalid rule id '%s' (use letters, digits, "
                                 "'.', '_', '-')",
                                 id);
            r->id = kps_strdup(id);
            if (!r->id)
                return kps_fail(L->err, KPISCAN_ERR_NOMEM, L->file,
                                "out of memory");
        }
    }

    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = get_node(L, p->key, n);
        yaml_node_t *v = k ? get_node(L, p->value, k) : NULL;
        if (!v)
            return kpiscan_error_status(L->err);
        const char *key, *val;
        int rc = want_scalar(L, k, "key", r->id, &key);
        if (rc)
            return rc;
        if (strcmp(key, "id") == 0) {
            rc = want_scalar(L, v, "id", NULL, &val);
        } else if (strcmp(key, "category") == 0 && !have_category) {
            rc = want_scalar(L, v, key, r->id, &val);
            if (!rc && (r->category = category_from_name(val)) < 0)
                rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, r->id,
                               "unknown category '%s' (term, achievement, "
                               "indicator, title, red-flag, quantified)",
                               val);
            have_category = 1;
        } else if (strcmp(key, "level") == 0 && !have_level) {
            rc = want_scalar(L, v, key, r->id, &val);
            if (!rc && (r->level = kpiscan_level_from_name(val)) < 0)
                rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, r->id,
                               "unknown level '%s' (none, junior, mid, "
                               "senior)",
                               val);
            have_level = 1;
        } else if (strcmp(key, "weight") == 0 && !have_weight) {
            rc = want_scalar(L, v, key, r->id, &val);
            if (!rc) {
                char *end;
                double w = kps_parse_decimal(val, &end);
                if (end == val || *end || !isfinite(w) || w <= 0 || w > 100)
                    rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, r->id,
                                   "weight '%s' must be a number above 0 and "
                                   "at most 100",
                                   val);
                r->weight = w;
            }
            have_weight = 1;
        } else if (strcmp(key, "work_only") == 0 && !have_work_only) {
            rc = want_flag(L, v, key, r->id, &r->work_only);
            have_work_only = 1;
        } else if (strcmp(key, "tool") == 0 && !have_tool) {
            rc = want_flag(L, v, key, r->id, &r->tool);
            have_tool = 1;
        } else if (strcmp(key, "regex") == 0 && !r->regex) {
            rc = want_string(L, v, key, r->id, &r->regex);
            regex_node = v;
        } else if (strcmp(key, "description") == 0 && !r->description) {
            rc = want_string(L, v, key, r->id, &r->description);
        } else if (strcmp(key, "examples") == 0 && !r->match_examples &&
                   !r->reject_examples) {
            rc = parse_examples(L, v, r);
        } else {
            rc = fail_node(L, k, KPISCAN_ERR_PACK_INVALID, r->id,
                           "unknown or repeated key '%s' in rule", key);
        }
        if (rc)
            return rc;
    }

    const char *missing = !r->id            ? "id"
                          : !have_category  ? "category"
                          : !have_level     ? "level"
                          : !have_weight    ? "weight"
                          : !r->regex       ? "regex"
                          : !r->description ? "description"
                                            : NULL;
    if (missing)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, r->id,
                         "missing required field '%s'", missing);
    /* a name in a list is read as a claim, which only a rule whose claims
     * prove nothing can afford */
    if (r->tool && !r->work_only)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, r->id,
                         "tool: true needs work_only: true");

    char src[600];
    snprintf(src, sizeof src, "%s:%lu", L->file,
             (unsigned long)n->start_mark.line + 1);
    r->source = kps_strdup(src);
    if (!r->source)
        return kps_fail(L->err, KPISCAN_ERR_NOMEM, L->file, "out of memory");

    long ctl = control_char_offset(r->regex);
    if (ctl >= 0) {
        unsigned char c = (unsigned char)r->regex[ctl];
        return fail_node(L, regex_node, KPISCAN_ERR_PACK_REGEX, r->id,
                         "regex holds the control character U+%04X at offset "
                         "%ld%s",
                         (unsigned)c, ctl,
                         c == 0x08 ? ": in a double-quoted YAML string \"\\b\" "
                                     "is a backspace, not a word boundary; "
                                     "write the regex in single quotes"
                                   : ": a double-quoted YAML string decoded "
                                     "an escape; write the regex in single "
                                     "quotes");
    }

    /* Compile now so a bad regex is reported where it is written. */
    pcre2_code *code;
    int errcode;
    PCRE2_SIZE erroffset;
    if (compile_rule(r, &code, &errcode, &erroffset) != 0) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        return kps_fail_at(L->err, KPISCAN_ERR_PACK_REGEX, L->file,
                           regex_node->start_mark.line + 1,
                           regex_node->start_mark.column + 1, r->id,
                           "regex error at offset %lu: %s",
                           (unsigned long)erroffset, (const char *)msg);
    }
    uint32_t minlength = 0, unused;
    pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlength);
    /* A limit set in the pattern is reported by pattern_info whatever
     * spelling reached it; the text check above names the item. */
    const char *refused = refused_start_item(r->regex);
    if (!refused &&
        (pcre2_pattern_info(code, PCRE2_INFO_MATCHLIMIT, &unused) == 0 ||
         pcre2_pattern_info(code, PCRE2_INFO_DEPTHLIMIT, &unused) == 0 ||
         pcre2_pattern_info(code, PCRE2_INFO_HEAPLIMIT, &unused) == 0))
        refused = "a (*LIMIT_...) setting";
    pcre2_code_free(code);
    if (refused)
        return fail_node(L, regex_node, KPISCAN_ERR_PACK_REGEX, r->id,
                         "regex uses %s%s: packs may not change the match "
                         "limits or turn off JIT (the library sets them for "
                         "every scan)",
                         refused,
                         refused[strlen(refused) - 1] == '=' ? "N)" : "");
    if (minlength == 0)
        return fail_node(L, regex_node, KPISCAN_ERR_PACK_REGEX, r->id,
                         "regex can match an empty string");
    return KPISCAN_OK;
}

static int parse_question(loader *L, yaml_node_t *n, kps_question *q)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, NULL,
                         "a question must be a mapping");
    int have_level = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k, *v;
        const char *key, *val;
        int rc = pair_at(L, n, p, &k, &v, &key);
        if (rc)
            return rc;
        if (strcmp(key, "level") == 0 && !have_level) {
            rc = want_scalar(L, v, key, NULL, &val);
            if (!rc && ((q->level = kpiscan_level_from_name(val)) <= 0))
                rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, NULL,
                               "question level '%s' must be junior, mid or "
                               "senior",
                               val);
            have_level = 1;
        } else if (strcmp(key, "question") == 0 && !q->question) {
            rc = want_string(L, v, key, NULL, &q->question);
        } else if (strcmp(key, "answer") == 0 && !q->answer) {
            rc = want_string(L, v, key, NULL, &q->answer);
        } else {
            rc = fail_node(L, k, KPISCAN_ERR_PACK_INVALID, NULL,
                           "unknown or repeated key '%s' in question", key);
        }
        if (rc)
            return rc;
    }
    if (!have_level || !q->question)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, NULL,
                         "missing required field '%s' in question",
                         have_level ? "question" : "level");
    return KPISCAN_OK;
}

/* The start of a list field ('rules', 'questions'): n must be a sequence,
 * and the array whose pointer is at items_ptr (a T ** passed as void *,
 * written with memcpy) gets room for all its items, zeroed; an empty list
 * leaves it NULL.  KPISCAN_OK, or a failure recorded in L->err. */
static int list_start(loader *L, yaml_node_t *n, const char *what, size_t size,
                      void *items_ptr)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return fail_node(L, n, KPISCAN_ERR_PACK_INVALID, NULL,
                         "'%s' must be a list", what);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count) {
        void *p = calloc(count, size);
        if (!p)
            return kps_fail(L->err, KPISCAN_ERR_NOMEM, L->file,
                            "out of memory");
        memcpy(items_ptr, &p, sizeof p);
    }
    return KPISCAN_OK;
}

static int parse_rules(loader *L, yaml_node_t *n, parsed_pack *out)
{
    int rc = list_start(L, n, "rules", sizeof *out->rules, &out->rules);
    if (rc)
        return rc;
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = get_node(L, *it, n);
        if (!item)
            return kpiscan_error_status(L->err);
        kps_rule *r = &out->rules[out->nrules++];
        rc = parse_rule(L, item, r);
        if (rc)
            return rc;
        for (size_t j = 0; j + 1 < out->nrules; j++)
            if (strcmp(out->rules[j].id, r->id) == 0)
                return fail_node(L, item, KPISCAN_ERR_PACK_INVALID, r->id,
                                 "duplicate rule id (first defined at %s)",
                                 out->rules[j].source);
    }
    return KPISCAN_OK;
}

static int parse_questions(loader *L, yaml_node_t *n, parsed_pack *out)
{
    int rc =
        list_start(L, n, "questions", sizeof *out->questions, &out->questions);
    if (rc)
        return rc;
    for (yaml_node_item_t *it = n->data.sequence.items.start;
         it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = get_node(L, *it, n);
        if (!item)
            return kpiscan_error_status(L->err);
        rc = parse_question(L, item, &out->questions[out->nquestions++]);
        if (rc)
            return rc;
    }
    return KPISCAN_OK;
}

static int parse_root(loader *L, yaml_node_t *root, parsed_pack *out)
{
    if (root->type != YAML_MAPPING_NODE)
        return fail_node(L, root, KPISCAN_ERR_PACK_INVALID, NULL,
                         "a pack must be a mapping with format, name, "
                         "version and rules%s",
                         "");
    int have_format = 0, have_rules = 0, have_description = 0,
        have_questions = 0;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k, *v;
        const char *key, *val;
        int rc = pair_at(L, root, p, &k, &v, &key);
        if (rc)
            return rc;
        if (strcmp(key, "format") == 0 && !have_format) {
            rc = want_scalar(L, v, key, NULL, &val);
            if (!rc && strcmp(val, "1") != 0) {
                char *end;
                long f = strtol(val, &end, 10);
                rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, NULL,
                               (*end || end == val || f < 1)
                                   ? "format '%s' is not a format number"
                                   : "pack format %s is newer than this "
                                     "library reads (format 1)",
                               val);
            }
            have_format = 1;
        } else if (strcmp(key, "name") == 0 && !out->name) {
            rc = want_string(L, v, key, NULL, &out->name);
            if (!rc && !valid_id(out->name))
                rc = fail_node(L, v, KPISCAN_ERR_PACK_INVALID, NULL,
                               "invalid pack name '%s' (use letters, digits, "
                               "'.', '_', '-')",
                               out->name);
        } else if (strcmp(key, "version") == 0 && !out->version) {
            rc = want_string(L, v, key, NULL, &out->version);
        } else if (strcmp(key, "description") == 0 && !have_description) {
            rc = want_scalar(L, v, key, NULL, &val);
            have_description = 1;
        } else if (strcmp(key, "rules") == 0 && !have_rules) {
            rc = parse_rules(L, v, out);
            have_rules = 1;
        } else if (strcmp(key, "questions") == 0 && !have_questions) {
            rc = parse_questions(L, v, out);
            have_questions = 1;
        } else {
            rc =
                fail_node(L, k, KPISCAN_ERR_PACK_INVALID, NULL,
                          "unknown or repeated key '%s' at the top level", key);
        }
        if (rc)
            return rc;
    }
    const char *missing = !have_format    ? "format"
                          : !out->name    ? "name"
                          : !out->version ? "version"
                          : !have_rules   ? "rules"
                                          : NULL;
    if (missing)
        return fail_node(L, root, KPISCAN_ERR_PACK_INVALID, NULL,
                         "missing required field '%s'", missing);
    return KPISCAN_OK;
}

/* libyaml keeps one "possible simple key" per open flow collection and
 * looks at all of them for every token, so a pack of N nested flow brackets
 * costs N^2: 20,000 levels take a second, a 2 MB pack of them hours, all
 * before a single check of ours could run.  Block nesting (indentation,
 * "- - - x") was measured linear.  A real pack needs two or three flow
 * levels, if any; this limit is far above that and far below the cost. */
#define MAX_FLOW_DEPTH 64

/* Find the deepest flow nesting in the YAML bytes, without parsing: flow
 * brackets count where a YAML node may start (line start, after "- ",
 * "? ", ": ", and anywhere inside a flow collection, where plain scalars
 * cannot contain them); quoted scalars, comments and block scalars ("|",
 * ">") are skipped, so a regex such as \b[a-z]{2}\b in a plain or quoted
 * scalar is not counted.  Where the guess errs (odd but valid YAML) it
 * only counts more brackets than there are, and the limit is far above
 * any real pack.  Returns 0, or fails with the line and column of the
 * bracket past the limit. */
static int check_flow_depth(const char *data, size_t len, const char *file,
                            kpiscan_error *err)
{
    size_t depth = 0, line = 1, col = 1;
    int node_start = 1;     /* a node may begin at the next non-space */
    long block_indent = -1; /* inside a block scalar: its parent's indent */
    long indent = 0;        /* indentation of the current line */
    int at_line_start = 1;
    for (size_t i = 0; i < len; i++, col++) {
        char c = data[i];
        if (c == '\n') {
            line++;
            col = 0;
            at_line_start = 1;
            indent = 0;
            if (!depth)
                node_start = 1;
            continue;
        }
        if (at_line_start) {
            if (c == ' ') {
                indent++;
                continue;
            }
            at_line_start = 0;
            if (block_indent >= 0) {
                if (indent > block_indent) {
                    /* block scalar content: skip the line */
                    while (i + 1 < len && data[i + 1] != '\n')
                        i++;
                    continue;
                }
                block_indent = -1;
            }
        }
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (c == '#' && (i == 0 || data[i - 1] == ' ' || data[i - 1] == '\t' ||
                         data[i - 1] == '\n')) {
            while (i + 1 < len && data[i + 1] != '\n')
                i++;
            continue;
        }
        if (node_start && (c == '\'' || c == '"')) {
            /* A quoted scalar, possibly over several lines. */
            for (i++; i < len; i++, col++) {
                if (data[i] == '\n') {
                    line++;
                    col = 0;
                } else if (c == '"' && data[i] == '\\' && i + 1 < len &&
                           data[i + 1] != '\n') {
                    i++;
                    col++;
                } else if (data[i] == c) {
                    break;
                }
            }
            node_start = 0;
            continue;
        }
        if (node_start && !depth && (c == '|' || c == '>')) {
            block_indent = indent;
            while (i + 1 < len && data[i + 1] != '\n')
                i++;
            continue;
        }
        if ((c == '[' || c == '{') && (node_start || depth)) {
            if (++depth > MAX_FLOW_DEPTH)
                return kps_fail_at(err, KPISCAN_ERR_LIMIT, file, line, col,
                                   NULL,
                                   "YAML flow collections ('[', '{') nested "
                                   "deeper than %d levels",
                                   MAX_FLOW_DEPTH);
            node_start = 1;
            continue;
        }
        if (depth && (c == ']' || c == '}')) {
            depth--;
            node_start = 0;
            continue;
        }
        if (depth && c == ',') {
            node_start = 1;
            continue;
        }
        if ((c == '-' || c == '?' || c == ':') &&
            (i + 1 == len || data[i + 1] == ' ' || data[i + 1] == '\n' ||
             data[i + 1] == '\r' || data[i + 1] == '\t' ||
             (depth && (data[i + 1] == ',' || data[i + 1] == ']' ||
                        data[i + 1] == '}')))) {
            node_start = 1;
            continue;
        }
        if (!depth && !node_start)
            continue; /* inside a plain scalar in block context */
        node_start = 0;
    }
    return KPISCAN_OK;
}

/* The parser's failure as a status and a message at its position.  The
 * reader (invalid UTF-8, a control character) gives a byte offset in
 * data instead of a mark, so the line and column are counted from it. */
static int yaml_failure(const yaml_parser_t *parser, const char *data,
                        size_t len, const char *file, kpiscan_error *err)
{
    int status = parser->error == YAML_MEMORY_ERROR ? KPISCAN_ERR_NOMEM
                                                    : KPISCAN_ERR_PACK_SYNTAX;
    yaml_mark_t m =
        parser->problem ? parser->problem_mark : parser->context_mark;
    if (parser->error == YAML_READER_ERROR) {
        size_t at = parser->problem_offset < len ? parser->problem_offset : len;
        m.line = m.column = 0;
        for (size_t i = 0; i < at; i++) {
            if (data[i] == '\n') {
                m.line++;
                m.column = 0;
            } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
                m.column++; /* characters, as the parser's marks count */
            }
        }
    }
    return kps_fail_at(err, status, file, m.line + 1, m.column + 1, NULL,
                       "YAML syntax error: %s%s%s",
                       parser->problem ? parser->problem : "unknown problem",
                       parser->context ? " " : "",
                       parser->context ? parser->context : "");
}

static int parse_pack(const char *data, size_t len, const char *file,
                      parsed_pack *out, kpiscan_error *err)
{
    memset(out, 0, sizeof *out);
    int depth_rc = check_flow_depth(data, len, file, err);
    if (depth_rc)
        return depth_rc;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return kps_fail(err, KPISCAN_ERR_NOMEM, file, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        int status = yaml_failure(&parser, data, len, file, err);
        yaml_parser_delete(&parser);
        return status;
    }
    /* A pack is one document.  Rules after a "---" would be ignored
     * without a word, and a broken second document never read. */
    yaml_document_t extra;
    int status = KPISCAN_OK;
    for (;;) {
        if (!yaml_parser_load(&parser, &extra)) {
            status = yaml_failure(&parser, data, len, file, err);
            break;
        }
        yaml_node_t *more = yaml_document_get_root_node(&extra);
        /* no root: the end of the stream; an empty scalar: a bare "---" */
        int done = !more;
        if (more &&
            !(more->type == YAML_SCALAR_NODE && more->data.scalar.length == 0))
            status = kps_fail_at(err, KPISCAN_ERR_PACK_SYNTAX, file,
                                 more->start_mark.line + 1,
                                 more->start_mark.column + 1, NULL,
                                 "a pack is one YAML document; a second one "
                                 "starts here");
        yaml_document_delete(&extra);
        if (done || status)
            break;
    }
    yaml_parser_delete(&parser);
    if (status) {
        yaml_document_delete(&doc);
        return status;
    }

    int rc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    loader L = {&doc, file, NULL, 0, err};
    if (!root) {
        rc = kps_fail_at(err, KPISCAN_ERR_PACK_INVALID, file, 1, 1, NULL,
                         "empty pack");
    } else {
        L.nnodes = (size_t)(doc.nodes.top - doc.nodes.start);
        L.seen = calloc(L.nnodes ? L.nnodes : 1, 1);
        if (!L.seen) {
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, file, "out of memory");
        } else {
            L.seen[node_index(&L, root)] = 1;
            rc = parse_root(&L, root, out);
        }
    }
    free(L.seen);
    yaml_document_delete(&doc);
    if (rc)
        parsed_free(out);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Builder                                                             */
/* ------------------------------------------------------------------ */

struct kpiscan_pack_builder {
    kps_rule *rules;
    size_t nrules, caprules;
    kps_question *questions;
    size_t nquestions, capquestions;
    char **disabled;
    size_t ndisabled;
    kps_buf names;    /* "kpi+extra" */
    kps_buf versions; /* "1.0.0+0.2" */
};

kpiscan_pack_builder *kpiscan_pack_builder_new(void)
{
    return calloc(1, sizeof(kpiscan_pack_builder));
}

void kpiscan_pack_builder_free(kpiscan_pack_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nrules; i++)
        rule_free(&b->rules[i]);
    free(b->rules);
    for (size_t i = 0; i < b->nquestions; i++)
        question_free(&b->questions[i]);
    free(b->questions);
    strv_free(b->disabled, b->ndisabled);
    kps_buf_free(&b->names);
    kps_buf_free(&b->versions);
    free(b);
}

/* Move a parsed source into the builder: same id replaces in place. */
static int builder_merge(kpiscan_pack_builder *b, parsed_pack *p,
                         kpiscan_error *err)
{
    if (kps_array_reserve(&b->rules, &b->caprules, b->nrules + p->nrules,
                          sizeof *b->rules, 16) ||
        kps_array_reserve(&b->questions, &b->capquestions,
                          b->nquestions + p->nquestions, sizeof *b->questions,
                          16) ||
        (b->names.len && kps_buf_putc(&b->names, '+')) ||
        kps_buf_append(&b->names, p->name, strlen(p->name)) ||
        (b->versions.len && kps_buf_putc(&b->versions, '+')) ||
        kps_buf_append(&b->versions, p->version, strlen(p->version)))
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < p->nrules; i++) {
        size_t j = 0;
        while (j < b->nrules && strcmp(b->rules[j].id, p->rules[i].id) != 0)
            j++;
        if (j < b->nrules)
            rule_free(&b->rules[j]);
        else
            b->nrules++;
        b->rules[j] = p->rules[i];
        memset(&p->rules[i], 0, sizeof p->rules[i]);
    }
    for (size_t i = 0; i < p->nquestions; i++) {
        b->questions[b->nquestions++] = p->questions[i];
        memset(&p->questions[i], 0, sizeof p->questions[i]);
    }
    return KPISCAN_OK;
}

int kpiscan_pack_builder_add_buffer(kpiscan_pack_builder *b, const char *data,
                                    size_t len, const char *name,
                                    kpiscan_error *err)
{
    if (!b || (!data && len))
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name,
                        "no builder or no data");
    parsed_pack p;
    int rc =
        parse_pack(data ? data : "", len, name ? name : "<buffer>", &p, err);
    if (rc)
        return rc;
    rc = builder_merge(b, &p, err);
    parsed_free(&p);
    return rc;
}

int kpiscan_pack_builder_add_default(kpiscan_pack_builder *b,
                                     kpiscan_error *err)
{
    return kpiscan_pack_builder_add_buffer(b, kps_default_pack_yaml,
                                           kps_default_pack_yaml_len,
                                           DEFAULT_PACK_NAME, err);
}

const char *kpiscan_default_pack_source(size_t *len)
{
    if (len)
        *len = kps_default_pack_yaml_len;
    return kps_default_pack_yaml;
}

/* Packs are small: 4 MiB is far beyond any real one and keeps a mistaken
 * path (a resume, a disk image) from being read whole. */
#define MAX_PACK_BYTES ((size_t)4 << 20)

int kpiscan_pack_builder_add_file(kpiscan_pack_builder *b, const char *path,
                                  kpiscan_error *err)
{
    if (!b || !path)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, path, "no builder or path");
    kps_buf buf = {0};
    int rc = kps_read_small_file(path, "pack", MAX_PACK_BYTES, &buf, err);
    if (!rc)
        rc = kpiscan_pack_builder_add_buffer(b, buf.data, buf.len, path, err);
    kps_buf_free(&buf);
    return rc;
}

int kpiscan_pack_builder_disable_rule(kpiscan_pack_builder *b,
                                      const char *rule_id, kpiscan_error *err)
{
    if (!b || !rule_id || !*rule_id)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL, "no rule id given");
    char **v = realloc(b->disabled, (b->ndisabled + 1) * sizeof *v);
    if (!v)
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    b->disabled = v;
    if (!(v[b->ndisabled] = kps_strdup(rule_id)))
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    b->ndisabled++;
    return KPISCAN_OK;
}

static int is_disabled(const kpiscan_pack_builder *b, const char *id)
{
    for (size_t i = 0; i < b->ndisabled; i++)
        if (strcmp(b->disabled[i], id) == 0)
            return 1;
    return 0;
}

static void hash_field(kps_sha256 *h, const char *s)
{
    kps_sha256_update(h, s, strlen(s) + 1);
}

/* 0, or -1 when out of memory.  The weight is printed in the C locale, so
 * the hash of a pack is the same in every host program. */
static int pack_hash(kpiscan_pack *p)
{
    kps_c_locale loc;
    if (kps_c_locale_enter(&loc))
        return -1;
    kps_sha256 h;
    char num[64];
    kps_sha256_init(&h);
    for (size_t i = 0; i < p->nrules; i++) {
        const kps_rule *r = &p->rules[i];
        hash_field(&h, r->id);
        hash_field(&h, category_names[r->category]);
        hash_field(&h, level_names[r->level]);
        snprintf(num, sizeof num, "%.17g", r->weight);
        hash_field(&h, num);
        hash_field(&h, r->regex);
        /* only when set, so the hashes of packs without it do not move */
        if (r->work_only)
            hash_field(&h, "work_only");
        if (r->tool)
            hash_field(&h, "tool");
    }
    for (size_t i = 0; i < p->nquestions; i++) {
        hash_field(&h, level_names[p->questions[i].level]);
        hash_field(&h, p->questions[i].question);
    }
    kps_sha256_hex(&h, p->hash);
    kps_c_locale_leave(&loc);
    return 0;
}

/* A rule's source "file:line" split for an error's file and line fields,
 * as a load error gives them (a caller reads the line as a number, not
 * from inside the file name).  file holds what fits of the name. */
static size_t source_line(const char *source, char *file, size_t cap)
{
    const char *colon = strrchr(source, ':');
    size_t line = 0, n = strlen(source);
    if (colon && colon[1] &&
        strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        line = (size_t)strtoul(colon + 1, NULL, 10);
        n = (size_t)(colon - source);
    }
    snprintf(file, cap, "%.*s", (int)(n < cap ? n : cap - 1), source);
    return line;
}

int kpiscan_pack_builder_build(const kpiscan_pack_builder *b,
                               kpiscan_pack **out, kpiscan_error *err)
{
    if (!b || !out)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL,
                        "no builder or output");
    *out = NULL;
    for (size_t i = 0; i < b->ndisabled; i++) {
        size_t j = 0;
        while (j < b->nrules && strcmp(b->rules[j].id, b->disabled[i]) != 0)
            j++;
        if (j == b->nrules)
            return kps_fail_at(err, KPISCAN_ERR_NOT_FOUND, NULL, 0, 0,
                               b->disabled[i],
                               "cannot disable: no rule with this id");
    }
    kpiscan_pack *p = calloc(1, sizeof *p);
    if (!p)
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    p->name = kps_strdup(b->names.len ? b->names.data : "empty");
    p->version = kps_strdup(b->versions.len ? b->versions.data : "0");
    p->rules = b->nrules ? calloc(b->nrules, sizeof *p->rules) : NULL;
    p->questions =
        b->nquestions ? calloc(b->nquestions, sizeof *p->questions) : NULL;
    if (!p->name || !p->version || (b->nrules && !p->rules) ||
        (b->nquestions && !p->questions)) {
        kpiscan_pack_free(p);
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < b->nrules; i++) {
        const kps_rule *src = &b->rules[i];
        if (is_disabled(b, src->id))
            continue;
        kps_rule *r = &p->rules[p->nrules];
        if (rule_copy(r, src) != 0) {
            kpiscan_pack_free(p);
            return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
        }
        p->nrules++;
        pcre2_code *code;
        int errcode;
        PCRE2_SIZE erroffset;
        if (compile_rule(r, &code, &errcode, &erroffset) != 0) {
            char file[512];
            size_t line = source_line(src->source, file, sizeof file);
            kpiscan_pack_free(p);
            return kps_fail_at(err, KPISCAN_ERR_PACK_REGEX, file, line, 0,
                               src->id, "regex does not compile");
        }
        r->code = code;
        /* JIT before sharing: pcre2_jit_compile is not safe to run while
         * other threads match with the same code.  A JIT failure (e.g. no
         * executable memory) leaves the interpreter, which still works. */
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    }
    /* The literal prefilter decides per document which rules can match. */
    if (kps_prefilter_build(p->rules, p->nrules, &p->prefilter) != KPISCAN_OK) {
        kpiscan_pack_free(p);
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < b->nquestions; i++) {
        if (question_copy(&p->questions[p->nquestions], &b->questions[i])) {
            kpiscan_pack_free(p);
            return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
        }
        p->nquestions++;
    }
    if (pack_hash(p)) {
        kpiscan_pack_free(p);
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    }
    *out = p;
    return KPISCAN_OK;
}

static int load_with(int (*add)(kpiscan_pack_builder *, const char *, size_t,
                                const char *, kpiscan_error *),
                     const char *data, size_t len, const char *name,
                     kpiscan_pack **out, kpiscan_error *err)
{
    if (!out)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, name, "no output pointer");
    *out = NULL;
    kpiscan_pack_builder *b = kpiscan_pack_builder_new();
    if (!b)
        return kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    int rc = add(b, data, len, name, err);
    if (!rc)
        rc = kpiscan_pack_builder_build(b, out, err);
    kpiscan_pack_builder_free(b);
    return rc;
}

static int add_file_adapter(kpiscan_pack_builder *b, const char *data,
                            size_t len, const char *name, kpiscan_error *err)
{
    (void)data;
    (void)len;
    return kpiscan_pack_builder_add_file(b, name, err);
}

int kpiscan_pack_load_default(kpiscan_pack **out, kpiscan_error *err)
{
    return load_with(kpiscan_pack_builder_add_buffer, kps_default_pack_yaml,
                     kps_default_pack_yaml_len, DEFAULT_PACK_NAME, out, err);
}

int kpiscan_pack_load_file(const char *path, kpiscan_pack **out,
                           kpiscan_error *err)
{
    if (!path)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL, "no path given");
    return load_with(add_file_adapter, NULL, 0, path, out, err);
}

int kpiscan_pack_load_buffer(const char *data, size_t len, const char *name,
                             kpiscan_pack **out, kpiscan_error *err)
{
    return load_with(kpiscan_pack_builder_add_buffer, data, len, name, out,
                     err);
}

void kpiscan_pack_free(kpiscan_pack *pack)
{
    if (!pack)
        return;
    for (size_t i = 0; i < pack->nrules; i++)
        rule_free(&pack->rules[i]);
    free(pack->rules);
    for (size_t i = 0; i < pack->nquestions; i++)
        question_free(&pack->questions[i]);
    free(pack->questions);
    free(pack->name);
    free(pack->version);
    kps_prefilter_free(pack->prefilter);
    free(pack);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */

const char *kpiscan_pack_name(const kpiscan_pack *pack)
{
    return pack ? pack->name : NULL;
}

const char *kpiscan_pack_version(const kpiscan_pack *pack)
{
    return pack ? pack->version : NULL;
}

const char *kpiscan_pack_hash(const kpiscan_pack *pack)
{
    return pack ? pack->hash : NULL;
}

size_t kpiscan_pack_rule_count(const kpiscan_pack *pack)
{
    return pack ? pack->nrules : 0;
}

static const kps_rule *rule_at(const kpiscan_pack *pack, size_t i)
{
    return pack && i < pack->nrules ? &pack->rules[i] : NULL;
}

const char *kpiscan_pack_rule_id(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->id : NULL;
}

int kpiscan_pack_rule_category(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->category : -1;
}

int kpiscan_pack_rule_level(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->level : -1;
}

double kpiscan_pack_rule_weight(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->weight : 0.0;
}

const char *kpiscan_pack_rule_regex(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->regex : NULL;
}

const char *kpiscan_pack_rule_description(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->description : NULL;
}

const char *kpiscan_pack_rule_source(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    return r ? r->source : NULL;
}

/* 1 when the rule matches anywhere in the normalised phrase, 0 when not,
 * negative on a match error. */
static int rule_matches_phrase(const kps_rule *r, const char *phrase,
                               pcre2_match_data *md)
{
    kps_norm norm;
    size_t len = strlen(phrase);
    if (kps_utf8_valid_prefix((const unsigned char *)phrase, len) != len)
        return -2;
    if (kps_normalize(phrase, len, NULL, &norm, NULL) != KPISCAN_OK)
        return -1;
    int rc =
        pcre2_match(r->code, (PCRE2_SPTR)norm.text, norm.len, 0, 0, md, NULL);
    kps_norm_free(&norm);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    return rc >= 0 ? 1 : -1;
}

/* Ordinary resume text in English and other languages, with digits,
 * punctuation, accents, CJK and line breaks, for the density check. */
static const char density_sample[] =
    "Jane Doe\n"
    "Senior Data Analyst - Acme GmbH (2019 - present)\n"
    "* Defined 12 KPIs for the sales team and cut churn by 8% in a year.\n"
    "* Built weekly dashboards (Tableau, SQL); reported to the CFO.\n"
    "Previous: Junior Analyst, Widgets Inc., 03/2016 to 12/2018.\n"
    "Education: M.Sc. Statistics, Universit\xc3\xa9"
    " de Lyon, 2015.\n"
    "Languages: English, Fran\xc3\xa7"
    "ais, Deutsch, \xe6\x97\xa5\xe6\x9c\xac"
    "\xe8\xaa\x9e.\n"
    "Contact: jane.doe@example.com | +49 30 1234567\n";

int kpiscan_pack_rule_match_density(const kpiscan_pack *pack, size_t i)
{
    const kps_rule *r = rule_at(pack, i);
    if (!r)
        return KPISCAN_ERR_ARGUMENT;
    kps_limits lim;
    kps_limits_default(&lim);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    if (!md || !mctx) {
        pcre2_match_data_free(md);
        pcre2_match_context_free(mctx);
        return KPISCAN_ERR_NOMEM;
    }
    pcre2_set_match_limit(mctx, (uint32_t)lim.match_limit);
    size_t len = sizeof density_sample - 1, positions = 0, hits = 0;
    int rc = KPISCAN_OK;
    for (size_t at = 0; at < len && !rc; at++) {
        if (((unsigned char)density_sample[at] & 0xC0) == 0x80)
            continue; /* not the start of a character */
        positions++;
        int m = pcre2_match(r->code, (PCRE2_SPTR)density_sample, len, at,
                            PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK, md, mctx);
        if (m >= 0)
            hits++;
        else if (m != PCRE2_ERROR_NOMATCH)
            rc = KPISCAN_ERR_MATCH_LIMIT;
    }
    pcre2_match_context_free(mctx);
    pcre2_match_data_free(md);
    return rc ? rc : (int)((hits * 100 + positions / 2) / positions);
}

int kpiscan_pack_check_examples(const kpiscan_pack *pack, kpiscan_error *err)
{
    if (!pack)
        return kps_fail(err, KPISCAN_ERR_ARGUMENT, NULL, "no pack");
    pcre2_match_data *md = pcre2_match_data_create(16, NULL);
    if (!md)
        return kps_fail(err, KPISCAN_ERR_NOMEM, NULL, "out of memory");
    int rc = KPISCAN_OK;
    char file[512];
    for (size_t i = 0; i < pack->nrules && !rc; i++) {
        const kps_rule *r = &pack->rules[i];
        size_t line = source_line(r->source, file, sizeof file);
        for (size_t j = 0; j < r->nmatch && !rc; j++) {
            int m = rule_matches_phrase(r, r->match_examples[j], md);
            if (m != 1)
                rc = kps_fail_at(err, KPISCAN_ERR_PACK_INVALID, file, line, 0,
                                 r->id,
                                 m < 0 ? "cannot test example \"%s\""
                                       : "example \"%s\" must match but "
                                         "does not",
                                 r->match_examples[j]);
        }
        for (size_t j = 0; j < r->nreject && !rc; j++) {
            int m = rule_matches_phrase(r, r->reject_examples[j], md);
            if (m != 0)
                rc = kps_fail_at(err, KPISCAN_ERR_PACK_INVALID, file, line, 0,
                                 r->id,
                                 m < 0 ? "cannot test example \"%s\""
                                       : "example \"%s\" must not match but "
                                         "does",
                                 r->reject_examples[j]);
        }
    }
    pcre2_match_data_free(md);
    return rc;
}
