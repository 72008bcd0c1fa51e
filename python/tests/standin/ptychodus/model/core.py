"""ModelCore as reconstructor libraries meet it in ptychodus v1.2 (ptychodus.model.core): it builds its own
PtychoPINN library through the module attribute PtychoPINNReconstructorLibrary (which creates the
PtychoPINN settings groups, with or without TensorFlow) and hands it, in a list, to ReconstructorCore."""
from ptychodus.api.settings import SettingsRegistry


class _StockPtychoPINNLibrary:
    """ptychodus' own PtychoPINN library without TensorFlow: the groups, no reconstructors."""

    def __init__(self, settings_registry, is_developer_mode_enabled):
        model = settings_registry.create_group("PtychoPINNModel")
        model.create_integer_parameter("GridSize", 1, minimum=1, maximum=5)
        settings_registry.create_group("PtychoPINNTraining").create_integer_parameter("NumEpochs", 50, minimum=1)
        settings_registry.create_group("PtychoPINNInference")

    @property
    def name(self):
        return "PtychoPINN"

    def __iter__(self):
        return iter(())


PtychoPINNReconstructorLibrary = _StockPtychoPINNLibrary


class _Presenter:
    def __init__(self, names):
        self._names = names

    def reconstructors(self):
        return iter(self._names)


class ReconstructorCore:
    def __init__(self, task_manager, settings_registry, dataset, product_api, library_seq):
        names = sorted(f"{lib.name}/{rec.get_name()}" for lib in library_seq for rec in lib)
        self.presenter = _Presenter(names)


class ModelCore:
    def __init__(self, settings_file=None, *, log_level=0):
        self.settings_registry = SettingsRegistry()
        self.ptychopinn_reconstructor_library = PtychoPINNReconstructorLibrary(self.settings_registry, False)
        self.reconstructor_core = ReconstructorCore(None, self.settings_registry, None, None,
                                                    [self.ptychopinn_reconstructor_library])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None
