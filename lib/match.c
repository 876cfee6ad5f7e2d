/* match.c - run a compiled pack over normalised text.
 *
 * The text is validated as UTF-8 once by the caller, so every match runs
 * with PCRE2_NO_UTF_CHECK (re-validating on each of dozens of passes costs
 * several times the match itself).  Match data, match context and JIT stack
 * belong to the scan, never to the shared pack. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* JIT stack for one scan: 32 KiB grows to 1 MiB, enough for every
 * reasonable rule; a rule that needs more fails with a match-limit error
 * instead of crashing or hanging. */
#define JIT_STACK_START (32 * 1024)
#define JIT_STACK_MAX (1024 * 1024)

static int hits_push(kps_hits *h, size_t rule, size_t start, size_t end)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        kps_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return -1;
        h->v = v;
        h->cap = cap;
    }
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

int kps_match_all(const kpiscan_pack *pack, const char *text, size_t len,
                  unsigned long match_limit, const char *name, kps_hits *out,
                  kpiscan_error *err)
{
    int rc = KPISCAN_OK;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    pcre2_match_context *mctx = pcre2_match_context_create(NULL);
    pcre2_jit_stack *stack =
        pcre2_jit_stack_create(JIT_STACK_START, JIT_STACK_MAX, NULL);
    if (!md || !mctx || !stack) {
        rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
        goto done;
    }
    pcre2_set_match_limit(mctx, (uint32_t)(match_limit > UINT32_MAX
                                               ? UINT32_MAX
                                               : match_limit));
    /* The interpreter (used when JIT is unavailable) honours these; JIT
     * ignores them and is bounded by the match limit and its stack. */
    pcre2_set_depth_limit(mctx, 10000);
    pcre2_set_heap_limit(mctx, 20000); /* KiB */
    pcre2_jit_stack_assign(mctx, NULL, stack);

    for (size_t r = 0; r < pack->nrules && !rc; r++) {
        const pcre2_code *code = pack->rules[r].code;
        size_t start = 0;
        while (start <= len) {
            int m = pcre2_match(code, (PCRE2_SPTR)text, len, start,
                                PCRE2_NO_UTF_CHECK, md, mctx);
            if (m == PCRE2_ERROR_NOMATCH)
                break;
            if (m < 0) {
                int limit = m == PCRE2_ERROR_MATCHLIMIT ||
                            m == PCRE2_ERROR_JIT_STACKLIMIT ||
                            m == PCRE2_ERROR_DEPTHLIMIT ||
                            m == PCRE2_ERROR_HEAPLIMIT;
                PCRE2_UCHAR msg[256];
                pcre2_get_error_message(m, msg, sizeof msg);
                rc = kps_fail_at(
                    err, limit ? KPISCAN_ERR_MATCH_LIMIT : KPISCAN_ERR_INTERNAL,
                    name, 0, 0, pack->rules[r].id, "%s%s",
                    limit ? "pattern match limit exceeded: " : "match error: ",
                    (const char *)msg);
                break;
            }
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t s = ov[0], e = ov[1];
            if (e <= s) {
                /* Empty (or \K-reversed) match: step one character on so
                 * the loop always advances. */
                size_t at = s > e ? s : e;
                if (at >= len)
                    break;
                start = at + char_len(text, len, at);
                continue;
            }
            if (hits_push(out, r, s, e)) {
                rc = kps_fail(err, KPISCAN_ERR_NOMEM, name, "out of memory");
                break;
            }
            start = e;
        }
    }
    if (!rc && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, hit_cmp);
done:
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(mctx);
    pcre2_match_data_free(md);
    return rc;
}
