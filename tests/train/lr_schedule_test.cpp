#include "ptychopinn/train/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ptychopinn::train {
namespace {

config::TrainingConfig with_scheduler(config::Scheduler s) {
  config::TrainingConfig c;
  c.scheduler = s;
  c.learning_rate = 1e-3;
  c.nepochs = 11;
  return c;
}

TEST(LrSchedule, ConstantByDefault) {
  LrSchedule s(with_scheduler(config::Scheduler::kDefault));
  for (int e = 0; e < 5; ++e) {
    EXPECT_DOUBLE_EQ(s.learning_rate(e), 1e-3);
    s.end_epoch(e, 10.0 + e);
  }
}

TEST(LrSchedule, ExponentialDecaysBy095PerEpoch) {
  LrSchedule s(with_scheduler(config::Scheduler::kExponential));
  EXPECT_DOUBLE_EQ(s.learning_rate(0), 1e-3);
  EXPECT_NEAR(s.learning_rate(3), 1e-3 * 0.95 * 0.95 * 0.95, 1e-15);
}

TEST(LrSchedule, WarmupCosineRisesThenDecaysToTheFloor) {
  auto c = with_scheduler(config::Scheduler::kWarmupCosine);
  c.lr_warmup_epochs = 2;
  c.lr_min_ratio = 0.1;
  LrSchedule s(c);
  EXPECT_LT(s.learning_rate(0), s.learning_rate(1));
  EXPECT_DOUBLE_EQ(s.learning_rate(2), 1e-3);
  EXPECT_NEAR(s.learning_rate(10), 1e-4, 1e-15);
  for (int e = 2; e < 10; ++e) EXPECT_GT(s.learning_rate(e), s.learning_rate(e + 1));
}

// Keras ReduceLROnPlateau(factor 0.5, patience 2, min_lr 1e-4) on a hand sequence.
TEST(LrSchedule, PlateauHalvesAfterPatienceEpochsWithoutImprovement) {
  LrSchedule s(with_scheduler(config::Scheduler::kReduceLROnPlateau));
  const double losses[] = {5, 4, 4.5, 4.2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};
  const double expected_after[] = {1e-3,    1e-3,    1e-3, 5e-4, 5e-4, 5e-4, 2.5e-4, 2.5e-4,
                                   1.25e-4, 1.25e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4};
  for (int e = 0; e < 15; ++e) {
    s.end_epoch(e, losses[e]);
    EXPECT_DOUBLE_EQ(s.learning_rate(e + 1), expected_after[e]) << "after epoch " << e;
  }
}

TEST(LrSchedule, StateRoundTripContinuesIdentically) {
  const auto c = with_scheduler(config::Scheduler::kReduceLROnPlateau);
  LrSchedule a(c), b(c);
  a.end_epoch(0, 3);
  a.end_epoch(1, 4);
  b.restore(a.state());
  for (int e = 2; e < 6; ++e) {
    a.end_epoch(e, 5);
    b.end_epoch(e, 5);
    EXPECT_DOUBLE_EQ(a.learning_rate(e + 1), b.learning_rate(e + 1));
  }
  EXPECT_LT(a.learning_rate(6), 1e-3);
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping s(3);
  EXPECT_FALSE(s.end_epoch(5));
  EXPECT_FALSE(s.end_epoch(4));
  EXPECT_FALSE(s.end_epoch(4));  // equal is not better
  EXPECT_FALSE(s.end_epoch(6));
  EXPECT_TRUE(s.end_epoch(4.5));
}

TEST(EarlyStopping, PatienceZeroNeverStops) {
  EarlyStopping s(0);
  for (int e = 0; e < 10; ++e) EXPECT_FALSE(s.end_epoch(1.0 + e));
}

TEST(EarlyStopping, StateRoundTrip) {
  EarlyStopping a(2), b(2);
  a.end_epoch(1);
  a.end_epoch(2);
  b.restore(a.state());
  EXPECT_TRUE(b.end_epoch(3));
}

}  // namespace
}  // namespace ptychopinn::train
