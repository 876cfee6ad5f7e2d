/* atoms.c - what a rule's regex requires of a text: the literal
 * "atoms" of the prefilter (match/prefilter.c explains the design).
 *
 * Soundness is everything here: a wrong atom silently loses evidence.  So
 * the regex parser below models only the PCRE2 syntax it understands
 * (literals, simple escapes, classes, groups, alternation, quantifiers,
 * lookarounds, the options i/m/s/n) and marks every other construct
 * "always run".  Dropping a requirement or a lead is always sound; only
 * adding one needs proof.  Each node is either "exact" (it matches
 * exactly one of a small set of strings) or a conjunction of OR-sets its
 * matches contain, and beside that, what its matches start with. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "match/atoms.h"
#include "match/prefilter.h"

/* Build-time caps.  Hitting one only makes a requirement weaker (or the
 * rule "always run"), never wrong. */
#define MAX_EXACT 64    /* strings in an exact set */
#define MAX_ATOM_LEN 48 /* bytes in one exact string */
#define MAX_OR 128      /* atoms in one OR-set */
#define MAX_AND 4       /* OR-sets kept per rule */
#define MAX_DEPTH 64    /* group nesting the parser follows */

/* ------------------------------------------------------------------ */
/* String sets                                                         */
/* ------------------------------------------------------------------ */

void kps_strset_free(strset *s)
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
int kps_strset_push(strset *s, const char *str)
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

size_t kps_strset_min_len(const strset *s)
{
    size_t m = (size_t)-1;
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->v[i]);
        if (l < m)
            m = l;
    }
    return s->n ? m : 0;
}

int kps_cmp_str(const void *a, const void *b)
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
        qsort(s->v, s->n, sizeof *s->v, kps_cmp_str);
}

/* ------------------------------------------------------------------ */
/* Leads                                                               */
/* ------------------------------------------------------------------ */

static void lead_free(lead *l)
{
    kps_strset_free(&l->s);
    l->empty = l->complete = 0;
}

/* dst := dst | src (either may start the match); src is left alone. */
static int lead_union(lead *dst, const lead *src)
{
    dst->empty |= src->empty;
    dst->complete = dst->complete && src->complete;
    if (!dst->complete) {
        kps_strset_free(&dst->s);
        return 0;
    }
    for (size_t i = 0; i < src->s.n; i++)
        if (strset_add(&dst->s, src->s.v[i], strlen(src->s.v[i])))
            return -1;
    if (dst->s.n > MAX_OR) {
        dst->complete = 0;
        kps_strset_free(&dst->s);
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
        else if (kps_strset_push(&out->s, set->v[i]))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Requirement model                                                   */
/* ------------------------------------------------------------------ */

typedef struct parser {
    const unsigned char *p, *end;
    int unsupported; /* a construct we do not model: always run */
    int oom;
    int depth;
} parser;

void kps_info_free(info *x)
{
    kps_strset_free(&x->set);
    for (size_t i = 0; i < x->nall; i++)
        kps_strset_free(&x->all[i]);
    free(x->all);
    lead_free(&x->ld);
    memset(x, 0, sizeof *x);
}

static void info_any(info *x)
{
    kps_info_free(x);
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
            kps_strset_free(s);
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
        kps_strset_free(&s);
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
        if (kps_strset_push(&out->s, x->ld.s.v[i]))
            P->oom = 1;
}

/* A better OR-set is one whose shortest atom is longer (rarer in text),
 * then one with fewer atoms. */
static int orset_better(const strset *a, const strset *b)
{
    size_t la = kps_strset_min_len(a), lb = kps_strset_min_len(b);
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
    kps_info_free(b);
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
        kps_info_free(b);
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
    kps_strset_free(&a->set);
    a->set = cross;
    kps_info_free(b);
    return 1;
}

/* a := a | b; b is consumed. */
static void info_alt(parser *P, info *a, info *b)
{
    if (a->exact && b->exact && a->set.n + b->set.n <= MAX_EXACT) {
        for (size_t i = 0; i < b->set.n; i++)
            if (strset_add(&a->set, b->set.v[i], strlen(b->set.v[i])))
                P->oom = 1;
        kps_info_free(b);
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
    kps_info_free(a);
    kps_info_free(b);
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
            /* Option settings: only those that change neither how the
             * pattern is read nor what a literal requires of the caseless
             * automaton.  Unsetting one ("(?-i:S)trategic") qualifies: a
             * case-sensitive literal still contains its caseless atom. */
            while (P->p < P->end && strchr("imsn-", *P->p) && *P->p)
                P->p++;
            if (P->p < P->end && *P->p == ')') {
                P->p++;
                info_empty(P, x); /* (?i) etc. */
                return;
            }
            if (P->p < P->end && *P->p == ':' && P->p[-1] != '?') {
                P->p++;
            } else {
                /* (?x), (?^), (?#...), (?R), (?1), (?&name),
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
        kps_info_free(&inner);
        return;
    }
    P->p++;
    if (lookaround) {
        /* Matches no characters; what it looks at is not needed. */
        kps_info_free(&inner);
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
        kps_strset_free(&seq->s);
    }
    seq->empty = l.empty;
    lead_free(&l);
}

/* A literal character outside a class that stands for itself. */
static int is_plain(unsigned char c)
{
    return c && c < 0x80 && !strchr("\\^$.|?*+()[{", c);
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
        kps_info_free(out);
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
int kps_atoms_extract(const char *regex, info *req, strset *starts)
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
        kps_info_free(&x);
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
            qsort(starts->v, starts->n, sizeof *starts->v, kps_cmp_str);
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
    kps_info_free(&x);
    if (P.oom) {
        kps_info_free(req);
        kps_strset_free(starts);
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
    if (!regex || kps_atoms_extract(regex, &req, &starts))
        return NULL;
    char *s = describe(&req);
    kps_info_free(&req);
    kps_strset_free(&starts);
    return s;
}

char *kps_prefilter_describe_lead(const char *regex)
{
    info req;
    info lead_as_req = {0};
    strset starts;
    if (!regex || kps_atoms_extract(regex, &req, &starts))
        return NULL;
    kps_info_free(&req);
    lead_as_req.all = &starts;
    lead_as_req.nall = starts.n ? 1 : 0;
    char *s = describe(&lead_as_req);
    kps_strset_free(&starts);
    return s;
}
