#pragma once
// The one exception type of the configuration layer.
//
// Every bad configuration value (a wrong type, an out-of-range number, an unknown key or enum
// spelling) throws ConfigError, a std::invalid_argument (ValueError in Python), whose message reads
//
//     <where>: <field> = <value>; expected <constraint>
//
// e.g. "run.yaml:3: nepochs = ten; expected an integer". `where` names the origin of the value
// (a YAML file and line, "--set", "--nepochs", "legacy params", "TrainingConfig"); code that knows
// the origin better than the thrower replaces it with with_where() and rethrows.
#include <stdexcept>
#include <string>

namespace ptychopinn::config {

class ConfigError : public std::invalid_argument {
 public:
  // key: the field (or unknown key) at fault; detail: "<field> = <value>; expected <constraint>"
  // or another complete sentence naming the key. where may be empty (no origin known).
  ConfigError(std::string where, std::string key, std::string detail);

  const std::string& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

  // The same error attributed to another origin.
  ConfigError with_where(const std::string& where) const { return ConfigError(where, key_, detail_); }

 private:
  std::string where_;
  std::string key_;
  std::string detail_;
};

// Throws ConfigError(where, key, "<key> = <value>; expected <expected>").
[[noreturn]] void throw_bad_value(const std::string& where, const std::string& key, const std::string& value,
                                  const std::string& expected);

// Throws as throw_bad_value unless ok: the building block of every validate().
inline void require(bool ok, const std::string& where, const std::string& key, const std::string& value,
                    const std::string& expected) {
  if (!ok) throw_bad_value(where, key, value, expected);
}

}  // namespace ptychopinn::config
