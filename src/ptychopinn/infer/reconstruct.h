#pragma once
// Reconstruction of a scan: every group of the scan through the trained generator
// (and, for gridsize > 1 with object_big, through the overlap merge), one N x N object per group
// centred on the group centre, stitched in batches so memory is bounded by the batch size.
#include <torch/torch.h>

#include <functional>
#include <optional>

#include "ptychopinn/data/grouped_data.h"
#include "ptychopinn/infer/stitch.h"
#include "ptychopinn/model/pinn_model.h"

namespace ptychopinn::infer {

struct ReconstructOptions {
  int64_t batch_size = 16;  // InferenceConfig::batch_size explains the default
  // Central crop of each group's object that is stitched; null = 20 px at N = 64, scaled with N.
  std::optional<int64_t> stitch_crop;
  // Keep every group's N x N object (reconstruction.npz `patches`, --save_patches).
  bool keep_patches = false;
  // Stitch into this grid (positions in object pixels) instead of the reference's canvas.
  std::optional<StitchGrid> grid;
  torch::Device device = torch::kCPU;
  // Called after every batch with (groups done, groups in total).
  std::function<void(int64_t, int64_t)> progress;
};

struct Reconstruction {
  StitchedImage image;    // object [H, W] complex64 and its grid (x_origin_px, y_origin_px)
  torch::Tensor centres;  // [G, 2] float64 group centres [x, y], object px
  torch::Tensor patches;  // [G, N, N] complex64 when keep_patches, else undefined
  int64_t stitch_crop = 0;
};

// The object of each group of the batch, [B, N, N] complex: the generator's patch (gridsize 1 or
// object_big false), or the centre N x N of the merged canvas (gridsize > 1 with object_big), the
// reference's trimmed_obj. No gradients.
torch::Tensor predict_group_objects(model::PinnModelImpl& model, const data::Batch& batch);

// The default stitch crop for patch size N: 20 at N = 64 (the reference's), proportionally else.
int64_t default_stitch_crop(int64_t n);

Reconstruction reconstruct(model::PinnModelImpl& model, const data::GroupedData& groups,
                           const ReconstructOptions& options);

}  // namespace ptychopinn::infer
