// Bad input keeps the previous scene (gui/model/workspace.hpp): a missing file, a malformed trace
// and an invalid config opened in the window give the command line's message (the built
// `cachescope run` on the same files, its "cachescope: error: " prefix taken off) and leave the
// open scene exactly where it was.

#include <doctest/doctest.h>

#include "../cli/cli_run.hpp"
#include "gui_test_util.hpp"
#include "model/workspace.hpp"

using namespace cachescope;
using namespace cachescope::gui;
using namespace cachescope::gui::testing;

namespace {

/// What `cachescope run --config CONFIG TRACE` prints as its error, without the prefix.
std::string cliMessage(const std::string& config, const std::string& trace) {
    const cachescope::testing::CliResult r = cachescope::testing::runCli("run --config " + config + " " + trace);
    CHECK(r.status != 0);
    const std::string prefix = "cachescope: error: ";
    REQUIRE(r.err.rfind(prefix, 0) == 0);
    std::string m = r.err.substr(prefix.size());
    while (!m.empty() && m.back() == '\n') m.pop_back();
    return m;
}

}  // namespace

TEST_CASE("workspace: a missing file, a malformed trace or an invalid config keeps the open scene") {
    SceneState state;
    const SceneSpec good{"configs/teaching.json", SourceSpec::file("traces/thrash-one-set.trace")};
    REQUIRE(openSceneInto(state, good));
    state.player->step(5);
    state.timeline.observe(state.player->position(), state.player->session().simulator().hierarchy());
    const Player* player = state.player.get();
    const std::uint64_t misses = state.player->session().simulator().hierarchy().caches()[0].stats().misses();

    struct Bad {
        std::string config, trace;
    };
    for (const Bad& bad : {Bad{"configs/no-such-config.json", "traces/thrash-one-set.trace"},
                           Bad{"configs/teaching.json", "traces/no-such-trace.trace"},
                           Bad{"configs/teaching.json", "tests/data/bad-address.trace"},
                           Bad{"tests/data/bad-associativity.json", "traces/thrash-one-set.trace"},
                           Bad{"tests/data/bad-syntax.json", "traces/thrash-one-set.trace"}}) {
        INFO(bad.config, " ", bad.trace);
        CHECK_FALSE(openSceneInto(state, SceneSpec{bad.config, SourceSpec::file(bad.trace)}));
        CHECK(state.error == cliMessage(bad.config, bad.trace));
        // The same player, at the same place, with the same scene and counts.
        CHECK(state.player.get() == player);
        CHECK(state.player->position() == 5);
        REQUIRE(state.player->last());
        CHECK(state.player->last()->index == 4);
        CHECK(state.scene.configPath == good.configPath);
        CHECK(state.scene.source.trace == good.source.trace);
        CHECK(state.player->session().simulator().hierarchy().caches()[0].stats().misses() == misses);
        CHECK(state.timeline.samples().size() == 1);
    }
    // A good one afterwards opens, clears the message and starts at 0.
    REQUIRE(openSceneInto(state, SceneSpec{"configs/default.json", SourceSpec::file("traces/sequential.trace")}));
    CHECK(state.error.empty());
    CHECK(state.player->position() == 0);
    CHECK(state.scene.configPath == "configs/default.json");
}
