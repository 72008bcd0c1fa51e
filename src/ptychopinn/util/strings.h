#pragma once
// Small string helpers used in messages.
#include <cstdint>
#include <string>
#include <vector>

namespace ptychopinn {

// "[64, 64, 1200]"
std::string format_shape(const std::vector<std::int64_t>& shape);

// A number as a stream prints it by default (6 significant digits): format_number(0.5) == "0.5".
std::string format_number(double value);

// Joins items with sep: join({"a","b"}, ", ") == "a, b".
std::string join(const std::vector<std::string>& items, const std::string& sep);

// Quotes and escapes a string for a message: quoted("a\nb") == "'a\\nb'"; non-printable bytes as \xNN.
std::string quoted(const std::string& s);
// For a non-const string argument, argument-dependent lookup also finds std::quoted(std::string&),
// an exact match that would beat the const overload (it then fails to concatenate); this
// overload is the better match, so unqualified quoted(...) always means ours.
inline std::string quoted(std::string& s) { return quoted(static_cast<const std::string&>(s)); }

}  // namespace ptychopinn
