"""Registration with ptychodus without modifying it.

ptychodus v1.2 builds its reconstructor libraries from a fixed list inside ModelCore, with no
discovery of outside ones, and always builds its own PtychoPINN library, which creates the settings
groups PtychoPINNModel, PtychoPINNTraining and PtychoPINNInference; a second library creating them
again makes ModelCore fail ("Group ... already exists!"), and a second library named PtychoPINN would
list PtychoPINN/PINN twice. So ours does not come in addition to the stock one: it takes its place.
ModelCore constructs the name ``PtychoPINNReconstructorLibrary`` of ``ptychodus.model.core`` when it is
built; install() binds that name to our library. ModelCore then builds ours where it built the stock
one: one PtychoPINN library in its list, the same settings groups and keys (settings files keep
working), and ptychodus' PtychoPINN panel (which reads ``model.ptychopinn_reconstructor_library``)
edits our settings. Rebinding that module attribute is the one process-wide change, and it is what
registration means here: every ModelCore built afterwards in the process gets our library.

main() installs and then runs ptychodus' own ``__main__`` (GUI, or ``-b`` batch mode), except for
``-b reconstruct``, which it runs itself (batch.py says why).
"""
import runpy
import sys

TESTED_PTYCHODUS_VERSIONS = ("1.2",)


def create_library(settings_registry, is_developer_mode_enabled=False):
    """The library for a settings registry: what ModelCore constructs once install() ran, and the entry
    point a future ``ptychodus.reconstructor_libraries`` entry-point group would call."""
    from .library import PtychoPINNReconstructorLibrary
    return PtychoPINNReconstructorLibrary(settings_registry, is_developer_mode_enabled)


def install():
    """Makes every ModelCore that ptychodus builds from now on use our PtychoPINN library in place of
    its own. Call it before ModelCore() (the launcher and the plugin module do). Returns True when it
    installed the library, False when it was installed already. Raises RuntimeError when this
    ptychodus does not build its PtychoPINN library the way v1.2 does."""
    import ptychodus.model.core as core
    from .library import PtychoPINNReconstructorLibrary

    current = getattr(core, "PtychoPINNReconstructorLibrary", None)
    if current is PtychoPINNReconstructorLibrary:
        return False
    if current is None:
        raise RuntimeError(
            f"ptychopinn.ptychodus: {core.__file__} defines no PtychoPINNReconstructorLibrary, which ModelCore "
            f"builds in ptychodus {', '.join(TESTED_PTYCHODUS_VERSIONS)}: this ptychodus "
            f"({_ptychodus_version()}) registers its libraries another way, so the PtychoPINN library cannot "
            f"take the stock one's place")
    core.PtychoPINNReconstructorLibrary = PtychoPINNReconstructorLibrary
    return True


def _ptychodus_version():
    try:
        from importlib.metadata import version
        return version("ptychodus")
    except Exception:  # noqa: BLE001 - only for a message
        return "version unknown"


def main(argv=None):
    """Runs ptychodus (its own command line) with the PtychoPINN library installed; `-b reconstruct`
    runs batch.batch_reconstruct, which delivers the reconstruction that ptychodus v1.2's own batch
    mode loses (see batch.py)."""
    install()
    argv = sys.argv[1:] if argv is None else list(argv)
    batch = _batch_reconstruct_arguments(argv)
    if batch is None:
        sys.argv = [sys.argv[0], *argv]
        runpy.run_module("ptychodus", run_name="__main__", alter_sys=True)
        return
    from pathlib import Path

    from ptychodus.model import ModelCore

    from .batch import batch_reconstruct

    with ModelCore(None if batch.settings is None else Path(batch.settings), log_level=batch.log_level) as model:
        code = batch_reconstruct(model, batch.input_directory, batch.output_directory)
    sys.exit(code)


def _batch_reconstruct_arguments(argv):
    """ptychodus' own options for `-b reconstruct -i IN -o OUT [-s SETTINGS] [--log-level N]`, or
    None for anything else (ptychodus then parses the command line itself)."""
    import argparse
    import logging

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-b", "--batch")
    parser.add_argument("-i", "--input-directory")
    parser.add_argument("-o", "--output-directory")
    parser.add_argument("-s", "--settings")
    parser.add_argument("--log-level", type=int, default=logging.INFO)
    try:
        known, unknown = parser.parse_known_args(argv)
    except SystemExit:
        return None
    if known.batch != "reconstruct" or unknown or known.input_directory is None or known.output_directory is None:
        return None
    return known
