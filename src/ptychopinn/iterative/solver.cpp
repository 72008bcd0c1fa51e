#include "ptychopinn/iterative/solver.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ptychopinn/data/random.h"
#include "ptychopinn/iterative/fourier_constraint.h"
#include "ptychopinn/iterative/lsqml.h"
#include "ptychopinn/iterative/probe_modes.h"
#include "ptychopinn/iterative/reconstruction_state.h"
#include "ptychopinn/iterative/rpie.h"

namespace ptychopinn::iterative {
namespace {

using torch::indexing::Slice;

// Patterns per pass when the whole scan is visited outside the algorithms (probe scaling, the
// final illumination): bounds the memory of those passes.
constexpr int64_t kPassChunk = 64;

double probe_power(const torch::Tensor& probe) {
  return torch::view_as_real(probe).square().sum(torch::kDouble).item<double>();
}

std::vector<int64_t> range(int64_t begin, int64_t end) {
  std::vector<int64_t> v(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) v[static_cast<size_t>(i - begin)] = i;
  return v;
}

class Engine {
 public:
  Engine(const IterativeProblem& problem, const IterativeOptions& options)
      : options_(options), n_(problem.amplitudes.size(1)), far_field_(n_) {
    const torch::Device device = options.device;
    m_ = problem.amplitudes.size(0);
    grid_ = problem.grid ? *problem.grid : covering_grid(problem.positions_px, n_);
    amplitudes_ = to_fft_order(problem.amplitudes.to(device, torch::kFloat)).contiguous();
    if (problem.bad_pixels.defined()) {
      valid_ = to_fft_order(problem.bad_pixels.to(device).eq(0).to(torch::kFloat)).contiguous();
    }
    torch::Tensor energy = amplitudes_.square();
    if (valid_.defined()) energy = energy * valid_;
    data_energy_ = energy.sum(torch::kDouble).item<double>();

    const torch::Tensor pos = problem.positions_px.to(torch::kCPU, torch::kDouble).contiguous();
    for (int64_t i = 0; i < m_; ++i) {
      state_.x.push_back(pos[i][0].item<double>() - grid_.x_origin);
      state_.y.push_back(pos[i][1].item<double>() - grid_.y_origin);
    }
    x_start_ = state_.x;
    y_start_ = state_.y;

    const auto complex_options = torch::TensorOptions().dtype(torch::kComplexFloat).device(device);
    state_.object = torch::zeros({grid_.height + 1, grid_.width + 1}, complex_options);
    state_.object.index({Slice(0, grid_.height), Slice(0, grid_.width)})
        .copy_(problem.object.defined() ? problem.object.to(device, torch::kComplexFloat)
                                        : torch::ones({grid_.height, grid_.width}, complex_options));
    state_.probe = probe_with_modes(problem.probe.to(device, torch::kComplexFloat), options.probe_modes,
                                    kExtraModePowerFraction)
                       .contiguous()
                       .clone();  // never an alias of the caller's probe: it is updated in place
    scale_probe_to_data();
  }

  // Σ_valid (|Fψ| − A)² / Σ_valid A² of the current state over every pattern, with no update.
  double fourier_error() const {
    double sum = 0.0;
    for (int64_t begin = 0; begin < m_; begin += kPassChunk) {
      const std::vector<int64_t> indices = range(begin, std::min(m_, begin + kPassChunk));
      const Batch batch = batch_of(indices);
      torch::Tensor residual =
          (model_amplitude(far_field_,
                           exit_waves(state_.probe, extract_patches(state_.object, batch.windows))) -
           batch.amplitudes)
              .square();
      if (valid_.defined()) residual = residual * valid_;
      sum += residual.sum(torch::kDouble).item<double>();
    }
    return data_energy_ > 0 ? sum / data_energy_ : 0.0;
  }

  IterativeResult run(const IterationCallbacks& callbacks) {
    IterativeResult result;
    const int64_t batch_size = std::min(effective_batch_size(options_), m_);
    for (int64_t it = 0; it < options_.iterations; ++it) {
      const auto start = std::chrono::steady_clock::now();
      Refine refine;
      refine.probe = options_.probe_refinement && it >= options_.probe_refinement_start;
      refine.positions = options_.position_correction && it >= options_.position_correction_start;
      data::Random rng(data::Random::derive(options_.seed, static_cast<uint64_t>(it)));
      const std::vector<int64_t> order = rng.permutation(m_);
      double error_sum = 0.0;
      for (int64_t begin = 0; begin < m_; begin += batch_size) {
        if (callbacks.cancel_requested && callbacks.cancel_requested()) {
          result.termination = Termination::kCancelled;
          return finish(std::move(result));
        }
        const std::vector<int64_t> indices(order.begin() + begin,
                                           order.begin() + std::min(m_, begin + batch_size));
        error_sum += update(indices, refine);
      }
      end_iteration(refine);
      IterationReport report;
      report.iteration = it;
      report.iterations = options_.iterations;
      report.fourier_error = data_energy_ > 0 ? error_sum / data_energy_ : 0.0;
      report.mode_powers = mode_power_fractions(state_.probe);
      report.position_rms_change_px = position_rms_change();
      report.probe_refined = refine.probe;
      report.positions_refined = refine.positions;
      report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      result.history.push_back(report);
      if (callbacks.on_iteration && callbacks.on_iteration(report) == IterationAction::kStop) {
        result.termination = Termination::kStopped;
        break;
      }
    }
    return finish(std::move(result));
  }

 private:
  Batch batch_of(const std::vector<int64_t>& indices) const {
    Batch batch;
    batch.windows = patch_windows(state_.x, state_.y, indices, n_);
    const torch::Tensor idx = torch::from_blob(const_cast<int64_t*>(indices.data()),
                                               {static_cast<int64_t>(indices.size())}, torch::kLong)
                                  .to(amplitudes_.device());
    batch.amplitudes = amplitudes_.index_select(0, idx);
    batch.valid = valid_;
    return batch;
  }

  double update(const std::vector<int64_t>& indices, const Refine& refine) {
    const Batch batch = batch_of(indices);
    BatchOutcome outcome;
    if (options_.algorithm == Algorithm::kLsqml) {
      LsqmlParameters p;
      p.noise_model = options_.noise_model;
      p.damping = options_.lsqml_damping;
      p.step_regularisation = options_.lsqml_step_regularisation;
      outcome = lsqml_update(state_, batch, far_field_, p, refine);
    } else {
      RpieParameters p;
      const bool epie = options_.algorithm == Algorithm::kEpie;
      p.alpha = epie ? 1.0 : options_.rpie_alpha;
      p.beta = epie ? 1.0 : options_.rpie_beta;
      p.probe_step = options_.rpie_probe_step;
      outcome = rpie_update(state_, batch, far_field_, p, refine);
    }
    if (outcome.position_steps.defined()) move_positions(indices, outcome.position_steps);
    return outcome.error_sum;
  }

  void move_positions(const std::vector<int64_t>& indices, const torch::Tensor& steps) {
    const auto s = steps.accessor<double, 2>();
    const double limit = options_.position_max_step_px;
    for (size_t k = 0; k < indices.size(); ++k) {
      const auto i = static_cast<size_t>(indices[k]);
      const auto kk = static_cast<int64_t>(k);
      if (!std::isfinite(s[kk][0]) || !std::isfinite(s[kk][1])) continue;
      state_.x[i] += std::clamp(s[kk][0], -limit, limit);
      state_.y[i] += std::clamp(s[kk][1], -limit, limit);
    }
    clamp_positions();
  }

  // Keeps every window on the grid: x − N/2 in [0, width − N] (canvas pixels).
  void clamp_positions() {
    const double half = static_cast<double>(n_ / 2);
    for (size_t i = 0; i < state_.x.size(); ++i) {
      state_.x[i] = std::clamp(state_.x[i], half, static_cast<double>(grid_.width - n_) + half);
      state_.y[i] = std::clamp(state_.y[i], half, static_cast<double>(grid_.height - n_) + half);
    }
  }

  void end_iteration(const Refine& refine) {
    if (refine.positions) {
      // A common shift of every position is the object's own translation: hold it at zero.
      double dx = 0, dy = 0;
      for (size_t i = 0; i < state_.x.size(); ++i) {
        dx += state_.x[i] - x_start_[i];
        dy += state_.y[i] - y_start_[i];
      }
      dx /= static_cast<double>(m_);
      dy /= static_cast<double>(m_);
      for (size_t i = 0; i < state_.x.size(); ++i) {
        state_.x[i] -= dx;
        state_.y[i] -= dy;
      }
      clamp_positions();
    }
    if (refine.probe) {
      if (state_.probe.size(0) > 1) state_.probe = orthogonalize_modes(state_.probe).contiguous();
      // The gauge: P ← cP, O ← O / c, every P·O unchanged, the probe power back at its start.
      const double c = std::sqrt(probe_power_ / std::max(probe_power(state_.probe), 1e-300));
      state_.probe.mul_(c);
      state_.object.div_(c);
    }
  }

  double position_rms_change() const {
    double sum = 0;
    for (size_t i = 0; i < state_.x.size(); ++i) {
      sum += std::pow(state_.x[i] - x_start_[i], 2) + std::pow(state_.y[i] - y_start_[i], 2);
    }
    return std::sqrt(sum / static_cast<double>(m_));
  }

  // Rescales the probe so that the predicted energy over the valid pixels, with the starting
  // object, matches the data's.
  void scale_probe_to_data() {
    double predicted = 0.0;
    for (int64_t begin = 0; begin < m_; begin += kPassChunk) {
      const PatchWindows w =
          patch_windows(state_.x, state_.y, range(begin, std::min(m_, begin + kPassChunk)), n_);
      torch::Tensor power =
          model_amplitude(far_field_, exit_waves(state_.probe, extract_patches(state_.object, w))).square();
      if (valid_.defined()) power = power * valid_;
      predicted += power.sum(torch::kDouble).item<double>();
    }
    scale_ = predicted > 0 && data_energy_ > 0 ? std::sqrt(data_energy_ / predicted) : 1.0;
    state_.probe.mul_(scale_);
    probe_power_ = probe_power(state_.probe);
  }

  IterativeResult finish(IterativeResult result) const {
    const torch::Tensor power = torch::view_as_real(state_.probe).square().sum(std::vector<int64_t>{0, -1});
    torch::Tensor illumination = torch::zeros({grid_.height + 1, grid_.width + 1}, power.options());
    for (int64_t begin = 0; begin < m_; begin += kPassChunk) {
      const PatchWindows w =
          patch_windows(state_.x, state_.y, range(begin, std::min(m_, begin + kPassChunk)), n_);
      add_patches(illumination, power.unsqueeze(0), w);
    }
    const auto crop = [&](const torch::Tensor& t) {
      return t.index({Slice(0, grid_.height), Slice(0, grid_.width)}).to(torch::kCPU).contiguous();
    };
    result.object = crop(state_.object);
    result.illumination = crop(illumination);
    result.grid = grid_;
    result.probe = state_.probe.to(torch::kCPU).contiguous();
    result.positions_px = torch::empty({m_, 2}, torch::kDouble);
    auto acc = result.positions_px.accessor<double, 2>();
    for (int64_t i = 0; i < m_; ++i) {
      acc[i][0] = state_.x[static_cast<size_t>(i)] + grid_.x_origin;
      acc[i][1] = state_.y[static_cast<size_t>(i)] + grid_.y_origin;
    }
    result.probe_scale = scale_;
    return result;
  }

  const IterativeOptions& options_;
  int64_t n_ = 0;
  FarField far_field_;
  int64_t m_ = 0;
  infer::StitchGrid grid_;
  torch::Tensor amplitudes_;  // [M, N, N] float32, FFT order, on the device
  torch::Tensor valid_;       // [N, N] float32, FFT order, or undefined
  double data_energy_ = 0.0;  // Σ_valid A² over every pattern
  double probe_power_ = 0.0;  // Σ_k ‖P_k‖² held by the gauge
  double scale_ = 1.0;
  ReconstructionState state_;
  std::vector<double> x_start_, y_start_;
};

}  // namespace

std::string to_string(Termination t) {
  switch (t) {
    case Termination::kCompleted:
      return "completed";
    case Termination::kStopped:
      return "stopped";
    case Termination::kCancelled:
      return "cancelled";
  }
  return "?";
}

IterativeResult reconstruct(const IterativeProblem& problem, const IterativeOptions& options,
                            const IterationCallbacks& callbacks) {
  options.validate();
  validate_problem(problem);
  torch::NoGradGuard no_grad;
  Engine engine(problem, options);
  return engine.run(callbacks);
}

double starting_fourier_error(const IterativeProblem& problem, const IterativeOptions& options) {
  options.validate();
  validate_problem(problem);
  torch::NoGradGuard no_grad;
  return Engine(problem, options).fourier_error();
}

}  // namespace ptychopinn::iterative
