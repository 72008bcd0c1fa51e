"""The CLI and the Python module are two front ends of one workflow: the same training and the same
reconstruction, asked for through `ptychopinn train`/`infer` and through ptychopinn.train /
Model.reconstruct_dataset, write the same files. Only what records wall-clock time may differ: the
seconds column of history.csv, the archive's creation time and the times printed in train.log."""
import json
import os
import pathlib
import subprocess
import zipfile

import h5py
import numpy as np
import pytest

import ptychopinn as pp

CLI = os.environ.get("PTYCHOPINN_CLI")
pytestmark = pytest.mark.skipif(not CLI, reason="PTYCHOPINN_CLI (the ptychopinn command) is not set")

SETTINGS = dict(N=64, gridsize=2, n_filters_scale=1, nepochs=2, batch_size=4, n_groups=12, threads=1, seed=5)


def cli(*args, cwd):
    done = subprocess.run([CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same run through both front ends, each in its own folder under the same relative names."""
    base = tmp_path_factory.mktemp("parity")
    data = base / "d.npz"
    pp.simulate(data, object="lines", set_phi=True, N=64, object_size=128, scan="random", n_images=40, seed=3)
    by_cli, by_python = base / "cli", base / "python"
    by_cli.mkdir()
    by_python.mkdir()

    flags = [f"--{k}={v}" for k, v in SETTINGS.items()]
    cli("train", "--train_data_file", data, "--output_dir", "run", "-q", *flags, cwd=by_cli)
    # Inference with the training's one thread in both: the network's Winograd convolutions sum in an
    # order that follows the thread count, and an automatic count follows the load of the machine.
    cli("infer", "--model_path", "run", "--test_data_file", data, "--output_dir", "recon", "-q",
        f"--threads={SETTINGS['threads']}", cwd=by_cli)

    model_fields = {k: SETTINGS[k] for k in ("N", "gridsize", "n_filters_scale")}
    config = pp.TrainingConfig(model=pp.ModelConfig(**model_fields),
                               **{k: v for k, v in SETTINGS.items() if k not in model_fields})
    cwd = os.getcwd()
    os.chdir(by_python)
    try:
        result = pp.train(config, pp.load_dataset(data), output_dir="run")
        model = pp.Model.load("run", threads=SETTINGS["threads"])
        model.reconstruct_dataset(str(data), keep_patches=False, output_dir="recon")
    finally:
        os.chdir(cwd)
    return by_cli, by_python, result


def read(path):
    return pathlib.Path(path).read_bytes()


def test_the_effective_configuration_is_the_same(runs):
    by_cli, by_python, _ = runs
    assert read(by_cli / "run/config.yaml") == read(by_python / "run/config.yaml")


def test_the_trained_weights_probe_and_settings_are_the_same(runs):
    by_cli, by_python, _ = runs
    with zipfile.ZipFile(by_cli / "run/wts.h5.zip") as a, zipfile.ZipFile(by_python / "run/wts.h5.zip") as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in ("weights.npz", "probe.npy", "config.json", "params.json"):
            assert a.read(name) == b.read(name), name
        ma, mb = json.loads(a.read("manifest.json")), json.loads(b.read("manifest.json"))
        ma.pop("created_utc"), mb.pop("created_utc")
        assert ma == mb


def test_the_history_is_the_same_but_for_the_seconds(runs):
    by_cli, by_python, result = runs

    def rows(path):
        # Every column but the fifth, the seconds.
        lines = read(path).decode().splitlines()
        return [[cell for i, cell in enumerate(line.split(",")) if i != 4] for line in lines]

    assert rows(by_cli / "run/history.csv") == rows(by_python / "run/history.csv")
    assert len(result.history) == SETTINGS["nepochs"]


def test_both_write_the_same_run_folder_and_log(runs):
    by_cli, by_python, _ = runs
    names = sorted(p.relative_to(by_cli / "run").as_posix() for p in (by_cli / "run").rglob("*"))
    assert names == sorted(p.relative_to(by_python / "run").as_posix() for p in (by_python / "run").rglob("*"))

    # Epoch lines carry wall times; the group cache note says whether the neighbour groups were
    # found next to the dataset, which depends on which run came first (infer groups with its own seed).
    def without_times(path):
        return [line for line in read(path).decode().splitlines()
                if not line.startswith("epoch ") and not line.startswith("note: group cache")]

    assert without_times(by_cli / "run/train.log") == without_times(by_python / "run/train.log")


def test_the_reconstruction_files_are_the_same(runs):
    by_cli, by_python, _ = runs
    for name in ("reconstruction.npz", "amplitude.png", "phase.png"):
        assert read(by_cli / "recon" / name) == read(by_python / "recon" / name), name
    with h5py.File(by_cli / "recon/product-out.h5") as a, h5py.File(by_python / "recon/product-out.h5") as b:
        def items(f):
            out = {}
            f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
            return out

        da, db = items(a), items(b)
        assert sorted(da) == sorted(db)
        for name in da:
            assert np.array_equal(da[name][()], db[name][()]), name
