"""PtychoPINN (C++/LibTorch) as ptychodus' PtychoPINN reconstructor library (reconstructor API v1.2).

The library is named ``PtychoPINN`` and holds two trainable reconstructors, ``PINN`` and
``Supervised``, and the iterative engine as ``LSQML``, ``rPIE`` and the hybrid ``PINN+LSQML``. It
takes the place of ptychodus' own PtychoPINN library, with its settings groups and keys
(PtychoPINNModel, PtychoPINNTraining, PtychoPINNInference), so existing settings files keep working. Constructing it imports neither LibTorch nor our compiled core; they load on first use.

Registering it without changing ptychodus (docs/ptychodus.md):
  * ``ptychopinn.ptychodus.install()`` before ptychodus builds its ModelCore, or
  * the launcher ``python3 -m ptychopinn.ptychodus [ptychodus arguments]`` (``ptychodus-pinn``), or
  * the drop-in module ``ptychopinn/ptychodus/plugin/zz_ptychopinn.py`` copied into ptychodus' plugins
    folder.
"""
from .hook import TESTED_PTYCHODUS_VERSIONS, create_library, install, main  # noqa: F401

__all__ = ["PtychoPINNReconstructorLibrary", "TESTED_PTYCHODUS_VERSIONS", "create_library", "install", "main"]


def __getattr__(name):
    if name == "PtychoPINNReconstructorLibrary":
        from .library import PtychoPINNReconstructorLibrary
        return PtychoPINNReconstructorLibrary
    raise AttributeError(f"module 'ptychopinn.ptychodus' has no attribute {name!r}")
