// `ptychopinn inspect` end to end, on datasets written by the test and on broken files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "ptychopinn/io/npy.h"
#include "support/run_command.h"
#include "support/tiny_dataset.h"

namespace ptychopinn {
namespace {

using testing::run_cli;
using testing::TempDir;
using testing::TinyDatasetOptions;
using testing::write_tiny_dataset;

TEST(CliInspect, JsonListsMembersAndTheContract) {
  TempDir dir;
  const std::string path = dir.file("tiny.npz");
  write_tiny_dataset(path);
  const auto r = run_cli("inspect --json '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["members"]["diff3d"];
  EXPECT_EQ(d["shape"], nlohmann::json({9, 8, 8}));
  EXPECT_EQ(d["dtype"], "<f4");
  EXPECT_GT(d["max"].get<double>(), 3.0);
  EXPECT_GT(d["min"].get<double>(), 0.0);
  EXPECT_EQ(j["members"]["xcoords"]["dtype"], "<f8");
  EXPECT_DOUBLE_EQ(j["members"]["xcoords"]["min"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(j["members"]["xcoords"]["max"].get<double>(), 18.0);
  EXPECT_EQ(j["members"]["probeGuess"]["dtype"], "<c8");
  EXPECT_EQ(j["members"]["probeGuess"]["of"], "abs");
  EXPECT_EQ(j["members"]["_metadata"]["value"], R"({"nphotons": 1e9, "N": 8})");
  EXPECT_EQ(j["contract"]["ok"], true);
  EXPECT_EQ(j["contract"]["n_images"], 9);
  EXPECT_EQ(j["contract"]["keys"]["missing_required"], nlohmann::json::array());
  const auto& summary = j["dataset"];
  EXPECT_EQ(summary["n_positions"], 9);
  EXPECT_EQ(summary["N"], 8);
  EXPECT_EQ(summary["probe_shape"], nlohmann::json({8, 8}));
  EXPECT_EQ(summary["x_range"], nlohmann::json({10.0, 18.0}));
  EXPECT_EQ(summary["y_range"], nlohmann::json({10.0, 18.0}));
  EXPECT_DOUBLE_EQ(summary["amplitude"]["max"].get<double>(), d["max"].get<double>());
  EXPECT_EQ(summary["nphotons_metadata"], 1e9);
}

TEST(CliInspect, TextOutputShowsTheTableAndVerdict) {
  TempDir dir;
  const std::string path = dir.file("tiny.npz");
  TinyDatasetOptions o;
  o.compress = true;
  write_tiny_dataset(path, o);
  const auto r = run_cli("inspect '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("diff3d"), std::string::npos);
  EXPECT_NE(r.out.find("[9, 8, 8]"), std::string::npos);
  EXPECT_NE(r.out.find("dataset contract: OK"), std::string::npos) << r.out;
}

TEST(CliInspect, IntensityIsAWarningOrWithStrictAnError) {
  TempDir dir;
  const std::string path = dir.file("counts.npz");
  TinyDatasetOptions o;
  o.as_intensity = true;
  write_tiny_dataset(path, o);
  const auto lenient = run_cli("inspect --json '" + path + "'");
  EXPECT_EQ(lenient.exit_code, 0);
  const auto j = nlohmann::json::parse(lenient.out);
  EXPECT_EQ(j["contract"]["amplitude_check"]["looks_like_intensity"], true);
  EXPECT_EQ(j["contract"]["warnings"].size(), 1u);
  const auto strict = run_cli("inspect --strict '" + path + "'");
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.out.find("looks like intensity"), std::string::npos) << strict.out;
}

TEST(CliInspect, ContractViolationsExitWithOne) {
  TempDir dir;
  const std::string path = dir.file("noprobe.npz");
  TinyDatasetOptions o;
  o.include_probe = false;
  write_tiny_dataset(path, o);
  const auto r = run_cli("inspect --json '" + path + "'");
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["contract"]["keys"]["missing_required"], nlohmann::json({"probeGuess"}));
}

TEST(CliInspect, ReadsASingleNpyFile) {
  TempDir dir;
  const std::string path = dir.file("probe.npy");
  const float v[] = {1, 2, 3, 4};
  io::write_npy(path, io::NpyArray::from_data<float>({2, 2}, v));
  const auto r = run_cli("inspect --json '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["format"], "npy");
  EXPECT_EQ(j["members"]["probe"]["shape"], nlohmann::json({2, 2}));
  EXPECT_FALSE(j.contains("contract"));
}

TEST(CliInspect, BrokenFilesGiveAnErrorNamingTheFile) {
  TempDir dir;
  const std::string bz = dir.file("data.npz.bz2");
  { std::ofstream(bz, std::ios::binary) << "BZh91AY&SY not really"; }
  auto r = run_cli("inspect '" + bz + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(bz), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bzip2"), std::string::npos) << r.err;

  r = run_cli("inspect '" + dir.file("missing.npz") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.npz"), std::string::npos) << r.err;

  const std::string trunc = dir.file("trunc.npy");
  { std::ofstream(trunc, std::ios::binary) << "\x93NUMPY\x01"; }
  r = run_cli("inspect '" + trunc + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("trunc.npy"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ptychopinn

namespace ptychopinn {
namespace {

// A dataset as the Python reference writes it: np.savez (stored, members at unaligned offsets) with
// the pickled _metadata string.
TEST(CliInspect, ReadsADatasetWrittenByTheReferenceWithNumPy) {
  TempDir dir;
  const std::string path = dir.file("ref.npz");
  const std::string script =
      "import json, numpy as np\n"
      "np.savez('" +
      path +
      "', diff3d=np.full((5, 8, 8), 0.5, 'f4'), xcoords=np.arange(5.0),"
      " ycoords=np.arange(5.0), probeGuess=np.ones((8, 8), 'c8'),"
      " _metadata=np.array(json.dumps({'nphotons': 1e6}), dtype=object))\n";
  const auto py = testing::run_command(std::string("'") + PTYCHOPINN_PYTHON3 + "' -c \"" + script + "\"");
  if (py.exit_code != 0) GTEST_SKIP() << "python3-numpy unavailable: " << py.err;
  const auto r = run_cli("inspect --json '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["members"]["_metadata"]["value"], R"({"nphotons": 1000000.0})");
  EXPECT_EQ(j["members"]["diff3d"]["max"], 0.5);
  EXPECT_EQ(j["members"]["diff3d"]["stored"], true);
  EXPECT_EQ(j["contract"]["ok"], true);
}

}  // namespace
}  // namespace ptychopinn
