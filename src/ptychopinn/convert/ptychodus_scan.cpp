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

[[noreturn]] void fail_field(const std::string& path, const std::string& field, const std::string& what,
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

// ptychodus' object grid as the network needs it: pixels that exist, are square and have a size.
void check_grid(const io::ProductObject& o, const std::string& where) {
  if (o.width < 1 || o.height < 1) {
    fail_field(where, "object grid",
               "is " + std::to_string(o.height) + " x " + std::to_string(o.width) + " pixels",
               "at least 1 x 1");
  }
  if (!std::isfinite(o.center_x_m) || !std::isfinite(o.center_y_m)) {
    fail_field(where, "object centre", "is (" + str(o.center_x_m) + ", " + str(o.center_y_m) + ") m",
               "finite");
  }
  if (!same_size(o.pixel_width_m, o.pixel_height_m) || !(o.pixel_width_m > 0) ||
      !std::isfinite(o.pixel_width_m)) {
    fail_field(where, "object pixel", "is " + str(o.pixel_width_m) + " x " + str(o.pixel_height_m) + " m",
               "square pixels of positive size");
  }
}

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
      fail_field(product_path, "probe position " + std::to_string(k), "is not finite",
                 "finite coordinates in metres");
    }
  }
  const io::AssembledDiffraction& d = s.diffraction;
  if (d.height != d.width) {
    fail_field(diffraction_path, "patterns",
               "are " + std::to_string(d.height) + " x " + std::to_string(d.width),
               "square patterns (crop them in ptychodus' Diffraction settings)");
  }
  if (p.probe.height != d.height || p.probe.width != d.width) {
    fail_field(product_path, "probe",
               "is " + std::to_string(p.probe.height) + " x " + std::to_string(p.probe.width) +
                   " but the patterns of " + diffraction_path + " are " + std::to_string(d.height) + " x " +
                   std::to_string(d.width),
               "the probe on the patterns' grid");
  }
  check_grid(p.object, product_path);
  return s;
}

PtychodusPixels ptychodus_pixels(const PtychodusInput& in, int64_t crop) {
  const std::string& where = in.where;
  const torch::Tensor& counts_in = in.counts;
  if (!counts_in.defined() || counts_in.dim() != 3 || counts_in.size(0) < 1) {
    fail_field(where, "patterns",
               "have shape " + (counts_in.defined() ? c10::str(counts_in.sizes()) : std::string("(none)")),
               "[M, H, W] with M >= 1");
  }
  if (counts_in.scalar_type() != torch::kFloat32) {
    fail_field(where, "patterns", "are " + std::string(counts_in.dtype().name()), "float32 counts");
  }
  const int64_t m = counts_in.size(0), h = counts_in.size(1), w = counts_in.size(2);
  if (h != w) {
    fail_field(where, "patterns", "are " + std::to_string(h) + " x " + std::to_string(w),
               "square patterns (crop them in ptychodus' Diffraction settings)");
  }
  const int64_t n = crop > 0 ? crop : h;
  if (crop < 0 || n % 2 != 0 || n < 2 || n > h) {
    fail_field(where, "crop", "is " + std::to_string(crop),
               "0 or an even size in [2, " + std::to_string(h) + "]");
  }
  if (static_cast<int64_t>(in.x_m.size()) != m || static_cast<int64_t>(in.y_m.size()) != m) {
    fail_field(where, "probe positions",
               "are " + std::to_string(in.x_m.size()) + " x and " + std::to_string(in.y_m.size()) +
                   " y coordinates for " + std::to_string(m) + " diffraction patterns",
               "one position per pattern");
  }
  for (int64_t k = 0; k < m; ++k) {
    const auto i = static_cast<size_t>(k);
    if (!std::isfinite(in.x_m[i]) || !std::isfinite(in.y_m[i])) {
      fail_field(where, "probe position " + std::to_string(k), "is not finite",
                 "finite coordinates in metres");
    }
  }
  check_grid(in.object, where);

  auto counts = counts_in.clone();
  int64_t bad_count = 0;
  if (in.bad_pixels.defined()) {
    if (in.bad_pixels.dim() != 2 || in.bad_pixels.size(0) != h || in.bad_pixels.size(1) != w) {
      fail_field(where, "bad pixels", "have shape " + c10::str(in.bad_pixels.sizes()),
                 "the patterns' [" + std::to_string(h) + ", " + std::to_string(w) + "]");
    }
    const auto bad = in.bad_pixels.to(torch::kBool);
    bad_count = bad.sum().item<int64_t>();
    counts.masked_fill_(bad.unsqueeze(0), 0.0f);
  }
  const auto invalid = counts.isfinite().logical_not().logical_or(counts < 0);
  if (invalid.any().item<bool>()) {
    const auto first = invalid.nonzero()[0];
    const int64_t k = first[0].item<int64_t>(), r = first[1].item<int64_t>(), c = first[2].item<int64_t>();
    fail_field(where, "pattern " + std::to_string(k),
               "has the count " + str(counts_in[k][r][c].item<double>()) + " at row " + std::to_string(r) +
                   ", column " + std::to_string(c),
               "finite counts >= 0 (mark the pixel bad in ptychodus' detector settings)");
  }

  PtychodusPixels out;
  out.counts = crop_patterns(counts, n).contiguous();
  out.amplitudes = out.counts.sqrt();
  const double scale = static_cast<double>(n) / static_cast<double>(h);
  out.object_pixel_size_m = in.object.pixel_width_m / scale;
  out.bad_pixels = bad_count;
  if (in.bad_pixels.defined()) {
    out.bad_pixel_mask = crop_patterns(in.bad_pixels.to(torch::kBool).unsqueeze(0), n)[0].contiguous();
  }
  out.x_px.reserve(static_cast<size_t>(m));
  out.y_px.reserve(static_cast<size_t>(m));
  for (int64_t k = 0; k < m; ++k) {
    out.x_px.push_back(io::object_x_px(in.object, in.x_m[static_cast<size_t>(k)]) * scale);
    out.y_px.push_back(io::object_y_px(in.object, in.y_m[static_cast<size_t>(k)]) * scale);
  }
  return out;
}

double ptychodus_x_m(const io::ProductObject& o, double x_px) {
  return (x_px - 0.5 * static_cast<double>(o.width)) * o.pixel_width_m + o.center_x_m;
}

double ptychodus_y_m(const io::ProductObject& o, double y_px) {
  return (y_px - 0.5 * static_cast<double>(o.height)) * o.pixel_height_m + o.center_y_m;
}

ContractData contract_from_ptychodus_input(const PtychodusInput& in, const PtychodusConvertOptions& options,
                                           nlohmann::json source, std::vector<std::string> notes) {
  if (!(options.probe_scale > 0)) {
    throw std::invalid_argument("convert: probe_scale = " + str(options.probe_scale) + "; expected > 0");
  }
  PtychodusPixels pixels = ptychodus_pixels(in, options.crop);
  const int64_t full = in.counts.size(-1);
  const int64_t n = pixels.amplitudes.size(-1);
  if (!in.probe.defined() || in.probe.dim() != 2 || in.probe.size(0) != full || in.probe.size(1) != full) {
    fail_field(in.where, "probe",
               "is " + (in.probe.defined() ? c10::str(in.probe.sizes()) : std::string("missing")) +
                   " but the patterns are " + std::to_string(full) + " x " + std::to_string(full),
               "the probe on the patterns' grid");
  }

  std::vector<double>& xs = pixels.x_px;
  std::vector<double>& ys = pixels.y_px;
  const double low =
      std::min(*std::min_element(xs.begin(), xs.end()), *std::min_element(ys.begin(), ys.end()));
  const double shift = low < n / 2.0 ? n / 2.0 - low : 0.0;
  if (shift > 0) {
    for (auto& x : xs) x += shift;
    for (auto& y : ys) y += shift;
    notes.push_back(
        "some probe positions lie within N/2 of the product object's edge: every position is shifted by " +
        str(shift) + " px, and the object is not kept");
  }

  ContractData c;
  c.diffraction = std::move(pixels.amplitudes);
  c.bad_pixels = pixels.bad_pixel_mask;
  c.xcoords = std::move(xs);
  c.ycoords = std::move(ys);
  c.probe = physics::normalize_probe(resample_probe(in.probe.to(torch::kComplexFloat).clone(), n),
                                     options.probe_scale)
                .to(torch::kComplexFloat);
  const io::ProductObject& o = in.object;
  const auto layer_size = static_cast<size_t>(o.height * o.width);
  if (options.crop == 0 && shift == 0 && o.values.size() >= layer_size) {
    c.object_guess = torch::from_blob(const_cast<std::complex<float>*>(o.values.data()), {o.height, o.width},
                                      torch::kComplexFloat)
                         .clone();
  }
  if (n != 64 && n != 128 && n != 256) {
    notes.push_back("patterns are " + std::to_string(n) + " x " + std::to_string(n) +
                    "; the network trains on 64, 128 or 256: convert with --crop 64 (or 128, 256)");
  }
  const io::ProductMetadata& m = in.metadata;
  source["format"] = "ptychodus";
  source["name"] = m.name;
  if (!source.contains("patterns")) source["patterns"] = in.counts.size(0);
  source["detector_pixels"] = full;
  source["crop"] = options.crop > 0 ? nlohmann::json(options.crop) : nlohmann::json(nullptr);
  source["object_pixel_size_m"] = pixels.object_pixel_size_m;
  source["detector_distance_m"] = m.detector_distance_m;
  source["probe_energy_eV"] = m.probe_energy_ev;
  source["wavelength_m"] = m.probe_energy_ev > 0 ? kHcEvM / m.probe_energy_ev : 0.0;
  source["probe_photon_count"] = m.probe_photon_count;
  source["exposure_time_s"] = m.exposure_time_s;
  source["bad_pixels"] = pixels.bad_pixels;
  source["position_shift_px"] = shift;
  c.metadata =
      converted_metadata(pixels.counts, options.probe_scale, std::move(source),
                         {"counts -> sqrt (bad pixels set to 0)",
                          "positions = ptychodus' object-pixel mapping of the product's object geometry" +
                              std::string(options.crop > 0 ? ", scaled by crop / detector pixels" : "") +
                              (shift > 0 ? ", shifted so that the smallest is N/2" : ""),
                          "probe = mode 0, normalised"},
                         notes);
  return c;
}

ContractData contract_from_ptychodus(const PtychodusScan& scan, const PtychodusConvertOptions& options) {
  const io::AssembledDiffraction& d = scan.diffraction;
  const io::Product& p = scan.product;
  const int64_t full = d.width;
  std::vector<std::string> notes = scan.notes;

  // Pair each position with its pattern by label.
  std::map<std::int64_t, std::int64_t> row_of;
  for (std::int64_t r = 0; r < d.count; ++r) row_of[d.indexes[static_cast<size_t>(r)]] = r;
  std::vector<std::int64_t> rows;
  PtychodusInput in;
  bool labels_are_rows = true;
  for (size_t k = 0; k < p.scan.index.size(); ++k) {
    const auto found = row_of.find(p.scan.index[k]);
    if (found == row_of.end()) continue;
    labels_are_rows = labels_are_rows && found->second == found->first;
    rows.push_back(found->second);
    in.x_m.push_back(p.scan.x_m[k]);
    in.y_m.push_back(p.scan.y_m[k]);
  }
  if (rows.empty()) {
    throw std::invalid_argument(scan.product_path + ": none of the " + std::to_string(p.scan.index.size()) +
                                " probe position indexes labels a pattern of " + scan.diffraction_path +
                                "; expected indexes that appear in its 'indexes' dataset");
  }
  if (rows.size() < p.scan.index.size()) {
    notes.push_back(std::to_string(p.scan.index.size() - rows.size()) + " of " +
                    std::to_string(p.scan.index.size()) +
                    " probe positions have no pattern and are left out");
  }
  if (!labels_are_rows) {
    notes.push_back("the pattern labels of " + scan.diffraction_path +
                    " are not their row numbers: positions are paired by label, while ptychodus itself pairs "
                    "index k with row k");
  }
  if (p.probe.coherent_modes * p.probe.incoherent_modes > 1) {
    notes.push_back("the product's probe has " + std::to_string(p.probe.coherent_modes) + " coherent x " +
                    std::to_string(p.probe.incoherent_modes) +
                    " incoherent modes; the first of each is kept");
  }

  in.counts = torch::from_blob(const_cast<float*>(d.patterns.data()), {d.count, full, full}, torch::kFloat32)
                  .index_select(0, torch::tensor(rows, torch::kInt64));
  in.bad_pixels =
      torch::from_blob(const_cast<std::uint8_t*>(d.bad_pixels.data()), {full, full}, torch::kUInt8)
          .to(torch::kBool);
  in.object = p.object;
  in.probe = torch::from_blob(const_cast<std::complex<float>*>(p.probe.values.data()),
                              {p.probe.height, p.probe.width}, torch::kComplexFloat);
  in.metadata = p.metadata;
  in.where = scan.diffraction_path + " + " + scan.product_path;
  return contract_from_ptychodus_input(
      in, options,
      {{"file", std::filesystem::path(scan.diffraction_path).filename().string()},
       {"product_file", std::filesystem::path(scan.product_path).filename().string()},
       {"pattern_type", d.stored_type},
       {"patterns", d.count}},
      std::move(notes));
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
  const auto* probe_values =
      reinterpret_cast<const std::complex<float>*>(probe.data_ptr<c10::complex<float>>());
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
    f.notes.push_back(dataset.path() +
                      " has no objectGuess: the product's object is ones over the scanned canvas");
  }

  io::ProductMetadata pm;
  pm.name = std::filesystem::path(dataset.path()).stem().string();
  pm.comments =
      "converted by ptychopinn convert from " + std::filesystem::path(dataset.path()).filename().string();
  pm.probe_photon_count = dataset.metadata_nphotons().value_or(total / static_cast<double>(m));
  pm.detector_distance_m = source_number("detector_distance_m");
  const double wavelength = source_number("wavelength_m");
  pm.probe_energy_ev = wavelength > 0 ? kHcEvM / wavelength : source_number("probe_energy_eV");
  f.product = io::product_from_reconstruction(std::move(r), pm);
  return f;
}

}  // namespace ptychopinn::convert
