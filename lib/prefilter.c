/* prefilter.c - literal prefilter for the matcher.
 *
 * Running every rule of a pack over every document costs one PCRE2 pass per
 * rule, and a pass runs at a few hundred MB/s at best.  But every rule
 * needs literal words ("kpi", "dashboard", "balanced"...), and most rules
 * cannot match most resumes.  At pack build time we derive from each rule:
 *
 *   requirement  a conjunction of OR-sets of lower-case literal "atoms":
 *                any text the rule matches contains, for each OR-set, one
 *                of its atoms (ASCII-caseless);
 *   lead         an OR-set such that every match *starts with* one of its
 *                atoms ("\b(?:developed|tracked)\s+KPIs": developed,
 *                tracked).
 *
 * Per document, one Aho-Corasick pass over the normalised text records
 * where atoms end.  A rule runs only when its requirement and lead hold,
 * and a rule with a lead is searched only from the offsets where a lead
 * atom starts (match.c explains why that finds exactly the same hits).
 *
 * Soundness is everything here: a wrong atom silently loses evidence.  So
 * the regex parser below models only the PCRE2 syntax it understands
 * (literals, simple escapes, classes, groups, alternation, quantifiers,
 * lookarounds, the options i/m/s/n) and marks every other construct
 * "always run" (backreferences, \Q..\E, \x{..}, \K, \G, callouts,
 * (*VERBS), recursion, conditionals, (?x), (?-i)...).  Dropping a
 * requirement or a lead is always sound; only adding one needs proof.  The
 * model is RE2's FilteredRE2 in small: each node is either "exact" (it
 * matches exactly one of a small set of strings) or a conjunction of
 * OR-sets its matches contain, and beside that, what its matches start
 * with.  Lookarounds consume nothing, so their words are neither required
 * nor leads; non-ASCII literals, classes other than a few ASCII
 * characters, and \d, \w, \s, . require nothing.
 *
 * Case folding: rules are compiled PCRE2_CASELESS|PCRE2_UCP, and under
 * Unicode simple case folding a few non-ASCII characters are caseless
 * equal to an ASCII letter: U+017F LONG S (= s) and U+212A KELVIN SIGN
 * (= k).  PCRE2 10.42 has exactly these two (test-prefilter asks the
 * linked PCRE2 about every code point); U+0130/U+0131 (Turkish dotted and
 * dotless i) are added in case a later PCRE2 folds them.  Rather than fold
 * the text, a document that contains any of them runs every rule over the
 * whole text, as brute force does: they are rare in resumes, and the
 * fallback needs no proof. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Build-time caps.  Hitting one only makes a requirement weaker (or the
 * rule "always run"), never wrong. */
#define MAX_EXACT 64    /* strings in an exact set */
#define MAX_ATOM_LEN 48 /* bytes in one exact string */
#define MAX_OR 128      /* atoms in one OR-set */
#define MAX_AND 4       /* OR-sets kept per rule */
#define MAX_DEPTH 64    /* group nesting the parser follows */
/* In the automaton, an OR-set beside the lead must have atoms of at least
 * this length: shorter ones ("to", "of", "%") occur in every resume, filter
 * nothing, and cost an automaton event at each occurrence. */
#define MIN_FILTER_ATOM 4
#define MAX_FILTER_SETS 3

/* Characters that PCRE2 (now or in a later version) may treat as caseless
 * equal to an ASCII letter; see the file comment. */
static const char *const fold_to_ascii[] = {
    "\xC5\xBF",     /* U+017F LATIN SMALL LETTER LONG S = s */
    "\xE2\x84\xAA", /* U+212A KELVIN SIGN = k */
    "\xC4\xB0",     /* U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE */
    "\xC4\xB1",     /* U+0131 LATIN SMALL LETTER DOTLESS I */
};
#define NFOLD (sizeof fold_to_ascii / sizeof fold_to_ascii[0])

/* ------------------------------------------------------------------ */
/* String sets                                                         */
/* ------------------------------------------------------------------ */

typedef struct strset {
    char **v;
    size_t n, cap;
} strset;

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int strset_has(const strset *s, const char *str)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], str) == 0)
            return 1;
    return 0;
}

/* Add a copy of str[0..len) unless present.  0 or -1 (out of memory). */
static int strset_add(strset *s, const char *str, size_t len)
{
    char *copy = kps_strndup(str, len);
    if (!copy)
        return -1;
    if (strset_has(s, copy)) {
        free(copy);
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v) {
            free(copy);
            return -1;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = copy;
    return 0;
}

/* Append a copy of str without looking for it first: for copies of sets
 * whose members are already distinct.  0 or -1. */
static int strset_push(strset *s, const char *str)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = cap;
    }
    if (!(s->v[s->n] = kps_strdup(str)))
        return -1;
    s->n++;
    return 0;
}

static size_t strset_min_len(const strset *s)
{
    size_t m = (size_t)-1;
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->v[i]);
        if (l < m)
            m = l;
    }
    return s->n ? m : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* As an OR-set, a member that contains another member adds nothing: if
 * "kpis" occurs, so does "kpi".  Drop such members and sort the rest. */
static void orset_simplify(strset *s)
{
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++) {
        int redundant = 0;
        /* v[i] is still set: only earlier members have been dropped. */
        for (size_t j = 0; j < s->n && !redundant && s->v[i]; j++)
            if (j != i && s->v[j] && strstr(s->v[i], s->v[j]) &&
                (strlen(s->v[j]) < strlen(s->v[i]) || j < i))
                redundant = 1;
        if (redundant) {
            free(s->v[i]);
            s->v[i] = NULL;
        }
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i])
            s->v[keep++] = s->v[i];
    s->n = keep;
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

/* ------------------------------------------------------------------ */
/* Leads                                                               */
/* ------------------------------------------------------------------ */

/* What every match of a node starts with.  complete: each non-empty match
 * starts with one of s (ASCII-caseless); empty: the node may match the
 * empty string, and then what follows it decides.  A zeroed lead means
 * "unknown", so a node nobody describes is safe. */
typedef struct lead {
    strset s;
    int empty;
    int complete;
} lead;

static void lead_free(lead *l)
{
    strset_free(&l->s);
    l->empty = l->complete = 0;
}

/* dst := dst | src (either may start the match); src is left alone. */
static int lead_union(lead *dst, const lead *src)
{
    dst->empty |= src->empty;
    dst->complete = dst->complete && src->complete;
    if (!dst->complete) {
        strset_free(&dst->s);
        return 0;
    }
    for (size_t i = 0; i < src->s.n; i++)
        if (strset_add(&dst->s, src->s.v[i], strlen(src->s.v[i])))
            return -1;
    if (dst->s.n > MAX_OR) {
        dst->complete = 0;
        strset_free(&dst->s);
    }
    return 0;
}

/* The lead of a node that matches exactly one of the strings of set. */
static int lead_from_set(const strset *set, lead *out)
{
    memset(out, 0, sizeof *out);
    out->complete = 1;
    for (size_t i = 0; i < set->n; i++) {
        if (!set->v[i][0])
            out->empty = 1;
        else if (strset_push(&out->s, set->v[i]))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Requirement model                                                   */
/* ------------------------------------------------------------------ */

/* What a regex node tells us about the text it matches.  exact: the node
 * matches exactly one of `set` (lower-case).  Otherwise: for each OR-set in
 * `all`, a match contains one of its members; no OR-set means no
 * knowledge ("any").  Beside it, the node's lead. */
typedef struct info {
    int exact;
    strset set;
    strset *all;
    size_t nall, capall;
    lead ld; /* when not exact (an exact node's lead is its set) */
} info;

typedef struct parser {
    const unsigned char *p, *end;
    int unsupported; /* a construct we do not model: always run */
    int oom;
    int depth;
} parser;

static void info_free(info *x)
{
    strset_free(&x->set);
    for (size_t i = 0; i < x->nall; i++)
        strset_free(&x->all[i]);
    free(x->all);
    lead_free(&x->ld);
    memset(x, 0, sizeof *x);
}

static void info_any(info *x)
{
    info_free(x);
}

/* The empty string: zero-width assertions and empty branches. */
static void info_empty(parser *P, info *x)
{
    memset(x, 0, sizeof *x);
    x->exact = 1;
    if (strset_add(&x->set, "", 0))
        P->oom = 1;
}

static void info_char(parser *P, info *x, unsigned char c)
{
    char s[1] = {(char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c)};
    memset(x, 0, sizeof *x);
    x->exact = 1;
    if (strset_add(&x->set, s, 1))
        P->oom = 1;
}

/* Move OR-set s (taken over) into x's conjunction. */
static void info_require(parser *P, info *x, strset *s)
{
    if (x->nall == x->capall) {
        size_t cap = x->capall ? x->capall * 2 : 4;
        strset *v = realloc(x->all, cap * sizeof *v);
        if (!v) {
            P->oom = 1;
            strset_free(s);
            return;
        }
        x->all = v;
        x->capall = cap;
    }
    x->all[x->nall++] = *s;
    memset(s, 0, sizeof *s);
}

/* Turn an exact node into a conjunction: its set becomes one OR-set,
 * unless it holds the empty string (which requires nothing). */
static void info_to_match(parser *P, info *x)
{
    if (!x->exact)
        return;
    if (lead_from_set(&x->set, &x->ld))
        P->oom = 1;
    strset s = x->set;
    memset(&x->set, 0, sizeof x->set);
    x->exact = 0;
    if (s.n == 0 || strset_has(&s, "") || s.n > MAX_OR) {
        strset_free(&s);
        return;
    }
    orset_simplify(&s);
    info_require(P, x, &s);
}

/* A copy of x's lead. */
static void lead_get(parser *P, const info *x, lead *out)
{
    memset(out, 0, sizeof *out);
    if (x->exact) {
        if (lead_from_set(&x->set, out))
            P->oom = 1;
        return;
    }
    out->empty = x->ld.empty;
    out->complete = x->ld.complete;
    for (size_t i = 0; i < x->ld.s.n && out->complete; i++)
        if (strset_push(&out->s, x->ld.s.v[i]))
            P->oom = 1;
}

/* A better OR-set is one whose shortest atom is longer (rarer in text),
 * then one with fewer atoms. */
static int orset_better(const strset *a, const strset *b)
{
    size_t la = strset_min_len(a), lb = strset_min_len(b);
    if (la != lb)
        return la > lb;
    return a->n < b->n;
}

static long best_orset(const info *x)
{
    long best = -1;
    for (size_t i = 0; i < x->nall; i++)
        if (best < 0 || orset_better(&x->all[i], &x->all[best]))
            best = (long)i;
    return best;
}

static size_t max_len(const strset *s)
{
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->v[i]);
        if (l > m)
            m = l;
    }
    return m;
}

/* Move the OR-sets of b (made non-exact first) into a's conjunction. */
static void info_require_all(parser *P, info *a, info *b)
{
    info_to_match(P, b);
    for (size_t i = 0; i < b->nall; i++)
        info_require(P, a, &b->all[i]);
    b->nall = 0;
    info_free(b);
}

/* Exact concatenation: a := a followed by b, both exact; b is consumed.
 * Returns 0 when the cross product would exceed the caps (a and b are
 * then unchanged). */
static int info_cross(parser *P, info *a, info *b)
{
    if (a->set.n * b->set.n > MAX_EXACT ||
        max_len(&a->set) + max_len(&b->set) > MAX_ATOM_LEN)
        return 0;
    if (b->set.n == 1) {
        /* The common case, one literal character after another: append in
         * place (distinct strings stay distinct). */
        size_t lb = strlen(b->set.v[0]);
        for (size_t i = 0; i < a->set.n; i++) {
            size_t la = strlen(a->set.v[i]);
            char *grown = realloc(a->set.v[i], la + lb + 1);
            if (!grown) {
                P->oom = 1;
                break;
            }
            memcpy(grown + la, b->set.v[0], lb + 1);
            a->set.v[i] = grown;
        }
        info_free(b);
        return 1;
    }
    strset cross = {0};
    char buf[2 * MAX_ATOM_LEN + 1];
    for (size_t i = 0; i < a->set.n; i++)
        for (size_t j = 0; j < b->set.n; j++) {
            size_t la = strlen(a->set.v[i]), lb = strlen(b->set.v[j]);
            memcpy(buf, a->set.v[i], la);
            memcpy(buf + la, b->set.v[j], lb);
            if (strset_add(&cross, buf, la + lb))
                P->oom = 1;
        }
    strset_free(&a->set);
    a->set = cross;
    info_free(b);
    return 1;
}

/* a := a | b; b is consumed. */
static void info_alt(parser *P, info *a, info *b)
{
    if (a->exact && b->exact && a->set.n + b->set.n <= MAX_EXACT) {
        for (size_t i = 0; i < b->set.n; i++)
            if (strset_add(&a->set, b->set.v[i], strlen(b->set.v[i])))
                P->oom = 1;
        info_free(b);
        return;
    }
    /* A match goes through one branch, so it contains an atom of that
     * branch's best OR-set: the union of the two is required.  It starts
     * like one of the branches. */
    lead la, lb;
    lead_get(P, a, &la);
    lead_get(P, b, &lb);
    if (lead_union(&la, &lb))
        P->oom = 1;
    lead_free(&lb);
    info_to_match(P, a);
    info_to_match(P, b);
    long ia = best_orset(a), ib = best_orset(b);
    strset u = {0};
    if (ia >= 0 && ib >= 0 && a->all[ia].n + b->all[ib].n <= MAX_OR) {
        for (size_t i = 0; i < a->all[ia].n; i++)
            if (strset_add(&u, a->all[ia].v[i], strlen(a->all[ia].v[i])))
                P->oom = 1;
        for (size_t i = 0; i < b->all[ib].n; i++)
            if (strset_add(&u, b->all[ib].v[i], strlen(b->all[ib].v[i])))
                P->oom = 1;
    }
    info_free(a);
    info_free(b);
    if (u.n) {
        orset_simplify(&u);
        info_require(P, a, &u);
    }
    a->ld = la;
}

/* Apply a quantifier {min,max} (max < 0: unbounded) to x. */
static void info_repeat(parser *P, info *x, long min, long max)
{
    if (min == 0) {
        if (x->exact && max == 1) {
            if (strset_add(&x->set, "", 0))
                P->oom = 1;
        } else {
            /* Requires nothing; starts like x or is empty. */
            lead l;
            lead_get(P, x, &l);
            l.empty = 1;
            info_any(x);
            x->ld = l;
        }
        return;
    }
    /* At least one copy: x's requirement holds.  Repeated exact strings
     * are not worth expanding. */
    if (max != 1)
        info_to_match(P, x);
}

/* ------------------------------------------------------------------ */
/* Parser over PCRE2 syntax                                            */
/* ------------------------------------------------------------------ */

static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Step over one UTF-8 character starting at a lead byte >= 0x80. */
static void skip_utf8(parser *P)
{
    P->p++;
    while (P->p < P->end && (*P->p & 0xC0) == 0x80)
        P->p++;
}

static void parse_alt(parser *P, info *out);

/* \p{..} / \pL after the 'p' or 'P'. */
static void skip_property(parser *P)
{
    if (P->p < P->end && *P->p == '{') {
        while (P->p < P->end && *P->p != '}')
            P->p++;
        if (P->p == P->end)
            P->unsupported = 1;
        else
            P->p++;
    } else if (P->p < P->end) {
        if (*P->p >= 0x80)
            skip_utf8(P);
        else
            P->p++;
    }
}

/* Control escapes that stand for one ASCII byte; 0 when e is not one. */
static unsigned char control_escape(unsigned char e)
{
    switch (e) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'e': return 0x1B;
    case 'a': return 0x07;
    default: return 0;
    }
}

/* After '\' outside a class. */
static void parse_escape(parser *P, info *x)
{
    memset(x, 0, sizeof *x);
    if (P->p >= P->end) {
        P->unsupported = 1;
        return;
    }
    unsigned char e = *P->p++;
    if (e >= 0x80) { /* an escaped non-ASCII character is itself */
        P->p--;
        skip_utf8(P);
        return; /* any */
    }
    if (!is_alnum(e)) {
        info_char(P, x, e);
        return;
    }
    unsigned char ctl = control_escape(e);
    if (ctl) {
        info_char(P, x, ctl);
        return;
    }
    switch (e) {
    case 'b':
    case 'B':
    case 'A':
    case 'Z':
    case 'z':
        info_empty(P, x); /* zero-width */
        return;
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 's':
    case 'S':
    case 'h':
    case 'H':
    case 'v':
    case 'V':
    case 'R':
    case 'X':
    case 'C': return; /* any */
    case 'N':
        if (P->p < P->end && *P->p == '{')
            P->unsupported = 1; /* \N{U+hhhh} */
        return;
    case 'p':
    case 'P': skip_property(P); return;
    default:
        /* \K, \G (depends on where a search starts, and matches are
         * tried from chosen offsets), \Q..\E, \x, \o, \c, \g, \k, octal
         * and back references, and anything newer: not modelled. */
        P->unsupported = 1;
        return;
    }
}

/* After '['.  A class of a few plain ASCII characters is an exact set of
 * one-character strings; anything else (negation, ranges, \d, POSIX
 * names, non-ASCII) is "any".  The class must still be parsed exactly to
 * find its end. */
static void parse_class(parser *P, info *x)
{
    memset(x, 0, sizeof *x);
    int negate = 0, complex = 0, first = 1;
    unsigned char members[128] = {0};
    size_t count = 0;
    if (P->p < P->end && *P->p == '^') {
        negate = 1;
        P->p++;
    }
    for (;;) {
        if (P->p >= P->end) {
            P->unsupported = 1;
            return;
        }
        unsigned char c = *P->p;
        if (c == ']' && !first) {
            P->p++;
            break;
        }
        first = 0;
        if (c == '[' && P->p + 1 < P->end &&
            (P->p[1] == ':' || P->p[1] == '.' || P->p[1] == '=')) {
            unsigned char kind = P->p[1];
            P->p += 2;
            while (P->p + 1 < P->end && !(P->p[0] == kind && P->p[1] == ']'))
                P->p++;
            if (P->p + 1 >= P->end) {
                P->unsupported = 1;
                return;
            }
            P->p += 2;
            complex = 1;
            continue;
        }
        if (c == '\\') {
            if (P->p + 1 >= P->end) {
                P->unsupported = 1;
                return;
            }
            unsigned char e = P->p[1];
            P->p += 2;
            if (e >= 0x80) {
                P->p--;
                skip_utf8(P);
                complex = 1;
            } else if (!is_alnum(e)) {
                c = e;
                goto member;
            } else if (control_escape(e) || e == 'b') {
                c = e == 'b' ? 0x08 : control_escape(e);
                goto member;
            } else if (strchr("dDwWsShHvV", e)) {
                complex = 1;
            } else if (e == 'p' || e == 'P') {
                skip_property(P);
                complex = 1;
            } else {
                P->unsupported = 1;
                return;
            }
            continue;
        }
        if (c >= 0x80) {
            skip_utf8(P);
            complex = 1;
            continue;
        }
        P->p++;
        if (c == '-' && count + complex > 0 && P->p < P->end && *P->p != ']') {
            complex = 1; /* a range */
            continue;
        }
    member:
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (!members[c]) {
            members[c] = 1;
            count++;
        }
    }
    if (negate || complex || count == 0 || count > 8)
        return; /* any */
    x->exact = 1;
    for (unsigned c = 0; c < 128; c++)
        if (members[c]) {
            char s[1] = {(char)c};
            if (strset_add(&x->set, s, 1))
                P->oom = 1;
        }
}

/* Parse "(...)" after '(' up to and including ')'. */
static void parse_group(parser *P, info *x)
{
    memset(x, 0, sizeof *x);
    int lookaround = 0;
    if (P->p < P->end && *P->p == '*') {
        P->unsupported = 1; /* (*VERB) and (*alpha_assertion:...) */
        return;
    }
    if (P->p < P->end && *P->p == '?') {
        P->p++;
        unsigned char c = P->p < P->end ? *P->p : 0;
        unsigned char c1 = P->p + 1 < P->end ? P->p[1] : 0;
        if (c == ':' || c == '|' || c == '>') {
            P->p++;
        } else if (c == '=' || c == '!') {
            P->p++;
            lookaround = 1;
        } else if (c == '<' && (c1 == '=' || c1 == '!')) {
            P->p += 2;
            lookaround = 1;
        } else if ((c == '<' && c1 != '*') || c == '\'' ||
                   (c == 'P' && c1 == '<')) {
            /* Named capturing group: skip the name. */
            unsigned char close = c == '\'' ? '\'' : '>';
            P->p += c == 'P' ? 2 : 1;
            while (P->p < P->end && *P->p != close)
                P->p++;
            if (P->p == P->end) {
                P->unsupported = 1;
                return;
            }
            P->p++;
        } else {
            /* Option settings: only those that change neither what a
             * literal matches nor how the pattern is read. */
            while (P->p < P->end && strchr("imsn", *P->p) && *P->p)
                P->p++;
            if (P->p < P->end && *P->p == ')') {
                P->p++;
                info_empty(P, x); /* (?i) etc. */
                return;
            }
            if (P->p < P->end && *P->p == ':' && P->p[-1] != '?') {
                P->p++;
            } else {
                /* (?-i), (?x), (?^), (?#...), (?R), (?1), (?&name),
                 * (?P=name), (?(cond)...), (?C) callouts, (?*...) */
                P->unsupported = 1;
                return;
            }
        }
    }
    if (++P->depth > MAX_DEPTH) {
        P->unsupported = 1;
        return;
    }
    info inner;
    parse_alt(P, &inner);
    P->depth--;
    if (P->p >= P->end || *P->p != ')') {
        P->unsupported = 1;
        info_free(&inner);
        return;
    }
    P->p++;
    if (lookaround) {
        /* Matches no characters; what it looks at is not needed. */
        info_free(&inner);
        info_empty(P, x);
        return;
    }
    *x = inner;
}

/* After an atom: a quantifier, if any.  Returns 0 when there is none. */
static int parse_quantifier(parser *P, long *min, long *max)
{
    if (P->p >= P->end)
        return 0;
    unsigned char c = *P->p;
    if (c == '?' || c == '*' || c == '+') {
        *min = c == '+';
        *max = c == '?' ? 1 : -1;
        P->p++;
    } else if (c == '{') {
        /* Only the forms every PCRE2 version reads as a quantifier:
         * {n}, {n,}, {n,m}.  Others ({,m}, spaces) changed meaning across
         * versions: not modelled. */
        const unsigned char *q = P->p + 1;
        long a = 0, b;
        if (q >= P->end || !is_digit(*q)) {
            P->unsupported = 1;
            return 0;
        }
        while (q < P->end && is_digit(*q) && a < 100000)
            a = a * 10 + (*q++ - '0');
        b = a;
        if (q < P->end && *q == ',') {
            q++;
            if (q < P->end && is_digit(*q)) {
                b = 0;
                while (q < P->end && is_digit(*q) && b < 100000)
                    b = b * 10 + (*q++ - '0');
            } else {
                b = -1;
            }
        }
        if (q >= P->end || *q != '}') {
            P->unsupported = 1;
            return 0;
        }
        P->p = q + 1;
        *min = a;
        *max = b;
    } else {
        return 0;
    }
    /* Lazy or possessive: the same strings can match. */
    if (P->p < P->end && (*P->p == '?' || *P->p == '+'))
        P->p++;
    return 1;
}

/* One item of a sequence with its quantifier. */
static void parse_item(parser *P, info *x)
{
    memset(x, 0, sizeof *x);
    unsigned char c = *P->p++;
    switch (c) {
    case '(': parse_group(P, x); break;
    case '[': parse_class(P, x); break;
    case '\\': parse_escape(P, x); break;
    case '.': break; /* any */
    case '^':
    case '$': info_empty(P, x); break;
    case '*':
    case '+':
    case '?':
    case '{': P->unsupported = 1; break;
    default:
        if (c >= 0x80) {
            P->p--;
            skip_utf8(P); /* a non-ASCII literal: any */
        } else {
            info_char(P, x, c);
        }
        break;
    }
    long min, max;
    if (!P->unsupported && parse_quantifier(P, &min, &max)) {
        info_repeat(P, x, min, max);
        if (P->p < P->end && strchr("?*+{", *P->p) && *P->p)
            P->unsupported = 1; /* stacked quantifiers */
    }
}

/* The lead of a sequence so far, extended by the next part x: only while
 * everything before x may be empty does x decide how the match starts. */
static void seq_lead_add(parser *P, lead *seq, const info *x)
{
    if (!seq->empty)
        return;
    lead l;
    lead_get(P, x, &l);
    seq->empty = 0;
    seq->complete = seq->complete && l.complete;
    if (seq->complete)
        for (size_t i = 0; i < l.s.n; i++)
            if (strset_add(&seq->s, l.s.v[i], strlen(l.s.v[i])))
                P->oom = 1;
    if (!seq->complete || seq->s.n > MAX_OR) {
        seq->complete = 0;
        strset_free(&seq->s);
    }
    seq->empty = l.empty;
    lead_free(&l);
}

/* A literal character outside a class that stands for itself. */
static int is_plain(unsigned char c)
{
    return c && c < 0x80 && !strchr("\\^$.|?*+()[{", c);
}

static unsigned char ascii_fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Append lit[0..k) to every string of the exact node run (distinct
 * strings stay distinct). */
static void run_append(parser *P, info *run, const char *lit, size_t k)
{
    for (size_t i = 0; i < run->set.n; i++) {
        size_t l = strlen(run->set.v[i]);
        char *grown = realloc(run->set.v[i], l + k + 1);
        if (!grown) {
            P->oom = 1;
            return;
        }
        memcpy(grown + l, lit, k);
        grown[l + k] = '\0';
        run->set.v[i] = grown;
    }
}

/* A sequence, up to '|' or ')' or the end.  Runs of exact items are
 * concatenated into `run` (so "\s+KPIs" still yields the atom "kpi");
 * everything else, and runs too long to expand, go into the conjunction
 * `out`, since every part of a sequence is part of its match. */
static void parse_seq(parser *P, info *out)
{
    info run;
    int exact = 1; /* no item so far was inexact */
    lead seq = {{0}, 1, 1};
    memset(out, 0, sizeof *out);
    info_empty(P, &run);
    while (P->p < P->end && *P->p != '|' && *P->p != ')' && !P->unsupported &&
           !P->oom) {
        /* Plain literal characters, the bulk of a pattern, go straight
         * onto the run (the last one before a quantifier is an item of
         * its own). */
        char lit[MAX_ATOM_LEN];
        size_t k = 0;
        while (P->p < P->end && k < sizeof lit && is_plain(*P->p) &&
               !(P->p + 1 < P->end && strchr("?*+{", P->p[1])))
            lit[k++] = (char)ascii_fold(*P->p++);
        if (k) {
            if (max_len(&run.set) + k <= MAX_ATOM_LEN) {
                run_append(P, &run, lit, k);
            } else {
                exact = 0;
                seq_lead_add(P, &seq, &run);
                info_require_all(P, out, &run);
                memset(&run, 0, sizeof run);
                run.exact = 1;
                if (strset_add(&run.set, lit, k))
                    P->oom = 1;
            }
            continue;
        }
        info item;
        parse_item(P, &item);
        if (item.exact) {
            if (!info_cross(P, &run, &item)) {
                exact = 0;
                seq_lead_add(P, &seq, &run);
                info_require_all(P, out, &run);
                run = item;
            }
        } else {
            exact = 0;
            seq_lead_add(P, &seq, &run);
            info_require_all(P, out, &run);
            info_empty(P, &run);
            seq_lead_add(P, &seq, &item);
            info_require_all(P, out, &item);
        }
    }
    if (exact) {
        info_free(out);
        lead_free(&seq);
        *out = run;
    } else {
        seq_lead_add(P, &seq, &run);
        info_require_all(P, out, &run);
        out->ld = seq;
    }
}

static void parse_alt(parser *P, info *out)
{
    parse_seq(P, out);
    while (P->p < P->end && *P->p == '|' && !P->unsupported && !P->oom) {
        P->p++;
        info branch;
        parse_seq(P, &branch);
        info_alt(P, out, &branch);
    }
}

static int orset_cmp(const void *a, const void *b)
{
    const strset *x = a, *y = b;
    if (orset_better(x, y))
        return -1;
    if (orset_better(y, x))
        return 1;
    return strcmp(x->v[0], y->v[0]);
}

/* Requirement of a whole regex: up to MAX_AND OR-sets, best first, in
 * req (taken over by the caller); req->nall == 0 means "always run".
 * Returns 0, or -1 when out of memory. */
static int extract(const char *regex, info *req, strset *starts)
{
    parser P = {(const unsigned char *)regex,
                (const unsigned char *)regex + strlen(regex), 0, 0, 0};
    info x;
    lead ld;
    parse_alt(&P, &x);
    if (P.p != P.end)
        P.unsupported = 1; /* an unbalanced ')' */
    lead_get(&P, &x, &ld);
    info_to_match(&P, &x);
    memset(req, 0, sizeof *req);
    memset(starts, 0, sizeof *starts);
    if (P.oom || P.unsupported) {
        info_free(&x);
        lead_free(&ld);
        return P.oom ? -1 : 0;
    }
    /* A usable lead: every match starts with one of a few strings.  A
     * member that another member begins (e.g. "vp" in "vpx") makes the
     * longer one redundant. */
    if (ld.complete && !ld.empty && ld.s.n > 0) {
        for (size_t i = 0; i < ld.s.n; i++) {
            int redundant = 0;
            for (size_t j = 0; j < ld.s.n && !redundant; j++) {
                size_t lj = strlen(ld.s.v[j]);
                redundant = j != i && strncmp(ld.s.v[i], ld.s.v[j], lj) == 0 &&
                            (strlen(ld.s.v[i]) > lj || j < i);
            }
            if (!redundant && strset_add(starts, ld.s.v[i], strlen(ld.s.v[i])))
                P.oom = 1;
        }
        if (starts->n > 1)
            qsort(starts->v, starts->n, sizeof *starts->v, cmp_str);
    }
    lead_free(&ld);
    /* Identical OR-sets (e.g. from a repeated word) count once. */
    if (x.nall > 1)
        qsort(x.all, x.nall, sizeof *x.all, orset_cmp);
    for (size_t i = 0; i < x.nall; i++) {
        int dup = 0;
        for (size_t j = 0; j < req->nall && !dup; j++) {
            const strset *s = &req->all[j];
            dup = s->n == x.all[i].n;
            for (size_t k = 0; dup && k < s->n; k++)
                dup = strcmp(s->v[k], x.all[i].v[k]) == 0;
        }
        if (!dup && req->nall < MAX_AND)
            info_require(&P, req, &x.all[i]);
    }
    info_free(&x);
    if (P.oom) {
        info_free(req);
        strset_free(starts);
        return -1;
    }
    return 0;
}

/* Text of a requirement for tests and tools: "*" for always run, else
 * OR-sets joined by " & ", atoms by "|"; bytes outside printable ASCII as
 * \xNN. */
static char *describe(const info *req)
{
    kps_buf b = {0};
    int bad = 0;
    if (req->nall == 0)
        bad |= kps_buf_putc(&b, '*');
    for (size_t i = 0; i < req->nall; i++) {
        if (i)
            bad |= kps_buf_append(&b, " & ", 3);
        for (size_t j = 0; j < req->all[i].n; j++) {
            if (j)
                bad |= kps_buf_putc(&b, '|');
            for (const unsigned char *s =
                     (const unsigned char *)req->all[i].v[j];
                 *s; s++) {
                if (*s >= 0x20 && *s < 0x7F) {
                    bad |= kps_buf_putc(&b, (char)*s);
                } else {
                    static const char hex[] = "0123456789abcdef";
                    char esc[4] = {'\\', 'x', hex[*s >> 4], hex[*s & 15]};
                    bad |= kps_buf_append(&b, esc, 4);
                }
            }
        }
    }
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}

char *kps_prefilter_describe_regex(const char *regex)
{
    info req;
    strset starts;
    if (!regex || extract(regex, &req, &starts))
        return NULL;
    char *s = describe(&req);
    info_free(&req);
    strset_free(&starts);
    return s;
}

char *kps_prefilter_describe_lead(const char *regex)
{
    info req;
    info lead_as_req = {0};
    strset starts;
    if (!regex || extract(regex, &req, &starts))
        return NULL;
    info_free(&req);
    lead_as_req.all = &starts;
    lead_as_req.nall = starts.n ? 1 : 0;
    char *s = describe(&lead_as_req);
    strset_free(&starts);
    return s;
}

/* ------------------------------------------------------------------ */
/* Aho-Corasick automaton                                              */
/* ------------------------------------------------------------------ */

/* A dense DFA over byte classes: every byte that occurs in some atom has a
 * class of its own (A-Z share the class of a-z), all other bytes share
 * class 0.  The row width is a power of two and transitions store the
 * target row's offset, so the hot loop is one add and one load per byte.
 * States with output are numbered last, so "is there output here" is one
 * comparison off the critical path. */
struct kps_ac {
    unsigned char cls[256];
    unsigned shift; /* row width = 1 << shift */
    size_t nstates;
    uint32_t *delta;      /* nstates << shift; values are row offsets */
    uint16_t *delta16;    /* the same in half the space, when it fits */
    uint32_t out_row_min; /* rows at or above this one have output */
    size_t natoms;
    uint32_t *atom_len;
    size_t max_atom_len;
    uint32_t *out_start; /* per state: range in out_atoms (nstates + 1) */
    uint32_t *out_atoms;
};

void kps_ac_free(kps_ac *ac)
{
    if (!ac)
        return;
    free(ac->delta);
    free(ac->delta16);
    free(ac->atom_len);
    free(ac->out_start);
    free(ac->out_atoms);
    free(ac);
}

size_t kps_ac_state_count(const kps_ac *ac)
{
    return ac ? ac->nstates : 0;
}

kps_ac *kps_ac_build(const char *const *atoms, size_t natoms)
{
    kps_ac *ac = calloc(1, sizeof *ac);
    uint32_t *child = NULL, *fail = NULL, *queue = NULL, *own_first = NULL,
             *own_next = NULL, *renum = NULL;
    if (!ac)
        return NULL;
    ac->natoms = natoms;

    /* Byte classes. */
    unsigned char used[256] = {0};
    size_t total = 1;
    for (size_t i = 0; i < natoms; i++) {
        if (!atoms[i][0])
            goto fail; /* would make the root an output state */
        for (const unsigned char *p = (const unsigned char *)atoms[i]; *p;
             p++) {
            used[ascii_fold(*p)] = 1;
            total++;
        }
    }
    unsigned ncls = 1;
    for (unsigned c = 0; c < 256; c++)
        if (used[c])
            ac->cls[c] = (unsigned char)ncls++;
    for (unsigned c = 'A'; c <= 'Z'; c++)
        ac->cls[c] = ac->cls[c - 'A' + 'a'];
    while ((1u << ac->shift) < ncls)
        ac->shift++;
    size_t width = (size_t)1 << ac->shift;
    if (total > (UINT32_MAX >> 1) / width)
        goto fail;

    /* Trie: at most one state per atom byte, plus the root.  0 in child
     * means "no edge yet" while building (the root is never a child). */
    child = calloc(total * width, sizeof *child);
    fail = calloc(total, sizeof *fail);
    queue = calloc(total, sizeof *queue);
    own_first = malloc(total * sizeof *own_first);
    own_next = malloc((natoms + 1) * sizeof *own_next);
    renum = malloc(total * sizeof *renum);
    ac->atom_len = malloc((natoms + 1) * sizeof *ac->atom_len);
    if (!child || !fail || !queue || !own_first || !own_next || !renum ||
        !ac->atom_len)
        goto fail;
    for (size_t st = 0; st < total; st++)
        own_first[st] = UINT32_MAX;
    size_t nstates = 1;
    for (size_t i = 0; i < natoms; i++) {
        uint32_t st = 0;
        ac->atom_len[i] = (uint32_t)strlen(atoms[i]);
        if (ac->atom_len[i] > ac->max_atom_len)
            ac->max_atom_len = ac->atom_len[i];
        for (const unsigned char *p = (const unsigned char *)atoms[i]; *p;
             p++) {
            unsigned k = ac->cls[*p];
            if (!child[st * width + k])
                child[st * width + k] = (uint32_t)nstates++;
            st = child[st * width + k];
        }
        own_next[i] = own_first[st];
        own_first[st] = (uint32_t)i;
    }

    /* Breadth-first: failure links, then missing edges from the failure
     * state's row, which is complete by then. */
    size_t head = 0, tail = 0;
    for (size_t k = 0; k < width; k++)
        if (child[k])
            queue[tail++] = child[k];
    while (head < tail) {
        uint32_t st = queue[head++];
        for (size_t k = 0; k < width; k++) {
            uint32_t t = child[st * width + k];
            if (t) {
                fail[t] = child[fail[st] * width + k];
                queue[tail++] = t;
            } else {
                child[st * width + k] = child[fail[st] * width + k];
            }
        }
    }

    /* Outputs: a state reports its own atoms and those of its failure
     * chain (its suffixes).  Count them, then number the states without
     * output first (the root is one: atoms are not empty). */
    size_t nout = 0, next_id = 0, first_out = 0;
    for (size_t st = 0; st < nstates; st++) {
        size_t n = 0;
        for (uint32_t f = (uint32_t)st; f; f = fail[f])
            for (uint32_t a = own_first[f]; a != UINT32_MAX; a = own_next[a])
                n++;
        queue[st] = (uint32_t)n; /* the queue is free again: reuse it */
        nout += n;
        first_out += n == 0;
    }
    for (int with_output = 0; with_output < 2; with_output++)
        for (size_t st = 0; st < nstates; st++)
            if ((queue[st] > 0) == with_output)
                renum[st] = (uint32_t)next_id++;
    ac->nstates = nstates;
    ac->out_row_min = (uint32_t)(first_out << ac->shift);
    ac->out_start = calloc(nstates + 1, sizeof *ac->out_start);
    ac->out_atoms = malloc((nout ? nout : 1) * sizeof *ac->out_atoms);
    ac->delta = malloc(nstates * width * sizeof *ac->delta);
    /* 16-bit transitions halve the table (better cache use) when every
     * row offset fits. */
    if (((nstates - 1) << ac->shift) <= UINT16_MAX)
        ac->delta16 = malloc(nstates * width * sizeof *ac->delta16);
    if (!ac->out_start || !ac->out_atoms || !ac->delta ||
        (((nstates - 1) << ac->shift) <= UINT16_MAX && !ac->delta16))
        goto fail;
    /* out_start in new numbering: count per new state, then prefix sums. */
    for (size_t st = 0; st < nstates; st++)
        for (uint32_t f = (uint32_t)st; f; f = fail[f])
            for (uint32_t a = own_first[f]; a != UINT32_MAX; a = own_next[a])
                ac->out_start[renum[st] + 1]++;
    for (size_t st = 0; st < nstates; st++)
        ac->out_start[st + 1] += ac->out_start[st];
    for (size_t st = 0; st < nstates; st++) {
        uint32_t o = ac->out_start[renum[st]];
        for (uint32_t f = (uint32_t)st; f; f = fail[f])
            for (uint32_t a = own_first[f]; a != UINT32_MAX; a = own_next[a])
                ac->out_atoms[o++] = a;
        for (size_t k = 0; k < width; k++)
            ac->delta[((size_t)renum[st] << ac->shift) + k] =
                renum[child[st * width + k]] << ac->shift;
    }
    if (ac->delta16) {
        for (size_t i = 0; i < nstates * width; i++)
            ac->delta16[i] = (uint16_t)ac->delta[i];
        free(ac->delta);
        ac->delta = NULL;
    }
    free(child);
    free(fail);
    free(queue);
    free(own_first);
    free(own_next);
    free(renum);
    return ac;
fail:
    free(child);
    free(fail);
    free(queue);
    free(own_first);
    free(own_next);
    free(renum);
    kps_ac_free(ac);
    return NULL;
}

void kps_ac_scan(const kps_ac *ac, const char *text, size_t len,
                 unsigned char *found)
{
    const unsigned char *s = (const unsigned char *)text;
    memset(found, 0, ac->natoms);
    uint32_t row = 0;
    for (size_t i = 0; i < len; i++) {
        row = ac->delta16 ? ac->delta16[row + ac->cls[s[i]]]
                          : ac->delta[row + ac->cls[s[i]]];
        if (row >= ac->out_row_min) {
            uint32_t st = row >> ac->shift;
            for (uint32_t o = ac->out_start[st]; o < ac->out_start[st + 1]; o++)
                found[ac->out_atoms[o]] = 1;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Pack prefilter                                                      */
/* ------------------------------------------------------------------ */

struct kps_prefilter {
    kps_ac *ac;
    size_t natoms;
    char **atoms;
    size_t nrules;
    size_t *rule_sets; /* nrules + 1: rule r owns sets [a, b) */
    size_t *set_atoms; /* nsets + 1: set s owns atom ids [a, b) */
    uint32_t *atom_ids;
    size_t *rule_leads; /* nrules + 1: rule r's lead atoms [a, b) */
    uint32_t *lead_ids;
    pcre2_code **window_code;    /* per rule with a lead, else NULL */
    unsigned char *window_owned; /* 1: compiled here; 0: the rule's own */
    /* 1: every match of the rule starts at a word boundary with a word
     * character (see starts_at_word_boundary), so a lead atom found right
     * after an ASCII word character (the "on" of "production") cannot
     * start one. */
    unsigned char *lead_word_start;
    size_t nalways, nleads;
};

void kps_prefilter_free(kps_prefilter *pf)
{
    if (!pf)
        return;
    kps_ac_free(pf->ac);
    if (pf->atoms)
        for (size_t i = 0; i < pf->natoms; i++)
            free(pf->atoms[i]);
    free(pf->atoms);
    free(pf->rule_sets);
    free(pf->set_atoms);
    free(pf->atom_ids);
    free(pf->rule_leads);
    free(pf->lead_ids);
    if (pf->window_code && pf->window_owned)
        for (size_t r = 0; r < pf->nrules; r++)
            if (pf->window_owned[r])
                pcre2_code_free(pf->window_code[r]);
    free(pf->window_code);
    free(pf->window_owned);
    free(pf->lead_word_start);
    free(pf);
}

/* pf->atoms is sorted and distinct. */
static uint32_t atom_id(const kps_prefilter *pf, const char *atom)
{
    char *const *hit =
        bsearch(&atom, pf->atoms, pf->natoms, sizeof *pf->atoms, cmp_str);
    return (uint32_t)(hit - pf->atoms);
}

/* Append copies of the strings of s to v (duplicates allowed). */
static int strv_add_all(strset *v, const strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (strset_push(v, s->v[i]))
            return -1;
    return 0;
}

/* The rule's code for searches confined to candidate starts: it must be
 * compiled with PCRE2_USE_OFFSET_LIMIT, which lets a search try start
 * positions in [from, limit] only, still with JIT.  When the pack compiled
 * the rule that way, that code serves (*owned = 0); otherwise the rule is
 * compiled once more with its own options read back plus that one, so
 * both agree (*owned = 1).  NULL when that fails: the rule is then
 * searched whole. */
static pcre2_code *window_code(const kps_rule *r, unsigned char *owned)
{
    uint32_t options = 0;
    *owned = 0;
    if (!r->code ||
        pcre2_pattern_info(r->code, PCRE2_INFO_ARGOPTIONS, &options) != 0)
        return NULL;
    if (options & PCRE2_USE_OFFSET_LIMIT)
        return r->code;
    int errcode;
    PCRE2_SIZE erroffset;
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)r->regex, PCRE2_ZERO_TERMINATED,
        options | PCRE2_USE_OFFSET_LIMIT, &errcode, &erroffset, NULL);
    if (code) {
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
        *owned = 1;
    }
    return code;
}

/* 1 when every top-level branch of regex begins with \b: then every
 * match starts at a word boundary.  A plain scan of the source, not the
 * parser above: it only needs to find the top-level '|', so it follows
 * escapes, classes and groups, and answers 0 for anything that could hide
 * one (\Q..\E, comments, (?x)). */
static int starts_at_word_boundary(const char *regex)
{
    const char *p = regex;
    int depth = 0, branch_start = 1;
    while (*p) {
        if (branch_start) {
            if (p[0] != '\\' || p[1] != 'b')
                return 0;
            branch_start = 0;
        }
        if (*p == '\\') {
            if (p[1] == 'Q' || p[1] == 'E' || !p[1])
                return 0;
            p += 2;
        } else if (*p == '[') {
            /* A class: a ']' right after '[' or '[^' is a literal. */
            p++;
            if (*p == '^')
                p++;
            if (*p == ']')
                p++;
            while (*p && *p != ']') {
                if (*p == '\\') {
                    if (!p[1] || p[1] == 'Q')
                        return 0;
                    p += 2;
                } else if (p[0] == '[' && p[1] == ':') {
                    const char *close = strstr(p + 2, ":]");
                    if (!close)
                        return 0;
                    p = close + 2;
                } else {
                    p++;
                }
            }
            if (!*p)
                return 0;
            p++;
        } else if (*p == '(') {
            if (p[1] == '?' && (p[2] == '#' || p[2] == 'x'))
                return 0;
            depth++;
            p++;
        } else if (*p == ')') {
            if (--depth < 0)
                return 0;
            p++;
        } else if (*p == '|') {
            branch_start = depth == 0;
            p++;
        } else {
            p++;
        }
    }
    return !branch_start && depth == 0;
}

static int is_ascii_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '_';
}

/* Keep the OR-sets worth an automaton's time (req is sorted best
 * first).  Without a lead, the best one stays whatever its length: it is
 * all the rule has. */
static void keep_filter_sets(info *req, int has_lead)
{
    size_t keep = 0;
    for (size_t i = 0; i < req->nall; i++) {
        int wanted = keep < MAX_FILTER_SETS &&
                     (strset_min_len(&req->all[i]) >= MIN_FILTER_ATOM ||
                      (i == 0 && !has_lead));
        if (wanted)
            req->all[keep++] = req->all[i];
        else
            strset_free(&req->all[i]);
    }
    req->nall = keep;
}

int kps_prefilter_build(const kps_rule *rules, size_t nrules,
                        kps_prefilter **out)
{
    *out = NULL;
    kps_prefilter *pf = calloc(1, sizeof *pf);
    info *reqs = calloc(nrules ? nrules : 1, sizeof *reqs);
    strset *leads = calloc(nrules ? nrules : 1, sizeof *leads);
    strset atoms = {0};
    int rc = KPISCAN_ERR_NOMEM;
    if (!pf || !reqs || !leads)
        goto done;
    pf->nrules = nrules;
    size_t nsets = 0, nids = 0, nlead_ids = 0;
    for (size_t r = 0; r < nrules; r++) {
        if (extract(rules[r].regex, &reqs[r], &leads[r]))
            goto done;
        keep_filter_sets(&reqs[r], leads[r].n > 0);
        nsets += reqs[r].nall;
        for (size_t i = 0; i < reqs[r].nall; i++) {
            nids += reqs[r].all[i].n;
            if (strv_add_all(&atoms, &reqs[r].all[i]))
                goto done;
        }
        nlead_ids += leads[r].n;
        if (strv_add_all(&atoms, &leads[r]))
            goto done;
    }
    /* Sorted and distinct, so atom_id() can bisect. */
    if (atoms.n > 1)
        qsort(atoms.v, atoms.n, sizeof *atoms.v, cmp_str);
    size_t distinct = 0;
    for (size_t i = 0; i < atoms.n; i++) {
        if (distinct && strcmp(atoms.v[distinct - 1], atoms.v[i]) == 0)
            free(atoms.v[i]);
        else
            atoms.v[distinct++] = atoms.v[i];
    }
    atoms.n = distinct;
    pf->natoms = atoms.n;
    pf->atoms = atoms.v;
    memset(&atoms, 0, sizeof atoms);
    pf->rule_sets = calloc(nrules + 1, sizeof *pf->rule_sets);
    pf->set_atoms = calloc(nsets + 1, sizeof *pf->set_atoms);
    pf->atom_ids = calloc(nids ? nids : 1, sizeof *pf->atom_ids);
    pf->rule_leads = calloc(nrules + 1, sizeof *pf->rule_leads);
    pf->lead_ids = calloc(nlead_ids ? nlead_ids : 1, sizeof *pf->lead_ids);
    pf->window_code = calloc(nrules ? nrules : 1, sizeof *pf->window_code);
    pf->window_owned = calloc(nrules ? nrules : 1, 1);
    pf->lead_word_start = calloc(nrules ? nrules : 1, 1);
    if (!pf->rule_sets || !pf->set_atoms || !pf->atom_ids || !pf->rule_leads ||
        !pf->lead_ids || !pf->window_code || !pf->window_owned ||
        !pf->lead_word_start)
        goto done;
    size_t s = 0, k = 0, l = 0;
    for (size_t r = 0; r < nrules; r++) {
        pf->rule_sets[r] = s;
        for (size_t i = 0; i < reqs[r].nall; i++, s++) {
            pf->set_atoms[s] = k;
            for (size_t j = 0; j < reqs[r].all[i].n; j++)
                pf->atom_ids[k++] = atom_id(pf, reqs[r].all[i].v[j]);
        }
        pf->rule_leads[r] = l;
        if (leads[r].n && (pf->window_code[r] =
                               window_code(&rules[r], &pf->window_owned[r]))) {
            /* \b then a word character: the character before a match
             * is not a word character. */
            int word_start = starts_at_word_boundary(rules[r].regex);
            for (size_t j = 0; j < leads[r].n; j++) {
                pf->lead_ids[l++] = atom_id(pf, leads[r].v[j]);
                word_start = word_start &&
                             is_ascii_word((unsigned char)leads[r].v[j][0]);
            }
            pf->lead_word_start[r] = (unsigned char)word_start;
            pf->nleads++;
        }
        if (pf->rule_sets[r] == s && pf->rule_leads[r] == l)
            pf->nalways++;
    }
    pf->rule_sets[nrules] = s;
    pf->set_atoms[nsets] = k;
    pf->rule_leads[nrules] = l;
    pf->ac = kps_ac_build((const char *const *)pf->atoms, pf->natoms);
    if (!pf->ac)
        goto done;
    *out = pf;
    pf = NULL;
    rc = KPISCAN_OK;
done:
    for (size_t r = 0; reqs && leads && r < nrules; r++) {
        info_free(&reqs[r]);
        strset_free(&leads[r]);
    }
    free(reqs);
    free(leads);
    strset_free(&atoms);
    kps_prefilter_free(pf);
    return rc;
}

size_t kps_prefilter_always_count(const kps_prefilter *pf)
{
    return pf ? pf->nalways : 0;
}

size_t kps_prefilter_lead_count(const kps_prefilter *pf)
{
    return pf ? pf->nleads : 0;
}

const void *kps_prefilter_window_code(const kps_prefilter *pf, size_t rule)
{
    return pf && rule < pf->nrules ? pf->window_code[rule] : NULL;
}

void kps_pf_scan_free(kps_pf_scan *st)
{
    free(st->active);
    free(st->chunk_pos);
    free(st->chunk_state);
    free(st->chunk2_pos);
    free(st->chunk2_state);
    free(st->ev_pos);
    free(st->ev_state);
    free(st->ev2_pos);
    free(st->ev2_state);
    free(st->atom_first);
    free(st->atom_pos);
    free(st->cand);
    free(st->bits);
    memset(st, 0, sizeof *st);
}

/* Grow *v (elements of size) to hold need; 0 or -1. */
static int grow_to(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*v, n * size);
    if (!p)
        return -1;
    *v = p;
    *cap = n;
    return 0;
}

/* One chunk of the automaton over s[base..end): the end position and
 * state of every step go to pos/state, but only steps into a state with
 * output are counted (and so kept); returns how many.  restrict: the
 * tables and the text are never written here, which lets the compiler
 * keep them in registers. */
static size_t run_chunk16(const uint16_t *restrict delta,
                          const unsigned char *restrict cls,
                          const unsigned char *restrict s, size_t base,
                          size_t end, uint32_t *row_io, uint32_t out_min,
                          unsigned shift, uint32_t *restrict pos,
                          uint32_t *restrict state)
{
    uint32_t row = *row_io;
    size_t c = 0;
    for (size_t i = base; i < end; i++) {
        row = delta[row + cls[s[i]]];
        pos[c] = (uint32_t)(i + 1);
        state[c] = row >> shift;
        c += row >= out_min;
    }
    *row_io = row;
    return c;
}

/* The same with 32-bit transitions (large automata). */
static size_t run_chunk32(const uint32_t *restrict delta,
                          const unsigned char *restrict cls,
                          const unsigned char *restrict s, size_t base,
                          size_t end, uint32_t *row_io, uint32_t out_min,
                          unsigned shift, uint32_t *restrict pos,
                          uint32_t *restrict state)
{
    uint32_t row = *row_io;
    size_t c = 0;
    for (size_t i = base; i < end; i++) {
        row = delta[row + cls[s[i]]];
        pos[c] = (uint32_t)(i + 1);
        state[c] = row >> shift;
        c += row >= out_min;
    }
    *row_io = row;
    return c;
}

/*
 * Two automaton runs interleaved in one loop, over s[a, a + n) and
 * s[b, b + n).  A DFA step waits for the previous step's table load, so a
 * single run is bound by load latency; two independent runs fill each
 * other's wait and take little more time than one.  Events as in
 * run_chunk16(), into two buffers.
 */
static void run_pair16(const uint16_t *restrict delta,
                       const unsigned char *restrict cls,
                       const unsigned char *restrict s, size_t a, size_t b,
                       size_t n, uint32_t *row_a, uint32_t *row_b,
                       uint32_t out_min, unsigned shift,
                       uint32_t *restrict pos_a, uint32_t *restrict state_a,
                       size_t *count_a, uint32_t *restrict pos_b,
                       uint32_t *restrict state_b, size_t *count_b)
{
    uint32_t x = *row_a, y = *row_b;
    size_t ca = 0, cb = 0;
    for (size_t i = 0; i < n; i++) {
        x = delta[x + cls[s[a + i]]];
        y = delta[y + cls[s[b + i]]];
        pos_a[ca] = (uint32_t)(a + i + 1);
        state_a[ca] = x >> shift;
        ca += x >= out_min;
        pos_b[cb] = (uint32_t)(b + i + 1);
        state_b[cb] = y >> shift;
        cb += y >= out_min;
    }
    *row_a = x;
    *row_b = y;
    *count_a = ca;
    *count_b = cb;
}

/* Append c events to the growing event arrays (*pos, *state) holding *n. */
static int append_events(uint32_t **pos, size_t *cap_pos, uint32_t **state,
                         size_t *cap_state, size_t *n, const uint32_t *cpos,
                         const uint32_t *cstate, size_t c)
{
    if (grow_to((void **)pos, cap_pos, *n + c + 1, sizeof **pos) ||
        grow_to((void **)state, cap_state, *n + c + 1, sizeof **state))
        return -1;
    memcpy(*pos + *n, cpos, c * sizeof *cpos);
    memcpy(*state + *n, cstate, c * sizeof *cstate);
    *n += c;
    return 0;
}

/*
 * The events of a text in two halves at once (delta16 automata, texts of
 * a few KB and more).  The second run starts max_atom_len bytes before the
 * middle from the root, without recording: an automaton state stands for
 * at most that many trailing bytes, so at the middle it is in exactly the
 * state a single run would be in, and every event after the middle is the
 * same.  The second half's events are appended after the first's, so the
 * event list is identical to a single run's, in the same order.
 */
static int record_halves(const kps_ac *ac, const unsigned char *s, size_t len,
                         kps_pf_scan *st, size_t *nev)
{
    size_t mid = len / 2;
    size_t n = 0, n2 = 0;
    uint32_t ra = 0, rb = 0;
    for (size_t i = mid - ac->max_atom_len; i < mid; i++)
        rb = ac->delta16[rb + ac->cls[s[i]]];
    size_t half_b = len - mid; /* half_b >= mid, by at most one byte */
    for (size_t off = 0; off < half_b; off += KPS_PF_CHUNK) {
        size_t step = half_b - off < KPS_PF_CHUNK ? half_b - off : KPS_PF_CHUNK;
        size_t ca = 0, cb = 0;
        if (off < mid) {
            size_t both = mid - off < step ? mid - off : step;
            run_pair16(ac->delta16, ac->cls, s, off, mid + off, both, &ra, &rb,
                       ac->out_row_min, ac->shift, st->chunk_pos,
                       st->chunk_state, &ca, st->chunk2_pos, st->chunk2_state,
                       &cb);
            if (append_events(&st->ev_pos, &st->cap_ev, &st->ev_state,
                              &st->cap_ev_state, &n, st->chunk_pos,
                              st->chunk_state, ca))
                return -1;
            if (both < step) {
                size_t c = run_chunk16(
                    ac->delta16, ac->cls, s, mid + off + both, mid + off + step,
                    &rb, ac->out_row_min, ac->shift, st->chunk2_pos + cb,
                    st->chunk2_state + cb);
                cb += c;
            }
        } else {
            cb = run_chunk16(ac->delta16, ac->cls, s, mid + off,
                             mid + off + step, &rb, ac->out_row_min, ac->shift,
                             st->chunk2_pos, st->chunk2_state);
        }
        if (append_events(&st->ev2_pos, &st->cap_ev2, &st->ev2_state,
                          &st->cap_ev2_state, &n2, st->chunk2_pos,
                          st->chunk2_state, cb))
            return -1;
    }
    if (append_events(&st->ev_pos, &st->cap_ev, &st->ev_state,
                      &st->cap_ev_state, &n, st->ev2_pos, st->ev2_state, n2))
        return -1;
    *nev = n;
    return 0;
}

/* One automaton pass that records every position where some atom ends,
 * then groups the end positions by atom (counting sort). */
static int record_atoms(const kps_prefilter *pf, const char *text, size_t len,
                        kps_pf_scan *st)
{
    const kps_ac *ac = pf->ac;
    const unsigned char *s = (const unsigned char *)text;
    const uint32_t *delta = ac->delta;
    const unsigned char *cls = ac->cls;
    const uint32_t out_min = ac->out_row_min;
    const unsigned shift = ac->shift;
    size_t natoms = pf->natoms;
    size_t n = 0;
    /* The loop records without a branch: each step stores into a chunk
     * buffer with room for an event at every byte, and counts the event
     * only when the state has output (a data dependency, not a jump that
     * mispredicts at every tenth byte of English text).  The real events
     * of each chunk are then appended, so memory follows the events, not
     * the text. */
    if (grow_to((void **)&st->chunk_pos, &st->cap_chunk, KPS_PF_CHUNK,
                sizeof *st->chunk_pos) ||
        grow_to((void **)&st->chunk_state, &st->cap_chunk_state, KPS_PF_CHUNK,
                sizeof *st->chunk_state))
        return -1;
    uint32_t *cpos = st->chunk_pos, *cstate = st->chunk_state;
    uint32_t row = 0;
    if (ac->delta16 && len >= 4 * KPS_PF_CHUNK && len / 2 > ac->max_atom_len) {
        if (grow_to((void **)&st->chunk2_pos, &st->cap_chunk2, KPS_PF_CHUNK,
                    sizeof *st->chunk2_pos) ||
            grow_to((void **)&st->chunk2_state, &st->cap_chunk2_state,
                    KPS_PF_CHUNK, sizeof *st->chunk2_state) ||
            record_halves(ac, s, len, st, &n))
            return -1;
    } else {
        for (size_t base = 0; base < len; base += KPS_PF_CHUNK) {
            size_t end = len - base < KPS_PF_CHUNK ? len : base + KPS_PF_CHUNK;
            size_t c = ac->delta16
                           ? run_chunk16(ac->delta16, cls, s, base, end, &row,
                                         out_min, shift, cpos, cstate)
                           : run_chunk32(delta, cls, s, base, end, &row,
                                         out_min, shift, cpos, cstate);
            if (append_events(&st->ev_pos, &st->cap_ev, &st->ev_state,
                              &st->cap_ev_state, &n, cpos, cstate, c))
                return -1;
        }
    }
    if (grow_to((void **)&st->atom_first, &st->cap_atom_first, natoms + 1,
                sizeof *st->atom_first))
        return -1;
    uint32_t *first = st->atom_first;
    memset(first, 0, (natoms + 1) * sizeof *first);
    size_t total = 0;
    for (size_t e = 0; e < n; e++) {
        uint32_t q = st->ev_state[e];
        for (uint32_t o = ac->out_start[q]; o < ac->out_start[q + 1]; o++)
            first[ac->out_atoms[o] + 1]++;
        total += ac->out_start[q + 1] - ac->out_start[q];
    }
    for (size_t a = 0; a < natoms; a++)
        first[a + 1] += first[a];
    if (grow_to((void **)&st->atom_pos, &st->cap_atom_pos, total + 1,
                sizeof *st->atom_pos))
        return -1;
    /* Fill in event order, so each atom's positions ascend; first[a] is
     * advanced while filling and restored after. */
    for (size_t e = 0; e < n; e++) {
        uint32_t q = st->ev_state[e];
        for (uint32_t o = ac->out_start[q]; o < ac->out_start[q + 1]; o++)
            st->atom_pos[first[ac->out_atoms[o]]++] = st->ev_pos[e];
    }
    for (size_t a = natoms; a > 0; a--)
        first[a] = first[a - 1];
    first[0] = 0;
    return 0;
}

/* Does text hold a character of fold_to_ascii[]?  memchr for their
 * first bytes, which is far quicker than giving them automaton classes. */
static int has_fold_char(const char *text, size_t len)
{
    for (size_t i = 0; i < NFOLD; i++) {
        const char *f = fold_to_ascii[i];
        size_t flen = strlen(f);
        const char *p = text, *end = text + len;
        while ((p = memchr(p, f[0], (size_t)(end - p))) != NULL) {
            if ((size_t)(end - p) >= flen && memcmp(p, f, flen) == 0)
                return 1;
            p++;
        }
    }
    return 0;
}

int kps_prefilter_scan(const kps_prefilter *pf, const char *text, size_t len,
                       kps_pf_scan *st)
{
    if (grow_to((void **)&st->active, &st->cap_active, pf->nrules + 1, 1))
        return KPISCAN_ERR_NOMEM;
    st->nactive = 0;
    st->text = text;
    /* Positions are kept in 32 bits; a larger text (far beyond any
     * resume) simply runs every rule over the whole text. */
    st->run_all = len > UINT32_MAX - 1 || has_fold_char(text, len);
    size_t words = len / 64 + 1;
    if (!st->run_all && st->cap_bits < words) {
        /* Zeroed once; kps_prefilter_candidates() leaves it zero. */
        free(st->bits);
        st->bits = calloc(words, sizeof *st->bits);
        st->cap_bits = st->bits ? words : 0;
        if (!st->bits)
            return KPISCAN_ERR_NOMEM;
    }
    if (!st->run_all && record_atoms(pf, text, len, st))
        return KPISCAN_ERR_NOMEM;
    for (size_t r = 0; r < pf->nrules; r++) {
        int on = 1;
        if (!st->run_all) {
            for (size_t s = pf->rule_sets[r]; s < pf->rule_sets[r + 1] && on;
                 s++) {
                on = 0;
                for (size_t k = pf->set_atoms[s];
                     k < pf->set_atoms[s + 1] && !on; k++)
                    on = st->atom_first[pf->atom_ids[k] + 1] >
                         st->atom_first[pf->atom_ids[k]];
            }
            /* The lead is required too: a match starts with it. */
            if (on && pf->rule_leads[r] < pf->rule_leads[r + 1]) {
                on = 0;
                for (size_t k = pf->rule_leads[r];
                     k < pf->rule_leads[r + 1] && !on; k++)
                    on = st->atom_first[pf->lead_ids[k] + 1] >
                         st->atom_first[pf->lead_ids[k]];
            }
        }
        st->active[r] = (unsigned char)on;
        st->nactive += (size_t)on;
    }
    return KPISCAN_OK;
}

int kps_prefilter_candidates(const kps_prefilter *pf, kps_pf_scan *st,
                             size_t rule, const size_t **cand, size_t *ncand)
{
    *cand = NULL;
    *ncand = 0;
    if (st->run_all || !pf->window_code[rule])
        return 0;
    size_t n = 0;
    for (size_t k = pf->rule_leads[rule]; k < pf->rule_leads[rule + 1]; k++) {
        uint32_t a = pf->lead_ids[k];
        n += st->atom_first[a + 1] - st->atom_first[a];
    }
    if (grow_to((void **)&st->cand, &st->cap_cand, n + 1, sizeof *st->cand))
        return -1;
    /* A match starts where one of the lead atoms starts.  Each atom's
     * positions ascend; a bitmap over the text merges and dedups them
     * (left all zero again for the next rule). */
    size_t lo = SIZE_MAX, hi = 0;
    uint64_t *bits = st->bits;
    const unsigned char *text = (const unsigned char *)st->text;
    int word_start = pf->lead_word_start[rule];
    for (size_t k = pf->rule_leads[rule]; k < pf->rule_leads[rule + 1]; k++) {
        uint32_t a = pf->lead_ids[k];
        for (uint32_t i = st->atom_first[a]; i < st->atom_first[a + 1]; i++) {
            size_t at = st->atom_pos[i] - pf->ac->atom_len[a];
            if (word_start && at && is_ascii_word(text[at - 1]))
                continue; /* inside a word: the \b fails there */
            bits[at >> 6] |= (uint64_t)1 << (at & 63);
            if ((at >> 6) < lo)
                lo = at >> 6;
            if ((at >> 6) > hi)
                hi = at >> 6;
        }
    }
    size_t m = 0;
    for (size_t w = lo; n && w <= hi; w++) {
        uint64_t word = bits[w];
        bits[w] = 0;
        while (word) {
            st->cand[m++] = (w << 6) + (size_t)__builtin_ctzll(word);
            word &= word - 1;
        }
    }
    *cand = st->cand;
    *ncand = m;
    return 1;
}

char *kps_prefilter_describe_rule(const kps_prefilter *pf, size_t rule)
{
    if (!pf || rule >= pf->nrules)
        return NULL;
    kps_buf b = {0};
    int bad = 0;
    if (pf->rule_sets[rule] == pf->rule_sets[rule + 1])
        bad |= kps_buf_putc(
            &b, pf->rule_leads[rule] == pf->rule_leads[rule + 1] ? '*' : '-');
    for (size_t s = pf->rule_sets[rule]; s < pf->rule_sets[rule + 1]; s++) {
        if (s > pf->rule_sets[rule])
            bad |= kps_buf_append(&b, " & ", 3);
        for (size_t k = pf->set_atoms[s]; k < pf->set_atoms[s + 1]; k++) {
            const char *a = pf->atoms[pf->atom_ids[k]];
            if (k > pf->set_atoms[s])
                bad |= kps_buf_putc(&b, '|');
            bad |= kps_buf_append(&b, a, strlen(a));
        }
    }
    bad |= kps_buf_append(&b, " @ ", 3);
    if (pf->lead_word_start[rule])
        bad |= kps_buf_append(&b, "\\b", 2);
    if (pf->rule_leads[rule] == pf->rule_leads[rule + 1])
        bad |= kps_buf_putc(&b, '*');
    for (size_t k = pf->rule_leads[rule]; k < pf->rule_leads[rule + 1]; k++) {
        const char *a = pf->atoms[pf->lead_ids[k]];
        if (k > pf->rule_leads[rule])
            bad |= kps_buf_putc(&b, '|');
        bad |= kps_buf_append(&b, a, strlen(a));
    }
    if (bad) {
        kps_buf_free(&b);
        return NULL;
    }
    return b.data;
}
