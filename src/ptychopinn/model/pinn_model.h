#pragma once
// The PINN: the generator network followed by the differentiable forward model (steps F1-F9
// below). One class serves both model types: a supervised model uses the same network
// (generate()) and ignores the physics (objective.h chooses the loss).
//
//   x_net  = X · s / exp(w)                      F1: the network sees X in normalised units
//   (A, Φ) = CNN(x_net)                           F2
//   O      = A·e^{iΦ}                              F3  [B, Cout, N, N]
//   canvas = Merge(O, r)  (object_big)            F4  [B, M, M]; else zero-pad O to M
//   ψ_c    = [M_disk ⊙] [G_σ *] (P ⊙ crop_N(T(canvas, +r_c)))                F6-F7
//   Â      = exp(w) · |fftshift(FFT_ortho(ψ))|   F8-F9  [B, C, N, N], counts scale (√counts)
// with s the dataset's intensity scale and w = log s, trainable when configured. The loss
// compares Â with s·X (objective.h), so the scale enters at the physics boundary only: the
// physical, statistical and display normalisations never mix.
#include <torch/torch.h>

#include "ptychopinn/config/training_config.h"
#include "ptychopinn/nets/cnn.h"
#include "ptychopinn/physics/canvas.h"

namespace ptychopinn::model {

struct PinnOptions {
  nets::CnnOptions net;
  // Overlap canvas side M (config::canvas_size).
  int canvas_size = 74;
  bool probe_mask = false;
  double gaussian_smoothing_sigma = 0.0;
  physics::MergeDenominator merge = physics::MergeDenominator::kProbeWeighted;
  // s, the initial value of exp(w).
  double intensity_scale = 1.0;
  bool intensity_scale_trainable = false;
  bool probe_trainable = false;

  // The options a training configuration asks for, with the dataset's intensity scale.
  static PinnOptions from(const config::TrainingConfig& config, double intensity_scale);
};

struct PinnOutput {
  torch::Tensor object;     // [B, Cout, N, N] complex: the generator's object patches (F3)
  torch::Tensor amplitude;  // [B, C, N, N] real: predicted diffraction amplitude, counts scale (F9)
};

class PinnModelImpl : public torch::nn::Module {
 public:
  // probe: [N, N] complex, already normalised (physics::normalize_probe). Throws
  // std::invalid_argument for a probe whose shape is not [N, N] or a non-positive scale.
  PinnModelImpl(const PinnOptions& options, const torch::Tensor& probe);

  // patterns: [B, C, N, N] normalised amplitudes X (data::Batch::patterns);
  // coords_relative: [B, C, 2] [x, y] px (data::Batch::coords_relative), any floating dtype.
  PinnOutput forward(const torch::Tensor& patterns, const torch::Tensor& coords_relative);

  // The generator alone (F1-F3): [B, Cout, N, N] complex object patches. Inference uses this.
  torch::Tensor generate(const torch::Tensor& patterns);

  // exp(w), the intensity scale in force (a scalar tensor; differentiable when trainable).
  torch::Tensor intensity_scale() const;
  // The probe in use, [N, N] complex64 (a view of the parameter or buffer).
  torch::Tensor probe() const;

  const PinnOptions& options() const { return options_; }
  nets::CnnGenerator& generator() { return generator_; }

  // How much of each member's view comes from the overlap canvas (1, the method) rather than from
  // the member's own patch (0), with object_big: the trainer raises it from 0 to 1 over the first
  // epochs, so that the network learns to invert each pattern before the views must agree.
  // Inference and a fresh model use 1. Throws std::invalid_argument outside [0, 1].
  void set_overlap_weight(double weight);
  double overlap_weight() const { return overlap_weight_; }

 private:
  PinnOptions options_;
  nets::CnnGenerator generator_{nullptr};
  torch::Tensor log_scale_;   // [] float32, parameter or buffer "log_scale"
  torch::Tensor probe_real_;  // [N, N, 2] float32, parameter or buffer "probe" (Adam steps real tensors)
  double overlap_weight_ = 1.0;
};
TORCH_MODULE(PinnModel);

}  // namespace ptychopinn::model
