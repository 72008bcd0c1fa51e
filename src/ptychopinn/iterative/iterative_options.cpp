#include "ptychopinn/iterative/iterative_options.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "ptychopinn/util/spelling.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::iterative {
namespace {

constexpr const char* kWhere = "iterative";

void require(bool ok, const char* field, const std::string& value, const std::string& expected) {
  if (!ok)
    throw std::invalid_argument(std::string(kWhere) + ": " + field + " = " + value + "; expected " +
                                expected);
}

// The one table of spellings per enum (to_string), searched by parse.
template <class E>
E parse_enum(const char* field, const std::string& s, std::initializer_list<E> values) {
  std::vector<std::string> names;
  for (E v : values) {
    if (s == to_string(v)) return v;
    names.push_back(to_string(v));
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw std::invalid_argument(std::string(kWhere) + ": " + field + " = " + quoted(s) + "; expected one of " +
                              list + did_you_mean(s, names));
}

}  // namespace

std::string to_string(Algorithm a) {
  switch (a) {
    case Algorithm::kRpie:
      return "rpie";
    case Algorithm::kEpie:
      return "epie";
    case Algorithm::kLsqml:
      return "lsqml";
  }
  return "?";
}

Algorithm parse_algorithm(const std::string& s) {
  return parse_enum("algorithm", s, {Algorithm::kRpie, Algorithm::kEpie, Algorithm::kLsqml});
}

std::string to_string(NoiseModel m) { return m == NoiseModel::kPoisson ? "poisson" : "gaussian"; }

NoiseModel parse_noise_model(const std::string& s) {
  return parse_enum("noise_model", s, {NoiseModel::kGaussian, NoiseModel::kPoisson});
}

void IterativeOptions::validate() const {
  require(iterations >= 0, "iterations", std::to_string(iterations), "iterations >= 0");
  require(batch_size >= 0, "batch_size", std::to_string(batch_size),
          "batch_size >= 0 (0 = the algorithm's default)");
  require(std::isfinite(rpie_alpha) && rpie_alpha > 0 && rpie_alpha <= 1, "rpie_alpha",
          format_number(rpie_alpha), "0 < rpie_alpha <= 1");
  require(std::isfinite(rpie_beta) && rpie_beta > 0 && rpie_beta <= 1, "rpie_beta", format_number(rpie_beta),
          "0 < rpie_beta <= 1");
  require(std::isfinite(rpie_probe_step) && rpie_probe_step > 0 && rpie_probe_step <= 1, "rpie_probe_step",
          format_number(rpie_probe_step), "0 < rpie_probe_step <= 1");
  require(std::isfinite(lsqml_damping) && lsqml_damping >= 0, "lsqml_damping", format_number(lsqml_damping),
          "a finite lsqml_damping >= 0");
  require(std::isfinite(lsqml_step_regularisation) && lsqml_step_regularisation >= 0,
          "lsqml_step_regularisation", format_number(lsqml_step_regularisation),
          "a finite lsqml_step_regularisation >= 0");
  require(probe_refinement_start >= 0, "probe_refinement_start", std::to_string(probe_refinement_start),
          "probe_refinement_start >= 0");
  require(probe_modes >= 1, "probe_modes", std::to_string(probe_modes), "probe_modes >= 1");
  require(position_correction_start >= 0, "position_correction_start",
          std::to_string(position_correction_start), "position_correction_start >= 0");
  require(std::isfinite(position_max_step_px) && position_max_step_px > 0, "position_max_step_px",
          format_number(position_max_step_px), "a finite position_max_step_px > 0");
  require(device.is_cpu() || device.is_cuda(), "device", device.str(), "cpu or cuda");
  if (device.is_cuda()) {
    require(torch::cuda::is_available(), "device", device.str(),
            "a device this LibTorch can use (no CUDA device is available)");
  }
}

int64_t effective_batch_size(const IterativeOptions& options) {
  if (options.batch_size > 0) return options.batch_size;
  return options.algorithm == Algorithm::kLsqml ? kDefaultLsqmlBatch : 1;
}

}  // namespace ptychopinn::iterative
