#include "ptychopinn/data/dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "support/run_command.h"
#include "support/tiny_dataset.h"

namespace ptychopinn::data {
namespace {

using testing::TempDir;
using testing::TinyDatasetOptions;
using testing::write_tiny_dataset;

Dataset load(const TinyDatasetOptions& o, const DatasetOptions& d = {}) {
  TempDir dir;
  const std::string path = dir.file("d.npz");
  write_tiny_dataset(path, o);
  return load_dataset(path, d);  // the dataset keeps the file mapped; unlinking it is fine on POSIX
}

std::vector<float> pattern(const Dataset& d, std::int64_t i) {
  std::vector<float> p(static_cast<std::size_t>(d.pattern_size() * d.pattern_size()));
  d.copy_pattern(i, p.data());
  return p;
}

TEST(Dataset, LoadsEveryContractKeyWithExplicitDtypes) {
  TinyDatasetOptions o;
  o.include_object = true;
  const Dataset d = load(o);
  EXPECT_EQ(d.size(), 9);
  EXPECT_EQ(d.pattern_size(), 8);
  EXPECT_EQ(d.diffraction_key(), "diff3d");
  EXPECT_EQ(d.x()[1], 14.0);
  EXPECT_EQ(d.y()[3], 14.0);
  EXPECT_EQ(d.x_start(), d.x());  // no start coordinates in the file: they default to the positions
  EXPECT_EQ(d.scan_index(), std::vector<std::int64_t>(9, 0));
  EXPECT_EQ(d.probe().sizes(), (std::vector<std::int64_t>{8, 8}));
  EXPECT_EQ(d.probe().scalar_type(), torch::kComplexFloat);
  ASSERT_TRUE(d.object().has_value());
  EXPECT_EQ(d.object()->scalar_type(), torch::kComplexFloat);
  EXPECT_EQ(d.metadata_nphotons(), 1e9);
  EXPECT_TRUE(d.patterns_mapped());  // stored float32 [M, N, N]: read from the mapping
  EXPECT_TRUE(d.warnings().empty());
}

TEST(Dataset, ArraysInMemoryLoadAsTheFileWithTheSameChecks) {
  TempDir dir;
  const std::string path = dir.file("d.npz");
  write_tiny_dataset(path);
  const Dataset from_file = load_dataset(path);
  const io::NpzReader file(path);
  std::vector<std::pair<std::string, io::NpyArray>> members;
  for (const auto& key : file.keys()) members.emplace_back(key, file.read(key));
  const Dataset from_arrays = load_dataset(io::NpzReader::from_arrays("Dataset(tiny)", members));
  EXPECT_EQ(from_arrays.path(), "Dataset(tiny)");
  EXPECT_EQ(from_arrays.x(), from_file.x());
  EXPECT_EQ(pattern(from_arrays, 4), pattern(from_file, 4));
  EXPECT_TRUE(torch::equal(from_arrays.probe(), from_file.probe()));
  // A bad array is refused as a bad member would be, naming the dataset and the key.
  for (auto& [key, array] : members) {
    if (key == "xcoords") array = io::from_tensor(torch::full({9}, std::nan(""), torch::kFloat64));
  }
  try {
    load_dataset(io::NpzReader::from_arrays("Dataset(tiny)", members));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Dataset(tiny)"), std::string::npos) << e.what();
  }
}

TEST(Dataset, ConvertsOtherDtypesAndTheLegacyLayoutToTheSamePatterns) {
  const Dataset ref = load({});
  TinyDatasetOptions legacy;
  legacy.legacy_layout = true;
  legacy.diffraction_key = "diffraction";
  const Dataset l = load(legacy);
  EXPECT_FALSE(l.patterns_mapped());
  TinyDatasetOptions f64;
  f64.diffraction_dtype = "float64";
  const Dataset d = load(f64);
  for (std::int64_t i : {0, 4, 8}) {
    EXPECT_EQ(pattern(l, i), pattern(ref, i)) << i;
    EXPECT_EQ(pattern(d, i), pattern(ref, i)) << i;
  }
  TinyDatasetOptions u16;
  u16.diffraction_dtype = "uint16";
  const Dataset u = load(u16);
  EXPECT_EQ(u.warnings().size(), 1u);  // integer patterns look like counts
  EXPECT_NE(u.warnings()[0].find("looks like intensity"), std::string::npos);
}

TEST(Dataset, ValidationErrorsNameTheFileAndKey) {
  TempDir dir;
  const std::string path = dir.file("bad.npz");
  TinyDatasetOptions o;
  o.ycoords_length = 5;
  write_tiny_dataset(path, o);
  try {
    load_dataset(path);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'xcoords' has 9 entries and 'ycoords' 5"), std::string::npos)
        << e.what();
  }
  TinyDatasetOptions neg;
  neg.negative_value = true;
  write_tiny_dataset(path, neg);
  EXPECT_THROW(load_dataset(path), std::invalid_argument);
  TinyDatasetOptions counts;
  counts.as_intensity = true;
  write_tiny_dataset(path, counts);
  EXPECT_NO_THROW(load_dataset(path));
  DatasetOptions strict;
  strict.strict = true;
  EXPECT_THROW(load_dataset(path, strict), std::invalid_argument);
}

TEST(Dataset, SubsamplesASortedSeededSubset) {
  DatasetOptions o;
  o.n_subsample = 4;
  o.subsample_seed = 5;
  const Dataset a = load({}, o);
  EXPECT_EQ(a.size(), 4);
  EXPECT_EQ(a.file_size(), 9);
  const auto& idx = a.sample_indices();
  EXPECT_TRUE(std::is_sorted(idx.begin(), idx.end()));
  EXPECT_EQ(load({}, o).sample_indices(), idx);  // same seed, same subset
  bool differs = false;
  for (std::uint64_t seed = 6; seed < 12 && !differs; ++seed) {
    o.subsample_seed = seed;
    differs = load({}, o).sample_indices() != idx;
  }
  EXPECT_TRUE(differs);
  // The kept points carry their own coordinates and patterns.
  const Dataset full = load({});
  for (std::int64_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.x()[i], full.x()[idx[i]]);
    EXPECT_EQ(pattern(a, i), pattern(full, idx[i]));
  }
  o.n_subsample = 100;  // more than the file holds: everything
  EXPECT_EQ(load({}, o).size(), 9);
}

// Streaming readers hand back the pages of the patterns they are done with; the patterns read the
// same afterwards (they come from the file again), subsampled or not, and in-memory patterns are
// untouched.
TEST(Dataset, ReleasedPatternsReadTheSameAgain) {
  TinyDatasetOptions big;
  big.n_images = 40;
  big.pattern_size = 64;  // 16 KiB a pattern: several whole pages each
  const Dataset d = load(big);
  ASSERT_TRUE(d.patterns_mapped());
  std::vector<std::vector<float>> before;
  for (std::int64_t i = 0; i < d.size(); ++i) before.push_back(pattern(d, i));
  d.release_patterns_before(17);
  d.release_patterns_before(30, 17);
  d.release_patterns_before(1000, 30);  // past the end: everything
  d.release_patterns_before(3, 5);      // nothing: an empty range
  for (std::int64_t i = 0; i < d.size(); ++i)
    EXPECT_EQ(pattern(d, i), before[static_cast<std::size_t>(i)]) << i;

  DatasetOptions sub;
  sub.n_subsample = 11;
  const Dataset s = load(big, sub);
  s.release_patterns_before(s.size());
  for (std::int64_t i = 0; i < s.size(); ++i) {
    EXPECT_EQ(pattern(s, i),
              before[static_cast<std::size_t>(s.sample_indices()[static_cast<std::size_t>(i)])]);
  }
  big.diffraction_dtype = "float64";  // converted in memory: nothing to release
  const Dataset in_memory = load(big);
  ASSERT_FALSE(in_memory.patterns_mapped());
  in_memory.release_patterns_before(in_memory.size());
  EXPECT_EQ(pattern(in_memory, 7), before[7]);
}

TEST(Dataset, ReadsStartCoordinatesWhenPresent) {
  TinyDatasetOptions o;
  o.include_start = true;
  const Dataset d = load(o);
  EXPECT_EQ(d.x_start()[0], d.x()[0] + 0.5);
  EXPECT_EQ(d.y_start()[2], d.y()[2] + 0.5);
}

TEST(Dataset, RefusesAnArchiveThatIsNotADataset) {
  TempDir dir;
  const std::string path = dir.file("w.npz");
  const float v[] = {1};
  io::write_npz(path, {{"weights", io::NpyArray::from_data<float>({1}, v)}});
  try {
    load_dataset(path);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not a dataset"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("weights"), std::string::npos);
  }
}

// A three-pattern N = 8 dataset with a bad_pixels member of the given shape and dtype.
std::string write_with_mask(const TempDir& dir, const torch::Tensor& mask) {
  const std::string path = dir.file("d.npz");
  io::NpzWriter w(path, false);
  const std::vector<double> x = {4, 5, 6};
  w.add("diffraction", io::from_tensor(torch::ones({3, 8, 8})));
  w.add("xcoords", io::NpyArray::from_data<double>({3}, x.data()));
  w.add("ycoords", io::NpyArray::from_data<double>({3}, x.data()));
  w.add("probeGuess", io::from_tensor(torch::ones({8, 8}, torch::kComplexFloat)));
  if (mask.defined()) w.add("bad_pixels", io::from_tensor(mask.contiguous()));
  w.close();
  return path;
}

TEST(Dataset, ReadsTheOptionalBadPixelMaskAndRejectsAMalformedOne) {
  TempDir dir;
  EXPECT_FALSE(load_dataset(write_with_mask(dir, torch::Tensor())).bad_pixels().has_value());
  torch::Tensor mask = torch::zeros({8, 8}, torch::kUInt8);
  mask[4][5] = 1;
  const Dataset d = load_dataset(write_with_mask(dir, mask));
  ASSERT_TRUE(d.bad_pixels().has_value());
  EXPECT_EQ(d.bad_pixels()->scalar_type(), torch::kBool);
  EXPECT_EQ(d.bad_pixels()->sum().item<int64_t>(), 1);
  EXPECT_TRUE((*d.bad_pixels())[4][5].item<bool>());
  const auto message = [&](const torch::Tensor& bad) {
    const std::string path = write_with_mask(dir, bad);
    try {
      load_dataset(path);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message(torch::zeros({4, 4}, torch::kBool)),
            dir.file("d.npz") +
                ": key 'bad_pixels' has shape [4, 4]; expected [N, N] with N = 8 (the patterns' size)");
  EXPECT_EQ(
      message(torch::zeros({8, 8})),
      dir.file("d.npz") + ": key 'bad_pixels' has dtype float32; expected bool or uint8 (true = bad pixel)");
}

}  // namespace
}  // namespace ptychopinn::data
