// The ptychodus product file: our reader reads back exactly what our writer wrote; h5py sees every
// attribute and dataset with the dtype and shape ptychodus' reader expects
// (ptychodus_product_check.py mirrors ptychodus' HDF5 product-file plugin); files from ptychodus
// and PtychoPINN's exporter read; bad input and bad files fail with messages that name the field,
// the file and what is missing; and the geometry helper centres the object where ptychodus' mapping
// (io/ptychodus_product.h) needs it.
#include "ptychopinn/io/ptychodus_product.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "h5py_available.h"
#include "ptychopinn/util/errors.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::io {
namespace {

using ::ptychopinn::testing::error_of;
using ::ptychopinn::testing::io_error_of;
using ::ptychopinn::testing::python3;
using ::ptychopinn::testing::run_command;
using ::ptychopinn::testing::TempDir;

// value(i) of ptychodus_product_check.py: element i of the probe and object, exact in float32.
std::complex<float> value(std::int64_t i) {
  return {static_cast<float>(0.5 * i - 1.0), static_cast<float>(0.25 * i)};
}
std::vector<std::complex<float>> pattern(std::int64_t n) {
  std::vector<std::complex<float>> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(value(i));
  return v;
}

// A product using every feature: two coherent probe modes with OPR weights, two object layers,
// losses, non-ASCII text.
Product full_product() {
  Product p;
  p.metadata.name = "lines \xc3\xa9 test";
  p.metadata.comments = "written by ptychodus_product_test\nsecond line";
  p.metadata.detector_distance_m = 1.875;
  p.metadata.probe_energy_ev = 8800.5;
  p.metadata.probe_photon_count = 1e9;
  p.metadata.exposure_time_s = 0.125;
  p.metadata.mass_attenuation_m2_kg = 3.5;
  p.metadata.tomography_angle_deg = -12.25;
  p.scan.index = {0, 1, 2, 5};
  p.scan.x_m = {1e-7, 2.5e-7, -3e-8, 1.0 / 3.0 * 1e-6};
  p.scan.y_m = {0.0, -0.0, 7e-9, std::numeric_limits<double>::denorm_min()};
  p.probe.coherent_modes = 2;
  p.probe.incoherent_modes = 1;
  p.probe.height = 3;
  p.probe.width = 4;
  p.probe.values = pattern(2 * 3 * 4);
  p.probe.pixel_width_m = 2e-8;
  p.probe.pixel_height_m = 3e-8;
  p.probe.opr_weights = {1.0, 0.5, 0.25, -0.125, 3.0, 1.0 / 7.0};  // K = 3, C = 2
  p.object.layers = 2;
  p.object.height = 5;
  p.object.width = 7;
  p.object.values = pattern(2 * 5 * 7);
  p.object.pixel_width_m = 2e-8;
  p.object.pixel_height_m = 3e-8;
  p.object.center_x_m = 1.1e-7;
  p.object.center_y_m = -4.4e-8;
  p.object.layer_spacing_m = {1e-6};
  p.loss_epochs = {0, 1, 2};
  p.loss_values = {3.5, 2.25, 1.0 / 3.0};
  return p;
}

bool same_bits(const std::vector<std::complex<float>>& a, const std::vector<std::complex<float>>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0;
}
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(a[0])) == 0;
}

void expect_identical(const Product& got, const Product& want) {
  EXPECT_EQ(got.metadata.name, want.metadata.name);
  EXPECT_EQ(got.metadata.comments, want.metadata.comments);
  EXPECT_EQ(got.metadata.detector_distance_m, want.metadata.detector_distance_m);
  EXPECT_EQ(got.metadata.probe_energy_ev, want.metadata.probe_energy_ev);
  EXPECT_EQ(got.metadata.probe_photon_count, want.metadata.probe_photon_count);
  EXPECT_EQ(got.metadata.exposure_time_s, want.metadata.exposure_time_s);
  EXPECT_EQ(got.metadata.mass_attenuation_m2_kg, want.metadata.mass_attenuation_m2_kg);
  EXPECT_EQ(got.metadata.tomography_angle_deg, want.metadata.tomography_angle_deg);
  EXPECT_EQ(got.scan.index, want.scan.index);
  EXPECT_TRUE(same_bits(got.scan.x_m, want.scan.x_m));
  EXPECT_TRUE(same_bits(got.scan.y_m, want.scan.y_m));
  EXPECT_EQ(got.probe.coherent_modes, want.probe.coherent_modes);
  EXPECT_EQ(got.probe.incoherent_modes, want.probe.incoherent_modes);
  EXPECT_EQ(got.probe.height, want.probe.height);
  EXPECT_EQ(got.probe.width, want.probe.width);
  EXPECT_TRUE(same_bits(got.probe.values, want.probe.values));
  EXPECT_EQ(got.probe.pixel_width_m, want.probe.pixel_width_m);
  EXPECT_EQ(got.probe.pixel_height_m, want.probe.pixel_height_m);
  EXPECT_TRUE(same_bits(got.probe.opr_weights, want.probe.opr_weights));
  EXPECT_EQ(got.object.layers, want.object.layers);
  EXPECT_EQ(got.object.height, want.object.height);
  EXPECT_EQ(got.object.width, want.object.width);
  EXPECT_TRUE(same_bits(got.object.values, want.object.values));
  EXPECT_EQ(got.object.pixel_width_m, want.object.pixel_width_m);
  EXPECT_EQ(got.object.pixel_height_m, want.object.pixel_height_m);
  EXPECT_EQ(got.object.center_x_m, want.object.center_x_m);
  EXPECT_EQ(got.object.center_y_m, want.object.center_y_m);
  EXPECT_TRUE(same_bits(got.object.layer_spacing_m, want.object.layer_spacing_m));
  EXPECT_EQ(got.loss_epochs, want.loss_epochs);
  EXPECT_TRUE(same_bits(got.loss_values, want.loss_values));
}

std::string product_checker() {
  return std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/io/ptychodus_product_check.py";
}

std::vector<std::string> temp_files_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp-") != std::string::npos) names.push_back(name);
  }
  return names;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes full_product() to `path`, runs edit(file) on it opened read-write with HDF5 (to break it),
// and returns the IoError message of reading it back.
template <class F>
std::string read_error_after_editing(const std::string& path, F&& edit) {
  write_ptychodus_product(path, full_product());
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return "(cannot open " + path + " to edit it)";
  edit(file);
  H5Fclose(file);
  return io_error_of([&] { read_ptychodus_product(path); });
}

// ---------------------------------------------------------------------------------------------

TEST(PtychodusProduct, RoundTripsThroughOurReaderBitExact) {
  TempDir dir;
  const Product want = full_product();
  write_ptychodus_product(dir.file("product-out.h5"), want);
  expect_identical(read_ptychodus_product(dir.file("product-out.h5")), want);
  EXPECT_TRUE(temp_files_in(dir.path()).empty());
}

TEST(PtychodusProduct, RoundTripsAnEmptyScanAndNoLosses) {
  TempDir dir;
  Product want = full_product();
  want.scan = {};
  want.loss_epochs.clear();
  want.loss_values.clear();
  want.probe.opr_weights.clear();
  want.metadata.name.clear();
  write_ptychodus_product(dir.file("p.h5"), want);
  expect_identical(read_ptychodus_product(dir.file("p.h5")), want);
}

TEST(PtychodusProduct, H5pyFindsEveryDatasetAndAttributePtychodusReads) {
  SKIP_WITHOUT_H5PY();
  TempDir dir;
  const Product p = full_product();
  write_ptychodus_product(dir.file("product-out.h5"), p);
  const auto result = run_command(python3() + " " + product_checker() + " check " +
                                  dir.file("product-out.h5") + " --pattern");
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const std::string& out = result.out;
  EXPECT_NE(out.find("attribute name 'lines \xc3\xa9 test'"), std::string::npos) << out;
  EXPECT_NE(out.find("attribute tomography_angle_deg -12.25"), std::string::npos) << out;
  EXPECT_NE(out.find("probe_shape 2 1 3 4"), std::string::npos) << out;
  EXPECT_NE(out.find("opr_weights_shape 3 2"), std::string::npos) << out;
  EXPECT_NE(out.find("object_shape 2 5 7"), std::string::npos) << out;
  EXPECT_NE(out.find("losses 3"), std::string::npos) << out;
  EXPECT_NE(out.find("position 3 5 "), std::string::npos) << out;
}

TEST(PtychodusProduct, ReadsFilesWrittenByPtychodusAndByPtychoPinnsExporter) {
  SKIP_WITHOUT_H5PY();
  TempDir dir;
  const auto made = run_command(python3() + " " + product_checker() + " foreign " + dir.path());
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;

  // ptychodus' writer: OPR weights as a root dataset, empty float64 loss_epochs, no tomography angle.
  const Product a = read_ptychodus_product(dir.file("ptychodus.h5"));
  EXPECT_EQ(a.metadata.name, "from ptychodus");
  EXPECT_EQ(a.metadata.probe_photon_count, 1e9);
  EXPECT_EQ(a.metadata.tomography_angle_deg, 0.0);
  EXPECT_EQ(a.scan.index, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(a.probe.coherent_modes, 2);
  EXPECT_EQ(a.probe.incoherent_modes, 1);
  EXPECT_EQ(a.probe.height, 3);
  EXPECT_EQ(a.probe.width, 2);
  EXPECT_TRUE(same_bits(a.probe.values, pattern(12)));
  EXPECT_EQ(a.probe.opr_weights, (std::vector<double>{1.0, 0.5, 0.25, 0.125, 2.0, 4.0}));
  EXPECT_EQ(a.object.layers, 1);
  EXPECT_TRUE(same_bits(a.object.values, pattern(30)));
  EXPECT_EQ(a.object.center_y_m, -2.5e-8);
  EXPECT_TRUE(a.loss_epochs.empty());
  EXPECT_TRUE(a.loss_values.empty());
  EXPECT_NO_THROW(a.validate());

  // PtychoPINN's exporter: 2-D complex128 arrays, 'costs', a fixed-length string, int32 indexes,
  // float32 and int32 attributes, no optional attributes.
  const Product b = read_ptychodus_product(dir.file("exporter.h5"));
  EXPECT_EQ(b.metadata.comments, "fixed length");
  EXPECT_EQ(b.metadata.probe_energy_ev, 8000.0);
  EXPECT_EQ(b.metadata.exposure_time_s, 1.0);
  EXPECT_EQ(b.metadata.mass_attenuation_m2_kg, 0.0);
  EXPECT_EQ(b.scan.index, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(b.probe.coherent_modes, 1);
  EXPECT_EQ(b.probe.height, 3);
  EXPECT_EQ(b.probe.width, 4);
  EXPECT_TRUE(same_bits(b.probe.values, pattern(12)));
  EXPECT_EQ(b.object.height, 5);
  EXPECT_EQ(b.object.width, 6);
  EXPECT_TRUE(same_bits(b.object.values, pattern(30)));
  EXPECT_EQ(b.loss_values, (std::vector<double>{3.0, 2.0, 1.5}));
  EXPECT_EQ(b.loss_epochs, (std::vector<std::int64_t>{0, 1, 2}));
}

// ---------------------------------------------------------------------------------------------
// Geometry.

StitchedReconstruction small_reconstruction() {
  StitchedReconstruction r;
  r.object_height = 6;
  r.object_width = 8;
  r.object = pattern(48);
  r.x_origin_px = 10.5;
  r.y_origin_px = -3.25;
  r.probe_size = 4;
  r.probe = pattern(16);
  r.index = {0, 1, 2};
  r.x_px = {14.5, 10.5, 12.0};   // image columns 4, 0, 1.5
  r.y_px = {-0.25, -3.25, 1.0};  // image rows 3, 0, 4.25
  r.pixel_size_m = 1e-8;
  return r;
}

TEST(PtychodusProduct, GeometryHelperCentresTheObjectWherePtychodusMapsThePositions) {
  ProductMetadata metadata;
  metadata.name = "stitched";
  const Product p = product_from_reconstruction(small_reconstruction(), metadata);
  // ptychodus' mapping: the centre is the world position of image coordinate (W/2, H/2),
  // i.e. of object pixel (x_origin + 4, y_origin + 3) = (14.5, -0.25), times 1e-8 m.
  EXPECT_DOUBLE_EQ(p.object.center_x_m, 14.5e-8);
  EXPECT_DOUBLE_EQ(p.object.center_y_m, -0.25e-8);
  EXPECT_EQ(p.object.pixel_width_m, 1e-8);
  EXPECT_EQ(p.object.pixel_height_m, 1e-8);
  EXPECT_EQ(p.probe.pixel_width_m, 1e-8);
  EXPECT_EQ(p.probe.pixel_height_m, 1e-8);
  EXPECT_EQ(p.object.layers, 1);
  EXPECT_TRUE(p.object.layer_spacing_m.empty());
  EXPECT_EQ(p.probe.coherent_modes, 1);
  EXPECT_EQ(p.probe.incoherent_modes, 1);
  EXPECT_EQ(p.probe.height, 4);
  EXPECT_EQ(p.metadata.name, "stitched");
  EXPECT_DOUBLE_EQ(p.scan.x_m[2], 12.0e-8);
  EXPECT_DOUBLE_EQ(p.scan.y_m[2], 1.0e-8);
  // Mapped back, each position lands on the image pixel the stitcher put it on.
  const double columns[] = {4.0, 0.0, 1.5}, rows[] = {3.0, 0.0, 4.25};
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(object_x_px(p.object, p.scan.x_m[k]), columns[k], 1e-9) << k;
    EXPECT_NEAR(object_y_px(p.object, p.scan.y_m[k]), rows[k], 1e-9) << k;
  }
}

TEST(PtychodusProduct, H5pyMapsTheHelpersPositionsOntoTheStitchedPixels) {
  SKIP_WITHOUT_H5PY();
  TempDir dir;
  write_ptychodus_product(dir.file("product-out.h5"),
                          product_from_reconstruction(small_reconstruction(), {}));
  const auto result =
      run_command(python3() + " " + product_checker() + " check " + dir.file("product-out.h5"));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  // "position K INDEX X_PX Y_PX" from ptychodus' formula in Python.
  std::istringstream lines(result.out);
  std::string line;
  std::map<int, std::pair<double, double>> mapped;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string word;
    int k = 0, index = 0;
    double x = 0, y = 0;
    if (fields >> word && word == "position" && fields >> k >> index >> x >> y) mapped[k] = {x, y};
  }
  ASSERT_EQ(mapped.size(), 3u) << result.out;
  EXPECT_NEAR(mapped[0].first, 4.0, 1e-9);
  EXPECT_NEAR(mapped[0].second, 3.0, 1e-9);
  EXPECT_NEAR(mapped[1].first, 0.0, 1e-9);
  EXPECT_NEAR(mapped[1].second, 0.0, 1e-9);
  EXPECT_NEAR(mapped[2].first, 1.5, 1e-9);
  EXPECT_NEAR(mapped[2].second, 4.25, 1e-9);
}

TEST(PtychodusProduct, GeometryHelperRejectsInputThatDoesNotFit) {
  auto with = [](auto change) {
    StitchedReconstruction r = small_reconstruction();
    change(r);
    return error_of([&] { product_from_reconstruction(r, {}); });
  };
  EXPECT_NE(with([](auto& r) { r.object.pop_back(); }).find("reconstruction.object: size = 47; expected"),
            std::string::npos);
  EXPECT_NE(with([](auto& r) { r.probe_size = 0; }).find("reconstruction.probe_size"), std::string::npos);
  EXPECT_NE(with([](auto& r) { r.x_px.pop_back(); }).find("reconstruction.x_px"), std::string::npos);
  EXPECT_NE(with([](auto& r) { r.pixel_size_m = 0; }).find("reconstruction.pixel_size_m"), std::string::npos);
  EXPECT_NE(with([](auto& r) { r.x_origin_px = std::nan(""); }).find("reconstruction.x_origin_px"),
            std::string::npos);
  EXPECT_NE(with([](auto& r) { r.y_px[1] = INFINITY; }).find("reconstruction.y_px"), std::string::npos);
  EXPECT_NE(with([](auto& r) { r.index = {0, 2, 1}; }).find("product.scan.index"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// Bad input and bad files.

TEST(PtychodusProduct, InvalidProductsNameTheField) {
  TempDir dir;
  auto with = [&](auto change) {
    Product p = full_product();
    change(p);
    return error_of([&] { write_ptychodus_product(dir.file("bad.h5"), p); });
  };
  EXPECT_EQ(with([](Product& p) { p.object.values.pop_back(); }),
            "product.object.values: size = 69; expected L * H * W = 70");
  EXPECT_EQ(with([](Product& p) {
              p.probe.values[5] = {1.0f, NAN};
            }),
            "product.probe.values: element 5 = (1,nan); expected finite values");
  EXPECT_EQ(with([](Product& p) { p.probe.height = 0; }), "product.probe.height: value = 0; expected >= 1");
  EXPECT_NE(with([](Product& p) { p.object.pixel_width_m = 0; }).find("product.object.pixel_width_m"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) {
              p.scan.index = {0, 1, 1, 2};
            }).find("product.scan.index: index[2] = 1"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.scan.index[0] = -1; }).find("product.scan.index"), std::string::npos);
  EXPECT_NE(with([](Product& p) { p.scan.y_m.pop_back(); }).find("product.scan.y_m: size = 3"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.scan.x_m[0] = NAN; }).find("product.scan.x_m"), std::string::npos);
  EXPECT_NE(with([](Product& p) { p.metadata.name = std::string("a\0b", 3); }).find("product.metadata.name"),
            std::string::npos);
  EXPECT_NE(
      with([](Product& p) { p.metadata.probe_energy_ev = -1; }).find("product.metadata.probe_energy_ev"),
      std::string::npos);
  EXPECT_NE(with([](Product& p) { p.object.layer_spacing_m.clear(); }).find("product.object.layer_spacing_m"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.probe.opr_weights.pop_back(); }).find("product.probe.opr_weights"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.loss_values.push_back(1.0); }).find("product.loss_values"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.loss_values[0] = INFINITY; }).find("product.loss_values"),
            std::string::npos);
  EXPECT_NE(with([](Product& p) { p.object.center_x_m = NAN; }).find("product.object.center_x_m"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5")));
  EXPECT_TRUE(temp_files_in(dir.path()).empty());
}

TEST(PtychodusProduct, AFailedWriteLeavesTheOldFile) {
  TempDir dir;
  const std::string path = dir.file("product-out.h5");
  write_ptychodus_product(path, full_product());
  const std::string before = file_bytes(path);
  Product bad = full_product();
  bad.object.values.pop_back();
  EXPECT_THROW(write_ptychodus_product(path, bad), std::invalid_argument);
  EXPECT_EQ(file_bytes(path), before);
  EXPECT_TRUE(temp_files_in(dir.path()).empty());
  // A path that is a directory fails before anything is written.
  std::filesystem::create_directory(dir.file("sub.h5"));
  EXPECT_NE(io_error_of([&] { write_ptychodus_product(dir.file("sub.h5"), full_product()); }).find("sub.h5"),
            std::string::npos);
  // A directory that does not exist.
  EXPECT_NE(io_error_of([&] {
              write_ptychodus_product(dir.file("no/such/dir/p.h5"), full_product());
            }).find("no/such/dir/p.h5"),
            std::string::npos);
  // Replacing succeeds and is complete.
  Product other = full_product();
  other.metadata.name = "second";
  write_ptychodus_product(path, other);
  EXPECT_EQ(read_ptychodus_product(path).metadata.name, "second");
  EXPECT_TRUE(temp_files_in(dir.path()).empty());
}

TEST(PtychodusProduct, MissingDatasetsAndAttributesAreNamed) {
  TempDir dir;
  const std::string path = dir.file("product.h5");
  const std::string message = read_error_after_editing(path, [](hid_t file) {
    EXPECT_GE(H5Ldelete(file, "object", H5P_DEFAULT), 0);
    EXPECT_GE(H5Ldelete(file, "probe_position_x_m", H5P_DEFAULT), 0);
    EXPECT_GE(H5Adelete(file, "probe_energy_eV"), 0);
  });
  EXPECT_NE(message.find(path + ": missing datasets 'probe_position_x_m', 'object'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("root attribute 'probe_energy_eV'"), std::string::npos) << message;
}

TEST(PtychodusProduct, MissingProbeAttributeIsNamed) {
  TempDir dir;
  const std::string path = dir.file("product.h5");
  const std::string message = read_error_after_editing(path, [](hid_t file) {
    EXPECT_GE(H5Adelete_by_name(file, "probe", "pixel_height_m", H5P_DEFAULT), 0);
  });
  EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("probe attribute 'pixel_height_m'"), std::string::npos) << message;
}

TEST(PtychodusProduct, WrongShapesInTheFileAreNamed) {
  TempDir dir;
  const std::string message = read_error_after_editing(dir.file("product.h5"), [](hid_t file) {
    EXPECT_GE(H5Ldelete(file, "probe_position_y_m", H5P_DEFAULT), 0);
    const hsize_t n = 2;
    const double y[2] = {0, 0};
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t set =
        H5Dcreate2(file, "probe_position_y_m", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, y), 0);
    H5Dclose(set);
    H5Sclose(space);
  });
  EXPECT_NE(message.find("4 indexes, 4 x and 2 y values"), std::string::npos) << message;
}

TEST(PtychodusProduct, CorruptComplexLayoutIsRefused) {
  // Only two floats of one size at offsets 0 and that size read as complex (what h5py writes);
  // anything else, here a float and an integer, is refused before HDF5 converts it.
  TempDir dir;
  const std::string message = read_error_after_editing(dir.file("product.h5"), [](hid_t file) {
    EXPECT_GE(H5Ldelete(file, "object", H5P_DEFAULT), 0);
    const hid_t type = H5Tcreate(H5T_COMPOUND, 8);
    H5Tinsert(type, "r", 0, H5T_IEEE_F32LE);
    H5Tinsert(type, "i", 4, H5T_STD_I32LE);
    const hsize_t dims[3] = {2, 5, 7};
    const hid_t space = H5Screate_simple(3, dims, nullptr);
    H5Dclose(H5Dcreate2(file, "object", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Sclose(space);
    H5Tclose(type);
  });
  EXPECT_NE(message.find("dataset 'object' is not complex"), std::string::npos) << message;
}

TEST(PtychodusProduct, TruncatedFileIsAnIoErrorNamingTheFile) {
  TempDir dir;
  const std::string path = dir.file("product.h5");
  write_ptychodus_product(path, full_product());
  const auto size = std::filesystem::file_size(path);
  for (const auto keep : {size / 2, size - 8, static_cast<std::uintmax_t>(100)}) {
    std::filesystem::resize_file(path, keep);
    const std::string message = io_error_of([&] { read_ptychodus_product(path); });
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << keep << ": " << message;
  }
}

TEST(PtychodusProduct, NonHdf5AndMissingFilesAreIoErrors) {
  TempDir dir;
  std::ofstream(dir.file("text.h5")) << "this is not an HDF5 file\n";
  EXPECT_EQ(
      io_error_of([&] { read_ptychodus_product(dir.file("text.h5")); }),
      dir.file("text.h5") + ": not an HDF5 file (no HDF5 signature); expected a ptychodus product file");
  std::ofstream(dir.file("empty.h5")).close();
  EXPECT_NE(io_error_of([&] { read_ptychodus_product(dir.file("empty.h5")); }).find("empty.h5: "),
            std::string::npos);
  EXPECT_EQ(io_error_of([&] { read_ptychodus_product(dir.file("absent.h5")); }),
            dir.file("absent.h5") + ": no such file");
  EXPECT_NE(io_error_of([&] { read_ptychodus_product(dir.path()); }).find("is a directory"),
            std::string::npos);
}

TEST(PtychodusProduct, ForeignHdf5FileListsWhatAProductNeeds) {
  TempDir dir;
  const std::string path = dir.file("diffraction.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  const hsize_t dims[3] = {2, 4, 4};
  const hid_t space = H5Screate_simple(3, dims, nullptr);
  H5Dclose(H5Dcreate2(file, "patterns", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Sclose(space);
  H5Fclose(file);
  const std::string message = io_error_of([&] { read_ptychodus_product(path); });
  EXPECT_NE(
      message.find(path + ": missing datasets 'probe_position_indexes', 'probe_position_x_m', "
                          "'probe_position_y_m', 'probe', 'object', 'object_layer_spacing_m' and missing "
                          "root attributes 'name', 'comments'"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("expected a ptychodus product file"), std::string::npos) << message;
}

TEST(PtychodusProduct, LeavesHdf5ErrorPrintingAsItFoundIt) {
  TempDir dir;
  std::ofstream(dir.file("text.h5")) << "not HDF5";
  H5E_auto2_t before_func = nullptr;
  void* before_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before_func, &before_data);
  EXPECT_THROW(read_ptychodus_product(dir.file("text.h5")), IoError);
  write_ptychodus_product(dir.file("p.h5"), full_product());
  H5E_auto2_t after_func = nullptr;
  void* after_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &after_func, &after_data);
  EXPECT_EQ(after_func, before_func);
  EXPECT_EQ(after_data, before_data);
}

}  // namespace
}  // namespace ptychopinn::io
