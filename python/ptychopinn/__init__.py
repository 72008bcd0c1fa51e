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
    solved = pp.iterate(data, algorithm="lsqml", iterations=50, model_path=None)

The compiled core (and with it LibTorch) loads on first use, so that importing the package, or its
ptychodus library, costs nothing until something runs.
"""
import importlib

_FROM_CORE = ("ConfigError", "Dataset", "IoError", "NumericalError", "__version__", "evaluate", "frc", "mae", "mse",
              "pearson", "psnr", "ssim")
_FROM_CONFIG = ("InferenceConfig", "ModelConfig", "TrainingConfig", "to_legacy_params", "update_legacy_dict")
_FROM_MODEL = ("Model", "TrainResult", "load_dataset", "simulate", "stitch", "train")
_FROM_ITERATIVE = ("iterate",)

__all__ = sorted(set(_FROM_CORE + _FROM_CONFIG + _FROM_MODEL + _FROM_ITERATIVE) - {"__version__"})


def __getattr__(name):
    for module, names in (("._core", _FROM_CORE), (".config", _FROM_CONFIG), (".model", _FROM_MODEL),
                          (".iterative", _FROM_ITERATIVE)):
        if name in names:
            value = getattr(importlib.import_module(module, __name__), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'ptychopinn' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
