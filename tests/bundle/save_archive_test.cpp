// save_archive: the round trip is bit-exact, the archive reads in plain Python, writes are atomic,
// and nothing that could not be loaded back is ever written.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bundle_test_support.h"
#include "ptychopinn/bundle/model_archive.h"
#include "ptychopinn/bundle/tensor_members.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/version.h"
#include "support/run_command.h"

namespace ptychopinn::bundle {
namespace {

using ptychopinn::testing::run_command;
using ptychopinn::testing::TempDir;
using testing::bitwise_equal;
using testing::make_archive;
using testing::make_net;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string save_error(const ModelArchive& a, const std::string& path) {
  try {
    save_archive(path, a);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(SaveArchive, RoundTripIsBitwiseAndPredictionsAreEqual) {
  TempDir dir;
  auto net = make_net(1);
  ModelArchive a = make_archive(net);
  a.config.model.gridsize = 2;
  a.config.nphotons = 5e8;
  a.extra_members["optimizer.pt"] = std::string("\0\x01\xffPK binary", 12);
  const std::string path = dir.file("wts.h5.zip");
  save_archive(path, a);

  const ModelArchive b = load_archive(path);
  EXPECT_EQ(b.config, a.config);
  EXPECT_EQ(b.intensity_scale, a.intensity_scale);
  EXPECT_TRUE(bitwise_equal(b.probe, a.probe));
  ASSERT_EQ(b.weights.size(), a.weights.size());
  for (std::size_t i = 0; i < a.weights.size(); ++i) {
    EXPECT_EQ(b.weights[i].first, a.weights[i].first);
    EXPECT_TRUE(bitwise_equal(b.weights[i].second, a.weights[i].second)) << a.weights[i].first;
  }
  EXPECT_EQ(b.history_csv, a.history_csv);
  EXPECT_EQ(b.extra_members, a.extra_members);
  EXPECT_EQ(b.manifest.merge_denominator, "reference");
  EXPECT_EQ(b.manifest.trainable_parameters, 123);

  auto fresh = make_net(2);
  load_state(*fresh, b.weights, path);
  const torch::Tensor x = torch::randn({2, 1, 8, 8});
  EXPECT_TRUE(bitwise_equal(fresh->forward(x), net->forward(x)));
}

TEST(SaveArchive, FillsVersionTimestampAndModelType) {
  TempDir dir;
  ModelArchive a = make_archive(make_net(1));
  a.config.model.model_type = config::ModelType::kSupervised;
  save_archive(dir.file("wts.h5.zip"), a);
  const Manifest m = load_archive(dir.file("wts.h5.zip")).manifest;
  EXPECT_EQ(m.software_version, kVersion);
  EXPECT_EQ(m.created_utc.size(), 20u);
  EXPECT_EQ(m.model_type, "supervised");
  EXPECT_EQ(m.backend, "libtorch");
}

TEST(SaveArchive, ParamsJsonIsTheLegacyDictionaryWithTheTrainedScale) {
  TempDir dir;
  ModelArchive a = make_archive(make_net(1));
  a.intensity_scale = 1.0 / 3.0;
  save_archive(dir.file("wts.h5.zip"), a);
  const auto params = nlohmann::json::parse(io::ZipReader(dir.file("wts.h5.zip")).read("params.json"));
  EXPECT_EQ(params["N"], 64);
  EXPECT_EQ(params["gridsize"], 1);
  EXPECT_EQ(params["object.big"], a.config.model.object_big);
  EXPECT_EQ(params["intensity_scale"].get<double>(), 1.0 / 3.0);  // exact, not rounded
}

TEST(SaveArchive, NumPyReadsTheWeightsProbeAndManifest) {
  if (std::system((std::string(PTYCHOPINN_PYTHON3) + " -c 'import numpy' >/dev/null 2>&1").c_str()) != 0) {
    GTEST_SKIP() << PTYCHOPINN_PYTHON3 << " cannot import numpy";
  }
  TempDir dir;
  const ModelArchive a = make_archive(make_net(1));
  save_archive(dir.file("wts.h5.zip"), a);
  const auto r = run_command(std::string(PTYCHOPINN_PYTHON3) +
                             " '" PTYCHOPINN_SOURCE_DIR "/tests/bundle/read_archive.py' '" +
                             dir.file("wts.h5.zip") + "' '" + dir.file("seen.npz") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["manifest"]["format"], "ptychopinn-model");
  EXPECT_EQ(j["manifest"]["backend"], "libtorch");
  EXPECT_EQ(j["intensity_scale"].get<double>(), a.intensity_scale);
  EXPECT_EQ(j["params_N"], 64);
  EXPECT_EQ(j["config_N"], 64);
  EXPECT_EQ(j["probe_dtype"], "complex64");
  EXPECT_EQ(j["probe_shape"], nlohmann::json({64, 64}));
  EXPECT_EQ(j["dtypes"]["phase"], "complex64");
  EXPECT_EQ(j["dtypes"]["gain"], "float64");
  EXPECT_EQ(j["dtypes"]["steps"], "int64");
  EXPECT_EQ(j["history_lines"], 3);
  // What NumPy saw, written back by NumPy, is bit for bit what was saved.
  const io::NpzReader seen(dir.file("seen.npz"));
  EXPECT_TRUE(bitwise_equal(io::to_tensor(seen.read("__probe__")), a.probe));
  std::vector<std::string> keys;
  for (const auto& [name, tensor] : a.weights) {
    keys.push_back(name);
    EXPECT_TRUE(bitwise_equal(io::to_tensor(seen.read(name)), tensor)) << name;
  }
  EXPECT_EQ(j["weight_keys"].get<std::vector<std::string>>(), keys);
}

TEST(SaveArchive, AFailedWriteLeavesThePreviousArchiveIntact) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  const ModelArchive good = make_archive(make_net(1));
  save_archive(path, good);
  const std::string before = file_bytes(path);

  ModelArchive diverged = make_archive(make_net(2));
  diverged.weights[2].second[0] = NAN;
  try {
    save_archive(path, diverged);
    FAIL() << "no exception";
  } catch (const NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("weight 'body.0.bias' holds 1 NaN"), std::string::npos) << e.what();
  }
  ModelArchive unwritable = make_archive(make_net(2));
  unwritable.extra_members["bad/../name"] = "x";
  EXPECT_THROW(save_archive(path, unwritable), std::invalid_argument);

  EXPECT_EQ(file_bytes(path), before);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files.push_back(e.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{"wts.h5.zip"}) << "a temporary file was left behind";
  EXPECT_THROW(save_archive(dir.file("no-such-dir/wts.h5.zip"), good), IoError);
}

TEST(SaveArchive, RefusesWhatCouldNotBeLoaded) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  const ModelArchive good = make_archive(make_net(1));
  ModelArchive a = good;
  a.probe = torch::ones({32, 32}, torch::kComplexFloat);
  EXPECT_NE(save_error(a, path).find(
                "probe has shape [32, 32] and dtype ComplexFloat; expected [64, 64] complex64"),
            std::string::npos)
      << save_error(a, path);
  a = good;
  a.probe = a.probe.abs();
  EXPECT_NE(save_error(a, path).find("dtype Float"), std::string::npos);
  a = good;
  a.intensity_scale = 0;
  EXPECT_NE(save_error(a, path).find("intensity_scale = 0; expected a finite value > 0"), std::string::npos);
  a = good;
  a.manifest.merge_denominator = "";
  EXPECT_NE(save_error(a, path).find("merge_denominator = ''"), std::string::npos) << save_error(a, path);
  a = good;
  a.manifest.model_type = "supervised";
  EXPECT_NE(save_error(a, path).find("manifest model_type = 'supervised'; expected 'pinn'"),
            std::string::npos);
  a = good;
  a.manifest.format_version = 2;
  EXPECT_NE(save_error(a, path).find("the only format this program writes"), std::string::npos);
  a = good;
  a.extra_members["config.json"] = "{}";
  EXPECT_NE(save_error(a, path).find("extra member name = 'config.json'"), std::string::npos);
  a = good;
  a.config.model.N = 50;
  EXPECT_NE(save_error(a, path).find("N = 50"), std::string::npos) << save_error(a, path);
  a = good;
  a.probe[3][4] = c10::complex<float>(INFINITY, 0.f);
  EXPECT_THROW(save_archive(path, a), NumericalError);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace ptychopinn::bundle
