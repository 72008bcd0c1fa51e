#pragma once
// The pictures of an evaluation: comparison.png (ground truth, reconstruction and their difference,
// amplitude and phase) and frc.png (the FRC curves with the 0.5 and 1/7 thresholds).
#include <string>

#include "ptychopinn/eval/evaluate.h"
#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::report {

render::RgbImage comparison_figure(const eval::Evaluation& evaluation);
render::RgbImage frc_figure(const eval::Evaluation& evaluation);

// Both files, atomically.
void write_evaluation_pictures(const std::string& comparison_png, const std::string& frc_png,
                               const eval::Evaluation& evaluation);

}  // namespace ptychopinn::report
