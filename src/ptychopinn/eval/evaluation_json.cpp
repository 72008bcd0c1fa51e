// Evaluation::to_json: the metrics.json layout of `ptychopinn evaluate` (docs/evaluation.md).
#include <cmath>

#include "ptychopinn/eval/evaluate.h"

namespace ptychopinn::eval {

namespace {

// JSON has no NaN or infinity: an undefined metric is written as null, explicitly rather than
// relying on the serialiser's fallback.
nlohmann::json number(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json channel_json(const ChannelMetrics& m) {
  return {{"mae", number(m.mae)},        {"mse", number(m.mse)},
          {"psnr", number(m.psnr)},      {"psnr_legacy", number(m.psnr_legacy)},
          {"ssim", number(m.ssim)},      {"ms_ssim", number(m.ms_ssim)},
          {"frc50", number(m.frc50)},    {"frc1over7", number(m.frc1over7)},
          {"pearson", number(m.pearson)}};
}

nlohmann::json curve_json(const std::vector<double>& curve) {
  auto out = nlohmann::json::array();
  for (const double v : curve) out.push_back(number(v));
  return out;
}

}  // namespace

nlohmann::json Evaluation::to_json() const {
  return {
      {"amplitude", channel_json(amplitude)},
      {"phase", channel_json(phase)},
      {"registration",
       {{"registered", registered}, {"dy_px", number(shift.dy_px)}, {"dx_px", number(shift.dx_px)}}},
      {"amplitude_scale", number(amplitude_scale)},
      {"region",
       {{"row0", window.row0}, {"col0", window.col0}, {"height", window.height}, {"width", window.width}}},
      {"frc_curves", {{"amplitude", curve_json(amplitude.frc)}, {"phase", curve_json(phase.frc)}}},
  };
}

}  // namespace ptychopinn::eval
