#pragma once
// `ptychopinn report`: one self-contained HTML page (pictures embedded as data URIs) with a
// training run's settings and curves and, when given, its reconstruction and evaluation, read from
// the run folders by their layout (run_layout.h).
#include <filesystem>
#include <optional>
#include <string>

namespace ptychopinn::workflow {

struct ReportInputs {
  std::filesystem::path run_dir;                        // training output: config.yaml, history.csv
  std::optional<std::filesystem::path> inference_dir;   // amplitude.png, phase.png, reconstruction.npz
  std::optional<std::filesystem::path> evaluation_dir;  // metrics.json, comparison.png, frc.png
};

// The page. Missing optional files are left out with a note; a run folder without history.csv
// throws IoError naming it.
std::string html_report(const ReportInputs& inputs);

// Writes the page atomically to output (default: <run_dir>/report.html); returns its path.
std::string report_run(const ReportInputs& inputs,
                       const std::optional<std::filesystem::path>& output = std::nullopt);

// Standard base64 (RFC 4648) of bytes, for data URIs.
std::string base64(const std::string& bytes);

}  // namespace ptychopinn::workflow
