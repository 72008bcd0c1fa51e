#include "ptychopinn/convert/tike_scan.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ptychopinn/data/contract.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/util/errors.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::convert {
namespace {

using testing::error_of;
using testing::TempDir;

struct TikeArrays {
  torch::Tensor data = torch::zeros({1, 3, 8, 8});
  torch::Tensor probe = torch::ones({1, 1, 1, 1, 8, 8}, torch::kComplexFloat);
  torch::Tensor scan = torch::tensor({-2.0f, -4.0f, 0.0f, 0.0f, 2.0f, 6.0f}).reshape({1, 3, 2});
};

// Counts with the DC term at [0, 0] (tike's layout): frame k has k + 1 photons there, 1 elsewhere.
TikeArrays example() {
  TikeArrays a;
  a.data.fill_(1.0);
  for (int k = 0; k < 3; ++k) a.data[0][k][0][0] = 100.0 * (k + 1);
  return a;
}

std::string write(const TempDir& dir, const TikeArrays& a, const std::string& name, bool with_scan = true) {
  const auto path = dir.file(name);
  io::NpzWriter w(path);
  w.add("data", io::from_tensor(a.data));
  w.add("probe", io::from_tensor(a.probe));
  if (with_scan) w.add("scan", io::from_tensor(a.scan));
  w.close();
  return path;
}

TEST(TikeScan, ReadsAndSqueezesTheLeadingAxes) {
  TempDir dir;
  const auto s = read_tike_scan(write(dir, example(), "t.npz"));
  EXPECT_EQ(s.counts.sizes(), (std::vector<int64_t>{3, 8, 8}));
  EXPECT_EQ(s.probe.sizes(), (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(s.positions_rc.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(s.notes.empty());
}

TEST(TikeScan, ReadsABzip2File) {
  TempDir dir;
  const auto path = write(dir, example(), "t.npz");
  ASSERT_EQ(std::system(("bzip2 -k " + path).c_str()), 0);
  const auto s = read_tike_scan(path + ".bz2");
  EXPECT_TRUE(torch::equal(s.counts, read_tike_scan(path).counts));
}

TEST(TikeScan, TruncatedBzip2IsAnIoErrorNamingTheFile) {
  TempDir dir;
  const auto path = write(dir, example(), "t.npz");
  ASSERT_EQ(
      std::system(("bzip2 -k " + path + " && head -c 200 " + path + ".bz2 > " + path + ".cut.bz2").c_str()),
      0);
  try {
    read_tike_scan(path + ".cut.bz2");
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("t.npz.cut.bz2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

TEST(TikeScan, BadFilesSayWhichKeyAndWhatWasExpected) {
  TempDir dir;
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, example(), "a.npz", false)); }).find("has no 'scan'"),
            std::string::npos);
  auto a = example();
  a.data[0][1][3][3] = -1;
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "b.npz")); }).find("'data' has negative counts"),
            std::string::npos);
  a = example();
  a.data[0][1][3][3] = std::nan("");
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "c.npz")); }).find("NaN"), std::string::npos);
  a = example();
  a.scan = torch::zeros({1, 2, 2});
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "d.npz")); }).find("one (row, column) per pattern"),
            std::string::npos);
  a = example();
  a.probe = torch::ones({1, 1, 1, 1, 4, 4}, torch::kComplexFloat);
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "e.npz")); }).find("the pattern size 8 x 8"),
            std::string::npos);
  a = example();
  a.data = torch::ones({2, 3, 8, 8});
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "f.npz")); }).find("leading axes of size 1"),
            std::string::npos);
  a = example();
  a.probe = torch::ones({1, 1, 1, 1, 8, 8});
  EXPECT_NE(error_of([&] { read_tike_scan(write(dir, a, "g.npz")); }).find("'probe' has dtype"),
            std::string::npos);
}

TEST(TikeScan, ExtraProbeModesKeepTheFirstWithANote) {
  TempDir dir;
  auto a = example();
  a.probe = torch::ones({1, 1, 1, 2, 8, 8}, torch::kComplexFloat);
  const auto s = read_tike_scan(write(dir, a, "m.npz"));
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].find("using the first"), std::string::npos);
}

TEST(ContractFromTike, MovesDcToTheCentreAndPositionsIntoTheCanvas) {
  TempDir dir;
  const auto d = contract_from_tike(read_tike_scan(write(dir, example(), "t.npz")), {});
  ASSERT_EQ(d.diffraction.sizes(), (std::vector<int64_t>{3, 8, 8}));
  EXPECT_FLOAT_EQ(d.diffraction[2][4][4].item<float>(), std::sqrt(300.0f));
  EXPECT_FLOAT_EQ(d.diffraction[2][0][0].item<float>(), 1.0f);
  // scan rows -2, 0, 2 and columns -4, 0, 6 -> y = 4, 6, 8 and x = 4, 8, 14 (the smallest is N/2).
  EXPECT_EQ(d.xcoords, (std::vector<double>{4, 8, 14}));
  EXPECT_EQ(d.ycoords, (std::vector<double>{4, 6, 8}));
  const double mean_total = (63 + 100 + 63 + 200 + 63 + 300) / 3.0;
  EXPECT_NEAR(d.metadata["physics_parameters"]["nphotons"].get<double>(), mean_total, 1e-9);
  EXPECT_EQ(d.metadata["source"]["format"], "tike");
}

TEST(ContractFromTike, CropHalvesPositionsAndKeepsDc) {
  TempDir dir;
  TikeConvertOptions o;
  o.crop = 4;
  const auto d = contract_from_tike(read_tike_scan(write(dir, example(), "t.npz")), o);
  ASSERT_EQ(d.diffraction.sizes(), (std::vector<int64_t>{3, 4, 4}));
  EXPECT_FLOAT_EQ(d.diffraction[0][2][2].item<float>(), 10.0f);
  EXPECT_EQ(d.xcoords, (std::vector<double>{2, 4, 7}));
  EXPECT_EQ(d.ycoords, (std::vector<double>{2, 3, 4}));
  EXPECT_EQ(d.probe.sizes(), (std::vector<int64_t>{4, 4}));
  EXPECT_EQ(d.metadata["source"]["object_pixel_scale"].get<double>(), 2.0);
  EXPECT_NE(error_of([&] {
              o.crop = 3;
              contract_from_tike(read_tike_scan(write(dir, example(), "u.npz")), o);
            }).find("even"),
            std::string::npos);
}

TEST(ContractFromTike, SubsetsShareTheWholeScansCanvas) {
  TempDir dir;
  const auto scan = read_tike_scan(write(dir, example(), "t.npz"));
  TikeConvertOptions o;
  o.subsample_every = 2;
  o.subsample_index = 1;
  const auto odd = contract_from_tike(scan, o);
  ASSERT_EQ(odd.diffraction.size(0), 1);
  EXPECT_FLOAT_EQ(odd.diffraction[0][4][4].item<float>(), std::sqrt(200.0f));
  EXPECT_EQ(odd.xcoords, (std::vector<double>{8}));
  EXPECT_EQ(odd.ycoords, (std::vector<double>{6}));
  o.subsample_index = 0;
  const auto even = contract_from_tike(scan, o);
  EXPECT_EQ(even.xcoords, (std::vector<double>{4, 14}));
  o.subsample_index = 2;
  EXPECT_NE(error_of([&] { contract_from_tike(scan, o); }).find("expected K:R"), std::string::npos);
}

TEST(ContractFromTike, WritesAFileTheContractCheckAccepts) {
  TempDir dir;
  const auto d = contract_from_tike(read_tike_scan(write(dir, example(), "t.npz")), {});
  const auto out = dir.file("contract.npz");
  write_contract_npz(out, d);
  const io::NpzReader reader(out);
  const auto report = data::check_dataset_contract(reader);
  EXPECT_TRUE(report.ok()) << report.to_json().dump(1);
  EXPECT_EQ(report.n_images, 3);
}

TEST(ContractFromTike, WriteRefusesInconsistentData) {
  TempDir dir;
  auto d = contract_from_tike(read_tike_scan(write(dir, example(), "t.npz")), {});
  d.xcoords.pop_back();
  EXPECT_NE(error_of([&] { write_contract_npz(dir.file("bad.npz"), d); }).find("one position per pattern"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.npz")));
}

// The real APS scan (PTYCHOPINN_SHARED_DIR/datasets): 516 frames of 128 x 128 counts.
TEST(ContractFromTike, SiemensStarConvertsAtFullSizeAndCropped) {
  const std::string path = std::string(PTYCHOPINN_SHARED_DIR) + "/datasets/siemens-star-small.npz.bz2";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  const auto s = read_tike_scan(path);
  ASSERT_EQ(s.counts.sizes(), (std::vector<int64_t>{516, 128, 128}));
  const auto full = contract_from_tike(s, {});
  EXPECT_NEAR(full.metadata["physics_parameters"]["nphotons"].get<double>(), 4.6e5, 0.5e5);
  // The low frequencies, stored at the corners, are at the centre after the shift: the mean counts
  // of the central 16 x 16 pixels are several hundred times those of the stored array's centre.
  using torch::indexing::Slice;
  const auto mean_counts = full.diffraction.square().mean(0);
  const double centre = mean_counts.index({Slice(56, 72), Slice(56, 72)}).mean().item<double>();
  const double stored_centre = s.counts.mean(0).index({Slice(56, 72), Slice(56, 72)}).mean().item<double>();
  EXPECT_GT(centre, 100 * stored_centre);
  TikeConvertOptions o;
  o.crop = 64;
  const auto half = contract_from_tike(s, o);
  EXPECT_EQ(half.diffraction.sizes(), (std::vector<int64_t>{516, 64, 64}));
  EXPECT_NEAR(*std::max_element(half.xcoords.begin(), half.xcoords.end()) - 32,
              (*std::max_element(full.xcoords.begin(), full.xcoords.end()) - 64) / 2, 1e-6);
}

}  // namespace
}  // namespace ptychopinn::convert
