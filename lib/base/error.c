/* error.c - status texts and the caller-owned error object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/util.h"

const char *kpiscan_strerror(int status)
{
    switch (status) {
    case KPISCAN_OK: return "success";
    case KPISCAN_ERR_NOMEM: return "out of memory";
    case KPISCAN_ERR_ARGUMENT: return "invalid argument";
    case KPISCAN_ERR_IO: return "input/output error";
    case KPISCAN_ERR_PACK_SYNTAX: return "pack is not well-formed YAML";
    case KPISCAN_ERR_PACK_INVALID: return "invalid pack";
    case KPISCAN_ERR_PACK_REGEX: return "invalid regular expression in pack";
    case KPISCAN_ERR_NOT_TEXT: return "not a text document";
    case KPISCAN_ERR_UNSUPPORTED_FORMAT: return "unsupported document format";
    case KPISCAN_ERR_EMPTY: return "empty document";
    case KPISCAN_ERR_CORRUPT: return "corrupt document";
    case KPISCAN_ERR_LIMIT: return "limit exceeded";
    case KPISCAN_ERR_MATCH_LIMIT: return "pattern match limit exceeded";
    case KPISCAN_ERR_INTERNAL: return "internal error";
    case KPISCAN_ERR_NOT_FOUND: return "not found";
    case KPISCAN_ERR_ENCRYPTED: return "password-protected document";
    case KPISCAN_ERR_MANIFEST: return "malformed expectation manifest";
    case KPISCAN_ERR_HELPER: return "PDF helper failed";
    default: return "unknown error";
    }
}

const char *kpiscan_status_name(int status)
{
    switch (status) {
    case KPISCAN_OK: return "ok";
    case KPISCAN_ERR_NOMEM: return "nomem";
    case KPISCAN_ERR_ARGUMENT: return "argument";
    case KPISCAN_ERR_IO: return "io";
    case KPISCAN_ERR_PACK_SYNTAX: return "pack_syntax";
    case KPISCAN_ERR_PACK_INVALID: return "pack_invalid";
    case KPISCAN_ERR_PACK_REGEX: return "pack_regex";
    case KPISCAN_ERR_NOT_TEXT: return "not_text";
    case KPISCAN_ERR_UNSUPPORTED_FORMAT: return "unsupported_format";
    case KPISCAN_ERR_EMPTY: return "empty";
    case KPISCAN_ERR_CORRUPT: return "corrupt";
    case KPISCAN_ERR_LIMIT: return "limit";
    case KPISCAN_ERR_MATCH_LIMIT: return "match_limit";
    case KPISCAN_ERR_INTERNAL: return "internal";
    case KPISCAN_ERR_NOT_FOUND: return "not_found";
    case KPISCAN_ERR_ENCRYPTED: return "encrypted";
    case KPISCAN_ERR_MANIFEST: return "manifest";
    case KPISCAN_ERR_HELPER: return "helper";
    default: return "unknown";
    }
}

const char *kpiscan_version(void)
{
    return KPISCAN_VERSION_STRING;
}

int kpiscan_version_number(void)
{
    return KPISCAN_VERSION_NUMBER;
}

kpiscan_error *kpiscan_error_new(void)
{
    kpiscan_error *err = calloc(1, sizeof *err);
    return err;
}

void kpiscan_error_free(kpiscan_error *err)
{
    free(err);
}

void kpiscan_error_clear(kpiscan_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int kpiscan_error_status(const kpiscan_error *err)
{
    return err ? err->status : KPISCAN_OK;
}

const char *kpiscan_error_message(const kpiscan_error *err)
{
    return err ? err->message : "";
}

const char *kpiscan_error_file(const kpiscan_error *err)
{
    return err ? err->file : "";
}

size_t kpiscan_error_line(const kpiscan_error *err)
{
    return err ? err->line : 0;
}

size_t kpiscan_error_column(const kpiscan_error *err)
{
    return err ? err->column : 0;
}

const char *kpiscan_error_rule_id(const kpiscan_error *err)
{
    return err ? err->rule_id : "";
}

const char *kpiscan_error_reason(const kpiscan_error *err)
{
    return err ? err->reason : "";
}

/* A text cut to fit buf[cap] (n: the length it wanted) ends at a
 * character boundary (a long path of accented or CJK names would otherwise
 * end in half a character, and every output built from it would be
 * invalid UTF-8) and in "...", so that a path cut short does not read as
 * another, complete path. */
static void mark_cut(char *buf, size_t cap, int n)
{
    static const char MARK[] = "...";
    if (n < 0 || (size_t)n < cap || cap < sizeof MARK)
        return;
    size_t keep = kps_utf8_trim_end(buf, cap - sizeof MARK);
    memcpy(buf + keep, MARK, sizeof MARK);
}

/* snprintf() into a fixed buffer, cut as mark_cut() says. */
static void put_fixed(char *buf, size_t cap, const char *fmt, ...)
    KPS_PRINTF(3, 4);

static void put_fixed(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    mark_cut(buf, cap, n);
}

static void compose(kpiscan_error *err)
{
    char pos[600] = "";
    char rule[160] = "";
    if (err->file[0] && err->line && err->column)
        put_fixed(pos, sizeof pos, "%s:%zu:%zu: ", err->file, err->line,
                  err->column);
    else if (err->file[0] && err->line)
        put_fixed(pos, sizeof pos, "%s:%zu: ", err->file, err->line);
    else if (err->file[0])
        put_fixed(pos, sizeof pos, "%s: ", err->file);
    if (err->rule_id[0])
        put_fixed(rule, sizeof rule, "rule '%s': ", err->rule_id);
    put_fixed(err->message, sizeof err->message, "%s%s%s", pos, rule,
              err->reason);
}

static int vfail(kpiscan_error *err, int status, const char *file, size_t line,
                 size_t column, const char *rule_id, const char *fmt,
                 va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    err->not_document = 0;
    err->line = line;
    err->column = column;
    put_fixed(err->file, sizeof err->file, "%s", file ? file : "");
    put_fixed(err->rule_id, sizeof err->rule_id, "%s", rule_id ? rule_id : "");
    int n = vsnprintf(err->reason, sizeof err->reason, fmt, ap);
    mark_cut(err->reason, sizeof err->reason, n);
    compose(err);
    return status;
}

int kps_fail(kpiscan_error *err, int status, const char *file, const char *fmt,
             ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, status, file, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return status;
}

int kps_fail_at(kpiscan_error *err, int status, const char *file, size_t line,
                size_t column, const char *rule_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, status, file, line, column, rule_id, fmt, ap);
    va_end(ap);
    return status;
}

void kps_error_mark_corrupt(kpiscan_error *err, const char *kind)
{
    if (!err || err->status != KPISCAN_ERR_CORRUPT ||
        strncmp(err->reason, "corrupt ", 8) == 0)
        return;
    char prefix[64];
    int plen = snprintf(prefix, sizeof prefix, "corrupt %s: ", kind);
    size_t cap = sizeof err->reason - 1, n = strlen(err->reason);
    if (plen <= 0 || (size_t)plen >= cap)
        return;
    /* the reason moves right; its end is cut if it no longer fits */
    if (n > cap - (size_t)plen)
        n = cap - (size_t)plen;
    memmove(err->reason + plen, err->reason, n);
    memcpy(err->reason, prefix, (size_t)plen);
    err->reason[plen + n] = '\0';
    compose(err);
}
