// `ptychopinn simulate` end to end: every object kind gives a dataset that `inspect --strict`
// accepts and NumPy reads; seeds, splits, pictures and bad flags.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ptychopinn/io/npz.h"
#include "ptychopinn/io/png.h"
#include "support/run_command.h"

namespace ptychopinn {
namespace {

using testing::run_cli;
using testing::run_command;
using testing::TempDir;

// Small enough to run in well under a second: a 64² object, 16² patterns, 6 × 6 regions of 4.
const std::string kSmall = "--object_size 64 --N 16 --gridsize 2 --outer_offset 16 --nphotons 1e4 -q ";

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool numpy_available() {
  static const bool ok = run_command(std::string(PTYCHOPINN_PYTHON3) + " -c 'import numpy'").exit_code == 0;
  return ok;
}

// Runs a Python snippet with sys.argv[1:] = args; numpy is imported as np, json as json.
testing::CommandResult python(const TempDir& dir, const std::string& body, const std::string& args) {
  std::ofstream(dir.file("check.py")) << "import json, sys\nimport numpy as np\n" << body;
  return run_command(std::string(PTYCHOPINN_PYTHON3) + " '" + dir.file("check.py") + "' " + args);
}

// The dataset as NumPy sees it: keys, dtypes and shapes of the contract, and the metadata.
const char* kNumpyCheck = R"(
z = np.load(sys.argv[1], allow_pickle=False)
assert set(z.files) == {"diffraction", "xcoords", "ycoords", "xcoords_start", "ycoords_start",
                        "scan_index", "probeGuess", "objectGuess", "_metadata"}, z.files
d = z["diffraction"]
assert d.dtype == np.float32 and d.shape == (144, 16, 16), (d.dtype, d.shape)
assert d.min() >= 0 and np.isfinite(d).all()
assert abs((d.astype(np.float64) ** 2).sum(axis=(1, 2)).mean() / 1e4 - 1) < 0.05
assert z["xcoords"].dtype == np.float64 and z["xcoords"].shape == (144,)
assert z["scan_index"].dtype == np.int64
assert z["probeGuess"].dtype == np.complex64 and z["probeGuess"].shape == (16, 16)
assert z["objectGuess"].dtype == np.complex64 and z["objectGuess"].shape == (64, 64)
m = json.loads(str(z["_metadata"]))
assert m["physics_parameters"]["nphotons"] == 1e4 and m["physics_parameters"]["N"] == 16, m
assert m["simulation"]["object"] == sys.argv[2], m["simulation"]
)";

class CliSimulateObject : public ::testing::TestWithParam<std::string> {};

TEST_P(CliSimulateObject, WritesADatasetThatInspectStrictAcceptsAndNumPyReads) {
  TempDir dir;
  const std::string path = dir.file("d.npz");
  const auto r = run_cli("simulate --object " + GetParam() + " " + kSmall + "-o '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("144 patterns of 16x16"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << "--quiet: " << r.err;
  const auto inspect = run_cli("inspect --strict '" + path + "'");
  EXPECT_EQ(inspect.exit_code, 0) << inspect.out << inspect.err;
  EXPECT_NE(inspect.out.find("dataset contract: OK (0 error(s), 0 warning(s))"), std::string::npos)
      << inspect.out;
  if (!numpy_available()) GTEST_SKIP() << "numpy is not importable by " << PTYCHOPINN_PYTHON3;
  const auto np = python(dir, kNumpyCheck, "'" + path + "' " + GetParam());
  EXPECT_EQ(np.exit_code, 0) << np.out << np.err;
}

INSTANTIATE_TEST_SUITE_P(EachKind, CliSimulateObject,
                         ::testing::Values("lines", "grf", "points", "diagonals"));

TEST(CliSimulate, SameSeedGivesTheSameBytesAndAnotherSeedOtherData) {
  TempDir dir;
  for (const char* name : {"a.npz", "b.npz"}) {
    ASSERT_EQ(run_cli("simulate --seed 5 --jitter 0.3 " + kSmall + "-o '" + dir.file(name) + "'").exit_code,
              0);
  }
  ASSERT_EQ(run_cli("simulate --seed 6 --jitter 0.3 " + kSmall + "-o '" + dir.file("c.npz") + "'").exit_code,
            0);
  EXPECT_EQ(bytes_of(dir.file("a.npz")), bytes_of(dir.file("b.npz")));
  const io::NpzReader a(dir.file("a.npz")), c(dir.file("c.npz"));
  for (const char* key : {"diffraction", "xcoords", "objectGuess"}) {
    const io::NpyArray x = a.read(key), y = c.read(key);
    ASSERT_EQ(x.nbytes(), y.nbytes());
    EXPECT_NE(std::string(static_cast<const char*>(x.data()), x.nbytes()),
              std::string(static_cast<const char*>(y.data()), y.nbytes()))
        << key;
  }
}

TEST(CliSimulate, SplitWritesDisjointTrainingAndTestData) {
  TempDir dir;
  const auto r =
      run_cli("simulate --split 3:1 " + kSmall + "--object_size 96 -o '" + dir.file("s.npz") + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("s_train.npz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("s_test.npz"), std::string::npos) << r.out;
  for (const char* part : {"s_train.npz", "s_test.npz"}) {
    EXPECT_EQ(run_cli("inspect --strict '" + dir.file(part) + "'").exit_code, 0) << part;
  }
  if (!numpy_available()) GTEST_SKIP() << "numpy is not importable by " << PTYCHOPINN_PYTHON3;
  // The two files hold disjoint bands of the object's rows, each scan inside its own band.
  const auto np = python(dir, R"(
tr, te = np.load(sys.argv[1]), np.load(sys.argv[2])
mtr, mte = json.loads(str(tr["_metadata"])), json.loads(str(te["_metadata"]))
assert mtr["simulation"]["object_rows"] == [0, 72] and mte["simulation"]["object_rows"] == [72, 96]
assert tr["objectGuess"].shape == (72, 96) and te["objectGuess"].shape == (24, 96)
for z in (tr, te):
    h = z["objectGuess"].shape[0]
    assert z["ycoords"].min() >= 8 and z["ycoords"].max() <= h - 8
assert not np.array_equal(tr["diffraction"][:len(te["diffraction"])], te["diffraction"])
)",
                         "'" + dir.file("s_train.npz") + "' '" + dir.file("s_test.npz") + "'");
  EXPECT_EQ(np.exit_code, 0) << np.out << np.err;
}

TEST(CliSimulate, ImageObjectFromAPng) {
  TempDir dir;
  std::vector<std::uint8_t> rgb(64 * 64 * 3);
  for (std::size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<std::uint8_t>((i * 37) % 251);
  io::write_png(dir.file("o.png"), 64, 64, 3, rgb.data());
  const std::string path = dir.file("d.npz");
  const auto r =
      run_cli("simulate --object 'image:" + dir.file("o.png") + "' --phase-image '" + dir.file("o.png") +
              "' --N 16 --gridsize 2 --outer_offset 16 --nphotons 1e4 -q -o '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("object 64x64"), std::string::npos) << r.out;
  EXPECT_EQ(run_cli("inspect --strict '" + path + "'").exit_code, 0);
  const auto m = nlohmann::json::parse(io::NpzReader(path).read("_metadata").string_value());
  EXPECT_EQ(m["simulation"]["object"], "image");
  EXPECT_EQ(m["simulation"]["object_image"], dir.file("o.png"));
}

TEST(CliSimulate, BadFlagsExitOneAndNameTheFlag) {
  TempDir dir;
  const std::string out = " -o '" + dir.file("x.npz") + "'";
  const std::vector<std::pair<std::string, std::string>> cases = {
      // One of each way to fail (every field's own check is in tests/simulate).
      {"--N abc", "--N"},                    // not a number (CLI11)
      {"--N 2", "N = 2"},                    // out of range (SimulationConfig::validate)
      {"--scan spiral", "scan = 'spiral'"},  // not a valid spelling
      {"--split 2", "split = '2'"},          // not a share
      {"--objet lines", "--object"},         // unknown flag: did you mean
      {"--object image:" + dir.file("absent.png"), "absent.png"},  // unreadable picture
  };
  for (const auto& [flags, expected] : cases) {
    const auto r = run_cli("simulate -q " + flags + out);
    EXPECT_EQ(r.exit_code, 1) << flags << ": " << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << flags << ": " << r.err;
  }
  const auto missing = run_cli("simulate -q");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("--output"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::ifstream(dir.file("x.npz")).good());
}

TEST(CliSimulate, HelpListsTheFlagsWithDefaults) {
  const auto r = run_cli("simulate --help");
  ASSERT_EQ(r.exit_code, 0);
  for (const char* s : {"--object", "--object_size", "--object-size", "--phase_image", "--set_phi",
                        "--outer_offset", "--n_images", "--jitter", "--probe_scale", "--nphotons", "--noise",
                        "--seed", "--split", "--quiet", "lines", "1e+09"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  EXPECT_NE(run_cli("help").out.find("simulate"), std::string::npos);
}

}  // namespace
}  // namespace ptychopinn
