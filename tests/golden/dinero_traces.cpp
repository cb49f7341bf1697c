#include "golden/dinero_traces.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>

namespace cachescope::golden {

namespace {

constexpr std::uint8_t kRead = 0;
constexpr std::uint8_t kWrite = 1;
constexpr std::uint8_t kFetch = 2;

// The hand-worked trace (see the test): 16 B lines, 2 sets, direct-mapped.
std::vector<DinRecord> hand10() {
    return {{kRead, 0x00}, {kRead, 0x04}, {kWrite, 0x10}, {kRead, 0x20}, {kWrite, 0x24},
            {kRead, 0x00}, {kFetch, 0x18}, {kRead, 0x30}, {kWrite, 0x38}, {kFetch, 0x10}};
}

// A loop over a 40-instruction body with a data access every other instruction, and a call into
// one of four 30-instruction functions every third iteration.
std::vector<DinRecord> program() {
    constexpr std::size_t kRecords = 50'000;
    constexpr std::uint64_t kCode = 0x0040'0000;   // loop body
    constexpr std::uint64_t kFuncs = 0x0040'9000;  // four functions, 1536 B apart
    constexpr std::uint64_t kArrayA = 0x1000'0000; // read sequentially, 16 KiB, wraps
    constexpr std::uint64_t kArrayB = 0x1000'8000; // strided by 196 B over 20,000 B
    constexpr std::uint64_t kArrayC = 0x1002'0000; // random over 24 KiB
    constexpr std::uint64_t kStack = 0x7ff0'0000;  // a few words below the stack top
    std::mt19937_64 rng(0xD1E5'0001);
    std::vector<DinRecord> t;
    t.reserve(kRecords + 64);
    std::uint64_t seqA = 0;
    std::uint64_t strideB = 0;
    for (std::uint64_t iter = 0; t.size() < kRecords; ++iter) {
        for (std::uint64_t pc = 0; pc < 40; ++pc) {
            t.push_back({kFetch, kCode + 4 * pc});
            switch (pc % 8) {
            case 1:
                t.push_back({kRead, kArrayA + seqA});
                seqA = (seqA + 4) % 16384;
                break;
            case 3:
                t.push_back({(pc / 8) % 2 == 0 ? kWrite : kRead, kArrayB + strideB});
                strideB = (strideB + 196) % 20000;
                break;
            case 5: {
                const std::uint64_t off = rng() % 24576;  // unaligned on purpose
                t.push_back({rng() % 10 < 3 ? kWrite : kRead, kArrayC + off});
                break;
            }
            case 7: t.push_back({pc % 16 == 7 ? kWrite : kRead, kStack - 64 + (rng() % 16) * 4}); break;
            default: break;
            }
            if (pc == 20 && iter % 3 == 0) {
                const std::uint64_t f = kFuncs + (rng() % 4) * 1536;
                t.push_back({kWrite, kStack - 72});  // return address
                for (std::uint64_t j = 0; j < 30; ++j) {
                    t.push_back({kFetch, f + 4 * j});
                    if (j % 5 == 2) t.push_back({kRead, kArrayC + (rng() % 6144) * 4});
                }
                t.push_back({kRead, kStack - 72});
            }
        }
    }
    t.resize(kRecords);
    return t;
}

// C[i][j] += A[i][k] * B[k][j], 8-byte elements, row-major; B and C at odd offsets from A so the
// three matrices collide in small direct-mapped caches in irregular ways.
std::vector<DinRecord> matmul(bool ikj) {
    constexpr std::uint64_t n = 24;
    constexpr std::uint64_t kA = 0x2000'0000;
    constexpr std::uint64_t kB = 0x2000'2000;
    constexpr std::uint64_t kC = 0x2000'5040;
    auto a = [](std::uint64_t i, std::uint64_t k) { return kA + (i * n + k) * 8; };
    auto b = [](std::uint64_t k, std::uint64_t j) { return kB + (k * n + j) * 8; };
    auto c = [](std::uint64_t i, std::uint64_t j) { return kC + (i * n + j) * 8; };
    std::vector<DinRecord> t;
    if (!ikj) {
        for (std::uint64_t i = 0; i < n; ++i)
            for (std::uint64_t j = 0; j < n; ++j) {
                t.push_back({kRead, c(i, j)});
                for (std::uint64_t k = 0; k < n; ++k) {
                    t.push_back({kRead, a(i, k)});
                    t.push_back({kRead, b(k, j)});
                }
                t.push_back({kWrite, c(i, j)});
            }
    } else {
        for (std::uint64_t i = 0; i < n; ++i)
            for (std::uint64_t k = 0; k < n; ++k) {
                t.push_back({kRead, a(i, k)});
                for (std::uint64_t j = 0; j < n; ++j) {
                    t.push_back({kRead, c(i, j)});
                    t.push_back({kRead, b(k, j)});
                    t.push_back({kWrite, c(i, j)});
                }
            }
    }
    return t;
}

std::vector<DinRecord> random() {
    constexpr std::size_t kRecords = 30'000;
    constexpr std::uint64_t kBase = 0x3000'0000;
    constexpr std::uint64_t kRange = 128 * 1024;
    std::mt19937_64 rng(0xD1E5'0003);
    std::vector<DinRecord> t;
    t.reserve(kRecords);
    for (std::size_t i = 0; i < kRecords; ++i) {
        const std::uint64_t off = rng() % kRange;
        t.push_back({rng() % 100 < 30 ? kWrite : kRead, kBase + off});
    }
    return t;
}

}  // namespace

const std::vector<std::string>& dineroTraceNames() {
    static const std::vector<std::string> names{"hand10", "program", "matmul-ijk", "matmul-ikj", "random"};
    return names;
}

std::vector<DinRecord> makeDineroTrace(const std::string& name) {
    if (name == "hand10") return hand10();
    if (name == "program") return program();
    if (name == "matmul-ijk") return matmul(false);
    if (name == "matmul-ikj") return matmul(true);
    if (name == "random") return random();
    throw std::invalid_argument("unknown dinero trace \"" + name + "\"");
}

std::string toDinText(const std::vector<DinRecord>& trace) {
    std::string s;
    s.reserve(trace.size() * 12);
    char buf[32];
    for (const DinRecord& r : trace) {
        const int len = std::snprintf(buf, sizeof buf, "%u %llx\n", static_cast<unsigned>(r.label),
                                      static_cast<unsigned long long>(r.address));
        s.append(buf, static_cast<std::size_t>(len));
    }
    return s;
}

Access toAccess(const DinRecord& record) {
    const AccessKind kind = record.label == kWrite   ? AccessKind::Write
                            : record.label == kFetch ? AccessKind::Fetch
                                                     : AccessKind::Read;
    return {record.address & ~std::uint64_t{3}, 4, kind};
}

}  // namespace cachescope::golden
