#include "cachescope/gc/trace.hpp"

#include <unordered_map>

#include "cachescope/alloc/trace.hpp"  // kMaxAllocSize: the same bound on an object's size
#include "cachescope/config/config.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/gc/graph.hpp"
#include "cachescope/trace/line_reader.hpp"

namespace cachescope::gc {

const char* opName(GcOp op) {
    switch (op) {
        case GcOp::New: return "new";
        case GcOp::Ref: return "ref";
        case GcOp::Unref: return "unref";
        case GcOp::Root: return "root";
        case GcOp::Unroot: return "unroot";
        case GcOp::Collect: return "collect";
    }
    return "?";
}

std::string describe(const GcObject& object) {
    return object.id + " (" + (object.name.empty() ? "" : object.name + ", ") + withThousands(object.size) + " B)";
}

namespace {

struct Reader {
    GcTrace trace;
    std::unordered_map<std::string, std::uint32_t> idIndex;
    ObjectGraph graph;
    std::vector<std::uint64_t> rootLine;  // line where the object last became a root
    std::vector<unsigned char> marks;
    std::uint64_t lineNo = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw TraceError(trace.source + ":" + std::to_string(lineNo) + ": " + what);
    }

    std::uint64_t lineOf(std::size_t event) const { return trace.events[event].line; }

    /// The object named `id` by `op`; it must exist and be reachable.
    std::uint32_t reachable(const std::string& op, const std::string& id) const {
        const auto it = idIndex.find(id);
        if (it == idIndex.end()) fail(op + " of unknown ID '" + id + "' (no 'new " + id + "' before this line)");
        const GcObject& o = trace.objects[it->second];
        if (o.garbageAt != kNever)
            fail(op + " of '" + id + "', which is unreachable since line " + std::to_string(lineOf(o.garbageAt)) +
                 " (garbage: the program can no longer name it)");
        return it->second;
    }

    /// After an event that removed a reference: every object no longer reached from a root is
    /// garbage from this event on (and stays garbage: the program cannot name it again).
    void findGarbage() {
        graph.mark(marks);
        const std::size_t event = trace.events.size();  // the event being added
        for (std::size_t x = 0; x < trace.objects.size(); ++x)
            if (marks[x] == 0 && trace.objects[x].garbageAt == kNever) trace.objects[x].garbageAt = event;
    }

    void expectWords(const std::vector<std::string>& words, std::size_t n, const std::string& text,
                     const char* form) const {
        if (words.size() != n) fail("'" + text + "': expected '" + form + "'");
    }

    void readLine(std::string_view raw) {
        std::string text(raw.substr(0, raw.find('#')));
        std::vector<std::string> words;
        for (const std::string_view w : lineWords(raw)) words.emplace_back(w);
        if (words.empty()) return;
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
        const std::string& op = words[0];
        GcEvent ev;
        ev.line = lineNo;
        bool removed = false;  // a reference went away: look for new garbage
        if (op == "new") {
            if (words.size() < 3 || words.size() > 4) fail("'" + text + "': expected 'new ID SIZE [NAME]'");
            ev.op = GcOp::New;
            const std::string& size = words[2];
            if (size[0] == '-') fail("size '" + size + "' is negative; expected a byte count such as 48 or 2MiB");
            const auto bytes = parseSize(size);
            if (!bytes) fail("size '" + size + "' is not a size; expected a byte count such as 48 or 2MiB");
            if (*bytes > alloc::kMaxAllocSize)
                fail("size '" + size + "' is absurd; expected at most " + withThousands(alloc::kMaxAllocSize) +
                     " bytes (256 TiB)");
            const auto [it, added] = idIndex.emplace(words[1], static_cast<std::uint32_t>(trace.objects.size()));
            if (!added)
                fail("new of '" + words[1] + "', which already exists (made at line " +
                     std::to_string(lineOf(trace.objects[it->second].madeAt)) + "); every object needs its own ID");
            GcObject o;
            o.id = words[1];
            o.name = words.size() == 4 ? words[3] : "";
            o.size = *bytes;
            o.madeAt = trace.events.size();
            trace.objects.push_back(std::move(o));
            ev.a = it->second;
        } else if (op == "ref" || op == "unref") {
            expectWords(words, 3, text, op == "ref" ? "ref A B" : "unref A B");
            ev.op = op == "ref" ? GcOp::Ref : GcOp::Unref;
            ev.a = reachable(op, words[1]);
            ev.b = reachable(op, words[2]);
            if (ev.op == GcOp::Unref) {
                if (graph.refs(ev.a, ev.b) == 0)
                    fail("unref of a missing edge: '" + words[1] + "' does not point to '" + words[2] +
                         "'; expected a 'ref " + words[1] + " " + words[2] + "' before it");
                removed = true;
            }
        } else if (op == "root" || op == "unroot") {
            expectWords(words, 2, text, op == "root" ? "root A" : "unroot A");
            ev.op = op == "root" ? GcOp::Root : GcOp::Unroot;
            ev.a = reachable(op, words[1]);
            const bool isRoot = graph.isRoot(ev.a);
            if (ev.op == GcOp::Root && isRoot)
                fail("root of '" + words[1] + "', which is already a root (since line " +
                     std::to_string(rootLine[ev.a]) + ")");
            if (ev.op == GcOp::Unroot && !isRoot)
                fail("unroot of '" + words[1] + "', which is not a root; expected a 'root " + words[1] +
                     "' (or its 'new') before it");
            removed = ev.op == GcOp::Unroot;
        } else if (op == "collect") {
            expectWords(words, 1, text, "collect");
            ev.op = GcOp::Collect;
        } else {
            fail("unknown event '" + op + "'; expected new, ref, unref, root, unroot or collect");
        }
        apply(ev);
        if (removed) findGarbage();
        trace.events.push_back(ev);
    }

    void apply(const GcEvent& ev) {
        switch (ev.op) {
            case GcOp::New:
                graph.addObject();
                rootLine.push_back(ev.line);
                graph.setRoot(ev.a, true);
                break;
            case GcOp::Ref: graph.addRef(ev.a, ev.b); break;
            case GcOp::Unref: graph.removeRef(ev.a, ev.b); break;
            case GcOp::Root:
                graph.setRoot(ev.a, true);
                rootLine[ev.a] = ev.line;
                break;
            case GcOp::Unroot: graph.setRoot(ev.a, false); break;
            case GcOp::Collect: break;
        }
    }
};

}  // namespace

GcTrace readGcTrace(std::unique_ptr<std::istream> in, const std::string& source) {
    Reader r;
    r.trace.source = source;
    LineReader lines(std::move(in), source);
    std::string_view line;
    while (lines.next(line)) {
        r.lineNo = lines.lineNumber();
        r.readLine(line);
    }
    return std::move(r.trace);
}

GcTrace readGcTrace(std::istream& in, const std::string& source) {
    return readGcTrace(std::make_unique<std::istream>(in.rdbuf()), source);
}

GcTrace loadGcTrace(const std::string& path) { return readGcTrace(openInputFile(path), path == "-" ? "<stdin>" : path); }

}  // namespace cachescope::gc
