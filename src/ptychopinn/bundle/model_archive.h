#pragma once
// The model archive, `<output_dir>/wts.h5.zip` (docs/model-archive.md): a
// zip holding everything needed to rebuild a trained model and predict with it, without the
// training data:
//
//   manifest.json   format name and version, backend "libtorch", software version, creation time,
//                   model type, architecture, merge denominator, trainable parameter count
//   config.json     the typed TrainingConfig (config/json_io.h), the authority for rebuilding
//   params.json     the legacy params dictionary derived from it (config/legacy_params.h), with the
//                   trained intensity_scale: what Python tooling that reads params.cfg expects
//   probe.npy       [N, N] complex64, the probe the model was trained with
//   weights.npz     every parameter and buffer, "<name>.npy" per tensor, bit-exact
//   history.csv     the training curves (may be empty)
//   <other>         opaque extra members (e.g. "optimizer.pt" in checkpoints)
//
// Everything but the extra members is readable with Python's zipfile + NumPy + json. The name
// `wts.h5.zip` is the one ptychodus and the Python PtychoPINN look for; the content is ours, and
// the archives the Python PtychoPINN writes (TensorFlow or PyTorch backend) are recognised and
// refused with a message saying so.
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>

#include "ptychopinn/bundle/manifest.h"
#include "ptychopinn/bundle/module_state.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::bundle {

// The archive's file name in an output directory.
inline constexpr const char* kArchiveFileName = "wts.h5.zip";

// Member names.
inline constexpr const char* kManifestMember = "manifest.json";
inline constexpr const char* kConfigMember = "config.json";
inline constexpr const char* kParamsMember = "params.json";
inline constexpr const char* kProbeMember = "probe.npy";
inline constexpr const char* kWeightsMember = "weights.npz";
inline constexpr const char* kHistoryMember = "history.csv";

struct ModelArchive {
  Manifest manifest;
  // The typed config (config.json); params.json is derived from it with intensity_scale.
  config::TrainingConfig config;
  // The intensity scale in force after training (> 0, finite).
  double intensity_scale = 0;
  // [N, N] complex64 with N = config.model.N (probe.npy).
  torch::Tensor probe;
  // Parameters and buffers, named as named_parameters()/named_buffers() name them (state_of()).
  NamedTensors weights;
  // The training curves as CSV text (history.csv); may be empty.
  std::string history_csv;
  // Opaque members by name, e.g. "optimizer.pt"; names must not be one of the members above.
  std::map<std::string, std::string> extra_members;
};

// Writes `archive` to `path` atomically: the archive is built in memory, written to a temporary
// file beside `path` and renamed over it, so `path` holds the previous archive or the new one,
// never a partial file. Fills manifest.software_version and created_utc when empty and
// manifest.model_type from the config when empty.
// Throws, before touching the file system:
//   std::invalid_argument  a manifest that does not describe this format or disagrees with the
//                          config (model_type, architecture), an unknown merge_denominator, an
//                          invalid config, intensity_scale not finite and > 0, a probe that is not
//                          [N, N] complex64, an extra member named like a standard one or with a
//                          bad name, a weight name that cannot be a member name;
//   NumericalError         a NaN or infinite value in the probe or a weight;
// and IoError naming `path` when it cannot be written.
void save_archive(const std::filesystem::path& path, const ModelArchive& archive);

// Reads a model archive; `path` may also be a directory holding wts.h5.zip. Checks everything
// save_archive guarantees. Throws IoError naming the file and, where one is at fault, the member:
//   an archive written by the TensorFlow or PyTorch backend of the Python PtychoPINN ("was written
//   by the TensorFlow backend ... cannot load it"); a missing, empty, truncated or corrupt file; a
//   zip without manifest.json; an unknown format, a format_version newer than kFormatVersion, a
//   backend other than libtorch; a missing required member; invalid JSON or config; a manifest that
//   disagrees with the config; a missing or bad intensity_scale in params.json; a probe of the
//   wrong shape or dtype; a NaN or infinite value in the probe or a weight.
// Every member other than the six above is returned in extra_members.
ModelArchive load_archive(const std::filesystem::path& path);

// Whether `path` (or `path`/wts.h5.zip when it is a directory) is a zip holding manifest.json or
// the layout of a Python PtychoPINN archive: the archives load_archive accepts or explains.
// Never throws IoError; false for anything unreadable.
bool looks_like_archive(const std::filesystem::path& path);

// `path`, or `path`/wts.h5.zip when `path` is a directory.
std::filesystem::path resolve_archive_path(const std::filesystem::path& path);

}  // namespace ptychopinn::bundle
