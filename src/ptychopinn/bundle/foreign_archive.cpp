#include "ptychopinn/bundle/foreign_archive.h"

#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::bundle {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_pytorch_member(const std::string& name) {
  return ends_with(name, ".pth") || name == "torch_scaling_metadata.pt";
}

// The members worth naming in the message: the ones a user would recognise in `unzip -l`.
std::string telltale_members(const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (const auto& n : names) {
    if (n == "manifest.dill" || ends_with(n, ".keras") || ends_with(n, ".pth") ||
        ends_with(n, "params.dill") || n == "torch_scaling_metadata.pt") {
      shown.push_back(n);
    }
    if (shown.size() == 4) break;
  }
  return join(shown, ", ");
}

}  // namespace

bool has_foreign_layout(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (n == "manifest.json") return false;  // ours, whatever its extra members are called
  }
  for (const auto& n : names) {
    if (n == "manifest.dill" || starts_with(n, "diffraction_to_obj/") || starts_with(n, "autoencoder/"))
      return true;
  }
  return false;
}

std::optional<ForeignBackend> identify_foreign_backend(const io::ZipReader& archive) {
  const auto& names = archive.names();
  if (!has_foreign_layout(names)) return std::nullopt;
  for (const auto& n : names) {
    if (is_pytorch_member(n)) return ForeignBackend::kPyTorch;
  }
  // A pickle stores its strings verbatim, so the version '2.0-pytorch' (and the 'backend':
  // 'pytorch' entry the reference's documentation asks Torch archives to carry) can be found
  // without unpickling anything.
  if (archive.contains("manifest.dill") &&
      archive.read("manifest.dill").find("pytorch") != std::string::npos) {
    return ForeignBackend::kPyTorch;
  }
  return ForeignBackend::kTensorFlow;
}

std::string guess_zip_content(const std::vector<std::string>& names) {
  bool all_npy = !names.empty();
  for (const auto& n : names) all_npy = all_npy && ends_with(n, ".npy");
  return all_npy ? " (it looks like an .npz of arrays, e.g. a dataset)" : "";
}

void throw_foreign_archive(const io::ZipReader& archive, ForeignBackend backend) {
  const bool tf = backend == ForeignBackend::kTensorFlow;
  throw_io_error(archive.path(),
                 std::string("was written by the ") + (tf ? "TensorFlow" : "PyTorch") +
                     " backend of the Python PtychoPINN (" +
                     (tf ? "ptycho/model_manager.py" : "ptycho_torch") + "; members " +
                     telltale_members(archive.names()) + "); ptychopinn " + kVersion +
                     " (LibTorch backend) cannot load it: its model is stored as " +
                     (tf ? "Keras files and Python pickles" : "a PyTorch state_dict and Python pickles") +
                     ". Load it with the Python PtychoPINN, or train a model with `ptychopinn train`.");
}

}  // namespace ptychopinn::bundle
