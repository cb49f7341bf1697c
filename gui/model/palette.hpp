#pragma once
// The GUI's colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), chosen
// so that the eight colours stay distinguishable under the common colour-vision deficiencies.
// Colour is never the only cue: grid cells also carry letters (H hit, M miss, E evicted,
// W written back) and every number has a tooltip.
//
// Plain values, no ImGui: the model, the panels and the screenshot test share them (the test
// checks that pixels where the L1 grid shows a hit or a miss have exactly these colours).

#include <cstdint>

namespace cachescope::gui {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    friend constexpr bool operator==(Rgb, Rgb) = default;
};

namespace okabe_ito {
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kOrange{230, 159, 0};
inline constexpr Rgb kSkyBlue{86, 180, 233};
inline constexpr Rgb kBluishGreen{0, 158, 115};
inline constexpr Rgb kYellow{240, 228, 66};
inline constexpr Rgb kBlue{0, 114, 178};
inline constexpr Rgb kVermillion{213, 94, 0};
inline constexpr Rgb kReddishPurple{204, 121, 167};
}  // namespace okabe_ito

/// What each colour means, in one place.
namespace palette {
inline constexpr Rgb kHit = okabe_ito::kBluishGreen;     // the current access hit this way
inline constexpr Rgb kMiss = okabe_ito::kVermillion;     // the current access missed and filled this way
inline constexpr Rgb kVictim = okabe_ito::kYellow;       // outline: the policy's next victim
inline constexpr Rgb kSelection = okabe_ito::kSkyBlue;   // outline: the selected set
inline constexpr Rgb kValid{70, 74, 82};                 // a valid line, not touched by this access
inline constexpr Rgb kInvalid{36, 38, 42};               // an empty way
inline constexpr Rgb kText{235, 235, 235};
inline constexpr Rgb kDimText{150, 150, 150};

/// Tensor view: the fastest level that holds an element's line. Level 1, 2, 3 (and deeper), then
/// memory (touched, in no cache) and never touched.
inline constexpr Rgb kLevels[] = {okabe_ito::kBluishGreen, okabe_ito::kSkyBlue, okabe_ito::kBlue,
                                  okabe_ito::kReddishPurple};
inline constexpr Rgb kMemory = okabe_ito::kOrange;
inline constexpr Rgb kNeverTouched{52, 54, 60};
}  // namespace palette

/// Segments panel: a process's colour (cycled past six processes); its segments alternate a
/// lighter and a darker shade of it, and the holes of physical memory are kInvalid.
inline constexpr Rgb kProcesses[] = {okabe_ito::kSkyBlue, okabe_ito::kOrange, okabe_ito::kReddishPurple,
                                     okabe_ito::kBluishGreen, okabe_ito::kYellow, okabe_ito::kBlue};
constexpr Rgb processColour(std::uint32_t process) {
    return kProcesses[process % (sizeof(kProcesses) / sizeof(kProcesses[0]))];
}

/// Colour of cache level `level` (1-based; deeper levels share the last colour).
constexpr Rgb levelColour(unsigned level) {
    constexpr unsigned n = sizeof(palette::kLevels) / sizeof(palette::kLevels[0]);
    return palette::kLevels[level == 0 ? 0 : (level > n ? n - 1 : level - 1)];
}

}  // namespace cachescope::gui
