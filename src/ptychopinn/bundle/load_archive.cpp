// load_archive: recognise foreign archives first (their members would otherwise only say
// "manifest.json is missing"), then read and check each member, naming it in every message.
#include <system_error>

#include "ptychopinn/bundle/archive_checks.h"
#include "ptychopinn/bundle/foreign_archive.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/bundle/tensor_members.h"
#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/json_io.h"
#include "ptychopinn/io/zip_archive.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"

namespace ptychopinn::bundle {
namespace {

class MemberReader {
 public:
  explicit MemberReader(const io::ZipReader& zip) : zip_(zip) {}

  std::string where(const std::string& member) const {
    return zip_.path() + ", member " + ptychopinn::quoted(member);
  }

  nlohmann::json json(const std::string& member) const {
    const std::string text = zip_.read(member);
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw_io_error(where(member), std::string("is not valid JSON (") + e.what() + ")");
    }
  }

  // Throws IoError naming the member when the tensor holds NaN or infinite values.
  void require_finite(const torch::Tensor& t, const std::string& member, const std::string& what) const {
    const std::string problem = describe_non_finite(t);
    if (!problem.empty()) throw_io_error(where(member), what + " " + problem + "; expected finite values");
  }

 private:
  const io::ZipReader& zip_;
};

config::TrainingConfig read_config(const MemberReader& members) {
  const nlohmann::json j = members.json(kConfigMember);
  try {
    return config::training_config_from_json(j, members.where(kConfigMember));
  } catch (const config::ConfigError& e) {
    throw_io_error(members.where(kConfigMember), std::string("is not a valid configuration: ") + e.what());
  }
}

double read_intensity_scale(const MemberReader& members) {
  const nlohmann::json params = members.json(kParamsMember);
  if (!params.is_object() || !params.contains("intensity_scale") || !params["intensity_scale"].is_number()) {
    throw_io_error(members.where(kParamsMember), "intensity_scale = " +
                                                     (params.is_object() && params.contains("intensity_scale")
                                                          ? params["intensity_scale"].dump()
                                                          : std::string("(missing)")) +
                                                     "; expected a number");
  }
  const double scale = params["intensity_scale"].get<double>();
  const std::string problem = intensity_scale_problem(scale);
  if (!problem.empty()) throw_io_error(members.where(kParamsMember), problem);
  return scale;
}

}  // namespace

std::filesystem::path resolve_archive_path(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) ? path / kArchiveFileName : path;
}

ModelArchive load_archive(const std::filesystem::path& requested) {
  const std::string path = resolve_archive_path(requested).string();
  const io::ZipReader zip(path);
  if (const auto foreign = identify_foreign_backend(zip)) throw_foreign_archive(zip, *foreign);
  if (!zip.contains(kManifestMember)) {
    throw_io_error(path, std::string("holds no '") + kManifestMember + "'" + guess_zip_content(zip.names()) +
                             "; expected a ptychopinn model archive (as `ptychopinn train` writes)");
  }
  const MemberReader members(zip);
  ModelArchive archive;
  archive.manifest = Manifest::from_json(members.json(kManifestMember), members.where(kManifestMember));
  archive.config = read_config(members);
  const std::string mismatch = manifest_config_problem(archive.manifest, archive.config);
  if (!mismatch.empty()) throw_io_error(members.where(kManifestMember), mismatch);
  archive.intensity_scale = read_intensity_scale(members);

  archive.probe = decode_npy_member(zip.read(kProbeMember), members.where(kProbeMember));
  const std::string probe_shape = probe_problem(archive.probe, archive.config);
  if (!probe_shape.empty()) throw_io_error(members.where(kProbeMember), probe_shape);
  members.require_finite(archive.probe, kProbeMember, "the probe");

  archive.weights = decode_npz_member(zip.read(kWeightsMember), members.where(kWeightsMember));
  for (const auto& [name, tensor] : archive.weights) {
    members.require_finite(tensor, kWeightsMember, "weight " + ptychopinn::quoted(name));
  }
  // history.csv is informational: an archive without it is still a complete model.
  if (zip.contains(kHistoryMember)) archive.history_csv = zip.read(kHistoryMember);
  for (const auto& name : zip.names()) {
    if (!is_standard_member(name)) archive.extra_members[name] = zip.read(name);
  }
  return archive;
}

bool looks_like_archive(const std::filesystem::path& path) {
  const auto names = io::zip_member_names(resolve_archive_path(path).string());
  if (!names) return false;
  for (const auto& n : *names) {
    if (n == kManifestMember) return true;
  }
  return has_foreign_layout(*names);
}

}  // namespace ptychopinn::bundle
