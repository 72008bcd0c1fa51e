#include "ptychopinn/simulate/simulate_dataset.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "ptychopinn/data/random.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/simulate/detector.h"
#include "ptychopinn/simulate/object_source.h"
#include "ptychopinn/simulate/probe_source.h"
#include "ptychopinn/simulate/scans.h"
#include "ptychopinn/util/strings.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::simulate {
namespace {

constexpr const char* kWhere = "simulate";
// Exit waves are made and diffracted this many bytes (complex64) at a time: large enough that the
// per-block overhead vanishes, small enough to bound memory at any N. The result does not depend
// on it (per-pattern noise streams, per-pattern energies summed in order).
constexpr int64_t kBlockBytes = int64_t{8} << 20;

// Independent random streams of one seed (data::Random::derive), one per use, so adding a draw
// to one use never shifts another.
enum class Stream : std::uint64_t { kObject = 1, kScan = 2, kJitter = 3, kNoise = 4 };

std::uint64_t stream_seed(std::uint64_t seed, Stream stream, std::uint64_t part) {
  return data::Random::derive(data::Random::derive(seed, static_cast<std::uint64_t>(stream)), part);
}

void require(bool ok, const std::string& field, const std::string& value, const std::string& expected) {
  if (!ok)
    throw std::invalid_argument(std::string(kWhere) + ": " + field + " = " + value + "; expected " +
                                expected);
}

// One output file: a band of the object's rows and the scan on it.
struct Part {
  std::string name;  // "all", "train", "test"
  std::string path;
  int64_t row_begin = 0, row_end = 0;
  torch::Tensor object;  // [row_end − row_begin, S] complex64
  ScanPositions positions;
};

ScanPositions scan_part(const SimulationConfig& c, const Part& part, int64_t n, int64_t n_random,
                        std::uint64_t part_index) {
  const int64_t height = part.object.size(0), width = part.object.size(1);
  try {
    ScanPositions p =
        c.scan == ScanKind::kGrid
            ? grid_scan(height, width, n, c.gridsize, c.offset, c.outer_offset)
            : random_scan(n_random, height, width, n, 0.0, stream_seed(c.seed, Stream::kScan, part_index));
    if (c.jitter > 0) add_position_jitter(p, c.jitter, stream_seed(c.seed, Stream::kJitter, part_index));
    return p;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(
        std::string(kWhere) + ": the " + part.name + " part (object rows " + std::to_string(part.row_begin) +
        " to " + std::to_string(part.row_end) + ", " + std::to_string(height) + " x " +
        std::to_string(width) + " pixels) holds no scan: " + e.what() +
        (c.split > 0 ? " (enlarge object_size or move split)" : " (enlarge object_size)"));
  }
}

// Mean over the scan points of the largest |O| in the pixels each N × N window touches (its
// bilinear neighbours included): the reference's per-dataset amplitude normalisation.
double mean_window_max(const torch::Tensor& object, const ScanPositions& p, int64_t n) {
  const torch::Tensor amp = object.abs().contiguous();
  const int64_t h = amp.size(0), w = amp.size(1);
  const float* a = amp.data_ptr<float>();
  std::vector<double> maxima(p.size(), 0.0);
  at::parallel_for(0, static_cast<int64_t>(p.size()), 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const auto r0 = static_cast<int64_t>(std::floor(p.y[k])) - n / 2;
      const auto c0 = static_cast<int64_t>(std::floor(p.x[k])) - n / 2;
      float m = 0.0f;
      for (int64_t r = std::max<int64_t>(0, r0); r <= std::min(h - 1, r0 + n); ++r) {
        for (int64_t c = std::max<int64_t>(0, c0); c <= std::min(w - 1, c0 + n); ++c)
          m = std::max(m, a[r * w + c]);
      }
      maxima[k] = m;
    }
  });
  double sum = 0.0;
  for (double v : maxima) sum += v;  // in order: the result does not depend on the thread split
  return sum / static_cast<double>(maxima.size());
}

int64_t block_patterns(int64_t n) { return std::max<int64_t>(1, kBlockBytes / (n * n * 8)); }

double mean_exit_wave_energy(const torch::Tensor& object, const torch::Tensor& probe,
                             const ScanPositions& p) {
  const auto m = static_cast<int64_t>(p.size());
  const int64_t block = block_patterns(probe.size(0));
  double sum = 0.0;
  for (int64_t b = 0; b < m; b += block) {
    for (double e : exit_wave_energies(exit_waves(object, probe, p, b, std::min(m, b + block)))) sum += e;
  }
  return sum / static_cast<double>(m);
}

nlohmann::json metadata(const SimulationConfig& c, const Part& part, const torch::Tensor& probe,
                        int64_t object_size, const SimulatedFile& file) {
  const int64_t n = probe.size(0);
  const ObjectSpec spec = parse_object_spec(c.object);
  nlohmann::json sim = {
      {"object", spec.kind_name()},
      {"object_image", spec.image_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.image_path)},
      {"phase_image", c.phase_image.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.phase_image)},
      {"set_phi", c.set_phi},
      {"object_size", object_size},
      {"object_shape", {file.object_height, file.object_width}},
      {"object_rows", {part.row_begin, part.row_end}},
      {"amplitude_norm", file.amplitude_norm},
      {"scan", to_string(c.scan)},
      {"n_images", file.n_patterns},
      {"jitter", c.jitter},
      {"probe", c.probe.empty() ? nlohmann::json("default") : nlohmann::json(c.probe)},
      {"noise", to_string(c.noise)},
      {"seed", c.seed},
      {"photon_scale", file.photon_scale},
      {"part", part.name},
      {"split", c.split > 0 ? nlohmann::json(c.split) : nlohmann::json(nullptr)},
  };
  if (c.scan == ScanKind::kGrid) {
    sim["offset"] = c.offset;
    sim["outer_offset"] = c.outer_offset;
  }
  // The reference's `_metadata` schema (docs/formats.md), minus the creation timestamp and host name,
  // which would make two runs of the same simulation differ.
  return {{"schema_version", "1.0.0"},
          {"creation_info", {{"script", "ptychopinn simulate"}, {"ptychopinn_version", kVersion}}},
          {"physics_parameters",
           {{"nphotons", c.nphotons}, {"gridsize", c.gridsize}, {"N", n}, {"probe_scale", c.probe_scale}}},
          {"simulation", sim},
          {"data_transformations", nlohmann::json::array()}};
}

io::NpyArray doubles(const std::vector<double>& v) {
  return io::NpyArray::from_data<double>({static_cast<int64_t>(v.size())}, v.data());
}

// Normalises, simulates and writes one part; `done` counts patterns over all parts.
SimulatedFile write_part(const SimulationConfig& c, Part& part, const torch::Tensor& probe,
                         int64_t object_size, std::uint64_t part_index, int64_t& done, int64_t total,
                         const SimulationProgress& progress) {
  const int64_t n = probe.size(0);
  const auto m = static_cast<int64_t>(part.positions.size());
  SimulatedFile file;
  file.path = part.path;
  file.part = part.name;
  file.n_patterns = m;
  file.object_height = part.object.size(0);
  file.object_width = part.object.size(1);
  file.amplitude_norm = mean_window_max(part.object, part.positions, n);
  require(file.amplitude_norm > 0, "object", quoted(c.object),
          "an object that is not zero under the scan (the " + part.name + " part is black)");
  const torch::Tensor object = (part.object / file.amplitude_norm).contiguous();
  file.photon_scale = photon_scale(c.nphotons, mean_exit_wave_energy(object, probe, part.positions));

  DetectorOptions detector;
  detector.nphotons = c.nphotons;
  detector.poisson_noise = c.noise == NoiseModel::kPoisson;
  detector.seed = stream_seed(c.seed, Stream::kNoise, part_index);
  io::NpzWriter writer(part.path, c.compress);
  writer.begin_member("diffraction", io::DType::kFloat32, {m, n, n});
  const int64_t block = block_patterns(n);
  for (int64_t b = 0; b < m; b += block) {
    const int64_t e = std::min(m, b + block);
    const torch::Tensor amplitude =
        detect_amplitudes(exit_waves(object, probe, part.positions, b, e), file.photon_scale, detector, b)
            .contiguous();
    writer.append(amplitude.data_ptr<float>(), static_cast<std::size_t>(amplitude.numel()) * sizeof(float));
    done += e - b;
    if (progress) progress(done, total);
  }
  writer.end_member();
  const ScanPositions& p = part.positions;
  writer.add("xcoords", doubles(p.x));
  writer.add("ycoords", doubles(p.y));
  writer.add("xcoords_start", doubles(p.x_nominal));
  writer.add("ycoords_start", doubles(p.y_nominal));
  writer.add("scan_index", io::NpyArray::zeros(io::DType::kInt64, {m}));
  writer.add("probeGuess", io::from_tensor(probe));
  writer.add("objectGuess", io::from_tensor(object));
  writer.add("_metadata", io::NpyArray::scalar_string(metadata(c, part, probe, object_size, file).dump()));
  writer.close();
  return file;
}

}  // namespace

std::string to_string(ScanKind kind) { return kind == ScanKind::kGrid ? "grid" : "random"; }

ScanKind parse_scan_kind(const std::string& text) {
  for (ScanKind k : {ScanKind::kGrid, ScanKind::kRandom}) {
    if (text == to_string(k)) return k;
  }
  throw std::invalid_argument("scan = " + quoted(text) + "; expected one of grid, random");
}

std::string to_string(NoiseModel noise) { return noise == NoiseModel::kPoisson ? "poisson" : "none"; }

NoiseModel parse_noise_model(const std::string& text) {
  for (NoiseModel k : {NoiseModel::kPoisson, NoiseModel::kNone}) {
    if (text == to_string(k)) return k;
  }
  throw std::invalid_argument("noise = " + quoted(text) + "; expected one of poisson, none");
}

void SimulationConfig::validate() const {
  parse_object_spec(object);
  require(!(set_phi && !phase_image.empty()), "phase_image", quoted(phase_image),
          "no phase image together with set_phi (one source of phase)");
  require(object_size == 0 || (object_size >= 64 && object_size <= 4096), "object_size",
          std::to_string(object_size), "64 <= object_size <= 4096 (or 0 for the default)");
  require(N == 0 || N >= 4, "N", std::to_string(N), "N >= 4 (or 0 for the probe's size)");
  require(gridsize >= 1, "gridsize", std::to_string(gridsize), "gridsize >= 1");
  require(offset >= 1, "offset", std::to_string(offset), "offset >= 1");
  require(outer_offset >= 2, "outer_offset", std::to_string(outer_offset), "outer_offset >= 2");
  require(n_images >= 1, "n_images", std::to_string(n_images), "n_images >= 1");
  require(std::isfinite(jitter) && jitter >= 0, "jitter", format_number(jitter),
          "a finite jitter >= 0 (pixels)");
  require(std::isfinite(probe_scale) && probe_scale > 0, "probe_scale", format_number(probe_scale),
          "a finite probe_scale > 0");
  require(std::isfinite(nphotons) && nphotons > 0, "nphotons", format_number(nphotons),
          "a finite nphotons > 0");
  require(split == 0 || (split > 0 && split < 1), "split", format_number(split),
          "0 < split < 1 (or 0 for no split)");
  require(split == 0 || scan != ScanKind::kRandom || n_images >= 2, "n_images", std::to_string(n_images),
          "n_images >= 2 to split a random scan");
}

double parse_split(const std::string& text) {
  auto number = [&](const std::string& s, double* v) {
    std::istringstream in(s);
    in >> *v;
    return !s.empty() && in && in.peek() == std::istringstream::traits_type::eof() && std::isfinite(*v);
  };
  double share = 0;
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    double f = 0;
    if (number(text, &f)) share = f;
  } else {
    double a = 0, b = 0;
    if (number(text.substr(0, colon), &a) && number(text.substr(colon + 1), &b) && a > 0 && b > 0)
      share = a / (a + b);
  }
  require(share > 0 && share < 1, "split", quoted(text),
          "a train share in (0, 1) such as 0.8, or a ratio train:test such as 4:1");
  return share;
}

std::vector<std::string> simulation_output_paths(const std::string& output, bool split) {
  if (!split) return {output};
  const std::string ext = ".npz";
  const bool has_ext =
      output.size() > ext.size() && output.compare(output.size() - ext.size(), ext.size(), ext) == 0;
  const std::string stem = has_ext ? output.substr(0, output.size() - ext.size()) : output;
  return {stem + "_train.npz", stem + "_test.npz"};
}

nlohmann::json SimulationSummary::to_json() const {
  nlohmann::json out = {{"N", N}, {"files", nlohmann::json::array()}};
  for (const auto& f : files) {
    out["files"].push_back({{"path", f.path},
                            {"part", f.part},
                            {"n_patterns", f.n_patterns},
                            {"object_shape", {f.object_height, f.object_width}},
                            {"photon_scale", f.photon_scale},
                            {"amplitude_norm", f.amplitude_norm}});
  }
  return out;
}

SimulationSummary simulate_dataset(const SimulationConfig& config, const std::string& output,
                                   const SimulationProgress& progress) {
  config.validate();
  ObjectRequest request;
  request.spec = parse_object_spec(config.object);
  request.size = config.object_size;
  request.set_phi = config.set_phi;
  request.phase_image = config.phase_image;
  request.seed = stream_seed(config.seed, Stream::kObject, 0);
  const torch::Tensor object = make_simulation_object(request);
  const torch::Tensor probe = simulation_probe(config.probe, config.N, config.probe_scale);
  const int64_t side = object.size(0), n = probe.size(0);

  // The parts and their scans first, so the progress total is known before the slow work.
  const std::vector<std::string> paths = simulation_output_paths(output, config.split > 0);
  std::vector<Part> parts;
  if (config.split > 0) {
    const auto r = std::clamp<int64_t>(std::llround(config.split * static_cast<double>(side)), 1, side - 1);
    const auto n_train = std::clamp<int64_t>(
        std::llround(config.split * static_cast<double>(config.n_images)), 1, config.n_images - 1);
    parts.push_back({"train", paths[0], 0, r, object.narrow(0, 0, r).contiguous(), {}});
    parts.push_back({"test", paths[1], r, side, object.narrow(0, r, side - r).contiguous(), {}});
    parts[0].positions = scan_part(config, parts[0], n, n_train, 0);
    parts[1].positions = scan_part(config, parts[1], n, config.n_images - n_train, 1);
  } else {
    parts.push_back({"all", paths[0], 0, side, object, {}});
    parts[0].positions = scan_part(config, parts[0], n, config.n_images, 0);
  }
  int64_t total = 0, done = 0;
  for (const Part& p : parts) total += static_cast<int64_t>(p.positions.size());

  SimulationSummary summary;
  summary.N = n;
  if (progress) progress(0, total);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    summary.files.push_back(write_part(config, parts[i], probe, side, i, done, total, progress));
  }
  return summary;
}

}  // namespace ptychopinn::simulate
