#pragma once
// Printers for an allocation run (alloc/run.hpp): text, JSON, and CSV of the timeline (one row per
// event, for plotting fragmentation and footprint over time). They only format; the numbers come
// from AllocStats and the TimelineRecorder.

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "cachescope/alloc/run.hpp"

namespace cachescope::alloc {

/// One row per event: what the CSV prints.
struct TimelineRow {
    std::uint64_t line = 0;
    AllocOp op = AllocOp::Alloc;
    std::string id;
    bool ok = true;
    std::uint64_t address = 0, blockSize = 0, steps = 0, live = 0, reserved = 0;
    FreeSpace free;
};

class TimelineRecorder final : public AllocObserver {
public:
    explicit TimelineRecorder(const AllocTrace& trace) : trace_(trace) {}
    void onStep(const AllocStep& step) override;
    const std::vector<TimelineRow>& rows() const { return rows_; }

private:
    const AllocTrace& trace_;
    std::vector<TimelineRow> rows_;
};

void printAllocText(std::ostream& os, const AllocTrace& trace, const AllocStats& stats);
nlohmann::ordered_json allocJson(const AllocTrace& trace, const AllocStats& stats);
void printAllocCsv(std::ostream& os, const std::vector<TimelineRow>& rows);

/// `alloc compare`: one row per allocator (peak live, peak reserved, fragmentation, failures,
/// search steps per allocation), as a text table or CSV.
void printAllocCompareText(std::ostream& os, const AllocTrace& trace, const std::vector<AllocStats>& runs);
void printAllocCompareCsv(std::ostream& os, const std::vector<AllocStats>& runs);

}  // namespace cachescope::alloc
