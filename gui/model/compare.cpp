#include "model/compare.hpp"

#include <algorithm>

namespace cachescope::gui {

std::vector<CompareRow> compareLevels(const Session& a, const Session& b) {
    const auto& ca = a.simulator().hierarchy().caches();
    const auto& cb = b.simulator().hierarchy().caches();
    std::vector<CompareRow> rows(std::max(ca.size(), cb.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CompareRow& r = rows[i];
        r.inA = i < ca.size();
        r.inB = i < cb.size();
        if (r.inA) {
            r.accessesA = ca[i].stats().accesses();
            r.missesA = ca[i].stats().misses();
        }
        if (r.inB) {
            r.accessesB = cb[i].stats().accesses();
            r.missesB = cb[i].stats().misses();
        }
        r.level = r.inA ? ca[i].name() : "- / " + cb[i].name();
        if (r.inA && r.inB && ca[i].name() != cb[i].name()) r.level += " / " + cb[i].name();
    }
    return rows;
}

void keepInStep(const Session& leader, Session& follower) {
    if (follower.position() != leader.position()) follower.seek(leader.position());
}

}  // namespace cachescope::gui
