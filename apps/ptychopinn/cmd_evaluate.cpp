// `ptychopinn evaluate`: compare a reconstruction with the ground-truth object and write the
// metrics, a comparison picture and the FRC curves.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

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

// A stitched reconstruction as `ptychopinn infer` writes it: the image, the object-pixel coordinates
// of its pixel [0, 0], and (when recorded) the scanned window in object pixels.
struct StitchedFile {
  torch::Tensor object;
  eval::ImageOrigin origin;
  std::optional<eval::PixelWindow> scanned;
};

StitchedFile read_stitched(const std::string& path) {
  const io::NpzReader npz(path);
  StitchedFile f;
  f.object = read_complex_image(npz, path, "object");
  f.origin = {read_scalar(npz, path, "x_origin_px"), read_scalar(npz, path, "y_origin_px")};
  if (npz.contains("centres") && npz.contains("stitch_crop")) {
    const auto centres = io::to_tensor(npz.read("centres")).to(torch::kFloat64);
    f.scanned = eval::scan_window(centres, static_cast<int64_t>(read_scalar(npz, path, "stitch_crop")));
  }
  return f;
}

// Half-period resolution, in object pixels, where an FRC curve computed on n x n pixels crosses a
// threshold at `ring` (cycles per n pixels); null when it never crosses or crosses at ring 0.
nlohmann::json half_period_px(double n, double ring, std::size_t rings) {
  if (!(ring > 0) || ring >= static_cast<double>(rings)) return nullptr;
  return n / (2.0 * ring);
}

nlohmann::json resolution_json(const eval::Evaluation& e) {
  const double n = static_cast<double>(std::min(e.amplitude_truth.size(0), e.amplitude_truth.size(1)));
  nlohmann::json r = {{"frc_size_px", n}};
  for (const auto& [name, m] : {std::pair<const char*, const eval::ChannelMetrics*>{"amplitude", &e.amplitude},
                                {"phase", &e.phase}}) {
    r[name] = {{"frc50_half_period_px", half_period_px(n, m->frc50, m->frc.size())},
               {"frc1over7_half_period_px", half_period_px(n, m->frc1over7, m->frc.size())}};
  }
  return r;
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
  std::string reconstruction, ground_truth, reference, output_dir = "evaluation", phase_align = "plane";
  bool no_register = false, json = false;
  eval::EvaluationOptions options;
  app.add_option("--reconstruction", reconstruction, "reconstruction.npz written by `ptychopinn infer`")
      ->required()->check(CLI::ExistingFile);
  auto* truth_option = app.add_option("--ground_truth,--ground-truth", ground_truth,
                                      "NPZ holding the true object (objectGuess)")
                           ->check(CLI::ExistingFile);
  auto* reference_option =
      app.add_option("--reference", reference,
                     "instead of a ground truth, a second reconstruction.npz of the same object (for example from "
                     "the other half of the scan): the two are placed by their origins, compared over their common "
                     "scanned area, and the FRC between them measures the resolution without ground truth")
          ->check(CLI::ExistingFile);
  truth_option->excludes(reference_option);
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
  if (ground_truth.empty() && reference.empty()) {
    std::cerr << "evaluate: give --ground_truth DATA.npz or --reference OTHER/reconstruction.npz (see --help)\n";
    return 1;
  }

  options.phase_alignment = eval::parse_phase_alignment(phase_align);
  options.alignment.register_images = !no_register;
  const auto recon = read_stitched(reconstruction);
  torch::Tensor truth;
  if (reference.empty()) {
    options.alignment.origin = recon.origin;
    options.alignment.scanned = recon.scanned;
    const io::NpzReader truth_npz(ground_truth);
    truth = read_complex_image(truth_npz, ground_truth, "objectGuess");
  } else {
    // The reference's grid: its pixel [0, 0] is at its origin, so every object-pixel coordinate
    // moves by minus that origin; the compared area is where both scans reached.
    const auto other = read_stitched(reference);
    truth = other.object;
    options.alignment.origin = eval::ImageOrigin{recon.origin.x_px - other.origin.x_px,
                                                 recon.origin.y_px - other.origin.y_px};
    if (recon.scanned && other.scanned) {
      auto common = eval::intersect(*recon.scanned, *other.scanned);
      common.row0 -= static_cast<int64_t>(std::floor(other.origin.y_px));
      common.col0 -= static_cast<int64_t>(std::floor(other.origin.x_px));
      if (common.empty()) throw_io_error(reference, "covers no part of the area " + reconstruction + " covers");
      options.alignment.scanned = common;
    }
  }

  const auto result = eval::evaluate(recon.object, truth, options);
  const fs::path out = output_dir;
  fs::create_directories(out);
  auto json_out = result.to_json();
  json_out["resolution"] = resolution_json(result);
  if (!reference.empty()) json_out["compared_with"] = {{"reference", reference}};
  const auto metrics = json_out.dump(2) + "\n";
  io::write_file_atomic((out / "metrics.json").string(), metrics);
  report::write_evaluation_pictures((out / "comparison.png").string(), (out / "frc.png").string(), result,
                                    reference.empty() ? "ground truth" : "reference");
  if (json) {
    std::cout << metrics;
  } else {
    print_table(result);
    const nlohmann::json& res = json_out["resolution"];
    const double size_px = res.at("frc_size_px");
    for (const std::string channel : {"amplitude", "phase"}) {
      const nlohmann::json& v = res.at(channel).at("frc1over7_half_period_px");
      const std::string at = v.is_null() ? std::string("-- (no crossing)") : std::to_string(static_cast<double>(v));
      std::printf("%s: FRC crosses 1/7 at a half-period of %s object pixels (FRC over %g px)\n", channel.c_str(),
                  at.c_str(), size_px);
    }
  }
  std::cerr << "wrote " << (out / "metrics.json").string() << ", comparison.png, frc.png\n";
  return 0;
}

}  // namespace ptychopinn::cli
