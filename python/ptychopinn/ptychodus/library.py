"""The PtychoPINN reconstructor library for ptychodus (reconstructor API v1.2).

It stands in for ptychodus' own PtychoPINN library (hook.py puts it in that library's place): the same
name, the same settings groups and keys (settings.py), and what ptychodus' PtychoPINN panel reads
from a library (model_settings, training_settings, inference_settings, enumerators). Beside the
trained networks it offers our iterative engine (iterative.py) with a settings group of its own
(iterative_settings.py). Constructing it imports neither LibTorch nor our compiled core; they load
when a reconstructor first runs.
"""
from ptychodus.api.reconstructor import ReconstructorLibrary

from .iterative import HybridReconstructor, LSQMLReconstructor, RPIEReconstructor
from .iterative_settings import IterativeSettings
from .reconstructor import PINNReconstructor
from .settings import Enumerators, InferenceSettings, ModelSettings, TrainingSettings

# The reconstructors, in the order ptychodus lists them: (name, class). Each class is constructed as
# cls(name, library) and reads its settings from the library; a reconstructor with settings of its
# own adds their group in PtychoPINNReconstructorLibrary.__init__.
RECONSTRUCTORS = (
    ("PINN", PINNReconstructor),
    ("Supervised", PINNReconstructor),
    ("LSQML", LSQMLReconstructor),
    ("rPIE", RPIEReconstructor),
    ("PINN+LSQML", HybridReconstructor),
)


class PtychoPINNReconstructorLibrary(ReconstructorLibrary):
    def __init__(self, settings_registry, is_developer_mode_enabled=False):
        super().__init__("ptychopinn")
        self.is_developer_mode_enabled = is_developer_mode_enabled
        self.model_settings = ModelSettings(settings_registry)
        self.training_settings = TrainingSettings(settings_registry)
        self.inference_settings = InferenceSettings(settings_registry)
        self.iterative_settings = IterativeSettings(settings_registry)
        self.enumerators = Enumerators()
        self._reconstructors = [cls(name, self) for name, cls in RECONSTRUCTORS]

    @property
    def name(self):
        return "PtychoPINN"

    def reconstructor(self, name):
        """The reconstructor called `name` (the hybrid asks for PINN's model)."""
        return next(r for r in self._reconstructors if r.get_name() == name)

    def __iter__(self):
        return iter(self._reconstructors)
