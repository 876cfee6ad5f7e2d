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
 * A candidate is then confirmed (kps_prefilter_confirm): every OR-set of
 * the requirement must have an atom between the candidate and the end of
 * its sentence, the first line break no accepted match crosses (match.c,
 * kps_sentence_ends), so "reported" far from any "management" costs no
 * PCRE2 search.
 *
 * Soundness is everything here: a wrong atom silently loses evidence.  So
 * the regex parser (atoms.c) models only the PCRE2 syntax it understands
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

#include "base/base.h"
#include "base/util.h"
#include "match/pack.h"
#include "match/atoms.h"
#include "match/prefilter.h"

/* Build-time caps of the automaton (the regex parser's are in atoms.c).
 * In the automaton, an OR-set beside the lead must have atoms of at least
 * this length (or "%"), and none of COMMON_WORDS: shorter ones ("to",
 * "of") and the commonest words occur in every resume, filter nothing, and
 * cost an automaton event at each occurrence.  Three letters keep "kpi", "roi",
 * "ceo" and "bod", the words that make many rules' other halves. */
#define MIN_FILTER_ATOM 3
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
    /* 1: the rule has OR-sets and none of their atoms holds a line break,
     * so kps_prefilter_confirm() may look for them within a sentence. */
    unsigned char *confirmable;
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
    free(pf->confirmable);
    free(pf);
}

/* pf->atoms is sorted and distinct. */
static uint32_t atom_id(const kps_prefilter *pf, const char *atom)
{
    char *const *hit =
        bsearch(&atom, pf->atoms, pf->natoms, sizeof *pf->atoms, kps_cmp_str);
    return (uint32_t)(hit - pf->atoms);
}

/* Append copies of the strings of s to v (duplicates allowed). */
static int strv_add_all(strset *v, const strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (kps_strset_push(v, s->v[i]))
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
            if (p[1] == '?' && p[2] == '#')
                return 0; /* a comment could hold '|' or ')' */
            if (p[1] == '?') {
                /* option letters: x (or xx) makes '#' start a comment
                 * (the parser above refuses them too; this scan must not
                 * rely on it) */
                const char *o = p + 2;
                while ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z') ||
                       *o == '-' || *o == '^')
                    if (*o++ == 'x')
                        return 0;
            }
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
static const char *const COMMON_WORDS[] = {
    "and", "any", "are", "but", "can", "for", "had", "has", "her", "his",
    "its", "not", "our", "out", "per", "the", "was", "who", "you",
};

/* Whether an OR-set filters well enough to be worth the automaton's
 * events: every atom has MIN_FILTER_ATOM bytes or is "%" (short, but as
 * rare in a resume as the results it stands beside), and none is one of
 * COMMON_WORDS. */
static int worth_filtering(const strset *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strlen(s->v[i]) < MIN_FILTER_ATOM && strcmp(s->v[i], "%") != 0)
            return 0;
        for (size_t w = 0; w < sizeof COMMON_WORDS / sizeof *COMMON_WORDS; w++)
            if (strcmp(s->v[i], COMMON_WORDS[w]) == 0)
                return 0;
    }
    return 1;
}

static void keep_filter_sets(info *req, int has_lead)
{
    size_t keep = 0;
    for (size_t i = 0; i < req->nall; i++) {
        int wanted = keep < MAX_FILTER_SETS &&
                     (worth_filtering(&req->all[i]) || (i == 0 && !has_lead));
        if (wanted)
            req->all[keep++] = req->all[i];
        else
            kps_strset_free(&req->all[i]);
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
        if (kps_atoms_extract(rules[r].regex, &reqs[r], &leads[r]))
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
        qsort(atoms.v, atoms.n, sizeof *atoms.v, kps_cmp_str);
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
    pf->confirmable = calloc(nrules ? nrules : 1, 1);
    if (!pf->rule_sets || !pf->set_atoms || !pf->atom_ids || !pf->rule_leads ||
        !pf->lead_ids || !pf->window_code || !pf->window_owned ||
        !pf->lead_word_start || !pf->confirmable)
        goto done;
    size_t s = 0, k = 0, l = 0;
    for (size_t r = 0; r < nrules; r++) {
        pf->rule_sets[r] = s;
        int confirmable = reqs[r].nall > 0;
        for (size_t i = 0; i < reqs[r].nall; i++, s++) {
            pf->set_atoms[s] = k;
            for (size_t j = 0; j < reqs[r].all[i].n; j++) {
                pf->atom_ids[k++] = atom_id(pf, reqs[r].all[i].v[j]);
                confirmable = confirmable && !strchr(reqs[r].all[i].v[j], '\n');
            }
        }
        pf->confirmable[r] = (unsigned char)confirmable;
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
        kps_info_free(&reqs[r]);
        kps_strset_free(&leads[r]);
    }
    free(reqs);
    free(leads);
    kps_strset_free(&atoms);
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
    free(st->end_blocks);
    memset(st, 0, sizeof *st);
}

/* One chunk of the automaton over s[base..end): the end position and
 * state of every step go to pos/state, but only steps into a state with
 * output are counted (and so kept); returns how many.  restrict: the
 * tables and the text are never written here, which lets the compiler
 * keep them in registers.  Made for 16-bit transitions (run_chunk16) and
 * 32-bit ones (run_chunk32, large automata): one body, two element
 * types, each its own tight loop. */
#define DEFINE_RUN_CHUNK(name, delta_type)                                     \
    static size_t name(                                                        \
        const delta_type *restrict delta, const unsigned char *restrict cls,   \
        const unsigned char *restrict s, size_t base, size_t end,              \
        uint32_t *row_io, uint32_t out_min, unsigned shift,                    \
        uint32_t *restrict pos, uint32_t *restrict state)                      \
    {                                                                          \
        uint32_t row = *row_io;                                                \
        size_t c = 0;                                                          \
        for (size_t i = base; i < end; i++) {                                  \
            row = delta[row + cls[s[i]]];                                      \
            pos[c] = (uint32_t)(i + 1);                                        \
            state[c] = row >> shift;                                           \
            c += row >= out_min;                                               \
        }                                                                      \
        *row_io = row;                                                         \
        return c;                                                              \
    }
DEFINE_RUN_CHUNK(run_chunk16, uint16_t)
DEFINE_RUN_CHUNK(run_chunk32, uint32_t)
#undef DEFINE_RUN_CHUNK

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
    if (kps_array_reserve(pos, cap_pos, *n + c + 1, sizeof **pos, 64) ||
        kps_array_reserve(state, cap_state, *n + c + 1, sizeof **state, 64))
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
    if (kps_array_reserve(&st->chunk_pos, &st->cap_chunk, KPS_PF_CHUNK,
                          sizeof *st->chunk_pos, 64) ||
        kps_array_reserve(&st->chunk_state, &st->cap_chunk_state, KPS_PF_CHUNK,
                          sizeof *st->chunk_state, 64))
        return -1;
    uint32_t *cpos = st->chunk_pos, *cstate = st->chunk_state;
    uint32_t row = 0;
    if (ac->delta16 && len >= 4 * KPS_PF_CHUNK && len / 2 > ac->max_atom_len) {
        if (kps_array_reserve(&st->chunk2_pos, &st->cap_chunk2, KPS_PF_CHUNK,
                              sizeof *st->chunk2_pos, 64) ||
            kps_array_reserve(&st->chunk2_state, &st->cap_chunk2_state,
                              KPS_PF_CHUNK, sizeof *st->chunk2_state, 64) ||
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
    if (kps_array_reserve(&st->atom_first, &st->cap_atom_first, natoms + 1,
                          sizeof *st->atom_first, 64))
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
    if (kps_array_reserve(&st->atom_pos, &st->cap_atom_pos, total + 1,
                          sizeof *st->atom_pos, 64))
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
    /* A new text, whatever follows: nothing of the last one's state may
     * be read for it, even after a failure here. */
    st->nactive = 0;
    st->text = text;
    st->len = len;
    st->end_blocks_ready = 0; /* its sentence ends are not indexed yet */
    if (kps_array_reserve(&st->active, &st->cap_active, pf->nrules + 1, 1, 64))
        return KPISCAN_ERR_NOMEM;
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
    size_t n = 0, occurring = 0;
    uint32_t only = 0;
    for (size_t k = pf->rule_leads[rule]; k < pf->rule_leads[rule + 1]; k++) {
        uint32_t a = pf->lead_ids[k];
        uint32_t count = st->atom_first[a + 1] - st->atom_first[a];
        n += count;
        if (count) {
            occurring++;
            only = a;
        }
    }
    if (kps_array_reserve(&st->cand, &st->cap_cand, n + 1, sizeof *st->cand,
                          64))
        return -1;
    const unsigned char *text = (const unsigned char *)st->text;
    int word_start = pf->lead_word_start[rule];
    size_t m = 0;
    if (occurring == 1) {
        /* One lead atom occurs: its starts already ascend, each once, and
         * a bitmap pass over the whole text would only copy them. */
        for (uint32_t i = st->atom_first[only]; i < st->atom_first[only + 1];
             i++) {
            size_t at = st->atom_pos[i] - pf->ac->atom_len[only];
            if (word_start && at && is_ascii_word(text[at - 1]))
                continue; /* inside a word: the \b fails there */
            st->cand[m++] = at;
        }
        *cand = st->cand;
        *ncand = m;
        return 1;
    }
    /* A match starts where one of the lead atoms starts.  Each atom's
     * positions ascend; a bitmap over the text merges and dedups them
     * (left all zero again for the next rule). */
    size_t lo = SIZE_MAX, hi = 0;
    uint64_t *bits = st->bits;
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

int kps_prefilter_confirmable(const kps_prefilter *pf, size_t rule)
{
    return pf->confirmable[rule];
}

/* The first set bit at or after bit `from`, looking no further than word
 * hi; SIZE_MAX when there is none. */
static size_t next_bit(const uint64_t *bits, size_t from, size_t hi)
{
    size_t w = from >> 6;
    if (w > hi)
        return SIZE_MAX;
    uint64_t word = bits[w] & (~(uint64_t)0 << (from & 63));
    while (!word && w < hi)
        word = bits[++w];
    return word ? (w << 6) + (size_t)__builtin_ctzll(word) : SIZE_MAX;
}

/* Index the sentence ends by 64-byte block (kps_pf_scan.end_blocks), so
 * each rule's confirmation finds a candidate's sentence end in a few
 * steps instead of walking every end before it.  Without memory the
 * index stays NULL and next_end() walks. */
static void index_ends(kps_pf_scan *st, const uint32_t *ends, size_t nends)
{
    st->end_blocks_ready = 1;
    size_t nblocks = st->len / 64 + 1;
    if (kps_array_reserve(&st->end_blocks, &st->cap_end_blocks, nblocks,
                          sizeof *st->end_blocks, 64)) {
        free(st->end_blocks);
        st->end_blocks = NULL;
        st->cap_end_blocks = 0;
        return;
    }
    size_t i = 0;
    for (size_t b = 0; b < nblocks; b++) {
        while (i < nends && ends[i] < b * 64)
            i++;
        st->end_blocks[b] = (uint32_t)i;
    }
}

/* The index of the first end at or after offset at, looking from index
 * e on (candidates ascend, so e only grows); nends when there is none. */
static size_t next_end(const kps_pf_scan *st, const uint32_t *ends,
                       size_t nends, size_t e, size_t at)
{
    if (st->end_blocks) {
        size_t first = st->end_blocks[at >> 6];
        if (first > e)
            e = first;
    }
    while (e < nends && ends[e] < at)
        e++;
    return e;
}

void kps_prefilter_confirm(const kps_prefilter *pf, kps_pf_scan *st,
                           size_t rule, const uint32_t *ends, size_t nends,
                           size_t *ncand)
{
    uint64_t *bits = st->bits;
    size_t n = *ncand;
    if (!st->end_blocks_ready)
        index_ends(st, ends, nends);
    for (size_t s = pf->rule_sets[rule]; s < pf->rule_sets[rule + 1] && n;
         s++) {
        /* No atom holds a line break (confirmable), so one that starts
         * before a sentence end also ends before it. */
        size_t occurring = 0;
        uint32_t only = 0;
        for (size_t k = pf->set_atoms[s];
             k < pf->set_atoms[s + 1] && occurring < 2; k++) {
            uint32_t a = pf->atom_ids[k];
            if (st->atom_first[a + 1] > st->atom_first[a]) {
                occurring++;
                only = a;
            }
        }
        if (occurring == 0) {
            n = 0; /* no atom of the set: no match anywhere */
            break;
        }
        /* A lone atom's ascending starts are walked beside the
         * candidates; several atoms' are merged in the bitmap (left all
         * zero again below). */
        size_t lo = SIZE_MAX, hi = 0, alen = 0;
        uint32_t j = 0, past = 0;
        if (occurring == 1) {
            j = st->atom_first[only];
            past = st->atom_first[only + 1];
            alen = pf->ac->atom_len[only];
        } else {
            for (size_t k = pf->set_atoms[s]; k < pf->set_atoms[s + 1]; k++) {
                uint32_t a = pf->atom_ids[k];
                for (uint32_t i = st->atom_first[a]; i < st->atom_first[a + 1];
                     i++) {
                    size_t at = st->atom_pos[i] - pf->ac->atom_len[a];
                    bits[at >> 6] |= (uint64_t)1 << (at & 63);
                    if ((at >> 6) < lo)
                        lo = at >> 6;
                    if ((at >> 6) > hi)
                        hi = at >> 6;
                }
            }
        }
        /* Candidates ascend: the sentence end and the next atom start are
         * looked up from where the previous candidate left them. */
        size_t kept = 0, e = 0, next = 0;
        for (size_t i = 0; i < n; i++) {
            size_t at = st->cand[i];
            e = next_end(st, ends, nends, e, at);
            size_t limit = e < nends ? ends[e] : st->len;
            if (occurring == 1) {
                while (j < past && st->atom_pos[j] - alen < at)
                    j++;
                next = j < past ? st->atom_pos[j] - alen : SIZE_MAX;
            } else if (i == 0 || next < at) {
                next = next_bit(bits, at, hi);
            }
            if (next == SIZE_MAX)
                break; /* no atom starts here or later */
            if (next < limit)
                st->cand[kept++] = at;
        }
        if (lo <= hi)
            memset(bits + lo, 0, (hi - lo + 1) * sizeof *bits);
        n = kept;
    }
    *ncand = n;
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
