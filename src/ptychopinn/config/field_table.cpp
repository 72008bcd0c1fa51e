#include "ptychopinn/config/field_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "ptychopinn/util/strings.h"

namespace ptychopinn::config {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// YAML's null spellings (the core schema's, plus an empty value).
bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Python's None, accepted for optional fields only (so "none" stays a valid enum spelling).
bool is_none_word(const std::string& s) { return s == "none" || s == "None" || s == "NONE"; }

std::optional<bool> parse_bool(const std::string& s) {
  const std::string l = lower(s);
  if (l == "true" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "no" || l == "off") return false;
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  for (std::size_t j = i; j < s.size(); ++j) {
    if (!is_digit(s[j])) return std::nullopt;
  }
  // from_chars takes '-' but not '+'.
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Decimal numbers only: [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]. No hex, inf, nan.
std::optional<double> parse_float(const std::string& s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const char* first = s.data() + (s[0] == '+' ? 1 : 0);
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

[[noreturn]] void throw_mismatch(const RawValue& raw, FieldType type, bool optional,
                                 const std::vector<std::string>& choices, const std::string& key) {
  throw_bad_value("", key, display(raw), expected_text(type, optional, choices));
}

}  // namespace

std::string to_string(FieldType t) {
  switch (t) {
    case FieldType::kBool:
      return "bool";
    case FieldType::kInt:
      return "int";
    case FieldType::kFloat:
      return "float";
    case FieldType::kPath:
      return "path";
    case FieldType::kEnum:
      return "enum";
  }
  return "?";
}

std::string display(const RawValue& raw) {
  switch (raw.kind) {
    case RawValue::Kind::kQuotedText:
      return quoted(raw.text);
    case RawValue::Kind::kNull:
      return "null";
    case RawValue::Kind::kText:
      // Plain text is shown as typed, unless it would be invisible or ambiguous.
      if (raw.text.empty() || std::any_of(raw.text.begin(), raw.text.end(), [](unsigned char c) {
            return std::isspace(c) || !std::isprint(c);
          })) {
        return quoted(raw.text);
      }
      return raw.text;
    case RawValue::Kind::kSequence:
    case RawValue::Kind::kMapping:
      return raw.text;
  }
  return raw.text;
}

std::string expected_text(FieldType type, bool optional, const std::vector<std::string>& choices) {
  std::string s;
  switch (type) {
    case FieldType::kBool:
      s = "a boolean (true/false)";
      break;
    case FieldType::kInt:
      s = "an integer";
      break;
    case FieldType::kFloat:
      s = "a finite number";
      break;
    case FieldType::kPath:
      s = "a path";
      break;
    case FieldType::kEnum:
      s = "one of " + join(choices, ", ");
      break;
  }
  return optional ? s + " or null" : s;
}

std::string type_name(FieldType type, bool optional, const std::vector<std::string>& choices) {
  const std::string s = type == FieldType::kEnum ? "one of " + join(choices, ", ") : to_string(type);
  return optional ? s + " or null" : s;
}

FieldValue parse_raw_value(const RawValue& raw, FieldType type, bool optional,
                           const std::vector<std::string>& choices, const std::string& key) {
  using Kind = RawValue::Kind;
  if (raw.kind == Kind::kSequence || raw.kind == Kind::kMapping) {
    throw_mismatch(raw, type, optional, choices, key);
  }
  const bool plain = raw.kind == Kind::kText;
  if (raw.kind == Kind::kNull || (plain && is_null_word(raw.text)) ||
      (plain && optional && is_none_word(raw.text))) {
    if (optional) return std::monostate{};
    throw_mismatch(RawValue::null(), type, optional, choices, key);
  }
  const std::string& s = raw.text;
  switch (type) {
    case FieldType::kBool:
      if (auto b = parse_bool(s)) return *b;
      break;
    case FieldType::kInt:
      if (auto i = parse_int(s)) return *i;
      break;
    case FieldType::kFloat:
      if (auto d = parse_float(s)) return *d;
      break;
    case FieldType::kPath:
    case FieldType::kEnum:
      return s;  // enum spellings are checked by the field's setter
  }
  throw_mismatch(raw, type, optional, choices, key);
}

std::string format_double(double x) {
  if (!std::isfinite(x)) return std::isnan(x) ? ".nan" : (x > 0 ? ".inf" : "-.inf");
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, x);
    if (std::strtod(buf, nullptr) == x) break;
  }
  std::string s = buf;
  const std::size_t e = s.find('e');
  if (s.find('.') == std::string::npos) {
    if (e == std::string::npos) {
      s += ".0";
    } else {
      s.insert(e, ".0");
    }
  }
  return s;
}

std::string format_value(const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "null";
  if (auto p = std::get_if<bool>(&v)) return *p ? "true" : "false";
  if (auto p = std::get_if<std::int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return format_double(*p);
  return std::get<std::string>(v);
}

nlohmann::json value_to_json(const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return nullptr;
  if (auto p = std::get_if<bool>(&v)) return *p;
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return *p;
  return std::get<std::string>(v);
}

RawValue raw_from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return RawValue::null();
    case nlohmann::json::value_t::string:
      return RawValue::quoted_text(j.get<std::string>());
    case nlohmann::json::value_t::array:
      return {RawValue::Kind::kSequence, j.dump()};
    case nlohmann::json::value_t::object:
      return {RawValue::Kind::kMapping, j.dump()};
    default:
      return RawValue::plain(j.dump());  // numbers and booleans, as JSON writes them
  }
}

namespace detail {

std::int64_t to_int_checked(std::int64_t v, const std::string& key) {
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw_bad_value("", key, std::to_string(v),
                    "an integer in [" + std::to_string(std::numeric_limits<int>::min()) + ", " +
                        std::to_string(std::numeric_limits<int>::max()) + "]");
  }
  return v;
}

void throw_type_mismatch(const std::string& key) {
  // Reached only when a caller bypasses parse_raw_value with a value of the wrong kind.
  throw ConfigError("", key, key + ": value of the wrong type for this field");
}

}  // namespace detail
}  // namespace ptychopinn::config
