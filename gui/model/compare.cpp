#include "model/compare.hpp"

#include <algorithm>

#include "cachescope/mmu/mmu.hpp"

namespace cachescope::gui {

namespace {

/// Steps that carry the reference's own data on to the next level.
bool continuesDemand(StepRole role) {
    return role == StepRole::Fill || role == StepRole::WriteAround || role == StepRole::WriteThrough;
}

std::string structureName(const std::string& a, const std::string& b, bool inA, bool inB) {
    if (inA && inB) return a == b ? a : a + " / " + b;
    return inA ? a + " / -" : "- / " + b;
}

}  // namespace

bool Outcome::sameAs(const Outcome& o) const {
    if (pageFault != o.pageFault || parts.size() != o.parts.size() || tlbs.size() != o.tlbs.size()) return false;
    for (std::size_t i = 0; i < tlbs.size(); ++i)
        if (tlbs[i].tlb != o.tlbs[i].tlb || tlbs[i].hit != o.tlbs[i].hit) return false;
    for (std::size_t p = 0; p < parts.size(); ++p) {
        if (parts[p].size() != o.parts[p].size()) return false;
        for (std::size_t h = 0; h < parts[p].size(); ++h)
            if (parts[p][h].cache != o.parts[p][h].cache || parts[p][h].hit != o.parts[p][h].hit) return false;
    }
    return true;
}

std::string Outcome::text() const {
    std::string out;
    for (const Lookup& l : tlbs) out += (out.empty() ? "" : ", ") + l.name + (l.hit ? " hit" : " miss");
    if (pageFault) out += out.empty() ? "page fault" : ", page fault";
    std::string path;
    for (const std::vector<Hop>& part : parts) {
        std::string one;
        for (const Hop& h : part) {
            if (!one.empty()) one += ", ";
            one += h.name;
            if (h.cache != CacheStep::kMemory) one += h.hit ? " hit" : " miss";
        }
        path += (path.empty() ? "" : " + ") + one;
    }
    if (!out.empty() && !path.empty()) out += "; ";
    return out + path;
}

Outcome outcomeOf(const ReferenceNarration& n) {
    Outcome o;
    for (const Piece& piece : n.pieces) {
        if (piece.translation) {
            for (const TlbStep& t : piece.translation->tlbs) o.tlbs.push_back({t.tlb, t.name, t.hit});
            if (piece.translation->fault) o.pageFault = true;
        }
        const std::vector<CacheStep>& steps = piece.steps;
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (steps[i].role != StepRole::Reference || steps[i].parent != -1) continue;
            std::vector<Outcome::Hop> part;
            std::size_t at = i;
            for (;;) {
                part.push_back({steps[at].cache, steps[at].name, steps[at].hit});
                std::size_t next = steps.size();
                for (std::size_t j = at + 1; j < steps.size(); ++j)
                    if (steps[j].parent == static_cast<std::int32_t>(at) && continuesDemand(steps[j].role)) {
                        next = j;
                        break;
                    }
                if (next == steps.size()) break;
                at = next;
            }
            o.parts.push_back(std::move(part));
        }
    }
    return o;
}

std::vector<CounterRow> compareCounters(const Session& a, const Session& b) {
    std::vector<CounterRow> rows;
    auto add = [&](const std::string& structure, const char* counter, std::optional<double> va,
                   std::optional<double> vb, bool percent = false) {
        rows.push_back({structure, counter, va, vb, percent});
    };
    auto count = [](bool in, std::uint64_t v) {
        return in ? std::optional<double>(static_cast<double>(v)) : std::nullopt;
    };

    const auto& ca = a.simulator().hierarchy().caches();
    const auto& cb = b.simulator().hierarchy().caches();
    for (std::size_t i = 0; i < std::max(ca.size(), cb.size()); ++i) {
        const bool inA = i < ca.size(), inB = i < cb.size();
        const CacheStats sa = inA ? ca[i].stats() : CacheStats{};
        const CacheStats sb = inB ? cb[i].stats() : CacheStats{};
        const std::string name = structureName(inA ? ca[i].name() : "", inB ? cb[i].name() : "", inA, inB);
        auto rate = [](bool in, const CacheStats& s) {
            return in ? std::optional<double>(s.accesses() == 0 ? 0.0 : double(s.hits()) / double(s.accesses()))
                      : std::nullopt;
        };
        add(name, "accesses", count(inA, sa.accesses()), count(inB, sb.accesses()));
        add(name, "misses", count(inA, sa.misses()), count(inB, sb.misses()));
        add(name, "hit rate", rate(inA, sa), rate(inB, sb), true);
        add(name, "evictions", count(inA, sa.evictions), count(inB, sb.evictions));
        add(name, "write-backs", count(inA, sa.writebacks), count(inB, sb.writebacks));
    }
    const Mmu* ma = a.simulator().mmu();
    const Mmu* mb = b.simulator().mmu();
    const std::size_t ta = ma ? ma->tlbs().size() : 0, tb = mb ? mb->tlbs().size() : 0;
    for (std::size_t i = 0; i < std::max(ta, tb); ++i) {
        const bool inA = i < ta, inB = i < tb;
        const CacheStats sa = inA ? ma->tlbs()[i].stats() : CacheStats{};
        const CacheStats sb = inB ? mb->tlbs()[i].stats() : CacheStats{};
        const std::string name =
            structureName(inA ? ma->tlbs()[i].name() : "", inB ? mb->tlbs()[i].name() : "", inA, inB);
        add(name, "lookups", count(inA, sa.accesses()), count(inB, sb.accesses()));
        add(name, "misses", count(inA, sa.misses()), count(inB, sb.misses()));
    }
    if (ma || mb) {
        add("MMU", "walks", count(ma != nullptr, ma ? ma->stats().walks : 0),
            count(mb != nullptr, mb ? mb->stats().walks : 0));
        add("MMU", "page faults", count(ma != nullptr, ma ? ma->stats().pageFaults : 0),
            count(mb != nullptr, mb ? mb->stats().pageFaults : 0));
    }
    const MemoryStats& mema = a.simulator().hierarchy().memory();
    const MemoryStats& memb = b.simulator().hierarchy().memory();
    add("memory", "reads", count(true, mema.reads), count(true, memb.reads));
    add("memory", "writes", count(true, mema.writes), count(true, memb.writes));
    add("all", "AMAT (cycles)", a.simulator().amat(), b.simulator().amat());
    return rows;
}

Comparison::Comparison(std::unique_ptr<Session> b, std::string label) : b_(std::move(b)), label_(std::move(label)) {}

void Comparison::follow(const Player& a) {
    if (b_.position() != a.position() || b_.last().has_value() != a.last().has_value()) b_.seek(a.position());
}

std::optional<Outcome> Comparison::outcomeA(const Player& a) const {
    if (!a.last()) return std::nullopt;
    return outcomeOf(*a.last());
}

std::optional<Outcome> Comparison::outcomeB() const {
    if (!b_.last()) return std::nullopt;
    return outcomeOf(*b_.last());
}

bool Comparison::differsNow(const Player& a) const {
    const auto oa = outcomeA(a), ob = outcomeB();
    return oa && ob && !oa->sameAs(*ob);
}

Comparison::Search Comparison::runToNextDifference(Player& a, std::uint64_t limit) {
    follow(a);
    for (std::uint64_t n = 0; n < limit; ++n) {
        if (a.atEnd()) return Search::End;
        a.step(1);
        b_.step(1);
        if (differsNow(a)) return Search::Found;
    }
    return a.atEnd() ? Search::End : Search::Limit;
}

}  // namespace cachescope::gui
