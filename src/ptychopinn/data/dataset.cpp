#include "ptychopinn/data/dataset.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "ptychopinn/data/contract.h"
#include "ptychopinn/data/random.h"
#include "ptychopinn/io/mapped_file.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::data {
namespace {

using io::DType;

// Drops leading or trailing singleton axes of a probe: (1, N, N) and (N, N, 1) -> (N, N).
torch::Tensor squeeze_probe(torch::Tensor t) {
  if (t.dim() == 3 && t.size(0) == 1) return t.squeeze(0);
  if (t.dim() == 3 && t.size(2) == 1) return t.squeeze(2);
  return t;
}

torch::Tensor to_complex64(const io::NpyArray& a) {
  torch::Tensor t = io::to_tensor(a);
  if (!t.is_complex()) t = t.to(torch::kFloat);
  return t.to(torch::kComplexFloat).contiguous().clone();
}

// Patterns as float32 [M, N, N] C order: the mapped member itself when it already is that, else a
// converted copy.
io::NpyArray canonical_patterns(const io::NpyArray& raw, bool legacy_layout) {
  std::vector<std::int64_t> s = raw.shape();
  if (s.size() == 4) s.pop_back();  // (M, N, N, 1)
  if (raw.dtype() == DType::kFloat32 && !legacy_layout) {
    if (raw.shape().size() == 3) return raw;
    return io::NpyArray::wrap(DType::kFloat32, s, sizeof(float), raw.data(),
                              std::make_shared<io::NpyArray>(raw),
                              /*writable=*/false, raw.is_mapped());
  }
  torch::Tensor t = io::to_tensor(raw).to(torch::kFloat).reshape(s);
  if (legacy_layout) t = t.permute({2, 0, 1});
  return io::from_tensor(t.contiguous());
}

std::vector<double> take(const std::vector<double>& v, const std::vector<std::int64_t>& idx) {
  std::vector<double> out(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) out[i] = v[static_cast<std::size_t>(idx[i])];
  return out;
}

std::vector<std::int64_t> subsample_indices(std::int64_t m, const DatasetOptions& o) {
  std::vector<std::int64_t> idx;
  if (o.n_subsample && *o.n_subsample < 0) {
    throw std::invalid_argument("n_subsample = " + std::to_string(*o.n_subsample) +
                                "; expected >= 0 or null");
  }
  if (o.n_subsample && *o.n_subsample < m) {
    Random rng(o.subsample_seed);
    idx = rng.choose(m, *o.n_subsample);
    std::sort(idx.begin(), idx.end());
  } else {
    idx.resize(static_cast<std::size_t>(m));
    for (std::int64_t i = 0; i < m; ++i) idx[static_cast<std::size_t>(i)] = i;
  }
  return idx;
}

}  // namespace

std::optional<double> Dataset::metadata_nphotons() const {
  auto number = [](const nlohmann::json& j) -> std::optional<double> {
    if (j.is_number()) return j.get<double>();
    return std::nullopt;
  };
  if (metadata_.contains("nphotons")) {
    if (auto v = number(metadata_["nphotons"])) return v;
  }
  if (metadata_.contains("physics_parameters") && metadata_["physics_parameters"].is_object() &&
      metadata_["physics_parameters"].contains("nphotons")) {
    return number(metadata_["physics_parameters"]["nphotons"]);
  }
  return std::nullopt;
}

void Dataset::copy_pattern(std::int64_t i, float* dst) const {
  if (i < 0 || i >= size()) {
    throw std::out_of_range(path_ + ": pattern index = " + std::to_string(i) + "; expected 0 <= index < " +
                            std::to_string(size()));
  }
  const std::size_t bytes = static_cast<std::size_t>(n_ * n_) * sizeof(float);
  // memcpy, not a typed load: a mapped member of a NumPy-written archive may be misaligned.
  std::memcpy(
      dst, static_cast<const char*>(patterns_.data()) + static_cast<std::size_t>(sample_indices_[i]) * bytes,
      bytes);
}

void Dataset::release_patterns_before(std::int64_t end, std::int64_t from) const {
  if (!patterns_mapped_) return;
  end = std::min(end, size());
  from = std::max<std::int64_t>(from, 0);
  if (end <= from) return;
  const std::size_t bytes = static_cast<std::size_t>(n_ * n_) * sizeof(float);
  // Whole pages from the one holding pattern `from` (earlier patterns are done too) up to the start
  // of pattern `end`; the page it starts in is kept. Rows left out by subsampling are never read.
  const auto* base = static_cast<const char*>(patterns_.data());
  const auto first = static_cast<std::size_t>(sample_indices_[static_cast<std::size_t>(from)]) * bytes;
  const std::size_t stop =
      end < size() ? static_cast<std::size_t>(sample_indices_[static_cast<std::size_t>(end)]) * bytes
                   : static_cast<std::size_t>(file_size_) * bytes;
  if (stop <= first) return;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(base + first);
  const std::size_t back = page > 0 ? start % page : 0;
  io::release_pages(base + first - back, stop - first + back);
}

double Dataset::pattern_energy(std::int64_t i) const {
  std::vector<float> buf(static_cast<std::size_t>(n_ * n_));
  copy_pattern(i, buf.data());
  double e = 0;
  for (float v : buf) e += static_cast<double>(v) * v;
  return e;
}

void Dataset::copy_patch(std::int64_t i, std::complex<float>* dst) const {
  if (!patches_) throw std::invalid_argument(path_ + ": no ground-truth patches 'Y' in this dataset");
  if (i < 0 || i >= size()) throw std::out_of_range(path_ + ": patch index = " + std::to_string(i));
  const std::size_t bytes = static_cast<std::size_t>(n_ * n_) * sizeof(std::complex<float>);
  std::memcpy(
      dst, static_cast<const char*>(patches_->data()) + static_cast<std::size_t>(sample_indices_[i]) * bytes,
      bytes);
}

Dataset load_dataset(const std::string& path, const DatasetOptions& options) {
  return load_dataset(io::NpzReader(path), options);
}

Dataset load_dataset(const io::NpzReader& archive, const DatasetOptions& options) {
  const std::string& path = archive.path();
  ContractOptions contract_options;
  contract_options.strict = options.strict;
  const ContractReport report = check_dataset_contract(archive, contract_options);
  if (!report.is_dataset) {
    throw std::invalid_argument(path +
                                ": not a dataset: expected a diffraction key ('diff3d' or 'diffraction') "
                                "and scan coordinates ('xcoords', 'ycoords'); found keys " +
                                join(archive.keys(), ", "));
  }
  std::vector<std::string> errors;
  Dataset d;
  for (const auto& f : report.findings) {
    if (f.severity == Severity::kError) errors.push_back(f.message);
    if (f.severity == Severity::kWarning) d.warnings_.push_back(f.message);
  }
  if (!errors.empty()) {
    std::string msg = errors.front();
    if (errors.size() > 1)
      msg += " (and " + std::to_string(errors.size() - 1) +
             " more: " + join(std::vector<std::string>(errors.begin() + 1, errors.end()), "; ") + ")";
    throw std::invalid_argument(msg);
  }

  d.path_ = path;
  d.diffraction_key_ = report.diffraction_key;
  d.n_ = report.pattern_size;
  d.file_size_ = report.n_images;
  const io::NpyArray raw = archive.read(report.diffraction_key);
  d.patterns_ = canonical_patterns(raw, report.legacy_layout);
  d.patterns_mapped_ = archive.maps_file() && raw.is_mapped() && d.patterns_.data() == raw.data();

  const std::vector<double> x = archive.read("xcoords").to_double_vector();
  const std::vector<double> y = archive.read("ycoords").to_double_vector();
  const bool has_start = archive.contains("xcoords_start");
  const std::vector<double> xs = has_start ? archive.read("xcoords_start").to_double_vector() : x;
  const std::vector<double> ys = has_start ? archive.read("ycoords_start").to_double_vector() : y;
  std::vector<double> scan(static_cast<std::size_t>(d.file_size_), 0.0);
  if (archive.contains("scan_index")) scan = archive.read("scan_index").to_double_vector();

  d.sample_indices_ = subsample_indices(d.file_size_, options);
  d.x_ = take(x, d.sample_indices_);
  d.y_ = take(y, d.sample_indices_);
  d.x_start_ = take(xs, d.sample_indices_);
  d.y_start_ = take(ys, d.sample_indices_);
  for (double s : take(scan, d.sample_indices_)) d.scan_index_.push_back(static_cast<std::int64_t>(s));

  d.probe_ = squeeze_probe(to_complex64(archive.read("probeGuess")));
  if (archive.contains("objectGuess") && !archive.header("objectGuess").pickled_object) {
    d.object_ = to_complex64(archive.read("objectGuess"));
  }
  if (archive.contains("bad_pixels")) {
    d.bad_pixels_ = io::to_tensor(archive.read("bad_pixels")).ne(0).contiguous().clone();
  }
  if (archive.contains("Y")) {
    const io::NpyHeader h = archive.header("Y");
    if (h.shape.size() >= 3 && h.shape[0] == d.file_size_) {
      torch::Tensor t = to_complex64(archive.read("Y")).reshape({d.file_size_, d.n_, d.n_});
      d.patches_ = io::from_tensor(t.contiguous());
    }
  }
  // An unreadable or non-JSON _metadata is a contract warning (already collected); read it only
  // when the check found nothing wrong with it.
  const bool metadata_ok = std::none_of(report.findings.begin(), report.findings.end(),
                                        [](const ContractFinding& f) { return f.key == "_metadata"; });
  if (archive.contains("_metadata") && metadata_ok) {
    d.metadata_ = nlohmann::json::parse(archive.read("_metadata").string_value());
  }
  return d;
}

}  // namespace ptychopinn::data
