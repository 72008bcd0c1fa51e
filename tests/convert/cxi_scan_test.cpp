#include "ptychopinn/convert/cxi_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ptychopinn/data/dataset.h"
#include "ptychopinn/util/errors.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::convert {
namespace {

using testing::error_of;
using testing::run_command;
using testing::TempDir;

// Writes a small CXI file with h5py: 3 patterns of 8 x 8 counts (1 everywhere, 50 at the centre),
// pixel (2, 3) masked, translations -1e-7 m x (0, 1, 2) in x and +1e-7 m x (0, 0, 1) in y,
// distance 1 m, detector pixel 1e-4 m, wavelength 1e-10 m: object pixel 1e-10 / (8e-4) = 1.25e-7 m.
// `drop` names a dataset to leave out.
std::string write_cxi(const TempDir& dir, const std::string& name, const std::string& drop = "") {
  const std::string path = dir.file(name);
  const std::string script = dir.file(name + ".py");
  std::ofstream(script) << R"(import sys, numpy as np, h5py
path, drop = sys.argv[1], sys.argv[2]
data = np.ones((3, 8, 8), np.int32); data[:, 4, 4] = 50
mask = np.zeros((8, 8), np.uint32); mask[2, 3] = 1
t = np.zeros((3, 3)); t[:, 0] = -1e-7 * np.arange(3); t[:, 1] = 1e-7 * np.array([0, 0, 1])
sets = {'entry_1/instrument_1/detector_1/data': data, 'entry_1/instrument_1/detector_1/mask': mask,
        'entry_1/instrument_1/detector_1/distance': np.float32(1.0),
        'entry_1/instrument_1/detector_1/x_pixel_size': np.float32(1e-4),
        'entry_1/instrument_1/detector_1/y_pixel_size': np.float32(1e-4),
        'entry_1/instrument_1/source_1/wavelength': np.float64(1e-10),
        'entry_1/sample_1/geometry_1/translation': t}
with h5py.File(path, 'w') as f:
    f['cxi_version'] = 160
    for k, v in sets.items():
        if not k.endswith(drop) or not drop:
            f[k] = v
)";
  const auto r =
      run_command(std::string(PTYCHOPINN_PYTHON3) + " '" + script + "' '" + path + "' '" + drop + "'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return path;
}

TEST(CxiScan, ReadsTheGeometryAndConvertsPixelsAndPositions) {
  TempDir dir;
  const auto scan = read_cxi_scan(write_cxi(dir, "a.cxi"));
  EXPECT_EQ(scan.counts.sizes(), (std::vector<int64_t>{3, 8, 8}));
  EXPECT_DOUBLE_EQ(scan.distance_m, 1.0);
  EXPECT_NEAR(scan.pixel_m, 1e-4, 1e-10);  // stored as float32
  EXPECT_DOUBLE_EQ(scan.wavelength_m, 1e-10);
  ASSERT_TRUE(scan.bad_pixels.defined());
  EXPECT_EQ(scan.bad_pixels.sum().item<int64_t>(), 1);

  const auto d = contract_from_cxi(scan, {});
  EXPECT_NEAR(d.metadata["source"]["object_pixel_size_m"].get<double>(), 1.25e-7, 1e-13);
  // x = -t_x / 1.25e-7 = 0, 0.8, 1.6 and y = 0, 0, -0.8, each shifted so that the smallest is 4.
  ASSERT_EQ(d.xcoords.size(), 3u);
  EXPECT_NEAR(d.xcoords[0], 4.0, 1e-6);
  EXPECT_NEAR(d.xcoords[2], 5.6, 1e-6);
  EXPECT_NEAR(d.ycoords[0], 4.8, 1e-6);
  EXPECT_NEAR(d.ycoords[2], 4.0, 1e-6);
  EXPECT_FLOAT_EQ(d.diffraction[1][4][4].item<float>(), std::sqrt(50.0f));
  EXPECT_EQ(d.diffraction[1][2][3].item<float>(), 0.0f);  // masked
  EXPECT_EQ(d.metadata["source"]["bad_pixels"].get<int64_t>(), 1);
  // No illumination in the file: the default probe, with a note saying so.
  ASSERT_TRUE(d.metadata.contains("notes"));
  EXPECT_NE(d.metadata["notes"][0].get<std::string>().find("default disk probe"), std::string::npos);
  // The mask travels with the data as the contract's bad_pixels.
  ASSERT_TRUE(d.bad_pixels.defined());
  EXPECT_EQ(d.bad_pixels.sum().item<int64_t>(), 1);
  EXPECT_TRUE(d.bad_pixels[2][3].item<bool>());
  write_contract_npz(dir.file("a.npz"), d);
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.npz")));
  const auto written = data::load_dataset(dir.file("a.npz"));
  ASSERT_TRUE(written.bad_pixels().has_value());
  EXPECT_TRUE(torch::equal(*written.bad_pixels(), d.bad_pixels));
}

TEST(CxiScan, CropGrowsTheObjectPixel) {
  TempDir dir;
  CxiConvertOptions o;
  o.crop = 4;
  const auto d = contract_from_cxi(read_cxi_scan(write_cxi(dir, "a.cxi")), o);
  EXPECT_EQ(d.diffraction.sizes(), (std::vector<int64_t>{3, 4, 4}));
  EXPECT_NEAR(d.metadata["source"]["object_pixel_size_m"].get<double>(), 2.5e-7, 1e-13);
  EXPECT_FLOAT_EQ(d.diffraction[0][2][2].item<float>(), std::sqrt(50.0f));
}

TEST(CxiScan, MissingDatasetsAreNamed) {
  TempDir dir;
  EXPECT_NE(error_of([&] {
              read_cxi_scan(write_cxi(dir, "t.cxi", "translation"));
            }).find("'/entry_1/sample_1/geometry_1/translation' is missing"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_cxi_scan(write_cxi(dir, "w.cxi", "wavelength"));
            }).find("the wavelength or the energy"),
            std::string::npos);
  // Not HDF5 at all: an IoError naming the file.
  std::ofstream(dir.file("text.cxi")) << "hello";
  try {
    read_cxi_scan(dir.file("text.cxi"));
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a CXI file"), std::string::npos) << e.what();
  }
}

// The real PETRA III P25 file (PTYCHOPINN_SHARED_DIR/datasets): 200 patterns of 100 x 100, 5.5e-5 m pixels at
// 1.12 m, wavelength 9.79e-11 m.
TEST(CxiScan, Petra3FileReadsWithItsGeometry) {
  const std::string path = std::string(PTYCHOPINN_SHARED_DIR) + "/datasets/petra3-p25-near-field.cxi";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  const auto scan = read_cxi_scan(path);
  EXPECT_EQ(scan.counts.sizes(), (std::vector<int64_t>{200, 100, 100}));
  EXPECT_NEAR(scan.wavelength_m, 9.7949e-11, 1e-14);
  CxiConvertOptions o;
  o.crop = 64;
  const auto d = contract_from_cxi(scan, o);
  EXPECT_NEAR(d.metadata["source"]["object_pixel_size_m"].get<double>(), 9.794912e-11 * 1.12 / (64 * 5.5e-5),
              1e-12);
  EXPECT_EQ(d.diffraction.sizes(), (std::vector<int64_t>{200, 64, 64}));
}

}  // namespace
}  // namespace ptychopinn::convert
