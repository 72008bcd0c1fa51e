#include "ptychopinn/train/collapse_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ptychopinn::train {

CollapseMeasures measure_collapse(model::PinnModelImpl& model, const data::Batch& batch,
                                  double intensity_scale) {
  torch::NoGradGuard no_grad;
  const auto out = model.forward(batch.patterns, batch.coords_relative);
  CollapseMeasures m;

  const auto intensity = model.probe().detach().abs().square().to(torch::kFloat64);
  const auto lit = (intensity >= 0.1 * intensity.max()).to(torch::kFloat64);  // [N, N]
  const double count = lit.sum().item<double>();
  if (count >= 2) {
    const auto object = out.object.detach().to(torch::kComplexDouble);  // [B, C, N, N]
    const auto amplitude = torch::abs(object);
    const auto mean = (amplitude * lit).sum({-2, -1}) / count;
    const auto variance =
        ((amplitude - mean.unsqueeze(-1).unsqueeze(-1)).square() * lit).sum({-2, -1}) / count;
    m.amplitude_spread = (variance.sqrt() / mean.clamp_min(1e-12)).mean().item<double>();
    // Phase about its circular mean: the angle of each pixel's unit phasor against the mean one.
    const auto unit = object / amplitude.clamp_min(1e-12);
    const auto centre = (unit * lit).sum({-2, -1});
    const auto relative = torch::angle(unit * torch::conj(centre).unsqueeze(-1).unsqueeze(-1));
    m.phase_spread = ((relative.square() * lit).sum({-2, -1}) / count).sqrt().mean().item<double>();
  }

  const auto predicted = out.amplitude.detach().to(torch::kFloat64);
  const auto measured = batch.patterns.to(predicted.device(), torch::kFloat64) * intensity_scale;
  if (predicted.size(0) * predicted.size(1) >= 2) {
    const auto p = predicted.flatten(0, 1), q = measured.flatten(0, 1);  // [B·C, N, N]
    const auto pc = p - p.mean(0, true), qc = q - q.mean(0, true);
    const double norm = (pc.norm() * qc.norm()).item<double>();
    const double r = norm > 0 ? (pc * qc).sum().item<double>() / norm : 0.0;
    m.pattern_correlation = std::isfinite(r) ? r : 0.0;
  }
  return m;
}

bool looks_collapsed(const CollapseMeasures& m) {
  return m.amplitude_spread < kFlatSpread && m.phase_spread < kFlatSpread &&
         m.pattern_correlation < kIgnoredPatternsCorrelation;
}

bool ignores_patterns(const std::vector<double>& correlations) {
  if (correlations.size() < static_cast<size_t>(kIgnoredPatternsFromEpoch)) return false;
  return std::all_of(correlations.end() - kIgnoredPatternsEpochs, correlations.end(),
                     [](double r) { return r < kIgnoredPatternsCorrelation; });
}

std::string collapse_warning(const CollapseMeasures& m, int epoch) {
  char text[900];
  if (!looks_collapsed(m)) {
    std::snprintf(text, sizeof text,
                  "the network's output does not follow the patterns at epoch %d: the correlation of its "
                  "predicted patterns with the measured ones has stayed below %.2g for %d epochs (now %.2g; "
                  "amplitude spread %.2g, phase spread %.2g rad), so the object it draws is the same texture "
                  "whatever it is shown and reconstructs nothing. At gridsize >= 3 try a longer "
                  "--overlap_warmup_epochs (for example 8) or gridsize 2; otherwise a lower --learning_rate. "
                  "Check too that the probe matches the patterns (the default probe refinement, or --probe "
                  "from an iterative reconstruction).",
                  epoch, kIgnoredPatternsCorrelation, kIgnoredPatternsEpochs, m.pattern_correlation,
                  m.amplitude_spread, m.phase_spread);
    return text;
  }
  std::snprintf(text, sizeof text,
                "the network's output has collapsed to a flat object at epoch %d (amplitude spread %.2g, "
                "phase spread %.2g rad, correlation of its predicted patterns with the measured ones %.2g): "
                "whatever the loss says, this model reconstructs nothing. Try a lower --learning_rate "
                "(for example a tenth) and the default --merge_denominator probe_weighted. A flat amplitude "
                "at the sigmoid's ceiling means the patterns ask for more light than |O| <= 1 lets the probe "
                "give: --amp_activation softplus lifts the ceiling. Check too that the dataset's probe and "
                "intensity scale match the patterns (ptychopinn inspect).",
                epoch, m.amplitude_spread, m.phase_spread, m.pattern_correlation);
  return text;
}

}  // namespace ptychopinn::train
