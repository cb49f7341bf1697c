// `cachescope reuse` (reuse-distance histogram) and `cachescope mrc` (miss-ratio curve of a fully
// associative LRU cache, exact or SHARDS-sampled). The numbers come from analysis/reuse.hpp; this
// file only parses options and prints. docs/reuse-distance.md documents the output fields.

#include <algorithm>
#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/core/json_text.hpp"
#include "cachescope/analysis/reuse.hpp"
#include "cachescope/analysis/reuse_plot.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/report/report.hpp"
#include "commands.hpp"

namespace cachescope::cli {

namespace {

struct ReuseArgs {
    SourceArgs source;
    std::string granularity = "line";
    std::string blockSize;  // empty = from the granularity
    bool json = false, csv = false;
    std::string output;
    std::string plot;  // --plot FILE.svg (analysis/reuse_plot.hpp)
    bool linear = false;  // reuse --linear: the histogram's y axis linear
    std::string kinds = "all";  // --kinds: all, data (reads and writes), reads, writes, fetches
    // mrc only
    std::string sizes;       // comma-separated
    std::string sampleRate;  // empty = exact
};

std::string fmt(const char* format, double value) {
    std::array<char, 64> buf{};
    std::snprintf(buf.data(), buf.size(), format, value);
    return buf.data();
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? "-" : fmt("%.2f%%", 100.0 * double(part) / double(whole));
}

std::uint64_t blockSizeOf(const ReuseArgs& args) {
    if (args.blockSize.empty()) return args.granularity == "page" ? 4096 : 64;
    const auto v = parseSize(args.blockSize);
    if (!v || *v == 0 || (*v & (*v - 1)) != 0 || *v > (std::uint64_t{1} << 30))
        throw UsageError(
            "--block-size: expected a power of two number of bytes from 1 to 1GiB, such as 64 or "
            "4KiB, got '" +
            args.blockSize + "'");
    return *v;
}

double sampleRateOf(const ReuseArgs& args) {
    if (args.sampleRate.empty()) return 1.0;
    double rate = 0;
    std::size_t used = 0;
    try {
        rate = std::stod(args.sampleRate, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != args.sampleRate.size() || !(rate > 0.0 && rate <= 1.0))
        throw UsageError("--sample-rate: expected a rate in (0, 1] such as 0.01, got '" + args.sampleRate + "'");
    if (rate * double(kSampleModulus) < 0.5)
        throw UsageError("--sample-rate: " + args.sampleRate + " is below the smallest rate, 2^-24 (about 6e-8)");
    return rate;
}

std::string granularityName(std::uint64_t blockSize) {
    return blockSize == 64 ? "lines" : blockSize == 4096 ? "pages" : "blocks";
}

ReuseHistogram analyze(const ReuseArgs& args, double rate, bool byRegion) {
    ReuseOptions options;
    options.blockSize = blockSizeOf(args);
    options.sampleRate = rate;
    options.byRegion = byRegion;
    options.reads = args.kinds == "all" || args.kinds == "data" || args.kinds == "reads";
    options.writes = args.kinds == "all" || args.kinds == "data" || args.kinds == "writes";
    options.fetches = args.kinds == "all" || args.kinds == "fetches";
    std::unique_ptr<TraceReader> trace = openSource(toSpec(args.source));
    return analyzeReuse(*trace, options);
}

// ---- reuse ---------------------------------------------------------------------------------

/// The smallest distance d with at least q of the row's references at distance <= d, as text;
/// "cold" when that quantile falls among the cold references.
std::string quantile(const RegionReuse& r, double q) {
    const double want = q * double(r.references);
    std::uint64_t seen = 0;
    for (std::size_t d = 0; d < r.counts.size(); ++d) {
        seen += r.counts[d];
        if (double(seen) >= want && seen != 0) return withThousands(d);
    }
    return "cold";
}

void printRegionTable(std::ostream& os, const ReuseHistogram& h) {
    os << "\nBy tensor (distances in the unified stream):\n";
    const std::array<std::string, 5> header{"tensor", "references", "cold", "median", "90th percentile"};
    std::vector<std::array<std::string, 5>> rows;
    for (const RegionReuse& r : h.regions) {
        if (r.references == 0) continue;
        rows.push_back(
            {r.name, withThousands(r.references), withThousands(r.cold), quantile(r, 0.5), quantile(r, 0.9)});
    }
    std::array<std::size_t, 5> width{};
    for (std::size_t i = 0; i < 5; ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) width[i] = std::max(width[i], r[i].size());
    }
    auto line = [&](const std::array<std::string, 5>& r) {
        os << r[0] << std::string(width[0] - r[0].size(), ' ');
        for (std::size_t i = 1; i < 5; ++i) os << "  " << std::string(width[i] - r[i].size(), ' ') << r[i];
        os << '\n';
    };
    line(header);
    for (const auto& r : rows) line(r);
}

void printReuseText(std::ostream& os, const std::string& source, const ReuseHistogram& h) {
    os << "Reuse distances (LRU stack distance) of " << source << "\n";
    os << "block size " << formatSize(h.blockSize) << " (" << granularityName(h.blockSize) << "); "
       << withThousands(h.accesses) << " accesses, " << withThousands(h.references) << " block references, "
       << withThousands(h.distinctBlocks()) << " distinct blocks\n\n";
    std::vector<std::array<std::string, 4>> rows;
    std::uint64_t cumulative = 0;
    for (const ReuseBucket& b : log2Buckets(h)) {
        cumulative += b.count;
        const std::string range = b.min == b.max ? "[" + std::to_string(b.min) + "]"
                                                 : "[" + std::to_string(b.min) + "," + std::to_string(b.max) + "]";
        rows.push_back(
            {range, withThousands(b.count), percent(b.count, h.references), percent(cumulative, h.references)});
    }
    rows.push_back(
        {"cold", withThousands(h.cold), percent(h.cold, h.references), percent(cumulative + h.cold, h.references)});
    const std::array<std::string, 4> header{"distance", "references", "share", "cumulative"};
    std::array<std::size_t, 4> width{};
    for (std::size_t i = 0; i < 4; ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) width[i] = std::max(width[i], r[i].size());
    }
    auto line = [&](const std::array<std::string, 4>& r) {
        os << r[0] << std::string(width[0] - r[0].size(), ' ');
        for (std::size_t i = 1; i < 4; ++i) os << "  " << std::string(width[i] - r[i].size(), ' ') << r[i];
        os << '\n';
    };
    line(header);
    for (const auto& r : rows) line(r);
    if (!h.regions.empty()) printRegionTable(os, h);
    os << "\ndistance = distinct other blocks referenced since the previous reference to the same block;\n"
          "a fully associative LRU cache of C blocks hits exactly the references at distance < C\n";
}

nlohmann::ordered_json reuseJson(const std::string& source, const ReuseHistogram& h) {
    nlohmann::ordered_json j;
    j["source"] = source;
    j["block_size"] = h.blockSize;
    j["accesses"] = h.accesses;
    j["references"] = h.references;
    j["distinct_blocks"] = h.distinctBlocks();
    j["cold"] = h.cold;
    nlohmann::ordered_json exact = nlohmann::ordered_json::array();
    for (std::size_t d = 0; d < h.counts.size(); ++d)
        if (h.counts[d] != 0) exact.push_back({{"distance", d}, {"count", h.counts[d]}});
    j["histogram"] = std::move(exact);
    nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
    for (const ReuseBucket& b : log2Buckets(h)) buckets.push_back({{"min", b.min}, {"max", b.max}, {"count", b.count}});
    j["buckets"] = std::move(buckets);
    if (!h.regions.empty()) {
        nlohmann::ordered_json regions = nlohmann::ordered_json::array();
        for (const RegionReuse& r : h.regions) {
            nlohmann::ordered_json hist = nlohmann::ordered_json::array();
            for (std::size_t d = 0; d < r.counts.size(); ++d)
                if (r.counts[d] != 0) hist.push_back({{"distance", d}, {"count", r.counts[d]}});
            regions.push_back(
                {{"name", r.name}, {"references", r.references}, {"cold", r.cold}, {"histogram", std::move(hist)}});
        }
        j["regions"] = std::move(regions);
    }
    return j;
}

void reuseCommand(const ReuseArgs& args) {
    checkOutputs({args.output, args.plot});
    const ReuseHistogram h = analyze(args, 1.0, true);
    const std::string source = describeSource(toSpec(args.source));
    if (!args.plot.empty())
        plot::writeSvg(args.plot, reuseChart(h, describeSourceBriefly(toSpec(args.source)), !args.linear));
    emit(args.output, [&](std::ostream& os) {
        if (args.json) {
            os << jsonText(reuseJson(source, h), 2) << '\n';
        } else if (args.csv) {
            os << "distance,references\n";
            for (std::size_t d = 0; d < h.counts.size(); ++d)
                if (h.counts[d] != 0) os << d << ',' << h.counts[d] << '\n';
            os << "cold," << h.cold << '\n';
        } else {
            printReuseText(os, source, h);
        }
    });
}

// ---- mrc -----------------------------------------------------------------------------------

std::vector<std::uint64_t> sizesInBlocks(const ReuseArgs& args, std::uint64_t blockSize) {
    std::vector<std::uint64_t> blocks;
    if (args.sizes.empty()) return blocks;
    std::vector<std::string> items{""};
    for (const char c : args.sizes) {
        if (c == ',') {
            items.emplace_back();
        } else {
            items.back() += c;
        }
    }
    for (const std::string& text : items) {
        const auto v = parseSize(text);
        if (!v || *v == 0) throw UsageError("--sizes: expected sizes such as 4KiB,32KiB,1MiB, got '" + text + "'");
        if (*v % blockSize != 0)
            throw UsageError("--sizes: " + text + " is not a multiple of the block size (" + formatSize(blockSize) +
                             ")");
        blocks.push_back(*v / blockSize);
    }
    return blocks;
}

std::string rateText(double rate) { return fmt("%.4g", rate); }  // 0.00999999 -> 0.01

void printMrcText(std::ostream& os, const std::string& source, const MissRatioCurve& c) {
    os << "Miss-ratio curve of a fully associative LRU cache, " << source << "\n";
    os << "block size " << formatSize(c.blockSize) << "; " << withThousands(c.references) << " block references, "
       << (c.sampleRate < 1.0 ? "about " : "") << withThousands(c.distinctBlocks) << " distinct blocks\n";
    if (c.sampleRate < 1.0)
        os << "sampled at rate " << rateText(c.sampleRate)
           << " (SHARDS): misses and miss ratios are estimates (see docs/reuse-distance.md for the error)\n";
    os << '\n';
    const std::array<std::string, 4> header{"size", "blocks", "misses", "miss ratio"};
    std::vector<std::array<std::string, 4>> rows;
    for (const MrcPoint& p : c.points)
        rows.push_back(
            {formatSize(p.bytes), withThousands(p.blocks), withThousands(p.misses), fmt("%.4f", p.missRatio)});
    std::array<std::size_t, 4> width{};
    for (std::size_t i = 0; i < 4; ++i) {
        width[i] = header[i].size();
        for (const auto& r : rows) width[i] = std::max(width[i], r[i].size());
    }
    auto line = [&](const std::array<std::string, 4>& r) {
        for (std::size_t i = 0; i < 4; ++i) os << (i ? "  " : "") << std::string(width[i] - r[i].size(), ' ') << r[i];
        os << '\n';
    };
    line(header);
    for (const auto& r : rows) line(r);
}

nlohmann::ordered_json mrcJson(const std::string& source, const MissRatioCurve& c) {
    nlohmann::ordered_json j;
    j["source"] = source;
    j["block_size"] = c.blockSize;
    j["sampled"] = c.sampleRate < 1.0;
    j["sample_rate"] = c.sampleRate;
    j["references"] = c.references;
    j["distinct_blocks"] = c.distinctBlocks;
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const MrcPoint& p : c.points)
        points.push_back({{"bytes", p.bytes}, {"blocks", p.blocks}, {"misses", p.misses}, {"miss_ratio", p.missRatio}});
    j["points"] = std::move(points);
    return j;
}

void mrcCommand(const ReuseArgs& args) {
    checkOutputs({args.output, args.plot});
    const std::uint64_t blockSize = blockSizeOf(args);
    const double rate = sampleRateOf(args);
    const std::vector<std::uint64_t> extra = sizesInBlocks(args, blockSize);
    const ReuseHistogram h = analyze(args, rate, false);
    const MissRatioCurve curve = missRatioCurve(h, extra);
    const std::string source = describeSource(toSpec(args.source));
    if (!args.plot.empty()) plot::writeSvg(args.plot, mrcChart(curve, describeSourceBriefly(toSpec(args.source))));
    emit(args.output, [&](std::ostream& os) {
        if (args.json) {
            os << jsonText(mrcJson(source, curve), 2) << '\n';
        } else if (args.csv) {
            os << "bytes,blocks,misses,miss_ratio\n";
            for (const MrcPoint& p : curve.points)
                os << p.bytes << ',' << p.blocks << ',' << p.misses << ',' << fmt("%.6f", p.missRatio) << '\n';
        } else {
            printMrcText(os, source, curve);
        }
    });
}

void addCommonOptions(CLI::App* cmd, ReuseArgs& args) {
    CLI::Option* gran =
        cmd->add_option("--granularity", args.granularity, "Blocks are cache lines (64 B) or pages (4 KiB)")
            ->check(CLI::IsMember({"line", "page"}));
    cmd->add_option("--block-size", args.blockSize, "Block size in bytes, a power of two (e.g. 64, 4KiB)")
        ->excludes(gran);
    CLI::Option* json = cmd->add_flag("--json", args.json, "Print as JSON");
    CLI::Option* csv = cmd->add_flag("--csv", args.csv, "Print as CSV");
    json->excludes(csv);
    cmd->add_option("-o,--output", args.output, "Write to FILE (atomically) instead of stdout");
    cmd->add_option("--plot", args.plot, "Also draw the result to FILE.svg (atomically; docs/plots.md)");
    cmd->add_option("--kinds", args.kinds,
                    "Which accesses count: all (one unified stream, the default), data (reads and writes, as an "
                    "L1D sees them), reads, writes or fetches (as an L1I sees them)")
        ->check(CLI::IsMember({"all", "data", "reads", "writes", "fetches"}));
    addSourceOptions(cmd, args.source);
}

}  // namespace

Command addReuseCommand(CLI::App& app) {
    auto args = std::make_shared<ReuseArgs>();
    CLI::App* cmd = app.add_subcommand("reuse", "Histogram of reuse distances (LRU stack distances) of a trace");
    addCommonOptions(cmd, *args);
    cmd->add_flag("--linear", args->linear,
                  "With --plot: a linear y axis (default log10, where every nonzero bucket shows but heights "
                  "compare by orders of magnitude)");
    cmd->footer(
        "Examples:\n"
        "  cachescope reuse traces/matmul-ikj.bin\n"
        "  cachescope reuse --granularity page --json traces/conv2d-nchw.bin\n"
        "  cachescope reuse --kernel matmul --param n=64 --param order=ijk --csv -o reuse.csv\n"
        "  cachescope reuse --plot reuse.svg traces/matmul-ijk.bin");
    return Command{cmd, [args] { reuseCommand(*args); }};
}

Command addMrcCommand(CLI::App& app) {
    auto args = std::make_shared<ReuseArgs>();
    CLI::App* cmd =
        app.add_subcommand("mrc", "Miss-ratio curve of a fully associative LRU cache, every size in one pass");
    addCommonOptions(cmd, *args);
    cmd->add_option("--sizes", args->sizes, "Extra cache sizes, comma-separated (e.g. 4KiB,48KiB)");
    cmd->add_option("--sample-rate", args->sampleRate,
                    "Estimate with SHARDS spatial sampling at this rate in (0, 1] (e.g. 0.01)");
    cmd->footer(
        "Examples:\n"
        "  cachescope mrc traces/matmul-ijk.bin\n"
        "  cachescope mrc --sizes 1KiB,48KiB --csv traces/conv2d-nhwc.bin\n"
        "  cachescope mrc --sample-rate 0.01 --kernel matmul --param n=256 --param order=ikj\n"
        "  cachescope mrc --plot mrc.svg traces/matmul-ijk.bin");
    return Command{cmd, [args] { mrcCommand(*args); }};
}

}  // namespace cachescope::cli
