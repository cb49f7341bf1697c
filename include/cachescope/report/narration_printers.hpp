#pragma once
// The narration's records (analysis/narration_records.hpp) as text for people and as JSON
// (`cachescope explain`, docs/explain.md).

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cachescope/analysis/narration_records.hpp"
#include "cachescope/sim/simulator.hpp"

namespace cachescope {

/// The records as text for people (one block per reference); `simulator` supplies the geometry
/// summary printed first.
void printNarrationText(std::ostream& os, const Simulator& simulator, const std::vector<ReferenceNarration>& refs);
/// The records as JSON: {"references": [...]} with every field of the structs above.
nlohmann::ordered_json narrationToJson(const std::vector<ReferenceNarration>& refs);

}  // namespace cachescope
