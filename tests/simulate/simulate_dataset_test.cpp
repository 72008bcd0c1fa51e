#include "ptychopinn/simulate/simulate_dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ptychopinn/data/contract.h"
#include "ptychopinn/data/dataset.h"
#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/png.h"
#include "ptychopinn/io/tensor_convert.h"
#include "ptychopinn/physics/probe.h"
#include "support/error_of.h"
#include "support/run_command.h"

namespace ptychopinn::simulate {
namespace {

using ptychopinn::testing::error_of;
using ptychopinn::testing::TempDir;

// 64² lines object, N = 16, gridsize 2, offset 4, regions every 8 px: 6 × 6 regions of 4 patterns.
SimulationConfig small_config() {
  SimulationConfig c;
  c.object = "lines";
  c.object_size = 64;
  c.N = 16;
  c.gridsize = 2;
  c.offset = 4;
  c.outer_offset = 16;
  c.nphotons = 1e4;
  c.seed = 7;
  return c;
}

torch::Tensor read(const std::string& path, const std::string& key) {
  return io::to_tensor(io::NpzReader(path).read(key)).clone();
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

nlohmann::json metadata_of(const std::string& path) {
  return nlohmann::json::parse(io::NpzReader(path).read("_metadata").string_value());
}

TEST(SimulateDataset, GridDatasetFollowsTheContractAndLoads) {
  TempDir dir;
  const std::string path = dir.file("d.npz");
  const SimulationSummary s = simulate_dataset(small_config(), path);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.N, 16);
  EXPECT_EQ(s.files[0].n_patterns, 6 * 6 * 4);
  const io::NpzReader archive(path);
  EXPECT_EQ(archive.keys(),
            (std::vector<std::string>{"diffraction", "xcoords", "ycoords", "xcoords_start", "ycoords_start",
                                      "scan_index", "probeGuess", "objectGuess", "_metadata"}));
  data::ContractOptions strict;
  strict.strict = true;
  const data::ContractReport report = data::check_dataset_contract(archive, strict);
  EXPECT_TRUE(report.ok()) << report.to_json().dump(2);
  EXPECT_EQ(report.count(data::Severity::kWarning), 0) << report.to_json().dump(2);
  EXPECT_EQ(archive.header("diffraction").dtype, io::DType::kFloat32);
  EXPECT_EQ(archive.header("diffraction").shape, (std::vector<int64_t>{144, 16, 16}));
  EXPECT_EQ(archive.header("probeGuess").dtype, io::DType::kComplex64);
  EXPECT_EQ(archive.header("objectGuess").shape, (std::vector<int64_t>{64, 64}));
  EXPECT_EQ(archive.header("scan_index").dtype, io::DType::kInt64);
  EXPECT_TRUE(archive.read("diffraction").is_mapped()) << "stored and aligned, so the loader maps it";

  const data::Dataset d = data::load_dataset(path);
  EXPECT_EQ(d.size(), 144);
  EXPECT_EQ(d.metadata_nphotons(), 1e4);
  const nlohmann::json m = metadata_of(path);
  EXPECT_EQ(m["physics_parameters"]["N"], 16);
  EXPECT_EQ(m["physics_parameters"]["gridsize"], 2);
  EXPECT_EQ(m["simulation"]["object"], "lines");
  EXPECT_EQ(m["simulation"]["scan"], "grid");
  EXPECT_EQ(m["simulation"]["seed"], 7);
  EXPECT_FALSE(m["creation_info"]["ptychopinn_version"].get<std::string>().empty());
}

TEST(SimulateDataset, NoiseFreePatternsCarryNphotonsAndTheNormalisedObject) {
  TempDir dir;
  SimulationConfig c = small_config();
  c.noise = NoiseModel::kNone;
  simulate_dataset(c, dir.file("d.npz"));
  const torch::Tensor a = read(dir.file("d.npz"), "diffraction").to(torch::kFloat64);
  EXPECT_NEAR(a.square().sum({1, 2}).mean().item<double>(), 1e4, 1e4 * 1e-4);
  // The object amplitude is divided by the mean of the per-window maxima, so it is of order 1.
  const torch::Tensor object = read(dir.file("d.npz"), "objectGuess");
  const double max_amp = object.abs().max().item<double>();
  EXPECT_GT(max_amp, 0.9);
  EXPECT_LT(max_amp, 2.0);
  // The probe is the normalised default probe: mean |M_disk P| = 1 / probe_scale.
  const torch::Tensor probe = read(dir.file("d.npz"), "probeGuess");
  const torch::Tensor mask = physics::probe_mask(16, torch::kFloat32);
  EXPECT_NEAR((probe.abs() * mask).mean().item<double>(), 1.0 / c.probe_scale, 1e-6);
}

TEST(SimulateDataset, PoissonCountsAreWholeNumbers) {
  TempDir dir;
  simulate_dataset(small_config(), dir.file("d.npz"));
  const torch::Tensor counts = read(dir.file("d.npz"), "diffraction").to(torch::kFloat64).square();
  EXPECT_LT((counts - counts.round()).abs().max().item<double>(), 1e-2);
  EXPECT_NEAR(counts.sum({1, 2}).mean().item<double>(), 1e4, 1e4 * 0.02);
}

TEST(SimulateDataset, SameSeedSameBytesOtherSeedOtherData) {
  TempDir dir;
  SimulationConfig c = small_config();
  simulate_dataset(c, dir.file("a.npz"));
  simulate_dataset(c, dir.file("b.npz"));
  EXPECT_EQ(bytes_of(dir.file("a.npz")), bytes_of(dir.file("b.npz")));
  c.seed = 8;
  simulate_dataset(c, dir.file("c.npz"));
  EXPECT_FALSE(torch::equal(read(dir.file("a.npz"), "objectGuess"), read(dir.file("c.npz"), "objectGuess")));
  EXPECT_FALSE(torch::equal(read(dir.file("a.npz"), "diffraction"), read(dir.file("c.npz"), "diffraction")));
}

TEST(SimulateDataset, JitterMovesActualPositionsAndKeepsNominalOnes) {
  TempDir dir;
  SimulationConfig c = small_config();
  c.jitter = 0.5;
  simulate_dataset(c, dir.file("j.npz"));
  c.jitter = 0;
  simulate_dataset(c, dir.file("n.npz"));
  const torch::Tensor x = read(dir.file("j.npz"), "xcoords"), x0 = read(dir.file("j.npz"), "xcoords_start");
  const torch::Tensor y = read(dir.file("j.npz"), "ycoords"), y0 = read(dir.file("j.npz"), "ycoords_start");
  EXPECT_TRUE(torch::equal(x0, read(dir.file("n.npz"), "xcoords")));
  EXPECT_TRUE(torch::equal(y0, read(dir.file("n.npz"), "ycoords")));
  const torch::Tensor d = torch::cat({x - x0, y - y0});
  EXPECT_NEAR(d.std().item<double>(), 0.5, 0.1);
  EXPECT_NEAR(d.mean().item<double>(), 0.0, 0.1);
  EXPECT_TRUE(torch::equal(read(dir.file("n.npz"), "xcoords"), read(dir.file("n.npz"), "xcoords_start")));
}

TEST(SimulateDataset, SplitWritesDisjointBandsOfOneObject) {
  TempDir dir;
  SimulationConfig c = small_config();
  c.object_size = 96;
  simulate_dataset(c, dir.file("whole.npz"));
  c.split = 0.75;
  const SimulationSummary s = simulate_dataset(c, dir.file("d.npz"));
  ASSERT_EQ(s.files.size(), 2u);
  EXPECT_EQ(s.files[0].path, dir.file("d_train.npz"));
  EXPECT_EQ(s.files[1].path, dir.file("d_test.npz"));
  const torch::Tensor train = read(s.files[0].path, "objectGuess"),
                      test = read(s.files[1].path, "objectGuess");
  EXPECT_EQ(train.size(0), 72);
  EXPECT_EQ(test.size(0), 24);
  EXPECT_EQ(train.size(1), 96);
  // Each part is its band of the same object (up to its own amplitude normalisation).
  const torch::Tensor raw_whole =
      read(dir.file("whole.npz"), "objectGuess") *
      metadata_of(dir.file("whole.npz"))["simulation"]["amplitude_norm"].get<double>();
  EXPECT_TRUE(torch::allclose(train * s.files[0].amplitude_norm, raw_whole.narrow(0, 0, 72), 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(test * s.files[1].amplitude_norm, raw_whole.narrow(0, 72, 24), 1e-5, 1e-6));
  // Every pattern of a part lies inside its band: positions within [N/2, band − N/2].
  for (const auto& f : s.files) {
    const torch::Tensor y = read(f.path, "ycoords");
    EXPECT_GE(y.min().item<double>(), 8.0);
    EXPECT_LE(y.max().item<double>(), static_cast<double>(f.object_height - 8));
  }
  EXPECT_EQ(metadata_of(s.files[1].path)["simulation"]["object_rows"], nlohmann::json({72, 96}));
  EXPECT_EQ(metadata_of(s.files[1].path)["simulation"]["part"], "test");
}

TEST(SimulateDataset, RandomScanStaysInsideAndSplitsTheCount) {
  TempDir dir;
  SimulationConfig c = small_config();
  c.scan = ScanKind::kRandom;
  c.gridsize = 1;
  c.object_size = 96;  // the test band (19 rows) still fits a 16-pixel pattern
  c.n_images = 50;
  c.split = 0.8;
  const SimulationSummary s = simulate_dataset(c, dir.file("r.npz"));
  EXPECT_EQ(s.files[0].n_patterns, 40);
  EXPECT_EQ(s.files[1].n_patterns, 10);
  for (const auto& f : s.files) {
    const torch::Tensor x = read(f.path, "xcoords"), y = read(f.path, "ycoords");
    EXPECT_GE(x.min().item<double>(), 8.0);
    EXPECT_LE(x.max().item<double>(), 96.0 - 8.0);
    EXPECT_GE(y.min().item<double>(), 8.0);
    EXPECT_LE(y.max().item<double>(), static_cast<double>(f.object_height - 8));
  }
}

TEST(SimulateDataset, ImageObjectTakesItsAmplitudeFromTheGreyLevel) {
  TempDir dir;
  std::vector<std::uint8_t> px(64 * 64);
  for (int r = 0; r < 64; ++r)
    for (int col = 0; col < 64; ++col)
      px[static_cast<std::size_t>(r * 64 + col)] = static_cast<std::uint8_t>(50 + 3 * col);
  io::write_png(dir.file("o.png"), 64, 64, 1, px.data());
  SimulationConfig c = small_config();
  c.object = "image:" + dir.file("o.png");
  c.object_size = 0;  // the picture's own side
  const SimulationSummary s = simulate_dataset(c, dir.file("d.npz"));
  const torch::Tensor amp =
      read(dir.file("d.npz"), "objectGuess").abs().to(torch::kFloat64) * s.files[0].amplitude_norm;
  EXPECT_EQ(amp.size(0), 64);
  const torch::Tensor want = ((50 + 3 * torch::arange(64, torch::kFloat64)) / 255.0).expand({64, 64});
  EXPECT_TRUE(torch::allclose(amp, want, 1e-5, 1e-6));
  EXPECT_EQ(metadata_of(dir.file("d.npz"))["simulation"]["object"], "image");
  // A phase picture: φ = π (g − 1/2).
  c.phase_image = dir.file("o.png");
  simulate_dataset(c, dir.file("p.npz"));
  const torch::Tensor phase = torch::angle(read(dir.file("p.npz"), "objectGuess")).to(torch::kFloat64);
  EXPECT_TRUE(torch::allclose(phase, M_PI * (want - 0.5), 1e-5, 1e-5));
}

TEST(SimulateDataset, ProbeFromAnNpzIsNormalisedAndSetsN) {
  TempDir dir;
  torch::manual_seed(3);
  const torch::Tensor raw = torch::randn({24, 24}, torch::kComplexFloat) + 2.0;
  io::write_npz(dir.file("probe.npz"), {{"probeGuess", io::from_tensor(raw)}});
  SimulationConfig c = small_config();
  c.N = 0;
  c.probe = dir.file("probe.npz");
  c.gridsize = 1;
  const SimulationSummary s = simulate_dataset(c, dir.file("d.npz"));
  EXPECT_EQ(s.N, 24);
  EXPECT_TRUE(
      torch::allclose(read(dir.file("d.npz"), "probeGuess"), physics::normalize_probe(raw, c.probe_scale)));
  c.N = 16;
  const std::string e = error_of([&] { simulate_dataset(c, dir.file("e.npz")); });
  EXPECT_NE(e.find("probeGuess"), std::string::npos) << e;
  EXPECT_NE(e.find("N = 16"), std::string::npos) << e;
  io::write_npz(dir.file("none.npz"), {{"other", io::NpyArray()}});
  c.probe = dir.file("none.npz");
  EXPECT_NE(error_of([&] { simulate_dataset(c, dir.file("e.npz")); }).find("'probeGuess' is missing"),
            std::string::npos);
}

TEST(SimulateDataset, ProgressCountsEveryPatternOnce) {
  TempDir dir;
  SimulationConfig c = small_config();
  c.split = 0.5;
  std::vector<std::pair<int64_t, int64_t>> calls;
  const SimulationSummary s = simulate_dataset(
      c, dir.file("d.npz"), [&](int64_t done, int64_t total) { calls.emplace_back(done, total); });
  ASSERT_GE(calls.size(), 2u);
  const int64_t total = s.files[0].n_patterns + s.files[1].n_patterns;
  EXPECT_EQ(calls.front(), std::make_pair(int64_t{0}, total)) << "a first report before the slow work";
  EXPECT_EQ(calls.back(), std::make_pair(total, total));
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GT(calls[i].first, calls[i - 1].first);
}

TEST(SimulateDataset, BadConfigNamesTheField) {
  TempDir dir;
  auto fails_on = [&](const std::string& field, auto change) {
    SimulationConfig c = small_config();
    change(c);
    const std::string e = error_of([&] { simulate_dataset(c, dir.file("x.npz")); });
    EXPECT_NE(e.find(field + " = "), std::string::npos) << field << ": " << e;
  };
  fails_on("object", [](SimulationConfig& c) { c.object = "stars"; });
  fails_on("object", [](SimulationConfig& c) { c.object = "image:"; });
  fails_on("object_size", [](SimulationConfig& c) { c.object_size = 32; });
  fails_on("N", [](SimulationConfig& c) { c.N = 2; });
  fails_on("gridsize", [](SimulationConfig& c) { c.gridsize = 0; });
  fails_on("offset", [](SimulationConfig& c) { c.offset = 0; });
  fails_on("outer_offset", [](SimulationConfig& c) { c.outer_offset = 1; });
  fails_on("n_images", [](SimulationConfig& c) { c.n_images = 0; });
  fails_on("jitter", [](SimulationConfig& c) { c.jitter = -1; });
  fails_on("probe_scale", [](SimulationConfig& c) { c.probe_scale = 0; });
  fails_on("nphotons", [](SimulationConfig& c) { c.nphotons = -5; });
  fails_on("split", [](SimulationConfig& c) { c.split = 1.5; });
  fails_on("phase_image", [](SimulationConfig& c) {
    c.set_phi = true;
    c.phase_image = "p.png";
  });
  // A split whose test band is too low for one region names the part and the size.
  SimulationConfig c = small_config();
  c.split = 0.9;
  const std::string e = error_of([&] { simulate_dataset(c, dir.file("x.npz")); });
  EXPECT_NE(e.find("test part"), std::string::npos) << e;
  EXPECT_NE(e.find("split"), std::string::npos) << e;
  EXPECT_FALSE(std::ifstream(dir.file("x_train.npz")).good()) << "nothing is written for a config that fails";
}

TEST(ParseSplit, FractionsAndRatios) {
  EXPECT_DOUBLE_EQ(parse_split("0.8"), 0.8);
  EXPECT_DOUBLE_EQ(parse_split("4:1"), 0.8);
  EXPECT_DOUBLE_EQ(parse_split("80:20"), 0.8);
  for (const char* bad : {"", "1", "0", "1.2", "a", "4:0", "0.8x", ":", "-1:2"}) {
    EXPECT_NE(error_of([&] { parse_split(bad); }).find("split = "), std::string::npos) << bad;
  }
}

TEST(SimulationOutputPaths, SplitAddsTrainAndTestSuffixes) {
  EXPECT_EQ(simulation_output_paths("a/d.npz", false), std::vector<std::string>{"a/d.npz"});
  EXPECT_EQ(simulation_output_paths("a/d.npz", true),
            (std::vector<std::string>{"a/d_train.npz", "a/d_test.npz"}));
  EXPECT_EQ(simulation_output_paths("data", true),
            (std::vector<std::string>{"data_train.npz", "data_test.npz"}));
}

TEST(ScanKindAndNoiseModel, SpellingsRoundTripAndErrorsListThem) {
  for (ScanKind k : {ScanKind::kGrid, ScanKind::kRandom}) EXPECT_EQ(parse_scan_kind(to_string(k)), k);
  for (NoiseModel k : {NoiseModel::kPoisson, NoiseModel::kNone})
    EXPECT_EQ(parse_noise_model(to_string(k)), k);
  EXPECT_NE(error_of([] { parse_scan_kind("spiral"); }).find("grid, random"), std::string::npos);
  EXPECT_NE(error_of([] { parse_noise_model("gauss"); }).find("poisson, none"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn::simulate
