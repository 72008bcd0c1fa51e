// save_archive: check everything load_archive will check, then write the archive in one atomic
// step. An archive that could not be loaded back is never written.
#include <stdexcept>

#include "ptychopinn/bundle/archive_checks.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/bundle/tensor_members.h"
#include "ptychopinn/config/json_io.h"
#include "ptychopinn/config/legacy_params.h"
#include "ptychopinn/io/zip_archive.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::bundle {
namespace {

// The manifest as written: defaults filled in, then checked by the reader's own rules so that a
// manifest the reader would refuse is refused here already.
Manifest completed_manifest(const ModelArchive& archive, const std::string& where) {
  Manifest m = archive.manifest;
  if (m.format != kFormatName || m.format_version != kFormatVersion || m.backend != kBackend) {
    throw std::invalid_argument(where +
                                ": manifest format/format_version/backend = " + ptychopinn::quoted(m.format) +
                                "/" + std::to_string(m.format_version) + "/" + ptychopinn::quoted(m.backend) +
                                "; expected '" + kFormatName + "'/" + std::to_string(kFormatVersion) + "/'" +
                                kBackend + "' (the only format this program writes)");
  }
  if (m.software_version.empty()) m.software_version = kVersion;
  if (m.created_utc.empty()) m.created_utc = utc_now_iso8601();
  if (m.model_type.empty()) m.model_type = config::to_string(archive.config.model.model_type);
  try {
    Manifest::from_json(m.to_json(), where + ": manifest");
  } catch (const IoError& e) {
    throw std::invalid_argument(e.what());
  }
  const std::string problem = manifest_config_problem(m, archive.config);
  if (!problem.empty()) throw std::invalid_argument(where + ": " + problem);
  return m;
}

void check_contents(const ModelArchive& archive, const std::string& where) {
  archive.config.validate();
  for (const std::string& problem :
       {intensity_scale_problem(archive.intensity_scale), probe_problem(archive.probe, archive.config)}) {
    if (!problem.empty()) throw std::invalid_argument(where + ": " + problem);
  }
  const std::string probe_values = describe_non_finite(archive.probe);
  if (!probe_values.empty())
    throw NumericalError(where + ": probe " + probe_values + "; expected finite values");
  for (const auto& [name, tensor] : archive.weights) {
    const std::string values = describe_non_finite(tensor);
    if (!values.empty()) {
      throw NumericalError(where + ": weight " + ptychopinn::quoted(name) + " " + values +
                           "; expected finite values (did training diverge?)");
    }
  }
  for (const auto& [name, bytes] : archive.extra_members) {
    if (is_standard_member(name)) {
      throw std::invalid_argument(where + ": extra member name = " + ptychopinn::quoted(name) +
                                  "; expected a name other than the archive's standard members");
    }
  }
}

}  // namespace

void save_archive(const std::filesystem::path& path, const ModelArchive& archive) {
  const std::string where = path.string();
  const Manifest manifest = completed_manifest(archive, where);
  check_contents(archive, where);

  nlohmann::json params = config::to_legacy_params(archive.config);
  params["intensity_scale"] = archive.intensity_scale;

  using io::ZipCompression;
  std::vector<io::ZipMember> members = {
      {kManifestMember, manifest.to_json().dump(2) + "\n", ZipCompression::kDeflate},
      {kConfigMember, config::to_json(archive.config).dump(2) + "\n", ZipCompression::kDeflate},
      {kParamsMember, params.dump(2) + "\n", ZipCompression::kDeflate},
      {kProbeMember, encode_npy_member(archive.probe), ZipCompression::kStore},
      {kWeightsMember, encode_npz_member(archive.weights, where + ", member '" + kWeightsMember + "'"),
       ZipCompression::kStore},
      {kHistoryMember, archive.history_csv, ZipCompression::kDeflate},
  };
  // Opaque members (a torch::save blob) are archives or binary data already: store them.
  for (const auto& [name, bytes] : archive.extra_members)
    members.push_back({name, bytes, ZipCompression::kStore});
  io::write_zip(where, members);
}

}  // namespace ptychopinn::bundle
