#include "ptychopinn/data/grouped_data.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "ptychopinn/data/patch_extraction.h"
#include "ptychopinn/data/random.h"

namespace ptychopinn::data {

void group_coordinates(const std::vector<double>& x, const std::vector<double>& y,
                       const std::int64_t* members, int c, double* centre, double* relative) {
  double sx = 0, sy = 0;
  for (int k = 0; k < c; ++k) {
    sx += x[static_cast<std::size_t>(members[k])];
    sy += y[static_cast<std::size_t>(members[k])];
  }
  centre[0] = sx / c;
  centre[1] = sy / c;
  for (int k = 0; k < c; ++k) {
    relative[2 * k] = -(x[static_cast<std::size_t>(members[k])] - centre[0]);
    relative[2 * k + 1] = -(y[static_cast<std::size_t>(members[k])] - centre[1]);
  }
}

GroupedData::GroupedData(std::shared_ptr<const Dataset> dataset, GroupTable groups,
                         const GroupedDataOptions& options)
    : dataset_(std::move(dataset)), groups_(std::move(groups)) {
  const std::string where = dataset_->path();
  if (groups_.n_rows <= 0) throw std::invalid_argument(where + ": no groups to train or reconstruct on");
  const int c = groups_.group_size;
  const std::int64_t m = dataset_->size();
  for (std::int64_t idx : groups_.indices) {
    if (idx < 0 || idx >= m) {
      throw std::invalid_argument(where + ": group member index = " + std::to_string(idx) +
                                  "; expected 0 <= index < " + std::to_string(m));
    }
  }
  // Normalisation over every member of every group (duplicates count), energies in float64. The
  // energies are read in file order, handing back what has been read as the pass goes: on a dataset
  // larger than memory this pass would otherwise leave the whole file resident.
  std::vector<char> used(static_cast<std::size_t>(m), 0);
  for (std::int64_t idx : groups_.indices) used[static_cast<std::size_t>(idx)] = 1;
  std::vector<double> energy(static_cast<std::size_t>(m), 0.0);
  constexpr std::int64_t kReleaseEvery = 1024;
  std::int64_t released = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    if (used[static_cast<std::size_t>(i)]) energy[static_cast<std::size_t>(i)] = dataset_->pattern_energy(i);
    if ((i + 1) % kReleaseEvery == 0) {
      dataset_->release_patterns_before(i + 1, released);
      released = i + 1;
    }
  }
  dataset_->release_patterns_before(m, released);
  double total = 0;
  for (std::int64_t idx : groups_.indices) total += energy[static_cast<std::size_t>(idx)];
  const double mean_energy = total / static_cast<double>(groups_.indices.size());
  if (!(mean_energy > 0) || !std::isfinite(mean_energy)) {
    throw std::invalid_argument(where + ": mean pattern energy = " + std::to_string(mean_energy) +
                                "; expected > 0 (the diffraction of the sampled groups is zero everywhere)");
  }
  const double half = static_cast<double>(dataset_->pattern_size()) / 2.0;
  normalization_ = static_cast<float>(std::sqrt(half * half / mean_energy));
  if (options.intensity_scale) {
    if (!(*options.intensity_scale > 0)) {
      throw std::invalid_argument("intensity_scale = " + std::to_string(*options.intensity_scale) +
                                  "; expected > 0");
    }
    intensity_scale_ = *options.intensity_scale;
  } else {
    if (!(options.nphotons > 0)) {
      throw std::invalid_argument("nphotons = " + std::to_string(options.nphotons) + "; expected > 0");
    }
    intensity_scale_ = std::sqrt(options.nphotons) / half;
  }

  const std::size_t b = static_cast<std::size_t>(groups_.n_rows);
  offsets_.resize(2 * b);
  relative_.resize(2 * b * c);
  start_offsets_.resize(2 * b);
  start_relative_.resize(2 * b * c);
  for (std::size_t g = 0; g < b; ++g) {
    const std::int64_t* row = groups_.indices.data() + g * c;
    group_coordinates(dataset_->x(), dataset_->y(), row, c, &offsets_[2 * g], &relative_[2 * g * c]);
    group_coordinates(dataset_->x_start(), dataset_->y_start(), row, c, &start_offsets_[2 * g],
                      &start_relative_[2 * g * c]);
  }
}

Batch GroupedData::batch(const std::vector<std::int64_t>& group_ids, const torch::Device& device) const {
  const auto b = static_cast<std::int64_t>(group_ids.size());
  const int c = groups_.group_size;
  const std::int64_t n = pattern_size();
  for (std::int64_t g : group_ids) {
    if (g < 0 || g >= size()) {
      throw std::out_of_range("group id = " + std::to_string(g) + "; expected 0 <= id < " +
                              std::to_string(size()));
    }
  }
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  Batch out;
  out.patterns = torch::empty({b, c, n, n}, torch::kFloat32);
  out.indices = torch::empty({b, c}, torch::kInt64);
  out.group_ids = torch::tensor(group_ids, torch::kInt64);
  out.coords_relative = torch::empty({b, c, 2}, f64);
  out.coords_offsets = torch::empty({b, 2}, f64);
  out.coords_start_relative = torch::empty({b, c, 2}, f64);
  out.coords_start_offsets = torch::empty({b, 2}, f64);
  const bool gt = has_ground_truth();
  if (gt) out.ground_truth = torch::empty({b, c, n, n}, torch::kComplexFloat);

  float* pat = out.patterns.data_ptr<float>();
  std::int64_t* ind = out.indices.data_ptr<std::int64_t>();
  double* rel = out.coords_relative.data_ptr<double>();
  double* off = out.coords_offsets.data_ptr<double>();
  double* srel = out.coords_start_relative.data_ptr<double>();
  double* soff = out.coords_start_offsets.data_ptr<double>();
  auto* truth =
      gt ? reinterpret_cast<std::complex<float>*>(out.ground_truth.data_ptr<c10::complex<float>>()) : nullptr;
  const auto& object = dataset_->object();
  const bool from_patches = dataset_->has_patches();
  torch::Tensor obj = (!from_patches && object) ? object->contiguous() : torch::Tensor();
  const auto* obj_data =
      obj.defined() ? reinterpret_cast<const std::complex<float>*>(obj.data_ptr<c10::complex<float>>())
                    : nullptr;
  const float scale = normalization_;
  const std::size_t nn = static_cast<std::size_t>(n * n);

  at::parallel_for(0, b, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const auto g = static_cast<std::size_t>(group_ids[static_cast<std::size_t>(i)]);
      off[2 * i] = offsets_[2 * g];
      off[2 * i + 1] = offsets_[2 * g + 1];
      soff[2 * i] = start_offsets_[2 * g];
      soff[2 * i + 1] = start_offsets_[2 * g + 1];
      for (int k = 0; k < c; ++k) {
        const std::int64_t idx = groups_.indices[g * c + k];
        const std::size_t slot = static_cast<std::size_t>(i * c + k);
        ind[slot] = idx;
        rel[2 * slot] = relative_[2 * (g * c + k)];
        rel[2 * slot + 1] = relative_[2 * (g * c + k) + 1];
        srel[2 * slot] = start_relative_[2 * (g * c + k)];
        srel[2 * slot + 1] = start_relative_[2 * (g * c + k) + 1];
        float* dst = pat + slot * nn;
        dataset_->copy_pattern(idx, dst);
        for (std::size_t p = 0; p < nn; ++p) dst[p] *= scale;
        if (from_patches) {
          dataset_->copy_patch(idx, truth + slot * nn);
        } else if (obj_data) {
          const auto si = static_cast<std::size_t>(idx);
          extract_patch(obj_data, obj.size(0), obj.size(1), dataset_->x()[si], dataset_->y()[si], n,
                        truth + slot * nn);
        }
      }
    }
  });
  if (device != torch::kCPU) {
    for (torch::Tensor* t :
         {&out.patterns, &out.coords_relative, &out.coords_offsets, &out.coords_start_relative,
          &out.coords_start_offsets, &out.indices, &out.group_ids, &out.ground_truth}) {
      if (t->defined()) *t = t->to(device);
    }
  }
  return out;
}

BatchSampler::BatchSampler(std::int64_t n_groups, std::int64_t batch_size, bool shuffle, std::uint64_t seed)
    : n_groups_(n_groups), batch_size_(batch_size), shuffle_(shuffle), seed_(seed) {
  if (n_groups < 0) throw std::invalid_argument("n_groups = " + std::to_string(n_groups) + "; expected >= 0");
  if (batch_size < 1)
    throw std::invalid_argument("batch_size = " + std::to_string(batch_size) + "; expected >= 1");
}

std::int64_t BatchSampler::batches_per_epoch() const { return (n_groups_ + batch_size_ - 1) / batch_size_; }

std::vector<std::vector<std::int64_t>> BatchSampler::epoch(std::int64_t epoch) const {
  std::vector<std::int64_t> order;
  if (shuffle_) {
    order = Random(Random::derive(seed_, static_cast<std::uint64_t>(epoch))).permutation(n_groups_);
  } else {
    order.resize(static_cast<std::size_t>(n_groups_));
    for (std::int64_t i = 0; i < n_groups_; ++i) order[static_cast<std::size_t>(i)] = i;
  }
  std::vector<std::vector<std::int64_t>> batches;
  for (std::int64_t start = 0; start < n_groups_; start += batch_size_) {
    const std::int64_t end = std::min(n_groups_, start + batch_size_);
    batches.emplace_back(order.begin() + start, order.begin() + end);
  }
  return batches;
}

}  // namespace ptychopinn::data
