// `ptychopinn evaluate`: compare a reconstruction with the ground-truth object and write the
// metrics, a comparison picture and the FRC curves.
#include <cstdio>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/workflow/evaluate_run.h"

namespace ptychopinn::cli {
namespace {

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
  std::string reconstruction, ground_truth, reference, output_dir = "evaluation", phase_align = "plane";
  bool no_register = false, json = false;
  eval::EvaluationOptions options;
  app.add_option("--reconstruction", reconstruction, "reconstruction.npz written by `ptychopinn infer`")
      ->required()
      ->check(CLI::ExistingFile);
  auto* truth_option = app.add_option("--ground_truth,--ground-truth", ground_truth,
                                      "NPZ holding the true object (objectGuess)")
                           ->check(CLI::ExistingFile);
  auto* reference_option =
      app.add_option(
             "--reference", reference,
             "instead of a ground truth, a second reconstruction.npz of the same object (for example from "
             "the other half of the scan): the two are placed by their origins, compared over their common "
             "scanned area, and the FRC between them measures the resolution without ground truth")
          ->check(CLI::ExistingFile);
  truth_option->excludes(reference_option);
  app.add_option("--output_dir,--output-dir", output_dir, "folder for metrics.json and the pictures")
      ->capture_default_str();
  app.add_option("--phase_align,--phase-align", phase_align, "phase gauge removal: plane or mean")
      ->capture_default_str();
  app.add_option("--trim", options.trim_px, "pixels trimmed from every edge before the metrics")
      ->capture_default_str();
  app.add_option("--frc_sigma,--frc-sigma", options.frc_sigma, "Gaussian smoothing of the FRC curves")
      ->capture_default_str();
  app.add_option("--ms_ssim_sigma,--ms-ssim-sigma", options.ms_ssim_sigma,
                 "Gaussian smoothing of the amplitudes before MS-SSIM")
      ->capture_default_str();
  app.add_flag("--no_register,--no-register", no_register,
               "trust the origin; skip phase-correlation registration");
  app.add_flag("--json", json, "print metrics.json to stdout instead of the table");
  if (auto rc = parse_args(app, args)) return *rc;
  if (ground_truth.empty() && reference.empty()) {
    std::cerr
        << "evaluate: give --ground_truth DATA.npz or --reference OTHER/reconstruction.npz (see --help)\n";
    return 1;
  }

  workflow::EvaluateRunRequest request;
  request.reconstruction = reconstruction;
  if (!ground_truth.empty()) request.ground_truth = ground_truth;
  if (!reference.empty()) request.reference = reference;
  request.output_dir = output_dir;
  request.options = options;
  request.options.phase_alignment = eval::parse_phase_alignment(phase_align);
  request.options.alignment.register_images = !no_register;
  const auto result = workflow::evaluate_run(std::move(request));
  if (json) {
    std::cout << result.metrics.dump(2) + "\n";
  } else {
    print_table(result.evaluation);
    const nlohmann::json& res = result.metrics["resolution"];
    const double size_px = res.at("frc_size_px");
    for (const std::string channel : {"amplitude", "phase"}) {
      const nlohmann::json& v = res.at(channel).at("frc1over7_half_period_px");
      const std::string at =
          v.is_null() ? std::string("-- (no crossing)") : std::to_string(static_cast<double>(v));
      std::printf("%s: FRC crosses 1/7 at a half-period of %s object pixels (FRC over %g px)\n",
                  channel.c_str(), at.c_str(), size_px);
    }
  }
  std::cerr << "wrote " << result.files[0] << ", comparison.png, frc.png\n";
  return 0;
}

}  // namespace ptychopinn::cli
