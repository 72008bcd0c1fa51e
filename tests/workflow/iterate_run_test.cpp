#include "ptychopinn/workflow/iterate_run.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/workflow/run_layout.h"
#include "ptychopinn/workflow/train_run.h"
#include "support/error_of.h"
#include "support/run_command.h"
#include "support/simulated_dataset.h"

namespace ptychopinn::workflow {
namespace {

using testing::error_of;
using testing::read_text;
using testing::TempDir;

struct Counting : IterateRunEvents {
  bool on_iteration(const iterative::IterationReport& r) override {
    errors.push_back(r.fourier_error);
    return stop_after < 0 || static_cast<int>(errors.size()) < stop_after;
  }
  int stop_after = -1;
  std::vector<double> errors;
};

IterateRunRequest request_for(const std::string& data, const std::string& out, int iterations) {
  IterateRunRequest r;
  r.data.path = data;
  r.output_dir = out;
  r.options.iterations = iterations;
  r.runtime.device = config::Device::kCpu;
  r.runtime.threads = 2;
  return r;
}

TEST(IterateRun, WritesTheRunFolderOnTheDatasetsObjectGrid) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  Counting events;
  const auto run = iterate_run(request_for(data, dir.file("out"), 6), events);
  EXPECT_EQ(run.start, "flat");
  ASSERT_EQ(events.errors.size(), 6u);
  EXPECT_LT(events.errors.back(), events.errors.front());
  EXPECT_LT(events.errors.back(), run.initial_fourier_error);
  for (const char* name :
       {layout::kReconstruction, layout::kAmplitudePicture, layout::kPhasePicture, layout::kProbePicture,
        layout::kConvergence, layout::kConvergencePicture, layout::kProduct}) {
    EXPECT_TRUE(std::filesystem::exists(dir.file("out/" + std::string(name)))) << name;
  }
  // A simulated dataset has an objectGuess: its grid (origin 0) is the solver's.
  const io::NpzReader recon(dir.file("out/reconstruction.npz"));
  const io::NpzReader truth(data);
  EXPECT_EQ(recon.read("object").shape(), truth.read("objectGuess").shape());
  EXPECT_EQ(recon.read("x_origin_px").to_double_vector(), std::vector<double>{0.0});
  EXPECT_EQ(recon.read("probe").shape().size(), 3u);
  EXPECT_EQ(recon.read("xcoords").shape(), truth.read("xcoords").shape());
  const std::string csv = read_text(dir.file("out/convergence.csv"));
  EXPECT_EQ(csv.rfind("iteration,fourier_error,seconds\n", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
}

TEST(IterateRun, AStartFromTheTrueObjectBeginsWithALowerErrorThanAFlatOne) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  Counting flat_events, truth_events;
  auto flat = request_for(data, dir.file("flat"), 0);
  flat.write_files = false;
  auto truth = flat;
  truth.init_file = data;  // the dataset's objectGuess
  const double flat_error = iterate_run(flat, flat_events).initial_fourier_error;
  const auto from_truth = iterate_run(truth, truth_events);
  EXPECT_EQ(from_truth.start, "init:" + data);
  EXPECT_LT(from_truth.initial_fourier_error, 0.5 * flat_error);
}

TEST(IterateRun, TheHybridStartsFromTheNetworksReconstructionWithALowerError) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::SimulatedDatasetOptions o;
  o.n_images = 64;
  o.nphotons = 1e9;
  testing::write_simulated_dataset(data, o);
  TrainRunRequest train;
  train.config.train_data_file = data;
  train.config.output_dir = dir.file("run");
  train.config.model.n_filters_scale = 1;
  train.config.model.object_big = false;
  train.config.nepochs = 8;
  train.config.batch_size = 8;
  train.config.n_groups = 64;
  train.config.runtime.device = config::Device::kCpu;
  train.config.runtime.threads = 2;
  TrainRunEvents quiet;
  train_run(train, quiet);

  Counting events;
  auto flat = request_for(data, dir.file("flat"), 0);
  flat.write_files = false;
  auto hybrid = flat;
  hybrid.model_path = dir.file("run");
  const double flat_error = iterate_run(flat, events).initial_fourier_error;
  const auto from_network = iterate_run(hybrid, events);
  EXPECT_EQ(from_network.start, "model:" + dir.file("run"));
  EXPECT_LT(from_network.initial_fourier_error, flat_error);
}

TEST(IterateRun, StopsWhenAskedAndStillWritesTheState) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  Counting events;
  events.stop_after = 2;
  const auto run = iterate_run(request_for(data, dir.file("out"), 50), events);
  EXPECT_EQ(run.result.termination, iterative::Termination::kStopped);
  EXPECT_EQ(run.result.history.size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(dir.file("out/reconstruction.npz")));
}

TEST(IterateRun, BadRequestsNameTheOptionOrFile) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  Counting events;
  auto both = request_for(data, dir.file("out"), 1);
  both.init_file = data;
  both.model_path = dir.file("run");
  EXPECT_NE(error_of([&] { iterate_run(both, events); }).find("expected at most one starting point"),
            std::string::npos);
  auto unknown = request_for(data, dir.file("out"), 1);
  const std::string other = dir.file("other.npz");
  io::write_npz(other, {{"something", io::from_tensor(torch::zeros({2}))}});
  unknown.init_file = other;
  EXPECT_NE(testing::io_error_of([&] { iterate_run(unknown, events); }).find("other.npz"), std::string::npos);
  auto negative = request_for(data, dir.file("out"), -1);
  EXPECT_NE(error_of([&] { iterate_run(negative, events); }).find("iterations = -1"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::workflow
