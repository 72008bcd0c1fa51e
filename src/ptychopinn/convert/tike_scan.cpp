#include "ptychopinn/convert/tike_scan.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "ptychopinn/convert/detector_crop.h"
#include "ptychopinn/convert/key_error.h"
#include "ptychopinn/io/bzip2.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::convert {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// t with its leading axes (all but the last `keep`) removed; they must be 1, except that when
// `allow_first` is set a leading axis > 1 keeps its first entry and adds a note.
torch::Tensor squeeze_leading(const std::string& path, const std::string& key, torch::Tensor t, int64_t keep,
                              const std::string& layout, bool allow_first, std::vector<std::string>& notes) {
  if (t.dim() < keep) fail_at_key(path, key, "has shape " + c10::str(t.sizes()), layout);
  while (t.dim() > keep) {
    if (t.size(0) != 1) {
      if (!allow_first)
        fail_at_key(path, key, "has shape " + c10::str(t.sizes()), layout + " with leading axes of size 1");
      notes.push_back(path + ": '" + key + "' has " + std::to_string(t.size(0)) +
                      " entries on a leading axis (probe modes or views); using the first");
    }
    t = t.select(0, 0);
  }
  return t;
}

}  // namespace

TikeScan read_tike_scan(const std::string& path) {
  const auto reader = io::open_npz_or_bzip2(path);
  for (const char* key : {"data", "probe", "scan"}) {
    if (!reader.contains(key)) {
      throw std::invalid_argument(path + ": has no '" + std::string(key) +
                                  "'; expected a tike scan (data, probe, scan)" + "; its members are " +
                                  join(reader.keys()));
    }
  }
  TikeScan s;
  s.path = path;
  auto data = io::to_tensor(reader.read("data"));
  if (!data.is_floating_point() && data.scalar_type() != torch::kInt && data.scalar_type() != torch::kLong &&
      data.scalar_type() != torch::kShort && data.scalar_type() != torch::kByte) {
    fail_at_key(path, "data", "has dtype " + std::string(data.dtype().name()),
                "real photon counts (integer or float)");
  }
  data = squeeze_leading(path, "data", data, 3, "(..., M, H, W) counts", false, s.notes).to(torch::kFloat32);
  if (data.size(1) != data.size(2) || data.size(0) < 1) {
    fail_at_key(path, "data",
                "has patterns of " + std::to_string(data.size(1)) + " x " + std::to_string(data.size(2)) +
                    " pixels and " + std::to_string(data.size(0)) + " frames",
                "at least one square pattern");
  }
  if (!torch::isfinite(data).all().item<bool>())
    fail_at_key(path, "data", "has NaN or Inf counts", "finite counts");
  if ((data < 0).any().item<bool>()) fail_at_key(path, "data", "has negative counts", "photon counts >= 0");
  s.counts = data.contiguous();

  auto probe = io::to_tensor(reader.read("probe"));
  if (!probe.is_complex())
    fail_at_key(path, "probe", "has dtype " + std::string(probe.dtype().name()), "complex64 or complex128");
  probe =
      squeeze_leading(path, "probe", probe, 2, "(..., H, W) complex", true, s.notes).to(torch::kComplexFloat);
  if (probe.size(0) != data.size(1) || probe.size(1) != data.size(2)) {
    fail_at_key(path, "probe", "is " + std::to_string(probe.size(0)) + " x " + std::to_string(probe.size(1)),
                "the pattern size " + std::to_string(data.size(1)) + " x " + std::to_string(data.size(2)));
  }
  if (!torch::isfinite(torch::view_as_real(probe)).all().item<bool>())
    fail_at_key(path, "probe", "has NaN or Inf", "finite");
  s.probe = probe.contiguous();

  auto scan = io::to_tensor(reader.read("scan"));
  if (!scan.is_floating_point() && scan.scalar_type() != torch::kInt && scan.scalar_type() != torch::kLong) {
    fail_at_key(path, "scan", "has dtype " + std::string(scan.dtype().name()),
                "real (row, column) positions");
  }
  scan = squeeze_leading(path, "scan", scan, 2, "(..., M, 2) positions", false, s.notes).to(torch::kFloat64);
  if (scan.size(1) != 2 || scan.size(0) != data.size(0)) {
    fail_at_key(path, "scan", "has shape " + c10::str(scan.sizes()),
                "[" + std::to_string(data.size(0)) + ", 2]: one (row, column) per pattern of 'data'");
  }
  if (!torch::isfinite(scan).all().item<bool>())
    fail_at_key(path, "scan", "has NaN or Inf positions", "finite positions");
  s.positions_rc = scan.contiguous();
  return s;
}

ContractData contract_from_tike(const TikeScan& scan, const TikeConvertOptions& options) {
  const int64_t full = scan.counts.size(-1);
  const int64_t n = options.crop > 0 ? options.crop : full;
  if (!(options.probe_scale > 0)) {
    throw std::invalid_argument("convert: probe_scale = " + std::to_string(options.probe_scale) +
                                "; expected > 0");
  }
  if (options.subsample_every < 1 || options.subsample_index < 0 ||
      options.subsample_index >= options.subsample_every) {
    throw std::invalid_argument("convert: subsample = " + std::to_string(options.subsample_every) + ":" +
                                std::to_string(options.subsample_index) +
                                "; expected K:R with K >= 1 and 0 <= R < K");
  }
  const auto frames = torch::arange(options.subsample_index, scan.counts.size(0), options.subsample_every);
  if (frames.numel() == 0) {
    throw std::invalid_argument("convert: subsample " + std::to_string(options.subsample_every) + ":" +
                                std::to_string(options.subsample_index) + " keeps none of the " +
                                std::to_string(scan.counts.size(0)) + " frames of " + scan.path);
  }
  const auto centred = torch::fft::fftshift(scan.counts.index_select(0, frames), {-2, -1});
  const auto counts = crop_patterns(centred, n).contiguous();
  const double pixel_scale = static_cast<double>(full) / static_cast<double>(n);

  ContractData d;
  d.diffraction = counts.clamp_min(0).sqrt().contiguous();
  const auto rows = scan.positions_rc.select(1, 0) / pixel_scale;
  const auto cols = scan.positions_rc.select(1, 1) / pixel_scale;
  const auto x = (cols - cols.min() + n / 2.0).index_select(0, frames).contiguous();
  const auto y = (rows - rows.min() + n / 2.0).index_select(0, frames).contiguous();
  d.xcoords.assign(x.data_ptr<double>(), x.data_ptr<double>() + x.numel());
  d.ycoords.assign(y.data_ptr<double>(), y.data_ptr<double>() + y.numel());
  d.probe =
      physics::normalize_probe(resample_probe(scan.probe, n), options.probe_scale).to(torch::kComplexFloat);

  d.metadata = converted_metadata(
      counts, options.probe_scale,
      {{"format", "tike"},
       {"file", std::filesystem::path(scan.path).filename().string()},
       {"patterns", scan.counts.size(0)},
       {"detector_pixels", full},
       {"crop", options.crop > 0 ? nlohmann::json(options.crop) : nlohmann::json(nullptr)},
       {"object_pixel_scale", pixel_scale},
       {"subsample", {{"every", options.subsample_every}, {"index", options.subsample_index}}},
       {"position_origin_px", {{"row", rows.min().item<double>()}, {"column", cols.min().item<double>()}}}},
      {"counts -> sqrt, fftshift (DC to the centre)",
       "(row, column) -> (y, x), divided by object_pixel_scale, shifted to start at N/2",
       "probe: leading axes removed, spectrum cropped to N, normalised"},
      scan.notes);
  return d;
}

}  // namespace ptychopinn::convert
