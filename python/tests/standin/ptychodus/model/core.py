"""ModelCore's use of ReconstructorCore (model/core.py:140-161): it looks the name up at call time."""


class ReconstructorCore:
    def __init__(self, task_manager, settings_registry, dataset, product_api, libraries):
        self.libraries = list(libraries)
        self.reconstructors = [f"{lib.name}/{rec.get_name()}" for lib in self.libraries for rec in lib]


class ModelCore:
    def __init__(self, settings_registry):
        self.reconstructor_core = ReconstructorCore(None, settings_registry, None, None, [])
