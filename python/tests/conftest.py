"""Shared fixtures: a tiny simulated dataset and a model trained on it, made once per session."""
import os
import pathlib

import numpy as np
import pytest

import ptychopinn as pp

SHARED = pathlib.Path(os.environ.get("PTYCHOPINN_SHARED_DIR",
                                     pathlib.Path(__file__).resolve().parents[3] / "shared"))


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory):
    """64 random positions over a 128 x 128 'lines' object, N = 64, with its ground truth."""
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    pp.simulate(path, object="lines", set_phi=True, N=64, object_size=128, scan="random", n_images=64, seed=7)
    return pp.load_dataset(path)


@pytest.fixture(scope="session")
def tiny_model(tiny_dataset, tmp_path_factory):
    """A PINN trained for six epochs on tiny_dataset, saved in a run folder."""
    out = tmp_path_factory.mktemp("run")
    cfg = pp.TrainingConfig(model=pp.ModelConfig(N=64, gridsize=1, n_filters_scale=1), nepochs=6, batch_size=8,
                            threads=2)
    result = pp.train(cfg, tiny_dataset, output_dir=out)
    return result, out


def positions_of(dataset):
    return np.stack([dataset.xcoords, dataset.ycoords], axis=1)
