// Narration of readahead (docs/mmap.md, "Limits"; docs/explain.md): a file major fault says how
// many pages it read ahead and how many it evicted for them; a later minor fault on a page read
// ahead says the readahead page was used. Worked by hand.

#include <doctest/doctest.h>

#include <memory>
#include <sstream>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/report/narration_printers.hpp"
#include "cachescope/trace/reader.hpp"
#include "mmu/page_cache_test_util.hpp"

using namespace cachescope;
using namespace cachescope::test;

TEST_CASE("narration: readahead pages read, evicted for, and used (3 frames, readahead 2)") {
    // File "f" of 6 pages at 0x10000000 (virtual page 0x10000 + p), 3 frames, LRU, readahead 2.
    //  #0 R page 0: file major fault, frame 0; reads pages 1 and 2 ahead (frames 1, 2). LRU, oldest
    //     first: frame 1, frame 2 (loaded ahead), frame 0 (the page used by #0).
    //  #1 R page 1: minor fault, the readahead page used. LRU: frame 2, frame 0, frame 1.
    //  #2 R page 4: file major fault with memory full: evicts frame 2 (page 2, read ahead, never
    //     used, clean) for page 4; readahead of page 5: the next victim is frame 0 (page 0), not
    //     the faulting page's frame 2, so page 0 is evicted for it; page 6 is past the end.
    //     Narrated: evicting a page read ahead and never used (no virtual page maps it), then "1 more
//     page ..., evicting 1 page".
    Simulator sim(pagingConfig(3, "lru", 2));
    sim.mapFiles({fileRegion("data", 0x10000000, 6 * 4096, "f", 6 * 4096)});
    auto reader = openTrace(std::make_unique<std::istringstream>("R 0x10000000 4\nR 0x10001000 4\nR 0x10004000 4\n"),
                            "(test)", TraceFormat::Text);
    const auto refs = narrateTrace(sim, *reader, 0, 3).references;
    REQUIRE(refs.size() == 3);
    const PageFault& first = *refs[0].pieces.at(0).translation->fault;
    CHECK(first.file);
    CHECK(first.major);
    CHECK(first.readaheadPages == 2);
    CHECK(first.readaheadEvictions == 0);
    CHECK_FALSE(first.evicted);
    const PageFault& used = *refs[1].pieces.at(0).translation->fault;
    CHECK_FALSE(used.major);
    CHECK(used.readaheadUsed);
    CHECK(used.readaheadPages == 0);
    const PageFault& third = *refs[2].pieces.at(0).translation->fault;
    CHECK(third.major);
    CHECK(third.frame == 2);
    CHECK(third.evicted);
    CHECK(third.evictedUnusedReadahead);  // the demand eviction (page 2, mapped by no one), not the readahead's
    CHECK(third.evictedFrame == 2);
    CHECK(third.readaheadPages == 1);
    CHECK(third.readaheadEvictions == 1);
    CHECK_FALSE(third.readaheadUsed);
    CHECK(sim.mmu()->stats().readaheadPagesRead == 3);
    CHECK(sim.mmu()->stats().readaheadPagesWasted == 1);

    std::ostringstream text;
    printNarrationText(text, sim, refs);
    const std::string out = text.str();
    CHECK(out.find("readahead: 2 more pages of the file read in the same request\n") != std::string::npos);
    CHECK(out.find("minor: file page found in the page cache, readahead page used") != std::string::npos);
    CHECK(out.find("evicting a file page read ahead and never used from it (clean)") != std::string::npos);
    CHECK(out.find("readahead: 1 more page of the file read in the same request, evicting 1 page\n") != std::string::npos);
    const auto j = narrationToJson(refs)["references"];
    CHECK(j[0]["pieces"][0]["translation"]["page_fault"]["readahead_pages"] == 2);
    CHECK_FALSE(j[0]["pieces"][0]["translation"]["page_fault"].contains("readahead_used"));
    CHECK(j[1]["pieces"][0]["translation"]["page_fault"]["readahead_used"] == true);
    CHECK(j[2]["pieces"][0]["translation"]["page_fault"]["readahead_evictions"] == 1);
    CHECK(j[2]["pieces"][0]["translation"]["page_fault"]["evicted_unused_readahead"] == true);
}
