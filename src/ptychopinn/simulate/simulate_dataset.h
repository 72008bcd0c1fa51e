#pragma once
// A whole simulated dataset, written as an NPZ that follows the data contract (docs/formats.md):
// object (object_source.h), probe (probe_source.h), scan (scans.h), detection (detector.h), and
// _metadata. The patterns are streamed to the file a block at a time, so memory stays bounded
// whatever the number of patterns. `ptychopinn simulate` parses its flags into a SimulationConfig
// and calls simulate_dataset; the Python module will call it the same way.
//
// What is simulated, as the reference's simulation does:
//   1. the object O (S × S); with a split, the rows [0, r) and [r, S) (r = round(split · S)) become
//      two objects, so the training and test data share no object pixel;
//   2. the scan positions on each object: the reference grid, or uniform random positions; then
//      Gaussian jitter of the actual positions (the nominal ones are kept);
//   3. the amplitude of O divided by the mean over the scan points of the largest |O| in each
//      N × N window (the reference's per-dataset normalisation), so |O| is of order 1;
//   4. exit waves ψ = P · O(window at the actual position), P the normalised probe;
//   5. the photon scale s² = nphotons / mean Σ|ψ|², then counts ~ Poisson(s² |F ψ|²) (or no
//      noise), stored as amplitude √counts.
// The same config and seed give a byte-identical file: every random draw comes from a stream
// derived from the seed, and nothing time- or host-dependent is written.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ptychopinn::simulate {

enum class ScanKind { kGrid, kRandom };
// "grid", "random".
std::string to_string(ScanKind kind);
// Inverse of to_string; std::invalid_argument ("scan = 'x'; expected one of grid, random") otherwise.
ScanKind parse_scan_kind(const std::string& text);

enum class NoiseModel { kPoisson, kNone };
// "poisson", "none".
std::string to_string(NoiseModel noise);
// Inverse of to_string; std::invalid_argument listing the valid spellings otherwise.
NoiseModel parse_noise_model(const std::string& text);

// The fields carry the names of the `ptychopinn simulate` flags, so a message naming a field
// names the flag.
struct SimulationConfig {
  // "lines", "grf", "points", "diagonals" (seeded generators, objects.h) or "image:PATH" (a PNG;
  // amplitude = grey level in [0, 1]).
  std::string object = "lines";
  // PNG whose grey level g gives the phase π·(g − 1/2). "" = none. Not together with set_phi.
  std::string phase_image;
  // Phase from the reference's set_phi formula π·tanh((A − max A/2) / (3 mean A)).
  bool set_phi = false;
  // Side of the square object, pixels, in [64, 4096]. 0 = 392 for a synthetic object, the
  // picture's shorter side for an image (else the picture is resampled to this side).
  int64_t object_size = 0;
  // Pattern and probe side, pixels (>= 4). 0 = the probe file's size, or 64 with the default probe.
  int64_t N = 0;
  // Patterns per group: gridsize² neighbours. Shapes the grid scan (gridsize² patterns `offset`
  // apart per region) and is recorded for training; random scans ignore it.
  int64_t gridsize = 1;
  ScanKind scan = ScanKind::kGrid;
  // Grid scan: spacing of the patterns inside a region, pixels (>= 1).
  int64_t offset = 4;
  // Grid scan: regions start every outer_offset / 2 pixels (>= 2), as the reference's grid.
  int64_t outer_offset = 8;
  // Random scan: number of positions (>= 1), shared out by the split.
  int64_t n_images = 512;
  // Standard deviation of the Gaussian position error of the actual positions, pixels (>= 0).
  // xcoords/ycoords hold the actual positions, xcoords_start/ycoords_start the nominal ones.
  double jitter = 0.0;
  // NPZ whose probeGuess is the probe; "" = the reference's default disk probe.
  std::string probe;
  // The probe is normalised to mean amplitude 1 / probe_scale inside its disk (> 0; the modern
  // config's 4, the paper's 10).
  double probe_scale = 4.0;
  // Mean total photon count per pattern (> 0).
  double nphotons = 1e9;
  NoiseModel noise = NoiseModel::kPoisson;
  // Seed of every random draw (object, scan, jitter, counts).
  std::uint64_t seed = 1;
  // Share of the object's rows (and of n_images) for training, in (0, 1); 0 = no split (one file).
  double split = 0.0;
  // Deflate the NPZ members (savez_compressed); stored members can be memory-mapped instead.
  bool compress = false;

  // Throws std::invalid_argument "<field> = <value>; expected <constraint>" for the first bad field.
  void validate() const;
};

// The train share of a --split text: a fraction in (0, 1) ("0.8") or a ratio train:test with
// positive parts ("4:1", "80:20"). Throws std::invalid_argument naming 'split' otherwise.
double parse_split(const std::string& text);

// The files a simulation writes: {output} without a split; with one, "<stem>_train.npz" and
// "<stem>_test.npz", where <stem> is output without a trailing ".npz".
std::vector<std::string> simulation_output_paths(const std::string& output, bool split);

struct SimulatedFile {
  std::string path;
  std::string part;  // "all", "train" or "test"
  int64_t n_patterns = 0;
  int64_t object_height = 0, object_width = 0;
  double photon_scale = 0;    // s² (expected counts = s² |F ψ|²)
  double amplitude_norm = 0;  // the object amplitude was divided by this (step 3)
};

struct SimulationSummary {
  int64_t N = 0;
  std::vector<SimulatedFile> files;
  nlohmann::json to_json() const;
};

// Called with done = 0 once the scans are known (before the slow work), then after every block of
// patterns written: patterns done and in all, over all files.
using SimulationProgress = std::function<void(int64_t done, int64_t total)>;

// Validates config, simulates and writes the file(s) named by simulation_output_paths(output,
// config.split > 0), each atomically. Keys: diffraction [M, N, N] float32 (√counts), xcoords,
// ycoords (actual positions) and xcoords_start, ycoords_start (nominal) [M] float64, scan_index
// [M] int64 (zeros), probeGuess [N, N] complex64 (the normalised probe used), objectGuess [H, W]
// complex64 (the normalised object), _metadata (JSON, docs/formats.md).
// Throws std::invalid_argument for a bad config or one that fits no pattern (naming the field),
// IoError naming a file that cannot be read or written.
SimulationSummary simulate_dataset(const SimulationConfig& config, const std::string& output,
                                   const SimulationProgress& progress = {});

}  // namespace ptychopinn::simulate
