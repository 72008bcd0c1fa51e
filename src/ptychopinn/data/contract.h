#pragma once
// The dataset contract check: which keys a
// dataset NPZ holds or lacks, whether their shapes and dtypes agree, whether the values are finite,
// and whether the diffraction looks like amplitude (sqrt of counts, as the contract says) or like
// intensity. `ptychopinn inspect` prints it; the dataset loader reuses it.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptychopinn/io/npz.h"

namespace ptychopinn::data {

enum class Severity { kInfo, kWarning, kError };
std::string to_string(Severity s);

struct ContractFinding {
  Severity severity = Severity::kInfo;
  std::string key;      // the member it concerns ("" for the file as a whole)
  std::string message;  // complete sentence naming what was expected and what was found
};

// The amplitude-vs-intensity heuristics: amplitudes are non-negative floats,
// rarely all whole numbers, with a modest peak-to-mean ratio; intensities (counts) are often
// integers and much peakier (the ratio is roughly squared).
struct AmplitudeCheck {
  bool checked = false;
  double min = 0, max = 0, mean = 0;
  double max_over_mean = 0;
  bool all_integral = false;
  bool looks_like_intensity = false;
  std::vector<std::string> reasons;  // why it looks like intensity (empty when it does not)
};

struct ContractReport {
  std::string path;
  bool is_dataset = false;                    // has a diffraction key or scan coordinates
  std::string diffraction_key;                // "diff3d" or "diffraction" ("" when absent)
  bool legacy_layout = false;                 // diffraction stored (N, N, M)
  std::int64_t n_images = 0;                  // M, number of scan positions
  std::int64_t pattern_size = 0;              // N
  std::vector<std::string> present_keys;      // contract keys found
  std::vector<std::string> missing_required;  // required contract keys absent
  std::vector<std::string> missing_optional;  // optional contract keys absent
  std::vector<std::string> ignored_keys;      // members the contract does not know
  AmplitudeCheck amplitude;
  std::vector<ContractFinding> findings;

  int count(Severity s) const;
  bool ok() const { return count(Severity::kError) == 0; }
  nlohmann::json to_json() const;
};

struct ContractOptions {
  // Treat "looks like intensity" as an error rather than a warning (--strict).
  bool strict = false;
};

// Checks `archive` against the dataset contract. Reads every contract member (memory-mapped when
// the archive is stored). Never throws for a contract violation: violations are findings. Throws
// IoError only when a member cannot be read at all.
ContractReport check_dataset_contract(const io::NpzReader& archive, const ContractOptions& options = {});

}  // namespace ptychopinn::data
