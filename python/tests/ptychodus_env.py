"""Which ptychodus the tests drive, and how to start it in a child process.

The real ptychodus v1.2 source lives in <shared>/third_party/ptychodus-1.2/src (not installed: its
README says how to import it headless). When that folder is there, every ptychodus test drives it.
Only where it is absent (a checkout without the shared folder) do the library's unit tests fall back
to the stand-in in python/tests/standin, and the tests that need ptychodus' ModelCore, readers and
writers skip, saying why. One choice per process: the first import decides.
"""
import atexit
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SHARED = pathlib.Path(os.environ.get("PTYCHOPINN_SHARED_DIR", HERE.parents[2] / "shared"))
REAL_SRC = SHARED / "third_party" / "ptychodus-1.2" / "src"
STANDIN = HERE / "standin"
PTYCHODUS_VERSION = "1.2"

REAL = (REAL_SRC / "ptychodus" / "model" / "core.py").is_file()
SKIP_REASON = f"the real ptychodus v{PTYCHODUS_VERSION} source is not at {REAL_SRC} (PTYCHOPINN_SHARED_DIR)"


def _metadata_stubs():
    """ModelCore asks importlib.metadata for ptychodus' and h5py's versions: ptychodus is not installed,
    and Debian registers h5py's metadata under another name, so two one-line stubs stand in."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="ptychodus-metadata-"))
    atexit.register(shutil.rmtree, folder, True)
    for name, version in (("ptychodus", PTYCHODUS_VERSION), ("h5py", "3.7.0")):
        info = folder / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return folder


METADATA = _metadata_stubs() if REAL else None
PTYCHODUS_PATH = [str(REAL_SRC), str(METADATA)] if REAL else [str(STANDIN)]
for entry in reversed(PTYCHODUS_PATH):
    if entry not in sys.path:
        sys.path.insert(0, entry)


def child_env(ptychodus_src=None):
    """The environment of a child process that imports ptychopinn (this process' sys.path, so the
    build tree's package) and the real ptychodus (or the copy at ptychodus_src)."""
    paths = [str(ptychodus_src)] if ptychodus_src is not None else [str(REAL_SRC)]
    paths += [str(METADATA)] + [os.path.abspath(p) for p in sys.path if p and p not in (str(REAL_SRC), str(METADATA))]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("OMP_NUM_THREADS", "2")
    return env


def run_python(args, timeout, ptychodus_src=None, cwd=None):
    """Runs /usr/bin/python3 (the interpreter the tests run under) with args; a hang fails the test
    after `timeout` seconds instead of hanging the suite."""
    return subprocess.run([sys.executable, *args], env=child_env(ptychodus_src), cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def ptychodus_with_plugin(folder, plugin_file):
    """A ptychodus whose plugins folder holds plugin_file, as a user installs the drop-in: a tree of
    links to the real source (which stays untouched) under folder; returns the folder to put on
    PYTHONPATH."""
    root = pathlib.Path(folder)
    package = root / "ptychodus"
    package.mkdir(parents=True)
    real = REAL_SRC / "ptychodus"
    for entry in real.iterdir():
        if entry.name != "plugins":
            (package / entry.name).symlink_to(entry)
    plugins = package / "plugins"
    plugins.mkdir()
    for entry in (real / "plugins").iterdir():
        if entry.name != "__pycache__":
            (plugins / entry.name).symlink_to(entry)
    shutil.copy(plugin_file, plugins / pathlib.Path(plugin_file).name)
    return root
