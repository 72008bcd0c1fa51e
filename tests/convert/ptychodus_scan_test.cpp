// ptychodus' files <-> the data contract: a contract dataset survives the trip through ptychodus'
// diffraction and product files; the files carry indexes 0..N-1 in row order and metre coordinates
// that ptychodus' mapping returns to our pixels; ptychodus-made input (uint16 counts, bad pixels,
// labels, positions without patterns, a crop) converts as documented; inconsistent files are refused
// naming the file and field; the format sniffer tells every input apart. The paired input the
// Python reconstructor library hands over (metres, counts, bad pixels) maps to the same pixels and
// the same contract dataset as the files do.
#include "ptychopinn/convert/ptychodus_scan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>

#include "ptychopinn/convert/scan_format.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/physics/probe.h"
#include "ptychopinn/util/errors.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::convert {
namespace {

using testing::error_of;
using testing::run_cli;
using testing::TempDir;

constexpr int64_t kM = 6, kN = 16;

// A contract dataset: random amplitudes, positions inside a 40 x 36 canvas, the default probe and
// an object guess; metadata with a pixel size, distance and wavelength when `geometry`.
ContractData contract_sample(bool geometry) {
  torch::manual_seed(3);
  ContractData d;
  d.diffraction = torch::rand({kM, kN, kN}) * 30;
  for (int64_t i = 0; i < kM; ++i) {
    d.xcoords.push_back(8.0 + 3.25 * static_cast<double>(i));
    d.ycoords.push_back(8.5 + 2.0 * static_cast<double>(i % 3));
  }
  d.probe =
      physics::normalize_probe(physics::default_probe(kN, torch::kFloat32).to(torch::kComplexFloat), 4.0)
          .to(torch::kComplexFloat);
  d.object_guess = torch::polar(torch::rand({36, 40}) + 0.5, torch::rand({36, 40}));
  d.metadata = {{"physics_parameters", {{"nphotons", 1234.5}}}};
  if (geometry) {
    d.metadata["source"] = {
        {"object_pixel_size_m", 2e-8}, {"detector_distance_m", 1.5}, {"wavelength_m", 1e-10}};
  }
  return d;
}

PtychodusScan write_and_read(const TempDir& dir, const PtychodusFiles& files) {
  io::write_assembled_diffraction(dir.file("diffraction.h5"), files.diffraction);
  io::write_ptychodus_product(dir.file("product-in.h5"), files.product);
  return read_ptychodus_scan(dir.file("diffraction.h5"), dir.file("product-in.h5"));
}

TEST(PtychodusFromContract, FilesCarryRowIndexesCountsAndMetres) {
  TempDir dir;
  const ContractData c = contract_sample(true);
  write_contract_npz(dir.file("c.npz"), c);
  const data::Dataset dataset = data::load_dataset(dir.file("c.npz"));
  const PtychodusFiles f = ptychodus_from_contract(dataset, 0);
  EXPECT_TRUE(f.notes.empty());

  std::vector<std::int64_t> rows(kM);
  std::iota(rows.begin(), rows.end(), 0);
  EXPECT_EQ(f.diffraction.indexes, rows);
  EXPECT_EQ(f.product.scan.index, rows);
  // counts = amplitude².
  const auto amplitude = c.diffraction.contiguous();
  for (int64_t k : {int64_t{0}, int64_t{77}, kM * kN * kN - 1}) {
    const float a = amplitude.data_ptr<float>()[k];
    EXPECT_FLOAT_EQ(f.diffraction.patterns[static_cast<size_t>(k)], a * a);
  }
  // Metres from the recorded pixel size; ptychodus' mapping returns our pixels.
  const io::ProductObject& o = f.product.object;
  EXPECT_EQ(o.pixel_width_m, 2e-8);
  EXPECT_EQ(f.product.probe.pixel_width_m, 2e-8);
  EXPECT_EQ(o.width, 40);
  EXPECT_EQ(o.height, 36);
  for (int64_t i = 0; i < kM; ++i) {
    const auto k = static_cast<size_t>(i);
    EXPECT_DOUBLE_EQ(f.product.scan.x_m[k], c.xcoords[k] * 2e-8);
    EXPECT_NEAR(io::object_x_px(o, f.product.scan.x_m[k]), c.xcoords[k], 1e-9);
    EXPECT_NEAR(io::object_y_px(o, f.product.scan.y_m[k]), c.ycoords[k], 1e-9);
  }
  EXPECT_DOUBLE_EQ(f.product.metadata.detector_distance_m, 1.5);
  EXPECT_NEAR(f.product.metadata.probe_energy_ev, 12398.41984, 1e-3);
  EXPECT_DOUBLE_EQ(f.product.metadata.probe_photon_count, 1234.5);
  EXPECT_EQ(f.product.metadata.name, "c");
}

TEST(PtychodusFromContract, PixelSizeFromTheCallerOrAPlaceholderWithANote) {
  TempDir dir;
  write_contract_npz(dir.file("c.npz"), contract_sample(false));
  const data::Dataset dataset = data::load_dataset(dir.file("c.npz"));
  const PtychodusFiles given = ptychodus_from_contract(dataset, 7e-9);
  EXPECT_EQ(given.product.object.pixel_width_m, 7e-9);
  EXPECT_TRUE(given.notes.empty());
  const PtychodusFiles placeholder = ptychodus_from_contract(dataset, 0);
  EXPECT_EQ(placeholder.product.object.pixel_width_m, io::kDefaultProductPixelSizeM);
  ASSERT_EQ(placeholder.notes.size(), 1u);
  EXPECT_NE(placeholder.notes[0].find("pass --pixel_size_m"), std::string::npos) << placeholder.notes[0];
}

TEST(PtychodusFromContract, WithoutAnObjectTheProductHoldsOnesOverTheScannedCanvas) {
  TempDir dir;
  ContractData c = contract_sample(true);
  c.object_guess = torch::Tensor();
  write_contract_npz(dir.file("c.npz"), c);
  const PtychodusFiles f = ptychodus_from_contract(data::load_dataset(dir.file("c.npz")), 0);
  // max x = 8 + 3.25 * 5 = 24.25, + N/2 -> 32.25 -> 33 columns; max y = 12.5 + 8 -> 21 rows.
  EXPECT_EQ(f.product.object.width, 33);
  EXPECT_EQ(f.product.object.height, 21);
  EXPECT_EQ(f.product.object.values.front(), std::complex<float>(1.0f, 0.0f));
  EXPECT_NEAR(io::object_x_px(f.product.object, f.product.scan.x_m[5]), 24.25, 1e-9);
}

TEST(ContractFromPtychodus, RoundTripKeepsPatternsPositionsProbeAndObject) {
  TempDir dir;
  const ContractData c = contract_sample(true);
  write_contract_npz(dir.file("c.npz"), c);
  const PtychodusScan scan =
      write_and_read(dir, ptychodus_from_contract(data::load_dataset(dir.file("c.npz")), 0));
  const ContractData back = contract_from_ptychodus(scan, {});
  EXPECT_TRUE(torch::allclose(back.diffraction, c.diffraction, 1e-6, 1e-6));
  ASSERT_EQ(back.xcoords.size(), c.xcoords.size());
  for (size_t k = 0; k < c.xcoords.size(); ++k) {
    EXPECT_NEAR(back.xcoords[k], c.xcoords[k], 1e-9);
    EXPECT_NEAR(back.ycoords[k], c.ycoords[k], 1e-9);
  }
  EXPECT_TRUE(torch::allclose(back.probe, c.probe, 1e-5, 1e-6));
  ASSERT_TRUE(back.object_guess.defined());
  EXPECT_TRUE(torch::equal(back.object_guess, c.object_guess));
  EXPECT_DOUBLE_EQ(back.metadata["source"]["object_pixel_size_m"].get<double>(), 2e-8);
  EXPECT_NEAR(back.metadata["source"]["wavelength_m"].get<double>(), 1e-10, 1e-18);
  // The only note: 16 x 16 patterns are smaller than the network takes.
  ASSERT_EQ(back.metadata["notes"].size(), 1u) << back.metadata["notes"].dump();
  EXPECT_NE(back.metadata["notes"][0].get<std::string>().find("the network trains on 64"), std::string::npos);
  write_contract_npz(dir.file("back.npz"), back);
  EXPECT_NO_THROW(data::load_dataset(dir.file("back.npz")));
}

// ptychodus-made input: uint16-like counts, two bad pixels, labels that are not rows, and a
// position without a pattern.
PtychodusScan ptychodus_made(const TempDir& dir) {
  const ContractData c = contract_sample(true);
  write_contract_npz(dir.file("c.npz"), c);
  PtychodusFiles f = ptychodus_from_contract(data::load_dataset(dir.file("c.npz")), 0);
  for (auto& v : f.diffraction.patterns) v = std::round(v);
  f.diffraction.bad_pixels[3] = f.diffraction.bad_pixels[kN * 5 + 7] = 1;
  // Rows 0..5 labelled 10..15 (as if the first ten frames were dropped); the product's positions
  // use the labels, and its last position (label 99) has no pattern.
  for (int64_t r = 0; r < kM; ++r) f.diffraction.indexes[static_cast<size_t>(r)] = 10 + r;
  for (int64_t k = 0; k < kM; ++k) f.product.scan.index[static_cast<size_t>(k)] = 10 + k;
  f.product.scan.index.back() = 99;
  return write_and_read(dir, f);
}

TEST(ContractFromPtychodus, PairsByLabelZeroesBadPixelsAndSaysWhatItDropped) {
  TempDir dir;
  const PtychodusScan scan = ptychodus_made(dir);
  const ContractData d = contract_from_ptychodus(scan, {});
  EXPECT_EQ(d.diffraction.size(0), kM - 1);
  EXPECT_EQ(d.diffraction[2][0][3].item<float>(), 0.0f);
  EXPECT_EQ(d.diffraction[4][5][7].item<float>(), 0.0f);
  const float count = scan.diffraction.patterns[static_cast<size_t>(2 * kN * kN + 10)];
  EXPECT_FLOAT_EQ(d.diffraction[2][0][10].item<float>(), std::sqrt(count));
  EXPECT_EQ(d.metadata["source"]["bad_pixels"].get<int64_t>(), 2);
  const std::string notes = d.metadata["notes"].dump();
  EXPECT_NE(notes.find("1 of 6 probe positions have no pattern"), std::string::npos) << notes;
  EXPECT_NE(notes.find("paired by label"), std::string::npos) << notes;
}

TEST(ContractFromPtychodus, CropScalesPositionsAndDropsTheObject) {
  TempDir dir;
  const PtychodusScan scan = ptychodus_made(dir);
  PtychodusConvertOptions o;
  o.crop = 8;
  const ContractData full = contract_from_ptychodus(scan, {});
  const ContractData half = contract_from_ptychodus(scan, o);
  EXPECT_EQ(half.diffraction.sizes(), (std::vector<int64_t>{kM - 1, 8, 8}));
  // Every position shifted so that the smallest (4.25 after halving 8.5... x 0.5) stays >= N/2 = 4.
  for (size_t k = 0; k < half.xcoords.size(); ++k) {
    EXPECT_NEAR(half.xcoords[k] - half.xcoords[0], 0.5 * (full.xcoords[k] - full.xcoords[0]), 1e-9);
  }
  EXPECT_FALSE(half.object_guess.defined());
  EXPECT_DOUBLE_EQ(half.metadata["source"]["object_pixel_size_m"].get<double>(), 4e-8);
  EXPECT_EQ(half.probe.sizes(), (std::vector<int64_t>{8, 8}));
}

TEST(ContractFromPtychodus, PositionsNearTheEdgeAreShiftedWithANote) {
  TempDir dir;
  const ContractData c = contract_sample(true);
  write_contract_npz(dir.file("c.npz"), c);
  PtychodusFiles f = ptychodus_from_contract(data::load_dataset(dir.file("c.npz")), 0);
  f.product.scan.x_m[0] = 2.0 * 2e-8;  // x_px = 2 < N/2 = 8
  const ContractData d = contract_from_ptychodus(write_and_read(dir, f), {});
  EXPECT_NEAR(d.xcoords[0], 8.0, 1e-9);
  EXPECT_NEAR(d.xcoords[1], c.xcoords[1] + 6.0, 1e-9);
  EXPECT_FALSE(d.object_guess.defined());
  EXPECT_NE(d.metadata["notes"].dump().find("shifted by 6 px"), std::string::npos) << d.metadata.dump();
}

// A paired input as ptychodus hands it to a reconstructor: counts, a bad pixel holding a negative
// count, positions in metres on a 40 x 36 grid of 2e-8 m pixels centred away from the origin.
PtychodusInput paired_input() {
  torch::manual_seed(5);
  PtychodusInput in;
  in.counts = torch::randint(0, 400, {3, 8, 8}).to(torch::kFloat32);
  in.counts[1][2][5] = -1.0f;
  in.bad_pixels = torch::zeros({8, 8}, torch::kBool);
  in.bad_pixels[2][5] = true;
  in.bad_pixels[0][0] = true;
  in.object.width = 40;
  in.object.height = 36;
  in.object.pixel_width_m = in.object.pixel_height_m = 2e-8;
  in.object.center_x_m = 3e-7;
  in.object.center_y_m = -5e-7;
  for (double x_px : {10.0, 20.5, 31.25}) in.x_m.push_back((x_px - 20.0) * 2e-8 + 3e-7);
  for (double y_px : {9.0, 18.0, 27.75}) in.y_m.push_back((y_px - 18.0) * 2e-8 - 5e-7);
  in.where = "input";
  return in;
}

TEST(PtychodusPixels, MapsMetresToPixelsAndCountsToAmplitudesWithoutTheBadPixels) {
  const PtychodusInput in = paired_input();
  const PtychodusPixels px = ptychodus_pixels(in);
  EXPECT_EQ(px.bad_pixels, 2);
  EXPECT_EQ(px.amplitudes.sizes(), (std::vector<int64_t>{3, 8, 8}));
  EXPECT_EQ(px.amplitudes[1][2][5].item<float>(), 0.0f);
  EXPECT_EQ(px.amplitudes[0][0][0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(px.amplitudes[2][4][3].item<float>(), std::sqrt(in.counts[2][4][3].item<float>()));
  EXPECT_EQ(px.object_pixel_size_m, 2e-8);
  const std::vector<double> xs{10.0, 20.5, 31.25}, ys{9.0, 18.0, 27.75};
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_NEAR(px.x_px[k], xs[k], 1e-9);
    EXPECT_NEAR(px.y_px[k], ys[k], 1e-9);
    EXPECT_NEAR(ptychodus_x_m(in.object, px.x_px[k]), in.x_m[k], 1e-20);
    EXPECT_NEAR(ptychodus_y_m(in.object, px.y_px[k]), in.y_m[k], 1e-20);
  }
  // A crop to the central 4 x 4 doubles the object pixel and halves the pixel coordinates.
  const PtychodusPixels half = ptychodus_pixels(in, 4);
  EXPECT_EQ(half.amplitudes.sizes(), (std::vector<int64_t>{3, 4, 4}));
  EXPECT_TRUE(torch::equal(half.amplitudes, px.amplitudes.slice(1, 2, 6).slice(2, 2, 6)));
  EXPECT_EQ(half.object_pixel_size_m, 4e-8);
  EXPECT_NEAR(half.x_px[1], 10.25, 1e-9);
}

TEST(PtychodusPixels, RefusesInputNamingWhatIsWrong) {
  auto message = [](const std::function<void(PtychodusInput&)>& change, int64_t crop = 0) {
    PtychodusInput in = paired_input();
    change(in);
    return error_of([&] { ptychodus_pixels(in, crop); });
  };
  EXPECT_NE(message([](PtychodusInput& in) {
              in.bad_pixels[2][5] = false;
            }).find("input: pattern 1 has the count -1 at row 2, column 5; expected finite counts >= 0"),
            std::string::npos);
  EXPECT_NE(message([](PtychodusInput& in) {
              in.x_m.pop_back();
            }).find("probe positions are 2 x and 3 y coordinates for 3 diffraction patterns"),
            std::string::npos);
  EXPECT_NE(message([](PtychodusInput& in) {
              in.counts = torch::zeros({3, 8, 6});
            }).find("patterns are 8 x 6"),
            std::string::npos);
  EXPECT_NE(message([](PtychodusInput& in) {
              in.bad_pixels = torch::zeros({4, 4}, torch::kBool);
            }).find("bad pixels have shape [4, 4]; expected the patterns' [8, 8]"),
            std::string::npos);
  EXPECT_NE(message([](PtychodusInput& in) {
              in.object.pixel_height_m = 4e-8;
            }).find("object pixel is 2e-08 x 4e-08 m; expected square pixels"),
            std::string::npos);
  EXPECT_NE(
      message([](PtychodusInput& in) { in.y_m[0] = std::nan(""); }).find("probe position 0 is not finite"),
      std::string::npos);
  EXPECT_NE(message([](PtychodusInput&) {}, 5).find("crop is 5; expected 0 or an even size in [2, 8]"),
            std::string::npos);
}

TEST(ContractFromPtychodusInput, IsWhatTheFileConverterWrites) {
  TempDir dir;
  const PtychodusScan scan = ptychodus_made(dir);
  const ContractData from_files = contract_from_ptychodus(scan, {});
  // The same scan paired as ptychodus pairs it (labels 10..14 have patterns), as the library sees it.
  PtychodusInput in;
  const io::AssembledDiffraction& d = scan.diffraction;
  in.counts = torch::from_blob(const_cast<float*>(d.patterns.data()), {d.count, kN, kN}, torch::kFloat32)
                  .slice(0, 0, kM - 1)
                  .clone();
  in.bad_pixels = torch::from_blob(const_cast<std::uint8_t*>(d.bad_pixels.data()), {kN, kN}, torch::kUInt8)
                      .to(torch::kBool);
  in.x_m.assign(scan.product.scan.x_m.begin(), scan.product.scan.x_m.end() - 1);
  in.y_m.assign(scan.product.scan.y_m.begin(), scan.product.scan.y_m.end() - 1);
  in.object = scan.product.object;
  in.probe = torch::from_blob(const_cast<std::complex<float>*>(scan.product.probe.values.data()), {kN, kN},
                              torch::kComplexFloat);
  in.metadata = scan.product.metadata;
  in.where = "library";
  const ContractData from_input = contract_from_ptychodus_input(in, {}, {}, {});
  EXPECT_TRUE(torch::equal(from_input.diffraction, from_files.diffraction));
  EXPECT_EQ(from_input.xcoords, from_files.xcoords);
  EXPECT_EQ(from_input.ycoords, from_files.ycoords);
  EXPECT_TRUE(torch::equal(from_input.probe, from_files.probe));
  EXPECT_TRUE(torch::equal(from_input.object_guess, from_files.object_guess));
  EXPECT_EQ(from_input.metadata["physics_parameters"], from_files.metadata["physics_parameters"]);
  EXPECT_EQ(from_input.metadata["source"]["bad_pixels"].get<int64_t>(), 2);
  EXPECT_EQ(from_input.metadata["source"]["object_pixel_size_m"],
            from_files.metadata["source"]["object_pixel_size_m"]);

  in.probe = torch::ones({4, 4}, torch::kComplexFloat);
  EXPECT_NE(error_of([&] { contract_from_ptychodus_input(in, {}, {}, {}); })
                .find("library: probe is [4, 4] but the patterns are 16 x 16; expected the probe on the "
                      "patterns' grid"),
            std::string::npos);
}

TEST(ReadPtychodusScan, RefusesFilesThatDoNotFitTogether) {
  TempDir dir;
  write_contract_npz(dir.file("c.npz"), contract_sample(true));
  const data::Dataset dataset = data::load_dataset(dir.file("c.npz"));

  PtychodusFiles f = ptychodus_from_contract(dataset, 0);
  f.product.probe.height = f.product.probe.width = 8;
  f.product.probe.values.resize(64);
  io::write_assembled_diffraction(dir.file("diffraction.h5"), f.diffraction);
  io::write_ptychodus_product(dir.file("small_probe.h5"), f.product);
  const std::string probe =
      error_of([&] { read_ptychodus_scan(dir.file("diffraction.h5"), dir.file("small_probe.h5")); });
  EXPECT_NE(probe.find("small_probe.h5: probe is 8 x 8 but the patterns of"), std::string::npos) << probe;

  f = ptychodus_from_contract(dataset, 0);
  f.product.object.pixel_height_m *= 2;
  io::write_ptychodus_product(dir.file("oblong.h5"), f.product);
  const std::string oblong =
      error_of([&] { read_ptychodus_scan(dir.file("diffraction.h5"), dir.file("oblong.h5")); });
  EXPECT_NE(oblong.find("oblong.h5: object pixel is 2e-08 x 4e-08 m; expected square pixels"),
            std::string::npos)
      << oblong;

  f = ptychodus_from_contract(dataset, 0);
  for (auto& index : f.product.scan.index) index += 100;
  io::write_ptychodus_product(dir.file("foreign.h5"), f.product);
  const std::string foreign = error_of([&] {
    contract_from_ptychodus(read_ptychodus_scan(dir.file("diffraction.h5"), dir.file("foreign.h5")), {});
  });
  EXPECT_NE(foreign.find("none of the 6 probe position indexes labels a pattern"), std::string::npos)
      << foreign;

  std::ofstream(dir.file("not.h5")) << "text";
  EXPECT_THROW(read_ptychodus_scan(dir.file("not.h5"), dir.file("foreign.h5")), IoError);
}

TEST(DetectScanFormat, TellsEveryInputApart) {
  TempDir dir;
  write_contract_npz(dir.file("c.npz"), contract_sample(true));
  const PtychodusFiles f = ptychodus_from_contract(data::load_dataset(dir.file("c.npz")), 0);
  io::write_assembled_diffraction(dir.file("diffraction.h5"), f.diffraction);
  io::write_ptychodus_product(dir.file("product-in.h5"), f.product);
  EXPECT_EQ(detect_scan_format(dir.file("c.npz")), ScanFormat::kContract);
  EXPECT_EQ(detect_scan_format(dir.file("diffraction.h5")), ScanFormat::kPtychodus);
  EXPECT_EQ(detect_scan_format(dir.path()), ScanFormat::kPtychodus);
  const std::string product = error_of([&] { detect_scan_format(dir.file("product-in.h5")); });
  EXPECT_NE(product.find("neither /entry_1 (CXI) nor 'patterns'"), std::string::npos) << product;
  {
    io::NpzWriter w(dir.file("other.npz"), false);
    w.add("weights", io::NpyArray::zeros(io::DType::kFloat32, {3}));
    w.close();
  }
  EXPECT_NE(error_of([&] { detect_scan_format(dir.file("other.npz")); }).find("neither 'diffraction'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { detect_scan_format(dir.file("missing.npz")); }).find("no such file"),
            std::string::npos);
}

TEST(ConvertCli, ContractToPtychodusAndBack) {
  TempDir dir;
  write_contract_npz(dir.file("c.npz"), contract_sample(true));
  const auto out = run_cli("convert " + dir.file("c.npz") + " " + dir.file("ptychodus"));
  ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("diffraction.h5: 6 patterns of 16 x 16"), std::string::npos) << out.out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("ptychodus/product-in.h5")));

  const auto back = run_cli("convert " + dir.file("ptychodus") + " " + dir.file("back.npz"));
  ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_NE(back.out.find("6 patterns of 16 x 16 (from ptychodus, object pixel 2e-08 m)"), std::string::npos)
      << back.out;
  const auto inspect = run_cli("inspect --strict " + dir.file("back.npz"));
  EXPECT_EQ(inspect.exit_code, 0) << inspect.out << inspect.err;

  // The diffraction file alone finds product-in.h5 beside it; --product names another.
  std::filesystem::copy_file(dir.file("ptychodus/product-in.h5"), dir.file("elsewhere.h5"));
  std::filesystem::remove(dir.file("ptychodus/product-in.h5"));
  const auto missing = run_cli("convert " + dir.file("ptychodus/diffraction.h5") + " " + dir.file("x.npz"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("pass --product PATH"), std::string::npos) << missing.err;
  const auto named = run_cli("convert " + dir.file("ptychodus/diffraction.h5") + " " + dir.file("x.npz") +
                             " --product " + dir.file("elsewhere.h5"));
  EXPECT_EQ(named.exit_code, 0) << named.err;

  const auto wrong_way =
      run_cli("convert " + dir.file("back.npz") + " " + dir.file("y.npz") + " --to contract");
  EXPECT_EQ(wrong_way.exit_code, 1);
  EXPECT_NE(wrong_way.err.find("already a contract dataset"), std::string::npos) << wrong_way.err;
}

}  // namespace
}  // namespace ptychopinn::convert
