#pragma once
// A whole evaluation, as `ptychopinn evaluate` runs it: a reconstruction file (reconstruction_file.h)
// compared with the ground-truth object of a dataset, or with a second reconstruction of the same
// object (the resolution without ground truth), and the evaluation folder (run_layout.h):
// metrics.json, comparison.png and frc.png.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/eval/evaluate.h"

namespace ptychopinn::workflow {

struct EvaluateRunRequest {
  std::string reconstruction;  // reconstruction.npz of a reconstruction run
  // Exactly one of: a dataset NPZ with the true object (objectGuess), or a second reconstruction.npz.
  std::optional<std::string> ground_truth;
  std::optional<std::string> reference;
  std::string output_dir = "evaluation";
  // Trim, phase alignment, smoothing and registration; the placement (origin, scanned window) is
  // filled from the files.
  eval::EvaluationOptions options;
};

struct EvaluateRunResult {
  eval::Evaluation evaluation;
  // metrics.json as written: the evaluation's JSON plus "resolution" (the half-periods in object
  // pixels where the FRC curves cross 1/2 and 1/7) and, against a reference, "compared_with".
  nlohmann::json metrics;
  std::vector<std::string> files;  // metrics.json first
};

// Throws std::invalid_argument when neither or both of ground_truth and reference are given or an
// option is out of range, IoError for a file that cannot be read (naming it and the key) or two
// reconstructions with no common area.
EvaluateRunResult evaluate_run(EvaluateRunRequest request);

}  // namespace ptychopinn::workflow
