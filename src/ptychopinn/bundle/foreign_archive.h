#pragma once
// Recognising the `wts.h5.zip` archives the Python PtychoPINN writes, so that loading one fails
// with a message saying which backend wrote it instead of "manifest.json is missing".
// Their layouts:
//   TensorFlow: manifest.dill (version '1.0') and, per model (autoencoder/, diffraction_to_obj/),
//               model.keras, custom_objects.dill, params.dill, model.h5
//   PyTorch:    manifest.dill (version '2.0-pytorch'), <model>/model.pth, <model>/params.dill and
//               optionally torch_scaling_metadata.pt
// Their payloads are Python pickles and Keras files: this program cannot read them.
#include <optional>
#include <string>
#include <vector>

#include "ptychopinn/io/zip_archive.h"

namespace ptychopinn::bundle {

enum class ForeignBackend {
  kTensorFlow,  // the reference's TensorFlow model manager
  kPyTorch,     // the model manager of its ptycho_torch port
};

// Whether member names have the Python PtychoPINN's layout (manifest.dill, or a member under
// autoencoder/ or diffraction_to_obj/) and no manifest.json. Looks at names only.
bool has_foreign_layout(const std::vector<std::string>& names);

// Which Python backend wrote `archive`, or std::nullopt when its layout is not a Python one.
// PyTorch when there is a .pth member, torch_scaling_metadata.pt, or manifest.dill mentions
// "pytorch" (its version string '2.0-pytorch'); TensorFlow otherwise.
std::optional<ForeignBackend> identify_foreign_backend(const io::ZipReader& archive);

// For a zip that is neither ours nor a Python PtychoPINN archive: " (it looks like an .npz of
// arrays, e.g. a dataset)" when every member is an .npy, else "".
std::string guess_zip_content(const std::vector<std::string>& names);

// Throws IoError "<path>: was written by the <TensorFlow|PyTorch> backend of the Python
// PtychoPINN (...); ptychopinn (LibTorch) cannot load it ..." naming the members that gave it away.
[[noreturn]] void throw_foreign_archive(const io::ZipReader& archive, ForeignBackend backend);

}  // namespace ptychopinn::bundle
