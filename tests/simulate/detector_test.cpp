#include "ptychopinn/simulate/detector.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ptychopinn/physics/probe.h"
#include "support/error_of.h"

namespace ptychopinn::simulate {
namespace {

using testing::error_of;

torch::Tensor test_object() {
  auto g = torch::linspace(0, 1, 48, torch::kFloat32);
  auto amp = 0.5 + 0.5 * torch::outer(torch::sin(6 * g), torch::cos(4 * g)).abs();
  return torch::polar(amp, 0.3 * amp);
}

torch::Tensor test_probe() {
  const auto options = torch::TensorOptions().dtype(torch::kComplexFloat);
  return physics::normalize_probe(physics::default_probe(16, options), 4.0);
}

ScanPositions same_position(int m) {
  ScanPositions p;
  p.x.assign(static_cast<std::size_t>(m), 24.0);
  p.y.assign(static_cast<std::size_t>(m), 23.5);
  p.x_nominal = p.x;
  p.y_nominal = p.y;
  return p;
}

TEST(SimulatePatterns, NoiseFreePatternsCarryNphotonsOnAverage) {
  ScanPositions p = same_position(3);
  p.x[1] = 18;
  p.y[2] = 30;
  DetectorOptions o;
  o.nphotons = 1e5;
  o.poisson_noise = false;
  const SimulatedPatterns s = simulate_patterns(test_object(), test_probe(), p, o);
  EXPECT_EQ(s.amplitude.sizes(), (std::vector<std::int64_t>{3, 16, 16}));
  EXPECT_EQ(s.amplitude.scalar_type(), torch::kFloat32);
  EXPECT_NEAR(s.amplitude.pow(2).sum({1, 2}).mean().item<double>(), 1e5, 1.0);
  EXPECT_GE(s.amplitude.min().item<float>(), 0.0f);
  // DC at the centre: the brightest pixel of a smooth object's pattern is (N/2, N/2).
  EXPECT_EQ(s.amplitude[0].argmax().item<std::int64_t>(), 8 * 16 + 8);
}

TEST(SimulatePatterns, CountsArePoissonAroundTheExpectedIntensity) {
  const int m = 2000;
  DetectorOptions o;
  o.nphotons = 2e4;
  o.poisson_noise = false;
  const auto lambda = simulate_patterns(test_object(), test_probe(), same_position(1), o).amplitude[0].pow(2);
  o.poisson_noise = true;
  const auto counts = simulate_patterns(test_object(), test_probe(), same_position(m), o).amplitude.pow(2);
  // Whole numbers of photons (up to float32 rounding of sqrt then square).
  EXPECT_LT((counts - counts.round()).abs().max().item<double>(), 1e-2);
  const auto mean = counts.mean(0), var = counts.var(0);
  // The brightest pixels: sample mean and variance both match lambda (Poisson), within ~5 sigma.
  const auto order = lambda.flatten().argsort(/*stable=*/false, /*dim=*/0, /*descending=*/true);
  for (int k = 0; k < 5; ++k) {
    const auto idx = order[k].item<std::int64_t>();
    const double l = lambda.flatten()[idx].item<double>();
    const double mu = mean.flatten()[idx].item<double>();
    const double v = var.flatten()[idx].item<double>();
    EXPECT_NEAR(mu, l, 5 * std::sqrt(l / m)) << "pixel " << idx;
    EXPECT_NEAR(v / l, 1.0, 5 * std::sqrt(2.0 / m) + 0.02) << "pixel " << idx;
  }
}

TEST(SimulatePatterns, TheSameSeedGivesTheSameCounts) {
  DetectorOptions o;
  o.nphotons = 1e4;
  const auto a = simulate_patterns(test_object(), test_probe(), same_position(4), o).amplitude;
  const auto b = simulate_patterns(test_object(), test_probe(), same_position(4), o).amplitude;
  EXPECT_TRUE(torch::equal(a, b));
  o.seed = 7;
  EXPECT_FALSE(
      torch::equal(a, simulate_patterns(test_object(), test_probe(), same_position(4), o).amplitude));
}

TEST(SimulatePatterns, BadInputsAreErrorsNamingTheArgument) {
  DetectorOptions o;
  EXPECT_NE(error_of([&] {
              simulate_patterns(test_object().abs(), test_probe(), same_position(1), o);
            }).find("object"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { simulate_patterns(test_object(), test_probe(), ScanPositions{}, o); }).find("positions"),
      std::string::npos);
  o.nphotons = 0;
  EXPECT_NE(
      error_of([&] { simulate_patterns(test_object(), test_probe(), same_position(1), o); }).find("nphotons"),
      std::string::npos);
}

TEST(SimulatePatterns, BlockwiseDetectionEqualsTheWholeBatch) {
  ScanPositions p = same_position(5);
  for (std::size_t i = 0; i < 5; ++i) p.x[i] = 18.0 + 2.5 * static_cast<double>(i);
  DetectorOptions o;
  o.nphotons = 1e4;
  const SimulatedPatterns whole = simulate_patterns(test_object(), test_probe(), p, o);
  // The same patterns in blocks [0, 2) and [2, 5), each with its energies and its first index.
  double energy = 0;
  for (double e : exit_wave_energies(exit_waves(test_object(), test_probe(), p, 0, 5))) energy += e;
  const double scale = photon_scale(o.nphotons, energy / 5);
  EXPECT_DOUBLE_EQ(scale, whole.photon_scale);
  const torch::Tensor blocks =
      torch::cat({detect_amplitudes(exit_waves(test_object(), test_probe(), p, 0, 2), scale, o, 0),
                  detect_amplitudes(exit_waves(test_object(), test_probe(), p, 2, 5), scale, o, 2)});
  EXPECT_TRUE(torch::equal(blocks, whole.amplitude));
  EXPECT_THROW(exit_waves(test_object(), test_probe(), p, 3, 6), std::out_of_range);
  EXPECT_NE(error_of([] { photon_scale(1e4, 0.0); }).find("mean diffracted intensity = 0"),
            std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::simulate
