#include "model/stats_view.hpp"

#include <cstdio>

namespace cachescope::gui {

StatsTable buildStatsTable(const Session& session) {
    StatsTable t;
    const Hierarchy& h = session.simulator().hierarchy();
    const MissClassifier* classes = session.classifier();
    for (std::uint32_t c = 0; c < h.caches().size(); ++c) {
        const Cache& cache = h.caches()[c];
        LevelRow r;
        r.name = cache.name();
        r.accesses = cache.stats().accesses();
        r.misses = cache.stats().misses();
        r.writebacks = cache.stats().writebacks;
        if (classes != nullptr && c < classes->caches()) {
            r.compulsory = classes->counts(c).compulsory;
            r.capacity = classes->counts(c).capacity;
            r.conflict = classes->counts(c).conflict;
        }
        t.levels.push_back(std::move(r));
    }
    const TraceMetadata* meta = session.metadata();
    const std::uint32_t first = h.firstDataCache();
    if (meta != nullptr && h.attributing() && first != Hierarchy::kMemory) {
        for (std::uint32_t s = 0; s < meta->sites.size() && s < h.writebackSlot(); ++s) {
            StatementRow r{meta->sites[s].name, h.attributedAccesses(first, s), h.attributedMisses(first, s)};
            if (r.accesses != 0) t.statements.push_back(std::move(r));
        }
    }
    return t;
}

namespace {
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (const char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}
}  // namespace

std::string statsCsv(const StatsTable& table) {
    std::string out = "section,name,accesses,misses,hit_rate,compulsory,capacity,conflict,writebacks\n";
    char rate[32];
    for (const LevelRow& r : table.levels) {
        std::snprintf(rate, sizeof rate, "%.6f", r.hitRate());
        out += "level," + csvField(r.name) + "," + std::to_string(r.accesses) + "," + std::to_string(r.misses) + "," +
               rate + "," + std::to_string(r.compulsory) + "," + std::to_string(r.capacity) + "," +
               std::to_string(r.conflict) + "," + std::to_string(r.writebacks) + "\n";
    }
    for (const StatementRow& r : table.statements) {
        const double hr = r.accesses == 0 ? 0.0 : double(r.accesses - r.misses) / double(r.accesses);
        std::snprintf(rate, sizeof rate, "%.6f", hr);
        out += "statement," + csvField(r.name) + "," + std::to_string(r.accesses) + "," + std::to_string(r.misses) +
               "," + rate + ",,,,\n";
    }
    return out;
}

}  // namespace cachescope::gui
