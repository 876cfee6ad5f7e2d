/*
 * dlclose.c - an embedder that loads libkpiscan with dlopen(), scans a PDF
 * on a worker thread, then unloads the library while that thread still
 * runs.  The thread's PDF helper is thread-specific data whose cleanup
 * lives in the library: were the library unmapped by dlclose(), the
 * thread's exit would call into nothing (SIGSEGV).  The library is linked
 * with -z nodelete, so it stays.
 *
 * Usage: dlclose LIBRARY HELPER.  Exit 0 when the thread ended cleanly.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "kpiscan.h"

static struct {
    int (*pack_load_default)(kpiscan_pack **, kpiscan_error *);
    void (*pack_free)(kpiscan_pack *);
    kpiscan_options *(*options_new)(void);
    void (*options_free)(kpiscan_options *);
    int (*set_pdf_helper)(kpiscan_options *, const char *);
    int (*scan_buffer)(const kpiscan_pack *, const kpiscan_options *,
                       const void *, size_t, const char *, kpiscan_result **,
                       kpiscan_error *);
    void (*result_free)(kpiscan_result *);
} api;

static const char *helper_path;
static kpiscan_pack *pack;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int scanned, unloaded, scan_status = -1;

static void *worker(void *arg)
{
    (void)arg;
    kpiscan_options *o = api.options_new();
    if (o && api.set_pdf_helper(o, helper_path) == 0) {
        static const char doc[] = "%PDF-1.4 fine";
        kpiscan_result *r = NULL;
        scan_status =
            api.scan_buffer(pack, o, doc, sizeof doc - 1, "cv.pdf", &r, NULL);
        api.result_free(r);
    }
    api.options_free(o);
    /* now wait, with the thread's helper still running, until the
     * library has been closed; then return (thread exit runs the
     * thread-specific data's destructor) */
    pthread_mutex_lock(&mu);
    scanned = 1;
    pthread_cond_broadcast(&cv);
    while (!unloaded)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

#define BIND(field, name)                                                      \
    do {                                                                       \
        void *sym = dlsym(lib, name);                                          \
        if (!sym) {                                                            \
            fprintf(stderr, "dlsym %s: %s\n", name, dlerror());                \
            return 1;                                                          \
        }                                                                      \
        memcpy(&api.field, &sym, sizeof sym);                                  \
    } while (0)

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: dlclose LIBRARY HELPER\n");
        return 2;
    }
    helper_path = argv[2];
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    BIND(pack_load_default, "kpiscan_pack_load_default");
    BIND(pack_free, "kpiscan_pack_free");
    BIND(options_new, "kpiscan_options_new");
    BIND(options_free, "kpiscan_options_free");
    BIND(set_pdf_helper, "kpiscan_options_set_pdf_helper");
    BIND(scan_buffer, "kpiscan_scan_buffer");
    BIND(result_free, "kpiscan_result_free");
    if (api.pack_load_default(&pack, NULL) != 0)
        return 1;
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    pthread_mutex_lock(&mu);
    while (!scanned)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);

    api.pack_free(pack);
    if (dlclose(lib) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        return 1;
    }
    pthread_mutex_lock(&mu);
    unloaded = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    if (scan_status != 0) {
        fprintf(stderr, "the scan failed: status %d\n", scan_status);
        return 1;
    }
    printf("ok: the worker scanned a PDF and ended after dlclose\n");
    return 0;
}
