#include "ptychopinn/eval/ssim.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "ptychopinn/physics/gaussian_filter.h"
#include "support/run_command.h"

namespace ptychopinn::eval {
namespace {

struct SsimCase {
  std::string name;
  torch::Tensor a, b;  // [H, W] float64
  double data_range;
  double sigma;  // MS-SSIM smoothing
};

std::vector<SsimCase> cases() {
  torch::manual_seed(17);
  std::vector<SsimCase> out;
  out.push_back(
      {"uniform", torch::rand({64, 64}, torch::kDouble), torch::rand({64, 64}, torch::kDouble), 1.0, 0.0});
  const auto a = torch::rand({37, 50}, torch::kDouble);
  out.push_back({"correlated_odd_shape", a, a + 0.1 * torch::randn({37, 50}, torch::kDouble), 1.3, 1.0});
  const auto smooth = physics::gaussian_filter(torch::randn({96, 80}, torch::kDouble), 2.0);
  const double range = (smooth.max() - smooth.min()).item<double>();
  out.push_back({"smooth_multiscale", smooth, 0.8 * smooth + 0.05 * torch::randn({96, 80}, torch::kDouble),
                 range, 1.0});
  out.push_back(
      {"window_sized", torch::rand({7, 9}, torch::kDouble), torch::rand({7, 9}, torch::kDouble), 2.0, 0.0});
  const auto noise = 0.3 * torch::randn({40, 40}, torch::kDouble);
  out.push_back({"anticorrelated", 1 + noise, 1 - noise, 1.0, 0.0});
  return out;
}

void write_raw(const std::string& path, const torch::Tensor& image) {
  const auto data = image.to(torch::kDouble).contiguous();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data.data_ptr<double>()),
            static_cast<std::streamsize>(data.numel() * sizeof(double)));
}

bool skimage_available() {
  const std::string command = std::string(PTYCHOPINN_PYTHON3) + " -c 'import skimage, scipy' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

// name -> (skimage SSIM, reference MS-SSIM) computed by tests/eval/skimage_oracle.py.
std::map<std::string, std::pair<double, double>> oracle(const std::vector<SsimCase>& all, std::string* log) {
  testing::TempDir dir;
  std::ofstream list(dir.file("cases.txt"));
  list.precision(17);
  for (const auto& c : all) {
    write_raw(dir.file(c.name + "_a.bin"), c.a);
    write_raw(dir.file(c.name + "_b.bin"), c.b);
    list << c.name << ' ' << c.a.size(0) << ' ' << c.a.size(1) << ' ' << c.data_range << ' ' << c.sigma
         << '\n';
  }
  list.close();
  const auto result = testing::run_command(std::string(PTYCHOPINN_PYTHON3) + " '" + PTYCHOPINN_SOURCE_DIR +
                                           "/tests/eval/skimage_oracle.py' '" + dir.path() + "'");
  *log = result.out + result.err;
  std::map<std::string, std::pair<double, double>> values;
  if (result.exit_code != 0) return values;
  std::istringstream lines(result.out);
  std::string name;
  double s = 0, m = 0;
  while (lines >> name >> s >> m) values[name] = {s, m};
  return values;
}

TEST(Ssim, EqualsScikitImageStructuralSimilarityAndTheReferenceMsSsim) {
  if (!skimage_available()) {
    GTEST_SKIP() << PTYCHOPINN_PYTHON3 << " cannot import skimage and scipy (install python3-skimage); "
                 << "the comparison with scikit-image needs them";
  }
  const auto all = cases();
  std::string log;
  const auto expected = oracle(all, &log);
  ASSERT_EQ(expected.size(), all.size()) << log;
  for (const auto& c : all) {
    SCOPED_TRACE(c.name);
    EXPECT_NEAR(ssim(c.a, c.b, c.data_range), expected.at(c.name).first, 1e-6);
    EXPECT_NEAR(ms_ssim(c.a, c.b, c.sigma), expected.at(c.name).second, 1e-6);
  }
}

TEST(Ssim, OfAnImageWithItselfIsOne) {
  torch::manual_seed(2);
  const auto a = torch::rand({30, 41}, torch::kFloat);
  EXPECT_NEAR(ssim(a, a, 1.0), 1.0, 1e-12);
  EXPECT_NEAR(ms_ssim(a, a, 0.0), 1.0, 1e-12);
  EXPECT_NEAR(ms_ssim(a, a, 1.0), 1.0, 1e-12);
}

TEST(Ssim, FloorsNegativeLevelsInMsSsim) {
  // Same local means, opposite white-noise structure: every level's SSIM is close to -1, so each
  // enters as 1e-4^w; the images (40 -> 20 -> 10 -> 5) stop after the third level.
  torch::manual_seed(8);
  const auto noise = 0.3 * torch::randn({40, 40}, torch::kDouble);
  EXPECT_LT(ssim(1 + noise, 1 - noise, 1.0), -0.5);
  EXPECT_NEAR(ms_ssim(1 + noise, 1 - noise, 0.0), std::pow(1e-4, 0.0448 + 0.2856 + 0.3001), 1e-12);
}

TEST(Ssim, RejectsImagesSmallerThanTheWindowAndBadRanges) {
  EXPECT_THROW(ssim(torch::rand({6, 10}), torch::rand({6, 10}), 1.0), std::invalid_argument);
  EXPECT_THROW(ssim(torch::rand({8, 8}), torch::rand({8, 9}), 1.0), std::invalid_argument);
  EXPECT_THROW(ssim(torch::rand({8, 8}), torch::rand({8, 8}), -1.0), std::invalid_argument);
  EXPECT_THROW(ms_ssim(torch::rand({8, 8}), torch::rand({8, 8}), NAN), std::invalid_argument);
}

}  // namespace
}  // namespace ptychopinn::eval
