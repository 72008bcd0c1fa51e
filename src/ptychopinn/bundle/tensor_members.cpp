#include "ptychopinn/bundle/tensor_members.h"

#include <memory>
#include <stdexcept>

#include "ptychopinn/io/npy.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/io/zip_archive.h"

namespace ptychopinn::bundle {

std::string encode_npy_member(const torch::Tensor& tensor) {
  return io::encode_npy(io::from_tensor(tensor.detach()));
}

torch::Tensor decode_npy_member(std::string bytes, const std::string& where) {
  // The array (and the tensor made from it) may alias the bytes; the shared owner keeps them alive.
  auto owner = std::make_shared<std::string>(std::move(bytes));
  return io::to_tensor(io::parse_npy(owner->data(), owner->size(), where, owner));
}

std::string encode_npz_member(const NamedTensors& weights, const std::string& where) {
  // The member images are built here rather than through io::NpzWriter, which writes files: this
  // .npz is itself a member of the model archive, so its image is needed in memory.
  std::vector<io::ZipMember> members;
  members.reserve(weights.size());
  for (const auto& [name, tensor] : weights) {
    // encode_zip checks the member names, but "" would pass as ".npy".
    if (name.empty()) throw std::invalid_argument(where + ": weight name = ''; expected a non-empty name");
    members.push_back({name + ".npy", encode_npy_member(tensor), io::ZipCompression::kStore});
  }
  return io::encode_zip(members, where);
}

NamedTensors decode_npz_member(std::string bytes, const std::string& where) {
  auto owner = std::make_shared<std::string>(std::move(bytes));
  const io::NpzReader npz(owner, owner->data(), owner->size(), where);
  NamedTensors out;
  for (const auto& key : npz.keys()) out.emplace_back(key, io::to_tensor(npz.read(key)));
  return out;
}

std::string describe_non_finite(const torch::Tensor& tensor) {
  if (!tensor.is_floating_point() && !tensor.is_complex()) return "";
  const int64_t finite = torch::isfinite(tensor).sum().item<int64_t>();
  if (finite == tensor.numel()) return "";
  const int64_t nan = torch::isnan(tensor).sum().item<int64_t>();
  return "holds " + std::to_string(nan) + " NaN and " + std::to_string(tensor.numel() - finite - nan) +
         " infinite value(s)";
}

}  // namespace ptychopinn::bundle
