#include "ptychopinn/data/contract.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <complex>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "support/run_command.h"
#include "support/tiny_dataset.h"

namespace ptychopinn::data {
namespace {

using testing::TempDir;
using testing::TinyDatasetOptions;
using testing::write_tiny_dataset;

ContractReport check(const TinyDatasetOptions& o, bool strict = false) {
  TempDir dir;
  const std::string path = dir.file("d.npz");
  write_tiny_dataset(path, o);
  ContractOptions options;
  options.strict = strict;
  return check_dataset_contract(io::NpzReader(path), options);
}

bool has_error_mentioning(const ContractReport& r, const std::string& text) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const ContractFinding& f) {
    return f.severity == Severity::kError && f.message.find(text) != std::string::npos;
  });
}

TEST(DatasetContract, AcceptsAValidDataset) {
  const ContractReport r = check({});
  EXPECT_TRUE(r.is_dataset);
  EXPECT_TRUE(r.ok()) << r.to_json().dump(2);
  EXPECT_EQ(r.diffraction_key, "diff3d");
  EXPECT_EQ(r.n_images, 9);
  EXPECT_EQ(r.pattern_size, 8);
  EXPECT_FALSE(r.amplitude.looks_like_intensity);
  EXPECT_TRUE(r.missing_required.empty());
  EXPECT_NE(std::find(r.missing_optional.begin(), r.missing_optional.end(), "objectGuess"),
            r.missing_optional.end());
}

TEST(DatasetContract, AcceptsTheDiffractionKeyAndTheLegacyLayout) {
  TinyDatasetOptions o;
  o.diffraction_key = "diffraction";
  o.legacy_layout = true;
  const ContractReport r = check(o);
  EXPECT_TRUE(r.ok()) << r.to_json().dump(2);
  EXPECT_EQ(r.diffraction_key, "diffraction");
  EXPECT_TRUE(r.legacy_layout);
  EXPECT_EQ(r.n_images, 9);
}

TEST(DatasetContract, NamesAMissingRequiredKey) {
  TinyDatasetOptions o;
  o.include_probe = false;
  const ContractReport r = check(o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.missing_required, std::vector<std::string>{"probeGuess"});
  EXPECT_TRUE(has_error_mentioning(r, "'probeGuess' is missing"));
}

TEST(DatasetContract, RejectsCoordinatesOfUnequalLength) {
  TinyDatasetOptions o;
  o.ycoords_length = 7;
  const ContractReport r = check(o);
  EXPECT_TRUE(has_error_mentioning(r, "'xcoords' has 9 entries and 'ycoords' 7"));
}

TEST(DatasetContract, RejectsNaNCoordinatesAndNegativeAmplitudes) {
  TinyDatasetOptions o;
  o.nan_coordinate = true;
  o.negative_value = true;
  const ContractReport r = check(o);
  EXPECT_TRUE(has_error_mentioning(r, "key 'xcoords' holds 1 NaN"));
  EXPECT_TRUE(has_error_mentioning(r, "key 'diff3d' holds 1 negative values"));
}

TEST(DatasetContract, WarnsAboutIntensityAndFailsWhenStrict) {
  TinyDatasetOptions o;
  o.as_intensity = true;
  const ContractReport lenient = check(o);
  EXPECT_TRUE(lenient.ok());
  EXPECT_TRUE(lenient.amplitude.looks_like_intensity);
  EXPECT_EQ(lenient.count(Severity::kWarning), 1);
  const ContractReport strict = check(o, /*strict=*/true);
  EXPECT_FALSE(strict.ok());
  EXPECT_TRUE(has_error_mentioning(strict, "looks like intensity"));
}

// Realistic amplitudes (non-integral, peak 150 x the mean, as a compact probe's far field at high
// dose) pass; a peak 2000 x the mean is taken for intensity.
TEST(DatasetContract, PeakToMeanRatioFlagsIntensityFrom1000) {
  TempDir dir;
  constexpr int n = 64, pixels = n * n;
  auto ratio_check = [&](double ratio) {
    const std::string path = dir.file("r.npz");
    constexpr float background = 0.37f;
    std::vector<float> diff(2 * pixels, background);
    // One peak p per pattern with p / ((pixels - 1) * background + p) * pixels = ratio.
    const float p = static_cast<float>((pixels - 1) * background * ratio / (pixels - ratio));
    diff[0] = p;
    diff[pixels] = p;
    const std::vector<double> xy = {40.5, 41.5};
    std::vector<std::complex<float>> probe(pixels, {0.5f, 0.0f});
    io::NpzWriter w(path);
    w.add("diffraction", io::NpyArray::from_data<float>({2, n, n}, diff.data()));
    w.add("xcoords", io::NpyArray::from_data<double>({2}, xy.data()));
    w.add("ycoords", io::NpyArray::from_data<double>({2}, xy.data()));
    w.add("probeGuess", io::NpyArray::from_data<std::complex<float>>({n, n}, probe.data()));
    w.close();
    return check_dataset_contract(io::NpzReader(path));
  };
  const auto realistic = ratio_check(150);
  EXPECT_NEAR(realistic.amplitude.max_over_mean, 150, 0.5);
  EXPECT_FALSE(realistic.amplitude.looks_like_intensity);
  const auto peaky = ratio_check(2000);
  EXPECT_NEAR(peaky.amplitude.max_over_mean, 2000, 5);
  EXPECT_TRUE(peaky.amplitude.looks_like_intensity);
}

TEST(DatasetContract, SaysWhenAnArchiveIsNotADataset) {
  TempDir dir;
  const std::string path = dir.file("other.npz");
  const double v[] = {1, 2};
  io::write_npz(path, {{"weights", io::NpyArray::from_data<double>({2}, v)}});
  const ContractReport r = check_dataset_contract(io::NpzReader(path));
  EXPECT_FALSE(r.is_dataset);
  EXPECT_EQ(r.to_json()["dataset"], false);
}

}  // namespace
}  // namespace ptychopinn::data
