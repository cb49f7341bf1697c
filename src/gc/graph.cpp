#include "cachescope/gc/graph.hpp"

#include <algorithm>
#include <cassert>

namespace cachescope::gc {

ObjectGraph::ObjectGraph(std::size_t objects) : out_(objects), root_(objects, 0) {}

std::uint32_t ObjectGraph::addObject() {
    out_.emplace_back();
    root_.push_back(0);
    return static_cast<std::uint32_t>(out_.size() - 1);
}

void ObjectGraph::addRef(std::uint32_t from, std::uint32_t to) {
    auto& edges = out_[from];
    const auto it = std::find_if(edges.begin(), edges.end(), [to](const Edge& e) { return e.to == to; });
    if (it != edges.end())
        ++it->count;
    else
        edges.push_back({to, 1});
}

bool ObjectGraph::removeRef(std::uint32_t from, std::uint32_t to) {
    auto& edges = out_[from];
    const auto it = std::find_if(edges.begin(), edges.end(), [to](const Edge& e) { return e.to == to; });
    if (it == edges.end()) return false;
    if (--it->count == 0) edges.erase(it);  // erase keeps the others in order: deterministic walks
    return true;
}

std::uint32_t ObjectGraph::refs(std::uint32_t from, std::uint32_t to) const {
    for (const Edge& e : out_[from])
        if (e.to == to) return e.count;
    return 0;
}

void ObjectGraph::setRoot(std::uint32_t object, bool root) {
    if ((root_[object] != 0) == root) return;
    root_[object] = root ? 1 : 0;
    if (root)
        roots_.push_back(object);
    else
        roots_.erase(std::find(roots_.begin(), roots_.end(), object));
}

MarkWork ObjectGraph::mark(std::vector<unsigned char>& marks) const {
    marks.assign(out_.size(), 0);
    MarkWork work;
    std::vector<std::uint32_t> stack;
    for (const std::uint32_t r : roots_) {
        if (marks[r] != 0) continue;
        marks[r] = 1;
        ++work.objects;
        stack.push_back(r);
        while (!stack.empty()) {
            const std::uint32_t x = stack.back();
            stack.pop_back();
            for (const Edge& e : out_[x]) {
                work.edges += e.count;
                if (marks[e.to] != 0) continue;
                marks[e.to] = 1;
                ++work.objects;
                stack.push_back(e.to);
            }
        }
    }
    assert(work.objects <= out_.size());
    return work;
}

}  // namespace cachescope::gc
