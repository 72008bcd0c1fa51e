// `ptychopinn evaluate`: compare a reconstruction with the ground-truth object and write the
// metrics, a comparison picture and the FRC curves.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/eval/evaluate.h"
#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/report/evaluation_pictures.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::cli {
namespace {

namespace fs = std::filesystem;

torch::Tensor read_complex_image(const io::NpzReader& npz, const std::string& path, const std::string& key) {
  if (!npz.contains(key)) {
    throw_io_error(path, "has no '" + key + "' member; expected a complex [H, W] array named '" + key + "'");
  }
  auto t = io::to_tensor(npz.read(key));
  if (t.dim() == 3 && t.size(0) == 1) t = t.squeeze(0);  // a single (1, H, W) object
  if (t.dim() == 3 && t.size(2) == 1) t = t.squeeze(2);  // (H, W, 1), the reference's layout
  if (t.dim() != 2 || !t.is_complex()) {
    throw_io_error(path, "'" + key + "' is " + c10::str(t.sizes()) + " " + std::string(t.dtype().name()) +
                             "; expected a complex [H, W] image");
  }
  return t.clone();
}

double read_scalar(const io::NpzReader& npz, const std::string& path, const std::string& key) {
  if (!npz.contains(key)) throw_io_error(path, "has no '" + key + "' member; expected ptychopinn infer's reconstruction.npz");
  const auto v = npz.read(key).to_double_vector();
  if (v.size() != 1) throw_io_error(path, "'" + key + "' has " + std::to_string(v.size()) + " values; expected one");
  return v[0];
}

void print_table(const eval::Evaluation& e) {
  std::printf("%-10s %10s %10s\n", "metric", "amplitude", "phase");
  auto row = [](const char* name, double a, double p) { std::printf("%-10s %10.4g %10.4g\n", name, a, p); };
  row("ssim", e.amplitude.ssim, e.phase.ssim);
  row("ms_ssim", e.amplitude.ms_ssim, e.phase.ms_ssim);
  row("pearson", e.amplitude.pearson, e.phase.pearson);
  row("mae", e.amplitude.mae, e.phase.mae);
  row("mse", e.amplitude.mse, e.phase.mse);
  row("psnr", e.amplitude.psnr, e.phase.psnr);
  row("psnr_leg", e.amplitude.psnr_legacy, e.phase.psnr_legacy);
  row("frc50", e.amplitude.frc50, e.phase.frc50);
  row("frc1over7", e.amplitude.frc1over7, e.phase.frc1over7);
}

}  // namespace

int run_evaluate(const std::vector<std::string>& args) {
  CLI::App app{
      "Compares a reconstruction with the ground truth and writes to --output_dir:\n"
      "  metrics.json     amplitude and phase: mae, mse, psnr, psnr_legacy, ssim, ms_ssim, frc50,\n"
      "                   frc1over7, pearson (plus registration, region and FRC curves)\n"
      "  comparison.png   ground truth, reconstruction and error, amplitude and phase\n"
      "  frc.png          Fourier ring correlation curves\n"
      "The reconstruction is placed on the ground truth with its x/y_origin_px, cropped to the scanned\n"
      "region, registered by phase correlation, and compared with the reference's conventions\n"
      "(docs/evaluation.md). A metrics table goes to stdout (--json: metrics.json instead).",
      "evaluate"};
  std::string reconstruction, ground_truth, output_dir = "evaluation", phase_align = "plane";
  bool no_register = false, json = false;
  eval::EvaluationOptions options;
  app.add_option("--reconstruction", reconstruction, "reconstruction.npz written by `ptychopinn infer`")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--ground_truth,--ground-truth", ground_truth, "NPZ holding the true object (objectGuess)")
      ->required()->check(CLI::ExistingFile);
  app.add_option("--output_dir,--output-dir", output_dir, "folder for metrics.json and the pictures")
      ->capture_default_str();
  app.add_option("--phase_align,--phase-align", phase_align, "phase gauge removal: plane or mean")
      ->capture_default_str();
  app.add_option("--trim", options.trim_px, "pixels trimmed from every edge before the metrics")->capture_default_str();
  app.add_option("--frc_sigma,--frc-sigma", options.frc_sigma, "Gaussian smoothing of the FRC curves")
      ->capture_default_str();
  app.add_option("--ms_ssim_sigma,--ms-ssim-sigma", options.ms_ssim_sigma,
                 "Gaussian smoothing of the amplitudes before MS-SSIM")->capture_default_str();
  app.add_flag("--no_register,--no-register", no_register, "trust the origin; skip phase-correlation registration");
  app.add_flag("--json", json, "print metrics.json to stdout instead of the table");
  if (auto rc = parse_args(app, args)) return *rc;

  options.phase_alignment = eval::parse_phase_alignment(phase_align);
  options.alignment.register_images = !no_register;
  const io::NpzReader recon_npz(reconstruction);
  const auto recon = read_complex_image(recon_npz, reconstruction, "object");
  options.alignment.origin = eval::ImageOrigin{read_scalar(recon_npz, reconstruction, "x_origin_px"),
                                               read_scalar(recon_npz, reconstruction, "y_origin_px")};
  if (recon_npz.contains("centres") && recon_npz.contains("stitch_crop")) {
    const auto centres = io::to_tensor(recon_npz.read("centres")).to(torch::kFloat64);
    const auto crop = static_cast<int64_t>(read_scalar(recon_npz, reconstruction, "stitch_crop"));
    options.alignment.scanned = eval::scan_window(centres, crop);
  }
  const io::NpzReader truth_npz(ground_truth);
  const auto truth = read_complex_image(truth_npz, ground_truth, "objectGuess");

  const auto result = eval::evaluate(recon, truth, options);
  const fs::path out = output_dir;
  fs::create_directories(out);
  const auto metrics = result.to_json().dump(2) + "\n";
  io::write_file_atomic((out / "metrics.json").string(), metrics);
  report::write_evaluation_pictures((out / "comparison.png").string(), (out / "frc.png").string(), result);
  if (json) {
    std::cout << metrics;
  } else {
    print_table(result);
  }
  std::cerr << "wrote " << (out / "metrics.json").string() << ", comparison.png, frc.png\n";
  return 0;
}

}  // namespace ptychopinn::cli
