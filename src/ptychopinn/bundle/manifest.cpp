#include "ptychopinn/bundle/manifest.h"

#include <ctime>
#include <stdexcept>

#include "ptychopinn/config/enums.h"
#include "ptychopinn/util/errors.h"
#include "ptychopinn/util/strings.h"
#include "ptychopinn/util/version.h"

namespace ptychopinn::bundle {
namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& source) {
  if (!j.contains(key)) throw_io_error(source, std::string("key '") + key + "' is missing");
  return j.at(key);
}

std::string string_field(const nlohmann::json& j, const char* key, const std::string& source) {
  const nlohmann::json& v = field(j, key, source);
  if (!v.is_string()) throw_io_error(source, std::string(key) + " = " + v.dump() + "; expected a string");
  return v.get<std::string>();
}

int64_t integer_field(const nlohmann::json& j, const char* key, const std::string& source) {
  const nlohmann::json& v = field(j, key, source);
  if (!v.is_number_integer())
    throw_io_error(source, std::string(key) + " = " + v.dump() + "; expected an integer");
  return v.get<int64_t>();
}

// Checks a spelling with the enum's own parser (the one table of valid spellings), reporting its
// complaint (the valid values, a did-you-mean) as a problem of this file.
template <class Parse>
void check_spelling(const std::string& value, const char* key, const std::string& source, Parse parse) {
  try {
    parse(value);
  } catch (const std::invalid_argument& e) {
    throw_io_error(source, std::string(key) + " = " + ptychopinn::quoted(value) +
                               " is not understood by ptychopinn " + kVersion + " (" + e.what() + ")");
  }
}

}  // namespace

nlohmann::json Manifest::to_json() const {
  return {{"format", format},
          {"format_version", format_version},
          {"backend", backend},
          {"software_version", software_version},
          {"created_utc", created_utc},
          {"model_type", model_type},
          {"architecture", architecture},
          {"merge_denominator", merge_denominator},
          {"trainable_parameters", trainable_parameters}};
}

Manifest Manifest::from_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object())
    throw_io_error(source, "holds " + std::string(j.type_name()) + "; expected a JSON object");
  Manifest m;
  m.format = string_field(j, "format", source);
  if (m.format != kFormatName) {
    throw_io_error(source, "format = " + ptychopinn::quoted(m.format) + "; expected '" + kFormatName + "'");
  }
  const int64_t version = integer_field(j, "format_version", source);
  if (version > kFormatVersion) {
    throw_io_error(source, "format_version = " + std::to_string(version) + "; ptychopinn " + kVersion +
                               " reads format versions up to " + std::to_string(kFormatVersion) +
                               " (the archive was written by a newer ptychopinn; update this one)");
  }
  if (version < 1) {
    throw_io_error(source, "format_version = " + std::to_string(version) + "; expected 1 to " +
                               std::to_string(kFormatVersion));
  }
  m.format_version = static_cast<int>(version);
  m.backend = string_field(j, "backend", source);
  if (m.backend != kBackend) {
    throw_io_error(source, "backend = " + ptychopinn::quoted(m.backend) + "; expected '" + kBackend + "'");
  }
  m.software_version = string_field(j, "software_version", source);
  m.created_utc = string_field(j, "created_utc", source);
  m.model_type = string_field(j, "model_type", source);
  check_spelling(m.model_type, "model_type", source, config::parse_model_type);
  m.architecture = string_field(j, "architecture", source);
  check_spelling(m.architecture, "architecture", source, config::parse_architecture);
  m.merge_denominator = string_field(j, "merge_denominator", source);
  check_spelling(m.merge_denominator, "merge_denominator", source, config::parse_merge_denominator);
  m.trainable_parameters = integer_field(j, "trainable_parameters", source);
  if (m.trainable_parameters < 0) {
    throw_io_error(source, "trainable_parameters = " + std::to_string(m.trainable_parameters) +
                               "; expected a count >= 0");
  }
  return m;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);  // the reentrant form: std::gmtime returns shared static storage
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace ptychopinn::bundle
