#include "ptychopinn/data/contract.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "ptychopinn/data/array_stats.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::data {
namespace {

// Peak-to-mean ratio of the diffraction from which it is taken for intensity (see check_diffraction).
constexpr double kIntensityPeakToMean = 1000;

using io::DType;

const std::vector<std::string> kRequired = {"xcoords", "ycoords", "probeGuess"};
const std::vector<std::string> kOptional = {
    "xcoords_start", "ycoords_start", "scan_index", "objectGuess", "Y", "_metadata", "bad_pixels"};
// Keys some tools write and every loader ignores.
const std::vector<std::string> kKnownExtras = {
    "ground_truth_patches", "_shuffle_applied", "_shuffle_seed", "Y_I", "Y_phi",
    "coords_nominal",       "coords_true",      "label"};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string shape_and_dtype(const io::NpyHeader& h) {
  return format_shape(h.shape) + " " + io::to_string(h.dtype);
}

class Checker {
 public:
  Checker(const io::NpzReader& archive, const ContractOptions& options)
      : archive_(archive), options_(options) {
    report_.path = archive.path();
  }

  ContractReport run() {
    for (const auto& k : archive_.keys()) {
      if (k == "diff3d" || k == "diffraction" || contains(kRequired, k) || contains(kOptional, k)) {
        report_.present_keys.push_back(k);
      } else {
        report_.ignored_keys.push_back(k);
      }
    }
    const bool has_diff = has("diff3d") || has("diffraction");
    report_.is_dataset = has_diff || has("xcoords") || has("ycoords");
    if (!report_.is_dataset) {
      add(Severity::kInfo, "",
          "not a dataset: it has neither a diffraction key ('diff3d' or 'diffraction') "
          "nor scan coordinates ('xcoords', 'ycoords')");
      return report_;
    }
    if (!has_diff) report_.missing_required.push_back("diff3d|diffraction");
    for (const auto& k : kRequired)
      if (!has(k)) report_.missing_required.push_back(k);
    for (const auto& k : kOptional)
      if (!has(k)) report_.missing_optional.push_back(k);
    for (const auto& k : report_.missing_required)
      add(Severity::kError, k, "required key '" + k + "' is missing");
    for (const auto& k : report_.ignored_keys)
      if (!contains(kKnownExtras, k)) add(Severity::kInfo, k, "not part of the dataset contract; ignored");

    check_coordinates();
    check_diffraction();
    check_probe();
    check_optional_arrays();
    check_metadata();
    return report_;
  }

 private:
  bool has(const std::string& k) const { return archive_.contains(k); }

  void add(Severity s, const std::string& key, const std::string& message) {
    report_.findings.push_back({s, key, message});
  }

  std::string where(const std::string& key) const { return report_.path + ": key '" + key + "'"; }

  // Checks a 1-D coordinate-like member; returns its length, or -1 when unusable.
  std::int64_t check_vector(const std::string& key, bool must_be_float) {
    const io::NpyHeader h = archive_.header(key);
    if (h.shape.size() != 1) {
      add(Severity::kError, key,
          where(key) + " has shape " + format_shape(h.shape) + "; expected [n_images]");
      return -1;
    }
    if (h.dtype == DType::kUnicode || h.pickled_object || io::is_complex(h.dtype) ||
        (must_be_float && h.dtype == DType::kBool)) {
      add(Severity::kError, key,
          where(key) + " has dtype " + io::to_string(h.dtype) +
              "; expected a real number type (float64 preferred)");
      return -1;
    }
    const ArrayStats st = compute_stats(archive_.read(key));
    if (st.nan_count || st.inf_count) {
      add(Severity::kError, key,
          where(key) + " holds " + std::to_string(st.nan_count) + " NaN and " + std::to_string(st.inf_count) +
              " Inf values; expected finite numbers");
    }
    return h.shape[0];
  }

  void check_coordinates() {
    std::int64_t nx = has("xcoords") ? check_vector("xcoords", true) : -1;
    std::int64_t ny = has("ycoords") ? check_vector("ycoords", true) : -1;
    if (nx >= 0 && ny >= 0 && nx != ny) {
      add(Severity::kError, "ycoords",
          report_.path + ": 'xcoords' has " + std::to_string(nx) + " entries and 'ycoords' " +
              std::to_string(ny) + "; expected equal lengths");
    }
    n_coords_ = nx >= 0 ? nx : ny;
    for (const char* k : {"xcoords_start", "ycoords_start"}) {
      if (!has(k)) continue;
      const std::int64_t n = check_vector(k, true);
      if (n >= 0 && n_coords_ >= 0 && n != n_coords_) {
        add(Severity::kError, k,
            where(k) + " has " + std::to_string(n) + " entries; expected " + std::to_string(n_coords_) +
                " (the length of 'xcoords')");
      }
    }
    if (has("xcoords_start") != has("ycoords_start")) {
      add(Severity::kError, has("xcoords_start") ? "ycoords_start" : "xcoords_start",
          report_.path +
              ": only one of 'xcoords_start' and 'ycoords_start' is present; expected both or neither");
    }
    if (has("scan_index")) {
      const io::NpyHeader h = archive_.header("scan_index");
      if (h.shape.size() != 1 || !io::is_integer(h.dtype)) {
        add(Severity::kError, "scan_index",
            where("scan_index") + " is " + shape_and_dtype(h) + "; expected [n_images] of an integer type");
      } else if (n_coords_ >= 0 && h.shape[0] != n_coords_) {
        add(Severity::kError, "scan_index",
            where("scan_index") + " has " + std::to_string(h.shape[0]) + " entries; expected " +
                std::to_string(n_coords_));
      }
    }
  }

  void check_diffraction() {
    std::string key;
    if (has("diff3d") && has("diffraction")) {
      const io::NpyHeader a = archive_.header("diff3d"), b = archive_.header("diffraction");
      const io::NpyArray va = archive_.read("diff3d"), vb = archive_.read("diffraction");
      const bool same =
          a.shape == b.shape && a.dtype == b.dtype && va.nbytes() == vb.nbytes() &&
          std::equal(static_cast<const char*>(va.data()), static_cast<const char*>(va.data()) + va.nbytes(),
                     static_cast<const char*>(vb.data()));
      if (!same) {
        add(Severity::kError, "diffraction",
            report_.path +
                ": both 'diff3d' and 'diffraction' are present and they differ; "
                "expected one diffraction key (or two identical ones)");
      } else {
        add(Severity::kInfo, "diffraction", "'diff3d' and 'diffraction' are identical; 'diff3d' is used");
      }
      key = "diff3d";
    } else if (has("diff3d")) {
      key = "diff3d";
    } else if (has("diffraction")) {
      key = "diffraction";
    } else {
      return;
    }
    report_.diffraction_key = key;
    const io::NpyHeader h = archive_.header(key);
    std::vector<std::int64_t> s = h.shape;
    if (s.size() == 4 && s[3] == 1) s.pop_back();  // (M, N, N, 1)
    if (s.size() != 3) {
      add(Severity::kError, key,
          where(key) + " has shape " + format_shape(h.shape) +
              "; expected [n_images, N, N] (or the legacy [N, N, n_images])");
      return;
    }
    std::int64_t m = s[0], r = s[1], c = s[2];
    if (n_coords_ >= 0 && s[0] != n_coords_ && s[2] == n_coords_) {
      report_.legacy_layout = true;
      m = s[2];
      r = s[0];
      c = s[1];
      add(Severity::kInfo, key, "legacy layout [N, N, n_images]: transposed on load");
    }
    if (n_coords_ >= 0 && m != n_coords_) {
      add(Severity::kError, key,
          where(key) + " has shape " + format_shape(h.shape) + "; expected " + std::to_string(n_coords_) +
              " patterns (the length of 'xcoords')");
    }
    if (r != c) {
      add(Severity::kError, key,
          where(key) + " holds non-square patterns " + std::to_string(r) + "x" + std::to_string(c) +
              "; expected N x N");
    }
    report_.n_images = m;
    report_.pattern_size = r;
    if (h.dtype == DType::kUnicode || h.pickled_object || io::is_complex(h.dtype) ||
        h.dtype == DType::kBool) {
      add(Severity::kError, key,
          where(key) + " has dtype " + io::to_string(h.dtype) +
              "; expected float32 amplitudes (float64 and unsigned integers are converted)");
      return;
    }
    check_amplitude(key, h, compute_stats(archive_.read(key), archive_.maps_file()));
  }

  void check_amplitude(const std::string& key, const io::NpyHeader& h, const ArrayStats& st) {
    if (st.nan_count || st.inf_count) {
      add(Severity::kError, key,
          where(key) + " holds " + std::to_string(st.nan_count) + " NaN and " + std::to_string(st.inf_count) +
              " Inf values; expected finite amplitudes");
    }
    if (st.negative_count) {
      add(Severity::kError, key,
          where(key) + " holds " + std::to_string(st.negative_count) + " negative values (min " +
              std::to_string(st.min) + "); expected amplitudes >= 0");
    }
    AmplitudeCheck& a = report_.amplitude;
    a.checked = true;
    a.min = st.min;
    a.max = st.max;
    a.mean = st.mean;
    a.max_over_mean = st.mean > 0 ? st.max / st.mean : 0;
    a.all_integral = st.all_integral && st.count > st.nan_count + st.inf_count;
    if (io::is_integer(h.dtype))
      a.reasons.push_back("integer dtype " + io::to_string(h.dtype) + " (counts?)");
    else if (a.all_integral && st.max > 1)
      a.reasons.push_back("every value is a whole number (counts?)");
    // The reference warns from a peak-to-mean ratio of 100, but the
    // far-field amplitudes of a compact probe at high dose reach 150-200 (the demo's own simulated
    // data); their intensities sit near the square of that. 1000 separates the two.
    if (a.max_over_mean >= kIntensityPeakToMean) {
      std::ostringstream os;
      os << "max/mean = " << a.max_over_mean << " >= " << kIntensityPeakToMean;
      a.reasons.push_back(os.str());
    }
    a.looks_like_intensity = !a.reasons.empty();
    if (a.looks_like_intensity) {
      add(options_.strict ? Severity::kError : Severity::kWarning, key,
          where(key) + " looks like intensity rather than amplitude (" + join(a.reasons, "; ") +
              "); the contract expects amplitude = sqrt(counts): convert with sqrt first");
    }
  }

  void check_probe() {
    if (!has("probeGuess")) return;
    const io::NpyHeader h = archive_.header("probeGuess");
    std::vector<std::int64_t> s = h.shape;
    if (s.size() == 3 && s[0] == 1)
      s.erase(s.begin());
    else if (s.size() == 3 && s[2] == 1)
      s.pop_back();
    if (s.size() != 2 || s[0] != s[1]) {
      add(Severity::kError, "probeGuess",
          where("probeGuess") + " has shape " + format_shape(h.shape) +
              "; expected [N, N] (or [1, N, N] / [N, N, 1])");
      return;
    }
    if (report_.pattern_size > 0 && s[0] != report_.pattern_size) {
      add(Severity::kError, "probeGuess",
          where("probeGuess") + " is " + std::to_string(s[0]) + "x" + std::to_string(s[1]) +
              "; expected the pattern size " + std::to_string(report_.pattern_size) + "x" +
              std::to_string(report_.pattern_size));
    }
    if (!io::is_complex(h.dtype)) {
      add(Severity::kWarning, "probeGuess",
          where("probeGuess") + " has dtype " + io::to_string(h.dtype) +
              "; expected complex64 (a real probe is taken as zero phase)");
    }
    if (h.dtype != DType::kUnicode && !h.pickled_object) {
      const ArrayStats st = compute_stats(archive_.read("probeGuess"));
      if (st.nan_count || st.inf_count)
        add(Severity::kError, "probeGuess",
            where("probeGuess") + " holds NaN or Inf values; expected finite");
      else if (st.max == 0)
        add(Severity::kError, "probeGuess", where("probeGuess") + " is zero everywhere; expected a probe");
    }
  }

  void check_optional_arrays() {
    if (has("objectGuess")) {
      const io::NpyHeader h = archive_.header("objectGuess");
      if (h.pickled_object) {
        add(Severity::kInfo, "objectGuess", "'objectGuess' is a pickled object (None?); treated as absent");
      } else if (h.shape.size() != 2) {
        add(Severity::kError, "objectGuess",
            where("objectGuess") + " has shape " + format_shape(h.shape) + "; expected a 2-D [H, W] object");
      } else if (!io::is_complex(h.dtype)) {
        add(Severity::kWarning, "objectGuess",
            where("objectGuess") + " has dtype " + io::to_string(h.dtype) + "; expected complex64");
      }
    }
    if (has("bad_pixels")) {
      // [N, N] bool or integer, nonzero = a detector pixel to leave free (DC at the centre, as the
      // patterns): the iterative engine's modulus constraint keeps the model's value there.
      const io::NpyHeader h = archive_.header("bad_pixels");
      const std::int64_t n = report_.pattern_size;
      if (h.shape.size() != 2 || (n > 0 && (h.shape[0] != n || h.shape[1] != n))) {
        add(Severity::kError, "bad_pixels",
            where("bad_pixels") + " has shape " + format_shape(h.shape) +
                "; expected [N, N] with N = " + std::to_string(n) + " (the patterns' size)");
      } else if (h.dtype != DType::kBool && !io::is_integer(h.dtype)) {
        add(Severity::kError, "bad_pixels",
            where("bad_pixels") + " has dtype " + io::to_string(h.dtype) +
                "; expected bool or uint8 (true = bad pixel)");
      }
    }
    if (has("Y")) {
      const io::NpyHeader h = archive_.header("Y");
      std::vector<std::int64_t> s = h.shape;
      if (s.size() == 4 && s[3] == 1) s.pop_back();
      const std::int64_t n = report_.pattern_size;
      if (s.size() != 3 || (n > 0 && (s[1] != n || s[2] != n))) {
        add(Severity::kError, "Y",
            where("Y") + " has shape " + format_shape(h.shape) + "; expected [n_images, N, N]");
      } else if (report_.n_images > 0 && s[0] != report_.n_images) {
        add(Severity::kWarning, "Y",
            where("Y") + " has " + std::to_string(s[0]) + " patches for " + std::to_string(report_.n_images) +
                " patterns; it will be ignored");
      }
    }
  }

  void check_metadata() {
    if (!has("_metadata")) return;
    io::NpyArray m;
    try {
      m = archive_.read("_metadata");
    } catch (const std::exception& e) {
      add(Severity::kWarning, "_metadata", std::string("'_metadata' is unreadable and ignored: ") + e.what());
      return;
    }
    if (m.dtype() != DType::kUnicode || m.numel() != 1) {
      add(Severity::kWarning, "_metadata",
          where("_metadata") + " is " + m.descr() + " " + format_shape(m.shape()) +
              "; expected a JSON string; ignored");
      return;
    }
    const auto j = nlohmann::json::parse(m.string_value(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      add(Severity::kWarning, "_metadata", where("_metadata") + " is not a JSON object; ignored");
    }
  }

  const io::NpzReader& archive_;
  ContractOptions options_;
  ContractReport report_;
  std::int64_t n_coords_ = -1;
};

}  // namespace

std::string to_string(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "?";
}

int ContractReport::count(Severity s) const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(),
                                        [s](const ContractFinding& f) { return f.severity == s; }));
}

nlohmann::json ContractReport::to_json() const {
  nlohmann::json j;
  j["dataset"] = is_dataset;
  j["ok"] = ok();
  if (!is_dataset) return j;
  j["diffraction_key"] = diffraction_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(diffraction_key);
  j["layout"] = legacy_layout ? "N,N,n_images (legacy)" : "n_images,N,N";
  j["n_images"] = n_images;
  j["N"] = pattern_size;
  j["keys"] = {{"present", present_keys},
               {"missing_required", missing_required},
               {"missing_optional", missing_optional},
               {"ignored", ignored_keys}};
  if (amplitude.checked) {
    j["amplitude_check"] = {{"min", amplitude.min},
                            {"max", amplitude.max},
                            {"mean", amplitude.mean},
                            {"max_over_mean", amplitude.max_over_mean},
                            {"all_integral", amplitude.all_integral},
                            {"looks_like_intensity", amplitude.looks_like_intensity},
                            {"reasons", amplitude.reasons}};
  }
  auto list = [this](Severity s) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& f : findings)
      if (f.severity == s) a.push_back({{"key", f.key}, {"message", f.message}});
    return a;
  };
  j["errors"] = list(Severity::kError);
  j["warnings"] = list(Severity::kWarning);
  j["notes"] = list(Severity::kInfo);
  return j;
}

ContractReport check_dataset_contract(const io::NpzReader& archive, const ContractOptions& options) {
  return Checker(archive, options).run();
}

}  // namespace ptychopinn::data
