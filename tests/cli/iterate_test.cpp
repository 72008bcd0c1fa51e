// `ptychopinn iterate` through the CLI on a tiny simulated scan: the run folder, what evaluate makes
// of it, the hybrid start from a trained network, and the errors users meet first.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_command.h"

namespace ptychopinn {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_cli;
using testing::TempDir;

class CliIterate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto sim = run_cli(
        "simulate --object lines --set_phi --N 64 --object_size 160 --scan random --n_images 80 "
        "--seed 5 --quiet --output '" +
        dir_->file("d.npz") + "'");
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string data() { return "'" + dir_->file("d.npz") + "'"; }
  static inline TempDir* dir_ = nullptr;
};

TEST_F(CliIterate, WritesWhatEvaluateAndReportReadAndTheConvergence) {
  const fs::path out = dir_->file("lsqml");
  const auto r = run_cli("iterate --data_file " + data() + " --output_dir '" + out.string() +
                         "' --iterations 15 --probe_modes 2 --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, (out / "reconstruction.npz").string() + "\n");
  EXPECT_NE(r.err.find("lsqml: 15 iterations (completed)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("probe mode powers"), std::string::npos) << r.err;
  for (const char* name : {"reconstruction.npz", "amplitude.png", "phase.png", "probe.png", "convergence.csv",
                           "convergence.png", "product-out.h5"}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
  }
  const auto csv = read_text(out / "convergence.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 16);
  const auto ev = run_cli("evaluate --reconstruction '" + (out / "reconstruction.npz").string() +
                          "' --ground_truth " + data() + " --output_dir '" + dir_->file("ev") + "' --json");
  ASSERT_EQ(ev.exit_code, 0) << ev.err;
  const auto metrics = nlohmann::json::parse(ev.out);
  EXPECT_GT(metrics["phase"]["pearson"].get<double>(), 0.5) << ev.out;
}

TEST_F(CliIterate, TheHybridStartsFromATrainedNetwork) {
  const auto train =
      run_cli("train --train_data_file " + data() + " --output_dir '" + dir_->file("run") +
              "' --n_groups 80 --nepochs 3 --batch_size 8 --n_filters_scale 1 --object_big false "
              "--threads 2 --quiet");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto r = run_cli("iterate --data_file " + data() + " --output_dir '" + dir_->file("hybrid") +
                         "' --iterations 3 --model_path '" + dir_->file("run") + "' --threads 2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("starting from the network's reconstruction"), std::string::npos) << r.err;
}

// The beamline's workflow: refine the probe iteratively, then train the network from that probe
// (and let it refine the probe further).
TEST_F(CliIterate, TheRefinedProbeStartsATrainingWithATrainableProbe) {
  const fs::path it = dir_->file("probe_it");
  ASSERT_EQ(run_cli("iterate --data_file " + data() + " --output_dir '" + it.string() +
                    "' --iterations 5 --threads 2 --quiet")
                .exit_code,
            0);
  const fs::path run = dir_->file("probe_run");
  const auto train = run_cli("train --train_data_file " + data() + " --output_dir '" + run.string() +
                             "' --probe '" + (it / "reconstruction.npz").string() +
                             "' --probe_trainable --probe_release_epoch 0 --n_groups 40 --nepochs 1 "
                             "--batch_size 8 --n_filters_scale 1 --threads 2 --quiet");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(train.err.find("the starting probe comes from"), std::string::npos) << train.err;
  EXPECT_TRUE(fs::exists(run / "probe.png"));
  EXPECT_NE(read_text(run / "config.yaml").find("probe_file:"), std::string::npos);
  const auto wrong = run_cli("train --train_data_file " + data() + " --output_dir '" + dir_->file("x") +
                             "' --probe " + data() + "x --nepochs 1 --quiet");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("d.npzx"), std::string::npos) << wrong.err;
}

TEST_F(CliIterate, RefusesBadOptionsNamingThem) {
  auto r = run_cli("iterate --data_file " + data() + " --algorithm rpei");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--algorithm"), std::string::npos) << r.err;
  r = run_cli("iterate --data_file " + data() + " --init " + data() + " --model_path x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;
  r = run_cli("iterate --data_file '" + dir_->file("missing.npz") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.npz"), std::string::npos) << r.err;
  r = run_cli("iterate --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--probe_modes", "--position_correction", "--init", "--model_path",
                             "--batch_size", "--device", "--seed"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace ptychopinn
