#include "ptychopinn/bundle/archive_checks.h"

#include <cmath>
#include <sstream>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/config/enums.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::bundle {

std::string probe_problem(const torch::Tensor& probe, const config::TrainingConfig& config) {
  const int64_t n = config.model.N;
  const std::string expected = "; expected [" + std::to_string(n) + ", " + std::to_string(n) +
                               "] complex64 (N = " + std::to_string(n) + " from the config)";
  if (!probe.defined()) return "probe is not set" + expected;
  if (probe.sizes() != torch::IntArrayRef{n, n} || probe.scalar_type() != torch::kComplexFloat) {
    return "probe has shape " + format_shape(probe.sizes().vec()) + " and dtype " +
           std::string(c10::toString(probe.scalar_type())) + expected;
  }
  return "";
}

std::string manifest_config_problem(const Manifest& manifest, const config::TrainingConfig& config) {
  const std::string model_type = config::to_string(config.model.model_type);
  if (manifest.model_type != model_type) {
    return "manifest model_type = " + ptychopinn::quoted(manifest.model_type) + "; expected " +
           ptychopinn::quoted(model_type) + " (the config's model_type)";
  }
  const std::string architecture = config::to_string(config.model.architecture);
  if (manifest.architecture != architecture) {
    return "manifest architecture = " + ptychopinn::quoted(manifest.architecture) + "; expected " +
           ptychopinn::quoted(architecture) + " (the config's architecture)";
  }
  return "";
}

std::string intensity_scale_problem(double intensity_scale) {
  if (std::isfinite(intensity_scale) && intensity_scale > 0) return "";
  std::ostringstream shown;
  shown << intensity_scale;
  return "intensity_scale = " + shown.str() + "; expected a finite value > 0";
}

bool is_standard_member(const std::string& name) {
  for (const char* m :
       {kManifestMember, kConfigMember, kParamsMember, kProbeMember, kWeightsMember, kHistoryMember}) {
    if (name == m) return true;
  }
  return false;
}

}  // namespace ptychopinn::bundle
