"""PtychoPINN on LibTorch, from Python.

NumPy arrays in and out; errors from the C++ library arrive as Python exceptions carrying the same
message (ValueError for bad arguments and data, ptychopinn.ConfigError for configuration,
ptychopinn.IoError (an OSError) for unreadable or unwritable files, ptychopinn.NumericalError for
a loss that became NaN). Long calls release the GIL.

    import ptychopinn as pp
    pp.simulate("d.npz", object="lines", N=64, n_images=200, scan="random")
    data = pp.load_dataset("d.npz")
    cfg = pp.TrainingConfig(model=pp.ModelConfig(N=64, gridsize=1), nepochs=5)
    result = pp.train(cfg, data, progress=lambda epoch, batch, loss: True)
    obj, patches = result.model.reconstruct(data.diffraction, positions, data.probe)
"""
from ._core import (  # noqa: F401  (re-exported)
    ConfigError,
    Dataset,
    IoError,
    NumericalError,
    __version__,
    evaluate,
    frc,
    mae,
    mse,
    pearson,
    psnr,
    ssim,
)
from .config import (  # noqa: F401
    InferenceConfig,
    ModelConfig,
    TrainingConfig,
    to_legacy_params,
    update_legacy_dict,
)
from .model import Model, TrainResult, load_dataset, simulate, stitch, train  # noqa: F401

__all__ = [
    "ConfigError", "Dataset", "InferenceConfig", "IoError", "Model", "ModelConfig", "NumericalError",
    "TrainResult", "TrainingConfig", "evaluate", "frc", "load_dataset", "mae", "mse", "pearson", "psnr",
    "simulate", "ssim", "stitch", "to_legacy_params", "train", "update_legacy_dict",
]
