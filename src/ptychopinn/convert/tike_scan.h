#pragma once
// tike's NPZ scans (e.g. the siemens-star-small.npz.bz2 of tike's test data), and their conversion to
// the data contract.
//
// A tike scan holds `data` (..., M, H, W) photon counts with DC at the array corner, `probe`
// (..., H, W) complex on the object grid (leading axes: tike's views and modes; all must be 1 except
// that extra probe modes are dropped with a note), and `scan` (..., M, 2) positions in object pixels
// as (row, column), centred near zero. The file may be bzip2-compressed.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "ptychopinn/convert/contract_data.h"

namespace ptychopinn::convert {

struct TikeScan {
  std::string path;
  torch::Tensor counts;            // [M, H, H] float32, DC at [0, 0] (as stored)
  torch::Tensor probe;             // [H, H] complex64
  torch::Tensor positions_rc;      // [M, 2] float64, (row, column) object pixels
  std::vector<std::string> notes;  // what was dropped or assumed, for the user
};

// Reads and checks a tike scan. Throws IoError naming the file for an unreadable archive, and
// std::invalid_argument naming the file and the key for a missing member ("has no 'scan'; its
// members are ..."), a wrong shape or dtype, leading axes that are not 1, counts that are negative,
// NaN or Inf, non-square patterns, a probe whose size differs from the patterns', or a number of
// positions that differs from the number of patterns.
TikeScan read_tike_scan(const std::string& path);

struct TikeConvertOptions {
  // Central n x n detector pixels to keep (even, <= H); 0 keeps the whole detector. The object
  // pixel grows by H / n, and positions and the probe follow (detector_crop.h).
  int64_t crop = 0;
  // The probe is normalised to mean amplitude 1 / probe_scale inside its disk (> 0).
  double probe_scale = 4.0;
  // Keep only the frames i with i mod subsample_every = subsample_index (1 and 0: all). Positions
  // are placed on the whole scan's canvas, so subsets of one scan share one object grid (two
  // halves, every = 2 and index 0 or 1, reconstruct the same object for an FRC between them).
  int64_t subsample_every = 1;
  int64_t subsample_index = 0;
};

// The contract dataset of a tike scan: amplitude = sqrt(fftshift(counts)) (cropped), x = column and
// y = row divided by H / n and shifted so that the smallest is N/2 (every patch inside the canvas),
// the probe resampled and normalised, and _metadata recording the source, the crop, the object
// pixel scale and nphotons = the mean total counts per (cropped) pattern.
ContractData contract_from_tike(const TikeScan& scan, const TikeConvertOptions& options);

}  // namespace ptychopinn::convert
