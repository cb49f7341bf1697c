// Pins the cache -> policy call protocol described in include/cachescope/policy/replacement.hpp,
// with a spy policy that records every call.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cachescope/cache/cache.hpp"
#include "sim/sim_test_util.hpp"

using namespace cachescope;

namespace {

struct SpyPolicy final : ReplacementPolicy {
    std::vector<std::string>* log;
    std::uint32_t nextVictim = 1;
    explicit SpyPolicy(std::vector<std::string>* l) : log(l) {}
    void onHit(std::uint32_t s, std::uint32_t w) override { add("hit", s, w); }
    void onFill(std::uint32_t s, std::uint32_t w) override { add("fill", s, w); }
    void onInvalidate(std::uint32_t s, std::uint32_t w) override { add("invalidate", s, w); }
    std::uint32_t victim(std::uint32_t s) const override {
        log->push_back("victim " + std::to_string(s));
        return nextVictim;
    }
    std::unique_ptr<ReplacementPolicy> clone() const override { return std::make_unique<SpyPolicy>(*this); }
    bool sameState(const ReplacementPolicy&) const override { return true; }
    std::string describeSet(std::uint32_t) const override { return "spy"; }
    PolicyKind kind() const override { return PolicyKind::Custom; }
    WayPolicyState wayState(std::uint32_t, std::uint32_t) const override { return {}; }
    void add(const char* what, std::uint32_t s, std::uint32_t w) {
        log->push_back(std::string(what) + " " + std::to_string(s) + "/" + std::to_string(w));
    }
};

}  // namespace

TEST_CASE("cache: policy call protocol") {
    std::vector<std::string> log;
    // 4 lines of 16 B, 2-way: 2 sets. Lines 0, 2, 4 are in set 0.
    Cache c(testutil::cacheCfg("L1", 64, 16, 2), std::make_unique<SpyPolicy>(&log));
    CHECK(c.sets() == 2);
    CHECK(c.ways() == 2);

    // Fills into invalid ways go lowest way first and never ask for a victim.
    auto p0 = c.fill(0, false);
    auto p1 = c.fill(2, true);
    CHECK(p0.way == 0);
    CHECK(p1.way == 1);
    CHECK_FALSE(p0.evicted);
    CHECK(log == std::vector<std::string>{"fill 0/0", "fill 0/1"});
    log.clear();

    // A full set asks the policy, evicts its choice (way 1, dirty), then reports the fill.
    auto p2 = c.fill(4, false);
    CHECK(p2.way == 1);
    CHECK(p2.evicted);
    CHECK(p2.victimLine == 2);
    CHECK(p2.victimDirty);
    CHECK(log == std::vector<std::string>{"victim 0", "fill 0/1"});
    log.clear();

    // A hit right after a fill is passed on; a repeated hit is skipped (the spy says idempotent).
    c.touch(0, 1);
    c.touch(0, 1);
    CHECK(log == std::vector<std::string>{"hit 0/1"});
    log.clear();
    // A hit on another way is passed on, and so is the next hit back on way 1.
    c.touch(0, 0);
    c.touch(0, 1);
    CHECK(log == std::vector<std::string>{"hit 0/0", "hit 0/1"});
    log.clear();

    // Invalidation reports, frees the way, and the next hit on the set is passed on again.
    CHECK_FALSE(c.invalidate(0, 0));
    CHECK(log == std::vector<std::string>{"invalidate 0/0"});
    CHECK_FALSE(c.lineAt(0, 0).valid);
    c.touch(0, 1);
    CHECK(log.back() == "hit 0/1");
    CHECK(c.validLines() == 1);
}

TEST_CASE("cache: geometry, views and copies") {
    Cache c(testutil::cacheCfg("L2", 1536 * 64, 64, 12), 1);  // 1536 lines, 12-way: 128 sets
    CHECK(c.sets() == 128);
    CHECK(c.ways() == 12);
    CHECK(c.layout().lineBits() == 6);
    CHECK(c.layout().setBits() == 7);
    const auto p = c.fill(0x12345, true);
    CHECK(c.lineAt(0x12345 % 128, p.way).valid);
    CHECK(c.lineAt(0x12345 % 128, p.way).dirty);
    CHECK(c.lineAt(0x12345 % 128, p.way).line == 0x12345);
    Cache copy = c;
    CHECK(copy.sameState(c));
    copy.fill(0x99999, false);
    CHECK_FALSE(copy.sameState(c));
    CHECK(c.find(0x99999) == Cache::kNoWay);
}
