#pragma once
// Tensors as archive members: one tensor as an .npy image (probe.npy), named tensors as an .npz
// image (weights.npz), both readable by NumPy (np.load on the member's bytes).
#include <torch/torch.h>

#include <string>

#include "ptychopinn/bundle/module_state.h"

namespace ptychopinn::bundle {

// The .npy image of `tensor` (moved to the CPU, made contiguous; the bits are kept exactly).
// Throws std::invalid_argument for dtypes NumPy has no counterpart for here (half, bfloat16).
std::string encode_npy_member(const torch::Tensor& tensor);

// The tensor an .npy image holds. Throws IoError "<where>: ..." for a malformed image.
torch::Tensor decode_npy_member(std::string bytes, const std::string& where);

// The .npz image of `weights`: member "<name>.npy" per tensor, in order, stored uncompressed
// (trained float weights do not compress). Throws std::invalid_argument for a name that cannot
// be a member name (empty, '/'-absolute, a '..' component) or appears twice.
std::string encode_npz_member(const NamedTensors& weights, const std::string& where);

// The named tensors of an .npz image, in member order, names without ".npy".
// Throws IoError "<where>, member '<name>.npy': ..." for anything malformed.
NamedTensors decode_npz_member(std::string bytes, const std::string& where);

// "" when `tensor` holds only finite values (integer and bool tensors always do), else
// "holds <n> NaN and <m> infinite value(s)", for the caller's message and exception type.
std::string describe_non_finite(const torch::Tensor& tensor);

}  // namespace ptychopinn::bundle
