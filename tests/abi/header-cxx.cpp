// header-cxx.cpp - kpiscan.h must compile as C++11 (-pedantic -Werror):
// the extern "C" guard, no C-only syntax (designated initialisers,
// restrict, implicit void * conversions) in the header.  Built, linked and
// run, so the C++ program really calls the C library.
#include <kpiscan.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace {
struct pack_deleter {
    void operator()(kpiscan_pack *p) const { kpiscan_pack_free(p); }
};
struct result_deleter {
    void operator()(kpiscan_result *r) const { kpiscan_result_free(r); }
};
struct error_deleter {
    void operator()(kpiscan_error *e) const { kpiscan_error_free(e); }
};
} // namespace

int main()
{
    std::unique_ptr<kpiscan_error, error_deleter> err(kpiscan_error_new());
    kpiscan_pack *raw_pack = nullptr;
    if (kpiscan_pack_load_default(&raw_pack, err.get()) != KPISCAN_OK) {
        std::printf("header-cxx: %s\n", kpiscan_error_message(err.get()));
        return 1;
    }
    std::unique_ptr<kpiscan_pack, pack_deleter> pack(raw_pack);
    static const char cv[] = "Junior analyst. Built simple dashboards.\n";
    kpiscan_result *raw_res = nullptr;
    int rc = kpiscan_scan_buffer(pack.get(), nullptr, cv, std::strlen(cv),
                                 "c++", &raw_res, err.get());
    if (rc != KPISCAN_OK) {
        std::printf("header-cxx: %s\n", kpiscan_error_message(err.get()));
        return 1;
    }
    std::unique_ptr<kpiscan_result, result_deleter> res(raw_res);
    std::printf("header-cxx: %s\n",
                kpiscan_level_name(kpiscan_result_level(res.get())));
    return 0;
}
