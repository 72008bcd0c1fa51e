#include "ptychopinn/train/collapse_check.h"

#include <gtest/gtest.h>

#include "ptychopinn/nets/parameter_init.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::train {
namespace {

model::PinnModel small_model(int gridsize) {
  config::TrainingConfig c;
  c.model.gridsize = gridsize;
  c.model.n_filters_scale = 1;
  const auto probe = physics::normalize_probe(physics::default_probe(64, torch::kComplexFloat), 4.0);
  return model::PinnModel(model::PinnOptions::from(c, 50.0), probe);
}

data::Batch random_batch(int64_t b, int64_t c) {
  torch::manual_seed(3);
  data::Batch batch;
  batch.patterns = torch::rand({b, c, 64, 64});
  const auto coords = torch::randn({b, c, 2}, torch::kFloat64) * 2;
  batch.coords_relative = coords - coords.mean(1, true);
  return batch;
}

// A network whose weights are all zero outputs one constant object for every input: flat, and
// its predicted patterns are all the probe's.
TEST(CollapseCheck, AConstantNetworkIsCollapsed) {
  auto m = small_model(2);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : m->generator()->parameters()) p.zero_();
  }
  const auto measures = measure_collapse(*m, random_batch(4, 4), 50.0);
  EXPECT_LT(measures.amplitude_spread, 1e-6);
  EXPECT_LT(measures.phase_spread, 1e-6);
  // Not exactly 0: the members' canvases differ near their edges, where the offsets differ.
  EXPECT_LT(std::abs(measures.pattern_correlation), 0.01);
  EXPECT_TRUE(looks_collapsed(measures));
  const auto text = collapse_warning(measures, 7);
  EXPECT_NE(text.find("collapsed to a flat object at epoch 7"), std::string::npos) << text;
  EXPECT_NE(text.find("--learning_rate"), std::string::npos) << text;
  EXPECT_NE(text.find("--amp_activation softplus"), std::string::npos) << text;
}

// Initialised as the trainer does it (Glorot), a network's output varies with its input.
TEST(CollapseCheck, AFreshNetworkIsNotCollapsedAndTheModeIsKept) {
  auto m = small_model(1);
  nets::glorot_uniform_init(*m->generator(), 42);
  m->train();
  const auto measures = measure_collapse(*m, random_batch(4, 1), 50.0);
  EXPECT_GT(std::max(measures.amplitude_spread, measures.phase_spread), kFlatSpread);
  EXPECT_FALSE(looks_collapsed(measures));
  EXPECT_TRUE(m->is_training());
}

TEST(CollapseCheck, EachMeasureAloneKeepsARunFromCountingAsCollapsed) {
  EXPECT_TRUE(looks_collapsed({0.001, 0.001, 0.01}));
  EXPECT_FALSE(looks_collapsed({0.05, 0.001, 0.01}));
  EXPECT_FALSE(looks_collapsed({0.001, 0.05, 0.01}));
  EXPECT_FALSE(looks_collapsed({0.001, 0.001, 0.5}));
}

}  // namespace
}  // namespace ptychopinn::train
