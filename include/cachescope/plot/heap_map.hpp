#pragma once
// The heap map: one allocator's run of an allocation trace as a picture, in one SVG.
//
//   top     address (bytes from the heap's start, upwards) against event index (time, rightwards):
//           every block is a rectangle from the event that allocated it to the one that freed it
//           (or the end), colored by its group (the tensor / site; the largest groups by bytes x
//           events, and the ones allocated most in total, get colors and a legend line, the rest
//           are grey). The reserved space (the heap
//           top or buddy arena, a step line) is white, so free gaps inside it show as white holes;
//           above it is grey.
//   bottom  external fragmentation (1 - largest free block / total free) after each event, on the
//           same time axis.
//
// Past `maxRectangles` blocks the top panel is drawn as a grid of cells instead (a cell takes the
// color of the block at its centre, else of a block that touches it), so big traces stay small.
// Several maps (one per allocator, `alloc compare --plot`) stack as panels in one SVG.

#include <cstdint>
#include <string>
#include <vector>

#include "cachescope/plot/svg.hpp"

namespace cachescope::plot {

struct HeapBlock {
    std::uint64_t begin = 0;  // first event it is live after
    std::uint64_t end = 0;    // the event that freed it (or the number of events)
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    std::uint32_t group = 0;  // index into HeapMap::groups
};

struct HeapMap {
    std::string title;                 // "first-fit" (a panel's own title)
    std::uint64_t events = 0;          // the time axis: 0 .. events
    std::vector<HeapBlock> blocks;
    std::vector<std::string> groups;   // group names ("act.fc1"; "" = no name)
    std::vector<Point> reserved;       // (event, reserved bytes) after each event
    std::vector<Point> fragmentation;  // (event, external fragmentation 0..1) after each event
};

struct HeapMapFigure {
    std::string title;          // of the whole figure
    std::vector<HeapMap> panels;
    std::size_t legendGroups = 12;      // colored groups (the rest are grey)
    std::size_t maxRectangles = 5000;   // per panel; more blocks: drawn as a grid of cells
    int width = 1180;
};

std::string renderSvg(const HeapMapFigure& figure);
/// Atomically (writeFileAtomically).
void writeSvg(const std::string& path, const HeapMapFigure& figure);

/// The groups that get colors, at most `count`: the first half by bytes x events (what fills the
/// picture), the rest by bytes over all their allocations (what churns); ties by name.
std::vector<std::uint32_t> largestGroups(const HeapMap& map, std::size_t count);

}  // namespace cachescope::plot
