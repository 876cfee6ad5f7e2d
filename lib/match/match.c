/* match.c - run a compiled pack over normalised text.
 *
 * The text is validated as UTF-8 once by the caller, so every match runs
 * with PCRE2_NO_UTF_CHECK (re-validating on each of dozens of passes costs
 * several times the match itself).  Match data, match context and JIT stack
 * belong to the scan, never to the shared pack.
 *
 * kps_match_all() first runs the pack's literal prefilter (prefilter.c):
 * one automaton pass tells which rules can match at all, and for most
 * rules the few offsets where a match can start (every match begins with
 * one of the rule's "lead" literals).  A rule is then searched only from
 * those offsets, with a copy compiled with PCRE2_USE_OFFSET_LIMIT so that
 * a search tries start positions in [from, limit] and no further, still
 * under JIT.  The subject is always the whole text (lookbehind, \b and
 * lookahead see what they would see), positions that are not candidates
 * cannot start a match, and each search resumes where the previous match
 * ended, so the hits are exactly those of running every rule over the
 * whole text: kps_match_all_bruteforce(), kept as the reference.  The one
 * difference: PCRE2's match limit counts per call, so a rule that hits the
 * limit over the whole text may not hit it on the shorter searches.
 *
 * The match limit bounds one call, and every match starts a new call: a
 * rule that backtracks just under the limit at every position and then
 * matches one character made 1 MB cost minutes.  So a scan also has a
 * budget for all its calls, in the units of PCRE2's own counter, so that
 * whether it runs out depends on the pack and the text, never on the
 * clock or the machine.  PCRE2 does not say how much of the limit a call
 * used, only whether it reached it, so each call is tried with a low
 * limit (KPS_MATCH_FIRST_LIMIT) and, when it reaches that, again with ten
 * times as much, up to the match limit; the scan is charged the limits it
 * tried.  The charge is at least the work done and, past the first limit,
 * at most about eleven times it; the repeated work costs at most a ninth
 * more.  Ordinary rules finish under the first limit at every call. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"
#include "match/pack.h"
#include "match/match.h"
#include "match/prefilter.h"

/* JIT stack for one scan: 32 KiB grows to 1 MiB, enough for every
 * reasonable rule; a rule that needs more fails with a match-limit error
 * instead of crashing or hanging.  It is made only when a match needs
 * more than the 32 KiB PCRE2 uses by default (on the machine stack), and
 * that match is then run again: mapping 1 MiB for every document cost
 * more than matching a short one. */
#define JIT_STACK_START (32 * 1024)
#define JIT_STACK_MAX (1024 * 1024)

static int hit_cmp(const void *a, const void *b);

/* Keep the first h->keep hits in (start, rule) order and count the rest:
 * sort, cut, and remember the last kept hit, past which a new hit can
 * only be dropped. */
static void hits_compact(kps_hits *h, kps_hit *cut)
{
    qsort(h->v, h->n, sizeof *h->v, hit_cmp);
    if (h->n > h->keep) {
        h->dropped += h->n - h->keep;
        h->n = h->keep;
    }
    if (h->n == h->keep)
        *cut = h->v[h->n - 1];
}

static int hits_push(kps_hits *h, kps_hit *cut, size_t rule, size_t start,
                     size_t end)
{
    if (h->keep) {
        /* Rules run in index order, so a later hit at the cut's start
         * sorts after it too. */
        if (cut->end &&
            (start > cut->start || (start == cut->start && rule > cut->rule))) {
            h->dropped++;
            return 0;
        }
        if (h->n >= 2 * h->keep)
            hits_compact(h, cut);
    }
    if (kps_array_reserve(&h->v, &h->cap, h->n + 1, sizeof *h->v, 64))
        return -1;
    h->v[h->n++] = (kps_hit){rule, start, end};
    return 0;
}

void kps_hits_free(kps_hits *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int hit_cmp(const void *a, const void *b)
{
    const kps_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return 0;
}

/* Byte length of the UTF-8 character at text[i] (text is valid). */
static size_t char_len(const char *text, size_t len, size_t i)
{
    size_t n = 1;
    while (i + n < len && ((unsigned char)text[i + n] & 0xC0) == 0x80)
        n++;
    return n;
}

/* Per-scan matching state: one of each, reused by every rule. */
typedef struct matcher {
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *stack;
    const char *text;
    size_t len;
    const char *name;
    kpiscan_error *err;
    kps_hits *out;
    kps_hit cut;               /* last hit kept once out->keep is reached */
    uint32_t limit;            /* the match limit of one call */
    unsigned long long budget; /* match work left for the scan */
    /* kps_sentence_ends(), found when the prefilter first needs them */
    uint32_t *ends;
    size_t nends, cap_ends;
    int ends_ready;
} matcher;

static int matcher_init(matcher *M, unsigned long match_limit)
{
    M->limit = (uint32_t)(match_limit > UINT32_MAX ? UINT32_MAX : match_limit);
    M->budget = (unsigned long long)M->limit * KPS_MATCH_BUDGET_CALLS;
    M->md = pcre2_match_data_create(1, NULL);
    M->mctx = pcre2_match_context_create(NULL);
    if (!M->md || !M->mctx)
        return kps_fail(M->err, KPISCAN_ERR_NOMEM, M->name, "out of memory");
    /* The interpreter (used when JIT is unavailable) honours these; JIT
     * ignores them and is bounded by the match limit and its stack. */
    pcre2_set_depth_limit(M->mctx, 10000);
    pcre2_set_heap_limit(M->mctx, 20000); /* KiB */
    return KPISCAN_OK;
}

static void matcher_free(matcher *M)
{
    free(M->ends);
    pcre2_jit_stack_free(M->stack);
    pcre2_match_context_free(M->mctx);
    pcre2_match_data_free(M->md);
}

static int match_error(matcher *M, const kps_rule *rule, int m)
{
    int limit = m == PCRE2_ERROR_MATCHLIMIT ||
                m == PCRE2_ERROR_JIT_STACKLIMIT ||
                m == PCRE2_ERROR_DEPTHLIMIT || m == PCRE2_ERROR_HEAPLIMIT;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(m, msg, sizeof msg);
    return kps_fail_at(
        M->err, limit ? KPISCAN_ERR_MATCH_LIMIT : KPISCAN_ERR_INTERNAL, M->name,
        0, 0, rule->id, "%s%s",
        limit ? "pattern match limit exceeded: " : "match error: ",
        (const char *)msg);
}

/* Lines shorter than this that end a match's first part are items of a
 * list ("Change Management" over "Leadership Development"), not the first
 * half of a sentence wrapped by a PDF converter (those run to the margin). */
#define WRAPPED_LINE_MIN 60

/* The longest word opens_with_action_word() reads ("Conceptualizing" is
 * 15 letters); a longer run of letters is no action word. */
#define ACTION_WORD_MAX 20

static int is_lower_ascii(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_alnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whether a line starting at t[j] opens a new item with an action word:
 * a capitalised word of five or more letters ending in "ed" or "ing",
 * then a blank and a lower-case letter ("Managed a team", "Creating
 * senior briefings").  Resumes start their bullets so, and a sentence
 * wrapped by a PDF converter almost never goes on with such a word; a
 * capitalised list goes on with a comma or another capital ("Relationship
 * / Building, Project Management"), which this leaves joined. */
static int opens_with_action_word(const unsigned char *t, size_t len, size_t j)
{
    if (j >= len || t[j] < 'A' || t[j] > 'Z')
        return 0;
    size_t k = j + 1;
    while (k < len && k - j <= ACTION_WORD_MAX && is_lower_ascii(t[k]))
        k++;
    size_t n = k - j;
    if (n < 5 || n > ACTION_WORD_MAX || k + 1 >= len || t[k] != ' ' ||
        !is_lower_ascii(t[k + 1]))
        return 0;
    return (t[k - 2] == 'e' && t[k - 1] == 'd') ||
           (t[k - 3] == 'i' && t[k - 2] == 'n' && t[k - 1] == 'g');
}

/* Whether the line break at t[nl] ends a sentence, the line before it
 * starting at line_start: a blank line or the end of the text comes next,
 * the next line opens with an action word, or it starts with other than
 * a lower-case letter after a short line or one that ends in
 * punctuation.  j: where the next line's
 * text starts (after blanks).  within_one_sentence() may pass a
 * line_start later than the line's (at most WRAPPED_LINE_MIN bytes before
 * a match): that view sees every break the whole line's view sees, so
 * kps_sentence_ends() never marks a break a match could cross. */
static int line_break_ends_sentence(const unsigned char *t, size_t len,
                                    size_t line_start, size_t nl, size_t j)
{
    if (j >= len || t[j] == '\n')
        return 1;
    if (is_lower_ascii(t[j]))
        return 0;
    size_t k = nl;
    while (k > line_start && (t[k - 1] == ' ' || t[k - 1] == '\t'))
        k--;
    unsigned char last = k > line_start ? t[k - 1] : '\n';
    if (!is_alnum_ascii(last) || nl - line_start < WRAPPED_LINE_MIN)
        return 1;
    /* a long line running on: wrapped, unless the next opens an item */
    return opens_with_action_word(t, len, j);
}

/* Whether a match over [s, e) stays inside one sentence of the resume.
 * It may cross a line break only where the text goes on as one sentence:
 * the next line starts with a lower-case letter, or the line before runs
 * long and ends without punctuation (a line wrapped by PDF conversion).  A
 * blank line, a bullet, a short line ending an item, or a line opening
 * with an action word are boundaries,
 * and a match does not end in the blanks after a line break. */
static int within_one_sentence(const char *text, size_t len, size_t s, size_t e)
{
    const unsigned char *t = (const unsigned char *)text;
    const unsigned char *nl = memchr(t + s, '\n', e - s);
    if (!nl)
        return 1; /* the common case: a match within one line */
    /* Only whether the line before a break is long matters, so look back
     * at most WRAPPED_LINE_MIN bytes: linear however long the line. */
    size_t line_start = s;
    while (line_start > 0 && s - line_start < WRAPPED_LINE_MIN &&
           t[line_start - 1] != '\n')
        line_start--;
    for (size_t i = (size_t)(nl - t); i < e; i++) {
        if (t[i] != '\n')
            continue;
        size_t j = i + 1;
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j >= e || line_break_ends_sentence(t, len, line_start, i, j))
            return 0;
        line_start = i + 1;
    }
    return 1;
}

int kps_sentence_ends(const char *text, size_t len, uint32_t **ends,
                      size_t *nends, size_t *cap)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t line_start = 0;
    *nends = 0;
    for (const unsigned char *nl = t;
         len && (nl = memchr(nl, '\n', len - (size_t)(nl - t))) != NULL; nl++) {
        size_t i = (size_t)(nl - t);
        size_t j = i + 1;
        while (j < len && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (line_break_ends_sentence(t, len, line_start, i, j)) {
            if (kps_array_reserve(ends, cap, *nends + 1, sizeof **ends, 64))
                return -1;
            (*ends)[(*nends)++] = (uint32_t)i;
        }
        line_start = i + 1;
    }
    return 0;
}

/* "non-standard reports" holds no "standard reports": a match may not
 * start right after a word and a hyphen. */
static int starts_inside_word(const char *text, size_t s)
{
    const unsigned char *t = (const unsigned char *)text;
    return s >= 2 && t[s - 1] == '-' && is_alnum_ascii(t[s - 2]);
}

static int budget_spent(matcher *M, const kps_rule *rule)
{
    return kps_fail_at(M->err, KPISCAN_ERR_MATCH_LIMIT, M->name, 0, 0, rule->id,
                       "pattern match budget spent: the rules' searches in "
                       "this document needed more than %u x match_limit "
                       "(%llu steps of PCRE2's match counter)",
                       KPS_MATCH_BUDGET_CALLS,
                       (unsigned long long)M->limit * KPS_MATCH_BUDGET_CALLS);
}

/* One pcre2_match() under the per-call limit and the scan's budget, with
 * the rising limits described at the top. */
static int match_once(matcher *M, const pcre2_code *code, const kps_rule *rule,
                      size_t start, int *rc)
{
    uint32_t try =
        KPS_MATCH_FIRST_LIMIT < M->limit ? KPS_MATCH_FIRST_LIMIT : M->limit;
    for (;;) {
        int capped = 0;
        if (try > M->budget) {
            try = (uint32_t)M->budget;
            capped = 1;
        }
        if (!try)
            return budget_spent(M, rule);
        M->budget -= try;
        pcre2_set_match_limit(M->mctx, try);
        /* Straight into the JIT code: pcre2_match() would get there too,
         * after argument checks that cost as much as a short search, and
         * most searches here are short (one candidate start).  The text is
         * valid UTF-8 (the JIT never checks it) and start <= len. */
        int m = pcre2_jit_match(code, (PCRE2_SPTR)M->text, M->len, start, 0,
                                M->md, M->mctx);
        if (m == PCRE2_ERROR_JIT_BADOPTION) /* not JIT-compiled */
            m = pcre2_match(code, (PCRE2_SPTR)M->text, M->len, start,
                            PCRE2_NO_UTF_CHECK, M->md, M->mctx);
        if (m == PCRE2_ERROR_JIT_STACKLIMIT && !M->stack) {
            /* The same search with the full stack: what it would have
             * returned had the stack been there from the start. */
            M->stack =
                pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
            if (!M->stack)
                return kps_fail(M->err, KPISCAN_ERR_NOMEM, M->name,
                                "out of memory");
            pcre2_jit_stack_assign(M->mctx, NULL, M->stack);
            continue;
        }
        if (m == PCRE2_ERROR_MATCHLIMIT && try < M->limit) {
            if (capped)
                return budget_spent(M, rule);
            try = try > M->limit / 10 ? M->limit : try * 10;
            continue;
        }
        *rc = m;
        return KPISCAN_OK;
    }
}

/* Matches of rule r whose start lies in [*start, limit] (limit SIZE_MAX:
 * anywhere), in order, each search resuming where the previous match
 * ended: exactly the matches a search over the whole text finds there.
 * *start is advanced past them.  code must be compiled with
 * PCRE2_USE_OFFSET_LIMIT when limit is not SIZE_MAX. */
static int match_span(matcher *M, const pcre2_code *code, size_t r,
                      const kps_rule *rule, size_t *start, size_t limit)
{
    pcre2_set_offset_limit(M->mctx, limit == SIZE_MAX ? PCRE2_UNSET : limit);
    while (*start <= M->len && *start <= limit) {
        int m = 0;
        int rc = match_once(M, code, rule, *start, &m);
        if (rc)
            return rc;
        if (m == PCRE2_ERROR_NOMATCH)
            return KPISCAN_OK;
        if (m < 0)
            return match_error(M, rule, m);
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(M->md);
        size_t s = ov[0], e = ov[1];
        if (e <= s) {
            /* Empty (or \K-reversed) match: step one character on so the
             * loop always advances. */
            size_t at = s > e ? s : e;
            if (at >= M->len) {
                *start = M->len + 1;
                return KPISCAN_OK;
            }
            *start = at + char_len(M->text, M->len, at);
            continue;
        }
        if (!within_one_sentence(M->text, M->len, s, e) ||
            starts_inside_word(M->text, s)) {
            /* not a phrase of the resume: look for one further on */
            *start = s + char_len(M->text, M->len, s);
            continue;
        }
        if (hits_push(M->out, &M->cut, r, s, e))
            return kps_fail(M->err, KPISCAN_ERR_NOMEM, M->name,
                            "out of memory");
        *start = e;
    }
    return KPISCAN_OK;
}

/* With more candidates than one per this many bytes, one search over the
 * whole text might be cheaper than a search per candidate (the result is
 * the same).  Measured on the corpus: a whole-text search of a rule runs
 * at a few hundred MB/s, a candidate costs ~0.1 us, so this is rare. */
#define DENSE_BYTES_PER_CANDIDATE 32

/* Rule r, tried only at the offsets where a match can start: each is a
 * search confined to that one start (offset limit = start offset).
 * Grouping near candidates into one wider search was measured slower: the
 * positions in between are expensive to reject for rules that begin with
 * a lookbehind. */
static int match_candidates(matcher *M, const pcre2_code *wcode, size_t r,
                            const kps_rule *rule, const size_t *cand,
                            size_t ncand)
{
    size_t start = 0;
    for (size_t i = 0; i < ncand; i++) {
        if (cand[i] < start)
            continue; /* inside the previous match */
        start = cand[i];
        int rc = match_span(M, wcode, r, rule, &start, cand[i]);
        if (rc)
            return rc;
    }
    return KPISCAN_OK;
}

/* Keep the candidates of rule r whose sentence holds the words every
 * match needs (kps_prefilter_confirm); the sentence ends are found once
 * per text, when first needed.  0, or -1 when out of memory. */
static int confirm_candidates(matcher *M, const kps_prefilter *pf,
                              kps_pf_scan *st, size_t r, size_t *ncand)
{
    if (!*ncand || !kps_prefilter_confirmable(pf, r))
        return 0;
    if (!M->ends_ready) {
        if (kps_sentence_ends(M->text, M->len, &M->ends, &M->nends,
                              &M->cap_ends))
            return -1;
        M->ends_ready = 1;
    }
    kps_prefilter_confirm(pf, st, r, M->ends, M->nends, ncand);
    return 0;
}

/* Run the pack over the text: every rule over the whole text when pf is
 * NULL (brute force), else only the rules the prefilter lets through,
 * each from its candidate starts when it has them. */
static int match_rules(const kpiscan_pack *pack, const kps_prefilter *pf,
                       const char *text, size_t len, unsigned long match_limit,
                       const char *name, kps_hits *out, kpiscan_error *err)
{
    matcher M = {
        .text = text, .len = len, .name = name, .err = err, .out = out};
    kps_pf_scan st = {0};
    int rc = matcher_init(&M, match_limit);
    if (!rc && pf && kps_prefilter_scan(pf, text, len, &st))
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
    for (size_t r = 0; r < pack->nrules && !rc; r++) {
        const kps_rule *rule = &pack->rules[r];
        if (pf && !st.active[r])
            continue;
        const size_t *cand;
        size_t ncand, start = 0;
        int windowed =
            pf ? kps_prefilter_candidates(pf, &st, r, &cand, &ncand) : 0;
        if (windowed > 0 && confirm_candidates(&M, pf, &st, r, &ncand))
            windowed = -1;
        if (windowed < 0)
            rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        else if (windowed && ncand * DENSE_BYTES_PER_CANDIDATE < len)
            rc = match_candidates(&M, kps_prefilter_window_code(pf, r), r, rule,
                                  cand, ncand);
        else
            rc = match_span(&M, rule->code, r, rule, &start, SIZE_MAX);
    }
    if (!rc && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, hit_cmp);
    if (!rc && out->keep && out->n > out->keep) {
        out->dropped += out->n - out->keep;
        out->n = out->keep;
    }
    kps_pf_scan_free(&st);
    matcher_free(&M);
    return rc;
}

int kps_match_all_bruteforce(const kpiscan_pack *pack, const char *text,
                             size_t len, unsigned long match_limit,
                             const char *name, kps_hits *out,
                             kpiscan_error *err)
{
    return match_rules(pack, NULL, text, len, match_limit, name, out, err);
}

size_t kps_match_first_uncandidated(const kpiscan_pack *pack, const char *text,
                                    size_t len, const kps_hits *hits)
{
    const kps_prefilter *pf = pack->prefilter;
    if (!pf)
        return hits->n; /* every rule runs over the whole text */
    kps_pf_scan st = {0};
    uint32_t *ends = NULL;
    size_t nends = 0, cap_ends = 0, i = SIZE_MAX;
    if (kps_prefilter_scan(pf, text, len, &st) != KPISCAN_OK ||
        kps_sentence_ends(text, len, &ends, &nends, &cap_ends))
        goto done;
    for (i = 0; i < hits->n; i++) {
        size_t rule = hits->v[i].rule;
        if (!st.active[rule])
            break; /* the rule was not run at all */
        const size_t *cand;
        size_t ncand, k = 0;
        int windowed = kps_prefilter_candidates(pf, &st, rule, &cand, &ncand);
        if (windowed < 0) {
            i = SIZE_MAX;
            break;
        }
        if (!windowed)
            continue; /* searched over the whole text */
        if (kps_prefilter_confirmable(pf, rule))
            kps_prefilter_confirm(pf, &st, rule, ends, nends, &ncand);
        while (k < ncand && cand[k] < hits->v[i].start)
            k++;
        if (k == ncand || cand[k] != hits->v[i].start)
            break;
    }
done:
    free(ends);
    kps_pf_scan_free(&st);
    return i;
}

int kps_match_all(const kpiscan_pack *pack, const char *text, size_t len,
                  unsigned long match_limit, const char *name, kps_hits *out,
                  kpiscan_error *err)
{
    return match_rules(pack, pack->prefilter, text, len, match_limit, name, out,
                       err);
}
