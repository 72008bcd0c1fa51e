#include "ptychopinn/io/png.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "ptychopinn/util/errors.h"
#include "support/run_command.h"

namespace ptychopinn::io {
namespace {

using ptychopinn::testing::TempDir;

// The message of whatever fn throws (IoError or std::invalid_argument), "" when it throws nothing.
template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// --- A minimal PNG encoder, independent of libpng, for the layouts write_png does not produce
// (16-bit, palette, 1-bit): zlib "stored" blocks need no compressor, CRC-32 and Adler-32 are short.

std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string chunk(const std::string& type, const std::string& data) {
  return be32(static_cast<std::uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

// A zlib stream of one stored (uncompressed) deflate block; fine for under 64 KiB.
std::string zlib_stored(const std::string& raw) {
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  const auto len = static_cast<std::uint16_t>(raw.size());
  std::string out = "\x78\x01";
  out += '\x01';  // BFINAL = 1, BTYPE = 00 (stored)
  out += static_cast<char>(len & 0xFF);
  out += static_cast<char>(len >> 8);
  out += static_cast<char>(~len & 0xFF);
  out += static_cast<char>((~len >> 8) & 0xFF);
  return out + raw + be32((b << 16) | a);
}

// rows: each row's bytes without the filter byte (filter 0 is added).
std::string make_png(std::uint32_t width, std::uint32_t height, int bit_depth, int colour_type,
                     const std::vector<std::string>& rows, const std::string& extra_chunks = "") {
  std::string ihdr = be32(width) + be32(height);
  ihdr += static_cast<char>(bit_depth);
  ihdr += static_cast<char>(colour_type);
  ihdr += std::string(3, '\0');  // deflate, adaptive filtering, no interlace
  std::string raw;
  for (const auto& r : rows) raw += '\0' + r;
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + extra_chunks +
         chunk("IDAT", zlib_stored(raw)) + chunk("IEND", "");
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Png, GreyRoundTripIsExact) {
  TempDir dir;
  std::vector<std::uint8_t> px(7 * 5);
  for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 7);
  write_png(dir.file("g.png"), 7, 5, 1, px.data());
  const GreyImage g = read_png_grey(dir.file("g.png"));
  EXPECT_EQ(g.width, 7);
  EXPECT_EQ(g.height, 5);
  EXPECT_EQ(g.source_channels, 1);
  EXPECT_EQ(g.source_bit_depth, 8);
  ASSERT_EQ(g.values.size(), px.size());
  for (std::size_t i = 0; i < px.size(); ++i) EXPECT_DOUBLE_EQ(g.values[i], px[i] / 255.0) << i;
}

TEST(Png, ColourBecomesBt601LuminanceAndAlphaIsIgnored) {
  TempDir dir;
  const std::uint8_t rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
  write_png(dir.file("rgb.png"), 2, 2, 3, rgb);
  const GreyImage a = read_png_grey(dir.file("rgb.png"));
  EXPECT_EQ(a.source_channels, 3);
  EXPECT_NEAR(a.values[0], 0.299, 1e-12);
  EXPECT_NEAR(a.values[1], 0.587, 1e-12);
  EXPECT_NEAR(a.values[2], 0.114, 1e-12);
  EXPECT_NEAR(a.values[3], 1.0, 1e-12);
  const std::uint8_t rgba[] = {255, 0, 0, 0, 0, 0, 255, 255};  // red, fully transparent; blue, opaque
  write_png(dir.file("rgba.png"), 2, 1, 4, rgba);
  const GreyImage b = read_png_grey(dir.file("rgba.png"));
  EXPECT_EQ(b.source_channels, 4);
  EXPECT_NEAR(b.values[0], 0.299, 1e-12);
  EXPECT_NEAR(b.values[1], 0.114, 1e-12);
  const std::uint8_t ga[] = {51, 0, 204, 255};
  write_png(dir.file("ga.png"), 2, 1, 2, ga);
  const GreyImage c = read_png_grey(dir.file("ga.png"));
  EXPECT_EQ(c.source_channels, 2);
  EXPECT_DOUBLE_EQ(c.values[0], 0.2);
  EXPECT_DOUBLE_EQ(c.values[1], 0.8);
}

TEST(Png, SixteenBitGreyAndRgbKeepFullPrecision) {
  TempDir dir;
  // Big-endian samples 0, 65535, 32768.
  write_file(dir.file("g16.png"), make_png(3, 1, 16, 0, {std::string("\x00\x00\xff\xff\x80\x00", 6)}));
  const GreyImage g = read_png_grey(dir.file("g16.png"));
  EXPECT_EQ(g.source_bit_depth, 16);
  EXPECT_DOUBLE_EQ(g.values[0], 0.0);
  EXPECT_DOUBLE_EQ(g.values[1], 1.0);
  EXPECT_DOUBLE_EQ(g.values[2], 32768.0 / 65535.0);
  // One RGB pixel (1, 2, 3) / 65535.
  write_file(dir.file("rgb16.png"), make_png(1, 1, 16, 2, {std::string("\x00\x01\x00\x02\x00\x03", 6)}));
  const GreyImage c = read_png_grey(dir.file("rgb16.png"));
  EXPECT_NEAR(c.values[0], (0.299 * 1 + 0.587 * 2 + 0.114 * 3) / 65535.0, 1e-15);
}

TEST(Png, PaletteAndOneBitImagesAreExpanded) {
  TempDir dir;
  const std::string palette = chunk("PLTE", std::string("\xff\x00\x00\x00\x00\xff", 6));  // red, blue
  write_file(dir.file("pal.png"), make_png(2, 1, 8, 3, {std::string("\x01\x00", 2)}, palette));
  const GreyImage p = read_png_grey(dir.file("pal.png"));
  EXPECT_EQ(p.source_channels, 3);
  EXPECT_NEAR(p.values[0], 0.114, 1e-12);
  EXPECT_NEAR(p.values[1], 0.299, 1e-12);
  // 1-bit grey: 8 pixels 1,0,1,1,0,0,0,1 in one byte.
  write_file(dir.file("bw.png"), make_png(8, 1, 1, 0, {std::string("\xb1", 1)}));
  const GreyImage b = read_png_grey(dir.file("bw.png"));
  EXPECT_EQ(b.source_bit_depth, 1);
  const std::vector<double> want = {1, 0, 1, 1, 0, 0, 0, 1};
  EXPECT_EQ(b.values, want);
}

TEST(Png, NotAPngTruncatedAndMissingFilesNameTheFileAndTheProblem) {
  TempDir dir;
  write_file(dir.file("text.png"), "hello, this is not a picture");
  std::string e = error_of([&] { read_png_grey(dir.file("text.png")); });
  EXPECT_NE(e.find(dir.file("text.png")), std::string::npos) << e;
  EXPECT_NE(e.find("not a PNG"), std::string::npos) << e;

  std::vector<std::uint8_t> px(64 * 64, 100);
  write_png(dir.file("full.png"), 64, 64, 1, px.data());
  const std::string bytes = read_file(dir.file("full.png"));
  write_file(dir.file("cut.png"), bytes.substr(0, bytes.size() / 2));
  e = error_of([&] { read_png_grey(dir.file("cut.png")); });
  EXPECT_NE(e.find(dir.file("cut.png")), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;

  std::string bad_crc = make_png(1, 1, 8, 0, {std::string("\x10", 1)});
  bad_crc[8 + 8 + 13] ^= 1;  // the first byte of IHDR's CRC
  write_file(dir.file("crc.png"), bad_crc);
  e = error_of([&] { read_png_grey(dir.file("crc.png")); });
  EXPECT_NE(e.find("malformed PNG"), std::string::npos) << e;
  EXPECT_NE(e.find("CRC"), std::string::npos) << e;

  e = error_of([&] { read_png_grey(dir.file("absent.png")); });
  EXPECT_NE(e.find(dir.file("absent.png")), std::string::npos) << e;
  EXPECT_THROW(read_png_grey(dir.file("absent.png")), IoError);
}

TEST(Png, WriteIsDeterministicAtomicAndChecksItsArguments) {
  TempDir dir;
  const std::uint8_t px[] = {1, 2, 3, 4, 5, 6};
  write_png(dir.file("a.png"), 2, 1, 3, px);
  write_png(dir.file("b.png"), 2, 1, 3, px);
  EXPECT_EQ(read_file(dir.file("a.png")), read_file(dir.file("b.png")));
  int n_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++n_files;
  }
  EXPECT_EQ(n_files, 2) << "no temporary file is left behind";
  EXPECT_NE(error_of([&] { write_png(dir.file("c.png"), 2, 1, 5, px); }).find("channels = 5"),
            std::string::npos);
  EXPECT_NE(error_of([&] { write_png(dir.file("c.png"), 0, 1, 1, px); }).find("size = 0 x 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { write_png(dir.file("c.png"), 1, 1, 1, nullptr); }).find("pixels"),
            std::string::npos);
  const std::string e = error_of([&] { write_png(dir.file("no/such/dir/c.png"), 2, 1, 3, px); });
  EXPECT_NE(e.find("no/such/dir/c.png"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.png")));
}

}  // namespace
}  // namespace ptychopinn::io
