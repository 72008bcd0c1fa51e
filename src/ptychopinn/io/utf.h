#pragma once
// UTF-8 <-> UTF-32 conversion for NumPy unicode ('<U') arrays: UTF-32 in files, UTF-8 to callers.
#include <cstddef>
#include <cstdint>
#include <string>

namespace ptychopinn::io {

// Decodes UTF-8 into code points. Throws std::invalid_argument ("<where>: string ... is not valid
// UTF-8 at byte N") on malformed input, overlong forms, surrogates and values above U+10FFFF.
std::u32string utf8_to_utf32(const std::string& utf8, const std::string& where);

// Encodes `count` native-endian UTF-32 code units read from `units` (any alignment) as UTF-8,
// stopping before trailing NULs as NumPy does. A unit that is not a Unicode scalar value becomes
// U+FFFD.
std::string utf32_to_utf8(const std::uint8_t* units, std::size_t count);

}  // namespace ptychopinn::io
