#include "ptychopinn/convert/contract_data.h"

#include <cmath>
#include <stdexcept>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::convert {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what, const std::string& expected) {
  throw std::invalid_argument(where + ": " + what + "; expected " + expected);
}

io::NpyArray doubles(const std::vector<double>& v) {
  return io::NpyArray::from_data<double>({static_cast<int64_t>(v.size())}, v.data());
}

}  // namespace

nlohmann::json converted_metadata(const torch::Tensor& counts, double probe_scale, nlohmann::json source,
                                  const std::vector<std::string>& transformations,
                                  const std::vector<std::string>& notes) {
  const double nphotons = counts.sum({1, 2}).mean().item<double>();
  nlohmann::json m = {
      {"schema_version", "1.0.0"},
      {"creation_info", {{"script", "ptychopinn convert"}, {"ptychopinn_version", kVersion}}},
      {"physics_parameters", {{"nphotons", nphotons}, {"N", counts.size(-1)}, {"probe_scale", probe_scale}}},
      {"source", std::move(source)},
      {"data_transformations", transformations},
  };
  if (!notes.empty()) m["notes"] = notes;
  return m;
}

void validate(const ContractData& d, const std::string& where) {
  const auto& x = d.diffraction;
  if (!x.defined() || x.dim() != 3 || x.size(1) != x.size(2) || x.size(0) < 1) {
    fail(where, "diffraction has shape " + (x.defined() ? c10::str(x.sizes()) : std::string("(none)")),
         "[M, N, N] with M >= 1");
  }
  if (x.scalar_type() != torch::kFloat32)
    fail(where, "diffraction is " + std::string(x.dtype().name()), "float32");
  const int64_t m = x.size(0), n = x.size(1);
  if (!torch::isfinite(x).all().item<bool>())
    fail(where, "diffraction has NaN or Inf values", "finite amplitudes");
  if ((x < 0).any().item<bool>())
    fail(where, "diffraction has negative values", "amplitudes >= 0 (sqrt of counts)");
  if (static_cast<int64_t>(d.xcoords.size()) != m || static_cast<int64_t>(d.ycoords.size()) != m) {
    fail(where,
         std::to_string(d.xcoords.size()) + " xcoords and " + std::to_string(d.ycoords.size()) +
             " ycoords for " + std::to_string(m) + " patterns",
         "one position per pattern");
  }
  for (int64_t i = 0; i < m; ++i) {
    const double px = d.xcoords[static_cast<size_t>(i)], py = d.ycoords[static_cast<size_t>(i)];
    if (!std::isfinite(px) || !std::isfinite(py)) {
      fail(where, "position " + std::to_string(i) + " is not finite", "finite positions");
    }
    if (px < n / 2.0 - 1e-6 || py < n / 2.0 - 1e-6) {
      fail(where,
           "position " + std::to_string(i) + " (" + std::to_string(px) + ", " + std::to_string(py) + ")",
           "patch centres at least N/2 = " + std::to_string(n / 2) + " px from the canvas edge");
    }
  }
  const auto& p = d.probe;
  if (!p.defined() || p.dim() != 2 || p.size(0) != n || p.size(1) != n ||
      p.scalar_type() != torch::kComplexFloat) {
    fail(where,
         "probe is " + (p.defined() ? c10::str(p.sizes()) + " " + std::string(p.dtype().name()) : "(none)"),
         "[" + std::to_string(n) + ", " + std::to_string(n) + "] complex64");
  }
  if (!torch::isfinite(torch::view_as_real(p)).all().item<bool>())
    fail(where, "probe has NaN or Inf", "finite");
  const auto& o = d.object_guess;
  if (o.defined()) {
    if (o.dim() != 2 || o.scalar_type() != torch::kComplexFloat) {
      fail(where, "objectGuess is " + c10::str(o.sizes()) + " " + std::string(o.dtype().name()),
           "[H, W] complex64");
    }
    if (!torch::isfinite(torch::view_as_real(o)).all().item<bool>())
      fail(where, "objectGuess has NaN or Inf", "finite");
  }
  const auto& b = d.bad_pixels;
  if (b.defined() && (b.dim() != 2 || b.size(0) != n || b.size(1) != n || b.scalar_type() != torch::kBool)) {
    fail(where, "bad_pixels is " + c10::str(b.sizes()) + " " + std::string(b.dtype().name()),
         "[" + std::to_string(n) + ", " + std::to_string(n) + "] bool");
  }
}

void write_contract_npz(const std::string& path, const ContractData& d) {
  validate(d, path);
  const int64_t m = d.diffraction.size(0);
  io::NpzWriter writer(path, /*compress=*/false);
  writer.add("diffraction", io::from_tensor(d.diffraction.contiguous()));
  writer.add("xcoords", doubles(d.xcoords));
  writer.add("ycoords", doubles(d.ycoords));
  writer.add("scan_index", io::NpyArray::zeros(io::DType::kInt64, {m}));
  writer.add("probeGuess", io::from_tensor(d.probe.contiguous()));
  if (d.object_guess.defined()) writer.add("objectGuess", io::from_tensor(d.object_guess.contiguous()));
  if (d.bad_pixels.defined() && d.bad_pixels.any().item<bool>()) {
    writer.add("bad_pixels", io::from_tensor(d.bad_pixels.contiguous()));
  }
  writer.add("_metadata", io::NpyArray::scalar_string(d.metadata.dump()));
  writer.close();
}

}  // namespace ptychopinn::convert
