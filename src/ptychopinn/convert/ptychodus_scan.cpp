#include "ptychopinn/convert/ptychodus_scan.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#include "ptychopinn/convert/detector_crop.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::convert {
namespace {

// h c / e in eV m: photon energy (eV) = kHcEvM / wavelength (m).
constexpr double kHcEvM = 1.239841984e-6;

[[noreturn]] void fail(const std::string& path, const std::string& field, const std::string& what,
                       const std::string& expected) {
  throw std::invalid_argument(path + ": " + field + " " + what + "; expected " + expected);
}

std::string str(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

bool same_size(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(std::abs(a), std::abs(b)); }

}  // namespace

PtychodusScan read_ptychodus_scan(const std::string& diffraction_path, const std::string& product_path) {
  PtychodusScan s;
  s.diffraction_path = diffraction_path;
  s.product_path = product_path;
  s.diffraction = io::read_assembled_diffraction(diffraction_path, &s.notes);
  try {
    s.diffraction.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(diffraction_path + ": " + e.what());
  }
  s.product = io::read_ptychodus_product(product_path);
  const io::Product& p = s.product;
  for (size_t k = 0; k < p.scan.index.size(); ++k) {
    if (!std::isfinite(p.scan.x_m[k]) || !std::isfinite(p.scan.y_m[k])) {
      fail(product_path, "probe position " + std::to_string(k), "is not finite", "finite coordinates in metres");
    }
  }
  const io::AssembledDiffraction& d = s.diffraction;
  if (d.height != d.width) {
    fail(diffraction_path, "patterns", "are " + std::to_string(d.height) + " x " + std::to_string(d.width),
         "square patterns (crop them in ptychodus' Diffraction settings)");
  }
  if (p.probe.height != d.height || p.probe.width != d.width) {
    fail(product_path, "probe",
         "is " + std::to_string(p.probe.height) + " x " + std::to_string(p.probe.width) + " but the patterns of " +
             diffraction_path + " are " + std::to_string(d.height) + " x " + std::to_string(d.width),
         "the probe on the patterns' grid");
  }
  if (!same_size(p.object.pixel_width_m, p.object.pixel_height_m) || !(p.object.pixel_width_m > 0)) {
    fail(product_path, "object pixel",
         "is " + str(p.object.pixel_width_m) + " x " + str(p.object.pixel_height_m) + " m",
         "square pixels of positive size");
  }
  return s;
}

ContractData contract_from_ptychodus(const PtychodusScan& scan, const PtychodusConvertOptions& options) {
  if (!(options.probe_scale > 0)) {
    throw std::invalid_argument("convert: probe_scale = " + str(options.probe_scale) + "; expected > 0");
  }
  const io::AssembledDiffraction& d = scan.diffraction;
  const io::Product& p = scan.product;
  const int64_t full = d.width;
  const int64_t n = options.crop > 0 ? options.crop : full;
  std::vector<std::string> notes = scan.notes;

  // Pair each position with its pattern by label.
  std::map<std::int64_t, std::int64_t> row_of;
  for (std::int64_t r = 0; r < d.count; ++r) row_of[d.indexes[static_cast<size_t>(r)]] = r;
  std::vector<std::int64_t> rows;
  std::vector<size_t> kept;
  bool labels_are_rows = true;
  for (size_t k = 0; k < p.scan.index.size(); ++k) {
    const auto found = row_of.find(p.scan.index[k]);
    if (found == row_of.end()) continue;
    labels_are_rows = labels_are_rows && found->second == found->first;
    rows.push_back(found->second);
    kept.push_back(k);
  }
  if (rows.empty()) {
    throw std::invalid_argument(scan.product_path + ": none of the " + std::to_string(p.scan.index.size()) +
                                " probe position indexes labels a pattern of " + scan.diffraction_path +
                                "; expected indexes that appear in its 'indexes' dataset");
  }
  if (kept.size() < p.scan.index.size()) {
    notes.push_back(std::to_string(p.scan.index.size() - kept.size()) + " of " +
                    std::to_string(p.scan.index.size()) + " probe positions have no pattern and are left out");
  }
  if (!labels_are_rows) {
    notes.push_back("the pattern labels of " + scan.diffraction_path +
                    " are not their row numbers: positions are paired by label, while ptychodus itself pairs "
                    "index k with row k");
  }

  auto counts = torch::from_blob(const_cast<float*>(d.patterns.data()), {d.count, full, full}, torch::kFloat32)
                    .index_select(0, torch::tensor(rows, torch::kInt64));
  const auto bad = torch::from_blob(const_cast<std::uint8_t*>(d.bad_pixels.data()), {full, full}, torch::kUInt8)
                       .to(torch::kBool);
  const int64_t bad_count = bad.sum().item<int64_t>();
  counts.masked_fill_(bad.unsqueeze(0), 0.0f);
  counts = crop_patterns(counts, n).contiguous();

  // Object pixels of the product's frame, scaled by n / full for a crop.
  const double scale = static_cast<double>(n) / static_cast<double>(full);
  const double pixel_m = p.object.pixel_width_m / scale;
  std::vector<double> xs, ys;
  for (size_t k : kept) {
    xs.push_back(io::object_x_px(p.object, p.scan.x_m[k]) * scale);
    ys.push_back(io::object_y_px(p.object, p.scan.y_m[k]) * scale);
  }
  const double low = std::min(*std::min_element(xs.begin(), xs.end()), *std::min_element(ys.begin(), ys.end()));
  const double shift = low < n / 2.0 ? n / 2.0 - low : 0.0;
  if (shift > 0) {
    for (auto& x : xs) x += shift;
    for (auto& y : ys) y += shift;
    notes.push_back("some probe positions lie within N/2 of the product object's edge: every position is shifted by " +
                    str(shift) + " px, and the object is not kept");
  }

  ContractData c;
  c.diffraction = counts.sqrt().contiguous();
  c.xcoords = std::move(xs);
  c.ycoords = std::move(ys);
  const auto& probe_values = p.probe.values;
  auto probe = torch::from_blob(const_cast<std::complex<float>*>(probe_values.data()), {full, full},
                                torch::kComplexFloat)
                   .clone();
  if (p.probe.coherent_modes * p.probe.incoherent_modes > 1) {
    notes.push_back("the product's probe has " + std::to_string(p.probe.coherent_modes) + " coherent x " +
                    std::to_string(p.probe.incoherent_modes) + " incoherent modes; the first of each is kept");
  }
  c.probe = physics::normalize_probe(resample_probe(probe, n), options.probe_scale).to(torch::kComplexFloat);
  if (options.crop == 0 && shift == 0) {
    c.object_guess = torch::from_blob(const_cast<std::complex<float>*>(p.object.values.data()),
                                      {p.object.height, p.object.width}, torch::kComplexFloat)
                         .clone();
  }
  if (n != 64 && n != 128 && n != 256) {
    notes.push_back("patterns are " + std::to_string(n) + " x " + std::to_string(n) +
                    "; the network trains on 64, 128 or 256: convert with --crop 64 (or 128, 256)");
  }
  const io::ProductMetadata& m = p.metadata;
  c.metadata = converted_metadata(
      counts, options.probe_scale,
      {{"format", "ptychodus"},
       {"file", std::filesystem::path(scan.diffraction_path).filename().string()},
       {"product_file", std::filesystem::path(scan.product_path).filename().string()},
       {"name", m.name},
       {"patterns", d.count},
       {"pattern_type", d.stored_type},
       {"detector_pixels", full},
       {"crop", options.crop > 0 ? nlohmann::json(options.crop) : nlohmann::json(nullptr)},
       {"object_pixel_size_m", pixel_m},
       {"detector_distance_m", m.detector_distance_m},
       {"probe_energy_eV", m.probe_energy_ev},
       {"wavelength_m", m.probe_energy_ev > 0 ? kHcEvM / m.probe_energy_ev : 0.0},
       {"probe_photon_count", m.probe_photon_count},
       {"exposure_time_s", m.exposure_time_s},
       {"bad_pixels", bad_count},
       {"position_shift_px", shift}},
      {"counts -> sqrt (bad pixels set to 0)",
       "positions = ptychodus' object-pixel mapping of the product's object geometry" +
           std::string(options.crop > 0 ? ", scaled by crop / detector pixels" : "") +
           (shift > 0 ? ", shifted so that the smallest is N/2" : ""),
       "probe = mode 0, normalised"},
      notes);
  return c;
}

PtychodusFiles ptychodus_from_contract(const data::Dataset& dataset, double pixel_size_m) {
  PtychodusFiles f;
  const nlohmann::json& meta = dataset.metadata();
  const nlohmann::json source = meta.is_object() && meta.contains("source") && meta["source"].is_object()
                                    ? meta["source"]
                                    : nlohmann::json::object();
  auto source_number = [&](const char* key) {
    return source.contains(key) && source[key].is_number() ? source[key].get<double>() : 0.0;
  };
  if (!(pixel_size_m > 0)) pixel_size_m = source_number("object_pixel_size_m");
  if (!(pixel_size_m > 0)) {
    pixel_size_m = io::kDefaultProductPixelSizeM;
    f.notes.push_back(dataset.path() + " records no object pixel size: the files use " + str(pixel_size_m) +
                      " m, a placeholder; pass --pixel_size_m for real lengths");
  }

  const int64_t m = dataset.size(), n = dataset.pattern_size();
  io::AssembledDiffraction& d = f.diffraction;
  d.count = m;
  d.height = d.width = n;
  d.patterns.resize(static_cast<size_t>(m * n * n));
  double total = 0;
  for (int64_t i = 0; i < m; ++i) {
    float* dst = d.patterns.data() + i * n * n;
    dataset.copy_pattern(i, dst);
    for (int64_t j = 0; j < n * n; ++j) {
      dst[j] *= dst[j];
      total += dst[j];
    }
    d.indexes.push_back(i);
  }
  d.bad_pixels.assign(static_cast<size_t>(n * n), 0);

  io::StitchedReconstruction r;
  r.pixel_size_m = pixel_size_m;
  r.probe_size = n;
  const auto probe = dataset.probe().to(torch::kComplexFloat).contiguous();
  const auto* probe_values = reinterpret_cast<const std::complex<float>*>(probe.data_ptr<c10::complex<float>>());
  r.probe.assign(probe_values, probe_values + probe.numel());
  for (int64_t i = 0; i < m; ++i) {
    r.index.push_back(i);
    r.x_px.push_back(dataset.x()[static_cast<size_t>(i)]);
    r.y_px.push_back(dataset.y()[static_cast<size_t>(i)]);
  }
  if (dataset.object().has_value()) {
    const auto object = dataset.object()->to(torch::kComplexFloat).contiguous();
    r.object_height = object.size(0);
    r.object_width = object.size(1);
    const auto* values = reinterpret_cast<const std::complex<float>*>(object.data_ptr<c10::complex<float>>());
    r.object.assign(values, values + object.numel());
  } else {
    const double right = *std::max_element(r.x_px.begin(), r.x_px.end()) + n / 2.0;
    const double bottom = *std::max_element(r.y_px.begin(), r.y_px.end()) + n / 2.0;
    r.object_width = static_cast<int64_t>(std::ceil(right));
    r.object_height = static_cast<int64_t>(std::ceil(bottom));
    r.object.assign(static_cast<size_t>(r.object_width * r.object_height), {1.0f, 0.0f});
    f.notes.push_back(dataset.path() + " has no objectGuess: the product's object is ones over the scanned canvas");
  }

  io::ProductMetadata pm;
  pm.name = std::filesystem::path(dataset.path()).stem().string();
  pm.comments = "converted by ptychopinn convert from " + std::filesystem::path(dataset.path()).filename().string();
  pm.probe_photon_count = dataset.metadata_nphotons().value_or(total / static_cast<double>(m));
  pm.detector_distance_m = source_number("detector_distance_m");
  const double wavelength = source_number("wavelength_m");
  pm.probe_energy_ev = wavelength > 0 ? kHcEvM / wavelength : source_number("probe_energy_eV");
  f.product = io::product_from_reconstruction(std::move(r), pm);
  return f;
}

}  // namespace ptychopinn::convert
