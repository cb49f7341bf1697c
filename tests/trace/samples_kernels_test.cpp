// The kernel samples in traces/ (binary): each equals its kernel's live stream, is small, and the
// numbers of the table in traces/README.md are what the teaching config gives.

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cachescope/config/config.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/run.hpp"

using namespace cachescope;

namespace {

const std::string kRoot = CACHESCOPE_SOURCE_DIR;

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(text);
    while (std::getline(in, cell, sep)) out.push_back(cell);
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '`')) s.erase(s.begin());
    while (!s.empty() && (s.back() == ' ' || s.back() == '`')) s.pop_back();
    return s;
}

struct Row {
    std::string file, kernel, accesses, l1, l2, worst;
    std::vector<std::string> params;
};

/// The rows of the README's kernel-sample table (lines starting with "| `...bin`").
std::vector<Row> readmeRows() {
    std::ifstream in(kRoot + "/traces/README.md");
    std::vector<Row> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("| `", 0) != 0 || line.find(".bin`") == std::string::npos) continue;
        const std::vector<std::string> cells = split(line, '|');  // cells[0] is empty
        REQUIRE(cells.size() >= 8);
        Row r;
        r.file = trim(cells[1]);
        std::vector<std::string> words = split(trim(cells[2]), ' ');
        r.kernel = words.front();
        r.params.assign(words.begin() + 1, words.end());
        r.accesses = trim(cells[4]);
        r.l1 = trim(cells[5]);
        r.l2 = trim(cells[6]);
        r.worst = trim(cells[7]);
        rows.push_back(r);
    }
    return rows;
}

std::vector<Access> readAll(TraceReader& reader) {
    std::vector<Access> all;
    std::vector<Access> block(4096);
    for (std::size_t n; (n = reader.read(block)) != 0;) all.insert(all.end(), block.begin(), block.begin() + n);
    return all;
}

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * fraction);
    return buf;
}

}  // namespace

TEST_CASE("kernel samples: each file is its kernel's stream, small, and matches the README's numbers") {
    const std::vector<Row> rows = readmeRows();
    CHECK(rows.size() >= 10);
    const SimConfig config = loadConfig(kRoot + "/configs/teaching.json");
    for (const Row& row : rows) {
        CAPTURE(row.file);
        const std::string path = kRoot + "/traces/" + row.file;
        REQUIRE(std::filesystem::exists(path));
        const auto bytes = std::filesystem::file_size(path);
        CHECK(bytes < 1000000);

        auto file = openTrace(path);
        auto live = openKernelTrace(row.kernel, row.params);
        CHECK(std::string(toString(file->format())) == "binary");
        REQUIRE(file->metadata() != nullptr);
        CHECK(*file->metadata() == *live->metadata());
        const std::vector<Access> fromFile = readAll(*file);
        CHECK(fromFile == readAll(*live));
        CHECK(bytes <= 2 * fromFile.size() + 8192);  // at most 2 bytes per access, plus the header

        Simulator sim(config);
        const TraceMetadata& meta = *file->metadata();
        sim.enableAttribution(static_cast<std::uint32_t>(meta.sites.size()));
        sim.access(fromFile);
        const RunSummary s = summarize(sim, RunInfo{}, &meta);
        CHECK(withThousands(s.references) == row.accesses);
        CHECK(percent(s.levels[0].stats.missRate()) == row.l1);
        CHECK(percent(s.levels[1].stats.missRate()) == row.l2);
        const AttributionRow* worst = nullptr;
        for (const AttributionRow& r : s.regions)
            if (r.name.front() != '(' && (worst == nullptr || r.misses[0] > worst->misses[0])) worst = &r;
        REQUIRE(worst != nullptr);
        CHECK(worst->name + " " + withThousands(worst->misses[0]) == row.worst);
    }
}
