#include "cachescope/alloc/trace.hpp"

#include <cctype>
#include <unordered_map>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/event.hpp"
#include "cachescope/trace/line_reader.hpp"
#include "cachescope/trace/writer.hpp"

namespace cachescope::alloc {

namespace {

bool startsWithDigit(std::string_view w) { return !w.empty() && std::isdigit(static_cast<unsigned char>(w[0])) != 0; }

/// Checks events one by one (from text lines or binary records) and builds the trace.
struct Reader {
    AllocTrace trace;
    std::unordered_map<std::string, std::uint32_t> idIndex;
    std::unordered_map<std::string, std::uint32_t> siteIndex;
    // Per ID: the line (event) where it was allocated (if live) or freed (if not), and whether it is live.
    std::vector<std::uint64_t> lastLine;
    std::vector<bool> live;
    std::uint64_t lineNo = 0;      // text: the line; binary: the event's number (1-based)
    std::uint64_t byteOffset = 0;  // binary: the record's offset in the file
    bool binary = false;

    [[noreturn]] void fail(const std::string& what) const {
        if (binary)
            throw TraceError(trace.source + ": byte " + std::to_string(byteOffset) + " (allocation event " +
                             std::to_string(lineNo) + "): " + what);
        throw TraceError(trace.source + ":" + std::to_string(lineNo) + ": " + what);
    }
    const char* unit() const { return binary ? "event " : "line "; }

    std::uint64_t parseSizeWord(std::string_view word, const char* what) const {
        const std::string w(word);
        if (!w.empty() && w[0] == '-')
            fail(std::string(what) + " '" + w + "' is negative; expected a byte count such as 4096 or 2MiB");
        const auto value = parseSize(w);
        if (!value)
            fail(std::string(what) + " '" + w + "' is not a size; expected a byte count such as 4096 or 2MiB");
        if (*value > kMaxAllocSize)
            fail(std::string(what) + " '" + w + "' is absurd; expected at most " + withThousands(kMaxAllocSize) +
                 " bytes (256 TiB)");
        return *value;
    }

    std::uint32_t liveId(const std::string& op, std::string_view name) {
        const std::string id(name);
        const auto it = idIndex.find(id);
        if (it == idIndex.end()) fail(op + " of unknown ID '" + id + "' (never allocated)");
        if (!live[it->second])
            fail(op + " of '" + id + "', which was already freed at " + unit() + std::to_string(lastLine[it->second]));
        return it->second;
    }

    // The events, checked against what is live; `site` "" = none.
    void alloc(std::string_view name, std::uint64_t size, std::uint64_t align, std::string_view site) {
        AllocEvent ev;
        ev.line = lineNo;
        ev.op = AllocOp::Alloc;
        ev.size = size;
        ev.align = align;
        if (!site.empty()) {
            const auto [it, added] = siteIndex.emplace(std::string(site), static_cast<std::uint32_t>(trace.sites.size()));
            if (added) trace.sites.emplace_back(site);
            ev.site = it->second;
        }
        const auto [it, added] = idIndex.emplace(std::string(name), static_cast<std::uint32_t>(trace.names.size()));
        if (added) {
            trace.names.emplace_back(name);
            lastLine.push_back(0);
            live.push_back(false);
        }
        ev.id = it->second;
        if (live[ev.id])
            fail("alloc of '" + std::string(name) + "', which is still live (allocated at " + unit() +
                 std::to_string(lastLine[ev.id]) + "); free it first or use another ID");
        live[ev.id] = true;
        lastLine[ev.id] = lineNo;
        trace.events.push_back(ev);
    }
    void free(std::string_view name) {
        AllocEvent ev;
        ev.line = lineNo;
        ev.op = AllocOp::Free;
        ev.id = liveId("free", name);
        live[ev.id] = false;
        lastLine[ev.id] = lineNo;
        trace.events.push_back(ev);
    }
    void realloc(std::string_view name, std::uint64_t size) {
        AllocEvent ev;
        ev.line = lineNo;
        ev.op = AllocOp::Realloc;
        ev.size = size;
        ev.id = liveId("realloc", name);
        trace.events.push_back(ev);
    }
    void emptyCache() {
        AllocEvent ev;
        ev.line = lineNo;
        ev.op = AllocOp::EmptyCache;
        trace.events.push_back(ev);
    }

    void readLine(std::string_view raw) {
        const std::vector<std::string_view> words = lineWords(raw);
        if (words.empty()) return;
        std::string text(raw.substr(0, raw.find('#')));
        const std::string_view op = words[0];
        if (op == "alloc") {
            if (words.size() < 3 || words.size() > 5)
                fail("'" + text + "': expected 'alloc ID SIZE [ALIGN] [SITE]'");
            const std::uint64_t size = parseSizeWord(words[2], "size");
            std::uint64_t align = 0;
            std::size_t next = 3;
            // ALIGN is optional: a word that starts with a digit (or '-') is an alignment.
            if (words.size() > next && (startsWithDigit(words[next]) || words[next][0] == '-')) {
                const std::string a(words[next]);
                if (a[0] == '-') fail("alignment '" + a + "' is negative; expected a power of two such as 16 or 4096");
                const auto value = parseSize(a);
                if (!value || *value == 0 || (*value & (*value - 1)) != 0 || *value > kMaxAlign)
                    fail("alignment '" + a + "' is not a power of two between 1 and 1GiB");
                align = *value;
                ++next;
            }
            if (words.size() > next + 1) fail("'" + text + "': expected 'alloc ID SIZE [ALIGN] [SITE]'");
            if (words.size() > next && (startsWithDigit(words[next]) || words[next][0] == '-'))
                fail("site '" + std::string(words[next]) +
                     "' starts with a digit or '-'; expected a name such as conv1.im2col (a word that starts with a "
                     "digit after the size is the alignment)");
            alloc(words[1], size, align, words.size() > next ? words[next] : std::string_view());
        } else if (op == "free") {
            if (words.size() != 2) fail("'" + text + "': expected 'free ID'");
            free(words[1]);
        } else if (op == "realloc") {
            if (words.size() != 3) fail("'" + text + "': expected 'realloc ID SIZE'");
            const std::uint64_t size = parseSizeWord(words[2], "size");
            realloc(words[1], size);
        } else if (op == "empty_cache") {
            if (words.size() != 1) fail("'" + text + "': expected 'empty_cache' alone");
            emptyCache();
        } else {
            fail("unknown event '" + std::string(op) + "'; expected alloc, free, realloc or empty_cache");
        }
    }
};

/// The allocation records of a binary trace, checked as text events are; its accesses are skipped.
struct BinarySink final : AllocationSink {
    Reader& r;
    explicit BinarySink(Reader& reader) : r(reader) {}
    void onAllocation(const AllocationRecord& rec) override {
        ++r.lineNo;
        r.byteOffset = rec.offset;
        switch (rec.op) {
            case AllocationOp::Alloc: r.alloc(rec.id, rec.size, rec.align, rec.site); break;
            case AllocationOp::Free: r.free(rec.id); break;
            case AllocationOp::Realloc: r.realloc(rec.id, rec.size); break;
            case AllocationOp::EmptyCache: r.emptyCache(); break;
        }
    }
};

}  // namespace

AllocTrace readAllocTrace(std::unique_ptr<std::istream> in, const std::string& source) {
    Reader r;
    r.trace.source = source;
    r.trace.sites.push_back("");
    if (peekBinary(in)) {
        r.binary = true;
        const std::unique_ptr<TraceReader> reader = openBinaryTrace(std::move(in), source);
        BinarySink sink(r);
        reader->setAllocationSink(&sink);
        struct CountMsyncs final : TraceEventSink {  // `trace convert --to alloc` says how many it leaves out
            std::uint64_t& n;
            explicit CountMsyncs(std::uint64_t& count) : n(count) {}
            void onTraceEvent(const TraceEvent& e) override { n += e.kind == TraceEventKind::Msync ? 1 : 0; }
        } msyncs(r.trace.msyncs);
        reader->setEventSink(&msyncs);
        std::vector<Access> scratch(4096);
        while (reader->read(scratch) != 0) {
        }
        return std::move(r.trace);
    }
    LineReader lines(std::move(in), source);
    std::string_view line;
    while (lines.next(line)) {
        r.lineNo = lines.lineNumber();
        r.readLine(line);
    }
    return std::move(r.trace);
}

AllocTrace readAllocTrace(std::istream& in, const std::string& source) {
    return readAllocTrace(std::make_unique<std::istream>(in.rdbuf()), source);
}

AllocTrace loadAllocTrace(const std::string& path) {
    return readAllocTrace(openInputFile(path), path == "-" ? "<stdin>" : path);
}

bool looksLikeAllocText(std::string_view head) {
    std::size_t pos = 0;
    while (pos < head.size()) {
        const std::size_t nl = head.find('\n', pos);
        const std::string_view line = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        const std::vector<std::string_view> words = lineWords(line);
        if (!words.empty())
            return words[0] == "alloc" || words[0] == "free" || words[0] == "realloc" || words[0] == "empty_cache";
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return false;
}

void writeAllocations(TraceWriter& out, const AllocTrace& trace) {
    for (const AllocEvent& ev : trace.events) {
        AllocationRecord r;
        r.op = static_cast<AllocationOp>(ev.op);
        if (ev.op != AllocOp::EmptyCache) r.id = trace.names[ev.id];
        r.size = ev.size;
        r.align = ev.align;
        r.site = trace.sites[ev.site];
        if (!out.writeAllocation(r))
            throw UsageError("this trace format cannot hold allocation events; write a binary trace or the text "
                             "allocation format (docs/alloc.md)");
    }
}

void writeAllocTrace(std::ostream& os, const AllocTrace& trace) {
    os << "# " << trace.source << '\n';
    for (const AllocEvent& ev : trace.events) {
        if (ev.op == AllocOp::EmptyCache) {  // names no block
            os << "empty_cache\n";
            continue;
        }
        const std::string& id = trace.names[ev.id];
        switch (ev.op) {
            case AllocOp::EmptyCache:
                break;
            case AllocOp::Alloc:
                os << "alloc " << id << ' ' << ev.size;
                if (ev.align != 0) os << ' ' << ev.align;
                if (ev.site != 0) os << ' ' << trace.sites[ev.site];
                break;
            case AllocOp::Free:
                os << "free " << id;
                break;
            case AllocOp::Realloc:
                os << "realloc " << id << ' ' << ev.size;
                break;
        }
        os << '\n';
    }
}

}  // namespace cachescope::alloc
