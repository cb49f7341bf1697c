// The narration driver (analysis/narrate_trace.hpp).

#include "cachescope/analysis/narrate_trace.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "cachescope/analysis/narrator.hpp"

namespace cachescope {

NarrationResult narrateTrace(Simulator& simulator, TraceReader& trace, std::uint64_t from, std::uint64_t count,
                             HierarchyObserver* others, MissClassifier* classes) {
    struct Detach {  // leaves no dangling observer behind, also on an exception
        Simulator& sim;
        ~Detach() {
            sim.setObservers(nullptr, nullptr);
            sim.setArrivalSink(nullptr);
        }
    } detach{simulator};
    NarrationResult result;
    Narrator narrator(simulator, trace.metadata());
    narrator.setMissClassifier(classes);
    FanOutObserver always;  // the silent prefix's observers, if `others`: the classifier first
    always.add(classes);
    always.add(others);
    FanOutObserver fan;  // while narrating: the same, then the narrator
    fan.add(classes);
    fan.add(others);
    fan.add(&narrator);
    // Alone during the silent prefix, the classifier takes the arrivals in bulk (the fast paths
    // stay); the narrator reads its classes event by event, so then it observes.
    if (others == nullptr && classes != nullptr)
        simulator.setArrivalSink(classes);
    else
        simulator.setObservers(always.collapsed(), nullptr);
    bool narrating = false;
    std::array<Access, 4096> block;
    while (result.references.size() < count) {
        const std::size_t n = trace.read(block);
        if (n == 0) {
            result.reachedEnd = true;
            break;
        }
        std::size_t i = 0;
        if (result.referencesRead < from) {  // the silent prefix, in blocks
            i = static_cast<std::size_t>(std::min<std::uint64_t>(n, from - result.referencesRead));
            simulator.access(std::span<const Access>(block.data(), i));
            result.referencesRead += i;
        }
        for (; i < n && result.references.size() < count; ++i) {
            if (!narrating) {
                simulator.setArrivalSink(nullptr);  // nothing is pending between calls
                simulator.setObservers(fan.collapsed(), &narrator);
                narrating = true;
            }
            narrator.begin(result.referencesRead, block[i]);
            simulator.access(block[i]);
            result.references.push_back(narrator.finish());
            ++result.referencesRead;
        }
    }
    return result;
}

}  // namespace cachescope
