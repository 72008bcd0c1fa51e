#include "ptychopinn/physics/diffraction.h"

#include "ptychopinn/tensor/checks.h"

namespace ptychopinn::physics {

namespace checks = ::ptychopinn::tensor_checks;

namespace {

// fftshift(FFT2_ortho(ψ)) over the last two axes, after checking ψ.
torch::Tensor shifted_far_field(const char* where, const torch::Tensor& psi) {
  checks::require_defined(where, "psi", psi);
  if (psi.dim() < 2 || psi.size(-1) != psi.size(-2))
    checks::fail(where, "psi", checks::describe(psi), "[..., N, N]");
  checks::require_complex(where, "psi", psi);
  // N is even in the model, so fftshift and ifftshift coincide; for odd N fftshift
  // puts DC at N/2 rounded down, like numpy's.
  return torch::fft::fftshift(torch::fft::fft2(psi, c10::nullopt, {-2, -1}, "ortho"),
                              std::vector<int64_t>{-2, -1});
}

}  // namespace

torch::Tensor far_field_amplitude(const torch::Tensor& psi) {
  return shifted_far_field("physics::far_field_amplitude", psi).abs();
}

torch::Tensor far_field_intensity(const torch::Tensor& psi) {
  const auto field = torch::view_as_real(shifted_far_field("physics::far_field_intensity", psi));
  return field.square().sum(-1);
}

}  // namespace ptychopinn::physics
