#pragma once
// The field table: one row per configuration field, the single source of truth
// for YAML and JSON files, `--set key=value`, generated `--<key>` CLI flags, the legacy params
// dictionary, and the documentation the CLI prints.
//
// A row knows its key (the Python PtychoPINN field name, which is the YAML key and the flag name),
// its legacy params key, its type, its documentation, and how to read and write its value in a
// config struct. The tables themselves are model_fields() (model_config.h), runtime_fields()
// (runtime_config.h), training_fields() (training_config.h) and inference_fields()
// (inference_config.h); this header holds the machinery they share.
//
// Text values are parsed the same way wherever they come from (parse_raw_value):
//   bool   true/false, yes/no, on/off (any case; YAML 1.1 spellings), also when quoted: "False" is
//          false. Nothing else (not 0/1).
//   int    an optional sign and decimal digits. 1.5, 1e3 and "ten" are errors.
//   float  a decimal number with optional exponent: 1e6, 1E6, 1e+6, 1.0e6, .5, 3 (unlike PyYAML,
//          which reads 1e6 as a string). Non-finite values (.inf, nan) are errors.
//   path   any scalar text.
//   enum   one of the spellings of its to_string (enums.h).
//   null   ~, null, Null, NULL or an empty value (YAML); also none/None/NONE for optional fields.
//          Only optional fields accept null. Quoted text is never null.
// Sequences and mappings are errors for every field.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/enums.h"

namespace ptychopinn::config {

// What a field holds. to_string gives the name shown in help and messages ("int", "float", ...).
// (No parse_field_type: field types are never read from text.)
enum class FieldType { kBool, kInt, kFloat, kPath, kEnum };
std::string to_string(FieldType t);

// A typed value: null (std::monostate, optional fields only), bool, int, float, or text (paths and
// enum spellings).
using FieldValue = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

// A value as read from a file or a command line, before it is given a field's type.
struct RawValue {
  enum class Kind {
    kText,        // YAML plain scalar, command-line text, JSON number or bool (as text)
    kQuotedText,  // YAML quoted or !!str scalar, JSON string: never null
    kNull,        // YAML null (~, null, empty), JSON null
    kSequence,    // a list: always an error for a field
    kMapping,     // a mapping: always an error for a field (except the nested `model:` key)
  };
  Kind kind = Kind::kText;
  std::string text;  // the scalar's text; for sequences and mappings a compact rendering

  static RawValue plain(std::string t) { return {Kind::kText, std::move(t)}; }
  static RawValue quoted_text(std::string t) { return {Kind::kQuotedText, std::move(t)}; }
  static RawValue null() { return {Kind::kNull, "null"}; }
};

// How a raw value is shown in messages: plain text as is, quoted text in quotes.
std::string display(const RawValue& raw);

// One key = value setting and where it came from, the unit every source is reduced to (profiles,
// YAML, JSON, --set, CLI flags). Keys of a nested `model:` mapping arrive as "model.<key>".
struct Setting {
  std::string key;  // "nepochs", "model.N", "device"
  RawValue value;
  std::string origin;  // "run.yaml:3", "--set", "--nepochs", "profile paper-2023"
};

// "a boolean (true/false)", "an integer", "a number", "a path", "one of pinn, supervised",
// each followed by " or null" when optional: the <constraint> of a type error.
std::string expected_text(FieldType type, bool optional, const std::vector<std::string>& choices);

// "int", "float or null", "one of pinn, supervised": a field's type as shown in help.
std::string type_name(FieldType type, bool optional, const std::vector<std::string>& choices);

// Parses raw as a value of the given type (rules at the top of this file). Throws ConfigError
// (no origin) "<key> = <value>; expected <expected_text>" when it does not fit.
FieldValue parse_raw_value(const RawValue& raw, FieldType type, bool optional,
                           const std::vector<std::string>& choices, const std::string& key);

// Text form of a value, which parse_raw_value reads back to the same value: "null", "true", "64",
// "1.0e+09", "0.5", "training_outputs". Floats use the shortest text that round-trips exactly and
// always carry a '.' (so that other YAML readers see a float too).
std::string format_value(const FieldValue& v);
std::string format_double(double x);
// A value as validation messages show it.
inline std::string describe_value(int v) { return std::to_string(v); }
inline std::string describe_value(double v) { return format_double(v); }

// JSON form of a value: null, bool, integer, float (always a JSON float: 2.0 stays 2.0), string.
nlohmann::json value_to_json(const FieldValue& v);
// A JSON value as a raw value (strings are quoted text, numbers and bools plain text).
RawValue raw_from_json(const nlohmann::json& j);

// One row of a field table for config type Config.
template <class Config>
struct Field {
  std::string key;         // the Python field name: YAML key, --set key, --<key> flag
  std::string legacy_key;  // key in the legacy params dict ("object.big"); "" = not a legacy key
  std::string group;       // "model" (lives in Config::model), "runtime", or "" (Config itself)
  FieldType type = FieldType::kInt;
  bool optional = false;             // accepts null (std::optional member)
  std::vector<std::string> choices;  // valid spellings of an enum field
  std::string doc;                   // meaning, unit, default, when to change it
  std::function<FieldValue(const Config&)> get;
  // Sets the member from a value of this field's type; throws ConfigError (no origin) when it
  // does not fit (an enum spelling, an int out of range).
  std::function<void(Config&, const FieldValue&)> set;

  // "int", "float or null", "one of pinn, supervised" ...
  std::string type_name() const;
  // The current value as text (format_value).
  std::string value_string(const Config& c) const { return format_value(get(c)); }
  // Parses text as typed on a command line and sets it; throws ConfigError (no origin).
  void set_from_string(Config& c, const std::string& text) const { set_from_raw(c, RawValue::plain(text)); }
  void set_from_raw(Config& c, const RawValue& raw) const {
    set(c, parse_raw_value(raw, type, optional, choices, key));
  }
};

// The row for key, which may be bare ("N") or qualified by the row's group ("model.N",
// "runtime.device"); nullptr when there is none.
template <class Config>
const Field<Config>* find_field(const std::vector<Field<Config>>& fields, const std::string& key) {
  for (const auto& f : fields) {
    if (f.key == key || (!f.group.empty() && f.group + "." + f.key == key)) return &f;
  }
  return nullptr;
}

// The row whose legacy_key is key; nullptr when there is none.
template <class Config>
const Field<Config>* find_legacy_field(const std::vector<Field<Config>>& fields, const std::string& key) {
  for (const auto& f : fields) {
    if (!f.legacy_key.empty() && f.legacy_key == key) return &f;
  }
  return nullptr;
}

// The bare keys of a table, in order.
template <class Config>
std::vector<std::string> field_keys(const std::vector<Field<Config>>& fields) {
  std::vector<std::string> keys;
  for (const auto& f : fields) keys.push_back(f.key);
  return keys;
}

// True when every field of the table reads equal in a and b.
template <class Config>
bool fields_equal(const std::vector<Field<Config>>& fields, const Config& a, const Config& b) {
  for (const auto& f : fields) {
    if (f.get(a) != f.get(b)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Building rows from member pointers (used by the *_config.cpp tables).

namespace detail {

std::int64_t to_int_checked(std::int64_t v, const std::string& key);  // throws if not an int
[[noreturn]] void throw_type_mismatch(const std::string& key);        // internal: wrong variant

template <class M, class = void>
struct Codec;

template <>
struct Codec<bool> {
  static constexpr FieldType kType = FieldType::kBool;
  static std::vector<std::string> choices() { return {}; }
  static FieldValue to_value(bool v) { return v; }
  static bool from_value(const FieldValue& v, const std::string& key) {
    if (auto p = std::get_if<bool>(&v)) return *p;
    throw_type_mismatch(key);
  }
};

template <>
struct Codec<int> {
  static constexpr FieldType kType = FieldType::kInt;
  static std::vector<std::string> choices() { return {}; }
  static FieldValue to_value(int v) { return static_cast<std::int64_t>(v); }
  static int from_value(const FieldValue& v, const std::string& key) {
    if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<int>(to_int_checked(*p, key));
    throw_type_mismatch(key);
  }
};

template <>
struct Codec<double> {
  static constexpr FieldType kType = FieldType::kFloat;
  static std::vector<std::string> choices() { return {}; }
  static FieldValue to_value(double v) { return v; }
  static double from_value(const FieldValue& v, const std::string& key) {
    if (auto p = std::get_if<double>(&v)) return *p;
    if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
    throw_type_mismatch(key);
  }
};

template <>
struct Codec<std::string> {
  static constexpr FieldType kType = FieldType::kPath;
  static std::vector<std::string> choices() { return {}; }
  static FieldValue to_value(const std::string& v) { return v; }
  static std::string from_value(const FieldValue& v, const std::string& key) {
    if (auto p = std::get_if<std::string>(&v)) return *p;
    throw_type_mismatch(key);
  }
};

template <class E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static constexpr FieldType kType = FieldType::kEnum;
  static std::vector<std::string> choices() { return enum_spellings<E>(); }
  static FieldValue to_value(E v) { return to_string(v); }
  static E from_value(const FieldValue& v, const std::string& key) {
    if (auto p = std::get_if<std::string>(&v)) return EnumInfo<E>::parse(*p);
    throw_type_mismatch(key);
  }
};

template <class T>
struct Codec<std::optional<T>> {
  static constexpr FieldType kType = Codec<T>::kType;
  static std::vector<std::string> choices() { return Codec<T>::choices(); }
  static FieldValue to_value(const std::optional<T>& v) { return v ? Codec<T>::to_value(*v) : FieldValue{}; }
  static std::optional<T> from_value(const FieldValue& v, const std::string& key) {
    if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
    return Codec<T>::from_value(v, key);
  }
};

template <class M>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

}  // namespace detail

// A row for member `member` of Config. legacy_key "" = not written to the legacy params dict.
template <class Config, class M>
Field<Config> make_field(const char* key, M Config::*member, const char* legacy_key, const char* doc) {
  using C = detail::Codec<M>;
  Field<Config> f;
  f.key = key;
  f.legacy_key = legacy_key;
  f.type = C::kType;
  f.optional = detail::IsOptional<M>::value;
  f.choices = C::choices();
  f.doc = doc;
  f.get = [member](const Config& c) { return C::to_value(c.*member); };
  const std::string k = key;
  f.set = [member, k](Config& c, const FieldValue& v) { c.*member = C::from_value(v, k); };
  return f;
}

// The rows of a nested struct (Outer::*member) as rows of Outer, tagged with group.
template <class Outer, class Inner>
std::vector<Field<Outer>> lift_fields(const std::vector<Field<Inner>>& inner, Inner Outer::*member,
                                      const std::string& group) {
  std::vector<Field<Outer>> out;
  for (const Field<Inner>& f : inner) {
    Field<Outer> g;
    g.key = f.key;
    g.legacy_key = f.legacy_key;
    g.group = group;
    g.type = f.type;
    g.optional = f.optional;
    g.choices = f.choices;
    g.doc = f.doc;
    g.get = [member, get = f.get](const Outer& c) { return get(c.*member); };
    g.set = [member, set = f.set](Outer& c, const FieldValue& v) { set(c.*member, v); };
    out.push_back(std::move(g));
  }
  return out;
}

template <class Config>
std::string Field<Config>::type_name() const {
  return config::type_name(type, optional, choices);
}

}  // namespace ptychopinn::config
