#include "ptychopinn/simulate/objects.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "ptychopinn/data/random.h"
#include "ptychopinn/physics/gaussian_filter.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {
namespace {

constexpr int64_t kMinObjectSize = 64;
constexpr int64_t kMaxObjectSize = 4096;

// A row-major [rows, cols] float64 image; the generators work here and convert once at the end,
// so every step is plain, ordered C++ arithmetic (bit-reproducible for a given build).
struct Image {
  int64_t rows = 0, cols = 0;
  std::vector<double> v;
  Image(int64_t r, int64_t c) : rows(r), cols(c), v(static_cast<size_t>(r * c), 0.0) {}
  double& at(int64_t r, int64_t c) { return v[static_cast<size_t>(r * cols + c)]; }
  double at(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * cols + c)]; }
};

// scipy.ndimage.gaussian_filter (physics/gaussian_filter.h) on an Image.
Image filter_image(const Image& in, double sigma) {
  Image out(in.rows, in.cols);
  physics::gaussian_filter(in.v.data(), in.rows, in.cols, sigma, out.v.data());
  return out;
}

// a·A + b·B, element-wise.
Image combine(double a, const Image& x, double b, const Image& y) {
  Image out(x.rows, x.cols);
  for (size_t i = 0; i < out.v.size(); ++i) out.v[i] = a * x.v[i] + b * y.v[i];
  return out;
}

torch::Tensor to_tensor(const Image& img) {
  return torch::from_blob(const_cast<double*>(img.v.data()), {img.rows, img.cols},
                          torch::TensorOptions().dtype(torch::kFloat64))
      .clone();
}

Image from_tensor(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat64).contiguous();
  Image img(c.size(0), c.size(1));
  std::copy(c.data_ptr<double>(), c.data_ptr<double>() + c.numel(), img.v.begin());
  return img;
}

// skimage.draw.line (Bresenham): every pixel of the segment (r0, c0)–(r1, c1), both ends included.
void draw_line(Image& img, int64_t r0, int64_t c0, int64_t r1, int64_t c1) {
  int64_t r = r0, c = c0;
  int64_t dr = std::abs(r1 - r0), dc = std::abs(c1 - c0);
  int64_t sr = r1 - r > 0 ? 1 : -1, sc = c1 - c > 0 ? 1 : -1;
  const bool steep = dr > dc;
  if (steep) {
    std::swap(r, c);
    std::swap(dr, dc);
    std::swap(sr, sc);
  }
  int64_t d = 2 * dr - dc;
  for (int64_t i = 0; i < dc; ++i) {
    if (steep) {
      img.at(c, r) = 1.0;
    } else {
      img.at(r, c) = 1.0;
    }
    while (d >= 0) {
      r += sr;
      d -= 2 * dc;
    }
    c += sc;
    d += 2 * dr;
  }
  img.at(r1, c1) = 1.0;
}

// int(n · U[0, 1)), the reference's `mk_rand`.
int64_t scaled_uniform(data::Random& rng, int64_t n) {
  return static_cast<int64_t>(static_cast<double>(n) * rng.uniform01());
}

// `lines` (the reference's mk_lines_img + sim_object_image): 400 lines on a (2·size)² canvas,
// gf(1) + 2·gf(5) + 5·gf(10), central size×size crop.
Image make_lines(int64_t size, data::Random& rng) {
  const int64_t canvas = 2 * size;
  Image img(canvas, canvas);
  for (int i = 0; i < 400; ++i) {
    // Python evaluates draw.line's arguments left to right: r0, c0, r1, c1.
    const int64_t r0 = scaled_uniform(rng, canvas), c0 = scaled_uniform(rng, canvas);
    const int64_t r1 = scaled_uniform(rng, canvas), c1 = scaled_uniform(rng, canvas);
    draw_line(img, r0, c0, r1, c1);
  }
  // Accumulated one filter at a time: at size 4096 each canvas-sized image is 512 MiB.
  Image sum = filter_image(img, 1.0);
  for (const auto& [sigma, weight] : {std::pair{5.0, 2.0}, std::pair{10.0, 5.0}}) {
    const Image g = filter_image(img, sigma);
    for (size_t i = 0; i < sum.v.size(); ++i) sum.v[i] += weight * g.v[i];
  }
  Image out(size, size);
  const int64_t start = size / 2;  // [size//2 : -size//2] of the 2·size canvas
  for (int64_t r = 0; r < size; ++r) {
    for (int64_t c = 0; c < size; ++c) out.at(r, c) = sum.at(start + r, start + c);
  }
  return out;
}

// `points` (the reference's points generator): int(0.1·size²) pixels incremented, drawn with replacement,
// then gf(1) + 5·gf(10).
Image make_points(int64_t size, data::Random& rng) {
  Image img(size, size);
  const auto n_points = static_cast<int64_t>(0.1 * static_cast<double>(size * size));
  for (int64_t i = 0; i < n_points; ++i) {
    const auto r = static_cast<int64_t>(rng.uniform_below(static_cast<uint64_t>(size)));
    const auto c = static_cast<int64_t>(rng.uniform_below(static_cast<uint64_t>(size)));
    img.at(r, c) += 1.0;
  }
  return combine(1.0, filter_image(img, 1.0), 5.0, filter_image(img, 10.0));
}

// `diagonals` (the reference's diagonals generator): 40 vertical, 40 horizontal and 40 diagonal
// lines, each diagonal also mirrored left-right (column −c mod size); then img = gf(img, 0.75);
// img + 5·gf(img, 7.5). The second filter acts on the already-smoothed image, as in the reference
// code.
Image make_diagonals(int64_t size, data::Random& rng) {
  Image img(size, size);
  const auto n = static_cast<uint64_t>(size);
  for (int i = 0; i < 40; ++i) {
    const auto x = static_cast<int64_t>(rng.uniform_below(n));
    for (int64_t r = 0; r < size; ++r) img.at(r, x) = 1.0;
  }
  for (int i = 0; i < 40; ++i) {
    const auto y = static_cast<int64_t>(rng.uniform_below(n));
    for (int64_t c = 0; c < size; ++c) img.at(y, c) = 1.0;
  }
  for (int i = 0; i < 40; ++i) {
    auto x = static_cast<int64_t>(rng.uniform_below(n));
    auto y = static_cast<int64_t>(rng.uniform_below(n));
    const int64_t off = std::min(x, y);
    x -= off;
    y -= off;
    // Rows x .. size−y−1 paired with columns y .. size−x−1 (equal lengths: one of x, y is 0).
    for (int64_t t = 0; x + t < size - y; ++t) {
      const int64_t row = x + t, col = y + t;
      img.at(row, col) = 1.0;
      img.at(row, col == 0 ? 0 : size - col) = 1.0;  // numpy's arr[ix, -iy]
    }
  }
  const Image smooth = filter_image(img, 0.75);
  return combine(1.0, smooth, 5.0, filter_image(smooth, 7.5));
}

// `grf` (the reference's grf generator): field on a (size/2)² grid, normalised to [0, 1],
// bilinearly resampled to size×size, gf(1).
Image make_grf(int64_t size, double power, uint64_t seed) {
  const int64_t half = size / 2;
  torch::Tensor field = gaussian_random_field(half, power, seed);
  const double lo = field.min().item<double>(), hi = field.max().item<double>();
  field = hi > lo ? (field - lo) / (hi - lo) : torch::zeros_like(field);
  // align_corners = false: pixel centres map as in skimage/cv2 resizing; the result stays in [0, 1]
  // because bilinear weights are convex.
  torch::Tensor resized = torch::nn::functional::interpolate(field.unsqueeze(0).unsqueeze(0),
                                                             torch::nn::functional::InterpolateFuncOptions()
                                                                 .size(std::vector<int64_t>{size, size})
                                                                 .mode(torch::kBilinear)
                                                                 .align_corners(false));
  return filter_image(from_tensor(resized.squeeze(0).squeeze(0)), 1.0);
}

void check_size(const char* where, int64_t size) {
  if (size < kMinObjectSize || size > kMaxObjectSize) {
    throw std::invalid_argument(std::string(where) + ": size = " + std::to_string(size) + "; expected " +
                                std::to_string(kMinObjectSize) +
                                " <= size <= " + std::to_string(kMaxObjectSize));
  }
}

}  // namespace

std::string to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kLines:
      return "lines";
    case ObjectKind::kGrf:
      return "grf";
    case ObjectKind::kPoints:
      return "points";
    case ObjectKind::kDiagonals:
      return "diagonals";
  }
  throw std::invalid_argument("to_string: ObjectKind = " + std::to_string(static_cast<int>(kind)) +
                              "; expected a valid ObjectKind");
}

ObjectKind parse_object_kind(const std::string& text) {
  for (ObjectKind k : {ObjectKind::kLines, ObjectKind::kGrf, ObjectKind::kPoints, ObjectKind::kDiagonals}) {
    if (text == to_string(k)) return k;
  }
  throw std::invalid_argument("parse_object_kind: kind = \"" + text +
                              "\"; expected one of lines, grf, points, diagonals");
}

torch::Tensor gaussian_random_field(int64_t size, double power, uint64_t seed) {
  if (size < 4) {
    throw std::invalid_argument("gaussian_random_field: size = " + std::to_string(size) +
                                "; expected size >= 4");
  }
  if (!std::isfinite(power)) {
    throw std::invalid_argument("gaussian_random_field: power = " + format_number(power) +
                                "; expected a finite value");
  }
  // White noise by Box-Muller from uniform01, which is portable where std::normal_distribution is not.
  data::Random rng(seed);
  Image noise(size, size);
  for (size_t i = 0; i < noise.v.size(); i += 2) {
    const double radius = std::sqrt(-2.0 * std::log(1.0 - rng.uniform01()));  // 1 − u ∈ (0, 1]
    const double angle = 2.0 * M_PI * rng.uniform01();
    noise.v[i] = radius * std::cos(angle);
    if (i + 1 < noise.v.size()) noise.v[i + 1] = radius * std::sin(angle);
  }
  const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  const torch::Tensor freq = torch::fft::fftfreq(size, f64);
  const torch::Tensor k = torch::sqrt(freq.unsqueeze(1).square() + freq.unsqueeze(0).square());
  // Amplitude filter sqrt(P(k)) = k^(−power/2); the k = 0 (mean) term is removed, as in powerbox.
  torch::Tensor filt =
      torch::where(k > 0, torch::pow(k.clamp_min(1e-300), -0.5 * power), torch::zeros_like(k));
  const torch::Tensor spectrum = torch::fft::fft2(to_tensor(noise)) * filt;
  return torch::real(torch::fft::ifft2(spectrum)).contiguous();
}

torch::Tensor make_object_amplitude(ObjectKind kind, int64_t size, uint64_t seed,
                                    const ObjectOptions& options) {
  check_size("make_object", size);
  if (!std::isfinite(options.grf_power) || options.grf_power < 0.0 || options.grf_power > 4.0) {
    throw std::invalid_argument("make_object: grf_power = " + format_number(options.grf_power) +
                                "; expected finite 0 <= grf_power <= 4");
  }
  data::Random rng(seed);
  Image amp(0, 0);
  switch (kind) {
    case ObjectKind::kLines:
      amp = make_lines(size, rng);
      break;
    case ObjectKind::kGrf:
      amp = make_grf(size, options.grf_power, seed);
      break;
    case ObjectKind::kPoints:
      amp = make_points(size, rng);
      break;
    case ObjectKind::kDiagonals:
      amp = make_diagonals(size, rng);
      break;
    default:
      throw std::invalid_argument("make_object: kind = " + std::to_string(static_cast<int>(kind)) +
                                  "; expected a valid ObjectKind");
  }
  return to_tensor(amp).to(torch::kFloat32);
}

torch::Tensor set_phi_phase(const torch::Tensor& amplitude) {
  // Reference dummy_phi: π·tanh((A − max/2) / (3·mean)); per object here (the reference pools the
  // max and mean over its whole batch of objects). A zero-mean amplitude (all zero) keeps zero phase.
  const double mean = amplitude.mean().item<double>();
  if (!(mean > 0.0)) return torch::zeros_like(amplitude);
  const double max = amplitude.max().item<double>();
  return M_PI * torch::tanh((amplitude - max / 2.0) / (3.0 * mean));
}

torch::Tensor make_object(ObjectKind kind, int64_t size, uint64_t seed, const ObjectOptions& options) {
  const torch::Tensor amplitude = make_object_amplitude(kind, size, seed, options);
  const torch::Tensor phase = options.set_phi ? set_phi_phase(amplitude) : torch::zeros_like(amplitude);
  return torch::polar(amplitude, phase);
}

}  // namespace ptychopinn::simulate
