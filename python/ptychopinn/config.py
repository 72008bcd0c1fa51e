"""ModelConfig, TrainingConfig and InferenceConfig: the reference's three config classes.

Each holds a validated dict of every field (the YAML layout: a TrainingConfig's and an
InferenceConfig's model fields live in their ``model``). Fields are attributes; setting one
validates it at once, and an unknown name is an AttributeError that suggests the nearest field.
They are built from keyword arguments, a dict, or YAML, and convert back with ``to_dict`` and
``to_yaml``; ``to_legacy_params`` and ``update_legacy_dict`` speak the reference's params.cfg.
"""
import copy
import difflib
import os

from . import _core


class _Config:
    _kind = ""

    def __init__(self, values=None, **kwargs):
        merged = {}
        if values is not None:
            if isinstance(values, _Config):
                values = values.to_dict()
            if not isinstance(values, dict):
                raise TypeError(f"{type(self).__name__}: a {type(values).__name__}; expected a dict")
            merged.update(values)
        merged.update(kwargs)
        object.__setattr__(self, "_values", _core.normalize_config(self._kind, _plain(merged)))
        object.__setattr__(self, "_explicit", set(_flat_keys(merged)))

    # --- fields as attributes -------------------------------------------------------------
    @classmethod
    def fields(cls):
        """The fields: dicts with key, group, legacy_key, type, choices, doc and default."""
        return _core.config_fields(cls._kind)

    def _field_names(self):
        return [f["key"] for f in self.fields()]

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return copy.deepcopy(values[name])
        model = values.get("model")
        if isinstance(model, dict) and name in model:
            return copy.deepcopy(model[name])
        raise AttributeError(self._unknown(name))

    def __setattr__(self, name, value):
        if name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        values = copy.deepcopy(self._values)
        if isinstance(value, _Config):
            value = value.to_dict()
        if name in values:
            values[name] = value
        elif isinstance(values.get("model"), dict) and name in values["model"]:
            values["model"][name] = value
        else:
            raise AttributeError(self._unknown(name))
        object.__setattr__(self, "_values", _core.normalize_config(self._kind, _plain(values)))
        self._explicit.add(name)

    def is_set(self, name):
        """Whether the field was given explicitly (keyword, dict, YAML or assignment) rather than left
        at its default: train() lets a dataset's own photon count win over a default nphotons."""
        return name in self._explicit

    def explicit_fields(self):
        """The names of the fields given explicitly, sorted."""
        return sorted(self._explicit)

    def _unknown(self, name):
        names = self._field_names()
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{type(self).__name__} has no field {name!r}{hint}"

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._field_names()))

    # --- conversions ----------------------------------------------------------------------
    def to_dict(self):
        """Every field (the model's under 'model'), as plain Python values."""
        return copy.deepcopy(self._values)

    @classmethod
    def from_dict(cls, values):
        return cls(values)

    def to_yaml(self, path=None):
        """The config as YAML (what config.yaml holds); written atomically to path when given."""
        text = _core.config_to_yaml(self._kind, self._values)
        if self._kind == "model":
            text = _model_block(text)
        if path is not None:
            _write_text(path, text)
        return text

    @classmethod
    def from_yaml(cls, path_or_text):
        """A config from a YAML file (a path) or YAML text: flat keys or a nested model: mapping."""
        if isinstance(path_or_text, os.PathLike) or (
                isinstance(path_or_text, str) and "\n" not in path_or_text and os.path.exists(path_or_text)):
            path = os.fspath(path_or_text)
            with open(path, encoding="utf-8") as f:
                text, name = f.read(), path
        else:
            text, name = path_or_text, "YAML"
        obj = cls.__new__(cls)
        object.__setattr__(obj, "_values", _core.config_from_yaml(cls._kind, text, name))
        object.__setattr__(obj, "_explicit", set(_core.yaml_keys(text, name)))
        return obj

    @classmethod
    def from_legacy_params(cls, cfg_dict):
        """A config from the reference's legacy params dictionary (params.cfg), validated."""
        return cls(_core.config_from_legacy_params(cls._kind, cfg_dict))

    def __eq__(self, other):
        return type(self) is type(other) and self._values == other._values

    def __repr__(self):
        flat = {k: v for k, v in self._values.items() if k != "model"}
        inner = ", ".join(f"{k}={v!r}" for k, v in flat.items())
        if "model" in self._values:
            inner = f"model=ModelConfig(...), {inner}"
        return f"{type(self).__name__}({inner})"


class ModelConfig(_Config):
    """The network and physics (N, gridsize, n_filters_scale, object_big, probe_big, ...)."""
    _kind = "model"


class TrainingConfig(_Config):
    """A training run: model (a ModelConfig), data files, nepochs, batch_size, losses, optimiser, ..."""
    _kind = "training"

    @property
    def model(self):
        return ModelConfig(self._values["model"])

    @model.setter
    def model(self, value):
        self.__setattr__("model", value)

    def __setattr__(self, name, value):
        if name == "model":
            values = copy.deepcopy(self._values)
            values["model"] = value.to_dict() if isinstance(value, ModelConfig) else dict(value)
            object.__setattr__(self, "_values", _core.normalize_config(self._kind, _plain(values)))
            self._explicit.update(values["model"].keys() if isinstance(value, dict) else value._explicit)
            return
        super().__setattr__(name, value)


class InferenceConfig(TrainingConfig):
    """An inference run: model (a ModelConfig), model_path, test_data_file, n_groups, batch_size, ..."""
    _kind = "inference"


def to_legacy_params(config):
    """The reference's legacy params dictionary (params.cfg) of a TrainingConfig or InferenceConfig."""
    return _core.to_legacy_params(_kind_of(config), config.to_dict())


def update_legacy_dict(cfg_dict, config):
    """Writes every key the config sets into cfg_dict (in place, as the reference does) and returns it."""
    updated = _core.update_legacy_dict(_kind_of(config), cfg_dict, config.to_dict())
    cfg_dict.clear()
    cfg_dict.update(updated)
    return cfg_dict


def _kind_of(config):
    if not isinstance(config, (TrainingConfig, InferenceConfig)):
        raise TypeError(f"a {type(config).__name__}; expected a TrainingConfig or an InferenceConfig")
    return config._kind


def _plain(value):
    """Config values as JSON-like Python values (configs nested as dicts, paths as strings)."""
    if isinstance(value, _Config):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _flat_keys(values):
    """The field names a dict sets: its keys, and those of a nested model (dict or ModelConfig)."""
    for key, value in values.items():
        if key == "model" and isinstance(value, ModelConfig):
            yield from value._explicit
        elif key == "model" and isinstance(value, dict):
            yield from value.keys()
        else:
            yield key


def _model_block(training_yaml):
    """The nested model: mapping of a training YAML, dedented to a ModelConfig's own YAML."""
    lines, inside = [], False
    for line in training_yaml.splitlines():
        if line.startswith("model:"):
            inside = True
            continue
        if inside:
            if line and not line.startswith(" "):
                break
            lines.append(line[2:] if line.startswith("  ") else line)
    return "\n".join(lines) + "\n"


def _write_text(path, text):
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
