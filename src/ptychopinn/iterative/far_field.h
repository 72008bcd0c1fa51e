#pragma once
// The engine's far-field transforms: orthonormal 2-D FFTs over the last two axes (FFT2_ortho and its
// inverse, the normalisation of physics/diffraction.h), the operation every iteration pays twice per
// pattern and mode.
//
// On the CPU they run through FFTW (single precision, FFTW_ESTIMATE plans: made in microseconds and
// the same on every run, so results do not depend on timing as FFTW_MEASURE's can), one N x N
// transform per pattern and mode, over the batch with at::parallel_for. On a 2-core machine at
// N = 128 that is three to four times LibTorch 1.13's pocketfft on one thread (0.05 against 0.15 s
// for the 516 patterns of the Siemens star, forward and inverse; 0.02-0.03 s on two threads).
// On other devices (and for other dtypes) they are torch::fft.
// Internal to iterative/.
#include <torch/torch.h>

#include <complex>
#include <cstdint>
#include <functional>
#include <memory>

namespace ptychopinn::iterative {

class FarField {
 public:
  // Transforms of n x n arrays.
  explicit FarField(int64_t n);
  ~FarField();
  FarField(const FarField&) = delete;
  FarField& operator=(const FarField&) = delete;

  int64_t size() const { return n_; }

  // Ψ = FFT2_ortho(ψ) into a new tensor.
  //   psi: [..., N, N] complex64 (any device);  returns: the same shape, dtype and device
  torch::Tensor forward(const torch::Tensor& psi) const;

  // ψ = IFFT2_ortho(Ψ), in place where possible (contiguous complex64 on the CPU), otherwise
  // `field` is replaced by a new tensor.
  void inverse_in_place(torch::Tensor& field) const;

  // A callback given one pattern's K fields, [K, N, N] contiguous complex64 starting at `fields`.
  using PatternFields = std::function<void(int64_t pattern, std::complex<float>* fields)>;

  // The transforms of a batch with work of the caller on each side, pattern by pattern while that
  // pattern's fields are in cache (what costs three passes over the batch's memory when done as
  // separate operations costs one): for each pattern b in parallel, fill(b, ·) writes ψ_bk, which
  // are replaced by Ψ_bk = FFT2_ortho(ψ_bk); between(b, ·) changes them; they are replaced by
  // IFFT2_ortho of the result; and after(b, ·), if given, reads them. Patterns are independent: the
  // callbacks are called concurrently for different b and must write only that pattern's fields or
  // per-pattern slots.
  //   fields: [B, K, N, N] contiguous complex64 on the host (its values on entry are unused)
  void round_trip(torch::Tensor& fields, const PatternFields& fill, const PatternFields& between,
                  const PatternFields& after = nullptr) const;

 private:
  struct Plans;
  int64_t n_;
  std::unique_ptr<Plans> plans_;
};

}  // namespace ptychopinn::iterative
