#include "ptychopinn/io/utf.h"

#include <cstring>
#include <stdexcept>

#include "ptychopinn/util/strings.h"

namespace ptychopinn::io {
namespace {

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

bool is_scalar_value(char32_t c) { return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

}  // namespace

std::u32string utf8_to_utf32(const std::string& utf8, const std::string& where) {
  std::u32string out;
  out.reserve(utf8.size());
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = s[i];
    std::size_t len = 0;
    char32_t c = 0;
    char32_t min = 0;
    if (b < 0x80) {
      len = 1, c = b, min = 0;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, c = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, c = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, c = b & 0x07, min = 0x10000;
    }
    bool ok = len > 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (s[i + k] & 0xC0) == 0x80;
      c = (c << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms and surrogates are rejected so that every string has one encoding.
    if (!ok || c < min || !is_scalar_value(c)) {
      throw std::invalid_argument(where + ": string " + quoted(utf8) + " is not valid UTF-8 at byte " +
                                  std::to_string(i) + "; expected UTF-8 text");
    }
    out += c;
    i += len;
  }
  return out;
}

std::string utf32_to_utf8(const std::uint8_t* units, std::size_t count) {
  std::size_t end = count;
  while (end > 0) {
    char32_t c;
    std::memcpy(&c, units + 4 * (end - 1), 4);
    if (c != 0) break;
    --end;
  }
  std::string out;
  out.reserve(end);
  for (std::size_t i = 0; i < end; ++i) {
    char32_t c;
    std::memcpy(&c, units + 4 * i, 4);
    append_utf8(out, is_scalar_value(c) ? c : char32_t{0xFFFD});
  }
  return out;
}

}  // namespace ptychopinn::io
