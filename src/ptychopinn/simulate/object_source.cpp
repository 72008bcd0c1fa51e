#include "ptychopinn/simulate/object_source.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ptychopinn/io/png.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::simulate {
namespace {

constexpr const char* kImagePrefix = "image:";
constexpr int64_t kMinSize = 64;
constexpr int64_t kMaxSize = 4096;

torch::Tensor resample(const torch::Tensor& square, int64_t side) {
  if (square.size(0) == side) return square;
  namespace F = torch::nn::functional;
  // Antialiasing when shrinking, so fine detail averages out instead of aliasing into moiré.
  return F::interpolate(square.unsqueeze(0).unsqueeze(0), F::InterpolateFuncOptions()
                                                              .size(std::vector<int64_t>{side, side})
                                                              .mode(torch::kBilinear)
                                                              .align_corners(false)
                                                              .antialias(side < square.size(0)))
      .squeeze(0)
      .squeeze(0)
      .clamp(0.0, 1.0);
}

}  // namespace

std::string ObjectSpec::kind_name() const { return kind ? to_string(*kind) : "image"; }

ObjectSpec parse_object_spec(const std::string& text) {
  ObjectSpec spec;
  const std::string prefix = kImagePrefix;
  if (text.rfind(prefix, 0) == 0 && text.size() > prefix.size()) {
    spec.image_path = text.substr(prefix.size());
    return spec;
  }
  for (ObjectKind k : {ObjectKind::kLines, ObjectKind::kGrf, ObjectKind::kPoints, ObjectKind::kDiagonals}) {
    if (text == to_string(k)) {
      spec.kind = k;
      return spec;
    }
  }
  throw std::invalid_argument("object = " + quoted(text) +
                              "; expected one of lines, grf, points, diagonals or image:PATH (a PNG)");
}

torch::Tensor load_grey_picture(const std::string& path, int64_t side) {
  const io::GreyImage image = io::read_png_grey(path);
  const torch::Tensor grey =
      torch::from_blob(const_cast<double*>(image.values.data()), {image.height, image.width}, torch::kFloat64)
          .to(torch::kFloat32);
  const int64_t square = std::min(image.height, image.width);
  const torch::Tensor centre = grey.narrow(0, (image.height - square) / 2, square)
                                   .narrow(1, (image.width - square) / 2, square)
                                   .contiguous();
  return resample(centre, side > 0 ? side : square);
}

torch::Tensor make_simulation_object(const ObjectRequest& request) {
  if (request.set_phi && !request.phase_image.empty()) {
    throw std::invalid_argument("phase_image = " + quoted(request.phase_image) +
                                " together with set_phi; expected at most one source of phase");
  }
  torch::Tensor amplitude;
  if (request.spec.kind) {
    const int64_t size = request.size > 0 ? request.size : kDefaultObjectSize;
    if (size < kMinSize || size > kMaxSize) {
      throw std::invalid_argument("object_size = " + std::to_string(size) +
                                  "; expected 64 <= object_size <= 4096");
    }
    amplitude = make_object_amplitude(*request.spec.kind, size, request.seed);
  } else {
    amplitude = load_grey_picture(request.spec.image_path, request.size);
    const int64_t side = amplitude.size(0);
    if (side < kMinSize || side > kMaxSize) {
      throw std::invalid_argument(
          "object_size = " + std::to_string(side) + " (the side of " + quoted(request.spec.image_path) +
          "); expected 64 <= object_size <= 4096 (set object_size to resample the picture)");
    }
  }
  torch::Tensor phase;
  if (request.set_phi) {
    phase = set_phi_phase(amplitude);
  } else if (!request.phase_image.empty()) {
    phase = M_PI * (load_grey_picture(request.phase_image, amplitude.size(0)) - 0.5);
  } else {
    phase = torch::zeros_like(amplitude);
  }
  return torch::polar(amplitude.contiguous(), phase.contiguous());
}

}  // namespace ptychopinn::simulate
