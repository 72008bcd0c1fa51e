#pragma once
// Ground-truth patches: N x N windows of the object centred on a scan position.
#include <complex>
#include <cstdint>

namespace ptychopinn::data {

// Writes into out (N*N complex64, row-major) the N x N window of object (H x W complex64,
// row-major) whose pixel (N/2, N/2) sits on the object position (x, y) (x = column, y = row, object
// pixels): out(r, c) = object(y - N/2 + r, x - N/2 + c), bilinear for fractional positions, each
// corner outside the object contributing zero. This is the reference's get_image_patches for
// gridsize 1 (pad by N/2, translate by -(x, y), crop), and at gridsize > 1 the window centred on
// the member's own position rather than the reference's mirrored one (2 * centroid - position).
void extract_patch(const std::complex<float>* object, std::int64_t height, std::int64_t width, double x,
                   double y, std::int64_t n, std::complex<float>* out);

}  // namespace ptychopinn::data
