#include <random>

#include "cachescope/alloc/trace.hpp"

namespace cachescope::alloc {

AllocTrace randomAllocTrace(std::uint64_t events, std::uint32_t seed, std::uint32_t slots) {
    // Raw mt19937_64 output (its sequence is fixed by the standard; the distributions are not).
    std::mt19937_64 rng(seed);
    AllocTrace trace;
    trace.source = "random(" + std::to_string(events) + " events, seed " + std::to_string(seed) + ", " +
                   std::to_string(slots) + " IDs)";
    trace.sites.push_back("");
    for (int i = 0; i < 8; ++i) trace.sites.push_back("site" + std::to_string(i));
    for (std::uint32_t i = 0; i < slots; ++i) trace.names.push_back("x" + std::to_string(i));
    std::vector<bool> live(slots, false);
    trace.events.reserve(events);
    auto randomSize = [&rng] {
        if (rng() % 64 == 0) return (std::uint64_t{64} << 10) + rng() % (std::uint64_t{8} << 20);
        const unsigned bits = 1 + static_cast<unsigned>(rng() % 16);  // 2^1 .. 2^16
        return 1 + rng() % (std::uint64_t{1} << bits);
    };
    for (std::uint64_t i = 0; i < events; ++i) {
        AllocEvent ev;
        ev.line = i + 1;
        ev.id = static_cast<std::uint32_t>(rng() % slots);
        if (!live[ev.id]) {
            ev.op = AllocOp::Alloc;
            ev.size = randomSize();
            if (rng() % 8 == 0) {
                const std::uint64_t aligns[] = {64, 256, 4096};
                ev.align = aligns[rng() % 3];
            }
            ev.site = 1 + static_cast<std::uint32_t>(rng() % 8);
            live[ev.id] = true;
        } else if (rng() % 8 == 0) {
            ev.op = AllocOp::Realloc;
            ev.size = randomSize();
        } else {
            ev.op = AllocOp::Free;
            live[ev.id] = false;
        }
        trace.events.push_back(ev);
    }
    return trace;
}

}  // namespace cachescope::alloc
