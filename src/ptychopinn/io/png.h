#pragma once
// PNG pictures through libpng: reading any PNG as a grey image (objects for the simulator) and
// writing 8-bit grey, grey+alpha, RGB and RGBA pictures (amplitude and phase images of results).
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn::io {

// A grey image, row-major: pixel (row r, column c) is values[r * width + c], in [0, 1].
struct GreyImage {
  std::int64_t width = 0;
  std::int64_t height = 0;
  std::vector<double> values;
  // What the file held: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (a palette image counts as RGB, or
  // RGBA with transparency), and the bits per sample (1, 2, 4, 8 or 16).
  int source_channels = 0;
  int source_bit_depth = 0;
};

// Reads the PNG at `path` (grey, grey + alpha, RGB, RGBA or palette; 1 to 16 bits per sample;
// interlaced or not). Grey levels are the stored sample divided by its maximum (255 or 65535; low
// bit depths are scaled up first, so 1-bit white is 1.0). Colour becomes luminance with the ITU-R
// BT.601 weights 0.299 R + 0.587 G + 0.114 B on the stored values (what PIL's convert("L") does; no
// gamma decoding). Alpha is ignored: a transparent pixel keeps the grey level of its colour.
// Throws IoError naming `path` for a missing or unreadable file, a file that is not a PNG ("not a
// PNG file: ..."), a truncated file ("truncated: ...") and any other libpng error (bad CRC, bad
// chunk), with libpng's words.
GreyImage read_png_grey(const std::string& path);

// Writes an 8-bit PNG of width × height pixels, row-major, `channels` bytes a pixel:
// 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (pixels holds width * height * channels bytes). The file
// appears atomically (io/atomic_file.h) and carries no timestamp, so the same pixels give the
// same bytes. Throws std::invalid_argument for width or height outside [1, 2^31 − 1], channels
// outside 1..4 or null pixels; IoError naming `path` when it cannot be written.
void write_png(const std::string& path, std::int64_t width, std::int64_t height, int channels,
               const std::uint8_t* pixels);

}  // namespace ptychopinn::io
