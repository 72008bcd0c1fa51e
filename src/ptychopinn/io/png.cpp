// PNG reading and writing with libpng's full API.
//
// libpng reports errors by longjmp to a setjmp point. A longjmp that skips a C++ destructor is
// undefined behaviour, so every call into libpng sits in a small function (read_header,
// read_pixels, encode) whose frame holds only trivially destructible locals; it returns false on
// error with libpng's message in the context, and the C++ code around it throws. Our error handler
// never throws through libpng's C frames either.
#include "ptychopinn/io/png.h"

#include <png.h>

#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "ptychopinn/io/atomic_file.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

constexpr std::size_t kSignatureSize = 8;

// State shared with libpng's callbacks; plain data, so longjmp may leave frames that hold it.
struct Context {
  char message[256] = {};
  // Reading: the whole file in memory, and the read position.
  const unsigned char* bytes = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
  bool truncated = false;
  // Writing: a malloc'd growing buffer (freed by the caller).
  unsigned char* out = nullptr;
  std::size_t out_size = 0;
  std::size_t out_capacity = 0;
};

Context* context_of(png_structp png) { return static_cast<Context*>(png_get_error_ptr(png)); }

void on_error(png_structp png, png_const_charp message) {
  Context* ctx = context_of(png);
  std::strncpy(ctx->message, message != nullptr ? message : "libpng error", sizeof ctx->message - 1);
  png_longjmp(png, 1);
}

// Warnings (an unknown chunk, a bad gamma value) do not stop the read; they are not worth a line
// on stderr either.
void on_warning(png_structp, png_const_charp) {}

void read_bytes(png_structp png, png_bytep dst, png_size_t n) {
  auto* ctx = static_cast<Context*>(png_get_io_ptr(png));
  if (n > ctx->size - ctx->pos) {
    ctx->truncated = true;
    png_error(png, "the file ends before the image data does");
  }
  std::memcpy(dst, ctx->bytes + ctx->pos, n);
  ctx->pos += n;
}

void write_bytes(png_structp png, png_bytep src, png_size_t n) {
  auto* ctx = static_cast<Context*>(png_get_io_ptr(png));
  if (n > ctx->out_capacity - ctx->out_size) {
    std::size_t capacity = ctx->out_capacity > 0 ? ctx->out_capacity : 4096;
    while (capacity - ctx->out_size < n) capacity *= 2;
    auto* grown = static_cast<unsigned char*>(std::realloc(ctx->out, capacity));
    if (grown == nullptr) png_error(png, "out of memory");
    ctx->out = grown;
    ctx->out_capacity = capacity;
  }
  std::memcpy(ctx->out + ctx->out_size, src, n);
  ctx->out_size += n;
}

void flush_nothing(png_structp) {}

struct Header {
  png_uint_32 width = 0, height = 0;
  int source_channels = 0, source_bit_depth = 0;
  int channels = 0, bit_depth = 0;  // after the transforms: 1..4 channels of 8 or 16 bits
  std::size_t row_bytes = 0;
};

// Reads the header and sets the transforms: palette to RGB, low bit depths to 8. 16-bit samples
// stay big endian (as stored) and are decoded by hand.
bool read_header(png_structp png, png_infop info, Context* ctx, Header* h) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_read_fn(png, ctx, read_bytes);
  png_read_info(png, info);
  h->width = png_get_image_width(png, info);
  h->height = png_get_image_height(png, info);
  h->source_bit_depth = png_get_bit_depth(png, info);
  const int colour = png_get_color_type(png, info);
  const bool has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  if (colour == PNG_COLOR_TYPE_PALETTE) {
    h->source_channels = has_trns ? 4 : 3;
    png_set_palette_to_rgb(png);
  } else {
    h->source_channels = png_get_channels(png, info);
    if (colour == PNG_COLOR_TYPE_GRAY && h->source_bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  h->channels = png_get_channels(png, info);
  h->bit_depth = png_get_bit_depth(png, info);
  h->row_bytes = png_get_rowbytes(png, info);
  return true;
}

bool read_pixels(png_structp png, png_infop info, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_image(png, rows);
  png_read_end(png, info);
  return true;
}

bool encode(png_structp png, png_infop info, Context* ctx, png_uint_32 width, png_uint_32 height, int colour,
            png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_write_fn(png, ctx, write_bytes, flush_nothing);
  png_set_IHDR(png, info, width, height, 8, colour, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, info);
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error(path, "cannot open the file for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw_io_error(path, "read error");
  return bytes;
}

// The luminance of one pixel of 8- or 16-bit big-endian samples, in [0, 1].
double grey_level(const png_byte* px, int channels, int bit_depth) {
  auto sample = [&](int c) {
    return bit_depth == 16 ? static_cast<double>((px[2 * c] << 8) | px[2 * c + 1]) / 65535.0
                           : static_cast<double>(px[c]) / 255.0;
  };
  if (channels >= 3) return 0.299 * sample(0) + 0.587 * sample(1) + 0.114 * sample(2);
  return sample(0);
}

}  // namespace

GreyImage read_png_grey(const std::string& path) {
  const std::string bytes = read_file(path);
  if (bytes.size() < kSignatureSize ||
      png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, kSignatureSize) != 0) {
    throw_io_error(path, "not a PNG file: it does not start with the PNG signature (\\x89PNG\\r\\n\\x1a\\n)");
  }
  Context ctx;
  ctx.bytes = reinterpret_cast<const unsigned char*>(bytes.data());
  ctx.size = bytes.size();
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
  if (png == nullptr) throw_io_error(path, "libpng could not start a reader");
  png_infop info = png_create_info_struct(png);
  struct Release {
    png_structp* png;
    png_infop* info;
    ~Release() { png_destroy_read_struct(png, info, nullptr); }
  } release{&png, &info};
  if (info == nullptr) throw_io_error(path, "libpng could not start a reader");
  auto fail = [&]() {
    throw_io_error(path, std::string(ctx.truncated ? "truncated: " : "malformed PNG: ") + ctx.message);
  };

  Header h;
  if (!read_header(png, info, &ctx, &h)) fail();
  GreyImage image;
  image.width = h.width;
  image.height = h.height;
  image.source_channels = h.source_channels;
  image.source_bit_depth = h.source_bit_depth;
  std::vector<png_byte> pixels(h.row_bytes * h.height);
  std::vector<png_bytep> rows(h.height);
  for (png_uint_32 r = 0; r < h.height; ++r) rows[r] = pixels.data() + r * h.row_bytes;
  if (!read_pixels(png, info, rows.data())) fail();

  const std::size_t pixel_bytes = static_cast<std::size_t>(h.channels) * (h.bit_depth == 16 ? 2 : 1);
  image.values.resize(static_cast<std::size_t>(h.width) * h.height);
  for (png_uint_32 r = 0; r < h.height; ++r) {
    for (png_uint_32 c = 0; c < h.width; ++c) {
      image.values[static_cast<std::size_t>(r) * h.width + c] =
          grey_level(rows[r] + c * pixel_bytes, h.channels, h.bit_depth);
    }
  }
  return image;
}

void write_png(const std::string& path, std::int64_t width, std::int64_t height, int channels,
               const std::uint8_t* pixels) {
  constexpr std::int64_t kMaxSide = std::numeric_limits<std::int32_t>::max();  // the PNG limit
  if (width < 1 || width > kMaxSide || height < 1 || height > kMaxSide) {
    throw std::invalid_argument("write_png: " + path + ": size = " + std::to_string(width) + " x " +
                                std::to_string(height) + "; expected width and height in [1, 2^31 - 1]");
  }
  if (channels < 1 || channels > 4) {
    throw std::invalid_argument("write_png: " + path + ": channels = " + std::to_string(channels) +
                                "; expected 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)");
  }
  if (pixels == nullptr)
    throw std::invalid_argument("write_png: " + path + ": pixels = null; expected pixel data");
  static constexpr int kColour[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                    PNG_COLOR_TYPE_RGB_ALPHA};
  Context ctx;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
  if (png == nullptr) throw_io_error(path, "libpng could not start a writer");
  png_infop info = png_create_info_struct(png);
  struct Release {
    png_structp* png;
    png_infop* info;
    Context* ctx;
    ~Release() {
      png_destroy_write_struct(png, info);
      std::free(ctx->out);
    }
  } release{&png, &info, &ctx};
  if (info == nullptr) throw_io_error(path, "libpng could not start a writer");
  const auto row_bytes = static_cast<std::size_t>(width) * static_cast<std::size_t>(channels);
  std::vector<png_bytep> rows(static_cast<std::size_t>(height));
  // libpng's row pointers are not const, but png_write_image only reads them.
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = const_cast<png_bytep>(pixels + r * row_bytes);
  if (!encode(png, info, &ctx, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
              kColour[channels - 1], rows.data())) {
    throw_io_error(path, std::string("cannot encode the PNG: ") + ctx.message);
  }
  write_file_atomic(path, std::string(reinterpret_cast<const char*>(ctx.out), ctx.out_size));
}

}  // namespace ptychopinn::io
