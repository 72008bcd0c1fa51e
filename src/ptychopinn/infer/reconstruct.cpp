#include "ptychopinn/infer/reconstruct.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "ptychopinn/physics/canvas.h"

namespace ptychopinn::infer {

int64_t default_stitch_crop(int64_t n) { return std::max<int64_t>(1, kDefaultStitchCropSize * n / 64); }

torch::Tensor predict_group_objects(model::PinnModelImpl& model, const data::Batch& batch) {
  torch::NoGradGuard no_grad;
  const auto& o = model.options();
  const auto object = model.generate(batch.patterns);  // [B, Cout, N, N]
  if (!o.net.object_big || o.net.channels_in() == 1) {
    // Gridsize 1 merges one patch at offset 0: the canvas is the patch times W / (W + 0.001) for
    // probe_weighted (the patch where the probe lights it), the patch over 1.001 plus a ×1000 border
    // gain outside the central window for reference. Stitching keeps the lit centre either way;
    // skipping the merge keeps the border finite for --save_patches.
    return object.select(1, 0);
  }
  const auto offsets = batch.coords_relative.to(object.device()).to(torch::kFloat32);
  const auto canvas = physics::merge(object, offsets, o.canvas_size, o.merge, model.probe());
  return physics::crop_center(canvas, o.net.N).contiguous();
}

Reconstruction reconstruct(model::PinnModelImpl& model, const data::GroupedData& groups,
                           const ReconstructOptions& options) {
  if (options.batch_size < 1) {
    throw std::invalid_argument("reconstruct: batch_size = " + std::to_string(options.batch_size) +
                                "; expected >= 1");
  }
  const int64_t g = groups.size();
  const int64_t n = groups.pattern_size();
  Reconstruction result;
  result.stitch_crop = options.stitch_crop.value_or(default_stitch_crop(n));
  if (result.stitch_crop < 1 || result.stitch_crop > n) {
    throw std::invalid_argument("reconstruct: stitch_crop = " + std::to_string(result.stitch_crop) +
                                "; expected 1 ... N = " + std::to_string(n));
  }
  result.centres =
      torch::from_blob(const_cast<double*>(groups.coords_offsets().data()), {g, 2}, torch::kFloat64).clone();
  const StitchGrid grid =
      options.grid ? *options.grid : reference_stitch_grid(result.centres, result.stitch_crop);
  StitchAccumulator accumulator(grid, result.stitch_crop, options.device);
  std::vector<torch::Tensor> kept;
  // The lowest pattern any group from g on needs: the patterns below it are done once the groups
  // before g are, and a dataset read from its file mapping hands their pages back, so resident
  // memory stays flat however many patterns stream through (groups in scan order release as they
  // go; in any other order, less and later).
  const auto& table = groups.groups();
  std::vector<int64_t> lowest_needed(static_cast<size_t>(g) + 1, groups.dataset().size());
  for (int64_t r = g - 1; r >= 0; --r) {
    const int64_t* row = table.row(r);
    lowest_needed[static_cast<size_t>(r)] =
        std::min(lowest_needed[static_cast<size_t>(r) + 1], *std::min_element(row, row + table.group_size));
  }
  int64_t released = 0;
  model.eval();
  for (int64_t start = 0; start < g; start += options.batch_size) {
    std::vector<int64_t> ids(static_cast<size_t>(std::min(options.batch_size, g - start)));
    std::iota(ids.begin(), ids.end(), start);
    const auto batch = groups.batch(ids, options.device);
    const int64_t done_below = lowest_needed[static_cast<size_t>(start) + ids.size()];
    if (done_below > released) {
      groups.dataset().release_patterns_before(done_below, released);
      released = done_below;
    }
    const auto objects = predict_group_objects(model, batch);
    accumulator.add(objects, batch.coords_offsets);
    if (options.keep_patches) kept.push_back(objects.to(torch::kCPU, torch::kComplexFloat));
    if (options.progress) options.progress(start + static_cast<int64_t>(ids.size()), g);
  }
  result.image = accumulator.result();
  result.image.object = result.image.object.to(torch::kCPU, torch::kComplexFloat);
  result.image.coverage = result.image.coverage.to(torch::kCPU);
  if (options.keep_patches) result.patches = torch::cat(kept, 0);
  return result;
}

}  // namespace ptychopinn::infer
