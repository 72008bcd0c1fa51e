#pragma once
// Colour maps for pictures: viridis (perceptually uniform, for amplitudes and errors), a cyclic
// map of constant lightness (for phases: −π and π look the same), and grey.
#include <string>
#include <vector>

#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::render {

enum class Colormap { kViridis, kCyclic, kGrey };

// The cyclic map's circle in CIE L*a*b*: lightness 70 and chroma 36 keep every hue inside sRGB.
inline constexpr double kCyclicLightness = 70.0;
inline constexpr double kCyclicChroma = 36.0;

std::string to_string(Colormap map);               // viridis cyclic grey
Colormap parse_colormap(const std::string& text);  // throws invalid_argument naming the choices

// The colour of t in [0, 1] (clamped; the cyclic map wraps instead); NaN is grey.
Rgb colour_at(Colormap map, double t);

// values: height x width, row-major; vmin maps to 0 and vmax to 1.
RgbImage apply_colormap(const std::vector<double>& values, int width, int height, double vmin, double vmax,
                        Colormap map);

}  // namespace ptychopinn::render
