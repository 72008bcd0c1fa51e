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

// A textured output that ignores the patterns counts only once sound runs have left their slow
// start behind, and only while it persists.
TEST(CollapseCheck, PatternsIgnoredForSeveralLateEpochsCountAsACollapse) {
  std::vector<double> r(kIgnoredPatternsFromEpoch - 1, 0.0);
  EXPECT_FALSE(ignores_patterns(r));  // too early to tell
  r.push_back(0.02);
  EXPECT_TRUE(ignores_patterns(r));
  r[r.size() - kIgnoredPatternsEpochs] = 0.3;  // followed them within the window
  EXPECT_FALSE(ignores_patterns(r));
  std::vector<double> recovering(kIgnoredPatternsFromEpoch + 2, 0.0);
  recovering.back() = kIgnoredPatternsCorrelation;
  EXPECT_FALSE(ignores_patterns(recovering));
  EXPECT_FALSE(ignores_patterns({}));

  const CollapseMeasures textured{0.26, 0.49, -0.002};
  EXPECT_FALSE(looks_collapsed(textured));
  const auto text = collapse_warning(textured, 10);
  EXPECT_NE(text.find("does not follow the patterns at epoch 10"), std::string::npos) << text;
  EXPECT_NE(text.find("--overlap_warmup_epochs"), std::string::npos) << text;
}

}  // namespace
}  // namespace ptychopinn::train
