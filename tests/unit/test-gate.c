/* test-gate.c - CI gates, manifests, JUnit XML and GitHub annotations. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unistd.h>

#include "internal.h"
#include "testutil.h"
#include "scanrecord.h"

static kpiscan_pack *pack;

static kpiscan_record make_record(const char *name, const char *text)
{
    return scan_record(pack, name, text);
}

static const char *SENIOR =
    "Experience\nDirector of Operations, Jan 2012 - Present\n"
    "Aligned KPIs with corporate strategy; led change management; presented "
    "to the executive team and the board.\n";
static const char *JUNIOR =
    "Experience\nJunior Analyst, Jan 2026 - Present\n"
    "Basic data collection and reporting in Excel; built simple dashboards.\n";

static void setup(void)
{
    ck_assert_int_eq(kpiscan_pack_load_default(&pack, NULL), KPISCAN_OK);
}

static void teardown(void)
{
    kpiscan_pack_free(pack);
}

START_TEST(test_levels)
{
    kpiscan_record sen = make_record("cv/senior.txt", SENIOR);
    kpiscan_record jun = make_record("cv/junior.txt", JUNIOR);
    ck_assert_int_eq(sen.result->level, KPISCAN_LEVEL_SENIOR);
    ck_assert_int_eq(jun.result->level, KPISCAN_LEVEL_JUNIOR);

    kpiscan_gate *g = kpiscan_gate_new();
    char *msg = (char *)1;
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, &msg), 0);
    ck_assert_ptr_null(msg);

    ck_assert_int_eq(kpiscan_gate_set_fail_under(g, 9), KPISCAN_ERR_ARGUMENT);
    ck_assert_int_eq(kpiscan_gate_set_fail_under(g, KPISCAN_LEVEL_MID),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_gate_check(g, &sen, NULL, &msg), 0);
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "expected at least mid, got junior"));
    ck_assert_ptr_nonnull(strstr(msg, "top evidence:"));
    ck_assert_ptr_nonnull(strstr(msg, "cv/junior.txt:3:"));
    kpiscan_free(msg);

    /* Without excerpts the message keeps rule ids and positions only. */
    kpiscan_options *o = kpiscan_options_new();
    kpiscan_options_set_excerpts(o, 0);
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, o, &msg), 1);
    ck_assert_ptr_null(strstr(msg, "Excel"));
    kpiscan_free(msg);
    kpiscan_options_free(o);

    kpiscan_gate_free(g);
    g = kpiscan_gate_new();
    kpiscan_gate_set_expect(g, KPISCAN_LEVEL_SENIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &sen, NULL, NULL), 0);
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "expected senior, got junior"));
    kpiscan_free(msg);

    /* Input errors are not gate failures. */
    kpiscan_record bad = make_record("cv/empty.txt", "");
    ck_assert_int_eq(bad.status, KPISCAN_ERR_EMPTY);
    ck_assert_int_eq(kpiscan_gate_check(g, &bad, NULL, NULL), 0);
    kpiscan_gate_free(g);
    kpiscan_gate_free(NULL);
    kpiscan_result_free(sen.result);
    kpiscan_result_free(jun.result);
}
END_TEST

START_TEST(test_hidden_gate)
{
    kpiscan_record jun = make_record("cv/junior.txt", JUNIOR);
    kpiscan_gate *g = kpiscan_gate_new();
    kpiscan_gate_set_fail_on_hidden(g, 1);
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, NULL), 0);
    jun.result->nhidden = 2; /* as a DOCX with white keywords would give */
    char *msg = NULL;
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "hidden text matches 2 KPI rule(s)"));
    kpiscan_free(msg);
    char *gh = kpiscan_record_to_github(&jun, NULL);
    ck_assert_ptr_nonnull(strstr(gh, "::warning file=cv/junior.txt,line=1,"));
    kpiscan_free(gh);
    kpiscan_gate_free(g);
    kpiscan_result_free(jun.result);
}
END_TEST

/* A failed hidden-text gate shows the hidden items, and its annotation
 * lands on the hidden line, not on the strongest visible evidence. */
START_TEST(test_hidden_gate_points_at_hidden_text)
{
    kpiscan_record rec = make_record(
        "cv/hidden.txt", "Experience\nJunior Analyst, Jan 2026 - Present\n"
                         "Basic data collection and reporting in Excel.\n\n\n"
                         "Built simple dashboards for the team.\n");
    kpiscan_result *r = rec.result;
    size_t hidden = 0;
    for (size_t i = 0; i < r->nev; i++)
        if (r->ev[i].line == 6) { /* as white text in a DOCX would be */
            r->ev[i].hidden = 1;
            r->ev[i].contribution = 0;
            hidden++;
        }
    ck_assert_uint_gt(hidden, 0);
    r->nhidden = hidden;
    kpiscan_gate *g = kpiscan_gate_new();
    kpiscan_gate_set_fail_on_hidden(g, 1);
    char *msg = NULL;
    ck_assert_int_eq(kpiscan_gate_check(g, &rec, NULL, &msg), 1);
    ck_assert_ptr_nonnull(
        strstr(msg, "\nhidden evidence:\n  cv/hidden.txt:6:"));
    ck_assert_ptr_nonnull(strstr(msg, "\ntop evidence:\n  cv/hidden.txt:3:"));
    char *gh = kpiscan_record_to_github(&rec, msg);
    ck_assert_ptr_nonnull(
        strstr(gh, "::error file=cv/hidden.txt,line=6,title=kpiscan gate"));
    /* the error says it: no second, warning annotation on the same line */
    ck_assert_ptr_null(strstr(gh, "::warning"));
    kpiscan_free(gh);
    kpiscan_free(msg);

    /* Another gate's failure still points at the strongest evidence. */
    kpiscan_gate_set_fail_on_hidden(g, 0);
    kpiscan_gate_set_expect(g, KPISCAN_LEVEL_SENIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &rec, NULL, &msg), 1);
    ck_assert_ptr_null(strstr(msg, "hidden evidence"));
    gh = kpiscan_record_to_github(&rec, msg);
    ck_assert_ptr_nonnull(
        strstr(gh, "::error file=cv/hidden.txt,line=3,title=kpiscan gate"));
    /* the hidden text is still worth its warning */
    ck_assert_ptr_nonnull(strstr(gh, "::warning file=cv/hidden.txt,line=6,"));
    kpiscan_free(gh);

    /* In a DOCX (or PDF, HTML...) the lines are those of the extracted
     * text, not the file's: the annotations go on the file. */
    r->format = "docx";
    gh = kpiscan_record_to_github(&rec, msg);
    ck_assert_ptr_nonnull(
        strstr(gh, "::error file=cv/hidden.txt,title=kpiscan gate"));
    ck_assert_ptr_nonnull(
        strstr(gh, "::warning file=cv/hidden.txt,title=kpiscan red flag"));
    ck_assert_ptr_null(strstr(gh, "line="));
    kpiscan_free(gh);
    kpiscan_free(msg);
    kpiscan_gate_free(g);
    kpiscan_result_free(r);
}
END_TEST

static char *write_temp(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/kpiscan-manifest-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, content, strlen(content)),
                     (ssize_t)strlen(content));
    close(fd);
    return path;
}

START_TEST(test_manifest)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_gate *g = kpiscan_gate_new();
    char *path = write_temp("# comment\n\nsub/../a.txt\tjunior\n"
                            "  /abs/b.txt \t SENIOR \r\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_gate_manifest_count(g), 2);
    ck_assert_str_eq(kpiscan_gate_manifest_path(g, 0), "/tmp/a.txt");
    ck_assert_str_eq(kpiscan_gate_manifest_path(g, 1), "/abs/b.txt");
    ck_assert_ptr_null(kpiscan_gate_manifest_path(g, 2));
    /* where each was listed, for a message about a missing one */
    size_t line = 0;
    ck_assert_str_eq(kpiscan_gate_manifest_source(g, 0, &line), path);
    ck_assert_uint_eq(line, 3);
    ck_assert_str_eq(kpiscan_gate_manifest_source(g, 1, &line), path);
    ck_assert_uint_eq(line, 4);
    ck_assert_str_eq(kpiscan_gate_manifest_source(g, 1, NULL), path);
    ck_assert_ptr_null(kpiscan_gate_manifest_source(g, 2, &line));
    ck_assert_ptr_null(kpiscan_gate_manifest_source(NULL, 0, &line));

    /* The manifest's expectation applies to the file it names. */
    kpiscan_record jun = make_record("/tmp/a.txt", JUNIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &jun, NULL, NULL), 0);
    kpiscan_record other = make_record("/tmp/other.txt", JUNIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &other, NULL, NULL), 0);
    kpiscan_gate_set_strict(g, 1);
    char *msg = NULL;
    ck_assert_int_eq(kpiscan_gate_check(g, &other, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "not listed in the manifest"));
    kpiscan_free(msg);
    /* The manifest itself, walked with the folder it describes, is not an
     * unlisted resume. */
    kpiscan_record self = make_record(path, JUNIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &self, NULL, NULL), 0);
    kpiscan_result_free(self.result);
    unlink(path);
    kpiscan_record sen = make_record("/abs/b.txt", SENIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &sen, NULL, NULL), 0);
    kpiscan_record wrong = make_record("/abs/b.txt", JUNIOR);
    ck_assert_int_eq(kpiscan_gate_check(g, &wrong, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "expected senior, got junior"));
    kpiscan_free(msg);
    kpiscan_gate_free(g);

    /* Malformed lines are named by line number. */
    g = kpiscan_gate_new();
    path = write_temp("a.txt\tjunior\nb.txt junior\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_uint_eq(kpiscan_error_line(err), 2);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), ":2: expected"));
    unlink(path);
    path = write_temp("a.txt\texpert\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), ":1: unknown level 'expert'"));
    unlink(path);
    /* the tab is there: an empty side or a third field is named as such */
    const struct {
        const char *text, *says;
    } halves[] = {
        {"a.txt\t\n", ":1: no level after the tab"},
        {"\tjunior\n", ":1: empty path before the tab"},
        {"a.txt\tjunior\textra\n", ":1: expected 'path<TAB>level', found a "
                                   "second tab"},
        /* an indent of tabs before the path is blank, not a field */
        {"\t# a comment\n\tindent1.txt\tjunior\n  \tindent2.txt\tmid\nx.txt\n",
         ":4: expected 'path<TAB>level', found no tab"},
    };
    for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++) {
        path = write_temp(halves[i].text);
        ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                         KPISCAN_ERR_MANIFEST);
        ck_assert_msg(strstr(kpiscan_error_message(err), halves[i].says), "%s",
                      kpiscan_error_message(err));
        unlink(path);
    }
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, "/nonexistent/m.tsv", err),
                     KPISCAN_ERR_IO);
    /* a folder says why; a UTF-16 file says what to save it as */
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, "/tmp", err),
                     KPISCAN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "cannot read manifest: Is a "
                                 "directory"));
    path = write_temp("\xFF\xFE"
                      "a"); /* its byte order mark is enough */
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "UTF-16"));
    unlink(path);
    /* A path that never ends a line (/dev/zero) stops at the size limit:
     * before, one line grew until memory ran out and the load then said
     * "lists no files". */
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, "/dev/zero", err),
                     KPISCAN_ERR_LIMIT);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "/dev/zero: manifest larger than"));
    /* The last line needs no newline. */
    path = write_temp("no-newline.txt\tmid");
    size_t count = kpiscan_gate_manifest_count(g);
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_gate_manifest_count(g), count + 1);
    ck_assert_str_eq(kpiscan_gate_manifest_path(g, count),
                     "/tmp/no-newline.txt");
    unlink(path);
    /* A comment may follow the level after a blank, not inside it. */
    path = write_temp("c.txt\tmid   # promoted in 2024\nd.txt\tsenior\t#x\n");
    size_t before = kpiscan_gate_manifest_count(g);
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_gate_manifest_count(g), before + 2);
    unlink(path);
    path = write_temp("e.txt\tmid#x\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "unknown level 'mid#x'"));
    unlink(path);
    /* A manifest listing nothing is a mistake, not a gate passed. */
    const char *empty[] = {"", "# only a comment\n\n  \n"};
    for (size_t i = 0; i < 2; i++) {
        path = write_temp(empty[i]);
        ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                         KPISCAN_ERR_MANIFEST);
        ck_assert_ptr_nonnull(
            strstr(kpiscan_error_message(err), ": lists no files"));
        unlink(path);
    }
    kpiscan_gate_free(g);
    kpiscan_error_free(err);
    kpiscan_result_free(jun.result);
    kpiscan_result_free(other.result);
    kpiscan_result_free(sen.result);
    kpiscan_result_free(wrong.result);
}
END_TEST

/* A manifest never drops an expectation silently: a file listed twice
 * with two levels and a folder are refused by line; an exact repeat is
 * one expectation; a path of any depth keeps every segment. */
START_TEST(test_manifest_refusals)
{
    kpiscan_error *err = kpiscan_error_new();
    kpiscan_gate *g = kpiscan_gate_new();
    char *path = write_temp("a.txt\tmid\n./a.txt\tsenior\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_uint_eq(kpiscan_error_line(err), 2);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err),
                                 "listed as senior here but as mid at line 1"));
    unlink(path);
    kpiscan_gate_free(g);

    g = kpiscan_gate_new();
    path = write_temp("a.txt\tmid\nsub/../a.txt\tmid\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_gate_manifest_count(g), 1);
    unlink(path);
    /* across manifests too, naming the first one */
    path = write_temp("/tmp/a.txt\tjunior\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "at line 1 of /"));
    unlink(path);
    kpiscan_gate_free(g);

    g = kpiscan_gate_new();
    path = write_temp("/tmp\tsenior\n");
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_ptr_nonnull(strstr(kpiscan_error_message(err), "is a folder"));
    unlink(path);
    kpiscan_gate_free(g);

    /* 600 segments: none is cut off */
    size_t depth = 600, cap = depth * 2 + 64;
    char *deep = malloc(cap), *line = malloc(cap + 16);
    ck_assert_ptr_nonnull(deep);
    ck_assert_ptr_nonnull(line);
    char *w = deep;
    w += sprintf(w, "/deep");
    for (size_t i = 0; i < depth; i++)
        w += sprintf(w, "/d");
    sprintf(w, "/cv.txt");
    snprintf(line, cap + 16, "%s\tsenior\n", deep);
    g = kpiscan_gate_new();
    path = write_temp(line);
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, path, err), KPISCAN_OK);
    ck_assert_str_eq(kpiscan_gate_manifest_path(g, 0), deep);
    unlink(path);
    kpiscan_gate_free(g);
    free(deep);
    free(line);
    kpiscan_error_free(err);
}
END_TEST

/* Two names of one file (a hard link, which realpath() keeps apart) are
 * one entry, as the batch scans the file once: another level is refused,
 * the same level is one expectation, and a record under either name finds
 * it. */
START_TEST(test_manifest_hard_links)
{
    char dir[] = "/tmp/kpiscan-gate-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char a[64], b[64], m[64];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    snprintf(m, sizeof m, "%s/m.tsv", dir);
    FILE *f = fopen(a, "w");
    ck_assert_ptr_nonnull(f);
    fputs(JUNIOR, f);
    fclose(f);
    ck_assert_int_eq(link(a, b), 0);

    kpiscan_error *err = kpiscan_error_new();
    kpiscan_gate *g = kpiscan_gate_new();
    f = fopen(m, "w");
    fputs("a.txt\tjunior\nb.txt\tsenior\n", f);
    fclose(f);
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, m, err),
                     KPISCAN_ERR_MANIFEST);
    ck_assert_uint_eq(kpiscan_error_line(err), 2);
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err),
               "/b.txt' is listed as senior here but as junior at line 1"));
    /* the two names are one file, which the lines do not show */
    ck_assert_ptr_nonnull(
        strstr(kpiscan_error_message(err), "/a.txt', the same file)"));
    kpiscan_gate_free(g);

    g = kpiscan_gate_new();
    f = fopen(m, "w");
    fputs("a.txt\tsenior\nb.txt\tsenior\n", f);
    fclose(f);
    ck_assert_int_eq(kpiscan_gate_load_manifest(g, m, err), KPISCAN_OK);
    ck_assert_uint_eq(kpiscan_gate_manifest_count(g), 1);
    kpiscan_record rec = make_record(b, JUNIOR);
    char *msg = NULL;
    ck_assert_int_eq(kpiscan_gate_check(g, &rec, NULL, &msg), 1);
    ck_assert_ptr_nonnull(strstr(msg, "expected senior, got junior"));
    kpiscan_free(msg);
    kpiscan_result_free(rec.result);
    kpiscan_gate_free(g);
    kpiscan_error_free(err);
    unlink(m);
    unlink(b);
    unlink(a);
    rmdir(dir);
}
END_TEST

static size_t count_nodes(xmlNode *n, const char *name)
{
    size_t c = 0;
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            c++;
        c += count_nodes(n->children, name);
    }
    return c;
}

static xmlNode *first_node(xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            return n;
        xmlNode *f = first_node(n->children, name);
        if (f)
            return f;
    }
    return NULL;
}

/* The JUnit document parses and has the structure CI reporters read. */
START_TEST(test_junit)
{
    kpiscan_record sen = make_record("cv/senior.txt", SENIOR);
    kpiscan_record jun = make_record("cv/junior.txt", JUNIOR);
    kpiscan_record bad = make_record("other/bin.dat", "");
    kpiscan_record skip = make_record("cv/x.png", "");
    skip.skipped = 1;
    kpiscan_junit *j = kpiscan_junit_new(NULL);
    ck_assert_int_eq(kpiscan_junit_add(j, &sen, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_junit_add(j, &jun,
                                       "expected senior, got junior\ntop "
                                       "evidence: <&>"),
                     KPISCAN_OK);
    ck_assert_int_eq(kpiscan_junit_add(j, &bad, NULL), KPISCAN_OK);
    ck_assert_int_eq(kpiscan_junit_add(j, &skip, NULL), KPISCAN_OK);
    char *xml = kpiscan_junit_xml(j, pack);
    ck_assert_ptr_nonnull(xml);
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "junit.xml", NULL,
                                XML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    xmlNode *root = xmlDocGetRootElement(doc);
    ck_assert_str_eq((const char *)root->name, "testsuites");
    ck_assert_uint_eq(count_nodes(root, "testsuite"), 1);
    ck_assert_uint_eq(count_nodes(root, "testcase"), 4);
    ck_assert_uint_eq(count_nodes(root, "failure"), 1);
    ck_assert_uint_eq(count_nodes(root, "error"), 1);
    ck_assert_uint_eq(count_nodes(root, "skipped"), 1);
    xmlNode *suite = first_node(root, "testsuite");
    xmlChar *v = xmlGetProp(suite, BAD_CAST "tests");
    ck_assert_str_eq((const char *)v, "4");
    xmlFree(v);
    v = xmlGetProp(suite, BAD_CAST "skipped");
    ck_assert_str_eq((const char *)v, "1");
    xmlFree(v);
    v = xmlGetProp(first_node(root, "skipped"), BAD_CAST "message");
    ck_assert_ptr_nonnull(strstr((const char *)v, "cv/x.png"));
    xmlFree(v);
    v = xmlGetProp(suite, BAD_CAST "failures");
    ck_assert_str_eq((const char *)v, "1");
    xmlFree(v);
    v = xmlGetProp(suite, BAD_CAST "errors");
    ck_assert_str_eq((const char *)v, "1");
    xmlFree(v);
    xmlNode *tc = first_node(root, "testcase");
    v = xmlGetProp(tc, BAD_CAST "classname");
    ck_assert_str_eq((const char *)v, "cv");
    xmlFree(v);
    v = xmlGetProp(tc, BAD_CAST "name");
    ck_assert_str_eq((const char *)v, "senior.txt");
    xmlFree(v);
    xmlNode *f = first_node(root, "failure");
    v = xmlGetProp(f, BAD_CAST "message");
    ck_assert_str_eq((const char *)v, "expected senior, got junior");
    xmlFree(v);
    v = xmlNodeGetContent(f);
    ck_assert_ptr_nonnull(strstr((const char *)v, "top evidence: <&>"));
    xmlFree(v);
    xmlNode *e = first_node(root, "error");
    v = xmlGetProp(e, BAD_CAST "message");
    ck_assert_str_eq((const char *)v, "other/bin.dat: empty document");
    xmlFree(v);
    ck_assert_ptr_null(strstr(xml, "timestamp"));
    xmlFreeDoc(doc);
    kpiscan_free(xml);
    kpiscan_junit_free(j);
    kpiscan_junit_free(NULL);
    kpiscan_result_free(sen.result);
    kpiscan_result_free(jun.result);
}
END_TEST

START_TEST(test_github_escaping)
{
    kpiscan_record rec = make_record("dir,a:b%.txt", JUNIOR);
    char *gh = kpiscan_record_to_github(&rec, "expected mid, got junior\n50%");
    ck_assert_ptr_nonnull(gh);
    ck_assert_ptr_nonnull(strstr(gh, "::error file=dir%2Ca%3Ab%25.txt,line="));
    ck_assert_ptr_nonnull(strstr(gh, "::expected mid, got junior%0A50%25\n"));
    kpiscan_free(gh);
    gh = kpiscan_record_to_github(&rec, NULL);
    ck_assert_str_eq(gh, "");
    kpiscan_free(gh);
    kpiscan_record bad = make_record("e.txt", "");
    gh = kpiscan_record_to_github(&bad, NULL);
    ck_assert_ptr_nonnull(
        strstr(gh, "::error file=e.txt,title=kpiscan%3A cannot"));
    kpiscan_free(gh);
    kpiscan_result_free(rec.result);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gate");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_levels);
    tcase_add_test(tc, test_hidden_gate);
    tcase_add_test(tc, test_hidden_gate_points_at_hidden_text);
    tcase_add_test(tc, test_manifest);
    tcase_add_test(tc, test_manifest_refusals);
    tcase_add_test(tc, test_manifest_hard_links);
    tcase_add_test(tc, test_junit);
    tcase_add_test(tc, test_github_escaping);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
