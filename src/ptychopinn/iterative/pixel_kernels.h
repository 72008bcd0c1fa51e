#pragma once
// Per-pattern pixel loops of the Fourier step on the host, on complex64 data seen as interleaved
// (real, imaginary) floats. They are written out in float arithmetic so that the compiler
// vectorises them: std::complex<float> products carry a NaN-recovery branch (C99 Annex G) that
// prevents it, and this translation unit is compiled without errno for the square root (which
// otherwise keeps the vector square-root instruction out). No LibTorch here: plain loops.
// Internal to iterative/.
#include <cstdint>

namespace ptychopinn::iterative {

// |Fψ| below this is treated as zero when dividing by it: Ψ_k is then 0 too (|Ψ_k| <= |Fψ|), so
// the product stays 0 rather than NaN.
inline constexpr float kTinyAmplitude = 1e-20f;

// ψ_m = P_m · O for the K modes of one pattern.
//   probe: [K, pixels] complex;  patch: [pixels] complex;  out: [K, pixels] complex
void exit_waves_of_pattern(const float* probe, const float* patch, int64_t k, int64_t pixels, float* out);

// Σ_m conj(P_m) χ_m for one pattern.
//   probe: [K, pixels] complex;  chi: [K, pixels] complex;  out: [pixels] complex
void object_numerator_of_pattern(const float* probe, const float* chi, int64_t k, int64_t pixels, float* out);

// The Gaussian step of one pattern in place, in one pass over its K far fields Ψ_k ([K, pixels]
// complex): per pixel the model amplitude |Fψ| = sqrt(Σ_k |Ψ_k|²), the residual |Fψ| − A, and
// Ψ_k ← w · (A / |Fψ| − 1) · Ψ_k, which is Ψ'_k − Ψ_k for the modulus projection Ψ'_k = Ψ_k A / |Fψ|.
//   amplitudes: [pixels] measured A;  valid: [pixels] w (1 measured, 0 bad pixel) or null (all 1)
// Returns Σ w (|Fψ| − A)², summed in float within rows of 256 pixels and in double across them.
double gaussian_pattern(float* fields, int64_t k, const float* amplitudes, const float* valid,
                        int64_t pixels);

}  // namespace ptychopinn::iterative
