// `ptychopinn inspect ARCHIVE`: the model-archive view, and the clear refusal of the Python
// PtychoPINN's archives.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/io/zip_archive.h"
#include "support/run_command.h"

namespace ptychopinn {
namespace {

using testing::run_cli;
using testing::TempDir;

void write_archive(const std::string& path) {
  torch::manual_seed(3);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, 2, 3));
  bundle::ModelArchive a;
  a.manifest.merge_denominator = "reference";
  a.manifest.trainable_parameters = 2331772;
  a.config.nepochs = 7;
  a.intensity_scale = 988.0;
  a.probe = torch::ones({64, 64}, torch::kComplexFloat);
  a.weights = bundle::state_of(*conv);
  a.history_csv = "epoch,train_loss\n1,0.5\n2,0.4\n";
  a.extra_members["optimizer.pt"] = "opaque";
  bundle::save_archive(path, a);
}

TEST(CliInspectArchive, JsonHasTrainableParametersAtTopLevel) {
  TempDir dir;
  write_archive(dir.file("wts.h5.zip"));
  const auto r = run_cli("inspect --json '" + dir.file("wts.h5.zip") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["trainable_parameters"], 2331772);
  EXPECT_EQ(j["format"], "ptychopinn-model");
  EXPECT_EQ(j["manifest"]["backend"], "libtorch");
  EXPECT_EQ(j["manifest"]["merge_denominator"], "reference");
  EXPECT_EQ(j["intensity_scale"], 988.0);
  EXPECT_EQ(j["probe"]["shape"], nlohmann::json({64, 64}));
  EXPECT_EQ(j["weights"]["tensors"], 2);
  EXPECT_EQ(j["weights"]["elements"], 2 * 9 + 2);
  EXPECT_EQ(j["config"]["nepochs"], 7);
  EXPECT_EQ(j["config"]["model"]["N"], 64);
  EXPECT_EQ(j["history_rows"], 2);
  EXPECT_EQ(j["extra_members"]["optimizer.pt"], 6);
  EXPECT_FALSE(j.contains("contract")) << "the dataset view was shown";
}

TEST(CliInspectArchive, TextShowsManifestConfigScaleAndProbe) {
  TempDir dir;
  write_archive(dir.file("wts.h5.zip"));
  const auto r = run_cli("inspect '" + dir.path() + "'");  // a directory holding wts.h5.zip
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want :
       {"ptychopinn model archive, format 1, backend libtorch", "model: pinn, architecture cnn",
        "trainable parameters: 2331772", "intensity scale: 988", "probe: [64, 64] complex64", "nepochs 7",
        "extra member: optimizer.pt"}) {
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
  }
}

TEST(CliInspectArchive, PythonArchivesAreRefusedWithExitOne) {
  TempDir dir;
  const std::string tf = dir.file("tf.zip"), pt = dir.file("pt.zip");
  io::write_zip(tf, {{"manifest.dill", "version 1.0"}, {"diffraction_to_obj/model.keras", "k"}});
  io::write_zip(pt, {{"manifest.dill", "2.0-pytorch"}, {"diffraction_to_obj/model.pth", "p"}});
  const auto a = run_cli("inspect '" + tf + "'");
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_NE(a.err.find("was written by the TensorFlow backend"), std::string::npos) << a.err;
  const auto b = run_cli("inspect --json '" + pt + "'");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("was written by the PyTorch backend"), std::string::npos) << b.err;
  EXPECT_EQ(b.out, "");
}

TEST(CliInspectArchive, BrokenArchiveIsAnErrorNamingTheMember) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  io::write_zip(path, {{"manifest.json", R"({"format": "ptychopinn-model", "format_version": 99})"}});
  const auto r = run_cli("inspect '" + path + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("member 'manifest.json': format_version = 99"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ptychopinn
