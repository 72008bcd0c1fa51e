"""Training, trained models, reconstruction, stitching and simulation."""
import os

import numpy as np

from . import _core
from .config import TrainingConfig


def load_dataset(path, strict=False, n_subsample=None):
    """Opens a dataset NPZ (memory-mapped) after the data-contract checks; strict=True refuses
    diffraction that looks like intensity. n_subsample keeps a seeded random subset of the points."""
    return _core.load_dataset(os.fspath(path), strict, n_subsample)


class TrainResult:
    """What train() returns: the loss history (a list of dicts: epoch, train_loss, val_loss, lr,
    seconds, and the collapse check's amplitude_spread, phase_spread, pattern_correlation and
    collapsed, docs/measured-data.md), how the run ended ('completed', 'early_stopped' or 'cancelled') and the trained Model.
    It iterates as its history."""

    def __init__(self, history, status, model):
        self.history = history
        self.status = status
        self.model = model

    def __iter__(self):
        return iter(self.history)

    def __len__(self):
        return len(self.history)

    def __repr__(self):
        last = self.history[-1]["train_loss"] if self.history else None
        return f"<TrainResult {self.status}, {len(self.history)} epochs, last train_loss {last}>"


class Model:
    """A trained model (network, probe, intensity scale, configuration)."""

    def __init__(self, core_model):
        self._model = core_model

    @classmethod
    def load(cls, path, device="auto", threads=0):
        """Loads a model archive (wts.h5.zip), or the one in a training output folder, on device
        ('auto': CUDA when LibTorch sees a GPU, else 'cpu'; or 'cpu', 'cuda'). It loads and
        reconstructs with threads CPU threads (0: automatic, the cores not busy with other work when
        each call starts). The network sums in an order that follows the thread count, so a fixed
        count gives the same bits for the same input; automatic counts may differ in the last bits."""
        return cls(_core.Model.load(os.fspath(path), device, threads))

    def save(self, path):
        """Writes the archive to path, or to path/wts.h5.zip when path is a folder; returns the file."""
        return self._model.save(os.fspath(path))

    @property
    def config(self):
        return TrainingConfig(self._model.config)

    @property
    def probe(self):
        return self._model.probe

    @property
    def intensity_scale(self):
        return self._model.intensity_scale

    @property
    def N(self):
        return self._model.N

    @property
    def gridsize(self):
        return self._model.gridsize

    @property
    def history(self):
        return self._model.history

    def reconstruct_dataset(self, data, batch_size=16, stitch_crop=None, grid=None, keep_patches=True,
                            output_dir=None, pixel_size_m=None):
        """Reconstructs a Dataset (or a dataset file); returns a dict: object [H, W] complex64,
        coverage, x_origin_px, y_origin_px (object pixels of object[0, 0]), centres, patches.
        With output_dir, the files `ptychopinn infer` writes (reconstruction.npz, amplitude.png,
        phase.png, product-out.h5 with pixel_size_m metres per object pixel) are written there."""
        if isinstance(data, os.PathLike):
            data = os.fspath(data)
        return self._model.reconstruct_dataset(data, batch_size, stitch_crop, grid, keep_patches,
                                               None if output_dir is None else os.fspath(output_dir), pixel_size_m)

    def reconstruct(self, patterns, positions, probe=None, batch_size=16, stitch_crop=None, grid=None):
        """Reconstructs measured patterns.

        patterns:  [M, N, N] diffraction amplitudes (sqrt of counts), DC at the centre
        positions: [M, 2] scan positions (x = column, y = row) in object pixels
        probe:     [N, N] complex, kept with the data (the network predicts the object; the probe
                   only enters training); default: the model's
        grid:      None (the reference's canvas around the scan) or a dict x_origin, y_origin,
                   pixel_width, pixel_height, width, height in object pixels
        Returns (object, patches): the stitched [H, W] complex64 object and the [G, N, N] object of
        every group; reconstruct_dataset gives the placement of object[0, 0] as well.
        """
        patterns = np.asarray(patterns)
        positions = np.asarray(positions, dtype=np.float64)
        if positions.ndim != 2 or positions.shape[1] != 2:
            raise ValueError(f"positions: shape {positions.shape}; expected [M, 2] (x, y) in object pixels")
        data = _core.Dataset(patterns, positions[:, 0], positions[:, 1],
                             self.probe if probe is None else probe, name="reconstruct")
        result = self.reconstruct_dataset(data, batch_size, stitch_crop, grid, True)
        return result["object"], result["patches"]


def train(config, data, output_dir=None, progress=None):
    """Trains the model a TrainingConfig describes on data (a Dataset or a dataset path).

    progress(epoch, batch, loss) is called after every batch (1-based epoch and batch); returning
    False cancels the run at that point (status 'cancelled'); an exception it raises cancels the run
    and propagates. Unless the config sets nphotons explicitly, a dataset that records its photon
    count (_metadata, as simulate and convert write) trains with that, as `ptychopinn train` does.
    With output_dir, what `ptychopinn train` writes is written there (wts.h5.zip, history.csv,
    config.yaml, train.log, checkpoints/latest.zip). Returns a TrainResult (iterating it gives the
    history).
    """
    if not isinstance(config, TrainingConfig):
        config = TrainingConfig(config)
    if isinstance(data, os.PathLike):
        data = os.fspath(data)
    out = _core.train(config.to_dict(), data, None if output_dir is None else os.fspath(output_dir), progress,
                      config.explicit_fields())
    return TrainResult(out["history"], out["status"], Model(out["model"]))


def simulate(output, progress=None, **options):
    """Simulates a dataset as `ptychopinn simulate` does (object, N, gridsize, scan, n_images,
    nphotons, seed, split, ...) and writes it to output (or its _train/_test halves with split);
    returns the summary dict. progress(done, total) is called as patterns are written."""
    return _core.simulate(os.fspath(output), options, progress)


def stitch(patches, positions, crop=20, grid=None):
    """Shift-and-sum stitching of [K, N, N] patches centred at positions [K, 2] (x, y): the central
    crop x crop pixels of each, onto the reference's canvas or onto grid (a dict x_origin, y_origin,
    pixel_width, pixel_height, width, height in the positions' units). Returns a dict: object,
    coverage, x_origin, y_origin."""
    return _core.stitch(patches, positions, crop, grid)
