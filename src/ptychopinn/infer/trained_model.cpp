#include "ptychopinn/infer/trained_model.h"

#include "ptychopinn/config/enums.h"

namespace ptychopinn::infer {

TrainedModel model_from_archive(bundle::ModelArchive archive, const std::string& source,
                                const torch::Device& device) {
  TrainedModel t;
  t.intensity_scale = archive.intensity_scale;
  auto options = model::PinnOptions::from(archive.config, archive.intensity_scale);
  // An archive that does not record its merge predates the choice: it was trained with the
  // reference's formula, whatever today's default.
  options.merge = archive.manifest.merge_denominator.empty()
                      ? config::MergeDenominator::kReference
                      : config::parse_merge_denominator(archive.manifest.merge_denominator);
  // The archive's probe is the normalised probe the model trained with: used as is.
  t.model = model::PinnModel(options, archive.probe);
  bundle::load_state(*t.model, archive.weights, source);
  t.model->to(device);
  t.model->eval();
  t.archive = std::move(archive);
  return t;
}

TrainedModel load_trained_model(const std::filesystem::path& path, const torch::Device& device) {
  const auto file = bundle::resolve_archive_path(path);
  return model_from_archive(bundle::load_archive(file), file.string(), device);
}

}  // namespace ptychopinn::infer
