// Placeholder entry point; the CLI proper lands with src/cli/ (issue #2).
#include <cstdio>
int main() {
    std::puts("cachescope " CACHESCOPE_VERSION);
    return 0;
}
