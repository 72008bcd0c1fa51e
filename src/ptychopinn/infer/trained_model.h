#pragma once
// A trained model rebuilt from its archive alone (docs/model-archive.md): the configuration, the
// probe, the intensity scale and the weights, on the requested device, in evaluation mode.
#include <torch/torch.h>

#include <filesystem>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/model/pinn_model.h"

namespace ptychopinn::infer {

struct TrainedModel {
  bundle::ModelArchive archive;  // as loaded (the weights are also in the model)
  model::PinnModel model{nullptr};
  double intensity_scale = 0;  // the scale the model was trained with (params.json)
};

// path: a model archive (wts.h5.zip, or a checkpoint) or the output directory of a training run.
// Throws what bundle::load_archive throws (IoError naming the file and member).
TrainedModel load_trained_model(const std::filesystem::path& path, const torch::Device& device = torch::kCPU);

// The model of an archive already in memory.
TrainedModel model_from_archive(bundle::ModelArchive archive, const std::string& source,
                                const torch::Device& device = torch::kCPU);

}  // namespace ptychopinn::infer
