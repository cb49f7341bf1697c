#pragma once
// The access inspector's content, made from one ReferenceNarration (analysis/narration.hpp): the
// reference and its tensor element, the address split per level, one plain sentence per step of
// its path (translation, walk, every cache, memory), the victims and why, the 3C class, and the
// control events (msync) that came right after it.
// Text is made here, at the edge; the narration itself is values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/analysis/narration.hpp"
#include "cachescope/core/format.hpp"
#include "cachescope/sim/simulator.hpp"

namespace cachescope::gui {

/// The split of one address by one cache level: tag | set | offset, with the bit counts.
struct AddressSplit {
    std::string level;
    std::uint64_t address = 0;
    std::uint64_t tag = 0;
    std::uint32_t set = 0;
    std::uint64_t offset = 0;
    unsigned setBits = 0, offsetBits = 0;
};

struct Sentence {
    std::uint32_t depth = 0;  // indentation: caused by the sentence above with depth - 1
    enum class Tone : std::uint8_t { Plain, Hit, Miss } tone = Tone::Plain;
    std::string text;
};

struct InspectorView {
    std::string title;    // "reference 12: read 0x10000040 (8 bytes)"
    std::string element;  // "A[0][8]", may be empty
    std::string statement;
    std::vector<AddressSplit> splits;  // one per cache, of the first piece's physical address
    std::vector<Sentence> path;
    std::string outcome;  // "served by L2 (11 cycles)"
    std::vector<std::string> missClasses;  // "L1: conflict"
    /// The trace's control events right after the reference, as explain prints them: "then msync
    /// 0x10000000 +8,192 B in process 0: 2 dirty file pages written back" (ReferenceNarration::events).
    std::vector<std::string> events;
};

/// `simulator` supplies every cache's address layout (for the splits).
InspectorView buildInspector(const ReferenceNarration& n, const Simulator& simulator);

/// The sentence for one cache step, e.g. "L1 read 0x40: set 1, miss (compulsory) -> filled way 0,
/// evicting line 0x200 (dirty: written back)".
std::string describeStep(const CacheStep& s);

/// Short line about the next reference: "next: write 0x10002000 (8 bytes) C[0][0]".
std::string describeNext(const Access& next, const std::string& element);

}  // namespace cachescope::gui
