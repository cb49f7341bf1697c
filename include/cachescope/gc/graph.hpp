#pragma once
// The program's object graph as the trace builds it: who points to whom (with multiplicity: an
// object may hold two references to the same object) and which objects are roots (held by the
// program's variables). It is the mutator's view, shared by both collectors; what each collector
// has freed is the collector's own state (gc/collectors.hpp).
//
// mark() is the mark phase of mark-sweep (and the reader's reachability check): an iterative
// depth-first walk from the roots, so a long list cannot overflow the stack.
//
//   roots {a}; a -> b -> c -> b; d -> a       mark(): a, b, c marked; d is garbage
//                                             (it points to a live object, but nothing reaches d)

#include <cstdint>
#include <vector>

namespace cachescope::gc {

struct Edge {
    std::uint32_t to = 0;
    std::uint32_t count = 0;  // references from the same object, at least 1
};

/// What one mark phase did.
struct MarkWork {
    std::uint64_t objects = 0;  // objects marked (reached from the roots)
    std::uint64_t edges = 0;    // references followed (each counted once per reference)
};

class ObjectGraph {
public:
    explicit ObjectGraph(std::size_t objects = 0);

    /// A new object, pointing nowhere and not a root; returns its index (the old size()).
    std::uint32_t addObject();
    void addRef(std::uint32_t from, std::uint32_t to);
    /// Removes one reference from -> to; false if there is none.
    bool removeRef(std::uint32_t from, std::uint32_t to);
    /// How many references from -> to (0 if none).
    std::uint32_t refs(std::uint32_t from, std::uint32_t to) const;
    const std::vector<Edge>& out(std::uint32_t from) const { return out_[from]; }

    void setRoot(std::uint32_t object, bool root);
    bool isRoot(std::uint32_t object) const { return root_[object] != 0; }

    std::size_t size() const { return out_.size(); }

    /// Sets marks[x] = 1 for every object reachable from a root, 0 for the others (marks is
    /// resized to size()).
    MarkWork mark(std::vector<unsigned char>& marks) const;

private:
    std::vector<std::vector<Edge>> out_;
    std::vector<unsigned char> root_;
    std::vector<std::uint32_t> roots_;  // the roots, in the order they were made roots
};

}  // namespace cachescope::gc
