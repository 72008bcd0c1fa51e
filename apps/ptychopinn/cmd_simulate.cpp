// `ptychopinn simulate --output FILE [options]`: a synthetic dataset with ground truth
// (simulate/simulate_dataset.h). Parses the flags into a SimulationConfig and calls simulate_dataset.
#include <iostream>
#include <optional>
#include <string>

#include "cli_common.h"
#include "commands.h"
#include "ptychopinn/simulate/simulate_dataset.h"
#include "ptychopinn/util/progress.h"

namespace ptychopinn::cli {
namespace {

// Names: the reference's underscore spelling, plus a hyphenated alias where the name has one.
std::string names(const std::string& name) {
  std::string hyphen = name;
  for (char& c : hyphen) c = c == '_' ? '-' : c;
  return hyphen == name ? "--" + name : "--" + name + ",--" + hyphen;
}

}  // namespace

int run_simulate(const std::vector<std::string>& args) {
  CLI::App app{
      "Simulates a ptychography dataset with ground truth: an object (synthetic or a PNG), a\n"
      "probe, a scan, and far-field diffraction with Poisson counting noise, written as an NPZ\n"
      "that follows the data contract (diffraction as amplitude sqrt(counts), positions, probeGuess,\n"
      "objectGuess, _metadata). The same flags and --seed give a byte-identical file.",
      "simulate"};
  // A flag given twice takes its last value, as in the other commands (a script can append overrides).
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  simulate::SimulationConfig c;
  std::string output, scan = to_string(c.scan), noise = to_string(c.noise), split;
  bool quiet = false;
  app.add_option("-o," + names("output"), output,
                 "the NPZ to write (with --split: <stem>_train.npz and <stem>_test.npz)")
      ->required();
  app.add_option(names("object"), c.object,
                 "lines | grf | points | diagonals | image:PATH (a PNG; amplitude = grey level)")
      ->capture_default_str();
  app.add_option(names("phase_image"), c.phase_image,
                 "a PNG whose grey level g gives the phase pi*(g - 1/2)");
  app.add_flag(names("set_phi"), c.set_phi, "phase pi*tanh((A - max A/2) / (3 mean A)) from the amplitude A");
  app.add_option(names("object_size"), c.object_size,
                 "object side in pixels, 64..4096 (default 392; for an image, its shorter side)");
  app.add_option("--N", c.N, "pattern and probe side in pixels (default: the probe file's size, else 64)");
  app.add_option(names("gridsize"), c.gridsize,
                 "patterns per group side; the grid scan puts gridsize^2 per region")
      ->capture_default_str();
  app.add_option(names("scan"), scan, "grid (the reference's regular grid) | random (uniform positions)")
      ->capture_default_str();
  app.add_option(names("n_images"), c.n_images, "number of positions of a random scan")
      ->capture_default_str();
  app.add_option(names("offset"), c.offset, "grid: pixels between the patterns of a region")
      ->capture_default_str();
  app.add_option(names("outer_offset"), c.outer_offset, "grid: regions start every outer_offset/2 pixels")
      ->capture_default_str();
  app.add_option(
         names("jitter"), c.jitter,
         "std of Gaussian position errors in pixels (actual positions in xcoords, nominal in xcoords_start)")
      ->capture_default_str();
  app.add_option(names("probe"), c.probe, "an NPZ whose probeGuess is the probe (default: the disk probe)");
  app.add_option(names("probe_scale"), c.probe_scale,
                 "the probe's mean amplitude in its disk is 1/probe_scale")
      ->capture_default_str();
  app.add_option(names("nphotons"), c.nphotons, "mean photon count per pattern")->capture_default_str();
  app.add_option(names("noise"), noise, "poisson | none (noise-free amplitudes)")->capture_default_str();
  app.add_option(names("seed"), c.seed, "seed of every random draw")->capture_default_str();
  app.add_option(names("split"), split,
                 "train share, e.g. 0.8 or 4:1: two files from disjoint bands of the object's rows");
  app.add_flag(names("compress"), c.compress, "deflate the NPZ (smaller; not memory-mappable)");
  app.add_flag("-q," + names("quiet"), quiet, "no progress on stderr");
  if (auto rc = parse_args(app, args)) return *rc;

  c.scan = simulate::parse_scan_kind(scan);
  c.noise = simulate::parse_noise_model(noise);
  if (!split.empty()) c.split = simulate::parse_split(split);
  c.validate();

  ProgressOptions progress_options;
  progress_options.label = "simulate";
  progress_options.unit = "patterns";
  progress_options.enabled = !quiet;
  // Made at the first report, when the scans (and so the total) are known: the clock then measures
  // the pattern work, not the object generation before it.
  std::optional<ProgressBar> bar;
  const simulate::SimulationSummary summary =
      simulate::simulate_dataset(c, output, [&](int64_t done, int64_t total) {
        if (!bar) {
          progress_options.total = total;
          bar.emplace(progress_options);
        }
        bar->update(done);
      });
  if (bar) bar->finish();
  for (const auto& f : summary.files) {
    std::cout << f.path << ": " << f.n_patterns << " patterns of " << summary.N << "x" << summary.N
              << ", object " << f.object_height << "x" << f.object_width << " (" << f.part << ")\n";
  }
  return 0;
}

}  // namespace ptychopinn::cli
