#pragma once
// Helpers shared by the bundle tests: a small module with parameters and buffers of several dtypes,
// a complete archive around it, and fake zip files.
#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/io/zip_archive.h"
#include "support/run_command.h"

namespace ptychopinn::bundle::testing {

// Two float32 convolutions, a complex64 parameter, a float64 and an int64 buffer: every dtype the
// archive must keep bit-exact. Its initial values depend on torch's global seed.
struct TinyNetImpl : torch::nn::Module {
  explicit TinyNetImpl(int64_t hidden = 4)
      : body(register_module(
            "body",
            torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, hidden, 3).padding(1)),
                                  torch::nn::Conv2d(torch::nn::Conv2dOptions(hidden, 2, 3).padding(1))))) {
    phase = register_parameter("phase", torch::randn({2}, torch::kComplexFloat));
    gain = register_buffer("gain", torch::rand({2}, torch::kDouble) + 0.5);
    steps = register_buffer("steps", torch::randint(0, 1000, {1}, torch::kLong));
  }
  // x: [B, 1, H, W] float32 -> [B, 2, H, W] complex64
  torch::Tensor forward(const torch::Tensor& x) {
    const torch::Tensor y = body->forward(x) * gain.to(torch::kFloat).view({1, 2, 1, 1});
    return y.to(torch::kComplexFloat) * phase.view({1, 2, 1, 1});
  }
  torch::nn::Sequential body;
  torch::Tensor phase, gain, steps;
};
TORCH_MODULE(TinyNet);

// A fresh TinyNet whose values come from `seed`.
inline TinyNet make_net(uint64_t seed, int64_t hidden = 4) {
  torch::manual_seed(seed);
  return TinyNet(hidden);
}

// A complete, valid archive of `net` (default config, N = 64).
inline ModelArchive make_archive(const TinyNet& net) {
  ModelArchive a;
  a.manifest.merge_denominator = "reference";
  a.manifest.trainable_parameters = 123;
  a.intensity_scale = 988.0223;
  a.probe = torch::randn({64, 64}, torch::kComplexFloat);
  a.weights = state_of(*net);
  a.history_csv = "epoch,train_loss,val_loss,lr,seconds\n1,0.5,0.6,0.001,1.2\n2,0.4,0.5,0.001,1.1\n";
  return a;
}

// Writes a zip holding `names` (each with a little content; manifest.dill with `dill_text`).
inline void write_fake_zip(const std::string& path, const std::vector<std::string>& names,
                           const std::string& dill_text = "") {
  std::vector<io::ZipMember> members;
  for (const auto& n : names) members.push_back({n, n == "manifest.dill" ? dill_text : "content of " + n});
  io::write_zip(path, members);
}

// Rewrites the zip at `path` after `edit` has changed its members (read in order, all stored).
inline void edit_members(const std::string& path,
                         const std::function<void(std::vector<io::ZipMember>&)>& edit) {
  std::vector<io::ZipMember> members;
  {
    const io::ZipReader zip(path);
    for (const auto& n : zip.names()) members.push_back({n, zip.read(n), io::ZipCompression::kStore});
  }
  edit(members);
  io::write_zip(path, members);
}

// Replaces (or, with an empty `bytes` and remove = true, removes) one member.
inline void replace_member(const std::string& path, const std::string& name, const std::string& bytes,
                           bool remove = false) {
  edit_members(path, [&](std::vector<io::ZipMember>& members) {
    for (auto& m : members) {
      if (m.name == name) m.bytes = bytes;
    }
    if (remove) {
      members.erase(std::remove_if(members.begin(), members.end(),
                                   [&](const io::ZipMember& m) { return m.name == name; }),
                    members.end());
    }
  });
}

// Bitwise equality of two tensors: same dtype, shape and bytes (NaN payloads and -0.0 included).
inline bool bitwise_equal(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const torch::Tensor x = a.contiguous().cpu(), y = b.contiguous().cpu();
  return std::memcmp(x.data_ptr(), y.data_ptr(), x.numel() * x.element_size()) == 0;
}

}  // namespace ptychopinn::bundle::testing
