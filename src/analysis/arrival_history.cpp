// The arrival history behind a classifier built late (analysis/arrival_history.hpp).

#include "cachescope/analysis/arrival_history.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "cachescope/sim/hierarchy.hpp"

namespace cachescope {

// ---- LineSet ------------------------------------------------------------------------------------

LineSet::LineSet() : table_(1024, 0), shift_(64 - 10) {}

bool LineSet::contains(std::uint64_t line) const { return line == 0 ? hasZero_ : table_[slotOf(line)] == line; }

void LineSet::clear() {
    std::fill(table_.begin(), table_.end(), 0);
    used_ = 0;
    hasZero_ = false;
}

void LineSet::rehash(std::size_t size) {
    std::vector<std::uint64_t> old(size, 0);
    old.swap(table_);
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(size));
    for (const std::uint64_t k : old)
        if (k != 0) table_[slotOf(k)] = k;
}

void LineSet::reserve(std::uint64_t lines) {
    const std::size_t size = std::bit_ceil(static_cast<std::size_t>(2 * lines + 2));  // at most half full
    if (size > table_.size()) rehash(size);
}

void LineSet::add(std::size_t slot, std::uint64_t line) {
    if ((used_ + 1) * 2 > table_.size()) {  // at most half full
        rehash(table_.size() * 2);
        slot = slotOf(line);
    }
    table_[slot] = line;
    ++used_;
}

// ---- ArrivalHistory -----------------------------------------------------------------------------

namespace {
constexpr std::uint64_t kNoLine = ~std::uint64_t{0};  // an empty filter entry (that line always probes)
}  // namespace

std::uint64_t ArrivalHistory::roomFor(std::uint64_t capacity, std::uint64_t minRoom) {
    return std::bit_ceil(std::max<std::uint64_t>(4 * std::max<std::uint64_t>(capacity, 1), minRoom));
}

ArrivalHistory::ArrivalHistory(const Hierarchy& hierarchy, std::uint64_t minRoom) {
    perCache_.resize(hierarchy.caches().size());
    for (std::size_t c = 0; c < perCache_.size(); ++c) {
        PerCache& pc = perCache_[c];
        pc.capacity = std::max<std::uint64_t>(hierarchy.caches()[c].config().lines(), 1);
        pc.room = roomFor(pc.capacity, minRoom);
        pc.log = allocateHugeAligned<std::uint64_t>(static_cast<std::size_t>(pc.room));
        pc.recent.fill(kNoLine);
    }
}

void ArrivalHistory::compact(PerCache& pc) {
    // From the newest arrival back: each line's latest arrival, until `capacity` distinct lines,
    // or every line ever seen (older arrivals then have nothing more to give).
    const std::uint64_t most = std::min(pc.capacity, pc.seen.size());
    LineSet& kept = pc.kept;
    std::vector<std::uint64_t>& newestFirst = pc.newestFirst;
    kept.reserve(most);  // (no growth inside the loop; a huge cache's few lines need a small set)
    kept.clear();
    newestFirst.clear();
    for (std::uint64_t i = pc.length; i-- > 0 && newestFirst.size() < most;)
        if (kept.insert(pc.log[i])) newestFirst.push_back(pc.log[i]);
    std::reverse_copy(newestFirst.begin(), newestFirst.end(), pc.log.get());
    pc.length = newestFirst.size();
    ++pc.compactions;
}

void ArrivalHistory::onArrivals(std::uint32_t cache, std::span<const std::uint64_t> lines,
                                std::span<const ArrivalMiss> misses) {
    PerCache& pc = perCache_[cache];
    // The misses name every line that ever arrived (a hit is never a line's first arrival); a
    // line in the filter of recent misses is in the set already.
    for (const ArrivalMiss& m : misses) {
        const std::uint64_t line = lines[m.index];
        std::uint64_t& recent = pc.recent[(line * 0x9E3779B97F4A7C15ull) >> (64 - 9)];
        if (recent == line && line != kNoLine) continue;
        pc.seen.insert(line);
        recent = line;
    }
    // The log, compacted when full (compaction leaves at most `capacity` <= room / 4 lines).
    if (!pc.logging) return;
    for (std::size_t done = 0; done < lines.size();) {
        if (pc.length == pc.room) compact(pc);
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(lines.size() - done, pc.room - pc.length));
        std::memcpy(pc.log.get() + pc.length, lines.data() + done, n * sizeof(std::uint64_t));
        pc.length += n;
        done += n;
    }
}

void ArrivalHistory::setLogging(std::uint32_t c, bool on) {
    PerCache& pc = perCache_[c];
    pc.length = 0;
    pc.restarted = on;
    pc.logging = on;
}

bool ArrivalHistory::complete() {
    for (PerCache& pc : perCache_) {
        compact(pc);  // (the log is then its distinct lines, at most min(capacity, seen) of them)
        if (!pc.logging || (pc.restarted && pc.length < std::min(pc.capacity, pc.seen.size()))) return false;
    }
    return true;
}

MissClassifier ArrivalHistory::classifier(const Hierarchy& hierarchy) {
    if (!complete())
        throw std::logic_error("ArrivalHistory::classifier: a log was off or restarted and lacks lines the shadow holds");
    std::vector<LruShadow> shadows;
    shadows.reserve(perCache_.size());
    for (PerCache& pc : perCache_) {
        // Compacted, the log is the shadow's lines, oldest first. Every line seen is remembered
        // (the set of lines ever seen), then those lines arrive in their order: the shadow holds
        // them, in that order, and nothing else.
        compact(pc);
        LruShadow shadow(pc.capacity);
        pc.seen.forEach([&shadow](std::uint64_t line) { shadow.remember(line); });
        for (std::uint64_t i = 0; i < pc.length; ++i) shadow.access(pc.log[static_cast<std::size_t>(i)]);
        shadows.push_back(std::move(shadow));
    }
    return MissClassifier(hierarchy, std::move(shadows));
}

}  // namespace cachescope
