#include "ptychopinn/workflow/reconstruction_file.h"

#include <utility>
#include <vector>

#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::workflow {
namespace {

torch::Tensor complex_image(const io::NpzReader& npz, const std::string& path, const std::string& key) {
  if (!npz.contains(key)) {
    throw_io_error(path, "has no '" + key + "' member; expected a complex [H, W] array named '" + key + "'");
  }
  auto t = io::to_tensor(npz.read(key));
  if (t.dim() == 3 && t.size(0) == 1) t = t.squeeze(0);  // a single (1, H, W) object
  if (t.dim() == 3 && t.size(2) == 1) t = t.squeeze(2);  // (H, W, 1), the reference's layout
  if (t.dim() != 2 || !t.is_complex()) {
    throw_io_error(path, "'" + key + "' is " + c10::str(t.sizes()) + " " + std::string(t.dtype().name()) +
                             "; expected a complex [H, W] image");
  }
  return t.clone();
}

double scalar(const io::NpzReader& npz, const std::string& path, const std::string& key) {
  if (!npz.contains(key)) {
    throw_io_error(path, "has no '" + key + "' member; expected ptychopinn infer's reconstruction.npz");
  }
  const auto v = npz.read(key).to_double_vector();
  if (v.size() != 1)
    throw_io_error(path, "'" + key + "' has " + std::to_string(v.size()) + " values; expected one");
  return v[0];
}

}  // namespace

ReconstructionFile file_of(const infer::Reconstruction& r) {
  ReconstructionFile f;
  f.object = r.image.object;
  f.coverage = r.image.coverage;
  f.x_origin_px = r.image.grid.x_origin;
  f.y_origin_px = r.image.grid.y_origin;
  f.centres = r.centres;
  f.stitch_crop = r.stitch_crop;
  f.patches = r.patches;
  return f;
}

void write_reconstruction_file(const std::string& path, const ReconstructionFile& f) {
  const auto host = [](const torch::Tensor& t, torch::ScalarType dtype) {
    return io::from_tensor(t.to(torch::kCPU, dtype).contiguous());
  };
  std::vector<std::pair<std::string, io::NpyArray>> members = {
      {"object", host(f.object, torch::kComplexFloat)},
      {"coverage", host(f.coverage, torch::kFloat64)},
      {"x_origin_px", io::NpyArray::from_data<double>({}, &f.x_origin_px)},
      {"y_origin_px", io::NpyArray::from_data<double>({}, &f.y_origin_px)},
      {"centres", host(f.centres, torch::kFloat64)},
      {"stitch_crop", io::NpyArray::from_data<int64_t>({}, &f.stitch_crop)},
  };
  if (f.patches.defined()) members.emplace_back("patches", host(f.patches, torch::kComplexFloat));
  if (f.probe.defined()) members.emplace_back("probe", host(f.probe, torch::kComplexFloat));
  if (f.xcoords.defined()) members.emplace_back("xcoords", host(f.xcoords, torch::kFloat64));
  if (f.ycoords.defined()) members.emplace_back("ycoords", host(f.ycoords, torch::kFloat64));
  io::write_npz(path, members);
}

StitchedObject read_reconstruction_file(const std::string& path) {
  const io::NpzReader npz(path);
  StitchedObject f;
  f.object = complex_image(npz, path, "object");
  f.origin = {scalar(npz, path, "x_origin_px"), scalar(npz, path, "y_origin_px")};
  if (npz.contains("centres") && npz.contains("stitch_crop")) {
    const auto centres = io::to_tensor(npz.read("centres")).to(torch::kFloat64);
    f.scanned = eval::scan_window(centres, static_cast<int64_t>(scalar(npz, path, "stitch_crop")));
  }
  return f;
}

torch::Tensor read_complex_image(const std::string& path, const std::string& key) {
  const io::NpzReader npz(path);
  return complex_image(npz, path, key);
}

torch::Tensor read_starting_probe(const std::string& path) {
  torch::Tensor probe;
  std::string what;
  if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0) {
    probe = io::to_tensor(io::read_npy(path));
    what = "the array";
  } else {
    const io::NpzReader npz(path);
    what = npz.contains("probe") ? "probe" : "probeGuess";
    if (!npz.contains(what)) {
      throw_io_error(path,
                     "has neither 'probe' (a reconstruction.npz) nor 'probeGuess' (a dataset); expected "
                     "one of them, a complex [N, N] or [K, N, N] array");
    }
    probe = io::to_tensor(npz.read(what));
  }
  if (probe.dim() == 3) probe = probe.select(0, 0);  // the strongest mode comes first
  if (probe.dim() != 2 || probe.size(0) != probe.size(1) || !probe.is_complex()) {
    throw_io_error(path, what + " is " + c10::str(probe.sizes()) + " " + std::string(probe.dtype().name()) +
                             "; expected a complex [N, N] probe (or [K, N, N] modes)");
  }
  if (!torch::isfinite(torch::view_as_real(probe)).all().item<bool>()) {
    throw_io_error(path, what + " has values that are not finite; expected a finite probe");
  }
  return probe.clone();
}

}  // namespace ptychopinn::workflow
