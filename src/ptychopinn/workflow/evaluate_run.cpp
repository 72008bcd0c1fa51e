#include "ptychopinn/workflow/evaluate_run.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/report/evaluation_pictures.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/workflow/reconstruction_file.h"
#include "ptychopinn/workflow/run_layout.h"

namespace ptychopinn::workflow {
namespace {

namespace fs = std::filesystem;

// Half-period resolution, in object pixels, where an FRC curve computed on n x n pixels crosses a
// threshold at `ring` (cycles per n pixels); null when it never crosses or crosses at ring 0.
nlohmann::json half_period_px(double n, double ring, std::size_t rings) {
  if (!(ring > 0) || ring >= static_cast<double>(rings)) return nullptr;
  return n / (2.0 * ring);
}

nlohmann::json resolution_json(const eval::Evaluation& e) {
  const double n = static_cast<double>(std::min(e.amplitude_truth.size(0), e.amplitude_truth.size(1)));
  nlohmann::json r = {{"frc_size_px", n}};
  for (const auto& [name, m] :
       {std::pair<const char*, const eval::ChannelMetrics*>{"amplitude", &e.amplitude},
        {"phase", &e.phase}}) {
    r[name] = {{"frc50_half_period_px", half_period_px(n, m->frc50, m->frc.size())},
               {"frc1over7_half_period_px", half_period_px(n, m->frc1over7, m->frc.size())}};
  }
  return r;
}

}  // namespace

EvaluateRunResult evaluate_run(EvaluateRunRequest request) {
  if (request.ground_truth.has_value() == request.reference.has_value()) {
    throw std::invalid_argument(
        "evaluate: give either a ground truth (a dataset with objectGuess) or a reference (a second "
        "reconstruction.npz), not " +
        std::string(request.ground_truth ? "both" : "neither"));
  }
  eval::EvaluationOptions& options = request.options;
  const auto recon = read_reconstruction_file(request.reconstruction);
  torch::Tensor truth;
  if (request.ground_truth) {
    options.alignment.origin = recon.origin;
    options.alignment.scanned = recon.scanned;
    truth = read_complex_image(*request.ground_truth, "objectGuess");
  } else {
    // The reference's grid: its pixel [0, 0] is at its origin, so every object-pixel coordinate
    // moves by minus that origin; the compared area is where both scans reached.
    const auto other = read_reconstruction_file(*request.reference);
    truth = other.object;
    options.alignment.origin =
        eval::ImageOrigin{recon.origin.x_px - other.origin.x_px, recon.origin.y_px - other.origin.y_px};
    if (recon.scanned && other.scanned) {
      auto common = eval::intersect(*recon.scanned, *other.scanned);
      common.row0 -= static_cast<int64_t>(std::floor(other.origin.y_px));
      common.col0 -= static_cast<int64_t>(std::floor(other.origin.x_px));
      if (common.empty()) {
        throw_io_error(*request.reference,
                       "covers no part of the area " + request.reconstruction + " covers");
      }
      options.alignment.scanned = common;
    }
  }

  EvaluateRunResult result;
  result.evaluation = eval::evaluate(recon.object, truth, options);
  result.metrics = result.evaluation.to_json();
  result.metrics["resolution"] = resolution_json(result.evaluation);
  if (request.reference) result.metrics["compared_with"] = {{"reference", *request.reference}};
  const fs::path out = request.output_dir;
  fs::create_directories(out);
  result.files = {(out / layout::kMetrics).string(), (out / layout::kComparisonPicture).string(),
                  (out / layout::kFrcPicture).string()};
  io::write_file_atomic(result.files[0], result.metrics.dump(2) + "\n");
  report::write_evaluation_pictures(result.files[1], result.files[2], result.evaluation,
                                    request.reference ? "reference" : "ground truth");
  return result;
}

}  // namespace ptychopinn::workflow
