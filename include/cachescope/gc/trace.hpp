#pragma once
// Object-graph traces for the garbage-collection teaching mode (docs/gc.md), one event a line:
//
//   # a comment; blank lines are ignored
//   new a 48 Node      # ID SIZE [NAME]: a new object, held by the program (a root)
//   new b 48 Node
//   ref a b            # a now points to b (one more reference; an object may point twice)
//   unroot b           # the program drops its own reference to b (a still holds it)
//   root b             # the program takes a reference to b again (b must be reachable)
//   unref a b          # a no longer points to b (one reference fewer)
//   collect            # an explicit collection (gc.collect())
//
// The program can only name objects it can reach: a `ref`, `unref`, `root` or `unroot` that names
// an unreachable object (garbage) is an error, so the trace means the same under every collector
// and no collector can free an object the trace uses later. A `new` object is a root, as
// `x = Node()` holds the new object in x; `unroot` is the variable going out of scope.
//
// The reader checks the whole trace before any collector runs and stops at the first bad line
// with "<file>:<line>: ...", the text found and what was expected (unknown event or ID, a second
// `new` of an ID, `unref` of an edge that does not exist, a name of an unreachable object, ...).
// While reading it records, for every object, the event at which it became unreachable: the
// ground truth the collectors are measured against.

#include <cstdint>
#include <istream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace cachescope::gc {

enum class GcOp : unsigned char { New, Ref, Unref, Root, Unroot, Collect };

/// "new", "ref", ... as written in traces.
const char* opName(GcOp op);

/// No event: an object that is still reachable at the end of the trace.
inline constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

struct GcEvent {
    GcOp op = GcOp::New;
    std::uint32_t a = 0;      // new, root, unroot: the object; ref, unref: the one that points
    std::uint32_t b = 0;      // ref, unref: the object pointed to
    std::uint64_t line = 0;   // 1-based line in the file
};

struct GcObject {
    std::string id;               // as written in the trace
    std::string name;             // NAME (a type or label, as "Node"); "" if none was given
    std::uint64_t size = 0;       // bytes
    std::size_t madeAt = 0;       // index of its `new` event
    std::size_t garbageAt = kNever;  // index of the event after which it was unreachable
};

struct GcTrace {
    std::string source;  // file name for messages
    std::vector<GcEvent> events;
    std::vector<GcObject> objects;  // by GcEvent::a / b, in the order of their `new`
};

/// Reads an object-graph trace from `in`; `source` names it in messages. Throws TraceError at the
/// first bad line ("t.gc:7: ref of 'x', which is unreachable since line 5 (garbage) ...").
GcTrace readGcTrace(std::unique_ptr<std::istream> in, const std::string& source);
GcTrace readGcTrace(std::istream& in, const std::string& source);
/// Opens `path` ("-" = standard input) and reads it; IoError if it cannot be opened ("'X' is a
/// directory", "cannot open 'X': No such file or directory"). Lines are read by trace/line_reader
/// (CRLF accepted, at most 4096 bytes a line).
GcTrace loadGcTrace(const std::string& path);

/// "n1 (Node, 48 B)" or "n1 (48 B)": an object for people.
std::string describe(const GcObject& object);

}  // namespace cachescope::gc
