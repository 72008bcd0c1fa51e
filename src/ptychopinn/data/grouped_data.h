#pragma once
// Sampled groups of a dataset, ready for the model: per-group coordinates, the diffraction
// normalisation, the intensity scale, and batches gathered on demand.
//
// Shapes (B groups in the batch, C = gridsize^2 members, N pattern size):
//   patterns               [B, C, N, N] float32  normalised amplitudes X * normalization()
//   coords_relative        [B, C, 2]    float64  [x, y] = -(position - group centre), object px
//   coords_offsets         [B, 2]       float64  group centre = mean member position [x, y]
//   coords_start_relative, coords_start_offsets: the same from the start (nominal) positions
//   indices                [B, C]       int64    dataset indices of the members
//   group_ids              [B]          int64    which groups these are (rows of groups())
//   ground_truth           [B, C, N, N] complex64 object patches centred on each member's position
//                                                (undefined when the dataset has no object or Y)
// A batch is gathered from the (possibly memory-mapped) pattern array when asked for, so the
// resident memory does not grow with n_groups x C copies of the patterns.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/data/grouping.h"

namespace ptychopinn::data {

struct GroupedDataOptions {
  // Photons per pattern, for the default intensity scale sqrt(nphotons) / (N/2).
  double nphotons = 1e9;
  // An explicit intensity scale (e.g. the one stored with a trained model); null = the default.
  std::optional<double> intensity_scale;
};

struct Batch {
  torch::Tensor patterns;
  torch::Tensor coords_relative;
  torch::Tensor coords_offsets;
  torch::Tensor coords_start_relative;
  torch::Tensor coords_start_offsets;
  torch::Tensor indices;
  torch::Tensor group_ids;
  torch::Tensor ground_truth;
};

class GroupedData {
 public:
  // groups: rows of C dataset indices (0 <= index < dataset->size()). Throws invalid_argument for
  // an empty table, an index out of range, or diffraction whose energy is zero.
  GroupedData(std::shared_ptr<const Dataset> dataset, GroupTable groups,
              const GroupedDataOptions& options = {});

  const Dataset& dataset() const { return *dataset_; }
  const GroupTable& groups() const { return groups_; }
  std::int64_t size() const { return groups_.n_rows; }
  int group_size() const { return groups_.group_size; }
  std::int64_t pattern_size() const { return dataset_->pattern_size(); }

  // The factor that makes the mean pattern energy over the sampled groups (N/2)^2 (the
  // reference's normalize_data: every member of every group counts, duplicates included), as float32.
  float normalization() const { return normalization_; }
  // sqrt(nphotons) / (N/2) unless given; applied at the physics boundary only.
  double intensity_scale() const { return intensity_scale_; }
  bool has_ground_truth() const { return dataset_->object().has_value() || dataset_->has_patches(); }

  // [B * 2] and [B * C * 2], x before y.
  const std::vector<double>& coords_offsets() const { return offsets_; }
  const std::vector<double>& coords_relative() const { return relative_; }

  // The batch of the given groups (each 0 <= id < size()), on device.
  Batch batch(const std::vector<std::int64_t>& group_ids, const torch::Device& device = torch::kCPU) const;

 private:
  std::shared_ptr<const Dataset> dataset_;
  GroupTable groups_;
  float normalization_ = 1.0f;
  double intensity_scale_ = 1.0;
  std::vector<double> offsets_, relative_, start_offsets_, start_relative_;
};

// Group centre and relative offsets of one group: centre = mean of the member positions,
// relative_c = -(position_c - centre) (the reference's sign). x, y: positions of the dataset;
// members: C indices. Writes centre[2] and relative[C * 2], [x, y] order.
void group_coordinates(const std::vector<double>& x, const std::vector<double>& y,
                       const std::int64_t* members, int c, double* centre, double* relative);

// The order in which an epoch visits the groups, as batches of group ids: a seeded permutation
// per epoch (the same seed and epoch give the same batches) or the natural order; the last
// partial batch is kept.
class BatchSampler {
 public:
  BatchSampler(std::int64_t n_groups, std::int64_t batch_size, bool shuffle, std::uint64_t seed);
  std::int64_t batches_per_epoch() const;
  std::vector<std::vector<std::int64_t>> epoch(std::int64_t epoch) const;

 private:
  std::int64_t n_groups_, batch_size_;
  bool shuffle_;
  std::uint64_t seed_;
};

}  // namespace ptychopinn::data
