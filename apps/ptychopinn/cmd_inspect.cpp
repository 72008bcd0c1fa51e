// `ptychopinn inspect FILE [--json] [--strict]`: members, shapes, dtypes and value ranges of an NPY
// or NPZ file, and for a dataset the result of the data-contract check; for a model archive
// (wts.h5.zip, or a directory holding one) its manifest, config and weights (inspect_archive.cpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_common.h"
#include "commands.h"
#include "inspect_archive.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/data/array_stats.h"
#include "ptychopinn/data/contract.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/data/dataset_summary.h"
#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::cli {
namespace {

constexpr std::size_t kMaxStringShown = 200;

bool starts_with_npy_magic(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char magic[6] = {};
  f.read(magic, sizeof magic);
  return f.gcount() == 6 && std::string(magic, 6) == "\x93NUMPY";
}

// A finite double as JSON; NaN/Inf (no finite values) as null.
nlohmann::json json_number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json describe_array(const io::NpyArray& a, bool stored) {
  nlohmann::json m;
  m["shape"] = a.shape();
  m["dtype"] = a.descr();
  if (a.dtype() == io::DType::kUnicode) {
    m["min"] = nullptr;
    m["max"] = nullptr;
    if (a.numel() == 1) m["value"] = a.string_value();
  } else {
    const data::ArrayStats st = data::compute_stats(a);
    const bool any = st.count > st.nan_count + st.inf_count;
    m["min"] = any ? json_number(st.min) : nlohmann::json(nullptr);
    m["max"] = any ? json_number(st.max) : nlohmann::json(nullptr);
    m["mean"] = any ? json_number(st.mean) : nlohmann::json(nullptr);
    if (st.of_modulus) m["of"] = "abs";
    if (st.nan_count) m["nan_count"] = st.nan_count;
    if (st.inf_count) m["inf_count"] = st.inf_count;
  }
  m["stored"] = stored;
  return m;
}

// A member that cannot be read (a pickle other than a string, say) is reported, not fatal: the
// rest of the file is still worth seeing. The exit code says something was wrong.
nlohmann::json describe_member(const io::NpzReader& archive, const std::string& key, bool& all_readable) {
  try {
    return describe_array(archive.read(key), archive.is_stored(key));
  } catch (const IoError& e) {
    all_readable = false;
    const io::NpyHeader h = archive.header(key);
    return {{"shape", h.shape}, {"dtype", h.descr}, {"min", nullptr}, {"max", nullptr}, {"error", e.what()}};
  }
}

std::string fmt(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  std::ostringstream os;
  os << std::setprecision(6) << v.get<double>();
  return os.str();
}

void print_contract(const nlohmann::json& c);
void print_summary(const nlohmann::json& d);

void print_text(const nlohmann::json& j) {
  std::cout << j["file"].get<std::string>() << ": " << j["format"].get<std::string>() << ", "
            << j["members"].size() << " member(s)\n";
  // Columns sized to their widest cell; a string member's text takes the rest of its line.
  std::vector<std::vector<std::string>> rows = {{"member", "shape", "dtype", "min", "max", "mean"}};
  std::vector<std::string> tails = {""};
  for (const auto& name : j["order"]) {
    const auto& m = j["members"][name.get<std::string>()];
    std::vector<std::string> row = {name.get<std::string>(),
                                    format_shape(m["shape"].get<std::vector<std::int64_t>>()),
                                    m["dtype"].get<std::string>()};
    std::string tail;
    if (m.contains("error")) {
      tail = "unreadable: " + m["error"].get<std::string>();
    } else if (m.contains("value")) {
      std::string v = m["value"].get<std::string>();
      if (v.size() > kMaxStringShown) v = v.substr(0, kMaxStringShown) + "...";
      tail = ptychopinn::quoted(v);
    } else {
      const std::string prefix = m.contains("of") ? "|z| " : "";
      row.push_back(prefix + fmt(m.value("min", nlohmann::json())));
      row.push_back(prefix + fmt(m.value("max", nlohmann::json())));
      row.push_back(prefix + fmt(m.value("mean", nlohmann::json())));
      if (m.contains("nan_count")) tail += "NaN: " + m["nan_count"].dump() + " ";
      if (m.contains("inf_count")) tail += "Inf: " + m["inf_count"].dump();
    }
    rows.push_back(row);
    tails.push_back(tail);
  }
  std::vector<std::size_t> width(6, 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = " ";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      line += " " + rows[r][c] + std::string(width[c] - rows[r][c].size() + 1, ' ');
    }
    line += tails[r];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  if (!j.contains("contract")) return;
  print_contract(j["contract"]);
  if (j.contains("dataset")) print_summary(j["dataset"]);
}

void print_summary(const nlohmann::json& d) {
  std::cout << "dataset: " << d["n_positions"] << " positions, N = " << d["N"] << ", probe "
            << format_shape(d["probe_shape"].get<std::vector<std::int64_t>>()) << ", object "
            << (d["object_shape"].is_null()
                    ? std::string("none")
                    : format_shape(d["object_shape"].get<std::vector<std::int64_t>>()))
            << "\n";
  std::cout << "  x from " << fmt(d["x_range"][0]) << " to " << fmt(d["x_range"][1]) << ", y from "
            << fmt(d["y_range"][0]) << " to " << fmt(d["y_range"][1]) << " (object px)\n";
  std::cout << "  amplitude min " << fmt(d["amplitude"]["min"]) << ", max " << fmt(d["amplitude"]["max"])
            << ", mean " << fmt(d["amplitude"]["mean"]) << "; mean pattern energy "
            << fmt(d["mean_pattern_energy"]) << "; nphotons (metadata) " << fmt(d["nphotons_metadata"])
            << "\n";
}

void print_contract(const nlohmann::json& c) {
  if (!c["dataset"].get<bool>()) {
    std::cout << "dataset contract: not a dataset (no diffraction key, no scan coordinates)\n";
    return;
  }
  std::cout << "dataset contract: " << (c["ok"].get<bool>() ? "OK" : "FAILED") << " (" << c["errors"].size()
            << " error(s), " << c["warnings"].size() << " warning(s))\n";
  if (!c["diffraction_key"].is_null()) {
    std::cout << "  diffraction '" << c["diffraction_key"].get<std::string>() << "': " << c["n_images"]
              << " patterns of " << c["N"] << "x" << c["N"] << ", layout " << c["layout"].get<std::string>()
              << "\n";
  }
  if (c.contains("amplitude_check")) {
    const auto& a = c["amplitude_check"];
    std::cout << "  amplitude check: min " << fmt(a["min"]) << ", max " << fmt(a["max"]) << ", mean "
              << fmt(a["mean"]) << ", max/mean " << fmt(a["max_over_mean"]) << " -> "
              << (a["looks_like_intensity"].get<bool>() ? "looks like INTENSITY" : "looks like amplitude")
              << "\n";
  }
  auto keys = [](const nlohmann::json& a) {
    std::vector<std::string> v = a.get<std::vector<std::string>>();
    return v.empty() ? std::string("none") : join(v, ", ");
  };
  std::cout << "  keys present: " << keys(c["keys"]["present"]) << "\n";
  std::cout << "  missing required: " << keys(c["keys"]["missing_required"]) << "\n";
  std::cout << "  missing optional: " << keys(c["keys"]["missing_optional"]) << "\n";
  for (const char* level : {"errors", "warnings", "notes"}) {
    for (const auto& f : c[level]) {
      std::cout << "  " << std::string(level).substr(0, std::string(level).size() - 1) << ": "
                << f["message"].get<std::string>() << "\n";
    }
  }
}

}  // namespace

int run_inspect(const std::vector<std::string>& args) {
  CLI::App app{
      "Lists the members of an NPY or NPZ file (shape, dtype, value range) and, for a dataset,\n"
      "checks it against the data contract (required keys, shapes, finite values, amplitude vs\n"
      "intensity). For a model archive (wts.h5.zip, or a directory holding one) shows its\n"
      "manifest, config, intensity scale, probe and trainable parameter count instead.\n"
      "Exit code 0 when the file is readable and, for a dataset, the contract holds; 1 otherwise.",
      "inspect"};
  std::string path;
  bool json = false, strict = false;
  app.add_option("FILE", path, "an .npy or .npz file, or a model archive")->required();
  app.add_flag("--json", json, "print machine-readable JSON on stdout");
  app.add_flag("--strict", strict, "treat data that looks like intensity as an error, not a warning");
  if (auto rc = parse_args(app, args)) return *rc;

  if (bundle::looks_like_archive(path)) return inspect_archive(path, json);

  bool all_readable = true;
  nlohmann::json out;
  out["file"] = path;
  out["members"] = nlohmann::json::object();
  out["order"] = nlohmann::json::array();
  if (starts_with_npy_magic(path)) {
    out["format"] = "npy";
    const io::NpyArray a = io::read_npy(path);
    const std::string name = std::filesystem::path(path).stem().string();
    out["members"][name] = describe_array(a, true);
    out["order"].push_back(name);
  } else {
    const io::NpzReader archive(path);
    out["format"] = "npz";
    for (const auto& key : archive.keys()) {
      out["members"][key] = describe_member(archive, key, all_readable);
      out["order"].push_back(key);
    }
    data::ContractOptions options;
    options.strict = strict;
    const data::ContractReport report = data::check_dataset_contract(archive, options);
    out["contract"] = report.to_json();
    if (report.is_dataset && report.ok()) {
      data::DatasetOptions dataset_options;
      dataset_options.strict = strict;
      out["dataset"] = data::summarize(data::load_dataset(path, dataset_options)).to_json();
    }
  }
  const bool ok = all_readable && (!out.contains("contract") || out["contract"]["ok"].get<bool>());
  if (json) {
    out.erase("order");
    std::cout << out.dump(2) << "\n";
  } else {
    print_text(out);
  }
  return ok ? 0 : 1;
}

}  // namespace ptychopinn::cli
