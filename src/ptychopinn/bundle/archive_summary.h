#pragma once
// A model archive described for people and scripts: what `ptychopinn inspect ARCHIVE --json`
// prints, and what the Python bindings return.
#include <nlohmann/json.hpp>
#include <string>

#include "ptychopinn/bundle/model_archive.h"

namespace ptychopinn::bundle {

// {"file", "format": "ptychopinn-model", "manifest": {...}, "trainable_parameters",
//  "intensity_scale", "probe": {"shape", "dtype"}, "weights": {"tensors", "elements"},
//  "history_rows" (data rows of history.csv), "extra_members": {name: bytes}, "config": {...}}
nlohmann::json summarize_archive(const ModelArchive& archive, const std::string& file);

}  // namespace ptychopinn::bundle
