// ptychodus' assembled diffraction file: our writer and reader round-trip exactly; h5py sees LZF
// datasets of the types ptychodus' import_assembled_patterns reads (ptychodus_diffraction_check.py);
// files h5py writes as ptychodus does (uint16, LZF, bool mask) and with gzip read back; bad files and
// bad values fail naming the file, the dataset and what was expected.
#include "ptychopinn/io/ptychodus_diffraction.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "h5py_available.h"
#include "ptychopinn/io/lzf_filter.h"
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

constexpr std::int64_t kN = 5, kH = 4, kW = 6;

// value(n, r, c) of ptychodus_diffraction_check.py.
float value(std::int64_t n, std::int64_t r, std::int64_t c) {
  return static_cast<float>((7 * n + 3 * r + c) % 1000);
}

AssembledDiffraction sample(std::int64_t count = kN, std::int64_t h = kH, std::int64_t w = kW) {
  AssembledDiffraction d;
  d.count = count;
  d.height = h;
  d.width = w;
  for (std::int64_t n = 0; n < count; ++n) {
    for (std::int64_t r = 0; r < h; ++r) {
      for (std::int64_t c = 0; c < w; ++c) d.patterns.push_back(value(n, r, c) + 0.25f);
    }
    d.indexes.push_back(n);
  }
  d.bad_pixels.assign(static_cast<size_t>(h * w), 0);
  d.bad_pixels[0] = d.bad_pixels[static_cast<size_t>(w + 2)] = 1;
  return d;
}

std::string diffraction_checker() {
  return std::string(PTYCHOPINN_SOURCE_DIR) + "/tests/io/ptychodus_diffraction_check.py";
}

TEST(PtychodusDiffraction, RoundTripsThroughOurReader) {
  TempDir dir;
  const AssembledDiffraction want = sample();
  write_assembled_diffraction(dir.file("diffraction.h5"), want);
  std::vector<std::string> notes;
  const AssembledDiffraction got = read_assembled_diffraction(dir.file("diffraction.h5"), &notes);
  EXPECT_EQ(got.count, kN);
  EXPECT_EQ(got.height, kH);
  EXPECT_EQ(got.width, kW);
  EXPECT_EQ(got.patterns, want.patterns);
  EXPECT_EQ(got.indexes, want.indexes);
  EXPECT_EQ(got.bad_pixels, want.bad_pixels);
  EXPECT_EQ(got.stored_type, "float32");
  EXPECT_TRUE(notes.empty());
}

TEST(PtychodusDiffraction, LzfShrinksCompressibleDataAndRoundTripsManyChunks) {
  TempDir dir;
  // 300 patterns of 64 x 64 zeros but one bright pixel: 4.9 MB raw, several 1 MiB chunks.
  AssembledDiffraction d;
  d.count = 300;
  d.height = d.width = 64;
  d.patterns.assign(static_cast<size_t>(300 * 64 * 64), 0.0f);
  for (std::int64_t n = 0; n < 300; ++n) {
    d.patterns[static_cast<size_t>(n * 64 * 64 + 32 * 64 + 32)] = static_cast<float>(n);
    d.indexes.push_back(n);
  }
  d.bad_pixels.assign(64 * 64, 0);
  write_assembled_diffraction(dir.file("d.h5"), d);
  std::ifstream in(dir.file("d.h5"), std::ios::binary | std::ios::ate);
  EXPECT_LT(static_cast<std::int64_t>(in.tellg()), 1'000'000) << "LZF should shrink 4.9 MB of zeros";
  EXPECT_EQ(read_assembled_diffraction(dir.file("d.h5")).patterns, d.patterns);
}

TEST(PtychodusDiffraction, H5pySeesLzfDatasetsOfPtychodusTypes) {
  SKIP_WITHOUT_H5PY();
  TempDir dir;
  const AssembledDiffraction d = sample();
  write_assembled_diffraction(dir.file("diffraction.h5"), d);
  const auto result =
      run_command(python3() + " " + diffraction_checker() + " check " + dir.file("diffraction.h5"));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  double sum = 0;
  for (float v : d.patterns) sum += v;
  EXPECT_NE(result.out.find("shape 5 4 6"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("bad 2"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("indexes 0 1 2 3 4"), std::string::npos) << result.out;
  const auto at = result.out.find("sum ");
  ASSERT_NE(at, std::string::npos) << result.out;
  EXPECT_DOUBLE_EQ(std::stod(result.out.substr(at + 4)), sum);
}

TEST(PtychodusDiffraction, ReadsFilesWrittenByH5pyWithLzfOrGzip) {
  SKIP_WITHOUT_H5PY();
  TempDir dir;
  const auto made = run_command(python3() + " " + diffraction_checker() + " write " + dir.path());
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;

  const AssembledDiffraction a = read_assembled_diffraction(dir.file("ptychodus.h5"));
  EXPECT_EQ(a.stored_type, "uint16");
  ASSERT_EQ(a.count, kN);
  ASSERT_EQ(a.height, kH);
  ASSERT_EQ(a.width, kW);
  for (std::int64_t n = 0; n < kN; ++n) {
    for (std::int64_t r = 0; r < kH; ++r) {
      for (std::int64_t c = 0; c < kW; ++c) {
        ASSERT_EQ(a.patterns[static_cast<size_t>((n * kH + r) * kW + c)], value(n, r, c))
            << n << " " << r << " " << c;
      }
    }
  }
  EXPECT_EQ(a.indexes, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  std::vector<std::uint8_t> bad(kH * kW, 0);
  bad[0] = bad[kW + 2] = 1;
  EXPECT_EQ(a.bad_pixels, bad);
  EXPECT_NO_THROW(a.validate());

  std::vector<std::string> notes;
  const AssembledDiffraction b = read_assembled_diffraction(dir.file("gzip.h5"), &notes);
  EXPECT_EQ(b.stored_type, "float64");
  EXPECT_EQ(b.patterns, a.patterns);
  EXPECT_EQ(b.indexes, (std::vector<std::int64_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(b.bad_pixels, std::vector<std::uint8_t>(kH * kW, 0));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("no dataset 'bad_pixels'"), std::string::npos) << notes[0];

  EXPECT_NE(io_error_of([&] {
              read_assembled_diffraction(dir.file("flat.h5"));
            }).find("dataset 'patterns' has shape [4, 6]; expected [N, H, W]"),
            std::string::npos);
  const std::string short_indexes =
      io_error_of([&] { read_assembled_diffraction(dir.file("short_indexes.h5")); });
  EXPECT_NE(short_indexes.find("short_indexes.h5"), std::string::npos) << short_indexes;
  EXPECT_NE(short_indexes.find("dataset 'indexes' has 3 values; expected one per pattern (5)"),
            std::string::npos)
      << short_indexes;
  const std::string no_patterns =
      io_error_of([&] { read_assembled_diffraction(dir.file("no_patterns.h5")); });
  EXPECT_NE(no_patterns.find("no dataset 'patterns'; expected a ptychodus assembled diffraction file"),
            std::string::npos)
      << no_patterns;
}

TEST(PtychodusDiffraction, RefusesFilesThatAreNotDiffractionData) {
  TempDir dir;
  const std::string missing = io_error_of([&] { read_assembled_diffraction(dir.file("none.h5")); });
  EXPECT_NE(missing.find("none.h5"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no such file"), std::string::npos) << missing;

  std::ofstream(dir.file("text.h5")) << "not HDF5 at all";
  const std::string text = io_error_of([&] { read_assembled_diffraction(dir.file("text.h5")); });
  EXPECT_NE(text.find("not an HDF5 file"), std::string::npos) << text;

  write_assembled_diffraction(dir.file("whole.h5"), sample());
  std::string bytes;
  {
    std::ifstream in(dir.file("whole.h5"), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::ofstream(dir.file("truncated.h5"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const std::string truncated = io_error_of([&] { read_assembled_diffraction(dir.file("truncated.h5")); });
  EXPECT_NE(truncated.find("truncated.h5"), std::string::npos) << truncated;

  const std::string directory = io_error_of([&] { read_assembled_diffraction(dir.path() + "/"); });
  EXPECT_NE(directory.find("is a directory"), std::string::npos) << directory;
  EXPECT_TRUE(truncated.find("cannot open") != std::string::npos ||
              truncated.find("cannot read") != std::string::npos)
      << truncated;
}

TEST(PtychodusDiffraction, ValidateNamesTheBadValue) {
  AssembledDiffraction d = sample();
  d.patterns[static_cast<size_t>((2 * kH + 1) * kW + 3)] = std::numeric_limits<float>::quiet_NaN();
  const std::string nan = error_of([&] { d.validate(); });
  EXPECT_NE(nan.find("diffraction.patterns: pattern 2, row 1, column 3"), std::string::npos) << nan;
  EXPECT_NE(nan.find("expected a finite count >= 0"), std::string::npos) << nan;

  d = sample();
  d.patterns[0] = -1;
  EXPECT_NE(error_of([&] { d.validate(); }).find("pattern 0, row 0, column 0"), std::string::npos);

  d = sample();
  d.indexes[3] = 1;
  EXPECT_NE(error_of([&] { d.validate(); }).find("diffraction.indexes: value 1 repeats"), std::string::npos);

  d = sample();
  d.bad_pixels.pop_back();
  EXPECT_NE(error_of([&] { d.validate(); }).find("diffraction.bad_pixels: size = 23; expected H * W = 24"),
            std::string::npos);

  // The writer validates before touching the file system.
  TempDir dir;
  EXPECT_THROW(write_assembled_diffraction(dir.file("bad.h5"), d), std::invalid_argument);
  EXPECT_FALSE(std::ifstream(dir.file("bad.h5")).good());
}

TEST(PtychodusDiffraction, RegisteringTheFilterTwiceIsHarmless) {
  EXPECT_NO_THROW(register_lzf_filter());
  EXPECT_NO_THROW(register_lzf_filter());
}

}  // namespace
}  // namespace ptychopinn::io
