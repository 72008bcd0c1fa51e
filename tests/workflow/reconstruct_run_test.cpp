#include "ptychopinn/workflow/reconstruct_run.h"

#include <gtest/gtest.h>

#include <string>

#include "ptychopinn/workflow/train_run.h"
#include "support/run_command.h"
#include "support/simulated_dataset.h"

namespace ptychopinn::workflow {
namespace {

using testing::TempDir;

// A gridsize-3 model groups nine members; inference with the default K = 4 could not group at all,
// so it takes the training run's K and says so.
TEST(ReconstructRun, AGridsizeThreeModelGroupsWithTheTrainingRunsNeighbourCount) {
  TempDir dir;
  const std::string data = dir.file("d.npz");
  testing::write_simulated_dataset(data, {});
  TrainRunRequest train;
  train.config.train_data_file = data;
  train.config.output_dir = dir.file("run");
  train.config.model.gridsize = 3;
  train.config.neighbor_count = 10;
  train.config.model.n_filters_scale = 1;
  train.config.nepochs = 1;
  train.config.batch_size = 4;
  train.config.n_groups = 8;
  train.config.probe_refinement_iterations = 0;
  train.config.runtime.device = config::Device::kCpu;
  train.config.runtime.threads = 2;
  TrainRunEvents quiet;
  train_run(train, quiet);

  struct Notes : ReconstructRunEvents {
    void on_note(const std::string& text) override { notes += text + "\n"; }
    std::string notes;
  } events;
  ReconstructRunRequest infer;
  infer.config.model_path = dir.file("run");
  infer.config.test_data_file = data;
  infer.config.n_groups = 8;
  infer.config.runtime.device = config::Device::kCpu;
  infer.config.runtime.threads = 2;
  infer.write_files = false;
  ASSERT_EQ(infer.config.neighbor_count, 4);
  const auto result = reconstruct_run(infer, events);
  EXPECT_EQ(result.groups, 8);
  EXPECT_EQ(result.patterns, 72);
  EXPECT_NE(events.notes.find("grouping with 10, the training run's"), std::string::npos) << events.notes;
}

}  // namespace
}  // namespace ptychopinn::workflow
