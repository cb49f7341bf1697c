// The allocation recorder: a small LD_PRELOAD library that `cachescope trace record --allocations`
// puts under a program. It wraps malloc, calloc, realloc, free, posix_memalign, aligned_alloc,
// memalign and every operator new / delete, and writes each call that succeeded as one line of the
// allocation-trace format of docs/alloc.md:
//
//   alloc n12 4096 64 parse_config+0x2a     (ID, size, alignment if one was asked for, call site)
//   realloc n12 8192                        (the ID follows the block when realloc moves it)
//   free n12
//
// It records nothing unless CACHESCOPE_ALLOC_FD names the descriptor to write to, and only in
// one process: the first to start claims it (CACHESCOPE_ALLOC_PID). A program it execs in the
// same process (a wrapper script's real program) is recorded on, with IDs of its own ("n7.2":
// the blocks of the image exec replaced stay live in the trace); children with other pids are
// not recorded.
//
// Care taken, because this code runs inside malloc:
// - it never allocates through malloc: the ID table is an open-addressing hash table in mmap'd
//   memory, the output buffer is static, the text is formatted by hand;
// - dlsym, which finds the real functions, may itself call calloc: calls made while the real
//   functions are being looked up are served from a small static arena (never freed);
// - a thread-local flag sends calls made while recording (dladdr, for instance) straight to the
//   real functions, unrecorded;
// - one mutex orders the table and the output between threads.
//
// The call site is the return address of the wrapped call, named through dladdr as
// "symbol+0xoffset" when the symbol is exported (link with -rdynamic for a program's own
// functions), else "module+0xoffset" (the offset into the file, for addr2line -e module), else
// "pc_0x..." ; a site never starts with a digit (the trace format reads a leading digit as an
// alignment).

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <new>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace {

using MallocFn = void* (*)(size_t);
using CallocFn = void* (*)(size_t, size_t);
using ReallocFn = void* (*)(void*, size_t);
using FreeFn = void (*)(void*);
using PosixMemalignFn = int (*)(void**, size_t, size_t);
using AlignedAllocFn = void* (*)(size_t, size_t);

MallocFn realMalloc = nullptr;
CallocFn realCalloc = nullptr;
ReallocFn realRealloc = nullptr;
FreeFn realFree = nullptr;
PosixMemalignFn realPosixMemalign = nullptr;
AlignedAllocFn realAlignedAlloc = nullptr;
AlignedAllocFn realMemalign = nullptr;

// ---- the arena for calls made while dlsym runs --------------------------------------------------
alignas(64) char arena[64 * 1024];
size_t arenaUsed = 0;
bool resolving = false;

bool inArena(const void* p) {
    return p >= static_cast<const void*>(arena) && p < static_cast<const void*>(arena + sizeof arena);
}

void* arenaAlloc(size_t size) {
    const size_t start = (arenaUsed + 15) & ~size_t{15};
    if (start + size > sizeof arena) return nullptr;
    arenaUsed = start + size;
    return arena + start;  // zero-filled: static storage, never reused
}

void resolve() {
    if (realMalloc != nullptr || resolving) return;
    resolving = true;
    realCalloc = reinterpret_cast<CallocFn>(dlsym(RTLD_NEXT, "calloc"));
    realFree = reinterpret_cast<FreeFn>(dlsym(RTLD_NEXT, "free"));
    realRealloc = reinterpret_cast<ReallocFn>(dlsym(RTLD_NEXT, "realloc"));
    realPosixMemalign = reinterpret_cast<PosixMemalignFn>(dlsym(RTLD_NEXT, "posix_memalign"));
    realAlignedAlloc = reinterpret_cast<AlignedAllocFn>(dlsym(RTLD_NEXT, "aligned_alloc"));
    realMemalign = reinterpret_cast<AlignedAllocFn>(dlsym(RTLD_NEXT, "memalign"));
    realMalloc = reinterpret_cast<MallocFn>(dlsym(RTLD_NEXT, "malloc"));
    resolving = false;
}

// ---- recording state ------------------------------------------------------------------------------
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int outFd = -1;
pid_t recordingPid = 0;
bool initialised = false;
__thread bool busy __attribute__((tls_model("initial-exec"))) = false;

char out[64 * 1024];
size_t outUsed = 0;

void flushOut() {
    size_t done = 0;
    while (done < outUsed) {
        const ssize_t n = write(outFd, out + done, outUsed - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // the reader went away: stop recording
            outFd = -1;
            break;
        }
        done += static_cast<size_t>(n);
    }
    outUsed = 0;
}

/// Lines are flushed whole (see beginLine): put() never writes out part of one.
void put(const char* text, size_t n) {
    if (outUsed + n > sizeof out) return;  // cannot happen: a line is at most kMaxLine bytes
    memcpy(out + outUsed, text, n);
    outUsed += n;
}
void putDecimal(uint64_t v) {
    char buf[24];
    size_t i = sizeof buf;
    do buf[--i] = static_cast<char>('0' + v % 10);
    while ((v /= 10) != 0);
    put(buf + i, sizeof buf - i);
}
void putHex(uint64_t v) {
    char buf[24];
    size_t i = sizeof buf;
    do buf[--i] = "0123456789abcdef"[v % 16];
    while ((v /= 16) != 0);
    put("0x", 2);
    put(buf + i, sizeof buf - i);
}

/// The longest line written (a site's name is cut to fit).
constexpr size_t kMaxLine = 512;
constexpr size_t kMaxSite = 400;

/// Before each line: flush if the buffer might not hold it, so the pipe only ever gets whole lines
/// (a program that execs or calls _exit loses whole lines at most, never leaves half of one).
void beginLine() {
    if (outUsed + kMaxLine > sizeof out) flushOut();
}

// ---- pointer -> ID, open addressing with linear probing in mmap'd memory --------------------------
struct Slot {
    uintptr_t key;  // 0 = empty
    uint64_t id;
};
Slot* table = nullptr;
size_t tableSize = 0;  // a power of two
size_t tableUsed = 0;
uint64_t nextId = 1;

size_t slotOf(uintptr_t key, size_t size) {
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h >> 20) & (size - 1);
}

bool grow() {
    const size_t size = tableSize == 0 ? (size_t{1} << 16) : tableSize * 2;
    void* mem = mmap(nullptr, size * sizeof(Slot), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return false;
    Slot* fresh = static_cast<Slot*>(mem);
    for (size_t i = 0; i < tableSize; ++i) {
        if (table[i].key == 0) continue;
        size_t s = slotOf(table[i].key, size);
        while (fresh[s].key != 0) s = (s + 1) & (size - 1);
        fresh[s] = table[i];
    }
    if (table != nullptr) munmap(table, tableSize * sizeof(Slot));
    table = fresh;
    tableSize = size;
    return true;
}

bool insert(const void* p, uint64_t id) {
    if ((tableUsed + 1) * 2 > tableSize && !grow()) return false;
    const auto key = reinterpret_cast<uintptr_t>(p);
    size_t s = slotOf(key, tableSize);
    while (table[s].key != 0) s = (s + 1) & (tableSize - 1);
    table[s] = {key, id};
    ++tableUsed;
    return true;
}

/// Removes p; its ID, or 0 if p is not in the table (allocated before recording began).
uint64_t remove(const void* p) {
    if (tableSize == 0) return 0;
    const auto key = reinterpret_cast<uintptr_t>(p);
    size_t s = slotOf(key, tableSize);
    while (table[s].key != key) {
        if (table[s].key == 0) return 0;
        s = (s + 1) & (tableSize - 1);
    }
    const uint64_t id = table[s].id;
    // Backward-shift deletion: later entries of the probe run move into the hole.
    size_t hole = s;
    for (size_t j = (s + 1) & (tableSize - 1); table[j].key != 0; j = (j + 1) & (tableSize - 1)) {
        const size_t home = slotOf(table[j].key, tableSize);
        const bool between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (between) continue;
        table[hole] = table[j];
        hole = j;
    }
    table[hole].key = 0;
    --tableUsed;
    return id;
}

// ---- call sites --------------------------------------------------------------------------------------
void putSite(const void* pc) {
    Dl_info info{};
    if (dladdr(pc, &info) != 0) {
        const auto addr = reinterpret_cast<uintptr_t>(pc);
        if (info.dli_sname != nullptr && info.dli_saddr != nullptr) {
            if (info.dli_sname[0] >= '0' && info.dli_sname[0] <= '9') put("_", 1);
            put(info.dli_sname, strnlen(info.dli_sname, kMaxSite));
            put("+", 1);
            putHex(addr - reinterpret_cast<uintptr_t>(info.dli_saddr));
            return;
        }
        if (info.dli_fname != nullptr && info.dli_fname[0] != '\0') {
            const char* base = strrchr(info.dli_fname, '/');
            base = base != nullptr ? base + 1 : info.dli_fname;
            if (base[0] >= '0' && base[0] <= '9') put("_", 1);
            // A space would split the word: it becomes '_'.
            for (const char* c = base; *c != '\0' && c < base + kMaxSite; ++c)
                put(*c == ' ' || *c == '\t' || *c == '#' ? "_" : c, 1);
            put("+", 1);
            putHex(addr - reinterpret_cast<uintptr_t>(info.dli_fbase));
            return;
        }
    }
    put("pc_", 3);
    putHex(reinterpret_cast<uintptr_t>(pc));
}

/// A decimal environment variable, or -1 if it is unset or not a small number.
long envNumber(const char* name) {
    const char* text = getenv(name);
    if (text == nullptr || *text == '\0') return -1;
    long n = 0;
    for (const char* c = text; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9' || n > 100000000) return -1;
        n = n * 10 + (*c - '0');
    }
    return n;
}

void setEnvNumber(const char* name, long value) {
    char buf[24];
    size_t i = sizeof buf;
    buf[--i] = '\0';
    do buf[--i] = static_cast<char>('0' + value % 10);
    while ((value /= 10) != 0);
    setenv(name, buf + i, 1);
}

long image = 1;  // which program this process runs, counting the ones it exec'd (IDs stay unique)

/// Called once per program image, under the lock. CACHESCOPE_ALLOC_FD names the descriptor; the
/// first image to start claims the recording for its process (CACHESCOPE_ALLOC_PID), so a wrapper
/// script that execs the real program is followed, and children with other pids are not recorded.
void start() {
    initialised = true;
    const long fd = envNumber("CACHESCOPE_ALLOC_FD");
    if (fd < 0) return;
    const long pid = envNumber("CACHESCOPE_ALLOC_PID");
    if (pid >= 0 && pid != static_cast<long>(getpid())) return;
    if (pid < 0) setEnvNumber("CACHESCOPE_ALLOC_PID", static_cast<long>(getpid()));
    const long previous = envNumber("CACHESCOPE_ALLOC_IMAGE");
    image = previous < 0 ? 1 : previous + 1;
    outFd = static_cast<int>(fd);
    recordingPid = getpid();
}

/// " n12" (first image) or " n12.2" (the second program the process exec'd).
void putId(uint64_t id) {
    put(" n", 2);
    putDecimal(id);
    if (image > 1) {
        put(".", 1);
        putDecimal(static_cast<uint64_t>(image));
    }
}

/// Holds the lock and marks the thread busy while it records; `active` is false if nothing is to
/// be recorded (not enabled, another process, or a call made while recording).
class Recording {
public:
    Recording() {
        if (busy) return;
        busy = true;
        pthread_mutex_lock(&lock);
        if (!initialised) start();
        active = outFd >= 0 && getpid() == recordingPid;
        locked = true;
    }
    ~Recording() {
        if (!locked) return;
        pthread_mutex_unlock(&lock);
        busy = false;
    }
    Recording(const Recording&) = delete;
    Recording& operator=(const Recording&) = delete;
    bool active = false;

private:
    bool locked = false;
};

/// Gives `p` the next ID and writes its alloc line; the caller holds an active Recording.
void writeAlloc(void* p, size_t size, size_t align, const void* pc) {
    const uint64_t id = nextId++;
    if (!insert(p, id)) return;
    beginLine();
    put("alloc", 5);
    putId(id);
    put(" ", 1);
    putDecimal(size);
    // The trace format takes power-of-two alignments up to 1 GiB.
    if (align != 0 && (align & (align - 1)) == 0 && align <= (size_t{1} << 30)) {
        put(" ", 1);
        putDecimal(align);
    }
    put(" ", 1);
    putSite(pc);
    put("\n", 1);
}

void writeIdLine(const char* op, size_t opLength, uint64_t id) {
    beginLine();
    put(op, opLength);
    putId(id);
}

void recordAlloc(void* p, size_t size, size_t align, const void* pc) {
    if (p == nullptr) return;
    Recording r;
    if (r.active) writeAlloc(p, size, align, pc);
}

/// Before the real free: once the block is free another thread may get its address.
void recordFree(void* p) {
    if (p == nullptr) return;
    Recording r;
    if (!r.active) return;
    const uint64_t id = remove(p);
    if (id == 0) return;
    writeIdLine("free", 4, id);
    put("\n", 1);
}

/// Before the real realloc, for the same reason: takes `old` out of the table; its ID, or 0.
uint64_t takeId(void* old) {
    Recording r;
    return r.active ? remove(old) : 0;
}

/// After the real realloc of the block `id` (0: a block from before recording began) at `old`.
void finishRealloc(uint64_t id, void* old, void* p, size_t size, const void* pc) {
    Recording r;
    if (!r.active) return;
    if (p == nullptr) {
        if (id == 0) return;
        if (size == 0) {  // realloc(p, 0) freed p (glibc)
            writeIdLine("free", 4, id);
            put("\n", 1);
        } else {
            insert(old, id);  // failed: the old block stays
        }
        return;
    }
    if (id == 0) {  // from here on it is a new allocation
        writeAlloc(p, size, 0, pc);
        return;
    }
    insert(p, id);
    writeIdLine("realloc", 7, id);
    put(" ", 1);
    putDecimal(size);
    put("\n", 1);
}

void* newOrThrow(size_t size, size_t align, const void* pc) {
    resolve();
    for (;;) {
        void* p = nullptr;
        if (align == 0)
            p = realMalloc(size == 0 ? 1 : size);
        else if (realPosixMemalign(&p, align < sizeof(void*) ? sizeof(void*) : align, size == 0 ? 1 : size) != 0)
            p = nullptr;
        if (p != nullptr) {
            recordAlloc(p, size, align, pc);
            return p;
        }
        std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) throw std::bad_alloc();
        handler();
    }
}

void* newNoThrow(size_t size, size_t align, const void* pc) noexcept {
    try {
        return newOrThrow(size, align, pc);
    } catch (...) {
        return nullptr;
    }
}

void deleteBlock(void* p) {
    if (p == nullptr) return;
    recordFree(p);
    resolve();
    realFree(p);
}

struct Flusher {
    ~Flusher() {
        pthread_mutex_lock(&lock);
        if (outFd >= 0 && getpid() == recordingPid) flushOut();
        pthread_mutex_unlock(&lock);
    }
} flusher;

}  // namespace

#define CALLER __builtin_return_address(0)

extern "C" {

__attribute__((visibility("default"))) void* malloc(size_t size) {
    resolve();
    if (realMalloc == nullptr) return arenaAlloc(size);
    void* p = realMalloc(size);
    recordAlloc(p, size, 0, CALLER);
    return p;
}

__attribute__((visibility("default"))) void* calloc(size_t n, size_t size) {
    resolve();
    if (realCalloc == nullptr) return n != 0 && size > SIZE_MAX / n ? nullptr : arenaAlloc(n * size);
    void* p = realCalloc(n, size);
    recordAlloc(p, n * size, 0, CALLER);
    return p;
}

__attribute__((visibility("default"))) void* realloc(void* old, size_t size) {
    resolve();
    if (inArena(old)) {  // from the arena: copy out (the arena block's size is unknown; copy what fits)
        void* p = malloc(size);
        if (p != nullptr) memcpy(p, old, size < static_cast<size_t>(arena + sizeof arena - static_cast<char*>(old)) ? size : static_cast<size_t>(arena + sizeof arena - static_cast<char*>(old)));
        return p;
    }
    if (realRealloc == nullptr) return nullptr;
    if (old == nullptr) {
        void* p = realRealloc(nullptr, size);
        recordAlloc(p, size, 0, CALLER);
        return p;
    }
    const uint64_t id = takeId(old);
    void* p = realRealloc(old, size);
    finishRealloc(id, old, p, size, CALLER);
    return p;
}

__attribute__((visibility("default"))) void free(void* p) {
    if (p == nullptr || inArena(p)) return;
    recordFree(p);
    resolve();
    realFree(p);
}

__attribute__((visibility("default"))) int posix_memalign(void** result, size_t align, size_t size) {
    resolve();
    const int err = realPosixMemalign(result, align, size);
    if (err == 0) recordAlloc(*result, size, align, CALLER);
    return err;
}

__attribute__((visibility("default"))) void* aligned_alloc(size_t align, size_t size) {
    resolve();
    void* p = realAlignedAlloc(align, size);
    recordAlloc(p, size, align, CALLER);
    return p;
}

__attribute__((visibility("default"))) void* memalign(size_t align, size_t size) {
    resolve();
    void* p = realMemalign(align, size);
    recordAlloc(p, size, align, CALLER);
    return p;
}

// exec replaces the program image without running destructors: flush first, and hand the next
// image the recording's pid and this image's number in its environment (a shell passes the
// environment it read at start, not ours). glibc's execl, execlp and execle call its internal
// execve, past any wrapper of ours, so they are wrapped too: they gather their arguments into an
// argv and go through the wrappers below.
using ExecveFn = int (*)(const char*, char* const[], char* const[]);

static char pidEntry[48], imageEntry[48];

static void formatEntry(char* into, size_t size, const char* name, long value) {
    char digits[24];
    size_t i = sizeof digits;
    digits[--i] = '\0';
    do digits[--i] = static_cast<char>('0' + value % 10);
    while ((value /= 10) != 0);
    const size_t n = strlen(name);
    if (n + 1 + (sizeof digits - i) > size) return;
    memcpy(into, name, n);
    into[n] = '=';
    memcpy(into + n + 1, digits + i, sizeof digits - i);
}

/// envp with CACHESCOPE_ALLOC_PID and CACHESCOPE_ALLOC_IMAGE set to this recording's (in mmap'd
/// memory, never freed: exec replaces the process, and a failed exec is rare); envp itself if
/// nothing is being recorded.
static char* const* prepareExec(char* const envp[]) {
    pthread_mutex_lock(&lock);
    if (outFd >= 0 && getpid() == recordingPid) flushOut();
    const bool claimed = recordingPid != 0;
    const long pid = recordingPid, img = image;
    pthread_mutex_unlock(&lock);
    if (!claimed || envp == nullptr) return envp;
    formatEntry(pidEntry, sizeof pidEntry, "CACHESCOPE_ALLOC_PID", pid);
    formatEntry(imageEntry, sizeof imageEntry, "CACHESCOPE_ALLOC_IMAGE", img);
    size_t n = 0;
    while (envp[n] != nullptr) ++n;
    void* mem = mmap(nullptr, (n + 3) * sizeof(char*), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return envp;
    char** env = static_cast<char**>(mem);
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (strncmp(envp[i], "CACHESCOPE_ALLOC_PID=", 21) != 0 && strncmp(envp[i], "CACHESCOPE_ALLOC_IMAGE=", 23) != 0)
            env[k++] = envp[i];
    env[k++] = pidEntry;
    env[k++] = imageEntry;
    env[k] = nullptr;
    return env;
}

__attribute__((visibility("default"))) int execve(const char* path, char* const argv[], char* const envp[]) {
    static const auto real = reinterpret_cast<ExecveFn>(dlsym(RTLD_NEXT, "execve"));
    return real(path, argv, prepareExec(envp));
}

__attribute__((visibility("default"))) int execv(const char* path, char* const argv[]) {
    return execve(path, argv, environ);
}

__attribute__((visibility("default"))) int execvpe(const char* file, char* const argv[], char* const envp[]) {
    static const auto real = reinterpret_cast<ExecveFn>(dlsym(RTLD_NEXT, "execvpe"));
    return real(file, argv, prepareExec(envp));
}

__attribute__((visibility("default"))) int execvp(const char* file, char* const argv[]) {
    return execvpe(file, argv, environ);
}

/// How many pointers execl's argument list holds, the terminating null included.
static size_t countArgs(const char* arg0, va_list args) {
    size_t n = 1;
    if (arg0 != nullptr)
        while (va_arg(args, char*) != nullptr) ++n;
    return arg0 != nullptr ? n + 1 : n;
}

}  // extern "C"

/// Gathers an execl-style argument list (`arg0` to the terminating null pointer) into an argv on
/// this frame's stack and calls `exec(argv, envp)`: envp is the pointer after the list's null
/// (execle) or environ.
template <class Exec>
static int withArgv(const char* arg0, va_list args, bool listEndsWithEnvp, Exec exec) {
    va_list counting;
    va_copy(counting, args);
    char** argv = static_cast<char**>(__builtin_alloca(countArgs(arg0, counting) * sizeof(char*)));
    va_end(counting);
    size_t i = 0;
    argv[i++] = const_cast<char*>(arg0);
    if (arg0 != nullptr)
        for (char* a = va_arg(args, char*);; a = va_arg(args, char*)) {
            argv[i++] = a;
            if (a == nullptr) break;
        }
    char* const* envp = listEndsWithEnvp ? va_arg(args, char* const*) : environ;
    return exec(argv, envp);
}

extern "C" {

__attribute__((visibility("default"))) int execl(const char* path, const char* arg0, ...) {
    va_list args;
    va_start(args, arg0);
    const int r = withArgv(arg0, args, false, [&](char** argv, char* const* envp) { return execve(path, argv, envp); });
    va_end(args);
    return r;
}

__attribute__((visibility("default"))) int execlp(const char* file, const char* arg0, ...) {
    va_list args;
    va_start(args, arg0);
    const int r = withArgv(arg0, args, false, [&](char** argv, char* const* envp) { return execvpe(file, argv, envp); });
    va_end(args);
    return r;
}

__attribute__((visibility("default"))) int execle(const char* path, const char* arg0, ...) {
    va_list args;
    va_start(args, arg0);
    const int r = withArgv(arg0, args, true, [&](char** argv, char* const* envp) { return execve(path, argv, envp); });
    va_end(args);
    return r;
}

}  // extern "C"

// ---- operator new and delete ---------------------------------------------------------------------------
__attribute__((visibility("default"))) void* operator new(size_t size) { return newOrThrow(size, 0, CALLER); }
__attribute__((visibility("default"))) void* operator new[](size_t size) { return newOrThrow(size, 0, CALLER); }
__attribute__((visibility("default"))) void* operator new(size_t size, const std::nothrow_t&) noexcept {
    return newNoThrow(size, 0, CALLER);
}
__attribute__((visibility("default"))) void* operator new[](size_t size, const std::nothrow_t&) noexcept {
    return newNoThrow(size, 0, CALLER);
}
__attribute__((visibility("default"))) void* operator new(size_t size, std::align_val_t align) {
    return newOrThrow(size, static_cast<size_t>(align), CALLER);
}
__attribute__((visibility("default"))) void* operator new[](size_t size, std::align_val_t align) {
    return newOrThrow(size, static_cast<size_t>(align), CALLER);
}
__attribute__((visibility("default"))) void* operator new(size_t size, std::align_val_t align,
                                                          const std::nothrow_t&) noexcept {
    return newNoThrow(size, static_cast<size_t>(align), CALLER);
}
__attribute__((visibility("default"))) void* operator new[](size_t size, std::align_val_t align,
                                                            const std::nothrow_t&) noexcept {
    return newNoThrow(size, static_cast<size_t>(align), CALLER);
}
__attribute__((visibility("default"))) void operator delete(void* p) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete[](void* p) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete(void* p, size_t) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete[](void* p, size_t) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete(void* p, const std::nothrow_t&) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete[](void* p, const std::nothrow_t&) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete(void* p, std::align_val_t) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete[](void* p, std::align_val_t) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete(void* p, size_t, std::align_val_t) noexcept { deleteBlock(p); }
__attribute__((visibility("default"))) void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    deleteBlock(p);
}
