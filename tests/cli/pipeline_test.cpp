// The whole chain through the CLI on a tiny simulated scan: simulate → train → infer → evaluate →
// report, plus resume, interruption and the errors users meet first (issues 5 and 6).
#include <gtest/gtest.h>

#include <csignal>
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

// One simulated train/test pair and one short training shared by the tests of this file.
class CliPipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto sim = run_cli(
        "simulate --object lines --set_phi --N 64 --object_size 160 --scan random --n_images 64 --nphotons "
        "1e6 "
        "--seed 3 --split 0.5 --quiet --output '" +
        dir_->file("d.npz") + "'");
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    const auto train = run_cli(train_command(dir_->file("run")));
    ASSERT_EQ(train.exit_code, 0) << train.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string train_command(const std::string& output_dir, int epochs = 2) {
    return "train --train_data_file '" + dir_->file("d_train.npz") + "' --output_dir '" + output_dir +
           "' --n_groups 40 --nepochs " + std::to_string(epochs) +
           " --batch_size 8 --n_filters_scale 1 --nphotons 1e6 --threads 2 --quiet";
  }
  static inline TempDir* dir_ = nullptr;
};

TEST_F(CliPipeline, TrainWritesTheArchiveCurvesConfigLogAndCheckpoint) {
  const fs::path run = dir_->file("run");
  for (const char* name :
       {"wts.h5.zip", "history.csv", "config.yaml", "train.log", "checkpoints/latest.zip"}) {
    EXPECT_TRUE(fs::exists(run / name)) << name;
  }
  const auto history = read_text(run / "history.csv");
  EXPECT_EQ(
      history.substr(0, history.find('\n')),
      "epoch,train_loss,val_loss,lr,seconds,amplitude_spread,phase_spread,pattern_correlation,collapsed");
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 3);
  EXPECT_NE(read_text(run / "config.yaml").find("n_filters_scale: 1"), std::string::npos);
  EXPECT_NE(read_text(run / "train.log").find("epoch 2/2"), std::string::npos);
  const auto inspect = run_cli("inspect --json '" + (run / "wts.h5.zip").string() + "'");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_GT(nlohmann::json::parse(inspect.out)["trainable_parameters"].get<int64_t>(), 100000);
}

// The collapse check: the shared short training has not collapsed; a learning rate far too high
// drives the network to a flat output, which train reports and history.csv records.
TEST_F(CliPipeline, TrainRecordsTheCollapseCheckAndWarnsWhenTheNetworkCollapses) {
  const auto history = read_text(dir_->file("run") + "/history.csv");
  const auto last = history.substr(history.rfind('\n', history.size() - 2) + 1);
  EXPECT_EQ(last.substr(last.rfind(',') + 1), "0\n") << history;
  EXPECT_TRUE(fs::exists(dir_->file("run") + "/probe.png"));
  const auto collapsed = run_cli(train_command(dir_->file("collapsed"), 3) + " --learning_rate 1");
  ASSERT_EQ(collapsed.exit_code, 0) << collapsed.err;
  EXPECT_NE(collapsed.err.find("collapsed to a flat object"), std::string::npos) << collapsed.err;
  const auto bad = read_text(dir_->file("collapsed") + "/history.csv");
  EXPECT_NE(bad.find(",1\n"), std::string::npos) << bad;
  const auto report = run_cli("report '" + dir_->file("collapsed") + "'");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(read_text(dir_->file("collapsed/report.html")).find("collapsed to a flat object"),
            std::string::npos);
}

TEST_F(CliPipeline, InferEvaluateAndReportProduceEveryFile) {
  const fs::path run = dir_->file("run"), out = dir_->file("recon"), eval = dir_->file("eval");
  const auto infer =
      run_cli("infer --model_path '" + run.string() + "' --test_data_file '" + dir_->file("d_test.npz") +
              "' --output_dir '" + out.string() + "' --threads 2 --quiet");
  ASSERT_EQ(infer.exit_code, 0) << infer.err;
  for (const char* name : {"reconstruction.npz", "amplitude.png", "phase.png", "product-out.h5"})
    EXPECT_TRUE(fs::exists(out / name)) << name;

  const auto evaluate =
      run_cli("evaluate --reconstruction '" + (out / "reconstruction.npz").string() + "' --ground_truth '" +
              dir_->file("d_test.npz") + "' --output_dir '" + eval.string() + "' --json");
  ASSERT_EQ(evaluate.exit_code, 0) << evaluate.err;
  const auto metrics = nlohmann::json::parse(read_text(eval / "metrics.json"));
  for (const char* channel : {"amplitude", "phase"}) {
    for (const char* key :
         {"mae", "mse", "psnr", "psnr_legacy", "ssim", "ms_ssim", "frc50", "frc1over7", "pearson"}) {
      ASSERT_TRUE(metrics[channel].contains(key)) << channel << "." << key;
      EXPECT_TRUE(metrics[channel][key].is_number())
          << channel << "." << key << " = " << metrics[channel][key];
    }
  }
  EXPECT_TRUE(fs::exists(eval / "comparison.png"));
  EXPECT_TRUE(fs::exists(eval / "frc.png"));
  EXPECT_TRUE(metrics.contains("resolution")) << metrics.dump(1);

  // Against a second reconstruction instead of the ground truth: compared with itself, it agrees
  // perfectly (Pearson 1, no shift) over its whole scanned area.
  const fs::path self = dir_->file("eval_self");
  const auto versus =
      run_cli("evaluate --reconstruction '" + (out / "reconstruction.npz").string() + "' --reference '" +
              (out / "reconstruction.npz").string() + "' --output_dir '" + self.string() + "' --json");
  ASSERT_EQ(versus.exit_code, 0) << versus.err;
  const auto same = nlohmann::json::parse(read_text(self / "metrics.json"));
  EXPECT_NEAR(same["amplitude"]["pearson"].get<double>(), 1.0, 1e-6) << same.dump(1);
  EXPECT_NEAR(same["registration"]["dx_px"].get<double>(), 0.0, 1e-6);
  EXPECT_TRUE(same.contains("compared_with"));
  const auto both =
      run_cli("evaluate --reconstruction '" + (out / "reconstruction.npz").string() + "' --reference '" +
              (out / "reconstruction.npz").string() + "' --ground_truth '" + dir_->file("d_test.npz") + "'");
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("excludes"), std::string::npos) << both.err;

  const auto report = run_cli("report '" + run.string() + "' --inference '" + out.string() +
                              "' --evaluation '" + eval.string() + "'");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto html = read_text(run / "report.html");
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  EXPECT_NE(html.find("ssim"), std::string::npos);
}

TEST_F(CliPipeline, ResumeContinuesToTheSameResultAsAnUninterruptedRun) {
  const fs::path a = dir_->file("a"), b = dir_->file("b");
  ASSERT_EQ(run_cli(train_command(a.string(), 3)).exit_code, 0);
  ASSERT_EQ(run_cli(train_command(b.string(), 1)).exit_code, 0);
  const auto resumed = run_cli(train_command(b.string(), 3) + " --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  // history.csv carries the seconds column (the fifth), which differs; nothing else may.
  auto losses = [](const std::string& csv) {
    std::stringstream in(csv), out;
    std::string line;
    while (std::getline(in, line)) {
      std::stringstream row(line);
      std::string cell;
      for (int column = 0; std::getline(row, cell, ','); ++column) {
        if (column != 4) out << cell << ",";
      }
      out << "\n";
    }
    return out.str();
  };
  EXPECT_EQ(losses(read_text(a / "history.csv")), losses(read_text(b / "history.csv")));
}

TEST_F(CliPipeline, UserErrorsNameWhatIsWrong) {
  auto r = run_cli("train --output_dir '" + dir_->file("x") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--train_data_file"), std::string::npos) << r.err;
  r = run_cli("train --train_data_file '" + dir_->file("d_train.npz") + "' --nepoch 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nepochs"), std::string::npos) << r.err;  // did you mean
  r = run_cli("train --train_data_file '" + dir_->file("d_train.npz") + "' --output_dir '" + dir_->file("y") +
              "' --resume");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("latest.zip"), std::string::npos) << r.err;
  r = run_cli("infer --model_path '" + dir_->file("d_train.npz") + "' --test_data_file '" +
              dir_->file("d_test.npz") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("d_train.npz"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ptychopinn
