// The iterative engine on the measured Siemens star (the tike scan in the shared datasets folder): converts
// it as `ptychopinn convert` does (detector crop, sqrt of the counts, positions in object pixels),
// reconstructs with the chosen algorithm, and prints the Fourier error and seconds of every
// iteration; with --out it writes amplitude, phase and probe pictures; with --halves it also
// reconstructs the two interleaved half-scans (frames i mod 2 = 0 and 1) and prints their FRC 1/7
// and 0.5 crossings as half-periods in object pixels. The numbers in docs/iterative.md come from it.
// Run: build/bench/iterative_siemens [--crop 64|0] [--algorithm lsqml|rpie|epie] [--iterations I]
//      [--batch B] [--threads T] [--modes K] [--positions] [--poisson] [--halves] [--out DIR]
//      [--device cpu|cuda] [--probe_start I] [--no_probe] [--alpha A] [--probe_step S] [--quiet]
//      [--dump DIR] (writes the converted scan as raw arrays and exits)
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ptychopinn/eval/frc.h"
#include "ptychopinn/io/png.h"
#include "ptychopinn/iterative/solver.h"
#include "ptychopinn/render/colormap.h"
#include "siemens_problem.h"

namespace {

using namespace ptychopinn;

struct Args {
  int64_t crop = 64;
  std::string algorithm = "lsqml";
  int64_t iterations = 100;
  int64_t batch = 0;
  int threads = 2;
  int64_t modes = 1;
  int64_t probe_start = -1;
  double alpha = 0.1, probe_step = 0.1;
  bool no_probe = false;
  bool positions = false;
  bool poisson = false;
  bool halves = false;
  bool quiet = false;
  std::string out;
  std::string dump;
  std::string device = "cpu";
};

iterative::IterativeProblem siemens_problem(int64_t crop, int64_t every, int64_t index) {
  static const convert::TikeScan scan = bench::read_siemens_scan();
  return bench::siemens_problem(scan, crop, every, index);
}

void write_picture(const std::string& path, const torch::Tensor& image, render::Colormap map, double lo,
                   double hi) {
  const torch::Tensor v = image.to(torch::kDouble).contiguous();
  std::vector<double> values(v.data_ptr<double>(), v.data_ptr<double>() + v.numel());
  const auto rgb =
      render::apply_colormap(values, static_cast<int>(v.size(1)), static_cast<int>(v.size(0)), lo, hi, map);
  io::write_png(path, rgb.width(), rgb.height(), 3, rgb.pixels().data());
}

// The well-lit box of a result: rows and columns where the illumination reaches 10 % of its maximum.
torch::Tensor lit_crop(const iterative::IterativeResult& r, const torch::Tensor& image) {
  const torch::Tensor lit = r.illumination >= 0.1 * r.illumination.max();
  const torch::Tensor rows = lit.any(1).nonzero().flatten(), cols = lit.any(0).nonzero().flatten();
  using torch::indexing::Slice;
  return image.index({Slice(rows.min().item<int64_t>(), rows.max().item<int64_t>() + 1),
                      Slice(cols.min().item<int64_t>(), cols.max().item<int64_t>() + 1)});
}

iterative::IterativeResult run(const Args& a, const iterative::IterativeProblem& problem, const char* label) {
  iterative::IterativeOptions o;
  o.algorithm = iterative::parse_algorithm(a.algorithm);
  o.iterations = a.iterations;
  o.batch_size = a.batch;
  o.probe_modes = a.modes;
  if (a.probe_start >= 0) o.probe_refinement_start = a.probe_start;
  o.probe_refinement = !a.no_probe;
  o.rpie_alpha = a.alpha;
  o.rpie_probe_step = a.probe_step;
  o.position_correction = a.positions;
  o.noise_model = a.poisson ? iterative::NoiseModel::kPoisson : iterative::NoiseModel::kGaussian;
  o.device = torch::Device(a.device);
  iterative::IterationCallbacks callbacks;
  callbacks.on_iteration = [&](const iterative::IterationReport& r) {
    if (!a.quiet || r.iteration + 1 == r.iterations) {
      std::printf("%s iteration %3lld  fourier_error %.5f  seconds %.3f  modes", label,
                  static_cast<long long>(r.iteration + 1), r.fourier_error, r.seconds);
      for (double p : r.mode_powers) std::printf(" %.3f", p);
      std::printf("  positions_rms %.2f px\n", r.position_rms_change_px);
    }
    return iterative::IterationAction::kContinue;
  };
  return iterative::reconstruct(problem, o, callbacks);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--crop")
      a.crop = std::stoll(next());
    else if (k == "--algorithm")
      a.algorithm = next();
    else if (k == "--iterations")
      a.iterations = std::stoll(next());
    else if (k == "--batch")
      a.batch = std::stoll(next());
    else if (k == "--threads")
      a.threads = std::stoi(next());
    else if (k == "--modes")
      a.modes = std::stoll(next());
    else if (k == "--probe_start")
      a.probe_start = std::stoll(next());
    else if (k == "--alpha")
      a.alpha = std::stod(next());
    else if (k == "--probe_step")
      a.probe_step = std::stod(next());
    else if (k == "--no_probe")
      a.no_probe = true;
    else if (k == "--positions")
      a.positions = true;
    else if (k == "--poisson")
      a.poisson = true;
    else if (k == "--halves")
      a.halves = true;
    else if (k == "--quiet")
      a.quiet = true;
    else if (k == "--out")
      a.out = next();
    else if (k == "--dump")
      a.dump = next();
    else if (k == "--device")
      a.device = next();
    else {
      std::fprintf(stderr, "iterative_siemens: unknown argument %s\n", k.c_str());
      return 1;
    }
  }
  at::set_num_threads(a.threads);
  if (!a.dump.empty()) {
    // The converted scan as raw little-endian arrays (amplitudes float32 [M, N, N], positions float64
    // [M, 2], probe complex64 [N, N]), for a machine that has LibTorch but not this project's readers.
    const iterative::IterativeProblem p = siemens_problem(a.crop, 1, 0);
    std::filesystem::create_directories(a.dump);
    const std::string stem = a.dump + "/siemens" + std::to_string(p.amplitudes.size(1));
    const auto write = [](const std::string& path, const torch::Tensor& t) {
      const torch::Tensor c = t.contiguous();
      std::FILE* f = std::fopen(path.c_str(), "wb");
      std::fwrite(c.data_ptr(), c.element_size(), static_cast<size_t>(c.numel()), f);
      std::fclose(f);
    };
    write(stem + ".amplitudes.f32", p.amplitudes);
    write(stem + ".positions.f64", p.positions_px);
    write(stem + ".probe.c64", p.probe);
    std::printf("wrote %s.* (M = %lld)\n", stem.c_str(), static_cast<long long>(p.amplitudes.size(0)));
    return 0;
  }
  const iterative::IterativeResult r = run(a, siemens_problem(a.crop, 1, 0), "all");
  if (r.history.empty()) return 0;
  double total = 0;
  for (const auto& h : r.history) total += h.seconds;
  std::printf("final fourier_error %.5f after %zu iterations, %.3f s per iteration (%d threads, %s)\n",
              r.history.back().fourier_error, r.history.size(), total / static_cast<double>(r.history.size()),
              a.threads, a.device.c_str());
  if (!a.out.empty()) {
    std::filesystem::create_directories(a.out);
    const torch::Tensor amp = lit_crop(r, r.object.abs());
    const torch::Tensor phase = lit_crop(r, torch::angle(r.object));
    write_picture(a.out + "/amplitude.png", amp, render::Colormap::kGrey, 0, amp.max().item<double>());
    write_picture(a.out + "/phase.png", phase, render::Colormap::kViridis, phase.min().item<double>(),
                  phase.max().item<double>());
    for (int64_t k = 0; k < r.probe.size(0); ++k) {
      const torch::Tensor p = r.probe[k].abs();
      write_picture(a.out + "/probe" + std::to_string(k) + ".png", p, render::Colormap::kViridis, 0,
                    p.max().item<double>());
    }
  }
  if (a.halves) {
    // Both halves on the whole scan's grid, so that their images are registered pixel for pixel.
    iterative::IterativeProblem p0 = siemens_problem(a.crop, 2, 0), p1 = siemens_problem(a.crop, 2, 1);
    p0.grid = p1.grid = r.grid;
    const iterative::IterativeResult h0 = run(a, p0, "half0");
    const iterative::IterativeResult h1 = run(a, p1, "half1");
    // Both halves share the whole scan's position frame; compare them on the common lit box.
    const torch::Tensor lit = (h0.illumination >= 0.5 * h0.illumination.max())
                                  .logical_and(h1.illumination >= 0.5 * h1.illumination.max());
    const torch::Tensor rows = lit.any(1).nonzero().flatten(), cols = lit.any(0).nonzero().flatten();
    using torch::indexing::Slice;
    const auto box = [&](const torch::Tensor& t) {
      return t.index({Slice(rows.min().item<int64_t>(), rows.max().item<int64_t>() + 1),
                      Slice(cols.min().item<int64_t>(), cols.max().item<int64_t>() + 1)});
    };
    if (h0.object.sizes() != h1.object.sizes() || h0.grid.x_origin != h1.grid.x_origin ||
        h0.grid.y_origin != h1.grid.y_origin) {
      std::printf("halves: grids differ; no FRC\n");
      return 0;
    }
    // Phase relative to each half's mean over the box (the global phase is free).
    const auto centred_phase = [&](const torch::Tensor& o) {
      const torch::Tensor b = box(o);
      return torch::angle(b * torch::polar(torch::ones({}), -torch::angle(b.sum())).to(b.scalar_type()));
    };
    for (const auto& [name, x0, x1] :
         {std::tuple{"amplitude", box(h0.object.abs()), box(h1.object.abs())},
          std::tuple{"phase", centred_phase(h0.object), centred_phase(h1.object)}}) {
      const std::vector<double> curve = eval::frc_curve(x0, x1);
      const double n = static_cast<double>(std::min(x0.size(0), x0.size(1)));
      const double c7 = eval::frc_crossing(curve, eval::kFrcOneSeventhThreshold);
      const double c2 = eval::frc_crossing(curve, eval::kFrcHalfThreshold);
      std::printf(
          "halves %s: FRC 1/7 at ring %.1f of %.0f px (half-period %.2f px), 0.5 at ring %.1f (%.2f px)\n",
          name, c7, n, n / (2 * c7), c2, n / (2 * c2));
    }
  }
  return 0;
}
