#pragma once
// manifest.json, the first member of a model archive: what wrote it and how to read the rest
// (docs/model-archive.md).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ptychopinn::bundle {

// The `format` of every archive this program writes.
inline constexpr const char* kFormatName = "ptychopinn-model";
// The newest `format_version` this program reads and the one it writes. Bump it when a reader of
// the previous version would misread a new archive (a member changes meaning, a required member or
// manifest key is added); older readers then refuse the archive with a clear message instead.
inline constexpr int kFormatVersion = 1;
// The `backend` of every archive this program writes.
inline constexpr const char* kBackend = "libtorch";

struct Manifest {
  std::string format = kFormatName;
  int format_version = kFormatVersion;
  std::string backend = kBackend;
  // ptychopinn version that wrote the archive (util/version.h kVersion); save_archive fills it
  // when empty.
  std::string software_version;
  // Creation time, ISO 8601 UTC ("2025-01-31T12:00:00Z"); save_archive fills it when empty.
  std::string created_utc;
  // "pinn" | "supervised" (config::ModelType spelling); must match config.json. save_archive fills
  // it from the config when empty.
  std::string model_type;
  // config::Architecture spelling ("cnn"); must match config.json.
  std::string architecture = "cnn";
  // The overlap-merge denominator in force (physics/canvas.h), config::MergeDenominator
  // spelling: "reference" | "co_masked". Required: the trainer must say which it used.
  std::string merge_denominator;
  // Trainable parameters of the model (informational; `ptychopinn inspect` shows it).
  int64_t trainable_parameters = 0;

  // Every field, under its own name.
  nlohmann::json to_json() const;
  // Reads every field; keys this version does not know are ignored (informational additions
  // do not bump the format version). Throws IoError "<source>: <key> = <value>; expected ..." for
  // a missing key, a wrong JSON type, a `format` other than kFormatName, a `format_version` newer
  // than kFormatVersion (saying to update ptychopinn) or below 1, a `backend` other than kBackend,
  // or model_type / architecture / merge_denominator spellings this program does not know.
  static Manifest from_json(const nlohmann::json& j, const std::string& source);
};

// The current time as ISO 8601 UTC with second resolution, e.g. "2025-01-31T12:00:00Z".
std::string utc_now_iso8601();

}  // namespace ptychopinn::bundle
