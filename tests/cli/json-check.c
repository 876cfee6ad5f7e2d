/* json-check.c - read JSON back with jansson, an independent parser.
 *
 * usage: json-check FILE        one JSON document
 *        json-check --lines FILE  one JSON document per line (JSON Lines)
 *
 * Duplicate keys are refused (a forged second "summary" would pass a
 * lenient reader), and so is a string that is not valid UTF-8 or holds
 * U+0000.  Exit status 0 when everything parses, 1 with a message when
 * not. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check(const char *text, size_t len, const char *where)
{
    json_error_t e;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!v) {
        fprintf(stderr, "%s: line %d column %d: %s\n", where, e.line, e.column,
                e.text);
        return 1;
    }
    json_decref(v);
    return 0;
}

int main(int argc, char **argv)
{
    int lines = argc == 3 && strcmp(argv[1], "--lines") == 0;
    if (argc != 2 + lines) {
        fputs("usage: json-check [--lines] FILE\n", stderr);
        return 2;
    }
    const char *path = argv[1 + lines];
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    char *buf = NULL;
    size_t cap = 0, len = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return 2;
            }
            buf = p;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    fclose(f);
    int bad = 0;
    if (!lines) {
        bad = check(buf ? buf : "", len, path);
    } else {
        size_t start = 0, count = 0;
        for (size_t i = 0; i < len; i++)
            if (buf[i] == '\n') {
                char where[64];
                snprintf(where, sizeof where, "record %zu", ++count);
                bad |= check(buf + start, i - start, where);
                start = i + 1;
            }
        if (start != len) {
            fputs("last line has no newline\n", stderr);
            bad = 1;
        }
    }
    free(buf);
    return bad;
}
