#pragma once
// `ptychopinn report`: one self-contained HTML page (pictures embedded as data URIs) with a
// training run's settings and curves and, when given, its reconstruction and evaluation.
#include <filesystem>
#include <optional>
#include <string>

namespace ptychopinn::report {

struct ReportInputs {
  std::filesystem::path run_dir;                      // training output: config.yaml, history.csv
  std::optional<std::filesystem::path> inference_dir;  // amplitude.png, phase.png, reconstruction.npz
  std::optional<std::filesystem::path> evaluation_dir;  // metrics.json, comparison.png, frc.png
};

// The page. Missing optional files are left out with a note; a run folder without history.csv
// throws IoError naming it.
std::string html_report(const ReportInputs& inputs);

// Standard base64 (RFC 4648) of bytes, for data URIs.
std::string base64(const std::string& bytes);

}  // namespace ptychopinn::report
