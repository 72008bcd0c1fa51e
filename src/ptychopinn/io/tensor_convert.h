#pragma once
// Conversion between NpyArray and torch::Tensor. The only io header that includes LibTorch, so that
// the .npy/.npz parsers (pp_io) build and fuzz without it; this lives in pp_io_torch.
#include <torch/torch.h>

#include "ptychopinn/io/npy_array.h"

namespace ptychopinn::io {

// A CPU tensor of the array's shape (0-d stays 0-d) and the matching dtype:
//   bool -> kBool; int8/16/32/64 -> kChar/kShort/kInt/kLong; uint8 -> kByte;
//   float32/64 -> kFloat/kDouble; complex64/128 -> kComplexFloat/kComplexDouble;
//   uint16 -> kInt and uint32 -> kLong, widened (a copy: torch has no such unsigned types);
//   uint64 -> kLong, shared when every value is <= INT64_MAX, else std::out_of_range naming the
//   first offending value.
// Zero-copy where possible: the tensor shares the array's bytes (torch::from_blob with a deleter
// that keeps the array's storage, e.g. the file mapping, alive). Bytes the array may not write (see
// NpyArray::mutable_data) are copied first, as is a misaligned array (a member of a NumPy-written
// stored .npz), since LibTorch kernels assume aligned data.
// Throws std::invalid_argument for unicode arrays (no tensor dtype; use NpyArray::strings()).
torch::Tensor to_tensor(const NpyArray& array);

// An array of the tensor's shape and dtype (the inverse of the table above; kByte -> uint8).
// The tensor is first made contiguous and moved to the CPU; the array then shares that CPU tensor's
// memory (as torch.Tensor.numpy() does), so later in-place writes to it show in the array.
// Throws std::invalid_argument for dtypes with no NumPy counterpart here (half, bfloat16,
// quantized, complex32).
NpyArray from_tensor(const torch::Tensor& tensor);

}  // namespace ptychopinn::io
