// Configuration for Python: the three configs cross the boundary as dicts (their YAML/JSON layout:
// the model's fields under "model"), parsed and validated by the same field tables as YAML files and
// the CLI. The classes users see (ptychopinn.ModelConfig, ...) are thin Python wrappers (config.py).
#include <pybind11/stl.h>

#include "ptychopinn/config/config_error.h"
#include "ptychopinn/config/json_io.h"
#include "ptychopinn/config/legacy_params.h"
#include "ptychopinn/config/settings.h"
#include "ptychopinn/config/yaml_io.h"
#include "py_convert.h"

namespace ptychopinn::python {
namespace {

enum class Kind { kModel, kTraining, kInference };

Kind parse_kind(const std::string& kind) {
  if (kind == "model") return Kind::kModel;
  if (kind == "training") return Kind::kTraining;
  if (kind == "inference") return Kind::kInference;
  throw std::invalid_argument("config kind '" + kind + "'; expected model, training or inference");
}

const char* class_name(Kind kind) {
  switch (kind) {
    case Kind::kModel:
      return "ModelConfig";
    case Kind::kTraining:
      return "TrainingConfig";
    case Kind::kInference:
      return "InferenceConfig";
  }
  return "?";
}

template <class Config>
py::list field_list(const std::vector<config::Field<Config>>& fields) {
  const Config defaults{};
  py::list out;
  for (const auto& f : fields) {
    py::dict row;
    row["key"] = f.key;
    row["group"] = f.group;
    row["legacy_key"] = f.legacy_key;
    row["type"] = f.type_name();
    row["choices"] = f.choices;
    row["doc"] = f.doc;
    row["default"] = from_json(config::value_to_json(f.get(defaults)));
    out.append(row);
  }
  return out;
}

// A model dict (ModelConfig's fields), validated on its own, in a training config whose other
// fields are defaults: its to_json(...)["model"] is the model's JSON, and the Python wrapper keeps
// only the model block of its YAML.
config::TrainingConfig model_holder(const nlohmann::json& j) {
  if (!j.is_object())
    throw config::ConfigError("ModelConfig", "", "a " + std::string(j.type_name()) + "; expected a dict");
  config::TrainingConfig holder;
  holder.model =
      config::model_config_from_settings(config::json_settings({{"model", j}}, "ModelConfig"), "ModelConfig");
  return holder;
}

}  // namespace

config::TrainingConfig training_config_from(const py::handle& value) {
  return config::training_config_from_json(to_json(value, "TrainingConfig"), "TrainingConfig");
}

config::InferenceConfig inference_config_from(const py::handle& value) {
  return config::inference_config_from_json(to_json(value, "InferenceConfig"), "InferenceConfig");
}

void bind_config(py::module_& m) {
  m.def(
      "config_fields",
      [](const std::string& kind) {
        switch (parse_kind(kind)) {
          case Kind::kModel:
            return field_list(config::model_fields());
          case Kind::kTraining:
            return field_list(config::training_fields());
          case Kind::kInference:
            return field_list(config::inference_fields());
        }
        return py::list();
      },
      py::arg("kind"), "The fields of a config: key, group, legacy_key, type, choices, doc, default.");

  m.def(
      "normalize_config",
      [](const std::string& kind, const py::handle& values) {
        const Kind k = parse_kind(kind);
        const nlohmann::json j = to_json(values, class_name(k));
        switch (k) {
          case Kind::kModel:
            return from_json(config::to_json(model_holder(j))["model"]);
          case Kind::kTraining:
            return from_json(config::to_json(config::training_config_from_json(j, "TrainingConfig")));
          case Kind::kInference:
            return from_json(config::to_json(config::inference_config_from_json(j, "InferenceConfig")));
        }
        return py::object(py::none());
      },
      py::arg("kind"), py::arg("values"),
      "Parses and validates a config dict (keys as in YAML; unknown keys, bad types and values are "
      "ConfigErrors naming the key) and returns every field, the model's under 'model'.");

  m.def(
      "config_to_yaml",
      [](const std::string& kind, const py::handle& values) {
        const Kind k = parse_kind(kind);
        if (k == Kind::kInference) return config::to_yaml(inference_config_from(values));
        if (k == Kind::kTraining) return config::to_yaml(training_config_from(values));
        return config::to_yaml(model_holder(to_json(values, "ModelConfig")));
      },
      py::arg("kind"), py::arg("values"), "The config as YAML text (what config.yaml holds).");

  m.def(
      "config_from_yaml",
      [](const std::string& kind, const std::string& text, const std::string& name) {
        const Kind k = parse_kind(kind);
        if (k == Kind::kInference)
          return from_json(config::to_json(config::inference_config_from_yaml(text, name)));
        if (k == Kind::kModel) {
          config::TrainingConfig holder;
          holder.model = config::model_config_from_settings(config::parse_yaml_settings(text, name), name);
          return from_json(config::to_json(holder)["model"]);
        }
        return from_json(config::to_json(config::training_config_from_yaml(text, name)));
      },
      py::arg("kind"), py::arg("text"), py::arg("name") = "YAML",
      "A config dict from YAML text (flat or with a nested model: mapping).");

  m.def(
      "yaml_keys",
      [](const std::string& text, const std::string& name) {
        std::vector<std::string> keys;
        for (const auto& setting : config::parse_yaml_settings(text, name)) {
          const auto dot = setting.key.rfind('.');
          keys.push_back(dot == std::string::npos ? setting.key : setting.key.substr(dot + 1));
        }
        return keys;
      },
      py::arg("text"), py::arg("name") = "YAML", "The field names a YAML text sets (model.N as N).");

  m.def(
      "to_legacy_params",
      [](const std::string& kind, const py::handle& values) {
        const Kind k = parse_kind(kind);
        if (k == Kind::kInference) return from_json(config::to_legacy_params(inference_config_from(values)));
        if (k == Kind::kModel)
          throw std::invalid_argument("to_legacy_params takes a TrainingConfig or InferenceConfig");
        return from_json(config::to_legacy_params(training_config_from(values)));
      },
      py::arg("kind"), py::arg("values"), "The reference's legacy params dictionary of a config.");

  m.def(
      "update_legacy_dict",
      [](const std::string& kind, const py::handle& legacy, const py::handle& values) {
        nlohmann::json dict = to_json(legacy, "cfg_dict");
        const Kind k = parse_kind(kind);
        if (k == Kind::kInference) {
          config::update_legacy_dict(dict, inference_config_from(values));
        } else if (k == Kind::kTraining) {
          config::update_legacy_dict(dict, training_config_from(values));
        } else {
          throw std::invalid_argument("update_legacy_dict takes a TrainingConfig or InferenceConfig");
        }
        return from_json(dict);
      },
      py::arg("kind"), py::arg("legacy"), py::arg("values"),
      "The legacy dict with every key the config sets written over it (the reference's update_legacy_dict).");

  m.def(
      "config_from_legacy_params",
      [](const std::string& kind, const py::handle& legacy) {
        const nlohmann::json dict = to_json(legacy, "legacy params");
        const Kind k = parse_kind(kind);
        if (k == Kind::kInference) {
          return from_json(config::to_json(config::inference_config_from_legacy_params(dict)));
        }
        const nlohmann::json j = config::to_json(config::training_config_from_legacy_params(dict));
        return from_json(k == Kind::kModel ? j["model"] : j);
      },
      py::arg("kind"), py::arg("legacy"), "A config dict from a legacy params dictionary.");
}

}  // namespace ptychopinn::python
