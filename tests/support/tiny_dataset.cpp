#include "support/tiny_dataset.h"

#include <cmath>
#include <complex>
#include <limits>
#include <utility>
#include <vector>

#include "ptychopinn/io/npz.h"

namespace ptychopinn::testing {

void write_tiny_dataset(const std::string& path, const TinyDatasetOptions& o) {
  const int m = o.n_images, n = o.pattern_size;
  std::vector<float> diff(static_cast<std::size_t>(m) * n * n);
  for (int k = 0; k < m; ++k) {
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n; ++c) {
        // A smooth bump around the centre with a bit of per-pattern variation.
        const double d2 = (r - n / 2.0) * (r - n / 2.0) + (c - n / 2.0) * (c - n / 2.0);
        double amp = 3.0 * std::exp(-d2 / (n * 0.8)) + 0.1 + 0.01 * k + 0.003 * (r + c);
        if (o.as_intensity) amp = std::round(100 * amp * amp);
        const std::size_t idx = o.legacy_layout ? (static_cast<std::size_t>(r) * n + c) * m + k
                                                : (static_cast<std::size_t>(k) * n + r) * n + c;
        diff[idx] = static_cast<float>(amp);
      }
    }
  }
  if (o.negative_value) diff[1] = -0.5f;
  const int side = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(m))));
  std::vector<double> x(m), y(o.ycoords_length < 0 ? m : o.ycoords_length, 0.0);
  for (int k = 0; k < m; ++k) {
    x[k] = 10.0 + 4.0 * (k % side);
    if (k < static_cast<int>(y.size())) y[k] = 10.0 + 4.0 * (k / side);
  }
  if (o.nan_coordinate) x[0] = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::complex<float>> probe(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n * n; ++i) probe[i] = std::polar(1.0f, 0.1f * static_cast<float>(i % n));
  std::vector<std::int64_t> scan_index(m, 0);

  std::vector<std::pair<std::string, io::NpyArray>> members;
  const std::vector<std::int64_t> dshape =
      o.legacy_layout ? std::vector<std::int64_t>{n, n, m} : std::vector<std::int64_t>{m, n, n};
  if (o.diffraction_dtype == "float64") {
    std::vector<double> d(diff.begin(), diff.end());
    members.emplace_back(o.diffraction_key, io::NpyArray::from_data<double>(dshape, d.data()));
  } else if (o.diffraction_dtype == "uint16") {
    std::vector<std::uint16_t> d(diff.size());
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint16_t>(std::lround(diff[i]));
    members.emplace_back(o.diffraction_key, io::NpyArray::from_data<std::uint16_t>(dshape, d.data()));
  } else {
    members.emplace_back(o.diffraction_key, io::NpyArray::from_data<float>(dshape, diff.data()));
  }
  members.emplace_back("xcoords", io::NpyArray::from_data<double>({m}, x.data()));
  members.emplace_back("ycoords",
                       io::NpyArray::from_data<double>({static_cast<std::int64_t>(y.size())}, y.data()));
  if (o.include_probe)
    members.emplace_back("probeGuess", io::NpyArray::from_data<std::complex<float>>({n, n}, probe.data()));
  if (o.include_start) {
    std::vector<double> xs(x), ys(y);
    for (auto& v : xs) v += 0.5;
    for (auto& v : ys) v += 0.5;
    members.emplace_back("xcoords_start", io::NpyArray::from_data<double>({m}, xs.data()));
    members.emplace_back("ycoords_start",
                         io::NpyArray::from_data<double>({static_cast<std::int64_t>(ys.size())}, ys.data()));
  }
  if (o.include_object) {
    std::vector<std::complex<float>> obj(40 * 40);
    for (int r = 0; r < 40; ++r)
      for (int c = 0; c < 40; ++c) obj[r * 40 + c] = {static_cast<float>(r), static_cast<float>(c)};
    members.emplace_back("objectGuess", io::NpyArray::from_data<std::complex<float>>({40, 40}, obj.data()));
  }
  members.emplace_back("scan_index", io::NpyArray::from_data<std::int64_t>({m}, scan_index.data()));
  members.emplace_back("_metadata", io::NpyArray::scalar_string(R"({"nphotons": 1e9, "N": 8})"));
  io::write_npz(path, members, o.compress);
}

}  // namespace ptychopinn::testing
