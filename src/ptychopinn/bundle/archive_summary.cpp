#include "ptychopinn/bundle/archive_summary.h"

#include <algorithm>

#include "ptychopinn/config/json_io.h"

namespace ptychopinn::bundle {
namespace {

// Lines after the header, ignoring a missing final newline and blank lines.
int64_t csv_data_rows(const std::string& csv) {
  int64_t lines = 0;
  std::size_t start = 0;
  while (start < csv.size()) {
    std::size_t end = csv.find('\n', start);
    if (end == std::string::npos) end = csv.size();
    if (csv.find_first_not_of(" \r\t", start) < end) ++lines;
    start = end + 1;
  }
  return std::max<int64_t>(lines - 1, 0);
}

}  // namespace

nlohmann::json summarize_archive(const ModelArchive& archive, const std::string& file) {
  int64_t elements = 0;
  for (const auto& [name, tensor] : archive.weights) elements += tensor.numel();
  nlohmann::json extra = nlohmann::json::object();
  for (const auto& [name, bytes] : archive.extra_members) extra[name] = bytes.size();
  return {{"file", file},
          {"format", archive.manifest.format},
          {"manifest", archive.manifest.to_json()},
          {"trainable_parameters", archive.manifest.trainable_parameters},
          {"intensity_scale", archive.intensity_scale},
          {"probe", {{"shape", archive.probe.sizes().vec()}, {"dtype", "complex64"}}},
          {"weights", {{"tensors", archive.weights.size()}, {"elements", elements}}},
          {"history_rows", csv_data_rows(archive.history_csv)},
          {"extra_members", extra},
          {"config", config::to_json(archive.config)}};
}

}  // namespace ptychopinn::bundle
