// Run by tests/preload/alloc_record_test.cpp under `cachescope trace record --allocations`: makes
// allocations of sizes no runtime makes (100001, 7 x 1111, ...) through every wrapped function,
// frees all but one, and the test finds each in the recorded trace. Built with -O0 -fno-builtin
// (so no call is elided) and -rdynamic (so dladdr names main and make_buffer).

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include <unistd.h>

extern "C" __attribute__((noinline)) void* make_buffer(std::size_t n) { return std::malloc(n); }

struct Big {
    char bytes[50005];
};

int main(int argc, char** argv) {
    // `alloc_known execl`: one block (80008 B, kept), then the program execs itself through
    // execl as `alloc_known child`, which allocates 90009 B: both must be in the trace, the second
    // with the IDs of a second image.
    if (argc == 2 && std::strcmp(argv[1], "execl") == 0) {
        void* kept = std::malloc(80008);
        std::memset(kept, 1, 80008);
        execl(argv[0], argv[0], "child", static_cast<char*>(nullptr));
        return 3;  // exec failed
    }
    if (argc == 2 && std::strcmp(argv[1], "child") == 0) {
        void* g = std::malloc(90009);
        std::memset(g, 2, 90009);
        std::free(g);
        std::puts("alloc_known child: done");
        return 0;
    }
    void* a = std::malloc(100001);
    void* b = std::calloc(7, 1111);
    a = std::realloc(a, 200002);
    void* c = nullptr;
    if (posix_memalign(&c, 64, 30003) != 0) return 2;
    void* d = aligned_alloc(4096, 40960);
    int* e = new int[10007];
    Big* s = new Big;
    void* f = make_buffer(60006);  // never freed: the leak
    std::memset(f, 1, 60006);
    std::free(b);
    std::free(c);
    std::free(d);
    delete[] e;
    delete s;
    std::free(a);
    std::puts("alloc_known: done");
    return 0;
}
