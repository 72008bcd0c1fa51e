#include "ptychopinn/config/config_error.h"

#include <utility>

namespace ptychopinn::config {
namespace {
std::string compose(const std::string& where, const std::string& detail) {
  return where.empty() ? detail : where + ": " + detail;
}
}  // namespace

ConfigError::ConfigError(std::string where, std::string key, std::string detail)
    : std::invalid_argument(compose(where, detail)),
      where_(std::move(where)),
      key_(std::move(key)),
      detail_(std::move(detail)) {}

void throw_bad_value(const std::string& where, const std::string& key, const std::string& value,
                     const std::string& expected) {
  throw ConfigError(where, key, key + " = " + value + "; expected " + expected);
}

}  // namespace ptychopinn::config
