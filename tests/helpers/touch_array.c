/* A tiny program for the valgrind tracing test: writes a static array of N ints in order, then
 * reads it back in order, and exits with the status given as argv[1] (0 by default).
 *
 * The array is volatile, so every store and load stays in the compiled code, one 4-byte access
 * per element: under Lackey the trace holds N stores at addresses 4 bytes apart, then N loads of
 * the same addresses. It is built at -O2 so the loop counter lives in a register and the array
 * accesses are the only data accesses of each loop iteration. */

#include <stdlib.h>

enum { N = 1000 };

static volatile int array[N];

int main(int argc, char** argv) {
    for (int i = 0; i < N; ++i) array[i] = i;
    int sum = 0;
    for (int i = 0; i < N; ++i) sum += array[i];
    if (sum != N * (N - 1) / 2) return 99; /* cannot happen; keeps the loads meaningful */
    return argc > 1 ? atoi(argv[1]) : 0;
}
