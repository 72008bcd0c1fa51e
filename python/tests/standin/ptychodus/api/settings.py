"""SettingsRegistry and ParameterGroup as far as reconstructor libraries use them."""


class Parameter:
    def __init__(self, value, minimum=None, maximum=None):
        self._value, self._minimum, self._maximum = value, minimum, maximum

    def get_value(self):
        value = self._value
        if self._minimum is not None:
            value = max(self._minimum, value)
        if self._maximum is not None:
            value = min(value, self._maximum)
        return value

    def set_value(self, value, *, notify=True):
        self._value = value


class ParameterGroup:
    def __init__(self):
        self._parameters, self._groups = {}, {}

    def parameters(self):
        return self._parameters

    def groups(self):
        return self._groups

    def _add(self, name, parameter):
        if name in self._parameters:
            raise ValueError(f'Parameter "{name}" already exists!')
        self._parameters[name] = parameter
        return parameter

    def create_string_parameter(self, name, value):
        return self._add(name, Parameter(str(value)))

    def create_path_parameter(self, name, value):
        return self._add(name, Parameter(value))

    def create_boolean_parameter(self, name, value):
        return self._add(name, Parameter(bool(value)))

    def create_integer_parameter(self, name, value, *, minimum=None, maximum=None):
        return self._add(name, Parameter(int(value), minimum, maximum))

    def create_real_parameter(self, name, value, *, minimum=None, maximum=None):
        return self._add(name, Parameter(float(value), minimum, maximum))

    def create_group(self, name):
        if name in self._groups:
            raise ValueError(f'Group "{name}" already exists!')
        group = ParameterGroup()
        self._groups[name] = group
        return group

    def get_group(self, name):
        return self._groups[name]


class SettingsRegistry:
    """Groups by name: create_group refuses a name twice; registry[name] raises KeyError for none."""

    def __init__(self):
        self._root = ParameterGroup()

    def create_group(self, name):
        return self._root.create_group(name)

    def __getitem__(self, name):
        return self._root.get_group(name)

    def __iter__(self):
        return iter(self._root.groups())

    def __len__(self):
        return len(self._root.groups())
