// `ptychopinn config` end to end: layering, formats, and errors that name the key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_command.h"

namespace ptychopinn {
namespace {

using testing::run_cli;
using testing::TempDir;

nlohmann::json config_json(const std::string& args) {
  const auto r = run_cli("config " + args + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(CliConfig, ExplicitFlagsBeatYamlWhichBeatsTheProfile) {
  TempDir dir;
  const std::string yaml = dir.file("run.yaml");
  std::ofstream(yaml)
      << "nepochs: 7\nnphotons: 1e6\nneighbor_count: 9\nmodel:\n  gridsize: 3\n  probe_scale: 2\n";
  auto j = config_json("train --profile paper-2023 --config '" + yaml + "'");
  EXPECT_EQ(j["nepochs"], 7);                 // YAML over profile (60)
  EXPECT_EQ(j["nphotons"], 1e6);              // 1e6 is a number
  EXPECT_EQ(j["model"]["gridsize"], 3);       // nested model: mapping
  EXPECT_EQ(j["model"]["probe_big"], false);  // from the profile
  j = config_json("train --profile paper-2023 --config '" + yaml + "' --nepochs 3 --set model.probe_scale=5");
  EXPECT_EQ(j["nepochs"], 3);
  EXPECT_EQ(j["model"]["probe_scale"], 5.0);
}

TEST(CliConfig, LegacyFormatUsesTheReferenceDottedKeys) {
  const auto r = run_cli("config train --format legacy --object_big false");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["object.big"], false);
  EXPECT_EQ(j["intensity_scale.trainable"], true);
  EXPECT_EQ(j["output_prefix"], "training_outputs");
  EXPECT_FALSE(j.contains("object_big"));
}

TEST(CliConfig, WrittenYamlReadsBackUnchanged) {
  TempDir dir;
  const std::string out = dir.file("effective.yaml");
  auto r = run_cli("config train --profile grid-lines --nepochs 9 --set n_subsample=100 -o '" + out + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto first = config_json("train --profile grid-lines --nepochs 9 --set n_subsample=100");
  const auto again = config_json("train --config '" + out + "'");
  EXPECT_EQ(first, again);
}

TEST(CliConfig, UnknownKeysAndBadValuesAreErrorsNamingTheKey) {
  auto r = run_cli("config train --set nepoch=5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown key 'nepoch'; did you mean 'nepochs'?"), std::string::npos) << r.err;

  r = run_cli("config train --nepoch 5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("did you mean '--nepochs'?"), std::string::npos) << r.err;

  r = run_cli("config train --batch_size 0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("batch_size"), std::string::npos) << r.err;

  r = run_cli("config train --set nepochs=ten");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nepochs = ten; expected an integer"), std::string::npos) << r.err;

  TempDir dir;
  const std::string yaml = dir.file("bad.yaml");
  std::ofstream(yaml) << "nepochs: 5\nbatchsize: 8\n";
  r = run_cli("config train --config '" + yaml + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'batchsize'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'batch_size'?"), std::string::npos) << r.err;
}

TEST(CliConfig, RefusesTheTensorflowBackendAndAcceptsThePytorchAlias) {
  auto r = run_cli("config train --backend tensorflow");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("LibTorch"), std::string::npos) << r.err;
  const auto j = config_json("train --backend pytorch");
  EXPECT_EQ(j["backend"], "libtorch");
}

TEST(CliConfig, SubcommandHelpListsTheFieldFlags) {
  const auto r = run_cli("config train --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--nepochs"), std::string::npos);
  EXPECT_NE(r.out.find("--gridsize"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn
