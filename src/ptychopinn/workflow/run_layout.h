#pragma once
// The files a run writes, by name: the one place a run folder's layout is spelled. Front ends, the
// report and the tests find a run's outputs through these names, never through literals.
//
//   train  --output_dir RUN      wts.h5.zip, history.csv, config.yaml, train.log, checkpoints/latest.zip
//   infer  --output_dir RECON    reconstruction.npz, amplitude.png, phase.png, product-out.h5
//   iterate --output_dir OUT     the same, and probe.png, convergence.csv, convergence.png
//   evaluate --output_dir EVAL   metrics.json, comparison.png, frc.png
//   report RUN                   report.html
#include <filesystem>

#include "ptychopinn/bundle/model_archive.h"

namespace ptychopinn::workflow::layout {

// Training (train_run.h).
inline constexpr const char* kArchive = bundle::kArchiveFileName;  // the model archive (wts.h5.zip)
inline constexpr const char* kHistory = "history.csv";
inline constexpr const char* kConfig = "config.yaml";
inline constexpr const char* kTrainLog = "train.log";
inline constexpr const char* kCheckpointDir = "checkpoints";
inline constexpr const char* kCheckpoint = "latest.zip";

// Reconstruction (reconstruct_run.h; reconstruction_file.h documents reconstruction.npz).
inline constexpr const char* kReconstruction = "reconstruction.npz";
inline constexpr const char* kAmplitudePicture = "amplitude.png";
inline constexpr const char* kPhasePicture = "phase.png";
inline constexpr const char* kProduct = "product-out.h5";

// Iterative reconstruction (iterate_run.h), besides the reconstruction's files.
inline constexpr const char* kProbePicture = "probe.png";
inline constexpr const char* kConvergence = "convergence.csv";
inline constexpr const char* kConvergencePicture = "convergence.png";

// Evaluation (evaluate_run.h).
inline constexpr const char* kMetrics = "metrics.json";
inline constexpr const char* kComparisonPicture = "comparison.png";
inline constexpr const char* kFrcPicture = "frc.png";

// The report page (report_run.h).
inline constexpr const char* kReport = "report.html";

inline std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir) {
  return run_dir / kCheckpointDir / kCheckpoint;
}

}  // namespace ptychopinn::workflow::layout
