// Processes (docs/mmu.md, "Processes"): per-process page tables, context switches that flush the
// TLBs or keep ASID-tagged entries, local and global page replacement, per-process counts and the
// --mix interleaving. Every expected number is worked by hand in the comment above it.

#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/session/session.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/reader.hpp"

using namespace cachescope;

namespace {

/// 4 KiB pages, 2 levels of 10 bits, 4-byte PTEs, 16 KiB of frames (4): the page-table region
/// starts at 0x4000. One 1 KiB direct-mapped cache the walks bypass; one fully associative TLB of
/// 4 entries (`asid` as given).
SimConfig teachingConfig(bool asid, const std::string& replacement = "fifo", const std::string& scope = "global",
                         const std::string& memory = "16KiB") {
    return parseConfig(R"({"caches": [{"name": "L1", "size": 1024, "line_size": 64, "associativity": 1}],
        "mmu": {"page_size": 4096, "bits_per_level": [10, 10], "pte_size": 4, "physical_memory": ")" + memory +
                           R"(", "walk_entry": "memory", "page_replacement": ")" + replacement +
                           R"(", "page_replacement_scope": ")" + scope + R"("},
        "tlbs": [{"entries": 4, "associativity": "full", "asid": )" + std::string(asid ? "true" : "false") + "}]}",
                       "test");
}

Access read(std::uint64_t address, std::uint8_t process) {
    Access a{address, 4, AccessKind::Read};
    a.process = process;
    return a;
}

std::vector<Access> readText(const std::string& text) {
    std::unique_ptr<TraceReader> r = openTrace(std::make_unique<std::istringstream>(text), "(test)", TraceFormat::Text);
    std::vector<Access> out;
    std::vector<Access> block(64);
    for (std::size_t n; (n = r->read(block)) != 0;) out.insert(out.end(), block.begin(), block.begin() + n);
    return out;
}

}  // namespace

TEST_CASE("processes: the worked example of docs/mmu.md (flush at every switch)") {
    // The text format's process field gives the four references of the example.
    const std::vector<Access> trace = readText("R 0x1000 4\nR 0x1000 4 p1\nR 0x1000 4\nR 0x1000 4 p1\n");
    REQUIRE(trace.size() == 4);
    CHECK(trace[0].process == 0);
    CHECK(trace[1].process == 1);
    Simulator s(teachingConfig(false));
    s.access(trace[0]);
    // Process 0: root 0x4000, its level-1 table 0x5000 (index 1 of va 0x1000 at level 1: +4).
    CHECK(s.mmu()->pteAddress(0x1000, 0, 0) == 0x4000);
    CHECK(s.mmu()->pteAddress(0x1000, 1, 0) == 0x5004);
    CHECK(s.mmu()->physicalAddress(0x1000, 0) == 0x0000);
    s.access(trace[1]);
    // Process 1: its own root 0x6000 and level-1 table 0x7000, frame 1: distinct PTEs, distinct frame.
    CHECK(s.mmu()->pteAddress(0x1000, 0, 1) == 0x6000);
    CHECK(s.mmu()->pteAddress(0x1000, 1, 1) == 0x7004);
    CHECK(s.mmu()->physicalAddress(0x1000, 1) == 0x1000);
    CHECK(s.mmu()->process() == 1);
    s.access(trace[2]);
    s.access(trace[3]);
    const MmuStats& m = s.mmu()->stats();
    CHECK(s.contextSwitches() == 3);
    CHECK(m.tlbEntriesFlushed == 3);
    CHECK(s.mmu()->tlbs()[0].stats().misses() == 4);
    CHECK(m.pageFaults == 2);
    CHECK(m.walks == 4);
    CHECK(m.walkMemoryAccesses == 8);
    CHECK(m.pageTablePages == 4);
    const std::vector<ProcessStats> rows = s.processStats();
    REQUIRE(rows.size() == 2);
    for (const ProcessStats& r : rows) {
        CHECK(r.references == 2);
        CHECK(r.tlbMisses == std::vector<std::uint64_t>{2});
        CHECK(r.pageFaults == 1);
    }
    // The resident pages name their owners; the same virtual page number twice.
    const std::vector<ResidentPageView> pages = s.mmu()->residentPages();
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].owner == 0);
    CHECK(pages[1].owner == 1);
    CHECK(pages[0].virtualPageNumber == 1);
    CHECK(pages[1].virtualPageNumber == 1);
}

TEST_CASE("processes: with asid the TLB keeps both processes' entries (docs/mmu.md example)") {
    Simulator s(teachingConfig(true));
    for (const Access& a : {read(0x1000, 0), read(0x1000, 1), read(0x1000, 0), read(0x1000, 1)}) s.access(a);
    // References 3 and 4 hit their own process's entry: 2 misses, 2 walks of 2 PTE reads.
    CHECK(s.contextSwitches() == 3);
    CHECK(s.mmu()->stats().tlbEntriesFlushed == 0);
    CHECK(s.mmu()->tlbs()[0].stats().misses() == 2);
    CHECK(s.mmu()->stats().walks == 2);
    CHECK(s.mmu()->stats().walkMemoryAccesses == 4);
    const std::vector<TlbEntryView> entries = s.mmu()->tlbEntries(0);
    int p0 = 0, p1 = 0;
    for (const TlbEntryView& e : entries)
        if (e.valid) {
            CHECK(e.virtualPageNumber == 1);
            (e.process == 0 ? p0 : p1) += 1;
        }
    CHECK(p0 == 1);
    CHECK(p1 == 1);
}

TEST_CASE("processes: flush against asid TLB misses over turns of two pages each") {
    // Turns of 4 references: p0 A B A B | p1 A B A B | p0 A B | p1 A B (A = 0x1000, B = 0x2000).
    // Flush: each turn misses its first touch of A and B: 2 + 2 + 2 + 2 = 8 misses; each switch
    // flushes the 2 entries of the turn before: 3 x 2 = 6 entries.
    // ASID: the 4-entry TLB holds p0:A, p0:B, p1:A, p1:B: only the first turn of each misses: 4.
    std::vector<Access> trace;
    const std::uint8_t processes[] = {0, 1};
    const std::uint64_t pages[] = {0x1000, 0x2000};
    for (const std::uint8_t p : processes)
        for (int i = 0; i < 2; ++i)
            for (const std::uint64_t va : pages) trace.push_back(read(va, p));
    for (const std::uint8_t p : processes)
        for (const std::uint64_t va : pages) trace.push_back(read(va, p));
    Simulator flush(teachingConfig(false)), asid(teachingConfig(true));
    flush.access(trace);
    asid.access(trace);
    CHECK(flush.contextSwitches() == 3);
    CHECK(asid.contextSwitches() == 3);
    CHECK(flush.mmu()->tlbs()[0].stats().misses() == 8);
    CHECK(flush.mmu()->stats().tlbEntriesFlushed == 6);
    CHECK(asid.mmu()->tlbs()[0].stats().misses() == 4);
    CHECK(asid.mmu()->stats().tlbEntriesFlushed == 0);
    // Page faults do not depend on the TLBs: 2 pages x 2 processes.
    CHECK(flush.mmu()->stats().pageFaults == 4);
    CHECK(asid.mmu()->stats().pageFaults == 4);
    // Per process (flush): p0 and p1 each 6 references, 4 TLB misses, 2 faults.
    for (const ProcessStats& r : flush.processStats()) {
        CHECK(r.references == 6);
        CHECK(r.tlbMisses[0] == 4);
        CHECK(r.pageFaults == 2);
    }
}

TEST_CASE("processes: two processes thrash a shared direct-mapped cache") {
    // No mmu: addresses go to the cache as they are. 256 B direct-mapped, 64 B lines: 4 sets;
    // 0x000 and 0x100 both map to set 0. Alternating processes (quantum 1), 10 rounds: every
    // reference evicts the other's line: 20 misses, 10 per process. Run one after the other
    // (quantum 10) each misses once: 2 misses.
    const SimConfig c = parseConfig(R"({"caches": [{"name": "L1", "size": 256, "line_size": 64, "associativity": 1}]})", "test");
    Simulator alternating(c), blocked(c);
    for (int i = 0; i < 10; ++i) {
        alternating.access(read(0x000, 0));
        alternating.access(read(0x100, 1));
    }
    for (int i = 0; i < 10; ++i) blocked.access(read(0x000, 0));
    for (int i = 0; i < 10; ++i) blocked.access(read(0x100, 1));
    CHECK(alternating.hierarchy().caches()[0].stats().misses() == 20);
    CHECK(alternating.contextSwitches() == 19);
    const std::vector<ProcessStats> rows = alternating.processStats();
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].cacheMisses == std::vector<std::uint64_t>{10});
    CHECK(rows[1].cacheMisses == std::vector<std::uint64_t>{10});
    CHECK(rows[0].references == 10);
    CHECK(blocked.hierarchy().caches()[0].stats().misses() == 2);
    CHECK(blocked.contextSwitches() == 1);

    // With translation the caches are physical: the same virtual address 0x0 of each process is
    // in frames 0 and 1 (0x0000 and 0x1000), both cache set 0 of a 4-set cache: they thrash too.
    const SimConfig paged = parseConfig(R"({"caches": [{"name": "L1", "size": 256, "line_size": 64, "associativity": 1}],
        "mmu": {"page_size": 4096, "bits_per_level": [10, 10], "pte_size": 4, "physical_memory": "16KiB",
                "walk_entry": "memory"}, "tlbs": [{"entries": 4, "associativity": "full", "asid": true}]})", "test");
    Simulator physical(paged);
    for (int i = 0; i < 10; ++i) {
        physical.access(read(0x0, 0));
        physical.access(read(0x0, 1));
    }
    CHECK(physical.mmu()->physicalAddress(0x0, 0) == 0x0000);
    CHECK(physical.mmu()->physicalAddress(0x0, 1) == 0x1000);
    CHECK(physical.hierarchy().caches()[0].stats().misses() == 20);
}

TEST_CASE("processes: local against global page replacement on a tiny memory") {
    // 2 frames, fifo; A = 0x1000, B = 0x2000. p0 A, p0 B fill frames 0 and 1 (both p0's). p1 A:
    //   memory is full; the victim is p0:A (loaded first) under both scopes (local: p1 has no page
    //   resident, so it takes the global victim): p1:A in frame 0. Then p1 B:
    //   global: the page loaded longest ago is p0:B (frame 1): p1 holds A and B, p0 nothing;
    //   local:  p1 evicts its own p1:A (frame 0): p0 keeps B in frame 1, p1:B in frame 0.
    auto run = [](const std::string& scope) {
        Simulator s(teachingConfig(false, "fifo", scope, "8KiB"));
        for (const Access& a : {read(0x1000, 0), read(0x2000, 0), read(0x1000, 1), read(0x2000, 1)}) s.access(a);
        return s;
    };
    const Simulator global = run("global"), local = run("local");
    CHECK(global.mmu()->stats().pageFaults == 4);
    CHECK(local.mmu()->stats().pageFaults == 4);
    CHECK(global.mmu()->residentPagesOf(0) == 0);
    CHECK(global.mmu()->residentPagesOf(1) == 2);
    CHECK(local.mmu()->residentPagesOf(0) == 1);
    CHECK(local.mmu()->residentPagesOf(1) == 1);
    CHECK_FALSE(global.mmu()->physicalAddress(0x2000, 0).has_value());
    CHECK(local.mmu()->physicalAddress(0x2000, 0) == 0x1000);  // p0:B stays in frame 1
    CHECK(local.mmu()->physicalAddress(0x2000, 1) == 0x0000);  // p1:B took p1:A's frame 0
    CHECK_FALSE(local.mmu()->physicalAddress(0x1000, 1).has_value());
}

TEST_CASE("processes: local clock passes over other processes' frames without clearing their bits") {
    // 2 frames, clock. p0 A (frame 0, bit set), p1 A (frame 1, bit set); p1 B faults with memory full.
    // Local: p1's only page is frame 1; the sweep from the hand (frame 0) skips frame 0 (p0's,
    // bit left set), clears frame 1's bit, skips frame 0 again, and takes frame 1.
    Simulator s(teachingConfig(false, "clock", "local", "8KiB"));
    for (const Access& a : {read(0x1000, 0), read(0x1000, 1), read(0x2000, 1)}) s.access(a);
    CHECK(s.mmu()->physicalAddress(0x1000, 0) == 0x0000);
    CHECK(s.mmu()->physicalAddress(0x2000, 1) == 0x1000);
    const std::vector<ResidentPageView> pages = s.mmu()->residentPages();
    REQUIRE(pages.size() == 2);
    CHECK(pages[0].referenced.value_or(false));  // p0's bit, untouched by p1's sweep
}

TEST_CASE("processes: --mix interleaves sources round-robin by the quantum") {
    // Two text sources of 5 and 2 references, quantum 2: p0 p0 p1 p1 p0 p0 p0 (p1 ended).
    auto text = [](const std::string& t) {
        return openTrace(std::make_unique<std::istringstream>(t), "(test)", TraceFormat::Text);
    };
    std::vector<std::unique_ptr<TraceReader>> readers;
    readers.push_back(text("R 0x0\nR 0x4\nR 0x8\nR 0xc\nR 0x10\n"));
    readers.push_back(text("W 0x100\nW 0x104\n"));
    std::unique_ptr<TraceReader> mix = interleaveAsProcesses(std::move(readers), 2);
    std::vector<Access> out;
    std::vector<Access> block(3);
    for (std::size_t n; (n = mix->read(block)) != 0;) out.insert(out.end(), block.begin(), block.begin() + n);
    REQUIRE(out.size() == 7);
    const std::uint8_t processes[] = {0, 0, 1, 1, 0, 0, 0};
    const std::uint64_t addresses[] = {0x0, 0x4, 0x100, 0x104, 0x8, 0xc, 0x10};
    for (std::size_t i = 0; i < out.size(); ++i) {
        CHECK(out[i].process == processes[i]);
        CHECK(out[i].address == addresses[i]);
    }
    CHECK_THROWS_AS(interleaveAsProcesses({}, 2), UsageError);
    std::vector<std::unique_ptr<TraceReader>> one;
    one.push_back(text("R 0x0\n"));
    CHECK_THROWS_AS(interleaveAsProcesses(std::move(one), 0), UsageError);
}

TEST_CASE("processes: mix items name kernels or files") {
    const SourceSpec k = mixItemSpec("matmul:n=24,order=ikj");
    CHECK(k.kernel == "matmul");
    CHECK(k.params == std::vector<std::string>{"n=24", "order=ikj"});
    CHECK(mixItemSpec("transpose").kernel == "transpose");
    const SourceSpec f = mixItemSpec("traces/strided.trace");
    CHECK(f.kernel.empty());
    CHECK(f.trace == "traces/strided.trace");
    CHECK_THROWS_AS(mixItemSpec(""), UsageError);
}

TEST_CASE("processes: the text format's process field and its errors") {
    const std::vector<Access> a = readText("R 0x10 p7\nW 0x20 8 p255\nI 0x30 2\n");
    REQUIRE(a.size() == 3);
    CHECK(a[0].process == 7);
    CHECK(a[0].size == 1);
    CHECK(a[1].process == 255);
    CHECK(a[1].size == 8);
    CHECK(a[2].process == 0);
    auto error = [](const std::string& t) {
        try {
            readText(t);
        } catch (const TraceError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("R 0x10 4 p256\n").find("process id too large") != std::string::npos);
    CHECK(error("R 0x10 4 px\n").find("bad process field") != std::string::npos);
    CHECK(error("R 0x10 4 p1 9\n").find("(test):1: unexpected extra field") != std::string::npos);
}

TEST_CASE("processes: reports add per-process rows only with more than one process") {
    Simulator one(teachingConfig(false)), two(teachingConfig(false));
    one.access(read(0x1000, 0));
    two.access(read(0x1000, 0));
    two.access(read(0x1000, 1));
    const RunSummary a = summarize(one, RunInfo{}), b = summarize(two, RunInfo{});
    CHECK_FALSE(a.processes.has_value());
    REQUIRE(b.processes.has_value());
    CHECK(b.processes->contextSwitches == 1);
    CHECK(b.processes->tlbEntriesFlushed == 1);
    std::ostringstream text, csv;
    printText(text, b);
    printCsv(csv, b);
    CHECK(text.str().find("processes: 2, context switches: 1, TLB entries flushed: 1") != std::string::npos);
    CHECK(csv.str().find("\ncontext switches,,1,") != std::string::npos);
    CHECK(csv.str().find("\nprocess 1 page faults,,1,") != std::string::npos);
    CHECK(csv.str().find("\nprocess 0 L1,,1,") != std::string::npos);
    const nlohmann::ordered_json j = reportJson(b);
    CHECK(j["processes"]["count"] == 2);
    CHECK(j["processes"]["rows"][1]["tlb_misses"]["TLB1"] == 1);
    CHECK(j["processes"]["rows"][0]["misses"]["L1"] == 1);
    std::ostringstream single;
    printText(single, a);
    CHECK(single.str().find("processes") == std::string::npos);
}

TEST_CASE("processes: a virtual address space too wide for a process id is refused") {
    // 4 KiB pages with 4 levels of 13 bits: 64-bit addresses, 52-bit page numbers fit; 4 levels of
    // 14 bits would be 68 bits (invalid anyway). 1 KiB pages with 6 levels of 9 bits: 64 bits, a
    // page number of 54 bits: no room.
    const SimConfig wide = parseConfig(R"({"caches": [{"size": 1024, "line_size": 64, "associativity": 1}],
        "mmu": {"page_size": 1024, "bits_per_level": [9, 9, 9, 9, 9, 9], "physical_memory": "64KiB"}})", "test");
    Simulator s(wide);
    s.access(read(0x1000, 0));
    CHECK_THROWS_AS(s.access(read(0x1000, 1)), Error);
}

TEST_CASE("processes: MmuFanOutObserver hands every context switch to each observer it holds") {
    // The worked example's four references switch 0 -> 1 -> 0 -> 1, flushing the one TLB entry each time.
    struct Switches final : MmuObserver {
        std::vector<ContextSwitchEvent> seen;
        void onContextSwitch(const ContextSwitchEvent& e) override { seen.push_back(e); }
    } first, second;
    MmuFanOutObserver fan;
    CHECK(fan.collapsed() == nullptr);
    fan.add(&first);
    CHECK(fan.collapsed() == &first);
    fan.add(&second);
    CHECK(fan.collapsed() == &fan);
    Simulator s(teachingConfig(false));
    s.setObservers(nullptr, fan.collapsed());
    for (const Access& a : readText("R 0x1000 4\nR 0x1000 4 p1\nR 0x1000 4\nR 0x1000 4 p1\n")) s.access(a);
    for (const Switches* o : {&first, &second}) {
        REQUIRE(o->seen.size() == 3);
        CHECK(o->seen[0].from == 0);
        CHECK(o->seen[0].to == 1);
        CHECK(o->seen[1].to == 0);
        CHECK(o->seen[2].to == 1);
        for (const ContextSwitchEvent& e : o->seen) CHECK(e.tlbEntriesFlushed == 1);
    }
}
