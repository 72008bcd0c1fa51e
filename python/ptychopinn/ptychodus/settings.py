"""The settings groups and keys of ptychodus' PtychoPINN integration (model/ptychopinn/settings.py;
ptychodus-contract.md §2.2), so INI files written for it keep working with this library."""
from pathlib import Path


class ModelSettings:
    def __init__(self, registry):
        group = registry.create_group("PtychoPINNModel")
        self.gridsize = group.create_integer_parameter("GridSize", 1, minimum=1, maximum=5)
        self.n_filters_scale = group.create_integer_parameter("NumFiltersScale", 2, minimum=1, maximum=4)
        self.amp_activation = group.create_string_parameter("AmpActivation", "sigmoid")
        self.object_big = group.create_boolean_parameter("ObjectBig", True)
        self.probe_big = group.create_boolean_parameter("ProbeBig", True)
        self.probe_mask = group.create_boolean_parameter("ProbeMask", False)
        self.pad_object = group.create_boolean_parameter("PadObject", True)
        self.probe_scale = group.create_real_parameter("ProbeScale", 4.0, minimum=0.0)
        self.gaussian_smoothing_sigma = group.create_real_parameter("GaussianSmoothingSigma", 0.0, minimum=0.0)

    def model_config(self, n, model_type):
        """ModelConfig keyword arguments for patterns of n x n pixels."""
        return dict(N=n, gridsize=self.gridsize.get_value(), n_filters_scale=self.n_filters_scale.get_value(),
                    model_type=model_type, amp_activation=self.amp_activation.get_value(),
                    object_big=self.object_big.get_value(), probe_big=self.probe_big.get_value(),
                    probe_mask=self.probe_mask.get_value(), pad_object=self.pad_object.get_value(),
                    probe_scale=self.probe_scale.get_value(),
                    gaussian_smoothing_sigma=self.gaussian_smoothing_sigma.get_value())


class TrainingSettings:
    def __init__(self, registry):
        group = registry.create_group("PtychoPINNTraining")
        # NumPhotons is used only for data without a photon count of its own (our training NPZ
        # records the measured one).
        self.nphotons = group.create_real_parameter("NumPhotons", 1e6)
        self.data_dir = group.create_path_parameter("DataDir", Path("/path/to/training_data"))
        self.batch_size = group.create_integer_parameter("BatchSize", 16, minimum=1, maximum=1 << 30)
        self.nepochs = group.create_integer_parameter("NumEpochs", 50, minimum=1)
        self.mae_weight = group.create_real_parameter("MAEWeight", 0.0, minimum=0.0, maximum=1.0)
        self.nll_weight = group.create_real_parameter("NLLWeight", 1.0, minimum=0.0, maximum=1.0)
        self.realspace_mae_weight = group.create_real_parameter("RealspaceMAEWeight", 0.0, minimum=0.0, maximum=1.0)
        self.realspace_weight = group.create_real_parameter("RealspaceWeight", 0.0, minimum=0.0, maximum=1.0)
        self.positions_provided = group.create_boolean_parameter("PositionsProvided", True)
        self.probe_trainable = group.create_boolean_parameter("ProbeTrainable", False)
        self.intensity_scale_trainable = group.create_boolean_parameter("IntensityScaleTrainable", True)
        self.output_dir = group.create_path_parameter("OutputDir", Path("/path/to/output_data"))

    def training_config(self):
        """TrainingConfig keyword arguments (without the model)."""
        return dict(batch_size=self.batch_size.get_value(), nepochs=self.nepochs.get_value(),
                    mae_weight=self.mae_weight.get_value(), nll_weight=self.nll_weight.get_value(),
                    realspace_mae_weight=self.realspace_mae_weight.get_value(),
                    realspace_weight=self.realspace_weight.get_value(),
                    positions_provided=self.positions_provided.get_value(),
                    probe_trainable=self.probe_trainable.get_value(),
                    intensity_scale_trainable=self.intensity_scale_trainable.get_value())


class InferenceSettings:
    def __init__(self, registry):
        group = registry.create_group("PtychoPINNInference")
        self.model_path = group.create_path_parameter("ModelPath", Path("/path/to/model.zip"))
        self.n_nearest_neighbors = group.create_integer_parameter("NumNearestNeighbors", 7, minimum=0)
        self.n_samples = group.create_integer_parameter("NumSamples", 1, minimum=1)
