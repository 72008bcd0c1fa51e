#include "ptychopinn/model/pinn_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ptychopinn/model/objective.h"
#include "ptychopinn/physics/diffraction.h"
#include "ptychopinn/physics/probe.h"

namespace ptychopinn::model {
namespace {

PinnOptions small_options(int gridsize, bool object_big = true) {
  config::TrainingConfig c;
  c.model.gridsize = gridsize;
  c.model.n_filters_scale = 1;
  c.model.object_big = object_big;
  c.intensity_scale_trainable = false;
  return PinnOptions::from(c, 50.0);
}

torch::Tensor probe64() {
  return physics::normalize_probe(physics::default_probe(64, torch::kComplexFloat), 4.0);
}

// Random amplitudes and zero-mean relative offsets for a batch of b groups of c members.
std::pair<torch::Tensor, torch::Tensor> random_batch(int64_t b, int64_t c, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto patterns = torch::rand({b, c, 64, 64}, gen, torch::kFloat32);
  auto coords = torch::randn({b, c, 2}, gen, torch::kFloat64) * 2;
  coords = coords - coords.mean(1, true);
  return {patterns, coords};
}

// merge_denominator reaches the model: co_masked drops what the decoder puts outside the central
// windows, the reference formula multiplies it by 1000, so the two predict different amplitudes.
TEST(PinnModel, MergeDenominatorComesFromTheConfig) {
  config::TrainingConfig c;
  c.model.gridsize = 2;
  c.model.n_filters_scale = 1;
  EXPECT_EQ(PinnOptions::from(c, 50.0).merge, physics::MergeDenominator::kProbeWeighted);
  c.model.merge_denominator = config::MergeDenominator::kCoMasked;
  const PinnOptions co_masked = PinnOptions::from(c, 50.0);
  EXPECT_EQ(co_masked.merge, physics::MergeDenominator::kCoMasked);

  torch::manual_seed(1);
  PinnModel a(co_masked, probe64());
  c.model.merge_denominator = config::MergeDenominator::kReference;
  PinnModel b(PinnOptions::from(c, 50.0), probe64());
  torch::NoGradGuard no_grad;
  const auto source = a->named_parameters();
  for (auto& item : b->named_parameters()) item.value().copy_(source[item.key()]);
  const auto [patterns, coords] = random_batch(2, 4, 5);
  EXPECT_FALSE(
      torch::allclose(a->forward(patterns, coords).amplitude, b->forward(patterns, coords).amplitude));
}

TEST(PinnModel, ShapesAtGridsize1And2) {
  for (int g : {1, 2}) {
    PinnModel m(small_options(g), probe64());
    const auto [x, r] = random_batch(3, g * g, 1);
    const auto out = m->forward(x, r);
    EXPECT_EQ(out.object.sizes(), torch::IntArrayRef({3, g * g, 64, 64}));
    EXPECT_TRUE(out.object.is_complex());
    EXPECT_EQ(out.amplitude.sizes(), torch::IntArrayRef({3, g * g, 64, 64}));
    EXPECT_TRUE(torch::isfinite(out.amplitude).all().item<bool>());
  }
}

// Gridsize 1, zero offset: Â = s · |F(P ⊙ O/1.001)| inside the central window, i.e. the merge is
// a division by 1.001 where the object has content (probe_big = false leaves the border zero).
TEST(PinnModel, Gridsize1ForwardIsTheScaledFarFieldOfTheIlluminatedObject) {
  auto options = small_options(1);
  options.net.probe_big = false;
  options.merge = physics::MergeDenominator::kReference;  // the formula this test spells out
  PinnModel m(options, probe64());
  const auto [x, r0] = random_batch(2, 1, 2);
  const auto r = torch::zeros_like(r0);
  const auto out = m->forward(x, r);
  const auto expected = physics::far_field_amplitude(out.object * probe64() / 1.001) * 50.0;
  EXPECT_TRUE(torch::allclose(out.amplitude, expected, 1e-4, 1e-3));
}

// Weight 0: each member's view is its own patch (no merge); 1 (the default): the overlap canvas's.
TEST(PinnModel, OverlapWeightBlendsEachMembersOwnPatchIntoItsView) {
  torch::manual_seed(3);
  PinnModel m(small_options(2), probe64());
  const auto [x, r] = random_batch(2, 4, 3);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(m->overlap_weight(), 1.0);
  const auto merged = m->forward(x, r).amplitude;
  m->set_overlap_weight(0.0);
  const auto own = m->forward(x, r);
  const auto expected = physics::far_field_amplitude(own.object * probe64()) * 50.0;
  EXPECT_TRUE(torch::allclose(own.amplitude, expected, 1e-4, 1e-3));
  EXPECT_GT((own.amplitude - merged).abs().max().item<double>(), 1e-3);
  m->set_overlap_weight(1.0);
  EXPECT_TRUE(torch::equal(m->forward(x, r).amplitude, merged));
  EXPECT_THROW(m->set_overlap_weight(1.5), std::invalid_argument);
  EXPECT_THROW(m->set_overlap_weight(-0.1), std::invalid_argument);
}

TEST(PinnModel, ScaleAndProbeAreParametersOnlyWhenTrainable) {
  auto options = small_options(1);
  PinnModel fixed(options, probe64());
  options.intensity_scale_trainable = true;
  options.probe_trainable = true;
  PinnModel trainable(options, probe64());
  auto count = [](PinnModel& m) {
    int64_t n = 0;
    for (const auto& p : m->parameters()) n += p.numel();
    return n;
  };
  EXPECT_EQ(count(trainable) - count(fixed), 1 + 64 * 64 * 2);
  EXPECT_NEAR(fixed->intensity_scale().item<double>(), 50.0, 1e-4);
  EXPECT_TRUE(torch::allclose(trainable->probe(), probe64()));
}

TEST(PinnModel, RejectsAProbeOfTheWrongSizeAndBadInputShapes) {
  EXPECT_THROW(PinnModel(small_options(1), torch::ones({32, 32}, torch::kComplexFloat)),
               std::invalid_argument);
  PinnModel m(small_options(2), probe64());
  const auto [x, r] = random_batch(2, 1, 3);
  EXPECT_THROW(m->forward(x, r), std::invalid_argument);
}

TEST(Objective, OneAdamStepOnAFixedBatchLowersThePoissonLoss) {
  PinnModel m(small_options(2), probe64());
  const auto [x, r] = random_batch(4, 4, 4);
  data::Batch batch;
  batch.patterns = x;
  batch.coords_relative = r;
  config::TrainingConfig c;
  c.model.gridsize = 2;
  torch::optim::Adam adam(m->parameters(), torch::optim::AdamOptions(1e-3).eps(1e-7));
  const auto before = compute_loss(*m, batch, 50.0, c).total;
  adam.zero_grad();
  before.backward();
  adam.step();
  const auto after = compute_loss(*m, batch, 50.0, c).total;
  EXPECT_LT(after.item<double>(), before.item<double>());
  EXPECT_GE(before.item<double>(), poisson_nll_optimum(x * 50.0).item<double>());
}

TEST(Objective, MaeModeAndWeightsCombine) {
  PinnModel m(small_options(1), probe64());
  const auto [x, r] = random_batch(2, 1, 5);
  data::Batch batch;
  batch.patterns = x;
  batch.coords_relative = r;
  config::TrainingConfig c;
  c.nll_weight = 2.0;
  c.mae_weight = 3.0;
  const auto t = compute_loss(*m, batch, 50.0, c);
  EXPECT_NEAR(t.total.item<double>(), 2 * t.nll.item<double>() + 3 * t.mae.item<double>(),
              1e-5 * std::abs(t.total.item<double>()));
  c.torch_loss_mode = config::TorchLossMode::kMae;
  const auto mae = compute_loss(*m, batch, 50.0, c);
  EXPECT_FALSE(mae.nll.defined());
  EXPECT_NEAR(mae.total.item<double>(), t.mae.item<double>(), 1e-6 * t.mae.item<double>());
}

TEST(Objective, SupervisedNeedsGroundTruthAndLearnsFromIt) {
  PinnModel m(small_options(1), probe64());
  const auto [x, r] = random_batch(2, 1, 6);
  data::Batch batch;
  batch.patterns = x;
  batch.coords_relative = r;
  config::TrainingConfig c;
  c.model.model_type = config::ModelType::kSupervised;
  EXPECT_THROW(compute_loss(*m, batch, 50.0, c), std::invalid_argument);
  batch.ground_truth = torch::polar(torch::full({2, 1, 64, 64}, 0.7), torch::full({2, 1, 64, 64}, 0.3))
                           .to(torch::kComplexFloat);
  torch::optim::Adam adam(m->parameters(), torch::optim::AdamOptions(1e-3));
  const auto before = compute_loss(*m, batch, 50.0, c);
  EXPECT_TRUE(before.amplitude_mae.defined());
  adam.zero_grad();
  before.total.backward();
  adam.step();
  EXPECT_LT(compute_loss(*m, batch, 50.0, c).total.item<double>(), before.total.item<double>());
}

}  // namespace
}  // namespace ptychopinn::model
