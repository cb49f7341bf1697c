#pragma once
// Printers for a garbage-collection run (gc/run.hpp): text, JSON, and a CSV timeline (one row per
// event: bytes reachable and held under each collector, what each freed). They only format; the
// numbers come from GcStats and the TimelineRecorder.

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "cachescope/gc/run.hpp"

namespace cachescope::gc {

/// The event as written in a trace: "unref a b", "new n1 48 Node", "collect".
std::string eventText(const GcTrace& trace, const GcEvent& event);

/// One row per event: what the CSV prints.
struct TimelineRow {
    std::uint64_t line = 0;
    std::string event;
    std::uint64_t reachable = 0, rcHeld = 0, msHeld = 0;  // msHeld: after the event's collection
    std::uint64_t rcFreed = 0, msFreed = 0;                // objects freed at this event
};

class TimelineRecorder final : public GcObserver {
public:
    explicit TimelineRecorder(const GcTrace& trace) : trace_(trace) {}
    void onStep(const GcStep& step) override;
    const std::vector<TimelineRow>& rows() const { return rows_; }

private:
    const GcTrace& trace_;
    std::vector<TimelineRow> rows_;
};

void printGcText(std::ostream& os, const GcTrace& trace, const GcStats& stats);
nlohmann::ordered_json gcJson(const GcTrace& trace, const GcStats& stats);
void printGcCsv(std::ostream& os, const std::vector<TimelineRow>& rows);

}  // namespace cachescope::gc
