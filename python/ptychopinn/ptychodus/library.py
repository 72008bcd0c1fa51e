"""The PtychoPINN reconstructor library for ptychodus (reconstructor API v1.2).

What crosses the boundary, and how (ptychodus-contract.md §1.3-1.4; none of §2's mistakes):
  * patterns arrive as raw detector counts, DC at the centre: amplitudes are sqrt(counts), with
    the bad pixels (True = bad) set to 0;
  * positions arrive in metres: object pixels are x_px = (x_m - center_x_m) / pixel_width_m + W / 2
    (likewise y with rows), ptychodus' own mapping;
  * the probe is coherent mode 0, incoherent mode 0;
  * the reconstruction is stitched into the input object's grid: same shape, pixel size and centre.
Errors never escape reconstruct() (ptychodus would hang): they are logged to the library's logger
and yielded as a result of 1. Nothing heavy is imported until a method runs.
"""
import json
import os
from pathlib import Path

import numpy as np

from ptychodus.api.object import Object
from ptychodus.api.product import LossValue, Product
from ptychodus.api.reconstructor import (ReconstructorLibrary, ReconstructOutput, TrainableReconstructor,
                                         TrainOutput)

from .settings import InferenceSettings, ModelSettings, TrainingSettings

MODEL_FILE_NAME = "wts.h5.zip"
MODEL_FILE_FILTER = "PtychoPINN LibTorch model (wts.h5.zip *.zip)"
TRAINING_DATA_FILE_FILTER = "NumPy Zipped Archive (*.npz)"


def amplitudes(patterns, bad_pixels):
    """Raw counts [N, H, W] (any numeric type) -> float32 amplitudes, bad pixels (True = bad) zeroed."""
    counts = np.asarray(patterns, dtype=np.float32)
    if counts.ndim != 3 or counts.shape[1] != counts.shape[2]:
        raise ValueError(f"diffraction patterns: shape {counts.shape}; expected square [N, H, H] patterns")
    amplitude = np.sqrt(np.maximum(counts, 0.0))
    if bad_pixels is not None:
        bad = np.asarray(bad_pixels, dtype=bool)
        if bad.shape != counts.shape[1:]:
            raise ValueError(f"bad pixels: shape {bad.shape}; expected the patterns' {counts.shape[1:]}")
        amplitude[:, bad] = 0.0
    return amplitude


def positions_px(product):
    """The product's probe positions in object pixels (x, y), ptychodus' mapping, in stored order."""
    g = product.object_.get_geometry()
    xs, ys = [], []
    for position in product.probe_positions:
        xs.append((position.coordinate_x_m - g.center_x_m) / g.pixel_width_m + g.width_px / 2)
        ys.append((position.coordinate_y_m - g.center_y_m) / g.pixel_height_m + g.height_px / 2)
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)


def metres(product, x_px, y_px):
    """The inverse of positions_px."""
    g = product.object_.get_geometry()
    return ((np.asarray(x_px) - g.width_px / 2) * g.pixel_width_m + g.center_x_m,
            (np.asarray(y_px) - g.height_px / 2) * g.pixel_height_m + g.center_y_m)


def probe_of(product):
    return np.asarray(product.probes.get_probe_no_opr().get_incoherent_mode(0), dtype=np.complex64)


class PtychoPINNTrainableReconstructor(TrainableReconstructor):
    def __init__(self, name, library, model_settings, training_settings, inference_settings):
        super().__init__()
        self._name = name
        self._library = library
        self._model_settings = model_settings
        self._training_settings = training_settings
        self._inference_settings = inference_settings
        self._model = None  # ptychopinn.Model, loaded lazily

    # --- identity ---------------------------------------------------------------------------
    def get_name(self):
        return self._name

    def get_progress_goal(self):
        return 100

    @property
    def _logger(self):
        return self._library.get_logger()

    # --- reconstruction ---------------------------------------------------------------------
    def _loaded_model(self):
        if self._model is None:
            import ptychopinn
            path = self._inference_settings.model_path.get_value()
            self._logger.info(f"PtychoPINN: opening the model {path}")
            self._model = ptychopinn.Model.load(path)
        return self._model

    def reconstruct(self, parameters):
        try:
            yield ReconstructOutput(parameters.product, 0, 0)
            product = self._reconstruct(parameters)
            yield ReconstructOutput(product, 100, 0)
        except Exception as error:  # noqa: BLE001 - ptychodus hangs on an exception (contract §1.2)
            self._logger.error(f"PtychoPINN/{self._name}: reconstruction failed: {error}")
            yield ReconstructOutput(parameters.product, 100, 1)

    def _reconstruct(self, parameters):
        import ptychopinn
        model = self._loaded_model()
        patterns = amplitudes(parameters.diffraction_patterns, parameters.bad_pixels)
        if patterns.shape[-1] != model.N:
            raise ValueError(f"the patterns are {patterns.shape[-1]} x {patterns.shape[-1]} pixels but the model "
                             f"was trained on N = {model.N}: crop them to {model.N} in the Diffraction settings")
        product = parameters.product
        x, y = positions_px(product)
        if len(x) != len(patterns):
            raise ValueError(f"{len(x)} probe positions for {len(patterns)} diffraction patterns")
        geometry = product.object_.get_geometry()
        grid = dict(x_origin=0.0, y_origin=0.0, pixel_width=1.0, pixel_height=1.0, width=int(geometry.width_px),
                    height=int(geometry.height_px))
        data = ptychopinn.Dataset(patterns, x, y, probe_of(product), name="ptychodus")
        result = model.reconstruct_dataset(data, grid=grid, keep_patches=False)
        self._logger.info(f"PtychoPINN/{self._name}: reconstructed {len(patterns)} patterns into the "
                          f"{grid['height']} x {grid['width']} object grid")
        object_in = product.object_
        object_out = Object(array=result["object"][np.newaxis], layer_spacing_m=[],
                            pixel_geometry=object_in.get_pixel_geometry(), center=object_in.get_center())
        losses = [LossValue(int(h["epoch"]), float(h["train_loss"])) for h in model.history]
        return Product(metadata=product.metadata, probe_positions=product.probe_positions, probes=product.probes,
                       object_=object_out, losses=losses)

    # --- models -----------------------------------------------------------------------------
    def get_model_file_filter(self):
        return MODEL_FILE_FILTER

    def open_model(self, file_path):
        import ptychopinn
        path = Path(file_path)
        self._model = ptychopinn.Model.load(path)
        self._inference_settings.model_path.set_value(path)
        self._logger.info(f"PtychoPINN: opened {path} (N = {self._model.N}, gridsize {self._model.gridsize})")

    def save_model(self, file_path):
        if self._model is None:
            raise RuntimeError("PtychoPINN: no model to save: train or open one first")
        written = self._model.save(Path(file_path))
        self._logger.info(f"PtychoPINN: saved the model to {written}")
        return written

    # --- training ---------------------------------------------------------------------------
    def get_training_data_file_filter(self):
        return TRAINING_DATA_FILE_FILTER

    def get_training_data_path(self):
        return self._training_settings.data_dir.get_value()

    def export_training_data(self, file_path, parameters):
        """Writes a contract NPZ: amplitudes, positions in object pixels (indexes 0..N-1 in pattern
        order), the probe, the object (layer 0) and _metadata with the photon count and pixel size."""
        patterns = amplitudes(parameters.diffraction_patterns, parameters.bad_pixels)
        product = parameters.product
        x, y = positions_px(product)
        counts = np.asarray(parameters.diffraction_patterns, dtype=np.float64)
        geometry = product.object_.get_geometry()
        metadata = {
            "creation_info": {"script": "ptychopinn.ptychodus export_training_data"},
            "physics_parameters": {"nphotons": float(counts.sum(axis=(1, 2)).mean()), "N": int(patterns.shape[-1])},
            "source": {"format": "ptychodus", "object_pixel_size_m": float(geometry.pixel_width_m),
                       "detector_distance_m": float(product.metadata.detector_distance_m),
                       "probe_energy_eV": float(product.metadata.probe_energy_eV)},
        }
        path = Path(file_path)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as f:
            np.savez(f, diffraction=patterns, xcoords=x, ycoords=y, xcoords_start=x, ycoords_start=y,
                     indexes=np.arange(len(x), dtype=np.int64), scan_index=np.zeros(len(x), dtype=np.int64),
                     probeGuess=probe_of(product),
                     objectGuess=np.asarray(product.object_.get_layer(0), dtype=np.complex64),
                     _metadata=np.array(json.dumps(metadata)))
        os.replace(tmp, path)
        self._logger.info(f"PtychoPINN: exported {len(x)} patterns to {path}")

    def train(self, data_path):
        import ptychopinn
        try:
            path = Path(data_path)
            train_file = path / "train_data.npz" if path.is_dir() else path
            test_file = path / "test_data.npz" if path.is_dir() else None
            self._training_settings.data_dir.set_value(path)
            data = ptychopinn.load_dataset(train_file)
            config = ptychopinn.TrainingConfig(
                model=self._model_settings.model_config(data.pattern_size, self._name.lower()),
                **self._training_settings.training_config(),
                **({} if data.nphotons else {"nphotons": self._training_settings.nphotons.get_value()}))
            output_dir = Path(self._training_settings.output_dir.get_value())
            self._logger.info(f"PtychoPINN/{self._name}: training on {train_file} ({len(data)} patterns), "
                              f"output {output_dir}")
            result = ptychopinn.train(config, data, output_dir=output_dir)
            self._model = result.model
            self._inference_settings.model_path.set_value(output_dir / MODEL_FILE_NAME)
            if test_file is not None and test_file.exists():
                test = ptychopinn.load_dataset(test_file)
                check = result.model.reconstruct_dataset(test, keep_patches=False)
                self._logger.info(f"PtychoPINN/{self._name}: reconstructed {test_file} ({len(test)} patterns, "
                                  f"object {check['object'].shape[0]} x {check['object'].shape[1]})")
            training = [LossValue(int(h["epoch"]), float(h["train_loss"])) for h in result.history]
            validation = [LossValue(int(h["epoch"]), float(h["val_loss"])) for h in result.history
                          if h["val_loss"] is not None]
            return TrainOutput(training, validation, 0)
        except Exception as error:  # noqa: BLE001 - report, as reconstruct does
            self._logger.error(f"PtychoPINN/{self._name}: training failed: {error}")
            return TrainOutput([], [], 1)


class PtychoPINNReconstructorLibrary(ReconstructorLibrary):
    """PtychoPINN/PINN and PtychoPINN/Supervised, sharing one set of settings."""

    def __init__(self, settings_registry, is_developer_mode_enabled=False):
        super().__init__("ptychopinn")
        self.model_settings = ModelSettings(settings_registry)
        self.training_settings = TrainingSettings(settings_registry)
        self.inference_settings = InferenceSettings(settings_registry)
        self._reconstructors = [
            PtychoPINNTrainableReconstructor(name, self, self.model_settings, self.training_settings,
                                             self.inference_settings)
            for name in ("PINN", "Supervised")
        ]

    @property
    def name(self):
        return "PtychoPINN"

    def __iter__(self):
        return iter(self._reconstructors)
