#include "model/segment_view.hpp"

#include <algorithm>

#include "cachescope/core/format.hpp"
#include "cachescope/mmu/mmu_observer.hpp"

namespace cachescope::gui {

bool hasSegments(const SimConfig& config) {
    return config.mmu && (config.mmu->mode != MmuMode::Paging || config.mmu->protection);
}

std::optional<SegmentsView> buildSegmentsView(const Simulator& simulator) {
    const Segmentation* seg = simulator.segmentation();
    if (seg == nullptr) return std::nullopt;
    SegmentsView v;
    v.mode = seg->mode();
    v.placement = seg->placement();
    v.physicalMemory = seg->physicalMemory();
    v.processes = seg->processes();
    v.stats = seg->stats();
    const bool placing = v.mode == MmuMode::Segmentation;
    for (std::uint32_t p = 0; p < v.processes; ++p) {
        const std::vector<SegmentView> table = seg->segments(p);
        for (std::size_t i = 0; i < table.size(); ++i) {
            SegmentRow r;
            r.process = p;
            r.index = i;
            r.segment = table[i];
            r.state = !placing                 ? SegmentState::Mapped
                      : table[i].base          ? SegmentState::Present
                      : table[i].loads > 0     ? SegmentState::SwappedOut
                                               : SegmentState::NotLoaded;
            v.rows.push_back(std::move(r));
        }
    }
    if (placing) {
        // Physical memory in address order: the placed segments and the holes between them.
        for (std::size_t i = 0; i < v.rows.size(); ++i)
            if (v.rows[i].state == SegmentState::Present)
                v.memory.push_back({*v.rows[i].segment.base, v.rows[i].segment.limit, false, v.rows[i].process, i});
        for (const auto& [base, size] : seg->holes()) {
            v.memory.push_back({base, size, true, 0, 0});
            v.freeBytes += size;
            v.largestHole = std::max(v.largestHole, size);
        }
        std::sort(v.memory.begin(), v.memory.end(), [](const MemoryBlock& a, const MemoryBlock& b) { return a.base < b.base; });
    }
    return v;
}

namespace {

/// Collects the segment events of a run. The segmentation modes look up every reference, and a
/// reference's events come before its lookup, the last of them (Segmentation::map): counting the
/// lookups gives the reference's index. Paging with protection skips processes without regions,
/// so there the run goes one reference at a time and the session's position is the index.
class LogObserver final : public MmuObserver {
public:
    LogObserver(std::vector<SegmentEvent>& events, std::size_t max, bool& truncated, const Session* stepping)
        : events_(events), max_(max), truncated_(truncated), stepping_(stepping) {}
    void onSegmentLookup(const SegmentLookupEvent& e) override {
        if (e.fault) {
            SegmentEvent f;
            f.kind = SegmentEvent::Kind::Fault;
            f.process = e.process;
            f.segment = e.name;
            f.fault = *e.fault;
            f.address = e.virtualAddress;
            push(std::move(f));
        }
        ++reference_;
    }
    void onSegmentPlaced(std::uint32_t process, const std::string& name, std::uint64_t base,
                         std::uint64_t limit) override {
        push({SegmentEvent::Kind::Placed, 0, process, name, base, limit});
    }
    void onSegmentSwappedOut(std::uint32_t process, const std::string& name, std::uint64_t base,
                             std::uint64_t limit) override {
        push({SegmentEvent::Kind::SwappedOut, 0, process, name, base, limit});
    }
    void onCompaction(std::uint64_t bytesMoved) override {
        push({SegmentEvent::Kind::Compaction, 0, 0, "", 0, bytesMoved});
    }

private:
    void push(SegmentEvent e) {
        if (events_.size() >= max_) {
            truncated_ = true;
            return;
        }
        e.reference = stepping_ != nullptr ? stepping_->position() : reference_;
        events_.push_back(std::move(e));
    }
    std::vector<SegmentEvent>& events_;
    std::size_t max_;
    bool& truncated_;
    const Session* stepping_;
    std::uint64_t reference_ = 0;
};

}  // namespace

SegmentLog::SegmentLog(const SimConfig& config, const SourceSpec& source, std::size_t maxEvents) {
    Session session(config, source);  // streaming: read once, as `cachescope run` does
    const bool stepping = !config.mmu || config.mmu->mode == MmuMode::Paging;
    LogObserver observer(events_, maxEvents, truncated_, stepping ? &session : nullptr);
    session.setObservers(nullptr, &observer);
    if (stepping)
        while (session.step(1) == 1) {}
    else
        session.runToEnd();
    session.setObservers(nullptr, nullptr);
}

std::size_t SegmentLog::before(std::uint64_t position) const {
    return static_cast<std::size_t>(
        std::partition_point(events_.begin(), events_.end(), [&](const SegmentEvent& e) { return e.reference < position; }) -
        events_.begin());
}

std::string describeSegmentEvent(const SegmentEvent& e) {
    const std::string head = "#" + std::to_string(e.reference) + " ";
    const std::string who = "p" + std::to_string(e.process) + " " + e.segment;
    switch (e.kind) {
        case SegmentEvent::Kind::Placed:
            return head + who + " placed at " + hex(e.base) + " (" + formatSize(e.size) + ")";
        case SegmentEvent::Kind::SwappedOut:
            return head + who + " swapped out from " + hex(e.base) + " (" + formatSize(e.size) + ")";
        case SegmentEvent::Kind::Compaction:
            return head + "compaction: " + withThousands(e.size) + " bytes moved";
        case SegmentEvent::Kind::Fault:
            return head + "p" + std::to_string(e.process) + " " + std::string(toString(e.fault)) + " fault at " +
                   hex(e.address) + (e.segment.empty() ? "" : " in " + e.segment);
    }
    return head;
}

}  // namespace cachescope::gui
