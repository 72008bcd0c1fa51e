"""The settings of ptychodus' PtychoPINN integration: groups PtychoPINNModel, PtychoPINNTraining and
PtychoPINNInference with its keys, defaults and limits, so settings files written for it keep working.

ptychodus creates a settings group once per registry and refuses a second ``create_group`` of the same
name. So each group here is taken over when the registry already has it (whoever created it: ptychodus'
own PtychoPINN library, or an earlier library of ours on the same registry), and its parameters are
shared, key by key, with their creator: a value read from a settings file, or set in ptychodus'
PtychoPINN panel, is the value our reconstructors use. Keys the group lacks are created.
"""
from pathlib import Path

# The activations ptychodus' PtychoPINN panel offers (its PtychoPINNEnumerators), all of which the
# network supports.
AMP_ACTIVATIONS = ("sigmoid", "swish", "softplus", "relu")

# ptychodus' placeholder paths: a value still equal to one of them was never set by the user.
UNSET_DATA_DIR = Path("/path/to/training_data")
UNSET_OUTPUT_DIR = Path("/path/to/output_data")
UNSET_MODEL_PATH = Path("/path/to/model.zip")


def settings_group(registry, name):
    """The registry's group `name`, taken over when it exists, created otherwise."""
    try:
        return registry[name]
    except KeyError:
        return registry.create_group(name)


class _Group:
    """Parameters of one group, each the group's existing parameter of that key or a new one."""

    def __init__(self, registry, name):
        self.group = settings_group(registry, name)

    def _parameter(self, kind, key, default, **limits):
        existing = self.group.parameters().get(key)
        if existing is not None:
            return existing
        return getattr(self.group, f"create_{kind}_parameter")(key, default, **limits)


class ModelSettings(_Group):
    def __init__(self, registry):
        super().__init__(registry, "PtychoPINNModel")
        p = self._parameter
        self.gridsize = p("integer", "GridSize", 1, minimum=1, maximum=5)
        self.n_filters_scale = p("integer", "NumFiltersScale", 2, minimum=1, maximum=4)
        self.amp_activation = p("string", "AmpActivation", "sigmoid")
        self.object_big = p("boolean", "ObjectBig", True)
        self.probe_big = p("boolean", "ProbeBig", True)
        self.probe_mask = p("boolean", "ProbeMask", False)
        self.pad_object = p("boolean", "PadObject", True)
        self.probe_scale = p("real", "ProbeScale", 4.0, minimum=0.0)
        self.gaussian_smoothing_sigma = p("real", "GaussianSmoothingSigma", 0.0, minimum=0.0)

    def model_config(self, n, model_type):
        """ModelConfig keyword arguments for patterns of n x n pixels."""
        return dict(N=n, gridsize=self.gridsize.get_value(), n_filters_scale=self.n_filters_scale.get_value(),
                    model_type=model_type, amp_activation=self.amp_activation.get_value(),
                    object_big=self.object_big.get_value(), probe_big=self.probe_big.get_value(),
                    probe_mask=self.probe_mask.get_value(), pad_object=self.pad_object.get_value(),
                    probe_scale=self.probe_scale.get_value(),
                    gaussian_smoothing_sigma=self.gaussian_smoothing_sigma.get_value())


class TrainingSettings(_Group):
    def __init__(self, registry):
        super().__init__(registry, "PtychoPINNTraining")
        p = self._parameter
        # NumPhotons is used only for training data without a photon count of its own (exported
        # training data records the measured one).
        self.nphotons = p("real", "NumPhotons", 1e6)
        self.data_dir = p("path", "DataDir", UNSET_DATA_DIR)
        self.batch_size = p("integer", "BatchSize", 16, minimum=1, maximum=1 << 30)
        self.nepochs = p("integer", "NumEpochs", 50, minimum=1)
        self.mae_weight = p("real", "MAEWeight", 0.0, minimum=0.0, maximum=1.0)
        self.nll_weight = p("real", "NLLWeight", 1.0, minimum=0.0, maximum=1.0)
        self.realspace_mae_weight = p("real", "RealspaceMAEWeight", 0.0, minimum=0.0, maximum=1.0)
        self.realspace_weight = p("real", "RealspaceWeight", 0.0, minimum=0.0, maximum=1.0)
        self.positions_provided = p("boolean", "PositionsProvided", True)
        self.probe_trainable = p("boolean", "ProbeTrainable", False)
        self.intensity_scale_trainable = p("boolean", "IntensityScaleTrainable", True)
        self.output_dir = p("path", "OutputDir", UNSET_OUTPUT_DIR)

    def training_config(self):
        """TrainingConfig keyword arguments (without the model and the photon count)."""
        return dict(batch_size=self.batch_size.get_value(), nepochs=self.nepochs.get_value(),
                    mae_weight=self.mae_weight.get_value(), nll_weight=self.nll_weight.get_value(),
                    realspace_mae_weight=self.realspace_mae_weight.get_value(),
                    realspace_weight=self.realspace_weight.get_value(),
                    positions_provided=self.positions_provided.get_value(),
                    probe_trainable=self.probe_trainable.get_value(),
                    intensity_scale_trainable=self.intensity_scale_trainable.get_value())


class InferenceSettings(_Group):
    def __init__(self, registry):
        super().__init__(registry, "PtychoPINNInference")
        p = self._parameter
        self.model_path = p("path", "ModelPath", UNSET_MODEL_PATH)
        self.n_nearest_neighbors = p("integer", "NumNearestNeighbors", 7, minimum=0)
        self.n_samples = p("integer", "NumSamples", 1, minimum=1)


class Enumerators:
    """What ptychodus' PtychoPINN panel asks the library for (its PtychoPINNEnumerators)."""

    def get_amp_activations(self):
        return iter(AMP_ACTIVATIONS)
