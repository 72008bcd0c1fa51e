#include "ptychopinn/eval/evaluate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "ptychopinn/simulate/objects.h"

namespace ptychopinn::eval {
namespace {

torch::Tensor true_object(uint64_t seed) {
  simulate::ObjectOptions options;
  options.set_phi = true;
  return simulate::make_object(simulate::ObjectKind::kLines, 128, seed, options);
}

const char* const kMetricKeys[] = {"mae",     "mse",   "psnr",      "psnr_legacy", "ssim",
                                   "ms_ssim", "frc50", "frc1over7", "pearson"};

TEST(Evaluate, OfTheGroundTruthAgainstItselfGivesPerfectScoresAndFiniteJson) {
  const auto truth = true_object(21);
  const auto result = evaluate(truth, truth);
  EXPECT_TRUE(result.registered);
  EXPECT_NEAR(result.shift.dy_px, 0.0, 1e-6);
  EXPECT_NEAR(result.shift.dx_px, 0.0, 1e-6);
  EXPECT_NEAR(result.amplitude_scale, 1.0, 1e-12);
  // 128 - 2 * (2 registration border + 2 trim).
  EXPECT_EQ(result.amplitude_truth.sizes(), (std::vector<int64_t>{120, 120}));
  for (const ChannelMetrics* m : {&result.amplitude, &result.phase}) {
    EXPECT_NEAR(m->mae, 0.0, 1e-12);
    EXPECT_NEAR(m->mse, 0.0, 1e-20);
    EXPECT_GT(m->psnr, 250.0);
    EXPECT_GT(m->psnr_legacy, 300.0);
    EXPECT_NEAR(m->ssim, 1.0, 1e-12);
    EXPECT_NEAR(m->ms_ssim, 1.0, 1e-12);
    EXPECT_NEAR(m->pearson, 1.0, 1e-12);
    EXPECT_DOUBLE_EQ(m->frc50, static_cast<double>(m->frc.size()));
    EXPECT_DOUBLE_EQ(m->frc1over7, static_cast<double>(m->frc.size()));
  }

  const auto json = result.to_json();
  for (const char* channel : {"amplitude", "phase"}) {
    ASSERT_TRUE(json.contains(channel));
    EXPECT_EQ(json[channel].size(), 9u);
    for (const char* key : kMetricKeys) {
      ASSERT_TRUE(json[channel].contains(key)) << channel << "." << key;
      ASSERT_TRUE(json[channel][key].is_number()) << channel << "." << key << " = " << json[channel][key];
      EXPECT_TRUE(std::isfinite(json[channel][key].get<double>()));
    }
    EXPECT_EQ(json["frc_curves"][channel].size(),
              (channel == std::string("amplitude") ? result.amplitude : result.phase).frc.size());
  }
  EXPECT_TRUE(json["registration"]["registered"].get<bool>());
  EXPECT_EQ(json["region"]["height"].get<int64_t>(), 120);
  // It round-trips through text.
  EXPECT_EQ(nlohmann::json::parse(json.dump()), json);
}

TEST(Evaluate, IgnoresTheFreeAmplitudeScaleAndPhaseGauge) {
  // Phase within ±π/2, so the offset below cannot wrap it.
  const auto object = true_object(22);
  const auto truth = torch::polar(object.abs(), 0.5 * torch::angle(object));
  // A reconstruction with 3x the amplitude, a constant phase offset and a phase ramp: the
  // conventions remove all three, so the scores stay perfect.
  const auto x = torch::arange(128, torch::kDouble).unsqueeze(0);
  const auto y = torch::arange(128, torch::kDouble).unsqueeze(1);
  const auto gauge = torch::polar(torch::ones({128, 128}, torch::kDouble), 0.2 + 0.001 * x - 0.0005 * y);
  const auto recon = truth.to(torch::kComplexDouble) * 3 * gauge;
  EvaluationOptions options;
  options.alignment.register_images = false;
  const auto result = evaluate(recon, truth, options);
  EXPECT_NEAR(result.amplitude_scale, 1.0 / 3, 1e-9);
  EXPECT_NEAR(result.amplitude.mae, 0.0, 1e-6);
  EXPECT_NEAR(result.phase.mae, 0.0, 1e-6);
  EXPECT_NEAR(result.phase.ssim, 1.0, 1e-9);
  EXPECT_EQ(result.amplitude_truth.sizes(), (std::vector<int64_t>{124, 124}));  // trim only
}

TEST(Evaluate, ScoresADegradedReconstructionLower) {
  const auto truth = true_object(23);
  torch::manual_seed(1);
  const double level = 0.1 * truth.abs().mean().item<double>();
  const auto noise = torch::complex(torch::randn({128, 128}), torch::randn({128, 128})) * level;
  const auto result = evaluate(truth + noise, truth);
  EXPECT_GT(result.amplitude.mae, 0.0);
  EXPECT_LT(result.amplitude.ssim, 0.999);
  EXPECT_LT(result.amplitude.pearson, 1.0);
  EXPECT_GT(result.amplitude.pearson, 0.5);
  EXPECT_LT(result.amplitude.frc50, static_cast<double>(result.amplitude.frc.size()));
  EXPECT_LT(std::abs(result.shift.dx_px), 0.1);
}

TEST(Evaluate, WritesNullForUndefinedMetrics) {
  // A flat phase (no set_phi): Pearson and FRC of the phase are undefined.
  const auto truth = simulate::make_object(simulate::ObjectKind::kLines, 64, 24);
  EvaluationOptions options;
  options.alignment.register_images = false;
  const auto json = evaluate(truth, truth, options).to_json();
  EXPECT_TRUE(json["phase"]["pearson"].is_null());
  EXPECT_TRUE(json["amplitude"]["pearson"].is_number());
}

TEST(EvaluationOptions, RejectsOutOfRangeValues) {
  EvaluationOptions options;
  options.trim_px = -1;
  EXPECT_THROW(options.validate(), std::invalid_argument);
  options = EvaluationOptions{};
  options.frc_sigma = NAN;
  EXPECT_THROW(options.validate(), std::invalid_argument);
  const auto tiny = torch::ones({10, 10}, torch::kComplexFloat);
  EXPECT_THROW(evaluate(tiny, tiny), std::invalid_argument);  // 10 - 8 = 2 px left: below the SSIM window
}

}  // namespace
}  // namespace ptychopinn::eval
