#include "ptychopinn/model/pinn_model.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ptychopinn/physics/diffraction.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::model {

PinnOptions PinnOptions::from(const config::TrainingConfig& config, double intensity_scale) {
  PinnOptions o;
  o.net = nets::CnnOptions::from(config.model);
  o.canvas_size = config::canvas_size(config.model);
  o.probe_mask = config.model.probe_mask;
  o.gaussian_smoothing_sigma = config.model.gaussian_smoothing_sigma;
  o.merge = config.model.merge_denominator;
  o.intensity_scale = intensity_scale;
  o.intensity_scale_trainable = config.intensity_scale_trainable;
  o.probe_trainable = config.probe_trainable;
  return o;
}

PinnModelImpl::PinnModelImpl(const PinnOptions& options, const torch::Tensor& probe) : options_(options) {
  const int64_t n = options.net.N;
  if (!probe.defined() || probe.dim() != 2 || probe.size(0) != n || probe.size(1) != n) {
    throw std::invalid_argument("PinnModel: probe has shape " +
                                (probe.defined() ? c10::str(probe.sizes()) : std::string("undefined")) +
                                "; expected [" + std::to_string(n) + ", " + std::to_string(n) +
                                "] (N = " + std::to_string(n) + ")");
  }
  // Intensities are s²·X² in float32 (max 3.4e38): s beyond 1e15 overflows them (nphotons ~1e33).
  if (!(options.intensity_scale > 0) || !(options.intensity_scale <= 1e15)) {
    throw std::invalid_argument("PinnModel: intensity_scale = " + std::to_string(options.intensity_scale) +
                                "; expected a finite value in (0, 1e15] (is nphotons absurdly large?)");
  }
  if (options.canvas_size < n) {
    throw std::invalid_argument("PinnModel: canvas_size = " + std::to_string(options.canvas_size) +
                                "; expected >= N = " + std::to_string(n));
  }
  generator_ = register_module("generator", nets::CnnGenerator(options.net));

  auto log_scale = torch::full({}, std::log(options.intensity_scale), torch::kFloat32);
  log_scale_ = options.intensity_scale_trainable ? register_parameter("log_scale", log_scale)
                                                 : register_buffer("log_scale", log_scale);
  auto probe_real = torch::view_as_real(probe.detach().to(torch::kComplexFloat).contiguous()).clone();
  probe_real_ = options.probe_trainable ? register_parameter("probe", probe_real)
                                        : register_buffer("probe", probe_real);
}

void PinnModelImpl::set_overlap_weight(double weight) {
  if (!(weight >= 0 && weight <= 1)) {
    throw std::invalid_argument("PinnModel: overlap weight = " + std::to_string(weight) +
                                "; expected 0 <= w <= 1");
  }
  overlap_weight_ = weight;
}

torch::Tensor PinnModelImpl::intensity_scale() const { return torch::exp(log_scale_); }

torch::Tensor PinnModelImpl::probe() const { return torch::view_as_complex(probe_real_); }

torch::Tensor PinnModelImpl::generate(const torch::Tensor& patterns) {
  const auto dtype = probe_real_.scalar_type();
  // F1: the reference feeds s·X and divides by exp(w); the product is computed once here.
  const auto input_scale = options_.intensity_scale / intensity_scale();
  const auto out = generator_->forward(patterns.to(dtype) * input_scale);
  return torch::polar(out.amplitude, out.phase);  // F3
}

PinnOutput PinnModelImpl::forward(const torch::Tensor& patterns, const torch::Tensor& coords_relative) {
  const int64_t n = options_.net.N;
  const int64_t c = options_.net.channels_in();
  if (patterns.dim() != 4 || patterns.size(1) != c || patterns.size(2) != n || patterns.size(3) != n) {
    throw std::invalid_argument("PinnModel: patterns have shape " + c10::str(patterns.sizes()) +
                                "; expected [B, " + std::to_string(c) + ", " + std::to_string(n) + ", " +
                                std::to_string(n) + "] (C = gridsize^2, N)");
  }
  if (coords_relative.dim() != 3 || coords_relative.size(0) != patterns.size(0) ||
      coords_relative.size(1) != c || coords_relative.size(2) != 2) {
    throw std::invalid_argument("PinnModel: coords_relative have shape " + c10::str(coords_relative.sizes()) +
                                "; expected [" + std::to_string(patterns.size(0)) + ", " + std::to_string(c) +
                                ", 2]");
  }
  PinnOutput result;
  result.object = generate(patterns);
  const auto offsets = coords_relative.to(probe_real_.scalar_type());
  torch::Tensor canvas;
  if (options_.net.object_big) {
    canvas = physics::merge(result.object, offsets, options_.canvas_size, options_.merge, probe());  // F4
  } else {
    canvas = physics::pad_to(result.object.select(1, 0), options_.canvas_size);  // F4 without object_big
  }
  auto patches = physics::extract(canvas, offsets, n);  // F6
  if (options_.net.object_big && overlap_weight_ < 1) {
    patches = overlap_weight_ * patches + (1 - overlap_weight_) * result.object;
  }
  const auto psi =
      physics::illuminate(patches, probe(), options_.probe_mask, options_.gaussian_smoothing_sigma);
  result.amplitude = physics::far_field_amplitude(psi) * intensity_scale();  // F8-F9
  return result;
}

}  // namespace ptychopinn::model
