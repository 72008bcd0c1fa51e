#pragma once
// The pictures of an evaluation: comparison.png (ground truth, reconstruction and their difference,
// amplitude and phase) and frc.png (the FRC curves with the 0.5 and 1/7 thresholds).
#include <string>

#include "ptychopinn/eval/evaluate.h"
#include "ptychopinn/render/rgb_image.h"

namespace ptychopinn::report {

// reference_label names the image the reconstruction is compared with ("ground truth", or e.g.
// "reference" for a second reconstruction); the difference panels then read "|difference|".
render::RgbImage comparison_figure(const eval::Evaluation& evaluation,
                                   const std::string& reference_label = "ground truth");
render::RgbImage frc_figure(const eval::Evaluation& evaluation);

// Both files, atomically.
void write_evaluation_pictures(const std::string& comparison_png, const std::string& frc_png,
                               const eval::Evaluation& evaluation,
                               const std::string& reference_label = "ground truth");

}  // namespace ptychopinn::report
