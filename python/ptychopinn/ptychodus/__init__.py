"""PtychoPINN (C++/LibTorch) as a ptychodus reconstructor library (ptychodus' reconstructor API v1.2).

The library is named ``PtychoPINN`` and holds two trainable reconstructors, ``PINN`` and
``Supervised``, with the settings groups and keys of ptychodus' own PtychoPINN integration
(PtychoPINNModel, PtychoPINNTraining, PtychoPINNInference), so existing settings files keep working.
Constructing it imports neither LibTorch nor our compiled core; they load on first use.

Registering it without changing ptychodus (docs/ptychodus.md):
  * ``ptychopinn.ptychodus.install()`` before ptychodus builds its model, or
  * the launcher ``python3 -m ptychopinn.ptychodus [ptychodus arguments]``, or
  * the drop-in module ``ptychopinn/ptychodus/plugin/zz_ptychopinn.py`` copied into ptychodus' plugins
    folder.
"""
from .hook import create_library, install, main  # noqa: F401

__all__ = ["PtychoPINNReconstructorLibrary", "create_library", "install", "main"]


def __getattr__(name):
    if name == "PtychoPINNReconstructorLibrary":
        from .library import PtychoPINNReconstructorLibrary
        return PtychoPINNReconstructorLibrary
    raise AttributeError(f"module 'ptychopinn.ptychodus' has no attribute {name!r}")
