#include "ptychopinn/simulate/objects.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "ptychopinn/physics/gaussian_filter.h"
#include "support/error_of.h"

namespace ptychopinn::simulate {
namespace {

using physics::gaussian_filter;

constexpr double kPi = 3.14159265358979323846;
const std::vector<ObjectKind> kAllKinds = {ObjectKind::kLines, ObjectKind::kGrf, ObjectKind::kPoints,
                                           ObjectKind::kDiagonals};

using testing::error_of;

// Fraction of the image's variance carried by its column means: near 1 for full-height vertical lines,
// near 0 for isotropic texture, whose column means average out.
double column_mean_variance_ratio(const torch::Tensor& amp) {
  const torch::Tensor a = amp.to(torch::kFloat64);
  return a.mean(0).var(false).item<double>() / a.var(false).item<double>();
}

// The image minus its σ = 3 blur: keeps lines and peaks, drops the smooth 5·gf(10)-type background.
torch::Tensor high_pass(const torch::Tensor& amp) {
  const torch::Tensor a = amp.to(torch::kFloat64);
  return a - gaussian_filter(a, 3.0);
}

// Mean structure-tensor coherence (0: isotropic, 1: locally one-dimensional), gradients by central
// differences, tensor averaged with σ = 2. Lines give locally 1-D structure; blobs do not.
double mean_coherence(const torch::Tensor& amp) {
  const torch::Tensor a = amp.to(torch::kFloat64);
  const int64_t n = a.size(0);
  const torch::Tensor gx = (a.slice(1, 2, n) - a.slice(1, 0, n - 2)).slice(0, 1, n - 1);
  const torch::Tensor gy = (a.slice(0, 2, n) - a.slice(0, 0, n - 2)).slice(1, 1, n - 1);
  const torch::Tensor jxx = gaussian_filter(gx * gx, 2.0), jyy = gaussian_filter(gy * gy, 2.0);
  const torch::Tensor jxy = gaussian_filter(gx * gy, 2.0);
  const torch::Tensor coherence = torch::sqrt((jxx - jyy).square() + 4 * jxy.square()) / (jxx + jyy + 1e-12);
  return coherence.mean().item<double>();
}

// Fraction of pixels that are strict local maxima over their 8 neighbours.
double local_maximum_fraction(const torch::Tensor& amp) {
  const torch::Tensor a = amp.to(torch::kFloat64);
  const int64_t n = a.size(0);
  const torch::Tensor centre = a.slice(0, 1, n - 1).slice(1, 1, n - 1);
  torch::Tensor is_max = torch::ones_like(centre, torch::kBool);
  for (int dr = -1; dr <= 1; ++dr) {
    for (int dc = -1; dc <= 1; ++dc) {
      if (dr == 0 && dc == 0) continue;
      is_max = is_max & (centre > a.slice(0, 1 + dr, n - 1 + dr).slice(1, 1 + dc, n - 1 + dc));
    }
  }
  return is_max.to(torch::kFloat64).mean().item<double>();
}

TEST(ObjectKind, EachKindRoundTripsThroughItsSpelling) {
  EXPECT_EQ(to_string(ObjectKind::kLines), "lines");
  EXPECT_EQ(to_string(ObjectKind::kGrf), "grf");
  EXPECT_EQ(to_string(ObjectKind::kPoints), "points");
  EXPECT_EQ(to_string(ObjectKind::kDiagonals), "diagonals");
  for (ObjectKind k : kAllKinds) EXPECT_EQ(parse_object_kind(to_string(k)), k);
}

TEST(ObjectKind, AnUnknownSpellingIsRejectedWithTheValidValues) {
  const std::string msg = error_of([] { parse_object_kind("testimg"); });
  EXPECT_NE(msg.find("testimg"), std::string::npos) << msg;
  EXPECT_NE(msg.find("lines, grf, points, diagonals"), std::string::npos) << msg;
}

TEST(MakeObject, EveryKindGivesASizeBySizeComplex64Object) {
  for (ObjectKind k : kAllKinds) {
    const torch::Tensor obj = make_object(k, 70, 1);
    EXPECT_EQ(obj.sizes(), (std::vector<int64_t>{70, 70})) << to_string(k);
    EXPECT_EQ(obj.scalar_type(), torch::kComplexFloat) << to_string(k);
    EXPECT_TRUE(torch::isfinite(torch::abs(obj)).all().item<bool>()) << to_string(k);
  }
}

TEST(MakeObject, TheSameSeedGivesABitIdenticalObjectAndAnotherSeedADifferentOne) {
  ObjectOptions opts;
  opts.set_phi = true;
  for (ObjectKind k : kAllKinds) {
    const torch::Tensor a = make_object(k, 64, 11, opts), b = make_object(k, 64, 11, opts);
    const torch::Tensor c = make_object(k, 64, 12, opts);
    EXPECT_TRUE(torch::equal(a, b)) << to_string(k);
    EXPECT_FALSE(torch::equal(a, c)) << to_string(k);
  }
}

TEST(MakeObject, WithoutSetPhiThePhaseIsZeroAndTheAmplitudeNonNegative) {
  for (ObjectKind k : kAllKinds) {
    const torch::Tensor obj = make_object(k, 64, 3);
    EXPECT_TRUE(torch::equal(torch::imag(obj), torch::zeros({64, 64}))) << to_string(k);
    EXPECT_GE(torch::real(obj).min().item<double>(), 0.0) << to_string(k);
    EXPECT_GT(torch::real(obj).max().item<double>(), 0.0) << to_string(k);
  }
}

TEST(MakeObject, AmplitudesStayWithinTheirGeneratorsBounds) {
  // lines: a 0/1 canvas through filters of total weight 1 + 2 + 5 = 8; diagonals: at most 1 + 5 = 6;
  // grf: normalised to [0, 1] before convex resampling and smoothing.
  EXPECT_LE(make_object_amplitude(ObjectKind::kLines, 96, 5).max().item<double>(), 8.0 + 1e-5);
  EXPECT_LE(make_object_amplitude(ObjectKind::kDiagonals, 96, 5).max().item<double>(), 6.0 + 1e-5);
  const torch::Tensor grf = make_object_amplitude(ObjectKind::kGrf, 128, 5);
  EXPECT_GE(grf.min().item<double>(), 0.0);
  EXPECT_LE(grf.max().item<double>(), 1.0 + 1e-6);
  EXPECT_GT(grf.max().item<double>() - grf.min().item<double>(), 0.3);  // uses most of the range
}

TEST(MakeObject, SetPhiGivesThePhaseOfTheReferenceTanhFormula) {
  ObjectOptions opts;
  opts.set_phi = true;
  // grf spans about [0, 1], so amplitudes fall on both sides of max/2 and the phase takes both signs.
  const torch::Tensor obj = make_object(ObjectKind::kGrf, 96, 9, opts);
  const torch::Tensor amp = make_object_amplitude(ObjectKind::kGrf, 96, 9);
  const torch::Tensor expected = kPi * torch::tanh((amp - amp.max() / 2.0) / (3.0 * amp.mean()));
  const torch::Tensor phase = torch::angle(obj);
  EXPECT_TRUE(torch::allclose(torch::abs(obj), amp, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(phase, expected, 1e-4, 1e-4));
  EXPECT_GT(phase.min().item<double>(), -kPi);
  EXPECT_LT(phase.max().item<double>(), kPi);
  EXPECT_LT(phase.min().item<double>(), 0.0);  // the formula is centred on max/2
  EXPECT_GT(phase.max().item<double>(), 0.0);
}

TEST(MakeObject, DiagonalsContainFullLengthAxisLinesThatPointsLack) {
  // Vertical lines span whole columns, so the column means of the fine detail carry much of its
  // variance; isotropic points average out in every column.
  const double diagonals =
      column_mean_variance_ratio(high_pass(make_object_amplitude(ObjectKind::kDiagonals, 128, 2)));
  const double points =
      column_mean_variance_ratio(high_pass(make_object_amplitude(ObjectKind::kPoints, 128, 2)));
  EXPECT_GT(diagonals, 0.1);
  EXPECT_LT(points, 0.03);
}

TEST(MakeObject, DiagonalsAreAnisotropicAlongTheAxesComparedWithGrf) {
  // Horizontal and vertical lines: row and column means of the fine detail carry far more of its
  // variance than for an isotropic random field.
  const torch::Tensor d = high_pass(make_object_amplitude(ObjectKind::kDiagonals, 128, 4));
  const torch::Tensor g = high_pass(make_object_amplitude(ObjectKind::kGrf, 128, 4));
  const double d_ratio = column_mean_variance_ratio(d) + column_mean_variance_ratio(d.t());
  const double g_ratio = column_mean_variance_ratio(g) + column_mean_variance_ratio(g.t());
  EXPECT_GT(d_ratio, 4.0 * g_ratio);
}

TEST(MakeObject, LinesAreLocallyOneDimensionalUnlikePointsOrGrf) {
  // 400 lines on a (2·size)² canvas cover about 100/size of it, so at small sizes they crowd into a
  // mesh; at 512 (≈ 20 %) the individual ridges are clear.
  const double lines = mean_coherence(high_pass(make_object_amplitude(ObjectKind::kLines, 512, 6)));
  const double points = mean_coherence(high_pass(make_object_amplitude(ObjectKind::kPoints, 512, 6)));
  const double grf = mean_coherence(high_pass(make_object_amplitude(ObjectKind::kGrf, 512, 6)));
  EXPECT_GT(lines, 0.45);
  EXPECT_GT(lines, 1.5 * points);
  EXPECT_GT(lines, 1.3 * grf);
}

TEST(MakeObject, PointsHitOneTenthOfThePixelsAsTheConservedMassShows) {
  // The reflect-mode filters conserve the total, so mean amplitude = (1 + 5) · int(0.1·size²) / size²:
  // the sparse hit count of the points generator is visible exactly in the blurred object.
  for (int64_t size : {int64_t{64}, int64_t{100}}) {
    const double hits = std::floor(0.1 * static_cast<double>(size * size));
    const double expected = 6.0 * hits / static_cast<double>(size * size);
    const double mean =
        make_object_amplitude(ObjectKind::kPoints, size, 8).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(mean, expected, 1e-5) << size;
  }
  const double peaks = local_maximum_fraction(make_object_amplitude(ObjectKind::kPoints, 128, 6));
  EXPECT_GT(peaks, 0.002);  // separate blobs survive the blur, but far from every pixel is one
  EXPECT_LT(peaks, 0.1);
}

TEST(GaussianRandomField, ThePowerSpectrumFallsWithTheConfiguredExponent) {
  for (double power : {0.4, 2.0}) {
    const int64_t n = 256;
    torch::Tensor mean_power = torch::zeros({n, n}, torch::kFloat64);
    for (uint64_t seed = 0; seed < 4; ++seed) {
      mean_power += torch::abs(torch::fft::fft2(gaussian_random_field(n, power, seed))).square();
    }
    const torch::Tensor freq = torch::fft::fftfreq(n, torch::kFloat64) * static_cast<double>(n);
    const torch::Tensor k = torch::sqrt(freq.unsqueeze(1).square() + freq.unsqueeze(0).square());
    // Fit log P against log k over the band 4 <= k < 64 (cycles per field), radially binned.
    std::vector<double> lx, ly;
    for (int kb = 4; kb < 64; ++kb) {
      const torch::Tensor ring = (k >= kb) & (k < kb + 1);
      lx.push_back(std::log(kb + 0.5));
      ly.push_back(std::log(mean_power.masked_select(ring).mean().item<double>()));
    }
    double mx = 0, my = 0;
    for (size_t i = 0; i < lx.size(); ++i) mx += lx[i] / lx.size(), my += ly[i] / ly.size();
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < lx.size(); ++i)
      sxy += (lx[i] - mx) * (ly[i] - my), sxx += (lx[i] - mx) * (lx[i] - mx);
    EXPECT_NEAR(sxy / sxx, -power, 0.1) << "power " << power;
  }
}

TEST(MakeObject, SizesOutside64To4096AreRejectedNamingSize) {
  for (int64_t size : {int64_t{63}, int64_t{4097}, int64_t{0}}) {
    const std::string msg = error_of([&] { make_object(ObjectKind::kGrf, size, 1); });
    EXPECT_NE(msg.find("make_object: size = " + std::to_string(size)), std::string::npos) << msg;
  }
}

TEST(MakeObject, AnInvalidGrfPowerIsRejectedNamingIt) {
  ObjectOptions opts;
  opts.grf_power = -1.0;
  const std::string msg = error_of([&] { make_object(ObjectKind::kGrf, 64, 1, opts); });
  EXPECT_NE(msg.find("grf_power = -1"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ptychopinn::simulate
