#pragma once
// Entry checks shared by the evaluation functions (internal). Images are 2-D real or complex
// tensors; the evaluation computes on the CPU in float64 because its images are small and its
// numbers are compared with float64 NumPy ones.
#include <torch/torch.h>

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::eval::detail {

using ::ptychopinn::tensor_checks::describe;
using ::ptychopinn::tensor_checks::fail;

// Requires a defined, non-empty, real floating [H, W] tensor.
inline void require_real_image(const char* where, const char* field, const torch::Tensor& image) {
  tensor_checks::require_dim(where, field, image, 2, "[H, W]");
  tensor_checks::require_real_floating(where, field, image);
  if (image.numel() == 0) fail(where, field, describe(image), "a non-empty [H, W] image");
}

// Requires a defined, non-empty, complex [H, W] tensor.
inline void require_complex_image(const char* where, const char* field, const torch::Tensor& image) {
  tensor_checks::require_dim(where, field, image, 2, "[H, W]");
  tensor_checks::require_complex(where, field, image);
  if (image.numel() == 0) fail(where, field, describe(image), "a non-empty [H, W] image");
}

// Requires two real images of one shape.
inline void require_image_pair(const char* where, const torch::Tensor& target,
                               const torch::Tensor& prediction) {
  require_real_image(where, "target", target);
  require_real_image(where, "prediction", prediction);
  if (target.sizes() != prediction.sizes()) {
    fail(where, "prediction", describe(prediction), "the shape of target " + describe(target));
  }
}

// The image as contiguous float64 on the CPU.
inline torch::Tensor as_cpu_double(const torch::Tensor& image) {
  return image.to(torch::kCPU, image.is_complex() ? torch::kComplexDouble : torch::kDouble).contiguous();
}

}  // namespace ptychopinn::eval::detail
