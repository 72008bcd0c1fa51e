#pragma once
// The object canvas of the forward model: padding and cropping between the N x N
// patch and the M x M canvas, the overlap merge of the C patches of a group into one canvas
// (`Merge`, object.big = True) and the re-extraction of the C patches from it (`Extract`).
#include <torch/torch.h>

#include <string>

#include "ptychopinn/config/enums.h"

namespace ptychopinn::physics {

// M = N + (gridsize - 1) * offset + max_position_jitter (the reference's padded_size).
// N = 64: 74 at gridsize 1, 78 at gridsize 2 (offset 4, jitter 10).
// Throws std::invalid_argument for N < 1, gridsize < 1, or a negative offset or jitter.
int canvas_size(int n, int gridsize, int offset, int max_position_jitter);

// Zero-pads the last two axes from N x N to M x M: (M - N) / 2 (rounded down) zeros before, the
// rest after (the reference's pad_patches; for even M - N both sides get (M - N) / 2).
//   images:  [..., N, N] any dtype (at least 2 axes, square)
//   returns: [..., M, M], dtype and device of images
// Throws std::invalid_argument if the last two axes differ or M < N.
torch::Tensor pad_to(const torch::Tensor& images, int64_t m);

// The central N x N window of the last two axes, starting at (M - N) / 2 (rounded down): the
// inverse of pad_to, and the reference's trim_reconstruction, except that M = N returns the
// images (the reference's [clip:-clip] with clip 0 gave an empty tensor).
//   images:  [..., M, M] any dtype
//   returns: [..., N, N] (a view of images)
// Throws std::invalid_argument if the last two axes differ, N < 1 or N > M.
torch::Tensor crop_center(const torch::Tensor& images, int64_t n);

// Mcen: ones in the central N/2 x N/2 block (rows and columns N/4 ... N/4 + N/2 - 1), zeros in the
// border of width N/4 (the reference's CenterMaskLayer(kind='center')). This is the support the
// decoder fills with pad_object.
//   returns: [N, N] with options' dtype and device (real dtype expected, e.g. float32)
// Throws std::invalid_argument if N < 2.
torch::Tensor center_mask(int64_t n, const torch::TensorOptions& options);

// The denominator of the overlap merge (the reference's formula has a 1000x border gain, so the
// choice is made explicit and recorded in the model archive) is the configuration's enum
// (config/enums.h), the one table of its spellings:
//   kReference: numerator Σ T(pad(O_c)), denominator Σ T(pad(Mcen)) + 0.001, as the TF reference.
//     Content outside every central window is multiplied by 1000 (the border gain seen when the
//     decoder emits a border, probe.big = True).
//   kCoMasked: the numerator patches are multiplied by Mcen as well, so the canvas holds only
//     central-window content (≈ 0 elsewhere); the Torch port's merge.
//   kProbeWeighted: Mcen is replaced by the probe intensity W = |P|² / max|P|² in the numerator
//     and the denominator, so each canvas pixel is the average of the patches that saw it,
//     weighted by how brightly they saw it (the object update of iterative solvers). Right for any
//     probe and gridsize: merging patches of one object and extracting them returns them wherever
//     the probe lights them (to within 0.001 / Σ W); where no patch is lit the canvas tends to 0,
//     which the forward model multiplies by a dark probe anyway.
using config::MergeDenominator;

// The overlap merge, per sample and never across the batch (the reference, for large batches,
// summed the patches of every sample into one canvas):
//   canvas[b] = Σ_c T(pad_M(O[b, c]), -r[b, c]) / (Σ_c T(pad_M(Mcen), -r[b, c]) + 0.001)
// with O[b, c] replaced by Mcen ⊙ O[b, c] in the numerator for kCoMasked, and Mcen by W (above) in
// both for kProbeWeighted. Real and imaginary parts are merged alike (the denominator is real). The offsets
// are not re-centred: feed relative coordinates (zero mean within each group), as extract does not re-centre
// either.
//   patches: [B, C, N, N] complex64/complex128 (float32/float64 also accepted)
//   offsets: [B, C, 2] floating, r = [x, y] in object pixels, on the patches' device
//   m:       canvas size M >= N (see canvas_size)
//   probe:   [N, N] complex (or real amplitude), kProbeWeighted only (else ignored); its intensity is
//            the weight, with no gradient flowing to the probe through it
//   returns: [B, M, M], dtype and device of patches
// Differentiable w.r.t. patches and offsets. Throws std::invalid_argument on wrong shapes, dtypes
// or devices, M < N, or kProbeWeighted without an [N, N] probe.
torch::Tensor merge(const torch::Tensor& patches, const torch::Tensor& offsets, int64_t m,
                    MergeDenominator mode = MergeDenominator::kReference,
                    const torch::Tensor& probe = torch::Tensor());

// The re-extraction of the C patches of each group from its canvas (the reference's Extract):
//   out[b, c] = crop_N(T(canvas[b], +r[b, c]))
// which brings the canvas point centre - r[b, c] to pixel (N/2, N/2) of the patch; this is the
// inverse of merge's placement.
//   canvas:  [B, M, M] complex64/complex128 (float32/float64 also accepted)
//   offsets: [B, C, 2] floating, r = [x, y] in object pixels, on the canvas' device
//   n:       patch size N <= M
//   returns: [B, C, N, N], dtype and device of canvas
// Differentiable w.r.t. canvas and offsets. Throws std::invalid_argument on wrong shapes, dtypes
// or devices, N < 1 or N > M.
torch::Tensor extract(const torch::Tensor& canvas, const torch::Tensor& offsets, int64_t n);

}  // namespace ptychopinn::physics
