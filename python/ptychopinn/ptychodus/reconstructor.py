"""The reconstructors of the PtychoPINN library for ptychodus (reconstructor API v1.2).

PtychoPINNReconstructor holds what every one of them shares: ptychodus' input in object pixels
(scan.py), the output product on the input object's grid (same shape, pixel size and centre; one
layer), progress reports, and errors as results. A reconstructor supplies its progress goal and a
generator of Steps; ptychodus shows each step's progress and product while it runs.

ptychodus runs reconstruct() in a background task and waits for it to finish: an exception there
never finishes the task, and ptychodus (batch mode too) hangs. So no exception leaves reconstruct():
it is logged to the library's logger, which ptychodus shows, and yielded as a result of 1.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ptychodus.api.object import Object
from ptychodus.api.product import LossValue, Product
from ptychodus.api.reconstructor import Reconstructor, ReconstructOutput, TrainableReconstructor, TrainOutput

from . import scan as scan_io
from .settings import UNSET_OUTPUT_DIR

MODEL_FILE_NAME = "wts.h5.zip"
MODEL_FILE_FILTER = "PtychoPINN LibTorch model (wts.h5.zip *.zip)"
TRAINING_DATA_FILE_FILTER = "NumPy Zipped Archive (*.npz)"


@dataclass
class Step:
    """One progress report. object_: [H, W] complex on the input object's grid; probe: [H, W]
    complex (one mode) or [K, H, W] (K incoherent modes); positions_px: (x_px, y_px) on that grid;
    None keeps the input's."""
    progress: int
    object_: Optional[np.ndarray] = None
    probe: Optional[np.ndarray] = None
    positions_px: Optional[tuple] = None
    losses: Sequence[LossValue] = field(default_factory=list)


def losses_of(history, key="train_loss"):
    """A run history (dicts with epoch and losses) as ptychodus' LossValues of `key`."""
    return [LossValue(int(h["epoch"]), float(h[key])) for h in history if h.get(key) is not None]


class PtychoPINNReconstructor(Reconstructor):
    def __init__(self, name, library):
        super().__init__()
        self._name = name
        self._library = library
        # The result code of the last reconstruction: ptychodus v1.2 does not look at the codes it is
        # given, so the launcher's batch mode reads this for its exit code.
        self.last_result = 0

    def get_name(self):
        return self._name

    @property
    def _logger(self):
        return self._library.get_logger()

    def _steps(self, parameters):
        """Yields Steps; the last one carries the result."""
        raise NotImplementedError

    def reconstruct(self, parameters):
        goal = self.get_progress_goal()
        self.last_result = 0
        try:
            yield ReconstructOutput(parameters.product, 0, 0)
            for step in self._steps(parameters):
                yield ReconstructOutput(self._product(parameters.product, step), step.progress, 0)
        except Exception as error:  # noqa: BLE001 - an exception here hangs ptychodus (see above)
            self._logger.error(f"PtychoPINN/{self._name}: reconstruction failed: {error}")
            self._logger.debug("PtychoPINN: traceback", exc_info=True)
            self.last_result = 1
            yield ReconstructOutput(parameters.product, goal, 1)

    def _product(self, product, step):
        """The product of a step: what the step changed, the input's for the rest."""
        probes, positions, object_ = product.probes, product.probe_positions, product.object_
        if step.object_ is not None:
            object_ = Object(array=np.asarray(step.object_)[np.newaxis], layer_spacing_m=[],
                             pixel_geometry=object_.get_pixel_geometry(), center=object_.get_center())
        if step.probe is not None:
            from ptychodus.api.probe import ProbeSequence
            modes = np.asarray(step.probe)
            probes = ProbeSequence(modes.reshape((1,) * (4 - modes.ndim) + modes.shape), None,
                                   product.probes.get_pixel_geometry())
        if step.positions_px is not None:
            from ptychodus.api.probe_positions import ProbePosition, ProbePositionSequence
            x_m, y_m = scan_io.metres(product, *step.positions_px)
            positions = ProbePositionSequence(
                ProbePosition(p.index, float(x), float(y)) for p, x, y in zip(product.probe_positions, x_m, y_m))
        if (object_ is product.object_ and probes is product.probes and positions is product.probe_positions
                and not step.losses):
            return product
        return Product(metadata=product.metadata, probe_positions=positions, probes=probes, object_=object_,
                       losses=list(step.losses) or list(product.losses))


class PINNReconstructor(PtychoPINNReconstructor, TrainableReconstructor):
    """PtychoPINN/PINN and PtychoPINN/Supervised: the trained network, model_type = name.lower()."""

    # Progress in percent: input converted, model open, network and stitching done, product made.
    PROGRESS_GOAL = 100
    _INPUT, _MODEL, _NETWORK = 10, 20, 90

    def __init__(self, name, library):
        super().__init__(name, library)
        # The model in memory (ptychopinn.Model) and the ModelPath it stands for: it follows
        # ModelPath, so changing that (a settings file, ptychodus' panel) opens the named model at the
        # next reconstruct.
        self._model = None
        self._model_path = None
        self._last_training_failed = False

    def get_progress_goal(self):
        return self.PROGRESS_GOAL

    # --- reconstruction ---------------------------------------------------------------------
    def held_model(self):
        """The model this reconstructor holds (trained or opened), or the one ModelPath names when
        that changed. Raises FileNotFoundError saying how to get one when there is none."""
        path = Path(self._library.inference_settings.model_path.get_value())
        if self._model is None or self._model_path != path:
            import ptychopinn
            if not path.exists():
                raise FileNotFoundError(f"PtychoPINN/{self._name} has no model: train it, or open a model "
                                        f"(ModelPath = {path} does not exist)")
            self._logger.info(f"PtychoPINN: opening the model {path}")
            self._model = ptychopinn.Model.load(path)
            self._model_path = path
        return self._model

    def _steps(self, parameters):
        import ptychopinn

        pixels = scan_io.pixel_scan(parameters)
        yield Step(self._INPUT)
        model = self.held_model()
        n = pixels.amplitudes.shape[-1]
        if n != model.N:
            raise ValueError(f"the patterns are {n} x {n} pixels but the model was trained on N = {model.N}: crop "
                             f"them to {model.N} in ptychodus' Diffraction settings")
        yield Step(self._MODEL)
        data = ptychopinn.Dataset(pixels.amplitudes, pixels.x_px, pixels.y_px, pixels.probe, name="ptychodus")
        result = model.reconstruct_dataset(data, grid=pixels.grid(), keep_patches=False)
        yield Step(self._NETWORK)
        self._logger.info(f"PtychoPINN/{self._name}: reconstructed {len(pixels.x_px)} patterns"
                          f"{f' ({pixels.bad_pixels} bad detector pixels zeroed)' if pixels.bad_pixels else ''} "
                          f"into the {pixels.height} x {pixels.width} object grid")
        yield Step(self.PROGRESS_GOAL, object_=result["object"], losses=losses_of(model.history))

    # --- models -----------------------------------------------------------------------------
    def get_model_file_filter(self):
        return MODEL_FILE_FILTER

    def open_model(self, file_path):
        import ptychopinn
        path = Path(file_path)
        self._model = ptychopinn.Model.load(path)
        self._model_path = path
        self._library.inference_settings.model_path.set_value(path)
        self._logger.info(f"PtychoPINN: opened {path} (N = {self._model.N}, gridsize {self._model.gridsize})")

    def save_model(self, file_path):
        if self._model is None:
            if self._last_training_failed:
                # ptychodus' batch training saves whatever train() left; the failure is logged already
                # and its result code is what the batch run returns.
                self._logger.error("PtychoPINN: no model to save: the training failed")
                return None
            raise RuntimeError("PtychoPINN: no model to save: train or open one first")
        written = self._model.save(Path(file_path))
        self._logger.info(f"PtychoPINN: saved the model to {written}")
        return written

    # --- training ---------------------------------------------------------------------------
    def get_training_data_file_filter(self):
        return TRAINING_DATA_FILE_FILTER

    def get_training_data_path(self):
        return self._library.training_settings.data_dir.get_value()

    def export_training_data(self, file_path, parameters):
        """Writes a contract NPZ (what `ptychopinn convert` makes of ptychodus' files): amplitudes,
        positions in object pixels, the probe, the object (layer 0) and _metadata with the measured
        photon count and the object pixel size."""
        path = Path(file_path)
        metadata = scan_io.write_training_data(path, parameters,
                                               self._library.model_settings.probe_scale.get_value())
        for note in metadata.get("notes", []):
            self._logger.warning(f"PtychoPINN: {path.name}: {note}")
        self._logger.info(f"PtychoPINN: exported {metadata['source']['patterns']} patterns to {path}")

    def train(self, data_path):
        """Trains on a folder (train_data.npz, and test_data.npz, reconstructed afterwards as a check)
        or one file. Logs each epoch; returns the training and validation loss per epoch."""
        self._last_training_failed = False
        try:
            return self._train(Path(data_path))
        except Exception as error:  # noqa: BLE001 - reported as reconstruct() reports
            self._last_training_failed = True
            self._model = None
            self._logger.error(f"PtychoPINN/{self._name}: training failed: {error}")
            self._logger.debug("PtychoPINN: traceback", exc_info=True)
            return TrainOutput([], [], 1)

    def _train(self, path):
        import ptychopinn

        settings = self._library.training_settings
        train_file = path / "train_data.npz" if path.is_dir() else path
        test_file = path / "test_data.npz" if path.is_dir() else None
        settings.data_dir.set_value(path)
        data = ptychopinn.load_dataset(train_file)
        # A dataset's recorded photon count wins; NumPhotons serves data that records none.
        config = ptychopinn.TrainingConfig(
            model=self._library.model_settings.model_config(data.pattern_size, self._name.lower()),
            **settings.training_config(),
            **({} if data.nphotons else {"nphotons": settings.nphotons.get_value()}))
        output_dir = Path(settings.output_dir.get_value())
        if output_dir == UNSET_OUTPUT_DIR:
            output_dir = None
            self._logger.warning("PtychoPINN: OutputDir is not set: the run folder (history, config) is not "
                                 "kept; save the model to keep it")
        nepochs = config.nepochs
        self._logger.info(f"PtychoPINN/{self._name}: training on {train_file} ({len(data)} patterns, {nepochs} "
                          f"epochs), output {output_dir}")
        result = ptychopinn.train(config, data, output_dir=output_dir, progress=_EpochLog(self._logger, nepochs))
        for h in result.history:
            val = "" if h.get("val_loss") is None else f", validation loss {h['val_loss']:.6g}"
            self._logger.info(f"PtychoPINN: epoch {h['epoch']}/{nepochs}: training loss {h['train_loss']:.6g}{val}")
        self._model = result.model
        if output_dir is not None:
            self._library.inference_settings.model_path.set_value(output_dir / MODEL_FILE_NAME)
        self._model_path = Path(self._library.inference_settings.model_path.get_value())
        if test_file is not None and test_file.exists():
            test = ptychopinn.load_dataset(test_file)
            check = result.model.reconstruct_dataset(test, keep_patches=False)
            self._logger.info(f"PtychoPINN/{self._name}: reconstructed {test_file} ({len(test)} patterns, "
                              f"object {check['object'].shape[0]} x {check['object'].shape[1]})")
        return TrainOutput(losses_of(result.history, "train_loss"), losses_of(result.history, "val_loss"), 0)


class _EpochLog:
    """ptychopinn.train's progress callback: one log line when an epoch starts, which ptychodus shows
    while train() runs (its reconstructor API has no progress channel for training)."""

    def __init__(self, logger, nepochs):
        self._logger = logger
        self._nepochs = nepochs
        self._epoch = 0

    def __call__(self, epoch, batch, loss):
        if epoch != self._epoch:
            self._epoch = epoch
            self._logger.info(f"PtychoPINN: training epoch {epoch}/{self._nepochs} (first batch loss {loss:.6g})")
        return True
