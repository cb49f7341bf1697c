#include "cachescope/alloc/trace.hpp"

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"

namespace cachescope::alloc {

namespace {

std::vector<std::string> splitWords(const std::string& line) {
    std::vector<std::string> words;
    std::istringstream is(line);
    std::string w;
    while (is >> w) words.push_back(w);
    return words;
}

struct Reader {
    AllocTrace trace;
    std::unordered_map<std::string, std::uint32_t> idIndex;
    std::unordered_map<std::string, std::uint32_t> siteIndex;
    // Per ID: the line where it was allocated (if live) or freed (if not), and whether it is live.
    std::vector<std::uint64_t> lastLine;
    std::vector<bool> live;
    std::uint64_t lineNo = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw TraceError(trace.source + ":" + std::to_string(lineNo) + ": " + what);
    }

    std::uint64_t parseSizeWord(const std::string& word, const char* what) const {
        if (!word.empty() && word[0] == '-')
            fail(std::string(what) + " '" + word + "' is negative; expected a byte count such as 4096 or 2MiB");
        const auto value = parseSize(word);
        if (!value)
            fail(std::string(what) + " '" + word + "' is not a size; expected a byte count such as 4096 or 2MiB");
        if (*value > kMaxAllocSize)
            fail(std::string(what) + " '" + word + "' is absurd; expected at most " + withThousands(kMaxAllocSize) +
                 " bytes (256 TiB)");
        return *value;
    }

    std::uint32_t lookup(const std::string& id, bool create) {
        const auto it = idIndex.find(id);
        if (it != idIndex.end()) return it->second;
        if (!create) fail("'" + id + "' was never allocated");
        const auto index = static_cast<std::uint32_t>(trace.names.size());
        idIndex.emplace(id, index);
        trace.names.push_back(id);
        lastLine.push_back(0);
        live.push_back(false);
        return index;
    }

    std::uint32_t liveId(const std::string& op, const std::string& id) {
        const auto it = idIndex.find(id);
        if (it == idIndex.end()) fail(op + " of unknown ID '" + id + "' (never allocated)");
        if (!live[it->second])
            fail(op + " of '" + id + "', which was already freed at line " + std::to_string(lastLine[it->second]));
        return it->second;
    }

    void readLine(const std::string& raw) {
        std::string text = raw.substr(0, raw.find('#'));
        if (!text.empty() && text.back() == '\r') text.pop_back();
        const auto words = splitWords(text);
        if (words.empty()) return;
        const std::string& op = words[0];
        AllocEvent ev;
        ev.line = lineNo;
        if (op == "alloc") {
            if (words.size() < 3 || words.size() > 5)
                fail("'" + text + "': expected 'alloc ID SIZE [ALIGN] [SITE]'");
            ev.op = AllocOp::Alloc;
            ev.size = parseSizeWord(words[2], "size");
            std::size_t next = 3;
            // ALIGN is optional: a word that starts with a digit (or '-') is an alignment.
            if (words.size() > next && (std::isdigit(static_cast<unsigned char>(words[next][0])) != 0 || words[next][0] == '-')) {
                const std::string& a = words[next];
                if (a[0] == '-') fail("alignment '" + a + "' is negative; expected a power of two such as 16 or 4096");
                const auto align = parseSize(a);
                if (!align || *align == 0 || (*align & (*align - 1)) != 0 || *align > kMaxAlign)
                    fail("alignment '" + a + "' is not a power of two between 1 and 1GiB");
                ev.align = *align;
                ++next;
            }
            if (words.size() > next + 1) fail("'" + text + "': expected 'alloc ID SIZE [ALIGN] [SITE]'");
            if (words.size() > next) {
                const auto [it, added] =
                    siteIndex.emplace(words[next], static_cast<std::uint32_t>(trace.sites.size()));
                if (added) trace.sites.push_back(words[next]);
                ev.site = it->second;
            }
            ev.id = lookup(words[1], true);
            if (live[ev.id])
                fail("alloc of '" + words[1] + "', which is still live (allocated at line " +
                     std::to_string(lastLine[ev.id]) + "); free it first or use another ID");
            live[ev.id] = true;
            lastLine[ev.id] = lineNo;
        } else if (op == "free") {
            if (words.size() != 2) fail("'" + text + "': expected 'free ID'");
            ev.op = AllocOp::Free;
            ev.id = liveId("free", words[1]);
            live[ev.id] = false;
            lastLine[ev.id] = lineNo;
        } else if (op == "realloc") {
            if (words.size() != 3) fail("'" + text + "': expected 'realloc ID SIZE'");
            ev.op = AllocOp::Realloc;
            ev.size = parseSizeWord(words[2], "size");
            ev.id = liveId("realloc", words[1]);
        } else if (op == "empty_cache") {
            if (words.size() != 1) fail("'" + text + "': expected 'empty_cache' alone");
            ev.op = AllocOp::EmptyCache;
        } else {
            fail("unknown event '" + op + "'; expected alloc, free, realloc or empty_cache");
        }
        trace.events.push_back(ev);
    }
};

}  // namespace

AllocTrace readAllocTrace(std::istream& in, const std::string& source) {
    Reader r;
    r.trace.source = source;
    r.trace.sites.push_back("");
    std::string line;
    while (std::getline(in, line)) {
        ++r.lineNo;
        r.readLine(line);
    }
    if (in.bad()) throw IoError("cannot read '" + source + "'");
    return std::move(r.trace);
}

AllocTrace loadAllocTrace(const std::string& path) {
    if (path == "-") return readAllocTrace(std::cin, "<stdin>");
    std::ifstream in(path);
    if (!in) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
    return readAllocTrace(in, path);
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
