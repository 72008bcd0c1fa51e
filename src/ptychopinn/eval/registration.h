#pragma once
// Sub-pixel registration of a reconstruction to the ground truth, and the Fourier-domain shift
// that applies it.
//
// Why not scikit-image's phase_cross_correlation, as the reference does: its default "phase"
// normalisation whitens the spectrum, so for two non-periodic windows of one object (exactly the
// reconstruction-versus-truth case) the shared window border dominates and the peak stays at zero.
// Measured with scikit-image 0.19 on 96 x 96 windows of a smooth image moved by (-0.6, 1.3),
// (4.3, -6.7) and (-9.4, 3.6) px: it returned (0, 0) every time. Here the integer part comes from
// the plain cross-correlation and the sub-pixel part from a least-squares fit on the interior,
// which recovers those shifts to about 0.01 px (docs/evaluation.md).
#include <torch/torch.h>

namespace ptychopinn::eval {

// A translation in pixels, (dy, dx) = (rows, columns); applying it to an image moves its content by
// +dy rows and +dx columns.
struct ImageShift {
  double dy_px = 0.0;
  double dx_px = 0.0;
};

// The shift that registers `moving` onto `reference`, i.e. the one to apply to `moving` (the sign of
// scikit-image's phase_cross_correlation): if `moving` is `reference` with its content moved by +t,
// the result is -t.
//  1. integer estimate: the peak of the circular cross-correlation of the mean-subtracted images;
//  2. refinement: Gauss-Newton on (dy, dx, gain, offset) minimising
//       Σ_interior (reference - gain · shifted(moving) - offset)²
//     where `shifted` is fourier_shift and the interior excludes a border of |integer shift| + 6 px,
//     so neither the unknown content entering at the edges nor the image borders bias the fit. The
//     gain and offset absorb an amplitude scale and background (a reconstruction's are free).
// If the refinement cannot run (interior under 8 x 8 pixels, flat images) or does not converge
// within 2 px of the integer estimate, the integer estimate is returned.
//   reference, moving: [H, W] real floating, same shape; any device (the reference uses amplitudes)
// Throws std::invalid_argument on wrong ranks, dtypes or shapes.
ImageShift estimate_shift(const torch::Tensor& reference, const torch::Tensor& moving);

// Moves the content of an image by +shift with a Fourier phase ramp,
//   ifft2(fft2(x) · exp(-2πi (dy·ky + dx·kx))),  k in cycles per pixel,
// applied to the image's mirror-symmetric extension ([2H, 2W], continuous across every border) and
// cropped back. So nothing wraps around from the opposite edge and there is no ringing from a
// border discontinuity; the ~|shift| pixels entering at an edge are the mirror image of that edge.
// Exact (to rounding) for integer shifts away from the edges and for band-limited content.
//   image:   [H, W] float32/float64/complex64/complex128; any device
//   returns: [H, W] float64 or complex128 (the input's kind), on the CPU
// Throws std::invalid_argument on a wrong rank or dtype, an empty image, or a non-finite shift.
torch::Tensor fourier_shift(const torch::Tensor& image, const ImageShift& shift);

}  // namespace ptychopinn::eval
