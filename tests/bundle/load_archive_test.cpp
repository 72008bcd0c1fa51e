// load_archive: every way an archive can be wrong gives an IoError naming the file and the member,
// and archives of the Python PtychoPINN say which backend wrote them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "bundle_test_support.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/bundle/tensor_members.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::bundle {
namespace {

using ptychopinn::testing::TempDir;
using testing::make_archive;
using testing::make_net;
using testing::replace_member;
using testing::write_fake_zip;

// The members a TensorFlow-backend wts.h5.zip holds (bundle/foreign_archive.h).
const std::vector<std::string> kTensorFlowMembers = {"manifest.dill",
                                                     "autoencoder/model.keras",
                                                     "autoencoder/custom_objects.dill",
                                                     "autoencoder/params.dill",
                                                     "autoencoder/model.h5",
                                                     "diffraction_to_obj/model.keras",
                                                     "diffraction_to_obj/custom_objects.dill",
                                                     "diffraction_to_obj/params.dill",
                                                     "diffraction_to_obj/model.h5"};
// ... and a PyTorch-backend one.
const std::vector<std::string> kPyTorchMembers = {
    "manifest.dill",         "diffraction_to_obj/model.pth", "diffraction_to_obj/params.dill",
    "autoencoder/model.pth", "autoencoder/params.dill",      "torch_scaling_metadata.pt"};
// Stands in for dill's pickle of {'models': [...], 'version': '2.0-pytorch'}: a pickle stores the
// strings verbatim, which is all the recognition looks at.
const std::string kPyTorchDill = "\x80\x04 models diffraction_to_obj autoencoder version 2.0-pytorch";

std::string load_error(const std::string& path) {
  try {
    load_archive(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

class LoadArchive : public ::testing::Test {
 protected:
  void SetUp() override { save_archive(path_, make_archive(make_net(1))); }
  std::string error() const { return load_error(path_); }
  TempDir dir_;
  const std::string path_ = dir_.file("wts.h5.zip");
};

TEST_F(LoadArchive, DirectoryMeansItsWtsH5Zip) {
  EXPECT_EQ(load_archive(dir_.path()).weights.size(), 7u);
  EXPECT_TRUE(looks_like_archive(dir_.path()));
}

TEST_F(LoadArchive, TruncatedArchiveIsAClearError) {
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) / 2);
  const std::string e = error();
  EXPECT_EQ(e.rfind(path_ + ":", 0), 0u) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(LoadArchive, CorruptMemberFailsItsCrcNamingIt) {
  std::fstream f(path_, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(path_) / 2);
  f.seekg(middle);
  const char c = static_cast<char>(f.get());
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x5a));
  f.close();
  const std::string e = error();
  EXPECT_NE(e.find(path_ + ", member 'probe.npy'"), std::string::npos) << e;
  EXPECT_NE(e.find("CRC"), std::string::npos) << e;
}

TEST_F(LoadArchive, NewerFormatVersionIsRefused) {
  auto manifest = nlohmann::json::parse(io::ZipReader(path_).read("manifest.json"));
  manifest["format_version"] = 7;
  replace_member(path_, "manifest.json", manifest.dump());
  const std::string e = error();
  EXPECT_NE(e.find(path_ + ", member 'manifest.json': format_version = 7"), std::string::npos) << e;
  EXPECT_NE(e.find("update"), std::string::npos) << e;
}

TEST_F(LoadArchive, UnknownFormatIsRefused) {
  auto manifest = nlohmann::json::parse(io::ZipReader(path_).read("manifest.json"));
  manifest["format"] = "something-else";
  replace_member(path_, "manifest.json", manifest.dump());
  EXPECT_NE(error().find("format = 'something-else'; expected 'ptychopinn-model'"), std::string::npos)
      << error();
}

TEST_F(LoadArchive, MissingMemberIsNamed) {
  replace_member(path_, "weights.npz", "", true);
  const std::string e = error();
  EXPECT_NE(e.find(path_ + ", member 'weights.npz': is missing"), std::string::npos) << e;
  // history.csv is optional.
  save_archive(path_, make_archive(make_net(1)));
  replace_member(path_, "history.csv", "", true);
  EXPECT_EQ(load_archive(path_).history_csv, "");
}

TEST_F(LoadArchive, NaNWeightIsNamed) {
  NamedTensors w = state_of(*make_net(1));
  w[3].second[0][0][0][0] = NAN;
  replace_member(path_, "weights.npz", encode_npz_member(w, "weights.npz"));
  const std::string e = error();
  EXPECT_NE(e.find(path_ + ", member 'weights.npz': weight 'body.1.weight' holds 1 NaN"), std::string::npos)
      << e;
}

TEST_F(LoadArchive, BadMembersAreNamed) {
  replace_member(path_, "config.json", "{ not json");
  EXPECT_NE(error().find("member 'config.json': is not valid JSON"), std::string::npos) << error();
  replace_member(path_, "config.json", R"({"nepochs": "ten"})");
  EXPECT_NE(error().find("member 'config.json': is not a valid configuration"), std::string::npos) << error();
  replace_member(path_, "config.json", R"({"model": {"model_type": "supervised"}})");
  EXPECT_NE(error().find("member 'manifest.json': manifest model_type = 'pinn'; expected 'supervised'"),
            std::string::npos)
      << error();
  replace_member(path_, "config.json", "{}");
  replace_member(path_, "params.json", R"({"N": 64})");
  EXPECT_NE(error().find("member 'params.json': intensity_scale = (missing); expected a number"),
            std::string::npos)
      << error();
  replace_member(path_, "params.json", R"({"intensity_scale": -1.0})");
  EXPECT_NE(error().find("intensity_scale = -1; expected a finite value > 0"), std::string::npos) << error();
  replace_member(path_, "params.json", R"({"intensity_scale": 2.0})");
  replace_member(path_, "probe.npy", encode_npy_member(torch::ones({64, 64})));
  EXPECT_NE(error().find("member 'probe.npy': probe has shape [64, 64] and dtype Float"), std::string::npos)
      << error();
  torch::Tensor probe = torch::ones({64, 64}, torch::kComplexFloat);
  probe[0][0] = c10::complex<float>(NAN, 0.f);
  replace_member(path_, "probe.npy", encode_npy_member(probe));
  EXPECT_NE(error().find("member 'probe.npy': the probe holds 1 NaN"), std::string::npos) << error();
}

TEST(LoadForeignArchive, TensorFlowArchiveSaysWhichBackendWroteIt) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  write_fake_zip(path, kTensorFlowMembers, "\x80\x04 models version 1.0");
  const std::string e = load_error(path);
  EXPECT_EQ(e.rfind(path + ": was written by the TensorFlow backend", 0), 0u) << e;
  EXPECT_NE(e.find("cannot load it"), std::string::npos) << e;
  EXPECT_NE(e.find("autoencoder/model.keras"), std::string::npos) << e;
  EXPECT_TRUE(looks_like_archive(path));
}

TEST(LoadForeignArchive, PyTorchArchiveSaysWhichBackendWroteIt) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  write_fake_zip(path, kPyTorchMembers, kPyTorchDill);
  const std::string e = load_error(path);
  EXPECT_EQ(e.rfind(path + ": was written by the PyTorch backend", 0), 0u) << e;
  EXPECT_NE(e.find("cannot load it"), std::string::npos) << e;
  EXPECT_TRUE(looks_like_archive(path));
  // Recognised from the manifest's version string alone, too.
  write_fake_zip(path, {"manifest.dill", "diffraction_to_obj/params.dill"}, kPyTorchDill);
  EXPECT_NE(load_error(path).find("PyTorch backend"), std::string::npos) << load_error(path);
}

TEST(LoadOtherFiles, ZipWithoutManifestAndNonZipFiles) {
  TempDir dir;
  write_fake_zip(dir.file("data.npz"), {"diff3d.npy", "xcoords.npy"});
  EXPECT_NE(load_error(dir.file("data.npz")).find("holds no 'manifest.json' (it looks like an .npz"),
            std::string::npos)
      << load_error(dir.file("data.npz"));
  EXPECT_FALSE(looks_like_archive(dir.file("data.npz")));
  write_fake_zip(dir.file("other.zip"), {"readme.txt"});
  EXPECT_NE(
      load_error(dir.file("other.zip")).find("holds no 'manifest.json'; expected a ptychopinn model archive"),
      std::string::npos);
  std::ofstream(dir.file("text.zip")) << "hello";
  EXPECT_NE(load_error(dir.file("text.zip")).find(dir.file("text.zip")), std::string::npos);
  EXPECT_FALSE(looks_like_archive(dir.file("text.zip")));
  EXPECT_NE(load_error(dir.file("missing.zip")).find("missing.zip"), std::string::npos);
  EXPECT_FALSE(looks_like_archive(dir.file("missing.zip")));
  EXPECT_FALSE(looks_like_archive(dir.path()));  // a directory without wts.h5.zip
}

}  // namespace
}  // namespace ptychopinn::bundle
