"""Registration with ptychodus without modifying it (ptychodus-contract.md §3.2, option A).

ptychodus builds its reconstructor libraries from a fixed list inside ModelCore; ModelCore looks up
``ptychodus.model.core.ReconstructorCore`` when it is constructed, so wrapping that name adds our
library to the list. ``install()`` does so (idempotently); ``main()`` installs and then runs
ptychodus' own ``__main__`` (GUI or ``-b`` batch mode).
"""
import runpy
import sys

_MARK = "_ptychopinn_cpp"


def create_library(settings_registry, is_developer_mode_enabled=False):
    """The library for a settings registry: the entry point a future
    ``ptychodus.reconstructor_libraries`` entry-point group would call."""
    from .library import PtychoPINNReconstructorLibrary
    return PtychoPINNReconstructorLibrary(settings_registry, is_developer_mode_enabled)


def install():
    """Adds the PtychoPINN library to every ModelCore ptychodus builds from now on. Call it before
    ModelCore() (the launcher and the plugin module do). Returns True when it installed the hook,
    False when it was installed already."""
    import ptychodus.model.core as core

    original = core.ReconstructorCore
    if getattr(original, _MARK, False):
        return False

    def wrapped(task_manager, settings_registry, *args, **kwargs):
        args = list(args)
        if "libraries" in kwargs:
            kwargs["libraries"] = [*kwargs["libraries"], create_library(settings_registry)]
        else:
            args[-1] = [*args[-1], create_library(settings_registry)]
        return original(task_manager, settings_registry, *args, **kwargs)

    setattr(wrapped, _MARK, True)
    wrapped.__wrapped__ = original
    core.ReconstructorCore = wrapped
    return True


def main(argv=None):
    """Runs ptychodus (its own command line) with the PtychoPINN library installed."""
    install()
    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    runpy.run_module("ptychodus", run_name="__main__", alter_sys=True)
