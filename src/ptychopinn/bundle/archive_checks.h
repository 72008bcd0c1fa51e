#pragma once
// The consistency rules of a model archive, shared by save_archive (which refuses to write an
// archive breaking them: std::invalid_argument) and load_archive (which refuses to return one:
// IoError naming the file). Each returns "" when the rule holds, else what is wrong.
#include <torch/torch.h>

#include <string>

#include "ptychopinn/bundle/manifest.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::bundle {

// The probe must be [N, N] complex64 with N = config.model.N.
std::string probe_problem(const torch::Tensor& probe, const config::TrainingConfig& config);

// The manifest's model_type and architecture must be the config's.
std::string manifest_config_problem(const Manifest& manifest, const config::TrainingConfig& config);

// The intensity scale must be finite and > 0.
std::string intensity_scale_problem(double intensity_scale);

// Whether `name` is one of the six standard members (manifest.json ... history.csv), which extra
// members may not be named.
bool is_standard_member(const std::string& name);

}  // namespace ptychopinn::bundle
