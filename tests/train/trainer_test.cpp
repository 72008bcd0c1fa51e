#include "ptychopinn/train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "ptychopinn/data/pipeline.h"
#include "ptychopinn/util/errors.h"
#include "support/run_command.h"
#include "support/simulated_dataset.h"

namespace ptychopinn::train {
namespace {

namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    testing::write_simulated_dataset(dir_->file("sim.npz"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  static config::TrainingConfig small_config(int gridsize = 1) {
    config::TrainingConfig c;
    c.model.gridsize = gridsize;
    c.model.n_filters_scale = 1;
    c.n_groups = 24;
    c.batch_size = 8;
    c.nepochs = 2;
    c.nphotons = 1e6;
    c.validation_fraction = 0.2;
    c.neighbor_count = 4;
    c.runtime.threads = 2;
    return c;
  }

  static data::PreparedData prepare(const config::TrainingConfig& c) {
    auto options = data::pipeline_options(c);
    options.cache.enabled = false;
    return data::prepare_data(dir_->file("sim.npz"), options);
  }

  static Trainer make(const config::TrainingConfig& c) {
    const auto d = prepare(c);
    return Trainer(c, d.groups, d.dataset->probe(), torch::kCPU);
  }

  static bool same_weights(const Trainer& a, const Trainer& b) {
    const auto wa = a.model()->parameters();
    const auto wb = b.model()->parameters();
    if (wa.size() != wb.size()) return false;
    for (size_t i = 0; i < wa.size(); ++i) {
      if (!torch::equal(wa[i], wb[i])) return false;
    }
    return true;
  }

  static inline testing::TempDir* dir_ = nullptr;
  TrainObserver quiet_;
};

TEST_F(TrainerTest, ValidationCountFollowsKerasValidationSplit) {
  EXPECT_EQ(validation_count(100, 0.05), 5);
  EXPECT_EQ(validation_count(16, 0.05), 1);
  EXPECT_EQ(validation_count(10, 0.0), 0);
  auto t = make(small_config());
  EXPECT_EQ(t.train_groups() + t.validation_groups(), 24);
  EXPECT_EQ(t.validation_groups(), 5);
}

// The views move from each member's own patch to the canvas over overlap_warmup_epochs, batch by
// batch; after the warmup (and without one) the model is the method's.
TEST_F(TrainerTest, OverlapWarmupRaisesTheOverlapWeightToOne) {
  EXPECT_DOUBLE_EQ(overlap_weight(4, 0, 0.5), 0.125);
  EXPECT_DOUBLE_EQ(overlap_weight(4, 3, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(overlap_weight(4, 6, 0.1), 1.0);
  EXPECT_DOUBLE_EQ(overlap_weight(0, 0, 0.1), 1.0);
  auto c = small_config(2);
  c.overlap_warmup_epochs = 4;
  auto t = make(c);
  ASSERT_EQ(t.run(quiet_), TrainStatus::kCompleted);  // 2 epochs: halfway
  EXPECT_DOUBLE_EQ(t.model()->overlap_weight(), 0.5);
  c.overlap_warmup_epochs = 2;
  auto done = make(c);
  ASSERT_EQ(done.run(quiet_), TrainStatus::kCompleted);
  EXPECT_DOUBLE_EQ(done.model()->overlap_weight(), 1.0);
}

// Null = auto: the warmup that a nine-member average needs on a measured scan, none below.
TEST_F(TrainerTest, OverlapWarmupAutoRuleDependsOnGridsize) {
  config::TrainingConfig c;
  for (int g : {1, 2}) {
    c.model.gridsize = g;
    EXPECT_EQ(overlap_warmup_epochs(c), 0) << g;
  }
  c.model.gridsize = 3;
  EXPECT_EQ(overlap_warmup_epochs(c), kAutoOverlapWarmupEpochs);
  c.overlap_warmup_epochs = 0;
  EXPECT_EQ(overlap_warmup_epochs(c), 0);
  c.model.gridsize = 2;
  c.overlap_warmup_epochs = 6;
  EXPECT_EQ(overlap_warmup_epochs(c), 6);
}

TEST_F(TrainerTest, TrainsAndRecordsEveryEpoch) {
  auto t = make(small_config());
  EXPECT_EQ(t.run(quiet_), TrainStatus::kCompleted);
  ASSERT_EQ(t.state().history.size(), 2u);
  for (const auto& r : t.state().history) {
    EXPECT_TRUE(std::isfinite(r.train_loss));
    ASSERT_TRUE(r.val_loss.has_value());
    EXPECT_TRUE(std::isfinite(*r.val_loss));
  }
}

// A short training at least halves the excess of the validation NLL over its optimum.
TEST_F(TrainerTest, TrainingAtLeastHalvesTheExcessValidationNll) {
  auto c = small_config();
  c.n_groups = 48;
  c.nepochs = 6;
  c.early_stop_patience = 0;
  auto t = make(c);
  const auto optimum = t.validation_nll_optimum();
  ASSERT_TRUE(optimum.has_value());
  const double before = *t.validation_loss();
  t.run(quiet_);
  const double after = *t.validation_loss();
  EXPECT_GT(before, *optimum);
  EXPECT_GE(after, *optimum - 1e-6 * std::abs(*optimum));
  EXPECT_LE(after - *optimum, 0.5 * (before - *optimum))
      << "before " << before << " after " << after << " optimum " << *optimum;
}

TEST_F(TrainerTest, SameSeedGivesTheSameWeightsAndAnotherSeedDoesNot) {
  auto a = make(small_config());
  auto b = make(small_config());
  auto other = small_config();
  other.runtime.seed = 43;
  auto c = make(other);
  a.run(quiet_);
  b.run(quiet_);
  c.run(quiet_);
  EXPECT_TRUE(same_weights(a, b));
  EXPECT_FALSE(same_weights(a, c));
}

TEST_F(TrainerTest, InterruptedAndResumedEqualsUninterrupted) {
  const auto c = small_config(2);
  auto whole = make(c);
  whole.run(quiet_);

  const auto checkpoint = fs::path(dir_->file("ckpt")) / "latest.zip";
  fs::create_directories(checkpoint.parent_path());
  auto first = make(c);
  int batches = 0;
  TrainControl control;
  control.checkpoint_path = checkpoint;
  control.stop_requested = [&] { return batches++ == 3; };  // mid-way through epoch 2
  EXPECT_EQ(first.run(quiet_, control), TrainStatus::kInterrupted);
  EXPECT_EQ(first.state().epoch, 1);
  ASSERT_TRUE(fs::exists(checkpoint));
  EXPECT_TRUE(bundle::looks_like_archive(checkpoint));  // an interrupted run leaves a loadable archive

  auto second = make(c);
  second.resume_from(checkpoint);
  EXPECT_EQ(second.run(quiet_), TrainStatus::kCompleted);
  EXPECT_TRUE(same_weights(whole, second));
  ASSERT_EQ(second.state().history.size(), 2u);
  EXPECT_EQ(second.state().history[1].train_loss, whole.state().history[1].train_loss);
}

TEST_F(TrainerTest, ResumeRefusesADifferentTrainingSetting) {
  const auto checkpoint = fs::path(dir_->file("other.zip"));
  auto t = make(small_config());
  t.save_checkpoint(checkpoint);
  auto changed = small_config();
  changed.learning_rate = 5e-4;
  auto u = make(changed);
  try {
    u.resume_from(checkpoint);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos) << e.what();
  }
}

TEST_F(TrainerTest, NonFiniteLossStopsWithTheEpochAndBatch) {
  auto c = small_config();
  c.learning_rate = 1e12;  // the first step throws the weights far out: the next loss is not finite
  c.scheduler = config::Scheduler::kDefault;
  auto t = make(c);
  try {
    t.run(quiet_);
    FAIL() << "expected NumericalError";
  } catch (const NumericalError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("at epoch 1, batch "), std::string::npos) << message;
    EXPECT_NE(message.find("learning rate"), std::string::npos) << message;
  }
}

TEST_F(TrainerTest, AbsurdPhotonCountIsRefusedUpFront) {
  auto c = small_config();
  c.nphotons = 1e300;
  EXPECT_THROW(make(c), std::invalid_argument);
}

TEST_F(TrainerTest, ArchiveHoldsTheTrainedStateAndRestoresIt) {
  auto t = make(small_config());
  t.run(quiet_);
  const auto path = fs::path(dir_->file("wts.h5.zip"));
  bundle::save_archive(path, t.archive());
  const auto a = bundle::load_archive(path);
  EXPECT_EQ(a.manifest.model_type, "pinn");
  EXPECT_GT(a.manifest.trainable_parameters, 0);
  EXPECT_EQ(a.config, t.config());
  EXPECT_NEAR(a.intensity_scale, 1e3 / 32, 1e-9);  // sqrt(nphotons) / (N/2)
  auto fresh = make(small_config());
  bundle::load_state(*fresh.model(), a.weights, path.string());
  EXPECT_TRUE(same_weights(t, fresh));
}

// The trainable probe is still before its release epoch and moves after it.
TEST_F(TrainerTest, TrainableProbeHoldsStillUntilItsReleaseEpochThenMoves) {
  auto c = small_config();
  c.probe_trainable = true;
  c.probe_release_epoch = 1;
  c.probe_learning_rate = 5e-3;
  c.early_stop_patience = 0;
  c.nepochs = 1;
  auto once = make(c);
  const auto start = once.model()->probe().detach().clone();
  once.run(quiet_);
  EXPECT_TRUE(torch::equal(once.model()->probe().detach(), start));
  c.nepochs = 2;
  auto twice = make(c);
  twice.run(quiet_);
  EXPECT_FALSE(torch::allclose(twice.model()->probe().detach(), start));
  EXPECT_TRUE(torch::equal(twice.archive().probe, twice.model()->probe().detach().to(torch::kCPU)));
}

// |<p, q>| / (|p| |q|): 1 for probes equal up to a complex factor.
double overlap(const torch::Tensor& p, const torch::Tensor& q) {
  const auto a = p.to(torch::kComplexDouble), b = q.to(torch::kComplexDouble);
  return (torch::abs((a * torch::conj(b)).sum()) / (a.norm() * b.norm())).item<double>();
}

// The probe out of focus: a quadratic phase over its spectrum (Fresnel propagation).
torch::Tensor defocused(const torch::Tensor& probe, double radians_at_edge) {
  const int64_t n = probe.size(0);
  const auto k = torch::fft::fftfreq(n, torch::kFloat64) * 2.0;  // -1 ... 1 at the Nyquist edge
  const auto k2 = k.square().unsqueeze(0) + k.square().unsqueeze(1);
  const auto phase = torch::polar(torch::ones_like(k2), k2 * radians_at_edge);
  return torch::fft::ifft2(torch::fft::fft2(probe.to(torch::kComplexDouble)) * phase).to(probe.scalar_type());
}

// Joint probe retrieval: started from a defocused probe, the trainable probe moves toward the
// true one, and the model fits the patterns better than with the wrong probe held fixed.
TEST_F(TrainerTest, ATrainableProbeStartedOutOfFocusMovesTowardTheTrueProbe) {
  auto c = small_config();
  c.n_groups = 48;
  c.nepochs = 8;
  c.early_stop_patience = 0;
  c.probe_release_epoch = 1;
  c.probe_learning_rate = 1e-2;
  const auto d = prepare(c);
  const auto truth = d.dataset->probe();
  const auto wrong = defocused(truth, 300.0);
  const double start = overlap(wrong, truth);
  ASSERT_LT(start, 0.85) << "the defocus is too small to test anything";
  Trainer frozen(c, d.groups, wrong, torch::kCPU);
  frozen.run(quiet_);
  c.probe_trainable = true;
  Trainer learned(c, d.groups, wrong, torch::kCPU);
  learned.run(quiet_);
  const double end = overlap(learned.model()->probe().detach(), truth);
  std::cout << "probe overlap with the truth: " << start << " -> " << end << "; final training loss "
            << frozen.state().history.back().train_loss << " frozen, "
            << learned.state().history.back().train_loss << " learned\n";
  EXPECT_GT(end, start + 0.01);
  EXPECT_LT(learned.state().history.back().train_loss, frozen.state().history.back().train_loss);
}

}  // namespace
}  // namespace ptychopinn::train
