#include "ptychopinn/config/yaml_io.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/settings.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::config {
namespace {

const char* kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "a scalar";
  }
}

std::string flow_text(const YAML::Node& n) {
  YAML::Emitter out;
  out << YAML::Flow << n;
  return out.c_str();
}

RawValue raw_from_yaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return RawValue::null();
    case YAML::NodeType::Sequence:
      return {RawValue::Kind::kSequence, flow_text(n)};
    case YAML::NodeType::Map:
      return {RawValue::Kind::kMapping, flow_text(n)};
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& tag = n.Tag();
  // "!" marks a quoted scalar; an explicit !!str is text too; !!null is null. Plain scalars ("?")
  // and other explicit tags (!!int, !!float, !!bool) are parsed by the field's type.
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return RawValue::quoted_text(n.Scalar());
  if (tag == "tag:yaml.org,2002:null") return RawValue::null();
  return RawValue::plain(n.Scalar());
}

std::string origin(const std::string& name, const YAML::Node& key) {
  return name + ":" + std::to_string(key.Mark().line + 1);
}

// Appends the entries of one mapping, rejecting duplicate and non-scalar keys.
void read_mapping(const YAML::Node& map, const std::string& name, const std::string& prefix,
                  std::vector<Setting>& out, std::optional<YAML::Node>* nested_model) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    // Copies: a Node is a handle, and the iterator's pair is a temporary.
    const YAML::Node key = entry.first;
    const YAML::Node value = entry.second;
    const std::string where = origin(name, key);
    if (!key.IsScalar()) {
      throw ConfigError(where, "",
                        "a key is " + std::string(kind_name(key)) + "; expected a config key name");
    }
    const std::string k = key.Scalar();
    if (!seen.insert(k).second) {
      throw ConfigError(where, k, "duplicate key '" + k + "'; expected each key once per mapping");
    }
    if (nested_model != nullptr && k == "model") {
      if (value.IsNull()) continue;
      if (!value.IsMap()) {
        throw ConfigError(
            where, k, "model = " + raw_from_yaml(value).text + "; expected a mapping of ModelConfig fields");
      }
      *nested_model = value;
      continue;
    }
    out.push_back({prefix + k, raw_from_yaml(value), where});
  }
}

std::vector<Setting> settings_from_root(const YAML::Node& root, const std::string& name) {
  std::vector<Setting> out;
  if (root.IsNull() || !root.IsDefined()) return out;  // an empty file sets nothing
  if (!root.IsMap()) {
    throw ConfigError(
        name, "", "the document is " + std::string(kind_name(root)) + "; expected a mapping of config keys");
  }
  std::optional<YAML::Node> model;
  read_mapping(root, name, "", out, &model);
  // The nested model mapping comes after the flat keys, so that it wins (as in the reference).
  if (model) read_mapping(*model, name, "model.", out, nullptr);
  return out;
}

YAML::Node load_or_throw(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw_io_error(name, "line " + std::to_string(e.mark.line + 1) + ", column " +
                             std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
}

void emit_value(YAML::Emitter& out, FieldType type, const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    out << YAML::Null;
  } else if (type == FieldType::kPath) {
    out << YAML::DoubleQuoted << std::get<std::string>(v);
  } else {
    out << format_value(v);  // plain: true, 64, 1.0e+09, ReduceLROnPlateau
  }
}

template <class Config>
std::string to_yaml_impl(const Config& config, const std::vector<Field<Config>>& fields) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
  for (const auto& f : fields) {
    if (f.group != "model") continue;
    out << YAML::Key << f.key << YAML::Value;
    emit_value(out, f.type, f.get(config));
  }
  out << YAML::EndMap;
  for (const auto& f : fields) {
    if (f.group == "model") continue;
    out << YAML::Key << f.key << YAML::Value;
    emit_value(out, f.type, f.get(config));
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

template <class Config>
Config from_yaml_impl(const std::string& text, const std::string& name, std::vector<std::string>* warnings) {
  Config config;
  Origins origins;
  apply_settings(config, parse_yaml_settings(text, name), /*ignore_other_config_keys=*/true, origins);
  finish_config(config, origins, warnings);
  return config;
}

}  // namespace

std::vector<Setting> parse_yaml_settings(const std::string& text, const std::string& name) {
  return settings_from_root(load_or_throw(text, name), name);
}

std::vector<Setting> read_yaml_settings(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error(path, "cannot open the YAML config file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw_io_error(path, "cannot read the YAML config file");
  return parse_yaml_settings(text.str(), path);
}

std::string to_yaml(const TrainingConfig& config) { return to_yaml_impl(config, training_fields()); }

std::string to_yaml(const InferenceConfig& config) { return to_yaml_impl(config, inference_fields()); }

TrainingConfig training_config_from_yaml(const std::string& text, const std::string& name,
                                         std::vector<std::string>* warnings) {
  return from_yaml_impl<TrainingConfig>(text, name, warnings);
}

InferenceConfig inference_config_from_yaml(const std::string& text, const std::string& name,
                                           std::vector<std::string>* warnings) {
  return from_yaml_impl<InferenceConfig>(text, name, warnings);
}

}  // namespace ptychopinn::config
