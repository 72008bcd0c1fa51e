#pragma once
// Small string helpers used in messages.
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn {

// "[64, 64, 1200]"
std::string format_shape(const std::vector<std::int64_t>& shape);

// Joins items with sep: join({"a","b"}, ", ") == "a, b".
std::string join(const std::vector<std::string>& items, const std::string& sep);

// Quotes and escapes a string for a message: quoted("a\nb") == "'a\\nb'"; non-printable bytes as \xNN.
std::string quoted(const std::string& s);

}  // namespace ptychopinn
