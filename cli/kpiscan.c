/* kpiscan - command-line front end of libkpiscan.
 *
 * Only maps argv to library calls and prints what they return; everything
 * worth testing without a terminal lives in the library. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kpiscan.h>

#define EXIT_INPUT_ERROR 2

enum output_format { OUT_TEXT, OUT_JSON };

typedef struct cli {
    enum output_format format;
    int use_default_pack;
    const char **packs;
    size_t npacks;
    const char **disabled;
    size_t ndisabled;
    int list_rules;
    const char *check_pack;
    kpiscan_options *opts;
} cli;

static void usage(FILE *out)
{
    fputs(
        "Usage: kpiscan [OPTIONS] FILE...\n"
        "Scan resumes for KPI competence and estimate the level (none, junior,\n"
        "mid, senior) with the evidence behind it.  FILE '-' reads standard\n"
        "input.  The estimate supports a recruiter's judgement; it does not\n"
        "replace it.\n"
        "\n"
        "Output:\n"
        "  -f, --format FORMAT    text (default) or json\n"
        "      --no-excerpts      leave the resume's own words out of JSON\n"
        "                         (rule ids and positions only)\n"
        "\n"
        "Patterns:\n"
        "  -p, --pack FILE        layer a pack file over the default pack\n"
        "                         (repeatable; same rule id overrides)\n"
        "      --no-default-pack  start from an empty pack\n"
        "      --disable-rule ID  switch one rule off (repeatable)\n"
        "      --list-rules       print the effective rules and exit\n"
        "      --check-pack FILE  validate a pack and its examples, then exit\n"
        "\n"
        "Estimate:\n"
        "      --as-of YYYY-MM-DD date that \"Present\" means (default today)\n"
        "\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Exit status: 0 every file was scanned; 2 usage error, a bad pack, or\n"
        "any file that could not be scanned (the others are still reported).\n",
        out);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kpiscan: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'kpiscan --help' for more information.\n", stderr);
    return EXIT_INPUT_ERROR;
}

static int push(const char ***v, size_t *n, const char *s)
{
    const char **p = realloc(*v, (*n + 1) * sizeof *p);
    if (!p)
        return -1;
    p[(*n)++] = s;
    *v = p;
    return 0;
}

static int parse_date(const char *s, int *y, int *m, int *d)
{
    char tail;
    return sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) == 3 && strlen(s) == 10;
}

static int build_pack(const cli *c, kpiscan_pack **pack, kpiscan_error *err)
{
    kpiscan_pack_builder *b = kpiscan_pack_builder_new();
    if (!b)
        return KPISCAN_ERR_NOMEM;
    int rc = KPISCAN_OK;
    if (c->use_default_pack)
        rc = kpiscan_pack_builder_add_default(b, err);
    for (size_t i = 0; !rc && i < c->npacks; i++)
        rc = kpiscan_pack_builder_add_file(b, c->packs[i], err);
    for (size_t i = 0; !rc && i < c->ndisabled; i++)
        rc = kpiscan_pack_builder_disable_rule(b, c->disabled[i], err);
    if (!rc)
        rc = kpiscan_pack_builder_build(b, pack, err);
    kpiscan_pack_builder_free(b);
    return rc;
}

static void list_rules(const kpiscan_pack *pack)
{
    printf("# pack %s %s sha256:%s, %zu rules\n", kpiscan_pack_name(pack),
           kpiscan_pack_version(pack), kpiscan_pack_hash(pack),
           kpiscan_pack_rule_count(pack));
    for (size_t i = 0; i < kpiscan_pack_rule_count(pack); i++)
        printf("%s\t%s\t%s\t%g\t%s\t%s\n", kpiscan_pack_rule_id(pack, i),
               kpiscan_category_name(kpiscan_pack_rule_category(pack, i)),
               kpiscan_level_name(kpiscan_pack_rule_level(pack, i)),
               kpiscan_pack_rule_weight(pack, i),
               kpiscan_pack_rule_regex(pack, i),
               kpiscan_pack_rule_source(pack, i));
}

static int check_pack(const char *path)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_pack *pack = NULL;
    int rc = kpiscan_pack_load_file(path, &pack, err);
    if (!rc)
        rc = kpiscan_pack_check_examples(pack, err);
    if (rc)
        fprintf(stderr, "kpiscan: %s\n",
                err ? kpiscan_error_message(err) : kpiscan_strerror(rc));
    else
        printf("%s: OK (pack %s %s, %zu rules, examples pass)\n", path,
               kpiscan_pack_name(pack), kpiscan_pack_version(pack),
               kpiscan_pack_rule_count(pack));
    kpiscan_pack_free(pack);
    kpiscan_error_free(err);
    return rc ? EXIT_INPUT_ERROR : EXIT_SUCCESS;
}

/* Standard input is read whole: a resume is small and the library scans
 * from memory. */
static int read_stdin(char **data, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (n == cap) {
            char *p = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
            if (!p) {
                free(buf);
                return -1;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0) {
            if (ferror(stdin)) {
                free(buf);
                return -1;
            }
            break;
        }
    }
    *data = buf;
    *len = n;
    return 0;
}

/* A match may span a line break; keep each evidence item on one line. */
static void print_one_line(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 ? ' ' : *s);
}

static void print_text(const kpiscan_result *res)
{
    const char *name = kpiscan_result_name(res);
    double years = kpiscan_result_years(res);
    printf("%s: %s (confidence %.2f, ", name,
           kpiscan_level_name(kpiscan_result_level(res)),
           kpiscan_result_confidence(res));
    if (years >= 0)
        printf("%.1f years)\n", years);
    else
        printf("years unknown)\n");
    if (kpiscan_result_hidden_count(res))
        printf("  !! RED FLAG hidden text: %zu KPI phrase(s) hidden from a "
               "reader; not scored\n",
               kpiscan_result_hidden_count(res));
    for (size_t i = 0; i < kpiscan_result_evidence_count(res); i++) {
        const kpiscan_evidence *ev = kpiscan_result_evidence(res, i);
        char where[64];
        snprintf(where, sizeof where, ":%zu:%zu", kpiscan_evidence_line(ev),
                 kpiscan_evidence_column(ev));
        printf("  %s%-8s  %-6s  %-38s  \"", name, where,
               kpiscan_level_name(kpiscan_evidence_level(ev)),
               kpiscan_evidence_rule_id(ev));
        print_one_line(kpiscan_evidence_text(ev));
        printf("\"%s\n", kpiscan_evidence_hidden(ev) ? "  [hidden]" : "");
    }
}

/* Scan one input and print its record.  Returns 0 or the library status. */
static int scan_one(const cli *c, const kpiscan_pack *pack, const char *path,
                    int first, kpiscan_error *err)
{
    kpiscan_result *res = NULL;
    int rc;
    const char *name = path;
    if (strcmp(path, "-") == 0) {
        char *data = NULL;
        size_t len = 0;
        name = "<stdin>";
        if (read_stdin(&data, &len) != 0) {
            kpiscan_error_clear(err);
            rc = KPISCAN_ERR_IO;
            fprintf(stderr, "kpiscan: <stdin>: cannot read: %s\n",
                    strerror(errno));
        } else {
            rc = kpiscan_scan_buffer(pack, c->opts, data, len, name, &res,
                                     err);
        }
        free(data);
    } else {
        rc = kpiscan_scan_file(pack, c->opts, path, &res, err);
    }

    if (c->format == OUT_JSON) {
        char *json = rc ? kpiscan_error_to_json(name, err, KPISCAN_JSON_PRETTY)
                        : kpiscan_result_to_json(res, c->opts,
                                                 KPISCAN_JSON_PRETTY);
        if (!first)
            fputs(",\n", stdout);
        fputs(json ? json : "null", stdout);
        kpiscan_free(json);
    } else if (rc) {
        printf("%s: error: %s\n", name, kpiscan_error_reason(err));
    } else {
        print_text(res);
    }
    if (rc)
        fprintf(stderr, "kpiscan: %s\n", kpiscan_error_message(err));
    kpiscan_result_free(res);
    return rc;
}

int main(int argc, char **argv)
{
    enum {
        OPT_NO_DEFAULT = 256,
        OPT_DISABLE,
        OPT_LIST,
        OPT_CHECK,
        OPT_AS_OF,
        OPT_NO_EXCERPTS
    };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"pack", required_argument, NULL, 'p'},
        {"no-default-pack", no_argument, NULL, OPT_NO_DEFAULT},
        {"disable-rule", required_argument, NULL, OPT_DISABLE},
        {"list-rules", no_argument, NULL, OPT_LIST},
        {"check-pack", required_argument, NULL, OPT_CHECK},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"no-excerpts", no_argument, NULL, OPT_NO_EXCERPTS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};

    cli c = {.format = OUT_TEXT, .use_default_pack = 1};
    c.opts = kpiscan_options_new();
    kpiscan_error *err = kpiscan_error_new();
    if (!c.opts || !err) {
        fputs("kpiscan: out of memory\n", stderr);
        return EXIT_INPUT_ERROR;
    }
    int status = EXIT_SUCCESS, opt, y, m, d;
    while ((opt = getopt_long(argc, argv, "f:p:hV", longopts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "text") == 0)
                c.format = OUT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                c.format = OUT_JSON;
            else
                status = usage_error("unknown format '%s' (text, json)",
                                     optarg);
            break;
        case 'p':
            if (push(&c.packs, &c.npacks, optarg))
                status = usage_error("out of memory");
            break;
        case OPT_NO_DEFAULT:
            c.use_default_pack = 0;
            break;
        case OPT_DISABLE:
            if (push(&c.disabled, &c.ndisabled, optarg))
                status = usage_error("out of memory");
            break;
        case OPT_LIST:
            c.list_rules = 1;
            break;
        case OPT_CHECK:
            c.check_pack = optarg;
            break;
        case OPT_AS_OF:
            if (!parse_date(optarg, &y, &m, &d) ||
                kpiscan_options_set_as_of(c.opts, y, m, d) != KPISCAN_OK)
                status = usage_error("invalid --as-of date '%s' (YYYY-MM-DD)",
                                     optarg);
            break;
        case OPT_NO_EXCERPTS:
            kpiscan_options_set_excerpts(c.opts, 0);
            break;
        case 'h':
            usage(stdout);
            goto out;
        case 'V':
            printf("kpiscan %s\n", kpiscan_version());
            goto out;
        default:
            status = usage_error("invalid option");
            break;
        }
        if (status)
            goto out;
    }

    if (c.check_pack) {
        status = check_pack(c.check_pack);
        goto out;
    }

    kpiscan_pack *pack = NULL;
    int rc = build_pack(&c, &pack, err);
    if (rc) {
        fprintf(stderr, "kpiscan: %s\n", kpiscan_error_message(err)[0]
                                             ? kpiscan_error_message(err)
                                             : kpiscan_strerror(rc));
        status = EXIT_INPUT_ERROR;
        goto out;
    }
    if (c.list_rules) {
        list_rules(pack);
    } else if (optind >= argc) {
        status = usage_error("no input files (use '-' for standard input)");
    } else {
        int nfiles = argc - optind;
        if (c.format == OUT_JSON && nfiles > 1)
            fputs("[\n", stdout);
        for (int i = optind; i < argc; i++)
            if (scan_one(&c, pack, argv[i], i == optind, err))
                status = EXIT_INPUT_ERROR;
        if (c.format == OUT_JSON)
            fputs(nfiles > 1 ? "\n]\n" : "\n", stdout);
    }
    kpiscan_pack_free(pack);
out:
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kpiscan: error writing output: %s\n",
                strerror(errno));
        status = EXIT_INPUT_ERROR;
    }
    free(c.packs);
    free(c.disabled);
    kpiscan_options_free(c.opts);
    kpiscan_error_free(err);
    return status;
}
