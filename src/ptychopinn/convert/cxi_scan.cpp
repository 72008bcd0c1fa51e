#include "ptychopinn/convert/cxi_scan.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "ptychopinn/convert/detector_crop.h"
#include "ptychopinn/convert/key_error.h"
#include "ptychopinn/io/hdf5_file.h"
#include "ptychopinn/io/lzf_filter.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::convert {

namespace {

constexpr const char* kData = "/entry_1/instrument_1/detector_1/data";
constexpr const char* kMask = "/entry_1/instrument_1/detector_1/mask";
constexpr const char* kDistance = "/entry_1/instrument_1/detector_1/distance";
constexpr const char* kPixelX = "/entry_1/instrument_1/detector_1/x_pixel_size";
constexpr const char* kPixelY = "/entry_1/instrument_1/detector_1/y_pixel_size";
constexpr const char* kWavelength = "/entry_1/instrument_1/source_1/wavelength";
constexpr const char* kEnergy = "/entry_1/instrument_1/source_1/energy";
constexpr const char* kIllumination = "/entry_1/instrument_1/source_1/illumination";
constexpr const char* kTranslation = "/entry_1/sample_1/geometry_1/translation";

// Planck constant times the speed of light, J m (CODATA 2018, exact).
constexpr double kHc = 6.62607015e-34 * 299792458.0;

std::string shape_of(const std::vector<hsize_t>& dims) { return io::hdf5::shape_string(dims); }

torch::Tensor as_tensor(std::vector<double> values, const std::vector<hsize_t>& dims) {
  std::vector<int64_t> shape(dims.begin(), dims.end());
  return torch::from_blob(values.data(), shape, torch::kFloat64).clone();
}

double positive_scalar(const io::hdf5::Reader& r, const std::string& path, const char* key) {
  std::vector<hsize_t> dims;
  const auto v = r.numeric_dataset<double>(key, H5T_NATIVE_DOUBLE, &dims);
  if (v.size() != 1) fail_at_key(path, key, "has shape " + shape_of(dims), "one number");
  if (!(v[0] > 0) || !std::isfinite(v[0]))
    fail_at_key(path, key, "is " + std::to_string(v[0]), "a finite number > 0");
  return v[0];
}

}  // namespace

CxiScan read_cxi_scan(const std::string& path) {
  const io::hdf5::Where where{path};
  io::register_lzf_filter();  // CXI writers may compress with LZF as ptychodus does
  io::hdf5::QuietErrors quiet;
  const io::hdf5::Reader r(path, where, "a CXI file");
  for (const char* key : {kData, kDistance, kPixelX, kPixelY, kTranslation}) {
    if (!r.has_path(key))
      fail_at_key(path, key, "is missing", "a CXI file with detector data, geometry and translations");
  }
  CxiScan s;
  s.path = path;
  std::vector<hsize_t> dims;
  auto data = r.numeric_dataset<float>(kData, H5T_NATIVE_FLOAT, &dims);
  if (dims.size() != 3 || dims[1] != dims[2] || dims[0] < 1) {
    fail_at_key(path, kData, "has shape " + shape_of(dims), "(M, H, H) patterns, square, M >= 1");
  }
  s.counts = torch::from_blob(data.data(),
                              {static_cast<int64_t>(dims[0]), static_cast<int64_t>(dims[1]),
                               static_cast<int64_t>(dims[2])},
                              torch::kFloat32)
                 .clone();
  if (!torch::isfinite(s.counts).all().item<bool>())
    fail_at_key(path, kData, "has NaN or Inf counts", "finite counts");
  if ((s.counts < 0).any().item<bool>())
    fail_at_key(path, kData, "has negative counts", "photon counts >= 0");
  const int64_t m = s.counts.size(0), h = s.counts.size(1);

  if (r.has_path(kMask)) {
    std::vector<hsize_t> mask_dims;
    const auto mask = r.numeric_dataset<double>(kMask, H5T_NATIVE_DOUBLE, &mask_dims);
    if (mask_dims.size() != 2 || static_cast<int64_t>(mask_dims[0]) != h ||
        static_cast<int64_t>(mask_dims[1]) != h) {
      fail_at_key(path, kMask, "has shape " + shape_of(mask_dims),
                  "the pattern shape [" + std::to_string(h) + ", " + std::to_string(h) + "]");
    }
    s.bad_pixels = as_tensor(mask, mask_dims) != 0;
  }

  s.distance_m = positive_scalar(r, path, kDistance);
  s.pixel_m = positive_scalar(r, path, kPixelX);
  const double pixel_y = positive_scalar(r, path, kPixelY);
  if (std::abs(pixel_y - s.pixel_m) > 1e-6 * s.pixel_m) {
    fail_at_key(path, kPixelY,
                "is " + std::to_string(pixel_y) + " m but x_pixel_size is " + std::to_string(s.pixel_m),
                "square detector pixels");
  }
  if (r.has_path(kWavelength)) {
    s.wavelength_m = positive_scalar(r, path, kWavelength);
  } else if (r.has_path(kEnergy)) {
    s.wavelength_m = kHc / positive_scalar(r, path, kEnergy);
  } else {
    fail_at_key(path, kWavelength, "is missing (and so is " + std::string(kEnergy) + ")",
                "the wavelength or the energy");
  }

  std::vector<hsize_t> t_dims;
  auto translation = r.numeric_dataset<double>(kTranslation, H5T_NATIVE_DOUBLE, &t_dims);
  if (t_dims.size() != 2 || static_cast<int64_t>(t_dims[0]) != m || t_dims[1] < 2) {
    fail_at_key(path, kTranslation, "has shape " + shape_of(t_dims),
                "[" + std::to_string(m) + ", 3]: one (x, y, z) per pattern of the data, in metres");
  }
  s.translation_m = as_tensor(std::move(translation), t_dims);
  if (!torch::isfinite(s.translation_m).all().item<bool>())
    fail_at_key(path, kTranslation, "has NaN or Inf", "finite");

  if (r.has_path(kIllumination)) {
    const auto set = r.open_dataset(kIllumination);
    std::vector<hsize_t> p_dims;
    auto probe = r.complex_dataset(set.get(), kIllumination, &p_dims);
    if (p_dims.size() != 2 || static_cast<int64_t>(p_dims[0]) != h || static_cast<int64_t>(p_dims[1]) != h) {
      fail_at_key(path, kIllumination, "has shape " + shape_of(p_dims), "the pattern shape");
    }
    s.probe = torch::from_blob(probe.data(), {h, h}, torch::kComplexFloat).clone();
  }
  return s;
}

ContractData contract_from_cxi(const CxiScan& scan, const CxiConvertOptions& options) {
  const int64_t full = scan.counts.size(-1);
  const int64_t n = options.crop > 0 ? options.crop : full;
  if (!(options.probe_scale > 0)) {
    throw std::invalid_argument("convert: probe_scale = " + std::to_string(options.probe_scale) +
                                "; expected > 0");
  }
  auto counts = scan.counts.clone();
  int64_t bad = 0;
  if (scan.bad_pixels.defined()) {
    bad = scan.bad_pixels.sum().item<int64_t>();
    counts.masked_fill_(scan.bad_pixels.unsqueeze(0), 0.0f);
  }
  counts = crop_patterns(counts, n).contiguous();
  const double object_pixel_m = scan.wavelength_m * scan.distance_m / (static_cast<double>(n) * scan.pixel_m);

  ContractData d;
  d.diffraction = counts.sqrt().contiguous();
  if (scan.bad_pixels.defined())
    d.bad_pixels = crop_patterns(scan.bad_pixels.unsqueeze(0), n)[0].contiguous();
  const auto x = -scan.translation_m.select(1, 0) / object_pixel_m;
  const auto y = -scan.translation_m.select(1, 1) / object_pixel_m;
  const auto xs = (x - x.min() + n / 2.0).contiguous(), ys = (y - y.min() + n / 2.0).contiguous();
  d.xcoords.assign(xs.data_ptr<double>(), xs.data_ptr<double>() + xs.numel());
  d.ycoords.assign(ys.data_ptr<double>(), ys.data_ptr<double>() + ys.numel());

  std::vector<std::string> notes = scan.notes;
  torch::Tensor probe;
  if (scan.probe.defined()) {
    probe = resample_probe(scan.probe, n);
  } else {
    probe = physics::default_probe(n, torch::TensorOptions(torch::kFloat32)).to(torch::kComplexFloat);
    notes.push_back(scan.path +
                    " has no illumination: the probe is the default disk probe; train with "
                    "--probe_trainable true, or give the dataset a measured probeGuess");
  }
  d.probe = physics::normalize_probe(probe, options.probe_scale).to(torch::kComplexFloat);
  if (n != 64 && n != 128 && n != 256) {
    notes.push_back("patterns are " + std::to_string(n) + " x " + std::to_string(n) +
                    "; the network trains on 64, 128 or 256: convert with --crop 64 (or 128, 256)");
  }
  d.metadata = converted_metadata(
      counts, options.probe_scale,
      {{"format", "cxi"},
       {"file", std::filesystem::path(scan.path).filename().string()},
       {"patterns", scan.counts.size(0)},
       {"detector_pixels", full},
       {"crop", options.crop > 0 ? nlohmann::json(options.crop) : nlohmann::json(nullptr)},
       {"wavelength_m", scan.wavelength_m},
       {"detector_distance_m", scan.distance_m},
       {"detector_pixel_m", scan.pixel_m},
       {"object_pixel_size_m", object_pixel_m},
       {"bad_pixels", bad}},
      {"counts -> sqrt (bad pixels set to 0)",
       "positions = -translation / object_pixel_size_m, shifted so that the smallest is N/2"},
      notes);
  return d;
}

}  // namespace ptychopinn::convert
