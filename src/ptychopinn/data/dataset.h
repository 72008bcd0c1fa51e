#pragma once
// A ptychography dataset loaded from an NPZ that follows the data contract
// (docs/formats.md), validated once at the boundary.
//
// The diffraction patterns stay where they are: when the archive is stored (np.savez, our writer)
// and the member is float32 in the canonical [M, N, N] layout, they are read straight from the
// file mapping on demand (copy_pattern), so opening a dataset larger than memory costs nothing.
// Other dtypes (float64, uint16, ...) and the legacy [N, N, M] layout are converted to float32
// [M, N, N] in memory once.
#include <torch/torch.h>

#include <complex>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/io/npy_array.h"
#include "ptychopinn/io/npz.h"

namespace ptychopinn::data {

struct DatasetOptions {
  // Diffraction that looks like intensity rather than amplitude is an error rather than a warning.
  bool strict = false;
  // Keep only this many scan points, a seeded random subset in file order (sorted indices), as
  // the reference's n_subsample; null = all. Larger than the number of points = all.
  std::optional<std::int64_t> n_subsample;
  // Seed of that subset.
  std::uint64_t subsample_seed = 42;
};

class Dataset {
 public:
  const std::string& path() const { return path_; }
  // "diff3d" or "diffraction": the key the patterns came from.
  const std::string& diffraction_key() const { return diffraction_key_; }
  // M, the number of scan points kept (after subsampling).
  std::int64_t size() const { return static_cast<std::int64_t>(x_.size()); }
  // N, the pattern (and probe) size in pixels.
  std::int64_t pattern_size() const { return n_; }

  // Scan positions in object pixels, [M] float64: x = column, y = row. The start (nominal)
  // positions default to the positions when the file has none.
  const std::vector<double>& x() const { return x_; }
  const std::vector<double>& y() const { return y_; }
  const std::vector<double>& x_start() const { return x_start_; }
  const std::vector<double>& y_start() const { return y_start_; }
  // [M] scan id per pattern (0 when the file has none).
  const std::vector<std::int64_t>& scan_index() const { return scan_index_; }
  // [M] the row of each kept point in the file (0..M_file-1, increasing).
  const std::vector<std::int64_t>& sample_indices() const { return sample_indices_; }
  // Number of scan points in the file, before subsampling.
  std::int64_t file_size() const { return file_size_; }

  // The probe, [N, N] complex64 (a real probe becomes complex with zero phase).
  const torch::Tensor& probe() const { return probe_; }
  // The object (ground truth or prior), [H, W] complex64, when the file has one.
  const std::optional<torch::Tensor>& object() const { return object_; }
  // The detector's bad pixels, [N, N] bool (true = bad, DC at (N/2, N/2) as the patterns), when the
  // file has the optional key 'bad_pixels'.
  const std::optional<torch::Tensor>& bad_pixels() const { return bad_pixels_; }
  // Whether the file carries ground-truth patches Y for every pattern.
  bool has_patches() const { return patches_.has_value(); }

  // The _metadata JSON object ({} when absent or unreadable; a warning says which).
  const nlohmann::json& metadata() const { return metadata_; }
  // nphotons from the metadata (top level or physics_parameters.nphotons), when present: the
  // default a run uses unless its configuration sets nphotons explicitly.
  std::optional<double> metadata_nphotons() const;

  // Contract warnings (e.g. data that looks like intensity, a dropped Y), for the caller to print.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Whether the patterns are read from the file mapping rather than held in memory.
  bool patterns_mapped() const { return patterns_mapped_; }

  // Copies pattern i (0 <= i < size()) into dst: N*N float32 amplitudes, row-major.
  void copy_pattern(std::int64_t i, float* dst) const;
  // Sum of squares of pattern i, accumulated in float64.
  double pattern_energy(std::int64_t i) const;
  // The caller will not read patterns before `end` again (for a while): a dataset read from the
  // file mapping hands their pages back to the kernel (io::release_pages), so one pass over a
  // dataset larger than memory keeps resident memory flat. `from` is where the caller's previous
  // call ended, so that only new pages are visited. Nothing happens for patterns held in memory.
  // Reading a released pattern again is correct, only slower (it comes from the file again).
  void release_patterns_before(std::int64_t end, std::int64_t from = 0) const;
  // Copies the ground-truth patch of pattern i into dst (N*N complex64); requires has_patches().
  void copy_patch(std::int64_t i, std::complex<float>* dst) const;

 private:
  friend Dataset load_dataset(const io::NpzReader& archive, const DatasetOptions& options);
  std::string path_;
  std::string diffraction_key_;
  std::int64_t n_ = 0;
  std::int64_t file_size_ = 0;
  io::NpyArray patterns_;  // float32 [M_file, N, N], C order (maybe mapped, misaligned)
  bool patterns_mapped_ = false;
  std::optional<io::NpyArray> patches_;  // complex64 [M_file, N, N]
  std::vector<double> x_, y_, x_start_, y_start_;
  std::vector<std::int64_t> scan_index_;
  std::vector<std::int64_t> sample_indices_;
  torch::Tensor probe_;
  std::optional<torch::Tensor> object_;
  std::optional<torch::Tensor> bad_pixels_;
  nlohmann::json metadata_ = nlohmann::json::object();
  std::vector<std::string> warnings_;
};

// Loads and validates a dataset NPZ. Every contract violation (missing key, mismatched lengths,
// non-square patterns, probe size != pattern size, NaN/Inf in patterns or coordinates, negative
// amplitudes, and with options.strict data that looks like intensity) throws std::invalid_argument
// naming the file, the key, and what was expected and found; an unreadable file throws IoError.
Dataset load_dataset(const std::string& path, const DatasetOptions& options = {});

// The same for members already open: an archive, or arrays in memory (io::NpzReader::from_arrays),
// named in messages and in path() by archive.path().
Dataset load_dataset(const io::NpzReader& archive, const DatasetOptions& options = {});

}  // namespace ptychopinn::data
