#include "ptychopinn/workflow/reconstruction_outputs.h"

#include <gtest/gtest.h>

#include <string>

#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::workflow {
namespace {

using testing::error_of;

// A weak phase object: 0.2 rad of structure on a 2 rad offset and a linear ramp, lit in its middle.
struct WeakPhase {
  torch::Tensor object, coverage, structure;
  WeakPhase() {
    const int64_t n = 48;
    const auto rows = torch::arange(n, torch::kFloat64).unsqueeze(1).expand({n, n});
    const auto cols = torch::arange(n, torch::kFloat64).unsqueeze(0).expand({n, n});
    structure = 0.2 * ((rows.floor_divide(6) + cols.floor_divide(6)).remainder(2) - 0.5);
    const auto phase = 2.0 + 0.03 * cols - 0.02 * rows + structure;
    object = torch::polar(torch::ones({n, n}, torch::kFloat64), phase);
    coverage = torch::zeros({n, n}, torch::kFloat64);
    coverage.slice(0, 8, 40).slice(1, 8, 40).fill_(3.0);
  }
};

TEST(PhaseDisplay, SpellingsRoundTripAndABadOneIsNamed) {
  for (auto d : {PhaseDisplay::kRobust, PhaseDisplay::kRamp, PhaseDisplay::kCyclic}) {
    EXPECT_EQ(parse_phase_display(to_string(d)), d);
  }
  EXPECT_NE(error_of([] { parse_phase_display("wrapped"); }).find("phase_display = 'wrapped'"),
            std::string::npos);
}

TEST(PhaseDisplay, RobustRemovesTheOffsetRampAlsoRemovesTheRampCyclicKeepsTheRawPhase) {
  const WeakPhase w;
  const auto lit = well_lit(w.coverage);
  ASSERT_EQ(lit.sum().item<int64_t>(), 32 * 32);
  const auto cyclic = phase_for_display(w.object, w.coverage, PhaseDisplay::kCyclic);
  EXPECT_TRUE(torch::allclose(cyclic, torch::angle(w.object)));
  const auto robust = phase_for_display(w.object, w.coverage, PhaseDisplay::kRobust);
  EXPECT_LT(std::abs(robust.index({lit}).mean().item<double>()), 0.05);  // the offset is gone
  const auto ramp = phase_for_display(w.object, w.coverage, PhaseDisplay::kRamp);
  // Only the structure (and a constant) is left where the region is lit.
  const auto left = ramp.index({lit}) - w.structure.index({lit});
  EXPECT_LT((left - left.mean()).abs().max().item<double>(), 0.05);
}

TEST(PhaseDisplay, ThePicturesAreWrittenInEveryMode) {
  const WeakPhase w;
  testing::TempDir dir;
  for (auto d : {PhaseDisplay::kRobust, PhaseDisplay::kRamp, PhaseDisplay::kCyclic}) {
    const std::string a = dir.file("a_" + to_string(d) + ".png"), p = dir.file("p_" + to_string(d) + ".png");
    write_object_pictures(a, p, w.object, w.coverage, d);
    EXPECT_GT(testing::read_text(p).size(), 1000u) << to_string(d);
  }
}

}  // namespace
}  // namespace ptychopinn::workflow
